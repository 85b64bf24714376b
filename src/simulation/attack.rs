//! How a cyberattack unfolds in one run.
//!
//! The attacker is one operator with a pace: from its entry points it takes
//! one service at a time, each next one about `spread` after the last (an
//! exponential draw with that mean), among the services it can encrypt in
//! the zones its footholds reach, going for the directory first, then the
//! backups, then the hypervisors and storage, then the other servers, the
//! workstations last (the order of published ransomware playbooks). Once it
//! holds an identity service, after about `identity` it administers, as
//! that directory's administrators, every service whose `identity` it is,
//! all at once (deployment by group policy). The attack ends with
//! encryption after the dwell time, or earlier if defenders detect it.
//!
//! What it can do to a service depends on what the service is
//! ([`effect`]): systems with an operating system and data (servers,
//! directories, databases, hypervisors, storage, backup servers,
//! workstations, and anything hosted on a hypervisor) are encrypted;
//! network and security appliances can be passed through and have their
//! configuration wiped, and are never a lateral target; what is not on the
//! network (power, cooling, operators' links, a service without a zone) and
//! what a supplier runs (SaaS, internet access) is out of reach.
//!
//! Each draw comes from the run's seed and the step (or the identity
//! service), so the same seed gives the same attack and a cut of the
//! network changes nothing before it begins.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::{Dependency, Plan, ServiceId, ServiceKind};
use crate::scenario::attack::{Attack, Cut};

/// What an attacker holding a service can do to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Encrypt it: a system with an operating system and data.
    Encrypt,
    /// Pass through it and wipe its configuration: a network or security
    /// appliance. Never a lateral target.
    Wipe,
    /// Nothing: not on the network, or run by a supplier.
    Out,
}

/// What an attacker holding service `s` can do to it: see the module's
/// documentation.
pub fn effect(plan: &Plan, s: ServiceId) -> Effect {
    use ServiceKind::*;
    let svc = plan.service(s);
    if svc.zone.is_none() {
        return Effect::Out;
    }
    let hosted = svc
        .depends_on
        .iter()
        .filter(|d| !matches!(d, Dependency::Soft(_)))
        .flat_map(|d| d.services())
        .any(|h| plan.service(*h).kind == Hypervisor);
    match svc.kind {
        Power | Cooling | Telecom | Internet | Saas | Supplier => Effect::Out,
        Network | Security if !hosted => Effect::Wipe,
        _ => Effect::Encrypt,
    }
}

/// The order in which the attacker goes for the services it can reach:
/// the directory, the backups, the hypervisors and storage, the other
/// servers, the workstations.
fn rank(kind: ServiceKind) -> u8 {
    match kind {
        ServiceKind::Identity => 0,
        ServiceKind::Backup => 1,
        ServiceKind::Hypervisor | ServiceKind::Storage => 2,
        ServiceKind::Workstation => 4,
        _ => 3,
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// When each service was compromised, if it was before the end.
    pub compromised: Vec<Option<u64>>,
    /// When the attack ends: encryption, or detection.
    pub end: u64,
    /// Whether it ended with encryption (not stopped by detection).
    pub encrypted: bool,
    /// When the investigation ends: work on what the attacker held starts
    /// no sooner.
    pub cleared: u64,
    /// Services out of reach federated with a directory the attacker held
    /// at the end (their `identity`): their data may be exposed.
    pub federated: Vec<bool>,
    /// Services the attacker could reach at the end: compromised, or in a
    /// zone reachable from a compromised service's zone (out of reach
    /// excepted).
    pub reachable: Vec<bool>,
}

/// A uniform draw in [0, 1) for the pair `(a, b)`: the same for the same
/// seed and the same pair, whatever else happens in the run.
fn uniform(seed: u64, a: u64, b: u64) -> f64 {
    (mix(seed, a, b) >> 11) as f64 / (1u64 << 53) as f64
}

/// SplitMix64 of the triple: well spread, reproducible.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An exponential delay with this mean for the draw `(a, b)`.
fn draw(mean: u64, seed: u64, a: u64, b: u64) -> u64 {
    if mean == 0 {
        return 0;
    }
    // 1 − u avoids ln(0).
    (-(mean as f64) * (1.0 - uniform(seed, a, b)).ln()).round() as u64
}

/// Salts of the draws: the k-th lateral move, an identity's takeover.
const STEP: u64 = 1;
const TAKEOVER: u64 = 2;
const CHOICE: u64 = 3;

/// When a move that needs `delay` seconds of network, starting at `t`,
/// arrives, the link being down during `cuts` (sorted by start); `None`
/// when a cut for good stops it.
fn arrival(t: u64, delay: u64, cuts: &[(u64, u64)]) -> Option<u64> {
    let (mut now, mut left) = (t, delay);
    for &(from, until) in cuts {
        if until <= now {
            continue;
        }
        if from > now {
            let open = from - now;
            if open >= left {
                break;
            }
            left -= open;
        }
        if until == u64::MAX {
            return None;
        }
        now = now.max(until);
    }
    Some(now + left)
}

/// What the attacker holds, and the takeovers its identity services will
/// bring.
struct Held {
    compromised: Vec<Option<u64>>,
    zone: Vec<Option<usize>>,
    /// Per zone: how many services the attacker holds there.
    in_zone: Vec<u32>,
    /// Takeovers to come, by time: what an identity service administers.
    pending: BinaryHeap<Reverse<(u64, usize)>>,
    administers: Vec<Vec<usize>>,
    identity: u64,
    seed: u64,
}

impl Held {
    fn hold(&mut self, i: usize, t: u64) {
        if self.compromised[i].is_some() {
            return;
        }
        self.compromised[i] = Some(t);
        if let Some(z) = self.zone[i] {
            self.in_zone[z] += 1;
        }
        if !self.administers[i].is_empty() {
            let at = t.saturating_add(draw(self.identity, self.seed, TAKEOVER, i as u64));
            self.pending.push(Reverse((at, i)));
        }
    }

    /// The takeovers due by `t`, in time order: every service the identity
    /// administers, at once, but for those across a cut (taken when the cut
    /// ends, if before `end`).
    fn takeovers(&mut self, t: u64, end: u64, crossing: impl Fn(usize, usize) -> Vec<(u64, u64)>) {
        while let Some(&Reverse((at, id))) = self.pending.peek() {
            if at > t {
                break;
            }
            self.pending.pop();
            let mut later = None;
            for x in self.administers[id].clone() {
                if self.compromised[x].is_some() {
                    continue;
                }
                match arrival(at, 0, &crossing(id, x)) {
                    Some(got) if got <= at => self.hold(x, at),
                    Some(got) if got <= end => later = Some(later.map_or(got, |l: u64| l.min(got))),
                    _ => {}
                }
            }
            if let Some(l) = later {
                self.pending.push(Reverse((l, id)));
            }
        }
    }
}

/// Unfolds the attack with zones cut off the network for a while: during
/// a cut the attacker cannot move into or out of the zone (inside it, it
/// still can); a move under way waits and resumes when the zone is
/// connected again, needing the same time on the network as without the
/// cut, and a move a cut for good stops is given up.
pub fn unfold(plan: &Plan, attack: &Attack, cuts: &[Cut], seed: u64) -> Outcome {
    let n = plan.services.len();
    let mut zone_cuts: Vec<Vec<(u64, u64)>> = vec![Vec::new(); plan.zones.len()];
    for c in cuts {
        if c.until > c.from {
            zone_cuts[c.zone.index()].push((c.from, c.until));
        }
    }
    for z in &mut zone_cuts {
        z.sort_unstable();
    }
    let zone_of = |i: usize| plan.services[i].zone.map(|z| z.index());
    // The cuts that stop a move from zone `a` to zone `b`: those of either
    // when it crosses a boundary.
    let crossing = |a: Option<usize>, b: Option<usize>| -> Vec<(u64, u64)> {
        if a == b {
            return Vec::new();
        }
        let mut all: Vec<(u64, u64)> = [a, b]
            .iter()
            .flatten()
            .flat_map(|&z| zone_cuts[z].iter().copied())
            .collect();
        all.sort_unstable();
        all
    };
    let cut_at = |z: usize, t: u64| zone_cuts[z].iter().any(|&(f, u)| f <= t && t < u);
    let start = attack.at.as_secs();
    let encryption = start + attack.dwell.as_secs();
    let (end, encrypted) = match attack.detect {
        Some(d) if d.as_secs() < encryption => (d.as_secs().max(start), false),
        _ => (encryption, true),
    };
    let effects: Vec<Effect> = plan.service_ids().map(|s| effect(plan, s)).collect();
    let mut administers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in plan.services.iter().enumerate() {
        if let Some(id) = s.identity
            && id.index() != i
            && effects[i] != Effect::Out
        {
            administers[id.index()].push(i);
        }
    }
    // A directory's standby (another domain controller) replicates it:
    // holding either is holding the directory and what it administers.
    for (i, s) in plan.services.iter().enumerate() {
        if s.kind == ServiceKind::Identity
            && let Some(f) = s.recovery.failover
            && plan.service(f.to).kind == ServiceKind::Identity
            && f.to.index() != i
        {
            let mut also = administers[i].clone();
            also.push(i);
            also.retain(|&x| x != f.to.index());
            administers[f.to.index()].extend(also);
            administers[f.to.index()].sort_unstable();
            administers[f.to.index()].dedup();
        }
    }
    let mut held = Held {
        compromised: vec![None; n],
        zone: (0..n).map(zone_of).collect(),
        in_zone: vec![0; plan.zones.len()],
        pending: BinaryHeap::new(),
        administers,
        identity: attack.identity,
        seed,
    };
    for s in &attack.entry {
        held.hold(s.index(), start);
    }
    // The attacker's pace: the k-th lateral move takes the k-th draw,
    // counted from the end of the one before; takeovers by an identity
    // held go on beside it.
    let mut t = start;
    let mut step = 0u64;
    let order = |i: usize| (rank(plan.services[i].kind), mix(seed, CHOICE, i as u64));
    // Per zone: what the attacker can encrypt there, in its order, and the
    // first not yet held.
    let mut by_zone: Vec<Vec<usize>> = vec![Vec::new(); plan.zones.len()];
    for i in (0..n).filter(|&i| effects[i] == Effect::Encrypt) {
        if let Some(z) = zone_of(i) {
            by_zone[z].push(i);
        }
    }
    for list in &mut by_zone {
        list.sort_by_key(|&i| order(i));
    }
    let mut cursor = vec![0usize; plan.zones.len()];
    while t <= end {
        held.takeovers(t, end, |id, x| crossing(zone_of(id), zone_of(x)));
        // The next target: the first by the attacker's order among what it
        // can encrypt in the zones its footholds reach, not cut off now.
        let footholds: Vec<usize> = (0..plan.zones.len())
            .filter(|&z| held.in_zone[z] > 0 && !cut_at(z, t))
            .collect();
        let mut open = vec![false; plan.zones.len()];
        for &z in &footholds {
            open[z] = true;
            for r in &plan.zones[z].reach {
                if !cut_at(r.index(), t) {
                    open[r.index()] = true;
                }
            }
        }
        let mut target: Option<usize> = None;
        for z in (0..plan.zones.len()).filter(|&z| open[z]) {
            let list = &by_zone[z];
            while cursor[z] < list.len() && held.compromised[list[cursor[z]]].is_some() {
                cursor[z] += 1;
            }
            if let Some(&c) = list.get(cursor[z])
                && target.is_none_or(|b| order(c) < order(b))
            {
                target = Some(c);
            }
        }
        let Some(x) = target else {
            // Nothing to take now: wait for a takeover or a reconnection.
            let takeover = held.pending.peek().map(|&Reverse((at, _))| at);
            let reconnect = zone_cuts
                .iter()
                .flatten()
                .map(|&(_, u)| u)
                .filter(|&u| u > t && u != u64::MAX)
                .min();
            match [takeover, reconnect].into_iter().flatten().min() {
                Some(next) => {
                    t = next;
                    continue;
                }
                None => break,
            }
        };
        // From a foothold in its zone if there is one, else from one whose
        // zone reaches it.
        let zx = zone_of(x);
        let from = if zx.is_some_and(|z| footholds.contains(&z)) {
            zx
        } else {
            footholds
                .iter()
                .copied()
                .find(|&z| plan.zones[z].reach.iter().any(|r| Some(r.index()) == zx))
        };
        let delay = draw(attack.spread, seed, STEP, step);
        step += 1;
        match arrival(t, delay, &crossing(from, zx)) {
            Some(at) if at <= end => {
                held.takeovers(at, end, |id, x| crossing(zone_of(id), zone_of(x)));
                held.hold(x, at);
                t = at;
            }
            Some(_) => break,
            // Cut off for good before it arrives: given up when the cut
            // began (the attacker then looks elsewhere).
            None => {
                let cut = crossing(from, zx)
                    .iter()
                    .filter(|&&(_, u)| u == u64::MAX)
                    .map(|&(f, _)| f)
                    .min()
                    .unwrap_or(t);
                t = cut.max(t + 1);
            }
        }
    }
    held.takeovers(end, end, |id, x| crossing(zone_of(id), zone_of(x)));
    let compromised = held.compromised;
    // What the attacker could reach at the end: its zones, and the zones
    // they reach unless cut off then.
    let mut zones = vec![false; plan.zones.len()];
    for (i, c) in compromised.iter().enumerate() {
        if c.is_some()
            && let Some(z) = plan.services[i].zone
        {
            zones[z.index()] = true;
            if cut_at(z.index(), end) {
                continue;
            }
            for r in &plan.zones[z.index()].reach {
                if !cut_at(r.index(), end) {
                    zones[r.index()] = true;
                }
            }
        }
    }
    let reachable = (0..n)
        .map(|i| {
            compromised[i].is_some()
                || (effects[i] != Effect::Out
                    && plan.services[i].zone.is_some_and(|z| zones[z.index()]))
        })
        .collect();
    let federated = (0..n)
        .map(|i| {
            effects[i] == Effect::Out
                && plan.services[i]
                    .identity
                    .is_some_and(|id| compromised[id.index()].is_some())
        })
        .collect();
    Outcome {
        federated,
        compromised,
        end,
        encrypted,
        cleared: end.saturating_add(attack.investigation.as_secs()),
        reachable,
    }
}

#[cfg(test)]
mod tests {
    use super::arrival;

    #[test]
    fn a_move_waits_out_the_cuts() {
        // No cut: at once after the delay.
        assert_eq!(arrival(10, 5, &[]), Some(15));
        // Cut before the move ends: the rest after the reconnection.
        assert_eq!(arrival(0, 10, &[(4, 20)]), Some(26));
        // Already cut when it starts.
        assert_eq!(arrival(5, 0, &[(0, 8)]), Some(8));
        assert_eq!(arrival(5, 3, &[(0, 8), (9, 12)]), Some(14));
        // A cut that begins after it arrives changes nothing.
        assert_eq!(arrival(0, 3, &[(5, 9)]), Some(3));
        // A cut that begins exactly when it arrives changes nothing.
        assert_eq!(arrival(0, 5, &[(5, 9)]), Some(5));
        // Cut for good before it arrives.
        assert_eq!(arrival(0, 10, &[(4, u64::MAX)]), None);
        assert_eq!(arrival(0, 0, &[(0, u64::MAX)]), None);
    }
}

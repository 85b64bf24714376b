//! How a cyberattack unfolds in one run: from its entry points, the attacker
//! compromises services in the zones it can reach and, through an identity
//! service it holds, every service that identity administers; each step takes
//! a time drawn from its distribution. The attack ends with encryption after
//! the dwell time, or earlier if defenders detect it.
//!
//! Compromise times are earliest arrival times (Dijkstra over sampled
//! delays); each move's delay is drawn from the run's seed and its pair of
//! services, so the same seed gives the same attack and a cut of the
//! network changes nothing before it begins.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::raw::{Spread, SpreadClass};
use crate::model::{Duration, Plan, ServiceId, ZoneId};

/// A resolved attack.
#[derive(Debug, Clone)]
pub struct Attack {
    pub at: Duration,
    pub entry: Vec<ServiceId>,
    pub technique: Option<String>,
    /// Mean time to compromise through a reachable zone (0: at once).
    pub spread: u64,
    /// Mean time to compromise what a held identity service administers.
    pub identity: u64,
    pub dwell: Duration,
    pub detect: Option<Duration>,
}

/// The mean of a time-to-compromise distribution, in seconds.
pub fn mean(spread: Option<Spread>, default: SpreadClass) -> u64 {
    match spread.unwrap_or(Spread::Class(default)) {
        Spread::Mean { mean } => mean.as_secs(),
        Spread::Class(SpreadClass::Certain) => 0,
        Spread::Class(SpreadClass::Easy) => 3_600,
        Spread::Class(SpreadClass::Hard) => 86_400,
        Spread::Class(SpreadClass::VeryHard) => 7 * 86_400,
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
    /// Services the attacker could reach at the end: compromised, or in a
    /// zone reachable from a compromised service's zone.
    pub reachable: Vec<bool>,
}

/// A cut of a zone off the network: from `from` until `until` (`u64::MAX`:
/// for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub zone: ZoneId,
    pub from: u64,
    pub until: u64,
}

/// A uniform draw in [0, 1) for the move from `a` to `b`: the same for
/// the same seed and the same pair, whatever else happens in the run.
fn uniform(seed: u64, a: usize, b: usize) -> f64 {
    // SplitMix64 of the triple: well spread, reproducible.
    let mut z = seed
        ^ (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// An exponential delay with this mean for the move from `a` to `b`.
fn draw(mean: u64, seed: u64, a: usize, b: usize) -> u64 {
    if mean == 0 {
        return 0;
    }
    // 1 − u avoids ln(0).
    (-(mean as f64) * (1.0 - uniform(seed, a, b)).ln()).round() as u64
}

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

pub fn unfold(plan: &Plan, attack: &Attack, seed: u64) -> Outcome {
    unfold_with(plan, attack, &[], seed)
}

/// Unfolds the attack with zones cut off the network for a while: during
/// a cut the attacker cannot move into or out of the zone (inside it, it
/// still can); a move under way waits and resumes when the zone is
/// connected again, needing the same time on the network as without the
/// cut. Each move's delay is drawn for its pair of services, so a cut
/// changes nothing before it begins.
pub fn unfold_with(plan: &Plan, attack: &Attack, cuts: &[Cut], seed: u64) -> Outcome {
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
    // The cuts that stop a move from `a` to `b`: those of either zone
    // when it crosses a boundary.
    let crossing = |a: usize, b: usize| -> Vec<(u64, u64)> {
        let (za, zb) = (zone_of(a), zone_of(b));
        if za == zb {
            return Vec::new();
        }
        let mut all: Vec<(u64, u64)> = [za, zb]
            .iter()
            .flatten()
            .flat_map(|&z| zone_cuts[z].iter().copied())
            .collect();
        all.sort_unstable();
        all
    };
    let start = attack.at.as_secs();
    let encryption = start + attack.dwell.as_secs();
    let (end, encrypted) = match attack.detect {
        Some(d) if d.as_secs() < encryption => (d.as_secs().max(start), false),
        _ => (encryption, true),
    };
    // Services by zone, and what each identity service administers.
    let mut in_zone: Vec<Vec<usize>> = vec![Vec::new(); plan.zones.len()];
    let mut administers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in plan.services.iter().enumerate() {
        if let Some(z) = s.zone {
            in_zone[z.index()].push(i);
        }
        if let Some(id) = s.identity
            && id.index() != i
        {
            administers[id.index()].push(i);
        }
    }
    let mut compromised: Vec<Option<u64>> = vec![None; n];
    let mut best = vec![u64::MAX; n];
    let mut queue = BinaryHeap::new();
    for s in &attack.entry {
        best[s.index()] = start;
        queue.push(Reverse((start, s.index())));
    }
    while let Some(Reverse((t, s))) = queue.pop() {
        if t > end {
            break;
        }
        if compromised[s].is_some() {
            continue;
        }
        compromised[s] = Some(t);
        let mut next = |x: usize, mean: u64| {
            if compromised[x].is_none()
                && let Some(at) = arrival(t, draw(mean, seed, s, x), &crossing(s, x))
                && at < best[x]
            {
                best[x] = at;
                queue.push(Reverse((at, x)));
            }
        };
        if let Some(z) = plan.services[s].zone {
            let zone = &plan.zones[z.index()];
            for target in std::iter::once(z).chain(zone.reach.iter().copied()) {
                for &x in &in_zone[target.index()] {
                    next(x, attack.spread);
                }
            }
        }
        for &x in &administers[s] {
            next(x, attack.identity);
        }
    }
    // What the attacker could reach at the end: its zones, and the zones
    // they reach unless cut off then.
    let cut_at_end = |z: usize| zone_cuts[z].iter().any(|&(f, u)| f <= end && end < u);
    let mut zones = vec![false; plan.zones.len()];
    for (i, c) in compromised.iter().enumerate() {
        if c.is_some()
            && let Some(z) = plan.services[i].zone
        {
            zones[z.index()] = true;
            if cut_at_end(z.index()) {
                continue;
            }
            for r in &plan.zones[z.index()].reach {
                if !cut_at_end(r.index()) {
                    zones[r.index()] = true;
                }
            }
        }
    }
    let reachable = (0..n)
        .map(|i| {
            compromised[i].is_some() || plan.services[i].zone.is_some_and(|z| zones[z.index()])
        })
        .collect();
    Outcome {
        compromised,
        end,
        encrypted,
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

//! How a cyberattack unfolds in one run: from its entry points, the attacker
//! compromises services in the zones it can reach and, through an identity
//! service it holds, every service that identity administers; each step takes
//! a time drawn from its distribution. The attack ends with encryption after
//! the dwell time, or earlier if defenders detect it.
//!
//! Compromise times are earliest arrival times (Dijkstra over sampled
//! delays), drawn from the run's seeded generator in a fixed order, so the
//! same seed gives the same attack.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

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

fn draw(mean: u64, rng: &mut ChaCha8Rng) -> u64 {
    if mean == 0 {
        return 0;
    }
    // Exponential with this mean; 1 − u avoids ln(0).
    let u: f64 = rng.random();
    (-(mean as f64) * (1.0 - u).ln()).round() as u64
}

pub fn unfold(plan: &Plan, attack: &Attack, rng: &mut ChaCha8Rng) -> Outcome {
    unfold_with(plan, attack, &[], rng)
}

/// Unfolds the attack with zones cut off the network from given times: from
/// then on the attacker cannot move into or out of such a zone (inside it,
/// it still can). Delays are drawn whether or not a move is blocked, so the
/// attack is the same as without the isolation up to its time.
pub fn unfold_with(
    plan: &Plan,
    attack: &Attack,
    isolations: &[(ZoneId, u64)],
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let n = plan.services.len();
    // When each zone is cut off, if it is.
    let mut cut = vec![u64::MAX; plan.zones.len()];
    for &(z, at) in isolations {
        cut[z.index()] = cut[z.index()].min(at);
    }
    let zone_of = |i: usize| plan.services[i].zone.map(|z| z.index());
    // A move from `a` to `b` arriving at `at` crosses a zone boundary that
    // is cut by then.
    let blocked = |a: usize, b: usize, at: u64| {
        let (za, zb) = (zone_of(a), zone_of(b));
        za != zb && [za, zb].iter().flatten().any(|&z| cut[z] <= at)
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
        let mut next = |x: usize, mean: u64, rng: &mut ChaCha8Rng| {
            if compromised[x].is_none() {
                let at = t + draw(mean, rng);
                if at < best[x] && !blocked(s, x, at) {
                    best[x] = at;
                    queue.push(Reverse((at, x)));
                }
            }
        };
        if let Some(z) = plan.services[s].zone {
            let zone = &plan.zones[z.index()];
            for target in std::iter::once(z).chain(zone.reach.iter().copied()) {
                for &x in &in_zone[target.index()] {
                    next(x, attack.spread, rng);
                }
            }
        }
        for &x in &administers[s] {
            next(x, attack.identity, rng);
        }
    }
    let mut zones = vec![false; plan.zones.len()];
    for (i, c) in compromised.iter().enumerate() {
        if c.is_some()
            && let Some(z) = plan.services[i].zone
        {
            zones[z.index()] = true;
            for r in &plan.zones[z.index()].reach {
                zones[r.index()] = true;
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

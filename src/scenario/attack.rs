//! A cyberattack's parameters, as a scenario gives them: where it enters,
//! when, how fast it spreads, how long it dwells, when it is detected and
//! how long the investigation takes. How it unfolds in a run is
//! `simulation::attack`.

use super::raw::{Spread, SpreadClass};
use crate::model::{ServiceId, SimDuration, ZoneId};
/// A resolved attack.
#[derive(Debug, Clone)]
pub struct Attack {
    pub at: SimDuration,
    pub entry: Vec<ServiceId>,
    pub technique: Option<String>,
    /// Mean time to compromise through a reachable zone (0: at once).
    pub spread: u64,
    /// Mean time to compromise what a held identity service administers.
    pub identity: u64,
    pub dwell: SimDuration,
    pub detect: Option<SimDuration>,
    /// From the attack's end (detection or encryption): the investigation
    /// that establishes the compromise; nothing the attacker held is
    /// brought back before it ends.
    pub investigation: SimDuration,
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

/// A cut of a zone off the network: from `from` until `until` (`u64::MAX`:
/// for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub zone: ZoneId,
    pub from: u64,
    pub until: u64,
}

//! The continuity plan: one model, loaded and checked once, then read-only.
//!
//! Every later stage (graph, analysis, recovery, simulation, exercises,
//! documents) reads a [`Plan`]; nothing mutates it. Ids from the YAML are
//! resolved into dense indices ([`ServiceId`], [`ProcessId`], …) so the
//! algorithms work on arrays.

pub(crate) mod copies;
mod crew;
pub(crate) mod duration;
mod kinds;
mod plan;
mod target;

pub use copies::{DataCopy, Fate, Fates, Restore, survives};
pub use crew::{Crew, Slowdown, crews};
pub use duration::{DurationError, SimDuration};
pub use kinds::{Criticality, ServiceKind};
pub use plan::*;
pub use target::{Target, TargetError};

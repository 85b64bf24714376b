//! Recovery with the staff you really have: the order in which to restore
//! what is down so that the most vital processes come back within their
//! DMIA, given each team's capacity.
//!
//! `situation` says what to recover from, [`build()`] turns it into a
//! scheduling `problem`, `sgs` decodes and improves schedules, `ga`
//! searches, `outcome` reads the schedule back in the plan's terms,
//! [`psplib`] reads the PSPLIB benchmark.

pub(crate) mod build;
pub(crate) mod ga;
mod outcome;
pub(crate) mod problem;
mod profile;
pub mod psplib;
pub(crate) mod sgs;
pub(crate) mod situation;

pub use build::{Built, Why, build, down_for_power, runs_elsewhere, shut_down_by};
pub use ga::{Budget, Options, Solution, solve};
pub use outcome::{Mode, ProcessOutcome, RecoveryOrder, Step, recover};
pub use problem::{Milestone, Problem, ProblemError, Req, Task};
pub use sgs::{Schedule, Score};
pub use situation::{Damage, Situation, Spell, opens, shutdown_at};

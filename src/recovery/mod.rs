//! Recovery with the staff you really have: the order in which to restore
//! what is down so that the most vital processes come back within their
//! DMIA, given each team's capacity.
//!
//! [`problem`] states the scheduling problem, [`sgs`] decodes and improves
//! schedules, [`ga`] searches, [`psplib`] reads the PSPLIB benchmark.

mod from_plan;
pub mod ga;
pub mod problem;
mod profile;
pub mod psplib;
pub mod sgs;

pub use from_plan::{
    Built, Damage, Mode, ProcessOutcome, RecoveryPlan, Situation, Step, build, recover,
};
pub use ga::{Budget, Options, Solution, solve};
pub use problem::{Milestone, Problem, ProblemError, Req, Task};
pub use sgs::{Schedule, Score};

//! The schedule read back in the plan's terms: the work in order, each
//! process's incidents against their DMIA.

use super::build::{Built, Why, build};
use super::ga::{Budget, Options, solve};
use super::problem::{ProblemError, Req};
use super::sgs::Score;
use super::situation::Situation;
use crate::graph::DependencyGraph;
use crate::model::{Crew, Plan, ProcessId, ServiceId, SiteId};

/// How a service comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Restore,
    Failover,
    Rebuild,
    /// Started again after a power cut stopped it: cleanly (a controlled
    /// shutdown) or not (`crashed`, a longer restart).
    Restart {
        crashed: bool,
    },
    /// Brought back at a recovery site from its copies, on that site's
    /// platform.
    Relocate(SiteId),
    /// Comes back without work: by itself after an outage, or as soon as
    /// what it depends on is back.
    Automatic,
}

impl Mode {
    pub fn key(self) -> &'static str {
        match self {
            Mode::Restore => "restore",
            Mode::Failover => "failover",
            Mode::Rebuild => "rebuild",
            Mode::Restart { crashed: false } => "restart",
            Mode::Restart { crashed: true } => "restart-after-crash",
            Mode::Relocate(_) => "relocate",
            Mode::Automatic => "automatic",
        }
    }

    /// The recovery site it brings the service to, if it is a relocation.
    pub fn site(self) -> Option<SiteId> {
        match self {
            Mode::Relocate(site) => Some(site),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub service: ServiceId,
    pub mode: Mode,
    pub start: u64,
    pub finish: u64,
    /// Who does it (its people of each team at once), and how much slower
    /// than planned.
    pub crew: Crew,
    /// What must be up first: `(need, services)`, all of them when `need`
    /// is their number, else any `need` of them (a redundancy group).
    pub after: Vec<(u32, Vec<ServiceId>)>,
    /// For a service allowed to move to a recovery site: why it is
    /// brought back there, or not.
    pub why: Option<Why>,
    /// For a relocation: the copy it restores from (its holder, what is
    /// left of its retrieval when planned).
    pub from: Option<crate::model::Restore>,
}

/// One incident of a process: it stops, and is back.
#[derive(Debug, Clone)]
pub struct ProcessOutcome {
    pub process: ProcessId,
    /// Since when it is down.
    pub since: u64,
    /// When the process works again (its IT back, then `resume`).
    pub restored: u64,
    /// Its DMIA, extended by the workaround when that starts in time.
    pub deadline: u64,
}

impl ProcessOutcome {
    pub fn late(&self) -> u64 {
        self.restored.saturating_sub(self.deadline)
    }

    pub fn breach(&self) -> bool {
        self.restored > self.deadline
    }
}

/// The schedule, in the plan's terms.
#[derive(Debug, Clone)]
pub struct RecoveryOrder {
    /// In order of start, then plan order.
    pub steps: Vec<Step>,
    pub processes: Vec<ProcessOutcome>,
    pub score: Score,
    pub makespan: u64,
    pub generated: u64,
    pub lower_bound: u64,
    /// Each team's capacity steps `(from, people)` in this situation.
    pub capacity: Vec<Vec<(u64, u32)>>,
    /// The controlled shutdowns ordered before reserves run out.
    pub shutdowns: Vec<super::build::Shutdown>,
}

impl RecoveryOrder {
    /// The steps that need work (every step: what comes back by itself is
    /// no step).
    pub fn work(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter()
    }

    /// Tasks that start together, in order.
    pub fn waves(&self) -> Vec<(u64, Vec<&Step>)> {
        let mut waves: Vec<(u64, Vec<&Step>)> = Vec::new();
        for s in self.work() {
            match waves.last_mut() {
                Some((t, list)) if *t == s.start => list.push(s),
                _ => waves.push((s.start, vec![s])),
            }
        }
        waves
    }
}

/// What a task waits for, in work: a return (a service back once what it
/// needs is) stands for the work it waits for; one back by itself at a
/// known time waits for no work. A group whose members are returns of
/// several pieces of work is said as the work of the members that came
/// back first in the schedule.
fn waits_for(built: &Built, finish: &[u64], reqs: &[Req]) -> Vec<(u32, Vec<ServiceId>)> {
    let mut out: Vec<(u32, Vec<ServiceId>)> = Vec::new();
    for r in reqs {
        match r {
            Req::Task(x) if built.modes[*x] == Mode::Automatic => {
                out.extend(waits_for(built, finish, &built.problem.tasks[*x].reqs));
            }
            Req::Task(x) => out.push((1, vec![built.services[*x]])),
            Req::Group { need, of } => {
                let members: Vec<Vec<(u32, Vec<ServiceId>)>> = of
                    .iter()
                    .map(|&x| waits_for(built, finish, &[Req::Task(x)]))
                    .collect();
                // A member that waits for no work is no wait at all.
                if members.iter().any(Vec::is_empty) {
                    continue;
                }
                let single: Option<Vec<ServiceId>> = members
                    .iter()
                    .map(|m| match m.as_slice() {
                        [(1, ids)] if ids.len() == 1 => Some(ids[0]),
                        _ => None,
                    })
                    .collect();
                match single {
                    Some(ids) => out.push((*need, ids)),
                    None => {
                        let mut first: Vec<usize> = (0..of.len()).collect();
                        first.sort_by_key(|&i| (finish[of[i]], i));
                        for &i in first.iter().take(*need as usize) {
                            out.extend(members[i].iter().cloned());
                        }
                    }
                }
            }
        }
    }
    let mut seen = Vec::new();
    out.retain(|w| {
        let fresh = !seen.contains(w);
        seen.push(w.clone());
        fresh
    });
    out
}

/// Schedules the recovery of `situation`; fails only when the situation
/// leaves a task without enough people for ever.
pub fn recover(
    plan: &Plan,
    graph: &DependencyGraph,
    situation: &Situation,
    options: Options,
    budget: &Budget,
) -> Result<RecoveryOrder, ProblemError> {
    let built = build(plan, graph, situation);
    // A situation can make a problem unschedulable (a team left without
    // enough people for good); say so rather than return a wrong schedule.
    built.problem.validate()?;
    let solution = solve(&built.problem, options, budget);
    let schedule = &solution.schedule;
    let after = |reqs: &[Req]| waits_for(&built, &schedule.finish, reqs);
    // A failover planned for a service stranded by what it needs is moot
    // once what it needs is back first: the teams do not do it (the
    // engine does not either).
    // Per service: its earliest return in the schedule.
    let mut first_back: Vec<u64> = vec![u64::MAX; plan.services.len()];
    for (a, s) in built.services.iter().enumerate() {
        if built.modes[a] == Mode::Automatic {
            first_back[s.index()] = first_back[s.index()].min(schedule.finish[a]);
        }
    }
    let moot = |t: usize| {
        let s = built.services[t].index();
        built.modes[t] == Mode::Failover
            && built.damage[s].is_none()
            && first_back[s] <= schedule.start[t]
    };
    let mut steps: Vec<Step> = (0..built.services.len())
        .filter(|&t| built.modes[t] != Mode::Automatic && !moot(t))
        .map(|t| Step {
            service: built.services[t],
            mode: built.modes[t],
            start: schedule.start[t],
            finish: schedule.finish[t],
            crew: built.crews[t]
                .get(usize::from(schedule.mode[t]))
                .cloned()
                .unwrap_or_else(|| Crew::planned(Vec::new())),
            after: after(&built.problem.tasks[t].reqs),
            why: built.why[t],
            from: built.copies[t],
        })
        .collect();
    steps.sort_by_key(|s| (s.start, s.service));
    // One outcome per incident: its first stop, back when its last is.
    let mut processes: Vec<ProcessOutcome> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; built.processes.len()];
    for (m, &(p, since)) in built.processes.iter().enumerate() {
        let Some(head) = schedule.incident[m] else {
            continue;
        };
        let restored = schedule.milestone[m];
        match slot[head] {
            Some(i) => {
                let o: &mut ProcessOutcome = &mut processes[i];
                o.restored = o.restored.max(restored);
            }
            None => {
                slot[head] = Some(processes.len());
                processes.push(ProcessOutcome {
                    process: p,
                    since,
                    restored,
                    deadline: built.problem.milestones[m].deadline.unwrap_or(u64::MAX),
                });
            }
        }
        slot[m] = slot[head];
    }
    // Without the moot failovers.
    let makespan = (0..built.services.len())
        .filter(|&t| !moot(t))
        .map(|t| schedule.finish[t])
        .max()
        .unwrap_or(0);
    Ok(RecoveryOrder {
        steps,
        processes,
        score: schedule.score,
        makespan,
        generated: solution.generated,
        lower_bound: solution.lower_bound,
        capacity: situation.capacity.clone(),
        shutdowns: built.shutdowns.clone(),
    })
}

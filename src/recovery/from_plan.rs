//! The recovery problem of a plan in a given situation: which services are
//! down and how, from when work can start, and how many people each team
//! has over time. Reads the plan; builds a [`Problem`]; reads the schedule
//! back as a [`RecoveryPlan`] in the plan's terms.

use super::ga::{Budget, Options, solve};
use super::problem::{Milestone, Problem, ProblemError, Req, Task};
use super::sgs::Score;
use crate::analysis::criticality_weight;
use crate::analysis::objectives::process_required;
use crate::graph::{DependencyGraph, Units};
use crate::model::{Dependency, NodeRef, Plan, ProcessId, ServiceId, TeamId};

/// What happened to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// Down: restored, or failed over when its failover target is up.
    Failed,
    /// Destroyed: rebuilt.
    Destroyed,
}

/// The situation to recover from.
#[derive(Debug, Clone)]
pub struct Situation {
    /// Per service: the damage that needs work; `None` when none does.
    pub damage: Vec<Option<Damage>>,
    /// Per service: earliest time its recovery can start.
    pub release: Vec<u64>,
    /// Per service: when it comes back by itself (an outage that ends, such
    /// as a supplier's), if it does.
    pub returns: Vec<Option<u64>>,
    /// Per node (dense index): when it went down, if it did.
    pub down_since: Vec<Option<u64>>,
    /// Per service: when the scenario first hit it, if it did.
    pub hit_at: Vec<Option<u64>>,
    /// Per service: its data was encrypted by an attacker.
    pub encrypted: Vec<bool>,
    /// Per service: an attacker could reach it (its copies there are lost
    /// unless immutable or offline).
    pub reachable: Vec<bool>,
    /// Per team: `(from, people)` capacity steps.
    pub capacity: Vec<Vec<(u64, u32)>>,
    /// Per service: how much longer (or shorter) than planned its recovery
    /// takes in this run; 1 unless durations are sampled.
    pub scale: Vec<f64>,
}

impl Situation {
    /// The baseline: everything down at T0, every team at full strength.
    pub fn total_loss(plan: &Plan) -> Situation {
        Situation {
            damage: vec![Some(Damage::Failed); plan.services.len()],
            release: vec![0; plan.services.len()],
            returns: vec![None; plan.services.len()],
            down_since: vec![Some(0); plan.node_count()],
            hit_at: vec![Some(0); plan.services.len()],
            encrypted: vec![false; plan.services.len()],
            reachable: vec![false; plan.services.len()],
            capacity: plan.teams.iter().map(|t| vec![(0, t.capacity)]).collect(),
            scale: vec![1.0; plan.services.len()],
        }
    }
}

/// How a service comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Restore,
    Failover,
    Rebuild,
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
            Mode::Automatic => "automatic",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub service: ServiceId,
    pub mode: Mode,
    pub start: u64,
    pub finish: u64,
    pub needs: Vec<(TeamId, u32)>,
    /// What must be up first: `(need, services)`, all of them when `need`
    /// is their number, else any `need` of them (a redundancy group).
    pub after: Vec<(u32, Vec<ServiceId>)>,
}

#[derive(Debug, Clone)]
pub struct ProcessOutcome {
    pub process: ProcessId,
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
pub struct RecoveryPlan {
    /// In order of start, then plan order.
    pub steps: Vec<Step>,
    pub processes: Vec<ProcessOutcome>,
    pub score: Score,
    pub makespan: u64,
    pub generated: u64,
    pub lower_bound: u64,
    /// Each team's capacity steps `(from, people)` in this situation.
    pub capacity: Vec<Vec<(u64, u32)>>,
}

impl RecoveryPlan {
    /// The steps that need work (not those that come back by themselves).
    pub fn work(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.mode != Mode::Automatic)
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

/// The problem, and which service each task restores.
pub struct Built {
    pub problem: Problem,
    pub services: Vec<ServiceId>,
    pub modes: Vec<Mode>,
    pub processes: Vec<ProcessId>,
}

pub fn build(plan: &Plan, graph: &DependencyGraph, situation: &Situation) -> Built {
    let units: Units = graph.units();
    // Down: what is hit, and what that takes down.
    let hit: Vec<usize> = (0..plan.services.len())
        .filter(|&s| situation.damage[s].is_some() || situation.returns[s].is_some())
        .collect();
    let states = crate::analysis::state::propagate(plan, graph, &hit);
    let down = |s: usize| states[s] == crate::analysis::state::State::Down;
    // Tasks: down services, in plan order.
    let services: Vec<ServiceId> = plan.service_ids().filter(|s| down(s.index())).collect();
    let mut task_of = vec![usize::MAX; plan.services.len()];
    for (t, s) in services.iter().enumerate() {
        task_of[s.index()] = t;
    }
    // Inside a unit, down members are restored one after the other in plan
    // order; the unit is up when its last down member is.
    let chain = |u: usize| -> Vec<usize> {
        units.members[u]
            .iter()
            .copied()
            .filter(|&m| m < plan.services.len() && down(m))
            .collect()
    };
    let last_of = |s: usize| -> usize {
        chain(units.unit_of[s] as usize)
            .last()
            .map_or(usize::MAX, |&m| task_of[m])
    };

    // Requirements of a node's dependencies on things outside its unit.
    let external = |x: usize| -> Vec<Req> {
        let mut reqs = Vec::new();
        for dep in plan.depends_on(plan.node_at(x)) {
            match dep {
                Dependency::Hard(d) if down(d.index()) && !units.same(x, d.index()) => {
                    reqs.push(Req::Task(last_of(d.index())))
                }
                Dependency::Group(g) => {
                    let satisfied =
                        g.of.iter()
                            .filter(|m| !down(m.index()) || units.same(x, m.index()))
                            .count();
                    let mut of: Vec<usize> =
                        g.of.iter()
                            .filter(|m| down(m.index()) && !units.same(x, m.index()))
                            .map(|m| last_of(m.index()))
                            .collect();
                    of.sort_unstable();
                    of.dedup();
                    let need = (g.at_least as usize)
                        .saturating_sub(satisfied)
                        .min(of.len());
                    if need > 0 {
                        reqs.push(Req::Group {
                            need: need as u32,
                            of,
                        });
                    }
                }
                _ => {}
            }
        }
        reqs
    };

    let mut modes = Vec::with_capacity(services.len());
    let mut tasks = Vec::with_capacity(services.len());
    for &s in &services {
        let service = plan.service(s);
        let r = &service.recovery;
        // A standby that is up takes over, whatever happened to the
        // primary; otherwise a failed service is restored, a destroyed one
        // rebuilt.
        let standby = r.failover.filter(|f| !down(f.to.index()));
        let (mode, duration) = match (situation.damage[s.index()], standby) {
            (None, _) => (Mode::Automatic, crate::model::Duration::ZERO),
            (Some(_), Some(f)) => (Mode::Failover, f.duration),
            (Some(Damage::Destroyed), None) => (Mode::Rebuild, r.rebuild),
            (Some(Damage::Failed), None) => (Mode::Restore, r.duration),
        };
        let duration = crate::model::Duration::from_secs(
            (duration.as_secs() as f64 * situation.scale[s.index()]).round() as u64,
        );
        let release = match mode {
            Mode::Automatic => situation.returns[s.index()].unwrap_or(0),
            _ => situation.release[s.index()],
        };
        let u = units.unit_of[s.index()] as usize;
        let members = chain(u);
        let position = members.iter().position(|&m| m == s.index()).unwrap_or(0);
        let reqs = if mode == Mode::Failover {
            // The standby is up and carries the service: nothing to wait for.
            Vec::new()
        } else if position == 0 {
            let mut reqs: Vec<Req> = members.iter().flat_map(|&m| external(m)).collect();
            reqs.dedup();
            reqs
        } else {
            vec![Req::Task(task_of[members[position - 1]])]
        };
        modes.push(mode);
        tasks.push(Task {
            label: service.id.clone(),
            duration: duration.as_secs(),
            release,
            needs: if mode == Mode::Automatic {
                Vec::new()
            } else {
                r.needs.iter().map(|n| (n.team.index(), n.count)).collect()
            },
            reqs,
        });
    }
    let mut processes = Vec::new();
    let mut milestones = Vec::new();
    for p in plan.process_ids() {
        let x = plan.node_index(NodeRef::Process(p));
        let (Some(since), true) = (
            situation.down_since[x],
            states[x] == crate::analysis::state::State::Down,
        ) else {
            continue;
        };
        let reqs = external(x);
        let process = plan.process(p);
        processes.push(p);
        milestones.push(Milestone {
            label: process.id.clone(),
            reqs,
            resume: process.resume.as_secs(),
            deadline: Some(since + process_required(plan, p) as u64),
            weight: criticality_weight(process.criticality),
        });
    }
    Built {
        problem: Problem {
            tasks,
            teams: plan.teams.iter().map(|t| t.id.clone()).collect(),
            capacity: situation.capacity.clone(),
            milestones,
        },
        services,
        modes,
        processes,
    }
}

/// Schedules the recovery of `situation`; fails only when the situation
/// leaves a task without enough people for ever.
pub fn recover(
    plan: &Plan,
    graph: &DependencyGraph,
    situation: &Situation,
    options: Options,
    budget: &Budget,
) -> Result<RecoveryPlan, ProblemError> {
    let built = build(plan, graph, situation);
    // A situation can make a problem unschedulable (a team left without
    // enough people for good); say so rather than return a wrong schedule.
    built.problem.validate()?;
    let solution = solve(&built.problem, options, budget);
    let schedule = &solution.schedule;
    let mut steps: Vec<Step> = built
        .services
        .iter()
        .enumerate()
        .map(|(t, &s)| Step {
            service: s,
            mode: built.modes[t],
            start: schedule.start[t],
            finish: schedule.finish[t],
            needs: built.problem.tasks[t]
                .needs
                .iter()
                .map(|&(team, n)| (TeamId(team as u32), n))
                .collect(),
            after: built.problem.tasks[t]
                .reqs
                .iter()
                .map(|r| match r {
                    Req::Task(x) => (1, vec![built.services[*x]]),
                    Req::Group { need, of } => {
                        (*need, of.iter().map(|&x| built.services[x]).collect())
                    }
                })
                .collect(),
        })
        .collect();
    steps.sort_by_key(|s| (s.start, s.service));
    let processes = built
        .processes
        .iter()
        .enumerate()
        .map(|(m, &p)| ProcessOutcome {
            process: p,
            restored: schedule.milestone[m],
            deadline: built.problem.milestones[m].deadline.unwrap_or(u64::MAX),
        })
        .collect();
    Ok(RecoveryPlan {
        steps,
        processes,
        score: schedule.score,
        makespan: schedule.score.makespan,
        generated: solution.generated,
        lower_bound: solution.lower_bound,
        capacity: situation.capacity.clone(),
    })
}

//! One run of a scenario over time: what goes down and when, what the teams
//! restore and when, how each process fares against its DMIA (workarounds
//! included), and how much data each loses against its PDMA.
//!
//! The `engine` plays the scenario moment by moment; the teams plan with
//! what they know and plan again as they learn (unlike `recover --scenario`,
//! which plans once knowing the whole scenario). It never prints: it returns
//! typed [`SimEvent`]s in time order and per-process results, and reporters
//! render them.

pub mod attack;
pub(crate) mod engine;
pub mod monte_carlo;
mod refusal;
pub(crate) mod scenario;

use std::collections::HashMap;

use crate::analysis::state::State;
use crate::graph::DependencyGraph;
use crate::model::{Fates, NodeRef, Plan, ProcessId, ServiceId, TeamId, ZoneId};
use crate::recovery::{self, Budget, Mode, RecoveryOrder};
use crate::scenario::Scenario;
pub use engine::{Done, Engine, Intervention, Lead};
pub use refusal::DecideError;
pub use scenario::foresight;

/// The search budget of each planning, unless told otherwise: the teams
/// plan several times a run, and 2 000 schedules come within a few percent
/// of 20 000 on the shipped scenarios for a tenth of the time. One run and
/// each Monte Carlo run plan with the same budget.
pub const SCHEDULES: u64 = 2_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A line of the scenario.
    Scenario,
    /// A team's available people change; `shift` when it is the team's
    /// surge ending (it goes to its sustained capacity, as planned).
    Staff {
        team: TeamId,
        capacity: u32,
        shift: bool,
    },
    /// A service is hit by the scenario.
    Hit { destroyed: bool },
    /// A team starts restoring, failing over or rebuilding a service.
    RecoveryStarted { mode: Mode },
    /// A node's state changes.
    State { from: State, to: State },
    /// A process switches to its workaround.
    Workaround,
    /// A process has been down longer than its DMIA.
    Breach,
    /// The attacker takes a service (`entry`: by its initial access).
    Compromised { entry: bool },
    /// The attack ends: encryption, or detection and isolation.
    AttackEnds { encrypted: bool },
    /// A generator or battery runs out of reserves.
    Drained,
    /// A service is stopped cleanly (a controlled shutdown) before the
    /// reserves of power `source` run out.
    Shutdown { source: ServiceId },
    /// Work on a service stops before its end (staff fell below the work
    /// in progress, or the service was hit again).
    Interrupted,
    /// A zone is cut off the network, or connected again.
    Zone { zone: ZoneId, isolated: bool },
    /// The teams plan (again) with what they know; `steps` to carry out.
    Replan { steps: usize },
    /// A player orders work on a service.
    Ordered,
    /// At the attack's end: a service out of the attacker's reach (a
    /// SaaS) federated with a directory it held; its data may have been
    /// read, nothing is encrypted.
    Exposed,
    /// At an encryption: an appliance the attacker held has its
    /// configuration wiped (rebuilt from its configuration backup).
    Wiped,
}

impl EventKind {
    pub fn key(&self) -> &'static str {
        match self {
            EventKind::Scenario => "scenario",
            EventKind::Staff { .. } => "staff",
            EventKind::Hit { destroyed: false } => "hit",
            EventKind::Hit { destroyed: true } => "destroyed",
            EventKind::RecoveryStarted { .. } => "recovery",
            EventKind::State {
                to: State::Down, ..
            } => "down",
            EventKind::State {
                to: State::Degraded,
                ..
            } => "degraded",
            EventKind::State { to: State::Up, .. } => "up",
            EventKind::Workaround => "workaround",
            EventKind::Breach => "breach",
            EventKind::Compromised { .. } => "compromised",
            EventKind::AttackEnds { encrypted: true } => "encryption",
            EventKind::AttackEnds { encrypted: false } => "detection",
            EventKind::Drained => "drained",
            EventKind::Shutdown { .. } => "shutdown",
            EventKind::Interrupted => "interrupted",
            EventKind::Zone { isolated: true, .. } => "isolated",
            EventKind::Zone {
                isolated: false, ..
            } => "reconnected",
            EventKind::Replan { .. } => "replan",
            EventKind::Ordered => "ordered",
            EventKind::Exposed => "exposed",
            EventKind::Wiped => "wiped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimEvent {
    /// Seconds from T0.
    pub t: u64,
    pub kind: EventKind,
    pub node: Option<NodeRef>,
    /// For scenario lines: the note.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProcessResult {
    pub process: ProcessId,
    /// Time spent down (not counting time on the workaround); a lower
    /// bound when it is not back at the end of the run.
    pub down: u64,
    /// Time on the workaround while its IT was down.
    pub workaround: u64,
    /// Time degraded: its IT running with a soft dependency or part of a
    /// redundancy group missing.
    pub degraded: u64,
    pub breach: bool,
    /// Data lost by the services it needs; `None` when it is everything
    /// (no copy survived), `Some(0)` when nothing.
    pub data_loss: Option<u64>,
    /// When it works again after its last stop; `None` when it did not
    /// stop, or is not back when the run ends (see `not_back`).
    pub restored: Option<u64>,
    /// Still down when the run ends.
    pub not_back: bool,
}

impl ProcessResult {
    /// Whether it stopped at all during the run.
    pub fn stopped(&self) -> bool {
        self.restored.is_some() || self.not_back
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Nothing more happens: no event, no work to come.
    Quiet,
    /// Nothing more can happen, but something is still down (work that can
    /// never start, an isolation for good): what is down counts as down
    /// until the horizon.
    Stalled,
    /// The clock reached the scenario's horizon (or the cap) with events or
    /// work still to come.
    Horizon,
}

impl Stop {
    pub fn key(self) -> &'static str {
        match self {
            Stop::Quiet => "quiet",
            Stop::Stalled => "stalled",
            Stop::Horizon => "horizon",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DataResult {
    pub service: ServiceId,
    /// `None`: no copy survived.
    pub loss: Option<u64>,
}

pub struct Run {
    pub events: Vec<SimEvent>,
    pub processes: Vec<ProcessResult>,
    pub data: Vec<DataResult>,
    /// The work the teams did, in order of start.
    pub work: Vec<Done>,
    /// When everything is back (the last work finished or the last service
    /// came back); `None` when something is not back at the end.
    pub makespan: Option<u64>,
    /// When the run ends: the last moment, or the horizon.
    pub end: u64,
    pub stopped_by: Stop,
    /// What is still down at the end: services, then processes, in plan
    /// order.
    pub not_back: Vec<NodeRef>,
    /// How many times the teams planned.
    pub plans: u32,
    /// Schedules generated over all plannings.
    pub generated: u64,
    /// The first plan they made, when they planned.
    pub first_plan: Option<RecoveryOrder>,
    /// Each team's people over time `(from, people)`.
    pub capacity: Vec<Vec<(u64, u32)>>,
    /// Person-seconds of work per team.
    pub team_work: Vec<u64>,
}

/// A run's timeline, read node by node: the one reading the after-action
/// report and the exercise draft share.
#[derive(Debug, Clone, Copy)]
pub struct Timeline<'a>(pub &'a [SimEvent]);

impl Timeline<'_> {
    /// A node's state at `moment` (after everything that happened then),
    /// and since when.
    pub fn state_at(self, node: NodeRef, moment: u64) -> (State, u64) {
        let mut state = (State::Up, 0);
        for e in self.0.iter().take_while(|e| e.t <= moment) {
            if let (EventKind::State { to, .. }, Some(n)) = (&e.kind, e.node)
                && n == node
            {
                state = (*to, e.t);
            }
        }
        state
    }

    /// When a node is available again (up or degraded: not down) after
    /// `moment`; `None` when not in the run.
    pub fn back_after(self, node: NodeRef, moment: u64) -> Option<u64> {
        self.0
            .iter()
            .filter(|e| e.t > moment && e.node == Some(node))
            .find(|e| matches!(e.kind, EventKind::State { to, .. } if to != State::Down))
            .map(|e| e.t)
    }
}

impl Run {
    pub fn timeline(&self) -> Timeline<'_> {
        Timeline(&self.events)
    }
}

/// One link of what held a late process: a service, when it came back
/// (`None`: not by the end of the run), and the last work done on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub service: ServiceId,
    pub back: Option<u64>,
    /// The last work that finished on it, if any: how, and from when.
    /// (`back` is when it was last no longer down: up, or degraded.)
    pub work: Option<(Mode, u64)>,
}

/// When each service of a run was last no longer down, and the last work
/// on it: what [`Holding::held_by`] reads, gathered once per run.
pub struct Holding<'r> {
    back: HashMap<ServiceId, u64>,
    last: HashMap<ServiceId, &'r Done>,
}

impl Run {
    /// What held the late processes of this run (see [`Holding::held_by`]).
    pub fn holding(&self) -> Holding<'_> {
        // When each service was last no longer down (up, or degraded: what
        // needs it works again).
        let mut back: HashMap<ServiceId, u64> = HashMap::new();
        for e in &self.events {
            if let (
                EventKind::State {
                    from: State::Down,
                    to,
                },
                Some(NodeRef::Service(s)),
            ) = (&e.kind, e.node)
                && *to != State::Down
            {
                back.insert(s, e.t);
            }
        }
        for n in &self.not_back {
            if let NodeRef::Service(s) = n {
                back.insert(*s, u64::MAX);
            }
        }
        // Where each service last ran: failed over, or at a recovery site.
        let mut last: HashMap<ServiceId, &Done> = HashMap::new();
        for d in self.work.iter().filter(|d| !d.interrupted) {
            last.insert(d.service, d);
        }
        Holding { back, last }
    }

    /// What held process `p` back (see [`Holding::held_by`]).
    pub fn held_by(&self, plan: &Plan, p: ProcessId) -> Vec<Hold> {
        self.holding().held_by(plan, p)
    }
}

impl Holding<'_> {
    /// What held process `p` back, from the process down: the dependency
    /// (hard, or a group's member) that came back last, then the one that
    /// came back last of what it needs where it ran (its standby once
    /// failed over, its dependencies at the recovery site once relocated),
    /// and so on, until a service that waited for nothing later than
    /// itself: its own work, started for want of people or a release rather
    /// than waiting for something. Empty when the process did not stop.
    pub fn held_by(&self, plan: &Plan, p: ProcessId) -> Vec<Hold> {
        let (back, last) = (&self.back, &self.last);
        let waits = |node: NodeRef| -> Vec<ServiceId> {
            let deps: Vec<ServiceId> = match node {
                NodeRef::Service(s) => match last.get(&s).map(|d| d.mode) {
                    Some(Mode::Failover) => plan
                        .service(s)
                        .recovery
                        .failover
                        .map(|f| vec![f.to])
                        .unwrap_or_default(),
                    Some(Mode::Relocate(site)) => hard(plan.service(s).depends_on_at(Some(site))),
                    _ => hard(plan.depends_on(node)),
                },
                NodeRef::Process(_) => hard(plan.depends_on(node)),
            };
            deps.into_iter().filter(|s| back.contains_key(s)).collect()
        };
        let mut chain: Vec<Hold> = Vec::new();
        let mut frontier = waits(NodeRef::Process(p));
        while let Some(&s) = frontier
            .iter()
            .max_by_key(|s| (back[s], std::cmp::Reverse(**s)))
        {
            if chain.iter().any(|h| h.service == s) {
                break;
            }
            chain.push(Hold {
                service: s,
                back: Some(back[&s]).filter(|&t| t != u64::MAX),
                work: last.get(&s).map(|d| (d.mode, d.start)),
            });
            // Back when its own work ended: held by what that work waited
            // to start for (what came back just then), else by itself (its
            // team, its release). Otherwise by what it needs.
            let next = waits(NodeRef::Service(s));
            frontier = match last.get(&s) {
                Some(d) if back[&s] <= d.finish => {
                    next.into_iter().filter(|x| back[x] == d.start).collect()
                }
                _ => next.into_iter().filter(|x| back[x] <= back[&s]).collect(),
            };
        }
        chain
    }
}

/// The services a list of dependencies waits for (soft links wait for
/// nothing).
fn hard(deps: &[crate::model::Dependency]) -> Vec<ServiceId> {
    deps.iter()
        .filter(|d| !matches!(d, crate::model::Dependency::Soft(_)))
        .flat_map(|d| d.services().to_vec())
        .collect()
}

/// Plays the scenario out: the teams plan with the scheduler (each planning
/// searching `budget.schedules` schedules) and plan again as they learn.
pub fn run(
    plan: &Plan,
    graph: &DependencyGraph,
    scenario: &Scenario,
    options: recovery::Options,
    budget: &Budget,
) -> Run {
    let mut engine = Engine::for_scenario(
        scenario,
        plan,
        graph,
        Lead::Scheduler {
            schedules: budget.schedules,
        },
        options,
    );
    engine.run_until_quiet(scenario.limit());
    results(engine, scenario.limit())
}

/// Reads a run's results off the engine once it has stopped, at the latest
/// at `horizon`: downtime of each process against its DMIA (workarounds
/// included), data lost, work, and what is not back.
pub fn results(mut engine: Engine, horizon: u64) -> Run {
    let plan = engine.plan();
    let not_back: Vec<NodeRef> = plan
        .service_ids()
        .map(NodeRef::Service)
        .chain(plan.process_ids().map(NodeRef::Process))
        .filter(|&n| engine.state(n) == State::Down)
        .collect();
    let stopped_by = match (engine.next_time().is_none(), not_back.is_empty()) {
        (true, true) => Stop::Quiet,
        (true, false) => Stop::Stalled,
        (false, _) => Stop::Horizon,
    };
    // Stopped because nothing more happens: the last moment; stalled or
    // cut by the clock: the horizon (what is down stays down until then).
    let end = match stopped_by {
        Stop::Quiet => engine.now.min(horizon),
        Stop::Stalled | Stop::Horizon => horizon,
    };
    engine.close(end);
    let mut events = std::mem::take(&mut engine.events);
    let (hit, fates) = engine.fates();
    let data = data_losses(plan, &hit, &fates, &engine.from_copy());
    let mut processes = Vec::with_capacity(plan.processes.len());
    for p in plan.process_ids() {
        let process = plan.process(p);
        let open = engine.state(NodeRef::Process(p)) == State::Down;
        let incidents = &engine.it_down[p.index()];
        let mut result = ProcessResult {
            process: p,
            down: 0,
            workaround: 0,
            degraded: engine.it_degraded[p.index()],
            breach: false,
            data_loss: Some(0),
            restored: None,
            not_back: open,
        };
        for (k, &(t0, t1)) in incidents.iter().enumerate() {
            let last = k + 1 == incidents.len();
            // The incident lasts until the IT is back and work has resumed;
            // one still open at the end lasts at least until then.
            let length = if last && open {
                t1 - t0
            } else {
                t1 - t0 + process.resume.as_secs()
            };
            let w = process
                .workaround
                .as_ref()
                .map_or(0, |w| w.max_duration.as_secs());
            let a = engine
                .workaround_start(p, t0)
                .map_or(u64::MAX, |at| at - t0);
            let down = length.min(a) + length.saturating_sub(a.saturating_add(w));
            result.down += down;
            result.workaround += length - down;
            if !(last && open) {
                result.restored = Some(t0 + length);
            }
            if a < length {
                events.push(SimEvent {
                    t: t0 + a,
                    kind: EventKind::Workaround,
                    node: Some(NodeRef::Process(p)),
                    note: None,
                });
            }
            let mtpd = process.mtpd.as_secs();
            if down > mtpd {
                result.breach = true;
                // Down past the DMIA before the workaround is in place, or
                // once it runs out.
                let at = if a > mtpd { t0 + mtpd } else { t0 + mtpd + w };
                events.push(SimEvent {
                    t: at,
                    kind: EventKind::Breach,
                    node: Some(NodeRef::Process(p)),
                    note: None,
                });
            }
        }
        result.data_loss = process_loss(plan, p, &data);
        processes.push(result);
    }
    let mut team_work = vec![0u64; plan.teams.len()];
    for d in &engine.done {
        for (team, people) in &d.crew.needs {
            team_work[team.index()] += u64::from(*people) * (d.finish - d.start);
        }
    }
    let mut work = std::mem::take(&mut engine.done);
    work.sort_by_key(|d| (d.start, d.service));
    // Everything is back when the last work ends or the last service
    // comes back by itself; never, when something is not back.
    let makespan = not_back.is_empty().then(|| {
        work.iter()
            .filter(|d| !d.interrupted)
            .map(|d| d.finish)
            .chain(events.iter().filter_map(|e| match (&e.kind, e.node) {
                (EventKind::State { to: State::Up, .. }, Some(NodeRef::Service(_))) => Some(e.t),
                _ => None,
            }))
            .max()
            .unwrap_or(0)
    });
    // Time order; at one moment: the scenario, then hits, then states,
    // then work and what follows.
    events.sort_by_key(|e| (e.t, order(&e.kind), e.node));
    Run {
        events,
        processes,
        data,
        work,
        makespan,
        end,
        stopped_by,
        not_back,
        plans: engine.plans,
        generated: engine.generated,
        first_plan: engine.first_plan.take(),
        capacity: engine.capacity_log().to_vec(),
        team_work,
    }
}

fn order(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Scenario
        | EventKind::Staff { .. }
        | EventKind::Compromised { .. }
        | EventKind::AttackEnds { .. }
        | EventKind::Zone { .. }
        | EventKind::Exposed
        | EventKind::Wiped
        | EventKind::Ordered => 0,
        EventKind::Hit { .. }
        | EventKind::Drained
        | EventKind::Shutdown { .. }
        | EventKind::Interrupted => 1,
        EventKind::State { .. } => 2,
        EventKind::Replan { .. } => 3,
        EventKind::RecoveryStarted { .. } => 4,
        EventKind::Workaround => 5,
        EventKind::Breach => 6,
    }
}

/// Data lost by each data-bearing service the scenario hit. An outage, or
/// an attacker that held a service without encrypting it, loses nothing; a
/// service burnt or encrypted is restored from its newest surviving copy
/// (see [`crate::model::copies`]), and loses everything when none survived.
/// A service brought to a recovery site, or failed over to a cold
/// standby, restores from the same copy, whatever happened to its own
/// disks.
fn data_losses(plan: &Plan, hit: &[bool], fates: &Fates, from_copy: &[bool]) -> Vec<DataResult> {
    plan.service_ids()
        .filter(|s| plan.service(*s).data.is_some() && (hit[s.index()] || from_copy[s.index()]))
        .map(|s| DataResult {
            service: s,
            loss: if fates.lost_data(s) || from_copy[s.index()] {
                plan.restore_copy(s, fates).map(|c| c.loss)
            } else {
                Some(0)
            },
        })
        .collect()
}

/// The worst loss among the data services a process needs through hard and
/// group dependencies.
fn process_loss(plan: &Plan, process: ProcessId, data: &[DataResult]) -> Option<u64> {
    let mut worst = Some(0u64);
    for s in plan.needs(NodeRef::Process(process)) {
        // Configuration lost is rebuild work, not the process's data.
        if plan
            .service(s)
            .data
            .as_ref()
            .is_some_and(|d| d.configuration)
        {
            continue;
        }
        if let Some(d) = data.iter().find(|d| d.service == s) {
            worst = match (worst, d.loss) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
    }
    worst
}

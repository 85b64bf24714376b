//! One run of a scenario over time: what goes down and when, what the teams
//! restore and when, how each process fares against its DMIA (workarounds
//! included), and how much data each loses against its PDMA.
//!
//! The engine never prints: it returns typed [`SimEvent`]s in time order and
//! per-process results, and reporters render them. This first version plans
//! the recovery once, knowing the whole scenario (a clairvoyant plan, like
//! `recover --scenario`), and plays it out; re-planning as events unfold and
//! cyberattacks come next.

pub mod monte_carlo;

use crate::analysis::state::{State, propagate};
use crate::graph::DependencyGraph;
use crate::model::{Dependency, NodeRef, Plan, ProcessId, ServiceId, TeamId};
use crate::recovery::{self, Budget, Damage, Mode, ProblemError, RecoveryPlan, Situation};
use crate::scenario::{Action, Scenario};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A line of the scenario.
    Scenario,
    /// A team's available people change.
    Staff { team: TeamId, capacity: u32 },
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
    /// Time spent down (not counting time on the workaround).
    pub down: u64,
    /// Time on the workaround or degraded.
    pub degraded: u64,
    pub breach: bool,
    /// Data lost by the services it needs; `None` when it is everything
    /// (no copy survived), `Some(0)` when nothing.
    pub data_loss: Option<u64>,
    /// When it works again, if it stopped.
    pub restored: Option<u64>,
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
    pub recovery: RecoveryPlan,
    /// Person-seconds of work per team.
    pub team_work: Vec<u64>,
}

/// Plays the scenario out.
pub fn run(
    plan: &Plan,
    graph: &DependencyGraph,
    scenario: &Scenario,
    options: recovery::Options,
    budget: &Budget,
) -> Result<Run, ProblemError> {
    let (situation, attack) = scenario.situation(plan, graph, options.seed);
    run_in(plan, graph, scenario, situation, attack, options, budget)
}

/// Plays the scenario out in a given situation (drawn durations, say).
pub(crate) fn run_in(
    plan: &Plan,
    graph: &DependencyGraph,
    scenario: &Scenario,
    situation: Situation,
    attack: Option<crate::scenario::attack::Outcome>,
    options: recovery::Options,
    budget: &Budget,
) -> Result<Run, ProblemError> {
    let rp = recovery::recover(plan, graph, &situation, options, budget)?;
    let n = plan.services.len();
    // When each hit service is back: its step's finish.
    let mut back = vec![None; n];
    for s in &rp.steps {
        back[s.service.index()] = Some(s.finish);
    }
    let mut events = Vec::new();
    for e in &scenario.events {
        let t = e.at.as_secs();
        match &e.action {
            Action::Staff {
                team,
                capacity,
                lasts,
            } => {
                events.push(SimEvent {
                    t,
                    kind: EventKind::Staff {
                        team: *team,
                        capacity: *capacity,
                    },
                    node: None,
                    note: e.note.clone(),
                });
                if let Some(d) = lasts {
                    let full = plan.team(*team).capacity;
                    events.push(SimEvent {
                        t: t + d.as_secs(),
                        kind: EventKind::Staff {
                            team: *team,
                            capacity: full,
                        },
                        node: None,
                        note: None,
                    });
                }
            }
            _ => {
                if e.note.is_some() {
                    events.push(SimEvent {
                        t,
                        kind: EventKind::Scenario,
                        node: None,
                        note: e.note.clone(),
                    });
                }
            }
        }
    }
    for (i, hit) in situation.hit_at.iter().enumerate() {
        if let Some(t) = hit {
            let destroyed = situation.damage[i] == Some(Damage::Destroyed);
            events.push(SimEvent {
                t: *t,
                kind: EventKind::Hit { destroyed },
                node: Some(NodeRef::Service(ServiceId(i as u32))),
                note: None,
            });
        }
    }
    if let (Some(outcome), Some(a)) = (&attack, &scenario.attack) {
        for (i, c) in outcome.compromised.iter().enumerate() {
            if let Some(t) = c {
                let entry = a.entry.iter().any(|e| e.index() == i);
                let note = if entry { a.technique.clone() } else { None };
                events.push(SimEvent {
                    t: *t,
                    kind: EventKind::Compromised { entry },
                    node: Some(NodeRef::Service(ServiceId(i as u32))),
                    note,
                });
            }
        }
        events.push(SimEvent {
            t: outcome.end,
            kind: EventKind::AttackEnds {
                encrypted: outcome.encrypted,
            },
            node: None,
            note: None,
        });
    }
    for s in rp.work() {
        events.push(SimEvent {
            t: s.start,
            kind: EventKind::RecoveryStarted { mode: s.mode },
            node: Some(NodeRef::Service(s.service)),
            note: None,
        });
    }

    // States at every moment something changes.
    let mut moments: Vec<u64> = situation.hit_at.iter().flatten().copied().collect();
    moments.extend(back.iter().flatten().copied());
    moments.sort_unstable();
    moments.dedup();
    let mut states = vec![State::Up; plan.node_count()];
    // Intervals where each process's IT is down or degraded.
    let mut it_down: Vec<Vec<(u64, u64)>> = vec![Vec::new(); plan.processes.len()];
    let mut it_degraded = vec![0u64; plan.processes.len()];
    let mut since: Vec<u64> = vec![0; plan.node_count()];
    for &t in &moments {
        let hit: Vec<usize> = (0..n)
            .filter(|&i| {
                situation.hit_at[i].is_some_and(|h| h <= t) && back[i].is_none_or(|b| b > t)
            })
            .collect();
        let now = propagate(plan, graph, &hit);
        for x in 0..plan.node_count() {
            if now[x] == states[x] {
                continue;
            }
            events.push(SimEvent {
                t,
                kind: EventKind::State {
                    from: states[x],
                    to: now[x],
                },
                node: Some(plan.node_at(x)),
                note: None,
            });
            if let NodeRef::Process(p) = plan.node_at(x) {
                match states[x] {
                    State::Down => it_down[p.index()].push((since[x], t)),
                    State::Degraded => it_degraded[p.index()] += t - since[x],
                    State::Up => {}
                }
            }
            states[x] = now[x];
            since[x] = t;
        }
    }
    let end = moments.last().copied().unwrap_or(0);
    for p in plan.process_ids() {
        let x = plan.node_index(NodeRef::Process(p));
        match states[x] {
            State::Down => it_down[p.index()].push((since[x], end)),
            State::Degraded => it_degraded[p.index()] += end - since[x],
            State::Up => {}
        }
    }

    let data = data_losses(plan, &situation);
    let mut processes = Vec::with_capacity(plan.processes.len());
    for p in plan.process_ids() {
        let process = plan.process(p);
        let x = plan.node_index(NodeRef::Process(p));
        let mut result = ProcessResult {
            process: p,
            down: 0,
            degraded: it_degraded[p.index()],
            breach: false,
            data_loss: Some(0),
            restored: None,
        };
        for &(t0, t1) in &it_down[p.index()] {
            // The incident lasts until the IT is back and work has resumed.
            let length = t1 - t0 + process.resume.as_secs();
            let (a, w) = process.workaround.as_ref().map_or((u64::MAX, 0), |w| {
                (w.activation.as_secs(), w.max_duration.as_secs())
            });
            let down = length.min(a) + length.saturating_sub(a.saturating_add(w));
            result.down += down;
            result.degraded += length - down;
            result.restored = Some(t0 + length);
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
                let at = if a >= mtpd { t0 + mtpd } else { t0 + mtpd + w };
                events.push(SimEvent {
                    t: at,
                    kind: EventKind::Breach,
                    node: Some(NodeRef::Process(p)),
                    note: None,
                });
            }
        }
        result.data_loss = process_loss(plan, x, &data);
        processes.push(result);
    }
    let mut team_work = vec![0u64; plan.teams.len()];
    for s in rp.work() {
        for (team, people) in &s.needs {
            team_work[team.index()] += u64::from(*people) * (s.finish - s.start);
        }
    }
    // Time order; at one moment: the scenario, then hits, then work, then
    // the states that follow.
    events.sort_by_key(|e| (e.t, order(&e.kind), e.node));
    Ok(Run {
        events,
        processes,
        data,
        recovery: rp,
        team_work,
    })
}

fn order(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Scenario
        | EventKind::Staff { .. }
        | EventKind::Compromised { .. }
        | EventKind::AttackEnds { .. } => 0,
        EventKind::Hit { .. } => 1,
        EventKind::State { .. } => 2,
        EventKind::RecoveryStarted { .. } => 3,
        EventKind::Workaround => 4,
        EventKind::Breach => 5,
    }
}

/// Data lost by each data-bearing service the scenario hit. An outage loses
/// nothing; a destruction falls back on the replica when it survived, else
/// on the most frequent surviving backup (a copy held by a destroyed service
/// is gone), else everything. After an encryption, the replica and every copy
/// the attacker could reach are gone too, unless immutable or offline.
fn data_losses(plan: &Plan, situation: &Situation) -> Vec<DataResult> {
    let destroyed = |s: ServiceId| situation.damage[s.index()] == Some(Damage::Destroyed);
    let gone =
        |s: ServiceId, attacked: bool| destroyed(s) || (attacked && situation.reachable[s.index()]);
    let mut out = Vec::new();
    for s in plan.service_ids() {
        let Some(data) = &plan.service(s).data else {
            continue;
        };
        if situation.hit_at[s.index()].is_none() {
            continue;
        }
        let attacked = situation.encrypted[s.index()];
        let loss = if !destroyed(s) {
            Some(0)
        } else if let Some(r) = data
            .replication
            .filter(|r| r.to.is_some_and(|to| !gone(to, attacked)))
        {
            Some(r.lag.as_secs())
        } else {
            data.backups
                .iter()
                .filter(|b| {
                    // Immutable or offline copies survive; others survive
                    // when their holder does; a copy kept beside the
                    // service shares its fate under attack.
                    b.offline || b.immutable || b.via.map_or(!attacked, |v| !gone(v, attacked))
                })
                .map(|b| b.every.as_secs())
                .min()
        };
        out.push(DataResult { service: s, loss });
    }
    out
}

/// The worst loss among the data services a process needs through hard and
/// group dependencies.
fn process_loss(plan: &Plan, process: usize, data: &[DataResult]) -> Option<u64> {
    let mut seen = vec![false; plan.node_count()];
    let mut stack = vec![process];
    let mut worst = Some(0u64);
    while let Some(x) = stack.pop() {
        if std::mem::replace(&mut seen[x], true) {
            continue;
        }
        if let Some(d) = data.iter().find(|d| d.service.index() == x) {
            worst = match (worst, d.loss) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        for dep in plan.depends_on(plan.node_at(x)) {
            if !matches!(dep, Dependency::Soft(_)) {
                stack.extend(dep.services().iter().map(|s| s.index()));
            }
        }
    }
    worst
}

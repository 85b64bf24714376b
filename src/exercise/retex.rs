//! The after-action report (RETEX, « retour d'expérience ») as data: what
//! the replayed exercise shows, judged on outcomes. [`after_action`] reads
//! the [`Session`] replayed from its journal and the solver's run of the
//! same scenario, and returns an [`AfterAction`]: each objective's check
//! and verdict, each process against its DMIA and PDMA, the orders that
//! waited, the comparison with the solver, the strengths and the areas for
//! improvement with their owners and priority. `render::retex` only puts
//! it into words (Markdown, HTML, JSON); nothing here is worded.

use crate::analysis::state::State;
use crate::exercise::session::{Session, Taken};
use crate::exercise::{Decision, Expectation, Inject, Objective, RoleKind, Target, Verb};
use crate::graph::DependencyGraph;
use crate::model::{Criticality, NodeRef, ProcessId, ServiceId};
use crate::recovery::Mode;
use crate::simulation::{ProcessResult, Run};

/// What an exercise shows, computed from its journal and the solver's run.
pub struct AfterAction<'s> {
    pub overview: Overview<'s>,
    /// In the exercise's order.
    pub objectives: Vec<ObjectiveResult<'s>>,
    /// The processes that stopped or were degraded, most critical first.
    pub processes: Vec<ProcessOutcome>,
    /// The play's own run, up to the end of play.
    pub outcome: Run,
    pub waits: Vec<Wait<'s>>,
    pub comparison: Comparison,
    pub strengths: Vec<Strength<'s>>,
    /// In the order the improvement plan lists them.
    pub areas: Vec<Area<'s>>,
}

/// Counts for the overview.
pub struct Overview<'s> {
    /// Timed injects delivered.
    pub timed: usize,
    /// Contingency injects delivered.
    pub contingency: usize,
    pub evaluations: usize,
    pub notes: usize,
    /// The highest crisis level declared, and the decision that did.
    pub crisis: Option<(u8, &'s Taken)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    NotEvaluated,
}

/// The machine check of an objective with an expected decision.
pub enum Check<'s> {
    OnTime(&'s Taken),
    Late(&'s Taken),
    NotTaken,
    /// Not taken, and play stopped before the deadline.
    NotDue,
}

pub struct ObjectiveResult<'s> {
    pub objective: &'s Objective,
    pub check: Option<Check<'s>>,
    /// The observers' `evaluate` decisions on it, in order.
    pub evaluations: Vec<&'s Taken>,
    /// Contingency injects about it that fired, with their time.
    pub contingencies: Vec<(&'s Inject, u64)>,
    pub verdict: Verdict,
    /// The processes it protects that breached their DMIA by the end of
    /// play: met or not, its purpose failed.
    pub breached: Vec<ProcessId>,
}

/// A process that stopped or was degraded, at the end of play.
pub struct ProcessOutcome {
    pub process: ProcessId,
    pub result: ProcessResult,
    pub state: State,
    /// Down time so far (not counting time on the workaround).
    pub down: u64,
    pub breach: bool,
    /// Time left before the DMIA is breached, for a process still down.
    pub left: Option<i64>,
    /// When it works again, if its IT is back.
    pub back: Option<u64>,
    pub on_workaround: bool,
    pub data_breach: bool,
}

/// An order the players gave that could not start because what the
/// service needs was down, or because the investigation held it.
pub struct Wait<'s> {
    pub taken: &'s Taken,
    pub service: ServiceId,
    /// When the work started, if it did before the end of play.
    pub started: Option<u64>,
    /// The dependencies that were down when it was ordered, and when each
    /// came back (if it did).
    pub blocking: Vec<(ServiceId, Option<u64>)>,
    /// The attacker held it and the investigation was under way when it
    /// was ordered: when the investigation ends.
    pub investigation: Option<u64>,
}

/// Where a process stands in a run, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    NeverStopped,
    Back(u64),
    /// Still down when the run stopped.
    NotBack,
}

/// The vital and essential processes, in the exercise and in the solver's
/// run.
pub struct Comparison {
    /// Where the solver's run ends: everything back, or the horizon.
    pub horizon: u64,
    /// Plan order; the processes that never stopped in either are left out.
    pub rows: Vec<Compared>,
}

pub struct Compared {
    pub process: ProcessId,
    pub exercise: Fate,
    pub best: Fate,
    /// The solver's work on what the process needs, first step per
    /// service, in the order it starts.
    pub steps: Vec<(ServiceId, Mode, u64)>,
    /// What the players ordered of what it needs, with when.
    pub ordered: Vec<(ServiceId, u64)>,
}

pub enum Strength<'s> {
    /// An objective met whose protected processes held.
    ObjectiveMet { objective: usize },
    /// Stopped processes that stayed within their DMIA.
    Held {
        held: Vec<ProcessId>,
        stopped: usize,
    },
    /// A workaround activated before its process stopped.
    WorkaroundEarly {
        taken: &'s Taken,
        process: ProcessId,
    },
    /// A workaround activated within the DMIA, `since` the process stopped.
    WorkaroundInTime {
        taken: &'s Taken,
        process: ProcessId,
        since: u64,
    },
    /// Orders whose work started at once.
    Prompt { orders: Vec<&'s Taken> },
}

/// One area for improvement: what the data shows and who acts on it.
pub struct Area<'s> {
    pub finding: Finding<'s>,
    /// Role ids, or a process owner; empty: the crisis cell.
    pub owners: Vec<String>,
    /// 1, 2 or 3: due in 30, 60 or 90 days.
    pub priority: u8,
}

pub enum Finding<'s> {
    /// An objective missed (index into [`AfterAction::objectives`]).
    ObjectiveMissed { objective: usize },
    /// An objective met whose protected processes breached their DMIA.
    PurposeFailed { objective: usize },
    /// A contingency inject that fired, not told with a missed objective.
    Contingency {
        inject: &'s Inject,
        t: u64,
        expected: &'s Expectation,
    },
    /// A vital or essential process past its DMIA.
    Breach {
        process: ProcessId,
        down: u64,
        /// Index into [`Comparison::rows`].
        compared: Option<usize>,
        /// It has a workaround nobody activated.
        workaround_unused: bool,
    },
    /// The important and deferrable processes past their DMIA, together.
    OtherBreaches { processes: Vec<ProcessId> },
    /// A workaround activated after the DMIA, `since` the process stopped.
    LateWorkaround {
        taken: &'s Taken,
        process: ProcessId,
        since: u64,
    },
    /// Processes that lost more data than their PDMA.
    DataLoss { processes: Vec<ProcessId> },
    /// Orders on what the attacker held that waited for the investigation.
    Investigation {
        orders: Vec<&'s Taken>,
        cleared: u64,
    },
    /// An order that waited for its dependencies (index into
    /// [`AfterAction::waits`]).
    Waited { wait: usize },
}

/// The after-action report of a replayed exercise; `best` is the solver's
/// run of the same scenario ([`Session::solver_run`]).
pub fn after_action<'s>(
    session: &'s Session,
    graph: &DependencyGraph,
    best: &Run,
) -> AfterAction<'s> {
    let outcome = session.outcome();
    let mut objectives = objectives(session);
    let processes = processes(session, &outcome);
    // An objective is judged on its purpose too: the processes it protects.
    for o in &mut objectives {
        o.breached = (o.objective.protects.iter())
            .filter(|&&p| processes.iter().any(|r| r.process == p && r.breach))
            .copied()
            .collect();
    }
    let waits = waits(session, graph, &outcome);
    let comparison = comparison(session, best, &processes);
    let (strengths, late) = strengths(session, &objectives, &processes, &waits, &outcome);
    let areas = areas(session, &objectives, &processes, &waits, &late, &comparison);
    AfterAction {
        overview: overview(session),
        objectives,
        processes,
        outcome,
        waits,
        comparison,
        strengths,
        areas,
    }
}

fn overview<'s>(session: &'s Session) -> Overview<'s> {
    let exercise = session.exercise;
    let timed = session
        .delivered
        .iter()
        .filter(|x| exercise.inject(&x.id).is_some_and(|i| !i.is_contingency()))
        .count();
    let count =
        |f: fn(&Decision) -> bool| session.decisions.iter().filter(|x| f(&x.decision)).count();
    let crisis = session
        .decisions
        .iter()
        .filter_map(|x| match x.decision {
            Decision::Crisis { level } => Some((level, x)),
            _ => None,
        })
        .fold(None::<(u8, &Taken)>, |best, (l, x)| match best {
            Some((b, _)) if b >= l => best,
            _ => Some((l, x)),
        });
    Overview {
        timed,
        contingency: session.delivered.len() - timed,
        evaluations: count(|x| matches!(x, Decision::Evaluate { .. })),
        notes: count(|x| matches!(x, Decision::Note { .. })),
        crisis,
    }
}

fn objectives<'s>(session: &'s Session) -> Vec<ObjectiveResult<'s>> {
    let exercise = session.exercise;
    let now = session.now();
    exercise
        .objectives
        .iter()
        .map(|o| {
            let check = o.expects.as_ref().map(|d| {
                match session
                    .decisions
                    .iter()
                    .find(|x| d.expect.met_by(&x.decision))
                {
                    Some(x) if x.t <= d.by => Check::OnTime(x),
                    Some(x) => Check::Late(x),
                    None if now < d.by => Check::NotDue,
                    None => Check::NotTaken,
                }
            });
            let evaluations: Vec<&Taken> = session
                .decisions
                .iter()
                .filter(|x| matches!(&x.decision, Decision::Evaluate { objective, .. } if *objective == o.id))
                .collect();
            let contingencies = session
                .delivered
                .iter()
                .filter_map(|d| {
                    let i = exercise.inject(&d.id)?;
                    let about = i.objective.as_deref() == Some(o.id.as_str())
                        || (i.unless.is_some()
                            && i.unless.as_ref() == o.expects.as_ref().map(|e| &e.expect));
                    (i.is_contingency() && about).then_some((i, d.t))
                })
                .collect();
            let verdict = match (evaluations.last().map(|x| &x.decision), &check) {
                (Some(Decision::Evaluate { met: true, .. }), _) => Verdict::Met,
                (Some(_), _) => Verdict::Missed,
                (None, Some(Check::OnTime(_))) => Verdict::Met,
                (None, Some(Check::Late(_) | Check::NotTaken)) => Verdict::Missed,
                (None, Some(Check::NotDue) | None) => Verdict::NotEvaluated,
            };
            ObjectiveResult {
                objective: o,
                check,
                evaluations,
                contingencies,
                verdict,
                breached: Vec::new(),
            }
        })
        .collect()
}

fn processes(session: &Session, outcome: &Run) -> Vec<ProcessOutcome> {
    let plan = session.plan();
    let now = session.now();
    let board = session.engine().board();
    let mut rows: Vec<ProcessOutcome> = outcome
        .processes
        .iter()
        .filter(|r| r.stopped() || r.degraded > 0)
        .map(|r| {
            let p = plan.process(r.process);
            let b = &board[r.process.index()];
            let mtpd = p.mtpd.as_secs();
            // An incident still open counts up to now.
            let still_down = b.state == State::Down;
            let breach = if still_down { r.down > mtpd } else { r.breach };
            let data_breach = match (r.data_loss, p.rpo) {
                (None, Some(_)) => true,
                (Some(l), Some(rpo)) => l > rpo.as_secs(),
                _ => false,
            };
            ProcessOutcome {
                process: r.process,
                result: r.clone(),
                state: b.state,
                down: r.down,
                breach,
                left: if still_down && !breach {
                    b.deadline.map(|d| d as i64 - now as i64)
                } else {
                    None
                },
                back: if still_down { None } else { r.restored },
                on_workaround: b.workaround,
                data_breach,
            }
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            std::cmp::Reverse(plan.process(r.process).criticality),
            r.process,
        )
    });
    rows
}

/// The service a recovery order is about.
fn ordered_service(d: &Decision) -> Option<ServiceId> {
    match *d {
        Decision::Restore { service, .. }
        | Decision::Failover { service }
        | Decision::Relocate { service, .. } => Some(service),
        _ => None,
    }
}

fn waits<'s>(session: &'s Session, graph: &DependencyGraph, outcome: &Run) -> Vec<Wait<'s>> {
    let plan = session.plan();
    let units = graph.units();
    let timeline = outcome.timeline();
    let mut out = Vec::new();
    for taken in &session.decisions {
        let Some(service) = ordered_service(&taken.decision) else {
            continue;
        };
        let started = outcome
            .work
            .iter()
            .find(|w| w.service == service && w.start >= taken.t)
            .map(|w| w.start);
        if started == Some(taken.t) {
            continue;
        }
        // As the engine sees it: a member of the service's own unit comes
        // back with it.
        let up = |d: ServiceId| {
            units.same(service.index(), d.index())
                || timeline.state_at(NodeRef::Service(d), taken.t).0 != State::Down
        };
        let mut blocking: Vec<ServiceId> = Vec::new();
        for dep in plan.depends_on(NodeRef::Service(service)) {
            if !dep.allows_work(up) {
                blocking.extend(dep.services().iter().copied().filter(|&m| !up(m)));
            }
        }
        let investigation = session
            .engine()
            .attack_outcome()
            .filter(|o| o.compromised[service.index()].is_some() && taken.t < o.cleared)
            .map(|o| o.cleared);
        if blocking.is_empty() && investigation.is_none() {
            continue;
        }
        blocking.dedup();
        out.push(Wait {
            investigation,
            taken,
            service,
            started,
            blocking: blocking
                .into_iter()
                .map(|d| (d, timeline.back_after(NodeRef::Service(d), taken.t)))
                .collect(),
        });
    }
    out
}

fn best_fate(best: &Run, p: ProcessId) -> Fate {
    let r = &best.processes[p.index()];
    match (r.stopped(), r.restored) {
        (false, _) => Fate::NeverStopped,
        (true, None) => Fate::NotBack,
        (true, Some(x)) => Fate::Back(x),
    }
}

fn exercise_fate(row: Option<&ProcessOutcome>) -> Fate {
    match row {
        None => Fate::NeverStopped,
        Some(r) if r.state == State::Down => Fate::NotBack,
        Some(r) => r.back.map_or(Fate::NeverStopped, Fate::Back),
    }
}

fn comparison(session: &Session, best: &Run, rows: &[ProcessOutcome]) -> Comparison {
    let plan = session.plan();
    let mut out = Vec::new();
    for p in plan.process_ids() {
        if plan.process(p).criticality < Criticality::Essential {
            continue;
        }
        let exercise = exercise_fate(rows.iter().find(|x| x.process == p));
        let best_fate = best_fate(best, p);
        if exercise == Fate::NeverStopped && best_fate == Fate::NeverStopped {
            continue;
        }
        let needs = plan.needs(NodeRef::Process(p));
        let mut steps: Vec<(ServiceId, Mode, u64)> = Vec::new();
        for w in &best.work {
            if needs.contains(&w.service) && !steps.iter().any(|s| s.0 == w.service) {
                steps.push((w.service, w.mode, w.start));
            }
        }
        let ordered = session
            .decisions
            .iter()
            .filter_map(|x| ordered_service(&x.decision).map(|s| (s, x.t)))
            .filter(|(s, _)| needs.contains(s))
            .collect();
        out.push(Compared {
            process: p,
            exercise,
            best: best_fate,
            steps,
            ordered,
        });
    }
    Comparison {
        horizon: best.end.min(session.scenario().limit()),
        rows: out,
    }
}

/// The strengths, and the workarounds activated after their DMIA (an area).
fn strengths<'s>(
    session: &'s Session,
    objectives: &[ObjectiveResult<'s>],
    rows: &[ProcessOutcome],
    waits: &[Wait<'s>],
    outcome: &Run,
) -> (Vec<Strength<'s>>, Vec<(&'s Taken, ProcessId, u64)>) {
    let plan = session.plan();
    let mut out = Vec::new();
    for (i, _) in objectives
        .iter()
        .enumerate()
        .filter(|(_, o)| o.verdict == Verdict::Met && o.breached.is_empty())
    {
        out.push(Strength::ObjectiveMet { objective: i });
    }
    let held: Vec<ProcessId> = rows
        .iter()
        .filter(|x| !x.breach && x.result.stopped())
        .map(|x| x.process)
        .collect();
    if !held.is_empty() {
        out.push(Strength::Held {
            held,
            stopped: rows.iter().filter(|x| x.result.stopped()).count(),
        });
    }
    let timeline = outcome.timeline();
    let mut late = Vec::new();
    for x in &session.decisions {
        let Decision::Workaround { process } = x.decision else {
            continue;
        };
        let p = plan.process(process);
        let (state, since) = timeline.state_at(NodeRef::Process(process), x.t);
        // Judged on the outcome: a workaround that did not keep its process
        // within its DMIA is no strength (the breach is an area).
        let breached = rows.iter().any(|r| r.process == process && r.breach);
        let in_time = state != State::Down || x.t - since <= p.mtpd.as_secs();
        if breached && in_time {
            continue;
        }
        if state != State::Down {
            out.push(Strength::WorkaroundEarly { taken: x, process });
        } else if in_time {
            out.push(Strength::WorkaroundInTime {
                taken: x,
                process,
                since,
            });
        } else {
            late.push((x, process, since));
        }
    }
    let prompt: Vec<&Taken> = session
        .decisions
        .iter()
        .filter(|x| ordered_service(&x.decision).is_some())
        .filter(|x| !waits.iter().any(|w| std::ptr::eq(w.taken, *x)))
        .filter(|x| {
            outcome
                .work
                .iter()
                .any(|w| w.start == x.t && ordered_service(&x.decision) == Some(w.service))
        })
        .collect();
    if !prompt.is_empty() {
        out.push(Strength::Prompt { orders: prompt });
    }
    (out, late)
}

// ---------------------------------------------------------------------------
// Who acts on an area.

fn push_unique(out: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
}

/// Every inject of the exercise, timed then contingency.
fn all_injects<'s>(session: &Session<'s>) -> impl Iterator<Item = &'s Inject> {
    let exercise = session.exercise;
    exercise.injects.iter().chain(&exercise.contingencies)
}

/// The audience of the injects about an objective.
fn objective_owners(session: &Session, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in all_injects(session).filter(|i| i.objective.as_deref() == Some(id)) {
        push_unique(&mut out, i.to.iter().cloned());
    }
    out
}

/// The audience of the injects that expect a decision matching `what`.
fn owners_expecting(session: &Session, what: impl Fn(&Expectation) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for i in all_injects(session) {
        let mut expects = (i.expects.iter())
            .filter_map(|e| e.decision.as_ref())
            .chain(i.unless.as_ref());
        if expects.any(&what) {
            push_unique(&mut out, i.to.iter().cloned());
        }
    }
    out
}

/// The roles that restore services: the audience of injects expecting a
/// restore or a failover, or the roles that ordered one.
fn technical_owners(session: &Session) -> Vec<String> {
    let mut out = owners_expecting(session, |e| {
        matches!(e.action, Verb::Restore | Verb::Failover | Verb::Relocate)
    });
    if out.is_empty() {
        push_unique(
            &mut out,
            (session.decisions.iter())
                .filter(|d| ordered_service(&d.decision).is_some())
                .filter_map(|d| d.by.clone()),
        );
    }
    out
}

/// The players, for an area nobody in particular owns.
pub fn crisis_cell<'s>(session: &Session<'s>) -> impl Iterator<Item = &'s str> {
    (session.exercise.roles.iter())
        .filter(|r| r.kind == RoleKind::Player)
        .map(|r| r.id.as_str())
}

fn areas<'s>(
    session: &'s Session,
    objectives: &[ObjectiveResult<'s>],
    rows: &[ProcessOutcome],
    waits: &[Wait<'s>],
    late_workarounds: &[(&'s Taken, ProcessId, u64)],
    comparison: &Comparison,
) -> Vec<Area<'s>> {
    let plan = session.plan();
    let exercise = session.exercise;
    let mut out = Vec::new();
    let mut folded: Vec<&str> = Vec::new();

    // Objectives missed, with the contingency injects about them.
    for (i, o) in objectives.iter().enumerate() {
        if o.verdict != Verdict::Missed {
            continue;
        }
        folded.extend(o.contingencies.iter().map(|(i, _)| i.id.as_str()));
        out.push(Area {
            finding: Finding::ObjectiveMissed { objective: i },
            owners: objective_owners(session, &o.objective.id),
            priority: 1,
        });
    }

    // Objectives met whose purpose failed: the decision came, the process
    // it protects still breached.
    for (i, o) in objectives.iter().enumerate() {
        if o.verdict == Verdict::Met && !o.breached.is_empty() {
            out.push(Area {
                finding: Finding::PurposeFailed { objective: i },
                owners: objective_owners(session, &o.objective.id),
                priority: 1,
            });
        }
    }

    // Contingency injects that fired, not already told with an objective.
    for x in &session.delivered {
        let Some(i) = exercise.inject(&x.id) else {
            continue;
        };
        let Some(unless) = &i.unless else { continue };
        if folded.contains(&i.id.as_str()) {
            continue;
        }
        out.push(Area {
            finding: Finding::Contingency {
                inject: i,
                t: x.t,
                expected: unless,
            },
            owners: i.to.clone(),
            priority: 2,
        });
    }

    // DMIA breaches: one area per vital or essential process, one for the
    // others together.
    let breached: Vec<&ProcessOutcome> = rows.iter().filter(|x| x.breach).collect();
    for x in breached
        .iter()
        .filter(|x| plan.process(x.process).criticality >= Criticality::Essential)
    {
        let p = plan.process(x.process);
        let needs = plan.needs(NodeRef::Process(x.process));
        let mut owners = owners_expecting(session, |e| match &e.target {
            Some(Target::Process(q)) => *q == x.process,
            Some(Target::Service(s)) => needs.contains(s),
            _ => false,
        });
        if owners.is_empty()
            && let Some(o) = &p.owner
        {
            owners.push(o.clone());
        }
        let workaround_unused = p.workaround.is_some()
            && !session
                .decisions
                .iter()
                .any(|d| d.decision == Decision::Workaround { process: x.process });
        out.push(Area {
            finding: Finding::Breach {
                process: x.process,
                down: x.down,
                compared: comparison.rows.iter().position(|c| c.process == x.process),
                workaround_unused,
            },
            owners,
            priority: if p.criticality == Criticality::Vital {
                1
            } else {
                2
            },
        });
    }
    let others: Vec<ProcessId> = breached
        .iter()
        .filter(|x| plan.process(x.process).criticality < Criticality::Essential)
        .map(|x| x.process)
        .collect();
    if !others.is_empty() {
        out.push(Area {
            finding: Finding::OtherBreaches { processes: others },
            owners: Vec::new(),
            priority: 2,
        });
    }

    // Workarounds activated after the DMIA.
    for &(taken, process, since) in late_workarounds {
        out.push(Area {
            finding: Finding::LateWorkaround {
                taken,
                process,
                since,
            },
            owners: taken.by.iter().cloned().collect(),
            priority: 2,
        });
    }

    // Data lost beyond the PDMA.
    let data: Vec<ProcessId> = (rows.iter())
        .filter(|x| x.data_breach)
        .map(|x| x.process)
        .collect();
    if !data.is_empty() {
        out.push(Area {
            finding: Finding::DataLoss { processes: data },
            owners: technical_owners(session),
            priority: 2,
        });
    }

    // Orders that waited for the investigation: one area for all.
    let frozen: Vec<&Wait> = waits.iter().filter(|w| w.investigation.is_some()).collect();
    if let Some(cleared) = frozen.iter().filter_map(|w| w.investigation).max() {
        let mut owners: Vec<String> = Vec::new();
        push_unique(
            &mut owners,
            frozen.iter().filter_map(|w| w.taken.by.clone()),
        );
        out.push(Area {
            finding: Finding::Investigation {
                orders: frozen.iter().map(|w| w.taken).collect(),
                cleared,
            },
            owners: if owners.is_empty() {
                technical_owners(session)
            } else {
                owners
            },
            priority: 3,
        });
    }

    // Orders that waited for their dependencies.
    for (i, w) in waits.iter().enumerate() {
        if w.investigation.is_some() {
            continue;
        }
        out.push(Area {
            finding: Finding::Waited { wait: i },
            owners: match &w.taken.by {
                Some(b) => vec![b.clone()],
                None => technical_owners(session),
            },
            priority: 3,
        });
    }
    out
}

//! The after-action report of an exercise (RETEX, « retour d'expérience »):
//! what happened and when, the objectives met or missed, each process
//! against its DMIA and PDMA, a comparison with the schedule the solver's
//! teams reach in the same scenario, strengths, areas for improvement and
//! an improvement plan.
//!
//! Everything in it is derived from the replayed [`Session`], the journal's
//! [`Header`] and the solver's run: the strengths and areas for improvement
//! are findings computed from the data (objectives, contingency injects
//! that fired, DMIA and PDMA breaches, orders that waited for their
//! dependencies), each worded in French and English. No clock is read: the
//! due dates count from the journal's creation.

use jiff::{SignedDuration, Timestamp};

use super::doc::{Block, Doc, at};
use crate::analysis::state::State;
use crate::exercise::journal::Header;
use crate::exercise::session::{Session, Taken};
use crate::exercise::{Action, Decision, Expectation, Inject, Objective, RoleKind, Target};
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::model::{Criticality, Dependency, Duration, NodeRef, Plan, ProcessId, ServiceId};
use crate::recovery::Mode;
use crate::scenario::Scenario;
use crate::simulation::{ProcessResult, Run};

/// What the report is made from.
pub struct Retex<'r, 'a> {
    /// The exercise replayed from its journal, clock where play stopped.
    pub session: &'r Session<'a>,
    pub graph: &'r DependencyGraph,
    pub header: &'r Header,
    /// The journal's path, as given.
    pub journal: &'r str,
    /// The solver's teams in the same scenario: [`Session::best`].
    pub best: &'r Run,
    /// The search budget of each of their plannings, in schedules.
    pub schedules: u64,
}

fn t(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

fn dur(s: u64) -> String {
    Duration::from_secs(s).to_string()
}

/// `T+…`, with the date when the scenario has a start.
fn when(scenario: &Scenario, s: u64) -> String {
    match scenario.date(s) {
        Some(date) => format!("{date} ({})", at(s)),
        None => at(s),
    }
}

/// Quoted the way each language quotes.
fn quote(lang: Lang, s: &str) -> String {
    match lang {
        Lang::En => format!("“{s}”"),
        Lang::Fr => format!("« {s} »"),
    }
}

/// The first sentence of a text, or its first `max` characters.
fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = text
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '?' | '!') && i > 40)
        .map(|(i, c)| i + c.len_utf8());
    let first = match cut {
        Some(i) if i < text.len() => &text[..i],
        _ => text.as_str(),
    };
    if first.chars().count() <= max {
        return first.to_string();
    }
    let mut s: String = first.chars().take(max).collect();
    if let Some(i) = s.rfind(' ') {
        s.truncate(i);
    }
    s.push('…');
    s
}

/// An RFC 3339 time from the journal, for people: `2025-11-18 09:05:03`.
fn wall(s: &str) -> String {
    match s.parse::<Timestamp>() {
        Ok(ts) => jiff::tz::Offset::UTC
            .to_datetime(ts)
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => s.to_string(),
    }
}

/// The day `days` after the journal was created.
fn due(created: &str, days: i64, lang: Lang) -> String {
    created
        .parse::<Timestamp>()
        .ok()
        .and_then(|ts| ts.checked_add(SignedDuration::from_hours(24 * days)).ok())
        .map(|ts| {
            jiff::tz::Offset::UTC
                .to_datetime(ts)
                .strftime("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_else(|| match lang {
            Lang::En => format!("exercise day + {days} days"),
            Lang::Fr => format!("J+{days} après l'exercice"),
        })
}

/// An expected decision written as the command that meets it.
fn expectation(plan: &Plan, e: &Expectation) -> String {
    let target = match &e.target {
        None => return e.action.as_str().to_string(),
        Some(Target::Service(s)) => plan.service(*s).id.clone(),
        Some(Target::Zone(z)) => format!("zone:{}", plan.zones[z.index()].id),
        Some(Target::Process(p)) => plan.process(*p).id.clone(),
        Some(Target::Team(tm)) => plan.team(*tm).id.clone(),
        Some(Target::Level(l)) => l.to_string(),
        Some(Target::Objective(o)) => o.clone(),
    };
    format!("{} {target}", e.action.as_str())
}

// ---------------------------------------------------------------------------
// What the data says.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Met,
    Missed,
    NotEvaluated,
}

/// The machine check of an objective with an expected decision.
enum Check<'s> {
    OnTime(&'s Taken),
    Late(&'s Taken),
    NotTaken,
    /// Not taken, and play stopped before the deadline.
    NotDue,
}

struct ObjectiveResult<'s> {
    objective: &'s Objective,
    check: Option<Check<'s>>,
    /// The observers' `evaluate` decisions on it, in order.
    evaluations: Vec<&'s Taken>,
    /// Contingency injects about it that fired, with their time.
    contingencies: Vec<(&'s Inject, u64)>,
    verdict: Verdict,
    /// The processes it protects that breached their DMIA by the end of
    /// play: met or not, its purpose failed.
    breached: Vec<ProcessId>,
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

/// A process that stopped or was degraded, at the end of play.
struct ProcessRow<'r> {
    process: ProcessId,
    result: &'r ProcessResult,
    state: State,
    /// Down time so far (not counting time on the workaround).
    down: u64,
    breach: bool,
    /// Time left before the DMIA is breached, for a process still down.
    left: Option<i64>,
    /// When it works again, if its IT is back.
    back: Option<u64>,
    on_workaround: bool,
    data_breach: bool,
}

fn processes<'r>(session: &Session, outcome: &'r Run) -> Vec<ProcessRow<'r>> {
    let plan = session.plan();
    let now = session.now();
    let board = session.engine().board();
    let mut rows: Vec<ProcessRow> = outcome
        .processes
        .iter()
        .filter(|r| r.stopped() || r.degraded > 0)
        .map(|r| {
            let p = plan.process(r.process);
            let b = &board[r.process.index()];
            let mtpd = p.mtpd.as_secs();
            // An incident still open counts up to now.
            let down = r.down;
            let still_down = b.state == State::Down;
            let breach = if still_down { down > mtpd } else { r.breach };
            let data_breach = match (r.data_loss, p.rpo) {
                (None, Some(_)) => true,
                (Some(l), Some(rpo)) => l > rpo.as_secs(),
                _ => false,
            };
            ProcessRow {
                process: r.process,
                result: r,
                state: b.state,
                down,
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

/// An order the players gave that could not start because what the
/// service needs was down.
struct Wait<'s> {
    taken: &'s Taken,
    service: ServiceId,
    /// When the work started, if it did before the end of play.
    started: Option<u64>,
    /// The dependencies that were down when it was ordered, and when each
    /// came back (if it did).
    blocking: Vec<(ServiceId, Option<u64>)>,
    /// The attacker held it and the investigation was under way when it
    /// was ordered: when the investigation ends.
    investigation: Option<u64>,
}

fn waits<'s>(session: &'s Session, graph: &DependencyGraph, outcome: &Run) -> Vec<Wait<'s>> {
    let plan = session.plan();
    let units = graph.units();
    let mut out = Vec::new();
    for taken in &session.decisions {
        let service = match taken.decision {
            Decision::Restore { service, .. }
            | Decision::Failover { service }
            | Decision::Relocate { service, .. } => service,
            _ => continue,
        };
        let started = outcome
            .work
            .iter()
            .find(|w| w.service == service && w.start >= taken.t)
            .map(|w| w.start);
        if started == Some(taken.t) {
            continue;
        }
        let down = |d: ServiceId| {
            !units.same(service.index(), d.index())
                && outcome.timeline().state_at(NodeRef::Service(d), taken.t).0 == State::Down
        };
        let mut blocking: Vec<ServiceId> = Vec::new();
        for dep in plan.depends_on(NodeRef::Service(service)) {
            match dep {
                Dependency::Hard(d) if down(*d) => blocking.push(*d),
                Dependency::Group(g) => {
                    let members_down: Vec<ServiceId> =
                        g.of.iter().copied().filter(|&m| down(m)).collect();
                    if g.of.len() - members_down.len() < g.at_least as usize {
                        blocking.extend(members_down);
                    }
                }
                _ => {}
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
                .map(|d| {
                    (
                        d,
                        outcome.timeline().back_after(NodeRef::Service(d), taken.t),
                    )
                })
                .collect(),
        });
    }
    out
}

/// Where a process stands in a run, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    NeverStopped,
    Back(u64),
    /// Still down when the run stopped.
    NotBack,
}

fn best_fate(best: &Run, p: ProcessId) -> Fate {
    let r = &best.processes[p.index()];
    match (r.stopped(), r.restored) {
        (false, _) => Fate::NeverStopped,
        (true, None) => Fate::NotBack,
        (true, Some(x)) => Fate::Back(x),
    }
}

fn exercise_fate(row: Option<&ProcessRow>) -> Fate {
    match row {
        None => Fate::NeverStopped,
        Some(r) if r.state == State::Down => Fate::NotBack,
        Some(r) => r.back.map_or(Fate::NeverStopped, Fate::Back),
    }
}

/// One area for improvement and the action it calls for.
struct Area {
    text: String,
    action: String,
    owners: Vec<String>,
    /// 1, 2 or 3: due in 30, 60 or 90 days.
    priority: u8,
}

// ---------------------------------------------------------------------------
// The roles concerned.

fn role_label(session: &Session, id: &str) -> String {
    match session.exercise.role(id) {
        Some(r) => format!("{} ({id})", r.name),
        None => id.to_string(),
    }
}

fn push_unique(out: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
}

/// The audience of the injects about an objective.
fn objective_owners(session: &Session, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in session
        .exercise
        .injects
        .iter()
        .chain(&session.exercise.contingencies)
    {
        if i.objective.as_deref() == Some(id) {
            push_unique(&mut out, i.to.iter().cloned());
        }
    }
    out
}

/// The audience of the injects that expect a decision matching `what`.
fn owners_expecting(session: &Session, what: impl Fn(&Expectation) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for i in session
        .exercise
        .injects
        .iter()
        .chain(&session.exercise.contingencies)
    {
        let expects = i
            .expects
            .iter()
            .filter_map(|e| e.decision.as_ref())
            .chain(i.unless.as_ref());
        if expects.into_iter().any(&what) {
            push_unique(&mut out, i.to.iter().cloned());
        }
    }
    out
}

/// The roles that restore services: the audience of injects expecting a
/// restore or a failover, or the roles that ordered one.
fn technical_owners(session: &Session) -> Vec<String> {
    let mut out = owners_expecting(session, |e| {
        matches!(
            e.action,
            Action::Restore | Action::Failover | Action::Relocate
        )
    });
    if out.is_empty() {
        push_unique(
            &mut out,
            session
                .decisions
                .iter()
                .filter(|d| {
                    matches!(
                        d.decision,
                        Decision::Restore { .. }
                            | Decision::Failover { .. }
                            | Decision::Relocate { .. }
                    )
                })
                .filter_map(|d| d.by.clone()),
        );
    }
    out
}

fn owners_text(session: &Session, owners: &[String], lang: Lang) -> String {
    if !owners.is_empty() {
        return owners
            .iter()
            .map(|o| role_label(session, o))
            .collect::<Vec<_>>()
            .join(", ");
    }
    let players: Vec<&str> = session
        .exercise
        .roles
        .iter()
        .filter(|r| r.kind == RoleKind::Player)
        .map(|r| r.id.as_str())
        .collect();
    match lang {
        Lang::En => format!("the crisis cell ({})", players.join(", ")),
        Lang::Fr => format!("la cellule de crise ({})", players.join(", ")),
    }
}

// ---------------------------------------------------------------------------
// The document.

pub fn report(r: &Retex, lang: Lang) -> Doc {
    let session = r.session;
    let exercise = session.exercise;
    let plan = session.plan();
    let scenario = session.scenario();
    let outcome = session.outcome();
    let mut objective_results = objectives(session);
    let rows = processes(session, &outcome);
    // An objective is judged on its purpose too: the processes it protects.
    for o in &mut objective_results {
        o.breached = (o.objective.protects.iter())
            .filter(|&&p| rows.iter().any(|r| r.process == p && r.breach))
            .copied()
            .collect();
    }
    let waits = waits(session, r.graph, &outcome);
    // Where the solver's run ends: everything back, or the horizon.
    let horizon = r.best.end.min(scenario.limit());

    let mut d = Doc::new(
        format!(
            "{} — {}",
            t(
                lang,
                "After-action report (RETEX)",
                "Retour d'expérience (RETEX)"
            ),
            exercise.title
        ),
        lang,
    );

    overview(&mut d, r, lang);
    timeline(&mut d, session, lang);
    objectives_section(&mut d, session, &objective_results, lang);
    processes_section(&mut d, session, &rows, &outcome, lang);
    let comparisons = comparison_section(&mut d, r, &rows, horizon, lang);

    // Strengths.
    d.push(Block::Heading(t(lang, "Strengths", "Points forts").into()));
    let mut strengths = Vec::new();
    for o in objective_results
        .iter()
        .filter(|o| o.verdict == Verdict::Met && o.breached.is_empty())
    {
        let mut s = match lang {
            Lang::En => format!("Objective {} met", quote(lang, &o.objective.text)),
            Lang::Fr => format!("Objectif {} atteint", quote(lang, &o.objective.text)),
        };
        if let (Some(Check::OnTime(x)), Some(dl)) = (&o.check, &o.objective.expects) {
            s.push_str(&match lang {
                Lang::En => format!(
                    ": decision {} taken at {}{}, {} before its deadline ({})",
                    quote(lang, &x.command),
                    at(x.t),
                    by_text(x, lang),
                    dur(dl.by - x.t),
                    at(dl.by)
                ),
                Lang::Fr => format!(
                    " : décision {} prise à {}{}, {} avant l'échéance ({})",
                    quote(lang, &x.command),
                    at(x.t),
                    by_text(x, lang),
                    dur(dl.by - x.t),
                    at(dl.by)
                ),
            });
        }
        if let Some(text) = o.evaluations.last().and_then(|x| evaluation_text(x)) {
            s.push_str(&match lang {
                Lang::En => format!("; observers: {}", quote(lang, text)),
                Lang::Fr => format!(" ; observateurs : {}", quote(lang, text)),
            });
        }
        s.push('.');
        strengths.push(s);
    }
    let held: Vec<&ProcessRow> = rows
        .iter()
        .filter(|x| !x.breach && x.result.stopped())
        .collect();
    if !held.is_empty() {
        let names = process_list(plan, held.iter().map(|x| x.process), 8, lang);
        strengths.push(match lang {
            Lang::En => format!(
                "{} of the {} processes that stopped stayed within their DMIA (MTPD) up to the end of play: {names}.",
                held.len(),
                rows.iter().filter(|x| x.result.stopped()).count()
            ),
            Lang::Fr => format!(
                "{} des {} processus arrêtés sont restés dans leur DMIA (MTPD) jusqu'à la fin du jeu : {names}.",
                held.len(),
                rows.iter().filter(|x| x.result.stopped()).count()
            ),
        });
    }
    let mut late_workarounds = Vec::new();
    for x in &session.decisions {
        let Decision::Workaround { process } = x.decision else {
            continue;
        };
        let p = plan.process(process);
        let (state, since) = outcome.timeline().state_at(NodeRef::Process(process), x.t);
        let name = format!("{} ({})", p.name, p.id);
        // Judged on the outcome: a workaround that did not keep its process
        // within its DMIA is no strength (the breach is an area).
        let breached = rows.iter().any(|r| r.process == process && r.breach);
        if breached && (state != State::Down || x.t - since <= p.mtpd.as_secs()) {
            continue;
        }
        if state != State::Down {
            strengths.push(match lang {
                Lang::En => format!(
                    "Workaround of {name} activated at {}{}, before the process stopped.",
                    at(x.t),
                    by_text(x, lang)
                ),
                Lang::Fr => format!(
                    "Mode dégradé activé pour {name} à {}{}, avant l'arrêt du processus.",
                    at(x.t),
                    by_text(x, lang)
                ),
            });
        } else if x.t - since <= p.mtpd.as_secs() {
            strengths.push(match lang {
                Lang::En => format!(
                    "Workaround of {name} activated at {}{}, {} after it stopped, within its DMIA (MTPD) of {}.",
                    at(x.t),
                    by_text(x, lang),
                    dur(x.t - since),
                    p.mtpd
                ),
                Lang::Fr => format!(
                    "Mode dégradé activé pour {name} à {}{}, {} après l'arrêt, dans sa DMIA (MTPD) de {}.",
                    at(x.t),
                    by_text(x, lang),
                    dur(x.t - since),
                    p.mtpd
                ),
            });
        } else {
            late_workarounds.push((x, process, since));
        }
    }
    let prompt: Vec<String> = session
        .decisions
        .iter()
        .filter(|x| {
            matches!(
                x.decision,
                Decision::Restore { .. } | Decision::Failover { .. } | Decision::Relocate { .. }
            )
        })
        .filter(|x| !waits.iter().any(|w| std::ptr::eq(w.taken, *x)))
        .filter(|x| {
            outcome.work.iter().any(|w| {
                w.start == x.t
                    && matches!(x.decision, Decision::Restore { service, .. } | Decision::Failover { service } | Decision::Relocate { service, .. } if service == w.service)
            })
        })
        .map(|x| quote(lang, &x.command))
        .collect();
    if !prompt.is_empty() {
        strengths.push(match lang {
            Lang::En => format!(
                "Orders given when what they need was up, so the work started at once: {}.",
                prompt.join(", ")
            ),
            Lang::Fr => format!(
                "Ordres donnés quand leurs dépendances étaient disponibles, exécutés aussitôt : {}.",
                prompt.join(", ")
            ),
        });
    }
    if strengths.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "No strength stands out from the data: no objective met, no process kept within its DMIA (MTPD), no workaround activated in time.",
                "Aucun point fort ne ressort des données : aucun objectif atteint, aucun processus tenu dans sa DMIA (MTPD), aucun mode dégradé activé à temps.",
            )
            .into(),
        ));
    } else {
        d.push(Block::List(strengths));
    }

    // Areas for improvement.
    let areas = areas(
        r,
        &objective_results,
        &rows,
        &waits,
        &late_workarounds,
        &comparisons,
        lang,
    );
    d.push(Block::Heading(
        t(lang, "Areas for improvement", "Axes d'amélioration").into(),
    ));
    if areas.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "None found in the data: every objective met, no contingency inject needed, no breach, no order waiting for its dependencies.",
                "Aucun ne ressort des données : objectifs atteints, aucune relance nécessaire, aucun dépassement, aucun ordre en attente de ses dépendances.",
            )
            .into(),
        ));
    } else {
        d.push(Block::List(
            areas
                .iter()
                .enumerate()
                .map(|(i, a)| format!("[{}] {}", i + 1, a.text))
                .collect(),
        ));
    }

    // Improvement plan.
    d.push(Block::Heading(
        t(lang, "Improvement plan", "Plan d'amélioration").into(),
    ));
    if !areas.is_empty() {
        d.push(Block::Para(match lang {
            Lang::En => format!(
                "One action per area for improvement. Due dates count from the exercise ({}): 30 days for missed objectives and breaches of vital processes, 60 days for contingency injects and other breaches, 90 days for the rest.",
                due(&r.header.created, 0, lang)
            ),
            Lang::Fr => format!(
                "Une action par axe d'amélioration. Les échéances courent depuis l'exercice ({}) : 30 jours pour les objectifs non atteints et les dépassements des processus vitaux, 60 jours pour les relances et les autres dépassements, 90 jours pour le reste.",
                due(&r.header.created, 0, lang)
            ),
        }));
        d.push(Block::Table {
            header: vec![
                "#".into(),
                t(lang, "Action", "Action").into(),
                t(lang, "Owner", "Pilote").into(),
                t(lang, "Due", "Échéance").into(),
            ],
            rows: areas
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    vec![
                        (i + 1).to_string(),
                        a.action.clone(),
                        owners_text(session, &a.owners, lang),
                        due(&r.header.created, 30 * i64::from(a.priority), lang),
                    ]
                })
                .collect(),
        });
    } else {
        d.push(Block::Para(
            t(lang, "Nothing to plan.", "Rien à planifier.").into(),
        ));
    }
    d
}

fn by_text(x: &Taken, lang: Lang) -> String {
    match (&x.by, lang) {
        (Some(b), Lang::En) => format!(" by {b}"),
        (Some(b), Lang::Fr) => format!(" par {b}"),
        (None, _) => String::new(),
    }
}

fn evaluation_text(x: &Taken) -> Option<&str> {
    match &x.decision {
        Decision::Evaluate { text, .. } => text.as_deref(),
        _ => None,
    }
}

/// Process names, the first `max` of them, then how many more.
fn process_list(
    plan: &Plan,
    ps: impl Iterator<Item = ProcessId>,
    max: usize,
    lang: Lang,
) -> String {
    let all: Vec<ProcessId> = ps.collect();
    let mut s = all
        .iter()
        .take(max)
        .map(|p| plan.process(*p).id.clone())
        .collect::<Vec<_>>()
        .join(", ");
    if all.len() > max {
        s.push_str(&match lang {
            Lang::En => format!(" and {} more", all.len() - max),
            Lang::Fr => format!(" et {} autres", all.len() - max),
        });
    }
    s
}

fn overview(d: &mut Doc, r: &Retex, lang: Lang) {
    let session = r.session;
    let exercise = session.exercise;
    let scenario = session.scenario();
    let now = session.now();
    d.push(Block::Heading(t(lang, "Overview", "Synthèse").into()));
    if let Some(desc) = &exercise.description {
        d.push(Block::Para(desc.clone()));
    }
    let timed = session
        .delivered
        .iter()
        .filter(|x| exercise.inject(&x.id).is_some_and(|i| !i.is_contingency()))
        .count();
    let contingency = session.delivered.len() - timed;
    let count =
        |f: fn(&Decision) -> bool| session.decisions.iter().filter(|x| f(&x.decision)).count();
    let evaluations = count(|x| matches!(x, Decision::Evaluate { .. }));
    let notes = count(|x| matches!(x, Decision::Note { .. }));
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
    let last_wall = session.decisions.last().map(|x| x.wall.as_str());
    let c = d.colon();
    let facts: Vec<(String, String)> = vec![
        (
            t(lang, "Exercise", "Exercice").into(),
            exercise.title.clone(),
        ),
        (
            t(lang, "Scenario", "Scénario").into(),
            scenario.name.clone(),
        ),
        (
            t(lang, "Planned window", "Fenêtre prévue").into(),
            format!(
                "{} → {}",
                when(scenario, exercise.start),
                when(scenario, exercise.end)
            ),
        ),
        (
            t(lang, "Played", "Joué").into(),
            format!(
                "{} → {} ({})",
                when(scenario, exercise.start),
                when(scenario, now),
                if session.ended {
                    t(lang, "ended by the facilitator", "clos par l'animation")
                } else {
                    t(
                        lang,
                        "the journal stops there: the exercise was not ended",
                        "le journal s'arrête là : l'exercice n'a pas été clos",
                    )
                }
            ),
        ),
        (
            t(
                lang,
                "Session (wall clock, UTC)",
                "Séance (heure réelle, UTC)",
            )
            .into(),
            match last_wall {
                Some(w) => format!("{} → {}", wall(&r.header.created), wall(w)),
                None => format!(
                    "{} {}",
                    t(lang, "started", "commencée le"),
                    wall(&r.header.created)
                ),
            },
        ),
        (
            t(lang, "Injects delivered", "Stimuli joués").into(),
            match lang {
                Lang::En => format!(
                    "{} ({timed} of {} timed, {contingency} of {} contingency)",
                    session.delivered.len(),
                    exercise.injects.len(),
                    exercise.contingencies.len()
                ),
                Lang::Fr => format!(
                    "{} ({timed} sur {} programmés, {contingency} relance(s) sur {})",
                    session.delivered.len(),
                    exercise.injects.len(),
                    exercise.contingencies.len()
                ),
            },
        ),
        (
            t(lang, "Decisions", "Décisions").into(),
            match lang {
                Lang::En => format!(
                    "{} (including {evaluations} evaluations and {notes} notes)",
                    session.decisions.len()
                ),
                Lang::Fr => format!(
                    "{} (dont {evaluations} évaluations et {notes} notes)",
                    session.decisions.len()
                ),
            },
        ),
        (
            t(lang, "Crisis level reached", "Niveau de crise atteint").into(),
            match crisis {
                Some((l, x)) => match lang {
                    Lang::En => format!("{l} (declared at {}{})", at(x.t), by_text(x, lang)),
                    Lang::Fr => format!("{l} (déclaré à {}{})", at(x.t), by_text(x, lang)),
                },
                None => t(lang, "none declared", "aucun déclaré").into(),
            },
        ),
        (
            t(lang, "Journal", "Journal").into(),
            match lang {
                Lang::En => format!("{} (seed {})", r.journal, r.header.seed),
                Lang::Fr => format!("{} (graine {})", r.journal, r.header.seed),
            },
        ),
    ];
    d.push(Block::List(
        facts
            .into_iter()
            .map(|(k, v)| format!("{k}{c}{v}"))
            .collect(),
    ));
    d.push(Block::Table {
        header: vec![
            t(lang, "Role", "Rôle").into(),
            t(lang, "Name", "Nom").into(),
            t(lang, "Kind", "Type").into(),
        ],
        rows: exercise
            .roles
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    x.name.clone(),
                    match (x.kind, lang) {
                        (RoleKind::Player, Lang::En) => "player",
                        (RoleKind::Player, Lang::Fr) => "joueur",
                        (RoleKind::Facilitator, Lang::En) => "facilitator",
                        (RoleKind::Facilitator, Lang::Fr) => "animation",
                        (RoleKind::Observer, Lang::En) => "observer",
                        (RoleKind::Observer, Lang::Fr) => "observateur",
                    }
                    .into(),
                ]
            })
            .collect(),
    });
}

fn timeline(d: &mut Doc, session: &Session, lang: Lang) {
    let exercise = session.exercise;
    let scenario = session.scenario();
    d.push(Block::Heading(t(lang, "Timeline", "Chronologie").into()));
    d.push(Block::Para(
        t(
            lang,
            "Injects and decisions in the journal's order, scenario time first; decisions also carry the wall-clock time they were taken.",
            "Stimuli et décisions dans l'ordre du journal, à l'heure du scénario ; les décisions portent aussi l'heure réelle où elles ont été prises.",
        )
        .into(),
    ));
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for x in &session.delivered {
        let i = exercise.inject(&x.id);
        let channel = i.map_or("", |i| match lang {
            Lang::En => i.channel.as_str(),
            Lang::Fr => i.channel.label_fr(),
        });
        let mut entry = format!("{} {} · {channel}", t(lang, "inject", "stimulus"), x.id);
        if i.is_some_and(Inject::is_contingency) {
            entry.push_str(t(lang, " · contingency", " · relance"));
        }
        rows.push((
            x.seq,
            vec![
                x.seq.to_string(),
                when(scenario, x.t),
                String::new(),
                entry,
                i.map_or_else(String::new, |i| format!("{} → {}", i.from, i.to.join(", "))),
                i.map_or_else(String::new, |i| excerpt(&i.text, 160)),
            ],
        ));
    }
    for x in &session.decisions {
        rows.push((
            x.seq,
            vec![
                x.seq.to_string(),
                when(scenario, x.t),
                wall(&x.wall),
                t(lang, "decision", "décision").into(),
                x.by.as_deref()
                    .map_or_else(|| "—".into(), |b| format!("@{b}")),
                x.command.clone(),
            ],
        ));
    }
    rows.sort_by_key(|(seq, _)| *seq);
    d.push(Block::Table {
        header: vec![
            "#".into(),
            t(lang, "Scenario time", "Heure du scénario").into(),
            t(lang, "Wall clock (UTC)", "Heure réelle (UTC)").into(),
            t(lang, "Entry", "Entrée").into(),
            t(lang, "Who", "Qui").into(),
            t(lang, "Content", "Contenu").into(),
        ],
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    });
}

fn objectives_section(d: &mut Doc, session: &Session, results: &[ObjectiveResult], lang: Lang) {
    let plan = session.plan();
    d.push(Block::Heading(t(lang, "Objectives", "Objectifs").into()));
    d.push(Block::Para(
        t(
            lang,
            "An objective with an expected decision is checked against the journal: the decision must be taken by its deadline. The observers' evaluations (“evaluate”) give the verdict when there are any; a contingency inject that fired shows the expected decision came late.",
            "Un objectif assorti d'une décision attendue est vérifié sur le journal : la décision doit être prise avant l'échéance. Les évaluations des observateurs (« evaluate ») font foi quand il y en a ; une relance jouée signale que la décision attendue est venue tard.",
        )
        .into(),
    ));
    let rows = results
        .iter()
        .map(|o| {
            let expected = o.objective.expects.as_ref().map_or_else(
                || t(lang, "— (observers only)", "— (observateurs seuls)").to_string(),
                |dl| match lang {
                    Lang::En => format!(
                        "{} by {}",
                        quote(lang, &expectation(plan, &dl.expect)),
                        at(dl.by)
                    ),
                    Lang::Fr => format!(
                        "{} avant {}",
                        quote(lang, &expectation(plan, &dl.expect)),
                        at(dl.by)
                    ),
                },
            );
            let mut taken = match (&o.check, &o.objective.expects) {
                (Some(Check::OnTime(x)), Some(dl)) => match lang {
                    Lang::En => format!(
                        "{}{}, {} early",
                        at(x.t),
                        by_text(x, lang),
                        dur(dl.by - x.t)
                    ),
                    Lang::Fr => format!(
                        "{}{}, {} d'avance",
                        at(x.t),
                        by_text(x, lang),
                        dur(dl.by - x.t)
                    ),
                },
                (Some(Check::Late(x)), Some(dl)) => match lang {
                    Lang::En => {
                        format!("{}{}, {} late", at(x.t), by_text(x, lang), dur(x.t - dl.by))
                    }
                    Lang::Fr => format!(
                        "{}{}, {} de retard",
                        at(x.t),
                        by_text(x, lang),
                        dur(x.t - dl.by)
                    ),
                },
                (Some(Check::NotTaken), _) => t(lang, "not taken", "non prise").into(),
                (Some(Check::NotDue), _) => t(
                    lang,
                    "not taken; play stopped before the deadline",
                    "non prise ; le jeu s'est arrêté avant l'échéance",
                )
                .into(),
                _ => "—".into(),
            };
            for (i, moment) in &o.contingencies {
                taken.push_str(&match lang {
                    Lang::En => format!("; contingency {} fired at {}", i.id, at(*moment)),
                    Lang::Fr => format!(" ; relance {} jouée à {}", i.id, at(*moment)),
                });
            }
            let observers = if o.evaluations.is_empty() {
                "—".to_string()
            } else {
                o.evaluations
                    .iter()
                    .map(|x| {
                        let (met, text) = match &x.decision {
                            Decision::Evaluate { met, text, .. } => (*met, text.as_deref()),
                            _ => (false, None),
                        };
                        let verdict = if met {
                            t(lang, "met", "atteint")
                        } else {
                            t(lang, "missed", "non atteint")
                        };
                        let who =
                            x.by.as_deref()
                                .map_or_else(String::new, |b| format!("{b}, "));
                        match text {
                            Some(text) => format!(
                                "{verdict}{}{} ({who}{})",
                                d.colon(),
                                quote(lang, text),
                                at(x.t)
                            ),
                            None => format!("{verdict} ({who}{})", at(x.t)),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            vec![
                format!("{}{}{}", o.objective.id, d.colon(), o.objective.text),
                expected,
                taken,
                observers,
                match (o.verdict, o.breached.is_empty()) {
                    (Verdict::Met, false) => match lang {
                        Lang::En => {
                            format!("met, but {} breached its DMIA", ids(plan, &o.breached))
                        }
                        Lang::Fr => format!(
                            "atteint, mais DMIA dépassée pour {}",
                            ids(plan, &o.breached)
                        ),
                    },
                    (v, _) => verdict_text(v, lang).into(),
                },
            ]
        })
        .collect();
    d.push(Block::Table {
        header: vec![
            t(lang, "Objective", "Objectif").into(),
            t(lang, "Expected decision", "Décision attendue").into(),
            t(lang, "Taken", "Prise").into(),
            t(lang, "Observers", "Observateurs").into(),
            t(lang, "Verdict", "Verdict").into(),
        ],
        rows,
    });
    let unevaluated: Vec<String> = results
        .iter()
        .filter(|o| o.verdict == Verdict::NotEvaluated)
        .map(|o| format!("{}{}{}", o.objective.id, d.colon(), o.objective.evaluation))
        .collect();
    if !unevaluated.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "Not evaluated: the observers' guide for each, to complete by hand.",
                "Non évalués : la grille des observateurs pour chacun, à compléter à la main.",
            )
            .into(),
        ));
        d.push(Block::List(unevaluated));
    }
}

/// Process ids, comma-separated.
fn ids(plan: &Plan, ps: &[ProcessId]) -> String {
    ps.iter()
        .map(|&p| plan.process(p).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn verdict_text(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Met => t(lang, "met", "atteint"),
        Verdict::Missed => t(lang, "missed", "non atteint"),
        Verdict::NotEvaluated => t(lang, "not evaluated", "non évalué"),
    }
}

fn loss(v: Option<u64>, lang: Lang) -> String {
    match v {
        None => t(lang, "everything", "tout").into(),
        Some(0) => "—".into(),
        Some(s) => dur(s),
    }
}

fn processes_section(
    d: &mut Doc,
    session: &Session,
    rows: &[ProcessRow],
    outcome: &Run,
    lang: Lang,
) {
    let plan = session.plan();
    let scenario = session.scenario();
    let now = session.now();
    d.push(Block::Heading(
        t(
            lang,
            "Processes against their DMIA (MTPD) and PDMA (RPO)",
            "Processus face à leur DMIA (MTPD) et leur PDMA (RPO)",
        )
        .into(),
    ));
    let breaches = rows.iter().filter(|x| x.breach).count();
    let data = rows.iter().filter(|x| x.data_breach).count();
    let still = rows.iter().filter(|x| x.state == State::Down).count();
    d.push(Block::Para(match lang {
        Lang::En => format!(
            "At the end of play ({}), {} processes had stopped or been degraded since T0: {still} still down, {breaches} past their DMIA (MTPD), {data} with more data lost than their PDMA (RPO) allows. Down time runs from when each process stopped (since the scenario's T0), time on a workaround excluded.",
            when(scenario, now),
            rows.len()
        ),
        Lang::Fr => format!(
            "À la fin du jeu ({}), {} processus ont été arrêtés ou dégradés depuis T0 : {still} encore arrêtés, {breaches} au-delà de leur DMIA (MTPD), {data} avec plus de données perdues que leur PDMA (RPO) ne le permet. L'arrêt court depuis l'interruption de chaque processus (depuis le T0 du scénario), hors temps en mode dégradé.",
            when(scenario, now),
            rows.len()
        ),
    }));
    d.push(Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(lang, "Criticality", "Criticité").into(),
            t(lang, "At the end", "À la fin").into(),
            t(lang, "Down", "Arrêt").into(),
            "DMIA (MTPD)".into(),
            t(lang, "DMIA outcome", "Bilan DMIA").into(),
            t(lang, "Data lost", "Données perdues").into(),
            "PDMA (RPO)".into(),
            t(lang, "PDMA outcome", "Bilan PDMA").into(),
        ],
        rows: rows
            .iter()
            .map(|x| {
                let p = plan.process(x.process);
                let state = match (x.state, x.on_workaround) {
                    (State::Down, true) => {
                        t(lang, "down, on its workaround", "arrêté, en mode dégradé").into()
                    }
                    (State::Down, false) => t(lang, "down", "arrêté").into(),
                    (State::Degraded, _) => t(lang, "degraded", "dégradé").into(),
                    (State::Up, _) => match x.back {
                        Some(b) => format!("{} {}", t(lang, "back at", "rétabli à"), at(b)),
                        None => t(lang, "up", "en service").into(),
                    },
                };
                vec![
                    format!("{} ({})", p.name, p.id),
                    p.criticality.label(lang).into(),
                    state,
                    dur(x.down),
                    p.mtpd.to_string(),
                    match (x.breach, x.left) {
                        (true, _) => t(lang, "breached", "dépassée").into(),
                        (false, Some(l)) => match lang {
                            Lang::En => format!("held so far, {} left", dur(l.max(0) as u64)),
                            Lang::Fr => format!("tenue jusqu'ici, reste {}", dur(l.max(0) as u64)),
                        },
                        (false, None) => t(lang, "held", "tenue").into(),
                    },
                    loss(x.result.data_loss, lang),
                    p.rpo.map_or_else(|| "—".into(), |r| r.to_string()),
                    match (p.rpo, x.data_breach) {
                        (None, _) => "—".into(),
                        (Some(_), true) => t(lang, "breached", "dépassée").into(),
                        (Some(_), false) => t(lang, "held", "tenue").into(),
                    },
                ]
            })
            .collect(),
    });
    if !outcome.data.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "Data lost by the services the scenario hit, as the copies that survived allow:",
                "Données perdues par les services que le scénario a touchés, selon les copies qui ont survécu :",
            )
            .into(),
        ));
        d.push(Block::Table {
            header: vec![
                t(lang, "Service", "Service").into(),
                t(lang, "Data lost", "Données perdues").into(),
            ],
            rows: outcome
                .data
                .iter()
                .map(|x| {
                    let svc = plan.service(x.service);
                    vec![format!("{} ({})", svc.name, svc.id), loss(x.loss, lang)]
                })
                .collect(),
        });
    }
}

/// A vital or essential process compared with the solver's run.
struct Comparison {
    process: ProcessId,
    exercise: Fate,
    best: Fate,
    /// The solver's first steps on what the process needs.
    sentence: String,
    /// The same steps as a short phrase, for the improvement plan.
    steps: String,
}

fn comparison_section(
    d: &mut Doc,
    r: &Retex,
    rows: &[ProcessRow],
    horizon: u64,
    lang: Lang,
) -> Vec<Comparison> {
    let session = r.session;
    let plan = session.plan();
    let now = session.now();
    let best = r.best;
    d.push(Block::Heading(
        t(
            lang,
            "Comparison with the scheduler",
            "Comparaison avec l'ordonnanceur",
        )
        .into(),
    ));
    d.push(Block::Para(match lang {
        Lang::En => format!(
            "The scheduler's teams play the same scenario (seed {}) from T0 to the end of their run ({}: everything back, or the scenario's horizon): they plan with what they know ({} schedules per planning) and plan again as they learn. For each vital or essential process: when it works again in the exercise and in the best schedule, and the solver's first steps on what it needs.",
            r.header.seed,
            at(horizon),
            r.schedules
        ),
        Lang::Fr => format!(
            "Les équipes de l'ordonnanceur jouent le même scénario (graine {}) de T0 à la fin de leur déroulement ({} : tout rétabli, ou l'horizon du scénario) : elles planifient avec ce qu'elles savent ({} ordonnancements par planification) et replanifient à mesure qu'elles apprennent. Pour chaque processus vital ou essentiel : quand il fonctionne de nouveau pendant l'exercice et dans le meilleur ordonnancement, et les premières interventions du solveur sur ce dont il dépend.",
            r.header.seed,
            at(horizon),
            r.schedules
        ),
    }));
    let mut out = Vec::new();
    for p in plan.process_ids() {
        let process = plan.process(p);
        if process.criticality < Criticality::Essential {
            continue;
        }
        let exercise = exercise_fate(rows.iter().find(|x| x.process == p));
        let best_fate = best_fate(best, p);
        if exercise == Fate::NeverStopped && best_fate == Fate::NeverStopped {
            continue;
        }
        let needs = session.plan().needs(NodeRef::Process(p));
        let mut steps: Vec<(ServiceId, Mode, u64)> = Vec::new();
        for w in &best.work {
            if needs.contains(&w.service) && !steps.iter().any(|s| s.0 == w.service) {
                steps.push((w.service, w.mode, w.start));
            }
        }
        // "rebuilding sql-a (T+5d), then ad (T+5d2h), then failing over
        // dhcp (…)": the verb only when it changes.
        let mut chain = String::new();
        let mut last_verb = "";
        for (i, (s, mode, start)) in steps.iter().take(4).enumerate() {
            let verb = match (mode, lang) {
                (Mode::Failover, Lang::En) => "failing over",
                (Mode::Failover, Lang::Fr) => "en basculant",
                (Mode::Rebuild, Lang::En) => "rebuilding",
                (Mode::Rebuild, Lang::Fr) => "en reconstruisant",
                (Mode::Restart { .. }, Lang::En) => "restarting",
                (Mode::Restart { .. }, Lang::Fr) => "en redémarrant",
                (Mode::Relocate(_), Lang::En) => "relocating",
                (Mode::Relocate(_), Lang::Fr) => "en relocalisant",
                (_, Lang::En) => "restoring",
                (_, Lang::Fr) => "en restaurant",
            };
            if i > 0 {
                chain.push_str(t(lang, ", then ", ", puis "));
            }
            if verb != last_verb {
                chain.push_str(verb);
                chain.push(' ');
                last_verb = verb;
            }
            chain.push_str(&format!("{} ({})", plan.service(*s).id, at(*start)));
        }
        if steps.len() > 4 {
            chain.push_str(&match lang {
                Lang::En => format!(", then {} more", steps.len() - 4),
                Lang::Fr => format!(", puis {} autres", steps.len() - 4),
            });
        }
        let name = format!("{} ({})", process.name, process.id);
        let ex = match exercise {
            Fate::NeverStopped => t(
                lang,
                "never stopped in the exercise",
                "jamais arrêté pendant l'exercice",
            )
            .to_string(),
            Fate::Back(b) => match lang {
                Lang::En => format!("back at {} in the exercise", at(b)),
                Lang::Fr => format!("rétabli à {} pendant l'exercice", at(b)),
            },
            Fate::NotBack => match lang {
                Lang::En => format!("not back by the end of the exercise ({})", at(now)),
                Lang::Fr => format!("pas rétabli à la fin de l'exercice ({})", at(now)),
            },
        };
        let bs = match best_fate {
            Fate::NeverStopped => t(
                lang,
                "the best schedule never has it stop",
                "il ne s'arrête pas dans le meilleur ordonnancement",
            )
            .to_string(),
            Fate::NotBack => match lang {
                Lang::En => format!(
                    "the best schedule does not have it back by the end of its run ({}) either",
                    at(horizon)
                ),
                Lang::Fr => format!(
                    "le meilleur ordonnancement ne le rétablit pas non plus avant la fin de son déroulement ({})",
                    at(horizon)
                ),
            },
            Fate::Back(b) => {
                let gap = match exercise {
                    Fate::Back(e) if e > b => match lang {
                        Lang::En => format!(", {} earlier", dur(e - b)),
                        Lang::Fr => format!(", {} plus tôt", dur(e - b)),
                    },
                    Fate::Back(e) if e < b => match lang {
                        Lang::En => format!(", {} later than the players", dur(b - e)),
                        Lang::Fr => format!(", {} plus tard que les joueurs", dur(b - e)),
                    },
                    Fate::NotBack if b <= now => t(
                        lang,
                        ", before the end of the exercise",
                        ", avant la fin de l'exercice",
                    )
                    .into(),
                    _ => String::new(),
                };
                match lang {
                    Lang::En => format!("the best schedule has it back at {}{gap}", at(b)),
                    Lang::Fr => format!("le meilleur ordonnancement le rétablit à {}{gap}", at(b)),
                }
            }
        };
        let how = match (chain.is_empty(), best_fate, lang) {
            (true, _, _) | (_, Fate::NeverStopped, _) => String::new(),
            (false, Fate::Back(_), Lang::En) => format!(" by {chain}"),
            (false, Fate::Back(_), Lang::Fr) => format!(" {chain}"),
            (false, Fate::NotBack, Lang::En) => format!("; it starts by {chain}"),
            (false, Fate::NotBack, Lang::Fr) => format!(" ; il commence {chain}"),
        };
        let ordered: Vec<String> = session
            .decisions
            .iter()
            .filter_map(|x| match x.decision {
                Decision::Restore { service, .. }
                | Decision::Failover { service }
                | Decision::Relocate { service, .. }
                    if needs.contains(&service) =>
                {
                    Some(format!("{} ({})", plan.service(service).id, at(x.t)))
                }
                _ => None,
            })
            .collect();
        let players = match (ordered.is_empty(), how.is_empty(), lang) {
            (_, true, _) => String::new(),
            (true, false, Lang::En) => {
                " In the exercise, the players ordered nothing it needs.".into()
            }
            (true, false, Lang::Fr) => {
                " Pendant l'exercice, les joueurs n'ont rien ordonné de ce dont il dépend.".into()
            }
            (false, false, Lang::En) => format!(
                " In the exercise, the players ordered, of what it needs: {}.",
                ordered.join(", ")
            ),
            (false, false, Lang::Fr) => format!(
                " Pendant l'exercice, les joueurs ont ordonné, parmi ce dont il dépend : {}.",
                ordered.join(", ")
            ),
        };
        let sentence = match lang {
            Lang::En => format!("{name}: {ex}; {bs}{how}.{players}"),
            Lang::Fr => format!("{name} : {ex} ; {bs}{how}.{players}"),
        };
        out.push(Comparison {
            process: p,
            exercise,
            best: best_fate,
            sentence,
            steps: steps
                .iter()
                .take(4)
                .map(|(s, _, _)| plan.service(*s).id.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let fate_text = |f: Fate| match f {
        Fate::NeverStopped => t(lang, "never stopped", "jamais arrêté").to_string(),
        Fate::Back(b) => at(b),
        Fate::NotBack => t(lang, "not back", "non rétabli").into(),
    };
    if out.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "No vital or essential process stopped, in the exercise or in the best schedule.",
                "Aucun processus vital ou essentiel ne s'est arrêté, ni pendant l'exercice ni dans le meilleur ordonnancement.",
            )
            .into(),
        ));
        return out;
    }
    d.push(Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(lang, "Criticality", "Criticité").into(),
            t(lang, "Works again (exercise)", "Reprise (exercice)").into(),
            t(
                lang,
                "Works again (best schedule)",
                "Reprise (meilleur ordonnancement)",
            )
            .into(),
        ],
        rows: out
            .iter()
            .map(|c| {
                let p = plan.process(c.process);
                vec![
                    p.id.clone(),
                    p.criticality.label(lang).into(),
                    fate_text(c.exercise),
                    fate_text(c.best),
                ]
            })
            .collect(),
    });
    d.push(Block::List(
        out.iter().map(|c| c.sentence.clone()).collect(),
    ));
    out
}

fn areas(
    r: &Retex,
    objectives: &[ObjectiveResult],
    rows: &[ProcessRow],
    waits: &[Wait],
    late_workarounds: &[(&Taken, ProcessId, u64)],
    comparisons: &[Comparison],
    lang: Lang,
) -> Vec<Area> {
    let session = r.session;
    let plan = session.plan();
    let exercise = session.exercise;
    let now = session.now();
    let mut out = Vec::new();
    let mut folded: Vec<&str> = Vec::new();

    // Objectives missed, with the contingency injects about them.
    for o in objectives.iter().filter(|o| o.verdict == Verdict::Missed) {
        let mut why = Vec::new();
        match (&o.check, &o.objective.expects) {
            (Some(Check::Late(x)), Some(dl)) => why.push(match lang {
                Lang::En => format!(
                    "{} came at {}, {} after its deadline ({})",
                    quote(lang, &x.command),
                    at(x.t),
                    dur(x.t - dl.by),
                    at(dl.by)
                ),
                Lang::Fr => format!(
                    "{} est venue à {}, {} après l'échéance ({})",
                    quote(lang, &x.command),
                    at(x.t),
                    dur(x.t - dl.by),
                    at(dl.by)
                ),
            }),
            (Some(Check::NotTaken), Some(dl)) => why.push(match lang {
                Lang::En => format!(
                    "no decision {} by {}",
                    quote(lang, &expectation(plan, &dl.expect)),
                    at(dl.by)
                ),
                Lang::Fr => format!(
                    "aucune décision {} avant {}",
                    quote(lang, &expectation(plan, &dl.expect)),
                    at(dl.by)
                ),
            }),
            _ => {}
        }
        for (i, moment) in &o.contingencies {
            folded.push(&i.id);
            why.push(match lang {
                Lang::En => format!(
                    "contingency inject {} had to be played at {}",
                    i.id,
                    at(*moment)
                ),
                Lang::Fr => format!("la relance {} a dû être jouée à {}", i.id, at(*moment)),
            });
        }
        if let Some(x) = o.evaluations.last() {
            why.push(match (evaluation_text(x), lang) {
                (Some(text), Lang::En) => format!("observers: {}", quote(lang, text)),
                (Some(text), Lang::Fr) => format!("observateurs : {}", quote(lang, text)),
                (None, Lang::En) => "judged missed by the observers".into(),
                (None, Lang::Fr) => "jugé non atteint par les observateurs".into(),
            });
        }
        let text = match lang {
            Lang::En => format!(
                "Objective {} missed: {}.",
                quote(lang, &o.objective.text),
                why.join("; ")
            ),
            Lang::Fr => format!(
                "Objectif {} non atteint : {}.",
                quote(lang, &o.objective.text),
                why.join(" ; ")
            ),
        };
        let action = match (&o.objective.expects, lang) {
            (Some(dl), Lang::En) => format!(
                "Objective {}: make {} a reflex of the roles concerned (a line of their first-hours checklist, a trigger, a stand-in) and rehearse it until it is taken within {} of the start of the crisis ({}).",
                o.objective.id,
                quote(lang, &expectation(plan, &dl.expect)),
                dur(dl.by.saturating_sub(exercise.start)),
                at(exercise.start)
            ),
            (Some(dl), Lang::Fr) => format!(
                "Objectif {} : faire de {} un réflexe des rôles concernés (une ligne de leur liste des premières heures, un déclencheur, un suppléant) et l'entraîner jusqu'à ce qu'elle soit prise dans les {} suivant le début de la crise ({}).",
                o.objective.id,
                quote(lang, &expectation(plan, &dl.expect)),
                dur(dl.by.saturating_sub(exercise.start)),
                at(exercise.start)
            ),
            (None, Lang::En) => format!(
                "Objective {}: turn the observers' findings into a procedure with the roles concerned ({}), and check it again at the next exercise.",
                o.objective.id,
                quote(lang, &o.objective.text)
            ),
            (None, Lang::Fr) => format!(
                "Objectif {} : traduire les constats des observateurs en procédure avec les rôles concernés ({}), et le vérifier au prochain exercice.",
                o.objective.id,
                quote(lang, &o.objective.text)
            ),
        };
        out.push(Area {
            text,
            action,
            owners: objective_owners(session, &o.objective.id),
            priority: 1,
        });
    }

    // Objectives met whose purpose failed: the decision came, the process
    // it protects still breached.
    for o in objectives
        .iter()
        .filter(|o| o.verdict == Verdict::Met && !o.breached.is_empty())
    {
        let names = process_list(plan, o.breached.iter().copied(), 8, lang);
        let (text, action) = match lang {
            Lang::En => (
                format!(
                    "Objective {} met, yet what it protects breached its DMIA (MTPD): {names}.",
                    quote(lang, &o.objective.text)
                ),
                format!(
                    "Objective {}: check that the expected decision really protects {names} (what it cuts, what those processes still need), and what else they need within their DMIA.",
                    o.objective.id
                ),
            ),
            Lang::Fr => (
                format!(
                    "Objectif {} atteint, mais ce qu'il protège a dépassé sa DMIA (MTPD) : {names}.",
                    quote(lang, &o.objective.text)
                ),
                format!(
                    "Objectif {} : vérifier que la décision attendue protège vraiment {names} (ce qu'elle coupe, ce dont ces processus ont encore besoin), et ce qu'il leur faut d'autre dans leur DMIA.",
                    o.objective.id
                ),
            ),
        };
        out.push(Area {
            text,
            action,
            owners: objective_owners(session, &o.objective.id),
            priority: 1,
        });
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
        let expected = quote(lang, &expectation(plan, unless));
        out.push(Area {
            text: match lang {
                Lang::En => format!(
                    "Contingency inject {} had to be played at {} ({}, from {}): nobody had taken {expected} by then.",
                    i.id,
                    at(x.t),
                    i.channel.as_str(),
                    i.from
                ),
                Lang::Fr => format!(
                    "La relance {} a dû être jouée à {} ({}, de {}) : personne n'avait pris {expected} à cette heure.",
                    i.id,
                    at(x.t),
                    i.channel.label_fr(),
                    i.from
                ),
            },
            action: match lang {
                Lang::En => format!(
                    "Add {expected} to the procedures of the roles concerned, with its trigger, so it is taken before {}.",
                    at(i.at)
                ),
                Lang::Fr => format!(
                    "Inscrire {expected} dans les procédures des rôles concernés, avec son déclencheur, pour qu'elle soit prise avant {}.",
                    at(i.at)
                ),
            },
            owners: i.to.clone(),
            priority: 2,
        });
    }

    // DMIA breaches: one area per vital or essential process, one for the
    // others together.
    let breached: Vec<&ProcessRow> = rows.iter().filter(|x| x.breach).collect();
    for x in breached
        .iter()
        .filter(|x| plan.process(x.process).criticality >= Criticality::Essential)
    {
        let p = plan.process(x.process);
        let needs = session.plan().needs(NodeRef::Process(x.process));
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
        let comparison = comparisons.iter().find(|c| c.process == x.process);
        let mut text = match lang {
            Lang::En => format!(
                "{} ({}, {}) breached its DMIA (MTPD) of {}: down {} at the end of play",
                p.name,
                p.id,
                p.criticality.label(lang),
                p.mtpd,
                dur(x.down)
            ),
            Lang::Fr => format!(
                "{} ({}, {}) a dépassé sa DMIA (MTPD) de {} : {} d'arrêt à la fin du jeu",
                p.name,
                p.id,
                p.criticality.label(lang),
                p.mtpd,
                dur(x.down)
            ),
        };
        if let Some(Comparison {
            best: Fate::Back(b),
            ..
        }) = comparison
        {
            text.push_str(&match lang {
                Lang::En => format!("; the best schedule has it back at {}", at(*b)),
                Lang::Fr => format!(" ; le meilleur ordonnancement le rétablit à {}", at(*b)),
            });
        }
        text.push('.');
        let workaround_unused = p.workaround.is_some()
            && !session
                .decisions
                .iter()
                .any(|d| d.decision == Decision::Workaround { process: x.process });
        let mut action = match (comparison.map(|c| c.steps.as_str()), lang) {
            (Some(steps), Lang::En) if !steps.is_empty() => format!(
                "Review the recovery order for {}: bring back {steps} first, as the best schedule does (`reprise recover --scenario`).",
                p.id
            ),
            (Some(steps), Lang::Fr) if !steps.is_empty() => format!(
                "Revoir l'ordre de reprise pour {} : rétablir d'abord {steps}, comme le meilleur ordonnancement (`reprise recover --scenario`).",
                p.id
            ),
            (_, Lang::En) => format!(
                "Review how {} is brought back within {}: its dependencies, their recovery times and the teams they need.",
                p.id, p.mtpd
            ),
            (_, Lang::Fr) => format!(
                "Revoir comment {} est rétabli en moins de {} : ses dépendances, leurs durées de restauration et les équipes qu'elles mobilisent.",
                p.id, p.mtpd
            ),
        };
        if workaround_unused && let Some(w) = &p.workaround {
            action.push_str(&match lang {
                Lang::En => format!(
                    " Its workaround ({}) was never activated: prepare its activation.",
                    w.name
                ),
                Lang::Fr => format!(
                    " Son mode dégradé ({}) n'a pas été activé : en préparer l'activation.",
                    w.name
                ),
            });
        }
        out.push(Area {
            text,
            action,
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
            text: match lang {
                Lang::En => format!(
                    "{} important or deferrable processes breached their DMIA (MTPD): {}.",
                    others.len(),
                    process_list(plan, others.iter().copied(), 8, lang)
                ),
                Lang::Fr => format!(
                    "{} processus importants ou différables ont dépassé leur DMIA (MTPD) : {}.",
                    others.len(),
                    process_list(plan, others.iter().copied(), 8, lang)
                ),
            },
            action: t(
                lang,
                "Check their DMIA (MTPD) with the process owners against what the recovery plan can deliver, and their workarounds.",
                "Confronter leur DMIA (MTPD) avec les responsables métier à ce que le plan de reprise permet, et vérifier leurs modes dégradés.",
            )
            .into(),
            owners: Vec::new(),
            priority: 2,
        });
    }

    // Workarounds activated after the DMIA.
    for (x, p, since) in late_workarounds {
        let process = plan.process(*p);
        out.push(Area {
            text: match lang {
                Lang::En => format!(
                    "The workaround of {} was activated at {}, {} after it stopped: later than its DMIA (MTPD) of {}.",
                    process.id,
                    at(x.t),
                    dur(x.t - since),
                    process.mtpd
                ),
                Lang::Fr => format!(
                    "Le mode dégradé de {} a été activé à {}, {} après l'arrêt : au-delà de sa DMIA (MTPD) de {}.",
                    process.id,
                    at(x.t),
                    dur(x.t - since),
                    process.mtpd
                ),
            },
            action: match lang {
                Lang::En => format!(
                    "Decide the activation of {}'s workaround as soon as it stops; keep its kit (forms, registers) ready where it is used.",
                    process.id
                ),
                Lang::Fr => format!(
                    "Décider l'activation du mode dégradé de {} dès l'arrêt ; tenir son nécessaire (formulaires, registres) prêt là où il sert.",
                    process.id
                ),
            },
            owners: x.by.iter().cloned().collect(),
            priority: 2,
        });
    }

    // Data lost beyond the PDMA.
    let data: Vec<ProcessId> = rows
        .iter()
        .filter(|x| x.data_breach)
        .map(|x| x.process)
        .collect();
    if !data.is_empty() {
        out.push(Area {
            text: match lang {
                Lang::En => format!(
                    "{} processes lost more data than their PDMA (RPO) allows: {}.",
                    data.len(),
                    process_list(plan, data.iter().copied(), 8, lang)
                ),
                Lang::Fr => format!(
                    "{} processus ont perdu plus de données que leur PDMA (RPO) ne le permet : {}.",
                    data.len(),
                    process_list(plan, data.iter().copied(), 8, lang)
                ),
            },
            action: t(
                lang,
                "Review the backups of the data these processes need: a copy out of the scenario's reach (immutable or offline), taken more often than the PDMA (RPO).",
                "Revoir les sauvegardes des données dont ces processus dépendent : une copie hors d'atteinte du scénario (immuable ou hors ligne), plus fréquente que la PDMA (RPO).",
            )
            .into(),
            owners: technical_owners(session),
            priority: 2,
        });
    }

    // Orders that waited for the investigation: one area for all.
    let frozen: Vec<&Wait> = waits.iter().filter(|w| w.investigation.is_some()).collect();
    if let Some(cleared) = frozen.iter().filter_map(|w| w.investigation).max() {
        let orders: Vec<String> = frozen
            .iter()
            .map(|w| {
                format!(
                    "{} ({}{})",
                    quote(lang, &w.taken.command),
                    at(w.taken.t),
                    by_text(w.taken, lang)
                )
            })
            .collect();
        let mut owners: Vec<String> = Vec::new();
        push_unique(
            &mut owners,
            frozen.iter().filter_map(|w| w.taken.by.clone()),
        );
        out.push(Area {
            text: match lang {
                Lang::En => format!(
                    "Orders on what the attacker held waited for the investigation, which ends at {}: {}. Nothing it held is rebuilt before then.",
                    at(cleared),
                    orders.join(", ")
                ),
                Lang::Fr => format!(
                    "Des ordres portant sur ce que l'attaquant détenait ont attendu la fin de l'investigation, à {} : {}. Rien de ce qu'il détenait n'est reconstruit avant.",
                    at(cleared),
                    orders.join(", ")
                ),
            },
            action: match lang {
                Lang::En => format!(
                    "During the investigation, prepare the rebuild of what the attacker held (a clean environment, the copies to check, the order of the recovery runbook) so that it starts at {}.",
                    at(cleared)
                ),
                Lang::Fr => format!(
                    "Pendant l'investigation, préparer la reconstruction de ce que l'attaquant détenait (environnement sain, copies à vérifier, ordre du plan de reprise) pour qu'elle commence à {}.",
                    at(cleared)
                ),
            },
            owners: if owners.is_empty() { technical_owners(session) } else { owners },
            priority: 3,
        });
    }

    // Orders that waited for their dependencies.
    for w in waits {
        let service = &plan.service(w.service).id;
        let blocking: Vec<String> = w
            .blocking
            .iter()
            .map(|(s, back)| {
                let id = &plan.service(*s).id;
                match (back, lang) {
                    (Some(b), Lang::En) => format!("{id} (back at {})", at(*b)),
                    (Some(b), Lang::Fr) => format!("{id} (rétabli à {})", at(*b)),
                    (None, Lang::En) => format!("{id} (still down)"),
                    (None, Lang::Fr) => format!("{id} (toujours arrêté)"),
                }
            })
            .collect();
        let waited = match (w.started, lang) {
            (Some(s), Lang::En) => format!("waited {} to start", dur(s - w.taken.t)),
            (Some(s), Lang::Fr) => format!("a attendu {} avant de commencer", dur(s - w.taken.t)),
            (None, Lang::En) => format!("was still waiting at the end of play ({})", at(now)),
            (None, Lang::Fr) => format!("attendait encore à la fin du jeu ({})", at(now)),
        };
        let ids: Vec<&str> = w
            .blocking
            .iter()
            .map(|(s, _)| plan.service(*s).id.as_str())
            .collect();
        if w.investigation.is_some() {
            continue;
        }
        out.push(Area {
            text: match lang {
                Lang::En => format!(
                    "{} ordered at {}{} {waited}: what it needs was down, {}.",
                    quote(lang, &w.taken.command),
                    at(w.taken.t),
                    by_text(w.taken, lang),
                    blocking.join(", ")
                ),
                Lang::Fr => format!(
                    "{} ordonné à {}{} {waited} : ce dont il dépend était arrêté, {}.",
                    quote(lang, &w.taken.command),
                    at(w.taken.t),
                    by_text(w.taken, lang),
                    blocking.join(", ")
                ),
            },
            action: match lang {
                Lang::En => format!(
                    "Order restorations in dependency order: {} before {service}; follow the waves of the recovery runbook (`reprise runbook`).",
                    ids.join(", ")
                ),
                Lang::Fr => format!(
                    "Ordonner les restaurations dans l'ordre des dépendances : {} avant {service} ; suivre les vagues du plan de reprise (`reprise runbook`).",
                    ids.join(", ")
                ),
            },
            owners: match &w.taken.by {
                Some(b) => vec![b.clone()],
                None => technical_owners(session),
            },
            priority: 3,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_the_first_sentence() {
        let cases = [
            ("Court.", 160, "Court."),
            (
                "Une première phrase assez longue pour compter. Une seconde.",
                160,
                "Une première phrase assez longue pour compter.",
            ),
            (
                "un  texte\n  sur deux lignes",
                160,
                "un texte sur deux lignes",
            ),
            ("trop long pour tenir ici", 12, "trop long…"),
        ];
        for (text, max, want) in cases {
            assert_eq!(excerpt(text, max), want, "{text}");
        }
    }

    #[test]
    fn journal_times_read_as_dates() {
        assert_eq!(wall("2025-11-18T09:05:03.250Z"), "2025-11-18 09:05:03");
        assert_eq!(wall("not a time"), "not a time");
        assert_eq!(due("2025-11-18T23:59:00.000Z", 30, Lang::En), "2025-12-18");
        assert_eq!(due("2024-12-31T08:00:00.000Z", 60, Lang::En), "2025-03-01");
        assert_eq!(due("garbage", 90, Lang::Fr), "J+90 après l'exercice");
    }
}

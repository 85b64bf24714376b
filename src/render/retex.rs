//! The after-action report of an exercise (RETEX, « retour d'expérience »)
//! in words: what happened and when, the objectives met or missed, each
//! process against its DMIA and PDMA, a comparison with the schedule the
//! solver's teams reach in the same scenario, strengths, areas for
//! improvement and an improvement plan.
//!
//! What the report says is computed in [`crate::exercise::retex`]: this
//! module only words the [`AfterAction`] in French and English. No clock
//! is read: the due dates count from the journal's creation.

use jiff::{SignedDuration, Timestamp};

use super::doc::{Block, Doc, at};
use crate::analysis::state::State;
use crate::exercise::journal::Header;
use crate::exercise::retex::{
    self, AfterAction, Check, Compared, Fate, Finding, ObjectiveResult, Overview, Strength, Verdict,
};
use crate::exercise::session::{Session, Taken};
use crate::exercise::{Decision, Expectation, Inject, RoleKind, Target};
use crate::i18n::{Lang, t};
use crate::model::{Plan, ProcessId, SimDuration};
use crate::msg;
use crate::recovery::Mode;
use crate::scenario::Scenario;

/// What the report is made from.
pub struct Retex<'r, 'a> {
    /// The exercise replayed from its journal, clock where play stopped.
    pub session: &'r Session<'a>,
    /// What the data says: [`crate::exercise::retex::after_action`].
    pub after_action: &'r AfterAction<'r>,
    pub header: &'r Header,
    /// The journal's path, as given.
    pub journal: &'r str,
    /// The search budget of each of the solver's plannings, in schedules.
    pub schedules: u64,
}

fn dur(s: u64) -> String {
    SimDuration::from_secs(s).to_string()
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
    msg!(lang, "retex-quote", text = s)
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
        .unwrap_or_else(|| msg!(lang, "retex-due", days = days))
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
// The roles concerned.

fn role_label(session: &Session, id: &str) -> String {
    match session.exercise.role(id) {
        Some(r) => format!("{} ({id})", r.name),
        None => id.to_string(),
    }
}

fn owners_text(session: &Session, owners: &[String], lang: Lang) -> String {
    if !owners.is_empty() {
        return owners
            .iter()
            .map(|o| role_label(session, o))
            .collect::<Vec<_>>()
            .join(", ");
    }
    let players = retex::crisis_cell(session).collect::<Vec<_>>().join(", ");
    msg!(lang, "retex-owners-text", players = players)
}

// ---------------------------------------------------------------------------
// The document.

pub fn report(r: &Retex, lang: Lang) -> Doc {
    let session = r.session;
    let exercise = session.exercise;
    let aa = r.after_action;

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
    objectives_section(&mut d, session, &aa.objectives, lang);
    processes_section(&mut d, session, aa, lang);
    comparison_section(&mut d, r, lang);

    d.push(Block::Heading(t(lang, "Strengths", "Points forts").into()));
    if aa.strengths.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "No strength stands out from the data: no objective met, no process kept within its DMIA (MTPD), no workaround activated in time.",
                "Aucun point fort ne ressort des données : aucun objectif atteint, aucun processus tenu dans sa DMIA (MTPD), aucun mode dégradé activé à temps.",
            )
            .into(),
        ));
    } else {
        d.push(Block::List(
            aa.strengths
                .iter()
                .map(|s| strength(session, aa, s, lang))
                .collect(),
        ));
    }

    let areas: Vec<(String, String)> = aa
        .areas
        .iter()
        .map(|a| area(session, aa, &a.finding, lang))
        .collect();
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
                .map(|(i, (text, _))| format!("[{}] {text}", i + 1))
                .collect(),
        ));
    }

    // Improvement plan.
    d.push(Block::Heading(
        t(lang, "Improvement plan", "Plan d'amélioration").into(),
    ));
    if !areas.is_empty() {
        d.push(Block::Para(msg!(
            lang,
            "retex-plan-intro",
            exercise_day = due(&r.header.created, 0, lang)
        )));
        d.push(Block::Table {
            header: vec![
                "#".into(),
                t(lang, "Action", "Action").into(),
                t(lang, "Owner", "Pilote").into(),
                t(lang, "Due", "Échéance").into(),
            ],
            rows: aa
                .areas
                .iter()
                .zip(&areas)
                .enumerate()
                .map(|(i, (a, (_, action)))| {
                    vec![
                        (i + 1).to_string(),
                        action.clone(),
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

fn strength(session: &Session, aa: &AfterAction, s: &Strength, lang: Lang) -> String {
    let plan = session.plan();
    let name = |p: ProcessId| {
        let p = plan.process(p);
        format!("{} ({})", p.name, p.id)
    };
    match s {
        Strength::ObjectiveMet { objective } => {
            let o = &aa.objectives[*objective];
            let mut s = msg!(
                lang,
                "retex-objective-met",
                objective = quote(lang, &o.objective.text)
            );
            if let (Some(Check::OnTime(x)), Some(dl)) = (&o.check, &o.objective.expects) {
                s.push_str(&msg!(
                    lang,
                    "retex-objective-met-on-time",
                    command = quote(lang, &x.command),
                    at = at(x.t),
                    by = by_text(x, lang),
                    margin = dur(dl.by - x.t),
                    deadline = at(dl.by)
                ));
            }
            if let Some(text) = o.evaluations.last().and_then(|x| evaluation_text(x)) {
                s.push_str(&msg!(lang, "retex-observers", text = quote(lang, text)));
            }
            s.push('.');
            s
        }
        Strength::Held { held, stopped } => {
            let names = process_list(plan, held.iter().copied(), 8, lang);
            msg!(
                lang,
                "retex-processes-held",
                held = held.len(),
                stopped = stopped,
                names = names
            )
        }
        Strength::WorkaroundEarly { taken: x, process } => msg!(
            lang,
            "retex-workaround-before",
            process = name(*process),
            at = at(x.t),
            by = by_text(x, lang)
        ),
        Strength::WorkaroundInTime {
            taken: x,
            process,
            since,
        } => msg!(
            lang,
            "retex-workaround-within",
            process = name(*process),
            at = at(x.t),
            by = by_text(x, lang),
            after = dur(x.t - since),
            mtpd = plan.process(*process).mtpd
        ),
        Strength::Prompt { orders } => {
            let orders = (orders.iter())
                .map(|x| quote(lang, &x.command))
                .collect::<Vec<_>>()
                .join(", ");
            msg!(lang, "retex-orders-at-once", orders = orders)
        }
    }
}

fn by_text(x: &Taken, lang: Lang) -> String {
    match (&x.by, lang) {
        (Some(b), _) => msg!(lang, "retex-by", who = b),
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
        s.push_str(&msg!(lang, "retex-and-more", more = all.len() - max));
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
    let Overview {
        timed,
        contingency,
        evaluations,
        notes,
        crisis,
    } = r.after_action.overview;
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
            msg!(
                lang,
                "retex-overview-injects",
                delivered = session.delivered.len(),
                timed = timed,
                timeline = exercise.injects.len(),
                contingency = contingency,
                contingencies = exercise.contingencies.len()
            ),
        ),
        (
            t(lang, "Decisions", "Décisions").into(),
            msg!(
                lang,
                "retex-overview-journal",
                entries = session.decisions.len(),
                evaluations = evaluations,
                notes = notes
            ),
        ),
        (
            t(lang, "Crisis level reached", "Niveau de crise atteint").into(),
            match crisis {
                Some((l, x)) => msg!(
                    lang,
                    "retex-overview-crisis",
                    level = l,
                    at = at(x.t),
                    by = by_text(x, lang)
                ),
                None => t(lang, "none declared", "aucun déclaré").into(),
            },
        ),
        (
            t(lang, "Journal", "Journal").into(),
            msg!(
                lang,
                "retex-overview-replay",
                journal = r.journal,
                seed = r.header.seed
            ),
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
        let channel = i.map_or("", |i| t(lang, i.channel.as_str(), i.channel.label_fr()));
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
                |dl| {
                    msg!(
                        lang,
                        "retex-expected-by",
                        expect = quote(lang, &expectation(plan, &dl.expect)),
                        deadline = at(dl.by)
                    )
                },
            );
            let mut taken = match (&o.check, &o.objective.expects) {
                (Some(Check::OnTime(x)), Some(dl)) => msg!(
                    lang,
                    "retex-taken-early",
                    at = at(x.t),
                    by = by_text(x, lang),
                    margin = dur(dl.by - x.t)
                ),
                (Some(Check::Late(x)), Some(dl)) => msg!(
                    lang,
                    "retex-taken-late",
                    at = at(x.t),
                    by = by_text(x, lang),
                    late = dur(x.t - dl.by)
                ),
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
                taken.push_str(&msg!(
                    lang,
                    "retex-contingency-fired",
                    id = i.id,
                    at = at(*moment)
                ));
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
                    (Verdict::Met, false) => msg!(
                        lang,
                        "retex-met-but-breached",
                        breached = ids(plan, &o.breached)
                    ),
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

fn processes_section(d: &mut Doc, session: &Session, aa: &AfterAction, lang: Lang) {
    let (rows, outcome) = (&aa.processes, &aa.outcome);
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
    d.push(Block::Para(msg!(
        lang,
        "retex-processes-intro",
        now = when(scenario, now),
        processes = rows.len(),
        still = still,
        breaches = breaches,
        data = data
    )));
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
                        (false, Some(l)) => {
                            msg!(lang, "retex-held-so-far", left = dur(l.max(0) as u64))
                        }
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

fn fate_text(f: Fate, lang: Lang) -> String {
    match f {
        Fate::NeverStopped => t(lang, "never stopped", "jamais arrêté").to_string(),
        Fate::Back(b) => at(b),
        Fate::NotBack => t(lang, "not back", "non rétabli").into(),
    }
}

fn comparison_section(d: &mut Doc, r: &Retex, lang: Lang) {
    let plan = r.session.plan();
    let comparison = &r.after_action.comparison;
    d.push(Block::Heading(
        t(
            lang,
            "Comparison with the scheduler",
            "Comparaison avec l'ordonnanceur",
        )
        .into(),
    ));
    d.push(Block::Para(msg!(
        lang,
        "retex-comparison-intro",
        seed = r.header.seed,
        horizon = at(comparison.horizon),
        schedules = r.schedules
    )));
    if comparison.rows.is_empty() {
        d.push(Block::Para(
            t(
                lang,
                "No vital or essential process stopped, in the exercise or in the best schedule.",
                "Aucun processus vital ou essentiel ne s'est arrêté, ni pendant l'exercice ni dans le meilleur ordonnancement.",
            )
            .into(),
        ));
        return;
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
        rows: comparison
            .rows
            .iter()
            .map(|c| {
                let p = plan.process(c.process);
                vec![
                    p.id.clone(),
                    p.criticality.label(lang).into(),
                    fate_text(c.exercise, lang),
                    fate_text(c.best, lang),
                ]
            })
            .collect(),
    });
    d.push(Block::List(
        (comparison.rows.iter())
            .map(|c| compared(r, comparison.horizon, c, lang))
            .collect(),
    ));
}

/// One process of the comparison, in a sentence.
fn compared(r: &Retex, horizon: u64, c: &Compared, lang: Lang) -> String {
    let plan = r.session.plan();
    let now = r.session.now();
    let process = plan.process(c.process);
    // "rebuilding sql-a (T+5d), then ad (T+5d2h), then failing over
    // dhcp (…)": the verb only when it changes.
    let mut chain = String::new();
    let mut last_verb = "";
    for (i, (s, mode, start)) in c.steps.iter().take(4).enumerate() {
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
    if c.steps.len() > 4 {
        chain.push_str(&msg!(lang, "retex-then-more", more = c.steps.len() - 4));
    }
    let name = format!("{} ({})", process.name, process.id);
    let ex = match c.exercise {
        Fate::NeverStopped => t(
            lang,
            "never stopped in the exercise",
            "jamais arrêté pendant l'exercice",
        )
        .to_string(),
        Fate::Back(b) => msg!(lang, "retex-back-in-exercise", at = at(b)),
        Fate::NotBack => msg!(lang, "retex-not-back-in-exercise", now = at(now)),
    };
    let bs = match c.best {
        Fate::NeverStopped => t(
            lang,
            "the best schedule never has it stop",
            "il ne s'arrête pas dans le meilleur ordonnancement",
        )
        .to_string(),
        Fate::NotBack => msg!(lang, "retex-best-not-back", horizon = at(horizon)),
        Fate::Back(b) => {
            let gap = match c.exercise {
                Fate::Back(e) if e > b => msg!(lang, "retex-earlier", gap = dur(e - b)),
                Fate::Back(e) if e < b => msg!(lang, "retex-later", gap = dur(b - e)),
                Fate::NotBack if b <= now => t(
                    lang,
                    ", before the end of the exercise",
                    ", avant la fin de l'exercice",
                )
                .into(),
                _ => String::new(),
            };
            msg!(lang, "retex-best-back", at = at(b), gap = gap)
        }
    };
    let how = match (chain.is_empty(), c.best, lang) {
        (true, _, _) | (_, Fate::NeverStopped, _) => String::new(),
        (false, Fate::Back(_), _) => msg!(lang, "retex-best-starts-by", chain = chain),
        (false, Fate::NotBack, _) => msg!(lang, "retex-best-not-back-starts-by", chain = chain),
    };
    let ordered: Vec<String> = (c.ordered.iter())
        .map(|(s, t)| format!("{} ({})", plan.service(*s).id, at(*t)))
        .collect();
    let players = match (ordered.is_empty(), how.is_empty(), lang) {
        (_, true, _) => String::new(),
        (true, false, Lang::En) => " In the exercise, the players ordered nothing it needs.".into(),
        (true, false, Lang::Fr) => {
            " Pendant l'exercice, les joueurs n'ont rien ordonné de ce dont il dépend.".into()
        }
        (false, false, _) => msg!(lang, "retex-players-ordered", ordered = ordered.join(", ")),
    };
    msg!(
        lang,
        "retex-compared-line",
        name = name,
        exercise = ex,
        best = bs,
        how = how,
        players = players
    )
}

/// An area for improvement in words: what the data shows, and the action.
fn area(session: &Session, aa: &AfterAction, finding: &Finding, lang: Lang) -> (String, String) {
    let plan = session.plan();
    let exercise = session.exercise;
    match finding {
        Finding::ObjectiveMissed { objective } => {
            let o = &aa.objectives[*objective];
            let mut why = Vec::new();
            match (&o.check, &o.objective.expects) {
                (Some(Check::Late(x)), Some(dl)) => why.push(msg!(lang, "retex-decision-late", command = quote(lang, &x.command), at = at(x.t), late = dur(x.t - dl.by), deadline = at(dl.by))),
                (Some(Check::NotTaken), Some(dl)) => why.push(msg!(lang, "retex-no-decision", expect = quote(lang, &expectation(plan, &dl.expect)), deadline = at(dl.by))),
                _ => {}
            }
            for (i, moment) in &o.contingencies {
                why.push(msg!(lang, "retex-contingency-played", id = i.id, at = at(*moment)));
            }
            if let Some(x) = o.evaluations.last() {
                why.push(match (evaluation_text(x), lang) {
                    (Some(text), _) => msg!(lang, "retex-observers-said", text = quote(lang, text)),
                    (None, Lang::En) => "judged missed by the observers".into(),
                    (None, Lang::Fr) => "jugé non atteint par les observateurs".into(),
                });
            }
            let text = msg!(
                lang,
                "retex-objective-missed",
                objective = quote(lang, &o.objective.text),
                why = why.join(t(lang, "; ", " ; "))
            );
            let action = match (&o.objective.expects, lang) {
                (Some(dl), _) => msg!(lang, "retex-action-reflex", objective = o.objective.id, expect = quote(lang, &expectation(plan, &dl.expect)), within = dur(dl.by.saturating_sub(exercise.start)), start = at(exercise.start)),
                (None, _) => msg!(lang, "retex-action-procedure", objective = o.objective.id, text = quote(lang, &o.objective.text)),
            };
            (text, action)
        }
        Finding::PurposeFailed { objective } => {
            let o = &aa.objectives[*objective];
            let names = process_list(plan, o.breached.iter().copied(), 8, lang);
            (msg!(lang, "retex-purpose-failed", objective = quote(lang, &o.objective.text), names = names), msg!(lang, "retex-action-purpose", objective = o.objective.id, names = names))
        }
        Finding::Contingency {
            inject: i,
            t: moment,
            expected,
        } => {
            let expected = quote(lang, &expectation(plan, expected));
            (msg!(lang, "retex-contingency", id = i.id, at = at(*moment), channel = t(lang, i.channel.as_str(), i.channel.label_fr()), from = i.from, expected = expected), msg!(lang, "retex-action-contingency", expected = expected, at = at(i.at)))
        }
        Finding::Breach {
            process,
            down,
            compared,
            workaround_unused,
        } => {
            let p = plan.process(*process);
            let compared = compared.map(|i| &aa.comparison.rows[i]);
            let mut text = msg!(lang, "retex-process-breached", name = p.name, id = p.id, criticality = p.criticality.label(lang), mtpd = p.mtpd, down = dur(*down));
            if let Some(Compared {
                best: Fate::Back(b),
                ..
            }) = compared
            {
                text.push_str(&msg!(lang, "retex-best-back-at", at = at(*b)));
            }
            text.push('.');
            let steps = compared.map(|c| {
                (c.steps.iter().take(4))
                    .map(|(s, _, _)| plan.service(*s).id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let mut action = match steps {
                Some(steps) if !steps.is_empty() => msg!(
                    lang,
                    "retex-action-reorder",
                    id = p.id,
                    steps = steps
                ),
                _ => msg!(lang, "retex-action-review", id = p.id, mtpd = p.mtpd),
            };
            if *workaround_unused && let Some(w) = &p.workaround {
                action.push_str(&msg!(lang, "retex-workaround-never", name = w.name));
            }
            (text, action)
        }
        Finding::OtherBreaches { processes } => (
            msg!(lang, "retex-lower-breaches", count = processes.len(), processes = process_list(plan, processes.iter().copied(), 8, lang)),
            t(
                lang,
                "Check their DMIA (MTPD) with the process owners against what the recovery plan can deliver, and their workarounds.",
                "Confronter leur DMIA (MTPD) avec les responsables métier à ce que le plan de reprise permet, et vérifier leurs modes dégradés.",
            )
            .into(),
        ),
        Finding::LateWorkaround {
            taken: x,
            process,
            since,
        } => {
            let process = plan.process(*process);
            (msg!(lang, "retex-workaround-late", process = process.id, at = at(x.t), after = dur(x.t - since), mtpd = process.mtpd), msg!(lang, "retex-action-workaround", process = process.id))
        }
        Finding::DataLoss { processes } => (
            msg!(lang, "retex-data-lost", count = processes.len(), processes = process_list(plan, processes.iter().copied(), 8, lang)),
            t(
                lang,
                "Review the backups of the data these processes need: a copy out of the scenario's reach (immutable or offline), taken more often than the PDMA (RPO).",
                "Revoir les sauvegardes des données dont ces processus dépendent : une copie hors d'atteinte du scénario (immuable ou hors ligne), plus fréquente que la PDMA (RPO).",
            )
            .into(),
        ),
        Finding::Investigation { orders, cleared } => {
            let orders = (orders.iter())
                .map(|x| format!("{} ({}{})", quote(lang, &x.command), at(x.t), by_text(x, lang)))
                .collect::<Vec<_>>()
                .join(", ");
            (msg!(lang, "retex-investigation", cleared = at(*cleared), orders = orders), msg!(lang, "retex-action-investigation", cleared = at(*cleared)))
        }
        Finding::Waited { wait } => {
            let w = &aa.waits[*wait];
            let now = session.now();
            let service = &plan.service(w.service).id;
            let blocking: Vec<String> = (w.blocking.iter())
                .map(|(s, back)| {
                    let id = &plan.service(*s).id;
                    match (back, lang) {
                        (Some(b), _) => msg!(lang, "retex-blocking-back", id = id, at = at(*b)),
                        (None, _) => msg!(lang, "retex-blocking-down", id = id),
                    }
                })
                .collect();
            let waited = match (w.started, lang) {
                (Some(s), _) => msg!(lang, "retex-waited", wait = dur(s - w.taken.t)),
                (None, _) => msg!(lang, "retex-still-waiting", now = at(now)),
            };
            let ids: Vec<&str> = (w.blocking.iter())
                .map(|(s, _)| plan.service(*s).id.as_str())
                .collect();
            (msg!(lang, "retex-waited-line", command = quote(lang, &w.taken.command), at = at(w.taken.t), by = by_text(w.taken, lang), waited = waited, blocking = blocking.join(", ")), msg!(lang, "retex-action-order", blocking = ids.join(", "), service = service))
        }
    }
}

// ---------------------------------------------------------------------------
// JSON.

/// The after-action report for tools: the same findings, ids instead of
/// names, times in seconds from T0 (`_s`), each area with its text and
/// action in `lang`.
pub fn json(r: &Retex, lang: Lang) -> serde_json::Value {
    use serde_json::{Value, json};
    let session = r.session;
    let aa = r.after_action;
    let plan = session.plan();
    let process = |p: ProcessId| plan.process(p).id.as_str();
    let service = |s: crate::model::ServiceId| plan.service(s).id.as_str();
    let taken = |x: &Taken| json!({ "seq": x.seq, "t_s": x.t, "by": x.by, "command": x.command });
    let fate = |f: Fate| match f {
        Fate::NeverStopped => json!({ "fate": "never_stopped" }),
        Fate::Back(b) => json!({ "fate": "back", "back_s": b }),
        Fate::NotBack => json!({ "fate": "not_back" }),
    };
    let verdict = |v: Verdict| match v {
        Verdict::Met => "met",
        Verdict::Missed => "missed",
        Verdict::NotEvaluated => "not_evaluated",
    };
    let objectives: Vec<Value> = (aa.objectives.iter())
        .map(|o| {
            let check = o.check.as_ref().map(|c| match c {
                Check::OnTime(x) => json!({ "check": "on_time", "decision": taken(x) }),
                Check::Late(x) => json!({ "check": "late", "decision": taken(x) }),
                Check::NotTaken => json!({ "check": "not_taken" }),
                Check::NotDue => json!({ "check": "not_due" }),
            });
            json!({
                "id": o.objective.id,
                "text": o.objective.text,
                "expected": o.objective.expects.as_ref().map(|dl| json!({
                    "decision": expectation(plan, &dl.expect),
                    "by_s": dl.by,
                })),
                "check": check,
                "evaluations": o.evaluations.iter().map(|x| taken(x)).collect::<Vec<_>>(),
                "contingencies": o.contingencies.iter().map(|(i, t)| json!({ "id": i.id, "t_s": t })).collect::<Vec<_>>(),
                "verdict": verdict(o.verdict),
                "breached": o.breached.iter().map(|&p| process(p)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let processes: Vec<Value> = (aa.processes.iter())
        .map(|x| {
            json!({
                "id": process(x.process),
                "state": x.state.key(),
                "on_workaround": x.on_workaround,
                "down_s": x.down,
                "mtpd_s": plan.process(x.process).mtpd.as_secs(),
                "breach": x.breach,
                "left_s": x.left.map(|l| l.max(0)),
                "back_s": x.back,
                "data_loss_s": x.result.data_loss,
                "everything_lost": x.result.data_loss.is_none(),
                "rpo_s": plan.process(x.process).rpo.map(|r| r.as_secs()),
                "data_breach": x.data_breach,
            })
        })
        .collect();
    let waits: Vec<Value> = (aa.waits.iter())
        .map(|w| {
            json!({
                "decision": taken(w.taken),
                "service": service(w.service),
                "started_s": w.started,
                "blocking": w.blocking.iter().map(|&(s, back)| json!({ "id": service(s), "back_s": back })).collect::<Vec<_>>(),
                "investigation_until_s": w.investigation,
            })
        })
        .collect();
    let comparison = json!({
        "horizon_s": aa.comparison.horizon,
        "schedules": r.schedules,
        "processes": aa.comparison.rows.iter().map(|c| json!({
            "id": process(c.process),
            "exercise": fate(c.exercise),
            "best": fate(c.best),
            "steps": c.steps.iter().map(|&(s, mode, start)| json!({ "id": service(s), "mode": mode.key(), "start_s": start })).collect::<Vec<_>>(),
            "ordered": c.ordered.iter().map(|&(s, t)| json!({ "id": service(s), "t_s": t })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let strengths: Vec<Value> = (aa.strengths.iter())
        .map(|s| {
            let mut v = match s {
                Strength::ObjectiveMet { objective } => {
                    json!({ "kind": "objective_met", "objective": aa.objectives[*objective].objective.id })
                }
                Strength::Held { held, stopped } => json!({
                    "kind": "held",
                    "processes": held.iter().map(|&p| process(p)).collect::<Vec<_>>(),
                    "stopped": stopped,
                }),
                Strength::WorkaroundEarly { taken: x, process: p } => {
                    json!({ "kind": "workaround_early", "process": process(*p), "decision": taken(x) })
                }
                Strength::WorkaroundInTime { taken: x, process: p, since } => json!({
                    "kind": "workaround_in_time", "process": process(*p), "decision": taken(x), "stopped_s": since,
                }),
                Strength::Prompt { orders } => json!({
                    "kind": "prompt", "decisions": orders.iter().map(|x| taken(x)).collect::<Vec<_>>(),
                }),
            };
            v["text"] = json!(strength(session, aa, s, lang));
            v
        })
        .collect();
    let areas: Vec<Value> = (aa.areas.iter())
        .map(|a| {
            let mut v = match &a.finding {
                Finding::ObjectiveMissed { objective } => {
                    json!({ "kind": "objective_missed", "objective": aa.objectives[*objective].objective.id })
                }
                Finding::PurposeFailed { objective } => {
                    json!({ "kind": "purpose_failed", "objective": aa.objectives[*objective].objective.id })
                }
                Finding::Contingency { inject, t, .. } => {
                    json!({ "kind": "contingency", "inject": inject.id, "t_s": t })
                }
                Finding::Breach { process: p, down, workaround_unused, .. } => json!({
                    "kind": "breach", "process": process(*p), "down_s": down, "workaround_unused": workaround_unused,
                }),
                Finding::OtherBreaches { processes } => json!({
                    "kind": "other_breaches", "processes": processes.iter().map(|&p| process(p)).collect::<Vec<_>>(),
                }),
                Finding::LateWorkaround { taken: x, process: p, since } => json!({
                    "kind": "late_workaround", "process": process(*p), "decision": taken(x), "stopped_s": since,
                }),
                Finding::DataLoss { processes } => json!({
                    "kind": "data_loss", "processes": processes.iter().map(|&p| process(p)).collect::<Vec<_>>(),
                }),
                Finding::Investigation { orders, cleared } => json!({
                    "kind": "investigation", "decisions": orders.iter().map(|x| taken(x)).collect::<Vec<_>>(), "cleared_s": cleared,
                }),
                Finding::Waited { wait } => json!({ "kind": "waited", "decision": taken(aa.waits[*wait].taken) }),
            };
            let (text, action) = area(session, aa, &a.finding, lang);
            v["text"] = json!(text);
            v["action"] = json!(action);
            v["owners"] = json!(a.owners);
            v["priority"] = json!(a.priority);
            v["due"] = json!(due(&r.header.created, 30 * i64::from(a.priority), lang));
            v
        })
        .collect();
    let o = &aa.overview;
    json!({
        "exercise": session.exercise.title,
        "scenario": session.scenario().name,
        "journal": r.journal,
        "seed": r.header.seed,
        "created": r.header.created,
        "ended": session.ended,
        "start_s": session.exercise.start,
        "end_s": session.now(),
        "overview": {
            "injects_timed": o.timed,
            "injects_contingency": o.contingency,
            "decisions": session.decisions.len(),
            "evaluations": o.evaluations,
            "notes": o.notes,
            "crisis_level": o.crisis.map(|(l, _)| l),
        },
        "objectives": objectives,
        "processes": processes,
        "data": aa.outcome.data.iter().map(|x| json!({ "id": service(x.service), "loss_s": x.loss })).collect::<Vec<_>>(),
        "waits": waits,
        "comparison": comparison,
        "strengths": strengths,
        "areas": areas,
    })
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

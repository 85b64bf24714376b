//! `reprise recover` and `reprise runbook`: the recovery order with the
//! staff the plan has, and the documents each team prints.

use std::path::{Path, PathBuf};
use std::time::{Duration as WallDuration, Instant};

use super::{Format, Global, Io, exit, prepare};
use crate::analysis;
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::model::{Plan, TeamId};
use crate::recovery::{self, Budget, RecoveryPlan, Situation};
use crate::render::{doc, recovery as report};

/// How long the scheduler searches: a number of schedules (reproducible) or
/// a wall-clock time such as `2s` (depends on the machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBudget {
    Schedules(u64),
    Time(WallDuration),
}

impl std::str::FromStr for SearchBudget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Ok(n) = s.parse::<u64>() {
            return Ok(SearchBudget::Schedules(n.max(1)));
        }
        s.parse::<crate::model::Duration>()
            .map(|d| SearchBudget::Time(WallDuration::from_secs(d.as_secs().max(1))))
            .map_err(|_| format!("`{s}`: write a number of schedules (20000) or a time (2s, 1m)"))
    }
}

/// Schedules the baseline recovery within the budget.
fn schedule(
    plan: &Plan,
    budget: SearchBudget,
    seed: u64,
) -> Result<RecoveryPlan, recovery::ProblemError> {
    let graph = DependencyGraph::new(plan);
    let situation = Situation::total_loss(plan);
    let started = Instant::now();
    let (schedules, limit) = match budget {
        SearchBudget::Schedules(n) => (n, None),
        SearchBudget::Time(d) => (u64::MAX, Some(d)),
    };
    let stop = || limit.is_some_and(|d| started.elapsed() >= d);
    let options = recovery::Options {
        seed,
        ..Default::default()
    };
    let rp = recovery::recover(
        plan,
        &graph,
        &situation,
        options,
        &Budget {
            schedules,
            stop: &stop,
        },
    )?;
    tracing::info!(
        schedules = rp.generated,
        makespan_s = rp.makespan,
        "recovery scheduled"
    );
    Ok(rp)
}

fn assumptions(plan: &Plan, rp: &RecoveryPlan, seed: u64, lang: Lang) -> Vec<String> {
    let teams = plan
        .teams
        .iter()
        .map(|t| format!("{} {}", t.id, t.capacity))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::En => vec![
            "Situation: total loss of the information system at T0 (every service down, nothing destroyed).".into(),
            format!("People available per team: {teams}."),
            "Each service is restored with its plan duration once what it needs is up; a cycle (Active Directory and its DNS) is restored member after member, in plan order.".into(),
            format!("Order computed by a genetic algorithm over {} schedules (seed {seed}): first as few processes past their DMIA as possible (weighted by criticality), then the least weighted lateness, then the shortest total time.", rp.generated),
        ],
        Lang::Fr => vec![
            "Situation : perte totale du système d'information à T0 (tous les services arrêtés, rien de détruit).".into(),
            format!("Effectifs disponibles par équipe : {teams}."),
            "Chaque service est restauré avec la durée du plan une fois rétabli ce dont il dépend ; un cycle (Active Directory et son DNS) est restauré membre après membre, dans l'ordre du plan.".into(),
            format!("Ordre calculé par un algorithme génétique sur {} ordonnancements (graine {seed}) : d'abord le moins de processus au-delà de leur DMIA (pondérés par criticité), puis le moindre retard pondéré, puis la durée totale la plus courte.", rp.generated),
        ],
    }
}

pub fn recover(
    global: &Global,
    path: &Path,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> std::io::Result<i32> {
    let (format, plan) = match prepare(
        global,
        "recover",
        &[Format::Table, Format::Json, Format::Markdown, Format::Html],
        path,
        io,
    )? {
        Ok(ready) => ready,
        Err(code) => return Ok(code),
    };
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let rp = match schedule(plan, budget, seed) {
        Ok(rp) => rp,
        Err(e) => {
            writeln!(io.err, "error: cannot schedule the recovery: {e}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *io.out, &report::json(plan, &rp))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let d = report::global(plan, &rp, &assumptions(plan, &rp, seed, lang), false, lang);
    let text = match format {
        Format::Markdown => doc::markdown(&d),
        Format::Html => doc::html(&d),
        _ => doc::terminal(&d),
    };
    io.out.write_all(text.as_bytes())?;
    Ok(exit::OK)
}

pub fn runbook(
    global: &Global,
    path: &Path,
    out: &Path,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> std::io::Result<i32> {
    let (format, plan) = match prepare(
        global,
        "runbook",
        &[Format::Markdown, Format::Html],
        path,
        io,
    )? {
        Ok(ready) => ready,
        Err(code) => return Ok(code),
    };
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let rp = match schedule(plan, budget, seed) {
        Ok(rp) => rp,
        Err(e) => {
            writeln!(io.err, "error: cannot schedule the recovery: {e}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let graph = DependencyGraph::new(plan);
    let a = analysis::analyze(plan, &graph, analysis::Options::default());
    let (ext, render): (&str, fn(&doc::Doc) -> String) = match format {
        Format::Html => ("html", doc::html),
        _ => ("md", doc::markdown),
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    files.push((
        out.join(format!("index.{ext}")),
        render(&report::global(
            plan,
            &rp,
            &assumptions(plan, &rp, seed, lang),
            true,
            lang,
        )),
    ));
    for (i, team) in plan.teams.iter().enumerate() {
        files.push((
            out.join(format!("team-{}.{ext}", team.id)),
            render(&report::team(plan, &rp, TeamId(i as u32), lang)),
        ));
    }
    for s in plan.service_ids() {
        let impact = analysis::state::propagate(plan, &graph, &[s.index()]);
        files.push((
            out.join("services")
                .join(format!("{}.{ext}", plan.service(s).id)),
            render(&report::sheet(plan, &rp, &a, &impact, s, lang)),
        ));
    }
    for (file, text) in &files {
        if let Err(e) = crate::output::write_atomic(file, text.as_bytes()) {
            writeln!(io.err, "error: cannot write `{}`: {e}", file.display())?;
            return Ok(exit::BAD_INPUT);
        }
    }
    writeln!(
        io.err,
        "wrote {} files to {} (index, {} team runbooks, {} service sheets)",
        files.len(),
        out.display(),
        plan.teams.len(),
        plan.services.len()
    )?;
    Ok(exit::OK)
}

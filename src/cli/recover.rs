//! `reprise recover` and `reprise runbook`: the recovery order with the
//! staff the plan has, and the documents each team prints.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{
    CliError, Format, Global, Io, exit, pick_format, prepare, print_diagnostics, write_doc,
};
use crate::analysis;
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::model::{Plan, TeamId};
use crate::recovery::{self, Budget, RecoveryOrder, Situation};
use crate::render::{doc, recovery as report};
use crate::scenario::{self, Scenario};

/// How long the scheduler searches: a number of schedules (reproducible) or
/// a wall-clock time such as `2s` (depends on the machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBudget {
    Schedules(u64),
    Time(Duration),
}

impl std::str::FromStr for SearchBudget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Ok(n) = s.parse::<u64>() {
            return Ok(SearchBudget::Schedules(n.max(1)));
        }
        s.parse::<crate::model::SimDuration>()
            .map(|d| SearchBudget::Time(Duration::from_secs(d.as_secs().max(1))))
            .map_err(|_| format!("`{s}`: write a number of schedules (20000) or a time (2s, 1m)"))
    }
}

/// What a command works on once its input is read.
type Ready = (Format, Plan, Situation, Option<Scenario>);

/// What to recover from: the plan's total loss, or what a scenario does.
pub struct Source<'a> {
    pub plan: Option<&'a Path>,
    pub scenario: Option<&'a Path>,
}

/// The plan, the situation to recover from, and how to describe it; `Err`
/// carries the exit code after the problems were printed.
fn situation(
    global: &Global,
    command: &str,
    accepted: &[Format],
    source: &Source,
    io: &mut Io,
    seed: u64,
) -> Result<Ready, CliError> {
    let Some(scenario_path) = source.scenario else {
        let Some(path) = source.plan else {
            writeln!(io.err, "error: name a plan, or a scenario with --scenario")?;
            return Err(CliError::Exit(exit::BAD_INPUT));
        };
        let (format, plan) = prepare(global, command, accepted, path, io)?;
        let situation = Situation::total_loss(&plan);
        return Ok((format, plan, situation, None));
    };
    let Some(format) = pick_format(global, command, accepted, io)? else {
        return Err(CliError::Exit(exit::BAD_INPUT));
    };
    let (scenario, plan) = read_scenario(scenario_path, io)?;
    if let Some(path) = source.plan {
        let same = path.canonicalize().ok() == scenario.plan_path.canonicalize().ok();
        if !same {
            writeln!(
                io.err,
                "error: the scenario is written for `{}`, not `{}`; leave out the plan or name that one",
                scenario.plan_path.display(),
                path.display()
            )?;
            return Err(CliError::Exit(exit::BAD_INPUT));
        }
    }
    let (situation, _) = crate::simulation::foresight(&scenario, &plan, seed);
    Ok((format, plan, situation, Some(scenario)))
}

/// Reads a scenario and its plan, printing every problem of either; `Err`
/// carries the exit code.
pub(super) fn read_scenario(path: &Path, io: &mut Io) -> Result<(Scenario, Plan), CliError> {
    let mut loaded = scenario::load(path);
    for d in &loaded.document.diagnostics {
        io.err
            .write_all(d.render(&loaded.document.sources).as_bytes())?;
    }
    if let Some(plan) = &loaded.plan
        && plan.has_errors()
    {
        print_diagnostics(plan, io.err)?;
    }
    match (
        loaded.scenario.take(),
        loaded.plan.take().and_then(|l| l.plan),
    ) {
        (Some(scenario), Some(plan)) => Ok((scenario, plan)),
        _ => {
            writeln!(
                io.err,
                "error: the scenario or its plan has errors; nothing was done"
            )?;
            Err(CliError::Exit(exit::BAD_INPUT))
        }
    }
}

/// Schedules the recovery, or says why it cannot be; `Err` carries the exit
/// code.
fn scheduled(
    plan: &Plan,
    situation: &Situation,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> Result<RecoveryOrder, CliError> {
    match schedule(plan, situation, budget, seed) {
        Ok(rp) => Ok(rp),
        Err(e) => {
            writeln!(io.err, "error: cannot schedule the recovery: {e}")?;
            Err(CliError::Exit(exit::BAD_INPUT))
        }
    }
}

/// Schedules the recovery within the budget.
fn schedule(
    plan: &Plan,
    situation: &Situation,
    budget: SearchBudget,
    seed: u64,
) -> Result<RecoveryOrder, recovery::ProblemError> {
    let graph = DependencyGraph::new(plan);
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
        situation,
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

pub fn recover(
    global: &Global,
    source: &Source,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> Result<i32, CliError> {
    let accepted = [Format::Table, Format::Json, Format::Markdown, Format::Html];
    let (format, plan, situation, scenario) =
        situation(global, "recover", &accepted, source, io, seed)?;
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let rp = scheduled(plan, &situation, budget, seed, io)?;
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *io.out, &report::json(plan, &rp))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let d = report::global(
        plan,
        &rp,
        &report::assumptions(plan, scenario.as_ref(), &rp, seed, lang),
        false,
        lang,
    );
    write_doc(format, &d, io)?;
    Ok(exit::OK)
}

pub fn runbook(
    global: &Global,
    source: &Source,
    out: &Path,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> Result<i32, CliError> {
    let accepted = [Format::Markdown, Format::Html];
    let (format, plan, situation, scenario) =
        situation(global, "runbook", &accepted, source, io, seed)?;
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let rp = scheduled(plan, &situation, budget, seed, io)?;
    let graph = DependencyGraph::new(plan);
    let a = analysis::analyze(plan, &graph, analysis::Options::default());
    let (ext, render): (&str, fn(&doc::Doc) -> String) = match format {
        Format::Html => ("html", doc::html),
        _ => ("md", doc::markdown),
    };
    let assumptions = report::assumptions(plan, scenario.as_ref(), &rp, seed, lang);
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    files.push((
        out.join(format!("index.{ext}")),
        render(&report::global(plan, &rp, &assumptions, true, lang)),
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

//! `reprise simulate`: one run of a scenario, as a timeline.

use std::path::Path;

use super::recover::SearchBudget;
use super::{CliError, Format, Global, Io, exit, pick_format, write_doc};
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::recovery::{self, Budget};
use crate::render::simulation as report;
use crate::simulation::SCHEDULES;

pub fn run(
    global: &Global,
    path: &Path,
    runs: u64,
    threads: Option<usize>,
    budget: Option<SearchBudget>,
    seed: u64,
    io: &mut Io,
) -> Result<i32, CliError> {
    let Some(format) = pick_format(
        global,
        "simulate",
        &[Format::Table, Format::Json, Format::Markdown, Format::Html],
        io,
    )?
    else {
        return Ok(exit::BAD_INPUT);
    };
    let (scenario, plan) = super::recover::read_scenario(path, io)?;
    let graph = DependencyGraph::new(&plan);
    let schedules = match budget.unwrap_or(SearchBudget::Schedules(SCHEDULES)) {
        SearchBudget::Schedules(n) => n,
        // The simulation must be reproducible: a time budget would not be.
        SearchBudget::Time(_) => {
            writeln!(
                io.err,
                "error: `simulate` takes a number of schedules as --budget, so that a seed gives the same run"
            )?;
            return Ok(exit::BAD_INPUT);
        }
    };
    if runs > 1 {
        return monte_carlo(
            global, format, &plan, &graph, &scenario, runs, threads, schedules, seed, io,
        );
    }
    let never = || false;
    let result = crate::simulation::run(
        &plan,
        &graph,
        &scenario,
        recovery::Options {
            seed,
            ..Default::default()
        },
        &Budget {
            schedules,
            stop: &never,
        },
    );
    let run = result;
    if let Some(w) = report::warning(&scenario, &run, Lang::from(global.lang)) {
        writeln!(io.err, "{w}")?;
    }
    if format == Format::Json {
        serde_json::to_writer_pretty(
            &mut *io.out,
            &report::json(&plan, &scenario, &run, schedules),
        )?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let d = report::report(&plan, &scenario, &run, Lang::from(global.lang));
    write_doc(format, &d, io)?;
    Ok(exit::OK)
}

#[allow(clippy::too_many_arguments)]
fn monte_carlo(
    global: &Global,
    format: Format,
    plan: &crate::model::Plan,
    graph: &DependencyGraph,
    scenario: &crate::scenario::Scenario,
    runs: u64,
    threads: Option<usize>,
    schedules: u64,
    seed: u64,
    io: &mut Io,
) -> Result<i32, CliError> {
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            writeln!(io.err, "error: cannot start the threads: {e}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let bar = if io.progress {
        let bar = indicatif::ProgressBar::new(runs);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} runs ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let per_run = schedules;
    let result = pool.install(|| {
        crate::simulation::monte_carlo::simulate(
            plan,
            graph,
            scenario,
            runs,
            seed,
            per_run,
            &|| bar.inc(1),
        )
    });
    bar.finish_and_clear();
    let stats = result;
    if format == Format::Json {
        serde_json::to_writer_pretty(
            &mut *io.out,
            &report::monte_carlo_json(plan, scenario, &stats, seed),
        )?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let d = report::monte_carlo(plan, scenario, &stats, seed, Lang::from(global.lang));
    write_doc(format, &d, io)?;
    Ok(exit::OK)
}

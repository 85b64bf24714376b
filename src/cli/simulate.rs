//! `reprise simulate`: one run of a scenario, as a timeline.

use std::path::Path;

use super::recover::SearchBudget;
use super::{Format, Global, Io, exit, pick_format};
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::recovery::{self, Budget};
use crate::render::{doc, simulation as report};

pub fn run(
    global: &Global,
    path: &Path,
    budget: SearchBudget,
    seed: u64,
    io: &mut Io,
) -> std::io::Result<i32> {
    let Some(format) = pick_format(
        global,
        "simulate",
        &[Format::Table, Format::Json, Format::Markdown, Format::Html],
        io,
    )?
    else {
        return Ok(exit::BAD_INPUT);
    };
    let (scenario, plan) = match super::recover::read_scenario(path, io)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let graph = DependencyGraph::new(&plan);
    let schedules = match budget {
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
    let run = match result {
        Ok(run) => run,
        Err(e) => {
            writeln!(io.err, "error: cannot schedule the recovery: {e}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *io.out, &report::json(&plan, &scenario, &run))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let d = report::report(&plan, &scenario, &run, Lang::from(global.lang));
    let text = match format {
        Format::Markdown => doc::markdown(&d),
        Format::Html => doc::html(&d),
        _ => doc::terminal(&d),
    };
    io.out.write_all(text.as_bytes())?;
    Ok(exit::OK)
}

//! `reprise analyze` and `reprise impact`: the continuity analysis of a
//! plan, and what a given failure takes down.

use std::path::Path;

use super::{CliError, Format, Global, Io, exit, prepare};
use crate::analysis::{self, impact};
use crate::graph::DependencyGraph;
use crate::i18n::Lang;
use crate::render::{TableStyle, analysis as report};

const FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Markdown];

fn style(format: Format) -> TableStyle {
    if format == Format::Markdown {
        TableStyle::Markdown
    } else {
        TableStyle::Terminal
    }
}

pub fn analyze(
    global: &Global,
    path: &Path,
    max_order: usize,
    strict: bool,
    io: &mut Io,
) -> Result<i32, CliError> {
    let (format, plan) = prepare(global, "analyze", FORMATS, path, io)?;
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let graph = DependencyGraph::new(plan);
    let a = analysis::analyze(plan, &graph, analysis::Options { max_order });
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *io.out, &report::analysis_json(plan, &a, lang))?;
            writeln!(io.out)?;
        }
        f => io
            .out
            .write_all(report::report(plan, &a, lang, style(f), max_order).as_bytes())?,
    }
    Ok(if strict && a.errors() > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

pub fn impact(
    global: &Global,
    path: &Path,
    targets: &[String],
    io: &mut Io,
) -> Result<i32, CliError> {
    let (format, plan) = prepare(global, "impact", FORMATS, path, io)?;
    let plan = &plan;
    let failure = match impact::failure(plan, targets) {
        Ok(failure) => failure,
        Err(message) => {
            writeln!(io.err, "error: {message}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let graph = DependencyGraph::new(plan);
    let result = impact::impact(plan, &graph, &failure.services, &failure.isolated);
    let lang = Lang::from(global.lang);
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *io.out, &report::impact_json(plan, &result))?;
            writeln!(io.out)?;
        }
        f => io
            .out
            .write_all(report::impact_report(plan, &result, targets, lang, style(f)).as_bytes())?,
    }
    Ok(exit::OK)
}

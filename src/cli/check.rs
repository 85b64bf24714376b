//! `reprise check`: every error and warning of a plan, and a verdict.

use std::path::Path;

use serde::Serialize;

use super::{CliError, Format, Global, Io, exit, pick_format, write_diagnostic};
use crate::diag::DiagnosticJson;
use crate::load::load_plan;

#[derive(Serialize)]
struct Report<'a> {
    plan: Option<&'a str>,
    valid: bool,
    errors: usize,
    warnings: usize,
    files: Vec<String>,
    counts: Option<Counts>,
    diagnostics: Vec<DiagnosticJson>,
}

#[derive(Serialize)]
struct Counts {
    entities: usize,
    sites: usize,
    zones: usize,
    teams: usize,
    suppliers: usize,
    services: usize,
    processes: usize,
}

pub fn run(global: &Global, path: &Path, strict: bool, io: &mut Io) -> Result<i32, CliError> {
    let Some(format) = pick_format(
        global,
        "check",
        &[Format::Table, Format::Json, Format::Markdown],
        io,
    )?
    else {
        return Ok(exit::BAD_INPUT);
    };
    let loaded = load_plan(path);
    let errors = loaded.errors().count();
    let warnings = loaded.diagnostics.len() - errors;
    let plan = loaded.plan.as_ref();
    let report = Report {
        plan: plan.map(|p| p.name.as_str()),
        valid: errors == 0,
        errors,
        warnings,
        files: (0..loaded.sources.len())
            .map(|i| {
                loaded
                    .sources
                    .path(crate::diag::FileId(i as u32))
                    .display()
                    .to_string()
            })
            .collect(),
        counts: plan.map(|p| Counts {
            entities: p.entities.len(),
            sites: p.sites.len(),
            zones: p.zones.len(),
            teams: p.teams.len(),
            suppliers: p.suppliers.len(),
            services: p.services.len(),
            processes: p.processes.len(),
        }),
        diagnostics: loaded
            .diagnostics
            .iter()
            .map(|d| d.to_json(&loaded.sources))
            .collect(),
    };
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *io.out, &report)?;
            writeln!(io.out)?;
        }
        Format::Markdown => {
            writeln!(
                io.out,
                "# Plan check: {}\n",
                report.plan.unwrap_or("(invalid plan)")
            )?;
            writeln!(io.out, "{}\n", verdict(&report))?;
            for d in &report.diagnostics {
                let place = match (&d.file, d.line, d.column) {
                    (Some(f), Some(l), Some(c)) => format!("`{f}:{l}:{c}` "),
                    _ => String::new(),
                };
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" — {h}"))
                    .unwrap_or_default();
                writeln!(
                    io.out,
                    "- **{:?}** `{}` {place}{}{help}",
                    d.severity, d.code, d.message
                )?;
            }
        }
        _ => {
            for d in &loaded.diagnostics {
                write_diagnostic(d, &loaded, io.err)?;
            }
            if let Some(c) = &report.counts {
                writeln!(
                    io.out,
                    "plan `{}`: {} file{}, {} services, {} processes, {} teams, {} sites",
                    report.plan.unwrap_or_default(),
                    report.files.len(),
                    if report.files.len() == 1 { "" } else { "s" },
                    c.services,
                    c.processes,
                    c.teams,
                    c.sites
                )?;
            }
            writeln!(io.out, "{}", verdict(&report))?;
        }
    }
    Ok(if errors > 0 {
        exit::BAD_INPUT
    } else if strict && warnings > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn verdict(r: &Report) -> String {
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if r.valid {
        format!("valid, {}", count(r.warnings, "warning"))
    } else {
        format!(
            "invalid: {}, {}",
            count(r.errors, "error"),
            count(r.warnings, "warning")
        )
    }
}

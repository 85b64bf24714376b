//! `reprise check`: every error and warning of a plan, and a verdict.

use std::path::Path;

use super::{CliError, Format, Global, Io, exit, pick_format, write_diagnostic};
use crate::load::load_plan;
use crate::render::check::{Report, verdict};

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
    let report = Report::of(&loaded);
    let (errors, warnings) = (report.errors, report.warnings);
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *io.out, &report)?;
            writeln!(io.out)?;
        }
        Format::Markdown => write!(io.out, "{}", report.markdown())?,
        _ => {
            for d in &loaded.diagnostics {
                write_diagnostic(d, &loaded, io.err)?;
            }
            if let Some(line) = report.summary() {
                writeln!(io.out, "{line}")?;
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

//! `reprise show`: the plan as tables of processes, services and teams.

use std::path::Path;

use super::{CliError, Format, Global, Io, ShowWhat, exit, prepare};
use crate::i18n::Lang;
use crate::render::TableStyle;
use crate::render::plan::{self, Parts};

pub fn run(global: &Global, path: &Path, what: ShowWhat, io: &mut Io) -> Result<i32, CliError> {
    let (format, plan) = prepare(
        global,
        "show",
        &[Format::Table, Format::Json, Format::Markdown],
        path,
        io,
    )?;
    let wants = |w: ShowWhat| what == ShowWhat::All || what == w;
    let parts = Parts {
        processes: wants(ShowWhat::Processes),
        services: wants(ShowWhat::Services),
        teams: wants(ShowWhat::Teams),
    };
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *io.out, &plan::json(&plan, parts))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let style = if format == Format::Markdown {
        TableStyle::Markdown
    } else {
        TableStyle::Terminal
    };
    write!(
        io.out,
        "{}",
        plan::tables(&plan, parts, style, Lang::from(global.lang))
    )?;
    Ok(exit::OK)
}

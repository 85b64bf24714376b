//! `reprise show`: the plan as tables of processes, services and teams.

use std::path::Path;

use super::{CliError, Format, Global, Io, ShowWhat, exit, prepare};
use crate::i18n::Lang;
use crate::render::TableStyle;
use crate::render::bia;
use crate::render::plan::{self, Parts};

pub fn run(global: &Global, path: &Path, what: ShowWhat, io: &mut Io) -> Result<i32, CliError> {
    let (format, plan) = prepare(
        global,
        "show",
        &[
            Format::Table,
            Format::Json,
            Format::Markdown,
            Format::Csv,
            Format::Xlsx,
        ],
        path,
        io,
    )?;
    let lang = Lang::from(global.lang);
    if matches!(format, Format::Csv | Format::Xlsx) {
        if !matches!(what, ShowWhat::All | ShowWhat::Processes) {
            writeln!(
                io.err,
                "error: --format csv and xlsx write the processes as a BIA sheet; use --what processes"
            )?;
            return Ok(exit::BAD_INPUT);
        }
        let rows = bia::rows(&plan, lang);
        let bytes = if format == Format::Csv {
            bia::csv(&rows, lang)
        } else {
            bia::xlsx(&rows, lang).map_err(std::io::Error::other)?
        };
        io.out.write_all(&bytes)?;
        return Ok(exit::OK);
    }
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
    write!(io.out, "{}", plan::tables(&plan, parts, style, lang))?;
    Ok(exit::OK)
}

//! `reprise import bia` and `reprise bia template`.

use std::path::Path;

use super::{CliError, Io, exit, load_valid};
use crate::i18n::Lang;
use crate::import::bia::{self, Bia};
use crate::import::table;
use crate::render;

/// Reads a BIA spreadsheet and writes (or, with `dry_run`, compares) the
/// plan file of its processes.
pub fn bia(
    file: &Path,
    plan: Option<&Path>,
    sheet: Option<&str>,
    out: &Path,
    dry_run: bool,
    io: &mut Io,
) -> Result<i32, CliError> {
    // A file this import did not write is hand-written knowledge: never
    // replaced.
    if let Ok(old) = std::fs::read_to_string(out)
        && !old.is_empty()
        && !old.starts_with(bia::GENERATED)
    {
        writeln!(
            io.err,
            "error[bia-out]: `{}` was not written by `reprise import bia`: it is not replaced\n  = help: give --out a file of its own (the default is bia.yaml), and include it from the plan",
            out.display()
        )?;
        return Ok(exit::BAD_INPUT);
    }
    let tables = match table::read(file) {
        Ok(t) => t,
        Err(why) => {
            writeln!(io.err, "error[bia-read]: {why}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let loaded = match plan {
        Some(p) => Some(load_valid(p, io)?),
        None => None,
    };
    let plan = loaded.as_ref().and_then(|l| l.plan.as_ref());
    let bia = match bia::read(&tables, sheet, plan) {
        Ok(b) => b,
        Err(problems) => {
            for p in &problems {
                writeln!(io.err, "{}: {p}", file.display())?;
            }
            let n = problems.len();
            writeln!(
                io.err,
                "error: {n} problem{} in `{}`; nothing was written",
                if n == 1 { "" } else { "s" },
                file.display()
            )?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = bia::yaml(&bia, &source, plan);
    for note in &bia.notes {
        writeln!(io.err, "note: sheet `{}`, {note}", bia.sheet)?;
    }
    if plan.is_none() {
        writeln!(
            io.err,
            "note: supporting applications were not checked against a plan (give --plan): `reprise check` will say which the plan lacks"
        )?;
    }
    if dry_run {
        let old = std::fs::read_to_string(out).unwrap_or_default();
        let changes = bia::changes(&old, &text);
        if changes.is_empty() {
            writeln!(io.out, "{}: no change", out.display())?;
        }
        for (change, origin) in changes {
            let word = match change {
                bia::Change::Added => "added  ",
                bia::Change::Changed => "changed",
                bia::Change::Removed => "removed",
            };
            writeln!(io.out, "{word}  {origin}")?;
        }
        return Ok(exit::OK);
    }
    crate::output::write_atomic(out, text.as_bytes())?;
    summary(&bia, out, io)?;
    Ok(exit::OK)
}

fn summary(bia: &Bia, out: &Path, io: &mut Io) -> std::io::Result<()> {
    // What the spreadsheet leaves for the plan's author to complete.
    for r in &bia.rows {
        let (sheet, row) = &r.at;
        if r.applications.is_empty() {
            writeln!(
                io.err,
                "to complete: `{}` (sheet `{sheet}`, row {row}) names no supporting application: it depends on nothing in the plan, so no failure reaches it",
                r.id
            )?;
        }
        if r.owner.is_none() {
            writeln!(
                io.err,
                "to complete: `{}` (sheet `{sheet}`, row {row}) has no owner to sign its BIA",
                r.id
            )?;
        }
    }
    let n = bia.rows.len();
    writeln!(
        io.err,
        "wrote {}: {n} process{} from sheet `{}`; include it from your plan (`include: [{}]`), then `reprise check`",
        out.display(),
        if n == 1 { "" } else { "es" },
        bia.sheet,
        out.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// Writes the blank workbook `import bia` reads (or its CSV header).
/// The headers are in the language of `--lang`; both read back.
pub fn template(out: &Path, lang: Lang, io: &mut Io) -> Result<i32, CliError> {
    let is_csv = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bytes = if is_csv {
        render::bia::csv(&[], lang)
    } else {
        render::bia::xlsx(&[], lang).map_err(std::io::Error::other)?
    };
    crate::output::write_atomic(out, &bytes)?;
    writeln!(
        io.err,
        "wrote {}: one row per process under the headers, then `reprise import bia {}`",
        out.display(),
        out.display()
    )?;
    Ok(exit::OK)
}

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
        let changes = diff(&old, &text);
        if changes.is_empty() {
            writeln!(io.out, "{}: no change", out.display())?;
        }
        for c in changes {
            writeln!(io.out, "{c}")?;
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

/// The entries of an imported file by origin: the lines of each.
fn entries(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut block = String::new();
    let flush = |block: &mut String, out: &mut Vec<(String, String)>| {
        if let Some(origin) = block
            .lines()
            .find_map(|l| l.trim().strip_prefix("origin: "))
        {
            out.push((origin.trim_matches('"').to_string(), std::mem::take(block)));
        }
        block.clear();
    };
    for line in text.lines() {
        let entry_start = line.starts_with("  ") && !line.starts_with("   ");
        if entry_start || !line.starts_with(' ') {
            flush(&mut block, &mut out);
        }
        if line.starts_with(' ') {
            block.push_str(line);
            block.push('\n');
        }
    }
    flush(&mut block, &mut out);
    out
}

/// What an import would change in the file it writes, entry by entry.
fn diff(old: &str, new: &str) -> Vec<String> {
    let (old, new) = (entries(old), entries(new));
    let mut out = Vec::new();
    for (origin, text) in &new {
        match old.iter().find(|(o, _)| o == origin) {
            None => out.push(format!("added    {origin}")),
            Some((_, t)) if t != text => out.push(format!("changed  {origin}")),
            Some(_) => {}
        }
    }
    for (origin, _) in &old {
        if !new.iter().any(|(o, _)| o == origin) {
            out.push(format!("removed  {origin}"));
        }
    }
    out
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

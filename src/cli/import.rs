//! `reprise import bia` and `reprise bia template`.

use std::path::Path;

use super::{CliError, Io, exit, load_valid};
use crate::import::bia::{self, Bia};
use crate::import::table;

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

/// The headers of the template, in its column order, and their widths.
const TEMPLATE: [(&str, f64); 9] = [
    ("Identifiant", 16.0),
    ("Processus", 32.0),
    ("Entité", 22.0),
    ("Propriétaire", 22.0),
    ("Criticité", 14.0),
    ("DMIA", 10.0),
    ("PDMA", 10.0),
    ("Applications supports", 40.0),
    ("Description", 40.0),
];

/// Writes the blank workbook `import bia` reads (or its CSV header).
pub fn template(out: &Path, io: &mut Io) -> Result<i32, CliError> {
    let is_csv = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bytes = if is_csv {
        let headers: Vec<&str> = TEMPLATE.iter().map(|(h, _)| *h).collect();
        format!("{}\n", headers.join(";")).into_bytes()
    } else {
        workbook().map_err(std::io::Error::other)?
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

fn workbook() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("BIA")?;
    for (c, (header, width)) in TEMPLATE.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *header, &bold)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let levels = DataValidation::new().allow_list_strings(&[
        "vitale",
        "essentielle",
        "importante",
        "différable",
    ])?;
    sheet.add_data_validation(1, 4, 2_000, 4, &levels)?;
    let help = book.add_worksheet();
    help.set_name("Aide")?;
    help.set_column_width(0, 24.0)?;
    help.set_column_width(1, 90.0)?;
    let lines = [
        ("Colonne / Column", "Ce qu'elle contient / What it holds"),
        (
            "Identifiant",
            "Facultatif : l'id du processus (lettres, chiffres, - _ .) ; sinon tiré du nom. Optional: the process id; else made from the name.",
        ),
        (
            "Processus",
            "Obligatoire : le nom du processus métier. Required: the process's name.",
        ),
        (
            "Entité",
            "Obligatoire : la collectivité qui porte le processus. Required: the entity that owns it.",
        ),
        (
            "Propriétaire",
            "Le responsable métier qui signe. The business owner who signs.",
        ),
        (
            "Criticité",
            "Obligatoire : vitale, essentielle, importante ou différable (vital, essential, important, deferrable).",
        ),
        (
            "DMIA",
            "Obligatoire : durée maximale d'interruption admissible (MTPD), p. ex. 4 h, 2 j, 1 semaine, 72 heures, 1h30.",
        ),
        (
            "PDMA",
            "Perte de données maximale admissible (RPO), même écriture. Maximum tolerable data loss, same forms.",
        ),
        (
            "Applications supports",
            "Les services du plan dont il dépend, par id ou par nom, séparés par des virgules. Supporting services, comma-separated.",
        ),
        ("Description", "Texte libre. Free text."),
    ];
    for (r, (a, b)) in lines.iter().enumerate() {
        let r = r as u32;
        if r == 0 {
            help.write_string_with_format(r, 0, *a, &bold)?;
            help.write_string_with_format(r, 1, *b, &bold)?;
        } else {
            help.write_string(r, 0, *a)?;
            help.write_string(r, 1, *b)?;
        }
    }
    book.save_to_buffer()
}

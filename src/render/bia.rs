//! The plan's processes as the BIA spreadsheet business owners review and
//! sign: the columns `reprise import bia` reads, so that an edited sheet
//! reads back. CSV (semicolons in French, as a French spreadsheet opens
//! them; commas in English) or XLSX.

use crate::i18n::{Lang, t};
use crate::model::{Dependency, Plan};

/// The BIA's headers in `lang`, each with its column width in the
/// workbook: the template's and the export's, all read back by the
/// importer.
pub fn headers(lang: Lang) -> [(&'static str, f64); 9] {
    [
        (t(lang, "Id", "Identifiant"), 16.0),
        (t(lang, "Process", "Processus"), 32.0),
        (t(lang, "Entity", "Entité"), 22.0),
        (t(lang, "Owner", "Propriétaire"), 22.0),
        (t(lang, "Criticality", "Criticité"), 14.0),
        (t(lang, "MTPD", "DMIA"), 10.0),
        (t(lang, "RPO", "PDMA"), 10.0),
        (
            t(lang, "Supporting applications", "Applications supports"),
            40.0,
        ),
        (t(lang, "Description", "Description"), 40.0),
    ]
}

/// One row per process, in plan order: id, name, the entity's name, owner,
/// criticality, DMIA, PDMA, the services it names (hard, soft and group
/// members alike, by id), description.
pub fn rows(plan: &Plan, lang: Lang) -> Vec<[String; 9]> {
    plan.processes
        .iter()
        .map(|p| {
            let mut services: Vec<&str> = Vec::new();
            for d in &p.depends_on {
                let ids: Vec<_> = match d {
                    Dependency::Hard(s) | Dependency::Soft(s) => vec![*s],
                    Dependency::Group(g) => g.of.clone(),
                };
                for s in ids {
                    let id = plan.service(s).id.as_str();
                    if !services.contains(&id) {
                        services.push(id);
                    }
                }
            }
            [
                p.id.clone(),
                p.name.clone(),
                plan.entities[p.entity.index()].name.clone(),
                p.owner.clone().unwrap_or_default(),
                p.criticality.label(lang).to_string(),
                p.mtpd.to_string(),
                p.rpo.map(|r| r.to_string()).unwrap_or_default(),
                services.join(", "),
                p.description.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// The header and `rows` as CSV.
pub fn csv(rows: &[[String; 9]], lang: Lang) -> Vec<u8> {
    let delimiter = if lang == Lang::Fr { b';' } else { b',' };
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let head: Vec<&str> = headers(lang).iter().map(|(h, _)| *h).collect();
    // Writing to memory cannot fail.
    let _ = w.write_record(&head);
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// The header and `rows` as a workbook: the sheet `BIA` (criticality from
/// a drop-down list, the header frozen) and a help sheet.
pub fn xlsx(rows: &[[String; 9]], lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("BIA")?;
    for (c, (header, width)) in headers(lang).iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *header, &bold)?;
        sheet.set_column_width(c, *width)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string_with_format(r, c as u16, cell, &wrap)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let levels: Vec<&str> = crate::model::Criticality::ALL
        .iter()
        .map(|c| c.label(lang))
        .collect();
    let list = DataValidation::new().allow_list_strings(&levels)?;
    let last = (rows.len() as u32).max(2_000);
    sheet.add_data_validation(1, 4, last, 4, &list)?;

    let help = book.add_worksheet();
    help.set_name(t(lang, "Help", "Aide"))?;
    help.set_column_width(0, 24.0)?;
    help.set_column_width(1, 100.0)?;
    let h = headers(lang);
    let lines = [
        (
            h[0].0,
            t(
                lang,
                "Optional: the process id (letters, digits, - _ .); else made from the name.",
                "Facultatif : l'id du processus (lettres, chiffres, - _ .) ; sinon tiré du nom.",
            ),
        ),
        (
            h[1].0,
            t(
                lang,
                "Required: the business process's name.",
                "Obligatoire : le nom du processus métier.",
            ),
        ),
        (
            h[2].0,
            t(
                lang,
                "Required: the entity (city, metropolitan authority, commune) that owns it.",
                "Obligatoire : la collectivité qui porte le processus.",
            ),
        ),
        (
            h[3].0,
            t(
                lang,
                "The business owner who signs.",
                "Le responsable métier qui signe.",
            ),
        ),
        (
            h[4].0,
            t(
                lang,
                "Required: vital, essential, important or deferrable.",
                "Obligatoire : vitale, essentielle, importante ou différable.",
            ),
        ),
        (
            h[5].0,
            t(
                lang,
                "Required: maximum tolerable period of disruption, e.g. 4 h, 2 d, 1 week, 72 hours, 1h30.",
                "Obligatoire : durée maximale d'interruption admissible, p. ex. 4 h, 2 j, 1 semaine, 72 heures, 1h30.",
            ),
        ),
        (
            h[6].0,
            t(
                lang,
                "Maximum tolerable data loss, written the same way.",
                "Perte de données maximale admissible, même écriture.",
            ),
        ),
        (
            h[7].0,
            t(
                lang,
                "The plan's services it needs, by id or name, separated by commas.",
                "Les services du plan dont il dépend, par id ou par nom, séparés par des virgules.",
            ),
        ),
        (h[8].0, t(lang, "Free text.", "Texte libre.")),
    ];
    help.write_string_with_format(0, 0, t(lang, "Column", "Colonne"), &bold)?;
    help.write_string_with_format(0, 1, t(lang, "What it holds", "Ce qu'elle contient"), &bold)?;
    for (r, (a, b)) in lines.iter().enumerate() {
        help.write_string(r as u32 + 1, 0, *a)?;
        help.write_string(r as u32 + 1, 1, *b)?;
    }
    book.save_to_buffer()
}

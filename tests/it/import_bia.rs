//! `reprise import bia` and `reprise bia template` through the binary, on
//! workbooks written here with rust_xlsxwriter and on CSV files: a filled
//! BIA joins a copy of the example plan, which then checks and analyses;
//! the same source gives the same bytes; `--dry-run` says what changes;
//! bad cells are reported at their place, exit 2, and nothing is written.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use super::reprise;

/// Runs `reprise` in `dir`: (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = reprise().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A workbook of one sheet `BIA` holding `rows` (the first is the header
/// row), after a title row as BIA registers have.
fn workbook(path: &Path, rows: &[&[&str]]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("BIA").unwrap();
    sheet
        .write_string(0, 0, "Registre BIA — DSI mutualisée")
        .unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

const HEADER: &[&str] = &[
    "Processus",
    "Entité",
    "Propriétaire",
    "Criticité",
    "DMIA / MTPD",
    "PDMA (h)",
    "Applications supports",
];

/// `import bia bia.xlsx` against the copy of the example plan in `d`.
fn import_into(d: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "import",
        "bia",
        "bia.xlsx",
        "--plan",
        "territoire/plan.yaml",
    ];
    args.extend_from_slice(extra);
    run_in(d, &args)
}

/// A copy of the example plan in a temporary folder.
fn plan_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/territoire");
    copy_dir(&from, &dir.path().join("territoire"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_filled_bia_joins_the_example_plan_which_then_checks_and_analyses() {
    let dir = plan_copy();
    let d = dir.path();
    workbook(
        &d.join("bia.xlsx"),
        &[
            HEADER,
            &[
                "Concessions funéraires",
                "Ville de Nantes",
                "Mme Martin",
                "essentielle",
                "2 j",
                "24",
                "Pastell — orchestration des flux dématérialisés; pg-a",
            ],
            &[
                "Fourrière",
                "ville",
                "",
                "Importante",
                "1 semaine",
                "",
                "pg-a",
            ],
            &[
                "Archives numériques",
                "Syndicat des archives",
                "M. Roy",
                "différable",
                "72 heures",
                "",
                "",
            ],
        ],
    );
    let (code, _, err) = import_into(d, &["-o", "territoire/bia.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 processes from sheet `BIA`"), "{err}");
    assert!(err.contains("to complete: `archives-numeriques` (sheet `BIA`, row 5) names no supporting application"), "{err}");
    assert!(
        err.contains("to complete: `fourriere` (sheet `BIA`, row 4) has no owner"),
        "{err}"
    );
    let text = std::fs::read_to_string(d.join("territoire/bia.yaml")).unwrap();
    // Entities and services are matched to the plan by id or name; the one
    // entity the plan lacks is written, with its origin.
    assert!(text.contains("  concessions-funeraires:\n    name: \"Concessions funéraires\"\n    origin: \"bia:concessions-funeraires\"\n    entity: ville\n    criticality: essential\n    mtpd: 48h\n    rpo: 24h\n    owner: \"Mme Martin\"\n    depends_on: [pastell, pg-a]\n"), "{text}");
    assert!(text.contains("  fourriere:\n"), "{text}");
    assert!(text.contains("entities:\n  syndicat-des-archives:\n    name: \"Syndicat des archives\"\n    origin: \"bia:entity:syndicat-des-archives\"\n"), "{text}");
    assert!(
        !text.contains("  ville:"),
        "a known entity is not written again: {text}"
    );

    // Included from the plan, it checks and analyses.
    let root = d.join("territoire/plan.yaml");
    let plan = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        plan.replacen("include:\n", "include:\n  - bia.yaml\n", 1),
    )
    .unwrap();
    let (code, out, err) = run_in(d, &["check", "territoire/plan.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run_in(d, &["analyze", "territoire/plan.yaml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names = json.to_string();
    assert!(
        names.contains("concessions-funeraires") && names.contains("archives-numeriques"),
        "{names}"
    );

    // Imported again, with the plan now holding the imported entries: the
    // same bytes, and a dry run sees no change.
    let again = |extra: &[&str]| {
        let mut args = vec!["-o", "territoire/bia.yaml"];
        args.extend_from_slice(extra);
        import_into(d, &args)
    };
    let (code, _, err) = again(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("territoire/bia.yaml")).unwrap(),
        text
    );
    let (code, out, _) = again(&["--dry-run"]);
    assert_eq!((code, out.trim()), (0, "territoire/bia.yaml: no change"));

    // A changed DMIA and a removed row: the dry run says so by origin and
    // writes nothing.
    workbook(
        &d.join("bia.xlsx"),
        &[
            HEADER,
            &[
                "Concessions funéraires",
                "Ville de Nantes",
                "Mme Martin",
                "essentielle",
                "3 j",
                "24",
                "pastell, pg-a",
            ],
            &[
                "Fourrière",
                "ville",
                "",
                "Importante",
                "1 semaine",
                "",
                "pg-a",
            ],
        ],
    );
    let (code, out, err) = again(&["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "changed  bia:concessions-funeraires\nremoved  bia:entity:syndicat-des-archives\nremoved  bia:archives-numeriques\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("territoire/bia.yaml")).unwrap(),
        text
    );
}

#[test]
fn a_hand_written_process_is_not_defined_again() {
    let dir = plan_copy();
    let d = dir.path();
    // `etat-civil-nantes` is a hand-written process of the example plan,
    // `cimetieres` one of its services.
    workbook(
        &d.join("bia.xlsx"),
        &[
            &["Identifiant", "Processus", "Entité", "Criticité", "DMIA"],
            &["etat-civil-nantes", "État civil", "ville", "vitale", "4 h"],
            &["", "Cimetières", "ville", "importante", "2 j"],
        ],
    );
    let (code, _, err) = import_into(d, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[bia-conflict]: sheet `BIA`, cell A3: process `etat-civil-nantes` is already in the plan, written by hand"), "{err}");
    assert!(err.contains("error[bia-conflict]: sheet `BIA`, cell B4: `cimetieres` is already a service of the plan"), "{err}");
    assert!(!d.join("bia.yaml").exists());

    // Nor is a hand-written file replaced by an import's output.
    let hand = std::fs::read(d.join("territoire/processus.yaml")).unwrap();
    workbook(
        &d.join("ok.xlsx"),
        &[
            &["Processus", "Entité", "Criticité", "DMIA"],
            &["Paie", "ville", "vitale", "4 h"],
        ],
    );
    let (code, _, err) = run_in(
        d,
        &[
            "import",
            "bia",
            "ok.xlsx",
            "-o",
            "territoire/processus.yaml",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[bia-out]: `territoire/processus.yaml` was not written by `reprise import bia`: it is not replaced"), "{err}");
    assert_eq!(
        std::fs::read(d.join("territoire/processus.yaml")).unwrap(),
        hand
    );
}

#[test]
fn bad_cells_are_reported_at_their_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    workbook(
        &d.join("bad.xlsx"),
        &[
            HEADER,
            &["Paie", "Métropole", "", "vitale", "quatre heures", "4", ""],
            &["Voirie", "Métropole", "", "haute", "4", "", ""],
            &["", "Métropole", "", "vitale", "4 h", "", ""],
        ],
    );
    let (code, _, err) = run_in(d, &["import", "bia", "bad.xlsx"]);
    assert_eq!(code, 2, "{err}");
    for want in [
        "bad.xlsx: error[bia-duration]: sheet `BIA`, cell E3: `quatre heures` is not a duration: write a number and a unit, e.g. `4 h`, `2 j`, `1 semaine`",
        "error[bia-criticality]: sheet `BIA`, cell D4: `haute` is not a criticality",
        "error[bia-duration]: sheet `BIA`, cell E4: `4` has no unit",
        "error[bia-missing]: sheet `BIA`, cell A5: a row without a process name",
        "error: 4 problems in `bad.xlsx`; nothing was written",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!d.join("bia.yaml").exists());

    // A header row without a DMIA column.
    workbook(
        &d.join("nodmia.xlsx"),
        &[
            &["Processus", "Entité", "Criticité"],
            &["Paie", "m", "vitale"],
        ],
    );
    let (code, _, err) = run_in(d, &["import", "bia", "nodmia.xlsx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "error[bia-header]: sheet `BIA`, row 2: no DMIA (MTPD) column in the header row"
        ),
        "{err}"
    );
    assert!(
        err.contains("help: add a column headed one of: dmia, dmtp"),
        "{err}"
    );

    // A merged cell across two processes' rows.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("BIA").unwrap();
    for (c, h) in ["Processus", "Entité", "Criticité", "DMIA"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, p) in ["Paie", "Voirie"].iter().enumerate() {
        sheet.write_string(r as u32 + 1, 0, *p).unwrap();
        sheet.write_string(r as u32 + 1, 2, "vitale").unwrap();
        sheet.write_string(r as u32 + 1, 3, "4 h").unwrap();
    }
    sheet
        .merge_range(1, 1, 2, 1, "Métropole", &Format::new())
        .unwrap();
    book.save(d.join("merged.xlsx")).unwrap();
    let (code, _, err) = run_in(d, &["import", "bia", "merged.xlsx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[bia-merged]: sheet `BIA`, cell B2: cells B2:B3 are merged"),
        "{err}"
    );

    // An empty sheet; a file that is not a spreadsheet.
    let mut book = Workbook::new();
    book.add_worksheet().set_name("BIA").unwrap();
    book.save(d.join("empty.xlsx")).unwrap();
    let (code, _, err) = run_in(d, &["import", "bia", "empty.xlsx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[bia-empty]: sheet `BIA`: the sheet is empty"),
        "{err}"
    );
    std::fs::write(d.join("notes.docx"), "x").unwrap();
    let (code, _, err) = run_in(d, &["import", "bia", "notes.docx"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a spreadsheet this reads"), "{err}");
    assert!(!d.join("bia.yaml").exists());
}

#[test]
fn the_template_reads_back_and_a_french_csv_imports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run_in(d, &["bia", "template"]);
    assert_eq!(code, 0, "{err}");
    // The blank template has every header the importer needs: what it
    // lacks is processes.
    let (code, _, err) = run_in(d, &["import", "bia", "bia.xlsx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "error[bia-empty]: sheet `BIA`, row 2: the header row is followed by no process"
        ),
        "{err}"
    );

    // The CSV template, filled as a French spreadsheet saves it
    // (semicolons, Windows-1252).
    let (code, _, _) = run_in(d, &["bia", "template", "-o", "bia.csv", "--lang", "fr"]);
    assert_eq!(code, 0);
    let mut csv = std::fs::read_to_string(d.join("bia.csv")).unwrap();
    csv.push_str(";Paie des agents;Nantes Métropole;M. Durand;essentielle;2 j;4 h;;\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&csv);
    std::fs::write(d.join("bia.csv"), &bytes).unwrap();
    let (code, _, err) = run_in(d, &["import", "bia", "bia.csv", "-o", "p.yaml"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(d.join("p.yaml")).unwrap();
    assert!(text.contains("  paie-des-agents:\n    name: \"Paie des agents\"\n    origin: \"bia:paie-des-agents\"\n    entity: nantes-metropole\n    criticality: essential\n    mtpd: 48h\n    rpo: 4h\n"), "{text}");
}

/// A plan with one service, which will include the BIA's processes.
fn small_plan(d: &Path) {
    std::fs::write(
        d.join("plan.yaml"),
        "name: t\nteams:\n  infra: { name: Infra, capacity: 1 }\nservices:\n  app: { name: Application métier, kind: application, recovery: { duration: 4h, needs: { infra: 1 } } }\n",
    )
    .unwrap();
}

#[test]
fn the_exported_bia_reads_back_as_the_same_entries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_plan(d);
    workbook(
        &d.join("signed.xlsx"),
        &[
            HEADER,
            &[
                "Paie des agents",
                "Nantes Métropole",
                "M. Durand",
                "vitale",
                "2 j",
                "4",
                "Application métier",
            ],
            &[
                "Urbanisme",
                "Ville de Nantes",
                "",
                "différable",
                "1 semaine 2 j",
                "",
                "",
            ],
        ],
    );
    let (code, _, err) = run_in(d, &["import", "bia", "signed.xlsx", "--plan", "plan.yaml"]);
    assert_eq!(code, 0, "{err}");
    let imported = std::fs::read_to_string(d.join("bia.yaml")).unwrap();
    let plan = std::fs::read_to_string(d.join("plan.yaml")).unwrap();
    std::fs::write(d.join("plan.yaml"), format!("include: [bia.yaml]\n{plan}")).unwrap();
    let entries = |text: &str| text.lines().skip(2).collect::<Vec<_>>().join("\n");

    // XLSX and CSV, in both languages: the export reads back as the same
    // entries, so a dry run sees no change.
    for (format, lang) in [("xlsx", "fr"), ("xlsx", "en"), ("csv", "fr"), ("csv", "en")] {
        let out = reprise()
            .current_dir(d)
            .args(["show", "plan.yaml", "--format", format, "--lang", lang])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = format!("export-{lang}.{format}");
        std::fs::write(d.join(&file), &out.stdout).unwrap();
        let (code, out, err) = run_in(
            d,
            &["import", "bia", &file, "--plan", "plan.yaml", "--dry-run"],
        );
        assert_eq!(
            (code, out.trim()),
            (0, "bia.yaml: no change"),
            "{format} {lang}: {err}"
        );
        let (code, _, err) = run_in(
            d,
            &[
                "import",
                "bia",
                &file,
                "--plan",
                "plan.yaml",
                "-o",
                "again.yaml",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let again = std::fs::read_to_string(d.join("again.yaml")).unwrap();
        assert_eq!(entries(&again), entries(&imported), "{format} {lang}");
    }

    // A business owner edits a cell of the exported sheet: the dry run
    // names the entry that changes, by origin.
    let csv = std::fs::read_to_string(d.join("export-fr.csv")).unwrap();
    assert!(csv.starts_with("Identifiant;Processus;Entité;"), "{csv}");
    assert!(
        csv.contains(
            "paie-des-agents;Paie des agents;Nantes Métropole;M. Durand;vitale;48h;4h;app;"
        ),
        "{csv}"
    );
    std::fs::write(d.join("edited.csv"), csv.replace(";48h;", ";3 j;")).unwrap();
    let (code, out, _) = run_in(
        d,
        &[
            "import",
            "bia",
            "edited.csv",
            "--plan",
            "plan.yaml",
            "--dry-run",
        ],
    );
    assert_eq!((code, out.as_str()), (0, "changed  bia:paie-des-agents\n"));
}

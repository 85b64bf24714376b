//! `reprise exercise report`: scripted exercises played through the real
//! binary, then their after-action report read back in Markdown and HTML,
//! French and English. The assertions check what the script did shows up:
//! verdicts, times, the comparison with the solver, the improvement plan.

use std::path::{Path, PathBuf};

use crate::{reprise, run, scenarios};

fn exercise(name: &str) -> PathBuf {
    scenarios().join("exercises").join(name)
}

/// Plays `lines` with `exercise run` (from `dir` when given), writing
/// `journal`.
fn play(dir: Option<&Path>, exercise: &str, journal: &Path, lines: &[&str]) {
    let mut input = lines.join("\n");
    input.push('\n');
    let mut cmd = reprise();
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd
        .args([
            "exercise",
            "run",
            exercise,
            "--journal",
            journal.to_str().unwrap(),
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        !stdout.contains("error:"),
        "a scripted command was refused:\n{stdout}"
    );
}

fn report(journal: &Path, args: &[&str]) -> String {
    let mut all = vec!["exercise", "report", journal.to_str().unwrap()];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    out
}

/// The after-action report as JSON.
fn report_json(journal: &Path) -> serde_json::Value {
    serde_json::from_str(&report(journal, &["--format", "json"])).unwrap()
}

/// The entry of a JSON list whose `id` is `id`.
fn by_id<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no `{id}` in {list:#}"))
}

/// The cells of the first Markdown table row whose first cell starts with
/// `first`.
fn row<'a>(md: &'a str, first: &str) -> Vec<&'a str> {
    md.lines()
        .find(|l| l.starts_with(&format!("| {first}")))
        .unwrap_or_else(|| panic!("no row `{first}` in:\n{md}"))
        .trim_matches('|')
        .split(" | ")
        .map(str::trim)
        .collect()
}

/// The journal's creation date plus `days`, as the plan prints it.
fn due(journal: &Path, days: i64) -> String {
    let text = std::fs::read_to_string(journal).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let created: jiff::Timestamp = header["created"].as_str().unwrap().parse().unwrap();
    let due = created
        .checked_add(jiff::SignedDuration::from_hours(24 * days))
        .unwrap();
    jiff::tz::Offset::UTC
        .to_datetime(due)
        .strftime("%Y-%m-%d")
        .to_string()
}

#[test]
fn the_ransomware_exercise_report_tells_what_the_players_did() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    play(
        None,
        exercise("rancongiciel-vpn.yaml").to_str().unwrap(),
        &journal,
        &[
            "next",
            "@dsi crisis 2",
            // DHCP needs the directory, which is down: the order waits.
            "@dsi restore dhcp",
            "@dsi restore ad with infra",
            "@population workaround etat-civil-nantes",
            "goto 5d12h",
            "@observateur evaluate communication missed Pas de porte-parole désigné",
            "end",
            "quit",
        ],
    );

    let md = report(&journal, &["--lang", "fr"]);
    assert!(
        md.starts_with("# Retour d'expérience (RETEX) — Exercice de crise cyber"),
        "{md}"
    );
    for heading in [
        "## Synthèse",
        "## Chronologie",
        "## Objectifs",
        "## Processus face à leur DMIA (MTPD) et leur PDMA (RPO)",
        "## Comparaison avec l'ordonnanceur",
        "## Points forts",
        "## Axes d'amélioration",
        "## Plan d'amélioration",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    // Overview: the played window, the counts, the crisis level.
    assert!(
        md.contains(
            "- Joué : 2026-03-11 18:30 (T+5d) → 2026-03-12 06:30 (T+5d12h) (clos par l'animation)"
        ),
        "{md}"
    );
    assert!(
        md.contains("- Décisions : 5 (dont 1 évaluations et 0 notes)"),
        "{md}"
    );
    assert!(
        md.contains("- Niveau de crise atteint : 2 (déclaré à T+5d15m par dsi)"),
        "{md}"
    );
    // Timeline: the decisions at their scenario time, with their role.
    let crisis = row(&md, "4 ");
    assert_eq!(crisis[1], "2026-03-11 18:45 (T+5d15m)");
    assert_eq!(&crisis[3..], ["décision", "@dsi", "crisis 2"]);
    assert!(md.contains("| décision | @observateur | evaluate communication missed Pas de porte-parole désigné |"), "{md}");
    assert!(md.contains("stimulus c02 · téléphone · relance"), "{md}");

    // Objectives: met when the expected decision was taken in time, missed
    // when never taken (and the contingency inject fired), the observers'
    // verdict final; judged on the data, not on its wording.
    let j = report_json(&journal);
    let objective = |id: &str| by_id(&j["objectives"], id).clone();
    let cellule = objective("cellule");
    assert_eq!(cellule["check"]["check"], "on_time");
    assert_eq!(cellule["check"]["decision"]["t_s"], 5 * 86400 + 900);
    assert_eq!(cellule["check"]["decision"]["by"], "dsi");
    assert_eq!(cellule["verdict"], "met");
    let isoler = objective("isoler");
    assert_eq!(isoler["check"]["check"], "not_taken");
    assert_eq!(isoler["contingencies"][0]["id"], "c02");
    assert_eq!(isoler["verdict"], "missed");
    let eau = objective("eau");
    assert_eq!(eau["check"]["check"], "not_taken");
    assert_eq!(eau["contingencies"][0]["id"], "c03");
    assert_eq!(eau["verdict"], "missed");
    assert_eq!(objective("continuite")["verdict"], "met");
    let communication = objective("communication");
    assert_eq!(communication["evaluations"][0]["by"], "observateur");
    assert_eq!(communication["verdict"], "missed");
    assert_eq!(objective("obligations")["verdict"], "not_evaluated");
    // The same verdicts in words.
    assert_eq!(row(&md, "cellule :")[2], "T+5d15m par dsi, 45m d'avance");
    assert_eq!(
        row(&md, "communication :")[3],
        "non atteint : « Pas de porte-parole désigné » (observateur, T+5d12h)"
    );

    // Processes: the workaround shows, DMIA and PDMA are judged.
    let ec = by_id(&j["processes"], "etat-civil-nantes");
    assert_eq!(ec["state"], "down");
    assert_eq!(ec["on_workaround"], true);
    assert_eq!(ec["mtpd_s"], 86400);
    let accueil = by_id(&j["processes"], "accueil-telephonique");
    assert_eq!(accueil["breach"], true);
    assert!(accueil["down_s"].as_u64().unwrap() > accueil["mtpd_s"].as_u64().unwrap());

    // Comparison: the solver's time for a vital process, explained by its
    // first steps on what the process needs.
    let compared = by_id(&j["comparison"]["processes"], "etat-civil-nantes");
    assert_eq!(compared["exercise"]["fate"], "not_back");
    assert_eq!(compared["best"]["fate"], "back");
    let ordered: Vec<&str> = (compared["ordered"].as_array().unwrap().iter())
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ordered, ["dhcp", "ad"]);
    let best = row(&md, "etat-civil-nantes | vitale");
    assert_eq!(best[2], "non rétabli");
    assert!(best[3].starts_with("T+"), "{best:?}");
    let sentence = md
        .lines()
        .find(|l| l.starts_with("- État civil (naissances"))
        .expect("a comparison sentence for etat-civil-nantes");
    assert!(
        sentence.contains(&format!(
            "pas rétabli à la fin de l'exercice (T+5d12h) ; le meilleur ordonnancement le rétablit à {} en ",
            best[3]
        )),
        "{sentence}"
    );
    assert!(sentence.contains("ad (T+"), "{sentence}");
    assert!(
        sentence.contains(
            "les joueurs ont ordonné, parmi ce dont il dépend : dhcp (T+5d15m), ad (T+5d15m)"
        ),
        "{sentence}"
    );

    // Strengths and areas for improvement come from the data.
    assert!(md.contains("- Objectif « Activer la cellule de crise stratégique dans l'heure qui suit la découverte » atteint : décision « crisis 2 » prise à T+5d15m par dsi, 45m avant l'échéance (T+5d1h)."), "{md}");
    assert!(md.contains("- Mode dégradé activé pour État civil (naissances, reconnaissances, mariages, décès) (etat-civil-nantes) à T+5d15m par population"), "{md}");
    assert!(md.contains("] Objectif « Isoler le système d'information en moins de deux heures après la découverte » non atteint : aucune décision « isolate zone:servers » avant T+5d2h ; la relance c02 a dû être jouée à T+5d2h."), "{md}");
    // The orders wait for the investigation: the report says so, not only
    // that a dependency was down.
    assert!(md.contains("] Des ordres portant sur ce que l'attaquant détenait ont attendu la fin de l'investigation, à T+1w1d : « restore dhcp » (T+5d15m par dsi), « restore ad with infra » (T+5d15m par dsi). Rien de ce qu'il détenait n'est reconstruit avant."), "{md}");

    // The plan: one row per area, the owner from the audience, due dates
    // from the journal's creation.
    let areas = md.lines().filter(|l| l.starts_with("- [")).count();
    assert!(areas >= 5, "{md}");
    let plan: Vec<&str> = md
        .split("## Plan d'amélioration")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
        .collect();
    assert_eq!(plan.len(), areas, "{md}");
    let first = row(&md, "1 | Objectif isoler");
    assert_eq!(
        first[2],
        "Directeur des systèmes d'information (dsi), Responsable de la sécurité des systèmes d'information (rssi)"
    );
    assert_eq!(first[3], due(&journal, 30));
    let wait = plan
        .iter()
        .find(|l| l.contains("Pendant l'investigation, préparer la reconstruction"))
        .expect("an action for the orders that waited");
    assert!(
        wait.ends_with(&format!(
            "| Directeur des systèmes d'information (dsi) | {} |",
            due(&journal, 90)
        )),
        "{wait}"
    );

    // The same report in English and HTML: one self-contained document.
    let html = report(&journal, &["--format", "html", "--lang", "en"]);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.ends_with("</html>\n"));
    assert_eq!(html.matches("<html").count(), 1);
    for outside in ["<script", "<link", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the HTML");
    }
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("<h2>Comparison with the scheduler</h2>"));
    assert!(html.contains("<td>@dsi</td><td>crisis 2</td>"), "{html}");
    assert!(
        html.contains("<td>T+5d15m by dsi, 45m early</td><td>—</td><td>met</td>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<td>not taken; contingency c03 fired at T+5d4h</td><td>—</td><td>missed</td>"
        ),
        "{html}"
    );
    assert!(
        html.contains("missed: “Pas de porte-parole désigné” (observateur, T+5d12h)"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "not back by the end of the exercise (T+5d12h); the best schedule has it back at {} by ",
        best[3]
    )), "{html}");
    assert!(html.contains("DMIA (MTPD)") && html.contains("PDMA (RPO)"));
}

#[test]
fn the_fire_exercise_report_tells_what_the_players_did() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    play(
        None,
        exercise("incendie-dc-a.yaml").to_str().unwrap(),
        &journal,
        &[
            "next",
            "@dgs crisis 2",
            "next",
            "@resp-infra failover ad",
            "goto 5h",
            "@observateur evaluate priorites met Ordre conforme aux DMIA",
            "end",
            "quit",
        ],
    );
    let md = report(&journal, &[]);
    assert!(
        md.starts_with("# After-action report (RETEX) — Exercice de continuité"),
        "{md}"
    );
    assert!(
        md.contains("| @dgs | crisis 2 |") && md.contains("| @resp-infra | failover ad |"),
        "{md}"
    );
    assert_eq!(row(&md, "cellule:")[2], "T+20m by dgs, 40m early");
    let j = report_json(&journal);
    let verdicts: Vec<(&str, &str, &str)> = (j["objectives"].as_array().unwrap().iter())
        .map(|o| {
            (
                o["id"].as_str().unwrap(),
                o["check"]["check"].as_str().unwrap_or("-"),
                o["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    for want in [
        ("cellule", "on_time", "met"),
        ("bascule", "on_time", "met"),
        ("standard", "not_taken", "missed"),
        ("vitaux", "not_taken", "missed"),
        ("priorites", "-", "met"),
        ("communication", "-", "not_evaluated"),
    ] {
        assert!(verdicts.contains(&want), "{want:?} not in {verdicts:?}");
    }
    assert_eq!(
        by_id(&j["objectives"], "vitaux")["contingencies"][0]["id"],
        "fc3"
    );
    assert_eq!(
        row(&md, "priorites:")[3],
        "met: “Ordre conforme aux DMIA” (observateur, T+5h)"
    );
    // The comparison names a vital process and the solver's time for it.
    let best = row(&md, "etat-civil-nantes | vital");
    assert_eq!(best[2], "not back");
    assert!(md.contains(&format!(
        "(etat-civil-nantes): not back by the end of the exercise (T+5h); the best schedule has it back at {} by ",
        best[3]
    )), "{md}");
    assert!(md.contains("] Objective “Maintenir l'état civil en mode dégradé dans les communes avant l'ouverture des guichets” missed: no decision “workaround etat-civil-nantes” by T+4h; contingency inject fc3 had to be played at T+4h."), "{md}");
}

#[test]
fn a_journal_whose_exercise_changed_is_refused() {
    // The exercise copied beside the journal, named by a relative path as
    // a facilitator would: the report finds it from the same folder.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(exercise("rancongiciel-vpn.yaml"))
        .unwrap()
        .replace(
            "scenario: ../rancongiciel-vpn.yaml",
            &format!(
                "scenario: {}",
                scenarios().join("rancongiciel-vpn.yaml").display()
            ),
        );
    std::fs::write(dir.path().join("ex.yaml"), &text).unwrap();
    let journal = dir.path().join("j.jsonl");
    play(
        Some(dir.path()),
        "ex.yaml",
        &journal,
        &["next", "@dsi crisis 2", "end"],
    );
    let out = reprise()
        .current_dir(dir.path())
        .args(["exercise", "report", "j.jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    std::fs::write(
        dir.path().join("ex.yaml"),
        format!("{text}\n# edited after the exercise\n"),
    )
    .unwrap();
    let out = reprise()
        .current_dir(dir.path())
        .args(["exercise", "report", "j.jsonl"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("error: `ex.yaml` changed since the journal `j.jsonl` was written")
            && err.contains("--exercise FILE"),
        "{err}"
    );

    // The file as it was, given with --exercise, is accepted again.
    let kept = dir.path().join("kept.yaml");
    std::fs::write(&kept, &text).unwrap();
    let out = reprise()
        .current_dir(dir.path())
        .args(["exercise", "report", "j.jsonl", "--exercise", "kept.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A journal that names a file that is not there says how to point at it.
    let (code, _, err) = run(&["exercise", "report", journal.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the exercise `ex.yaml` named by the journal"),
        "{err}"
    );
}

#[test]
fn a_torn_last_line_still_gives_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    play(
        None,
        exercise("incendie-dc-a.yaml").to_str().unwrap(),
        &journal,
        &["next", "@dgs crisis 2", "next"],
    );
    // A crash in the middle of writing the next decision.
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes.extend_from_slice(br#"{"type":"decision","seq":7,"t":2700,"by":"resp-inf"#);
    std::fs::write(&journal, bytes).unwrap();
    let (code, out, err) = run(&["exercise", "report", journal.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("was cut short by a crash") && err.contains("the report ignores it"),
        "{err}"
    );
    // The exercise was not ended: the report says where the journal stops.
    assert!(
        out.contains("the journal stops there: the exercise was not ended"),
        "{out}"
    );
    assert_eq!(row(&out, "cellule:")[4], "met");
    assert!(
        out.contains("- Decisions: 1 (including 0 evaluations and 0 notes)"),
        "{out}"
    );
    // Markdown, HTML or JSON only.
    let (code, _, err) = run(&[
        "exercise",
        "report",
        journal.to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("use one of: markdown, html, json"), "{err}");
    let j = report_json(&journal);
    assert_eq!(j["ended"], false);
    assert_eq!(by_id(&j["objectives"], "cellule")["verdict"], "met");
}

/// An objective met whose purpose failed: the decision came in time, the
/// process it protects still breached its DMIA. The report says so and does
/// not count it as a strength.
#[test]
fn an_objective_met_whose_process_breached_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "plan.yaml",
        "name: p\nentities: { e: { name: E } }\nteams: { t: { name: T, capacity: 1 } }\nservices:\n  app: { name: App, kind: application, recovery: { duration: 2d, needs: { t: 1 } } }\nprocesses:\n  p: { name: Guichet, entity: e, criticality: vital, mtpd: 4h, depends_on: [app], workaround: { name: Papier, activation: 30m, max_duration: 2h } }\n",
    );
    write(
        "s.yaml",
        "name: s\nplan: plan.yaml\nevents:\n  - { at: 0m, destroy: app }\n",
    );
    write(
        "x.yaml",
        "title: X\nscenario: s.yaml\nstart: 0m\nend: 12h\nobjectives:\n  - { id: garder, text: Passer au papier dans l'heure, evaluation: Heure d'activation, expects: { action: workaround, target: p, by: 1h } }\nroles:\n  - { id: dsi, name: DSI, kind: player }\ninjects:\n  - { id: i1, at: 0m, to: dsi, channel: phone, from: Astreinte, text: Panne. }\n",
    );
    let journal = dir.path().join("j.jsonl");
    let exercise = dir.path().join("x.yaml");
    play(
        None,
        exercise.to_str().unwrap(),
        &journal,
        &["@dsi workaround p", "goto 12h", "end", "quit"],
    );
    for (lang, verdict, area, strength) in [
        (
            "fr",
            "atteint, mais DMIA dépassée pour p",
            "Objectif « Passer au papier dans l'heure » atteint, mais ce qu'il protège a dépassé sa DMIA (MTPD) : p.",
            "Objectif « Passer au papier dans l'heure » atteint :",
        ),
        (
            "en",
            "met, but p breached its DMIA",
            "Objective “Passer au papier dans l'heure” met, yet what it protects breached its DMIA (MTPD): p.",
            "Objective “Passer au papier dans l'heure” met:",
        ),
    ] {
        let md = report(&journal, &["--lang", lang]);
        assert_eq!(row(&md, "garder")[4], verdict, "{md}");
        assert!(md.contains(area), "{md}");
        assert!(!md.contains(strength), "{md}");
        // Nor is the workaround that did not keep it within its DMIA.
        assert!(
            !md.contains("Guichet (p) à T0") && !md.contains("Guichet (p) activated"),
            "{md}"
        );
    }
}

/// The review's contradiction: cutting the SCADA network off, as the
/// objective "eau" asks, keeps drinking water running; the objective is
/// met, a strength, and water production never stops.
#[test]
fn isolating_the_scada_zone_protects_drinking_water() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    play(
        None,
        exercise("rancongiciel-vpn.yaml").to_str().unwrap(),
        &journal,
        &["next", "@rssi isolate zone:scada", "goto 6d", "end", "quit"],
    );
    let md = report(&journal, &["--lang", "fr"]);
    assert_eq!(row(&md, "eau :")[4], "atteint", "{md}");
    assert!(
        md.contains("- Objectif « Protéger la production d'eau potable"),
        "{md}"
    );
    assert!(
        !md.lines()
            .any(|l| l.starts_with("| ") && l.contains("(eau-potable)")),
        "{md}"
    );
}

//! `reprise exercise generate`: a draft exercise from a simulated run loads
//! without a mistake, its injects are in time order inside the exercise,
//! it tells the story of the run, it is the same for the same seed, and it
//! never overwrites a file.

use std::path::{Path, PathBuf};

use reprise::exercise::{self, Exercise, Target, Verb};

use crate::{fixtures, run, scenarios};

fn scenario(name: &str) -> String {
    scenarios().join(name).display().to_string()
}

/// Generates a draft of `scenario` into a new temporary folder and loads
/// it back; the folder lives as long as the returned guard.
fn generated(scenario: &str, seed: &str) -> (tempfile::TempDir, PathBuf, Exercise) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("exercises/draft.yaml");
    let (code, stdout, stderr) = run(&[
        "exercise",
        "generate",
        scenario,
        "--output",
        &out.display().to_string(),
        "--seed",
        seed,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.is_empty(),
        "a draft written to a file is not printed"
    );
    assert!(stderr.contains("wrote"), "{stderr}");
    let e = loads_cleanly(&out);
    (dir, out, e)
}

/// Loads an exercise and expects no diagnostic in it, and no error in its
/// scenario or plan.
fn loads_cleanly(path: &Path) -> Exercise {
    let text = std::fs::read_to_string(path).expect("the draft");
    let l = exercise::load(path);
    let rendered: String = l
        .document
        .diagnostics
        .iter()
        .map(|d| d.render(&l.document.sources))
        .collect();
    assert!(l.document.diagnostics.is_empty(), "{rendered}\n{text}");
    assert!(!l.has_errors(), "{rendered}\n{text}");
    l.exercise.expect("an exercise")
}

/// The injects are written in time order (their ids follow the file and
/// the loader sorts stably, so ids in sequence mean the file was in order),
/// inside the exercise's window, and every deadline has its contingency.
fn well_formed(e: &Exercise) {
    assert!(e.start < e.end);
    let ids: Vec<&str> = e.injects.iter().map(|i| i.id.as_str()).collect();
    let expected: Vec<String> = (1..=ids.len()).map(|n| format!("i{n:02}")).collect();
    assert_eq!(
        ids, expected,
        "timed injects in file order are in time order"
    );
    for i in e.injects.iter().chain(&e.contingencies) {
        assert!(
            (e.start..=e.end).contains(&i.at),
            "{} at {} is outside [{}, {}]",
            i.id,
            i.at,
            e.start,
            e.end
        );
        assert!(!i.text.trim().is_empty() && !i.from.trim().is_empty());
        assert!(!i.to.is_empty());
    }
    assert!((3..=5).contains(&e.objectives.len()), "{:?}", e.objectives);
    assert!(!e.contingencies.is_empty(), "contingency injects exist");
    for o in &e.objectives {
        let Some(d) = &o.expects else { continue };
        assert!(
            e.contingencies
                .iter()
                .any(|c| c.unless.as_ref() == Some(&d.expect)
                    && c.at == d.by
                    && c.objective.as_deref() == Some(o.id.as_str())),
            "objective `{}` has a contingency at its deadline",
            o.id
        );
    }
}

#[test]
fn a_draft_of_the_ransomware_scenario_loads_and_tells_the_attack() {
    let (_dir, out, e) = generated(&scenario("rancongiciel-vpn.yaml"), "1");
    well_formed(&e);
    // The attack encrypts at 5d: the exercise opens just before.
    assert!(
        e.start < 5 * 86_400 && e.start >= 5 * 86_400 - 3_600,
        "{}",
        e.start
    );
    let discovery = e
        .injects
        .iter()
        .find(|i| i.text.contains("rançon"))
        .expect("an inject tells the ransom notes");
    assert_eq!(discovery.at, 5 * 86_400);
    assert!(
        discovery.expects.iter().any(|x| x
            .decision
            .as_ref()
            .is_some_and(|d| d.action == Verb::Isolate)),
        "the discovery expects an isolation"
    );
    let isolate = e.objective("isoler").expect("an isolation objective");
    assert_eq!(
        isolate.expects.as_ref().map(|d| (d.expect.action, d.by)),
        Some((Verb::Isolate, 5 * 86_400 + 2 * 3_600))
    );
    assert!(e.objective("cellule").is_some() && e.objective("communication").is_some());
    assert!(
        e.injects.iter().any(|i| i.text.contains("sauvegardes")),
        "the backups found lost"
    );
    assert!(
        e.injects
            .iter()
            .any(|i| i.channel == exercise::Channel::Press),
        "the press calls"
    );
    // The scenario's notes reach the players; the one before the exercise
    // opens goes to the description.
    assert!(e.injects.iter().any(|i| i.text.contains("Confinement")));
    assert!(
        e.description
            .as_deref()
            .is_some_and(|d| d.contains("Connexion VPN depuis une adresse inhabituelle"))
    );
    let text = std::fs::read_to_string(&out).expect("the draft");
    assert!(text.contains("title: \"Exercice — Rançongiciel entré par le VPN\""));
    assert!(text.contains("# Relances"));
}

#[test]
fn a_draft_of_the_fire_scenario_loads_and_tells_the_fire() {
    let (_dir, _out, e) = generated(&scenario("incendie-dc-a.yaml"), "1");
    well_formed(&e);
    assert_eq!(e.start, 0);
    let first = &e.injects[0];
    assert_eq!(first.at, 0);
    assert!(first.text.contains("Départ de feu"), "{}", first.text);
    assert!(
        e.objective("isoler").is_none(),
        "no attack, nothing to isolate"
    );
    // The DMIA objective names a service to restore, checked by the engine.
    let reprise = e.objective("reprise").expect("a recovery objective");
    assert!(matches!(
        reprise.expects.as_ref().map(|d| &d.expect.target),
        Some(Some(Target::Service(_)))
    ));
    // The staff change at 48h is an inject.
    assert!(
        e.injects
            .iter()
            .any(|i| i.at == 48 * 3_600 && i.text.contains("ingénieur infrastructure")),
        "{:?}",
        e.injects.iter().map(|i| (&i.id, i.at)).collect::<Vec<_>>()
    );
}

#[test]
fn a_detected_attack_is_told_by_the_soc_before_anything_is_encrypted() {
    let path = fixtures().join("scenarios/attack-detected.yaml");
    let (_dir, _out, e) = generated(&path.display().to_string(), "3");
    well_formed(&e);
    let discovery = e
        .injects
        .iter()
        .find(|i| i.from.contains("SOC"))
        .expect("the SOC calls");
    assert!(discovery.text.contains("Rien n'est encore chiffré"));
    assert!(e.objective("isoler").is_some());
}

#[test]
fn the_same_seed_gives_the_same_draft_byte_for_byte() {
    let args = [
        "exercise",
        "generate",
        "scenarios/attack.yaml",
        "--seed",
        "7",
    ];
    let (code, first, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let (_, second, _) = run(&args);
    assert_eq!(first, second);
    // Printed, the draft names its scenario from the current folder.
    assert!(
        first.contains("\nscenario: \"scenarios/attack.yaml\"\n"),
        "{first}"
    );
    assert!(
        !first.starts_with("# yaml-language-server"),
        "no schema here"
    );
}

#[test]
fn a_draft_beside_the_schema_points_editors_at_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("reprise.exercise.schema.json"), "{}").expect("a schema");
    let out = dir.path().join("draft.yaml");
    let (code, _, stderr) = run(&[
        "exercise",
        "generate",
        "scenarios/attack.yaml",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).expect("the draft");
    assert!(
        text.starts_with("# yaml-language-server: $schema=reprise.exercise.schema.json\n"),
        "{text}"
    );
    loads_cleanly(&out);
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("mine.yaml");
    std::fs::write(&out, "my own exercise\n").expect("a file");
    let (code, stdout, stderr) = run(&[
        "exercise",
        "generate",
        "scenarios/attack.yaml",
        "--output",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("mine.yaml") && stderr.contains("already exists"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--output") && stderr.contains("delete"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("the file"),
        "my own exercise\n"
    );
}

#[test]
fn a_scenario_with_errors_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("draft.yaml");
    let (code, stdout, stderr) = run(&[
        "exercise",
        "generate",
        "scenarios/bad.yaml",
        "--output",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("scenarios/bad.yaml:"),
        "diagnostics with places: {stderr}"
    );
    assert!(stderr.contains("nothing was done"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn generate_writes_yaml_and_takes_no_format() {
    let (code, stdout, stderr) = run(&[
        "exercise",
        "generate",
        "scenarios/attack.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--format"), "{stderr}");
}

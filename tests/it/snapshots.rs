//! Snapshots of the human outputs (issue 13's safety net): the whole text
//! of `check` with its carets, `analyze`, `impact`, `simulate`, `recover`
//! and the after-action report, so a redesign of the layers that word them
//! shows every byte it changes. Dates that come from the machine's clock
//! (the journal's creation, wall times) are redacted; everything else is
//! deterministic. Review a change with `cargo insta review`, or accept it
//! with `INSTA_UPDATE=always cargo test --test it snapshots`.

use crate::{example_plan, run, scenarios};

/// The command's standard output and error, with its exit code.
fn output(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    format!("exit code: {code}\n--- stdout\n{out}--- stderr\n{err}")
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    // Where the clone and the temporary files are.
    let root = regex_escape(env!("CARGO_MANIFEST_DIR"));
    s.add_filter(&root, "[repo]");
    s.add_filter(r"/[^\s]*/\.tmp[A-Za-z0-9]+", "[tmp]");
    s
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

fn scenario(name: &str) -> String {
    scenarios().join(name).display().to_string()
}

#[test]
fn check_reports_every_mistake_with_carets() {
    settings().bind(|| {
        insta::assert_snapshot!(output(&["check", "bad/services.yaml"]));
        insta::assert_snapshot!(output(&["check", "bad/syntax.yaml"]));
    });
}

#[test]
fn analyze_and_impact_read_the_same_as_before() {
    let plan = example_plan().display().to_string();
    settings().bind(|| {
        insta::assert_snapshot!(output(&["analyze", "valid/plan.yaml", "--lang", "fr"]));
        insta::assert_snapshot!(output(&["analyze", &plan]));
        insta::assert_snapshot!(output(&[
            "impact",
            &plan,
            "isolate:servers",
            "--lang",
            "fr"
        ]));
        insta::assert_snapshot!(output(&["impact", &plan, "san-a"]));
    });
}

#[test]
fn simulate_and_recover_read_the_same_as_before() {
    let ransomware = scenario("rancongiciel-vpn.yaml");
    let fire = scenario("incendie-dc-a.yaml");
    settings().bind(|| {
        insta::assert_snapshot!(output(&["simulate", &ransomware, "--lang", "fr"]));
        insta::assert_snapshot!(output(&["simulate", &fire]));
        insta::assert_snapshot!(output(&[
            "recover",
            "--scenario",
            &fire,
            "--budget",
            "300",
            "--lang",
            "fr"
        ]));
    });
}

#[test]
fn the_after_action_report_reads_the_same_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let exercise = scenarios().join("exercises/rancongiciel-vpn.yaml");
    let input = [
        "next",
        "@dsi crisis 2",
        "@rssi isolate zone:scada",
        "@dsi restore ad with infra",
        "@population workaround etat-civil-nantes",
        "goto 5d12h",
        "@observateur evaluate communication missed Pas de porte-parole désigné",
        "end",
        "quit",
    ]
    .join("\n")
        + "\n";
    let out = crate::reprise()
        .args([
            "exercise",
            "run",
            exercise.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut s = settings();
    // The journal's wall times and the plan's due dates follow the clock.
    s.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "[wall time]");
    s.add_filter(r"\| \d{4}-\d{2}-\d{2} \|", "| [due date] |");
    s.add_filter(r"l'exercice \(\d{4}-\d{2}-\d{2}\)", "l'exercice ([date])");
    s.add_filter(
        r"the exercise \(\d{4}-\d{2}-\d{2}\)",
        "the exercise ([date])",
    );
    let j = journal.to_str().unwrap();
    s.bind(|| {
        insta::assert_snapshot!(output(&["exercise", "report", j, "--lang", "fr"]));
        insta::assert_snapshot!(output(&["exercise", "report", j]));
    });
    s.add_filter(r#""created": "[^"]+""#, r#""created": "[wall time]""#);
    s.add_filter(r#""due": "[^"]+""#, r#""due": "[due date]""#);
    s.bind(|| {
        insta::assert_snapshot!(output(&["exercise", "report", j, "--format", "json"]));
    });
}

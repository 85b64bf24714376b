//! The commands on a valid plan: check, show, graph, schema, completions, man.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{example_plan, fixtures, run};

const VALID: &str = "valid/plan.yaml";

#[test]
fn check_accepts_a_valid_plan_and_warns_about_the_cycle() {
    let (code, stdout, stderr) = run(&["check", VALID]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("plan `Plan de test`: 2 files, 9 services, 1 processes"),
        "{stdout}"
    );
    assert!(stdout.contains("valid, 1 warning"), "{stdout}");
    assert!(
        stderr.contains("warning[dependency-cycle]: dependency cycle: ad → dns-ad → ad"),
        "{stderr}"
    );
}

#[test]
fn strict_check_exits_1_on_warnings() {
    let (code, _, _) = run(&["check", "--strict", VALID]);
    assert_eq!(code, 1);
}

#[test]
fn check_writes_json_and_markdown() {
    let (code, stdout, _) = run(&["check", VALID, "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["counts"]["services"], 9);
    assert_eq!(report["warnings"], 1);
    assert_eq!(report["diagnostics"][0]["code"], "dependency-cycle");
    let (code, stdout, _) = run(&["check", VALID, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# Plan check: Plan de test"), "{stdout}");
    assert!(stdout.contains("`dependency-cycle`"), "{stdout}");
}

#[test]
fn show_prints_the_three_tables_in_french() {
    let (code, stdout, _) = run(&["show", VALID, "--lang", "fr"]);
    assert_eq!(code, 0);
    for needle in [
        "Processus",
        "DMIA (MTPD)",
        "PDMA (RPO)",
        "État civil",
        "vitale",
        "Registres papier (+2h, 72h)",
    ] {
        assert!(stdout.contains(needle), "missing {needle} in\n{stdout}");
    }
    for needle in [
        "Services",
        "1 parmi [esx-a, esx-b]",
        "supervision (souple)",
        "infra×1 dba×1",
        "db-standby (30m)",
    ] {
        assert!(stdout.contains(needle), "missing {needle} in\n{stdout}");
    }
    assert!(
        stdout.contains("Équipes") && stdout.contains("06 00 00 00 01"),
        "{stdout}"
    );
}

#[test]
fn show_json_has_durations_in_seconds() {
    let (code, stdout, _) = run(&["show", VALID, "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let p = &doc["processes"][0];
    assert_eq!(p["id"], "etat-civil");
    assert_eq!(p["mtpd_s"], 86_400);
    assert_eq!(p["rpo_s"], 14_400);
    assert_eq!(p["workaround"]["max_duration_s"], 259_200);
    let db = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "db")
        .unwrap();
    assert_eq!(db["needs"], serde_json::json!({ "infra": 1, "dba": 1 }));
    assert_eq!(
        db["depends_on"][1],
        serde_json::json!({ "soft": "supervision" })
    );
    assert_eq!(
        db["depends_on"][0],
        serde_json::json!({ "at_least": 1, "of": ["esx-a", "esx-b"] })
    );
}

#[test]
fn show_markdown_is_a_markdown_table() {
    let (code, stdout, _) = run(&["show", VALID, "--what", "teams", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("## Teams"), "{stdout}");
    assert!(stdout.contains("| infra "), "{stdout}");
    assert!(stdout.contains("|---"), "{stdout}");
}

#[test]
fn graph_dot_renders_with_graphviz() {
    for plan in [fixtures().join(VALID), example_plan()] {
        let (code, dot, stderr) = run(&["graph", plan.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            dot.contains("[color=red, penwidth=2]"),
            "the AD/DNS cycle is red"
        );
        assert!(dot.contains("shape=diamond"), "groups are drawn");
        assert!(dot.contains("style=dotted"), "soft links are drawn");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Graphviz `dot` is installed (.ci/run installs the graphviz package)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "dot failed: {stderr}");
        assert!(stderr.trim().is_empty(), "dot complained: {stderr}");
        let svg = String::from_utf8(out.stdout).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("Active Directory"),
            "SVG with the nodes"
        );
    }
}

#[test]
fn graph_mermaid_and_json() {
    let (code, mermaid, _) = run(&["graph", VALID, "--format", "mermaid"]);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("-.->"), "soft link");
    assert!(mermaid.contains("{{\"1 of 2\"}}"), "group node");
    assert!(mermaid.contains("linkStyle"), "cycle edges styled");
    let (code, json, _) = run(&["graph", VALID, "--format", "json"]);
    assert_eq!(code, 0);
    let g: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(g["cycles"], serde_json::json!([["ad", "dns-ad", "ad"]]));
    let edges = g["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["kind"] == "soft" && e["to"] == "supervision")
    );
    assert!(
        edges
            .iter()
            .any(|e| e["kind"] == "group" && e["at_least"] == 1 && e["to"] == "esx-b")
    );
}

#[test]
fn a_format_a_command_does_not_write_is_a_usage_error() {
    let (code, stdout, stderr) = run(&["graph", VALID, "--format", "table"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains(
            "`reprise graph` does not write --format table; use one of: dot, mermaid, json"
        ),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let (code, _, stderr) = run(&["chek", VALID]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unrecognized subcommand 'chek'"),
        "{stderr}"
    );
    assert!(stderr.contains("check"), "suggests check: {stderr}");
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Validate a plan"), "{stdout}");
}

/// Every file of the example plan and of the valid fixture validates
/// against the schema `reprise schema` prints.
#[test]
fn the_schema_validates_the_example_plan_and_refuses_mistakes() {
    let (code, schema, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut checked = 0;
    for dir in [
        example_plan().parent().unwrap().to_path_buf(),
        fixtures().join("valid"),
    ] {
        for path in yaml_files(&dir) {
            let doc: serde_json::Value =
                serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 5, "checked {checked} files");
    for bad in [
        "bad/unknown_key.yaml",
        "bad/bad_duration.yaml",
        "bad/wrong_type.yaml",
    ] {
        let doc: serde_json::Value =
            serde_yaml::from_str(&std::fs::read_to_string(fixtures().join(bad)).unwrap()).unwrap();
        assert!(!validator.is_valid(&doc), "the schema accepts {bad}");
    }
}

fn yaml_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn completions_and_man_page() {
    let (code, bash, _) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(
        bash.contains("_reprise()") && bash.contains("check"),
        "bash completion"
    );
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        man.contains(".TH reprise") && man.contains("Validate a plan"),
        "roff man page"
    );
}

/// The schema the example plan's modelines point at is the one the binary
/// prints; regenerate it with `reprise schema > plans/reprise.schema.json`.
#[test]
fn the_committed_schema_is_current() {
    let (_, printed, _) = run(&["schema"]);
    let committed = std::fs::read_to_string(
        example_plan()
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("reprise.schema.json"),
    )
    .unwrap();
    assert_eq!(
        printed, committed,
        "plans/reprise.schema.json is stale: run `reprise schema > plans/reprise.schema.json`"
    );
}

//! `reprise recover` and `reprise runbook` through the real binary: the
//! schedule respects the plan, the documents say what they should in both
//! languages, the Markdown runbook matches its golden files, and the HTML
//! runbook opens in a real browser without a console error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{example_plan, fixtures, json, reprise, run};

const VALID: &str = "valid/plan.yaml";

/// Checks a `recover --format json` schedule against the plan as `show`
/// describes it: every task after what it waits for, no team over capacity.
pub(crate) fn assert_feasible(schedule: &Value, plan: &Value) {
    let tasks = schedule["tasks"].as_array().unwrap();
    let finish: HashMap<&str, u64> = tasks
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["finish_s"].as_u64().unwrap()))
        .collect();
    for t in tasks {
        let start = t["start_s"].as_u64().unwrap();
        for a in t["after"].as_array().unwrap() {
            match a {
                Value::String(id) => assert!(
                    finish[id.as_str()] <= start,
                    "{} starts before {id} is up",
                    t["id"]
                ),
                group => {
                    let done = group["of"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|m| finish[m.as_str().unwrap()] <= start)
                        .count();
                    assert!(
                        done as u64 >= group["at_least"].as_u64().unwrap(),
                        "{} starts before its group",
                        t["id"]
                    );
                }
            }
        }
    }
    // People per team over time: the scenario's steps when the schedule
    // gives them, else the plan's capacity.
    let steps: HashMap<&str, Vec<(u64, u64)>> = match schedule["teams"].as_array() {
        Some(teams) => teams
            .iter()
            .map(|t| {
                let steps = t["capacity"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| (s[0].as_u64().unwrap(), s[1].as_u64().unwrap()))
                    .collect();
                (t["id"].as_str().unwrap(), steps)
            })
            .collect(),
        None => plan["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].as_str().unwrap(),
                    vec![(0, t["capacity"].as_u64().unwrap())],
                )
            })
            .collect(),
    };
    let capacity_at = |team: &str, t: u64| {
        steps[team]
            .iter()
            .take_while(|s| s.0 <= t)
            .last()
            .map_or(0, |s| s.1)
    };
    // Usage only grows at a start, capacity only drops at a step: checking
    // those moments checks them all.
    let mut moments: Vec<u64> = tasks
        .iter()
        .map(|t| t["start_s"].as_u64().unwrap())
        .collect();
    moments.extend(steps.values().flatten().map(|s| s.0));
    for moment in moments {
        let mut used: HashMap<&str, u64> = HashMap::new();
        for other in tasks {
            let (s, f) = (
                other["start_s"].as_u64().unwrap(),
                other["finish_s"].as_u64().unwrap(),
            );
            if s <= moment && moment < f {
                for (team, n) in other["needs"].as_object().unwrap() {
                    *used.entry(team.as_str()).or_default() += n.as_u64().unwrap();
                }
            }
        }
        for (team, n) in used {
            assert!(
                n <= capacity_at(team, moment),
                "team {team} over capacity at {moment}"
            );
        }
    }
}

#[test]
fn recover_schedules_the_example_plan_within_capacity() {
    let plan = example_plan();
    let plan = plan.to_str().unwrap();
    let schedule = json(&["recover", plan, "--budget", "3000", "--format", "json"]);
    let shown = json(&["show", plan, "--format", "json"]);
    assert_eq!(
        schedule["tasks"].as_array().unwrap().len(),
        shown["services"].as_array().unwrap().len(),
        "total loss: every service"
    );
    assert_feasible(&schedule, &shown);
    assert!(
        schedule["makespan_s"].as_u64().unwrap() >= schedule["lower_bound_s"].as_u64().unwrap()
    );
    for p in schedule["processes"].as_array().unwrap() {
        for key in ["id", "restored_s", "mtpd_s", "late_s", "breach"] {
            assert!(p.get(key).is_some(), "{key}");
        }
        assert_eq!(p["breach"], p["late_s"].as_u64().unwrap() > 0);
    }
    // The AD/DNS cycle: one after the other, in plan order.
    let task = |id: &str| {
        schedule["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()
            .clone()
    };
    assert!(task("dns-ad")["start_s"].as_u64() >= task("ad")["finish_s"].as_u64());
}

#[test]
fn the_same_seed_gives_the_same_schedule() {
    let args = [
        "recover", VALID, "--budget", "2000", "--seed", "7", "--format", "json",
    ];
    let (_, a, _) = run(&args);
    let (_, b, _) = run(&args);
    assert_eq!(a, b);
}

#[test]
fn recover_prints_waves_and_teams_in_both_languages() {
    let (code, en, _) = run(&["recover", VALID, "--budget", "2000"]);
    assert_eq!(code, 0);
    for needle in [
        "Recovery plan — Plan de test",
        "Waves",
        "Tasks per team",
        "within DMIA",
        "T0",
    ] {
        assert!(en.contains(needle), "missing {needle}:\n{en}");
    }
    let (code, fr, _) = run(&[
        "recover", VALID, "--budget", "2000", "--lang", "fr", "--format", "markdown",
    ]);
    assert_eq!(code, 0);
    for needle in [
        "# Plan de reprise — Plan de test",
        "## Vagues de reprise",
        "## Processus et DMIA",
        "dans la DMIA",
        "```mermaid\ngantt",
        "1 parmi [esx-a, esx-b]",
    ] {
        assert!(fr.contains(needle), "missing {needle}:\n{fr}");
    }
}

#[test]
fn recover_rejects_a_bad_budget() {
    let (code, _, stderr) = run(&["recover", VALID, "--budget", "lots"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("write a number of schedules (20000) or a time (2s, 1m)"),
        "{stderr}"
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The Markdown runbook of the fixture plan, word for word. To accept a
/// change on purpose: `UPDATE_GOLDEN=1 cargo test runbook_markdown`.
#[test]
fn runbook_markdown_matches_the_golden_files() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&[
        "runbook",
        VALID,
        "--out",
        out.path().to_str().unwrap(),
        "--format",
        "md",
        "--lang",
        "fr",
        "--budget",
        "2000",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote 12 files"), "{stderr}");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/runbook-fr");
    let written = files(out.path());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for f in &written {
            let target = golden.join(f.strip_prefix(out.path()).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(f, target).unwrap();
        }
    }
    let expected = files(&golden);
    let rel = |base: &Path, v: &[PathBuf]| {
        v.iter()
            .map(|f| f.strip_prefix(base).unwrap().to_path_buf())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rel(out.path(), &written),
        rel(&golden, &expected),
        "the same files"
    );
    for f in &written {
        let name = f.strip_prefix(out.path()).unwrap();
        let got = std::fs::read_to_string(f).unwrap();
        let want = std::fs::read_to_string(golden.join(name)).unwrap();
        assert_eq!(got, want, "{} differs from its golden file", name.display());
    }
    assert!(
        !written
            .iter()
            .any(|f| f.file_name().unwrap().to_string_lossy().contains(".tmp-")),
        "no temporary file left"
    );
}

#[test]
fn html_runbook_opens_in_chromium_without_console_errors() {
    let out = tempfile::tempdir().unwrap();
    let plan = example_plan();
    let (code, _, stderr) = run(&[
        "runbook",
        plan.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--format",
        "html",
        "--lang",
        "fr",
        "--budget",
        "1000",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let index = out.path().join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"),
        "self-contained"
    );
    assert!(
        html.contains("<svg") && html.contains("@page { size: A4"),
        "Gantt and print layout"
    );
    assert!(
        html.matches("class=\"break\"").count() >= 8,
        "a page per team"
    );
    for page in [
        index,
        out.path().join("team-infra.html"),
        out.path().join("services/ad.html"),
    ] {
        let profile = tempfile::tempdir().unwrap();
        let result = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("Chromium is installed (scripts/test.sh installs the chromium package)");
        assert!(
            result.status.success(),
            "chromium failed on {}",
            page.display()
        );
        let dom = String::from_utf8_lossy(&result.stdout);
        assert!(
            dom.contains("</h1>"),
            "the page rendered: {}",
            page.display()
        );
        let log = String::from_utf8_lossy(&result.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(
            console.is_empty(),
            "console messages on {}: {console:#?}",
            page.display()
        );
    }
}

#[test]
fn runbook_refuses_formats_it_does_not_write() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&[
        "runbook",
        VALID,
        "--out",
        out.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not write --format json"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written"
    );
    let _ = (fixtures(), reprise());
}

//! Regression tests for answers that contradicted the README's semantics
//! or each other (issue 10), each on a small plan written to test one rule.
//! Every test here failed on the code before its fix.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::run;

/// A plan and a scenario written side by side in a temporary folder.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(plan: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plan.yaml"), plan).unwrap();
        Case { dir }
    }

    /// Writes a scenario (its `plan:` line is added) and returns its path.
    fn scenario(&self, name: &str, body: &str) -> String {
        let path = self.dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, format!("name: {name}\nplan: plan.yaml\n{body}")).unwrap();
        path.display().to_string()
    }
}

fn json_of(args: &[&str]) -> Value {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn simulate(scenario: &str, extra: &[&str]) -> Value {
    let mut args = vec!["simulate", scenario, "--format", "json"];
    args.extend_from_slice(extra);
    json_of(&args)
}

fn recover(scenario: &str, extra: &[&str]) -> Value {
    let mut args = vec!["recover", "--scenario", scenario, "--format", "json"];
    args.extend_from_slice(extra);
    json_of(&args)
}

fn process<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no process {id} in {run}"))
}

fn task<'a>(rp: &'a Value, id: &str) -> Option<&'a Value> {
    rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
}

const H: u64 = 3_600;
const D: u64 = 86_400;

/// A destroyed hypervisor rebuilt in 40 days under one application.
const SLOW_REBUILD: &str = "
name: slow rebuild
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  esx: { name: ESX, kind: hypervisor, recovery: { duration: 4h, rebuild: 40d, needs: { infra: 1 } } }
  app: { name: App, kind: application, depends_on: [esx], recovery: { duration: 1h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 1h, depends_on: [app] }
";

#[test]
fn a_run_cut_by_its_horizon_does_not_claim_a_full_recovery() {
    let case = Case::new(SLOW_REBUILD);
    let sc = case.scenario(
        "cut",
        "horizon: 5d\nevents:\n  - { at: 0m, destroy: esx }\n",
    );
    let run = simulate(&sc, &[]);
    let p = process(&run, "p");
    assert_eq!(p["restored_s"], Value::Null, "{p}");
    assert_eq!(p["not_back"], true, "{p}");
    assert_eq!(p["down_s"], 5 * D, "down until the horizon, at least");
    assert_eq!(run["complete"], false);
    assert_eq!(run["makespan_s"], Value::Null);
    assert_eq!(run["stopped_by"], "horizon");
    assert_eq!(run["end_s"], 5 * D);
    let not_back: Vec<&str> = run["not_back"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(not_back, ["esx", "app", "p"]);

    for lang in ["en", "fr"] {
        let (code, table, stderr) = run_args(&["simulate", &sc, "--lang", lang]);
        assert_eq!(code, 0, "{stderr}");
        assert!(!table.contains("Everything is back"), "{table}");
        assert!(!table.contains("Tout est rétabli"), "{table}");
        let (line, warning) = match lang {
            "en" => (
                "Not everything is back when the simulation stops at T+5d (the scenario's horizon)",
                "warning: the simulation stopped at T+5d",
            ),
            _ => (
                "Tout n'est pas rétabli quand la simulation s'arrête à T+5d (l'horizon du scénario)",
                "attention : la simulation s'est arrêtée à T+5d",
            ),
        };
        assert!(table.contains(line), "{table}");
        assert!(stderr.contains(warning), "{stderr}");
    }
}

fn run_args(args: &[&str]) -> (i32, String, String) {
    run(args)
}

#[test]
fn the_default_horizon_runs_until_everything_is_back() {
    let case = Case::new(SLOW_REBUILD);
    let sc = case.scenario("long", "events:\n  - { at: 0m, destroy: esx }\n");
    let run = simulate(&sc, &[]);
    let p = process(&run, "p");
    // Rebuilt in 40 days (the application comes back with it), then work
    // resumes in an hour.
    assert_eq!(p["restored_s"], 40 * D + H, "{p}");
    assert_eq!(p["not_back"], false);
    assert_eq!(run["complete"], true);
    assert_eq!(run["makespan_s"], 40 * D);
    assert_eq!(run["stopped_by"], "quiet");
}

/// The primary database's host burns; the database fails over to its
/// standby on the other site, the application is rebuilt once the library
/// it also needs is back.
const FAILOVER: &str = "
name: failover
entities: { e: { name: E } }
sites: { a: { name: A }, b: { name: B } }
teams:
  infra: { name: Infra, capacity: 2 }
  appli: { name: Appli, capacity: 1 }
  other: { name: Other, capacity: 1 }
services:
  esx-a: { name: ESX A, kind: hypervisor, site: a, recovery: { duration: 4h, rebuild: 10d, needs: { infra: 1 } } }
  esx-b: { name: ESX B, kind: hypervisor, site: b, recovery: { duration: 4h, needs: { infra: 1 } } }
  db-b: { name: DB B, kind: database, site: b, depends_on: [esx-b], recovery: { duration: 2h, needs: { infra: 1 } } }
  db:
    name: DB
    kind: database
    site: a
    depends_on: [esx-a]
    recovery: { duration: 2h, rebuild: 1d, needs: { infra: 1 }, failover: { to: db-b, duration: 30m } }
  lib: { name: Lib, kind: application, site: b, recovery: { duration: 4h, needs: { appli: 1 } } }
  app: { name: App, kind: application, site: b, depends_on: [db, lib], recovery: { duration: 1h, rebuild: 2h, needs: { appli: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 1h, depends_on: [app] }
";

#[test]
fn a_replan_after_a_failover_plans_from_the_standby() {
    let case = Case::new(FAILOVER);
    let quiet = case.scenario(
        "quiet",
        "events:\n  - { at: 0m, destroy: [esx-a, db, app] }\n  - { at: 0m, outage: lib }\n",
    );
    // An unannounced reinforcement of the application team after the
    // failover: the teams plan again, and must not make anything worse.
    let noisy = case.scenario(
        "noisy",
        "events:\n  - { at: 0m, destroy: [esx-a, db, app] }\n  - { at: 0m, outage: lib }\n  - { at: 1h, staff: appli, capacity: 2 }\n",
    );
    let a = simulate(&quiet, &[]);
    let b = simulate(&noisy, &[]);
    assert_eq!(b["plans"], 2, "the staff change makes the teams plan again");
    // lib is back at 4h, app rebuilt 4h → 6h, work resumed at 7h.
    assert_eq!(process(&a, "p")["restored_s"], 7 * H);
    assert_eq!(process(&b, "p")["restored_s"], 7 * H);
}

#[test]
fn recover_keeps_a_failover_when_the_standby_blips_later() {
    let case = Case::new(FAILOVER);
    let sc = case.scenario(
        "blip",
        "events:\n  - { at: 0m, destroy: [esx-a, db] }\n  - { at: 10d, outage: esx-b, for: 1m }\n",
    );
    let rp = recover(&sc, &[]);
    let db = task(&rp, "db").expect("db is recovered");
    assert_eq!(db["mode"], "failover", "{db}");
    assert_eq!(db["finish_s"], 1_800);
    // The process stops at T0 and is back at the failover, then again for
    // a minute at 10 days (the standby's host blips).
    let incidents: Vec<(u64, u64)> = rp["processes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["id"] == "p")
        .map(|x| {
            (
                x["down_since_s"].as_u64().unwrap(),
                x["restored_s"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        incidents,
        [(0, 1_800 + H), (10 * D, 10 * D + 60 + H)],
        "{rp}"
    );
    // The simulation, learning as it goes, does the same.
    let run = simulate(&sc, &[]);
    let p = process(&run, "p");
    assert_eq!(p["down_s"], (1_800 + H) + (60 + H));
    assert_eq!(p["restored_s"], 10 * D + 60 + H);
}

/// An attacker enters in one zone; the other zone is cut off before it
/// can get there, and reconnected later.
const ZONES: &str = "
name: zones
entities: { e: { name: E } }
zones:
  z0: { reach: [z1] }
  z1: { reach: [] }
teams: { infra: { name: Infra, capacity: 2 } }
services:
  entry: { name: Entry, kind: application, zone: z0, recovery: { duration: 1h, rebuild: 2h, needs: { infra: 1 } } }
  target: { name: Target, kind: application, zone: z1, recovery: { duration: 1h, rebuild: 2h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [target] }
";

#[test]
fn recover_unfolds_the_attack_with_the_scenarios_isolations() {
    let case = Case::new(ZONES);
    let sc = case.scenario(
        "contained",
        "attack: { at: 1h, entry: entry, spread: certain, dwell: 2d }\nevents:\n  - { at: 0m, isolate: z1, for: 1w }\n",
    );
    // The attacker never reaches `target`: nothing to rebuild there.
    let rp = recover(&sc, &[]);
    assert_eq!(task(&rp, "entry").unwrap()["mode"], "rebuild");
    assert!(task(&rp, "target").is_none(), "{rp}");
    let run = simulate(&sc, &[]);
    assert!(
        !run["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "compromised" && e["node"] == "target"),
        "{run}"
    );
}

#[test]
fn the_attacker_moves_again_after_a_reconnection() {
    let case = Case::new(ZONES);
    let sc = case.scenario(
        "reconnected",
        "attack: { at: 0m, entry: entry, spread: certain, dwell: 3d }\nevents:\n  - { at: 0m, isolate: z1, for: 1d }\n",
    );
    let run = simulate(&sc, &[]);
    let compromised: Vec<(u64, &str)> = run["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "compromised")
        .map(|e| (e["t_s"].as_u64().unwrap(), e["node"].as_str().unwrap()))
        .collect();
    assert_eq!(compromised, [(0, "entry"), (D, "target")]);
    let rp = recover(&sc, &[]);
    assert_eq!(task(&rp, "target").unwrap()["mode"], "rebuild");
}

/// A database with an immutable copy on a repository beside it and an
/// offline copy in a vault elsewhere.
const COPIES: &str = "
name: copies
entities: { e: { name: E } }
sites: { a: { name: A }, c: { name: Vault } }
teams: { infra: { name: Infra, capacity: 2 } }
services:
  depot: { name: Depot, kind: backup, site: a, recovery: { duration: 10h, rebuild: 3d, needs: { infra: 1 } } }
  coffre: { name: Coffre, kind: backup, site: c, recovery: { duration: 1h, needs: { infra: 1 } } }
  db:
    name: DB
    kind: database
    site: a
    recovery: { duration: 2h, rebuild: 4h, needs: { infra: 1 } }
    data:
      backup:
        - { every: 1h, via: depot, immutable: true }
        - { every: 1w, via: coffre, offline: true }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, rpo: 1d, depends_on: [db] }
";

#[test]
fn a_copy_does_not_outlive_its_holder() {
    let case = Case::new(COPIES);
    let sc = case.scenario("fire", "events:\n  - { at: 0m, destroy: site:a }\n");
    let run = simulate(&sc, &[]);
    let db = run["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "db")
        .unwrap();
    // The repository burnt with its immutable copy: the vault's weekly one.
    assert_eq!(db["loss_s"], 7 * D, "{db}");
    assert_eq!(process(&run, "p")["data_loss_s"], 7 * D);
}

#[test]
fn a_restore_waits_for_the_holder_of_its_copy() {
    let case = Case::new(COPIES);
    // The database is destroyed; its repository is only down, and must be
    // restored (10 hours) before the database can be rebuilt from it.
    let sc = case.scenario(
        "restore",
        "events:\n  - { at: 0m, destroy: db }\n  - { at: 0m, outage: depot }\n",
    );
    let rp = recover(&sc, &[]);
    let db = task(&rp, "db").unwrap();
    assert_eq!(db["mode"], "rebuild");
    assert_eq!(db["start_s"], 10 * H, "{rp}");
    assert_eq!(db["after"], serde_json::json!(["depot"]));
    let run = simulate(&sc, &[]);
    let start = run["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "recovery" && e["node"] == "db")
        .unwrap();
    assert_eq!(start["t_s"], 10 * H, "{run}");
    let loss = &run["data"].as_array().unwrap()[0];
    assert_eq!(
        (loss["id"].as_str(), loss["loss_s"].as_u64()),
        (Some("db"), Some(H))
    );
}

#[test]
fn monte_carlo_keeps_planned_rebuilds_without_their_own_range() {
    let case = Case::new(
        "
name: cooling
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  clim: { name: Clim, kind: cooling, recovery: { duration: 8h, range: [4h, 3d], rebuild: 3w, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [clim] }
",
    );
    let sc = case.scenario("burnt", "events:\n  - { at: 0m, destroy: clim }\n");
    let mc = json_of(&["simulate", &sc, "--runs", "200", "--format", "json"]);
    let p = process(&mc, "p");
    for q in ["p50_s", "p90_s", "p99_s"] {
        assert_eq!(p[q], 21 * D, "{p}");
    }
    // A rebuild with its own range is drawn from it.
    let case = Case::new(
        "
name: cooling
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  clim: { name: Clim, kind: cooling, recovery: { duration: 8h, range: [4h, 3d], rebuild: { duration: 3w, range: [2w, 5w] }, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [clim] }
",
    );
    let sc = case.scenario("burnt", "events:\n  - { at: 0m, destroy: clim }\n");
    let mc = json_of(&["simulate", &sc, "--runs", "200", "--format", "json"]);
    let p = process(&mc, "p");
    let (p50, p99) = (p["p50_s"].as_u64().unwrap(), p["p99_s"].as_u64().unwrap());
    assert!(
        (14 * D..=35 * D).contains(&p50) && p50 < p99 && p99 <= 35 * D,
        "{p}"
    );
}

/// The example plan without any `range`: nothing random is left in the fire.
fn example_without_ranges() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/territoire");
    copy_without_ranges(&src, dir.path());
    let scenario = std::fs::read_to_string(crate::scenarios().join("incendie-dc-a.yaml"))
        .unwrap()
        .replace("../plans/territoire/plan.yaml", "plan.yaml");
    let path = dir.path().join("incendie.yaml");
    std::fs::write(&path, scenario).unwrap();
    (dir, path)
}

fn copy_without_ranges(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_without_ranges(&entry.path(), &target);
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let mut out = String::new();
            for line in text.lines() {
                // `range: [a, b]` inside a flow map, or on its own line.
                let line = match line.find("range: [") {
                    Some(i) => {
                        let end = line[i..].find(']').map_or(line.len(), |j| i + j + 1);
                        let mut cut = format!("{}{}", &line[..i], &line[end..]);
                        cut = cut
                            .replace(", ,", ",")
                            .replace("{ ,", "{")
                            .replace(",  }", " }");
                        if cut.trim().is_empty() {
                            continue;
                        }
                        cut
                    }
                    None => line.to_string(),
                };
                out.push_str(&line);
                out.push('\n');
            }
            std::fs::write(&target, out).unwrap();
        }
    }
}

#[test]
fn monte_carlo_without_randomness_equals_the_single_run() {
    let (_dir, sc) = example_without_ranges();
    let sc = sc.display().to_string();
    let (code, _, stderr) = run(&[
        "check",
        &Path::new(&sc)
            .with_file_name("plan.yaml")
            .display()
            .to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let single = simulate(&sc, &["--seed", "5"]);
    let mc = json_of(&[
        "simulate", &sc, "--runs", "4", "--seed", "5", "--format", "json",
    ]);
    for p in single["processes"].as_array().unwrap() {
        let m = process(&mc, p["id"].as_str().unwrap());
        for q in ["p50_s", "p90_s", "p99_s"] {
            assert_eq!(m[q], p["down_s"], "{}: {m} against {p}", p["id"]);
        }
        let breach = if p["breach"] == true { 1.0 } else { 0.0 };
        assert_eq!(m["breach_probability"], breach, "{}", p["id"]);
    }
}

#[test]
fn on_workaround_is_time_on_the_workaround() {
    let case = Case::new(
        "
name: workaround
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 2 } }
services:
  mail: { name: Mail, kind: messaging, recovery: { duration: 10h, needs: { infra: 1 } } }
  app: { name: App, kind: application, depends_on: [{ soft: mail }], recovery: { duration: 5h, needs: { infra: 1 } } }
processes:
  p:
    name: P
    entity: e
    criticality: vital
    mtpd: 1d
    depends_on: [app]
    workaround: { name: Paper, activation: 1h, max_duration: 3d }
",
    );
    let sc = case.scenario(
        "both",
        "events:\n  - { at: 0m, outage: mail }\n  - { at: 0m, outage: app }\n",
    );
    let run = simulate(&sc, &[]);
    let p = process(&run, "p");
    // Down for the workaround's activation, on it until the application is
    // back at 5h, then degraded (mail still down) until 10h.
    assert_eq!(p["down_s"], H);
    assert_eq!(p["workaround_s"], 4 * H, "{p}");
    assert_eq!(p["degraded_s"], 5 * H, "{p}");
    let (_, table, _) = run_args(&["simulate", &sc]);
    let row = table
        .lines()
        .find(|l| l.contains("P (p)"))
        .expect("a row for p");
    let cells: Vec<&str> = row.split('┆').map(str::trim).collect();
    assert_eq!(cells[4], "4h", "{row}");
}

#[test]
fn critical_path_follows_services_that_came_back_by_themselves() {
    let case = Case::new(
        "
name: heat
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  clim: { name: Clim, kind: cooling, recovery: { duration: 2d, range: [1d, 3d], needs: { infra: 1 } } }
  esx: { name: ESX, kind: hypervisor, depends_on: [clim], recovery: { duration: 1h, needs: { infra: 1 } } }
  app: { name: App, kind: application, depends_on: [esx], recovery: { duration: 1h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 12h, depends_on: [app] }
",
    );
    let sc = case.scenario("heat", "events:\n  - { at: 0m, outage: clim }\n");
    let mc = json_of(&["simulate", &sc, "--runs", "50", "--format", "json"]);
    let path: Vec<(&str, f64)> = mc["critical_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["share"].as_f64().unwrap()))
        .collect();
    assert_eq!(path, [("clim", 1.0), ("esx", 1.0), ("app", 1.0)], "{mc}");
}

#[test]
fn recover_json_lists_only_work() {
    let case = Case::new(FAILOVER);
    let sc = case.scenario(
        "operator",
        "events:\n  - { at: 0m, outage: esx-b, for: 6h }\n  - { at: 0m, outage: lib }\n",
    );
    let rp = recover(&sc, &[]);
    let modes: Vec<&str> = rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["restore"], "{rp}");
    assert_eq!(task(&rp, "lib").unwrap()["mode"], "restore");
}

#[test]
fn recover_and_simulate_agree_on_a_partial_group() {
    let case = Case::new(
        "
name: group
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 2 } }
services:
  x: { name: X, kind: application, recovery: { duration: 2h, needs: { infra: 1 } } }
  a: { name: A, kind: hypervisor, recovery: { duration: 10h, needs: { infra: 1 } } }
  b: { name: B, kind: hypervisor, recovery: { duration: 10h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 1h, depends_on: [x, { at_least: 2, of: [a, b] }] }
",
    );
    let sc = case.scenario("partial", "events:\n  - { at: 0m, outage: [x, a] }\n");
    let run = simulate(&sc, &[]);
    let rp = recover(&sc, &[]);
    // With x back and b up, the process runs degraded: it is back.
    assert_eq!(process(&run, "p")["restored_s"], 3 * H);
    assert_eq!(process(&rp, "p")["restored_s"], 3 * H, "{rp}");
}

#[test]
fn an_explicit_budget_of_20000_is_honoured() {
    let case = Case::new(FAILOVER);
    let sc = case.scenario(
        "quiet",
        "events:\n  - { at: 0m, destroy: [esx-a, db, app] }\n",
    );
    let default = simulate(&sc, &[]);
    let explicit = simulate(&sc, &["--budget", "20000"]);
    assert_eq!(default["budget"], 2_000);
    assert_eq!(explicit["budget"], 20_000);
    assert!(
        explicit["schedules"].as_u64().unwrap() >= 20_000,
        "{explicit}"
    );
}

/// Perfect foresight against learning as you go, on the shipped scenarios
/// with the same search budget: `recover --scenario` never breaches more
/// (weighted by criticality, the first criterion of the objective) than
/// `simulate`. Both are heuristic searches, so this is checked where it
/// matters, on the scenarios the README quotes, not claimed in general; a
/// scenario known from T0 gives equality on random plans (see
/// `simulation_props.rs`).
#[test]
fn perfect_foresight_breaches_no_more_than_learning_as_you_go() {
    let weight = |c: &str| match c {
        "vital" => 1_000_000u64,
        "essential" => 10_000,
        "important" => 100,
        _ => 1,
    };
    let plan = json_of(&[
        "show",
        crate::example_plan().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let criticality = |id: &str| -> u64 {
        let p = plan["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap();
        weight(p["criticality"].as_str().unwrap())
    };
    for name in [
        "rancongiciel-vpn",
        "incendie-dc-a",
        "crue-loire-dc-b",
        "canicule-effectifs",
        "coupure-electrique-regionale",
    ] {
        let sc = crate::scenarios().join(format!("{name}.yaml"));
        let sc = sc.to_str().unwrap();
        let run = simulate(sc, &[]);
        let rp = recover(sc, &["--budget", "2000"]);
        let simulated: u64 = run["processes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["breach"] == true)
            .map(|p| criticality(p["id"].as_str().unwrap()))
            .sum();
        let mut late: Vec<&str> = rp["processes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["breach"] == true)
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        late.dedup();
        let planned: u64 = late.iter().map(|id| criticality(id)).sum();
        assert!(
            planned <= simulated,
            "{name}: recover {planned} > simulate {simulated}"
        );
    }
}

/// A database whose daily copies sit on a repository beside it, and whose
/// weekly tapes are kept in a vault away from the tape library.
const VAULT: &str = "
name: vault
entities: { e: { name: E } }
sites: { a: { name: A } }
teams: { infra: { name: Infra, capacity: 2 } }
services:
  depot: { name: Depot, kind: backup, site: a, recovery: { duration: 10h, rebuild: 3d, needs: { infra: 1 } } }
  bandes: { name: Tapes, kind: backup, site: a, recovery: { duration: 1d, rebuild: 2w, needs: { infra: 1 } } }
  db:
    name: DB
    kind: database
    site: a
    recovery: { duration: 2h, rebuild: 4h, needs: { infra: 1 } }
    data:
      backup:
        - { every: 1d, via: depot, offline: true }
        - { every: 1w, via: bandes, offline: true, offsite: true, retrieval: 6h }
  side:
    name: Side
    kind: database
    site: a
    recovery: { duration: 1h, needs: { infra: 1 } }
    data: { backup: { every: 1w, offline: true } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [db] }
";

#[test]
fn an_off_site_copy_survives_the_fire_and_is_read_after_its_retrieval() {
    let case = Case::new(VAULT);
    let sc = case.scenario("fire", "events:\n  - { at: 0m, destroy: site:a }\n");
    let run = simulate(&sc, &[]);
    let loss = |id: &str| -> Value {
        run["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["loss_s"]
            .clone()
    };
    // The daily copy was offline but beside its holder: it burnt. The
    // weekly tapes were in the vault.
    assert_eq!(loss("db"), 7 * D);
    // Offline and kept beside the service, with no vault: burnt with it.
    assert_eq!(loss("side"), Value::Null);
    // The database is rebuilt once its tapes are back (6 hours), without
    // waiting for the burnt library: read elsewhere.
    let start = run["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "recovery" && e["node"] == "db")
        .unwrap();
    assert_eq!(start["t_s"], 6 * H, "{run}");
    let rp = recover(&sc, &[]);
    let db = task(&rp, "db").unwrap();
    assert_eq!(
        (db["mode"].as_str(), db["start_s"].as_u64()),
        (Some("rebuild"), Some(6 * H)),
        "{rp}"
    );
}

/// Losing the primary through what it depends on (its host for five days)
/// makes its declared failover possible: the process is back after the
/// failover, not after five days (issue 11, failover triggers).
#[test]
fn a_primary_stranded_by_its_host_fails_over() {
    let case = Case::new(FAILOVER);
    let sc = case.scenario("host", "events:\n  - { at: 0m, outage: esx-a, for: 5d }\n");
    let rp = recover(&sc, &[]);
    let db = task(&rp, "db").expect("db fails over");
    assert_eq!(
        (db["mode"].as_str(), db["finish_s"].as_u64()),
        (Some("failover"), Some(1_800)),
        "{rp}"
    );
    assert_eq!(process(&rp, "p")["restored_s"], 1_800 + H, "{rp}");
    let run = simulate(&sc, &[]);
    assert_eq!(process(&run, "p")["restored_s"], 1_800 + H, "{run}");
    assert_eq!(process(&run, "p")["down_s"], 1_800 + H);
    // A host back sooner than the failover would take: no failover.
    let sc = case.scenario(
        "blink",
        "events:\n  - { at: 0m, outage: esx-a, for: 10m }\n",
    );
    let rp = recover(&sc, &[]);
    assert!(task(&rp, "db").is_none(), "{rp}");
    let run = simulate(&sc, &[]);
    assert_eq!(process(&run, "p")["restored_s"], 600 + H, "{run}");
}

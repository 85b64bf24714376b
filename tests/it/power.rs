//! Power restarts (issue 11): what a power cut stops is restarted by
//! people once the power is back, not back by itself.

use crate::json;

const H: u64 = 3_600;

const PLAN: &str = "
name: power
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  mains: { name: Mains, kind: power, recovery: { duration: 1h } }
  host: { name: Host, kind: hypervisor, depends_on: [mains], recovery: { duration: 4h, needs: { infra: 1 }, restart: { duration: 1h, needs: { infra: 1 } } } }
  db: { name: DB, kind: database, depends_on: [host], recovery: { duration: 2h, needs: { infra: 1 }, restart: { duration: 30m, needs: { infra: 1 } } } }
  app: { name: App, kind: application, depends_on: [db], recovery: { duration: 1h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 0m, depends_on: [app] }
";

/// Writes `plan` and a 10-hour cut of its mains in `dir`; the scenario's
/// path.
fn cut(dir: &std::path::Path, plan: &str) -> String {
    cut_of(dir, plan, "mains", "10h")
}

/// `(id, mode, start, finish)` of each task of a recovery plan.
fn tasks(rp: &serde_json::Value) -> Vec<(&str, &str, u64, u64)> {
    rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap(),
                t["mode"].as_str().unwrap(),
                t["start_s"].as_u64().unwrap(),
                t["finish_s"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn what_a_power_cut_stops_is_restarted_once_the_power_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let sc = cut(dir.path(), PLAN);
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    // The mains are back at 10h; the host is restarted (1h), then the
    // database (30m); the application, with no `restart`, comes back with
    // them.
    assert_eq!(
        tasks(&rp),
        [
            ("host", "restart-after-crash", 10 * H, 11 * H),
            ("db", "restart-after-crash", 11 * H, 11 * H + H / 2)
        ]
    );
    let sim = json(&["simulate", &sc, "--format", "json"]);
    let p = &sim["processes"][0];
    assert_eq!(p["restored_s"], 11 * H + H / 2, "{p}");
    assert_eq!(rp["processes"][0]["restored_s"], 11 * H + H / 2);
    // No data is lost by a restart.
    assert_eq!(p["data_loss_s"], 0);
    let restarts = sim["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["mode"] == "restart-after-crash")
        .count();
    assert_eq!(restarts, 2);

    // The mains have no reserves: the host and the database stop
    // abruptly; without `after_crash`, they restart in their `duration`.
    // Without `restart`, the same cut is a free return at 10h.
    let free = PLAN
        .replace(", restart: { duration: 1h, needs: { infra: 1 } }", "")
        .replace(", restart: { duration: 30m, needs: { infra: 1 } }", "");
    std::fs::write(dir.path().join("plan.yaml"), free).unwrap();
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(sim["processes"][0]["restored_s"], 10 * H);
}

/// A restart by kind of service, for every service of that kind without
/// its own: the same story as the restart written on the host.
#[test]
fn restarts_by_kind_apply_to_services_without_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let by_kind = PLAN.replace(", restart: { duration: 1h, needs: { infra: 1 } }", "")
        + "restarts:\n  hypervisor: { duration: 1h, needs: { infra: 1 } }\n  database: { duration: 5h, needs: { infra: 1 } }\n";
    let sc = cut(dir.path(), &by_kind);
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    // The host takes the hypervisors' restart; the database keeps its own
    // (30 minutes), not the databases' (5 hours).
    assert_eq!(
        tasks(&rp),
        [
            ("host", "restart-after-crash", 10 * H, 11 * H),
            ("db", "restart-after-crash", 11 * H, 11 * H + H / 2)
        ]
    );
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(sim["processes"][0]["restored_s"], 11 * H + H / 2);

    // A kind that does not exist is refused, with the fix.
    let bad = by_kind.replace("  hypervisor:", "  hypervisr:");
    std::fs::write(dir.path().join("plan.yaml"), bad).unwrap();
    let path = dir.path().join("plan.yaml");
    let (code, _, err) = crate::run(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[unknown-value]"), "{err}");
    assert!(
        err.contains("`hypervisr` is not a kind of service"),
        "{err}"
    );
    assert!(err.contains("hypervisor"), "{err}");
    assert!(err.contains("plan.yaml:"), "{err}");
}

/// A source with reserves, before the mains: a generator that runs 6
/// hours.
const GENERATOR: &str = "
name: power
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
services:
  mains: { name: Mains, kind: power, recovery: { duration: 1h } }
  gen: { name: Generator, kind: power, autonomy: 6h, controlled_shutdown: 1h, recovery: { duration: 1d } }
  host: { name: Host, kind: hypervisor, depends_on: [{ at_least: 1, of: [mains, gen] }], recovery: { duration: 4h, needs: { infra: 1 }, restart: { duration: 1h, after_crash: 3h, needs: { infra: 1 } } } }
  db: { name: DB, kind: database, depends_on: [host], recovery: { duration: 2h, needs: { infra: 1 }, restart: { duration: 30m, after_crash: 2h, needs: { infra: 1 } } } }
  app: { name: App, kind: application, depends_on: [db], recovery: { duration: 1h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 0m, depends_on: [app] }
";

/// Writes `plan` and a cut of the mains and the generator's feed for
/// `lasts`; the scenario's path.
fn cut_for(dir: &std::path::Path, plan: &str, lasts: &str) -> String {
    cut_of(dir, plan, "[mains, gen]", lasts)
}

/// Writes `plan` and a cut of `sources` for `lasts` in `dir`; the
/// scenario's path.
fn cut_of(dir: &std::path::Path, plan: &str, sources: &str, lasts: &str) -> String {
    std::fs::write(dir.join("plan.yaml"), plan).unwrap();
    let sc = dir.join("cut.yaml");
    std::fs::write(
        &sc,
        format!("name: cut\nplan: plan.yaml\nevents:\n  - {{ at: 0m, power: {sources}, for: {lasts} }}\n"),
    )
    .unwrap();
    sc.display().to_string()
}

/// `(node, kind, t)` of the simulation's shutdowns and drains.
fn power_events(sim: &serde_json::Value) -> Vec<(String, String, u64)> {
    sim["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "shutdown" || e["kind"] == "drained")
        .map(|e| {
            (
                e["node"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
                e["t_s"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_controlled_shutdown_before_the_fuel_runs_out_trades_an_early_stop_for_a_short_restart() {
    let dir = tempfile::tempdir().unwrap();
    // The mains are out 10 hours, the generator runs 6: the teams shut
    // the host and the database down cleanly at 5h (an hour before the
    // fuel ends), and restart them in their clean times once the mains
    // are back at 10h: host 10h → 11h, database 11h → 11h30.
    let sc = cut_for(dir.path(), GENERATOR, "10h");
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    assert_eq!(
        tasks(&rp),
        [
            ("host", "restart", 10 * H, 11 * H),
            ("db", "restart", 11 * H, 11 * H + H / 2)
        ]
    );
    let sim = json(&["simulate", &sc, "--format", "json"]);
    let p = &sim["processes"][0];
    assert_eq!(p["restored_s"], 11 * H + H / 2, "{p}");
    assert_eq!(
        p["down_s"],
        6 * H + H / 2,
        "down from the shutdown at 5h: {p}"
    );
    assert_eq!(rp["processes"][0]["restored_s"], 11 * H + H / 2);
    assert_eq!(
        power_events(&sim),
        [
            ("host".to_string(), "shutdown".to_string(), 5 * H),
            ("db".to_string(), "shutdown".to_string(), 5 * H),
            ("gen".to_string(), "drained".to_string(), 6 * H),
        ]
    );

    // Without a controlled shutdown, the fuel runs out at 6h and both
    // crash: their restarts after a crash take 3 hours and 2.
    let abrupt = GENERATOR.replace(", controlled_shutdown: 1h", "");
    let sc = cut_for(dir.path(), &abrupt, "10h");
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    assert_eq!(
        tasks(&rp),
        [
            ("host", "restart-after-crash", 10 * H, 13 * H),
            ("db", "restart-after-crash", 13 * H, 15 * H)
        ]
    );
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(sim["processes"][0]["restored_s"], 15 * H);
    assert_eq!(sim["processes"][0]["down_s"], 9 * H);
    let (_, text, _) = crate::run(&["simulate", &sc]);
    assert!(
        text.contains("restart after an abrupt stop starts"),
        "{text}"
    );

    // Mains back before the fuel runs out: no shutdown, nothing stops.
    let sc = cut_for(dir.path(), GENERATOR, "5h30m");
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(power_events(&sim), []);
    assert_eq!(sim["processes"][0]["down_s"], 0);
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    assert_eq!(tasks(&rp), []);

    // Back half an hour after the fuel ran out: shut down at 5h, restarted
    // from 6h30.
    let sc = cut_for(dir.path(), GENERATOR, "6h30m");
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    assert_eq!(
        tasks(&rp),
        [
            ("host", "restart", 6 * H + H / 2, 7 * H + H / 2),
            ("db", "restart", 7 * H + H / 2, 8 * H)
        ]
    );
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(sim["processes"][0]["restored_s"], 8 * H);
}

#[test]
fn a_shutdown_needs_reserves_and_a_crash_never_restarts_faster() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.yaml");
    let check = |plan: String| {
        std::fs::write(&path, plan).unwrap();
        crate::run(&["check", path.to_str().unwrap()])
    };
    let (code, _, err) = check(GENERATOR.replace("autonomy: 6h, ", ""));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[shutdown-without-autonomy]"), "{err}");
    assert!(err.contains("plan.yaml:7:"), "{err}");
    assert!(err.contains("give the source its `autonomy`"), "{err}");

    let (code, _, err) = check(GENERATOR.replace("after_crash: 3h", "after_crash: 30m"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[bad-after-crash]"), "{err}");
    assert!(err.contains("plan.yaml:8:"), "{err}");

    let (code, out, err) =
        check(GENERATOR.replace("controlled_shutdown: 1h", "controlled_shutdown: 6h"));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning[shutdown-over-autonomy]"),
        "{out}{err}"
    );
}

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
    std::fs::write(dir.join("plan.yaml"), plan).unwrap();
    let sc = dir.join("cut.yaml");
    std::fs::write(
        &sc,
        "name: cut\nplan: plan.yaml\nevents:\n  - { at: 0m, power: mains, for: 10h }\n",
    )
    .unwrap();
    sc.display().to_string()
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
            ("host", "restart", 10 * H, 11 * H),
            ("db", "restart", 11 * H, 11 * H + H / 2)
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
        .filter(|e| e["mode"] == "restart")
        .count();
    assert_eq!(restarts, 2);

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
            ("host", "restart", 10 * H, 11 * H),
            ("db", "restart", 11 * H, 11 * H + H / 2)
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

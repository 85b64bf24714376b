//! Restores after a cyberattack (issue 12): an investigation first, then
//! only copies older than the compromise of what they copy, or checked
//! clean.

use serde_json::Value;

use crate::{json, task};

const H: u64 = 3_600;
const D: u64 = 86_400;

/// An application with an immutable daily backup on a repository in a zone
/// the attacker does not reach.
const PLAN: &str = "
name: clean
entities: { e: { name: E } }
zones: { z: {}, b: {} }
teams: { t: { name: T, capacity: 2 } }
services:
  repo: { name: Repo, kind: backup, zone: b, recovery: { duration: 1h, rebuild: 2h, needs: { t: 1 } } }
  app:
    name: App
    kind: application
    zone: z
    recovery: { duration: 1h, rebuild: 2h, needs: { t: 1 } }
    data: { backup: { every: 24h, via: repo, immutable: true VERIFY } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1w, rpo: 1w, depends_on: [app] }
";

/// Writes the plan (with `verify` on the backup when given) and an attack
/// entering `app` at 1h, found at its encryption a day later, with this
/// investigation; the scenario's path.
fn case(dir: &std::path::Path, verify: Option<&str>, investigation: &str) -> String {
    let plan = PLAN.replace(
        " VERIFY",
        &verify.map(|v| format!(", verify: {v}")).unwrap_or_default(),
    );
    std::fs::write(dir.join("plan.yaml"), plan).unwrap();
    let sc = dir.join("attack.yaml");
    std::fs::write(
        &sc,
        format!("name: attack\nplan: plan.yaml\nattack: {{ at: 1h, entry: app, spread: certain, dwell: 1d, investigation: {investigation} }}\n"),
    )
    .unwrap();
    sc.display().to_string()
}

fn loss(sim: &Value, id: &str) -> Option<u64> {
    sim["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .and_then(|d| d["loss_s"].as_u64())
}

#[test]
fn the_investigation_delays_every_restore_by_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let found = H + D;
    for (investigation, wait) in [("0m", 0), ("3d", 3 * D)] {
        let sc = case(dir.path(), None, investigation);
        let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
        let app = task(&rp, "app");
        assert_eq!(app["mode"], "rebuild", "{rp}");
        assert_eq!(app["start_s"], found + wait, "{investigation}: {rp}");
        let sim = json(&["simulate", &sc, "--format", "json"]);
        let p = &sim["processes"][0];
        assert_eq!(
            p["restored_s"],
            found + wait + 2 * H,
            "{investigation}: {p}"
        );
        assert_eq!(rp["processes"][0]["restored_s"], found + wait + 2 * H);
    }
    // The runbook's assumptions say it.
    let sc = case(dir.path(), None, "3d");
    let (code, text, _) = crate::run(&["recover", "--scenario", &sc]);
    assert_eq!(code, 0);
    assert!(
        text.contains("Cyberattack: entry through app at T+1h, moving at once, encryption at T+25h; investigation of 72h: nothing the attacker held is rebuilt before T+4d1h"),
        "{text}"
    );
}

#[test]
fn a_copy_newer_than_the_compromise_is_used_only_once_checked() {
    let dir = tempfile::tempdir().unwrap();
    // Without a check: the last copy older than the compromise, a day
    // before the encryption: a day held plus the backup's interval lost.
    let sc = case(dir.path(), None, "0m");
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(loss(&sim, "app"), Some(D + D), "{sim}");
    assert_eq!(sim["processes"][0]["data_loss_s"], D + D);
    // Checked clean in 6 hours: the newest copy; the check is work for the
    // crew that rebuilds, 6 hours more of it.
    let sc = case(dir.path(), Some("6h"), "0m");
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(loss(&sim, "app"), Some(D), "{sim}");
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    let app = task(&rp, "app");
    assert_eq!(
        (&app["start_s"], &app["finish_s"]),
        (&(H + D).into(), &(H + D + 6 * H + 2 * H).into()),
        "{rp}"
    );
    assert_eq!(sim["processes"][0]["restored_s"], H + D + 6 * H + 2 * H);
    let t = sim["teams"].as_array().unwrap();
    assert_eq!(t[0]["work_s"], 8 * H, "{sim}");
}

/// What the attacker took through a directory is rebuilt once the
/// directory is, not joined to the compromised one; what the directory
/// itself runs on does not wait for it.
#[test]
fn what_a_held_directory_administers_is_rebuilt_after_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.yaml"),
        "name: d\nentities: { e: { name: E } }\nzones: { z: {} }\nteams: { t: { name: T, capacity: 3 } }\nservices:\n  host: { name: Host, kind: hypervisor, zone: z, identity: ad, recovery: { duration: 1h, rebuild: 3h, needs: { t: 1 } } }\n  ad: { name: AD, kind: identity, zone: z, depends_on: [host], recovery: { duration: 1h, rebuild: 10h, needs: { t: 1 } } }\n  app: { name: App, kind: application, zone: z, identity: ad, depends_on: [host], recovery: { duration: 1h, rebuild: 2h, needs: { t: 1 } } }\nprocesses:\n  p: { name: P, entity: e, criticality: vital, mtpd: 1w, depends_on: [app] }\n",
    )
    .unwrap();
    let sc = dir.path().join("attack.yaml");
    std::fs::write(
        &sc,
        "name: a\nplan: plan.yaml\nattack: { at: 0m, entry: ad, spread: certain, identity: certain, dwell: 1d }\n",
    )
    .unwrap();
    let sc = sc.display().to_string();
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    // The host (which the directory runs on) first, then the directory,
    // then the application.
    let at = |id: &str| task(&rp, id)["start_s"].as_u64().unwrap();
    assert_eq!(at("host"), D, "{rp}");
    assert_eq!(at("ad"), D + 3 * H, "{rp}");
    assert_eq!(at("app"), D + 13 * H, "{rp}");
    let sim = json(&["simulate", &sc, "--format", "json"]);
    assert_eq!(sim["processes"][0]["restored_s"], D + 15 * H, "{sim}");
    assert_eq!(rp["processes"][0]["restored_s"], D + 15 * H);
}

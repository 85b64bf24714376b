//! Failover triggers and kinds (issue 11), on small plans: losing the
//! primary through what it needs makes its failover possible; an automatic
//! failover needs nobody and no decision; a manual one waits for the
//! decision, counted from the loss.

use serde_json::Value;

use crate::{json, run};

const H: u64 = 3_600;

/// `db` runs on `host-a`; its standby `db-b` on `host-b`.
fn plan(failover: &str) -> String {
    format!(
        "
name: failover
entities: {{ e: {{ name: E }} }}
teams: {{ dba: {{ name: DBA, capacity: 1 }} }}
sites:
  a: {{ name: A }}
  b: {{ name: B }}
services:
  host-a: {{ name: Host A, kind: hypervisor, site: a, recovery: {{ duration: 4h, needs: {{ dba: 1 }} }} }}
  host-b: {{ name: Host B, kind: hypervisor, site: b, recovery: {{ duration: 4h, needs: {{ dba: 1 }} }} }}
  db-b: {{ name: DB B, kind: database, site: b, depends_on: [host-b], recovery: {{ duration: 1h, needs: {{ dba: 1 }} }} }}
  db:
    name: DB
    kind: database
    site: a
    depends_on: [host-a]
    recovery: {{ duration: 1h, needs: {{ dba: 1 }}, failover: {failover} }}
processes:
  p: {{ name: P, entity: e, criticality: vital, mtpd: 1d, resume: 0m, depends_on: [db] }}
"
    )
}

fn play(failover: &str) -> (Value, Value) {
    play_plan(&plan(failover))
}

fn play_plan(plan: &str) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.yaml"), plan).unwrap();
    let sc = dir.path().join("host.yaml");
    std::fs::write(
        &sc,
        "name: host lost\nplan: plan.yaml\nevents:\n  - { at: 0m, outage: host-a, for: 5d }\n",
    )
    .unwrap();
    let sc = sc.display().to_string();
    (
        json(&["simulate", &sc, "--format", "json"]),
        json(&["recover", "--scenario", &sc, "--format", "json"]),
    )
}

fn back(run: &Value) -> Option<u64> {
    run["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "p")
        .unwrap()["restored_s"]
        .as_u64()
}

#[test]
fn a_primary_whose_host_is_lost_for_days_is_back_after_its_failover() {
    let (sim, rp) = play("{ to: db-b, duration: 30m, decision: 1h }");
    // Decided an hour after the loss, switched in 30 minutes: not after
    // the host's five days.
    assert_eq!(back(&sim), Some(H + H / 2), "{sim}");
    assert_eq!(back(&rp), Some(H + H / 2), "{rp}");
    let task = &rp["tasks"][0];
    assert_eq!(task["mode"], "failover");
    assert_eq!(task["start_s"], H);
    assert_eq!(task["needs"]["dba"], 1);
}

#[test]
fn an_automatic_failover_needs_nobody_and_no_decision() {
    let (sim, rp) = play("{ to: db-b, duration: 30m, kind: automatic }");
    assert_eq!(back(&sim), Some(H / 2), "{sim}");
    assert_eq!(back(&rp), Some(H / 2), "{rp}");
    let task = &rp["tasks"][0];
    assert_eq!(task["mode"], "failover");
    assert_eq!(task["start_s"], 0);
    assert_eq!(task["needs"], serde_json::json!({}));
}

#[test]
fn an_automatic_failover_cannot_wait_for_a_decision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.yaml");
    std::fs::write(
        &path,
        plan("{ to: db-b, duration: 30m, kind: automatic, decision: 1h }"),
    )
    .unwrap();
    let (code, _, stderr) = run(&["check", &path.display().to_string()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "error[automatic-decision]: `db` fails over automatically, without a decision to wait for"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("plan.yaml:17:114"), "{stderr}");
    assert!(stderr.contains("help: leave out `decision`, or write `kind: manual`"));
}

#[test]
fn a_cold_standby_is_brought_up_and_restored_from_the_copy_first() {
    // db-b is cold: brought up (its 1h restore), then db's nightly backup,
    // kept off-site with a 2h retrieval, restored onto it, then the 30m
    // switch.
    let cold = plan("{ to: db-b, duration: 30m, cold: true }").replace(
        "    recovery: { duration: 1h, needs: { dba: 1 }, failover",
        "    data: { backup: { every: 24h, offsite: true, retrieval: 2h } }\n    recovery: { duration: 1h, needs: { dba: 1 }, failover",
    );
    let (sim, rp) = play_plan(&cold);
    let task = &rp["tasks"][0];
    assert_eq!(task["mode"], "failover", "{rp}");
    assert_eq!(task["start_s"], 2 * H, "after the copy's retrieval");
    assert_eq!(task["finish_s"], 2 * H + H + H / 2);
    assert_eq!(back(&rp), Some(3 * H + H / 2));
    assert_eq!(back(&sim), Some(3 * H + H / 2), "{sim}");
    // Restored from the nightly backup: a day of data lost.
    let data = sim["data"].as_array().unwrap();
    assert!(
        data.iter()
            .any(|d| d["id"] == "db" && d["loss_s"] == 24 * H),
        "{data:?}"
    );
}

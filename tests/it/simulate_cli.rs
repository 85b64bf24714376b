//! `reprise simulate`: one run of a scenario as a timeline, reproducible,
//! consistent with itself.

use std::collections::HashMap;

use serde_json::Value;

use crate::{run, scenarios};

fn scenario(name: &str) -> String {
    scenarios().join(name).display().to_string()
}

fn simulate(name: &str) -> Value {
    let (code, stdout, stderr) = run(&[
        "simulate",
        &scenario(name),
        "--budget",
        "1000",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let args = [
        "simulate",
        &scenario("incendie-dc-a.yaml"),
        "--budget",
        "1000",
        "--seed",
        "3",
        "--format",
        "json",
    ];
    let (_, a, _) = run(&args);
    let (_, b, _) = run(&args);
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn the_timeline_is_in_order_and_agrees_with_the_process_results() {
    for name in [
        "incendie-dc-a.yaml",
        "panne-operateur-wan.yaml",
        "canicule-effectifs.yaml",
    ] {
        let run = simulate(name);
        let events = run["events"].as_array().unwrap();
        for key in ["t_s", "kind", "node", "detail"] {
            assert!(events[0].get(key).is_some(), "{key}");
        }
        let times: Vec<u64> = events.iter().map(|e| e["t_s"].as_u64().unwrap()).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{name}: events in time order"
        );
        // Every process that stops comes back, and it breaches exactly
        // when the timeline says so.
        let mut breached: HashMap<&str, bool> = HashMap::new();
        for e in events {
            if e["kind"] == "breach" {
                breached.insert(e["node"].as_str().unwrap(), true);
            }
        }
        for p in run["processes"].as_array().unwrap() {
            let id = p["id"].as_str().unwrap();
            assert_eq!(
                p["breach"].as_bool().unwrap(),
                breached.contains_key(id),
                "{name}: {id}"
            );
            assert_eq!(
                p["breach"].as_bool().unwrap(),
                p["down_s"].as_u64().unwrap() > p["mtpd_s"].as_u64().unwrap(),
                "{name}: {id}"
            );
            let stopped = events
                .iter()
                .any(|e| e["node"] == id && e["kind"] == "down");
            assert_eq!(
                stopped,
                !p["restored_s"].is_null(),
                "{name}: {id} stops iff it is restored"
            );
        }
    }
}

#[test]
fn an_operator_outage_loses_no_data_and_lasts_as_long_as_the_operator() {
    let run = simulate("panne-operateur-wan.yaml");
    for p in run["processes"].as_array().unwrap() {
        assert_eq!(p["data_loss_s"], 0, "{}", p["id"]);
        if let Some(r) = p["restored_s"].as_u64() {
            assert!(r >= 36 * 3600, "{}", p["id"]);
        }
    }
    assert_eq!(run["makespan_s"], 36 * 3600);
}

#[test]
fn a_fire_loses_the_data_whose_copies_burnt() {
    let fire = simulate("incendie-dc-a.yaml");
    let data: HashMap<&str, &Value> = fire["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), &d["loss_s"]))
        .collect();
    // sql-a is replicated to sql-b at the backup site, 5 minutes behind.
    assert_eq!(data["sql-a"], &Value::from(300));
    let etat_civil = fire["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "etat-civil-nantes")
        .unwrap();
    assert_eq!(etat_civil["breach"], true);
    let (code, text, _) = run(&[
        "simulate",
        &scenario("incendie-dc-a.yaml"),
        "--budget",
        "1000",
        "--lang",
        "fr",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("Chronologie") && text.contains("Départ de feu"),
        "French timeline"
    );
}

#[test]
fn simulate_refuses_a_time_budget() {
    let (code, _, stderr) = run(&[
        "simulate",
        &scenario("incendie-dc-a.yaml"),
        "--budget",
        "2s",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("so that a seed gives the same run"),
        "{stderr}"
    );
}

//! Scenarios: their mistakes reported with places, and `recover --scenario`
//! planning what a scenario does with the staff it leaves.

use serde_json::Value;

use crate::recovery_cli::assert_feasible;
use crate::{example_plan, json, run, scenarios};

#[test]
fn every_mistake_of_a_scenario_is_reported_with_its_place() {
    let (code, stdout, stderr) = run(&["recover", "--scenario", "scenarios/bad.yaml"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    for (header, place) in [
        (
            "error[unknown-id]: unknown service `esx-c`; did you mean `esx-a`?",
            "scenarios/bad.yaml:5:14",
        ),
        (
            "error[bad-event]: an event does one thing",
            "scenarios/bad.yaml:6:5",
        ),
        (
            "error[unknown-id]: unknown team `infar`",
            "scenarios/bad.yaml:10:12",
        ),
        (
            "error[missing-key]: a `staff` event needs `capacity`",
            "scenarios/bad.yaml:12:5",
        ),
        (
            "error[bad-duration]: bad duration: `4` is a bare number",
            "scenarios/bad.yaml:14:9",
        ),
    ] {
        assert!(stderr.contains(header), "missing {header}:\n{stderr}");
        assert!(
            stderr.contains(&format!("--> {place}")),
            "missing {place}:\n{stderr}"
        );
    }
    let (code, _, stderr) = run(&["recover", "--scenario", "scenarios/missing-plan.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot open the plan `scenarios/../nulle-part/plan.yaml`"),
        "{stderr}"
    );
}

#[test]
fn a_scenario_for_another_plan_is_refused() {
    let plan = example_plan();
    let (code, _, stderr) = run(&[
        "recover",
        plan.to_str().unwrap(),
        "--scenario",
        "scenarios/other.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the scenario is written for"), "{stderr}");
    let (code, _, _) = run(&[
        "recover",
        "valid/plan.yaml",
        "--scenario",
        "scenarios/other.yaml",
        "--budget",
        "500",
    ]);
    assert_eq!(code, 0, "the same plan, named twice");
}

#[test]
fn a_staff_shortage_delays_what_needs_more_people() {
    // dc-a fails; infra has one person for the first 10 hours, and the
    // clusters need two.
    let schedule = json(&[
        "recover",
        "--scenario",
        "scenarios/other.yaml",
        "--budget",
        "1000",
        "--format",
        "json",
    ]);
    let esx = schedule["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "esx-a")
        .unwrap();
    assert_eq!(esx["mode"], "restore");
    assert!(esx["start_s"].as_u64().unwrap() >= 10 * 3600, "{esx}");
    let db = schedule["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "db")
        .unwrap();
    assert_eq!(db["mode"], "failover", "the standby at dc-b is up");
}

#[test]
fn shipped_scenarios_plan_a_feasible_recovery() {
    let plan = example_plan();
    let shown = json(&["show", plan.to_str().unwrap(), "--format", "json"]);
    for name in [
        "incendie-dc-a.yaml",
        "panne-operateur-wan.yaml",
        "canicule-effectifs.yaml",
        "rancongiciel-vpn.yaml",
        "panne-saas-libriciel.yaml",
        "crue-loire-dc-b.yaml",
        "coupure-electrique-regionale.yaml",
    ] {
        let path = scenarios().join(name);
        let schedule = json(&[
            "recover",
            "--scenario",
            path.to_str().unwrap(),
            "--budget",
            "1000",
            "--format",
            "json",
        ]);
        assert_feasible(&schedule, &shown);
        assert!(
            !schedule["processes"].as_array().unwrap().is_empty(),
            "{name} stops processes"
        );
    }
}

#[test]
fn an_operator_outage_needs_no_work_and_ends_when_the_operator_is_back() {
    let path = scenarios().join("panne-operateur-wan.yaml");
    let schedule = json(&[
        "recover",
        "--scenario",
        path.to_str().unwrap(),
        "--budget",
        "500",
        "--format",
        "json",
    ]);
    // Nothing to restore by hand; the public web site, cut from the
    // internet, fails over to its static emergency page elsewhere.
    let tasks = schedule["tasks"].as_array().unwrap();
    let work: Vec<(&str, &str)> = tasks
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["mode"].as_str().unwrap()))
        .collect();
    assert_eq!(work, [("site-web", "failover")], "{tasks:?}");
    assert_eq!(schedule["makespan_s"], 36 * 3600);
    assert!(!schedule["processes"].as_array().unwrap().is_empty());
    for p in schedule["processes"].as_array().unwrap() {
        assert!(p["restored_s"].as_u64().unwrap() >= 36 * 3600);
    }
}

#[test]
fn the_fire_scenario_fails_over_what_has_a_standby_and_rebuilds_the_rest() {
    let path = scenarios().join("incendie-dc-a.yaml");
    let schedule = json(&[
        "recover",
        "--scenario",
        path.to_str().unwrap(),
        "--budget",
        "500",
        "--format",
        "json",
    ]);
    let mode = |id: &str| {
        schedule["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["mode"]
            .clone()
    };
    assert_eq!(mode("sql-a"), "failover");
    assert_eq!(mode("san-a"), "rebuild");
    let (code, md, _) = run(&[
        "recover",
        "--scenario",
        path.to_str().unwrap(),
        "--budget",
        "500",
        "--format",
        "markdown",
        "--lang",
        "fr",
    ]);
    assert_eq!(code, 0);
    assert!(
        md.contains("scénario « Incendie du datacenter principal »"),
        "assumptions name the scenario"
    );
    assert!(
        md.contains("T+48h : équipe infra : 2 personne(s) (4d)"),
        "events are listed"
    );
}

/// The schema the scenarios' modelines point at is current, and every
/// shipped scenario validates against it.
#[test]
fn the_scenario_schema_is_current_and_validates_the_scenarios() {
    let (_, printed, _) = run(&["schema", "scenario"]);
    let committed =
        std::fs::read_to_string(scenarios().join("reprise.scenario.schema.json")).unwrap();
    assert_eq!(
        printed, committed,
        "run `reprise schema scenario > scenarios/reprise.scenario.schema.json`"
    );
    let schema: Value = serde_json::from_str(&printed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(scenarios()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let doc: Value =
                serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 3);
}

//! Containment (issue 12): isolating a zone cuts the network links that
//! cross its boundary. What is inside keeps running on what it has inside
//! and on what no network carries (power, its hypervisor); what is outside
//! loses what was inside; the attacker cannot cross.

use serde_json::Value;

use crate::{json, run};

const H: u64 = 3_600;

/// An industrial zone that needs nothing outside but power, an office zone
/// whose application reads the plant's historian, servers on a hypervisor
/// in an administration zone the network does not reach, and a SaaS
/// reached through a DMZ.
const PLAN: &str = "
name: containment
entities: { e: { name: E } }
zones:
  users: { reach: [servers, dmz] }
  servers: { reach: [ot, dmz] }
  dmz: { reach: [internet] }
  internet: { reach: [] }
  ot: { reach: [] }
  admin: { reach: [servers, ot] }
teams: { t: { name: T, capacity: 2 } }
services:
  power: { name: Power, kind: power, recovery: { duration: 1h } }
  hv: { name: Hypervisor, kind: hypervisor, zone: admin, depends_on: [power], recovery: { duration: 1h, needs: { t: 1 } } }
  plc: { name: PLC, kind: scada, zone: ot, depends_on: [power, historian], recovery: { duration: 1h, needs: { t: 1 } } }
  historian: { name: Historian, kind: database, zone: ot, depends_on: [power], recovery: { duration: 1h, needs: { t: 1 } } }
  erp: { name: ERP, kind: application, zone: servers, depends_on: [hv, historian], recovery: { duration: 1h, needs: { t: 1 } } }
  app: { name: App, kind: application, zone: servers, depends_on: [hv], recovery: { duration: 1h, needs: { t: 1 } } }
  saas: { name: SaaS, kind: saas, zone: internet, recovery: { duration: 1h } }
  proxy: { name: Proxy, kind: security, zone: dmz, recovery: { duration: 1h, needs: { t: 1 } } }
  ws: { name: Workstations, kind: workstation, zone: users, recovery: { duration: 1h, needs: { t: 1 } } }
processes:
  water: { name: Water, entity: e, criticality: vital, mtpd: 4h, depends_on: [plc] }
  billing: { name: Billing, entity: e, criticality: important, mtpd: 1d, depends_on: [erp] }
  office: { name: Office, entity: e, criticality: important, mtpd: 1d, depends_on: [ws, app] }
  online: { name: Online, entity: e, criticality: important, mtpd: 1d, depends_on: [ws, saas] }
";

fn plan(dir: &std::path::Path) -> String {
    let path = dir.join("plan.yaml");
    std::fs::write(&path, PLAN).unwrap();
    path.display().to_string()
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

fn state<'a>(impact: &'a Value, process: &str) -> &'a str {
    impact["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == process)
        .map_or("up", |p| p["state"].as_str().unwrap())
}

#[test]
fn an_isolated_zone_keeps_running_on_what_it_has_inside() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path());
    let cut = json(&["impact", &plan, "isolate:ot", "--format", "json"]);
    // The plant runs on its own historian and its power: water goes on.
    assert_eq!(state(&cut, "water"), "up", "{cut}");
    // The ERP outside reads the historian across the boundary: cut.
    assert_eq!(names(&cut["down"]), ["erp"], "{cut}");
    assert_eq!(state(&cut, "billing"), "down");
    // Failing the zone instead stops the plant.
    let failed = json(&["impact", &plan, "zone:ot", "--format", "json"]);
    assert_eq!(state(&failed, "water"), "down");
}

#[test]
fn hosting_links_the_network_does_not_carry_are_never_cut() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path());
    // The servers run on a hypervisor in the administration zone, which
    // the servers do not reach: isolating either zone leaves them up.
    for zone in ["isolate:admin", "isolate:servers"] {
        let cut = json(&["impact", &plan, zone, "--format", "json"]);
        let down = names(&cut["down"]);
        assert!(!down.contains(&"app"), "{zone}: {cut}");
    }
}

#[test]
fn a_process_reaches_its_services_from_its_workstations_zone() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path());
    // The office workers sit in `users`: isolating the servers cuts them
    // from their application, though the application itself runs.
    let cut = json(&["impact", &plan, "isolate:servers", "--format", "json"]);
    assert!(!names(&cut["down"]).contains(&"app"), "{cut}");
    assert_eq!(state(&cut, "office"), "down", "{cut}");
    // They reach the SaaS through the DMZ: isolating the DMZ cuts that
    // path, isolating the servers does not.
    assert_eq!(state(&cut, "online"), "up", "{cut}");
    let dmz = json(&["impact", &plan, "isolate:dmz", "--format", "json"]);
    assert_eq!(state(&dmz, "online"), "down", "{dmz}");
    // Isolating the internet zone is cutting the internet link.
    let internet = json(&["impact", &plan, "isolate:internet", "--format", "json"]);
    assert_eq!(state(&internet, "online"), "down", "{internet}");
    assert_eq!(state(&internet, "office"), "up", "{internet}");
    // The words say it is an isolation.
    let (code, text, _) = run(&["impact", &plan, "isolate:ot"]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with("Isolating zone:ot: 1 services down"),
        "{text}"
    );
    // An unknown zone is refused with a suggestion.
    let (code, _, err) = run(&["impact", &plan, "isolate:o"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown zone `o`"), "{err}");
}

#[test]
fn simulate_and_recover_agree_on_an_isolation() {
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path());
    let sc = dir.path().join("cut.yaml");
    std::fs::write(
        &sc,
        "name: cut\nplan: plan.yaml\nevents:\n  - { at: 1h, isolate: ot, for: 10h }\n",
    )
    .unwrap();
    let sc = sc.display().to_string();
    let sim = json(&["simulate", &sc, "--format", "json"]);
    let rp = json(&["recover", "--scenario", &sc, "--format", "json"]);
    let restored = |v: &Value, id: &str| -> Option<u64> {
        v["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["restored_s"].as_u64())
    };
    // Billing loses the historian for the isolation's length; water never
    // stops.
    assert_eq!(restored(&sim, "billing"), Some(11 * H), "{sim}");
    assert_eq!(restored(&rp, "billing"), Some(11 * H), "{rp}");
    let events = sim["events"].as_array().unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e["node"] == "water" || e["node"] == "plc"),
        "{sim}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["node"] == "erp" && e["kind"] == "down" && e["t_s"] == H),
        "{sim}"
    );
    // Nothing is damaged: no work to plan.
    assert_eq!(rp["tasks"].as_array().unwrap().len(), 0, "{rp}");
}

#[test]
fn analyze_says_what_isolating_each_zone_costs() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path());
    let a = json(&["analyze", &plan, "--format", "json"]);
    let zone = |id: &str| -> Vec<&str> {
        let c = a["containment"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["zone"] == id)
            .unwrap_or_else(|| panic!("no zone {id} in {a}"));
        names(&c["stopped"])
    };
    // The same answers as `impact isolate:ZONE`, for every zone at once.
    assert!(zone("ot").contains(&"billing") && !zone("ot").contains(&"water"));
    // Isolating the servers cuts the ERP from the plant's historian too.
    assert_eq!(zone("servers"), ["billing", "office"]);
    assert_eq!(zone("dmz"), ["online"]);
    assert!(zone("admin").is_empty());
    let (code, text, _) = run(&["analyze", &plan]);
    assert!(code == 0 || code == 1, "{text}");
    assert!(
        text.contains("Containment: what isolating each zone stops"),
        "{text}"
    );
}

/// A zone is read the same in a scenario, in `impact` and in a
/// facilitator's command (`Plan::zone_target`): `zone:ID` or `ID`, and a
/// target of another kind is said to be one, not taken for an unknown zone.
#[test]
fn a_zone_reads_the_same_in_scenarios_and_impact() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path());
    for written in ["ot", "zone:ot"] {
        let sc = dir.path().join("cut.yaml");
        std::fs::write(
            &sc,
            format!("name: cut\nplan: plan.yaml\nevents:\n  - {{ at: 1h, isolate: \"{written}\", for: 10h }}\n"),
        )
        .unwrap();
        let (code, _, err) = run(&["simulate", sc.to_str().unwrap()]);
        assert_eq!(code, 0, "`{written}`: {err}");
        let (code, _, err) = run(&["impact", &plan, &format!("isolate:{written}")]);
        assert_eq!(code, 0, "`{written}`: {err}");
    }
    let sc = dir.path().join("cut.yaml");
    std::fs::write(
        &sc,
        "name: cut\nplan: plan.yaml\nevents:\n  - { at: 1h, isolate: \"supplier:x\", for: 10h }\n",
    )
    .unwrap();
    let (code, _, err) = run(&["simulate", sc.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[bad-target]: `supplier:x` is not a network zone (a supplier)")
            && err.contains("write the zone as `zone:ID` or `ID`"),
        "{err}"
    );
    let (code, _, err) = run(&["impact", &plan, "isolate:supplier:x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "`supplier:x` is not a network zone (a supplier); write the zone as `zone:ID` or `ID`"
        ),
        "{err}"
    );
}

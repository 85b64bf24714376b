//! Relocation to a recovery site (issue 11), on small plans written to test
//! one rule each: the mode chosen, the room given by priority, the copy a
//! relocation restores from, the site's lead time, the checks, and
//! `simulate` telling the story `recover --scenario` plans.

use serde_json::Value;

use crate::{run, task};

const H: u64 = 3_600;

/// Site A's platform `esx-a` is rebuilt in 40 days; site B stands in for A
/// with `esx-b`, room for `capacity` units, open `lead` after A's loss.
/// The backup server sits at B. `app1` (vital, 1 unit) and `app2`
/// (essential, 2 units) may be relocated.
fn plan(capacity: u32, lead: &str, backup: &str) -> String {
    format!(
        "
name: relocation
entities: {{ e: {{ name: E }} }}
teams: {{ infra: {{ name: Infra, capacity: 2 }} }}
sites:
  a: {{ name: Site A }}
  b:
    name: Site B
    stands_in_for: {{ site: a, capacity: {capacity}, lead_time: {lead}, twins: {{ esx-a: esx-b }} }}
services:
  esx-a: {{ name: ESX A, kind: hypervisor, site: a, recovery: {{ duration: 4h, rebuild: 40d, needs: {{ infra: 1 }} }} }}
  esx-b: {{ name: ESX B, kind: hypervisor, site: b, recovery: {{ duration: 4h, rebuild: 40d, needs: {{ infra: 1 }} }} }}
  backup-a: {{ name: Backup A, kind: backup, site: a, recovery: {{ duration: 4h, needs: {{ infra: 1 }} }} }}
  backup-b: {{ name: Backup B, kind: backup, site: b, recovery: {{ duration: 4h, needs: {{ infra: 1 }} }} }}
  app1:
    name: App 1
    kind: application
    site: a
    depends_on: [esx-a]
    recovery: {{ duration: 1h, rebuild: 1d, needs: {{ infra: 1 }}, relocate: {{ duration: 3h }} }}
    data: {{ backup: {backup} }}
  app2:
    name: App 2
    kind: application
    site: a
    depends_on: [esx-a]
    recovery: {{ duration: 1h, rebuild: 1d, needs: {{ infra: 1 }}, relocate: {{ duration: 2h, size: 2 }} }}
processes:
  p1: {{ name: P1, entity: e, criticality: vital, mtpd: 1d, depends_on: [app1] }}
  p2: {{ name: P2, entity: e, criticality: essential, mtpd: 2d, depends_on: [app2] }}
"
    )
}

const NIGHTLY_AT_B: &str = "{ every: 24h, via: backup-b }";

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(plan: &str, events: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plan.yaml"), plan).unwrap();
        std::fs::write(
            dir.path().join("fire.yaml"),
            format!("name: fire\nplan: plan.yaml\nevents:\n{events}"),
        )
        .unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(self.path("fire.yaml"));
        args.extend(["--format".into(), "json".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }

    fn recover(&self) -> Value {
        self.json(&["recover", "--scenario"])
    }

    fn simulate(&self) -> Value {
        self.json(&["simulate"])
    }
}

const FIRE_AT_A: &str = "  - { at: 0m, destroy: site:a }\n";

fn restored(run: &Value, id: &str) -> Option<u64> {
    run["processes"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no process {id} in {run}"))["restored_s"]
        .as_u64()
}

fn relocations(run: &Value) -> Vec<(String, String, u64)> {
    run["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["mode"] == "relocate")
        .map(|e| {
            (
                e["node"].as_str().unwrap().to_string(),
                e["site"].as_str().unwrap().to_string(),
                e["t_s"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_burnt_site_s_services_come_back_at_the_recovery_site_as_its_room_allows() {
    let case = Case::new(&plan(2, "2h", NIGHTLY_AT_B), FIRE_AT_A);
    let rp = case.recover();
    // The vital app1 takes 1 of B's 2 units; app2 (2 units) does not fit
    // and is rebuilt in place, after esx-a's 40 days.
    let app1 = task(&rp, "app1");
    assert_eq!(app1["mode"], "relocate", "{app1}");
    assert_eq!(app1["site"], "b");
    assert_eq!(app1["start_s"], 2 * H, "B opens 2 hours after A's loss");
    assert_eq!(app1["finish_s"], 5 * H);
    assert_eq!(app1["from"]["holder"], "backup-b");
    assert_eq!(app1["why"]["reason"], "sooner");
    let app2 = task(&rp, "app2");
    assert_eq!(app2["mode"], "rebuild", "{app2}");
    assert_eq!(app2["why"]["reason"], "no-room");
    assert_eq!(app2["why"]["site"], "b");
    assert!(app2["start_s"].as_u64().unwrap() >= 40 * 24 * H);

    // The simulation tells the same story.
    let run = case.simulate();
    assert_eq!(relocations(&run), [("app1".into(), "b".into(), 2 * H)]);
    assert_eq!(restored(&run, "p1"), Some(5 * H));
    for p in ["p1", "p2"] {
        let planned = rp["processes"]
            .as_array()
            .unwrap()
            .iter()
            .rfind(|x| x["id"] == p)
            .unwrap()["restored_s"]
            .as_u64();
        assert_eq!(restored(&run, p), planned, "{p}");
    }
    // Restored from the nightly backup: a day of data lost, though the
    // service's own disks were not what failed.
    let data = run["data"].as_array().unwrap();
    assert!(
        data.iter()
            .any(|d| d["id"] == "app1" && d["loss_s"] == 24 * H),
        "{data:?}"
    );
}

#[test]
fn with_room_for_both_both_move_and_nothing_waits_for_the_rebuild() {
    let case = Case::new(&plan(3, "0m", NIGHTLY_AT_B), FIRE_AT_A);
    let rp = case.recover();
    assert_eq!(task(&rp, "app1")["mode"], "relocate");
    assert_eq!(task(&rp, "app2")["mode"], "relocate");
    let run = case.simulate();
    let moved = relocations(&run);
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert!(restored(&run, "p2").unwrap() < 24 * H);
}

#[test]
fn a_copy_that_burnt_with_its_holder_is_never_restored_from() {
    // app1's only backup is on backup-a, at the burnt site, not off-site:
    // nothing to restore at B from, so it is rebuilt in place.
    let case = Case::new(&plan(3, "0m", "{ every: 24h, via: backup-a }"), FIRE_AT_A);
    let rp = case.recover();
    let app1 = task(&rp, "app1");
    assert_eq!(app1["mode"], "rebuild", "{app1}");
    assert_eq!(app1["why"]["reason"], "no-copy");
    let run = case.simulate();
    assert!(relocations(&run).iter().all(|(s, _, _)| s != "app1"));

    // The same copy declared off-site (a vault elsewhere) survives: read
    // elsewhere, it waits for no holder, only for its retrieval.
    let case = Case::new(
        &plan(
            3,
            "0m",
            "{ every: 24h, via: backup-a, offsite: true, retrieval: 6h }",
        ),
        FIRE_AT_A,
    );
    let rp = case.recover();
    let app1 = task(&rp, "app1");
    assert_eq!(app1["mode"], "relocate", "{app1}");
    assert_eq!(app1["start_s"], 6 * H, "after the copy's retrieval");
    assert_eq!(app1["from"]["holder"], Value::Null);
    assert_eq!(app1["from"]["offsite"], true);
    let run = case.simulate();
    let expected: Vec<(String, String, u64)> = vec![
        ("app2".into(), "b".into(), 0),
        ("app1".into(), "b".into(), 6 * H),
    ];
    assert_eq!(relocations(&run), expected);
}

#[test]
fn a_relocation_waits_for_the_holder_of_its_copy() {
    // The backup server at B is out for 10 hours as well.
    let case = Case::new(
        &plan(3, "0m", NIGHTLY_AT_B),
        "  - { at: 0m, destroy: site:a }\n  - { at: 0m, outage: backup-b, for: 10h }\n",
    );
    let rp = case.recover();
    let app1 = task(&rp, "app1");
    assert_eq!(app1["mode"], "relocate", "{app1}");
    assert!(app1["start_s"].as_u64().unwrap() >= 10 * H, "{app1}");
    let run = case.simulate();
    let moved = relocations(&run);
    let (_, _, start) = moved.iter().find(|(s, _, _)| s == "app1").unwrap();
    assert!(*start >= 10 * H, "{moved:?}");
}

#[test]
fn the_runbook_names_the_site_and_the_copy_in_both_languages() {
    let case = Case::new(&plan(2, "2h", NIGHTLY_AT_B), FIRE_AT_A);
    for (lang, words) in [
        (
            "en",
            [
                "relocation → Site B",
                "Bring back at",
                "backup on backup-b",
                "Recovery sites",
                "After the crisis: failback",
                "then free its 1 units at Site B",
            ],
        ),
        (
            "fr",
            [
                "relocalisation → Site B",
                "Relocaliser vers",
                "sauvegarde sur backup-b",
                "Sites de secours",
                "Après la crise : retour sur le site nominal",
                "puis libérer ses 1 unités à Site B",
            ],
        ),
    ] {
        let out = case.path(&format!("runbook-{lang}"));
        let (code, _, stderr) = run(&[
            "runbook",
            &case.path("plan.yaml"),
            "--scenario",
            &case.path("fire.yaml"),
            "--out",
            &out,
            "--lang",
            lang,
        ]);
        assert_eq!(code, 0, "{stderr}");
        let mut all = String::new();
        for entry in walk(std::path::Path::new(&out)) {
            all.push_str(&std::fs::read_to_string(entry).unwrap_or_default());
        }
        for w in words {
            assert!(all.contains(w), "{lang}: `{w}` missing from the runbook");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn check_warns_of_what_a_relocation_leaves_behind() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "
name: warnings
entities: { e: { name: E } }
teams: { infra: { name: Infra, capacity: 1 } }
sites:
  a: { name: A }
  b:
    name: B
    stands_in_for: { site: a, capacity: 4, twins: { esx-a: esx-c } }
services:
  esx-a: { name: ESX A, kind: hypervisor, site: a, recovery: { duration: 4h, needs: { infra: 1 } } }
  esx-c: { name: ESX C, kind: hypervisor, site: a, recovery: { duration: 4h, needs: { infra: 1 } } }
  db: { name: DB, kind: database, site: a, depends_on: [esx-a], recovery: { duration: 1h, needs: { infra: 1 } } }
  db2: { name: DB 2, kind: database, site: a, depends_on: [esx-a], recovery: { duration: 1h, needs: { infra: 1 }, failover: { to: db3, duration: 5m } } }
  db3: { name: DB 3, kind: database, site: a, depends_on: [esx-c], recovery: { duration: 1h, needs: { infra: 1 } } }
  app: { name: App, kind: application, site: a, depends_on: [esx-a, db], recovery: { duration: 1h, needs: { infra: 1 }, relocate: true } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [app, db2] }
";
    let path = dir.path().join("plan.yaml");
    std::fs::write(&path, plan).unwrap();
    let (code, _, stderr) = run(&["check", &path.display().to_string()]);
    assert_eq!(code, 0, "warnings only: {stderr}");
    for (header, place) in [
        (
            "warning[twin-site]: twin `esx-a: esx-c` of site `b`: `esx-a` is at `a` and `esx-c` at `a`",
            "plan.yaml:7:3",
        ),
        (
            "warning[standby-same-site]: `db2` fails over to `db3`, at the same site `a`: losing the site loses both",
            "plan.yaml:14:3",
        ),
        (
            "warning[left-behind]: relocated to `b`, `app` still needs `db`, which stays at `a`",
            "plan.yaml:16:3",
        ),
    ] {
        assert!(stderr.contains(header), "missing `{header}` in\n{stderr}");
        assert!(stderr.contains(place), "missing `{place}` in\n{stderr}");
    }
}

/// The shipped fire: DC-B takes what fits of DC-A's vital and essential
/// services, within its room, and every vital process is back within its
/// DMIA; what still breaches waits for something other than DC-B's room.
#[test]
fn the_shipped_fire_moves_to_dc_b_within_its_room() {
    let fire = crate::scenarios().join("incendie-dc-a.yaml");
    let fire = fire.display().to_string();
    let (code, stdout, stderr) = run(&["simulate", &fire, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let sim: Value = serde_json::from_str(&stdout).unwrap();
    let moved = relocations(&sim);
    assert!(moved.len() >= 5, "{moved:?}");
    assert!(moved.iter().all(|(_, site, _)| site == "dc-b"));
    assert!(
        moved.iter().all(|(_, _, t)| *t >= 4 * H),
        "DC-B opens 4 hours after the fire: {moved:?}"
    );
    for id in ["app-etat-civil", "impression"] {
        assert!(moved.iter().any(|(s, _, _)| s == id), "{id}: {moved:?}");
    }
    let (code, plan_json, _) = run(&[
        "show",
        &crate::fixtures()
            .join("../../plans/territoire/plan.yaml")
            .display()
            .to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let plan: Value = serde_json::from_str(&plan_json).unwrap();
    let vital: Vec<&str> = plan["processes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["criticality"] == "vital")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for p in sim["processes"].as_array().unwrap() {
        if vital.contains(&p["id"].as_str().unwrap()) {
            assert_eq!(p["breach"], false, "{p}");
        }
    }

    // recover --scenario names DC-B's room and what it took.
    let (code, rp, stderr) = run(&["recover", "--scenario", &fire, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rp: Value = serde_json::from_str(&rp).unwrap();
    let planned: Vec<&str> = rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["mode"] == "relocate")
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let mut simulated: Vec<&str> = moved.iter().map(|(s, _, _)| s.as_str()).collect();
    simulated.sort();
    let mut planned_sorted = planned.clone();
    planned_sorted.sort();
    assert_eq!(
        simulated, planned_sorted,
        "simulate and recover move the same services"
    );
    let (code, text, _) = run(&["recover", "--scenario", &fire, "--lang", "fr"]);
    assert_eq!(code, 0);
    assert!(text.contains("Sites de secours"), "{text}");
    assert!(text.contains("unités sur 32 occupées"), "{text}");
}

/// An overflow (a colocation, a cloud) is one more site standing in for the
/// lost one, with its own room and a longer lead time: what does not fit at
/// the recovery site goes there when that is still sooner than in place.
#[test]
fn what_does_not_fit_goes_to_the_overflow_when_sooner_than_in_place() {
    let with_cloud = plan(2, "2h", NIGHTLY_AT_B).replace(
        "services:\n",
        "  cloud:\n    name: Cloud\n    stands_in_for: { site: a, capacity: 10, lead_time: 3d, twins: { esx-a: vm-cloud } }\nservices:\n  vm-cloud: { name: Cloud VMs, kind: hypervisor, site: cloud, supplier: cloudco, recovery: { duration: 1h } }\n",
    ).replace(
        "teams:",
        "suppliers: { cloudco: { name: CloudCo } }\nteams:",
    );
    let case = Case::new(&with_cloud, FIRE_AT_A);
    let rp = case.recover();
    let app1 = task(&rp, "app1");
    assert_eq!(app1["site"], "b", "{app1}");
    // app2 (2 units) does not fit at b; the cloud opens after 3 days,
    // still sooner than esx-a's 40-day rebuild.
    let app2 = task(&rp, "app2");
    assert_eq!(app2["mode"], "relocate", "{app2}");
    assert_eq!(app2["site"], "cloud");
    assert_eq!(app2["start_s"], 3 * 24 * H);
    let run = case.simulate();
    let moved = relocations(&run);
    assert_eq!(
        moved,
        [
            ("app1".to_string(), "b".to_string(), 2 * H),
            ("app2".to_string(), "cloud".to_string(), 3 * 24 * H)
        ]
    );
}

/// The ransomware: what the attacker held is found at the attack's end, and
/// that is when DC-B opens for `recover --scenario` as for `simulate` (a
/// recovery site opens after its home site's first hit, whatever the hit).
#[test]
fn the_shipped_ransomware_relocates_the_same_services_in_both_commands() {
    let sc = crate::scenarios().join("rancongiciel-vpn.yaml");
    let sc = sc.display().to_string();
    let (code, stdout, stderr) = run(&["simulate", &sc, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let sim: Value = serde_json::from_str(&stdout).unwrap();
    let mut simulated: Vec<String> = relocations(&sim).into_iter().map(|r| r.0).collect();
    simulated.sort();
    let (code, stdout, stderr) = run(&["recover", "--scenario", &sc, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rp: Value = serde_json::from_str(&stdout).unwrap();
    let mut planned: Vec<&str> = rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["mode"] == "relocate")
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    planned.sort();
    assert!(!planned.is_empty());
    assert_eq!(simulated, planned);
}

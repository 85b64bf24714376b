//! Flexible staff (issue 11): a team standing in for another, slower; a
//! reduced crew, slower; a team's sustained strength once the surge is
//! over. Exact answers on small plans, `recover` and `simulate` agreeing,
//! and the exercise doing a player's `with TEAM` at the declared pace.

use serde_json::Value;

use crate::{json, reprise};

const H: u64 = 3_600;

/// Infra has 2 people, the outsourcer 2 (standing in for infra on
/// `STANDS` kinds at ×1.5); the storage array needs 2 of infra for 4 h, or
/// 1 of infra for 8 h (`REDUCED`).
const PLAN: &str = "
name: staff
entities: { e: { name: E } }
teams:
  infra: { name: Infra, capacity: 2 SUSTAINED}
  outsourcer: { name: Outsourcer, capacity: 2, stands_in_for: { infra: { slowdown: 1.5, kinds: [STANDS] } } }
services:
  san: { name: SAN, kind: storage, recovery: { duration: 4h, needs: { infra: 2 } REDUCED} }
  host: { name: Host, kind: hypervisor, depends_on: [san], recovery: { duration: 2h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 1d, resume: 0m, depends_on: [host] }
";

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(stands: &str, reduced: bool, sustained: &str, events: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let plan = PLAN
            .replace("STANDS", stands)
            .replace(
                " REDUCED",
                if reduced {
                    ", reduced_crew: { needs: { infra: 1 }, slowdown: 2 }"
                } else {
                    ""
                },
            )
            .replace(" SUSTAINED", sustained);
        std::fs::write(dir.path().join("plan.yaml"), plan).unwrap();
        std::fs::write(
            dir.path().join("s.yaml"),
            format!("name: s\nplan: plan.yaml\nevents:\n{events}"),
        )
        .unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn recover(&self) -> Value {
        let sc = self.path("s.yaml");
        json(&["recover", "--scenario", &sc, "--format", "json"])
    }

    fn simulate(&self) -> Value {
        json(&["simulate", &self.path("s.yaml"), "--format", "json"])
    }
}

/// Infra down to 1 person for two weeks, the array lost at T0.
const SHORT: &str =
    "  - { at: 0m, staff: infra, capacity: 1, for: 2w }\n  - { at: 0m, outage: san }\n";

/// `(id, start, finish, needs)` of each task.
fn tasks(rp: &Value) -> Vec<(String, u64, u64, Value)> {
    rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["start_s"].as_u64().unwrap(),
                t["finish_s"].as_u64().unwrap(),
                t["needs"].clone(),
            )
        })
        .collect()
}

fn back(v: &Value) -> u64 {
    v["processes"][0]["restored_s"].as_u64().unwrap()
}

#[test]
fn the_outsourcer_stands_in_for_a_team_short_of_people() {
    // Without anyone to stand in, the array waits two weeks for infra.
    let alone = Case::new("hypervisor", false, "", SHORT);
    let rp = alone.recover();
    assert_eq!(back(&rp), 2 * 7 * 24 * H + 4 * H);
    assert_eq!(back(&alone.simulate()), back(&rp));

    // The outsourcer takes it on at ×1.5: 6 h (the host comes back with
    // it).
    let case = Case::new("storage", false, "", SHORT);
    let rp = case.recover();
    let t = tasks(&rp);
    assert_eq!(t[0].0, "san");
    assert_eq!((t[0].1, t[0].2), (0, 6 * H));
    assert_eq!(t[0].3, serde_json::json!({ "outsourcer": 2 }));
    let crew = &rp["tasks"][0]["crew"];
    assert_eq!(crew["stand_ins"][0]["for"], "infra", "{crew}");
    assert_eq!(crew["stand_ins"][0]["by"], "outsourcer", "{crew}");
    assert_eq!(crew["slowdown"], 1.5, "{crew}");
    assert_eq!(t.len(), 1);
    assert_eq!(back(&rp), 6 * H);
    // The engine does the work with the crew the plan picked.
    let sim = case.simulate();
    assert_eq!(back(&sim), 6 * H, "{}", sim["processes"]);
}

#[test]
fn a_reduced_crew_is_slower_and_chosen_only_when_it_ends_first() {
    // One of infra alone: 8 h at ×2, rather than two weeks.
    let case = Case::new("hypervisor", true, "", SHORT);
    let rp = case.recover();
    let t = tasks(&rp);
    assert_eq!((t[0].1, t[0].2), (0, 8 * H));
    assert_eq!(t[0].3, serde_json::json!({ "infra": 1 }));
    assert_eq!(rp["tasks"][0]["crew"]["reduced"], true);
    assert_eq!(back(&rp), 8 * H);
    assert_eq!(back(&case.simulate()), 8 * H);

    // With the outsourcer too, it does it sooner (6 h): the reduced crew
    // is not used.
    let both = Case::new("storage", true, "", SHORT);
    let rp = both.recover();
    assert_eq!(tasks(&rp)[0].3, serde_json::json!({ "outsourcer": 2 }));
    assert_eq!(back(&rp), 6 * H);
    assert_eq!(back(&both.simulate()), 6 * H);

    // At full strength, the planned crew: 4 h, nobody slower.
    let full = Case::new("storage", true, "", "  - { at: 0m, outage: san }\n");
    let rp = full.recover();
    assert_eq!(tasks(&rp)[0].3, serde_json::json!({ "infra": 2 }));
    assert!(rp["tasks"][0].get("crew").is_none());
    assert_eq!(back(&rp), 4 * H);
    assert_eq!(back(&full.simulate()), 4 * H);
}

#[test]
fn a_team_on_shifts_keeps_fewer_people_once_the_surge_is_over() {
    // Infra keeps 1 person at once after 3 h; the array, which needs 2 for
    // 4 h, cannot be done by infra alone once the surge is over; the
    // outsourcer does it.
    let sustained = ", sustained: { after: 3h, capacity: 1 }";
    let case = Case::new("storage", false, sustained, "  - { at: 0m, outage: san }\n");
    let rp = case.recover();
    let t = tasks(&rp);
    assert_eq!(t[0].3, serde_json::json!({ "outsourcer": 2 }));
    assert_eq!(back(&rp), 6 * H);
    assert_eq!(back(&case.simulate()), 6 * H);
    // The capacity the schedule used.
    let (code, out, _) = crate::run(&["recover", "--scenario", &case.path("s.yaml")]);
    assert_eq!(code, 0);
    assert!(out.contains("infra 2, then 1 after 3h"), "{out}");

    // A staff change that holds when the surge ends says who works then:
    // 2 of infra for a day, so infra does it, as planned, in 4 h.
    let held = Case::new(
        "storage",
        false,
        sustained,
        "  - { at: 0m, staff: infra, capacity: 2, for: 1d }\n  - { at: 0m, outage: san }\n",
    );
    let rp = held.recover();
    assert_eq!(tasks(&rp)[0].3, serde_json::json!({ "infra": 2 }));
    assert_eq!(back(&rp), 4 * H);
    assert_eq!(back(&held.simulate()), 4 * H);
    // The simulation says when the team goes on shifts, only when it does.
    let sim = case.simulate();
    let shifts = sim["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "staff" && e["t_s"] == 3 * H)
        .count();
    assert_eq!(shifts, 1, "{}", sim["events"]);
}

#[test]
fn a_player_s_with_team_works_at_the_declared_pace() {
    let case = Case::new("storage", false, "", SHORT);
    std::fs::write(
        case.dir.path().join("x.yaml"),
        "title: x\nscenario: s.yaml\nstart: 0m\nend: 1d\nstep: 1h\n",
    )
    .unwrap();
    let journal = case.dir.path().join("x.jsonl");
    let out = reprise()
        .args([
            "exercise",
            "run",
            &case.path("x.yaml"),
            "--journal",
            journal.to_str().unwrap(),
        ])
        .write_stdin("restore san with outsourcer\nstep 5h\njson\nstep 1h\njson\nquit\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let states: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let san = |v: &Value| {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "san")
            .unwrap()
            .clone()
    };
    // ×1.5: still being restored at 5 h, back at 6 h.
    assert!(!san(&states[0])["damage"].is_null(), "{}", san(&states[0]));
    assert!(san(&states[1])["damage"].is_null(), "{}", san(&states[1]));
}

#[test]
fn check_refuses_what_flexible_staff_cannot_mean() {
    let dir = tempfile::tempdir().unwrap();
    let bad = [
        (
            PLAN.replace("slowdown: 1.5", "slowdown: 0.5"),
            "bad-slowdown",
        ),
        (
            PLAN.replace("stands_in_for: { infra:", "stands_in_for: { outsourcer:"),
            "team-self-stand-in",
        ),
        (
            PLAN.replace(" SUSTAINED", ", sustained: { after: 1d, capacity: 3 }"),
            "bad-sustained",
        ),
        (
            PLAN.replace(
                " REDUCED",
                ", reduced_crew: { needs: { infra: 2 }, slowdown: 2 }",
            ),
            "reduced-crew-not-fewer",
        ),
        (
            PLAN.replace(
                " REDUCED",
                ", reduced_crew: { needs: { outsourcer: 1 }, slowdown: 2 }",
            ),
            "reduced-crew-unknown-team",
        ),
    ];
    for (plan, code) in bad {
        let plan = plan
            .replace("STANDS", "storage")
            .replace(" REDUCED", "")
            .replace(" SUSTAINED", "");
        let path = dir.path().join("plan.yaml");
        std::fs::write(&path, &plan).unwrap();
        let (exit, _, err) = crate::run(&["check", path.to_str().unwrap()]);
        assert_eq!(exit, 2, "{code}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{code}: {err}");
        assert!(err.contains("plan.yaml:"), "{code}: positioned: {err}");
    }
    // A need larger than the team keeps once on shifts is a warning.
    let plan = PLAN
        .replace("STANDS", "storage")
        .replace(" REDUCED", "")
        .replace(" SUSTAINED", ", sustained: { after: 1d, capacity: 1 }");
    let path = dir.path().join("plan.yaml");
    std::fs::write(&path, &plan).unwrap();
    let (exit, _, err) = crate::run(&["check", path.to_str().unwrap()]);
    assert_eq!(exit, 0, "{err}");
    assert!(err.contains("warning[need-over-sustained]"), "{err}");
}

#[test]
fn the_shipped_heat_wave_is_carried_by_the_outsourcer() {
    let sc = crate::scenarios().join("canicule-effectifs.yaml");
    let sc = sc.to_str().unwrap();
    let sim = json(&["simulate", sc, "--format", "json"]);
    let rp = json(&["recover", "--scenario", sc, "--format", "json"]);
    for v in [&sim, &rp] {
        let late: Vec<&str> = v["processes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["breach"] == true)
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert!(late.is_empty(), "{late:?}");
    }
    // Both say when everything is back: a failover planned for the
    // directory, stranded by the hypervisors, is moot once they are back
    // first, and neither command counts it.
    assert_eq!(rp["makespan_s"], sim["makespan_s"]);
    assert!(
        !rp["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "ad" && t["start_s"].as_u64().unwrap() > 2 * 24 * H),
        "{}",
        rp["tasks"]
    );
    // Infra has 1 person for two weeks: the array and the hypervisors,
    // which need 2, are taken on by the outsourcer, slower.
    for id in ["san-a", "esx-a"] {
        let t = rp["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap();
        assert_eq!(t["crew"]["stand_ins"][0]["by"], "infogerance", "{t}");
        assert!(t["finish_s"].as_u64().unwrap() < 2 * 24 * H, "{t}");
    }
}

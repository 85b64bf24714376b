//! Integration tests: the real `reprise` binary on real files.
//!
//! One test binary, grouped by feature. Every test that could hang runs
//! under a timeout, which guards against hangs; it is not a speed target
//! (speed is measured by the benchmarks, see README).

mod analysis_cli;
mod analysis_props;
mod attack_props;
mod bad_input;
mod clean_restore;
mod commands;
mod containment;
mod example_plan;
mod exercise_format;
mod exercise_generate;
mod exercise_report;
mod exercise_run;
mod exercise_web;
mod failover;
mod fuzz_regressions;
mod guards;
mod import_bia;
mod power;
mod random_plans;
mod recovery_cli;
mod recovery_props;
mod relocation;
mod relocation_props;
mod scenario_cli;
mod simulate_cli;
mod simulation_props;
mod snapshots;
mod staff;
mod trust;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// `reprise` run from the fixtures folder, so paths in messages are short.
pub fn reprise() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("reprise").expect("the reprise binary is built");
    cmd.current_dir(fixtures())
        .timeout(Duration::from_secs(30))
        .env_remove("RUST_LOG");
    cmd
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn example_plan() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/territoire/plan.yaml")
}

/// Runs `reprise` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = reprise().args(args).output().expect("reprise runs");
    (
        out.status
            .code()
            .expect("reprise exits, not killed by a signal"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// The shipped scenarios' folder.
pub fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The task of a recovery plan (`recover --format json`) on service `id`.
pub fn task<'a>(rp: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    rp["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id} in {rp}"))
}

/// Runs `reprise`, expects success, and parses its JSON output.
pub fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("JSON on stdout")
}

/// Loads a scenario and its plan with the real loader, panicking with the
/// errors (and `context`, the files' text) when either is invalid.
pub fn load_scenario(
    path: &Path,
    context: &str,
) -> (reprise::model::Plan, reprise::scenario::Scenario) {
    let loaded = reprise::scenario::load(path);
    let errors: Vec<String> = loaded
        .document
        .diagnostics
        .iter()
        .chain(loaded.plan.iter().flat_map(|p| p.diagnostics.iter()))
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{context}");
    (loaded.plan.unwrap().plan.unwrap(), loaded.scenario.unwrap())
}

/// Plays a scenario as `simulate` does (the teams plan with a budget of 20
/// schedules and `seed`), with the work taking `actual` (per service,
/// `[restore, failover, rebuild, relocation]` seconds) when given.
pub fn play(
    plan: &reprise::model::Plan,
    scenario: &reprise::scenario::Scenario,
    seed: u64,
    actual: Option<Vec<[u64; 4]>>,
) -> reprise::simulation::Run {
    let graph = reprise::graph::DependencyGraph::new(plan);
    let mut engine = reprise::simulation::Engine::for_scenario(
        scenario,
        plan,
        &graph,
        reprise::simulation::Lead::Scheduler { schedules: 20 },
        reprise::recovery::Options {
            seed,
            ..Default::default()
        },
    );
    if let Some(actual) = actual {
        engine.set_actual(actual);
    }
    let horizon = scenario.limit();
    engine.run_until_quiet(horizon);
    reprise::simulation::results(engine, horizon)
}

/// What `recover --scenario` plans for a scenario, in-process: the
/// clairvoyant situation and a small schedule budget, the seed given.
pub fn foreseen(
    scenario: &reprise::scenario::Scenario,
    plan: &reprise::model::Plan,
    seed: u64,
) -> Result<reprise::recovery::RecoveryOrder, reprise::recovery::ProblemError> {
    let graph = reprise::graph::DependencyGraph::new(plan);
    let (situation, _) = reprise::simulation::foresight(scenario, plan, seed);
    let never = || false;
    reprise::recovery::recover(
        plan,
        &graph,
        &situation,
        reprise::recovery::Options {
            seed,
            ..Default::default()
        },
        &reprise::recovery::Budget {
            schedules: 20,
            stop: &never,
        },
    )
}

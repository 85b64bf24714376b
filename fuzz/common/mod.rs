//! What the fuzz targets share: the repository's folders, an input written
//! where the shipped files' relative paths resolve, and the fire exercise
//! loaded once.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use reprise::exercise::{self, Exercise};
use reprise::graph::DependencyGraph;
use reprise::model::Plan;
use reprise::scenario::Scenario;

/// The repository, beside this crate.
pub fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Writes `data` as `name` in the repository's folder `dir` (so that
/// `plan: ../plans/…` and `scenario: ../…` resolve as in the shipped
/// files), one file per process, without a `.yaml` extension so that the
/// tests that read every shipped file pass it by; git ignores them
/// (`.fuzz-*`).
pub fn write_input(dir: &str, name: &str, data: &[u8]) -> PathBuf {
    let path = repo()
        .join(dir)
        .join(format!(".fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, data).unwrap();
    path
}

pub struct Fixture {
    pub exercise: Exercise,
    pub scenario: Scenario,
    pub plan: Plan,
    pub graph: DependencyGraph,
}

/// The shipped fire exercise, its scenario and plan, loaded once.
pub fn fire() -> &'static Fixture {
    static FIRE: OnceLock<Fixture> = OnceLock::new();
    FIRE.get_or_init(|| {
        let mut loaded = exercise::load(&repo().join("scenarios/exercises/incendie-dc-a.yaml"));
        assert!(!loaded.has_errors(), "the shipped fire exercise loads");
        let scenario = loaded.scenario.take().unwrap();
        let plan = scenario.plan.unwrap().plan.unwrap();
        Fixture {
            exercise: loaded.exercise.take().unwrap(),
            scenario: scenario.scenario.unwrap(),
            graph: DependencyGraph::new(&plan),
            plan,
        }
    })
}

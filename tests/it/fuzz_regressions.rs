//! Inputs of the fuzz targets' corpora (each reached code the others did
//! not; the web bodies' seeds among them, so that some change a session),
//! kept in `tests/fixtures/fuzz/TARGET/` and replayed
//! through the same calls as the targets in `fuzz/fuzz_targets/`: a parser
//! of user input may refuse any of them, never panic on one. See README,
//! "Fuzzing", for how they were found and how to add more.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use reprise::exercise::command::Change;
use reprise::exercise::journal::Journal;
use reprise::exercise::request;
use reprise::exercise::session::Session;
use reprise::exercise::{self, Exercise};
use reprise::graph::DependencyGraph;
use reprise::model::Plan;
use reprise::scenario::Scenario;

use super::{fixtures, scenarios};

/// The kept inputs of one target, in name order; each target keeps some.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fixtures().join("fuzz").join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p, data)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "{}: too few inputs kept", dir.display());
    out
}

/// An input written beside the shipped files of `dir`, so that its
/// relative `plan:` or `scenario:` resolves as theirs do; removed after.
struct Beside(PathBuf);

impl Beside {
    fn new(dir: &Path, name: &str, data: &[u8]) -> Beside {
        let path = dir.join(format!(".fuzz-regression-{}-{name}", std::process::id()));
        std::fs::write(&path, data).unwrap();
        Beside(path)
    }
}

impl Drop for Beside {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

struct Fire {
    exercise: Exercise,
    scenario: Scenario,
    plan: Plan,
    graph: DependencyGraph,
}

/// The shipped fire exercise, as the session targets play it.
fn fire() -> &'static Fire {
    static FIRE: OnceLock<Fire> = OnceLock::new();
    FIRE.get_or_init(|| {
        let mut loaded = exercise::load(&scenarios().join("exercises/incendie-dc-a.yaml"));
        assert!(!loaded.has_errors());
        let scenario = loaded.scenario.take().unwrap();
        let plan = scenario.plan.unwrap().plan.unwrap();
        Fire {
            exercise: loaded.exercise.take().unwrap(),
            scenario: scenario.scenario.unwrap(),
            graph: DependencyGraph::new(&plan),
            plan,
        }
    })
}

fn session() -> Session<'static> {
    let f = fire();
    Session::new(&f.exercise, &f.plan, &f.graph, &f.scenario, 1, None).unwrap()
}

#[test]
fn plans_found_by_fuzzing_are_read_or_refused() {
    let mut plans = 0;
    for (path, data) in inputs("plan") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let loaded = reprise::load::load_text(Path::new("fuzz.yaml"), text);
        for d in &loaded.diagnostics {
            assert!(!d.render(&loaded.sources).is_empty(), "{}", path.display());
        }
        if let Some(plan) = &loaded.plan {
            plans += 1;
            let graph = DependencyGraph::new(plan);
            let _ = reprise::analysis::analyze(plan, &graph, Default::default());
        }
    }
    assert!(
        plans > 0,
        "no kept input is a plan: the analysis is not replayed"
    );
}

#[test]
fn scenarios_found_by_fuzzing_are_read_or_refused() {
    for (i, (path, data)) in inputs("scenario").into_iter().enumerate() {
        let file = Beside::new(&scenarios(), &format!("scenario-{i}"), &data);
        let loaded = reprise::scenario::load(&file.0);
        let refused = loaded.document.diagnostics.iter().any(|d| d.is_error());
        assert!(
            refused || loaded.scenario.is_some(),
            "{}: neither read nor refused",
            path.display()
        );
    }
}

#[test]
fn exercises_found_by_fuzzing_are_read_or_refused() {
    let dir = scenarios().join("exercises");
    for (i, (path, data)) in inputs("exercise").into_iter().enumerate() {
        let file = Beside::new(&dir, &format!("exercise-{i}"), &data);
        let loaded = exercise::load(&file.0);
        assert!(
            loaded.has_errors() || loaded.exercise.is_some(),
            "{}: neither read nor refused",
            path.display()
        );
    }
}

#[test]
fn journals_found_by_fuzzing_are_replayed_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = fire();
    let mut read = 0;
    for (i, (_, data)) in inputs("journal").into_iter().enumerate() {
        let path = dir.path().join(format!("{i}.jsonl"));
        std::fs::write(&path, &data).unwrap();
        let Ok((header, entries, _)) = Journal::read(&path) else {
            continue;
        };
        read += 1;
        let replayed = Session::replay(
            &f.exercise,
            &f.plan,
            &f.graph,
            &f.scenario,
            header.seed,
            &entries,
            None,
        );
        if let Ok(s) = replayed {
            let _ = s.view();
        }
    }
    // The kept journals reach the replay, not only the reader's refusals.
    assert!(read > 0, "no kept journal reads");
}

#[test]
fn facilitator_lines_found_by_fuzzing_are_applied_or_refused() {
    for (_, data) in inputs("commands") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let mut s = session();
        for line in text.lines().take(64) {
            if let Ok(change) = Change::parse(line) {
                let _ = s.apply(change, std::time::UNIX_EPOCH);
            }
        }
        let _ = s.view();
    }
}

#[test]
fn web_bodies_found_by_fuzzing_are_applied_or_refused() {
    let mut applied = 0;
    for (_, data) in inputs("requests") {
        let mut s = session();
        for body in data.split(|&b| b == b'\n').take(32) {
            let Some((&which, body)) = body.split_first() else {
                continue;
            };
            let change = if which % 2 == 0 {
                request::clock(body)
            } else {
                request::decision(body)
            };
            if let Ok(change) = change {
                applied += usize::from(s.apply(change, std::time::UNIX_EPOCH).is_ok());
            }
        }
        let _ = s.view();
    }
    assert!(applied > 0, "no kept body changes the session");
}

#[test]
fn spreadsheets_found_by_fuzzing_are_read_or_refused() {
    use reprise::import::{bia, table};
    let plan = &fire().plan;
    let mut read = 0;
    for (path, data) in inputs("bia") {
        let Some((&how, bytes)) = data.split_first() else {
            continue;
        };
        let tables = if how % 2 == 0 {
            table::csv(bytes, "fuzz").map(|t| vec![t])
        } else {
            table::workbook_bytes(bytes)
        };
        let Ok(tables) = tables else { continue };
        let plan = (how & 2 == 0).then_some(plan);
        if let Ok(b) = bia::read(&tables, None, plan) {
            assert!(
                !bia::yaml(&b, "fuzz", plan).is_empty(),
                "{}",
                path.display()
            );
            read += 1;
        }
    }
    assert!(read > 0, "some kept spreadsheets read as a BIA");
}

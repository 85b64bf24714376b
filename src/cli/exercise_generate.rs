//! `reprise exercise generate`: a draft exercise from one simulated run of a
//! scenario, printed or written to a new file.

use std::path::{Component, Path, PathBuf};

use super::{CliError, Global, Io, exit};
use crate::exercise::draft;
use crate::graph::DependencyGraph;
use crate::recovery::{self, Budget};

/// Search effort of each planning in the run: `simulate`'s, so the draft
/// follows the run `simulate` shows for the seed.
use crate::simulation::SCHEDULES;

/// The schema file that, beside a draft, earns it the editor's header line.
const SCHEMA: &str = "reprise.exercise.schema.json";

pub fn run(
    global: &Global,
    scenario: &Path,
    output: Option<&Path>,
    seed: u64,
    io: &mut Io,
) -> Result<i32, CliError> {
    if global.format.is_some() {
        writeln!(
            io.err,
            "error: `reprise exercise generate` writes an exercise file (YAML) and takes no --format"
        )?;
        return Ok(exit::BAD_INPUT);
    }
    // Refused before the simulation runs, so the answer is immediate.
    if let Some(out) = output
        && std::fs::symlink_metadata(out).is_ok()
    {
        writeln!(
            io.err,
            "error: `{}` already exists; nothing was written\n  \
             help: give another name with --output, or delete the file first",
            out.display()
        )?;
        return Ok(exit::BAD_INPUT);
    }
    let (scenario_value, plan) = super::recover::read_scenario(scenario, io)?;
    // The draft names its scenario relative to its own folder.
    let folder = match output {
        Some(out) => out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        None => PathBuf::from("."),
    };
    let reference = match scenario_reference(scenario, &folder) {
        Ok(r) => r,
        Err(why) => {
            writeln!(io.err, "error: {why}; nothing was written")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let graph = DependencyGraph::new(&plan);
    let never = || false;
    let simulated = crate::simulation::run(
        &plan,
        &graph,
        &scenario_value,
        recovery::Options {
            seed,
            ..Default::default()
        },
        &Budget {
            schedules: SCHEDULES,
            stop: &never,
        },
    );
    let draft = draft::draft(&plan, &scenario_value, &simulated, &reference, seed);
    let text = draft.to_yaml(folder.join(SCHEMA).is_file());
    let Some(out) = output else {
        io.out.write_all(text.as_bytes())?;
        return Ok(exit::OK);
    };
    if let Err(e) = crate::output::write_atomic(out, text.as_bytes()) {
        writeln!(io.err, "error: cannot write `{}`: {e}", out.display())?;
        return Ok(exit::BAD_INPUT);
    }
    let timed = draft
        .injects
        .iter()
        .filter(|i| matches!(i.when, draft::When::At(_)))
        .count();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    writeln!(
        io.err,
        "wrote {}: {}, {} and {}; edit it, then check it with `reprise exercise check {}`",
        out.display(),
        count(draft.objectives.len(), "objective"),
        count(timed, "inject"),
        count(draft.injects.len() - timed, "contingency inject"),
        out.display()
    )?;
    Ok(exit::OK)
}

/// The scenario as the draft must name it: a path relative to `folder`
/// (where the draft goes), with `/` separators. When the two share nothing
/// but the file system's root, the absolute path reads better than a climb
/// to the root, and the exercise loader takes both.
fn scenario_reference(scenario: &Path, folder: &Path) -> Result<String, String> {
    let target = std::fs::canonicalize(scenario)
        .map_err(|e| format!("cannot resolve `{}`: {e}", scenario.display()))?;
    let base =
        resolve(folder).map_err(|e| format!("cannot resolve `{}`: {e}", folder.display()))?;
    let to: Vec<Component> = target.components().collect();
    let from: Vec<Component> = base.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let shares_a_folder = to[..common]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    let utf8 = |p: &Path| -> Result<String, String> {
        p.to_str()
            .map(str::to_string)
            .ok_or_else(|| format!("the path `{}` is not valid UTF-8", target.display()))
    };
    if !shares_a_folder {
        return utf8(&target);
    }
    let mut parts = vec!["..".to_string(); from.len() - common];
    for c in &to[common..] {
        parts.push(utf8(Path::new(c.as_os_str()))?);
    }
    Ok(parts.join("/"))
}

/// `folder` made absolute with symbolic links resolved, as far as it
/// exists; the rest (folders the output will create) taken as written.
fn resolve(folder: &Path) -> std::io::Result<PathBuf> {
    let mut base = PathBuf::new();
    for c in std::path::absolute(folder)?.components() {
        match c {
            Component::CurDir => {}
            // `base` is canonical as far as it exists: its parent is real.
            Component::ParentDir => {
                base.pop();
            }
            c => {
                base.push(c);
                if let Ok(real) = std::fs::canonicalize(&base) {
                    base = real;
                }
            }
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_is_named_relative_to_the_draft_folder() {
        let root = tempfile::tempdir().expect("a temporary folder");
        let scenarios = root.path().join("scenarios");
        std::fs::create_dir_all(scenarios.join("exercises")).expect("folders");
        let scenario = scenarios.join("s.yaml");
        std::fs::write(&scenario, "").expect("a file");
        assert_eq!(
            scenario_reference(&scenario, &scenarios.join("exercises")).as_deref(),
            Ok("../s.yaml")
        );
        assert_eq!(
            scenario_reference(&scenario, &scenarios).as_deref(),
            Ok("s.yaml")
        );
        // A folder the output will create.
        assert_eq!(
            scenario_reference(&scenario, &scenarios.join("new/deeper")).as_deref(),
            Ok("../../s.yaml")
        );
        assert_eq!(
            scenario_reference(&scenario, &scenarios.join("new/..")).as_deref(),
            Ok("s.yaml")
        );
    }

    #[test]
    fn a_scenario_sharing_only_the_root_is_named_absolutely() {
        let scenario = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR"))
            .expect("the crate")
            .join("scenarios/incendie-dc-a.yaml");
        let reference = scenario_reference(&scenario, Path::new("/")).expect("a reference");
        assert_eq!(reference, scenario.display().to_string());
    }
}

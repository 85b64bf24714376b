//! `reprise exercise report JOURNAL`: the after-action report (RETEX) of an
//! exercise, rebuilt from its journal.
//!
//! The journal names the exercise file (as the facilitator gave it, so
//! relative to where the exercise was run) and records its hash: a file
//! edited since would replay other injects against other objectives, so it
//! is refused rather than reported on. The session is replayed without a
//! journal (nothing is written), then compared with the solver's run of the
//! same scenario.

use std::path::{Path, PathBuf};

use super::{CliError, Format, Global, Io, exit};
use crate::exercise::journal::Journal;
use crate::exercise::retex;
use crate::exercise::session::Session;
use crate::i18n::Lang;

/// The search budget of each of the solver's plannings in the comparison:
/// the simulation's.
use crate::simulation::SCHEDULES;

pub fn run(
    global: &Global,
    journal_path: &Path,
    exercise: Option<&Path>,
    io: &mut Io,
) -> Result<i32, CliError> {
    let Some(format) = super::pick_format(
        global,
        "exercise report",
        &[Format::Markdown, Format::Html, Format::Json],
        io,
    )?
    else {
        return Ok(exit::BAD_INPUT);
    };
    let (header, entries, torn) = match Journal::read(journal_path) {
        Ok(x) => x,
        Err(e) => {
            writeln!(
                io.err,
                "error: cannot read the journal `{}`: {e}",
                journal_path.display()
            )?;
            return Ok(exit::BAD_INPUT);
        }
    };
    if let Some(t) = torn {
        writeln!(
            io.err,
            "warning: the last line of `{}` (line {}, {} bytes) was cut short by a crash; it was never acknowledged and the report ignores it",
            journal_path.display(),
            t.line,
            t.bytes
        )?;
    }
    let path = exercise.map_or_else(|| PathBuf::from(&header.exercise), Path::to_path_buf);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            writeln!(
                io.err,
                "error: cannot read the exercise `{}` {}: {e}",
                path.display(),
                if exercise.is_some() {
                    "given with --exercise"
                } else {
                    "named by the journal"
                }
            )?;
            if exercise.is_none() {
                writeln!(
                    io.err,
                    "help: the journal gives the path as the facilitator typed it; run the report from the same folder, or give the file with `--exercise FILE`"
                )?;
            }
            return Ok(exit::BAD_INPUT);
        }
    };
    if let Err(found) = header.check_exercise(&bytes) {
        writeln!(
            io.err,
            "error: `{}` changed since the journal `{}` was written (its hash is {found}, the journal recorded {}): the report needs the exercise file as it was played",
            path.display(),
            journal_path.display(),
            header.exercise_hash
        )?;
        writeln!(
            io.err,
            "help: restore the version that was played (from version control, for instance) and give it with `--exercise FILE`"
        )?;
        return Ok(exit::BAD_INPUT);
    }
    let p = super::exercise::load(&path, io)?;
    let session = match Session::replay(
        &p.exercise,
        &p.plan,
        &p.graph,
        &p.scenario,
        header.seed,
        &entries,
        None,
    ) {
        Ok(s) => s,
        Err(m) => {
            writeln!(
                io.err,
                "error: the journal `{}` does not replay on `{}`: {m}",
                journal_path.display(),
                path.display()
            )?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let best = session.solver_run(SCHEDULES);
    let journal_name = journal_path.display().to_string();
    let after_action = retex::after_action(&session, &p.graph, &best);
    let retex = crate::render::retex::Retex {
        session: &session,
        after_action: &after_action,
        header: &header,
        journal: &journal_name,
        schedules: SCHEDULES,
    };
    let lang = Lang::from(global.lang);
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *io.out, &crate::render::retex::json(&retex, lang))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let doc = crate::render::retex::report(&retex, lang);
    super::write_doc(format, &doc, io)?;
    Ok(exit::OK)
}

//! `reprise exercise check|run`: the exercise file checked, and the
//! facilitator's terminal interface. The shared prologue (load, print what
//! is wrong, open or resume the journal) serves `serve` and `report` too.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{CliError, Global, Io, Opening, exit};
use crate::exercise::command::{self, Change};
use crate::exercise::journal;
use crate::exercise::session::{Ack, Error, Refusal, Session};
use crate::exercise::{self, Exercise, Verb};
use crate::graph::DependencyGraph;
use crate::i18n::{Lang, t};
use crate::model::Plan;
use crate::msg;
use crate::render::board;
use crate::scenario::Scenario;

/// An exercise, its scenario and plan, loaded without error.
pub struct Prepared {
    pub path: PathBuf,
    pub exercise: Exercise,
    pub scenario: Scenario,
    pub plan: Plan,
    pub graph: DependencyGraph,
}

/// Loads an exercise and prints what is wrong with it, its scenario or its
/// plan; `Err` carries the exit code.
pub fn load(path: &Path, io: &mut Io) -> Result<Prepared, CliError> {
    let mut loaded = exercise::load(path);
    for d in &loaded.document.diagnostics {
        io.err
            .write_all(d.render(&loaded.document.sources).as_bytes())?;
    }
    if let Some(s) = &loaded.scenario {
        for d in &s.document.diagnostics {
            io.err.write_all(d.render(&s.document.sources).as_bytes())?;
        }
        if let Some(plan) = &s.plan
            && plan.has_errors()
        {
            super::print_diagnostics(plan, io.err)?;
        }
    }
    if loaded.has_errors() {
        writeln!(
            io.err,
            "error: the exercise, its scenario or its plan has errors; nothing was done"
        )?;
        return Err(CliError::Exit(exit::BAD_INPUT));
    }
    let scenario = loaded.scenario.take();
    match (
        loaded.exercise.take(),
        scenario.as_ref().and_then(|s| s.scenario.clone()),
        scenario.and_then(|s| s.plan).and_then(|l| l.plan),
    ) {
        (Some(exercise), Some(scenario), Some(plan)) => {
            let graph = DependencyGraph::new(&plan);
            Ok(Prepared {
                path: path.to_path_buf(),
                exercise,
                scenario,
                plan,
                graph,
            })
        }
        _ => {
            writeln!(io.err, "error: the exercise could not be loaded")?;
            Err(CliError::Exit(exit::BAD_INPUT))
        }
    }
}

/// Where the journal goes when `--journal` is not given.
pub fn default_journal(exercise: &Path) -> PathBuf {
    let stem = exercise
        .file_stem()
        .map_or_else(|| "exercise".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from(format!("{stem}.journal.jsonl"))
}

impl Opening {
    /// The journal this opening writes: the one to resume, the one given,
    /// or the default beside `exercise`; and whether it is resumed.
    pub fn path(&self, exercise: &Path) -> (PathBuf, bool) {
        match (&self.journal, &self.resume) {
            (_, Some(r)) => (r.clone(), true),
            (Some(j), None) => (j.clone(), false),
            (None, None) => (default_journal(exercise), false),
        }
    }
}

/// Opens a session: fresh with a new journal, or rebuilt from the journal
/// to resume. Prints why it cannot; `Err` carries the exit code.
pub fn open<'a>(
    prepared: &'a Prepared,
    opening: &Opening,
    io: &mut Io,
) -> Result<Session<'a>, CliError> {
    let seed = opening.seed;
    let (path, resuming) = opening.path(&prepared.path);
    let path = path.as_path();
    let (journal, seed, entries, repaired) =
        match journal::open_for_exercise(path, &prepared.path, seed, resuming, SystemTime::now()) {
            Ok(x) => x,
            Err(m) => {
                writeln!(io.err, "error: {m}")?;
                return Err(CliError::Exit(exit::BAD_INPUT));
            }
        };
    if let Some(t) = repaired {
        writeln!(
            io.err,
            "warning: the last line of `{}` (line {}, {} bytes) was cut short by a crash; it was never acknowledged and has been removed",
            path.display(),
            t.line,
            t.bytes
        )?;
    }
    let p = prepared;
    let session = if resuming {
        Session::replay(
            &p.exercise,
            &p.plan,
            &p.graph,
            &p.scenario,
            seed,
            &entries,
            Some(journal),
        )
        .map_err(|m| std::io::Error::other(m.clone()))
    } else {
        Session::new(
            &p.exercise,
            &p.plan,
            &p.graph,
            &p.scenario,
            seed,
            Some(journal),
        )
    };
    match session {
        Ok(s) => {
            writeln!(
                io.err,
                "journal: {}{}",
                path.display(),
                if resuming { " (resumed)" } else { "" }
            )?;
            Ok(s)
        }
        Err(e) => {
            writeln!(
                io.err,
                "error: cannot resume from `{}`: {e}",
                path.display()
            )?;
            Err(CliError::Exit(exit::BAD_INPUT))
        }
    }
}

/// `exercise check`: the file, its scenario and plan, and a summary.
pub fn check(global: &Global, path: &Path, io: &mut Io) -> Result<i32, CliError> {
    let p = load(path, io)?;
    let lang = Lang::from(global.lang);
    let e = &p.exercise;
    let (from, to) = (
        crate::render::doc::at(e.start),
        crate::render::doc::at(e.end),
    );
    writeln!(
        io.out,
        "{}",
        msg!(
            lang,
            "cli-exercise-summary",
            title = e.title,
            objectives = e.objectives.len(),
            roles = e.roles.len(),
            injects = e.injects.len(),
            contingencies = e.contingencies.len(),
            from = from,
            to = to,
            scenario = p.scenario.name
        )
    )?;
    Ok(exit::OK)
}

/// The facilitator's own commands, besides the decisions.
const CLOCK_COMMANDS: [(&str, &str, &str); 11] = [
    (
        "next",
        "advance to the next inject",
        "avancer jusqu'au prochain stimulus",
    ),
    (
        "step",
        "step [DURATION]: advance by the exercise's step or DURATION",
        "step [DURÉE] : avancer d'un pas ou de DURÉE",
    ),
    (
        "goto",
        "goto TIME: advance to scenario time TIME (5d6h)",
        "goto HEURE : avancer jusqu'à l'heure de scénario HEURE (5d6h)",
    ),
    ("pause", "pause the exercise", "suspendre l'exercice"),
    (
        "resume",
        "resume after a pause",
        "reprendre après une pause",
    ),
    (
        "status",
        "the board: clock, processes, services, teams",
        "le tableau : horloge, processus, services, équipes",
    ),
    (
        "injects",
        "every inject delivered so far",
        "tous les stimuli joués",
    ),
    ("log", "every decision so far", "toutes les décisions"),
    (
        "json",
        "the state as one line of JSON (for tools)",
        "l'état en une ligne JSON (pour les outils)",
    ),
    (
        "end",
        "end the exercise (written to the journal)",
        "terminer l'exercice (écrit au journal)",
    ),
    (
        "quit",
        "leave; the journal lets you resume",
        "quitter ; le journal permet de reprendre",
    ),
];

/// The terminal's own words, besides the clock's and the decisions'.
const TERMINAL_VERBS: [&str; 6] = ["status", "injects", "log", "json", "quit", "help"];

/// Completions of the line typed so far: commands first, then the ids each
/// decision takes.
pub fn complete(p: &Prepared, line: &str) -> (usize, Vec<String>) {
    command::complete(&p.plan, &p.exercise, &TERMINAL_VERBS, line)
}

struct Completion<'a>(&'a Prepared);

impl rustyline::completion::Completer for Completion<'_> {
    type Candidate = String;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete(self.0, &line[..pos]))
    }
}
impl rustyline::hint::Hinter for Completion<'_> {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for Completion<'_> {}
impl rustyline::validate::Validator for Completion<'_> {}
impl rustyline::Helper for Completion<'_> {}

/// `exercise run`: reads commands (a terminal with completion and history,
/// or a script on standard input), prints the board as the clock moves.
pub fn run(global: &Global, path: &Path, opening: &Opening, io: &mut Io) -> Result<i32, CliError> {
    let p = load(path, io)?;
    let mut session = open(&p, opening, io)?;
    let lang = Lang::from(global.lang);
    let mut shown = 0usize;
    writeln!(io.out, "{}", session.exercise.title)?;
    writeln!(
        io.out,
        "{}",
        t(
            lang,
            "Type `help` for the commands; Tab completes.",
            "Tapez `help` pour les commandes ; Tab complète."
        )
    )?;
    board::board(&session.view(), &mut shown, lang, io.out)?;
    io.out.flush()?;

    let mut editor = if io.terminal {
        let mut e = rustyline::Editor::<Completion, rustyline::history::DefaultHistory>::new()
            .map_err(std::io::Error::other)?;
        e.set_helper(Some(Completion(&p)));
        Some(e)
    } else {
        None
    };
    let mut lines = (&mut *io.input).lines();
    loop {
        let prompt = format!("{} > ", crate::render::doc::at(session.now()));
        let line = match &mut editor {
            Some(e) => match e.readline(&prompt) {
                Ok(l) => {
                    let _ = e.add_history_entry(l.as_str());
                    l
                }
                Err(rustyline::error::ReadlineError::Interrupted) => continue,
                Err(_) => break,
            },
            None => match lines.next() {
                Some(l) => l?,
                None => break,
            },
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The terminal's own words first (a role in front changes nothing
        // for them); anything else is a change.
        let bare = match line.strip_prefix('@') {
            Some(rest) => rest.split_once(' ').map_or("", |(_, cmd)| cmd.trim()),
            None => line,
        };
        let (verb, arg) = bare.split_once(' ').unwrap_or((bare, ""));
        let arg = arg.trim();
        let mut moved = false;
        let result: Result<Option<Ack>, Error> = match verb {
            "quit" | "exit" => break,
            "help" | "?" => {
                help(arg, lang, io.out)?;
                Ok(None)
            }
            "status" => {
                let v = session.view();
                board::status(&v, lang, io.out)?;
                Ok(None)
            }
            "injects" => {
                let v = session.view();
                let mut from = 0;
                board::injects(&v, &mut from, lang, io.out)?;
                Ok(None)
            }
            "log" => {
                for d in &session.view().decisions {
                    writeln!(
                        io.out,
                        "#{} {} {}{}",
                        d.seq,
                        d.at.label,
                        d.by.as_deref()
                            .map(|b| format!("@{b} "))
                            .unwrap_or_default(),
                        d.command
                    )?;
                }
                Ok(None)
            }
            "json" => {
                serde_json::to_writer(&mut *io.out, &session.view())?;
                writeln!(io.out)?;
                Ok(None)
            }
            _ => match Change::parse(line) {
                Ok(change) => {
                    moved = change.moves_clock();
                    session.apply(change, SystemTime::now()).map(Some)
                }
                Err(e) => Err(Error::Refused(Refusal::Command(e))),
            },
        };
        match result {
            Ok(None) => {}
            Ok(Some(ack)) => {
                writeln!(io.out, "ok #{}", ack.seq)?;
                if moved {
                    board::board(&session.view(), &mut shown, lang, io.out)?;
                }
            }
            Err(Error::Refused(m)) => writeln!(io.out, "error: {m}")?,
            Err(Error::Journal(e)) => {
                writeln!(
                    io.err,
                    "error: cannot write the journal ({e}); the last change was not acknowledged. Fix the disk, then resume with --resume."
                )?;
                return Ok(exit::BAD_INPUT);
            }
        }
        io.out.flush()?;
    }
    Ok(exit::OK)
}

fn help(arg: &str, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    for (name, en, fr) in CLOCK_COMMANDS {
        if arg.is_empty() || arg == name {
            writeln!(out, "  {name:<10} {}", t(lang, en, fr))?;
        }
    }
    for a in Verb::ALL {
        if arg.is_empty() || arg == a.as_str() {
            writeln!(out, "  {}", a.syntax())?;
        }
    }
    if arg.is_empty() || arg == "restore" {
        writeln!(
            out,
            "  {}",
            t(
                lang,
                "`restore SERVICE with TEAM`: TEAM does the work of the first team it needs, at the pace the plan declares when TEAM stands in for it (`stands_in_for`), else at the planned pace.",
                "`restore SERVICE with TEAM` : TEAM fait le travail de la première équipe requise, au rythme que le plan déclare quand TEAM la remplace (`stands_in_for`), sinon au rythme prévu."
            )
        )?;
    }
    if arg.is_empty() {
        writeln!(
            out,
            "  {}",
            t(
                lang,
                "Prefix a decision with @ROLE to say who took it: `@dsi isolate zone:servers`.",
                "Préfixez une décision par @RÔLE pour dire qui l'a prise : `@dsi isolate zone:servers`."
            )
        )?;
    }
    Ok(())
}

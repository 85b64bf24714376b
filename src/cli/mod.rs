//! The `reprise` command line: flags parsed once into plain values, then the
//! library called. Nothing here computes; everything here prints.
//!
//! [`run`] is the whole program: `main` only hands it the arguments and the
//! standard streams, so tests can call it in-process.

mod analyze;
mod check;
pub(crate) mod exercise;
mod exercise_generate;
pub(crate) mod exercise_report;
pub(crate) mod exercise_serve;
mod graph;
mod import;
mod meta;
mod recover;
mod show;
mod simulate;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diag::Diagnostic;
use crate::i18n::Lang;
use crate::load::{Loaded, load_plan};

/// Exit codes, the same for every command.
pub(crate) mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Findings, when asked to be strict (`--strict`).
    pub const FINDINGS: i32 = 1;
    /// Bad input or usage: the plan or the arguments are wrong.
    pub const BAD_INPUT: i32 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "reprise",
    version,
    about = "Business continuity (PCA) and disaster recovery (PRA) planning and exercises",
    long_about = "Business continuity (PCA) and disaster recovery (PRA) planning and exercises \
                  for a territory's shared information system.\n\n\
                  Describe sites, teams, services, business processes and their dependencies \
                  as YAML kept in git; reprise checks the plan, shows what a failure takes down, \
                  derives the recovery times each service must meet, and writes the documents.",
    after_help = "Exit codes: 0 success, 1 findings with --strict, 2 bad input or usage.\n\
                  Logs: -v, -vv, or RUST_LOG=reprise=debug."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Output format; each command lists the ones it writes.
    #[arg(long, short = 'f', global = true, value_enum)]
    pub format: Option<Format>,
    /// Language of labels and documents.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::En, env = "REPRISE_LANG")]
    pub lang: LangArg,
    /// More logs on standard error (-v info, -vv debug, -vvv trace).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Terminal tables (the default where the output is data).
    Table,
    /// JSON for tools: durations in whole seconds in fields ending in `_s`.
    Json,
    /// Markdown, to paste into a document.
    #[value(alias = "md")]
    Markdown,
    /// Graphviz DOT (graph).
    Dot,
    /// Mermaid flowchart (graph).
    Mermaid,
    /// Self-contained HTML that prints on A4 (recover, runbook).
    Html,
    /// CSV (show: the processes as a BIA sheet, read back by `import bia`).
    Csv,
    /// Excel workbook (show: the processes as a BIA workbook, read back by
    /// `import bia`).
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Français.
    Fr,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Fr => Lang::Fr,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a plan: every error and warning with its file, line and column.
    ///
    /// Exits 0 when the plan is valid, 2 when it has errors, and with
    /// --strict 1 when it has warnings. Formats: table (default), json, markdown.
    Check {
        /// The plan's root file.
        plan: PathBuf,
        /// Exit 1 when there are warnings.
        #[arg(long)]
        strict: bool,
    },
    /// Tables of the plan's processes, services and teams.
    ///
    /// Formats: table (default), json, markdown.
    Show {
        /// The plan's root file.
        plan: PathBuf,
        /// Which table to show.
        #[arg(long, value_enum, default_value_t = ShowWhat::All)]
        what: ShowWhat,
    },
    /// The dependency graph, colored by kind and criticality.
    ///
    /// Groups appear as small "k of n" nodes, soft links as dotted edges and
    /// cycles in red. Formats: dot (default), mermaid, json.
    Graph {
        /// The plan's root file.
        plan: PathBuf,
    },
    /// What a failure takes down: services down and degraded, processes
    /// stopped, and how long until each one's DMIA is breached.
    ///
    /// Targets are service ids, `site:ID`, `zone:ID` or `supplier:ID` (all
    /// their services fail), or `isolate:ZONE`: the zone cut off the
    /// network, as containment does — the links across its boundary are
    /// cut, what is inside keeps running on what it has inside, what is
    /// outside loses it. Formats: table (default), json, markdown.
    Impact {
        /// The plan's root file.
        plan: PathBuf,
        /// What fails.
        #[arg(required = true)]
        targets: Vec<String>,
    },
    /// The continuity analysis: single points of failure, minimal cut sets,
    /// derived recovery objectives (RTO, RPO) and findings.
    ///
    /// Baseline: everything down at T0, unlimited teams. Formats: table
    /// (default), json, markdown (a report to paste into the PCA document;
    /// in French with --lang fr).
    Analyze {
        /// The plan's root file.
        plan: PathBuf,
        /// Largest cut sets to search for (1 to 3).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=3))]
        max_order: u8,
        /// Exit 1 when there is an error-level finding.
        #[arg(long)]
        strict: bool,
    },
    /// The recovery order with the staff the plan has: waves, tasks per
    /// team, processes against their DMIA, Gantt chart.
    ///
    /// Baseline: everything down at T0. The order minimises, in turn, the
    /// processes past their DMIA (weighted by criticality), the weighted
    /// lateness, and the total time. Formats: table (default), json,
    /// markdown (with a Mermaid Gantt chart), html (with an SVG one).
    Recover {
        /// The plan's root file (optional with --scenario, which names it).
        #[arg(required_unless_present = "scenario")]
        plan: Option<PathBuf>,
        /// Recover from what this scenario does instead of a total loss.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Search effort: a number of schedules (reproducible) or a time
        /// such as `2s` (depends on the machine).
        #[arg(long, default_value = "20000")]
        budget: recover::SearchBudget,
        /// Seed of the search's random generator: the same seed and the
        /// same schedule budget give the same order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Writes the runbook set: a global document, one runbook per team and
    /// one recovery sheet per service.
    ///
    /// Files are written atomically. Formats: markdown (default), html
    /// (self-contained, prints on A4 with a page per team).
    Runbook {
        /// The plan's root file (optional with --scenario, which names it).
        #[arg(required_unless_present = "scenario")]
        plan: Option<PathBuf>,
        /// Recover from what this scenario does instead of a total loss.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Search effort: a number of schedules (reproducible) or a time
        /// such as `2s` (depends on the machine).
        #[arg(long, default_value = "20000")]
        budget: recover::SearchBudget,
        /// Seed of the search's random generator: the same seed and the
        /// same schedule budget give the same order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// One run of a scenario over time: a timeline of what goes down, what
    /// the teams restore and when, each process's downtime against its DMIA
    /// and data lost against its PDMA, and the teams' load.
    ///
    /// The teams plan with what they know at each moment and plan again as
    /// they learn (a hit, a change in a team they need, the attack
    /// discovered, an isolation); when work ends early or late they keep
    /// the plan's order. The run goes on until nothing more can happen, or
    /// the scenario's `horizon` (at most a year): what is not back then is
    /// reported as not back, with a warning. Formats: table (default), json,
    /// markdown, html.
    Simulate {
        /// The scenario file (it names its plan).
        scenario: PathBuf,
        /// Monte Carlo: run the scenario this many times, with durations and
        /// the attack's spread drawn afresh, and report distributions.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        runs: u64,
        /// Threads for Monte Carlo runs (default: the machine's cores). The
        /// output does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Search effort of each planning, in schedules [default: 2000], the
        /// same for one run and for each of many: Monte Carlo estimates
        /// what one run does.
        #[arg(long)]
        budget: Option<recover::SearchBudget>,
        /// Seed of the random generator: the same seed gives the same run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Tabletop crisis exercises: check an exercise, run it from a terminal
    /// or a web dashboard, write the after-action report, draft one from a
    /// scenario.
    Exercise {
        #[command(subcommand)]
        command: ExerciseCommand,
    },
    /// Start a plan from what the team already has: a BIA spreadsheet.
    ///
    /// Writes a plan file of generated entries (each with its `origin`),
    /// which the hand-written plan includes; a re-import rewrites that file
    /// only. Bad cells are reported with their sheet, row and column, exit
    /// 2, and nothing is written.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// The business impact analysis workbook that `import bia` reads.
    Bia {
        #[command(subcommand)]
        command: BiaCommand,
    },
    /// The JSON Schema of plan or scenario files, for editors that complete
    /// and check YAML.
    Schema {
        /// Which kind of file.
        #[arg(value_enum, default_value_t = SchemaKind::Plan)]
        kind: SchemaKind,
    },
    /// Shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// The manual page, in roff.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Processes from a BIA spreadsheet (.xlsx, .ods, .xls or .csv): one row
    /// per process, columns found by their French or English headers
    /// (Processus, Entité, Criticité, DMIA/MTPD, PDMA/RPO, Applications
    /// supports, Propriétaire, Identifiant, Description).
    Bia {
        /// The spreadsheet.
        file: PathBuf,
        /// The plan the processes join: entities and supporting
        /// applications are matched to its ids or names.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The sheet to read (default: the first with a BIA's headers).
        #[arg(long)]
        sheet: Option<String>,
        /// The plan file to write (replaced as a whole).
        #[arg(long, short, default_value = "bia.yaml")]
        out: PathBuf,
        /// Print what would change in --out (added, changed, removed, by
        /// origin) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BiaCommand {
    /// Write the blank BIA workbook (.xlsx, with a help sheet), or its CSV
    /// header line (.csv).
    Template {
        /// The file to write.
        #[arg(long, short, default_value = "bia.xlsx")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExerciseCommand {
    /// Checks an exercise file, its scenario and plan; prints a summary.
    Check {
        /// The exercise file (it names its scenario).
        exercise: PathBuf,
    },
    /// The facilitator's terminal: the clock, the injects as they come, the
    /// processes with the time left before their DMIA, the services down,
    /// and a command line for decisions (Tab completes, `help` explains).
    ///
    /// Every inject and decision is written to the journal (JSON Lines,
    /// fsynced) before it is acknowledged (`ok #N`); after a crash,
    /// `--resume JOURNAL` rebuilds exactly the same state. Reads a script
    /// from standard input when it is not a terminal.
    Run {
        /// The exercise file (it names its scenario, which names its plan).
        exercise: PathBuf,
        #[command(flatten)]
        opening: Opening,
    },
    /// A local web dashboard: a facilitator console protected by a token
    /// printed at start, and a read-only view for players and observers,
    /// updated live.
    Serve {
        /// The exercise file (it names its scenario, which names its plan).
        exercise: PathBuf,
        /// Address to listen on; loopback by default.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        opening: Opening,
    },
    /// The after-action report (RETEX) of an exercise, from its journal.
    /// Formats: markdown (default), html, json.
    Report {
        /// The exercise's journal.
        journal: PathBuf,
        /// The exercise file, when it moved since the journal was written.
        #[arg(long)]
        exercise: Option<PathBuf>,
    },
    /// Drafts an exercise (MSEL) from a simulated run of a scenario, for the
    /// facilitator to edit.
    Generate {
        /// The scenario file.
        scenario: PathBuf,
        /// Write the draft here (never overwritten) instead of printing it.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Seed of the scenario's random draws, and of the run the draft is
        /// read from.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Plan files (`plans/…`).
    Plan,
    /// Scenario files (`scenarios/…`).
    Scenario,
    /// Exercise files (`scenarios/exercises/…`).
    Exercise,
}

/// Where a played exercise is journaled: a new journal, or one to resume.
#[derive(Debug, clap::Args)]
pub struct Opening {
    /// The journal to create (default: EXERCISE-STEM.journal.jsonl here);
    /// never overwritten.
    #[arg(long, conflicts_with = "resume")]
    pub journal: Option<PathBuf>,
    /// Resume the exercise recorded in this journal.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Seed of the scenario's random draws (a resumed journal keeps its own).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowWhat {
    All,
    Processes,
    Services,
    Teams,
}

/// Everything a command needs to write: its output and its messages.
pub struct Io<'a> {
    /// What a command reads as it goes (the facilitator's lines of
    /// `exercise run`).
    pub input: &'a mut dyn std::io::BufRead,
    /// Whether `input` and `out` are a terminal a person types at (then
    /// `exercise run` offers line editing, history and Tab completion).
    pub terminal: bool,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Whether messages on `err` may use terminal colors.
    pub color: bool,
    /// Whether `err` is a terminal that can show a progress bar.
    pub progress: bool,
}

/// The whole program. Returns the exit code.
/// Why a command stopped early: with its exit code once the reason is
/// printed (bad input, findings), or because writing failed.
#[derive(Debug)]
pub enum CliError {
    /// The reason is printed; exit with this code.
    Exit(i32),
    Io(std::io::Error),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::Io(e)
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> CliError {
        CliError::Io(e.into())
    }
}

pub fn run(args: impl IntoIterator<Item = OsString>, io: &mut Io) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            };
            let text = if io.color {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let _ = if e.use_stderr() {
                io.err.write_all(text.as_bytes())
            } else {
                io.out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    init_logs(cli.global.verbose, io.color);
    let result = match &cli.command {
        Command::Check { plan, strict } => check::run(&cli.global, plan, *strict, io),
        Command::Show { plan, what } => show::run(&cli.global, plan, *what, io),
        Command::Graph { plan } => graph::run(&cli.global, plan, io),
        Command::Impact { plan, targets } => analyze::impact(&cli.global, plan, targets, io),
        Command::Analyze {
            plan,
            max_order,
            strict,
        } => analyze::analyze(&cli.global, plan, usize::from(*max_order), *strict, io),
        Command::Recover {
            plan,
            scenario,
            budget,
            seed,
        } => {
            let source = recover::Source {
                plan: plan.as_deref(),
                scenario: scenario.as_deref(),
            };
            recover::recover(&cli.global, &source, *budget, *seed, io)
        }
        Command::Runbook {
            plan,
            scenario,
            out,
            budget,
            seed,
        } => {
            let source = recover::Source {
                plan: plan.as_deref(),
                scenario: scenario.as_deref(),
            };
            recover::runbook(&cli.global, &source, out, *budget, *seed, io)
        }
        Command::Simulate {
            scenario,
            runs,
            threads,
            budget,
            seed,
        } => simulate::run(&cli.global, scenario, *runs, *threads, *budget, *seed, io),
        Command::Exercise { command } => match command {
            ExerciseCommand::Check { exercise: path } => exercise::check(&cli.global, path, io),
            ExerciseCommand::Run {
                exercise: path,
                opening,
            } => exercise::run(&cli.global, path, opening, io),
            ExerciseCommand::Serve {
                exercise: path,
                listen,
                opening,
            } => exercise_serve::run(&cli.global, path, *listen, opening, io),
            ExerciseCommand::Report { journal, exercise } => {
                exercise_report::run(&cli.global, journal, exercise.as_deref(), io)
            }
            ExerciseCommand::Generate {
                scenario,
                output,
                seed,
            } => exercise_generate::run(&cli.global, scenario, output.as_deref(), *seed, io),
        },
        Command::Import {
            source:
                ImportSource::Bia {
                    file,
                    plan,
                    sheet,
                    out,
                    dry_run,
                },
        } => import::bia(file, plan.as_deref(), sheet.as_deref(), out, *dry_run, io),
        Command::Bia {
            command: BiaCommand::Template { out },
        } => import::template(out, Lang::from(cli.global.lang), io),
        Command::Schema { kind } => meta::schema(*kind, io),
        Command::Completions { shell } => meta::completions(*shell, io),
        Command::Man => meta::man(io),
    };
    match result {
        Ok(code) | Err(CliError::Exit(code)) => code,
        Err(CliError::Io(e)) => {
            // Writing failed. A closed pipe (`reprise … | head`) means the
            // reader has what it wanted: not an error.
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return exit::OK;
            }
            let _ = writeln!(io.err, "reprise: {e}");
            exit::BAD_INPUT
        }
    }
}

fn init_logs(verbose: u8, color: bool) {
    let default = match verbose {
        0 => "warn",
        1 => "reprise=info",
        2 => "reprise=debug",
        _ => "reprise=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // A second call (tests running `run` twice in one process) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(if verbose >= 2 {
            tracing_subscriber::fmt::format::FmtSpan::CLOSE
        } else {
            tracing_subscriber::fmt::format::FmtSpan::NONE
        })
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .try_init();
}

/// The format a command writes, from those it accepts (the first is the
/// default); a usage error names them otherwise.
fn pick_format(
    global: &Global,
    command: &str,
    accepted: &[Format],
    io: &mut Io,
) -> Result<Option<Format>, std::io::Error> {
    match global.format {
        None => Ok(Some(accepted[0])),
        Some(f) if accepted.contains(&f) => Ok(Some(f)),
        Some(f) => {
            let names: Vec<String> = accepted
                .iter()
                .map(|a| {
                    a.to_possible_value()
                        .map(|v| v.get_name().to_string())
                        .unwrap_or_default()
                })
                .collect();
            let given = f
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            writeln!(
                io.err,
                "error: `reprise {command}` does not write --format {given}; use one of: {}",
                names.join(", ")
            )?;
            Ok(None)
        }
    }
}

/// The start of every command on a plan: the format it writes (a usage
/// error otherwise), then the plan, which must be valid. `Err` carries the
/// exit code when the command must stop.
fn prepare(
    global: &Global,
    command: &str,
    accepted: &[Format],
    path: &Path,
    io: &mut Io,
) -> Result<(Format, crate::model::Plan), CliError> {
    let Some(format) = pick_format(global, command, accepted, io)? else {
        return Err(CliError::Exit(exit::BAD_INPUT));
    };
    match load_valid(path, io)? {
        Loaded {
            plan: Some(plan), ..
        } => Ok((format, plan)),
        _ => Err(CliError::Exit(exit::BAD_INPUT)),
    }
}

/// Load a plan for a command that needs a valid one: errors are printed and
/// turn into exit code 2; warnings are summed up in one line.
fn load_valid(path: &Path, io: &mut Io) -> Result<Loaded, CliError> {
    let loaded = load_plan(path);
    if loaded.has_errors() {
        print_diagnostics(&loaded, io.err)?;
        let n = loaded.errors().count();
        writeln!(
            io.err,
            "error: the plan has {n} error{}; nothing was written",
            if n == 1 { "" } else { "s" }
        )?;
        return Err(CliError::Exit(exit::BAD_INPUT));
    }
    let warnings = loaded.diagnostics.len();
    if warnings > 0 {
        writeln!(
            io.err,
            "note: the plan has {warnings} warning{}; `reprise check {}` shows them",
            if warnings == 1 { "" } else { "s" },
            path.display()
        )?;
    }
    Ok(loaded)
}

/// Writes a document in the chosen format: Markdown, HTML, or terminal
/// tables for anything else.
fn write_doc(format: Format, d: &crate::render::doc::Doc, io: &mut Io) -> std::io::Result<()> {
    use crate::render::doc;
    let text = match format {
        Format::Markdown => doc::markdown(d),
        Format::Html => doc::html(d),
        _ => doc::terminal(d),
    };
    io.out.write_all(text.as_bytes())
}

fn print_diagnostics(loaded: &Loaded, w: &mut dyn Write) -> std::io::Result<()> {
    for d in &loaded.diagnostics {
        write_diagnostic(d, loaded, w)?;
    }
    Ok(())
}

fn write_diagnostic(d: &Diagnostic, loaded: &Loaded, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(d.render(&loaded.sources).as_bytes())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every command says what it is for in `--help`.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "reprise", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }
}

//! Tabletop exercises: a scenario played by people.
//!
//! An exercise file names a scenario (which names its plan) and adds what
//! people need to play it: objectives, roles, and the master scenario events
//! list (MSEL, the "chronogramme" of the ANSSI guide): timed injects with
//! audience, channel, sender, text and expected actions, and contingency
//! injects that fire when an expected decision is late. [`load()`] reads and
//! checks an exercise with its scenario and plan, reporting every mistake
//! with its place; [`Decision`] is what players decide during the exercise,
//! parsed from the facilitator's command line; [`journal`] writes every
//! inject delivered and every decision to an append-only file before it is
//! acknowledged.
//!
//! Times are scenario times in whole seconds from T0, the same clock as the
//! scenario's events: an exercise starting at `5d` opens on the fifth day of
//! its scenario.

pub mod command;
mod decision;
pub(crate) mod draft;
pub mod journal;
mod raw;
pub mod request;
pub(crate) mod retex;
pub mod session;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::load::{self, Spanned, check_id};
use crate::model::{NodeRef, Plan, ProcessId, ServiceId, SimDuration, TeamId, ZoneId};
use crate::scenario::{self, LoadedScenario};
pub use decision::{Decision, DecisionError};
use decision::{failover, objective, relocatable, service, team, workaround, zone};
pub use raw::{Channel, ExerciseFile, RoleKind, Verb};

/// An exercise, checked and resolved against its scenario's plan.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub title: String,
    pub description: Option<String>,
    /// The scenario file, as resolved from the exercise's folder.
    pub scenario_path: PathBuf,
    /// Scenario time at which the exercise clock starts, in seconds.
    pub start: u64,
    /// Scenario time at which the exercise ends, in seconds.
    pub end: u64,
    /// How far "advance by a step" moves the clock, in seconds (never 0).
    pub step: u64,
    /// In file order.
    pub objectives: Vec<Objective>,
    /// In file order.
    pub roles: Vec<Role>,
    /// Timed injects, in time order (stable: injects at the same time keep
    /// file order).
    pub injects: Vec<Inject>,
    /// Contingency injects, in the order of their deadlines (stable).
    pub contingencies: Vec<Inject>,
}

impl Exercise {
    pub fn objective(&self, id: &str) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.id == id)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// A timed or contingency inject.
    pub fn inject(&self, id: &str) -> Option<&Inject> {
        self.injects
            .iter()
            .chain(&self.contingencies)
            .find(|i| i.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: String,
    pub text: String,
    /// How the observers evaluate it.
    pub evaluation: String,
    /// A check the engine can make by itself.
    pub expects: Option<Deadline>,
    /// The processes it is there to protect: declared, or the process a
    /// workaround expectation names.
    pub protects: Vec<ProcessId>,
}

/// A decision expected by a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub expect: Expectation,
    /// Scenario time, in seconds.
    pub by: u64,
}

/// The kind of decision that meets an expectation: an action and, when
/// given, what it must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub action: Verb,
    /// `None`: any decision with this action.
    pub target: Option<Target>,
}

/// What an expected decision must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// For `restore` and `failover`.
    Service(ServiceId),
    /// For `isolate` and `reconnect`.
    Zone(ZoneId),
    /// For `workaround`.
    Process(ProcessId),
    /// For `staff`.
    Team(TeamId),
    /// For `crisis`: this level or a higher one.
    Level(u8),
    /// For `evaluate`.
    Objective(String),
}

impl Expectation {
    /// Whether `decision` meets this expectation.
    pub fn met_by(&self, decision: &Decision) -> bool {
        if decision.action() != self.action {
            return false;
        }
        let Some(target) = &self.target else {
            return true;
        };
        match (target, decision) {
            (
                Target::Service(s),
                Decision::Restore { service, .. }
                | Decision::Failover { service }
                | Decision::Relocate { service, .. },
            ) => s == service,
            (Target::Zone(z), Decision::Isolate { zone } | Decision::Reconnect { zone }) => {
                z == zone
            }
            (Target::Process(p), Decision::Workaround { process }) => p == process,
            (Target::Team(t), Decision::Staff { team, .. }) => t == team,
            (Target::Level(l), Decision::Crisis { level }) => level >= l,
            (Target::Objective(o), Decision::Evaluate { objective, .. }) => o == objective,
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub kind: RoleKind,
}

/// An action players are expected to take after an inject.
#[derive(Debug, Clone)]
pub struct ExpectedAction {
    /// In words, for the facilitators and the report.
    pub text: String,
    /// The decision that meets it, when one does.
    pub decision: Option<Expectation>,
}

#[derive(Debug, Clone)]
pub struct Inject {
    pub id: String,
    /// When it is delivered (scenario time, seconds). For a contingency
    /// inject, its deadline: it is delivered then unless `unless` was met
    /// before.
    pub at: u64,
    /// Role ids.
    pub to: Vec<String>,
    pub channel: Channel,
    /// The sender, as the players see it.
    pub from: String,
    pub text: String,
    pub expects: Vec<ExpectedAction>,
    /// An objective id.
    pub objective: Option<String>,
    /// Set on contingency injects: the decision whose absence fires it.
    pub unless: Option<Expectation>,
}

impl Inject {
    pub fn is_contingency(&self) -> bool {
        self.unless.is_some()
    }
}

/// An exercise with its scenario and plan, or everything wrong with them.
pub struct LoadedExercise {
    pub exercise: Option<Exercise>,
    /// The exercise file and its own diagnostics.
    pub document: load::Document<ExerciseFile>,
    /// The scenario, once the exercise names one that exists; it carries
    /// the plan and their diagnostics.
    pub scenario: Option<LoadedScenario>,
}

impl LoadedExercise {
    pub fn has_errors(&self) -> bool {
        self.document.diagnostics.iter().any(Diagnostic::is_error)
            || self
                .scenario
                .as_ref()
                .is_none_or(LoadedScenario::has_errors)
    }

    /// The plan, when it loaded without error.
    pub fn plan(&self) -> Option<&Plan> {
        self.scenario
            .as_ref()
            .and_then(|s| s.plan.as_ref())
            .and_then(|l| l.plan.as_ref())
    }
}

/// Added to the last inject when the exercise does not say when it ends.
const DEFAULT_TAIL: u64 = 4 * 3_600;
const DEFAULT_STEP: u64 = 3_600;

/// Reads an exercise, the scenario it names and that scenario's plan, and
/// checks every reference: roles, objectives, injects, and the services,
/// zones, processes and teams of expected decisions.
pub fn load(path: &Path) -> LoadedExercise {
    let mut document = load::read_document_with(path, raw::decode);
    let Some(file) = document.value.as_ref() else {
        return LoadedExercise {
            exercise: None,
            document,
            scenario: None,
        };
    };
    let scenario_path = path
        .parent()
        .unwrap_or(Path::new(""))
        .join(&file.scenario.value);
    let scenario = if scenario_path.is_file() {
        Some(scenario::load(&scenario_path))
    } else {
        document.diagnostics.push(
            Diagnostic::error(
                "include-missing",
                format!(
                    "cannot open the scenario `{}`: no such file",
                    scenario_path.display()
                ),
            )
            .at(file.scenario.span)
            .help("`scenario` is a path relative to the exercise file"),
        );
        None
    };
    let plan = scenario
        .as_ref()
        .and_then(|s| s.plan.as_ref())
        .and_then(|l| l.plan.as_ref());
    let horizon = scenario
        .as_ref()
        .and_then(|s| s.scenario.as_ref())
        .map(|s| SimDuration::from_secs(s.limit()));
    let (exercise, found) = resolve(file, plan, horizon, scenario_path);
    document.diagnostics.extend(found);
    document
        .diagnostics
        .sort_by_key(|d| (Reverse(d.severity), d.span.map(|s| (s.line, s.col))));
    let mut loaded = LoadedExercise {
        exercise,
        document,
        scenario,
    };
    if loaded.has_errors() {
        loaded.exercise = None;
    }
    loaded
}

/// Checks an exercise file. Without a plan (the scenario or the plan did
/// not load), only what the file says by itself is checked and no
/// [`Exercise`] comes out.
fn resolve(
    file: &ExerciseFile,
    plan: Option<&Plan>,
    horizon: Option<SimDuration>,
    scenario_path: PathBuf,
) -> (Option<Exercise>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    unique_ids(
        file.objectives.iter().map(|o| &o.id),
        "objective",
        &mut diags,
    );
    unique_ids(file.roles.iter().map(|r| &r.id), "role", &mut diags);
    unique_ids(file.injects.iter().map(|i| &i.id), "inject", &mut diags);
    // Entries that did not decode still define their ids, so references to
    // them add no noise.
    let known_objectives: Vec<&str> = file
        .objectives
        .iter()
        .map(|o| o.id.as_str())
        .chain(file.undecoded.objectives.iter().map(String::as_str))
        .collect();
    let known_roles: Vec<&str> = file
        .roles
        .iter()
        .map(|r| r.id.as_str())
        .chain(file.undecoded.roles.iter().map(String::as_str))
        .collect();

    // The exercise's window.
    let start = file.start.as_ref().map_or(0, |s| s.as_secs());
    let step = match &file.step {
        Some(s) if s.as_secs() == 0 => {
            diags.push(
                Diagnostic::error("bad-value", "`step` must be longer than 0s")
                    .at(s.span)
                    .help("write how far one step moves the clock, e.g. `30m` or `1h`"),
            );
            DEFAULT_STEP
        }
        Some(s) => s.as_secs(),
        None => DEFAULT_STEP,
    };
    let latest = file
        .injects
        .iter()
        .filter_map(|i| match (&i.at, &i.contingency) {
            (Some(at), _) => Some(at.as_secs()),
            (None, Some(c)) => Some(c.by.as_secs()),
            (None, None) => None,
        })
        .max();
    let end = match &file.end {
        Some(e) if e.as_secs() <= start => {
            diags.push(
                Diagnostic::error(
                    "outside-exercise",
                    format!(
                        "the exercise ends at {} but starts at {}",
                        e.value,
                        SimDuration::from_secs(start)
                    ),
                )
                .at(e.span)
                .help("`end` is a scenario time after `start`"),
            );
            start + DEFAULT_TAIL
        }
        Some(e) => e.as_secs(),
        None => latest.unwrap_or(start).max(start) + DEFAULT_TAIL,
    };
    if let (Some(h), Some(e)) = (horizon, &file.end)
        && e.as_secs() > h.as_secs()
    {
        diags.push(
            Diagnostic::warning(
                "beyond-horizon",
                format!(
                    "the exercise ends at {} but its scenario is simulated for {h} only",
                    e.value
                ),
            )
            .at(e.span)
            .help("end the exercise earlier, or lengthen the scenario's `horizon`"),
        );
    }
    let window = Window { start, end };

    let refs = Refs {
        plan,
        objectives: &known_objectives,
    };
    let mut objectives = Vec::new();
    for spanned in &file.objectives {
        let o = &spanned.value;
        let expects = o.expects.as_ref().and_then(|d| {
            window.check(&d.by, "the deadline", &mut diags);
            let expect =
                refs.expectation(&d.action, d.target.as_ref(), d.level.as_ref(), &mut diags)?;
            Some(Deadline {
                expect,
                by: d.by.as_secs(),
            })
        });
        let mut protects = Vec::new();
        if let Some(plan) = refs.plan {
            for id in &o.protects {
                match plan.node_by_id(&id.value) {
                    Some(NodeRef::Process(p)) => protects.push(p),
                    _ => diags.push(unknown(
                        "process",
                        &id.value,
                        id.span,
                        plan.processes.iter().map(|p| p.id.as_str()),
                    )),
                }
            }
        }
        if protects.is_empty()
            && let Some(Deadline {
                expect:
                    Expectation {
                        target: Some(Target::Process(p)),
                        ..
                    },
                ..
            }) = &expects
        {
            protects.push(*p);
        }
        objectives.push(Objective {
            id: o.id.value.clone(),
            text: o.text.clone(),
            evaluation: o.evaluation.clone(),
            expects,
            protects,
        });
    }
    let roles: Vec<Role> = file
        .roles
        .iter()
        .map(|r| Role {
            id: r.id.value.clone(),
            name: r.name.clone(),
            kind: r.kind,
        })
        .collect();

    let mut injects = Vec::new();
    let mut contingencies = Vec::new();
    for spanned in &file.injects {
        let i = &spanned.value;
        let (at, unless) = match (&i.at, &i.contingency) {
            (Some(at), None) => {
                window.check(at, "the inject", &mut diags);
                (at.as_secs(), None)
            }
            (None, Some(c)) => {
                window.check(&c.by, "the contingency's deadline", &mut diags);
                let unless =
                    refs.expectation(&c.unless, c.target.as_ref(), c.level.as_ref(), &mut diags);
                (c.by.as_secs(), unless)
            }
            (Some(_), Some(_)) => {
                diags.push(
                    Diagnostic::error(
                        "bad-inject",
                        format!(
                            "inject `{}` has both `at` and `contingency`",
                            i.id.value
                        ),
                    )
                    .at(spanned.span)
                    .help("a timed inject has `at`; a contingency inject has `contingency: { unless: ACTION, by: TIME }`"),
                );
                continue;
            }
            (None, None) => {
                diags.push(
                    Diagnostic::error(
                        "bad-inject",
                        format!(
                            "inject `{}` says neither when nor on what condition it is delivered",
                            i.id.value
                        ),
                    )
                    .at(spanned.span)
                    .help("add `at: TIME`, or `contingency: { unless: ACTION, by: TIME }`"),
                );
                continue;
            }
        };
        if i.to.0.is_empty() {
            diags.push(
                Diagnostic::error(
                    "missing-key",
                    format!("inject `{}` is sent to nobody", i.id.value),
                )
                .at(spanned.span)
                .help(format!(
                    "list role ids in `to`, e.g. `to: [{}]`",
                    known_roles.first().copied().unwrap_or("dsi")
                )),
            );
        }
        for r in &i.to.0 {
            if !known_roles.contains(&r.as_str()) {
                diags.push(unknown(
                    "role",
                    &r.value,
                    r.span,
                    known_roles.iter().copied(),
                ));
            }
        }
        if let Some(o) = &i.objective
            && !known_objectives.contains(&o.as_str())
        {
            diags.push(unknown(
                "objective",
                &o.value,
                o.span,
                known_objectives.iter().copied(),
            ));
        }
        let mut expects = Vec::new();
        for e in &i.expects {
            let decision = match &e.action {
                Some(action) => {
                    refs.expectation(action, e.target.as_ref(), e.level.as_ref(), &mut diags)
                }
                None => {
                    if let Some(t) = &e.target {
                        diags.push(needs_action("target", t.span));
                    }
                    if let Some(l) = &e.level {
                        diags.push(needs_action("level", l.span));
                    }
                    None
                }
            };
            expects.push(ExpectedAction {
                text: e.text.clone(),
                decision,
            });
        }
        let inject = Inject {
            id: i.id.value.clone(),
            at,
            to: i.to.0.iter().map(|r| r.value.clone()).collect(),
            channel: i.channel,
            from: i.from.clone(),
            text: i.text.clone(),
            expects,
            objective: i.objective.as_ref().map(|o| o.value.clone()),
            unless,
        };
        if inject.is_contingency() {
            contingencies.push(inject);
        } else {
            injects.push(inject);
        }
    }
    injects.sort_by_key(|i| i.at);
    contingencies.sort_by_key(|i| i.at);

    // Without a plan, targets could not be resolved: no exercise, but the
    // file's own mistakes are all reported. With mistakes, the caller drops
    // the exercise.
    if plan.is_none() {
        return (None, diags);
    }
    let exercise = Exercise {
        title: file.title.clone(),
        description: file.description.clone(),
        scenario_path,
        start,
        end,
        step,
        objectives,
        roles,
        injects,
        contingencies,
    };
    (Some(exercise), diags)
}

/// Checks ids are words and unique.
fn unique_ids<'a>(
    ids: impl Iterator<Item = &'a Spanned<String>>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, Span> = HashMap::new();
    for id in ids {
        if let Err(why) = check_id(&id.value) {
            diags.push(
                Diagnostic::error("bad-id", format!("`{}` is not a valid id: {why}", id.value))
                    .at(id.span)
                    .help("ids use ASCII letters, digits, `-`, `_` and `.`, e.g. `cellule-crise`"),
            );
        }
        if let Some(span) = first.get(id.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("{what} `{}` is defined twice", id.value),
                )
                .at(id.span)
                .label("second definition")
                .note(*span, "first defined here")
                .help(format!("{what} ids are unique in an exercise; rename one")),
            );
        } else {
            first.insert(&id.value, id.span);
        }
    }
}

fn unknown<'a>(
    what: &str,
    id: &str,
    span: Span,
    known: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    let mut d = Diagnostic::error("unknown-id", format!("unknown {what} `{id}`")).at(span);
    d = match did_you_mean(id, known.iter().copied()) {
        Some(h) => d.help(h),
        None if known.is_empty() => d.help(format!("the exercise defines no {what}")),
        None => d.help(format!("{what}s of this exercise: {}", list(&known))),
    };
    d
}

fn needs_action(key: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "bad-target",
        format!("`{key}` says what a decision acts on, but no `action` is given"),
    )
    .at(span)
    .help("add the decision's `action`, e.g. `action: restore`")
}

fn list(ids: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut out = ids
        .iter()
        .take(SHOWN)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        out.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    out
}

/// The exercise's time window, for checking injects and deadlines.
struct Window {
    start: u64,
    end: u64,
}

impl Window {
    fn check(&self, at: &Spanned<SimDuration>, what: &str, diags: &mut Vec<Diagnostic>) {
        let t = at.as_secs();
        if t < self.start || t > self.end {
            diags.push(
                Diagnostic::error(
                    "outside-exercise",
                    format!(
                        "{what} at {} is outside the exercise, which runs from {} to {}",
                        at.value,
                        SimDuration::from_secs(self.start),
                        SimDuration::from_secs(self.end)
                    ),
                )
                .at(at.span)
                .help("times are scenario times, counted from T0; move it, or change the exercise's `start` or `end`"),
            );
        }
    }
}

/// What the references of an exercise resolve against.
struct Refs<'a> {
    plan: Option<&'a Plan>,
    /// Objective ids, including those of objectives that did not decode.
    objectives: &'a [&'a str],
}

impl Refs<'_> {
    /// Resolves an expected decision. `None` when it has a mistake
    /// (reported) or when there is no plan to resolve it against.
    fn expectation(
        &self,
        action: &Spanned<Verb>,
        target: Option<&Spanned<String>>,
        level: Option<&Spanned<u8>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Expectation> {
        let action_word = action.value.as_str();
        if let Some(l) = level
            && action.value != Verb::Crisis
        {
            diags.push(
                Diagnostic::error(
                    "bad-target",
                    format!("`level` applies to `crisis`, not to `{action_word}`"),
                )
                .at(l.span)
                .help("remove `level`, or use `target` to say what the decision acts on"),
            );
            return None;
        }
        let resolved = match (action.value, target) {
            (_, None) => None,
            (Verb::Crisis, Some(t)) => {
                diags.push(
                    Diagnostic::error("bad-target", "a crisis decision has a level, not a target")
                        .at(t.span)
                        .help("write `level: 2` instead of `target`"),
                );
                return None;
            }
            (Verb::Note, Some(t)) => {
                diags.push(
                    Diagnostic::error("bad-target", "a note acts on nothing: it has no target")
                        .at(t.span)
                        .help("remove `target`; say what the note should contain in `text`"),
                );
                return None;
            }
            (Verb::Evaluate, Some(t)) => {
                match objective(self.objectives.iter().copied(), &t.value) {
                    Ok(o) => Some(Target::Objective(o)),
                    Err(p) => {
                        diags.push(p.diagnostic(t.span));
                        return None;
                    }
                }
            }
            (a, Some(t)) => {
                let plan = self.plan?;
                let found = match a {
                    Verb::Restore => service(plan, &t.value).map(Target::Service),
                    Verb::Failover => failover(plan, &t.value).map(Target::Service),
                    Verb::Relocate => relocatable(plan, &t.value).map(Target::Service),
                    Verb::Isolate | Verb::Reconnect => zone(plan, &t.value).map(Target::Zone),
                    Verb::Workaround => workaround(plan, &t.value).map(Target::Process),
                    Verb::Staff => team(plan, &t.value).map(Target::Team),
                    Verb::Crisis | Verb::Note | Verb::Evaluate => return None,
                };
                match found {
                    Ok(target) => Some(target),
                    Err(p) => {
                        diags.push(p.diagnostic(t.span));
                        return None;
                    }
                }
            }
        };
        let resolved = match (resolved, level) {
            (None, Some(l)) if !(1..=3).contains(&l.value) => {
                diags.push(
                    Diagnostic::error(
                        "bad-value",
                        format!("crisis level {} does not exist", l.value),
                    )
                    .at(l.span)
                    .help("crisis levels are 1, 2 and 3"),
                );
                return None;
            }
            (None, Some(l)) => Some(Target::Level(l.value)),
            (r, _) => r,
        };
        // Targets in the plan resolve only with a plan; the caller gets no
        // exercise without one anyway.
        self.plan?;
        Some(Expectation {
            action: action.value,
            target: resolved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_words() {
        assert!(check_id("cellule-crise.2").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("-x").is_err());
        assert!(check_id("deux mots").is_err());
    }
}

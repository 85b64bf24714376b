//! Drafting an exercise from one simulated run of its scenario.
//!
//! `reprise exercise generate` gives the facilitators a first chronogramme
//! to edit instead of a blank page. [`draft`] reads a simulation [`Run`] and
//! keeps its significant events: the attack discovered, the first services
//! down, vital and essential processes stopping, backups found lost, staff
//! changes, the scenario's notes, processes about to breach their DMIA, the
//! press calling and the social networks. Each becomes an inject with a
//! believable sender and channel; a few objectives with deadlines are
//! derived from the run, and each deadline gets a contingency inject.
//! [`Draft::to_yaml`] writes the exercise format by hand: serde_yaml stays a
//! reader behind `load::yaml` (see ARCHITECTURE), so every text goes
//! through `yaml::quoted`, a YAML double-quoted scalar with escapes.
//!
//! The run's facts are read in `facts`, worded as injects, objectives and
//! roles in `injects`, and written in `yaml`; this module holds the typed
//! [`Draft`] and puts the three together.
//!
//! Texts are in French, like the shipped exercises: they are read to French
//! crisis cells. Everything here is a pure function of the plan, the
//! scenario and the run, so a seed gives the same draft byte for byte.

mod facts;
mod injects;
pub(crate) mod yaml;

use super::{Channel, RoleKind, Verb};
use crate::model::Plan;
use crate::scenario::Scenario;
use crate::simulation::Run;

use facts::{Facts, pick_restore, pick_workaround};
use injects::{Generator, description, roles};

/// An exercise ready to be written: the exercise format's fields, with
/// times in seconds of scenario time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub description: String,
    /// The scenario file as it is written in the draft.
    pub scenario: String,
    pub start: u64,
    pub end: u64,
    pub step: u64,
    pub objectives: Vec<DraftObjective>,
    pub roles: Vec<DraftRole>,
    /// Timed injects in time order, then contingency injects in the order of
    /// their deadlines.
    pub injects: Vec<DraftInject>,
    /// The simulation's seed, recalled in the file's header.
    pub seed: u64,
    /// The date of T0, when the scenario gives one.
    pub t0: Option<String>,
}

/// A decision, as an objective, an expected action or a contingency names
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub action: Verb,
    /// A service, `zone:ID`, process or team id.
    pub target: Option<String>,
    /// For `crisis`.
    pub level: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftObjective {
    pub id: String,
    pub text: String,
    pub evaluation: String,
    /// The decision expected, and by when.
    pub expects: Option<(Expected, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRole {
    pub id: String,
    pub name: String,
    pub kind: RoleKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    At(u64),
    /// Delivered at `by` unless the decision was taken before.
    Unless {
        expected: Expected,
        by: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftAction {
    pub text: String,
    pub decision: Option<Expected>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInject {
    pub id: String,
    pub when: When,
    pub to: Vec<String>,
    pub channel: Channel,
    pub from: String,
    pub text: String,
    pub expects: Vec<DraftAction>,
    pub objective: Option<String>,
}

impl DraftInject {
    /// When it is delivered, or its deadline.
    pub fn at(&self) -> u64 {
        match &self.when {
            When::At(t) | When::Unless { by: t, .. } => *t,
        }
    }
}

const MINUTE: u64 = 60;
const QUARTER: u64 = 15 * MINUTE;
const HOUR: u64 = 3_600;
/// How much of the crisis the draft covers, from the first process
/// stopping: the first two days, where a crisis cell takes its decisions
/// (the shipped exercises cover one and two days).
const WINDOW: u64 = 48 * HOUR;
/// Services, processes or data named in one inject before "and N others".
const LISTED: usize = 5;

// The roles every draft has; injects address them by these ids.
const DGS: &str = "dgs";
const DSI: &str = "dsi";
const RSSI: &str = "rssi";
const COM: &str = "com";
const ELUS: &str = "elus";

/// Drafts an exercise from one run of `scenario`. `scenario_path` is the
/// scenario file as the draft must name it (relative to where the draft is
/// written); `seed` is the run's, recalled in the header.
pub fn draft(plan: &Plan, scenario: &Scenario, run: &Run, scenario_path: &str, seed: u64) -> Draft {
    let facts = Facts::read(plan, scenario, run);
    let first = facts.first.unwrap_or(0);
    let start = floor(first.saturating_sub(QUARTER), QUARTER);
    let horizon = scenario.limit();
    let anchor = facts.stops.first().map_or(first, |&(t, _)| t.max(first));
    let until = anchor.saturating_add(WINDOW).min(horizon).max(start);
    let attack = facts
        .attack_end
        .filter(|&(t, _)| (start..=until).contains(&t));
    let restore = pick_restore(plan, &facts, until);
    let degrade = pick_workaround(plan, &facts, until, restore.map(|r| r.process));
    let mut g = Generator {
        plan,
        scenario,
        facts: &facts,
        start,
        until,
        attack,
        restore,
        degrade,
        timed: Vec::new(),
    };
    let prelude = g.timed(run);
    let mut timed = std::mem::take(&mut g.timed);
    timed.sort_by_key(|p| (p.at, p.rank));
    let alert = timed.first().map_or(first, |p| p.at);
    let (objectives, mut contingencies) = g.objectives(alert);
    contingencies.sort_by_key(|c| c.at);

    let width = if timed.len().max(contingencies.len()) >= 100 {
        3
    } else {
        2
    };
    let mut injects = Vec::new();
    for (i, p) in timed.into_iter().enumerate() {
        let mut inject = p.inject;
        inject.id = format!("i{:0width$}", i + 1);
        injects.push(inject);
    }
    for (i, p) in contingencies.into_iter().enumerate() {
        let mut inject = p.inject;
        inject.id = format!("c{:0width$}", i + 1);
        injects.push(inject);
    }

    let latest = injects
        .iter()
        .map(DraftInject::at)
        .chain(
            objectives
                .iter()
                .filter_map(|o| o.expects.as_ref().map(|e| e.1)),
        )
        .max()
        .unwrap_or(start);
    let mut end = ceil(latest + HOUR, HOUR);
    if end > horizon {
        end = horizon.max(latest);
    }
    if end <= start {
        end = start + HOUR;
    }

    Draft {
        title: format!("Exercice — {}", scenario.name),
        description: description(plan, scenario, run, &prelude, start, end, seed),
        scenario: scenario_path.to_string(),
        start,
        end,
        step: HOUR,
        objectives,
        roles: roles(),
        injects,
        seed,
        t0: scenario.date(0),
    }
}

fn minute(t: u64) -> u64 {
    floor(t, MINUTE)
}

fn floor(t: u64, unit: u64) -> u64 {
    t - t % unit
}

fn ceil(t: u64, unit: u64) -> u64 {
    t.div_ceil(unit) * unit
}

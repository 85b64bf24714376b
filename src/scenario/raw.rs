//! The scenario file's shape, for decoding and for its JSON Schema.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::load::{Node, NodeValue, Sink, Spanned};
use crate::model::SimDuration;

/// Services hit by an event: ids, `site:ID`, `zone:ID` or `supplier:ID`,
/// one or a list, each with its place.
pub type Targets = crate::load::Ids<TargetIds>;

#[derive(Debug)]
pub struct TargetIds;

impl crate::load::Expecting for TargetIds {
    const TEXT: &'static str = "a target (`dns`, `site:dc-a`) or a list of targets";
    const NAME: &'static str = "Targets";
    const DESCRIPTION: &'static str =
        "A service id, `site:ID`, `zone:ID` or `supplier:ID`, or a list of them.";
    const MIN_ITEMS: Option<u32> = None;
}

/// A scenario: what happens, and when.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "reprise scenario")]
pub struct ScenarioFile {
    pub name: String,
    pub description: Option<String>,
    /// The plan, as a path relative to this file.
    pub plan: Spanned<String>,
    /// How long to simulate after T0 (default 30d).
    pub horizon: Option<SimDuration>,
    /// The date and time of T0, RFC 3339 with its UTC offset
    /// (`2026-03-14T02:00:00+01:00`): timelines then show dates.
    pub start: Option<Spanned<String>>,
    #[serde(default)]
    pub events: Vec<Spanned<EventFile>>,
    /// A cyberattack, if the scenario has one.
    pub attack: Option<AttackFile>,
}

/// A cyberattack: initial access, lateral movement, then encryption.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttackFile {
    /// Initial access, counted from T0.
    #[serde(default)]
    pub at: Option<SimDuration>,
    /// Services the attacker compromises first.
    pub entry: Targets,
    /// ATT&CK technique of the initial access, for reports (e.g. T1133).
    pub technique: Option<String>,
    /// The attacker's pace: the time to take each next service, one at a
    /// time, among those it can encrypt in the zones its footholds reach
    /// (default `hard`).
    pub spread: Option<Spread>,
    /// The time from holding an identity service to administering, all at
    /// once, every service whose `identity` it is (default `easy`).
    pub identity: Option<Spread>,
    /// Time from initial access to encryption.
    pub dwell: SimDuration,
    /// When defenders detect the attack (from T0); before `dwell`, it stops
    /// the attack: the compromised services are isolated and rebuilt, but
    /// nothing is encrypted.
    pub detect: Option<SimDuration>,
    /// The investigation from the attack's end (detection or encryption):
    /// forensic freeze while the date and the extent of the compromise are
    /// established. Nothing the attacker held is rebuilt, restored or
    /// failed over before it ends (default 0).
    pub investigation: Option<SimDuration>,
}

/// A time-to-compromise distribution: exponential with a mean, or a class
/// in the MAL style: `certain` (at once), `easy` (mean 1h), `hard` (mean 1d),
/// `very_hard` (mean 1w).
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", untagged)]
pub enum Spread {
    Class(SpreadClass),
    Mean {
        /// Mean time to compromise.
        mean: SimDuration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpreadClass {
    Certain,
    Easy,
    Hard,
    VeryHard,
}

/// One timed event: exactly one of `outage`, `destroy`, `power`, `isolate`
/// or `staff`, or only a `note`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// When, counted from T0.
    pub at: SimDuration,
    /// What fails. With `for`, it comes back by itself after that long
    /// (a supplier's outage); without, it must be restored.
    pub outage: Option<Targets>,
    /// What is destroyed and must be rebuilt.
    pub destroy: Option<Targets>,
    /// A mains power cut, with `for`: the power sources named (or those of
    /// the sites named: `power` services not fed by another) stop, except
    /// those with an `autonomy`, which run that long on their reserves
    /// first; what they feed follows by its dependencies.
    pub power: Option<Targets>,
    /// Containment: zones cut off the network (`zone:ID` or `ID`), for `for`
    /// or for good. The network flows across their boundaries are cut: their
    /// services keep running on what they have inside, what is outside
    /// loses them, and an attacker can no longer move into or out of them.
    /// Cutting the `internet` zone cuts the internet link.
    pub isolate: Option<Targets>,
    /// A team whose number of available people changes.
    pub staff: Option<Spanned<String>>,
    /// With `staff`: how many people the team has from then on.
    pub capacity: Option<u32>,
    /// How long the outage or the staff change lasts.
    #[serde(rename = "for")]
    pub lasts: Option<SimDuration>,
    /// A line for the timeline.
    pub note: Option<String>,
}

/// The head of a scenario file: everything but its events, which are decoded
/// one by one so that every mistake among them is reported.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    name: String,
    description: Option<String>,
    plan: Spanned<String>,
    horizon: Option<SimDuration>,
    start: Option<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    events: serde::de::IgnoredAny,
    attack: Option<AttackFile>,
}

pub(super) fn decode(root: &Node, sink: &Sink) -> (Option<ScenarioFile>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let head = match crate::load::decode::<Head>(root, sink) {
        Ok(h) => Some(h),
        Err(d) => {
            found.push(d);
            None
        }
    };
    let mut events = Vec::new();
    if let NodeValue::Map(entries) = &root.value
        && let Some((_, list)) = entries
            .iter()
            .find(|(k, _)| k.value == NodeValue::String("events".into()))
    {
        match &list.value {
            NodeValue::Seq(items) => {
                for item in items {
                    match crate::load::decode::<Spanned<EventFile>>(item, sink) {
                        Ok(e) => events.push(e),
                        Err(d) => found.push(d),
                    }
                }
            }
            NodeValue::Null => {}
            other => found.push(
                Diagnostic::error(
                    "wrong-type",
                    format!("expected a list of events, found {}", other.describe()),
                )
                .at(list.span)
                .help("write one `- at: …` entry per event"),
            ),
        }
    }
    let file = head.map(|h| ScenarioFile {
        name: h.name,
        description: h.description,
        plan: h.plan,
        horizon: h.horizon,
        start: h.start,
        events,
        attack: h.attack,
    });
    (file, found)
}

//! The exercise file's shape, for decoding and for its JSON Schema.
//!
//! Objectives, roles and injects are decoded entry by entry (as a
//! scenario's events are), so one bad inject does not hide the others and
//! every mistake is reported with its place.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::load::{Node, NodeValue, Sink, Spanned};
use crate::model::SimDuration;

/// What a decision does: the first word of a facilitator's command, and
/// the `action` of an expected decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Action")]
pub enum Verb {
    /// Restore a service (`restore SERVICE [with TEAM]`).
    Restore,
    /// Switch a service to its failover (`failover SERVICE`).
    Failover,
    /// Bring a service back at a recovery site (`relocate SERVICE [to
    /// SITE]`).
    Relocate,
    /// Cut a network zone off (`isolate ZONE`), to contain an attack.
    Isolate,
    /// Connect an isolated zone again (`reconnect ZONE`).
    Reconnect,
    /// Activate a process's workaround (`workaround PROCESS`).
    Workaround,
    /// Change how many people a team has (`staff TEAM N`).
    Staff,
    /// Declare a crisis level, 1 to 3 (`crisis N`).
    Crisis,
    /// A free-text line in the journal (`note TEXT`).
    Note,
    /// An observer's evaluation of an objective
    /// (`evaluate OBJECTIVE met|missed [TEXT]`).
    Evaluate,
}

impl Verb {
    /// Every action, in the order commands are listed in help.
    pub const ALL: [Verb; 10] = [
        Verb::Restore,
        Verb::Failover,
        Verb::Relocate,
        Verb::Isolate,
        Verb::Reconnect,
        Verb::Workaround,
        Verb::Staff,
        Verb::Crisis,
        Verb::Note,
        Verb::Evaluate,
    ];

    /// The word written in files and commands.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Restore => "restore",
            Verb::Failover => "failover",
            Verb::Relocate => "relocate",
            Verb::Isolate => "isolate",
            Verb::Reconnect => "reconnect",
            Verb::Workaround => "workaround",
            Verb::Staff => "staff",
            Verb::Crisis => "crisis",
            Verb::Note => "note",
            Verb::Evaluate => "evaluate",
        }
    }

    /// How the command is written, for help and error messages.
    pub fn syntax(self) -> &'static str {
        match self {
            Verb::Restore => "restore SERVICE [with TEAM]",
            Verb::Failover => "failover SERVICE",
            Verb::Relocate => "relocate SERVICE [to SITE]",
            Verb::Isolate => "isolate ZONE",
            Verb::Reconnect => "reconnect ZONE",
            Verb::Workaround => "workaround PROCESS",
            Verb::Staff => "staff TEAM N",
            Verb::Crisis => "crisis N",
            Verb::Note => "note TEXT",
            Verb::Evaluate => "evaluate OBJECTIVE met|missed [TEXT]",
        }
    }

    pub fn from_word(word: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|a| a.as_str() == word)
    }
}

/// How an inject reaches its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A phone call.
    Phone,
    /// An email or a letter.
    Mail,
    /// A text message.
    Sms,
    /// A journalist's call or an article.
    Press,
    /// A post on a social network.
    Social,
    /// A radio message (the prefecture's network, the crisis radio).
    Radio,
    /// Said in a meeting, or by someone who walks in.
    Meeting,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Mail => "mail",
            Channel::Sms => "sms",
            Channel::Press => "press",
            Channel::Social => "social",
            Channel::Radio => "radio",
            Channel::Meeting => "meeting",
        }
    }

    /// The French word, for the players' view and the report.
    pub fn label_fr(self) -> &'static str {
        match self {
            Channel::Phone => "téléphone",
            Channel::Mail => "courriel",
            Channel::Sms => "SMS",
            Channel::Press => "presse",
            Channel::Social => "réseaux sociaux",
            Channel::Radio => "radio",
            Channel::Meeting => "réunion",
        }
    }
}

/// What a role does during the exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// Takes decisions; receives injects.
    Player,
    /// Runs the exercise: moves the clock, plays the outside world
    /// (the "animation" cell).
    Facilitator,
    /// Watches and evaluates the objectives.
    Observer,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Player => "player",
            RoleKind::Facilitator => "facilitator",
            RoleKind::Observer => "observer",
        }
    }
}

/// Who receives an inject: a role id, or a list of them, each with its
/// place.
pub type Audience = crate::load::Ids<RoleIds>;

#[derive(Debug)]
pub struct RoleIds;

impl crate::load::Expecting for RoleIds {
    const TEXT: &'static str = "a role id (`dsi`) or a list of role ids (`[dsi, dgs]`)";
    const NAME: &'static str = "Audience";
    const DESCRIPTION: &'static str = "A role id, or a list of role ids.";
    const MIN_ITEMS: Option<u32> = Some(1);
}

/// A tabletop exercise: a scenario, the objectives it trains, the roles,
/// and the master scenario events list (the injects).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Exercise")]
#[schemars(title = "reprise exercise")]
pub struct ExerciseFile {
    /// The exercise's name, as players see it.
    pub title: String,
    /// The scenario the exercise plays, as a path relative to this file.
    pub scenario: Spanned<String>,
    /// Context for the facilitators: what the exercise is for, its limits.
    pub description: Option<String>,
    /// The scenario time at which the exercise clock starts (default 0s).
    pub start: Option<Spanned<SimDuration>>,
    /// The scenario time at which the exercise ends (default: the last
    /// inject or contingency deadline, plus 4h).
    pub end: Option<Spanned<SimDuration>>,
    /// How far "advance by a step" moves the clock (default 1h).
    pub step: Option<Spanned<SimDuration>>,
    /// What the exercise trains, and how each objective is evaluated.
    #[serde(default)]
    pub objectives: Vec<Spanned<ObjectiveFile>>,
    /// Who takes part: players, facilitators, observers.
    #[serde(default)]
    pub roles: Vec<Spanned<RoleFile>>,
    /// The master scenario events list (chronogramme): timed injects, and
    /// contingency injects that fire when an expected decision is late.
    #[serde(default)]
    pub injects: Vec<Spanned<InjectFile>>,
    /// Ids of entries that did not decode: they still count as defined, so
    /// references to them do not add "unknown id" noise.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) undecoded: Undecoded,
}

/// Ids of the entries of each list that did not decode.
#[derive(Debug, Default)]
pub(crate) struct Undecoded {
    pub objectives: Vec<String>,
    pub roles: Vec<String>,
    pub injects: Vec<String>,
}

/// One objective of the exercise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Objective")]
pub struct ObjectiveFile {
    /// Short id, used by injects (`objective:`) and by `evaluate`.
    pub id: Spanned<String>,
    /// The objective, as the players are told it.
    pub text: String,
    /// How it is evaluated: what the observers look for.
    pub evaluation: String,
    /// A check the engine can make by itself: a decision of this action
    /// (and target) taken by a deadline.
    pub expects: Option<Spanned<DeadlineFile>>,
    /// The processes the objective is there to protect (process ids): met
    /// while one of them breached its DMIA, it is flagged in the report,
    /// not counted as a strength. Default: the process a `workaround`
    /// expectation names.
    #[serde(default)]
    pub protects: Vec<Spanned<String>>,
}

/// A decision expected by a deadline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Deadline")]
pub struct DeadlineFile {
    /// The decision's action.
    pub action: Spanned<Verb>,
    /// What it acts on: a service (restore, failover, relocate), a zone (isolate,
    /// reconnect; `zone:ID` or `ID`), a process (workaround), a team
    /// (staff) or an objective (evaluate). Any when omitted.
    pub target: Option<Spanned<String>>,
    /// For `crisis`: the lowest level that counts.
    #[schemars(range(min = 1, max = 3))]
    pub level: Option<Spanned<u8>>,
    /// The scenario time by which the decision must be taken.
    pub by: Spanned<SimDuration>,
}

/// Someone who takes part in the exercise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Role")]
pub struct RoleFile {
    /// Short id, used in injects' audience (`to:`) and in the journal.
    pub id: Spanned<String>,
    /// The role's title (the person's name is not needed).
    pub name: String,
    /// `player`, `facilitator` or `observer`.
    pub kind: RoleKind,
}

/// One inject: a message delivered to players at a time, or a contingency
/// inject delivered at a deadline when an expected decision has not been
/// taken.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Inject")]
pub struct InjectFile {
    /// Short id, recorded in the journal when the inject is delivered.
    pub id: Spanned<String>,
    /// The scenario time at which it is delivered. Exactly one of `at` and
    /// `contingency`.
    pub at: Option<Spanned<SimDuration>>,
    /// Deliver it only if a decision has not been taken by a deadline.
    /// Exactly one of `at` and `contingency`.
    pub contingency: Option<Spanned<ContingencyFile>>,
    /// Who receives it: role ids.
    pub to: Audience,
    /// How it arrives.
    pub channel: Channel,
    /// Who sends it, as the players see it (a person, a service, a media).
    pub from: String,
    /// The message itself.
    pub text: String,
    /// The decisions the players are expected to take.
    #[serde(default)]
    pub expects: Vec<Spanned<ExpectedFile>>,
    /// The objective this inject serves.
    pub objective: Option<Spanned<String>>,
}

/// When a contingency inject fires.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Contingency")]
pub struct ContingencyFile {
    /// The decision whose absence triggers the inject.
    pub unless: Spanned<Verb>,
    /// What the decision must act on (see `target` of an objective's
    /// `expects`). Any when omitted.
    pub target: Option<Spanned<String>>,
    /// For `crisis`: the lowest level that counts.
    #[schemars(range(min = 1, max = 3))]
    pub level: Option<Spanned<u8>>,
    /// The scenario time at which the inject fires if no such decision was
    /// taken before.
    pub by: Spanned<SimDuration>,
}

/// An action the players are expected to take after an inject.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "ExpectedAction")]
pub struct ExpectedFile {
    /// The expected action, in words, for the facilitators and the report.
    pub text: String,
    /// The decision that meets it, if one does.
    pub action: Option<Spanned<Verb>>,
    /// What the decision acts on (see `target` of an objective's
    /// `expects`). Any when omitted.
    pub target: Option<Spanned<String>>,
    /// For `crisis`: the lowest level that counts.
    #[schemars(range(min = 1, max = 3))]
    pub level: Option<Spanned<u8>>,
}

/// The head of an exercise file: everything but its lists, which are
/// decoded one entry at a time so that every mistake among them is reported.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    title: String,
    scenario: Spanned<String>,
    description: Option<String>,
    start: Option<Spanned<SimDuration>>,
    end: Option<Spanned<SimDuration>>,
    step: Option<Spanned<SimDuration>>,
    #[serde(default)]
    #[allow(dead_code)]
    objectives: serde::de::IgnoredAny,
    #[serde(default)]
    #[allow(dead_code)]
    roles: serde::de::IgnoredAny,
    #[serde(default)]
    #[allow(dead_code)]
    injects: serde::de::IgnoredAny,
}

pub(super) fn decode(root: &Node, sink: &Sink) -> (Option<ExerciseFile>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let head = match crate::load::decode::<Head>(root, sink) {
        Ok(h) => Some(h),
        Err(d) => {
            found.push(d);
            None
        }
    };
    let mut undecoded = Undecoded::default();
    let objectives = list(
        root,
        "objectives",
        "objective",
        sink,
        &mut found,
        &mut undecoded.objectives,
    );
    let roles = list(
        root,
        "roles",
        "role",
        sink,
        &mut found,
        &mut undecoded.roles,
    );
    let injects = list(
        root,
        "injects",
        "inject",
        sink,
        &mut found,
        &mut undecoded.injects,
    );
    let file = head.map(|h| ExerciseFile {
        title: h.title,
        scenario: h.scenario,
        description: h.description,
        start: h.start,
        end: h.end,
        step: h.step,
        objectives,
        roles,
        injects,
        undecoded,
    });
    (file, found)
}

/// Decodes the list under `key` entry by entry. The ids of entries that do
/// not decode go to `undecoded`.
fn list<T: serde::de::DeserializeOwned>(
    root: &Node,
    key: &str,
    what: &str,
    sink: &Sink,
    found: &mut Vec<Diagnostic>,
    undecoded: &mut Vec<String>,
) -> Vec<Spanned<T>> {
    let mut out = Vec::new();
    let NodeValue::Map(entries) = &root.value else {
        return out;
    };
    let Some((_, list)) = entries
        .iter()
        .find(|(k, _)| k.value == NodeValue::String(key.into()))
    else {
        return out;
    };
    match &list.value {
        NodeValue::Seq(items) => {
            for item in items {
                match crate::load::decode::<Spanned<T>>(item, sink) {
                    Ok(e) => out.push(e),
                    Err(d) => {
                        found.push(d);
                        if let Some(id) = id_of(item) {
                            undecoded.push(id);
                        }
                    }
                }
            }
        }
        NodeValue::Null => {}
        other => found.push(
            Diagnostic::error(
                "wrong-type",
                format!("expected a list of {key}, found {}", other.describe()),
            )
            .at(list.span)
            .help(format!("write one `- id: …` entry per {what}")),
        ),
    }
    out
}

/// The `id` written in an entry that did not decode, if it has one.
fn id_of(item: &Node) -> Option<String> {
    let NodeValue::Map(entries) = &item.value else {
        return None;
    };
    entries
        .iter()
        .find_map(|(k, v)| match (&k.value, &v.value) {
            (NodeValue::String(k), NodeValue::String(id)) if k == "id" => Some(id.clone()),
            _ => None,
        })
}

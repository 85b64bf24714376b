//! A decision taken during an exercise: the facilitator's command read
//! against the plan and the exercise (`restore ad with infra`, `isolate
//! zone:dmz`), and written back as the command the journal records.

use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::model::{NodeRef, Plan, ProcessId, ServiceId, SiteId, TeamId, ZoneId};

use super::{Exercise, Verb, list};

/// A decision taken during an exercise, with its references resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Restore a service, by the team given or the ones the plan names.
    Restore {
        service: ServiceId,
        team: Option<TeamId>,
    },
    /// Switch a service to its failover.
    Failover { service: ServiceId },
    /// Bring a service back at a recovery site (the first it may go to
    /// when none is given).
    Relocate {
        service: ServiceId,
        site: Option<SiteId>,
    },
    /// Cut a network zone off.
    Isolate { zone: ZoneId },
    /// Connect an isolated zone again.
    Reconnect { zone: ZoneId },
    /// Activate a process's workaround.
    Workaround { process: ProcessId },
    /// The team has `capacity` people from now on.
    Staff { team: TeamId, capacity: u32 },
    /// Declare a crisis level (1 to 3).
    Crisis { level: u8 },
    /// A line in the journal.
    Note { text: String },
    /// An observer's evaluation of an objective.
    Evaluate {
        objective: String,
        met: bool,
        text: Option<String>,
    },
}

impl Decision {
    pub fn action(&self) -> Verb {
        match self {
            Decision::Restore { .. } => Verb::Restore,
            Decision::Failover { .. } => Verb::Failover,
            Decision::Relocate { .. } => Verb::Relocate,
            Decision::Isolate { .. } => Verb::Isolate,
            Decision::Reconnect { .. } => Verb::Reconnect,
            Decision::Workaround { .. } => Verb::Workaround,
            Decision::Staff { .. } => Verb::Staff,
            Decision::Crisis { .. } => Verb::Crisis,
            Decision::Note { .. } => Verb::Note,
            Decision::Evaluate { .. } => Verb::Evaluate,
        }
    }

    /// Parses a facilitator's command: `restore SERVICE [with TEAM]`,
    /// `failover SERVICE`, `isolate ZONE`, `reconnect ZONE`,
    /// `workaround PROCESS`, `staff TEAM N`, `crisis N`, `note TEXT…`,
    /// `evaluate OBJECTIVE met|missed [TEXT…]`. A zone is written `zone:ID`
    /// or `ID`. The error says what is wrong, in one line, with a "did you
    /// mean" when a name is close to a known one.
    pub fn parse(plan: &Plan, exercise: &Exercise, line: &str) -> Result<Decision, DecisionError> {
        let (verb, rest) = split_word(line);
        if verb.is_empty() {
            return Err(DecisionError::usage(format!(
                "empty command; commands: {}",
                commands_list()
            )));
        }
        let Some(action) = Verb::from_word(&verb.to_lowercase()) else {
            let hint = did_you_mean(&verb.to_lowercase(), Verb::ALL.map(Verb::as_str))
                .map(|d| format!("{d} "))
                .unwrap_or_default();
            return Err(DecisionError::usage(format!(
                "unknown command `{verb}`; {hint}commands: {}",
                commands_list()
            )));
        };
        let usage = || format!("write `{}`", action.syntax());
        let words: Vec<&str> = rest.split_whitespace().collect();
        let decision = match action {
            Verb::Restore => match words.as_slice() {
                [s] => Decision::Restore {
                    service: service(plan, s)?,
                    team: None,
                },
                [s, with, t] if with.eq_ignore_ascii_case("with") => Decision::Restore {
                    service: service(plan, s)?,
                    team: Some(team(plan, t)?),
                },
                [] => return Err(DecisionError::usage(format!("which service? {}", usage()))),
                _ => {
                    return Err(DecisionError::usage(format!(
                        "`{rest}` is not `SERVICE [with TEAM]`; {}",
                        usage()
                    )));
                }
            },
            Verb::Failover => match words.as_slice() {
                [s] => Decision::Failover {
                    service: failover(plan, s)?,
                },
                [] => return Err(DecisionError::usage(format!("which service? {}", usage()))),
                _ => {
                    return Err(DecisionError::usage(format!(
                        "one service at a time; {}",
                        usage()
                    )));
                }
            },
            Verb::Relocate => match words.as_slice() {
                [s] => Decision::Relocate {
                    service: relocatable(plan, s)?,
                    site: None,
                },
                [s, to, site] if to.eq_ignore_ascii_case("to") => {
                    let service = relocatable(plan, s)?;
                    Decision::Relocate {
                        service,
                        site: Some(recovery_site(plan, service, site)?),
                    }
                }
                [] => return Err(DecisionError::usage(format!("which service? {}", usage()))),
                _ => {
                    return Err(DecisionError::usage(format!(
                        "`{rest}` is not `SERVICE [to SITE]`; {}",
                        usage()
                    )));
                }
            },
            Verb::Isolate | Verb::Reconnect => match words.as_slice() {
                [z] => {
                    let zone = zone(plan, z)?;
                    if action == Verb::Isolate {
                        Decision::Isolate { zone }
                    } else {
                        Decision::Reconnect { zone }
                    }
                }
                [] => return Err(DecisionError::usage(format!("which zone? {}", usage()))),
                _ => {
                    return Err(DecisionError::usage(format!(
                        "one zone at a time; {}",
                        usage()
                    )));
                }
            },
            Verb::Workaround => match words.as_slice() {
                [p] => Decision::Workaround {
                    process: workaround(plan, p)?,
                },
                [] => return Err(DecisionError::usage(format!("which process? {}", usage()))),
                _ => {
                    return Err(DecisionError::usage(format!(
                        "one process at a time; {}",
                        usage()
                    )));
                }
            },
            Verb::Staff => match words.as_slice() {
                [t, n] => {
                    let team = team(plan, t)?;
                    let capacity = n.parse::<u32>().map_err(|_| {
                        DecisionError::usage(format!(
                            "`{n}` is not a number of people; {}",
                            usage()
                        ))
                    })?;
                    Decision::Staff { team, capacity }
                }
                _ => {
                    return Err(DecisionError::usage(format!(
                        "a team and a number of people; {}",
                        usage()
                    )));
                }
            },
            Verb::Crisis => match words.as_slice() {
                [n] => match n.parse::<u8>() {
                    Ok(level @ 1..=3) => Decision::Crisis { level },
                    _ => {
                        return Err(DecisionError::usage(format!(
                            "crisis levels are 1, 2 and 3, not `{n}`"
                        )));
                    }
                },
                _ => return Err(DecisionError::usage(format!("a crisis level; {}", usage()))),
            },
            Verb::Note => {
                if rest.is_empty() {
                    return Err(DecisionError::usage(format!(
                        "the note is empty; {}",
                        usage()
                    )));
                }
                Decision::Note {
                    text: rest.to_string(),
                }
            }
            Verb::Evaluate => {
                let (o, after) = split_word(rest);
                let (verdict, text) = split_word(after);
                if o.is_empty() || verdict.is_empty() {
                    return Err(DecisionError::usage(format!(
                        "an objective and `met` or `missed`; {}",
                        usage()
                    )));
                }
                let objective = objective(exercise.objectives.iter().map(|o| o.id.as_str()), o)?;
                let met = match verdict.to_lowercase().as_str() {
                    "met" => true,
                    "missed" => false,
                    other => {
                        return Err(DecisionError::usage(format!(
                            "`{other}` is not a verdict: write `met` or `missed`"
                        )));
                    }
                };
                Decision::Evaluate {
                    objective,
                    met,
                    text: (!text.is_empty()).then(|| text.to_string()),
                }
            }
        };
        Ok(decision)
    }

    /// The command that [`Decision::parse`] reads back as this decision:
    /// what the journal records and the decision log shows.
    pub fn to_command(&self, plan: &Plan) -> String {
        match self {
            Decision::Restore { service, team } => {
                let mut c = format!("restore {}", plan.service(*service).id);
                if let Some(t) = team {
                    c.push_str(&format!(" with {}", plan.team(*t).id));
                }
                c
            }
            Decision::Failover { service } => format!("failover {}", plan.service(*service).id),
            Decision::Relocate { service, site } => {
                let mut c = format!("relocate {}", plan.service(*service).id);
                if let Some(x) = site {
                    c.push_str(&format!(" to {}", plan.sites[x.index()].id));
                }
                c
            }
            Decision::Isolate { zone } => format!("isolate zone:{}", plan.zones[zone.index()].id),
            Decision::Reconnect { zone } => {
                format!("reconnect zone:{}", plan.zones[zone.index()].id)
            }
            Decision::Workaround { process } => {
                format!("workaround {}", plan.process(*process).id)
            }
            Decision::Staff { team, capacity } => {
                format!("staff {} {capacity}", plan.team(*team).id)
            }
            Decision::Crisis { level } => format!("crisis {level}"),
            Decision::Note { text } => format!("note {text}"),
            Decision::Evaluate {
                objective,
                met,
                text,
            } => {
                let verdict = if *met { "met" } else { "missed" };
                match text {
                    Some(t) => format!("evaluate {objective} {verdict} {t}"),
                    None => format!("evaluate {objective} {verdict}"),
                }
            }
        }
    }
}

/// The first word of `s` and the rest, both trimmed.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

fn commands_list() -> String {
    Verb::ALL.map(Verb::as_str).join(", ")
}

/// Why a facilitator's command, or a name in it or in an expectation, does
/// not read: a stable code, the message, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionError {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl DecisionError {
    pub(super) fn new(code: &'static str, message: String, help: Option<String>) -> DecisionError {
        DecisionError {
            code,
            message,
            help,
        }
    }

    pub(super) fn unknown<'a>(
        what: &str,
        id: &str,
        known: impl IntoIterator<Item = &'a str>,
    ) -> DecisionError {
        DecisionError::new(
            "unknown-id",
            format!("unknown {what} `{id}`"),
            did_you_mean(id, known),
        )
    }

    pub(super) fn diagnostic(self, span: Span) -> Diagnostic {
        let d = Diagnostic::error(self.code, self.message).at(span);
        match self.help {
            Some(h) => d.help(h),
            None => d,
        }
    }

    /// A command that is not written as its verb's syntax says.
    fn usage(message: String) -> DecisionError {
        DecisionError::new("bad-command", message, None)
    }
}

/// One line, for the facilitator's command line.
impl std::fmt::Display for DecisionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.help {
            Some(h) => write!(f, "{}; {h}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DecisionError {}

pub(super) fn service(plan: &Plan, id: &str) -> Result<ServiceId, DecisionError> {
    match plan.node_by_id(id) {
        Some(NodeRef::Service(s)) => Ok(s),
        Some(NodeRef::Process(_)) => Err(DecisionError::new(
            "bad-target",
            format!("`{id}` is a process, not a service"),
            Some(format!(
                "restore the services it depends on, or activate its workaround: `workaround {id}`"
            )),
        )),
        None => Err(DecisionError::unknown(
            "service",
            id,
            plan.services.iter().map(|s| s.id.as_str()),
        )),
    }
}

/// A service that has a failover in the plan.
pub(super) fn failover(plan: &Plan, id: &str) -> Result<ServiceId, DecisionError> {
    service_with(
        plan,
        id,
        |s| s.recovery.failover.is_some(),
        format!("`{id}` has no failover in the plan"),
        (
            "no service of the plan has a failover",
            "services with a failover",
        ),
    )
}

/// A service the plan allows to be relocated.
pub(super) fn relocatable(plan: &Plan, id: &str) -> Result<ServiceId, DecisionError> {
    service_with(
        plan,
        id,
        |s| s.recovery.relocate.is_some(),
        format!("`{id}` cannot be relocated: the plan gives it no `relocate`"),
        (
            "no service of the plan can be relocated",
            "services that can be relocated",
        ),
    )
}

/// A service with what `has` asks for; else `message`, with the closest
/// such service or the list of them (`none` when there is none).
pub(super) fn service_with(
    plan: &Plan,
    id: &str,
    has: impl Fn(&crate::model::Service) -> bool,
    message: String,
    (none, those): (&str, &str),
) -> Result<ServiceId, DecisionError> {
    let s = service(plan, id)?;
    if has(plan.service(s)) {
        return Ok(s);
    }
    let with: Vec<&str> = plan
        .services
        .iter()
        .filter(|s| has(s))
        .map(|s| s.id.as_str())
        .collect();
    let help = match did_you_mean(id, with.iter().copied()) {
        Some(d) => d,
        None if with.is_empty() => none.into(),
        None => format!("{those}: {}", list(&with)),
    };
    Err(DecisionError::new("bad-target", message, Some(help)))
}

/// One of the recovery sites service `s` may be brought to.
pub(super) fn recovery_site(plan: &Plan, s: ServiceId, id: &str) -> Result<SiteId, DecisionError> {
    let to: Vec<SiteId> = plan
        .service(s)
        .recovery
        .relocate
        .iter()
        .flat_map(|r| r.to.iter().map(|p| p.site))
        .collect();
    if let Some(&x) = to.iter().find(|x| plan.sites[x.index()].id == id) {
        return Ok(x);
    }
    let ids: Vec<&str> = to
        .iter()
        .map(|x| plan.sites[x.index()].id.as_str())
        .collect();
    Err(DecisionError::new(
        "bad-target",
        format!("`{}` cannot be relocated to `{id}`", plan.service(s).id),
        Some(format!("its recovery sites: {}", list(&ids))),
    ))
}

/// A zone, written `zone:ID` or `ID` ([`Plan::zone_target`]).
pub(super) fn zone(plan: &Plan, written: &str) -> Result<ZoneId, DecisionError> {
    plan.zone_target(written)
        .map_err(|e| DecisionError::new(e.code(), e.message(), e.help()))
}

/// A process that has a workaround in the plan.
pub(super) fn workaround(plan: &Plan, id: &str) -> Result<ProcessId, DecisionError> {
    let p = match plan.node_by_id(id) {
        Some(NodeRef::Process(p)) => p,
        Some(NodeRef::Service(_)) => {
            return Err(DecisionError::new(
                "bad-target",
                format!("`{id}` is a service; workarounds belong to processes"),
                Some(format!("to bring the service back, `restore {id}`")),
            ));
        }
        None => {
            return Err(DecisionError::unknown(
                "process",
                id,
                plan.processes.iter().map(|p| p.id.as_str()),
            ));
        }
    };
    if plan.process(p).workaround.is_some() {
        return Ok(p);
    }
    let with: Vec<&str> = plan
        .processes
        .iter()
        .filter(|p| p.workaround.is_some())
        .map(|p| p.id.as_str())
        .collect();
    let help = match did_you_mean(id, with.iter().copied()) {
        Some(d) => d,
        None if with.is_empty() => "no process of the plan has a workaround".into(),
        None => format!("processes with a workaround: {}", list(&with)),
    };
    Err(DecisionError::new(
        "bad-target",
        format!("process `{id}` has no workaround in the plan"),
        Some(help),
    ))
}

pub(super) fn team(plan: &Plan, id: &str) -> Result<TeamId, DecisionError> {
    plan.teams
        .iter()
        .position(|t| t.id == id)
        .map(|i| TeamId(i as u32))
        .ok_or_else(|| DecisionError::unknown("team", id, plan.teams.iter().map(|t| t.id.as_str())))
}

pub(super) fn objective<'a>(
    known: impl Iterator<Item = &'a str> + Clone,
    id: &str,
) -> Result<String, DecisionError> {
    if known.clone().any(|o| o == id) {
        return Ok(id.to_string());
    }
    let all: Vec<&str> = known.collect();
    let help = match did_you_mean(id, all.iter().copied()) {
        Some(d) => Some(d),
        None if all.is_empty() => Some("the exercise has no objectives".into()),
        None => Some(format!("objectives: {}", list(&all))),
    };
    Err(DecisionError::new(
        "unknown-id",
        format!("unknown objective `{id}`"),
        help,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_word_keeps_the_rest_as_written() {
        assert_eq!(
            split_word("  note  deux  espaces "),
            ("note", "deux  espaces")
        );
        assert_eq!(split_word("crisis"), ("crisis", ""));
        assert_eq!(split_word(""), ("", ""));
    }
}

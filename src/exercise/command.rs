//! The facilitator's command language, in one place: what the terminal
//! reads, what the web page sends, and what tab completion offers.
//!
//! A line is a [`Change`] to the session (`next`, `step [DURATION]`,
//! `goto TIME`, `pause`, `resume`, `end`, or a decision such as
//! `@dsi restore ad with infra`), parsed by [`Change::parse`] and applied
//! by [`super::session::Session::apply`]. Times are written as people
//! write them, `5d6h`, `T+5d6h` or `T0`, everywhere ([`time`]).

use crate::model::{Plan, SimDuration};

use super::{Exercise, Verb};

/// A change the facilitator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// To the next inject (or by a step when none is left).
    Next,
    /// By the given seconds, or by the exercise's step.
    Step(Option<u64>),
    /// To a scenario time, in seconds from T0.
    Goto(u64),
    Pause,
    Resume,
    End,
    /// A decision as written (`restore ad with infra`), by a role.
    Decide {
        command: String,
        by: Option<String>,
    },
}

/// Why a line is not a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// A time or duration that does not read.
    Time { text: String, reason: String },
    /// A time in seconds past the longest duration a plan can write.
    TooFar(u64),
    /// `goto` without its time.
    GotoWithoutTime,
    /// Nothing to do: an empty line, or a role alone.
    Empty,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            CommandError::Time { text, reason } => write!(f, "`{text}`: {reason}"),
            CommandError::TooFar(s) => write!(
                f,
                "{s} seconds is more than a hundred years: give a time within the exercise"
            ),
            CommandError::GotoWithoutTime => {
                f.write_str("goto needs a time: `goto 5d6h` (or `T+5d6h`)")
            }
            CommandError::Empty => {
                f.write_str("the decision is empty: `help` in the terminal lists them")
            }
        }
    }
}

impl std::error::Error for CommandError {}

/// The clock's verbs, with their short forms.
const CLOCK_VERBS: [&str; 6] = ["next", "step", "goto", "pause", "resume", "end"];

impl Change {
    /// Reads a facilitator's line. `@role` in front names who decides; a
    /// clock verb (`next`/`n`, `step`/`s`, `goto`, `pause`, `resume`,
    /// `end`) moves the clock; anything else is a decision, checked
    /// against the plan when it is applied.
    ///
    /// ```
    /// use reprise::exercise::command::Change;
    ///
    /// assert_eq!(Change::parse("goto T+5d6h"), Ok(Change::Goto(5 * 86_400 + 6 * 3_600)));
    /// assert_eq!(
    ///     Change::parse("@dsi restore ad with infra"),
    ///     Ok(Change::Decide { command: "restore ad with infra".into(), by: Some("dsi".into()) })
    /// );
    /// ```
    pub fn parse(line: &str) -> Result<Change, CommandError> {
        let (by, command) = split_role(line.trim());
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let arg = arg.trim();
        Ok(match verb {
            "next" | "n" => Change::Next,
            "step" | "s" if arg.is_empty() => Change::Step(None),
            "step" | "s" => Change::Step(Some(time(arg)?)),
            "goto" if arg.is_empty() => return Err(CommandError::GotoWithoutTime),
            "goto" => Change::Goto(time(arg)?),
            "pause" => Change::Pause,
            "resume" => Change::Resume,
            "end" => Change::End,
            _ => Change::decision(command, by)?,
        })
    }

    /// A decision by `by`; `command` may itself start with `@role`, which
    /// names the role when `by` does not.
    pub fn decision(command: &str, by: Option<&str>) -> Result<Change, CommandError> {
        let (role, command) = split_role(command.trim());
        let by = (by.map(str::trim).filter(|b| !b.is_empty()))
            .or(role)
            .map(str::to_string);
        if command.is_empty() {
            return Err(CommandError::Empty);
        }
        Ok(Change::Decide {
            command: command.to_string(),
            by,
        })
    }

    /// Whether it moves the clock (and so delivers injects).
    pub fn moves_clock(&self) -> bool {
        matches!(self, Change::Next | Change::Step(_) | Change::Goto(_))
    }
}

/// `@dsi restore ad` → (`dsi`, `restore ad`).
fn split_role(line: &str) -> (Option<&str>, &str) {
    match line.strip_prefix('@') {
        Some(rest) => {
            let (role, command) = rest.split_once(' ').unwrap_or((rest, ""));
            (Some(role), command.trim())
        }
        None => (None, line),
    }
}

/// A scenario time or a duration as people write it: `5d6h`, `T+5d6h`,
/// `T0`, in seconds.
pub fn time(text: &str) -> Result<u64, CommandError> {
    let t = text.trim();
    if t == "T0" {
        return Ok(0);
    }
    let t = t.strip_prefix("T+").unwrap_or(t);
    t.parse::<SimDuration>()
        .map(|d| d.as_secs())
        .map_err(|e| CommandError::Time {
            text: text.to_string(),
            reason: e.to_string(),
        })
}

/// A time given in seconds (the web page's JSON): refused past a hundred
/// years, the longest duration a plan can write.
pub fn seconds(s: u64) -> Result<u64, CommandError> {
    if s > SimDuration::MAX.as_secs() {
        return Err(CommandError::TooFar(s));
    }
    Ok(s)
}

/// Completions of the line typed so far, from where the last word starts:
/// `verbs` (the terminal's own, then the clock's and the decisions'), then
/// the ids each decision takes, in the grammar [`super::Decision::parse`]
/// reads.
pub fn complete(
    plan: &Plan,
    exercise: &Exercise,
    verbs: &[&str],
    line: &str,
) -> (usize, Vec<String>) {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let word = &line[start..];
    let words: Vec<&str> = line[..start].split_whitespace().collect();
    let words: Vec<&str> = match words.first() {
        Some(w) if w.starts_with('@') => words[1..].to_vec(),
        _ => words,
    };
    let all_verbs = || {
        (verbs.iter().copied())
            .chain(CLOCK_VERBS)
            .chain(Verb::ALL.iter().map(|a| a.as_str()))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let candidates: Vec<String> = match words.as_slice() {
        [] if word.starts_with('@') => exercise
            .roles
            .iter()
            .map(|r| format!("@{}", r.id))
            .collect(),
        [] => all_verbs(),
        [verb, ..] => {
            let services = || plan.services.iter().map(|s| s.id.clone()).collect();
            let zones = || {
                plan.zones
                    .iter()
                    .map(|z| format!("zone:{}", z.id))
                    .collect()
            };
            let teams = || plan.teams.iter().map(|t| t.id.clone()).collect();
            match (*verb, words.len()) {
                ("restore" | "failover" | "relocate", 1) => services(),
                ("relocate", 2) => vec!["to".into()],
                ("relocate", 3) => plan.sites.iter().map(|x| x.id.clone()).collect(),
                ("restore", 2) => vec!["with".into()],
                ("restore", 3) => teams(),
                ("isolate" | "reconnect", 1) => zones(),
                ("workaround", 1) => (plan.processes.iter())
                    .filter(|x| x.workaround.is_some())
                    .map(|x| x.id.clone())
                    .collect(),
                ("staff", 1) => teams(),
                ("crisis", 1) => vec!["1".into(), "2".into(), "3".into()],
                ("evaluate", 1) => exercise.objectives.iter().map(|o| o.id.clone()).collect(),
                ("evaluate", 2) => vec!["met".into(), "missed".into()],
                ("help", 1) => all_verbs(),
                _ => Vec::new(),
            }
        }
    };
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(word))
        .collect();
    out.sort();
    out.dedup();
    (start, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_changes() {
        let cases = [
            ("next", Change::Next),
            ("n", Change::Next),
            ("step", Change::Step(None)),
            ("s 2h", Change::Step(Some(7_200))),
            ("goto 5d6h", Change::Goto(5 * 86_400 + 6 * 3_600)),
            ("goto T+1h", Change::Goto(3_600)),
            ("goto T0", Change::Goto(0)),
            ("pause", Change::Pause),
            ("resume", Change::Resume),
            ("end", Change::End),
            (
                "@dsi restore ad with infra",
                Change::Decide {
                    command: "restore ad with infra".into(),
                    by: Some("dsi".into()),
                },
            ),
            (
                "  note  the press called ",
                Change::Decide {
                    command: "note  the press called".into(),
                    by: None,
                },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(Change::parse(line), Ok(want), "{line}");
        }
    }

    #[test]
    fn bad_lines_say_why() {
        assert_eq!(Change::parse("goto"), Err(CommandError::GotoWithoutTime));
        assert_eq!(Change::parse("@dsi"), Err(CommandError::Empty));
        assert_eq!(Change::parse(""), Err(CommandError::Empty));
        let Err(CommandError::Time { text, .. }) = Change::parse("step soon") else {
            panic!("a time that does not read");
        };
        assert_eq!(text, "soon");
        assert!(seconds(u64::MAX).is_err());
        assert_eq!(seconds(90), Ok(90));
    }

    #[test]
    fn a_role_given_apart_wins_over_the_prefix() {
        assert_eq!(
            Change::decision("@rssi isolate zone:servers", Some("dsi")),
            Ok(Change::Decide {
                command: "isolate zone:servers".into(),
                by: Some("dsi".into()),
            })
        );
        assert_eq!(
            Change::decision("@rssi isolate zone:servers", Some("  ")),
            Ok(Change::Decide {
                command: "isolate zone:servers".into(),
                by: Some("rssi".into()),
            })
        );
    }
}

//! The web console's request bodies (`POST /api/clock`, `POST
//! /api/decision`): JSON that says the same changes as the facilitator's
//! typed lines, read into the same [`Change`].

use serde::Deserialize;

use super::command::{self, Change};

/// Reads a `POST /api/clock` body: `{"action": "goto", "t": "5d6h"}`.
pub fn clock(body: &[u8]) -> Result<Change, String> {
    json::<ClockRequest>(body)?.change()
}

/// Reads a `POST /api/decision` body: `{"command": "@dsi restore ad"}`.
pub fn decision(body: &[u8]) -> Result<Change, String> {
    json::<DecisionRequest>(body)?.change()
}

fn json<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not what this address takes: {e}"))
}

/// `POST /api/clock` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    action: ClockAction,
    /// For `goto`: the scenario time to move to.
    #[serde(default)]
    t: Option<Moment>,
    /// For `step`: by how much (the exercise's step otherwise).
    #[serde(default)]
    step: Option<Moment>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ClockAction {
    Next,
    Step,
    Pause,
    Resume,
    End,
    Goto,
}

/// Seconds, or a duration as people write it (`5d6h`, `T+5d6h`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Moment {
    Seconds(u64),
    Text(String),
}

impl Moment {
    fn seconds(&self) -> Result<u64, String> {
        match self {
            Moment::Seconds(s) => command::seconds(*s),
            Moment::Text(text) => command::time(text),
        }
        .map_err(|e| e.to_string())
    }
}

impl ClockRequest {
    fn change(&self) -> Result<Change, String> {
        if self.t.is_some() && self.action != ClockAction::Goto {
            return Err("`t` goes with the `goto` action only".into());
        }
        if self.step.is_some() && self.action != ClockAction::Step {
            return Err("`step` goes with the `step` action only".into());
        }
        Ok(match self.action {
            ClockAction::Next => Change::Next,
            ClockAction::Step => Change::Step(self.step.as_ref().map(Moment::seconds).transpose()?),
            ClockAction::Goto => match &self.t {
                Some(t) => Change::Goto(t.seconds()?),
                None => {
                    return Err(
                        "`goto` needs `t`: seconds from T0, or a time such as `5d6h`".into(),
                    );
                }
            },
            ClockAction::Pause => Change::Pause,
            ClockAction::Resume => Change::Resume,
            ClockAction::End => Change::End,
        })
    }
}

/// `POST /api/decision` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionRequest {
    command: String,
    #[serde(default)]
    by: Option<String>,
}

impl DecisionRequest {
    /// `@dsi isolate zone:servers` reads as in the terminal; `by` given
    /// apart wins over the prefix.
    fn change(self) -> Result<Change, String> {
        Change::decision(&self.command, self.by.as_deref()).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_seconds_and_durations() {
        let cases = [
            (Moment::Seconds(90), Ok(90)),
            (Moment::Text("5d6h".into()), Ok(5 * 86_400 + 6 * 3_600)),
            (Moment::Text("T+1h".into()), Ok(3_600)),
            (Moment::Text(" T0 ".into()), Ok(0)),
        ];
        for (m, want) in cases {
            assert_eq!(m.seconds(), want);
        }
        assert!(Moment::Text("soon".into()).seconds().is_err());
    }

    #[test]
    fn clock_requests_need_their_fields() {
        let r: ClockRequest = serde_json::from_str(r#"{"action":"goto"}"#).unwrap();
        assert!(r.change().is_err());
        let r: ClockRequest = serde_json::from_str(r#"{"action":"next","t":5}"#).unwrap();
        assert!(r.change().is_err());
        let r: ClockRequest = serde_json::from_str(r#"{"action":"step","step":"2h"}"#).unwrap();
        assert!(matches!(r.change(), Ok(Change::Step(Some(7_200)))));
        assert!(serde_json::from_str::<ClockRequest>(r#"{"action":"jump"}"#).is_err());
        assert!(serde_json::from_str::<ClockRequest>(r#"{"action":"next","x":1}"#).is_err());
    }

    #[test]
    fn decisions_take_a_role_prefix() {
        let r = DecisionRequest {
            command: " @dsi isolate zone:servers ".into(),
            by: None,
        };
        match r.change() {
            Ok(Change::Decide { command, by }) => {
                assert_eq!(command, "isolate zone:servers");
                assert_eq!(by.as_deref(), Some("dsi"));
            }
            other => panic!("{other:?}"),
        }
        let r = DecisionRequest {
            command: "  ".into(),
            by: Some("dsi".into()),
        };
        assert!(r.change().is_err());
    }
}

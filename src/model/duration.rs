//! Durations as plans write them (`30m`, `4h`, `1d12h`, `2w`) and as the
//! engine counts them: whole seconds of simulation time.

use std::fmt;
use std::str::FromStr;

/// A span of simulation time, in whole seconds. Named apart from
/// [`std::time::Duration`], which measures wall-clock time (timeouts, the
/// search budget, the web server's keep-alive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(u64);

/// A hundred years: more than any plan needs, little enough that adding
/// durations in seconds cannot overflow.
const MAX_SECS: u64 = 100 * 365 * 86_400;

const UNITS: [(char, u64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest duration a plan, a scenario or a player can give.
    pub const MAX: SimDuration = SimDuration(MAX_SECS);

    pub const fn from_secs(secs: u64) -> Self {
        SimDuration(secs)
    }

    pub const fn from_hours(hours: u64) -> Self {
        SimDuration(hours * 3_600)
    }

    pub const fn as_secs(self) -> u64 {
        self.0
    }

    pub fn saturating_add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

/// Why a string is not a duration. The messages are written for the person
/// who typed the plan: each says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration: write a number and a unit, e.g. `4h`")]
    Empty,
    #[error("`{0}` is a bare number: durations need a unit, e.g. `{0}h` or `{0}m`")]
    BareNumber(String),
    #[error(
        "`{text}`: unknown unit `{unit}`; use w (weeks), d (days), h (hours), m (minutes) or s (seconds)"
    )]
    UnknownUnit { text: String, unit: char },
    #[error("`{0}`: a unit must follow a number, e.g. `1d12h`")]
    MissingNumber(String),
    #[error("`{0}`: write units from largest to smallest, each once, e.g. `1d12h`")]
    UnitOrder(String),
    #[error("`{0}`: the last number is missing its unit, e.g. `1h30m`")]
    MissingUnit(String),
    #[error("`{0}` is longer than 100 years; a plan's durations are shorter")]
    Overflow(String),
}

impl FromStr for SimDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(DurationError::Empty);
        }
        if trimmed.chars().all(|c| c.is_ascii_digit()) {
            return Err(DurationError::BareNumber(trimmed.to_string()));
        }
        let mut total: u64 = 0;
        let mut number: Option<u64> = None;
        let mut last_unit = usize::MAX;
        let overflow = || DurationError::Overflow(trimmed.to_string());
        for c in trimmed.chars() {
            if let Some(digit) = c.to_digit(10) {
                let n = number.unwrap_or(0);
                number = Some(
                    n.checked_mul(10)
                        .and_then(|n| n.checked_add(u64::from(digit)))
                        .ok_or_else(overflow)?,
                );
                continue;
            }
            let Some(rank) = UNITS.iter().position(|&(u, _)| u == c) else {
                return Err(DurationError::UnknownUnit {
                    text: trimmed.to_string(),
                    unit: c,
                });
            };
            let n = number
                .take()
                .ok_or_else(|| DurationError::MissingNumber(trimmed.to_string()))?;
            if last_unit != usize::MAX && rank <= last_unit {
                return Err(DurationError::UnitOrder(trimmed.to_string()));
            }
            last_unit = rank;
            total = n
                .checked_mul(UNITS[rank].1)
                .and_then(|s| total.checked_add(s))
                .ok_or_else(overflow)?;
        }
        if number.is_some() {
            // Trailing digits after a unit, as in `1h30`.
            return Err(DurationError::MissingUnit(trimmed.to_string()));
        }
        // Bounded so that sums of durations can never overflow.
        if total > MAX_SECS {
            return Err(overflow());
        }
        Ok(SimDuration(total))
    }
}

impl fmt::Display for SimDuration {
    /// Writes the form continuity staff use and that parses back to the
    /// same value: whole hours up to 72h (`24h`, `36h`), larger units above
    /// (`4d`, `1w2d`), `0s` for nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        let units = if rest <= 72 * 3_600 {
            &UNITS[2..]
        } else {
            &UNITS[..]
        };
        for &(unit, secs) in units {
            if rest >= secs {
                write!(f, "{}{}", rest / secs, unit)?;
                rest %= secs;
            }
        }
        Ok(())
    }
}

/// `T+4h30m`: a time counted from the incident (T0).
pub fn at(t: u64) -> String {
    if t == 0 {
        "T0".into()
    } else {
        format!("T+{}", SimDuration::from_secs(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_plans_use() {
        let cases = [
            ("30m", 1_800),
            ("4h", 14_400),
            ("2d", 172_800),
            ("1d12h", 129_600),
            ("2w", 1_209_600),
            ("45s", 45),
            ("0m", 0),
            ("1h30m", 5_400),
        ];
        for (text, secs) in cases {
            assert_eq!(text.parse::<SimDuration>(), Ok(SimDuration(secs)), "{text}");
        }
    }

    #[test]
    fn refuses_with_a_fix() {
        let cases = [
            ("4", "`4` is a bare number"),
            ("4x", "unknown unit `x`"),
            ("h", "a unit must follow a number"),
            ("12h1d", "largest to smallest"),
            ("1h1h", "largest to smallest"),
            ("1h30", "missing its unit"),
            ("", "empty duration"),
            ("99999999999999999999w", "longer than 100 years"),
            ("5300w", "longer than 100 years"),
        ];
        for (text, needle) in cases {
            let err = text.parse::<SimDuration>().unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for secs in [
            0, 1, 59, 60, 3_600, 5_400, 86_400, 129_600, 1_209_600, 1_300_000,
        ] {
            let d = SimDuration(secs);
            assert_eq!(d.to_string().parse::<SimDuration>(), Ok(d));
        }
        assert_eq!(SimDuration(129_600).to_string(), "36h");
        assert_eq!(SimDuration(86_400).to_string(), "24h");
        assert_eq!(SimDuration(4 * 86_400 + 3_600).to_string(), "4d1h");
        assert_eq!(SimDuration(5_400).to_string(), "1h30m");
    }
}

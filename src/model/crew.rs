//! Who can do a piece of work: the people it needs, and the other crews
//! the plan allows — a team standing in for another (slower), fewer people
//! than planned (slower) — with how much longer each takes.
//!
//! One rule, used by the scheduler (it picks a crew per task) and by the
//! engine (it does the work with the crew the plan picked, or with the one
//! a player names).

use super::{Plan, ServiceId, TeamId};

/// How much longer work takes, in thousandths: 1000 is the planned time,
/// 1500 half as long again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slowdown(u32);

impl Slowdown {
    pub const NONE: Slowdown = Slowdown(1000);
    /// The largest factor a plan can write (×100).
    pub const MAX: f64 = 100.0;

    /// From a factor ≥ 1 (checked at load), to the thousandth.
    pub fn from_factor(factor: f64) -> Slowdown {
        Slowdown((factor.clamp(1.0, Self::MAX) * 1000.0).round() as u32)
    }

    /// `seconds` of planned work done at this pace, to the second.
    pub fn apply(self, seconds: u64) -> u64 {
        let scaled = u128::from(seconds) * u128::from(self.0);
        u64::try_from(scaled.div_ceil(1000)).unwrap_or(u64::MAX)
    }

    /// Both slowdowns at once (a reduced crew of a stand-in team).
    pub fn then(self, other: Slowdown) -> Slowdown {
        Slowdown(((u64::from(self.0) * u64::from(other.0)).div_ceil(1000)) as u32)
    }

    pub fn is_none(self) -> bool {
        self == Self::NONE
    }

    /// The factor, for tools: 1.5.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// The factor, for people: `1.5`, `2`.
    pub fn factor(self) -> String {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            return whole.to_string();
        }
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// One way of staffing a piece of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crew {
    /// People of each team at once.
    pub needs: Vec<(TeamId, u32)>,
    pub slowdown: Slowdown,
    /// Needs filled by a team standing in: `(the team the plan names, the
    /// team doing it)`.
    pub stand_ins: Vec<(TeamId, TeamId)>,
    /// Fewer people than planned (the service's `reduced_crew`).
    pub reduced: bool,
}

impl Crew {
    /// The crew the plan names, at the planned pace.
    pub fn planned(needs: Vec<(TeamId, u32)>) -> Crew {
        Crew {
            needs,
            slowdown: Slowdown::NONE,
            stand_ins: Vec::new(),
            reduced: false,
        }
    }

    /// Whether this is the crew the plan names, as planned.
    pub fn is_planned(&self) -> bool {
        self.stand_ins.is_empty() && !self.reduced
    }
}

/// People of each team, the pace that goes with them, and whether they
/// are a reduced crew.
type Count = (Vec<(TeamId, u32)>, Slowdown, bool);

/// At most this many crews per piece of work (the planned one first).
const MAX_CREWS: usize = 16;

/// Every crew that can do work on service `s` planned with `needs`: the
/// planned one first, then with fewer people where the service allows it,
/// then each need filled by a team standing in for its own (for the
/// service's kind); in order of pace, then of the plan. A need is filled
/// by one team, its own or one standing in, never a mix; the work takes as
/// long as its slowest stand-in, times the reduced crew's slowdown.
pub fn crews(plan: &Plan, s: ServiceId, needs: &[(TeamId, u32)]) -> Vec<Crew> {
    let service = plan.service(s);
    // The people counts: as planned, and as reduced (with its slowdown).
    let mut counts: Vec<Count> = vec![(needs.to_vec(), Slowdown::NONE, false)];
    if let Some(r) = &service.recovery.reduced_crew {
        let fewer: Vec<(TeamId, u32)> = needs
            .iter()
            .map(|&(team, n)| {
                let reduced = r.needs.iter().find(|x| x.team == team).map(|x| x.count);
                (team, reduced.map_or(n, |c| c.min(n)))
            })
            .collect();
        if fewer != needs {
            counts.push((fewer, r.slowdown, true));
        }
    }
    let mut out: Vec<Crew> = Vec::new();
    for (needs, pace, reduced) in counts {
        // Per need: its own team, then every team standing in for it.
        let choices: Vec<Vec<(TeamId, Slowdown)>> = needs
            .iter()
            .map(|&(team, _)| {
                let mut c = vec![(team, Slowdown::NONE)];
                for (i, other) in plan.teams.iter().enumerate() {
                    let by = TeamId(i as u32);
                    if let Some(x) = other
                        .stands_in_for
                        .iter()
                        .find(|x| x.team == team && x.covers(service.kind))
                    {
                        c.push((by, x.slowdown));
                    }
                }
                c
            })
            .collect();
        let mut pick = vec![0usize; needs.len()];
        loop {
            let mut crew = Crew {
                needs: Vec::with_capacity(needs.len()),
                slowdown: Slowdown::NONE,
                stand_ins: Vec::new(),
                reduced,
            };
            let mut slowest = Slowdown::NONE;
            for (k, &(team, n)) in needs.iter().enumerate() {
                let (by, slow) = choices[k][pick[k]];
                if by != team {
                    crew.stand_ins.push((team, by));
                }
                slowest = slowest.max(slow);
                match crew.needs.iter_mut().find(|x| x.0 == by) {
                    Some(x) => x.1 += n,
                    None => crew.needs.push((by, n)),
                }
            }
            crew.slowdown = slowest.then(pace);
            // Two needs filled by the same stand-in add up: they must fit it.
            let fits = crew.needs.iter().all(|&(t, n)| n <= plan.team(t).capacity);
            if fits && !out.contains(&crew) {
                out.push(crew);
            }
            // Next combination, the last need varying fastest.
            let mut last = true;
            for k in (0..needs.len()).rev() {
                pick[k] += 1;
                if pick[k] < choices[k].len() {
                    last = false;
                    break;
                }
                pick[k] = 0;
            }
            if last {
                break;
            }
        }
    }
    // The planned crew first, the others by pace (stable: plan order).
    if out.len() > 1 {
        out[1..].sort_by_key(|c| c.slowdown);
    }
    out.truncate(MAX_CREWS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slowdowns_scale_and_print() {
        let s = Slowdown::from_factor(1.5);
        assert_eq!(s.apply(3600), 5400);
        assert_eq!(s.factor(), "1.5");
        assert_eq!(Slowdown::from_factor(2.0).factor(), "2");
        assert_eq!(Slowdown::from_factor(1.25).factor(), "1.25");
        assert_eq!(s.then(Slowdown::from_factor(2.0)).apply(100), 300);
        assert!(Slowdown::NONE.is_none());
        assert_eq!(Slowdown::NONE.apply(7), 7);
    }
}

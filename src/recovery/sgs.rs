//! Turning a priority list into a schedule, scoring it, and improving it.
//!
//! - [`Decoder::decode_with`] is the serial schedule-generation scheme: tasks are
//!   taken in list order (skipping, then returning to, any whose predecessors
//!   are not placed yet) and each starts at the earliest time its
//!   requirements are met and its teams have the people for its whole
//!   duration.
//! - [`Decoder::justify`] is forward-backward improvement: shift every task
//!   as late as possible (in decreasing order of finish), then as early as
//!   possible (in increasing order of start); kept only when it scores
//!   better.
//! - [`Score`] is the objective, compared lexicographically.

use super::problem::{Problem, Req};
use super::profile::Profile;

/// The objective, smaller is better, compared field by field: first the
/// processes past their deadline (weighted), then the weighted lateness,
/// then the makespan, and last, among equals, the weighted time at which
/// the processes are back (sooner is better even within the DMIA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Score {
    pub breached: u64,
    pub lateness: u64,
    pub makespan: u64,
    pub restored: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub start: Vec<u64>,
    pub finish: Vec<u64>,
    /// Per task: the mode it is done in (see [`super::problem::Task::modes`]).
    pub mode: Vec<u8>,
    /// When each milestone is met (its requirements done, plus resume); its
    /// `at` when it is no incident.
    pub milestone: Vec<u64>,
    /// Per milestone: the first milestone of the incident it belongs to
    /// (itself, or an earlier stop still going on); `None` when it is no
    /// incident.
    pub incident: Vec<Option<usize>>,
    pub score: Score,
}

/// Precomputed structure of a problem, reused for every schedule.
pub struct Decoder<'p> {
    pub problem: &'p Problem,
    base: Vec<Profile>,
    /// Tasks whose requirements mention each task.
    successors: Vec<Vec<usize>>,
    /// How many schedules were generated (each decode or justification pass).
    pub generated: u64,
}

/// When a set of requirements is met, given the finish times known so far;
/// `None` if some are not placed yet.
fn ready_at(reqs: &[Req], finish: &[u64], placed: &[bool], scratch: &mut Vec<u64>) -> Option<u64> {
    ready_when(reqs, finish, placed, scratch, false)
}

/// As [`ready_at`]; with `all`, a group waits for all its members to be
/// placed, so that it counts the ones that finish first rather than the
/// first placed (for a task that needs nobody, waiting costs nothing).
fn ready_when(
    reqs: &[Req],
    finish: &[u64],
    placed: &[bool],
    scratch: &mut Vec<u64>,
    all: bool,
) -> Option<u64> {
    let mut t = 0;
    for r in reqs {
        match r {
            Req::Task(p) => {
                if !placed[*p] {
                    return None;
                }
                t = t.max(finish[*p]);
            }
            Req::Group { need, of } => {
                if all && of.iter().any(|&m| !placed[m]) {
                    return None;
                }
                scratch.clear();
                scratch.extend(of.iter().filter(|&&m| placed[m]).map(|&m| finish[m]));
                let need = *need as usize;
                if scratch.len() < need {
                    return None;
                }
                let (_, kth, _) = scratch.select_nth_unstable(need - 1);
                t = t.max(*kth);
            }
        }
    }
    Some(t)
}

impl<'p> Decoder<'p> {
    pub fn new(problem: &'p Problem) -> Decoder<'p> {
        let n = problem.tasks.len();
        let mut successors = vec![Vec::new(); n];
        for (j, t) in problem.tasks.iter().enumerate() {
            for r in &t.reqs {
                for &p in r.tasks() {
                    if !successors[p].contains(&j) {
                        successors[p].push(j);
                    }
                }
            }
        }
        Decoder {
            problem,
            base: problem.capacity.iter().map(|c| Profile::new(c)).collect(),
            successors,
            generated: 0,
        }
    }

    pub fn successors(&self, j: usize) -> &[usize] {
        &self.successors[j]
    }

    /// Serial SGS over `list`, with `genes[j]` the mode of task `j` plus
    /// one, or 0 (or no gene) for the mode that ends first.
    pub fn decode_with(&mut self, list: &[usize], genes: &[u8]) -> Schedule {
        self.generated += 1;
        let problem = self.problem;
        let n = problem.tasks.len();
        let mut profiles = self.base.clone();
        let mut start = vec![0u64; n];
        let mut finish = vec![0u64; n];
        let mut placed = vec![false; n];
        let mut mode = vec![0u8; n];
        let mut scratch = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        let mut cursor = 0;
        let mut count = 0;
        while count < n {
            // Take the first pending task that is ready, else the next of
            // the list.
            let ready = |j: usize, scratch: &mut Vec<u64>| {
                let task = &problem.tasks[j];
                ready_when(&task.reqs, &finish, &placed, scratch, task.free())
            };
            let pick = pending
                .iter()
                .position(|&j| ready(j, &mut scratch).is_some());
            let (j, ready) = match pick {
                Some(i) => {
                    let j = pending.remove(i);
                    (j, ready(j, &mut scratch))
                }
                None => {
                    let Some(&j) = list.get(cursor) else { break };
                    cursor += 1;
                    if placed[j] {
                        continue;
                    }
                    (j, ready(j, &mut scratch))
                }
            };
            let Some(ready) = ready else {
                pending.push(j);
                continue;
            };
            let task = &problem.tasks[j];
            let (m, s) = choose(&profiles, task, ready.max(task.release), genes.get(j));
            let (d, needs) = task.mode(m);
            for &(team, need) in needs {
                profiles[team].reserve(s, d, i64::from(need));
            }
            start[j] = s;
            finish[j] = s + d;
            mode[j] = m as u8;
            placed[j] = true;
            count += 1;
        }
        self.score(start, finish, mode)
    }

    /// Parallel SGS over `list`: time moves forward from event to event,
    /// and at each moment the ready tasks start in list order while their
    /// teams have people. Produces non-delay schedules, a different (often
    /// better, sometimes worse) set than the serial scheme.
    pub fn decode_parallel(&mut self, list: &[usize], genes: &[u8]) -> Schedule {
        self.generated += 1;
        let problem = self.problem;
        let n = problem.tasks.len();
        let mut profiles = self.base.clone();
        let mut start = vec![0u64; n];
        let mut finish = vec![0u64; n];
        let mut placed = vec![false; n];
        let mut mode = vec![0u8; n];
        // "Done by now": placed and finished.
        let mut done = vec![false; n];
        let mut scratch = Vec::new();
        let mut count = 0;
        let mut t = 0u64;
        let changes: Vec<u64> = problem.capacity.iter().flatten().map(|c| c.0).collect();
        while count < n {
            for (j, d) in done.iter_mut().enumerate() {
                *d = placed[j] && finish[j] <= t;
            }
            for &j in list {
                if placed[j] {
                    continue;
                }
                let task = &problem.tasks[j];
                if task.release > t || ready_at(&task.reqs, &finish, &done, &mut scratch).is_none()
                {
                    continue;
                }
                // Its mode (by default the one that ends first), if it can
                // start now.
                let (m, s) = choose(&profiles, task, t, genes.get(j));
                if s != t {
                    continue;
                }
                let (d, needs) = task.mode(m);
                for &(team, need) in needs {
                    profiles[team].reserve(t, d, i64::from(need));
                }
                start[j] = t;
                finish[j] = t + d;
                mode[j] = m as u8;
                placed[j] = true;
                count += 1;
                if d == 0 {
                    done[j] = true;
                }
            }
            // Next moment something can change.
            let next = (0..n)
                .filter(|&j| placed[j] && finish[j] > t)
                .map(|j| finish[j])
                .chain(problem.tasks.iter().map(|x| x.release).filter(|&r| r > t))
                .chain(changes.iter().copied().filter(|&c| c > t))
                .min();
            match next {
                Some(next) => t = next,
                None if count < n => return self.decode_with(list, genes),
                None => break,
            }
        }
        self.score(start, finish, mode)
    }

    /// Milestones and the objective of given start and finish times.
    pub fn score(&self, start: Vec<u64>, finish: Vec<u64>, mode: Vec<u8>) -> Schedule {
        let placed = vec![true; finish.len()];
        let mut scratch = Vec::new();
        let mut score = Score {
            makespan: finish.iter().copied().max().unwrap_or(0),
            ..Score::default()
        };
        let milestones = &self.problem.milestones;
        let mut milestone = Vec::with_capacity(milestones.len());
        let mut incident: Vec<Option<usize>> = Vec::with_capacity(milestones.len());
        // Per milestone: the latest real stop of its process up to it.
        let mut latest: Vec<Option<usize>> = Vec::with_capacity(milestones.len());
        let mut end = vec![0u64; milestones.len()];
        for (k, m) in milestones.iter().enumerate() {
            let ready = ready_at(&m.reqs, &finish, &placed, &mut scratch).unwrap_or(0);
            let before = m.after.and_then(|j| latest[j]);
            let real = m.after.is_none() || ready > m.at;
            if !real {
                milestone.push(m.at);
                incident.push(None);
                latest.push(before);
                continue;
            }
            let done = ready.max(m.at) + m.resume;
            // Still down from the previous stop: the same incident.
            let head = match before {
                Some(j) if milestone[j] >= m.at => incident[j].unwrap_or(j),
                _ => k,
            };
            end[head] = end[head].max(done);
            milestone.push(done);
            incident.push(Some(head));
            latest.push(Some(k));
        }
        for (k, m) in milestones.iter().enumerate() {
            if incident[k] != Some(k) {
                continue;
            }
            let done = end[k];
            score.restored = score.restored.saturating_add(m.weight.saturating_mul(done));
            if let Some(deadline) = m.deadline
                && done > deadline
            {
                score.breached = score.breached.saturating_add(m.weight);
                score.lateness = score
                    .lateness
                    .saturating_add(m.weight.saturating_mul(done - deadline));
            }
        }
        Schedule {
            start,
            finish,
            mode,
            milestone,
            incident,
            score,
        }
    }

    /// Forward-backward improvement. Group requirements are fixed to the
    /// members that finish first in `schedule` while shifting right, then
    /// free again when shifting left. Returns the better schedule.
    pub fn justify(&mut self, schedule: &Schedule) -> Schedule {
        let problem = self.problem;
        let n = problem.tasks.len();
        if n == 0 {
            return schedule.clone();
        }
        // Successors under the fixed choice of group members.
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, t) in problem.tasks.iter().enumerate() {
            for r in &t.reqs {
                match r {
                    Req::Task(p) => succ[*p].push(j),
                    Req::Group { need, of } => {
                        let mut members = of.clone();
                        members.sort_by_key(|&m| (schedule.finish[m], m));
                        for &m in members.iter().take(*need as usize) {
                            succ[m].push(j);
                        }
                    }
                }
            }
        }
        // Right shift, latest finishers first.
        self.generated += 1;
        let makespan = schedule.score.makespan;
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&j| (std::cmp::Reverse(schedule.finish[j]), std::cmp::Reverse(j)));
        let mut profiles = self.base.clone();
        let mut right_start = vec![0u64; n];
        let mut done = vec![false; n];
        for &j in &order {
            let task = &problem.tasks[j];
            let (d, needs) = task.mode(usize::from(schedule.mode[j]));
            let mut latest = makespan;
            for &s in &succ[j] {
                if done[s] {
                    latest = latest.min(right_start[s]);
                }
            }
            let Some(f) = latest_fit(&profiles, needs, latest, d, task.release) else {
                return schedule.clone();
            };
            let s = f - d;
            for &(team, need) in needs {
                profiles[team].reserve(s, d, i64::from(need));
            }
            right_start[j] = s;
            done[j] = true;
        }
        // Left shift, earliest starters first.
        let mut list: Vec<usize> = (0..n).collect();
        list.sort_by_key(|&j| (right_start[j], j));
        let genes: Vec<u8> = schedule.mode.iter().map(|m| m + 1).collect();
        let left = self.decode_with(&list, &genes);
        if left.score < schedule.score {
            left
        } else {
            schedule.clone()
        }
    }
}

/// The earliest start ≥ `t` at which every needed team has the people for
/// `d` seconds; `None` if that never happens.
fn earliest(profiles: &[Profile], needs: &[(usize, u32)], mut t: u64, d: u64) -> Option<u64> {
    loop {
        let mut moved = false;
        for &(team, need) in needs {
            let s = profiles[team].earliest_fit(t, d, i64::from(need))?;
            if s > t {
                t = s;
                moved = true;
            }
        }
        if !moved {
            return Some(t);
        }
    }
}

/// The mode its gene gives `task` (when that mode can ever fit), else the
/// one that ends first; and its start from `t`.
fn choose(
    profiles: &[Profile],
    task: &super::problem::Task,
    t: u64,
    gene: Option<&u8>,
) -> (usize, u64) {
    if let Some(&g) = gene.filter(|&&g| g > 0 && usize::from(g) <= task.alternatives.len() + 1) {
        let m = usize::from(g) - 1;
        let (d, needs) = task.mode(m);
        if let Some(s) = earliest(profiles, needs, t, d) {
            return (m, s);
        }
    }
    best_mode(profiles, task, t)
}

/// The mode of `task` that ends first when it can start from `t`, and its
/// start; among equals, the first mode. `Problem::validate` guarantees
/// some mode fits the final capacity.
fn best_mode(profiles: &[Profile], task: &super::problem::Task, t: u64) -> (usize, u64) {
    let mut best: Option<(u64, usize, u64)> = None;
    for (m, (d, needs)) in task.modes().enumerate() {
        let Some(s) = earliest(profiles, needs, t, d) else {
            continue;
        };
        if best.is_none_or(|(f, _, _)| s + d < f) {
            best = Some((s + d, m, s));
        }
    }
    best.map_or((0, t), |(_, m, s)| (m, s))
}

/// The latest finish ≤ `t` at which every needed team has the people for the
/// `d` seconds before, starting no earlier than `release`.
fn latest_fit(
    profiles: &[Profile],
    needs: &[(usize, u32)],
    mut t: u64,
    d: u64,
    release: u64,
) -> Option<u64> {
    if t < d || t - d < release {
        return None;
    }
    loop {
        let mut moved = false;
        for &(team, need) in needs {
            let f = profiles[team].latest_fit(t, d, i64::from(need), release)?;
            if f < t {
                t = f;
                moved = true;
            }
        }
        if !moved {
            return Some(t);
        }
    }
}

//! From a plan and a [`Situation`] to the scheduling [`Problem`].
//!
//! The situation changes over time in ways known in advance: damage that
//! happens later, services out for a while (a supplier's outage, a power
//! cut, an isolation with an end). The builder looks at the plan at each
//! moment something starts (a snapshot: the planning moment, each damage,
//! each spell's start) and propagates states there (`analysis::state`,
//! failed-over services following their standby). From those states:
//!
//! - **work**: one task per damaged service, in the way its release moment
//!   allows (a failover when its standby is not down then, else a rebuild
//!   of what is destroyed, a restore of what failed), needing what the
//!   engine needs to start work: every hard dependency not down, `at_least`
//!   members of a group not down, the holder of the copy a rebuild starts
//!   from; the damaged members of a cycle one after the other in plan order;
//! - **returns**: for each unit (a service, or a cycle) down at a snapshot,
//!   a zero-length task for the moment it is back there: its work done, its
//!   spell over, and what it needs not down (a group needs one member: a
//!   group with one member left is degraded, not down). Identical returns
//!   are one task;
//! - **milestones**: for each process down at a snapshot, a stop whose
//!   requirements are the returns it needs there; a later stop is linked to
//!   the earlier (see [`Milestone`]), so a process that stops twice is
//!   judged on each incident.

use std::collections::HashMap;

use super::Mode;
use super::problem::{Milestone, Problem, Req, Task};
use super::situation::{Damage, Situation};
use crate::analysis::criticality_weight;
use crate::analysis::objectives::process_required;
use crate::analysis::state::{Isolation, Runs, State, propagate_with};
use crate::graph::{DependencyGraph, Units};
use crate::model::{
    Crew, Dependency, Failover, Need, NodeRef, Placement, Plan, ProcessId, ServiceId, ServiceKind,
    SimDuration, SiteId, TeamId, crews,
};

/// The check of a copy a restore starts from (see
/// [`crate::model::Restore::verify`]).
fn check(r: Option<&crate::model::Restore>) -> SimDuration {
    SimDuration::from_secs(r.map_or(0, |r| r.verify))
}

/// The needs of work nobody does (an automatic failover).
const NOBODY: Vec<Need> = Vec::new();

/// The problem, and what each task and milestone stands for.
pub struct Built {
    pub problem: Problem,
    /// Per task: the service it works on or whose return it marks.
    pub services: Vec<ServiceId>,
    /// Per task: how; [`Mode::Automatic`] for returns.
    pub modes: Vec<Mode>,
    /// Per milestone: the process and since when it is down.
    pub processes: Vec<(ProcessId, u64)>,
    /// Per task: the copy a relocation restores from, when it has data.
    pub copies: Vec<Option<crate::model::Restore>>,
    /// Per task: why its service comes back this way rather than at a
    /// recovery site, or there rather than in place.
    pub why: Vec<Option<Why>>,
    /// Per task: the crews that can do it, in the order of its modes
    /// (none for returns).
    pub crews: Vec<Vec<Crew>>,
    /// The controlled shutdowns the teams order, in time order.
    pub shutdowns: Vec<Shutdown>,
    /// Per service: the damage planned for, with what the power cuts
    /// stop (the situation's own damage does not have those).
    pub damage: Vec<Option<Damage>>,
}

/// A controlled shutdown: at `at`, before the reserves of power `source`
/// run out, the teams stop `services` cleanly (restarted in their clean
/// time once the mains are back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shutdown {
    pub at: u64,
    pub source: ServiceId,
    pub services: Vec<ServiceId>,
}

/// Why a service allowed to move to a recovery site is (or is not) brought
/// back there, with the earliest returns compared (unlimited teams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Brought back there: expected back at `there` against `in_place`.
    Sooner { there: u64, in_place: u64 },
    /// It would have been sooner there (`there`), but the site's room went
    /// to services that come first.
    NoRoom { site: SiteId, there: u64 },
    /// None of its copies survived: nothing to restore there from.
    NoCopy,
}

struct Builder<'a> {
    plan: &'a Plan,
    situation: &'a Situation,
    /// Per snapshot: the links isolations cut then.
    cut: Vec<Option<Isolation<'a>>>,
    units: Units,
    times: Vec<u64>,
    /// Per snapshot: the state of every node.
    states: Vec<Vec<State>>,
    /// Per damaged service: its work task.
    work: Vec<Option<usize>>,
    tasks: Vec<Task>,
    services: Vec<ServiceId>,
    modes: Vec<Mode>,
    /// Per task: the crews that can do it.
    crews: Vec<Vec<Crew>>,
    /// Returns by `(unit, snapshot)`; `None`: the unit is not down there.
    back: HashMap<(u32, usize), Option<usize>>,
    /// Identical returns are one task.
    same: HashMap<(u64, Vec<Req>), usize>,
    /// Per snapshot, when needed: each service's earliest expected return.
    estimates: HashMap<usize, Vec<u64>>,
    /// Per service: the recovery site it is brought back at (see
    /// [`Builder::decide_placements`]).
    placement: Vec<Option<SiteId>>,
    /// Per service: why it goes (or does not go) to a recovery site.
    why: Vec<Option<Why>>,
    /// Per service planned to fail over: from when it counts as failed
    /// over (its damage, or the snapshot it is stranded at; the failover
    /// itself may start later, once decided).
    over_from: Vec<Option<u64>>,
}

pub fn build(plan: &Plan, graph: &DependencyGraph, situation: &Situation) -> Built {
    let n = plan.services.len();
    let now = situation.now;
    let mut times = vec![now];
    for i in 0..n {
        if situation.damage[i].is_some() {
            times.push(situation.release[i].max(now));
        }
        times.extend(
            situation.spells[i]
                .iter()
                .filter(|s| s.from > now && s.until > s.from)
                .map(|s| s.from),
        );
    }
    times.extend(situation.shutdowns.iter().map(|&(t, _)| t.max(now)));
    times.extend(
        situation
            .isolations
            .iter()
            .filter(|(_, s)| s.from > now && s.until > s.from)
            .map(|(_, s)| s.from),
    );
    times.sort_unstable();
    times.dedup();
    let runs = runs_elsewhere(plan, &situation.on_standby, &situation.placed);
    let propagate_all = |situation: &Situation| -> Vec<Vec<State>> {
        times
            .iter()
            .map(|&t| {
                let hit: Vec<usize> = (0..n).filter(|&i| situation.unavailable(i, t)).collect();
                propagate_with(
                    plan,
                    graph,
                    &hit,
                    &runs,
                    situation.isolation_at(plan, t).as_ref(),
                )
            })
            .collect()
    };
    let mut states = propagate_all(situation);
    // What a power cut stops is restarted, not back by itself: stopped
    // cleanly by a controlled shutdown, or from the first moment it is
    // down with power it needs down (a crash).
    let stopped = stopped_by_power(plan, graph, situation, &runs, &times, &states);
    let mut shutdowns: Vec<Shutdown> = Vec::new();
    for &(i, t, shut_for, _) in &stopped {
        let Some(source) = shut_for else { continue };
        match shutdowns
            .iter_mut()
            .find(|x| x.at == t && x.source == source)
        {
            Some(x) => x.services.push(ServiceId(i as u32)),
            None => shutdowns.push(Shutdown {
                at: t,
                source,
                services: vec![ServiceId(i as u32)],
            }),
        }
    }
    shutdowns.sort_by_key(|x| (x.at, x.source));
    let owned;
    let situation = if stopped.is_empty() {
        situation
    } else {
        let mut s = situation.clone();
        for (i, t, shut_for, back) in stopped {
            s.damage[i] = Some(Damage::Stopped {
                crashed: shut_for.is_none(),
            });
            // Shut down cleanly, it is restarted once its power is back
            // for good (failed over from `t`).
            s.release[i] = t;
            s.restart_from[i] = back;
        }
        owned = s;
        states = propagate_all(&owned);
        &owned
    };
    let cut = times
        .iter()
        .map(|&t| situation.isolation_at(plan, t))
        .collect();
    let mut b = Builder {
        plan,
        situation,
        cut,
        units: graph.units(),
        times,
        states,
        work: vec![None; n],
        tasks: Vec::new(),
        services: Vec::new(),
        modes: Vec::new(),
        crews: Vec::new(),
        back: HashMap::new(),
        same: HashMap::new(),
        estimates: HashMap::new(),
        placement: situation.placed.clone(),
        why: vec![None; n],
        over_from: vec![None; n],
    };
    b.decide_placements();
    let released = b.work_tasks();
    // Returns computed units first in an order where each comes after what
    // it waits for: no recursion deeper than a cycle, whatever the length
    // of the plan's dependency chains.
    let order = b.order();
    for k in 0..b.times.len() {
        for &u in &order {
            if let Some(&m) = b.units.members[u as usize].first() {
                b.back_of(m, k);
            }
        }
    }
    b.work_reqs_all(&released);
    let (mut milestones, processes) = b.milestones();
    b.simplify(&mut milestones);
    b.prune(&mut milestones);
    let why = (b.services.iter().zip(&b.modes))
        .map(|(s, m)| b.why[s.index()].filter(|_| *m != Mode::Automatic))
        .collect();
    let copies = (b.services.iter().zip(&b.modes))
        .map(|(s, m)| match m {
            Mode::Relocate(_) => situation.relocate_from[s.index()].filter(|r| r.copy.is_some()),
            _ => None,
        })
        .collect();
    Built {
        problem: Problem {
            tasks: b.tasks,
            teams: plan.teams.iter().map(|t| t.id.clone()).collect(),
            capacity: situation.capacity.clone(),
            milestones,
        },
        services: b.services,
        modes: b.modes,
        processes,
        copies,
        why,
        crews: b.crews,
        shutdowns,
        damage: situation.damage.clone(),
    }
}

/// Services with a `restart` that a power cut stops: cleanly by a
/// controlled shutdown (with the source it was ordered for, and when that
/// source's mains are back), else abruptly, the first moment they are down,
/// not damaged, with a power service they need down.
fn stopped_by_power(
    plan: &Plan,
    graph: &DependencyGraph,
    situation: &Situation,
    runs: &[(usize, Runs)],
    times: &[u64],
    states: &[Vec<State>],
) -> Vec<(usize, u64, Option<ServiceId>, u64)> {
    let mut out = Vec::new();
    let mut clean = vec![false; plan.services.len()];
    let mut shutdowns = situation.shutdowns.clone();
    shutdowns.sort_unstable();
    for &(t, source) in &shutdowns {
        let t = t.max(situation.now);
        let Some(k) = times.iter().position(|&x| x == t) else {
            continue;
        };
        // The mains' return: the end of the source's cuts from its drain
        // on (overlapping cuts count until the last one ends).
        let drained = situation.spells[source.index()]
            .iter()
            .filter(|s| s.from >= t)
            .map(|s| s.from)
            .min();
        let mut back = drained.unwrap_or(t);
        while situation.back_by_itself(source.index(), back) > back {
            back = situation.back_by_itself(source.index(), back);
        }
        let hit: Vec<usize> = (0..plan.services.len())
            .filter(|&i| situation.unavailable(i, t) || i == source.index())
            .collect();
        let isolation = situation.isolation_at(plan, t);
        for i in shut_down_by(
            plan,
            graph,
            source,
            &hit,
            (runs, isolation.as_ref()),
            &states[k],
        ) {
            if situation.damage[i].is_none() && !situation.on_standby[i] && !clean[i] {
                clean[i] = true;
                out.push((i, t, Some(source), back));
            }
        }
    }
    if !plan.services.iter().any(|s| s.recovery.restart.is_some()) {
        return out;
    }
    // Per snapshot: what the power sources out then take down by
    // themselves.
    let by_power: Vec<Option<Vec<State>>> = times
        .iter()
        .map(|&t| down_for_power(plan, graph, |i| situation.unavailable(i, t), runs))
        .collect();
    for i in 0..plan.services.len() {
        if plan.services[i].recovery.restart.is_none()
            || situation.damage[i].is_some()
            || situation.on_standby[i]
            || clean[i]
        {
            continue;
        }
        let first = (0..times.len()).find(|&k| {
            states[k][i] == State::Down && by_power[k].as_ref().is_some_and(|p| p[i] == State::Down)
        });
        if let Some(k) = first {
            out.push((i, times[k], None, times[k]));
        }
    }
    out
}

/// The states the power services unavailable now (`unavailable`) give by
/// themselves, everything else up: a service down in them is stopped by
/// its power, not only down while its power happens to be out (isolated
/// with its generator running, say). `None` when no power service is out.
/// One rule for `recover` and the engine.
pub fn down_for_power(
    plan: &Plan,
    graph: &DependencyGraph,
    unavailable: impl Fn(usize) -> bool,
    runs: &[(usize, Runs)],
) -> Option<Vec<State>> {
    let hit: Vec<usize> = (0..plan.services.len())
        .filter(|&i| plan.services[i].kind == ServiceKind::Power && unavailable(i))
        .collect();
    (!hit.is_empty()).then(|| propagate_with(plan, graph, &hit, runs, None))
}

/// What a controlled shutdown ordered for power `source` stops: the
/// services with a restart that need `source` and would be down were it
/// down now (with `hit` unavailable, `source` among them, and what runs
/// elsewhere and the links cut now: `now`), and are not down already
/// (`states`). One rule for `recover` and the engine.
pub fn shut_down_by(
    plan: &Plan,
    graph: &DependencyGraph,
    source: ServiceId,
    hit: &[usize],
    now: (&[(usize, Runs)], Option<&Isolation>),
    states: &[State],
) -> Vec<usize> {
    let without = propagate_with(plan, graph, hit, now.0, now.1);
    (0..plan.services.len())
        .filter(|&i| {
            plan.services[i]
                .recovery
                .restart
                .as_ref()
                .is_some_and(|r| r.power.contains(&source))
                && without[i] == State::Down
                && states[i] != State::Down
        })
        .collect()
}

/// Services that run elsewhere than on their own dependencies: on their
/// failover standby, or at the recovery site they were brought to.
pub fn runs_elsewhere<'a>(
    plan: &'a Plan,
    on_standby: &[bool],
    placed: &[Option<SiteId>],
) -> Vec<(usize, Runs<'a>)> {
    (0..plan.services.len())
        .filter_map(|i| {
            let s = &plan.services[i];
            match (on_standby[i], s.recovery.failover, placed[i]) {
                (true, Some(f), _) => Some((i, Runs::Standby(f.to.index()))),
                (_, _, Some(site)) => Some((i, Runs::On(s.depends_on_at(Some(site))))),
                _ => None,
            }
        })
        .collect()
}

impl<'a> Builder<'a> {
    fn snapshot(&self, t: u64) -> usize {
        self.times.partition_point(|&x| x <= t).saturating_sub(1)
    }

    fn down(&self, k: usize, x: usize) -> bool {
        self.states[k][x] == State::Down
    }

    /// What service `x` depends on at snapshot `k`: at the recovery site it
    /// runs at or is brought to (from its damage on), else its own.
    fn deps_at(&self, x: usize, k: usize) -> &'a [Dependency] {
        let service = &self.plan.services[x];
        let moved = self.situation.placed[x].is_some()
            || self.situation.release[x].max(self.situation.now) <= self.times[k];
        match self.placement[x] {
            Some(site) if moved => service.depends_on_at(Some(site)),
            _ => &service.depends_on,
        }
    }

    /// When failing service `i` over can start, from `at` (when it can
    /// first be worked on): once the crisis cell has decided, counted from
    /// when it was lost (before the planning moment when it already was);
    /// to a cold standby, once the copy restored onto it is brought back.
    fn failover_release(&self, i: usize, f: Failover, at: u64) -> u64 {
        let lost = match self.situation.down_since[i] {
            Some(since) if at <= self.situation.now => since,
            _ => at,
        };
        let retrieval = self.situation.relocate_from[i]
            .filter(|_| f.cold)
            .map_or(0, |c| c.retrieval);
        at.max(f.decided(lost)).max(at.saturating_add(retrieval))
    }

    /// Service `i`'s failover, if it can happen: a cold standby needs a
    /// surviving copy to restore.
    fn failover_of(&self, i: usize) -> Option<Failover> {
        self.plan.services[i]
            .recovery
            .failover
            .filter(|f| !f.cold || self.situation.relocate_from[i].is_some())
    }

    /// When relocating damaged service `i` to `site` can start: its damage,
    /// the site open, its copy brought back.
    fn relocation_release(&self, i: usize, site: SiteId) -> u64 {
        let s = self.situation;
        let release = s.release[i].max(s.now);
        let retrieval = s.relocate_from[i].map_or(0, |r| r.retrieval);
        if s.placed[i] == Some(site) {
            // Already there: only its copy to wait for.
            return release.saturating_add(retrieval);
        }
        // Not open while its home site has lost nothing (never, then).
        let opens = s.opens[site.index()].unwrap_or(u64::MAX);
        release.max(opens).max(release.saturating_add(retrieval))
    }

    /// When damaged service `x` is expected back at the earliest if worked
    /// on in place (`None`) or brought to a recovery site, with `est` the
    /// other services' earliest returns at snapshot `k`.
    fn work_estimate(&self, x: usize, k: usize, est: &[u64], at: Option<&Placement>) -> u64 {
        let s = self.situation;
        let t = self.times[k];
        let r = &self.plan.services[x].recovery;
        let e = s.back_by_itself(x, t).max(t);
        match at {
            None => {
                let deps = self.estimate_deps(x, &self.plan.services[x].depends_on, k, est);
                let d = match (s.damage[x], &r.restart) {
                    (Some(Damage::Destroyed), _) => r
                        .rebuild
                        .saturating_add(SimDuration::from_secs(s.restore[x].verify)),
                    (Some(Damage::Stopped { crashed }), Some(restart)) => restart.time(crashed),
                    _ => r.duration,
                };
                let from = deps.max(s.release[x]).max(s.restart_from[x]);
                e.max(from.saturating_add(d.as_secs()))
            }
            Some(p) => {
                let Some(relocation) = &r.relocate else {
                    return u64::MAX;
                };
                let holder = s.relocate_from[x]
                    .and_then(|c| c.holder)
                    .map_or(0, |h| est[h.index()]);
                let deps = self.estimate_deps(x, &p.depends_on, k, est);
                e.max(
                    deps.max(holder)
                        .max(self.relocation_release(x, p.site))
                        .saturating_add(relocation.duration.as_secs())
                        .saturating_add(s.relocate_from[x].map_or(0, |c| c.verify)),
                )
            }
        }
    }

    /// Which damaged services are brought back at a recovery site rather
    /// than in place: those allowed to move, with a surviving copy and no
    /// standby up to fail over to, when they are expected back sooner
    /// there (unlimited teams). A recovery site's room is a budget held
    /// from the relocation's start: it goes to services in order of
    /// priority (the most critical process that needs them, then the
    /// shortest DMIA among those, then plan order); a service that does
    /// not fit anywhere it may go is worked on in place. Estimates depend
    /// on what else moves: decided again until nothing changes (a few
    /// rounds at most).
    fn decide_placements(&mut self) {
        let plan = self.plan;
        let s = self.situation;
        let n = plan.services.len();
        // What is at a recovery site already stays there (damaged or not:
        // it runs on that site's platform); `placement` starts so.
        let forced: Vec<Option<SiteId>> = s.placed.clone();
        let mut candidates: Vec<usize> = Vec::new();
        for i in 0..n {
            let r = &plan.services[i].recovery;
            if s.damage[i].is_none() || s.placed[i].is_some() || r.relocate.is_none() {
                continue;
            }
            let k = self.snapshot(s.release[i].max(s.now));
            if self
                .failover_of(i)
                .is_some_and(|f| !self.down(k, f.to.index()))
            {
                continue;
            }
            if s.relocate_from[i].is_none() {
                self.why[i] = Some(Why::NoCopy);
                continue;
            }
            candidates.push(i);
        }
        if candidates.is_empty() {
            return;
        }
        let rank = priorities(plan);
        candidates.sort_by_key(|&i| (rank[i], i));
        for _ in 0..8 {
            self.estimates.clear();
            let mut room = s.room.clone();
            let mut next = forced.clone();
            for &i in &candidates {
                let k = self.snapshot(s.release[i].max(s.now));
                self.estimates(k);
                let est = &self.estimates[&k];
                let in_place = self.work_estimate(i, k, est, None);
                let Some(relocation) = &plan.services[i].recovery.relocate else {
                    continue;
                };
                let mut best: Option<(u64, SiteId)> = None;
                let mut full: Option<(u64, SiteId)> = None;
                for p in &relocation.to {
                    let there = self.work_estimate(i, k, est, Some(p));
                    if there >= in_place {
                        continue;
                    }
                    if room[p.site.index()] < relocation.size {
                        full = full.filter(|f| f.0 <= there).or(Some((there, p.site)));
                    } else if best.is_none_or(|b| there < b.0) {
                        best = Some((there, p.site));
                    }
                }
                self.why[i] = match (best, full) {
                    (Some((there, site)), _) => {
                        room[site.index()] -= relocation.size;
                        next[i] = Some(site);
                        Some(Why::Sooner { there, in_place })
                    }
                    (None, Some((there, site))) => Some(Why::NoRoom { site, there }),
                    (None, None) => None,
                };
            }
            let same = next == self.placement;
            self.placement = next;
            if same {
                break;
            }
        }
        self.estimates.clear();
    }

    /// Creates the work tasks (their requirements are filled once the
    /// returns exist), in the way each release moment allows, and
    /// chains the members of a cycle; returns each damaged service with
    /// its release snapshot.
    fn work_tasks(&mut self) -> Vec<(usize, usize)> {
        let plan = self.plan;
        let situation = self.situation;
        let mut damaged: Vec<usize> = (0..plan.services.len())
            .filter(|&i| situation.damage[i].is_some())
            .collect();
        let mut release_of = Vec::with_capacity(damaged.len());
        for &i in &damaged {
            let release = situation.release[i].max(situation.now);
            let k = self.snapshot(release);
            let r = &plan.services[i].recovery;
            // A standby not down when work can start takes over, whatever
            // happened to the primary; a standby down then takes over once
            // back when that is expected sooner than the primary's own
            // work; otherwise a failed service is restored, a destroyed one
            // rebuilt.
            let placed = self.placement[i].and_then(|site| {
                let relocation = r.relocate.as_ref()?;
                Some((site, relocation))
            });
            let own = match (placed, situation.damage[i]) {
                (Some((site, relocation)), _) => (
                    Mode::Relocate(site),
                    relocation
                        .duration
                        .saturating_add(check(situation.relocate_from[i].as_ref())),
                ),
                (None, Some(Damage::Destroyed)) => (
                    Mode::Rebuild,
                    r.rebuild.saturating_add(check(Some(&situation.restore[i]))),
                ),
                (None, Some(Damage::Stopped { crashed })) => (
                    Mode::Restart { crashed },
                    r.restart.as_ref().map_or(r.duration, |x| x.time(crashed)),
                ),
                _ => (Mode::Restore, r.duration),
            };
            let (mode, duration) = match self.failover_of(i) {
                Some(f) if !self.down(k, f.to.index()) => (Mode::Failover, f.duration),
                Some(f) => {
                    self.estimates(k);
                    let est = &self.estimates[&k];
                    let standby = est[f.to.index()];
                    let at = placed.and_then(|(site, relocation)| relocation.at(site));
                    let work = self.work_estimate(i, k, est, at);
                    if standby.saturating_add(f.duration.as_secs()) < work {
                        (Mode::Failover, f.duration)
                    } else {
                        own
                    }
                }
                None => own,
            };
            if mode == Mode::Failover {
                self.placement[i] = None;
                self.why[i] = None;
                self.over_from[i] = Some(release);
            }
            // A rebuild from a copy waits for the copy to be brought back;
            // a relocation for the site to open too.
            let (release, needs) = match (mode, placed) {
                (Mode::Rebuild, _) => (
                    release.saturating_add(situation.restore[i].retrieval),
                    &r.needs,
                ),
                // A restart after a controlled shutdown waits for the
                // mains (see `stopped_by_power`).
                (Mode::Restart { crashed: false }, _) => (
                    release.max(situation.restart_from[i]),
                    r.restart.as_ref().map_or(&r.needs, |x| &x.needs),
                ),
                (Mode::Restart { crashed: true }, _) => {
                    (release, r.restart.as_ref().map_or(&r.needs, |x| &x.needs))
                }
                (Mode::Relocate(site), Some((_, relocation))) => {
                    (self.relocation_release(i, site), &relocation.needs)
                }
                // A manual failover waits for the decision; an automatic
                // one needs nobody.
                (Mode::Failover, _) => match r.failover {
                    Some(f) if f.automatic => (release, &NOBODY),
                    Some(f) => (self.failover_release(i, f, release), &r.needs),
                    None => (release, &r.needs),
                },
                _ => (release, &r.needs),
            };
            self.work[i] = Some(self.tasks.len());
            self.push_work(i, mode, duration.as_secs(), release, needs);
            release_of.push(k);
        }
        // A service with a standby, down because of what it needs (its
        // host, its power, its site), fails over when the standby is not
        // down and that is expected sooner than what it needs coming back.
        for i in 0..plan.services.len() {
            let Some(f) = self.failover_of(i) else {
                continue;
            };
            if situation.damage[i].is_some() || situation.on_standby[i] {
                continue;
            }
            let stranded = (0..self.times.len()).find(|&k| {
                self.down(k, i)
                    && !self.down(k, f.to.index())
                    && !situation.unavailable(i, self.times[k])
            });
            let Some(k) = stranded else { continue };
            let release = self.failover_release(i, f, self.times[k]);
            let est = self.estimates(k);
            let (own, standby) = (est[i], est[f.to.index()]);
            if release.saturating_add(f.duration.as_secs()) >= own.max(standby) {
                continue;
            }
            let r = &plan.services[i].recovery;
            let needs = if f.automatic { &NOBODY } else { &r.needs };
            self.work[i] = Some(self.tasks.len());
            self.push_work(i, Mode::Failover, f.duration.as_secs(), release, needs);
            self.over_from[i] = Some(self.times[k]);
            damaged.push(i);
            release_of.push(k);
        }
        // The members of a cycle after the first wait for the one before:
        // a return then sees a cycle's whole chain.
        for &i in &damaged {
            let t = self.work[i].unwrap_or(0);
            if self.modes[t] != Mode::Failover && !self.first_of_chain(i) {
                let chain = self.chain(i);
                let position = chain.iter().position(|&m| m == i).unwrap_or(0);
                self.tasks[t].reqs = vec![Req::Task(
                    self.work[chain[position.saturating_sub(1)]].unwrap_or(0),
                )];
            }
        }
        damaged.into_iter().zip(release_of).collect()
    }

    /// A work task on service `i`, with every crew that can do it (the
    /// planned one first, see [`crews`]).
    fn push_work(&mut self, i: usize, mode: Mode, duration: u64, release: u64, needs: &[Need]) {
        let planned: Vec<(TeamId, u32)> = needs.iter().map(|n| (n.team, n.count)).collect();
        let crews = crews(self.plan, ServiceId(i as u32), &planned);
        let index = |c: &Crew| c.needs.iter().map(|&(t, n)| (t.index(), n)).collect();
        self.tasks.push(Task {
            label: self.plan.services[i].id.clone(),
            duration,
            release,
            needs: index(&crews[0]),
            reqs: Vec::new(),
            alternatives: crews[1..]
                .iter()
                .map(|c| (c.slowdown.apply(duration), index(c)))
                .collect(),
        });
        self.crews.push(crews);
        self.services.push(ServiceId(i as u32));
        self.modes.push(mode);
    }

    /// What the work on each damaged service waits for (the returns exist).
    fn work_reqs_all(&mut self, released: &[(usize, usize)]) {
        for &(i, k) in released {
            let t = self.work[i].unwrap_or(0);
            if self.modes[t] == Mode::Failover {
                // The standby carries the service once it is up (a cold
                // one once the copy restored onto it is readable).
                let mut reqs = Vec::new();
                if let Some(f) = self.plan.services[i].recovery.failover {
                    reqs.extend(self.back_of(f.to.index(), k).map(Req::Task));
                    let holder = self.situation.relocate_from[i]
                        .filter(|_| f.cold)
                        .and_then(|c| c.holder);
                    if let Some(h) = holder {
                        reqs.extend(self.back_of(h.index(), k).map(Req::Task));
                    }
                }
                self.tasks[t].reqs = reqs;
            } else if self.first_of_chain(i) {
                let reqs = self.work_reqs(i, k);
                self.tasks[t].reqs = reqs;
            }
        }
    }

    /// The service units in an order where each comes after the units it
    /// waits for: its dependencies, its members' standbys and copy holders
    /// (an iterative depth-first search; a cycle through standbys is cut).
    fn order(&self) -> Vec<u32> {
        let plan = self.plan;
        let n = self.units.len();
        let mut seen = vec![false; n];
        let mut out = Vec::with_capacity(n);
        for start in 0..n as u32 {
            let mut stack = vec![(start, false)];
            while let Some((u, expanded)) = stack.pop() {
                if expanded {
                    out.push(u);
                    continue;
                }
                if seen[u as usize] {
                    continue;
                }
                seen[u as usize] = true;
                stack.push((u, true));
                for &m in &self.units.members[u as usize] {
                    if m >= plan.services.len() {
                        continue;
                    }
                    let service = &plan.services[m];
                    let r = &service.recovery;
                    let moved = self.placement[m].map(|site| service.depends_on_at(Some(site)));
                    let from = self.placement[m].and_then(|_| self.situation.relocate_from[m]);
                    let targets = service
                        .depends_on
                        .iter()
                        .chain(moved.unwrap_or_default())
                        .filter(|d| !matches!(d, Dependency::Soft(_)))
                        .flat_map(|d| d.services().iter().copied())
                        .chain(r.failover.map(|f| f.to))
                        .chain(self.situation.restore[m].holder)
                        .chain(from.and_then(|c| c.holder));
                    for x in targets {
                        let v = self.units.unit_of[x.index()];
                        if !seen[v as usize] {
                            stack.push((v, false));
                        }
                    }
                }
            }
        }
        out.retain(|&u| {
            self.units.members[u as usize]
                .first()
                .is_some_and(|&m| m < plan.services.len())
        });
        out
    }

    /// Drops the returns nothing waits for (computed for every unit at
    /// every snapshot), keeping every work task.
    fn prune(&mut self, milestones: &mut [Milestone]) {
        let n = self.tasks.len();
        let mut keep = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        for (t, mode) in self.modes.iter().enumerate() {
            if *mode != Mode::Automatic {
                stack.push(t);
            }
        }
        for m in milestones.iter() {
            stack.extend(m.reqs.iter().flat_map(|r| r.tasks().to_vec()));
        }
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut keep[t], true) {
                continue;
            }
            stack.extend(self.tasks[t].reqs.iter().flat_map(|r| r.tasks().to_vec()));
        }
        let mut index = vec![usize::MAX; n];
        let mut next = 0;
        for t in 0..n {
            if keep[t] {
                index[t] = next;
                next += 1;
            }
        }
        let remap = |reqs: &mut Vec<Req>| {
            for r in reqs.iter_mut() {
                match r {
                    Req::Task(t) => *t = index[*t],
                    Req::Group { of, .. } => {
                        for t in of.iter_mut() {
                            *t = index[*t];
                        }
                    }
                }
            }
        };
        let tasks = std::mem::take(&mut self.tasks);
        let services = std::mem::take(&mut self.services);
        let modes = std::mem::take(&mut self.modes);
        let crews = std::mem::take(&mut self.crews);
        for (t, (((mut task, service), mode), crew)) in tasks
            .into_iter()
            .zip(services)
            .zip(modes)
            .zip(crews)
            .enumerate()
        {
            if keep[t] {
                remap(&mut task.reqs);
                self.tasks.push(task);
                self.services.push(service);
                self.modes.push(mode);
                self.crews.push(crew);
            }
        }
        for m in milestones.iter_mut() {
            remap(&mut m.reqs);
        }
    }

    /// When each service is expected back at snapshot `k` at the earliest,
    /// with unlimited teams and each damaged service brought back the way
    /// it will be (failed over when its standby is up then, else restored,
    /// rebuilt, or relocated where placed): what chooses between waiting
    /// for a standby and working on the primary, and where to relocate.
    /// Computed units first (dependencies come
    /// first in their numbering), members of a cycle counting each other as
    /// back.
    fn estimates(&mut self, k: usize) -> &[u64] {
        if !self.estimates.contains_key(&k) {
            let t = self.times[k];
            let n = self.plan.services.len();
            let mut est = vec![t; n];
            for u in 0..self.units.len() {
                for &x in &self.units.members[u] {
                    if x >= n || !self.down(k, x) {
                        continue;
                    }
                    let s = self.situation;
                    let standby = self.failover_of(x).filter(|f| !self.down(k, f.to.index()));
                    est[x] = if let Some(f) = standby.filter(|_| s.damage[x].is_some()) {
                        // Its standby is up: it fails over (see `work_tasks`).
                        self.failover_release(x, f, s.release[x].max(t))
                            .saturating_add(f.duration.as_secs())
                    } else if s.unavailable(x, t) && s.damage[x].is_some() {
                        let at = self.placement[x].and_then(|site| {
                            self.plan.services[x].recovery.relocate.as_ref()?.at(site)
                        });
                        self.work_estimate(x, k, &est, at)
                    } else {
                        let deps = self.estimate_deps(x, self.deps_at(x, k), k, &est);
                        s.back_by_itself(x, t).max(t).max(deps)
                    };
                }
            }
            self.estimates.insert(k, est);
        }
        &self.estimates[&k]
    }

    /// When what service `x` needs is back at the earliest (hard
    /// dependencies, the `at_least` earliest members of a group).
    fn estimate_deps(&self, x: usize, deps: &[Dependency], k: usize, est: &[u64]) -> u64 {
        let mut e = self.times[k];
        for dep in deps {
            match dep {
                Dependency::Hard(d) if !self.units.same(x, d.index()) => {
                    e = e.max(est[d.index()]);
                }
                Dependency::Group(g) => {
                    let mut times: Vec<u64> =
                        g.of.iter()
                            .filter(|m| !self.units.same(x, m.index()))
                            .map(|m| est[m.index()])
                            .collect();
                    times.sort_unstable();
                    if let Some(&kth) = times.get((g.at_least as usize).saturating_sub(1)) {
                        e = e.max(kth);
                    }
                }
                _ => {}
            }
        }
        e
    }

    /// The damaged members of `i`'s cycle worked on in turn, in plan order
    /// (just `i` outside a cycle).
    fn chain(&self, i: usize) -> Vec<usize> {
        let unit = self.units.unit_of[i];
        self.units.members[unit as usize]
            .iter()
            .copied()
            .filter(|&m| m < self.plan.services.len())
            .filter(|&m| self.work[m].is_some_and(|t| self.modes[t] != Mode::Failover))
            .collect()
    }

    fn first_of_chain(&self, i: usize) -> bool {
        self.chain(i).first() == Some(&i)
    }

    /// What work on service `i` waits for at snapshot `k`.
    fn work_reqs(&mut self, i: usize, k: usize) -> Vec<Req> {
        // `i` is the first of its cycle's chain (the others wait for the
        // one before): it waits for what any of them needs.
        let chain = self.chain(i);
        let mut reqs = Vec::new();
        for &m in &chain {
            for dep in self.deps_at(m, k) {
                match dep {
                    Dependency::Hard(d) if !self.units.same(m, d.index()) => {
                        if let Some(r) = self.back_of(d.index(), k) {
                            reqs.push(Req::Task(r));
                        }
                    }
                    Dependency::Group(g) => {
                        // `at_least` members not down, as the engine asks.
                        let mut up = 0;
                        let mut of = Vec::new();
                        for member in &g.of {
                            match self.back_of(member.index(), k) {
                                _ if self.units.same(m, member.index()) => up += 1,
                                None => up += 1,
                                Some(r) => of.push(r),
                            }
                        }
                        of.sort_unstable();
                        of.dedup();
                        let need = (g.at_least as usize).saturating_sub(up).min(of.len());
                        if need > 0 {
                            reqs.push(Req::Group {
                                need: need as u32,
                                of,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        // A rebuild or a relocation starts from a copy: its holder must be
        // up.
        let holder = match self.modes[self.work[i].unwrap_or(0)] {
            Mode::Rebuild => self.situation.restore[i].holder,
            Mode::Relocate(_) => self.situation.relocate_from[i].and_then(|c| c.holder),
            _ => None,
        };
        if let Some(h) = holder
            && !self.units.same(i, h.index())
            && let Some(r) = self.back_of(h.index(), k)
        {
            reqs.push(Req::Task(r));
        }
        // After an attack, what a held directory administered is rebuilt
        // once the directory is.
        if let (Mode::Rebuild | Mode::Relocate(_), Some(d)) = (
            self.modes[self.work[i].unwrap_or(0)],
            self.situation.rejoin[i],
        ) && !self.units.same(i, d.index())
            && let Some(r) = self.back_of(d.index(), k)
        {
            reqs.push(Req::Task(r));
        }
        dedup(&mut reqs);
        reqs
    }

    /// The return of the unit of service `x` at snapshot `k`; `None` when
    /// it is not down there.
    fn back_of(&mut self, x: usize, k: usize) -> Option<usize> {
        let unit = self.units.unit_of[x];
        if let Some(&known) = self.back.get(&(unit, k)) {
            return known;
        }
        let plan = self.plan;
        let members: Vec<usize> = self.units.members[unit as usize]
            .iter()
            .copied()
            .filter(|&m| m < plan.services.len())
            .collect();
        if !members.iter().any(|&m| self.down(k, m)) {
            self.back.insert((unit, k), None);
            return None;
        }
        let t = self.times[k];
        let mut reqs = Vec::new();
        let mut release = 0;
        for &m in &members {
            // Failed over by then (damaged, or stranded by what it needs).
            let failover = self.work[m]
                .filter(|&w| self.modes[w] == Mode::Failover)
                .filter(|_| self.over_from[m].is_some_and(|from| from <= t));
            if self.situation.unavailable(m, t) {
                release = release.max(self.situation.back_by_itself(m, t));
                if let Some(w) = self.work[m]
                    && self.situation.release[m] <= t
                {
                    reqs.push(Req::Task(w));
                }
            } else if let Some(w) = failover {
                // Stranded by what it needs: back when it has failed over
                // (and its standby is back), or when what it needs is,
                // whichever comes first.
                let mut over = vec![Req::Task(w)];
                if let Some(f) = plan.services[m].recovery.failover
                    && let Some(r) = self.back_of(f.to.index(), k)
                {
                    over.push(Req::Task(r));
                }
                let deps = self.deps_at(m, k);
                let own = self.not_down(m, deps, k);
                if own.is_empty() {
                    reqs.extend(over);
                } else {
                    let over = match over.as_slice() {
                        [Req::Task(w)] => *w,
                        _ => self.automatic(m, 0, over),
                    };
                    let own = self.automatic(m, 0, own);
                    reqs.push(Req::Group {
                        need: 1,
                        of: vec![over, own],
                    });
                }
                continue;
            }
            let failed_over = self.situation.on_standby[m] || failover.is_some();
            let standby = plan.services[m].recovery.failover.filter(|_| failed_over);
            if let Some(f) = standby {
                // It runs on its standby: back when the standby is.
                if let Some(r) = self.back_of(f.to.index(), k) {
                    reqs.push(Req::Task(r));
                }
                continue;
            }
            // Work released at this very snapshot already waits for what the
            // member needs here (and more: `at_least` of each group).
            let released_here = self.work[m].is_some()
                && self.situation.damage[m].is_some()
                && self.snapshot(self.situation.release[m].max(self.situation.now)) == k;
            let deps = self.deps_at(m, k);
            let cut = |d: &Dependency| {
                d.services().iter().any(|s| {
                    self.cut[k]
                        .as_ref()
                        .is_some_and(|iso| iso.cuts(m, s.index()))
                })
            };
            if released_here && !deps.iter().any(cut) {
                continue;
            }
            reqs.extend(self.not_down(m, deps, k));
        }
        dedup(&mut reqs);
        self.drop_implied(&mut reqs);
        let task = match (reqs.as_slice(), release > t) {
            ([], false) => None,
            // Back when its work ends: the work task itself.
            ([Req::Task(w)], false) => Some(*w),
            _ => Some(self.automatic(members[0], release, reqs)),
        };
        self.back.insert((unit, k), task);
        task
    }

    /// Drops what a task in the list already waits for directly (the
    /// members of a cycle worked on in turn: the last implies the one
    /// before; a failover implies its standby's return).
    fn drop_implied(&self, reqs: &mut Vec<Req>) {
        let implied: Vec<Req> = reqs
            .iter()
            .filter_map(|r| match r {
                Req::Task(t) => Some(*t),
                Req::Group { .. } => None,
            })
            .flat_map(|t| self.tasks[t].reqs.iter().cloned())
            .collect();
        if !implied.is_empty() {
            reqs.retain(|r| !implied.contains(r));
        }
    }

    /// Once every requirement is known: drops from each what another of
    /// its own already implies.
    fn simplify(&mut self, milestones: &mut [Milestone]) {
        for t in 0..self.tasks.len() {
            let mut reqs = std::mem::take(&mut self.tasks[t].reqs);
            self.drop_implied(&mut reqs);
            self.tasks[t].reqs = reqs;
        }
        for m in milestones.iter_mut() {
            self.drop_implied(&mut m.reqs);
        }
    }

    /// What node `x` needs not down at snapshot `k` to be not down itself:
    /// its hard dependencies, one member of a group whose members are all
    /// down.
    fn not_down(&mut self, x: usize, deps: &[Dependency], k: usize) -> Vec<Req> {
        let mut reqs = Vec::new();
        for dep in deps {
            match dep {
                Dependency::Hard(d) if !self.units.same(x, d.index()) => {
                    if let Some(r) = self.reach(x, d.index(), k) {
                        reqs.push(Req::Task(r));
                    }
                }
                Dependency::Group(g) => {
                    if g.of.iter().any(|m| self.units.same(x, m.index())) {
                        continue;
                    }
                    let mut of = Vec::new();
                    for m in &g.of {
                        match self.reach(x, m.index(), k) {
                            Some(r) => of.push(r),
                            None => {
                                of.clear();
                                break;
                            }
                        }
                    }
                    of.sort_unstable();
                    of.dedup();
                    if !of.is_empty() {
                        reqs.push(Req::Group { need: 1, of });
                    }
                }
                _ => {}
            }
        }
        reqs
    }

    /// What node `x` waits for to have service `d` at snapshot `k`: its
    /// return there, and the end of the isolations that cut the link
    /// between them; `None` when it has it.
    fn reach(&mut self, x: usize, d: usize, k: usize) -> Option<usize> {
        let back = self.back_of(d, k);
        if !self.cut[k].as_ref().is_some_and(|iso| iso.cuts(x, d)) {
            return back;
        }
        let open = self.situation.link_back(self.plan, x, d, self.times[k]);
        Some(self.automatic(d, open, back.map(Req::Task).into_iter().collect()))
    }

    fn automatic(&mut self, service: usize, release: u64, reqs: Vec<Req>) -> usize {
        let key = (release, reqs);
        if let Some(&t) = self.same.get(&key) {
            return t;
        }
        let t = self.tasks.len();
        self.tasks.push(Task {
            label: self.plan.services[service].id.clone(),
            duration: 0,
            release,
            needs: Vec::new(),
            reqs: key.1.clone(),
            alternatives: Vec::new(),
        });
        self.crews.push(Vec::new());
        self.services.push(ServiceId(service as u32));
        self.modes.push(Mode::Automatic);
        self.same.insert(key, t);
        t
    }

    /// A milestone per process and snapshot where it is down with other
    /// requirements than at the snapshot before.
    fn milestones(&mut self) -> (Vec<Milestone>, Vec<(ProcessId, u64)>) {
        let plan = self.plan;
        let mut milestones: Vec<Milestone> = Vec::new();
        let mut processes = Vec::new();
        for p in plan.process_ids() {
            let x = plan.node_index(NodeRef::Process(p));
            let process = plan.process(p);
            let mut previous: Option<usize> = None;
            for k in 0..self.times.len() {
                if !self.down(k, x) {
                    continue;
                }
                let mut reqs = self.not_down(x, plan.depends_on(NodeRef::Process(p)), k);
                dedup(&mut reqs);
                if previous.is_some_and(|j| milestones[j].reqs == reqs) {
                    continue;
                }
                let t = self.times[k];
                let since = match (k, self.situation.down_since[x]) {
                    (0, Some(s)) => s,
                    _ => t,
                };
                processes.push((p, since));
                milestones.push(Milestone {
                    label: process.id.clone(),
                    reqs,
                    at: t,
                    after: previous,
                    resume: process.resume.as_secs(),
                    deadline: Some(since + process_required(plan, p) as u64),
                    weight: criticality_weight(process.criticality),
                });
                previous = Some(milestones.len() - 1);
            }
        }
        (milestones, processes)
    }
}

fn dedup(reqs: &mut Vec<Req>) {
    let mut seen: Vec<Req> = Vec::with_capacity(reqs.len());
    reqs.retain(|r| {
        if seen.contains(r) {
            false
        } else {
            seen.push(r.clone());
            true
        }
    });
}

/// Per service: its rank for a recovery site's room, lowest first: the
/// most critical process that needs it (hard and group dependencies), then
/// the shortest DMIA among those; services no process needs come last.
fn priorities(plan: &Plan) -> Vec<(std::cmp::Reverse<u64>, u64)> {
    let mut rank = vec![(std::cmp::Reverse(0), u64::MAX); plan.services.len()];
    for p in plan.process_ids() {
        let weight = criticality_weight(plan.process(p).criticality);
        let dmia = process_required(plan, p) as u64;
        for s in plan.needs(NodeRef::Process(p)) {
            let r = &mut rank[s.index()];
            *r = (*r).min((std::cmp::Reverse(weight), dmia));
        }
    }
    rank
}

//! Time objectives for the total-loss baseline: everything down at t = 0,
//! unlimited teams.
//!
//! - Achievable time A: when a node can be up again at best. A unit (a node,
//!   or a cycle restored as one) starts once its hard dependencies are up and,
//!   for each group, its `at_least`-th earliest member; it takes its duration
//!   (a service's restore time, a process's `resume`, the sum of a cycle's
//!   members).
//! - Required time R: the latest moment a node must be up. A process must be
//!   up by its MTPD (DMIA), extended by its workaround's duration when the
//!   workaround is active before the MTPD runs out. A service must be up by
//!   the earliest R(x) − d(x) among the units x that need it: through a hard
//!   dependency, or as one of the `at_least` members of a group with the
//!   smallest A (ties: the group's order). Soft links require nothing.
//! - Data: the required RPO of a service is the smallest `rpo` of the
//!   processes that need it through hard or group dependencies; the
//!   achievable RPO is the replication lag, else the most frequent backup;
//!   under a cyberattack replicas and online backups are lost, and only
//!   immutable or offline copies count.
//!
//! - Standbys: a service alone in its unit with a failover is back at the
//!   earlier of its own way and its standby's A plus the failover (its
//!   decision and duration); when the standby is sooner, the requirement
//!   goes to the standby (R minus the failover), not to the service's own
//!   dependencies.
//!
//! Both sweeps run over the units in dependency order (standbys before the
//! services they carry): linear in the graph plus a sort of each group's
//! members.

use crate::graph::Units;
use crate::model::{Dependency, NodeRef, Plan};

/// Per node (dense index) results, in seconds.
#[derive(Debug, Clone, Default)]
pub struct Objectives {
    /// Latest time the node must be up again; `None` when nothing needs it.
    /// Negative when it would have had to be up before the incident.
    pub required: Vec<Option<i64>>,
    /// Earliest time the node can be up again, with unlimited teams.
    pub achievable: Vec<i64>,
    /// The dependency that decides `achievable`, for explaining it.
    pub critical_dep: Vec<Option<usize>>,
    /// Smallest PDMA among the processes that need the node (services).
    pub required_rpo: Vec<Option<i64>>,
    /// Data lost at best (data-bearing services; `None` elsewhere or when
    /// there is no copy at all, see `has_data`).
    pub achievable_rpo: Vec<Option<i64>>,
    /// Data lost at best when the attacker reached every online copy.
    pub achievable_rpo_cyber: Vec<Option<i64>>,
    /// Whether the node carries data (`data:` in the plan).
    pub has_data: Vec<bool>,
}

impl Objectives {
    pub fn slack(&self, n: usize) -> Option<i64> {
        self.required[n].map(|r| r - self.achievable[n])
    }

    /// The chain of dependencies that makes `n` late: `n`, the dependency
    /// that decides its achievable time, and so on down.
    pub fn chain(&self, n: usize) -> Vec<usize> {
        let mut chain = vec![n];
        let mut at = n;
        while let Some(next) = self.critical_dep[at] {
            if chain.contains(&next) {
                break;
            }
            chain.push(next);
            at = next;
        }
        chain
    }
}

/// Recovery duration of a node in the baseline: a service's restore time,
/// a process's work recovery time.
pub fn duration(plan: &Plan, n: usize) -> i64 {
    match plan.node_at(n) {
        NodeRef::Service(s) => plan.service(s).recovery.duration.as_secs() as i64,
        NodeRef::Process(p) => plan.process(p).resume.as_secs() as i64,
    }
}

/// From the loss of a service to its standby carrying it: the decision,
/// then the switch.
fn failover_time(f: &crate::model::Failover) -> i64 {
    (f.decision.as_secs() + f.duration.as_secs()) as i64
}

/// R of a process: its MTPD, plus the workaround's duration when the
/// workaround is up before the MTPD runs out.
pub fn process_required(plan: &Plan, p: crate::model::ProcessId) -> i64 {
    let p = plan.process(p);
    let mtpd = p.mtpd.as_secs() as i64;
    match &p.workaround {
        Some(w) if w.activation < p.mtpd => mtpd + w.max_duration.as_secs() as i64,
        _ => mtpd,
    }
}

/// For a group entry of a unit, the members that must come from outside the
/// unit and how many of them are needed: members inside the unit come up with
/// it.
fn outside_needs(units: &Units, unit: u32, g: &crate::model::Group) -> (Vec<usize>, usize) {
    let outside: Vec<usize> =
        g.of.iter()
            .map(|m| m.index())
            .filter(|&m| units.unit_of[m] != unit)
            .collect();
    let inside = g.of.len() - outside.len();
    (outside, (g.at_least as usize).saturating_sub(inside))
}

pub fn compute(plan: &Plan, units: &Units) -> Objectives {
    let n = plan.node_count();
    let mut o = Objectives {
        required: vec![None; n],
        achievable: vec![0; n],
        critical_dep: vec![None; n],
        required_rpo: vec![None; n],
        achievable_rpo: vec![None; n],
        achievable_rpo_cyber: vec![None; n],
        has_data: vec![false; n],
    };
    let unit_duration: Vec<i64> = units
        .members
        .iter()
        .map(|m| m.iter().map(|&x| duration(plan, x)).sum())
        .collect();

    // Achievable times, dependencies first.
    let (order, standby_first) = units.order_with_standbys(plan);
    let mut unit_a = vec![0i64; units.len()];
    // Per unit: carried by its standby, sooner than its own way.
    let mut via_standby = vec![false; units.len()];
    for &u in &order {
        let u = u as usize;
        let members = &units.members[u];
        let mut start = 0i64;
        let mut decider = None;
        let mut consider = |t: i64, by: usize| {
            if decider.is_none() || t > start {
                start = t;
                decider = Some(by);
            }
        };
        for &x in members {
            for dep in plan.depends_on(plan.node_at(x)) {
                match dep {
                    Dependency::Hard(d) if !units.same(x, d.index()) => {
                        consider(o.achievable[d.index()], d.index());
                    }
                    Dependency::Group(g) => {
                        let (mut outside, need) = outside_needs(units, u as u32, g);
                        if need > 0 && need <= outside.len() {
                            // The need-th earliest member; stable sort keeps
                            // the group's order among ties.
                            outside.sort_by_key(|&m| o.achievable[m]);
                            let m = outside[need - 1];
                            consider(o.achievable[m], m);
                        }
                    }
                    _ => {}
                }
            }
        }
        unit_a[u] = start + unit_duration[u];
        if standby_first[u]
            && let [x] = members.as_slice()
            && let Some(f) = plan.services[*x].recovery.failover
        {
            let over = o.achievable[f.to.index()] + failover_time(&f);
            if over < unit_a[u] {
                unit_a[u] = over;
                decider = Some(f.to.index());
                via_standby[u] = true;
            }
        }
        for &x in members {
            o.achievable[x] = unit_a[u];
            o.critical_dep[x] = decider;
        }
    }

    // Required times and RPOs, dependents first.
    let mut unit_r: Vec<Option<i64>> = vec![None; units.len()];
    let mut unit_rpo: Vec<Option<i64>> = vec![None; units.len()];
    for (i, p) in plan.processes.iter().enumerate() {
        let x = plan.node_index(NodeRef::Process(crate::model::ProcessId(i as u32)));
        let u = units.unit_of[x] as usize;
        let r = process_required(plan, crate::model::ProcessId(i as u32));
        unit_r[u] = Some(unit_r[u].map_or(r, |old: i64| old.min(r)));
        if let Some(rpo) = p.rpo {
            let rpo = rpo.as_secs() as i64;
            unit_rpo[u] = Some(unit_rpo[u].map_or(rpo, |old: i64| old.min(rpo)));
        }
    }
    let tighten = |slot: &mut Option<i64>, value: i64| {
        *slot = Some(slot.map_or(value, |old| old.min(value)));
    };
    for &u in order.iter().rev() {
        let u = u as usize;
        let deadline = unit_r[u].map(|r| r - unit_duration[u]);
        let rpo = unit_rpo[u];
        if via_standby[u]
            && let [x] = units.members[u].as_slice()
            && let Some(f) = plan.services[*x].recovery.failover
        {
            // Carried by its standby: the standby must be up in time.
            let su = units.unit_of[f.to.index()] as usize;
            if let Some(r) = unit_r[u] {
                tighten(&mut unit_r[su], r - failover_time(&f));
            }
            if let Some(r) = rpo {
                tighten(&mut unit_rpo[su], r);
            }
            continue;
        }
        for &x in &units.members[u] {
            for dep in plan.depends_on(plan.node_at(x)) {
                match dep {
                    Dependency::Hard(d) if !units.same(x, d.index()) => {
                        let du = units.unit_of[d.index()] as usize;
                        if let Some(t) = deadline {
                            tighten(&mut unit_r[du], t);
                        }
                        if let Some(r) = rpo {
                            tighten(&mut unit_rpo[du], r);
                        }
                    }
                    Dependency::Group(g) => {
                        let (mut outside, need) = outside_needs(units, u as u32, g);
                        if let Some(r) = rpo {
                            for &m in &outside {
                                tighten(&mut unit_rpo[units.unit_of[m] as usize], r);
                            }
                        }
                        if let Some(t) = deadline {
                            outside.sort_by_key(|&m| o.achievable[m]);
                            for &m in outside.iter().take(need) {
                                tighten(&mut unit_r[units.unit_of[m] as usize], t);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for (u, members) in units.members.iter().enumerate() {
        for &x in members {
            o.required[x] = unit_r[u];
            // A process's PDMA is about its business data, not the
            // configuration of what it runs on.
            if let NodeRef::Service(s) = plan.node_at(x)
                && !plan
                    .service(s)
                    .data
                    .as_ref()
                    .is_some_and(|d| d.configuration)
            {
                o.required_rpo[x] = unit_rpo[u];
            }
        }
    }

    // What the copies allow.
    for (i, s) in plan.services.iter().enumerate() {
        let Some(data) = &s.data else { continue };
        let x = plan.node_index(NodeRef::Service(crate::model::ServiceId(i as u32)));
        o.has_data[x] = true;
        let backup = data.backups.iter().map(|b| b.every.as_secs() as i64).min();
        o.achievable_rpo[x] = data.replication.map(|r| r.lag.as_secs() as i64).or(backup);
        o.achievable_rpo_cyber[x] = data
            .backups
            .iter()
            .filter(|b| b.offline || b.immutable)
            .map(|b| b.every.as_secs() as i64)
            .min();
    }
    o
}

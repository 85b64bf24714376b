//! What a failure takes down: the services and sites named, the states that
//! follow, and for each stopped process how long until its DMIA is breached.

use crate::analysis::objectives::process_required;
use crate::analysis::state::{Isolation, Runs, State, propagate_with};
use crate::graph::DependencyGraph;
use crate::model::{NodeRef, Plan, ProcessId, ServiceId, ZoneId};

/// A process hit by the failure.
#[derive(Debug, Clone)]
pub struct ProcessImpact {
    pub process: ProcessId,
    pub state: State,
    /// Seconds from the failure until the process has been down longer than
    /// its DMIA, counting its workaround (down during activation, degraded
    /// while it lasts, down again after); `None` when it is not down, or
    /// back through failovers within its DMIA.
    pub breach_in: Option<i64>,
    /// Down at the failure, back once the failovers it needs are done:
    /// seconds until then (the longest decision and switch among them).
    pub back_after_failover: Option<i64>,
    /// Its state once the failovers are done.
    pub after: State,
}

pub struct Impact {
    /// State of every node (dense index) at the failure.
    pub states: Vec<State>,
    pub processes: Vec<ProcessImpact>,
    /// Services down at the failure whose standby is up: they fail over,
    /// `(service, standby, seconds from the failure to the switch's end)`.
    pub failovers: Vec<(ServiceId, ServiceId, i64)>,
}

/// Fail the given services (dense indices) and cut the given zones off the
/// network, and see what follows: at the failure, and once every service
/// down whose standby is up has failed over (a standby carried by another
/// failover counts once that one is done).
pub fn impact(
    plan: &Plan,
    graph: &DependencyGraph,
    hit: &[ServiceId],
    isolated: &[ZoneId],
) -> Impact {
    let isolation = Isolation::new(plan, isolated);
    let hit: Vec<usize> = hit.iter().map(|s| s.index()).collect();
    let states = propagate_with(plan, graph, &hit, &[], isolation.as_ref());
    let mut over: Vec<(ServiceId, ServiceId, i64)> = Vec::new();
    let mut after = states.clone();
    loop {
        let more: Vec<(ServiceId, ServiceId, i64)> = plan
            .service_ids()
            .filter(|s| !over.iter().any(|o| o.0 == *s))
            .filter(|s| after[s.index()] == State::Down)
            .filter_map(|s| {
                let f = plan.service(s).recovery.failover?;
                (after[f.to.index()] != State::Down).then(|| {
                    let carried = over.iter().find(|o| o.0 == f.to).map_or(0, |o| o.2);
                    let t = carried + (f.decision.as_secs() + f.duration.as_secs()) as i64;
                    (s, f.to, t)
                })
            })
            .collect();
        if more.is_empty() {
            break;
        }
        over.extend(more);
        let rest: Vec<usize> = hit
            .iter()
            .copied()
            .filter(|&h| !over.iter().any(|o| o.0.index() == h))
            .collect();
        let runs: Vec<(usize, Runs)> = over
            .iter()
            .map(|o| (o.0.index(), Runs::Standby(o.1.index())))
            .collect();
        after = propagate_with(plan, graph, &rest, &runs, isolation.as_ref());
    }
    let processes = plan
        .process_ids()
        .map(|p| {
            let x = plan.node_index(NodeRef::Process(p));
            let (state, now) = (states[x], after[x]);
            let back = (state == State::Down && now != State::Down).then(|| {
                let needs = plan.needs(NodeRef::Process(p));
                over.iter()
                    .filter(|o| needs.contains(&o.0))
                    .map(|o| o.2)
                    .max()
                    .unwrap_or(0)
            });
            let required = process_required(plan, p);
            ProcessImpact {
                process: p,
                state,
                breach_in: (state == State::Down)
                    .then_some(required)
                    .filter(|_| back.is_none_or(|b| b > required)),
                back_after_failover: back,
                after: now,
            }
        })
        .collect();
    Impact {
        states,
        processes,
        failovers: over,
    }
}

/// What `impact` is asked about: services that fail, and zones cut off
/// the network (`isolate:ZONE`).
#[derive(Debug, Default)]
pub struct Failure {
    pub services: Vec<ServiceId>,
    pub isolated: Vec<ZoneId>,
}

/// Resolves `impact`'s targets: those of [`targets`], and `isolate:ZONE`
/// (the zone cut off the network: the links across its boundary cut, its
/// services still running on what they have inside).
pub fn failure(plan: &Plan, written: &[String]) -> Result<Failure, String> {
    let mut isolated = Vec::new();
    let mut rest = Vec::new();
    for target in written {
        match target.strip_prefix("isolate:") {
            Some(zone) => isolated.push(plan.zone_target(zone).map_err(|e| e.to_string())?),
            None => rest.push(target.clone()),
        }
    }
    isolated.sort_unstable();
    isolated.dedup();
    Ok(Failure {
        services: targets(plan, &rest)?,
        isolated,
    })
}

/// Resolves targets written as a service id, `site:ID`, `zone:ID` or
/// `supplier:ID` ([`Plan::target`]) into the services they fail. The error
/// says what was not found and what was probably meant.
pub fn targets(plan: &Plan, written: &[String]) -> Result<Vec<ServiceId>, String> {
    let mut hit = Vec::new();
    for target in written {
        let t = plan.target(target).map_err(|e| e.to_string())?;
        hit.extend(plan.services_of(t));
    }
    hit.sort_unstable();
    hit.dedup();
    Ok(hit)
}

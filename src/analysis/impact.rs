//! What a failure takes down: the services and sites named, the states that
//! follow, and for each stopped process how long until its DMIA is breached.

use crate::analysis::objectives::process_required;
use crate::analysis::state::{State, propagate};
use crate::diag::did_you_mean;
use crate::graph::DependencyGraph;
use crate::model::{NodeRef, Plan, ProcessId, ServiceId};

/// A process hit by the failure.
#[derive(Debug, Clone)]
pub struct ProcessImpact {
    pub process: ProcessId,
    pub state: State,
    /// Seconds from the failure until the process has been down longer than
    /// its DMIA, counting its workaround (down during activation, degraded
    /// while it lasts, down again after); `None` when it is not down.
    pub breach_in: Option<i64>,
}

pub struct Impact {
    /// State of every node (dense index).
    pub states: Vec<State>,
    pub processes: Vec<ProcessImpact>,
}

/// Fail the given services (dense indices) and see what follows.
pub fn impact(plan: &Plan, graph: &DependencyGraph, hit: &[usize]) -> Impact {
    let states = propagate(plan, graph, hit);
    let processes = plan
        .process_ids()
        .map(|p| {
            let state = states[plan.node_index(NodeRef::Process(p))];
            ProcessImpact {
                process: p,
                state,
                breach_in: (state == State::Down).then(|| process_required(plan, p)),
            }
        })
        .collect();
    Impact { states, processes }
}

/// Resolves targets written as a service id, `site:ID`, `zone:ID` or
/// `supplier:ID` into the services they fail. The error says what was not
/// found and what was probably meant.
pub fn targets(plan: &Plan, written: &[String]) -> Result<Vec<usize>, String> {
    let mut hit = Vec::new();
    for target in written {
        let (prefix, id) = target.split_once(':').unwrap_or(("", target.as_str()));
        let matching: Vec<usize> = match prefix {
            "" => match plan.node_by_id(id) {
                Some(NodeRef::Service(s)) => vec![s.index()],
                Some(NodeRef::Process(_)) => {
                    return Err(format!(
                        "`{id}` is a process; fail the services it depends on"
                    ));
                }
                None => {
                    let hint = did_you_mean(id, plan.services.iter().map(|s| s.id.as_str()))
                        .map(|d| format!("; {d}"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown service `{id}`{hint} (targets are service ids, `site:ID`, `zone:ID` or `supplier:ID`)"
                    ));
                }
            },
            "site" => {
                let i = find(id, "site", plan.sites.iter().map(|s| s.id.as_str()))?;
                services(plan, |s| s.site.is_some_and(|x| x.index() == i))
            }
            "zone" => {
                let i = find(id, "zone", plan.zones.iter().map(|z| z.id.as_str()))?;
                services(plan, |s| s.zone.is_some_and(|x| x.index() == i))
            }
            "supplier" => {
                let i = find(id, "supplier", plan.suppliers.iter().map(|s| s.id.as_str()))?;
                services(plan, |s| s.supplier.is_some_and(|x| x.index() == i))
            }
            other => {
                return Err(format!(
                    "unknown target kind `{other}:`; write a service id, `site:ID`, `zone:ID` or `supplier:ID`"
                ));
            }
        };
        hit.extend(matching);
    }
    hit.sort_unstable();
    hit.dedup();
    Ok(hit)
}

fn find<'a>(
    id: &str,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Result<usize, String> {
    known.clone().position(|k| k == id).ok_or_else(|| {
        let hint = did_you_mean(id, known)
            .map(|d| format!("; {d}"))
            .unwrap_or_default();
        format!("unknown {what} `{id}`{hint}")
    })
}

fn services(plan: &Plan, keep: impl Fn(&crate::model::Service) -> bool) -> Vec<usize> {
    plan.service_ids()
        .filter(|&s| keep(plan.service(s)))
        .map(ServiceId::index)
        .collect()
}

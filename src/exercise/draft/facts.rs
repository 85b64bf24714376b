//! What a draft needs from the run, read once: the moments the players could
//! notice, processes stopping and breaching, staff changes, destructions.

use std::cmp::Reverse;

use super::*;
use crate::analysis::state::State;
use crate::model::{Criticality, Dependency, NodeRef, Plan, ProcessId, ServiceId, TeamId};
use crate::scenario::{self, Scenario};
use crate::simulation::{EventKind, Run, SimEvent, Timeline};

/// What the draft needs from the run, read once.
pub(super) struct Facts {
    /// The first thing the players could notice: a hit, a service or
    /// process down, the attack's end, a reserve drained, a staff change,
    /// a zone cut off, or a scenario event that does something.
    pub(super) first: Option<u64>,
    /// When services first went down, and which (those most processes need
    /// directly first).
    pub(super) first_down: Option<(u64, Vec<ServiceId>)>,
    /// When the attack ended, and whether with encryption.
    pub(super) attack_end: Option<(u64, bool)>,
    /// Processes stopping, in time order (a process may stop twice).
    pub(super) stops: Vec<(u64, ProcessId)>,
    /// DMIA breaches, in time order.
    pub(super) breaches: Vec<(u64, ProcessId)>,
    /// Team capacity changes.
    pub(super) staff: Vec<(u64, TeamId, u32)>,
    /// The first destruction.
    pub(super) first_destroyed: Option<u64>,
    /// Services destroyed, in the order they were.
    pub(super) destroyed: Vec<ServiceId>,
    /// Services the attacker took before the attack ended.
    pub(super) compromised: Vec<ServiceId>,
    /// Whether the run lost any data.
    pub(super) lost_data: bool,
    pub(super) events: Vec<SimEvent>,
}

impl Facts {
    pub(super) fn read(plan: &Plan, scenario: &Scenario, run: &Run) -> Facts {
        let mut f = Facts {
            first: None,
            first_down: None,
            attack_end: None,
            stops: Vec::new(),
            breaches: Vec::new(),
            staff: Vec::new(),
            first_destroyed: None,
            destroyed: Vec::new(),
            compromised: Vec::new(),
            lost_data: run.data.iter().any(|d| d.loss != Some(0)),
            events: run.events.clone(),
        };
        let mut first = scenario
            .events
            .iter()
            .filter(|e| !matches!(e.action, scenario::Action::Note))
            .map(|e| e.at.as_secs())
            .min();
        for e in &run.events {
            let seen = match (&e.kind, e.node) {
                (EventKind::Hit { destroyed }, Some(NodeRef::Service(s))) => {
                    if *destroyed {
                        f.first_destroyed.get_or_insert(e.t);
                        if !f.destroyed.contains(&s) {
                            f.destroyed.push(s);
                        }
                    }
                    true
                }
                (
                    EventKind::State {
                        to: State::Down, ..
                    },
                    Some(NodeRef::Service(s)),
                ) => {
                    match &mut f.first_down {
                        None => f.first_down = Some((e.t, vec![s])),
                        Some((t, list)) if *t == e.t => list.push(s),
                        Some(_) => {}
                    }
                    true
                }
                (
                    EventKind::State {
                        to: State::Down, ..
                    },
                    Some(NodeRef::Process(p)),
                ) => {
                    f.stops.push((e.t, p));
                    true
                }
                (EventKind::Breach, Some(NodeRef::Process(p))) => {
                    f.breaches.push((e.t, p));
                    false
                }
                (EventKind::AttackEnds { encrypted }, _) => {
                    f.attack_end.get_or_insert((e.t, *encrypted));
                    true
                }
                (EventKind::Compromised { .. }, Some(NodeRef::Service(s))) => {
                    if f.attack_end.is_none() && !f.compromised.contains(&s) {
                        f.compromised.push(s);
                    }
                    false
                }
                // Going on shifts is the plan's, not news.
                (EventKind::Staff { shift: true, .. }, _) => false,
                (EventKind::Staff { team, capacity, .. }, _) => {
                    f.staff.push((e.t, *team, *capacity));
                    true
                }
                (EventKind::Drained | EventKind::Zone { isolated: true, .. }, _) => true,
                _ => false,
            };
            if seen {
                first = Some(first.map_or(e.t, |f| f.min(e.t)));
            }
        }
        f.first = first;
        if let Some((_, list)) = &mut f.first_down {
            // Those the most processes need directly first: users notice them.
            let needed = |s: &ServiceId| {
                plan.processes
                    .iter()
                    .filter(|p| p.depends_on.iter().any(|d| d.services().contains(s)))
                    .count()
            };
            list.sort_by_key(|s| (Reverse(needed(s)), *s));
        }
        f
    }

    /// When lost backups and data are found: an hour after the attack's end
    /// (`attack`, when it is in the draft), else an hour after the first
    /// destruction; `None` when no data was lost.
    pub(super) fn losses_found(&self, attack: Option<(u64, bool)>) -> Option<u64> {
        if !self.lost_data {
            return None;
        }
        attack
            .map(|(t, _)| t)
            .or(self.first_destroyed)
            .map(|t| t + HOUR)
    }

    /// The first time each process stops.
    pub(super) fn first_stops(&self) -> Vec<(u64, ProcessId)> {
        let mut out: Vec<(u64, ProcessId)> = Vec::new();
        for &(t, p) in &self.stops {
            if !out.iter().any(|(_, q)| *q == p) {
                out.push((t, p));
            }
        }
        out
    }
}

/// The services a process needs (hard and group dependencies) that are
/// down at `t`, the slowest to come back first.
pub(super) fn blocking(plan: &Plan, facts: &Facts, p: ProcessId, t: u64) -> Vec<ServiceId> {
    let mut out: Vec<ServiceId> = Vec::new();
    for d in &plan.process(p).depends_on {
        if matches!(d, Dependency::Soft(_)) {
            continue;
        }
        for &s in d.services() {
            if !out.contains(&s)
                && Timeline(&facts.events).state_at(NodeRef::Service(s), t).0 == State::Down
            {
                out.push(s);
            }
        }
    }
    // Stable: equally slow services keep the plan's order.
    out.sort_by_key(|&s| {
        Reverse(
            Timeline(&facts.events)
                .back_after(NodeRef::Service(s), t)
                .unwrap_or(u64::MAX),
        )
    });
    out
}

/// The subject of the "restore before the DMIA" objective.
#[derive(Debug, Clone, Copy)]
pub(super) struct Restore {
    pub(super) process: ProcessId,
    pub(super) stop: u64,
    /// The service it waits for longest, when one of those it needs is down.
    pub(super) service: Option<ServiceId>,
    /// The decision is due halfway to the DMIA: restoring takes time.
    pub(super) by: u64,
}

/// The most critical process the run breached (shortest DMIA first) whose
/// DMIA falls in the draft, else the most critical one that stops there.
pub(super) fn pick_restore(plan: &Plan, facts: &Facts, until: u64) -> Option<Restore> {
    facts
        .first_stops()
        .into_iter()
        .filter(|&(t, p)| t + plan.process(p).mtpd.as_secs() <= until)
        .min_by_key(|&(_, p)| {
            let process = plan.process(p);
            (
                !facts.breaches.iter().any(|(_, q)| *q == p),
                Reverse(process.criticality),
                process.mtpd,
                p,
            )
        })
        .map(|(stop, p)| Restore {
            process: p,
            stop,
            service: blocking(plan, facts, p, stop).first().copied(),
            by: minute(stop + plan.process(p).mtpd.as_secs() / 2),
        })
}

/// The subject of the "workaround" objective.
#[derive(Debug, Clone, Copy)]
pub(super) struct Degrade {
    pub(super) process: ProcessId,
    pub(super) stop: u64,
    pub(super) by: u64,
}

/// The most critical essential or vital process with a workaround that
/// stops in the draft, other than `besides` when there is a choice. Its
/// workaround is due halfway to its DMIA (between 1h and 8h), and not
/// before it can be set up.
pub(super) fn pick_workaround(
    plan: &Plan,
    facts: &Facts,
    until: u64,
    besides: Option<ProcessId>,
) -> Option<Degrade> {
    facts
        .first_stops()
        .into_iter()
        .filter_map(|(stop, p)| {
            let process = plan.process(p);
            let w = process.workaround.as_ref()?;
            if process.criticality < Criticality::Essential {
                return None;
            }
            let delay = (process.mtpd.as_secs() / 2)
                .clamp(HOUR, 8 * HOUR)
                .max(w.activation.as_secs());
            let by = minute(stop + delay);
            (by <= until).then_some(Degrade {
                process: p,
                stop,
                by,
            })
        })
        .min_by_key(|d| {
            let process = plan.process(d.process);
            (
                Some(d.process) == besides,
                Reverse(process.criticality),
                process.mtpd,
                d.process,
            )
        })
}

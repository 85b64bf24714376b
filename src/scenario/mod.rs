//! Scenarios: what happens to the information system, and when.
//!
//! A scenario names its plan (relative path) and lists timed events:
//! outages of services, sites, zones or suppliers (for a while or until
//! restored), destructions (rebuild needed), changes of a team's staff, and
//! notes for the timeline. [`load`] reads and checks a scenario and its plan;
//! [`Scenario::situation`] turns it into the [`Situation`] the recovery
//! scheduler plans for.

pub mod attack;
mod raw;

use std::path::{Path, PathBuf};

use crate::analysis::impact::targets;
use crate::analysis::state::{State, propagate};
use crate::diag::{Diagnostic, did_you_mean};
use crate::graph::DependencyGraph;
use crate::load::{self, Loaded, load_plan};
use crate::model::{Duration, Plan, ServiceId, TeamId};
use crate::recovery::{Damage, Situation};
pub use raw::ScenarioFile;

#[derive(Debug, Clone)]
pub enum Action {
    /// The services fail; with `lasts`, they come back by themselves after
    /// it (a supplier's outage), else they must be restored.
    Outage {
        services: Vec<ServiceId>,
        lasts: Option<Duration>,
    },
    /// The services are destroyed and must be rebuilt.
    Destroy { services: Vec<ServiceId> },
    /// The team has `capacity` people, for `lasts` or for good.
    Staff {
        team: TeamId,
        capacity: u32,
        lasts: Option<Duration>,
    },
    /// Only a line in the timeline.
    Note,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: Duration,
    pub action: Action,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The plan file, as resolved from the scenario's folder.
    pub plan_path: PathBuf,
    /// How long a simulation runs after T0.
    pub horizon: Duration,
    /// In time order (stable: events at the same time keep file order).
    pub events: Vec<Event>,
    pub attack: Option<attack::Attack>,
}

/// A scenario with its plan, or everything wrong with either.
pub struct LoadedScenario {
    pub scenario: Option<Scenario>,
    pub document: load::Document<ScenarioFile>,
    /// The plan, once the scenario names one that exists.
    pub plan: Option<Loaded>,
}

impl LoadedScenario {
    pub fn has_errors(&self) -> bool {
        self.document.diagnostics.iter().any(Diagnostic::is_error)
            || self.plan.as_ref().is_none_or(Loaded::has_errors)
    }
}

const DEFAULT_HORIZON: Duration = Duration::from_secs(30 * 86_400);

/// Reads a scenario and the plan it names, and resolves its targets.
pub fn load(path: &Path) -> LoadedScenario {
    let mut document = load::read_document_with(path, raw::decode);
    let Some(file) = document.value.as_ref() else {
        return LoadedScenario {
            scenario: None,
            document,
            plan: None,
        };
    };
    let plan_path = path
        .parent()
        .unwrap_or(Path::new(""))
        .join(&file.plan.value);
    if !plan_path.is_file() {
        document.diagnostics.push(
            Diagnostic::error(
                "include-missing",
                format!(
                    "cannot open the plan `{}`: no such file",
                    plan_path.display()
                ),
            )
            .at(file.plan.span)
            .help("`plan` is a path relative to the scenario file"),
        );
        return LoadedScenario {
            scenario: None,
            document,
            plan: None,
        };
    }
    let plan = load_plan(&plan_path);
    let Some(p) = plan.plan.as_ref() else {
        return LoadedScenario {
            scenario: None,
            document,
            plan: Some(plan),
        };
    };
    let (scenario, found) = resolve(file, p, plan_path);
    document.diagnostics.extend(found);
    document
        .diagnostics
        .sort_by_key(|d| d.span.map(|s| (s.line, s.col)));
    let scenario = scenario.filter(|_| !document.diagnostics.iter().any(Diagnostic::is_error));
    LoadedScenario {
        scenario,
        document,
        plan: Some(plan),
    }
}

fn resolve(
    file: &ScenarioFile,
    plan: &Plan,
    plan_path: PathBuf,
) -> (Option<Scenario>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut events = Vec::new();
    for spanned in &file.events {
        let e = &spanned.value;
        let actions = [e.outage.is_some(), e.destroy.is_some(), e.staff.is_some()]
            .iter()
            .filter(|&&x| x)
            .count();
        if actions > 1 || (actions == 0 && e.note.is_none()) {
            diags.push(
                Diagnostic::error(
                    "bad-event",
                    "an event does one thing: `outage`, `destroy` or `staff` (or only a `note`)",
                )
                .at(spanned.span)
                .help("split it into several events at the same time"),
            );
            continue;
        }
        let hit = |list: &raw::Targets, diags: &mut Vec<Diagnostic>| -> Option<Vec<ServiceId>> {
            let mut out = Vec::new();
            for t in &list.0 {
                match targets(plan, std::slice::from_ref(&t.value)) {
                    Ok(found) if found.is_empty() => {
                        diags.push(
                            Diagnostic::warning(
                                "empty-target",
                                format!("`{}` names no service", t.value),
                            )
                            .at(t.span),
                        );
                    }
                    Ok(found) => out.extend(found.into_iter().map(|i| ServiceId(i as u32))),
                    Err(message) => {
                        diags.push(Diagnostic::error("unknown-id", message).at(t.span));
                        return None;
                    }
                }
            }
            out.sort();
            out.dedup();
            Some(out)
        };
        let action = if let Some(list) = &e.outage {
            hit(list, &mut diags).map(|services| Action::Outage {
                services,
                lasts: e.lasts,
            })
        } else if let Some(list) = &e.destroy {
            if e.lasts.is_some() {
                diags.push(
                    Diagnostic::error(
                        "bad-event",
                        "`for` does not apply to a destruction: it lasts until rebuilt",
                    )
                    .at(spanned.span),
                );
            }
            hit(list, &mut diags).map(|services| Action::Destroy { services })
        } else if let Some(team) = &e.staff {
            let Some(t) = plan.teams.iter().position(|t| t.id == team.value) else {
                let mut d =
                    Diagnostic::error("unknown-id", format!("unknown team `{}`", team.value))
                        .at(team.span);
                if let Some(h) = did_you_mean(&team.value, plan.teams.iter().map(|t| t.id.as_str()))
                {
                    d = d.help(h);
                }
                diags.push(d);
                continue;
            };
            let Some(capacity) = e.capacity else {
                diags.push(
                    Diagnostic::error(
                        "missing-key",
                        "a `staff` event needs `capacity`: how many people the team has then",
                    )
                    .at(spanned.span),
                );
                continue;
            };
            Some(Action::Staff {
                team: TeamId(t as u32),
                capacity,
                lasts: e.lasts,
            })
        } else {
            Some(Action::Note)
        };
        if let Some(action) = action {
            events.push(Event {
                at: e.at,
                action,
                note: e.note.clone(),
            });
        }
    }
    events.sort_by_key(|e| e.at);
    let attack = file.attack.as_ref().and_then(|a| {
        let mut entry = Vec::new();
        for t in &a.entry.0 {
            match targets(plan, std::slice::from_ref(&t.value)) {
                Ok(found) => entry.extend(found.into_iter().map(|i| ServiceId(i as u32))),
                Err(message) => {
                    diags.push(Diagnostic::error("unknown-id", message).at(t.span));
                    return None;
                }
            }
        }
        Some(attack::Attack {
            at: a.at.unwrap_or(Duration::ZERO),
            entry,
            technique: a.technique.clone(),
            spread: attack::mean(a.spread, raw::SpreadClass::Hard),
            identity: attack::mean(a.identity, raw::SpreadClass::Easy),
            dwell: a.dwell,
            detect: a.detect,
        })
    });
    let scenario = Scenario {
        name: file.name.clone(),
        description: file.description.clone(),
        plan_path,
        horizon: file.horizon.unwrap_or(DEFAULT_HORIZON),
        events,
        attack,
    };
    (Some(scenario), diags)
}

impl Scenario {
    /// What the recovery must deal with: every service the scenario hits
    /// (failed, destroyed, or out for a while), when, and the teams'
    /// capacity over time.
    /// The attack's random draws come from a generator seeded with `seed`.
    pub fn situation(
        &self,
        plan: &Plan,
        graph: &DependencyGraph,
        seed: u64,
    ) -> (Situation, Option<attack::Outcome>) {
        let n = plan.services.len();
        let mut damage: Vec<Option<Damage>> = vec![None; n];
        let mut release = vec![0u64; n];
        let mut returns: Vec<Option<u64>> = vec![None; n];
        let mut hit_at: Vec<Option<u64>> = vec![None; n];
        let mut encrypted = vec![false; n];
        let mut reachable = vec![false; n];
        // What the attacker holds at the end must be rebuilt: it cannot be
        // trusted, and on encryption its data is gone.
        let outcome = self.attack.as_ref().map(|a| {
            let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
            attack::unfold(plan, a, &mut rng)
        });
        if let Some(o) = &outcome {
            for i in 0..n {
                if o.compromised[i].is_some() {
                    damage[i] = Some(Damage::Destroyed);
                    release[i] = o.end;
                    hit_at[i] = Some(o.end);
                    encrypted[i] = o.encrypted;
                }
            }
            reachable.clone_from(&o.reachable);
        }
        for e in &self.events {
            let at = e.at.as_secs();
            let (services, kind) = match &e.action {
                Action::Outage {
                    services,
                    lasts: None,
                } => (services, Some(Damage::Failed)),
                Action::Outage {
                    services,
                    lasts: Some(_),
                } => (services, None),
                Action::Destroy { services } => (services, Some(Damage::Destroyed)),
                _ => continue,
            };
            for s in services {
                let i = s.index();
                hit_at[i] = Some(hit_at[i].map_or(at, |h| h.min(at)));
                match kind {
                    Some(k) => {
                        // The worst damage wins; work can start from its time.
                        if damage[i].is_none() || k == Damage::Destroyed {
                            damage[i] = Some(k);
                            release[i] = release[i].max(at);
                        }
                    }
                    None => {
                        if let Action::Outage { lasts: Some(d), .. } = &e.action {
                            let back = at + d.as_secs();
                            returns[i] = Some(returns[i].map_or(back, |r| r.max(back)));
                        }
                    }
                }
            }
        }
        let mut capacity = Vec::with_capacity(plan.teams.len());
        for (t, team) in plan.teams.iter().enumerate() {
            // Changes in time order; a change with a duration reverts to full
            // strength after it.
            let mut changes: Vec<(u64, u32)> = vec![(0, team.capacity)];
            for e in &self.events {
                if let Action::Staff {
                    team: id,
                    capacity: c,
                    lasts,
                } = &e.action
                    && id.index() == t
                {
                    changes.push((e.at.as_secs(), *c));
                    if let Some(d) = lasts {
                        changes.push((e.at.as_secs() + d.as_secs(), team.capacity));
                    }
                }
            }
            changes.sort_by_key(|c| c.0);
            let mut steps: Vec<(u64, u32)> = Vec::new();
            for (at, c) in changes {
                match steps.last_mut() {
                    Some(last) if last.0 == at => last.1 = c,
                    _ => steps.push((at, c)),
                }
            }
            capacity.push(steps);
        }
        // When each process first goes down, hit after hit.
        let mut times: Vec<u64> = hit_at.iter().flatten().copied().collect();
        times.sort_unstable();
        times.dedup();
        let mut down_since: Vec<Option<u64>> = vec![None; plan.node_count()];
        for &t in &times {
            let hit: Vec<usize> = (0..n)
                .filter(|&i| hit_at[i].is_some_and(|h| h <= t))
                .collect();
            let states = propagate(plan, graph, &hit);
            for (x, s) in states.iter().enumerate() {
                if *s == State::Down && down_since[x].is_none() {
                    down_since[x] = Some(t);
                }
            }
        }
        let situation = Situation {
            damage,
            release,
            returns,
            down_since,
            hit_at,
            encrypted,
            reachable,
            capacity,
            scale: vec![1.0; n],
        };
        (situation, outcome)
    }
}

//! Scenarios: what happens to the information system, and when.
//!
//! A scenario names its plan (relative path) and lists timed events:
//! outages of services, sites, zones or suppliers (for a while or until
//! restored), destructions (rebuild needed), changes of a team's staff, and
//! notes for the timeline. [`load()`] reads and checks a scenario and its plan.
//! A scenario is data: `simulation` plays it (`Engine::for_scenario`) and
//! turns it into the situation the recovery scheduler plans for
//! (`simulation::foresight`).

pub(crate) mod attack;
mod raw;

use std::path::{Path, PathBuf};

use crate::analysis::impact::targets;
use crate::diag::{Diagnostic, did_you_mean};
use crate::load::{self, Loaded, load_plan};
use crate::model::{Plan, ServiceId, ServiceKind, SimDuration, TeamId, ZoneId};
pub use raw::ScenarioFile;

#[derive(Debug, Clone)]
pub enum Action {
    /// The services fail; with `lasts`, they come back by themselves after
    /// it (a supplier's outage), else they must be restored.
    Outage {
        services: Vec<ServiceId>,
        lasts: Option<SimDuration>,
    },
    /// The services are destroyed and must be rebuilt.
    Destroy { services: Vec<ServiceId> },
    /// The team has `capacity` people, for `lasts` or for good.
    Staff {
        team: TeamId,
        capacity: u32,
        lasts: Option<SimDuration>,
    },
    /// Mains power cut on these power services for `lasts`.
    Power {
        services: Vec<ServiceId>,
        lasts: SimDuration,
    },
    /// Zones cut off the network, for `lasts` or for good.
    Isolate {
        zones: Vec<ZoneId>,
        lasts: Option<SimDuration>,
    },
    /// Only a line in the timeline.
    Note,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: SimDuration,
    pub action: Action,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The plan file, as resolved from the scenario's folder.
    pub plan_path: PathBuf,
    /// How long a simulation runs after T0, when the scenario says; else
    /// it runs until nothing more can happen, at most `HORIZON_CAP`.
    pub horizon: Option<SimDuration>,
    /// The date of T0, if the scenario gives one.
    pub start: Option<Start>,
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

/// The longest a simulation runs when the scenario gives no `horizon`: a
/// year, so that a stalled run (work that can never start) still ends.
const HORIZON_CAP: SimDuration = SimDuration::from_secs(365 * 86_400);

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
        let actions = [
            e.outage.is_some(),
            e.destroy.is_some(),
            e.staff.is_some(),
            e.power.is_some(),
            e.isolate.is_some(),
        ]
        .iter()
        .filter(|&&x| x)
        .count();
        if actions > 1 || (actions == 0 && e.note.is_none()) {
            diags.push(
                Diagnostic::error(
                    "bad-event",
                    "an event does one thing: `outage`, `destroy`, `power`, `isolate` or `staff` (or only a `note`)",
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
                    Ok(found) => out.extend(found),
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
        } else if let Some(list) = &e.power {
            let Some(lasts) = e.lasts else {
                diags.push(
                    Diagnostic::error(
                        "missing-key",
                        "a `power` cut needs `for`: how long until the mains are back",
                    )
                    .at(spanned.span)
                    .help("add `for: 4d`, say"),
                );
                continue;
            };
            hit(list, &mut diags).and_then(|services| {
                // The sources: power services not fed by another one (the
                // mains, generators); what they feed (UPS, say) follows.
                let power = |s: ServiceId| plan.service(s).kind == ServiceKind::Power;
                let services: Vec<ServiceId> = services
                    .into_iter()
                    .filter(|&s| {
                        power(s)
                            && !plan.service(s).depends_on.iter().any(|d| {
                                !matches!(d, crate::model::Dependency::Soft(_))
                                    && d.services().iter().any(|&x| power(x))
                            })
                    })
                    .collect();
                if services.is_empty() {
                    diags.push(
                        Diagnostic::error("empty-target", "a `power` cut names no `power` service")
                            .at(list.0.first().map_or(spanned.span, |t| t.span))
                            .help("name the power feeds, or the sites whose feeds are cut (`site:dc-a`)"),
                    );
                    return None;
                }
                Some(Action::Power { services, lasts })
            })
        } else if let Some(list) = &e.isolate {
            let mut zones = Vec::new();
            for t in &list.0 {
                match plan.zone_target(&t.value) {
                    Ok(z) => zones.push(z),
                    Err(e) => {
                        let mut d = Diagnostic::error(e.code(), e.message()).at(t.span);
                        if let Some(h) = e.help() {
                            d = d.help(h);
                        }
                        diags.push(d);
                    }
                }
            }
            (zones.len() == list.0.len()).then_some(Action::Isolate {
                zones,
                lasts: e.lasts,
            })
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
                Ok(found) => entry.extend(found),
                Err(message) => {
                    diags.push(Diagnostic::error("unknown-id", message).at(t.span));
                    return None;
                }
            }
        }
        Some(attack::Attack {
            at: a.at.unwrap_or(SimDuration::ZERO),
            entry,
            technique: a.technique.clone(),
            spread: attack::mean(a.spread, raw::SpreadClass::Hard),
            identity: attack::mean(a.identity, raw::SpreadClass::Easy),
            dwell: a.dwell,
            detect: a.detect,
            investigation: a.investigation.unwrap_or(SimDuration::ZERO),
        })
    });
    let start = file
        .start
        .as_ref()
        .and_then(|st| match parse_start(&st.value) {
            Ok(z) => Some(z),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "bad-date",
                        format!("`{}` is not a date and time: {e}", st.value),
                    )
                    .at(st.span)
                    .help("write it in RFC 3339 with the UTC offset: `2026-03-14T02:00:00+01:00`"),
                );
                None
            }
        });
    let scenario = Scenario {
        name: file.name.clone(),
        description: file.description.clone(),
        plan_path,
        start,
        horizon: file.horizon,
        events,
        attack,
    };
    (Some(scenario), diags)
}

/// T0 as written, kept in its own UTC offset so that times print as the
/// people who wrote the scenario read them.
fn parse_start(text: &str) -> Result<Start, jiff::Error> {
    let at: jiff::Timestamp = text.parse()?;
    let pieces = jiff::fmt::temporal::Pieces::parse(text)?;
    let offset = match pieces.offset() {
        Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => n.offset(),
        _ => jiff::tz::Offset::UTC,
    };
    Ok(Start { at, offset })
}

/// T0 as a date: the instant, and the UTC offset it was written with.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub at: jiff::Timestamp,
    pub offset: jiff::tz::Offset,
}

impl Scenario {
    /// When a simulation stops at the latest, in seconds from T0: the
    /// scenario's `horizon`, or `HORIZON_CAP`.
    pub fn limit(&self) -> u64 {
        self.horizon.unwrap_or(HORIZON_CAP).as_secs()
    }

    /// The date `t` seconds after T0, when the scenario has a start.
    pub fn date(&self, t: u64) -> Option<String> {
        let start = self.start.as_ref()?;
        let at = start
            .at
            .checked_add(jiff::SignedDuration::from_secs(
                t.min(i64::MAX as u64) as i64
            ))
            .ok()?;
        Some(
            start
                .offset
                .to_datetime(at)
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
        )
    }

    /// The network cuts the scenario makes: zones isolated, from when and
    /// until when.
    pub fn cuts(&self) -> Vec<attack::Cut> {
        let mut cuts = Vec::new();
        for e in &self.events {
            if let Action::Isolate { zones, lasts } = &e.action {
                let from = e.at.as_secs();
                let until = lasts.map_or(u64::MAX, |d| from + d.as_secs());
                cuts.extend(zones.iter().map(|&zone| attack::Cut { zone, from, until }));
            }
        }
        cuts
    }
}

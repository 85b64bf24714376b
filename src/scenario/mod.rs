//! Scenarios: what happens to the information system, and when.
//!
//! A scenario names its plan (relative path) and lists timed events:
//! outages of services, sites, zones or suppliers (for a while or until
//! restored), destructions (rebuild needed), changes of a team's staff, and
//! notes for the timeline. [`load()`] reads and checks a scenario and its plan;
//! [`Scenario::situation`] turns it into the [`Situation`] the recovery
//! scheduler plans for.

pub mod attack;
mod raw;

use std::path::{Path, PathBuf};

use crate::analysis::impact::targets;
use crate::diag::{Diagnostic, did_you_mean};
use crate::graph::DependencyGraph;
use crate::load::{self, Loaded, load_plan};
use crate::model::{Duration, Fates, Plan, ServiceId, ServiceKind, TeamId, ZoneId};
use crate::recovery::{Damage, Situation, Spell};
use crate::simulation::{Command, Engine, Intervention};
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
    /// Mains power cut on these power services for `lasts`.
    Power {
        services: Vec<ServiceId>,
        lasts: Duration,
    },
    /// Zones cut off the network, for `lasts` or for good.
    Isolate {
        zones: Vec<ZoneId>,
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
    /// How long a simulation runs after T0, when the scenario says; else
    /// it runs until nothing more can happen, at most [`HORIZON_CAP`].
    pub horizon: Option<Duration>,
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
pub const HORIZON_CAP: Duration = Duration::from_secs(365 * 86_400);

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
                let id = t.value.strip_prefix("zone:").unwrap_or(&t.value);
                match plan.zones.iter().position(|z| z.id == id) {
                    Some(z) => zones.push(ZoneId(z as u32)),
                    None => {
                        let mut d = Diagnostic::error("unknown-id", format!("unknown zone `{id}`"))
                            .at(t.span);
                        if let Some(h) = did_you_mean(id, plan.zones.iter().map(|z| z.id.as_str()))
                        {
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
            investigation: a.investigation.unwrap_or(Duration::ZERO),
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
    /// scenario's `horizon`, or [`HORIZON_CAP`].
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

    /// An engine set up with the scenario: each line on the agenda, the
    /// attack (drawn from `options.seed`) hidden in it.
    pub fn engine<'p>(
        &self,
        plan: &'p Plan,
        graph: &'p DependencyGraph,
        command: Command,
        options: crate::recovery::Options,
    ) -> Engine<'p> {
        let mut engine = Engine::new(plan, graph, command, options);
        for e in &self.events {
            let at = e.at.as_secs();
            if let Some(note) = &e.note {
                engine.schedule(at, Intervention::Note(note.clone()));
            }
            let until = |d: &Option<Duration>| d.map(|d| at + d.as_secs());
            match &e.action {
                Action::Outage { services, lasts } => engine.schedule(
                    at,
                    Intervention::Outage {
                        services: services.clone(),
                        until: until(lasts),
                    },
                ),
                Action::Destroy { services } => engine.schedule(
                    at,
                    Intervention::Destroy {
                        services: services.clone(),
                    },
                ),
                Action::Staff {
                    team,
                    capacity,
                    lasts,
                } => engine.schedule(
                    at,
                    Intervention::Staff {
                        team: *team,
                        capacity: *capacity,
                        until: until(lasts),
                    },
                ),
                Action::Power { services, lasts } => engine.schedule(
                    at,
                    Intervention::Power {
                        services: services.clone(),
                        until: Some(at + lasts.as_secs()),
                    },
                ),
                Action::Isolate { zones, lasts } => {
                    for &zone in zones {
                        engine.schedule(
                            at,
                            Intervention::Isolate {
                                zone,
                                until: until(lasts),
                            },
                        );
                    }
                }
                Action::Note => {}
            }
        }
        if let Some(a) = &self.attack {
            engine.set_attack(a.clone(), options.seed);
        }
        engine
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

    /// What the recovery must deal with, known in advance (`recover
    /// --scenario`: perfect foresight): every service the scenario damages
    /// and from when (the attack unfolded with the scenario's isolations,
    /// its draws from `seed`), what is out for a while and until when, the
    /// copy each rebuild starts from, and the teams' capacity over time.
    pub fn situation(&self, plan: &Plan, seed: u64) -> (Situation, Option<attack::Outcome>) {
        let n = plan.services.len();
        let mut situation = Situation::calm(plan);
        let mut fates = Fates::new(n);
        // What the attacker holds at the end must be rebuilt: it cannot be
        // trusted, and on encryption its data is gone.
        let outcome = self
            .attack
            .as_ref()
            .map(|a| attack::unfold_with(plan, a, &self.cuts(), seed));
        if let Some(o) = &outcome {
            for i in 0..n {
                if let Some(at) = o.compromised[i] {
                    situation.damage[i] = Some(Damage::Destroyed);
                    // Found at the attack's end, worked on once the
                    // investigation is over.
                    situation.release[i] = o.cleared;
                    fates.encrypted[i] = o.encrypted;
                    fates.held[i] = o.end.saturating_sub(at);
                }
                fates.exposed[i] = o.encrypted && o.reachable[i];
            }
        }
        // When each service is first hit by an outage, a destruction, a
        // power cut once its reserves are spent, or the attacker (found at
        // the attack's end): as the engine's `hit`.
        let mut first_hit = vec![u64::MAX; n];
        if let Some(o) = &outcome {
            for (hit, c) in first_hit.iter_mut().zip(&o.compromised) {
                if c.is_some() {
                    *hit = o.end;
                }
            }
        }
        for e in &self.events {
            let at = e.at.as_secs();
            let spell = |from: u64, until: u64| Spell { from, until };
            match &e.action {
                // Power cuts, after the reserves of those that have some.
                Action::Power { services, lasts } => {
                    let end = at + lasts.as_secs();
                    for s in services {
                        let from = at + plan.service(*s).autonomy.map_or(0, |a| a.as_secs());
                        if from < end {
                            situation.spells[s.index()].push(spell(from, end));
                            first_hit[s.index()] = first_hit[s.index()].min(from);
                            if let Some(t) = shutdown_at(plan, *s, at, Some(end)) {
                                situation.shutdowns.push((t, *s));
                            }
                        }
                    }
                }
                // An isolation for good is left to whoever reconnects.
                Action::Isolate {
                    zones,
                    lasts: Some(d),
                } => {
                    for &z in zones {
                        situation.isolations.push((z, spell(at, at + d.as_secs())));
                    }
                }
                Action::Outage {
                    services,
                    lasts: Some(d),
                } => {
                    for s in services {
                        situation.spells[s.index()].push(spell(at, at + d.as_secs()));
                        first_hit[s.index()] = first_hit[s.index()].min(at);
                    }
                }
                Action::Outage {
                    services,
                    lasts: None,
                } => {
                    for s in services {
                        let i = s.index();
                        first_hit[i] = first_hit[i].min(at);
                        if situation.damage[i].is_none() {
                            situation.damage[i] = Some(Damage::Failed);
                            situation.release[i] = at;
                        }
                    }
                }
                Action::Destroy { services } => {
                    for s in services {
                        let i = s.index();
                        first_hit[i] = first_hit[i].min(at);
                        // The worst damage wins; work can start from its time.
                        if situation.damage[i] != Some(Damage::Destroyed) {
                            situation.release[i] = if situation.damage[i].is_some() {
                                situation.release[i].max(at)
                            } else {
                                at
                            };
                            situation.damage[i] = Some(Damage::Destroyed);
                        }
                        fates.destroyed[i] = true;
                    }
                }
                _ => {}
            }
        }
        // A service hit before its worst damage (an outage, then the
        // attacker's compromise found at the attack's end) is out from its
        // first hit.
        for (i, &from) in first_hit.iter().enumerate() {
            if situation.damage[i].is_some() && from < situation.release[i] {
                situation.spells[i].push(Spell {
                    from,
                    until: situation.release[i],
                });
            }
        }
        situation.restore = fates.restores(plan);
        situation.relocate_from = fates.relocations(plan);
        situation.rejoin = crate::model::copies::rejoins(plan, |s| fates.held[s.index()] > 0);
        situation.opens = opens(plan, |i| (first_hit[i] != u64::MAX).then_some(first_hit[i]));
        let mut capacity = Vec::with_capacity(plan.teams.len());
        for (t, team) in plan.teams.iter().enumerate() {
            // Changes in time order, the last one holding; a change with a
            // duration reverts to full strength after it (the team's
            // sustained capacity once its surge is over). The change to the
            // sustained capacity does not happen while a staff change holds:
            // the scenario says who works then. As the engine.
            let mut changes: Vec<(u64, u32)> = vec![(0, team.capacity)];
            let mut holds_at_rota = false;
            for e in &self.events {
                if let Action::Staff {
                    team: id,
                    capacity: c,
                    lasts,
                } = &e.action
                    && id.index() == t
                {
                    let (at, until) = (e.at.as_secs(), lasts.map(|d| e.at.as_secs() + d.as_secs()));
                    changes.push((at, *c));
                    if let Some(u) = until {
                        changes.push((u, team.usual(u)));
                    }
                    if let Some(x) = team.sustained {
                        let rota = x.after.as_secs();
                        holds_at_rota |= at <= rota && until.is_none_or(|u| rota < u);
                    }
                }
            }
            if let Some(x) = team.sustained.filter(|_| !holds_at_rota) {
                changes.insert(1, (x.after.as_secs(), x.capacity));
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
        situation.capacity = capacity;
        (situation, outcome)
    }
}

/// When the teams order the controlled shutdown of what power source `s`
/// keeps running, its mains cut at `at` until `until` (`None`: no end
/// known): the shutdown's duration before its reserves run out, when it
/// has reserves, a declared shutdown, and the mains are not due back by
/// then. The same rule for `recover` and the engine.
pub fn shutdown_at(plan: &Plan, s: ServiceId, at: u64, until: Option<u64>) -> Option<u64> {
    let svc = plan.service(s);
    let (autonomy, lead) = (svc.autonomy?, svc.controlled_shutdown?);
    let drained = at.saturating_add(autonomy.as_secs());
    until
        .is_none_or(|u| u > drained)
        .then(|| drained.saturating_sub(lead.as_secs()).max(at))
}

/// Per site: when it can take its first service as a recovery site, its
/// home site's first loss (`hit`: when each service was first hit) plus
/// its lead time; `None` when its home site lost nothing, or it is no
/// recovery site.
pub fn opens(plan: &Plan, hit: impl Fn(usize) -> Option<u64>) -> Vec<Option<u64>> {
    plan.sites
        .iter()
        .map(|site| {
            let x = site.stands_in.as_ref()?;
            let first = (0..plan.services.len())
                .filter(|&i| plan.services[i].site == Some(x.site))
                .filter_map(&hit)
                .min()?;
            Some(first.saturating_add(x.lead_time.as_secs()))
        })
        .collect()
}

//! Drafting an exercise from one simulated run of its scenario.
//!
//! `reprise exercise generate` gives the facilitators a first chronogramme
//! to edit instead of a blank page. [`draft`] reads a simulation [`Run`] and
//! keeps its significant events: the attack discovered, the first services
//! down, vital and essential processes stopping, backups found lost, staff
//! changes, the scenario's notes, processes about to breach their DMIA, the
//! press calling and the social networks. Each becomes an inject with a
//! believable sender and channel; a few objectives with deadlines are
//! derived from the run, and each deadline gets a contingency inject.
//! [`Draft::to_yaml`] writes the exercise format by hand: serde_yaml stays a
//! reader behind `load::yaml` (see ARCHITECTURE), so every text goes
//! through [`quoted`], a YAML double-quoted scalar with escapes.
//!
//! Texts are in French, like the shipped exercises: they are read to French
//! crisis cells. Everything here is a pure function of the plan, the
//! scenario and the run, so a seed gives the same draft byte for byte.

use std::cmp::Reverse;
use std::fmt::Write as _;

use super::{Action, Channel, RoleKind};
use crate::analysis::state::State;
use crate::i18n::Lang;
use crate::model::{
    Criticality, Dependency, Duration, NodeRef, Plan, ProcessId, ServiceId, ServiceKind, TeamId,
};
use crate::scenario::{self, Scenario};
use crate::simulation::{EventKind, Run, SimEvent, Timeline};

/// An exercise ready to be written: the exercise format's fields, with
/// times in seconds of scenario time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub description: String,
    /// The scenario file as it is written in the draft.
    pub scenario: String,
    pub start: u64,
    pub end: u64,
    pub step: u64,
    pub objectives: Vec<DraftObjective>,
    pub roles: Vec<DraftRole>,
    /// Timed injects in time order, then contingency injects in the order of
    /// their deadlines.
    pub injects: Vec<DraftInject>,
    /// The simulation's seed, recalled in the file's header.
    pub seed: u64,
    /// The date of T0, when the scenario gives one.
    pub t0: Option<String>,
}

/// A decision, as an objective, an expected action or a contingency names
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub action: Action,
    /// A service, `zone:ID`, process or team id.
    pub target: Option<String>,
    /// For `crisis`.
    pub level: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftObjective {
    pub id: String,
    pub text: String,
    pub evaluation: String,
    /// The decision expected, and by when.
    pub expects: Option<(Expected, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRole {
    pub id: String,
    pub name: String,
    pub kind: RoleKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    At(u64),
    /// Delivered at `by` unless the decision was taken before.
    Unless {
        expected: Expected,
        by: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftAction {
    pub text: String,
    pub decision: Option<Expected>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInject {
    pub id: String,
    pub when: When,
    pub to: Vec<String>,
    pub channel: Channel,
    pub from: String,
    pub text: String,
    pub expects: Vec<DraftAction>,
    pub objective: Option<String>,
}

impl DraftInject {
    /// When it is delivered, or its deadline.
    pub fn at(&self) -> u64 {
        match &self.when {
            When::At(t) | When::Unless { by: t, .. } => *t,
        }
    }
}

const MINUTE: u64 = 60;
const QUARTER: u64 = 15 * MINUTE;
const HOUR: u64 = 3_600;
/// How much of the crisis the draft covers, from the first process
/// stopping: the first two days, where a crisis cell takes its decisions
/// (the shipped exercises cover one and two days).
const WINDOW: u64 = 48 * HOUR;
/// Services, processes or data named in one inject before "and N others".
const LISTED: usize = 5;

// The roles every draft has; injects address them by these ids.
const DGS: &str = "dgs";
const DSI: &str = "dsi";
const RSSI: &str = "rssi";
const COM: &str = "com";
const ELUS: &str = "elus";

/// Drafts an exercise from one run of `scenario`. `scenario_path` is the
/// scenario file as the draft must name it (relative to where the draft is
/// written); `seed` is the run's, recalled in the header.
pub fn draft(plan: &Plan, scenario: &Scenario, run: &Run, scenario_path: &str, seed: u64) -> Draft {
    let facts = Facts::read(plan, scenario, run);
    let first = facts.first.unwrap_or(0);
    let start = floor(first.saturating_sub(QUARTER), QUARTER);
    let horizon = scenario.limit();
    let anchor = facts.stops.first().map_or(first, |&(t, _)| t.max(first));
    let until = anchor.saturating_add(WINDOW).min(horizon).max(start);
    let attack = facts
        .attack_end
        .filter(|&(t, _)| (start..=until).contains(&t));
    let restore = pick_restore(plan, &facts, until);
    let degrade = pick_workaround(plan, &facts, until, restore.map(|r| r.process));
    let mut g = Generator {
        plan,
        scenario,
        facts: &facts,
        start,
        until,
        attack,
        restore,
        degrade,
        timed: Vec::new(),
    };
    let prelude = g.timed(run);
    let mut timed = std::mem::take(&mut g.timed);
    timed.sort_by_key(|p| (p.at, p.rank));
    let alert = timed.first().map_or(first, |p| p.at);
    let (objectives, mut contingencies) = g.objectives(alert);
    contingencies.sort_by_key(|c| c.at);

    let width = if timed.len().max(contingencies.len()) >= 100 {
        3
    } else {
        2
    };
    let mut injects = Vec::new();
    for (i, p) in timed.into_iter().enumerate() {
        let mut inject = p.inject;
        inject.id = format!("i{:0width$}", i + 1);
        injects.push(inject);
    }
    for (i, p) in contingencies.into_iter().enumerate() {
        let mut inject = p.inject;
        inject.id = format!("c{:0width$}", i + 1);
        injects.push(inject);
    }

    let latest = injects
        .iter()
        .map(DraftInject::at)
        .chain(
            objectives
                .iter()
                .filter_map(|o| o.expects.as_ref().map(|e| e.1)),
        )
        .max()
        .unwrap_or(start);
    let mut end = ceil(latest + HOUR, HOUR);
    if end > horizon {
        end = horizon.max(latest);
    }
    if end <= start {
        end = start + HOUR;
    }

    Draft {
        title: format!("Exercice — {}", scenario.name),
        description: description(plan, scenario, run, &prelude, start, end, seed),
        scenario: scenario_path.to_string(),
        start,
        end,
        step: HOUR,
        objectives,
        roles: roles(),
        injects,
        seed,
        t0: scenario.date(0),
    }
}

/// What the draft needs from the run, read once.
struct Facts {
    /// The first thing the players could notice: a hit, a service or
    /// process down, the attack's end, a reserve drained, a staff change,
    /// a zone cut off, or a scenario event that does something.
    first: Option<u64>,
    /// When services first went down, and which (those most processes need
    /// directly first).
    first_down: Option<(u64, Vec<ServiceId>)>,
    /// When the attack ended, and whether with encryption.
    attack_end: Option<(u64, bool)>,
    /// Processes stopping, in time order (a process may stop twice).
    stops: Vec<(u64, ProcessId)>,
    /// DMIA breaches, in time order.
    breaches: Vec<(u64, ProcessId)>,
    /// Team capacity changes.
    staff: Vec<(u64, TeamId, u32)>,
    /// The first destruction.
    first_destroyed: Option<u64>,
    /// Services destroyed, in the order they were.
    destroyed: Vec<ServiceId>,
    /// Services the attacker took before the attack ended.
    compromised: Vec<ServiceId>,
    /// Whether the run lost any data.
    lost_data: bool,
    events: Vec<SimEvent>,
}

impl Facts {
    fn read(plan: &Plan, scenario: &Scenario, run: &Run) -> Facts {
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
                (EventKind::Drained, _) | (EventKind::Zone { isolated: true, .. }, _) => true,
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
    fn losses_found(&self, attack: Option<(u64, bool)>) -> Option<u64> {
        if !self.lost_data {
            return None;
        }
        attack
            .map(|(t, _)| t)
            .or(self.first_destroyed)
            .map(|t| t + HOUR)
    }

    /// The first time each process stops.
    fn first_stops(&self) -> Vec<(u64, ProcessId)> {
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
fn blocking(plan: &Plan, facts: &Facts, p: ProcessId, t: u64) -> Vec<ServiceId> {
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
struct Restore {
    process: ProcessId,
    stop: u64,
    /// The service it waits for longest, when one of those it needs is down.
    service: Option<ServiceId>,
    /// The decision is due halfway to the DMIA: restoring takes time.
    by: u64,
}

/// The most critical process the run breached (shortest DMIA first) whose
/// DMIA falls in the draft, else the most critical one that stops there.
fn pick_restore(plan: &Plan, facts: &Facts, until: u64) -> Option<Restore> {
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
struct Degrade {
    process: ProcessId,
    stop: u64,
    by: u64,
}

/// The most critical essential or vital process with a workaround that
/// stops in the draft, other than `besides` when there is a choice. Its
/// workaround is due halfway to its DMIA (between 1h and 8h), and not
/// before it can be set up.
fn pick_workaround(
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

/// An inject before it has its id.
struct Pending {
    at: u64,
    /// Order among injects at the same time.
    rank: u8,
    inject: DraftInject,
}

/// Who says what, and by which channel.
struct Message {
    to: &'static [&'static str],
    channel: Channel,
    from: String,
    text: String,
}

struct Generator<'a> {
    plan: &'a Plan,
    scenario: &'a Scenario,
    facts: &'a Facts,
    /// The part of the run the draft covers.
    start: u64,
    until: u64,
    /// The attack's end and whether it encrypted, when in the draft.
    attack: Option<(u64, bool)>,
    restore: Option<Restore>,
    degrade: Option<Degrade>,
    timed: Vec<Pending>,
}

impl Generator<'_> {
    fn push(
        &mut self,
        at: u64,
        rank: u8,
        m: Message,
        expects: Vec<DraftAction>,
        objective: Option<&str>,
    ) {
        let at = minute(at);
        self.timed.push(Pending {
            at,
            rank,
            inject: DraftInject {
                id: String::new(),
                when: When::At(at),
                to: m.to.iter().map(|r| r.to_string()).collect(),
                channel: m.channel,
                from: m.from,
                text: m.text,
                expects,
                objective: objective.map(str::to_string),
            },
        });
    }

    fn contingency(
        &self,
        expected: Expected,
        by: u64,
        m: Message,
        action: &str,
        objective: &str,
    ) -> Pending {
        Pending {
            at: by,
            rank: 0,
            inject: DraftInject {
                id: String::new(),
                when: When::Unless {
                    expected: expected.clone(),
                    by,
                },
                to: m.to.iter().map(|r| r.to_string()).collect(),
                channel: m.channel,
                from: m.from,
                text: m.text,
                expects: vec![act(action, expected)],
                objective: Some(objective.to_string()),
            },
        }
    }

    fn inside(&self, t: u64) -> bool {
        (self.start..=self.until).contains(&t)
    }

    /// Pushes the timed injects; returns the scenario's notes from before
    /// the exercise opens, for its description.
    fn timed(&mut self, run: &Run) -> Vec<(u64, String)> {
        let (plan, facts, start, until) = (self.plan, self.facts, self.start, self.until);
        // The scenario's notes: some say what another inject is about and join
        // it; the others are injects of their own.
        let mut prelude = Vec::new();
        let mut discovery_notes = Vec::new();
        let mut down_notes = Vec::new();
        let mut staff_notes: Vec<(u64, TeamId, String)> = Vec::new();
        let attack_end = self.attack.map(|(t, _)| t);
        let first_down = facts
            .first_down
            .as_ref()
            .map(|(t, _)| *t)
            .filter(|&t| self.inside(t));
        for e in &self.scenario.events {
            let Some(note) = e.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
                continue;
            };
            let at = e.at.as_secs();
            if at < start {
                prelude.push((at, note.to_string()));
                continue;
            }
            if at > until {
                continue;
            }
            match &e.action {
                scenario::Action::Note if Some(at) == attack_end => {
                    discovery_notes.push(note.to_string());
                }
                scenario::Action::Note
                | scenario::Action::Outage { .. }
                | scenario::Action::Destroy { .. }
                | scenario::Action::Power { .. }
                    if Some(at) == first_down && Some(at) != attack_end =>
                {
                    down_notes.push(note.to_string());
                }
                scenario::Action::Staff { team, .. }
                    if facts.staff.iter().any(|(t, tm, _)| *t == at && tm == team) =>
                {
                    staff_notes.push((at, *team, note.to_string()));
                }
                action => self.note(at, action, note),
            }
        }

        if let Some((t, encrypted)) = self.attack {
            self.discovery(t, encrypted, &discovery_notes);
        }
        if let Some((t, services)) = &facts.first_down
            && self.inside(*t)
        {
            self.first_down(*t, services, &down_notes);
        }
        let mut stopping: Vec<(u64, Vec<ProcessId>)> = Vec::new();
        for &(t, p) in &facts.stops {
            if !self.inside(t) || plan.process(p).criticality < Criticality::Essential {
                continue;
            }
            match stopping.last_mut() {
                Some((at, ps)) if *at == t => ps.push(p),
                _ => stopping.push((t, vec![p])),
            }
        }
        for (t, ps) in &stopping {
            self.stopping(*t, ps);
        }
        if let Some(t) = facts.losses_found(self.attack)
            && self.inside(t)
        {
            self.losses(t, run);
        }
        for &(t, team, capacity) in &facts.staff {
            if !self.inside(t) {
                continue;
            }
            let notes: Vec<&str> = staff_notes
                .iter()
                .filter(|(at, tm, _)| *at == t && *tm == team)
                .map(|(_, _, n)| n.as_str())
                .collect();
            self.staff(t, team, capacity, &notes);
        }
        let mut warnings: Vec<(u64, Vec<(ProcessId, u64)>)> = Vec::new();
        for &(breach, p) in &facts.breaches {
            let at = minute(breach.saturating_sub(plan.process(p).mtpd.as_secs() / 4));
            if !self.inside(at) {
                continue;
            }
            match warnings.iter_mut().find(|(t, _)| *t == at) {
                Some((_, ps)) => ps.push((p, breach)),
                None => warnings.push((at, vec![(p, breach)])),
            }
        }
        warnings.sort_by_key(|(t, _)| *t);
        for (at, ps) in &warnings {
            self.warning(*at, ps);
        }
        // The public notices essential and vital processes first.
        if let Some(&(t, _)) = facts.stops.iter().find(|&&(t, p)| {
            self.inside(t) && plan.process(p).criticality >= Criticality::Essential
        }) {
            if self.inside(t + 2 * HOUR) {
                self.press(t + 2 * HOUR);
            }
            if self.inside(t + 5 * HOUR) {
                self.social(t + 5 * HOUR);
            }
        }
        prelude
    }

    /// The objectives, and a contingency inject for each deadline.
    fn objectives(&self, alert: u64) -> (Vec<DraftObjective>, Vec<Pending>) {
        // Objectives, each with its contingency when it has a deadline.
        let mut objectives = Vec::new();
        let mut contingencies = Vec::new();
        objectives.push(DraftObjective {
            id: "cellule".into(),
            text: "Activer la cellule de crise dans l'heure qui suit la première alerte".into(),
            evaluation: "L'observateur relève l'heure de convocation de la cellule, sa composition \
                         (DGS, DSI, RSSI, communication, élus) et l'ouverture d'une main courante dès \
                         la première réunion."
                .into(),
            expects: Some((crisis(), alert + HOUR)),
        });
        contingencies.push(self.late_crisis(alert + HOUR));
        if let Some((t, encrypted)) = self.attack {
            let by = t + 2 * HOUR;
            let kept = if encrypted {
                "chiffrées"
            } else {
                "compromises"
            };
            objectives.push(DraftObjective {
                id: "isoler".into(),
                text: "Décider de l'isolement du système d'information dans les deux heures qui \
                       suivent la découverte de l'attaque"
                    .into(),
                evaluation: format!(
                    "L'observateur relève l'heure de la décision d'isolement, son périmètre (accès \
                     Internet, VPN, zones de serveurs) et qui l'a prise ; il vérifie que les preuves \
                     sont préservées (machines {kept} laissées allumées, journaux conservés)."
                ),
                expects: Some((isolate(None), by)),
            });
            contingencies.push(self.late_isolation(by, encrypted));
        }
        if let Some(r) = self.restore {
            let process = self.plan.process(r.process);
            let service = r.service.map(|s| self.plan.service(s));
            let evaluation = match service {
                Some(s) => format!(
                    "L'observateur relève l'heure de la décision de reprise de « {} », vérifie \
                     qu'elle suit les dépendances du plan et note les arbitrages faits au détriment \
                     d'autres processus ; la simulation dit si « {} » revient avant sa DMIA.",
                    s.name, process.name
                ),
                None => format!(
                    "L'observateur relève les décisions de reprise prises pour « {} », vérifie \
                     qu'elles suivent les dépendances du plan et note les arbitrages faits au \
                     détriment d'autres processus.",
                    process.name
                ),
            };
            objectives.push(DraftObjective {
                id: "reprise".into(),
                text: format!(
                    "Rétablir « {} » avant sa DMIA ({})",
                    process.name,
                    fr_duration(process.mtpd.as_secs())
                ),
                evaluation,
                expects: service.map(|s| (restore_expected(&s.id), r.by)),
            });
            if let Some(s) = r.service {
                contingencies.push(self.late_restore(r, s));
            }
        }
        if let Some(d) = self.degrade {
            let process = self.plan.process(d.process);
            let name = process.workaround.as_ref().map_or("", |w| w.name.as_str());
            objectives.push(DraftObjective {
                id: "continuite".into(),
                text: format!(
                    "Activer le mode dégradé de « {} » sans attendre le retour du système \
                     d'information",
                    process.name
                ),
                evaluation: format!(
                    "L'observateur relève l'heure d'activation du mode dégradé prévu au plan \
                     ({name}) et la façon dont les agents et les usagers en sont informés."
                ),
                expects: Some((workaround_expected(&process.id), d.by)),
            });
            contingencies.push(self.late_workaround(d));
        }
        objectives.push(DraftObjective {
            id: "communication".into(),
            text: "Informer la population, les agents et les élus de façon coordonnée".into(),
            evaluation: "L'observateur évalue le délai du premier communiqué (faits établis \
                         seulement, pas de date de retour non étayée), l'existence d'un porte-parole \
                         unique, la prise en compte des réseaux sociaux et l'information des agents \
                         par un canal qui ne dépend pas du système d'information."
                .into(),
            expects: None,
        });
        if objectives.len() < 3 {
            objectives.push(DraftObjective {
                id: "priorites".into(),
                text: "Fixer un ordre de reprise fondé sur les DMIA du plan".into(),
                evaluation: "L'observateur compare l'ordre retenu par la cellule à celui que calcule \
                             `reprise recover --scenario` et relève les arbitrages explicites entre \
                             directions."
                    .into(),
                expects: None,
            });
        }
        (objectives, contingencies)
    }

    /// The objective an inject about the workaround serves, if the draft
    /// has it.
    fn continuity(&self) -> Option<&'static str> {
        self.degrade.map(|_| "continuite")
    }

    fn recovery(&self) -> Option<&'static str> {
        self.restore.map(|_| "reprise")
    }

    /// The sender speaking for a process: its owner's service, else the
    /// reception of its entity.
    fn owner(&self, p: ProcessId) -> String {
        let process = self.plan.process(p);
        process
            .owner
            .as_deref()
            .map(sender)
            .filter(|o| !o.is_empty())
            .map_or_else(|| self.reception(p), str::to_string)
    }

    fn reception(&self, p: ProcessId) -> String {
        let entity = &self.plan.entities[self.plan.process(p).entity.index()].name;
        format!("Accueil des usagers ({entity})")
    }

    fn note(&mut self, at: u64, action: &scenario::Action, note: &str) {
        let (to, channel, from): (&'static [&'static str], _, &str) = match action {
            scenario::Action::Note => (
                &[DGS, DSI],
                Channel::Meeting,
                "Cellule d'animation (point de situation)",
            ),
            scenario::Action::Isolate { .. } => (
                &[DSI, RSSI],
                Channel::Phone,
                "Responsable réseau et télécoms",
            ),
            scenario::Action::Power { .. } => (
                &[DGS, DSI],
                Channel::Phone,
                "Responsable technique des bâtiments",
            ),
            scenario::Action::Staff { .. } => (&[DSI], Channel::Phone, "Encadrement de la DSI"),
            scenario::Action::Outage { .. } | scenario::Action::Destroy { .. } => {
                (&[DSI], Channel::Phone, "Astreinte d'exploitation de la DSI")
            }
        };
        let m = Message {
            to,
            channel,
            from: from.into(),
            text: note.into(),
        };
        self.push(at, 0, m, Vec::new(), None);
    }

    fn discovery(&mut self, at: u64, encrypted: bool, notes: &[String]) {
        let plan = self.plan;
        let attack = self.scenario.attack.as_ref();
        let entry_zone = attack
            .and_then(|a| a.entry.first())
            .and_then(|&s| plan.service(s).zone)
            .map(|z| &plan.zones[z.index()]);
        let mut text = String::new();
        let from = if encrypted {
            text.push_str(
                "Les appels d'agents se multiplient : sur les postes, les fichiers portent une \
                 extension inconnue et une note de rançon s'ouvre au démarrage ; les lecteurs \
                 réseau ne répondent plus. Les techniciens soupçonnent une attaque par \
                 rançongiciel.",
            );
            "Centre de services de la DSI"
        } else {
            let since = attack.map_or(0, |a| at.saturating_sub(a.at.as_secs()));
            let _ = write!(
                text,
                "Le SOC signale une attaque en cours : un attaquant est présent dans le système \
                 d'information depuis {}",
                fr_duration(since)
            );
            if let Some(t) = attack.and_then(|a| a.technique.as_ref()) {
                let _ = write!(text, " (technique {t})");
            }
            let compromised = &self.facts.compromised;
            if compromised.is_empty() {
                text.push('.');
            } else {
                let _ = write!(
                    text,
                    " ; {} compromis : {}.",
                    count(compromised.len(), "service est", "services sont"),
                    names(compromised.iter().map(|&s| plan.service(s).name.as_str()))
                );
            }
            text.push_str(" Rien n'est encore chiffré.");
            "Prestataire de détection (SOC)"
        };
        for n in notes {
            text.push(' ');
            text.push_str(n);
        }
        let what = if encrypted {
            "une attaque par rançongiciel"
        } else {
            "une intrusion"
        };
        let kept = if encrypted {
            "chiffrées"
        } else {
            "compromises"
        };
        let isolation = match entry_zone {
            Some(z) => act(
                &format!(
                    "Isoler la zone « {} » par laquelle l'attaquant est entré",
                    z.name.as_deref().unwrap_or(&z.id)
                ),
                isolate(Some(&z.id)),
            ),
            None => act(
                "Isoler les serveurs et couper les accès Internet et VPN",
                isolate(None),
            ),
        };
        let expects = vec![
            say(&format!(
                "Qualifier l'incident comme {what} et alerter la direction générale"
            )),
            isolation,
            say(&format!(
                "Préserver les preuves : ne pas éteindre les machines {kept}, conserver les \
                 journaux"
            )),
        ];
        let m = Message {
            to: &[DSI, RSSI],
            channel: Channel::Phone,
            from: from.into(),
            text,
        };
        self.push(at, 1, m, expects, Some("isoler"));
    }

    fn first_down(&mut self, at: u64, services: &[ServiceId], notes: &[String]) {
        let plan = self.plan;
        let mut text = String::new();
        for n in notes {
            text.push_str(n);
            text.push(' ');
        }
        let _ = write!(
            text,
            "Les alertes s'enchaînent : {} ne {} plus. Le centre de services reçoit les \
             premiers appels d'agents.",
            names(services.iter().map(|&s| plan.service(s).name.as_str())),
            if services.len() == 1 {
                "répond"
            } else {
                "répondent"
            }
        );
        let expects = vec![
            say("Qualifier l'incident, en mesurer l'étendue et prévenir la direction générale"),
            act("Activer la cellule de crise", crisis()),
        ];
        let m = Message {
            to: &[DSI],
            channel: Channel::Phone,
            from: "Astreinte d'exploitation de la DSI".into(),
            text,
        };
        self.push(at, 2, m, expects, Some("cellule"));
    }

    fn stopping(&mut self, at: u64, processes: &[ProcessId]) {
        let plan = self.plan;
        let mut sorted = processes.to_vec();
        sorted.sort_by_key(|&p| (Reverse(plan.process(p).criticality), p));
        let (from, text) = if let [p] = sorted.as_slice() {
            let process = plan.process(*p);
            let down = blocking(plan, self.facts, *p, at);
            let mut text = format!("« {} » est à l'arrêt", process.name);
            if down.is_empty() {
                text.push('.');
            } else {
                let _ = write!(
                    text,
                    " : {} ne {} plus.",
                    names(down.iter().map(|&s| plan.service(s).name.as_str())),
                    if down.len() == 1 {
                        "répond"
                    } else {
                        "répondent"
                    }
                );
            }
            if let Some(w) = &process.workaround {
                let _ = write!(
                    text,
                    " Le plan prévoit un mode dégradé : {} (mise en place en {}).",
                    w.name,
                    fr_duration(w.activation.as_secs())
                );
            }
            text.push_str(" Les agents demandent des consignes.");
            (self.owner(*p), text)
        } else {
            let listed = names(sorted.iter().map(|&p| {
                let process = plan.process(p);
                format!("{} ({})", process.name, process.criticality.label(Lang::Fr))
            }));
            let text = format!(
                "Plusieurs directions appellent : {} à l'arrêt : {listed}. Les agents ne \
                 peuvent plus servir les usagers et demandent des consignes.",
                count(sorted.len(), "activité est", "activités sont")
            );
            (self.reception(sorted[0]), text)
        };
        let mut expects: Vec<DraftAction> = sorted
            .iter()
            .filter_map(|&p| {
                let process = plan.process(p);
                let w = process.workaround.as_ref()?;
                Some(act(
                    &format!(
                        "Activer le mode dégradé de « {} » : {}",
                        process.name, w.name
                    ),
                    workaround_expected(&process.id),
                ))
            })
            .take(3)
            .collect();
        expects.push(say(
            "Informer les agents des guichets et les usagers de ce qui reste possible",
        ));
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from,
            text,
        };
        let objective = self.continuity();
        self.push(at, 3, m, expects, objective);
    }

    fn losses(&mut self, at: u64, run: &Run) {
        let plan = self.plan;
        let backups: Vec<&str> = self
            .facts
            .destroyed
            .iter()
            .map(|&s| plan.service(s))
            .filter(|s| s.kind == ServiceKind::Backup)
            .map(|s| s.name.as_str())
            .collect();
        let none: Vec<&str> = run
            .data
            .iter()
            .filter(|d| d.loss.is_none())
            .map(|d| plan.service(d.service).name.as_str())
            .collect();
        let partial: Vec<u64> = run
            .data
            .iter()
            .filter_map(|d| d.loss.filter(|&l| l > 0))
            .collect();
        let beyond: Vec<&str> = run
            .processes
            .iter()
            .filter(|r| {
                plan.process(r.process)
                    .rpo
                    .is_some_and(|rpo| r.data_loss.is_none_or(|l| l > rpo.as_secs()))
            })
            .map(|r| plan.process(r.process).name.as_str())
            .collect();
        let mut text = String::from(if self.attack.is_some() {
            "Premier bilan des sauvegardes après l'attaque."
        } else {
            "Premier bilan des sauvegardes."
        });
        if !backups.is_empty() {
            let _ = write!(
                text,
                " {} {} hors service.",
                names(backups.iter().copied()),
                if backups.len() == 1 { "est" } else { "sont" },
            );
        }
        if !none.is_empty() {
            let _ = write!(
                text,
                " Aucune copie utilisable ne subsiste pour {}.",
                names(none.iter().copied())
            );
        }
        if let (Some(&least), Some(&most)) = (partial.iter().min(), partial.iter().max()) {
            let age = if least == most {
                fr_duration(least)
            } else {
                format!("{} à {}", fr_duration(least), fr_duration(most))
            };
            let _ = write!(
                text,
                " Pour {}, il faudra repartir d'une copie vieille de {age}.",
                match (none.is_empty(), partial.len()) {
                    (true, 1) => "1 service de données".to_string(),
                    (true, n) => format!("{n} services de données"),
                    (false, 1) => "1 autre service de données".to_string(),
                    (false, n) => format!("{n} autres services de données"),
                },
            );
        }
        if !beyond.is_empty() {
            let _ = write!(
                text,
                " Les données perdues dépassent la PDMA de {}.",
                names(beyond.iter().copied())
            );
        }
        let expects = vec![
            say(
                "Faire vérifier l'intégrité des copies restantes (immuables, hors ligne) avant \
                 toute restauration",
            ),
            say("Prévenir les directions concernées des données à ressaisir"),
        ];
        let to: &'static [&'static str] = if self.attack.is_some() {
            &[DSI, RSSI]
        } else {
            &[DSI, DGS]
        };
        let m = Message {
            to,
            channel: Channel::Phone,
            from: "Responsable de la sauvegarde".into(),
            text,
        };
        let objective = self.recovery();
        self.push(at, 4, m, expects, objective);
    }

    fn staff(&mut self, at: u64, team: TeamId, people: u32, notes: &[&str]) {
        let t = self.plan.team(team);
        let mut text = String::new();
        for n in notes {
            text.push_str(n);
            text.push(' ');
        }
        let usual = t.capacity;
        let expects;
        if people < usual {
            let _ = write!(
                text,
                "« {} » ne compte plus que {} disponible{} au lieu de {usual} : les \
                 travaux de reprise vont ralentir.",
                t.name,
                count(people as usize, "personne", "personnes"),
                if people > 1 { "s" } else { "" }
            );
            expects = vec![act(
                "Revoir les priorités de reprise ou obtenir un renfort (infogérance, prestataire)",
                Expected {
                    action: Action::Staff,
                    target: Some(t.id.clone()),
                    level: None,
                },
            )];
        } else if people > usual {
            let _ = write!(
                text,
                "« {} » compte désormais {} ({usual} habituellement).",
                t.name,
                count(people as usize, "personne", "personnes"),
            );
            expects = vec![say("Affecter les renforts aux reprises prioritaires")];
        } else {
            let _ = write!(
                text,
                "« {} » retrouve son effectif habituel ({}).",
                t.name,
                count(people as usize, "personne", "personnes"),
            );
            expects = Vec::new();
        }
        let m = Message {
            to: &[DSI],
            channel: Channel::Phone,
            from: format!("Encadrement — {}", t.name),
            text,
        };
        self.push(at, 5, m, expects, None);
    }

    /// Processes a quarter of their DMIA before breaching it (`breach`).
    fn warning(&mut self, at: u64, processes: &[(ProcessId, u64)]) {
        let plan = self.plan;
        let mut sorted = processes.to_vec();
        sorted.sort_by_key(|&(p, _)| (Reverse(plan.process(p).criticality), p));
        let (p, breach) = sorted[0];
        let process = plan.process(p);
        let (from, text) = if sorted.len() == 1 {
            let since = self
                .facts
                .stops
                .iter()
                .filter(|&&(t, q)| q == p && t <= at)
                .map(|&(t, _)| t)
                .next_back()
                .map_or(0, |t| at - t);
            let mut text = format!(
                "« {} » est perturbé depuis {} : sa DMIA de {} sera dépassée dans {}",
                process.name,
                fr_duration(since),
                fr_duration(process.mtpd.as_secs()),
                fr_duration(breach - at),
            );
            if let Some(w) = &process.workaround {
                let _ = write!(
                    text,
                    " ; le mode dégradé ({}) ne tient pas plus de {}",
                    w.name,
                    fr_duration(w.max_duration.as_secs())
                );
            }
            text.push_str(
                ". La direction demande quand le service reviendra et ce qui est prévu d'ici là.",
            );
            (self.owner(p), text)
        } else {
            let listed =
                names(sorted.iter().map(|&(q, b)| {
                    format!("{} (dans {})", plan.process(q).name, fr_duration(b - at))
                }));
            (
                "Responsable du plan de continuité d'activité".to_string(),
                format!(
                    "{} approchent de leur DMIA : {listed}. Les directions concernées demandent \
                     un arbitrage.",
                    count(sorted.len(), "processus", "processus")
                ),
            )
        };
        let mut expects = Vec::new();
        if let Some(&s) = blocking(plan, self.facts, p, at).first() {
            let service = plan.service(s);
            expects.push(act(
                &format!("Décider la reprise prioritaire de « {} »", service.name),
                restore_expected(&service.id),
            ));
        }
        expects.push(say(
            "Prolonger ou renforcer le mode dégradé, et prévenir les usagers du délai",
        ));
        let m = Message {
            to: &[DGS, DSI],
            channel: Channel::Mail,
            from,
            text,
        };
        let objective = self.recovery();
        self.push(at, 6, m, expects, objective);
    }

    /// The processes the public notices first: the essential and vital ones
    /// stopped when the first of them stops (else those of the first stop),
    /// most critical first.
    fn visible(&self) -> Vec<&str> {
        let plan = self.plan;
        let stops = &self.facts.stops;
        let important = |p: ProcessId| plan.process(p).criticality >= Criticality::Essential;
        let (t, only_important) = match stops.iter().find(|&&(_, p)| important(p)) {
            Some(&(t, _)) => (t, true),
            None => match stops.first() {
                Some(&(t, _)) => (t, false),
                None => return Vec::new(),
            },
        };
        let mut at_first: Vec<ProcessId> = stops
            .iter()
            .filter(|&&(s, p)| s == t && (important(p) || !only_important))
            .map(|&(_, p)| p)
            .collect();
        at_first.sort_by_key(|&p| (Reverse(plan.process(p).criticality), p));
        at_first
            .into_iter()
            .map(|p| plan.process(p).name.as_str())
            .collect()
    }

    fn press(&mut self, at: u64) {
        let visible = self.visible();
        let mut text = format!(
            "Bonjour, des habitants nous signalent que {} ne {} plus.",
            names(visible.iter().take(2).copied()),
            if visible.len() == 1 {
                "fonctionne"
            } else {
                "fonctionnent"
            }
        );
        if let Some((_, encrypted)) = self.attack {
            text.push_str(
                " On parle d'une cyberattaque : des données d'habitants ont-elles été volées ?",
            );
            if encrypted {
                text.push_str(" Allez-vous payer une rançon ?");
            }
        } else {
            text.push_str(" Que se passe-t-il ?");
        }
        text.push_str(" Quand tout sera-t-il rétabli ? Nous publions en ligne dans une heure.");
        let expects = vec![
            say("Diffuser un premier communiqué validé, limité aux faits établis"),
            say("Désigner un porte-parole unique et orienter vers lui toutes les demandes"),
        ];
        let m = Message {
            to: &[COM, ELUS],
            channel: Channel::Press,
            from: "Journaliste de la presse quotidienne régionale".into(),
            text,
        };
        self.push(at, 7, m, expects, Some("communication"));
    }

    fn social(&mut self, at: u64) {
        let visible = self.visible();
        let what = visible.first().copied().unwrap_or("la mairie");
        let text = format!(
            "« {what} : rien ne fonctionne depuis des heures et personne ne répond au \
             téléphone. Que se passe-t-il ? » — publication d'un habitant partagée plusieurs \
             centaines de fois, reprise par un élu d'opposition."
        );
        let expects = vec![
            say("Publier les démarches possibles en mode dégradé et un numéro joignable"),
            say("Informer les agents par un canal qui ne dépend pas de la messagerie"),
        ];
        let m = Message {
            to: &[COM, ELUS],
            channel: Channel::Social,
            from: "Compte d'un collectif d'habitants sur les réseaux sociaux".into(),
            text,
        };
        self.push(at, 8, m, expects, Some("communication"));
    }

    fn late_crisis(&self, by: u64) -> Pending {
        let situation = if self.attack.is_some() {
            "le système d'information est victime d'une cyberattaque".to_string()
        } else {
            match self.facts.stops.len() {
                0 => "l'informatique est en panne".to_string(),
                _ => format!(
                    "des services aux usagers sont à l'arrêt ({})",
                    names(self.visible().into_iter().take(2))
                ),
            }
        };
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from: "Cabinet du maire".into(),
            text: format!(
                "Le maire apprend par un agent que {situation}. Il demande pourquoi il n'a pas \
                 été prévenu et exige un point immédiat avec la direction générale."
            ),
        };
        self.contingency(
            crisis(),
            by,
            m,
            "Activer la cellule de crise et informer l'exécutif",
            "cellule",
        )
    }

    fn late_isolation(&self, by: u64, encrypted: bool) -> Pending {
        let more = if encrypted {
            "de nouveaux serveurs sont en cours de chiffrement"
        } else {
            "l'attaquant continue de progresser"
        };
        let m = Message {
            to: &[DSI, RSSI],
            channel: Channel::Phone,
            from: "Responsable réseau et télécoms".into(),
            text: format!(
                "Les pare-feu montrent des connexions sortantes continues vers une adresse à \
                 l'étranger : la copie de données se poursuit et {more}. Aucune décision \
                 d'isolement n'a été prise."
            ),
        };
        self.contingency(
            isolate(None),
            by,
            m,
            "Couper l'accès Internet et isoler les zones touchées",
            "isoler",
        )
    }

    fn late_restore(&self, r: Restore, s: ServiceId) -> Pending {
        let process = self.plan.process(r.process);
        let service = self.plan.service(s);
        let m = Message {
            to: &[DGS, DSI],
            channel: Channel::Phone,
            from: self.owner(r.process),
            text: format!(
                "« {} » est à l'arrêt depuis {} et personne n'a décidé de rétablir « {} ». Sa \
                 DMIA ({}) sera atteinte dans {}. La direction demande un arbitrage immédiat de \
                 la cellule de crise.",
                process.name,
                fr_duration(r.by - r.stop),
                service.name,
                fr_duration(process.mtpd.as_secs()),
                fr_duration((r.stop + process.mtpd.as_secs()).saturating_sub(r.by)),
            ),
        };
        self.contingency(
            restore_expected(&service.id),
            r.by,
            m,
            &format!("Décider la reprise prioritaire de « {} »", service.name),
            "reprise",
        )
    }

    fn late_workaround(&self, d: Degrade) -> Pending {
        let process = self.plan.process(d.process);
        let name = process.workaround.as_ref().map_or("", |w| w.name.as_str());
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from: self.reception(d.process),
            text: format!(
                "Les usagers attendent depuis {} ; faute de consigne, les agents ne peuvent \
                 rien faire pour « {} ». Le mode dégradé prévu au plan ({name}) n'a toujours pas \
                 été activé.",
                fr_duration(d.by - d.stop),
                process.name
            ),
        };
        self.contingency(
            workaround_expected(&process.id),
            d.by,
            m,
            &format!("Activer le mode dégradé de « {} »", process.name),
            "continuite",
        )
    }
}

fn roles() -> Vec<DraftRole> {
    let role = |id: &str, name: &str, kind| DraftRole {
        id: id.into(),
        name: name.into(),
        kind,
    };
    vec![
        role(
            DGS,
            "Directeur général des services (pilote de la cellule de crise)",
            RoleKind::Player,
        ),
        role(
            DSI,
            "Directeur des systèmes d'information",
            RoleKind::Player,
        ),
        role(
            RSSI,
            "Responsable de la sécurité des systèmes d'information",
            RoleKind::Player,
        ),
        role(COM, "Directeur de la communication", RoleKind::Player),
        role(ELUS, "Maire et élus d'astreinte", RoleKind::Player),
        role(
            "animation",
            "Cellule d'animation (joue les interlocuteurs extérieurs)",
            RoleKind::Facilitator,
        ),
        role(
            "observateur",
            "Observateurs (évaluent les objectifs)",
            RoleKind::Observer,
        ),
    ]
}

fn description(
    plan: &Plan,
    scenario: &Scenario,
    run: &Run,
    prelude: &[(u64, String)],
    start: u64,
    end: u64,
    seed: u64,
) -> String {
    let mut out = format!(
        "Brouillon tiré d'une simulation du scénario « {} » (graine {seed}), à relire et \
         compléter par la cellule d'animation : textes des stimuli, destinataires, objectifs, \
         hors-périmètre.",
        scenario.name
    );
    if let Some(d) = &scenario.description {
        out.push(' ');
        out.push_str(d.trim());
    }
    for (i, (t, note)) in prelude.iter().enumerate() {
        let when = if i == 0 {
            "Avant l'ouverture de l'exercice, à"
        } else {
            "À"
        };
        let _ = write!(out, " {when} {} : {note}", clock(*t));
        if !note.ends_with(['.', '!', '?', '…']) {
            out.push('.');
        }
    }
    let stopped = run.processes.iter().filter(|r| r.stopped()).count();
    let breached = run.processes.iter().filter(|r| r.breach).count();
    let _ = write!(
        out,
        " Dans la simulation, {stopped} processus sur {} {} et {}.",
        plan.processes.len(),
        if stopped > 1 {
            "s'arrêtent"
        } else {
            "s'arrête"
        },
        match breached {
            0 => "aucun ne dépasse sa DMIA".to_string(),
            1 => "1 dépasse sa DMIA".to_string(),
            n => format!("{n} dépassent leur DMIA"),
        }
    );
    let _ = write!(
        out,
        " L'exercice s'ouvre à {}{} et couvre {}.",
        clock(start),
        scenario
            .date(start)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default(),
        fr_duration(end - start)
    );
    out
}

fn crisis() -> Expected {
    Expected {
        action: Action::Crisis,
        target: None,
        level: Some(2),
    }
}

fn isolate(zone: Option<&str>) -> Expected {
    Expected {
        action: Action::Isolate,
        target: zone.map(|z| format!("zone:{z}")),
        level: None,
    }
}

fn restore_expected(service: &str) -> Expected {
    Expected {
        action: Action::Restore,
        target: Some(service.into()),
        level: None,
    }
}

fn workaround_expected(process: &str) -> Expected {
    Expected {
        action: Action::Workaround,
        target: Some(process.into()),
        level: None,
    }
}

fn act(text: &str, decision: Expected) -> DraftAction {
    DraftAction {
        text: text.into(),
        decision: Some(decision),
    }
}

fn say(text: &str) -> DraftAction {
    DraftAction {
        text: text.into(),
        decision: None,
    }
}

/// The name part of an owner such as "Direction de la population, 02 61 …".
fn sender(owner: &str) -> &str {
    owner.split(',').next().unwrap_or("").trim()
}

/// French list of names in guillemets, the first [`LISTED`] of them:
/// « a », « b » et 3 autres.
fn names<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let all: Vec<String> = items
        .into_iter()
        .map(|s| format!("« {} »", s.as_ref()))
        .collect();
    let shown = all.len().min(LISTED);
    let rest = all.len() - shown;
    let mut out = String::new();
    for (i, s) in all[..shown].iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == shown && rest == 0 {
                " et "
            } else {
                ", "
            });
        }
        out.push_str(s);
    }
    if rest > 0 {
        let _ = write!(
            out,
            " et {rest} {}",
            if rest == 1 { "autre" } else { "autres" }
        );
    }
    out
}

/// "1 personne", "3 personnes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration as French speakers say it: "45 min", "4 h", "4 h 30", "3 jours".
fn fr_duration(secs: u64) -> String {
    let days = secs / 86_400;
    let hours = secs / HOUR;
    let minutes = (secs % HOUR) / MINUTE;
    if secs < HOUR {
        format!("{} min", secs.div_ceil(MINUTE).max(1))
    } else if secs.is_multiple_of(86_400) && days >= 3 {
        format!("{days} jours")
    } else if minutes == 0 {
        format!("{hours} h")
    } else {
        format!("{hours} h {minutes:02}")
    }
}

/// A scenario time as the facilitators read it: T0, T+5j, T+1j6h30.
fn clock(t: u64) -> String {
    if t == 0 {
        return "T0".into();
    }
    if t < HOUR {
        return format!("T+{}min", t / MINUTE);
    }
    let mut out = String::from("T+");
    let (d, h, m) = (t / 86_400, (t % 86_400) / HOUR, (t % HOUR) / MINUTE);
    if d > 0 {
        let _ = write!(out, "{d}j");
    }
    if h > 0 || d == 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m:02}");
    }
    out
}

fn minute(t: u64) -> u64 {
    floor(t, MINUTE)
}

fn floor(t: u64, unit: u64) -> u64 {
    t - t % unit
}

fn ceil(t: u64, unit: u64) -> u64 {
    t.div_ceil(unit) * unit
}

impl Draft {
    /// The draft in the exercise format. `schema`: start with the
    /// `yaml-language-server` line that points editors at the exercise
    /// schema (when the draft is written beside it).
    pub fn to_yaml(&self, schema: bool) -> String {
        let mut y = String::new();
        if schema {
            y.push_str("# yaml-language-server: $schema=reprise.exercise.schema.json\n#\n");
        }
        y.push_str(
            "# Brouillon de chronogramme écrit par `reprise exercise generate` à partir\n\
             # d'une simulation du scénario",
        );
        let _ = writeln!(y, " (graine {}).", self.seed);
        if let Some(t0) = &self.t0 {
            let _ = writeln!(y, "# T0 : {t0}.");
        }
        y.push_str(
            "# Les heures sont celles du scénario, comptées depuis T0. À relire et compléter\n\
             # par la cellule d'animation : textes des stimuli, destinataires, objectifs,\n\
             # actions attendues.\n\n",
        );
        field(&mut y, 0, "title", &self.title);
        field(&mut y, 0, "scenario", &self.scenario);
        field(&mut y, 0, "description", &self.description);
        let _ = writeln!(y, "start: {}", Duration::from_secs(self.start));
        let _ = writeln!(y, "end: {}", Duration::from_secs(self.end));
        let _ = writeln!(y, "step: {}", Duration::from_secs(self.step));

        y.push_str("\nobjectives:\n");
        for o in &self.objectives {
            let _ = writeln!(y, "  - id: {}", word(&o.id));
            field(&mut y, 4, "text", &o.text);
            field(&mut y, 4, "evaluation", &o.evaluation);
            if let Some((e, by)) = &o.expects {
                let _ = writeln!(y, "    expects: {}", flow(e, "action", *by));
            }
        }

        y.push_str("\nroles:\n");
        for r in &self.roles {
            let _ = writeln!(
                y,
                "  - {{ id: {}, name: {}, kind: {} }}",
                word(&r.id),
                quoted(&r.name),
                r.kind.as_str()
            );
        }

        y.push_str("\ninjects:\n");
        let mut contingencies = false;
        for (i, inject) in self.injects.iter().enumerate() {
            if i > 0 {
                y.push('\n');
            }
            if matches!(inject.when, When::Unless { .. }) && !contingencies {
                y.push_str(
                    "  # Relances : jouées seulement si la décision attendue n'a pas été prise.\n",
                );
                contingencies = true;
            }
            let _ = writeln!(y, "  - id: {}", word(&inject.id));
            match &inject.when {
                When::At(t) => {
                    let _ = writeln!(y, "    at: {}", Duration::from_secs(*t));
                }
                When::Unless { expected, by } => {
                    let _ = writeln!(y, "    contingency: {}", flow(expected, "unless", *by));
                }
            }
            let to: Vec<String> = inject.to.iter().map(|r| word(r)).collect();
            let _ = writeln!(y, "    to: [{}]", to.join(", "));
            let _ = writeln!(y, "    channel: {}", inject.channel.as_str());
            field(&mut y, 4, "from", &inject.from);
            field(&mut y, 4, "text", &inject.text);
            if !inject.expects.is_empty() {
                y.push_str("    expects:\n");
                for e in &inject.expects {
                    entry(&mut y, "      - ", 10, "text", &e.text);
                    if let Some(d) = &e.decision {
                        let _ = writeln!(y, "        action: {}", d.action.as_str());
                        if let Some(t) = &d.target {
                            let _ = writeln!(y, "        target: {}", word(t));
                        }
                        if let Some(l) = d.level {
                            let _ = writeln!(y, "        level: {l}");
                        }
                    }
                }
            }
            if let Some(o) = &inject.objective {
                let _ = writeln!(y, "    objective: {}", word(o));
            }
        }
        y
    }
}

/// Lines are folded at this width when a text allows it.
const WIDTH: usize = 80;

/// `key: "value"` on its own line at `indent`, folded over several lines
/// when long.
fn field(y: &mut String, indent: usize, key: &str, value: &str) {
    entry(y, &" ".repeat(indent), indent + 2, key, value);
}

/// `key: "value"` after `lead` (spaces, or a list's dash), continuation
/// lines at `indent`, deeper than the key.
///
/// A double-quoted scalar may span lines: each line break between two
/// lines folds into one space and the next line's indentation is dropped.
/// So a line is only broken at a single space between two visible
/// characters (never after a backslash), which folds back into exactly
/// that space; nor inside French guillemets, before French high
/// punctuation, or after a digit (`24 h`, `4 200 postes`).
fn entry(y: &mut String, lead: &str, indent: usize, key: &str, value: &str) {
    let text = quoted(value);
    y.push_str(lead);
    y.push_str(key);
    y.push_str(": ");
    let mut column = lead.chars().count() + key.chars().count() + 2;
    let chars: Vec<char> = text.chars().collect();
    let mut line_start = 0;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let breakable = chars[i] == ' '
            && i > 0
            && i + 1 < chars.len()
            && !matches!(chars[i - 1], ' ' | '\\' | '«' | '—')
            && !chars[i - 1].is_ascii_digit()
            && !matches!(chars[i + 1], ' ' | '»' | ':' | ';' | '?' | '!');
        if breakable {
            last_break = Some(i);
        }
        if column + (i - line_start) >= WIDTH
            && let Some(b) = last_break.take()
        {
            y.extend(&chars[line_start..b]);
            y.push('\n');
            y.push_str(&" ".repeat(indent));
            column = indent;
            line_start = b + 1;
        }
        i += 1;
    }
    y.extend(&chars[line_start..]);
    y.push('\n');
}

/// A decision as a flow mapping: `{ action: isolate, target: "zone:dmz",
/// by: 5d2h }`, with `action` named `key` (`unless` for a contingency).
fn flow(e: &Expected, key: &str, by: u64) -> String {
    let mut out = format!("{{ {key}: {}", e.action.as_str());
    if let Some(t) = &e.target {
        let _ = write!(out, ", target: {}", word(t));
    }
    if let Some(l) = e.level {
        let _ = write!(out, ", level: {l}");
    }
    let _ = write!(out, ", by: {} }}", Duration::from_secs(by));
    out
}

/// An id as a plain scalar when YAML reads it back as the same string,
/// quoted otherwise (`zone:dmz`, `yes`, `123`).
fn word(id: &str) -> String {
    let plain = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            id.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "nan" | "inf"
        );
    if plain { id.to_string() } else { quoted(id) }
}

/// `s` as a YAML double-quoted scalar: backslash and quote escaped, and
/// every character YAML would not keep as written (controls, line and
/// paragraph separators, the byte order mark, non-characters) written as an
/// escape. Everything else, accents included, stays as it is.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;
    use crate::load::yaml::{self, Value};

    /// The string YAML reads back from `key: …` as written by `entry`.
    fn read_back(y: &str) -> String {
        let node = yaml::load(FileId(0), y).unwrap_or_else(|e| panic!("{y}\n{e:?}"));
        let Value::Map(entries) = node.value else {
            panic!("not a map: {y}");
        };
        match &entries[0].1.value {
            Value::String(s) => s.clone(),
            other => panic!("not a string: {other:?} in {y}"),
        }
    }

    #[test]
    fn quoted_strings_read_back_as_written() {
        let cases = [
            "",
            "simple",
            "« Écrans de rançon » : tout s'arrête ; #1 à 5d",
            "quote \" and backslash \\ and \\\" both",
            "tab\there, newline\nthere, return\r, nul\0",
            "  leading and trailing spaces  ",
            "double  spaces  inside   and\ttabs",
            "line\u{2028}separator\u{2029}paragraph\u{85}next\u{a0}nbsp",
            "bom\u{feff} controls \u{1}\u{1f}\u{7f}\u{9f} non-char \u{fffe}",
            "emoji 🔥 and CJK 漢字",
            "- looks like a list",
            "key: value",
            "yes",
            "null",
            "123",
            "---",
            "ends with a backslash \\",
            "\\ starts with a backslash",
        ];
        for s in cases {
            assert_eq!(read_back(&format!("k: {}\n", quoted(s))), s, "{s:?}");
        }
    }

    #[test]
    fn long_texts_fold_over_lines_and_read_back_the_same() {
        let word_salad = "L'attaquant « Nemesis » a chiffré \"tout\" ; \\ les  doubles  espaces \
                          restent, les\ttabulations aussi, et les lignes se plient à la largeur \
                          voulue sans rien changer au texte lu en retour. "
            .repeat(6);
        for text in [
            word_salad.as_str(),
            "a b",
            &"x".repeat(300),
            &"mot ".repeat(80),
        ] {
            let mut y = String::new();
            field(&mut y, 4, "text", text);
            // Under a list entry, as in a draft.
            let doc = format!("k:\n  - x: 1\n{y}");
            let node = yaml::load(FileId(0), &doc).unwrap_or_else(|e| panic!("{doc}\n{e:?}"));
            let Value::Map(top) = node.value else {
                panic!()
            };
            let Value::Seq(items) = &top[0].1.value else {
                panic!()
            };
            let Value::Map(fields) = &items[0].value else {
                panic!()
            };
            let Value::String(back) = &fields[1].1.value else {
                panic!("{doc}")
            };
            assert_eq!(back, text, "{doc}");
            if text.contains(' ') && text.len() > WIDTH {
                assert!(y.lines().count() > 1, "{y}");
            }
        }
    }

    #[test]
    fn ids_stay_plain_only_when_they_read_back_as_strings() {
        assert_eq!(word("etat-civil-nantes"), "etat-civil-nantes");
        assert_eq!(word("zone:dmz"), "\"zone:dmz\"");
        assert_eq!(word("yes"), "\"yes\"");
        assert_eq!(word("123"), "\"123\"");
        assert_eq!(word("1e3"), "\"1e3\"");
    }

    #[test]
    fn french_lists_and_durations() {
        assert_eq!(names(["a"]), "« a »");
        assert_eq!(names(["a", "b"]), "« a » et « b »");
        assert_eq!(names(["a", "b", "c"]), "« a », « b » et « c »");
        assert_eq!(
            names(["a", "b", "c", "d", "e", "f", "g"]),
            "« a », « b », « c », « d », « e » et 2 autres"
        );
        assert_eq!(
            names(["a", "b", "c", "d", "e", "f"]),
            "« a », « b », « c », « d », « e » et 1 autre"
        );
        assert_eq!(fr_duration(0), "1 min");
        assert_eq!(fr_duration(45 * MINUTE), "45 min");
        assert_eq!(fr_duration(4 * HOUR), "4 h");
        assert_eq!(fr_duration(4 * HOUR + 30 * MINUTE), "4 h 30");
        assert_eq!(fr_duration(48 * HOUR), "48 h");
        assert_eq!(fr_duration(5 * 86_400), "5 jours");
        assert_eq!(clock(0), "T0");
        assert_eq!(clock(5 * 86_400), "T+5j");
        assert_eq!(clock(86_400 + 6 * HOUR + 30 * MINUTE), "T+1j6h30");
        assert_eq!(clock(45 * MINUTE), "T+45min");
        assert_eq!(
            sender("Direction de la population, 02 61 91 20 10"),
            "Direction de la population"
        );
    }
}

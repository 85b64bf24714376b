//! The discrete-event engine: the world moves from one moment to the next,
//! and the teams act on what they know at each moment.
//!
//! The world is a set of services (damaged, out for a while, being worked
//! on, or fine), zones (isolated or not), teams (people available, people
//! busy) and an attacker whose moves stay hidden until the attack ends.
//! Things happen through an agenda of timed [`Intervention`]s (the
//! scenario's lines, reverts of temporary changes, the attack's end) and
//! through the work the teams finish.
//!
//! Who decides what the teams do:
//! - [`Lead::Scheduler`] (simulations): the team leads plan with what they know
//!   at the moment (damage seen, announced returns, announced staff, nominal
//!   durations) using the scheduler, and start each step when its planned
//!   time comes, its dependencies are actually up and its people are free.
//!   They plan again whenever they learn something about the situation: a
//!   new hit, a staff change, the attack's end, an isolation (not the end of
//!   an outage, isolation or staff change announced when it began: the plan
//!   already counts on it). When work ends
//!   earlier or later than expected, they keep the plan's order and start
//!   each next step as soon as it is ready and its people are free
//!   (priority-list repair), rather than plan afresh: cheap enough for
//!   thousands of runs.
//! - [`Lead::Orders`] (exercises): the teams only do what the players
//!   order, in the order given, as soon as dependencies and people allow.
//!
//! Invariants the engine keeps (and property tests check): no work starts
//! before the services it depends on are up; no team ever has more people
//! busy than it has (when staff falls below the work in progress, the work
//! started last is interrupted and must start over); states always follow
//! from what is unavailable by the propagation rules of
//! [`crate::analysis::state`]. The engine reads no clock and draws nothing
//! itself: times come from the caller, randomness from the scenario's
//! seeded draws.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::DecideError;
use super::attack::{self, Outcome};
use crate::analysis::state::{Isolation, State, propagate_with};
use crate::graph::{DependencyGraph, Units};
use crate::model::{
    Crew, Fate, Fates, NodeRef, Plan, ProcessId, ServiceId, SiteId, TeamId, ZoneId, copies, crews,
};
use crate::recovery::{self, Budget, Damage, Mode, RecoveryOrder, Situation, Spell};
use crate::scenario::attack::{Attack, Cut};

use super::{EventKind, SimEvent};

mod dispatch;
mod planning;
mod view;

use dispatch::SvcFates;
use dispatch::expected_end;
pub use planning::OrderCache;

/// Something that changes the world at a moment: a line of a scenario or a
/// player's decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Intervention {
    /// The services fail; until `until` (they come back by themselves), or
    /// until restored when `None`.
    Outage {
        services: Vec<ServiceId>,
        until: Option<u64>,
    },
    /// The services are destroyed and must be rebuilt.
    Destroy { services: Vec<ServiceId> },
    /// The team has `capacity` people, until `until` (then its full
    /// strength again) or for good.
    Staff {
        team: TeamId,
        capacity: u32,
        until: Option<u64>,
    },
    /// The zone is cut off the network: the flows across its boundary are
    /// cut (see [`Isolation`]) and the attacker can no longer move into or
    /// out of it.
    Isolate { zone: ZoneId, until: Option<u64> },
    /// The zone is connected again.
    Reconnect { zone: ZoneId },
    /// Mains power is cut on these power services; those with an
    /// `autonomy` (generators, batteries) keep running that long first.
    Power {
        services: Vec<ServiceId>,
        until: Option<u64>,
    },
    /// A line for the timeline.
    Note(String),
    /// A player orders the restoration (or rebuild) of a service, with a
    /// given team instead of the planned one.
    Restore {
        service: ServiceId,
        team: Option<TeamId>,
    },
    /// A player orders the failover of a service to its standby.
    Failover { service: ServiceId },
    /// A player orders a service brought back at a recovery site (the
    /// first it may go to when `site` is `None`).
    Relocate {
        service: ServiceId,
        site: Option<SiteId>,
    },
    /// A player activates a process's workaround.
    Workaround { process: ProcessId },
}

/// Who decides the teams' work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// The scheduler plans, and plans again when the situation changes;
    /// `schedules` is the search budget of each planning.
    Scheduler { schedules: u64 },
    /// The players' orders, nothing else.
    Orders,
}

/// Work in progress on a service.
#[derive(Debug, Clone)]
struct Work {
    mode: Mode,
    start: u64,
    /// When the teams expect it to end.
    expected: u64,
    crew: Crew,
}

#[derive(Debug, Clone, Default)]
struct Svc {
    damage: Option<Damage>,
    /// Out for a while: back by itself at this time (`u64::MAX`: until
    /// someone acts).
    out_until: Option<u64>,
    work: Option<Work>,
    /// The order a player gave, if any, with a forced mode and team.
    ordered: Option<(Option<Mode>, Option<TeamId>)>,
    hit_at: Option<u64>,
    /// Failed over: runs on its standby, whatever its own dependencies.
    on_standby: bool,
    /// At a recovery site (brought there, or being brought there): runs on
    /// that site's platform and takes room there.
    placed: Option<SiteId>,
    /// Physically destroyed (fire, flood, `destroy`), not only held by the
    /// attacker.
    destroyed: bool,
    encrypted: bool,
    /// The attack ended in encryption and the attacker could reach it.
    exposed: bool,
    /// How long the attacker held it before the attack ended.
    held_for: u64,
    /// Held by the attacker: no work on it before the investigation ends.
    frozen_until: u64,
    /// When it was destroyed or taken (its copies' retrieval counts from
    /// then).
    lost_at: Option<u64>,
    /// Shut down cleanly for this power source's reserves running out: not
    /// restarted while the source still runs on them.
    shut_for: Option<ServiceId>,
    /// A power source running on its reserves: when its mains are due
    /// back (`u64::MAX`: not known).
    draining: Option<u64>,
}

/// One executed piece of work, for reports.
#[derive(Debug, Clone)]
pub struct Done {
    pub service: ServiceId,
    pub mode: Mode,
    pub start: u64,
    pub finish: u64,
    /// Who did it (the planned crew, or another the plan allows).
    pub crew: Crew,
    /// Stopped before the end (staff fell below the work in progress, or
    /// the service was hit again).
    pub interrupted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// An intervention from the agenda, by its index in `pending`.
    Intervention(usize),
    /// A temporary outage ends.
    Back(ServiceId),
    /// A generator or battery runs out.
    Drained(ServiceId, u64),
    /// Work on a service ends (if it is still the same work).
    Finish(ServiceId, u64),
    /// A zone's isolation ends.
    Reconnect(ZoneId, u64),
    /// A staff change ends.
    StaffBack(TeamId, u64),
    /// The attack ends (encryption or detection): its damage shows.
    AttackEnds,
    /// Work on a service may start now: its copy is brought back, a
    /// recovery site opens, a failover's decision is taken.
    Wake(ServiceId),
    /// The team's surge is over: it goes to its sustained capacity.
    Rota(TeamId),
    /// The controlled shutdown of what a power source keeps running,
    /// before its reserves run out; after everything else due at the same
    /// moment (what it stops is what runs then).
    Shutdown(ServiceId),
}

/// A repair to make: a service that needs work, its damage, and the work
/// under way on it.
#[derive(Debug, Clone)]
pub struct Repair {
    pub service: ServiceId,
    pub damage: Damage,
    /// Work in progress: how, since when, and when the teams expect it done.
    pub work: Option<(Mode, u64, u64)>,
}

/// The state of a process for a live board.
#[derive(Debug, Clone)]
pub struct ProcessBoard {
    pub process: ProcessId,
    pub state: State,
    /// Since when it is down or degraded, if it is.
    pub since: Option<u64>,
    /// When its DMIA is breached if nothing changes (workaround included).
    pub deadline: Option<u64>,
    pub workaround: bool,
}

#[derive(Clone)]
pub struct Engine<'p> {
    plan: &'p Plan,
    graph: &'p DependencyGraph,
    units: Units,
    pub now: u64,
    lead: Lead,
    options: recovery::Options,
    /// Per service and way of bringing it back (restore, failover,
    /// rebuild, relocation): how long the work really takes, when it
    /// differs from the plan (Monte Carlo draws).
    actual: Option<Vec<[u64; 4]>>,
    svc: Vec<Svc>,
    /// Per zone: isolated until (`u64::MAX`: until reconnected).
    isolated: Vec<Option<u64>>,
    /// Isolations so far, for the attacker: the last of a zone ends when
    /// it is connected again.
    isolations: Vec<Cut>,
    staff: Vec<u32>,
    /// Per team: announced changes `(at, people)` still to come.
    announced: Vec<Vec<(u64, u32)>>,
    /// Per team: its change to its sustained capacity is still to come
    /// (no staff change holds at that moment).
    rota: Vec<bool>,
    /// Per team: capacity history `(from, people)`.
    capacity_log: Vec<Vec<(u64, u32)>>,
    busy: Vec<u32>,
    pending: Vec<Intervention>,
    agenda: BinaryHeap<Reverse<(u64, Due)>>,
    /// The attack and its draws, redrawn identically when an isolation
    /// changes its course.
    attack: Option<(Attack, u64)>,
    outcome: Option<Outcome>,
    attack_over: bool,
    /// The teams' current plan: steps to start, by planned start, how, and
    /// with whom.
    steps: Vec<(u64, ServiceId, Mode, Crew)>,
    /// Players' orders, in the order given.
    orders: Vec<ServiceId>,
    replan: bool,
    /// Work ended earlier or later than the plan expected: the teams keep
    /// the plan's order but no longer wait for its times.
    repair: bool,
    /// What is unavailable changed since states were last propagated.
    dirty: bool,
    states: Vec<State>,
    since: Vec<u64>,
    /// Per process: intervals its IT was down, the open one last.
    pub(super) it_down: Vec<Vec<(u64, u64)>>,
    pub(super) it_degraded: Vec<u64>,
    /// Per process: when a player activated its workaround.
    pub(super) workaround_at: Vec<Option<u64>>,
    pub(super) events: Vec<SimEvent>,
    pub(super) done: Vec<Done>,
    pub(super) generated: u64,
    pub(super) plans: u32,
    /// The first plan the scheduler made, for reports.
    pub(super) first_plan: Option<RecoveryOrder>,
    /// Per service: the directory its rebuild waits for after the attack
    /// (see [`copies::rejoins`]).
    rejoin: Vec<Option<ServiceId>>,
    /// Plans already made for the same situation (Monte Carlo runs share
    /// it): planning is deterministic, so a plan found there is the plan
    /// the teams would make.
    cache: Option<std::sync::Arc<OrderCache>>,
}

impl<'p> Engine<'p> {
    pub fn new(
        plan: &'p Plan,
        graph: &'p DependencyGraph,
        lead: Lead,
        options: recovery::Options,
    ) -> Engine<'p> {
        let n = plan.services.len();
        let mut engine = Engine {
            plan,
            graph,
            units: graph.units(),
            now: 0,
            lead,
            options,
            actual: None,
            svc: vec![Svc::default(); n],
            isolated: vec![None; plan.zones.len()],
            isolations: Vec::new(),
            staff: plan.teams.iter().map(|t| t.capacity).collect(),
            announced: vec![Vec::new(); plan.teams.len()],
            capacity_log: plan.teams.iter().map(|t| vec![(0, t.capacity)]).collect(),
            busy: vec![0; plan.teams.len()],
            pending: Vec::new(),
            agenda: BinaryHeap::new(),
            attack: None,
            outcome: None,
            attack_over: false,
            steps: Vec::new(),
            orders: Vec::new(),
            replan: false,
            repair: false,
            dirty: true,
            states: vec![State::Up; plan.node_count()],
            since: vec![0; plan.node_count()],
            it_down: vec![Vec::new(); plan.processes.len()],
            it_degraded: vec![0; plan.processes.len()],
            workaround_at: vec![None; plan.processes.len()],
            events: Vec::new(),
            done: Vec::new(),
            generated: 0,
            plans: 0,
            first_plan: None,
            cache: None,
            rejoin: vec![None; n],
            rota: vec![false; plan.teams.len()],
        };
        // Teams that cannot keep their strength for long go to their
        // sustained capacity after the surge, as announced from the start.
        for (t, team) in plan.teams.iter().enumerate() {
            if let Some(x) = team.sustained {
                let at = x.after.as_secs();
                engine.rota[t] = true;
                engine.announced[t].push((at, x.capacity));
                engine
                    .agenda
                    .push(Reverse((at, Due::Rota(TeamId(t as u32)))));
            }
        }
        engine
    }

    /// Shares plans with other engines playing the same scenario.
    pub fn set_cache(&mut self, cache: std::sync::Arc<OrderCache>) {
        self.cache = Some(cache);
    }

    /// How long the work on each service really takes, per way of bringing
    /// it back (`[restore, failover, rebuild, relocation]`), when it
    /// differs from the plan (Monte Carlo): the teams still plan with the
    /// planned durations.
    pub fn set_actual(&mut self, actual: Vec<[u64; 4]>) {
        self.actual = Some(actual);
    }

    /// Schedules an intervention (`at` ≥ now).
    pub fn schedule(&mut self, at: u64, what: Intervention) {
        self.pending.push(what);
        self.agenda.push(Reverse((
            at.max(self.now),
            Due::Intervention(self.pending.len() - 1),
        )));
    }

    /// Adds a cyberattack whose draws come from `seed`.
    pub fn set_attack(&mut self, attack: Attack, seed: u64) {
        self.attack = Some((attack, seed));
        self.redraw_attack();
    }

    pub fn attack_outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// Unfolds the attack again with the isolations known now; each move's
    /// draw depends only on its pair of services, so what happened before
    /// the last isolation or reconnection stays as it was.
    fn redraw_attack(&mut self) {
        let Some((attack, seed)) = &self.attack else {
            return;
        };
        if self.attack_over {
            return;
        }
        let outcome = attack::unfold(self.plan, attack, &self.isolations, *seed);
        // Only one end is on the agenda: drop a stale one.
        let agenda = std::mem::take(&mut self.agenda);
        self.agenda = agenda
            .into_iter()
            .filter(|Reverse((_, d))| *d != Due::AttackEnds)
            .collect();
        self.agenda
            .push(Reverse((outcome.end.max(self.now), Due::AttackEnds)));
        self.outcome = Some(outcome);
    }

    /// When something happens next, if anything does.
    pub fn next_time(&self) -> Option<u64> {
        let agenda = self.agenda.peek().map(|Reverse((t, _))| *t);
        let step = match self.lead {
            Lead::Scheduler { .. } if !self.repair => self
                .steps
                .iter()
                .filter(|(t, s, _, _)| *t > self.now && self.svc[s.index()].work.is_none())
                .map(|(t, _, _, _)| *t)
                .min(),
            Lead::Scheduler { .. } => None,
            Lead::Orders => None,
        };
        match (agenda, step) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Plays every moment up to `t` included, then sets the clock to `t`.
    /// Returns how many events this added.
    pub fn advance_to(&mut self, t: u64) -> usize {
        let before = self.events.len();
        if self.now == 0 && self.plans == 0 && self.events.is_empty() {
            // T0 itself is a moment.
            self.moment();
        }
        while let Some(next) = self.next_time() {
            if next > t {
                break;
            }
            self.now = next;
            self.moment();
        }
        self.now = self.now.max(t);
        self.events.len() - before
    }

    /// Plays until nothing more happens, or `horizon`.
    pub fn run_until_quiet(&mut self, horizon: u64) {
        self.advance_to(0);
        while let Some(next) = self.next_time() {
            if next > horizon {
                break;
            }
            self.now = next;
            self.moment();
        }
    }

    /// Applies a player's decision now. Errors say why it cannot be done.
    pub fn decide(&mut self, what: Intervention) -> Result<(), DecideError> {
        let plan = self.plan;
        match &what {
            Intervention::Restore { service, team } => {
                let s = &self.svc[service.index()];
                if s.damage.is_none() {
                    return Err(DecideError::NotDamaged {
                        service: plan.service(*service).id.clone(),
                        restore: true,
                    });
                }
                if s.work.is_some() {
                    return Err(DecideError::InProgress {
                        service: plan.service(*service).id.clone(),
                    });
                }
                if let Some(t) = team
                    && plan.service(*service).recovery.needs.is_empty()
                {
                    return Err(DecideError::NoTeamNeeded {
                        service: plan.service(*service).id.clone(),
                        team: plan.team(*t).id.clone(),
                    });
                }
                self.svc[service.index()].ordered = Some((None, *team));
                self.orders.retain(|o| o != service);
                self.orders.push(*service);
            }
            Intervention::Failover { service } => {
                let s = &self.svc[service.index()];
                let Some(f) = plan.service(*service).recovery.failover else {
                    return Err(DecideError::NoFailover {
                        service: plan.service(*service).id.clone(),
                    });
                };
                // Damaged, or stranded by what it needs (its host, its power).
                if s.damage.is_none()
                    && (s.on_standby || self.states[service.index()] != State::Down)
                {
                    return Err(DecideError::NotDown {
                        service: plan.service(*service).id.clone(),
                    });
                }
                if self.states[f.to.index()] == State::Down {
                    return Err(DecideError::StandbyDown {
                        standby: plan.service(f.to).id.clone(),
                    });
                }
                self.svc[service.index()].ordered = Some((Some(Mode::Failover), None));
                self.orders.retain(|o| o != service);
                self.orders.push(*service);
            }
            Intervention::Relocate { service, site } => {
                let s = &self.svc[service.index()];
                let id = &plan.service(*service).id;
                let Some(r) = &plan.service(*service).recovery.relocate else {
                    return Err(DecideError::NoRelocation {
                        service: id.clone(),
                    });
                };
                if s.damage.is_none() {
                    return Err(DecideError::NotDamaged {
                        service: id.clone(),
                        restore: false,
                    });
                }
                if s.work.is_some() {
                    return Err(DecideError::InProgress {
                        service: id.clone(),
                    });
                }
                let Some(target) = site.or(r.to.first().map(|p| p.site)) else {
                    return Err(DecideError::NoRecoverySite {
                        service: id.clone(),
                    });
                };
                if s.placed.is_some_and(|p| p != target) {
                    return Err(DecideError::AlreadyAt {
                        service: id.clone(),
                        site: plan.sites[s.placed.map_or(0, |p| p.index())].id.clone(),
                    });
                }
                if copies::relocate_from(plan, *service, &SvcFates(&self.svc)).is_none() {
                    return Err(DecideError::NoCopy {
                        service: id.clone(),
                        site: plan.sites[target.index()].id.clone(),
                    });
                }
                self.svc[service.index()].ordered = Some((Some(Mode::Relocate(target)), None));
                self.orders.retain(|o| o != service);
                self.orders.push(*service);
            }
            Intervention::Workaround { process } => {
                if plan.process(*process).workaround.is_none() {
                    return Err(DecideError::NoWorkaround {
                        process: plan.process(*process).id.clone(),
                    });
                }
                if self.workaround_at[process.index()].is_none() {
                    self.workaround_at[process.index()] = Some(self.now);
                }
            }
            _ => {}
        }
        self.schedule(self.now, what);
        self.moment();
        Ok(())
    }

    /// Everything that happens at `now`.
    fn moment(&mut self) {
        let now = self.now;
        while let Some(Reverse((t, _))) = self.agenda.peek() {
            if *t > now {
                break;
            }
            let Some(Reverse((_, due))) = self.agenda.pop() else {
                break;
            };
            self.handle(due);
        }
        self.fit_staff();
        if std::mem::take(&mut self.dirty) {
            self.update_states();
        }
        if self.replan {
            self.replan = false;
            self.reschedule();
        }
        self.dispatch();
    }

    fn event(&mut self, kind: EventKind, node: Option<NodeRef>, note: Option<String>) {
        self.events.push(SimEvent {
            t: self.now,
            kind,
            node,
            note,
        });
    }

    fn handle(&mut self, due: Due) {
        let now = self.now;
        match due {
            Due::Intervention(i) => {
                let what =
                    std::mem::replace(&mut self.pending[i], Intervention::Note(String::new()));
                self.apply(what);
            }
            Due::Back(s) => {
                let svc = &mut self.svc[s.index()];
                // Announced when it began: the plan already has it.
                if svc.out_until == Some(now) {
                    svc.out_until = None;
                    self.dirty = true;
                }
            }
            Due::Drained(s, until) => {
                self.event(EventKind::Drained, Some(NodeRef::Service(s)), None);
                self.svc[s.index()].draining = None;
                // Announced with its end, the plan already has it (see
                // `situation`): no news.
                let replan = self.replan;
                self.hit(s, None, Some(until));
                if until != u64::MAX {
                    self.replan = replan;
                }
            }
            Due::Shutdown(source) => self.shut_down(source),
            Due::Finish(s, start) => {
                let Some(work) = self.svc[s.index()].work.take_if(|w| w.start == start) else {
                    return;
                };
                for (team, people) in &work.crew.needs {
                    self.busy[team.index()] -= people;
                }
                if work.expected != now {
                    self.repair = true;
                }
                let svc = &mut self.svc[s.index()];
                svc.damage = None;
                svc.shut_for = None;
                svc.ordered = None;
                svc.on_standby = work.mode == Mode::Failover;
                if let Mode::Relocate(site) = work.mode {
                    svc.placed = Some(site);
                }
                self.dirty = true;
                self.orders.retain(|o| *o != s);
                self.steps
                    .retain(|&(_, x, m, _)| !(x == s && m == work.mode));
                self.done.push(Done {
                    service: s,
                    mode: work.mode,
                    start: work.start,
                    finish: now,
                    crew: work.crew,
                    interrupted: false,
                });
            }
            Due::Reconnect(z, until) => {
                if self.isolated[z.index()] == Some(until) {
                    self.reconnect(z, true);
                }
            }
            Due::StaffBack(team, at) => {
                self.announced[team.index()].retain(|(t, _)| *t != at);
                let full = self.plan.team(team).usual(now);
                self.set_staff(team, full, true, false);
            }
            Due::Rota(team) => {
                if std::mem::take(&mut self.rota[team.index()]) {
                    let sustained = self.plan.team(team).usual(now);
                    let t = team.index();
                    if let Some(i) = self.announced[t]
                        .iter()
                        .position(|&a| a == (now, sustained))
                    {
                        self.announced[t].remove(i);
                    }
                    self.set_staff(team, sustained, true, true);
                }
            }
            Due::AttackEnds => self.attack_ends(),
            Due::Wake(_) => {}
        }
    }

    fn apply(&mut self, what: Intervention) {
        let now = self.now;
        match what {
            Intervention::Outage { services, until } => {
                for s in services {
                    self.hit(s, until.is_none().then_some(Damage::Failed), until);
                }
            }
            Intervention::Destroy { services } => {
                for s in services {
                    self.svc[s.index()].destroyed = true;
                    self.hit(s, Some(Damage::Destroyed), None);
                }
            }
            Intervention::Staff {
                team,
                capacity,
                until,
            } => {
                // A change that holds when the surge ends replaces the
                // sustained capacity then.
                let t = team.index();
                if let Some(x) = self.plan.team(team).sustained
                    && self.rota[t]
                    && until.is_none_or(|u| x.after.as_secs() < u)
                {
                    self.rota[t] = false;
                    // Its own announcement only: a staff change may end
                    // at the same moment.
                    let entry = (x.after.as_secs(), x.capacity);
                    if let Some(i) = self.announced[t].iter().position(|&a| a == entry) {
                        self.announced[t].remove(i);
                    }
                }
                if let Some(u) = until {
                    self.announced[t].push((u, self.plan.team(team).usual(u)));
                    self.agenda.push(Reverse((u, Due::StaffBack(team, u))));
                }
                self.set_staff(team, capacity, false, false);
            }
            Intervention::Isolate { zone, until } => {
                // Isolated while any of its isolations lasts.
                let end = until
                    .unwrap_or(u64::MAX)
                    .max(self.isolated[zone.index()].unwrap_or(0));
                self.isolated[zone.index()] = Some(end);
                self.isolations.push(Cut {
                    zone,
                    from: now,
                    until: end,
                });
                if let Some(u) = until {
                    self.agenda.push(Reverse((u, Due::Reconnect(zone, u))));
                }
                self.event(
                    EventKind::Zone {
                        zone,
                        isolated: true,
                    },
                    None,
                    None,
                );
                self.redraw_attack();
                self.replan = true;
                self.dirty = true;
            }
            Intervention::Reconnect { zone } => self.reconnect(zone, false),
            Intervention::Power { services, until } => {
                for s in services {
                    match self.plan.service(s).autonomy {
                        Some(a) if until.is_none_or(|u| now + a.as_secs() < u) => {
                            self.agenda.push(Reverse((
                                now + a.as_secs(),
                                Due::Drained(s, until.unwrap_or(u64::MAX)),
                            )));
                            // Overlapping cuts: the mains are back when the
                            // last one ends.
                            let back = until.unwrap_or(u64::MAX);
                            let svc = &mut self.svc[s.index()];
                            svc.draining = Some(svc.draining.map_or(back, |b| b.max(back)));
                            // The reserves will not last: the teams plan
                            // now for what stops then.
                            self.replan = true;
                            if let Some(t) = crate::recovery::shutdown_at(self.plan, s, now, until)
                            {
                                self.agenda.push(Reverse((t, Due::Shutdown(s))));
                            }
                        }
                        Some(_) => {}
                        None => self.hit(s, until.is_none().then_some(Damage::Failed), until),
                    }
                }
            }
            Intervention::Note(text) => {
                if !text.is_empty() {
                    self.event(EventKind::Scenario, None, Some(text));
                }
            }
            Intervention::Restore { .. }
            | Intervention::Failover { .. }
            | Intervention::Relocate { .. } => {
                self.event(EventKind::Ordered, None, None);
            }
            Intervention::Workaround { .. } => {}
        }
    }

    /// The teams stop cleanly what power `source` keeps running, its
    /// reserves about to run out: restarted in its `duration` once the
    /// power is back, not its `after_crash`. The plan counted on it (see
    /// `situation`) unless it planned no restart for one of them.
    fn shut_down(&mut self, source: ServiceId) {
        let on_standby: Vec<bool> = self.svc.iter().map(|s| s.on_standby).collect();
        let placed: Vec<Option<SiteId>> = self.svc.iter().map(|s| s.placed).collect();
        let runs = recovery::runs_elsewhere(self.plan, &on_standby, &placed);
        // The states now (what happened at this instant included), and
        // without the source.
        let mut hit: Vec<usize> = (0..self.svc.len())
            .filter(|&i| self.unavailable(i))
            .collect();
        let isolation = self.isolation();
        let states = propagate_with(self.plan, self.graph, &hit, &runs, isolation.as_ref());
        hit.push(source.index());
        let stop = recovery::shut_down_by(
            self.plan,
            self.graph,
            source,
            &hit,
            (&runs, isolation.as_ref()),
            &states,
        );
        for i in stop {
            let s = ServiceId(i as u32);
            if self.svc[i].damage.is_some() || self.svc[i].on_standby {
                continue;
            }
            self.event(
                EventKind::Shutdown { source },
                Some(NodeRef::Service(s)),
                None,
            );
            self.interrupt(s);
            let svc = &mut self.svc[i];
            svc.hit_at.get_or_insert(self.now);
            svc.damage = Some(Damage::Stopped { crashed: false });
            svc.shut_for = Some(source);
            // The plan counted on it when it works on it (a restart, or
            // the failover it plans from the shutdown).
            let planned = self.steps.iter().any(|(_, x, _, _)| x.index() == i);
            self.replan |= !planned;
            self.dirty = true;
        }
    }

    /// A service is hit: damaged (needs work), or out until a time.
    fn hit(&mut self, s: ServiceId, damage: Option<Damage>, until: Option<u64>) {
        let now = self.now;
        let destroyed = damage == Some(Damage::Destroyed);
        self.event(
            EventKind::Hit { destroyed },
            Some(NodeRef::Service(s)),
            None,
        );
        self.interrupt(s);
        let svc = &mut self.svc[s.index()];
        svc.hit_at.get_or_insert(now);
        svc.on_standby = false;
        // The worst damage stays.
        if let Some(d) = damage
            && svc.damage != Some(Damage::Destroyed)
        {
            svc.damage = Some(d);
        }
        let first = svc.hit_at == Some(now);
        let relocatable = self.plan.service(s).recovery.relocate.is_some();
        if (destroyed && svc.lost_at.is_none()) || (first && relocatable) {
            if destroyed {
                svc.lost_at.get_or_insert(now);
            }
            // Wake up when the slowest of its copies is back.
            let wait = self
                .plan
                .copies(s)
                .iter()
                .map(|c| c.retrieval)
                .max()
                .unwrap_or(0);
            if wait > 0 {
                self.agenda.push(Reverse((now + wait, Due::Wake(s))));
            }
        }
        // And when the recovery sites standing in for its site open.
        if first && relocatable {
            let home = self.plan.service(s).site;
            for site in &self.plan.sites {
                if let Some(x) = site.stands_in.as_ref().filter(|x| Some(x.site) == home) {
                    let at = now + x.lead_time.as_secs();
                    if at > now {
                        self.agenda.push(Reverse((at, Due::Wake(s))));
                    }
                }
            }
        }
        if let Some(u) = until {
            let u = svc.out_until.map_or(u, |o| o.max(u));
            svc.out_until = Some(u);
            if u != u64::MAX {
                self.agenda.push(Reverse((u, Due::Back(s))));
            }
        }
        self.replan = true;
        self.dirty = true;
    }

    /// Stops the work on a service, if any.
    fn interrupt(&mut self, s: ServiceId) {
        let Some(work) = self.svc[s.index()].work.take() else {
            return;
        };
        for (team, people) in &work.crew.needs {
            self.busy[team.index()] -= people;
        }
        self.event(EventKind::Interrupted, Some(NodeRef::Service(s)), None);
        self.done.push(Done {
            service: s,
            mode: work.mode,
            start: work.start,
            finish: self.now,
            crew: work.crew,
            interrupted: true,
        });
        self.replan = true;
    }

    /// Connects a zone again; `announced` when its end was given with the
    /// isolation (the plan already counts on it).
    fn reconnect(&mut self, zone: ZoneId, announced: bool) {
        if self.isolated[zone.index()].take().is_some() {
            let now = self.now;
            for c in &mut self.isolations {
                if c.zone == zone && c.until > now {
                    c.until = now;
                }
            }
            // The attacker can move through the zone again.
            self.redraw_attack();
            self.event(
                EventKind::Zone {
                    zone,
                    isolated: false,
                },
                None,
                None,
            );
            self.replan |= !announced;
            self.dirty = true;
        }
    }

    /// The team has `people` from now on; `announced` when the change was
    /// known in advance (the end of a staff change given with its length).
    /// `shift` when the team's surge ends.
    fn set_staff(&mut self, team: TeamId, people: u32, announced: bool, shift: bool) {
        if self.staff[team.index()] == people {
            return;
        }
        self.staff[team.index()] = people;
        let log = &mut self.capacity_log[team.index()];
        match log.last_mut() {
            Some(last) if last.0 == self.now => last.1 = people,
            _ => log.push((self.now, people)),
        }
        self.event(
            EventKind::Staff {
                team,
                capacity: people,
                shift,
            },
            None,
            None,
        );
        // News only for a plan that needs the team: work on what is
        // damaged, or a failover still planned.
        // Its own work, or work it can stand in for.
        let standing = &self.plan.team(team).stands_in_for;
        let uses = |i: usize| {
            self.plan.services[i]
                .recovery
                .needs
                .iter()
                .any(|n| n.team == team || standing.iter().any(|x| x.team == n.team))
        };
        let needed = (0..self.svc.len()).any(|i| self.svc[i].damage.is_some() && uses(i))
            || self.steps.iter().any(|(_, s, _, _)| uses(s.index()));
        self.replan |= !announced && needed;
    }

    /// When a team has fewer people than its work in progress needs, the
    /// work started last stops.
    fn fit_staff(&mut self) {
        for t in 0..self.staff.len() {
            while self.busy[t] > self.staff[t] {
                let last = self
                    .svc
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| {
                        let w = s.work.as_ref()?;
                        w.crew
                            .needs
                            .iter()
                            .any(|(team, _)| team.index() == t)
                            .then_some((w.start, i))
                    })
                    .max();
                match last {
                    Some((_, i)) => self.interrupt(ServiceId(i as u32)),
                    None => break,
                }
            }
        }
    }

    fn attack_ends(&mut self) {
        let Some(outcome) = self.outcome.clone() else {
            return;
        };
        let Some((attack, _)) = &self.attack else {
            return;
        };
        self.attack_over = true;
        let entry = attack.entry.clone();
        let technique = attack.technique.clone();
        // What the attacker did comes to light now; the timeline places it
        // when it happened.
        for (i, c) in outcome.compromised.iter().enumerate() {
            if let Some(t) = c {
                let is_entry = entry.iter().any(|e| e.index() == i);
                self.events.push(SimEvent {
                    t: *t,
                    kind: EventKind::Compromised { entry: is_entry },
                    node: Some(NodeRef::Service(ServiceId(i as u32))),
                    note: if is_entry { technique.clone() } else { None },
                });
            }
        }
        self.event(
            EventKind::AttackEnds {
                encrypted: outcome.encrypted,
            },
            None,
            None,
        );
        for i in 0..self.svc.len() {
            let s = ServiceId(i as u32);
            if outcome.federated[i] {
                self.event(EventKind::Exposed, Some(NodeRef::Service(s)), None);
            }
            if outcome.encrypted
                && outcome.compromised[i].is_some()
                && attack::effect(self.plan, s) == attack::Effect::Wipe
            {
                self.event(EventKind::Wiped, Some(NodeRef::Service(s)), None);
            }
        }
        // What a held directory administered waits for it to be rebuilt.
        self.rejoin = copies::rejoins(self.plan, |s| outcome.compromised[s.index()].is_some());
        for i in 0..self.svc.len() {
            self.svc[i].exposed |= outcome.encrypted && outcome.reachable[i];
            if let Some(at) = outcome.compromised[i] {
                // What the attacker held cannot be trusted: rebuilt, once
                // the investigation has established the compromise.
                let svc = &mut self.svc[i];
                svc.encrypted |= outcome.encrypted;
                svc.held_for = svc.held_for.max(outcome.end.saturating_sub(at));
                svc.frozen_until = outcome.cleared;
                if outcome.cleared > self.now {
                    self.agenda
                        .push(Reverse((outcome.cleared, Due::Wake(ServiceId(i as u32)))));
                }
                self.hit(ServiceId(i as u32), Some(Damage::Destroyed), None);
            }
        }
    }

    /// Whether a service is unavailable by itself (not by propagation).
    fn unavailable(&self, i: usize) -> bool {
        let s = &self.svc[i];
        s.damage.is_some() || s.out_until.is_some()
    }

    /// The links the zones isolated now cut.
    fn isolation(&self) -> Option<Isolation<'p>> {
        let zones: Vec<ZoneId> = (0..self.isolated.len())
            .filter(|&z| self.isolated[z].is_some())
            .map(|z| ZoneId(z as u32))
            .collect();
        Isolation::new(self.plan, &zones)
    }

    fn update_states(&mut self) {
        let now = self.now;
        let hit: Vec<usize> = (0..self.svc.len())
            .filter(|&i| self.unavailable(i))
            .collect();
        let on_standby: Vec<bool> = self.svc.iter().map(|s| s.on_standby).collect();
        let placed: Vec<Option<SiteId>> = self.svc.iter().map(|s| s.placed).collect();
        let runs = recovery::runs_elsewhere(self.plan, &on_standby, &placed);
        let states = propagate_with(
            self.plan,
            self.graph,
            &hit,
            &runs,
            self.isolation().as_ref(),
        );
        // What a power cut stops needs restarting: it stays down once its
        // power is back, until the teams restart it.
        // Judged from power alone, only when something with a restart went
        // down without damage.
        let candidates: Vec<usize> = (0..self.svc.len())
            .filter(|&i| {
                let svc = &self.svc[i];
                self.plan.services[i].recovery.restart.is_some()
                    && states[i] == State::Down
                    && svc.damage.is_none()
                    && !svc.on_standby
            })
            .collect();
        let by_power = (!candidates.is_empty())
            .then(|| {
                recovery::down_for_power(self.plan, self.graph, |i| self.unavailable(i), &runs)
            })
            .flatten();
        for i in candidates {
            if by_power.as_ref().is_some_and(|p| p[i] == State::Down) {
                self.svc[i].damage = Some(Damage::Stopped { crashed: true });
                // News unless the plan already works on it (restarts it, or
                // fails it over from then).
                let planned = self.steps.iter().any(|(_, x, _, _)| x.index() == i);
                self.replan |= !planned;
            }
        }
        for (x, &to) in states.iter().enumerate() {
            let from = self.states[x];
            if from == to {
                continue;
            }
            let node = self.plan.node_at(x);
            self.event(EventKind::State { from, to }, Some(node), None);
            if let NodeRef::Process(p) = node {
                match from {
                    State::Down => self.it_down[p.index()].push((self.since[x], now)),
                    State::Degraded => self.it_degraded[p.index()] += now - self.since[x],
                    State::Up => {}
                }
            }
            self.states[x] = to;
            self.since[x] = now;
            // Wake when the decision to fail it over is due, and, for a cold
            // standby, when the copy to restore onto it is brought back.
            if to == State::Down
                && let NodeRef::Service(s) = node
                && let Some(f) = self.plan.service(s).recovery.failover
            {
                let retrieval = if f.cold {
                    self.plan
                        .copies(s)
                        .iter()
                        .map(|c| c.retrieval)
                        .max()
                        .unwrap_or(0)
                } else {
                    0
                };
                let at = f.decided(now).max(now + retrieval);
                if at > now {
                    self.agenda.push(Reverse((at, Due::Wake(s))));
                }
            }
        }
    }
}

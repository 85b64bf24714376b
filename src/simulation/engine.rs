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
//! - [`Command::Plan`] (simulations): the team leads plan with what they know
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
//! - [`Command::Orders`] (exercises): the teams only do what the players
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
use crate::recovery::{self, Budget, Damage, Mode, RecoveryPlan, Situation, Spell};
use crate::scenario::attack::{Attack, Cut};

use super::{EventKind, SimEvent};

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
pub enum Command {
    /// The scheduler plans, and plans again when the situation changes;
    /// `schedules` is the search budget of each planning.
    Plan { schedules: u64 },
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

/// A service that needs work.
#[derive(Debug, Clone)]
pub struct Damaged {
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
    command: Command,
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
    pub(super) first_plan: Option<RecoveryPlan>,
    /// Per service: the directory its rebuild waits for after the attack
    /// (see [`copies::rejoins`]).
    rejoin: Vec<Option<ServiceId>>,
    /// Plans already made for the same situation (Monte Carlo runs share
    /// it): planning is deterministic, so a plan found there is the plan
    /// the teams would make.
    cache: Option<std::sync::Arc<PlanCache>>,
}

/// What a plan was made for: the situation, the planning seed, the budget.
type PlanKey = (Situation, u64, u64);

/// A planning's result: the plan, or why there is none.
type Planned = Result<RecoveryPlan, String>;

/// Plans by what they were made for, and the room they take.
#[derive(Default)]
pub struct PlanCache {
    plans: std::sync::Mutex<(HashMap<PlanKey, Planned>, usize)>,
}

impl PlanCache {
    /// Beyond this many plans, or this many services and steps held in
    /// all (a few hundred MiB), the cache stops growing: memory stays
    /// bounded on long studies of large plans, and most hits are the first
    /// plannings.
    const MAX: usize = 4096;
    const MAX_WEIGHT: usize = 4_000_000;

    fn get(&self, key: &PlanKey) -> Option<Planned> {
        let plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        plans.0.get(key).cloned()
    }

    fn put(&self, key: PlanKey, plan: Planned) {
        let weight = key.0.damage.len() + plan.as_ref().map_or(0, |p| p.steps.len());
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let (map, held) = &mut *plans;
        if map.len() < Self::MAX && *held + weight <= Self::MAX_WEIGHT {
            *held += weight;
            map.insert(key, plan);
        }
    }
}

impl<'p> Engine<'p> {
    pub fn new(
        plan: &'p Plan,
        graph: &'p DependencyGraph,
        command: Command,
        options: recovery::Options,
    ) -> Engine<'p> {
        let n = plan.services.len();
        let mut engine = Engine {
            plan,
            graph,
            units: graph.units(),
            now: 0,
            command,
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
    pub fn set_cache(&mut self, cache: std::sync::Arc<PlanCache>) {
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
        let outcome = attack::unfold_with(self.plan, attack, &self.isolations, *seed);
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
        let step = match self.command {
            Command::Plan { .. } if !self.repair => self
                .steps
                .iter()
                .filter(|(t, s, _, _)| *t > self.now && self.svc[s.index()].work.is_none())
                .map(|(t, _, _, _)| *t)
                .min(),
            Command::Plan { .. } => None,
            Command::Orders => None,
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
            self.make_plan();
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

    /// A service's dependencies where it is brought back (`at`: a recovery
    /// site, else where it runs) are up enough for work on it to start
    /// (members of its own cycle aside: they are restored in turn).
    fn ready(&self, s: ServiceId, at: Option<SiteId>) -> bool {
        let x = s.index();
        // Shut down before its power's reserves run out: not restarted on
        // them in place.
        if at.is_none()
            && self.svc[x]
                .shut_for
                .is_some_and(|p| self.svc[p.index()].draining.is_some())
        {
            return false;
        }
        self.plan
            .service(s)
            .depends_on_at(at.or(self.svc[x].placed))
            .iter()
            .all(|dep| {
                dep.allows_work(|d| {
                    self.units.same(x, d.index()) || self.states[d.index()] != State::Down
                })
            })
    }

    /// How the service comes back, and with whom: as the plan says
    /// (`planned`: a planned failover waits for its standby), else by a
    /// failover when the standby is up, else by its own work; `None` when
    /// it cannot start now.
    fn method(&self, s: ServiceId, planned: Option<Mode>) -> Option<(Mode, Vec<(TeamId, u32)>)> {
        let svc = &self.svc[s.index()];
        let r = &self.plan.service(s).recovery;
        let standby = r.failover.filter(|f| {
            self.states[f.to.index()] != State::Down
                && !self.unavailable(f.to.index())
                && (!f.cold || self.copy_ready(s))
        });
        let (ordered, _) = svc.ordered.unwrap_or((None, None));
        // Brought to a recovery site as planned; once there, it comes back
        // there.
        let moved = match planned {
            Some(Mode::Relocate(site)) => Some(site),
            Some(Mode::Failover) => None,
            Some(_) => svc.placed,
            None => ordered.and_then(Mode::site).or(svc.placed),
        };
        if let (Some(site), Some(relocation), Some(_)) = (moved, &r.relocate, svc.damage) {
            let needs = relocation.needs.iter().map(|n| (n.team, n.count)).collect();
            return Some((Mode::Relocate(site), needs));
        }
        let forced = match planned {
            Some(Mode::Failover) => Some(Mode::Failover),
            // Planned on its own work: the plan did not count on the
            // standby.
            Some(_) => None,
            None => ordered,
        };
        let standby = standby.filter(|_| planned.is_none_or(|m| m == Mode::Failover));
        // Undamaged, it can only be failed over (stranded by what it needs).
        let mode = match (forced, svc.damage, standby) {
            (Some(Mode::Failover), _, Some(_)) => Mode::Failover,
            (Some(Mode::Failover), _, None) => return None,
            (_, _, Some(_)) => Mode::Failover,
            (_, Some(Damage::Destroyed), None) => Mode::Rebuild,
            (_, Some(Damage::Failed), None) => Mode::Restore,
            (_, Some(Damage::Stopped { crashed }), None) => Mode::Restart { crashed },
            (_, None, None) => return None,
        };
        let automatic = mode == Mode::Failover && r.failover.is_some_and(|f| f.automatic);
        let needs = match (&r.restart, mode) {
            _ if automatic => Vec::new(),
            (Some(x), Mode::Restart { .. }) => x.needs.iter().map(|n| (n.team, n.count)).collect(),
            _ => r.needs.iter().map(|n| (n.team, n.count)).collect(),
        };
        Some((mode, needs))
    }

    /// The crew for work on `s` planned with `needs`: as planned, or with
    /// the team a player named (`with TEAM`) doing the first need — at the
    /// pace the plan declares when that team stands in for it, else at the
    /// planned pace (the players' call).
    fn ordered_crew(&self, s: ServiceId, needs: Vec<(TeamId, u32)>) -> Crew {
        let team = self.svc[s.index()].ordered.and_then(|o| o.1);
        let Some((team, first)) = team.zip(needs.first().map(|n| n.0)) else {
            return Crew::planned(needs);
        };
        if team == first {
            return Crew::planned(needs);
        }
        let declared = crews(self.plan, s, &needs)
            .into_iter()
            .find(|c| !c.reduced && c.stand_ins == [(first, team)]);
        declared.unwrap_or_else(|| {
            let mut crew = Crew::planned(Vec::with_capacity(needs.len()));
            for (k, &(t, n)) in needs.iter().enumerate() {
                let t = if k == 0 { team } else { t };
                match crew.needs.iter_mut().find(|x| x.0 == t) {
                    Some(x) => x.1 += n,
                    None => crew.needs.push((t, n)),
                }
            }
            crew.stand_ins.push((first, team));
            crew
        })
    }

    /// Whether the team has `people` free from now until `until`, given the
    /// announced staff changes and the work the teams expect to finish.
    fn fits(&self, team: TeamId, people: u32, until: u64) -> bool {
        let t = team.index();
        if self.staff[t] < self.busy[t] + people {
            return false;
        }
        self.announced[t]
            .iter()
            .filter(|(at, _)| *at > self.now && *at < until)
            .all(|&(at, cap)| {
                let busy: u32 = self
                    .svc
                    .iter()
                    .filter_map(|s| s.work.as_ref())
                    .filter(|w| w.expected > at)
                    .flat_map(|w| w.crew.needs.iter())
                    .filter(|(tm, _)| tm.index() == t)
                    .map(|(_, p)| p)
                    .sum();
                cap >= busy + people
            })
    }

    /// Starts what can start now.
    fn dispatch(&mut self) {
        loop {
            let repair = self.repair;
            let blocked = self.dispatch_pass();
            // A step due now that cannot start (work before it overran)
            // means the plan's times no longer hold: keep its order.
            if blocked && !repair && matches!(self.command, Command::Plan { .. }) {
                self.repair = true;
                continue;
            }
            break;
        }
        if let Command::Plan { .. } = self.command {
            let steps = std::mem::take(&mut self.steps);
            self.steps = steps
                .into_iter()
                .filter(|&(_, s, m, _)| {
                    // A restart planned for what a coming power cut will
                    // stop, or a failover for what it will strand, is kept
                    // until it is done.
                    let svc = &self.svc[s.index()];
                    let coming = (matches!(m, Mode::Restart { .. })
                        || (m == Mode::Failover && !svc.on_standby))
                        && svc.damage.is_none()
                        && svc.work.is_none();
                    coming || self.needs_work(s, Some(m))
                })
                .collect();
        }
    }

    /// Whether service `s` still needs the work planned on it: its damage,
    /// or, for a failover, being down without its standby yet.
    fn needs_work(&self, s: ServiceId, planned: Option<Mode>) -> bool {
        let svc = &self.svc[s.index()];
        if svc.work.is_some() {
            return false;
        }
        let failover = planned.or(svc.ordered.and_then(|o| o.0)) == Some(Mode::Failover);
        svc.damage.is_some()
            || (failover && !svc.on_standby && self.states[s.index()] == State::Down)
    }

    /// One pass over the candidates in order; whether one due was blocked.
    fn dispatch_pass(&mut self) -> bool {
        let candidates: Vec<(ServiceId, Option<Mode>, Option<Crew>)> = match self.command {
            Command::Plan { .. } => self
                .steps
                .iter()
                .filter(|(t, _, _, _)| *t <= self.now || self.repair)
                .map(|(_, s, m, c)| (*s, Some(*m), Some(c.clone())))
                .collect(),
            Command::Orders => self
                .orders
                .iter()
                .map(|s| (*s, None, None))
                .chain(
                    self.automatic_failovers()
                        .map(|s| (s, Some(Mode::Failover), None)),
                )
                .collect(),
        };
        let mut blocked = false;
        for (s, planned, planned_crew) in candidates {
            if !self.needs_work(s, planned) {
                continue;
            }
            // What the attacker held waits for the investigation.
            if self.svc[s.index()].frozen_until > self.now {
                blocked = true;
                continue;
            }
            // A failover needs its standby up (see `method`), not what the
            // primary depends on; the cheap check first.
            let r = &self.plan.service(s).recovery;
            let may_move = r.failover.is_some() || r.relocate.is_some();
            if !may_move && !self.ready(s, None) {
                blocked = true;
                continue;
            }
            let Some((mode, planned_needs)) = self.method(s, planned) else {
                blocked |= planned.is_some();
                continue;
            };
            // The crew the plan picked for this work, else as ordered.
            let crew = match planned_crew {
                Some(c) if planned == Some(mode) => c,
                _ => self.ordered_crew(s, planned_needs.clone()),
            };
            if may_move && mode != Mode::Failover && !self.ready(s, mode.site()) {
                blocked = true;
                continue;
            }
            // A manual failover the teams plan waits for the crisis cell's
            // decision (in an exercise, the players' order is the decision).
            if mode == Mode::Failover
                && planned.is_some()
                && let Some(f) = self.plan.service(s).recovery.failover
                && f.decided(self.since[s.index()]) > self.now
            {
                blocked = true;
                continue;
            }
            // A relocation needs the site open, room there and its copy
            // brought back, its holder up.
            if let Mode::Relocate(site) = mode
                && !self.can_relocate(s, site)
            {
                blocked = true;
                continue;
            }
            // What a held directory administered is rebuilt once the
            // directory is back.
            if matches!(mode, Mode::Rebuild | Mode::Relocate(_))
                && let Some(d) = self.rejoin[s.index()]
                && !self.units.same(s.index(), d.index())
                && self.states[d.index()] == State::Down
            {
                blocked = true;
                continue;
            }
            // A rebuild starts from a copy: brought back, its holder up.
            if mode == Mode::Rebuild {
                let restore = copies::restore(self.plan, s, &SvcFates(&self.svc));
                let back = self.svc[s.index()]
                    .lost_at
                    .map_or(0, |t| t.saturating_add(restore.retrieval));
                if back > self.now
                    || restore
                        .holder
                        .is_some_and(|h| self.states[h.index()] == State::Down)
                {
                    blocked = true;
                    continue;
                }
            }
            let base = nominal(self.plan, s, mode) + self.check(s, mode);
            let fits = |e: &Self, c: &Crew| {
                let expected = e.now + c.slowdown.apply(base);
                c.needs.iter().all(|&(t, p)| e.fits(t, p, expected))
            };
            // Once the plan's times no longer hold, the teams take the
            // first crew the plan allows that can do it now (a player's
            // order is followed as given).
            let crew = if fits(self, &crew) {
                crew
            } else if let Some(c) = (self.repair
                && matches!(self.command, Command::Plan { .. })
                && !crew.needs.is_empty())
            .then(|| {
                crews(self.plan, s, &planned_needs)
                    .into_iter()
                    .find(|c| fits(self, c))
            })
            .flatten()
            {
                c
            } else {
                blocked = true;
                continue;
            };
            let planned = crew.slowdown.apply(base);
            let expected = self.now + planned;
            let actual = match &self.actual {
                Some(a) if !matches!(mode, Mode::Restart { .. }) => crew
                    .slowdown
                    .apply(a[s.index()][mode_index(mode)] + self.check(s, mode)),
                _ => planned,
            };
            let finish = self.now + actual;
            for (team, people) in &crew.needs {
                self.busy[team.index()] += people;
            }
            self.event(
                EventKind::RecoveryStarted { mode },
                Some(NodeRef::Service(s)),
                None,
            );
            let start = self.now;
            self.agenda.push(Reverse((finish, Due::Finish(s, start))));
            if let Mode::Relocate(site) = mode {
                // Its room there is taken from now on.
                self.svc[s.index()].placed = Some(site);
            }
            // The engine knows when it really ends (the agenda); the teams
            // only expect it.
            self.svc[s.index()].work = Some(Work {
                mode,
                start,
                expected,
                crew,
            });
        }
        blocked
    }

    /// Services whose automatic failover is due (exercises: they need no
    /// order): lost, not yet on their standby, nobody working on them.
    fn automatic_failovers(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.svc.len())
            .map(|i| ServiceId(i as u32))
            .filter(|&s| {
                let svc = &self.svc[s.index()];
                self.plan
                    .service(s)
                    .recovery
                    .failover
                    .is_some_and(|f| f.automatic)
                    && svc.work.is_none()
                    && !svc.on_standby
                    && svc.ordered.is_none()
                    && (svc.damage.is_some() || self.states[s.index()] == State::Down)
            })
    }

    /// Whether relocating `s` to `site` can start now: the site open, room
    /// there (unless it is there already), a surviving copy brought back,
    /// its holder up.
    fn can_relocate(&self, s: ServiceId, site: SiteId) -> bool {
        let svc = &self.svc[s.index()];
        let Some(relocation) = &self.plan.service(s).recovery.relocate else {
            return false;
        };
        if svc.placed != Some(site)
            && (self.opens()[site.index()].is_none_or(|t| t > self.now)
                || self.room(site) < relocation.size)
        {
            return false;
        }
        self.copy_ready(s)
    }

    /// The work of checking clean the copy a rebuild or a relocation of
    /// `s` restores (see [`copies::Restore::verify`]).
    fn check(&self, s: ServiceId, mode: Mode) -> u64 {
        let fates = SvcFates(&self.svc);
        match mode {
            Mode::Rebuild => copies::restore(self.plan, s, &fates).verify,
            Mode::Relocate(_) => {
                copies::relocate_from(self.plan, s, &fates).map_or(0, |r| r.verify)
            }
            _ => 0,
        }
    }

    /// Whether the newest surviving copy of `s` can be restored now (at a
    /// recovery site, or onto a cold standby): brought back, its holder up.
    fn copy_ready(&self, s: ServiceId) -> bool {
        let svc = &self.svc[s.index()];
        let Some(from) = copies::relocate_from(self.plan, s, &SvcFates(&self.svc)) else {
            return false;
        };
        let since = svc.lost_at.or(svc.hit_at).unwrap_or(self.since[s.index()]);
        since.saturating_add(from.retrieval) <= self.now
            && from
                .holder
                .is_none_or(|h| self.states[h.index()] != State::Down)
    }

    /// When each recovery site can take services: its home site's first
    /// hit plus its lead time (see [`crate::recovery::opens`]).
    fn opens(&self) -> Vec<Option<u64>> {
        crate::recovery::opens(self.plan, |i| self.svc[i].hit_at)
    }

    /// Room left at recovery site `site`: its capacity minus what was
    /// brought there.
    fn room(&self, site: SiteId) -> u32 {
        let Some(x) = self.plan.sites[site.index()].stands_in.as_ref() else {
            return 0;
        };
        let used: u32 = (0..self.svc.len())
            .filter(|&i| self.svc[i].placed == Some(site))
            .filter_map(|i| self.plan.services[i].recovery.relocate.as_ref())
            .map(|r| r.size)
            .sum();
        x.capacity.saturating_sub(used)
    }

    /// The teams plan with what they know now.
    fn make_plan(&mut self) {
        let Command::Plan { schedules } = self.command else {
            return;
        };
        // Nothing to do (nothing damaged, nothing stranded that could fail
        // over, no reserves running out): no plan to make.
        let stranded = |i: usize| {
            let svc = &self.svc[i];
            !svc.on_standby
                && self.states[i] == State::Down
                && self.plan.services[i]
                    .recovery
                    .failover
                    .is_some_and(|f| self.states[f.to.index()] != State::Down)
        };
        let draining = self.svc.iter().any(|s| s.draining.is_some());
        if !draining
            && !(0..self.svc.len()).any(|i| {
                self.svc[i].work.is_none() && (self.svc[i].damage.is_some() || stranded(i))
            })
        {
            self.steps.clear();
            return;
        }
        let situation = self.situation();
        let never = || false;
        let budget = Budget {
            schedules,
            stop: &never,
        };
        let options = recovery::Options {
            seed: self.options.seed ^ u64::from(self.plans),
            ..self.options
        };
        self.plans += 1;
        let key = (situation, options.seed, schedules);
        let made = match self.cache.as_ref().and_then(|c| c.get(&key)) {
            Some(made) => made,
            None => {
                let made = recovery::recover(self.plan, self.graph, &key.0, options, &budget)
                    .map_err(|e| e.to_string());
                if let Some(c) = &self.cache {
                    c.put(key, made.clone());
                }
                made
            }
        };
        match made {
            Ok(rp) => {
                self.repair = false;
                self.generated += rp.generated;
                self.steps = rp
                    .work()
                    .map(|s| (s.start, s.service, s.mode, s.crew.clone()))
                    .collect();
                self.event(
                    EventKind::Replan {
                        steps: self.steps.len(),
                    },
                    None,
                    None,
                );
                if self.first_plan.is_none() {
                    self.first_plan = Some(rp);
                }
            }
            Err(e) => {
                self.steps.clear();
                self.event(EventKind::Replan { steps: 0 }, None, Some(e));
            }
        }
    }

    /// The situation as the teams know it now: what needs work, what is
    /// out until a known time (an outage or isolation announced with its
    /// end, work in progress until its expected end, a generator's fuel
    /// running out until the mains return), what runs on its standby, the
    /// copies rebuilds start from, and the people free over time.
    fn situation(&self) -> Situation {
        let plan = self.plan;
        let now = self.now;
        let mut situation = Situation::calm(plan);
        situation.now = now;
        for (i, s) in self.svc.iter().enumerate() {
            let spells = &mut situation.spells[i];
            if let Some(w) = &s.work {
                let end = expected_end(plan, ServiceId(i as u32), w, now);
                spells.push(Spell {
                    from: now,
                    until: end,
                });
            } else if s.damage.is_some() {
                situation.damage[i] = s.damage;
                situation.release[i] = now.max(s.frozen_until);
                // Shut down cleanly: restarted once the mains are back (when
                // their return is known; else the engine waits for it).
                if let Some(back) = s.shut_for.and_then(|p| self.svc[p.index()].draining)
                    && back != u64::MAX
                {
                    situation.restart_from[i] = back;
                }
            }
            if let Some(u) = s.out_until.filter(|&u| u != u64::MAX) {
                spells.push(Spell {
                    from: now,
                    until: u,
                });
            }
            situation.on_standby[i] = s.on_standby;
            situation.placed[i] = s.placed;
        }
        // Zones cut off until a known time (an isolation for good is left
        // to whoever reconnects).
        for (z, until) in self.isolated.iter().enumerate() {
            if let Some(u) = until.filter(|&u| u != u64::MAX) {
                situation.isolations.push((
                    ZoneId(z as u32),
                    Spell {
                        from: now,
                        until: u,
                    },
                ));
            }
        }
        for site in 0..plan.sites.len() {
            situation.room[site] = self.room(SiteId(site as u32));
        }
        situation.opens = self.opens();
        // Reserves announced to run out, shutdowns to order before.
        for Reverse((at, due)) in self.agenda.iter() {
            if let Due::Shutdown(s) = due {
                situation.shutdowns.push((*at, *s));
            }
            if let Due::Drained(s, until) = due
                && until > at
                && *until != u64::MAX
            {
                situation.spells[s.index()].push(Spell {
                    from: *at,
                    until: *until,
                });
            }
        }
        for x in 0..plan.node_count() {
            situation.down_since[x] = (self.states[x] == State::Down).then_some(self.since[x]);
        }
        let fates = self.fates().1;
        situation.restore = fates.restores(plan);
        situation.relocate_from = fates.relocations(plan);
        situation.rejoin = self.rejoin.clone();
        // Retrieval counts from the damage: what is left of it now.
        for (i, r) in situation.restore.iter_mut().enumerate() {
            let since = self.svc[i].lost_at.map_or(0, |t| now.saturating_sub(t));
            r.retrieval = r.retrieval.saturating_sub(since);
        }
        for (i, r) in situation.relocate_from.iter_mut().enumerate() {
            let svc = &self.svc[i];
            let since = svc
                .lost_at
                .or(svc.hit_at)
                .map_or(0, |t| now.saturating_sub(t));
            if let Some(r) = r {
                r.retrieval = r.retrieval.saturating_sub(since);
            }
        }
        for t in 0..plan.teams.len() {
            situation.capacity[t] = self.capacity_ahead(TeamId(t as u32));
        }
        situation
    }

    /// A team's people free for new work from now on, as the teams see it:
    /// announced staff minus the work in progress until its expected end.
    fn capacity_ahead(&self, team: TeamId) -> Vec<(u64, u32)> {
        let t = team.index();
        let mut times: Vec<u64> = vec![0];
        times.extend(
            self.announced[t]
                .iter()
                .map(|(at, _)| *at)
                .filter(|&at| at > self.now),
        );
        let works: Vec<(u64, &Work)> = self
            .svc
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let w = s.work.as_ref()?;
                Some((expected_end(self.plan, ServiceId(i as u32), w, self.now), w))
            })
            .collect();
        times.extend(works.iter().map(|(end, _)| *end));
        times.sort_unstable();
        times.dedup();
        times
            .into_iter()
            .map(|at| {
                let at_or_now = at.max(self.now);
                let staff = self.announced[t]
                    .iter()
                    .filter(|(a, _)| *a <= at_or_now && *a > self.now)
                    .max_by_key(|(a, _)| *a)
                    .map_or(self.staff[t], |(_, c)| *c);
                let busy: u32 = works
                    .iter()
                    .filter(|(end, _)| *end > at_or_now)
                    .flat_map(|(_, w)| w.crew.needs.iter())
                    .filter(|(tm, _)| tm.index() == t)
                    .map(|(_, p)| p)
                    .sum();
                (at, staff.saturating_sub(busy))
            })
            .collect()
    }

    // ---------------------------------------------------------------- views

    pub fn state(&self, node: NodeRef) -> State {
        self.states[self.plan.node_index(node)]
    }

    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// Services that need work, with the work in progress if any.
    pub fn damaged(&self) -> Vec<Damaged> {
        self.svc
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                Some(Damaged {
                    service: ServiceId(i as u32),
                    damage: s.damage?,
                    work: s.work.as_ref().map(|w| (w.mode, w.start, w.expected)),
                })
            })
            .collect()
    }

    /// When the investigation lets work on `s` start, while it has not:
    /// the attacker held it.
    pub fn frozen_until(&self, s: ServiceId) -> Option<u64> {
        Some(self.svc[s.index()].frozen_until).filter(|&t| t > self.now)
    }

    pub fn is_isolated(&self, zone: ZoneId) -> bool {
        self.isolated[zone.index()].is_some()
    }

    /// Per team: `(people, busy)`.
    pub fn teams(&self) -> Vec<(u32, u32)> {
        self.staff
            .iter()
            .copied()
            .zip(self.busy.iter().copied())
            .collect()
    }

    /// Players' orders not started yet.
    pub fn orders(&self) -> &[ServiceId] {
        &self.orders
    }

    /// Each process's state and, when it is down, when its DMIA is
    /// breached if nothing changes.
    pub fn board(&self) -> Vec<ProcessBoard> {
        self.plan
            .process_ids()
            .map(|p| {
                let x = self.plan.node_index(NodeRef::Process(p));
                let state = self.states[x];
                let process = self.plan.process(p);
                let since = (state != State::Up).then_some(self.since[x]);
                let workaround = self.workaround_start(p, self.since[x]);
                let deadline = (state == State::Down).then(|| {
                    let t0 = self.since[x];
                    let mtpd = process.mtpd.as_secs();
                    match (workaround, process.workaround.as_ref()) {
                        (Some(a), Some(w)) if a <= t0 + mtpd => {
                            t0 + mtpd + w.max_duration.as_secs()
                        }
                        _ => t0 + mtpd,
                    }
                });
                ProcessBoard {
                    process: p,
                    state,
                    since,
                    deadline,
                    workaround: workaround.is_some_and(|a| a <= self.now) && state == State::Down,
                }
            })
            .collect()
    }

    /// When a process's workaround is in place for an incident that began at
    /// `t0`: its activation time after `t0` (simulations), or after the
    /// players' decision (exercises); `None` when it never is.
    pub(super) fn workaround_start(&self, p: ProcessId, t0: u64) -> Option<u64> {
        let w = self.plan.process(p).workaround.as_ref()?;
        match self.command {
            Command::Plan { .. } => Some(t0 + w.activation.as_secs()),
            Command::Orders => {
                self.workaround_at[p.index()].map(|d| d.max(t0) + w.activation.as_secs())
            }
        }
    }

    /// Closes open intervals at `end` (for results).
    pub(super) fn close(&mut self, end: u64) {
        for p in self.plan.process_ids() {
            let x = self.plan.node_index(NodeRef::Process(p));
            match self.states[x] {
                State::Down => self.it_down[p.index()].push((self.since[x], end)),
                State::Degraded => self.it_degraded[p.index()] += end - self.since[x],
                State::Up => {}
            }
        }
        // Work still going at the end counts up to it.
        for (i, s) in self.svc.iter().enumerate() {
            if let Some(w) = &s.work {
                self.done.push(Done {
                    service: ServiceId(i as u32),
                    mode: w.mode,
                    start: w.start,
                    finish: end.max(w.start),
                    crew: w.crew.clone(),
                    interrupted: true,
                });
            }
        }
    }

    /// Which services were hit, and what happened to their copies.
    pub(super) fn fates(&self) -> (Vec<bool>, Fates) {
        let hit = self.svc.iter().map(|s| s.hit_at.is_some()).collect();
        let fates = Fates {
            destroyed: self.svc.iter().map(|s| s.destroyed).collect(),
            encrypted: self.svc.iter().map(|s| s.encrypted).collect(),
            exposed: self.svc.iter().map(|s| s.exposed).collect(),
            held: self.svc.iter().map(|s| s.held_for).collect(),
        };
        (hit, fates)
    }

    /// Per service: the recovery site it was brought to, if any.
    pub fn placed(&self) -> Vec<Option<SiteId>> {
        self.svc.iter().map(|s| s.placed).collect()
    }

    /// Per service: it runs on what was restored from a copy (at a
    /// recovery site, or on a cold standby), so it lost the data since.
    pub fn from_copy(&self) -> Vec<bool> {
        self.svc
            .iter()
            .zip(&self.plan.services)
            .map(|(s, p)| {
                s.placed.is_some() || (s.on_standby && p.recovery.failover.is_some_and(|f| f.cold))
            })
            .collect()
    }

    pub fn capacity_log(&self) -> &[Vec<(u64, u32)>] {
        &self.capacity_log
    }

    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }
}

/// What happened to the services' copies, read off the engine's services.
struct SvcFates<'a>(&'a [Svc]);

impl Fate for SvcFates<'_> {
    fn destroyed(&self, s: ServiceId) -> bool {
        self.0[s.index()].destroyed
    }
    fn encrypted(&self, s: ServiceId) -> bool {
        self.0[s.index()].encrypted
    }
    fn exposed(&self, s: ServiceId) -> bool {
        self.0[s.index()].exposed
    }
    fn held_for(&self, s: ServiceId) -> u64 {
        self.0[s.index()].held_for
    }
}

/// When the teams expect work to end: as planned, or, once that time has
/// passed, a quarter of the planned duration later (at least a quarter of
/// an hour) — their revised estimate.
fn expected_end(plan: &Plan, s: ServiceId, w: &Work, now: u64) -> u64 {
    if w.expected > now {
        w.expected
    } else {
        now + (w.crew.slowdown.apply(nominal(plan, s, w.mode)) / 4).max(900)
    }
}

/// The slot of a way of bringing a service back in `[restore, failover,
/// rebuild, relocation]`.
pub fn mode_index(mode: Mode) -> usize {
    match mode {
        // A restart takes its planned time (it has no range).
        Mode::Restore | Mode::Restart { .. } | Mode::Automatic => 0,
        Mode::Failover => 1,
        Mode::Rebuild => 2,
        Mode::Relocate(_) => 3,
    }
}

/// The planned duration of a way of bringing a service back.
pub fn nominal(plan: &Plan, s: ServiceId, mode: Mode) -> u64 {
    let r = &plan.service(s).recovery;
    match mode {
        Mode::Restore => r.duration.as_secs(),
        Mode::Rebuild => r.rebuild.as_secs(),
        Mode::Failover => r.failover.map_or(0, |f| f.duration.as_secs()),
        Mode::Relocate(_) => r.relocate.as_ref().map_or(0, |x| x.duration.as_secs()),
        Mode::Restart { crashed } => r.restart.as_ref().map_or(0, |x| x.time(crashed).as_secs()),
        Mode::Automatic => 0,
    }
}

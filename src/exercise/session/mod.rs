//! A running exercise: the facilitator's clock, the simulation under it,
//! the injects delivered, the players' decisions, and the journal.
//!
//! Every front end (terminal, web, report) drives the same [`Session`]. A
//! change is applied to the simulation, then written to the journal and
//! made durable, and only then acknowledged to the caller; what was not
//! acknowledged may be lost in a crash, what was cannot. [`Session::replay`]
//! rebuilds the exact same state from a journal: the clock moves and the
//! decisions are applied again in their order, and the injects follow from
//! them, since the engine is deterministic for a seed.

use std::time::SystemTime;

mod map;
mod view;

pub use map::{Map, MapEdge, MapNode};
pub use view::{
    DamageView, DecisionView, InjectView, ProcessView, ServiceView, TeamView, Time, View, WorkView,
};

use crate::exercise::command::Change;
use crate::exercise::journal::{self, Entry, Journal};
use crate::exercise::{Decision, Exercise, Inject};
use crate::graph::DependencyGraph;
use crate::model::Plan;
use crate::recovery;
use crate::scenario::Scenario;
use crate::simulation::{self, DecideError, Engine, Intervention, Lead, Run};

/// A decision taken, as the session keeps it.
#[derive(Debug, Clone)]
pub struct Taken {
    pub seq: u64,
    pub t: u64,
    pub by: Option<String>,
    pub decision: Decision,
    pub command: String,
    pub wall: String,
}

/// An inject delivered.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub seq: u64,
    pub t: u64,
    pub id: String,
}

/// What the caller gets back once a change is durable.
#[derive(Debug, Clone, Default)]
pub struct Ack {
    /// Sequence number of the last journal entry written.
    pub seq: u64,
    /// Injects delivered by this change, in order.
    pub injects: Vec<String>,
}

pub struct Session<'a> {
    pub exercise: &'a Exercise,
    plan: &'a Plan,
    graph: &'a DependencyGraph,
    scenario: &'a Scenario,
    seed: u64,
    engine: Engine<'a>,
    pub paused: bool,
    pub ended: bool,
    pub crisis: u8,
    pub delivered: Vec<Delivered>,
    pub decisions: Vec<Taken>,
    journal: Option<Journal>,
    /// Sequence numbers when there is no journal.
    seq: u64,
}

impl<'a> Session<'a> {
    /// A session at the exercise's start, with the injects due then.
    pub fn new(
        exercise: &'a Exercise,
        plan: &'a Plan,
        graph: &'a DependencyGraph,
        scenario: &'a Scenario,
        seed: u64,
        journal: Option<Journal>,
    ) -> std::io::Result<Session<'a>> {
        let mut session = Session::at_start(exercise, plan, graph, scenario, seed, journal);
        session.deliver()?;
        Ok(session)
    }

    fn at_start(
        exercise: &'a Exercise,
        plan: &'a Plan,
        graph: &'a DependencyGraph,
        scenario: &'a Scenario,
        seed: u64,
        journal: Option<Journal>,
    ) -> Session<'a> {
        let mut engine = Engine::for_scenario(
            scenario,
            plan,
            graph,
            Lead::Orders,
            recovery::Options {
                seed,
                ..Default::default()
            },
        );
        engine.advance_to(exercise.start);
        Session {
            exercise,
            plan,
            graph,
            scenario,
            seed,
            engine,
            paused: false,
            ended: false,
            crisis: 0,
            delivered: Vec::new(),
            decisions: Vec::new(),
            journal,
            seq: 0,
        }
    }

    /// Rebuilds a session from a journal's entries (and goes on writing to
    /// `journal`, if given). Fails when the journal does not fit the
    /// exercise (an inject it lists is not the one the replay delivers).
    pub fn replay(
        exercise: &'a Exercise,
        plan: &'a Plan,
        graph: &'a DependencyGraph,
        scenario: &'a Scenario,
        seed: u64,
        entries: &[Entry],
        journal: Option<Journal>,
    ) -> Result<Session<'a>, String> {
        let listed: Vec<(u64, String)> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Inject { id, seq, .. } => Some((*seq, id.clone())),
                _ => None,
            })
            .collect();
        // Replayed without a journal: nothing is written until the end.
        let mut session = Session::at_start(exercise, plan, graph, scenario, seed, None);
        session.deliver().map_err(|e| e.to_string())?;
        for e in entries {
            let (change, wall) = match e {
                Entry::Inject { .. } => continue,
                Entry::Clock { t, .. } => (Change::Goto(*t), ""),
                Entry::Decision {
                    t,
                    by,
                    command,
                    wall,
                    seq,
                } => {
                    if *t != session.now() {
                        return Err(format!(
                            "entry {seq}: a decision at {t} s while the clock is at {} s",
                            session.now()
                        ));
                    }
                    let change = Change::Decide {
                        command: command.clone(),
                        by: by.clone(),
                    };
                    (change, wall.as_str())
                }
                Entry::Pause { .. } => (Change::Pause, ""),
                Entry::Resume { .. } => (Change::Resume, ""),
                Entry::End { .. } => (Change::End, ""),
            };
            // The change is numbered as the journal numbered it.
            session.seq = e.seq().saturating_sub(1);
            session.take(change, wall).map_err(|err| match e {
                Entry::Decision { seq, command, .. } => format!("entry {seq}: `{command}`: {err}"),
                _ => format!("entry {}: {err}", e.seq()),
            })?;
        }
        // Injects the journal lists must be those the replay delivered, in
        // order; the replay may deliver more (a crash between the clock
        // entry and its injects): those are written now.
        let same = session.delivered.len() >= listed.len()
            && session
                .delivered
                .iter()
                .zip(&listed)
                .all(|(d, (_, id))| d.id == *id);
        if !same {
            return Err(
                "the journal's injects differ from the exercise's: was the exercise file changed?"
                    .into(),
            );
        }
        for (d, (seq, _)) in session.delivered.iter_mut().zip(&listed) {
            d.seq = *seq;
        }
        session.seq = entries.last().map_or(0, Entry::seq);
        session.journal = journal;
        let missing: Vec<Delivered> = session.delivered[listed.len()..].to_vec();
        for d in missing {
            let seq = session.write(|seq| Entry::Inject {
                seq,
                t: d.t,
                id: d.id.clone(),
            });
            let seq = seq.map_err(|e| e.to_string())?;
            if let Some(x) = session.delivered.iter_mut().find(|x| x.id == d.id) {
                x.seq = seq;
            }
        }
        Ok(session)
    }

    pub fn now(&self) -> u64 {
        self.engine.now
    }

    pub fn plan(&self) -> &'a Plan {
        self.plan
    }

    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    pub fn engine(&self) -> &Engine<'a> {
        &self.engine
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Writes an entry durably (or only numbers it, without a journal).
    fn write(&mut self, entry: impl FnOnce(u64) -> Entry) -> std::io::Result<u64> {
        match &mut self.journal {
            Some(j) => {
                let e = entry(j.next_seq());
                j.append(&e)
            }
            None => {
                self.seq += 1;
                Ok(self.seq)
            }
        }
    }

    /// The injects due by now that were not delivered: timed ones whose
    /// time has come, contingency ones whose deadline has passed without
    /// the decision they wait for.
    fn due(&self) -> Vec<&'a Inject> {
        let now = self.now();
        let exercise: &'a Exercise = self.exercise;
        let done = |id: &str| self.delivered.iter().any(|d| d.id == id);
        let mut due: Vec<&'a Inject> = exercise
            .injects
            .iter()
            .filter(|i| i.at <= now && !done(&i.id))
            .collect();
        for c in &exercise.contingencies {
            let Some(unless) = &c.unless else { continue };
            if c.at > now || done(&c.id) {
                continue;
            }
            let met = self
                .decisions
                .iter()
                .any(|d| d.t <= c.at && unless.met_by(&d.decision));
            if !met {
                due.push(c);
            }
        }
        due.sort_by_key(|i| i.at);
        due
    }

    /// Delivers what is due, durably.
    fn deliver(&mut self) -> std::io::Result<Vec<String>> {
        let mut out = Vec::new();
        for inject in self.due() {
            let t = self.now();
            let seq = self.write(|seq| Entry::Inject {
                seq,
                t,
                id: inject.id.clone(),
            })?;
            self.delivered.push(Delivered {
                seq,
                t,
                id: inject.id.clone(),
            });
            out.push(inject.id.clone());
        }
        Ok(out)
    }

    fn move_clock(&mut self, t: u64) -> std::io::Result<Vec<String>> {
        // Contingency deadlines and inject times between now and `t` are
        // stops on the way, so that each is delivered at its own time.
        let mut out = Vec::new();
        loop {
            let now = self.now();
            let stop = self
                .exercise
                .injects
                .iter()
                .chain(&self.exercise.contingencies)
                .map(|i| i.at)
                .filter(|&at| at > now && at < t)
                .min();
            match stop {
                Some(s) => {
                    self.engine.advance_to(s);
                    out.extend(self.deliver()?);
                }
                None => break,
            }
        }
        self.engine.advance_to(t);
        out.extend(self.deliver()?);
        Ok(out)
    }

    fn check_running(&self) -> Result<(), Refusal> {
        if self.ended {
            return Err(Refusal::Ended);
        }
        if self.paused {
            return Err(Refusal::Paused);
        }
        Ok(())
    }

    /// Moves the clock to `t` (scenario time), delivering the injects on
    /// the way.
    pub fn advance_to(&mut self, t: u64) -> Result<Ack, Error> {
        self.check_running()?;
        let now = self.now();
        if t <= now {
            return Err(Refusal::Backwards { now }.into());
        }
        let t = t.min(self.exercise.end);
        if t <= now {
            return Err(Refusal::AtEnd.into());
        }
        // The clock entry first: a crash after it replays the move, and the
        // injects it delivers are written then.
        let seq = self.write(|seq| Entry::Clock { seq, t })?;
        let injects = self.move_clock(t)?;
        let seq = self.delivered.last().map_or(seq, |d| d.seq.max(seq));
        Ok(Ack { seq, injects })
    }

    /// Moves the clock by `step` seconds (the exercise's step when `None`).
    pub fn step(&mut self, step: Option<u64>) -> Result<Ack, Error> {
        let by = step.unwrap_or(self.exercise.step);
        let Some(t) = self.now().checked_add(by) else {
            return Err(Refusal::TooFar { by }.into());
        };
        self.advance_to(t)
    }

    /// When the next inject is due: a timed one, or a contingency deadline
    /// still open.
    pub fn next_inject(&self) -> Option<u64> {
        let now = self.now();
        let done = |id: &str| self.delivered.iter().any(|d| d.id == id);
        self.exercise
            .injects
            .iter()
            .chain(&self.exercise.contingencies)
            .filter(|i| i.at > now && !done(&i.id))
            .map(|i| i.at)
            .min()
    }

    /// Moves the clock to the next inject (or by a step when none is left).
    /// The facilitator's word for it; not an iterator.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Ack, Error> {
        match self.next_inject() {
            Some(t) => self.advance_to(t),
            None => self.step(None),
        }
    }

    pub fn pause(&mut self) -> Result<Ack, Error> {
        self.check_running()?;
        let ack = self.mark(|seq, t| Entry::Pause { seq, t })?;
        self.paused = true;
        Ok(ack)
    }

    pub fn resume(&mut self) -> Result<Ack, Error> {
        if !self.paused {
            return Err(Refusal::NotPaused.into());
        }
        let ack = self.mark(|seq, t| Entry::Resume { seq, t })?;
        self.paused = false;
        Ok(ack)
    }

    pub fn end(&mut self) -> Result<Ack, Error> {
        if self.ended {
            return Err(Refusal::AlreadyEnded.into());
        }
        let ack = self.mark(|seq, t| Entry::End { seq, t })?;
        self.ended = true;
        Ok(ack)
    }

    /// Journals a mark at the current time (pause, resume, end).
    fn mark(&mut self, entry: fn(u64, u64) -> Entry) -> Result<Ack, Error> {
        let t = self.now();
        let seq = self.write(|seq| entry(seq, t))?;
        Ok(Ack {
            seq,
            injects: Vec::new(),
        })
    }

    /// Applies a decision to the simulation (no journal).
    fn apply_decision(&mut self, decision: &Decision) -> Result<(), DecideError> {
        let intervention = match decision {
            Decision::Restore { service, team } => Intervention::Restore {
                service: *service,
                team: *team,
            },
            Decision::Failover { service } => Intervention::Failover { service: *service },
            Decision::Relocate { service, site } => Intervention::Relocate {
                service: *service,
                site: *site,
            },
            Decision::Isolate { zone } => {
                if self.engine.is_isolated(*zone) {
                    return Err(DecideError::AlreadyIsolated {
                        zone: self.plan.zones[zone.index()].id.clone(),
                    });
                }
                Intervention::Isolate {
                    zone: *zone,
                    until: None,
                }
            }
            Decision::Reconnect { zone } => {
                if !self.engine.is_isolated(*zone) {
                    return Err(DecideError::NotIsolated {
                        zone: self.plan.zones[zone.index()].id.clone(),
                    });
                }
                Intervention::Reconnect { zone: *zone }
            }
            Decision::Workaround { process } => Intervention::Workaround { process: *process },
            Decision::Staff { team, capacity } => Intervention::Staff {
                team: *team,
                capacity: *capacity,
                until: None,
            },
            Decision::Crisis { level } => {
                self.crisis = *level;
                return Ok(());
            }
            Decision::Note { .. } | Decision::Evaluate { .. } => return Ok(()),
        };
        self.engine.decide(intervention)
    }

    /// Applies a facilitator's change ([`Change::parse`]): the one way the
    /// terminal and the web page move the session. `wall` is the wall-clock
    /// time a decision is taken, written to the journal beside it.
    pub fn apply(&mut self, change: Change, wall: SystemTime) -> Result<Ack, Error> {
        self.take(change, &journal::rfc3339(wall))
    }

    /// Applies a change, a decision being stamped with `wall` (RFC 3339):
    /// [`Session::apply`] with the wall clock read now, or the replay with
    /// the time the journal wrote.
    fn take(&mut self, change: Change, wall: &str) -> Result<Ack, Error> {
        match change {
            Change::Next => self.next(),
            Change::Step(step) => self.step(step),
            Change::Goto(t) => self.advance_to(t),
            Change::Pause => self.pause(),
            Change::Resume => self.resume(),
            Change::End => self.end(),
            Change::Decide { command, by } => self.decide(&command, by.as_deref(), wall),
        }
    }

    /// Takes a decision written as a command (`restore ad with infra`),
    /// by a role when given, at wall-clock time `wall`. It is applied,
    /// written and made durable before this returns.
    fn decide(&mut self, command: &str, by: Option<&str>, wall: &str) -> Result<Ack, Error> {
        self.check_running()?;
        if let Some(role) = by
            && self.exercise.role(role).is_none()
        {
            let hint =
                crate::diag::did_you_mean(role, self.exercise.roles.iter().map(|r| r.id.as_str()));
            return Err(Refusal::UnknownRole {
                role: role.to_string(),
                hint,
            }
            .into());
        }
        let decision =
            Decision::parse(self.plan, self.exercise, command).map_err(Refusal::Decision)?;
        self.apply_decision(&decision).map_err(Refusal::NotNow)?;
        let command = decision.to_command(self.plan);
        let wall = wall.to_string();
        let t = self.now();
        let by = by.map(str::to_string);
        let seq = self.write(|seq| Entry::Decision {
            seq,
            t,
            by: by.clone(),
            command: command.clone(),
            wall: wall.clone(),
        })?;
        self.decisions.push(Taken {
            seq,
            t,
            by,
            decision,
            command,
            wall,
        });
        Ok(Ack {
            seq,
            injects: Vec::new(),
        })
    }

    /// Downtime and data loss so far, as a simulation run ending now.
    pub fn outcome(&self) -> Run {
        simulation::results(self.engine.clone(), self.now())
    }

    /// What the scheduler's teams would do in the same scenario, planning as
    /// they learn, over the scenario's horizon: the yardstick of the report.
    pub fn solver_run(&self, schedules: u64) -> Run {
        let mut engine = Engine::for_scenario(
            self.scenario,
            self.plan,
            self.graph,
            Lead::Scheduler { schedules },
            recovery::Options {
                seed: self.seed,
                ..Default::default()
            },
        );
        let horizon = self.scenario.limit();
        engine.run_until_quiet(horizon);
        simulation::results(engine, horizon)
    }
}

/// Why a change was not made.
#[derive(Debug)]
pub enum Error {
    /// The change makes no sense now; nothing happened.
    Refused(Refusal),
    /// The journal could not be written: the exercise must stop.
    Journal(std::io::Error),
}

/// Why the session refused a change; nothing happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The clock only moves forward: it is at `now`.
    Backwards {
        now: u64,
    },
    /// The clock is at the exercise's end time.
    AtEnd,
    /// A step past the longest duration a plan can write.
    TooFar {
        by: u64,
    },
    Paused,
    NotPaused,
    /// A change after `end`.
    Ended,
    /// `end` twice.
    AlreadyEnded,
    /// A role the exercise does not have, with a "did you mean".
    UnknownRole {
        role: String,
        hint: Option<String>,
    },
    /// The line is not a change ([`Change::parse`] says why).
    Command(crate::exercise::command::CommandError),
    /// The decision does not read against the plan (the parser says why).
    Decision(crate::exercise::DecisionError),
    /// The decision reads but cannot be carried out now (a zone already
    /// isolated, nothing to restore…).
    NotNow(DecideError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Refusal::Backwards { now } => write!(
                f,
                "the clock only moves forward: it is already at {}",
                crate::model::duration::at(*now)
            ),
            Refusal::AtEnd => f.write_str("the exercise is at its end time"),
            Refusal::TooFar { by } => write!(
                f,
                "a step of {by} seconds is more than a hundred years past the clock"
            ),
            Refusal::Paused => f.write_str("the exercise is paused: `resume` first"),
            Refusal::NotPaused => f.write_str("the exercise is not paused"),
            Refusal::Ended => f.write_str("the exercise has ended"),
            Refusal::AlreadyEnded => f.write_str("the exercise has already ended"),
            Refusal::UnknownRole { role, hint } => {
                write!(f, "unknown role `{role}`")?;
                match hint {
                    Some(h) => write!(f, "; {h}"),
                    None => Ok(()),
                }
            }
            Refusal::Command(e) => e.fmt(f),
            Refusal::Decision(e) => e.fmt(f),
            Refusal::NotNow(e) => e.fmt(f),
        }
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        Error::Refused(r)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Journal(e)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Error::Refused(r) => r.fmt(f),
            Error::Journal(e) => write!(f, "cannot write the journal: {e}"),
        }
    }
}

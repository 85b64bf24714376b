//! What a front end shows of a session: the board ([`View`]), serialized
//! as it is for the web page and the terminal's `json`.

use serde::Serialize;

use super::{Delivered, Session};
use crate::analysis::state::State;
use crate::exercise::{Channel, Inject};
use crate::model::{Criticality, NodeRef};
use crate::recovery::Damage;

impl Session<'_> {
    /// Everything a front end shows, at this moment.
    pub fn view(&self) -> View {
        let plan = self.plan;
        let now = self.now();
        let at = |t: u64| Time {
            t,
            label: crate::model::duration::at(t),
            date: self.scenario.date(t),
        };
        let inject_view = |d: &Delivered| {
            let i = self.exercise.inject(&d.id);
            InjectView {
                seq: d.seq,
                at: at(d.t),
                id: d.id.clone(),
                to: i.map(|i| i.to.clone()).unwrap_or_default(),
                channel: i.map(|i| i.channel),
                from: i.map(|i| i.from.clone()).unwrap_or_default(),
                text: i.map(|i| i.text.clone()).unwrap_or_default(),
                expects: i
                    .map(|i| i.expects.iter().map(|e| e.text.clone()).collect())
                    .unwrap_or_default(),
                contingency: i.is_some_and(Inject::is_contingency),
            }
        };
        let mut processes: Vec<ProcessView> = self
            .engine
            .board()
            .into_iter()
            .map(|b| {
                let p = plan.process(b.process);
                ProcessView {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    criticality: p.criticality,
                    state: b.state,
                    since: b.since.map(&at),
                    mtpd_s: p.mtpd.as_secs(),
                    deadline: b.deadline.map(&at),
                    left_s: b.deadline.map(|d| d as i64 - now as i64),
                    workaround: b.workaround,
                    has_workaround: p.workaround.is_some(),
                }
            })
            .collect();
        processes.sort_by_key(|p| {
            (
                p.state == State::Up,
                p.left_s.unwrap_or(i64::MAX),
                p.id.clone(),
            )
        });
        let damaged = self.engine.repairs();
        let services = plan
            .service_ids()
            .map(|s| {
                let svc = plan.service(s);
                let d = damaged.iter().find(|d| d.service == s);
                ServiceView {
                    id: svc.id.clone(),
                    name: svc.name.clone(),
                    zone: svc.zone.map(|z| plan.zones[z.index()].id.clone()),
                    state: self.engine.state(NodeRef::Service(s)),
                    damage: d.map(|d| match d.damage {
                        Damage::Destroyed => DamageView::Destroyed,
                        Damage::Failed => DamageView::Failed,
                        Damage::Stopped { .. } => DamageView::Stopped,
                    }),
                    work: d
                        .and_then(|d| d.work)
                        .map(|(mode, start, expected)| WorkView {
                            mode: mode.key(),
                            start: at(start),
                            expected: at(expected),
                        }),
                    ordered: self.engine.orders().contains(&s),
                    investigation: self.engine.frozen_until(s).map(at),
                }
            })
            .collect();
        let teams = plan
            .teams
            .iter()
            .zip(self.engine.teams())
            .map(|(t, (people, busy))| TeamView {
                id: t.id.clone(),
                name: t.name.clone(),
                people,
                busy,
            })
            .collect();
        View {
            title: self.exercise.title.clone(),
            clock: at(now),
            start: at(self.exercise.start),
            end: at(self.exercise.end),
            next_inject: self.next_inject().map(&at),
            paused: self.paused,
            ended: self.ended,
            crisis: self.crisis,
            isolated: plan
                .zones
                .iter()
                .enumerate()
                .filter(|(z, _)| self.engine.is_isolated(crate::model::ZoneId(*z as u32)))
                .map(|(_, z)| z.id.clone())
                .collect(),
            injects: self.delivered.iter().map(inject_view).collect(),
            decisions: self
                .decisions
                .iter()
                .map(|d| DecisionView {
                    seq: d.seq,
                    at: at(d.t),
                    by: d.by.clone(),
                    command: d.command.clone(),
                    wall: d.wall.clone(),
                })
                .collect(),
            processes,
            services,
            teams,
        }
    }
}

/// A moment: seconds from T0, `T+…`, and the date when the scenario has one.
#[derive(Debug, Clone, Serialize)]
pub struct Time {
    pub t: u64,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub title: String,
    pub clock: Time,
    pub start: Time,
    pub end: Time,
    pub next_inject: Option<Time>,
    pub paused: bool,
    pub ended: bool,
    pub crisis: u8,
    pub isolated: Vec<String>,
    pub injects: Vec<InjectView>,
    pub decisions: Vec<DecisionView>,
    /// Down first, the nearest DMIA first.
    pub processes: Vec<ProcessView>,
    /// In plan order (the map's order).
    pub services: Vec<ServiceView>,
    pub teams: Vec<TeamView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InjectView {
    pub seq: u64,
    pub at: Time,
    pub id: String,
    pub to: Vec<String>,
    /// `None` only for an inject the exercise does not list.
    pub channel: Option<Channel>,
    pub from: String,
    pub text: String,
    pub expects: Vec<String>,
    pub contingency: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    pub seq: u64,
    pub at: Time,
    pub by: Option<String>,
    pub command: String,
    pub wall: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcessView {
    pub id: String,
    pub name: String,
    pub criticality: Criticality,
    pub state: State,
    pub since: Option<Time>,
    pub mtpd_s: u64,
    /// When its DMIA is breached if nothing changes.
    pub deadline: Option<Time>,
    /// Seconds left before that (negative: breached).
    pub left_s: Option<i64>,
    pub workaround: bool,
    pub has_workaround: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub zone: Option<String>,
    pub state: State,
    pub damage: Option<DamageView>,
    pub work: Option<WorkView>,
    /// Ordered by the players, not started yet.
    pub ordered: bool,
    /// The attacker held it: no work before the investigation ends, then.
    pub investigation: Option<Time>,
}

/// What happened to a damaged service, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DamageView {
    Destroyed,
    Failed,
    Stopped,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    pub mode: &'static str,
    pub start: Time,
    pub expected: Time,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub people: u32,
    pub busy: u32,
}

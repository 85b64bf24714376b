//! Which nodes are up, degraded or down when some services fail.
//!
//! The rules are the product's: a hard dependency passes on its state; a
//! soft one makes its dependent degraded when it is down; a group is
//! satisfied while `at_least` members are up, degraded while fewer are up but
//! one is not down, down when all are down. Failures only spread (the
//! evaluation is monotone), so the states are the least fixed point reached
//! from "everything up": a cycle does not fail by itself.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::graph::DependencyGraph;
use crate::model::{Dependency, Plan, ZoneId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Up,
    Degraded,
    Down,
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Up => "up",
            State::Degraded => "degraded",
            State::Down => "down",
        }
    }
}

/// The state a node's dependencies give it.
pub fn evaluate(deps: &[Dependency], states: &[State]) -> State {
    evaluate_by(deps, |d| states[d])
}

/// The state dependencies give a node, each dependency's state as the node
/// sees it (`state`: a link cut by an isolation makes it down).
fn evaluate_by(deps: &[Dependency], state: impl Fn(usize) -> State) -> State {
    let mut worst = State::Up;
    for dep in deps {
        let s = match dep {
            Dependency::Hard(d) => state(d.index()),
            Dependency::Soft(d) if state(d.index()) == State::Down => State::Degraded,
            Dependency::Soft(_) => State::Up,
            Dependency::Group(g) => {
                let up =
                    g.of.iter()
                        .filter(|m| state(m.index()) == State::Up)
                        .count();
                let not_down =
                    g.of.iter()
                        .filter(|m| state(m.index()) != State::Down)
                        .count();
                if up >= g.at_least as usize {
                    State::Up
                } else if not_down > 0 {
                    State::Degraded
                } else {
                    State::Down
                }
            }
        };
        worst = worst.max(s);
        if worst == State::Down {
            break;
        }
    }
    worst
}

/// Zones cut off the network, as the states see them. Isolating a zone
/// cuts the network links that cross its boundary: a dependency between
/// two zones is a network flow when the first reaches the second through
/// the zones' `reach` ([`Plan::flows`]), and it is cut while no path of
/// zones not isolated joins them (either end isolated, or every path
/// through an isolated zone). What is inside a zone keeps what is inside;
/// a dependency on a service without a zone (power, cooling, an operator's
/// link) or one the network does not carry (a server on its hypervisor in
/// the administration zone) is never cut.
#[derive(Debug, Clone)]
pub struct Isolation<'p> {
    plan: &'p Plan,
    /// Per pair of zones `(a, b)` at `a * zones + b`: the flow is cut.
    cut: Vec<bool>,
}

impl<'p> Isolation<'p> {
    /// The links these zones' isolation cuts; `None` when none is.
    pub fn new(plan: &'p Plan, isolated: &[ZoneId]) -> Option<Isolation<'p>> {
        if isolated.is_empty() {
            return None;
        }
        let z = plan.zones.len();
        let mut off = vec![false; z];
        for i in isolated {
            off[i.index()] = true;
        }
        let mut cut = vec![false; z * z];
        for a in 0..z {
            // What `a` still reaches through zones that are not isolated.
            let mut open = vec![false; z];
            if !off[a] {
                let mut stack: Vec<usize> = plan.zones[a].reach.iter().map(|r| r.index()).collect();
                while let Some(b) = stack.pop() {
                    if !off[b] && !std::mem::replace(&mut open[b], true) {
                        stack.extend(plan.zones[b].reach.iter().map(|r| r.index()));
                    }
                }
            }
            for b in 0..z {
                cut[a * z + b] =
                    a != b && plan.flows(ZoneId(a as u32), ZoneId(b as u32)) && !open[b];
            }
        }
        Some(Isolation { plan, cut })
    }

    /// Whether node `from` (dense index) is cut from service `to`.
    pub fn cuts(&self, from: usize, to: usize) -> bool {
        let (Some(a), Some(b)) = (self.plan.node_zone(from), self.plan.services[to].zone) else {
            return false;
        };
        self.cut[a.index() * self.plan.zones.len() + b.index()]
    }

    /// Whether node `from` is cut from any service these dependencies name.
    fn cuts_any(&self, from: usize, deps: &[Dependency]) -> bool {
        deps.iter()
            .flat_map(Dependency::services)
            .any(|d| self.cuts(from, d.index()))
    }
}

/// States of every node (dense index) when the `hit` nodes are down and stay
/// down. Linear in the graph: a node's state worsens at most twice.
pub fn propagate(plan: &Plan, graph: &DependencyGraph, hit: &[usize]) -> Vec<State> {
    propagate_with(plan, graph, hit, &[], None)
}

/// Where a service runs instead of on its own dependencies.
#[derive(Debug, Clone, Copy)]
pub enum Runs<'a> {
    /// Failed over: it takes its standby's state.
    Standby(usize),
    /// Relocated: it depends on these (its dependencies at the recovery
    /// site).
    On(&'a [Dependency]),
}

/// [`propagate`], with services that run elsewhere: on their failover
/// standby (they take its state) or at a recovery site (their
/// dependencies there give it), and zones cut off the network (a link the
/// isolation cuts counts as down for the node it serves).
pub fn propagate_with(
    plan: &Plan,
    graph: &DependencyGraph,
    hit: &[usize],
    runs: &[(usize, Runs)],
    isolation: Option<&Isolation>,
) -> Vec<State> {
    let size = if runs.is_empty() {
        0
    } else {
        plan.node_count()
    };
    let mut carried: Vec<Vec<usize>> = vec![Vec::new(); size];
    let mut elsewhere: Vec<Option<Runs>> = vec![None; size];
    for &(s, r) in runs {
        match r {
            Runs::Standby(t) => carried[t].push(s),
            Runs::On(deps) => {
                for d in deps.iter().flat_map(|d| d.services()) {
                    carried[d.index()].push(s);
                }
            }
        }
        elsewhere[s] = Some(r);
    }
    let mut states = vec![State::Up; plan.node_count()];
    let mut queue = VecDeque::new();
    for &h in hit {
        if states[h] != State::Down {
            states[h] = State::Down;
            queue.push_back(h);
        }
    }
    let mut queued = vec![false; plan.node_count()];
    let deps_of = |x: usize| -> &[Dependency] {
        match elsewhere.get(x).copied().flatten() {
            Some(Runs::On(deps)) => deps,
            Some(Runs::Standby(_)) => &[],
            None => plan.depends_on(plan.node_at(x)),
        }
    };
    let judge = |x: usize, states: &[State]| -> State {
        match (elsewhere.get(x).copied().flatten(), isolation) {
            (Some(Runs::Standby(t)), _) => states[t],
            (_, None) => evaluate(deps_of(x), states),
            (_, Some(iso)) => evaluate_by(deps_of(x), |d| {
                if iso.cuts(x, d) {
                    State::Down
                } else {
                    states[d]
                }
            }),
        }
    };
    // What an isolation cuts from something it needs is judged first.
    if let Some(iso) = isolation {
        for x in 0..plan.node_count() {
            if states[x] != State::Down && iso.cuts_any(x, deps_of(x)) {
                let new = judge(x, &states);
                if new > states[x] {
                    states[x] = new;
                    queued[x] = true;
                    queue.push_back(x);
                }
            }
        }
    }
    while let Some(n) = queue.pop_front() {
        queued[n] = false;
        let dependents = graph
            .graph
            .edges_directed(NodeIndex::new(n), Direction::Incoming)
            .map(|e| e.source().index())
            .chain(carried.get(n).into_iter().flatten().copied());
        for dependent in dependents {
            if states[dependent] == State::Down {
                continue;
            }
            let new = judge(dependent, &states);
            if new > states[dependent] {
                states[dependent] = new;
                if !queued[dependent] {
                    queued[dependent] = true;
                    queue.push_back(dependent);
                }
            }
        }
    }
    states
}

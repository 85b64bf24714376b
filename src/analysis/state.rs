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
use crate::model::{Dependency, Plan};

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
    let mut worst = State::Up;
    for dep in deps {
        let s = match dep {
            Dependency::Hard(d) => states[d.index()],
            Dependency::Soft(d) if states[d.index()] == State::Down => State::Degraded,
            Dependency::Soft(_) => State::Up,
            Dependency::Group(g) => {
                let up =
                    g.of.iter()
                        .filter(|m| states[m.index()] == State::Up)
                        .count();
                let not_down =
                    g.of.iter()
                        .filter(|m| states[m.index()] != State::Down)
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

/// States of every node (dense index) when the `hit` nodes are down and stay
/// down. Linear in the graph: a node's state worsens at most twice.
pub fn propagate(plan: &Plan, graph: &DependencyGraph, hit: &[usize]) -> Vec<State> {
    propagate_with(plan, graph, hit, &[])
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
/// dependencies there give it).
pub fn propagate_with(
    plan: &Plan,
    graph: &DependencyGraph,
    hit: &[usize],
    runs: &[(usize, Runs)],
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
            let new = match elsewhere.get(dependent).copied().flatten() {
                Some(Runs::Standby(t)) => states[t],
                Some(Runs::On(deps)) => evaluate(deps, &states),
                None => evaluate(plan.depends_on(plan.node_at(dependent)), &states),
            };
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

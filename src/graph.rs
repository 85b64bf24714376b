//! The dependency graph of a plan, on petgraph.
//!
//! Node `i` of the graph is the plan's dense node index `i` (services first,
//! then processes); an edge goes from a dependent to what it depends on. The
//! graph is what analysis, recovery and simulation walk; cycles (Active
//! Directory and its DNS) are found here and reported as warnings, never as
//! errors.

use std::collections::{HashMap, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::diag::Diagnostic;
use crate::model::{Dependency, NodeRef, Plan};

/// How a dependent needs what an edge points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    Hard,
    Soft,
    /// Member of the dependent's `group`-th entry of `depends_on`, a group
    /// that needs `at_least` members up.
    Group {
        entry: u32,
        at_least: u32,
    },
}

impl EdgeKind {
    /// Hard and group edges carry requirements; soft ones only degrade.
    fn is_required(self) -> bool {
        !matches!(self, EdgeKind::Soft)
    }
}

pub struct DependencyGraph {
    pub graph: DiGraph<NodeRef, EdgeKind, u32>,
    /// The recovery units, computed once: simulations ask for them at every
    /// run and every planning.
    units: std::sync::OnceLock<Units>,
}

impl DependencyGraph {
    pub fn new(plan: &Plan) -> DependencyGraph {
        let edges: usize = (0..plan.node_count())
            .map(|i| {
                plan.depends_on(plan.node_at(i))
                    .iter()
                    .map(|d| d.services().len())
                    .sum::<usize>()
            })
            .sum();
        let mut graph = DiGraph::with_capacity(plan.node_count(), edges);
        for i in 0..plan.node_count() {
            graph.add_node(plan.node_at(i));
        }
        for i in 0..plan.node_count() {
            let from = NodeIndex::new(i);
            for (entry, dep) in plan.depends_on(plan.node_at(i)).iter().enumerate() {
                let kind = match dep {
                    Dependency::Hard(_) => EdgeKind::Hard,
                    Dependency::Soft(_) => EdgeKind::Soft,
                    Dependency::Group(g) => EdgeKind::Group {
                        entry: entry as u32,
                        at_least: g.at_least,
                    },
                };
                for &s in dep.services() {
                    graph.add_edge(from, NodeIndex::new(s.index()), kind);
                }
            }
        }
        DependencyGraph {
            graph,
            units: std::sync::OnceLock::new(),
        }
    }

    /// Groups of nodes that need each other through hard or group
    /// dependencies, each listed as a walk around the cycle that starts and
    /// ends at its first member in plan order. Soft links never close a
    /// cycle: a soft dependency does not stop anything from starting.
    pub fn cycles(&self) -> Vec<Vec<NodeIndex>> {
        let required = self.required();
        let mut cycles: Vec<Vec<NodeIndex>> = tarjan_scc(&required)
            .into_iter()
            .filter(|scc| scc.len() > 1)
            .map(|mut scc| {
                scc.sort();
                walk_cycle(&required, &scc)
            })
            .collect();
        cycles.sort();
        cycles
    }
}

impl DependencyGraph {
    /// The graph without its soft edges: what must be up for a node to be up.
    fn required(&self) -> DiGraph<NodeRef, EdgeKind, u32> {
        self.graph
            .filter_map(|_, n| Some(*n), |_, e| e.is_required().then_some(*e))
    }

    /// The condensation of the graph into recovery units.
    pub fn units(&self) -> Units {
        self.units.get_or_init(|| self.compute_units()).clone()
    }

    fn compute_units(&self) -> Units {
        let sccs = tarjan_scc(&self.required());
        let mut unit_of = vec![0u32; self.graph.node_count()];
        let mut members = Vec::with_capacity(sccs.len());
        // Tarjan emits a component after every component it reaches: the
        // dependencies of a unit come before it.
        for (u, scc) in sccs.into_iter().enumerate() {
            let mut scc: Vec<usize> = scc.into_iter().map(|n| n.index()).collect();
            scc.sort_unstable();
            for &n in &scc {
                unit_of[n] = u as u32;
            }
            members.push(scc);
        }
        Units { unit_of, members }
    }
}

/// Recovery units: the strongly connected components of the hard and group
/// dependencies. A node outside any cycle is a unit alone; the members of a
/// cycle form one unit, up only when all of them are.
#[derive(Debug, Clone)]
pub struct Units {
    /// Unit of each node (dense node index).
    pub unit_of: Vec<u32>,
    /// Members of each unit, in plan order. Units are numbered so that the
    /// units a unit depends on have smaller numbers.
    pub members: Vec<Vec<usize>>,
}

impl Units {
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn same(&self, a: usize, b: usize) -> bool {
        self.unit_of[a] == self.unit_of[b]
    }

    /// The units in an order where each comes after the units it depends
    /// on and, for a service alone in its unit, after its failover
    /// standby's: what an evaluation that lets a service be carried by its
    /// standby walks. Dependencies are always honoured; a cycle closed by
    /// standbys is broken by ignoring the standby of the lowest-numbered
    /// unit still waiting for one (`standby_first` says, per unit, whether
    /// its standby came first).
    pub fn order_with_standbys(&self, plan: &Plan) -> (Vec<u32>, Vec<bool>) {
        let n = self.len();
        let standby: Vec<Option<usize>> = (0..n)
            .map(|u| match self.members[u].as_slice() {
                [x] if *x < plan.services.len() => plan.services[*x]
                    .recovery
                    .failover
                    .map(|f| self.unit_of[f.to.index()] as usize)
                    .filter(|&v| v != u),
                _ => None,
            })
            .collect();
        // Without failovers, the numbering already is such an order.
        if standby.iter().all(Option::is_none) {
            return ((0..n as u32).collect(), vec![false; n]);
        }
        let mut waiting = vec![0usize; n];
        let mut extra: Vec<Option<usize>> = vec![None; n];
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
        for u in 0..n {
            let mut deps: Vec<usize> = self.members[u]
                .iter()
                .flat_map(|&x| plan.depends_on(plan.node_at(x)))
                .filter(|d| !matches!(d, Dependency::Soft(_)))
                .flat_map(|d| d.services().iter())
                .map(|d| self.unit_of[d.index()] as usize)
                .filter(|&v| v != u)
                .collect();
            deps.sort_unstable();
            deps.dedup();
            // A standby it also depends on comes first anyway.
            extra[u] = standby[u].filter(|v| !deps.contains(v));
            deps.extend(extra[u]);
            waiting[u] = deps.len();
            for v in deps {
                next[v].push(u);
            }
        }
        let mut first: Vec<bool> = standby.iter().map(Option::is_some).collect();
        let mut done = vec![false; n];
        let mut ready: std::collections::BTreeSet<usize> =
            (0..n).filter(|&u| waiting[u] == 0).collect();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some(u) = ready.pop_first() else {
                // Stuck on a cycle closed by standbys: drop one standby.
                let Some(u) =
                    (0..n).find(|&u| !done[u] && first[u] && extra[u].is_some_and(|v| !done[v]))
                else {
                    break;
                };
                first[u] = false;
                if let Some(v) = extra[u].take() {
                    next[v].retain(|&w| w != u);
                }
                waiting[u] -= 1;
                if waiting[u] == 0 {
                    ready.insert(u);
                }
                continue;
            };
            done[u] = true;
            out.push(u as u32);
            for &w in &next[u] {
                waiting[w] -= 1;
                if waiting[w] == 0 {
                    ready.insert(w);
                }
            }
        }
        // Never reached (dependencies alone form no cycle between units),
        // but an order must name every unit.
        for u in 0..n {
            if !done[u] {
                first[u] = false;
                out.push(u as u32);
            }
        }
        (out, first)
    }
}

/// Components larger than this are listed in order, not walked: a walk
/// costs a search per member.
const MAX_WALKED: usize = 64;

/// A closed walk through every member of a strongly connected component:
/// from the first member, take the shortest path to the nearest member not
/// yet visited, and so on, then back to the start.
fn walk_cycle(graph: &DiGraph<NodeRef, EdgeKind, u32>, scc: &[NodeIndex]) -> Vec<NodeIndex> {
    if scc.len() > MAX_WALKED {
        return scc.iter().copied().chain(std::iter::once(scc[0])).collect();
    }
    let inside = |n: NodeIndex| scc.binary_search(&n).is_ok();
    let start = scc[0];
    let mut walk = vec![start];
    let mut at = start;
    loop {
        let done = scc.iter().all(|n| walk.contains(n));
        let is_target = |t: NodeIndex| if done { t == start } else { !walk.contains(&t) };
        let Some(path) = shortest_path(graph, &inside, at, is_target) else {
            return walk;
        };
        at = *path.last().unwrap_or(&at);
        walk.extend(path);
        if done {
            return walk;
        }
    }
}

/// Breadth-first search from `from` (excluded) to the first node that
/// `is_target`, staying inside the component; neighbors in index order so
/// the walk is the same on every run.
fn shortest_path(
    graph: &DiGraph<NodeRef, EdgeKind, u32>,
    inside: &dyn Fn(NodeIndex) -> bool,
    from: NodeIndex,
    is_target: impl Fn(NodeIndex) -> bool,
) -> Option<Vec<NodeIndex>> {
    let mut parent = HashMap::from([(from, from)]);
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<NodeIndex> = graph
            .edges(n)
            .map(|e| e.target())
            .filter(|&t| inside(t))
            .collect();
        next.sort();
        next.dedup();
        for t in next {
            if is_target(t) {
                let mut path = vec![t];
                let mut m = n;
                while m != from {
                    path.push(m);
                    m = parent[&m];
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(t) {
                e.insert(n);
                queue.push_back(t);
            }
        }
    }
    None
}

/// Warnings about the plan's shape that are not errors: cycles.
#[tracing::instrument(skip_all)]
pub fn shape_warnings(plan: &Plan, graph: &DependencyGraph) -> Vec<Diagnostic> {
    graph
        .cycles()
        .into_iter()
        .map(|walk| {
            let names: Vec<&str> = walk.iter().map(|&n| plan.node_id(graph.graph[n])).collect();
            let first = graph.graph[walk[0]];
            let mut d = Diagnostic::warning(
                "dependency-cycle",
                format!("dependency cycle: {}", names.join(" → ")),
            )
            .at(plan.node_span(first))
            .label("the cycle starts here")
            .help(
                "a cycle is recovered as one unit, its members restored one after the other in plan order; \
                 check that the plan tells how to bootstrap it",
            );
            for &n in walk.iter().skip(1).take(walk.len().saturating_sub(2)) {
                d = d.note(plan.node_span(graph.graph[n]), format!("`{}` is in the cycle", plan.node_id(graph.graph[n])));
            }
            d
        })
        .collect()
}

//! Property tests of the analysis on random plans: single points of failure
//! and minimal cut sets against brute force (fail every small set, propagate
//! states naively), and the time objectives against a plain fixed-point
//! recomputation. The random plans have groups, soft links, cycles,
//! workarounds and failover standbys (a service with a standby falls only
//! with it); they go through the real loader.

use std::fmt::Write;

use proptest::prelude::*;
use reprise::analysis::{self, objectives};
use reprise::graph::DependencyGraph;
use reprise::model::{Dependency, NodeRef, Plan};

use super::random_plans::{Tolerance, tolerance, write_process};

#[derive(Debug, Clone)]
enum Dep {
    Hard(usize),
    Soft(usize),
    Group(usize, Vec<usize>),
}

/// A process: its tolerances and dependencies.
type ProcessSpec = (Tolerance, Vec<Dep>);

#[derive(Debug, Clone)]
struct Spec {
    /// Duration (hours), dependencies, a failover standby (kept only when
    /// it closes no cycle through dependencies and standbys).
    services: Vec<(u64, Vec<Dep>, Option<usize>)>,
    processes: Vec<ProcessSpec>,
}

fn dep(n: usize) -> impl Strategy<Value = Dep> {
    prop_oneof![
        3 => (0..n).prop_map(Dep::Hard),
        1 => (0..n).prop_map(Dep::Soft),
        2 => proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n.min(3))
            .prop_flat_map(|members| (1..=members.len(), Just(members)))
            .prop_map(|(k, members)| Dep::Group(k, members)),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (2usize..8).prop_flat_map(|n| {
        let services = proptest::collection::vec(
            (
                1u64..10,
                proptest::collection::vec(dep(n), 0..3),
                proptest::option::weighted(0.3, 0..n),
            ),
            n,
        );
        let processes = proptest::collection::vec(
            (tolerance(40), proptest::collection::vec(dep(n), 1..3)),
            1..4,
        );
        (services, processes).prop_map(|(services, processes)| Spec {
            services,
            processes,
        })
    })
}

fn write_deps(out: &mut String, own: Option<usize>, deps: &[Dep]) {
    let mut entries = Vec::new();
    for d in deps {
        match d {
            Dep::Hard(t) if Some(*t) != own => entries.push(format!("s{t}")),
            Dep::Soft(t) if Some(*t) != own => entries.push(format!("{{ soft: s{t} }}")),
            Dep::Group(k, members) => {
                let members: Vec<String> = members
                    .iter()
                    .filter(|&&m| Some(m) != own)
                    .map(|m| format!("s{m}"))
                    .collect();
                if !members.is_empty() {
                    entries.push(format!(
                        "{{ at_least: {}, of: [{}] }}",
                        (*k).min(members.len()),
                        members.join(", ")
                    ));
                }
            }
            _ => {}
        }
    }
    let _ = writeln!(out, "    depends_on: [{}]", entries.join(", "));
}

/// The failovers kept: none that closes a cycle through dependencies and
/// standbys (where "falls only with its standby" has no one answer).
fn failovers(spec: &Spec) -> Vec<Option<usize>> {
    let n = spec.services.len();
    let mut edges: Vec<Vec<usize>> = spec
        .services
        .iter()
        .map(|(_, deps, _)| {
            deps.iter()
                .flat_map(|d| match d {
                    Dep::Hard(t) => vec![*t],
                    Dep::Soft(_) => vec![],
                    Dep::Group(_, m) => m.clone(),
                })
                .collect()
        })
        .collect();
    let reaches = |edges: &[Vec<usize>], from: usize, to: usize| {
        let mut seen = vec![false; n];
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            if x == to {
                return true;
            }
            if !std::mem::replace(&mut seen[x], true) {
                stack.extend(edges[x].iter().copied());
            }
        }
        false
    };
    let mut out = vec![None; n];
    for i in 0..n {
        if let Some(t) = spec.services[i].2
            && t != i
            && !reaches(&edges, t, i)
        {
            out[i] = Some(t);
            edges[i].push(t);
        }
    }
    out
}

fn load(spec: &Spec) -> Plan {
    let mut y = String::from("name: random\nentities: { e: { name: E } }\nservices:\n");
    let standby = failovers(spec);
    for (i, (hours, deps, _)) in spec.services.iter().enumerate() {
        let failover = standby[i]
            .map(|t| format!(", failover: {{ to: s{t}, duration: 30m }}"))
            .unwrap_or_default();
        let _ = writeln!(
            y,
            "  s{i}:\n    name: S{i}\n    kind: application\n    recovery: {{ duration: {hours}h{failover} }}"
        );
        write_deps(&mut y, Some(i), deps);
    }
    y.push_str("processes:\n");
    for (i, (tolerance, deps)) in spec.processes.iter().enumerate() {
        write_process(&mut y, i, tolerance);
        write_deps(&mut y, None, deps);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.yaml");
    std::fs::write(&path, &y).unwrap();
    let loaded = reprise::load::load_plan(&path);
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    loaded
        .plan
        .unwrap_or_else(|| panic!("generated plan is valid: {errors:?}\n{y}"))
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum S {
    Up,
    Degraded,
    Down,
}

/// States by plain iteration from "all up", written independently of the
/// engine: recompute every node until nothing changes.
fn naive_states(plan: &Plan, hit: &[usize]) -> Vec<S> {
    let mut states = vec![S::Up; plan.node_count()];
    for &h in hit {
        states[h] = S::Down;
    }
    loop {
        let mut changed = false;
        for n in 0..plan.node_count() {
            if hit.contains(&n) {
                continue;
            }
            let mut worst = S::Up;
            for d in plan.depends_on(plan.node_at(n)) {
                let s = match d {
                    Dependency::Hard(x) => states[x.index()],
                    Dependency::Soft(x) => {
                        if states[x.index()] == S::Down {
                            S::Degraded
                        } else {
                            S::Up
                        }
                    }
                    Dependency::Group(g) => {
                        let up = g.of.iter().filter(|m| states[m.index()] == S::Up).count();
                        let all_down = g.of.iter().all(|m| states[m.index()] == S::Down);
                        if up >= g.at_least as usize {
                            S::Up
                        } else if all_down {
                            S::Down
                        } else {
                            S::Degraded
                        }
                    }
                };
                worst = worst.max(s);
            }
            if worst > states[n] {
                states[n] = worst;
                changed = true;
            }
        }
        if !changed {
            return states;
        }
    }
}

/// States for good, by plain iteration: as [`naive_states`], except that a
/// service with a standby, alone in its unit, that would be down takes its
/// standby's state (it has failed over).
fn naive_carried(plan: &Plan, hit: &[usize]) -> Vec<S> {
    let units = DependencyGraph::new(plan).units();
    let mut states = vec![S::Up; plan.node_count()];
    loop {
        let mut changed = false;
        for n in 0..plan.node_count() {
            let mut own = if hit.contains(&n) { S::Down } else { S::Up };
            for d in plan.depends_on(plan.node_at(n)) {
                let s = match d {
                    Dependency::Hard(x) => states[x.index()],
                    Dependency::Soft(x) if states[x.index()] == S::Down => S::Degraded,
                    Dependency::Soft(_) => S::Up,
                    Dependency::Group(g) => {
                        let up = g.of.iter().filter(|m| states[m.index()] == S::Up).count();
                        if up >= g.at_least as usize {
                            S::Up
                        } else if g.of.iter().all(|m| states[m.index()] == S::Down) {
                            S::Down
                        } else {
                            S::Degraded
                        }
                    }
                };
                own = own.max(s);
            }
            let alone = units.members[units.unit_of[n] as usize].len() == 1;
            let standby = (n < plan.services.len() && alone)
                .then(|| plan.services[n].recovery.failover)
                .flatten();
            let value = match standby {
                Some(f) if own == S::Down => states[f.to.index()],
                _ => own,
            };
            if value > states[n] {
                states[n] = value;
                changed = true;
            }
        }
        if !changed {
            return states;
        }
    }
}

fn subsets(n: usize, max: usize) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for i in 0..n {
        let mut more = Vec::new();
        for s in &out {
            if s.len() < max {
                let mut t = s.clone();
                t.push(i);
                more.push(t);
            }
        }
        out.extend(more);
    }
    out.retain(|s| !s.is_empty());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn cut_sets_and_single_points_match_brute_force(spec in spec(), order in 1usize..=3) {
        let plan = load(&spec);
        let graph = DependencyGraph::new(&plan);
        let a = analysis::analyze(&plan, &graph, analysis::Options { max_order: order });
        let n = plan.services.len();
        for p in plan.process_ids() {
            let pn = plan.node_index(NodeRef::Process(p));
            let sets: Vec<Vec<usize>> = a.cut_sets[p.index()]
                .iter()
                .map(|c| c.services().map(|s| s.index()).collect())
                .collect();
            for hit in subsets(n, order) {
                let down = naive_carried(&plan, &hit)[pn] == S::Down;
                let covered = sets.iter().any(|c| c.iter().all(|x| hit.contains(x)));
                prop_assert_eq!(down, covered, "process {} with {:?} failed; cut sets {:?}", p.index(), hit, sets);
            }
            for c in &sets {
                prop_assert!(c.len() <= order);
                for skip in 0..c.len() {
                    let smaller: Vec<usize> = c.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, &x)| x).collect();
                    if !smaller.is_empty() {
                        prop_assert!(naive_carried(&plan, &smaller)[pn] != S::Down, "{:?} is not minimal", c);
                    }
                }
            }
            for s in plan.service_ids() {
                let stops = naive_carried(&plan, &[s.index()])[pn] == S::Down;
                let listed = a.spof.iter().any(|x| x.service == s && x.processes.contains(&p));
                prop_assert_eq!(stops, listed, "service {} alone vs process {}", s.index(), p.index());
            }
        }
    }

    #[test]
    fn engine_states_match_naive_iteration(spec in spec(), hit in proptest::collection::vec(0usize..8, 0..3)) {
        let plan = load(&spec);
        let graph = DependencyGraph::new(&plan);
        let hit: Vec<usize> = hit.into_iter().filter(|&h| h < plan.services.len()).collect();
        let engine = analysis::state::propagate(&plan, &graph, &hit);
        let naive = naive_states(&plan, &hit);
        for n in 0..plan.node_count() {
            prop_assert_eq!(engine[n] as u8, naive[n] as u8, "node {}", n);
        }
    }

    #[test]
    fn objectives_match_a_plain_fixed_point(spec in spec()) {
        let plan = load(&spec);
        let graph = DependencyGraph::new(&plan);
        let a = analysis::analyze(&plan, &graph, analysis::Options::default());
        let (req, ach) = fixed_point(&plan);
        for n in 0..plan.node_count() {
            prop_assert_eq!(a.objectives.achievable[n], ach[n], "A of node {}", n);
            prop_assert_eq!(a.objectives.required[n], req[n], "R of node {}", n);
        }
    }
}

/// R and A recomputed the plain way: units from a transitive closure
/// (mutual reachability through hard and group edges), then A and R iterated
/// until they stop changing.
fn fixed_point(plan: &Plan) -> (Vec<Option<i64>>, Vec<i64>) {
    let n = plan.node_count();
    let mut reach = vec![vec![false; n]; n];
    for (x, row) in reach.iter_mut().enumerate() {
        row[x] = true;
        for d in plan.depends_on(plan.node_at(x)) {
            if !matches!(d, Dependency::Soft(_)) {
                for s in d.services() {
                    row[s.index()] = true;
                }
            }
        }
    }
    for k in 0..n {
        let through = reach[k].clone();
        for row in &mut reach {
            if row[k] {
                for (cell, &via) in row.iter_mut().zip(&through) {
                    *cell |= via;
                }
            }
        }
    }
    let unit: Vec<Vec<usize>> = (0..n)
        .map(|x| (0..n).filter(|&y| reach[x][y] && reach[y][x]).collect())
        .collect();
    let same = |x: usize, y: usize| unit[x].contains(&y);
    let d = |x: usize| objectives::duration(plan, x);
    let unit_d = |x: usize| unit[x].iter().map(|&m| d(m)).sum::<i64>();

    // A service alone in its unit with a standby: back at the sooner of its
    // own way and its standby's A plus the 30-minute failover, which then
    // takes its requirement.
    let standby = |x: usize| {
        (x < plan.services.len() && unit[x].len() == 1)
            .then(|| plan.services[x].recovery.failover.map(|f| f.to.index()))
            .flatten()
    };
    let mut via = vec![false; n];
    let mut ach = vec![0i64; n];
    for _ in 0..=2 * n {
        let mut next = ach.clone();
        for x in 0..n {
            let mut start = 0;
            for &m in &unit[x] {
                for dep in plan.depends_on(plan.node_at(m)) {
                    match dep {
                        Dependency::Hard(s) if !same(x, s.index()) => {
                            start = start.max(ach[s.index()]);
                        }
                        Dependency::Group(g) => {
                            let inside = g.of.iter().filter(|s| same(x, s.index())).count();
                            let mut outside: Vec<i64> =
                                g.of.iter()
                                    .filter(|s| !same(x, s.index()))
                                    .map(|s| ach[s.index()])
                                    .collect();
                            outside.sort();
                            let need = (g.at_least as usize).saturating_sub(inside);
                            if need > 0 {
                                start = start.max(outside[need - 1]);
                            }
                        }
                        _ => {}
                    }
                }
            }
            next[x] = start + unit_d(x);
            via[x] = false;
            if let Some(f) = standby(x)
                && ach[f] + 1800 < next[x]
            {
                next[x] = ach[f] + 1800;
                via[x] = true;
            }
        }
        if next == ach {
            break;
        }
        ach = next;
    }

    let mut req: Vec<Option<i64>> = vec![None; n];
    for p in plan.process_ids() {
        req[plan.node_index(NodeRef::Process(p))] = Some(objectives::process_required(plan, p));
    }
    for _ in 0..=2 * n + 1 {
        let mut next = req.clone();
        for (x, r) in req.iter().enumerate() {
            let Some(r) = *r else { continue };
            if via[x]
                && let Some(f) = standby(x)
            {
                next[f] = Some(next[f].map_or(r - 1800, |v: i64| v.min(r - 1800)));
                continue;
            }
            let deadline = r - unit_d(x);
            for dep in plan.depends_on(plan.node_at(x)) {
                let targets: Vec<usize> = match dep {
                    Dependency::Hard(s) if !same(x, s.index()) => vec![s.index()],
                    Dependency::Group(g) => {
                        let inside = g.of.iter().filter(|s| same(x, s.index())).count();
                        let mut outside: Vec<usize> =
                            g.of.iter()
                                .map(|s| s.index())
                                .filter(|&s| !same(x, s))
                                .collect();
                        outside.sort_by_key(|&s| ach[s]);
                        outside.truncate((g.at_least as usize).saturating_sub(inside));
                        outside
                    }
                    _ => vec![],
                };
                for t in targets {
                    for &m in &unit[t] {
                        next[m] = Some(next[m].map_or(deadline, |v: i64| v.min(deadline)));
                    }
                }
            }
        }
        // Members of a unit share the tightest requirement.
        let shared: Vec<Option<i64>> = unit
            .iter()
            .map(|members| members.iter().filter_map(|&m| next[m]).min())
            .collect();
        next = shared;
        if next == req {
            break;
        }
        req = next;
    }
    (req, ach)
}

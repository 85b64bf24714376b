//! The dependency graph as Graphviz DOT, Mermaid or JSON.
//!
//! Services are boxes colored by kind, processes ellipses colored by
//! criticality. A redundancy group is drawn as a small "k of n" node between
//! the dependent and its members, so it reads as one requirement; soft links
//! are dotted; edges inside a dependency cycle are red.

use std::collections::HashSet;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::graph::DependencyGraph;
use crate::i18n::{Lang, t};
use crate::model::{Criticality, Dependency, NodeRef, Plan, ServiceKind};

/// Fill color of a service, by family of kinds.
fn kind_color(kind: ServiceKind) -> &'static str {
    use ServiceKind::*;
    match kind {
        Power | Cooling => "#e6c9a8",
        Network | Telecom | Internet | Security => "#a6cee3",
        Hypervisor | Storage | Backup => "#d9d9d9",
        Identity | Dns | Dhcp => "#cab2d6",
        Database | Middleware => "#fdbf6f",
        Application | Web | Messaging | Telephony => "#b2df8a",
        Saas | Supplier => "#ffff99",
        Workstation => "#ccebc5",
        Scada => "#fb9a99",
        Other => "#ffffff",
    }
}

/// Fill and text color of a process, by criticality.
fn criticality_color(c: Criticality) -> (&'static str, &'static str) {
    match c {
        Criticality::Vital => ("#b2182b", "#ffffff"),
        Criticality::Essential => ("#ef8a62", "#000000"),
        Criticality::Important => ("#fddbc7", "#000000"),
        Criticality::Deferrable => ("#f7f7f7", "#000000"),
    }
}

/// Pairs of dense node indices (dependent, dependency) that lie on a cycle.
fn cycle_edges(graph: &DependencyGraph) -> HashSet<(usize, usize)> {
    let mut edges = HashSet::new();
    for walk in graph.cycles() {
        for pair in walk.windows(2) {
            edges.insert((pair[0].index(), pair[1].index()));
        }
    }
    edges
}

fn of_word(lang: Lang) -> &'static str {
    t(lang, "of", "parmi")
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn node_label(plan: &Plan, node: NodeRef, lang: Lang) -> String {
    match node {
        NodeRef::Service(s) => {
            let s = plan.service(s);
            format!("{}\n{} · {}", s.name, s.id, s.kind.label(lang))
        }
        NodeRef::Process(p) => {
            let p = plan.process(p);
            let dmia = t(lang, "MTPD", "DMIA");
            format!(
                "{}\n{} · {dmia} {}",
                p.name,
                p.criticality.label(lang),
                p.mtpd
            )
        }
    }
}

pub fn dot(plan: &Plan, graph: &DependencyGraph, lang: Lang) -> String {
    let on_cycle = cycle_edges(graph);
    let mut out = String::new();
    let _ = writeln!(out, "digraph reprise {{");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"{}\", labelloc=t, fontsize=16];",
        dot_escape(&plan.name)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];"
    );
    for (i, entity) in plan.entities.iter().enumerate() {
        let _ = writeln!(out, "  subgraph \"cluster_{}\" {{", dot_escape(&entity.id));
        let _ = writeln!(
            out,
            "    label=\"{}\"; style=dashed; color=\"#999999\";",
            dot_escape(&entity.name)
        );
        for (j, p) in plan
            .processes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.entity.index() == i)
        {
            let (fill, text) = criticality_color(p.criticality);
            let node = NodeRef::Process(crate::model::ProcessId(j as u32));
            let _ = writeln!(
                out,
                "    \"{}\" [shape=ellipse, style=filled, fillcolor=\"{fill}\", fontcolor=\"{text}\", label=\"{}\"];",
                dot_escape(&p.id),
                dot_escape(&node_label(plan, node, lang))
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for (i, s) in plan.services.iter().enumerate() {
        let node = NodeRef::Service(crate::model::ServiceId(i as u32));
        let _ = writeln!(
            out,
            "  \"{}\" [fillcolor=\"{}\", label=\"{}\"];",
            dot_escape(&s.id),
            kind_color(s.kind),
            dot_escape(&node_label(plan, node, lang))
        );
    }
    for from in 0..plan.node_count() {
        let node = plan.node_at(from);
        let from_id = dot_escape(plan.node_id(node));
        for (entry, dep) in plan.depends_on(node).iter().enumerate() {
            match dep {
                Dependency::Hard(s) => {
                    let style = if on_cycle.contains(&(from, s.index())) {
                        " [color=red, penwidth=2]"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  \"{from_id}\" -> \"{}\"{style};",
                        dot_escape(&plan.service(*s).id)
                    );
                }
                Dependency::Soft(s) => {
                    let _ = writeln!(
                        out,
                        "  \"{from_id}\" -> \"{}\" [style=dotted, color=\"#999999\"];",
                        dot_escape(&plan.service(*s).id)
                    );
                }
                Dependency::Group(g) => {
                    let group = format!("{from_id}#{entry}");
                    let _ = writeln!(
                        out,
                        "  \"{group}\" [shape=diamond, style=filled, fillcolor=\"#ffffff\", fontsize=8, label=\"{} {} {}\"];",
                        g.at_least,
                        of_word(lang),
                        g.of.len()
                    );
                    let _ = writeln!(out, "  \"{from_id}\" -> \"{group}\" [arrowhead=none];");
                    for m in &g.of {
                        let style = if on_cycle.contains(&(from, m.index())) {
                            ", color=red, penwidth=2"
                        } else {
                            ""
                        };
                        let _ = writeln!(
                            out,
                            "  \"{group}\" -> \"{}\" [style=dashed{style}];",
                            dot_escape(&plan.service(*m).id)
                        );
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "}}");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

pub fn mermaid(plan: &Plan, graph: &DependencyGraph, lang: Lang) -> String {
    let on_cycle = cycle_edges(graph);
    let mut out = String::from("flowchart LR\n");
    for (i, kind) in ServiceKind::ALL.iter().enumerate() {
        let _ = writeln!(
            out,
            "  classDef k{i} fill:{},stroke:#555",
            kind_color(*kind)
        );
    }
    for c in Criticality::ALL {
        let (fill, text) = criticality_color(c);
        let _ = writeln!(
            out,
            "  classDef {} fill:{fill},color:{text},stroke:#555",
            c.key()
        );
    }
    for i in 0..plan.node_count() {
        let node = plan.node_at(i);
        let label = mermaid_escape(&node_label(plan, node, lang));
        match node {
            NodeRef::Service(s) => {
                let k = ServiceKind::ALL
                    .iter()
                    .position(|k| *k == plan.service(s).kind)
                    .unwrap_or(0);
                let _ = writeln!(out, "  n{i}[\"{label}\"]:::k{k}");
            }
            NodeRef::Process(p) => {
                let _ = writeln!(
                    out,
                    "  n{i}([\"{label}\"]):::{}",
                    plan.process(p).criticality.key()
                );
            }
        }
    }
    let mut links = 0usize;
    let mut red = Vec::new();
    for from in 0..plan.node_count() {
        for (entry, dep) in plan.depends_on(plan.node_at(from)).iter().enumerate() {
            match dep {
                Dependency::Hard(s) => {
                    if on_cycle.contains(&(from, s.index())) {
                        red.push(links);
                    }
                    let _ = writeln!(out, "  n{from} --> n{}", s.index());
                    links += 1;
                }
                Dependency::Soft(s) => {
                    let _ = writeln!(out, "  n{from} -.-> n{}", s.index());
                    links += 1;
                }
                Dependency::Group(g) => {
                    let group = format!("g{from}_{entry}");
                    let _ = writeln!(
                        out,
                        "  {group}{{{{\"{} {} {}\"}}}}",
                        g.at_least,
                        of_word(lang),
                        g.of.len()
                    );
                    let _ = writeln!(out, "  n{from} --- {group}");
                    links += 1;
                    for m in &g.of {
                        if on_cycle.contains(&(from, m.index())) {
                            red.push(links);
                        }
                        let _ = writeln!(out, "  {group} --> n{}", m.index());
                        links += 1;
                    }
                }
            }
        }
    }
    for l in red {
        let _ = writeln!(out, "  linkStyle {l} stroke:red,stroke-width:2px");
    }
    out
}

pub fn json(plan: &Plan, graph: &DependencyGraph) -> Value {
    let nodes: Vec<Value> = (0..plan.node_count())
        .map(|i| match plan.node_at(i) {
            NodeRef::Service(s) => {
                let s = plan.service(s);
                json!({ "id": s.id, "type": "service", "name": s.name, "kind": s.kind.key() })
            }
            NodeRef::Process(p) => {
                let p = plan.process(p);
                json!({
                    "id": p.id, "type": "process", "name": p.name,
                    "criticality": p.criticality.key(),
                    "entity": plan.entities[p.entity.index()].id,
                })
            }
        })
        .collect();
    let mut edges = Vec::new();
    for from in 0..plan.node_count() {
        let node = plan.node_at(from);
        for (entry, dep) in plan.depends_on(node).iter().enumerate() {
            for s in dep.services() {
                let mut e = json!({ "from": plan.node_id(node), "to": plan.service(*s).id });
                match dep {
                    Dependency::Hard(_) => e["kind"] = json!("hard"),
                    Dependency::Soft(_) => e["kind"] = json!("soft"),
                    Dependency::Group(g) => {
                        e["kind"] = json!("group");
                        e["group"] = json!(entry);
                        e["at_least"] = json!(g.at_least);
                    }
                }
                edges.push(e);
            }
        }
    }
    let cycles: Vec<Vec<&str>> = graph
        .cycles()
        .iter()
        .map(|walk| walk.iter().map(|n| plan.node_id(graph.graph[*n])).collect())
        .collect();
    json!({ "plan": plan.name, "nodes": nodes, "edges": edges, "cycles": cycles })
}

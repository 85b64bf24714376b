//! The dependency map the web page draws: services placed in layers (a
//! service sits right of everything it needs) and the edges between them.
//! It depends on the plan alone, not on the moment.

use serde::Serialize;

use super::Session;
use crate::model::{Dependency, NodeRef};

impl Session<'_> {
    /// The dependency map: services placed in layers (a service sits right
    /// of everything it needs), edges from a service to what it needs.
    pub fn map(&self) -> Map {
        let plan = self.plan;
        let units = self.graph.units();
        let n = plan.services.len();
        // Units come dependencies first: a unit's layer is one more than
        // its dependencies' highest.
        let mut layer_of_unit = vec![0usize; units.len()];
        for u in 0..units.len() {
            let mut layer = 0;
            for &m in &units.members[u] {
                if m >= n {
                    continue;
                }
                for dep in plan.depends_on(plan.node_at(m)) {
                    for d in dep.services() {
                        let du = units.unit_of[d.index()] as usize;
                        if du != u {
                            layer = layer.max(layer_of_unit[du] + 1);
                        }
                    }
                }
            }
            layer_of_unit[u] = layer;
        }
        let mut rows: Vec<usize> = Vec::new();
        let nodes = plan
            .service_ids()
            .map(|s| {
                let layer = layer_of_unit[units.unit_of[s.index()] as usize];
                if rows.len() <= layer {
                    rows.resize(layer + 1, 0);
                }
                rows[layer] += 1;
                MapNode {
                    id: plan.service(s).id.clone(),
                    layer,
                    row: rows[layer] - 1,
                }
            })
            .collect();
        let mut edges = Vec::new();
        for s in plan.service_ids() {
            for dep in plan.depends_on(NodeRef::Service(s)) {
                let soft = matches!(dep, Dependency::Soft(_));
                for d in dep.services() {
                    edges.push(MapEdge {
                        from: s.index(),
                        to: d.index(),
                        soft,
                    });
                }
            }
        }
        Map { nodes, edges }
    }
}

/// The services as placed nodes, and what each needs.
#[derive(Debug, Clone, Serialize)]
pub struct Map {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapNode {
    pub id: String,
    pub layer: usize,
    pub row: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapEdge {
    /// Index of the service that needs…
    pub from: usize,
    /// …this one.
    pub to: usize,
    pub soft: bool,
}

//! Continuity analysis of a plan: what a failure takes down, the single
//! points of failure and minimal cut sets, and the time objectives every
//! service must meet (derived RTO and RPO).
//!
//! Everything here reads the [`Plan`] and its [`DependencyGraph`] and returns
//! values; the command line prints them.

pub(crate) mod cuts;
pub(crate) mod findings;
pub(crate) mod impact;
pub mod objectives;
pub mod state;

use std::collections::BTreeMap;

use crate::graph::{DependencyGraph, Units};
use crate::model::{Criticality, Dependency, NodeRef, Plan, ProcessId, ServiceId, ServiceKind};
pub use cuts::CutSet;
pub use findings::{Finding, Level};
pub use objectives::Objectives;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Largest cut sets searched (1 to 3).
    pub max_order: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_order: 2 }
    }
}

/// A service whose failure alone stops processes.
#[derive(Debug, Clone)]
pub struct Spof {
    pub service: ServiceId,
    pub processes: Vec<ProcessId>,
    /// The most critical process it stops.
    pub worst: Criticality,
}

/// How the processes of one entity, or of one criticality, fare.
#[derive(Debug, Clone)]
pub struct Summary {
    pub key: String,
    pub name: String,
    pub processes: usize,
    /// Processes whose IT can be back within their DMIA with unlimited teams.
    pub achievable: usize,
    /// Processes that a single service failure stops.
    pub exposed_to_spof: usize,
    /// The smallest slack among the processes, in seconds.
    pub worst_slack: Option<i64>,
}

pub struct Analysis {
    pub units: Units,
    pub objectives: Objectives,
    /// Minimal cut sets of each process, by process index.
    pub cut_sets: Vec<Vec<CutSet>>,
    /// Single points of failure, most harmful first.
    pub spof: Vec<Spof>,
    pub findings: Vec<Finding>,
    pub by_entity: Vec<Summary>,
    pub by_criticality: Vec<Summary>,
    /// The most critical process that needs each node, through hard and
    /// group dependencies.
    pub needed_by: Vec<Option<Criticality>>,
    /// What isolating each zone by itself costs, zones in plan order.
    pub containment: Vec<Containment>,
}

/// What cutting one zone off the network stops, before anyone decides it
/// (the same rule as `impact PLAN isolate:ZONE`).
#[derive(Debug, Clone)]
pub struct Containment {
    pub zone: crate::model::ZoneId,
    /// Processes down, most critical first.
    pub stopped: Vec<ProcessId>,
    pub degraded: Vec<ProcessId>,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Level::Error)
            .count()
    }
}

#[tracing::instrument(skip_all)]
pub fn analyze(plan: &Plan, graph: &DependencyGraph, options: Options) -> Analysis {
    let units = graph.units();
    let objectives = objectives::compute(plan, &units);
    let families = cuts::cut_sets(plan, &units, options.max_order);
    let cut_sets: Vec<Vec<CutSet>> = plan
        .process_ids()
        .map(|p| families[plan.node_index(NodeRef::Process(p))].clone())
        .collect();
    drop(families);
    let spof = single_points(plan, &cut_sets);
    let needed_by = needed_by(plan, &units);
    let mut findings = Vec::new();
    objective_findings(plan, &objectives, &mut findings);
    data_findings(plan, &objectives, &needed_by, &mut findings);
    shape_findings(plan, graph, &mut findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(b.code)));
    let (by_entity, by_criticality) = summaries(plan, &objectives, &cut_sets);
    let containment = containment(plan, graph);
    Analysis {
        containment,
        units,
        objectives,
        cut_sets,
        spof,
        findings,
        by_entity,
        by_criticality,
        needed_by,
    }
}

fn containment(plan: &Plan, graph: &DependencyGraph) -> Vec<Containment> {
    (0..plan.zones.len() as u32)
        .map(crate::model::ZoneId)
        .map(|zone| {
            let cut = state::Isolation::new(plan, &[zone]);
            let states = state::propagate_with(plan, graph, &[], &[], cut.as_ref());
            let of = |want: state::State| {
                let mut ps: Vec<ProcessId> = plan
                    .process_ids()
                    .filter(|&p| states[plan.node_index(NodeRef::Process(p))] == want)
                    .collect();
                ps.sort_by_key(|&p| std::cmp::Reverse(plan.process(p).criticality));
                ps
            };
            Containment {
                zone,
                stopped: of(state::State::Down),
                degraded: of(state::State::Degraded),
            }
        })
        .collect()
}

fn single_points(plan: &Plan, cut_sets: &[Vec<CutSet>]) -> Vec<Spof> {
    let mut stops: BTreeMap<ServiceId, Vec<ProcessId>> = BTreeMap::new();
    for (p, sets) in cut_sets.iter().enumerate() {
        for s in sets.iter().filter(|c| c.len() == 1) {
            if let Some(service) = s.services().next() {
                stops.entry(service).or_default().push(ProcessId(p as u32));
            }
        }
    }
    let mut spof: Vec<Spof> = stops
        .into_iter()
        .map(|(service, processes)| {
            let worst = processes
                .iter()
                .map(|&p| plan.process(p).criticality)
                .max()
                .unwrap_or(Criticality::Deferrable);
            Spof {
                service,
                processes,
                worst,
            }
        })
        .collect();
    spof.sort_by(|a, b| {
        let weight = |s: &Spof| -> u64 {
            s.processes
                .iter()
                .map(|&p| criticality_weight(plan.process(p).criticality))
                .sum()
        };
        b.worst
            .cmp(&a.worst)
            .then(weight(b).cmp(&weight(a)))
            .then(b.processes.len().cmp(&a.processes.len()))
            .then(a.service.cmp(&b.service))
    });
    spof
}

/// Weight of a process by criticality, used to rank single points of
/// failure and, later, to weigh late processes: one vital process outweighs
/// any number of less critical ones in practice (100 essential ones).
pub fn criticality_weight(c: Criticality) -> u64 {
    match c {
        Criticality::Vital => 1_000_000,
        Criticality::Essential => 10_000,
        Criticality::Important => 100,
        Criticality::Deferrable => 1,
    }
}

fn needed_by(plan: &Plan, units: &Units) -> Vec<Option<Criticality>> {
    let mut unit_c: Vec<Option<Criticality>> = vec![None; units.len()];
    for p in plan.process_ids() {
        let u = units.unit_of[plan.node_index(NodeRef::Process(p))] as usize;
        unit_c[u] = unit_c[u].max(Some(plan.process(p).criticality));
    }
    for u in (0..units.len()).rev() {
        let Some(c) = unit_c[u] else { continue };
        for &x in &units.members[u] {
            for dep in plan.depends_on(plan.node_at(x)) {
                if matches!(dep, Dependency::Soft(_)) {
                    continue;
                }
                for s in dep.services() {
                    let du = units.unit_of[s.index()] as usize;
                    if du != u {
                        unit_c[du] = unit_c[du].max(Some(c));
                    }
                }
            }
        }
    }
    (0..plan.node_count())
        .map(|n| unit_c[units.unit_of[n] as usize])
        .collect()
}

/// `4h`, `-2h30m`: a signed number of seconds the way reports write it.
pub fn signed(secs: i64) -> String {
    let d = crate::model::SimDuration::from_secs(secs.unsigned_abs());
    if secs < 0 {
        format!("-{d}")
    } else {
        d.to_string()
    }
}

fn objective_findings(plan: &Plan, o: &Objectives, out: &mut Vec<Finding>) {
    for p in plan.process_ids() {
        let n = plan.node_index(NodeRef::Process(p));
        let (Some(r), a) = (o.required[n], o.achievable[n]) else {
            continue;
        };
        if a > r {
            let chain = o.chain(n);
            let path = chain
                .iter()
                .map(|&x| {
                    format!(
                        "{} ({})",
                        plan.node_id(plan.node_at(x)),
                        signed(o.achievable[x])
                    )
                })
                .collect::<Vec<_>>()
                .join(" ← ");
            let process = plan.process(p);
            out.push(Finding::new(
                "mtpd-not-achievable",
                format!(
                    "`{}` ({}) must be working again by {} (MTPD {}), but even with unlimited teams it is at {}: {path}",
                    process.id,
                    process.name,
                    signed(r),
                    process.mtpd,
                    signed(a)
                ),
                format!(
                    "`{}` ({}) doit reprendre au plus tard à {} (DMIA {}), mais même avec des équipes illimitées il reprend à {} : {path}",
                    process.id,
                    process.name,
                    signed(r),
                    process.mtpd,
                    signed(a)
                ),
                chain.iter().map(|&x| plan.node_id(plan.node_at(x)).to_string()).collect(),
            ));
        }
    }
    for s in plan.service_ids() {
        let n = s.index();
        let service = plan.service(s);
        let Some(rto) = service.rto else { continue };
        let rto_s = rto.as_secs() as i64;
        if let Some(r) = o.required[n]
            && rto_s > r
        {
            out.push(Finding::new(
                "rto-looser-than-required",
                format!(
                    "`{}` declares rto {rto}, but the processes that need it require it back by {}",
                    service.id,
                    signed(r)
                ),
                format!(
                    "`{}` déclare un objectif de reprise de {rto}, mais les processus qui en dépendent l'exigent à {}",
                    service.id,
                    signed(r)
                ),
                vec![service.id.clone()],
            ));
        }
        if rto_s < o.achievable[n] {
            out.push(Finding::new(
                "rto-not-achievable",
                format!(
                    "`{}` declares rto {rto}, but it cannot be back before {} (its dependencies, then {} of restore)",
                    service.id,
                    signed(o.achievable[n]),
                    service.recovery.duration
                ),
                format!(
                    "`{}` déclare un objectif de reprise de {rto}, mais ne peut pas revenir avant {} (ses dépendances, puis {} de restauration)",
                    service.id,
                    signed(o.achievable[n]),
                    service.recovery.duration
                ),
                o.chain(n).iter().map(|&x| plan.node_id(plan.node_at(x)).to_string()).collect(),
            ));
        }
    }
}

fn data_findings(
    plan: &Plan,
    o: &Objectives,
    needed_by: &[Option<Criticality>],
    out: &mut Vec<Finding>,
) {
    for s in plan.service_ids() {
        let n = s.index();
        let service = plan.service(s);
        if !o.has_data[n] {
            continue;
        }
        if let (Some(rpo), Some(required)) = (service.rpo, o.required_rpo[n])
            && rpo.as_secs() as i64 > required
        {
            out.push(Finding::new(
                "rpo-looser-than-required",
                format!(
                    "`{}` declares rpo {rpo}, but the processes that need it tolerate at most {} of data loss",
                    service.id,
                    signed(required)
                ),
                format!(
                    "`{}` déclare une PDMA de {rpo}, mais les processus qui en dépendent tolèrent au plus {} de perte de données",
                    service.id,
                    signed(required)
                ),
                vec![service.id.clone()],
            ));
        }
        let Some(required) = o.required_rpo[n] else {
            continue;
        };
        match o.achievable_rpo[n] {
            None => out.push(Finding::new(
                "rpo-not-achievable",
                format!(
                    "`{}` has no backup and no replica, and the processes that need it tolerate {} of data loss",
                    service.id,
                    signed(required)
                ),
                format!(
                    "`{}` n'a ni sauvegarde ni réplique, et les processus qui en dépendent tolèrent {} de perte de données",
                    service.id,
                    signed(required)
                ),
                vec![service.id.clone()],
            )),
            Some(a) if a > required => out.push(Finding::new(
                "rpo-not-achievable",
                format!(
                    "`{}` can lose up to {} of data, but the processes that need it tolerate {}",
                    service.id,
                    signed(a),
                    signed(required)
                ),
                format!(
                    "`{}` peut perdre jusqu'à {} de données, mais les processus qui en dépendent tolèrent {}",
                    service.id,
                    signed(a),
                    signed(required)
                ),
                vec![service.id.clone()],
            )),
            _ => {}
        }
        match o.achievable_rpo_cyber[n] {
            None if needed_by[n] == Some(Criticality::Vital) => out.push(Finding::new(
                "no-offline-copy",
                format!(
                    "`{}` has no immutable or offline copy, and vital processes need it: after a ransomware attack its data is lost",
                    service.id
                ),
                format!(
                    "`{}` n'a aucune copie immuable ou hors ligne, et des processus vitaux en dépendent : après un rançongiciel ses données sont perdues",
                    service.id
                ),
                vec![service.id.clone()],
            )),
            None => out.push(Finding::new(
                "rpo-not-achievable-cyber",
                format!(
                    "`{}` has no immutable or offline copy: after a cyberattack all its data is lost (tolerated: {})",
                    service.id,
                    signed(required)
                ),
                format!(
                    "`{}` n'a aucune copie immuable ou hors ligne : après une cyberattaque toutes ses données sont perdues (toléré : {})",
                    service.id,
                    signed(required)
                ),
                vec![service.id.clone()],
            )),
            Some(a) if a > required => out.push(Finding::new(
                "rpo-not-achievable-cyber",
                format!(
                    "after a cyberattack `{}` falls back on its immutable or offline copy and loses up to {} of data (tolerated: {})",
                    service.id,
                    signed(a),
                    signed(required)
                ),
                format!(
                    "après une cyberattaque `{}` repart de sa copie immuable ou hors ligne et perd jusqu'à {} de données (toléré : {})",
                    service.id,
                    signed(a),
                    signed(required)
                ),
                vec![service.id.clone()],
            )),
            _ => {}
        }
    }
}

fn shape_findings(plan: &Plan, graph: &DependencyGraph, out: &mut Vec<Finding>) {
    for walk in graph.cycles() {
        let ids: Vec<String> = walk
            .iter()
            .map(|&n| plan.node_id(graph.graph[n]).to_string())
            .collect();
        out.push(Finding::new(
            "dependency-cycle",
            format!(
                "dependency cycle: {}; restored as one unit, in plan order",
                ids.join(" → ")
            ),
            format!(
                "cycle de dépendances : {} ; restauré d'un bloc, dans l'ordre du plan",
                ids.join(" → ")
            ),
            ids[..ids.len() - 1].to_vec(),
        ));
    }
    for p in &plan.processes {
        if p.depends_on.is_empty() {
            out.push(Finding::new(
                "process-without-dependencies",
                format!("process `{}` ({}) depends on no service", p.id, p.name),
                format!(
                    "le processus `{}` ({}) ne dépend d'aucun service",
                    p.id, p.name
                ),
                vec![p.id.clone()],
            ));
        }
    }
    let mut by_supplier = Vec::new();
    for s in &plan.services {
        if !s.recovery.needs.is_empty() {
            continue;
        }
        if s.supplier.is_some() || matches!(s.kind, ServiceKind::Saas | ServiceKind::Supplier) {
            by_supplier.push(s.id.clone());
        } else {
            out.push(Finding::new(
                "no-recovery-team",
                format!(
                    "service `{}` ({}) names no team to restore it and no supplier",
                    s.id, s.name
                ),
                format!(
                    "le service `{}` ({}) n'a ni équipe pour le restaurer ni fournisseur",
                    s.id, s.name
                ),
                vec![s.id.clone()],
            ));
        }
    }
    if !by_supplier.is_empty() {
        out.push(Finding::new(
            "supplier-recovery",
            format!(
                "{} services are restored by their supplier, with no internal team",
                by_supplier.len()
            ),
            format!(
                "{} services sont restaurés par leur fournisseur, sans équipe interne",
                by_supplier.len()
            ),
            by_supplier,
        ));
    }
}

fn summaries(
    plan: &Plan,
    o: &Objectives,
    cut_sets: &[Vec<CutSet>],
) -> (Vec<Summary>, Vec<Summary>) {
    let summarize = |key: String, name: String, processes: &mut dyn Iterator<Item = ProcessId>| {
        let mut s = Summary {
            key,
            name,
            processes: 0,
            achievable: 0,
            exposed_to_spof: 0,
            worst_slack: None,
        };
        for p in processes {
            let n = plan.node_index(NodeRef::Process(p));
            s.processes += 1;
            let slack = o.slack(n);
            if slack.is_some_and(|x| x >= 0) {
                s.achievable += 1;
            }
            if cut_sets[p.index()].iter().any(|c| c.len() == 1) {
                s.exposed_to_spof += 1;
            }
            s.worst_slack = match (s.worst_slack, slack) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        s
    };
    let by_entity = plan
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            summarize(
                e.id.clone(),
                e.name.clone(),
                &mut plan
                    .process_ids()
                    .filter(|&p| plan.process(p).entity.index() == i),
            )
        })
        .filter(|s| s.processes > 0)
        .collect();
    let by_criticality = Criticality::ALL
        .iter()
        .map(|&c| {
            summarize(
                c.key().to_string(),
                c.key().to_string(),
                &mut plan
                    .process_ids()
                    .filter(|&p| plan.process(p).criticality == c),
            )
        })
        .filter(|s| s.processes > 0)
        .collect();
    (by_entity, by_criticality)
}

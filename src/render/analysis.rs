//! The continuity analysis and the impact of a failure, for people (terminal
//! tables, Markdown report) and for tools (JSON).

use std::fmt::Write;

use serde::Serialize;
use serde_json::{Value, json};

use super::{TableStyle, table};
use crate::analysis::impact::Impact;
use crate::analysis::state::State;
use crate::analysis::{Analysis, Level, signed};
use crate::i18n::{Lang, t};
use crate::model::{Criticality, NodeRef, Plan};

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_string(), signed)
}

fn state_label(s: State, lang: Lang) -> &'static str {
    match s {
        State::Up => t(lang, "up", "opérationnel"),
        State::Degraded => t(lang, "degraded", "dégradé"),
        State::Down => t(lang, "down", "arrêté"),
    }
}

fn level_label(l: Level, lang: Lang) -> &'static str {
    match l {
        Level::Error => t(lang, "error", "erreur"),
        Level::Warning => t(lang, "warning", "avertissement"),
        Level::Info => t(lang, "info", "info"),
    }
}

fn heading(out: &mut String, style: TableStyle, title: &str) {
    match style {
        TableStyle::Markdown => {
            let _ = writeln!(out, "## {title}\n");
        }
        TableStyle::Terminal => {
            let _ = writeln!(out, "{title}\n{}", "─".repeat(title.chars().count()));
        }
    }
}

fn node_kind(plan: &Plan, n: usize) -> &'static str {
    match plan.node_at(n) {
        NodeRef::Service(s) => plan.service(s).kind.key(),
        NodeRef::Process(_) => "process",
    }
}

/// The whole analysis as a report: Markdown to paste into the PCA document,
/// or tables for the terminal.
pub fn report(
    plan: &Plan,
    a: &Analysis,
    lang: Lang,
    style: TableStyle,
    max_order: usize,
) -> String {
    let mut out = String::new();
    let o = &a.objectives;
    if style == TableStyle::Markdown {
        let _ = writeln!(
            out,
            "# {} — {}\n",
            t(lang, "Continuity analysis", "Analyse de continuité"),
            plan.name
        );
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "Baseline: total loss of the information system at T0, unlimited teams. DMIA is the maximum tolerable period of disruption of a process (MTPD); PDMA the maximum tolerable data loss (RPO). Times are counted from the incident.",
                "Hypothèse de référence : perte totale du système d'information à T0, équipes illimitées. La DMIA est la durée maximale d'interruption admissible d'un processus (MTPD) ; la PDMA la perte de données maximale admissible (RPO). Les temps sont comptés depuis l'incident."
            )
        );
    }
    let errors = a.errors();
    let warnings = a
        .findings
        .iter()
        .filter(|f| f.severity == Level::Warning)
        .count();
    let late = plan
        .process_ids()
        .filter(|&p| {
            o.slack(plan.node_index(NodeRef::Process(p)))
                .is_some_and(|s| s < 0)
        })
        .count();
    let _ = writeln!(
        out,
        "{}: {} {}, {} {}; {} {}; {} {}, {} {}.\n",
        plan.name,
        plan.processes.len(),
        t(lang, "processes", "processus"),
        plan.services.len(),
        t(lang, "services", "services"),
        late,
        t(
            lang,
            "processes cannot meet their DMIA even with unlimited teams",
            "processus ne peuvent pas tenir leur DMIA même avec des équipes illimitées"
        ),
        errors,
        t(lang, "errors", "erreurs"),
        warnings,
        t(lang, "warnings", "avertissements"),
    );

    heading(
        &mut out,
        style,
        t(
            lang,
            "Single points of failure",
            "Points uniques de défaillance",
        ),
    );
    if a.spof.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "None: no single service stops a process.",
                "Aucun : aucun service seul n'arrête un processus."
            )
        );
    } else {
        let mut tab = table(
            style,
            vec![
                t(lang, "Service", "Service"),
                t(lang, "Name", "Nom"),
                t(lang, "Worst", "Pire criticité"),
                t(lang, "Stops", "Arrête"),
                t(lang, "Processes stopped", "Processus arrêtés"),
            ],
        );
        for s in &a.spof {
            let svc = plan.service(s.service);
            tab.add_row(vec![
                svc.id.clone(),
                svc.name.clone(),
                s.worst.label(lang).to_string(),
                s.processes.len().to_string(),
                s.processes
                    .iter()
                    .map(|&p| plan.process(p).id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
        let _ = writeln!(out, "{tab}\n");
    }

    if !a.containment.is_empty() {
        heading(
            &mut out,
            style,
            t(
                lang,
                "Containment: what isolating each zone stops",
                "Confinement : ce qu'arrête l'isolement de chaque zone",
            ),
        );
        let _ = writeln!(
            out,
            "{}\n",
            t(
                lang,
                "Each zone cut off the network by itself: the flows across its boundary cut, what is inside running on what it has inside (`reprise impact PLAN isolate:ZONE` for the details).",
                "Chaque zone coupée du réseau seule : les flux qui traversent sa frontière sont coupés, ce qui est dedans tourne sur ce qu'il a dedans (`reprise impact PLAN isolate:ZONE` pour le détail).",
            )
        );
        let mut tab = table(
            style,
            vec![
                t(lang, "Zone", "Zone"),
                t(lang, "Processes stopped", "Processus arrêtés"),
                t(lang, "Degraded", "Dégradés"),
                t(
                    lang,
                    "Stopped, most critical first",
                    "Arrêtés, les plus critiques d'abord",
                ),
            ],
        );
        for c in &a.containment {
            let names: Vec<&str> = c
                .stopped
                .iter()
                .take(6)
                .map(|&p| plan.process(p).id.as_str())
                .collect();
            let more = c.stopped.len().saturating_sub(names.len());
            tab.add_row(vec![
                plan.zones[c.zone.index()].id.clone(),
                c.stopped.len().to_string(),
                c.degraded.len().to_string(),
                if more > 0 {
                    format!("{}, +{more}", names.join(", "))
                } else {
                    names.join(", ")
                },
            ]);
        }
        let _ = writeln!(out, "{tab}\n");
    }

    heading(
        &mut out,
        style,
        &format!(
            "{} ({} ≤ {max_order})",
            t(lang, "Minimal cut sets", "Ensembles de coupe minimaux"),
            t(lang, "order", "ordre")
        ),
    );
    let mut tab = table(
        style,
        vec![
            t(lang, "Process", "Processus"),
            t(lang, "Criticality", "Criticité"),
            t(lang, "Cut sets", "Ensembles de coupe"),
        ],
    );
    for p in plan.process_ids() {
        let sets = &a.cut_sets[p.index()];
        let text = if sets.is_empty() {
            "—".to_string()
        } else {
            sets.iter()
                .map(|c| {
                    format!(
                        "{{{}}}",
                        c.services()
                            .map(|s| plan.service(s).id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        tab.add_row(vec![
            plan.process(p).id.clone(),
            plan.process(p).criticality.label(lang).to_string(),
            text,
        ]);
    }
    let _ = writeln!(out, "{tab}\n");

    heading(
        &mut out,
        style,
        t(
            lang,
            "Time objectives (total loss, unlimited teams)",
            "Objectifs de temps (perte totale, équipes illimitées)",
        ),
    );
    let _ = writeln!(
        out,
        "{}\n",
        t(
            lang,
            "R: latest time the node must be up again (derived RTO; for a process its DMIA, plus its workaround). A: earliest it can be up. Slack: R − A.",
            "R : heure limite de retour du nœud (RTO déduit ; pour un processus sa DMIA, prolongée par son mode dégradé). A : retour au plus tôt. Marge : R − A."
        )
    );
    let mut tab = table(
        style,
        vec![
            "Id",
            t(lang, "Kind", "Type"),
            t(lang, "Required R", "Requis R"),
            t(lang, "Achievable A", "Atteignable A"),
            t(lang, "Slack", "Marge"),
            t(lang, "RPO required", "PDMA requise"),
            t(lang, "RPO achievable", "PDMA atteignable"),
            t(lang, "RPO after attack", "PDMA après attaque"),
        ],
    );
    let mut rows: Vec<usize> = (0..plan.node_count())
        .filter(|&n| o.required[n].is_some() || o.has_data[n])
        .collect();
    // Processes first, then services by slack, tightest first.
    rows.sort_by_key(|&n| {
        (
            matches!(plan.node_at(n), NodeRef::Service(_)),
            o.slack(n).unwrap_or(i64::MAX),
            n,
        )
    });
    for n in rows {
        let data = |v: Option<i64>| if o.has_data[n] { opt(v) } else { String::new() };
        tab.add_row(vec![
            plan.node_id(plan.node_at(n)).to_string(),
            node_kind(plan, n).to_string(),
            opt(o.required[n]),
            signed(o.achievable[n]),
            opt(o.slack(n)),
            if o.has_data[n] {
                opt(o.required_rpo[n])
            } else {
                String::new()
            },
            data(o.achievable_rpo[n]),
            data(o.achievable_rpo_cyber[n]),
        ]);
    }
    let _ = writeln!(out, "{tab}\n");

    heading(&mut out, style, t(lang, "Findings", "Constats"));
    if a.findings.is_empty() {
        let _ = writeln!(out, "{}\n", t(lang, "None.", "Aucun."));
    } else {
        let mut tab = table(
            style,
            vec![
                t(lang, "Level", "Niveau"),
                "Code",
                t(lang, "Finding", "Constat"),
            ],
        );
        for f in &a.findings {
            tab.add_row(vec![
                level_label(f.severity, lang).to_string(),
                f.code.to_string(),
                f.message(lang).to_string(),
            ]);
        }
        let _ = writeln!(out, "{tab}\n");
    }

    for (title, rows, first) in [
        (
            t(lang, "By entity", "Synthèse par entité"),
            &a.by_entity,
            t(lang, "Entity", "Entité"),
        ),
        (
            t(lang, "By criticality", "Synthèse par criticité"),
            &a.by_criticality,
            t(lang, "Criticality", "Criticité"),
        ),
    ] {
        heading(&mut out, style, title);
        let mut tab = table(
            style,
            vec![
                first,
                t(lang, "Processes", "Processus"),
                t(lang, "Within DMIA", "Dans la DMIA"),
                t(lang, "Exposed to a SPOF", "Exposés à un point unique"),
                t(lang, "Worst slack", "Pire marge"),
            ],
        );
        for s in rows {
            let name = Criticality::ALL
                .iter()
                .find(|c| c.key() == s.key)
                .map_or(s.name.clone(), |c| c.label(lang).to_string());
            tab.add_row(vec![
                name,
                s.processes.to_string(),
                s.achievable.to_string(),
                s.exposed_to_spof.to_string(),
                opt(s.worst_slack),
            ]);
        }
        let _ = writeln!(out, "{tab}\n");
    }
    out
}

#[derive(Serialize)]
struct NodeJson<'a> {
    id: &'a str,
    kind: &'static str,
    required_s: Option<i64>,
    achievable_s: i64,
    slack_s: Option<i64>,
    required_rpo_s: Option<i64>,
    achievable_rpo_s: Option<i64>,
    achievable_rpo_cyber_s: Option<i64>,
}

#[derive(Serialize)]
struct SpofJson<'a> {
    id: &'a str,
    worst: &'static str,
    processes: Vec<&'a str>,
}

#[derive(Serialize)]
struct CutSetsJson<'a> {
    process: &'a str,
    sets: Vec<Vec<&'a str>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    nodes: &'a [String],
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    id: &'a str,
    name: &'a str,
    processes: usize,
    within_mtpd: usize,
    exposed_to_spof: usize,
    worst_slack_s: Option<i64>,
}

#[derive(Serialize)]
struct ContainmentJson<'a> {
    zone: &'a str,
    stopped: Vec<&'a str>,
    degraded: Vec<&'a str>,
}

/// The analysis for tools. Typed and borrowed, so a plan of 100 000 nodes
/// streams out without building a JSON tree in memory.
#[derive(Serialize)]
pub struct AnalysisJson<'a> {
    plan: &'a str,
    nodes: Vec<NodeJson<'a>>,
    spof: Vec<SpofJson<'a>>,
    containment: Vec<ContainmentJson<'a>>,
    cut_sets: Vec<CutSetsJson<'a>>,
    findings: Vec<FindingJson<'a>>,
    by_entity: Vec<SummaryJson<'a>>,
    by_criticality: Vec<SummaryJson<'a>>,
}

pub fn analysis_json<'a>(plan: &'a Plan, a: &'a Analysis, lang: Lang) -> AnalysisJson<'a> {
    let o = &a.objectives;
    let data = |n: usize, v: Option<i64>| if o.has_data[n] { v } else { None };
    let summary = |rows: &'a [crate::analysis::Summary]| -> Vec<SummaryJson<'a>> {
        rows.iter()
            .map(|s| SummaryJson {
                id: &s.key,
                name: &s.name,
                processes: s.processes,
                within_mtpd: s.achievable,
                exposed_to_spof: s.exposed_to_spof,
                worst_slack_s: s.worst_slack,
            })
            .collect()
    };
    AnalysisJson {
        plan: &plan.name,
        nodes: (0..plan.node_count())
            .map(|n| NodeJson {
                id: plan.node_id(plan.node_at(n)),
                kind: node_kind(plan, n),
                required_s: o.required[n],
                achievable_s: o.achievable[n],
                slack_s: o.slack(n),
                required_rpo_s: data(n, o.required_rpo[n]),
                achievable_rpo_s: data(n, o.achievable_rpo[n]),
                achievable_rpo_cyber_s: data(n, o.achievable_rpo_cyber[n]),
            })
            .collect(),
        spof: a
            .spof
            .iter()
            .map(|s| SpofJson {
                id: &plan.service(s.service).id,
                worst: s.worst.key(),
                processes: s
                    .processes
                    .iter()
                    .map(|&p| plan.process(p).id.as_str())
                    .collect(),
            })
            .collect(),
        containment: a
            .containment
            .iter()
            .map(|c| ContainmentJson {
                zone: &plan.zones[c.zone.index()].id,
                stopped: c
                    .stopped
                    .iter()
                    .map(|&p| plan.process(p).id.as_str())
                    .collect(),
                degraded: c
                    .degraded
                    .iter()
                    .map(|&p| plan.process(p).id.as_str())
                    .collect(),
            })
            .collect(),
        cut_sets: plan
            .process_ids()
            .map(|p| CutSetsJson {
                process: &plan.process(p).id,
                sets: a.cut_sets[p.index()]
                    .iter()
                    .map(|c| c.services().map(|s| plan.service(s).id.as_str()).collect())
                    .collect(),
            })
            .collect(),
        findings: a
            .findings
            .iter()
            .map(|f| FindingJson {
                severity: f.severity.key(),
                code: f.code,
                message: f.message(lang),
                nodes: &f.nodes,
            })
            .collect(),
        by_entity: summary(&a.by_entity),
        by_criticality: summary(&a.by_criticality),
    }
}

pub fn impact_json(plan: &Plan, impact: &Impact) -> Value {
    let ids = |state: State| -> Vec<&str> {
        plan.service_ids()
            .filter(|s| impact.states[s.index()] == state)
            .map(|s| plan.service(s).id.as_str())
            .collect()
    };
    let processes: Vec<Value> = impact
        .processes
        .iter()
        .filter(|p| p.state != State::Up)
        .map(|p| {
            let process = plan.process(p.process);
            json!({
                "id": process.id,
                "entity": plan.entities[process.entity.index()].id,
                "state": p.state.key(),
                "mtpd_s": process.mtpd.as_secs(),
                "breach_in_s": p.breach_in,
                "back_after_failover_s": p.back_after_failover,
                "state_after_failovers": p.after.key(),
            })
        })
        .collect();
    let failovers: Vec<Value> = impact
        .failovers
        .iter()
        .map(|(s, to, t)| {
            json!({ "id": plan.service(*s).id, "standby": plan.service(*to).id, "after_s": t })
        })
        .collect();
    json!({
        "down": ids(State::Down),
        "degraded": ids(State::Degraded),
        "processes": processes,
        "failovers": failovers,
    })
}

pub fn impact_report(
    plan: &Plan,
    impact: &Impact,
    targets: &[String],
    lang: Lang,
    style: TableStyle,
) -> String {
    let mut out = String::new();
    if style == TableStyle::Markdown {
        let _ = writeln!(
            out,
            "# {} — {}\n",
            t(lang, "Impact of a failure", "Impact d'une panne"),
            targets.join(", ")
        );
    }
    let count = |s: State| {
        plan.service_ids()
            .filter(|x| impact.states[x.index()] == s)
            .count()
    };
    let stopped = impact
        .processes
        .iter()
        .filter(|p| p.state == State::Down)
        .count();
    let _ = writeln!(
        out,
        "{} {}: {} {} {}, {} {}; {} {} {}.\n",
        if targets.iter().all(|x| x.starts_with("isolate:")) {
            t(lang, "Isolating", "Isolement de")
        } else {
            t(lang, "Failing", "Panne de")
        },
        targets
            .iter()
            .map(|x| match x.strip_prefix("isolate:") {
                Some(z) => format!("zone:{}", z.strip_prefix("zone:").unwrap_or(z)),
                None => x.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        count(State::Down),
        t(lang, "services", "services"),
        t(lang, "down", "arrêtés"),
        count(State::Degraded),
        t(lang, "degraded", "dégradés"),
        stopped,
        t(lang, "processes", "processus"),
        t(lang, "stopped", "arrêtés"),
    );
    heading(&mut out, style, t(lang, "Processes", "Processus"));
    let mut tab = table(
        style,
        vec![
            t(lang, "Entity", "Entité"),
            t(lang, "Process", "Processus"),
            t(lang, "Criticality", "Criticité"),
            t(lang, "State", "État"),
            "DMIA (MTPD)",
            t(lang, "Workaround", "Mode dégradé"),
            t(lang, "DMIA breached in", "DMIA dépassée dans"),
            t(lang, "Back by failover in", "Rétabli par bascule dans"),
        ],
    );
    let mut rows: Vec<_> = impact
        .processes
        .iter()
        .filter(|p| p.state != State::Up)
        .collect();
    rows.sort_by_key(|p| {
        let process = plan.process(p.process);
        (
            process.entity,
            std::cmp::Reverse(p.state),
            p.breach_in.unwrap_or(i64::MAX),
            p.process,
        )
    });
    for p in rows {
        let process = plan.process(p.process);
        tab.add_row(vec![
            plan.entities[process.entity.index()].name.clone(),
            format!("{} ({})", process.name, process.id),
            process.criticality.label(lang).to_string(),
            state_label(p.state, lang).to_string(),
            process.mtpd.to_string(),
            process.workaround.as_ref().map_or_else(String::new, |w| {
                format!("{} (+{}, {})", w.name, w.activation, w.max_duration)
            }),
            opt(p.breach_in),
            match p.back_after_failover {
                Some(b) => format!(
                    "{}{}",
                    crate::model::SimDuration::from_secs(b.max(0) as u64),
                    if p.after == State::Degraded {
                        t(lang, " (degraded)", " (dégradé)")
                    } else {
                        ""
                    }
                ),
                None => "—".into(),
            },
        ]);
    }
    let _ = writeln!(out, "{tab}\n");
    if !impact.failovers.is_empty() {
        heading(&mut out, style, t(lang, "Failovers", "Bascules"));
        let lines: Vec<String> = impact
            .failovers
            .iter()
            .map(|(s, to, after)| {
                format!(
                    "{} → {} ({} {})",
                    plan.service(*s).id,
                    plan.service(*to).id,
                    t(lang, "on its standby after", "sur son secours après"),
                    crate::model::SimDuration::from_secs((*after).max(0) as u64)
                )
            })
            .collect();
        let _ = writeln!(out, "{}\n", lines.join("\n"));
    }
    for (state, title) in [
        (State::Down, t(lang, "Services down", "Services arrêtés")),
        (
            State::Degraded,
            t(lang, "Services degraded", "Services dégradés"),
        ),
    ] {
        heading(&mut out, style, title);
        let ids: Vec<&str> = plan
            .service_ids()
            .filter(|s| impact.states[s.index()] == state)
            .map(|s| plan.service(s).id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{}\n",
            if ids.is_empty() {
                "—".to_string()
            } else {
                ids.join(", ")
            }
        );
    }
    out
}

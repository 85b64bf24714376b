//! The plan as it is written, for `reprise show`: tables of its processes,
//! services and teams, or the same as JSON.

use serde_json::{Value, json};

use super::TableStyle;
use crate::i18n::{self, Lang, t};
use crate::model::{Dependency, Plan};

/// Which tables to show.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    pub processes: bool,
    pub services: bool,
    pub teams: bool,
}

/// The tables of the plan, each under its heading.
pub fn tables(plan: &Plan, parts: Parts, style: TableStyle, lang: Lang) -> String {
    let (soft, of) = (t(lang, "soft", "souple"), t(lang, "of", "parmi"));
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        if style == TableStyle::Markdown {
            out.push_str(&format!("## {title}\n\n"));
        } else {
            out.push_str(&format!("{title}\n"));
        }
    };
    if parts.processes {
        heading(&mut out, i18n::PROCESSES.pick(lang));
        let mut t = super::table(
            style,
            vec![
                i18n::ID.pick(lang),
                i18n::NAME.pick(lang),
                i18n::ENTITY.pick(lang),
                i18n::CRITICALITY.pick(lang),
                i18n::MTPD.pick(lang),
                i18n::RPO.pick(lang),
                i18n::WORKAROUND.pick(lang),
                i18n::DEPENDS_ON.pick(lang),
            ],
        );
        for p in &plan.processes {
            t.add_row(vec![
                p.id.clone(),
                p.name.clone(),
                plan.entities[p.entity.index()].name.clone(),
                p.criticality.label(lang).to_string(),
                p.mtpd.to_string(),
                super::duration(p.rpo),
                p.workaround.as_ref().map_or_else(String::new, |w| {
                    format!("{} (+{}, {})", w.name, w.activation, w.max_duration)
                }),
                super::dependencies(plan, &p.depends_on, soft, of),
            ]);
        }
        out.push_str(&format!("{t}\n\n"));
    }
    if parts.services {
        heading(&mut out, i18n::SERVICES.pick(lang));
        let mut t = super::table(
            style,
            vec![
                i18n::ID.pick(lang),
                i18n::NAME.pick(lang),
                i18n::KIND.pick(lang),
                i18n::SITE.pick(lang),
                i18n::TEAMS.pick(lang),
                i18n::DURATION.pick(lang),
                i18n::FAILOVER.pick(lang),
                i18n::DEPENDS_ON.pick(lang),
            ],
        );
        for s in &plan.services {
            t.add_row(vec![
                s.id.clone(),
                s.name.clone(),
                s.kind.label(lang).to_string(),
                s.site
                    .map_or_else(String::new, |x| plan.sites[x.index()].id.clone()),
                s.recovery
                    .needs
                    .iter()
                    .map(|n| format!("{}×{}", plan.team(n.team).id, n.count))
                    .collect::<Vec<_>>()
                    .join(" "),
                s.recovery.duration.to_string(),
                s.recovery.failover.map_or_else(String::new, |f| {
                    format!("{} ({})", plan.service(f.to).id, f.duration)
                }),
                super::dependencies(plan, &s.depends_on, soft, of),
            ]);
        }
        out.push_str(&format!("{t}\n\n"));
    }
    if parts.teams {
        heading(&mut out, i18n::TEAMS_TITLE.pick(lang));
        let mut t = super::table(
            style,
            vec![
                i18n::ID.pick(lang),
                i18n::NAME.pick(lang),
                i18n::CAPACITY.pick(lang),
                i18n::CONTACT.pick(lang),
                i18n::ESCALATION.pick(lang),
            ],
        );
        for team in &plan.teams {
            t.add_row(vec![
                team.id.clone(),
                team.name.clone(),
                super::strength(team, lang),
                team.contact.clone().unwrap_or_default(),
                team.escalation.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    out
}

/// The same tables for tools: ids, durations in seconds (`_s`).
pub fn json(plan: &Plan, parts: Parts) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("plan".into(), json!(plan.name));
    if parts.processes {
        doc.insert("processes".into(), processes_json(plan));
    }
    if parts.services {
        doc.insert("services".into(), services_json(plan));
    }
    if parts.teams {
        doc.insert("teams".into(), teams_json(plan));
    }
    Value::Object(doc)
}

fn deps_json(plan: &Plan, deps: &[Dependency]) -> Value {
    deps.iter()
        .map(|d| match d {
            Dependency::Hard(s) => json!(plan.service(*s).id),
            Dependency::Soft(s) => json!({ "soft": plan.service(*s).id }),
            Dependency::Group(g) => json!({
                "at_least": g.at_least,
                "of": g.of.iter().map(|s| &plan.service(*s).id).collect::<Vec<_>>(),
            }),
        })
        .collect()
}

fn processes_json(plan: &Plan) -> Value {
    plan.processes
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "entity": plan.entities[p.entity.index()].id,
                "criticality": p.criticality.key(),
                "mtpd_s": p.mtpd.as_secs(),
                "rpo_s": p.rpo.map(|d| d.as_secs()),
                "resume_s": p.resume.as_secs(),
                "workaround": p.workaround.as_ref().map(|w| json!({
                    "name": w.name,
                    "activation_s": w.activation.as_secs(),
                    "max_duration_s": w.max_duration.as_secs(),
                })),
                "depends_on": deps_json(plan, &p.depends_on),
            })
        })
        .collect()
}

fn services_json(plan: &Plan) -> Value {
    plan.services
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "kind": s.kind.key(),
                "site": s.site.map(|x| &plan.sites[x.index()].id),
                "zone": s.zone.map(|x| &plan.zones[x.index()].id),
                "needs": s.recovery.needs.iter().map(|n| (plan.team(n.team).id.clone(), json!(n.count))).collect::<serde_json::Map<_, _>>(),
                "duration_s": s.recovery.duration.as_secs(),
                "rebuild_s": s.recovery.rebuild.as_secs(),
                "failover": s.recovery.failover.map(|f| json!({ "to": plan.service(f.to).id, "duration_s": f.duration.as_secs() })),
                "depends_on": deps_json(plan, &s.depends_on),
                "rto_s": s.rto.map(|d| d.as_secs()),
                "rpo_s": s.rpo.map(|d| d.as_secs()),
            })
        })
        .collect()
}

fn teams_json(plan: &Plan) -> Value {
    plan.teams
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "capacity": t.capacity,
                "sustained": t.sustained.map(|x| json!({ "after_s": x.after.as_secs(), "capacity": x.capacity })),
                "stands_in_for": t.stands_in_for.iter().map(|x| json!({
                    "team": plan.team(x.team).id,
                    "slowdown": x.slowdown.as_f64(),
                    "kinds": x.kinds.as_ref().map(|k| k.iter().map(|k| k.key()).collect::<Vec<_>>()),
                })).collect::<Vec<_>>(),
                "contact": t.contact,
                "escalation": t.escalation,
            })
        })
        .collect()
}

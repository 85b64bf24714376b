//! `reprise show`: the plan as tables of processes, services and teams.

use std::path::Path;

use serde_json::{Value, json};

use super::{CliError, Format, Global, Io, ShowWhat, exit, prepare};
use crate::i18n::{self, Lang};
use crate::model::{Dependency, Plan};
use crate::render::{self, TableStyle};

pub fn run(global: &Global, path: &Path, what: ShowWhat, io: &mut Io) -> Result<i32, CliError> {
    let (format, plan) = prepare(
        global,
        "show",
        &[Format::Table, Format::Json, Format::Markdown],
        path,
        io,
    )?;
    let plan = &plan;
    let lang = Lang::from(global.lang);
    let wants = |w: ShowWhat| what == ShowWhat::All || what == w;
    if format == Format::Json {
        let mut doc = serde_json::Map::new();
        doc.insert("plan".into(), json!(plan.name));
        if wants(ShowWhat::Processes) {
            doc.insert("processes".into(), processes_json(plan));
        }
        if wants(ShowWhat::Services) {
            doc.insert("services".into(), services_json(plan));
        }
        if wants(ShowWhat::Teams) {
            doc.insert("teams".into(), teams_json(plan));
        }
        serde_json::to_writer_pretty(&mut *io.out, &Value::Object(doc))?;
        writeln!(io.out)?;
        return Ok(exit::OK);
    }
    let style = if format == Format::Markdown {
        TableStyle::Markdown
    } else {
        TableStyle::Terminal
    };
    let (soft, of) = match lang {
        Lang::En => ("soft", "of"),
        Lang::Fr => ("souple", "parmi"),
    };
    let heading = |io: &mut Io, title: &str| -> std::io::Result<()> {
        if style == TableStyle::Markdown {
            writeln!(io.out, "## {title}\n")
        } else {
            writeln!(io.out, "{title}")
        }
    };
    if wants(ShowWhat::Processes) {
        heading(io, i18n::PROCESSES.pick(lang))?;
        let mut t = render::table(
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
                render::duration(p.rpo),
                p.workaround.as_ref().map_or_else(String::new, |w| {
                    format!("{} (+{}, {})", w.name, w.activation, w.max_duration)
                }),
                render::dependencies(plan, &p.depends_on, soft, of),
            ]);
        }
        writeln!(io.out, "{t}\n")?;
    }
    if wants(ShowWhat::Services) {
        heading(io, i18n::SERVICES.pick(lang))?;
        let mut t = render::table(
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
                render::dependencies(plan, &s.depends_on, soft, of),
            ]);
        }
        writeln!(io.out, "{t}\n")?;
    }
    if wants(ShowWhat::Teams) {
        heading(io, i18n::TEAMS_TITLE.pick(lang))?;
        let mut t = render::table(
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
                render::strength(team, lang),
                team.contact.clone().unwrap_or_default(),
                team.escalation.clone().unwrap_or_default(),
            ]);
        }
        writeln!(io.out, "{t}")?;
    }
    Ok(exit::OK)
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

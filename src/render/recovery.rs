//! The recovery schedule for people: the report `reprise recover` prints and
//! the runbook set `reprise runbook` writes (a global document, one document
//! per team, one recovery sheet per service), and its JSON for tools.

use serde::Serialize;

use super::doc::{Bar, Block, Doc, StepCard, at};
use crate::analysis::Analysis;
use crate::analysis::state::State;
use crate::i18n::{Lang, t};
use crate::model::Restore;
use crate::model::{NodeRef, Plan, ServiceId, SimDuration, TeamId};
use crate::msg;
use crate::recovery::{Mode, RecoveryOrder, Step, Why};
use crate::scenario::{self, Scenario};

/// How a service is brought back, in a word or two.
pub(super) fn mode_label(m: Mode, lang: Lang) -> &'static str {
    match m {
        Mode::Restore => t(lang, "restore", "restauration"),
        Mode::Failover => t(lang, "failover", "bascule"),
        Mode::Rebuild => t(lang, "rebuild", "reconstruction"),
        Mode::Restart { crashed: false } => t(lang, "restart", "redémarrage"),
        Mode::Restart { crashed: true } => t(
            lang,
            "restart after an abrupt stop",
            "redémarrage après un arrêt brutal",
        ),
        Mode::Relocate(_) => t(lang, "relocation", "relocalisation"),
        Mode::Automatic => t(lang, "back by itself", "retour automatique"),
    }
}

/// "relocation → DC-B" where the mode names a site, else the mode.
fn mode_at(plan: &Plan, m: Mode, lang: Lang) -> String {
    match m {
        Mode::Relocate(site) => format!(
            "{} → {}",
            mode_label(m, lang),
            plan.sites[site.index()].name
        ),
        _ => mode_label(m, lang).to_string(),
    }
}

/// The copy a relocation restores from, for people: "backup on veeam
/// (off-site, offline; retrieval 4h)".
fn copy_label(plan: &Plan, service: ServiceId, from: &Restore, lang: Lang) -> String {
    let Some(c) = from.copy else {
        return t(lang, "no data to restore", "aucune donnée à restaurer").into();
    };
    let what = if c.replica {
        t(lang, "replica", "réplica")
    } else {
        t(lang, "backup", "sauvegarde")
    };
    let holder = match (c.holder, from.holder) {
        (_, Some(h)) => format!("{} {}", t(lang, "on", "sur"), plan.service(h).id),
        (Some(h), None) => format!(
            "{} {} {}",
            t(lang, "from", "de"),
            plan.service(h).id,
            t(lang, "(read elsewhere)", "(relue ailleurs)")
        ),
        (None, None) => format!(
            "{} {}",
            t(lang, "kept beside", "conservée avec"),
            plan.service(service).id
        ),
    };
    let mut flags: Vec<String> = Vec::new();
    if c.offsite {
        flags.push(t(lang, "off-site", "externalisée").into());
    }
    if c.offline {
        flags.push(t(lang, "offline", "hors ligne").into());
    }
    if c.immutable {
        flags.push(t(lang, "immutable", "immuable").into());
    }
    flags.push(format!(
        "{} {}",
        t(lang, "data lost up to", "perte de données jusqu'à"),
        dur(c.loss)
    ));
    if c.retrieval > 0 {
        flags.push(format!(
            "{} {}",
            t(lang, "retrieval", "récupération"),
            dur(c.retrieval)
        ));
    }
    format!("{what} {holder} ({})", flags.join(", "))
}

/// Why a service allowed to move comes back where it does.
fn why_label(plan: &Plan, why: Why, lang: Lang) -> String {
    match (why, lang) {
        (Why::Sooner { there, in_place }, _) => msg!(
            lang,
            "recovery-why-sooner",
            there = at(there),
            in_place = at(in_place)
        ),
        (Why::NoRoom { site, there }, _) => msg!(
            lang,
            "recovery-why-no-room",
            site = plan.sites[site.index()].name,
            there = at(there)
        ),
        (Why::NoCopy, Lang::En) => {
            "none of its copies survived: nothing to restore at a recovery site from".into()
        }
        (Why::NoCopy, Lang::Fr) => {
            "aucune de ses copies n'a survécu : rien à restaurer sur un site de secours".into()
        }
    }
}

fn dur(secs: u64) -> String {
    SimDuration::from_secs(secs).to_string()
}

fn people(plan: &Plan, step: &Step, lang: Lang) -> String {
    let list = step
        .crew
        .needs
        .iter()
        .map(|(team, n)| format!("{} ×{n}", plan.team(*team).id))
        .collect::<Vec<_>>()
        .join(", ");
    match crew_note(plan, &step.crew, lang) {
        Some(note) => format!("{list} ({note})"),
        None => list,
    }
}

/// How a crew differs from the planned one, for people: `standing in for
/// infra, reduced crew, ×1.5 time`; `None` for the planned crew.
fn crew_note(plan: &Plan, crew: &crate::model::Crew, lang: Lang) -> Option<String> {
    if crew.is_planned() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    if !crew.stand_ins.is_empty() {
        let teams: Vec<&str> = crew
            .stand_ins
            .iter()
            .map(|(of, _)| plan.team(*of).id.as_str())
            .collect();
        parts.push(format!(
            "{} {}",
            t(lang, "standing in for", "en remplacement de"),
            teams.join(", ")
        ));
    }
    if crew.reduced {
        parts.push(t(lang, "reduced crew", "effectif réduit").to_string());
    }
    if !crew.slowdown.is_none() {
        parts.push(format!(
            "×{} {}",
            crew.slowdown.factor(),
            t(lang, "time", "de temps")
        ));
    }
    Some(parts.join(", "))
}

fn who(plan: &Plan, step: &Step, lang: Lang) -> String {
    let automatic = plan
        .service(step.service)
        .recovery
        .failover
        .is_some_and(|f| f.automatic);
    if step.mode == Mode::Failover && automatic {
        return t(lang, "automatic (check it)", "automatique (à vérifier)").to_string();
    }
    if step.crew.needs.is_empty() {
        let supplier = plan
            .service(step.service)
            .supplier
            .map(|s| plan.suppliers[s.index()].name.clone());
        return supplier.unwrap_or_else(|| t(lang, "no team", "aucune équipe").to_string());
    }
    people(plan, step, lang)
}

fn after(plan: &Plan, step: &Step, lang: Lang) -> String {
    if step.after.is_empty() {
        return t(lang, "nothing", "rien").to_string();
    }
    step.after
        .iter()
        .map(|(need, of)| {
            let ids: Vec<&str> = of.iter().map(|s| plan.service(*s).id.as_str()).collect();
            if *need as usize == ids.len() {
                ids.join(", ")
            } else {
                format!("{need} {} [{}]", t(lang, "of", "parmi"), ids.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Processes against their DMIA, in the schedule.
fn outcomes(plan: &Plan, rp: &RecoveryOrder, lang: Lang) -> Block {
    let mut rows: Vec<_> = rp.processes.iter().collect();
    rows.sort_by_key(|o| {
        (
            std::cmp::Reverse(plan.process(o.process).criticality),
            o.restored,
        )
    });
    Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(lang, "Entity", "Entité").into(),
            t(lang, "Criticality", "Criticité").into(),
            t(lang, "MTPD (DMIA)", "DMIA (MTPD)").into(),
            t(lang, "Deadline", "Échéance").into(),
            t(lang, "Back at", "Reprise à").into(),
            t(lang, "Late by", "Retard").into(),
            t(lang, "Status", "État").into(),
        ],
        rows: rows
            .iter()
            .map(|o| {
                let p = plan.process(o.process);
                vec![
                    format!("{} ({})", p.name, p.id),
                    plan.entities[p.entity.index()].name.clone(),
                    p.criticality.label(lang).to_string(),
                    p.mtpd.to_string(),
                    at(o.deadline),
                    at(o.restored),
                    if o.breach() {
                        dur(o.late())
                    } else {
                        "—".into()
                    },
                    if o.breach() {
                        t(lang, "DMIA breached", "DMIA dépassée")
                    } else {
                        t(lang, "within DMIA", "dans la DMIA")
                    }
                    .into(),
                ]
            })
            .collect(),
    }
}

fn summary(rp: &RecoveryOrder, lang: Lang) -> String {
    let late = rp.processes.iter().filter(|o| o.breach()).count();
    msg!(
        lang,
        "recovery-summary",
        services = rp.work().count(),
        makespan = at(rp.makespan),
        lower_bound = at(rp.lower_bound),
        on_time = rp.processes.len() - late,
        stopped = rp.processes.len(),
        late = late
    )
}

fn waves(plan: &Plan, rp: &RecoveryOrder, lang: Lang) -> Block {
    Block::Table {
        header: vec![
            t(lang, "Wave", "Vague").into(),
            t(lang, "Start", "Début").into(),
            t(lang, "Services", "Services").into(),
            t(lang, "People", "Intervenants").into(),
        ],
        rows: rp
            .waves()
            .iter()
            .enumerate()
            .map(|(i, (start, steps))| {
                vec![
                    (i + 1).to_string(),
                    at(*start),
                    steps
                        .iter()
                        .map(|s| {
                            let id = &plan.service(s.service).id;
                            if s.mode == Mode::Restore {
                                id.clone()
                            } else {
                                format!("{id} ({})", mode_at(plan, s.mode, lang))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    steps
                        .iter()
                        .map(|s| who(plan, s, lang))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    }
}

/// After the crisis: bringing back to its own site what was failed over or
/// relocated, for the teams that will do it. Not scheduled (it comes after
/// the crisis, outside the DMIA), but written down with its durations.
fn failback(plan: &Plan, rp: &RecoveryOrder, team: Option<TeamId>, lang: Lang) -> Vec<Block> {
    let mut items = Vec::new();
    for s in &rp.steps {
        let service = plan.service(s.service);
        let r = &service.recovery;
        let teams = |needs: &[crate::model::Need]| {
            needs
                .iter()
                .map(|n| format!("{} ×{}", plan.team(n.team).id, n.count))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ours = team.is_none_or(|t| r.needs.iter().any(|n| n.team == t));
        if !ours {
            continue;
        }
        let home = service
            .site
            .map(|x| plan.sites[x.index()].name.clone())
            .unwrap_or_default();
        let line = match (s.mode, r.failover) {
            (Mode::Failover, Some(f)) => msg!(
                lang,
                "recovery-failback-failover",
                name = service.name,
                id = service.id,
                home = home,
                restore = r.duration,
                rebuild = r.rebuild,
                standby = plan.service(f.to).id,
                switch = f.duration,
                teams = teams(&r.needs)
            ),
            (Mode::Relocate(site), _) => {
                let size = r.relocate.as_ref().map_or(0, |x| x.size);
                let there = &plan.sites[site.index()].name;
                msg!(
                    lang,
                    "recovery-failback-relocated",
                    name = service.name,
                    id = service.id,
                    home = home,
                    there = there,
                    restore = r.duration,
                    teams = teams(&r.needs),
                    size = size
                )
            }
            _ => continue,
        };
        items.push(line);
    }
    if items.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading(
            t(
                lang,
                "After the crisis: failback",
                "Après la crise : retour sur le site nominal",
            )
            .into(),
        ),
        Block::Para(
            t(
                lang,
                "Not in the schedule above (it comes after the crisis, outside the DMIA): plan it with the business owners, outside opening hours.",
                "Hors du planning ci-dessus (après la crise, hors DMIA) : à planifier avec les responsables métier, hors des heures d'ouverture.",
            )
            .into(),
        ),
        Block::List(items),
    ]
}

/// The controlled shutdowns the teams order before reserves run out: when,
/// for which source, what stops, and what it saves at the restart.
fn shutdowns(plan: &Plan, rp: &RecoveryOrder, lang: Lang) -> Vec<Block> {
    if rp.shutdowns.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    for x in &rp.shutdowns {
        let source = plan.service(x.source);
        let lead = source.controlled_shutdown.unwrap_or_default();
        let drained = at(x.at + lead.as_secs());
        let stops: Vec<String> = x
            .services
            .iter()
            .map(|&s| {
                let r = plan.service(s).recovery.restart.as_ref();
                let (clean, crash) = r.map_or((SimDuration::ZERO, SimDuration::ZERO), |r| {
                    (r.duration, r.after_crash)
                });
                let id = &plan.service(s).id;
                if crash > clean {
                    msg!(
                        lang,
                        "recovery-shutdown-restart",
                        id = id,
                        clean = clean,
                        crash = crash
                    )
                } else {
                    id.clone()
                }
            })
            .collect();
        items.push(msg!(
            lang,
            "recovery-shutdown",
            at = at(x.at),
            name = source.name,
            id = source.id,
            drained = drained,
            lead = lead,
            stops = stops.join(", ")
        ));
    }
    vec![
        Block::Heading(t(lang, "Controlled shutdowns", "Arrêts maîtrisés").into()),
        Block::Para(
            t(
                lang,
                "The mains will not be back before the reserves run out: what they keep running is stopped cleanly first, and restarted in its normal time once the mains are back instead of its longer restart after a crash. The shutdown is run by procedure by the on-site team; its people are not counted in the schedule.",
                "Le secteur ne reviendra pas avant l'épuisement des réserves : ce qu'elles alimentent est d'abord arrêté proprement, puis redémarré au retour du secteur dans son temps normal au lieu du redémarrage plus long après un arrêt brutal. L'arrêt suit la procédure de l'équipe sur site ; ses personnes ne sont pas comptées dans le planning.",
            )
            .into(),
        ),
        Block::List(items),
    ]
}

/// What each recovery site takes, and what waits for lack of room there:
/// the capacity that bounds the recovery, named.
fn recovery_sites(plan: &Plan, rp: &RecoveryOrder, lang: Lang) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, site) in plan.sites.iter().enumerate() {
        let Some(x) = &site.stands_in else { continue };
        let here = |s: &&Step| s.mode.site().is_some_and(|p| p.index() == i);
        let full = |s: &&Step| matches!(s.why, Some(Why::NoRoom { site, .. }) if site.index() == i);
        let moved: Vec<&Step> = rp.steps.iter().filter(here).collect();
        let waiting: Vec<&Step> = rp.steps.iter().filter(full).collect();
        if moved.is_empty() && waiting.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push(Block::Heading(
                t(lang, "Recovery sites", "Sites de secours").into(),
            ));
        }
        let size = |s: &&Step| {
            plan.service(s.service)
                .recovery
                .relocate
                .as_ref()
                .map_or(0, |r| r.size)
        };
        let used: u32 = moved.iter().map(size).sum();
        let home = &plan.sites[x.site.index()].name;
        out.push(Block::Para(msg!(
            lang,
            "recovery-site-stands-in",
            site = site.name,
            home = home,
            used = used,
            capacity = x.capacity,
            moved = moved.len(),
            waiting = waiting.len()
        )));
        let rows = moved
            .iter()
            .chain(&waiting)
            .map(|s| {
                vec![
                    plan.service(s.service).id.clone(),
                    size(s).to_string(),
                    mode_at(plan, s.mode, lang),
                    at(s.finish),
                    s.why.map(|w| why_label(plan, w, lang)).unwrap_or_default(),
                ]
            })
            .collect();
        out.push(Block::Table {
            header: vec![
                t(lang, "Service", "Service").into(),
                t(lang, "Units", "Unités").into(),
                t(lang, "Mode", "Mode").into(),
                t(lang, "Back at", "Rétabli à").into(),
                t(lang, "Why", "Pourquoi").into(),
            ],
            rows,
        });
    }
    out
}

fn gantt(plan: &Plan, rp: &RecoveryOrder, lang: Lang) -> Block {
    let mut bars: Vec<Bar> = rp
        .work()
        .map(|s| Bar {
            label: plan.service(s.service).id.clone(),
            group: s.crew.needs.first().map_or_else(
                || t(lang, "suppliers", "fournisseurs").to_string(),
                |(team, _)| plan.team(*team).name.clone(),
            ),
            start: s.start,
            finish: s.finish,
        })
        .collect();
    bars.sort_by(|a, b| a.group.cmp(&b.group).then(a.start.cmp(&b.start)));
    Block::Gantt(bars)
}

fn team_steps(plan: &Plan, rp: &RecoveryOrder, team: TeamId, lang: Lang) -> Vec<StepCard> {
    rp.steps
        .iter()
        .filter(|s| s.crew.needs.iter().any(|(tm, _)| *tm == team))
        .enumerate()
        .map(|(i, s)| {
            let service = plan.service(s.service);
            let mut facts = vec![
                (
                    t(lang, "Planned", "Prévu").to_string(),
                    format!(
                        "{} → {} ({})",
                        at(s.start),
                        at(s.finish),
                        dur(s.finish - s.start)
                    ),
                ),
                (
                    t(lang, "People", "Intervenants").to_string(),
                    people(plan, s, lang),
                ),
                (
                    t(lang, "Once up", "Après").to_string(),
                    after(plan, s, lang),
                ),
            ];
            if let Some(f) = service
                .recovery
                .failover
                .filter(|_| s.mode == Mode::Failover)
            {
                facts.push((
                    t(lang, "Fail over to", "Basculer vers").to_string(),
                    plan.service(f.to).id.clone(),
                ));
                facts.push((
                    t(lang, "Switch", "Bascule").to_string(),
                    if f.automatic {
                        t(
                            lang,
                            "automatic: check it happened",
                            "automatique : vérifier qu'elle a eu lieu",
                        )
                        .into()
                    } else if f.decision.as_secs() == 0 {
                        t(
                            lang,
                            "manual, on the crisis cell's decision",
                            "manuelle, sur décision de la cellule de crise",
                        )
                        .into()
                    } else {
                        msg!(lang, "recovery-manual-switch", decision = f.decision)
                    },
                ));
            }
            if let Mode::Relocate(site) = s.mode {
                facts.push((
                    t(lang, "Bring back at", "Relocaliser vers").to_string(),
                    plan.sites[site.index()].name.clone(),
                ));
                let deps = service.depends_on_at(Some(site));
                facts.push((
                    t(lang, "There, on", "Sur place, sur").to_string(),
                    super::dependencies(
                        plan,
                        deps,
                        t(lang, "soft", "souple"),
                        t(lang, "of", "parmi"),
                    ),
                ));
                facts.push((
                    t(lang, "Restore from", "Restaurer depuis").to_string(),
                    s.from.as_ref().map_or_else(
                        || t(lang, "no data to restore", "aucune donnée à restaurer").into(),
                        |from| copy_label(plan, s.service, from, lang),
                    ),
                ));
            }
            if let Some(why) = s.why {
                facts.push((
                    t(lang, "Why here", "Pourquoi ici").to_string(),
                    why_label(plan, why, lang),
                ));
            }
            if let Some(sup) = service.supplier {
                let sup = &plan.suppliers[sup.index()];
                facts.push((
                    t(lang, "Supplier", "Fournisseur").to_string(),
                    format!(
                        "{}{}",
                        sup.name,
                        sup.contact
                            .as_ref()
                            .map(|c| format!(" — {c}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            StepCard {
                title: format!(
                    "{}. {} — {} ({})",
                    i + 1,
                    mode_label(s.mode, lang),
                    service.name,
                    service.id
                ),
                facts,
                procedure: service.recovery.procedure.clone(),
                verify: service.recovery.verify.clone(),
            }
        })
        .collect()
}

fn contacts(plan: &Plan, lang: Lang) -> Vec<Block> {
    vec![
        Block::Heading(t(lang, "Escalation contacts", "Contacts et escalade").into()),
        Block::Table {
            header: vec![
                t(lang, "Team", "Équipe").into(),
                t(lang, "People", "Effectif").into(),
                t(lang, "Contact", "Contact").into(),
                t(lang, "Escalation", "Escalade").into(),
            ],
            rows: plan
                .teams
                .iter()
                .map(|tm| {
                    vec![
                        tm.name.clone(),
                        super::strength(tm, lang),
                        tm.contact.clone().unwrap_or_default(),
                        tm.escalation.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        },
        Block::Table {
            header: vec![
                t(lang, "Supplier", "Fournisseur").into(),
                t(lang, "Contact", "Contact").into(),
                t(lang, "Contract", "Contrat").into(),
            ],
            rows: plan
                .suppliers
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.contact.clone().unwrap_or_default(),
                        s.contract.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        },
    ]
}

/// The global document: what `reprise recover` prints and the runbook's
/// index. `assumptions` describe the situation and the search.
pub fn global(
    plan: &Plan,
    rp: &RecoveryOrder,
    assumptions: &[String],
    with_teams: bool,
    lang: Lang,
) -> Doc {
    let mut d = Doc::new(
        format!(
            "{} — {}",
            t(lang, "Recovery plan", "Plan de reprise"),
            plan.name
        ),
        lang,
    );
    d.push(Block::Para(summary(rp, lang)));
    d.push(Block::Heading(
        t(lang, "Context and assumptions", "Contexte et hypothèses").into(),
    ));
    if let Some(desc) = &plan.description {
        d.push(Block::Para(desc.clone()));
    }
    d.push(Block::List(assumptions.to_vec()));
    d.push(Block::Heading(
        t(lang, "Processes against their DMIA", "Processus et DMIA").into(),
    ));
    d.push(Block::Para(
        t(
            lang,
            "DMIA (MTPD): maximum tolerable period of disruption; the deadline adds the workaround's duration when the workaround starts in time. Back at: IT restored and work resumed.",
            "DMIA (MTPD) : durée maximale d'interruption admissible ; l'échéance ajoute la durée du mode dégradé quand il démarre à temps. Reprise à : SI rétabli et activité reprise.",
        )
        .into(),
    ));
    d.push(outcomes(plan, rp, lang));
    d.push(Block::Heading(t(lang, "Waves", "Vagues de reprise").into()));
    d.push(waves(plan, rp, lang));
    d.blocks.extend(recovery_sites(plan, rp, lang));
    d.blocks.extend(shutdowns(plan, rp, lang));
    d.push(Block::Heading(
        t(lang, "Gantt chart", "Diagramme de Gantt").into(),
    ));
    d.push(gantt(plan, rp, lang));
    d.push(Block::Heading(
        t(lang, "Tasks per team", "Tâches par équipe").into(),
    ));
    for (i, team) in plan.teams.iter().enumerate() {
        let steps: Vec<&Step> = rp
            .steps
            .iter()
            .filter(|s| s.crew.needs.iter().any(|(tm, _)| tm.index() == i))
            .collect();
        if steps.is_empty() {
            continue;
        }
        if with_teams {
            d.push(Block::PageBreak);
            d.push(Block::Heading(format!(
                "{} — {}",
                team.name,
                contact_line(team)
            )));
            d.push(Block::Steps(team_steps(plan, rp, TeamId(i as u32), lang)));
        } else {
            d.push(Block::Para(format!(
                "{} ({} {}):",
                team.name,
                super::strength(team, lang),
                t(lang, "people", "personnes")
            )));
            d.push(Block::Table {
                header: vec![
                    "#".into(),
                    t(lang, "Service", "Service").into(),
                    t(lang, "Start", "Début").into(),
                    t(lang, "End", "Fin").into(),
                    t(lang, "People", "Intervenants").into(),
                    t(lang, "Once up", "Après").into(),
                ],
                rows: steps
                    .iter()
                    .enumerate()
                    .map(|(k, s)| {
                        vec![
                            (k + 1).to_string(),
                            format!(
                                "{} ({})",
                                plan.service(s.service).id,
                                mode_at(plan, s.mode, lang)
                            ),
                            at(s.start),
                            at(s.finish),
                            people(plan, s, lang),
                            after(plan, s, lang),
                        ]
                    })
                    .collect(),
            });
        }
    }
    d.blocks.extend(failback(plan, rp, None, lang));
    if with_teams {
        d.push(Block::PageBreak);
    }
    d.blocks.extend(contacts(plan, lang));
    d
}

fn contact_line(team: &crate::model::Team) -> String {
    [team.contact.clone(), team.escalation.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ")
}

/// One team's runbook: its steps in order, with what to check and whom to call.
pub fn team(plan: &Plan, rp: &RecoveryOrder, team: TeamId, lang: Lang) -> Doc {
    let tm = plan.team(team);
    let mut d = Doc::new(
        format!(
            "{} — {}",
            t(lang, "Runbook", "Procédure de reprise"),
            tm.name
        ),
        lang,
    );
    let colon = d.colon();
    let mut facts = vec![format!(
        "{}{colon}{}",
        t(lang, "People available", "Effectif disponible"),
        super::strength(tm, lang)
    )];
    if let Some(x) = super::stands_in(plan, tm, lang) {
        facts.push(format!(
            "{}{colon}{x}",
            t(lang, "Can stand in for", "Peut remplacer")
        ));
    }
    if let Some(c) = &tm.contact {
        facts.push(format!("{}{colon}{c}", t(lang, "Contact", "Contact")));
    }
    if let Some(e) = &tm.escalation {
        facts.push(format!("{}{colon}{e}", t(lang, "Escalation", "Escalade")));
    }
    facts.push(format!("{}{colon}{}", t(lang, "Plan", "Plan"), plan.name));
    d.push(Block::List(facts));
    d.push(Block::Para(
        t(
            lang,
            "Tick each step when done and write the actual times. Start a step only once what it waits for is up; if a step slips, tell the crisis cell.",
            "Cochez chaque étape terminée et notez les heures réelles. Ne commencez une étape qu'une fois rétabli ce qu'elle attend ; si une étape glisse, prévenez la cellule de crise.",
        )
        .into(),
    ));
    d.push(Block::Steps(team_steps(plan, rp, team, lang)));
    d.blocks.extend(failback(plan, rp, Some(team), lang));
    d
}

/// The recovery sheet of one service ("fiche réflexe").
pub fn sheet(
    plan: &Plan,
    rp: &RecoveryOrder,
    analysis: &Analysis,
    impact: &[State],
    service: ServiceId,
    lang: Lang,
) -> Doc {
    let s = plan.service(service);
    let n = service.index();
    let o = &analysis.objectives;
    let mut d = Doc::new(
        format!(
            "{} — {} ({})",
            t(lang, "Recovery sheet", "Fiche réflexe"),
            s.name,
            s.id
        ),
        lang,
    );
    let r = &s.recovery;
    let mut facts = vec![
        vec![t(lang, "Kind", "Type").into(), s.kind.label(lang).into()],
        vec![
            t(lang, "Site", "Site").into(),
            s.site
                .map(|x| plan.sites[x.index()].name.clone())
                .unwrap_or_default(),
        ],
        vec![
            t(lang, "Teams", "Équipes").into(),
            r.needs
                .iter()
                .map(|nd| format!("{} ×{}", plan.team(nd.team).name, nd.count))
                .collect::<Vec<_>>()
                .join(", "),
        ],
        vec![
            t(lang, "Restore", "Restauration").into(),
            format!(
                "{}{}",
                r.duration,
                r.range
                    .map(|(a, b)| format!(" ({a} – {b})"))
                    .unwrap_or_default()
            ),
        ],
        vec![
            t(lang, "Rebuild", "Reconstruction").into(),
            r.rebuild.to_string(),
        ],
        vec![
            t(
                lang,
                "Required back by (derived RTO)",
                "Retour exigé avant (RTO déduit)",
            )
            .into(),
            o.required[n].map_or_else(
                || "—".into(),
                |x| {
                    if x >= 0 {
                        at(x as u64)
                    } else {
                        format!("T{}", crate::analysis::signed(x))
                    }
                },
            ),
        ],
    ];
    if let Some(f) = r.failover {
        facts.push(vec![
            t(lang, "Failover", "Bascule").into(),
            format!("→ {} ({})", plan.service(f.to).id, f.duration),
        ]);
    }
    if let Some(sup) = s.supplier {
        let sup = &plan.suppliers[sup.index()];
        facts.push(vec![
            t(lang, "Supplier", "Fournisseur").into(),
            format!("{} {}", sup.name, sup.contact.clone().unwrap_or_default()),
        ]);
    }
    if let Some(data) = &s.data {
        let copies: Vec<String> = data
            .backups
            .iter()
            .map(|b| {
                let mut c = format!("{} {}", t(lang, "every", "toutes les"), b.every);
                if let Some(v) = b.via {
                    c += &format!(" via {}", plan.service(v).id);
                }
                if b.immutable {
                    c += t(lang, ", immutable", ", immuable");
                }
                if b.offline {
                    c += t(lang, ", offline", ", hors ligne");
                }
                c
            })
            .chain(data.replication.map(|rep| {
                format!(
                    "{} {}",
                    t(lang, "replica lag", "réplication, retard"),
                    rep.lag
                )
            }))
            .collect();
        facts.push(vec![t(lang, "Copies", "Copies").into(), copies.join("; ")]);
        facts.push(vec![
            t(
                lang,
                "Data loss tolerated (PDMA)",
                "Perte de données admissible (PDMA)",
            )
            .into(),
            o.required_rpo[n].map_or_else(|| "—".into(), crate::analysis::signed),
        ]);
    }
    if let Some(step) = rp.steps.iter().find(|x| x.service == service) {
        facts.push(vec![
            t(lang, "In this plan", "Dans ce plan").into(),
            format!(
                "{} {} → {}",
                mode_at(plan, step.mode, lang),
                at(step.start),
                at(step.finish)
            ),
        ]);
    }
    d.push(Block::Table {
        header: vec![String::new(), String::new()],
        rows: facts,
    });
    d.push(Block::Heading(
        t(lang, "If it fails", "En cas de panne").into(),
    ));
    let stopped: Vec<String> = plan
        .process_ids()
        .filter(|&p| impact[plan.node_index(NodeRef::Process(p))] != State::Up)
        .map(|p| {
            let pr = plan.process(p);
            format!(
                "{} ({}, {}, DMIA {}) — {}",
                pr.name,
                pr.id,
                pr.criticality.label(lang),
                pr.mtpd,
                if impact[plan.node_index(NodeRef::Process(p))] == State::Down {
                    t(lang, "stopped", "arrêté")
                } else {
                    t(lang, "degraded", "dégradé")
                }
            )
        })
        .collect();
    d.push(Block::List(if stopped.is_empty() {
        vec![t(lang, "No process stops.", "Aucun processus ne s'arrête.").into()]
    } else {
        stopped
    }));
    d.push(Block::Heading(t(lang, "Needs first", "Prérequis").into()));
    d.push(Block::Para(super::dependencies(
        plan,
        &s.depends_on,
        t(lang, "soft", "souple"),
        t(lang, "of", "parmi"),
    )));
    d.push(Block::Heading(t(lang, "Procedure", "Procédure").into()));
    d.push(Block::Para(r.procedure.clone().unwrap_or_else(|| {
        t(lang, "Not written yet.", "Pas encore rédigée.").into()
    })));
    d.push(Block::Heading(t(lang, "Check", "Vérification").into()));
    d.push(Block::Para(r.verify.clone().unwrap_or_else(|| {
        t(lang, "Not written yet.", "Pas encore rédigée.").into()
    })));
    d
}

#[derive(Serialize)]
struct TaskJson<'a> {
    id: &'a str,
    mode: &'static str,
    /// For a relocation: the recovery site's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    /// For a relocation: the copy it restores from.
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<serde_json::Value>,
    /// For a service allowed to move: why it comes back where it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<serde_json::Value>,
    start_s: u64,
    finish_s: u64,
    needs: indexmap::IndexMap<&'a str, u32>,
    /// When not the planned crew: the teams standing in, a reduced crew,
    /// the slowdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    crew: Option<serde_json::Value>,
    /// Written as in plans: an id, or `{"at_least": k, "of": [ids]}`.
    after: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct ProcessJson<'a> {
    id: &'a str,
    /// One entry per incident: since when it is down, when it is back.
    down_since_s: u64,
    restored_s: u64,
    mtpd_s: u64,
    deadline_s: u64,
    late_s: u64,
    breach: bool,
}

#[derive(Serialize)]
pub struct RecoveryJson<'a> {
    plan: &'a str,
    makespan_s: u64,
    lower_bound_s: u64,
    schedules: u64,
    tasks: Vec<TaskJson<'a>>,
    processes: Vec<ProcessJson<'a>>,
    /// Each team's people over time: `[from_s, people]` steps.
    teams: Vec<serde_json::Value>,
    /// Controlled shutdowns before reserves run out.
    shutdowns: Vec<serde_json::Value>,
}

pub fn json<'a>(plan: &'a Plan, rp: &'a RecoveryOrder) -> RecoveryJson<'a> {
    RecoveryJson {
        plan: &plan.name,
        makespan_s: rp.makespan,
        lower_bound_s: rp.lower_bound,
        schedules: rp.generated,
        tasks: rp
            .steps
            .iter()
            .map(|s| TaskJson {
                id: &plan.service(s.service).id,
                mode: s.mode.key(),
                site: s.mode.site().map(|x| plan.sites[x.index()].id.as_str()),
                from: s.from.and_then(|f| {
                    let c = f.copy?;
                    Some(serde_json::json!({
                        "holder": f.holder.map(|h| plan.service(h).id.as_str()),
                        "replica": c.replica,
                        "offsite": c.offsite,
                        "offline": c.offline,
                        "immutable": c.immutable,
                        "loss_s": c.loss,
                        "retrieval_s": f.retrieval,
                    }))
                }),
                why: s.why.map(|w| match w {
                    Why::Sooner { there, in_place } => serde_json::json!({
                        "reason": "sooner", "there_s": there, "in_place_s": in_place,
                    }),
                    Why::NoRoom { site, there } => serde_json::json!({
                        "reason": "no-room", "site": plan.sites[site.index()].id, "there_s": there,
                    }),
                    Why::NoCopy => serde_json::json!({ "reason": "no-copy" }),
                }),
                start_s: s.start,
                finish_s: s.finish,
                needs: s
                    .crew
                    .needs
                    .iter()
                    .map(|(tm, n)| (plan.team(*tm).id.as_str(), *n))
                    .collect(),
                crew: crew_json(plan, &s.crew),
                after: s
                    .after
                    .iter()
                    .flat_map(|(need, of)| {
                        let ids: Vec<&str> =
                            of.iter().map(|x| plan.service(*x).id.as_str()).collect();
                        if *need as usize == ids.len() {
                            ids.into_iter()
                                .map(serde_json::Value::from)
                                .collect::<Vec<_>>()
                        } else {
                            vec![serde_json::json!({ "at_least": need, "of": ids })]
                        }
                    })
                    .collect(),
            })
            .collect(),
        processes: rp
            .processes
            .iter()
            .map(|o| ProcessJson {
                id: &plan.process(o.process).id,
                down_since_s: o.since,
                restored_s: o.restored,
                mtpd_s: plan.process(o.process).mtpd.as_secs(),
                deadline_s: o.deadline,
                late_s: o.late(),
                breach: o.breach(),
            })
            .collect(),
        teams: plan
            .teams
            .iter()
            .zip(&rp.capacity)
            .map(|(team, steps)| serde_json::json!({ "id": team.id, "capacity": steps }))
            .collect(),
        shutdowns: rp
            .shutdowns
            .iter()
            .map(|x| {
                let services: Vec<&str> = x
                    .services
                    .iter()
                    .map(|&s| plan.service(s).id.as_str())
                    .collect();
                serde_json::json!({
                    "at_s": x.at,
                    "source": plan.service(x.source).id,
                    "services": services,
                })
            })
            .collect(),
    }
}

/// A crew other than the planned one, in JSON: `{ "stand_ins": [{ "for":
/// "infra", "by": "infogerance" }], "reduced": false, "slowdown": 1.5 }`.
fn crew_json(plan: &Plan, crew: &crate::model::Crew) -> Option<serde_json::Value> {
    if crew.is_planned() {
        return None;
    }
    let stand_ins: Vec<serde_json::Value> = crew
        .stand_ins
        .iter()
        .map(|(of, by)| serde_json::json!({ "for": plan.team(*of).id, "by": plan.team(*by).id }))
        .collect();
    Some(serde_json::json!({
        "stand_ins": stand_ins,
        "reduced": crew.reduced,
        "slowdown": crew.slowdown.as_f64(),
    }))
}

/// What a recovery plan assumes, as the lines of its "context and
/// assumptions": the situation (the total loss, or the scenario's attack and
/// events), the teams, how services are restored and how the order was
/// searched.
pub fn assumptions(
    plan: &Plan,
    scenario: Option<&Scenario>,
    rp: &RecoveryOrder,
    seed: u64,
    lang: Lang,
) -> Vec<String> {
    let teams = plan
        .teams
        .iter()
        .map(|t| format!("{} {}", t.id, super::strength(t, lang)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![
        t(
            lang,
            "Situation: total loss of the information system at T0 (every service down, nothing destroyed).",
            "Situation : perte totale du système d'information à T0 (tous les services arrêtés, rien de détruit).",
        )
        .to_string(),
        msg!(lang, "recovery-assumptions-teams", teams = teams),
        t(
            lang,
            "Each service is restored with its plan duration once what it needs is up; a cycle (Active Directory and its DNS) is restored member after member, in plan order.",
            "Chaque service est restauré avec la durée du plan une fois rétabli ce dont il dépend ; un cycle (Active Directory et son DNS) est restauré membre après membre, dans l'ordre du plan.",
        )
        .to_string(),
        msg!(lang, "recovery-assumptions-order", schedules = rp.generated, seed = seed),
    ];
    if let Some(sc) = scenario {
        out[0] = msg!(lang, "recovery-assumptions-scenario", scenario = sc.name);
        for e in &sc.events {
            out.insert(1, event_line(plan, e, lang));
        }
        out[1..=sc.events.len()].reverse();
        if let Some(a) = &sc.attack {
            out.insert(1, attack_line(plan, a, lang));
        }
    }
    out
}

/// The scenario's cyberattack as a line of the assumptions: how it goes,
/// and the investigation and checks its recovery waits for.
fn attack_line(plan: &Plan, a: &scenario::attack::Attack, lang: Lang) -> String {
    let entry = a
        .entry
        .iter()
        .map(|s| plan.service(*s).id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let at = match a.at.as_secs() {
        0 => "T0".to_string(),
        t => format!("T+{}", crate::model::SimDuration::from_secs(t)),
    };
    let end = match a.detect {
        Some(d) if d < a.dwell.saturating_add(a.at) => (d, false),
        _ => (a.dwell.saturating_add(a.at), true),
    };
    let pace = match (a.spread, lang) {
        (0, Lang::En) => "moving at once".to_string(),
        (0, Lang::Fr) => "sans délai entre deux machines".to_string(),
        (m, _) => msg!(
            lang,
            "recovery-attack-pace",
            pace = crate::model::SimDuration::from_secs(m)
        ),
    };
    let cleared = crate::model::SimDuration::from_secs(end.0.as_secs() + a.investigation.as_secs());
    msg!(
        lang,
        "recovery-attack-line",
        entry = entry,
        at = at,
        pace = pace,
        ends = if end.1 { "encryption" } else { "detection" },
        ended = end.0,
        investigation = a.investigation,
        cleared = cleared
    )
}

/// One scenario event as a line of the assumptions.
fn event_line(plan: &Plan, e: &scenario::Event, lang: Lang) -> String {
    let ids = |v: &[crate::model::ServiceId]| {
        v.iter()
            .map(|s| plan.service(*s).id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = match &e.action {
        scenario::Action::Outage {
            services,
            lasts: Some(d),
        } => msg!(
            lang,
            "recovery-event-outage-for",
            services = ids(services),
            lasts = d
        ),
        scenario::Action::Outage {
            services,
            lasts: None,
        } => msg!(lang, "recovery-event-outage", services = ids(services)),
        scenario::Action::Destroy { services } => {
            msg!(lang, "recovery-event-destroy", services = ids(services))
        }
        scenario::Action::Staff {
            team,
            capacity,
            lasts,
        } => msg!(
            lang,
            "recovery-event-staff",
            team = plan.team(*team).id,
            capacity = capacity,
            lasts = lasts.map(|d| format!(" ({d})")).unwrap_or_default()
        ),
        scenario::Action::Power { services, lasts } => msg!(
            lang,
            "recovery-event-power",
            services = ids(services),
            lasts = lasts
        ),
        scenario::Action::Isolate { zones, lasts } => {
            let zones = zones
                .iter()
                .map(|z| plan.zones[z.index()].id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let lasts = lasts.map(|d| format!(" ({d})")).unwrap_or_default();
            msg!(lang, "recovery-event-isolate", zones = zones, lasts = lasts)
        }
        scenario::Action::Note => String::new(),
    };
    let note = e
        .note
        .as_deref()
        .map(|n| {
            if what.is_empty() {
                n.to_string()
            } else {
                format!(" — {n}")
            }
        })
        .unwrap_or_default();
    format!("{} : {what}{note}", at(e.at.as_secs()))
}

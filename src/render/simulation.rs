//! One simulated run for people (timeline, processes against DMIA and PDMA,
//! the teams' load) and for tools (JSON).

use serde::Serialize;

use super::doc::{Block, Doc, at};
use crate::analysis::state::State;
use crate::i18n::{Lang, t};
use crate::model::{NodeRef, Plan, ServiceId, SimDuration};
use crate::msg;
use crate::recovery::Mode;
use crate::scenario::Scenario;
use crate::simulation::monte_carlo::Stats;
use crate::simulation::{EventKind, Run, SimEvent, Stop};

fn node(plan: &Plan, e: &SimEvent) -> String {
    e.node
        .map(|n| plan.node_id(n).to_string())
        .unwrap_or_default()
}

/// What happened, in words.
pub fn detail(plan: &Plan, e: &SimEvent, lang: Lang) -> String {
    let process = matches!(e.node, Some(NodeRef::Process(_)));
    let text = match &e.kind {
        EventKind::Scenario => String::new(),
        EventKind::Staff {
            team,
            capacity,
            shift: true,
        } => msg!(lang, "simulation-team-shifts", team = plan.team(*team).id, capacity = capacity),
        EventKind::Staff { team, capacity, .. } => msg!(lang, "simulation-team-size", team = plan.team(*team).id, capacity = capacity),
        EventKind::Hit { destroyed: true } => t(lang, "destroyed", "détruit").into(),
        EventKind::Hit { destroyed: false } => t(lang, "fails", "tombe en panne").into(),
        EventKind::RecoveryStarted {
            mode: Mode::Relocate(site),
        } => msg!(lang, "simulation-relocation-starts", site = plan.sites[site.index()].name),
        EventKind::RecoveryStarted { mode } => match mode {
            Mode::Failover => t(lang, "failover starts", "début de la bascule"),
            Mode::Rebuild => t(lang, "rebuild starts", "début de la reconstruction"),
            Mode::Restart { crashed: false } => t(lang, "restart starts", "début du redémarrage"),
            Mode::Restart { crashed: true } => t(
                lang,
                "restart after an abrupt stop starts",
                "début du redémarrage après un arrêt brutal",
            ),
            _ => t(lang, "restore starts", "début de la restauration"),
        }
        .into(),
        EventKind::State {
            to: State::Down, ..
        } if process => t(lang, "stops", "s'arrête").into(),
        EventKind::State {
            to: State::Down, ..
        } => t(lang, "down", "arrêté").into(),
        EventKind::State {
            to: State::Degraded,
            ..
        } => t(lang, "degraded", "dégradé").into(),
        EventKind::State { to: State::Up, .. } if process => {
            t(lang, "IT back", "SI rétabli").into()
        }
        EventKind::State { to: State::Up, .. } => t(lang, "back up", "rétabli").into(),
        EventKind::Workaround => t(lang, "runs on its workaround", "passe en mode dégradé").into(),
        EventKind::Breach => t(lang, "DMIA breached", "DMIA dépassée").into(),
        EventKind::Compromised { entry: true } => t(
            lang,
            "initial access by the attacker",
            "accès initial de l'attaquant",
        )
        .into(),
        EventKind::Compromised { entry: false } => t(lang, "compromised", "compromis").into(),
        EventKind::Exposed => t(
            lang,
            "data possibly exposed: federated with a directory the attacker held (nothing encrypted)",
            "données possiblement exposées : fédéré avec un annuaire que l'attaquant détenait (rien de chiffré)",
        )
        .into(),
        EventKind::Wiped => t(
            lang,
            "configuration wiped by the attacker",
            "configuration effacée par l'attaquant",
        )
        .into(),
        EventKind::AttackEnds { encrypted: true } => t(
            lang,
            "the attacker encrypts what it holds",
            "l'attaquant chiffre ce qu'il détient",
        )
        .into(),
        EventKind::AttackEnds { encrypted: false } => t(
            lang,
            "attack detected: what it holds is isolated",
            "attaque détectée : ce qu'elle détient est isolé",
        )
        .into(),
        EventKind::Drained => t(
            lang,
            "reserves exhausted (fuel, batteries): stops",
            "réserves épuisées (fioul, batteries) : s'arrête",
        )
        .into(),
        EventKind::Shutdown { source } => msg!(lang, "simulation-controlled-shutdown", source = plan.service(*source).id),
        EventKind::Interrupted => t(
            lang,
            "work interrupted: to start over",
            "intervention interrompue : à reprendre",
        )
        .into(),
        EventKind::Zone {
            zone,
            isolated: true,
        } => msg!(lang, "simulation-zone-cut", zone = plan.zones[zone.index()].id),
        EventKind::Zone {
            zone,
            isolated: false,
        } => msg!(lang, "simulation-zone-connected", zone = plan.zones[zone.index()].id),
        EventKind::Replan { steps } => msg!(lang, "simulation-teams-plan", steps = steps),
        EventKind::Ordered => t(lang, "ordered by the players", "ordonné par les joueurs").into(),
    };
    match (&e.note, text.is_empty()) {
        (Some(n), true) => n.clone(),
        (Some(n), false) => format!("{text} — {n}"),
        (None, _) => text,
    }
}

/// `T+…`, with the date when the scenario has a start.
fn when(scenario: &Scenario, t: u64) -> String {
    match scenario.date(t) {
        Some(date) => format!("{date} ({})", at(t)),
        None => at(t),
    }
}

/// A downtime, `≥ …` when it is still going on at the end of the run.
fn at_least(secs: u64, open: bool) -> String {
    let d = SimDuration::from_secs(secs).to_string();
    if open { format!("≥ {d}") } else { d }
}

/// Where the run ends: everything back, or what is not and why the
/// simulation stopped.
pub fn ending(plan: &Plan, scenario: &Scenario, run: &Run, lang: Lang) -> String {
    if let Some(m) = run.makespan {
        return msg!(lang, "simulation-all-back", at = when(scenario, m));
    }
    let ids: Vec<&str> = run.not_back.iter().map(|&n| plan.node_id(n)).collect();
    let list = ids.join(", ");
    let end = when(scenario, run.end);
    let why = match (run.stopped_by, scenario.horizon.is_some()) {
        (Stop::Stalled, _) => t(
            lang,
            "nothing more can happen: work that cannot start, or an isolation for good",
            "plus rien ne peut se produire : travaux qui ne peuvent pas démarrer, ou isolement définitif",
        ),
        (_, true) => t(lang, "the scenario's horizon", "l'horizon du scénario"),
        (_, false) => t(
            lang,
            "the one-year cap of a simulation",
            "la limite d'un an d'une simulation",
        ),
    };
    msg!(
        lang,
        "simulation-not-all-back",
        end = end,
        why = why,
        list = list
    )
}

/// The warning for standard error when a run ends with something not back.
pub fn warning(scenario: &Scenario, run: &Run, lang: Lang) -> Option<String> {
    if run.makespan.is_some() {
        return None;
    }
    let end = when(scenario, run.end);
    let n = run.not_back.len();
    Some(msg!(
        lang,
        "simulation-horizon-warning",
        end = end,
        count = n
    ))
}

fn loss(v: Option<u64>, lang: Lang) -> String {
    match v {
        None => t(lang, "everything", "tout").into(),
        Some(0) => "—".into(),
        Some(s) => SimDuration::from_secs(s).to_string(),
    }
}

pub fn report(plan: &Plan, scenario: &Scenario, run: &Run, lang: Lang) -> Doc {
    let mut d = Doc::new(
        format!(
            "{} — {}",
            t(lang, "Simulation", "Simulation"),
            scenario.name
        ),
        lang,
    );
    if let Some(desc) = &scenario.description {
        d.push(Block::Para(desc.clone()));
    }
    let breaches = run.processes.iter().filter(|p| p.breach).count();
    let stopped = run.processes.iter().filter(|p| p.stopped()).count();
    let head = msg!(
        lang,
        "simulation-head",
        stopped = stopped,
        breaches = breaches
    );
    d.push(Block::Para(format!(
        "{head} {}",
        ending(plan, scenario, run, lang)
    )));
    d.push(Block::Heading(t(lang, "Processes", "Processus").into()));
    d.push(Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(lang, "Criticality", "Criticité").into(),
            t(lang, "Down", "Arrêt").into(),
            "DMIA (MTPD)".into(),
            t(lang, "On workaround", "Mode dégradé").into(),
            t(lang, "Back at", "Reprise à").into(),
            t(lang, "Data lost", "Données perdues").into(),
            "PDMA (RPO)".into(),
            t(lang, "Outcome", "Bilan").into(),
        ],
        rows: run
            .processes
            .iter()
            .filter(|r| r.stopped() || r.degraded > 0)
            .map(|r| {
                let p = plan.process(r.process);
                let data_breach = match (r.data_loss, p.rpo) {
                    (None, Some(_)) => true,
                    (Some(l), Some(rpo)) => l > rpo.as_secs(),
                    _ => false,
                };
                vec![
                    format!("{} ({})", p.name, p.id),
                    p.criticality.label(lang).into(),
                    at_least(r.down, r.not_back),
                    p.mtpd.to_string(),
                    if r.workaround == 0 {
                        "—".into()
                    } else {
                        SimDuration::from_secs(r.workaround).to_string()
                    },
                    match (r.restored, r.not_back) {
                        (_, true) => t(lang, "not back", "non rétabli").into(),
                        (Some(b), false) => when(scenario, b),
                        (None, false) => "—".into(),
                    },
                    loss(r.data_loss, lang),
                    p.rpo.map_or_else(|| "—".into(), |d| d.to_string()),
                    match (r.breach, data_breach) {
                        (false, false) => t(lang, "within DMIA and PDMA", "DMIA et PDMA tenues"),
                        (true, false) => t(lang, "DMIA breached", "DMIA dépassée"),
                        (false, true) => t(lang, "PDMA breached", "PDMA dépassée"),
                        (true, true) => t(lang, "DMIA and PDMA breached", "DMIA et PDMA dépassées"),
                    }
                    .into(),
                ]
            })
            .collect(),
    });
    held(&mut d, plan, scenario, run, lang);
    // Business data lost, then configurations to rebuild: a device's
    // settings lost are work for the teams, not a process's data loss.
    let configuration = |s: ServiceId| {
        plan.service(s)
            .data
            .as_ref()
            .is_some_and(|d| d.configuration)
    };
    for (config, heading, column) in [
        (
            false,
            t(lang, "Data", "Données"),
            t(lang, "Data lost", "Données perdues"),
        ),
        (
            true,
            t(
                lang,
                "Configurations to rebuild",
                "Configurations à reconstruire",
            ),
            t(lang, "Changes lost", "Modifications perdues"),
        ),
    ] {
        let rows: Vec<Vec<String>> = run
            .data
            .iter()
            .filter(|x| configuration(x.service) == config)
            .map(|x| vec![plan.service(x.service).id.clone(), loss(x.loss, lang)])
            .collect();
        if !rows.is_empty() {
            d.push(Block::Heading(heading.into()));
            d.push(Block::Table {
                header: vec![t(lang, "Service", "Service").into(), column.into()],
                rows,
            });
        }
    }
    d.push(Block::Heading(
        t(lang, "Teams' load", "Charge des équipes").into(),
    ));
    d.push(Block::Table {
        header: vec![
            t(lang, "Team", "Équipe").into(),
            t(lang, "People", "Effectif").into(),
            t(lang, "Work (person-hours)", "Travail (heures-personnes)").into(),
        ],
        rows: plan
            .teams
            .iter()
            .zip(&run.team_work)
            .map(|(team, w)| {
                vec![
                    team.name.clone(),
                    super::strength(team, lang),
                    format!("{:.1}", *w as f64 / 3600.0),
                ]
            })
            .collect(),
    });
    d.push(Block::Heading(t(lang, "Timeline", "Chronologie").into()));
    d.push(Block::Table {
        header: vec![
            t(lang, "When", "Quand").into(),
            t(lang, "What", "Quoi").into(),
            t(lang, "Event", "Événement").into(),
        ],
        rows: run
            .events
            .iter()
            .map(|e| vec![when(scenario, e.t), node(plan, e), detail(plan, e, lang)])
            .collect(),
    });
    d
}

#[derive(Serialize)]
struct EventJson<'a> {
    t_s: u64,
    /// The date, when the scenario has a start.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    kind: &'static str,
    node: Option<&'a str>,
    /// For work starting: how (`restore`, `failover`, `rebuild`,
    /// `relocate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<&'static str>,
    /// For a relocation starting: the recovery site's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    detail: String,
}

#[derive(Serialize)]
struct ProcessJson<'a> {
    id: &'a str,
    /// A lower bound when `not_back`.
    down_s: u64,
    /// On the workaround while its IT was down.
    workaround_s: u64,
    /// Running with a soft dependency or part of a group missing.
    degraded_s: u64,
    mtpd_s: u64,
    breach: bool,
    /// Null when everything is lost.
    data_loss_s: Option<u64>,
    rpo_s: Option<u64>,
    /// Null when it did not stop, or is not back at the end.
    restored_s: Option<u64>,
    /// Still down when the run ends.
    not_back: bool,
    /// For a process past its DMIA: what held it, last back first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    held_by: Vec<serde_json::Value>,
}

#[derive(Serialize)]
pub struct RunJson<'a> {
    scenario: &'a str,
    /// Null when something is not back at the end of the run.
    makespan_s: Option<u64>,
    /// Everything is back.
    complete: bool,
    /// `quiet`, `stalled` or `horizon`.
    stopped_by: &'static str,
    /// When the run ends.
    end_s: u64,
    /// Services, then processes, still down at the end.
    not_back: Vec<&'a str>,
    /// How many times the teams planned.
    plans: u32,
    /// Search budget of each planning, in schedules.
    budget: u64,
    /// Schedules generated over all plannings.
    schedules: u64,
    events: Vec<EventJson<'a>>,
    processes: Vec<ProcessJson<'a>>,
    data: Vec<serde_json::Value>,
    teams: Vec<serde_json::Value>,
}

/// What held each process past its DMIA: the chain of what came back last,
/// down to the service that held itself (its own work, or not back).
fn held(d: &mut Doc, plan: &Plan, scenario: &Scenario, run: &Run, lang: Lang) {
    let late: Vec<_> = run.processes.iter().filter(|r| r.breach).collect();
    if late.is_empty() {
        return;
    }
    let holding = run.holding();
    d.push(Block::Heading(
        t(
            lang,
            "What held the late processes",
            "Ce qui a retenu les processus en retard",
        )
        .into(),
    ));
    d.push(Block::Para(
        t(
            lang,
            "From each process, what it needs that came back last, then what that waited for, down to where the chain starts (work that waited for nothing that came back then): the critical path; its longest work is where the time went.",
            "Pour chaque processus, ce dont il dépend qui est revenu en dernier, puis ce que cela attendait, jusqu'au début de la chaîne (un travail qui n'attendait rien de ce qui revenait alors) : le chemin critique ; son travail le plus long dit où le temps est passé.",
        )
        .into(),
    ));
    d.push(Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(
                lang,
                "Held by (last back first)",
                "Retenu par (dernier revenu d'abord)",
            )
            .into(),
        ],
        rows: late
            .iter()
            .map(|r| {
                let chain: Vec<String> = holding
                    .held_by(plan, r.process)
                    .iter()
                    .map(|h| hold(plan, scenario, h, lang))
                    .collect();
                vec![plan.process(r.process).id.clone(), chain.join(" ← ")]
            })
            .collect(),
    });
}

/// One link of a chain for people: `coeur-dc-a (rebuild from T+4h, back
/// T+3w4h)`.
fn hold(plan: &Plan, scenario: &Scenario, h: &crate::simulation::Hold, lang: Lang) -> String {
    let back = match h.back {
        Some(b) => format!("{} {}", t(lang, "back", "rétabli"), when(scenario, b)),
        None => t(lang, "not back", "non rétabli").into(),
    };
    let work = h.work.map(|(mode, start)| {
        // Work under way is never "back by itself": that is a restore.
        let how = match mode {
            Mode::Automatic => super::recovery::mode_label(Mode::Restore, lang),
            m => super::recovery::mode_label(m, lang),
        };
        let site = mode
            .site()
            .map(|s| format!(" → {}", plan.sites[s.index()].id))
            .unwrap_or_default();
        format!(
            "{how}{site} {} {}, ",
            t(lang, "from", "à partir de"),
            when(scenario, start)
        )
    });
    format!(
        "{} ({}{back})",
        plan.service(h.service).id,
        work.unwrap_or_default()
    )
}

pub fn json<'a>(plan: &'a Plan, scenario: &'a Scenario, run: &'a Run, budget: u64) -> RunJson<'a> {
    RunJson {
        scenario: &scenario.name,
        makespan_s: run.makespan,
        complete: run.makespan.is_some(),
        stopped_by: run.stopped_by.key(),
        end_s: run.end,
        not_back: run.not_back.iter().map(|&n| plan.node_id(n)).collect(),
        plans: run.plans,
        budget,
        schedules: run.generated,
        events: run
            .events
            .iter()
            .map(|e| EventJson {
                t_s: e.t,
                at: scenario.date(e.t),
                kind: e.kind.key(),
                node: e.node.map(|n| plan.node_id(n)),
                mode: match e.kind {
                    EventKind::RecoveryStarted { mode } => Some(mode.key()),
                    _ => None,
                },
                site: match e.kind {
                    EventKind::RecoveryStarted {
                        mode: Mode::Relocate(site),
                    } => Some(plan.sites[site.index()].id.as_str()),
                    _ => None,
                },
                detail: detail(plan, e, Lang::En),
            })
            .collect(),
        processes: run
            .processes
            .iter()
            .map(|r| ProcessJson {
                id: &plan.process(r.process).id,
                down_s: r.down,
                workaround_s: r.workaround,
                degraded_s: r.degraded,
                mtpd_s: plan.process(r.process).mtpd.as_secs(),
                breach: r.breach,
                data_loss_s: r.data_loss,
                rpo_s: plan.process(r.process).rpo.map(|d| d.as_secs()),
                restored_s: r.restored,
                not_back: r.not_back,
                held_by: match r.breach {
                    true => run
                        .held_by(plan, r.process)
                        .iter()
                        .map(|h| {
                            serde_json::json!({
                                "id": plan.service(h.service).id,
                                "back_s": h.back,
                                "mode": h.work.map(|w| w.0.key()),
                                "site": h.work.and_then(|w| w.0.site()).map(|s| plan.sites[s.index()].id.as_str()),
                                "start_s": h.work.map(|w| w.1),
                            })
                        })
                        .collect(),
                    false => Vec::new(),
                },
            })
            .collect(),
        data: run
            .data
            .iter()
            .map(|x| {
                let holds = match plan.service(x.service).data.as_ref() {
                    Some(d) if d.configuration => "configuration",
                    _ => "business",
                };
                serde_json::json!({ "id": plan.service(x.service).id, "holds": holds, "loss_s": x.loss })
            })
            .collect(),
        teams: plan
            .teams
            .iter()
            .zip(&run.team_work)
            .map(|(team, w)| serde_json::json!({ "id": team.id, "work_s": w }))
            .collect(),
    }
}

/// Monte Carlo results for people.
pub fn monte_carlo(plan: &Plan, scenario: &Scenario, stats: &Stats, seed: u64, lang: Lang) -> Doc {
    let mut d = Doc::new(
        format!(
            "{} — {}",
            t(lang, "Monte Carlo", "Monte-Carlo"),
            scenario.name
        ),
        lang,
    );
    d.push(Block::Para(msg!(
        lang,
        "simulation-monte-carlo-method",
        runs = stats.runs,
        seed = seed
    )));
    if stats.incomplete > 0 {
        let (n, runs) = (stats.incomplete, stats.runs);
        d.push(Block::Para(msg!(
            lang,
            "simulation-monte-carlo-cut",
            cut = n,
            runs = runs
        )));
    }
    d.push(Block::Heading(
        t(
            lang,
            "Processes: downtime against DMIA",
            "Processus : arrêt et DMIA",
        )
        .into(),
    ));
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    d.push(Block::Table {
        header: vec![
            t(lang, "Process", "Processus").into(),
            t(lang, "Criticality", "Criticité").into(),
            "DMIA (MTPD)".into(),
            "P50".into(),
            "P90".into(),
            "P99".into(),
            t(lang, "P(DMIA breached)", "P(DMIA dépassée)").into(),
            t(lang, "95 % interval", "Intervalle à 95 %").into(),
        ],
        rows: stats
            .processes
            .iter()
            .filter(|p| p.p99 > 0)
            .map(|p| {
                let process = plan.process(p.process);
                vec![
                    format!("{} ({})", process.name, process.id),
                    process.criticality.label(lang).into(),
                    process.mtpd.to_string(),
                    at_least(p.p50, p.lower_bound[0]),
                    at_least(p.p90, p.lower_bound[1]),
                    at_least(p.p99, p.lower_bound[2]),
                    pct(p.breach_probability),
                    format!("{} – {}", pct(p.ci.0), pct(p.ci.1)),
                ]
            })
            .collect(),
    });
    if !stats.data.is_empty() {
        d.push(Block::Heading(
            t(lang, "Data lost", "Données perdues").into(),
        ));
        let dur = |v: Option<u64>| {
            v.map_or_else(|| "—".into(), |s| SimDuration::from_secs(s).to_string())
        };
        d.push(Block::Table {
            header: vec![
                t(lang, "Service", "Service").into(),
                t(lang, "Runs hit", "Tirages touchés").into(),
                "P50".into(),
                "P90".into(),
                "P99".into(),
                t(lang, "Everything lost", "Tout perdu").into(),
            ],
            rows: stats
                .data
                .iter()
                .map(|x| {
                    vec![
                        plan.service(x.service).id.clone(),
                        x.runs.to_string(),
                        dur(x.p50),
                        dur(x.p90),
                        dur(x.p99),
                        pct(x.everything_lost),
                    ]
                })
                .collect(),
        });
    }
    d.push(Block::Heading(
        t(
            lang,
            "Most often on the critical path",
            "Le plus souvent sur le chemin critique",
        )
        .into(),
    ));
    d.push(Block::Table {
        header: vec![
            t(lang, "Service", "Service").into(),
            t(lang, "Share of runs", "Part des tirages").into(),
        ],
        rows: stats
            .critical
            .iter()
            .map(|(s, share)| vec![plan.service(*s).id.clone(), pct(*share)])
            .collect(),
    });
    d
}

pub fn monte_carlo_json(
    plan: &Plan,
    scenario: &Scenario,
    stats: &Stats,
    seed: u64,
) -> serde_json::Value {
    serde_json::json!({
        "scenario": scenario.name,
        "runs": stats.runs,
        "seed": seed,
        "incomplete_runs": stats.incomplete,
        "schedules": stats.generated,
        "processes": stats.processes.iter().map(|p| serde_json::json!({
            "id": plan.process(p.process).id,
            "p50_s": p.p50, "p90_s": p.p90, "p99_s": p.p99,
            "lower_bound": { "p50": p.lower_bound[0], "p90": p.lower_bound[1], "p99": p.lower_bound[2] },
            "not_back_share": p.not_back,
            "mtpd_s": plan.process(p.process).mtpd.as_secs(),
            "breach_probability": p.breach_probability,
            "breach_ci95": [p.ci.0, p.ci.1],
        })).collect::<Vec<_>>(),
        "data": stats.data.iter().map(|x| serde_json::json!({
            "id": plan.service(x.service).id,
            "runs": x.runs,
            "p50_s": x.p50, "p90_s": x.p90, "p99_s": x.p99,
            "everything_lost": x.everything_lost,
        })).collect::<Vec<_>>(),
        "critical_path": stats.critical.iter().map(|(s, share)| serde_json::json!({ "id": plan.service(*s).id, "share": share })).collect::<Vec<_>>(),
    })
}

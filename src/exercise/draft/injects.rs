//! The draft's injects, objectives and roles, in French: the prose a crisis
//! cell is read, each message from a believable sender on a believable
//! channel.

use std::cmp::Reverse;
use std::fmt::Write as _;

use super::facts::*;
use super::*;
use crate::exercise::{Channel, RoleKind, Verb};
use crate::i18n::Lang;
use crate::model::{Criticality, Plan, ProcessId, ServiceId, ServiceKind, TeamId};
use crate::scenario::{self, Scenario};
use crate::simulation::Run;

/// An inject before it has its id.
pub(super) struct Pending {
    pub(super) at: u64,
    /// Order among injects at the same time.
    pub(super) rank: u8,
    pub(super) inject: DraftInject,
}

/// Who says what, and by which channel.
struct Message {
    to: &'static [&'static str],
    channel: Channel,
    from: String,
    text: String,
}

pub(super) struct Generator<'a> {
    pub(super) plan: &'a Plan,
    pub(super) scenario: &'a Scenario,
    pub(super) facts: &'a Facts,
    /// The part of the run the draft covers.
    pub(super) start: u64,
    pub(super) until: u64,
    /// The attack's end and whether it encrypted, when in the draft.
    pub(super) attack: Option<(u64, bool)>,
    pub(super) restore: Option<Restore>,
    pub(super) degrade: Option<Degrade>,
    pub(super) timed: Vec<Pending>,
}

impl Generator<'_> {
    fn push(
        &mut self,
        at: u64,
        rank: u8,
        m: Message,
        expects: Vec<DraftAction>,
        objective: Option<&str>,
    ) {
        let at = minute(at);
        self.timed.push(Pending {
            at,
            rank,
            inject: DraftInject {
                id: String::new(),
                when: When::At(at),
                to: m.to.iter().map(|r| r.to_string()).collect(),
                channel: m.channel,
                from: m.from,
                text: m.text,
                expects,
                objective: objective.map(str::to_string),
            },
        });
    }

    fn contingency(
        &self,
        expected: Expected,
        by: u64,
        m: Message,
        action: &str,
        objective: &str,
    ) -> Pending {
        Pending {
            at: by,
            rank: 0,
            inject: DraftInject {
                id: String::new(),
                when: When::Unless {
                    expected: expected.clone(),
                    by,
                },
                to: m.to.iter().map(|r| r.to_string()).collect(),
                channel: m.channel,
                from: m.from,
                text: m.text,
                expects: vec![act(action, expected)],
                objective: Some(objective.to_string()),
            },
        }
    }

    fn inside(&self, t: u64) -> bool {
        (self.start..=self.until).contains(&t)
    }

    /// Pushes the timed injects; returns the scenario's notes from before
    /// the exercise opens, for its description.
    pub(super) fn timed(&mut self, run: &Run) -> Vec<(u64, String)> {
        let (plan, facts, start, until) = (self.plan, self.facts, self.start, self.until);
        // The scenario's notes: some say what another inject is about and join
        // it; the others are injects of their own.
        let mut prelude = Vec::new();
        let mut discovery_notes = Vec::new();
        let mut down_notes = Vec::new();
        let mut staff_notes: Vec<(u64, TeamId, String)> = Vec::new();
        let attack_end = self.attack.map(|(t, _)| t);
        let first_down = facts
            .first_down
            .as_ref()
            .map(|(t, _)| *t)
            .filter(|&t| self.inside(t));
        for e in &self.scenario.events {
            let Some(note) = e.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
                continue;
            };
            let at = e.at.as_secs();
            if at < start {
                prelude.push((at, note.to_string()));
                continue;
            }
            if at > until {
                continue;
            }
            match &e.action {
                scenario::Action::Note if Some(at) == attack_end => {
                    discovery_notes.push(note.to_string());
                }
                scenario::Action::Note
                | scenario::Action::Outage { .. }
                | scenario::Action::Destroy { .. }
                | scenario::Action::Power { .. }
                    if Some(at) == first_down && Some(at) != attack_end =>
                {
                    down_notes.push(note.to_string());
                }
                scenario::Action::Staff { team, .. }
                    if facts.staff.iter().any(|(t, tm, _)| *t == at && tm == team) =>
                {
                    staff_notes.push((at, *team, note.to_string()));
                }
                action => self.note(at, action, note),
            }
        }

        if let Some((t, encrypted)) = self.attack {
            self.discovery(t, encrypted, &discovery_notes);
        }
        if let Some((t, services)) = &facts.first_down
            && self.inside(*t)
        {
            self.first_down(*t, services, &down_notes);
        }
        let mut stopping: Vec<(u64, Vec<ProcessId>)> = Vec::new();
        for &(t, p) in &facts.stops {
            if !self.inside(t) || plan.process(p).criticality < Criticality::Essential {
                continue;
            }
            match stopping.last_mut() {
                Some((at, ps)) if *at == t => ps.push(p),
                _ => stopping.push((t, vec![p])),
            }
        }
        for (t, ps) in &stopping {
            self.stopping(*t, ps);
        }
        if let Some(t) = facts.losses_found(self.attack)
            && self.inside(t)
        {
            self.losses(t, run);
        }
        for &(t, team, capacity) in &facts.staff {
            if !self.inside(t) {
                continue;
            }
            let notes: Vec<&str> = staff_notes
                .iter()
                .filter(|(at, tm, _)| *at == t && *tm == team)
                .map(|(_, _, n)| n.as_str())
                .collect();
            self.staff(t, team, capacity, &notes);
        }
        let mut warnings: Vec<(u64, Vec<(ProcessId, u64)>)> = Vec::new();
        for &(breach, p) in &facts.breaches {
            let at = minute(breach.saturating_sub(plan.process(p).mtpd.as_secs() / 4));
            if !self.inside(at) {
                continue;
            }
            match warnings.iter_mut().find(|(t, _)| *t == at) {
                Some((_, ps)) => ps.push((p, breach)),
                None => warnings.push((at, vec![(p, breach)])),
            }
        }
        warnings.sort_by_key(|(t, _)| *t);
        for (at, ps) in &warnings {
            self.warning(*at, ps);
        }
        // The public notices essential and vital processes first.
        if let Some(&(t, _)) = facts.stops.iter().find(|&&(t, p)| {
            self.inside(t) && plan.process(p).criticality >= Criticality::Essential
        }) {
            if self.inside(t + 2 * HOUR) {
                self.press(t + 2 * HOUR);
            }
            if self.inside(t + 5 * HOUR) {
                self.social(t + 5 * HOUR);
            }
        }
        prelude
    }

    /// The objectives, and a contingency inject for each deadline.
    pub(super) fn objectives(&self, alert: u64) -> (Vec<DraftObjective>, Vec<Pending>) {
        // Objectives, each with its contingency when it has a deadline.
        let mut objectives = Vec::new();
        let mut contingencies = Vec::new();
        objectives.push(DraftObjective {
            id: "cellule".into(),
            text: "Activer la cellule de crise dans l'heure qui suit la première alerte".into(),
            evaluation: "L'observateur relève l'heure de convocation de la cellule, sa composition \
                         (DGS, DSI, RSSI, communication, élus) et l'ouverture d'une main courante dès \
                         la première réunion."
                .into(),
            expects: Some((crisis(), alert + HOUR)),
        });
        contingencies.push(self.late_crisis(alert + HOUR));
        if let Some((t, encrypted)) = self.attack {
            let by = t + 2 * HOUR;
            let kept = if encrypted {
                "chiffrées"
            } else {
                "compromises"
            };
            objectives.push(DraftObjective {
                id: "isoler".into(),
                text: "Décider de l'isolement du système d'information dans les deux heures qui \
                       suivent la découverte de l'attaque"
                    .into(),
                evaluation: format!(
                    "L'observateur relève l'heure de la décision d'isolement, son périmètre (accès \
                     Internet, VPN, zones de serveurs) et qui l'a prise ; il vérifie que les preuves \
                     sont préservées (machines {kept} laissées allumées, journaux conservés)."
                ),
                expects: Some((isolate(None), by)),
            });
            contingencies.push(self.late_isolation(by, encrypted));
        }
        if let Some(r) = self.restore {
            let process = self.plan.process(r.process);
            let service = r.service.map(|s| self.plan.service(s));
            let evaluation = match service {
                Some(s) => format!(
                    "L'observateur relève l'heure de la décision de reprise de « {} », vérifie \
                     qu'elle suit les dépendances du plan et note les arbitrages faits au détriment \
                     d'autres processus ; la simulation dit si « {} » revient avant sa DMIA.",
                    s.name, process.name
                ),
                None => format!(
                    "L'observateur relève les décisions de reprise prises pour « {} », vérifie \
                     qu'elles suivent les dépendances du plan et note les arbitrages faits au \
                     détriment d'autres processus.",
                    process.name
                ),
            };
            objectives.push(DraftObjective {
                id: "reprise".into(),
                text: format!(
                    "Rétablir « {} » avant sa DMIA ({})",
                    process.name,
                    fr_duration(process.mtpd.as_secs())
                ),
                evaluation,
                expects: service.map(|s| (restore_expected(&s.id), r.by)),
            });
            if let Some(s) = r.service {
                contingencies.push(self.late_restore(r, s));
            }
        }
        if let Some(d) = self.degrade {
            let process = self.plan.process(d.process);
            let name = process.workaround.as_ref().map_or("", |w| w.name.as_str());
            objectives.push(DraftObjective {
                id: "continuite".into(),
                text: format!(
                    "Activer le mode dégradé de « {} » sans attendre le retour du système \
                     d'information",
                    process.name
                ),
                evaluation: format!(
                    "L'observateur relève l'heure d'activation du mode dégradé prévu au plan \
                     ({name}) et la façon dont les agents et les usagers en sont informés."
                ),
                expects: Some((workaround_expected(&process.id), d.by)),
            });
            contingencies.push(self.late_workaround(d));
        }
        objectives.push(DraftObjective {
            id: "communication".into(),
            text: "Informer la population, les agents et les élus de façon coordonnée".into(),
            evaluation: "L'observateur évalue le délai du premier communiqué (faits établis \
                         seulement, pas de date de retour non étayée), l'existence d'un porte-parole \
                         unique, la prise en compte des réseaux sociaux et l'information des agents \
                         par un canal qui ne dépend pas du système d'information."
                .into(),
            expects: None,
        });
        if objectives.len() < 3 {
            objectives.push(DraftObjective {
                id: "priorites".into(),
                text: "Fixer un ordre de reprise fondé sur les DMIA du plan".into(),
                evaluation: "L'observateur compare l'ordre retenu par la cellule à celui que calcule \
                             `reprise recover --scenario` et relève les arbitrages explicites entre \
                             directions."
                    .into(),
                expects: None,
            });
        }
        (objectives, contingencies)
    }

    /// The objective an inject about the workaround serves, if the draft
    /// has it.
    fn continuity(&self) -> Option<&'static str> {
        self.degrade.map(|_| "continuite")
    }

    fn recovery(&self) -> Option<&'static str> {
        self.restore.map(|_| "reprise")
    }

    /// The sender speaking for a process: its owner's service, else the
    /// reception of its entity.
    fn owner(&self, p: ProcessId) -> String {
        let process = self.plan.process(p);
        process
            .owner
            .as_deref()
            .map(sender)
            .filter(|o| !o.is_empty())
            .map_or_else(|| self.reception(p), str::to_string)
    }

    fn reception(&self, p: ProcessId) -> String {
        let entity = &self.plan.entities[self.plan.process(p).entity.index()].name;
        format!("Accueil des usagers ({entity})")
    }

    fn note(&mut self, at: u64, action: &scenario::Action, note: &str) {
        let (to, channel, from): (&'static [&'static str], _, &str) = match action {
            scenario::Action::Note => (
                &[DGS, DSI],
                Channel::Meeting,
                "Cellule d'animation (point de situation)",
            ),
            scenario::Action::Isolate { .. } => (
                &[DSI, RSSI],
                Channel::Phone,
                "Responsable réseau et télécoms",
            ),
            scenario::Action::Power { .. } => (
                &[DGS, DSI],
                Channel::Phone,
                "Responsable technique des bâtiments",
            ),
            scenario::Action::Staff { .. } => (&[DSI], Channel::Phone, "Encadrement de la DSI"),
            scenario::Action::Outage { .. } | scenario::Action::Destroy { .. } => {
                (&[DSI], Channel::Phone, "Astreinte d'exploitation de la DSI")
            }
        };
        let m = Message {
            to,
            channel,
            from: from.into(),
            text: note.into(),
        };
        self.push(at, 0, m, Vec::new(), None);
    }

    fn discovery(&mut self, at: u64, encrypted: bool, notes: &[String]) {
        let plan = self.plan;
        let attack = self.scenario.attack.as_ref();
        let entry_zone = attack
            .and_then(|a| a.entry.first())
            .and_then(|&s| plan.service(s).zone)
            .map(|z| &plan.zones[z.index()]);
        let mut text = String::new();
        let from = if encrypted {
            text.push_str(
                "Les appels d'agents se multiplient : sur les postes, les fichiers portent une \
                 extension inconnue et une note de rançon s'ouvre au démarrage ; les lecteurs \
                 réseau ne répondent plus. Les techniciens soupçonnent une attaque par \
                 rançongiciel.",
            );
            "Centre de services de la DSI"
        } else {
            let since = attack.map_or(0, |a| at.saturating_sub(a.at.as_secs()));
            let _ = write!(
                text,
                "Le SOC signale une attaque en cours : un attaquant est présent dans le système \
                 d'information depuis {}",
                fr_duration(since)
            );
            if let Some(t) = attack.and_then(|a| a.technique.as_ref()) {
                let _ = write!(text, " (technique {t})");
            }
            let compromised = &self.facts.compromised;
            if compromised.is_empty() {
                text.push('.');
            } else {
                let _ = write!(
                    text,
                    " ; {} compromis : {}.",
                    count(compromised.len(), "service est", "services sont"),
                    names(compromised.iter().map(|&s| plan.service(s).name.as_str()))
                );
            }
            text.push_str(" Rien n'est encore chiffré.");
            "Prestataire de détection (SOC)"
        };
        for n in notes {
            text.push(' ');
            text.push_str(n);
        }
        let what = if encrypted {
            "une attaque par rançongiciel"
        } else {
            "une intrusion"
        };
        let kept = if encrypted {
            "chiffrées"
        } else {
            "compromises"
        };
        let isolation = match entry_zone {
            Some(z) => act(
                &format!(
                    "Isoler la zone « {} » par laquelle l'attaquant est entré",
                    z.name.as_deref().unwrap_or(&z.id)
                ),
                isolate(Some(&z.id)),
            ),
            None => act(
                "Isoler les serveurs et couper les accès Internet et VPN",
                isolate(None),
            ),
        };
        let expects = vec![
            say(&format!(
                "Qualifier l'incident comme {what} et alerter la direction générale"
            )),
            isolation,
            say(&format!(
                "Préserver les preuves : ne pas éteindre les machines {kept}, conserver les \
                 journaux"
            )),
        ];
        let m = Message {
            to: &[DSI, RSSI],
            channel: Channel::Phone,
            from: from.into(),
            text,
        };
        self.push(at, 1, m, expects, Some("isoler"));
    }

    fn first_down(&mut self, at: u64, services: &[ServiceId], notes: &[String]) {
        let plan = self.plan;
        let mut text = String::new();
        for n in notes {
            text.push_str(n);
            text.push(' ');
        }
        let _ = write!(
            text,
            "Les alertes s'enchaînent : {} ne {} plus. Le centre de services reçoit les \
             premiers appels d'agents.",
            names(services.iter().map(|&s| plan.service(s).name.as_str())),
            if services.len() == 1 {
                "répond"
            } else {
                "répondent"
            }
        );
        let expects = vec![
            say("Qualifier l'incident, en mesurer l'étendue et prévenir la direction générale"),
            act("Activer la cellule de crise", crisis()),
        ];
        let m = Message {
            to: &[DSI],
            channel: Channel::Phone,
            from: "Astreinte d'exploitation de la DSI".into(),
            text,
        };
        self.push(at, 2, m, expects, Some("cellule"));
    }

    fn stopping(&mut self, at: u64, processes: &[ProcessId]) {
        let plan = self.plan;
        let mut sorted = processes.to_vec();
        sorted.sort_by_key(|&p| (Reverse(plan.process(p).criticality), p));
        let (from, text) = if let [p] = sorted.as_slice() {
            let process = plan.process(*p);
            let down = blocking(plan, self.facts, *p, at);
            let mut text = format!("« {} » est à l'arrêt", process.name);
            if down.is_empty() {
                text.push('.');
            } else {
                let _ = write!(
                    text,
                    " : {} ne {} plus.",
                    names(down.iter().map(|&s| plan.service(s).name.as_str())),
                    if down.len() == 1 {
                        "répond"
                    } else {
                        "répondent"
                    }
                );
            }
            if let Some(w) = &process.workaround {
                let _ = write!(
                    text,
                    " Le plan prévoit un mode dégradé : {} (mise en place en {}).",
                    w.name,
                    fr_duration(w.activation.as_secs())
                );
            }
            text.push_str(" Les agents demandent des consignes.");
            (self.owner(*p), text)
        } else {
            let listed = names(sorted.iter().map(|&p| {
                let process = plan.process(p);
                format!("{} ({})", process.name, process.criticality.label(Lang::Fr))
            }));
            let text = format!(
                "Plusieurs directions appellent : {} à l'arrêt : {listed}. Les agents ne \
                 peuvent plus servir les usagers et demandent des consignes.",
                count(sorted.len(), "activité est", "activités sont")
            );
            (self.reception(sorted[0]), text)
        };
        let mut expects: Vec<DraftAction> = sorted
            .iter()
            .filter_map(|&p| {
                let process = plan.process(p);
                let w = process.workaround.as_ref()?;
                Some(act(
                    &format!(
                        "Activer le mode dégradé de « {} » : {}",
                        process.name, w.name
                    ),
                    workaround_expected(&process.id),
                ))
            })
            .take(3)
            .collect();
        expects.push(say(
            "Informer les agents des guichets et les usagers de ce qui reste possible",
        ));
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from,
            text,
        };
        let objective = self.continuity();
        self.push(at, 3, m, expects, objective);
    }

    fn losses(&mut self, at: u64, run: &Run) {
        let plan = self.plan;
        let backups: Vec<&str> = self
            .facts
            .destroyed
            .iter()
            .map(|&s| plan.service(s))
            .filter(|s| s.kind == ServiceKind::Backup)
            .map(|s| s.name.as_str())
            .collect();
        let none: Vec<&str> = run
            .data
            .iter()
            .filter(|d| d.loss.is_none())
            .map(|d| plan.service(d.service).name.as_str())
            .collect();
        let partial: Vec<u64> = run
            .data
            .iter()
            .filter_map(|d| d.loss.filter(|&l| l > 0))
            .collect();
        let beyond: Vec<&str> = run
            .processes
            .iter()
            .filter(|r| {
                plan.process(r.process)
                    .rpo
                    .is_some_and(|rpo| r.data_loss.is_none_or(|l| l > rpo.as_secs()))
            })
            .map(|r| plan.process(r.process).name.as_str())
            .collect();
        let mut text = String::from(if self.attack.is_some() {
            "Premier bilan des sauvegardes après l'attaque."
        } else {
            "Premier bilan des sauvegardes."
        });
        if !backups.is_empty() {
            let _ = write!(
                text,
                " {} {} hors service.",
                names(backups.iter().copied()),
                if backups.len() == 1 { "est" } else { "sont" },
            );
        }
        if !none.is_empty() {
            let _ = write!(
                text,
                " Aucune copie utilisable ne subsiste pour {}.",
                names(none.iter().copied())
            );
        }
        if let (Some(&least), Some(&most)) = (partial.iter().min(), partial.iter().max()) {
            let age = if least == most {
                fr_duration(least)
            } else {
                format!("{} à {}", fr_duration(least), fr_duration(most))
            };
            let _ = write!(
                text,
                " Pour {}, il faudra repartir d'une copie vieille de {age}.",
                match (none.is_empty(), partial.len()) {
                    (true, 1) => "1 service de données".to_string(),
                    (true, n) => format!("{n} services de données"),
                    (false, 1) => "1 autre service de données".to_string(),
                    (false, n) => format!("{n} autres services de données"),
                },
            );
        }
        if !beyond.is_empty() {
            let _ = write!(
                text,
                " Les données perdues dépassent la PDMA de {}.",
                names(beyond.iter().copied())
            );
        }
        let expects = vec![
            say(
                "Faire vérifier l'intégrité des copies restantes (immuables, hors ligne) avant \
                 toute restauration",
            ),
            say("Prévenir les directions concernées des données à ressaisir"),
        ];
        let to: &'static [&'static str] = if self.attack.is_some() {
            &[DSI, RSSI]
        } else {
            &[DSI, DGS]
        };
        let m = Message {
            to,
            channel: Channel::Phone,
            from: "Responsable de la sauvegarde".into(),
            text,
        };
        let objective = self.recovery();
        self.push(at, 4, m, expects, objective);
    }

    fn staff(&mut self, at: u64, team: TeamId, people: u32, notes: &[&str]) {
        let t = self.plan.team(team);
        let mut text = String::new();
        for n in notes {
            text.push_str(n);
            text.push(' ');
        }
        let usual = t.capacity;
        let expects;
        if people < usual {
            let _ = write!(
                text,
                "« {} » ne compte plus que {} disponible{} au lieu de {usual} : les \
                 travaux de reprise vont ralentir.",
                t.name,
                count(people as usize, "personne", "personnes"),
                if people > 1 { "s" } else { "" }
            );
            expects = vec![act(
                "Revoir les priorités de reprise ou obtenir un renfort (infogérance, prestataire)",
                Expected {
                    action: Verb::Staff,
                    target: Some(t.id.clone()),
                    level: None,
                },
            )];
        } else if people > usual {
            let _ = write!(
                text,
                "« {} » compte désormais {} ({usual} habituellement).",
                t.name,
                count(people as usize, "personne", "personnes"),
            );
            expects = vec![say("Affecter les renforts aux reprises prioritaires")];
        } else {
            let _ = write!(
                text,
                "« {} » retrouve son effectif habituel ({}).",
                t.name,
                count(people as usize, "personne", "personnes"),
            );
            expects = Vec::new();
        }
        let m = Message {
            to: &[DSI],
            channel: Channel::Phone,
            from: format!("Encadrement — {}", t.name),
            text,
        };
        self.push(at, 5, m, expects, None);
    }

    /// Processes a quarter of their DMIA before breaching it (`breach`).
    fn warning(&mut self, at: u64, processes: &[(ProcessId, u64)]) {
        let plan = self.plan;
        let mut sorted = processes.to_vec();
        sorted.sort_by_key(|&(p, _)| (Reverse(plan.process(p).criticality), p));
        let (p, breach) = sorted[0];
        let process = plan.process(p);
        let (from, text) = if sorted.len() == 1 {
            let since = self
                .facts
                .stops
                .iter()
                .filter(|&&(t, q)| q == p && t <= at)
                .map(|&(t, _)| t)
                .next_back()
                .map_or(0, |t| at - t);
            let mut text = format!(
                "« {} » est perturbé depuis {} : sa DMIA de {} sera dépassée dans {}",
                process.name,
                fr_duration(since),
                fr_duration(process.mtpd.as_secs()),
                fr_duration(breach - at),
            );
            if let Some(w) = &process.workaround {
                let _ = write!(
                    text,
                    " ; le mode dégradé ({}) ne tient pas plus de {}",
                    w.name,
                    fr_duration(w.max_duration.as_secs())
                );
            }
            text.push_str(
                ". La direction demande quand le service reviendra et ce qui est prévu d'ici là.",
            );
            (self.owner(p), text)
        } else {
            let listed =
                names(sorted.iter().map(|&(q, b)| {
                    format!("{} (dans {})", plan.process(q).name, fr_duration(b - at))
                }));
            (
                "Responsable du plan de continuité d'activité".to_string(),
                format!(
                    "{} approchent de leur DMIA : {listed}. Les directions concernées demandent \
                     un arbitrage.",
                    count(sorted.len(), "processus", "processus")
                ),
            )
        };
        let mut expects = Vec::new();
        if let Some(&s) = blocking(plan, self.facts, p, at).first() {
            let service = plan.service(s);
            expects.push(act(
                &format!("Décider la reprise prioritaire de « {} »", service.name),
                restore_expected(&service.id),
            ));
        }
        expects.push(say(
            "Prolonger ou renforcer le mode dégradé, et prévenir les usagers du délai",
        ));
        let m = Message {
            to: &[DGS, DSI],
            channel: Channel::Mail,
            from,
            text,
        };
        let objective = self.recovery();
        self.push(at, 6, m, expects, objective);
    }

    /// The processes the public notices first: the essential and vital ones
    /// stopped when the first of them stops (else those of the first stop),
    /// most critical first.
    fn visible(&self) -> Vec<&str> {
        let plan = self.plan;
        let stops = &self.facts.stops;
        let important = |p: ProcessId| plan.process(p).criticality >= Criticality::Essential;
        let (t, only_important) = match stops.iter().find(|&&(_, p)| important(p)) {
            Some(&(t, _)) => (t, true),
            None => match stops.first() {
                Some(&(t, _)) => (t, false),
                None => return Vec::new(),
            },
        };
        let mut at_first: Vec<ProcessId> = stops
            .iter()
            .filter(|&&(s, p)| s == t && (important(p) || !only_important))
            .map(|&(_, p)| p)
            .collect();
        at_first.sort_by_key(|&p| (Reverse(plan.process(p).criticality), p));
        at_first
            .into_iter()
            .map(|p| plan.process(p).name.as_str())
            .collect()
    }

    fn press(&mut self, at: u64) {
        let visible = self.visible();
        let mut text = format!(
            "Bonjour, des habitants nous signalent que {} ne {} plus.",
            names(visible.iter().take(2).copied()),
            if visible.len() == 1 {
                "fonctionne"
            } else {
                "fonctionnent"
            }
        );
        if let Some((_, encrypted)) = self.attack {
            text.push_str(
                " On parle d'une cyberattaque : des données d'habitants ont-elles été volées ?",
            );
            if encrypted {
                text.push_str(" Allez-vous payer une rançon ?");
            }
        } else {
            text.push_str(" Que se passe-t-il ?");
        }
        text.push_str(" Quand tout sera-t-il rétabli ? Nous publions en ligne dans une heure.");
        let expects = vec![
            say("Diffuser un premier communiqué validé, limité aux faits établis"),
            say("Désigner un porte-parole unique et orienter vers lui toutes les demandes"),
        ];
        let m = Message {
            to: &[COM, ELUS],
            channel: Channel::Press,
            from: "Journaliste de la presse quotidienne régionale".into(),
            text,
        };
        self.push(at, 7, m, expects, Some("communication"));
    }

    fn social(&mut self, at: u64) {
        let visible = self.visible();
        let what = visible.first().copied().unwrap_or("la mairie");
        let text = format!(
            "« {what} : rien ne fonctionne depuis des heures et personne ne répond au \
             téléphone. Que se passe-t-il ? » — publication d'un habitant partagée plusieurs \
             centaines de fois, reprise par un élu d'opposition."
        );
        let expects = vec![
            say("Publier les démarches possibles en mode dégradé et un numéro joignable"),
            say("Informer les agents par un canal qui ne dépend pas de la messagerie"),
        ];
        let m = Message {
            to: &[COM, ELUS],
            channel: Channel::Social,
            from: "Compte d'un collectif d'habitants sur les réseaux sociaux".into(),
            text,
        };
        self.push(at, 8, m, expects, Some("communication"));
    }

    fn late_crisis(&self, by: u64) -> Pending {
        let situation = if self.attack.is_some() {
            "le système d'information est victime d'une cyberattaque".to_string()
        } else {
            match self.facts.stops.len() {
                0 => "l'informatique est en panne".to_string(),
                _ => format!(
                    "des services aux usagers sont à l'arrêt ({})",
                    names(self.visible().into_iter().take(2))
                ),
            }
        };
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from: "Cabinet du maire".into(),
            text: format!(
                "Le maire apprend par un agent que {situation}. Il demande pourquoi il n'a pas \
                 été prévenu et exige un point immédiat avec la direction générale."
            ),
        };
        self.contingency(
            crisis(),
            by,
            m,
            "Activer la cellule de crise et informer l'exécutif",
            "cellule",
        )
    }

    fn late_isolation(&self, by: u64, encrypted: bool) -> Pending {
        let more = if encrypted {
            "de nouveaux serveurs sont en cours de chiffrement"
        } else {
            "l'attaquant continue de progresser"
        };
        let m = Message {
            to: &[DSI, RSSI],
            channel: Channel::Phone,
            from: "Responsable réseau et télécoms".into(),
            text: format!(
                "Les pare-feu montrent des connexions sortantes continues vers une adresse à \
                 l'étranger : la copie de données se poursuit et {more}. Aucune décision \
                 d'isolement n'a été prise."
            ),
        };
        self.contingency(
            isolate(None),
            by,
            m,
            "Couper l'accès Internet et isoler les zones touchées",
            "isoler",
        )
    }

    fn late_restore(&self, r: Restore, s: ServiceId) -> Pending {
        let process = self.plan.process(r.process);
        let service = self.plan.service(s);
        let m = Message {
            to: &[DGS, DSI],
            channel: Channel::Phone,
            from: self.owner(r.process),
            text: format!(
                "« {} » est à l'arrêt depuis {} et personne n'a décidé de rétablir « {} ». Sa \
                 DMIA ({}) sera atteinte dans {}. La direction demande un arbitrage immédiat de \
                 la cellule de crise.",
                process.name,
                fr_duration(r.by - r.stop),
                service.name,
                fr_duration(process.mtpd.as_secs()),
                fr_duration((r.stop + process.mtpd.as_secs()).saturating_sub(r.by)),
            ),
        };
        self.contingency(
            restore_expected(&service.id),
            r.by,
            m,
            &format!("Décider la reprise prioritaire de « {} »", service.name),
            "reprise",
        )
    }

    fn late_workaround(&self, d: Degrade) -> Pending {
        let process = self.plan.process(d.process);
        let name = process.workaround.as_ref().map_or("", |w| w.name.as_str());
        let m = Message {
            to: &[DGS],
            channel: Channel::Phone,
            from: self.reception(d.process),
            text: format!(
                "Les usagers attendent depuis {} ; faute de consigne, les agents ne peuvent \
                 rien faire pour « {} ». Le mode dégradé prévu au plan ({name}) n'a toujours pas \
                 été activé.",
                fr_duration(d.by - d.stop),
                process.name
            ),
        };
        self.contingency(
            workaround_expected(&process.id),
            d.by,
            m,
            &format!("Activer le mode dégradé de « {} »", process.name),
            "continuite",
        )
    }
}

pub(super) fn roles() -> Vec<DraftRole> {
    let role = |id: &str, name: &str, kind| DraftRole {
        id: id.into(),
        name: name.into(),
        kind,
    };
    vec![
        role(
            DGS,
            "Directeur général des services (pilote de la cellule de crise)",
            RoleKind::Player,
        ),
        role(
            DSI,
            "Directeur des systèmes d'information",
            RoleKind::Player,
        ),
        role(
            RSSI,
            "Responsable de la sécurité des systèmes d'information",
            RoleKind::Player,
        ),
        role(COM, "Directeur de la communication", RoleKind::Player),
        role(ELUS, "Maire et élus d'astreinte", RoleKind::Player),
        role(
            "animation",
            "Cellule d'animation (joue les interlocuteurs extérieurs)",
            RoleKind::Facilitator,
        ),
        role(
            "observateur",
            "Observateurs (évaluent les objectifs)",
            RoleKind::Observer,
        ),
    ]
}

pub(super) fn description(
    plan: &Plan,
    scenario: &Scenario,
    run: &Run,
    prelude: &[(u64, String)],
    start: u64,
    end: u64,
    seed: u64,
) -> String {
    let mut out = format!(
        "Brouillon tiré d'une simulation du scénario « {} » (graine {seed}), à relire et \
         compléter par la cellule d'animation : textes des stimuli, destinataires, objectifs, \
         hors-périmètre.",
        scenario.name
    );
    if let Some(d) = &scenario.description {
        out.push(' ');
        out.push_str(d.trim());
    }
    for (i, (t, note)) in prelude.iter().enumerate() {
        let when = if i == 0 {
            "Avant l'ouverture de l'exercice, à"
        } else {
            "À"
        };
        let _ = write!(out, " {when} {} : {note}", clock(*t));
        if !note.ends_with(['.', '!', '?', '…']) {
            out.push('.');
        }
    }
    let stopped = run.processes.iter().filter(|r| r.stopped()).count();
    let breached = run.processes.iter().filter(|r| r.breach).count();
    let _ = write!(
        out,
        " Dans la simulation, {stopped} processus sur {} {} et {}.",
        plan.processes.len(),
        if stopped > 1 {
            "s'arrêtent"
        } else {
            "s'arrête"
        },
        match breached {
            0 => "aucun ne dépasse sa DMIA".to_string(),
            1 => "1 dépasse sa DMIA".to_string(),
            n => format!("{n} dépassent leur DMIA"),
        }
    );
    let _ = write!(
        out,
        " L'exercice s'ouvre à {}{} et couvre {}.",
        clock(start),
        scenario
            .date(start)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default(),
        fr_duration(end - start)
    );
    out
}

fn crisis() -> Expected {
    Expected {
        action: Verb::Crisis,
        target: None,
        level: Some(2),
    }
}

fn isolate(zone: Option<&str>) -> Expected {
    Expected {
        action: Verb::Isolate,
        target: zone.map(|z| format!("zone:{z}")),
        level: None,
    }
}

fn restore_expected(service: &str) -> Expected {
    Expected {
        action: Verb::Restore,
        target: Some(service.into()),
        level: None,
    }
}

fn workaround_expected(process: &str) -> Expected {
    Expected {
        action: Verb::Workaround,
        target: Some(process.into()),
        level: None,
    }
}

fn act(text: &str, decision: Expected) -> DraftAction {
    DraftAction {
        text: text.into(),
        decision: Some(decision),
    }
}

fn say(text: &str) -> DraftAction {
    DraftAction {
        text: text.into(),
        decision: None,
    }
}

/// The name part of an owner such as "Direction de la population, 02 61 …".
fn sender(owner: &str) -> &str {
    owner.split(',').next().unwrap_or("").trim()
}

/// French list of names in guillemets, the first [`LISTED`] of them:
/// « a », « b » et 3 autres.
fn names<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let all: Vec<String> = items
        .into_iter()
        .map(|s| format!("« {} »", s.as_ref()))
        .collect();
    let shown = all.len().min(LISTED);
    let rest = all.len() - shown;
    let mut out = String::new();
    for (i, s) in all[..shown].iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == shown && rest == 0 {
                " et "
            } else {
                ", "
            });
        }
        out.push_str(s);
    }
    if rest > 0 {
        let _ = write!(
            out,
            " et {rest} {}",
            if rest == 1 { "autre" } else { "autres" }
        );
    }
    out
}

/// "1 personne", "3 personnes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration as French speakers say it: "45 min", "4 h", "4 h 30", "3 jours".
fn fr_duration(secs: u64) -> String {
    let days = secs / 86_400;
    let hours = secs / HOUR;
    let minutes = (secs % HOUR) / MINUTE;
    if secs < HOUR {
        format!("{} min", secs.div_ceil(MINUTE).max(1))
    } else if secs.is_multiple_of(86_400) && days >= 3 {
        format!("{days} jours")
    } else if minutes == 0 {
        format!("{hours} h")
    } else {
        format!("{hours} h {minutes:02}")
    }
}

/// A scenario time as the facilitators read it: T0, T+5j, T+1j6h30.
fn clock(t: u64) -> String {
    if t == 0 {
        return "T0".into();
    }
    if t < HOUR {
        return format!("T+{}min", t / MINUTE);
    }
    let mut out = String::from("T+");
    let (d, h, m) = (t / 86_400, (t % 86_400) / HOUR, (t % HOUR) / MINUTE);
    if d > 0 {
        let _ = write!(out, "{d}j");
    }
    if h > 0 || d == 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m:02}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_lists_and_durations() {
        assert_eq!(names(["a"]), "« a »");
        assert_eq!(names(["a", "b"]), "« a » et « b »");
        assert_eq!(names(["a", "b", "c"]), "« a », « b » et « c »");
        assert_eq!(
            names(["a", "b", "c", "d", "e", "f", "g"]),
            "« a », « b », « c », « d », « e » et 2 autres"
        );
        assert_eq!(
            names(["a", "b", "c", "d", "e", "f"]),
            "« a », « b », « c », « d », « e » et 1 autre"
        );
        assert_eq!(fr_duration(0), "1 min");
        assert_eq!(fr_duration(45 * MINUTE), "45 min");
        assert_eq!(fr_duration(4 * HOUR), "4 h");
        assert_eq!(fr_duration(4 * HOUR + 30 * MINUTE), "4 h 30");
        assert_eq!(fr_duration(48 * HOUR), "48 h");
        assert_eq!(fr_duration(5 * 86_400), "5 jours");
        assert_eq!(clock(0), "T0");
        assert_eq!(clock(5 * 86_400), "T+5j");
        assert_eq!(clock(86_400 + 6 * HOUR + 30 * MINUTE), "T+1j6h30");
        assert_eq!(clock(45 * MINUTE), "T+45min");
        assert_eq!(
            sender("Direction de la population, 02 61 91 20 10"),
            "Direction de la population"
        );
    }
}

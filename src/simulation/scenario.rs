//! Playing a scenario: the engine set up with it ([`Engine::for_scenario`]),
//! and what the recovery must deal with when everything is known in
//! advance ([`foresight`], `recover --scenario`). The scenario stays data;
//! these adapters live here, beside the attack's unfolding they need.

use super::attack::{Outcome, unfold};
use super::{Engine, Intervention, Lead};
use crate::graph::DependencyGraph;
use crate::model::{Fates, Plan, SimDuration};
use crate::recovery::{Damage, Situation, Spell, opens, shutdown_at};
use crate::scenario::{Action, Scenario};

impl<'p> Engine<'p> {
    /// An engine set up with the scenario: each line on the agenda, the
    /// attack (drawn from `options.seed`) hidden in it.
    pub fn for_scenario(
        scenario: &Scenario,
        plan: &'p Plan,
        graph: &'p DependencyGraph,
        lead: Lead,
        options: crate::recovery::Options,
    ) -> Engine<'p> {
        let mut engine = Engine::new(plan, graph, lead, options);
        for e in &scenario.events {
            let at = e.at.as_secs();
            if let Some(note) = &e.note {
                engine.schedule(at, Intervention::Note(note.clone()));
            }
            let until = |d: &Option<SimDuration>| d.map(|d| at + d.as_secs());
            match &e.action {
                Action::Outage { services, lasts } => engine.schedule(
                    at,
                    Intervention::Outage {
                        services: services.clone(),
                        until: until(lasts),
                    },
                ),
                Action::Destroy { services } => engine.schedule(
                    at,
                    Intervention::Destroy {
                        services: services.clone(),
                    },
                ),
                Action::Staff {
                    team,
                    capacity,
                    lasts,
                } => engine.schedule(
                    at,
                    Intervention::Staff {
                        team: *team,
                        capacity: *capacity,
                        until: until(lasts),
                    },
                ),
                Action::Power { services, lasts } => engine.schedule(
                    at,
                    Intervention::Power {
                        services: services.clone(),
                        until: Some(at + lasts.as_secs()),
                    },
                ),
                Action::Isolate { zones, lasts } => {
                    for &zone in zones {
                        engine.schedule(
                            at,
                            Intervention::Isolate {
                                zone,
                                until: until(lasts),
                            },
                        );
                    }
                }
                Action::Note => {}
            }
        }
        if let Some(a) = &scenario.attack {
            engine.set_attack(a.clone(), options.seed);
        }
        engine
    }
}

/// What the recovery must deal with, known in advance (`recover
/// --scenario`: perfect foresight): every service the scenario damages
/// and from when (the attack unfolded with the scenario's isolations,
/// its draws from `seed`), what is out for a while and until when, the
/// copy each rebuild starts from, and the teams' capacity over time.
pub fn foresight(scenario: &Scenario, plan: &Plan, seed: u64) -> (Situation, Option<Outcome>) {
    let n = plan.services.len();
    let mut situation = Situation::calm(plan);
    let mut fates = Fates::new(n);
    // What the attacker holds at the end must be rebuilt: it cannot be
    // trusted, and on encryption its data is gone.
    let outcome = scenario
        .attack
        .as_ref()
        .map(|a| unfold(plan, a, &scenario.cuts(), seed));
    if let Some(o) = &outcome {
        for i in 0..n {
            if let Some(at) = o.compromised[i] {
                situation.damage[i] = Some(Damage::Destroyed);
                // Found at the attack's end, worked on once the
                // investigation is over.
                situation.release[i] = o.cleared;
                fates.encrypted[i] = o.encrypted;
                fates.held[i] = o.end.saturating_sub(at);
            }
            fates.exposed[i] = o.encrypted && o.reachable[i];
        }
    }
    // When each service is first hit by an outage, a destruction, a
    // power cut once its reserves are spent, or the attacker (found at
    // the attack's end): as the engine's `hit`.
    let mut first_hit = vec![u64::MAX; n];
    if let Some(o) = &outcome {
        for (hit, c) in first_hit.iter_mut().zip(&o.compromised) {
            if c.is_some() {
                *hit = o.end;
            }
        }
    }
    for e in &scenario.events {
        let at = e.at.as_secs();
        let spell = |from: u64, until: u64| Spell { from, until };
        match &e.action {
            // Power cuts, after the reserves of those that have some.
            Action::Power { services, lasts } => {
                let end = at + lasts.as_secs();
                for s in services {
                    let from = at + plan.service(*s).autonomy.map_or(0, |a| a.as_secs());
                    if from < end {
                        situation.spells[s.index()].push(spell(from, end));
                        first_hit[s.index()] = first_hit[s.index()].min(from);
                        if let Some(t) = shutdown_at(plan, *s, at, Some(end)) {
                            situation.shutdowns.push((t, *s));
                        }
                    }
                }
            }
            // An isolation for good is left to whoever reconnects.
            Action::Isolate {
                zones,
                lasts: Some(d),
            } => {
                for &z in zones {
                    situation.isolations.push((z, spell(at, at + d.as_secs())));
                }
            }
            Action::Outage {
                services,
                lasts: Some(d),
            } => {
                for s in services {
                    situation.spells[s.index()].push(spell(at, at + d.as_secs()));
                    first_hit[s.index()] = first_hit[s.index()].min(at);
                }
            }
            Action::Outage {
                services,
                lasts: None,
            } => {
                for s in services {
                    let i = s.index();
                    first_hit[i] = first_hit[i].min(at);
                    if situation.damage[i].is_none() {
                        situation.damage[i] = Some(Damage::Failed);
                        situation.release[i] = at;
                    }
                }
            }
            Action::Destroy { services } => {
                for s in services {
                    let i = s.index();
                    first_hit[i] = first_hit[i].min(at);
                    // The worst damage wins; work can start from its time.
                    if situation.damage[i] != Some(Damage::Destroyed) {
                        situation.release[i] = if situation.damage[i].is_some() {
                            situation.release[i].max(at)
                        } else {
                            at
                        };
                        situation.damage[i] = Some(Damage::Destroyed);
                    }
                    fates.destroyed[i] = true;
                }
            }
            _ => {}
        }
    }
    // A service hit before its worst damage (an outage, then the
    // attacker's compromise found at the attack's end) is out from its
    // first hit.
    for (i, &from) in first_hit.iter().enumerate() {
        if situation.damage[i].is_some() && from < situation.release[i] {
            situation.spells[i].push(Spell {
                from,
                until: situation.release[i],
            });
        }
    }
    situation.restore = fates.restores(plan);
    situation.relocate_from = fates.relocations(plan);
    situation.rejoin = crate::model::copies::rejoins(plan, |s| fates.held[s.index()] > 0);
    situation.opens = opens(plan, |i| (first_hit[i] != u64::MAX).then_some(first_hit[i]));
    let mut capacity = Vec::with_capacity(plan.teams.len());
    for (t, team) in plan.teams.iter().enumerate() {
        // Changes in time order, the last one holding; a change with a
        // duration reverts to full strength after it (the team's
        // sustained capacity once its surge is over). The change to the
        // sustained capacity does not happen while a staff change holds:
        // the scenario says who works then. As the engine.
        let mut changes: Vec<(u64, u32)> = vec![(0, team.capacity)];
        let mut holds_at_rota = false;
        for e in &scenario.events {
            if let Action::Staff {
                team: id,
                capacity: c,
                lasts,
            } = &e.action
                && id.index() == t
            {
                let (at, until) = (e.at.as_secs(), lasts.map(|d| e.at.as_secs() + d.as_secs()));
                changes.push((at, *c));
                if let Some(u) = until {
                    changes.push((u, team.usual(u)));
                }
                if let Some(x) = team.sustained {
                    let rota = x.after.as_secs();
                    holds_at_rota |= at <= rota && until.is_none_or(|u| rota < u);
                }
            }
        }
        if let Some(x) = team.sustained.filter(|_| !holds_at_rota) {
            changes.insert(1, (x.after.as_secs(), x.capacity));
        }
        changes.sort_by_key(|c| c.0);
        let mut steps: Vec<(u64, u32)> = Vec::new();
        for (at, c) in changes {
            match steps.last_mut() {
                Some(last) if last.0 == at => last.1 = c,
                _ => steps.push((at, c)),
            }
        }
        capacity.push(steps);
    }
    situation.capacity = capacity;
    (situation, outcome)
}

//! The planning adapter: the situation as the teams know it, handed to the
//! scheduler, and the plans already made for the same situation.

use super::*;

/// What a plan was made for: the situation, the planning seed, the budget.
type OrderKey = (Situation, u64, u64);

/// A planning's result: the plan, or why there is none.
type Planned = Result<RecoveryOrder, String>;

/// Plans by what they were made for, and the room they take.
#[derive(Default)]
pub struct OrderCache {
    plans: std::sync::Mutex<(HashMap<OrderKey, Planned>, usize)>,
}

impl OrderCache {
    /// Beyond this many plans, or this many services and steps held in
    /// all (a few hundred MiB), the cache stops growing: memory stays
    /// bounded on long studies of large plans, and most hits are the first
    /// plannings.
    const MAX: usize = 4096;
    const MAX_WEIGHT: usize = 4_000_000;

    fn get(&self, key: &OrderKey) -> Option<Planned> {
        let plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        plans.0.get(key).cloned()
    }

    fn put(&self, key: OrderKey, plan: Planned) {
        let weight = key.0.damage.len() + plan.as_ref().map_or(0, |p| p.steps.len());
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let (map, held) = &mut *plans;
        if map.len() < Self::MAX && *held + weight <= Self::MAX_WEIGHT {
            *held += weight;
            map.insert(key, plan);
        }
    }
}

impl<'p> Engine<'p> {
    /// The teams plan with what they know now.
    pub(super) fn reschedule(&mut self) {
        let Lead::Scheduler { schedules } = self.lead else {
            return;
        };
        // Nothing to do (nothing damaged, nothing stranded that could fail
        // over, no reserves running out): no plan to make.
        let stranded = |i: usize| {
            let svc = &self.svc[i];
            !svc.on_standby
                && self.states[i] == State::Down
                && self.plan.services[i]
                    .recovery
                    .failover
                    .is_some_and(|f| self.states[f.to.index()] != State::Down)
        };
        let draining = self.svc.iter().any(|s| s.draining.is_some());
        if !draining
            && !(0..self.svc.len()).any(|i| {
                self.svc[i].work.is_none() && (self.svc[i].damage.is_some() || stranded(i))
            })
        {
            self.steps.clear();
            return;
        }
        let situation = self.situation();
        let never = || false;
        let budget = Budget {
            schedules,
            stop: &never,
        };
        let options = recovery::Options {
            seed: self.options.seed ^ u64::from(self.plans),
            ..self.options
        };
        self.plans += 1;
        let key = (situation, options.seed, schedules);
        let made = match self.cache.as_ref().and_then(|c| c.get(&key)) {
            Some(made) => made,
            None => {
                let made = recovery::recover(self.plan, self.graph, &key.0, options, &budget)
                    .map_err(|e| e.to_string());
                if let Some(c) = &self.cache {
                    c.put(key, made.clone());
                }
                made
            }
        };
        match made {
            Ok(rp) => {
                self.repair = false;
                self.generated += rp.generated;
                self.steps = rp
                    .work()
                    .map(|s| (s.start, s.service, s.mode, s.crew.clone()))
                    .collect();
                self.event(
                    EventKind::Replan {
                        steps: self.steps.len(),
                    },
                    None,
                    None,
                );
                if self.first_plan.is_none() {
                    self.first_plan = Some(rp);
                }
            }
            Err(e) => {
                self.steps.clear();
                self.event(EventKind::Replan { steps: 0 }, None, Some(e));
            }
        }
    }

    /// The situation as the teams know it now: what needs work, what is
    /// out until a known time (an outage or isolation announced with its
    /// end, work in progress until its expected end, a generator's fuel
    /// running out until the mains return), what runs on its standby, the
    /// copies rebuilds start from, and the people free over time.
    pub(super) fn situation(&self) -> Situation {
        let plan = self.plan;
        let now = self.now;
        let mut situation = Situation::calm(plan);
        situation.now = now;
        for (i, s) in self.svc.iter().enumerate() {
            let spells = &mut situation.spells[i];
            if let Some(w) = &s.work {
                let end = expected_end(plan, ServiceId(i as u32), w, now);
                spells.push(Spell {
                    from: now,
                    until: end,
                });
            } else if s.damage.is_some() {
                situation.damage[i] = s.damage;
                situation.release[i] = now.max(s.frozen_until);
                // Shut down cleanly: restarted once the mains are back (when
                // their return is known; else the engine waits for it).
                if let Some(back) = s.shut_for.and_then(|p| self.svc[p.index()].draining)
                    && back != u64::MAX
                {
                    situation.restart_from[i] = back;
                }
            }
            if let Some(u) = s.out_until.filter(|&u| u != u64::MAX) {
                spells.push(Spell {
                    from: now,
                    until: u,
                });
            }
            situation.on_standby[i] = s.on_standby;
            situation.placed[i] = s.placed;
        }
        // Zones cut off until a known time (an isolation for good is left
        // to whoever reconnects).
        for (z, until) in self.isolated.iter().enumerate() {
            if let Some(u) = until.filter(|&u| u != u64::MAX) {
                situation.isolations.push((
                    ZoneId(z as u32),
                    Spell {
                        from: now,
                        until: u,
                    },
                ));
            }
        }
        for site in 0..plan.sites.len() {
            situation.room[site] = self.room(SiteId(site as u32));
        }
        situation.opens = self.opens();
        // Reserves announced to run out, shutdowns to order before.
        for Reverse((at, due)) in &self.agenda {
            if let Due::Shutdown(s) = due {
                situation.shutdowns.push((*at, *s));
            }
            if let Due::Drained(s, until) = due
                && until > at
                && *until != u64::MAX
            {
                situation.spells[s.index()].push(Spell {
                    from: *at,
                    until: *until,
                });
            }
        }
        for x in 0..plan.node_count() {
            situation.down_since[x] = (self.states[x] == State::Down).then_some(self.since[x]);
        }
        let fates = self.fates().1;
        situation.restore = fates.restores(plan);
        situation.relocate_from = fates.relocations(plan);
        situation.rejoin = self.rejoin.clone();
        // Retrieval counts from the damage: what is left of it now.
        for (i, r) in situation.restore.iter_mut().enumerate() {
            let since = self.svc[i].lost_at.map_or(0, |t| now.saturating_sub(t));
            r.retrieval = r.retrieval.saturating_sub(since);
        }
        for (i, r) in situation.relocate_from.iter_mut().enumerate() {
            let svc = &self.svc[i];
            let since = svc
                .lost_at
                .or(svc.hit_at)
                .map_or(0, |t| now.saturating_sub(t));
            if let Some(r) = r {
                r.retrieval = r.retrieval.saturating_sub(since);
            }
        }
        for t in 0..plan.teams.len() {
            situation.capacity[t] = self.capacity_ahead(TeamId(t as u32));
        }
        situation
    }

    /// A team's people free for new work from now on, as the teams see it:
    /// announced staff minus the work in progress until its expected end.
    pub(super) fn capacity_ahead(&self, team: TeamId) -> Vec<(u64, u32)> {
        let t = team.index();
        let mut times: Vec<u64> = vec![0];
        times.extend(
            self.announced[t]
                .iter()
                .map(|(at, _)| *at)
                .filter(|&at| at > self.now),
        );
        let works: Vec<(u64, &Work)> = self
            .svc
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let w = s.work.as_ref()?;
                Some((expected_end(self.plan, ServiceId(i as u32), w, self.now), w))
            })
            .collect();
        times.extend(works.iter().map(|(end, _)| *end));
        times.sort_unstable();
        times.dedup();
        times
            .into_iter()
            .map(|at| {
                let at_or_now = at.max(self.now);
                let staff = self.announced[t]
                    .iter()
                    .filter(|(a, _)| *a <= at_or_now && *a > self.now)
                    .max_by_key(|(a, _)| *a)
                    .map_or(self.staff[t], |(_, c)| *c);
                let busy: u32 = works
                    .iter()
                    .filter(|(end, _)| *end > at_or_now)
                    .flat_map(|(_, w)| w.crew.needs.iter())
                    .filter(|(tm, _)| tm.index() == t)
                    .map(|(_, p)| p)
                    .sum();
                (at, staff.saturating_sub(busy))
            })
            .collect()
    }
}

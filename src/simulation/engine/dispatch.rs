//! The teams at work: when a service is ready to be worked on, how it is
//! brought back and by whom, and the dispatching of the plan's steps (or
//! the players' orders) as dependencies and people allow.

use super::*;

impl<'p> Engine<'p> {
    /// A service's dependencies where it is brought back (`at`: a recovery
    /// site, else where it runs) are up enough for work on it to start
    /// (members of its own cycle aside: they are restored in turn).
    pub(super) fn ready(&self, s: ServiceId, at: Option<SiteId>) -> bool {
        let x = s.index();
        // Shut down before its power's reserves run out: not restarted on
        // them in place.
        if at.is_none()
            && self.svc[x]
                .shut_for
                .is_some_and(|p| self.svc[p.index()].draining.is_some())
        {
            return false;
        }
        self.plan
            .service(s)
            .depends_on_at(at.or(self.svc[x].placed))
            .iter()
            .all(|dep| {
                dep.allows_work(|d| {
                    self.units.same(x, d.index()) || self.states[d.index()] != State::Down
                })
            })
    }

    /// How the service comes back, and with whom: as the plan says
    /// (`planned`: a planned failover waits for its standby), else by a
    /// failover when the standby is up, else by its own work; `None` when
    /// it cannot start now.
    pub(super) fn method(
        &self,
        s: ServiceId,
        planned: Option<Mode>,
    ) -> Option<(Mode, Vec<(TeamId, u32)>)> {
        let svc = &self.svc[s.index()];
        let r = &self.plan.service(s).recovery;
        let standby = r.failover.filter(|f| {
            self.states[f.to.index()] != State::Down
                && !self.unavailable(f.to.index())
                && (!f.cold || self.copy_ready(s))
        });
        let (ordered, _) = svc.ordered.unwrap_or((None, None));
        // Brought to a recovery site as planned; once there, it comes back
        // there.
        let moved = match planned {
            Some(Mode::Relocate(site)) => Some(site),
            Some(Mode::Failover) => None,
            Some(_) => svc.placed,
            None => ordered.and_then(Mode::site).or(svc.placed),
        };
        if let (Some(site), Some(relocation), Some(_)) = (moved, &r.relocate, svc.damage) {
            let needs = relocation.needs.iter().map(|n| (n.team, n.count)).collect();
            return Some((Mode::Relocate(site), needs));
        }
        let forced = match planned {
            Some(Mode::Failover) => Some(Mode::Failover),
            // Planned on its own work: the plan did not count on the
            // standby.
            Some(_) => None,
            None => ordered,
        };
        let standby = standby.filter(|_| planned.is_none_or(|m| m == Mode::Failover));
        // Undamaged, it can only be failed over (stranded by what it needs).
        let mode = match (forced, svc.damage, standby) {
            (Some(Mode::Failover), _, Some(_)) => Mode::Failover,
            (Some(Mode::Failover), _, None) => return None,
            (_, _, Some(_)) => Mode::Failover,
            (_, Some(Damage::Destroyed), None) => Mode::Rebuild,
            (_, Some(Damage::Failed), None) => Mode::Restore,
            (_, Some(Damage::Stopped { crashed }), None) => Mode::Restart { crashed },
            (_, None, None) => return None,
        };
        let automatic = mode == Mode::Failover && r.failover.is_some_and(|f| f.automatic);
        let needs = match (&r.restart, mode) {
            _ if automatic => Vec::new(),
            (Some(x), Mode::Restart { .. }) => x.needs.iter().map(|n| (n.team, n.count)).collect(),
            _ => r.needs.iter().map(|n| (n.team, n.count)).collect(),
        };
        Some((mode, needs))
    }

    /// The crew for work on `s` planned with `needs`: as planned, or with
    /// the team a player named (`with TEAM`) doing the first need — at the
    /// pace the plan declares when that team stands in for it, else at the
    /// planned pace (the players' call).
    pub(super) fn ordered_crew(&self, s: ServiceId, needs: Vec<(TeamId, u32)>) -> Crew {
        let team = self.svc[s.index()].ordered.and_then(|o| o.1);
        let Some((team, first)) = team.zip(needs.first().map(|n| n.0)) else {
            return Crew::planned(needs);
        };
        if team == first {
            return Crew::planned(needs);
        }
        let declared = crews(self.plan, s, &needs)
            .into_iter()
            .find(|c| !c.reduced && c.stand_ins == [(first, team)]);
        declared.unwrap_or_else(|| {
            let mut crew = Crew::planned(Vec::with_capacity(needs.len()));
            for (k, &(t, n)) in needs.iter().enumerate() {
                let t = if k == 0 { team } else { t };
                match crew.needs.iter_mut().find(|x| x.0 == t) {
                    Some(x) => x.1 += n,
                    None => crew.needs.push((t, n)),
                }
            }
            crew.stand_ins.push((first, team));
            crew
        })
    }

    /// Whether the team has `people` free from now until `until`, given the
    /// announced staff changes and the work the teams expect to finish.
    pub(super) fn fits(&self, team: TeamId, people: u32, until: u64) -> bool {
        let t = team.index();
        if self.staff[t] < self.busy[t] + people {
            return false;
        }
        self.announced[t]
            .iter()
            .filter(|(at, _)| *at > self.now && *at < until)
            .all(|&(at, cap)| {
                let busy: u32 = self
                    .svc
                    .iter()
                    .filter_map(|s| s.work.as_ref())
                    .filter(|w| w.expected > at)
                    .flat_map(|w| w.crew.needs.iter())
                    .filter(|(tm, _)| tm.index() == t)
                    .map(|(_, p)| p)
                    .sum();
                cap >= busy + people
            })
    }

    /// Starts what can start now.
    pub(super) fn dispatch(&mut self) {
        loop {
            let repair = self.repair;
            let blocked = self.dispatch_pass();
            // A step due now that cannot start (work before it overran)
            // means the plan's times no longer hold: keep its order.
            if blocked && !repair && matches!(self.lead, Lead::Scheduler { .. }) {
                self.repair = true;
                continue;
            }
            break;
        }
        if let Lead::Scheduler { .. } = self.lead {
            let steps = std::mem::take(&mut self.steps);
            self.steps = steps
                .into_iter()
                .filter(|&(_, s, m, _)| {
                    // A restart planned for what a coming power cut will
                    // stop, or a failover for what it will strand, is kept
                    // until it is done.
                    let svc = &self.svc[s.index()];
                    let coming = (matches!(m, Mode::Restart { .. })
                        || (m == Mode::Failover && !svc.on_standby))
                        && svc.damage.is_none()
                        && svc.work.is_none();
                    coming || self.needs_work(s, Some(m))
                })
                .collect();
        }
    }

    /// Whether service `s` still needs the work planned on it: its damage,
    /// or, for a failover, being down without its standby yet.
    pub(super) fn needs_work(&self, s: ServiceId, planned: Option<Mode>) -> bool {
        let svc = &self.svc[s.index()];
        if svc.work.is_some() {
            return false;
        }
        let failover = planned.or(svc.ordered.and_then(|o| o.0)) == Some(Mode::Failover);
        svc.damage.is_some()
            || (failover && !svc.on_standby && self.states[s.index()] == State::Down)
    }

    /// One pass over the candidates in order; whether one due was blocked.
    pub(super) fn dispatch_pass(&mut self) -> bool {
        let candidates: Vec<(ServiceId, Option<Mode>, Option<Crew>)> = match self.lead {
            Lead::Scheduler { .. } => self
                .steps
                .iter()
                .filter(|(t, _, _, _)| *t <= self.now || self.repair)
                .map(|(_, s, m, c)| (*s, Some(*m), Some(c.clone())))
                .collect(),
            Lead::Orders => self
                .orders
                .iter()
                .map(|s| (*s, None, None))
                .chain(
                    self.automatic_failovers()
                        .map(|s| (s, Some(Mode::Failover), None)),
                )
                .collect(),
        };
        let mut blocked = false;
        for (s, planned, planned_crew) in candidates {
            if !self.needs_work(s, planned) {
                continue;
            }
            // What the attacker held waits for the investigation.
            if self.svc[s.index()].frozen_until > self.now {
                blocked = true;
                continue;
            }
            // A failover needs its standby up (see `method`), not what the
            // primary depends on; the cheap check first.
            let r = &self.plan.service(s).recovery;
            let may_move = r.failover.is_some() || r.relocate.is_some();
            if !may_move && !self.ready(s, None) {
                blocked = true;
                continue;
            }
            let Some((mode, planned_needs)) = self.method(s, planned) else {
                blocked |= planned.is_some();
                continue;
            };
            // The crew the plan picked for this work, else as ordered.
            let crew = match planned_crew {
                Some(c) if planned == Some(mode) => c,
                _ => self.ordered_crew(s, planned_needs.clone()),
            };
            if may_move && mode != Mode::Failover && !self.ready(s, mode.site()) {
                blocked = true;
                continue;
            }
            // A manual failover the teams plan waits for the crisis cell's
            // decision (in an exercise, the players' order is the decision).
            if mode == Mode::Failover
                && planned.is_some()
                && let Some(f) = self.plan.service(s).recovery.failover
                && f.decided(self.since[s.index()]) > self.now
            {
                blocked = true;
                continue;
            }
            // A relocation needs the site open, room there and its copy
            // brought back, its holder up.
            if let Mode::Relocate(site) = mode
                && !self.can_relocate(s, site)
            {
                blocked = true;
                continue;
            }
            // What a held directory administered is rebuilt once the
            // directory is back.
            if matches!(mode, Mode::Rebuild | Mode::Relocate(_))
                && let Some(d) = self.rejoin[s.index()]
                && !self.units.same(s.index(), d.index())
                && self.states[d.index()] == State::Down
            {
                blocked = true;
                continue;
            }
            // A rebuild starts from a copy: brought back, its holder up.
            if mode == Mode::Rebuild {
                let restore = copies::restore(self.plan, s, &SvcFates(&self.svc));
                let back = self.svc[s.index()]
                    .lost_at
                    .map_or(0, |t| t.saturating_add(restore.retrieval));
                if back > self.now
                    || restore
                        .holder
                        .is_some_and(|h| self.states[h.index()] == State::Down)
                {
                    blocked = true;
                    continue;
                }
            }
            let base = nominal(self.plan, s, mode) + self.check(s, mode);
            let fits = |e: &Self, c: &Crew| {
                let expected = e.now + c.slowdown.apply(base);
                c.needs.iter().all(|&(t, p)| e.fits(t, p, expected))
            };
            // Once the plan's times no longer hold, the teams take the
            // first crew the plan allows that can do it now (a player's
            // order is followed as given).
            let crew = if fits(self, &crew) {
                crew
            } else if let Some(c) = (self.repair
                && matches!(self.lead, Lead::Scheduler { .. })
                && !crew.needs.is_empty())
            .then(|| {
                crews(self.plan, s, &planned_needs)
                    .into_iter()
                    .find(|c| fits(self, c))
            })
            .flatten()
            {
                c
            } else {
                blocked = true;
                continue;
            };
            let planned = crew.slowdown.apply(base);
            let expected = self.now + planned;
            let actual = match &self.actual {
                Some(a) if !matches!(mode, Mode::Restart { .. }) => crew
                    .slowdown
                    .apply(a[s.index()][mode_index(mode)] + self.check(s, mode)),
                _ => planned,
            };
            let finish = self.now + actual;
            for (team, people) in &crew.needs {
                self.busy[team.index()] += people;
            }
            self.event(
                EventKind::RecoveryStarted { mode },
                Some(NodeRef::Service(s)),
                None,
            );
            let start = self.now;
            self.agenda.push(Reverse((finish, Due::Finish(s, start))));
            if let Mode::Relocate(site) = mode {
                // Its room there is taken from now on.
                self.svc[s.index()].placed = Some(site);
            }
            // The engine knows when it really ends (the agenda); the teams
            // only expect it.
            self.svc[s.index()].work = Some(Work {
                mode,
                start,
                expected,
                crew,
            });
        }
        blocked
    }

    /// Services whose automatic failover is due (exercises: they need no
    /// order): lost, not yet on their standby, nobody working on them.
    pub(super) fn automatic_failovers(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.svc.len())
            .map(|i| ServiceId(i as u32))
            .filter(|&s| {
                let svc = &self.svc[s.index()];
                self.plan
                    .service(s)
                    .recovery
                    .failover
                    .is_some_and(|f| f.automatic)
                    && svc.work.is_none()
                    && !svc.on_standby
                    && svc.ordered.is_none()
                    && (svc.damage.is_some() || self.states[s.index()] == State::Down)
            })
    }

    /// Whether relocating `s` to `site` can start now: the site open, room
    /// there (unless it is there already), a surviving copy brought back,
    /// its holder up.
    pub(super) fn can_relocate(&self, s: ServiceId, site: SiteId) -> bool {
        let svc = &self.svc[s.index()];
        let Some(relocation) = &self.plan.service(s).recovery.relocate else {
            return false;
        };
        if svc.placed != Some(site)
            && (self.opens()[site.index()].is_none_or(|t| t > self.now)
                || self.room(site) < relocation.size)
        {
            return false;
        }
        self.copy_ready(s)
    }

    /// The work of checking clean the copy a rebuild or a relocation of
    /// `s` restores (see [`copies::Restore::verify`]).
    pub(super) fn check(&self, s: ServiceId, mode: Mode) -> u64 {
        let fates = SvcFates(&self.svc);
        match mode {
            Mode::Rebuild => copies::restore(self.plan, s, &fates).verify,
            Mode::Relocate(_) => {
                copies::relocate_from(self.plan, s, &fates).map_or(0, |r| r.verify)
            }
            _ => 0,
        }
    }

    /// Whether the newest surviving copy of `s` can be restored now (at a
    /// recovery site, or onto a cold standby): brought back, its holder up.
    pub(super) fn copy_ready(&self, s: ServiceId) -> bool {
        let svc = &self.svc[s.index()];
        let Some(from) = copies::relocate_from(self.plan, s, &SvcFates(&self.svc)) else {
            return false;
        };
        let since = svc.lost_at.or(svc.hit_at).unwrap_or(self.since[s.index()]);
        since.saturating_add(from.retrieval) <= self.now
            && from
                .holder
                .is_none_or(|h| self.states[h.index()] != State::Down)
    }

    /// When each recovery site can take services: its home site's first
    /// hit plus its lead time (see [`crate::recovery::opens`]).
    pub(super) fn opens(&self) -> Vec<Option<u64>> {
        crate::recovery::opens(self.plan, |i| self.svc[i].hit_at)
    }

    /// Room left at recovery site `site`: its capacity minus what was
    /// brought there.
    pub(super) fn room(&self, site: SiteId) -> u32 {
        let Some(x) = self.plan.sites[site.index()].stands_in.as_ref() else {
            return 0;
        };
        let used: u32 = (0..self.svc.len())
            .filter(|&i| self.svc[i].placed == Some(site))
            .filter_map(|i| self.plan.services[i].recovery.relocate.as_ref())
            .map(|r| r.size)
            .sum();
        x.capacity.saturating_sub(used)
    }
}

/// What happened to the services' copies, read off the engine's services.
pub(super) struct SvcFates<'a>(pub(super) &'a [Svc]);

impl Fate for SvcFates<'_> {
    fn destroyed(&self, s: ServiceId) -> bool {
        self.0[s.index()].destroyed
    }
    fn encrypted(&self, s: ServiceId) -> bool {
        self.0[s.index()].encrypted
    }
    fn exposed(&self, s: ServiceId) -> bool {
        self.0[s.index()].exposed
    }
    fn held_for(&self, s: ServiceId) -> u64 {
        self.0[s.index()].held_for
    }
}

/// When the teams expect work to end: as planned, or, once that time has
/// passed, a quarter of the planned duration later (at least a quarter of
/// an hour) — their revised estimate.
pub(super) fn expected_end(plan: &Plan, s: ServiceId, w: &Work, now: u64) -> u64 {
    if w.expected > now {
        w.expected
    } else {
        now + (w.crew.slowdown.apply(nominal(plan, s, w.mode)) / 4).max(900)
    }
}

/// The slot of a way of bringing a service back in `[restore, failover,
/// rebuild, relocation]`.
pub fn mode_index(mode: Mode) -> usize {
    match mode {
        // A restart takes its planned time (it has no range).
        Mode::Restore | Mode::Restart { .. } | Mode::Automatic => 0,
        Mode::Failover => 1,
        Mode::Rebuild => 2,
        Mode::Relocate(_) => 3,
    }
}

/// The planned duration of a way of bringing a service back.
pub fn nominal(plan: &Plan, s: ServiceId, mode: Mode) -> u64 {
    let r = &plan.service(s).recovery;
    match mode {
        Mode::Restore => r.duration.as_secs(),
        Mode::Rebuild => r.rebuild.as_secs(),
        Mode::Failover => r.failover.map_or(0, |f| f.duration.as_secs()),
        Mode::Relocate(_) => r.relocate.as_ref().map_or(0, |x| x.duration.as_secs()),
        Mode::Restart { crashed } => r.restart.as_ref().map_or(0, |x| x.time(crashed).as_secs()),
        Mode::Automatic => 0,
    }
}

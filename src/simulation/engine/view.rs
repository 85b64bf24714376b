//! What the engine shows of the world: states, damaged services, teams,
//! the process board, and what a finished run is read from.

use super::*;

impl<'p> Engine<'p> {
    pub fn state(&self, node: NodeRef) -> State {
        self.states[self.plan.node_index(node)]
    }

    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// Services that need work, with the work in progress if any.
    pub fn repairs(&self) -> Vec<Repair> {
        self.svc
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                Some(Repair {
                    service: ServiceId(i as u32),
                    damage: s.damage?,
                    work: s.work.as_ref().map(|w| (w.mode, w.start, w.expected)),
                })
            })
            .collect()
    }

    /// When the investigation lets work on `s` start, while it has not:
    /// the attacker held it.
    pub fn frozen_until(&self, s: ServiceId) -> Option<u64> {
        Some(self.svc[s.index()].frozen_until).filter(|&t| t > self.now)
    }

    pub fn is_isolated(&self, zone: ZoneId) -> bool {
        self.isolated[zone.index()].is_some()
    }

    /// Per team: `(people, busy)`.
    pub fn teams(&self) -> Vec<(u32, u32)> {
        self.staff
            .iter()
            .copied()
            .zip(self.busy.iter().copied())
            .collect()
    }

    /// Players' orders not started yet.
    pub fn orders(&self) -> &[ServiceId] {
        &self.orders
    }

    /// Each process's state and, when it is down, when its DMIA is
    /// breached if nothing changes.
    pub fn board(&self) -> Vec<ProcessBoard> {
        self.plan
            .process_ids()
            .map(|p| {
                let x = self.plan.node_index(NodeRef::Process(p));
                let state = self.states[x];
                let process = self.plan.process(p);
                let since = (state != State::Up).then_some(self.since[x]);
                let workaround = self.workaround_start(p, self.since[x]);
                let deadline = (state == State::Down).then(|| {
                    let t0 = self.since[x];
                    let mtpd = process.mtpd.as_secs();
                    match (workaround, process.workaround.as_ref()) {
                        (Some(a), Some(w)) if a <= t0 + mtpd => {
                            t0 + mtpd + w.max_duration.as_secs()
                        }
                        _ => t0 + mtpd,
                    }
                });
                ProcessBoard {
                    process: p,
                    state,
                    since,
                    deadline,
                    workaround: workaround.is_some_and(|a| a <= self.now) && state == State::Down,
                }
            })
            .collect()
    }

    /// When a process's workaround is in place for an incident that began at
    /// `t0`: its activation time after `t0` (simulations), or after the
    /// players' decision (exercises); `None` when it never is.
    pub(in crate::simulation) fn workaround_start(&self, p: ProcessId, t0: u64) -> Option<u64> {
        let w = self.plan.process(p).workaround.as_ref()?;
        match self.lead {
            Lead::Scheduler { .. } => Some(t0 + w.activation.as_secs()),
            Lead::Orders => {
                self.workaround_at[p.index()].map(|d| d.max(t0) + w.activation.as_secs())
            }
        }
    }

    /// Closes open intervals at `end` (for results).
    pub(in crate::simulation) fn close(&mut self, end: u64) {
        for p in self.plan.process_ids() {
            let x = self.plan.node_index(NodeRef::Process(p));
            match self.states[x] {
                State::Down => self.it_down[p.index()].push((self.since[x], end)),
                State::Degraded => self.it_degraded[p.index()] += end - self.since[x],
                State::Up => {}
            }
        }
        // Work still going at the end counts up to it.
        for (i, s) in self.svc.iter().enumerate() {
            if let Some(w) = &s.work {
                self.done.push(Done {
                    service: ServiceId(i as u32),
                    mode: w.mode,
                    start: w.start,
                    finish: end.max(w.start),
                    crew: w.crew.clone(),
                    interrupted: true,
                });
            }
        }
    }

    /// Which services were hit, and what happened to their copies.
    pub(in crate::simulation) fn fates(&self) -> (Vec<bool>, Fates) {
        let hit = self.svc.iter().map(|s| s.hit_at.is_some()).collect();
        let fates = Fates {
            destroyed: self.svc.iter().map(|s| s.destroyed).collect(),
            encrypted: self.svc.iter().map(|s| s.encrypted).collect(),
            exposed: self.svc.iter().map(|s| s.exposed).collect(),
            held: self.svc.iter().map(|s| s.held_for).collect(),
        };
        (hit, fates)
    }

    /// Per service: the recovery site it was brought to, if any.
    pub fn placed(&self) -> Vec<Option<SiteId>> {
        self.svc.iter().map(|s| s.placed).collect()
    }

    /// Per service: it runs on what was restored from a copy (at a
    /// recovery site, or on a cold standby), so it lost the data since.
    pub fn from_copy(&self) -> Vec<bool> {
        self.svc
            .iter()
            .zip(&self.plan.services)
            .map(|(s, p)| {
                s.placed.is_some() || (s.on_standby && p.recovery.failover.is_some_and(|f| f.cold))
            })
            .collect()
    }

    pub fn capacity_log(&self) -> &[Vec<(u64, u32)>] {
        &self.capacity_log
    }

    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }
}

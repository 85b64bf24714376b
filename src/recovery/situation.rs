//! The situation to recover from, as the planner sees it at a moment: what
//! needs work and from when, what is out for a while and until when, what
//! runs on its standby, which copy each rebuild starts from, and how many
//! people each team has over time.

use crate::analysis::state::Isolation;
use crate::model::{Plan, Restore, ServiceId, SiteId, ZoneId};

/// What happened to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Damage {
    /// Down: restored, or failed over when its failover target is up.
    Failed,
    /// Destroyed (or held by an attacker): rebuilt.
    Destroyed,
    /// Stopped by a power cut: restarted once its power is back, longer
    /// after a crash (the power lost without a controlled shutdown).
    Stopped { crashed: bool },
}

/// A time a service is out and comes back by itself, known in advance (a
/// supplier's outage with an end, an isolation or a power cut with an end,
/// work in progress until its expected end): out from `from`, back at
/// `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spell {
    pub from: u64,
    pub until: u64,
}

/// The situation to recover from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Situation {
    /// When the teams plan: nothing starts before.
    pub now: u64,
    /// Per service: the damage that needs work; `None` when none does.
    pub damage: Vec<Option<Damage>>,
    /// Per service: when the damage happens and work on it can start.
    pub release: Vec<u64>,
    /// Per service: when it is out and back by itself.
    pub spells: Vec<Vec<Spell>>,
    /// Per service: failed over already, it runs on its standby.
    pub on_standby: Vec<bool>,
    /// Per node (dense index): since when it is down, if it is at `now`.
    pub down_since: Vec<Option<u64>>,
    /// Per service: what a rebuild from its copy waits for (the copy's
    /// holder up, its retrieval; see `model::copies`).
    pub restore: Vec<Restore>,
    /// Per team: `(from, people)` capacity steps.
    pub capacity: Vec<Vec<(u64, u32)>>,
    /// Per service: the recovery site it runs at, or is being brought to.
    pub placed: Vec<Option<SiteId>>,
    /// Per site: hosting units still free for services brought there.
    pub room: Vec<u32>,
    /// Per site: when it can take its first service as a recovery site
    /// (its home site's first loss plus its lead time); `None` while its
    /// home site lost nothing, or when it is no recovery site.
    pub opens: Vec<Option<u64>>,
    /// Per service: what a relocation restores from (its newest surviving
    /// copy's holder and retrieval); `None` when it has data and no copy
    /// survived, so it cannot be relocated.
    pub relocate_from: Vec<Option<Restore>>,
    /// Controlled shutdowns the teams will order: when, and the power
    /// source whose reserves are about to run out. What that source keeps
    /// running stops cleanly then (see [`crate::model::Restart`]).
    pub shutdowns: Vec<(u64, ServiceId)>,
    /// Per service stopped cleanly by a controlled shutdown: its restart
    /// starts no sooner (the mains' return); 0 for the others.
    pub restart_from: Vec<u64>,
    /// Zones cut off the network, each from and until a known time: the
    /// links across their boundary are cut then (see [`Isolation`]).
    pub isolations: Vec<(ZoneId, Spell)>,
    /// Per service: the directory its rebuild waits for, when the attacker
    /// held both (see `model::copies::rejoins`).
    pub rejoin: Vec<Option<ServiceId>>,
}

impl Situation {
    /// Nothing wrong at T0, every team at full strength.
    pub fn calm(plan: &Plan) -> Situation {
        let n = plan.services.len();
        Situation {
            now: 0,
            damage: vec![None; n],
            release: vec![0; n],
            spells: vec![Vec::new(); n],
            on_standby: vec![false; n],
            down_since: vec![None; plan.node_count()],
            restore: vec![Restore::default(); n],
            capacity: plan.teams.iter().map(|t| t.usual_steps()).collect(),
            placed: vec![None; n],
            room: plan
                .sites
                .iter()
                .map(|s| s.stands_in.as_ref().map_or(0, |x| x.capacity))
                .collect(),
            opens: vec![None; plan.sites.len()],
            relocate_from: vec![Some(Restore::default()); n],
            shutdowns: Vec::new(),
            restart_from: vec![0; n],
            isolations: Vec::new(),
            rejoin: vec![None; n],
        }
    }

    /// The baseline: everything down at T0, every team at full strength.
    pub fn total_loss(plan: &Plan) -> Situation {
        Situation {
            damage: vec![Some(Damage::Failed); plan.services.len()],
            down_since: vec![Some(0); plan.node_count()],
            opens: opens(plan, |_| Some(0)),
            ..Situation::calm(plan)
        }
    }

    /// Whether service `i` is unavailable by itself at `t`: its damage has
    /// happened (it stays until work ends), or it is out for a while.
    pub fn unavailable(&self, i: usize, t: u64) -> bool {
        (self.damage[i].is_some() && self.release[i] <= t)
            || self.spells[i].iter().any(|s| s.from <= t && t < s.until)
    }

    /// The zones cut off the network at `t`.
    fn isolated_at(&self, t: u64) -> Vec<ZoneId> {
        let mut zones: Vec<ZoneId> = self
            .isolations
            .iter()
            .filter(|(_, s)| s.from <= t && t < s.until)
            .map(|&(z, _)| z)
            .collect();
        zones.sort_unstable();
        zones.dedup();
        zones
    }

    /// The links cut at `t`.
    pub fn isolation_at<'p>(&self, plan: &'p Plan, t: u64) -> Option<Isolation<'p>> {
        Isolation::new(plan, &self.isolated_at(t))
    }

    /// When node `from` (dense index), cut at `t` from service `to` by an
    /// isolation, is joined to it again: the first moment from `t` on when
    /// no isolation cuts the link (every isolation here has an end).
    pub fn link_back(&self, plan: &Plan, from: usize, to: usize, t: u64) -> u64 {
        let mut at = t;
        loop {
            let cut = self
                .isolation_at(plan, at)
                .is_some_and(|iso| iso.cuts(from, to));
            if !cut {
                return at;
            }
            // The next moment an isolation in force ends.
            match self
                .isolations
                .iter()
                .filter(|(_, s)| s.from <= at && at < s.until)
                .map(|(_, s)| s.until)
                .min()
            {
                Some(next) => at = next,
                None => return at,
            }
        }
    }

    /// When service `i` comes back by itself from a spell it is in at `t`;
    /// 0 when it is in none.
    pub fn back_by_itself(&self, i: usize, t: u64) -> u64 {
        self.spells[i]
            .iter()
            .filter(|s| s.from <= t && t < s.until)
            .map(|s| s.until)
            .max()
            .unwrap_or(0)
    }
}

/// When the teams order the controlled shutdown of what power source `s`
/// keeps running, its mains cut at `at` until `until` (`None`: no end
/// known): the shutdown's duration before its reserves run out, when it
/// has reserves, a declared shutdown, and the mains are not due back by
/// then. The same rule for `recover` and the engine.
pub fn shutdown_at(plan: &Plan, s: ServiceId, at: u64, until: Option<u64>) -> Option<u64> {
    let svc = plan.service(s);
    let (autonomy, lead) = (svc.autonomy?, svc.controlled_shutdown?);
    let drained = at.saturating_add(autonomy.as_secs());
    until
        .is_none_or(|u| u > drained)
        .then(|| drained.saturating_sub(lead.as_secs()).max(at))
}

/// Per site: when it can take its first service as a recovery site, its
/// home site's first loss (`hit`: when each service was first hit) plus
/// its lead time; `None` when its home site lost nothing, or it is no
/// recovery site.
pub fn opens(plan: &Plan, hit: impl Fn(usize) -> Option<u64>) -> Vec<Option<u64>> {
    plan.sites
        .iter()
        .map(|site| {
            let x = site.stands_in.as_ref()?;
            let first = (0..plan.services.len())
                .filter(|&i| plan.services[i].site == Some(x.site))
                .filter_map(&hit)
                .min()?;
            Some(first.saturating_add(x.lead_time.as_secs()))
        })
        .collect()
}

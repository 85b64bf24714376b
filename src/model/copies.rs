//! The copies of a service's data, and which of them survive what a
//! scenario did: the one rule that data loss, the recovery planner and the
//! simulation engine share.
//!
//! A copy is kept by its holder: the backup's `via`, the replica's `to`.
//! A backup that names no holder is kept beside the service itself; a
//! replica that names none is not counted on. A copy survives when:
//! - its holder was not physically destroyed (fire, flood, `destroy`): a
//!   copy on a holder that burnt burns with it, immutable or offline alike,
//!   unless it is kept off-site (`offsite`: a vault, another building); a
//!   backup kept beside a destroyed service is lost with it unless it is
//!   off-site. Offline (air-gapped) protects from an attacker, not from a
//!   fire;
//! - after an attack that ended in encryption: a replica is lost when the
//!   service it copies was encrypted (replication carries the encryption)
//!   or when the attacker could reach its holder; a backup is lost when the
//!   attacker could reach its holder (or, kept beside the service, the
//!   service) and it is neither immutable nor offline.
//!
//! Under a cyberattack, a copy newer than the compromise of what it copies
//! may hold the attacker's foothold: it is restored only once checked
//! clean (the backup's `verify`: that much more work for the crew that
//! restores it); a copy without `verify` is restored from its last version older
//! than the compromise, so the data loss adds the time the attacker held the
//! service before the attack ended ([`Fate::held_for`]).
//!
//! A holder the attacker only compromised (taken, not burnt) keeps its
//! immutable and offline copies: they can be restored once the holder is
//! back. A restore starts from the newest surviving copy (the replica's lag
//! or the backup's interval, smallest first; the replica first on a tie,
//! then the plan's order), waits for its holder to be up (an off-site copy
//! whose holder burnt is read elsewhere: it waits for no holder), and for
//! its `retrieval` time from the damage.

use super::{Plan, ServiceId};

/// One copy of a service's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataCopy {
    /// Data lost when restoring from it, in seconds: the replica's lag, the
    /// backup's interval.
    pub loss: u64,
    /// Who keeps it; `None` for a backup kept beside the service.
    pub holder: Option<ServiceId>,
    pub replica: bool,
    pub offline: bool,
    pub immutable: bool,
    pub offsite: bool,
    /// Seconds to bring it back to be read, from the damage.
    pub retrieval: u64,
    /// Seconds to check a copy clean after an attack, before restoring
    /// it; 0 when the plan gives no check.
    pub verify: u64,
}

/// What happened to the services, as far as their copies are concerned.
pub trait Fate {
    /// Physically destroyed (not merely compromised).
    fn destroyed(&self, s: ServiceId) -> bool;
    /// Its data was encrypted by the attacker.
    fn encrypted(&self, s: ServiceId) -> bool;
    /// An attack ended in encryption and the attacker could then reach it.
    fn exposed(&self, s: ServiceId) -> bool;
    /// How long the attacker held it before the attack ended (0: never).
    fn held_for(&self, s: ServiceId) -> u64;
}

impl Plan {
    /// The copies of a service's data, in the order a restore prefers them.
    pub fn copies(&self, s: ServiceId) -> Vec<DataCopy> {
        let Some(data) = &self.service(s).data else {
            return Vec::new();
        };
        let mut out: Vec<DataCopy> = data
            .replication
            .iter()
            .filter_map(|r| {
                Some(DataCopy {
                    loss: r.lag.as_secs(),
                    holder: Some(r.to?),
                    replica: true,
                    offline: false,
                    immutable: false,
                    offsite: false,
                    retrieval: 0,
                    verify: 0,
                })
            })
            .chain(data.backups.iter().map(|b| DataCopy {
                loss: b.every.as_secs(),
                holder: b.via,
                replica: false,
                offline: b.offline,
                immutable: b.immutable,
                offsite: b.offsite,
                retrieval: b.retrieval.as_secs(),
                verify: b.verify.as_secs(),
            }))
            .collect();
        // Stable: the replica, then the plan's order, on a tie.
        out.sort_by_key(|c| c.loss);
        out
    }

    /// The copy a restore of `s` starts from: the newest that survived,
    /// as it can be used — after an attack that held `s`, checked clean
    /// (see [`Restore::verify`]) or, without a check, its last version
    /// older than the compromise (the time the attacker held `s` added to
    /// its loss); the smallest loss first, then the plan's order.
    pub fn restore_copy(&self, s: ServiceId, fate: &dyn Fate) -> Option<DataCopy> {
        let held = fate.held_for(s);
        self.copies(s)
            .into_iter()
            .filter(|c| survives(s, c, fate))
            .map(|mut c| {
                if held > 0 && c.verify == 0 {
                    c.loss = c.loss.saturating_add(held);
                }
                c
            })
            .min_by_key(|c| c.loss)
    }
}

/// What a rebuild of `s` waits for when its data is lost (burnt or
/// encrypted): its newest surviving copy's holder up (none for an off-site
/// copy whose holder burnt: it is read elsewhere), and that copy's
/// retrieval from the damage. Nothing when its data is intact or no copy
/// survived.
pub fn restore(plan: &Plan, s: ServiceId, fate: &dyn Fate) -> Restore {
    if !(fate.destroyed(s) || fate.encrypted(s)) {
        return Restore::default();
    }
    let Some(copy) = plan.restore_copy(s, fate) else {
        return Restore::default();
    };
    Restore {
        holder: copy.holder.filter(|&h| !fate.destroyed(h)),
        retrieval: copy.retrieval,
        verify: verify(s, &copy, fate),
        copy: Some(copy),
    }
}

/// The check of a copy before it is restored: its `verify` when the
/// attacker held `s`, else nothing.
fn verify(s: ServiceId, copy: &DataCopy, fate: &dyn Fate) -> u64 {
    if fate.held_for(s) > 0 { copy.verify } else { 0 }
}

/// What relocating `s` to a recovery site restores from: its newest
/// surviving copy (its holder up unless it burnt and the copy is off-site,
/// its retrieval); nothing to wait for when it keeps no data; `None` when
/// it has copies and none survived, so it cannot be relocated.
pub fn relocate_from(plan: &Plan, s: ServiceId, fate: &dyn Fate) -> Option<Restore> {
    if plan.service(s).data.is_none() {
        return Some(Restore::default());
    }
    let copy = plan.restore_copy(s, fate)?;
    Some(Restore {
        holder: copy.holder.filter(|&h| !fate.destroyed(h)),
        retrieval: copy.retrieval,
        verify: verify(s, &copy, fate),
        copy: Some(copy),
    })
}

/// Whether a copy of `s`'s data survived.
pub fn survives(s: ServiceId, copy: &DataCopy, fate: &dyn Fate) -> bool {
    let burnt = !copy.offsite
        && match copy.holder {
            Some(h) => fate.destroyed(h),
            None => fate.destroyed(s),
        };
    if burnt {
        return false;
    }
    let exposed = fate.exposed(copy.holder.unwrap_or(s));
    if copy.replica {
        return !fate.encrypted(s) && !exposed;
    }
    copy.offline || copy.immutable || !exposed
}

/// What a rebuild from a copy waits for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Restore {
    /// The service holding the copy, which must be up.
    pub holder: Option<ServiceId>,
    /// Seconds to bring the copy back, from the damage.
    pub retrieval: u64,
    /// Seconds of work checking the copy clean, after an attack that held
    /// the service: done by the crew that restores it, before the restore
    /// (the work takes that much longer, people included).
    pub verify: u64,
    /// The copy itself; `None` when there is nothing to restore from.
    pub copy: Option<DataCopy>,
}

/// What happened to every service, as far as copies are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fates {
    pub destroyed: Vec<bool>,
    pub encrypted: Vec<bool>,
    pub exposed: Vec<bool>,
    /// Seconds the attacker held each service before the attack ended.
    pub held: Vec<u64>,
}

impl Fates {
    pub fn new(n: usize) -> Fates {
        Fates {
            destroyed: vec![false; n],
            encrypted: vec![false; n],
            exposed: vec![false; n],
            held: vec![0; n],
        }
    }

    /// Whether `s` lost its data (burnt or encrypted) and must be restored
    /// from a copy.
    pub fn lost_data(&self, s: ServiceId) -> bool {
        self.destroyed[s.index()] || self.encrypted[s.index()]
    }

    /// Per service: what a rebuild from its copy waits for (see
    /// `restore`).
    pub fn restores(&self, plan: &Plan) -> Vec<Restore> {
        plan.service_ids().map(|s| restore(plan, s, self)).collect()
    }

    /// Per service: what a relocation restores from (see
    /// `relocate_from`).
    pub fn relocations(&self, plan: &Plan) -> Vec<Option<Restore>> {
        plan.service_ids()
            .map(|s| relocate_from(plan, s, self))
            .collect()
    }
}

impl Fate for Fates {
    fn destroyed(&self, s: ServiceId) -> bool {
        self.destroyed[s.index()]
    }
    fn encrypted(&self, s: ServiceId) -> bool {
        self.encrypted[s.index()]
    }
    fn exposed(&self, s: ServiceId) -> bool {
        self.exposed[s.index()]
    }
    fn held_for(&self, s: ServiceId) -> u64 {
        self.held[s.index()]
    }
}

/// Per service: the directory its rebuild waits for after an attack that
/// held both (`held`: per service, held by the attacker): a server the
/// attacker took through its directory is rebuilt once that directory is
/// rebuilt, not joined to the compromised one. Directories themselves wait
/// for none, nor does what the directory, its standby or the holders of
/// their copies need: that would wait forever.
pub fn rejoins(plan: &Plan, held: impl Fn(ServiceId) -> bool) -> Vec<Option<ServiceId>> {
    use super::{NodeRef, ServiceKind};
    let mut needed: std::collections::HashMap<ServiceId, Vec<bool>> = Default::default();
    plan.service_ids()
        .map(|s| {
            let svc = plan.service(s);
            let id = svc.identity.filter(|&id| id != s && held(s) && held(id))?;
            if svc.kind == ServiceKind::Identity {
                return None;
            }
            let under = needed.entry(id).or_insert_with(|| {
                let mut v = vec![false; plan.services.len()];
                // The directory, its standby, the holders of their copies,
                // and everything those need.
                let standby = plan.service(id).recovery.failover.map(|f| f.to);
                let mut roots: Vec<ServiceId> = std::iter::once(id).chain(standby).collect();
                let holders: Vec<ServiceId> = roots
                    .iter()
                    .flat_map(|&r| plan.copies(r))
                    .filter_map(|c| c.holder)
                    .collect();
                roots.extend(holders);
                for n in roots {
                    for x in plan.needs(NodeRef::Service(n)) {
                        v[x.index()] = true;
                    }
                }
                v
            });
            (!under[s.index()]).then_some(id)
        })
        .collect()
}

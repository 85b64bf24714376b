//! The plan's elements with their references resolved to indices.

use std::collections::HashMap;

use super::{Criticality, ServiceKind, SimDuration, Slowdown};
use crate::diag::Span;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub struct $name(pub u32);

            impl $name {
                pub fn index(self) -> usize {
                    self.0 as usize
                }
            }
        )*
    };
}

ids! {
    /// Index into [`Plan::services`].
    ServiceId,
    /// Index into [`Plan::processes`].
    ProcessId,
    /// Index into [`Plan::teams`].
    TeamId,
    /// Index into [`Plan::sites`].
    SiteId,
    /// Index into [`Plan::zones`].
    ZoneId,
    /// Index into [`Plan::entities`].
    EntityId,
    /// Index into [`Plan::suppliers`].
    SupplierId,
}

/// A node of the dependency graph: a service or a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    Service(ServiceId),
    Process(ProcessId),
}

#[derive(Debug)]
pub struct Plan {
    pub name: String,
    pub description: Option<String>,
    pub entities: Vec<Entity>,
    pub sites: Vec<Site>,
    pub zones: Vec<Zone>,
    pub teams: Vec<Team>,
    pub suppliers: Vec<Supplier>,
    pub services: Vec<Service>,
    pub processes: Vec<Process>,
    /// Service and process ids (one namespace) to their node.
    pub(crate) nodes_by_id: HashMap<String, NodeRef>,
    /// Per pair of zones `(a, b)` at `a * zones + b`: `a` reaches `b`
    /// through the zones' `reach`, directly or through other zones (a
    /// dependency from `a` to `b` is a network flow).
    pub(crate) flows: Vec<bool>,
}

impl Plan {
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }

    pub fn process(&self, id: ProcessId) -> &Process {
        &self.processes[id.index()]
    }

    pub fn team(&self, id: TeamId) -> &Team {
        &self.teams[id.index()]
    }

    pub fn node_by_id(&self, id: &str) -> Option<NodeRef> {
        self.nodes_by_id.get(id).copied()
    }

    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.services.len() as u32).map(ServiceId)
    }

    pub fn process_ids(&self) -> impl Iterator<Item = ProcessId> + '_ {
        (0..self.processes.len() as u32).map(ProcessId)
    }

    /// Number of nodes (services, then processes) for dense per-node arrays.
    pub fn node_count(&self) -> usize {
        self.services.len() + self.processes.len()
    }

    /// Dense index of a node: services first, then processes.
    pub fn node_index(&self, node: NodeRef) -> usize {
        match node {
            NodeRef::Service(s) => s.index(),
            NodeRef::Process(p) => self.services.len() + p.index(),
        }
    }

    /// The node at a dense index.
    pub fn node_at(&self, index: usize) -> NodeRef {
        if index < self.services.len() {
            NodeRef::Service(ServiceId(index as u32))
        } else {
            NodeRef::Process(ProcessId((index - self.services.len()) as u32))
        }
    }

    /// The zone a node sits in: a service's, a process's people's.
    pub fn node_zone(&self, index: usize) -> Option<ZoneId> {
        match self.node_at(index) {
            NodeRef::Service(s) => self.service(s).zone,
            NodeRef::Process(p) => self.process(p).zone,
        }
    }

    /// Whether a dependency from zone `a` on zone `b` is a network flow:
    /// `a` reaches `b` through the zones' `reach`, directly or through
    /// other zones. One the network does not allow (a server on its
    /// hypervisor or its switch in the administration zone) is a hosting or
    /// carrier link, which no isolation cuts.
    pub fn flows(&self, a: ZoneId, b: ZoneId) -> bool {
        self.flows[a.index() * self.zones.len() + b.index()]
    }

    pub fn node_id(&self, node: NodeRef) -> &str {
        match node {
            NodeRef::Service(s) => &self.service(s).id,
            NodeRef::Process(p) => &self.process(p).id,
        }
    }

    pub fn depends_on(&self, node: NodeRef) -> &[Dependency] {
        match node {
            NodeRef::Service(s) => &self.service(s).depends_on,
            NodeRef::Process(p) => &self.process(p).depends_on,
        }
    }

    /// Every service `node` needs, directly or through others, by hard and
    /// group dependencies (not soft ones), in plan order.
    pub fn needs(&self, node: NodeRef) -> Vec<ServiceId> {
        let mut seen = vec![false; self.node_count()];
        let mut stack = vec![self.node_index(node)];
        let mut out = Vec::new();
        while let Some(x) = stack.pop() {
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            if let NodeRef::Service(s) = self.node_at(x) {
                out.push(s);
            }
            for dep in self.depends_on(self.node_at(x)) {
                if !matches!(dep, Dependency::Soft(_)) {
                    stack.extend(dep.services().iter().map(|s| s.index()));
                }
            }
        }
        out.sort();
        out
    }

    pub fn node_span(&self, node: NodeRef) -> Span {
        match node {
            NodeRef::Service(s) => self.service(s).span,
            NodeRef::Process(p) => self.process(p).span,
        }
    }
}

#[derive(Debug)]
pub struct Entity {
    pub id: String,
    pub name: String,
    /// Where it was imported from (`bia:etat-civil`), if it was.
    pub origin: Option<String>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// Where it was imported from (`bia:etat-civil`), if it was.
    pub origin: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    /// A recovery site: what it offers the site it stands in for.
    pub stands_in: Option<StandIn>,
    pub span: Span,
}

/// What a recovery site offers the site it stands in for.
#[derive(Debug, Clone)]
pub struct StandIn {
    /// The site whose services can be brought back here.
    pub site: SiteId,
    /// Room for services brought here, in hosting units.
    pub capacity: u32,
    /// Time from the damage before the first service can be brought here.
    pub lead_time: SimDuration,
    /// Home-site platform services and the ones here standing in for them.
    pub twins: Vec<(ServiceId, ServiceId)>,
}

#[derive(Debug)]
pub struct Zone {
    pub id: String,
    pub name: Option<String>,
    /// Zones this one can open connections to, itself excluded.
    pub reach: Vec<ZoneId>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Team {
    pub id: String,
    pub name: String,
    /// People who can work at once.
    pub capacity: u32,
    /// Teams whose work this one can take on, slower.
    pub stands_in_for: Vec<TeamStandIn>,
    /// People at once once the first surge is over (rest, rotation).
    pub sustained: Option<Sustained>,
    pub contact: Option<String>,
    pub escalation: Option<String>,
    pub description: Option<String>,
    pub span: Span,
}

impl Team {
    /// People at once at full strength, `t` seconds after T0: its
    /// capacity, then its sustained capacity once the surge is over.
    pub fn usual(&self, t: u64) -> u32 {
        match self.sustained {
            Some(s) if t >= s.after.as_secs() => s.capacity,
            _ => self.capacity,
        }
    }

    /// Its full-strength capacity steps `(from, people)` from T0.
    pub fn usual_steps(&self) -> Vec<(u64, u32)> {
        let mut steps = vec![(0, self.capacity)];
        if let Some(s) = self.sustained {
            steps.push((s.after.as_secs(), s.capacity));
        }
        steps
    }
}

/// A team that can take on another team's work.
#[derive(Debug, Clone)]
pub struct TeamStandIn {
    /// The team whose work it takes on.
    pub team: TeamId,
    /// How much longer the work takes it.
    pub slowdown: Slowdown,
    /// The kinds of service it can work on; every kind when `None`.
    pub kinds: Option<Vec<ServiceKind>>,
}

impl TeamStandIn {
    pub fn covers(&self, kind: ServiceKind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }
}

/// A team's strength once the first surge is over: people cannot work
/// around the clock for weeks.
#[derive(Debug, Clone, Copy)]
pub struct Sustained {
    /// Counted from T0.
    pub after: SimDuration,
    /// People at once from then on (≤ the team's capacity).
    pub capacity: u32,
}

/// Doing a service's work with fewer people than planned, slower.
#[derive(Debug, Clone)]
pub struct ReducedCrew {
    /// People of each team at once (fewer than planned for some).
    pub needs: Vec<Need>,
    pub slowdown: Slowdown,
}

#[derive(Debug)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub contact: Option<String>,
    pub contract: Option<String>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// Where it was imported from (`bia:etat-civil`), if it was.
    pub origin: Option<String>,
    pub kind: ServiceKind,
    pub site: Option<SiteId>,
    pub zone: Option<ZoneId>,
    /// The identity service whose administrators control this one.
    pub identity: Option<ServiceId>,
    pub supplier: Option<SupplierId>,
    pub depends_on: Vec<Dependency>,
    pub recovery: Recovery,
    pub data: Option<Data>,
    pub rto: Option<SimDuration>,
    pub rpo: Option<SimDuration>,
    /// Reserves of a power source: how long it runs once the mains are cut.
    pub autonomy: Option<SimDuration>,
    /// For a source with an `autonomy`: how long the controlled shutdown of
    /// what it keeps running takes. The teams start it that long before
    /// the reserves run out when the mains are not due back by then.
    pub controlled_shutdown: Option<SimDuration>,
    pub description: Option<String>,
    /// Where the service's id is written.
    pub span: Span,
}

/// One entry of a `depends_on` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependency {
    /// Down while the dependency is down, degraded while it is degraded.
    Hard(ServiceId),
    /// Degraded while the dependency is down.
    Soft(ServiceId),
    /// Satisfied while at least `at_least` members are up.
    Group(Group),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// 1 ≤ at_least ≤ of.len().
    pub at_least: u32,
    /// Members in the order the plan lists them, without repeats.
    pub of: Vec<ServiceId>,
}

impl Dependency {
    /// Every service this entry names.
    pub fn services(&self) -> &[ServiceId] {
        match self {
            Dependency::Hard(s) | Dependency::Soft(s) => std::slice::from_ref(s),
            Dependency::Group(g) => &g.of,
        }
    }

    /// Whether work on the dependent can start, each member's readiness
    /// as `up` says: a hard dependency up (not down), `at_least` members
    /// of a group up; a soft dependency never holds work back. The engine
    /// starts work on this rule.
    pub fn allows_work(&self, up: impl Fn(ServiceId) -> bool) -> bool {
        match self {
            Dependency::Hard(d) => up(*d),
            Dependency::Soft(_) => true,
            Dependency::Group(g) => g.of.iter().filter(|&&m| up(m)).count() >= g.at_least as usize,
        }
    }
}

#[derive(Debug)]
pub struct Recovery {
    pub duration: SimDuration,
    /// Shortest and longest restore time; `min ≤ duration ≤ max`.
    pub range: Option<(SimDuration, SimDuration)>,
    /// People of each team needed at once; each count ≤ the team's capacity.
    pub needs: Vec<Need>,
    /// Time to rebuild when destroyed; `duration` when the plan says nothing.
    pub rebuild: SimDuration,
    /// Shortest and longest rebuild time; `min ≤ rebuild ≤ max`. A rebuild
    /// without its own range takes its planned time in simulations.
    pub rebuild_range: Option<(SimDuration, SimDuration)>,
    pub failover: Option<Failover>,
    /// Can be brought back at a recovery site.
    pub relocate: Option<Relocation>,
    /// Stopped by a power cut, it is restarted (not back by itself) once
    /// its power is.
    pub restart: Option<Restart>,
    /// Its work can be done by fewer people, slower.
    pub reduced_crew: Option<ReducedCrew>,
    pub procedure: Option<String>,
    pub verify: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub team: TeamId,
    pub count: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct Failover {
    pub to: ServiceId,
    pub duration: SimDuration,
    /// Shortest and longest failover time; `min ≤ duration ≤ max`.
    pub range: Option<(SimDuration, SimDuration)>,
    /// Switches by itself, without people, as soon as the primary is lost.
    pub automatic: bool,
    /// For a manual failover: from the loss to the decision to switch.
    pub decision: SimDuration,
    /// A cold standby: `duration` and `range` include bringing the standby
    /// up (its own restore, added at load), and the failover restores the
    /// primary's newest surviving copy (its holder up, its retrieval, the
    /// data lost since).
    pub cold: bool,
}

impl Failover {
    /// When a failover can start at the earliest, for a primary lost at
    /// `lost`.
    pub fn decided(&self, lost: u64) -> u64 {
        lost.saturating_add(self.decision.as_secs())
    }
}

/// Restarting a service its power cut stopped.
#[derive(Debug, Clone)]
pub struct Restart {
    pub duration: SimDuration,
    /// After an abrupt stop (the power lost without a controlled
    /// shutdown): journal replay, consistency checks. `duration` when the
    /// plan says nothing; never shorter.
    pub after_crash: SimDuration,
    pub needs: Vec<Need>,
    /// The power services it needs (hard and group links, through
    /// others): a cut of any of them stops it. Found at load.
    pub power: Vec<ServiceId>,
}

impl Restart {
    /// How long the restart takes after a clean stop, or a crash.
    pub fn time(&self, crashed: bool) -> SimDuration {
        if crashed {
            self.after_crash
        } else {
            self.duration
        }
    }
}

/// Bringing a service back at a recovery site from its copies, on that
/// site's platform instead of its own.
#[derive(Debug, Clone)]
pub struct Relocation {
    /// Where it can go, by preference.
    pub to: Vec<Placement>,
    pub duration: SimDuration,
    /// Shortest and longest time; `min ≤ duration ≤ max`.
    pub range: Option<(SimDuration, SimDuration)>,
    pub needs: Vec<Need>,
    /// Hosting units it takes there.
    pub size: u32,
}

/// One recovery site a service can go to, and what it depends on there:
/// its own dependencies, each home-site platform service replaced by its
/// twin.
#[derive(Debug, Clone)]
pub struct Placement {
    pub site: SiteId,
    pub depends_on: Vec<Dependency>,
}

impl Relocation {
    /// Where it goes at recovery site `site`, if it may go there.
    pub fn at(&self, site: SiteId) -> Option<&Placement> {
        self.to.iter().find(|p| p.site == site)
    }
}

impl Service {
    /// What the service depends on where it runs: at its own site
    /// (`None`), or at a recovery site it was brought to.
    pub fn depends_on_at(&self, at: Option<SiteId>) -> &[Dependency] {
        match at.and_then(|site| self.recovery.relocate.as_ref()?.at(site)) {
            Some(p) => &p.depends_on,
            None => &self.depends_on,
        }
    }
}

#[derive(Debug)]
pub struct Data {
    /// The copies hold configuration, not business data: no process's
    /// PDMA applies, and its loss is not a process's data loss.
    pub configuration: bool,
    /// Backup copies; the newest surviving one bounds the data lost.
    pub backups: Vec<Backup>,
    pub replication: Option<Replication>,
}

#[derive(Debug, Clone, Copy)]
pub struct Backup {
    pub every: SimDuration,
    /// The service holding the copies.
    pub via: Option<ServiceId>,
    /// Air-gapped: out of an attacker's reach.
    pub offline: bool,
    pub immutable: bool,
    /// Kept away from its holder's site: survives its destruction.
    pub offsite: bool,
    /// Time to bring it back to be read, from the damage.
    pub retrieval: SimDuration,
    /// Time to check a copy clean after an attack, before restoring it.
    pub verify: SimDuration,
}

#[derive(Debug, Clone, Copy)]
pub struct Replication {
    pub lag: SimDuration,
    pub to: Option<ServiceId>,
}

#[derive(Debug)]
pub struct Process {
    pub id: String,
    pub name: String,
    /// Where it was imported from (`bia:etat-civil`), if it was.
    pub origin: Option<String>,
    pub entity: EntityId,
    pub criticality: Criticality,
    /// Maximum tolerable period of disruption (DMIA).
    pub mtpd: SimDuration,
    /// Maximum tolerable data loss (PDMA).
    pub rpo: Option<SimDuration>,
    /// Work recovery time once the IT is back.
    pub resume: SimDuration,
    pub depends_on: Vec<Dependency>,
    pub workaround: Option<Workaround>,
    pub owner: Option<String>,
    pub description: Option<String>,
    /// The zone its people reach the information system from: declared,
    /// or the one zone of the workstations it depends on.
    pub zone: Option<ZoneId>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Workaround {
    pub name: String,
    pub activation: SimDuration,
    pub max_duration: SimDuration,
    pub description: Option<String>,
}

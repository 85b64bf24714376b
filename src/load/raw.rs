//! The plan file's shape, exactly as written in YAML.
//!
//! These types are the single definition of the format: serde decodes plans
//! into them (through `de`) and schemars derives the JSON Schema
//! that `reprise schema` prints. Ids are still strings here; `resolve`
//! turns them into the checked, indexed [`crate::model::Plan`].

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::de::{BAD_DURATION, Spanned};
use crate::model::{Criticality, ServiceKind, SimDuration};

/// An id that names something elsewhere in the plan, with its place.
pub type Ref = Spanned<String>;

// The loader reads a file section by section (each into its own type
// below, so that one bad section does not hide the others); this whole
// shape is what `reprise schema plan` describes.
/// One plan file. The root file names the plan; included files add to it.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "reprise continuity plan")]
#[expect(dead_code, reason = "a shape for the schema, never built")]
pub struct PlanFile {
    /// The plan's name (root file only).
    pub name: Option<String>,
    pub description: Option<String>,
    /// Other plan files, relative to this one.
    #[serde(default)]
    pub include: Vec<String>,
    /// Who owns processes: the city, the metropolitan authority, communes.
    #[serde(default)]
    pub entities: IndexMap<String, Entity>,
    /// Buildings: datacenters, town halls.
    #[serde(default)]
    pub sites: IndexMap<String, Site>,
    /// Network segments and which segments each can reach.
    #[serde(default)]
    pub zones: IndexMap<String, Zone>,
    /// People who restore things.
    #[serde(default)]
    pub teams: IndexMap<String, Team>,
    /// Vendors, operators and SaaS providers.
    #[serde(default)]
    pub suppliers: IndexMap<String, Supplier>,
    /// Anything that can fail.
    #[serde(default)]
    pub services: IndexMap<String, Service>,
    /// Public services and business activities, with their tolerances.
    #[serde(default)]
    pub processes: IndexMap<String, Process>,
    /// Restarts after a power cut by service kind (`hypervisor: { duration:
    /// 1h, needs: { infra: 1 } }`): a service of that kind without its own
    /// `restart` gets this one.
    #[serde(default)]
    pub restarts: IndexMap<ServiceKind, Restart>,
}

/// The top-level keys, in the order the loader reads them.
pub const PLAN_KEYS: &[&str] = &[
    "name",
    "description",
    "include",
    "entities",
    "sites",
    "zones",
    "teams",
    "suppliers",
    "services",
    "processes",
    "restarts",
];

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub name: String,
    pub description: Option<String>,
    /// Where an imported entry comes from (`bia:etat-civil`,
    /// `mercator:application:12`): written by `reprise import`, which
    /// reconciles a re-import by it. Hand-written entries have none.
    pub origin: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    pub address: Option<String>,
    pub description: Option<String>,
    /// A recovery site: another site's services can be brought back here.
    pub stands_in_for: Option<StandIn>,
    /// Where an imported entry comes from (`bia:etat-civil`,
    /// `mercator:application:12`): written by `reprise import`, which
    /// reconciles a re-import by it. Hand-written entries have none.
    pub origin: Option<String>,
}

/// What a recovery site offers the site it stands in for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandIn {
    /// The site whose services can be brought back here.
    pub site: Ref,
    /// Room for the services brought here, in hosting units (the plan's
    /// unit, for example one standard virtual machine): what their
    /// `relocate.size` takes. Services already running here (standbys)
    /// are not counted in it.
    pub capacity: Spanned<u32>,
    /// Time before the first service can be brought here (a contract to
    /// activate, a room to equip), counted from the damage; 0 by default.
    pub lead_time: Option<SimDuration>,
    /// The home site's platform services and those here that stand in for
    /// them (`esx-a: esx-b`): a service brought here depends on the second
    /// instead of the first.
    #[serde(default)]
    pub twins: IndexMap<String, Ref>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub name: Option<String>,
    /// Zones this zone can open connections to (it always reaches itself).
    #[serde(default)]
    pub reach: Vec<Ref>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// How many people can work at once.
    #[schemars(range(min = 1))]
    pub capacity: u32,
    /// Teams whose work this one can take on, by team id: `infra: {
    /// slowdown: 1.5, kinds: [hypervisor, storage] }` (an outsourcer's
    /// on-call team, a neighbouring team). Each need of that team can be
    /// filled by as many people of this one, the work taking `slowdown`
    /// times as long.
    #[serde(default)]
    pub stands_in_for: IndexMap<String, Spanned<TeamStandIn>>,
    /// People cannot work around the clock for weeks: from `after` (counted
    /// from T0) on, the team has `capacity` people at once (shifts, rest).
    pub sustained: Option<Spanned<Sustained>>,
    pub contact: Option<String>,
    /// Whom to call when the team cannot be reached.
    pub escalation: Option<String>,
    pub description: Option<String>,
}

/// What a team standing in for another can take on, and how fast.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamStandIn {
    /// How much longer the work takes (1 = as fast; default 1).
    #[schemars(range(min = 1, max = 100))]
    pub slowdown: Option<f64>,
    /// The kinds of service it can work on (default: every kind).
    pub kinds: Option<Vec<ServiceKind>>,
}

/// A team's strength once the first surge is over.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sustained {
    /// From when, counted from T0.
    pub after: SimDuration,
    /// People at once from then on (at most the team's capacity).
    #[schemars(range(min = 1))]
    pub capacity: u32,
}

/// The same work with fewer people, slower.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReducedCrew {
    /// People of each team at once, fewer than `needs` for at least one.
    pub needs: IndexMap<String, Spanned<u32>>,
    /// How much longer the work takes (≥ 1).
    #[schemars(range(min = 1, max = 100))]
    pub slowdown: f64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    pub name: String,
    pub contact: Option<String>,
    pub contract: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub kind: ServiceKind,
    pub site: Option<Ref>,
    pub zone: Option<Ref>,
    /// The identity service whose administrators control this service.
    pub identity: Option<Ref>,
    pub supplier: Option<Ref>,
    #[serde(default)]
    pub depends_on: Vec<Spanned<Dependency>>,
    pub recovery: Recovery,
    pub data: Option<Data>,
    /// Declared recovery time objective.
    pub rto: Option<SimDuration>,
    /// Declared recovery point objective.
    pub rpo: Option<SimDuration>,
    /// For a power source with its own reserves (generator fuel, UPS
    /// batteries): how long it keeps running once a `power` event cuts the
    /// mains.
    pub autonomy: Option<SimDuration>,
    /// With an `autonomy`: how long the controlled shutdown of what this
    /// source keeps running takes. When the mains are not due back before
    /// the reserves run out, the teams start it that long before, and
    /// what stops cleanly restarts in its `duration` instead of its
    /// `after_crash`.
    pub controlled_shutdown: Option<Spanned<SimDuration>>,
    pub description: Option<String>,
    /// Where an imported entry comes from (`bia:etat-civil`,
    /// `mercator:application:12`): written by `reprise import`, which
    /// reconciles a re-import by it. Hand-written entries have none.
    pub origin: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    /// Time to restore the service.
    pub duration: SimDuration,
    /// Shortest and longest restore time, for simulations.
    pub range: Option<Spanned<(SimDuration, SimDuration)>>,
    /// People of each team needed at once.
    #[serde(default)]
    pub needs: IndexMap<String, Spanned<u32>>,
    /// Time to rebuild when destroyed (default: `duration`): a duration, or
    /// `{ duration, range }` with its own shortest and longest time for
    /// simulations.
    pub rebuild: Option<Rebuild>,
    pub failover: Option<Failover>,
    /// Can be brought back at a recovery site standing in for its own:
    /// `true` (as restored, at any such site), or `{ to, duration, range,
    /// needs, size }`.
    pub relocate: Option<Spanned<Relocate>>,
    /// Stopped by a power cut, it does not come back by itself when the
    /// power does: it is restarted, in this time, by these people.
    pub restart: Option<Restart>,
    /// The work can be done by fewer people than `needs`, slower: `{ needs:
    /// { infra: 1 }, slowdown: 1.8 }`. It applies to every task on the
    /// service (restore, rebuild, failover, relocation, restart) that needs
    /// more of those teams.
    pub reduced_crew: Option<Spanned<ReducedCrew>>,
    /// What to do, for the runbook.
    pub procedure: Option<String>,
    /// How to check it works, for the runbook.
    pub verify: Option<String>,
}

/// Restarting a service its power cut stopped.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Restart {
    pub duration: SimDuration,
    /// The restart after an abrupt stop (power lost without a controlled
    /// shutdown: journal replay, consistency checks); `duration` if not
    /// given, never shorter.
    pub after_crash: Option<Spanned<SimDuration>>,
    /// People of each team needed at once.
    #[serde(default)]
    pub needs: IndexMap<String, Spanned<u32>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Failover {
    pub to: Ref,
    pub duration: SimDuration,
    /// Shortest and longest failover time, for simulations.
    pub range: Option<Spanned<(SimDuration, SimDuration)>>,
    /// `automatic` (the platform switches by itself, without people: a
    /// directory's multi-master, a database availability group) or
    /// `manual` (the default: people switch once the crisis cell decides).
    pub kind: Option<FailoverKind>,
    /// For a manual failover: the time from the loss to the decision
    /// (default 0).
    pub decision: Option<Spanned<SimDuration>>,
    /// A cold standby: not running, it holds no live copy. Failing over
    /// first brings it up (its own restore `duration`) and restores the
    /// primary's newest surviving copy onto it.
    #[serde(default)]
    pub cold: bool,
}

/// Who switches a failover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailoverKind {
    Automatic,
    Manual,
}

/// A relocation, in its short form (`true`) or its long one.
#[derive(Debug, Default)]
pub struct Relocate(pub Option<RelocateSpec>);

/// The long form of a relocation; what it leaves out is the restore's.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelocateSpec {
    /// The recovery sites it can go to, by preference (default: every site
    /// standing in for its own).
    pub to: Option<Sites>,
    /// Time to bring it back there from its copies (default: the restore's
    /// `duration`).
    pub duration: Option<SimDuration>,
    /// Shortest and longest time, for simulations.
    pub range: Option<Spanned<(SimDuration, SimDuration)>>,
    /// People of each team needed at once (default: the restore's).
    pub needs: Option<IndexMap<String, Spanned<u32>>>,
    /// Hosting units it takes at the recovery site (default 1).
    pub size: Option<Spanned<u32>>,
}

/// Site ids, one or a list, each with its place.
pub type Sites = super::Ids<SiteIds>;

#[derive(Debug)]
pub struct SiteIds;

impl super::Expecting for SiteIds {
    const TEXT: &'static str = "a site id or a list of site ids";
    const NAME: &'static str = "Sites";
    const DESCRIPTION: &'static str = "A site id, or a list of site ids.";
    const MIN_ITEMS: Option<u32> = Some(1);
}

impl<'de> Deserialize<'de> for Relocate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Relocate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, or `{ to: dc-b, duration: 4h, size: 2 }`")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Relocate, E> {
                if v {
                    Ok(Relocate(None))
                } else {
                    Err(de::Error::custom(
                        "`relocate: false` says nothing: leave the key out",
                    ))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Relocate, A::Error> {
                RelocateSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|r| Relocate(Some(r)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Relocate {
    fn schema_name() -> Cow<'static, str> {
        "Relocate".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Brought back at a recovery site: `true`, or `{ to, duration, range, needs, size }`.",
            "anyOf": [{ "const": true }, generator.subschema_for::<RelocateSpec>()]
        })
    }
}

/// A rebuild time, alone or with its range.
#[derive(Debug)]
pub struct Rebuild {
    pub duration: SimDuration,
    pub range: Option<Spanned<(SimDuration, SimDuration)>>,
}

/// The long form of a rebuild time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RebuildSpec {
    /// Time to rebuild.
    duration: SimDuration,
    /// Shortest and longest rebuild time, for simulations.
    range: Option<Spanned<(SimDuration, SimDuration)>>,
}

impl<'de> Deserialize<'de> for Rebuild {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Rebuild;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as `3d`, or `{ duration: 3d, range: [2d, 1w] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rebuild, E> {
                SimDuration::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|duration| {
                    Rebuild {
                        duration,
                        range: None,
                    }
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Rebuild, E> {
                SimDuration::deserialize(de::value::I64Deserializer::<E>::new(v)).map(|duration| {
                    Rebuild {
                        duration,
                        range: None,
                    }
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rebuild, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Rebuild, E> {
                SimDuration::deserialize(de::value::F64Deserializer::<E>::new(v)).map(|duration| {
                    Rebuild {
                        duration,
                        range: None,
                    }
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Rebuild, A::Error> {
                RebuildSpec::deserialize(de::value::MapAccessDeserializer::new(map)).map(|r| {
                    Rebuild {
                        duration: r.duration,
                        range: r.range,
                    }
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Rebuild {
    fn schema_name() -> Cow<'static, str> {
        "Rebuild".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Time to rebuild when destroyed: a duration, or `{ duration, range }`.",
            "anyOf": [generator.subschema_for::<SimDuration>(), generator.subschema_for::<RebuildSpec>()]
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// What the copies hold: `business` data a process works on (the
    /// default), or `configuration` (a switch's, a firewall's, a DHCP
    /// server's settings): its loss is rebuild work, not a process's data
    /// loss, and no process's PDMA applies to it.
    #[serde(default)]
    pub holds: Holds,
    /// One backup copy or a list of them.
    pub backup: Option<OneOrMany<Backup>>,
    pub replication: Option<Replication>,
}

/// What a service's copies hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Holds {
    #[default]
    Business,
    Configuration,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Time between two copies.
    pub every: SimDuration,
    /// The service that holds the copies.
    pub via: Option<Ref>,
    /// Air-gapped: out of an attacker's reach.
    #[serde(default)]
    pub offline: bool,
    #[serde(default)]
    pub immutable: bool,
    /// Kept at another site than its holder (a vault, another building):
    /// it survives the destruction of its holder's site.
    #[serde(default)]
    pub offsite: bool,
    /// Time to bring the copy back to be read (tapes from a vault), counted
    /// from the damage.
    pub retrieval: Option<SimDuration>,
    /// Time to check a copy clean after a cyberattack (restored in an
    /// isolated environment and scanned), before it is restored. A copy
    /// newer than the compromise of what it copies is used only once
    /// checked; without `verify`, the restore takes its last version older
    /// than the compromise, losing the time the attacker held the service.
    pub verify: Option<SimDuration>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replication {
    pub lag: SimDuration,
    /// The service that holds the replica.
    pub to: Option<Ref>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    pub name: String,
    pub entity: Ref,
    pub criticality: Criticality,
    /// Maximum tolerable period of disruption (DMIA).
    pub mtpd: SimDuration,
    /// Maximum tolerable data loss (PDMA).
    pub rpo: Option<SimDuration>,
    /// Work recovery time once the IT is back.
    pub resume: Option<SimDuration>,
    #[serde(default)]
    pub depends_on: Vec<Spanned<Dependency>>,
    pub workaround: Option<Workaround>,
    pub owner: Option<String>,
    pub description: Option<String>,
    /// The network zone its people reach the information system from
    /// (their workstations' zone; `internet` for citizens using an online
    /// service). Isolating a zone cuts what crosses its boundary: a process
    /// whose zone is cut off loses what is outside it. Default: the zone of
    /// the workstations it depends on, when they are all in one.
    pub zone: Option<Ref>,
    /// Where an imported entry comes from (`bia:etat-civil`,
    /// `mercator:application:12`): written by `reprise import`, which
    /// reconciles a re-import by it. Hand-written entries have none.
    pub origin: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workaround {
    pub name: String,
    /// Time to switch to the workaround.
    pub activation: SimDuration,
    /// How long the workaround can last.
    pub max_duration: SimDuration,
    pub description: Option<String>,
}

/// One entry of `depends_on`.
#[derive(Debug)]
pub enum Dependency {
    Hard(String),
    Soft(Ref),
    Group {
        at_least: Spanned<i64>,
        of: Vec<Ref>,
    },
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DependencyMap {
    /// A soft dependency: degraded, not down, while it is down.
    soft: Option<Ref>,
    /// How many members must be up.
    at_least: Option<Spanned<i64>>,
    /// The group's members.
    of: Option<Vec<Ref>>,
}

impl<'de> Deserialize<'de> for Dependency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Dependency;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a service id, `{ soft: id }` or `{ at_least: k, of: [ids] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dependency, E> {
                Ok(Dependency::Hard(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dependency, A::Error> {
                let m = DependencyMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match m {
                    DependencyMap {
                        soft: Some(id),
                        at_least: None,
                        of: None,
                    } => Ok(Dependency::Soft(id)),
                    DependencyMap {
                        soft: None,
                        at_least: Some(k),
                        of: Some(of),
                    } => Ok(Dependency::Group { at_least: k, of }),
                    DependencyMap {
                        soft: None,
                        at_least: None,
                        of: Some(_),
                    } => Err(de::Error::missing_field("at_least")),
                    DependencyMap {
                        soft: None,
                        at_least: Some(_),
                        of: None,
                    } => Err(de::Error::missing_field("of")),
                    _ => Err(de::Error::custom(
                        "a dependency is a service id, `{ soft: id }` or `{ at_least: k, of: [ids] }`, not a mix",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Dependency {
    fn schema_name() -> Cow<'static, str> {
        "Dependency".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A hard dependency (an id), a soft one (`{ soft: id }`) or a redundancy group (`{ at_least: k, of: [ids] }`).",
            "anyOf": [
                { "type": "string", "description": "A hard dependency: down while it is down." },
                {
                    "type": "object",
                    "properties": { "soft": { "type": "string" } },
                    "required": ["soft"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "at_least": { "type": "integer", "minimum": 1 },
                        "of": generator.subschema_for::<Vec<String>>()
                    },
                    "required": ["at_least", "of"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// A value written alone or as a list of several.
#[derive(Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map or a list of maps")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrMany(vec![t]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrMany)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [generator.subschema_for::<T>(), generator.subschema_for::<Vec<T>>()]
        })
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SimDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as `30m`, `4h` or `1d12h`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SimDuration, E> {
                v.parse()
                    .map_err(|e| E::custom(format!("{BAD_DURATION}{e}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SimDuration, E> {
                Err(E::custom(format!(
                    "{BAD_DURATION}`{v}` is a bare number: durations need a unit, e.g. `{v}h` or `{v}m`"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SimDuration, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SimDuration, E> {
                Err(E::custom(format!(
                    "{BAD_DURATION}`{v}` is a bare number: write whole units, e.g. `1h30m`"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for SimDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A duration: numbers with units from largest to smallest, e.g. `30m`, `4h`, `1d12h`, `2w`.",
            "pattern": "^\\s*[0-9]+[wdhms]([0-9]+[wdhms])*\\s*$"
        })
    }
}

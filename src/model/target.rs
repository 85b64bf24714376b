//! Targets as people write them in scenarios, facilitators' commands and
//! `impact`: a service id, `site:ID`, `zone:ID` or `supplier:ID`, resolved
//! here once for every caller.

use super::{NodeRef, Plan, ServiceId, SiteId, SupplierId, ZoneId};
use crate::diag::did_you_mean;

/// What a written target names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Service(ServiceId),
    Site(SiteId),
    Zone(ZoneId),
    Supplier(SupplierId),
}

/// Why a written target does not resolve. Each caller words it in its own
/// place (a diagnostic, a line for the facilitator, an error of `impact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// No element of that kind has this id; `hint` is the closest one.
    Unknown {
        kind: &'static str,
        id: String,
        hint: Option<String>,
    },
    /// The id is a process's, where services are meant.
    Process(String),
    /// A prefix that is not `site:`, `zone:` or `supplier:`.
    Kind(String),
    /// Not a network zone, where one is meant: `written` is a `kind:` target.
    NotZone { written: String, kind: String },
}

impl TargetError {
    /// The diagnostic code: `unknown-id` for a name no element has,
    /// `bad-target` for a name of the wrong kind.
    pub fn code(&self) -> &'static str {
        match self {
            TargetError::Unknown { .. } => "unknown-id",
            _ => "bad-target",
        }
    }

    /// What is wrong, without the help.
    pub fn message(&self) -> String {
        match self {
            TargetError::Unknown { kind, id, .. } => format!("unknown {kind} `{id}`"),
            TargetError::Process(id) => {
                format!("`{id}` is a process; fail the services it depends on")
            }
            TargetError::Kind(kind) => format!("unknown target kind `{kind}:`"),
            TargetError::NotZone { written, kind } => {
                format!("`{written}` is not a network zone (a {kind})")
            }
        }
    }

    /// What to write instead, when there is something to say.
    pub fn help(&self) -> Option<String> {
        match self {
            TargetError::Unknown { hint, .. } => hint.clone(),
            TargetError::Process(_) => None,
            TargetError::Kind(_) => Some(
                "write a service id, `site:ID`, `zone:ID`, `supplier:ID` (or, for `impact`, `isolate:ZONE`)"
                    .into(),
            ),
            TargetError::NotZone { .. } => Some("write the zone as `zone:ID` or `ID`".into()),
        }
    }
}

/// The error on one line: the message, then the help.
impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())?;
        if let Some(h) = self.help() {
            write!(f, "; {h}")?;
        }
        if let TargetError::Unknown {
            kind: "service", ..
        } = self
        {
            f.write_str(" (targets are service ids, `site:ID`, `zone:ID` or `supplier:ID`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for TargetError {}

impl Plan {
    /// Resolves a target: `ID` (a service), `site:ID`, `zone:ID` or
    /// `supplier:ID`.
    pub fn target(&self, written: &str) -> Result<Target, TargetError> {
        let (prefix, id) = written.split_once(':').unwrap_or(("", written));
        match prefix {
            "" => match self.node_by_id(id) {
                Some(NodeRef::Service(s)) => Ok(Target::Service(s)),
                Some(NodeRef::Process(_)) => Err(TargetError::Process(id.to_string())),
                None => Err(unknown(
                    "service",
                    id,
                    self.services.iter().map(|s| s.id.as_str()),
                )),
            },
            "site" => find("site", id, self.sites.iter().map(|s| s.id.as_str()))
                .map(|i| Target::Site(SiteId(i))),
            "zone" => self.zone_target(written).map(Target::Zone),
            "supplier" => find("supplier", id, self.suppliers.iter().map(|s| s.id.as_str()))
                .map(|i| Target::Supplier(SupplierId(i))),
            other => Err(TargetError::Kind(other.to_string())),
        }
    }

    /// Resolves a network zone, written `zone:ID` or `ID`; any other
    /// `kind:` is not a zone.
    pub fn zone_target(&self, written: &str) -> Result<ZoneId, TargetError> {
        let id = match written.split_once(':') {
            None => written,
            Some(("zone", id)) => id,
            Some((kind, _)) => {
                return Err(TargetError::NotZone {
                    written: written.to_string(),
                    kind: kind.to_string(),
                });
            }
        };
        find("zone", id, self.zones.iter().map(|z| z.id.as_str())).map(ZoneId)
    }

    /// The services a target fails, in plan order.
    pub fn services_of(&self, target: Target) -> Vec<ServiceId> {
        let keep = |s: &super::Service| match target {
            Target::Service(_) => false,
            Target::Site(x) => s.site == Some(x),
            Target::Zone(x) => s.zone == Some(x),
            Target::Supplier(x) => s.supplier == Some(x),
        };
        match target {
            Target::Service(s) => vec![s],
            _ => self
                .service_ids()
                .filter(|&s| keep(self.service(s)))
                .collect(),
        }
    }
}

fn find<'a>(
    kind: &'static str,
    id: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Result<u32, TargetError> {
    match known.clone().position(|k| k == id) {
        Some(i) => Ok(i as u32),
        None => Err(unknown(kind, id, known)),
    }
}

fn unknown<'a>(
    kind: &'static str,
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> TargetError {
    TargetError::Unknown {
        kind,
        id: id.to_string(),
        hint: did_you_mean(id, known),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::load::load_text;

    fn plan() -> Plan {
        let text = "name: t
entities:
  e: { name: E }
sites:
  dc-a: { name: A }
zones:
  servers: {}
teams:
  infra: { name: I, capacity: 1 }
services:
  db: { name: DB, kind: database, site: dc-a, zone: servers, recovery: { duration: 1h, needs: { infra: 1 } } }
  app: { name: App, kind: application, depends_on: [db], recovery: { duration: 1h, needs: { infra: 1 } } }
processes:
  p: { name: P, entity: e, criticality: vital, mtpd: 4h, depends_on: [app] }
";
        load_text(Path::new("t.yaml"), text)
            .plan
            .expect("the test plan loads")
    }

    #[test]
    fn targets_resolve_to_what_they_name() {
        let plan = plan();
        assert_eq!(plan.target("db"), Ok(Target::Service(ServiceId(0))));
        assert_eq!(plan.target("site:dc-a"), Ok(Target::Site(SiteId(0))));
        assert_eq!(plan.target("zone:servers"), Ok(Target::Zone(ZoneId(0))));
        let site = plan.target("site:dc-a").unwrap();
        assert_eq!(plan.services_of(site), vec![ServiceId(0)]);
        assert_eq!(plan.target("p"), Err(TargetError::Process("p".into())));
        assert_eq!(plan.target("rack:1"), Err(TargetError::Kind("rack".into())));
        assert!(matches!(
            plan.target("site:dc-b"),
            Err(TargetError::Unknown {
                kind: "site",
                hint: Some(_),
                ..
            })
        ));
    }

    /// A zone is `zone:ID` or `ID`, in scenarios, commands and `impact`
    /// alike; another kind is said to be one.
    #[test]
    fn zones_read_the_same_everywhere() {
        let plan = plan();
        assert_eq!(plan.zone_target("servers"), Ok(ZoneId(0)));
        assert_eq!(plan.zone_target("zone:servers"), Ok(ZoneId(0)));
        assert_eq!(
            plan.zone_target("site:dc-a"),
            Err(TargetError::NotZone {
                written: "site:dc-a".into(),
                kind: "site".into()
            })
        );
        assert!(matches!(
            plan.zone_target("zone:server"),
            Err(TargetError::Unknown { kind: "zone", .. })
        ));
    }
}

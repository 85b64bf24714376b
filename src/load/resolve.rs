//! From decoded entries to the [`Plan`]: ids indexed, duplicates refused,
//! references resolved with "did you mean", counts checked against what they
//! count. Every problem is collected; the plan is built only when there is
//! none.

use std::collections::HashMap;
use std::path::Path;

use super::de::Spanned;
use super::raw::{self, Ref};
use super::{Collected, Item};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::model::*;

/// Ids of one section, in file order, first definition wins.
struct Index {
    what: &'static str,
    ids: HashMap<String, u32>,
    order: Vec<String>,
}

impl Index {
    fn build<T>(
        what: &'static str,
        items: &[Item<T>],
        diags: &mut Vec<Diagnostic>,
    ) -> (Index, Vec<usize>) {
        let mut ids: HashMap<String, u32> = HashMap::with_capacity(items.len());
        let mut first_span: HashMap<&str, Span> = HashMap::new();
        let mut order = Vec::with_capacity(items.len());
        let mut kept = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(first) = first_span.get(item.id.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("{what} `{}` is defined twice", item.id),
                    )
                    .at(item.span)
                    .label("second definition")
                    .note(*first, "first defined here")
                    .help(format!(
                        "ids are unique across all the files of a plan; rename or remove one `{}`",
                        item.id
                    )),
                );
                continue;
            }
            first_span.insert(&item.id, item.span);
            ids.insert(item.id.clone(), order.len() as u32);
            order.push(item.id.clone());
            kept.push(i);
        }
        (Index { what, ids, order }, kept)
    }

    fn get(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }
}

/// A team's capacity, its sustained capacity and from when, and its place.
type TeamStrength = (u32, Option<(u32, SimDuration)>, Span);

struct Resolver {
    diags: Vec<Diagnostic>,
    entities: Index,
    sites: Index,
    zones: Index,
    teams: Index,
    suppliers: Index,
    services: Index,
    processes: Index,
    /// Capacity, sustained capacity and place of each team, to check
    /// needs.
    team_capacity: Vec<Option<TeamStrength>>,
    /// Per site, when it is a recovery site: the site it stands in for,
    /// its room and its twins.
    stand_ins: Vec<Option<StandIn>>,
    /// The plan's restarts by service kind.
    restarts: Vec<(ServiceKind, Restart)>,
}

impl Resolver {
    fn lookup(&mut self, which: fn(&Resolver) -> &Index, r: &Ref) -> Option<u32> {
        let index = which(self);
        if let Some(i) = index.get(&r.value) {
            return Some(i);
        }
        let what = index.what;
        let mut d = Diagnostic::error("unknown-id", format!("unknown {what} `{}`", r.value))
            .at(r.span)
            .label(format!("no {what} has this id"));
        let help = if what == "service" && self.processes.get(&r.value).is_some() {
            Some(format!(
                "`{}` is a process; dependencies name services",
                r.value
            ))
        } else {
            did_you_mean(&r.value, index.order.iter().map(String::as_str)).or_else(|| {
                (index.order.is_empty()).then(|| format!("the plan declares no {what} yet"))
            })
        };
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diags.push(d);
        None
    }

    fn service(&mut self, r: &Ref) -> Option<ServiceId> {
        self.lookup(|r| &r.services, r).map(ServiceId)
    }

    fn dependencies(
        &mut self,
        owner: &str,
        deps: &[Spanned<raw::Dependency>],
    ) -> Option<Vec<Dependency>> {
        let mut out = Vec::with_capacity(deps.len());
        let mut ok = true;
        for dep in deps {
            let resolved = match &dep.value {
                raw::Dependency::Hard(id) => {
                    let r = Spanned {
                        span: dep.span,
                        value: id.clone(),
                    };
                    self.not_self(owner, &r)
                        .then(|| self.service(&r).map(Dependency::Hard))
                        .flatten()
                }
                raw::Dependency::Soft(r) => self
                    .not_self(owner, r)
                    .then(|| self.service(r).map(Dependency::Soft))
                    .flatten(),
                raw::Dependency::Group { at_least, of } => self
                    .group(owner, dep.span, at_least, of)
                    .map(Dependency::Group),
            };
            match resolved {
                Some(d) => out.push(d),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn not_self(&mut self, owner: &str, r: &Ref) -> bool {
        if r.value != owner {
            return true;
        }
        self.diags.push(
            Diagnostic::error("self-dependency", format!("`{owner}` depends on itself"))
                .at(r.span)
                .help("remove this entry; a cycle needs at least two services"),
        );
        false
    }

    fn group(
        &mut self,
        owner: &str,
        span: Span,
        at_least: &Spanned<i64>,
        of: &[Ref],
    ) -> Option<Group> {
        let mut members = Vec::with_capacity(of.len());
        let mut ok = true;
        for r in of {
            if !self.not_self(owner, r) {
                ok = false;
                continue;
            }
            match self.service(r) {
                Some(s) if members.contains(&s) => {
                    self.diags.push(
                        Diagnostic::error(
                            "duplicate-member",
                            format!("`{}` is listed twice in this group", r.value),
                        )
                        .at(r.span)
                        .help("list each member once"),
                    );
                    ok = false;
                }
                Some(s) => members.push(s),
                None => ok = false,
            }
        }
        let k = at_least.value;
        if of.is_empty() {
            self.diags.push(
                Diagnostic::error("empty-group", "this group has no members")
                    .at(span)
                    .help("list the redundant services in `of: [a, b]`"),
            );
            return None;
        }
        if k < 1 || k as usize > of.len() {
            let (code, message, help) = if k < 1 {
                (
                    "bad-value",
                    format!("`at_least: {k}` must be 1 or more"),
                    "a group needs at least one member up; use 1 for \"any of\"".to_string(),
                )
            } else {
                (
                    "group-too-large",
                    format!(
                        "`at_least: {k}` but the group has only {} member{}",
                        of.len(),
                        plural(of.len())
                    ),
                    format!(
                        "use at most `at_least: {}`, or add the missing members to `of`",
                        of.len()
                    ),
                )
            };
            self.diags.push(
                Diagnostic::error(code, message)
                    .at(at_least.span)
                    .help(help),
            );
            return None;
        }
        ok.then_some(Group {
            at_least: k as u32,
            of: members,
        })
    }

    /// Checks that a range contains its duration.
    fn range(
        &mut self,
        range: Option<&Spanned<(SimDuration, SimDuration)>>,
        duration: SimDuration,
    ) -> Result<Option<(SimDuration, SimDuration)>, ()> {
        let Some(range) = range else {
            return Ok(None);
        };
        let (min, max) = range.value;
        if min <= duration && duration <= max {
            return Ok(Some((min, max)));
        }
        self.diags.push(
            Diagnostic::error(
                "bad-range",
                format!("range [{min}, {max}] does not contain the duration {duration}"),
            )
            .at(range.span)
            .help("write `range: [shortest, longest]` with shortest ≤ duration ≤ longest"),
        );
        Err(())
    }

    /// People of each team a task needs, checked against the teams.
    fn needs(
        &mut self,
        id: &str,
        raw: &indexmap::IndexMap<String, Spanned<u32>>,
        ok: &mut bool,
    ) -> Vec<Need> {
        let mut needs = Vec::with_capacity(raw.len());
        for (team, count) in raw {
            let r = Spanned {
                span: count.span,
                value: team.clone(),
            };
            let Some(t) = self.lookup(|r| &r.teams, &r) else {
                *ok = false;
                continue;
            };
            if count.value == 0 {
                self.diags.push(
                    Diagnostic::error("bad-value", format!("a need of 0 people of `{team}`"))
                        .at(count.span)
                        .help("remove the entry, or write how many people the task needs"),
                );
                *ok = false;
                continue;
            }
            if let Some((_, Some((sustained, after)), team_span)) = self.team_capacity[t as usize]
                && count.value > sustained
            {
                self.diags.push(
                    Diagnostic::warning(
                        "need-over-sustained",
                        format!(
                            "`{id}` needs {} people of team `{team}`, which keeps {sustained} at once after {after}",
                            count.value
                        ),
                    )
                    .at(count.span)
                    .note(team_span, format!("`{team}` is defined here"))
                    .help(format!("this work cannot start once the surge is over; declare a `reduced_crew`, a team standing in for `{team}`, or a larger sustained capacity")),
                );
            }
            if let Some((capacity, _, team_span)) = self.team_capacity[t as usize]
                && count.value > capacity
            {
                self.diags.push(
                    Diagnostic::error(
                        "need-over-capacity",
                        format!(
                            "`{id}` needs {} people of team `{team}`, which has a capacity of {capacity}",
                            count.value
                        ),
                    )
                    .at(count.span)
                    .note(team_span, format!("`{team}` is defined here"))
                    .help(format!("lower the need to at most {capacity}, or raise the team's capacity")),
                );
                *ok = false;
                continue;
            }
            needs.push(Need {
                team: TeamId(t),
                count: count.value,
            });
        }
        needs
    }

    fn recovery(&mut self, id: &str, raw: &raw::Recovery) -> Option<Recovery> {
        let mut ok = true;
        let range = self.range(raw.range.as_ref(), raw.duration);
        let rebuild = raw.rebuild.as_ref().map_or(raw.duration, |r| r.duration);
        let rebuild_range =
            self.range(raw.rebuild.as_ref().and_then(|r| r.range.as_ref()), rebuild);
        ok &= range.is_ok() && rebuild_range.is_ok();
        let needs = self.needs(id, &raw.needs, &mut ok);
        let failover = match &raw.failover {
            Some(f) if f.to.value == id => {
                self.diags.push(
                    Diagnostic::error("self-failover", format!("`{id}` fails over to itself"))
                        .at(f.to.span)
                        .help("name the standby service that takes over"),
                );
                ok = false;
                None
            }
            Some(f) => {
                let range = self.range(f.range.as_ref(), f.duration);
                ok &= range.is_ok();
                let automatic = f.kind == Some(raw::FailoverKind::Automatic);
                if let (true, Some(d)) = (automatic, &f.decision) {
                    self.diags.push(
                        Diagnostic::error(
                            "automatic-decision",
                            format!(
                                "`{id}` fails over automatically, without a decision to wait for"
                            ),
                        )
                        .at(d.span)
                        .help("leave out `decision`, or write `kind: manual`"),
                    );
                    ok = false;
                }
                match self.service(&f.to) {
                    Some(to) => Some(Failover {
                        to: ServiceId(to.0),
                        duration: f.duration,
                        range: range.ok().flatten(),
                        automatic,
                        decision: f.decision.as_ref().map_or(SimDuration::ZERO, |d| d.value),
                        cold: f.cold,
                    }),
                    None => {
                        ok = false;
                        None
                    }
                }
            }
            None => None,
        };
        // Its power services are found once the plan is whole.
        let restart = raw.restart.as_ref().map(|x| self.restart(id, x, &mut ok));
        let reduced_crew = raw
            .reduced_crew
            .as_ref()
            .and_then(|x| self.reduced_crew(id, x, &needs, restart.as_ref(), &mut ok));
        ok.then(|| Recovery {
            duration: raw.duration,
            range: range.ok().flatten(),
            needs,
            rebuild,
            rebuild_range: rebuild_range.ok().flatten(),
            failover,
            relocate: None,
            restart,
            reduced_crew,
            procedure: raw.procedure.clone(),
            verify: raw.verify.clone(),
        })
    }

    /// The `restarts` section: a kind as written, each once.
    fn restarts_by_kind(&mut self, items: &[Item<raw::Restart>]) -> Vec<(ServiceKind, Restart)> {
        let mut out: Vec<(ServiceKind, Restart, Span)> = Vec::new();
        for item in items {
            let kind = ServiceKind::ALL
                .iter()
                .copied()
                .find(|k| k.key() == item.id);
            let Some(kind) = kind else {
                let mut d = Diagnostic::error(
                    "unknown-value",
                    format!("`{}` is not a kind of service", item.id),
                )
                .at(item.span);
                let keys = ServiceKind::ALL.iter().map(|k| k.key());
                if let Some(dym) = did_you_mean(&item.id, keys) {
                    d = d.help(dym);
                }
                self.diags.push(d);
                continue;
            };
            if let Some((_, _, first)) = out.iter().find(|(k, _, _)| *k == kind) {
                self.diags.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("restarts for `{}` are given twice", item.id),
                    )
                    .at(item.span)
                    .note(*first, "first given here")
                    .help("keep one entry per kind of service"),
                );
                continue;
            }
            let Some(raw) = &item.raw else { continue };
            let mut ok = true;
            let restart = self.restart(&item.id, raw, &mut ok);
            if ok {
                out.push((kind, restart, item.span));
            }
        }
        out.into_iter().map(|(k, r, _)| (k, r)).collect()
    }

    /// A restart as written: an abrupt stop never restarts faster than a
    /// clean one. Its power services are found once the plan is whole.
    fn restart(&mut self, id: &str, raw: &raw::Restart, ok: &mut bool) -> Restart {
        let needs = self.needs(id, &raw.needs, ok);
        let after_crash = match &raw.after_crash {
            Some(a) if a.value < raw.duration => {
                self.diags.push(
                    Diagnostic::error(
                        "bad-after-crash",
                        format!(
                            "a restart after a crash of {} is shorter than the restart after a clean stop ({})",
                            a.value, raw.duration
                        ),
                    )
                    .at(a.span)
                    .help("`after_crash` is the longer restart after an abrupt stop (journal replay, checks): give at least `duration`, or leave it out"),
                );
                *ok = false;
                raw.duration
            }
            Some(a) => a.value,
            None => raw.duration,
        };
        Restart {
            duration: raw.duration,
            after_crash,
            needs,
            power: Vec::new(),
        }
    }

    /// A slowdown factor as written: a number from 1 to 100.
    fn slowdown(&mut self, factor: f64, span: Span, ok: &mut bool) -> Slowdown {
        if !(1.0..=Slowdown::MAX).contains(&factor) {
            self.diags.push(
                Diagnostic::error(
                    "bad-slowdown",
                    format!("a slowdown of {factor}: work cannot take less than its planned time"),
                )
                .at(span)
                .help("write how many times as long the work takes, from 1 (as fast) to 100"),
            );
            *ok = false;
        }
        Slowdown::from_factor(factor)
    }

    /// A service's reduced crew: fewer people of teams its work needs.
    fn reduced_crew(
        &mut self,
        id: &str,
        raw: &Spanned<raw::ReducedCrew>,
        needs: &[Need],
        restart: Option<&Restart>,
        ok: &mut bool,
    ) -> Option<ReducedCrew> {
        let slowdown = self.slowdown(raw.slowdown, raw.span, ok);
        let fewer = self.needs(id, &raw.needs, ok);
        let planned = |team: TeamId| {
            needs
                .iter()
                .chain(restart.iter().flat_map(|r| &r.needs))
                .filter(|n| n.team == team)
                .map(|n| n.count)
                .max()
        };
        let mut lowers = false;
        for (n, (team, count)) in fewer.iter().zip(&raw.needs) {
            match planned(n.team) {
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            "reduced-crew-unknown-team",
                            format!("`{id}`'s work does not need team `{team}`"),
                        )
                        .at(count.span)
                        .help("a reduced crew lowers the people of teams the service's `needs` name; remove this entry"),
                    );
                    *ok = false;
                }
                Some(p) if n.count < p => lowers = true,
                Some(_) => {}
            }
        }
        if !lowers && *ok {
            self.diags.push(
                Diagnostic::error(
                    "reduced-crew-not-fewer",
                    format!("`{id}`'s reduced crew has as many people as its planned one"),
                )
                .at(raw.span)
                .help("write fewer people than `needs` for at least one team, or remove `reduced_crew`"),
            );
            *ok = false;
        }
        Some(ReducedCrew {
            needs: fewer,
            slowdown,
        })
    }

    /// A recovery site's offer: the site it stands in for, its room, its
    /// twins.
    fn stand_in(&mut self, id: &str, raw: &raw::StandIn) -> Option<StandIn> {
        let home = self.lookup(|r| &r.sites, &raw.site).map(SiteId);
        if raw.site.value == id {
            self.diags.push(
                Diagnostic::error("self-stand-in", format!("site `{id}` stands in for itself"))
                    .at(raw.site.span)
                    .help("name the site whose services can be brought back here"),
            );
        }
        if raw.capacity.value == 0 {
            self.diags.push(
                Diagnostic::error("bad-value", format!("recovery site `{id}` has no room"))
                    .at(raw.capacity.span)
                    .help("write how many hosting units it can take for services brought there (1 or more)"),
            );
        }
        let mut twins = Vec::with_capacity(raw.twins.len());
        for (from, to) in &raw.twins {
            let from_ref = Spanned {
                span: to.span,
                value: from.clone(),
            };
            let pair = (self.service(&from_ref), self.service(to));
            match pair {
                (Some(a), Some(b)) if a != b => twins.push((a, b)),
                (Some(_), Some(_)) => {
                    self.diags.push(
                        Diagnostic::error("self-twin", format!("`{from}` is its own twin"))
                            .at(to.span)
                            .help(format!(
                                "name the service at `{id}` that stands in for `{from}`"
                            )),
                    );
                }
                _ => {}
            }
        }
        // Kept even when wrong (the errors make the plan invalid): the
        // services relocated there are then checked against it, rather
        // than told that no site stands in for theirs.
        Some(StandIn {
            site: home?,
            capacity: raw.capacity.value,
            lead_time: raw.lead_time.unwrap_or(SimDuration::ZERO),
            twins,
        })
    }

    /// A service's relocation: where it can go (its site's recovery sites,
    /// or those it names), and what it depends on there.
    fn relocation(
        &mut self,
        id: &str,
        site: Option<SiteId>,
        raw: &Spanned<raw::Relocate>,
        deps: &[Dependency],
        recovery: &Recovery,
    ) -> Option<Relocation> {
        let spec = raw.value.0.as_ref();
        let Some(home) = site else {
            self.diags.push(
                Diagnostic::error("relocate-without-site", format!("`{id}` can be relocated but has no `site`"))
                    .at(raw.span)
                    .help("a service is brought back at a recovery site standing in for its own: give it its `site`"),
            );
            return None;
        };
        let standing: Vec<SiteId> = (0..self.stand_ins.len())
            .filter(|&x| self.stand_ins[x].as_ref().is_some_and(|s| s.site == home))
            .map(|x| SiteId(x as u32))
            .collect();
        let home_id = self.sites.order[home.index()].clone();
        let mut ok = true;
        let to: Vec<SiteId> = match spec.and_then(|s| s.to.as_ref()) {
            Some(list) => {
                let mut out = Vec::new();
                for r in &list.0 {
                    let Some(x) = self.lookup(|r| &r.sites, r).map(SiteId) else {
                        ok = false;
                        continue;
                    };
                    if !standing.contains(&x) {
                        self.diags.push(
                            Diagnostic::error(
                                "not-a-recovery-site",
                                format!("site `{}` does not stand in for `{home_id}`, the site of `{id}`", r.value),
                            )
                            .at(r.span)
                            .help(format!(
                                "add `stands_in_for: {{ site: {home_id}, capacity: … }}` to site `{}`, or name another site",
                                r.value
                            )),
                        );
                        ok = false;
                    } else if !out.contains(&x) {
                        out.push(x);
                    }
                }
                out
            }
            None => standing.clone(),
        };
        if ok && to.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    "no-recovery-site",
                    format!("`{id}` can be relocated, but no site stands in for `{home_id}`"),
                )
                .at(raw.span)
                .help(format!(
                    "declare the recovery site: `stands_in_for: {{ site: {home_id}, capacity: …, twins: {{ … }} }}` on a site"
                )),
            );
            return None;
        }
        let duration = spec.and_then(|s| s.duration).unwrap_or(recovery.duration);
        let range = self.range(spec.and_then(|s| s.range.as_ref()), duration);
        ok &= range.is_ok();
        let needs = match spec.and_then(|s| s.needs.as_ref()) {
            Some(n) => self.needs(id, n, &mut ok),
            None => recovery.needs.clone(),
        };
        let size = spec.and_then(|s| s.size.as_ref());
        if let Some(size) = size {
            let room = to
                .iter()
                .filter_map(|x| self.stand_ins[x.index()].as_ref().map(|s| s.capacity))
                .max()
                .unwrap_or(0);
            if size.value == 0 {
                self.diags.push(
                    Diagnostic::error("bad-value", format!("`{id}` has a size of 0"))
                        .at(size.span)
                        .help("size is the hosting units it takes at the recovery site: 1 or more"),
                );
                ok = false;
            } else if size.value > room {
                self.diags.push(
                    Diagnostic::error(
                        "too-large",
                        format!("`{id}` takes {} hosting units, more than any of its recovery sites has ({room})", size.value),
                    )
                    .at(size.span)
                    .help("lower its size, or raise the recovery site's `capacity`"),
                );
                ok = false;
            }
        }
        let placements = to
            .iter()
            .map(|&site| {
                let twins = self.stand_ins[site.index()]
                    .as_ref()
                    .map(|s| s.twins.as_slice())
                    .unwrap_or(&[]);
                Placement {
                    site,
                    depends_on: deps.iter().map(|d| twin_of(d, twins)).collect(),
                }
            })
            .collect();
        ok.then(|| Relocation {
            to: placements,
            duration,
            range: range.ok().flatten(),
            needs,
            size: size.map_or(1, |s| s.value),
        })
    }

    fn data(&mut self, raw: &raw::Data) -> Option<Data> {
        let mut ok = true;
        let mut backups = Vec::new();
        for b in raw.backup.iter().flat_map(|b| &b.0) {
            let via = match &b.via {
                Some(r) => match self.service(r) {
                    Some(s) => Some(s),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            backups.push(Backup {
                every: b.every,
                via,
                offline: b.offline,
                immutable: b.immutable,
                offsite: b.offsite,
                retrieval: b.retrieval.unwrap_or(SimDuration::ZERO),
                verify: b.verify.unwrap_or(SimDuration::ZERO),
            });
        }
        let replication = match &raw.replication {
            Some(r) => {
                let to = match &r.to {
                    Some(to) => match self.service(to) {
                        Some(s) => Some(s),
                        None => {
                            ok = false;
                            None
                        }
                    },
                    None => None,
                };
                Some(Replication { lag: r.lag, to })
            }
            None => None,
        };
        ok.then_some(Data {
            configuration: raw.holds == raw::Holds::Configuration,
            backups,
            replication,
        })
    }

    fn optional(
        &mut self,
        which: fn(&Resolver) -> &Index,
        r: &Option<Ref>,
        ok: &mut bool,
    ) -> Option<u32> {
        let r = r.as_ref()?;
        let found = self.lookup(which, r);
        *ok &= found.is_some();
        found
    }

    fn service_entry(&mut self, item: &Item<raw::Service>) -> Option<Service> {
        let raw = item.raw.as_ref()?;
        let mut ok = true;
        let site = self.optional(|r| &r.sites, &raw.site, &mut ok).map(SiteId);
        let zone = self.optional(|r| &r.zones, &raw.zone, &mut ok).map(ZoneId);
        let identity = self
            .optional(|r| &r.services, &raw.identity, &mut ok)
            .map(ServiceId);
        let supplier = self
            .optional(|r| &r.suppliers, &raw.supplier, &mut ok)
            .map(SupplierId);
        let depends_on = self.dependencies(&item.id, &raw.depends_on);
        let mut recovery = self.recovery(&item.id, &raw.recovery);
        // Without its own restart, the plan's for its kind.
        if let Some(r) = recovery.as_mut().filter(|r| r.restart.is_none()) {
            r.restart = (self.restarts.iter())
                .find(|(k, _)| *k == raw.kind)
                .map(|(_, x)| x.clone());
        }
        let data = match &raw.data {
            Some(d) => Some(self.data(d)?),
            None => None,
        };
        let (depends_on, mut recovery) = (depends_on?, recovery?);
        if let Some(x) = &raw.recovery.relocate {
            recovery.relocate = Some(self.relocation(&item.id, site, x, &depends_on, &recovery)?);
        }
        let controlled_shutdown = raw.controlled_shutdown.as_ref().map(|c| {
            match raw.autonomy {
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            "shutdown-without-autonomy",
                            format!("`{}` has a controlled shutdown but no reserves to run it on", item.id),
                        )
                        .at(c.span)
                        .help("give the source its `autonomy` (how long its fuel or batteries last), or remove `controlled_shutdown`"),
                    );
                    ok = false;
                }
                Some(a) if c.value >= a => self.diags.push(
                    Diagnostic::warning(
                        "shutdown-over-autonomy",
                        format!(
                            "the controlled shutdown of what `{}` keeps running ({}) takes as long as its reserves ({a}): it starts with the cut",
                            item.id, c.value
                        ),
                    )
                    .at(c.span)
                    .help("check the autonomy and the shutdown's duration"),
                ),
                Some(_) => {}
            }
            c.value
        });
        ok.then(|| Service {
            id: item.id.clone(),
            name: raw.name.clone(),
            origin: raw.origin.clone(),
            kind: raw.kind,
            site,
            zone,
            identity,
            supplier,
            depends_on,
            recovery,
            data,
            rto: raw.rto,
            autonomy: raw.autonomy,
            controlled_shutdown,
            rpo: raw.rpo,
            description: raw.description.clone(),
            span: item.span,
        })
    }

    fn process_entry(&mut self, item: &Item<raw::Process>) -> Option<Process> {
        let raw = item.raw.as_ref()?;
        let entity = self.lookup(|r| &r.entities, &raw.entity).map(EntityId);
        let depends_on = self.dependencies(&item.id, &raw.depends_on);
        let mut ok = true;
        let zone = self.optional(|r| &r.zones, &raw.zone, &mut ok).map(ZoneId);
        if !ok {
            return None;
        }
        Some(Process {
            id: item.id.clone(),
            name: raw.name.clone(),
            origin: raw.origin.clone(),
            entity: entity?,
            criticality: raw.criticality,
            mtpd: raw.mtpd,
            rpo: raw.rpo,
            resume: raw.resume.unwrap_or(SimDuration::ZERO),
            depends_on: depends_on?,
            workaround: raw.workaround.as_ref().map(|w| Workaround {
                name: w.name.clone(),
                activation: w.activation,
                max_duration: w.max_duration,
                description: w.description.clone(),
            }),
            owner: raw.owner.clone(),
            description: raw.description.clone(),
            zone,
            span: item.span,
        })
    }
}

/// Per pair of zones `(a, b)` at `a * zones + b`: whether `a` reaches `b`
/// through `reach`, directly or through other zones.
fn flows(zones: &[Zone]) -> Vec<bool> {
    let z = zones.len();
    let mut flows = vec![false; z * z];
    for a in 0..z {
        let mut stack: Vec<usize> = zones[a].reach.iter().map(|r| r.index()).collect();
        while let Some(b) = stack.pop() {
            if !std::mem::replace(&mut flows[a * z + b], true) {
                stack.extend(zones[b].reach.iter().map(|r| r.index()));
            }
        }
    }
    flows
}

/// A process's people sit where the workstations it depends on are, when
/// they are all in one zone and it declares none.
fn infer_process_zones(services: &[Service], processes: &mut [Process]) {
    for p in processes.iter_mut().filter(|p| p.zone.is_none()) {
        let mut zones = p
            .depends_on
            .iter()
            .filter(|d| !matches!(d, Dependency::Soft(_)))
            .flat_map(|d| d.services())
            .map(|s| &services[s.index()])
            .filter(|s| s.kind == ServiceKind::Workstation)
            .map(|s| s.zone);
        if let Some(first) = zones.next()
            && zones.all(|z| z == first)
        {
            p.zone = first;
        }
    }
}

/// A dependency as it is at a recovery site: each home-site platform
/// service replaced by its twin there; a group whose members become the
/// same twin needs it once.
fn twin_of(dep: &Dependency, twins: &[(ServiceId, ServiceId)]) -> Dependency {
    let twin = |s: ServiceId| twins.iter().find(|t| t.0 == s).map_or(s, |t| t.1);
    match dep {
        Dependency::Hard(s) => Dependency::Hard(twin(*s)),
        Dependency::Soft(s) => Dependency::Soft(twin(*s)),
        Dependency::Group(g) => {
            let mut of: Vec<ServiceId> = Vec::with_capacity(g.of.len());
            for m in &g.of {
                let t = twin(*m);
                if !of.contains(&t) {
                    of.push(t);
                }
            }
            Dependency::Group(Group {
                at_least: g.at_least.min(of.len() as u32),
                of,
            })
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Picks the entries kept by [`Index::build`].
fn kept<'a, T>(items: &'a [Item<T>], keep: &'a [usize]) -> impl Iterator<Item = &'a Item<T>> {
    keep.iter().map(move |&i| &items[i])
}

#[tracing::instrument(skip_all)]
pub(crate) fn resolve(c: Collected, root: &Path) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (entities, keep_entities) = Index::build("entity", &c.entities, &mut diags);
    let (sites, keep_sites) = Index::build("site", &c.sites, &mut diags);
    let (zones, keep_zones) = Index::build("zone", &c.zones, &mut diags);
    let (teams, keep_teams) = Index::build("team", &c.teams, &mut diags);
    let (suppliers, keep_suppliers) = Index::build("supplier", &c.suppliers, &mut diags);
    let (services, keep_services) = Index::build("service", &c.services, &mut diags);
    let (processes, keep_processes) = Index::build("process", &c.processes, &mut diags);

    for p in kept(&c.processes, &keep_processes) {
        if let Some(s) = services.get(&p.id) {
            let first = c.services[keep_services[s as usize]].span;
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("`{}` is both a service and a process", p.id),
                )
                .at(p.span)
                .note(first, "the service is defined here")
                .help("services and processes share one set of ids; rename one of them"),
            );
        }
    }

    let team_capacity = kept(&c.teams, &keep_teams)
        .map(|t| {
            t.raw.as_ref().map(|raw| {
                let sustained = raw.sustained.as_ref().map(|x| (x.capacity, x.after));
                (raw.capacity, sustained, t.span)
            })
        })
        .collect();
    let mut r = Resolver {
        diags,
        entities,
        sites,
        zones,
        teams,
        suppliers,
        services,
        processes,
        team_capacity,
        stand_ins: Vec::new(),
        restarts: Vec::new(),
    };
    r.restarts = r.restarts_by_kind(&c.restarts);

    let name = match &c.name {
        Some((name, _)) => Some(name.clone()),
        None => {
            r.diags.push(
                Diagnostic::error("missing-key", "the plan has no `name`")
                    .help(format!("add `name: …` at the top of {}", root.display())),
            );
            None
        }
    };

    let entities_out: Vec<Option<Entity>> = kept(&c.entities, &keep_entities)
        .map(|i| {
            let raw = i.raw.as_ref()?;
            Some(Entity {
                id: i.id.clone(),
                name: raw.name.clone(),
                origin: raw.origin.clone(),
                description: raw.description.clone(),
                span: i.span,
            })
        })
        .collect();
    let sites_out: Vec<Option<Site>> = kept(&c.sites, &keep_sites)
        .map(|i| {
            let raw = i.raw.as_ref()?;
            let stands_in = match &raw.stands_in_for {
                Some(x) => Some(r.stand_in(&i.id, x)?),
                None => None,
            };
            Some(Site {
                id: i.id.clone(),
                name: raw.name.clone(),
                origin: raw.origin.clone(),
                address: raw.address.clone(),
                description: raw.description.clone(),
                stands_in,
                span: i.span,
            })
        })
        .collect();
    r.stand_ins = sites_out
        .iter()
        .map(|s| s.as_ref()?.stands_in.clone())
        .collect();
    let zones_out: Vec<Option<Zone>> = kept(&c.zones, &keep_zones)
        .map(|i| {
            let raw = i.raw.as_ref()?;
            let mut reach = Vec::new();
            let mut ok = true;
            for target in &raw.reach {
                match r.lookup(|r| &r.zones, target) {
                    Some(z) if target.value != i.id && !reach.contains(&ZoneId(z)) => {
                        reach.push(ZoneId(z));
                    }
                    Some(_) => {}
                    None => ok = false,
                }
            }
            ok.then(|| Zone {
                id: i.id.clone(),
                name: raw.name.clone(),
                reach,
                description: raw.description.clone(),
                span: i.span,
            })
        })
        .collect();
    let teams_out: Vec<Option<Team>> = kept(&c.teams, &keep_teams)
        .map(|i| {
            let raw = i.raw.as_ref()?;
            if raw.capacity == 0 {
                r.diags.push(
                    Diagnostic::error("bad-value", format!("team `{}` has a capacity of 0", i.id))
                        .at(i.span)
                        .help(
                            "capacity is how many people of the team can work at once: 1 or more",
                        ),
                );
                return None;
            }
            let mut ok = true;
            let mut stands_in_for = Vec::with_capacity(raw.stands_in_for.len());
            for (team, x) in &raw.stands_in_for {
                let at = Spanned {
                    span: x.span,
                    value: team.clone(),
                };
                let slowdown = r.slowdown(x.slowdown.unwrap_or(1.0), x.span, &mut ok);
                let Some(t) = r.lookup(|r| &r.teams, &at) else {
                    ok = false;
                    continue;
                };
                if *team == i.id {
                    r.diags.push(
                        Diagnostic::error(
                            "team-self-stand-in",
                            format!("team `{team}` stands in for itself"),
                        )
                        .at(x.span)
                        .help("name the other teams whose work this one can take on"),
                    );
                    ok = false;
                    continue;
                }
                stands_in_for.push(TeamStandIn {
                    team: TeamId(t),
                    slowdown,
                    kinds: x.kinds.clone(),
                });
            }
            let sustained = raw.sustained.as_ref().and_then(|x| {
                if x.capacity == 0 || x.capacity > raw.capacity {
                    r.diags.push(
                        Diagnostic::error(
                            "bad-sustained",
                            format!(
                                "team `{}` keeps {} people at once after the surge, out of a capacity of {}",
                                i.id, x.capacity, raw.capacity
                            ),
                        )
                        .at(x.span)
                        .help(format!(
                            "write how many of its {} people work at once once shifts start: 1 to {}",
                            raw.capacity, raw.capacity
                        )),
                    );
                    ok = false;
                    return None;
                }
                Some(Sustained {
                    after: x.after,
                    capacity: x.capacity,
                })
            });
            if !ok {
                return None;
            }
            Some(Team {
                id: i.id.clone(),
                name: raw.name.clone(),
                capacity: raw.capacity,
                stands_in_for,
                sustained,
                contact: raw.contact.clone(),
                escalation: raw.escalation.clone(),
                description: raw.description.clone(),
                span: i.span,
            })
        })
        .collect();
    let suppliers_out: Vec<Option<Supplier>> = kept(&c.suppliers, &keep_suppliers)
        .map(|i| {
            let raw = i.raw.as_ref()?;
            Some(Supplier {
                id: i.id.clone(),
                name: raw.name.clone(),
                contact: raw.contact.clone(),
                contract: raw.contract.clone(),
                description: raw.description.clone(),
                span: i.span,
            })
        })
        .collect();
    let services_out: Vec<Option<Service>> = kept(&c.services, &keep_services)
        .map(|i| r.service_entry(i))
        .collect();
    let processes_out: Vec<Option<Process>> = kept(&c.processes, &keep_processes)
        .map(|i| r.process_entry(i))
        .collect();

    let mut diags = r.diags;
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let plan = (|| {
        let mut services: Vec<Service> = all_some(services_out)?;
        // A cold standby is brought up (its own restore) before the switch.
        for i in 0..services.len() {
            if let Some(f) = services[i].recovery.failover.filter(|f| f.cold) {
                let start = services[f.to.index()].recovery.duration;
                let f = services[i].recovery.failover.as_mut()?;
                f.duration = f.duration.saturating_add(start);
                f.range = f
                    .range
                    .map(|(a, b)| (a.saturating_add(start), b.saturating_add(start)));
            }
        }
        let mut processes: Vec<Process> = all_some(processes_out)?;
        infer_process_zones(&services, &mut processes);
        let mut nodes_by_id = HashMap::with_capacity(services.len() + processes.len());
        for (i, s) in services.iter().enumerate() {
            nodes_by_id.insert(s.id.clone(), NodeRef::Service(ServiceId(i as u32)));
        }
        for (i, p) in processes.iter().enumerate() {
            nodes_by_id.insert(p.id.clone(), NodeRef::Process(ProcessId(i as u32)));
        }
        let zones: Vec<Zone> = all_some(zones_out)?;
        let mut plan = Plan {
            name: name?,
            description: c.description.clone(),
            entities: all_some(entities_out)?,
            sites: all_some(sites_out)?,
            flows: flows(&zones),
            zones,
            teams: all_some(teams_out)?,
            suppliers: all_some(suppliers_out)?,
            services,
            processes,
            nodes_by_id,
        };
        // What a power cut stops: the power services each `restart` needs.
        for s in (0..plan.services.len()).map(|i| ServiceId(i as u32)) {
            if plan.service(s).recovery.restart.is_some() {
                let power: Vec<ServiceId> = plan
                    .needs(NodeRef::Service(s))
                    .into_iter()
                    .filter(|&p| p != s && plan.service(p).kind == ServiceKind::Power)
                    .collect();
                if let Some(r) = plan.services[s.index()].recovery.restart.as_mut() {
                    r.power = power;
                }
            }
        }
        Some(plan)
    })();
    if let Some(plan) = &plan {
        diags.extend(recovery_site_warnings(plan));
    }
    (plan, diags)
}

/// What a recovery site or a standby will not do as the plan's author
/// probably expects: a standby beside its primary, a twin at the wrong
/// site, a relocated service that still needs something left at the lost
/// site.
fn recovery_site_warnings(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let site_id = |s: Option<SiteId>| s.map_or("(none)", |s| plan.sites[s.index()].id.as_str());
    for svc in &plan.services {
        if let Some(f) = svc.recovery.failover
            && svc.site.is_some()
            && plan.service(f.to).site == svc.site
        {
            out.push(
                Diagnostic::warning(
                    "standby-same-site",
                    format!(
                        "`{}` fails over to `{}`, at the same site `{}`: losing the site loses both",
                        svc.id,
                        plan.service(f.to).id,
                        site_id(svc.site)
                    ),
                )
                .at(svc.span)
                .help("put the standby at another site, or add `relocate` for the loss of the site"),
            );
        }
    }
    for (here, site) in plan.sites.iter().enumerate() {
        let Some(x) = &site.stands_in else { continue };
        for &(from, to) in &x.twins {
            let (a, b) = (plan.service(from), plan.service(to));
            if a.site != Some(x.site) || b.site != Some(SiteId(here as u32)) {
                out.push(
                    Diagnostic::warning(
                        "twin-site",
                        format!(
                            "twin `{}: {}` of site `{}`: `{}` is at `{}` and `{}` at `{}`",
                            a.id,
                            b.id,
                            site.id,
                            a.id,
                            site_id(a.site),
                            b.id,
                            site_id(b.site)
                        ),
                    )
                    .at(site.span)
                    .help(format!(
                        "a twin maps a service of `{}` to the one at `{}` standing in for it",
                        plan.sites[x.site.index()].id,
                        site.id
                    )),
                );
            }
        }
    }
    for svc in &plan.services {
        let Some(r) = &svc.recovery.relocate else {
            continue;
        };
        for p in &r.to {
            for dep in &p.depends_on {
                if matches!(dep, Dependency::Soft(_)) {
                    continue;
                }
                // A group is left behind only when every member is.
                let behind: Vec<ServiceId> = dep
                    .services()
                    .iter()
                    .copied()
                    .filter(|&d| {
                        let d = plan.service(d);
                        d.site == svc.site
                            && d.recovery.relocate.is_none()
                            && d.recovery
                                .failover
                                .is_none_or(|f| plan.service(f.to).site == svc.site)
                    })
                    .collect();
                if behind.is_empty() || behind.len() < dep.services().len() {
                    continue;
                }
                let d = &plan.service(behind[0]).id;
                out.push(
                    Diagnostic::warning(
                        "left-behind",
                        format!(
                            "relocated to `{}`, `{}` still needs `{d}`, which stays at `{}` (no twin there, no relocation, no standby elsewhere)",
                            site_id(Some(p.site)),
                            svc.id,
                            site_id(svc.site)
                        ),
                    )
                    .at(svc.span)
                    .help(format!(
                        "add `{d}: …` to the twins of `{}`, or let `{d}` be relocated too",
                        site_id(Some(p.site))
                    )),
                );
            }
        }
    }
    out
}

fn all_some<T>(items: Vec<Option<T>>) -> Option<Vec<T>> {
    items.into_iter().collect()
}

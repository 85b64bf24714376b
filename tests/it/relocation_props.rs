//! Property tests of relocation on random plans (issue 11): site `a` burns,
//! site `b` stands in for it with a twin platform and a room of random
//! size; applications at `a` may be relocated, with copies on a holder at
//! `b`, on one at `a` (off-site or not) or none. Checked on every run: the
//! room is never exceeded; a relocation starts only once the site is open,
//! on the target's platform (never the burnt one), after its copy's
//! retrieval and with the copy's holder up; a copy that burnt is never
//! restored from; everything comes back; and `simulate` tells the story
//! `recover --scenario` plans.

use std::fmt::Write;

use proptest::prelude::*;
use reprise::analysis::state::State;
use reprise::model::{NodeRef, Plan};
use reprise::recovery::Mode;
use reprise::simulation::{EventKind, Run};

use super::random_plans::restored_as_foreseen;

#[derive(Debug, Clone)]
enum Copy {
    None,
    AtB,
    /// On the holder at `a`; off-site with this retrieval (hours).
    AtA(Option<u64>),
}

#[derive(Debug, Clone)]
struct App {
    relocate: bool,
    size: u32,
    hours: u64,
    rebuild: u64,
    /// A hard dependency on an earlier application.
    on: Option<usize>,
    copy: Copy,
    mtpd: u64,
    vital: bool,
}

#[derive(Debug, Clone)]
struct Spec {
    capacity: u32,
    lead: u64,
    people: u32,
    apps: Vec<App>,
    /// The holder at `b` is out this many hours from T0.
    holder_out: Option<u64>,
    seed: u64,
}

fn spec() -> impl Strategy<Value = Spec> {
    let app = (
        any::<bool>(),
        1u32..4,
        1u64..8,
        1u64..300,
        proptest::option::of(0usize..6),
        prop_oneof![
            Just(Copy::None),
            Just(Copy::AtB),
            proptest::option::of(0u64..10).prop_map(Copy::AtA)
        ],
        4u64..96,
        any::<bool>(),
    )
        .prop_map(
            |(relocate, size, hours, rebuild, on, copy, mtpd, vital)| App {
                relocate,
                size,
                hours,
                rebuild,
                on,
                copy,
                mtpd,
                vital,
            },
        );
    (
        1u32..7,
        0u64..6,
        1u32..3,
        proptest::collection::vec(app, 1..7),
        proptest::option::of(1u64..24),
        any::<u64>(),
    )
        .prop_map(|(capacity, lead, people, mut apps, holder_out, seed)| {
            for (i, a) in apps.iter_mut().enumerate() {
                a.on = a.on.filter(|&j| j < i);
                a.size = a.size.min(capacity);
            }
            Spec {
                capacity,
                lead,
                people,
                apps,
                holder_out,
                seed,
            }
        })
}

fn write(spec: &Spec, dir: &std::path::Path) -> (Plan, reprise::scenario::Scenario) {
    let mut y = format!(
        "name: random relocation
entities: {{ e: {{ name: E }} }}
teams: {{ t: {{ name: T, capacity: {} }} }}
sites:
  a: {{ name: A }}
  b:
    name: B
    stands_in_for: {{ site: a, capacity: {}, lead_time: {}h, twins: {{ pa: pb }} }}
services:
  pa: {{ name: PA, kind: hypervisor, site: a, recovery: {{ duration: 2h, rebuild: 400h, needs: {{ t: 1 }} }} }}
  pb: {{ name: PB, kind: hypervisor, site: b, recovery: {{ duration: 2h, needs: {{ t: 1 }} }} }}
  ha: {{ name: HA, kind: backup, site: a, recovery: {{ duration: 2h, rebuild: 10h, needs: {{ t: 1 }} }} }}
  hb: {{ name: HB, kind: backup, site: b, recovery: {{ duration: 2h, needs: {{ t: 1 }} }} }}
",
        spec.people, spec.capacity, spec.lead
    );
    for (i, a) in spec.apps.iter().enumerate() {
        let mut deps = vec!["pa".to_string()];
        if let Some(j) = a.on {
            deps.push(format!("app{j}"));
        }
        let _ = write!(
            y,
            "  app{i}:\n    name: App {i}\n    kind: application\n    site: a\n    depends_on: [{}]\n    recovery: {{ duration: {}h, rebuild: {}h, needs: {{ t: 1 }}",
            deps.join(", "),
            a.hours,
            a.rebuild
        );
        if a.relocate {
            let _ = write!(
                y,
                ", relocate: {{ duration: {}h, size: {} }}",
                a.hours, a.size
            );
        }
        y.push_str(" }\n");
        match a.copy {
            Copy::None => {}
            Copy::AtB => y.push_str("    data: { backup: { every: 24h, via: hb } }\n"),
            Copy::AtA(None) => y.push_str("    data: { backup: { every: 24h, via: ha } }\n"),
            Copy::AtA(Some(r)) => {
                let _ = writeln!(
                    y,
                    "    data: {{ backup: {{ every: 24h, via: ha, offsite: true, retrieval: {r}h }} }}"
                );
            }
        }
    }
    y.push_str("processes:\n");
    for (i, a) in spec.apps.iter().enumerate() {
        let c = if a.vital { "vital" } else { "important" };
        let _ = writeln!(
            y,
            "  p{i}: {{ name: P{i}, entity: e, criticality: {c}, mtpd: {}h, depends_on: [app{i}] }}",
            a.mtpd
        );
    }
    std::fs::write(dir.join("plan.yaml"), &y).unwrap();
    let mut s = String::from(
        "name: fire\nplan: plan.yaml\nhorizon: 52w\nevents:\n  - { at: 0m, destroy: site:a }\n",
    );
    if let Some(h) = spec.holder_out {
        let _ = writeln!(s, "  - {{ at: 0m, outage: hb, for: {h}h }}");
    }
    std::fs::write(dir.join("fire.yaml"), &s).unwrap();
    crate::load_scenario(&dir.join("fire.yaml"), &format!("{y}\n{s}"))
}

fn simulate(spec: &Spec, plan: &Plan, scenario: &reprise::scenario::Scenario) -> Run {
    crate::play(plan, scenario, spec.seed, None)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn relocations_keep_to_the_room_the_site_and_the_copies(spec in spec()) {
        let dir = tempfile::tempdir().unwrap();
        let (plan, scenario) = write(&spec, dir.path());
        let run = simulate(&spec, &plan, &scenario);
        let id = |name: &str| plan.services.iter().position(|s| s.id == name).unwrap();
        let (pa, pb, hb) = (id("pa"), id("pb"), id("hb"));
        let mut states = vec![State::Up; plan.node_count()];
        let mut used = 0;
        let mut moved = vec![false; plan.services.len()];
        for e in &run.events {
            match (&e.kind, e.node) {
                (EventKind::State { to, .. }, Some(node)) => states[plan.node_index(node)] = *to,
                (EventKind::RecoveryStarted { mode: Mode::Relocate(site) }, Some(NodeRef::Service(s))) => {
                    let i = s.index();
                    let app: usize = plan.service(s).id[3..].parse().unwrap();
                    let a = &spec.apps[app];
                    prop_assert_eq!(plan.sites[site.index()].id.as_str(), "b");
                    prop_assert!(a.relocate, "{} was not allowed to move", plan.service(s).id);
                    if !std::mem::replace(&mut moved[i], true) {
                        used += a.size;
                    }
                    prop_assert!(used <= spec.capacity, "room exceeded: {} > {}", used, spec.capacity);
                    prop_assert!(e.t >= spec.lead * 3_600, "started at {} before the site opened", e.t);
                    // On the target's platform: the burnt one is still down.
                    prop_assert!(states[pb] != State::Down);
                    prop_assert!(states[pa] == State::Down || e.t >= 400 * 3_600);
                    if let Some(j) = a.on {
                        let dep = id(&format!("app{j}"));
                        prop_assert!(states[dep] != State::Down, "started before app{}", j);
                    }
                    match a.copy {
                        Copy::AtB => prop_assert!(states[hb] != State::Down, "holder down at {}", e.t),
                        Copy::AtA(None) => prop_assert!(false, "restored from a copy that burnt"),
                        Copy::AtA(Some(r)) => prop_assert!(e.t >= r * 3_600, "before the copy's retrieval"),
                        Copy::None => {}
                    }
                }
                _ => {}
            }
        }
        prop_assert!(run.makespan.is_some(), "not everything came back: {:?}", run.not_back);
    }

    #[test]
    fn simulate_plays_relocations_as_recover_plans_them(spec in spec()) {
        let dir = tempfile::tempdir().unwrap();
        let (plan, scenario) = write(&spec, dir.path());
        let run = simulate(&spec, &plan, &scenario);
        let rp = super::foreseen(&scenario, &plan, spec.seed).unwrap();
        restored_as_foreseen(&run, &rp, &plan)?;
        // And the same services moved.
        let simulated: Vec<_> = run
            .work
            .iter()
            .filter(|w| matches!(w.mode, Mode::Relocate(_)))
            .map(|w| w.service)
            .collect();
        let mut planned: Vec<_> = rp
            .steps
            .iter()
            .filter(|s| matches!(s.mode, Mode::Relocate(_)))
            .map(|s| s.service)
            .collect();
        let mut simulated = simulated;
        simulated.sort();
        planned.sort();
        prop_assert_eq!(simulated, planned);
    }
}

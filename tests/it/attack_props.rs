//! Property tests of the attack (issue 12) on random plans through the real
//! loader: the attacker never crosses an isolated boundary, never takes
//! what the model says is out of its reach, passes through appliances only
//! as an entry or an administrator, and keeps its pace.

use std::fmt::Write;

use proptest::prelude::*;
use reprise::model::ServiceId;
use reprise::simulation::attack::{Effect, effect, unfold};

const KINDS: &[&str] = &[
    "application",
    "database",
    "identity",
    "backup",
    "workstation",
    "network",
    "security",
    "saas",
    "power",
    "hypervisor",
];

#[derive(Debug, Clone)]
struct Spec {
    /// Per zone: the zones it reaches.
    reach: Vec<Vec<usize>>,
    /// Per service: kind, zone (`None`: no zone), administered by the
    /// identity service of that index (if it is one).
    services: Vec<(usize, Option<usize>, Option<usize>)>,
    entry: usize,
    /// Mean time of a lateral move, in hours (0: at once).
    spread: u64,
    dwell_h: u64,
    /// A zone isolated for good before the attack begins.
    isolated: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (2usize..5, 3usize..12).prop_flat_map(|(z, n)| {
        (
            proptest::collection::vec(proptest::collection::vec(0..z, 0..z), z),
            proptest::collection::vec(
                (
                    0..KINDS.len(),
                    proptest::option::weighted(0.85, 0..z),
                    proptest::option::weighted(0.4, 0..n),
                ),
                n,
            ),
            0..n,
            prop_oneof![Just(0u64), 1u64..48],
            1u64..240,
            proptest::option::of(0..z),
        )
            .prop_map(|(reach, services, entry, spread, dwell_h, isolated)| Spec {
                reach,
                services,
                entry,
                spread,
                dwell_h,
                isolated,
            })
    })
}

/// The plan and the scenario as YAML.
fn yaml(spec: &Spec) -> (String, String) {
    let mut y = String::from(
        "name: attack\nentities: { e: { name: E } }\nteams: { t: { name: T, capacity: 1 } }\nzones:\n",
    );
    for (i, r) in spec.reach.iter().enumerate() {
        let r: Vec<String> = r
            .iter()
            .filter(|&&x| x != i)
            .map(|x| format!("z{x}"))
            .collect();
        let _ = writeln!(y, "  z{i}: {{ reach: [{}] }}", r.join(", "));
    }
    y.push_str("services:\n");
    for (i, (kind, zone, admin)) in spec.services.iter().enumerate() {
        let _ = write!(
            y,
            "  s{i}: {{ name: S{i}, kind: {}, recovery: {{ duration: 1h }}",
            KINDS[*kind]
        );
        if let Some(z) = zone {
            let _ = write!(y, ", zone: z{z}");
        }
        if let Some(a) = admin
            && KINDS[spec.services[*a].0] == "identity"
        {
            let _ = write!(y, ", identity: s{a}");
        }
        y.push_str(" }\n");
    }
    let mut s = format!(
        "name: attack\nplan: plan.yaml\nattack: {{ at: 1h, entry: s{}, spread: {}, identity: easy, dwell: {}h }}\n",
        spec.entry,
        if spec.spread == 0 {
            "certain".to_string()
        } else {
            format!("{{ mean: {}h }}", spec.spread)
        },
        spec.dwell_h
    );
    if let Some(z) = spec.isolated {
        let _ = writeln!(s, "events:\n  - {{ at: 0m, isolate: z{z} }}");
    }
    (y, s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_attacker_keeps_to_what_it_can_reach(spec in spec(), seed in any::<u64>()) {
        let dir = tempfile::tempdir().unwrap();
        let (y, s) = yaml(&spec);
        std::fs::write(dir.path().join("plan.yaml"), &y).unwrap();
        std::fs::write(dir.path().join("scenario.yaml"), &s).unwrap();
        let (plan, scenario) = crate::load_scenario(&dir.path().join("scenario.yaml"), &format!("{y}\n{s}"));
        let attack = scenario.attack.as_ref().unwrap();
        let outcome = unfold(&plan, attack, &scenario.cuts(), seed);
        let entry = spec.entry;
        let administered = |i: usize| {
            // By a directory the attacker holds, or by one whose standby it
            // holds (no standbys here).
            plan.services[i]
                .identity
                .is_some_and(|id| outcome.compromised[id.index()].is_some())
        };
        for (i, c) in outcome.compromised.iter().enumerate() {
            let Some(t) = c else { continue };
            prop_assert!(*t <= outcome.end);
            if i == entry {
                continue;
            }
            let e = effect(&plan, ServiceId(i as u32));
            // Out of reach is never taken.
            prop_assert!(e != Effect::Out, "s{i} ({:?}) taken\n{y}\n{s}", plan.services[i].kind);
            // An appliance only through the directory that administers it.
            if e == Effect::Wipe {
                prop_assert!(administered(i), "s{i} taken laterally\n{y}\n{s}");
            }
            // Never across the boundary of a zone isolated before the
            // attack: on the entry's side only.
            if let Some(z) = spec.isolated {
                let inside = |x: usize| plan.services[x].zone.is_some_and(|q| q.index() == z);
                prop_assert_eq!(inside(i), inside(entry), "s{} crossed z{}\n{}\n{}", i, z, y, s);
            }
        }
        // The same seed, the same attack.
        let again = unfold(&plan, attack, &scenario.cuts(), seed);
        prop_assert_eq!(&again.compromised, &outcome.compromised);
    }
}

/// "About 18 hours to take each next service": over many runs, the number
/// of services taken laterally in a five-day dwell averages 120 / 18, the
/// moves one after the other, never two at once.
#[test]
fn the_attacker_keeps_its_pace() {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from(
        "name: pace\nentities: { e: { name: E } }\nteams: { t: { name: T, capacity: 1 } }\nzones: { z: {} }\nservices:\n",
    );
    for i in 0..60 {
        let _ = writeln!(
            y,
            "  s{i}: {{ name: S{i}, kind: application, zone: z, recovery: {{ duration: 1h }} }}"
        );
    }
    let s = "name: pace\nplan: plan.yaml\nattack: { at: 0m, entry: s0, spread: { mean: 18h }, dwell: 5d }\n";
    std::fs::write(dir.path().join("plan.yaml"), &y).unwrap();
    std::fs::write(dir.path().join("scenario.yaml"), s).unwrap();
    let (plan, scenario) = crate::load_scenario(&dir.path().join("scenario.yaml"), s);
    let attack = scenario.attack.as_ref().unwrap();
    let runs = 4_000;
    let mut taken = 0usize;
    for seed in 0..runs {
        let o = unfold(&plan, attack, &[], seed);
        let mut times: Vec<u64> = o.compromised.iter().flatten().copied().collect();
        times.sort_unstable();
        let before = times.len();
        times.dedup();
        assert_eq!(times.len(), before, "two moves at once (seed {seed})");
        taken += before - 1;
    }
    let mean = taken as f64 / runs as f64;
    // A Poisson count of mean 120/18 ≈ 6.67; its standard error over 4 000
    // runs is about 0.04.
    assert!((6.4..6.9).contains(&mean), "{mean}");
}

/// A SaaS federated with a directory the attacker holds is out of its
/// reach: never compromised nor encrypted, its data said possibly exposed;
/// a firewall the directory administers has its configuration wiped.
#[test]
fn a_federated_saas_is_exposed_not_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let y = "name: f\nentities: { e: { name: E } }\nzones: { z: {}, internet: {} }\nservices:\n  ad: { name: AD, kind: identity, zone: z, recovery: { duration: 1h } }\n  saas: { name: SaaS, kind: saas, zone: internet, identity: ad, recovery: { duration: 1h } }\n  fw: { name: FW, kind: security, zone: z, identity: ad, recovery: { duration: 1h } }\n";
    let s = "name: f\nplan: plan.yaml\nattack: { at: 0m, entry: ad, spread: certain, identity: certain, dwell: 1h }\n";
    std::fs::write(dir.path().join("plan.yaml"), y).unwrap();
    std::fs::write(dir.path().join("scenario.yaml"), s).unwrap();
    let path = dir.path().join("scenario.yaml");
    let run = crate::json(&["simulate", path.to_str().unwrap(), "--format", "json"]);
    let kinds = |node: &str| -> Vec<String> {
        run["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"] == node)
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let saas = kinds("saas");
    assert!(saas.contains(&"exposed".to_string()), "{run}");
    assert!(!saas.contains(&"compromised".to_string()), "{run}");
    assert!(
        !saas.iter().any(|k| k == "down" || k == "destroyed"),
        "{run}"
    );
    let fw = kinds("fw");
    assert!(
        fw.contains(&"compromised".to_string()) && fw.contains(&"wiped".to_string()),
        "{run}"
    );
}

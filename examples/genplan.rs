//! Writes a synthetic plan of N services, for benchmarks.
//!
//! `cargo run --release --example genplan -- 100000 /tmp/plan-100k`
//!
//! The shape imitates the example territory at scale: per site power and
//! cooling, then network, hypervisor clusters, storage, databases,
//! applications and web front ends, each layer depending on the ones below
//! with redundancy groups and soft links, a few two-service cycles (like
//! Active Directory and its DNS), and one process per five services. The
//! services are split into files of 5 000 included from `plan.yaml`; a
//! `scenario.yaml` beside them destroys one site, cuts another for 12 hours
//! and lets an attacker in through a web front end.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small deterministic generator, so every run writes the same plan.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const LAYERS: &[(&str, &str, f64)] = &[
    // kind, team, share of services
    ("power", "infra", 0.02),
    ("network", "reseau", 0.08),
    ("hypervisor", "infra", 0.10),
    ("storage", "infra", 0.05),
    ("database", "dba", 0.20),
    ("application", "appli", 0.40),
    ("web", "appli", 0.15),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (
        args.next().and_then(|n| n.parse::<usize>().ok()),
        args.next(),
    ) else {
        eprintln!("usage: genplan SERVICES DIR");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);

    // Layer boundaries over service indices.
    let mut bounds = Vec::new();
    let mut start = 0;
    for (i, (_, _, share)) in LAYERS.iter().enumerate() {
        let end = if i + 1 == LAYERS.len() {
            n
        } else {
            start + ((n as f64 * share).ceil() as usize).max(2)
        };
        bounds.push((start, end.min(n)));
        start = end.min(n);
    }
    let sites = (n / 500).max(2);
    let layer_of = |i: usize| {
        bounds
            .iter()
            .position(|&(s, e)| i >= s && i < e)
            .unwrap_or(0)
    };

    let mut files = Vec::new();
    let mut text = String::new();
    for i in 0..n {
        if i % 5000 == 0 {
            if !text.is_empty() {
                files.push(std::mem::take(&mut text));
            }
            text.push_str("services:\n");
        }
        let layer = layer_of(i);
        let (kind, team, _) = LAYERS[layer];
        let site = i % sites;
        let _ = writeln!(
            text,
            "  s{i}:\n    name: Service {i}\n    kind: {kind}\n    site: site{site}\n    zone: z{}",
            layer.min(3)
        );
        let mut deps = Vec::new();
        if layer > 0 {
            let (ls, le) = bounds[layer - 1];
            if le > ls + 1 {
                let a = ls + rng.below(le - ls);
                let b = ls + rng.below(le - ls);
                if a != b {
                    deps.push(format!("{{ at_least: 1, of: [s{a}, s{b}] }}"));
                }
            }
            let (ls, le) = bounds[rng.below(layer)];
            deps.push(format!("s{}", ls + rng.below(le - ls)));
            if rng.below(4) == 0 {
                let (ls, le) = bounds[rng.below(layer)];
                deps.push(format!("{{ soft: s{} }}", ls + rng.below(le - ls)));
            }
        }
        // Every thousandth database pairs with the next one in a cycle.
        if LAYERS[layer].0 == "database" && i % 1000 == 0 && i + 1 < bounds[layer].1 {
            deps.push(format!("s{}", i + 1));
        }
        if LAYERS[layer].0 == "database" && i % 1000 == 1 {
            deps.push(format!("s{}", i - 1));
        }
        deps.sort();
        deps.dedup();
        if !deps.is_empty() {
            let _ = writeln!(text, "    depends_on: [{}]", deps.join(", "));
        }
        let hours = 1 + rng.below(8);
        let _ = writeln!(
            text,
            "    recovery: {{ duration: {hours}h, range: [{}h, {}h], needs: {{ {team}: 1 }}, rebuild: {}d }}",
            hours.div_ceil(2),
            hours * 2,
            1 + rng.below(4)
        );
        if kind == "database" {
            let _ = writeln!(
                text,
                "    data: {{ backup: [{{ every: 24h }}, {{ every: 7d, offline: true }}], replication: {{ lag: 15m }} }}"
            );
        }
    }
    files.push(text);

    let mut processes = String::from("processes:\n");
    let (apps_start, apps_end) = (bounds[5].0, n);
    let criticalities = ["vital", "essential", "important", "deferrable"];
    for p in 0..(n / 5).max(1) {
        let a = apps_start + rng.below(apps_end - apps_start);
        let b = apps_start + rng.below(apps_end - apps_start);
        let deps = if a == b {
            format!("[s{a}]")
        } else {
            format!("[s{a}, s{b}]")
        };
        let mtpd = [4, 24, 72, 168][rng.below(4)];
        let _ = writeln!(
            processes,
            "  p{p}: {{ name: Processus {p}, entity: e{}, criticality: {}, mtpd: {mtpd}h, rpo: 24h, depends_on: {deps}{} }}",
            p % 10,
            criticalities[rng.below(4)],
            if p % 3 == 0 {
                ", workaround: { name: papier, activation: 2h, max_duration: 72h }"
            } else {
                ""
            }
        );
    }

    let mut root = String::from("name: Plan synthétique\ninclude:\n");
    for i in 0..files.len() {
        let _ = writeln!(root, "  - services-{i:03}.yaml");
    }
    root.push_str("  - processes.yaml\nentities:\n");
    for e in 0..10 {
        let _ = writeln!(root, "  e{e}: {{ name: Entité {e} }}");
    }
    root.push_str("sites:\n");
    for s in 0..sites {
        let _ = writeln!(root, "  site{s}: {{ name: Site {s} }}");
    }
    root.push_str(
        "zones:\n  z0: { reach: [z1] }\n  z1: { reach: [z2] }\n  z2: { reach: [z3] }\n  z3: {}\n",
    );
    root.push_str("teams:\n");
    for team in ["infra", "reseau", "dba", "appli"] {
        let _ = writeln!(root, "  {team}: {{ name: Équipe {team}, capacity: 3 }}");
    }
    std::fs::write(dir.join("plan.yaml"), root).expect("write plan.yaml");
    for (i, f) in files.iter().enumerate() {
        std::fs::write(dir.join(format!("services-{i:03}.yaml")), f).expect("write services");
    }
    std::fs::write(dir.join("processes.yaml"), processes).expect("write processes");
    // A scenario for the simulation benchmark: one site destroyed, another
    // out for half a day, an attack entering through a web front end.
    let web = bounds[6].0;
    let scenario = format!(
        "name: Scénario synthétique\nplan: plan.yaml\nevents:\n  - {{ at: 0m, destroy: site:site0 }}\n  - {{ at: 2h, outage: site:site1, for: 12h }}\nattack:\n  entry: s{web}\n  spread: {{ mean: 6h }}\n  dwell: 2d\n"
    );
    std::fs::write(dir.join("scenario.yaml"), scenario).expect("write scenario.yaml");
    eprintln!(
        "wrote {n} services in {} files and a scenario to {}",
        files.len() + 2,
        dir.display()
    );
}

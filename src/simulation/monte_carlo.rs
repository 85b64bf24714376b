//! Many runs of a scenario: durations drawn from each service's `range`
//! (triangular around the planned duration) and the attack's spread drawn
//! afresh, to give distributions instead of one story.
//!
//! Run `i` draws from a generator seeded by the scenario seed and `i` alone,
//! and results are gathered in run order, so the output is byte-identical
//! whatever the number of threads.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use std::collections::HashMap;

use super::{Command, results};
use crate::graph::DependencyGraph;
use crate::model::{Dependency, NodeRef, Plan, ProcessId, ServiceId};
use crate::recovery;
use crate::scenario::Scenario;

/// What one run keeps for the statistics.
struct Sample {
    down: Vec<u64>,
    breach: Vec<bool>,
    /// Per data service hit in some run: loss, `None` when everything.
    loss: Vec<(ServiceId, Option<u64>)>,
    /// Services on the path that made a breaching process late.
    critical: Vec<ServiceId>,
}

#[derive(Debug, Clone)]
pub struct ProcessStats {
    pub process: ProcessId,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub breach_probability: f64,
    /// 95 % Wilson interval of the breach probability.
    pub ci: (f64, f64),
}

#[derive(Debug, Clone)]
pub struct DataStats {
    pub service: ServiceId,
    /// Runs in which the service was hit.
    pub runs: usize,
    /// Percentiles over the runs where some copy survived.
    pub p50: Option<u64>,
    pub p90: Option<u64>,
    pub p99: Option<u64>,
    /// Share of the runs that hit it where every copy was lost.
    pub everything_lost: f64,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub runs: usize,
    pub processes: Vec<ProcessStats>,
    pub data: Vec<DataStats>,
    /// Services most often on the critical path of a late process, with
    /// the share of runs.
    pub critical: Vec<(ServiceId, f64)>,
}

/// The seed of run `i`: independent of the others and of the threads.
fn run_seed(seed: u64, i: u64) -> u64 {
    // SplitMix64 of the pair: well-spread, reproducible.
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A draw from the triangular distribution on [a, b] with mode c.
fn triangular(a: f64, c: f64, b: f64, u: f64) -> f64 {
    if b <= a {
        return c;
    }
    let fc = (c - a) / (b - a);
    if u < fc {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    }
}

fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Wilson score interval at 95 %.
fn wilson(successes: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, p, z) = (n as f64, successes as f64 / n as f64, 1.96f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Runs the scenario `runs` times on the current rayon pool; `progress` is
/// told each finished run (from any thread).
pub fn simulate(
    plan: &Plan,
    graph: &DependencyGraph,
    scenario: &Scenario,
    runs: u64,
    seed: u64,
    schedules: u64,
    progress: &(dyn Fn() + Sync),
) -> Stats {
    let samples: Vec<Sample> = (0..runs)
        .into_par_iter()
        .map(|i| {
            let s = one(plan, graph, scenario, run_seed(seed, i), schedules);
            progress();
            s
        })
        .collect();
    aggregate(plan, &samples)
}

fn one(
    plan: &Plan,
    graph: &DependencyGraph,
    scenario: &Scenario,
    seed: u64,
    schedules: u64,
) -> Sample {
    // Durations: a separate stream, so adding an attack does not shift them.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xD0_5E_ED);
    let mut scale = vec![1.0; plan.services.len()];
    for s in plan.service_ids() {
        let r = &plan.service(s).recovery;
        let u: f64 = rng.random();
        if let Some((min, max)) = r.range {
            let planned = r.duration.as_secs() as f64;
            if planned > 0.0 {
                let drawn = triangular(min.as_secs() as f64, planned, max.as_secs() as f64, u);
                scale[s.index()] = drawn / planned;
            }
        }
    }
    let mut engine = scenario.engine(
        plan,
        graph,
        Command::Plan { schedules },
        recovery::Options {
            seed,
            ..Default::default()
        },
    );
    // The teams plan with the planned durations; the work takes the drawn
    // ones, and they plan again when it ends early or late.
    engine.set_scale(scale);
    engine.run_until_quiet(scenario.horizon.as_secs());
    let run = results(engine, scenario.horizon.as_secs());
    // The critical path of each breaching process: from the process, the
    // dependency whose work finished last, and so on.
    let mut finish: HashMap<ServiceId, u64> = HashMap::new();
    for w in run.work.iter().filter(|w| !w.interrupted) {
        let f = finish.entry(w.service).or_default();
        *f = (*f).max(w.finish);
    }
    let waits = |node: NodeRef| -> Vec<ServiceId> {
        plan.depends_on(node)
            .iter()
            .filter(|d| !matches!(d, Dependency::Soft(_)))
            .flat_map(|d| d.services().to_vec())
            .filter(|s| finish.contains_key(s))
            .collect()
    };
    let mut critical = Vec::new();
    for r in run.processes.iter().filter(|r| r.breach) {
        let mut frontier = waits(NodeRef::Process(r.process));
        while let Some(&last) = frontier
            .iter()
            .max_by_key(|s| (finish[s], std::cmp::Reverse(**s)))
        {
            if critical.contains(&last) {
                break;
            }
            critical.push(last);
            frontier = waits(NodeRef::Service(last));
        }
    }
    Sample {
        down: run.processes.iter().map(|p| p.down).collect(),
        breach: run.processes.iter().map(|p| p.breach).collect(),
        loss: run.data.iter().map(|d| (d.service, d.loss)).collect(),
        critical,
    }
}

fn aggregate(plan: &Plan, samples: &[Sample]) -> Stats {
    let runs = samples.len();
    let processes = plan
        .process_ids()
        .map(|p| {
            let mut down: Vec<u64> = samples.iter().map(|s| s.down[p.index()]).collect();
            down.sort_unstable();
            let breaches = samples.iter().filter(|s| s.breach[p.index()]).count();
            ProcessStats {
                process: p,
                p50: percentile(&down, 0.5),
                p90: percentile(&down, 0.9),
                p99: percentile(&down, 0.99),
                breach_probability: if runs == 0 {
                    0.0
                } else {
                    breaches as f64 / runs as f64
                },
                ci: wilson(breaches, runs),
            }
        })
        .collect();
    let mut data = Vec::new();
    for s in plan.service_ids() {
        let losses: Vec<Option<u64>> = samples
            .iter()
            .flat_map(|x| x.loss.iter().filter(|(id, _)| *id == s).map(|(_, l)| *l))
            .collect();
        if losses.is_empty() {
            continue;
        }
        let mut known: Vec<u64> = losses.iter().flatten().copied().collect();
        known.sort_unstable();
        let everything = losses.iter().filter(|l| l.is_none()).count();
        let pick = |q| (!known.is_empty()).then(|| percentile(&known, q));
        data.push(DataStats {
            service: s,
            runs: losses.len(),
            p50: pick(0.5),
            p90: pick(0.9),
            p99: pick(0.99),
            everything_lost: everything as f64 / losses.len() as f64,
        });
    }
    let mut count = vec![0usize; plan.services.len()];
    for s in samples {
        for c in &s.critical {
            count[c.index()] += 1;
        }
    }
    let mut critical: Vec<(ServiceId, f64)> = plan
        .service_ids()
        .filter(|s| count[s.index()] > 0)
        .map(|s| (s, count[s.index()] as f64 / runs.max(1) as f64))
        .collect();
    critical.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    critical.truncate(15);
    Stats {
        runs,
        processes,
        data,
        critical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_intervals() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(
            (
                percentile(&v, 0.5),
                percentile(&v, 0.9),
                percentile(&v, 0.99)
            ),
            (50, 90, 99)
        );
        let (lo, hi) = wilson(50, 100);
        assert!(
            (lo - 0.404).abs() < 0.01 && (hi - 0.596).abs() < 0.01,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 10).0, 0.0);
    }

    #[test]
    fn triangular_stays_in_its_range() {
        for k in 0..=100 {
            let x = triangular(2.0, 4.0, 12.0, k as f64 / 100.0);
            assert!((2.0..=12.0).contains(&x));
        }
        assert_eq!(triangular(2.0, 4.0, 12.0, 0.2), 4.0);
    }
}

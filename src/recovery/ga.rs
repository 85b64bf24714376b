//! The search: an activity-list genetic algorithm (Hartmann's, with
//! two-point crossover and adjacent-swap mutation) whose every individual is
//! decoded by the serial schedule-generation scheme and improved by
//! forward-backward justification, the improved order written back into the
//! individual.
//!
//! The first individual follows latest-finish-time priorities from a backward
//! pass over deadlines and durations; the others are drawn by regret-based
//! biased sampling on the same priorities. Everything random comes from one
//! seeded generator: the same seed and budget give the same schedule.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::problem::{Problem, Req};
use super::sgs::{Decoder, Schedule, Score};

/// How long to search.
pub struct Budget<'a> {
    /// Schedules to generate at most (each decode and each justification
    /// pass counts one).
    pub schedules: u64,
    /// Asked between generations; `true` stops the search. The command line
    /// uses it for a wall-clock limit; the engine itself never reads a clock.
    pub stop: &'a dyn Fn() -> bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub seed: u64,
    pub population: usize,
    pub mutation: f64,
    /// Generations without a better best before the population is renewed.
    pub restart_after: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 0,
            population: 30,
            mutation: 0.1,
            restart_after: 15,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Solution {
    pub schedule: Schedule,
    /// The priority list that produces it.
    pub list: Vec<usize>,
    /// Schedules generated.
    pub generated: u64,
    /// A lower bound on the makespan (critical path with releases).
    pub lower_bound: u64,
}

struct Individual {
    list: Vec<usize>,
    /// Decoded with the parallel scheme rather than the serial one; each
    /// individual carries its choice and passes it on (self-adaptation).
    parallel: bool,
    /// Per task, its mode plus one, or 0 for the mode that ends first;
    /// empty when no task has more than one mode.
    genes: Vec<u8>,
    schedule: Schedule,
}

impl Individual {
    fn score(&self) -> Score {
        self.schedule.score
    }
}

/// Latest finish times from a backward pass: deadlines of the milestones
/// and a horizon for the rest. Smaller means more urgent.
fn latest_finish(problem: &Problem, successors: &dyn Fn(usize) -> Vec<usize>) -> Vec<u64> {
    let n = problem.tasks.len();
    let horizon: u64 = problem.tasks.iter().map(|t| t.longest()).sum::<u64>()
        + problem.tasks.iter().map(|t| t.release).max().unwrap_or(0);
    let mut lft = vec![horizon; n];
    for m in &problem.milestones {
        let due = m.deadline.unwrap_or(horizon).saturating_sub(m.resume);
        for r in &m.reqs {
            for &t in r.tasks() {
                lft[t] = lft[t].min(due);
            }
        }
    }
    // Tasks in reverse topological order: repeat until stable (the
    // precedences are acyclic, so n passes suffice; usually two do).
    for _ in 0..n {
        let mut changed = false;
        for j in (0..n).rev() {
            let mut best = lft[j];
            for s in successors(j) {
                best = best.min(lft[s].saturating_sub(problem.tasks[s].shortest()));
            }
            if best < lft[j] {
                lft[j] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    lft
}

/// Earliest finish times ignoring resources: a lower bound on the makespan.
fn critical_path(problem: &Problem) -> u64 {
    let n = problem.tasks.len();
    let mut ef = vec![0u64; n];
    for _ in 0..n {
        let mut changed = false;
        for j in 0..n {
            let t = &problem.tasks[j];
            let mut start = t.release;
            for r in &t.reqs {
                match r {
                    Req::Task(p) => start = start.max(ef[*p]),
                    Req::Group { need, of } => {
                        let mut f: Vec<u64> = of.iter().map(|&m| ef[m]).collect();
                        f.sort_unstable();
                        start = start.max(f[*need as usize - 1]);
                    }
                }
            }
            if start + t.shortest() > ef[j] {
                ef[j] = start + t.shortest();
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ef.into_iter().max().unwrap_or(0)
}

/// Whether `j` may come at a position where `before` tells which tasks come
/// earlier.
fn eligible(problem: &Problem, j: usize, before: &dyn Fn(usize) -> bool) -> bool {
    problem.tasks[j].reqs.iter().all(|r| match r {
        Req::Task(p) => before(*p),
        Req::Group { need, of } => of.iter().filter(|&&m| before(m)).count() >= *need as usize,
    })
}

/// Draws a precedence-feasible list, choosing among eligible tasks with
/// probability growing with urgency; `greedy` always takes the most urgent.
fn sample(
    problem: &Problem,
    lft: &[u64],
    successors: &[Vec<usize>],
    rng: &mut ChaCha8Rng,
    greedy: bool,
) -> Vec<usize> {
    let n = problem.tasks.len();
    let mut in_list = vec![false; n];
    let mut list = Vec::with_capacity(n);
    let mut candidates: Vec<usize> = (0..n)
        .filter(|&j| eligible(problem, j, &|_| false))
        .collect();
    while !candidates.is_empty() {
        let max = candidates.iter().map(|&j| lft[j]).max().unwrap_or(0);
        let pick = if greedy {
            (0..candidates.len())
                .min_by_key(|&i| (lft[candidates[i]], candidates[i]))
                .unwrap_or(0)
        } else {
            let weights: Vec<u64> = candidates.iter().map(|&j| max - lft[j] + 1).collect();
            let total: u64 = weights.iter().sum();
            let mut x = rng.random_range(0..total);
            let mut i = 0;
            while x >= weights[i] {
                x -= weights[i];
                i += 1;
            }
            i
        };
        let j = candidates.swap_remove(pick);
        in_list[j] = true;
        list.push(j);
        for &s in &successors[j] {
            if !in_list[s] && !candidates.contains(&s) && eligible(problem, s, &|x| in_list[x]) {
                candidates.push(s);
            }
        }
    }
    // Anything left out (only if the precedences were cyclic) goes last.
    list.extend((0..n).filter(|&j| !in_list[j]));
    list
}

/// Two-point crossover: the mother's head, the father's tasks not yet taken
/// up to the second point, the mother's rest. Keeps precedence feasibility.
fn crossover(mother: &[usize], father: &[usize], q1: usize, q2: usize) -> Vec<usize> {
    let n = mother.len();
    let mut taken = vec![false; n];
    let mut child = Vec::with_capacity(n);
    for &j in &mother[..q1] {
        taken[j] = true;
        child.push(j);
    }
    for &j in father {
        if child.len() >= q2 {
            break;
        }
        if !taken[j] {
            taken[j] = true;
            child.push(j);
        }
    }
    for &j in mother {
        if !taken[j] {
            taken[j] = true;
            child.push(j);
        }
    }
    child
}

/// Swaps neighbours with some probability when the swap keeps the list
/// feasible.
fn mutate(problem: &Problem, list: &mut [usize], p: f64, rng: &mut ChaCha8Rng) {
    let n = list.len();
    if n < 2 {
        return;
    }
    let mut position = vec![0usize; n];
    for (i, &j) in list.iter().enumerate() {
        position[j] = i;
    }
    for i in 0..n - 1 {
        if !rng.random_bool(p) {
            continue;
        }
        let (a, b) = (list[i], list[i + 1]);
        // b moves before a: still feasible if b does not need a there.
        let ok = eligible(problem, b, &|x| x != a && position[x] < i + 1);
        if ok {
            list.swap(i, i + 1);
            position[a] = i + 1;
            position[b] = i;
        }
    }
}

/// Draws new mode genes: each task with several modes, with probability
/// `p`, gets a mode or goes back to "the one that ends first".
fn mutate_genes(problem: &Problem, genes: &mut [u8], p: f64, rng: &mut ChaCha8Rng) {
    for (g, t) in genes.iter_mut().zip(&problem.tasks) {
        if !t.alternatives.is_empty() && rng.random_bool(p) {
            *g = rng.random_range(0..=t.alternatives.len() + 1) as u8;
        }
    }
}

fn evaluate(decoder: &mut Decoder, list: Vec<usize>, genes: Vec<u8>, parallel: bool) -> Individual {
    let first = if parallel {
        decoder.decode_parallel(&list, &genes)
    } else {
        decoder.decode_with(&list, &genes)
    };
    let better = decoder.justify(&first);
    // Write the improved order back, so offspring inherit it.
    let list = if better.score < first.score {
        let mut l: Vec<usize> = (0..better.start.len()).collect();
        l.sort_by_key(|&j| (better.start[j], j));
        l
    } else {
        list
    };
    Individual {
        list,
        parallel,
        genes,
        schedule: better,
    }
}

/// Keeps the `size` best individuals, one per distinct schedule, so the
/// population does not fill with copies.
fn select(population: &mut Vec<Individual>, size: usize) {
    population.sort_by(|a, b| {
        a.score()
            .cmp(&b.score())
            .then_with(|| a.schedule.start.cmp(&b.schedule.start))
    });
    population.dedup_by(|a, b| a.schedule.start == b.schedule.start);
    population.truncate(size);
}

/// Searches for the best schedule within the budget.
pub fn solve(problem: &Problem, options: Options, budget: &Budget) -> Solution {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut decoder = Decoder::new(problem);
    let successors: Vec<Vec<usize>> = (0..problem.tasks.len())
        .map(|j| decoder.successors(j).to_vec())
        .collect();
    let lft = latest_finish(problem, &|j| successors[j].clone());
    let lower_bound = critical_path(problem);
    let optimal = |s: Score| {
        s.breached == 0
            && s.lateness == 0
            && s.makespan <= lower_bound
            && problem.milestones.is_empty()
    };

    // Mode genes only where some task has a choice of crews: problems
    // without keep the same random draws.
    let multi = problem.tasks.iter().any(|t| !t.alternatives.is_empty());
    let greedy_genes = || vec![0u8; if multi { problem.tasks.len() } else { 0 }];
    let mut population: Vec<Individual> = Vec::with_capacity(options.population * 2);
    population.push(evaluate(
        &mut decoder,
        sample(problem, &lft, &successors, &mut rng, true),
        greedy_genes(),
        false,
    ));
    while population.len() < options.population.max(2)
        && decoder.generated < budget.schedules
        && !optimal(population[0].score())
    {
        let list = sample(problem, &lft, &successors, &mut rng, false);
        let parallel = rng.random_bool(0.5);
        let mut genes = greedy_genes();
        mutate_genes(problem, &mut genes, 0.5, &mut rng);
        population.push(evaluate(&mut decoder, list, genes, parallel));
    }
    select(&mut population, options.population.max(2));
    let n = problem.tasks.len();
    let size = options.population.max(2);
    let mut best = population[0].score();
    let mut stale = 0;
    while decoder.generated < budget.schedules
        && !optimal(population[0].score())
        && !(budget.stop)()
        && n > 1
    {
        let count = population.len();
        let mut order: Vec<usize> = (0..count).collect();
        for i in (1..count).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut children = Vec::with_capacity(count);
        for pair in order.chunks(2) {
            let [m, f] = pair else { continue };
            let q1 = rng.random_range(0..n);
            let q2 = rng.random_range(q1..=n);
            for (a, b) in [(*m, *f), (*f, *m)] {
                let mut child = crossover(&population[a].list, &population[b].list, q1, q2);
                mutate(problem, &mut child, options.mutation, &mut rng);
                let parallel = population[a].parallel ^ rng.random_bool(options.mutation);
                // Modes: the mother's before the second point, the
                // father's after (as the list's head and tail).
                let mut genes: Vec<u8> = (0..population[a].genes.len())
                    .map(|j| {
                        let from = if j < q2 { a } else { b };
                        population[from].genes[j]
                    })
                    .collect();
                mutate_genes(problem, &mut genes, options.mutation, &mut rng);
                children.push(evaluate(&mut decoder, child, genes, parallel));
            }
        }
        population.extend(children);
        select(&mut population, size);
        if population[0].score() < best {
            best = population[0].score();
            stale = 0;
        } else {
            stale += 1;
        }
        // Stuck: keep the best few and start afresh around them.
        if stale >= options.restart_after {
            stale = 0;
            population.truncate((size / 10).max(1));
            while population.len() < size && decoder.generated < budget.schedules {
                let (list, mut genes) = if rng.random_bool(0.5) {
                    let mut l = population[0].list.clone();
                    mutate(problem, &mut l, 0.5, &mut rng);
                    (l, population[0].genes.clone())
                } else {
                    (
                        sample(problem, &lft, &successors, &mut rng, false),
                        greedy_genes(),
                    )
                };
                mutate_genes(problem, &mut genes, 0.5, &mut rng);
                let parallel = rng.random_bool(0.5);
                population.push(evaluate(&mut decoder, list, genes, parallel));
            }
            select(&mut population, size);
        }
    }
    let best = population.swap_remove(0);
    Solution {
        schedule: best.schedule,
        list: best.list,
        generated: decoder.generated,
        lower_bound,
    }
}

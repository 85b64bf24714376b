//! The scheduler on random problems: every schedule it returns is feasible
//! (precedences, "any k of" groups, releases, team capacities that change
//! over time), checked by an independent checker; on tiny problems it finds
//! the optimum that an exhaustive search over start times finds; the same
//! seed gives the same schedule.

use proptest::prelude::*;
use reprise::recovery::{Budget, Milestone, Options, Problem, Req, Score, Task, solve};

/// Random problems; with `multi`, tasks may have a second mode (another
/// team, slower), as a team standing in does.
fn problem(max_tasks: usize, max_duration: u64, multi: bool) -> impl Strategy<Value = Problem> {
    (2..=max_tasks, 1usize..=3).prop_flat_map(move |(n, teams)| {
        let task = move |j: usize| {
            (
                0..=max_duration,
                0u64..3,
                proptest::collection::vec((0..teams, 1u32..=2), 0..=2),
                proptest::collection::vec(
                    proptest::sample::subsequence((0..j.max(1)).collect::<Vec<_>>(), 0..=j.min(3)),
                    0..=2,
                ),
                0u32..3,
                proptest::collection::vec((0..teams, 1u32..=2, 0u64..=3), 0..=usize::from(multi)),
            )
        };
        let tasks: Vec<_> = (0..n).map(task).collect();
        let capacity = proptest::collection::vec(
            (2u32..=3, proptest::option::of((1u64..6, 0u32..=2, 2u64..8))),
            teams,
        );
        let milestones = proptest::collection::vec(
            (
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n.min(3)),
                0u64..3,
                1u64..30,
                1u64..100,
            ),
            0..=2,
        );
        (tasks, capacity, milestones).prop_map(move |(tasks, capacity, milestones)| {
            let tasks: Vec<Task> = tasks
                .into_iter()
                .enumerate()
                .map(
                    |(j, (duration, release, mut needs, groups, k, alternative))| {
                        needs.sort();
                        needs.dedup_by_key(|x| x.0);
                        let reqs = if j == 0 {
                            Vec::new()
                        } else {
                            groups
                                .into_iter()
                                .filter(|g| !g.is_empty())
                                .map(|of| {
                                    if of.len() == 1 {
                                        Req::Task(of[0])
                                    } else {
                                        Req::Group {
                                            need: (k as usize % of.len() + 1) as u32,
                                            of,
                                        }
                                    }
                                })
                                .collect()
                        };
                        Task {
                            label: format!("t{j}"),
                            duration,
                            release,
                            needs,
                            reqs,
                            alternatives: alternative
                                .into_iter()
                                .map(|(team, people, extra)| {
                                    (duration + extra, vec![(team, people)])
                                })
                                .collect(),
                        }
                    },
                )
                .collect();
            // Full strength, possibly a dip (staff shortage) for a while.
            let capacity: Vec<Vec<(u64, u32)>> = capacity
                .into_iter()
                .map(|(full, dip)| match dip {
                    Some((from, low, length)) => {
                        vec![(0, full), (from, low.min(full)), (from + length, full)]
                    }
                    None => vec![(0, full)],
                })
                .collect();
            let milestones = milestones
                .into_iter()
                .enumerate()
                .map(|(i, (of, resume, deadline, weight))| Milestone {
                    label: format!("m{i}"),
                    reqs: of.into_iter().map(Req::Task).collect(),
                    at: 0,
                    after: None,
                    resume,
                    deadline: Some(deadline),
                    weight,
                })
                .collect();
            Problem {
                tasks,
                teams: (0..capacity.len()).map(|t| format!("team{t}")).collect(),
                capacity,
                milestones,
            }
        })
    })
}

fn capacity_at(steps: &[(u64, u32)], t: u64) -> u32 {
    steps
        .iter()
        .take_while(|s| s.0 <= t)
        .last()
        .map_or(0, |s| s.1)
}

fn met(reqs: &[Req], finish: &[u64], at: u64) -> bool {
    reqs.iter().all(|r| match r {
        Req::Task(p) => finish[*p] <= at,
        Req::Group { need, of } => {
            of.iter().filter(|&&m| finish[m] <= at).count() >= *need as usize
        }
    })
}

/// Why `start` (each task in its `mode`) is not a feasible schedule of
/// `p`, if it is not.
fn infeasible(p: &Problem, start: &[u64], mode: &[u8]) -> Option<String> {
    let finish: Vec<u64> = finishes(p, start, mode);
    for (j, t) in p.tasks.iter().enumerate() {
        if start[j] < t.release {
            return Some(format!("t{j} starts before its release"));
        }
        if !met(&t.reqs, &finish, start[j]) {
            return Some(format!("t{j} starts before its requirements"));
        }
    }
    let mut moments: Vec<u64> = start.to_vec();
    moments.extend(p.capacity.iter().flatten().map(|c| c.0));
    for &m in &moments {
        for (team, steps) in p.capacity.iter().enumerate() {
            let used: u32 = p
                .tasks
                .iter()
                .enumerate()
                .filter(|(j, _)| start[*j] <= m && m < finish[*j])
                .flat_map(|(j, t)| {
                    let needs = t.mode(usize::from(mode[j])).1.to_vec();
                    needs.into_iter().filter(|n| n.0 == team).map(|n| n.1)
                })
                .sum();
            if used > capacity_at(steps, m) {
                return Some(format!("team {team} over capacity at {m}: {used}"));
            }
        }
    }
    None
}

fn finishes(p: &Problem, start: &[u64], mode: &[u8]) -> Vec<u64> {
    p.tasks
        .iter()
        .enumerate()
        .map(|(j, t)| start[j] + t.mode(usize::from(mode[j])).0)
        .collect()
}

fn score(p: &Problem, start: &[u64], mode: &[u8]) -> Score {
    let finish: Vec<u64> = finishes(p, start, mode);
    let mut s = Score {
        makespan: finish.iter().copied().max().unwrap_or(0),
        ..Score::default()
    };
    for m in &p.milestones {
        let ready = m
            .reqs
            .iter()
            .map(|r| match r {
                Req::Task(x) => finish[*x],
                Req::Group { need, of } => {
                    let mut f: Vec<u64> = of.iter().map(|&x| finish[x]).collect();
                    f.sort();
                    f[*need as usize - 1]
                }
            })
            .max()
            .unwrap_or(0);
        let done = ready + m.resume;
        s.restored += m.weight * done;
        if let Some(d) = m.deadline.filter(|&d| done > d) {
            s.breached += m.weight;
            s.lateness += m.weight * (done - d);
        }
    }
    s
}

/// The best score over every assignment of start times in [0, horizon].
fn exhaustive(p: &Problem, horizon: u64) -> Score {
    fn go(p: &Problem, horizon: u64, start: &mut Vec<u64>, best: &mut Option<Score>) {
        let j = start.len();
        if j == p.tasks.len() {
            let single = vec![0; start.len()];
            if infeasible(p, start, &single).is_none() {
                let s = score(p, start, &single);
                if best.is_none_or(|b| s < b) {
                    *best = Some(s);
                }
            }
            return;
        }
        for s in 0..=horizon {
            start.push(s);
            go(p, horizon, start, best);
            start.pop();
        }
    }
    let mut best = None;
    go(p, horizon, &mut Vec::new(), &mut best);
    best.expect("some schedule fits the horizon")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn schedules_are_feasible(p in problem(9, 6, true), seed in 0u64..1000) {
        prop_assume!(p.validate().is_ok());
        let never = || false;
        let s = solve(&p, Options { seed, ..Options::default() }, &Budget { schedules: 300, stop: &never });
        let (start, mode) = (&s.schedule.start, &s.schedule.mode);
        prop_assert!(mode.iter().zip(&p.tasks).all(|(&m, t)| usize::from(m) <= t.alternatives.len()));
        prop_assert_eq!(&s.schedule.finish, &finishes(&p, start, mode));
        prop_assert_eq!(infeasible(&p, start, mode), None);
        prop_assert_eq!(s.schedule.score, score(&p, start, mode));
        prop_assert!(s.schedule.score.makespan >= s.lower_bound);
    }

    #[test]
    fn the_same_seed_gives_the_same_schedule(p in problem(8, 5, true), seed in 0u64..1000) {
        prop_assume!(p.validate().is_ok());
        let never = || false;
        let a = solve(&p, Options { seed, ..Options::default() }, &Budget { schedules: 500, stop: &never });
        let b = solve(&p, Options { seed, ..Options::default() }, &Budget { schedules: 500, stop: &never });
        prop_assert_eq!(a.schedule, b.schedule);
        prop_assert_eq!(a.list, b.list);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, .. ProptestConfig::default() })]

    #[test]
    fn tiny_problems_are_solved_to_optimality(p in problem(4, 3, false)) {
        prop_assume!(p.validate().is_ok());
        // Every task can always run alone after every dip: this horizon
        // holds an optimal schedule.
        let dips: u64 = p.capacity.iter().flatten().map(|c| c.0).max().unwrap_or(0);
        let horizon = dips + p.tasks.iter().map(|t| t.duration + t.release).sum::<u64>();
        let best = exhaustive(&p, horizon);
        let never = || false;
        let s = solve(&p, Options::default(), &Budget { schedules: 3000, stop: &never });
        prop_assert_eq!(s.schedule.score, best);
    }
}

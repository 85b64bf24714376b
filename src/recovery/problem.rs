//! The recovery problem as a scheduler sees it: tasks with durations, the
//! people of each team they need at once, and what must be done before them;
//! milestones (the processes) whose lateness is the objective.
//!
//! This is a resource-constrained project scheduling problem (RCPSP) with
//! "any k of" precedences: every PSPLIB instance is one, and so is the
//! recovery of a plan after an incident.

/// What must be finished before a task can start (or a milestone be met).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Req {
    /// This task.
    Task(usize),
    /// At least `need` of these tasks (1 ≤ need ≤ of.len()).
    Group { need: u32, of: Vec<usize> },
}

#[derive(Debug, Clone)]
pub struct Task {
    /// For people: the service id, or the job number.
    pub label: String,
    /// Seconds of work.
    pub duration: u64,
    /// Earliest start, in seconds from the incident.
    pub release: u64,
    /// (team, people) needed for the whole duration.
    pub needs: Vec<(usize, u32)>,
    pub reqs: Vec<Req>,
    /// Other ways of staffing it: `(duration, needs)` (another team
    /// standing in, fewer people), each usually slower. The scheduler
    /// picks one per task; `duration` and `needs` above are mode 0.
    pub alternatives: Vec<(u64, Vec<(usize, u32)>)>,
}

impl Task {
    /// Its modes, `(duration, needs)`, mode 0 first.
    pub fn modes(&self) -> impl Iterator<Item = (u64, &[(usize, u32)])> {
        std::iter::once((self.duration, self.needs.as_slice()))
            .chain(self.alternatives.iter().map(|(d, n)| (*d, n.as_slice())))
    }

    /// Whether it needs nobody (a return, an automatic failover): placing
    /// it later costs no one's time.
    pub fn free(&self) -> bool {
        self.modes().all(|(_, needs)| needs.is_empty())
    }

    /// Its shortest duration over its modes.
    pub fn shortest(&self) -> u64 {
        self.modes().map(|(d, _)| d).min().unwrap_or(self.duration)
    }

    /// Its longest duration over its modes.
    pub fn longest(&self) -> u64 {
        self.modes().map(|(d, _)| d).max().unwrap_or(self.duration)
    }

    /// Mode `m`'s `(duration, needs)`.
    pub fn mode(&self, m: usize) -> (u64, &[(usize, u32)]) {
        match m {
            0 => (self.duration, &self.needs),
            _ => {
                let (d, n) = &self.alternatives[m - 1];
                (*d, n)
            }
        }
    }
}

/// A process's incident: back once its requirements are met and its work
/// resumed.
///
/// A process can stop more than once (a service it needs fails again
/// later): each stop is a milestone, linked to the previous one by
/// `after`. A later stop whose requirements are all met by its `at` does
/// not happen; one that begins before the previous is over (work resumed)
/// is the same incident, judged against the first one's deadline.
#[derive(Debug, Clone)]
pub struct Milestone {
    pub label: String,
    pub reqs: Vec<Req>,
    /// When the incident begins (the process cannot be back before).
    pub at: u64,
    /// The milestone of the same process's previous stop.
    pub after: Option<usize>,
    /// Work recovery time after the IT is back.
    pub resume: u64,
    /// Latest acceptable time (the DMIA, extended by the workaround).
    pub deadline: Option<u64>,
    /// Weight of the process (by criticality).
    pub weight: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub tasks: Vec<Task>,
    /// Label of each team.
    pub teams: Vec<String>,
    /// Capacity of each team over time: `(from, people)` steps, in order.
    pub capacity: Vec<Vec<(u64, u32)>>,
    pub milestones: Vec<Milestone>,
}

/// Why a problem cannot be scheduled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    #[error(
        "task `{task}` needs {need} people of team `{team}`, which never has more than {capacity}"
    )]
    OverCapacity {
        task: String,
        team: String,
        need: u32,
        capacity: u32,
    },
    #[error("the precedences form a cycle through `{0}`")]
    Cycle(String),
    #[error("task `{task}` refers to task {missing}, which does not exist")]
    Dangling { task: String, missing: usize },
    #[error("task `{task}` has a group that needs {need} of {members} members")]
    BadGroup {
        task: String,
        need: u32,
        members: usize,
    },
}

impl Req {
    pub fn tasks(&self) -> &[usize] {
        match self {
            Req::Task(t) => std::slice::from_ref(t),
            Req::Group { of, .. } => of,
        }
    }
}

impl Problem {
    /// Checks what the scheduler relies on: references exist, groups are
    /// satisfiable, needs fit the final capacity, precedences are acyclic.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let n = self.tasks.len();
        let check_reqs = |label: &str, reqs: &[Req]| -> Result<(), ProblemError> {
            for r in reqs {
                if let Some(&missing) = r.tasks().iter().find(|&&t| t >= n) {
                    return Err(ProblemError::Dangling {
                        task: label.to_string(),
                        missing,
                    });
                }
                if let Req::Group { need, of } = r
                    && (*need == 0 || *need as usize > of.len())
                {
                    return Err(ProblemError::BadGroup {
                        task: label.to_string(),
                        need: *need,
                        members: of.len(),
                    });
                }
            }
            Ok(())
        };
        for t in &self.tasks {
            check_reqs(&t.label, &t.reqs)?;
            // Some mode must fit the final capacity; the first one's
            // shortfall is said.
            let over = |needs: &[(usize, u32)]| {
                needs.iter().find_map(|&(team, need)| {
                    let capacity = self.capacity[team].last().map_or(0, |c| c.1);
                    (need > capacity).then_some((team, need, capacity))
                })
            };
            if let Some((team, need, capacity)) = over(&t.needs)
                && t.alternatives.iter().all(|(_, n)| over(n).is_some())
            {
                return Err(ProblemError::OverCapacity {
                    task: t.label.clone(),
                    team: self.teams[team].clone(),
                    need,
                    capacity,
                });
            }
        }
        for (k, m) in self.milestones.iter().enumerate() {
            check_reqs(&m.label, &m.reqs)?;
            if m.after.is_some_and(|j| j >= k) {
                return Err(ProblemError::Dangling {
                    task: m.label.clone(),
                    missing: m.after.unwrap_or(k),
                });
            }
        }
        // Kahn's algorithm over "group members and hard predecessors".
        let mut indegree = vec![0usize; n];
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, t) in self.tasks.iter().enumerate() {
            for r in &t.reqs {
                for &p in r.tasks() {
                    succ[p].push(j);
                    indegree[j] += 1;
                }
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&j| indegree[j] == 0).collect();
        let mut seen = 0;
        while let Some(j) = ready.pop() {
            seen += 1;
            for &s in &succ[j] {
                indegree[s] -= 1;
                if indegree[s] == 0 {
                    ready.push(s);
                }
            }
        }
        if seen < n {
            let stuck = (0..n).find(|&j| indegree[j] > 0).unwrap_or(0);
            return Err(ProblemError::Cycle(self.tasks[stuck].label.clone()));
        }
        Ok(())
    }
}

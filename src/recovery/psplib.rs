//! Reads PSPLIB single-mode instances (`.sm` files) as recovery problems:
//! jobs are tasks, successors become predecessors, renewable resources are
//! teams, one period is one hour. Also reads the files of optimal or best
//! known makespans.

use super::problem::{Problem, Req, Task};

const HOUR: u64 = 3_600;

/// Why a file is not a PSPLIB instance we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

fn numbers(line: &str) -> Vec<u64> {
    line.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// Parses one `.sm` file.
pub fn parse(text: &str) -> Result<Problem, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let find = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(prefix))
            .ok_or_else(|| error(0, format!("no `{prefix}` section")))
    };
    let jobs_line = find("jobs (incl. supersource/sink )")?;
    let jobs = *numbers(lines[jobs_line].split(':').nth(1).unwrap_or(""))
        .first()
        .ok_or_else(|| error(jobs_line + 1, "no job count"))? as usize;
    let res_line = find("- renewable")?;
    let resources = *numbers(lines[res_line].split(':').nth(1).unwrap_or(""))
        .first()
        .ok_or_else(|| error(res_line + 1, "no resource count"))? as usize;

    let mut successors = vec![Vec::new(); jobs];
    let prec = find("PRECEDENCE RELATIONS:")? + 2;
    for (k, line) in lines[prec..prec + jobs].iter().enumerate() {
        let n = numbers(line);
        if n.len() < 3 || n[0] as usize != k + 1 {
            return Err(error(
                prec + k + 1,
                "expected `job modes successors-count successors…`",
            ));
        }
        successors[k] = n[3..].iter().map(|&s| s as usize - 1).collect();
        if successors[k].len() != n[2] as usize || successors[k].iter().any(|&s| s >= jobs) {
            return Err(error(prec + k + 1, "bad successor list"));
        }
    }
    let req = find("REQUESTS/DURATIONS:")? + 3;
    let mut tasks = Vec::with_capacity(jobs);
    for (k, line) in lines[req..req + jobs].iter().enumerate() {
        let n = numbers(line);
        if n.len() != 3 + resources || n[0] as usize != k + 1 {
            return Err(error(req + k + 1, "expected `job mode duration requests…`"));
        }
        tasks.push(Task {
            label: format!("{}", k + 1),
            duration: n[2] * HOUR,
            release: 0,
            needs: n[3..]
                .iter()
                .enumerate()
                .filter(|&(_, &r)| r > 0)
                .map(|(team, &r)| (team, r as u32))
                .collect(),
            alternatives: Vec::new(),
            reqs: Vec::new(),
        });
    }
    for (j, succ) in successors.iter().enumerate() {
        for &s in succ {
            tasks[s].reqs.push(Req::Task(j));
        }
    }
    let avail = find("RESOURCEAVAILABILITIES:")? + 2;
    let capacity = numbers(lines.get(avail).copied().unwrap_or(""));
    if capacity.len() != resources {
        return Err(error(avail + 1, "expected one availability per resource"));
    }
    Ok(Problem {
        tasks,
        teams: (1..=resources).map(|r| format!("R{r}")).collect(),
        capacity: capacity.iter().map(|&c| vec![(0, c as u32)]).collect(),
        milestones: Vec::new(),
    })
}

/// Reads a solutions file (`j30opt.sm`, `j60hrs.sm`, …): (parameter,
/// instance) → makespan in periods.
pub fn parse_solutions(text: &str) -> Vec<((u32, u32), u64)> {
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            match w.as_slice() {
                [p, i, m, ..] => Some(((p.parse().ok()?, i.parse().ok()?), m.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

/// Makespan in periods (hours) of a schedule of a PSPLIB problem.
pub fn periods(seconds: u64) -> u64 {
    seconds / HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small instance written for this test in the PSPLIB layout: jobs 1
    /// and 5 are dummies; 2 and 3 both need the single resource's 2 units.
    const TINY: &str = "\
************************************************************************
jobs (incl. supersource/sink ):  5
RESOURCES
  - renewable                 :  1   R
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          3           2   3   4
   2        1          1           5
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       2
  4      1     4       1
  5      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    3
************************************************************************
";

    #[test]
    fn reads_an_instance_and_solves_it() {
        let p = parse(TINY).unwrap();
        assert_eq!(p.tasks.len(), 5);
        assert_eq!(p.tasks[1].duration, 3 * HOUR);
        assert_eq!(
            p.tasks[4].reqs,
            vec![Req::Task(1), Req::Task(2), Req::Task(3)]
        );
        p.validate().unwrap();
        let never = || false;
        let s = crate::recovery::solve(
            &p,
            Default::default(),
            &crate::recovery::Budget {
                schedules: 200,
                stop: &never,
            },
        );
        // 2 and 3 cannot overlap (2 + 2 > 3); 4 runs beside them: 3 + 2 = 5.
        assert_eq!(periods(s.schedule.score.makespan), 5);
    }

    #[test]
    fn reads_solution_lines() {
        let s = parse_solutions(
            "Paramter Instance Makespan\n----\n1       1         43       0.30\n2\t10\t69\tTue\n",
        );
        assert_eq!(s, vec![((1, 1), 43), ((2, 10), 69)]);
    }
}

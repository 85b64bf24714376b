//! How many people of one team are free over time: a step function that
//! starts from the team's capacity (which may change over time) and loses
//! what each scheduled task takes.

/// Free capacity of one team: `steps[i] = (t, free)` holds from `t` until
/// the next step; the last step lasts for ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    steps: Vec<(u64, i64)>,
}

impl Profile {
    /// A profile from capacity changes `(from, capacity)`; before the first
    /// change the capacity is 0.
    pub fn new(capacity: &[(u64, u32)]) -> Profile {
        let mut steps: Vec<(u64, i64)> = Vec::with_capacity(capacity.len() + 1);
        if capacity.first().is_none_or(|&(t, _)| t > 0) {
            steps.push((0, 0));
        }
        for &(t, c) in capacity {
            match steps.last_mut() {
                Some(last) if last.0 == t => last.1 = i64::from(c),
                _ => steps.push((t, i64::from(c))),
            }
        }
        Profile { steps }
    }

    /// Index of the step that holds at `t`.
    fn at(&self, t: u64) -> usize {
        match self.steps.binary_search_by_key(&t, |s| s.0) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The earliest `s ≥ t` such that `need` people are free over
    /// `[s, s + d)`; `None` if that never happens.
    pub fn earliest_fit(&self, t: u64, d: u64, need: i64) -> Option<u64> {
        if need <= 0 || d == 0 {
            return Some(t);
        }
        let mut start = t;
        let mut i = self.at(start);
        'search: loop {
            let mut k = i;
            while k < self.steps.len() && self.steps[k].0 < start + d {
                if self.steps[k].1 < need {
                    // Blocked: try again right after this step.
                    let next = self.steps.get(k + 1)?.0;
                    start = next;
                    i = k + 1;
                    continue 'search;
                }
                k += 1;
            }
            return Some(start);
        }
    }

    /// The latest `f ≤ t` such that `need` people are free over `[f − d, f)`
    /// and `f − d ≥ not_before`; `None` if there is none.
    pub fn latest_fit(&self, t: u64, d: u64, need: i64, not_before: u64) -> Option<u64> {
        if need <= 0 || d == 0 {
            return Some(t);
        }
        let mut finish = t;
        loop {
            if finish < d || finish - d < not_before {
                return None;
            }
            let start = finish - d;
            // Walk the steps overlapping [start, finish) from the right.
            let mut k = self.at(finish - 1);
            let mut blocked = None;
            loop {
                if self.steps[k].1 < need {
                    blocked = Some(k);
                    break;
                }
                if self.steps[k].0 <= start || k == 0 {
                    break;
                }
                k -= 1;
            }
            match blocked {
                None => return Some(finish),
                // Blocked: the task must end before this step starts.
                Some(k) => finish = self.steps[k].0,
            }
        }
    }

    /// Takes `need` people over `[s, s + d)`.
    pub fn reserve(&mut self, s: u64, d: u64, need: i64) {
        if need <= 0 || d == 0 {
            return;
        }
        let first = self.split(s);
        let last = self.split(s + d);
        for step in &mut self.steps[first..last] {
            step.1 -= need;
        }
    }

    /// Makes sure a step starts at `t`; returns its index.
    fn split(&mut self, t: u64) -> usize {
        let i = self.at(t);
        if self.steps[i].0 == t {
            return i;
        }
        let free = self.steps[i].1;
        self.steps.insert(i + 1, (t, free));
        i + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_around_reservations_and_capacity_changes() {
        // 2 people until t=10, 1 from 10 to 20, 3 after.
        let mut p = Profile::new(&[(0, 2), (10, 1), (20, 3)]);
        assert_eq!(p.earliest_fit(0, 5, 2), Some(0));
        assert_eq!(p.earliest_fit(8, 5, 2), Some(20));
        p.reserve(0, 4, 1);
        assert_eq!(p.earliest_fit(0, 3, 2), Some(4));
        assert_eq!(p.earliest_fit(0, 3, 1), Some(0));
        assert_eq!(p.earliest_fit(0, 100, 4), None);
        assert_eq!(p.latest_fit(30, 5, 3, 0), Some(30));
        assert_eq!(p.latest_fit(22, 5, 2, 0), Some(10));
        assert_eq!(p.latest_fit(10, 5, 2, 0), Some(10));
        assert_eq!(p.latest_fit(6, 5, 2, 0), None);
        assert_eq!(p.latest_fit(9, 5, 2, 5), None);
        p.reserve(20, 5, 3);
        assert_eq!(p.earliest_fit(15, 5, 1), Some(15));
        assert_eq!(p.earliest_fit(15, 6, 1), Some(25));
    }
}

//! Minimal cut sets: the smallest sets of services whose joint failure takes
//! a node down, up to a given size.
//!
//! A node is down when one hard dependency is down or when every member of
//! one group is down (a group with fewer than `at_least` members up but one
//! still up is only degraded), so the cut sets follow a fault tree: a hard
//! dependency is an OR, a group an AND of its members, a soft link nothing.
//! Families are computed unit by unit, dependencies first, truncated to
//! `max_order` and kept minimal; inside a cycle they are iterated to their
//! least fixed point. Single points of failure are the cut sets of size one.
//!
//! A service with a failover standby is down for good only when it and its
//! standby are: its family is the AND of its own and its standby's (the
//! standby evaluated first; a cycle through standbys is cut, and the
//! service met first there keeps its own family). `impact` says for how
//! long it is down before the standby takes over.

use std::collections::HashSet;

use crate::graph::Units;
use crate::model::{Dependency, NodeRef, Plan, ServiceId};

/// A set of at most three services, sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CutSet {
    len: u8,
    items: [u32; 3],
}

/// The largest order supported.
const MAX_ORDER: usize = 3;

impl CutSet {
    fn single(s: u32) -> CutSet {
        CutSet {
            len: 1,
            items: [s, 0, 0],
        }
    }

    pub fn services(&self) -> impl Iterator<Item = ServiceId> + '_ {
        self.items[..self.len as usize]
            .iter()
            .map(|&s| ServiceId(s))
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The union of two sets, if it has at most `max` elements.
    fn union(&self, other: &CutSet, max: usize) -> Option<CutSet> {
        let mut items = [0u32; 3];
        let mut len = 0;
        let (a, b) = (
            &self.items[..self.len as usize],
            &other.items[..other.len as usize],
        );
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) if x == y => {
                    i += 1;
                    j += 1;
                    x
                }
                (Some(&x), Some(&y)) if x < y => {
                    i += 1;
                    x
                }
                (Some(_), Some(&y)) => {
                    j += 1;
                    y
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, Some(&y)) => {
                    j += 1;
                    y
                }
                (None, None) => break,
            };
            if len == max {
                return None;
            }
            items[len] = next;
            len += 1;
        }
        Some(CutSet {
            len: len as u8,
            items,
        })
    }

    /// Every proper non-empty subset.
    fn proper_subsets(&self) -> impl Iterator<Item = CutSet> + '_ {
        let n = self.len as usize;
        (1..(1u32 << n) - 1).map(move |mask| {
            let mut items = [0u32; 3];
            let mut len = 0;
            for (k, &item) in self.items[..n].iter().enumerate() {
                if mask & (1 << k) != 0 {
                    items[len] = item;
                    len += 1;
                }
            }
            CutSet {
                len: len as u8,
                items,
            }
        })
    }
}

/// Keeps the sets that contain no other set of the family, sorted by size
/// then content.
fn minimize(mut family: Vec<CutSet>) -> Vec<CutSet> {
    family.sort_unstable_by_key(|c| (c.len, c.items));
    family.dedup();
    let mut kept: HashSet<CutSet> = HashSet::with_capacity(family.len());
    let mut out = Vec::with_capacity(family.len());
    for c in family {
        if !c.proper_subsets().any(|s| kept.contains(&s)) {
            kept.insert(c);
            out.push(c);
        }
    }
    out
}

/// The AND of families: one set from each, united, truncated.
fn all_of(families: &[&[CutSet]], max: usize) -> Vec<CutSet> {
    let Some((first, rest)) = families.split_first() else {
        return Vec::new();
    };
    let mut acc: Vec<CutSet> = first.to_vec();
    for f in rest {
        let mut next = Vec::new();
        for a in &acc {
            for b in *f {
                if let Some(u) = a.union(b, max) {
                    next.push(u);
                }
            }
        }
        acc = minimize(next);
        if acc.is_empty() {
            break;
        }
    }
    acc
}

/// Minimal cut sets of every node (dense index), up to `max_order`.
pub fn cut_sets(plan: &Plan, units: &Units, max_order: usize) -> Vec<Vec<CutSet>> {
    let max_order = max_order.clamp(1, MAX_ORDER);
    let mut families: Vec<Vec<CutSet>> = vec![Vec::new(); plan.node_count()];
    let (order, standby_first) = units.order_with_standbys(plan);
    for u in order {
        let members = &units.members[u as usize];
        // A unit alone needs one pass; a cycle is iterated until stable.
        // Each pass can only add sets or replace them by subsets, so the
        // number of passes is bounded; the cap is a guard, never reached
        // in practice.
        let passes = if members.len() == 1 {
            1
        } else {
            4 * members.len() * max_order + 4
        };
        for _ in 0..passes {
            let mut changed = false;
            for &n in members {
                let family = evaluate(plan, n, &families, max_order);
                if family != families[n] {
                    families[n] = family;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if standby_first[u as usize]
            && let [x] = members.as_slice()
            && let Some(f) = plan.services[*x].recovery.failover
        {
            let both = [families[*x].as_slice(), families[f.to.index()].as_slice()];
            families[*x] = all_of(&both, max_order);
        }
    }
    families
}

fn evaluate(plan: &Plan, n: usize, families: &[Vec<CutSet>], max_order: usize) -> Vec<CutSet> {
    let node = plan.node_at(n);
    let mut family = Vec::new();
    if let NodeRef::Service(s) = node {
        family.push(CutSet::single(s.0));
    }
    for dep in plan.depends_on(node) {
        match dep {
            Dependency::Hard(d) => family.extend_from_slice(&families[d.index()]),
            Dependency::Soft(_) => {}
            Dependency::Group(g) => {
                let members: Vec<&[CutSet]> =
                    g.of.iter()
                        .map(|m| families[m.index()].as_slice())
                        .collect();
                family.extend(all_of(&members, max_order));
            }
        }
    }
    minimize(family)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[u32]) -> CutSet {
        let mut c = CutSet {
            len: items.len() as u8,
            items: [0; 3],
        };
        c.items[..items.len()].copy_from_slice(items);
        c
    }

    #[test]
    fn union_is_sorted_and_truncated() {
        assert_eq!(set(&[1, 4]).union(&set(&[2, 4]), 3), Some(set(&[1, 2, 4])));
        assert_eq!(set(&[1, 4]).union(&set(&[2, 4]), 2), None);
        assert_eq!(set(&[3]).union(&set(&[3]), 1), Some(set(&[3])));
    }

    #[test]
    fn minimize_drops_supersets() {
        let m = minimize(vec![
            set(&[1, 2]),
            set(&[2]),
            set(&[3, 4]),
            set(&[1, 3, 4]),
            set(&[2]),
        ]);
        assert_eq!(m, vec![set(&[2]), set(&[3, 4])]);
    }

    #[test]
    fn and_of_two_members() {
        let a = [set(&[1]), set(&[5])];
        let b = [set(&[2]), set(&[5])];
        assert_eq!(all_of(&[&a, &b], 2), vec![set(&[5]), set(&[1, 2])]);
        assert_eq!(all_of(&[&a, &b], 1), vec![set(&[5])]);
    }
}

//! What the random plans of the property tests share: a process's
//! tolerances and their YAML, and the check that a simulated run restores each process when the recovery
//! order foresaw it. Each property file keeps only the parts of a plan it
//! explores (dependency groups, attacks, relocations, staff…).

use std::fmt::Write;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reprise::model::Plan;
use reprise::recovery::RecoveryOrder;
use reprise::simulation::Run;

/// A process's tolerances, in hours: its MTPD, how long it takes to resume
/// once its services are back, and a workaround (activation, longest use).
#[derive(Debug, Clone)]
pub struct Tolerance {
    pub mtpd: u64,
    pub resume: u64,
    pub workaround: Option<(u64, u64)>,
}

/// Tolerances whose workaround takes up to `activation` hours to start.
pub fn tolerance(activation: u64) -> impl Strategy<Value = Tolerance> {
    (
        1u64..60,
        0u64..3,
        proptest::option::of((0u64..activation, 1u64..30)),
    )
        .prop_map(|(mtpd, resume, workaround)| Tolerance {
            mtpd,
            resume,
            workaround,
        })
}

/// Process `p{i}` of entity `e`, vital, with its tolerances; its
/// dependencies are for the caller to write.
pub fn write_process(y: &mut String, i: usize, t: &Tolerance) {
    let Tolerance { mtpd, resume, .. } = t;
    let _ = writeln!(
        y,
        "  p{i}:\n    name: P{i}\n    entity: e\n    criticality: vital\n    mtpd: {mtpd}h\n    resume: {resume}h"
    );
    if let Some((a, w)) = t.workaround {
        let _ = writeln!(
            y,
            "    workaround: {{ name: W, activation: {a}h, max_duration: {w}h }}"
        );
    }
}

/// Every process of the run is back when the recovery order has it back
/// (its last outcome there), or neither says it is.
pub fn restored_as_foreseen(
    run: &Run,
    order: &RecoveryOrder,
    plan: &Plan,
) -> Result<(), TestCaseError> {
    for r in &run.processes {
        let planned = order.processes.iter().rfind(|o| o.process == r.process);
        prop_assert_eq!(
            r.restored,
            planned.map(|o| o.restored),
            "{}: simulated {:?}, planned {:?}",
            plan.process(r.process).id,
            r.restored,
            planned
        );
    }
    Ok(())
}

//! Any lines typed by a facilitator: each is parsed as a change
//! (`Change::parse`) and applied to a session of the fire exercise, no
//! journal. Refusals are fine; panics are not.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reprise::exercise::command::Change;
use reprise::exercise::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let f = common::fire();
    let Ok(mut session) = Session::new(&f.exercise, &f.plan, &f.graph, &f.scenario, 1, None) else {
        return;
    };
    for line in text.lines().take(64) {
        if let Ok(change) = Change::parse(line) {
            let _ = session.apply(change, std::time::UNIX_EPOCH);
        }
    }
    let _ = session.view();
});

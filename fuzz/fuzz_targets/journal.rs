//! Any bytes given as a journal: reading must never panic, and replaying
//! what reads on the fire exercise refuses what does not fit, without
//! panicking (times past the horizon, decisions that do not parse, entries
//! out of order).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reprise::exercise::journal::Journal;
use reprise::exercise::session::Session;

fuzz_target!(|data: &[u8]| {
    let path = common::write_input("target", "journal.jsonl", data);
    let Ok((header, entries, _)) = Journal::read(&path) else {
        return;
    };
    let f = common::fire();
    if let Ok(session) =
        Session::replay(&f.exercise, &f.plan, &f.graph, &f.scenario, header.seed, &entries, None)
    {
        let _ = session.view();
        let _ = session.outcome();
    }
});

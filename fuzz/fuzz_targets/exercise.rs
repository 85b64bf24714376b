//! Any text given as an exercise file (beside the shipped ones, so its
//! scenario and plan resolve): loading, checking every reference and
//! rendering the diagnostics must never panic.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::write_input("scenarios/exercises", "exercise", data);
    let loaded = reprise::exercise::load(&path);
    for d in &loaded.document.diagnostics {
        let _ = d.render(&loaded.document.sources);
        let _ = d.to_json(&loaded.document.sources);
    }
});

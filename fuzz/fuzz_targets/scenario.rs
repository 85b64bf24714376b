//! Any text given as a scenario file (beside the shipped ones, so its plan
//! resolves): loading, resolving and rendering the diagnostics must never
//! panic.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::write_input("scenarios", "scenario", data);
    let loaded = reprise::scenario::load(&path);
    for d in &loaded.document.diagnostics {
        let _ = d.render(&loaded.document.sources);
        let _ = d.to_json(&loaded.document.sources);
    }
    if let Some(s) = &loaded.scenario {
        let _ = s.limit();
    }
});

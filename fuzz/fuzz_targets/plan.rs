//! Any text given as a plan file: loading, checking and rendering the
//! diagnostics must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = reprise::load::load_text(std::path::Path::new("fuzz.yaml"), text);
    for d in &loaded.diagnostics {
        let _ = d.render(&loaded.sources);
        let _ = d.to_json(&loaded.sources);
    }
    if let Some(plan) = &loaded.plan {
        let graph = reprise::graph::DependencyGraph::new(plan);
        let _ = reprise::analysis::analyze(plan, &graph, Default::default());
    }
});

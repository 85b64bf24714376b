//! Any bodies posted to the web console: the first byte picks the address
//! (`/api/clock` or `/api/decision`), the rest is the body, read by
//! `exercise::request` and applied to a session of the fire exercise.
//! Refusals are fine; panics are not.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reprise::exercise::request;
use reprise::exercise::session::Session;

fuzz_target!(|data: &[u8]| {
    let f = common::fire();
    let Ok(mut session) = Session::new(&f.exercise, &f.plan, &f.graph, &f.scenario, 1, None) else {
        return;
    };
    for body in data.split(|&b| b == b'\n').take(32) {
        let Some((&which, body)) = body.split_first() else { continue };
        let change = if which % 2 == 0 {
            request::clock(body)
        } else {
            request::decision(body)
        };
        if let Ok(change) = change {
            let _ = session.apply(change, std::time::UNIX_EPOCH);
        }
    }
    let _ = session.view();
});

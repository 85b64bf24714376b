//! Any spreadsheet given to `import bia`: the first byte says whether the
//! rest is a CSV file or a workbook (XLSX, XLS, ODS: calamine tells them by
//! their bytes), read into tables and then as a BIA, against the example
//! plan or without a plan. Problems are fine; panics are not.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reprise::import::{bia, table};

fuzz_target!(|data: &[u8]| {
    let Some((&how, bytes)) = data.split_first() else { return };
    let tables = if how % 2 == 0 {
        table::csv(bytes, "fuzz").map(|t| vec![t])
    } else {
        table::workbook_bytes(bytes)
    };
    let Ok(tables) = tables else { return };
    let f = common::fire();
    let plan = (how & 2 == 0).then_some(&f.plan);
    if let Ok(read) = bia::read(&tables, None, plan) {
        let _ = bia::yaml(&read, "fuzz", plan);
    }
});

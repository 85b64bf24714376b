//! `reprise graph`: the dependency graph as DOT, Mermaid or JSON.

use std::path::Path;

use super::{Format, Global, Io, exit, load_valid, pick_format};
use crate::graph::DependencyGraph;
use crate::render::graph;

pub fn run(global: &Global, path: &Path, io: &mut Io) -> std::io::Result<i32> {
    let Some(format) = pick_format(
        global,
        "graph",
        &[Format::Dot, Format::Mermaid, Format::Json],
        io,
    )?
    else {
        return Ok(exit::BAD_INPUT);
    };
    let loaded = match load_valid(path, io)? {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let Some(plan) = loaded.plan.as_ref() else {
        return Ok(exit::BAD_INPUT);
    };
    let g = DependencyGraph::new(plan);
    let lang = global.lang.into();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *io.out, &graph::json(plan, &g))?;
            writeln!(io.out)?;
        }
        Format::Mermaid => io
            .out
            .write_all(graph::mermaid(plan, &g, lang).as_bytes())?,
        _ => io.out.write_all(graph::dot(plan, &g, lang).as_bytes())?,
    }
    Ok(exit::OK)
}

//! `reprise graph`: the dependency graph as DOT, Mermaid or JSON.

use std::path::Path;

use super::{CliError, Format, Global, Io, exit, prepare};
use crate::graph::DependencyGraph;
use crate::render::graph;

pub fn run(global: &Global, path: &Path, io: &mut Io) -> Result<i32, CliError> {
    let (format, plan) = prepare(
        global,
        "graph",
        &[Format::Dot, Format::Mermaid, Format::Json],
        path,
        io,
    )?;
    let plan = &plan;
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

//! Commands about reprise itself: the file schemas, completions, the manual.

use clap::CommandFactory;

use super::{Cli, CliError, Io, SchemaKind, exit};
use crate::load::raw::PlanFile;

pub fn schema(kind: SchemaKind, io: &mut Io) -> Result<i32, CliError> {
    let schema = match kind {
        SchemaKind::Plan => schemars::schema_for!(PlanFile),
        SchemaKind::Scenario => schemars::schema_for!(crate::scenario::ScenarioFile),
        SchemaKind::Exercise => schemars::schema_for!(crate::exercise::ExerciseFile),
    };
    serde_json::to_writer_pretty(&mut *io.out, &schema)?;
    writeln!(io.out)?;
    Ok(exit::OK)
}

pub fn completions(shell: clap_complete::Shell, io: &mut Io) -> Result<i32, CliError> {
    clap_complete::generate(shell, &mut Cli::command(), "reprise", &mut io.out);
    Ok(exit::OK)
}

pub fn man(io: &mut Io) -> Result<i32, CliError> {
    clap_mangen::Man::new(Cli::command()).render(&mut io.out)?;
    Ok(exit::OK)
}

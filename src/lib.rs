//! reprise: business continuity (PCA) and disaster recovery (PRA) planning
//! and exercises for a territory's shared information system.
//!
//! The pipeline: [`load`] reads and checks a plan into the read-only
//! [`model::Plan`]; [`graph`] builds its dependency graph; [`render`] turns
//! results into tables and graphs; [`cli`] is the command line on top.
//! See ARCHITECTURE.md for the map.

// A `Diagnostic` is 144 bytes and travels only on the error path, once per
// mistake; boxing it would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod cli;
pub mod diag;
pub mod exercise;
pub mod graph;
pub mod i18n;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod recovery;
pub mod render;
pub mod scenario;
pub mod simulation;

//! Turning results into text for people: tables, graphs, and the small
//! formatting rules every document shares.

pub mod analysis;
pub mod doc;
pub mod exercise;
pub mod graph;
pub mod recovery;
pub mod simulation;

use comfy_table::{ContentArrangement, Table, presets};

use crate::model::{Dependency, Duration, Plan};

/// How a table is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    /// Box drawing, fitted to the terminal's width when there is one.
    Terminal,
    /// GitHub-flavoured Markdown.
    Markdown,
}

pub fn table(style: TableStyle, header: Vec<&str>) -> Table {
    let mut t = Table::new();
    match style {
        TableStyle::Terminal => {
            t.load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
        }
        TableStyle::Markdown => {
            t.load_style(presets::ASCII_MARKDOWN);
        }
    }
    t.set_header(header);
    t
}

/// A duration for people: `4h`, `1d12h`, or `—` when there is none.
pub fn duration(d: Option<Duration>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

/// A `depends_on` list as one line: `dns, 1 of [esx-a, esx-b], supervision (soft)`.
pub fn dependencies(plan: &Plan, deps: &[Dependency], soft_word: &str, of_word: &str) -> String {
    deps.iter()
        .map(|d| match d {
            Dependency::Hard(s) => plan.service(*s).id.clone(),
            Dependency::Soft(s) => format!("{} ({soft_word})", plan.service(*s).id),
            Dependency::Group(g) => format!(
                "{} {of_word} [{}]",
                g.at_least,
                g.of.iter()
                    .map(|s| plan.service(*s).id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

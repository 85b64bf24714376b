//! Turning results into text for people: tables, graphs, and the small
//! formatting rules every document shares.

pub(crate) mod analysis;
pub(crate) mod bia;
pub(crate) mod board;
pub(crate) mod check;
pub(crate) mod doc;
pub(crate) mod graph;
pub(crate) mod plan;
pub(crate) mod recovery;
pub(crate) mod retex;
pub(crate) mod simulation;

use comfy_table::{ContentArrangement, Table, presets};

use crate::i18n::Lang;
use crate::model::{Dependency, Plan, SimDuration, Team};
use crate::msg;

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

/// A team's people at once for people: `3`, or `3, then 2 after 24h`
/// when it cannot keep its strength.
pub fn strength(team: &Team, lang: Lang) -> String {
    match team.sustained {
        Some(x) => msg!(
            lang,
            "render-strength",
            first = team.capacity,
            capacity = x.capacity,
            after = x.after
        ),
        None => team.capacity.to_string(),
    }
}

/// The work a team can take on for others, for people: `infra (×1.5:
/// hypervisor, storage), poste`; `None` when it stands in for nobody.
pub fn stands_in(plan: &Plan, team: &Team, lang: Lang) -> Option<String> {
    if team.stands_in_for.is_empty() {
        return None;
    }
    let list: Vec<String> = team
        .stands_in_for
        .iter()
        .map(|x| {
            let mut detail: Vec<String> = Vec::new();
            if !x.slowdown.is_none() {
                detail.push(format!("×{}", x.slowdown.factor()));
            }
            if let Some(kinds) = &x.kinds {
                let names: Vec<&str> = kinds.iter().map(|k| k.label(lang)).collect();
                detail.push(names.join(", "));
            }
            let id = &plan.team(x.team).id;
            match detail.is_empty() {
                true => id.clone(),
                false => format!("{id} ({})", detail.join(": ")),
            }
        })
        .collect();
    Some(list.join("; "))
}

/// A duration for people: `4h`, `1d12h`, or `—` when there is none.
pub fn duration(d: Option<SimDuration>) -> String {
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

//! A small document model for the reports and runbooks, written once and
//! rendered three ways: terminal (comfy-table), Markdown, and self-contained
//! HTML that prints on A4.

use std::fmt::Write;

use super::{TableStyle, table};
use crate::i18n::{Lang, t};

/// A bar of a Gantt chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub group: String,
    pub start: u64,
    pub finish: u64,
}

/// One step of a team's runbook.
#[derive(Debug, Clone)]
pub struct StepCard {
    pub title: String,
    /// Label / value lines: planned times, prerequisites, contacts.
    pub facts: Vec<(String, String)>,
    pub procedure: Option<String>,
    pub verify: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Para(String),
    List(Vec<String>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Steps(Vec<StepCard>),
    Gantt(Vec<Bar>),
    PageBreak,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    pub lang: Lang,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(title: impl Into<String>, lang: Lang) -> Doc {
        Doc {
            title: title.into(),
            lang,
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    /// One of two short texts, in the document's language ([`t`]).
    fn t(&self, en: &'static str, fr: &'static str) -> &'static str {
        t(self.lang, en, fr)
    }

    /// "label: value" with the colon each language puts there.
    pub fn colon(&self) -> &'static str {
        self.t(": ", " : ")
    }
}

pub use crate::model::duration::at;

pub fn terminal(doc: &Doc) -> String {
    let mut out = format!(
        "{}\n{}\n\n",
        doc.title,
        "═".repeat(doc.title.chars().count())
    );
    for b in &doc.blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "{h}\n{}", "─".repeat(h.chars().count()));
            }
            Block::Para(p) => {
                let _ = writeln!(out, "{p}\n");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(out, "  • {i}");
                }
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let mut tab = table(
                    TableStyle::Terminal,
                    header.iter().map(String::as_str).collect(),
                );
                for r in rows {
                    tab.add_row(r.clone());
                }
                let _ = writeln!(out, "{tab}\n");
            }
            Block::Steps(steps) => {
                for s in steps {
                    let _ = writeln!(out, "[ ] {}", s.title);
                    for (k, v) in &s.facts {
                        let _ = writeln!(out, "    {k}{}{v}", doc.colon());
                    }
                    if let Some(p) = &s.procedure {
                        let _ = writeln!(out, "    {}: {p}", doc.t("Procedure", "Procédure"));
                    }
                    if let Some(v) = &s.verify {
                        let _ = writeln!(out, "    {}: {v}", doc.t("Check", "Vérification"));
                    }
                    out.push('\n');
                }
            }
            Block::Gantt(_) => {
                let _ = writeln!(
                    out,
                    "({})\n",
                    doc.t(
                        "Gantt chart: use --format markdown or html",
                        "Diagramme de Gantt : utiliser --format markdown ou html"
                    )
                );
            }
            Block::PageBreak => {}
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(doc: &Doc) -> String {
    let mut out = format!("# {}\n\n", doc.title);
    for b in &doc.blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "## {h}\n");
            }
            Block::Para(p) => {
                let _ = writeln!(out, "{p}\n");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(out, "- {i}");
                }
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let _ = writeln!(
                    out,
                    "| {} |",
                    header
                        .iter()
                        .map(|h| md_cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(
                    out,
                    "|{}|",
                    header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
                );
                for r in rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
                    );
                }
                out.push('\n');
            }
            Block::Steps(steps) => {
                for s in steps {
                    let _ = writeln!(out, "### ☐ {}\n", s.title);
                    for (k, v) in &s.facts {
                        let _ = writeln!(out, "- **{k}**{}{v}", doc.colon());
                    }
                    if let Some(p) = &s.procedure {
                        let _ = writeln!(
                            out,
                            "- **{}**{}{p}",
                            doc.t("Procedure", "Procédure"),
                            doc.colon()
                        );
                    }
                    if let Some(v) = &s.verify {
                        let _ = writeln!(
                            out,
                            "- **{}**{}{v}",
                            doc.t("Check", "Vérification"),
                            doc.colon()
                        );
                    }
                    let _ = writeln!(
                        out,
                        "- **{}**{c}________ **{}**{c}________ **{}**{c}________\n",
                        doc.t("Actual start", "Début réel"),
                        doc.t("Actual end", "Fin réelle"),
                        doc.t("Initials", "Visa"),
                        c = doc.colon()
                    );
                }
            }
            Block::Gantt(bars) => {
                let _ = writeln!(
                    out,
                    "```mermaid\ngantt\n    dateFormat X\n    axisFormat J%d %Hh"
                );
                let mut group = None;
                for b in bars {
                    if group != Some(&b.group) {
                        let _ = writeln!(out, "    section {}", b.group.replace(':', " "));
                        group = Some(&b.group);
                    }
                    // Mermaid reads `X` as Unix seconds: T0 is 1970-01-01 00:00.
                    let _ = writeln!(
                        out,
                        "    {} : {}, {}",
                        b.label.replace(':', " "),
                        b.start,
                        b.finish.max(b.start + 60)
                    );
                }
                let _ = writeln!(out, "```\n");
                let _ = writeln!(
                    out,
                    "{}\n",
                    doc.t(
                        "(Axis: day and hour counted from T0 = J01 00h.)",
                        "(Axe : jour et heure comptés depuis T0 = J01 00h.)"
                    )
                );
            }
            Block::PageBreak => {}
        }
    }
    out
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
@page { size: A4; margin: 15mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #111; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 18pt; border-bottom: 2px solid #b2182b; padding-bottom: 4px; }
h2 { font-size: 13pt; margin-top: 18px; color: #b2182b; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eee; }
.step { border: 1px solid #555; padding: 6px 8px; margin: 8px 0; page-break-inside: avoid; }
.step h3 { margin: 0 0 4px; font-size: 11pt; }
.box { display: inline-block; width: 11px; height: 11px; border: 1.5px solid #000; margin-right: 6px; vertical-align: -1px; }
.blank { display: inline-block; min-width: 28mm; border-bottom: 1px solid #000; margin: 0 10px 0 4px; }
.facts { margin: 2px 0; padding-left: 18px; }
.break { page-break-before: always; break-before: page; }
svg text { font-family: 'DejaVu Sans', Arial, sans-serif; }
@media print { a { color: inherit; text-decoration: none; } }
";

fn svg_gantt(bars: &[Bar], lang: Lang) -> String {
    let end = bars.iter().map(|b| b.finish).max().unwrap_or(0).max(3600);
    let (label_w, chart_w, row_h) = (190.0, 480.0, 14.0);
    let height = 24.0 + row_h * bars.len() as f64;
    let x = |t: u64| label_w + chart_w * t as f64 / end as f64;
    let mut groups: Vec<&str> = Vec::new();
    for b in bars {
        if !groups.contains(&b.group.as_str()) {
            groups.push(&b.group);
        }
    }
    let palette = [
        "#4575b4", "#d73027", "#1a9850", "#fc8d59", "#91bfdb", "#984ea3", "#a6761d", "#666666",
    ];
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"Gantt\">",
        label_w + chart_w + 10.0
    );
    // Ticks: about ten, on whole hours.
    let hours = end.div_ceil(3600);
    let step = (hours / 10).max(1);
    let mut h = 0;
    while h <= hours {
        let tx = x(h * 3600);
        let _ = write!(
            svg,
            "<line x1=\"{tx:.1}\" y1=\"16\" x2=\"{tx:.1}\" y2=\"{height}\" stroke=\"#ddd\"/><text x=\"{tx:.1}\" y=\"11\" font-size=\"8\" text-anchor=\"middle\">{}</text>",
            escape(&at(h * 3600))
        );
        h += step;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        let color = palette[groups.iter().position(|g| *g == b.group).unwrap_or(0) % palette.len()];
        let (x0, x1) = (x(b.start), x(b.finish).max(x(b.start) + 1.5));
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"end\">{}</text><rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{} — {} → {}</title></rect>",
            label_w - 4.0,
            y + 9.0,
            escape(&b.label),
            x1 - x0,
            row_h - 4.0,
            escape(&b.label),
            escape(&at(b.start)),
            escape(&at(b.finish)),
        );
    }
    svg.push_str("</svg>");
    let legend: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            format!(
                "<span style=\"color:{}\">■</span> {}",
                palette[i % palette.len()],
                escape(g)
            )
        })
        .collect();
    let team = t(lang, "Teams", "Équipes");
    format!(
        "<figure>{svg}<figcaption>{team}: {}</figcaption></figure>",
        legend.join(" &nbsp; ")
    )
}

pub fn html(doc: &Doc) -> String {
    let lang = doc.lang.code();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&doc.title),
        escape(&doc.title)
    );
    let mut pending_break = false;
    for b in &doc.blocks {
        let class = if std::mem::take(&mut pending_break) {
            " class=\"break\""
        } else {
            ""
        };
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2{class}>{}</h2>", escape(h));
            }
            Block::Para(p) => {
                let _ = writeln!(out, "<p{class}>{}</p>", escape(p));
            }
            Block::List(items) => {
                let _ = writeln!(
                    out,
                    "<ul{class}>{}</ul>",
                    items
                        .iter()
                        .map(|i| format!("<li>{}</li>", escape(i)))
                        .collect::<String>()
                );
            }
            Block::Table { header, rows } => {
                let _ = write!(out, "<table{class}><thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", escape(h));
                }
                out.push_str("</tr></thead><tbody>");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        let _ = write!(out, "<td>{}</td>", escape(c));
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</tbody></table>\n");
            }
            Block::Steps(steps) => {
                for s in steps {
                    let _ = write!(
                        out,
                        "<div class=\"step\"><h3><span class=\"box\"></span>{}</h3><ul class=\"facts\">",
                        escape(&s.title)
                    );
                    for (k, v) in &s.facts {
                        let _ = write!(
                            out,
                            "<li><b>{}</b>{}{}</li>",
                            escape(k),
                            doc.colon(),
                            escape(v)
                        );
                    }
                    if let Some(p) = &s.procedure {
                        let _ = write!(
                            out,
                            "<li><b>{}</b>{}{}</li>",
                            doc.t("Procedure", "Procédure"),
                            doc.colon(),
                            escape(p)
                        );
                    }
                    if let Some(v) = &s.verify {
                        let _ = write!(
                            out,
                            "<li><b>{}</b>{}{}</li>",
                            doc.t("Check", "Vérification"),
                            doc.colon(),
                            escape(v)
                        );
                    }
                    let _ = writeln!(
                        out,
                        "</ul><p>{} <span class=\"blank\"></span>{} <span class=\"blank\"></span>{} <span class=\"blank\"></span></p></div>",
                        doc.t("Actual start", "Début réel"),
                        doc.t("Actual end", "Fin réelle"),
                        doc.t("Initials", "Visa")
                    );
                }
            }
            Block::Gantt(bars) => {
                out.push_str(&svg_gantt(bars, doc.lang));
                out.push('\n');
            }
            Block::PageBreak => pending_break = true,
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

//! The verdict of `reprise check`: what was read, how many errors and
//! warnings, as JSON or Markdown (the terminal shows the diagnostics with
//! their quoted lines, from `cli`).

use serde::Serialize;

use crate::diag::DiagnosticJson;
use crate::load::Loaded;

#[derive(Serialize)]
pub struct Report<'a> {
    pub plan: Option<&'a str>,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub files: Vec<String>,
    pub counts: Option<Counts>,
    pub diagnostics: Vec<DiagnosticJson>,
}

#[derive(Serialize)]
pub struct Counts {
    pub entities: usize,
    pub sites: usize,
    pub zones: usize,
    pub teams: usize,
    pub suppliers: usize,
    pub services: usize,
    pub processes: usize,
}

impl<'a> Report<'a> {
    /// The report of a plan's loading.
    pub fn of(loaded: &'a Loaded) -> Report<'a> {
        let errors = loaded.errors().count();
        let warnings = loaded.diagnostics.len() - errors;
        let plan = loaded.plan.as_ref();
        Report {
            plan: plan.map(|p| p.name.as_str()),
            valid: errors == 0,
            errors,
            warnings,
            files: (0..loaded.sources.len())
                .map(|i| {
                    loaded
                        .sources
                        .path(crate::diag::FileId(i as u32))
                        .display()
                        .to_string()
                })
                .collect(),
            counts: plan.map(|p| Counts {
                entities: p.entities.len(),
                sites: p.sites.len(),
                zones: p.zones.len(),
                teams: p.teams.len(),
                suppliers: p.suppliers.len(),
                services: p.services.len(),
                processes: p.processes.len(),
            }),
            diagnostics: loaded
                .diagnostics
                .iter()
                .map(|d| d.to_json(&loaded.sources))
                .collect(),
        }
    }

    /// The report as a Markdown document.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Plan check: {}\n\n{}\n\n",
            self.plan.unwrap_or("(invalid plan)"),
            verdict(self)
        );
        for d in &self.diagnostics {
            let place = match (&d.file, d.line, d.column) {
                (Some(f), Some(l), Some(c)) => format!("`{f}:{l}:{c}` "),
                _ => String::new(),
            };
            let help = d
                .help
                .as_deref()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- **{:?}** `{}` {place}{}{help}\n",
                d.severity, d.code, d.message
            ));
        }
        out
    }

    /// One line of what the plan holds, when it could be read.
    pub fn summary(&self) -> Option<String> {
        let c = self.counts.as_ref()?;
        Some(format!(
            "plan `{}`: {} file{}, {} services, {} processes, {} teams, {} sites",
            self.plan.unwrap_or_default(),
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
            c.services,
            c.processes,
            c.teams,
            c.sites
        ))
    }
}

/// "valid, 1 warning" or "invalid: 2 errors, 0 warnings".
pub fn verdict(r: &Report) -> String {
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if r.valid {
        format!("valid, {}", count(r.warnings, "warning"))
    } else {
        format!(
            "invalid: {}, {}",
            count(r.errors, "error"),
            count(r.warnings, "warning")
        )
    }
}

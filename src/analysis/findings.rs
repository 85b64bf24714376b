//! What the analysis finds wrong or worth knowing, each with a stable code.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One finding: its level, a stable code (documented in the README), a
/// sentence, and the ids of the nodes concerned.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Level,
    pub code: &'static str,
    /// The sentence in English and in French.
    pub message: [String; 2],
    pub nodes: Vec<String>,
}

/// The codes, with their level and what they mean; the README lists them.
const CODES: &[(&str, Level, &str)] = &[
    (
        "mtpd-not-achievable",
        Level::Error,
        "a process cannot be restored within its DMIA (MTPD) even with unlimited teams",
    ),
    (
        "rpo-not-achievable",
        Level::Error,
        "the copies of a service lose more data than a process that needs it tolerates (PDMA/RPO)",
    ),
    (
        "no-offline-copy",
        Level::Error,
        "a vital process needs data that has no immutable or offline copy: a ransomware attack loses it all",
    ),
    (
        "rto-looser-than-required",
        Level::Warning,
        "a declared rto is later than the time the processes require",
    ),
    (
        "rto-not-achievable",
        Level::Warning,
        "a declared rto is earlier than the service can be restored",
    ),
    (
        "rpo-looser-than-required",
        Level::Warning,
        "a declared rpo is longer than what the processes tolerate",
    ),
    (
        "rpo-not-achievable-cyber",
        Level::Warning,
        "after a cyberattack the surviving copies lose more data than the processes tolerate",
    ),
    (
        "dependency-cycle",
        Level::Warning,
        "services need each other; they are restored as one unit",
    ),
    (
        "process-without-dependencies",
        Level::Warning,
        "a process depends on nothing: its IT needs are not described",
    ),
    (
        "no-recovery-team",
        Level::Warning,
        "no team is named to restore a service the organisation runs itself",
    ),
    (
        "supplier-recovery",
        Level::Info,
        "a supplier restores this service: no internal team is needed",
    ),
];

pub fn level_of(code: &str) -> Level {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Level::Warning, |(_, l, _)| *l)
}

impl Finding {
    pub fn new(code: &'static str, en: String, fr: String, nodes: Vec<String>) -> Finding {
        Finding {
            severity: level_of(code),
            code,
            message: [en, fr],
            nodes,
        }
    }

    pub fn message(&self, lang: crate::i18n::Lang) -> &str {
        crate::i18n::t(lang, &self.message[0], &self.message[1])
    }
}

//! Labels in French and English. Documents print both the French and the
//! English term where they differ in meaning (DMIA/MTPD, PDMA/RPO).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

/// The text for `lang`, of the two given: the one helper every renderer
/// words its short texts with.
///
/// ```
/// use reprise::i18n::{Lang, t};
///
/// assert_eq!(t(Lang::Fr, "Strengths", "Points forts"), "Points forts");
/// ```
pub fn t<T>(lang: Lang, en: T, fr: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// A label in both languages; `pick` chooses one.
pub struct Label {
    pub en: &'static str,
    pub fr: &'static str,
}

impl Label {
    pub fn pick(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Fr => self.fr,
        }
    }
}

macro_rules! labels {
    ($($name:ident = $en:literal, $fr:literal;)*) => {
        $(pub const $name: Label = Label { en: $en, fr: $fr };)*
    };
}

labels! {
    ID = "Id", "Id";
    NAME = "Name", "Nom";
    ENTITY = "Entity", "Entité";
    CRITICALITY = "Criticality", "Criticité";
    MTPD = "MTPD (DMIA)", "DMIA (MTPD)";
    RPO = "RPO (PDMA)", "PDMA (RPO)";
    RESUME = "Resume", "Reprise métier";
    WORKAROUND = "Workaround", "Mode dégradé";
    DEPENDS_ON = "Depends on", "Dépend de";
    KIND = "Kind", "Type";
    SITE = "Site", "Site";
    ZONE = "Zone", "Zone";
    TEAMS = "Teams", "Équipes";
    DURATION = "Recovery", "Restauration";
    CAPACITY = "Capacity", "Capacité";
    CONTACT = "Contact", "Contact";
    ESCALATION = "Escalation", "Escalade";
    PROCESSES = "Processes", "Processus";
    SERVICES = "Services", "Services";
    TEAMS_TITLE = "Teams", "Équipes";
    FAILOVER = "Failover", "Bascule";
}

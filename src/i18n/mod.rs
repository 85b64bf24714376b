//! Texts in French and English. Documents print both the French and the
//! English term where they differ in meaning (DMIA/MTPD, PDMA/RPO).
//!
//! Two ways to word a text, and only these two: [`t`] picks one of two
//! short literals (a label, a table header), and [`msg!`](crate::msg)
//! formats a sentence of the message catalogue, `src/i18n/{en,fr}/*.ftl`
//! in [Fluent](https://projectfluent.org/) syntax, with named arguments.
//! A sentence with arguments is never written as two `format!` in Rust.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// The language's code, as HTML's `lang` and the web page take it.
    pub fn code(self) -> &'static str {
        t(self, "en", "fr")
    }
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
        t(lang, self.en, self.fr)
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

/// The catalogue's files, one per area, in both languages.
type Area = (&'static str, &'static str, &'static str);

const CATALOGUE: [Area; 5] = [
    (
        "recovery",
        include_str!("en/recovery.ftl"),
        include_str!("fr/recovery.ftl"),
    ),
    (
        "simulation",
        include_str!("en/simulation.ftl"),
        include_str!("fr/simulation.ftl"),
    ),
    (
        "retex",
        include_str!("en/retex.ftl"),
        include_str!("fr/retex.ftl"),
    ),
    (
        "render",
        include_str!("en/render.ftl"),
        include_str!("fr/render.ftl"),
    ),
    (
        "cli",
        include_str!("en/cli.ftl"),
        include_str!("fr/cli.ftl"),
    ),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 2] {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let bundle = |lang: &str, pick: fn(&Area) -> &'static str| {
            let mut b = FluentBundle::new_concurrent(vec![lang.parse().expect("a language tag")]);
            // Documents are plain text, Markdown and HTML: no Unicode
            // isolation marks around the arguments.
            b.set_use_isolating(false);
            for file in &CATALOGUE {
                let resource =
                    FluentResource::try_new(pick(file).to_string()).unwrap_or_else(|(_, e)| {
                        panic!("{}.ftl ({lang}) does not parse: {e:?}", file.0)
                    });
                b.add_resource(resource)
                    .unwrap_or_else(|e| panic!("{}.ftl ({lang}) repeats a message: {e:?}", file.0));
            }
            b
        };
        [bundle("en", |f| f.1), bundle("fr", |f| f.2)]
    })
}

/// An argument of a catalogue message: a text, or a number (which plural
/// forms select on).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

/// A count given to a catalogue message as a number, so that its plural
/// forms select on it (anything else is given as the text it displays).
#[derive(Debug, Clone, Copy)]
pub struct Count(pub usize);

/// What a catalogue message takes as an argument.
pub trait ToArg {
    fn to_arg(&self) -> Arg;
}

impl<T: std::fmt::Display + ?Sized> ToArg for T {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.to_string())
    }
}

impl ToArg for Count {
    fn to_arg(&self) -> Arg {
        Arg::Number(self.0 as f64)
    }
}

/// The message `id` of the catalogue in `lang`, with its arguments. A
/// message missing from the catalogue reads as its id (the catalogue test
/// makes sure none is).
pub fn message(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = &bundles()[lang as usize];
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        debug_assert!(false, "no message `{id}` in the catalogue");
        return id.to_string();
    };
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent.set(*name, FluentValue::from(s.as_str())),
            Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = vec![];
    let text = bundle.format_pattern(pattern, Some(&fluent), &mut errors);
    debug_assert!(errors.is_empty(), "message `{id}`: {errors:?}");
    text.into_owned()
}

/// A sentence of the message catalogue in a language, with named
/// arguments: `msg!(lang, "retex-objective-met", objective = text)`. Each
/// argument is given as the text it displays, or wrapped in [`Count`] for
/// plural forms to select on it.
#[macro_export]
macro_rules! msg {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::message(
            $lang,
            $id,
            &[$((stringify!($name), $crate::i18n::ToArg::to_arg(&$value))),*],
        )
    };
}

/// Every message id of a language's catalogue, with the names of its
/// arguments: what the catalogue test compares across languages.
#[cfg(test)]
fn catalogue(lang: Lang) -> std::collections::BTreeMap<String, Vec<String>> {
    let pick = |f: &Area| match lang {
        Lang::En => f.1,
        Lang::Fr => f.2,
    };
    let mut ids = std::collections::BTreeMap::new();
    for file in &CATALOGUE {
        let resource = FluentResource::try_new(pick(file).to_string()).unwrap_or_else(|(r, _)| r);
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let mut vars: Vec<String> = Vec::new();
                if let Some(value) = &m.value {
                    variables(value, &mut vars);
                }
                vars.sort();
                vars.dedup();
                ids.insert(m.id.name.to_string(), vars);
            }
        }
    }
    ids
}

/// The variables a pattern uses, in its placeables and their variants.
#[cfg(test)]
fn variables(pattern: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, out: &mut Vec<String>) {
        match e {
            InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
            InlineExpression::Placeable { expression } => expression_vars(expression, out),
            _ => {}
        }
    }
    fn expression_vars(e: &Expression<&str>, out: &mut Vec<String>) {
        match e {
            Expression::Inline(e) => inline(e, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    variables(&v.value, out);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both languages hold the same messages with the same arguments, and
    /// the code asks for exactly the messages the catalogue holds.
    #[test]
    fn the_catalogue_is_complete_in_both_languages_and_used() {
        let en = catalogue(Lang::En);
        let fr = catalogue(Lang::Fr);
        assert!(!en.is_empty());
        for (id, vars) in &en {
            assert_eq!(fr.get(id), Some(vars), "message `{id}` in French");
        }
        for id in fr.keys() {
            assert!(en.contains_key(id), "message `{id}` only in French");
        }
        let mut used = std::collections::BTreeSet::new();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut dirs = vec![std::path::PathBuf::from(src)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("i18n/mod.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for call in text.split("msg!(").skip(1) {
                        if let Some(id) = call.split('"').nth(1) {
                            used.insert(id.to_string());
                        }
                    }
                }
            }
        }
        for id in &used {
            assert!(
                en.contains_key(id),
                "`msg!` asks for `{id}`, not in the catalogue"
            );
        }
        for id in en.keys() {
            assert!(used.contains(id), "message `{id}` is never used");
        }
        // Every message formats in both languages.
        let _ = bundles();
    }
}

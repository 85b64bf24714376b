//! Writing a draft in the exercise format, by hand: serde_yaml stays a
//! reader behind `load::yaml` (see ARCHITECTURE), so every text goes
//! through [`quoted`], a YAML double-quoted scalar with escapes.

use std::fmt::Write as _;

use super::*;
use crate::model::SimDuration;

impl Draft {
    /// The draft in the exercise format. `schema`: start with the
    /// `yaml-language-server` line that points editors at the exercise
    /// schema (when the draft is written beside it).
    pub fn to_yaml(&self, schema: bool) -> String {
        let mut y = String::new();
        if schema {
            y.push_str("# yaml-language-server: $schema=reprise.exercise.schema.json\n#\n");
        }
        y.push_str(
            "# Brouillon de chronogramme écrit par `reprise exercise generate` à partir\n\
             # d'une simulation du scénario",
        );
        let _ = writeln!(y, " (graine {}).", self.seed);
        if let Some(t0) = &self.t0 {
            let _ = writeln!(y, "# T0 : {t0}.");
        }
        y.push_str(
            "# Les heures sont celles du scénario, comptées depuis T0. À relire et compléter\n\
             # par la cellule d'animation : textes des stimuli, destinataires, objectifs,\n\
             # actions attendues.\n\n",
        );
        field(&mut y, 0, "title", &self.title);
        field(&mut y, 0, "scenario", &self.scenario);
        field(&mut y, 0, "description", &self.description);
        let _ = writeln!(y, "start: {}", SimDuration::from_secs(self.start));
        let _ = writeln!(y, "end: {}", SimDuration::from_secs(self.end));
        let _ = writeln!(y, "step: {}", SimDuration::from_secs(self.step));

        y.push_str("\nobjectives:\n");
        for o in &self.objectives {
            let _ = writeln!(y, "  - id: {}", word(&o.id));
            field(&mut y, 4, "text", &o.text);
            field(&mut y, 4, "evaluation", &o.evaluation);
            if let Some((e, by)) = &o.expects {
                let _ = writeln!(y, "    expects: {}", flow(e, "action", *by));
            }
        }

        y.push_str("\nroles:\n");
        for r in &self.roles {
            let _ = writeln!(
                y,
                "  - {{ id: {}, name: {}, kind: {} }}",
                word(&r.id),
                quoted(&r.name),
                r.kind.as_str()
            );
        }

        y.push_str("\ninjects:\n");
        let mut contingencies = false;
        for (i, inject) in self.injects.iter().enumerate() {
            if i > 0 {
                y.push('\n');
            }
            if matches!(inject.when, When::Unless { .. }) && !contingencies {
                y.push_str(
                    "  # Relances : jouées seulement si la décision attendue n'a pas été prise.\n",
                );
                contingencies = true;
            }
            let _ = writeln!(y, "  - id: {}", word(&inject.id));
            match &inject.when {
                When::At(t) => {
                    let _ = writeln!(y, "    at: {}", SimDuration::from_secs(*t));
                }
                When::Unless { expected, by } => {
                    let _ = writeln!(y, "    contingency: {}", flow(expected, "unless", *by));
                }
            }
            let to: Vec<String> = inject.to.iter().map(|r| word(r)).collect();
            let _ = writeln!(y, "    to: [{}]", to.join(", "));
            let _ = writeln!(y, "    channel: {}", inject.channel.as_str());
            field(&mut y, 4, "from", &inject.from);
            field(&mut y, 4, "text", &inject.text);
            if !inject.expects.is_empty() {
                y.push_str("    expects:\n");
                for e in &inject.expects {
                    entry(&mut y, "      - ", 10, "text", &e.text);
                    if let Some(d) = &e.decision {
                        let _ = writeln!(y, "        action: {}", d.action.as_str());
                        if let Some(t) = &d.target {
                            let _ = writeln!(y, "        target: {}", word(t));
                        }
                        if let Some(l) = d.level {
                            let _ = writeln!(y, "        level: {l}");
                        }
                    }
                }
            }
            if let Some(o) = &inject.objective {
                let _ = writeln!(y, "    objective: {}", word(o));
            }
        }
        y
    }
}

/// Lines are folded at this width when a text allows it.
const WIDTH: usize = 80;

/// `key: "value"` on its own line at `indent`, folded over several lines
/// when long.
fn field(y: &mut String, indent: usize, key: &str, value: &str) {
    entry(y, &" ".repeat(indent), indent + 2, key, value);
}

/// `key: "value"` after `lead` (spaces, or a list's dash), continuation
/// lines at `indent`, deeper than the key.
///
/// A double-quoted scalar may span lines: each line break between two
/// lines folds into one space and the next line's indentation is dropped.
/// So a line is only broken at a single space between two visible
/// characters (never after a backslash), which folds back into exactly
/// that space; nor inside French guillemets, before French high
/// punctuation, or after a digit (`24 h`, `4 200 postes`).
fn entry(y: &mut String, lead: &str, indent: usize, key: &str, value: &str) {
    let text = quoted(value);
    y.push_str(lead);
    y.push_str(key);
    y.push_str(": ");
    let mut column = lead.chars().count() + key.chars().count() + 2;
    let chars: Vec<char> = text.chars().collect();
    let mut line_start = 0;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let breakable = chars[i] == ' '
            && i > 0
            && i + 1 < chars.len()
            && !matches!(chars[i - 1], ' ' | '\\' | '«' | '—')
            && !chars[i - 1].is_ascii_digit()
            && !matches!(chars[i + 1], ' ' | '»' | ':' | ';' | '?' | '!');
        if breakable {
            last_break = Some(i);
        }
        if column + (i - line_start) >= WIDTH
            && let Some(b) = last_break.take()
        {
            y.extend(&chars[line_start..b]);
            y.push('\n');
            y.push_str(&" ".repeat(indent));
            column = indent;
            line_start = b + 1;
        }
        i += 1;
    }
    y.extend(&chars[line_start..]);
    y.push('\n');
}

/// A decision as a flow mapping: `{ action: isolate, target: "zone:dmz",
/// by: 5d2h }`, with `action` named `key` (`unless` for a contingency).
fn flow(e: &Expected, key: &str, by: u64) -> String {
    let mut out = format!("{{ {key}: {}", e.action.as_str());
    if let Some(t) = &e.target {
        let _ = write!(out, ", target: {}", word(t));
    }
    if let Some(l) = e.level {
        let _ = write!(out, ", level: {l}");
    }
    let _ = write!(out, ", by: {} }}", SimDuration::from_secs(by));
    out
}

/// An id as a plain scalar when YAML reads it back as the same string,
/// quoted otherwise (`zone:dmz`, `yes`, `123`).
pub(crate) fn word(id: &str) -> String {
    let plain = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            id.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "nan" | "inf"
        );
    if plain { id.to_string() } else { quoted(id) }
}

/// `s` as a YAML double-quoted scalar: backslash and quote escaped, and
/// every character YAML would not keep as written (controls, line and
/// paragraph separators, the byte order mark, non-characters) written as an
/// escape. Everything else, accents included, stays as it is.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;
    use crate::load::yaml::{self, Value};

    /// The string YAML reads back from `key: …` as written by `entry`.
    fn read_back(y: &str) -> String {
        let node = yaml::load(FileId(0), y).unwrap_or_else(|e| panic!("{y}\n{e:?}"));
        let Value::Map(entries) = node.value else {
            panic!("not a map: {y}");
        };
        match &entries[0].1.value {
            Value::String(s) => s.clone(),
            other => panic!("not a string: {other:?} in {y}"),
        }
    }

    #[test]
    fn quoted_strings_read_back_as_written() {
        let cases = [
            "",
            "simple",
            "« Écrans de rançon » : tout s'arrête ; #1 à 5d",
            "quote \" and backslash \\ and \\\" both",
            "tab\there, newline\nthere, return\r, nul\0",
            "  leading and trailing spaces  ",
            "double  spaces  inside   and\ttabs",
            "line\u{2028}separator\u{2029}paragraph\u{85}next\u{a0}nbsp",
            "bom\u{feff} controls \u{1}\u{1f}\u{7f}\u{9f} non-char \u{fffe}",
            "emoji 🔥 and CJK 漢字",
            "- looks like a list",
            "key: value",
            "yes",
            "null",
            "123",
            "---",
            "ends with a backslash \\",
            "\\ starts with a backslash",
        ];
        for s in cases {
            assert_eq!(read_back(&format!("k: {}\n", quoted(s))), s, "{s:?}");
        }
    }

    #[test]
    fn long_texts_fold_over_lines_and_read_back_the_same() {
        let word_salad = "L'attaquant « Nemesis » a chiffré \"tout\" ; \\ les  doubles  espaces \
                          restent, les\ttabulations aussi, et les lignes se plient à la largeur \
                          voulue sans rien changer au texte lu en retour. "
            .repeat(6);
        for text in [
            word_salad.as_str(),
            "a b",
            &"x".repeat(300),
            &"mot ".repeat(80),
        ] {
            let mut y = String::new();
            field(&mut y, 4, "text", text);
            // Under a list entry, as in a draft.
            let doc = format!("k:\n  - x: 1\n{y}");
            let node = yaml::load(FileId(0), &doc).unwrap_or_else(|e| panic!("{doc}\n{e:?}"));
            let Value::Map(top) = node.value else {
                panic!()
            };
            let Value::Seq(items) = &top[0].1.value else {
                panic!()
            };
            let Value::Map(fields) = &items[0].value else {
                panic!()
            };
            let Value::String(back) = &fields[1].1.value else {
                panic!("{doc}")
            };
            assert_eq!(back, text, "{doc}");
            if text.contains(' ') && text.len() > WIDTH {
                assert!(y.lines().count() > 1, "{y}");
            }
        }
    }

    #[test]
    fn ids_stay_plain_only_when_they_read_back_as_strings() {
        assert_eq!(word("etat-civil-nantes"), "etat-civil-nantes");
        assert_eq!(word("zone:dmz"), "\"zone:dmz\"");
        assert_eq!(word("yes"), "\"yes\"");
        assert_eq!(word("123"), "\"123\"");
        assert_eq!(word("1e3"), "\"1e3\"");
    }
}

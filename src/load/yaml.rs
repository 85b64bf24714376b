//! The one place YAML text becomes data.
//!
//! serde_yaml (archived upstream, kept because the project asked for it)
//! parses the values: scalars resolved the YAML way, duplicate keys refused,
//! alias expansion bounded. Its values carry no source positions, so a second,
//! cheap pass with saphyr-parser's marked events records the line and column
//! of every node, and the two trees are zipped into one [`Node`] tree.
//!
//! Before either parser sees the text, `guard` refuses what would make them
//! slow or hungry: files over [`MAX_FILE_BYTES`] and flow nesting deeper than
//! [`MAX_DEPTH`] (libyaml's time grows with the square of `{a:` depth).

use saphyr_parser::{Event, Parser, Span as YSpan};

use crate::diag::{Diagnostic, FileId, Span};

/// Largest plan file accepted. A 100 000-service plan split by topic stays
/// far below it; a file above it is almost surely not a plan.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Deepest nesting of collections accepted. Plans need about eight levels.
const MAX_DEPTH: usize = 64;

/// A YAML value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How a person would name this kind of value in an error message.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing (null)".into(),
            Value::Bool(b) => format!("boolean `{b}`"),
            Value::Int(i) => format!("number `{i}`"),
            Value::Float(f) => format!("number `{f}`"),
            Value::String(s) => format!("text `{s}`"),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a map".into(),
        }
    }
}

/// Parse one file's text into a [`Node`] tree, or say exactly why not.
pub fn load(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    guard(file, text).map_err(|d| vec![d])?;
    let mut root = serde_yaml::from_str::<Build>(text)
        .map_err(|err| vec![syntax_error(file, &err)])?
        .0;
    let events = events(text);
    let mut cursor = events.iter();
    place(&mut root, &mut cursor, file, Span::file_start(file));
    let duplicates = duplicate_keys(&root);
    if duplicates.is_empty() {
        Ok(root)
    } else {
        Err(duplicates)
    }
}

fn syntax_error(file: FileId, err: &serde_yaml::Error) -> Diagnostic {
    let span = err.location().map_or(Span::file_start(file), |loc| {
        point(file, loc.line(), loc.column())
    });
    let message = err.to_string();
    let message = strip_location(&message);
    let d = Diagnostic::error("yaml-syntax", format!("invalid YAML: {message}")).at(span);
    if message.contains("repetition limit") || message.contains("recursion limit") {
        d.help("anchors and aliases (`&a`, `*a`) may not expand into huge or deeply nested values")
    } else if message.contains("tags are not used") {
        d.help("remove the tag (the word starting with `!`)")
    } else {
        d
    }
}

/// Refuse deep flow nesting before a parser sees it. The scan follows quotes
/// and comments, so a `[` inside a string does not count.
fn guard(file: FileId, text: &str) -> Result<(), Diagnostic> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, text.len() as u64));
    }
    let mut depth = 0usize;
    let (mut line, mut col) = (1u32, 0u32);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut prev = '\n';
    for c in text.chars() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            comment = false;
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            prev = c;
            continue;
        }
        match c {
            '#' if prev.is_whitespace() || prev == '\n' => comment = true,
            '"' | '\'' if !prev.is_alphanumeric() => quote = Some(c),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Diagnostic::error(
                        "nesting-too-deep",
                        format!("collections nested more than {MAX_DEPTH} deep"),
                    )
                    .at(point(file, line as usize, col as usize - 1))
                    .help("a plan needs a handful of levels; flatten this value"));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    Ok(())
}

pub fn too_large(file: FileId, bytes: u64) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        format!(
            "file is {:.1} MiB, more than the {} MiB a plan file may be",
            bytes as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ),
    )
    .at(Span::file_start(file))
    .help("split the plan into several files with `include`")
}

/// serde_yaml appends " at line L column C" to its messages; we print the
/// place our own way.
fn strip_location(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

/// A zero-width place from serde_yaml's 1-based line and 1-based column.
fn point(file: FileId, line: usize, column: usize) -> Span {
    let (line, col) = (line.max(1) as u32, column.max(1) as u32);
    Span {
        file,
        line,
        col,
        end_line: line,
        end_col: col,
    }
}

/// A placeholder until [`place`] runs.
const NOWHERE: Span = Span {
    file: FileId(u32::MAX),
    line: 0,
    col: 0,
    end_line: 0,
    end_col: 0,
};

/// Builds a [`Node`] straight from serde_yaml's events, without its `Value`
/// (whose key hashing and copies cost more than the parse).
struct Build(Node);

impl Build {
    fn leaf(value: Value) -> Build {
        Build(Node {
            value,
            span: NOWHERE,
        })
    }
}

impl<'de> serde::Deserialize<'de> for Build {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Build, D::Error> {
        d.deserialize_any(BuildVisitor)
    }
}

struct BuildVisitor;

impl<'de> serde::de::Visitor<'de> for BuildVisitor {
    type Value = Build;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Build, E> {
        Ok(Build::leaf(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Build, E> {
        Ok(Build::leaf(Value::Int(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Build, E> {
        Ok(Build::leaf(
            i64::try_from(v).map_or(Value::Float(v as f64), Value::Int),
        ))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Build, E> {
        Ok(Build::leaf(Value::Float(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Build, E> {
        Ok(Build::leaf(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Build, E> {
        Ok(Build::leaf(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Build, E> {
        Ok(Build::leaf(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Build, E> {
        Ok(Build::leaf(Value::Null))
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Build, D::Error> {
        d.deserialize_any(BuildVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Build, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Build(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Build::leaf(Value::Seq(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Build, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((Build(k), Build(v))) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(Build::leaf(Value::Map(entries)))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<Build, A::Error> {
        Err(serde::de::Error::custom("YAML tags are not used in plans"))
    }
}

/// What saphyr saw at the start of each node, in document order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Seq,
    Map,
    Alias,
}

/// The place of every node, in the order serde_yaml delivers them. serde_yaml
/// accepted the text already; if saphyr disagrees somewhere, the nodes it
/// cannot place get their parent's place.
fn events(text: &str) -> Vec<(Shape, YSpan)> {
    let mut out = Vec::with_capacity(text.len() / 8);
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let shape = match event {
            Event::Scalar(..) => Shape::Scalar,
            Event::SequenceStart(..) => Shape::Seq,
            Event::MappingStart(..) => Shape::Map,
            Event::Alias(_) => Shape::Alias,
            _ => continue,
        };
        out.push((shape, span));
    }
    out
}

fn to_span(file: FileId, s: YSpan) -> Span {
    let (line, col) = (s.start.line() as u32, s.start.col() as u32 + 1);
    // Collections end far below their start; point at their first line only.
    let (end_line, end_col) = if s.end.line() == s.start.line() {
        (s.end.line() as u32, s.end.col() as u32 + 1)
    } else {
        (line, col + 1)
    };
    Span {
        file,
        line,
        col,
        end_line,
        end_col,
    }
}

/// Gives each node its place. A node copied from an alias takes the
/// alias's place, and so does everything inside it.
fn place<'a>(
    node: &mut Node,
    events: &mut impl Iterator<Item = &'a (Shape, YSpan)>,
    file: FileId,
    parent: Span,
) {
    let Some(&(shape, span)) = events.next() else {
        fill(node, parent);
        return;
    };
    let span = to_span(file, span);
    let matches = matches!(
        (shape, &node.value),
        (Shape::Seq, Value::Seq(_))
            | (Shape::Map, Value::Map(_))
            | (
                Shape::Scalar,
                Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_)
            )
    );
    if shape == Shape::Alias || !matches {
        fill(node, span);
        return;
    }
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => {
            for item in items {
                place(item, events, file, span);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                place(k, events, file, span);
                place(v, events, file, span);
            }
        }
        _ => {}
    }
}

fn fill(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| fill(n, span)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            fill(k, span);
            fill(v, span);
        }),
        _ => {}
    }
}

/// Every key written twice in one map, with both places.
fn duplicate_keys(root: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => {
                seen.clear();
                for (k, v) in entries {
                    if let Value::String(text) = &k.value {
                        match seen.entry(text) {
                            std::collections::hash_map::Entry::Occupied(first) => out.push(
                                Diagnostic::error(
                                    "duplicate-key",
                                    format!("key `{text}` is written twice in this map"),
                                )
                                .at(k.span)
                                .label("second time")
                                .note(*first.get(), "first time")
                                .help("remove or rename one of them; YAML keeps one value per key"),
                            ),
                            std::collections::hash_map::Entry::Vacant(slot) => {
                                slot.insert(k.span);
                            }
                        }
                    }
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|d| d.span.map(|s| (s.line, s.col)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.value {
            Value::Map(entries) => {
                &entries
                    .iter()
                    .find(|(k, _)| k.value == Value::String(key.into()))
                    .unwrap()
                    .1
            }
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn every_node_knows_its_line_and_column() {
        let text = "services:\n  ad:\n    name: Annuaire\n    depends_on: [dns, { soft: sup }]\n";
        let root = load(FileId(0), text).unwrap();
        let ad = get(get(&root, "services"), "ad");
        assert_eq!((ad.span.line, ad.span.col), (3, 5));
        let deps = get(ad, "depends_on");
        let Value::Seq(items) = &deps.value else {
            panic!()
        };
        assert_eq!((items[0].span.line, items[0].span.col), (4, 18));
        let soft = get(&items[1], "soft");
        assert_eq!((soft.span.line, soft.span.col), (4, 31));
    }

    #[test]
    fn what_an_alias_copies_takes_the_place_of_the_alias() {
        let text = "a: &x { k: 1 }\nb: *x\nc: [2]\n";
        let root = load(FileId(0), text).unwrap();
        let k = get(get(&root, "b"), "k");
        assert_eq!((k.span.line, k.span.col), (2, 4));
        let Value::Seq(items) = &get(&root, "c").value else {
            panic!()
        };
        assert_eq!((items[0].span.line, items[0].span.col), (3, 5));
    }

    #[test]
    fn duplicate_keys_point_at_both() {
        let err = load(FileId(0), "services:\n  ad: {}\n  dns: {}\n  ad: {}\n").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].code, "duplicate-key");
        assert_eq!(err[0].span.map(|s| (s.line, s.col)), Some((4, 3)));
        assert_eq!(err[0].notes[0].span.line, 2);
    }

    #[test]
    fn tags_are_refused() {
        let err = load(FileId(0), "a: !secret x\n").unwrap_err();
        assert!(
            err[0].message.contains("tags are not used"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn refuses_deep_flow_nesting_without_parsing() {
        let err = load(FileId(0), &"{a: ".repeat(100_000)).unwrap_err();
        assert_eq!(err[0].code, "nesting-too-deep");
        let err = load(FileId(0), &"[".repeat(100)).unwrap_err();
        assert_eq!(err[0].code, "nesting-too-deep");
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "a: \"{}\"\n# {}\nb: '{}'\n",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert!(load(FileId(0), &text).is_ok());
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let err = load(FileId(0), "a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(err[0].code, "yaml-syntax");
        assert!(err[0].span.unwrap().line >= 2);
        assert!(!err[0].message.contains(" at line "));
    }
}

//! The one place YAML text becomes data.
//!
//! serde_yaml (archived upstream, kept because the project asked for it)
//! parses the values: scalars resolved the YAML way, duplicate keys refused,
//! alias expansion bounded. Its values carry no source positions, so a second,
//! cheap pass with saphyr-parser's marked events records the line and column
//! of every node, and the two trees are zipped into one [`Node`] tree.
//!
//! Before either parser sees the text, [`guard`] refuses what would make them
//! slow or hungry: files over [`MAX_FILE_BYTES`] and flow nesting deeper than
//! [`MAX_DEPTH`] (libyaml's time grows with the square of `{a:` depth).

use saphyr_parser::{Event, Parser, Span as YSpan};

use crate::diag::{Diagnostic, FileId, Span};

/// Largest plan file accepted. A 100 000-service plan split by topic stays
/// far below it; a file above it is almost surely not a plan.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Deepest nesting of collections accepted. Plans need about eight levels.
pub const MAX_DEPTH: usize = 64;

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
pub fn load(file: FileId, text: &str) -> Result<Node, Diagnostic> {
    guard(file, text)?;
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let span = err.location().map_or(Span::file_start(file), |loc| {
            point(file, loc.line(), loc.column())
        });
        let message = err.to_string();
        let message = strip_location(&message);
        let d = Diagnostic::error("yaml-syntax", format!("invalid YAML: {message}")).at(span);
        if message.contains("repetition limit") || message.contains("recursion limit") {
            d.help(
                "anchors and aliases (`&a`, `*a`) may not expand into huge or deeply nested values",
            )
        } else {
            d
        }
    })?;
    let positions = Positions::read(text);
    let root = positions.root();
    zip(file, value, &positions, root)
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

/// Where each node of the document is, in the same shape as the document.
struct Positions {
    nodes: Vec<PosNode>,
    /// Node index of each anchor id, so aliases point at what they copy.
    anchors: Vec<(usize, usize)>,
}

enum PosKind {
    Leaf,
    Alias(usize),
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
}

struct PosNode {
    span: YSpan,
    kind: PosKind,
}

impl Positions {
    /// Reads the marked events. serde_yaml accepted the text already, so a
    /// disagreement between the parsers only costs precision: nodes we could
    /// not place get their parent's position.
    fn read(text: &str) -> Positions {
        let mut positions = Positions {
            nodes: Vec::new(),
            anchors: Vec::new(),
        };
        let mut stack: Vec<(usize, bool)> = Vec::new(); // (node, is_map)
        let mut pending: Vec<Vec<usize>> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            let (kind, anchor, opens) = match event {
                Event::Scalar(_, _, anchor, _) => (PosKind::Leaf, anchor, None),
                Event::Alias(id) => (PosKind::Alias(id), 0, None),
                Event::SequenceStart(anchor, _) => (PosKind::Seq(Vec::new()), anchor, Some(false)),
                Event::MappingStart(anchor, _) => (PosKind::Map(Vec::new()), anchor, Some(true)),
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some((node, is_map)) = stack.pop() {
                        let children = pending.pop().unwrap_or_default();
                        positions.nodes[node].kind = if is_map {
                            PosKind::Map(
                                children
                                    .chunks(2)
                                    .filter(|p| p.len() == 2)
                                    .map(|p| (p[0], p[1]))
                                    .collect(),
                            )
                        } else {
                            PosKind::Seq(children)
                        };
                        positions.nodes[node].span.end = span.end;
                    }
                    continue;
                }
                _ => continue,
            };
            let index = positions.nodes.len();
            positions.nodes.push(PosNode { span, kind });
            if anchor > 0 {
                positions.anchors.push((anchor, index));
            }
            if let Some(children) = pending.last_mut() {
                children.push(index);
            }
            if let Some(is_map) = opens {
                stack.push((index, is_map));
                pending.push(Vec::new());
            }
        }
        positions
    }

    fn root(&self) -> Option<usize> {
        (!self.nodes.is_empty()).then_some(0)
    }

    /// Follows aliases to the node they copy.
    fn resolve(&self, mut index: usize) -> usize {
        for _ in 0..64 {
            match self.nodes[index].kind {
                PosKind::Alias(id) => match self.anchors.iter().find(|(a, _)| *a == id) {
                    Some(&(_, target)) => index = target,
                    None => break,
                },
                _ => break,
            }
        }
        index
    }

    fn span(&self, file: FileId, index: usize) -> Span {
        let s = self.nodes[index].span;
        Span {
            file,
            line: s.start.line() as u32,
            col: s.start.col() as u32 + 1,
            end_line: s.end.line() as u32,
            end_col: s.end.col() as u32 + 1,
        }
    }
}

fn zip(
    file: FileId,
    value: serde_yaml::Value,
    positions: &Positions,
    at: Option<usize>,
) -> Result<Node, Diagnostic> {
    let span = at.map_or(Span::file_start(file), |i| positions.span(file, i));
    let shape = at.map(|i| &positions.nodes[positions.resolve(i)].kind);
    let value = match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            let children: &[usize] = match shape {
                Some(PosKind::Seq(c)) => c,
                _ => &[],
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let child = children.get(i).copied().or(at);
                out.push(zip(file, item, positions, child)?);
            }
            Value::Seq(out)
        }
        serde_yaml::Value::Mapping(entries) => {
            let children: &[(usize, usize)] = match shape {
                Some(PosKind::Map(c)) => c,
                _ => &[],
            };
            let mut out = Vec::with_capacity(entries.len());
            for (i, (k, v)) in entries.into_iter().enumerate() {
                let (kp, vp) = children
                    .get(i)
                    .map_or((at, at), |&(k, v)| (Some(k), Some(v)));
                out.push((zip(file, k, positions, kp)?, zip(file, v, positions, vp)?));
            }
            Value::Map(out)
        }
        serde_yaml::Value::Tagged(tagged) => {
            return Err(Diagnostic::error(
                "yaml-syntax",
                format!("YAML tag `{}` is not used in plans", tagged.tag),
            )
            .at(span)
            .help("remove the tag (the word starting with `!`)"));
        }
    };
    Ok(Node { value, span })
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
    fn aliases_take_the_position_of_their_anchor() {
        let text = "a: &x { k: 1 }\nb: *x\n";
        let root = load(FileId(0), text).unwrap();
        let k = get(get(&root, "b"), "k");
        assert_eq!((k.span.line, k.span.col), (1, 12));
    }

    #[test]
    fn refuses_deep_flow_nesting_without_parsing() {
        let err = load(FileId(0), &"{a: ".repeat(100_000)).unwrap_err();
        assert_eq!(err.code, "nesting-too-deep");
        let err = load(FileId(0), &"[".repeat(100)).unwrap_err();
        assert_eq!(err.code, "nesting-too-deep");
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
        assert_eq!(err.code, "yaml-syntax");
        assert!(err.span.unwrap().line >= 2);
        assert!(!err.message.contains(" at line "));
    }
}

//! Loading a plan: files and includes, YAML, decoding, then resolution.
//!
//! The pipeline is `read` (size cap, UTF-8) → `yaml::load` (guarded parse,
//! positions) → `de::decode` (shape, per entry, so one bad service does not
//! hide the others) → `resolve` (ids, cross-references, counts). Every stage
//! adds [`Diagnostic`]s instead of stopping, so one run shows every mistake.

pub(crate) mod de;
pub(crate) mod raw;
mod resolve;
pub(crate) mod yaml;
pub(crate) use yaml::{Node, Value as NodeValue};

use std::collections::HashMap;

use rayon::prelude::*;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Sources, Span, did_you_mean};
use crate::model::Plan;
pub use de::{Expecting, Ids};
pub(crate) use de::{Sink, Spanned, decode};
use yaml::Value;

/// What loading produced: the plan when it has no error, and everything
/// found on the way.
pub struct Loaded {
    pub plan: Option<Plan>,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// One entry of a section, decoded or not.
pub(crate) struct Item<T> {
    pub id: String,
    /// Where the id is written.
    pub span: Span,
    /// `None` when the entry had errors; its id still counts as defined, so
    /// references to it do not cascade into more errors.
    pub raw: Option<T>,
}

/// Everything the files of a plan declare, in file order.
#[derive(Default)]
pub(crate) struct Collected {
    pub name: Option<(String, Span)>,
    pub description: Option<String>,
    pub entities: Vec<Item<raw::Entity>>,
    pub sites: Vec<Item<raw::Site>>,
    pub zones: Vec<Item<raw::Zone>>,
    pub teams: Vec<Item<raw::Team>>,
    pub suppliers: Vec<Item<raw::Supplier>>,
    pub services: Vec<Item<raw::Service>>,
    pub processes: Vec<Item<raw::Process>>,
    /// Restarts by service kind, keyed by the kind as written.
    pub restarts: Vec<Item<raw::Restart>>,
}

/// Load, check and resolve the plan whose root file is `path`.
pub fn load_plan(path: &Path) -> Loaded {
    let Files {
        sources,
        mut diagnostics,
        parsed,
        order,
        complete,
    } = read_files(path);
    // A file that could not be read or parsed leaves its ids undefined;
    // resolving anyway would bury the real problem under "unknown id" noise.
    let plan = if complete {
        let mut collected = Collected::default();
        let mut parsed: Vec<Option<Collected>> = parsed.into_iter().map(Some).collect();
        for i in order {
            if let Some(c) = parsed[i].take() {
                collected.merge(c);
            }
        }
        let (plan, found) = resolve::resolve(collected, path);
        diagnostics.extend(found);
        plan
    } else {
        None
    };
    let plan = plan.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    if let Some(plan) = &plan {
        let graph = crate::graph::DependencyGraph::new(plan);
        diagnostics.extend(crate::graph::shape_warnings(plan, &graph));
    }
    diagnostics.sort_by_key(|d| {
        (
            std::cmp::Reverse(d.severity),
            d.span.map(|s| (s.file, s.line, s.col)),
        )
    });
    Loaded {
        plan,
        sources,
        diagnostics,
    }
}

/// A single YAML document of another kind than a plan (a scenario, an
/// exercise), decoded into `T` through the same guarded parser and with the
/// same positioned diagnostics.
pub struct Document<T> {
    pub value: Option<T>,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn read_document<T: serde::de::DeserializeOwned>(path: &Path) -> Document<T> {
    let mut document = read_document_with(path, |root, sink| match decode::<T>(root, sink) {
        Ok(v) => (Some(v), Vec::new()),
        Err(d) => (None, vec![d]),
    });
    if document.diagnostics.iter().any(Diagnostic::is_error) {
        document.value = None;
    }
    document
}

/// Like [`read_document`], with the decoding done by `decode` on the
/// positioned tree (to decode a list entry by entry, say); the value may
/// come with errors.
pub(crate) fn read_document_with<T>(
    path: &Path,
    decode: impl FnOnce(&Node, &Sink) -> (Option<T>, Vec<Diagnostic>),
) -> Document<T> {
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();
    let text = match read_capped(path) {
        Ok(text) => text,
        Err(problem) => {
            let file = sources.add(path.to_path_buf(), String::new());
            diagnostics.push(problem.diagnostic(file, path));
            return Document {
                value: None,
                sources,
                diagnostics,
            };
        }
    };
    let file = sources.add(path.to_path_buf(), text);
    let value = match yaml::load(file, &sources.get(file).text) {
        Ok(root) => {
            let sink = Sink::default();
            let (value, found) = decode(&root, &sink);
            diagnostics.extend(sink.take());
            diagnostics.extend(found);
            value
        }
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    };
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.line, s.col)));
    // The value decoded so far, even with errors beside it: the caller may
    // check more (references) before giving up.
    Document {
        value,
        sources,
        diagnostics,
    }
}

/// Checks one plan file given as text, without reading anything else: its
/// `include`s are not followed (so references into them are unknown). For
/// tools that hold the text already (editors, fuzzing).
pub fn load_text(name: &Path, text: &str) -> Loaded {
    let mut sources = Sources::default();
    if text.len() as u64 > yaml::MAX_FILE_BYTES {
        let file = sources.add(name.to_path_buf(), String::new());
        return Loaded {
            plan: None,
            diagnostics: vec![yaml::too_large(file, text.len() as u64)],
            sources,
        };
    }
    let file = sources.add(name.to_path_buf(), text.to_string());
    let parsed = parse_file(file, text, true);
    let mut diagnostics = parsed.diagnostics;
    let plan = if parsed.ok {
        let (plan, found) = resolve::resolve(parsed.collected, name);
        diagnostics.extend(found);
        plan.filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
    } else {
        None
    };
    Loaded {
        plan,
        sources,
        diagnostics,
    }
}

impl Collected {
    fn merge(&mut self, other: Collected) {
        if self.name.is_none() {
            self.name = other.name;
        }
        if self.description.is_none() {
            self.description = other.description;
        }
        self.entities.extend(other.entities);
        self.sites.extend(other.sites);
        self.zones.extend(other.zones);
        self.teams.extend(other.teams);
        self.suppliers.extend(other.suppliers);
        self.services.extend(other.services);
        self.processes.extend(other.processes);
        self.restarts.extend(other.restarts);
    }
}

/// Every file of a plan, read and decoded.
struct Files {
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    /// What each file declares, by file id.
    parsed: Vec<Collected>,
    /// File ids in include order: each file, then what it includes, depth
    /// first; the order in which the plan "lists" things.
    order: Vec<usize>,
    /// False once a file could not be read or parsed.
    complete: bool,
}

/// One file's decoding, done on any thread.
struct Parsed {
    collected: Collected,
    includes: Vec<Spanned<String>>,
    diagnostics: Vec<Diagnostic>,
    ok: bool,
}

/// Reads the root file and everything it includes. Files of one include
/// level are parsed in parallel; the include graph is then walked depth
/// first to find cycles and fix the order.
#[tracing::instrument(skip_all)]
fn read_files(root: &Path) -> Files {
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();
    let mut complete = true;
    let mut by_canonical: HashMap<PathBuf, usize> = HashMap::new();
    let mut parsed: Vec<Collected> = Vec::new();
    // For each file, its includes in order: where written, and the file
    // they name when it could be opened.
    let mut includes: Vec<Vec<(Span, Option<usize>)>> = Vec::new();

    let mut level: Vec<(PathBuf, Option<Span>)> = vec![(root.to_path_buf(), None)];
    let mut pending_edges: Vec<(usize, Span, PathBuf)> = Vec::new();
    while !level.is_empty() {
        let mut to_parse = Vec::new();
        for (path, included_at) in std::mem::take(&mut level) {
            let problem = match path.canonicalize() {
                Err(err) => Some(Diagnostic::error(
                    "include-missing",
                    format!("cannot open `{}`: {}", path.display(), io_reason(&err)),
                )),
                Ok(canonical) if by_canonical.contains_key(&canonical) => None,
                Ok(canonical) => {
                    let index = parsed.len();
                    by_canonical.insert(canonical, index);
                    parsed.push(Collected::default());
                    includes.push(Vec::new());
                    match read_capped(&path) {
                        Ok(text) => {
                            let id = sources.add(path.clone(), text);
                            to_parse.push((index, id));
                            None
                        }
                        Err(problem) => {
                            // The file itself is the problem: point at it,
                            // not at the include.
                            let id = sources.add(path.clone(), String::new());
                            complete = false;
                            diagnostics.push(problem.diagnostic(id, &path));
                            None
                        }
                    }
                }
            };
            if let Some(d) = problem {
                complete = false;
                diagnostics.push(match included_at {
                    Some(span) => d
                        .at(span)
                        .label("included here")
                        .help("include paths are relative to the file that includes them"),
                    None => d,
                });
            }
        }
        let results: Vec<Parsed> = to_parse
            .par_iter()
            .map(|&(index, id)| parse_file(id, &sources.get(id).text, index == 0))
            .collect();
        for ((index, id), result) in to_parse.into_iter().zip(results) {
            complete &= result.ok;
            diagnostics.extend(result.diagnostics);
            parsed[index] = result.collected;
            let dir = sources
                .path(id)
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            for include in result.includes {
                let target = normalize(&dir.join(&include.value));
                pending_edges.push((index, include.span, target.clone()));
                level.push((target, Some(include.span)));
            }
        }
    }
    for (from, span, target) in pending_edges {
        let to = target
            .canonicalize()
            .ok()
            .and_then(|c| by_canonical.get(&c).copied());
        includes[from].push((span, to));
    }
    let mut order = Vec::with_capacity(parsed.len());
    if !parsed.is_empty() {
        let mut state = vec![Visit::New; parsed.len()];
        let mut chain = Vec::new();
        walk_includes(
            0,
            &includes,
            &sources,
            &mut state,
            &mut chain,
            &mut order,
            &mut diagnostics,
        );
    }
    tracing::debug!(files = parsed.len(), complete, "read the plan's files");
    Files {
        sources,
        diagnostics,
        parsed,
        order,
        complete,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnStack,
    Done,
}

/// Depth-first walk of the include graph: records the order and reports
/// each include that closes a cycle, naming every file on it.
fn walk_includes(
    file: usize,
    includes: &[Vec<(Span, Option<usize>)>],
    sources: &Sources,
    state: &mut [Visit],
    chain: &mut Vec<usize>,
    order: &mut Vec<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    state[file] = Visit::OnStack;
    chain.push(file);
    order.push(file);
    for &(span, target) in &includes[file] {
        let Some(target) = target else { continue };
        match state[target] {
            Visit::New => {
                walk_includes(target, includes, sources, state, chain, order, diagnostics);
            }
            Visit::OnStack => {
                let start = chain.iter().position(|&f| f == target).unwrap_or(0);
                let cycle = chain[start..]
                    .iter()
                    .chain(std::iter::once(&target))
                    .map(|&f| sources.path(FileId(f as u32)).display().to_string())
                    .collect::<Vec<_>>()
                    .join(" → ");
                diagnostics.push(
                    Diagnostic::error("include-cycle", format!("include cycle: {cycle}"))
                        .at(span)
                        .label("closes the cycle")
                        .help("remove one of these includes; a file may not include itself, even indirectly"),
                );
            }
            Visit::Done => {}
        }
    }
    chain.pop();
    state[file] = Visit::Done;
}

/// Decodes one file's sections. Runs on any thread: it touches nothing but
/// its own text.
fn parse_file(file: FileId, text: &str, is_root: bool) -> Parsed {
    let mut out = Parsed {
        collected: Collected::default(),
        includes: Vec::new(),
        diagnostics: Vec::new(),
        ok: true,
    };
    let root = match yaml::load(file, text) {
        Ok(root) => root,
        Err(found) => {
            out.ok = false;
            out.diagnostics = found;
            return out;
        }
    };
    let entries = match &root.value {
        Value::Map(entries) => entries,
        Value::Null => {
            out.ok = false;
            out.diagnostics.push(
                Diagnostic::error("empty-file", "this plan file is empty")
                    .at(Span::file_start(file))
                    .help("a plan file is a map with keys such as `services:` and `processes:`"),
            );
            return out;
        }
        other => {
            out.ok = false;
            out.diagnostics.push(
                Diagnostic::error(
                    "wrong-type",
                    format!(
                        "a plan file must be a map of sections, found {}",
                        other.describe()
                    ),
                )
                .at(root.span)
                .help(format!("start with one of {}", list(raw::PLAN_KEYS))),
            );
            return out;
        }
    };
    let sink = Sink::default();
    let c = &mut out.collected;
    for (key, value) in entries {
        let Value::String(name) = &key.value else {
            sink.push(
                Diagnostic::error(
                    "unknown-key",
                    format!("unexpected key {}", key.value.describe()),
                )
                .at(key.span),
            );
            continue;
        };
        let result = match name.as_str() {
            "name" if !is_root => Err(Diagnostic::error(
                "misplaced-key",
                "`name` belongs in the root plan file only",
            )
            .at(key.span)
            .help("remove it, or put it in the file you pass to reprise")),
            "name" => decode::<String>(value, &sink).map(|n| c.name = Some((n, key.span))),
            "description" => decode::<String>(value, &sink).map(|d| c.description = Some(d)),
            "include" => {
                decode::<Vec<Spanned<String>>>(value, &sink).map(|list| out.includes = list)
            }
            "entities" => section(value, &sink, &mut c.entities),
            "sites" => section(value, &sink, &mut c.sites),
            "zones" => section(value, &sink, &mut c.zones),
            "teams" => section(value, &sink, &mut c.teams),
            "suppliers" => section(value, &sink, &mut c.suppliers),
            "services" => section(value, &sink, &mut c.services),
            "processes" => section(value, &sink, &mut c.processes),
            "restarts" => section(value, &sink, &mut c.restarts),
            other => Err(
                Diagnostic::error("unknown-key", format!("unknown section `{other}`"))
                    .at(key.span)
                    .label("not a section of a plan")
                    .help(match did_you_mean(other, raw::PLAN_KEYS.iter().copied()) {
                        Some(dym) => format!("{dym} sections are {}", list(raw::PLAN_KEYS)),
                        None => format!("sections are {}", list(raw::PLAN_KEYS)),
                    }),
            ),
        };
        if let Err(d) = result {
            sink.push(d);
        }
    }
    out.diagnostics = sink.take();
    out
}

/// Decode every entry of a section keyed by id, each on its own, so that a
/// mistake in one entry is reported without hiding the others.
fn section<'a, T: serde::Deserialize<'a>>(
    node: &'a Node,
    sink: &'a Sink,
    out: &mut Vec<Item<T>>,
) -> Result<(), Diagnostic> {
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return Ok(()),
        other => {
            return Err(Diagnostic::error(
                "wrong-type",
                format!(
                    "expected a map of entries keyed by id, found {}",
                    other.describe()
                ),
            )
            .at(node.span)
            .help("write one entry per line as `id: { … }` or `id:` followed by indented keys"));
        }
    };
    for (key, value) in entries {
        let id = match &key.value {
            Value::String(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            other => {
                sink.push(
                    Diagnostic::error(
                        "bad-id",
                        format!("an id must be a word, found {}", other.describe()),
                    )
                    .at(key.span),
                );
                continue;
            }
        };
        if let Err(why) = check_id(&id) {
            sink.push(
                Diagnostic::error("bad-id", format!("`{id}` is not a valid id: {why}"))
                    .at(key.span)
                    .help("ids use ASCII letters, digits, `-`, `_` and `.`, e.g. `etat-civil`"),
            );
        }
        let raw = match decode::<T>(value, sink) {
            Ok(raw) => Some(raw),
            Err(d) => {
                sink.push(d);
                None
            }
        };
        out.push(Item {
            id,
            span: key.span,
            raw,
        });
    }
    Ok(())
}

/// Ids are typed in commands, journals and targets: one word each, the
/// same rule for plans and exercises.
pub(crate) fn check_id(id: &str) -> Result<(), &'static str> {
    let mut chars = id.chars();
    match chars.next() {
        None => Err("it is empty"),
        Some(c) if !c.is_ascii_alphanumeric() => Err("it must start with a letter or a digit"),
        _ if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) => {
            Err("it may only hold ASCII letters, digits, `-`, `_` and `.`")
        }
        _ => Ok(()),
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

enum ReadProblem {
    NotAFile,
    TooLarge(u64),
    Io(std::io::Error),
    NotUtf8,
}

impl ReadProblem {
    fn diagnostic(self, file: FileId, path: &Path) -> Diagnostic {
        match self {
            ReadProblem::TooLarge(bytes) => yaml::too_large(file, bytes),
            ReadProblem::NotAFile => Diagnostic::error(
                "unreadable",
                format!("`{}` is not a regular file", path.display()),
            )
            .help("name a YAML file; folders, devices and pipes cannot be plans"),
            ReadProblem::Io(err) => Diagnostic::error(
                "unreadable",
                format!("cannot read `{}`: {}", path.display(), io_reason(&err)),
            ),
            ReadProblem::NotUtf8 => Diagnostic::error(
                "not-utf8",
                format!("`{}` is not UTF-8 text", path.display()),
            )
            .help("save the file as UTF-8"),
        }
    }
}

/// Reads a file, refusing it from its size before reading, and never reading
/// past the cap even if the file grows meanwhile.
fn read_capped(path: &Path) -> Result<String, ReadProblem> {
    // A FIFO or a device would block or never end: only regular files,
    // checked before opening (opening a FIFO already blocks).
    if !std::fs::metadata(path).map_err(ReadProblem::Io)?.is_file() {
        return Err(ReadProblem::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(ReadProblem::Io)?;
    let len = file.metadata().map_err(ReadProblem::Io)?.len();
    if len > yaml::MAX_FILE_BYTES {
        return Err(ReadProblem::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(yaml::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > yaml::MAX_FILE_BYTES {
        return Err(ReadProblem::TooLarge(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| ReadProblem::NotUtf8)
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system, so paths in
/// messages read the way the user wrote them.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

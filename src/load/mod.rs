//! Loading a plan: files and includes, YAML, decoding, then resolution.
//!
//! The pipeline is `read` (size cap, UTF-8) → [`yaml::load`] (guarded parse,
//! positions) → [`de::decode`] (shape, per entry, so one bad service does not
//! hide the others) → [`resolve`] (ids, cross-references, counts). Every stage
//! adds [`Diagnostic`]s instead of stopping, so one run shows every mistake.

mod de;
pub mod raw;
mod resolve;
pub mod yaml;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Sources, Span, did_you_mean};
use crate::model::Plan;
use de::{Sink, decode};
use yaml::{Node, Value};

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
}

/// Load, check and resolve the plan whose root file is `path`.
pub fn load_plan(path: &Path) -> Loaded {
    let mut loader = Loader {
        complete: true,
        sources: Sources::default(),
        diagnostics: Vec::new(),
        collected: Collected::default(),
        seen: HashSet::new(),
    };
    loader.file(path, None, &mut Vec::new());
    let Loader {
        sources,
        mut diagnostics,
        collected,
        complete,
        ..
    } = loader;
    // A file that could not be read or parsed leaves its ids undefined;
    // resolving anyway would bury the real problem under "unknown id" noise.
    let plan = if !complete {
        None
    } else {
        let (plan, found) = resolve::resolve(collected, path);
        diagnostics.extend(found);
        plan
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

struct Loader {
    /// False once a file could not be read or parsed.
    complete: bool,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    collected: Collected,
    /// Canonical paths already loaded: a file included twice is read once.
    seen: HashSet<PathBuf>,
}

impl Loader {
    /// Load one file and, depth first, what it includes. `chain` holds the
    /// files being loaded above this one, to name the whole cycle.
    fn file(
        &mut self,
        path: &Path,
        included_at: Option<Span>,
        chain: &mut Vec<(PathBuf, PathBuf)>,
    ) {
        let canonical = match path.canonicalize() {
            Ok(c) => c,
            Err(err) => {
                let d = Diagnostic::error(
                    "include-missing",
                    format!("cannot open `{}`: {}", path.display(), io_reason(&err)),
                );
                self.complete = false;
                self.diagnostics.push(match included_at {
                    Some(span) => d
                        .at(span)
                        .label("included here")
                        .help("include paths are relative to the file that includes them"),
                    None => d,
                });
                return;
            }
        };
        if let Some(start) = chain.iter().position(|(c, _)| *c == canonical) {
            let cycle = chain[start..]
                .iter()
                .map(|(_, shown)| shown.display().to_string())
                .chain(std::iter::once(path.display().to_string()))
                .collect::<Vec<_>>()
                .join(" → ");
            let d = Diagnostic::error("include-cycle", format!("include cycle: {cycle}")).help(
                "remove one of these includes; a file may not include itself, even indirectly",
            );
            self.diagnostics.push(match included_at {
                Some(span) => d.at(span).label("closes the cycle"),
                None => d,
            });
            return;
        }
        if !self.seen.insert(canonical.clone()) {
            return;
        }
        let text = match read_capped(path) {
            Ok(text) => text,
            Err(problem) => {
                self.complete = false;
                let file = self.sources.add(path.to_path_buf(), String::new());
                self.diagnostics
                    .push(problem.diagnostic(file, path, included_at));
                return;
            }
        };
        let file = self.sources.add(path.to_path_buf(), text);
        let root = match yaml::load(file, &self.sources.get(file).text) {
            Ok(root) => root,
            Err(d) => {
                self.complete = false;
                self.diagnostics.push(d);
                return;
            }
        };
        chain.push((canonical, path.to_path_buf()));
        self.top_level(file, path, &root, included_at.is_none(), chain);
        chain.pop();
    }

    fn top_level(
        &mut self,
        file: FileId,
        path: &Path,
        root: &Node,
        is_root: bool,
        chain: &mut Vec<(PathBuf, PathBuf)>,
    ) {
        let entries = match &root.value {
            Value::Map(entries) => entries,
            Value::Null => {
                self.diagnostics.push(
                    Diagnostic::error("empty-file", "this plan file is empty")
                        .at(Span::file_start(file))
                        .help(
                            "a plan file is a map with keys such as `services:` and `processes:`",
                        ),
                );
                return;
            }
            other => {
                self.diagnostics.push(
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
                return;
            }
        };
        let sink = Sink::default();
        let mut includes = Vec::new();
        for (key, value) in entries {
            let Value::String(name) = &key.value else {
                self.diagnostics.push(
                    Diagnostic::error(
                        "unknown-key",
                        format!("unexpected key {}", key.value.describe()),
                    )
                    .at(key.span),
                );
                continue;
            };
            let c = &mut self.collected;
            let result = match name.as_str() {
                "name" if !is_root => Err(Diagnostic::error(
                    "misplaced-key",
                    "`name` belongs in the root plan file only",
                )
                .at(key.span)
                .help("remove it, or put it in the file you pass to reprise")),
                "name" => decode::<String>(value, &sink).map(|n| c.name = Some((n, key.span))),
                "description" => decode::<String>(value, &sink).map(|d| {
                    c.description.get_or_insert(d);
                }),
                "include" => {
                    decode::<Vec<de::Spanned<String>>>(value, &sink).map(|list| includes = list)
                }
                "entities" => section(value, &sink, &mut c.entities),
                "sites" => section(value, &sink, &mut c.sites),
                "zones" => section(value, &sink, &mut c.zones),
                "teams" => section(value, &sink, &mut c.teams),
                "suppliers" => section(value, &sink, &mut c.suppliers),
                "services" => section(value, &sink, &mut c.services),
                "processes" => section(value, &sink, &mut c.processes),
                other => Err(Diagnostic::error(
                    "unknown-key",
                    format!("unknown section `{other}`"),
                )
                .at(key.span)
                .label("not a section of a plan")
                .help(match did_you_mean(other, raw::PLAN_KEYS.iter().copied()) {
                    Some(dym) => format!("{dym} sections are {}", list(raw::PLAN_KEYS)),
                    None => format!("sections are {}", list(raw::PLAN_KEYS)),
                })),
            };
            if let Err(d) = result {
                self.diagnostics.push(d);
            }
            self.diagnostics.extend(sink.take());
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        for include in includes {
            let target = normalize(&dir.join(&include.value));
            self.file(&target, Some(include.span), chain);
        }
    }
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

fn check_id(id: &str) -> Result<(), &'static str> {
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
    TooLarge(u64),
    Io(std::io::Error),
    NotUtf8,
}

impl ReadProblem {
    fn diagnostic(self, file: FileId, path: &Path, included_at: Option<Span>) -> Diagnostic {
        let d = match self {
            ReadProblem::TooLarge(bytes) => yaml::too_large(file, bytes),
            ReadProblem::Io(err) => Diagnostic::error(
                "unreadable",
                format!("cannot read `{}`: {}", path.display(), io_reason(&err)),
            ),
            ReadProblem::NotUtf8 => Diagnostic::error(
                "not-utf8",
                format!("`{}` is not UTF-8 text", path.display()),
            )
            .help("save the file as UTF-8"),
        };
        match included_at {
            Some(span) => d.at(span).label("included here"),
            None => d,
        }
    }
}

/// Reads a file, refusing it from its size before reading, and never reading
/// past the cap even if the file grows meanwhile.
fn read_capped(path: &Path) -> Result<String, ReadProblem> {
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

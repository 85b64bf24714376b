//! Diagnostics: what is wrong with a plan, where, and how to fix it.
//!
//! Every problem the loader or the checks find becomes a [`Diagnostic`] with a
//! stable code, a [`Span`] into one of the plan's [`Sources`], and, where we
//! can tell, a `help` line saying what to write instead. Rendering as text
//! (`file:line:col` and a caret under the problem) or JSON happens here, so
//! every command reports problems the same way.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term;
use serde::Serialize;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A place in a source file: 1-based line and column (in characters), and
/// where the thing ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// The start of a file, for problems that belong to a whole file.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 1,
        }
    }
}

/// One loaded file: its path as the user should see it and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// Byte offset of a 1-based line and character column, clamped to the file.
    fn offset(&self, line: u32, col: u32) -> usize {
        let line_index = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[line_index];
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        let chars = col.max(1) as usize - 1;
        start
            + line_text
                .char_indices()
                .nth(chars)
                .map_or(line_text.len(), |(i, _)| i)
    }
}

/// Every file that makes up a plan, kept so diagnostics can quote them.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn byte_range(&self, span: Span) -> Range<usize> {
        let file = self.get(span.file);
        let start = file.offset(span.line, span.col);
        let end = file.offset(span.end_line, span.end_col).max(start);
        // A zero-width range renders no caret; point at one character at least.
        let end = if end == start {
            file.text[start..]
                .chars()
                .next()
                .filter(|c| *c != '\n')
                .map_or(start, |c| start + c.len_utf8())
        } else {
            end
        };
        start..end
    }
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<String, files::Error> {
        Ok(self.path(id).display().to_string())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let starts = &self.get(id).line_starts;
        Ok(starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next - 1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.get(id);
        let start = *file
            .line_starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: file.line_starts.len() - 1,
            })?;
        let end = file
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A secondary place that explains the main one ("first defined here").
#[derive(Debug, Clone)]
pub struct Note {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case; documented in the README.
    pub code: &'static str,
    pub message: String,
    pub span: Option<Span>,
    /// Short text printed under the caret.
    pub label: Option<String>,
    /// What to write instead.
    pub help: Option<String>,
    pub notes: Vec<Note>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.notes.push(Note {
            span,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The text a person reads: `error[code]: message`, then the place as
    /// `file:line:col` with the line quoted and a caret under the problem.
    pub fn render(&self, sources: &Sources) -> String {
        let mut d = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        }
        .with_code(self.code)
        .with_message(&self.message);
        let mut labels = Vec::new();
        if let Some(span) = self.span.filter(|s| (s.file.0 as usize) < sources.len()) {
            labels.push(
                cs::Label::primary(span.file, sources.byte_range(span))
                    .with_message(self.label.clone().unwrap_or_default()),
            );
        }
        for note in &self.notes {
            labels.push(
                cs::Label::secondary(note.span.file, sources.byte_range(note.span))
                    .with_message(&note.message),
            );
        }
        d = d.with_labels(labels);
        if let Some(help) = &self.help {
            d = d.with_notes(vec![format!("help: {help}")]);
        }
        let config = term::Config {
            chars: term::Chars::ascii(),
            ..term::Config::default()
        };
        term::emit_into_string(&config, sources, &d).unwrap_or_else(|_| {
            format!(
                "{}[{}]: {}\n",
                self.severity_word(),
                self.code,
                self.message
            )
        })
    }

    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// The machine-readable form used by `--format json`.
    pub fn to_json(&self, sources: &Sources) -> DiagnosticJson {
        let location = self.span.filter(|s| (s.file.0 as usize) < sources.len());
        DiagnosticJson {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            file: location.map(|s| sources.path(s.file).display().to_string()),
            line: location.map(|s| s.line),
            column: location.map(|s| s.col),
            help: self.help.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct DiagnosticJson {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub help: Option<String>,
}

/// "did you mean `dns`?" for a name that is close to one we know: a few
/// edits away (swapped letters count as one), allowing more for longer names.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let allowed = match wanted.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let distance = strsim::damerau_levenshtein(wanted, candidate);
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| format!("did you mean `{name}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_and_caret() {
        let mut sources = Sources::default();
        let file = sources.add("plan.yaml".into(), "a: 1\nbé: dsn\n".into());
        let d = Diagnostic::error("unknown-id", "unknown service `dsn`")
            .at(Span {
                file,
                line: 2,
                col: 5,
                end_line: 2,
                end_col: 8,
            })
            .help("did you mean `dns`?");
        let text = d.render(&sources);
        assert!(
            text.contains("error[unknown-id]: unknown service `dsn`"),
            "{text}"
        );
        assert!(text.contains("plan.yaml:2:5"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("help: did you mean `dns`?"), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("dsn", ["dns", "ad", "dhcp"]).as_deref(),
            Some("did you mean `dns`?")
        );
        assert_eq!(did_you_mean("zzzz", ["dns", "ad"]), None);
    }
}

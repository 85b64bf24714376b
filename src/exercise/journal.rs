//! The exercise journal: every inject delivered and every decision taken,
//! one JSON object per line, appended and made durable before it is
//! acknowledged.
//!
//! The first line is a [`Header`] naming the exercise (with a hash of its
//! file, so a resume can tell it was not edited) and the seed; every other
//! line is an [`Entry`] with a sequence number 1, 2, 3… An entry is written
//! in one `write`, then flushed and `fsync`ed: when [`Journal::append`]
//! returns, the entry survives a crash of the process or of the machine, and
//! only then does the caller acknowledge it. A crash during a write can only
//! leave the last line torn (cut short, or not ended by a newline);
//! [`Journal::read`] reports it and ignores it, since nobody acknowledged it,
//! and [`Journal::open_append`] cuts it off before appending, so the file
//! stays valid JSON Lines. Any other bad line is corruption, reported with
//! its line number: a journal is never silently repaired in the middle.
//!
//! A journal is never overwritten: [`Journal::create`] refuses a file that
//! exists.
//!
//! The library reads no clock: times of day come from the caller
//! ([`rfc3339`] formats one).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The journal format this version writes and reads.
const FORMAT_VERSION: u32 = 1;

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `FORMAT_VERSION` when written.
    pub version: u32,
    /// The exercise file, as the facilitator gave it.
    pub exercise: String,
    /// `fnv1a64:` and 16 hex digits: the hash of the exercise file's bytes,
    /// so a resume can refuse an exercise edited since.
    pub exercise_hash: String,
    /// The seed of the simulation under the exercise.
    pub seed: u64,
    /// When the journal was created (RFC 3339, UTC).
    pub created: String,
}

impl Header {
    /// A header for the exercise file at `path` with these `bytes`.
    pub fn new(path: &Path, bytes: &[u8], seed: u64, created: SystemTime) -> Header {
        Header {
            version: FORMAT_VERSION,
            exercise: path.display().to_string(),
            exercise_hash: hash(bytes),
            seed,
            created: rfc3339(created),
        }
    }

    /// Whether `bytes` are the exercise file this journal was played on:
    /// the one check of a resume and of a report. The error gives the hash
    /// found.
    pub fn check_exercise(&self, bytes: &[u8]) -> Result<(), String> {
        let found = hash(bytes);
        if found == self.exercise_hash {
            Ok(())
        } else {
            Err(found)
        }
    }

    /// A header for the exercise file at `path`, reading it to hash it.
    fn for_file(path: &Path, seed: u64, created: SystemTime) -> io::Result<Header> {
        let bytes = std::fs::read(path)?;
        Ok(Header::new(path, &bytes, seed, created))
    }
}

/// The header as written: with `"type": "header"` like every other line.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum HeaderLine {
    Header(Header),
}

/// One line after the header. `t` is the exercise clock: scenario time in
/// seconds from T0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    /// An inject was delivered to its audience.
    Inject {
        seq: u64,
        t: u64,
        id: String,
    },
    /// A decision was taken. `command` is [`super::Decision::to_command`]:
    /// parsing it again gives the same decision.
    Decision {
        seq: u64,
        t: u64,
        /// The role that took it, when the facilitator says.
        by: Option<String>,
        command: String,
        /// When it was taken, by the wall clock (RFC 3339, UTC), for the
        /// after-action report.
        wall: String,
    },
    /// The facilitator moved the clock to `t`.
    Clock {
        seq: u64,
        t: u64,
    },
    Pause {
        seq: u64,
        t: u64,
    },
    Resume {
        seq: u64,
        t: u64,
    },
    /// The exercise ended.
    End {
        seq: u64,
        t: u64,
    },
}

impl Entry {
    pub fn seq(&self) -> u64 {
        match self {
            Entry::Inject { seq, .. }
            | Entry::Decision { seq, .. }
            | Entry::Clock { seq, .. }
            | Entry::Pause { seq, .. }
            | Entry::Resume { seq, .. }
            | Entry::End { seq, .. } => *seq,
        }
    }

    pub fn t(&self) -> u64 {
        match self {
            Entry::Inject { t, .. }
            | Entry::Decision { t, .. }
            | Entry::Clock { t, .. }
            | Entry::Pause { t, .. }
            | Entry::Resume { t, .. }
            | Entry::End { t, .. } => *t,
        }
    }
}

/// A torn last line: written when the process or the machine stopped, never
/// acknowledged, so ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncated {
    /// Its line number (1-based).
    pub line: usize,
    /// Its length in bytes, newline included if it had one.
    pub bytes: u64,
}

/// Why a journal cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Empty, or the header itself was torn: the exercise never started.
    #[error("the journal has no complete header line: the exercise never started")]
    NoHeader,
    #[error("line 1: not a journal header: {0}")]
    BadHeader(String),
    #[error("the journal is format version {found}; this reprise reads version {FORMAT_VERSION}")]
    Version { found: u32 },
    /// A line before the last does not parse: the file was damaged or
    /// edited, not torn by a crash.
    #[error("line {line}: not a journal entry: {message}")]
    BadLine { line: usize, message: String },
    #[error("line {line}: entry number {found} where {expected} was expected")]
    Sequence {
        line: usize,
        expected: u64,
        found: u64,
    },
}

/// A journal open for appending.
#[derive(Debug)]
pub struct Journal {
    file: File,
    next: u64,
    /// A write failed part-way: the file may end in a partial line, and
    /// appending after it would corrupt the middle of the journal.
    broken: bool,
}

/// What [`Journal::open_append`] found in the journal it reopened.
#[derive(Debug)]
pub struct Resumed {
    pub journal: Journal,
    pub header: Header,
    /// Every complete entry, in order.
    pub entries: Vec<Entry>,
    /// The torn last line that was cut off, if there was one.
    pub repaired: Option<Truncated>,
}

impl Journal {
    /// Creates a journal and writes its header, durably. Fails if `path`
    /// exists: a journal is never overwritten.
    pub fn create(path: &Path, header: &Header) -> io::Result<Journal> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        let mut line =
            serde_json::to_string(&HeaderLine::Header(header.clone())).map_err(io::Error::other)?;
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.flush()?;
        file.sync_data()?;
        // The new name lives in the directory: sync it too, or a crash can
        // forget the file even though its content was synced.
        sync_dir(path)?;
        Ok(Journal {
            file,
            next: 1,
            broken: false,
        })
    }

    /// Reopens a journal to go on with an exercise: reads it, cuts off a
    /// torn last line (durably) so appends start on a fresh line, and
    /// positions for appending.
    pub fn open_append(path: &Path) -> Result<Resumed, JournalError> {
        let mut file = OpenOptions::new().read(true).write(true).open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let parsed = parse(&bytes)?;
        if let Some(t) = parsed.truncated {
            file.set_len(parsed.valid_len)?;
            file.sync_data()?;
            debug_assert_eq!(bytes.len() as u64 - parsed.valid_len, t.bytes);
        }
        drop(file);
        let file = OpenOptions::new().append(true).open(path)?;
        let next = parsed.entries.last().map_or(1, |e| e.seq() + 1);
        Ok(Resumed {
            journal: Journal {
                file,
                next,
                broken: false,
            },
            header: parsed.header,
            entries: parsed.entries,
            repaired: parsed.truncated,
        })
    }

    /// Reads a journal without changing it. A torn last line is returned
    /// as [`Truncated`], not as an error.
    pub fn read(path: &Path) -> Result<(Header, Vec<Entry>, Option<Truncated>), JournalError> {
        let bytes = std::fs::read(path)?;
        let parsed = parse(&bytes)?;
        Ok((parsed.header, parsed.entries, parsed.truncated))
    }

    /// The sequence number the next entry must carry.
    pub fn next_seq(&self) -> u64 {
        self.next
    }

    /// Appends one entry and makes it durable (write, flush, `fsync`);
    /// returns its sequence number. Only after this returns may the caller
    /// acknowledge the entry. The entry must carry [`Journal::next_seq`].
    pub fn append(&mut self, entry: &Entry) -> io::Result<u64> {
        if self.broken {
            return Err(io::Error::other(
                "an earlier write to the journal failed; reopen it to go on",
            ));
        }
        if entry.seq() != self.next {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "journal entry numbered {} where {} comes next",
                    entry.seq(),
                    self.next
                ),
            ));
        }
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        let written = self
            .file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            self.broken = true;
            return Err(e);
        }
        self.next += 1;
        Ok(entry.seq())
    }
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

/// Elsewhere a directory cannot be opened to be synced; creating the file
/// is as durable as the platform makes it.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

struct Parsed {
    header: Header,
    entries: Vec<Entry>,
    truncated: Option<Truncated>,
    /// Bytes up to the end of the last complete line.
    valid_len: u64,
}

fn parse(bytes: &[u8]) -> Result<Parsed, JournalError> {
    // Lines with their start offset; the last one may lack its newline.
    let mut lines: Vec<(usize, &[u8], bool)> = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                lines.push((start, &bytes[start..start + i], true));
                start += i + 1;
            }
            None => {
                lines.push((start, &bytes[start..], false));
                start = bytes.len();
            }
        }
    }
    let count = lines.len();
    let mut truncated = None;
    let mut valid_len = bytes.len() as u64;
    // The last line is torn when it has no newline (the write stopped
    // before its end) or does not parse (a crash left garbage after it).
    if let Some(&(offset, text, ended)) = lines.last() {
        let parses = if count == 1 {
            header_of(text).is_ok()
        } else {
            entry_of(text).is_ok()
        };
        if !ended || !parses {
            truncated = Some(Truncated {
                line: count,
                bytes: (bytes.len() - offset) as u64,
            });
            valid_len = offset as u64;
            lines.pop();
        }
    }
    let Some(&(_, first, _)) = lines.first() else {
        return Err(JournalError::NoHeader);
    };
    let header = header_of(first).map_err(JournalError::BadHeader)?;
    if header.version != FORMAT_VERSION {
        return Err(JournalError::Version {
            found: header.version,
        });
    }
    let mut entries = Vec::with_capacity(lines.len().saturating_sub(1));
    for (i, &(_, text, _)) in lines.iter().enumerate().skip(1) {
        let line = i + 1;
        let entry = entry_of(text).map_err(|message| JournalError::BadLine { line, message })?;
        let expected = entries.len() as u64 + 1;
        if entry.seq() != expected {
            return Err(JournalError::Sequence {
                line,
                expected,
                found: entry.seq(),
            });
        }
        entries.push(entry);
    }
    Ok(Parsed {
        header,
        entries,
        truncated,
        valid_len,
    })
}

fn header_of(text: &[u8]) -> Result<Header, String> {
    match serde_json::from_slice::<HeaderLine>(text) {
        Ok(HeaderLine::Header(h)) => Ok(h),
        Err(e) => Err(e.to_string()),
    }
}

fn entry_of(text: &[u8]) -> Result<Entry, String> {
    serde_json::from_slice::<Entry>(text).map_err(|e| e.to_string())
}

/// FNV-1a, 64 bits, as `fnv1a64:` and 16 hex digits: enough to notice an
/// edited file, not a defence against a forger.
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// A time as RFC 3339 in UTC with milliseconds, e.g.
/// `2025-11-18T09:05:03.250Z`. Times before 1970 are written as 1970.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Opens the exercise's journal: a new one created at `now` (refusing to
/// overwrite), or an existing one to resume, refused when the exercise
/// file changed since. Returns the journal, the seed, and the entries
/// to replay.
pub fn open_for_exercise(
    path: &Path,
    exercise_path: &Path,
    seed: u64,
    resume: bool,
    now: SystemTime,
) -> Result<(Journal, u64, Vec<Entry>, Option<Truncated>), String> {
    // Killed while writing its header: nothing was ever acknowledged, and
    // there is nothing to resume; start afresh.
    if resume && std::fs::read(path).is_ok_and(|b| !b.contains(&b'\n')) {
        std::fs::remove_file(path)
            .map_err(|e| format!("cannot replace `{}`: {e}", path.display()))?;
        return open_for_exercise(path, exercise_path, seed, false, now);
    }
    if resume {
        let r = Journal::open_append(path)
            .map_err(|e| format!("cannot resume from `{}`: {e}", path.display()))?;
        let bytes = std::fs::read(exercise_path)
            .map_err(|e| format!("cannot read `{}`: {e}", exercise_path.display()))?;
        if r.header.check_exercise(&bytes).is_err() {
            return Err(format!(
                "`{}` changed since the journal `{}` was started: resume with the exercise file as it was",
                exercise_path.display(),
                path.display()
            ));
        }
        return Ok((r.journal, r.header.seed, r.entries, r.repaired));
    }
    if path.exists() {
        return Err(format!(
            "the journal `{}` already exists: resume it with `--resume {}`, or give another `--journal`",
            path.display(),
            path.display()
        ));
    }
    let header = Header::for_file(exercise_path, seed, now)
        .map_err(|e| format!("cannot read `{}`: {e}", exercise_path.display()))?;
    let j = Journal::create(path, &header)
        .map_err(|e| format!("cannot create the journal `{}`: {e}", path.display()))?;
    Ok((j, seed, Vec::new(), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_utc_times() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"),
            (1_763_456_703, "2025-11-18T09:05:03.000Z"),
            (4_102_444_799, "2099-12-31T23:59:59.000Z"),
        ];
        for (secs, text) in cases {
            assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(secs)), text);
        }
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_millis(1_250)),
            "1970-01-01T00:00:01.250Z"
        );
    }

    #[test]
    fn hashes_with_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(hash(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(hash(b"a"), "fnv1a64:af63dc4c8601ec8c");
        assert_eq!(hash(b"foobar"), "fnv1a64:85944171f73967e8");
    }
}

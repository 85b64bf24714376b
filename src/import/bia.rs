//! A business impact analysis spreadsheet (BIA) as plan processes.
//!
//! One row per process. Columns are found by their header, in French or
//! English, with the aliases practice uses (`DMIA`, `MTPD`, `DMTP`, `MTD`;
//! `PDMA`, `RPO`; `Criticité`, `Criticality`…; see [`FIELDS`]); the header
//! row may sit under a title, anywhere in the first rows. Durations are
//! read as people write them (`4 h`, `2 j`, `1 semaine`, `72 heures`,
//! `1h30`, `0,5 j`); a bare number takes the unit its header gives
//! (`DMIA (h)`), else it is refused. Every cell that does not read is
//! reported with its sheet, row and column and what was expected, and
//! nothing is written until all read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use super::table::{Cell, Table, column};
use super::{fold, slug};
use crate::exercise::draft::yaml::{quoted, word};
use crate::model::{Criticality, Plan, SimDuration};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Entity,
    Owner,
    Criticality,
    Dmia,
    Pdma,
    Applications,
    Description,
}

/// The headers each field is recognised by, folded ([`fold`]): French
/// first, then English.
pub const FIELDS: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &[
            "id",
            "code",
            "identifiant",
            "reference",
            "ref",
            "code processus",
            "process id",
        ],
    ),
    (
        Field::Name,
        &[
            "processus",
            "processus metier",
            "nom du processus",
            "activite",
            "activite metier",
            "libelle",
            "nom",
            "process",
            "business process",
            "process name",
            "activity",
            "name",
        ],
    ),
    (
        Field::Entity,
        &[
            "entite",
            "collectivite",
            "organisme",
            "direction",
            "structure",
            "entity",
            "organisation",
            "organization",
        ],
    ),
    (
        Field::Owner,
        &[
            "proprietaire",
            "responsable",
            "responsable metier",
            "proprietaire metier",
            "pilote",
            "owner",
            "process owner",
            "business owner",
        ],
    ),
    (
        Field::Criticality,
        &[
            "criticite",
            "niveau de criticite",
            "criticality",
            "criticality level",
        ],
    ),
    (
        Field::Dmia,
        &[
            "dmia",
            "dmtp",
            "duree maximale d interruption admissible",
            "duree maximale tolerable de perturbation",
            "mtpd",
            "mtd",
            "maximum tolerable period of disruption",
            "maximum tolerable downtime",
        ],
    ),
    (
        Field::Pdma,
        &[
            "pdma",
            "perte de donnees maximale admissible",
            "rpo",
            "recovery point objective",
            "maximum tolerable data loss",
        ],
    ),
    (
        Field::Applications,
        &[
            "applications",
            "applications supports",
            "applications support",
            "application support",
            "application",
            "si support",
            "services",
            "dependances",
            "outils",
            "supporting applications",
            "dependencies",
            "depends on",
        ],
    ),
    (
        Field::Description,
        &[
            "description",
            "commentaire",
            "commentaires",
            "remarques",
            "comment",
            "comments",
            "notes",
        ],
    ),
];

impl Field {
    /// How the field is named to the reader, with the headers it is known by.
    fn label(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "process name",
            Field::Entity => "entity",
            Field::Owner => "owner",
            Field::Criticality => "criticality",
            Field::Dmia => "DMIA (MTPD)",
            Field::Pdma => "PDMA (RPO)",
            Field::Applications => "supporting applications",
            Field::Description => "description",
        }
    }

    fn headers(self) -> &'static [&'static str] {
        FIELDS
            .iter()
            .find(|(f, _)| *f == self)
            .map_or(&[], |(_, h)| h)
    }

    const REQUIRED: [Field; 4] = [Field::Name, Field::Entity, Field::Criticality, Field::Dmia];
}

/// A cell that does not read, or a sheet without what a BIA needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub sheet: String,
    /// From 1, as the sheet numbers rows; 0 when the problem is the sheet's.
    pub row: usize,
    /// A column letter; empty when the problem is a row's or the sheet's.
    pub column: String,
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "error[{}]: sheet `{}`", self.code, self.sheet)?;
        match (self.row, self.column.as_str()) {
            (0, _) => {}
            (r, "") => write!(f, ", row {r}")?,
            (r, c) => write!(f, ", cell {c}{r}")?,
        }
        write!(f, ": {}\n  = help: {}", self.message, self.help)
    }
}

/// A process read off a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// The entity as written, and the id it resolves to.
    pub entity: (String, String),
    pub owner: Option<String>,
    pub criticality: Criticality,
    pub dmia: SimDuration,
    pub pdma: Option<SimDuration>,
    /// Supporting applications, as service ids.
    pub applications: Vec<String>,
    pub description: Option<String>,
    /// The sheet and row it was read from.
    pub at: (String, usize),
}

/// What a BIA sheet says, and what was left aside.
#[derive(Debug, Clone, Default)]
pub struct Bia {
    pub sheet: String,
    pub rows: Vec<Row>,
    /// Columns not read (`column H, "Budget"`), and other remarks.
    pub notes: Vec<String>,
}

/// The sheet that holds the BIA: the one named, else the first whose
/// header row a BIA's columns can be found in.
pub fn read(
    tables: &[Table],
    sheet: Option<&str>,
    plan: Option<&Plan>,
) -> Result<Bia, Vec<Problem>> {
    let candidates: Vec<&Table> = match sheet {
        Some(name) => match tables.iter().find(|t| t.sheet == name) {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = tables.iter().map(|t| t.sheet.as_str()).collect();
                return Err(vec![Problem {
                    code: "bia-sheet",
                    sheet: name.to_string(),
                    row: 0,
                    column: String::new(),
                    message: "no sheet of this name in the workbook".into(),
                    help: format!("the sheets are {}", names.join(", ")),
                }]);
            }
        },
        None => tables.iter().collect(),
    };
    let mut first_problems = None;
    for t in &candidates {
        match header(t) {
            Ok((row, columns, notes)) => return rows(t, row, &columns, notes, plan),
            Err(p) => {
                first_problems.get_or_insert(p);
            }
        }
    }
    Err(first_problems.unwrap_or_else(|| {
        vec![Problem {
            code: "bia-empty",
            sheet: String::new(),
            row: 0,
            column: String::new(),
            message: "the workbook has no sheet".into(),
            help: "`reprise bia template` writes a workbook to fill in".into(),
        }]
    }))
}

/// A column's field and, for durations, the unit its header gives.
type Columns = BTreeMap<usize, (Field, Option<u64>)>;

/// The header row (from 0), its columns, and the columns left aside.
fn header(t: &Table) -> Result<(usize, Columns, Vec<String>), Vec<Problem>> {
    if t.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
        return Err(vec![Problem {
            code: "bia-empty",
            sheet: t.sheet.clone(),
            row: 0,
            column: String::new(),
            message: "the sheet is empty".into(),
            help: "one row of headers (process, entity, criticality, DMIA…), then one row per process; `reprise bia template` writes one".into(),
        }]);
    }
    let mut best: Option<(usize, Columns, Vec<String>)> = None;
    for (r, row) in t.rows.iter().enumerate().take(20) {
        let mut columns = Columns::new();
        let mut others = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let text = cell.text();
            match recognise(&text) {
                Some((f, unit)) if !columns.values().any(|(g, _)| *g == f) => {
                    columns.insert(c, (f, unit));
                }
                Some((f, _)) => others.push(format!(
                    "column {} (`{text}`): a second {} column, not read",
                    column(c),
                    f.label()
                )),
                None => others.push(format!("column {} (`{text}`): not read", column(c))),
            }
        }
        let found = columns.len();
        if found >= 2 && best.as_ref().is_none_or(|(_, b, _)| found > b.len()) {
            best = Some((r, columns, others));
        }
    }
    let Some((row, columns, notes)) = best else {
        return Err(vec![Problem {
            code: "bia-header",
            sheet: t.sheet.clone(),
            row: 0,
            column: String::new(),
            message: "no header row: none of the first 20 rows names the columns of a BIA".into(),
            help: format!("name the columns, e.g. {}", examples(&Field::REQUIRED)),
        }]);
    };
    let missing: Vec<Field> = Field::REQUIRED
        .into_iter()
        .filter(|f| !columns.values().any(|(g, _)| g == f))
        .collect();
    if !missing.is_empty() {
        return Err(missing
            .iter()
            .map(|f| Problem {
                code: "bia-header",
                sheet: t.sheet.clone(),
                row: row + 1,
                column: String::new(),
                message: format!("no {} column in the header row", f.label()),
                help: format!("add a column headed one of: {}", f.headers().join(", ")),
            })
            .collect());
    }
    Ok((row, columns, notes))
}

fn examples(fields: &[Field]) -> String {
    let names: Vec<String> = fields
        .iter()
        .map(|f| format!("`{}`", f.headers().first().copied().unwrap_or("")))
        .collect();
    names.join(", ")
}

/// The field a header names, and the unit it gives its numbers (`DMIA
/// (h)`, `RPO en heures`).
pub fn recognise(header: &str) -> Option<(Field, Option<u64>)> {
    let (head, unit) = match header.split_once('(') {
        Some((head, rest)) => (head, unit_of(&fold(rest))),
        None => (header, None),
    };
    let folded = fold(head);
    let (folded, unit) = match folded.rsplit_once(" en ") {
        Some((h, u)) if unit_of(u).is_some() => (h.to_string(), unit_of(u)),
        _ => (folded.clone(), unit),
    };
    if let Some((f, _)) = FIELDS
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
    {
        return Some((*f, unit));
    }
    // `DMIA / MTPD`, `RPO (PDMA)`, `DMIA souhaitée`: an acronym first.
    let first = folded.split(' ').next()?;
    let acronym = match first {
        "dmia" | "dmtp" | "mtpd" | "mtd" => Field::Dmia,
        "pdma" | "rpo" => Field::Pdma,
        "criticite" | "criticality" => Field::Criticality,
        _ => return None,
    };
    Some((acronym, unit))
}

/// Seconds in a unit as people write it, French or English, folded.
fn unit_of(word: &str) -> Option<u64> {
    Some(match word.trim() {
        "s" | "sec" | "secs" | "seconde" | "secondes" | "second" | "seconds" => 1,
        "m" | "mn" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "heure" | "heures" | "hour" | "hours" => 3_600,
        "j" | "jr" | "jrs" | "jour" | "jours" | "d" | "day" | "days" => 86_400,
        "sem" | "semaine" | "semaines" | "w" | "wk" | "week" | "weeks" => 7 * 86_400,
        // A month counts 30 days: BIAs write "1 mois" for a tolerance, not
        // a calendar month.
        "mois" | "month" | "months" => 30 * 86_400,
        _ => return None,
    })
}

/// A duration as people write it: `4 h`, `2 j`, `1 semaine`, `72 heures`,
/// `4h`, `1h30`, `1 j 12 h`, `0,5 j`. A bare number takes `unit` (the
/// header's), if given.
pub fn duration(text: &str, unit: Option<u64>) -> Result<SimDuration, String> {
    let lower = text.trim().to_lowercase().replace(',', ".");
    let mut secs = 0f64;
    let mut tokens = tokens(&lower).into_iter().peekable();
    let mut last_unit = None;
    let mut any = false;
    while let Some(tok) = tokens.next() {
        let Ok(n) = tok.parse::<f64>() else {
            return Err(not_a_duration(text));
        };
        let u = match tokens.peek().and_then(|w| unit_of(&fold(w))) {
            Some(u) => {
                tokens.next();
                u
            }
            // `1h30`: minutes after hours.
            None if last_unit == Some(3_600) && tokens.peek().is_none() => 60,
            None if tokens.peek().is_some() => return Err(not_a_duration(text)),
            None => match (unit, any) {
                (Some(u), false) => u,
                _ => {
                    return Err(format!(
                        "`{}` has no unit: write `{0} h`, `{0} j` or `{0} semaine`, or give the unit in the column's header (`DMIA (h)`)",
                        text.trim()
                    ));
                }
            },
        };
        secs += n * u as f64;
        last_unit = Some(u);
        any = true;
    }
    if !any {
        return Err(not_a_duration(text));
    }
    let secs = secs.round();
    if secs > SimDuration::MAX.as_secs() as f64 {
        return Err(format!("`{}` is more than a hundred years", text.trim()));
    }
    Ok(SimDuration::from_secs(secs as u64))
}

/// `1h30` → `1`, `h`, `30`; `72 heures` → `72`, `heures`.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut digits = None;
    for c in text.chars() {
        let d = c.is_ascii_digit() || c == '.';
        if c == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            digits = None;
            continue;
        }
        if digits.is_some_and(|was| was != d) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        digits = Some(d);
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn not_a_duration(text: &str) -> String {
    format!(
        "`{}` is not a duration: write a number and a unit, e.g. `4 h`, `2 j`, `1 semaine`",
        text.trim()
    )
}

/// A criticality as French and English BIAs write it.
pub fn criticality(text: &str) -> Option<Criticality> {
    Some(match fold(text).as_str() {
        "vital" | "vitale" | "vitaux" => Criticality::Vital,
        "essential" | "essentiel" | "essentielle" => Criticality::Essential,
        "important" | "importante" => Criticality::Important,
        "deferrable" | "differable" => Criticality::Deferrable,
        _ => return None,
    })
}

fn rows(
    t: &Table,
    header: usize,
    columns: &Columns,
    notes: Vec<String>,
    plan: Option<&Plan>,
) -> Result<Bia, Vec<Problem>> {
    let known = plan.map(Known::of);
    let mut problems = Vec::new();
    let mut out: Vec<Row> = Vec::new();
    let col_of = |f: Field| {
        columns
            .iter()
            .find(|(_, (g, _))| *g == f)
            .map(|(c, (_, u))| (*c, *u))
    };
    let problem = |r: usize, c: usize, code, message: String, help: String| Problem {
        code,
        sheet: t.sheet.clone(),
        row: r + 1,
        column: column(c),
        message,
        help,
    };
    for m in &t.merged {
        let (r0, r1) = (m.first.0, m.last.0);
        let spans_data = r1 > header && (m.first.1..=m.last.1).any(|c| columns.contains_key(&c));
        if spans_data && r1 > r0.max(header) {
            problems.push(problem(
                r0.max(header + 1),
                m.first.1,
                "bia-merged",
                format!(
                    "cells {}{}:{}{} are merged: only the first holds a value, the other rows would read as empty",
                    column(m.first.1),
                    m.first.0 + 1,
                    column(m.last.1),
                    m.last.0 + 1
                ),
                "unmerge them and write the value on every row it applies to".into(),
            ));
        }
    }
    let text_at = |r: usize, f: Field| {
        col_of(f)
            .map(|(c, _)| t.cell(r, c).text())
            .filter(|s| !s.is_empty())
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in header + 1..t.rows.len() {
        if t.rows[r].iter().all(Cell::is_empty) {
            continue;
        }
        let before = problems.len();
        let (name_col, _) = col_of(Field::Name).unwrap_or((0, None));
        let Some(name) = text_at(r, Field::Name) else {
            problems.push(problem(
                r,
                name_col,
                "bia-missing",
                "a row without a process name".into(),
                "name the process, or empty the whole row".into(),
            ));
            continue;
        };
        // The cell the id comes from: the id column, else the name's.
        let mut id_col = name_col;
        let id = match col_of(Field::Id).map(|(c, _)| (c, t.cell(r, c).text())) {
            Some((c, given)) if !given.is_empty() => {
                id_col = c;
                if let Err(why) = crate::load::check_id(&given) {
                    problems.push(problem(
                        r,
                        c,
                        "bia-id",
                        format!("`{given}` is not an id: {why}"),
                        format!("write an id such as `{}`", slug(&name)),
                    ));
                }
                given
            }
            _ => slug(&name),
        };
        if id.is_empty() {
            problems.push(problem(
                r,
                name_col,
                "bia-id",
                format!("`{name}` makes no id"),
                "add an id column, or a name with letters".into(),
            ));
        }
        if let Some(first) = seen.get(&id) {
            problems.push(problem(
                r,
                id_col,
                "bia-duplicate",
                format!("process `{id}` is already on row {first}"),
                "give each process its own id (an id column), or merge the two rows".into(),
            ));
        }
        seen.entry(id.clone()).or_insert(r + 1);
        if known
            .as_ref()
            .is_some_and(|k| k.hand_written.contains(id.as_str()))
        {
            problems.push(problem(
                r,
                id_col,
                "bia-conflict",
                format!("process `{id}` is already in the plan, written by hand"),
                "an imported process cannot be defined twice: give this row an id of its own (an id column), or remove the hand-written one".into(),
            ));
        }
        if known
            .as_ref()
            .is_some_and(|k| k.service_ids.contains(id.as_str()))
        {
            problems.push(problem(
                r,
                id_col,
                "bia-conflict",
                format!("`{id}` is already a service of the plan"),
                "services and processes share their ids: give this row an id of its own (an id column)".into(),
            ));
        }

        let (c, _) = col_of(Field::Entity).unwrap_or((0, None));
        let entity = match text_at(r, Field::Entity) {
            None => {
                problems.push(problem(r, c, "bia-missing", "no entity".into(), "name the entity (city, metropolitan authority, commune…) that owns the process".into()));
                None
            }
            Some(e) => Some((e.clone(), entity_id(known.as_ref(), &e))),
        };

        let (c, _) = col_of(Field::Criticality).unwrap_or((0, None));
        let crit = match text_at(r, Field::Criticality) {
            None => {
                problems.push(problem(
                    r,
                    c,
                    "bia-missing",
                    "no criticality".into(),
                    "write vitale, essentielle, importante or différable".into(),
                ));
                None
            }
            Some(text) => {
                let found = criticality(&text);
                if found.is_none() {
                    problems.push(problem(r, c, "bia-criticality", format!("`{text}` is not a criticality"), "write vitale, essentielle, importante or différable (vital, essential, important, deferrable)".into()));
                }
                found
            }
        };

        let mut read_duration = |f: Field, required: bool| -> Option<SimDuration> {
            let (c, unit) = col_of(f)?;
            let cell = t.cell(r, c);
            if cell.is_empty() {
                if required {
                    problems.push(problem(
                        r,
                        c,
                        "bia-missing",
                        format!("no {}", f.label()),
                        "write the longest tolerable interruption, e.g. `4 h`, `2 j`".into(),
                    ));
                }
                return None;
            }
            match duration(&cell.text(), unit) {
                Ok(d) if d == SimDuration::ZERO && f == Field::Dmia => {
                    problems.push(problem(r, c, "bia-duration", "a DMIA of zero".into(), "a process that cannot stop at all still has a tolerance: write the shortest one, e.g. `15 min`".into()));
                    None
                }
                Ok(d) => Some(d),
                Err(why) => {
                    problems.push(problem(
                        r,
                        c,
                        "bia-duration",
                        why,
                        "durations read: `4 h`, `2 j`, `1 semaine`, `72 heures`, `1h30`, `0,5 j`"
                            .into(),
                    ));
                    None
                }
            }
        };
        let dmia = read_duration(Field::Dmia, true);
        let pdma = read_duration(Field::Pdma, false);

        let mut applications = Vec::new();
        if let Some((c, _)) = col_of(Field::Applications) {
            for app in t.cell(r, c).text().split([',', ';', '\n']) {
                let app = app.trim();
                if app.is_empty() {
                    continue;
                }
                match service_id(known.as_ref(), app) {
                    Ok(id) => {
                        if !applications.contains(&id) {
                            applications.push(id);
                        }
                    }
                    Err(help) => problems.push(problem(
                        r,
                        c,
                        "bia-application",
                        format!("`{app}` is not a service of the plan"),
                        help,
                    )),
                }
            }
        }

        if problems.len() > before {
            continue;
        }
        let (Some(entity), Some(criticality), Some(dmia)) = (entity, crit, dmia) else {
            continue;
        };
        out.push(Row {
            id,
            name,
            entity,
            owner: text_at(r, Field::Owner),
            criticality,
            dmia,
            pdma,
            applications,
            description: text_at(r, Field::Description),
            at: (t.sheet.clone(), r + 1),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if out.is_empty() {
        return Err(vec![Problem {
            code: "bia-empty",
            sheet: t.sheet.clone(),
            row: header + 2,
            column: String::new(),
            message: "the header row is followed by no process".into(),
            help: "one row per process under the headers".into(),
        }]);
    }
    Ok(Bia {
        sheet: t.sheet.clone(),
        rows: out,
        notes,
    })
}

/// The plan's ids and names, folded once for the whole sheet rather than
/// for every cell.
struct Known<'p> {
    plan: &'p Plan,
    entity_ids: HashSet<&'p str>,
    /// Folded name → id, the first in plan order.
    entity_names: HashMap<String, &'p str>,
    service_ids: HashSet<&'p str>,
    service_names: HashMap<String, &'p str>,
    /// Processes written by hand, which an import cannot define again.
    hand_written: HashSet<&'p str>,
}

impl<'p> Known<'p> {
    fn of(plan: &'p Plan) -> Known<'p> {
        let mut entity_names = HashMap::new();
        for e in &plan.entities {
            entity_names.entry(fold(&e.name)).or_insert(e.id.as_str());
        }
        let mut service_names = HashMap::new();
        for s in &plan.services {
            service_names.entry(fold(&s.name)).or_insert(s.id.as_str());
        }
        Known {
            plan,
            entity_ids: plan.entities.iter().map(|e| e.id.as_str()).collect(),
            entity_names,
            service_ids: plan.services.iter().map(|s| s.id.as_str()).collect(),
            service_names,
            hand_written: plan
                .processes
                .iter()
                .filter(|p| !imported(p.origin.as_deref()))
                .map(|p| p.id.as_str())
                .collect(),
        }
    }
}

/// The plan's entity of this id or name; else an id made from the name.
fn entity_id(known: Option<&Known>, written: &str) -> String {
    let found = known.and_then(|k| {
        k.entity_ids
            .get(written)
            .or_else(|| k.entity_names.get(&fold(written)))
            .copied()
    });
    found.map_or_else(|| slug(written), str::to_string)
}

/// The plan's service of this id (as written, or made from the name), else
/// of this name. Without a plan, an id made from the name (`check` then
/// says which the plan lacks).
fn service_id(known: Option<&Known>, written: &str) -> Result<String, String> {
    let Some(k) = known else {
        return Ok(if crate::load::check_id(written).is_ok() {
            written.to_string()
        } else {
            slug(written)
        });
    };
    let slugged = slug(written);
    let found = (k.service_ids.get(written))
        .or_else(|| k.service_ids.get(slugged.as_str()))
        .or_else(|| k.service_names.get(&fold(written)));
    if let Some(id) = found {
        return Ok((*id).to_string());
    }
    let names = k.plan.services.iter().map(|s| s.id.as_str());
    Err(match crate::diag::did_you_mean(&slugged, names) {
        Some(hint) => format!("{hint} (write the service's id or name as the plan has it)"),
        None => "write the service's id or name as the plan has it, or add the service to the plan"
            .into(),
    })
}

/// Whether an entry of the plan was written by a BIA import (and so is
/// written again by this one), rather than by hand.
fn imported(origin: Option<&str>) -> bool {
    origin.is_some_and(|o| o.starts_with("bia:"))
}

/// How an imported file begins: the import replaces only such a file.
pub const GENERATED: &str = "# Imported from ";

/// The plan file the rows make: the entities the plan does not have yet
/// (by id; entities this same import wrote before are written again), and
/// the processes, each with its origin. Same rows, same bytes.
pub fn yaml(bia: &Bia, source: &str, plan: Option<&Plan>) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "{GENERATED}{} (sheet {}) by `reprise import bia`: do not edit,\n# import again. Refine these entries in your own files.",
        source.replace('\n', " "),
        bia.sheet.replace('\n', " ")
    );
    let mut entities: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &bia.rows {
        let (name, id) = (&r.entity.0, &r.entity.1);
        let known = plan.is_some_and(|p| {
            p.entities
                .iter()
                .any(|e| e.id == *id && !imported(e.origin.as_deref()))
        });
        if !known {
            entities.entry(id).or_insert(name);
        }
    }
    if !entities.is_empty() {
        y.push_str("entities:\n");
        for (id, name) in &entities {
            let _ = writeln!(
                y,
                "  {}:\n    name: {}\n    origin: {}",
                word(id),
                quoted(name),
                quoted(&format!("bia:entity:{id}"))
            );
        }
    }
    y.push_str("processes:\n");
    for r in &bia.rows {
        let _ = writeln!(y, "  {}:", word(&r.id));
        let _ = writeln!(y, "    name: {}", quoted(&r.name));
        let _ = writeln!(y, "    origin: {}", quoted(&format!("bia:{}", r.id)));
        let _ = writeln!(y, "    entity: {}", word(&r.entity.1));
        let _ = writeln!(y, "    criticality: {}", r.criticality.key());
        let _ = writeln!(y, "    mtpd: {}", r.dmia);
        if let Some(p) = r.pdma {
            let _ = writeln!(y, "    rpo: {p}");
        }
        if let Some(o) = &r.owner {
            let _ = writeln!(y, "    owner: {}", quoted(o));
        }
        if let Some(d) = &r.description {
            let _ = writeln!(y, "    description: {}", quoted(d));
        }
        if !r.applications.is_empty() {
            let deps: Vec<String> = r.applications.iter().map(|a| word(a)).collect();
            let _ = writeln!(y, "    depends_on: [{}]", deps.join(", "));
        }
    }
    y
}

/// The entries of a file this import wrote, by origin: the lines of each
/// (the file is generated, so its layout is known: an entry per two-space
/// key, its fields below).
fn entries(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut block = String::new();
    let flush = |block: &mut String, out: &mut Vec<(String, String)>| {
        if let Some(origin) = block
            .lines()
            .find_map(|l| l.trim().strip_prefix("origin: "))
        {
            out.push((origin.trim_matches('"').to_string(), std::mem::take(block)));
        }
        block.clear();
    };
    for line in text.lines() {
        let entry_start = line.starts_with("  ") && !line.starts_with("   ");
        if entry_start || !line.starts_with(' ') {
            flush(&mut block, &mut out);
        }
        if line.starts_with(' ') {
            block.push_str(line);
            block.push('\n');
        }
    }
    flush(&mut block, &mut out);
    out
}

/// How an entry of an imported file changes on a re-import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Removed,
}

/// What writing `new` over the imported file `old` changes, entry by entry
/// and by origin: the new file's entries in order, then those it drops.
pub fn changes(old: &str, new: &str) -> Vec<(Change, String)> {
    let (old, new) = (entries(old), entries(new));
    let mut out = Vec::new();
    for (origin, text) in &new {
        match old.iter().find(|(o, _)| o == origin) {
            None => out.push((Change::Added, origin.clone())),
            Some((_, t)) if t != text => out.push((Change::Changed, origin.clone())),
            Some(_) => {}
        }
    }
    for (origin, _) in &old {
        if !new.iter().any(|(o, _)| o == origin) {
            out.push((Change::Removed, origin.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Result<u64, String> {
        duration(text, None).map(SimDuration::as_secs)
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(d("4 h"), Ok(4 * 3_600));
        assert_eq!(d("4h"), Ok(4 * 3_600));
        assert_eq!(d("2 j"), Ok(2 * 86_400));
        assert_eq!(d("1 semaine"), Ok(7 * 86_400));
        assert_eq!(d("72 heures"), Ok(72 * 3_600));
        assert_eq!(d("1h30"), Ok(5_400));
        assert_eq!(d("1 j 12 h"), Ok(36 * 3_600));
        assert_eq!(d("0,5 j"), Ok(43_200));
        assert_eq!(d("1.5 hours"), Ok(5_400));
        assert_eq!(d("30 min"), Ok(1_800));
        assert_eq!(d("2 Jours"), Ok(2 * 86_400));
        assert_eq!(d("1 mois"), Ok(30 * 86_400));
        assert_eq!(
            duration("4", Some(3_600)).map(SimDuration::as_secs),
            Ok(4 * 3_600)
        );
    }

    proptest::proptest! {
        /// Every duration the plan writes (and `show -f csv` exports)
        /// reads back as itself: `1w2d3h4m5s`, `48h`, `30m`.
        #[test]
        fn plan_durations_read_back(secs in 0u64..SimDuration::MAX.as_secs()) {
            let written = SimDuration::from_secs(secs).to_string();
            proptest::prop_assert_eq!(d(&written), Ok(secs), "{}", written);
        }
    }

    #[test]
    fn what_is_not_a_duration_says_what_to_write() {
        for bad in ["quatre heures", "4", "", "h", "4 lunes", "4 h 5 6"] {
            let e = d(bad).unwrap_err();
            assert!(e.contains("duration") || e.contains("unit"), "{bad}: {e}");
        }
        assert!(d("4").unwrap_err().contains("DMIA (h)"));
    }

    #[test]
    fn headers_are_recognised_in_both_languages() {
        assert_eq!(recognise("DMIA"), Some((Field::Dmia, None)));
        assert_eq!(recognise("MTPD"), Some((Field::Dmia, None)));
        assert_eq!(recognise("DMTP (heures)"), Some((Field::Dmia, Some(3_600))));
        assert_eq!(recognise("DMIA / MTPD"), Some((Field::Dmia, None)));
        assert_eq!(recognise("RPO en jours"), Some((Field::Pdma, Some(86_400))));
        assert_eq!(recognise("Criticité"), Some((Field::Criticality, None)));
        assert_eq!(
            recognise("Applications supports"),
            Some((Field::Applications, None))
        );
        assert_eq!(recognise("Entité"), Some((Field::Entity, None)));
        assert_eq!(recognise("Process owner"), Some((Field::Owner, None)));
        assert_eq!(recognise("Budget"), None);
    }

    #[test]
    fn criticalities_read_in_both_languages() {
        assert_eq!(criticality("Vitale"), Some(Criticality::Vital));
        assert_eq!(criticality("différable"), Some(Criticality::Deferrable));
        assert_eq!(criticality("Essential"), Some(Criticality::Essential));
        assert_eq!(criticality("haute"), None);
    }
}

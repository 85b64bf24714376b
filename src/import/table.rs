//! Spreadsheets as tables of cells, whatever wrote them: CSV (comma or
//! semicolon, as French spreadsheets save it), XLSX, XLS, ODS (calamine).
//! Positions are kept as people read them: sheet, row from 1, column
//! letter.

use std::path::Path;

/// A cell's value, as the importers need it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }

    /// The cell as text (a number as a spreadsheet shows it: `4`, `1.5`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// A rectangle of merged cells, rows and columns from 0, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    pub first: (usize, usize),
    pub last: (usize, usize),
}

/// One sheet: its name (the file's name for a CSV), its rows from the
/// sheet's first row, and its merged cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub rows: Vec<Vec<Cell>>,
    pub merged: Vec<Merged>,
}

impl Table {
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a column from 0.
pub fn column(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The largest spreadsheet read: a BIA is a few thousand rows; a file ten
/// times larger than any seen is a mistake, not a BIA.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Reads every sheet of a spreadsheet. The error says why in words.
pub fn read(path: &Path) -> Result<Vec<Table>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "`{}` is {} MiB; a spreadsheet of more than {} MiB is not read",
            path.display(),
            size / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let sheet = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            csv(&bytes, &sheet).map(|t| vec![t])
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => workbook(path),
        _ => Err(format!(
            "`{}`: not a spreadsheet this reads; give a .csv, .xlsx, .xls or .ods file",
            path.display()
        )),
    }
}

/// A CSV file, separated by semicolons when its first line has more of
/// them than commas (as a French spreadsheet saves it), else by commas.
/// UTF-8, with or without a byte order mark; Windows-1252 is read as such
/// when the bytes are not UTF-8.
pub fn csv(bytes: &[u8], sheet: &str) -> Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{sheet}, row {}: {e}", i + 1))?;
        rows.push(
            record
                .iter()
                .map(|f| {
                    if f.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(f.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Table {
        sheet: sheet.to_string(),
        rows,
        merged: Vec::new(),
    })
}

fn workbook(path: &Path) -> Result<Vec<Table>, String> {
    let book = calamine::open_workbook_auto(path)
        .map_err(|e| format!("cannot read `{}` as a workbook: {e}", path.display()))?;
    sheets(book).map_err(|e| format!("`{}`, {e}", path.display()))
}

/// A workbook held in memory (XLSX, XLS, XLSB or ODS, told by its bytes).
pub fn workbook_bytes(bytes: &[u8]) -> Result<Vec<Table>, String> {
    let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read the bytes as a workbook: {e}"))?;
    sheets(book)
}

fn sheets<RS: std::io::Read + std::io::Seek>(
    mut book: calamine::Sheets<RS>,
) -> Result<Vec<Table>, String> {
    use calamine::{Data, Reader, Sheets};
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        // Merged cells are known for XLSX workbooks (the format BIAs come
        // in); the other formats read without them.
        let merged = match &mut book {
            Sheets::Xlsx(x) => x
                .merge_cells_by_sheet_name(&name)
                .unwrap_or_default()
                .iter()
                .map(|d| Merged {
                    first: (d.start.0 as usize, d.start.1 as usize),
                    last: (d.end.0 as usize, d.end.1 as usize),
                })
                .collect(),
            _ => Vec::new(),
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        // The range starts at its first used cell; rows and columns are
        // kept from the sheet's A1 so that positions read as in the sheet.
        let (top, left) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows = vec![Vec::new(); top];
        for row in range.rows() {
            let mut cells = vec![Cell::Empty; left];
            cells.extend(row.iter().map(|d| match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Float(f) => Cell::Number(*f),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::DateTime(d) => Cell::Text(d.to_string()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            }));
            rows.push(cells);
        }
        tables.push(Table {
            sheet: name,
            rows,
            merged,
        });
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }

    #[test]
    fn reads_semicolon_csv_with_a_bom_and_quoted_fields() {
        let t = csv(
            "\u{feff}Processus;DMIA\n\"État civil; mariages\";4 h\n".as_bytes(),
            "bia",
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.cell(1, 0), &Cell::Text("État civil; mariages".into()));
        assert_eq!(t.cell(1, 1).text(), "4 h");
        assert!(t.cell(5, 5).is_empty());
    }

    #[test]
    fn reads_windows_1252_csv() {
        let t = csv(b"Processus,Criticit\xe9\nPaie,vitale\n", "bia").unwrap();
        assert_eq!(t.cell(0, 1).text(), "Criticité");
    }
}

//! Reading one CSV table: bytes checked (present, non-empty, UTF-8), layout checked (every row
//! as wide as the header), cells read by polars as text. Each cell keeps its place in the file, so
//! a bad value is reported at its line and column.

use std::io::Cursor;
use std::ops::Range;
use std::path::Path;

use polars::prelude::*;
use polars_io::prelude::*;

use crate::diag::{Diag, SourceFile};

/// The most an input file (a table, a catalogue, a criteria file, an import, a manifest) may
/// weigh: the whole country's tables are a few hundred kilobytes.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole input file, refusing one larger than [`MAX_INPUT_BYTES`] before reading it
/// (the read itself stops there too, should the file grow meanwhile).
pub fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let too_big = || {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("it is larger than {} MiB", MAX_INPUT_BYTES / 1024 / 1024),
        )
    };
    let f = fs_err::File::open(path)?;
    if f.metadata()?.len() > MAX_INPUT_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// A CSV file read as text cells.
pub struct CsvFile {
    pub source: SourceFile,
    pub header: Vec<String>,
    header_spans: Vec<Range<usize>>,
    /// Byte ranges of each data row's fields (quotes included).
    rows: Vec<Vec<Range<usize>>>,
    frame: DataFrame,
}

/// Tokens that mean "no figure": blank, SSB's `.`, `..`, `...`, `:`, and IMDi's `<5` (any `<N`).
pub fn is_missing_token(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty()
        || matches!(t, "." | ".." | "..." | ":")
        || (t.starts_with('<') && t.len() > 1 && t[1..].trim().chars().all(|c| c.is_ascii_digit()))
}

/// Why a cell is not a usable number.
#[derive(Debug, PartialEq)]
pub enum CellProblem {
    NotANumber,
    DecimalComma,
    Negative(f64),
}

/// Reads a cell as a non-negative number: `None` when missing, an error when it is not a number.
/// Spaces between digit groups are allowed (`1 234`), a decimal comma is not.
pub fn parse_number(cell: Option<&str>) -> Result<Option<f64>, CellProblem> {
    let Some(cell) = cell else { return Ok(None) };
    if is_missing_token(cell) {
        return Ok(None);
    }
    let compact: String = cell
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let numeric = |s: &str| {
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        !body.is_empty()
            && body.chars().all(|c| c.is_ascii_digit() || c == '.')
            && body.chars().filter(|&c| c == '.').count() <= 1
            && body.chars().any(|c| c.is_ascii_digit())
    };
    if !numeric(&compact) {
        if numeric(&compact.replace(',', ".")) {
            return Err(CellProblem::DecimalComma);
        }
        return Err(CellProblem::NotANumber);
    }
    let value: f64 = compact.parse().map_err(|_| CellProblem::NotANumber)?;
    if value < 0.0 {
        return Err(CellProblem::Negative(value));
    }
    Ok(Some(value))
}

/// Splits CSV text into records of field ranges; the error is the offset of an unclosed quote.
fn scan(text: &str) -> Result<Vec<Vec<Range<usize>>>, usize> {
    let b = text.as_bytes();
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field_start = 0;
    let mut quote_open: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => match quote_open {
                Some(_) if b.get(i + 1) == Some(&b'"') => i += 1,
                Some(_) => quote_open = None,
                None if i == field_start => quote_open = Some(i),
                None => {}
            },
            b',' if quote_open.is_none() => {
                fields.push(field_start..i);
                field_start = i + 1;
            }
            b'\n' if quote_open.is_none() => {
                let end = if i > field_start && b[i - 1] == b'\r' { i - 1 } else { i };
                fields.push(field_start..end);
                records.push(std::mem::take(&mut fields));
                field_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(at) = quote_open {
        return Err(at);
    }
    if field_start < b.len() || !fields.is_empty() {
        fields.push(field_start..b.len());
        records.push(fields);
    }
    // Blank lines hold nothing; polars skips them too.
    records.retain(|r| !(r.len() == 1 && text[r[0].clone()].trim().is_empty()));
    Ok(records)
}

fn unquote(raw: &str) -> String {
    let t = raw.trim();
    match t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

impl CsvFile {
    /// Reads and checks a CSV file. `shown` is the path as the user should see it.
    pub fn read(path: &Path, shown: &str) -> Result<CsvFile, Diag> {
        let bytes = read_bounded(path).map_err(|e| {
            Diag::error("data::read", format!("cannot read {shown}: {}", io_reason(&e)))
                .help("check that the file is there and can be read")
        })?;
        Self::from_bytes(shown, &bytes)
    }

    /// Checks and reads CSV bytes.
    pub fn from_bytes(shown: &str, bytes: &[u8]) -> Result<CsvFile, Diag> {
        let text = crate::diag::decode(shown, bytes)?;
        let source = SourceFile::new(shown, text);
        if text.trim().is_empty() {
            return Err(Diag::error("data::empty", format!("{shown} is empty"))
                .help("a table needs a header row (kommunenummer,…) and one row per municipality"));
        }
        let mut records = scan(text).map_err(|at| {
            Diag::error("data::quote", format!("{shown} has a quote that is never closed"))
                .at(&source, at..at + 1, "opened here")
                .help("close the quoted cell with \", or remove the quote")
        })?;
        let header_spans = records.remove(0);
        let header: Vec<String> = header_spans.iter().map(|r| unquote(&text[r.clone()])).collect();
        for (k, h) in header.iter().enumerate() {
            if h.is_empty() {
                return Err(
                    Diag::error("data::header", format!("column {} of {shown} has no name", k + 1))
                        .at(&source, header_spans[k].clone(), "empty name")
                        .help("give every column a name in the first row"),
                );
            }
            if let Some(first) = header[..k].iter().position(|p| p == h) {
                return Err(
                    Diag::error("data::header", format!("{shown} has two columns named `{h}`"))
                        .at(&source, header_spans[k].clone(), "second")
                        .also(header_spans[first].clone(), "first")
                        .help("rename or remove one of them"),
                );
            }
        }
        for row in &records {
            if row.len() != header.len() {
                let span = row
                    .first()
                    .map_or(0..0, |f| f.start..row.last().map_or(f.end, |l| l.end));
                return Err(Diag::error(
                    "data::row-width",
                    format!(
                        "a row of {shown} has {} cells, but the header has {}",
                        row.len(),
                        header.len()
                    ),
                )
                .at(&source, span, format!("{} cells", row.len()))
                .help("every row needs one cell per column; a comma inside a value must be in \"quotes\""));
            }
        }
        // Polars reads the records as scanned: blank lines dropped, line ends made uniform.
        let mut normalised = String::with_capacity(text.len());
        for record in std::iter::once(&header_spans).chain(&records) {
            let (first, last) = (&record[0], &record[record.len() - 1]);
            normalised.push_str(&text[first.start..last.end]);
            normalised.push('\n');
        }
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(Cursor::new(normalised.into_bytes()))
            .finish()
            .map_err(|e| {
                Diag::error("data::parse", format!("cannot read {shown} as CSV: {e}"))
                    .help("check that the file is comma-separated with one header row")
            })?;
        if frame.height() != records.len() {
            return Err(Diag::error(
                "data::parse",
                format!(
                    "{shown}: read {} rows, but the file has {}",
                    frame.height(),
                    records.len()
                ),
            )
            .help("check for unusual quoting or line breaks inside cells"));
        }
        Ok(CsvFile {
            source,
            header,
            header_spans,
            rows: records,
            frame,
        })
    }

    pub fn name(&self) -> &str {
        &self.source.name
    }

    pub fn height(&self) -> usize {
        self.rows.len()
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    fn column_index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The cells of a column as text (`None` for a blank cell).
    pub fn text_column(&self, name: &str) -> Option<Vec<Option<String>>> {
        Some(
            self.text_cells(name)?
                .into_iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        )
    }

    /// The same, borrowed from the file: no string is copied. The data tables read a
    /// kommunenummer, a year and a value column for every indicator, thousands of cells each.
    pub fn text_cells(&self, name: &str) -> Option<Vec<Option<&str>>> {
        let s = self.frame.column(name).ok()?.str().ok()?;
        Some(s.iter().map(|v| v.map(str::trim).filter(|v| !v.is_empty())).collect())
    }

    /// The byte range of a data cell (row 0 is the first row after the header).
    pub fn cell_span(&self, row: usize, column: &str) -> Range<usize> {
        let Some(c) = self.column_index(column) else {
            return 0..0;
        };
        let r = self.rows[row][c].clone();
        if r.is_empty() {
            // An empty cell: point at the comma or line end around it.
            r.start.saturating_sub(1)..r.start
        } else {
            r
        }
    }

    /// The byte range of a whole data row.
    pub fn row_span(&self, row: usize) -> Range<usize> {
        let fields = &self.rows[row];
        fields[0].start..fields[fields.len() - 1].end
    }

    /// The span of the whole header line.
    pub fn header_line(&self) -> Range<usize> {
        self.header_spans[0].start..self.header_spans[self.header_spans.len() - 1].end
    }
}

/// The part of an I/O error a user can act on.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
        _ => {
            // fs_err puts the path first; keep only the cause.
            let full = e.to_string();
            full.rsplit(": ").next().unwrap_or(&full).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressed_and_blank_cells_are_missing() {
        for t in ["", " ", ".", "..", "...", ":", "<5", "< 5"] {
            assert_eq!(parse_number(Some(t)), Ok(None), "{t:?}");
        }
        assert_eq!(parse_number(None), Ok(None));
    }

    #[test]
    fn numbers_and_not_numbers() {
        assert_eq!(parse_number(Some("1 234")), Ok(Some(1234.0)));
        assert_eq!(parse_number(Some(" 70.1 ")), Ok(Some(70.1)));
        assert_eq!(parse_number(Some("1,5")), Err(CellProblem::DecimalComma));
        assert_eq!(parse_number(Some("tolv")), Err(CellProblem::NotANumber));
        assert_eq!(parse_number(Some("-3")), Err(CellProblem::Negative(-3.0)));
        assert_eq!(parse_number(Some("1e5")), Err(CellProblem::NotANumber));
        assert_eq!(parse_number(Some("NaN")), Err(CellProblem::NotANumber));
    }

    #[test]
    fn a_file_keeps_each_cells_place() {
        let f = CsvFile::from_bytes("t.csv", b"\xEF\xBB\xBFa,b\r\n1,\"x,y\"\r\n\r\n2,3\r\n").unwrap();
        assert_eq!(f.header, ["a", "b"]);
        assert_eq!(f.height(), 2);
        assert_eq!(
            f.text_column("b").unwrap(),
            [Some("x,y".to_string()), Some("3".to_string())]
        );
        assert_eq!(&f.source.text[f.cell_span(1, "b")], "3");
        assert_eq!(f.source.line_col(f.cell_span(1, "b").start), (4, 3));
    }

    #[test]
    fn ragged_rows_and_bad_bytes_are_reported() {
        let e = CsvFile::from_bytes("t.csv", b"a,b\n1,2,3\n").err().unwrap();
        assert_eq!(e.message, "a row of t.csv has 3 cells, but the header has 2");
        let e = CsvFile::from_bytes("t.csv", b"a,b\n1,\xF8\n").err().unwrap();
        assert_eq!(
            e.message,
            "t.csv is not UTF-8: byte 0xF8 at line 2, column 3 is not valid text"
        );
        let e = CsvFile::from_bytes("t.csv", b" \n").err().unwrap();
        assert_eq!(e.message, "t.csv is empty");
    }
}

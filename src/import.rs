//! Inputs as advisers receive them: SSB StatBank exports (semicolon CSV with a title line, quoted
//! headers and region cells such as "4601 Bergen"; JSON-stat 2.0 from the PxWeb API) and Excel
//! workbooks from the capacity dialogue, turned into the tool's long tables
//! (`kommunenummer,kommune[,year],<value columns>`).
//!
//! Every cell is accounted for: suppressed values (`.`, `..`, `...`, `:`, `-`) become blank cells
//! and are listed, region codes that are not in the register are listed and left out (a code that
//! a merger replaced is mapped to its successor when the data folder has a mapping), and a cell that
//! is not a number stops the import with its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::data::Register;
use crate::diag::{Diag, Diags, SourceFile};

/// Suppressed or unavailable in SSB's notation.
pub const SUPPRESSED: [&str; 6] = [".", "..", "...", ":", "-", "x"];

/// One value of the result.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub knr: String,
    pub year: Option<i64>,
    pub column: String,
    pub value: Option<f64>,
}

/// What an import read, and what it passed over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub cells: Vec<Cell>,
    /// Value columns, in the order found.
    pub columns: Vec<String>,
    /// Where a value was suppressed: (region as written, year, column, symbol).
    pub suppressed: Vec<(String, Option<i64>, String, String)>,
    /// Region codes not in the register (as written), left out.
    pub unknown: Vec<String>,
    /// Old codes mapped to their successor: (old, new).
    pub mapped: Vec<(String, String)>,
    /// Text cells kept as they are (comments in a workbook): (kommunenummer, column, text).
    pub texts: Vec<(String, String, String)>,
    /// Where each (region as written, year, column) was first read, to find one read twice.
    seen: BTreeMap<(String, Option<i64>, String), String>,
    /// A region read twice for the same year and column: (region, year, column, first, second).
    pub twice: Vec<(String, Option<i64>, String, String, String)>,
}

impl Imported {
    /// Notes where a value of a region was read; a second value for the same year and column is
    /// a duplicate row (rows are never added up silently; merged old codes are other regions).
    fn read_at(&mut self, region: &str, year: Option<i64>, column: &str, place: String) {
        let key = (region.trim().to_string(), year, column.to_string());
        match self.seen.get(&key) {
            Some(first) => self.twice.push((key.0, year, key.2, first.clone(), place)),
            None => {
                self.seen.insert(key, place);
            }
        }
    }
}

/// Old kommunenummer → new, for regions that a merger or a renumbering replaced.
pub type Successors = BTreeMap<String, String>;

/// The 4-digit code at the start of a region cell ("4601 Bergen", "K-4601 Bergen", "4601").
fn code_of(region: &str) -> Option<String> {
    let r = region.trim().trim_start_matches("K-");
    let code: String = r.chars().take_while(char::is_ascii_digit).collect();
    (code.len() == 4 && r[4..].chars().next().is_none_or(|c| !c.is_ascii_digit())).then_some(code)
}

/// A number as SSB writes it: decimal comma or point, spaces between thousands.
fn number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    t.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite())
}

fn is_year(text: &str) -> Option<i64> {
    let t = text.trim();
    (t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// Splits one line of a semicolon file, with `"` quotes ("" inside quotes is a quote).
fn split(line: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut quoted = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted && chars.peek().is_some_and(|(_, n)| *n == '"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push((std::mem::take(&mut cur), start));
                start = i + 1;
            }
            _ => cur.push(c),
        }
    }
    out.push((cur, start));
    out
}

struct Place<'a> {
    register: &'a Register,
    successors: &'a Successors,
}

impl Place<'_> {
    /// The register's kommunenummer for a region cell; records unknown and mapped codes.
    fn resolve(&self, region: &str, out: &mut Imported) -> Option<String> {
        let Some(code) = code_of(region) else {
            if !out.unknown.contains(&region.trim().to_string()) {
                out.unknown.push(region.trim().to_string());
            }
            return None;
        };
        if self.register.municipalities.iter().any(|m| m.knr == code) {
            return Some(code);
        }
        if let Some(new) = self.successors.get(&code)
            && self.register.municipalities.iter().any(|m| m.knr == *new)
        {
            if !out.mapped.contains(&(code.clone(), new.clone())) {
                out.mapped.push((code, new.clone()));
            }
            return Some(new.clone());
        }
        if !out.unknown.contains(&region.trim().to_string()) {
            out.unknown.push(region.trim().to_string());
        }
        None
    }
}

fn value_of(
    text: &str,
    region: &str,
    year: Option<i64>,
    column: &str,
    out: &mut Imported,
    bad: impl FnOnce() -> Diag,
) -> Result<Option<f64>, Diag> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if SUPPRESSED.contains(&t) {
        out.suppressed
            .push((region.trim().to_string(), year, column.to_string(), t.to_string()));
        return Ok(None);
    }
    number(t).map(Some).ok_or_else(bad)
}

/// An SSB StatBank CSV export: an optional title line (and blank lines), a quoted header, then
/// one row per region (and year, in long form). Years as columns (wide form) or a year column
/// (long form) are both read; every other column that varies must be fixed with `select`.
pub fn statbank_csv(
    file: &SourceFile,
    register: &Register,
    successors: &Successors,
    name: &str,
) -> Result<Imported, Diags> {
    let text = &file.text;
    let mut offsets = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        offsets.push((pos, line.trim_end_matches(['\n', '\r'])));
        pos += line.len();
    }
    // The header: the first line whose first cell names the region dimension.
    let header_at = offsets.iter().position(|(_, l)| {
        let cells = split(l);
        cells.len() >= 2 && {
            let h = cells[0].0.trim().to_lowercase();
            h == "region" || h.contains("region") || h == "kommune" || h == "kommunenummer"
        }
    });
    let Some(h) = header_at else {
        return Err(Diags::from(
            Diag::error(
                "import::header",
                format!("{} has no header line starting with a region column", file.name),
            )
            .help("export the table from SSB's StatBank as semicolon-separated CSV with headings, with region as the first column"),
        ));
    };
    let header: Vec<String> = split(offsets[h].1)
        .into_iter()
        .map(|(c, _)| c.trim().to_string())
        .collect();
    let year_col = header
        .iter()
        .position(|c| matches!(c.to_lowercase().as_str(), "år" | "year" | "tid" | "kvartal" | "måned"));
    let year_columns: Vec<(usize, i64)> = header
        .iter()
        .enumerate()
        .filter_map(|(k, c)| is_year(c).map(|y| (k, y)))
        .collect();
    let mut out = Imported::default();
    let place = Place { register, successors };
    let mut diags = Diags::default();
    // Long form: region; [other dims;] year; value. Wide form: region; [other dims;] year columns.
    let value_cols: Vec<(usize, Option<i64>)> = if !year_columns.is_empty() {
        year_columns.iter().map(|&(k, y)| (k, Some(y))).collect()
    } else {
        vec![(header.len() - 1, None)]
    };
    let dims: Vec<usize> = (1..header.len())
        .filter(|k| Some(*k) != year_col && !value_cols.iter().any(|(v, _)| v == k))
        .collect();
    let mut dim_values: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    out.columns.push(name.to_string());
    for (line_no, &(start, line)) in offsets.iter().enumerate().skip(h + 1) {
        if line.trim().is_empty() {
            continue;
        }
        let cells = split(line);
        if cells.len() != header.len() {
            diags.push(
                Diag::error(
                    "import::ragged",
                    format!(
                        "line {} of {} has {} cells, but the header has {}",
                        line_no + 1,
                        file.name,
                        cells.len(),
                        header.len()
                    ),
                )
                .at(file, start..start + line.len(), "this line")
                .help("every row has one cell per heading; check for a stray semicolon"),
            );
            continue;
        }
        for &d in &dims {
            let v = cells[d].0.trim().to_string();
            let seen = dim_values.entry(d).or_default();
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        let region = cells[0].0.as_str();
        let Some(knr) = place.resolve(region, &mut out) else {
            continue;
        };
        let row_year = match year_col {
            Some(k) => match is_year(&cells[k].0) {
                Some(y) => Some(y),
                None => {
                    let s = start + cells[k].1;
                    diags.push(
                        Diag::error(
                            "import::year",
                            format!(
                                "`{}` on line {} of {} is not a year",
                                cells[k].0.trim(),
                                line_no + 1,
                                file.name
                            ),
                        )
                        .at(file, s..s + cells[k].0.len().max(1), "not a year"),
                    );
                    continue;
                }
            },
            None => None,
        };
        for &(k, y) in &value_cols {
            let year = y.or(row_year);
            let s = start + cells[k].1;
            let raw = cells[k].0.clone();
            let bad = || {
                Diag::error(
                    "import::value",
                    format!(
                        "`{}` on line {}, column {} (`{}`) of {} is not a number",
                        raw.trim(),
                        line_no + 1,
                        k + 1,
                        header[k],
                        file.name
                    ),
                )
                .at(file, s..s + raw.len().max(1), "not a number")
                .help(
                    "SSB marks a missing value with . .. ... or : (these are read as blank); correct or blank the cell",
                )
            };
            out.read_at(region, year, name, format!("line {}", line_no + 1));
            match value_of(&raw, region, year, name, &mut out, bad) {
                Ok(value) => out.cells.push(Cell {
                    knr: knr.clone(),
                    year,
                    column: name.to_string(),
                    value,
                }),
                Err(d) => diags.push(d),
            }
        }
    }
    for (d, values) in &dim_values {
        if values.len() > 1 {
            diags.push(
                Diag::error(
                    "import::dimension",
                    format!(
                        "{} has {} values of `{}` ({}); the import takes one",
                        file.name,
                        values.len(),
                        header[*d],
                        values.join(", ")
                    ),
                )
                .help("export one value of that variable at a time"),
            );
        }
    }
    diags.into_result(out)
}

/// A JSON-stat 2.0 dataset as the PxWeb API returns it: a region dimension, optionally a time
/// dimension, and every other dimension of size 1.
pub fn json_stat(
    file: &SourceFile,
    register: &Register,
    successors: &Successors,
    name: &str,
) -> Result<Imported, Diags> {
    let fail = |m: String, help: &str| Diags::from(Diag::error("import::json-stat", m).help(help.to_string()));
    let doc: Value = serde_json::from_str(&file.text).map_err(|e| {
        Diags::from(
            Diag::error("import::json", format!("{} is not JSON: {e}", file.name))
                .help("save the response of the PxWeb API with format json-stat2"),
        )
    })?;
    // A response may wrap the dataset ({"dataset": {...}}) as JSON-stat 1 did.
    let ds = if doc.get("class").and_then(Value::as_str) == Some("dataset") {
        &doc
    } else {
        doc.get("dataset").unwrap_or(&doc)
    };
    let help = "save the response of the PxWeb API with format json-stat2";
    let ids: Vec<String> = ds
        .get("id")
        .and_then(Value::as_array)
        .ok_or_else(|| fail(format!("{} has no `id` list: not JSON-stat 2.0", file.name), help))?
        .iter()
        .map(|v| v.as_str().map(String::from))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| fail(format!("{}: `id` holds something other than names", file.name), help))?;
    let sizes: Vec<usize> = ds
        .get("size")
        .and_then(Value::as_array)
        .ok_or_else(|| fail(format!("{} has no `size` list: not JSON-stat 2.0", file.name), help))?
        .iter()
        .map(|v| v.as_u64().and_then(|v| usize::try_from(v).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| {
            fail(
                format!("{}: `size` holds something other than whole numbers", file.name),
                help,
            )
        })?;
    if ids.len() != sizes.len() {
        return Err(fail(format!("{}: `id` and `size` differ in length", file.name), help));
    }
    // Each dimension's categories in index order.
    let mut cats: Vec<Vec<(String, String)>> = Vec::new();
    for id in &ids {
        let cat = &ds["dimension"][id]["category"];
        let mut entries: Vec<(usize, String)> = match &cat["index"] {
            Value::Object(m) => m
                .iter()
                .filter_map(|(k, v)| Some((v.as_u64()? as usize, k.clone())))
                .collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some((i, v.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        if entries.is_empty()
            && let Value::Object(m) = &cat["label"]
        {
            entries = m.keys().cloned().enumerate().collect();
        }
        entries.sort();
        cats.push(
            entries
                .into_iter()
                .map(|(_, k)| {
                    let label = cat["label"][&k].as_str().unwrap_or("").to_string();
                    (k, label)
                })
                .collect(),
        );
    }
    let role = |r: &str| -> Vec<String> {
        ds["role"][r]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let region = ids
        .iter()
        .position(|id| role("geo").contains(id) || id.eq_ignore_ascii_case("region"))
        .ok_or_else(|| {
            fail(
                format!("{} has no region dimension", file.name),
                "query the table by Region",
            )
        })?;
    let time = ids
        .iter()
        .position(|id| role("time").contains(id) || id.eq_ignore_ascii_case("tid"));
    for (k, id) in ids.iter().enumerate() {
        if k != region && Some(k) != time && sizes[k] > 1 {
            return Err(fail(
                format!(
                    "{} has {} values of dimension `{id}`; the import takes one",
                    file.name, sizes[k]
                ),
                "query one value of that dimension (e.g. one ContentsCode)",
            ));
        }
    }
    for (k, id) in ids.iter().enumerate() {
        if cats[k].len() != sizes[k] || sizes[k] == 0 {
            return Err(fail(
                format!(
                    "{}: dimension `{id}` has {} categories, but `size` says {}",
                    file.name,
                    cats[k].len(),
                    sizes[k]
                ),
                help,
            ));
        }
    }
    let total = sizes
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .filter(|&t| t <= MAX_JSON_STAT_CELLS)
        .ok_or_else(|| {
            fail(
                format!(
                    "{} has more than {MAX_JSON_STAT_CELLS} cells (`size` {:?})",
                    file.name, sizes
                ),
                "query fewer regions, years or contents at a time",
            )
        })?;
    let values: Vec<Value> = match &ds["value"] {
        Value::Array(a) => a.clone(),
        Value::Object(m) => {
            let mut v = vec![Value::Null; total];
            for (k, x) in m {
                if let Ok(i) = k.parse::<usize>()
                    && i < total
                {
                    v[i] = x.clone();
                }
            }
            v
        }
        _ => return Err(fail(format!("{} has no `value`", file.name), help)),
    };
    if values.len() != total {
        return Err(fail(
            format!("{} has {} values for {} cells", file.name, values.len(), total),
            help,
        ));
    }
    let status = |i: usize| -> Option<String> {
        match &ds["status"] {
            Value::Object(m) => m.get(&i.to_string()).and_then(|v| v.as_str().map(String::from)),
            Value::Array(a) => a.get(i).and_then(|v| v.as_str().map(String::from)),
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    };
    let mut out = Imported {
        columns: vec![name.to_string()],
        ..Imported::default()
    };
    let place = Place { register, successors };
    for (i, v) in values.iter().enumerate() {
        // Row-major: the last dimension varies fastest.
        let mut rest = i;
        let mut at = vec![0; sizes.len()];
        for k in (0..sizes.len()).rev() {
            at[k] = rest % sizes[k];
            rest /= sizes[k];
        }
        let (code, label) = &cats[region][at[region]];
        let region_text = format!("{code} {label}");
        let Some(knr) = place.resolve(&region_text, &mut out) else {
            continue;
        };
        let year = time.and_then(|t| is_year(&cats[t][at[t]].0));
        let value = match v {
            Value::Number(n) => n.as_f64(),
            Value::Null => {
                if let Some(s) = status(i) {
                    out.suppressed.push((region_text.clone(), year, name.to_string(), s));
                }
                None
            }
            Value::String(s) if SUPPRESSED.contains(&s.trim()) => {
                out.suppressed
                    .push((region_text.clone(), year, name.to_string(), s.clone()));
                None
            }
            other => {
                return Err(fail(
                    format!(
                        "value number {} of {} ({region_text}) is `{other}`, not a number",
                        i + 1,
                        file.name
                    ),
                    "correct the value, or make it null",
                ));
            }
        };
        out.read_at(&region_text, year, name, format!("value number {}", i + 1));
        out.cells.push(Cell {
            knr,
            year,
            column: name.to_string(),
            value,
        });
    }
    Ok(out)
}

/// A column key from a workbook heading: the key in parentheses ("Kapasitet (declared_capacity)"),
/// or the heading in lower case with `_` for spaces.
pub fn key_of(heading: &str) -> String {
    if let (Some(a), Some(b)) = (heading.rfind('('), heading.rfind(')'))
        && a < b
    {
        let inner = heading[a + 1..b].trim();
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return inner.to_string();
        }
    }
    heading
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_string()
}

/// The first sheet of a workbook from the capacity dialogue: a heading row with a kommunenummer
/// column, then one row per municipality. Number columns become indicator columns; text columns
/// (comments) are kept as text.
/// The most cells a JSON-stat dataset may hold: every municipality for a century of years is
/// far less.
pub const MAX_JSON_STAT_CELLS: usize = 1_000_000;

/// The most rows, columns and cells a workbook sheet may use: a capacity form has a row per
/// municipality and a column per question.
pub const MAX_SHEET_ROWS: u32 = 100_000;
pub const MAX_SHEET_COLUMNS: u32 = 1_000;
pub const MAX_SHEET_CELLS: usize = 2_000_000;

/// A spreadsheet column's letters: 0 → A, 27 → AB.
fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The cells of an xlsx sheet, read one at a time so that a cell far out (XFD1048576) is refused
/// before anything is allocated for the empty space before it. Rows and columns are absolute
/// (row 0 is the sheet's row 1).
fn bounded_cells<RS: std::io::Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    sheet: &str,
    shown: &str,
) -> Result<Vec<Vec<calamine::Data>>, Diags> {
    let cannot = |e: &dyn std::fmt::Display| {
        Diags::from(Diag::error(
            "import::xlsx",
            format!("cannot read sheet `{sheet}` of {shown}: {e}"),
        ))
    };
    let mut reader = x.worksheet_cells_reader(sheet).map_err(|e| cannot(&e))?;
    let mut cells: Vec<(u32, u32, calamine::Data)> = Vec::new();
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(|e| cannot(&e))? {
        let (r, c) = cell.pos;
        let blank = match &cell.value {
            calamine::DataRef::Empty => true,
            calamine::DataRef::String(s) => s.is_empty(),
            _ => false,
        };
        if cell.formula.is_some() && blank {
            return Err(Diags::from(
                Diag::error(
                    "import::formula",
                    format!(
                        "cell {}{} of sheet `{sheet}` in {shown} holds a formula with no saved result",
                        column_letters(c),
                        u64::from(r) + 1
                    ),
                )
                .help("the program that wrote the workbook did not compute it: open it in Excel or LibreOffice, save, and import again (or type the number)"),
            ));
        }
        if r >= MAX_SHEET_ROWS || c >= MAX_SHEET_COLUMNS || cells.len() >= MAX_SHEET_CELLS {
            return Err(Diags::from(
                Diag::error(
                    "import::xlsx-size",
                    format!(
                        "sheet `{sheet}` of {shown} has a cell at {}{}, beyond what a form uses ({MAX_SHEET_ROWS} rows, {MAX_SHEET_COLUMNS} columns, {MAX_SHEET_CELLS} cells)",
                        column_letters(c),
                        u64::from(r) + 1
                    ),
                )
                .help("clear the cells outside the table (select the rows and columns after it, Delete), save, and import again"),
            ));
        }
        cells.push((r, c, cell.value.clone().into()));
    }
    let height = cells.iter().map(|(r, _, _)| r + 1).max().unwrap_or(0) as usize;
    let width = cells.iter().map(|(_, c, _)| c + 1).max().unwrap_or(0) as usize;
    if height.saturating_mul(width) > MAX_SHEET_CELLS {
        return Err(Diags::from(
            Diag::error(
                "import::xlsx-size",
                format!(
                    "sheet `{sheet}` of {shown} spans A1:{}{height}, more than the {MAX_SHEET_CELLS} cells a form uses",
                    column_letters(width.saturating_sub(1) as u32)
                ),
            )
            .help("clear the cells outside the table (select the rows and columns after it, Delete), save, and import again"),
        ));
    }
    let mut rows = vec![vec![calamine::Data::Empty; width]; height];
    for (r, c, v) in cells {
        rows[r as usize][c as usize] = v;
    }
    Ok(rows)
}

pub fn workbook(path: &Path, shown: &str, register: &Register, successors: &Successors) -> Result<Imported, Diags> {
    use calamine::{Data, Reader, open_workbook_auto};
    let limit = crate::data::csvfile::MAX_INPUT_BYTES;
    if fs_err::metadata(path).is_ok_and(|m| m.len() > limit) {
        return Err(Diags::from(
            Diag::error(
                "import::xlsx-size",
                format!(
                    "{shown} is larger than {} MiB, more than a capacity form can be",
                    limit / 1024 / 1024
                ),
            )
            .help("save the form's sheet alone, without pictures or other sheets, and import that"),
        ));
    }
    let mut wb = open_workbook_auto(path).map_err(|e| {
        Diags::from(
            Diag::error("import::xlsx", format!("cannot open {shown} as a workbook: {e}"))
                .help("save it as .xlsx (Excel workbook)"),
        )
    })?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(Diags::from(Diag::error(
            "import::xlsx",
            format!("{shown} has no sheets"),
        )));
    };
    let cannot = |e: &dyn std::fmt::Display| {
        Diags::from(Diag::error(
            "import::xlsx",
            format!("cannot read sheet `{sheet}` of {shown}: {e}"),
        ))
    };
    let owned: Vec<Vec<Data>> = match &mut wb {
        calamine::Sheets::Xlsx(x) => bounded_cells(x, &sheet, shown)?,
        other => other
            .worksheet_range(&sheet)
            .map_err(|e| cannot(&e))?
            .rows()
            .map(<[Data]>::to_vec)
            .collect(),
    };
    let rows: Vec<&[Data]> = owned.iter().map(Vec::as_slice).collect();
    let text = |d: &Data| -> String {
        match d {
            Data::String(s) => s.clone(),
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => i.to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    };
    let header_at = rows.iter().position(|r| {
        r.iter()
            .any(|c| matches!(key_of(&text(c)).as_str(), "kommunenummer" | "knr" | "kommunenr"))
    });
    let Some(h) = header_at else {
        return Err(Diags::from(
            Diag::error("import::xlsx", format!("sheet `{sheet}` of {shown} has no kommunenummer column"))
                .help("the first sheet needs a heading row with a column `kommunenummer` (busetting template capacity writes one)"),
        ));
    };
    let keys: Vec<String> = rows[h].iter().map(|c| key_of(&text(c))).collect();
    let knr_col = keys
        .iter()
        .position(|k| matches!(k.as_str(), "kommunenummer" | "knr" | "kommunenr"))
        .unwrap_or(0);
    let skip: Vec<usize> = keys
        .iter()
        .enumerate()
        .filter(|(k, key)| *k == knr_col || key.as_str() == "kommune" || key.is_empty())
        .map(|(k, _)| k)
        .collect();
    let mut out = Imported::default();
    let place = Place { register, successors };
    let mut diags = Diags::default();
    // A comment column, or one where no cell is a number, is kept as text; in any other column a
    // word is a mistake to report.
    let numeric: Vec<bool> = (0..keys.len())
        .map(|k| {
            let comment = keys[k].contains("comment") || keys[k].contains("kommentar") || keys[k].contains("merknad");
            let has_number = rows[h + 1..].iter().any(|r| match r.get(k) {
                Some(Data::Float(_) | Data::Int(_)) => true,
                Some(Data::String(s)) => number(s).is_some(),
                _ => false,
            });
            let has_word = rows[h + 1..].iter().any(|r| match r.get(k) {
                Some(Data::String(s)) => {
                    let s = s.trim();
                    !s.is_empty() && !SUPPRESSED.contains(&s) && number(s).is_none()
                }
                _ => false,
            });
            !comment && (has_number || !has_word)
        })
        .collect();
    for (k, key) in keys.iter().enumerate() {
        if !skip.contains(&k) && numeric[k] {
            out.columns.push(key.clone());
        }
    }
    for (r, row) in rows.iter().enumerate().skip(h + 1) {
        let region = row.get(knr_col).map(text).unwrap_or_default();
        if region.trim().is_empty() {
            continue;
        }
        let region = match row.get(knr_col) {
            Some(Data::Float(f)) => format!("{:04}", *f as u64),
            Some(Data::Int(i)) => format!("{i:04}"),
            _ => region,
        };
        let Some(knr) = place.resolve(&region, &mut out) else {
            continue;
        };
        for (k, key) in keys.iter().enumerate() {
            if skip.contains(&k) {
                continue;
            }
            let cell = row.get(k).unwrap_or(&Data::Empty);
            if !numeric[k] {
                let t = text(cell);
                if !t.trim().is_empty() {
                    out.texts.push((knr.clone(), key.clone(), t));
                }
                continue;
            }
            let value = match cell {
                Data::Float(f) => Ok(Some(*f)),
                Data::Int(i) => Ok(Some(*i as f64)),
                Data::Empty => Ok(None),
                other => {
                    let raw = text(other);
                    value_of(&raw, &region, None, key, &mut out, || {
                        Diag::error(
                            "import::value",
                            format!(
                                "`{raw}` in row {}, column {} (`{key}`) of sheet `{sheet}` in {shown} is not a number",
                                r + 1,
                                k + 1
                            ),
                        )
                    })
                }
            };
            out.read_at(&region, None, key, format!("row {}", r + 1));
            match value {
                Ok(v) => out.cells.push(Cell {
                    knr: knr.clone(),
                    year: None,
                    column: key.clone(),
                    value: v,
                }),
                Err(d) => diags.push(d),
            }
        }
    }
    diags.into_result(out)
}

/// The tool's long table: `kommunenummer,kommune[,year],<columns>[,<text columns>]`, one row per
/// municipality (and year), in register order.
pub fn to_csv(imported: &Imported, register: &Register) -> Vec<u8> {
    let has_year = imported.cells.iter().any(|c| c.year.is_some());
    let mut texts: Vec<String> = Vec::new();
    for (_, k, _) in &imported.texts {
        if !texts.contains(k) {
            texts.push(k.clone());
        }
    }
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec!["kommunenummer".to_string(), "kommune".to_string()];
    if has_year {
        header.push("year".to_string());
    }
    header.extend(imported.columns.iter().cloned());
    header.extend(texts.iter().cloned());
    let _ = w.write_record(&header);
    let mut keys: Vec<(usize, Option<i64>)> = Vec::new();
    let found = imported
        .cells
        .iter()
        .map(|c| (c.knr.as_str(), c.year))
        .chain(imported.texts.iter().map(|(k, _, _)| (k.as_str(), None)));
    for (knr, year) in found {
        if let Some(i) = register.municipalities.iter().position(|m| m.knr == knr)
            && !keys.contains(&(i, year))
        {
            keys.push((i, year));
        }
    }
    keys.sort();
    for (i, year) in keys {
        let m = &register.municipalities[i];
        let mut rec = vec![m.knr.clone(), crate::render::csv::neutral(&m.name)];
        if has_year {
            rec.push(year.map(|y| y.to_string()).unwrap_or_default());
        }
        for col in &imported.columns {
            let v = imported
                .cells
                .iter()
                .filter(|c| c.knr == m.knr && c.year == year && c.column == *col)
                .filter_map(|c| c.value)
                .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
            rec.push(v.map(|v| format!("{v}")).unwrap_or_default());
        }
        for col in &texts {
            rec.push(
                imported
                    .texts
                    .iter()
                    .find(|(k, c, _)| *k == m.knr && c == col)
                    .map(|(_, _, t)| crate::render::csv::neutral(t))
                    .unwrap_or_default(),
            );
        }
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_a_spreadsheet_names_them() {
        let names: Vec<String> = [0, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(names, ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }

    #[test]
    fn region_cells_and_numbers_as_ssb_writes_them() {
        assert_eq!(code_of("4601 Bergen"), Some("4601".into()));
        assert_eq!(code_of("K-0301 Oslo"), Some("0301".into()));
        assert_eq!(code_of("46 Vestland"), None);
        assert_eq!(code_of("46011 x"), None);
        assert_eq!(number("69,1"), Some(69.1));
        assert_eq!(number("293 709"), Some(293709.0));
        assert_eq!(number(".."), None);
        assert_eq!(
            split(r#""4601 Bergen";"2025";"a ""q"" b";293709"#)
                .into_iter()
                .map(|c| c.0)
                .collect::<Vec<_>>(),
            ["4601 Bergen", "2025", "a \"q\" b", "293709"]
        );
        assert_eq!(key_of("Kapasitet, personar (declared_capacity)"), "declared_capacity");
        assert_eq!(key_of("Ledige bustader"), "ledige_bustader");
    }
}

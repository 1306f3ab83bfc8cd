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

use crate::data::Register;
use crate::diag::Diag;

mod jsonstat;
mod statbank;
mod workbook;

pub use jsonstat::{MAX_JSON_STAT_CELLS, json_stat};
pub use statbank::statbank_csv;
pub use workbook::{MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, workbook};

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

/// The tool's long table: `kommunenummer,kommune[,year],<columns>[,<text columns>]`, one row per
/// municipality (and year), in register order.
pub fn to_csv(imported: &Imported, register: &Register) -> Result<Vec<u8>, crate::render::Error> {
    let has_year = imported.cells.iter().any(|c| c.year.is_some());
    let mut texts: Vec<String> = Vec::new();
    for (_, k, _) in &imported.texts {
        if !texts.contains(k) {
            texts.push(k.clone());
        }
    }
    let mut header = vec!["kommunenummer".to_string(), "kommune".to_string()];
    if has_year {
        header.push("year".to_string());
    }
    header.extend(imported.columns.iter().cloned());
    header.extend(texts.iter().cloned());
    let mut records = vec![header];
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
        let mut rec = vec![m.knr.clone(), m.name.clone()];
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
                    .map(|(_, _, t)| t.clone())
                    .unwrap_or_default(),
            );
        }
        records.push(rec);
    }
    crate::render::cells::csv_bytes("the imported file", records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statbank::split;

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

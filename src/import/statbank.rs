//! SSB StatBank CSV exports: a title line, a quoted semicolon header, region cells such as
//! "4601 Bergen", years as columns or in a year column, decimal commas.

use std::collections::BTreeMap;

use super::{Cell, Imported, Place, Successors, is_year, value_of};
use crate::data::Register;
use crate::diag::{Diag, Diags, SourceFile};

/// Splits one line of a semicolon file, with `"` quotes ("" inside quotes is a quote).
pub(super) fn split(line: &str) -> Vec<(String, usize)> {
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

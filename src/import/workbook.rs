//! Workbooks from the capacity dialogue (xlsx), read cell by cell within bounds.

use std::path::Path;

use super::{Cell, Imported, Place, SUPPRESSED, Successors, key_of, number, value_of};
use crate::data::Register;
use crate::diag::{Diag, Diags};

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

/// The first sheet of a workbook from the capacity dialogue: a heading row with a kommunenummer
/// column, then one row per municipality. Number columns become indicator columns; text columns
/// (comments) are kept as text.
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
}

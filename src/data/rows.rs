//! The rows and cells of one table: every kommunenummer known, once per year, every value a
//! plausible number; problems reported by line and column.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::csvfile::{CellProblem, CsvFile, parse_number};
use crate::diag::{Diag, Diags};
use crate::suggest;
use crate::tomlread::At;

use super::register::{knr_problem, valid_knr};
use super::*;

/// Reports at most ten cell problems of one kind in one file, then how many more there were.
pub(super) struct Capped {
    shown: usize,
    hidden: usize,
}

impl Capped {
    const LIMIT: usize = 10;

    pub(super) fn new() -> Self {
        Capped { shown: 0, hidden: 0 }
    }

    pub(super) fn push(&mut self, diags: &mut Diags, d: Diag) {
        if self.shown < Self::LIMIT {
            self.shown += 1;
            diags.push(d);
        } else {
            self.hidden += 1;
        }
    }

    /// Reports what was held back; true when anything was wrong.
    pub(super) fn finish(self, diags: &mut Diags, file: &str) -> bool {
        if self.hidden > 0 {
            diags.push(Diag::error(
                "data::more",
                format!("{} more problems in {file} are not shown", self.hidden),
            ));
        }
        self.shown > 0
    }
}

/// The rows of a file picked for one selection of years, with their kommunenummer.
pub(super) type Rows = Vec<(usize, String)>;

/// Picks and checks the rows of a file for one selection of years (all rows when the indicator
/// picks none): a valid kommunenummer from the register on each, no municipality twice in a year,
/// and every municipality present. Several indicators may read the same rows; they are checked
/// once.
pub(super) fn select_rows(
    csv: &CsvFile,
    years: Option<&At<Vec<i64>>>,
    covered: Option<&[String]>,
    catalogue: &Catalogue,
    register: &Register,
    diags: &mut Diags,
) -> Option<Rows> {
    let year_column = &catalogue.year_column;
    if !csv.has_column(KNR) {
        let first = csv.header.first().map(String::as_str).unwrap_or_default();
        let d = if first.starts_with(&format!("{KNR};")) || first.starts_with(&format!("{KNR}\t")) {
            let sep = if first.contains(';') { "semicolons" } else { "tabs" };
            Diag::error(
                "data::separator",
                format!("{} is separated by {sep}, not commas", csv.name()),
            )
            .at(&csv.source, csv.header_line(), format!("{sep} between the columns"))
            .help("save it as CSV with commas (Excel: \"CSV UTF-8 (comma delimited)\"), or read a StatBank export with busetting import")
        } else {
            Diag::error("data::unknown-column", format!("{} has no column `{KNR}`", csv.name()))
                .at(&csv.source, csv.header_line(), "header")
                .help("every table is keyed by the 4-digit kommunenummer in a column of that name")
        };
        diags.push(d);
        return None;
    }
    if let Some(y) = years.filter(|_| !csv.has_column(year_column)) {
        diags.push(
            Diag::error(
                "data::unknown-column",
                format!("{} has no column `{year_column}` to pick years from", csv.name()),
            )
            .at(&catalogue.file, y.span.clone(), "years")
            .help("remove year/years from the indicator, or set year-column in the catalogue"),
        );
        return None;
    }
    let knrs = csv.text_cells(KNR)?;
    let year_cells = match years {
        Some(_) => Some(csv.text_cells(year_column)?),
        None => None,
    };
    let wanted: Vec<i64> = years.map_or_else(|| vec![0], |y| y.value.clone());
    let index = register.index();
    let mut first_row: HashMap<(String, i64), usize> = HashMap::new();
    let mut rows = Rows::new();
    let mut problems = Capped::new();
    for row in 0..csv.height() {
        let year = match &year_cells {
            None => 0,
            Some(cells) => match cells[row].map(str::parse::<i64>) {
                Some(Ok(y)) => y,
                _ => {
                    let raw = cells[row].unwrap_or_default();
                    problems.push(
                        diags,
                        Diag::error(
                            "data::year",
                            format!("`{raw}` in column `{year_column}` of {} is not a year", csv.name()),
                        )
                        .at(&csv.source, csv.cell_span(row, year_column), "not a year")
                        .help("write the year as four digits, e.g. 2026"),
                    );
                    continue;
                }
            },
        };
        if !wanted.contains(&year) {
            continue;
        }
        let mut knr = knrs[row].unwrap_or_default().to_string();
        if !valid_knr(&knr) {
            problems.push(diags, knr_problem(csv, row, &knr));
            continue;
        }
        // A code a merger or renumbering replaced counts for its successor; two merged
        // municipalities' rows are added up.
        let mut merged = false;
        if !index.contains_key(knr.as_str())
            && !register.outside.contains(&knr)
            && let Some(new) = register.successors.get(&knr)
        {
            knr = new.clone();
            merged = true;
        }
        if register.outside.contains(&knr) {
            continue;
        }
        if !index.contains_key(knr.as_str()) {
            problems.push(
                diags,
                Diag::error(
                    "data::unknown-municipality",
                    format!(
                        "kommunenummer {knr} in {} is not in the register {}",
                        csv.name(),
                        register.file.name
                    ),
                )
                .at(&csv.source, csv.cell_span(row, KNR), "unknown kommunenummer")
                .help("correct the number, remove the row, or add the municipality to the register"),
            );
            continue;
        }
        if merged {
            first_row.entry((knr.clone(), year)).or_insert(row);
            rows.push((row, knr));
            continue;
        }
        if let Some(&first) = first_row.get(&(knr.clone(), year)) {
            let when = if years.is_some() {
                format!(" for {year}")
            } else {
                String::new()
            };
            problems.push(
                diags,
                Diag::error(
                    "data::duplicate",
                    format!("{} has two rows for kommunenummer {knr}{when}", csv.name()),
                )
                .at(&csv.source, csv.row_span(row), "second")
                .also(csv.row_span(first), "first")
                .help("keep one row per municipality (and year); remove the other"),
            );
            continue;
        }
        first_row.insert((knr.clone(), year), row);
        rows.push((row, knr));
    }
    if problems.finish(diags, csv.name()) {
        return None;
    }
    let mut absent = Vec::new();
    for m in register
        .municipalities
        .iter()
        .filter(|m| covered.is_none_or(|c| c.contains(&m.county)))
    {
        for &y in &wanted {
            if !first_row.contains_key(&(m.knr.clone(), y)) {
                absent.push(if years.is_some() {
                    format!("{} ({y})", m.label())
                } else {
                    m.label()
                });
            }
        }
    }
    if !absent.is_empty() {
        let listed = if absent.len() > 8 {
            format!("{}, … and {} more", absent[..8].join(", "), absent.len() - 8)
        } else {
            absent.join(", ")
        };
        diags.push(
            Diag::error(
                "data::missing-municipality",
                format!(
                    "{} has no row for {} of the register's municipalities: {listed}",
                    csv.name(),
                    absent.len()
                ),
            )
            .at(&csv.source, csv.header_line(), "")
            .help("add a row for each (leave the value empty if the figure is missing), or correct the kommunenummer"),
        );
        return None;
    }
    Some(rows)
}

/// Reads one indicator's values from the picked rows, checks them, and returns them as a frame
/// of `kommunenummer`, `value` (one row per municipality and year).
pub(super) fn read_values(
    csv: &CsvFile,
    ind: &IndicatorDef,
    rows: &Rows,
    catalogue: &Catalogue,
    diags: &mut Diags,
) -> Option<DataFrame> {
    let column = &ind.column.value;
    if !csv.has_column(column) {
        let cols: Vec<&str> = csv.header.iter().map(String::as_str).collect();
        let d = Diag::error(
            "data::unknown-column",
            format!("{} has no column `{column}`", csv.name()),
        )
        .at(
            &catalogue.file,
            ind.column.span.clone(),
            format!("column of indicator `{}`", ind.name),
        );
        diags.push(match suggest::did_you_mean(column, cols.iter().copied()) {
            Some(s) => d.help(s),
            None => d.help(format!("its columns are {}", suggest::and_list(&cols))),
        });
        return None;
    }
    let cells = csv.text_cells(column)?;
    // Rows of merged municipalities are added up: right for counts, not for rates.
    let single_year = ind.years.as_ref().is_none_or(|y| y.value.len() <= 1);
    if ind.kind == IndicatorKind::Rate && single_year {
        let mut seen = HashSet::new();
        if let Some((_, knr)) = rows.iter().find(|(_, k)| !seen.insert(k.as_str())) {
            diags.push(
                Diag::error(
                    "data::merged-rate",
                    format!(
                        "{} has rows of several former municipalities for {knr}, and `{}` is a rate, which cannot be added up",
                        csv.name(),
                        ind.name
                    ),
                )
                .help("give the rate for the merged municipality, or its counts (kind = \"count\") instead"),
            );
            return None;
        }
    }
    let mut knrs: Vec<&str> = Vec::with_capacity(rows.len());
    let mut values: Vec<Option<f64>> = Vec::with_capacity(rows.len());
    let mut problems = Capped::new();
    // What a figure of its kind can be: a percentage at most 100, a count of persons, dwellings
    // or places at most a billion, another rate (an index, a per-1000 figure) at most a million.
    let limit = match ind.kind {
        IndicatorKind::Rate if ind.unit.as_deref() == Some("%") => 100.0,
        IndicatorKind::Rate => 1e6,
        IndicatorKind::Count => 1e9,
    };
    for (row, knr) in rows {
        match parse_number(cells[*row]) {
            Ok(Some(v)) if v > limit => {
                let raw = cells[*row].unwrap_or_default();
                problems.push(
                    diags,
                    Diag::error(
                        "data::range",
                        format!(
                            "`{raw}` in column `{column}` of {} is more than {limit}, which `{}` cannot be",
                            csv.name(),
                            ind.name
                        ),
                    )
                    .at(&csv.source, csv.cell_span(*row, column), "out of range")
                    .help("correct the figure (a percentage is 0 to 100), or leave the cell empty if it is missing"),
                );
            }
            Ok(v) => {
                knrs.push(knr);
                values.push(v);
            }
            Err(problem) => {
                let raw = cells[*row].unwrap_or_default();
                let (what, help) = match problem {
                    CellProblem::NotANumber => (
                        format!("`{raw}` in column `{column}` of {} is not a number", csv.name()),
                        "write a number with a decimal point (70.1), or leave the cell empty if the figure is missing"
                            .to_string(),
                    ),
                    CellProblem::DecimalComma => (
                        format!("`{raw}` in column `{column}` of {} has a decimal comma", csv.name()),
                        format!("write {} with a decimal point", raw.replace(',', ".")),
                    ),
                    CellProblem::Negative(_) => (
                        format!("`{raw}` in column `{column}` of {} is negative", csv.name()),
                        "counts and rates cannot be negative; correct the figure, or leave the cell empty if it is missing"
                            .to_string(),
                    ),
                };
                problems.push(
                    diags,
                    Diag::error("data::value", what)
                        .at(&csv.source, csv.cell_span(*row, column), "here")
                        .help(help),
                );
            }
        }
    }
    if problems.finish(diags, csv.name()) {
        return None;
    }
    DataFrame::new_infer_height(vec![Column::new(KNR.into(), knrs), Column::new("value".into(), values)]).ok()
}

//! `recommendation.xlsx`: the ranked table with every explanation column, for advisers who work
//! in Excel, and beside it a sheet each for the explanation per criterion, the bounds and
//! margins, the history by year and the sources. Numbers are numbers with formats, every header
//! is bold and stays in view, and columns are fitted to their content. Every text goes in with
//! `write_string`, so a name like `=HYPERLINK(…)` stays text and never becomes a formula. The
//! file's creation date is the recommendation's year, so the same run gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::cells::{acting_text, year_heads};
use super::{explanation, table};
use crate::explain::{Explanation, Side};
use crate::lang::fill;
use crate::pipeline::Run;

fn format_for(decimals: usize) -> Format {
    match decimals {
        0 => Format::new().set_num_format("0"),
        d => Format::new().set_num_format(format!("0.{}", "0".repeat(d))),
    }
}

fn percent() -> Format {
    Format::new().set_num_format("0.00%")
}

/// A column head: bold on a pale band.
fn bold() -> Format {
    Format::new().set_bold().set_background_color("#DDE7F0").set_text_wrap()
}

/// A new sheet with its name and a bold header row.
fn add_sheet<'a>(book: &'a mut Workbook, name: &str, header: &[&str]) -> Result<&'a mut Worksheet, XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold())?;
    }
    Ok(sheet)
}

/// Keeps the header row and the first `columns` columns in view and fits the columns.
fn finish(sheet: &mut Worksheet, columns: u16) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, columns)?;
    sheet.set_autofit_max_width(420);
    sheet.autofit();
    Ok(())
}

/// A number with a format, or an empty cell where it is missing.
fn number(sheet: &mut Worksheet, row: u32, col: u16, v: Option<f64>, format: &Format) -> Result<(), XlsxError> {
    if let Some(v) = v {
        sheet.write_number_with_format(row, col, v, format)?;
    }
    Ok(())
}

/// A text, always as text (never a formula); nothing where it is empty.
fn text(sheet: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    if !s.is_empty() {
        sheet.write_string(row, col, s)?;
    }
    Ok(())
}

/// The columns that name a municipality at the start of a row: rank, kommunenummer, name.
fn municipality(sheet: &mut Worksheet, row: u32, e: &Explanation) -> Result<(), XlsxError> {
    sheet.write_number_with_format(row, 0, e.rank as f64, &format_for(0))?;
    sheet.write_string(row, 1, &e.kommunenummer)?;
    sheet.write_string(row, 2, &e.kommune)?;
    Ok(())
}

pub fn render(run: &Run) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let year = u16::try_from(run.criteria.year).unwrap_or(2000);
    book.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(year, 1, 1)?));
    recommendation(&mut book, run)?;
    contributions(&mut book, run)?;
    bounds(&mut book, run)?;
    if !run.data.catalogue.history.is_empty() {
        history(&mut book, run)?;
    }
    sources(&mut book, run)?;
    book.save_to_buffer()
}

/// The ranked table, as the report shows it, and the explanation columns a spreadsheet user
/// needs to check a number.
fn recommendation(book: &mut Workbook, run: &Run) -> Result<(), XlsxError> {
    let t = run.lang.texts();
    let g = table::grid(run);
    let mut header: Vec<&str> = g.header.iter().map(String::as_str).collect();
    header.extend([t.h_population, t.x_share, t.h_quota, t.h_lower, t.h_upper, t.h_sentence]);
    let sheet = add_sheet(book, t.h_sheet, &header)?;
    let ranked = run.ranked();
    for (r, (row, e)) in g
        .rows
        .iter()
        .chain([&g.sum])
        .zip(ranked.iter().map(Some).chain([None]))
        .enumerate()
    {
        let line = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            match (cell.value, g.decimals[col]) {
                (Some(v), Some(d)) => sheet.write_number_with_format(line, col as u16, v, &format_for(d))?,
                _ => sheet.write_string(line, col as u16, &cell.text)?,
            };
        }
        let Some(e) = e else { continue };
        let base = g.header.len() as u16;
        sheet.write_number_with_format(line, base, e.population, &format_for(0))?;
        sheet.write_number_with_format(line, base + 1, e.combined_share, &percent())?;
        sheet.write_number_with_format(line, base + 2, e.bounded_quota, &format_for(2))?;
        sheet.write_number_with_format(
            line,
            base + 3,
            e.lower_bound.map_or(0.0, |b| b.value as f64),
            &format_for(0),
        )?;
        number(
            sheet,
            line,
            base + 4,
            e.upper_bound.map(|u| u.value as f64),
            &format_for(0),
        )?;
        sheet.write_string(line, base + 5, &e.sentence)?;
    }
    finish(sheet, 3)
}

/// The explanation per criterion, one row per municipality and criterion as `explain` shows
/// it (weight, value, place, factor, share, persons), then the sum, the bound adjustment, the
/// rounding and the recommendation: each municipality's rows add up to its number, and a
/// filter on the name shows one municipality's whole account.
fn contributions(book: &mut Workbook, run: &Run) -> Result<(), XlsxError> {
    let t = run.lang.texts();
    let c = &run.criteria;
    let header = [
        t.rank,
        t.knr,
        t.kommune,
        t.x_criterion,
        t.x_weight,
        t.x_value,
        t.w_unit,
        t.x_place,
        t.x_factor,
        t.x_share,
        t.x_contribution,
    ];
    let sheet = add_sheet(book, t.w_sheet_contributions, &header)?;
    let formats: Vec<(usize, Option<String>)> = c.criteria.iter().map(|k| explanation::value_format(run, k)).collect();
    let mut line = 0;
    for e in run.ranked() {
        for ((k, part), (decimals, unit)) in c.criteria.iter().zip(&e.contributions).zip(&formats) {
            line += 1;
            municipality(sheet, line, e)?;
            sheet.write_string(line, 3, k.label.get(run.lang))?;
            sheet.write_number_with_format(line, 4, k.weight, &format_for(2))?;
            number(
                sheet,
                line,
                5,
                part.value.filter(|_| k.column.is_some()),
                &format_for(*decimals),
            )?;
            let unit = match (unit, part.filled) {
                (Some(u), true) => format!("{u} ({})", t.x_filled_mark),
                (None, true) => t.x_filled_mark.to_string(),
                (u, false) => u.clone().unwrap_or_default(),
            };
            text(sheet, line, 6, &unit)?;
            number(sheet, line, 7, part.rank.map(|r| r as f64), &format_for(0))?;
            sheet.write_number_with_format(line, 8, part.factor, &format_for(3))?;
            sheet.write_number_with_format(line, 9, part.share, &percent())?;
            sheet.write_number_with_format(line, 10, part.persons, &format_for(2))?;
        }
        for (label, persons) in [
            (t.x_sum_contributions, e.unbounded_quota),
            (t.x_bound_adjustment, e.bound_adjustment),
            (t.x_rounding, e.rounding),
            (t.x_recommendation, e.recommendation as f64),
        ] {
            line += 1;
            municipality(sheet, line, e)?;
            sheet.write_string(line, 3, label)?;
            sheet.write_number_with_format(line, 10, persons, &format_for(2))?;
        }
    }
    sheet.autofilter(0, 0, line, header.len() as u16 - 1)?;
    finish(sheet, 4)
}

/// Each municipality's bounds, which one acted, its distance to them, and its margin: how far
/// its combined share must move for one more or one fewer, and who gives or takes that unit
/// (where it cannot move, why, as `explain` says it).
fn bounds(book: &mut Workbook, run: &Run) -> Result<(), XlsxError> {
    let lang = run.lang;
    let t = lang.texts();
    let header = [
        t.rank,
        t.knr,
        t.kommune,
        t.recommendation,
        t.h_lower,
        t.w_lower_source,
        t.h_upper,
        t.w_upper_source,
        t.bound,
        t.w_above_lower,
        t.w_below_upper,
        t.w_gain_change,
        t.w_gain_persons,
        t.w_gain_percent,
        t.w_gain_from,
        t.w_lose_change,
        t.w_lose_persons,
        t.w_lose_percent,
        t.w_lose_to,
        t.w_override,
    ];
    let sheet = add_sheet(book, t.w_sheet_bounds, &header)?;
    let source = |b: Option<crate::bounds::Bound>| b.map(|b| crate::explain::source_label(lang, b.source));
    for (r, e) in run.ranked().into_iter().enumerate() {
        let line = r as u32 + 1;
        let view = explanation::view(run, e);
        municipality(sheet, line, e)?;
        sheet.write_number_with_format(line, 3, e.recommendation as f64, &format_for(0))?;
        let lower = e.lower_bound.map_or(0.0, |b| b.value as f64);
        sheet.write_number_with_format(line, 4, lower, &format_for(0))?;
        text(sheet, line, 5, source(e.lower_bound).unwrap_or_default())?;
        number(sheet, line, 6, e.upper_bound.map(|b| b.value as f64), &format_for(0))?;
        text(sheet, line, 7, source(e.upper_bound).unwrap_or_default())?;
        text(sheet, line, 8, &acting_text(lang, e))?;
        sheet.write_number_with_format(line, 9, e.above_lower as f64, &format_for(0))?;
        number(sheet, line, 10, e.below_upper.map(|b| b as f64), &format_for(0))?;
        for (k, (side, said)) in [&e.margin.gain, &e.margin.lose]
            .into_iter()
            .zip(&view.margin)
            .enumerate()
        {
            let col = 11 + 4 * k as u16;
            match side {
                Side::Possible(step) => {
                    sheet.write_number_with_format(line, col, step.share_change, &format_for(5))?;
                    sheet.write_number_with_format(line, col + 1, step.persons, &format_for(2))?;
                    let share = step.percent_of_share.map(|p| p / 100.0);
                    number(sheet, line, col + 2, share, &Format::new().set_num_format("0.0%"))?;
                    text(sheet, line, col + 3, step.counterpart.as_deref().unwrap_or(t.x_none))?;
                }
                Side::AtBound { .. } | Side::NoCounterpart => {
                    text(sheet, line, col + 3, said)?;
                }
            }
        }
        text(sheet, line, 19, e.override_reason.as_deref().unwrap_or_default())?;
    }
    finish(sheet, 3)
}

/// IMDi's request, the municipality's decision and the number settled, year by year, with this
/// run's recommendation in its year: each municipality's years together (in ranked order),
/// then the county's.
fn history(book: &mut Workbook, run: &Run) -> Result<(), XlsxError> {
    let t = run.lang.texts();
    let years = crate::history::series(&run.data, &[super::charts::current(run)].into_iter().collect());
    let mut header = vec![t.knr, t.kommune];
    header.extend(year_heads(run.lang));
    header.push(t.w_note);
    let sheet = add_sheet(book, t.w_sheet_history, &header)?;
    let mut order: Vec<usize> = (0..run.explanations.len()).collect();
    order.sort_by_key(|&i| run.explanations[i].rank);
    let place = super::charts::place(run);
    let rows = order
        .iter()
        .flat_map(|&i| {
            let e = &run.explanations[i];
            years
                .iter()
                .map(move |y| (e.kommunenummer.as_str(), e.kommune.as_str(), y, &y.municipalities[i]))
        })
        .chain(years.iter().map(|y| ("", place.as_str(), y, &y.county)));
    let mut line = 0;
    for (knr, name, y, f) in rows {
        line += 1;
        text(sheet, line, 0, knr)?;
        text(sheet, line, 1, name)?;
        sheet.write_number_with_format(line, 2, y.year as f64, &format_for(0))?;
        for (col, v) in [f.recommendation, f.request, f.decision, f.settled]
            .into_iter()
            .enumerate()
        {
            number(sheet, line, 3 + col as u16, v, &format_for(0))?;
        }
        number(sheet, line, 7, f.decision_ratio(), &format_for(2))?;
        text(sheet, line, 8, y.note.as_deref().unwrap_or_default())?;
    }
    sheet.autofilter(0, 0, line, header.len() as u16 - 1)?;
    finish(sheet, 3)
}

/// Where every indicator comes from (the report's provenance, with each one's short citation),
/// the source line the charts carry, and the run's input files with their SHA-256.
fn sources(book: &mut Workbook, run: &Run) -> Result<(), XlsxError> {
    let t = run.lang.texts();
    let header = [
        t.h_indicator,
        t.w_name,
        t.h_file,
        t.h_column,
        t.hi_year,
        t.w_cite,
        t.h_source,
    ];
    let sheet = add_sheet(book, t.w_sheet_sources, &header)?;
    let mut line = 0;
    for p in super::cells::provenance(run) {
        line += 1;
        for (col, cell) in [&p.label, &p.name, &p.file, &p.column, &p.years, &p.cite, &p.source]
            .into_iter()
            .enumerate()
        {
            text(sheet, line, col as u16, cell)?;
        }
    }
    line += 2;
    text(
        sheet,
        line,
        0,
        &fill(t.c_source, &[("sources", &super::charts::sources(run))]),
    )?;
    line += 2;
    sheet.write_string_with_format(line, 0, t.h_file, &bold())?;
    sheet.write_string_with_format(line, 1, t.h_sha256, &bold())?;
    for input in super::cells::inputs(run) {
        line += 1;
        sheet.write_string(line, 0, &input.name)?;
        sheet.write_string(line, 1, &input.sha256)?;
    }
    finish(sheet, 0)
}

//! `recommendation.xlsx`: the ranked table with every explanation column, for advisers who work
//! in Excel: numbers as numbers with formats, a frozen, bold header, and columns fitted to
//! their content. The file's creation date is the recommendation's year, so the same run gives
//! the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::table;
use crate::pipeline::Run;

fn format_for(decimals: usize) -> Format {
    match decimals {
        0 => Format::new().set_num_format("0"),
        d => Format::new().set_num_format(format!("0.{}", "0".repeat(d))),
    }
}

pub fn render(run: &Run) -> Result<Vec<u8>, XlsxError> {
    let lang = run.lang;
    let t = lang.texts();
    let g = table::grid(run);
    let mut book = Workbook::new();
    let year = u16::try_from(run.criteria.year).unwrap_or(2000);
    book.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(year, 1, 1)?));
    let sheet = book.add_worksheet();
    sheet.set_name(t.h_sheet)?;
    let bold = Format::new().set_bold().set_background_color("#DDE7F0").set_text_wrap();
    let percent = Format::new().set_num_format("0.00%");

    // The grid's columns, then the explanation columns a spreadsheet user needs to check a number.
    let mut header = g.header.clone();
    header.extend([t.h_population, t.x_share, t.h_quota, t.h_lower, t.h_upper, t.h_sentence].map(String::from));
    for (col, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, h, &bold)?;
    }
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
        sheet.write_number_with_format(line, base + 1, e.combined_share, &percent)?;
        sheet.write_number_with_format(line, base + 2, e.bounded_quota, &format_for(2))?;
        sheet.write_number_with_format(
            line,
            base + 3,
            e.lower_bound.map_or(0.0, |b| b.value as f64),
            &format_for(0),
        )?;
        if let Some(u) = e.upper_bound {
            sheet.write_number_with_format(line, base + 4, u.value as f64, &format_for(0))?;
        }
        sheet.write_string(line, base + 5, &e.sentence)?;
    }
    sheet.set_freeze_panes(1, 3)?;
    sheet.set_autofit_max_width(420);
    sheet.autofit();
    book.save_to_buffer()
}

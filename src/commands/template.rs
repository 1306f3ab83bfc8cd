//! `busetting template capacity`: the capacity dialogue's form for the county's municipalities,
//! as a workbook and a CSV file, ready to send out and to read back with `busetting import`.

use rust_xlsxwriter::{Format, Workbook};

use crate::cli::TemplateArgs;
use crate::commands::{Failure, Output, report};
use crate::data;
use crate::diag::Diag;
use crate::lang::Lang;
use crate::output;

pub fn run(args: &TemplateArgs, lang: Lang) -> Result<Output, Failure> {
    let t = lang.texts();
    let mut folder = data::open(&args.data)?;
    let selection = folder.register.select_county(&args.county)?;
    let headings = [
        "kommunenummer",
        "kommune",
        t.tc_capacity,
        t.tc_dwellings,
        t.tc_adult_education,
        t.tc_intro,
        t.tc_comment,
    ];
    let municipalities = &folder.register.municipalities;

    let records = std::iter::once(headings.map(String::from).to_vec()).chain(municipalities.iter().map(|m| {
        let mut row = vec![m.knr.clone(), m.name.clone()];
        row.resize(headings.len(), String::new());
        row
    }));
    let csv = crate::render::cells::csv_bytes("the capacity template", records)
        .map_err(|e| Diag::error("template::write", e.to_string()))?;

    let xlsx = (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold().set_text_wrap();
        let sheet = book.add_worksheet();
        sheet.set_name(t.tc_sheet)?;
        for (k, h) in headings.iter().enumerate() {
            sheet.write_string_with_format(0, k as u16, *h, &bold)?;
            sheet.set_column_width(k as u16, if k < 2 { 16 } else { 30 })?;
        }
        sheet.set_row_height(0, 48)?;
        let text = Format::new().set_num_format("@");
        for (r, m) in municipalities.iter().enumerate() {
            // The kommunenummer as text, so Excel keeps its leading zero.
            sheet.write_string_with_format(r as u32 + 1, 0, &m.knr, &text)?;
            sheet.write_string(r as u32 + 1, 1, &m.name)?;
        }
        sheet.set_freeze_panes(1, 2)?;
        // A fixed creation date keeps the file byte-identical from run to run.
        let props = rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?);
        book.set_properties(&props);
        book.save_to_buffer()
    })()
    .map_err(|e| {
        Failure::from(Diag::error(
            "template::xlsx",
            format!("writing the workbook failed: {e}"),
        ))
    })?;

    let stem = format!("capacity-dialogue-{}", selection.name());
    let files = [(format!("{stem}.xlsx"), xlsx), (format!("{stem}.csv"), csv)];
    let written = output::write_set(&args.out, &files)?;
    Ok(Output {
        stdout: Vec::new(),
        stderr: report::wrote(lang, &written),
    })
}

//! The pieces every renderer shares: a table cell and grid, the terminal's table style, the
//! text of a bound and of the notes under a table, and text made safe for a Markdown cell. The
//! renderers build on this module; it uses none of them.

use crate::names::Named;
use comfy_table::{CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};

use crate::allocate::Acting;
use crate::explain::{Explanation, source_label};
use crate::lang::{Lang, fill};
use crate::pipeline::Run;

/// Terminal tables: a rule above, below and under the header; none between rows.
pub const TABLE_STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

/// A table cell: its text, and its number when it has one (for sorting and spreadsheets).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Cell {
    pub text: String,
    pub value: Option<f64>,
}

/// The ranked table: header, one row per municipality, the sum row, and each column's decimals
/// (`None` for a text column).
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub sum: Vec<Cell>,
    pub decimals: Vec<Option<usize>>,
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        value: None,
    }
}

pub fn number(s: String, v: f64) -> Cell {
    Cell {
        text: s,
        value: Some(v),
    }
}

/// A number with its decimals in the report's language, or "–" where it is missing.
pub fn optional(lang: crate::lang::Lang, v: Option<f64>, decimals: usize) -> Cell {
    match v {
        Some(v) => number(lang.num(v, decimals), v),
        None => text(lang.texts().x_none),
    }
}

/// A grid for the terminal: numbers right-aligned, the sum row last when it has any text.
pub fn terminal(g: &Grid) -> String {
    let mut table = Table::new();
    table
        .load_style(super::cells::TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(g.header.clone());
    let sum = g.sum.iter().any(|c| !c.text.is_empty()).then_some(&g.sum);
    for row in g.rows.iter().chain(sum) {
        table.add_row(row.iter().map(|c| c.text.clone()).collect::<Vec<_>>());
    }
    for (k, decimals) in g.decimals.iter().enumerate() {
        if let (Some(_), Some(col)) = (decimals, table.column_mut(k)) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table.to_string()
}

/// "Tilråding for 2027: 4500 personar fordelte på 43 kommunar (sainte-lague)".
pub fn heading(run: &Run) -> String {
    let lang = run.lang;
    let c = &run.criteria;
    fill(
        lang.texts().heading,
        &[
            ("year", &c.year.to_string()),
            ("total", &lang.int(c.total)),
            ("n", &run.data.register.len().to_string()),
            ("method", &method_text(c)),
        ],
    )
}

/// "sainte-lague", or "sainte-lague 1.4" with a first divisor.
pub fn method_text(c: &crate::criteria::Criteria) -> String {
    match c.method {
        crate::apportion::Method::SainteLague { first_divisor } if first_divisor != crate::apportion::Ratio::ONE => {
            format!("sainte-lague {first_divisor}")
        }
        m => m.name().to_string(),
    }
}

/// Text for a Markdown table cell or line: markup characters as HTML entities (a name with
/// `<script>` stays text in every Markdown viewer), `|` escaped, lines joined.
pub fn markdown(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// A criterion's label in the run's language (the saved run stores ids only).
pub fn label(run: &Run, id: &str) -> String {
    run.criteria
        .criteria
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_string(), |c| c.label.get(run.lang).to_string())
}

/// "tak: kapasitet 100", "golv: minstetal 10", "ikkje spurd", or empty.
pub fn acting_text(lang: Lang, e: &Explanation) -> String {
    let t = lang.texts();
    match e.acting_bound {
        Some(Acting::Capped {
            source: crate::bounds::BoundSource::NotAsked,
            ..
        }) => t.src_not_asked.to_string(),
        Some(Acting::Capped { source, value }) => fill(
            t.cap_short,
            &[("bound", source_label(lang, source)), ("value", &lang.int(value))],
        ),
        Some(Acting::Raised { source, value }) => fill(
            t.floor_short,
            &[("bound", source_label(lang, source)), ("value", &lang.int(value))],
        ),
        None if e.not_asked.is_some() => t.src_not_asked.to_string(),
        None => String::new(),
    }
}

/// The notes under a table: filled cells, municipalities not asked, ties, overrides.
pub fn notes(run: &Run) -> Vec<String> {
    let lang = run.lang;
    let t = lang.texts();
    let mut out = Vec::new();
    for (c, cs) in run.criteria.criteria.iter().zip(&run.shares.criteria) {
        if cs.filled.is_empty() {
            continue;
        }
        let column = c.column.as_ref().map_or("", |c| c.value.as_str());
        let count = cs.filled.len().to_string();
        let template = match (c.missing, cs.fill_value) {
            (crate::criteria::Missing::Zero, _) => t.filled_zero,
            (_, None) => t.filled_neutral,
            (_, Some(_)) => t.filled,
        };
        let value = cs.fill_value.map(|v| lang.num(v, 2)).unwrap_or_default();
        let mut line = fill(
            template,
            &[
                ("column", column),
                ("count", &count),
                ("value", &value),
                ("criterion", c.label.get(lang)),
            ],
        );
        if cs.filled.len() < run.data.register.len() {
            let names: Vec<String> = cs
                .filled
                .iter()
                .map(|&i| run.data.register.municipalities[i].name.clone())
                .collect();
            line.push_str(&format!(" ({})", lang.list(&names)));
        }
        out.push(line);
    }
    if !run.outcome.dropped.is_empty() {
        let m = run.criteria.bounds.minimum_if_asked.as_ref().map_or(0, |m| m.value);
        let names: Vec<String> = run
            .outcome
            .dropped
            .iter()
            .map(|d| run.data.register.municipalities[d.index].name.clone())
            .collect();
        out.push(fill(
            t.not_asked_note,
            &[("m", &lang.int(m)), ("list", &lang.list(&names))],
        ));
    }
    for tie in &run.outcome.ties {
        let name = |i: usize| run.data.register.municipalities[i].name.clone();
        let rule = match tie.rule {
            crate::apportion::TieRule::LargerWeight => t.rule_larger_share,
            crate::apportion::TieRule::EarlierEntry => t.rule_lower_number,
        };
        out.push(fill(
            t.tie_note,
            &[
                ("winner", &name(tie.winner)),
                ("loser", &name(tie.loser)),
                ("rule", rule),
            ],
        ));
    }
    for o in &run.criteria.overrides {
        if let Some(i) = o.index {
            out.push(fill(
                t.override_note,
                &[
                    ("kommune", &run.data.register.municipalities[i].name),
                    ("reason", &o.reason),
                ],
            ));
        }
    }
    out
}

/// The heads of one year's figures in a series: the year, the recommendation, IMDi's request,
/// the decision, the number settled, and the decision as a share of the request.
pub fn year_heads(lang: Lang) -> [&'static str; 6] {
    let t = lang.texts();
    [
        t.hi_year,
        t.recommendation,
        t.hi_request,
        t.hi_decision,
        t.hi_settled,
        t.hi_ratio,
    ]
}

/// Where an indicator of the data comes from: the report's and the workbook's sources.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Provenance {
    pub name: String,
    pub label: String,
    pub file: String,
    pub column: String,
    /// The years added up, "2024, 2025", or empty.
    pub years: String,
    /// The short citation of the source line under the charts ("SSB 07459 (2026)").
    pub cite: String,
    pub source: String,
}

/// Every indicator the run's data holds, in the catalogue's order.
pub fn provenance(run: &Run) -> Vec<Provenance> {
    let lang = run.lang;
    run.data
        .catalogue
        .indicators
        .iter()
        .filter(|i| run.data.table.get(&i.name).is_some())
        .map(|i| Provenance {
            name: i.name.clone(),
            label: i.label.get(lang).to_string(),
            file: i.file.value.clone(),
            column: i.column.value.clone(),
            years: i
                .years
                .as_ref()
                .map(|y| y.value.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            cite: i.cite.clone().unwrap_or_default(),
            source: i.source.clone().unwrap_or_default(),
        })
        .collect()
}

/// One input file of a run and its fingerprint.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InputFile {
    pub name: String,
    pub sha256: String,
}

/// The run's inputs: the criteria file, then every file read from the data folder.
pub fn inputs(run: &Run) -> Vec<InputFile> {
    let c = &run.criteria;
    let mut inputs = vec![InputFile {
        name: c.file.name.clone(),
        sha256: crate::manifest::sha256(&c.file.text),
    }];
    inputs.extend(run.data.inputs.iter().map(|i| InputFile {
        name: i.name.clone(),
        sha256: crate::manifest::sha256(&i.text),
    }));
    inputs
}

/// Why a file could not be made. Rendering works in memory, so this is a library failing (a
/// chart backend, the spreadsheet writer, a template, a serialiser): it is reported and the run
/// stops, never a short or empty file.
#[derive(Debug)]
pub struct Error {
    /// The file, or the chart, being made.
    pub file: String,
    pub detail: String,
}

impl Error {
    pub fn new(file: impl Into<String>, detail: impl std::fmt::Display) -> Error {
        Error {
            file: file.into(),
            detail: detail.to_string(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.detail)
    }
}

impl std::error::Error for Error {}

impl From<Error> for crate::diag::Diag {
    fn from(e: Error) -> Self {
        crate::diag::Diag::error("render::file", format!("making {e} failed"))
            .help("nothing was written; this is a fault in busetting, so please report it with the inputs")
    }
}

/// A CSV field a spreadsheet will not run as a formula: a number as it is, any other text that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return with a leading apostrophe.
pub fn neutral(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Records as the bytes of a CSV file, every field made [`neutral`]; `file` names it in an
/// error.
pub fn csv_bytes<R, F>(file: &str, records: impl IntoIterator<Item = R>) -> Result<Vec<u8>, Error>
where
    R: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for record in records {
        w.write_record(record.into_iter().map(|f| neutral(f.as_ref())))
            .map_err(|e| Error::new(file, e))?;
    }
    w.into_inner().map_err(|e| Error::new(file, e.error()))
}

/// A value as pretty JSON with a final newline; `file` names it in an error.
pub fn json_bytes(file: &str, value: &impl serde::Serialize) -> Result<Vec<u8>, Error> {
    let mut out = serde_json::to_vec_pretty(value).map_err(|e| Error::new(file, e))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_csv_field_is_neutral_and_numbers_stay_numbers() {
        let bytes = csv_bytes(
            "t.csv",
            [["=HYPERLINK(\"x\")", "-3.5", "@SUM(A1)"], ["+1e3", "-x", "'=already"]],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"'=HYPERLINK(\"\"x\"\")\",-3.5,'@SUM(A1)\n+1e3,'-x,'=already\n"
        );
    }

    #[test]
    fn a_serialiser_failure_is_an_error_naming_the_file() {
        struct Fails;
        impl serde::Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let e = json_bytes("x.json", &Fails).unwrap_err();
        assert_eq!(e.to_string(), "x.json: no");
    }
}

//! The ranked table: one grid of cells (text in the report's language, plus the number behind
//! it) that the terminal, Markdown, HTML and Excel renderers all draw.

use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::{acting_text, notes};
use crate::explain::Explanation;
use crate::lang::fill;
use crate::pipeline::Run;

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

/// The grid of the ranked recommendation with every explanation column.
pub fn grid(run: &Run) -> Grid {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let year = run.data.catalogue.compare.as_ref().map(|c| c.year.to_string());

    let mut header: Vec<String> = [t.rank, t.knr, t.kommune, t.recommendation, t.per_1000]
        .into_iter()
        .map(String::from)
        .collect();
    header.extend(c.criteria.iter().map(|k| k.label.get(lang).to_string()));
    header.extend([t.bound_adjustment, t.rounding, t.bound].map(String::from));
    if let Some(y) = &year {
        header.push(fill(t.request_year, &[("year", y)]));
        header.push(fill(t.decision_year, &[("year", y)]));
    }
    let mut decimals = vec![Some(0), None, None, Some(0), Some(1)];
    decimals.extend(c.criteria.iter().map(|_| Some(1)));
    decimals.extend([Some(1), Some(2), None]);
    decimals.extend(year.iter().flat_map(|_| [Some(0), Some(0)]));

    let optional = |v: Option<f64>| match v {
        Some(v) => number(lang.num(v, 0), v),
        None => text(t.x_none),
    };
    let rows = run
        .ranked()
        .into_iter()
        .map(|e| {
            let mut row = vec![
                number(e.rank.to_string(), e.rank as f64),
                text(e.kommunenummer.clone()),
                text(e.kommune.clone()),
                number(lang.int(e.recommendation), e.recommendation as f64),
                number(lang.num(e.per_1000, 1), e.per_1000),
            ];
            row.extend(
                e.contributions
                    .iter()
                    .map(|k| number(lang.num(k.persons, 1), k.persons)),
            );
            row.push(number(lang.signed(e.bound_adjustment, 1), e.bound_adjustment));
            row.push(number(lang.signed(e.rounding, 2), e.rounding));
            row.push(text(acting_text(lang, e)));
            if year.is_some() {
                row.push(optional(e.previous.request));
                row.push(optional(e.previous.decision));
            }
            row
        })
        .collect();

    let total = |f: &dyn Fn(&Explanation) -> f64| run.explanations.iter().map(f).sum::<f64>();
    let seats: u64 = run.outcome.seats.iter().sum();
    let mut sum = vec![
        text(""),
        text(""),
        text(t.sum),
        number(lang.int(seats), seats as f64),
        text(""),
    ];
    for k in 0..c.criteria.len() {
        let v = total(&|e| e.contributions[k].persons);
        sum.push(number(lang.num(v, 1), v));
    }
    let adj = total(&|e| e.bound_adjustment);
    let rounding = total(&|e| e.rounding);
    sum.push(number(lang.signed(adj, 1), adj));
    sum.push(number(lang.signed(rounding, 2), rounding));
    sum.push(text(""));
    if year.is_some() {
        let optional_sum = |f: &dyn Fn(&Explanation) -> Option<f64>| {
            let values: Vec<f64> = run.explanations.iter().filter_map(f).collect();
            if values.is_empty() {
                text(t.x_none)
            } else {
                optional(Some(values.iter().sum()))
            }
        };
        sum.push(optional_sum(&|e| e.previous.request));
        sum.push(optional_sum(&|e| e.previous.decision));
    }
    Grid {
        header,
        rows,
        sum,
        decimals,
    }
}

/// The ranked recommendation for the terminal: heading, weights, the grid, and the notes.
pub fn render(run: &Run) -> String {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let g = grid(run);
    let mut out = heading(run);
    out.push('\n');
    let weights: Vec<String> = c
        .criteria
        .iter()
        .map(|k| format!("{} {}", k.label.get(lang), lang.num(k.weight, 2)))
        .collect();
    out.push_str(&format!("{}: {}\n", t.weights, weights.join(" · ")));
    out.push_str(&terminal(&g));
    out.push('\n');
    for line in notes(run) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A grid for the terminal: numbers right-aligned, the sum row last when it has any text.
pub fn terminal(g: &Grid) -> String {
    let mut table = Table::new();
    table
        .load_style(super::TABLE_STYLE)
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

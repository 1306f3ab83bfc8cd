//! The ranked table for the terminal.

use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::{acting_text, notes};
use crate::lang::fill;
use crate::pipeline::Run;

/// The ranked recommendation with every explanation column, a sum row and the notes.
pub fn render(run: &Run) -> String {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let year = run.data.catalogue.compare.as_ref().map(|c| c.year.to_string());

    let mut header: Vec<String> = vec![t.rank, t.knr, t.kommune, t.recommendation, t.per_1000]
        .into_iter()
        .map(String::from)
        .collect();
    header.extend(c.criteria.iter().map(|k| k.label.get(lang).to_string()));
    header.extend([t.bound_adjustment, t.rounding, t.bound].map(String::from));
    if let Some(y) = &year {
        header.push(fill(t.request_year, &[("year", y)]));
        header.push(fill(t.decision_year, &[("year", y)]));
    }

    let mut table = Table::new();
    table
        .load_style(super::TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.clone());
    let opt = |v: Option<f64>| v.map_or_else(|| t.x_none.to_string(), |v| lang.num(v, 0));
    for e in run.ranked() {
        let mut row = vec![
            e.rank.to_string(),
            e.kommunenummer.clone(),
            e.kommune.clone(),
            lang.int(e.recommendation),
            lang.num(e.per_1000, 1),
        ];
        row.extend(e.contributions.iter().map(|k| lang.num(k.persons, 1)));
        row.push(lang.signed(e.bound_adjustment, 1));
        row.push(lang.signed(e.rounding, 2));
        row.push(acting_text(lang, e));
        if year.is_some() {
            row.push(opt(e.previous.request));
            row.push(opt(e.previous.decision));
        }
        table.add_row(row);
    }
    let sum = |f: &dyn Fn(&crate::explain::Explanation) -> f64| run.explanations.iter().map(f).sum::<f64>();
    let mut total_row = vec![
        String::new(),
        String::new(),
        t.sum.to_string(),
        lang.int(run.outcome.seats.iter().sum()),
        String::new(),
    ];
    for k in 0..c.criteria.len() {
        total_row.push(lang.num(sum(&|e| e.contributions[k].persons), 1));
    }
    total_row.push(lang.signed(sum(&|e| e.bound_adjustment), 1));
    total_row.push(lang.signed(sum(&|e| e.rounding), 2));
    total_row.push(String::new());
    if year.is_some() {
        let opt_sum = |f: &dyn Fn(&crate::explain::Explanation) -> Option<f64>| {
            let values: Vec<f64> = run.explanations.iter().filter_map(f).collect();
            if values.is_empty() {
                t.x_none.to_string()
            } else {
                lang.num(values.iter().sum(), 0)
            }
        };
        total_row.push(opt_sum(&|e| e.previous.request));
        total_row.push(opt_sum(&|e| e.previous.decision));
    }
    table.add_row(total_row);
    for (k, _) in header.iter().enumerate() {
        if k != 1
            && k != 2
            && k != 5 + c.criteria.len() + 2
            && let Some(col) = table.column_mut(k)
        {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }

    let mut out = String::new();
    out.push_str(&fill(
        t.heading,
        &[
            ("year", &c.year.to_string()),
            ("total", &lang.int(c.total)),
            ("n", &run.data.register.len().to_string()),
            ("method", &method_text(c)),
        ],
    ));
    out.push('\n');
    let weights: Vec<String> = c
        .criteria
        .iter()
        .map(|k| format!("{} {}", k.label.get(lang), lang.num(k.weight, 2)))
        .collect();
    out.push_str(&format!("{}: {}\n", t.weights, weights.join(" · ")));
    out.push_str(&table.to_string());
    out.push('\n');
    for line in notes(run) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// "sainte-lague", or "sainte-lague, first divisor 1.4".
pub fn method_text(c: &crate::criteria::Criteria) -> String {
    match c.method {
        crate::apportion::Method::SainteLague { first_divisor } if first_divisor != crate::apportion::Ratio::ONE => {
            format!("sainte-lague {}", first_divisor)
        }
        m => m.name().to_string(),
    }
}

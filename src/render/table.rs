//! The ranked table: one grid of cells (text in the report's language, plus the number behind
//! it) that the terminal, Markdown, HTML and Excel renderers all draw.

use super::cells::{Grid, acting_text, heading, notes, number, terminal, text};
use crate::explain::Explanation;
use crate::lang::fill;
use crate::pipeline::Run;

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

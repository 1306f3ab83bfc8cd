//! The full explanation of one municipality: a view (heading, sentence, the criteria table, the
//! sums, and lines on bounds, margin and last year) that the text and HTML renderers draw.

use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde::Serialize;

use crate::bounds::Bound;
use crate::criteria::{Basis, Criterion, Reads};
use crate::data::IndicatorKind;
use crate::explain::{Explanation, Side, source_label};
use crate::lang::{Lang, fill};
use crate::pipeline::Run;

fn bound_text(lang: Lang, b: Option<Bound>, none: &str) -> String {
    match b {
        Some(b) => format!("{} ({})", lang.int(b.value), source_label(lang, b.source)),
        None => none.to_string(),
    }
}

/// How a criterion's raw value is shown: its decimals (none for a count) and its unit, if any.
pub fn value_format(run: &Run, k: &Criterion) -> (usize, Option<String>) {
    let first = k.reads.names().first().copied().unwrap_or_default();
    let ind = run.data.catalogue.indicator(first);
    // A series population-weighted is a rate per 1000 inhabitants.
    let per_1000 = matches!(k.reads, Reads::Series { .. }) && k.basis == Basis::PopulationWeighted;
    let decimals = if ind.is_some_and(|i| i.kind == IndicatorKind::Count) && !per_1000 {
        0
    } else {
        1
    };
    let unit = if per_1000 {
        Some("per 1000".to_string())
    } else {
        ind.and_then(|i| i.unit.clone())
    };
    (decimals, unit)
}

/// Everything behind one municipality's number, worded in the report's language.
#[derive(Serialize)]
pub struct View {
    pub heading: String,
    pub sentence: String,
    pub header: Vec<&'static str>,
    /// One row per criterion: label, weight, value, place, factor, share, contribution.
    pub rows: Vec<Vec<String>>,
    /// Sum of contributions, bound adjustment, rounding, recommendation.
    pub sums: Vec<(&'static str, String)>,
    /// Bounds, distance to them.
    pub bounds: Vec<String>,
    pub margin_title: &'static str,
    /// One more, one fewer.
    pub margin: Vec<String>,
    /// What the margin means.
    pub margin_note: &'static str,
    pub previous: Option<String>,
    /// What a criterion's power moved, one line per criterion with a power.
    pub power: Vec<String>,
}

pub fn view(run: &Run, e: &Explanation) -> View {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let n = run.data.register.len();
    let rows = c
        .criteria
        .iter()
        .zip(&e.contributions)
        .map(|(k, part)| {
            let value = match (&k.column, part.value) {
                (None, _) => t.x_none.to_string(),
                (Some(_), v) => {
                    let (decimals, unit) = value_format(run, k);
                    let unit = unit.map(|u| format!(" {u}")).unwrap_or_default();
                    let shown = v.map_or_else(|| t.x_none.to_string(), |v| format!("{}{unit}", lang.num(v, decimals)));
                    if part.filled {
                        format!("{shown} ({})", t.x_filled_mark)
                    } else {
                        shown
                    }
                }
            };
            vec![
                k.label.get(lang).to_string(),
                lang.num(k.weight, 2),
                value,
                part.rank.map_or_else(|| t.x_none.to_string(), |r| format!("{r}/{n}")),
                lang.num(part.factor, 3),
                lang.percent(part.share * 100.0, 2),
                lang.num(part.persons, 2),
            ]
        })
        .collect();
    let step = |template: &str, side: &Side, at_bound: &str, gain: bool| -> String {
        match side {
            Side::Possible(s) => fill(
                template,
                &[
                    ("change", &lang.num(s.share_change, 5)),
                    ("persons", &lang.num(s.persons, 2)),
                    (
                        "percent",
                        &s.percent_of_share
                            .map_or_else(|| t.x_none.to_string(), |p| lang.percent(p, 1)),
                    ),
                    ("who", s.counterpart.as_deref().unwrap_or(t.x_none)),
                ],
            ),
            Side::AtBound { bound: None } if !gain => t.x_lose_at_zero.to_string(),
            Side::AtBound { bound } => fill(at_bound, &[("bound", &bound_text(lang, *bound, t.x_no_lower))]),
            Side::NoCounterpart => t.x_no_counterpart.to_string(),
        }
    };
    let previous = e.previous.year.map(|year| {
        let v = |x: Option<f64>| x.map_or_else(|| t.x_none.to_string(), |x| lang.num(x, 0));
        fill(
            t.x_previous,
            &[
                ("year", &year.to_string()),
                ("request", &v(e.previous.request)),
                ("decision", &v(e.previous.decision)),
                ("settled", &v(e.previous.settled)),
            ],
        )
    });
    View {
        heading: fill(
            t.x_heading,
            &[
                ("kommune", &e.kommune),
                ("knr", &e.kommunenummer),
                ("a", &lang.int(e.recommendation)),
                ("year", &c.year.to_string()),
            ],
        ),
        sentence: e.sentence.clone(),
        header: vec![
            t.x_criterion,
            t.x_weight,
            t.x_value,
            t.x_place,
            t.x_factor,
            t.x_share,
            t.x_contribution,
        ],
        rows,
        sums: vec![
            (t.x_sum_contributions, lang.num(e.unbounded_quota, 2)),
            (t.x_bound_adjustment, lang.signed(e.bound_adjustment, 2)),
            (t.x_rounding, lang.signed(e.rounding, 2)),
            (t.x_recommendation, lang.int(e.recommendation)),
        ],
        bounds: vec![
            fill(
                t.x_bounds,
                &[
                    ("lower", &bound_text(lang, e.lower_bound, t.x_no_lower)),
                    ("upper", &bound_text(lang, e.upper_bound, t.x_no_upper)),
                ],
            ),
            match e.below_upper {
                Some(below) => fill(
                    t.x_distance,
                    &[("above", &lang.int(e.above_lower)), ("below", &lang.int(below))],
                ),
                None => fill(t.x_distance_no_upper, &[("above", &lang.int(e.above_lower))]),
            },
        ],
        margin_title: t.x_margin,
        margin: vec![
            step(t.x_gain, &e.margin.gain, t.x_gain_at_bound, true),
            step(t.x_lose, &e.margin.lose, t.x_lose_at_bound, false),
        ],
        margin_note: t.x_margin_note,
        previous,
        power: c
            .criteria
            .iter()
            .zip(&e.contributions)
            .filter_map(|(k, part)| {
                Some(fill(
                    t.x_power,
                    &[
                        ("criterion", k.label.get(lang)),
                        ("power", &lang.num(k.power, 2)),
                        ("persons", &lang.num(part.persons, 1)),
                        ("share", &lang.percent(part.share * 100.0, 2)),
                        ("plain_persons", &lang.num(part.plain_persons?, 1)),
                        ("plain_share", &lang.percent(part.plain_share? * 100.0, 2)),
                    ],
                ))
            })
            .collect(),
    }
}

/// The explanation as text for the terminal.
pub fn render(run: &Run, e: &Explanation) -> String {
    let v = view(run, e);
    let mut out = format!("{}\n{}\n\n", v.heading, v.sentence);
    let mut table = Table::new();
    table
        .load_style(super::cells::TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(v.header.clone());
    for row in &v.rows {
        table.add_row(row.clone());
    }
    for (label, value) in &v.sums {
        let mut row = vec![label.to_string()];
        row.extend(std::iter::repeat_n(String::new(), v.header.len() - 2));
        row.push(value.clone());
        table.add_row(row);
    }
    for k in 1..v.header.len() {
        if let Some(col) = table.column_mut(k) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push_str(&table.to_string());
    out.push_str("\n\n");
    for line in &v.bounds {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("{}:\n", v.margin_title));
    for line in &v.margin {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!("  ({})\n", v.margin_note));
    for line in &v.power {
        out.push_str(line);
        out.push('\n');
    }
    if let Some(p) = &v.previous {
        out.push_str(p);
        out.push('\n');
    }
    out
}

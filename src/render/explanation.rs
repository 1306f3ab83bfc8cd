//! The full explanation of one municipality, as text.

use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::bounds::Bound;
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

/// Everything behind one municipality's number.
pub fn render(run: &Run, e: &Explanation) -> String {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let mut out = String::new();
    out.push_str(&fill(
        t.x_heading,
        &[
            ("kommune", &e.kommune),
            ("knr", &e.kommunenummer),
            ("a", &lang.int(e.recommendation)),
            ("year", &c.year.to_string()),
        ],
    ));
    out.push('\n');
    out.push_str(&e.sentence);
    out.push_str("\n\n");

    let mut table = Table::new();
    table
        .load_style(super::TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec![
            t.x_criterion,
            t.x_weight,
            t.x_value,
            t.x_place,
            t.x_factor,
            t.x_share,
            t.x_contribution,
        ]);
    let n = run.data.register.len();
    for (k, part) in c.criteria.iter().zip(&e.contributions) {
        let value = match (&k.column, part.value) {
            (None, _) => t.x_none.to_string(),
            (Some(col), v) => {
                let ind = run.data.catalogue.indicator(&col.value);
                let decimals = if ind.is_some_and(|i| i.kind == IndicatorKind::Count) {
                    0
                } else {
                    1
                };
                let unit = ind
                    .and_then(|i| i.unit.as_deref())
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default();
                let shown = v.map_or_else(|| t.x_none.to_string(), |v| format!("{}{unit}", lang.num(v, decimals)));
                if part.filled {
                    format!("{shown} ({})", t.x_filled_mark)
                } else {
                    shown
                }
            }
        };
        table.add_row(vec![
            k.label.get(lang).to_string(),
            lang.num(k.weight, 2),
            value,
            part.rank.map_or_else(|| t.x_none.to_string(), |r| format!("{r}/{n}")),
            lang.num(part.factor, 3),
            lang.percent(part.share * 100.0, 2),
            lang.num(part.persons, 2),
        ]);
    }
    let sum_row = |label: &str, value: String| {
        vec![
            label.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            value,
        ]
    };
    table.add_row(sum_row(t.x_sum_contributions, lang.num(e.unbounded_quota, 2)));
    table.add_row(sum_row(t.x_bound_adjustment, lang.signed(e.bound_adjustment, 2)));
    table.add_row(sum_row(t.x_rounding, lang.signed(e.rounding, 2)));
    table.add_row(sum_row(t.x_recommendation, lang.int(e.recommendation)));
    for k in 1..7 {
        if let Some(col) = table.column_mut(k) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push_str(&table.to_string());
    out.push_str("\n\n");

    out.push_str(&fill(
        t.x_bounds,
        &[
            ("lower", &bound_text(lang, e.lower_bound, t.x_no_lower)),
            ("upper", &bound_text(lang, e.upper_bound, t.x_no_upper)),
        ],
    ));
    out.push('\n');
    out.push_str(&match e.below_upper {
        Some(below) => fill(
            t.x_distance,
            &[("above", &lang.int(e.above_lower)), ("below", &lang.int(below))],
        ),
        None => fill(t.x_distance_no_upper, &[("above", &lang.int(e.above_lower))]),
    });
    out.push('\n');

    out.push_str(&format!("{}:\n", t.x_margin));
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
    out.push_str(&format!(
        "  {}\n",
        step(t.x_gain, &e.margin.gain, t.x_gain_at_bound, true)
    ));
    out.push_str(&format!(
        "  {}\n",
        step(t.x_lose, &e.margin.lose, t.x_lose_at_bound, false)
    ));
    out.push_str(&format!("  ({})\n", t.x_margin_note));
    if let Some(year) = e.previous.year {
        let v = |x: Option<f64>| x.map_or_else(|| t.x_none.to_string(), |x| lang.num(x, 0));
        out.push_str(&fill(
            t.x_previous,
            &[
                ("year", &year.to_string()),
                ("request", &v(e.previous.request)),
                ("decision", &v(e.previous.decision)),
                ("settled", &v(e.previous.settled)),
            ],
        ));
        out.push('\n');
    }
    out
}

//! `report.html`: one self-contained page (inline CSS, SVG and a few lines of JavaScript; no
//! external requests) with the summary, the sortable ranked table, the charts, every
//! municipality's explanation, the data provenance and the run's inputs with their SHA-256.
//! Every text from the data and the criteria file is HTML-escaped by the template engine.

use crate::names::Named;
use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::cells::notes;
use super::charts::Chart;
use super::{explanation, table};
use crate::lang::fill;
use crate::pipeline::Run;
use crate::robust::Sensitivity;

const TEMPLATE: &str = include_str!("report.html");

#[derive(Serialize)]
struct CriterionRow {
    label: String,
    weight: String,
    basis: &'static str,
    indicator: String,
}

#[derive(Serialize)]
struct Change {
    kommune: String,
    previous: String,
    now: String,
    change: String,
}

#[derive(Serialize)]
struct ChartView<'a> {
    id: String,
    title: &'a str,
    svg: &'a str,
}

/// Any serde value as a template value.
fn ser<T: Serialize>(value: T) -> Value {
    Value::from(Serde(value))
}

/// Renders the page.
pub fn render(
    run: &Run,
    charts: &[Chart],
    robust: Option<(&Sensitivity, &[Chart])>,
    backtest: Option<(&crate::backtest::Backtest, Option<&Chart>)>,
) -> Result<Vec<u8>, minijinja::Error> {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let cat = &run.data.catalogue;
    let texts: BTreeMap<&str, &str> = t.entries().into_iter().collect();
    let year = c.year.to_string();

    let summary = vec![
        (t.h_total, lang.int(c.total)),
        (t.h_municipalities_count, run.data.register.len().to_string()),
        (t.h_method, super::cells::method_text(c)),
    ];
    let criteria: Vec<CriterionRow> = c
        .criteria
        .iter()
        .map(|k| CriterionRow {
            label: k.label.get(lang).to_string(),
            weight: lang.num(k.weight, 2),
            basis: k.basis.name(),
            indicator: k
                .reads
                .shown()
                .map(|shown| match &k.reads {
                    crate::criteria::Reads::Indicator(name) => {
                        cat.indicator(name).map_or(shown, |i| i.label.get(lang).to_string())
                    }
                    _ => shown,
                })
                .unwrap_or_default(),
        })
        .collect();
    let b = &c.bounds;
    let mut bounds = Vec::new();
    if b.minimum > 0 {
        bounds.push(format!("{}: {}", t.src_minimum, lang.int(b.minimum)));
    }
    if let Some(m) = &b.minimum_if_asked {
        bounds.push(format!("{}: {}", t.h_minimum_if_asked, lang.int(m.value)));
    }
    if let Some(cap) = &b.capacity {
        bounds.push(format!("{}: {}", t.src_capacity, cap.value));
    }
    if let Some(p) = b.per_1000_cap {
        bounds.push(format!("{}: {}", t.src_per_1000_cap, lang.num(p, 1)));
    }

    // What changed since IMDi's latest request.
    let previous_year = cat.compare.as_ref().map(|c| c.year.to_string());
    let with_previous: Vec<_> = run
        .explanations
        .iter()
        .filter_map(|e| e.previous.request.map(|r| (e, r)))
        .collect();
    let changes = previous_year.as_ref().filter(|_| !with_previous.is_empty()).map(|py| {
        let previous_total: f64 = with_previous.iter().map(|(_, r)| r).sum();
        let mut moved: Vec<_> = with_previous
            .iter()
            .map(|&(e, r)| (e, r, e.recommendation as f64 - r))
            .collect();
        moved.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.kommunenummer.cmp(&b.0.kommunenummer)));
        let row = |&(e, r, d): &(&crate::explain::Explanation, f64, f64)| Change {
            kommune: e.kommune.clone(),
            previous: lang.num(r, 0),
            now: lang.int(e.recommendation),
            change: lang.signed(d, 0),
        };
        let up: Vec<Change> = moved.iter().filter(|m| m.2 > 0.0).take(5).map(row).collect();
        let down: Vec<Change> = moved.iter().rev().filter(|m| m.2 < 0.0).take(5).map(row).collect();
        context! {
            title => fill(t.h_changes, &[("previous", py)]),
            text => fill(t.h_change_total, &[
                ("total", &lang.int(c.total)),
                ("previous_total", &lang.num(previous_total, 0)),
                ("previous", py),
            ]),
            up => ser(&up),
            down => ser(&down),
        }
    });

    let grid = table::grid(run);
    let sections: Vec<_> = run
        .ranked()
        .into_iter()
        .map(|e| context! { id => format!("k{}", e.kommunenummer), view => ser(explanation::view(run, e)) })
        .collect();
    let provenance = super::cells::provenance(run);
    let inputs = super::cells::inputs(run);
    let views = |charts: &'_ [Chart]| -> Vec<Value> {
        charts
            .iter()
            .map(|ch| {
                ser(ChartView {
                    id: format!("chart-{}", ch.name),
                    title: &ch.title,
                    svg: &ch.svg,
                })
            })
            .collect()
    };
    let robust = robust.map(|(s, charts)| {
        let g = super::robust::grid(run, s);
        context! {
            heading => super::robust::heading(run, s),
            notes => super::robust::notes(run, s),
            header => g.header,
            numeric => g.decimals.iter().map(Option::is_some).collect::<Vec<_>>(),
            rows => ser(&g.rows),
            charts => views(charts),
        }
    });
    let backtest = backtest.map(|(b, chart)| {
        let g = super::backtest::grid(lang, b);
        let ids: Vec<String> = c.criteria.iter().map(|k| k.id.clone()).collect();
        let mut notes: Vec<String> = super::backtest::verdict(lang, b).into_iter().collect();
        notes.extend(super::backtest::notes(lang, b, &ids));
        notes.push(super::backtest::rule(lang, b.target));
        context! {
            heading => t.h_backtest,
            notes => notes,
            header => g.header,
            numeric => g.decimals.iter().map(Option::is_some).collect::<Vec<_>>(),
            rows => ser(&g.rows),
            sum => ser(&g.sum),
            charts => views(chart.map(std::slice::from_ref).unwrap_or_default()),
        }
    });
    let charts = views(charts);

    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let page = env.get_template("report.html")?.render(context! {
        lang => ser(lang),
        t => ser(&texts),
        title => fill(t.h_title, &[("year", &year)]),
        subtitle => c.title.clone(),
        heading => super::cells::heading(run),
        summary => ser(&summary),
        criteria => ser(&criteria),
        bounds => ser(&bounds),
        changes => changes,
        header => ser(&grid.header),
        numeric => ser(grid.decimals.iter().map(Option::is_some).collect::<Vec<_>>()),
        rows => ser(&grid.rows),
        sum => ser(&grid.sum),
        notes => ser(notes(run)),
        charts => charts,
        robust => robust,
        backtest => backtest,
        sections => ser(&sections),
        provenance => ser(&provenance),
        inputs => ser(&inputs),
        criteria_file => fill(t.h_criteria_file, &[("file", &c.file.name)]),
        criteria_text => c.file.text.to_string(),
        source => fill(t.c_source, &[("sources", &super::charts::sources(run))]),
        made_by => fill(t.h_made_by, &[("version", env!("CARGO_PKG_VERSION"))]),
    })?;
    Ok(page.into_bytes())
}

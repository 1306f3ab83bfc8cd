//! Renderers: pure functions from a finished [`Run`](crate::pipeline::Run) to text or bytes.
//! Writing them anywhere is [`crate::output`]'s job.

pub mod backtest;
pub mod categories;
pub mod charts;
pub mod csv;
pub mod explanation;
pub mod html;
pub mod json;
pub mod markdown;
pub mod robust;
pub mod table;
pub mod xlsx;

use comfy_table::{LineStyle, TableStyle};

use crate::allocate::Acting;
use crate::explain::{Explanation, source_label};
use crate::lang::{Lang, fill};
use crate::pipeline::Run;
use crate::robust::Sensitivity;

/// The set `recommend` writes: the table as CSV and JSON, and the manifest.
pub fn recommendation_set(run: &Run, sensitivity: Option<crate::robust::Settings>) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("recommendation.csv".to_string(), csv::render(run)),
        ("recommendation.json".to_string(), json::render(run)),
    ];
    crate::manifest::seal(files, crate::manifest::Manifest::of(run, sensitivity))
}

/// Every file of a report set, rendered in memory: the tables (CSV, JSON, Markdown, Excel),
/// the HTML report, each chart as SVG and PNG, and the manifest that fingerprints them all.
pub fn report_set(
    run: &Run,
    charts: &[charts::Chart],
    robust: Option<(&Sensitivity, &[charts::Chart])>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let backtest = backtest::of_run(run);
    let backtest_chart = match &backtest {
        Some(b) => charts::backtest(run.lang, &run.criteria, &run.data, b)?,
        None => None,
    };
    let mut files = vec![
        ("recommendation.csv".to_string(), csv::render(run)),
        ("recommendation.json".to_string(), json::render(run)),
        ("recommendation.md".to_string(), markdown::render(run)),
        (
            "recommendation.xlsx".to_string(),
            xlsx::render(run).map_err(|e| format!("the spreadsheet: {e}"))?,
        ),
        (
            "report.html".to_string(),
            html::render(
                run,
                charts,
                robust,
                backtest.as_ref().map(|b| (b, backtest_chart.as_ref())),
            )
            .map_err(|e| format!("report.html: {e}"))?,
        ),
    ];
    if let Some(b) = &backtest {
        let ids: Vec<String> = run.criteria.criteria.iter().map(|c| c.id.clone()).collect();
        files.push((
            "backtest.csv".to_string(),
            backtest::csv(b).map_err(|e| format!("backtest.csv: {e}"))?,
        ));
        files.push((
            "backtest.json".to_string(),
            backtest::json(b, &run.criteria.file.name, &ids, &run.data.register)
                .map_err(|e| format!("backtest.json: {e}"))?,
        ));
    }

    let mut all: Vec<&charts::Chart> = charts.iter().collect();
    all.extend(&backtest_chart);
    if let Some((s, extra)) = robust {
        files.push(("sensitivity.json".to_string(), robust::json(s)));
        files.push(("sensitivity.csv".to_string(), robust::csv(s)));
        files.push(("sensitivity.md".to_string(), robust::markdown(run, s)));
        all.extend(extra);
    }
    for c in all {
        files.push((format!("chart-{}.svg", c.name), c.svg.clone().into_bytes()));
        files.push((format!("chart-{}.png", c.name), c.png.clone()));
    }
    let manifest = crate::manifest::Manifest::of(run, robust.map(|(s, _)| s.settings));
    Ok(crate::manifest::seal(files, manifest))
}

/// Terminal tables: a rule above, below and under the header; none between rows.
pub const TABLE_STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

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

//! Renderers: pure functions from a finished [`Run`](crate::pipeline::Run) to text or bytes.
//! Writing them anywhere is [`crate::output`]'s job.

pub mod backtest;
pub mod categories;
pub mod cells;
pub mod charts;
pub mod csv;
pub mod explanation;
pub mod html;
pub mod json;
pub mod letter;
pub mod markdown;
pub mod robust;
pub mod table;
pub mod xlsx;

use crate::pipeline::Run;
use crate::robust::Sensitivity;
pub use cells::Error;

/// The set `recommend` writes: the table as CSV and JSON, and the manifest.
pub fn recommendation_set(
    run: &Run,
    sensitivity: Option<crate::robust::Settings>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let files = vec![
        ("recommendation.csv".to_string(), csv::render(run)?),
        ("recommendation.json".to_string(), json::render(run)?),
    ];
    crate::manifest::seal(files, crate::manifest::Manifest::of(run, sensitivity))
}

/// Every file of a report set, rendered in memory: the tables (CSV, JSON, Markdown, Excel),
/// the HTML report, each chart as SVG and PNG, and the manifest that fingerprints them all.
pub fn report_set(
    run: &Run,
    charts: &[charts::Chart],
    robust: Option<(&Sensitivity, &[charts::Chart])>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let backtest = backtest::of_run(run);
    let backtest_chart = match &backtest {
        Some(b) => charts::backtest(run.lang, &run.criteria, &run.data, b)?,
        None => None,
    };
    let mut files = vec![
        ("recommendation.csv".to_string(), csv::render(run)?),
        ("recommendation.json".to_string(), json::render(run)?),
        ("recommendation.md".to_string(), markdown::render(run)),
        (
            "recommendation.xlsx".to_string(),
            xlsx::render(run).map_err(|e| Error::new("recommendation.xlsx", e))?,
        ),
        (
            "report.html".to_string(),
            html::render(
                run,
                charts,
                robust,
                backtest.as_ref().map(|b| (b, backtest_chart.as_ref())),
            )
            .map_err(|e| Error::new("report.html", e))?,
        ),
    ];
    if let Some(b) = &backtest {
        let ids: Vec<String> = run.criteria.criteria.iter().map(|c| c.id.clone()).collect();
        files.push((
            "backtest.csv".to_string(),
            backtest::csv(b).map_err(|e| Error::new("backtest.csv", e))?,
        ));
        files.push((
            "backtest.json".to_string(),
            backtest::json(b, &run.criteria.file.name, &ids, &run.data.register)
                .map_err(|e| Error::new("backtest.json", e))?,
        ));
    }

    let mut all: Vec<&charts::Chart> = charts.iter().collect();
    all.extend(&backtest_chart);
    if let Some((s, extra)) = robust {
        files.push(("sensitivity.json".to_string(), robust::json(s)?));
        files.push(("sensitivity.csv".to_string(), robust::csv(s)?));
        files.push(("sensitivity.md".to_string(), robust::markdown(run, s)));
        all.extend(extra);
    }
    for c in all {
        files.push((format!("chart-{}.svg", c.name), c.svg.clone().into_bytes()));
        files.push((format!("chart-{}.png", c.name), c.png.clone()));
    }
    let manifest = crate::manifest::Manifest::of(run, robust.map(|(s, _)| s.settings));
    crate::manifest::seal(files, manifest)
}

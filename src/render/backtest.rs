//! The backtest as a table, notes, CSV and JSON (the chart is in `charts`).

use serde::Serialize;

use crate::backtest::{self, Backtest, Baseline, Options, Target};
use crate::data::Register;
use crate::lang::{Lang, fill};
use crate::render::cells::{Grid, number, optional, text};

/// The report's backtest: the file as written (no fitting) against IMDi's requests over every
/// year the history can test, when it can be made for at least one year.
pub fn of_run(run: &crate::pipeline::Run) -> Option<Backtest> {
    let opts = Options {
        from: None,
        to: None,
        target: Target::Request,
        fit: false,
    };
    backtest::run(&run.criteria, &run.data, None, &opts)
        .ok()
        .filter(|b| b.years.iter().any(|y| y.file.is_ok()))
}

/// A baseline's name in the report's language.
pub fn baseline_label(lang: Lang, b: Baseline) -> &'static str {
    let t = lang.texts();
    match b {
        Baseline::LastRequest => t.bt_last_request,
        Baseline::LastDecision => t.bt_last_decision,
        Baseline::Population => t.bt_population,
        Baseline::Equal => t.bt_equal,
    }
}

/// How the backtest made each year, in a sentence or two.
pub fn rule(lang: Lang, target: Target) -> String {
    let t = lang.texts();
    let total = match target {
        Target::Request => t.bt_total_request,
        Target::Decision => t.bt_total_decision,
    };
    fill(t.bt_rule, &[("total", total)])
}

pub fn target_label(lang: Lang, target: Target) -> &'static str {
    let t = lang.texts();
    match target {
        Target::Request => t.bt_target_request,
        Target::Decision => t.bt_target_decision,
    }
}

/// One row per year: the total, the file's error (persons, % of the mean, share within ±5) and
/// each baseline's error in persons; a last row sums the errors over the years the file made.
pub fn grid(lang: Lang, b: &Backtest) -> Grid {
    let t = lang.texts();
    let mut header: Vec<String> = [t.hi_year, t.bt_total, t.bt_file, t.bt_percent, t.bt_within]
        .map(String::from)
        .to_vec();
    header.extend(Baseline::EVERY.iter().map(|&k| baseline_label(lang, k).to_string()));
    let mut decimals = vec![None, Some(0), Some(1), Some(0), Some(0)];
    decimals.extend([Some(1); 4]);
    let rows = b
        .years
        .iter()
        .map(|y| {
            let f = y.file.as_ref().ok();
            let mut row = vec![
                text(y.year.to_string()),
                number(lang.int(y.total), y.total as f64),
                optional(lang, f.map(|f| f.score.mae), 1),
                optional(lang, f.map(|f| f.score.mae_percent), 0),
                match f {
                    Some(f) => number(lang.percent(100.0 * f.score.within_5, 0), f.score.within_5),
                    None => text(t.x_none),
                },
            ];
            row.extend(y.baselines.iter().map(|s| optional(lang, s.as_ref().map(|s| s.mae), 1)));
            row
        })
        .collect();
    let made: Vec<_> = b.years.iter().filter(|y| backtest::counts(y, b.fit)).collect();
    let mut sum = vec![
        text(t.bt_sum),
        text(""),
        optional(
            lang,
            Some(
                made.iter()
                    .filter_map(|y| y.file.as_ref().ok())
                    .map(|f| f.score.mae)
                    .sum(),
            ),
            1,
        ),
        text(""),
        text(""),
    ];
    sum.extend((0..Baseline::EVERY.len()).map(|k| {
        optional(
            lang,
            made.iter().map(|y| y.baselines[k].as_ref().map(|s| s.mae)).sum(),
            1,
        )
    }));
    Grid {
        header,
        rows,
        sum,
        decimals,
    }
}

/// The verdict line, when the file was made for at least one year.
pub fn verdict(lang: Lang, b: &Backtest) -> Option<String> {
    let t = lang.texts();
    let v = b.verdict.as_ref()?;
    let diff = v.best_sum - v.file_sum;
    let template = if diff >= 0.0 {
        t.bt_verdict_won
    } else {
        t.bt_verdict_lost
    };
    Some(fill(
        template,
        &[
            ("best", baseline_label(lang, v.best)),
            ("wins", &v.wins.to_string()),
            ("years", &v.years.to_string()),
            ("file_sum", &lang.num(v.file_sum, 1)),
            ("best_sum", &lang.num(v.best_sum, 1)),
            ("diff", &lang.num(diff.abs(), 1)),
        ],
    ))
}

fn weights_text(lang: Lang, ids: &[String], weights: &[f64]) -> String {
    ids.iter()
        .zip(weights)
        .map(|(id, w)| format!("{id} {}", lang.num(*w, 2)))
        .collect::<Vec<String>>()
        .join(" · ")
}

/// With fitting: the weights for the file's own year, fitted on every earlier year.
pub fn next(lang: Lang, b: &Backtest, ids: &[String], year: i64) -> Option<String> {
    let (weights, years) = b.next.as_ref()?;
    let years: Vec<String> = years.iter().map(i64::to_string).collect();
    Some(fill(
        lang.texts().bt_next,
        &[
            ("year", &year.to_string()),
            ("years", &lang.list(&years)),
            ("weights", &weights_text(lang, ids, weights)),
        ],
    ))
}

/// Notes per year: what was left out or dropped, the fitted weights, why a year could not be
/// made, and the largest misses.
pub fn notes(lang: Lang, b: &Backtest, ids: &[String]) -> Vec<String> {
    let t = lang.texts();
    let mut out: Vec<String> = b
        .undated
        .iter()
        .map(|(id, name)| fill(t.bt_undated, &[("criterion", id), ("column", name)]))
        .collect();
    for y in &b.years {
        let year = y.year.to_string();
        let f = match &y.file {
            Ok(f) => f,
            Err(reason) => {
                out.push(fill(t.bt_skipped, &[("year", &year), ("reason", reason)]));
                continue;
            }
        };
        for (id, from) in &f.left_out {
            out.push(fill(
                t.bt_left_out,
                &[("year", &year), ("criterion", id), ("from", &from.to_string())],
            ));
        }
        if let Some((column, from)) = &f.capacity_dropped {
            out.push(fill(
                t.bt_capacity_dropped,
                &[("year", &year), ("column", column), ("from", &from.to_string())],
            ));
        }
        if b.fit {
            if let Some(reason) = &f.not_fitted {
                out.push(fill(t.bt_not_fitted_because, &[("year", &year), ("reason", reason)]));
            } else if f.fitted_on.is_empty() {
                out.push(fill(t.bt_not_fitted, &[("year", &year)]));
            } else {
                let years: Vec<String> = f.fitted_on.iter().map(i64::to_string).collect();
                out.push(fill(
                    t.bt_fitted,
                    &[
                        ("year", &year),
                        ("years", &lang.list(&years)),
                        ("weights", &weights_text(lang, ids, &f.weights)),
                    ],
                ));
            }
        }
        let misses: Vec<String> = f
            .misses
            .iter()
            .map(|m| {
                fill(
                    t.bt_miss,
                    &[
                        ("kommune", &m.kommune),
                        ("predicted", &lang.num(m.predicted, 0)),
                        ("actual", &lang.num(m.actual, 0)),
                    ],
                )
            })
            .collect();
        if !misses.is_empty() {
            out.push(fill(t.bt_misses, &[("year", &year), ("list", &misses.join(", "))]));
        }
    }
    out
}

/// `backtest.csv`: one row per year and predictor (the file, then each baseline).
pub fn csv(b: &Backtest) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "year",
        "total",
        "predictor",
        "mae",
        "mae_percent",
        "within_5",
        "compared",
        "note",
    ])?;
    for y in &b.years {
        let mut row = |predictor: &str, s: Option<&crate::backtest::Score>, note: &str| {
            let n = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
            w.write_record([
                y.year.to_string(),
                y.total.to_string(),
                predictor.to_string(),
                n(s.map(|s| s.mae)),
                n(s.map(|s| s.mae_percent)),
                n(s.map(|s| s.within_5)),
                s.map(|s| s.compared.to_string()).unwrap_or_default(),
                crate::render::cells::neutral(note),
            ])
        };
        match &y.file {
            Ok(f) => row("file", Some(&f.score), "")?,
            Err(reason) => row("file", None, reason)?,
        }
        for (k, s) in Baseline::EVERY.iter().zip(&y.baselines) {
            row(k.name(), s.as_ref(), "")?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[derive(Serialize)]
struct Document<'a> {
    criteria: &'a str,
    criteria_ids: &'a [String],
    kommunenummer: Vec<&'a str>,
    #[serde(flatten)]
    backtest: &'a Backtest,
}

/// `backtest.json`: every figure, with the municipalities in register order.
pub fn json(
    b: &Backtest,
    criteria_file: &str,
    ids: &[String],
    register: &Register,
) -> Result<Vec<u8>, serde_json::Error> {
    let doc = Document {
        criteria: criteria_file,
        criteria_ids: ids,
        kommunenummer: register.municipalities.iter().map(|m| m.knr.as_str()).collect(),
        backtest: b,
    };
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

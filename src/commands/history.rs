//! `busetting history [kommune]`: the series by year, for the county or one municipality.

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::commands::{Failure, Output, report};
use crate::diag::Diag;
use crate::history::{self, Figures, Year};
use crate::lang::{Lang, fill};
use crate::pipeline::{self, Run};
use crate::render::cells::{Grid, number, optional, terminal, text, year_heads};
use crate::{output, render};

/// One row per year: the figures, the decision as a share of the request, and for the county
/// the agreement across municipalities.
fn grid(run: &Run, years: &[Year], municipality: Option<usize>) -> Grid {
    let lang = run.lang;
    let t = lang.texts();
    let mut header: Vec<String> = year_heads(lang).map(String::from).to_vec();
    let mut decimals = vec![None, Some(0), Some(0), Some(0), Some(0), Some(2)];
    if municipality.is_none() {
        header.extend([t.hi_mad, t.hi_met, t.hi_mad_rec].map(String::from));
        decimals.extend([Some(1), Some(0), Some(1)]);
    }
    let rows = years
        .iter()
        .map(|y| {
            let f: &Figures = match municipality {
                Some(i) => &y.municipalities[i],
                None => &y.county,
            };
            let mut row = vec![
                text(y.year.to_string()),
                optional(lang, f.recommendation, 0),
                optional(lang, f.request, 0),
                optional(lang, f.decision, 0),
                optional(lang, f.settled, 0),
                optional(lang, f.decision_ratio(), 2),
            ];
            if municipality.is_none() {
                row.push(optional(lang, y.mad_decision_request, 1));
                row.push(match y.met_request {
                    Some(m) => number(lang.percent(100.0 * m, 0), m),
                    None => text(t.x_none),
                });
                row.push(optional(lang, y.mad_decision_recommendation, 1));
            }
            row
        })
        .collect();
    Grid {
        header,
        rows,
        sum: Vec::new(),
        decimals,
    }
}

/// `history.csv`: every municipality and year, plain numbers.
fn csv(run: &Run, years: &[Year]) -> Result<Vec<u8>, crate::render::cells::Error> {
    let mut records = vec![
        [
            "year",
            "kommunenummer",
            "kommune",
            "recommendation",
            "request",
            "decision",
            "settled",
            "decision_to_request",
        ]
        .map(String::from),
    ];
    let n = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    for y in years {
        for (f, m) in y.municipalities.iter().zip(&run.data.register.municipalities) {
            records.push([
                y.year.to_string(),
                m.knr.clone(),
                m.name.clone(),
                n(f.recommendation),
                n(f.request),
                n(f.decision),
                n(f.settled),
                n(f.decision_ratio()),
            ]);
        }
    }
    crate::render::cells::csv_bytes("history.csv", records)
}

pub fn run(args: &HistoryArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&(&args.inputs).into(), lang)?;
    let t = lang.texts();
    let municipality = match &args.kommune {
        None => None,
        Some(q) => Some(run.data.register.find(q).map_err(|close| {
            Failure::from(
                Diag::error(
                    "history::kommune",
                    format!("`{q}` is not a municipality in {}", run.data.register.file.name),
                )
                .help(if close.is_empty() {
                    "give the kommunenummer or the name".to_string()
                } else {
                    format!("did you mean {}?", crate::suggest::or_list(&close))
                }),
            )
        })?),
    };
    let mut recommended = history::published(&args.out);
    let (year, numbers) = render::charts::current(&run);
    recommended.insert(year, numbers);
    let years = history::series(&run.data, &recommended);
    let place = match municipality {
        Some(i) => run.data.register.municipalities[i].label(),
        None => render::charts::place(&run),
    };
    let stdout = match args.format {
        HistoryFormat::Csv => csv(&run, &years)?,
        HistoryFormat::Table => {
            let mut out = fill(t.hi_heading, &[("place", &place)]) + "\n";
            out.push_str(&terminal(&grid(&run, &years, municipality)));
            out.push('\n');
            let pick = |y: &Year| match municipality {
                Some(i) => y.municipalities[i].clone(),
                None => y.county.clone(),
            };
            // The mean over years of |decision − request| for this place.
            let diffs: Vec<(i64, f64)> = years
                .iter()
                .filter_map(|y| {
                    let f = pick(y);
                    Some((y.year, (f.decision? - f.request?).abs()))
                })
                .collect();
            if let (Some(first), Some(last)) = (diffs.first(), diffs.last()) {
                let mad = diffs.iter().map(|d| d.1).sum::<f64>() / diffs.len() as f64;
                out.push_str(&fill(
                    t.hi_summary,
                    &[
                        ("place", &place),
                        ("mad", &lang.num(mad, 1)),
                        ("from", &first.0.to_string()),
                        ("to", &last.0.to_string()),
                    ],
                ));
                out.push('\n');
            }
            for y in years.iter().filter(|y| y.note.is_some()) {
                out.push_str(&fill(
                    t.hi_note,
                    &[("year", &y.year.to_string()), ("note", y.note.as_deref().unwrap_or(""))],
                ));
                out.push('\n');
            }
            out.into_bytes()
        }
    };
    let stderr = if args.no_write {
        String::new()
    } else {
        let mut files = vec![("history.csv".to_string(), csv(&run, &years)?)];
        let chart = render::charts::history(&run, &years, municipality)?;
        if let Some(c) = chart {
            let stem = match municipality {
                Some(i) => format!("chart-history-{}", run.data.register.municipalities[i].knr),
                None => "chart-history".to_string(),
            };
            files.push((format!("{stem}.svg"), c.svg.into_bytes()));
            files.push((format!("{stem}.png"), c.png));
        }
        // Analyses are not part of the published set in <out>/<year>/: they have a folder of their own.
        let dir = args
            .out
            .join(crate::output::ANALYSES)
            .join(run.criteria.year.to_string());
        report::wrote(lang, &output::write_set(&dir, &files)?)
    };
    Ok(Output { stdout, stderr })
}

//! `busetting compare A.toml B.toml …`: the same data under several criteria files (docs/model.md §8).

use std::path::Path;

use crate::cli::{CompareArgs, CompareFormat};
use crate::commands::{Failure, Output, report};
use crate::diag::Diags;
use crate::explain::Explanation;
use crate::lang::{Lang, fill};
use crate::pipeline::{self, Run};
use crate::render::cells::{Grid, number, terminal, text};
use crate::render::markdown;
use crate::{output, render};

/// What moved a municipality's number most between two files: a criterion, the bounds or the
/// rounding, with the change in persons.
pub fn driver(lang: Lang, a: &Run, ea: &Explanation, eb: &Explanation, b: &Run) -> Option<(String, f64)> {
    let t = lang.texts();
    let persons = |run: &Run, e: &Explanation, id: &str| -> f64 {
        run.criteria
            .criteria
            .iter()
            .position(|c| c.id == id)
            .map_or(0.0, |k| e.contributions[k].persons)
    };
    let mut ids: Vec<(&str, String)> = Vec::new();
    for run in [a, b] {
        for c in &run.criteria.criteria {
            if !ids.iter().any(|(id, _)| *id == c.id) {
                ids.push((c.id.as_str(), c.label.get(lang).to_string()));
            }
        }
    }
    let mut parts: Vec<(String, f64)> = ids
        .into_iter()
        .map(|(id, label)| (label, persons(b, eb, id) - persons(a, ea, id)))
        .collect();
    parts.push((t.k_bounds.to_string(), eb.bound_adjustment - ea.bound_adjustment));
    parts.push((t.k_rounding.to_string(), eb.rounding - ea.rounding));
    parts
        .into_iter()
        .filter(|(_, d)| d.abs() > 1e-9)
        .max_by(|x, y| x.1.abs().total_cmp(&y.1.abs()))
}

/// Short names of the files: their stems, or their paths when two stems are the same.
fn names(files: &[&Path]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem()
                .map_or_else(|| f.display().to_string(), |s| s.to_string_lossy().into_owned())
        })
        .collect();
    stems
        .iter()
        .enumerate()
        .map(|(k, s)| {
            if stems.iter().filter(|x| *x == s).count() > 1 {
                files[k].display().to_string()
            } else {
                s.clone()
            }
        })
        .collect()
}

/// The comparison table: one number column per file, then per later file its difference from
/// the first and what drove it.
pub fn grid(runs: &[(String, &Run)]) -> Grid {
    let (first_name, first) = &runs[0];
    let lang = first.lang;
    let t = lang.texts();
    let mut header: Vec<String> = vec![t.knr.to_string(), t.kommune.to_string()];
    let mut decimals = vec![None, None];
    for (name, _) in runs {
        header.push(name.clone());
        decimals.push(Some(0));
    }
    for (name, _) in &runs[1..] {
        header.push(fill(t.k_difference, &[("b", name), ("a", first_name)]));
        header.push(fill(t.k_driver, &[("b", name)]));
        decimals.extend([Some(0), None]);
    }
    let find = |run: &Run, knr: &str| run.explanations.iter().find(|e| e.kommunenummer == knr).cloned();
    let mut rows = Vec::new();
    for ea in first.ranked() {
        let mut row = vec![text(ea.kommunenummer.clone()), text(ea.kommune.clone())];
        let others: Vec<Option<Explanation>> = runs.iter().map(|(_, r)| find(r, &ea.kommunenummer)).collect();
        for e in &others {
            row.push(match e {
                Some(e) => number(lang.int(e.recommendation), e.recommendation as f64),
                None => text(t.x_none),
            });
        }
        for (k, (_, run)) in runs.iter().enumerate().skip(1) {
            match &others[k] {
                Some(eb) => {
                    let d = eb.recommendation as f64 - ea.recommendation as f64;
                    row.push(number(lang.signed(d, 0), d));
                    let why = if d == 0.0 {
                        String::new()
                    } else {
                        driver(lang, first, ea, eb, run)
                            .map(|(label, p)| format!("{label} ({})", lang.signed(p, 1)))
                            .unwrap_or_default()
                    };
                    row.push(text(why));
                }
                None => row.extend([text(t.x_none), text("")]),
            }
        }
        rows.push(row);
    }
    let mut sum = vec![text(""), text(t.sum)];
    for (_, run) in runs {
        let s: u64 = run.outcome.seats.iter().sum();
        sum.push(number(lang.int(s), s as f64));
    }
    for (_, run) in &runs[1..] {
        let d = run.outcome.seats.iter().sum::<u64>() as f64 - first.outcome.seats.iter().sum::<u64>() as f64;
        sum.push(number(lang.signed(d, 0), d));
        sum.push(text(""));
    }
    Grid {
        header,
        rows,
        sum,
        decimals,
    }
}

/// One line per later file: how many municipalities change and how many persons move.
pub fn summary(runs: &[(String, &Run)]) -> Vec<String> {
    let (first_name, first) = &runs[0];
    let lang = first.lang;
    runs[1..]
        .iter()
        .map(|(name, run)| {
            let (mut changed, mut moved) = (0usize, 0u64);
            for ea in &first.explanations {
                if let Some(eb) = run.explanations.iter().find(|e| e.kommunenummer == ea.kommunenummer) {
                    let d = eb.recommendation.abs_diff(ea.recommendation);
                    changed += usize::from(d > 0);
                    moved += d;
                }
            }
            fill(
                lang.texts().k_changed,
                &[
                    ("changed", &changed.to_string()),
                    ("n", &first.explanations.len().to_string()),
                    ("b", name),
                    ("a", first_name),
                    // Every person who moves is counted once where they leave and once where they arrive.
                    ("moved", &lang.int(moved / 2)),
                ],
            )
        })
        .collect()
}

fn csv(runs: &[(String, &Run)]) -> Result<Vec<u8>, crate::render::cells::Error> {
    let g = grid(runs);
    let mut header = vec!["kommunenummer".to_string(), "kommune".to_string()];
    header.extend(runs.iter().map(|(n, _)| n.clone()));
    for (n, _) in &runs[1..] {
        header.push(format!("difference_{n}"));
        header.push(format!("driver_{n}"));
    }
    let mut records = vec![header];
    for row in &g.rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(k, c)| match (g.decimals[k], c.value) {
                (Some(_), Some(v)) => format!("{v}"),
                _ => c.text.clone(),
            })
            .collect();
        records.push(cells);
    }
    crate::render::cells::csv_bytes("compare.csv", records)
}

fn markdown_text(runs: &[(String, &Run)]) -> String {
    let first = runs[0].1;
    let t = first.lang.texts();
    let mut out = format!(
        "# {}\n\n",
        crate::render::cells::markdown(&fill(t.k_heading, &[("count", &runs.len().to_string())]))
    );
    for (name, run) in runs {
        out.push_str(&format!(
            "- **{}**: `{}`{}\n",
            crate::render::cells::markdown(name),
            crate::render::cells::markdown(&run.criteria.file.name),
            run.criteria
                .title
                .as_ref()
                .map(|t| format!(" ({})", crate::render::cells::markdown(t)))
                .unwrap_or_default()
        ));
    }
    out.push('\n');
    for line in summary(runs) {
        out.push_str(&format!("{}\n\n", crate::render::cells::markdown(&line)));
    }
    out.push_str(&markdown::table(&grid(runs)));
    out
}

pub fn run(args: &CompareArgs, lang: Lang) -> Result<Output, Failure> {
    let mut diags = Diags::default();
    let mut loaded = Vec::new();
    for f in &args.files {
        match pipeline::run(&pipeline::Source::new(f, &args.data), lang) {
            Ok(r) => loaded.push(r),
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    let paths: Vec<&Path> = args.files.iter().map(|p| p.as_path()).collect();
    let runs: Vec<(String, &Run)> = names(&paths).into_iter().zip(loaded.iter()).collect();
    let first = runs[0].1;
    let stdout = match args.format {
        CompareFormat::Table => {
            let mut out = fill(lang.texts().k_heading, &[("count", &runs.len().to_string())]) + "\n";
            out.push_str(&terminal(&grid(&runs)));
            out.push('\n');
            for line in summary(&runs) {
                out.push_str(&line);
                out.push('\n');
            }
            out.into_bytes()
        }
        CompareFormat::Csv => csv(&runs)?,
        CompareFormat::Markdown => markdown_text(&runs).into_bytes(),
    };
    let stderr = if args.no_write {
        String::new()
    } else {
        let mut files = vec![
            ("compare.csv".to_string(), csv(&runs)?),
            ("compare.md".to_string(), markdown_text(&runs).into_bytes()),
        ];
        let chart = render::charts::compare(&runs)?;
        if let Some(c) = chart {
            files.push((format!("chart-{}.svg", c.name), c.svg.into_bytes()));
            files.push((format!("chart-{}.png", c.name), c.png));
        }
        // Analyses are not part of the published set in <out>/<year>/: they have a folder of their own.
        let dir = args
            .out
            .join(crate::output::ANALYSES)
            .join(first.criteria.year.to_string());
        report::wrote(lang, &output::write_set(&dir, &files)?)
    };
    Ok(Output { stdout, stderr })
}

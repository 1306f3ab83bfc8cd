use crate::cli::{Format, RecommendArgs};
use crate::commands::{Failure, Output, report};
use crate::lang::Lang;
use crate::manifest::{self, Manifest};
use crate::pipeline::Run;
use crate::{output, pipeline, render};

pub fn run(args: &RecommendArgs, lang: Lang) -> Result<Output, Failure> {
    let runs = pipeline::run_all(&(&args.inputs).into(), lang)?;
    if runs.len() > 1 {
        return categories(args, lang, &runs);
    }
    let run = &runs[0];
    let stdout = match args.format {
        Format::Table => render::table::render(run).into_bytes(),
        Format::Csv => render::csv::render(run),
        Format::Json => render::json::render(run),
    };
    let mut note = None;
    let written = if args.no_write {
        Vec::new()
    } else if args.report {
        let (written, n) = report::write(run, &args.out, None)?;
        note = n;
        written
    } else {
        let dir = args.out.join(run.criteria.year.to_string());
        // A robustness run saved beside it from the same inputs stays on the record.
        let saved = report::saved_sensitivity(run, &dir).0.map(|s| s.settings);
        let files = [
            ("recommendation.csv", render::csv::render(run)),
            ("recommendation.json", render::json::render(run)),
            (manifest::FILE, Manifest::of(run, saved).to_bytes()),
        ];
        output::write_set(&dir, &files)?
    };
    let mut stderr = note.map(|n| n + "\n").unwrap_or_default();
    if !written.is_empty() {
        stderr.push_str(&report::wrote(lang, &written));
    }
    Ok(Output {
        stdout,
        stderr: super::notices(&run.criteria) + &stderr,
    })
}

/// A file with several categories: each category's table, then all of them together.
fn categories(args: &RecommendArgs, lang: Lang, runs: &[Run]) -> Result<Output, Failure> {
    use crate::render::categories as cat;
    let stdout = match args.format {
        Format::Table => {
            let mut out = cat::heading(runs) + "\n\n";
            for run in runs {
                out.push_str(&format!("{}\n", cat::label(run)));
                out.push_str(&render::table::render(run));
                out.push('\n');
            }
            out.push_str(&render::table::terminal(&cat::grid(runs)));
            out.push('\n');
            out.into_bytes()
        }
        Format::Csv => cat::csv(runs),
        Format::Json => {
            let parts: Vec<serde_json::Value> = runs
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "category": cat::id(r),
                        "label": cat::label(r),
                        "recommendation": serde_json::from_slice::<serde_json::Value>(&render::json::render(r)).unwrap_or_default(),
                    })
                })
                .collect();
            let mut out = serde_json::to_vec_pretty(&serde_json::json!({ "categories": parts })).unwrap_or_default();
            out.push(b'\n');
            out
        }
    };
    let written = if args.no_write {
        Vec::new()
    } else if args.report {
        report::write_categories(runs, &args.out)?
    } else {
        let dir = args.out.join(runs[0].criteria.year.to_string());
        let mut written = Vec::new();
        for r in runs {
            let files = [
                ("recommendation.csv", render::csv::render(r)),
                ("recommendation.json", render::json::render(r)),
                (manifest::FILE, Manifest::of(r, None).to_bytes()),
            ];
            written.extend(output::write_set(&dir.join(cat::id(r)), &files)?);
        }
        written.extend(output::write_set(&dir, &[("categories.csv", cat::csv(runs))])?);
        written
    };
    let notices: String = runs.iter().map(|r| super::notices(&r.criteria)).collect();
    let stderr = if written.is_empty() {
        notices
    } else {
        notices + &report::wrote(lang, &written)
    };
    Ok(Output { stdout, stderr })
}

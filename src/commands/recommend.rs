use crate::cli::{Format, RecommendArgs};
use crate::commands::{Failure, Output, report};
use crate::lang::{Lang, fill};
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
        Format::Csv => render::csv::render(run)?,
        Format::Json => render::json::render(run)?,
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
        let files = render::recommendation_set(run, None)?;
        output::tidy(&dir);
        if holds(&dir, run, &files) {
            // The set there (a report, say) already holds this very recommendation: it stays whole.
            note = Some(fill(lang.texts().unchanged, &[("dir", &dir.display().to_string())]));
            Vec::new()
        } else {
            output::publish(&dir, &files)?
        }
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

/// Whether the set in `dir` was made from exactly these inputs with these numbers, and its
/// files that `files` would write are there with the same bytes.
fn holds(dir: &std::path::Path, run: &Run, files: &[(String, Vec<u8>)]) -> bool {
    let Ok(text) = fs_err::read_to_string(dir.join(manifest::FILE)) else {
        return false;
    };
    let Ok(there) = serde_json::from_str::<Manifest>(&text) else {
        return false;
    };
    let mut fresh = Manifest::of(run, there.sensitivity);
    fresh.outputs.clone_from(&there.outputs);
    fresh == there
        && files.iter().filter(|(n, _)| n != manifest::FILE).all(|(name, bytes)| {
            let sha = manifest::sha256_bytes(bytes);
            there.outputs.iter().any(|o| o.name == *name && o.sha256 == sha)
                && fs_err::read(dir.join(name)).is_ok_and(|b| manifest::sha256_bytes(&b) == sha)
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
            out.push_str(&render::cells::terminal(&cat::grid(runs)));
            out.push('\n');
            out.into_bytes()
        }
        Format::Csv => cat::csv(runs)?,
        Format::Json => {
            let mut parts = Vec::new();
            for r in runs {
                let recommendation = serde_json::from_slice::<serde_json::Value>(&render::json::render(r)?)
                    .map_err(|e| render::cells::Error::new("recommendation.json", e))?;
                parts.push(serde_json::json!({
                    "category": cat::id(r),
                    "label": cat::label(r),
                    "recommendation": recommendation,
                }));
            }
            render::cells::json_bytes("the categories", &serde_json::json!({ "categories": parts }))?
        }
    };
    let written = if args.no_write {
        Vec::new()
    } else if args.report {
        report::write_categories(runs, &args.out)?
    } else {
        let dir = args.out.join(runs[0].criteria.year.to_string());
        let mut files = Vec::new();
        for r in runs {
            for (name, bytes) in render::recommendation_set(r, None)? {
                files.push((format!("{}/{name}", cat::id(r)), bytes));
            }
        }
        files.extend(report::category_top(runs, false)?);
        output::publish(&dir, &files)?
    };
    let notices: String = runs.iter().map(|r| super::notices(&r.criteria)).collect();
    let stderr = if written.is_empty() {
        notices
    } else {
        notices + &report::wrote(lang, &written)
    };
    Ok(Output { stdout, stderr })
}

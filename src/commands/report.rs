use std::path::{Path, PathBuf};

use crate::cli::ReportArgs;
use crate::commands::{Failure, Output};
use crate::data::map;
use crate::lang::{Lang, fill};
use crate::pipeline::{self, Run};
use crate::robust::{self, Sensitivity};
use crate::{output, render};

pub fn run(args: &ReportArgs, lang: Lang) -> Result<Output, Failure> {
    let runs = pipeline::run_all(&(&args.inputs).into(), lang)?;
    if runs.len() > 1 {
        let written = write_categories(&runs, &args.out)?;
        return Ok(Output {
            stdout: Vec::new(),
            stderr: wrote(lang, &written),
        });
    }
    let run = &runs[0];
    let (written, note) = write(run, &args.out, None)?;
    Ok(Output {
        stdout: Vec::new(),
        stderr: super::notices(&run.criteria) + &note.map(|n| n + "\n").unwrap_or_default() + &wrote(lang, &written),
    })
}

/// "Skreiv reports/2027/a, … og reports/2027/z".
pub fn wrote(lang: Lang, written: &[PathBuf]) -> String {
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    fill(lang.texts().wrote, &[("files", &lang.list(&names))]) + "\n"
}

/// A saved robustness run in `dir`, when it was made from exactly these inputs; otherwise a
/// note saying why it is left out.
pub fn saved_sensitivity(run: &Run, dir: &Path) -> (Option<Sensitivity>, Option<String>) {
    let path = dir.join("sensitivity.json");
    let Ok(text) = fs_err::read_to_string(&path) else {
        return (None, None);
    };
    match serde_json::from_str::<Sensitivity>(&text) {
        Ok(s) if s.fingerprint == robust::fingerprint(run) => (Some(s), None),
        Ok(_) => (
            None,
            Some(format!(
                "note: {} was made from other inputs and is left out of the report; run `busetting sensitivity` again",
                path.display()
            )),
        ),
        Err(e) => (
            None,
            Some(format!(
                "note: {} cannot be read ({e}) and is left out of the report",
                path.display()
            )),
        ),
    }
}

/// Renders the whole report set and writes it into `<out>/<year>/`: every file or none. With
/// no robustness run given, a saved one from the same inputs in that folder is included.
pub fn write(
    run: &Run,
    out: &Path,
    sensitivity: Option<&Sensitivity>,
) -> Result<(Vec<PathBuf>, Option<String>), Failure> {
    write_in(run, &out.join(run.criteria.year.to_string()), sensitivity)
}

/// Every category's report set in `<out>/<year>/<category>/`, and the combined table and chart
/// in `<out>/<year>/`.
pub fn write_categories(runs: &[Run], out: &Path) -> Result<Vec<PathBuf>, Failure> {
    let dir = out.join(runs[0].criteria.year.to_string());
    let mut files = Vec::new();
    for run in runs {
        let id = render::categories::id(run);
        let (set, _) = render_in(run, &dir.join(&id), None)?;
        files.extend(set.into_iter().map(|(name, bytes)| (format!("{id}/{name}"), bytes)));
    }
    files.extend(category_top(runs, true)?);
    Ok(output::publish(&dir, &files)?)
}

/// The files at the top of a set with categories, sealed by a set manifest: the combined
/// table, and for a report (`full`) its Markdown and the stacked chart.
pub fn category_top(runs: &[Run], full: bool) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut files = vec![("categories.csv".to_string(), render::categories::csv(runs)?)];
    if full {
        files.push(("categories.md".to_string(), render::categories::markdown(runs)));
        if let Some(c) = render::charts::categories(runs)? {
            files.push((format!("chart-{}.svg", c.name), c.svg.into_bytes()));
            files.push((format!("chart-{}.png", c.name), c.png));
        }
    }
    let ids = runs.iter().map(render::categories::id).collect();
    Ok(crate::manifest::seal_set(files, ids)?)
}

/// The report set of one run in `dir`, replacing what was there as a whole.
fn write_in(
    run: &Run,
    dir: &Path,
    sensitivity: Option<&Sensitivity>,
) -> Result<(Vec<PathBuf>, Option<String>), Failure> {
    let (files, note) = render_in(run, dir, sensitivity)?;
    Ok((output::publish(dir, &files)?, note))
}

/// The report set of one run, rendered in memory. With no robustness run given, a saved one in
/// `dir` from the same inputs is included.
pub fn render_in(
    run: &Run,
    dir: &Path,
    sensitivity: Option<&Sensitivity>,
) -> Result<(output::Files, Option<String>), Failure> {
    let dir = dir.to_path_buf();
    let (saved, note) = match sensitivity {
        Some(_) => (None, None),
        None => saved_sensitivity(run, &dir),
    };
    let sensitivity = sensitivity.or(saved.as_ref());
    let cat = &run.data.catalogue;
    let shapes = map::of(&run.data)?;
    // The report's series: the data's years and this run's numbers, the same on every machine
    // (other years' published sets are for `history`).
    let years = match cat.history.is_empty() {
        true => Vec::new(),
        false => crate::history::series(&run.data, &[render::charts::current(run)].into_iter().collect()),
    };
    let charts = render::charts::all(run, shapes.as_ref(), &years)?;
    let robust_charts = match sensitivity {
        Some(s) => render::charts::sensitivity(run, s)?,
        None => Vec::new(),
    };
    let files = render::report_set(run, &charts, sensitivity.map(|s| (s, robust_charts.as_slice())))?;
    Ok((files, note))
}

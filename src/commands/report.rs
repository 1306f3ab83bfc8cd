use std::path::{Path, PathBuf};

use crate::cli::ReportArgs;
use crate::commands::{Failure, Output};
use crate::data::map;
use crate::diag::Diag;
use crate::lang::{Lang, fill};
use crate::pipeline::{self, Run};
use crate::{output, render};

pub fn run(args: &ReportArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&args.inputs.criteria, &args.inputs.data, lang)?;
    let written = write(&run, &args.out)?;
    Ok(Output {
        stdout: Vec::new(),
        stderr: wrote(lang, &written),
    })
}

/// "Skreiv reports/2027/a, … og reports/2027/z".
pub fn wrote(lang: Lang, written: &[PathBuf]) -> String {
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    fill(lang.texts().wrote, &[("files", &lang.list(&names))]) + "\n"
}

/// Renders the whole report set and writes it into `<out>/<year>/`: every file or none.
pub fn write(run: &Run, out: &Path) -> Result<Vec<PathBuf>, Failure> {
    let shapes = match &run.data.catalogue.map {
        Some(file) => {
            let path = run.data.dir.join(&file.value);
            Some(map::load(&path, &path.display().to_string(), &run.data.register)?)
        }
        None => None,
    };
    let charts = render::charts::all(run, shapes.as_ref())
        .map_err(|e| Failure::from(Diag::error("report::chart", format!("drawing a chart failed: {e}"))))?;
    let files = render::report_set(run, &charts)
        .map_err(|e| Failure::from(Diag::error("report::render", format!("rendering {e}"))))?;
    let dir = out.join(run.criteria.year.to_string());
    Ok(output::write_set(&dir, &files)?)
}

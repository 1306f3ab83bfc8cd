use crate::cli::{Format, RecommendArgs};
use crate::commands::{Failure, Output, report};
use crate::lang::Lang;
use crate::{output, pipeline, render};

pub fn run(args: &RecommendArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run_with(&(&args.inputs).into(), lang)?;
    let stdout = match args.format {
        Format::Table => render::table::render(&run).into_bytes(),
        Format::Csv => render::csv::render(&run),
        Format::Json => render::json::render(&run),
    };
    let mut note = None;
    let written = if args.no_write {
        Vec::new()
    } else if args.report {
        let (written, n) = report::write(&run, &args.out, None)?;
        note = n;
        written
    } else {
        let files = [
            ("recommendation.csv", render::csv::render(&run)),
            ("recommendation.json", render::json::render(&run)),
        ];
        output::write_set(&args.out.join(run.criteria.year.to_string()), &files)?
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

use crate::cli::{Format, RecommendArgs};
use crate::commands::{Failure, Output, report};
use crate::lang::Lang;
use crate::{output, pipeline, render};

pub fn run(args: &RecommendArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&args.inputs.criteria, &args.inputs.data, lang)?;
    let stdout = match args.format {
        Format::Table => render::table::render(&run).into_bytes(),
        Format::Csv => render::csv::render(&run),
        Format::Json => render::json::render(&run),
    };
    let written = if args.no_write {
        Vec::new()
    } else if args.report {
        report::write(&run, &args.out)?
    } else {
        let files = [
            ("recommendation.csv", render::csv::render(&run)),
            ("recommendation.json", render::json::render(&run)),
        ];
        output::write_set(&args.out.join(run.criteria.year.to_string()), &files)?
    };
    let stderr = if written.is_empty() {
        String::new()
    } else {
        report::wrote(lang, &written)
    };
    Ok(Output { stdout, stderr })
}

use crate::cli::{Format, RecommendArgs};
use crate::commands::{Failure, Output};
use crate::lang::{Lang, fill};
use crate::{output, pipeline, render};

pub fn run(args: &RecommendArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&args.inputs.criteria, &args.inputs.data, lang)?;
    let csv = render::csv::render(&run);
    let json = render::json::render(&run);
    let stdout = match args.format {
        Format::Table => render::table::render(&run).into_bytes(),
        Format::Csv => csv.clone(),
        Format::Json => json.clone(),
    };
    let mut stderr = String::new();
    if !args.no_write {
        let dir = args.out.join(run.criteria.year.to_string());
        let written = output::write_set(&dir, &[("recommendation.csv", csv), ("recommendation.json", json)])?;
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        stderr = fill(lang.texts().wrote, &[("files", &lang.list(&names))]) + "\n";
    }
    Ok(Output { stdout, stderr })
}

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::commands::{Failure, Output};
use crate::diag::Diag;
use crate::lang::Lang;
use crate::{pipeline, render, suggest};

pub fn run(args: &ExplainArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&(&args.inputs).into(), lang)?;
    let register = &run.data.register;
    let i = register.find(&args.kommune).map_err(|close| {
        let d = Diag::error(
            "explain::unknown-municipality",
            format!("`{}` is not a municipality in {}", args.kommune, register.file.name),
        );
        Failure::from(if close.is_empty() {
            d.help("give the 4-digit kommunenummer (e.g. 4602) or the name (e.g. Kinn)")
        } else {
            d.help(format!("did you mean {}?", suggest::or_list(&close)))
        })
    })?;
    let e = &run.explanations[i];
    let stdout = match args.format {
        ExplainFormat::Text => render::explanation::render(&run, e).into_bytes(),
        ExplainFormat::Json => crate::render::cells::json_bytes("the explanation", e)
            .map_err(|e| Diag::error("explain::write", e.to_string()))?,
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
    })
}

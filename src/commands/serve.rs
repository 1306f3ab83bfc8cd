//! `busetting serve`: the planners' workbench (see [`crate::serve`]). It prints the page's
//! address itself and returns when the server stops.

use crate::cli::ServeArgs;
use crate::commands::{Failure, Output};
use crate::lang::Lang;
use crate::pipeline::Source;
use crate::serve::{self, Config};

pub fn run(args: &ServeArgs, lang: Lang) -> Result<Output, Failure> {
    let mut source = Source::new(&args.criteria, &args.data);
    source.county.clone_from(&args.county);
    source.category.clone_from(&args.category);
    serve::serve(Config {
        source,
        lang,
        port: args.port,
        open: args.open,
        out: args.out.clone(),
    })?;
    Ok(Output::default())
}

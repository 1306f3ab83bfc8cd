//! busetting: the county's recommendation to IMDi of how many refugees each municipality should
//! be asked to settle, with an explanation of every number.
//!
//! The pipeline, stage by stage (each takes plain data and returns plain data):
//!
//! 1. **load** ([`data`], [`criteria`]): the data folder's catalogue, register and indicator
//!    tables (CSV, keyed by the 4-character `kommunenummer`, joined with polars), and the
//!    criteria file (TOML). Every problem is reported at once, with file, line and column.
//! 2. **validate** ([`criteria::Criteria::check`]): columns exist and suit their basis,
//!    overrides name real municipalities.
//! 3. **share** ([`share`]): each criterion's share vector, the combined share `S`.
//! 4. **bound** ([`bounds`]): minimum, capacity, per-1000 cap and overrides.
//! 5. **allocate** ([`allocate`], [`apportion`]): the bounded quota and the integer numbers by a
//!    named method, decided exactly; minimum-if-asked leaves out who would fall below it.
//! 6. **explain** ([`explain`]): contributions, bound adjustment and rounding that add up to
//!    each number, ranks, margins, and one plain sentence in the report's language ([`lang`]).
//! 7. **render** ([`render`]) and **write** ([`output`]): terminal table, CSV, JSON; written
//!    atomically.
//!
//! [`pipeline::run`] runs stages 1–6; [`run`] runs a whole command line.
//!
//! Around the pipeline: [`robust`] draws the weights (and indicators) many times for intervals
//! and Sobol indices (docs/model.md §7); [`calibrate`] fits weights to a past allocation;
//! [`history`] joins the years of the data's series with published recommendations (§8);
//! [`backtest`] makes each past year's recommendation from the years before it and scores it
//! against IMDi's requests and four baselines (§9);
//! [`import`] reads StatBank exports and capacity workbooks; [`manifest`] records what made a
//! set of results so `verify` can make it again.
//! [`serve`] is the planners' workbench: a local page whose settings run through the same pipeline.

#![warn(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]
// Diagnostics carry their source text and are returned once, on the way out; their size on the
// error path costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod allocate;
pub mod apportion;
pub mod backtest;
pub mod bounds;
pub mod calibrate;
pub mod cli;
pub mod commands;
pub mod criteria;
pub mod data;
pub mod diag;
pub mod explain;
pub mod history;
pub mod import;
pub mod lang;
pub mod manifest;
pub mod names;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod robust;
pub mod serve;
pub mod share;
pub mod suggest;
pub mod tomlread;

use cli::{Cli, Command};
pub use commands::{Failure, Output};

/// Runs one parsed command line.
pub fn run(cli: &Cli) -> Result<Output, Failure> {
    match &cli.command {
        Command::Recommend(a) => commands::recommend::run(a, cli.lang),
        Command::Explain(a) => commands::explain::run(a, cli.lang),
        Command::Check(a) => commands::check::run(a, cli.lang),
        Command::Apportion(a) => commands::apportion::run(a),
        Command::Letter(a) => commands::letter::run(a, cli.lang),
        Command::Report(a) => commands::report::run(a, cli.lang),
        Command::Sensitivity(a) => commands::sensitivity::run(a, cli.lang),
        Command::Compare(a) => commands::compare::run(a, cli.lang),
        Command::Calibrate(a) => commands::calibrate::run(a, cli.lang),
        Command::Backtest(a) => commands::backtest::run(a, cli.lang),
        Command::Verify(a) => commands::verify::run(a, cli.lang),
        Command::History(a) => commands::history::run(a, cli.lang),
        Command::Import(a) => commands::import::run(a, cli.lang),
        Command::Template(a) => commands::template::run(a, cli.lang),
        Command::Serve(a) => commands::serve::run(a, cli.lang),
    }
}

//! The command line (clap derive only; one Args struct per subcommand).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::apportion::Method;
use crate::lang::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "busetting",
    version,
    about = "Recommends how many refugees each municipality should be asked to settle, and explains every number.",
    long_about = None
)]
pub struct Cli {
    /// Language of tables and explanations: nn (Nynorsk), nb (Bokmål) or en (English).
    #[arg(long, global = true, value_enum, default_value_t = Lang::Nn)]
    pub lang: Lang,

    /// Colour in error messages.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the recommendation: print the ranked table and write reports/<year>/recommendation.csv and .json.
    Recommend(RecommendArgs),
    /// Explain one municipality's number: every contribution, bound, rounding and margin.
    Explain(ExplainArgs),
    /// Check the data and the criteria files without computing; report every problem at once.
    Check(CheckArgs),
    /// Write the full report set: tables (CSV, JSON, Markdown, Excel), charts (SVG, PNG) and report.html.
    Report(ReportArgs),
    /// How sure is the recommendation? Draw the weights (and optionally the indicators) many times and report each municipality's interval, rank interval and which weight matters most.
    Sensitivity(SensitivityArgs),
    /// Compare criteria files on the same data: each municipality's number under each, the differences and what drove them.
    Compare(CompareArgs),
    /// Fit the weights of a criteria file to a past allocation in the data (e.g. IMDi's requests) and report how well they reproduce it.
    Calibrate(CalibrateArgs),
    /// Would the criteria have predicted what IMDi asked? Make each past year's recommendation from the years before it and compare it, and four baselines, with IMDi's requests (or the decisions).
    Backtest(BacktestArgs),
    /// The series by year: IMDi's request, the decision and the number settled, with published recommendations, for the county or one municipality.
    History(HistoryArgs),
    /// Read an SSB StatBank export (CSV or JSON-stat 2.0) or a capacity-dialogue workbook into the tool's table format, reporting suppressed cells and unknown municipality codes.
    Import(ImportArgs),
    /// Write a form for the county's municipalities: `template capacity` is the capacity dialogue's questions as an xlsx workbook and CSV.
    Template(TemplateArgs),
    /// Recompute a published recommendation from the inputs its manifest.json names, and confirm the numbers are identical, or name what changed.
    Verify(VerifyArgs),
    /// Apportion seats by a named method: `name,weight[,min,max]` CSV in, `name,seats` CSV out.
    Apportion(ApportionArgs),
    /// Write the recommendation letter to IMDi as a Word document, or with --municipalities one letter to each municipality in its own written language, from the editable templates in criteria/letter/.
    Letter(LetterArgs),
    /// The planners' workbench: a local web page where the weights, total, bounds and method move and every number, map and explanation follows; Save as writes a criteria file.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct Inputs {
    /// The criteria file.
    #[arg(long, default_value = "criteria/default.toml")]
    pub criteria: PathBuf,

    /// The data folder (with its indicators.toml).
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Another county than the criteria file's (two digits, 46 is Vestland), or `all` for the
    /// whole country. Its total is IMDi's latest request there unless --total is given.
    #[arg(long)]
    pub county: Option<String>,

    /// Another total to distribute than the criteria file's, 1 to 10 000 000.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::criteria::MAX_TOTAL))]
    pub total: Option<u64>,

    /// One category of a criteria file with several ([[category]]); `recommend` and `report`
    /// run them all when none is given.
    #[arg(long)]
    pub category: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// Where to write the report set; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Print only; write no files.
    #[arg(long, conflicts_with = "report")]
    pub no_write: bool,

    /// Write the full report set (as `busetting report`), not only the CSV and JSON.
    #[arg(long)]
    pub report: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// Where to write the report set; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The municipality: kommunenummer or name (case and æ ø å optional: `oygarden` finds Øygarden).
    pub kommune: String,

    #[command(flatten)]
    pub inputs: Inputs,

    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// One letter to each municipality for the capacity dialogue, each in the municipality's own
    /// written language (målform in the register), instead of the letter to IMDi.
    #[arg(long)]
    pub municipalities: bool,

    /// The folder of the letter templates, one `<lang>.toml` per language.
    #[arg(long, default_value = "criteria/letter")]
    pub templates: PathBuf,

    /// The letter's date, YYYY-MM-DD [default: today].
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,

    /// Where to write: the letters go to <OUT>/letters/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

/// A calendar date as YYYY-MM-DD, checked.
fn parse_date(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let (y, m, d) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>());
            matches!((y, m, d), (Ok(1900..=2200), Ok(1..=12), Ok(1..=31)))
        }
        _ => false,
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err("write the date as YYYY-MM-DD, e.g. 2026-12-02".to_string())
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Criteria files to check (repeat the flag for several).
    #[arg(long = "criteria", default_value = "criteria/default.toml")]
    pub criteria: Vec<PathBuf>,

    /// The data folder (with its indicators.toml).
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
}

/// A method named as in criteria files: the possible values are the method table's names.
fn method_parser() -> impl clap::builder::TypedValueParser<Value = Method> {
    use crate::names::Named;
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Method::names())
        .try_map(|name: String| Method::from_name(&name).ok_or("not a method"))
}

#[derive(Debug, Args)]
pub struct ApportionArgs {
    /// The apportionment method.
    #[arg(long, value_parser = method_parser())]
    pub method: Method,

    /// The number of seats (units) to apportion, 0 to 10 000 000.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=crate::criteria::MAX_TOTAL))]
    pub seats: u64,

    /// First divisor for sainte-lague (1 is pure Sainte-Laguë; Norway's elections have used 1.4).
    #[arg(long)]
    pub first_divisor: Option<String>,

    /// CSV with columns name,weight and optionally min,max (`-` reads standard input).
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// Number of draws [default: [sensitivity] draws in the criteria file, else 10000].
    #[arg(long)]
    pub draws: Option<u64>,

    /// Random seed: the same seed gives the same result on any machine and thread count
    /// [default: [sensitivity] seed, else 2027].
    #[arg(long)]
    pub seed: Option<u64>,

    /// Dirichlet concentration around the file's weights (larger is tighter; 100 moves a weight
    /// of 0.25 by about ±0.04) [default: [sensitivity] kappa, else 100].
    #[arg(long, conflicts_with = "delta")]
    pub kappa: Option<f64>,

    /// Draw each weight uniformly within ±DELTA of its value (0.2 is ±20 %), then rescale.
    #[arg(long)]
    pub delta: Option<f64>,

    /// Relative error of the indicators in each draw (0.05 is about ±5 %) [default: 0].
    #[arg(long)]
    pub indicator_noise: Option<f64>,

    /// Where to write sensitivity.csv/.json/.md, its charts and the report set; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Print only; write no files.
    #[arg(long)]
    pub no_write: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more criteria files; differences are taken against the first.
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,

    /// The data folder (with its indicators.toml).
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Where to write compare.csv, compare.md and the dumbbell chart; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,

    /// Print only; write no files.
    #[arg(long)]
    pub no_write: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Table,
    Csv,
    Markdown,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The indicator to reproduce, as named in the data's indicators.toml (e.g. imdi_request_2024).
    #[arg(long)]
    pub target: String,

    #[command(flatten)]
    pub inputs: Inputs,

    /// Write a copy of the criteria file with the fitted weights here.
    #[arg(long)]
    pub write: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// The first year to test (default: the first year of the history with a year before it).
    #[arg(long)]
    pub from: Option<i64>,

    /// The last year to test (default: the last year of the history).
    #[arg(long)]
    pub to: Option<i64>,

    /// What to compare with: IMDi's requests, or the municipalities' decisions.
    #[arg(long, value_enum, default_value_t = TargetArg::Request)]
    pub target: TargetArg,

    /// Fit the weights for each year on the years before it (as `calibrate`), never on the year
    /// itself or later.
    #[arg(long)]
    pub fit: bool,

    /// Fit the weights on another county's municipalities, or on the whole country's (`all`),
    /// instead of the tested county's own: far more evidence than one county's rows. Implies --fit.
    #[arg(long, value_name = "NN|all")]
    pub fit_on: Option<String>,

    /// Where to write backtest.csv, backtest.json and the chart; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    #[arg(long, value_enum, default_value_t = BacktestFormat::Table)]
    pub format: BacktestFormat,

    /// Print only; write no files.
    #[arg(long)]
    pub no_write: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Request,
    Decision,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The folder of a report set, e.g. reports/2027 (with its manifest.json, or one folder per
    /// category).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// One municipality (number or name); the whole county when left out.
    pub kommune: Option<String>,

    #[command(flatten)]
    pub inputs: Inputs,

    /// Where published recommendations are (<OUT>/<year>/manifest.json), and where to write
    /// history.csv and the chart.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,

    /// Print only; write no files.
    #[arg(long)]
    pub no_write: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Table,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    /// From the file's extension: .json is JSON-stat, .xlsx a workbook, anything else StatBank CSV.
    Auto,
    StatbankCsv,
    JsonStat,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file as downloaded or received.
    pub file: PathBuf,

    /// The name of the value column in the table written (StatBank CSV and JSON-stat).
    #[arg(long, default_value = "value")]
    pub name: String,

    /// What the file is.
    #[arg(long, value_enum, default_value_t = ImportKind::Auto)]
    pub kind: ImportKind,

    /// The data folder whose register (and successors) the municipalities are checked against.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Write the table here (e.g. data/population-2027.csv); printed when left out.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateKind {
    /// The capacity dialogue: declared capacity, dwellings, adult-education places, introduction results, comments.
    Capacity,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[arg(value_enum)]
    pub kind: TemplateKind,

    /// The county (two digits).
    #[arg(long, default_value = "46")]
    pub county: String,

    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// The folder to write capacity-dialogue-<county>.xlsx and .csv into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The criteria file.
    #[arg(long, default_value = "criteria/default.toml")]
    pub criteria: PathBuf,

    /// The data folder (with its indicators.toml).
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Another county than the criteria file's (two digits), or `all` for the whole country.
    #[arg(long)]
    pub county: Option<String>,

    /// The category to work on, for a criteria file with several ([[category]]).
    #[arg(long)]
    pub category: Option<String>,

    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Open the page in the browser.
    #[arg(long)]
    pub open: bool,

    /// Where "Report" writes the report set; files go to <OUT>/<year>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

//! The criteria file: what to distribute, by which criteria and weights, within which bounds.
//!
//! Reading goes in two steps. [`parse`] turns the TOML text into the typed [`Criteria`], reporting
//! every mistake of form (unknown or misspelt keys, wrong types, negative weights, weights that do
//! not add up to 1) at once. [`Criteria::check`] then checks it against the data: that
//! each column exists and suits its basis, and that each override names a real municipality.

use std::ops::Range;

use crate::apportion::Method;
use crate::data::Series;
use crate::diag::SourceFile;
pub use crate::names::Named;
use crate::tomlread::At;

mod check;
mod parse;

pub use crate::lang::Label;
pub use parse::{parse, parse_all};

/// How a criterion turns its indicator into a share of the total (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// `x_i / Σ x_j`, for counts such as population.
    Share,
    /// `1 / n`: spread settlement, every municipality the same.
    Equal,
    /// `P_i g(x_i) / Σ P_j g(x_j)`, for rates such as the employment rate.
    PopulationWeighted,
}

impl Named for Basis {
    const TABLE: &'static [(Self, &'static str)] = &[
        (Basis::Share, "share"),
        (Basis::Equal, "equal"),
        (Basis::PopulationWeighted, "population-weighted"),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// A higher value gives a larger share (employment rate).
    More,
    /// A lower value gives a larger share (unemployment, refugees already settled).
    Less,
}

impl Named for Direction {
    const TABLE: &'static [(Self, &'static str)] = &[(Direction::More, "more"), (Direction::Less, "less")];
}

/// How a population-weighted criterion scales a rate against the county (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Scale {
    /// `g(x) = x / mean` (`more`) or `mean / x` (`less`), mean weighted by population.
    RatioToMean,
    /// `g` runs linearly from `floor` (worst municipality) to 1 (best).
    MinMax { floor: f64 },
}

impl Named for Scale {
    const TABLE: &'static [(Self, &'static str)] = &[
        (Scale::RatioToMean, "ratio-to-mean"),
        (Scale::MinMax { floor: 0.5 }, "min-max"),
    ];
}

/// What to do with a blank or suppressed cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Stop with an error naming every missing cell.
    Error,
    /// Use the county mean (population-weighted for a population-weighted criterion), so the
    /// municipality counts as average on this criterion.
    CountyMean,
    /// Use 0.
    Zero,
}

impl Named for Missing {
    const TABLE: &'static [(Self, &'static str)] = &[
        (Missing::Error, "error"),
        (Missing::CountyMean, "county-mean"),
        (Missing::Zero, "zero"),
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub label: Label,
    pub basis: Basis,
    /// The indicator column (absent for `equal`).
    pub column: Option<At<String>>,
    /// The weight used: as written, or normalised when the file asks for it.
    pub weight: f64,
    pub weight_span: Range<usize>,
    pub direction: Direction,
    pub scale: Scale,
    pub missing: Missing,
    pub span: Range<usize>,
    /// For a series: how many years before the recommendation's year its last year lies
    /// (default 1: the year before).
    pub lag: Option<At<i64>>,
    /// For a series: how many years to take, ending at `t − lag` (default 1).
    pub years: Option<At<i64>>,
    /// `s_i = x_i^p / Σ x_j^p` for a share; 1 is the plain share.
    pub power: f64,
    pub power_span: Option<Range<usize>>,
    /// What the criterion reads, resolved against the catalogue and the run's year by
    /// [`Criteria::check`].
    pub reads: Reads,
}

/// What a criterion reads once its column is resolved for the run's year.
#[derive(Clone, Debug, PartialEq)]
pub enum Reads {
    /// `equal`, or not resolved yet.
    Nothing,
    /// One indicator of the catalogue, whatever the year.
    Indicator(String),
    /// A series of the history in these years (oldest first), with each year's indicator.
    Series { series: Series, years: Vec<(i64, String)> },
}

impl Reads {
    /// The indicators read.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Reads::Nothing => Vec::new(),
            Reads::Indicator(n) => vec![n.as_str()],
            Reads::Series { years, .. } => years.iter().map(|(_, n)| n.as_str()).collect(),
        }
    }

    /// How the output names it: the indicator, or the series with its years
    /// (`request[2026]`, `settled[2024–2026]`).
    pub fn shown(&self) -> Option<String> {
        match self {
            Reads::Nothing => None,
            Reads::Indicator(n) => Some(n.clone()),
            Reads::Series { series, years } => {
                let first = years.first().map_or(0, |y| y.0);
                let last = years.last().map_or(0, |y| y.0);
                Some(if first == last {
                    format!("{}[{last}]", series.name())
                } else {
                    format!("{}[{first}–{last}]", series.name())
                })
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityMissing {
    /// A blank capacity cell is an error.
    Error,
    /// A blank capacity cell means no capacity limit for that municipality.
    NoLimit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    /// Everybody gets at least this many.
    pub minimum: u64,
    /// A municipality is either not asked (0) or asked for at least this many.
    pub minimum_if_asked: Option<At<u64>>,
    /// An indicator column with each municipality's declared capacity (a hard upper bound).
    pub capacity: Option<At<String>>,
    pub capacity_missing: CapacityMissing,
    /// At most this many per 1000 inhabitants.
    pub per_1000_cap: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OverrideRule {
    /// Exactly this number; it takes the place of every other bound.
    Fixed(u64),
    /// Tightens the other bounds.
    Between { min: Option<u64>, max: Option<u64> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The municipality as written: a number or a name.
    pub kommune: At<String>,
    /// Its index in the register, once [`Criteria::check`] has found it.
    pub index: Option<usize>,
    pub rule: OverrideRule,
    pub reason: String,
    pub span: Range<usize>,
}

/// A validated criteria file.
#[derive(Clone, Debug)]
pub struct Criteria {
    pub file: SourceFile,
    pub title: Option<String>,
    /// The language of the letters to municipalities whose målform is neutral (`neutral-language`;
    /// the county's, Nynorsk, when not given).
    pub neutral_language: Option<crate::lang::Lang>,
    /// The year the recommendation is for.
    pub year: i64,
    /// The county number (fylkesnummer), e.g. "46".
    pub county: String,
    pub total: u64,
    pub total_span: Range<usize>,
    pub method: Method,
    /// The indicator used as population `P` (per-1000 figures, population-weighted criteria):
    /// an indicator, or the series `population` (1 January of the year before the
    /// recommendation's).
    pub population: At<String>,
    /// The indicator the population resolves to for the run's year.
    pub population_column: String,
    pub criteria: Vec<Criterion>,
    pub bounds: Bounds,
    pub overrides: Vec<Override>,
    /// The weights as written added up to this.
    pub weight_sum: f64,
    pub normalised: bool,
    /// `[sensitivity]`: defaults for a robustness run (docs/model.md §7); flags override them.
    pub sensitivity: SensitivityDefaults,
    /// What the command line changed in this file for the run, for the user to see.
    pub notices: Vec<String>,
    /// The category, when the file has several (docs/model.md §6): each is allocated on its own.
    pub category: Option<Category>,
}

/// One `[[category]]` of a criteria file: adults and families, unaccompanied minors.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: String,
    pub label: Label,
}

/// How a robustness run draws, as written in `[sensitivity]`; every key optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SensitivityDefaults {
    pub draws: Option<u64>,
    pub seed: Option<u64>,
    /// Dirichlet concentration around the weights.
    pub kappa: Option<f64>,
    /// Uniform relative spread of each weight before renormalising.
    pub delta: Option<f64>,
    /// Relative error of the indicators.
    pub indicator_noise: Option<f64>,
}

const WEIGHT_TOLERANCE: f64 = 1e-9;

/// The largest total a file, `--total` or `apportion --seats` may ask for: far above any
/// county's, and small enough that every method finishes at once.
pub const MAX_TOTAL: u64 = 10_000_000;

/// The furthest back `lag` and `years` may reach.
pub const MAX_YEARS_BACK: i64 = 50;

impl Criteria {
    /// The indicator columns this file reads for its year, in order of first use (after
    /// [`Criteria::check`] has resolved the series).
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.population_column.as_str()];
        out.extend(self.criteria.iter().flat_map(|c| c.reads.names()));
        out.extend(self.bounds.capacity.iter().map(|c| c.value.as_str()));
        let mut seen = Vec::new();
        out.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        out
    }
}

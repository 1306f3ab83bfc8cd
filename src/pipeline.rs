//! The whole recommendation, stage by stage: load → validate → share → bound → allocate →
//! explain. Each stage takes plain data and returns plain data; rendering and writing are left
//! to the caller.

use std::path::{Path, PathBuf};

use crate::allocate::{self, Infeasible, Outcome};
use crate::apportion::ApportionError;
use crate::bounds::{self, BoundSource, Limits};
use crate::criteria::{self, Criteria};
use crate::data::{self, Dataset, Selection};
use crate::diag::{Diag, Diags};
use crate::explain::{self, Explanation};
use crate::lang::Lang;
use crate::share::{self, Shares};

/// A finished recommendation with everything needed to explain and render it.
pub struct Run {
    /// Where the inputs came from, as given on the command line.
    pub source: Source,
    pub criteria: Criteria,
    pub data: Dataset,
    pub population: Vec<f64>,
    pub shares: Shares,
    /// Each municipality's bounds before minimum-if-asked left anyone out.
    pub bounds: Vec<Limits>,
    pub outcome: Outcome,
    /// In register (kommunenummer) order; `rank` gives the ranked order.
    pub explanations: Vec<Explanation>,
    pub lang: Lang,
}

impl Run {
    /// The explanations in ranked order.
    pub fn ranked(&self) -> Vec<&Explanation> {
        let mut v: Vec<&Explanation> = self.explanations.iter().collect();
        v.sort_by_key(|e| e.rank);
        v
    }
}

/// Where a run's inputs come from, and what the command line overrides in the criteria file.
#[derive(Clone, Debug)]
pub struct Source {
    pub criteria: PathBuf,
    pub data: PathBuf,
    /// `--county`: another county than the file's, or `all`.
    pub county: Option<String>,
    /// `--total`: another total than the file's.
    pub total: Option<u64>,
    /// `--category`: one category of a file with several.
    pub category: Option<String>,
}

impl Source {
    pub fn new(criteria: &Path, data: &Path) -> Source {
        Source {
            criteria: criteria.to_path_buf(),
            data: data.to_path_buf(),
            county: None,
            total: None,
            category: None,
        }
    }
}

impl From<&crate::cli::Inputs> for Source {
    fn from(i: &crate::cli::Inputs) -> Source {
        Source {
            criteria: i.criteria.clone(),
            data: i.data.clone(),
            county: i.county.clone(),
            total: i.total,
            category: i.category.clone(),
        }
    }
}

fn criteria_text(path: &Path) -> Result<crate::diag::SourceFile, Diags> {
    data::read_text(
        path,
        &path.display().to_string(),
        "give the criteria file with --criteria; criteria/default.toml is the shipped example",
    )
    .map_err(Diags::from)
}

/// Reads a criteria file and checks its form.
fn read_criteria(path: &Path) -> Result<Criteria, Diags> {
    criteria_text(path).and_then(criteria::parse)
}

/// Reads every category of a criteria file (one for a file without categories).
fn read_all(path: &Path) -> Result<Vec<Criteria>, Diags> {
    criteria_text(path).and_then(criteria::parse_all)
}

/// The criteria of a run: the file's, or the category chosen with `--category`.
fn read_selected(source: &Source) -> Result<Criteria, Diags> {
    let Some(id) = &source.category else {
        return read_criteria(&source.criteria);
    };
    let all = read_all(&source.criteria)?;
    let ids: Vec<String> = all
        .iter()
        .filter_map(|c| c.category.as_ref().map(|k| k.id.clone()))
        .collect();
    all.into_iter()
        .find(|c| c.category.as_ref().is_some_and(|k| k.id == *id))
        .ok_or_else(|| {
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            Diags::from(
                Diag::error(
                    "usage::category",
                    format!("{} has no category `{id}`", source.criteria.display()),
                )
                .help(if refs.is_empty() {
                    "the file has no [[category]]; leave out --category".to_string()
                } else {
                    format!("its categories are {}", crate::suggest::and_list(&refs))
                }),
            )
        })
}

/// The municipalities a run covers: `--county`, else the criteria file's county.
fn select(source: &Source, criteria: &mut Criteria, folder: &mut data::Folder) -> Result<(), Diag> {
    let wanted = source.county.as_deref().unwrap_or(&criteria.county);
    let selection = folder.register.select_county(wanted)?;
    if source.county.is_some() {
        criteria.county = match &selection {
            Selection::County(c) => c.clone(),
            Selection::All => folder.register.county.clone().unwrap_or_else(|| "all".to_string()),
        };
    }
    Ok(())
}

/// A total for another county than the file's: `--total`, else IMDi's latest request for it.
fn total(source: &Source, file_county: &str, criteria: &mut Criteria, data: &Dataset) -> Result<(), Diag> {
    if let Some(t) = source.total {
        criteria.total = t;
        return Ok(());
    }
    if criteria.county == file_county {
        return Ok(());
    }
    let compare = data.catalogue.compare.as_ref();
    let request = compare
        .and_then(|c| c.request.as_ref())
        .and_then(|r| data.table.get(&r.value));
    let sum: f64 = request.map_or(0.0, |v| v.iter().flatten().sum());
    if sum <= 0.0 {
        return Err(Diag::error(
            "usage::total",
            format!(
                "{} gives the total for county {file_county}; county {} needs its own",
                criteria.file.name, criteria.county
            ),
        )
        .help("give the number to distribute with --total"));
    }
    criteria.total = sum.round() as u64;
    let place = match criteria.county.as_str() {
        "all" => "the whole country".to_string(),
        c => format!("county {c}"),
    };
    criteria.notices.push(format!(
        "the total for {place} is IMDi's request for {} there, {} (give another with --total)",
        compare.map_or(0, |c| c.year),
        criteria.total
    ));
    Ok(())
}

/// Reads and checks the criteria file (the category chosen with `--category`, if any) and the
/// data it needs, with the command line's overrides, also loading the indicators named in
/// `extra` (a calibration target, say). Every problem of both is reported: the file's form, its
/// fit to the catalogue, and the indicator tables.
pub fn load(source: &Source, extra: &[&str]) -> Result<(Criteria, Dataset), Diags> {
    let parsed = read_selected(source).map(|c| vec![c]);
    let mut loaded = load_each(source, parsed, extra)?;
    Ok(loaded.remove(0))
}

/// Every category of the criteria file (one for a file without categories) with its data. The
/// data folder is opened and read once for them all.
pub fn load_all(source: &Source) -> Result<Vec<(Criteria, Dataset)>, Diags> {
    load_each(source, read_all(&source.criteria), &[])
}

fn load_each(
    source: &Source,
    parsed: Result<Vec<Criteria>, Diags>,
    extra: &[&str],
) -> Result<Vec<(Criteria, Dataset)>, Diags> {
    let folder = data::open(&source.data);
    let mut diags = Diags::default();
    match (parsed, folder) {
        (Ok(all), Ok(mut folder)) => {
            let mut drafts = Vec::new();
            let mut wanted: Vec<String> = Vec::new();
            for mut criteria in all {
                let file_county = criteria.county.clone();
                select(source, &mut criteria, &mut folder)?;
                // Checked once to learn what it reads; checked for good once the total is set.
                match criteria.clone().check(&folder.catalogue, &folder.register) {
                    Ok(checked) => {
                        for c in checked.columns() {
                            if !wanted.iter().any(|w| w == c) {
                                wanted.push(c.to_string());
                            }
                        }
                    }
                    Err(e) => diags.extend(e),
                }
                drafts.push((criteria, file_county));
            }
            for e in extra {
                if folder.catalogue.indicator(e).is_some() && !wanted.iter().any(|w| w == e) {
                    wanted.push(e.to_string());
                }
            }
            let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
            match folder.load(&refs) {
                Ok(data) if !diags.has_errors() => drafts
                    .into_iter()
                    .map(|(mut draft, file_county)| {
                        total(source, &file_county, &mut draft, &data)?;
                        let criteria = draft.check(&data.catalogue, &data.register)?;
                        let mut own = criteria.columns();
                        own.extend(extra.iter().copied());
                        let data = data.narrowed(&own);
                        Ok((criteria, data))
                    })
                    .collect(),
                Ok(_) => Err(diags),
                Err(e) => {
                    diags.extend(e);
                    Err(diags)
                }
            }
        }
        (Err(e), Ok(folder)) => {
            // The criteria file is broken: still report what is wrong with the data.
            diags.extend(e);
            let all = folder.all_indicators();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            if let Err(e) = folder.load(&refs) {
                diags.extend(e);
            }
            Err(diags)
        }
        (c, Err(e)) => {
            if let Err(ce) = c {
                diags.extend(ce);
            }
            diags.extend(e);
            Err(diags)
        }
    }
}

/// The population column, complete and positive.
pub(crate) fn population(criteria: &Criteria, data: &Dataset) -> Result<Vec<f64>, Diags> {
    let values = data.table.get(&criteria.population_column).unwrap_or(&[]);
    let bad: Vec<String> = values
        .iter()
        .zip(&data.register.municipalities)
        .filter(|(v, _)| v.is_none_or(|v| v <= 0.0))
        .map(|(_, m)| m.label())
        .collect();
    if bad.is_empty() {
        return Ok(values.iter().map(|v| v.unwrap_or(0.0)).collect());
    }
    let file = data
        .catalogue
        .indicator(&criteria.population_column)
        .map_or("the data", |i| i.file.value.as_str());
    Err(Diags::from(
        Diag::error(
            "data::population",
            format!(
                "population `{}` is missing or 0 for {}",
                criteria.population_column,
                bad.join(", ")
            ),
        )
        .help(format!("every municipality needs a positive population in {file}")),
    ))
}

/// Checks a criteria file's form and its fit to the data folder's catalogue and register, without
/// reading any indicator.
pub fn check_form(criteria_path: &Path, data_dir: &Path) -> Result<(), Diags> {
    let mut diags = Diags::default();
    let all = read_all(criteria_path)?;
    let Ok(mut folder) = data::open(data_dir) else {
        return Ok(());
    };
    for mut criteria in all {
        select(&Source::new(criteria_path, data_dir), &mut criteria, &mut folder)?;
        if let Err(e) = criteria.check(&folder.catalogue, &folder.register) {
            diags.extend(e);
        }
    }
    diags.into_result(())
}

/// Shares and bounds: everything up to the allocation.
pub fn prepare(criteria: &Criteria, data: &Dataset) -> Result<(Vec<f64>, Shares, Vec<Limits>), Diags> {
    let population = population(criteria, data)?;
    let shares = share::compute(criteria, data, &population);
    let limits = bounds::compute(criteria, data, &population);
    match (shares, limits) {
        (Ok(s), Ok(l)) => Ok((population, s, l)),
        (s, l) => {
            let mut diags = Diags::default();
            if let Err(e) = s {
                diags.extend(e);
            }
            if let Err(e) = l {
                diags.extend(e);
            }
            Err(diags)
        }
    }
}

/// Runs the whole pipeline with the command line's overrides.
pub fn run(source: &Source, lang: Lang) -> Result<Run, Diags> {
    let (criteria, data) = load(source, &[])?;
    finish(source, criteria, data, lang)
}

/// Runs every category of the criteria file (one run for a file without categories), reporting
/// the problems of all of them.
pub fn run_all(source: &Source, lang: Lang) -> Result<Vec<Run>, Diags> {
    if source.category.is_some() {
        return run(source, lang).map(|r| vec![r]);
    }
    load_all(source)?
        .into_iter()
        .map(|(c, d)| finish(source, c, d, lang))
        .collect::<Result<Vec<Run>, Diags>>()
}

/// Runs a criteria file already read (`criteria`, as [`criteria::parse`] gives it) on data
/// already loaded: the file is checked against `data` here, as [`run`] would. For a caller that
/// keeps the data and runs many variants of a file (the planners' page); `data` must hold every
/// indicator the file reads.
pub fn run_on(source: &Source, mut criteria: Criteria, data: Dataset, lang: Lang) -> Result<Run, Diags> {
    let file_county = criteria.county.clone();
    if source.county.is_some() {
        criteria.county = data.register.county.clone().unwrap_or_else(|| "all".to_string());
    }
    total(source, &file_county, &mut criteria, &data)?;
    let criteria = criteria.check(&data.catalogue, &data.register)?;
    if let Some(missing) = criteria.columns().into_iter().find(|c| data.table.get(c).is_none()) {
        return Err(Diags::from(
            Diag::error(
                "data::not-loaded",
                format!("the indicator `{missing}` was not loaded with the data"),
            )
            .help("reload the data"),
        ));
    }
    finish(source, criteria, data, lang)
}

fn finish(source: &Source, criteria: Criteria, data: Dataset, lang: Lang) -> Result<Run, Diags> {
    let (population, shares, limits) = prepare(&criteria, &data)?;
    let outcome = allocate::allocate(
        criteria.method,
        criteria.total,
        &shares.combined,
        &limits,
        criteria.bounds.minimum_if_asked.as_ref().map(|m| m.value),
    )
    .map_err(|e| Diags::from(infeasible(&criteria, &e)))?;
    let mut explanations = explain::explain(&criteria, &data, &population, &shares, &outcome);
    for e in &mut explanations {
        e.sentence = explain::sentence(lang, e, &criteria);
    }
    Ok(Run {
        source: source.clone(),
        criteria,
        data,
        population,
        shares,
        bounds: limits,
        outcome,
        explanations,
        lang,
    })
}

/// Names the bounds that make a total unreachable, with the numbers.
pub fn infeasible(criteria: &Criteria, e: &Infeasible) -> Diag {
    let sources = |pick: fn(&Limits) -> Option<BoundSource>| -> String {
        let mut names: Vec<&str> = e.limits.iter().filter_map(pick).map(bounds::source_name).collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    };
    let after = match e.dropped {
        0 => String::new(),
        1 => " after leaving out 1 municipality below minimum-if-asked".to_string(),
        n => format!(" after leaving out {n} municipalities below minimum-if-asked"),
    };
    let (message, help) = match e.error {
        ApportionError::UpperTooLow { upper_sum, seats } if upper_sum == 0 && e.dropped > 0 => (
            format!(
                "minimum-if-asked {} leaves out all {} municipalities: no share of the total {seats} reaches it",
                criteria.bounds.minimum_if_asked.as_ref().map_or(0, |m| m.value),
                e.dropped
            ),
            "lower minimum-if-asked (IMDi asks for at least 5 or 10), or raise the total".to_string(),
        ),
        ApportionError::UpperTooLow { upper_sum, seats } => {
            let src = sources(|l| l.upper.map(|b| b.source).filter(|s| *s != BoundSource::NotAsked));
            let what = if src == "capacity" {
                "capacity adds".to_string()
            } else {
                format!("the upper bounds ({src}) add")
            };
            (
                format!(
                    "{what} up to {upper_sum}, {} short of the total {seats}{after}",
                    seats - upper_sum
                ),
                "lower the total, raise the capacity or the per-1000 cap, or remove a bound in [bounds]".to_string(),
            )
        }
        ApportionError::LowerTooHigh { lower_sum, seats } => (
            format!(
                "the lower bounds ({}) add up to {lower_sum}, {} more than the total {seats}",
                sources(|l| l.lower.map(|b| b.source)),
                lower_sum - seats
            ),
            "raise the total, or lower the minimum or the overrides' min and fixed numbers".to_string(),
        ),
        ApportionError::OnlyZeroWeightsLeft { room, seats } => (
            format!(
                "only municipalities with a combined share of 0 have room left ({room} places for the total {seats})"
            ),
            "give those municipalities a share (a criterion where they count), or raise the other bounds".to_string(),
        ),
        ApportionError::Crossed { index, lower, upper } => (
            format!(
                "municipality number {} in the register has lower bound {lower} above upper bound {upper}",
                index + 1
            ),
            "check the bounds and overrides".to_string(),
        ),
        ApportionError::BadWeight { index } => (
            format!(
                "municipality number {} in the register has a combined share that is not a number",
                index + 1
            ),
            "check the indicator values; this should have been caught earlier, so please report it".to_string(),
        ),
    };
    Diag::error(
        "allocate::infeasible",
        format!("no recommendation is possible: {message}"),
    )
    .at(
        &criteria.file,
        criteria.total_span.clone(),
        format!("total {}", criteria.total),
    )
    .help(help)
}

//! The backtest (docs/model.md §9): would a criteria file have predicted what IMDi actually asked?
//!
//! For every year `t` of the history, the file's recommendation is made as it could have been
//! made for `t`: every series counted back from `t` (population on 1 January of `t − 1`,
//! requests, decisions and settled counts up to `t − 1`), every indicator of one date used only
//! when that date lies before `t` (a criterion on a later figure is left out of that year and its
//! weight shared among the others in proportion; a capacity bound on one is dropped), the
//! file's overrides dropped (they are decisions for the file's own year), and the total set to
//! what IMDi actually asked of the municipalities in `t`. It is compared municipality by
//! municipality with IMDi's request in `t` (or the decision), and so are four baselines an
//! adviser would try: last year's request share, last year's decision share, population share and
//! an equal share, each times the same total.
//!
//! With fitting, the weights for `t` are calibrated ([`crate::calibrate::fit`]) on the years
//! before `t` only: each earlier year `u` contributes its criteria shares counted back from `u`
//! and its own requests as the target. Nothing from `t` or later reaches the prediction for `t`.

use serde::Serialize;

use crate::allocate;
use crate::bounds;
use crate::calibrate;
use crate::criteria::{Criteria, Reads};
use crate::data::{Dataset, Series};
use crate::diag::Diags;
use crate::pipeline;
use crate::share;

/// What the predictions are compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// IMDi's request to each municipality.
    Request,
    /// Each municipality's decision.
    Decision,
}

impl Target {
    pub fn series(self) -> Series {
        match self {
            Target::Request => Series::Request,
            Target::Decision => Series::Decision,
        }
    }
}

/// The baselines, in the order the output shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Baseline {
    /// Last year's request share times the total.
    LastRequest,
    /// Last year's decision share times the total (no decision counts as 0).
    LastDecision,
    /// Population share (1 January of the year before).
    Population,
    /// The same for every municipality.
    Equal,
}

impl Baseline {
    pub const EVERY: [Baseline; 4] = [
        Baseline::LastRequest,
        Baseline::LastDecision,
        Baseline::Population,
        Baseline::Equal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Baseline::LastRequest => "last-request",
            Baseline::LastDecision => "last-decision",
            Baseline::Population => "population",
            Baseline::Equal => "equal",
        }
    }
}

/// What to backtest.
#[derive(Clone, Debug)]
pub struct Options {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub target: Target,
    pub fit: bool,
}

/// How close one set of predictions came.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// Mean absolute error in persons.
    pub mae: f64,
    /// The mean absolute error as a percentage of the mean actual figure.
    pub mae_percent: f64,
    /// The share of municipalities within ±5 persons.
    pub within_5: f64,
    /// The municipalities compared (those with a known actual figure).
    pub compared: usize,
}

/// One municipality's miss.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Miss {
    pub kommunenummer: String,
    pub kommune: String,
    pub predicted: f64,
    pub actual: f64,
}

/// The file's recommendation for one year and how it did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileYear {
    pub score: Score,
    /// The five largest misses, largest first.
    pub misses: Vec<Miss>,
    /// The weights used, one per criterion of the file (0 for one left out).
    pub weights: Vec<f64>,
    /// Criteria left out because their indicator dates from `t` or later: (id, its year).
    pub left_out: Vec<(String, i64)>,
    /// A capacity bound dropped for the same reason.
    pub capacity_dropped: Option<(String, i64)>,
    /// With fitting: the years the weights were fitted on (empty: none before, the file's own
    /// weights were used).
    pub fitted_on: Vec<i64>,
    /// With fitting and no year to fit on: why the earlier years could not be used (`None`:
    /// there was no earlier year).
    pub not_fitted: Option<String>,
    /// The recommendation, in register order.
    pub predicted: Vec<u64>,
}

/// One year of the backtest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Year {
    pub year: i64,
    /// What IMDi asked of the municipalities in the year (the sum of the target).
    pub total: u64,
    /// The actual figures, in register order (`None`: not known).
    pub actual: Vec<Option<f64>>,
    /// The file's result, or why it could not be made for this year.
    pub file: Result<FileYear, String>,
    /// Each baseline in [`Baseline::EVERY`] order; `None` where its series lacks the year before.
    pub baselines: Vec<Option<Score>>,
}

/// The verdict over the years the file could be made for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The baseline with the smallest summed error over those years (the years the file was
    /// made and every baseline exists; with fitting, the years whose weights were fitted).
    pub best: Baseline,
    /// Years in which the file's error was below the best baseline's, of `years`.
    pub wins: usize,
    pub years: usize,
    /// The summed mean absolute errors over those years.
    pub file_sum: f64,
    pub best_sum: f64,
}

/// The whole backtest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    pub target: Target,
    pub fit: bool,
    pub years: Vec<Year>,
    pub verdict: Option<Verdict>,
    /// With fitting: the weights for the file's own year, fitted on every year of the history
    /// before it, and those years.
    pub next: Option<(Vec<f64>, Vec<i64>)>,
    /// Criteria (and their indicator) whose figures carry no date: used as they are in every
    /// year.
    pub undated: Vec<(String, String)>,
}

/// Why a backtest cannot run at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// The years asked for are outside what the history can test.
    Years { first: Option<i64>, last: Option<i64> },
}

/// The years the history can test: each needs its target and the year before it.
pub fn testable(data: &Dataset, target: Target) -> Vec<i64> {
    let cat = &data.catalogue;
    cat.history
        .iter()
        .filter(|h| h.get(target.series()).is_some())
        .map(|h| h.year)
        .filter(|&y| cat.history.iter().any(|h| h.year == y - 1))
        .collect()
}

fn column(data: &Dataset, series: Series, year: i64) -> Option<&[Option<f64>]> {
    data.catalogue.series_in(series, year).and_then(|n| data.table.get(n))
}

fn score(predicted: &[f64], actual: &[Option<f64>]) -> Score {
    let pairs: Vec<(f64, f64)> = predicted
        .iter()
        .zip(actual)
        .filter_map(|(p, a)| a.map(|a| (*p, a)))
        .collect();
    let n = pairs.len().max(1) as f64;
    let mae = pairs.iter().map(|(p, a)| (p - a).abs()).sum::<f64>() / n;
    let mean = pairs.iter().map(|(_, a)| a).sum::<f64>() / n;
    Score {
        mae,
        mae_percent: if mean > 0.0 { 100.0 * mae / mean } else { 0.0 },
        within_5: pairs.iter().filter(|(p, a)| (p - a).abs() <= 5.0).count() as f64 / n,
        compared: pairs.len(),
    }
}

/// `total` times the shares of a column (missing counts as 0); `None` when it adds up to 0.
fn share_times(values: &[Option<f64>], total: f64) -> Option<Vec<f64>> {
    let sum: f64 = values.iter().flatten().sum();
    (sum > 0.0).then(|| values.iter().map(|v| total * v.unwrap_or(0.0) / sum).collect())
}

fn baseline(data: &Dataset, b: Baseline, year: i64, total: f64) -> Option<Vec<f64>> {
    let n = data.register.len();
    match b {
        Baseline::LastRequest => share_times(column(data, Series::Request, year - 1)?, total),
        Baseline::LastDecision => share_times(column(data, Series::Decision, year - 1)?, total),
        Baseline::Population => share_times(column(data, Series::Population, year - 1)?, total),
        Baseline::Equal => Some(vec![total / n as f64; n]),
    }
}

fn first_message(d: &Diags) -> String {
    d.0.first().map_or_else(String::new, |d| d.message.clone())
}

/// The file as it could have been written for `year`: series counted back from it, overrides
/// dropped, and every criterion on a figure from `cutoff` or later left out (weight 0).
struct AsOf {
    criteria: Criteria,
    left_out: Vec<(String, i64)>,
    capacity_dropped: Option<(String, i64)>,
}

fn as_of(base: &Criteria, data: &Dataset, year: i64, cutoff: i64) -> Result<AsOf, String> {
    let mut draft = base.clone();
    draft.year = year;
    draft.overrides.clear();
    // Fitting on another county's (or the whole country's) years reads the file there.
    if let Some(county) = &data.register.county {
        draft.county.clone_from(county);
    }
    // What the file reads as of `year`; the variant made from it is checked again below.
    let reads = draft
        .clone()
        .check(&data.catalogue, &data.register)
        .map_err(|d| first_message(&d))?;
    let cat = &data.catalogue;
    let late = |name: &str| cat.as_of(name).filter(|&y| y >= cutoff);
    if let Some(y) = late(&reads.population_column) {
        return Err(format!(
            "the population `{}` is from {y}; write population = \"population\" to count it back from each year",
            reads.population_column
        ));
    }
    let mut left_out = Vec::new();
    for (k, r) in draft.criteria.iter_mut().zip(&reads.criteria) {
        if let Reads::Indicator(name) = &r.reads
            && let Some(y) = late(name)
        {
            left_out.push((k.id.clone(), y));
            k.weight = 0.0;
        }
    }
    let capacity_dropped = draft
        .bounds
        .capacity
        .as_ref()
        .and_then(|cap| Some((cap.value.clone(), late(&cap.value)?)));
    if capacity_dropped.is_some() {
        draft.bounds.capacity = None;
    }
    let sum: f64 = draft.criteria.iter().map(|k| k.weight).sum();
    if sum <= 0.0 {
        return Err("every criterion with a weight reads a figure from this year or later".to_string());
    }
    draft.criteria.iter_mut().for_each(|k| k.weight /= sum);
    Ok(AsOf {
        criteria: draft
            .check(&data.catalogue, &data.register)
            .map_err(|d| first_message(&d))?,
        left_out,
        capacity_dropped,
    })
}

/// The shares of every criterion of `c` for its year.
fn shares(c: &Criteria, data: &Dataset) -> Result<(Vec<f64>, share::Shares), String> {
    let population = pipeline::population(c, data).map_err(|d| first_message(&d))?;
    let shares = share::compute(c, data, &population).map_err(|d| first_message(&d))?;
    Ok((population, shares))
}

/// Weights fitted on the years before `t` (each counted back from itself), over the criteria
/// `kept` at `t`, with the years used. Without any earlier year that can be made: why the last
/// one tried could not (`None`: there was none).
fn fit(
    base: &Criteria,
    data: &Dataset,
    t: i64,
    kept: &[bool],
    target: Target,
) -> Result<(Vec<f64>, Vec<i64>), Option<String>> {
    let mut stacked: Vec<Vec<f64>> = vec![Vec::new(); kept.iter().filter(|k| **k).count()];
    let mut tau = Vec::new();
    let mut used = Vec::new();
    let years: Vec<i64> = data
        .catalogue
        .history
        .iter()
        .map(|h| h.year)
        .filter(|&u| u < t)
        .collect();
    let mut per_year = Vec::new();
    let mut why = None;
    for u in years {
        let Some(actual) = column(data, target.series(), u) else {
            continue;
        };
        let sum: f64 = actual.iter().flatten().sum();
        if sum <= 0.0 {
            continue;
        }
        // Figures of one date are known at `t`: they count as they are in every earlier year.
        let made = as_of(base, data, u, t).and_then(|c| shares(&c.criteria, data));
        let s = match made {
            Ok((_, s)) => s,
            Err(reason) => {
                why = Some(format!("{u}: {reason}"));
                continue;
            }
        };
        per_year.push((
            u,
            s,
            actual.iter().map(|a| a.unwrap_or(0.0) / sum).collect::<Vec<f64>>(),
        ));
    }
    let count = per_year.len() as f64;
    for (u, s, target_share) in per_year {
        for (slot, cs) in stacked
            .iter_mut()
            .zip(s.criteria.iter().zip(kept).filter(|(_, k)| **k).map(|(cs, _)| cs))
        {
            slot.extend(cs.shares.iter().map(|x| x / count));
        }
        tau.extend(target_share.iter().map(|x| x / count));
        used.push(u);
    }
    if used.is_empty() {
        return Err(why);
    }
    let f = calibrate::fit(&stacked, &tau)
        .ok_or_else(|| Some(format!("at most {} criteria can be fitted", calibrate::MAX_CRITERIA)))?;
    let mut weights = vec![0.0; kept.len()];
    let mut it = f.weights.into_iter();
    for (w, k) in weights.iter_mut().zip(kept) {
        if *k {
            *w = it.next().unwrap_or(0.0);
        }
    }
    Ok((weights, used))
}

fn file_year(
    base: &Criteria,
    data: &Dataset,
    train: &Dataset,
    t: i64,
    total: u64,
    actual: &[Option<f64>],
    opts: &Options,
) -> Result<FileYear, String> {
    let AsOf {
        criteria: c,
        left_out,
        capacity_dropped,
    } = as_of(base, data, t, t)?;
    // The fitted weights and the year's total make another variant of the file.
    let mut draft = c.clone();
    let (population, mut s) = shares(&c, data)?;
    let mut fitted_on = Vec::new();
    let mut not_fitted = None;
    if opts.fit {
        let kept: Vec<bool> = c
            .criteria
            .iter()
            .map(|k| !left_out.iter().any(|(id, _)| *id == k.id))
            .collect();
        match fit(base, train, t, &kept, opts.target) {
            Ok((w, years)) => {
                for (k, w) in draft.criteria.iter_mut().zip(&w) {
                    k.weight = *w;
                }
                fitted_on = years;
            }
            Err(reason) => not_fitted = reason,
        }
    }
    draft.total = total;
    let c = draft
        .check(&data.catalogue, &data.register)
        .map_err(|d| first_message(&d))?;
    let weights: Vec<f64> = c.criteria.iter().map(|k| k.weight).collect();
    let vectors: Vec<&[f64]> = s.criteria.iter().map(|x| x.shares.as_slice()).collect();
    s.combined = share::combine(&weights, &vectors);
    let limits = bounds::compute(&c, data, &population).map_err(|d| first_message(&d))?;
    let outcome = allocate::allocate(
        c.method,
        total,
        &s.combined,
        &limits,
        c.bounds.minimum_if_asked.as_ref().map(|m| m.value),
    )
    .map_err(|e| pipeline::infeasible(&c, &e).message)?;
    let predicted: Vec<f64> = outcome.seats.iter().map(|&a| a as f64).collect();
    let mut misses: Vec<Miss> = data
        .register
        .municipalities
        .iter()
        .zip(predicted.iter().zip(actual))
        .filter_map(|(m, (p, a))| {
            Some(Miss {
                kommunenummer: m.knr.clone(),
                kommune: m.name.clone(),
                predicted: *p,
                actual: (*a)?,
            })
        })
        .collect();
    misses.sort_by(|a, b| {
        (b.predicted - b.actual)
            .abs()
            .total_cmp(&(a.predicted - a.actual).abs())
            .then_with(|| a.kommunenummer.cmp(&b.kommunenummer))
    });
    misses.truncate(5);
    Ok(FileYear {
        score: score(&predicted, actual),
        misses,
        weights,
        left_out,
        capacity_dropped,
        fitted_on,
        not_fitted,
        predicted: outcome.seats,
    })
}

/// Runs the backtest of `criteria` on `data` (which must hold every indicator of the history
/// and every indicator the file names). With fitting, the weights are fitted on `train`'s
/// municipalities (another county, or the whole country) when given, else on `data`'s.
pub fn run(criteria: &Criteria, data: &Dataset, train: Option<&Dataset>, opts: &Options) -> Result<Backtest, Refusal> {
    let train = train.unwrap_or(data);
    let testable = testable(data, opts.target);
    let years: Vec<i64> = testable
        .iter()
        .copied()
        .filter(|&y| opts.from.is_none_or(|f| y >= f) && opts.to.is_none_or(|t| y <= t))
        .collect();
    if years.is_empty() {
        return Err(Refusal::Years {
            first: testable.first().copied(),
            last: testable.last().copied(),
        });
    }
    let mut out = Vec::new();
    for t in years {
        let actual: Vec<Option<f64>> = column(data, opts.target.series(), t)
            .map_or_else(|| vec![None; data.register.len()], <[Option<f64>]>::to_vec);
        let total = actual.iter().flatten().sum::<f64>().round() as u64;
        let file = if total == 0 {
            Err(format!(
                "the {} figures for {t} add up to 0",
                opts.target.series().name()
            ))
        } else {
            file_year(criteria, data, train, t, total, &actual, opts)
        };
        let baselines = Baseline::EVERY
            .iter()
            .map(|&b| baseline(data, b, t, total as f64).map(|p| score(&p, &actual)))
            .collect();
        out.push(Year {
            year: t,
            total,
            actual,
            file,
            baselines,
        });
    }
    let verdict = verdict(&out, opts.fit);
    let next = if opts.fit {
        as_of(criteria, data, criteria.year, criteria.year).ok().and_then(|a| {
            let kept: Vec<bool> = a
                .criteria
                .criteria
                .iter()
                .map(|k| !a.left_out.iter().any(|(id, _)| *id == k.id))
                .collect();
            fit(criteria, train, criteria.year, &kept, opts.target).ok()
        })
    } else {
        None
    };
    let undated = criteria
        .criteria
        .iter()
        .filter_map(|k| match &k.reads {
            Reads::Indicator(name) if data.catalogue.as_of(name).is_none() => Some((k.id.clone(), name.clone())),
            _ => None,
        })
        .collect();
    Ok(Backtest {
        target: opts.target,
        fit: opts.fit,
        years: out,
        verdict,
        next,
        undated,
    })
}

/// Whether a year counts in the verdict: the file was made, every baseline exists, and with
/// fitting its weights were fitted on earlier years (not the file's own, which may have been
/// chosen with that year in view).
pub fn counts(y: &Year, fit: bool) -> bool {
    y.baselines.iter().all(Option::is_some) && y.file.as_ref().is_ok_and(|f| !fit || !f.fitted_on.is_empty())
}

fn verdict(years: &[Year], fit: bool) -> Option<Verdict> {
    let made: Vec<&Year> = years.iter().filter(|y| counts(y, fit)).collect();
    let sum_of = |k: usize| -> Option<f64> { made.iter().map(|y| y.baselines[k].as_ref().map(|s| s.mae)).sum() };
    let (k, best_sum) = (0..Baseline::EVERY.len())
        .filter_map(|k| Some((k, sum_of(k)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let file_mae = |y: &Year| y.file.as_ref().map_or(0.0, |f| f.score.mae);
    Some(Verdict {
        best: Baseline::EVERY[k],
        wins: made
            .iter()
            .filter(|y| y.baselines[k].as_ref().is_some_and(|b| file_mae(y) < b.mae))
            .count(),
        years: made.len(),
        file_sum: made.iter().map(|y| file_mae(y)).sum(),
        best_sum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_counts_only_known_figures() {
        let s = score(&[10.0, 20.0, 7.0], &[Some(10.0), Some(30.0), None]);
        assert_eq!(s.compared, 2);
        assert_eq!(s.mae, 5.0);
        assert_eq!(s.mae_percent, 25.0);
        assert_eq!(s.within_5, 0.5);
    }

    #[test]
    fn shares_times_total_treat_missing_as_zero() {
        assert_eq!(
            share_times(&[Some(1.0), None, Some(3.0)], 8.0),
            Some(vec![2.0, 0.0, 6.0])
        );
        assert_eq!(share_times(&[None, Some(0.0)], 8.0), None);
    }
}

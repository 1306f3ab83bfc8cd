//! Years in a series (docs/model.md §8): IMDi's request, the municipality's decision (vedtak) and the
//! number settled, year by year from the data's `[[history]]`, with the recommendation of each
//! year for which a run has been published (its `manifest.json` in `reports/<year>/`).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::data::Dataset;
use crate::manifest::{self, Manifest};

/// One municipality (or the county) in one year; `None` where the figure is missing.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub recommendation: Option<f64>,
    pub request: Option<f64>,
    pub decision: Option<f64>,
    pub settled: Option<f64>,
}

impl Figures {
    /// The decision as a share of the request.
    pub fn decision_ratio(&self) -> Option<f64> {
        match (self.decision, self.request) {
            (Some(d), Some(r)) if r > 0.0 => Some(d / r),
            _ => None,
        }
    }
}

/// One year of the series: every municipality (register order) and the county.
#[derive(Clone, Debug, Serialize)]
pub struct Year {
    pub year: i64,
    pub note: Option<String>,
    pub municipalities: Vec<Figures>,
    pub county: Figures,
    /// Mean absolute difference between decision and request, over municipalities with both.
    pub mad_decision_request: Option<f64>,
    /// The share of municipalities asked (request > 0) whose decision met the request.
    pub met_request: Option<f64>,
    /// Mean absolute difference between decision and the recommendation, where both exist.
    pub mad_decision_recommendation: Option<f64>,
    /// The share of municipalities recommended (> 0) whose decision met the recommendation.
    pub met_recommendation: Option<f64>,
}

/// The published recommendations under `out`: year → kommunenummer → number.
pub fn published(out: &Path) -> HashMap<i64, HashMap<String, u64>> {
    let mut found = HashMap::new();
    let Ok(entries) = fs_err::read_dir(out) else {
        return found;
    };
    for e in entries.filter_map(Result::ok) {
        let Some(year) = e.file_name().to_str().and_then(|n| n.parse::<i64>().ok()) else {
            continue;
        };
        let Ok(text) = fs_err::read_to_string(e.path().join(manifest::FILE)) else {
            continue;
        };
        if let Ok(m) = serde_json::from_str::<Manifest>(&text)
            && m.category.is_none()
        {
            found.insert(
                year,
                m.recommendation
                    .into_iter()
                    .map(|n| (n.kommunenummer, n.recommendation))
                    .collect(),
            );
        }
    }
    found
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Sum of the known values; `None` when none is known.
fn total(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values.flatten().fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

/// The mean absolute difference of `a − b` and the share of entries with `b > 0` where `a ≥ b`.
fn agreement(
    rows: &[Figures],
    a: fn(&Figures) -> Option<f64>,
    b: fn(&Figures) -> Option<f64>,
) -> (Option<f64>, Option<f64>) {
    let pairs: Vec<(f64, f64)> = rows.iter().filter_map(|f| Some((a(f)?, b(f)?))).collect();
    let mad = mean(pairs.iter().map(|(x, y)| (x - y).abs()));
    let asked: Vec<&(f64, f64)> = pairs.iter().filter(|(_, y)| *y > 0.0).collect();
    let met = (!asked.is_empty()).then(|| asked.iter().filter(|(x, y)| x >= y).count() as f64 / asked.len() as f64);
    (mad, met)
}

/// The series for the run's municipalities, with the recommendations in `recs` (year →
/// kommunenummer → number: the published sets, this run's own numbers, or none).
pub fn series(data: &Dataset, recs: &HashMap<i64, HashMap<String, u64>>) -> Vec<Year> {
    let column = |name: &Option<String>| name.as_deref().and_then(|n| data.table.get(n));
    let mut years: Vec<i64> = data.catalogue.history.iter().map(|h| h.year).collect();
    years.extend(recs.keys().copied());
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|year| {
            let h = data.catalogue.history.iter().find(|h| h.year == year);
            let (request, decision, settled) = match h {
                Some(h) => (column(&h.request), column(&h.decision), column(&h.settled)),
                None => (None, None, None),
            };
            let rec = recs.get(&year);
            let municipalities: Vec<Figures> = data
                .register
                .municipalities
                .iter()
                .enumerate()
                .map(|(i, m)| Figures {
                    recommendation: rec.and_then(|r| r.get(&m.knr)).map(|&v| v as f64),
                    request: request.and_then(|c| c[i]),
                    decision: decision.and_then(|c| c[i]),
                    settled: settled.and_then(|c| c[i]),
                })
                .collect();
            let county = Figures {
                recommendation: total(municipalities.iter().map(|f| f.recommendation)),
                request: total(municipalities.iter().map(|f| f.request)),
                decision: total(municipalities.iter().map(|f| f.decision)),
                settled: total(municipalities.iter().map(|f| f.settled)),
            };
            let (mad_decision_request, met_request) = agreement(&municipalities, |f| f.decision, |f| f.request);
            let (mad_decision_recommendation, met_recommendation) =
                agreement(&municipalities, |f| f.decision, |f| f.recommendation);
            Year {
                year,
                note: h.and_then(|h| h.note.clone()),
                municipalities,
                county,
                mad_decision_request,
                met_request,
                mad_decision_recommendation,
                met_recommendation,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_counts_only_pairs_and_asked_municipalities() {
        let f = |d: Option<f64>, r: Option<f64>| Figures {
            request: r,
            decision: d,
            ..Figures::default()
        };
        let rows = [
            f(Some(10.0), Some(10.0)),
            f(Some(5.0), Some(10.0)),
            f(Some(0.0), Some(0.0)),
            f(None, Some(7.0)),
            f(Some(12.0), Some(10.0)),
        ];
        let (mad, met) = agreement(&rows, |f| f.decision, |f| f.request);
        assert_eq!(mad, Some((0.0 + 5.0 + 0.0 + 2.0) / 4.0));
        assert_eq!(met, Some(2.0 / 3.0));
        assert_eq!(rows[1].decision_ratio(), Some(0.5));
        assert_eq!(rows[2].decision_ratio(), None);
    }
}

//! Stage 3: from each criterion to a share vector, and the combined share (docs/model.md §2).

use crate::criteria::{Basis, Criteria, Criterion, Direction, Missing, Reads, Scale};
use crate::data::Dataset;
use crate::diag::{Diag, Diags};

/// Why a criterion's shares cannot be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareError {
    /// Every value is zero: no share can be taken of it.
    AllZero,
    /// `less` with `ratio-to-mean` divides by the value, which is zero for this entry.
    ZeroWithLess { index: usize },
}

/// A criterion's shares and how they came about.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionShares {
    /// The values used, after filling (`None` for `equal`).
    pub values: Option<Vec<f64>>,
    /// Entries whose value was filled in.
    pub filled: Vec<usize>,
    /// The value filled in; `None` when nothing was filled, or when no value was known at all
    /// (then every entry gets the same value and the criterion is neutral).
    pub fill_value: Option<f64>,
    /// The county mean of the values (population-weighted for population-weighted criteria).
    pub mean: Option<f64>,
    /// `g(x_i)`: 1 for `share` and `equal`.
    pub factors: Vec<f64>,
    /// `s_i`, adding up to 1.
    pub shares: Vec<f64>,
    /// The shares the criterion would give without its power (`power < 1` only): what the
    /// power moved.
    pub plain: Option<Vec<f64>>,
}

/// A criterion's factors `g(x_i)`, shares `s_i` and county mean.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaled {
    pub factors: Vec<f64>,
    pub shares: Vec<f64>,
    pub mean: Option<f64>,
}

/// As [`shares_of`], with a share raised to `power` (`s_i = x_i^p / Σ x_j^p`); other bases
/// ignore the power.
pub fn shares_powered(
    basis: Basis,
    direction: Direction,
    scale: Scale,
    power: f64,
    values: &[f64],
    population: &[f64],
) -> Result<Scaled, ShareError> {
    if basis != Basis::Share || power == 1.0 {
        return shares_of(basis, direction, scale, values, population);
    }
    let raised: Vec<f64> = values.iter().map(|x| x.powf(power)).collect();
    let mut scaled = shares_of(basis, direction, scale, &raised, population)?;
    scaled.mean = Some(values.iter().sum::<f64>() / values.len().max(1) as f64);
    Ok(scaled)
}

/// The share vector of one criterion over complete values (docs/model.md §2).
pub fn shares_of(
    basis: Basis,
    direction: Direction,
    scale: Scale,
    values: &[f64],
    population: &[f64],
) -> Result<Scaled, ShareError> {
    let n = population.len();
    match basis {
        Basis::Equal => Ok(Scaled {
            factors: vec![1.0; n],
            shares: vec![1.0 / n as f64; n],
            mean: None,
        }),
        Basis::Share => {
            let sum: f64 = values.iter().sum();
            if sum <= 0.0 {
                return Err(ShareError::AllZero);
            }
            let mean = sum / n as f64;
            Ok(Scaled {
                factors: vec![1.0; n],
                shares: values.iter().map(|x| x / sum).collect(),
                mean: Some(mean),
            })
        }
        Basis::PopulationWeighted => {
            let pop: f64 = population.iter().sum();
            let mean = values.iter().zip(population).map(|(x, p)| x * p).sum::<f64>() / pop;
            let factors: Vec<f64> = match scale {
                Scale::RatioToMean => {
                    if mean <= 0.0 {
                        return Err(ShareError::AllZero);
                    }
                    match direction {
                        Direction::More => values.iter().map(|x| x / mean).collect(),
                        Direction::Less => {
                            if let Some(index) = values.iter().position(|&x| x <= 0.0) {
                                return Err(ShareError::ZeroWithLess { index });
                            }
                            values.iter().map(|x| mean / x).collect()
                        }
                    }
                }
                Scale::MinMax { floor } => {
                    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    values
                        .iter()
                        .map(|&x| {
                            if hi <= lo {
                                return 1.0;
                            }
                            let t = match direction {
                                Direction::More => (x - lo) / (hi - lo),
                                Direction::Less => (hi - x) / (hi - lo),
                            };
                            floor + (1.0 - floor) * t
                        })
                        .collect()
                }
            };
            let weighted: Vec<f64> = factors.iter().zip(population).map(|(g, p)| g * p).collect();
            let sum: f64 = weighted.iter().sum();
            if sum <= 0.0 {
                return Err(ShareError::AllZero);
            }
            Ok(Scaled {
                factors,
                shares: weighted.iter().map(|w| w / sum).collect(),
                mean: Some(mean),
            })
        }
    }
}

/// Complete values after filling the missing ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Filled {
    pub values: Vec<f64>,
    /// The entries that were filled in.
    pub filled: Vec<usize>,
    /// The value filled in; `None` when nothing was filled, or nothing was known (every entry
    /// then gets the same value).
    pub value: Option<f64>,
}

/// Fills missing values by the criterion's policy; with `error`, returns the missing entries.
pub fn fill(raw: &[Option<f64>], policy: Missing, basis: Basis, population: &[f64]) -> Result<Filled, Vec<usize>> {
    let filled: Vec<usize> = (0..raw.len()).filter(|&i| raw[i].is_none()).collect();
    if filled.is_empty() {
        return Ok(Filled {
            values: raw.iter().map(|v| v.unwrap_or(0.0)).collect(),
            filled,
            value: None,
        });
    }
    let value = match policy {
        Missing::Error => return Err(filled),
        Missing::Zero => Some(0.0),
        Missing::CountyMean => {
            let known: Vec<(f64, f64)> = raw
                .iter()
                .zip(population)
                .filter_map(|(v, &p)| v.map(|v| (v, p)))
                .collect();
            if known.is_empty() {
                None
            } else if basis == Basis::PopulationWeighted {
                let pop: f64 = known.iter().map(|(_, p)| p).sum();
                Some(known.iter().map(|(v, p)| v * p).sum::<f64>() / pop)
            } else {
                Some(known.iter().map(|(v, _)| v).sum::<f64>() / known.len() as f64)
            }
        }
    };
    // With nothing known, any common value makes the criterion neutral; 1 keeps ratios defined.
    let used = value.unwrap_or(1.0);
    Ok(Filled {
        values: raw.iter().map(|v| v.unwrap_or(used)).collect(),
        filled,
        value,
    })
}

/// Shares of every criterion and the combined share `S_i = Σ_c w_c s_ci`.
#[derive(Clone, Debug)]
pub struct Shares {
    pub criteria: Vec<CriterionShares>,
    pub combined: Vec<f64>,
}

/// Combines weighted share vectors.
pub fn combine(weights: &[f64], shares: &[&[f64]]) -> Vec<f64> {
    let n = shares.first().map_or(0, |s| s.len());
    (0..n)
        .map(|i| weights.iter().zip(shares).map(|(w, s)| w * s[i]).sum())
        .collect()
}

/// Computes every criterion's shares on the data, reporting every criterion that cannot be
/// computed.
pub fn compute(criteria: &Criteria, data: &Dataset, population: &[f64]) -> Result<Shares, Diags> {
    let mut diags = Diags::default();
    let mut out = Vec::new();
    for c in &criteria.criteria {
        match criterion(criteria, c, data, population) {
            Ok(s) => out.push(s),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let weights: Vec<f64> = criteria.criteria.iter().map(|c| c.weight).collect();
    let vectors: Vec<&[f64]> = out.iter().map(|s| s.shares.as_slice()).collect();
    let combined = combine(&weights, &vectors);
    Ok(Shares {
        criteria: out,
        combined,
    })
}

fn criterion(criteria: &Criteria, c: &Criterion, data: &Dataset, population: &[f64]) -> Result<CriterionShares, Diag> {
    let names = |idx: &[usize]| -> String {
        let mut list: Vec<String> = idx
            .iter()
            .take(6)
            .map(|&i| data.register.municipalities[i].label())
            .collect();
        if idx.len() > 6 {
            list.push(format!("and {} more", idx.len() - 6));
        }
        list.join(", ")
    };
    let missing_error = |name: &str, missing: &[usize]| {
        let file = data
            .catalogue
            .indicator(name)
            .map_or("the data", |i| i.file.value.as_str());
        let col = c.column.as_ref();
        Diag::error(
            "share::missing",
            format!(
                "criterion `{}` needs `{name}`, but it is missing for {} {}: {}",
                c.id,
                missing.len(),
                if missing.len() == 1 { "municipality" } else { "municipalities" },
                names(missing)
            ),
        )
        .at(&criteria.file, col.map_or(c.span.clone(), |c| c.span.clone()), "no value for some municipalities")
        .help(format!(
            "fill the cells in {file}, or add missing = \"county-mean\" (counts them as average) or missing = \"zero\" to the criterion"
        ))
    };
    let (values, filled, fill_value) = match &c.reads {
        Reads::Nothing => (None, Vec::new(), None),
        Reads::Indicator(name) => {
            let raw = data.table.get(name).unwrap_or(&[]);
            match fill(raw, c.missing, c.basis, population) {
                Ok(f) => (Some(f.values), f.filled, f.value),
                Err(missing) => return Err(missing_error(name, &missing)),
            }
        }
        Reads::Series { years, .. } => {
            let n = population.len();
            let mut filled: Vec<usize> = Vec::new();
            let mut fill_value = None;
            let mut per_year = Vec::with_capacity(years.len());
            for (_, name) in years {
                let raw = data.table.get(name).unwrap_or(&[]);
                let f = fill(raw, c.missing, Basis::Share, population).map_err(|m| missing_error(name, &m))?;
                filled.extend(&f.filled);
                fill_value = f.value.or(fill_value);
                per_year.push((name, f.values));
            }
            filled.sort_unstable();
            filled.dedup();
            let values = match c.basis {
                // The mean of the yearly shares, in persons of an average year.
                Basis::Share => {
                    let mut mean_share = vec![0.0; n];
                    let mut mean_total = 0.0;
                    for (name, v) in &per_year {
                        let total: f64 = v.iter().sum();
                        if total <= 0.0 {
                            return Err(Diag::error(
                                "share::all-zero",
                                format!(
                                    "criterion `{}`: every value of `{name}` is 0, so it gives no shares",
                                    c.id
                                ),
                            )
                            .at(&criteria.file, c.span.clone(), "")
                            .help("choose other years with lag and years, or give the criterion weight 0"));
                        }
                        mean_total += total / per_year.len() as f64;
                        for (m, x) in mean_share.iter_mut().zip(v) {
                            *m += x / total / per_year.len() as f64;
                        }
                    }
                    mean_share.iter().map(|s| s * mean_total).collect()
                }
                // The years added up, per 1000 inhabitants.
                _ => (0..n)
                    .map(|i| per_year.iter().map(|(_, v)| v[i]).sum::<f64>() / population[i] * 1000.0)
                    .collect(),
            };
            (Some(values), filled, fill_value)
        }
    };
    let n = population.len();
    let vals = values.clone().unwrap_or_else(|| vec![0.0; n]);
    let plain = match (
        c.power != 1.0,
        shares_of(c.basis, c.direction, c.scale, &vals, population),
    ) {
        (true, Ok(p)) => Some(p.shares),
        _ => None,
    };
    match shares_powered(c.basis, c.direction, c.scale, c.power, &vals, population) {
        Ok(Scaled { factors, shares, mean }) => Ok(CriterionShares { values, filled, fill_value, mean, factors, shares, plain }),
        Err(ShareError::AllZero) => Err(Diag::error(
            "share::all-zero",
            format!("criterion `{}`: every value of `{}` is 0, so it gives no shares", c.id, c.reads.shown().unwrap_or_default()),
        )
        .at(&criteria.file, c.span.clone(), "")
        .help("check the column, or give the criterion weight 0")),
        Err(ShareError::ZeroWithLess { index }) => Err(Diag::error(
            "share::zero-less",
            format!(
                "criterion `{}` has direction \"less\" and scale \"ratio-to-mean\", which divides by the value, but {} has 0",
                c.id,
                data.register.municipalities[index].label()
            ),
        )
        .at(&criteria.file, c.span.clone(), "")
        .help("use scale = \"min-max\" for this criterion, which handles zeros")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: [f64; 3] = [100.0, 200.0, 700.0];

    #[test]
    fn population_weighting_is_population_share_times_relative_rate() {
        // Rates 50, 50, 50: a rate equal everywhere gives the population share.
        let Scaled {
            factors: g,
            shares: s,
            mean,
        } = shares_of(
            Basis::PopulationWeighted,
            Direction::More,
            Scale::RatioToMean,
            &[50.0; 3],
            &P,
        )
        .unwrap();
        assert_eq!(g, vec![1.0; 3]);
        assert_eq!(s, vec![0.1, 0.2, 0.7]);
        assert_eq!(mean, Some(50.0));
        // 10 % above the county mean weighs 10 % more than its population alone.
        let g = shares_of(
            Basis::PopulationWeighted,
            Direction::More,
            Scale::RatioToMean,
            &[55.0, 50.0, 50.0],
            &P,
        )
        .unwrap()
        .factors;
        assert!((g[0] / g[1] - 1.1).abs() < 1e-12);
    }

    #[test]
    fn less_and_min_max() {
        let g = shares_of(
            Basis::PopulationWeighted,
            Direction::Less,
            Scale::MinMax { floor: 0.5 },
            &[1.0, 2.0, 3.0],
            &P,
        )
        .unwrap()
        .factors;
        assert_eq!(g, vec![1.0, 0.75, 0.5]);
        assert_eq!(
            shares_of(
                Basis::PopulationWeighted,
                Direction::Less,
                Scale::RatioToMean,
                &[1.0, 0.0, 3.0],
                &P
            ),
            Err(ShareError::ZeroWithLess { index: 1 })
        );
    }

    #[test]
    fn filling_by_county_mean_makes_a_municipality_average() {
        let f = fill(
            &[Some(60.0), None, Some(70.0)],
            Missing::CountyMean,
            Basis::PopulationWeighted,
            &P,
        )
        .unwrap();
        assert_eq!(f.filled, vec![1]);
        let expected = (60.0 * 100.0 + 70.0 * 700.0) / 800.0;
        assert_eq!(f.value, Some(expected));
        assert_eq!(f.values[1], expected);
        // Nothing known: every municipality the same, the criterion acts as population share.
        let f = fill(&[None, None, None], Missing::CountyMean, Basis::PopulationWeighted, &P).unwrap();
        assert_eq!((f.filled.len(), f.value), (3, None));
        let s = shares_of(
            Basis::PopulationWeighted,
            Direction::More,
            Scale::RatioToMean,
            &f.values,
            &P,
        )
        .unwrap()
        .shares;
        assert_eq!(s, vec![0.1, 0.2, 0.7]);
        assert_eq!(
            fill(&[None, Some(1.0), None], Missing::Error, Basis::Share, &P),
            Err(vec![0, 2])
        );
    }
}

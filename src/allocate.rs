//! Stage 5: the bounded continuous quota and the integer recommendation, with
//! minimum-if-asked (docs/model.md §3–§4).

use serde::Serialize;

use crate::apportion::{self, ApportionError, Method, Problem, Tie, quota};
use crate::bounds::{Bound, BoundSource, Limits};

/// How a bound acted on the continuous quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "effect")]
pub enum Acting {
    /// The proportional quota was above the upper bound.
    Capped { source: BoundSource, value: u64 },
    /// The proportional quota was below the lower bound.
    Raised { source: BoundSource, value: u64 },
}

/// A municipality left out by minimum-if-asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dropped {
    #[serde(skip)]
    pub index: usize,
    /// What it would have been asked for, when it was the smallest below the minimum; `None`
    /// when its upper bound was below the minimum from the start.
    pub would_get: Option<u64>,
    /// Its upper bound, when that was the reason.
    pub upper: Option<Bound>,
    /// The order in which municipalities were left out (1 first).
    pub round: usize,
}

/// The result of the allocation stage.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub seats: Vec<u64>,
    /// `Q_i`, the bounded continuous quota.
    pub quota: Vec<f64>,
    /// `μ` with `Q_i = clamp(μ S_i, L_i, U_i)`; `λ = μ / T`.
    pub mu: f64,
    /// The bounds in force at the end (left-out municipalities have upper bound 0).
    pub limits: Vec<Limits>,
    pub acting: Vec<Option<Acting>>,
    pub dropped: Vec<Dropped>,
    pub ties: Vec<Tie>,
}

/// An infeasible allocation, with the bounds in force when it failed.
#[derive(Clone, Debug)]
pub struct Infeasible {
    pub error: ApportionError,
    pub limits: Vec<Limits>,
    pub dropped: usize,
}

fn vectors(limits: &[Limits]) -> (Vec<u64>, Vec<Option<u64>>) {
    (
        limits.iter().map(Limits::lower_value).collect(),
        limits.iter().map(Limits::upper_value).collect(),
    )
}

fn leave_out(limits: &mut Limits) {
    limits.lower = None;
    limits.upper = Some(Bound {
        value: 0,
        source: BoundSource::NotAsked,
    });
}

/// Of the municipalities below minimum-if-asked, the one left out next: the smallest share, and
/// of equal shares the later one. The robustness engine's fast path follows the same rule.
pub(crate) fn next_left_out(shares: &[f64], below: impl Iterator<Item = usize>) -> Option<usize> {
    below.min_by(|&i, &j| shares[i].total_cmp(&shares[j]).then(j.cmp(&i)))
}

/// Allocates `total` by `method` over the combined shares within the limits.
pub fn allocate(
    method: Method,
    total: u64,
    shares: &[f64],
    limits: &[Limits],
    minimum_if_asked: Option<u64>,
) -> Result<Outcome, Infeasible> {
    let mut limits = limits.to_vec();
    // Bounds that cannot hold the total are reported as written, before anybody is left out.
    let (lower, upper) = vectors(&limits);
    apportion::effective_upper(&Problem {
        weights: shares,
        lower: &lower,
        upper: &upper,
        seats: total,
    })
    .map_err(|error| Infeasible {
        error,
        limits: limits.clone(),
        dropped: 0,
    })?;
    let mut dropped = Vec::new();
    if let Some(m) = minimum_if_asked {
        for (i, l) in limits.iter_mut().enumerate() {
            if !l.is_protected() && l.upper.is_some_and(|u| u.value < m) {
                dropped.push(Dropped {
                    index: i,
                    would_get: None,
                    upper: l.upper,
                    round: dropped.len() + 1,
                });
                leave_out(l);
            }
        }
    }
    loop {
        let (lower, upper) = vectors(&limits);
        let problem = Problem {
            weights: shares,
            lower: &lower,
            upper: &upper,
            seats: total,
        };
        let allocation = apportion::apportion(method, &problem).map_err(|error| Infeasible {
            error,
            limits: limits.clone(),
            dropped: dropped.len(),
        })?;
        if let Some(m) = minimum_if_asked {
            // Leave out, one at a time and smallest share first, whoever lands between 0 and m.
            let below = next_left_out(
                shares,
                (0..shares.len())
                    .filter(|&i| !limits[i].is_protected() && allocation.seats[i] > 0 && allocation.seats[i] < m),
            );
            if let Some(i) = below {
                dropped.push(Dropped {
                    index: i,
                    would_get: Some(allocation.seats[i]),
                    upper: None,
                    round: dropped.len() + 1,
                });
                leave_out(&mut limits[i]);
                continue;
            }
        }
        let q = quota::water_fill(shares, &lower, &upper, total).ok_or_else(|| Infeasible {
            error: ApportionError::OnlyZeroWeightsLeft { room: 0, seats: total },
            limits: limits.clone(),
            dropped: dropped.len(),
        })?;
        let acting = (0..shares.len())
            .map(|i| {
                if let Some(u) = limits[i].upper.filter(|u| q.cmp_unbounded(i, u.value).is_gt()) {
                    return Some(Acting::Capped {
                        source: u.source,
                        value: u.value,
                    });
                }
                limits[i]
                    .lower
                    .filter(|l| q.cmp_unbounded(i, l.value).is_lt())
                    .map(|l| Acting::Raised {
                        source: l.source,
                        value: l.value,
                    })
            })
            .collect();
        return Ok(Outcome {
            seats: allocation.seats,
            quota: q.to_f64(),
            mu: q.mu(),
            limits,
            acting,
            dropped,
            ties: allocation.ties,
        });
    }
}

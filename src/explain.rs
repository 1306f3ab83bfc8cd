//! Stage 6: the explanation of every number (docs/model.md §5).
//!
//! For each municipality: each criterion's contribution in persons, the bound adjustment and the
//! rounding, which add up exactly to the recommendation; the raw indicator values and the
//! municipality's place in the county on each; and its margin, as an election count shows the
//! party closest to winning or losing a seat: how much its combined share would have to rise to
//! gain one more, and fall to lose its last one, and who would give or take that unit.

use serde::Serialize;

use crate::allocate::{Acting, Dropped, Outcome};
use crate::apportion::{self, Method, Problem};
use crate::bounds::{Bound, BoundSource};
use crate::criteria::{Basis, Criteria, Direction};
use crate::data::Dataset;
use crate::lang::{Lang, fill};
use crate::share::Shares;

#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    pub criterion: String,
    pub weight: f64,
    pub column: Option<String>,
    /// The value used (after filling), in the indicator's unit.
    pub value: Option<f64>,
    /// The value was missing and filled in by the criterion's policy.
    pub filled: bool,
    /// Place in the county on this criterion: 1 is the most favourable (ties share a place).
    pub rank: Option<usize>,
    /// `g(x)`, the factor against the county (1 for share and equal).
    pub factor: f64,
    pub share: f64,
    /// `T · w · s`, in persons.
    pub persons: f64,
    /// For a share with a power below 1: the share and persons the plain share would give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_persons: Option<f64>,
}

/// One step of the margin: how far the combined share must move for the number to change.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// The change in combined share (others' shares unchanged).
    pub share_change: f64,
    /// `T` times the change, in persons.
    pub persons: f64,
    /// The change as a percentage of the municipality's own share.
    pub percent_of_share: Option<f64>,
    /// The municipality that would give (or take) the unit.
    pub counterpart: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Side {
    Possible(Step),
    /// Held at a bound (none: already at 0): it cannot move this way whatever its share.
    AtBound {
        bound: Option<Bound>,
    },
    /// Nobody could give or take a unit (every other municipality at a bound).
    NoCounterpart,
}

#[derive(Clone, Debug, Serialize)]
pub struct Margin {
    pub gain: Side,
    pub lose: Side,
}

/// The municipality's own figures for the latest year in the data.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Previous {
    pub year: Option<i64>,
    pub request: Option<f64>,
    pub decision: Option<f64>,
    pub settled: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub rank: usize,
    pub kommunenummer: String,
    pub kommune: String,
    pub recommendation: u64,
    pub per_1000: f64,
    pub population: f64,
    pub combined_share: f64,
    /// `q = T · S`.
    pub unbounded_quota: f64,
    /// `Q = clamp(λ q, L, U)`.
    pub bounded_quota: f64,
    pub contributions: Vec<Contribution>,
    /// `Q − q`.
    pub bound_adjustment: f64,
    /// `a − Q`.
    pub rounding: f64,
    pub lower_bound: Option<Bound>,
    pub upper_bound: Option<Bound>,
    pub acting_bound: Option<Acting>,
    pub above_lower: u64,
    pub below_upper: Option<u64>,
    pub override_reason: Option<String>,
    pub not_asked: Option<Dropped>,
    pub margin: Margin,
    pub previous: Previous,
    pub sentence: String,
}

impl Explanation {
    /// `Σ contributions + bound adjustment + rounding`, which equals the recommendation.
    pub fn identity_sum(&self) -> f64 {
        self.contributions.iter().map(|c| c.persons).sum::<f64>() + self.bound_adjustment + self.rounding
    }
}

/// Competition ranking ("1224"): 1 for the most favourable value.
fn ranks(values: &[f64], direction: Direction) -> Vec<usize> {
    values
        .iter()
        .map(|v| {
            1 + values
                .iter()
                .filter(|w| match direction {
                    Direction::More => *w > v,
                    Direction::Less => *w < v,
                })
                .count()
        })
        .collect()
}

/// Builds every explanation (in register order) except the sentence, which the caller words in
/// the report's language.
pub fn explain(
    criteria: &Criteria,
    data: &Dataset,
    population: &[f64],
    shares: &Shares,
    outcome: &Outcome,
) -> Vec<Explanation> {
    let n = data.register.len();
    let t = criteria.total as f64;
    let s = &shares.combined;
    let lower: Vec<u64> = outcome.limits.iter().map(|l| l.lower_value()).collect();
    let upper: Vec<Option<u64>> = outcome.limits.iter().map(|l| l.upper_value()).collect();
    let problem = Problem {
        weights: s,
        lower: &lower,
        upper: &upper,
        seats: criteria.total,
    };
    let margins = margins(criteria.method, &problem, &outcome.seats, &outcome.limits);

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| {
        outcome.seats[j]
            .cmp(&outcome.seats[i])
            .then(s[j].total_cmp(&s[i]))
            .then(i.cmp(&j))
    });
    let mut rank = vec![0; n];
    for (place, &i) in order.iter().enumerate() {
        rank[i] = place + 1;
    }
    let criterion_ranks: Vec<Option<Vec<usize>>> = criteria
        .criteria
        .iter()
        .zip(&shares.criteria)
        .map(|(c, cs)| match (c.basis, &cs.values) {
            (Basis::Equal, _) | (_, None) => None,
            (_, Some(v)) => Some(ranks(v, c.direction)),
        })
        .collect();
    let compare = data.catalogue.compare.as_ref();
    let column = |name: Option<&crate::tomlread::At<String>>, i: usize| -> Option<f64> {
        name.and_then(|c| data.table.get(&c.value)).and_then(|v| v[i])
    };

    let mut out = Vec::with_capacity(n);
    for (i, m) in data.register.municipalities.iter().enumerate() {
        let contributions: Vec<Contribution> = criteria
            .criteria
            .iter()
            .zip(&shares.criteria)
            .zip(&criterion_ranks)
            .map(|((c, cs), r)| Contribution {
                criterion: c.id.clone(),
                weight: c.weight,
                column: c.reads.shown(),
                value: cs
                    .values
                    .as_ref()
                    .map(|v| v[i])
                    .filter(|_| cs.fill_value.is_some() || !cs.filled.contains(&i)),
                filled: cs.filled.contains(&i),
                rank: r.as_ref().map(|r| r[i]).filter(|_| !cs.filled.contains(&i)),
                factor: cs.factors[i],
                share: cs.shares[i],
                persons: t * c.weight * cs.shares[i],
                plain_share: cs.plain.as_ref().map(|p| p[i]),
                plain_persons: cs.plain.as_ref().map(|p| t * c.weight * p[i]),
            })
            .collect();
        let q = t * s[i];
        let big_q = outcome.quota[i];
        let a = outcome.seats[i];
        let limits = &outcome.limits[i];
        out.push(Explanation {
            rank: rank[i],
            kommunenummer: m.knr.clone(),
            kommune: m.name.clone(),
            recommendation: a,
            per_1000: a as f64 / population[i] * 1000.0,
            population: population[i],
            combined_share: s[i],
            unbounded_quota: q,
            bounded_quota: big_q,
            contributions,
            bound_adjustment: big_q - q,
            rounding: a as f64 - big_q,
            lower_bound: limits.lower,
            upper_bound: limits.upper,
            acting_bound: outcome.acting[i],
            above_lower: a - limits.lower_value(),
            below_upper: limits.upper_value().map(|u| u - a),
            override_reason: limits.override_index.map(|k| criteria.overrides[k].reason.clone()),
            not_asked: outcome.dropped.iter().find(|d| d.index == i).cloned(),
            margin: margins[i].clone().named(data, s[i], t),
            previous: Previous {
                year: compare.map(|c| c.year),
                request: compare.and_then(|c| column(c.request.as_ref(), i)),
                decision: compare.and_then(|c| column(c.decision.as_ref(), i)),
                settled: compare.and_then(|c| column(c.settled.as_ref(), i)),
            },
            sentence: String::new(),
        });
    }
    out
}

/// A margin whose counterparts are still indices.
#[derive(Clone, Debug)]
struct RawMargin {
    gain: RawSide,
    lose: RawSide,
}

#[derive(Clone, Debug)]
enum RawSide {
    Possible { change: f64, counterpart: Option<usize> },
    AtBound(Option<Bound>),
    NoCounterpart,
}

impl RawMargin {
    fn named(self, data: &Dataset, own: f64, total: f64) -> Margin {
        let side = |s: RawSide| match s {
            RawSide::Possible { change, counterpart } => Side::Possible(Step {
                share_change: change,
                persons: total * change,
                percent_of_share: (own > 0.0).then(|| change / own * 100.0),
                counterpart: counterpart.map(|j| data.register.municipalities[j].label()),
            }),
            RawSide::AtBound(bound) => Side::AtBound { bound },
            RawSide::NoCounterpart => Side::NoCounterpart,
        };
        Margin {
            gain: side(self.gain),
            lose: side(self.lose),
        }
    }
}

fn margins(method: Method, p: &Problem, seats: &[u64], limits: &[crate::bounds::Limits]) -> Vec<RawMargin> {
    // The counterparts of the divisor methods, found once: the weakest unit held and the
    // strongest unit withheld, each with the runner-up for the municipality that holds the first.
    let (weakest, strongest) = if method.is_divisor_method() {
        (weakest_held(method, p, seats), strongest_withheld(method, p, seats))
    } else {
        (Two::default(), Two::default())
    };
    (0..seats.len())
        .map(|i| {
            let gain = match limits[i].upper {
                Some(u) if seats[i] >= u.value => RawSide::AtBound(Some(u)),
                _ if method.is_divisor_method() => divisor_gain(method, p, seats, i, weakest.but(i)),
                _ => numeric(p, method, seats, i, true),
            };
            let lose = if seats[i] <= p.lower[i] {
                RawSide::AtBound(limits[i].lower)
            } else if method.is_divisor_method() {
                divisor_loss(method, p, seats, i, strongest.but(i))
            } else {
                numeric(p, method, seats, i, false)
            };
            RawMargin { gain, lose }
        })
        .collect()
}

/// The first and second of some municipalities in an order; the first of all but one is then
/// one of the two, so a margin needs no scan of its own.
#[derive(Clone, Copy, Debug, Default)]
struct Two {
    first: Option<usize>,
    second: Option<usize>,
}

impl Two {
    /// The first and second of `candidates` by `before` (a strict order: no two are equal).
    fn of(candidates: impl Iterator<Item = usize>, before: impl Fn(usize, usize) -> bool) -> Two {
        let mut two = Two::default();
        for j in candidates {
            match (two.first, two.second) {
                (None, _) => two.first = Some(j),
                (Some(f), _) if before(j, f) => {
                    two = Two {
                        first: Some(j),
                        second: two.first,
                    }
                }
                (Some(_), None) => two.second = Some(j),
                (Some(_), Some(s)) if before(j, s) => two.second = Some(j),
                _ => {}
            }
        }
        two
    }

    /// The first of them all but `i`.
    fn but(self, i: usize) -> Option<usize> {
        if self.first == Some(i) { self.second } else { self.first }
    }
}

/// The weakest unit held above a lower bound (finite quotients only): to gain, a municipality's
/// next unit must beat it. Of equal quotients the smaller share, then the later municipality.
fn weakest_held(method: Method, p: &Problem, seats: &[u64]) -> Two {
    let w = p.weights;
    let held = (0..seats.len()).filter(|&j| seats[j] > p.lower[j] && quotient(method, w[j], seats[j] - 1).is_finite());
    Two::of(held, |a, b| {
        unit_order(method, w, (a, seats[a] - 1), (b, seats[b] - 1)).is_lt()
    })
}

/// The strongest unit withheld from anyone with a share below their cap: to keep its last
/// unit, a municipality's must stay above it. Of equal quotients the larger share, then the
/// earlier municipality.
fn strongest_withheld(method: Method, p: &Problem, seats: &[u64]) -> Two {
    let w = p.weights;
    let withheld = (0..seats.len()).filter(|&j| w[j] > 0.0 && p.upper[j].is_none_or(|u| seats[j] < u));
    Two::of(withheld, |a, b| {
        unit_order(method, w, (a, seats[a]), (b, seats[b])).is_gt()
    })
}

/// The order of two units, each a municipality and the units it holds before it: by exact
/// quotient, then share, then the later municipality first. No two units are equal.
fn unit_order(method: Method, w: &[f64], (a, ha): (usize, u64), (b, hb): (usize, u64)) -> std::cmp::Ordering {
    apportion::exact::cmp_quotients(w[a], method.divisor(ha), w[b], method.divisor(hb))
        .then(w[a].total_cmp(&w[b]))
        .then(b.cmp(&a))
}

/// The quotient of a unit as a float (for margins only; decisions are exact).
fn quotient(method: Method, w: f64, held: u64) -> f64 {
    let d = method.divisor(held).value();
    if w == 0.0 {
        0.0
    } else if d == 0.0 {
        f64::INFINITY
    } else {
        w / d
    }
}

/// To gain: its next quotient must pass the weakest unit held by anyone else above their floor.
fn divisor_gain(method: Method, p: &Problem, seats: &[u64], i: usize, weakest: Option<usize>) -> RawSide {
    let w = p.weights;
    let Some(j) = weakest else {
        return RawSide::NoCounterpart;
    };
    let needed = quotient(method, w[j], seats[j] - 1) * method.divisor(seats[i]).value();
    RawSide::Possible {
        change: (needed - w[i]).max(0.0),
        counterpart: Some(j),
    }
}

/// To lose: its last quotient must fall below the best next unit of anyone else below their cap.
fn divisor_loss(method: Method, p: &Problem, seats: &[u64], i: usize, best: Option<usize>) -> RawSide {
    let w = p.weights;
    let Some(j) = best else { return RawSide::NoCounterpart };
    let threshold = quotient(method, w[j], seats[j]);
    let keep = if threshold.is_infinite() {
        w[i]
    } else {
        threshold * method.divisor(seats[i] - 1).value()
    };
    RawSide::Possible {
        change: (w[i] - keep).max(0.0),
        counterpart: Some(j),
    }
}

/// For the largest-remainder method, whose quota moves with every share, the margin is found by
/// bisection on the municipality's share, re-running the allocation.
fn numeric(p: &Problem, method: Method, seats: &[u64], i: usize, gain: bool) -> RawSide {
    let run = |delta: f64| -> Option<Vec<u64>> {
        let mut w = p.weights.to_vec();
        w[i] = if gain { w[i] + delta } else { (w[i] - delta).max(0.0) };
        apportion::apportion(method, &Problem { weights: &w, ..*p })
            .ok()
            .map(|a| a.seats)
    };
    let moved = |a: &Option<Vec<u64>>| {
        a.as_ref()
            .is_some_and(|a| if gain { a[i] > seats[i] } else { a[i] < seats[i] })
    };
    let total: f64 = p.weights.iter().sum();
    let (mut lo, mut hi) = (0.0, if gain { total.max(1e-12) / 1024.0 } else { p.weights[i] });
    let mut at_hi = run(hi);
    if gain {
        while !moved(&at_hi) {
            lo = hi;
            hi *= 2.0;
            if hi > 1024.0 * total.max(1e-12) {
                return RawSide::NoCounterpart;
            }
            at_hi = run(hi);
        }
    } else if !moved(&at_hi) {
        return RawSide::NoCounterpart;
    }
    for _ in 0..24 {
        let mid = 0.5 * (lo + hi);
        let at_mid = run(mid);
        if moved(&at_mid) {
            hi = mid;
            at_hi = at_mid;
        } else {
            lo = mid;
        }
    }
    let after = at_hi.unwrap_or_default();
    let counterpart =
        (0..seats.len()).find(|&j| j != i && if gain { after[j] < seats[j] } else { after[j] > seats[j] });
    RawSide::Possible {
        change: hi,
        counterpart,
    }
}

/// A bound's source in the report's language.
pub fn source_label(lang: Lang, s: BoundSource) -> &'static str {
    let t = lang.texts();
    match s {
        BoundSource::Minimum => t.src_minimum,
        BoundSource::Capacity => t.src_capacity,
        BoundSource::Per1000Cap => t.src_per_1000_cap,
        BoundSource::OverrideMin => t.src_override_min,
        BoundSource::OverrideMax => t.src_override_max,
        BoundSource::OverrideFixed => t.src_override_fixed,
        BoundSource::NotAsked => t.src_not_asked,
    }
}

/// A label inside a sentence: lower-case first letter, unless it is an acronym ("NAV").
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The plain sentence: "Kinn: 45, 3 fleire enn IMDi si oppmoding for 2024, mest på grunn av
/// folketal (+31) og arbeidsmarknad (+6); avgrensa av kapasitet (−4)."
pub fn sentence(lang: Lang, e: &Explanation, criteria: &Criteria) -> String {
    let t = lang.texts();
    let n = |x: f64| lang.signed(x, 0);
    let mut s = format!("{}: {}", e.kommune, lang.int(e.recommendation));
    if let Some(d) = &e.not_asked {
        let m = criteria.bounds.minimum_if_asked.as_ref().map_or(0, |m| m.value);
        let reason = match (d.would_get, d.upper) {
            (Some(got), _) => fill(t.s_not_asked_small, &[("n", &lang.int(got)), ("m", &lang.int(m))]),
            (None, upper) => fill(
                t.s_not_asked_cap,
                &[
                    ("upper", &lang.int(upper.map_or(0, |u| u.value))),
                    ("bound", upper.map_or("", |u| source_label(lang, u.source))),
                    ("m", &lang.int(m)),
                ],
            ),
        };
        return format!("{s}, {reason}.");
    }
    if let (Some(year), Some(request)) = (e.previous.year, e.previous.request) {
        let diff = e.recommendation as f64 - request;
        let amount = lang.num(diff.abs(), 0);
        let head = if diff > 0.0 {
            fill(t.s_more, &[("n", &amount)])
        } else if diff < 0.0 {
            fill(t.s_fewer, &[("n", &amount)])
        } else {
            t.s_same.to_string()
        };
        s.push_str(&format!(
            ", {head} {}",
            fill(t.s_request, &[("year", &year.to_string())])
        ));
    }
    let mut top: Vec<(usize, f64)> = e.contributions.iter().map(|c| c.persons).enumerate().collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let reasons: Vec<String> = top
        .iter()
        .take(2)
        .filter(|(_, p)| p.round() >= 1.0)
        .map(|&(k, p)| format!("{} ({})", in_sentence(criteria.criteria[k].label.get(lang)), n(p)))
        .collect();
    if !reasons.is_empty() {
        s.push_str(&format!(", {}", fill(t.s_because, &[("list", &lang.list(&reasons))])));
    }
    let adj = e.bound_adjustment;
    let bound_part = match e.acting_bound {
        Some(Acting::Capped { source, .. }) => Some(fill(
            t.s_capped,
            &[("bound", source_label(lang, source)), ("n", &n(adj))],
        )),
        Some(Acting::Raised { source, .. }) => Some(fill(
            t.s_raised,
            &[("bound", source_label(lang, source)), ("n", &n(adj))],
        )),
        None if adj.round() >= 1.0 => Some(fill(t.s_received, &[("n", &n(adj))])),
        None if adj.round() <= -1.0 => Some(fill(t.s_gave, &[("n", &n(adj))])),
        None => None,
    };
    if let Some(b) = bound_part {
        s.push_str(&format!("; {b}"));
    }
    if let Some(r) = &e.override_reason {
        s.push_str(&format!("; {}", fill(t.s_override, &[("reason", r)])));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Two;

    proptest! {
        /// The first of all but one, from the two found once, is what a scan of the others
        /// finds, for every one left out (keys with ties, broken by the index as the margins do).
        #[test]
        fn the_first_but_one_is_what_a_scan_finds(
            keys in prop::collection::vec(0u8..4, 0..40),
            take in prop::collection::vec(any::<bool>(), 40),
        ) {
            let candidates = || (0..keys.len()).filter(|&j| take[j]);
            let before = |a: usize, b: usize| (keys[a], std::cmp::Reverse(a)) < (keys[b], std::cmp::Reverse(b));
            let two = Two::of(candidates(), before);
            for i in 0..keys.len() {
                let scan = candidates()
                    .filter(|&j| j != i)
                    .min_by(|&a, &b| keys[a].cmp(&keys[b]).then(b.cmp(&a)));
                prop_assert_eq!(two.but(i), scan);
            }
        }
    }
}

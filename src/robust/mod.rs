//! Robustness (docs/model.md §7): how much each municipality's number moves when the weights, and
//! optionally the indicators, are drawn around the file's values.
//!
//! **Draws.** Draw `k` has its own random stream, ChaCha8 seeded with the run's seed and stream
//! number `k`, so a draw is the same whichever thread computes it and in whatever order. The
//! weights are built from one independent input per criterion and then normalised:
//!
//! * Dirichlet (`kappa` κ): `G_c ~ Gamma(κ w_c, 1)`, `w'_c = G_c / Σ G`. The mean is the file's
//!   weight and the spread shrinks as κ grows (sd `√(w (1 − w) / (κ + 1))`).
//! * Uniform (`delta` δ): `U_c ~ U(0, 1)`, `w'_c ∝ w_c (1 + δ (2 U_c − 1))`.
//!
//! A criterion with weight 0 stays at 0. With indicator noise `r`, each value of each indicator a
//! criterion reads (and the population) is multiplied by `exp(r Z − r²/2)`, `Z` standard normal: a
//! relative error of about `r` with mean 1. The bounds are then redone from the drawn population
//! (the per-1000 cap moves with it; declared capacity and overrides are the municipalities' and the
//! county's own numbers and stay).
//!
//! Each draw then redoes shares, the combined share and the integer method with its bounds and
//! minimum-if-asked ([`fast`], which falls back to the exact engine near a tie).
//!
//! **Summaries.** Memory does not grow with the number of draws: numbers and ranks are small
//! integers, so each municipality keeps a histogram of its numbers and of its ranks, and the
//! percentiles are exact (nearest rank: the smallest value with at least `⌈p K⌉` draws at or below
//! it). All sums are integers, so merging the threads' partial results is exact and the output
//! is byte-identical for any thread count.
//!
//! **Sobol indices.** The first-order index of criterion `c` for municipality `i` is
//! `S = Var(E[a_i | X_c]) / Var(a_i)`, `X_c` the criterion's independent input above. It is
//! estimated from the same draws without extra model runs (the "given data" estimator:
//! Plischke, Borgonovo & Smith 2013; Strong & Oakley 2012): the draws are sorted into `M`
//! equally likely classes of `X_c` (class edges from the inputs of the first 4096 draws), and
//! `S = (SSB − (M − 1) SSW / (K − M)) / SST` with the between-class, within-class and total sums
//! of squares of `a_i`; the subtracted term removes the estimator's positive bias, so an input
//! that does not matter gets an index near 0. Indices are clamped to `[0, 1]`; a municipality
//! whose number never moves has none.

pub mod fast;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::allocate;
use crate::apportion::Method;
use crate::bounds::{self, Limits};
use crate::criteria::{Basis, Direction, Scale};
use crate::pipeline::Run;
use crate::share;
use fast::{Allocator, Scratch};

/// How the weights are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Spread {
    Dirichlet { kappa: f64 },
    Uniform { delta: f64 },
}

/// The settings of one robustness run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Settings {
    pub draws: u64,
    pub seed: u64,
    pub spread: Spread,
    /// Relative error of the indicators; 0 leaves them as they are.
    pub indicator_noise: f64,
}

impl Settings {
    pub const DEFAULT_DRAWS: u64 = 10_000;
    pub const DEFAULT_SEED: u64 = 2027;
    pub const DEFAULT_KAPPA: f64 = 100.0;
}

/// One criterion as a draw needs it.
#[derive(Clone, Debug)]
pub struct Part {
    pub basis: Basis,
    pub direction: Direction,
    pub scale: Scale,
    /// The power of a share (1: plain).
    pub power: f64,
    /// The complete values (after filling); `None` for `equal`.
    pub values: Option<Vec<f64>>,
    /// Which noise column the values take (index into the model's columns).
    pub column: Option<usize>,
    pub shares: Vec<f64>,
    pub weight: f64,
}

/// Everything a draw needs, independent of where it came from.
#[derive(Clone, Debug)]
pub struct Model {
    pub method: Method,
    pub total: u64,
    pub minimum_if_asked: Option<u64>,
    pub limits: Vec<Limits>,
    pub population: Vec<f64>,
    /// Noise column of the population.
    pub population_column: usize,
    /// The number of distinct indicators that take noise.
    pub columns: usize,
    pub parts: Vec<Part>,
    /// The recommendation and ranks the draws are compared with.
    pub baseline: Vec<u64>,
    pub baseline_rank: Vec<usize>,
    /// The rules behind `limits`, to redo them when the population is drawn too (the per-1000
    /// cap moves with it).
    pub rules: Option<Rules>,
}

/// What the bounds are made of.
#[derive(Clone, Debug)]
pub struct Rules {
    pub bounds: crate::criteria::Bounds,
    pub overrides: Vec<crate::criteria::Override>,
    pub capacity: Option<Vec<Option<f64>>>,
}

impl Model {
    /// The model of a finished recommendation.
    pub fn of(run: &Run) -> Model {
        let c = &run.criteria;
        let mut names: Vec<String> = vec![c.population_column.clone()];
        let parts = c
            .criteria
            .iter()
            .zip(&run.shares.criteria)
            .map(|(cr, cs)| {
                // Criteria on the same indicators share their noise (the population's too).
                let column = Some(cr.reads.names().join("+")).filter(|n| !n.is_empty()).map(|col| {
                    names.iter().position(|n| *n == col).unwrap_or_else(|| {
                        names.push(col);
                        names.len() - 1
                    })
                });
                Part {
                    basis: cr.basis,
                    direction: cr.direction,
                    scale: cr.scale,
                    power: cr.power,
                    values: cs.values.clone(),
                    column,
                    shares: cs.shares.clone(),
                    weight: cr.weight,
                }
            })
            .collect();
        let mut baseline_rank = vec![0; run.explanations.len()];
        for (i, e) in run.explanations.iter().enumerate() {
            baseline_rank[i] = e.rank;
        }
        Model {
            method: c.method,
            total: c.total,
            minimum_if_asked: c.bounds.minimum_if_asked.as_ref().map(|m| m.value),
            limits: run.bounds.clone(),
            population: run.population.clone(),
            population_column: 0,
            columns: names.len(),
            parts,
            baseline: run.outcome.seats.clone(),
            baseline_rank,
            rules: Some(Rules {
                bounds: c.bounds.clone(),
                overrides: c.overrides.clone(),
                capacity: c
                    .bounds
                    .capacity
                    .as_ref()
                    .and_then(|col| run.data.table.get(&col.value))
                    .map(<[Option<f64>]>::to_vec),
            }),
        }
    }

    fn n(&self) -> usize {
        self.population.len()
    }
}

/// A value histogram over a window that grows as values arrive.
#[derive(Clone, Debug, Default)]
struct Histogram {
    start: u64,
    counts: Vec<u64>,
}

impl Histogram {
    #[inline]
    fn add(&mut self, v: u64, times: u64) {
        match self.counts.get_mut(v.wrapping_sub(self.start) as usize) {
            Some(count) => *count += times,
            None => self.widen(v, times),
        }
    }

    /// `add` for a value outside the window so far.
    #[cold]
    fn widen(&mut self, v: u64, times: u64) {
        if self.counts.is_empty() {
            self.start = v;
        }
        if v < self.start {
            let grow = (self.start - v) as usize;
            let mut counts = vec![0; grow];
            counts.append(&mut self.counts);
            self.counts = counts;
            self.start = v;
        }
        let k = (v - self.start) as usize;
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        self.counts[k] += times;
    }

    fn merge(&mut self, other: &Histogram) {
        for (v, c) in other.each() {
            if c > 0 {
                self.add(v, c);
            }
        }
    }

    /// The nearest-rank percentile: the smallest value with at least `⌈p K⌉` draws at or below.
    fn percentile(&self, p: f64) -> u64 {
        let total: u64 = self.counts.iter().sum();
        let need = ((p * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= need {
                return self.start + k as u64;
            }
        }
        self.start + self.counts.len().saturating_sub(1) as u64
    }

    fn min(&self) -> u64 {
        self.start + self.counts.iter().position(|&c| c > 0).unwrap_or(0) as u64
    }

    fn max(&self) -> u64 {
        self.start + self.counts.iter().rposition(|&c| c > 0).unwrap_or(0) as u64
    }

    /// Each value with its count.
    fn each(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        (self.start..).zip(self.counts.iter().copied())
    }

    /// The sum of the values and of their squares, exact.
    fn sums(&self) -> (u128, u128) {
        self.each().fold((0, 0), |(s, sq), (v, c)| {
            let (v, c) = (u128::from(v), u128::from(c));
            (s + v * c, sq + v * v * c)
        })
    }

    /// How many values differ from `value` by more than 1.
    fn beyond(&self, value: u64) -> u64 {
        self.each()
            .filter(|&(v, _)| v.abs_diff(value) > 1)
            .map(|(_, c)| c)
            .sum()
    }
}

/// Integer sums over a set of draws; merging two is exact.
#[derive(Clone, Debug)]
struct Tally {
    draws: u64,
    fallbacks: u64,
    infeasible: u64,
    /// Each municipality's numbers: their sum, their squares and how often they moved follow
    /// from it at the end, so a draw adds only one count.
    values: Vec<Histogram>,
    /// Each municipality's ranks in the draws where it is not at its place in the
    /// recommendation's order, and the number of those draws: most draws leave most
    /// municipalities in place, and a draw then only compares their index.
    ranks: Vec<Histogram>,
    away: Vec<u64>,
    /// Per (criterion, class): the number of draws, and per (criterion, class, municipality)
    /// the sum of numbers.
    class_count: Vec<u64>,
    class_sum: Vec<u64>,
}

impl Tally {
    fn new(n: usize, classes: usize) -> Tally {
        Tally {
            draws: 0,
            fallbacks: 0,
            infeasible: 0,
            values: vec![Histogram::default(); n],
            ranks: vec![Histogram::default(); n],
            away: vec![0; n],
            class_count: vec![0; classes],
            class_sum: vec![0; classes * n],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.draws += other.draws;
        self.fallbacks += other.fallbacks;
        self.infeasible += other.infeasible;
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            a.merge(b);
        }
        for (a, b) in self.ranks.iter_mut().zip(&other.ranks) {
            a.merge(b);
        }
        let add = |a: &mut [u64], b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.away, &other.away);
        add(&mut self.class_count, &other.class_count);
        add(&mut self.class_sum, &other.class_sum);
        self
    }
}

/// One municipality's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub kommunenummer: String,
    pub kommune: String,
    pub baseline: u64,
    pub p5: u64,
    pub p50: u64,
    pub p95: u64,
    pub min: u64,
    pub max: u64,
    pub mean: f64,
    /// The share of draws whose number differs from the baseline by more than 1.
    pub p_moved: f64,
    pub rank: usize,
    pub rank_p5: u64,
    pub rank_p95: u64,
    /// One index per criterion, in file order; `None` when the number never moved.
    pub sobol: Vec<Option<f64>>,
}

/// A criterion as the result names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionRef {
    pub id: String,
    pub weight: f64,
}

/// The result of a robustness run, as written to `sensitivity.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// SHA-256 over the criteria file and every input read: the report includes a saved run
    /// only when it matches.
    pub fingerprint: String,
    pub year: i64,
    pub settings: Settings,
    /// The classes per criterion of the Sobol estimator.
    pub classes: usize,
    /// Draws that needed the exact engine (a near tie).
    pub exact_draws: u64,
    /// Draws for which no allocation existed (left out of every summary).
    pub infeasible_draws: u64,
    pub criteria: Vec<CriterionRef>,
    /// In the recommendation's ranked order.
    pub rows: Vec<Row>,
}

/// The number of Sobol classes for `draws` draws: about 500 draws a class, 4 to 32 classes.
pub fn classes_for(draws: u64) -> usize {
    (draws / 500).clamp(4, 32) as usize
}

// A number of seats fits the 32 bits the ranking key gives it.
const _: () = assert!(crate::criteria::MAX_TOTAL < u32::MAX as u64);

/// Work buffers of one thread.
struct Work {
    inputs: Vec<f64>,
    weights: Vec<f64>,
    combined: Vec<f64>,
    seats: Vec<u64>,
    /// The ranking keys, sorted in each draw.
    sorted: Vec<u128>,
    scratch: Scratch,
    noise: Vec<f64>,
    noisy_values: Vec<f64>,
    noisy_population: Vec<f64>,
    shares: Vec<Vec<f64>>,
}

/// The draws of a run.
pub struct Engine<'a> {
    model: &'a Model,
    settings: Settings,
    allocator: Allocator,
    gammas: Vec<Option<Gamma<f64>>>,
    /// Class edges per criterion (`classes − 1` each).
    edges: Vec<Vec<f64>>,
    classes: usize,
    /// The municipalities in the recommendation's order.
    ranked: Vec<usize>,
}

impl<'a> Engine<'a> {
    pub fn new(model: &'a Model, settings: Settings) -> Engine<'a> {
        let gammas = model
            .parts
            .iter()
            .map(|p| match settings.spread {
                Spread::Dirichlet { kappa } if p.weight > 0.0 => Gamma::new(kappa * p.weight, 1.0).ok(),
                _ => None,
            })
            .collect();
        let allocator = Allocator::new(model.method, model.total, &model.limits, model.minimum_if_asked);
        let classes = classes_for(settings.draws);
        let mut ranked: Vec<usize> = (0..model.n()).collect();
        ranked.sort_by_key(|&i| model.baseline_rank[i]);
        let mut engine = Engine {
            model,
            settings,
            allocator,
            gammas,
            edges: Vec::new(),
            classes,
            ranked,
        };
        // Class edges: quantiles of each input over the first draws.
        let pilot = settings.draws.clamp(1, 4096);
        let c = model.parts.len();
        let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(pilot as usize); c];
        let mut inputs = vec![0.0; c];
        for k in 0..pilot {
            engine.draw_inputs(&mut engine.rng(k), &mut inputs);
            for (s, &x) in samples.iter_mut().zip(&inputs) {
                s.push(x);
            }
        }
        engine.edges = samples
            .into_iter()
            .map(|mut s| {
                s.sort_by(f64::total_cmp);
                (1..classes).map(|j| s[j * s.len() / classes]).collect()
            })
            .collect();
        engine
    }

    fn rng(&self, k: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.settings.seed);
        rng.set_stream(k);
        rng
    }

    /// The independent input of each criterion.
    fn draw_inputs(&self, rng: &mut ChaCha8Rng, inputs: &mut [f64]) {
        for (c, part) in self.model.parts.iter().enumerate() {
            inputs[c] = match self.settings.spread {
                Spread::Dirichlet { .. } => self.gammas[c].map_or(0.0, |g| g.sample(rng)),
                Spread::Uniform { .. } => {
                    if part.weight > 0.0 {
                        rng.random::<f64>()
                    } else {
                        0.0
                    }
                }
            };
        }
    }

    fn weights_of(&self, inputs: &[f64], weights: &mut [f64]) {
        for (c, part) in self.model.parts.iter().enumerate() {
            weights[c] = match self.settings.spread {
                Spread::Dirichlet { .. } => inputs[c],
                Spread::Uniform { delta } => part.weight * (1.0 + delta * (2.0 * inputs[c] - 1.0)),
            };
        }
        let sum: f64 = weights.iter().sum();
        if sum > 0.0 {
            weights.iter_mut().for_each(|w| *w /= sum);
        }
    }

    fn work(&self) -> Work {
        let n = self.model.n();
        let c = self.model.parts.len();
        Work {
            inputs: vec![0.0; c],
            weights: vec![0.0; c],
            combined: vec![0.0; n],
            seats: Vec::with_capacity(n),
            sorted: Vec::with_capacity(n),
            scratch: Scratch::default(),
            noise: vec![0.0; n * self.model.columns],
            noisy_values: vec![0.0; n],
            noisy_population: vec![0.0; n],
            shares: vec![vec![0.0; n]; c],
        }
    }

    /// Draw `k`: fills `work.seats` and `work.combined`; `false` when no allocation exists.
    fn draw(&self, k: u64, w: &mut Work, tally: &mut Tally) -> bool {
        let m = self.model;
        let n = m.n();
        let mut rng = self.rng(k);
        self.draw_inputs(&mut rng, &mut w.inputs);
        self.weights_of(&w.inputs, &mut w.weights);
        let r = self.settings.indicator_noise;
        w.combined.iter_mut().for_each(|s| *s = 0.0);
        if r > 0.0 {
            for f in w.noise.iter_mut() {
                let z: f64 = StandardNormal.sample(&mut rng);
                *f = (r * z - 0.5 * r * r).exp();
            }
            let pc = m.population_column;
            let scale = |out: &mut [f64], values: &[f64], col: usize| {
                for ((o, v), f) in out.iter_mut().zip(values).zip(&w.noise[col * n..(col + 1) * n]) {
                    *o = v * f;
                }
            };
            scale(&mut w.noisy_population, &m.population, pc);
            for (c, part) in m.parts.iter().enumerate() {
                if let (Some(values), Some(col)) = (&part.values, part.column) {
                    scale(&mut w.noisy_values, values, col);
                }
                let Ok(scaled) = share::shares_powered(
                    part.basis,
                    part.direction,
                    part.scale,
                    part.power,
                    &w.noisy_values,
                    &w.noisy_population,
                ) else {
                    return false;
                };
                w.shares[c] = scaled.shares;
            }
            for (c, s) in w.shares.iter().enumerate() {
                let wc = w.weights[c];
                w.combined.iter_mut().zip(s).for_each(|(x, y)| *x += wc * y);
            }
        } else {
            for (c, part) in m.parts.iter().enumerate() {
                let wc = w.weights[c];
                w.combined.iter_mut().zip(&part.shares).for_each(|(x, y)| *x += wc * y);
            }
        }
        // With the population drawn, the per-1000 cap is redone from it.
        let redone = match (&m.rules, r > 0.0) {
            (Some(rules), true) if rules.bounds.per_1000_cap.is_some() => {
                let limits = bounds::limits(
                    &rules.bounds,
                    &rules.overrides,
                    rules.capacity.as_deref(),
                    &w.noisy_population,
                );
                if limits
                    .iter()
                    .any(|l| l.lower_value() > l.upper_value().unwrap_or(u64::MAX))
                {
                    return false;
                }
                Some(limits)
            }
            _ => None,
        };
        let limits = redone.as_deref().unwrap_or(&m.limits);
        let fresh;
        let allocator = match &redone {
            Some(l) => {
                fresh = Allocator::new(m.method, m.total, l, m.minimum_if_asked);
                &fresh
            }
            None => &self.allocator,
        };
        if !allocator.seats(&w.combined, &mut w.seats, &mut w.scratch) {
            tally.fallbacks += 1;
            match allocate::allocate(m.method, m.total, &w.combined, limits, m.minimum_if_asked) {
                Ok(outcome) => w.seats.clone_from(&outcome.seats),
                Err(_) => return false,
            }
        }
        true
    }

    fn class_of(&self, c: usize, x: f64) -> usize {
        self.edges[c].partition_point(|&e| e <= x)
    }

    fn record(&self, w: &mut Work, t: &mut Tally) {
        let m = self.model;
        let n = m.n();
        let (seats, combined) = (&w.seats, &w.combined);
        // The recommendation's order: more seats first, then the larger share, then the lower
        // kommunenummer, as one key that sorts ascending: the seats (at most the total, below
        // 2^32), the share's bits and the index, 32 + 64 + 32 bits. A draw's order is near the
        // recommendation's (nearer than to another draw's), so insertion sort from it is quick.
        let key = |i: usize| -> u128 {
            let fewer = u32::MAX - u32::try_from(seats[i]).unwrap_or(u32::MAX);
            let smaller = !fast::ordered(combined[i]);
            u128::from(fewer) << 96 | u128::from(smaller) << 32 | i as u128
        };
        let sorted = &mut w.sorted;
        sorted.clear();
        sorted.extend(self.ranked.iter().map(|&i| key(i)));
        for k in 1..sorted.len() {
            let item = sorted[k];
            let mut p = k;
            while p > 0 && item < sorted[p - 1] {
                sorted[p] = sorted[p - 1];
                p -= 1;
            }
            sorted[p] = item;
        }
        for (place, (&key, &home)) in sorted.iter().zip(&self.ranked).enumerate() {
            let i = key as u32 as usize;
            if i != home {
                t.ranks[i].add(place as u64 + 1, 1);
                t.away[i] += 1;
            }
        }
        for (values, &a) in t.values.iter_mut().zip(seats) {
            values.add(a, 1);
        }
        for c in 0..m.parts.len() {
            let class = c * self.classes + self.class_of(c, w.inputs[c]);
            t.class_count[class] += 1;
            let sums = &mut t.class_sum[class * n..(class + 1) * n];
            sums.iter_mut().zip(seats).for_each(|(s, &a)| *s += a);
        }
        t.draws += 1;
    }

    /// Runs every draw, in parallel; `progress` is told how many draws are done, now and then.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Summary {
        let k = self.settings.draws;
        let chunks = (rayon::current_num_threads() as u64 * 8).clamp(1, k.max(1));
        let n = self.model.n();
        let cells = self.model.parts.len() * self.classes;
        let tally = (0..chunks)
            .into_par_iter()
            .map(|chunk| {
                let (from, to) = (chunk * k / chunks, (chunk + 1) * k / chunks);
                let mut t = Tally::new(n, cells);
                let mut w = self.work();
                for draw in from..to {
                    if self.draw(draw, &mut w, &mut t) {
                        self.record(&mut w, &mut t);
                    } else {
                        t.infeasible += 1;
                    }
                    if (draw - from) % 1024 == 1023 {
                        progress(1024);
                    }
                }
                progress((to - from) % 1024);
                t
            })
            .reduce(|| Tally::new(n, cells), Tally::merge);
        let mut home = vec![0; n];
        for (place, &i) in self.ranked.iter().enumerate() {
            home[i] = place as u64 + 1;
        }
        Summary {
            tally,
            classes: self.classes,
            home,
        }
    }
}

/// The merged sums of a run, before naming.
pub struct Summary {
    tally: Tally,
    classes: usize,
    /// Each municipality's place (1 = first) in the recommendation's order.
    home: Vec<u64>,
}

impl Summary {
    /// Per municipality (register order): percentiles, rank interval and Sobol indices.
    pub fn rows(&self, model: &Model) -> Vec<Row> {
        let t = &self.tally;
        let n = model.n();
        let k = t.draws as f64;
        (0..n)
            .map(|i| {
                let (sum, sum_sq) = t.values[i].sums();
                let mut ranks = t.ranks[i].clone();
                let home = t.draws - t.away[i];
                if home > 0 {
                    ranks.add(self.home[i], home);
                }
                let sst = sum_sq as f64 - (sum as f64).powi(2) / k;
                let sobol = (0..model.parts.len())
                    .map(|c| {
                        if t.draws < 2 || sst <= 0.0 {
                            return None;
                        }
                        let mut ssb = 0.0;
                        let mut used = 0usize;
                        for b in 0..self.classes {
                            let cell = c * self.classes + b;
                            let nb = t.class_count[cell];
                            if nb > 0 {
                                used += 1;
                                let s = t.class_sum[cell * n + i] as f64;
                                ssb += s * s / nb as f64;
                            }
                        }
                        ssb -= (sum as f64).powi(2) / k;
                        let ssw = (sst - ssb).max(0.0);
                        let bias = if t.draws as usize > used {
                            (used.saturating_sub(1)) as f64 * ssw / (k - used as f64)
                        } else {
                            0.0
                        };
                        Some(((ssb - bias) / sst).clamp(0.0, 1.0))
                    })
                    .collect();
                Row {
                    kommunenummer: String::new(),
                    kommune: String::new(),
                    baseline: model.baseline[i],
                    p5: t.values[i].percentile(0.05),
                    p50: t.values[i].percentile(0.50),
                    p95: t.values[i].percentile(0.95),
                    min: t.values[i].min(),
                    max: t.values[i].max(),
                    mean: if t.draws > 0 { sum as f64 / k } else { f64::NAN },
                    p_moved: if t.draws > 0 {
                        t.values[i].beyond(model.baseline[i]) as f64 / k
                    } else {
                        0.0
                    },
                    rank: model.baseline_rank[i],
                    rank_p5: ranks.percentile(0.05),
                    rank_p95: ranks.percentile(0.95),
                    sobol,
                }
            })
            .collect()
    }

    pub fn exact_draws(&self) -> u64 {
        self.tally.fallbacks
    }

    pub fn infeasible_draws(&self) -> u64 {
        self.tally.infeasible
    }

    pub fn classes(&self) -> usize {
        self.classes
    }
}

/// A robustness run of a finished recommendation.
pub fn analyse(run: &Run, settings: Settings, progress: &(dyn Fn(u64) + Sync)) -> Sensitivity {
    let model = Model::of(run);
    let engine = Engine::new(&model, settings);
    let summary = engine.run(progress);
    let mut rows = summary.rows(&model);
    for (row, m) in rows.iter_mut().zip(&run.data.register.municipalities) {
        row.kommunenummer = m.knr.clone();
        row.kommune = m.name.clone();
    }
    rows.sort_by_key(|r| r.rank);
    Sensitivity {
        fingerprint: fingerprint(run),
        year: run.criteria.year,
        settings,
        classes: summary.classes(),
        exact_draws: summary.exact_draws(),
        infeasible_draws: summary.infeasible_draws(),
        criteria: run
            .criteria
            .criteria
            .iter()
            .map(|c| CriterionRef {
                id: c.id.clone(),
                weight: c.weight,
            })
            .collect(),
        rows,
    }
}

/// SHA-256 over the criteria text and every input file, in the order read.
pub fn fingerprint(run: &Run) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(run.criteria.file.text.as_bytes());
    for i in &run.data.inputs {
        h.update([0u8]);
        h.update(i.name.as_bytes());
        h.update([0u8]);
        h.update(i.text.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apportion::Ratio;

    #[test]
    fn percentiles_are_nearest_rank_and_exact() {
        let mut h = Histogram::default();
        for v in [12, 10, 11, 10, 14, 10, 13, 11, 10, 15] {
            h.add(v, 1);
        }
        // Sorted: 10 10 10 10 11 11 12 13 14 15.
        assert_eq!(
            (h.percentile(0.05), h.percentile(0.5), h.percentile(0.95)),
            (10, 11, 15)
        );
        assert_eq!((h.min(), h.max()), (10, 15));
        let mut other = Histogram::default();
        other.add(7, 10);
        h.merge(&other);
        assert_eq!((h.percentile(0.5), h.percentile(0.51), h.min()), (7, 10, 7));
    }

    /// Twenty municipalities; criterion C's shares are the even mix of A's and B's, so its
    /// weight hardly changes the combined share while A's and B's weights do.
    fn model() -> Model {
        let n = 20;
        let a: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let sa: f64 = a.iter().sum();
        let a: Vec<f64> = a.iter().map(|x| x / sa).collect();
        let b = vec![1.0 / n as f64; n];
        let c: Vec<f64> = a.iter().zip(&b).map(|(x, y)| 0.5 * (x + y)).collect();
        let part = |shares: Vec<f64>, weight: f64| Part {
            power: 1.0,
            basis: Basis::Share,
            direction: Direction::More,
            scale: Scale::RatioToMean,
            values: Some(shares.clone()),
            column: None,
            shares,
            weight,
        };
        let combined: Vec<f64> = (0..n).map(|i| 0.4 * a[i] + 0.4 * b[i] + 0.2 * c[i]).collect();
        let limits = vec![Limits::default(); n];
        let method = Method::SainteLague {
            first_divisor: Ratio::ONE,
        };
        let baseline = allocate::allocate(method, 1000, &combined, &limits, None)
            .unwrap()
            .seats;
        Model {
            method,
            total: 1000,
            minimum_if_asked: None,
            limits,
            population: vec![1000.0; n],
            population_column: 0,
            columns: 1,
            parts: vec![part(a, 0.4), part(b, 0.4), part(c, 0.2)],
            baseline,
            baseline_rank: (1..=n).rev().collect(),
            rules: None,
        }
    }

    #[test]
    fn a_weight_that_cannot_move_the_shares_gets_an_index_near_zero() {
        let m = model();
        let settings = Settings {
            draws: 20_000,
            seed: 1,
            spread: Spread::Dirichlet { kappa: 30.0 },
            indicator_noise: 0.0,
        };
        let rows = Engine::new(&m, settings).run(&|_| {}).rows(&m);
        let (mut a, mut c) = (0.0f64, 0.0f64);
        for r in rows.iter().filter(|r| r.sobol[0].is_some()) {
            a = a.max(r.sobol[0].unwrap_or(0.0));
            c = c.max(r.sobol[2].unwrap_or(0.0));
        }
        assert!(a > 0.3, "A explains much: {a}");
        assert!(c < 0.03, "C explains next to nothing: {c}");
    }

    /// The rank interval is the nearest-rank percentiles of the ranks the draws give, each
    /// rank counted straight from a full sort, with shares that cross so that ranks move.
    #[test]
    fn the_rank_interval_is_that_of_the_ranks_drawn() {
        let mut m = model();
        let n = m.n();
        // B now falls where A rises: with the weights drawn, the combined shares cross.
        let b: Vec<f64> = m.parts[0].shares.iter().rev().copied().collect();
        m.parts[1].shares = b.clone();
        m.parts[1].values = Some(b);
        // Any order will do as the recommendation's; this one is neither A's nor B's.
        m.baseline_rank = (0..n).map(|i| (i * 7) % n + 1).collect();
        let settings = Settings {
            draws: 3_000,
            seed: 11,
            spread: Spread::Uniform { delta: 0.5 },
            indicator_noise: 0.0,
        };
        let engine = Engine::new(&m, settings);
        let rows = engine.run(&|_| {}).rows(&m);
        let mut drawn: Vec<Vec<u64>> = vec![Vec::new(); n];
        let (mut w, mut t) = (engine.work(), Tally::new(n, m.parts.len() * engine.classes));
        for k in 0..settings.draws {
            assert!(engine.draw(k, &mut w, &mut t));
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&i, &j| {
                (w.seats[j].cmp(&w.seats[i]))
                    .then(w.combined[j].total_cmp(&w.combined[i]))
                    .then(i.cmp(&j))
            });
            for (place, &i) in order.iter().enumerate() {
                drawn[i].push(place as u64 + 1);
            }
        }
        let percentile = |ranks: &[u64], p: f64| ranks[((p * ranks.len() as f64).ceil() as usize).max(1) - 1];
        let mut moved = 0;
        for (i, ranks) in drawn.iter_mut().enumerate() {
            ranks.sort_unstable();
            moved += ranks.iter().filter(|&&r| r != ranks[ranks.len() / 2]).count();
            assert_eq!(
                (rows[i].rank_p5, rows[i].rank_p95),
                (percentile(ranks, 0.05), percentile(ranks, 0.95)),
                "municipality {i}"
            );
        }
        // Not vacuous: ranks moved in many draws, and so did the intervals.
        assert!(moved > 10_000, "only {moved} ranks away from the median");
        assert!(rows.iter().filter(|r| r.rank_p5 < r.rank_p95).count() > n / 2);
    }

    #[test]
    fn the_fast_path_decides_nearly_every_draw() {
        let m = model();
        let settings = Settings {
            draws: 5_000,
            seed: 3,
            spread: Spread::Uniform { delta: 0.5 },
            indicator_noise: 0.0,
        };
        let summary = Engine::new(&m, settings).run(&|_| {});
        assert!(
            summary.exact_draws() < 250,
            "{} of 5000 draws needed the exact engine",
            summary.exact_draws()
        );
        assert_eq!(summary.infeasible_draws(), 0);
    }
}

//! The allocation stage again, in plain floating point, for the thousands of draws of a
//! robustness run.
//!
//! The recommendation itself is always computed by [`crate::allocate`], where every comparison
//! is exact. A draw needs only the integers, and most draws are far from any tie, so this module
//! computes them with `f64` and then checks a margin: when the weakest unit given and the
//! strongest unit withheld are closer than a relative `1e-12` (or, for largest remainder, the
//! remainders at the cut and the fractional parts of the quota closer than `1e-9`), it says so and
//! the caller asks the exact engine. The answer is therefore always the exact engine's answer,
//! at a fraction of its cost.
//!
//! **Divisor methods.** The start is made a little short of the proportional level, so that it
//! misses a few units rather than holding too many; units then go one at a time to the strongest
//! claim, which a tournament tree keeps in `O(log n)` per move, and the last one given settles
//! the draw in one comparison. Minimum-if-asked leaves out one municipality at a time, smallest share
//! first, as the exact engine does; its units go to the strongest claims of the others (a divisor
//! method takes no unit from anybody when one leaves), and the last unit given is then the
//! weakest held, so one comparison checks the margin. A draw costs `O(n)` to set up and
//! `O(log n)` for each unit that moves; scanning every municipality for each move, as before, made
//! the whole country's draws eight times dearer.

use std::hint::select_unpredictable;

use crate::allocate;
use crate::apportion::Method;
use crate::bounds::Limits;

/// Closer than this (relative) and a comparison of two quotients is not trusted. The exact engine
/// compares the same `f64` shares over exact divisors; here a quotient is `w · (1 / d)` with `d`
/// exact or one rounding off (a fractional first divisor, a square root) and two more roundings
/// (the reciprocal and the product), so it is within `4.5e-16` (relative) of the exact one, and
/// the margin leaves a factor of two thousand.
const QUOTIENT_MARGIN: f64 = 1e-12;

/// The same for largest remainder, whose quota goes through a water level summed over every
/// municipality and so carries an error that grows with their number.
const MARGIN: f64 = 1e-9;

/// A positive share below this goes to the exact engine: its quotients (over divisors up to
/// twice `MAX_TOTAL`) stay clear of the subnormal range.
const SMALLEST_SHARE: f64 = 1e-290;

/// Divisors of this many first units come from a table; later ones are computed.
const TABLE: u64 = 1 << 14;

/// The key of an entry that is not in a tree.
const NONE: u64 = u64::MAX;

/// The fixed part of an allocation problem: everything except the combined shares.
#[derive(Clone, Debug)]
pub struct Allocator {
    method: Method,
    total: u64,
    /// The sums of the bounds as written, before anybody is left out: the exact engine refuses
    /// bounds that cannot hold the total before it leaves out anybody.
    written: Sums,
    written_bounds: (Vec<u64>, Vec<u64>),
    /// The sums of `lower` and `upper`.
    sums: Sums,
    lower: Vec<u64>,
    /// `u64::MAX` is unbounded.
    upper: Vec<u64>,
    /// The same bounds as `f64` (unbounded: infinite), for the level.
    lower_f: Vec<f64>,
    upper_f: Vec<f64>,
    /// Below minimum-if-asked is `0 < held ≤ below[i]`: minimum-if-asked − 1, or 0 when it does
    /// not apply (protected, or no minimum).
    below: Vec<u64>,
    /// `1 / d` for the divisor `d` that decides unit number `h + 1`, at `h` (divisor methods):
    /// a product is cheaper than a quotient, and a draw computes many.
    inverse: Vec<f64>,
    /// Half the first divisor of Sainte-Laguë: a smaller quota gets no unit.
    first_half: f64,
    /// The start is made at this fraction of the level, so that it falls short of the total
    /// rather than over it: giving the missing units needs the tree only, taking units back
    /// a scan each. The rounding of `n` numbers errs by about `√(n/12)` units; the start aims
    /// twice that short.
    short: f64,
}

/// Reusable buffers, one set per thread.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    lower: Vec<u64>,
    upper: Vec<u64>,
    quota: Vec<f64>,
    /// `lower` and `upper` as `f64`, when they differ from the allocator's.
    lower_f: Vec<f64>,
    upper_f: Vec<f64>,
    /// The strongest claim to one more unit ([`claim_key`]: the smallest key wins).
    next: Tree,
    /// The municipalities with a number between 0 and minimum-if-asked (few: a list beats a tree).
    below: Vec<usize>,
    /// Whether each municipality is in `below`.
    listed: Vec<bool>,
}

impl Allocator {
    /// The bounds as the exact engine starts from them, with the municipalities whose upper
    /// bound is below minimum-if-asked left out already (that does not depend on the shares).
    pub fn new(method: Method, total: u64, limits: &[Limits], minimum_if_asked: Option<u64>) -> Allocator {
        let mut lower: Vec<u64> = limits.iter().map(Limits::lower_value).collect();
        let mut upper: Vec<u64> = limits.iter().map(|l| l.upper_value().unwrap_or(u64::MAX)).collect();
        let written = Sums::of(&lower, &upper);
        let written_bounds = (lower.clone(), upper.clone());
        let protected: Vec<bool> = limits.iter().map(Limits::is_protected).collect();
        if let Some(m) = minimum_if_asked {
            for i in 0..limits.len() {
                if !protected[i] && upper[i] < m {
                    lower[i] = 0;
                    upper[i] = 0;
                }
            }
        }
        let below = protected
            .iter()
            .map(|&p| match minimum_if_asked {
                Some(m) if !p => m.saturating_sub(1),
                _ => 0,
            })
            .collect();
        let inverse = if method.is_divisor_method() {
            (0..=total.min(TABLE))
                .map(|h| 1.0 / method.divisor(h).value())
                .collect()
        } else {
            Vec::new()
        };
        let first_half = match method {
            Method::SainteLague { first_divisor } => 0.5 * first_divisor.to_f64(),
            _ => 0.0,
        };
        Allocator {
            method,
            total,
            written,
            written_bounds,
            sums: Sums::of(&lower, &upper),
            lower_f: as_f64(&lower),
            upper_f: as_f64(&upper),
            lower,
            upper,
            below,
            inverse,
            short: (1.0 - 2.0 * (limits.len() as f64 / 12.0).sqrt() / total.max(1) as f64).max(0.5),
            first_half,
        }
    }

    /// The priority of unit number `held + 1` of a municipality with share `w`.
    #[inline]
    fn quotient(&self, w: f64, held: u64) -> f64 {
        let inverse = match self.inverse.get(held as usize) {
            Some(&inverse) => inverse,
            None => 1.0 / self.method.divisor(held).value(),
        };
        // A divisor of 0 (the first of Adams and Huntington–Hill) gives an infinite priority,
        // also to a share of 0.
        if inverse == f64::INFINITY { inverse } else { w * inverse }
    }

    /// The seats for `shares` into `out`; `false` when the answer is too close to a tie to trust
    /// floating point, or when no allocation exists (the caller then asks the exact engine).
    pub fn seats(&self, shares: &[f64], out: &mut Vec<u64>, scratch: &mut Scratch) -> bool {
        scratch.lower.clone_from(&self.lower);
        scratch.upper.clone_from(&self.upper);
        let (mut usable, mut zero, mut total) = (true, false, 0.0);
        for &w in shares {
            // A share of 0 is exact; a positive one must be far from the subnormal range, where
            // a quotient rounds to a whole multiple of 2^-1074 and the margin means nothing.
            usable &= w == 0.0 || (SMALLEST_SHARE..f64::INFINITY).contains(&w);
            zero |= w == 0.0;
            total += w;
        }
        if !usable {
            return false;
        }
        let (mut written, mut sums) = (self.written, self.sums);
        if zero {
            // A zero share never rises above its lower bound.
            for (i, &w) in shares.iter().enumerate() {
                if w == 0.0 {
                    scratch.upper[i] = scratch.lower[i];
                    let (l, u) = (self.written_bounds.0[i], self.written_bounds.1[i]);
                    written.leave_out(l, u);
                    written.add(l, l);
                }
            }
            sums = Sums::of(&scratch.lower, &scratch.upper);
        }
        if !written.hold(self.total) || !sums.hold(self.total) {
            return false;
        }
        if zero || !self.method.is_divisor_method() {
            scratch.lower_f.clear();
            scratch.lower_f.extend(scratch.lower.iter().map(|&l| to_f64(l)));
            scratch.upper_f.clear();
            scratch.upper_f.extend(scratch.upper.iter().map(|&u| to_f64(u)));
        }
        if self.method.is_divisor_method() {
            let level = if zero {
                level(shares, total, &scratch.lower_f, &scratch.upper_f, self.total)
            } else {
                level(shares, total, &self.lower_f, &self.upper_f, self.total)
            };
            self.by_divisors(shares, level * self.short, out, scratch, sums)
        } else {
            self.by_largest_remainder(shares, out, scratch, sums)
        }
    }

    /// `x` is the level: seats per unit of share with the bounds in force.
    fn by_divisors(&self, w: &[f64], x: f64, a: &mut Vec<u64>, s: &mut Scratch, mut sums: Sums) -> bool {
        let n = w.len();
        s.below.clear();
        s.listed.clear();
        s.next.start(n);
        let mut sum = self.start_at(w, x, a, s);
        s.next.build();
        // A start more than a unit per municipality over is no start (a level that did not
        // settle in its rounds): the exact engine decides rather than a long walk back.
        if sum > self.total.saturating_add(n as u64) || !self.settle(w, a, s, &mut sum, self.held_at_least(x)) {
            return false;
        }
        loop {
            let Some(i) = allocate::next_left_out(w, s.below.iter().copied()) else {
                return true;
            };
            // Left out: its units go to the strongest claims of the others.
            sums.leave_out(s.lower[i], s.upper[i]);
            sum -= a[i];
            a[i] = 0;
            s.lower[i] = 0;
            s.upper[i] = 0;
            self.refresh(i, w, a, s);
            if !sums.hold(self.total) || !self.refill(w, a, s, &mut sum) {
                return false;
            }
        }
    }

    fn next_key(&self, w: f64, held: u64, upper: u64) -> u64 {
        if held < upper {
            claim_key(self.quotient(w, held))
        } else {
            NONE
        }
    }

    fn is_below(&self, i: usize, held: u64) -> bool {
        below_minimum(held, self.below[i])
    }

    /// The trees after municipality `i`'s number changed.
    fn refresh(&self, i: usize, w: &[f64], a: &[u64], s: &mut Scratch) {
        s.next.set(i, self.next_key(w[i], a[i], s.upper[i]));
        let below = self.is_below(i, a[i]);
        if below != s.listed[i] {
            s.listed[i] = below;
            if below {
                s.below.push(i);
            } else {
                s.below.retain(|&j| j != i);
            }
        }
    }

    /// The weakest unit given (above the lower bound), leaving out municipality `except`.
    fn weakest(&self, w: &[f64], a: &[u64], s: &Scratch, except: Option<usize>) -> Option<(usize, f64)> {
        let skip = except.unwrap_or(usize::MAX);
        let mut weakest = (usize::MAX, f64::INFINITY);
        for (j, ((&wj, &held), &lower)) in w.iter().zip(a).zip(&s.lower).enumerate() {
            if held > lower && j != skip {
                keep_weaker(&mut weakest, j, self.quotient(wj, held - 1));
            }
        }
        (weakest.0 != usize::MAX).then_some(weakest)
    }

    /// From the start: moves units one at a time to the strongest claim until the sum is right
    /// and no unit withheld beats a unit given; `false` when the last two are too close to call.
    ///
    /// `held_at_least` is a claim that every unit held at the start (above its lower bound)
    /// reaches ([`Allocator::held_at_least`]).
    fn settle(&self, w: &[f64], a: &mut [u64], s: &mut Scratch, sum: &mut u64, held_at_least: f64) -> bool {
        let Some(last) = self.give(w, a, s, sum) else {
            return false;
        };
        if *sum == self.total && last.0 != usize::MAX && last.1 < held_at_least {
            // The units given weaken one by one and were withheld at the start, and the last one
            // is weaker than every unit held at the start: it is the weakest unit held. When the
            // strongest claim is another municipality's, one comparison settles it; otherwise
            // the exchanges below decide.
            let (g, key) = s.next.top();
            if key == NONE {
                return true;
            }
            let qg = claim(key);
            if g != last.0 && qg <= last.1 {
                return apart(last.1, qg);
            }
        }
        while *sum > self.total {
            let Some((l, _)) = self.weakest(w, a, s, None) else {
                return false;
            };
            a[l] -= 1;
            *sum -= 1;
            self.refresh(l, w, a, s);
        }
        // Each exchange strengthens the weakest unit given; the bound only guards against a
        // floating-point cycle.
        for _ in 0..=a.len() as u64 + self.total {
            let (g, next) = s.next.top();
            let Some((l, ql)) = self.weakest(w, a, s, None) else {
                return true;
            };
            if next == NONE {
                return true;
            }
            let qg = claim(next);
            if g == l {
                // Its own units are in order whatever the rounding: compare with the others'.
                let others = self.weakest(w, a, s, Some(g));
                let (_, second) = s.next.second(g);
                return (second == NONE || apart(ql, claim(second))) && others.is_none_or(|(_, q)| apart(q, qg));
            }
            if qg > ql {
                a[l] -= 1;
                a[g] += 1;
                self.refresh(l, w, a, s);
                self.refresh(g, w, a, s);
                continue;
            }
            // Every unit held beats every unit withheld; trust it only with room to spare.
            return apart(ql, qg);
        }
        false
    }

    /// After a municipality is left out of a settled allocation: its units go, one at a time,
    /// to the strongest claims of the others.
    ///
    /// Every unit given was withheld before, so it is weaker than every unit held then, and the
    /// units given weaken one by one: the last one given is now the weakest unit held. Every
    /// unit held thus clears the strongest claim left if that one does (the margin grows with
    /// the stronger unit), and that single comparison is the whole check.
    fn refill(&self, w: &[f64], a: &mut [u64], s: &mut Scratch, sum: &mut u64) -> bool {
        let Some((_, last)) = self.give(w, a, s, sum) else {
            return false;
        };
        let (_, key) = s.next.top();
        key == NONE || apart(last, claim(key))
    }

    /// Gives units, one at a time, to the strongest claim until the sum is the total; the
    /// municipality and quotient of the last unit given (`usize::MAX` and infinite when none
    /// was), or `None` when the claims run out first.
    fn give(&self, w: &[f64], a: &mut [u64], s: &mut Scratch, sum: &mut u64) -> Option<(usize, f64)> {
        let mut last = (usize::MAX, f64::INFINITY);
        while *sum < self.total {
            let (g, key) = s.next.top();
            if key == NONE {
                return None;
            }
            last = (g, claim(key));
            a[g] += 1;
            *sum += 1;
            self.refresh(g, w, a, s);
        }
        Some(last)
    }

    /// Largest remainder with minimum-if-asked: the whole method again after each leave-out.
    fn by_largest_remainder(&self, w: &[f64], a: &mut Vec<u64>, s: &mut Scratch, mut sums: Sums) -> bool {
        loop {
            let bounds = (&s.lower_f[..], &s.upper_f[..]);
            if !largest_remainder(w, bounds, &s.upper, self.total, a, &mut s.quota) {
                return false;
            }
            let Some(i) = allocate::next_left_out(w, (0..w.len()).filter(|&i| self.is_below(i, a[i]))) else {
                return true;
            };
            sums.leave_out(s.lower[i], s.upper[i]);
            s.lower[i] = 0;
            s.upper[i] = 0;
            s.lower_f[i] = 0.0;
            s.upper_f[i] = 0.0;
            if !sums.hold(self.total) {
                return false;
            }
        }
    }

    /// The start at level `x` ([`Allocator::start`]), one method at a time so that the rounding
    /// is not a branch per municipality.
    fn start_at(&self, w: &[f64], x: f64, a: &mut Vec<u64>, s: &mut Scratch) -> u64 {
        match self.method {
            Method::SainteLague { .. } => {
                let first_half = self.first_half;
                self.start(w, x, a, s, |v| {
                    if v < first_half {
                        0
                    } else {
                        ((v + 0.5) as i64).max(1) as u64
                    }
                })
            }
            Method::DHondt | Method::LargestRemainder => self.start(w, x, a, s, |v| (v as i64) as u64),
            Method::Adams => self.start(w, x, a, s, |v| {
                let floor = (v as i64) as u64;
                floor + u64::from(v > floor as f64)
            }),
            Method::HuntingtonHill => self.start(w, x, a, s, |v| {
                let floor = (v as i64) as u64;
                floor + u64::from(v > 0.0 && v > (floor.saturating_mul(floor + 1) as f64).sqrt())
            }),
        }
    }

    /// The start at level `x`: the units `units(v)` the method gives a weight worth `v` seats,
    /// within the bounds, with each municipality's next claim in the tree's leaves and those below
    /// minimum-if-asked listed; the sum of the units.
    #[inline(always)]
    fn start(&self, w: &[f64], x: f64, a: &mut Vec<u64>, s: &mut Scratch, units: impl Fn(f64) -> u64) -> u64 {
        let n = w.len();
        a.clear();
        a.resize(n, 0);
        s.listed.resize(n, false);
        // Every slice cut to `n`: the loop then indexes them all without a bounds check.
        let (lower, upper, below) = (&s.lower[..n], &s.upper[..n], &self.below[..n]);
        let (leaves, listed) = (s.next.leaves(n), &mut s.listed[..n]);
        let mut sum: u64 = 0;
        for i in 0..n {
            // A level can be 0 but a start never negative; never above the total: a level that
            // did not settle in its rounds can be far off, and the divisors of counts past 2^32
            // overflow. `as i64` truncates (the floor here) and saturates, and is cheaper than
            // `as u64`.
            let held = units((x * w[i]).max(0.0)).min(self.total).max(lower[i]).min(upper[i]);
            a[i] = held;
            sum = sum.saturating_add(held);
            leaves[i].key = self.next_key(w[i], held, upper[i]);
            listed[i] = below_minimum(held, below[i]);
            if listed[i] {
                s.below.push(i);
            }
        }
        sum
    }

    /// A claim that every unit held at the start at level `x` above its lower bound reaches:
    /// such a unit's divisor is at most `x · w` (in the method's scale, where Sainte-Laguë's
    /// divisors are halved), so its claim `w / d` is at least `1 / x`. Made smaller by the margin,
    /// for the roundings of `x · w` and of the claim.
    fn held_at_least(&self, x: f64) -> f64 {
        let scale = match self.method {
            Method::SainteLague { .. } => 2.0,
            _ => 1.0,
        };
        (1.0 - QUOTIENT_MARGIN) / (scale * x)
    }
}

/// Below minimum-if-asked: `0 < held ≤ below`, where `below` is minimum-if-asked − 1, or 0 when
/// it does not apply.
#[inline]
fn below_minimum(held: u64, below: u64) -> bool {
    held.wrapping_sub(1) < below
}

/// `(i, q)` into `weakest` when it is weaker, or when `weakest` is still none (`usize::MAX`): the
/// first unit found counts even when its priority is infinite (a first unit of Adams).
fn keep_weaker(weakest: &mut (usize, f64), i: usize, q: f64) {
    if q < weakest.1 || weakest.0 == usize::MAX {
        *weakest = (i, q);
    }
}

/// A held unit at `held` clearly beats a withheld one at `withheld`. (Two first units of Adams
/// or Huntington–Hill are both infinite: a tie.)
///
/// A stronger unit held, or a weaker one withheld, clears the margin too; `refill` relies on
/// that.
fn apart(held: f64, withheld: f64) -> bool {
    if held.is_infinite() {
        withheld.is_finite()
    } else {
        withheld < held * (1.0 - QUOTIENT_MARGIN)
    }
}

/// An `f64` as a `u64` in the same order (for the finite and infinite values used here).
pub(crate) fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    // Negative: every bit flipped; otherwise the sign bit set.
    b ^ (((b as i64 >> 63) as u64) | 1 << 63)
}

#[cfg(test)]
fn from_ordered(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The tree key of a claim: the stronger the claim, the smaller the key. A claim is 0 or more,
/// possibly infinite, never NaN (a share is finite and 0 or more, a reciprocal positive, and an
/// infinite one is never multiplied), so its bits without the sign are in the order of its value.
#[inline]
fn claim_key(q: f64) -> u64 {
    let bits = q.to_bits() & !(1 << 63);
    (i64::MAX as u64) - bits
}

/// The claim of a tree key other than `NONE`.
#[inline]
fn claim(key: u64) -> f64 {
    f64::from_bits((i64::MAX as u64).wrapping_sub(key))
}

/// The sums of the bounds, kept as municipalities are left out.
#[derive(Clone, Copy, Debug)]
struct Sums {
    lower: u128,
    /// The finite upper bounds.
    room: u128,
    unbounded: usize,
    /// Some lower bound above its upper bound.
    crossed: bool,
}

impl Sums {
    fn of(lower: &[u64], upper: &[u64]) -> Sums {
        let mut sums = Sums {
            lower: 0,
            room: 0,
            unbounded: 0,
            crossed: false,
        };
        for (&l, &u) in lower.iter().zip(upper) {
            sums.crossed |= l > u;
            sums.lower += u128::from(l);
            if u == u64::MAX {
                sums.unbounded += 1;
            } else {
                sums.room += u128::from(u);
            }
        }
        sums
    }

    fn add(&mut self, lower: u64, upper: u64) {
        self.lower += u128::from(lower);
        if upper == u64::MAX {
            self.unbounded += 1;
        } else {
            self.room += u128::from(upper);
        }
    }

    fn leave_out(&mut self, lower: u64, upper: u64) {
        self.lower -= u128::from(lower);
        if upper == u64::MAX {
            self.unbounded -= 1;
        } else {
            self.room -= u128::from(upper);
        }
    }

    /// Whether some allocation of `total` fits the bounds.
    fn hold(&self, total: u64) -> bool {
        !self.crossed && self.lower <= u128::from(total) && (self.unbounded > 0 || self.room >= u128::from(total))
    }
}

/// A tournament tree over `n` keys: the smallest key (of equal keys the lower index) in `O(1)`,
/// a changed key in `O(log n)`.
#[derive(Clone, Debug, Default)]
struct Tree {
    leaves: usize,
    /// `node[p]`: the smallest key below node `p` and the leaf that holds it (the leftmost of
    /// equal keys; a node whose key is `NONE` may name any leaf below it, and every caller
    /// checks for `NONE` first); the root is 1, the leaves start at `leaves`. Key and leaf side
    /// by side: one read, one bounds check and one cache line for both.
    node: Vec<Node>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Node {
    key: u64,
    win: u32,
}

impl Tree {
    /// Readies the tree for `n` keys: the leaves past `n` are `NONE`; the caller then sets the
    /// key of every one of the first `n` through [`Tree::leaves`] (they hold the last draw's
    /// keys until then) and calls [`Tree::build`].
    fn start(&mut self, n: usize) {
        let leaves = n.next_power_of_two().max(2);
        // Kept from the last draw when the size is the same: the first `n` leaves are set by
        // the caller and every inner node by `build`, so only the leaves past `n` are reset.
        if self.leaves != leaves || self.node.len() != 2 * leaves {
            self.leaves = leaves;
            self.node.clear();
            self.node.resize(2 * leaves, Node { key: NONE, win: 0 });
            for (i, leaf) in self.node[leaves..].iter_mut().enumerate() {
                leaf.win = i as u32;
            }
        }
        self.node[leaves + n..].iter_mut().for_each(|leaf| leaf.key = NONE);
    }

    /// The first `n` leaves, whose keys are set before [`Tree::build`].
    fn leaves(&mut self, n: usize) -> &mut [Node] {
        &mut self.node[self.leaves..self.leaves + n]
    }

    /// The inner nodes from the leaves.
    fn build(&mut self) {
        for p in (1..self.leaves).rev() {
            let (left, right) = (self.node[2 * p], self.node[2 * p + 1]);
            // A select, not a branch: which child wins is a coin toss.
            self.node[p] = select_unpredictable(right.key < left.key, right, left);
        }
    }

    #[cfg(test)]
    fn reset(&mut self, n: usize, key: impl Fn(usize) -> u64) {
        self.start(n);
        for (i, leaf) in self.leaves(n).iter_mut().enumerate() {
            leaf.key = key(i);
        }
        self.build();
    }

    fn set(&mut self, i: usize, key: u64) {
        debug_assert!(i < self.leaves);
        // Every index is masked by `len − 1` (the length is a power of two, and every position
        // on the path is below it): the compiler then drops the bounds checks, two per level.
        let Some(mask) = self.node.len().checked_sub(1) else {
            return;
        };
        let node = &mut self.node[..];
        let mut p = self.leaves + i;
        // The entry just written is carried up in registers: only its sibling is read.
        let mut carried = Node { key, win: i as u32 };
        node[p & mask] = carried;
        while p > 1 {
            let sibling = node[(p ^ 1) & mask];
            // Of equal keys the left one, whose leaves come first, wins: a sibling on the left
            // (`p` odd) wins at `≤`, one on the right at `<`. `NONE` plus one saturates, and of
            // two `NONE`s either may stand for both. A select, not a branch: which child wins
            // is a coin toss.
            let wins = sibling.key < carried.key.saturating_add(p as u64 & 1);
            carried = select_unpredictable(wins, sibling, carried);
            p /= 2;
            // No early stop: a unit given weakens the winner of the whole path, so every node
            // on it changes, and the test would cost more than it saves.
            node[p & mask] = carried;
        }
    }

    fn top(&self) -> (usize, u64) {
        (self.node[1].win as usize, self.node[1].key)
    }

    /// The smallest key but that of `i`: the smallest of the winners beside its path.
    fn second(&self, i: usize) -> (usize, u64) {
        let mut p = self.leaves + i;
        let mut best = (NONE, u32::MAX);
        while p > 1 {
            let q = self.node[p ^ 1];
            if (q.key, q.win) < best {
                best = (q.key, q.win);
            }
            p /= 2;
        }
        (best.1 as usize, best.0)
    }
}

/// `μ` with `Σ clamp(μ w_i, L_i, U_i) = total`, by bisection and then exactly on the free set.
fn water_level(w: &[f64], lower: &[f64], upper: &[f64], total: u64) -> Option<f64> {
    let filled = |mu: f64| -> f64 { (0..w.len()).map(|i| (mu * w[i]).clamp(lower[i], upper[i])).sum() };
    let target = total as f64;
    let (mut lo, mut hi) = (0.0f64, target / w.iter().sum::<f64>());
    let mut grow = 0;
    while filled(hi) < target {
        hi *= 2.0;
        grow += 1;
        if grow > 200 {
            return None;
        }
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if filled(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // On the free set the level solves a linear equation.
    let mu = hi;
    let (fixed, free_w) = held_and_free(w, lower, upper, mu);
    Some(if free_w > 0.0 { (target - fixed) / free_w } else { mu })
}

/// At level `x`: the units held at a bound, and the weight of the entries between their bounds.
fn held_and_free(w: &[f64], lower: &[f64], upper: &[f64], x: f64) -> (f64, f64) {
    let (mut fixed, mut free) = (0.0, 0.0);
    for ((&wi, &l), &u) in w.iter().zip(lower).zip(upper) {
        let q = x * wi;
        if q <= l {
            fixed += l;
        } else if q >= u {
            fixed += u;
        } else {
            free += wi;
        }
    }
    (fixed, free)
}

/// Seats per unit of share with the bounds in force, from the proportional level: a few rounds
/// of water-filling, each exact once the same municipalities sit at a bound. `total_w` is the
/// sum of `w`.
fn level(w: &[f64], total_w: f64, lower: &[f64], upper: &[f64], total: u64) -> f64 {
    let mut x = total as f64 / total_w;
    for _ in 0..6 {
        let (fixed, free) = held_and_free(w, lower, upper, x);
        let next = (total as f64 - fixed) / free;
        if free <= 0.0 || !next.is_finite() || next == x {
            break;
        }
        // Floors and caps that hold more than the total put the next level below zero: the
        // start is then the floors.
        x = next.max(0.0);
    }
    x
}

/// A bound as `f64`; unbounded (`u64::MAX`) is infinite.
fn to_f64(bound: u64) -> f64 {
    if bound == u64::MAX { f64::INFINITY } else { bound as f64 }
}

fn as_f64(bounds: &[u64]) -> Vec<f64> {
    bounds.iter().map(|&b| to_f64(b)).collect()
}

/// `bounds` are the lower and upper bounds as `f64` (unbounded: infinite), `upper` the upper ones
/// as they are.
fn largest_remainder(
    w: &[f64],
    bounds: (&[f64], &[f64]),
    upper: &[u64],
    total: u64,
    a: &mut Vec<u64>,
    quota: &mut Vec<f64>,
) -> bool {
    let (lower_f, upper_f) = bounds;
    let Some(mu) = water_level(w, lower_f, upper_f, total) else {
        return false;
    };
    quota.clear();
    quota.extend((0..w.len()).map(|i| (mu * w[i]).clamp(lower_f[i], upper_f[i])));
    a.clear();
    a.extend(quota.iter().map(|q| q.floor() as u64));
    // A quota within the margin of a whole number could fall either side of it.
    for (i, &q) in quota.iter().enumerate() {
        let whole = q.round();
        if q != whole && (q - whole).abs() <= MARGIN * q.max(1.0) {
            return false;
        }
        if a[i] > upper[i] {
            return false;
        }
    }
    let given: u64 = a.iter().sum();
    if given > total {
        return false;
    }
    let extra = (total - given) as usize;
    if extra == 0 {
        return true;
    }
    let mut order: Vec<usize> = (0..w.len()).filter(|&i| quota[i] > a[i] as f64).collect();
    if order.len() < extra {
        return false;
    }
    let rem = |i: usize| quota[i] - quota[i].floor();
    order.sort_by(|&i, &j| rem(j).total_cmp(&rem(i)));
    let sure = order.get(extra).is_none_or(|&next| {
        let scale = quota[order[extra - 1]].max(1.0);
        rem(order[extra - 1]) - rem(next) > MARGIN * scale
    });
    for &i in &order[..extra] {
        a[i] += 1;
    }
    sure
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate;
    use crate::bounds::{Bound, BoundSource};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Bounds with `lower` from `source` (an override floor is protected from minimum-if-asked).
    fn limits_from(upper: &[Option<u64>], lower: &[(u64, BoundSource)]) -> Vec<Limits> {
        upper
            .iter()
            .zip(lower)
            .map(|(u, &(l, source))| Limits {
                lower: (l > 0).then_some(Bound { value: l, source }),
                upper: u.map(|value| Bound {
                    value,
                    source: BoundSource::Capacity,
                }),
                override_index: None,
            })
            .collect()
    }

    fn limits(upper: &[Option<u64>], lower: &[u64]) -> Vec<Limits> {
        let lower: Vec<(u64, BoundSource)> = lower.iter().map(|&l| (l, BoundSource::Minimum)).collect();
        limits_from(upper, &lower)
    }

    const METHODS: [Method; 6] = Method::EVERY;

    /// Counts of a property run: cases, those the fast path was sure of, and those where
    /// minimum-if-asked left somebody out.
    #[derive(Default)]
    struct Seen {
        sure: u32,
        left_out: u32,
    }

    /// The fast path against the exact engine for one problem; whenever it is sure, the numbers
    /// are the exact engine's.
    fn compare(
        method: Method,
        total: u64,
        w: &[f64],
        lim: &[Limits],
        minimum: Option<u64>,
        seen: &std::cell::RefCell<Seen>,
    ) -> Result<(), TestCaseError> {
        let exact = allocate::allocate(method, total, w, lim, minimum);
        let mut out = Vec::new();
        if Allocator::new(method, total, lim, minimum).seats(w, &mut out, &mut Scratch::default()) {
            let exact = exact.map_err(|e| TestCaseError::fail(format!("sure of {out:?}, exact: {e:?}")))?;
            let mut seen = seen.borrow_mut();
            seen.sure += 1;
            seen.left_out += u32::from(exact.dropped.iter().any(|d| d.would_get.is_some()));
            prop_assert_eq!(out, exact.seats);
        }
        Ok(())
    }

    /// Whenever the fast path is sure, it agrees with the exact engine; and it is sure of most
    /// random problems, so the comparison is not vacuous.
    #[test]
    fn agrees_with_the_exact_engine() {
        const CASES: u32 = 400;
        let seen = std::cell::RefCell::new(Seen::default());
        let strategy = (
            prop::collection::vec(0u32..10_000, 2..40),
            prop::collection::vec(prop::option::of(0u64..400), 40),
            1u64..3000,
            prop::option::of(1u64..15),
            0usize..6,
        );
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            ..Config::default()
        });
        runner
            .run(&strategy, |(weights, caps, total, minimum, method)| {
                let n = weights.len();
                let w: Vec<f64> = weights.iter().map(|&x| f64::from(x) / 10_000.0).collect();
                let lim = limits(&caps[..n], &vec![0; n]);
                compare(METHODS[method], total, &w, &lim, minimum, &seen)
            })
            .unwrap();
        let seen = seen.into_inner();
        assert!(seen.sure >= CASES / 2, "sure of only {} of {CASES}", seen.sure);
    }

    /// Every unit the start holds above a lower bound reaches the claim `settle` takes as the
    /// floor of the start, for every divisor method, Sainte-Laguë with a first divisor from 0.5
    /// to 3, and levels that round at every fraction.
    #[test]
    fn every_unit_held_at_the_start_reaches_its_floor() {
        let held_above = std::cell::Cell::new(0u64);
        let strategy = (
            prop::collection::vec((0u32..1_000_000, prop::option::of(0u64..60), 0u64..4), 1..40),
            1e-3f64..500.0,
            0usize..6,
            1u64..=6,
        );
        let mut runner = TestRunner::new(Config {
            cases: 600,
            ..Config::default()
        });
        runner
            .run(&strategy, |(entries, x, method, half_first)| {
                let method = match METHODS[method] {
                    Method::SainteLague { .. } => Method::SainteLague {
                        first_divisor: crate::apportion::Ratio {
                            num: half_first,
                            den: 2,
                        },
                    },
                    m => m,
                };
                if !method.is_divisor_method() {
                    return Ok(());
                }
                let w: Vec<f64> = entries.iter().map(|e| f64::from(e.0) / 1e6).collect();
                let caps: Vec<Option<u64>> = entries.iter().map(|e| e.1.map(|c| c + e.2)).collect();
                let floors: Vec<u64> = entries.iter().map(|e| e.2).collect();
                let allocator = Allocator::new(method, 10_000, &limits(&caps, &floors), None);
                let mut s = Scratch::default();
                s.lower.clone_from(&allocator.lower);
                s.upper.clone_from(&allocator.upper);
                s.next.start(w.len());
                let mut a = Vec::new();
                allocator.start_at(&w, x, &mut a, &mut s);
                let floor = allocator.held_at_least(x);
                for (i, &held) in a.iter().enumerate() {
                    if held > s.lower[i] {
                        held_above.set(held_above.get() + 1);
                        let q = allocator.quotient(w[i], held - 1);
                        prop_assert!(
                            q >= floor,
                            "{method:?} x {x}: unit {held} of {} has {q} < {floor}",
                            w[i]
                        );
                    }
                }
                Ok(())
            })
            .unwrap();
        let held_above = held_above.get();
        assert!(held_above > 3_000, "only {held_above} units held above a floor");
    }

    /// The country's shape: hundreds of municipalities, most of them small, some with a floor or
    /// an override, and a minimum-if-asked that leaves out dozens one at a time.
    #[test]
    fn agrees_with_the_exact_engine_over_many_small_municipalities() {
        const CASES: u32 = 48;
        let seen = std::cell::RefCell::new(Seen::default());
        let entry = (
            1u32..1_000_000,
            prop::option::of(0u64..60),
            prop_oneof![
                6 => Just((0u64, BoundSource::Minimum)),
                1 => (1u64..4).prop_map(|l| (l, BoundSource::Minimum)),
                1 => (1u64..12).prop_map(|l| (l, BoundSource::OverrideMin)),
            ],
        );
        let strategy = (prop::collection::vec(entry, 40..200), 100u64..4000, 2u64..15, 0usize..5);
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            ..Config::default()
        });
        runner
            .run(&strategy, |(entries, total, minimum, method)| {
                // Shares spread over four orders of magnitude, like municipalities' populations.
                let w: Vec<f64> = entries.iter().map(|e| (f64::from(e.0) / 1e6).powi(4)).collect();
                // A cap is at least the floor: crossed bounds are refused before any allocation.
                let upper: Vec<Option<u64>> = entries.iter().map(|e| e.1.map(|extra| e.2.0 + extra)).collect();
                let lower: Vec<(u64, BoundSource)> = entries.iter().map(|e| e.2).collect();
                let lim = limits_from(&upper, &lower);
                compare(METHODS[method], total, &w, &lim, Some(minimum), &seen)
            })
            .unwrap();
        let seen = seen.into_inner();
        assert!(seen.sure >= CASES / 2, "sure of only {} of {CASES}", seen.sure);
        assert!(
            seen.left_out >= CASES / 4,
            "minimum-if-asked left somebody out in only {} of {} sure cases",
            seen.left_out,
            seen.sure
        );
    }

    /// Floors and caps that crowd the total: the level's rounds can fall below zero, the start
    /// then sits on the floors, and the first units of Adams and Huntington–Hill (infinitely
    /// strong, so tied) compete for what is left.
    #[test]
    fn agrees_with_the_exact_engine_when_floors_and_caps_crowd_the_total() {
        const CASES: u32 = 400;
        let seen = std::cell::RefCell::new(Seen::default());
        let entry = (1u32..1000, prop::option::of(0u64..12), 0u64..6);
        let strategy = (
            prop::collection::vec(entry, 2..12),
            1u64..40,
            prop::option::of(1u64..6),
            0usize..6,
        );
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            ..Config::default()
        });
        runner
            .run(&strategy, |(entries, total, minimum, method)| {
                let w: Vec<f64> = entries.iter().map(|e| f64::from(e.0) / 1000.0).collect();
                let upper: Vec<Option<u64>> = entries.iter().map(|e| e.1.map(|extra| e.2 + extra)).collect();
                let lower: Vec<(u64, BoundSource)> = entries.iter().map(|e| (e.2, BoundSource::Minimum)).collect();
                compare(METHODS[method], total, &w, &limits_from(&upper, &lower), minimum, &seen)
            })
            .unwrap();
        let seen = seen.into_inner();
        assert!(seen.sure >= CASES / 4, "sure of only {} of {CASES}", seen.sure);
    }

    /// A cap of 9 and a floor of 5 already hold more than the total of 10 at the proportional
    /// level, with one municipality free: the next level is below zero, and the start must be
    /// the floors, not a wrapped-around count.
    #[test]
    fn a_level_below_zero_starts_from_the_floors() {
        let w = [0.9, 0.05, 0.05];
        let m = BoundSource::Minimum;
        let lim = limits_from(&[Some(9), None, None], &[(0, m), (5, m), (0, m)]);
        let seen = std::cell::RefCell::new(Seen::default());
        for method in METHODS {
            compare(method, 10, &w, &lim, None, &seen).unwrap();
        }
        assert!(seen.into_inner().sure >= 4);
    }

    /// Shares deep in the subnormal range round their quotients to whole multiples of 2^-1074
    /// (here 9/6 against 3/2, an exact tie, becomes 1 against 2): the fast path must not decide.
    #[test]
    fn subnormal_shares_are_left_to_the_exact_engine() {
        let tiny = f64::from_bits(1);
        let w = [1.0, 9.0 * tiny, 3.0 * tiny];
        let lim = limits(&[Some(3), None, None], &[0; 3]);
        let mut out = Vec::new();
        assert!(!Allocator::new(Method::DHondt, 10, &lim, None).seats(&w, &mut out, &mut Scratch::default()));
    }

    /// A level whose rounds swing between two values (100, 50, 9e9, 50, …) ends far off; the
    /// start must stay within the total, or Huntington–Hill's divisors overflow.
    #[test]
    fn a_level_that_does_not_settle_stays_within_the_total() {
        let w = [0.2, 0.799999998, 1e-9, 1e-9];
        let m = BoundSource::Minimum;
        let lim = limits_from(&[Some(20), None, None, None], &[(11, m), (40, m), (0, m), (40, m)]);
        let seen = std::cell::RefCell::new(Seen::default());
        for method in METHODS {
            compare(method, 100, &w, &lim, None, &seen).unwrap();
        }
        let sure = seen.into_inner().sure;
        assert!(sure >= 1, "sure of {sure}");
    }

    /// From the floors, two units are left for four first units of Adams or Huntington–Hill,
    /// all infinitely strong: a tie the exact engine breaks, never the tree's index order.
    #[test]
    fn tied_first_units_are_left_to_the_exact_engine() {
        let w = [0.9, 0.02, 0.02, 0.03, 0.03];
        let m = BoundSource::Minimum;
        let lim = limits_from(
            &[Some(5), None, None, None, None],
            &[(0, m), (5, m), (0, m), (0, m), (0, m)],
        );
        for method in [Method::Adams, Method::HuntingtonHill] {
            let mut out = Vec::new();
            let sure = Allocator::new(method, 7, &lim, None).seats(&w, &mut out, &mut Scratch::default());
            assert!(!sure, "{method:?}: sure of {out:?}");
        }
    }

    #[test]
    fn a_tie_is_left_to_the_exact_engine() {
        let lim = limits(&[None, None], &[0, 0]);
        for method in METHODS {
            let fast = Allocator::new(method, 3, &lim, None);
            let mut out = Vec::new();
            assert!(
                !fast.seats(&[0.5, 0.5], &mut out, &mut Scratch::default()),
                "{method:?}"
            );
            assert!(fast.seats(&[0.7, 0.3], &mut out, &mut Scratch::default()), "{method:?}");
        }
    }

    #[test]
    fn minimum_if_asked_leaves_out_like_the_exact_engine() {
        let w = [0.6, 0.3, 0.07, 0.03];
        let lim = limits(&[None, None, None, Some(2)], &[0; 4]);
        let exact = allocate::allocate(METHODS[0], 100, &w, &lim, Some(10)).unwrap();
        let mut out = Vec::new();
        assert!(Allocator::new(METHODS[0], 100, &lim, Some(10)).seats(&w, &mut out, &mut Scratch::default()));
        assert_eq!(out, exact.seats);
        assert_eq!(out[3], 0);
    }

    /// Of equal shares below the minimum the later municipality goes first, as in the exact
    /// engine; that is a rule, not a tie of rounding, so the fast path decides it itself. Here
    /// the one left in gets a freed unit and reaches the minimum.
    #[test]
    fn equal_shares_below_the_minimum_leave_in_the_exact_engines_order() {
        let w = [0.6, 0.07, 0.07];
        let lim = limits(&[None; 3], &[0; 3]);
        let exact = allocate::allocate(METHODS[0], 44, &w, &lim, Some(5)).unwrap();
        assert_eq!(exact.seats, [39, 5, 0]);
        let mut out = Vec::new();
        assert!(Allocator::new(METHODS[0], 44, &lim, Some(5)).seats(&w, &mut out, &mut Scratch::default()));
        assert_eq!(out, exact.seats);
    }

    /// The units of a municipality left out can end in a tie (31 units, two equal shares): the
    /// check after refilling must see it.
    #[test]
    fn a_tie_after_a_leave_out_is_left_to_the_exact_engine() {
        let w = [0.45, 0.45, 0.1];
        let lim = limits(&[None; 3], &[0; 3]);
        let exact = allocate::allocate(METHODS[0], 31, &w, &lim, Some(5)).unwrap();
        assert_eq!(exact.dropped.len(), 1);
        assert!(!exact.ties.is_empty());
        let mut out = Vec::new();
        assert!(!Allocator::new(METHODS[0], 31, &lim, Some(5)).seats(&w, &mut out, &mut Scratch::default()));
    }

    /// The tree answers what a scan answers, through any sequence of changes, with and without
    /// each changed key.
    #[test]
    fn the_tree_finds_the_smallest_key_as_a_scan_does() {
        let mut runner = TestRunner::default();
        let strategy = (
            prop::collection::vec(0u64..20, 1..70),
            prop::collection::vec((0usize..70, 0u64..20), 0..200),
        );
        // 19 stands for `NONE`, an entry out of the tree; which of several `NONE`s the tree
        // names does not matter.
        let none = |k: u64| if k == 19 { NONE } else { k };
        let named = |(j, key): (usize, u64)| (if key == NONE { usize::MAX } else { j }, key);
        runner
            .run(&strategy, |(keys, changes)| {
                let mut keys: Vec<u64> = keys.into_iter().map(none).collect();
                let mut tree = Tree::default();
                tree.reset(keys.len(), |i| keys[i]);
                for (i, key) in changes {
                    let i = i % keys.len();
                    keys[i] = none(key);
                    tree.set(i, keys[i]);
                    let smallest = *keys.iter().min().unwrap();
                    let first = keys.iter().position(|&k| k == smallest).unwrap();
                    prop_assert_eq!(named(tree.top()), named((first, smallest)));
                    // And without `i`: the smallest of the others, the first of equals.
                    let others = (0..keys.len()).filter(|&j| j != i).min_by_key(|&j| (keys[j], j));
                    let (j, key) = tree.second(i);
                    match others {
                        Some(o) => prop_assert_eq!(named((j, key)), named((o, keys[o]))),
                        None => prop_assert_eq!(key, NONE),
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    /// One tree reused for problems of different sizes, as a thread's scratch is from draw to
    /// draw: what it kept from before never shows.
    #[test]
    fn a_reused_tree_answers_as_a_new_one() {
        let mut runner = TestRunner::default();
        let round = (
            prop::collection::vec(0u64..6, 1..70),
            prop::collection::vec((0usize..70, 0u64..6), 0..40),
        );
        let strategy = prop::collection::vec(round, 1..8);
        let checked = std::cell::Cell::new(0);
        runner
            .run(&strategy, |rounds| {
                let mut reused = Tree::default();
                for (mut keys, changes) in rounds {
                    let n = keys.len();
                    reused.start(n);
                    for (leaf, &key) in reused.leaves(n).iter_mut().zip(&keys) {
                        leaf.key = key;
                    }
                    reused.build();
                    let mut fresh = Tree::default();
                    fresh.reset(n, |i| keys[i]);
                    prop_assert_eq!(&reused.node, &fresh.node);
                    for (i, key) in changes {
                        let i = i % n;
                        keys[i] = key;
                        reused.set(i, key);
                        fresh.set(i, key);
                        prop_assert_eq!(reused.top(), fresh.top());
                        prop_assert_eq!(reused.second(i), fresh.second(i));
                        checked.set(checked.get() + 1);
                    }
                    prop_assert_eq!(&reused.node, &fresh.node);
                }
                Ok(())
            })
            .unwrap();
        assert!(checked.get() > 1000, "only {} changes checked", checked.get());
    }

    #[test]
    fn the_order_of_floats_survives_the_key() {
        let xs = [0.0, 1e-300, 0.5, 1.0, 7.25, 1e300, f64::INFINITY];
        for pair in xs.windows(2) {
            assert!(ordered(pair[0]) < ordered(pair[1]));
            assert!(!ordered(pair[0]) > !ordered(pair[1]));
        }
        for x in xs {
            assert_eq!(from_ordered(ordered(x)), x);
            assert_eq!(claim(claim_key(x)), x);
            assert!(claim_key(x) < NONE);
        }
        // A stronger claim has the smaller key. (A zero share's key is always `NONE`, so a
        // negative zero never gets here; if it did, it would be a zero.)
        for pair in xs.windows(2) {
            assert!(claim_key(pair[0]) > claim_key(pair[1]));
        }
        assert_eq!(claim_key(-0.0), claim_key(0.0));
    }
}

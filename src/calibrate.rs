//! Weights that best reproduce a past allocation (issue: calibration against IMDi's requests).
//!
//! The problem is least squares on the combined share,
//!
//! ```text
//! minimise Σ_i (Σ_c w_c s_ci − τ_i)²   subject to  w_c ≥ 0,  Σ_c w_c = 1,
//! ```
//!
//! with `s_ci` each criterion's shares and `τ_i` the target's shares. It is a small convex
//! quadratic programme (one variable per criterion), solved exactly by enumerating supports:
//! for every non-empty set `A` of criteria, the equality-constrained least squares on `A` comes
//! from its KKT system; the best solution with every weight ≥ 0 is the optimum (a convex QP has
//! an optimum on some support, and there it is the equality-constrained solution). With `C`
//! criteria that is `2^C − 1` systems of size `|A| + 1`: instant for the handful of criteria a
//! file has, and no iteration, tolerance or starting point to explain.

/// The fitted weights and the fit on the combined share.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub weights: Vec<f64>,
    /// `1 − SS_res / SS_tot` on the shares.
    pub r2: f64,
    /// Pairs of criteria with the same shares: only the sum of their weights is determined.
    pub same: Vec<(usize, usize)>,
}

/// The most criteria the exact enumeration accepts.
pub const MAX_CRITERIA: usize = 16;

/// Solves `m x = b` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut m: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let scale = m.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs())).max(1e-300);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        m.swap(col, pivot);
        b.swap(col, pivot);
        let (top, rest) = m.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (r, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[col + 1 + r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| m[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / m[row][row];
    }
    Some(x)
}

/// Fits the weights of `shares` (one vector per criterion, over the same entries as `target`).
/// `target` need not add up to 1; it is taken as shares of its sum.
pub fn fit(shares: &[Vec<f64>], target: &[f64]) -> Option<Fit> {
    let c = shares.len();
    if c == 0 || c > MAX_CRITERIA {
        return None;
    }
    let sum: f64 = target.iter().sum();
    if sum <= 0.0 {
        return None;
    }
    let tau: Vec<f64> = target.iter().map(|t| t / sum).collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let gram: Vec<Vec<f64>> = (0..c)
        .map(|j| (0..c).map(|k| dot(&shares[j], &shares[k])).collect())
        .collect();
    let rhs: Vec<f64> = (0..c).map(|j| dot(&shares[j], &tau)).collect();
    let objective = |w: &[f64]| -> f64 {
        (0..tau.len())
            .map(|i| {
                let s: f64 = (0..c).map(|k| w[k] * shares[k][i]).sum();
                (s - tau[i]).powi(2)
            })
            .sum()
    };
    let mut best: Option<(f64, usize, Vec<f64>)> = None;
    for mask in 1u32..(1u32 << c) {
        let support: Vec<usize> = (0..c).filter(|k| mask & (1 << k) != 0).collect();
        let m = support.len();
        // [ G_AA  1 ] [w]   [r_A]
        // [ 1ᵀ    0 ] [λ] = [ 1 ]
        let mut kkt = vec![vec![0.0; m + 1]; m + 1];
        let mut b = vec![0.0; m + 1];
        for (a, &j) in support.iter().enumerate() {
            for (bb, &k) in support.iter().enumerate() {
                kkt[a][bb] = gram[j][k];
            }
            kkt[a][m] = 1.0;
            kkt[m][a] = 1.0;
            b[a] = rhs[j];
        }
        b[m] = 1.0;
        let Some(x) = solve(kkt, b) else { continue };
        if x[..m].iter().any(|&w| w < -1e-12) {
            continue;
        }
        let mut w = vec![0.0; c];
        for (a, &j) in support.iter().enumerate() {
            w[j] = x[a].max(0.0);
        }
        let total: f64 = w.iter().sum();
        w.iter_mut().for_each(|x| *x /= total);
        let f = objective(&w);
        // Prefer the smaller support when two are equally good (a criterion that adds nothing).
        let better = match &best {
            None => true,
            Some((bf, bm, _)) => f < bf - 1e-15 * bf.max(1e-300) || (f <= bf + 1e-15 && m < *bm),
        };
        if better {
            best = Some((f, m, w));
        }
    }
    let (residual, _, weights) = best?;
    let mean = 1.0 / tau.len() as f64;
    let total_ss: f64 = tau.iter().map(|t| (t - mean).powi(2)).sum();
    let mut same = Vec::new();
    for j in 0..c {
        for k in j + 1..c {
            if shares[j].iter().zip(&shares[k]).all(|(a, b)| (a - b).abs() <= 1e-12) {
                same.push((j, k));
            }
        }
    }
    Some(Fit {
        weights,
        r2: if total_ss > 0.0 { 1.0 - residual / total_ss } else { 1.0 },
        same,
    })
}

/// `w` as decimals with `digits` places that add up to exactly 1 as decimals: the rounding
/// residue goes to the largest weight.
pub fn decimals(w: &[f64], digits: u32) -> Vec<String> {
    let unit = 10u64.pow(digits);
    let mut units: Vec<u64> = w.iter().map(|x| (x * unit as f64).round() as u64).collect();
    let sum: u64 = units.iter().sum();
    if let Some(k) = (0..w.len()).max_by(|&a, &b| w[a].total_cmp(&w[b]).then(b.cmp(&a))) {
        units[k] = (units[k] + unit).saturating_sub(sum);
    }
    units
        .iter()
        .map(|u| {
            let s = format!("{}.{:0width$}", u / unit, u % unit, width = digits as usize);
            let s = s.trim_end_matches('0');
            s.strip_suffix('.').map_or_else(|| s.to_string(), |t| format!("{t}.0"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_the_weights_that_made_the_target() {
        let shares = vec![
            vec![0.1, 0.2, 0.3, 0.4],
            vec![0.25, 0.25, 0.25, 0.25],
            vec![0.4, 0.3, 0.2, 0.1],
        ];
        let w = [0.5, 0.3, 0.2];
        let target: Vec<f64> = (0..4)
            .map(|i| 1000.0 * (0..3).map(|k| w[k] * shares[k][i]).sum::<f64>())
            .collect();
        // Three criteria over four entries with shares adding to 1: the first and last are not
        // separable from the equal one (s1 + s3 = 2 s2), so any fit on that line is exact.
        let f = fit(&shares, &target).unwrap();
        assert!((f.r2 - 1.0).abs() < 1e-12);
        let shares = vec![
            vec![0.1, 0.2, 0.3, 0.4],
            vec![0.25, 0.25, 0.25, 0.25],
            vec![0.5, 0.1, 0.1, 0.3],
        ];
        let target: Vec<f64> = (0..4)
            .map(|i| (0..3).map(|k| w[k] * shares[k][i]).sum::<f64>())
            .collect();
        let f = fit(&shares, &target).unwrap();
        for (a, b) in f.weights.iter().zip(w) {
            assert!((a - b).abs() < 1e-9, "{:?}", f.weights);
        }
    }

    #[test]
    fn weights_stay_non_negative_and_add_up_to_one() {
        // The target leans further than any criterion: the fit sits on the boundary.
        let shares = vec![vec![0.5, 0.3, 0.2], vec![1.0 / 3.0; 3]];
        let f = fit(&shares, &[0.9, 0.05, 0.05]).unwrap();
        assert_eq!(f.weights, vec![1.0, 0.0]);
        assert!(f.r2 < 1.0);
    }

    #[test]
    fn decimals_add_up_to_one() {
        let d = decimals(&[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], 6);
        assert_eq!(d, ["0.333334", "0.333333", "0.333333"]);
        assert_eq!(decimals(&[1.0, 0.0], 6), ["1.0", "0.0"]);
    }
}

//! `busetting calibrate --target COLUMN`: the weights of a criteria file's criteria that best
//! reproduce a past allocation, and how well they do.

use crate::allocate;
use crate::calibrate::{self, Fit};
use crate::cli::CalibrateArgs;
use crate::commands::{Failure, Output};
use crate::criteria::Criteria;
use crate::diag::{Diag, Diags};
use crate::lang::{Lang, fill};
use crate::output;
use crate::pipeline;
use crate::render::cells::{Grid, number, terminal, text};
use crate::share;
use crate::suggest;

fn seats_with(
    criteria: &Criteria,
    shares: &[&[f64]],
    weights: &[f64],
    total: u64,
    limits: &[crate::bounds::Limits],
) -> Result<Vec<u64>, Diag> {
    let combined = share::combine(weights, shares);
    allocate::allocate(
        criteria.method,
        total,
        &combined,
        limits,
        criteria.bounds.minimum_if_asked.as_ref().map(|m| m.value),
    )
    .map(|o| o.seats)
    .map_err(|e| pipeline::infeasible(criteria, &e))
}

/// The criteria file's text with the fitted weights in place of the old ones, written with the
/// fewest decimals (6 to 12) that give the same allocation as the fit itself, and a comment on
/// top saying what they were fitted to.
fn rewritten(criteria: &Criteria, weights: &[String], header: &str) -> String {
    let text = &criteria.file.text;
    let mut spans: Vec<(std::ops::Range<usize>, &str)> = criteria
        .criteria
        .iter()
        .zip(weights)
        .map(|(c, w)| (c.weight_span.clone(), w.as_str()))
        .collect();
    spans.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
    let mut out = text.to_string();
    for (span, w) in spans {
        out.replace_range(span, w);
    }
    format!("{header}\n{out}")
}

pub fn run(args: &CalibrateArgs, lang: Lang) -> Result<Output, Failure> {
    let t = lang.texts();
    let target = args.target.as_str();
    let (criteria, data) = pipeline::load(&(&args.inputs).into(), &[target])?;
    let Some(def) = data.catalogue.indicator(target) else {
        let names: Vec<&str> = data.catalogue.indicators.iter().map(|i| i.name.as_str()).collect();
        let mut d = Diag::error(
            "calibrate::target",
            format!("`{target}` is not an indicator of {}", data.catalogue.file.name),
        );
        d = d.help(match suggest::did_you_mean(target, names.iter().copied()) {
            Some(s) => format!("{s} The indicators are listed in {}", data.catalogue.file.name),
            None => format!("the indicators are {}", suggest::or_list(&names)),
        });
        return Err(Failure::Usage(Diags::from(d)));
    };
    if criteria.criteria.len() > calibrate::MAX_CRITERIA {
        return Err(Failure::from(Diag::error(
            "calibrate::too-many",
            format!(
                "{} has {} criteria; calibration fits at most {}",
                criteria.file.name,
                criteria.criteria.len(),
                calibrate::MAX_CRITERIA
            ),
        )));
    }
    let (_, shares, limits) = pipeline::prepare(&criteria, &data)?;
    let raw = data.table.get(target).unwrap_or(&[]);
    let municipalities = &data.register.municipalities;
    let included: Vec<usize> = (0..municipalities.len())
        .filter(|&i| raw.get(i).is_some_and(|v| v.is_some()))
        .collect();
    let excluded: Vec<String> = (0..municipalities.len())
        .filter(|i| !included.contains(i))
        .map(|i| municipalities[i].label())
        .collect();
    let values: Vec<f64> = included.iter().map(|&i| raw[i].unwrap_or(0.0)).collect();
    let target_sum: f64 = values.iter().sum();
    let no_fit = || {
        Failure::from(
            Diag::error(
                "calibrate::no-target",
                format!("`{target}` has no positive values to fit to in {}", def.file.value),
            )
            .help("choose a column with a past allocation, e.g. imdi_request_2024"),
        )
    };
    if included.is_empty() || target_sum <= 0.0 {
        return Err(no_fit());
    }
    let restricted: Vec<Vec<f64>> = shares
        .criteria
        .iter()
        .map(|cs| included.iter().map(|&i| cs.shares[i]).collect())
        .collect();
    let Fit { weights, r2, same } = calibrate::fit(&restricted, &values).ok_or_else(no_fit)?;
    let all: Vec<&[f64]> = shares.criteria.iter().map(|cs| cs.shares.as_slice()).collect();
    let total = target_sum.round() as u64;
    let seats = seats_with(&criteria, &all, &weights, total, &limits)?;
    let deviation: Vec<(usize, f64)> = included
        .iter()
        .zip(&values)
        .map(|(&i, &v)| (i, seats[i] as f64 - v))
        .collect();
    let mae = deviation.iter().map(|(_, d)| d.abs()).sum::<f64>() / deviation.len() as f64;

    let labels: Vec<String> = criteria
        .criteria
        .iter()
        .map(|c| c.label.get(lang).to_string())
        .collect();
    let weight_grid = Grid {
        header: vec![t.l_criterion.into(), t.l_file_weight.into(), t.l_fitted_weight.into()],
        rows: criteria
            .criteria
            .iter()
            .zip(&weights)
            .zip(&labels)
            .map(|((c, w), l)| {
                vec![
                    text(format!("{l} ({})", c.id)),
                    number(lang.num(c.weight, 3), c.weight),
                    number(lang.num(*w, 3), *w),
                ]
            })
            .collect(),
        sum: Vec::new(),
        decimals: vec![None, Some(3), Some(3)],
    };
    let mut worst = deviation.clone();
    worst.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let worst_grid = Grid {
        header: vec![
            t.kommune.into(),
            t.l_target.into(),
            t.l_with_fitted.into(),
            "±".to_string(),
        ],
        rows: worst
            .iter()
            .take(5)
            .map(|&(i, d)| {
                let v = seats[i] as f64 - d;
                vec![
                    text(municipalities[i].label()),
                    number(lang.num(v, 0), v),
                    number(lang.int(seats[i]), seats[i] as f64),
                    number(lang.signed(d, 0), d),
                ]
            })
            .collect(),
        sum: Vec::new(),
        decimals: vec![None, Some(0), Some(0), Some(0)],
    };
    let target_label = def.label.get(lang).to_string();
    let fit_line = fill(
        t.l_fit,
        &[
            ("r2", &lang.num(r2, 4)),
            ("mae", &lang.num(mae, 1)),
            ("method", &crate::render::cells::method_text(&criteria)),
            ("total", &lang.int(total)),
        ],
    );
    let mut out = fill(t.l_heading, &[("target", &format!("{target_label} ({target})"))]) + "\n";
    out.push_str(t.l_method);
    out.push('\n');
    out.push_str(&terminal(&weight_grid));
    out.push('\n');
    out.push_str(&fit_line);
    out.push('\n');
    out.push_str(&format!("{}:\n", t.l_worst));
    out.push_str(&terminal(&worst_grid));
    out.push('\n');
    for (a, b) in same.iter().filter(|(a, b)| weights[*a] + weights[*b] > 0.0) {
        out.push_str(&fill(t.l_same_shares, &[("a", &labels[*a]), ("b", &labels[*b])]));
        out.push('\n');
    }
    if !excluded.is_empty() {
        out.push_str(&fill(
            t.l_excluded,
            &[("target", target), ("list", &lang.list(&excluded))],
        ));
        out.push('\n');
    }

    let mut stderr = String::new();
    if let Some(path) = &args.write {
        let mut written = None;
        for digits in 6..=12 {
            let d = calibrate::decimals(&weights, digits);
            let parsed: Vec<f64> = d.iter().map(|s| s.parse().unwrap_or(0.0)).collect();
            if seats_with(&criteria, &all, &parsed, total, &limits)? == seats || digits == 12 {
                written = Some(d);
                break;
            }
        }
        let d = written.unwrap_or_default();
        let was: Vec<String> = criteria
            .criteria
            .iter()
            .map(|c| format!("{} {}", c.id, c.weight))
            .collect();
        let header = format!(
            "# Weights fitted by `busetting calibrate --target {target}`\n\
             # to {} ({}{}),\n\
             # with the criteria, bounds and method of {}:\n\
             # least squares on the combined share, weights >= 0 adding up to 1.\n\
             # R² = {:.4}; allocating {total} with these weights gives a mean absolute deviation\n\
             # of {:.1} persons per municipality. The weights before fitting: {}.",
            def.label.get(Lang::En),
            def.file.value,
            def.source.as_ref().map(|s| format!(", {s}")).unwrap_or_default(),
            criteria.file.name,
            r2,
            mae,
            was.join(", ")
        );
        let text = rewritten(&criteria, &d, &header);
        let written = output::write_file(path, text.into_bytes())?;
        stderr = crate::commands::report::wrote(lang, &written);
    }
    Ok(Output {
        stdout: out.into_bytes(),
        stderr,
    })
}

//! A robustness run as tables: terminal, Markdown and CSV (`sensitivity.*`).

use super::cells::markdown as cell;
use super::cells::{Error, Grid, csv_bytes, json_bytes, label, number, terminal, text};
use crate::lang::fill;
use crate::pipeline::Run;
use crate::robust::{Row, Sensitivity, Spread};

/// The criterion whose weight explains most of the row's variation, with its index.
pub fn driver(s: &Sensitivity, row: &Row) -> Option<(usize, f64)> {
    row.sobol
        .iter()
        .enumerate()
        .filter_map(|(c, v)| v.map(|v| (c, v)))
        .filter(|(c, _)| *c < s.criteria.len())
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

pub fn grid(run: &Run, s: &Sensitivity) -> Grid {
    let lang = run.lang;
    let t = lang.texts();
    let header: Vec<String> = [
        t.rank,
        t.knr,
        t.kommune,
        t.s_baseline,
        t.s_p5,
        t.s_median,
        t.s_p95,
        t.s_moved,
        t.s_rank_interval,
        t.s_driver,
    ]
    .map(String::from)
    .to_vec();
    let rows = s
        .rows
        .iter()
        .map(|r| {
            let driver = match driver(s, r) {
                // Below 0.05 the variation comes from the indicators or from interactions.
                Some((_, v)) if v < 0.05 => text(t.s_no_weight),
                Some((c, v)) => text(format!("{} {}", label(run, &s.criteria[c].id), lang.num(v, 2))),
                None => text(t.s_steady),
            };
            vec![
                number(r.rank.to_string(), r.rank as f64),
                text(r.kommunenummer.clone()),
                text(r.kommune.clone()),
                number(lang.int(r.baseline), r.baseline as f64),
                number(lang.int(r.p5), r.p5 as f64),
                number(lang.int(r.p50), r.p50 as f64),
                number(lang.int(r.p95), r.p95 as f64),
                number(lang.percent(100.0 * r.p_moved, 1), r.p_moved),
                text(if r.rank_p5 == r.rank_p95 {
                    r.rank_p5.to_string()
                } else {
                    format!("{}–{}", r.rank_p5, r.rank_p95)
                }),
                driver,
            ]
        })
        .collect();
    Grid {
        header,
        rows,
        sum: Vec::new(),
        decimals: vec![
            Some(0),
            None,
            None,
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            None,
            None,
        ],
    }
}

/// The heading of a run.
pub fn heading(run: &Run, s: &Sensitivity) -> String {
    fill(
        run.lang.texts().s_heading,
        &[("draws", &run.lang.int(s.settings.draws))],
    )
}

/// How the draws were made, what was computed exactly or left out, and a one-line summary.
pub fn notes(run: &Run, s: &Sensitivity) -> Vec<String> {
    let lang = run.lang;
    let t = lang.texts();
    let seed = s.settings.seed.to_string();
    let mut out = vec![match s.settings.spread {
        Spread::Dirichlet { kappa } => fill(t.s_dirichlet, &[("kappa", &lang.num(kappa, 0)), ("seed", &seed)]),
        Spread::Uniform { delta } => fill(
            t.s_uniform,
            &[("delta", &lang.percent(100.0 * delta, 0)), ("seed", &seed)],
        ),
    }];
    if s.settings.indicator_noise > 0.0 {
        out.push(fill(
            t.s_noise,
            &[("noise", &lang.percent(100.0 * s.settings.indicator_noise, 1))],
        ));
    }
    let steady = s.rows.iter().filter(|r| r.p_moved <= 0.1).count();
    let widest = s
        .rows
        .iter()
        .max_by(|a, b| (a.p95 - a.p5).cmp(&(b.p95 - b.p5)).then(b.rank.cmp(&a.rank)))
        .map(|r| format!("{} ({}–{})", r.kommune, lang.int(r.p5), lang.int(r.p95)))
        .unwrap_or_default();
    out.push(fill(
        t.s_summary,
        &[
            ("steady", &steady.to_string()),
            ("n", &s.rows.len().to_string()),
            ("widest", &widest),
        ],
    ));
    out.push(t.s_sobol_note.to_string());
    if s.exact_draws > 0 {
        out.push(fill(t.s_exact, &[("count", &lang.int(s.exact_draws))]));
    }
    if s.infeasible_draws > 0 {
        out.push(fill(t.s_infeasible, &[("count", &lang.int(s.infeasible_draws))]));
    }
    out
}

/// For the terminal.
pub fn render(run: &Run, s: &Sensitivity) -> String {
    let mut out = heading(run, s);
    out.push('\n');
    out.push_str(&terminal(&grid(run, s)));
    out.push('\n');
    for n in notes(run, s) {
        out.push_str(&n);
        out.push('\n');
    }
    out
}

/// `sensitivity.md`.
pub fn markdown(run: &Run, s: &Sensitivity) -> Vec<u8> {
    let mut out = format!("# {}\n\n", cell(&heading(run, s)));
    for n in notes(run, s) {
        out.push_str(&format!("{}\n\n", cell(&n)));
    }
    out.push_str(&super::markdown::table(&grid(run, s)));
    out.into_bytes()
}

/// `sensitivity.csv`: plain numbers, one Sobol column per criterion.
pub fn csv(s: &Sensitivity) -> Result<Vec<u8>, Error> {
    let mut header: Vec<String> = [
        "rank",
        "kommunenummer",
        "kommune",
        "recommendation",
        "p5",
        "p50",
        "p95",
        "min",
        "max",
        "mean",
        "p_moved_more_than_1",
        "rank_p5",
        "rank_p95",
    ]
    .map(String::from)
    .to_vec();
    header.extend(s.criteria.iter().map(|c| format!("sobol_{}", c.id)));
    let mut records = vec![header];
    for r in &s.rows {
        let mut rec = vec![
            r.rank.to_string(),
            r.kommunenummer.clone(),
            r.kommune.clone(),
            r.baseline.to_string(),
            r.p5.to_string(),
            r.p50.to_string(),
            r.p95.to_string(),
            r.min.to_string(),
            r.max.to_string(),
            format!("{}", r.mean),
            format!("{}", r.p_moved),
            r.rank_p5.to_string(),
            r.rank_p95.to_string(),
        ];
        rec.extend(r.sobol.iter().map(|v| v.map(|v| format!("{v}")).unwrap_or_default()));
        records.push(rec);
    }
    csv_bytes("sensitivity.csv", records)
}

/// `sensitivity.json`.
pub fn json(s: &Sensitivity) -> Result<Vec<u8>, Error> {
    json_bytes("sensitivity.json", s)
}

//! A file with several categories (docs/model.md §6): each category is allocated on its own; this is
//! the table of all of them together, one column per category and their sum.

use super::cells::markdown as cell;
use super::cells::{Error, Grid, csv_bytes, number, text};
use crate::lang::fill;
use crate::pipeline::Run;

/// The category's label in the run's language.
pub fn label(run: &Run) -> String {
    run.criteria
        .category
        .as_ref()
        .map_or_else(String::new, |c| c.label.get(run.lang).to_string())
}

/// The file-name part of a category: its id.
pub fn id(run: &Run) -> String {
    run.criteria
        .category
        .as_ref()
        .map_or_else(String::new, |c| c.id.clone())
}

/// Each municipality's number in each category and together, by the sum (then kommunenummer).
pub fn grid(runs: &[Run]) -> Grid {
    let first = &runs[0];
    let lang = first.lang;
    let t = lang.texts();
    let mut header = vec![t.knr.to_string(), t.kommune.to_string()];
    header.extend(runs.iter().map(label));
    header.push(t.g_total.to_string());
    let n = first.data.register.len();
    let mut order: Vec<usize> = (0..n).collect();
    let total = |i: usize| -> u64 { runs.iter().map(|r| r.outcome.seats[i]).sum() };
    order.sort_by(|&a, &b| total(b).cmp(&total(a)).then(a.cmp(&b)));
    let rows = order
        .iter()
        .map(|&i| {
            let m = &first.data.register.municipalities[i];
            let mut row = vec![text(m.knr.clone()), text(m.name.clone())];
            row.extend(
                runs.iter()
                    .map(|r| number(lang.int(r.outcome.seats[i]), r.outcome.seats[i] as f64)),
            );
            row.push(number(lang.int(total(i)), total(i) as f64));
            row
        })
        .collect();
    let mut sum = vec![text(""), text(t.sum)];
    let mut all = 0;
    for r in runs {
        let s: u64 = r.outcome.seats.iter().sum();
        all += s;
        sum.push(number(lang.int(s), s as f64));
    }
    sum.push(number(lang.int(all), all as f64));
    let mut decimals = vec![None, None];
    decimals.extend(runs.iter().map(|_| Some(0)));
    decimals.push(Some(0));
    Grid {
        header,
        rows,
        sum,
        decimals,
    }
}

pub fn heading(runs: &[Run]) -> String {
    fill(
        runs[0].lang.texts().g_heading,
        &[
            ("year", &runs[0].criteria.year.to_string()),
            ("n", &runs.len().to_string()),
        ],
    )
}

/// `categories.md`.
pub fn markdown(runs: &[Run]) -> Vec<u8> {
    let mut out = format!("# {}\n\n", cell(&heading(runs)));
    for r in runs {
        out.push_str(&format!(
            "- **{}**: {}\n",
            cell(&label(r)),
            cell(&super::cells::heading(r))
        ));
    }
    out.push('\n');
    out.push_str(&super::markdown::table(&grid(runs)));
    out.into_bytes()
}

/// `categories.csv`: plain numbers, one column per category id.
pub fn csv(runs: &[Run]) -> Result<Vec<u8>, Error> {
    let mut header = vec!["kommunenummer".to_string(), "kommune".to_string()];
    header.extend(runs.iter().map(id));
    header.push("total".to_string());
    let mut records = vec![header];
    let g = grid(runs);
    for row in &g.rows {
        let rec: Vec<String> = row
            .iter()
            .map(|c| c.value.map_or_else(|| c.text.clone(), |v| format!("{v}")))
            .collect();
        records.push(rec);
    }
    csv_bytes("categories.csv", records)
}

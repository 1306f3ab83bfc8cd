//! `recommendation.json`: the whole run with every explanation field, for other programs and
//! for the record.

use crate::names::Named;
use serde::Serialize;

use crate::apportion::TieRule;
use crate::criteria::{Basis, Direction, Missing, Scale};
use crate::explain::Explanation;
use crate::pipeline::Run;

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    title: Option<&'a str>,
    year: i64,
    county: &'a str,
    total: u64,
    method: &'static str,
    first_divisor: Option<f64>,
    language: crate::lang::Lang,
    criteria_file: &'a str,
    data: Vec<&'a str>,
    weights_as_written_sum: f64,
    weights_normalised: bool,
    criteria: Vec<Criterion<'a>>,
    bounds: Bounds,
    /// `λ` with `Q_i = clamp(λ T S_i, L_i, U_i)`.
    lambda: f64,
    filled: Vec<Filled<'a>>,
    ties: Vec<Tie<'a>>,
    municipalities: Vec<&'a Explanation>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Criterion<'a> {
    id: &'a str,
    label: &'a str,
    basis: Basis,
    column: Option<&'a str>,
    /// The indicator or the series' years read for this year: `request[2026]`.
    reads: Option<String>,
    /// The power of a share; absent for a plain share.
    #[serde(skip_serializing_if = "Option::is_none")]
    power: Option<f64>,
    weight: f64,
    direction: Direction,
    scale: Option<Scale>,
    missing: Missing,
    county_mean: Option<f64>,
}

#[derive(Serialize)]
struct Bounds {
    minimum: u64,
    minimum_if_asked: Option<u64>,
    capacity: Option<String>,
    per_1000_cap: Option<f64>,
}

#[derive(Serialize)]
struct Filled<'a> {
    criterion: &'a str,
    column: &'a str,
    kommunenummer: &'a str,
    kommune: &'a str,
    /// `null` when no value was known anywhere: every municipality then counts the same.
    value: Option<f64>,
}

#[derive(Serialize)]
struct Tie<'a> {
    winner: &'a str,
    loser: &'a str,
    rule: TieRule,
}

/// The JSON bytes (pretty-printed, with a final newline).
pub fn render(run: &Run) -> Result<Vec<u8>, crate::render::cells::Error> {
    let c = &run.criteria;
    let reg = &run.data.register.municipalities;
    let mut filled = Vec::new();
    for (k, cs) in c.criteria.iter().zip(&run.shares.criteria) {
        for &i in &cs.filled {
            filled.push(Filled {
                criterion: &k.id,
                column: k.column.as_ref().map_or("", |c| c.value.as_str()),
                kommunenummer: &reg[i].knr,
                kommune: &reg[i].name,
                value: cs.fill_value,
            });
        }
    }
    let doc = Document {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        title: c.title.as_deref(),
        year: c.year,
        county: &c.county,
        total: c.total,
        method: c.method.name(),
        first_divisor: match c.method {
            crate::apportion::Method::SainteLague { first_divisor } => Some(first_divisor.to_f64()),
            _ => None,
        },
        language: run.lang,
        criteria_file: &c.file.name,
        data: run.data.inputs.iter().map(|i| i.name.as_str()).collect(),
        weights_as_written_sum: c.weight_sum,
        weights_normalised: c.normalised,
        criteria: c
            .criteria
            .iter()
            .zip(&run.shares.criteria)
            .map(|(k, cs)| Criterion {
                id: &k.id,
                label: k.label.get(run.lang),
                basis: k.basis,
                column: k.column.as_ref().map(|c| c.value.as_str()),
                reads: k.reads.shown(),
                power: (k.power != 1.0).then_some(k.power),
                weight: k.weight,
                direction: k.direction,
                scale: (k.basis == Basis::PopulationWeighted).then_some(k.scale),
                missing: k.missing,
                county_mean: cs.mean,
            })
            .collect(),
        bounds: Bounds {
            minimum: c.bounds.minimum,
            minimum_if_asked: c.bounds.minimum_if_asked.as_ref().map(|m| m.value),
            capacity: c.bounds.capacity.as_ref().map(|c| c.value.clone()),
            per_1000_cap: c.bounds.per_1000_cap,
        },
        lambda: run.outcome.mu / c.total as f64,
        filled,
        ties: run
            .outcome
            .ties
            .iter()
            .map(|t| Tie {
                winner: &reg[t.winner].knr,
                loser: &reg[t.loser].knr,
                rule: t.rule,
            })
            .collect(),
        municipalities: run.ranked(),
    };
    crate::render::cells::json_bytes("recommendation.json", &doc)
}

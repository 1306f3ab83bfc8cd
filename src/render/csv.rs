//! `recommendation.csv`: one row per municipality in ranked order, every explanation field,
//! plain numbers (decimal point, full precision) for spreadsheets and other programs.

use crate::allocate::Acting;
use crate::bounds::BoundSource;
use crate::explain::Side;
use crate::pipeline::Run;
use crate::render::cells::{Error, csv_bytes, neutral};

/// The bound's id as in the JSON (`per-1000-cap`).
fn source_id(s: BoundSource) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn number(x: f64) -> String {
    format!("{x}")
}

fn opt(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

/// The CSV bytes.
pub fn render(run: &Run) -> Result<Vec<u8>, Error> {
    let c = &run.criteria;
    let year = run.data.catalogue.compare.as_ref().map(|c| c.year);
    let mut header: Vec<String> = [
        "rank",
        "kommunenummer",
        "kommune",
        "recommendation",
        "per_1000",
        "population",
        "combined_share",
        "unbounded_quota",
    ]
    .map(String::from)
    .to_vec();
    header.extend(c.criteria.iter().map(|k| format!("contribution_{}", k.id)));
    header.extend(
        [
            "bound_adjustment",
            "rounding",
            "bounded_quota",
            "lower_bound",
            "lower_bound_source",
            "upper_bound",
            "upper_bound_source",
            "acting_bound",
            "acting_effect",
            "not_asked",
            "override_reason",
            "margin_gain_persons",
            "margin_gain_from",
            "margin_lose_persons",
            "margin_lose_to",
        ]
        .map(String::from),
    );
    for k in &c.criteria {
        if k.column.is_some() {
            header.push(format!("value_{}", k.id));
            header.push(format!("place_{}", k.id));
        }
    }
    header.push("filled_columns".into());
    if let Some(y) = year {
        header.extend([format!("request_{y}"), format!("decision_{y}"), format!("settled_{y}")]);
    }
    header.push("sentence".into());

    let mut records = vec![header];
    for e in run.ranked() {
        let mut row = vec![
            e.rank.to_string(),
            e.kommunenummer.clone(),
            neutral(&e.kommune),
            e.recommendation.to_string(),
            number(e.per_1000),
            number(e.population),
            number(e.combined_share),
            number(e.unbounded_quota),
        ];
        row.extend(e.contributions.iter().map(|k| number(k.persons)));
        let (acting, effect) = match e.acting_bound {
            Some(Acting::Capped { source, .. }) => (source_id(source), "capped"),
            Some(Acting::Raised { source, .. }) => (source_id(source), "raised"),
            None => (String::new(), ""),
        };
        let side = |s: &Side| match s {
            Side::Possible(step) => (number(step.persons), step.counterpart.clone().unwrap_or_default()),
            Side::AtBound { .. } => (String::new(), "at bound".to_string()),
            Side::NoCounterpart => (String::new(), "none".to_string()),
        };
        let (gain, from) = side(&e.margin.gain);
        let (lose, to) = side(&e.margin.lose);
        row.extend([
            number(e.bound_adjustment),
            number(e.rounding),
            number(e.bounded_quota),
            e.lower_bound.map_or(0, |b| b.value).to_string(),
            e.lower_bound.map(|b| source_id(b.source)).unwrap_or_default(),
            e.upper_bound.map(|b| b.value.to_string()).unwrap_or_default(),
            e.upper_bound.map(|b| source_id(b.source)).unwrap_or_default(),
            acting,
            effect.to_string(),
            e.not_asked.is_some().to_string(),
            neutral(&e.override_reason.clone().unwrap_or_default()),
            gain,
            neutral(&from),
            lose,
            neutral(&to),
        ]);
        for k in e.contributions.iter().filter(|k| k.column.is_some()) {
            row.push(opt(k.value));
            row.push(k.rank.map(|r| r.to_string()).unwrap_or_default());
        }
        let filled: Vec<&str> = e
            .contributions
            .iter()
            .filter(|k| k.filled)
            .filter_map(|k| k.column.as_deref())
            .collect();
        row.push(filled.join(";"));
        if year.is_some() {
            row.extend([
                opt(e.previous.request),
                opt(e.previous.decision),
                opt(e.previous.settled),
            ]);
        }
        row.push(neutral(&e.sentence));
        records.push(row);
    }
    csv_bytes("recommendation.csv", records)
}

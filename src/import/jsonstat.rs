//! JSON-stat 2.0 datasets as the PxWeb API returns them.

use serde_json::Value;

use super::{Cell, Imported, Place, SUPPRESSED, Successors, is_year};
use crate::data::Register;
use crate::diag::{Diag, Diags, SourceFile};

/// The most cells a JSON-stat dataset may hold: every municipality for a century of years is
/// far less.
pub const MAX_JSON_STAT_CELLS: usize = 1_000_000;

/// A JSON-stat 2.0 dataset as the PxWeb API returns it: a region dimension, optionally a time
/// dimension, and every other dimension of size 1.
pub fn json_stat(
    file: &SourceFile,
    register: &Register,
    successors: &Successors,
    name: &str,
) -> Result<Imported, Diags> {
    let fail = |m: String, help: &str| Diags::from(Diag::error("import::json-stat", m).help(help.to_string()));
    let doc: Value = serde_json::from_str(&file.text).map_err(|e| {
        Diags::from(
            Diag::error("import::json", format!("{} is not JSON: {e}", file.name))
                .help("save the response of the PxWeb API with format json-stat2"),
        )
    })?;
    // A response may wrap the dataset ({"dataset": {...}}) as JSON-stat 1 did.
    let ds = if doc.get("class").and_then(Value::as_str) == Some("dataset") {
        &doc
    } else {
        doc.get("dataset").unwrap_or(&doc)
    };
    let help = "save the response of the PxWeb API with format json-stat2";
    let ids: Vec<String> = ds
        .get("id")
        .and_then(Value::as_array)
        .ok_or_else(|| fail(format!("{} has no `id` list: not JSON-stat 2.0", file.name), help))?
        .iter()
        .map(|v| v.as_str().map(String::from))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| fail(format!("{}: `id` holds something other than names", file.name), help))?;
    let sizes: Vec<usize> = ds
        .get("size")
        .and_then(Value::as_array)
        .ok_or_else(|| fail(format!("{} has no `size` list: not JSON-stat 2.0", file.name), help))?
        .iter()
        .map(|v| v.as_u64().and_then(|v| usize::try_from(v).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| {
            fail(
                format!("{}: `size` holds something other than whole numbers", file.name),
                help,
            )
        })?;
    if ids.len() != sizes.len() {
        return Err(fail(format!("{}: `id` and `size` differ in length", file.name), help));
    }
    // Each dimension's categories in index order.
    let mut cats: Vec<Vec<(String, String)>> = Vec::new();
    for id in &ids {
        let cat = &ds["dimension"][id]["category"];
        let mut entries: Vec<(usize, String)> = match &cat["index"] {
            Value::Object(m) => m
                .iter()
                .filter_map(|(k, v)| Some((v.as_u64()? as usize, k.clone())))
                .collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some((i, v.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        if entries.is_empty()
            && let Value::Object(m) = &cat["label"]
        {
            entries = m.keys().cloned().enumerate().collect();
        }
        entries.sort();
        cats.push(
            entries
                .into_iter()
                .map(|(_, k)| {
                    let label = cat["label"][&k].as_str().unwrap_or("").to_string();
                    (k, label)
                })
                .collect(),
        );
    }
    let role = |r: &str| -> Vec<String> {
        ds["role"][r]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let region = ids
        .iter()
        .position(|id| role("geo").contains(id) || id.eq_ignore_ascii_case("region"))
        .ok_or_else(|| {
            fail(
                format!("{} has no region dimension", file.name),
                "query the table by Region",
            )
        })?;
    let time = ids
        .iter()
        .position(|id| role("time").contains(id) || id.eq_ignore_ascii_case("tid"));
    for (k, id) in ids.iter().enumerate() {
        if k != region && Some(k) != time && sizes[k] > 1 {
            return Err(fail(
                format!(
                    "{} has {} values of dimension `{id}`; the import takes one",
                    file.name, sizes[k]
                ),
                "query one value of that dimension (e.g. one ContentsCode)",
            ));
        }
    }
    for (k, id) in ids.iter().enumerate() {
        if cats[k].len() != sizes[k] || sizes[k] == 0 {
            return Err(fail(
                format!(
                    "{}: dimension `{id}` has {} categories, but `size` says {}",
                    file.name,
                    cats[k].len(),
                    sizes[k]
                ),
                help,
            ));
        }
    }
    let total = sizes
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .filter(|&t| t <= MAX_JSON_STAT_CELLS)
        .ok_or_else(|| {
            fail(
                format!(
                    "{} has more than {MAX_JSON_STAT_CELLS} cells (`size` {:?})",
                    file.name, sizes
                ),
                "query fewer regions, years or contents at a time",
            )
        })?;
    let values: Vec<Value> = match &ds["value"] {
        Value::Array(a) => a.clone(),
        Value::Object(m) => {
            let mut v = vec![Value::Null; total];
            for (k, x) in m {
                if let Ok(i) = k.parse::<usize>()
                    && i < total
                {
                    v[i] = x.clone();
                }
            }
            v
        }
        _ => return Err(fail(format!("{} has no `value`", file.name), help)),
    };
    if values.len() != total {
        return Err(fail(
            format!("{} has {} values for {} cells", file.name, values.len(), total),
            help,
        ));
    }
    let status = |i: usize| -> Option<String> {
        match &ds["status"] {
            Value::Object(m) => m.get(&i.to_string()).and_then(|v| v.as_str().map(String::from)),
            Value::Array(a) => a.get(i).and_then(|v| v.as_str().map(String::from)),
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    };
    let mut out = Imported {
        columns: vec![name.to_string()],
        ..Imported::default()
    };
    let place = Place { register, successors };
    for (i, v) in values.iter().enumerate() {
        // Row-major: the last dimension varies fastest.
        let mut rest = i;
        let mut at = vec![0; sizes.len()];
        for k in (0..sizes.len()).rev() {
            at[k] = rest % sizes[k];
            rest /= sizes[k];
        }
        let (code, label) = &cats[region][at[region]];
        let region_text = format!("{code} {label}");
        let Some(knr) = place.resolve(&region_text, &mut out) else {
            continue;
        };
        let year = time.and_then(|t| is_year(&cats[t][at[t]].0));
        let value = match v {
            Value::Number(n) => n.as_f64(),
            Value::Null => {
                if let Some(s) = status(i) {
                    out.suppressed.push((region_text.clone(), year, name.to_string(), s));
                }
                None
            }
            Value::String(s) if SUPPRESSED.contains(&s.trim()) => {
                out.suppressed
                    .push((region_text.clone(), year, name.to_string(), s.clone()));
                None
            }
            other => {
                return Err(fail(
                    format!(
                        "value number {} of {} ({region_text}) is `{other}`, not a number",
                        i + 1,
                        file.name
                    ),
                    "correct the value, or make it null",
                ));
            }
        };
        out.read_at(&region_text, year, name, format!("value number {}", i + 1));
        out.cells.push(Cell {
            knr,
            year,
            column: name.to_string(),
            value,
        });
    }
    Ok(out)
}

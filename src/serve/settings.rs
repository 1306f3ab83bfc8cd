//! What the page can change in a criteria file: the weights, the total, minimum-if-asked, the
//! per-1000 cap and the method. Read from the file's parsed criteria, and from a request body,
//! checked value by value so that a bad value is named by its field.

use serde_json::{Map, Value, json};

use crate::criteria::{Criteria, MAX_TOTAL};
use crate::names::Named;

/// The settings the page shows and sends.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Each criterion's weight by id, in the file's order.
    pub weights: Vec<(String, f64)>,
    pub total: u64,
    /// `None` when the file has no minimum-if-asked (0 means the same).
    pub minimum_if_asked: Option<u64>,
    /// `None` when the file has no per-1000 cap.
    pub per_1000_cap: Option<f64>,
    /// The method's name as criteria files write it.
    pub method: String,
}

/// A request the server refuses, with the field it names (for the page to mark).
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub error: String,
    pub field: Option<String>,
}

impl Refusal {
    pub fn bad(field: &str, error: impl Into<String>) -> Refusal {
        Refusal {
            status: 400,
            error: error.into(),
            field: Some(field.to_string()),
        }
    }

    pub fn new(status: u16, error: impl Into<String>) -> Refusal {
        Refusal {
            status,
            error: error.into(),
            field: None,
        }
    }

    /// The JSON body: `{error, field?}`.
    pub fn body(&self) -> Value {
        match &self.field {
            Some(f) => json!({ "error": self.error, "field": f }),
            None => json!({ "error": self.error }),
        }
    }
}

/// The largest per-1000 cap the page may set: a thousand per thousand is everybody.
pub const MAX_CAP: f64 = 1000.0;

impl Settings {
    /// The settings as the file has them (`total` as the run has it, so that `--county` shows
    /// the total that run used).
    pub fn of(criteria: &Criteria, total: u64) -> Settings {
        Settings {
            weights: criteria.criteria.iter().map(|c| (c.id.clone(), c.weight)).collect(),
            total,
            minimum_if_asked: criteria.bounds.minimum_if_asked.as_ref().map(|m| m.value),
            per_1000_cap: criteria.bounds.per_1000_cap,
            method: method_name(criteria.method).to_string(),
        }
    }

    pub fn weight(&self, id: &str) -> Option<f64> {
        self.weights.iter().find(|(k, _)| k == id).map(|(_, w)| *w)
    }

    pub fn to_json(&self) -> Value {
        let weights: Map<String, Value> = self.weights.iter().map(|(k, w)| (k.clone(), json!(w))).collect();
        json!({
            "weights": weights,
            "total": self.total,
            "minimum_if_asked": self.minimum_if_asked,
            "per_1000_cap": self.per_1000_cap,
            "method": self.method,
        })
    }

    /// Reads the settings from a request body, for a file whose criteria have the ids `ids`,
    /// allowing the methods `methods`. Every value is checked here; what the criteria file itself
    /// refuses (weights that do not add up to 1) is left to it.
    pub fn from_json(body: &Map<String, Value>, ids: &[String], methods: &[&str]) -> Result<Settings, Refusal> {
        let Some(weights) = body.get("weights") else {
            return Err(Refusal::bad("weights", "weights is missing"));
        };
        let Some(weights) = weights.as_object() else {
            return Err(Refusal::bad(
                "weights",
                "weights must be an object of criterion id to weight",
            ));
        };
        if let Some(unknown) = weights.keys().find(|k| !ids.contains(k)) {
            return Err(Refusal::bad(
                &format!("weights.{unknown}"),
                format!("weights.{unknown}: the criteria file has no criterion with this id"),
            ));
        }
        let mut read = Vec::new();
        for id in ids {
            let field = format!("weights.{id}");
            let w = match weights.get(id) {
                None => return Err(Refusal::bad(&field, format!("{field} is missing"))),
                Some(v) => v.as_f64().filter(|w| (0.0..=1.0).contains(w)),
            };
            let Some(w) = w else {
                return Err(Refusal::bad(&field, format!("{field} must be a number from 0 to 1")));
            };
            read.push((id.clone(), w));
        }
        let total = match body.get("total").and_then(Value::as_u64) {
            Some(t) if (1..=MAX_TOTAL).contains(&t) => t,
            _ => {
                return Err(Refusal::bad(
                    "total",
                    format!("total must be a whole number from 1 to {MAX_TOTAL}"),
                ));
            }
        };
        let minimum_if_asked = match body.get("minimum_if_asked") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(0) => None,
                Some(m) if m <= MAX_TOTAL => Some(m),
                _ => {
                    return Err(Refusal::bad(
                        "minimum_if_asked",
                        format!("minimum_if_asked must be empty or a whole number from 0 to {MAX_TOTAL}"),
                    ));
                }
            },
        };
        let per_1000_cap = match body.get("per_1000_cap") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64() {
                Some(c) if c > 0.0 && c <= MAX_CAP => Some(c),
                _ => {
                    return Err(Refusal::bad(
                        "per_1000_cap",
                        format!("per_1000_cap must be empty (no cap) or a number above 0 and at most {MAX_CAP}"),
                    ));
                }
            },
        };
        let method = match body.get("method").and_then(Value::as_str) {
            Some(m) if methods.contains(&m) => m.to_string(),
            _ => {
                return Err(Refusal::bad(
                    "method",
                    format!("method must be one of {}", methods.join(", ")),
                ));
            }
        };
        Ok(Settings {
            weights: read,
            total,
            minimum_if_asked,
            per_1000_cap,
            method,
        })
    }
}

/// A method's name as criteria files write it.
pub fn method_name(method: crate::apportion::Method) -> &'static str {
    method.name()
}

/// Fields of a body that no endpoint reads: refused, so that a typo is not silently ignored.
pub fn unknown_field(body: &Map<String, Value>, known: &[&str]) -> Result<(), Refusal> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(Refusal::bad(k, format!("{k} is not a field of this request"))),
        None => Ok(()),
    }
}

/// The fields of the settings, for [`unknown_field`].
pub const FIELDS: [&str; 5] = ["weights", "total", "minimum_if_asked", "per_1000_cap", "method"];

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    const METHODS: [&str; 2] = ["sainte-lague", "dhondt"];

    fn ids() -> Vec<String> {
        vec!["a".to_string(), "b".to_string()]
    }

    #[test]
    fn good_settings_read_back() {
        let s = Settings::from_json(
            &body(
                r#"{"weights":{"a":0.25,"b":0.75},"total":100,"minimum_if_asked":0,"per_1000_cap":null,"method":"dhondt"}"#,
            ),
            &ids(),
            &METHODS,
        )
        .unwrap();
        assert_eq!(s.weights, vec![("a".to_string(), 0.25), ("b".to_string(), 0.75)]);
        assert_eq!((s.total, s.minimum_if_asked, s.per_1000_cap), (100, None, None));
        assert_eq!(s.method, "dhondt");
    }

    #[test]
    fn each_bad_value_is_named_by_its_field() {
        let cases = [
            (
                r#"{"weights":{"a":"x","b":1},"total":1,"method":"dhondt"}"#,
                "weights.a",
            ),
            (
                r#"{"weights":{"a":1.5,"b":0},"total":1,"method":"dhondt"}"#,
                "weights.a",
            ),
            (r#"{"weights":{"a":1},"total":1,"method":"dhondt"}"#, "weights.b"),
            (
                r#"{"weights":{"a":0,"b":1,"c":0},"total":1,"method":"dhondt"}"#,
                "weights.c",
            ),
            (r#"{"weights":[],"total":1,"method":"dhondt"}"#, "weights"),
            (r#"{"weights":{"a":0,"b":1},"total":0,"method":"dhondt"}"#, "total"),
            (
                r#"{"weights":{"a":0,"b":1},"total":10000001,"method":"dhondt"}"#,
                "total",
            ),
            (r#"{"weights":{"a":0,"b":1},"total":1.5,"method":"dhondt"}"#, "total"),
            (
                r#"{"weights":{"a":0,"b":1},"total":1,"minimum_if_asked":-1,"method":"dhondt"}"#,
                "minimum_if_asked",
            ),
            (
                r#"{"weights":{"a":0,"b":1},"total":1,"per_1000_cap":0,"method":"dhondt"}"#,
                "per_1000_cap",
            ),
            (r#"{"weights":{"a":0,"b":1},"total":1,"method":"nope"}"#, "method"),
        ];
        for (text, field) in cases {
            let e = Settings::from_json(&body(text), &ids(), &METHODS).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{text}: {}", e.error);
            assert_eq!(e.status, 400);
            assert!(e.error.contains(field), "{}", e.error);
        }
    }
}

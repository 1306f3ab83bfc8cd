//! The audit trail: `manifest.json` beside every set of results says exactly what made them (the
//! tool's version, the criteria file's text, every input's SHA-256, the method, the seed, the
//! command line's overrides) and what they were, so `busetting verify` can recompute them and
//! name whatever changed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pipeline::{Run, Source};
use crate::robust::Settings;

pub const FILE: &str = "manifest.json";

/// SHA-256 of a text, in hex.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub name: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriteriaFile {
    /// The path as given on the command line.
    pub path: String,
    pub sha256: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Number {
    pub kommunenummer: String,
    pub kommune: String,
    pub recommendation: u64,
}

/// What made a set of results, and the numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub criteria: CriteriaFile,
    /// The data folder as given on the command line.
    pub data: String,
    pub county: Option<String>,
    pub total_override: Option<u64>,
    pub category: Option<String>,
    pub year: i64,
    pub method: String,
    pub total: u64,
    /// Every file read, with its SHA-256, in the order read.
    pub inputs: Vec<InputFile>,
    /// The robustness run saved with the results, if any (its seed makes it reproducible).
    pub sensitivity: Option<Settings>,
    pub recommendation: Vec<Number>,
}

impl Manifest {
    pub fn of(run: &Run, sensitivity: Option<Settings>) -> Manifest {
        let c = &run.criteria;
        let s = &run.source;
        Manifest {
            tool: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            criteria: CriteriaFile {
                path: s.criteria.display().to_string(),
                sha256: sha256(&c.file.text),
                text: c.file.text.to_string(),
            },
            data: s.data.display().to_string(),
            county: s.county.clone(),
            total_override: s.total,
            category: c.category.as_ref().map(|k| k.id.clone()),
            year: c.year,
            method: crate::render::table::method_text(c),
            total: c.total,
            inputs: run
                .data
                .inputs
                .iter()
                .map(|i| InputFile {
                    name: i.name.clone(),
                    sha256: sha256(&i.text),
                })
                .collect(),
            sensitivity,
            recommendation: run
                .explanations
                .iter()
                .map(|e| Number {
                    kommunenummer: e.kommunenummer.clone(),
                    kommune: e.kommune.clone(),
                    recommendation: e.recommendation,
                })
                .collect(),
        }
    }

    /// The source to run again: the same files, overrides and category.
    pub fn source(&self) -> Source {
        Source {
            criteria: self.criteria.path.clone().into(),
            data: self.data.clone().into(),
            county: self.county.clone(),
            total: self.total_override,
            category: self.category.clone(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// What differs between a manifest and a fresh run of the same inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Differences {
    /// Files whose content changed (name, recorded SHA-256, current SHA-256 or "missing").
    pub files: Vec<(String, String, String)>,
    /// Municipalities whose number changed (label, recorded, now; `None` when absent).
    pub numbers: Vec<(String, Option<u64>, Option<u64>)>,
    /// Another tool version made the results.
    pub version: Option<(String, String)>,
    pub sensitivity_changed: bool,
}

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.numbers.is_empty() && !self.sensitivity_changed
    }
}

/// Compares a manifest with a fresh run.
pub fn compare(recorded: &Manifest, fresh: &Manifest) -> Differences {
    let mut d = Differences::default();
    if recorded.version != fresh.version {
        d.version = Some((recorded.version.clone(), fresh.version.clone()));
    }
    if recorded.criteria.sha256 != fresh.criteria.sha256 {
        d.files.push((
            recorded.criteria.path.clone(),
            recorded.criteria.sha256.clone(),
            fresh.criteria.sha256.clone(),
        ));
    }
    for r in &recorded.inputs {
        let now = fresh
            .inputs
            .iter()
            .find(|f| f.name == r.name)
            .map_or_else(|| "missing".to_string(), |f| f.sha256.clone());
        if now != r.sha256 {
            d.files.push((r.name.clone(), r.sha256.clone(), now));
        }
    }
    for f in &fresh.inputs {
        if !recorded.inputs.iter().any(|r| r.name == f.name) {
            d.files
                .push((f.name.clone(), "not read before".to_string(), f.sha256.clone()));
        }
    }
    for r in &recorded.recommendation {
        let now = fresh
            .recommendation
            .iter()
            .find(|f| f.kommunenummer == r.kommunenummer)
            .map(|f| f.recommendation);
        if now != Some(r.recommendation) {
            d.numbers.push((
                format!("{} {}", r.kommunenummer, r.kommune),
                Some(r.recommendation),
                now,
            ));
        }
    }
    for f in &fresh.recommendation {
        if !recorded
            .recommendation
            .iter()
            .any(|r| r.kommunenummer == f.kommunenummer)
        {
            d.numbers.push((
                format!("{} {}", f.kommunenummer, f.kommune),
                None,
                Some(f.recommendation),
            ));
        }
    }
    d
}

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
    sha256_bytes(text.as_bytes())
}

/// SHA-256 of bytes, in hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A set of results with its manifest: every file's SHA-256 recorded in `manifest` (sorted by
/// name), which is added last as `manifest.json`.
pub fn seal(
    mut files: Vec<(String, Vec<u8>)>,
    mut manifest: Manifest,
) -> Result<Vec<(String, Vec<u8>)>, crate::render::Error> {
    manifest.outputs = fingerprints(&files);
    files.push((FILE.to_string(), manifest.to_bytes()?));
    Ok(files)
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

/// Each file's SHA-256, sorted by name.
fn fingerprints(files: &[(String, Vec<u8>)]) -> Vec<InputFile> {
    let mut outputs: Vec<InputFile> = files
        .iter()
        .map(|(name, bytes)| InputFile {
            name: name.clone(),
            sha256: sha256_bytes(bytes),
        })
        .collect();
    outputs.sort_by(|a, b| a.name.cmp(&b.name));
    outputs
}

/// The manifest at the top of a set with categories: the categories, each in its own folder
/// with its own manifest, and the fingerprints of the files beside them (the combined table,
/// and in a report the Markdown and the chart). `verify` checks the categories and these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetManifest {
    pub tool: String,
    pub version: String,
    /// The category ids, each a folder beside this file.
    pub categories: Vec<String>,
    pub outputs: Vec<InputFile>,
}

impl SetManifest {
    /// The manifest of a folder, when it is the top of a set with categories.
    pub fn read(dir: &std::path::Path) -> Option<SetManifest> {
        let bytes = crate::data::csvfile::read_bounded(&dir.join(FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// The files at the top of a set with categories, with the manifest that fingerprints them.
pub fn seal_set(
    mut files: Vec<(String, Vec<u8>)>,
    categories: Vec<String>,
) -> Result<Vec<(String, Vec<u8>)>, crate::render::Error> {
    let outputs = fingerprints(&files);
    let manifest = SetManifest {
        tool: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        categories,
        outputs,
    };
    files.push((FILE.to_string(), crate::render::cells::json_bytes(FILE, &manifest)?));
    Ok(files)
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
    /// Every other file of the set, with its SHA-256: `verify` renders them again and compares.
    #[serde(default)]
    pub outputs: Vec<InputFile>,
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
            method: crate::render::cells::method_text(c),
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
            outputs: Vec::new(),
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

    pub fn to_bytes(&self) -> Result<Vec<u8>, crate::render::Error> {
        crate::render::cells::json_bytes(FILE, self)
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
    /// Problems with the files of the set: changed, missing or extra, one line each.
    pub outputs: Vec<String>,
}

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.numbers.is_empty() && !self.sensitivity_changed && self.outputs.is_empty()
    }
}

/// The most a file of a set may weigh when verify reads it: far above any report set's file.
pub const MAX_OUTPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Compares the files of a set in `dir` with `fresh` (the same set rendered again) and with the
/// fingerprints `recorded` in its manifest: every file changed, missing or extra, by name.
///
/// `folders` are the sub-folders that belong beside the files (a set's categories).
pub fn compare_outputs(
    dir: &std::path::Path,
    recorded: &[InputFile],
    fresh: &[(String, Vec<u8>)],
    folders: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    if recorded.is_empty() {
        out.push(format!(
            "{FILE} lists none of the set's files (made before files were fingerprinted): they cannot be certified"
        ));
    }
    let fresh: Vec<(&String, &Vec<u8>)> = fresh.iter().filter(|(n, _)| n != FILE).map(|(n, b)| (n, b)).collect();
    for (name, bytes) in &fresh {
        let sha = sha256_bytes(bytes);
        let path = dir.join(name);
        let on_disk = match fs_err::metadata(&path) {
            Ok(m) if m.is_file() && m.len() <= MAX_OUTPUT_BYTES => fs_err::read(&path).ok(),
            Ok(m) if m.is_file() => {
                out.push(format!("changed file: {name} (more than {MAX_OUTPUT_BYTES} bytes)"));
                continue;
            }
            _ => None,
        };
        match on_disk {
            None => out.push(format!("missing file: {name}")),
            Some(b) if sha256_bytes(&b) != sha => out.push(format!("changed file: {name} (not what the inputs make)")),
            Some(_) => {}
        }
        match recorded.iter().find(|o| o.name == **name) {
            Some(o) if o.sha256 != sha => {
                out.push(format!(
                    "changed fingerprint: {FILE} records another {name} than the inputs make"
                ));
            }
            None if !recorded.is_empty() => out.push(format!("unlisted file: {FILE} does not list {name}")),
            _ => {}
        }
    }
    for o in recorded {
        if !fresh.iter().any(|(n, _)| **n == o.name) {
            out.push(format!(
                "listed file: {FILE} lists {}, which the inputs do not make",
                o.name
            ));
        }
    }
    if let Ok(entries) = fs_err::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != FILE && !fresh.iter().any(|(f, _)| *f == n) && !folders.contains(n))
            .collect();
        extra.sort();
        out.extend(
            extra
                .into_iter()
                .map(|n| format!("extra file: {n} is not part of the set")),
        );
    }
    out
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

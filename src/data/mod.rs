//! The data folder: its catalogue (`indicators.toml`), the municipality register, and the
//! indicator table the criteria read.
//!
//! The catalogue says which CSV file and column hold each indicator, for which year, and whether
//! it is a count or a rate, so a planner adds an indicator by adding a column and a catalogue
//! entry, with no code. Loading reads only the files the criteria need, checks every row and
//! cell (reporting all problems at once), and joins the indicators on `kommunenummer` (always a
//! 4-character string) into one table in register order.

mod catalogue;
pub mod csvfile;
mod join;
pub mod map;
mod register;
mod rows;

pub use catalogue::{Catalogue, Compare, HistoryYear, IndicatorDef, IndicatorKind, Series};
pub use register::{Municipality, Register, Selection};
use register::{knr_problem, valid_knr};
use rows::{Rows, read_values, select_rows};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::diag::{Diag, Diags, SourceFile};
use crate::tomlread::At;
use csvfile::{CsvFile, io_reason};

/// The years a figure, a history row or a recommendation may be for.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// The catalogue file's name inside the data folder.
pub const CATALOGUE: &str = "indicators.toml";
const KNR: &str = "kommunenummer";

/// Indicator values in register order; `None` is a blank or suppressed cell.
#[derive(Clone, Debug, Default)]
pub struct IndicatorTable {
    columns: Vec<(String, Vec<Option<f64>>)>,
}

impl IndicatorTable {
    pub fn get(&self, name: &str) -> Option<&[Option<f64>]> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }
}

/// An input file as read, for the record of what a run read.
#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub text: std::sync::Arc<str>,
}

/// Everything read from the data folder.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub dir: PathBuf,
    pub catalogue: Catalogue,
    pub register: Register,
    pub table: IndicatorTable,
    /// The files read, catalogue and register first.
    pub inputs: Vec<Input>,
}

impl Dataset {
    /// The same data as a run reading only `wanted` would have loaded it: those indicators, and
    /// the record of the files read names only theirs (the folder is read once for several
    /// categories).
    pub fn narrowed(&self, wanted: &[&str]) -> Dataset {
        let files = |defs: Vec<&IndicatorDef>| -> Vec<String> {
            defs.iter().map(|d| shown(&self.dir, &d.file.value)).collect()
        };
        let needed = needed(&self.catalogue, wanted);
        let names: Vec<&str> = needed.iter().map(|d| d.name.as_str()).collect();
        let all = files(self.catalogue.indicators.iter().collect());
        let read = files(needed);
        let mut out = self.clone();
        // The register is read whatever the run reads, even when indicators come from its file;
        // that file read again for indicators counts only when the run reads them.
        let register = &self.register.file.name;
        let mut register_kept = false;
        out.inputs.retain(|i| {
            if i.name == *register && !register_kept {
                register_kept = true;
                return true;
            }
            !all.contains(&i.name) || read.contains(&i.name)
        });
        out.table.columns.retain(|(name, _)| names.contains(&name.as_str()));
        out
    }
}

/// What to read for `wanted`: those indicators, the comparison columns, and what they divide by.
fn needed<'a>(catalogue: &'a Catalogue, wanted: &[&str]) -> Vec<&'a IndicatorDef> {
    let mut compare_names: Vec<&str> = catalogue.compare.iter().flat_map(Compare::names).collect();
    compare_names.extend(catalogue.history.iter().flat_map(HistoryYear::names));
    let used = |name: &str| wanted.contains(&name) || compare_names.contains(&name);
    catalogue
        .indicators
        .iter()
        .filter(|ind| {
            used(&ind.name)
                || catalogue
                    .indicators
                    .iter()
                    .any(|other| other.per_1000_of.as_ref().is_some_and(|p| p.value == ind.name) && used(&other.name))
        })
        .collect()
}

fn shown(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

/// Whether a file name from a catalogue or a manifest stays inside its folder as written:
/// relative, with no `..`, no drive or root.
pub fn stays_inside(name: &str) -> bool {
    use std::path::Component;
    !name.is_empty()
        && !name.contains('\\')
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The path of a file named in the catalogue, refused without being read when it leads outside
/// the data folder (as written, or through a link).
pub fn inside(dir: &Path, name: &At<String>, catalogue: &Catalogue) -> Result<PathBuf, Diag> {
    let refuse = |why: &str| {
        Diag::error(
            "data::outside",
            format!("`{}` {why}, outside the data folder {}", name.value, dir.display()),
        )
        .at(&catalogue.file, name.span.clone(), "outside the data folder")
        .help("name a file inside the data folder, e.g. file = \"norway-population.csv\"")
    };
    if !stays_inside(&name.value) {
        return Err(refuse("leads"));
    }
    let path = dir.join(&name.value);
    if let (Ok(real), Ok(base)) = (fs_err::canonicalize(&path), fs_err::canonicalize(dir))
        && !real.starts_with(&base)
    {
        return Err(refuse("is a link that leads"));
    }
    Ok(path)
}

/// Reads a text file, reporting a missing or unreadable file with what to do.
pub fn read_text(path: &Path, shown: &str, help: &str) -> Result<SourceFile, Diag> {
    let bytes = csvfile::read_bounded(path).map_err(|e| {
        Diag::error("input::read", format!("cannot read {shown}: {}", io_reason(&e))).help(help.to_string())
    })?;
    let text = crate::diag::decode(shown, &bytes)?.to_string();
    if text.trim().is_empty() {
        return Err(Diag::error("input::empty", format!("{shown} is empty")).help(help.to_string()));
    }
    Ok(SourceFile::new(shown, text))
}

/// A data folder whose catalogue and register have been read, before any indicator.
pub struct Folder {
    pub dir: PathBuf,
    pub catalogue: Catalogue,
    pub register: Register,
    inputs: Vec<Input>,
}

/// Reads the catalogue and the register of a data folder.
pub fn open(dir: &Path) -> Result<Folder, Diags> {
    let cat_file = read_text(
        &dir.join(CATALOGUE),
        &shown(dir, CATALOGUE),
        "the data folder needs an indicators.toml that lists its tables; commands that read data take the folder with --data (default: data)",
    )?;
    let catalogue = Catalogue::parse(cat_file.clone())?;
    let mut diags = Diags::default();
    let register_path = inside(dir, &catalogue.register, &catalogue)?;
    let register_csv = CsvFile::read(&register_path, &shown(dir, &catalogue.register.value)).map_err(|d| {
        if d.has_source() {
            d
        } else {
            d.at(&catalogue.file, catalogue.register.span.clone(), "the register")
        }
    })?;
    let mut register = Register::read(&register_csv, &catalogue.county_column, &mut diags).ok_or(diags)?;
    let mut inputs = vec![
        Input {
            name: cat_file.name.clone(),
            text: cat_file.text.clone(),
        },
        Input {
            name: register_csv.name().to_string(),
            text: register_csv.source.text.clone(),
        },
    ];
    if let Some(file) = &catalogue.successors {
        let csv = CsvFile::read(&inside(dir, file, &catalogue)?, &shown(dir, &file.value)).map_err(|d| {
            if d.has_source() {
                d
            } else {
                d.at(&catalogue.file, file.span.clone(), "named here")
            }
        })?;
        let (Some(old), Some(new)) = (csv.text_column("old"), csv.text_column("new")) else {
            return Err(Diags::from(
                Diag::error(
                    "data::successors",
                    format!("{} needs columns `old` and `new`", csv.name()),
                )
                .at(&csv.source, csv.header_line(), "header")
                .help("list each replaced kommunenummer and its successor: old,new"),
            ));
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (row, (o, n)) in old.iter().zip(&new).enumerate() {
            let (o, n) = (o.clone().unwrap_or_default(), n.clone().unwrap_or_default());
            if !valid_knr(&o) || !valid_knr(&n) {
                return Err(Diags::from(knr_problem(&csv, row, if valid_knr(&o) { &n } else { &o })));
            }
            if let Some(&first) = seen.get(&o) {
                return Err(Diags::from(
                    Diag::error("data::successors", format!("{} replaces {o} twice", csv.name()))
                        .at(&csv.source, csv.row_span(row), "second")
                        .also(csv.row_span(first), "first")
                        .help("a replaced kommunenummer has one successor: keep one row"),
                ));
            }
            seen.insert(o.clone(), row);
            register.successors.insert(o, n);
        }
        // Every successor must be a number of today: a chain (a → b → c) or a cycle (a → b → a)
        // would carry a table's rows to a code that was itself replaced.
        for (row, (o, n)) in old.iter().zip(&new).enumerate() {
            let (o, n) = (o.clone().unwrap_or_default(), n.clone().unwrap_or_default());
            if let Some(&later) = seen.get(&n) {
                return Err(Diags::from(
                    Diag::error(
                        "data::successors",
                        format!("{} replaces {o} by {n}, which is itself replaced", csv.name()),
                    )
                    .at(&csv.source, csv.row_span(row), "here")
                    .also(csv.row_span(later), "and here")
                    .help("name today's kommunenummer as the successor of every old one (a → c, b → c), with no chain or cycle"),
                ));
            }
        }
        inputs.push(Input {
            name: csv.name().to_string(),
            text: csv.source.text.clone(),
        });
    }
    Ok(Folder {
        dir: dir.to_path_buf(),
        catalogue,
        register,
        inputs,
    })
}

/// Loads the catalogue, the register and the indicators named in `wanted`.
pub fn load(dir: &Path, wanted: &[&str]) -> Result<Dataset, Diags> {
    open(dir)?.load(wanted)
}

impl Folder {
    /// Every indicator name of the catalogue.
    pub fn all_indicators(&self) -> Vec<String> {
        self.catalogue.indicators.iter().map(|i| i.name.clone()).collect()
    }

    /// Loads the indicators named in `wanted` (plus what they depend on and the comparison
    /// columns). Unknown names are skipped: the criteria check reports them where they were
    /// written.
    pub fn load(self, wanted: &[&str]) -> Result<Dataset, Diags> {
        let Folder {
            dir,
            catalogue,
            register,
            mut inputs,
        } = self;
        let dir = dir.as_path();
        let mut diags = Diags::default();

        let needed = needed(&catalogue, wanted);

        let mut files: BTreeMap<String, Option<CsvFile>> = BTreeMap::new();
        let mut parts: Vec<(&IndicatorDef, DataFrame)> = Vec::new();
        let mut rows: HashMap<(String, Option<Vec<i64>>), Option<Rows>> = HashMap::new();
        for ind in &needed {
            let csv = files.entry(ind.file.value.clone()).or_insert_with(|| {
                let path = match inside(dir, &ind.file, &catalogue) {
                    Ok(p) => p,
                    Err(d) => {
                        diags.push(d);
                        return None;
                    }
                };
                match CsvFile::read(&path, &shown(dir, &ind.file.value)) {
                    Ok(f) => {
                        inputs.push(Input {
                            name: f.name().to_string(),
                            text: f.source.text.clone(),
                        });
                        Some(f)
                    }
                    Err(d) if d.has_source() => {
                        diags.push(d);
                        None
                    }
                    Err(d) => {
                        diags.push(d.at(&catalogue.file, ind.file.span.clone(), "named here"));
                        None
                    }
                }
            });
            let Some(csv) = csv else { continue };
            let years = ind.years.as_ref().map(|y| y.value.clone());
            let picked = rows.entry((ind.file.value.clone(), years)).or_insert_with(|| {
                select_rows(
                    csv,
                    ind.years.as_ref(),
                    ind.counties.as_deref(),
                    &catalogue,
                    &register,
                    &mut diags,
                )
            });
            let Some(picked) = picked else { continue };
            if let Some(frame) = read_values(csv, ind, picked, &catalogue, &mut diags) {
                parts.push((ind, frame));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let table = join::join(&register, &parts)
            .map_err(|e| Diags::from(Diag::error("data::join", format!("joining the indicators failed: {e}"))))?;
        // A per-1000 figure over a zero population is not a number.
        for (ind, _) in &parts {
            if let (Some(per), Some(values)) = (&ind.per_1000_of, table.get(&ind.name)) {
                for (i, v) in values.iter().enumerate() {
                    if v.is_some_and(|v| !v.is_finite()) {
                        diags.push(Diag::error(
                            "data::per-1000",
                            format!(
                                "`{}` for {} divides by a population `{}` of 0",
                                ind.name,
                                register.municipalities[i].label(),
                                per.value
                            ),
                        ));
                    }
                }
            }
        }
        diags.into_result(Dataset {
            dir: dir.to_path_buf(),
            catalogue,
            register,
            table,
            inputs,
        })
    }
}

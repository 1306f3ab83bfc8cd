//! The workbench's engine, apart from HTTP: the data loaded once, the criteria file's text, and
//! one function from the page's settings to everything the page shows. A change of settings is
//! written into the file's own text ([`edit`]), that text is parsed as any criteria file and run
//! on the loaded data with [`pipeline::run_on`], exactly as `recommend` runs a file from disk.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::edit::{self, Target};
use super::settings::{Refusal, Settings};
use super::{svg, texts};
use crate::criteria::{self, Criteria};
use crate::data::{self, Dataset, map::Shapes};
use crate::diag::{Diag, Diags, SourceFile};
use crate::lang::Lang;
use crate::pipeline::{self, Run, Source};
use crate::render;

/// The loaded inputs: the criteria file as read and the data folder with every indicator.
pub struct Workbench {
    /// As given on the command line (county, category); never a total.
    pub source: Source,
    pub lang: Lang,
    /// The criteria file's path as given, as messages name it.
    pub name: String,
    /// The criteria file's text.
    pub text: String,
    /// The file as parsed (the category chosen with `--category`).
    pub file: Criteria,
    /// The file's own settings (the total its run used).
    pub file_settings: Settings,
    /// Every indicator of the data folder, so that any file's edit runs on it.
    pub data: Dataset,
    pub shapes: Option<Arc<Shapes>>,
    /// The method names criteria files may write.
    pub methods: Vec<&'static str>,
}

/// Everything the page shows for one set of settings.
pub struct Computed {
    pub settings: Settings,
    /// The criteria text that was run.
    pub text: String,
    pub run: Run,
    /// `recommend --format json`, byte for byte.
    pub recommendation: Vec<u8>,
    pub map_svg: String,
    pub contributions_svg: String,
    /// Server time in milliseconds, from the settings to the drawn charts.
    pub ms: f64,
}

impl Computed {
    /// The page's `Result`: `{recommendation, map_svg, contributions_svg, server_ms}`.
    pub fn response(&self) -> String {
        let recommendation = std::str::from_utf8(&self.recommendation).unwrap_or("null");
        format!(
            "{{\"recommendation\":{},\"map_svg\":{},\"contributions_svg\":{},\"server_ms\":{}}}",
            recommendation.trim_end(),
            Value::from(self.map_svg.as_str()),
            Value::from(self.contributions_svg.as_str()),
            Value::from((self.ms * 10.0).round() / 10.0),
        )
    }
}

/// The criteria of a file: the whole file, or the category `--category` names. A file with
/// several categories needs one named: the page works on one at a time.
pub fn parse_selected(file: SourceFile, category: Option<&str>) -> Result<Criteria, Diags> {
    let name = file.name.clone();
    let Some(id) = category else {
        let all = criteria::parse_all(file.clone())?;
        let ids: Vec<&str> = all
            .iter()
            .filter_map(|c| c.category.as_ref().map(|k| k.id.as_str()))
            .collect();
        if !ids.is_empty() {
            return Err(Diags::from(
                Diag::error(
                    "serve::category",
                    format!(
                        "{name} has {} categories ({}); the workbench works on one at a time",
                        ids.len(),
                        crate::suggest::and_list(&ids)
                    ),
                )
                .help(format!("choose one with --category, e.g. --category {}", ids[0])),
            ));
        }
        return criteria::parse(file);
    };
    let all = criteria::parse_all(file)?;
    let ids: Vec<String> = all
        .iter()
        .filter_map(|c| c.category.as_ref().map(|k| k.id.clone()))
        .collect();
    all.into_iter()
        .find(|c| c.category.as_ref().is_some_and(|k| k.id == id))
        .ok_or_else(|| {
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            Diags::from(
                Diag::error("usage::category", format!("{name} has no category `{id}`")).help(if refs.is_empty() {
                    "the file has no [[category]]; leave out --category".to_string()
                } else {
                    format!("its categories are {}", crate::suggest::and_list(&refs))
                }),
            )
        })
}

/// The settings' field a diagnostic is about, for the page to mark.
fn field_of(d: &Diag) -> Option<&'static str> {
    Some(match d.code {
        "criteria::total" | "allocate::infeasible" => "total",
        "criteria::weights" | "criteria::negative-weight" => "weights",
        "criteria::minimum-if-asked" | "criteria::minimum" => "minimum_if_asked",
        "criteria::per-1000-cap" => "per_1000_cap",
        "criteria::first-divisor" => "method",
        _ => return None,
    })
}

/// Problems with a criteria text as a refusal: the messages, and the whole diagnostic as
/// `busetting check` prints it.
pub fn refusal(diags: &Diags) -> Refusal {
    let error = diags.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ");
    Refusal {
        status: 400,
        error,
        field: diags.0.iter().find_map(field_of).map(str::to_string),
    }
}

fn internal(e: impl std::fmt::Display) -> Refusal {
    Refusal::new(500, format!("drawing the result failed: {e}"))
}

impl Workbench {
    /// Reads the criteria file and the whole data folder, and runs the file once: every problem
    /// of either is reported, as `recommend` would.
    pub fn load(source: &Source, lang: Lang) -> Result<Workbench, Diags> {
        let mut source = source.clone();
        source.total = None;
        let name = source.criteria.display().to_string();
        let file = data::read_text(
            &source.criteria,
            &name,
            "give the criteria file with --criteria; criteria/default.toml is the shipped example",
        )?;
        let text = file.text.to_string();
        let parsed = parse_selected(file, source.category.as_deref());
        let all = match data::open(&source.data) {
            Ok(folder) => folder.all_indicators(),
            Err(e) => {
                let mut diags = parsed.err().unwrap_or_default();
                diags.extend(e);
                return Err(diags);
            }
        };
        let parsed = parsed?;
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let (_, dataset) = pipeline::load(&source, &refs)?;
        let shapes = data::map::of(&dataset)?.map(Arc::new);
        Workbench::with(source, lang, name, text, parsed, dataset, shapes)
    }

    /// The same data with another text of the criteria file (it changed on disk).
    pub fn with_text(&self, text: String) -> Result<Workbench, Diags> {
        let parsed = parse_selected(
            SourceFile::new(self.name.clone(), text.as_str()),
            self.source.category.as_deref(),
        )?;
        Workbench::with(
            self.source.clone(),
            self.lang,
            self.name.clone(),
            text,
            parsed,
            self.data.clone(),
            self.shapes.clone(),
        )
    }

    fn with(
        source: Source,
        lang: Lang,
        name: String,
        text: String,
        file: Criteria,
        data: Dataset,
        shapes: Option<Arc<Shapes>>,
    ) -> Result<Workbench, Diags> {
        use crate::names::Named;
        // The file's own run: its total (another county's is IMDi's request there), and a
        // check that it runs at all.
        let narrowed = narrowed(&source, &file, &data);
        let run = pipeline::run_on(&source, file.clone(), narrowed, lang)?;
        let file_settings = Settings::of(&file, run.criteria.total);
        Ok(Workbench {
            source,
            lang,
            name,
            text,
            file,
            file_settings,
            data,
            shapes,
            methods: crate::apportion::Method::names(),
        })
    }

    /// Where the settings live in the file, and what may be written there.
    pub fn target(&self) -> Target<'_> {
        Target {
            category: self.source.category.as_deref(),
            total: self.source.county.is_none(),
            all_weights: self.file.normalised && self.file.weight_sum != 1.0,
        }
    }

    /// The criteria ids, in the file's order.
    pub fn ids(&self) -> Vec<String> {
        self.file.criteria.iter().map(|c| c.id.clone()).collect()
    }

    /// The criteria file's text with these settings.
    pub fn text_for(&self, s: &Settings) -> Result<String, Refusal> {
        edit::apply(&self.text, &self.target(), &self.file_settings, s).map_err(|e| Refusal::new(400, e))
    }

    /// What "Save as" writes: a comment on where it came from, then the text that was run.
    pub fn saved_text(&self, s: &Settings) -> Result<String, Refusal> {
        let header = edit::header(&self.name, &self.target(), &self.file_settings, s);
        Ok(header + &self.text_for(s)?)
    }

    /// The run for these settings, exactly as `recommend` would make it from the text.
    pub fn run(&self, s: &Settings) -> Result<(String, Run), Refusal> {
        let text = self.text_for(s)?;
        let file = SourceFile::new(self.name.clone(), text.as_str());
        // As `recommend` reads it: the whole file, or the category it names.
        let criteria = match self.source.category.as_deref() {
            None => criteria::parse(file),
            some => parse_selected(file, some),
        }
        .map_err(|d| refusal(&d))?;
        let mut source = self.source.clone();
        if source.county.is_some() {
            // Another county's total is a command-line matter (`--total`), as in `recommend`.
            source.total = Some(s.total);
        }
        let narrowed = narrowed(&source, &criteria, &self.data);
        let run = pipeline::run_on(&source, criteria, narrowed, self.lang).map_err(|d| refusal(&d))?;
        Ok((text, run))
    }

    /// Everything the page shows for these settings.
    pub fn compute(&self, s: &Settings) -> Result<Computed, Refusal> {
        let start = Instant::now();
        let (text, run) = self.run(s)?;
        let recommendation = render::json::render(&run).map_err(internal)?;
        let map_svg = self.shapes.as_ref().map(|sh| svg::map(&run, sh)).unwrap_or_default();
        let contributions_svg = render::charts::contributions_svg(&run).map_err(internal)?;
        Ok(Computed {
            settings: s.clone(),
            text,
            run,
            recommendation,
            map_svg,
            contributions_svg,
            ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// `[{id, label}]` of the criteria, in the page's language.
    pub fn criteria_json(&self) -> Value {
        Value::Array(
            self.file
                .criteria
                .iter()
                .map(|c| serde_json::json!({ "id": c.id, "label": c.label.get(self.lang) }))
                .collect(),
        )
    }

    /// `[{id, label}]` of the methods.
    pub fn methods_json(&self) -> Value {
        let first_divisor = match self.file.method {
            crate::apportion::Method::SainteLague { first_divisor } => Some(first_divisor.to_f64()),
            _ => None,
        };
        Value::Array(
            self.methods
                .iter()
                .map(|&m| {
                    let fd = if m == "sainte-lague" { first_divisor } else { None };
                    serde_json::json!({ "id": m, "label": texts::method_label(self.lang, m, fd) })
                })
                .collect(),
        )
    }
}

/// The data as `recommend` loads it for this file: its own indicators (and the comparison
/// columns), and the record of the files read names only theirs.
fn narrowed(source: &Source, criteria: &Criteria, data: &Dataset) -> Dataset {
    let mut probe = criteria.clone();
    if source.county.is_some() {
        probe.county = data.register.county.clone().unwrap_or_else(|| "all".to_string());
    }
    match probe.check(&data.catalogue, &data.register) {
        Ok(checked) => data.narrowed(&checked.columns()),
        // The run reports what is wrong.
        Err(_) => data.clone(),
    }
}

//! The criteria file: what to distribute, by which criteria and weights, within which bounds.
//!
//! Reading goes in two steps. [`parse`] turns the TOML text into the typed [`Criteria`], reporting
//! every mistake of form (unknown or misspelt keys, wrong types, negative weights, weights that do
//! not add up to 1) at once. [`Criteria::check_against`] then checks it against the data: that
//! each column exists and suits its basis, and that each override names a real municipality.

use std::ops::Range;

use crate::apportion::{Method, Ratio};
use crate::data::{Catalogue, IndicatorKind, Register, Series};
use crate::diag::{Diag, Diags, SourceFile};
use crate::lang::Lang;
use crate::suggest;
use crate::tomlread::{self, At, Table};

/// How a criterion turns its indicator into a share of the total (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// `x_i / Σ x_j`, for counts such as population.
    Share,
    /// `1 / n`: spread settlement, every municipality the same.
    Equal,
    /// `P_i g(x_i) / Σ P_j g(x_j)`, for rates such as the employment rate.
    PopulationWeighted,
}

impl Basis {
    const NAMES: [&'static str; 3] = ["share", "equal", "population-weighted"];

    pub fn name(self) -> &'static str {
        match self {
            Basis::Share => "share",
            Basis::Equal => "equal",
            Basis::PopulationWeighted => "population-weighted",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// A higher value gives a larger share (employment rate).
    More,
    /// A lower value gives a larger share (unemployment, refugees already settled).
    Less,
}

/// How a population-weighted criterion scales a rate against the county (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Scale {
    /// `g(x) = x / mean` (`more`) or `mean / x` (`less`), mean weighted by population.
    RatioToMean,
    /// `g` runs linearly from `floor` (worst municipality) to 1 (best).
    MinMax { floor: f64 },
}

/// What to do with a blank or suppressed cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Stop with an error naming every missing cell.
    Error,
    /// Use the county mean (population-weighted for a population-weighted criterion), so the
    /// municipality counts as average on this criterion.
    CountyMean,
    /// Use 0.
    Zero,
}

impl Missing {
    const NAMES: [&'static str; 3] = ["error", "county-mean", "zero"];

    pub fn name(self) -> &'static str {
        match self {
            Missing::Error => "error",
            Missing::CountyMean => "county-mean",
            Missing::Zero => "zero",
        }
    }
}

/// A label in the report's languages; Nynorsk is required, the others fall back to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub nn: String,
    pub nb: Option<String>,
    pub en: Option<String>,
}

impl Label {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nn => &self.nn,
            Lang::Nb => self.nb.as_deref().unwrap_or(&self.nn),
            Lang::En => self.en.as_deref().unwrap_or(&self.nn),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub label: Label,
    pub basis: Basis,
    /// The indicator column (absent for `equal`).
    pub column: Option<At<String>>,
    /// The weight used: as written, or normalised when the file asks for it.
    pub weight: f64,
    pub weight_span: Range<usize>,
    pub direction: Direction,
    pub scale: Scale,
    pub missing: Missing,
    pub span: Range<usize>,
    /// For a series: how many years before the recommendation's year its last year lies
    /// (default 1: the year before).
    pub lag: Option<At<i64>>,
    /// For a series: how many years to take, ending at `t − lag` (default 1).
    pub years: Option<At<i64>>,
    /// `s_i = x_i^p / Σ x_j^p` for a share; 1 is the plain share.
    pub power: f64,
    pub power_span: Option<Range<usize>>,
    /// What the criterion reads, resolved against the catalogue and the run's year by
    /// [`Criteria::check_against`].
    pub reads: Reads,
}

/// What a criterion reads once its column is resolved for the run's year.
#[derive(Clone, Debug, PartialEq)]
pub enum Reads {
    /// `equal`, or not resolved yet.
    Nothing,
    /// One indicator of the catalogue, whatever the year.
    Indicator(String),
    /// A series of the history in these years (oldest first), with each year's indicator.
    Series { series: Series, years: Vec<(i64, String)> },
}

impl Reads {
    /// The indicators read.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Reads::Nothing => Vec::new(),
            Reads::Indicator(n) => vec![n.as_str()],
            Reads::Series { years, .. } => years.iter().map(|(_, n)| n.as_str()).collect(),
        }
    }

    /// How the output names it: the indicator, or the series with its years
    /// (`request[2026]`, `settled[2024–2026]`).
    pub fn shown(&self) -> Option<String> {
        match self {
            Reads::Nothing => None,
            Reads::Indicator(n) => Some(n.clone()),
            Reads::Series { series, years } => {
                let first = years.first().map_or(0, |y| y.0);
                let last = years.last().map_or(0, |y| y.0);
                Some(if first == last {
                    format!("{}[{last}]", series.name())
                } else {
                    format!("{}[{first}–{last}]", series.name())
                })
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityMissing {
    /// A blank capacity cell is an error.
    Error,
    /// A blank capacity cell means no capacity limit for that municipality.
    NoLimit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    /// Everybody gets at least this many.
    pub minimum: u64,
    /// A municipality is either not asked (0) or asked for at least this many.
    pub minimum_if_asked: Option<At<u64>>,
    /// An indicator column with each municipality's declared capacity (a hard upper bound).
    pub capacity: Option<At<String>>,
    pub capacity_missing: CapacityMissing,
    /// At most this many per 1000 inhabitants.
    pub per_1000_cap: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OverrideRule {
    /// Exactly this number; it takes the place of every other bound.
    Fixed(u64),
    /// Tightens the other bounds.
    Between { min: Option<u64>, max: Option<u64> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The municipality as written: a number or a name.
    pub kommune: At<String>,
    /// Its index in the register, once [`Criteria::check_against`] has found it.
    pub index: Option<usize>,
    pub rule: OverrideRule,
    pub reason: String,
    pub span: Range<usize>,
}

/// A validated criteria file.
#[derive(Clone, Debug)]
pub struct Criteria {
    pub file: SourceFile,
    pub title: Option<String>,
    /// The year the recommendation is for.
    pub year: i64,
    /// The county number (fylkesnummer), e.g. "46".
    pub county: String,
    pub total: u64,
    pub total_span: Range<usize>,
    pub method: Method,
    /// The indicator used as population `P` (per-1000 figures, population-weighted criteria):
    /// an indicator, or the series `population` (1 January of the year before the
    /// recommendation's).
    pub population: At<String>,
    /// The indicator the population resolves to for the run's year.
    pub population_column: String,
    pub criteria: Vec<Criterion>,
    pub bounds: Bounds,
    pub overrides: Vec<Override>,
    /// The weights as written added up to this.
    pub weight_sum: f64,
    pub normalised: bool,
    /// `[sensitivity]`: defaults for a robustness run (docs/model.md §7); flags override them.
    pub sensitivity: SensitivityDefaults,
    /// What the command line changed in this file for the run, for the user to see.
    pub notices: Vec<String>,
    /// The category, when the file has several (docs/model.md §6): each is allocated on its own.
    pub category: Option<Category>,
}

/// One `[[category]]` of a criteria file: adults and families, unaccompanied minors.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: String,
    pub label: Label,
}

/// How a robustness run draws, as written in `[sensitivity]`; every key optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SensitivityDefaults {
    pub draws: Option<u64>,
    pub seed: Option<u64>,
    /// Dirichlet concentration around the weights.
    pub kappa: Option<f64>,
    /// Uniform relative spread of each weight before renormalising.
    pub delta: Option<f64>,
    /// Relative error of the indicators.
    pub indicator_noise: Option<f64>,
}

const WEIGHT_TOLERANCE: f64 = 1e-9;

/// The largest total a file, `--total` or `apportion --seats` may ask for: far above any
/// county's, and small enough that every method finishes at once.
pub const MAX_TOTAL: u64 = 10_000_000;

/// The furthest back `lag` and `years` may reach.
pub const MAX_YEARS_BACK: i64 = 50;

fn one_of<T: Copy>(
    t: &Table,
    diags: &mut Diags,
    key: &str,
    value: Option<At<String>>,
    names: &[&'static str],
    pick: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let v = value?;
    match pick(&v.value) {
        Some(x) => Some(x),
        None => {
            let mut d = Diag::error(
                "criteria::unknown-value",
                format!("`{}` is not a known {key} in {}", v.value, t.what()),
            )
            .at(t.file(), v.span, format!("not a {key}"));
            d = match suggest::did_you_mean(&v.value, names.iter().copied()) {
                Some(s) => d.help(format!("{s} The {key}s are {}", suggest::or_list(names))),
                None => d.help(format!("the {key}s are {}", suggest::or_list(names))),
            };
            diags.push(d);
            None
        }
    }
}

/// Reads a criteria file without categories (or the one category of a file). A file with
/// several categories is an error that names them: see [`parse_all`].
pub fn parse(file: SourceFile) -> Result<Criteria, Diags> {
    let name = file.name.clone();
    let mut all = parse_all(file)?;
    if all.len() == 1 {
        return Ok(all.remove(0));
    }
    let ids: Vec<&str> = all
        .iter()
        .filter_map(|c| c.category.as_ref().map(|k| k.id.as_str()))
        .collect();
    Err(Diags::from(
        Diag::error(
            "criteria::categories",
            format!("{name} has {} categories: {}", ids.len(), suggest::and_list(&ids)),
        )
        .help("choose one with --category ID; `recommend` and `report` run every category"),
    ))
}

/// Reads a criteria file's text: one [`Criteria`] per category, or one for a file without
/// categories. Every problem of form is reported at once.
pub fn parse_all(file: SourceFile) -> Result<Vec<Criteria>, Diags> {
    let text = file.text.clone();
    let doc = tomlread::parse(&file, &text)?;
    let mut diags = Diags::default();
    let mut root = Table::root(&file, &doc, file.name.clone());

    let title = root.string(&mut diags, "title").map(|t| t.value);
    let year = root.require(
        &mut diags,
        "year",
        "add the year the recommendation is for, e.g. year = 2027",
        Table::integer,
    );
    let year = year.filter(|y| {
        let plausible = crate::data::YEARS.contains(&y.value);
        if !plausible {
            diags.push(
                Diag::error(
                    "criteria::year",
                    format!("year {} is not a plausible year for a recommendation", y.value),
                )
                .at(&file, y.span.clone(), "not a year")
                .help("write the year the recommendation is for, e.g. year = 2027"),
            );
        }
        plausible
    });
    let county = root.require(
        &mut diags,
        "county",
        "add the county number, e.g. county = \"46\" for Vestland",
        Table::string,
    );
    if let Some(c) = &county
        && (c.value.len() != 2 || !c.value.chars().all(|ch| ch.is_ascii_digit()))
    {
        diags.push(
            Diag::error(
                "criteria::county",
                format!("county `{}` is not a two-digit county number", c.value),
            )
            .at(&file, c.span.clone(), "not a county number")
            .help("write the fylkesnummer in quotes, e.g. county = \"46\" for Vestland"),
        );
    }
    let method_name = root.string(&mut diags, "method");
    let mut method = match method_name {
        None => Some(Method::SainteLague {
            first_divisor: Ratio::ONE,
        }),
        some => one_of(&root, &mut diags, "method", some, &Method::NAMES, Method::from_name),
    };
    if let Some(fd) = root.number(&mut diags, "first-divisor") {
        let (value, text) = &fd.value;
        match (method, Ratio::parse_decimal(text)) {
            (Some(Method::SainteLague { .. }), Some(r)) if *value > 0.0 && *value <= 3.0 => {
                method = Some(Method::SainteLague { first_divisor: r });
            }
            (Some(Method::SainteLague { .. }), _) => diags.push(
                Diag::error(
                    "criteria::first-divisor",
                    format!("first-divisor {text} is outside 0 < first-divisor ≤ 3"),
                )
                .at(&file, fd.span.clone(), "out of range")
                .help("use 1 for pure Sainte-Laguë or 1.4 for the modified form; later divisors are 3, 5, 7, …"),
            ),
            (Some(other), _) => diags.push(
                Diag::error(
                    "criteria::first-divisor",
                    format!(
                        "first-divisor applies to sainte-lague only, but the method is {}",
                        other.name()
                    ),
                )
                .at(&file, fd.span.clone(), "not used by this method")
                .help("remove first-divisor, or set method = \"sainte-lague\""),
            ),
            (None, _) => {}
        }
    }
    let population = root
        .string(&mut diags, "population")
        .unwrap_or_else(|| At::new("population".to_string(), 0..0));
    let sensitivity = match root.table(&mut diags, "sensitivity", "[sensitivity]") {
        Some(t) => sensitivity(t, &mut diags),
        None => SensitivityDefaults::default(),
    };
    let category_tables = root.tables(&mut diags, "category", "category");
    let mut bodies: Vec<(Option<Category>, Option<Body>)> = Vec::new();
    if category_tables.is_empty() {
        bodies.push((None, body(&mut root, &file, &mut diags)));
    } else {
        for mut t in category_tables {
            let id = t.require(
                &mut diags,
                "id",
                "give the category an id, e.g. id = \"unaccompanied-minors\"",
                Table::string,
            );
            if let Some(id) = &id {
                t.rename(format!("category `{}`", id.value));
            }
            let label = t.string(&mut diags, "label");
            let label_nb = t.string(&mut diags, "label-nb").map(|l| l.value);
            let label_en = t.string(&mut diags, "label-en").map(|l| l.value);
            let b = body(&mut t, &file, &mut diags);
            t.finish(&mut diags);
            let Some(id) = id else { continue };
            let category = Category {
                label: Label {
                    nn: label.map_or_else(|| id.value.clone(), |l| l.value),
                    nb: label_nb,
                    en: label_en,
                },
                id: id.value,
            };
            bodies.push((Some(category), b));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (c, _) in &bodies {
            if let Some(c) = c {
                if seen.contains(&c.id.as_str()) {
                    diags.push(
                        Diag::error("criteria::category", format!("two categories have the id `{}`", c.id))
                            .help("give every [[category]] its own id"),
                    );
                }
                seen.push(&c.id);
            }
        }
    }
    root.finish(&mut diags);

    let (Some(year), Some(county), Some(method)) = (year, county, method) else {
        return Err(diags);
    };
    let mut all = Vec::new();
    for (category, b) in bodies {
        let Some(b) = b else { continue };
        let Some(total) = b.total else { continue };
        all.push(Criteria {
            file: file.clone(),
            title: title.clone(),
            year: year.value,
            county: county.value.clone(),
            total: total.value,
            total_span: total.span,
            method,
            population: population.clone(),
            population_column: population.value.clone(),
            criteria: b.criteria,
            bounds: b.bounds,
            overrides: b.overrides,
            weight_sum: b.weight_sum,
            normalised: b.normalised,
            sensitivity: sensitivity.clone(),
            notices: Vec::new(),
            category,
        });
    }
    diags.into_result(all)
}

/// What a file or one of its categories distributes, and how.
struct Body {
    total: Option<At<u64>>,
    criteria: Vec<Criterion>,
    bounds: Bounds,
    overrides: Vec<Override>,
    weight_sum: f64,
    normalised: bool,
}

fn body(root: &mut Table, file: &SourceFile, diags: &mut Diags) -> Option<Body> {
    let file = file.clone();
    let total = root.require(
        diags,
        "total",
        "add the number of refugees to distribute, e.g. total = 4500",
        Table::count,
    );
    if let Some(t) = &total
        && t.value > MAX_TOTAL
    {
        diags.push(
            Diag::error(
                "criteria::total",
                format!("`total` is {}, more than the {MAX_TOTAL} the tool distributes", t.value),
            )
            .at(&file, t.span.clone(), "too large")
            .help("set total to the number of refugees the county is asked to settle, e.g. total = 1474"),
        );
    }
    if let Some(t) = &total
        && t.value == 0
    {
        diags.push(
            Diag::error("criteria::total", "`total` is 0, so there is nothing to distribute")
                .at(&file, t.span.clone(), "must be more than 0")
                .help("set total to the number of refugees the county is asked to settle, e.g. total = 4500"),
        );
    }
    let normalise = root.boolean(diags, "normalise-weights").is_some_and(|b| b.value);

    let mut criteria = Vec::new();
    let tables = root.tables(diags, "criterion", "criterion");
    let table_count = tables.len();
    if tables.is_empty() {
        diags.push(
            Diag::error("criteria::no-criteria", format!("{} has no [[criterion]]", root.what()))
                .help("add at least one [[criterion]] with id, basis and weight; see criteria/template.toml"),
        );
    }
    for t in tables {
        if let Some(c) = criterion(t, diags) {
            criteria.push(c);
        }
    }
    check_ids(&file, &criteria, diags);
    // Weights are only added up when every criterion could be read.
    let weight_sum = if criteria.len() == table_count {
        check_weights(&file, &mut criteria, normalise, diags)
    } else {
        f64::NAN
    };

    let bounds = match root.table(diags, "bounds", "[bounds]") {
        Some(t) => bounds(t, diags),
        None => Bounds {
            minimum: 0,
            minimum_if_asked: None,
            capacity: None,
            capacity_missing: CapacityMissing::Error,
            per_1000_cap: None,
        },
    };
    if let (Some(m), Some(t)) = (&bounds.minimum_if_asked, &total)
        && m.value > t.value
        && t.value > 0
    {
        diags.push(
            Diag::error(
                "criteria::minimum-if-asked",
                format!(
                    "minimum-if-asked {} is more than the total {}: nobody could be asked",
                    m.value, t.value
                ),
            )
            .at(&file, m.span.clone(), "more than the total")
            .help("IMDi asks for at least 5 or 10; set minimum-if-asked below the total"),
        );
    }
    let overrides = root
        .tables(diags, "override", "override")
        .into_iter()
        .filter_map(|t| override_rule(t, diags))
        .collect();
    Some(Body {
        total,
        criteria,
        bounds,
        overrides,
        weight_sum,
        normalised: normalise,
    })
}

fn criterion(mut t: Table, diags: &mut Diags) -> Option<Criterion> {
    let file = t.file();
    let span = t.span();
    let id = t.require(
        diags,
        "id",
        "give the criterion a short id, e.g. id = \"population\"",
        Table::string,
    );
    if let Some(id) = &id {
        t.rename(format!("criterion `{}`", id.value));
        if id.value.is_empty()
            || !id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            diags.push(
                Diag::error(
                    "criteria::id",
                    format!(
                        "criterion id `{}` must be plain ASCII letters, digits, - or _",
                        id.value
                    ),
                )
                .at(file, id.span.clone(), "not a plain id")
                .help("the id names the column in the output tables; put the readable name in `label`"),
            );
        }
    }
    let label = t.string(diags, "label");
    let label_nb = t.string(diags, "label-nb").map(|l| l.value);
    let label_en = t.string(diags, "label-en").map(|l| l.value);
    let basis_text = t.require(
        diags,
        "basis",
        "add basis = \"share\", \"equal\" or \"population-weighted\"",
        Table::string,
    );
    let basis = one_of(&t, diags, "basis", basis_text, &Basis::NAMES, |s| match s {
        "share" => Some(Basis::Share),
        "equal" => Some(Basis::Equal),
        "population-weighted" => Some(Basis::PopulationWeighted),
        _ => None,
    });
    let column = t.string(diags, "column");
    let weight = t.require(
        diags,
        "weight",
        "add the criterion's weight, e.g. weight = 0.25",
        Table::number,
    );
    if let Some(w) = &weight
        && w.value.0 < 0.0
    {
        diags.push(
            Diag::error(
                "criteria::negative-weight",
                format!("{} has weight {}, but a weight cannot be negative", t.what(), w.value.1),
            )
            .at(file, w.span.clone(), "negative")
            .help("use 0 to switch the criterion off; to favour low values use direction = \"less\""),
        );
    }
    let direction_text = t.string(diags, "direction");
    let direction_span = direction_text.as_ref().map(|d| d.span.clone());
    let direction = match direction_text {
        None => Some(Direction::More),
        some => one_of(&t, diags, "direction", some, &["more", "less"], |s| match s {
            "more" => Some(Direction::More),
            "less" => Some(Direction::Less),
            _ => None,
        }),
    };
    let scale_text = t.string(diags, "scale");
    let scale_span = scale_text.as_ref().map(|s| s.span.clone());
    let floor = t.number(diags, "floor");
    let scale = match scale_text {
        None => Some(Scale::RatioToMean),
        some => one_of(&t, diags, "scale", some, &["ratio-to-mean", "min-max"], |s| match s {
            "ratio-to-mean" => Some(Scale::RatioToMean),
            "min-max" => Some(Scale::MinMax { floor: 0.5 }),
            _ => None,
        }),
    };
    let scale = match (scale, &floor) {
        (Some(Scale::MinMax { .. }), Some(f)) => {
            if !(0.0..1.0).contains(&f.value.0) {
                diags.push(
                    Diag::error(
                        "criteria::floor",
                        format!("floor {} in {} is outside 0 ≤ floor < 1", f.value.1, t.what()),
                    )
                    .at(file, f.span.clone(), "out of range")
                    .help("the floor is the factor of the worst municipality; 0.5 means it weighs half the best"),
                );
            }
            Some(Scale::MinMax { floor: f.value.0 })
        }
        (Some(Scale::RatioToMean), Some(f)) => {
            diags.push(
                Diag::error(
                    "criteria::floor",
                    format!("floor in {} is only used with scale = \"min-max\"", t.what()),
                )
                .at(file, f.span.clone(), "not used")
                .help("remove floor, or add scale = \"min-max\""),
            );
            scale
        }
        _ => scale,
    };
    let missing_text = t.string(diags, "missing");
    let missing = match missing_text {
        None => Some(Missing::Error),
        some => one_of(&t, diags, "missing", some, &Missing::NAMES, |s| match s {
            "error" => Some(Missing::Error),
            "county-mean" => Some(Missing::CountyMean),
            "zero" => Some(Missing::Zero),
            _ => None,
        }),
    };
    let lag = t.integer(diags, "lag");
    let years = t.integer(diags, "years");
    for (key, v) in [("lag", &lag), ("years", &years)] {
        if let Some(v) = v
            && !(1..=MAX_YEARS_BACK).contains(&v.value)
        {
            diags.push(
                Diag::error(
                    "criteria::series",
                    format!("{key} = {} in {} is outside 1 to {MAX_YEARS_BACK}", v.value, t.what()),
                )
                .at(file, v.span.clone(), "out of range")
                .help(if key == "lag" {
                    "lag = 1 is the year before the recommendation's year, 2 the year before that"
                } else {
                    "years = 3 takes the mean share of the three years ending at the lag"
                }),
            );
        }
    }
    let power = t.number(diags, "power");
    if let Some(p) = &power
        && !(p.value.0 > 0.0 && p.value.0 <= 1.0)
    {
        diags.push(
            Diag::error(
                "criteria::power",
                format!("power {} in {} is outside 0 < power ≤ 1", p.value.1, t.what()),
            )
            .at(file, p.span.clone(), "out of range")
            .help("power = 1 is the plain share; 0.6 gives small municipalities more per inhabitant, as IMDi's requests do"),
        );
    }
    let what = t.what().to_string();
    t.finish(diags);

    let basis = basis?;
    if basis != Basis::Share
        && let Some(p) = &power
    {
        diags.push(
            Diag::error(
                "criteria::power",
                format!("power in {what} is only used with basis \"share\""),
            )
            .at(file, p.span.clone(), "not used")
            .help("remove power, or use basis = \"share\" on a count"),
        );
    }
    if basis == Basis::Equal {
        for (key, v) in [("lag", &lag), ("years", &years)] {
            if let Some(v) = v {
                diags.push(
                    Diag::error(
                        "criteria::series",
                        format!("{key} in {what} has no series to apply to: basis \"equal\" reads no column"),
                    )
                    .at(file, v.span.clone(), "not used")
                    .help(format!("remove {key}")),
                );
            }
        }
    }
    match (basis, &column) {
        (Basis::Equal, Some(c)) => diags.push(
            Diag::error(
                "criteria::column",
                format!("{what} has basis \"equal\", which uses no column"),
            )
            .at(file, c.span.clone(), "not used")
            .help("remove the column, or choose basis = \"share\" or \"population-weighted\""),
        ),
        (Basis::Share | Basis::PopulationWeighted, None) => diags.push(
            Diag::error("criteria::column", format!("{what} has no `column`"))
                .at(file, span.clone(), "")
                .help(format!(
                    "basis \"{}\" needs an indicator column, e.g. column = \"population\"",
                    basis.name()
                )),
        ),
        _ => {}
    }
    if basis != Basis::PopulationWeighted
        && let Some(s) = scale_span
    {
        diags.push(
            Diag::error(
                "criteria::scale",
                format!("scale in {what} is only used with basis \"population-weighted\""),
            )
            .at(file, s, "not used")
            .help("remove scale, or use basis = \"population-weighted\""),
        );
    }
    if basis == Basis::Share && direction == Some(Direction::Less) {
        diags.push(
            Diag::error("criteria::direction", format!("{what} has basis \"share\" with direction \"less\""))
                .at(file, direction_span.unwrap_or(span.clone()), "")
                .help("a share of a count always favours more; for a rate where less is better use basis = \"population-weighted\""),
        );
    }
    let id = id?;
    let weight = weight?;
    Some(Criterion {
        label: Label {
            nn: label.map_or_else(|| id.value.clone(), |l| l.value),
            nb: label_nb,
            en: label_en,
        },
        id: id.value,
        basis,
        column,
        weight: weight.value.0,
        weight_span: weight.span,
        direction: direction?,
        scale: scale?,
        missing: missing?,
        span,
        lag,
        years,
        power: power.as_ref().map_or(1.0, |p| p.value.0),
        power_span: power.map(|p| p.span),
        reads: Reads::Nothing,
    })
}

fn check_ids(file: &SourceFile, criteria: &[Criterion], diags: &mut Diags) {
    for (k, c) in criteria.iter().enumerate() {
        if let Some(first) = criteria[..k].iter().find(|p| p.id == c.id) {
            diags.push(
                Diag::error("criteria::duplicate-id", format!("two criteria have the id `{}`", c.id))
                    .at(file, c.span.clone(), "second")
                    .also(first.span.clone(), "first")
                    .help("give each criterion its own id"),
            );
        }
    }
}

/// Checks that the weights add up to 1, or normalises them when the file asks for it.
fn check_weights(file: &SourceFile, criteria: &mut [Criterion], normalise: bool, diags: &mut Diags) -> f64 {
    let sum: f64 = criteria.iter().map(|c| c.weight).sum();
    if criteria.is_empty() || criteria.iter().any(|c| c.weight < 0.0) {
        return sum;
    }
    if sum <= 0.0 {
        diags.push(
            Diag::error(
                "criteria::weights",
                "every weight is 0, so no criterion decides anything",
            )
            .help("give at least one criterion a positive weight"),
        );
    } else if normalise {
        for c in criteria.iter_mut() {
            c.weight /= sum;
        }
    } else if (sum - 1.0).abs() > WEIGHT_TOLERANCE {
        let listed: Vec<String> = criteria
            .iter()
            .map(|c| format!("{} {}", c.id, fmt_weight(c.weight)))
            .collect();
        diags.push(
            Diag::error(
                "criteria::weights",
                format!(
                    "the weights in {} add up to {}, not 1: {}",
                    file.name,
                    fmt_weight(sum),
                    listed.join(" + ")
                ),
            )
            .help(
                "change the weights so they add up to 1, or add normalise-weights = true to divide each by their sum",
            ),
        );
    }
    sum
}

fn fmt_weight(w: f64) -> String {
    let s = format!("{w:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn bounds(mut t: Table, diags: &mut Diags) -> Bounds {
    let file = t.file();
    let minimum = t.count(diags, "minimum");
    let minimum_if_asked = t.count(diags, "minimum-if-asked");
    let capacity = t.string(diags, "capacity");
    let capacity_missing = match t.string(diags, "capacity-missing") {
        None => Some(CapacityMissing::Error),
        some => one_of(
            &t,
            diags,
            "capacity-missing policy",
            some,
            &["error", "no-limit"],
            |s| match s {
                "error" => Some(CapacityMissing::Error),
                "no-limit" => Some(CapacityMissing::NoLimit),
                _ => None,
            },
        ),
    };
    let cap = t.number(diags, "per-1000-cap");
    if let Some(c) = &cap
        && c.value.0 <= 0.0
    {
        diags.push(
                Diag::error("criteria::per-1000-cap", format!("per-1000-cap is {}, but it must be more than 0", c.value.1))
                    .at(file, c.span.clone(), "must be positive")
                    .help("give the most a municipality may be asked per 1000 inhabitants, e.g. per-1000-cap = 20, or remove the key"),
            );
    }
    if let (Some(m), Some(mi)) = (&minimum, &minimum_if_asked)
        && m.value > 0
        && mi.value > 0
    {
        diags.push(
                Diag::error("criteria::minimum", "[bounds] sets both minimum and minimum-if-asked")
                    .at(file, mi.span.clone(), "second rule")
                    .also(m.span.clone(), "first rule")
                    .help("minimum asks every municipality for at least that many; minimum-if-asked lets a municipality be left out instead. Keep one"),
            );
    }
    t.finish(diags);
    Bounds {
        minimum: minimum.map_or(0, |m| m.value),
        minimum_if_asked: minimum_if_asked.filter(|m| m.value > 0),
        capacity,
        capacity_missing: capacity_missing.unwrap_or(CapacityMissing::Error),
        per_1000_cap: cap.map(|c| c.value.0).filter(|&c| c > 0.0),
    }
}

fn sensitivity(mut t: Table, diags: &mut Diags) -> SensitivityDefaults {
    let file = t.file();
    let draws = t.count(diags, "draws");
    let seed = t.count(diags, "seed");
    let mut positive = |key: &'static str, max: Option<f64>, help: &str| -> Option<f64> {
        let v = t.number(diags, key)?;
        let (value, text) = &v.value;
        if *value <= 0.0 || max.is_some_and(|m| *value >= m) {
            let range = max.map_or_else(|| "more than 0".to_string(), |m| format!("between 0 and {m}"));
            diags.push(
                Diag::error(
                    "criteria::sensitivity",
                    format!("{key} is {text}, but it must be {range}"),
                )
                .at(file, v.span.clone(), "out of range")
                .help(help.to_string()),
            );
            return None;
        }
        Some(*value)
    };
    let kappa = positive(
        "kappa",
        None,
        "kappa is the Dirichlet concentration: 100 moves a weight of 0.25 by about ±0.04",
    );
    let delta = positive(
        "delta",
        Some(1.0),
        "delta is the relative spread of each weight: 0.2 draws each weight within ±20 %",
    );
    let noise = t.number(diags, "indicator-noise");
    let indicator_noise = match noise {
        Some(v) if v.value.0 < 0.0 => {
            diags.push(
                Diag::error(
                    "criteria::sensitivity",
                    format!("indicator-noise is {}, below 0", v.value.1),
                )
                .at(file, v.span.clone(), "must be 0 or more")
                .help("give the relative error of the indicators, e.g. 0.05 for ±5 %"),
            );
            None
        }
        other => other.map(|v| v.value.0),
    };
    if let (Some(_), Some(_)) = (kappa, delta) {
        diags.push(
            Diag::error("criteria::sensitivity", "[sensitivity] sets both kappa and delta")
                .at(file, t.span(), "two ways to draw weights")
                .help("kappa draws weights from a Dirichlet distribution, delta uniformly within ±delta; keep one"),
        );
    }
    t.finish(diags);
    SensitivityDefaults {
        draws: draws.map(|d| d.value),
        seed: seed.map(|s| s.value),
        kappa,
        delta,
        indicator_noise,
    }
}

fn override_rule(mut t: Table, diags: &mut Diags) -> Option<Override> {
    let file = t.file();
    let span = t.span();
    let kommune = t.require(
        diags,
        "kommune",
        "name the municipality by number or name, e.g. kommune = \"4602\"",
        Table::string,
    );
    if let Some(k) = &kommune {
        t.rename(format!("the override for `{}`", k.value));
    }
    let fixed = t.count(diags, "fixed");
    let min = t.count(diags, "min");
    let max = t.count(diags, "max");
    let reason = t.require(
        diags,
        "reason",
        "every override needs its reason, e.g. reason = \"council decision 2026-06-12\"",
        Table::string,
    );
    let what = t.what().to_string();
    t.finish(diags);
    if let Some(r) = &reason
        && r.value.trim().is_empty()
    {
        diags.push(
            Diag::error("criteria::override-reason", format!("{what} has an empty reason"))
                .at(file, r.span.clone(), "empty")
                .help("say why, e.g. reason = \"council decision 2026-06-12\"; the reason is printed with the number"),
        );
    }
    let rule = match (&fixed, &min, &max) {
        (Some(f), None, None) => Some(OverrideRule::Fixed(f.value)),
        (None, None, None) => {
            diags.push(
                Diag::error("criteria::override", format!("{what} sets neither fixed, min nor max"))
                    .at(file, span.clone(), "")
                    .help("add fixed = N for an exact number, or min = N and/or max = N"),
            );
            None
        }
        (Some(f), _, _) => {
            diags.push(
                Diag::error(
                    "criteria::override",
                    format!("{what} sets fixed together with min or max"),
                )
                .at(file, f.span.clone(), "fixed")
                .help("fixed already sets the number; remove min and max, or remove fixed"),
            );
            None
        }
        (None, lo, hi) => {
            if let (Some(lo), Some(hi)) = (lo, hi)
                && lo.value > hi.value
            {
                diags.push(
                    Diag::error(
                        "criteria::override",
                        format!("{what} has min {} above max {}", lo.value, hi.value),
                    )
                    .at(file, lo.span.clone(), "min")
                    .also(hi.span.clone(), "max")
                    .help("swap them, or use fixed = N for one exact number"),
                );
            }
            Some(OverrideRule::Between {
                min: lo.as_ref().map(|x| x.value),
                max: hi.as_ref().map(|x| x.value),
            })
        }
    };
    Some(Override {
        kommune: kommune?,
        index: None,
        rule: rule?,
        reason: reason?.value,
        span,
    })
}

impl Criteria {
    /// The indicator columns this file reads for its year, in order of first use (after
    /// [`Criteria::check_against`] has resolved the series).
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.population_column.as_str()];
        out.extend(self.criteria.iter().flat_map(|c| c.reads.names()));
        out.extend(self.bounds.capacity.iter().map(|c| c.value.as_str()));
        let mut seen = Vec::new();
        out.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        out
    }

    /// Checks the file against the data: columns exist and suit their basis, the county is the
    /// register's, and every override names one municipality, once.
    pub fn check_against(&mut self, catalogue: &Catalogue, register: &Register) -> Result<(), Diags> {
        let mut diags = Diags::default();
        let file = self.file.clone();
        let names: Vec<&str> = catalogue.indicators.iter().map(|i| i.name.as_str()).collect();
        let unknown = |diags: &mut Diags, col: &At<String>, role: &str| {
            let mut d = Diag::error(
                "criteria::unknown-column",
                format!(
                    "`{}` ({role}) is not an indicator in {}",
                    col.value, catalogue.file.name
                ),
            )
            .at(&file, col.span.clone(), "unknown column");
            d = match suggest::did_you_mean(&col.value, names.iter().copied()) {
                Some(s) => d.help(s),
                None => d.help(format!("the indicators are {}", suggest::and_list(&names))),
            };
            diags.push(d);
        };
        let kind_of = |name: &str| catalogue.indicator(name).map(|i| i.kind);
        let year = self.year;

        if self.population.span == (0..0)
            && catalogue.indicator(&self.population.value).is_none()
            && Series::from_name(&self.population.value).is_none()
        {
            diags.push(
                Diag::error(
                    "criteria::population",
                    format!("{} has no indicator `population`", catalogue.file.name),
                )
                .help("add population = \"<indicator>\" to the criteria file, naming the population indicator"),
            );
        } else {
            match resolve(
                catalogue,
                &file,
                &self.population,
                None,
                None,
                year,
                "population",
                &mut diags,
            ) {
                Some(Reads::Indicator(name)) if kind_of(&name) == Some(IndicatorKind::Rate) => diags.push(
                    Diag::error(
                        "criteria::population",
                        format!("population `{}` is a rate, not a count", self.population.value),
                    )
                    .at(&file, self.population.span.clone(), "a rate")
                    .help("name the indicator that holds the number of inhabitants"),
                ),
                Some(Reads::Series { series, .. }) if series != Series::Population => diags.push(
                    Diag::error(
                        "criteria::population",
                        format!("population names the series `{}`, not the population", series.name()),
                    )
                    .at(&file, self.population.span.clone(), "not the population")
                    .help("write population = \"population\" (1 January of the year before the recommendation's)"),
                ),
                Some(r) => {
                    if let Some(name) = r.names().last() {
                        self.population_column = (*name).to_string();
                    }
                }
                None => {}
            }
        }
        for c in &mut self.criteria {
            let Some(col) = &c.column else { continue };
            let role = format!("criterion `{}`", c.id);
            let Some(reads) = resolve(
                catalogue,
                &file,
                col,
                c.lag.as_ref(),
                c.years.as_ref(),
                year,
                &role,
                &mut diags,
            ) else {
                continue;
            };
            match (c.basis, &reads) {
                (Basis::Share, Reads::Indicator(name)) if kind_of(name) == Some(IndicatorKind::Rate) => diags.push(
                    Diag::error(
                        "criteria::basis",
                        format!("criterion `{}` takes a share of `{}`, which is a rate", c.id, col.value),
                    )
                    .at(&file, col.span.clone(), "a rate")
                    .help("shares of a rate mean nothing: use basis = \"population-weighted\" for rates"),
                ),
                (Basis::PopulationWeighted, Reads::Indicator(name)) if kind_of(name) == Some(IndicatorKind::Count) => diags.push(
                    Diag::error(
                        "criteria::basis",
                        format!(
                            "criterion `{}` weights population by `{}`, which is a count",
                            c.id, col.value
                        ),
                    )
                    .at(&file, col.span.clone(), "a count")
                    .help("use basis = \"share\" for counts, or a per-inhabitant rate with population-weighted"),
                ),
                (Basis::PopulationWeighted, Reads::Series { series: Series::Population, .. }) => diags.push(
                    Diag::error(
                        "criteria::basis",
                        format!("criterion `{}` weights population by the population itself", c.id),
                    )
                    .at(&file, col.span.clone(), "the population")
                    .help("population-weighted takes a series per 1000 inhabitants (request, decision, settled); for population use basis = \"share\""),
                ),
                _ => {}
            }
            c.reads = reads;
        }
        if let Some(cap) = &self.bounds.capacity {
            match kind_of(&cap.value) {
                None => unknown(&mut diags, cap, "capacity"),
                Some(IndicatorKind::Rate) => diags.push(
                    Diag::error(
                        "criteria::capacity",
                        format!("capacity `{}` is a rate, not a number of persons", cap.value),
                    )
                    .at(&file, cap.span.clone(), "a rate")
                    .help("name a count column, such as the dwellings each municipality declared available"),
                ),
                Some(IndicatorKind::Count) => {}
            }
        }
        if let Some(county) = &register.county
            && *county != self.county
        {
            diags.push(
                Diag::error(
                    "criteria::county",
                    format!(
                        "the criteria file is for county {}, but the data in {} is county {county}",
                        self.county, register.file.name
                    ),
                )
                .help("use the data folder for that county, or correct `county`"),
            );
        }
        for k in 0..self.overrides.len() {
            let o = &self.overrides[k];
            match register.find(&o.kommune.value) {
                Ok(i) => {
                    if let Some(prev) = self.overrides[..k].iter().find(|p| p.index == Some(i)) {
                        diags.push(
                            Diag::error(
                                "criteria::duplicate-override",
                                format!("two overrides for {}", register.municipalities[i].label()),
                            )
                            .at(&file, o.span.clone(), "second")
                            .also(prev.span.clone(), "first")
                            .help("merge them into one [[override]] (min and max may stand together)"),
                        );
                    }
                    self.overrides[k].index = Some(i);
                }
                Err(suggestions) => {
                    let mut d = Diag::error(
                        "criteria::unknown-municipality",
                        format!("`{}` is not a municipality in {}", o.kommune.value, register.file.name),
                    )
                    .at(&file, o.kommune.span.clone(), "unknown municipality");
                    d = if suggestions.is_empty() {
                        d.help("write the 4-digit kommunenummer, e.g. \"4602\", or the name as in the register")
                    } else {
                        d.help(format!("did you mean {}?", suggest::or_list(&suggestions)))
                    };
                    diags.push(d);
                }
            }
        }
        diags.into_result(())
    }
}

/// Resolves a column for the year `t`: an indicator as it is, or a series of the history over
/// the years `t − lag − years + 1 ..= t − lag`. Reports what cannot be resolved.
#[allow(clippy::too_many_arguments)]
fn resolve(
    catalogue: &Catalogue,
    file: &SourceFile,
    col: &At<String>,
    lag: Option<&At<i64>>,
    years: Option<&At<i64>>,
    t: i64,
    role: &str,
    diags: &mut Diags,
) -> Option<Reads> {
    if catalogue.indicator(&col.value).is_some() {
        for (key, v) in [("lag", lag), ("years", years)] {
            if let Some(v) = v {
                diags.push(
                    Diag::error(
                        "criteria::series",
                        format!("{key} in {role} needs a series, but `{}` is an indicator of one date", col.value),
                    )
                    .at(file, v.span.clone(), "not used")
                    .help(format!(
                        "name a series of the history ({}) to count back from the recommendation's year, or remove {key}",
                        series_list()
                    )),
                );
            }
        }
        return Some(Reads::Indicator(col.value.clone()));
    }
    let Some(series) = Series::from_name(&col.value) else {
        let mut names: Vec<&str> = catalogue.indicators.iter().map(|i| i.name.as_str()).collect();
        names.extend(Series::EVERY.iter().map(|s| s.name()));
        let mut d = Diag::error(
            "criteria::unknown-column",
            format!(
                "`{}` ({role}) is neither an indicator nor a series in {}",
                col.value, catalogue.file.name
            ),
        )
        .at(file, col.span.clone(), "unknown column");
        d = match suggest::did_you_mean(&col.value, names.iter().copied()) {
            Some(s) => d.help(s),
            None => d.help(format!(
                "the series are {}; the indicators are listed in {}",
                series_list(),
                catalogue.file.name
            )),
        };
        diags.push(d);
        return None;
    };
    let lag_n = lag.map_or(1, |l| l.value);
    let count = years.map_or(1, |y| y.value);
    if !(1..=MAX_YEARS_BACK).contains(&lag_n) || !(1..=MAX_YEARS_BACK).contains(&count) {
        return None;
    }
    let last = t - lag_n;
    let first = last - count + 1;
    let start = catalogue.series_start(series);
    let mut out = Vec::new();
    for y in first..=last {
        match catalogue.series_in(series, y) {
            Some(name) => out.push((y, name.to_string())),
            None => {
                let at = years.or(lag).map_or(col.span.clone(), |v| v.span.clone());
                let window = if first == last {
                    last.to_string()
                } else {
                    format!("{first}–{last}")
                };
                let reach = match (lag, years) {
                    (Some(l), Some(k)) => format!("{window}, lag = {} and years = {} from {t}", l.value, k.value),
                    (None, Some(k)) => format!("{window}, years = {} from {t}", k.value),
                    (Some(l), None) => format!("{window}, lag = {} from {t}", l.value),
                    (None, None) => format!("{window}, the year before {t}"),
                };
                let d = match start {
                    Some(start) if y < start => Diag::error(
                        "criteria::series-year",
                        format!(
                            "{role} reads `{}` for {reach}, but its history in {} starts in {start}",
                            series.name(),
                            catalogue.file.name
                        ),
                    )
                    .at(file, at, format!("reaches back to {y}"))
                    .help("take fewer years or a shorter lag, or add the earlier years to the [[history]] of the catalogue"),
                    _ => Diag::error(
                        "criteria::series-year",
                        format!(
                            "{role} reads `{}` for {reach}, but the [[history]] of {} has no `{}` for {y}",
                            series.name(),
                            catalogue.file.name,
                            series.name()
                        ),
                    )
                    .at(file, at, format!("needs {y}"))
                    .help(format!(
                        "add {} = \"<indicator>\" to the [[history]] of year = {y} in {} (with its indicator), or correct the year of the criteria file",
                        series.name(),
                        catalogue.file.name
                    )),
                };
                diags.push(d);
                return None;
            }
        }
    }
    Some(Reads::Series { series, years: out })
}

fn series_list() -> String {
    let names: Vec<&str> = Series::EVERY.iter().map(|s| s.name()).collect();
    suggest::and_list(&names)
}

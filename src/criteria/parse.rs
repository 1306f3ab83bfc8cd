//! Reading a criteria file's text into [`Criteria`], reporting every mistake of form at once.

use crate::apportion::{Method, Ratio};
use crate::diag::{Diag, Diags, SourceFile};
use crate::lang::Lang;
use crate::suggest;
use crate::tomlread::{self, At, Table};

use super::*;

fn one_of<T: Copy>(
    t: &Table,
    diags: &mut Diags,
    key: &str,
    value: Option<At<String>>,
    names: &[&str],
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
    let neutral_language = root.string(&mut diags, "neutral-language").and_then(|l| {
        let lang = match l.value.as_str() {
            "nn" => Some(Lang::Nn),
            "nb" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        };
        if lang.is_none() {
            diags.push(
                Diag::error(
                    "criteria::neutral-language",
                    format!("neutral-language `{}` is not nn, nb or en", l.value),
                )
                .at(&file, l.span.clone(), "not a language")
                .help(
                    "write nn (Nynorsk), nb (Bokmål) or en (English), or leave it out for the county's language (nn)",
                ),
            );
        }
        lang
    });
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
        some => one_of(&root, &mut diags, "method", some, &Method::names(), Method::from_name),
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
            neutral_language,
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
    let basis = one_of(&t, diags, "basis", basis_text, &Basis::names(), Basis::from_name);
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
        some => one_of(&t, diags, "direction", some, &Direction::names(), Direction::from_name),
    };
    let scale_text = t.string(diags, "scale");
    let scale_span = scale_text.as_ref().map(|s| s.span.clone());
    let floor = t.number(diags, "floor");
    let scale = match scale_text {
        None => Some(Scale::RatioToMean),
        some => one_of(&t, diags, "scale", some, &Scale::names(), Scale::from_name),
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
        some => one_of(&t, diags, "missing", some, &Missing::names(), Missing::from_name),
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

//! Checking a criteria file against the data: every column resolved for the file's year (a
//! series counted back from it), suited to its basis, and every override on a real municipality.

use crate::data::{Catalogue, IndicatorKind, Register, Series};
use crate::diag::{Diag, Diags, SourceFile};
use crate::suggest;
use crate::tomlread::At;

use super::*;

impl Criteria {
    /// Checks the file against the data: columns exist and suit their basis, the county is the
    /// register's, and every override names one municipality, once. The checked file is a new
    /// value, with its series resolved to the years it reads and its overrides to their
    /// municipalities; nothing changes it afterwards (a variant, such as a backtest's year, is
    /// made from the file and checked again).
    pub fn check(mut self, catalogue: &Catalogue, register: &Register) -> Result<Criteria, Diags> {
        self.resolve(catalogue, register)?;
        Ok(self)
    }

    fn resolve(&mut self, catalogue: &Catalogue, register: &Register) -> Result<(), Diags> {
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

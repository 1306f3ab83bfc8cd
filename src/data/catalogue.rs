//! The catalogue of a data folder (`indicators.toml`): its indicators, their files and dates,
//! the history's series, and what is compared with the recommendation.

use std::ops::Range;

use crate::diag::{Diag, Diags, SourceFile};
use crate::lang::Label;
use crate::tomlread::{self, At, Table};

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorKind {
    /// Extensive: persons, dwellings, places. Shares of it make sense.
    Count,
    /// Intensive: a percentage or a per-1000 figure. Weighted by population.
    Rate,
}

#[derive(Clone, Debug)]
pub struct IndicatorDef {
    pub name: String,
    pub name_span: Range<usize>,
    pub label: Label,
    pub kind: IndicatorKind,
    pub file: At<String>,
    pub column: At<String>,
    /// The years to read; several are summed. `None` when the file has one row per municipality.
    pub years: Option<At<Vec<i64>>>,
    /// Divide by this indicator and multiply by 1000.
    pub per_1000_of: Option<At<String>>,
    pub unit: Option<String>,
    pub source: Option<String>,
    /// A short citation for chart source lines, e.g. "SSB 07459".
    pub cite: Option<String>,
    /// The counties the file covers, when not the whole register: municipalities elsewhere
    /// have no value (and no row is expected for them).
    pub counties: Option<Vec<String>>,
    /// The year the figures describe (`as-of`, else the latest of `years`); `None` for a figure
    /// that does not date (an area). A backtest of year `t` uses only figures from before `t`.
    pub as_of: Option<i64>,
}

/// IMDi's latest request, the municipality's decision, and what was settled: shown next to the
/// recommendation.
#[derive(Clone, Debug)]
pub struct Compare {
    pub year: i64,
    pub request: Option<At<String>>,
    pub decision: Option<At<String>>,
    pub settled: Option<At<String>>,
    /// The municipalities' declared capacity, for the capacity chart.
    pub capacity: Option<At<String>>,
}

impl Compare {
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        [&self.request, &self.decision, &self.settled, &self.capacity]
            .into_iter()
            .flatten()
            .map(|a| a.value.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Catalogue {
    pub file: SourceFile,
    pub register: At<String>,
    pub year_column: String,
    /// The register's column with each municipality's county number; without it the county is
    /// the first two digits of the kommunenummer.
    pub county_column: String,
    pub indicators: Vec<IndicatorDef>,
    pub compare: Option<Compare>,
    /// Municipal boundaries (GeoJSON, WGS84) for the map, keyed by `kommunenummer`.
    pub map: Option<At<String>>,
    /// The counties the map covers, when not all: other runs have no map.
    pub map_counties: Option<Vec<String>>,
    /// IMDi's request, the decision and the number settled, year by year (oldest first).
    pub history: Vec<HistoryYear>,
    /// A CSV file `old,new` of kommunenummer replaced by mergers and renumbering, so that
    /// older tables join the register.
    pub successors: Option<At<String>>,
}

/// One year of the series: the indicators holding IMDi's request, the municipality's decision
/// and the number settled.
#[derive(Clone, Debug)]
pub struct HistoryYear {
    pub year: i64,
    /// The population on 1 January of the year.
    pub population: Option<String>,
    pub request: Option<String>,
    pub decision: Option<String>,
    pub settled: Option<String>,
    pub note: Option<String>,
}

impl HistoryYear {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [&self.population, &self.request, &self.decision, &self.settled]
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The indicator of one series in this year.
    pub fn get(&self, series: Series) -> Option<&str> {
        match series {
            Series::Population => self.population.as_deref(),
            Series::Request => self.request.as_deref(),
            Series::Decision => self.decision.as_deref(),
            Series::Settled => self.settled.as_deref(),
        }
    }
}

/// A series of the catalogue's `[[history]]`: one indicator per year. Criteria name a series
/// relative to the recommendation's year, so the same file means the same next year and in a
/// backtest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Series {
    /// The population on 1 January.
    Population,
    /// IMDi's request (anmodning).
    Request,
    /// The municipality's decision (vedtak).
    Decision,
    /// The number settled.
    Settled,
}

impl Series {
    pub const EVERY: [Series; 4] = [Series::Population, Series::Request, Series::Decision, Series::Settled];

    pub fn name(self) -> &'static str {
        match self {
            Series::Population => "population",
            Series::Request => "request",
            Series::Decision => "decision",
            Series::Settled => "settled",
        }
    }

    pub fn from_name(name: &str) -> Option<Series> {
        Series::EVERY.into_iter().find(|s| s.name() == name)
    }
}

impl Catalogue {
    pub fn indicator(&self, name: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|i| i.name == name)
    }

    /// The indicator of `series` in `year`, when the history has that year and series.
    pub fn series_in(&self, series: Series, year: i64) -> Option<&str> {
        self.history.iter().find(|h| h.year == year).and_then(|h| h.get(series))
    }

    /// The first year of the history that has `series`.
    pub fn series_start(&self, series: Series) -> Option<i64> {
        self.history.iter().find(|h| h.get(series).is_some()).map(|h| h.year)
    }

    /// The year an indicator's figures describe, with what it divides by.
    pub fn as_of(&self, name: &str) -> Option<i64> {
        let ind = self.indicator(name)?;
        let own = ind.as_of;
        let per = ind
            .per_1000_of
            .as_ref()
            .and_then(|p| self.indicator(&p.value))
            .and_then(|p| p.as_of);
        own.max(per)
    }

    pub fn parse(file: SourceFile) -> Result<Catalogue, Diags> {
        let text = file.text.clone();
        let doc = tomlread::parse(&file, &text)?;
        let mut diags = Diags::default();
        let mut root = Table::root(&file, &doc, file.name.clone());
        let register = root.require(
            &mut diags,
            "register",
            "name the CSV file listing the municipalities, e.g. register = \"norway-municipalities.csv\"",
            Table::string,
        );
        let year_column = root
            .string(&mut diags, "year-column")
            .map_or_else(|| "year".to_string(), |y| y.value);
        let county_column = root
            .string(&mut diags, "county-column")
            .map_or_else(|| "fylkesnummer".to_string(), |y| y.value);
        let map = root.string(&mut diags, "map");
        let map_counties = root.strings(&mut diags, "map-counties").map(|c| c.value);
        let successors = root.string(&mut diags, "successors");
        let compare = root.table(&mut diags, "compare", "[compare]").map(|mut t| {
            let year = t.integer(&mut diags, "year");
            let c = Compare {
                year: year.map_or(0, |y| y.value),
                request: t.string(&mut diags, "request"),
                decision: t.string(&mut diags, "decision"),
                settled: t.string(&mut diags, "settled"),
                capacity: t.string(&mut diags, "capacity"),
            };
            t.finish(&mut diags);
            c
        });
        let mut history: Vec<HistoryYear> = Vec::new();
        let mut history_spans: Vec<(i64, Range<usize>)> = Vec::new();
        for mut t in root.tables(&mut diags, "history", "history") {
            let year = t.require(&mut diags, "year", "add the year, e.g. year = 2024", Table::integer);
            let population = t.string(&mut diags, "population").map(|v| v.value);
            let request = t.string(&mut diags, "request").map(|v| v.value);
            let decision = t.string(&mut diags, "decision").map(|v| v.value);
            let settled = t.string(&mut diags, "settled").map(|v| v.value);
            let note = t.string(&mut diags, "note").map(|v| v.value);
            t.finish(&mut diags);
            let Some(year) = year else { continue };
            if !YEARS.contains(&year.value) {
                diags.push(
                    Diag::error(
                        "catalogue::history",
                        format!("[[history]] year {} is not a plausible year", year.value),
                    )
                    .at(&file, year.span.clone(), "not a year")
                    .help(format!(
                        "give the year of the figures, between {} and {}",
                        YEARS.start(),
                        YEARS.end()
                    )),
                );
                continue;
            }
            if let Some((_, first)) = history_spans.iter().find(|(y, _)| *y == year.value) {
                diags.push(
                    Diag::error(
                        "catalogue::history",
                        format!("two [[history]] tables have year = {}", year.value),
                    )
                    .at(&file, year.span.clone(), "second")
                    .also(first.clone(), "first")
                    .help("keep one [[history]] per year; put its population, request, decision and settled in it"),
                );
                continue;
            }
            history_spans.push((year.value, year.span.clone()));
            history.push(HistoryYear {
                year: year.value,
                population,
                request,
                decision,
                settled,
                note,
            });
        }
        history.sort_by_key(|h| h.year);
        let mut indicators = Vec::new();
        for (name, mut t) in root.named_tables(&mut diags, "indicator") {
            let label = t.string(&mut diags, "label");
            let label_nb = t.string(&mut diags, "label-nb").map(|l| l.value);
            let label_en = t.string(&mut diags, "label-en").map(|l| l.value);
            let kind = t.require(
                &mut diags,
                "kind",
                "add kind = \"count\" or kind = \"rate\"",
                Table::string,
            );
            let kind = kind.and_then(|k| match k.value.as_str() {
                "count" => Some(IndicatorKind::Count),
                "rate" => Some(IndicatorKind::Rate),
                other => {
                    diags.push(
                        Diag::error("catalogue::kind", format!("kind `{other}` of {} is neither count nor rate", t.what()))
                            .at(&file, k.span, "unknown kind")
                            .help("count: persons, dwellings, places (shares make sense); rate: a percentage or per-1000 figure"),
                    );
                    None
                }
            });
            let csv = t.require(
                &mut diags,
                "file",
                "name the CSV file in the data folder",
                Table::string,
            );
            let column = t.require(&mut diags, "column", "name the column in that file", Table::string);
            let year = t.integer(&mut diags, "year");
            let years = t.integers(&mut diags, "years");
            let per_1000_of = t.string(&mut diags, "per-1000-of");
            let unit = t.string(&mut diags, "unit").map(|u| u.value);
            let source = t.string(&mut diags, "source").map(|s| s.value);
            let cite = t.string(&mut diags, "cite").map(|s| s.value);
            let counties = t.strings(&mut diags, "counties").map(|c| c.value);
            let as_of = t.integer(&mut diags, "as-of");
            if let Some(a) = &as_of
                && !YEARS.contains(&a.value)
            {
                diags.push(
                    Diag::error(
                        "catalogue::as-of",
                        format!("as-of {} of {} is not a plausible year", a.value, t.what()),
                    )
                    .at(&file, a.span.clone(), "not a year")
                    .help("give the year the figures describe, e.g. as-of = 2022"),
                );
            }
            if let Some(series) = Series::from_name(&name.value) {
                diags.push(
                    Diag::error(
                        "catalogue::series-name",
                        format!("indicator `{}` has the name of the series `{}` of [[history]]", name.value, series.name()),
                    )
                    .at(&file, name.span.clone(), "a series name")
                    .help("give the indicator a dated name, e.g. population_2026; criteria name the series itself relative to their year"),
                );
            }
            let years = match (year, years) {
                (Some(y), None) => Some(At::new(vec![y.value], y.span)),
                (None, Some(ys)) if ys.value.is_empty() => {
                    diags.push(
                        Diag::error("catalogue::years", format!("{} lists no years", t.what()))
                            .at(&file, ys.span, "empty")
                            .help("list the years to add up, e.g. years = [2022, 2023, 2024], or remove the key"),
                    );
                    None
                }
                (None, ys) => ys,
                (Some(y), Some(_)) => {
                    diags.push(
                        Diag::error("catalogue::years", format!("{} sets both year and years", t.what()))
                            .at(&file, y.span, "here")
                            .help("use year = N for one year, or years = [..] to add several up"),
                    );
                    None
                }
            };
            let latest = years.as_ref().and_then(|y| y.value.iter().copied().max());
            if let (Some(a), Some(latest)) = (&as_of, latest)
                && a.value < latest
            {
                diags.push(
                    Diag::error(
                        "catalogue::as-of",
                        format!("as-of {} of {} is earlier than its figures of {latest}", a.value, t.what()),
                    )
                    .at(&file, a.span.clone(), "too early")
                    .help("as-of is the year the figures describe: the latest of its years, or later; remove it to use that"),
                );
            }
            t.finish(&mut diags);
            let (Some(kind), Some(csv), Some(column)) = (kind, csv, column) else {
                continue;
            };
            let as_of = as_of.map(|a| a.value).or(latest);
            indicators.push(IndicatorDef {
                label: Label {
                    nn: label.map_or_else(|| name.value.clone(), |l| l.value),
                    nb: label_nb,
                    en: label_en,
                },
                name: name.value,
                name_span: name.span,
                kind,
                file: csv,
                column,
                years,
                per_1000_of,
                unit,
                source,
                cite,
                counties,
                as_of,
            });
        }
        root.finish(&mut diags);
        for ind in &indicators {
            let Some(per) = &ind.per_1000_of else { continue };
            let target = indicators.iter().find(|i| i.name == per.value);
            let problem = match target {
                None => Some(format!("`{}` is not an indicator of this catalogue", per.value)),
                Some(t) if t.kind != IndicatorKind::Count => {
                    Some(format!("`{}` is a rate; per 1000 needs a count", per.value))
                }
                Some(t) if t.per_1000_of.is_some() => Some(format!("`{}` is itself per 1000", per.value)),
                _ => None,
            };
            if let Some(problem) = problem {
                diags.push(
                    Diag::error(
                        "catalogue::per-1000-of",
                        format!("per-1000-of of indicator `{}`: {problem}", ind.name),
                    )
                    .at(&file, per.span.clone(), "cannot divide by this")
                    .help("name a population count, e.g. per-1000-of = \"population\""),
                );
            }
        }
        for h in &history {
            for series in Series::EVERY {
                let Some(name) = h.get(series) else { continue };
                let Some(ind) = indicators.iter().find(|i| i.name == name) else {
                    continue;
                };
                let problem = if ind.kind != IndicatorKind::Count {
                    Some("it is a rate, and a series holds counts".to_string())
                } else {
                    ind.as_of
                        .filter(|&y| y != h.year)
                        .map(|y| format!("its figures are of {y}"))
                };
                if let Some(problem) = problem {
                    diags.push(
                        Diag::error(
                            "catalogue::history",
                            format!(
                                "[[history]] for {} names `{name}` as its {}, but {problem}",
                                h.year,
                                series.name()
                            ),
                        )
                        .at(&file, ind.name_span.clone(), "this indicator")
                        .help(format!(
                            "name the {} of {} there: a count with year = {} (or as-of = {})",
                            series.name(),
                            h.year,
                            h.year,
                            h.year
                        )),
                    );
                }
            }
            for name in h.names() {
                if !indicators.iter().any(|i| i.name == name) {
                    diags.push(
                        Diag::error(
                            "catalogue::history",
                            format!(
                                "[[history]] for {} names `{name}`, which is not an indicator of {}",
                                h.year, file.name
                            ),
                        )
                        .help("add the indicator, or correct the name"),
                    );
                }
            }
        }
        let (Some(register), true) = (register, !diags.has_errors()) else {
            return Err(diags);
        };
        Ok(Catalogue {
            file,
            register,
            year_column,
            county_column,
            indicators,
            compare: compare.map(|mut c| {
                // "Last year" beside the recommendation: the latest year of the series unless
                // [compare] names its own.
                if let Some(h) = history.last().filter(|_| c.request.is_none() && c.decision.is_none()) {
                    let at = |v: &Option<String>| v.clone().map(|v| At::new(v, 0..0));
                    c.year = h.year;
                    c.request = at(&h.request);
                    c.decision = at(&h.decision);
                    c.settled = at(&h.settled);
                }
                c
            }),
            map,
            map_counties,
            history,
            successors,
        })
    }
}

//! The data folder: its catalogue (`indicators.toml`), the municipality register, and the
//! indicator table the criteria read.
//!
//! The catalogue says which CSV file and column hold each indicator, for which year, and whether
//! it is a count or a rate, so a planner adds an indicator by adding a column and a catalogue
//! entry, with no code. Loading reads only the files the criteria need, checks every row and
//! cell (reporting all problems at once), and joins the indicators on `kommunenummer` (always a
//! 4-character string) into one table in register order.

pub mod csvfile;
pub mod map;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::criteria::Label;
use crate::diag::{Diag, Diags, SourceFile};
use crate::suggest;
use crate::tomlread::{self, At, Table};
use csvfile::{CellProblem, CsvFile, io_reason, parse_number};

/// The years a figure, a history row or a recommendation may be for.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// The catalogue file's name inside the data folder.
pub const CATALOGUE: &str = "indicators.toml";
const KNR: &str = "kommunenummer";

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
    fn names(&self) -> impl Iterator<Item = &str> {
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Municipality {
    /// Always 4 characters, leading zero kept.
    pub knr: String,
    pub name: String,
    /// The county number (fylkesnummer).
    pub county: String,
}

impl Municipality {
    /// "4602 Kinn".
    pub fn label(&self) -> String {
        format!("{} {}", self.knr, self.name)
    }
}

/// The municipalities of the county, in kommunenummer order.
#[derive(Clone, Debug)]
pub struct Register {
    pub file: SourceFile,
    pub municipalities: Vec<Municipality>,
    /// The county of the municipalities selected; `None` for several counties.
    pub county: Option<String>,
    /// Municipalities in the register file outside the selection: their rows in the tables are
    /// passed over.
    pub outside: HashSet<String>,
    /// Old kommunenummer → the one that replaced it (mergers, renumbering).
    pub successors: BTreeMap<String, String>,
}

/// Which municipalities of the register a run covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    County(String),
    All,
}

impl Selection {
    /// `all` (or `00`) for the whole country, else a two-digit county number.
    pub fn parse(text: &str) -> Option<Selection> {
        match text.trim() {
            "all" | "00" => Some(Selection::All),
            c if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_digit()) => Some(Selection::County(c.to_string())),
            _ => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Selection::County(c) => c,
            Selection::All => "all",
        }
    }
}

fn valid_knr(s: &str) -> bool {
    s.len() == 4 && s.chars().all(|c| c.is_ascii_digit())
}

fn knr_problem(csv: &CsvFile, row: usize, raw: &str) -> Diag {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let help = if raw.chars().all(|c| c.is_ascii_digit()) && digits < 4 {
        "a kommunenummer has 4 digits with its leading zero kept (0301 is Oslo); if the file went \
         through Excel, format the column as text before saving"
    } else {
        "write the 4-digit kommunenummer, e.g. 4602"
    };
    Diag::error(
        "data::kommunenummer",
        format!("`{raw}` in {} is not a 4-digit kommunenummer", csv.name()),
    )
    .at(&csv.source, csv.cell_span(row, KNR), "not a kommunenummer")
    .help(help)
}

impl Register {
    pub fn len(&self) -> usize {
        self.municipalities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.municipalities.is_empty()
    }

    fn index(&self) -> HashMap<&str, usize> {
        self.municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.knr.as_str(), i))
            .collect()
    }

    /// Finds a municipality by number or by name (ignoring case, spaces and æ ø å spelt in
    /// ASCII). On failure returns the closest names.
    pub fn find(&self, query: &str) -> Result<usize, Vec<&str>> {
        let q = query.trim();
        if let Some(i) = self.municipalities.iter().position(|m| m.knr == q) {
            return Ok(i);
        }
        let folded = suggest::fold(q);
        if let Some(i) = self
            .municipalities
            .iter()
            .position(|m| suggest::fold(&m.name) == folded)
        {
            return Ok(i);
        }
        Err(suggest::closest(q, self.municipalities.iter().map(|m| m.name.as_str())))
    }

    /// Keeps the municipalities of `selection`; `None` when there are none.
    pub fn select(&mut self, selection: &Selection) -> bool {
        let Selection::County(c) = selection else {
            let counties: HashSet<&str> = self.municipalities.iter().map(|m| m.county.as_str()).collect();
            if counties.len() == 1 {
                self.county = counties.into_iter().next().map(String::from);
            }
            return !self.municipalities.is_empty();
        };
        let (keep, out): (Vec<Municipality>, Vec<Municipality>) = std::mem::take(&mut self.municipalities)
            .into_iter()
            .partition(|m| m.county == *c);
        self.outside.extend(out.into_iter().map(|m| m.knr));
        self.municipalities = keep;
        self.county = Some(c.clone());
        !self.municipalities.is_empty()
    }

    /// Keeps the municipalities of the county written as `wanted` (two digits, or `all`), with a
    /// message that says what to write, or which counties there are, when it cannot.
    pub fn select_county(&mut self, wanted: &str) -> Result<Selection, Diag> {
        let Some(selection) = Selection::parse(wanted) else {
            return Err(
                Diag::error("usage::county", format!("--county `{wanted}` is not a county number"))
                    .help("give a two-digit county number (46 is Vestland), or `all` for the whole country"),
            );
        };
        let counties = self.counties();
        if !self.select(&selection) {
            let list: Vec<String> = counties.iter().map(|(c, n)| format!("{c} ({n})")).collect();
            return Err(Diag::error(
                "data::county",
                format!("the register {} has no municipality in county {wanted}", self.file.name),
            )
            .help(format!(
                "its counties (with their number of municipalities) are {}",
                list.join(", ")
            )));
        }
        Ok(selection)
    }

    /// The counties in the register, with their number of municipalities.
    pub fn counties(&self) -> Vec<(String, usize)> {
        let mut out: BTreeMap<String, usize> = BTreeMap::new();
        for m in &self.municipalities {
            *out.entry(m.county.clone()).or_default() += 1;
        }
        out.into_iter().collect()
    }

    fn read(csv: &CsvFile, county_column: &str, diags: &mut Diags) -> Option<Register> {
        for col in [KNR, "kommune"] {
            if !csv.has_column(col) {
                diags.push(
                    Diag::error(
                        "data::register",
                        format!("the register {} has no column `{col}`", csv.name()),
                    )
                    .at(&csv.source, csv.header_line(), "header")
                    .help("the register lists each municipality as kommunenummer,kommune"),
                );
            }
        }
        let knrs = csv.text_column(KNR)?;
        let names = csv.text_column("kommune")?;
        let counties = csv.text_column(county_column);
        let before = diags.0.len();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut municipalities = Vec::new();
        for (row, (knr, name)) in knrs.iter().zip(&names).enumerate() {
            let knr = knr.clone().unwrap_or_default();
            if !valid_knr(&knr) {
                diags.push(knr_problem(csv, row, &knr));
                continue;
            }
            if let Some(&first) = seen.get(&knr) {
                diags.push(
                    Diag::error(
                        "data::duplicate",
                        format!("kommunenummer {knr} appears twice in the register {}", csv.name()),
                    )
                    .at(&csv.source, csv.row_span(row), "second")
                    .also(csv.row_span(first), "first")
                    .help("each municipality has one row in the register; remove the duplicate"),
                );
                continue;
            }
            seen.insert(knr.clone(), row);
            let county = counties
                .as_ref()
                .and_then(|c| c[row].clone())
                .unwrap_or_else(|| knr[..2].to_string());
            municipalities.push(Municipality {
                knr,
                name: name.clone().unwrap_or_default(),
                county,
            });
        }
        if municipalities.is_empty() && diags.0.len() == before {
            diags.push(
                Diag::error(
                    "data::register",
                    format!("the register {} lists no municipalities", csv.name()),
                )
                .help("add one row per municipality: kommunenummer,kommune"),
            );
        }
        municipalities.sort_by(|a, b| a.knr.cmp(&b.knr));
        let first = municipalities.first().map(|m| m.county.clone());
        let county = first.filter(|f| municipalities.iter().all(|m| m.county == *f));
        (diags.0.len() == before).then(|| Register {
            file: csv.source.clone(),
            municipalities,
            county,
            outside: HashSet::new(),
            successors: BTreeMap::new(),
        })
    }
}

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
pub struct Dataset {
    pub dir: PathBuf,
    pub catalogue: Catalogue,
    pub register: Register,
    pub table: IndicatorTable,
    /// The files read, catalogue and register first.
    pub inputs: Vec<Input>,
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

        // What to read: the wanted indicators, the comparison columns, and what they divide by.
        let mut compare_names: Vec<&str> = catalogue.compare.iter().flat_map(Compare::names).collect();
        compare_names.extend(catalogue.history.iter().flat_map(HistoryYear::names));
        let used = |name: &str| wanted.contains(&name) || compare_names.contains(&name);
        let needed: Vec<&IndicatorDef> = catalogue
            .indicators
            .iter()
            .filter(|ind| {
                used(&ind.name)
                    || catalogue.indicators.iter().any(|other| {
                        other.per_1000_of.as_ref().is_some_and(|p| p.value == ind.name) && used(&other.name)
                    })
            })
            .collect();

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
        let table = join(&register, &parts)
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

/// Reports at most ten cell problems of one kind in one file, then how many more there were.
struct Capped {
    shown: usize,
    hidden: usize,
}

impl Capped {
    const LIMIT: usize = 10;

    fn new() -> Self {
        Capped { shown: 0, hidden: 0 }
    }

    fn push(&mut self, diags: &mut Diags, d: Diag) {
        if self.shown < Self::LIMIT {
            self.shown += 1;
            diags.push(d);
        } else {
            self.hidden += 1;
        }
    }

    /// Reports what was held back; true when anything was wrong.
    fn finish(self, diags: &mut Diags, file: &str) -> bool {
        if self.hidden > 0 {
            diags.push(Diag::error(
                "data::more",
                format!("{} more problems in {file} are not shown", self.hidden),
            ));
        }
        self.shown > 0
    }
}

/// The rows of a file picked for one selection of years, with their kommunenummer.
type Rows = Vec<(usize, String)>;

/// Picks and checks the rows of a file for one selection of years (all rows when the indicator
/// picks none): a valid kommunenummer from the register on each, no municipality twice in a year,
/// and every municipality present. Several indicators may read the same rows; they are checked
/// once.
fn select_rows(
    csv: &CsvFile,
    years: Option<&At<Vec<i64>>>,
    covered: Option<&[String]>,
    catalogue: &Catalogue,
    register: &Register,
    diags: &mut Diags,
) -> Option<Rows> {
    let year_column = &catalogue.year_column;
    if !csv.has_column(KNR) {
        let first = csv.header.first().map(String::as_str).unwrap_or_default();
        let d = if first.starts_with(&format!("{KNR};")) || first.starts_with(&format!("{KNR}\t")) {
            let sep = if first.contains(';') { "semicolons" } else { "tabs" };
            Diag::error(
                "data::separator",
                format!("{} is separated by {sep}, not commas", csv.name()),
            )
            .at(&csv.source, csv.header_line(), format!("{sep} between the columns"))
            .help("save it as CSV with commas (Excel: \"CSV UTF-8 (comma delimited)\"), or read a StatBank export with busetting import")
        } else {
            Diag::error("data::unknown-column", format!("{} has no column `{KNR}`", csv.name()))
                .at(&csv.source, csv.header_line(), "header")
                .help("every table is keyed by the 4-digit kommunenummer in a column of that name")
        };
        diags.push(d);
        return None;
    }
    if let Some(y) = years.filter(|_| !csv.has_column(year_column)) {
        diags.push(
            Diag::error(
                "data::unknown-column",
                format!("{} has no column `{year_column}` to pick years from", csv.name()),
            )
            .at(&catalogue.file, y.span.clone(), "years")
            .help("remove year/years from the indicator, or set year-column in the catalogue"),
        );
        return None;
    }
    let knrs = csv.text_column(KNR)?;
    let year_cells = match years {
        Some(_) => Some(csv.text_column(year_column)?),
        None => None,
    };
    let wanted: Vec<i64> = years.map_or_else(|| vec![0], |y| y.value.clone());
    let index = register.index();
    let mut first_row: HashMap<(String, i64), usize> = HashMap::new();
    let mut rows = Rows::new();
    let mut problems = Capped::new();
    for row in 0..csv.height() {
        let year = match &year_cells {
            None => 0,
            Some(cells) => match cells[row].as_deref().map(str::parse::<i64>) {
                Some(Ok(y)) => y,
                _ => {
                    let raw = cells[row].clone().unwrap_or_default();
                    problems.push(
                        diags,
                        Diag::error(
                            "data::year",
                            format!("`{raw}` in column `{year_column}` of {} is not a year", csv.name()),
                        )
                        .at(&csv.source, csv.cell_span(row, year_column), "not a year")
                        .help("write the year as four digits, e.g. 2026"),
                    );
                    continue;
                }
            },
        };
        if !wanted.contains(&year) {
            continue;
        }
        let mut knr = knrs[row].clone().unwrap_or_default();
        if !valid_knr(&knr) {
            problems.push(diags, knr_problem(csv, row, &knr));
            continue;
        }
        // A code a merger or renumbering replaced counts for its successor; two merged
        // municipalities' rows are added up.
        let mut merged = false;
        if !index.contains_key(knr.as_str())
            && !register.outside.contains(&knr)
            && let Some(new) = register.successors.get(&knr)
        {
            knr = new.clone();
            merged = true;
        }
        if register.outside.contains(&knr) {
            continue;
        }
        if !index.contains_key(knr.as_str()) {
            problems.push(
                diags,
                Diag::error(
                    "data::unknown-municipality",
                    format!(
                        "kommunenummer {knr} in {} is not in the register {}",
                        csv.name(),
                        register.file.name
                    ),
                )
                .at(&csv.source, csv.cell_span(row, KNR), "unknown kommunenummer")
                .help("correct the number, remove the row, or add the municipality to the register"),
            );
            continue;
        }
        if merged {
            first_row.entry((knr.clone(), year)).or_insert(row);
            rows.push((row, knr));
            continue;
        }
        if let Some(&first) = first_row.get(&(knr.clone(), year)) {
            let when = if years.is_some() {
                format!(" for {year}")
            } else {
                String::new()
            };
            problems.push(
                diags,
                Diag::error(
                    "data::duplicate",
                    format!("{} has two rows for kommunenummer {knr}{when}", csv.name()),
                )
                .at(&csv.source, csv.row_span(row), "second")
                .also(csv.row_span(first), "first")
                .help("keep one row per municipality (and year); remove the other"),
            );
            continue;
        }
        first_row.insert((knr.clone(), year), row);
        rows.push((row, knr));
    }
    if problems.finish(diags, csv.name()) {
        return None;
    }
    let mut absent = Vec::new();
    for m in register
        .municipalities
        .iter()
        .filter(|m| covered.is_none_or(|c| c.contains(&m.county)))
    {
        for &y in &wanted {
            if !first_row.contains_key(&(m.knr.clone(), y)) {
                absent.push(if years.is_some() {
                    format!("{} ({y})", m.label())
                } else {
                    m.label()
                });
            }
        }
    }
    if !absent.is_empty() {
        let listed = if absent.len() > 8 {
            format!("{}, … and {} more", absent[..8].join(", "), absent.len() - 8)
        } else {
            absent.join(", ")
        };
        diags.push(
            Diag::error(
                "data::missing-municipality",
                format!(
                    "{} has no row for {} of the register's municipalities: {listed}",
                    csv.name(),
                    absent.len()
                ),
            )
            .at(&csv.source, csv.header_line(), "")
            .help("add a row for each (leave the value empty if the figure is missing), or correct the kommunenummer"),
        );
        return None;
    }
    Some(rows)
}

/// Reads one indicator's values from the picked rows, checks them, and returns them as a frame
/// of `kommunenummer`, `value` (one row per municipality and year).
fn read_values(
    csv: &CsvFile,
    ind: &IndicatorDef,
    rows: &Rows,
    catalogue: &Catalogue,
    diags: &mut Diags,
) -> Option<DataFrame> {
    let column = &ind.column.value;
    if !csv.has_column(column) {
        let cols: Vec<&str> = csv.header.iter().map(String::as_str).collect();
        let d = Diag::error(
            "data::unknown-column",
            format!("{} has no column `{column}`", csv.name()),
        )
        .at(
            &catalogue.file,
            ind.column.span.clone(),
            format!("column of indicator `{}`", ind.name),
        );
        diags.push(match suggest::did_you_mean(column, cols.iter().copied()) {
            Some(s) => d.help(s),
            None => d.help(format!("its columns are {}", suggest::and_list(&cols))),
        });
        return None;
    }
    let cells = csv.text_column(column)?;
    // Rows of merged municipalities are added up: right for counts, not for rates.
    let single_year = ind.years.as_ref().is_none_or(|y| y.value.len() <= 1);
    if ind.kind == IndicatorKind::Rate && single_year {
        let mut seen = HashSet::new();
        if let Some((_, knr)) = rows.iter().find(|(_, k)| !seen.insert(k.as_str())) {
            diags.push(
                Diag::error(
                    "data::merged-rate",
                    format!(
                        "{} has rows of several former municipalities for {knr}, and `{}` is a rate, which cannot be added up",
                        csv.name(),
                        ind.name
                    ),
                )
                .help("give the rate for the merged municipality, or its counts (kind = \"count\") instead"),
            );
            return None;
        }
    }
    let mut knrs: Vec<&str> = Vec::with_capacity(rows.len());
    let mut values: Vec<Option<f64>> = Vec::with_capacity(rows.len());
    let mut problems = Capped::new();
    // What a figure of its kind can be: a percentage at most 100, a count of persons, dwellings
    // or places at most a billion, another rate (an index, a per-1000 figure) at most a million.
    let limit = match ind.kind {
        IndicatorKind::Rate if ind.unit.as_deref() == Some("%") => 100.0,
        IndicatorKind::Rate => 1e6,
        IndicatorKind::Count => 1e9,
    };
    for (row, knr) in rows {
        match parse_number(cells[*row].as_deref()) {
            Ok(Some(v)) if v > limit => {
                let raw = cells[*row].clone().unwrap_or_default();
                problems.push(
                    diags,
                    Diag::error(
                        "data::range",
                        format!(
                            "`{raw}` in column `{column}` of {} is more than {limit}, which `{}` cannot be",
                            csv.name(),
                            ind.name
                        ),
                    )
                    .at(&csv.source, csv.cell_span(*row, column), "out of range")
                    .help("correct the figure (a percentage is 0 to 100), or leave the cell empty if it is missing"),
                );
            }
            Ok(v) => {
                knrs.push(knr);
                values.push(v);
            }
            Err(problem) => {
                let raw = cells[*row].clone().unwrap_or_default();
                let (what, help) = match problem {
                    CellProblem::NotANumber => (
                        format!("`{raw}` in column `{column}` of {} is not a number", csv.name()),
                        "write a number with a decimal point (70.1), or leave the cell empty if the figure is missing"
                            .to_string(),
                    ),
                    CellProblem::DecimalComma => (
                        format!("`{raw}` in column `{column}` of {} has a decimal comma", csv.name()),
                        format!("write {} with a decimal point", raw.replace(',', ".")),
                    ),
                    CellProblem::Negative(_) => (
                        format!("`{raw}` in column `{column}` of {} is negative", csv.name()),
                        "counts and rates cannot be negative; correct the figure, or leave the cell empty if it is missing"
                            .to_string(),
                    ),
                };
                problems.push(
                    diags,
                    Diag::error("data::value", what)
                        .at(&csv.source, csv.cell_span(*row, column), "here")
                        .help(help),
                );
            }
        }
    }
    if problems.finish(diags, csv.name()) {
        return None;
    }
    DataFrame::new_infer_height(vec![Column::new(KNR.into(), knrs), Column::new("value".into(), values)]).ok()
}

/// Joins the indicators onto the register with polars: sums over years (a missing year makes
/// the sum missing), divides per-1000 figures, and keeps register order.
fn join(register: &Register, parts: &[(&IndicatorDef, DataFrame)]) -> PolarsResult<IndicatorTable> {
    let knrs: Vec<&str> = register.municipalities.iter().map(|m| m.knr.as_str()).collect();
    let mut frame = DataFrame::new_infer_height(vec![Column::new(KNR.into(), knrs)])?.lazy();
    let raw = |name: &str| format!("{name}__raw");
    for (ind, part) in parts {
        let summed = part
            .clone()
            .lazy()
            .group_by([col(KNR)])
            .agg([when(col("value").null_count().gt(lit(0)))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col("value").sum())
                .alias(raw(&ind.name))]);
        frame = frame.left_join(summed, col(KNR), col(KNR));
    }
    let finals: Vec<Expr> = parts
        .iter()
        .map(|(ind, _)| match &ind.per_1000_of {
            Some(per) => (col(raw(&ind.name)) / col(raw(&per.value)) * lit(1000.0)).alias(ind.name.as_str()),
            None => col(raw(&ind.name)).alias(ind.name.as_str()),
        })
        .collect();
    let frame = frame
        .with_columns(finals)
        .sort([KNR], SortMultipleOptions::default())
        .collect()?;
    let mut columns = Vec::new();
    for (ind, _) in parts {
        let values: Vec<Option<f64>> = frame.column(&ind.name)?.f64()?.iter().collect();
        columns.push((ind.name.clone(), values));
    }
    Ok(IndicatorTable { columns })
}

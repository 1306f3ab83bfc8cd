//! The register of municipalities, and the county a run covers.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::csvfile::CsvFile;
use crate::diag::{Diag, Diags, SourceFile};
use crate::suggest;

use super::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Municipality {
    /// Always 4 characters, leading zero kept.
    pub knr: String,
    pub name: String,
    /// The county number (fylkesnummer).
    pub county: String,
    /// Its official written language (målform) as the register writes it (`Nynorsk`, `Bokmål`,
    /// `Nøytral`), when the register has a `malform` column.
    pub malform: Option<String>,
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

pub(super) fn valid_knr(s: &str) -> bool {
    s.len() == 4 && s.chars().all(|c| c.is_ascii_digit())
}

pub(super) fn knr_problem(csv: &CsvFile, row: usize, raw: &str) -> Diag {
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

    pub(super) fn index(&self) -> HashMap<&str, usize> {
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

    pub(super) fn read(csv: &CsvFile, county_column: &str, diags: &mut Diags) -> Option<Register> {
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
        let malform = csv.has_column("malform").then(|| csv.text_column("malform")).flatten();
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
                malform: malform.as_ref().and_then(|m| m[row].clone()),
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

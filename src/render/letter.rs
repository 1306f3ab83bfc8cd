//! The letters advisers send, as Word documents: the county's recommendation to IMDi, and one
//! letter to each municipality for the capacity dialogue. Every sentence comes from a template an
//! adviser edits (`criteria/letter/<lang>.toml`); the numbers, names and tables come from the run.
//! Text is written as text runs, so a name with markup stays text (the writer escapes it for
//! the XML) and nothing in a name can become a Word field.

use docx_rs::{AlignmentType, BreakType, Docx, Paragraph, Pic, Run as Text, Table, TableCell, TableRow, WidthType};
use serde::Deserialize;

use super::cells::{Error, acting_text};
use crate::criteria::{Basis, Direction};
use crate::diag::{Diag, SourceFile};
use crate::history::Year;
use crate::pipeline::Run;

/// A letter template: the county's letter and the municipalities' letter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub county: CountyText,
    pub municipality: MunicipalityText,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CountyText {
    sender: String,
    recipient: String,
    place_date: String,
    subject: String,
    opening: String,
    total: String,
    criteria_heading: String,
    criteria_intro: String,
    criterion: String,
    basis_share: String,
    basis_equal: String,
    basis_population_weighted: String,
    basis_less: String,
    table_heading: String,
    col_rank: String,
    col_kommune: String,
    col_recommendation: String,
    col_per_1000: String,
    col_request: String,
    col_decision: String,
    col_change: String,
    col_sum: String,
    bounds_heading: String,
    minimum_if_asked: String,
    per_1000_cap: String,
    capacity: String,
    acting: String,
    #[serde(rename = "override")]
    override_: String,
    no_bounds: String,
    certainty_heading: String,
    certainty_missing: String,
    backtest_heading: String,
    backtest_missing: String,
    sources_heading: String,
    sources: String,
    figures_heading: String,
    pub map_caption: String,
    pub contributions_caption: String,
    closing: String,
    signer_name: String,
    signer_title: String,
    signature_note: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MunicipalityText {
    sender: String,
    recipient: String,
    place_date: String,
    subject: String,
    proposal: String,
    explanation: String,
    bound: String,
    no_bound: String,
    table_heading: String,
    col_criterion: String,
    col_persons: String,
    rounding: String,
    total: String,
    history_heading: String,
    col_year: String,
    col_request: String,
    col_decision: String,
    col_settled: String,
    questions_heading: String,
    questions: Vec<String>,
    closing: String,
    signer_name: String,
    signer_title: String,
}

/// Templates are small; a larger file is not one.
const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

impl Template {
    /// Reads a template, naming the line and column of any mistake; every `{{ … }}` in it is
    /// tried once here, so a broken placeholder is found before any letter is made.
    pub fn parse(file: &SourceFile) -> Result<Template, Diag> {
        if file.text.len() > MAX_TEMPLATE_BYTES {
            return Err(Diag::error(
                "letter::template",
                format!("{} is larger than {MAX_TEMPLATE_BYTES} bytes", file.name),
            )
            .help("a letter template is a short TOML file; start again from criteria/letter/nn.toml"));
        }
        let t: Template = toml::from_str(&file.text).map_err(|e| {
            let d = Diag::error(
                "letter::template",
                format!("{} is not a letter template: {}", file.name, e.message()),
            )
            .help("compare with criteria/letter/nn.toml: the same keys, text in quotes");
            match e.span() {
                Some(span) => d.at(file, span, "here"),
                None => d,
            }
        })?;
        let env = minijinja::Environment::new();
        let texts = t.texts();
        for text in texts {
            env.render_str(text, minijinja::context! {}).map_err(|e| {
                let d = Diag::error(
                    "letter::placeholder",
                    format!("{}: a placeholder cannot be read: {e}", file.name),
                )
                .help("write a field as {{ name }}, with the names given in the comments");
                match file.text.find(text.as_str()) {
                    Some(at) => d.at(file, at..at + text.len(), "in this text"),
                    None => d,
                }
            })?;
        }
        Ok(t)
    }

    fn texts(&self) -> Vec<&String> {
        let c = &self.county;
        let m = &self.municipality;
        let mut all = vec![
            &c.place_date,
            &c.subject,
            &c.opening,
            &c.total,
            &c.criterion,
            &c.col_request,
            &c.col_decision,
            &c.minimum_if_asked,
            &c.per_1000_cap,
            &c.acting,
            &c.override_,
            &c.sources,
            &m.recipient,
            &m.place_date,
            &m.subject,
            &m.proposal,
            &m.explanation,
            &m.bound,
        ];
        all.extend(&m.questions);
        all
    }
}

/// Fills a template text; the values are inserted as they are (the document escapes them).
fn fill(text: &str, values: &[(&str, String)]) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let ctx: std::collections::BTreeMap<String, String> =
        values.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect();
    env.render_str(text, ctx)
        .map_err(|e| Error::new("the letter template", format!("`{text}`: {e}")))
}

/// What the county's letter shows besides the run: the date, the charts, how sure the numbers
/// are and the backtest's verdict, each already in the run's language.
pub struct CountyLetter<'a> {
    pub date: String,
    /// (caption, PNG, width, height in pixels).
    pub figures: Vec<(String, &'a [u8], u32, u32)>,
    pub certainty: Vec<String>,
    pub verdict: Option<String>,
    pub sources: String,
}

fn heading(text: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(Text::new().add_text(text).bold().size(size))
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Text::new().add_text(text))
}

fn cell(text: &str, bold: bool, right: bool) -> TableCell {
    let mut run = Text::new().add_text(text).size(18);
    if bold {
        run = run.bold();
    }
    let mut p = Paragraph::new().add_run(run);
    if right {
        p = p.align(AlignmentType::Right);
    }
    TableCell::new().add_paragraph(p)
}

/// A table with a bold header row and right-aligned number columns; a row is not split over a
/// page.
fn table(header: &[String], rows: &[Vec<String>], numbers: &[bool], sum: Option<&[String]>) -> Table {
    let head = TableRow::new(header.iter().zip(numbers).map(|(h, &n)| cell(h, true, n)).collect());
    let mut all = vec![head];
    for r in rows {
        all.push(TableRow::new(r.iter().zip(numbers).map(|(c, &n)| cell(c, false, n)).collect()).cant_split());
    }
    if let Some(s) = sum {
        all.push(TableRow::new(
            s.iter().zip(numbers).map(|(c, &n)| cell(c, true, n)).collect(),
        ));
    }
    Table::new(all).width(9000, WidthType::Dxa)
}

fn opt(run: &Run, v: Option<f64>) -> String {
    v.map_or_else(|| run.lang.texts().x_none.to_string(), |v| run.lang.num(v, 0))
}

/// The letter head: sender, recipient, place and date, subject.
fn head(doc: Docx, sender: &str, recipient: &str, place_date: &str, subject: &str) -> Docx {
    doc.add_paragraph(heading(sender, 28))
        .add_paragraph(para(recipient))
        .add_paragraph(para(place_date).align(AlignmentType::Right))
        .add_paragraph(para(""))
        .add_paragraph(heading(subject, 30))
}

fn pack(doc: Docx, date: &str, file: &str) -> Result<Vec<u8>, Error> {
    // A fixed creation date (the letter's) keeps the same inputs giving the same bytes.
    let stamp = format!("{date}T00:00:00Z");
    let mut out = std::io::Cursor::new(Vec::new());
    doc.created_at(&stamp)
        .updated_at(&stamp)
        .build()
        .pack(&mut out)
        .map_err(|e| Error::new(file, e))?;
    Ok(out.into_inner())
}

/// The county's recommendation to IMDi.
pub fn county(run: &Run, t: &CountyText, l: &CountyLetter) -> Result<Vec<u8>, Error> {
    let lang = run.lang;
    let c = &run.criteria;
    let year = c.year.to_string();
    let total = lang.int(c.total);
    let file = c.file.name.clone();
    let mut doc = head(
        Docx::new(),
        &t.sender,
        &t.recipient,
        &fill(&t.place_date, &[("date", l.date.clone())])?,
        &fill(&t.subject, &[("year", year.clone()), ("total", total.clone())])?,
    );
    doc = doc
        .add_paragraph(para(&fill(
            &t.opening,
            &[("year", year.clone()), ("total", total.clone())],
        )?))
        .add_paragraph(para(&fill(&t.total, &[("total", total.clone()), ("file", file)])?));

    doc = doc
        .add_paragraph(heading(&t.criteria_heading, 24))
        .add_paragraph(para(&t.criteria_intro));
    for k in &c.criteria {
        let mut basis = match k.basis {
            Basis::Share => t.basis_share.clone(),
            Basis::Equal => t.basis_equal.clone(),
            Basis::PopulationWeighted => t.basis_population_weighted.clone(),
        };
        if k.direction == Direction::Less && k.basis != Basis::Equal {
            basis = format!("{basis}, {}", t.basis_less);
        }
        let line = fill(
            &t.criterion,
            &[
                ("label", k.label.get(lang).to_string()),
                ("weight", lang.num(100.0 * k.weight, 0)),
                ("basis", basis),
            ],
        )?;
        doc = doc.add_paragraph(para(&format!("• {line}")));
    }

    // The ranked table.
    let previous = run.explanations.iter().find_map(|e| e.previous.year);
    let py = previous.map_or_else(String::new, |y| y.to_string());
    let header = vec![
        t.col_rank.clone(),
        t.col_kommune.clone(),
        t.col_recommendation.clone(),
        t.col_per_1000.clone(),
        fill(&t.col_request, &[("year", py.clone())])?,
        fill(&t.col_decision, &[("year", py)])?,
        t.col_change.clone(),
    ];
    let rows: Vec<Vec<String>> = run
        .ranked()
        .iter()
        .map(|e| {
            vec![
                e.rank.to_string(),
                e.kommune.clone(),
                lang.int(e.recommendation),
                lang.num(e.per_1000, 1),
                opt(run, e.previous.request),
                opt(run, e.previous.decision),
                e.previous.request.map_or_else(
                    || lang.texts().x_none.to_string(),
                    |r| lang.signed(e.recommendation as f64 - r, 0),
                ),
            ]
        })
        .collect();
    let sum_of = |f: fn(&crate::explain::Explanation) -> Option<f64>| -> String {
        let v: Vec<f64> = run.explanations.iter().filter_map(f).collect();
        if v.is_empty() {
            String::new()
        } else {
            lang.num(v.iter().sum(), 0)
        }
    };
    let sum = vec![
        String::new(),
        t.col_sum.clone(),
        total.clone(),
        String::new(),
        sum_of(|e| e.previous.request),
        sum_of(|e| e.previous.decision),
        String::new(),
    ];
    doc = doc.add_paragraph(heading(&t.table_heading, 24)).add_table(table(
        &header,
        &rows,
        &[true, false, true, true, true, true, true],
        Some(&sum),
    ));

    // Bounds and exceptions.
    doc = doc.add_paragraph(heading(&t.bounds_heading, 24));
    let b = &c.bounds;
    let mut lines = Vec::new();
    if let Some(m) = &b.minimum_if_asked {
        lines.push(fill(&t.minimum_if_asked, &[("minimum_if_asked", lang.int(m.value))])?);
    }
    if let Some(cap) = b.per_1000_cap {
        lines.push(fill(&t.per_1000_cap, &[("cap", lang.num(cap, 1))])?);
    }
    if b.capacity.is_some() {
        lines.push(t.capacity.clone());
    }
    for e in run.ranked() {
        let bound = acting_text(lang, e);
        if !bound.is_empty() {
            lines.push(fill(&t.acting, &[("kommune", e.kommune.clone()), ("bound", bound)])?);
        }
        if let Some(reason) = &e.override_reason {
            lines.push(fill(
                &t.override_,
                &[("kommune", e.kommune.clone()), ("reason", reason.clone())],
            )?);
        }
    }
    if lines.is_empty() {
        lines.push(t.no_bounds.clone());
    }
    for line in lines {
        doc = doc.add_paragraph(para(&line));
    }

    doc = doc.add_paragraph(heading(&t.certainty_heading, 24));
    if l.certainty.is_empty() {
        doc = doc.add_paragraph(para(&t.certainty_missing));
    }
    for line in &l.certainty {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc
        .add_paragraph(heading(&t.backtest_heading, 24))
        .add_paragraph(para(l.verdict.as_deref().unwrap_or(&t.backtest_missing)))
        .add_paragraph(heading(&t.sources_heading, 24))
        .add_paragraph(para(&fill(&t.sources, &[("sources", l.sources.clone())])?));

    if !l.figures.is_empty() {
        doc = doc.add_paragraph(heading(&t.figures_heading, 24));
        for (caption, png, w, h) in &l.figures {
            // 16 cm wide, the height in proportion (EMU: 360 000 per cm).
            let width = 16 * 360_000;
            let height = (f64::from(width) * f64::from(*h) / f64::from((*w).max(1))) as u32;
            let pic = Pic::new_with_dimensions(png.to_vec(), *w, *h).size(width, height);
            doc = doc
                .add_paragraph(Paragraph::new().add_run(Text::new().add_image(pic)))
                .add_paragraph(Paragraph::new().add_run(Text::new().add_text(caption).italic().size(18)));
        }
    }
    doc = signature(
        doc,
        &t.closing,
        &t.signer_name,
        &t.signer_title,
        Some(&t.signature_note),
    );
    pack(doc, &l.date, "the letter to IMDi")
}

fn signature(doc: Docx, closing: &str, name: &str, title: &str, note: Option<&str>) -> Docx {
    let mut doc = doc
        .add_paragraph(para(""))
        .add_paragraph(para(closing))
        .add_paragraph(Paragraph::new().add_run(Text::new().add_break(BreakType::TextWrapping)))
        .add_paragraph(para(name))
        .add_paragraph(para(title));
    if let Some(n) = note {
        doc = doc.add_paragraph(Paragraph::new().add_run(Text::new().add_text(n).italic().size(18)));
    }
    doc
}

/// One municipality's letter for the capacity dialogue; `run` is in the municipality's language
/// and `i` its index in the register.
pub fn municipality(run: &Run, i: usize, t: &MunicipalityText, date: &str, years: &[Year]) -> Result<Vec<u8>, Error> {
    let lang = run.lang;
    let e = &run.explanations[i];
    let year = run.criteria.year.to_string();
    let kommune = e.kommune.clone();
    let mut doc = head(
        Docx::new(),
        &t.sender,
        &fill(&t.recipient, &[("kommune", kommune.clone())])?,
        &fill(&t.place_date, &[("date", date.to_string())])?,
        &fill(&t.subject, &[("kommune", kommune.clone()), ("year", year.clone())])?,
    );
    let proposal = fill(
        &t.proposal,
        &[
            ("kommune", kommune.clone()),
            ("number", lang.int(e.recommendation)),
            ("year", year.clone()),
        ],
    )?;
    let bound = acting_text(lang, e);
    let second = if bound.is_empty() {
        t.no_bound.clone()
    } else {
        fill(&t.bound, &[("bound", bound)])?
    };
    doc = doc.add_paragraph(para(&proposal)).add_paragraph(para(&format!(
        "{} {second}",
        fill(&t.explanation, &[("sentence", e.sentence.clone())])?
    )));

    // What each criterion gave, then bounds and rounding, then the number.
    let mut rows: Vec<Vec<String>> = run
        .criteria
        .criteria
        .iter()
        .zip(&e.contributions)
        .map(|(k, c)| vec![k.label.get(lang).to_string(), lang.num(c.persons, 1)])
        .collect();
    rows.push(vec![t.rounding.clone(), lang.num(e.bound_adjustment + e.rounding, 1)]);
    let sum = [t.total.clone(), lang.int(e.recommendation)];
    doc = doc.add_paragraph(heading(&t.table_heading, 24)).add_table(table(
        &[t.col_criterion.clone(), t.col_persons.clone()],
        &rows,
        &[false, true],
        Some(&sum),
    ));

    // The last years' request, decision and settled.
    let history: Vec<Vec<String>> = years
        .iter()
        .rev()
        .take(4)
        .filter_map(|y| {
            let f = y.municipalities.get(i)?;
            (f.request.is_some() || f.decision.is_some() || f.settled.is_some()).then(|| {
                vec![
                    y.year.to_string(),
                    opt(run, f.request),
                    opt(run, f.decision),
                    opt(run, f.settled),
                ]
            })
        })
        .collect();
    if !history.is_empty() {
        doc = doc.add_paragraph(heading(&t.history_heading, 24)).add_table(table(
            &[
                t.col_year.clone(),
                t.col_request.clone(),
                t.col_decision.clone(),
                t.col_settled.clone(),
            ],
            &history,
            &[false, true, true, true],
            None,
        ));
    }

    doc = doc.add_paragraph(heading(&t.questions_heading, 24));
    for (k, q) in t.questions.iter().enumerate() {
        let q = fill(q, &[("year", year.clone()), ("kommune", kommune.clone())])?;
        doc = doc.add_paragraph(para(&format!("{}. {q}", k + 1)));
    }
    doc = signature(doc, &t.closing, &t.signer_name, &t.signer_title, None);
    pack(doc, date, "a letter to a municipality")
}

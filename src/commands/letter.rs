//! `busetting letter`: the recommendation to IMDi as a Word document, or with `--municipalities`
//! one letter to each municipality in its own written language (målform).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cli::LetterArgs;
use crate::commands::report::{saved_sensitivity, wrote};
use crate::commands::{Failure, Output};
use crate::data::map;
use crate::diag::Diag;
use crate::lang::Lang;
use crate::pipeline::{self, Run, Source};
use crate::render::letter::{self, CountyLetter, Template};

pub fn run(args: &LetterArgs, lang: Lang) -> Result<Output, Failure> {
    let source: Source = (&args.inputs).into();
    let date = args.date.clone().unwrap_or_else(today);
    let (written, lang) = if args.municipalities {
        municipalities(args, &source, lang, &date)?
    } else {
        (county(args, &source, lang, &date)?, lang)
    };
    Ok(Output {
        stdout: Vec::new(),
        stderr: wrote(lang, &written),
    })
}

/// The letters go beside the report sets, never inside one (a set is replaced as a whole).
fn folder(args: &LetterArgs, run: &Run, part: &str) -> PathBuf {
    args.out.join("letters").join(run.criteria.year.to_string()).join(part)
}

fn template(dir: &Path, lang: Lang) -> Result<Template, Failure> {
    let code = match lang {
        Lang::Nn => "nn",
        Lang::Nb => "nb",
        Lang::En => "en",
    };
    let path = dir.join(format!("{code}.toml"));
    let file = crate::data::read_text(
        &path,
        &path.display().to_string(),
        "give the folder of the letter templates with --templates; criteria/letter/ has one per language",
    )?;
    Ok(Template::parse(&file)?)
}

/// The width and height a PNG's header states.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

fn county(args: &LetterArgs, source: &Source, lang: Lang, date: &str) -> Result<Vec<PathBuf>, Failure> {
    let t = template(&args.templates, lang)?;
    let run = pipeline::run(source, lang)?;
    let shapes = map::of(&run.data)?;
    let charts = crate::render::charts::all(&run, shapes.as_ref(), &[])?;
    let texts = lang.texts();
    let mut figures = Vec::new();
    for (name, caption) in [
        ("map", &t.county.map_caption),
        ("contributions", &t.county.contributions_caption),
    ] {
        if let Some(c) = charts.iter().find(|c| c.name == name)
            && let Some((w, h)) = png_size(&c.png)
        {
            figures.push((caption.to_string(), c.png.as_slice(), w, h));
        }
    }
    let dir = folder(args, &run, "imdi");
    let (saved, _) = saved_sensitivity(&run, &args.out.join(run.criteria.year.to_string()));
    let certainty = saved
        .map(|s| crate::render::robust::notes(&run, &s))
        .unwrap_or_default();
    let verdict = crate::render::backtest::of_run(&run).and_then(|b| crate::render::backtest::verdict(lang, &b));
    let l = CountyLetter {
        date: lang.date(date),
        figures,
        certainty,
        verdict,
        sources: crate::render::charts::sources(&run),
    };
    let bytes = letter::county(&run, &t.county, &l)?;
    let name = format!("{}-{}.docx", texts.l_file_imdi, run.criteria.year);
    Ok(crate::output::write_set(&dir, &[(name, bytes)])?)
}

/// The language of a municipality's letter: its målform; a neutral one (or one the register
/// does not say) gets the criteria file's `neutral-language`, else the county's language.
pub fn language_of(malform: Option<&str>, neutral: Lang) -> Lang {
    match malform {
        Some("Nynorsk") => Lang::Nn,
        Some("Bokmål") => Lang::Nb,
        _ => neutral,
    }
}

/// A file name from a municipality's number and name: letters, digits and dashes only.
fn file_name(knr: &str, name: &str) -> String {
    let mut slug = String::new();
    for ch in name.to_lowercase().chars() {
        match ch {
            'æ' => slug.push_str("ae"),
            'ø' => slug.push('o'),
            'å' => slug.push('a'),
            c if c.is_ascii_alphanumeric() => slug.push(c),
            _ if !slug.ends_with('-') => slug.push('-'),
            _ => {}
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    format!("{knr}-{slug}.docx")
}

fn municipalities(args: &LetterArgs, source: &Source, lang: Lang, date: &str) -> Result<(Vec<PathBuf>, Lang), Failure> {
    let first = pipeline::run(source, lang)?;
    let neutral = first.criteria.neutral_language.unwrap_or(lang);
    let years = crate::history::series(&first.data, &HashMap::new());
    let plan: Vec<(usize, String, Lang)> = first
        .data
        .register
        .municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                i,
                file_name(&m.knr, &m.name),
                language_of(m.malform.as_deref(), neutral),
            )
        })
        .collect();
    if plan.is_empty() {
        return Err(Failure::from(Diag::error(
            "letter::none",
            "the run has no municipality to write to",
        )));
    }
    let dir = folder(args, &first, lang.texts().l_dir_municipalities);
    // One run per language needed: its explanations are written in that language.
    let mut runs: HashMap<Lang, Run> = HashMap::from([(lang, first)]);
    let mut templates: HashMap<Lang, Template> = HashMap::new();
    for (_, _, l) in &plan {
        if !runs.contains_key(l) {
            runs.insert(*l, pipeline::run(source, *l)?);
        }
        if !templates.contains_key(l) {
            templates.insert(*l, template(&args.templates, *l)?);
        }
    }
    let mut files = Vec::new();
    for (i, name, l) in plan {
        let bytes = letter::municipality(&runs[&l], i, &templates[&l].municipality, &l.date(date), &years)?;
        files.push((name, bytes));
    }
    Ok((crate::output::write_set(&dir, &files)?, lang))
}

/// Today's date, YYYY-MM-DD (UTC), from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_and_unique_by_number() {
        assert_eq!(file_name("4601", "Bergen"), "4601-bergen.docx");
        assert_eq!(file_name("4628", "Vaksdal/../../x"), "4628-vaksdal-x.docx");
        assert_eq!(file_name("4640", "Sogndal"), "4640-sogndal.docx");
        assert_eq!(file_name("4626", "Øygarden"), "4626-oygarden.docx");
    }

    #[test]
    fn the_language_follows_the_malform() {
        assert_eq!(language_of(Some("Nynorsk"), Lang::Nb), Lang::Nn);
        assert_eq!(language_of(Some("Bokmål"), Lang::Nn), Lang::Nb);
        assert_eq!(language_of(Some("Nøytral"), Lang::En), Lang::En);
        assert_eq!(language_of(None, Lang::Nn), Lang::Nn);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"), "{t}");
    }
}

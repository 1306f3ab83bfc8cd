//! `busetting import FILE`: an SSB StatBank export (CSV or JSON-stat 2.0) or a capacity-dialogue
//! workbook, into the tool's table format.

use std::path::Path;

use crate::cli::{ImportArgs, ImportKind};
use crate::commands::{Failure, Output, report};
use crate::data;
use crate::diag::{Diag, Diags};
use crate::import::{self, Imported};
use crate::lang::{Lang, fill};
use crate::output;

fn kind_of(path: &Path, kind: ImportKind) -> ImportKind {
    if kind != ImportKind::Auto {
        return kind;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("json") => ImportKind::JsonStat,
        Some("xlsx" | "xls" | "ods") => ImportKind::Xlsx,
        _ => ImportKind::StatbankCsv,
    }
}

/// At most ten items, then how many more.
fn listed(lang: Lang, items: &[String]) -> String {
    let mut v: Vec<String> = items.iter().take(10).cloned().collect();
    if items.len() > 10 {
        v.push(format!("+{}", items.len() - 10));
    }
    lang.list(&v)
}

pub fn run(args: &ImportArgs, lang: Lang) -> Result<Output, Failure> {
    let t = lang.texts();
    let folder = data::open(&args.data)?;
    let register = &folder.register;
    let successors = &register.successors;
    let shown = args.file.display().to_string();
    let kind = kind_of(&args.file, args.kind);
    let imported: Imported = match kind {
        ImportKind::Xlsx => import::workbook(&args.file, &shown, register, successors)?,
        _ => {
            let bytes = data::csvfile::read_bounded(&args.file).map_err(|e| {
                Diags::from(
                    Diag::error(
                        "import::read",
                        format!("cannot read {shown}: {}", data::csvfile::io_reason(&e)),
                    )
                    .help("give the path of the file you downloaded"),
                )
            })?;
            // StatBank CSV comes as UTF-8 or, from older exports, Windows-1252.
            let text = match String::from_utf8(bytes) {
                Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
                Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
            };
            let file = crate::diag::SourceFile::new(&shown, text);
            if kind == ImportKind::JsonStat {
                import::json_stat(&file, register, successors, &args.name)?
            } else {
                import::statbank_csv(&file, register, successors, &args.name)?
            }
        }
    };
    // What a figure can be, whatever the format gave: never negative, a percentage (a column
    // `…_pct`) at most 100, anything else at most a billion.
    let mut out_of_range = Diags::default();
    for c in &imported.cells {
        let Some(v) = c.value else { continue };
        let why = if v < 0.0 {
            "negative"
        } else if c.column.ends_with("_pct") && v > 100.0 {
            "more than 100, and it is a percentage"
        } else if v > 1e9 {
            "more than 1 000 000 000"
        } else {
            continue;
        };
        if out_of_range.0.len() < 10 {
            let name = register
                .municipalities
                .iter()
                .find(|m| m.knr == c.knr)
                .map_or_else(|| c.knr.clone(), |m| m.label());
            let when = c.year.map(|y| format!(" for {y}")).unwrap_or_default();
            out_of_range.push(
                Diag::error(
                    "import::range",
                    format!("{shown}: `{}` of {name}{when} is {v}, {why}", c.column),
                )
                .help("correct the figure in the file (leave it empty if it is missing); nothing was written"),
            );
        }
    }
    if out_of_range.has_errors() {
        return Err(Failure::from(out_of_range));
    }
    if let Some((region, year, column, first, second)) = imported.twice.first() {
        let when = year.map(|y| format!(" for {y}")).unwrap_or_default();
        return Err(Failure::from(
            Diag::error(
                "import::duplicate",
                format!(
                    "{shown} gives `{column}` of {region}{when} twice, on {first} and {second}{}",
                    match imported.twice.len() {
                        1 => String::new(),
                        n => format!(" (and {} more regions read twice)", n - 1),
                    }
                ),
            )
            .help("keep one row per municipality (and year); nothing was written"),
        ));
    }
    if imported.cells.is_empty() && imported.texts.is_empty() {
        return Err(Failure::from(
            Diag::error(
                "import::no-rows",
                format!("{shown} has no row for any municipality of the register"),
            )
            .help("check that the file holds the table's rows (not only its heading), with kommunenummer as region codes; nothing was written"),
        ));
    }
    let table = import::to_csv(&imported, register)?;
    let rows = table.iter().filter(|&&b| b == b'\n').count().saturating_sub(1);
    let mut notes = vec![fill(
        t.im_summary,
        &[
            ("rows", &rows.to_string()),
            ("columns", &lang.list(&imported.columns)),
            ("file", &shown),
        ],
    )];
    if !imported.suppressed.is_empty() {
        let items: Vec<String> = imported
            .suppressed
            .iter()
            .map(|(r, y, _, s)| match y {
                Some(y) => format!("{r} {y} ({s})"),
                None => format!("{r} ({s})"),
            })
            .collect();
        notes.push(fill(
            t.im_suppressed,
            &[("count", &items.len().to_string()), ("list", &listed(lang, &items))],
        ));
    }
    if !imported.unknown.is_empty() {
        notes.push(fill(
            t.im_unknown,
            &[
                ("count", &imported.unknown.len().to_string()),
                ("list", &listed(lang, &imported.unknown)),
            ],
        ));
    }
    if !imported.mapped.is_empty() {
        let items: Vec<String> = imported.mapped.iter().map(|(o, n)| format!("{o} → {n}")).collect();
        notes.push(fill(t.im_mapped, &[("list", &listed(lang, &items))]));
    }
    let mut stderr: String = notes.iter().map(|n| format!("{n}\n")).collect();
    let stdout = match &args.out {
        None => table,
        Some(path) => {
            stderr.push_str(&report::wrote(lang, &output::write_file(path, table)?));
            Vec::new()
        }
    };
    Ok(Output { stdout, stderr })
}

//! `busetting backtest`: each past year's recommendation made from the years before it, against
//! what IMDi actually asked (or what each municipality decided), beside four baselines.

use crate::backtest::{self, Options, Refusal, Target};
use crate::cli::{BacktestArgs, BacktestFormat, TargetArg};
use crate::commands::{Failure, Output, report};
use crate::diag::{Diag, Diags};
use crate::lang::{Lang, fill};
use crate::render::backtest as show;
use crate::render::cells::terminal;
use crate::{output, pipeline, render};

fn failed(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::from(Diag::error("backtest::write", format!("{what} failed: {e}")))
}

fn place_of(lang: Lang, data: &crate::data::Dataset) -> String {
    let t = lang.texts();
    match &data.register.county {
        Some(c) => fill(t.bt_county, &[("county", c)]),
        None => t.hi_country.to_string(),
    }
}

pub fn run(args: &BacktestArgs, lang: Lang) -> Result<Output, Failure> {
    let t = lang.texts();
    if args.inputs.total.is_some() {
        return Err(Failure::Usage(Diags::from(
            Diag::error("usage::total", "the backtest takes no --total")
                .help("each year's total is what IMDi actually asked of the municipalities that year"),
        )));
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        return Err(Failure::Usage(Diags::from(
            Diag::error("usage::years", format!("--from {from} is after --to {to}"))
                .help("give the first year with --from and the last with --to"),
        )));
    }
    if let Some(on) = &args.fit_on
        && on != "all"
        && (on.len() != 2 || !on.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(Failure::Usage(Diags::from(
            Diag::error("usage::fit-on", format!("--fit-on `{on}` is not a county number"))
                .help("give two digits (46 is Vestland), or `all` for the whole country"),
        )));
    }
    let source: pipeline::Source = (&args.inputs).into();
    let (criteria, data) = pipeline::load(&source, &[])?;
    if let Some(category) = &criteria.category {
        return Err(Failure::Usage(Diags::from(
            Diag::error(
                "usage::category",
                format!("the backtest cannot test the category `{}` on its own", category.id),
            )
            .help("the history holds each municipality's whole request, not one per category; backtest a file without categories"),
        )));
    }
    let target = match args.target {
        TargetArg::Request => Target::Request,
        TargetArg::Decision => Target::Decision,
    };
    let fit = args.fit || args.fit_on.is_some();
    let opts = Options {
        from: args.from,
        to: args.to,
        target,
        fit,
    };
    let train = match &args.fit_on {
        None => None,
        Some(county) => {
            let mut other = source.clone();
            other.county = Some(county.clone());
            let loaded = pipeline::load(&other, &[]).map_err(|d| {
                let mut all = Diags::from(
                    Diag::error(
                        "usage::fit-on",
                        format!("--fit-on {county}: the data for fitting cannot be read"),
                    )
                    .help("give a county of the register (two digits), or `all`; the problems follow"),
                );
                all.extend(d);
                Failure::Usage(all)
            })?;
            Some(loaded.1)
        }
    };
    let result = backtest::run(&criteria, &data, train.as_ref(), &opts).map_err(|r| match r {
        Refusal::Years { first, last } => Failure::Usage(Diags::from(
            Diag::error(
                "usage::years",
                format!(
                    "no year between {} and {} can be tested",
                    args.from.map_or_else(|| "the first".to_string(), |y| y.to_string()),
                    args.to.map_or_else(|| "the last".to_string(), |y| y.to_string()),
                ),
            )
            .help(match (first, last) {
                (Some(f), Some(l)) => format!(
                    "the history in {} can test {f} to {l} (each year needs its {} and the year before it)",
                    data.catalogue.file.name,
                    target.series().name()
                ),
                _ => format!(
                    "the [[history]] of {} needs at least two consecutive years with a {}",
                    data.catalogue.file.name,
                    target.series().name()
                ),
            }),
        )),
    })?;
    if let (Some(first), Some(last)) = (result.years.first(), result.years.last())
        && let Err(reason) = &first.file
        && result.years.iter().all(|y| y.file.is_err())
    {
        return Err(Failure::from(
            Diag::error(
                "backtest::no-year",
                format!(
                    "{} could not be made for any year from {} to {}; for {}: {reason}",
                    criteria.file.name, first.year, last.year, first.year
                ),
            )
            .help("name the series relative to the year (column = \"request\" with lag and years) with fewer years, or test later years with --from"),
        ));
    }
    let ids: Vec<String> = criteria.criteria.iter().map(|c| c.id.clone()).collect();
    let place = place_of(lang, &data);
    let first = result.years.first().map_or(0, |y| y.year);
    let last = result.years.last().map_or(0, |y| y.year);
    let heading = fill(
        t.bt_heading,
        &[
            ("file", &criteria.file.name),
            ("target", show::target_label(lang, target)),
            ("place", &place),
            ("from", &first.to_string()),
            ("to", &last.to_string()),
        ],
    );
    let csv = show::csv(&result).map_err(|e| failed("backtest.csv", e))?;
    let json =
        show::json(&result, &criteria.file.name, &ids, &data.register).map_err(|e| failed("backtest.json", e))?;
    let stdout = match args.format {
        BacktestFormat::Csv => csv.clone(),
        BacktestFormat::Json => json.clone(),
        BacktestFormat::Table => {
            let mut out = heading + "\n";
            out.push_str(&terminal(&show::grid(lang, &result)));
            out.push('\n');
            if let Some(v) = show::verdict(lang, &result) {
                out.push_str(&v);
                out.push('\n');
            }
            if let Some(line) = show::next(lang, &result, &ids, criteria.year) {
                out.push_str(&line);
                out.push('\n');
            }
            for line in show::notes(lang, &result, &ids) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&show::rule(lang, target));
            out.push('\n');
            if fit {
                out.push_str(t.bt_rule_fit);
                out.push('\n');
            }
            if let Some(train) = &train {
                out.push_str(&fill(
                    t.bt_fit_on,
                    &[
                        ("place", &place_of(lang, train)),
                        ("n", &train.register.len().to_string()),
                    ],
                ));
                out.push('\n');
            }
            out.into_bytes()
        }
    };
    // The file's total, and any note on it, play no part: each year's total is IMDi's.
    let mut stderr = String::new();
    if !args.no_write {
        // Named after the criteria file, so that it never takes the place of the report set's own
        // backtest.csv (the file as written, from `report`).
        let file_stem: String = criteria
            .file
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .trim_end_matches(".toml")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut stem = format!("backtest-{file_stem}");
        if fit {
            stem.push_str("-fit");
        }
        if let Some(on) = &args.fit_on {
            stem.push_str(&format!("-on-{}", on.to_ascii_lowercase()));
        }
        if target == Target::Decision {
            stem.push_str("-decision");
        }
        let mut files = vec![(format!("{stem}.csv"), csv), (format!("{stem}.json"), json)];
        if let Some(c) =
            render::charts::backtest(lang, &criteria, &data, &result).map_err(|e| failed("the chart", e))?
        {
            files.push((format!("chart-{stem}.svg"), c.svg.into_bytes()));
            files.push((format!("chart-{stem}.png"), c.png));
        }
        // Analyses are not part of the published set in <out>/<year>/: they have a folder of their own.
        let dir = args.out.join(crate::output::ANALYSES).join(criteria.year.to_string());
        stderr.push_str(&report::wrote(lang, &output::write_set(&dir, &files)?));
    }
    Ok(Output { stdout, stderr })
}

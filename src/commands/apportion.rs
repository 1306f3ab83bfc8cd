use crate::names::Named;
use std::io::Read;

use crate::apportion::{self, ApportionError, Method, Problem, Ratio, TieRule};
use crate::cli::ApportionArgs;
use crate::commands::{Failure, Output};
use crate::data::csvfile::{CsvFile, io_reason, parse_number};
use crate::diag::{Diag, Diags};

fn method(args: &ApportionArgs) -> Result<Method, Failure> {
    let first = match &args.first_divisor {
        None => None,
        Some(text) => match Ratio::parse_decimal(text).filter(|r| r.num > 0 && r.to_f64() <= 3.0) {
            Some(r) => Some(r),
            None => {
                return Err(Failure::Usage(Diags::from(
                    Diag::error(
                        "usage::first-divisor",
                        format!("--first-divisor `{text}` is not a number in 0 < x ≤ 3"),
                    )
                    .help("write it with a decimal point, e.g. --first-divisor 1.4"),
                )));
            }
        },
    };
    let m = match (args.method, first) {
        (Method::SainteLague { .. }, Some(first_divisor)) => Method::SainteLague { first_divisor },
        (m, _) => m,
    };
    if first.is_some() && !matches!(m, Method::SainteLague { .. }) {
        return Err(Failure::Usage(Diags::from(
            Diag::error(
                "usage::first-divisor",
                format!("--first-divisor applies to sainte-lague, not {}", m.name()),
            )
            .help("remove --first-divisor, or use --method sainte-lague"),
        )));
    }
    Ok(m)
}

pub fn run(args: &ApportionArgs) -> Result<Output, Failure> {
    let method = method(args)?;
    let shown = args.file.display().to_string();
    let csv = if shown == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Diag::error("input::read", format!("cannot read standard input: {}", io_reason(&e))))?;
        CsvFile::from_bytes("<stdin>", &bytes)?
    } else {
        CsvFile::read(&args.file, &shown)?
    };
    let mut diags = Diags::default();
    for col in ["name", "weight"] {
        if !csv.has_column(col) {
            diags.push(
                Diag::error("apportion::column", format!("{} has no column `{col}`", csv.name()))
                    .at(&csv.source, csv.header_line(), "header")
                    .help("the columns are name,weight and optionally min,max"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags.into());
    }
    let names: Vec<String> = csv
        .text_column("name")
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    for (row, name) in names.iter().enumerate() {
        if let Some(first) = names[..row].iter().position(|n| n == name) {
            diags.push(
                Diag::error("apportion::duplicate", format!("{} names `{name}` twice", csv.name()))
                    .at(&csv.source, csv.row_span(row), "second")
                    .also(csv.row_span(first), "first")
                    .help("give every row its own name, or add the two rows' weights together"),
            );
        }
    }
    let number_column = |col: &str, required: bool, whole: bool, diags: &mut Diags| -> Vec<Option<f64>> {
        let Some(cells) = csv.text_column(col) else {
            return vec![None; csv.height()];
        };
        let mut out = Vec::new();
        for (row, cell) in cells.iter().enumerate() {
            let problem = match parse_number(cell.as_deref()) {
                Ok(Some(v)) if whole && v.fract() != 0.0 => Some("is not a whole number"),
                Ok(None) if required => Some("is missing"),
                Ok(v) => {
                    out.push(v);
                    None
                }
                Err(_) => Some("is not a number of 0 or more"),
            };
            if let Some(p) = problem {
                diags.push(
                    Diag::error(
                        "apportion::value",
                        format!(
                            "`{}` in column `{col}` of {} {p}",
                            cell.clone().unwrap_or_default(),
                            csv.name()
                        ),
                    )
                    .at(&csv.source, csv.cell_span(row, col), "here")
                    .help(
                        "weights are numbers of 0 or more with a decimal point; min and max are whole numbers or empty",
                    ),
                );
                out.push(None);
            }
        }
        out
    };
    let weights: Vec<f64> = number_column("weight", true, false, &mut diags)
        .into_iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    let lower: Vec<u64> = number_column("min", false, true, &mut diags)
        .into_iter()
        .map(|v| v.unwrap_or(0.0) as u64)
        .collect();
    let upper: Vec<Option<u64>> = number_column("max", false, true, &mut diags)
        .into_iter()
        .map(|v| v.map(|v| v as u64))
        .collect();
    if diags.has_errors() {
        return Err(diags.into());
    }
    let problem = Problem {
        weights: &weights,
        lower: &lower,
        upper: &upper,
        seats: args.seats,
    };
    let allocation = apportion::apportion(method, &problem).map_err(|e| {
        let message = match e {
            ApportionError::UpperTooLow { upper_sum, seats } => {
                format!(
                    "the max column adds up to {upper_sum}, {} short of {seats} seats",
                    seats - upper_sum
                )
            }
            ApportionError::LowerTooHigh { lower_sum, seats } => {
                format!(
                    "the min column adds up to {lower_sum}, {} more than {seats} seats",
                    lower_sum - seats
                )
            }
            ApportionError::Crossed { index, lower, upper } => {
                format!("`{}` has min {lower} above max {upper}", names[index])
            }
            ApportionError::OnlyZeroWeightsLeft { room, seats } => {
                format!("only rows with weight 0 have room left: {room} places for {seats} seats")
            }
            ApportionError::BadWeight { index } => format!("`{}` has a weight that is not a number", names[index]),
        };
        Diag::error(
            "apportion::infeasible",
            format!("cannot apportion {}: {message}", csv.name()),
        )
        .help("change --seats, or the min and max columns")
    })?;
    let records = std::iter::once(["name".to_string(), "seats".to_string()]).chain(
        names
            .iter()
            .zip(&allocation.seats)
            .map(|(name, seats)| [name.clone(), seats.to_string()]),
    );
    let csv_out = crate::render::cells::csv_bytes("the apportionment", records)
        .map_err(|e| Diag::error("apportion::write", e.to_string()))?;
    let stderr: String = allocation
        .ties
        .iter()
        .map(|t| {
            let rule = match t.rule {
                TieRule::LargerWeight => "larger weight",
                TieRule::EarlierEntry => "earlier in the file",
            };
            format!(
                "tie: `{}` got the seat before `{}` ({rule})\n",
                names[t.winner], names[t.loser]
            )
        })
        .collect();
    Ok(Output {
        stdout: csv_out,
        stderr,
    })
}

use crate::apportion::{self, Problem};
use crate::cli::CheckArgs;
use crate::commands::{Failure, Output};
use crate::data;
use crate::diag::Diags;
use crate::lang::{Lang, fill};
use crate::pipeline;

/// Checks every criteria file against the data, and every indicator of the catalogue, without
/// allocating. Bounds are checked for feasibility (their sums against the total).
pub fn run(args: &CheckArgs, lang: Lang) -> Result<Output, Failure> {
    let mut diags = Diags::default();
    let mut lines = Vec::new();
    // The whole catalogue, including indicators no criteria file uses yet.
    match data::open(&args.data) {
        Ok(folder) => {
            let all = folder.all_indicators();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            if let Err(e) = folder.load(&refs) {
                diags.extend(e);
            }
        }
        Err(e) => diags.extend(e),
    }
    for path in &args.criteria {
        let (criteria, data) = match pipeline::load(path, &args.data) {
            Ok(x) => x,
            Err(e) => {
                diags.extend(e);
                continue;
            }
        };
        let (_, shares, limits) = match pipeline::prepare(&criteria, &data) {
            Ok(x) => x,
            Err(e) => {
                diags.extend(e);
                continue;
            }
        };
        let lower: Vec<u64> = limits.iter().map(|l| l.lower_value()).collect();
        let upper: Vec<Option<u64>> = limits.iter().map(|l| l.upper_value()).collect();
        let problem = Problem {
            weights: &shares.combined,
            lower: &lower,
            upper: &upper,
            seats: criteria.total,
        };
        if let Err(error) = apportion::effective_upper(&problem) {
            diags.push(pipeline::infeasible(
                &criteria,
                &crate::allocate::Infeasible {
                    error,
                    limits: limits.clone(),
                    dropped: 0,
                },
            ));
            continue;
        }
        lines.push(fill(
            lang.texts().check_ok,
            &[
                ("file", &criteria.file.name),
                ("n", &data.register.len().to_string()),
                ("k", &criteria.criteria.len().to_string()),
                ("total", &lang.int(criteria.total)),
                ("method", criteria.method.name()),
            ],
        ));
    }
    // The same data problem found through several files is reported once.
    let mut seen = Vec::new();
    diags.0.retain(|d| {
        let key = (d.code, d.message.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    Ok(Output {
        stdout: (lines.join("\n") + "\n").into_bytes(),
        stderr: String::new(),
    })
}

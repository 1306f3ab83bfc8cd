use crate::allocate::Infeasible;
use crate::apportion::{self, Problem};
use crate::cli::CheckArgs;
use crate::commands::{Failure, Output};
use crate::data;
use crate::diag::Diags;
use crate::lang::{Lang, fill};
use crate::pipeline;

/// Checks the data folder (every indicator of the catalogue, including those no criteria file
/// uses yet) and every criteria file against it, without allocating. Bounds are checked for
/// feasibility: their sums against the total.
pub fn run(args: &CheckArgs, lang: Lang) -> Result<Output, Failure> {
    let mut diags = Diags::default();
    // The catalogue and register (to check criteria files against), and the whole data set.
    let (frame, dataset) = match data::open(&args.data) {
        Ok(folder) => {
            let frame = (folder.catalogue.clone(), folder.register.clone());
            let all = folder.all_indicators();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let dataset = folder.load(&refs).map_err(|e| diags.extend(e)).ok();
            (Some(frame), dataset)
        }
        Err(e) => {
            diags.extend(e);
            (None, None)
        }
    };
    let mut lines = Vec::new();
    for path in &args.criteria {
        let mut criteria = match pipeline::read_criteria(path) {
            Ok(c) => c,
            Err(e) => {
                diags.extend(e);
                continue;
            }
        };
        let Some((catalogue, register)) = &frame else { continue };
        if let Err(e) = criteria.check_against(catalogue, register) {
            diags.extend(e);
            continue;
        }
        let Some(data) = &dataset else { continue };
        let (_, shares, limits) = match pipeline::prepare(&criteria, data) {
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
                &Infeasible {
                    error,
                    limits,
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
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    Ok(Output {
        stdout: (lines.join("\n") + "\n").into_bytes(),
        stderr: String::new(),
    })
}

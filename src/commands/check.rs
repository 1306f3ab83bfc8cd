use crate::allocate::Infeasible;
use crate::apportion::{self, Problem};
use crate::cli::CheckArgs;
use crate::commands::{Failure, Output};
use crate::data;
use crate::diag::Diags;
use crate::lang::{Lang, fill};
use crate::names::Named;
use crate::pipeline;

/// Checks the data folder (every indicator of the catalogue, including those no criteria file
/// uses yet) and every criteria file against it, without allocating. Bounds are checked for
/// feasibility: their sums against the total.
pub fn run(args: &CheckArgs, lang: Lang) -> Result<Output, Failure> {
    let mut diags = Diags::default();
    // The whole data folder first: every indicator of the catalogue for every municipality of
    // the register, including what no criteria file uses yet.
    let data_ok = match data::open(&args.data) {
        Ok(folder) => {
            let all = folder.all_indicators();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            folder.load(&refs).map_err(|e| diags.extend(e)).is_ok()
        }
        Err(e) => {
            diags.extend(e);
            false
        }
    };
    let mut lines = Vec::new();
    for path in &args.criteria {
        // With broken data, only the criteria file's own form is checked (the data's problems
        // are reported once, above).
        if !data_ok {
            if let Err(e) = pipeline::check_form(path, &args.data) {
                diags.extend(e);
            }
            continue;
        }
        let loaded = match pipeline::load_all(&pipeline::Source::new(path, &args.data)) {
            Ok(x) => x,
            Err(e) => {
                diags.extend(e);
                continue;
            }
        };
        for (criteria, data) in &loaded {
            check_one(criteria, data, lang, &mut diags, &mut lines);
        }
    }
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    Ok(Output {
        stdout: (lines.join("\n") + "\n").into_bytes(),
        stderr: String::new(),
    })
}

/// Shares, bounds and their feasibility for one criteria file (or category).
fn check_one(
    criteria: &crate::criteria::Criteria,
    data: &data::Dataset,
    lang: Lang,
    diags: &mut Diags,
    lines: &mut Vec<String>,
) {
    let (_, shares, limits) = match pipeline::prepare(criteria, data) {
        Ok(x) => x,
        Err(e) => {
            diags.extend(e);
            return;
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
            criteria,
            &Infeasible {
                error,
                limits,
                dropped: 0,
            },
        ));
        return;
    }
    let name = match &criteria.category {
        Some(c) => format!("{} [{}]", criteria.file.name, c.id),
        None => criteria.file.name.clone(),
    };
    lines.push(fill(
        lang.texts().check_ok,
        &[
            ("file", &name),
            ("n", &data.register.len().to_string()),
            ("k", &criteria.criteria.len().to_string()),
            ("total", &lang.int(criteria.total)),
            ("method", criteria.method.name()),
        ],
    ));
}

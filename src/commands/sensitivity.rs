use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Format, SensitivityArgs};
use crate::commands::{Failure, Output, report};
use crate::diag::{Diag, Diags};
use crate::lang::Lang;
use crate::robust::{self, Settings, Spread};
use crate::{pipeline, render};

fn usage(message: String, help: &str) -> Failure {
    Failure::Usage(Diags::from(
        Diag::error("usage::sensitivity", message).help(help.to_string()),
    ))
}

/// The settings: flags first, then the criteria file's `[sensitivity]`, then the defaults.
pub fn settings(args: &SensitivityArgs, file: &crate::criteria::SensitivityDefaults) -> Result<Settings, Failure> {
    let draws = args.draws.or(file.draws).unwrap_or(Settings::DEFAULT_DRAWS);
    if draws == 0 {
        return Err(usage(
            "--draws 0 makes no draws".into(),
            "give the number of draws, e.g. --draws 10000",
        ));
    }
    let spread = match (args.kappa, args.delta) {
        (Some(k), _) if !(k > 0.0 && k.is_finite()) => {
            return Err(usage(
                format!("--kappa {k} must be more than 0"),
                "e.g. --kappa 100; larger is tighter",
            ));
        }
        (_, Some(d)) if !(0.0..1.0).contains(&d) => {
            return Err(usage(
                format!("--delta {d} must be at least 0 and below 1"),
                "e.g. --delta 0.2 draws each weight within ±20 %",
            ));
        }
        (Some(kappa), None) => Spread::Dirichlet { kappa },
        (None, Some(delta)) => Spread::Uniform { delta },
        _ => match (file.kappa, file.delta) {
            (_, Some(delta)) => Spread::Uniform { delta },
            (kappa, None) => Spread::Dirichlet {
                kappa: kappa.unwrap_or(Settings::DEFAULT_KAPPA),
            },
        },
    };
    let indicator_noise = args.indicator_noise.or(file.indicator_noise).unwrap_or(0.0);
    if !(0.0..1.0).contains(&indicator_noise) {
        return Err(usage(
            format!("--indicator-noise {indicator_noise} must be at least 0 and below 1"),
            "give the relative error of the indicators, e.g. 0.05 for about ±5 %",
        ));
    }
    Ok(Settings {
        draws,
        seed: args.seed.or(file.seed).unwrap_or(Settings::DEFAULT_SEED),
        spread,
        indicator_noise,
    })
}

pub fn run(args: &SensitivityArgs, lang: Lang) -> Result<Output, Failure> {
    let run = pipeline::run(&(&args.inputs).into(), lang)?;
    let settings = settings(args, &run.criteria.sensitivity)?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(settings.draws);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} draws, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let s = robust::analyse(&run, settings, &|done| bar.inc(done));
    bar.finish_and_clear();
    let stdout = match args.format {
        Format::Table => render::robust::render(&run, &s).into_bytes(),
        Format::Csv => render::robust::csv(&s)?,
        Format::Json => render::robust::json(&s)?,
    };
    let stderr = if args.no_write {
        String::new()
    } else {
        let (written, _) = report::write(&run, &args.out, Some(&s))?;
        report::wrote(lang, &written)
    };
    Ok(Output {
        stdout,
        stderr: super::notices(&run.criteria) + &stderr,
    })
}

//! Speed of a robustness run (MODEL.md §7): 100 000 draws of the weights, each redoing shares,
//! bounds and the integer method, on Vestland's 43 municipalities and on all 357 of the country.
//! Targets on a 2-core machine: 43 in ≤ 0.25 s, 357 in ≤ 2 s, both under 100 MB. Run with
//! `cargo bench --bench sensitivity`; memory is measured on the command line (see README).

use std::path::PathBuf;

use busetting::lang::Lang;
use busetting::pipeline::{self, Run, Source};
use busetting::robust::{self, Settings, Spread};

fn main() {
    divan::main();
}

fn run(county: Option<&str>) -> Run {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut source = Source::new(&root.join("criteria/default.toml"), &root.join("data"));
    source.county = county.map(String::from);
    pipeline::run(&source, Lang::Nn).unwrap()
}

fn settings(noise: f64) -> Settings {
    Settings {
        draws: 100_000,
        seed: Settings::DEFAULT_SEED,
        spread: Spread::Dirichlet {
            kappa: Settings::DEFAULT_KAPPA,
        },
        indicator_noise: noise,
    }
}

/// 100 000 weight draws over Vestland's 43 municipalities.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn vestland_100k(bencher: divan::Bencher) {
    let run = run(None);
    bencher.bench_local(|| divan::black_box(robust::analyse(&run, settings(0.0), &|_| {}).rows.len()));
}

/// The same with 5 % noise on every indicator (shares recomputed in every draw).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn vestland_100k_indicator_noise(bencher: divan::Bencher) {
    let run = run(None);
    bencher.bench_local(|| divan::black_box(robust::analyse(&run, settings(0.05), &|_| {}).rows.len()));
}

/// 100 000 weight draws over all 357 municipalities of the country.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn norway_100k(bencher: divan::Bencher) {
    let run = run(Some("all"));
    bencher.bench_local(|| divan::black_box(robust::analyse(&run, settings(0.0), &|_| {}).rows.len()));
}

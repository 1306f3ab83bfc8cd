//! Speed of a robustness run (docs/model.md §7): 100 000 draws of the weights, each redoing
//! shares, bounds, the integer method and minimum-if-asked, on Vestland's 43 municipalities and on
//! all 357 of the country.
//!
//! Targets on a 2-core machine, for the whole process (`busetting sensitivity --draws 100000`,
//! loading, draws and output; the `process_*` benches): Vestland 30 times faster than the
//! vectorised numpy peer in `benches/peer/sensitivity.py` on the same machine (1.5–4.1 s for
//! 100 000 draws on the machines and hours measured, so about 0.05–0.14 s); the whole country in
//! < 0.7 s; both under 100 MB. Last measured, interleaved on one machine: Vestland 0.14 s against
//! the peer's 1.48–1.60 s (11 times), the country 0.76 s against 9.0–10.4 s. Run the peer beside these benches: machines differ by 2–3 times. The
//! `vestland_*` and `norway_*` benches time the draws alone, in process. Run with `cargo bench
//! --bench sensitivity`; memory is measured on the command line (see README).

use std::path::PathBuf;
use std::process::Command;

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

/// The whole process, as a user runs it: `--no-write` keeps the report set untouched.
fn process(county: &[&str]) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_busetting"))
        .args(["sensitivity", "--draws", "100000", "--no-write", "--criteria"])
        .arg(root.join("criteria/default.toml"))
        .arg("--data")
        .arg(root.join("data"))
        .args(county)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// `busetting sensitivity --draws 100000` on Vestland, start to exit.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn process_vestland_100k() {
    process(&[]);
}

/// The same for the whole country.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn process_norway_100k() {
    process(&["--county", "all"]);
}

//! Speed of the backtest: every year 2021–2026 made from the years before it, with the weights
//! fitted on the earlier years, for Vestland and for the whole country. The data are loaded once
//! outside the timing; the figures are the backtest itself. Run with `cargo bench --bench backtest`.

use std::path::PathBuf;

use busetting::backtest::{Options, Target, run};
use busetting::pipeline::{self, Source};

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn opts(fit: bool) -> Options {
    Options {
        from: None,
        to: None,
        target: Target::Request,
        fit,
    }
}

fn bench(bencher: divan::Bencher, criteria: &str, county: Option<&str>, fit: bool) {
    let mut source = Source::new(&root().join(criteria), &root().join("data"));
    source.county = county.map(String::from);
    let (criteria, data) = pipeline::load(&source, &[]).unwrap();
    bencher.bench(|| divan::black_box(run(&criteria, &data, None, &opts(fit)).unwrap().years.len()));
}

#[divan::bench(sample_count = 20)]
fn vestland_backtested_fit(bencher: divan::Bencher) {
    bench(bencher, "criteria/backtested.toml", None, true);
}

#[divan::bench(sample_count = 20)]
fn vestland_default(bencher: divan::Bencher) {
    bench(bencher, "criteria/default.toml", None, false);
}

#[divan::bench(sample_count = 10)]
fn norway_backtested_fit(bencher: divan::Bencher) {
    bench(bencher, "criteria/backtested.toml", Some("all"), true);
}

#[divan::bench(sample_count = 10)]
fn norway_default_fit(bencher: divan::Bencher) {
    bench(bencher, "criteria/default.toml", Some("all"), true);
}

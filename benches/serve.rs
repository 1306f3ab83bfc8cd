//! Speed of the planners' workbench (`busetting serve`): one change of the page's settings, from
//! the settings to everything the page shows (the settings written into the criteria text with
//! toml_edit, parsed, run with `pipeline::run_on` on the loaded data, `recommend --format json`,
//! the map SVG and the contributions chart SVG). Targets: under 50 ms for Vestland and 200 ms for
//! the whole country (`--county all`), release. Run with `cargo bench --bench serve`.

use std::path::PathBuf;

use busetting::lang::Lang;
use busetting::pipeline::Source;
use busetting::serve::{Settings, Workbench};

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workbench(county: &str) -> Workbench {
    let mut source = Source::new(&root().join("criteria/default.toml"), &root().join("data"));
    if county != "46" {
        source.county = Some(county.to_string());
    }
    Workbench::load(&source, Lang::Nn).unwrap()
}

/// The file's settings with 0.05 of the first weight moved to the second.
fn moved(s: &Settings) -> Settings {
    let mut m = s.clone();
    m.weights[0].1 -= 0.05;
    m.weights[1].1 += 0.05;
    m
}

/// One settings change as the page sends it, answered in full; the settings alternate, so every
/// sample computes a new text (nothing is cached).
#[divan::bench(args = ["46", "all"], sample_count = 30)]
fn one_settings_change(bencher: divan::Bencher, county: &str) {
    let wb = workbench(county);
    let settings = [wb.file_settings.clone(), moved(&wb.file_settings)];
    let mut k = 0;
    bencher.bench_local(|| {
        k += 1;
        let computed = wb.compute(&settings[k % 2]).unwrap();
        divan::black_box(computed.response().len())
    });
}

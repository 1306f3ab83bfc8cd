//! Speed of the recommendation: the whole pipeline on the shipped Vestland data, and the integer
//! engine alone. Run with `cargo bench`.

use std::path::PathBuf;

use busetting::apportion::{Method, Problem, Ratio, apportion};
use busetting::lang::Lang;
use busetting::names::Named;
use busetting::pipeline::Source;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load, validate, share, bound, allocate and explain, on the shipped data and default criteria.
#[divan::bench(sample_count = 20)]
fn pipeline_vestland_default() -> usize {
    let run = busetting::pipeline::run(
        &Source::new(&root().join("criteria/default.toml"), &root().join("data")),
        Lang::Nn,
    )
    .unwrap();
    divan::black_box(run.explanations.len())
}

/// The same with the largest-remainder method, whose margins are found by re-running the allocation.
#[divan::bench(sample_count = 10)]
fn pipeline_vestland_largest_remainder() -> usize {
    let dir = tempfile::tempdir().unwrap();
    let text = fs_err::read_to_string(root().join("criteria/default.toml"))
        .unwrap()
        .replace("method = \"sainte-lague\"", "method = \"largest-remainder\"");
    let path = dir.path().join("lr.toml");
    fs_err::write(&path, text).unwrap();
    let run = busetting::pipeline::run(&Source::new(&path, &root().join("data")), Lang::Nn).unwrap();
    divan::black_box(run.explanations.len())
}

/// 43 weights shaped like Vestland's populations, 4500 units.
fn vestland_like() -> Vec<f64> {
    let pops = [
        294860.0, 17356.0, 4115.0, 5766.0, 12531.0, 19276.0, 3237.0, 3053.0, 13236.0, 10929.0, 985.0, 1114.0, 16438.0,
        8490.0, 2489.0, 26753.0, 5515.0, 40641.0, 30600.0, 3899.0, 397.0, 8231.0, 30285.0, 2947.0, 529.0, 1672.0,
        2301.0, 742.0, 1275.0, 3883.0, 2532.0, 12552.0, 1866.0, 2223.0, 5178.0, 5478.0, 2924.0, 2948.0, 22804.0,
        3381.0, 9616.0, 5976.0, 7319.0,
    ];
    pops.iter().map(|p| 0.25 / 43.0 + 0.75 * p / 655_000.0).collect()
}

#[divan::bench(args = ["sainte-lague", "dhondt", "huntington-hill", "adams", "largest-remainder"])]
fn apportion_43_by_4500(method: &str) -> u64 {
    let m = match method {
        "sainte-lague" => Method::SainteLague {
            first_divisor: Ratio::ONE,
        },
        other => Method::from_name(other).unwrap(),
    };
    let w = vestland_like();
    let lower = vec![0; w.len()];
    let upper = vec![None; w.len()];
    let p = Problem {
        weights: &w,
        lower: &lower,
        upper: &upper,
        seats: 4500,
    };
    divan::black_box(apportion(m, &p).unwrap().seats[0])
}

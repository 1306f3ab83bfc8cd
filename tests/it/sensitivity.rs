//! `busetting sensitivity`: reproducible for any thread count, exact when nothing varies, and a
//! weight that cannot matter gets a Sobol index of 0.

use assert_cmd::Command;

use crate::common::{Sandbox, root, run};

fn json(args: &[&str], threads: &str) -> Vec<u8> {
    let out = Command::cargo_bin("busetting")
        .unwrap()
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .args(["sensitivity", "--no-write", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn parse(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn the_same_bytes_for_one_and_two_threads() {
    for args in [
        &["--draws", "3000", "--seed", "7"][..],
        &["--draws", "2000", "--delta", "0.3", "--indicator-noise", "0.05"][..],
    ] {
        let one = json(args, "1");
        let two = json(args, "2");
        assert!(one == two, "{args:?}: one and two threads differ");
    }
    // And the seed matters: another seed gives other intervals somewhere.
    assert_ne!(
        json(&["--draws", "3000", "--seed", "8"], "2"),
        json(&["--draws", "3000", "--seed", "7"], "2")
    );
}

#[test]
fn nothing_drawn_gives_the_recommendation_itself() {
    let v = parse(&json(
        &["--draws", "300", "--delta", "0", "--indicator-noise", "0"],
        "2",
    ));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 43);
    for r in rows {
        let base = &r["baseline"];
        for k in ["p5", "p50", "p95", "min", "max"] {
            assert_eq!(&r[k], base, "{}: {k}", r["kommune"]);
        }
        assert_eq!(r["p_moved"], 0.0);
        assert_eq!(r["rank_p5"], r["rank"]);
        assert_eq!(r["rank_p95"], r["rank"]);
        assert!(r["sobol"].as_array().unwrap().iter().all(|s| s.is_null()));
    }
}

#[test]
fn indicator_noise_moves_the_per_1000_cap_with_the_population() {
    // Weights fixed, indicators drawn: with IMDi's 2024 total of 4500, Modalen is held by its
    // per-1000 cap (11 of 397 inhabitants), and the cap follows the drawn population.
    let v = parse(&json(
        &[
            "--draws",
            "500",
            "--delta",
            "0",
            "--indicator-noise",
            "0.05",
            "--total",
            "4500",
        ],
        "2",
    ));
    let modalen = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kommune"] == "Modalen")
        .unwrap();
    assert!(modalen["min"].as_u64() < modalen["max"].as_u64(), "{modalen}");
    let w = parse(&json(
        &[
            "--draws",
            "500",
            "--delta",
            "0",
            "--indicator-noise",
            "0",
            "--total",
            "4500",
        ],
        "2",
    ));
    let fixed = w["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kommune"] == "Modalen")
        .unwrap();
    assert_eq!(fixed["min"], fixed["max"]);
}

#[test]
fn intervals_hold_the_recommendation_and_add_up() {
    let v = parse(&json(&["--draws", "4000"], "2"));
    let rows = v["rows"].as_array().unwrap();
    let n = |r: &serde_json::Value, k: &str| r[k].as_f64().unwrap();
    let mut mean_total = 0.0;
    for r in rows {
        assert!(n(r, "min") <= n(r, "p5") && n(r, "p5") <= n(r, "p50") && n(r, "p50") <= n(r, "p95"));
        assert!(n(r, "p95") <= n(r, "max"));
        assert!(n(r, "rank_p5") <= n(r, "rank_p95"));
        mean_total += n(r, "mean");
        for s in r["sobol"].as_array().unwrap().iter().filter_map(|s| s.as_f64()) {
            assert!((0.0..=1.0).contains(&s));
        }
    }
    // Every draw distributes exactly the total, so the means add up to it.
    assert!((mean_total - 1474.0).abs() < 1e-6, "{mean_total}");
    // Bergen moves with the weights; its interval is wide.
    assert!(n(&rows[0], "p95") - n(&rows[0], "p5") > 50.0);
}

#[test]
fn a_criterion_with_zero_weight_and_equal_shares_has_index_zero() {
    let s = Sandbox::new();
    s.criteria_with(
        "[bounds]",
        "[[criterion]]\nid = \"flat\"\nlabel = \"Flat\"\nbasis = \"equal\"\nweight = 0\n\n[bounds]",
    );
    for spread in [&["--kappa", "50"][..], &["--delta", "0.3"][..]] {
        let mut args = vec![
            "sensitivity",
            "--criteria",
            "criteria.toml",
            "--no-write",
            "--format",
            "json",
            "--draws",
            "3000",
        ];
        args.extend(spread);
        let r = s.run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let flat = v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["id"] == "flat")
            .unwrap();
        let (mut moving, mut explained) = (0, 0);
        for row in v["rows"].as_array().unwrap() {
            let sobol = row["sobol"].as_array().unwrap();
            if let Some(x) = sobol[flat].as_f64() {
                moving += 1;
                assert!(x.abs() < 1e-12, "{}: {x}", row["kommune"]);
                // The weights that do vary explain something.
                explained += usize::from(sobol.iter().filter_map(|s| s.as_f64()).any(|s| s > 0.05));
            }
        }
        assert!(moving > 30, "only {moving} municipalities moved");
        assert!(
            explained > 30,
            "only {explained} municipalities have an index above 0.05"
        );
    }
}

#[test]
fn writes_its_files_and_joins_the_report_until_the_inputs_change() {
    let s = Sandbox::new();
    let r = s.run(&["sensitivity", "--draws", "1000", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "sensitivity.json",
        "sensitivity.csv",
        "sensitivity.md",
        "chart-interval.svg",
        "chart-sobol.png",
        "report.html",
    ] {
        assert!(s.path(&format!("out/2027/{f}")).is_file(), "{f} missing");
    }
    let html = s.read("out/2027/report.html");
    assert!(html.contains("id=\"sensitivity\""));
    assert!(html.contains("id=\"chart-interval\"") && html.contains("id=\"chart-sobol\""));
    // `report` picks the saved run up again ...
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.read("out/2027/report.html").contains("id=\"sensitivity\""));
    // ... but not once an input has changed: then it says so.
    s.edit("criteria/default.toml", "title = \"", "title = \"Revised: ");
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("made from other inputs"), "{}", r.stderr);
    assert!(!s.read("out/2027/report.html").contains("id=\"sensitivity\""));
}

#[test]
fn bad_settings_are_usage_errors() {
    for (args, words) in [
        (&["--draws", "0"][..], "--draws 0"),
        (&["--kappa=-1"][..], "--kappa -1"),
        (&["--delta", "1.5"][..], "--delta 1.5"),
        (&["--indicator-noise=-0.1"][..], "--indicator-noise -0.1"),
    ] {
        let mut a = vec!["sensitivity", "--no-write"];
        a.extend(args);
        let r = run(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{}", r.stderr);
    }
}

#[test]
fn the_example_run_in_the_repository_is_current() {
    // reports/2027/sensitivity.json is what `busetting sensitivity` writes with its settings.
    let committed = fs_err::read(root().join("reports/2027/sensitivity.json")).unwrap();
    let v = parse(&committed);
    let s = &v["settings"];
    let draws = s["draws"].to_string();
    let seed = s["seed"].to_string();
    let kappa = s["spread"]["kappa"].to_string();
    let fresh = json(&["--draws", &draws, "--seed", &seed, "--kappa", &kappa], "2");
    assert!(
        fresh == committed,
        "reports/2027/sensitivity.json is out of date: run `cargo run -- sensitivity`"
    );
}

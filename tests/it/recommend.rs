//! `busetting recommend` on the shipped Vestland data.

use crate::common::{Sandbox, root, run};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn prints_all_43_ranked_and_writes_csv_and_json() {
    let s = Sandbox::new();
    let r = s.run(&["recommend", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Tilråding for 2027: 1474 personar fordelte på 43 kommunar (sainte-lague)\n")
    );
    for name in ["Bergen", "Øygarden", "Modalen", "Fedje", "Årdal", "Lærdal"] {
        assert!(r.stdout.contains(name), "{name} missing");
    }
    assert_eq!(
        r.stderr,
        "Skreiv out/2027/recommendation.csv, out/2027/recommendation.json og out/2027/manifest.json\n"
    );
    let csv = s.read("out/2027/recommendation.csv");
    assert_eq!(csv.lines().count(), 44);
    let total: u64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 1474);
    let doc = json(&s.read("out/2027/recommendation.json"));
    assert_eq!(doc["municipalities"].as_array().unwrap().len(), 43);
    assert_eq!(doc["total"], 1474);
}

#[test]
fn the_explanation_identity_holds_for_every_row() {
    let r = run(&["recommend", "--no-write", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    let rows = doc["municipalities"].as_array().unwrap();
    let mut ranks = Vec::new();
    for m in rows {
        let parts: f64 = m["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["persons"].as_f64().unwrap())
            .sum();
        let sum = parts + m["bound_adjustment"].as_f64().unwrap() + m["rounding"].as_f64().unwrap();
        let a = m["recommendation"].as_f64().unwrap();
        assert!((sum - a).abs() < 1e-9, "{}: {sum} != {a}", m["kommune"]);
        let lower = m["lower_bound"]["value"].as_f64().unwrap_or(0.0);
        assert!(a >= lower);
        if let Some(u) = m["upper_bound"]["value"].as_f64() {
            assert!(a <= u, "{}", m["kommune"]);
        }
        ranks.push(m["rank"].as_u64().unwrap());
        // Every row carries its sentence.
        assert!(
            m["sentence"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}: ", m["kommune"].as_str().unwrap()))
        );
    }
    assert_eq!(ranks, (1..=43).collect::<Vec<_>>());
    // The filled cells are listed: every municipality's introduction result, and the four
    // municipalities with a suppressed settled count (IMDi's `:`, fewer than 5) in 2024–2026.
    let filled = doc["filled"].as_array().unwrap();
    let count = |column: &str| filled.iter().filter(|f| f["column"] == column).count();
    assert_eq!((count("intro_result_pct"), count("settled"), filled.len()), (43, 4, 47));
}

#[test]
fn the_example_report_in_the_repository_is_current() {
    // reports/2027 is what `busetting recommend` writes on the shipped data: regenerate and compare.
    let out = tempfile::tempdir().unwrap();
    let r = run(&["recommend", "--out", out.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in ["recommendation.csv", "recommendation.json"] {
        let fresh = fs_err::read(out.path().join("2027").join(name)).unwrap();
        let committed = fs_err::read(root().join("reports/2027").join(name)).unwrap();
        assert!(
            fresh == committed,
            "reports/2027/{name} is out of date: run `cargo run -- recommend`"
        );
    }
}

#[test]
fn same_inputs_same_bytes_whatever_the_thread_count() {
    let a = run(&["recommend", "--no-write", "--format", "csv"]);
    let b = Sandbox::new();
    let one_thread = assert_cmd::Command::cargo_bin("busetting")
        .unwrap()
        .current_dir(b.dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .env("POLARS_MAX_THREADS", "1")
        .args(["recommend", "--no-write", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(a.stdout.as_bytes(), one_thread.stdout.as_slice());
}

#[test]
fn languages() {
    let en = run(&["--lang", "en", "recommend", "--no-write"]);
    assert!(
        en.stdout
            .starts_with("Recommendation for 2027: 1,474 persons over 43 municipalities (sainte-lague)\n")
    );
    assert!(en.stdout.contains("Request 2026"));
    let nb = run(&["--lang", "nb", "recommend", "--no-write"]);
    assert!(
        nb.stdout
            .starts_with("Tilrådning for 2027: 1474 personer fordelt på 43 kommuner")
    );
    assert!(nb.stdout.contains("Anmodning 2026"));
}

#[test]
fn a_failed_run_writes_nothing() {
    let s = Sandbox::new();
    s.edit("data/norway-population.csv", "4602,Kinn,2026,17356", "4602,Kinn,2026,x");
    let r = s.run(&["recommend", "--out", "out"]);
    assert_eq!(r.code, 1);
    assert!(!s.path("out").exists());
}

#[test]
fn overrides_and_minimum_if_asked_are_reported() {
    let s = Sandbox::new();
    s.criteria_with(
        "per-1000-cap = 30",
        "per-1000-cap = 25\n\n[[override]]\nkommune = \"Kinn\"\nfixed = 150\nreason = \"council decision 2026-06-12\"\n",
    )
    // IMDi's 2024 total, large enough for the cap to bind on the smallest.
    .edit("criteria.toml", "total = 1474", "total = 4500");
    let r = s.run(&[
        "recommend",
        "--no-write",
        "--criteria",
        "criteria.toml",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    let rows = doc["municipalities"].as_array().unwrap();
    let kinn = rows.iter().find(|m| m["kommune"] == "Kinn").unwrap();
    assert_eq!(kinn["recommendation"], 150);
    assert_eq!(kinn["override_reason"], "council decision 2026-06-12");
    assert!(
        kinn["sentence"]
            .as_str()
            .unwrap()
            .ends_with("overstyrt: council decision 2026-06-12.")
    );
    // 25 per 1000 of Modalen's 397 inhabitants is 9, below the minimum 10: not asked.
    let modalen = rows.iter().find(|m| m["kommune"] == "Modalen").unwrap();
    assert_eq!(modalen["recommendation"], 0);
    assert_eq!(modalen["not_asked"]["upper"]["source"], "per-1000-cap");
    let table = s.run(&["recommend", "--no-write", "--criteria", "criteria.toml"]);
    assert!(
        table
            .stdout
            .contains("Ikkje spurde (færre enn 10 er ikkje ei oppmoding): Modalen.")
    );
    assert!(
        table
            .stdout
            .contains("Overstyring for Kinn: council decision 2026-06-12")
    );
}

#[test]
fn the_readme_command_leaves_the_example_as_it_is() {
    // `cargo run -- recommend` writes into reports/2027, beside the example set: the files it
    // writes must be the example's own bytes, or the README's two commands would disagree.
    let s = Sandbox::new();
    fs_err::create_dir_all(s.path("reports/2027")).unwrap();
    for f in [
        "sensitivity.json",
        "manifest.json",
        "recommendation.csv",
        "recommendation.json",
    ] {
        fs_err::copy(
            crate::common::root().join("reports/2027").join(f),
            s.path(&format!("reports/2027/{f}")),
        )
        .unwrap();
    }
    let r = s.run(&["recommend"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["manifest.json", "recommendation.csv", "recommendation.json"] {
        let committed = fs_err::read(crate::common::root().join("reports/2027").join(f)).unwrap();
        assert!(
            fs_err::read(s.path(&format!("reports/2027/{f}"))).unwrap() == committed,
            "{f}"
        );
    }
}

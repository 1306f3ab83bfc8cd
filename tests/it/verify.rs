//! `busetting verify`: a published recommendation is recomputed from what its manifest names.

use crate::common::Sandbox;

#[test]
fn an_unchanged_report_verifies_and_a_changed_input_is_named() {
    let s = Sandbox::new();
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest: serde_json::Value = serde_json::from_str(&s.read("out/2027/manifest.json")).unwrap();
    assert_eq!(manifest["criteria"]["path"], "criteria/default.toml");
    assert_eq!(manifest["recommendation"].as_array().unwrap().len(), 43);
    assert!(
        manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "data/norway-population.csv")
    );
    let ok = s.run(&["verify", "out/2027"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("stadfesta"), "{}", ok.stdout);

    // Bergen's population a little lower: the file and the numbers that moved are named.
    s.edit(
        "data/norway-population.csv",
        "4601,Bergen,2026,294860",
        "4601,Bergen,2026,284860",
    );
    let bad = s.run(&["verify", "out/2027"]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert!(
        bad.stderr.contains("changed input: data/norway-population.csv"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("changed number: 4601 Bergen: 514 → "),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_change_that_moves_no_number_is_still_reported() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["recommend", "--out", "out", "--format", "csv"]).code, 0);
    s.edit(
        "criteria/default.toml",
        "# A title for reports.",
        "# A title for the reports.",
    );
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("the numbers are the same, but not everything matches"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("changed input: criteria/default.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_category_is_verified() {
    let s = Sandbox::new();
    assert_eq!(
        s.run(&["report", "--criteria", "criteria/categories.toml", "--out", "out"])
            .code,
        0
    );
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    let none = s.run(&["verify", "criteria"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("has no manifest.json"), "{}", none.stderr);
}

//! `busetting explain`: one municipality, whole.

use crate::common::run;

#[test]
fn finds_by_name_without_norwegian_letters_and_by_number() {
    let by_name = run(&["explain", "oygarden"]);
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert!(by_name.stdout.starts_with("Øygarden (4626): tilråding "));
    let by_number = run(&["explain", "4626"]);
    assert_eq!(by_name.stdout, by_number.stdout);
    assert!(run(&["explain", "ÅRDAL"]).stdout.starts_with("Årdal (4643)"));
    assert!(run(&["explain", "aardal"]).stdout.starts_with("Årdal (4643)"));
}

#[test]
fn shows_contributions_bounds_margin_and_last_year() {
    let r = run(&["explain", "Kinn"]);
    let out = &r.stdout;
    for piece in [
        "Spreidd busetting",
        "Sum av bidrag (q = T·S)",
        "Grensejustering (Q − q)",
        "Avrunding (a − Q)",
        "Grenser: nedre 0, øvre ",
        "éin til: samla del må auke med ",
        "éin mindre: samla del må falle med ",
        "IMDi 2026: oppmoding 75, vedtak 75, busett 52.",
        "– (fylt inn)",
    ] {
        assert!(out.contains(piece), "missing {piece:?} in\n{out}");
    }
}

#[test]
fn margin_names_who_gives_and_takes_and_a_capped_one_cannot_gain() {
    // With 4500 to distribute (IMDi's 2024 total) Fedje reaches the cap of 30 per 1000.
    let s = crate::common::Sandbox::new();
    s.criteria_with("total = 1474", "total = 4500");
    let r = s.run(&["explain", "Fedje", "--criteria", "criteria.toml", "--format", "json"]);
    let e: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(e["margin"]["gain"]["status"], "at-bound");
    assert_eq!(e["margin"]["gain"]["bound"]["source"], "per-1000-cap");
    let r = run(&["explain", "Bergen", "--format", "json"]);
    let e: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(e["margin"]["gain"]["status"], "possible");
    assert!(e["margin"]["gain"]["counterpart"].as_str().unwrap().starts_with("46"));
    assert!(e["margin"]["lose"]["persons"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_near_miss_suggests_the_closest_names() {
    let r = run(&["explain", "Strod"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("`Strod` is not a municipality in data/norway-municipalities.csv"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("help: did you mean `Stord`, `Stad` or `Stryn`?"),
        "{}",
        r.stderr
    );
}

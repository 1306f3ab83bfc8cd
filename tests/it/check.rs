//! `busetting check`: validation without computing.

use crate::common::{Sandbox, run};

#[test]
fn the_shipped_files_are_in_order() {
    let r = run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "criteria/default.toml: i orden (43 kommunar, 5 kriterium, total 1474, sainte-lague).\n"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let s = Sandbox::new();
    s.criteria_with("weight = 0.25", "weight = -0.25")
        .edit("criteria.toml", "method = \"sainte-lague\"", "method = \"sainte-lage\"")
        .edit(
            "criteria.toml",
            "column = \"employment_rate\"",
            "column = \"employment_rat\"",
        )
        .edit("criteria.toml", "floor = 0.5", "floor = 0.5\nwieght = 1");
    s.edit(
        "data/norway-population.csv",
        "4602,Kinn,2026,17356",
        "4602,Kinn,2026,tolv",
    );
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    assert_eq!(r.code, 1);
    for part in [
        "criterion `spread` has weight -0.25, but a weight cannot be negative",
        "`sainte-lage` is not a known method",
        "unknown key `wieght` in criterion `stock`",
        "`tolv` in column `population` of data/norway-population.csv is not a number",
    ] {
        assert!(r.stderr.contains(part), "missing {part:?} in\n{}", r.stderr);
    }
    assert!(r.stderr.ends_with("4 problems found.\n"), "{}", r.stderr);
    // The unknown column is reported once the file's form is right.
    s.criteria_with("column = \"employment_rate\"", "column = \"employment_rat\"");
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    assert!(
        r.stderr.contains("help: did you mean `employment_rate`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unused_broken_indicator_is_found_too() {
    let s = Sandbox::new();
    s.edit(
        "data/norway-municipalities.csv",
        "4601,Bergen,46,464.77",
        "4601,Bergen,46,464,77",
    );
    let r = s.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("a row of data/norway-municipalities.csv has 12 cells, but the header has 11"),
        "{}",
        r.stderr
    );
}

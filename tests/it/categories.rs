//! Criteria files with several categories (MODEL.md §6): each allocated on its own, reported
//! together.

use crate::common::{Sandbox, run};

#[test]
fn the_example_adds_up_per_category_and_together() {
    let r = run(&[
        "recommend",
        "--criteria",
        "criteria/categories.toml",
        "--no-write",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rows = csv::Reader::from_reader(r.stdout.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "kommunenummer",
            "kommune",
            "adults-and-families",
            "unaccompanied-minors",
            "total"
        ]
    );
    let mut sums = [0u64; 3];
    let mut minors_asked = 0;
    for rec in rows.records() {
        let rec = rec.unwrap();
        let v: Vec<u64> = (2..5).map(|k| rec[k].parse().unwrap()).collect();
        assert_eq!(v[0] + v[1], v[2], "{}", &rec[1]);
        // Minimum if asked 4 for minors: 0 or at least 4.
        assert!(v[1] == 0 || v[1] >= 4, "{}: {}", &rec[1], v[1]);
        minors_asked += usize::from(v[1] > 0);
        for k in 0..3 {
            sums[k] += v[k];
        }
    }
    assert_eq!(sums, [1428, 46, 1474]);
    // IMDi asked four municipalities for minors in 2026; minimum-if-asked 4 leaves few.
    assert!((2..10).contains(&minors_asked), "{minors_asked}");
}

#[test]
fn each_category_alone_matches_its_column() {
    let all = run(&[
        "recommend",
        "--criteria",
        "criteria/categories.toml",
        "--no-write",
        "--format",
        "csv",
    ]);
    let one = run(&[
        "recommend",
        "--criteria",
        "criteria/categories.toml",
        "--category",
        "unaccompanied-minors",
        "--no-write",
        "--format",
        "csv",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let mut col = std::collections::HashMap::new();
    for rec in csv::Reader::from_reader(all.stdout.as_bytes()).records() {
        let rec = rec.unwrap();
        col.insert(rec[0].to_string(), rec[3].to_string());
    }
    for rec in csv::Reader::from_reader(one.stdout.as_bytes()).records() {
        let rec = rec.unwrap();
        assert_eq!(col[&rec[1]], rec[3], "{}", &rec[2]);
    }
}

#[test]
fn the_report_has_a_set_per_category_and_the_combined_table_and_chart() {
    let s = Sandbox::new();
    let r = s.run(&["report", "--criteria", "criteria/categories.toml", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "adults-and-families/report.html",
        "unaccompanied-minors/report.html",
        "unaccompanied-minors/recommendation.xlsx",
        "categories.csv",
        "categories.md",
        "chart-categories.svg",
        "chart-categories.png",
    ] {
        assert!(s.path(&format!("out/2027/{f}")).is_file(), "{f}");
    }
    let md = s.read("out/2027/categories.md");
    assert!(
        md.contains("| Vaksne og familiar | Einslege mindreårige | Til saman |"),
        "{md}"
    );
    assert!(s.read("out/2027/chart-categories.svg").contains("Einslege mindreårige"));
}

#[test]
fn commands_for_one_run_ask_which_category() {
    let r = run(&["explain", "Bergen", "--criteria", "criteria/categories.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("has 2 categories"), "{}", r.stderr);
    assert!(r.stderr.contains("--category"), "{}", r.stderr);
    let r = run(&[
        "explain",
        "Bergen",
        "--criteria",
        "criteria/categories.toml",
        "--category",
        "minors",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("its categories are `adults-and-families` and `unaccompanied-minors`"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "explain",
        "Bergen",
        "--criteria",
        "criteria/categories.toml",
        "--category",
        "unaccompanied-minors",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

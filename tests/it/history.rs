//! `busetting history`: the series by year from the data's [[history]], with published runs.

use crate::common::{Sandbox, run};

#[test]
fn the_county_series_with_agreement_measures() {
    let r = run(&["history", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 2024: IMDi asked Vestland for 4500 and the municipalities decided 3227.
    let line = r.stdout.lines().find(|l| l.trim_start().starts_with("2024")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&cells[..4], ["2024", "–", "4500", "3227"], "{line}");
    assert_eq!(cells[5], "0,72");
    // 2025 and 2026 from IMDi's latest figures: 1478 and 1474 asked, 1747 and 1181 decided.
    let line = r.stdout.lines().find(|l| l.trim_start().starts_with("2025")).unwrap();
    assert_eq!(
        &line.split_whitespace().collect::<Vec<_>>()[..4],
        ["2025", "–", "1478", "1747"],
        "{line}"
    );
    let line = r.stdout.lines().find(|l| l.trim_start().starts_with("2026")).unwrap();
    assert_eq!(
        &line.split_whitespace().collect::<Vec<_>>()[..4],
        ["2026", "–", "1474", "1181"],
        "{line}"
    );
    // The first year is 2020, and this run's recommendation for 2027 comes last.
    let first = r
        .stdout
        .lines()
        .find_map(|l| l.split_whitespace().next()?.parse::<i64>().ok());
    assert_eq!(first, Some(2020));
    let line = r.stdout.lines().find(|l| l.trim_start().starts_with("2027")).unwrap();
    assert_eq!(line.split_whitespace().nth(1), Some("1474"), "{line}");
}

#[test]
fn one_municipality_and_the_csv() {
    let r = run(&["history", "Kinn", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("4602 Kinn:"), "{}", r.stdout);
    let csv = run(&["history", "--no-write", "--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.stdout.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    // 2020–2026 from the data and 2027 from this run, for 43 municipalities.
    assert_eq!(rows.len(), 8 * 43);
    // Kinn 2024 in full year (IMDi as of 15 January 2025): asked 210, decided 210, settled 181.
    let kinn_2024 = rows.iter().find(|r| &r[0] == "2024" && &r[1] == "4602").unwrap();
    assert_eq!((&kinn_2024[4], &kinn_2024[5], &kinn_2024[6]), ("210", "210", "181"));
    let sum_2027: u64 = rows
        .iter()
        .filter(|r| &r[0] == "2027")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum_2027, 1474);
    let miss = run(&["history", "Floroo", "--no-write"]);
    assert_eq!(miss.code, 1);
}

#[test]
fn a_published_year_joins_the_series() {
    let s = Sandbox::new();
    // Publish a run for 2024 (a criteria file for that year) and see it beside IMDi's figures.
    s.criteria_with("year = 2027", "year = 2024");
    assert_eq!(
        s.run(&["recommend", "--criteria", "criteria.toml", "--out", "out"])
            .code,
        0
    );
    let r = s.run(&["history", "--out", "out", "--no-write", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bergen = r.stdout.lines().find(|l| l.starts_with("2024,4601,")).unwrap();
    assert!(bergen.starts_with("2024,4601,Bergen,514,1200,1000,891,"), "{bergen}");
    let table = s.run(&["history", "--out", "out", "--no-write"]);
    let line = table
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("2024"))
        .unwrap();
    // Now the decision can be set against the recommendation too.
    assert!(!line.trim_end().ends_with('–'), "{line}");
    // The chart is written beside the table.
    let w = s.run(&["history", "--out", "out"]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert!(s.read("out/analyses/2027/chart-history.svg").contains("Busette"));
}

//! Any county, or the whole country, from the national files in data/.

use crate::common::run;

fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn the_whole_country() {
    let r = run(&["recommend", "--county", "all", "--no-write", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = rows(&r.stdout);
    assert_eq!(rows.len(), 357);
    // The total is IMDi's national request for 2026, and the user is told so.
    let total: u64 = rows.iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
    assert!(
        r.stderr.contains(&format!(
            "the total for the whole country is IMDi's request for 2026 there, {total}"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(total, 13000);
    // Every county is there, Oslo first by kommunenummer and Bergen among them.
    let knrs: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
    assert!(knrs.contains(&"0301") && knrs.contains(&"4601") && knrs.contains(&"5601"));
}

#[test]
fn another_county_with_its_own_total() {
    let r = run(&[
        "recommend",
        "--county",
        "15",
        "--total",
        "1000",
        "--no-write",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = rows(&r.stdout);
    assert!(rows.iter().all(|r| r[1].starts_with("15")));
    assert_eq!(rows.iter().map(|r| r[3].parse::<u64>().unwrap()).sum::<u64>(), 1000);
    // Ålesund and Haram have no 2022 employment rate (Ålesund was split in 2024): filled with
    // the county mean and listed.
    let table = run(&["recommend", "--county", "15", "--no-write"]);
    assert!(
        table.stdout.contains("`employment_rate` manglar for 2 kommunar"),
        "{}",
        table.stdout
    );
}

#[test]
fn an_unknown_county_lists_the_counties() {
    let r = run(&["recommend", "--county", "47", "--no-write"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no municipality in county 47"), "{}", r.stderr);
    assert!(r.stderr.contains("46 (43)"), "{}", r.stderr);
    let r = run(&["recommend", "--county", "Vestland", "--no-write"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("two-digit county number"), "{}", r.stderr);
}

//! `busetting compare`: the same data under several criteria files.

use crate::common::{Sandbox, run};

#[test]
fn differences_are_against_the_first_file_and_name_a_cause() {
    let r = run(&[
        "compare",
        "criteria/default.toml",
        "criteria/labour-market-led.toml",
        "criteria/capacity-led.toml",
        "--no-write",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rows = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "kommunenummer",
            "kommune",
            "default",
            "labour-market-led",
            "capacity-led",
            "difference_labour-market-led",
            "driver_labour-market-led",
            "difference_capacity-led",
            "driver_capacity-led"
        ]
    );
    let mut n = 0;
    let mut sums = [0i64; 3];
    let mut changed = 0;
    for rec in rows.records() {
        let rec = rec.unwrap();
        let v = |k: usize| rec[k].parse::<i64>().unwrap();
        assert_eq!(v(5), v(3) - v(2), "{}", &rec[1]);
        assert_eq!(v(7), v(4) - v(2), "{}", &rec[1]);
        // A difference always names what drove it; no difference names nothing.
        assert_eq!(v(5) != 0, !rec[6].is_empty(), "{}", &rec[1]);
        assert_eq!(v(7) != 0, !rec[8].is_empty(), "{}", &rec[1]);
        changed += usize::from(v(5) != 0);
        for (k, sum) in sums.iter_mut().enumerate() {
            *sum += v(2 + k);
        }
        n += 1;
    }
    assert_eq!(n, 43);
    assert_eq!(sums, [1474; 3]);
    assert!(changed > 10);
}

#[test]
fn writes_markdown_csv_and_the_dumbbell_chart() {
    let s = Sandbox::new();
    let r = s.run(&[
        "compare",
        "criteria/default.toml",
        "criteria/capacity-led.toml",
        "--out",
        "out",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = s.read("out/analyses/2027/compare.md");
    assert!(md.starts_with("# Samanlikning av 2 kriteriefiler"), "{md}");
    assert!(md.contains("| capacity-led − default |"));
    assert!(s.read("out/analyses/2027/chart-compare.svg").contains("Øygarden"));
    assert!(
        s.path("out/analyses/2027/compare.csv").is_file() && s.path("out/analyses/2027/chart-compare.png").is_file()
    );
    // The table names the municipalities that change and how many persons move.
    assert!(r.stdout.contains("personar flyttar"), "{}", r.stdout);
}

#[test]
fn every_broken_file_is_reported_and_nothing_is_written() {
    let s = Sandbox::new();
    s.write("broken.toml", "year = 2027\n");
    let r = s.run(&["compare", "criteria/default.toml", "broken.toml", "--out", "out"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("broken.toml"), "{}", r.stderr);
    assert!(!s.path("out").exists());
    let one = s.run(&["compare", "criteria/default.toml"]);
    assert_eq!(one.code, 2, "{}", one.stderr);
}

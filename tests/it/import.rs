//! `busetting import` and `busetting template capacity`: files as advisers receive them, on the
//! fixtures in tests/fixtures/import (real figures in the exact StatBank layouts).

use crate::common::{Sandbox, root, run};

fn fixture(name: &str) -> String {
    root().join("tests/fixtures/import").join(name).display().to_string()
}

#[test]
fn statbank_csv_wide_with_suppressed_cells_and_regions_that_are_not_municipalities() {
    let r = run(&["import", &fixture("07459-wide.csv"), "--name", "population"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "kommunenummer,kommune,year,population");
    assert!(lines.contains(&"4601,Bergen,2026,294860"));
    assert!(lines.contains(&"4612,Sveio,2026,"), "suppressed is blank");
    assert_eq!(lines.len(), 1 + 12);
    assert!(r.stderr.contains("3 skjulte eller manglande verdiar er tomme celler: 4612 Sveio 2026 (..), 4629 Modalen 2025 (:) og 4633 Fedje 2025 (.)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("4699 Uoppgitt kommune og 46 Vestland"),
        "{}",
        r.stderr
    );
}

#[test]
fn statbank_csv_long_with_decimal_commas_into_a_file() {
    let s = Sandbox::new();
    let r = s.run(&[
        "import",
        &fixture("11618-long.csv"),
        "--name",
        "employment_rate",
        "--out",
        "data/imported.csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        s.read("data/imported.csv"),
        "kommunenummer,kommune,year,employment_rate\n4601,Bergen,2022,70.1\n4602,Kinn,2022,68.7\n4611,Etne,2022,71.6\n4612,Sveio,2022,\n4613,Bømlo,2022,69\n"
    );
    assert!(r.stderr.contains("4612 Sveio 2022 (..)"), "{}", r.stderr);
}

#[test]
fn malformed_lines_are_each_named_with_line_and_column() {
    let s = Sandbox::new();
    let r = s.run(&["import", &fixture("11618-malformed.csv"), "--out", "out.csv"]);
    assert_eq!(r.code, 1);
    for part in [
        "line 5 of",
        "has 4 cells",
        "`7l,6` on line 6, column 3",
        "`20x2` on line 7",
    ] {
        assert!(r.stderr.contains(part), "{part}: {}", r.stderr);
    }
    assert!(!s.path("out.csv").exists(), "nothing is written");
}

#[test]
fn json_stat_with_status_and_an_old_code() {
    let r = run(&["import", &fixture("07459.json"), "--name", "population"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("4602,Kinn,2026,17356\n"));
    assert!(r.stdout.contains("4629,Modalen,2025,\n"));
    // 3001 Halden before the 2024 renumbering is carried over to 3101.
    assert!(r.stdout.contains("3101,Halden,2025,\n"), "{}", r.stdout);
    assert!(r.stderr.contains("3001 → 3101"), "{}", r.stderr);
    assert!(r.stderr.contains("4629 Modalen 2025 (..)"), "{}", r.stderr);
    let s = Sandbox::new();
    s.write("bad.json", "{\"version\": \"2.0\", \"class\": \"dataset\"");
    let bad = s.run(&["import", "bad.json"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("bad.json is not JSON"), "{}", bad.stderr);
    let two = fs_err::read_to_string(fixture("07459.json"))
        .unwrap()
        .replace("\"size\":[4,1,2]", "\"size\":[2,2,2]");
    s.write("two.json", two);
    let r = s.run(&["import", "two.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("2 values of dimension `ContentsCode`"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_capacity_template_goes_out_and_comes_back() {
    let s = Sandbox::new();
    let r = s.run(&["template", "capacity", "--out", "forms"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = s.read("forms/capacity-dialogue-46.csv");
    assert_eq!(csv.lines().count(), 44);
    assert!(csv.starts_with("kommunenummer,kommune,Kor mange kan kommunen busetje (declared_capacity),"));
    let bytes = fs_err::read(s.path("forms/capacity-dialogue-46.xlsx")).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");

    // A municipality fills in the form as a workbook: numbers, a suppressed value, a comment,
    // and one code that is not a municipality.
    let header: Vec<String> = csv.lines().next().unwrap().split(',').map(String::from).collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (k, h) in header.iter().enumerate() {
        sheet.write_string(0, k as u16, h).unwrap();
    }
    let rows: [(&str, &str, f64, &str, &str); 3] = [
        ("4601", "Bergen", 1000.0, "240", "Vi har plass til fleire familiar"),
        ("4602", "Kinn", 210.0, ".", ""),
        ("9999", "Ukjend", 5.0, "1", ""),
    ];
    for (r, (knr, name, cap, dwellings, comment)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *knr).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_number(r, 2, *cap).unwrap();
        sheet.write_string(r, 3, *dwellings).unwrap();
        if !comment.is_empty() {
            sheet.write_string(r, 6, *comment).unwrap();
        }
    }
    book.save(s.path("filled.xlsx")).unwrap();
    let r = s.run(&["import", "filled.xlsx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        out[0],
        "kommunenummer,kommune,declared_capacity,dwellings_available,adult_education_places,intro_result_pct,comment"
    );
    assert_eq!(out[1], "4601,Bergen,1000,240,,,Vi har plass til fleire familiar");
    assert_eq!(out[2], "4602,Kinn,210,,,,");
    assert_eq!(out.len(), 3);
    assert!(r.stderr.contains("4602 (.)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("ikkje kommunar i registeret og er utelatne: 9999"),
        "{}",
        r.stderr
    );

    // A word where a number belongs is named by row and column.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "kommunenummer").unwrap();
    sheet.write_string(0, 1, "Kapasitet (declared_capacity)").unwrap();
    sheet.write_string(1, 0, "4601").unwrap();
    sheet.write_number(1, 1, 10.0).unwrap();
    sheet.write_string(2, 0, "4602").unwrap();
    sheet.write_string(2, 1, "mange").unwrap();
    book.save(s.path("words.xlsx")).unwrap();
    let r = s.run(&["import", "words.xlsx", "--out", "words.csv"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("`mange` in row 3, column 2 (`declared_capacity`)"),
        "{}",
        r.stderr
    );
    assert!(!s.path("words.csv").exists());
}

#[test]
fn older_tables_join_through_mergers() {
    // Illustrative counts (not real figures) under the codes before the 2020 merger that made
    // 4602 Kinn out of 1401 Flora and 1439 Vågsøy: the two rows are added up for Kinn.
    let s = Sandbox::new();
    let mut table = String::from("kommunenummer,kommune,places\n1401,Flora,7\n1439,Vågsøy,5\n");
    for line in s.read("data/norway-municipalities.csv").lines().skip(1) {
        let knr = &line[..4];
        if knr.starts_with("46") && knr != "4602" {
            table.push_str(&format!("{knr},x,1\n"));
        }
    }
    s.write("data/old-codes.csv", table);
    let mut cat = s.read("data/indicators.toml");
    cat.push_str(
        "\n[indicator.places]\nkind = \"count\"\nfile = \"old-codes.csv\"\ncolumn = \"places\"\ncounties = [\"46\"]\n",
    );
    s.write("data/indicators.toml", cat);
    s.criteria_with(
        "column = \"population\"\nweight = 0.35",
        "column = \"places\"\nweight = 0.35",
    );
    let r = s.run(&["explain", "Kinn", "--criteria", "criteria.toml", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let c = v["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "places")
        .unwrap();
    assert_eq!(c["value"], 12.0);
}

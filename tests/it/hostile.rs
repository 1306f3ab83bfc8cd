//! Hostile input: files and arguments made to crash, hang or exhaust the tool. Each must end
//! with the exit-code contract (1 for bad input, 2 for usage), no panic, and a message that
//! names the file or the argument.

use crate::common::{Run, Sandbox};
use crate::report::{shared_strings, sheet_rows, unzip};

fn no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("internal error"),
        "{}",
        r.stderr
    );
    assert!(r.code == 1 || r.code == 2, "exit code {}: {}", r.code, r.stderr);
}

#[test]
fn a_json_stat_id_that_names_a_missing_dimension() {
    let s = Sandbox::new();
    s.write(
        "bad.json",
        r#"{"class":"dataset","id":["Region","Tid","Nowhere"],"size":[1,1,1],
            "role":{"geo":["Region"],"time":["Tid"]},
            "dimension":{"Region":{"category":{"index":{"4601":0},"label":{"4601":"Bergen"}}},
                         "Tid":{"category":{"index":{"2026":0}}}},
            "value":[1]}"#,
    );
    let r = s.run(&["import", "bad.json", "--name", "population"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("bad.json: dimension `Nowhere` has 0 categories, but `size` says 1"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_json_stat_size_that_would_allocate_without_bound() {
    let s = Sandbox::new();
    s.write(
        "huge.json",
        r#"{"class":"dataset","id":["Region","Tid"],"size":[4294967296,4294967296],
            "role":{"geo":["Region"],"time":["Tid"]},"dimension":{},"value":{}}"#,
    );
    let r = s.run(&["import", "huge.json", "--name", "population"]);
    no_panic(&r);
    assert!(r.stderr.contains("huge.json"), "{}", r.stderr);
}

#[test]
fn a_workbook_with_one_cell_at_the_last_row_and_column() {
    // 6.7 KB on disk; read naively, its range is 16 384 columns by 1 048 576 rows.
    let s = Sandbox::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "kommunenummer").unwrap();
    sheet.write_string(0, 1, "declared_capacity").unwrap();
    sheet.write_string(1, 0, "4601").unwrap();
    sheet.write_number(1, 1, 10.0).unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save(s.path("far.xlsx")).unwrap();
    let r = s.run(&["import", "far.xlsx"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("far.xlsx has a cell at XFD1048576"), "{}", r.stderr);

    // ZZ100000: within the row limit, but the dense area would be 702 × 100 000 cells.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "kommunenummer").unwrap();
    sheet.write_number(99_999, 701, 1.0).unwrap();
    book.save(s.path("wide.xlsx")).unwrap();
    let r = s.run(&["import", "wide.xlsx"]);
    no_panic(&r);
    assert!(r.stderr.contains("wide.xlsx spans A1:ZZ100000"), "{}", r.stderr);
}

#[test]
fn a_bad_cell_past_column_65535_is_named_not_drawn() {
    let s = Sandbox::new();
    s.criteria_with("", "");
    let wide_name = format!("Kinn{}", " ".repeat(70_000));
    s.edit(
        "data/norway-employment-rate.csv",
        "4602,Kinn,2022,68.7,",
        &format!("4602,{wide_name},2022,x,"),
    );
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("at data/norway-employment-rate.csv:") && r.stderr.contains(":70016:"),
        "{}",
        r.stderr
    );
}

#[test]
fn numbers_that_would_never_finish() {
    let s = Sandbox::new();
    s.write("w.csv", "name,weight\na,1\nb,2\n");
    let r = s.run(&[
        "apportion",
        "--method",
        "sainte-lague",
        "--seats",
        "18446744073709551615",
        "w.csv",
    ]);
    no_panic(&r);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--seats"), "{}", r.stderr);
    let r = s.run(&["recommend", "--total", "0", "--no-write"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--total"), "{}", r.stderr);
    s.criteria_with("total = 1474", "total = 100000000000");
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("criteria.toml:"), "{}", r.stderr);
}

#[test]
fn a_manifest_that_names_a_file_outside_the_folder() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["recommend", "--out", "out"]).code, 0);
    for (from, to) in [
        ("\"path\": \"criteria/default.toml\"", "\"path\": \"/etc/passwd\""),
        (
            "\"path\": \"criteria/default.toml\"",
            "\"path\": \"../../../../etc/passwd\"",
        ),
        ("\"data\": \"data\"", "\"data\": \"/etc\""),
    ] {
        let manifest = s.read("out/2027/manifest.json");
        assert!(manifest.contains(from), "{from}");
        s.write("out/2027/manifest.json", manifest.replacen(from, to, 1));
        let r = s.run(&["verify", "out/2027"]);
        no_panic(&r);
        assert_eq!(r.code, 1);
        assert!(r.stderr.contains("verify::outside"), "{}", r.stderr);
        assert!(!r.stderr.contains("root:"), "{}", r.stderr);
        s.write("out/2027/manifest.json", manifest);
    }
}

#[test]
fn a_catalogue_that_names_a_file_outside_the_data_folder() {
    let s = Sandbox::new();
    s.criteria_with("", "");
    s.edit(
        "data/indicators.toml",
        "file = \"norway-employment-rate.csv\"",
        "file = \"../../../../../../etc/passwd\"",
    );
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("data::outside") && r.stderr.contains("leads, outside the data"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("root:"), "{}", r.stderr);

    // A link inside the folder that leads out is refused too.
    let s = Sandbox::new();
    s.criteria_with("", "");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", s.path("data/linked.csv")).unwrap();
        s.edit(
            "data/indicators.toml",
            "file = \"norway-employment-rate.csv\"",
            "file = \"linked.csv\"",
        );
        let r = s.run(&["check", "--criteria", "criteria.toml"]);
        no_panic(&r);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr.contains("data::outside") && r.stderr.contains("is a link that leads"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("root:"), "{}", r.stderr);
    }
}

#[test]
fn names_and_reasons_are_neutralised_for_each_format() {
    let s = Sandbox::new();
    s.edit(
        "data/norway-municipalities.csv",
        "4602,Kinn,46,",
        "4602,@SUM(A1)\u{1b}[2J,46,",
    );
    s.edit(
        "data/norway-municipalities.csv",
        "4611,Etne,46,",
        "4611,=HYPERLINK(x),46,",
    );
    s.edit(
        "data/indicators.toml",
        "cite = \"Vestland fylkeskommune\"",
        "cite = \"@SUM(1+1)\"",
    );
    s.criteria_with(
        "[bounds]",
        "[[override]]\nkommune = \"4614\"\nmax = 40\nreason = \"<script>alert(1)</script>\"\n\n[bounds]",
    );
    let r = s.run(&["report", "--criteria", "criteria.toml", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Excel: every text a string cell (rust_xlsxwriter's write_string), no formula in any sheet,
    // on each sheet a name appears (all but the sources), and the citation in the sources.
    let files = unzip(fs_err::read(s.path("out/2027/recommendation.xlsx")).unwrap());
    let strings = shared_strings(&files);
    let sheets: Vec<&String> = (1..=5)
        .map(|k| &files[&format!("xl/worksheets/sheet{k}.xml")])
        .collect();
    let cells = |k: usize, text: &str| {
        let xml = sheets[k - 1];
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "sheet {k} has a formula");
        let rows = sheet_rows(xml, &strings);
        rows.into_iter().flatten().filter(|(_, v)| v == text).count()
    };
    for k in 1..=4 {
        assert!(cells(k, "=HYPERLINK(x)") > 0, "sheet {k} lacks the name as text");
    }
    assert_eq!(
        cells(3, "<script>alert(1)</script>"),
        1,
        "the bounds sheet lacks the reason"
    );
    assert_eq!(cells(5, "@SUM(1+1)"), 1, "the sources sheet lacks the citation");
    // CSV: a cell that a spreadsheet would run as a formula starts with an apostrophe.
    let csv = s.read("out/2027/recommendation.csv");
    assert!(csv.contains(",'@SUM(A1)"), "{csv}");
    assert!(csv.contains(",'=HYPERLINK(x),"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",@SUM"), "{csv}");
    // Markdown: markup is text.
    let md = s.read("out/2027/recommendation.md");
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    // HTML: escaped by the template engine.
    assert!(!s.read("out/2027/report.html").contains("<script>alert(1)"));
    // Terminal: no escape sequence reaches it.
    let table = s.run(&["recommend", "--criteria", "criteria.toml", "--no-write"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(!table.stdout.contains('\u{1b}'), "an escape reached the terminal");
    assert!(table.stdout.contains("@SUM(A1)?[2J"), "{}", table.stdout);
    let explain = s.run(&["explain", "4602"]);
    assert!(!explain.stdout.contains('\u{1b}') && !explain.stderr.contains('\u{1b}'));
    // The capacity template and apportion's output too.
    assert_eq!(s.run(&["template", "capacity", "--out", "forms"]).code, 0);
    assert!(
        s.read("forms/capacity-dialogue-46.csv")
            .contains("4611,'=HYPERLINK(x),")
    );
    s.write("w.csv", "name,weight\n=cmd|' /C calc'!A0,1\nb,2\n");
    let a = s.run(&["apportion", "--method", "sainte-lague", "--seats", "3", "w.csv"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(a.stdout.contains("'=cmd"), "{}", a.stdout);
}

#[test]
fn nonsense_is_refused_with_its_place() {
    // A population of 10^26 and an employment rate of 250 %.
    let s = Sandbox::new();
    s.criteria_with("", "");
    s.edit(
        "data/norway-population.csv",
        "4602,Kinn,2026,17356",
        "4602,Kinn,2026,100000000000000000000000000",
    );
    s.edit(
        "data/norway-employment-rate.csv",
        "4602,Kinn,2022,68.7,",
        "4602,Kinn,2022,250,",
    );
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("data::range"), "{}", r.stderr);
    assert!(r.stderr.contains("norway-population.csv:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`250` in column `employment_rate_15_74_pct`"),
        "{}",
        r.stderr
    );

    // A cycle among the replaced kommunenummer.
    let s = Sandbox::new();
    s.criteria_with("", "");
    let changes = s.read("data/kommune-changes.csv");
    s.write("data/kommune-changes.csv", format!("{changes}4602,1401,2020,a cycle\n"));
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("data::successors"), "{}", r.stderr);

    // A StatBank file with its heading and no row: nothing to import, and nothing written.
    let s = Sandbox::new();
    s.write(
        "empty.csv",
        "\"Folkemengde\"\n\"region\";\"statistikkvariabel\";\"2026\"\n",
    );
    let r = s.run(&["import", "empty.csv", "--name", "population", "--out", "data/x.csv"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("empty.csv"), "{}", r.stderr);
    assert!(!s.path("data/x.csv").exists());

    // Two rows of the same name for apportion.
    s.write("w.csv", "name,weight\na,1\nb,2\na,3\n");
    let r = s.run(&["apportion", "--method", "dhondt", "--seats", "5", "w.csv"]);
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("w.csv names `a` twice"), "{}", r.stderr);
}

/// Many hostile edits of a criteria file and the data, each against a published set: every one
/// is refused with exit 1 or 2, no panic, a message that names the file, and the set untouched.
#[test]
fn a_hundred_bad_inputs_leave_the_published_set_untouched() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["report", "--out", "out"]).code, 0);
    let published = |s: &Sandbox| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = fs_err::read_dir(s.path("out/2027"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs_err::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = published(&s);
    let mut cases: Vec<(String, String, String)> = Vec::new();
    let default = s.read("criteria/default.toml");
    let backtested = s.read("criteria/backtested.toml");
    let numeric = [
        "\"x\"",
        "-1",
        "1e400",
        "nan",
        "inf",
        "[1]",
        "{ a = 1 }",
        "99999999999999999999",
    ];
    let text = ["1", "\"no-such-thing\"", "[\"a\"]", "\"\"", "true"];
    for (source, keys) in [
        (
            &default,
            &["year", "total", "weight", "floor", "minimum-if-asked", "per-1000-cap"][..],
        ),
        (&backtested, &["lag", "power"][..]),
    ] {
        for key in keys {
            for bad in numeric {
                cases.push(("c.toml".into(), source.to_string(), format!("{key} = {bad}|{key} = ")));
            }
        }
    }
    for key in [
        "county",
        "method",
        "population",
        "basis",
        "column",
        "direction",
        "scale",
        "missing",
    ] {
        for bad in text {
            cases.push(("c.toml".into(), default.clone(), format!("{key} = {bad}|{key} = ")));
        }
    }
    let mut ran = 0;
    for (file, source, edit) in &cases {
        let (to, key) = edit.split_once('|').unwrap();
        // The first line of the key, whatever its value, takes the bad one.
        let Some(start) = source.lines().position(|l| l.starts_with(key)) else {
            panic!("no `{key}` in the source");
        };
        let edited: String = source
            .lines()
            .enumerate()
            .map(|(k, l)| {
                if k == start {
                    format!("{to}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        s.write(file, edited);
        let r = s.run(&["recommend", "--criteria", file, "--out", "out"]);
        no_panic(&r);
        assert!(r.stderr.contains(file.as_str()) || r.code == 2, "{to}: {}", r.stderr);
        assert!(published(&s) == before, "{to} changed the published set");
        ran += 1;
    }
    // The data: cells, rows and whole files.
    let population = s.read("data/norway-population.csv");
    let data_cases: Vec<(&str, String)> = [
        "4602,Kinn,2026,x",
        "4602,Kinn,2026,-5",
        "4602,Kinn,2026,1e30",
        "4602,Kinn,2026,",
        "4602,Kinn,2026,1,2",
        "4602,Kinn,2026,\"17356",
        "4602,Kinn,2026,0",
        "4602,Kinn,2026,17 356,5",
        "4602,Kinn,twenty,17356",
        "46O2,Kinn,2026,17356",
        "4601,Kinn,2026,17356",
        "9999,Kinn,2026,17356",
    ]
    .iter()
    .map(|row| {
        (
            "data/norway-population.csv",
            population.replacen("4602,Kinn,2026,17356", row, 1),
        )
    })
    .chain([
        ("data/norway-population.csv", String::new()),
        (
            "data/norway-population.csv",
            "kommunenummer;kommune;year;population\n".to_string(),
        ),
        (
            "data/norway-population.csv",
            population.replacen("kommunenummer,", "knr,", 1),
        ),
        (
            "data/indicators.toml",
            s.read("data/indicators.toml")
                .replacen("register = ", "register = 1 #", 1),
        ),
        (
            "data/indicators.toml",
            s.read("data/indicators.toml")
                .replacen("[[history]]\nyear = 2024", "[[history]]\nyear = 2023", 1),
        ),
        (
            "data/indicators.toml",
            s.read("data/indicators.toml")
                .replacen("file = \"norway-population.csv\"", "file = \"/etc/passwd\"", 1),
        ),
        (
            "data/kommune-changes.csv",
            s.read("data/kommune-changes.csv") + "4602,4602,2020,itself\n",
        ),
    ])
    .collect();
    for (file, text) in data_cases {
        let original = s.read(file);
        s.write(file, text.clone());
        let r = s.run(&["recommend", "--out", "out"]);
        no_panic(&r);
        assert!(r.code == 1, "{file} edited: exit {}: {}", r.code, r.stderr);
        let short = file.rsplit('/').next().unwrap();
        assert!(r.stderr.contains(short), "{file}: {}", r.stderr);
        assert!(published(&s) == before, "{file} edited: the published set changed");
        s.write(file, original);
        ran += 1;
    }
    assert!(ran >= 100, "{ran} cases");
}

#[test]
fn an_import_with_a_municipality_twice_is_refused() {
    let s = Sandbox::new();
    s.write(
        "twice.csv",
        "\"07459: Befolkning\"\n\n\"region\";\"statistikkvariabel\";\"2026\"\n\"4601 Bergen\";\"Personer\";294860\n\"4602 Kinn\";\"Personer\";17356\n\"4601 Bergen\";\"Personer\";100\n",
    );
    let r = s.run(&["import", "twice.csv", "--name", "population", "--out", "data/x.csv"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("twice.csv gives `population` of 4601 Bergen for 2026 twice, on line 4 and line 6"),
        "{}",
        r.stderr
    );
    assert!(!s.path("data/x.csv").exists());
}

#[test]
fn an_import_with_figures_no_municipality_can_have_is_refused() {
    let s = Sandbox::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (k, h) in ["kommunenummer", "kommune", "declared_capacity", "intro_result_pct"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, k as u16, *h).unwrap();
    }
    for (r, (knr, cap, intro)) in [("4601", 1e308, 50.0), ("4602", -50.0, 250.0)].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *knr).unwrap();
        sheet.write_number(r, 2, *cap).unwrap();
        sheet.write_number(r, 3, *intro).unwrap();
    }
    book.save(s.path("form.xlsx")).unwrap();
    let r = s.run(&["import", "form.xlsx", "--out", "data/x.csv"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for piece in [
        "4601 Bergen",
        "more than 1 000 000 000",
        "4602 Kinn",
        "negative",
        "more than 100",
    ] {
        assert!(r.stderr.contains(piece), "{piece}: {}", r.stderr);
    }
    assert!(!s.path("data/x.csv").exists());
}

#[test]
fn a_formula_with_no_saved_result_is_not_read_as_a_blank() {
    // A workbook written by a program that does not compute formulas: the cell has the formula
    // and no result.
    let s = Sandbox::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_formula_result_default("");
    sheet.write_string(0, 0, "kommunenummer").unwrap();
    sheet.write_string(0, 1, "declared_capacity").unwrap();
    sheet.write_string(1, 0, "4601").unwrap();
    sheet.write_formula(1, 1, "=10*10").unwrap();
    book.save(s.path("formula.xlsx")).unwrap();
    let r = s.run(&["import", "formula.xlsx", "--out", "data/x.csv"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cell B2 of sheet `Sheet1` in formula.xlsx holds a formula with no saved result"),
        "{}",
        r.stderr
    );
    assert!(!s.path("data/x.csv").exists());
}

#[test]
fn a_folder_that_is_not_a_set_is_never_replaced() {
    let s = Sandbox::new();
    fs_err::create_dir_all(s.path("elsewhere/2027")).unwrap();
    s.write("elsewhere/2027/photo.jpg", "not a report");
    let r = s.run(&["report", "--out", "elsewhere"]);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("output::not-a-set"), "{}", r.stderr);
    assert_eq!(s.read("elsewhere/2027/photo.jpg"), "not a report");
    // An empty folder, or a set of its own, is replaced.
    fs_err::remove_file(s.path("elsewhere/2027/photo.jpg")).unwrap();
    assert_eq!(s.run(&["report", "--out", "elsewhere"]).code, 0);
    assert_eq!(
        s.run(&[
            "recommend",
            "--criteria",
            "criteria/backtested.toml",
            "--out",
            "elsewhere"
        ])
        .code,
        0
    );
}

//! `busetting report`: the full report set, its determinism, languages, escaping, the
//! spreadsheet and the charts.

use std::collections::HashMap;
use std::io::Read;

use crate::common::{Sandbox, root, run};

const CHARTS: [&str; 7] = [
    "contributions",
    "per-1000",
    "map",
    "against-previous",
    "capacity",
    "history",
    "backtest",
];
/// The files a robustness run adds to the set.
const SENSITIVITY: [&str; 7] = [
    "sensitivity.json",
    "sensitivity.csv",
    "sensitivity.md",
    "chart-interval.svg",
    "chart-interval.png",
    "chart-sobol.svg",
    "chart-sobol.png",
];

fn files() -> Vec<String> {
    let mut names: Vec<String> = [
        "recommendation.csv",
        "recommendation.json",
        "recommendation.md",
        "recommendation.xlsx",
        "report.html",
        "manifest.json",
        "backtest.csv",
        "backtest.json",
    ]
    .map(String::from)
    .to_vec();
    for c in CHARTS {
        names.push(format!("chart-{c}.svg"));
        names.push(format!("chart-{c}.png"));
    }
    names
}

#[test]
fn writes_every_file_and_the_same_bytes_twice() {
    let s = Sandbox::new();
    let a = s.run(&["report", "--out", "a"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let b = s.run(&["recommend", "--report", "--out", "b", "--format", "csv"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let mut written: Vec<String> = fs_err::read_dir(s.path("a/2027"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected = files();
    expected.sort();
    assert_eq!(written, expected);
    for name in files() {
        let x = fs_err::read(s.path(&format!("a/2027/{name}"))).unwrap();
        let y = fs_err::read(s.path(&format!("b/2027/{name}"))).unwrap();
        assert!(x == y, "{name} differs between two runs");
    }
}

#[test]
fn the_example_report_set_in_the_repository_is_current() {
    // reports/2027 is the README's example: exactly what `busetting report` writes, with the
    // robustness run saved beside it (checked against a fresh run in sensitivity.rs).
    let out = tempfile::tempdir().unwrap();
    fs_err::create_dir_all(out.path().join("2027")).unwrap();
    fs_err::copy(
        root().join("reports/2027/sensitivity.json"),
        out.path().join("2027/sensitivity.json"),
    )
    .unwrap();
    let r = run(&["report", "--out", out.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut all = files();
    all.extend(SENSITIVITY.map(String::from));
    for name in all {
        let fresh = fs_err::read(out.path().join("2027").join(&name)).unwrap();
        let committed = fs_err::read(root().join("reports/2027").join(&name)).unwrap_or_default();
        assert!(
            fresh == committed,
            "reports/2027/{name} is out of date: run `cargo run -- report`"
        );
    }
}

#[test]
fn the_markdown_summary() {
    let committed = fs_err::read_to_string(root().join("reports/2027/recommendation.md")).unwrap();
    insta::assert_snapshot!("recommendation_md", committed);
}

#[test]
fn the_page_has_every_municipality_chart_and_input() {
    let html = fs_err::read_to_string(root().join("reports/2027/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nn\">"));
    assert_eq!(html.matches("<tr class=\"municipality\">").count(), 43);
    assert_eq!(html.matches("<section class=\"kommune\"").count(), 43);
    for c in CHARTS {
        assert!(
            html.contains(&format!("<figure id=\"chart-{c}\" class=\"chart\">\n    <svg")),
            "{c}"
        );
    }
    // Self-contained: nothing is fetched.
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    // The inputs with their SHA-256, and the criteria file's text.
    let sha = |path: &str| {
        use sha2::Digest;
        let bytes = fs_err::read(root().join(path)).unwrap();
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    for path in [
        "criteria/default.toml",
        "data/norway-population.csv",
        "data/indicators.toml",
    ] {
        assert!(html.contains(&sha(path)), "{path}");
    }
    assert!(html.contains("Tilråding om busetjing av flyktningar i 2027"));
}

#[test]
fn user_text_is_escaped() {
    let s = Sandbox::new();
    s.criteria_with(
        "[bounds]",
        "[[override]]\nkommune = \"Kinn\"\nmax = 100\nreason = \"<script>alert('x')</script> & <b>vedtak</b>\"\n\n[bounds]",
    );
    let r = s.run(&["report", "--criteria", "criteria.toml", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = s.read("out/2027/report.html");
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<b>vedtak</b>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; &amp; &lt;b&gt;vedtak&lt;&#x2f;b&gt;"),
        "escaped text missing"
    );
}

#[test]
fn bokmål_and_english() {
    let s = Sandbox::new();
    let r = s.run(&["--lang", "en", "report", "--out", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = s.read("en/2027/report.html");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Recommendation on the settlement of refugees in 2027"));
    assert!(
        s.read("en/2027/chart-per-1000.svg")
            .contains("Persons per 1000 inhabitants")
    );
    let r = s.run(&["--lang", "nb", "report", "--out", "nb"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        s.read("nb/2027/report.html")
            .contains("Tilrådning om bosetting av flyktninger i 2027")
    );
    assert!(
        s.read("nb/2027/recommendation.md")
            .contains("| Nr. | Kommunenr. | Kommune | Tilrådning |")
    );
}

#[test]
fn charts_draw_norwegian_letters_and_are_not_blank() {
    let svg = fs_err::read_to_string(root().join("reports/2027/chart-contributions.svg")).unwrap();
    for word in [
        "Tilråding for 2027 per kommune, fordelt på kriterium",
        "Øygarden",
        "Bjørnafjorden",
        "Årdal",
        "Kjelde: SSB 07459 (2026)",
    ] {
        assert!(svg.contains(word), "{word}");
    }
    for c in CHARTS {
        let png = image::load_from_memory(&fs_err::read(root().join(format!("reports/2027/chart-{c}.png"))).unwrap())
            .unwrap()
            .to_rgb8();
        assert!(png.width() >= 1000 && png.height() >= 500, "{c}");
        // Not blank: plenty of ink and more than a few colours.
        let dark = png
            .pixels()
            .filter(|p| p.0.iter().map(|&v| v as u32).sum::<u32>() < 300)
            .count();
        let mut colours: Vec<[u8; 3]> = png.pixels().map(|p| p.0).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(
            dark > 2000 && colours.len() > 20,
            "{c}: {dark} dark pixels, {} colours",
            colours.len()
        );
    }
}

/// The XML files of a workbook by name.
pub(crate) fn unzip(bytes: Vec<u8>) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|k| {
            let mut file = zip.by_index(k).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text)
        })
        .collect()
}

/// The text between each `open` and the `close` after it.
fn between<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    xml.split(open)
        .skip(1)
        .map(|part| &part[..part.find(close).unwrap_or(part.len())])
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The workbook's shared strings, in order.
pub(crate) fn shared_strings(files: &HashMap<String, String>) -> Vec<String> {
    between(&files["xl/sharedStrings.xml"], "<si>", "</si>")
        .into_iter()
        .map(|si| {
            let t = &si[si.find('>').unwrap() + 1..];
            unescape(&t[..t.find("</t>").unwrap()])
        })
        .collect()
}

/// A sheet's rows, each cell as its column letters and its value: the text of a string (looked
/// up in the shared strings), the number of a number.
pub(crate) fn sheet_rows(xml: &str, strings: &[String]) -> Vec<Vec<(String, String)>> {
    between(xml, "<row ", "</row>")
        .into_iter()
        .map(|row| {
            between(row, "<c ", "</c>")
                .into_iter()
                .map(|cell| {
                    let reference = &cell[cell.find("r=\"").unwrap() + 3..];
                    let column: String = reference.chars().take_while(char::is_ascii_uppercase).collect();
                    let value = between(cell, "<v>", "</v>").first().map_or("", |v| v);
                    let value = if cell.contains("t=\"s\"") {
                        strings[value.parse::<usize>().unwrap()].clone()
                    } else {
                        value.to_string()
                    };
                    (column, value)
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_spreadsheet_has_a_frozen_header_and_the_numbers() {
    let files = unzip(fs_err::read(root().join("reports/2027/recommendation.xlsx")).unwrap());
    let sheet = &files["xl/worksheets/sheet1.xml"];
    assert!(sheet.contains("state=\"frozen\""), "no frozen pane");
    // Header, 43 municipalities and the sum row.
    assert_eq!(sheet.matches("<row ").count(), 45);
    let strings = &files["xl/sharedStrings.xml"];
    for word in ["Tilråding", "Øygarden", "Kommunenr."] {
        assert!(strings.contains(word), "{word}");
    }
    assert!(files["xl/workbook.xml"].contains("name=\"Tilråding\""));
}

#[test]
fn the_workbook_has_the_explanation_bounds_history_and_sources() {
    let files = unzip(fs_err::read(root().join("reports/2027/recommendation.xlsx")).unwrap());
    let strings = shared_strings(&files);
    let names: Vec<&str> = between(&files["xl/workbook.xml"], "<sheet name=\"", "\"");
    assert_eq!(
        names,
        [
            "Tilråding",
            "Forklaring per kriterium",
            "Grenser og margin",
            "Historikk",
            "Kjelder"
        ]
    );
    for k in 1..=5 {
        assert!(
            files[&format!("xl/worksheets/sheet{k}.xml")].contains("state=\"frozen\""),
            "sheet {k} has no frozen header"
        );
    }
    let rows = |k: usize| sheet_rows(&files[&format!("xl/worksheets/sheet{k}.xml")], &strings);
    let cell = |row: &[(String, String)], column: &str| {
        row.iter()
            .find(|c| c.0 == column)
            .map(|c| c.1.clone())
            .unwrap_or_default()
    };

    // The explanation: per municipality, a row per criterion (five) and four rows of sums, whose
    // persons add up to the recommendation as `explain` says.
    let explanation = rows(2);
    assert_eq!(explanation.len(), 1 + 43 * (5 + 4));
    for account in explanation[1..].chunks(9) {
        let persons = |r: &[(String, String)]| cell(r, "K").parse::<f64>().unwrap();
        let parts: f64 =
            account[..5].iter().map(|r| persons(r)).sum::<f64>() + persons(&account[6]) + persons(&account[7]);
        assert!((parts - persons(&account[8])).abs() < 1e-9, "{account:?}");
        assert_eq!(cell(&account[8], "D"), "Tilråding (a)");
    }
    let kinn: Vec<_> = explanation.iter().filter(|r| cell(r, "C") == "Kinn").collect();
    assert_eq!(cell(kinn[0], "D"), "Spreidd busetting");
    assert_eq!(cell(kinn[8], "K"), "37");

    // Bounds and margins: a row per municipality, Bergen capped per 1000 and its margin named.
    let bounds = rows(3);
    assert_eq!(bounds.len(), 44);
    assert_eq!(cell(&bounds[1], "C"), "Bergen");
    assert_eq!(cell(&bounds[1], "H"), "tak per 1000 innb.");
    assert!(cell(&bounds[1], "O").contains("Bjørnafjorden"), "{:?}", bounds[1]);

    // The history: each municipality's years, then the county's; this run's number in 2027.
    let history = rows(4);
    let kinn: Vec<_> = history.iter().filter(|r| cell(r, "B") == "Kinn").collect();
    let years: Vec<String> = kinn.iter().map(|r| cell(r, "C")).collect();
    assert_eq!(years, ["2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027"]);
    assert_eq!(cell(kinn[6], "E"), "75", "IMDi's request to Kinn for 2026");
    assert_eq!(cell(kinn[7], "D"), "37");
    assert_eq!(history.len(), 1 + 44 * 8);
    assert_eq!(cell(history.last().unwrap(), "B"), "Heile fylket");

    // The sources: each indicator's citation, the charts' source line, the inputs' SHA-256.
    let sources = rows(5);
    assert!(sources.iter().any(|r| cell(r, "F") == "SSB 07459 (2026)"));
    assert!(
        sources
            .iter()
            .any(|r| cell(r, "A").starts_with("Kjelde: SSB 07459 (2026)"))
    );
    assert!(
        sources
            .iter()
            .any(|r| cell(r, "A") == "criteria/default.toml" && cell(r, "B").len() == 64)
    );

    // The number formats of the first sheet.
    for format in ["formatCode=\"0\"", "formatCode=\"0.0\"", "formatCode=\"0.00%\""] {
        assert!(files["xl/styles.xml"].contains(format), "{format}");
    }
}

#[test]
fn the_map_names_the_municipalities_and_gives_each_its_number_on_hover() {
    let svg = fs_err::read_to_string(root().join("reports/2027/chart-map.svg")).unwrap();
    // A tooltip for every municipality, around its shapes.
    assert_eq!(svg.matches("<g><title>").count(), 43);
    assert!(svg.contains("<g><title>4601 Bergen: 514 (1,7 per 1000 innb.)</title>\n<polygon"));
    // The names that fit, Bergen and the large ones among them, written on the map.
    let labels: Vec<&str> = svg
        .split("<text ")
        .skip(1)
        .filter_map(|t| t.split('\n').nth(1))
        .collect();
    for name in ["Bergen", "Voss", "Sunnfjord", "Luster", "Ullensvang", "Kinn"] {
        assert!(labels.contains(&name), "{name} is not named on the map: {labels:?}");
    }
    // The report embeds the same map.
    let html = fs_err::read_to_string(root().join("reports/2027/report.html")).unwrap();
    assert!(html.contains("<title>4626 Øygarden: 77 (1,9 per 1000 innb.)</title>"));

    // The capacity chart names Bergen and the outliers.
    let svg = fs_err::read_to_string(root().join("reports/2027/chart-capacity.svg")).unwrap();
    for name in ["Bergen", "Kinn", "Sogndal", "Askøy"] {
        assert!(svg.contains(&format!("\n{name}\n</text>")), "{name} is not named");
    }
}

//! `busetting report`: the full report set, its determinism, languages, escaping, the
//! spreadsheet and the charts.

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

#[test]
fn the_spreadsheet_has_a_frozen_header_and_the_numbers() {
    let bytes = fs_err::read(root().join("reports/2027/recommendation.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\""), "no frozen pane");
    // Header, 43 municipalities and the sum row.
    assert_eq!(sheet.matches("<row ").count(), 45);
    let strings = read("xl/sharedStrings.xml");
    for word in ["Tilråding", "Øygarden", "Kommunenr."] {
        assert!(strings.contains(word), "{word}");
    }
    assert!(read("xl/workbook.xml").contains("name=\"Tilråding\""));
}

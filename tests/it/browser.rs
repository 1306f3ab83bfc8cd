//! report.html in a real browser: headless Chromium loads the page from disk, its DOM has
//! every row and chart, and a screenshot shows a page, not a blank; printed to PDF, it is whole
//! on A4. Without Chromium (or, for the print, poppler's `pdftotext`) a test says it was
//! skipped; under CI (`CI=true`) a missing tool is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Sandbox;

/// The first of these programs on PATH.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// A program the test needs: `None` (the test is skipped) when it is missing, except under CI,
/// where .ci/run installs it and its absence fails the test.
fn needed(names: &[&str], package: &str) -> Option<PathBuf> {
    let found = on_path(names);
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: {} is missing (.ci/run installs Debian's {package} package)",
            names[0]
        );
        eprintln!("skipped: no {} on PATH", names[0]);
    }
    found
}

fn chromium() -> Option<PathBuf> {
    needed(&["chromium", "chromium-browser", "google-chrome"], "chromium")
}

/// Runs the browser with the project's headless flags, stopping it after a minute; returns
/// what it printed (through a file: a pipe would fill up with a large DOM and stall it).
fn browse(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> String {
    let out = profile.join("stdout.txt");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::from(fs_err::File::create(&out).unwrap().into_parts().0))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the browser did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    String::from_utf8_lossy(&fs_err::read(&out).unwrap()).into_owned()
}

#[test]
fn the_report_opens_in_headless_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let s = Sandbox::new();
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let url = format!("file://{}", s.path("out/2027/report.html").display());
    let profile = tempfile::tempdir().unwrap();

    let dom = browse(&browser, profile.path(), &["--dump-dom"], &url);
    assert_eq!(
        dom.matches("<tr class=\"municipality\">").count(),
        43,
        "{}",
        &dom[..dom.len().min(500)]
    );
    for chart in [
        "contributions",
        "per-1000",
        "map",
        "against-previous",
        "capacity",
        "backtest",
    ] {
        let at = dom
            .find(&format!("id=\"chart-{chart}\""))
            .unwrap_or_else(|| panic!("chart {chart} missing"));
        let figure: String = dom[at..].chars().take(300).collect();
        assert!(figure.contains("<svg"), "chart {chart} has no SVG: {figure}");
    }
    assert!(dom.contains("Tilråding om busetjing av flyktningar i 2027"));
    // The map's shapes carry each municipality's number, which the browser shows on hover.
    assert_eq!(dom.matches("<g><title>").count(), 43);
    assert!(dom.contains("<g><title>4601 Bergen: 514 (1,7 per 1000 innb.)</title>"));

    let shot = s.path("shot.png");
    browse(
        &browser,
        profile.path(),
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
            "--hide-scrollbars",
        ],
        &url,
    );
    let image = image::open(&shot).unwrap().to_rgb8();
    assert_eq!((image.width(), image.height()), (1280, 2000));
    let ink = image.pixels().filter(|p| p.0.iter().any(|&v| v < 200)).count();
    let mut colours: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        ink > 20_000 && colours.len() > 50,
        "the screenshot looks blank: {ink} inked pixels, {} colours",
        colours.len()
    );
}

/// Text from `pdftotext -raw` with every run of white space (line ends, no-break spaces) as one
/// space: a heading that wraps in its cell reads as one line again.
fn words(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The ranked table's column headings as the page writes them.
fn headings(html: &str) -> Vec<String> {
    let table = &html[html.find("id=\"recommendation\"").expect("the ranked table")..];
    let head = &table[..table.find("</thead>").expect("its header")];
    head.split("<th")
        .filter(|cell| cell.starts_with(['>', ' ']))
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..cell.find("</th>").unwrap()];
            text.replace("&amp;", "&").replace("&#x2f;", "/")
        })
        .collect()
}

#[test]
fn the_report_prints_whole_on_a4() {
    let (Some(browser), Some(pdftotext)) = (chromium(), needed(&["pdftotext"], "poppler-utils")) else {
        return;
    };
    let s = Sandbox::new();
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let url = format!("file://{}", s.path("out/2027/report.html").display());
    let pdf = s.path("report.pdf");
    let profile = tempfile::tempdir().unwrap();
    browse(
        &browser,
        profile.path(),
        &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())],
        &url,
    );

    // Every page is A4 across (in points, 842 × 595).
    let bytes = fs_err::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let boxes: Vec<Vec<f64>> = raw
        .split("/MediaBox [")
        .skip(1)
        .map(|b| {
            b[..b.find(']').unwrap()]
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect()
        })
        .collect();
    assert!(!boxes.is_empty(), "no page in the PDF");
    for b in &boxes {
        assert!(
            (b[2] - 842.0).abs() < 2.0 && (b[3] - 595.0).abs() < 2.0,
            "a page is not A4 landscape: {b:?}"
        );
    }

    let out = Command::new(pdftotext).arg("-raw").arg(&pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let pages: Vec<String> = text.split('\u{c}').map(words).collect();
    assert_eq!(
        pages.len() - 1,
        boxes.len(),
        "pdftotext ends every page with a form feed"
    );
    let all = pages.join(" ");

    // Every column of the ranked table is on paper.
    let headings = headings(&s.read("out/2027/report.html"));
    assert!(headings.len() >= 15, "{headings:?}");
    for h in &headings {
        assert!(
            all.contains(&words(h)),
            "the heading {h:?} is not in the printed report"
        );
    }

    let mut csv = csv::Reader::from_path(s.path("out/2027/recommendation.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 43);
    let mut table_pages = Vec::new();
    for row in &rows {
        let (rank, knr, name, n) = (&row[0], &row[1], &row[2], &row[3]);
        assert!(all.contains(name), "{name} is not in the printed report");
        // Its row of the ranked table, whole on one page from the rank to the last column.
        let line = format!("{rank} {knr} {name} {n} ");
        let page = pages
            .iter()
            .position(|p| p.starts_with(&line) || p.contains(&format!(" {line}")))
            .unwrap_or_else(|| panic!("the row {line:?} is not in the printed table"));
        table_pages.push(page);
        // Its explanation starts a page (the first under the section's heading).
        let heading = format!("{name} ({knr}): tilråding {n} for 2027");
        let first = format!("Forklaring per kommune {heading}");
        assert!(
            pages.iter().any(|p| p.starts_with(&heading) || p.starts_with(&first)),
            "the explanation of {name} does not start a page"
        );
    }
    // The table runs over more than one page, and each of them repeats every heading.
    table_pages.sort_unstable();
    table_pages.dedup();
    assert!(
        table_pages.len() > 1,
        "the ranked table fits one page: pages {table_pages:?}"
    );
    for &p in &table_pages {
        for h in &headings {
            assert!(
                pages[p].contains(&words(h)),
                "page {} of the table lacks the heading {h:?}",
                p + 1
            );
        }
    }
}

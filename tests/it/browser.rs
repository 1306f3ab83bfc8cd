//! report.html in a real browser: headless Chromium loads the page from disk, its DOM has
//! every row and chart, and a screenshot shows a page, not a blank. Without Chromium the test
//! says it was skipped; under CI (`CI=true`) a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Sandbox;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
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
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: Chromium is missing (.ci/run installs Debian's chromium package)"
        );
        eprintln!("skipped: no chromium on PATH");
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

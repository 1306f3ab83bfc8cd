//! The planners' workbench in a real browser: headless Chromium, driven over the DevTools
//! protocol (chromiumoxide), loads the page from `busetting serve`, moves a weight, sees the
//! table and the map change, opens a municipality's explanation and saves the settings with
//! "Save as"; then `check` accepts the saved file and `recommend` with it gives the numbers the
//! page showed. Without Chromium the test says it was skipped; under CI (`CI=true`) a missing
//! browser is a failure. With BUSETTING_SCREENSHOT set it writes docs/workbench.png.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::{Page, ScreenshotParams};
use futures::StreamExt;
use serde_json::Value;

use crate::common::{Sandbox, root, run_in};
use crate::serve::Server;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// The value of a JavaScript expression in the page.
async fn js(page: &Page, expression: &str) -> Value {
    page.evaluate(expression)
        .await
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .into_value::<Value>()
        .unwrap_or(Value::Null)
}

/// Waits (in real time: the page keeps an event stream open) until the expression is true.
async fn until(page: &Page, what: &str, expression: &str) {
    let start = Instant::now();
    loop {
        if js(page, expression).await == Value::Bool(true) {
            return;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let status = js(page, "document.getElementById('status-text').textContent").await;
            panic!("waited a minute for {what}; the status bar says {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The table as shown: kommunenummer → recommendation (digits of the cell).
const TABLE: &str = r#"Object.fromEntries([...document.querySelectorAll('#ranked tbody tr[data-knr]')].map((tr) =>
    [tr.dataset.knr, Number(tr.querySelector('[data-col="recommendation"]').textContent.replace(/\D/g, ''))]))"#;

/// The map's fill per municipality.
const FILLS: &str = r#"Object.fromEntries([...document.querySelectorAll('#map [data-knr]')].map((p) =>
    [p.getAttribute('data-knr'), p.getAttribute('fill')]))"#;

const FIRST_ROWS: &str = r#"[...document.querySelectorAll('#ranked tbody tr[data-knr]')].slice(0, 5).map((tr) =>
    tr.querySelector('[data-col="recommendation"]').textContent)"#;

fn version(v: &Value) -> u64 {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn the_workbench_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: Chromium is missing (.ci/run installs Debian's chromium package)"
        );
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let shown: BTreeMap<String, u64> = runtime.block_on(async {
        let config = BrowserConfig::builder()
            .chrome_executable(&browser)
            .new_headless_mode()
            .no_sandbox()
            .user_data_dir(profile.path())
            .window_size(1440, 1000)
            .viewport(Viewport {
                width: 1440,
                height: 1000,
                device_scale_factor: Some(1.0),
                emulating_mobile: false,
                is_landscape: true,
                has_touch: false,
            })
            .args(["--disable-gpu", "--disable-background-networking", "--no-first-run"])
            .build()
            .unwrap();
        let (mut chrome, mut handler) = Browser::launch(config).await.unwrap();
        // Events the protocol crate does not know are only skipped.
        let events = tokio::spawn(async move { while handler.next().await.is_some() {} });

        let page = chrome.new_page(server.url.as_str()).await.unwrap();
        until(&page, "the page to start", "document.body.dataset.ready === '1'").await;
        assert_eq!(js(&page, "document.querySelectorAll('#ranked tbody tr').length").await, 43);
        assert_eq!(js(&page, "document.querySelectorAll('#map [data-knr]').length").await, 43);
        assert_eq!(
            js(&page, "document.getElementById('w-labour').value").await,
            "0.15",
            "the sliders show the file's weights"
        );
        let rows_before = js(&page, FIRST_ROWS).await;
        let table_before = js(&page, TABLE).await;
        let fills_before = js(&page, FILLS).await;
        assert_eq!(table_before["4601"], 514, "Bergen as `recommend` gives it");
        let v0 = version(&js(&page, "document.body.dataset.version").await);

        // Move the labour-market weight as a hand on the slider would.
        js(
            &page,
            "(() => { const s = document.getElementById('w-labour'); s.value = '0.45'; \
             s.dispatchEvent(new Event('input', { bubbles: true })); return true; })()",
        )
        .await;
        until(
            &page,
            "the new numbers",
            &format!("Number(document.body.dataset.version) > {v0}"),
        )
        .await;
        assert_eq!(js(&page, "document.getElementById('wn-labour').value").await, "0.45");
        let sum = js(
            &page,
            "[...document.querySelectorAll('input[id^=\"wn-\"]')].reduce((s, i) => s + Number(i.value), 0)",
        )
        .await;
        assert!((sum.as_f64().unwrap() - 1.0).abs() < 0.02, "the other weights rescale: {sum}");
        let table_after = js(&page, TABLE).await;
        assert_ne!(js(&page, FIRST_ROWS).await, rows_before, "the table's first numbers did not change");
        assert_ne!(table_after, table_before);
        assert_ne!(js(&page, FILLS).await, fills_before, "the map's colours did not change");
        let changes = js(
            &page,
            "[...document.querySelectorAll('#ranked [data-col=\"change\"]')].filter((td) => td.textContent !== '0').length",
        )
        .await;
        assert!(changes.as_u64().unwrap() > 0, "the change column shows no change");

        // The README's picture: the moved weight, the table with its changes, the map.
        if std::env::var_os("BUSETTING_SCREENSHOT").is_some() {
            let png = page
                .screenshot(ScreenshotParams::builder().build())
                .await
                .unwrap();
            fs_err::write(root().join("docs/workbench.png"), png).unwrap();
        }

        // Click a municipality's row: its explanation, as `explain` words it.
        let row = page.find_element("#ranked tbody tr[data-knr=\"4602\"]").await.unwrap();
        row.click().await.unwrap();
        until(
            &page,
            "the explanation",
            "!document.getElementById('explanation').hidden && document.getElementById('explanation-text').textContent.includes('Margin')",
        )
        .await;
        let text = js(&page, "document.getElementById('explanation-text').textContent").await;
        let text = text.as_str().unwrap();
        assert!(text.starts_with("Kinn (4602): tilråding"), "{text}");
        let kinn = table_after["4602"].as_u64().unwrap();
        assert!(text.starts_with(&format!("Kinn (4602): tilråding {kinn} for 2027")), "{text}");
        let sentence = js(&page, "document.getElementById('explanation-sentence').textContent").await;
        assert!(sentence.as_str().unwrap().starts_with(&format!("Kinn: {kinn}")), "{sentence}");

        // Save as …: the inline form, a new name, OK.
        page.find_element("#save").await.unwrap().click().await.unwrap();
        until(&page, "the save form", "!document.getElementById('save-form').hidden").await;
        js(
            &page,
            "(() => { document.getElementById('save-path').value = 'from-browser.toml'; return true; })()",
        )
        .await;
        page.find_element("#save-ok").await.unwrap().click().await.unwrap();
        until(
            &page,
            "the file to be saved",
            "document.getElementById('status-text').dataset.kind === 'ok'",
        )
        .await;
        let status = js(&page, "document.getElementById('status-text').textContent").await;
        assert!(status.as_str().unwrap().ends_with("from-browser.toml"), "{status}");

        let shown: BTreeMap<String, u64> = serde_json::from_value(js(&page, TABLE).await).unwrap();
        chrome.close().await.unwrap();
        let _ = chrome.wait().await;
        events.abort();
        shown
    });

    let saved = s.read("criteria/from-browser.toml");
    assert!(saved.contains("weight = 0.45"), "{saved}");
    let check = run_in(s.dir.path(), &["check", "--criteria", "criteria/from-browser.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let r = run_in(
        s.dir.path(),
        &[
            "recommend",
            "--criteria",
            "criteria/from-browser.toml",
            "--format",
            "json",
            "--no-write",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cli: Value = serde_json::from_str(&r.stdout).unwrap();
    let printed: BTreeMap<String, u64> = cli["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kommunenummer"].as_str().unwrap().to_string(),
                m["recommendation"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown.len(), 43);
    assert_eq!(
        printed, shown,
        "recommend with the saved file does not give the numbers the page showed"
    );
}

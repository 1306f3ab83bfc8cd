//! `busetting backtest`: each past year made from the years before it, against IMDi's requests,
//! beside four baselines; no figure from the year itself or later may reach its prediction.

use std::collections::HashMap;

use crate::common::{Sandbox, run};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Reads a CSV into rows of (header → cell).
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn prints_every_year_for_the_file_and_four_baselines() {
    let r = run(&[
        "backtest",
        "--criteria",
        "criteria/backtested.toml",
        "--fit",
        "--no-write",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    for head in [
        "Fila: snittfeil",
        "Førre oppmoding",
        "Førre vedtak",
        "Folketalsdel",
        "Lik del",
    ] {
        assert!(out.contains(head), "{head} missing:\n{out}");
    }
    // One row per year 2021–2026, each with the file's figures and the four baselines.
    for year in 2021..=2026 {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(&year.to_string()))
            .unwrap_or_else(|| panic!("{year} missing:\n{out}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        // Year, total, the file's three figures ("79 %" is two words) and four baselines.
        assert_eq!(cells.len(), 10, "{line}");
        assert!(cells.iter().all(|c| *c != "–"), "{line}");
    }
    assert!(out.contains("Dom: fila slår den beste grunnlinja"), "{out}");
    // Weights for each year fitted on the years before it only.
    assert!(
        out.contains("2026: vekter tilpassa 2021, 2022, 2023, 2024 og 2025:"),
        "{out}"
    );
    assert!(
        out.contains("2021: ingen tidlegare år kunne brukast til tilpassinga (2020: "),
        "{out}"
    );
}

#[test]
fn the_backtested_file_beats_the_best_baseline_from_2022() {
    // The README's claim: the rolling fit on Vestland 2022–2026 beats the best baseline.
    let r = run(&[
        "backtest",
        "--criteria",
        "criteria/backtested.toml",
        "--fit",
        "--from",
        "2022",
        "--format",
        "json",
        "--no-write",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    let v = &doc["verdict"];
    assert_eq!(v["years"], 5);
    assert!(v["file_sum"].as_f64().unwrap() < v["best_sum"].as_f64().unwrap(), "{v}");
}

/// The last-request baseline for 2025, computed here from IMDi's CSV alone: each Vestland
/// municipality's share of the 2024 requests times the 2025 total, against its 2025 request.
#[test]
fn a_baseline_recomputed_from_the_csv_agrees() {
    let text =
        fs_err::read_to_string(crate::common::root().join("data/norway-imdi-anmodning-vedtak-bosatt-2024-2026.csv"))
            .unwrap();
    let rows = rows(&text);
    let request = |year: &str| -> HashMap<String, f64> {
        rows.iter()
            .filter(|r| r["fylkesnummer"] == "46" && r["year"] == year)
            .map(|r| (r["kommunenummer"].clone(), r["anmodet"].parse::<f64>().unwrap()))
            .collect()
    };
    let (last, now) = (request("2024"), request("2025"));
    assert_eq!(now.len(), 43);
    let (sum_last, total): (f64, f64) = (last.values().sum(), now.values().sum());
    let mae = now
        .iter()
        .map(|(k, actual)| (total * last[k] / sum_last - actual).abs())
        .sum::<f64>()
        / 43.0;

    let r = run(&[
        "backtest",
        "--from",
        "2025",
        "--to",
        "2025",
        "--format",
        "json",
        "--no-write",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    let year = &doc["years"][0];
    assert_eq!(year["year"], 2025);
    assert_eq!(year["total"].as_f64(), Some(total));
    let shown = year["baselines"][0]["mae"].as_f64().unwrap();
    assert!((shown - mae).abs() < 1e-9, "{shown} against {mae}");
    // And the CSV says the same.
    let csv = run(&[
        "backtest",
        "--from",
        "2025",
        "--to",
        "2025",
        "--format",
        "csv",
        "--no-write",
    ]);
    let line = rows_of(&csv.stdout, "last-request");
    assert!((line["mae"].parse::<f64>().unwrap() - mae).abs() < 1e-9);
}

fn rows_of(text: &str, predictor: &str) -> HashMap<String, String> {
    rows(text).into_iter().find(|r| r["predictor"] == predictor).unwrap()
}

/// Multiplies every number in `columns` of the rows where `pick` holds by 1.7 and adds 13 (a
/// blank gets 99); with `rotate`, the values of the `rotate` column of the picked Vestland rows
/// move one municipality on, so their sum is kept.
fn corrupt(
    s: &Sandbox,
    file: &str,
    pick: &dyn Fn(&HashMap<String, String>) -> bool,
    columns: &[&str],
    rotate: Option<&str>,
) {
    let text = s.read(file);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let as_map =
        |rec: &Vec<String>| -> HashMap<String, String> { header.iter().cloned().zip(rec.iter().cloned()).collect() };
    let picked: Vec<usize> = (0..records.len()).filter(|&i| pick(&as_map(&records[i]))).collect();
    assert!(!picked.is_empty(), "nothing picked in {file}");
    for &i in &picked {
        for c in columns {
            let k = col(c);
            let cell = &records[i][k];
            records[i][k] = match cell.parse::<f64>() {
                Ok(v) => format!("{}", (v * 1.7 + 13.0).round()),
                Err(_) => "99".to_string(),
            };
        }
    }
    if let Some(c) = rotate {
        let k = col(c);
        let vestland: Vec<usize> = picked
            .iter()
            .copied()
            .filter(|&i| records[i][0].starts_with("46"))
            .collect();
        let values: Vec<String> = vestland.iter().map(|&i| records[i][k].clone()).collect();
        for (j, &i) in vestland.iter().enumerate() {
            records[i][k] = values[(j + 1) % values.len()].clone();
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &records {
        w.write_record(r).unwrap();
    }
    s.write(file, w.into_inner().unwrap());
}

fn predicted(s: &Sandbox, criteria: &str, year: i64) -> Vec<u64> {
    let y = year.to_string();
    let r = s.run(&[
        "backtest",
        "--criteria",
        criteria,
        "--fit",
        "--from",
        &y,
        "--to",
        &y,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    let file = &doc["years"][0]["file"];
    let ok = file.get("Ok").unwrap_or_else(|| panic!("{year}: {file}"));
    ok["predicted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

#[test]
fn no_figure_from_the_year_itself_or_later_reaches_its_prediction() {
    for (criteria, year) in [
        ("criteria/default.toml", 2024),
        ("criteria/default.toml", 2026),
        ("criteria/backtested.toml", 2022),
        ("criteria/backtested.toml", 2025),
        ("criteria/labour-market-led.toml", 2026),
    ] {
        let s = Sandbox::new();
        let before = predicted(&s, criteria, year);
        let from = |r: &HashMap<String, String>| r["year"].parse::<i64>().unwrap() >= year;
        let after_year = |r: &HashMap<String, String>| r["year"].parse::<i64>().unwrap() > year;
        let this_year = |r: &HashMap<String, String>| r["year"].parse::<i64>().unwrap() == year;
        let all = |_: &HashMap<String, String>| true;
        // Population on 1 January of the year and later.
        corrupt(&s, "data/norway-population.csv", &from, &["population"], None);
        // IMDi's figures: every later year whole; the year itself but for the requests, which
        // are moved between municipalities so that the county total (the run's total) is kept.
        for (file, request, others) in [
            (
                "data/norway-imdi-anmodning-vedtak-bosatt-2020-2023.csv",
                "anmodning",
                &["vedtak", "bosatt", "opprinnelig_anmodning"][..],
            ),
            (
                "data/norway-imdi-anmodning-vedtak-bosatt-2024-2026.csv",
                "anmodet",
                &["vedtatt", "bosatte"][..],
            ),
        ] {
            let text = s.read(file);
            let years: Vec<i64> = rows(&text).iter().map(|r| r["year"].parse().unwrap()).collect();
            if years.iter().any(|&y| y > year) {
                let mut cols = vec![request];
                cols.extend(others);
                corrupt(&s, file, &after_year, &cols, None);
            }
            if years.contains(&year) {
                corrupt(&s, file, &this_year, others, Some(request));
            }
        }
        // Figures of one date from the year on: the employment rate (2022), the capacity
        // dialogue (2024, 2026), NAV's unemployment (2026), the minors' request (2026).
        if year <= 2022 {
            corrupt(
                &s,
                "data/norway-employment-rate.csv",
                &all,
                &["employment_rate_15_74_pct", "employed_15_74_by_workplace"],
                None,
            );
        }
        if year <= 2024 {
            corrupt(
                &s,
                "data/vestland-capacity-dialogue-2027.csv",
                &all,
                &["declared_capacity"],
                None,
            );
        }
        corrupt(
            &s,
            "data/vestland-capacity-dialogue-2027.csv",
            &all,
            &["intro_result_pct"],
            None,
        );
        corrupt(
            &s,
            "data/vestland-unemployment-nav-2026-04.csv",
            &all,
            &["helt_ledige_pct_arbeidsstyrken"],
            None,
        );
        corrupt(&s, "data/norway-imdi-em-2026.csv", &all, &["em_total"], None);
        let after = predicted(&s, criteria, year);
        assert_eq!(before, after, "{criteria} {year}");
    }
}

#[test]
fn the_corruption_does_reach_a_later_year() {
    // The same corruption of 2024 and later does move the prediction for 2025: the test above
    // would see a leak.
    let s = Sandbox::new();
    let before = predicted(&s, "criteria/backtested.toml", 2025);
    let from = |r: &HashMap<String, String>| r["year"].parse::<i64>().unwrap() >= 2024;
    corrupt(
        &s,
        "data/norway-imdi-anmodning-vedtak-bosatt-2024-2026.csv",
        &from,
        &["vedtatt"],
        None,
    );
    assert_ne!(before, predicted(&s, "criteria/backtested.toml", 2025));
}

#[test]
fn the_whole_country_and_the_decisions() {
    let r = run(&["backtest", "--county", "all", "--format", "json", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    assert_eq!(doc["kommunenummer"].as_array().unwrap().len(), 357);
    let y2026 = doc["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2026)
        .unwrap();
    assert_eq!(y2026["total"], 13000);
    let d = run(&[
        "backtest",
        "--target",
        "decision",
        "--from",
        "2024",
        "--to",
        "2024",
        "--format",
        "json",
        "--no-write",
    ]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    // Vestland decided 3227 in 2024.
    assert_eq!(json(&d.stdout)["years"][0]["total"], 3227);
}

#[test]
fn writes_the_table_files_and_the_chart() {
    let s = Sandbox::new();
    let r = s.run(&["backtest", "--fit", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "backtest-default-fit.csv",
        "backtest-default-fit.json",
        "chart-backtest-default-fit.svg",
        "chart-backtest-default-fit.png",
    ] {
        assert!(s.path(&format!("out/analyses/2027/{f}")).exists(), "{f}: {}", r.stderr);
    }
    let csv = s.read("out/analyses/2027/backtest-default-fit.csv");
    // Six years, the file and four baselines each.
    assert_eq!(csv.lines().count(), 1 + 6 * 5);
    let svg = s.read("out/analyses/2027/chart-backtest-default-fit.svg");
    assert!(svg.contains("Tilbakeprøving"));
}

#[test]
fn a_left_out_criterion_is_named() {
    // The employment rate is from 2022: in 2022 the labour criterion is left out and named, in
    // 2023 it is used.
    let s = Sandbox::new();
    s.criteria_with("years = 3", "years = 1");
    let r = s.run(&[
        "backtest",
        "--from",
        "2022",
        "--to",
        "2023",
        "--criteria",
        "criteria.toml",
        "--no-write",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("2022: kriteriet `labour` er utelate, for tala er frå 2022"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("2023: kriteriet `labour` er utelate"),
        "{}",
        r.stdout
    );
}

#[test]
fn continuity_is_the_mean_of_the_yearly_shares_and_the_stock_is_per_1000() {
    let s = Sandbox::new();
    s.write(
        "c.toml",
        r#"year = 2027
county = "46"
total = 1474

[[criterion]]
id = "continuity"
basis = "share"
column = "request"
years = 2
weight = 0.5

[[criterion]]
id = "stock"
basis = "population-weighted"
column = "settled"
lag = 1
years = 2
missing = "zero"
direction = "less"
scale = "min-max"
weight = 0.5
"#,
    );
    let r = s.run(&["recommend", "--criteria", "c.toml", "--format", "json", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&r.stdout);
    // From the CSVs alone: requests 2025 and 2026, settled 2025 and 2026, population 1.1.2026.
    let imdi = rows(&s.read("data/norway-imdi-anmodning-vedtak-bosatt-2024-2026.csv"));
    let pick = |year: &str, col: &str| -> HashMap<String, f64> {
        imdi.iter()
            .filter(|r| r["fylkesnummer"] == "46" && r["year"] == year)
            .map(|r| (r["kommunenummer"].clone(), r[col].parse::<f64>().unwrap_or(0.0)))
            .collect()
    };
    let (r25, r26) = (pick("2025", "anmodet"), pick("2026", "anmodet"));
    let (s25, s26) = (pick("2025", "bosatte"), pick("2026", "bosatte"));
    let population: HashMap<String, f64> = rows(&s.read("data/norway-population.csv"))
        .into_iter()
        .filter(|r| r["year"] == "2026")
        .map(|r| (r["kommunenummer"].clone(), r["population"].parse().unwrap()))
        .collect();
    let (t25, t26): (f64, f64) = (r25.values().sum(), r26.values().sum());
    for m in doc["municipalities"].as_array().unwrap() {
        let k = m["kommunenummer"].as_str().unwrap();
        let share = m["contributions"][0]["share"].as_f64().unwrap();
        let expected = (r25[k] / t25 + r26[k] / t26) / 2.0;
        assert!((share - expected).abs() < 1e-12, "{k}: {share} against {expected}");
        assert_eq!(m["contributions"][0]["column"], "request[2025–2026]");
        let value = m["contributions"][1]["value"].as_f64().unwrap();
        let per_1000 = (s25[k] + s26[k]) / population[k] * 1000.0;
        assert!((value - per_1000).abs() < 1e-9, "{k}: {value} against {per_1000}");
    }
}

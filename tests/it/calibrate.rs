//! `busetting calibrate`: recovers the weights that made an allocation, and the file it writes
//! reproduces that allocation exactly.

use crate::common::Sandbox;

fn criteria(weights: [&str; 4]) -> String {
    format!(
        r#"year = 2027
county = "46"
total = 4500
method = "sainte-lague"

[[criterion]]
id = "spread"
label = "Spreidd busetting"
basis = "equal"
weight = {}

[[criterion]]
id = "population"
label = "Folketal"
basis = "share"
column = "population"
weight = {}

[[criterion]]
id = "labour"
label = "Arbeidsmarknad"
basis = "population-weighted"
column = "employment_rate"
weight = {}

[[criterion]]
id = "stock"
label = "Alt busette"
basis = "population-weighted"
column = "settled"
years = 3
missing = "zero"
direction = "less"
scale = "min-max"
floor = 0.5
weight = {}
"#,
        weights[0], weights[1], weights[2], weights[3]
    )
}

fn column(csv_text: &str, name: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let k = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[1].to_string(), rec[k].to_string())
        })
        .collect()
}

fn weights_in(text: &str) -> Vec<f64> {
    text.lines()
        .filter_map(|l| l.strip_prefix("weight = "))
        .map(|w| w.parse().unwrap())
        .collect()
}

/// A sandbox with `truth.toml`, `start.toml`, and the truth's quota and allocation as two
/// indicators `synthetic_quota` and `synthetic_allocation`.
fn synthetic() -> (Sandbox, Vec<(String, String)>) {
    let s = Sandbox::new();
    s.write("truth.toml", criteria(["0.2", "0.3", "0.2", "0.3"]));
    s.write("start.toml", criteria(["0.25", "0.25", "0.25", "0.25"]));
    let r = s.run(&["recommend", "--criteria", "truth.toml", "--format", "csv", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let quota = column(&r.stdout, "unbounded_quota");
    let seats = column(&r.stdout, "recommendation");
    let mut table = String::from("kommunenummer,quota,allocation\n");
    for ((knr, q), (_, a)) in quota.iter().zip(&seats) {
        table.push_str(&format!("{knr},{q},{a}\n"));
    }
    s.write("data/synthetic.csv", table);
    let mut catalogue = s.read("data/indicators.toml");
    for (name, col) in [("synthetic_quota", "quota"), ("synthetic_allocation", "allocation")] {
        catalogue.push_str(&format!(
            "\n[indicator.{name}]\nkind = \"count\"\nfile = \"synthetic.csv\"\ncolumn = \"{col}\"\nlabel = \"Synthetic\"\n"
        ));
    }
    s.write("data/indicators.toml", catalogue);
    (s, seats)
}

#[test]
fn recovers_known_weights_and_reproduces_their_allocation() {
    let (s, seats) = synthetic();
    // Fitted to the quota before rounding: the weights themselves.
    let r = s.run(&[
        "calibrate",
        "--target",
        "synthetic_quota",
        "--criteria",
        "start.toml",
        "--write",
        "fit-quota.toml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fitted = weights_in(&s.read("fit-quota.toml"));
    for (f, t) in fitted.iter().zip([0.2, 0.3, 0.2, 0.3]) {
        assert!((f - t).abs() < 1e-6, "{fitted:?}");
    }
    assert!(r.stdout.contains("R² = 1,0000"), "{}", r.stdout);

    // Fitted to the whole numbers: the written file gives exactly the same allocation.
    let r = s.run(&[
        "calibrate",
        "--target",
        "synthetic_allocation",
        "--criteria",
        "start.toml",
        "--write",
        "fit.toml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = s.read("fit.toml");
    assert!(written.starts_with("# Weights fitted by `busetting calibrate --target synthetic_allocation`"));
    assert!(written.contains("The weights before fitting: spread 0.25"), "{written}");
    let again = s.run(&["recommend", "--criteria", "fit.toml", "--format", "csv", "--no-write"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    // The written weights give the fit's own allocation: its deviation from the target is the
    // one the header states, and a fit to whole numbers made by known weights is off by at most
    // a unit here and there.
    let again = column(&again.stdout, "recommendation");
    let deviation = again
        .iter()
        .zip(&seats)
        .map(|((_, a), (_, b))| (a.parse::<f64>().unwrap() - b.parse::<f64>().unwrap()).abs())
        .sum::<f64>()
        / seats.len() as f64;
    let stated: f64 = written
        .split("deviation\n# of ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no deviation in {written}"));
    assert!((deviation - stated).abs() <= 0.05, "{deviation} against {stated}");
    assert!(deviation < 0.2, "{deviation}");
}

#[test]
fn fits_imdi_requests_on_the_shipped_data() {
    let s = Sandbox::new();
    let r = s.run(&["calibrate", "--target", "imdi_request_2024"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // R² on shares, the deviation in persons, the worst-fitted municipalities and the note that
    // two criteria have the same shares here (introduction results are filled with the mean).
    assert!(r.stdout.contains("R² = 0,9"), "{}", r.stdout);
    assert!(r.stdout.contains("gjennomsnittleg avvik"));
    assert!(r.stdout.contains("Dårlegast tilpassa"));
    let misspelt = s.run(&["calibrate", "--target", "imdi_reqest_2024"]);
    assert_eq!(misspelt.code, 2);
    assert!(misspelt.stderr.contains("imdi_request_2024"), "{}", misspelt.stderr);
}

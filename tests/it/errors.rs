//! Bad input: each case breaks one thing and asserts the whole message (file, line and column,
//! what is wrong, what to do) and the exit code. The snapshots are in `snapshots/`.

use crate::common::{Run, Sandbox};

fn shown(r: &Run) -> String {
    format!("exit code {}\n{}", r.code, r.stderr)
}

fn check(s: &Sandbox) -> String {
    let r = s.run(&["check", "--criteria", "criteria.toml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    shown(&r)
}

macro_rules! case {
    ($name:ident, $sandbox:ident => $setup:expr) => {
        #[test]
        fn $name() {
            let owned = Sandbox::new();
            let $sandbox = &owned;
            let text = $setup;
            insta::assert_snapshot!(stringify!($name), text);
        }
    };
}

case!(misspelt_key, s => check(s.criteria_with("weight = 0.35", "wieght = 0.35")));
case!(negative_weight, s => check(s.criteria_with("weight = 0.35", "weight = -0.35")));
case!(weights_not_summing_to_one, s => check(s.criteria_with("weight = 0.35", "weight = 0.30")));
case!(unknown_column, s => check(s.criteria_with("column = \"employment_rate\"", "column = \"employment_rat\"")));
case!(total_zero, s => check(s.criteria_with("total = 1474", "total = 0")));
case!(total_negative, s => check(s.criteria_with("total = 1474", "total = -1474")));
case!(unknown_method, s => check(s.criteria_with("method = \"sainte-lague\"", "method = \"sainte-lage\"")));
case!(missing_required_key, s => check(s.criteria_with("year = 2027\n", "")));
case!(wrong_type, s => check(s.criteria_with("total = 1474", "total = \"1474\"")));
case!(toml_syntax, s => check(s.criteria_with("total = 1474", "total = 1474 persons")));
case!(norwegian_letter_in_bare_key, s => check(s.criteria_with("year = 2027", "år = 2027")));
case!(empty_criteria_file, s => check(s.write("criteria.toml", "\n")));
case!(criteria_not_utf8, s => check(s.write("criteria.toml", b"title = \"Fl\xF8ra\"\n")));
case!(unknown_override_municipality, s => check(s.criteria_with(
    "[bounds]",
    "[[override]]\nkommune = \"Floro\"\nmax = 40\nreason = \"council decision\"\n\n[bounds]"
)));
case!(override_without_reason, s => check(s.criteria_with("[bounds]", "[[override]]\nkommune = \"4602\"\nmax = 40\n\n[bounds]")));

case!(infeasible_capacity, s => {
    // The declared capacity (the 2024 decisions) adds up to 3227: short of 4000.
    s.criteria_with("per-1000-cap = 30", "capacity = \"declared_capacity\"")
        .edit("criteria.toml", "total = 1474", "total = 4000");
    let r = s.run(&["recommend", "--criteria", "criteria.toml", "--out", "out"]);
    assert!(!s.path("out").exists());
    shown(&r)
});
case!(infeasible_minimum, s => {
    s.criteria_with("minimum-if-asked = 10", "minimum = 35").edit("criteria.toml", "per-1000-cap = 30", "");
    check(s)
});
case!(lower_above_upper, s => check(s.criteria_with("minimum-if-asked = 10", "minimum = 30")));

case!(non_numeric_value, s => {
    s.criteria_with("", "").edit("data/norway-population.csv", "4602,Kinn,2026,17356", "4602,Kinn,2026,tolv");
    check(s)
});
case!(negative_value, s => {
    s.criteria_with("", "").edit("data/norway-employment-rate.csv", "4602,Kinn,2022,68.7", "4602,Kinn,2022,-68.7");
    check(s)
});
case!(decimal_comma, s => {
    s.criteria_with("", "").edit("data/norway-employment-rate.csv", "4602,Kinn,2022,68.7,", "4602,Kinn,2022,\"68,7\",");
    check(s)
});
case!(duplicate_kommunenummer, s => {
    s.criteria_with("", "").edit("data/norway-employment-rate.csv", "4611,Etne,", "4602,Etne,");
    check(s)
});
case!(unknown_kommunenummer, s => {
    s.criteria_with("", "").edit("data/vestland-unemployment-nav-2026-04.csv", "4651,Stryn", "4699,Stryn");
    s.criteria_with("weight = 0.15\n\n# Results", "weight = 0.10\n\n[[criterion]]\nid = \"unemployment\"\nbasis = \"population-weighted\"\ncolumn = \"unemployment_pct\"\ndirection = \"less\"\nscale = \"min-max\"\nweight = 0.05\n\n# Results");
    check(s)
});
case!(three_digit_kommunenummer, s => {
    s.criteria_with("", "").edit("data/vestland-capacity-dialogue-2027.csv", "4602,Kinn", "460,Kinn");
    check(s)
});
case!(municipality_missing_from_a_table, s => {
    let text = s.read("data/norway-employment-rate.csv");
    let without: String = text.lines().filter(|l| !l.starts_with("4602,")).map(|l| format!("{l}\n")).collect();
    s.criteria_with("", "").write("data/norway-employment-rate.csv", without);
    check(s)
});
case!(missing_values_with_policy_error, s => {
    s.criteria_with("missing = \"county-mean\"\nweight = 0.10", "missing = \"error\"\nweight = 0.10");
    check(s)
});
case!(data_file_not_utf8, s => {
    let latin1: Vec<u8> = s.read("data/norway-population.csv").replace("Bømlo", "B\u{0}mlo").bytes().map(|b| if b == 0 { 0xF8 } else { b }).collect();
    s.criteria_with("", "").write("data/norway-population.csv", latin1);
    check(s)
});
case!(empty_data_file, s => {
    s.criteria_with("", "").write("data/norway-employment-rate.csv", "");
    check(s)
});
case!(ragged_row, s => {
    s.criteria_with("", "").edit("data/norway-employment-rate.csv", "4602,Kinn,2022,68.7", "4602,Kinn,2022,68,7");
    check(s)
});
case!(missing_criteria_file, s => {
    let r = s.run(&["recommend", "--criteria", "criteria/defualt.toml"]);
    shown(&r)
});

// Series, powers and the backtest.
fn backtested_with(s: &Sandbox, from: &str, to: &str) -> String {
    let text = s.read("criteria/backtested.toml");
    assert!(text.contains(from), "backtested.toml does not contain {from:?}");
    s.write("criteria.toml", text.replacen(from, to, 1));
    check(s)
}
case!(power_above_one, s => backtested_with(s, "power = 0.6", "power = 1.5"));
case!(power_zero, s => backtested_with(s, "power = 0.6", "power = 0"));
case!(power_on_population_weighted, s => check(s.criteria_with("scale = \"ratio-to-mean\"\n", "scale = \"ratio-to-mean\"\npower = 0.5\n")));
case!(lag_before_the_history, s => backtested_with(s, "lag = 1", "lag = 9"));
case!(years_before_the_history, s => backtested_with(s, "lag = 1", "lag = 1\nyears = 8"));
case!(lag_of_zero, s => backtested_with(s, "lag = 1", "lag = 0"));
case!(lag_on_an_indicator, s => check(s.criteria_with("column = \"employment_rate\"", "column = \"employment_rate\"\nlag = 2")));
case!(a_year_the_history_lacks, s => {
    s.edit("data/indicators.toml", "decision = \"decision_2025\"\n", "");
    backtested_with(s, "lag = 1", "lag = 2")
});
case!(population_of_a_later_year, s => check(s.criteria_with("year = 2027", "year = 2029")));
case!(indicator_with_a_series_name, s => {
    s.edit("data/indicators.toml", "[indicator.population_2026]", "[indicator.request]");
    check(s.criteria_with("", ""))
});
case!(backtest_years_reversed, s => {
    s.criteria_with("", "");
    shown(&s.run(&["backtest", "--from", "2025", "--to", "2023", "--no-write"]))
});
case!(backtest_no_testable_year, s => {
    s.criteria_with("", "");
    shown(&s.run(&["backtest", "--from", "2010", "--to", "2020", "--no-write"]))
});
case!(backtest_with_a_total, s => {
    s.criteria_with("", "");
    shown(&s.run(&["backtest", "--total", "1000", "--no-write"]))
});
case!(backtest_a_file_no_year_can_make, s => {
    s.criteria_with("column = \"settled\"\nyears = 3", "column = \"settled\"\nyears = 7");
    shown(&s.run(&["backtest", "--criteria", "criteria.toml", "--no-write"]))
});
case!(history_year_twice, s => {
    s.edit("data/indicators.toml", "year = 2021\npopulation = \"population_2021\"", "year = 2020\npopulation = \"population_2021\"");
    check(s.criteria_with("", ""))
});
case!(history_row_without_a_year, s => {
    s.edit("data/indicators.toml", "year = 2022\npopulation = \"population_2022\"", "population = \"population_2022\"");
    check(s.criteria_with("", ""))
});
case!(history_names_a_later_figure, s => {
    s.edit("data/indicators.toml", "request = \"imdi_request_2021\"", "request = \"imdi_request_2026\"");
    check(s.criteria_with("", ""))
});
case!(history_names_a_rate, s => {
    s.edit("data/indicators.toml", "request = \"imdi_request_2021\"", "request = \"employment_rate\"");
    check(s.criteria_with("", ""))
});
case!(as_of_before_its_years, s => {
    s.edit("data/indicators.toml", "year = 2026\nlabel = \"Folketal 1.1.2026\"", "year = 2026\nas-of = 1999\nlabel = \"Folketal 1.1.2026\"");
    check(s.criteria_with("", ""))
});
case!(year_far_in_the_past, s => check(s.criteria_with("year = 2027", "year = -9223372036854775808")));
case!(backtest_one_category, s => {
    s.criteria_with("", "");
    shown(&s.run(&["backtest", "--criteria", "criteria/categories.toml", "--category", "unaccompanied-minors", "--no-write"]))
});
case!(backtest_fit_on_not_a_county, s => {
    s.criteria_with("", "");
    shown(&s.run(&["backtest", "--fit-on", "x;y", "--no-write"]))
});
case!(minimum_if_asked_above_the_total, s => check(s.criteria_with("minimum-if-asked = 10", "minimum-if-asked = 5000")));
case!(weight_not_a_number, s => check(s.criteria_with("weight = 0.35", "weight = nan")));
case!(semicolon_separated_table, s => {
    let text = s.read("data/vestland-unemployment-nav-2026-04.csv").replace(',', ";");
    s.criteria_with("", "").write("data/vestland-unemployment-nav-2026-04.csv", text);
    check(s)
});

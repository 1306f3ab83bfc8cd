//! The report's languages: Nynorsk (the county's, and the default), Bokmål and English.
//!
//! Every user-facing string of the tables and explanations lives in [`Texts`], one instance per
//! language; a missing string is a compile error. Templates take named `{placeholders}`.
//! Numbers are formatted the Norwegian way in nn and nb (space between thousands, decimal comma,
//! a true minus sign) and the English way in en.

use clap::ValueEnum;
use serde::Serialize;

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

/// A label in the report's languages; Nynorsk is required, the others fall back to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub nn: String,
    pub nb: Option<String>,
    pub en: Option<String>,
}

impl Label {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nn => &self.nn,
            Lang::Nb => self.nb.as_deref().unwrap_or(&self.nn),
            Lang::En => self.en.as_deref().unwrap_or(&self.nn),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Nynorsk
    #[default]
    Nn,
    /// Bokmål
    Nb,
    /// English
    En,
}

/// Declares [`Texts`] with one `&'static str` per key, and [`Texts::entries`] listing them.
macro_rules! catalogue {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// Every user-facing string of tables, explanations, charts and reports, in one language.
        pub struct Texts {
            $($(#[doc = $doc])* pub $key: &'static str,)*
        }

        impl Texts {
            /// Every key with its text: for templates, and for the tests that every language has
            /// every string with the same placeholders.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalogue! {
    rank,
    knr,
    kommune,
    recommendation,
    per_1000,
    bound_adjustment,
    rounding,
    bound,
    /// Column heads for the latest year's figures: `{year}`.
    request_year,
    decision_year,
    settled_year,
    sum,

    src_minimum,
    src_capacity,
    src_per_1000_cap,
    src_override_min,
    src_override_max,
    src_override_fixed,
    src_not_asked,
    /// `{bound}` `{value}`.
    cap_short,
    floor_short,

    /// `{year}` `{total}` `{n}` `{method}`.
    heading,
    weights,
    /// `{column}` `{count}` `{value}` `{criterion}`.
    filled,
    /// `{column}` `{count}` `{criterion}`.
    filled_neutral,
    /// `{column}` `{count}` `{criterion}`.
    filled_zero,
    /// `{m}` `{list}`.
    not_asked_note,
    /// `{winner}` `{loser}` `{rule}`.
    tie_note,
    rule_larger_share,
    rule_lower_number,
    /// `{kommune}` `{reason}`.
    override_note,
    /// `{files}`.
    wrote,
    /// The month names, comma-separated, for a letter's date.
    l_months,
    /// The letter to IMDi's file name, before `-<year>.docx`.
    l_file_imdi,
    /// The folder of the letters to the municipalities.
    l_dir_municipalities,
    and,

    /// Sentence pieces. `{n}` is a number of persons.
    s_more,
    s_fewer,
    s_same,
    /// `{year}`.
    s_request,
    /// `{list}`.
    s_because,
    /// `{bound}` `{n}`.
    s_capped,
    s_raised,
    /// `{n}`.
    s_received,
    s_gave,
    /// `{m}` `{upper}` `{bound}`.
    s_not_asked_cap,
    /// `{m}` `{n}`.
    s_not_asked_small,
    /// `{reason}`.
    s_override,

    x_heading,
    x_criterion,
    x_weight,
    x_value,
    x_place,
    x_factor,
    x_share,
    x_contribution,
    x_filled_mark,
    x_sum_contributions,
    x_bound_adjustment,
    x_rounding,
    x_recommendation,
    /// `{lower}` `{upper}`.
    x_bounds,
    x_no_upper,
    x_no_lower,
    /// `{above}` `{below}`.
    x_distance,
    /// `{above}`.
    x_distance_no_upper,
    x_margin,
    /// `{change}` `{persons}` `{percent}` `{who}`.
    x_gain,
    x_lose,
    x_gain_at_bound,
    x_lose_at_bound,
    x_lose_at_zero,
    x_no_counterpart,
    /// `{year}` `{request}` `{decision}` `{settled}`.
    x_previous,
    x_none,
    x_margin_note,
    /// `{file}` `{n}` `{k}` `{total}` `{method}`.
    check_ok,
    /// `{year}`.
    c_contributions_title,
    c_persons,
    /// `{year}`.
    c_per_1000_title,
    c_per_1000_axis,
    /// `{value}`.
    c_county_level,
    /// `{year}`.
    c_map_title,
    c_map_legend,
    /// A municipality's tooltip on the map: `{knr}` `{kommune}` `{n}` `{per_1000}`.
    c_map_hover,
    /// `{year}` `{previous}`.
    c_compare_title,
    c_compare_axis,
    /// `{year}`.
    c_recommendation_year,
    /// `{year}`.
    c_capacity_title,
    /// `{label}`.
    c_capacity_axis,
    c_recommendation_axis,
    c_equal_line,
    /// `{sources}`.
    c_source,
    c_marker,
    /// `{year}`.
    h_title,
    h_summary,
    h_total,
    h_method,
    h_municipalities_count,
    h_criteria,
    h_weight,
    h_basis,
    h_indicator,
    h_bounds,
    /// `{previous}`.
    h_changes,
    /// `{total}` `{previous_total}` `{previous}`.
    h_change_total,
    h_largest_increases,
    h_largest_decreases,
    h_change,
    h_table,
    h_sort_hint,
    h_charts,
    h_explanations,
    h_provenance,
    h_source,
    h_file,
    h_column,
    h_filled,
    h_notes,
    h_none,
    h_inputs,
    /// `{file}`.
    h_criteria_file,
    h_sha256,
    /// `{version}`.
    h_made_by,
    h_sheet,
    h_population,
    h_quota,
    h_lower,
    h_upper,
    h_sentence,
    h_minimum_if_asked,
    /// The workbook's sheets beside the ranked table, and their column heads.
    w_sheet_contributions,
    w_unit,
    w_sheet_bounds,
    w_lower_source,
    w_upper_source,
    w_above_lower,
    w_below_upper,
    w_gain_change,
    w_gain_persons,
    w_gain_percent,
    w_gain_from,
    w_lose_change,
    w_lose_persons,
    w_lose_percent,
    w_lose_to,
    w_override,
    w_sheet_history,
    w_note,
    w_sheet_sources,
    w_name,
    w_cite,
    /// `{draws}`.
    s_heading,
    /// `{kappa}` `{seed}`.
    s_dirichlet,
    /// `{delta}` `{seed}`.
    s_uniform,
    /// `{noise}`.
    s_noise,
    /// `{count}`.
    s_exact,
    /// `{count}`.
    s_infeasible,
    s_baseline,
    s_p5,
    s_median,
    s_p95,
    s_moved,
    s_rank_interval,
    s_driver,
    s_sobol_note,
    s_steady,
    s_no_weight,
    /// `{steady}` `{n}` `{widest}`.
    s_summary,
    /// `{year}` `{draws}`.
    c_interval_title,
    c_interval_axis,
    /// `{year}`.
    c_sobol_title,
    c_sobol_legend,
    /// `{count}`.
    k_heading,
    /// `{b}` `{a}`.
    k_difference,
    /// `{b}`.
    k_driver,
    k_bounds,
    k_rounding,
    /// `{changed}` `{n}` `{b}` `{a}` `{moved}`.
    k_changed,
    /// `{year}`.
    c_dumbbell_title,
    c_dumbbell_axis,
    /// `{target}`.
    l_heading,
    l_criterion,
    l_file_weight,
    l_fitted_weight,
    /// `{r2}` `{mae}` `{method}` `{total}`.
    l_fit,
    l_worst,
    l_target,
    l_with_fitted,
    /// `{a}` `{b}`.
    l_same_shares,
    /// `{target}` `{list}`.
    l_excluded,
    l_method,
    /// `{year}` `{n}`.
    g_heading,
    g_total,
    /// `{year}`.
    c_categories_title,
    /// `{dir}` `{n}` `{files}` `{outputs}`.
    v_ok,
    /// `{dir}` `{n}` `{outputs}`.
    v_set_ok,
    hi_county,
    hi_country,
    /// `{place}`.
    hi_heading,
    hi_year,
    hi_request,
    hi_decision,
    hi_settled,
    hi_ratio,
    hi_mad,
    hi_met,
    hi_mad_rec,
    /// `{year}` `{note}`.
    hi_note,
    /// `{place}` `{mad}` `{from}` `{to}`.
    hi_summary,
    /// `{place}`.
    c_history_title,
    tc_dwellings,
    tc_adult_education,
    tc_capacity,
    tc_intro,
    tc_comment,
    tc_sheet,
    /// `{rows}` `{columns}` `{file}`.
    im_summary,
    /// `{count}` `{list}`.
    im_suppressed,
    /// `{count}` `{list}`.
    im_unknown,
    /// `{list}`.
    im_mapped,
    /// `{file}` `{target}` `{place}` `{from}` `{to}`.
    bt_heading,
    bt_total,
    bt_file,
    bt_percent,
    bt_within,
    bt_last_request,
    bt_last_decision,
    bt_population,
    bt_equal,
    bt_target_request,
    bt_target_decision,
    /// `{best}` `{wins}` `{years}` `{file_sum}` `{best_sum}` `{diff}`.
    bt_verdict_won,
    /// `{best}` `{wins}` `{years}` `{file_sum}` `{best_sum}` `{diff}`.
    bt_verdict_lost,
    /// `{year}` `{reason}`.
    bt_skipped,
    /// `{year}` `{criterion}` `{from}`.
    bt_left_out,
    /// `{year}` `{column}` `{from}`.
    bt_capacity_dropped,
    /// `{year}` `{years}` `{weights}`.
    bt_fitted,
    /// `{year}`.
    bt_not_fitted,
    /// `{year}` `{years}` `{weights}`.
    bt_next,
    /// `{criterion}` `{power}` `{persons}` `{share}` `{plain_persons}` `{plain_share}`.
    x_power,
    /// `{place}` `{n}`.
    bt_fit_on,
    /// `{county}`.
    bt_county,
    /// `{year}` `{reason}`.
    bt_not_fitted_because,
    bt_sum,
    /// `{criterion}` `{column}`.
    bt_undated,
    /// `{dir}`.
    unchanged,
    /// `{year}` `{list}`.
    bt_misses,
    /// `{kommune}` `{predicted}` `{actual}`.
    bt_miss,
    /// `{total}`.
    bt_rule,
    bt_total_request,
    bt_total_decision,
    bt_rule_fit,
    /// `{target}`.
    c_backtest_title,
    /// `{target}`.
    c_backtest_y,
    h_backtest,
}

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nn => &NN,
            Lang::Nb => &NB,
            Lang::En => &EN,
        }
    }

    fn norwegian(self) -> bool {
        self != Lang::En
    }

    /// A number with `decimals` decimals: `12 345,6` in nn/nb, `12,345.6` in en.
    pub fn num(self, x: f64, decimals: usize) -> String {
        let x = if x == 0.0 { 0.0 } else { x }; // no "-0"
        let text = format!("{:.*}", decimals, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        // Norwegian groups from five digits (4500, 12 345); English from four (4,500).
        let (sep, from) = if self.norwegian() { ('\u{a0}', 4) } else { (',', 3) };
        let mut grouped = String::new();
        for (k, c) in whole.chars().enumerate() {
            if k > 0 && (whole.len() - k) % 3 == 0 && whole.len() > from {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        let mut out = String::new();
        if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('−');
        }
        out.push_str(&grouped);
        if !frac.is_empty() {
            out.push(if self.norwegian() { ',' } else { '.' });
            out.push_str(frac);
        }
        out
    }

    /// A date written out: `2. desember 2026` in nn/nb, `2 December 2026` in en; `iso` is
    /// YYYY-MM-DD (anything else is shown as it is).
    pub fn date(self, iso: &str) -> String {
        let parts: Vec<u32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
        let months: Vec<&str> = self.texts().l_months.split(',').collect();
        match parts.as_slice() {
            [y, m, d] if (1..=12).contains(m) && months.len() == 12 => match self {
                Lang::En => format!("{d} {} {y}", months[*m as usize - 1]),
                _ => format!("{d}. {} {y}", months[*m as usize - 1]),
            },
            _ => iso.to_string(),
        }
    }

    /// A whole number.
    pub fn int(self, x: u64) -> String {
        self.num(x as f64, 0)
    }

    /// With an explicit sign: `+31`, `−4`, `0`.
    pub fn signed(self, x: f64, decimals: usize) -> String {
        let body = self.num(x, decimals);
        if body.starts_with('−') || body.chars().all(|c| c == '0' || c == ',' || c == '.') {
            body
        } else {
            format!("+{body}")
        }
    }

    /// A percentage: `2,3 %` in nn/nb, `2.3%` in en.
    pub fn percent(self, x: f64, decimals: usize) -> String {
        if self.norwegian() {
            format!("{}\u{a0}%", self.num(x, decimals))
        } else {
            format!("{}%", self.num(x, decimals))
        }
    }

    /// "a", "a og b", "a, b og c".
    pub fn list(self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.texts().and),
        }
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_numbers() {
        assert_eq!(Lang::Nn.num(12345.678, 1), "12\u{a0}345,7");
        assert_eq!(Lang::Nn.num(4500.0, 0), "4500");
        assert_eq!(Lang::Nb.num(-0.25, 2), "−0,25");
        assert_eq!(Lang::En.num(1234567.0, 0), "1,234,567");
        assert_eq!(Lang::Nn.signed(31.2, 0), "+31");
        assert_eq!(Lang::Nn.signed(-4.0, 0), "−4");
        assert_eq!(Lang::Nn.signed(-0.001, 1), "0,0");
        assert_eq!(Lang::Nn.percent(2.26, 1), "2,3\u{a0}%");
        assert_eq!(Lang::En.list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn every_language_has_every_string_with_the_same_placeholders() {
        fn holes(s: &str) -> Vec<&str> {
            let mut v: Vec<&str> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|x| x.0))
                .collect();
            v.sort_unstable();
            v
        }
        let nn = NN.entries();
        for other in [NB.entries(), EN.entries()] {
            assert_eq!(nn.len(), other.len());
            for ((key, a), (key_b, b)) in nn.iter().zip(&other) {
                assert_eq!(key, key_b);
                assert!(!a.trim().is_empty() && !b.trim().is_empty(), "`{key}` is empty");
                assert_eq!(holes(a), holes(b), "`{key}`: {a} / {b}");
            }
        }
    }
}

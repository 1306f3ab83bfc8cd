//! The report's languages: Nynorsk (the county's, and the default), Bokmål and English.
//!
//! Every user-facing string of the tables and explanations lives in [`Texts`], one instance per
//! language; a missing string is a compile error. Templates take named `{placeholders}`.
//! Numbers are formatted the Norwegian way in nn and nb (space between thousands, decimal comma,
//! a true minus sign) and the English way in en.

use clap::ValueEnum;
use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Serialize)]
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

/// Every string of the terminal tables and explanations, in one language.
pub struct Texts {
    pub rank: &'static str,
    pub knr: &'static str,
    pub kommune: &'static str,
    pub recommendation: &'static str,
    pub per_1000: &'static str,
    pub bound_adjustment: &'static str,
    pub rounding: &'static str,
    pub bound: &'static str,
    /// Column heads for the latest year's figures: `{year}`.
    pub request_year: &'static str,
    pub decision_year: &'static str,
    pub settled_year: &'static str,
    pub sum: &'static str,

    pub src_minimum: &'static str,
    pub src_capacity: &'static str,
    pub src_per_1000_cap: &'static str,
    pub src_override_min: &'static str,
    pub src_override_max: &'static str,
    pub src_override_fixed: &'static str,
    pub src_not_asked: &'static str,
    /// `{bound}` `{value}`.
    pub cap_short: &'static str,
    pub floor_short: &'static str,

    /// `{year}` `{total}` `{n}` `{method}`.
    pub heading: &'static str,
    pub weights: &'static str,
    /// `{column}` `{count}` `{value}` `{criterion}`.
    pub filled: &'static str,
    /// `{column}` `{count}` `{criterion}`.
    pub filled_neutral: &'static str,
    /// `{column}` `{count}` `{criterion}`.
    pub filled_zero: &'static str,
    /// `{m}` `{list}`.
    pub not_asked_note: &'static str,
    /// `{winner}` `{loser}` `{rule}`.
    pub tie_note: &'static str,
    pub rule_larger_share: &'static str,
    pub rule_lower_number: &'static str,
    /// `{kommune}` `{reason}`.
    pub override_note: &'static str,
    /// `{files}`.
    pub wrote: &'static str,
    pub and: &'static str,

    /// Sentence pieces. `{n}` is a number of persons.
    pub s_more: &'static str,
    pub s_fewer: &'static str,
    pub s_same: &'static str,
    /// `{year}`.
    pub s_request: &'static str,
    /// `{list}`.
    pub s_because: &'static str,
    /// `{bound}` `{n}`.
    pub s_capped: &'static str,
    pub s_raised: &'static str,
    /// `{n}`.
    pub s_received: &'static str,
    pub s_gave: &'static str,
    /// `{m}` `{upper}` `{bound}`.
    pub s_not_asked_cap: &'static str,
    /// `{m}` `{n}`.
    pub s_not_asked_small: &'static str,
    /// `{reason}`.
    pub s_override: &'static str,

    pub x_heading: &'static str,
    pub x_criterion: &'static str,
    pub x_weight: &'static str,
    pub x_value: &'static str,
    pub x_place: &'static str,
    pub x_factor: &'static str,
    pub x_share: &'static str,
    pub x_contribution: &'static str,
    pub x_filled_mark: &'static str,
    pub x_sum_contributions: &'static str,
    pub x_bound_adjustment: &'static str,
    pub x_rounding: &'static str,
    pub x_recommendation: &'static str,
    /// `{lower}` `{upper}`.
    pub x_bounds: &'static str,
    pub x_no_upper: &'static str,
    pub x_no_lower: &'static str,
    /// `{above}` `{below}`.
    pub x_distance: &'static str,
    /// `{above}`.
    pub x_distance_no_upper: &'static str,
    pub x_margin: &'static str,
    /// `{change}` `{persons}` `{percent}` `{who}`.
    pub x_gain: &'static str,
    pub x_lose: &'static str,
    pub x_gain_at_bound: &'static str,
    pub x_lose_at_bound: &'static str,
    pub x_lose_at_zero: &'static str,
    pub x_no_counterpart: &'static str,
    /// `{year}` `{request}` `{decision}` `{settled}`.
    pub x_previous: &'static str,
    pub x_none: &'static str,
    pub x_margin_note: &'static str,
    /// `{file}` `{n}` `{k}` `{total}` `{method}`.
    pub check_ok: &'static str,
}

pub static NN: Texts = Texts {
    rank: "Nr.",
    knr: "Kommunenr.",
    kommune: "Kommune",
    recommendation: "Tilråding",
    per_1000: "Per 1000 innb.",
    bound_adjustment: "Grensejustering",
    rounding: "Avrunding",
    bound: "Grense som verka",
    request_year: "Oppmoding {year}",
    decision_year: "Vedtak {year}",
    settled_year: "Busett {year}",
    sum: "Sum",
    src_minimum: "minstetal",
    src_capacity: "kapasitet",
    src_per_1000_cap: "tak per 1000 innb.",
    src_override_min: "overstyrt minimum",
    src_override_max: "overstyrt maksimum",
    src_override_fixed: "overstyrt fast tal",
    src_not_asked: "ikkje spurd",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Tilråding for {year}: {total} personar fordelte på {n} kommunar ({method})",
    weights: "Kriterium og vekter",
    filled: "Fylt inn: `{column}` manglar for {count} kommunar; brukte fylkessnittet {value} (kriterium {criterion}).",
    filled_neutral: "Fylt inn: `{column}` manglar for alle {count} kommunane; kriteriet {criterion} verkar difor som folketalsdel.",
    filled_zero: "Fylt inn: `{column}` manglar for {count} kommunar; brukte 0 (kriterium {criterion}).",
    not_asked_note: "Ikkje spurde (færre enn {m} er ikkje ei oppmoding): {list}.",
    tie_note: "Likt: {winner} fekk eininga framfor {loser} ({rule}).",
    rule_larger_share: "større samla del",
    rule_lower_number: "lågare kommunenummer",
    override_note: "Overstyring for {kommune}: {reason}",
    wrote: "Skreiv {files}",
    and: "og",
    s_more: "{n} fleire enn",
    s_fewer: "{n} færre enn",
    s_same: "like mange som",
    s_request: "IMDi si oppmoding for {year}",
    s_because: "mest på grunn av {list}",
    s_capped: "avgrensa av {bound} ({n})",
    s_raised: "heva av {bound} ({n})",
    s_received: "fekk {n} som kommunar med tak ikkje kunne ta",
    s_gave: "gav {n} til kommunar som vart heva til golvet",
    s_not_asked_cap: "ikkje spurd: øvre grense {upper} ({bound}) er under minstetalet {m}",
    s_not_asked_small: "ikkje spurd: ville fått {n}, under minstetalet {m}",
    s_override: "overstyrt: {reason}",
    x_heading: "{kommune} ({knr}): tilråding {a} for {year}",
    x_criterion: "Kriterium",
    x_weight: "Vekt",
    x_value: "Verdi",
    x_place: "Plass",
    x_factor: "Faktor",
    x_share: "Del",
    x_contribution: "Bidrag (personar)",
    x_filled_mark: "fylt inn",
    x_sum_contributions: "Sum av bidrag (q = T·S)",
    x_bound_adjustment: "Grensejustering (Q − q)",
    x_rounding: "Avrunding (a − Q)",
    x_recommendation: "Tilråding (a)",
    x_bounds: "Grenser: nedre {lower}, øvre {upper}.",
    x_no_upper: "inga",
    x_no_lower: "0",
    x_distance: "Avstand: {above} over nedre grense, {below} under øvre.",
    x_distance_no_upper: "Avstand: {above} over nedre grense; inga øvre grense.",
    x_margin: "Margin",
    x_gain: "éin til: samla del må auke med {change} ({persons} personar, {percent} av delen); eininga kjem frå {who}.",
    x_lose: "éin mindre: samla del må falle med {change} ({persons} personar, {percent} av delen); eininga går til {who}.",
    x_gain_at_bound: "éin til: nei, ved øvre grense {bound}.",
    x_lose_at_bound: "éin mindre: nei, ved nedre grense {bound}.",
    x_lose_at_zero: "éin mindre: nei, har 0.",
    x_no_counterpart: "ingen annan kommune kan gje eller ta ei eining",
    x_previous: "IMDi {year}: oppmoding {request}, vedtak {decision}, busett {settled}.",
    x_none: "–",
    x_margin_note: "Margin: endring i kommunen sin samla del når dei andre sine delar står fast.",
    check_ok: "{file}: i orden ({n} kommunar, {k} kriterium, total {total}, {method}).",
};

pub static NB: Texts = Texts {
    rank: "Nr.",
    knr: "Kommunenr.",
    kommune: "Kommune",
    recommendation: "Tilrådning",
    per_1000: "Per 1000 innb.",
    bound_adjustment: "Grensejustering",
    rounding: "Avrunding",
    bound: "Grense som virket",
    request_year: "Anmodning {year}",
    decision_year: "Vedtak {year}",
    settled_year: "Bosatt {year}",
    sum: "Sum",
    src_minimum: "minstetall",
    src_capacity: "kapasitet",
    src_per_1000_cap: "tak per 1000 innb.",
    src_override_min: "overstyrt minimum",
    src_override_max: "overstyrt maksimum",
    src_override_fixed: "overstyrt fast tall",
    src_not_asked: "ikke anmodet",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Tilrådning for {year}: {total} personer fordelt på {n} kommuner ({method})",
    weights: "Kriterier og vekter",
    filled: "Fylt inn: `{column}` mangler for {count} kommuner; brukte fylkessnittet {value} (kriterium {criterion}).",
    filled_neutral: "Fylt inn: `{column}` mangler for alle {count} kommunene; kriteriet {criterion} virker derfor som folketallsandel.",
    filled_zero: "Fylt inn: `{column}` mangler for {count} kommuner; brukte 0 (kriterium {criterion}).",
    not_asked_note: "Ikke anmodet (færre enn {m} er ikke en anmodning): {list}.",
    tie_note: "Likt: {winner} fikk enheten foran {loser} ({rule}).",
    rule_larger_share: "større samlet andel",
    rule_lower_number: "lavere kommunenummer",
    override_note: "Overstyring for {kommune}: {reason}",
    wrote: "Skrev {files}",
    and: "og",
    s_more: "{n} flere enn",
    s_fewer: "{n} færre enn",
    s_same: "like mange som",
    s_request: "IMDis anmodning for {year}",
    s_because: "mest på grunn av {list}",
    s_capped: "begrenset av {bound} ({n})",
    s_raised: "hevet av {bound} ({n})",
    s_received: "fikk {n} som kommuner med tak ikke kunne ta",
    s_gave: "ga {n} til kommuner som ble hevet til gulvet",
    s_not_asked_cap: "ikke anmodet: øvre grense {upper} ({bound}) er under minstetallet {m}",
    s_not_asked_small: "ikke anmodet: ville fått {n}, under minstetallet {m}",
    s_override: "overstyrt: {reason}",
    x_heading: "{kommune} ({knr}): tilrådning {a} for {year}",
    x_criterion: "Kriterium",
    x_weight: "Vekt",
    x_value: "Verdi",
    x_place: "Plass",
    x_factor: "Faktor",
    x_share: "Andel",
    x_contribution: "Bidrag (personer)",
    x_filled_mark: "fylt inn",
    x_sum_contributions: "Sum av bidrag (q = T·S)",
    x_bound_adjustment: "Grensejustering (Q − q)",
    x_rounding: "Avrunding (a − Q)",
    x_recommendation: "Tilrådning (a)",
    x_bounds: "Grenser: nedre {lower}, øvre {upper}.",
    x_no_upper: "ingen",
    x_no_lower: "0",
    x_distance: "Avstand: {above} over nedre grense, {below} under øvre.",
    x_distance_no_upper: "Avstand: {above} over nedre grense; ingen øvre grense.",
    x_margin: "Margin",
    x_gain: "én til: samlet andel må øke med {change} ({persons} personer, {percent} av andelen); enheten kommer fra {who}.",
    x_lose: "én mindre: samlet andel må falle med {change} ({persons} personer, {percent} av andelen); enheten går til {who}.",
    x_gain_at_bound: "én til: nei, ved øvre grense {bound}.",
    x_lose_at_bound: "én mindre: nei, ved nedre grense {bound}.",
    x_lose_at_zero: "én mindre: nei, har 0.",
    x_no_counterpart: "ingen annen kommune kan gi eller ta en enhet",
    x_previous: "IMDi {year}: anmodning {request}, vedtak {decision}, bosatt {settled}.",
    x_none: "–",
    x_margin_note: "Margin: endring i kommunens samlede andel når de andres andeler står fast.",
    check_ok: "{file}: i orden ({n} kommuner, {k} kriterier, total {total}, {method}).",
};

pub static EN: Texts = Texts {
    rank: "No.",
    knr: "Number",
    kommune: "Municipality",
    recommendation: "Recommended",
    per_1000: "Per 1000 inh.",
    bound_adjustment: "Bound adj.",
    rounding: "Rounding",
    bound: "Bound that acted",
    request_year: "Request {year}",
    decision_year: "Decision {year}",
    settled_year: "Settled {year}",
    sum: "Total",
    src_minimum: "minimum",
    src_capacity: "capacity",
    src_per_1000_cap: "cap per 1000 inh.",
    src_override_min: "override minimum",
    src_override_max: "override maximum",
    src_override_fixed: "override fixed number",
    src_not_asked: "not asked",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Recommendation for {year}: {total} persons over {n} municipalities ({method})",
    weights: "Criteria and weights",
    filled: "Filled in: `{column}` is missing for {count} municipalities; used the county mean {value} (criterion {criterion}).",
    filled_neutral: "Filled in: `{column}` is missing for all {count} municipalities, so criterion {criterion} acts as population share.",
    filled_zero: "Filled in: `{column}` is missing for {count} municipalities; used 0 (criterion {criterion}).",
    not_asked_note: "Not asked (fewer than {m} is not a request): {list}.",
    tie_note: "Tie: {winner} got the unit before {loser} ({rule}).",
    rule_larger_share: "larger combined share",
    rule_lower_number: "lower municipality number",
    override_note: "Override for {kommune}: {reason}",
    wrote: "Wrote {files}",
    and: "and",
    s_more: "{n} more than",
    s_fewer: "{n} fewer than",
    s_same: "the same as",
    s_request: "IMDi's request for {year}",
    s_because: "mostly because of {list}",
    s_capped: "capped by {bound} ({n})",
    s_raised: "raised by {bound} ({n})",
    s_received: "received {n} that capped municipalities could not take",
    s_gave: "gave {n} to municipalities raised to their floor",
    s_not_asked_cap: "not asked: its upper bound {upper} ({bound}) is below the minimum {m}",
    s_not_asked_small: "not asked: it would have got {n}, below the minimum {m}",
    s_override: "override: {reason}",
    x_heading: "{kommune} ({knr}): {a} recommended for {year}",
    x_criterion: "Criterion",
    x_weight: "Weight",
    x_value: "Value",
    x_place: "Place",
    x_factor: "Factor",
    x_share: "Share",
    x_contribution: "Contribution (persons)",
    x_filled_mark: "filled in",
    x_sum_contributions: "Sum of contributions (q = T·S)",
    x_bound_adjustment: "Bound adjustment (Q − q)",
    x_rounding: "Rounding (a − Q)",
    x_recommendation: "Recommendation (a)",
    x_bounds: "Bounds: lower {lower}, upper {upper}.",
    x_no_upper: "none",
    x_no_lower: "0",
    x_distance: "Distance: {above} above the lower bound, {below} below the upper.",
    x_distance_no_upper: "Distance: {above} above the lower bound; no upper bound.",
    x_margin: "Margin",
    x_gain: "one more: the combined share must rise by {change} ({persons} persons, {percent} of its share); the unit would come from {who}.",
    x_lose: "one fewer: the combined share must fall by {change} ({persons} persons, {percent} of its share); the unit would go to {who}.",
    x_gain_at_bound: "one more: no, at its upper bound {bound}.",
    x_lose_at_bound: "one fewer: no, at its lower bound {bound}.",
    x_lose_at_zero: "one fewer: no, it has 0.",
    x_no_counterpart: "no other municipality can give or take a unit",
    x_previous: "IMDi {year}: request {request}, decision {decision}, settled {settled}.",
    x_none: "–",
    x_margin_note: "Margin: change in the municipality's combined share with the others' shares held fixed.",
    check_ok: "{file}: OK ({n} municipalities, {k} criteria, total {total}, {method}).",
};

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
    fn every_template_names_the_same_placeholders_in_every_language() {
        fn holes(s: &str) -> Vec<&str> {
            let mut v: Vec<&str> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|x| x.0))
                .collect();
            v.sort_unstable();
            v
        }
        let pairs = |t: &Texts| -> Vec<&'static str> {
            vec![
                t.request_year,
                t.cap_short,
                t.heading,
                t.filled,
                t.filled_neutral,
                t.filled_zero,
                t.not_asked_note,
                t.tie_note,
                t.override_note,
                t.wrote,
                t.s_more,
                t.s_fewer,
                t.s_request,
                t.s_because,
                t.s_capped,
                t.s_raised,
                t.s_received,
                t.s_gave,
                t.s_not_asked_cap,
                t.s_not_asked_small,
                t.s_override,
                t.x_heading,
                t.x_bounds,
                t.x_distance,
                t.x_distance_no_upper,
                t.x_gain,
                t.x_lose,
                t.x_gain_at_bound,
                t.x_lose_at_bound,
                t.x_previous,
                t.check_ok,
            ]
        };
        for ((nn, en), nb) in pairs(&NN).into_iter().zip(pairs(&EN)).zip(pairs(&NB)) {
            assert_eq!(holes(nn), holes(en), "{nn} / {en}");
            assert_eq!(holes(nn), holes(nb), "{nn} / {nb}");
        }
    }
}

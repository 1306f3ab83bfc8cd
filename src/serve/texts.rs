//! The page's own words in each language (`texts` in GET /api/state). Column heads the reports
//! already have (rank, kommune, recommendation, per 1000) come from [`crate::lang`], so the page
//! and the reports say the same thing.

use serde_json::{Map, Value};

use crate::lang::{Lang, fill};

/// The page's words that the reports do not have, as (key, nn, nb, en).
const OWN: &[(&str, &str, &str, &str)] = &[
    (
        "title",
        "busetting: arbeidsbenken",
        "busetting: arbeidsbenken",
        "busetting: the workbench",
    ),
    ("weights", "Vekter", "Vekter", "Weights"),
    ("total", "Totalt", "Totalt", "Total"),
    (
        "minimum_if_asked",
        "Minst viss spurd",
        "Minst hvis spurt",
        "Minimum if asked",
    ),
    (
        "per_1000_cap",
        "Tak per 1000 innb.",
        "Tak per 1000 innb.",
        "Cap per 1000 inhabitants",
    ),
    ("method", "Metode", "Metode", "Method"),
    ("reset", "Tilbake til fila", "Tilbake til filen", "Back to the file"),
    ("save_as", "Lagre som …", "Lagre som …", "Save as …"),
    ("report", "Rapport", "Rapport", "Report"),
    ("sensitivity", "Kor sikker?", "Hvor sikker?", "How sure?"),
    ("interval", "5–95 %", "5–95 %", "5–95 %"),
    ("backtest", "Tilbakeprøving", "Tilbakeprøving", "Backtest"),
    ("stale", "Utdatert", "Utdatert", "Stale"),
    ("search", "Søk", "Søk", "Search"),
    ("close", "Lukk", "Lukk", "Close"),
    ("lock", "Lås", "Lås", "Lock"),
    ("change", "Endring", "Endring", "Change"),
    ("explanation", "Forklaring", "Forklaring", "Explanation"),
    (
        "overwrite_q",
        "{path} finst alt. Skrive over?",
        "{path} finnes allerede. Skrive over?",
        "{path} exists. Overwrite it?",
    ),
    ("saved", "Lagra", "Lagret", "Saved"),
    ("written", "Skrive", "Skrevet", "Written"),
    ("progress", "Framdrift", "Fremdrift", "Progress"),
    (
        "changed_on_disk",
        "Endra på disken",
        "Endret på disken",
        "Changed on disk",
    ),
    ("year", "År", "År", "Year"),
    ("file_mae", "Snittfeil", "Snittfeil", "Mean error"),
    ("method_sainte_lague", "Sainte-Laguë", "Sainte-Laguë", "Sainte-Laguë"),
    ("method_dhondt", "D'Hondt", "D'Hondt", "D'Hondt"),
    (
        "method_huntington_hill",
        "Huntington–Hill",
        "Huntington–Hill",
        "Huntington–Hill",
    ),
    ("method_adams", "Adams", "Adams", "Adams"),
    (
        "method_largest_remainder",
        "Største rest",
        "Største rest",
        "Largest remainder",
    ),
    (
        "first_divisor",
        "første divisor {d}",
        "første divisor {d}",
        "first divisor {d}",
    ),
];

/// One of the page's own words.
pub fn own(lang: Lang, key: &str) -> Option<&'static str> {
    OWN.iter().find(|(k, ..)| *k == key).map(|&(_, nn, nb, en)| match lang {
        Lang::Nn => nn,
        Lang::Nb => nb,
        Lang::En => en,
    })
}

/// A method's name for the select box: the file's name for it when there is no label.
pub fn method_label(lang: Lang, name: &str, first_divisor: Option<f64>) -> String {
    let key = format!("method_{}", name.replace('-', "_"));
    let label = own(lang, &key).unwrap_or(name).to_string();
    match first_divisor {
        Some(d) if d != 1.0 => format!(
            "{label} ({})",
            fill(own(lang, "first_divisor").unwrap_or("{d}"), &[("d", &lang.num(d, 1))])
        ),
        _ => label,
    }
}

/// Every text of the page, keyed as page.js asks for them.
pub fn all(lang: Lang) -> Value {
    let t = lang.texts();
    let mut map = Map::new();
    for (key, ..) in OWN {
        if let Some(text) = own(lang, key) {
            map.insert((*key).to_string(), Value::from(text));
        }
    }
    let year_less = |s: &str| s.replace(" {year}", "").replace("{year}", "");
    for (key, text) in [
        ("rank", t.rank.to_string()),
        ("kommune", t.kommune.to_string()),
        ("recommendation", t.recommendation.to_string()),
        ("per_1000", t.per_1000.to_string()),
        ("request", year_less(t.request_year)),
        ("decision", year_less(t.decision_year)),
    ] {
        map.insert(key.to_string(), Value::from(text));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word_and_the_same_placeholders() {
        for (key, nn, nb, en) in OWN {
            let slots = |s: &str| s.matches('{').count();
            assert!(!nn.is_empty() && !nb.is_empty() && !en.is_empty(), "{key}");
            assert_eq!(slots(nn), slots(en), "{key}");
            assert_eq!(slots(nb), slots(en), "{key}");
        }
        let all = all(Lang::Nn);
        assert_eq!(all["request"], "Oppmoding");
        assert_eq!(all["title"], "busetting: arbeidsbenken");
    }

    #[test]
    fn a_method_label_names_a_first_divisor_other_than_one() {
        assert_eq!(method_label(Lang::En, "sainte-lague", Some(1.0)), "Sainte-Laguë");
        assert_eq!(
            method_label(Lang::En, "sainte-lague", Some(1.4)),
            "Sainte-Laguë (first divisor 1.4)"
        );
        assert_eq!(method_label(Lang::En, "new-method", None), "new-method");
    }
}

//! Near-miss suggestions: "did you mean `weight`?", and municipality names typed without æ ø å.

/// Folds a name for matching: lower case, Norwegian letters spelt in ASCII (`ø`→`o`, `æ`→`ae`,
/// `å`→`a`), and the old spellings `aa`→`a`, `oe`→`o` as well; spaces and punctuation dropped.
/// `Øygarden`, `oygarden` and `OEYGARDEN` all fold to `oygarden`.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' | 'ó' | 'ò' => out.push('o'),
            'å' | 'á' | 'à' | 'â' => out.push('a'),
            'é' | 'è' | 'ê' => out.push('e'),
            'ü' | 'ú' => out.push('u'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out.replace("aa", "a").replace("oe", "o")
}

/// The candidates closest to `input` (by edit distance on the folded forms, a swap of two letters
/// counting once), best first; at most three, and only those close enough to be a typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let folded = fold(input);
    let len = folded.chars().count();
    let limit = if len <= 3 { 1 } else { (len / 3).clamp(2, 3) };
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&folded, &fold(c)), c))
        .filter(|&(d, _)| d <= limit)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "did you mean `x`?" or "did you mean `x` or `y`?", or `None` when nothing is close.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let close = closest(input, candidates);
    if close.is_empty() {
        return None;
    }
    Some(format!("did you mean {}?", or_list(&close)))
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
pub fn or_list(items: &[&str]) -> String {
    join_list(items, "or")
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub fn and_list(items: &[&str]) -> String {
    join_list(items, "and")
}

fn join_list(items: &[&str], word: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_norwegian_letters() {
        assert_eq!(fold("Øygarden"), "oygarden");
        assert_eq!(fold("oygarden"), "oygarden");
        assert_eq!(fold("Oeygarden"), "oygarden");
        assert_eq!(fold("Årdal"), fold("aardal"));
        assert_eq!(fold("Bjørnafjorden"), "bjornafjorden");
        assert_eq!(fold("Lærdal"), "laerdal");
    }

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        let names = ["Stord", "Stryn", "Stad", "Bergen"];
        assert_eq!(closest("Strod", names), vec!["Stord", "Stad", "Stryn"]);
        assert!(closest("Trondheim", names).is_empty());
        assert_eq!(
            did_you_mean("wieght", ["weight", "label"]).unwrap(),
            "did you mean `weight`?"
        );
        assert_eq!(or_list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}

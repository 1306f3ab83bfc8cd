//! Random bytes and mutated files fed to every loader: an error is fine, a panic is not.

use busetting::data::csvfile::CsvFile;
use busetting::diag::SourceFile;
use proptest::prelude::*;

use crate::common::root;

/// A text with random edits: deletions, insertions of TOML/CSV punctuation, duplicated spans.
fn mutated(base: String) -> impl Strategy<Value = String> {
    let len = base.len().max(1);
    prop::collection::vec(
        (
            0usize..len,
            0usize..8,
            prop::sample::select(vec![
                "", "\"", "[", "]]", "=", ",", "\n", "#", "'", "ø", ".", "-1", "1e999", "[[", "\r\n", "\u{0}",
            ]),
        ),
        1..8,
    )
    .prop_map(move |edits| {
        let mut text = base.clone();
        for (at, cut, insert) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, insert);
        }
        text
    })
}

fn default_criteria() -> String {
    fs_err::read_to_string(root().join("criteria/default.toml")).unwrap()
}

fn population_csv() -> String {
    fs_err::read_to_string(root().join("data/norway-population.csv")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = CsvFile::from_bytes("x.csv", &bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = busetting::criteria::parse(SourceFile::new("x.toml", text.as_str()));
        let _ = busetting::data::Catalogue::parse(SourceFile::new("indicators.toml", text.as_str()));
    }

    #[test]
    fn mutated_criteria(text in mutated(default_criteria())) {
        let _ = busetting::criteria::parse(SourceFile::new("criteria.toml", text.as_str()));
    }

    #[test]
    fn mutated_csv(text in mutated(population_csv())) {
        let _ = CsvFile::from_bytes("population.csv", text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The whole pipeline on a data folder with one mutated table and a mutated criteria file.
    #[test]
    fn mutated_inputs_through_the_pipeline(csv in mutated(population_csv()), criteria in mutated(default_criteria())) {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs_err::create_dir_all(&data).unwrap();
        for entry in fs_err::read_dir(root().join("data")).unwrap() {
            let entry = entry.unwrap();
            fs_err::copy(entry.path(), data.join(entry.file_name())).unwrap();
        }
        fs_err::write(data.join("norway-population.csv"), &csv).unwrap();
        let good = dir.path().join("good.toml");
        fs_err::write(&good, default_criteria()).unwrap();
        let bad = dir.path().join("bad.toml");
        fs_err::write(&bad, &criteria).unwrap();
        let _ = busetting::pipeline::run(&busetting::pipeline::Source::new(&good, &data), busetting::lang::Lang::Nn);
        let _ = busetting::pipeline::run(&busetting::pipeline::Source::new(&bad, &root().join("data")), busetting::lang::Lang::En);
    }
}

fn text_of(path: &str) -> String {
    fs_err::read_to_string(root().join(path)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The catalogue, a criteria file with series and a power, and both StatBank formats that
    /// `import` reads, mutated: an error is fine, a panic is not.
    #[test]
    fn mutated_catalogue_series_and_imports(
        catalogue in mutated(text_of("data/indicators.toml")),
        backtested in mutated(text_of("criteria/backtested.toml")),
        json in mutated(text_of("tests/fixtures/import/07459.json")),
        statbank in mutated(text_of("tests/fixtures/import/07459-wide.csv")),
    ) {
        let _ = busetting::data::Catalogue::parse(SourceFile::new("indicators.toml", catalogue.as_str()));
        let parsed = busetting::criteria::parse(SourceFile::new("backtested.toml", backtested.as_str()));
        // A criteria file that parses is also checked against the real catalogue, for its year.
        let folder = busetting::data::open(&root().join("data")).unwrap();
        if let Ok(c) = parsed {
            let _ = c.check(&folder.catalogue, &folder.register);
        }
        let register = &folder.register;
        let successors = &register.successors;
        let _ = busetting::import::json_stat(&SourceFile::new("x.json", json.as_str()), register, successors, "population");
        let _ = busetting::import::statbank_csv(&SourceFile::new("x.csv", statbank.as_str()), register, successors, "population");
    }
}

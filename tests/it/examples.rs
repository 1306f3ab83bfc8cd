//! Every shipped criteria file validates and runs on the shipped data.

use crate::common::{root, run};

fn criteria_files() -> Vec<String> {
    let mut files: Vec<String> = fs_err::read_dir(root().join("criteria"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("criteria/{n}"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_criteria_file_checks_and_runs() {
    let files = criteria_files();
    assert!(files.len() >= 4, "{files:?}");
    for f in &files {
        let check = run(&["check", "--criteria", f]);
        assert_eq!(check.code, 0, "{f}: {}", check.stderr);
        let rec = run(&["recommend", "--criteria", f, "--no-write", "--format", "json"]);
        assert_eq!(rec.code, 0, "{f}: {}", rec.stderr);
        let doc: serde_json::Value = serde_json::from_str(&rec.stdout).unwrap();
        // A file with categories gives one recommendation per category.
        let parts: Vec<&serde_json::Value> = match doc["categories"].as_array() {
            Some(c) => c.iter().map(|c| &c["recommendation"]).collect(),
            None => vec![&doc],
        };
        for part in parts {
            let total: u64 = part["municipalities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["recommendation"].as_u64().unwrap())
                .sum();
            assert_eq!(total, part["total"].as_u64().unwrap(), "{f}");
        }
    }
}

#[test]
fn the_template_shows_every_key() {
    // The keys come from the parser itself: every key it asks for while reading the template and
    // the categories example (which has the [[category]] keys).
    let template = fs_err::read_to_string(root().join("criteria/template.toml")).unwrap();
    let _ = busetting::tomlread::keys_asked();
    for f in ["criteria/template.toml", "criteria/categories.toml"] {
        let text = fs_err::read_to_string(root().join(f)).unwrap();
        busetting::criteria::parse_all(busetting::diag::SourceFile::new(f, text.as_str())).unwrap();
    }
    let keys = busetting::tomlread::keys_asked();
    // Not vacuous: the parser asks for the keys of every part of the file.
    for known in [
        "year",
        "weight",
        "lag",
        "power",
        "minimum-if-asked",
        "reason",
        "kappa",
        "category",
    ] {
        assert!(keys.contains(known), "the parser did not ask for `{known}`: {keys:?}");
    }
    for key in &keys {
        let shown = template.lines().any(|l| {
            let l = l.trim_start().trim_start_matches("# ");
            l.starts_with(&format!("{key} = "))
                || l.starts_with(&format!("[{key}]"))
                || l.starts_with(&format!("[[{key}]]"))
                || l.starts_with(&format!("[category.{key}]"))
                || l.starts_with(&format!("[[category.{key}]]"))
        }) || template.contains(&format!("{key} = N"))
            || template.contains(&format!("Or {key} = "));
        assert!(shown, "template.toml does not show `{key}`, which the parser reads");
    }
}

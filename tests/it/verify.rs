//! `busetting verify`: a published recommendation is recomputed from what its manifest names.

use crate::common::Sandbox;

#[test]
fn an_unchanged_report_verifies_and_a_changed_input_is_named() {
    let s = Sandbox::new();
    let r = s.run(&["report", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest: serde_json::Value = serde_json::from_str(&s.read("out/2027/manifest.json")).unwrap();
    assert_eq!(manifest["criteria"]["path"], "criteria/default.toml");
    assert_eq!(manifest["recommendation"].as_array().unwrap().len(), 43);
    assert!(
        manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "data/norway-population.csv")
    );
    let ok = s.run(&["verify", "out/2027"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("stadfesta"), "{}", ok.stdout);

    // Bergen's population a little lower: the file and the numbers that moved are named.
    s.edit(
        "data/norway-population.csv",
        "4601,Bergen,2026,294860",
        "4601,Bergen,2026,284860",
    );
    let bad = s.run(&["verify", "out/2027"]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert!(
        bad.stderr.contains("changed input: data/norway-population.csv"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("changed number: 4601 Bergen: 514 → "),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_change_that_moves_no_number_is_still_reported() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["recommend", "--out", "out", "--format", "csv"]).code, 0);
    s.edit(
        "criteria/default.toml",
        "# A title for reports.",
        "# A title for the reports.",
    );
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("the numbers are the same, but not everything matches"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("changed input: criteria/default.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_category_is_verified() {
    let s = Sandbox::new();
    assert_eq!(
        s.run(&["report", "--criteria", "criteria/categories.toml", "--out", "out"])
            .code,
        0
    );
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The set's top, then each category.
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    assert!(r.stdout.contains("2 kategoriar"), "{}", r.stdout);

    // The files beside the categories are fingerprinted too: a changed combined table, a
    // deleted chart and a file slipped in are each named.
    let top = s.path("out/2027");
    let csv = top.join("categories.csv");
    let text = fs_err::read_to_string(&csv).unwrap();
    fs_err::write(&csv, text.replacen("4601", "4602", 1)).unwrap();
    fs_err::remove_file(top.join("chart-categories.png")).unwrap();
    fs_err::write(top.join("notes.txt"), "forged").unwrap();
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    for line in [
        "changed file: categories.csv",
        "missing file: chart-categories.png",
        "extra file: notes.txt",
    ] {
        assert!(r.stderr.contains(line), "{line}: {}", r.stderr);
    }

    // `recommend` writes a set with categories under a set manifest as well.
    assert_eq!(
        s.run(&["recommend", "--criteria", "criteria/categories.toml", "--out", "rec"])
            .code,
        0
    );
    let r = s.run(&["verify", "rec/2027"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);

    let none = s.run(&["verify", "criteria"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("has no manifest.json"), "{}", none.stderr);
}

/// Every file directly in `dir` with its bytes, sorted by name.
fn set_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs_err::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        fs_err::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn copy_flat(from: &std::path::Path, to: &std::path::Path) {
    let _ = fs_err::remove_dir_all(to);
    fs_err::create_dir_all(to).unwrap();
    for (name, bytes) in set_of(from) {
        fs_err::write(to.join(name), bytes).unwrap();
    }
}

#[test]
fn a_writer_killed_at_any_step_leaves_the_old_set_or_the_new_one_whole() {
    let s = Sandbox::new();
    // The old set: a whole report from the default criteria. The new one: another file's table.
    assert_eq!(s.run(&["report", "--out", "old"]).code, 0);
    assert_eq!(
        s.run(&["recommend", "--criteria", "criteria/backtested.toml", "--out", "new"])
            .code,
        0
    );
    let old = set_of(&s.path("old/2027"));
    let new = set_of(&s.path("new/2027"));
    assert!(old.len() > 20 && new.len() == 3);
    let mut killed = 0;
    for step in 1..100 {
        copy_flat(&s.path("old/2027"), &s.path("out/2027"));
        let r = assert_cmd::Command::cargo_bin("busetting")
            .unwrap()
            .current_dir(s.path(""))
            .env("BUSETTING_TEST_ABORT_AT_STEP", step.to_string())
            .args([
                "recommend",
                "--criteria",
                "criteria/backtested.toml",
                "--out",
                "out",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        let now = set_of(&s.path("out/2027"));
        assert!(
            now == old || now == new,
            "step {step}: a mixed set of {} files",
            now.len()
        );
        // Whichever it is, it verifies.
        let v = s.run(&["verify", "out/2027"]);
        assert_eq!(v.code, 0, "step {step}: {}", v.stderr);
        if r.status.success() {
            assert!(now == new);
            break;
        }
        killed += 1;
        // The next run clears what the killed one left and publishes the new set.
        let again = s.run(&["recommend", "--criteria", "criteria/backtested.toml", "--out", "out"]);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(set_of(&s.path("out/2027")) == new, "step {step}");
        let left: Vec<String> = fs_err::read_dir(s.path("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["2027"], "step {step}");
    }
    // Three files, the exchange and the removal of the old set: five steps, each killed once.
    assert_eq!(killed, 5);
}

#[test]
fn a_tampered_file_a_missing_one_and_an_extra_one_are_named() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["report", "--out", "out"]).code, 0);
    s.edit("out/2027/recommendation.csv", "4601,Bergen,514,", "4601,Bergen,9999,");
    fs_err::remove_file(s.path("out/2027/chart-map.png")).unwrap();
    s.write("out/2027/report-final.html", "<p>not from busetting</p>");
    // The manifest's own fingerprint of report.html edited to match a replaced page.
    s.write("out/2027/report.html", "<p>replaced</p>");
    let manifest = s.read("out/2027/manifest.json");
    let at = manifest.find("\"name\": \"report.html\"").unwrap();
    let sha_at = at + manifest[at..].find("\"sha256\": \"").unwrap() + 11;
    let forged = format!(
        "{}{}{}",
        &manifest[..sha_at],
        busetting::manifest::sha256("<p>replaced</p>"),
        &manifest[sha_at + 64..]
    );
    s.write("out/2027/manifest.json", forged);
    let r = s.run(&["verify", "out/2027"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    for line in [
        "changed file: recommendation.csv",
        "missing file: chart-map.png",
        "extra file: report-final.html",
        "changed file: report.html",
        "changed fingerprint: manifest.json records another report.html",
    ] {
        assert!(r.stderr.contains(line), "{line} not in {}", r.stderr);
    }
}

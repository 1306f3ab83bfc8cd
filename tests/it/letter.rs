//! `busetting letter`: the Word documents are read back (the XML inside the zip) and checked
//! against the recommendation, in the right language for every municipality.

use std::io::Read;

use crate::common::{Sandbox, root};

/// The text of a .docx: paragraphs on their own lines, table cells separated by `|`.
fn text_of(path: &std::path::Path) -> String {
    let file = fs_err::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        if tag.starts_with("</w:p>") {
            out.push('\n');
        } else if tag.starts_with("</w:tc>") {
            if out.ends_with('\n') {
                out.pop();
            }
            out.push('|');
        }
        rest = &rest[end..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn recommendation(s: &Sandbox, criteria: &str) -> serde_json::Value {
    let r = s.run(&["recommend", "--criteria", criteria, "--format", "json", "--no-write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn the_letter_to_imdi_has_every_number_the_total_and_the_criteria() {
    let s = Sandbox::new();
    let r = s.run(&["letter", "--date", "2026-12-02", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = s.path("out/letters/2027/imdi/tilraading-til-imdi-2027.docx");
    let text = text_of(&path);
    let rec = recommendation(&s, "criteria/default.toml");
    let rows = rec["municipalities"].as_array().unwrap();
    assert_eq!(rows.len(), 43);
    for m in rows {
        // Rank, name and number in one row of the table.
        let number = m["recommendation"].as_u64().unwrap();
        assert!(number < 10_000, "a number with a thousands space");
        let row = format!("{}|{}|{number}|", m["rank"], m["kommune"].as_str().unwrap());
        assert!(text.contains(&row), "{row} not in the letter");
    }
    assert!(text.contains("til saman 1474 flyktningar i 2027"), "{text}");
    for c in rec["criteria"].as_array().unwrap() {
        assert!(text.contains(c["label"].as_str().unwrap()), "{}", c["label"]);
    }
    assert!(text.contains("Bergen, 2. desember 2026"));
    for part in [
        "Grenser og unntak",
        "Kor sikre tala er",
        "Tilbakeblikk",
        "Kjelder",
        "Med helsing",
    ] {
        assert!(text.contains(part), "{part}");
    }
    // The map and the contributions chart as pictures.
    let zip = zip::ZipArchive::new(fs_err::File::open(&path).unwrap()).unwrap();
    let pictures = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .count();
    assert_eq!(pictures, 2);
    // The same inputs and date give the same bytes.
    let first = fs_err::read(&path).unwrap();
    assert_eq!(s.run(&["letter", "--date", "2026-12-02", "--out", "out"]).code, 0);
    assert_eq!(first, fs_err::read(&path).unwrap());
    // In Bokmål on request.
    assert_eq!(
        s.run(&["--lang", "nb", "letter", "--date", "2026-12-02", "--out", "nb"])
            .code,
        0
    );
    let nb = text_of(&s.path("nb/letters/2027/imdi/tilraading-til-imdi-2027.docx"));
    assert!(nb.contains("om å bosette til sammen 1474 flyktninger"), "{nb}");
}

/// The målform of each Vestland municipality, as the register has it.
fn malform() -> Vec<(String, String, String)> {
    let text = fs_err::read_to_string(root().join("data/norway-municipalities.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (k, n, f, m) = (
        col("kommunenummer"),
        col("kommune"),
        col("fylkesnummer"),
        col("malform"),
    );
    rd.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[f] == "46")
        .map(|r| (r[k].to_string(), r[n].to_string(), r[m].to_string()))
        .collect()
}

#[test]
fn each_municipality_gets_its_letter_in_its_own_written_language() {
    let s = Sandbox::new();
    let r = s.run(&["letter", "--municipalities", "--date", "2026-12-02", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rec = recommendation(&s, "criteria/default.toml");
    let dir = s.path("out/letters/2027/kommunar");
    let files: Vec<_> = fs_err::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 43);
    let registered = malform();
    assert_eq!(registered.len(), 43);
    let mut seen = std::collections::HashMap::new();
    for (knr, name, form) in &registered {
        let path = files
            .iter()
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{knr}-")))
            .unwrap_or_else(|| panic!("no letter for {knr}"));
        let text = text_of(path);
        let number = rec["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kommunenummer"] == knr.as_str())
            .unwrap()["recommendation"]
            .as_u64()
            .unwrap();
        let nn = format!("ber {name} om å busetje {number} flyktningar i 2027");
        let nb = format!("ber {name} om å bosette {number} flyktninger i 2027");
        // Neutral municipalities (Bergen, Askøy) get the county's language, Nynorsk.
        let (want, other) = if form == "Bokmål" { (&nb, &nn) } else { (&nn, &nb) };
        assert!(text.contains(want.as_str()), "{knr} {name} ({form}): {text}");
        assert!(!text.contains(other.as_str()), "{knr} {name} ({form})");
        assert!(
            text.contains("1.") && text.contains("5."),
            "the capacity questions: {text}"
        );
        *seen.entry(form.clone()).or_insert(0) += 1;
    }
    // Not vacuous: Vestland's municipalities are Nynorsk or neutral.
    assert_eq!(seen.len(), 2, "{seen:?}");

    // A criteria file may give neutral municipalities another language.
    let text = fs_err::read_to_string(s.path("criteria/default.toml")).unwrap();
    fs_err::write(
        s.path("criteria/neutral.toml"),
        format!("neutral-language = \"nb\"\n{text}"),
    )
    .unwrap();
    let r = s.run(&[
        "letter",
        "--municipalities",
        "--criteria",
        "criteria/neutral.toml",
        "--date",
        "2026-12-02",
        "--out",
        "nb",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bergen = text_of(&s.path("nb/letters/2027/kommunar/4601-bergen.docx"));
    assert!(bergen.contains("ber Bergen om å bosette"), "{bergen}");
    let voss = text_of(&s.path("nb/letters/2027/kommunar/4621-voss.docx"));
    assert!(voss.contains("ber Voss om å busetje"), "{voss}");

    // Elsewhere in the country a Bokmål municipality gets Bokmål (Rogaland: Eigersund), a
    // Nynorsk one Nynorsk (Bjerkreim).
    let r = s.run(&[
        "letter",
        "--municipalities",
        "--county",
        "11",
        "--date",
        "2026-12-02",
        "--out",
        "rogaland",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let eigersund = text_of(&s.path("rogaland/letters/2027/kommunar/1101-eigersund.docx"));
    assert!(eigersund.contains("ber Eigersund om å bosette"), "{eigersund}");
    let bjerkreim = text_of(&s.path("rogaland/letters/2027/kommunar/1114-bjerkreim.docx"));
    assert!(bjerkreim.contains("ber Bjerkreim om å busetje"), "{bjerkreim}");
}

#[test]
fn markup_in_names_and_reasons_stays_text_in_the_letter() {
    let s = Sandbox::new();
    let text = fs_err::read_to_string(s.path("criteria/default.toml")).unwrap();
    let hostile = text.replacen(
        "label = \"Spreidd busetting\"",
        "label = \"<w:t>x</w:t><script>alert(1)</script> =HYPERLINK(\\\"http://x\\\")\"",
        1,
    );
    assert_ne!(hostile, text);
    fs_err::write(s.path("criteria/hostile.toml"), hostile).unwrap();
    let r = s.run(&[
        "letter",
        "--criteria",
        "criteria/hostile.toml",
        "--date",
        "2026-12-02",
        "--out",
        "out",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = s.path("out/letters/2027/imdi/tilraading-til-imdi-2027.docx");
    let mut xml = String::new();
    zip::ZipArchive::new(fs_err::File::open(&path).unwrap())
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(!xml.contains("<script>"), "raw markup in the document");
    assert!(
        xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the label is missing"
    );
    assert!(
        !xml.contains("<w:fldSimple") && !xml.contains("<w:instrText"),
        "a field in the document"
    );
    assert!(text_of(&path).contains("<w:t>x</w:t><script>alert(1)</script> =HYPERLINK(\"http://x\")"));
}

#[test]
fn a_broken_template_is_named_with_its_line() {
    let s = Sandbox::new();
    let t = fs_err::read_to_string(s.path("criteria/letter/nn.toml")).unwrap();
    fs_err::write(
        s.path("criteria/letter/nn.toml"),
        t.replacen("closing = \"Med helsing\"", "closing = Med helsing", 1),
    )
    .unwrap();
    let r = s.run(&["letter", "--date", "2026-12-02", "--out", "out"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("criteria/letter/nn.toml is not a letter template"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nn.toml:"), "no line: {}", r.stderr);
    assert!(!s.path("out/letters").exists());

    let t = fs_err::read_to_string(s.path("criteria/letter/nb.toml")).unwrap();
    let broken = t.replacen("flyktninger i {{ year }}\"", "flyktninger i {{ year \"", 1);
    assert_ne!(broken, t);
    fs_err::write(s.path("criteria/letter/nb.toml"), broken).unwrap();
    let r = s.run(&["--lang", "nb", "letter", "--date", "2026-12-02", "--out", "out"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("a placeholder cannot be read"), "{}", r.stderr);
    let r = s.run(&["letter", "--date", "2026-13-02"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

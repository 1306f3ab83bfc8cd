//! `busetting verify reports/<year>`: recompute a published recommendation from the inputs its
//! manifest names, and confirm the numbers are identical, or name what changed.

use std::path::{Path, PathBuf};

use crate::cli::VerifyArgs;
use crate::commands::{Failure, Output};
use crate::diag::{Diag, Diags};
use crate::lang::{Lang, fill};
use crate::manifest::{self, Manifest, SetManifest};
use crate::{pipeline, robust};

/// The folders to verify: `dir` itself, the categories its set manifest lists, or each folder in
/// it with a manifest.
fn folders(dir: &Path) -> Vec<PathBuf> {
    if let Some(set) = SetManifest::read(dir) {
        return set
            .categories
            .iter()
            .filter(|id| crate::data::stays_inside(id) && !id.contains(['/', '\\']))
            .map(|id| dir.join(id))
            .collect();
    }
    if dir.join(manifest::FILE).is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = fs_err::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join(manifest::FILE).is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn verify_one(dir: &Path, lang: Lang) -> Result<String, Diags> {
    let path = dir.join(manifest::FILE);
    let shown = path.display().to_string();
    let text = crate::data::csvfile::read_bounded(&path)
        .and_then(|b| String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
        .map_err(|e| Diags::from(Diag::error("verify::read", format!("cannot read {shown}: {e}"))))?;
    let recorded: Manifest = serde_json::from_str(&text).map_err(|e| {
        Diags::from(
            Diag::error("verify::manifest", format!("{shown} is not a manifest: {e}"))
                .help("a manifest is written by recommend, report and sensitivity; run them again"),
        )
    })?;
    // A manifest travels by e-mail: the files it names are read only inside the folder verify
    // runs in, as recorded (relative, no `..`).
    for (what, path) in [
        ("criteria file", &recorded.criteria.path),
        ("data folder", &recorded.data),
    ] {
        if !crate::data::stays_inside(path) {
            return Err(Diags::from(
                Diag::error(
                    "verify::outside",
                    format!("{shown} names the {what} `{path}`, outside the folder verify runs in; it is not read"),
                )
                .help("run verify in the folder the run was made in; a manifest may only name files below it"),
            ));
        }
    }
    let run = pipeline::run(&recorded.source(), lang).map_err(|mut d| {
        d.push(Diag::error(
            "verify::rerun",
            format!("{shown}: the inputs it names cannot be run again (above)"),
        ));
        d
    })?;
    let fresh = Manifest::of(&run, recorded.sensitivity);
    let mut diff = manifest::compare(&recorded, &fresh);
    let robust = recorded
        .sensitivity
        .map(|settings| robust::analyse(&run, settings, &|_| {}));
    if let Some(again) = &robust {
        let saved = fs_err::read(dir.join("sensitivity.json")).unwrap_or_default();
        diff.sensitivity_changed = saved != crate::render::robust::json(again).map_err(Diag::from)?;
    }
    // Every file of the set, rendered again from the inputs and compared with the folder and
    // with the manifest's fingerprints: a report set if the manifest lists one, else the table.
    let full = recorded.outputs.iter().any(|o| o.name == "report.html");
    let files = if full {
        crate::commands::report::render_in(&run, dir, robust.as_ref())
            .map_err(|f| Diags(f.diags()))?
            .0
    } else {
        crate::render::recommendation_set(&run, recorded.sensitivity).map_err(Diag::from)?
    };
    diff.outputs = manifest::compare_outputs(dir, &recorded.outputs, &files, &[]);
    if diff.is_empty() {
        return Ok(fill(
            lang.texts().v_ok,
            &[
                ("dir", &dir.display().to_string()),
                ("n", &recorded.recommendation.len().to_string()),
                ("files", &(recorded.inputs.len() + 1).to_string()),
                ("outputs", &recorded.outputs.len().to_string()),
            ],
        ));
    }
    let mut lines = Vec::new();
    for (name, was, now) in &diff.files {
        lines.push(format!(
            "changed input: {name} (SHA-256 was {}…, now {})",
            &was[..was.len().min(12)],
            short(now)
        ));
    }
    for (label, was, now) in &diff.numbers {
        let show = |v: &Option<u64>| v.map_or_else(|| "absent".to_string(), |v| v.to_string());
        lines.push(format!("changed number: {label}: {} → {}", show(was), show(now)));
    }
    lines.extend(diff.outputs.iter().cloned());
    if diff.sensitivity_changed {
        lines.push("changed: sensitivity.json differs from a fresh robustness run with its settings".to_string());
    }
    if let Some((was, now)) = &diff.version {
        lines.push(format!("made with busetting {was}, verified with {now}"));
    }
    let what = if diff.numbers.is_empty() {
        "the numbers are the same, but".to_string()
    } else {
        format!("{} numbers differ;", diff.numbers.len())
    };
    Err(Diags::from(
        Diag::error(
            "verify::changed",
            format!(
                "{}: {what} not everything matches:\n{}",
                dir.display(),
                lines.join("\n")
            ),
        )
        .help("restore the inputs and files named above from the published copy, or make the set again (busetting report), which writes a new manifest"),
    ))
}

/// The top of a set with categories: every category listed has its folder, and the combined
/// files beside them are what the categories' inputs make, as the set manifest records them.
fn verify_top(dir: &Path, set: &SetManifest, dirs: &[PathBuf], lang: Lang) -> Result<String, Diags> {
    let shown = dir.join(manifest::FILE).display().to_string();
    if dirs.len() != set.categories.len() || dirs.is_empty() {
        return Err(Diags::from(
            Diag::error(
                "verify::manifest",
                format!("{shown} lists categories that are not folder names in it"),
            )
            .help("a set manifest is written by recommend and report with a file of categories; make the set again"),
        ));
    }
    // The categories' own manifests name the inputs; the first one's, without its category,
    // runs them all again.
    let first = dirs[0].join(manifest::FILE);
    let recorded: Manifest = crate::data::csvfile::read_bounded(&first)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            Diags::from(Diag::error(
                "verify::manifest",
                format!("{} is missing or not a manifest", first.display()),
            ))
        })?;
    for path in [&recorded.criteria.path, &recorded.data] {
        if !crate::data::stays_inside(path) {
            return Err(Diags::from(Diag::error(
                "verify::outside",
                format!(
                    "{} names `{path}`, outside the folder verify runs in; it is not read",
                    first.display()
                ),
            )));
        }
    }
    let mut source = recorded.source();
    source.category = None;
    let runs = pipeline::run_all(&source, lang)?;
    let full = set.outputs.iter().any(|o| o.name == "categories.md");
    let files = crate::commands::report::category_top(&runs, full).map_err(|f| Diags(f.diags()))?;
    let ids: Vec<String> = runs.iter().map(crate::render::categories::id).collect();
    let mut lines = manifest::compare_outputs(dir, &set.outputs, &files, &set.categories);
    if ids != set.categories {
        lines.push(format!(
            "changed categories: {shown} lists {}, the criteria file has {}",
            set.categories.join(", "),
            ids.join(", ")
        ));
    }
    if lines.is_empty() {
        return Ok(fill(
            lang.texts().v_set_ok,
            &[
                ("dir", &dir.display().to_string()),
                ("n", &set.categories.len().to_string()),
                ("outputs", &set.outputs.len().to_string()),
            ],
        ));
    }
    Err(Diags::from(
        Diag::error(
            "verify::changed",
            format!(
                "{}: the files beside the categories do not match:\n{}",
                dir.display(),
                lines.join("\n")
            ),
        )
        .help("restore the files named above from the published copy, or make the set again (busetting report)"),
    ))
}

pub fn run(args: &VerifyArgs, lang: Lang) -> Result<Output, Failure> {
    let dirs = folders(&args.dir);
    if dirs.is_empty() {
        return Err(Failure::Input(Diags::from(
            Diag::error(
                "verify::no-manifest",
                format!("{} has no {}", args.dir.display(), manifest::FILE),
            )
            .help("give the folder of a report set, e.g. reports/2027"),
        )));
    }
    let mut diags = Diags::default();
    let mut lines = String::new();
    if let Some(set) = SetManifest::read(&args.dir) {
        match verify_top(&args.dir, &set, &dirs, lang) {
            Ok(line) => {
                lines.push_str(&line);
                lines.push('\n');
            }
            Err(e) => diags.extend(e),
        }
    }
    for d in dirs {
        match verify_one(&d, lang) {
            Ok(line) => {
                lines.push_str(&line);
                lines.push('\n');
            }
            Err(e) => diags.extend(e),
        }
    }
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    Ok(Output {
        stdout: lines.into_bytes(),
        stderr: String::new(),
    })
}

fn short(s: &str) -> String {
    if s.len() == 64 {
        format!("{}…", &s[..12])
    } else {
        s.to_string()
    }
}

//! Writing a report set: every file is rendered in memory first, then each is written to a
//! temporary file beside its target and renamed into place, so a reader never sees a
//! half-written report and a failed run leaves the previous one intact.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::data::csvfile::io_reason;
use crate::diag::Diag;

/// Writes `files` (name, bytes) into `dir`, creating it if needed. Returns the paths written.
pub fn write_set<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<Vec<PathBuf>, Diag> {
    let fail = |what: &str, e: &std::io::Error| {
        Diag::error("output::write", format!("cannot write {what}: {}", io_reason(e)))
            .help("choose another folder with --out, or check its permissions")
    };
    fs_err::create_dir_all(dir).map_err(|e| fail(&dir.display().to_string(), &e))?;
    let mut staged = Vec::new();
    for (name, bytes) in files {
        let name = name.as_ref();
        let target = dir.join(name);
        let shown = target.display().to_string();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // Reports are for reading by others: not the owner-only mode of a temporary file.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder.tempfile_in(dir).map_err(|e| fail(&shown, &e))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail(&shown, &e))?;
        staged.push((tmp, target));
    }
    let mut written = Vec::new();
    for (tmp, target) in staged {
        let shown = target.display().to_string();
        tmp.persist(&target).map_err(|e| fail(&shown, &e.error))?;
        written.push(target);
    }
    Ok(written)
}

/// A set of files in memory: each file's name in the set and its bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// The folder under `--out` for analyses (history, compare, backtest): `<out>/analyses/<year>/`,
/// apart from the published sets in `<out>/<year>/`, which `verify` certifies file by file.
pub const ANALYSES: &str = "analyses";

/// Replaces the folder `dir` with exactly `files` (names may hold `/` for subfolders), as a
/// whole: every file is written and flushed in a staging folder beside `dir`, then the staging
/// folder and `dir` trade places in one step (Linux `renameat2` with `RENAME_EXCHANGE`; where
/// that is missing, two renames), and the old set is removed. A reader, or a run killed at any
/// moment, finds the old set or the new one, whole; what a killed run leaves beside `dir` is
/// cleared by the next. Returns the paths written.
pub fn publish<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<Vec<PathBuf>, Diag> {
    let fail = |what: &Path, e: &std::io::Error| {
        Diag::error(
            "output::write",
            format!("cannot write {}: {}", what.display(), io_reason(e)),
        )
        .help("choose another folder with --out, or check its permissions")
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(
            Diag::error("output::write", format!("{} is not a folder name", dir.display()))
                .help("give a folder with --out, e.g. --out reports"),
        );
    };
    fs_err::create_dir_all(parent).map_err(|e| fail(parent, &e))?;
    clear_stale(parent, &name, dir);
    // Only a set this tool wrote is replaced: a folder of something else is never removed.
    if dir.exists() && !is_set(dir) {
        return Err(Diag::error(
            "output::not-a-set",
            format!(
                "{} exists and holds other files than a set of results (it has no {})",
                dir.display(),
                crate::manifest::FILE
            ),
        )
        .help("choose another folder with --out, or empty that folder first; nothing was written"));
    }
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fs_err::remove_dir_all(&staging).map_err(|e| fail(&staging, &e))?;
    }
    fs_err::create_dir(&staging).map_err(|e| fail(&staging, &e))?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let name = name.as_ref();
        let target = staging.join(name);
        if let Some(sub) = target.parent() {
            fs_err::create_dir_all(sub).map_err(|e| fail(sub, &e))?;
        }
        let mut f = fs_err::File::create(&target).map_err(|e| fail(&target, &e))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| fail(&target, &e))?;
        written.push(dir.join(name));
        step();
    }
    sync_dir(&staging);
    if dir.exists() {
        if exchange(&staging, dir).is_err() {
            // No atomic exchange here: the old set steps aside, the new one takes its place.
            let old = parent.join(format!(".{name}.old-{}", std::process::id()));
            fs_err::rename(dir, &old).map_err(|e| fail(dir, &e))?;
            step();
            fs_err::rename(&staging, dir).map_err(|e| fail(dir, &e))?;
            fs_err::rename(&old, &staging).map_err(|e| fail(dir, &e))?;
        }
        step();
        sync_dir(parent);
        // The staging folder now holds the old set.
        fs_err::remove_dir_all(&staging).map_err(|e| fail(&staging, &e))?;
    } else {
        fs_err::rename(&staging, dir).map_err(|e| fail(dir, &e))?;
        sync_dir(parent);
    }
    step();
    Ok(written)
}

/// Whether `dir` may be replaced by a new set: empty, or a set this tool wrote (with a manifest,
/// the categories' table beside their folders, or a saved robustness run).
fn is_set(dir: &Path) -> bool {
    let Ok(mut entries) = fs_err::read_dir(dir) else {
        return false;
    };
    // A saved robustness run (sensitivity.json) is one a report takes in.
    [crate::manifest::FILE, "categories.csv", "sensitivity.json"]
        .iter()
        .any(|f| dir.join(f).is_file())
        || entries.next().is_none()
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

fn sync_dir(dir: &Path) {
    // Makes the renames durable where the platform allows it; nothing to do where it does not.
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Clears what a killed run left beside the set folder `dir`.
pub fn tidy(dir: &Path) {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) {
        clear_stale(parent, &name, dir);
    }
}

/// Clears what a killed run left beside `dir`: its staging folder, or the old set it had moved
/// aside (put back first when `dir` itself is missing). A folder of a run still going is left.
fn clear_stale(parent: &Path, name: &str, dir: &Path) {
    let Ok(entries) = fs_err::read_dir(parent) else { return };
    for e in entries.filter_map(Result::ok) {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        if !matches!(kind, "staging" | "old") || pid.parse::<u32>().is_err() {
            continue;
        }
        let alive = pid != std::process::id().to_string() && Path::new(&format!("/proc/{pid}")).exists();
        if alive {
            continue;
        }
        if kind == "old" && !dir.exists() {
            let _ = fs_err::rename(e.path(), dir);
        } else {
            let _ = fs_err::remove_dir_all(e.path());
        }
    }
}

/// For the kill test: with `BUSETTING_TEST_ABORT_AT_STEP=k`, the process aborts (no unwinding,
/// no cleanup, as a kill) at the k-th step of publishing a set.
fn step() {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STEP: AtomicU64 = AtomicU64::new(0);
    let Some(at) = std::env::var("BUSETTING_TEST_ABORT_AT_STEP")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return;
    };
    if STEP.fetch_add(1, Ordering::SeqCst) + 1 == at {
        std::process::abort();
    }
}

/// Writes one file at `path` the same way (temporary file, then rename).
pub fn write_file(path: &Path, bytes: Vec<u8>) -> Result<Vec<PathBuf>, Diag> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(
            Diag::error("output::write", format!("{} is not a file name", path.display()))
                .help("give the path of a file, e.g. data/imported.csv"),
        );
    };
    write_set(dir, &[(name, bytes)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("2027");
        let written = write_set(&out, &[("a.csv", b"x\n".to_vec()), ("b.json", b"{}\n".to_vec())]).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(fs_err::read_to_string(out.join("a.csv")).unwrap(), "x\n");
        let names: Vec<String> = fs_err::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}

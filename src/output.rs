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

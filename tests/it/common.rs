//! Running the binary in a sandbox: a temporary folder holding copies of the shipped data and
//! criteria, so a test can break one thing and see the whole message with short, stable paths.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A temporary working folder with `data/` and `criteria/` copied from the repository.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) {
    fs_err::create_dir_all(to).unwrap();
    for entry in fs_err::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            fs_err::copy(entry.path(), to.join(entry.file_name())).unwrap();
        } else if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        }
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("data"), &dir.path().join("data"));
        copy_dir(&root().join("criteria"), &dir.path().join("criteria"));
        Sandbox { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        fs_err::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        fs_err::write(self.path(rel), text).unwrap();
        self
    }

    /// Replaces the first occurrence of `from` in a file (which must contain it).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1))
    }

    /// Writes a criteria file: the default one with `from` replaced by `to`.
    pub fn criteria_with(&self, from: &str, to: &str) -> &Self {
        let text = self.read("criteria/default.toml");
        assert!(text.contains(from), "default.toml does not contain {from:?}");
        self.write("criteria.toml", text.replacen(from, to, 1))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("busetting")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs the binary in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

//! Watching the inputs: every 250 ms the criteria file and the data folder's files are looked
//! at (modification time and size, and on a change the content's SHA-256, so that a touch or a
//! save of the same bytes is no change; the criteria file's content every time). A change
//! reloads what changed and tells every open page (`changed` on /api/events); a file that cannot
//! be read sends the diagnostic `busetting check` prints instead, and the page keeps the last good
//! numbers, marked stale.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::json;
use sha2::{Digest, Sha256};

use super::engine::Workbench;
use super::http::App;

/// How often the files are looked at.
pub const PERIOD: Duration = Duration::from_millis(250);

#[derive(Clone, PartialEq)]
struct Stamp {
    /// Modification time and size; `None` when the file is missing.
    meta: Option<(Option<SystemTime>, u64)>,
    hash: Option<[u8; 32]>,
}

/// What the files looked like when last looked at.
#[derive(Default)]
pub(crate) struct Watcher {
    stamps: HashMap<PathBuf, Stamp>,
}

fn meta(path: &Path) -> Option<(Option<SystemTime>, u64)> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| (m.modified().ok(), m.len()))
}

fn hash(path: &Path) -> Option<[u8; 32]> {
    let bytes = std::fs::read(path).ok()?;
    Some(Sha256::digest(&bytes).into())
}

/// The files to watch: the criteria file, every file of the data folder (not hidden ones or an
/// editor's backups), and every file the data was read from.
fn paths(base: &Workbench) -> Vec<PathBuf> {
    let mut out = vec![base.source.criteria.clone()];
    if let Ok(entries) = std::fs::read_dir(&base.source.data) {
        for entry in entries.flatten().take(2_000) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                out.push(entry.path());
            }
        }
    }
    for input in &base.data.inputs {
        let p = PathBuf::from(&input.name);
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

impl Watcher {
    /// Looks at the files; returns those whose content changed (or that appeared or went) since
    /// last time. A file seen for the first time is only remembered.
    pub fn poll(&mut self, base: &Workbench) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths(base) {
            let now = meta(&path);
            match self.stamps.get_mut(&path) {
                None => {
                    let hash = now.and_then(|_| hash(&path));
                    self.stamps.insert(path, Stamp { meta: now, hash });
                }
                // The criteria file is small and the one edited by hand: its content is
                // compared every time, so an edit within the file system's timestamp
                // resolution that keeps the size is not missed.
                Some(stamp) if stamp.meta == now && path != base.source.criteria => {}
                Some(stamp) => {
                    let new_hash = now.and_then(|_| hash(&path));
                    let differs = new_hash != stamp.hash;
                    *stamp = Stamp {
                        meta: now,
                        hash: new_hash,
                    };
                    if differs {
                        changed.push(path);
                    }
                }
            }
        }
        changed
    }
}

/// Polls until the server stops.
pub(crate) async fn run(app: Arc<App>, mut watcher: Watcher) {
    let mut stop = app.stop.clone();
    let mut tick = tokio::time::interval(PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let worker = app.clone();
        let polled = tokio::task::spawn_blocking(move || {
            let base = worker.session().base.clone();
            let changed = watcher.poll(&base);
            let event = if changed.is_empty() {
                None
            } else {
                Some(reload(&worker, &base, &changed))
            };
            (watcher, event)
        })
        .await;
        let Ok((back, event)) = polled else {
            return;
        };
        watcher = back;
        if let Some(event) = event {
            // Nobody listening is no error.
            let _ = app.events.send(event);
        }
    }
}

/// Reloads after `changed` and says what happened, as the `changed` event's data.
fn reload(app: &App, base: &Arc<Workbench>, changed: &[PathBuf]) -> String {
    let criteria_changed = changed.contains(&base.source.criteria);
    let data_file = changed.iter().find(|p| **p != base.source.criteria);
    let (what, file) = match data_file {
        Some(p) => ("data", p.display().to_string()),
        None => ("criteria", base.name.clone()),
    };
    let loaded = if data_file.is_some() {
        Workbench::load(&base.source, base.lang)
    } else {
        crate::data::read_text(
            &base.source.criteria,
            &base.name,
            "the criteria file the workbench was started with",
        )
        .map_err(crate::diag::Diags::from)
        .and_then(|f| base.with_text(f.text.to_string()))
    };
    let broken = |app: &App, diagnostic: String| -> String {
        app.session().broken = Some(diagnostic.clone());
        json!({ "what": what, "file": file, "diagnostic": diagnostic }).to_string()
    };
    let new = match loaded {
        Ok(new) => Arc::new(new),
        Err(diags) => return broken(app, crate::diag::render(&diags.0, false)),
    };
    let file_result = match new.compute(&new.file_settings) {
        Ok(c) => Arc::new(c),
        Err(r) => return broken(app, r.error),
    };
    let reset = criteria_changed || new.text != base.text;
    let current = if reset {
        file_result.clone()
    } else {
        // The data changed: the settings shown stay, if they still run.
        let settings = app.session().current.settings.clone();
        match new.compute(&settings) {
            Ok(c) => Arc::new(c),
            Err(_) => file_result.clone(),
        }
    };
    let mut head = json!({ "what": what, "file": new.name });
    if what == "data" {
        head["file"] = json!(file);
    }
    if reset || current.settings == new.file_settings {
        head["settings"] = new.file_settings.to_json();
        head["criteria"] = new.criteria_json();
    }
    let head = head.to_string();
    let event = format!(
        "{},\"result\":{},\"file_result\":{}}}",
        head.strip_suffix('}').unwrap_or(&head),
        current.response(),
        file_result.response()
    );
    let mut s = app.session();
    s.base = new;
    s.current = current;
    s.current_error = None;
    s.file_result = file_result;
    s.broken = None;
    event
}

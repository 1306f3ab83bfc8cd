//! The HTTP side: the page's three files, and the JSON API page.js calls. Every request must
//! name this server in its Host (127.0.0.1:PORT or localhost:PORT: a DNS-rebinding page names
//! its own host); everything under /api needs the run's token; a request that changes state or
//! writes also needs a matching Origin (when the browser sends one) and a body of at most 64 KiB.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use tokio::sync::{broadcast, watch};

use super::engine::{Computed, Workbench};
use super::settings::{FIELDS, Refusal, Settings, unknown_field};
use super::{Progress, texts};
use crate::lang::Lang;

/// The largest request body read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The most draws a sensitivity run from the page makes.
pub const MAX_DRAWS: u64 = 100_000;

/// What the server knows between requests.
pub(crate) struct Session {
    pub base: Arc<Workbench>,
    /// The result of the settings the page sent last (the file's at first).
    pub current: Arc<Computed>,
    /// Why the settings sent last have no result, if they have none (`current` is older).
    pub current_error: Option<String>,
    pub file_result: Arc<Computed>,
    /// The file "Save as" wrote last.
    pub saved: Option<Saved>,
    /// The diagnostic while the criteria file or the data on disk cannot be read.
    pub broken: Option<String>,
}

/// A file written by "Save as".
pub(crate) struct Saved {
    /// The path as the command line would give it: the criteria file's folder joined with
    /// what the page asked for.
    pub path: PathBuf,
    pub text: String,
    pub settings: Settings,
    /// The criteria file's text it was made from.
    pub from: String,
}

pub(crate) struct App {
    pub token: String,
    pub hosts: [String; 2],
    pub origins: [String; 2],
    pub session: Mutex<Session>,
    pub events: broadcast::Sender<String>,
    pub stop: watch::Receiver<bool>,
    pub progress: Progress,
    pub out: PathBuf,
    pub lang: Lang,
}

impl App {
    pub fn session(&self) -> MutexGuard<'_, Session> {
        // A handler that panicked left nothing half-done in the session (each field is replaced
        // whole), so a poisoned lock is still good.
        self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        json_response(status, self.body().to_string())
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

fn ok(body: String) -> Response {
    json_response(StatusCode::OK, body)
}

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/assets/page.css", get(css))
        .route("/assets/page.js", get(js))
        .route("/api/state", get(state))
        .route("/api/run", post(run))
        .route("/api/explain", post(explain))
        .route("/api/save", post(save))
        .route("/api/report", post(report))
        .route("/api/sensitivity", post(sensitivity))
        .route("/api/progress", get(progress))
        .route("/api/backtest", post(backtest))
        .route("/api/events", get(events))
        .fallback(|| async { Refusal::new(404, "not found") })
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

// ---- Security -------------------------------------------------------------------------------

/// Compares in time independent of where the strings differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_token(req: &Request) -> Option<&str> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Host on every request; for /api the token; for anything but GET a matching Origin, no
/// cross-site fetch, and the body limit. A refused request reaches no handler.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host_ok = text("host").is_some_and(|h| app.hosts.iter().any(|x| x.eq_ignore_ascii_case(h)));
    if !host_ok {
        return Refusal::new(
            403,
            format!("refused: the Host must be {} or {}", app.hosts[0], app.hosts[1]),
        )
        .into_response();
    }
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let token = match text("x-busetting-token") {
        Some(t) => Some(t),
        None if req.method() == Method::GET && req.uri().path() == "/api/events" => query_token(&req),
        None => None,
    };
    if !token.is_some_and(|t| same(t.as_bytes(), app.token.as_bytes())) {
        return Refusal::new(403, "refused: this needs the token printed when the server started").into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        if let Some(origin) = text("origin")
            && !app.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
        {
            return Refusal::new(403, format!("refused: the request comes from another site ({origin})"))
                .into_response();
        }
        if text("sec-fetch-site") == Some("cross-site") {
            return Refusal::new(403, "refused: the request comes from another site").into_response();
        }
        let length = text("content-length").and_then(|l| l.parse::<u64>().ok());
        if length.is_some_and(|l| l > BODY_LIMIT as u64) {
            return too_large().into_response();
        }
    }
    next.run(req).await
}

fn too_large() -> Refusal {
    Refusal::new(
        413,
        format!("the request body is larger than {} KiB", BODY_LIMIT / 1024),
    )
}

/// A request body as a JSON object, at most [`BODY_LIMIT`] bytes.
async fn read_json(body: Body) -> Result<Map<String, Value>, Refusal> {
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| too_large())?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| Refusal::bad("body", format!("the body is not JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Refusal::bad("body", "the body must be a JSON object")),
    }
}

// ---- The page -------------------------------------------------------------------------------

const PAGE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        body,
    )
        .into_response();
    if content_type.starts_with("text/html") {
        let h = response.headers_mut();
        // Everything from this server, nothing inline but styles, no framing.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                 connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

// ---- The API --------------------------------------------------------------------------------

async fn state(State(app): State<Arc<App>>) -> Response {
    let s = app.session();
    let b = &s.base;
    let head = json!({
        "texts": texts::all(app.lang),
        "file": b.name,
        "settings": s.current.settings.to_json(),
        "file_settings": b.file_settings.to_json(),
        "criteria": b.criteria_json(),
        "methods": b.methods_json(),
        "diagnostic": s.broken,
        "save_folder": save_folder(b).display().to_string(),
        "save_name": save_name(b),
    })
    .to_string();
    // The results are spliced in as they are: `recommendation` stays byte for byte.
    let head = head.strip_suffix('}').unwrap_or(&head);
    ok(format!(
        "{head},\"result\":{},\"file_result\":{}}}",
        s.current.response(),
        s.file_result.response()
    ))
}

/// The folder "Save as" writes in: the criteria file's, as the command line named it.
fn criteria_folder(base: &Workbench) -> PathBuf {
    base.source.criteria.parent().unwrap_or(Path::new("")).to_path_buf()
}

/// That folder, absolute, as the page shows it before writing.
fn save_folder(base: &Workbench) -> PathBuf {
    let folder = criteria_folder(base);
    let folder = if folder.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        folder
    };
    std::fs::canonicalize(&folder).unwrap_or(folder)
}

/// A name to suggest for "Save as": the criteria file's, marked as from the workbench.
fn save_name(base: &Workbench) -> String {
    let stem = base
        .source
        .criteria
        .file_stem()
        .map_or_else(|| "criteria".to_string(), |s| s.to_string_lossy().into_owned());
    format!("{stem}-workbench.toml")
}

/// Runs the model in the blocking pool (the async workers stay free for other requests).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Refusal::new(500, format!("the computation stopped: {e}")))
}

/// The result for these settings: the one kept when they are the current ones, else computed.
/// With `keep`, a new result becomes the current one (and a failure is remembered).
async fn result_for(app: &Arc<App>, settings: Settings, keep: bool) -> Result<Arc<Computed>, Refusal> {
    let base = {
        let s = app.session();
        if s.current.settings == settings && s.current_error.is_none() {
            return Ok(s.current.clone());
        }
        s.base.clone()
    };
    let worker = base.clone();
    let computed = blocking(move || worker.compute(&settings)).await?;
    let mut s = app.session();
    let same_base = Arc::ptr_eq(&s.base, &base);
    match computed {
        Ok(c) => {
            let c = Arc::new(c);
            if keep && same_base {
                s.current = c.clone();
                s.current_error = None;
            }
            Ok(c)
        }
        Err(r) => {
            if keep && same_base {
                s.current_error = Some(r.error.clone());
            }
            Err(r)
        }
    }
}

/// The settings in a request body, for the file the server has now.
fn settings_of(app: &App, body: &Map<String, Value>) -> Result<Settings, Refusal> {
    let base = app.session().base.clone();
    Settings::from_json(body, &base.ids(), &base.methods)
}

async fn run(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    let body = read_json(body).await?;
    unknown_field(&body, &FIELDS)?;
    let settings = settings_of(&app, &body)?;
    let computed = result_for(&app, settings, true).await?;
    Ok(ok(computed.response()))
}

async fn explain(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    let body = read_json(body).await?;
    let mut known = FIELDS.to_vec();
    known.push("kommunenummer");
    unknown_field(&body, &known)?;
    let knr = body
        .get("kommunenummer")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Refusal::bad(
                "kommunenummer",
                "kommunenummer must be a municipality's number, e.g. \"4602\"",
            )
        })?
        .to_string();
    let settings = settings_of(&app, &body)?;
    let computed = result_for(&app, settings, false).await?;
    let run = &computed.run;
    let Some(e) = run.explanations.iter().find(|e| e.kommunenummer == knr) else {
        return Err(Refusal::bad(
            "kommunenummer",
            format!("kommunenummer {knr} is not a municipality of this run"),
        ));
    };
    let text = crate::render::explanation::render(run, e);
    Ok(ok(
        json!({ "kommunenummer": knr, "sentence": e.sentence, "text": text }).to_string(),
    ))
}

/// Where "Save as" may write `asked`: inside the criteria file's folder, nowhere else. Gives
/// the path as the command line would name it and the absolute path.
fn resolve(folder: &Path, asked: &str) -> Result<(PathBuf, PathBuf), Refusal> {
    let shown_folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let outside = || {
        Refusal::bad(
            "path",
            format!(
                "Save as writes only inside the criteria file's folder {}: give a file name there, e.g. my-weights.toml",
                shown_folder.display()
            ),
        )
    };
    if asked.trim().is_empty() || asked.len() > 1000 || asked.chars().any(char::is_control) {
        return Err(Refusal::bad("path", "path must be a file name, e.g. my-weights.toml"));
    }
    if !asked.ends_with(".toml") || asked.ends_with("/.toml") || asked == ".toml" {
        return Err(Refusal::bad("path", "path must end in .toml, e.g. my-weights.toml"));
    }
    let rel = Path::new(asked);
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let root = std::fs::canonicalize(shown_folder)
        .map_err(|e| Refusal::new(500, format!("cannot find the folder {}: {e}", shown_folder.display())))?;
    let wanted = root.join(rel);
    let parent = wanted.parent().ok_or_else(outside)?;
    let parent = std::fs::canonicalize(parent)
        .map_err(|_| Refusal::bad("path", format!("the folder {} does not exist", parent.display())))?;
    // A link inside the folder may lead out of it.
    if !parent.starts_with(&root) {
        return Err(outside());
    }
    let name = wanted.file_name().ok_or_else(outside)?;
    let resolved = parent.join(name);
    if let Ok(meta) = std::fs::symlink_metadata(&resolved)
        && !meta.is_file()
    {
        return Err(Refusal::bad(
            "path",
            format!("{} is not a plain file; choose another name", resolved.display()),
        ));
    }
    Ok((shown_folder.join(rel), resolved))
}

/// Writes a file atomically: a temporary file beside it, flushed, then renamed into place;
/// without `overwrite`, an existing file is never replaced (even one made meanwhile).
fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".busetting-save.").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if overwrite {
        tmp.persist(path).map(|_| ()).map_err(|e| e.error)
    } else {
        tmp.persist_noclobber(path).map(|_| ()).map_err(|e| e.error)
    }
}

fn exists(resolved: &Path) -> Response {
    json_response(
        StatusCode::CONFLICT,
        json!({
            "exists": true,
            "resolved": resolved.display().to_string(),
            "error": format!("{} exists; confirm to overwrite it", resolved.display()),
        })
        .to_string(),
    )
}

/// The settings a file would be written or reported from: the current ones, when they have a
/// result.
fn current(app: &App) -> Result<(Arc<Workbench>, Arc<Computed>), Refusal> {
    let s = app.session();
    if let Some(e) = &s.current_error {
        return Err(Refusal::new(
            409,
            format!("the settings shown have no result ({e}); change them first"),
        ));
    }
    Ok((s.base.clone(), s.current.clone()))
}

async fn save(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    let body = read_json(body).await?;
    unknown_field(&body, &["path", "overwrite"])?;
    let asked = body
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| Refusal::bad("path", "path must be a file name, e.g. my-weights.toml"))?;
    let overwrite = match body.get("overwrite") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Refusal::bad("overwrite", "overwrite must be true or false")),
    };
    let (base, computed) = current(&app)?;
    let (path, resolved) = resolve(&criteria_folder(&base), asked)?;
    if !overwrite && std::fs::symlink_metadata(&resolved).is_ok() {
        return Ok(exists(&resolved));
    }
    let text = base.saved_text(&computed.settings)?;
    let bytes = text.clone().into_bytes();
    let target = resolved.clone();
    match blocking(move || write_atomic(&target, &bytes, overwrite)).await? {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(exists(&resolved)),
        Err(e) => {
            return Err(Refusal::new(500, format!("cannot write {}: {e}", resolved.display())));
        }
    }
    app.session().saved = Some(Saved {
        path: path.clone(),
        text,
        settings: computed.settings.clone(),
        from: base.text.clone(),
    });
    Ok(ok(json!({
        "resolved": resolved.display().to_string(),
        "path": path.display().to_string(),
    })
    .to_string()))
}

async fn report(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    let body = read_json(body).await?;
    unknown_field(&body, &[])?;
    let (base, computed) = current(&app)?;
    // A report is made from a file on disk, so that `verify` can make it again: the criteria
    // file itself, or the file "Save as" wrote last, when it holds these settings.
    let (path, expected) = if computed.text == base.text {
        (base.source.criteria.clone(), base.text.clone())
    } else {
        let s = app.session();
        match &s.saved {
            Some(saved) if saved.settings == computed.settings && saved.from == base.text => {
                (saved.path.clone(), saved.text.clone())
            }
            _ => {
                return Err(Refusal::new(
                    409,
                    "save the settings first (Save as …): a report is made from a criteria file on disk, so that it can be made again",
                ));
            }
        }
    };
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk.trim_start_matches('\u{feff}') != expected {
        return Err(Refusal::new(
            409,
            format!("{} has changed on disk since; save the settings again", path.display()),
        ));
    }
    let mut source = base.source.clone();
    source.criteria = path.clone();
    if source.county.is_some() {
        source.total = Some(computed.settings.total);
    }
    let (out, lang) = (app.out.clone(), app.lang);
    let written = blocking(move || -> Result<(PathBuf, Vec<PathBuf>), String> {
        let plain = |d: crate::diag::Diags| crate::diag::render(&d.0, false);
        let run = crate::pipeline::run(&source, lang).map_err(plain)?;
        let folder = out.join(run.criteria.year.to_string());
        let (written, _) =
            crate::commands::report::write(&run, &out, None).map_err(|f| crate::diag::render(&f.diags(), false))?;
        Ok((folder, written))
    })
    .await?
    .map_err(|e| Refusal::new(500, e))?;
    let (folder, files) = written;
    Ok(ok(json!({
        "folder": folder.display().to_string(),
        "criteria": path.display().to_string(),
        "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
    })
    .to_string()))
}

async fn sensitivity(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    let body = read_json(body).await?;
    unknown_field(&body, &["draws"])?;
    let (_, computed) = current(&app)?;
    let draws = match body.get("draws") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(d) if d >= 1 => Some(d.min(MAX_DRAWS)),
            _ => {
                return Err(Refusal::bad(
                    "draws",
                    format!("draws must be a whole number from 1 to {MAX_DRAWS}"),
                ));
            }
        },
    };
    let file = computed.run.criteria.sensitivity.clone();
    let args = crate::cli::SensitivityArgs {
        inputs: crate::cli::Inputs {
            criteria: computed.run.source.criteria.clone(),
            data: computed.run.source.data.clone(),
            county: None,
            total: None,
            category: None,
        },
        draws: Some(
            draws
                .or(file.draws)
                .unwrap_or(crate::robust::Settings::DEFAULT_DRAWS)
                .min(MAX_DRAWS),
        ),
        seed: None,
        kappa: None,
        delta: None,
        indicator_noise: None,
        out: PathBuf::new(),
        format: crate::cli::Format::Json,
        no_write: true,
    };
    let settings = crate::commands::sensitivity::settings(&args, &file).map_err(|f| {
        let text = f
            .diags()
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        Refusal::new(400, text)
    })?;
    if app.progress.running.swap(true, Ordering::SeqCst) {
        return Err(Refusal::new(409, "a sensitivity run is already going; wait for it"));
    }
    app.progress.done.store(0, Ordering::SeqCst);
    app.progress.total.store(settings.draws, Ordering::SeqCst);
    let worker = app.clone();
    let answer = blocking(move || {
        let progress = |n: u64| {
            worker.progress.done.fetch_add(n, Ordering::Relaxed);
        };
        let s = crate::robust::analyse(&computed.run, settings, &progress);
        crate::render::robust::json(&s)
    })
    .await;
    app.progress.running.store(false, Ordering::SeqCst);
    let bytes = answer?.map_err(|e| Refusal::new(500, e.to_string()))?;
    Ok(ok(String::from_utf8_lossy(&bytes).into_owned()))
}

async fn progress(State(app): State<Arc<App>>) -> Response {
    let p = &app.progress;
    ok(json!({
        "done": p.done.load(Ordering::Relaxed).min(p.total.load(Ordering::Relaxed)),
        "total": p.total.load(Ordering::Relaxed),
        "running": p.running.load(Ordering::Relaxed),
    })
    .to_string())
}

async fn backtest(State(app): State<Arc<App>>, body: Body) -> Result<Response, Refusal> {
    use crate::backtest::{self as bt, Baseline, Options, Target};
    let body = read_json(body).await?;
    unknown_field(&body, &[])?;
    let (_, computed) = current(&app)?;
    if let Some(c) = &computed.run.criteria.category {
        return Err(Refusal::new(
            409,
            format!(
                "the backtest cannot test the category `{}` on its own: the history holds each municipality's whole request",
                c.id
            ),
        ));
    }
    let lang = app.lang;
    let answer = blocking(move || {
        let run = &computed.run;
        let opts = Options {
            from: None,
            to: None,
            target: Target::Request,
            fit: false,
        };
        let result = bt::run(&run.criteria, &run.data, None, &opts).map_err(|_| {
            Refusal::new(
                409,
                "the data's history has no two consecutive years with IMDi's requests to test against",
            )
        })?;
        let rows: Vec<Value> = result
            .years
            .iter()
            .map(|y| {
                let baselines: Map<String, Value> = Baseline::EVERY
                    .iter()
                    .zip(&y.baselines)
                    .map(|(b, s)| {
                        let label = crate::render::backtest::baseline_label(lang, *b).to_string();
                        (label, json!(s.as_ref().map(|s| s.mae)))
                    })
                    .collect();
                json!({
                    "year": y.year,
                    "total": y.total,
                    "file_mae": y.file.as_ref().ok().map(|f| f.score.mae),
                    "baselines": baselines,
                })
            })
            .collect();
        Ok::<Value, Refusal>(json!({
            "rows": rows,
            "verdict": crate::render::backtest::verdict(lang, &result),
        }))
    })
    .await??;
    Ok(ok(answer.to_string()))
}

async fn events(State(app): State<Arc<App>>) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    use tokio::sync::broadcast::error::RecvError;
    let rx = app.events.subscribe();
    let stop = app.stop.clone();
    let stream = futures_util::stream::unfold((rx, stop), |(mut rx, mut stop)| async move {
        loop {
            let message = tokio::select! {
                message = rx.recv() => message,
                _ = stop.wait_for(|s| *s) => return None,
            };
            match message {
                Ok(data) => {
                    let event = Event::default().event("changed").data(data);
                    return Some((Ok(event), (rx, stop)));
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }

    #[test]
    fn save_stays_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("criteria");
        std::fs::create_dir(&folder).unwrap();
        let (shown, resolved) = resolve(&folder, "mine.toml").unwrap();
        assert_eq!(shown, folder.join("mine.toml"));
        assert_eq!(resolved, std::fs::canonicalize(&folder).unwrap().join("mine.toml"));
        for bad in [
            "../x.toml",
            "/tmp/x.toml",
            "sub/../../x.toml",
            "x.txt",
            "",
            ".toml",
            "a\nb.toml",
        ] {
            let e = resolve(&folder, bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("path"), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), folder.join("out")).unwrap();
            let e = resolve(&folder, "out/x.toml").unwrap_err();
            assert!(e.error.contains("inside"), "{}", e.error);
        }
    }

    #[test]
    fn the_token_may_come_in_the_query() {
        let req = Request::builder()
            .uri("/api/events?x=1&token=abc")
            .body(Body::empty())
            .unwrap();
        assert_eq!(query_token(&req), Some("abc"));
    }
}

//! `busetting serve`: the planners' workbench, a local web page where the criteria move and
//! every number follows.
//!
//! The server loads the data once ([`engine::Workbench`]), and answers every change of the
//! page's settings by writing them into the criteria file's own text and running that text with
//! the same pipeline as `recommend` ([`crate::pipeline::run_on`]): the page's numbers, a file
//! saved from the page, and `recommend` with that file are the same by construction. It binds
//! 127.0.0.1 only, and every request under /api needs the per-run token printed at start
//! ([`http`] has the rules). The criteria file and the data folder are watched ([`watch`]).

pub mod edit;
pub mod engine;
mod http;
pub mod settings;
pub mod svg;
pub mod texts;
mod watch;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::diag::{Diag, Diags};
use crate::lang::Lang;
use crate::pipeline::Source;

pub use engine::{Computed, Workbench};
pub use settings::Settings;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    pub source: Source,
    pub lang: Lang,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the page in the browser.
    pub open: bool,
    /// Where "Report" writes (`<out>/<year>/`).
    pub out: PathBuf,
}

/// A sensitivity run's progress, for GET /api/progress.
#[derive(Default)]
pub(crate) struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
    pub running: AtomicBool,
}

/// 32 hex digits from the operating system's random source.
fn token() -> Result<String, Diag> {
    use rand::TryRngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| Diag::error("serve::token", format!("no random numbers from the system: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens the page in the system's browser; failing is only a warning.
fn open_browser(url: &str) {
    let spawned = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = spawned {
        let _ = writeln!(
            std::io::stderr(),
            "warning: could not open a browser ({e}); open the address above yourself"
        );
    }
}

/// Listens for Ctrl-C (SIGINT) and SIGTERM from the call on; the future ends at the first.
///
/// The handlers are in place when this returns, before the page's address is printed: a signal
/// that comes before the future is first polled still stops the server cleanly. (`ctrl_c()`
/// installs its handler only when first polled, and a Ctrl-C before that killed the process.)
/// A signal whose handler cannot be installed keeps its default action: it ends the process.
fn stop_signals() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                (Ok(mut interrupt), Err(_)) => {
                    interrupt.recv().await;
                }
                (Err(_), Ok(mut terminate)) => {
                    terminate.recv().await;
                }
                (Err(_), Err(_)) => std::future::pending().await,
            }
        }
    }
    #[cfg(windows)]
    {
        let interrupt = tokio::signal::windows::ctrl_c();
        async move {
            match interrupt {
                Ok(mut interrupt) => {
                    interrupt.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        std::future::pending()
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Diags {
    Diags::from(Diag::error("serve::start", format!("{what}: {e}")))
}

/// Loads the inputs, prints the page's address on standard output, and serves until Ctrl-C or
/// SIGTERM. Problems with the inputs stop it before it listens, as `recommend` reports them.
pub fn serve(config: Config) -> Result<(), Diags> {
    let base = Arc::new(Workbench::load(&config.source, config.lang)?);
    let file_result = Arc::new(
        base.compute(&base.file_settings)
            .map_err(|r| Diags::from(Diag::error("serve::start", r.error)))?,
    );
    let token = token()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Reading the data (polars) needs more than the default 2 MiB, as on the main thread.
        .thread_stack_size(16 * 1024 * 1024)
        .enable_all()
        .build()
        .map_err(|e| failed("cannot start the server", e))?;
    let result = runtime.block_on(async move {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
            Diags::from(
                Diag::error(
                    "serve::bind",
                    format!("cannot listen on 127.0.0.1:{}: {e}", config.port),
                )
                .help("choose another port with --port, or --port 0 for any free one"),
            )
        })?;
        let port = listener.local_addr().map_err(|e| failed("no address", e))?.port();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let (events, _) = tokio::sync::broadcast::channel(16);
        let mut watcher = watch::Watcher::default();
        watcher.poll(&base);
        let app = Arc::new(http::App {
            token: token.clone(),
            hosts: [format!("127.0.0.1:{port}"), format!("localhost:{port}")],
            origins: [format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")],
            session: Mutex::new(http::Session {
                base,
                current: file_result.clone(),
                current_error: None,
                file_result,
                saved: None,
                broken: None,
            }),
            events,
            stop: stop_rx.clone(),
            progress: Progress::default(),
            out: config.out.clone(),
            lang: config.lang,
        });
        let mut on_stop = stop_rx;
        let server = axum::serve(listener, http::router(app.clone())).with_graceful_shutdown(async move {
            let _ = on_stop.wait_for(|s| *s).await;
        });
        let server = tokio::spawn(async move { server.await });
        tokio::spawn(watch::run(app, watcher));

        let stopped = stop_signals();
        let url = format!("http://127.0.0.1:{port}/?token={token}");
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{url}").and_then(|()| stdout.flush());
        drop(stdout);
        let _ = writeln!(
            std::io::stderr(),
            "busetting serve: the workbench is open at the address above; Ctrl-C stops it"
        );
        if config.open {
            open_browser(&url);
        }

        stopped.await;
        let _ = stop_tx.send(true);
        // Open pages' event streams end with the stop; a connection that hangs on is not waited for long.
        let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
        Ok(())
    });
    // A sensitivity run still drawing is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

//! The Vitrin server: `build_app` assembles the HTTP routes, `run` serves them until a signal.
//!
//! Tests drive `build_app` directly (in-process with `oneshot`, or on `127.0.0.1:0`); the binary
//! in `main.rs` only parses the command line, sets up logging and calls `run`.

pub mod api;
pub mod auth;
pub mod changes;
pub mod config;
mod connections;
pub mod customer_reports;
pub mod db;
pub mod demo;
pub mod device_cache;
pub mod domain;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod maintenance;
pub mod manifest;
pub mod media;
pub mod metrics;
pub mod player;
pub mod promo;
pub mod push;
pub mod refs;
pub mod reports;
pub mod state;
pub mod tls;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use tokio::net::TcpListener;
use tower_http::csrf::CsrfLayer;
use tracing::{info, warn};

pub use config::{Cli, Config, default_database_url};
/// The allocator the server's binaries install (see `[workspace.dependencies]` for why).
pub use mimalloc::MiMalloc as Allocator;
pub use state::AppState;

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_t` enum, which is part of the
/// C API (libmimalloc-sys leaves this constant out); the same in mimalloc v2 and v3.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator return freed memory to the OS at once, not a second later (mimalloc's
/// default, ten seconds for its arenas). Most of the server's memory is long-lived push
/// streams; what a connect storm or a report frees would otherwise stay counted in its RSS
/// until later allocations happen to trigger a purge, which an idle server never makes: at
/// 10,000 streams that was 21 MiB (BENCHMARKS.md). Called once, before the server starts work.
pub fn purge_freed_memory_at_once() {
    // SAFETY: sets one integer option; called before any other thread allocates much, and
    // mimalloc reads the option afresh at every purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

use crate::db::Db;
use crate::media::blobs::BlobStore;
use crate::metrics::Metrics;

/// The server's crate version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

impl AppState {
    /// Opens (and migrates) the database and the media store named by `config`.
    pub async fn open(config: Config) -> Result<AppState, ServerError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        check_writable(&config.data_dir)?;
        // Uploads a crash interrupted are half files nobody will finish.
        match media::blobs::remove_interrupted_uploads(&config.upload_dir()) {
            Ok(0) => {}
            Ok(n) => info!("removed {n} interrupted upload(s)"),
            Err(e) => warn!("cannot clear interrupted uploads: {e}"),
        }
        match media::adopt_misplaced(&config) {
            Ok(Some(old)) => info!("moved the media from {} into place", old.display()),
            Ok(None) => {}
            Err(e) => warn!("cannot move the media of an older release into place: {e}"),
        }
        let db = Db::connect(&config.database_url)
            .await
            .map_err(|e| ServerError::Database(e.to_string()))?;
        let blobs = BlobStore::from_url(&config.media_url, &config.data_dir)
            .map_err(|e| ServerError::Media(e.to_string()))?;
        let tls = match &config.tls {
            Some(files) => Some(tls::Certificates::load(files)?),
            None => None,
        };
        let push = Arc::new(push::Hub::default());
        push::start_listener(&db, &push);
        let screen_reads = Arc::new(player::screen_reads::ScreenReads::start(db.clone()));
        let seen_marks = Arc::new(player::seen_marks::SeenMarks::start(db.clone()));
        Ok(AppState::new(state::Shared {
            config: Arc::new(config),
            db,
            blobs,
            metrics: Arc::new(Metrics::new()),
            push,
            screen_reads,
            seen_marks,
            device_cache: Arc::default(),
            snapshots: Arc::default(),
            tls,
        }))
    }
}

/// Fails now, naming the folder, when the data dir exists but cannot be written to (a
/// packaged server started as the wrong user, a read-only mount): otherwise the database or
/// the first upload would fail later with a message that names neither.
fn check_writable(data_dir: &Path) -> Result<(), ServerError> {
    let probe = data_dir.join(format!(".write-check-{}", std::process::id()));
    let written = std::fs::write(&probe, b"");
    let _ = std::fs::remove_file(&probe);
    written.map_err(|source| ServerError::DataDirNotWritable {
        path: data_dir.to_path_buf(),
        source,
    })
}

/// All routes of the server. Unknown paths fall through to axum's default 404.
pub fn build_app(state: AppState) -> Router {
    let mut csrf = CsrfLayer::new();
    if let Some(origin) = &state.config.public_url {
        match csrf
            .clone()
            .add_trusted_origin(origin.trim_end_matches('/'))
        {
            Ok(layer) => csrf = layer,
            Err(e) => warn!("public URL {origin} is not a valid origin: {e}"),
        }
    }
    let csrf = csrf.with_rejection_response(|_| {
        error::ApiError::Forbidden("cross-site request refused").into_response()
    });
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::routes(&state))
        .merge(web::routes(&state))
        .fallback(web::page::not_found)
        // Browsers attach cookies to cross-site requests; refuse those that change things.
        .layer(csrf)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Body of `GET /healthz`.
#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    /// Lets a player tell whether it speaks the same wire protocol as this server.
    api_version: u32,
    database: &'static str,
}

async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: VERSION,
        api_version: vitrin_shared::API_VERSION,
        database: state.db.kind(),
    })
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot create data dir {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to the data dir {path}: {source}")]
    DataDirNotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(String),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("cannot open the media store: {0}")]
    Media(String),
    #[error("cannot load the demo content: {0}")]
    Demo(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

/// The `vitrin-server` program: parse the command line, set up logging, run until a signal.
pub async fn main() -> std::process::ExitCode {
    use clap::Parser;
    use std::io::IsTerminal;
    purge_freed_memory_at_once();
    let cli = Cli::parse();
    // RUST_LOG picks what is logged; without it, info and above.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for people: logs read by journald or tests stay plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match cli.into_config() {
        Ok(config) => run(config).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens everything, binds, and serves until SIGINT/SIGTERM, then shuts down gracefully.
pub async fn run(config: Config) -> Result<(), ServerError> {
    let state = AppState::open(config).await?;
    let config = state.config.clone();
    info!(data_dir = %config.data_dir.display(), database = state.db.kind(), "storage ready");
    if config.demo {
        match demo::seed(&state).await {
            Ok(true) => info!(
                "demo café created; sign in as {} with the demo password {}",
                demo::OWNER_EMAIL,
                demo::OWNER_PASSWORD
            ),
            Ok(false) => info!("--demo: the server already has data, nothing added"),
            Err(e) => return Err(ServerError::Demo(e.to_string())),
        }
    }

    if let Some(addr) = config.metrics_bind {
        let listener = bind(addr).await?;
        let addr = listener.local_addr().map_err(ServerError::Serve)?;
        info!("metrics on http://{addr}/metrics");
        let router = metrics::router(state.metrics.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    tokio::spawn(maintenance::hourly(state.clone()));
    tokio::spawn(feeds::refresh::run(state.clone()));

    let listener = bind(config.bind).await?;
    // With port 0 only the listener knows the real port; tests read it from this line.
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    let db = state.db.clone();
    match state.tls.clone() {
        Some(certificates) => {
            info!(pin = %certificates.pin(), "listening on https://{addr}");
            tokio::spawn(certificates.clone().watch(tls::RELOAD_CHECK));
            tls::serve(listener, state, certificates, shutdown_signal()).await
        }
        None => {
            info!("listening on http://{addr}");
            serve(listener, state, shutdown_signal()).await
        }
    }
    .map_err(ServerError::Serve)?;
    db.close().await;
    info!("stopped");
    Ok(())
}

/// Serves the app on an already bound listener until `shutdown` completes.
///
/// Not `axum::serve`: its connections tell HTTP/2 from HTTP/1 by reading the first 24 bytes,
/// so hyper gets a request head in two reads and doubles its read buffer to 16 KiB, which a
/// connection keeps for its whole life (8 KiB too many on every push stream). Here the first
/// bytes are only peeked at, and an HTTP/1 connection is served as one from its first read.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = build_app(state);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    while let Some((tcp, peer)) = connections::accept(&listener, shutdown.as_mut()).await {
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let http1_only = speaks_http1(&tcp).await;
            connections::serve(tcp, app, peer, http1_only, watcher).await;
        });
    }
    drop(listener);
    connections::drain(graceful).await;
    Ok(())
}

/// Whether a plain connection's first bytes are not (the start of) the HTTP/2 preface. The
/// bytes stay unread; a connection that shows nothing yet or might be HTTP/2 is left to
/// hyper's own detection.
async fn speaks_http1(tcp: &tokio::net::TcpStream) -> bool {
    const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let mut first = [0u8; 24];
    match tcp.peek(&mut first).await {
        Ok(n) if n > 0 => !H2_PREFACE.starts_with(&first[..n]),
        _ => false,
    }
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM (what systemd and `docker stop` send).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            warn!("cannot listen for SIGINT: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => info!("SIGINT received, shutting down"),
        () = terminate => info!("SIGTERM received, shutting down"),
    }
}

#[cfg(test)]
mod tests {
    /// Option 15 is mimalloc's purge delay: until set it holds that option's default in
    /// mimalloc v3 (1000 ms), and then what was set.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        let get = || unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(get(), 1000, "option 15 is not mimalloc v3's purge delay");
        super::purge_freed_memory_at_once();
        assert_eq!(get(), 0);
    }
}

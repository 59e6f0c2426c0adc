//! The Vitrin server: `build_app` assembles the HTTP routes, `run` serves them until a signal.
//!
//! Tests drive `build_app` directly (in-process with `oneshot`, or on `127.0.0.1:0`); the binary
//! in `main.rs` only parses the command line, sets up logging and calls `run`.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use clap::Parser;
use serde::Serialize;
use tokio::net::TcpListener;
use tracing::{info, warn};

/// The server's crate version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Command line of `vitrin-server`. Flags and environment variables are a stable interface.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "vitrin-server",
    version,
    about = "Vitrin digital-signage server"
)]
pub struct Cli {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(
        long,
        env = "VITRIN_BIND",
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: SocketAddr,

    /// Directory for the server's data (database file, media); created if missing.
    #[arg(
        long,
        env = "VITRIN_DATA_DIR",
        value_name = "DIR",
        default_value = "./vitrin-data"
    )]
    pub data_dir: PathBuf,

    /// Database URL [default: sqlite://<DATA_DIR>/vitrin.db].
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Fill an empty server with demo content (the content arrives with the server-core issue).
    #[arg(long)]
    pub demo: bool,
}

impl Cli {
    /// Resolves defaults that depend on other options.
    pub fn into_config(self) -> Config {
        let mut config = Config::new(self.bind, self.data_dir);
        if let Some(url) = self.database_url {
            config.database_url = url;
        }
        config.demo = self.demo;
        config
    }
}

/// The server's resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Where the database lives. Nothing opens it yet: the database arrives in a later issue.
    pub database_url: String,
    pub demo: bool,
}

impl Config {
    /// A configuration with the default database inside `data_dir` and no demo content.
    pub fn new(bind: SocketAddr, data_dir: PathBuf) -> Self {
        let database_url = default_database_url(&data_dir);
        Config {
            bind,
            data_dir,
            database_url,
            demo: false,
        }
    }
}

/// `sqlite://<data-dir>/vitrin.db`: the embedded database is a file next to the other data.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("vitrin.db").display())
}

/// Shared state of every request handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        AppState {
            config: Arc::new(config),
        }
    }
}

/// All routes of the server. Unknown paths fall through to axum's default 404.
pub fn build_app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(state)
}

/// Body of `GET /healthz`.
#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    /// Lets a player tell whether it speaks the same wire protocol as this server.
    api_version: u32,
}

async fn healthz(State(_state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: VERSION,
        api_version: vitrin_shared::API_VERSION,
    })
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot create data dir {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Prepares the data dir, binds, and serves until SIGINT/SIGTERM, then shuts down gracefully.
pub async fn run(config: Config) -> Result<(), ServerError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    info!(data_dir = %config.data_dir.display(), "data directory ready");
    // Only the scheme is logged: a PostgreSQL URL may carry a password.
    let db_kind = config.database_url.split("://").next().unwrap_or_default();
    info!(
        kind = db_kind,
        "database configured; it is not opened yet (a later issue adds it)"
    );
    if config.demo {
        info!("--demo accepted; demo content arrives with the server-core issue");
    }

    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.bind,
            source,
        })?;
    // With port 0 only the listener knows the real port; tests read it from this line.
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    info!("listening on http://{addr}");

    serve(listener, AppState::new(config), shutdown_signal())
        .await
        .map_err(ServerError::Serve)?;
    info!("stopped");
    Ok(())
}

/// Serves the app on an already bound listener until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, build_app(state))
        .with_graceful_shutdown(shutdown)
        .await
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
    use super::*;

    #[test]
    fn database_url_defaults_into_data_dir() {
        let cli = Cli::try_parse_from(["vitrin-server", "--data-dir", "/srv/vitrin"]).unwrap();
        assert_eq!(
            cli.into_config().database_url,
            "sqlite:///srv/vitrin/vitrin.db"
        );
    }

    #[test]
    fn explicit_database_url_wins() {
        let cli = Cli::try_parse_from([
            "vitrin-server",
            "--data-dir",
            "/srv/vitrin",
            "--database-url",
            "postgres://db/vitrin",
            "--demo",
        ])
        .unwrap();
        let config = cli.into_config();
        assert_eq!(config.database_url, "postgres://db/vitrin");
        assert!(config.demo);
    }

    #[test]
    fn bind_must_be_a_socket_address() {
        assert!(Cli::try_parse_from(["vitrin-server", "--bind", "not-an-address"]).is_err());
    }
}

//! Helpers for Vitrin's cross-crate tests (the tests themselves live in `tests/tests/`).

use std::net::SocketAddr;
use std::path::Path;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use vitrin_server::{AppState, Config};

/// A server configuration for tests: any free port, data kept under `data_dir`.
pub fn test_config(data_dir: &Path) -> Config {
    Config::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir.to_path_buf(),
    )
}

/// A server state with an empty SQLite database and media folder under `data_dir`.
pub async fn test_state(data_dir: &Path) -> AppState {
    AppState::open(test_config(data_dir))
        .await
        .expect("server state opens")
}

/// `build_app` served on `127.0.0.1:<free port>`, for tests that need real sockets.
/// Stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    pub async fn start(state: AppState) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(state.config.bind).await?;
        let addr = listener.local_addr()?;
        let app = vitrin_server::build_app(state);
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        Ok(TestServer { addr, task })
    }

    /// Absolute URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

//! Helpers for Vitrin's cross-crate tests (the tests themselves live in `tests/tests/`).

pub mod browser;
pub mod certs;
pub mod headless;
pub mod load;
pub mod player_process;

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
    pub state: AppState,
    task: JoinHandle<std::io::Result<()>>,
    https: bool,
}

impl TestServer {
    pub async fn start(state: AppState) -> std::io::Result<TestServer> {
        let addr = state.config.bind;
        Self::start_at(state, addr).await
    }

    /// Serves on a given address: a server that comes back where its players expect it.
    pub async fn start_at(state: AppState, addr: SocketAddr) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = vitrin_server::build_app(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        Ok(TestServer {
            addr,
            state,
            task,
            https: false,
        })
    }

    /// Serves https with the state's certificate (its config's `tls`), watching the files
    /// for renewals as the server does.
    pub async fn start_tls(state: AppState) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(state.config.bind).await?;
        let addr = listener.local_addr()?;
        let certificates = state.tls.clone().expect("a state with --tls-cert");
        let (serving, watching) = (state.clone(), certificates.clone());
        let task = tokio::spawn(async move {
            let watch = tokio::spawn(watching.watch(vitrin_server::tls::RELOAD_CHECK));
            let served =
                vitrin_server::tls::serve(listener, serving, certificates, std::future::pending())
                    .await;
            watch.abort();
            served
        });
        Ok(TestServer {
            addr,
            state,
            task,
            https: true,
        })
    }

    /// Absolute URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A signed-in owner driving the JSON API, as the admin pages do.
pub struct Admin {
    pub client: reqwest::Client,
    pub base: String,
}

impl Admin {
    /// First-run setup on the empty server at `base`; the owner stays signed in.
    pub async fn setup(base: &str) -> Admin {
        Admin::setup_trusting(base, None).await
    }

    /// `setup` over https with a private CA (PEM).
    pub async fn setup_trusting(base: &str, ca_pem: Option<&str>) -> Admin {
        let mut client = reqwest::Client::builder().cookie_store(true);
        if let Some(pem) = ca_pem {
            client = client
                .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
        }
        Admin::setup_with(base, client.build().unwrap()).await
    }

    /// `setup` through a client of the test's making (one with a cookie store).
    pub async fn setup_with(base: &str, client: reqwest::Client) -> Admin {
        let admin = Admin {
            client,
            base: base.to_owned(),
        };
        let (status, body) = admin
            .send(
                reqwest::Method::POST,
                "/api/v1/setup",
                serde_json::json!({"organization": "Café", "name": "Owner",
                    "email": "owner@cafe.test", "password": "a long test password"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        admin
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    /// POSTs and returns the new object's id, failing on anything but 201.
    pub async fn create(&self, path: &str, body: serde_json::Value) -> i64 {
        let (status, value) = self.send(reqwest::Method::POST, path, body).await;
        assert_eq!(status, 201, "POST {path}: {value}");
        value["id"].as_i64().unwrap()
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) {
        let (status, value) = self.send(reqwest::Method::PUT, path, body).await;
        assert_eq!(status, 200, "PUT {path}: {value}");
    }

    /// Claims a player's pairing `code` for a new screen `name` of `store` showing `layout` by
    /// default, as a shop does in the admin; returns the screen's id.
    pub async fn pair_screen(&self, code: &str, store: i64, name: &str, layout: i64) -> i64 {
        let (status, screen) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/screens/pair",
                serde_json::json!({"code": code, "screen": {"store_id": store, "name": name,
                                   "default_layout_id": layout}}),
            )
            .await;
        assert_eq!(status, 200, "pairing {code}: {screen}");
        screen["id"].as_i64().unwrap()
    }

    /// A playlist of `contents` (each shown `duration_ms`) on a fullscreen layout, both named
    /// `name`; returns the layout's id.
    pub async fn fullscreen_layout(&self, name: &str, contents: &[i64], duration_ms: u64) -> i64 {
        let entries: Vec<serde_json::Value> = contents
            .iter()
            .map(|c| serde_json::json!({"content": c, "duration_ms": duration_ms}))
            .collect();
        let playlist = self
            .create(
                "/api/v1/playlists",
                serde_json::json!({"name": name, "entries": entries}),
            )
            .await;
        self.create(
            "/api/v1/layouts",
            serde_json::json!({"name": name, "template": "fullscreen",
                               "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await
    }

    /// Uploads bytes to the media library and returns the sha256.
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> String {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        let response = self
            .client
            .post(format!("{}/api/v1/media", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let media: serde_json::Value = response.json().await.unwrap();
        media["sha256"].as_str().unwrap().to_owned()
    }
}

/// A real server process: killed hard (as a crash or a power cut would) by `kill` or drop.
pub struct ServerProcess {
    child: std::process::Child,
    pub addr: SocketAddr,
    https: bool,
}

impl ServerProcess {
    /// Starts `binary` on `addr` with its data in `data_dir` and waits until it answers.
    pub async fn start(binary: &str, data_dir: &Path, addr: SocketAddr) -> ServerProcess {
        ServerProcess::start_with(binary, data_dir, addr, &[]).await
    }

    /// `start` with more command-line arguments (`--database-url …`, say).
    pub async fn start_with(
        binary: &str,
        data_dir: &Path,
        addr: SocketAddr,
        extra_args: &[&str],
    ) -> ServerProcess {
        ServerProcess::start_with_env(binary, data_dir, addr, extra_args, &[]).await
    }

    /// `start_with` and environment variables (`AWS_ENDPOINT` for an S3 bucket, say).
    pub async fn start_with_env(
        binary: &str,
        data_dir: &Path,
        addr: SocketAddr,
        extra_args: &[&str],
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let child = std::process::Command::new(binary)
            .args(["--bind", &addr.to_string(), "--data-dir"])
            .arg(data_dir)
            .args(extra_args)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the server process");
        // A server given --tls-cert answers https; readiness is all this asks, so any
        // certificate will do.
        let https = extra_args.contains(&"--tls-cert");
        let process = ServerProcess { child, addr, https };
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while client.get(process.url("/healthz")).send().await.is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not come up"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        process
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server at once (SIGKILL), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn url(&self, path: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client with a cookie jar, signed in as `email` on the server at `base`.
pub async fn signed_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "sign-in: {}",
        response.status()
    );
    client
}

/// The JSON at `url`, failing on anything but a success.
pub async fn get_json(client: &reqwest::Client, url: &str) -> serde_json::Value {
    let response = client.get(url).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// A free port on 127.0.0.1 (closed again, for a process to bind).
pub fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// An image that does not compress: `width × height × 3` bytes of PNG.
pub fn noise_png(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.max(1);
    let image = image::RgbImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

//! Runs the real `vitrin-server` binary, as an operator would.

mod common;

use std::net::SocketAddr;
use std::process::Command;

use common::process::{BIN, ServerProcess};

async fn get_healthz(addr: SocketAddr) -> serde_json::Value {
    let response = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn assert_healthy(health: &serde_json::Value) {
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["api_version"], vitrin_shared::API_VERSION);
}

/// A free port on 127.0.0.1 for a second listener (closed again before the server binds it).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Signs in as the demo owner and returns the names of the demo's layouts.
async fn demo_layouts(addr: SocketAddr) -> Vec<String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&serde_json::json!({
            "email": vitrin_server::demo::OWNER_EMAIL,
            "password": vitrin_server::demo::OWNER_PASSWORD,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let layouts: serde_json::Value = client
        .get(format!("http://{addr}/api/v1/layouts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    layouts
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn demo_server_serves_the_cafe_keeps_it_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("nested").join("data");
    let metrics_port = free_port();
    let start = || {
        ServerProcess::start(
            Command::new(BIN)
                .args(["--bind", "127.0.0.1:0", "--data-dir"])
                .arg(&data_dir)
                .args([
                    "--metrics-bind",
                    &format!("127.0.0.1:{metrics_port}"),
                    "--demo",
                ]),
        )
    };
    let mut server = start();
    assert_ne!(server.addr.port(), 0, "the log must show the real port");
    assert!(
        data_dir.join("vitrin.db").is_file(),
        "SQLite file in the data dir"
    );
    assert!(
        data_dir.join("media").is_dir(),
        "media folder in the data dir"
    );
    assert_healthy(&get_healthz(server.addr).await);
    assert_eq!(
        demo_layouts(server.addr).await,
        ["Breakfast", "Dinner", "Lunch"]
    );
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("vitrin_http_requests_total"), "{metrics}");

    let status = server.terminate();
    assert!(
        status.success(),
        "graceful shutdown should exit 0, got {status}"
    );
    let log = server.drain_log().join("\n");
    assert!(log.contains("SIGTERM received"), "log: {log}");

    // Started again on the same data: the café is still there, and not seeded twice.
    let server = start();
    assert_eq!(
        demo_layouts(server.addr).await,
        ["Breakfast", "Dinner", "Lunch"]
    );
}

#[tokio::test]
async fn reads_bind_and_data_dir_from_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("from-env");
    let server = ServerProcess::start(
        Command::new(BIN)
            .env("VITRIN_BIND", "127.0.0.1:0")
            .env("VITRIN_DATA_DIR", &data_dir),
    );
    assert!(
        data_dir.is_dir(),
        "data dir from VITRIN_DATA_DIR was not created"
    );
    assert_healthy(&get_healthz(server.addr).await);
}

#[test]
fn unusable_data_dir_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    // A regular file where a directory would have to be created.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let data_dir = file.join("data");
    let output = Command::new(BIN)
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!("cannot create data dir {}", data_dir.display());
    assert!(stderr.contains(&expected), "stderr: {stderr}");
    assert!(
        !stderr.contains("listening on"),
        "must not start serving: {stderr}"
    );
}

#[test]
fn help_lists_the_stable_options() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--bind",
        "--data-dir",
        "--database-url",
        "--demo",
        "--config",
        "--metrics-bind",
        "--media-url",
        "--public-url",
        "--max-upload-mb",
        "VITRIN_BIND",
        "VITRIN_DATA_DIR",
        "DATABASE_URL",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

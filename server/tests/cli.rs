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

/// A client signed in as the demo café's owner.
async fn demo_owner(addr: SocketAddr) -> reqwest::Client {
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
    client
}

/// Signs in as the demo owner and returns the names of the demo's layouts.
async fn demo_layouts(addr: SocketAddr) -> Vec<String> {
    let client = demo_owner(addr).await;
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

/// Every media blob of the demo café is reachable: each thumbnail for a user, and each blob
/// for a screen paired now (as a player downloads it). Returns how many blobs there are.
async fn demo_media_is_served(addr: SocketAddr) -> usize {
    let base = format!("http://{addr}");
    let client = demo_owner(addr).await;
    let get = |url: String| {
        let client = client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let media: serde_json::Value = get(format!("{base}/api/v1/media"))
        .await
        .json()
        .await
        .unwrap();
    let media = media.as_array().unwrap().clone();
    for item in &media {
        let thumbnail = get(format!("{base}/api/v1/media/{}/thumbnail", item["id"])).await;
        assert_eq!(thumbnail.status(), 200, "thumbnail of {item}");
    }

    // A screen in the café's store, paired as a player would, downloads every blob.
    let stores: serde_json::Value = get(format!("{base}/api/v1/stores"))
        .await
        .json()
        .await
        .unwrap();
    let started: serde_json::Value = client
        .post(format!("{base}/api/player/v1/pair"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claim = client
        .post(format!("{base}/api/v1/screens/pair"))
        .json(&serde_json::json!({"code": started["code"],
            "screen": {"store_id": stores[0]["id"], "name": format!("Screen {}", started["code"])}}))
        .send()
        .await
        .unwrap();
    assert_eq!(claim.status(), 200);
    let paired: serde_json::Value = client
        .post(format!("{base}/api/player/v1/pair/status"))
        .json(&serde_json::json!({"secret": started["secret"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = paired["token"].as_str().unwrap();
    let manifest: serde_json::Value = client
        .get(format!("{base}/api/player/v1/manifest"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut downloaded = 0;
    for item in &media {
        let sha = item["sha256"].as_str().unwrap();
        if !manifest.to_string().contains(sha) {
            continue;
        }
        let blob = client
            .get(format!("{base}/api/player/v1/media/{sha}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(blob.status(), 200, "download of {sha}");
        let bytes = blob.bytes().await.unwrap();
        assert_eq!(
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            sha
        );
        downloaded += 1;
    }
    assert!(
        downloaded > 0,
        "the demo's screens show no picture: {manifest}"
    );
    media.len()
}

/// `--data-dir ./vitrin-data` (the default) and the absolute path of the same folder are one
/// data dir: the media land in `vitrin-data/media`, next to the database that lists them, and
/// a restart with either form serves them. Media an older release put under the doubled
/// path (`vitrin-data/vitrin-data/media`) are moved into place at start.
#[tokio::test]
async fn a_relative_data_dir_is_one_folder_however_it_is_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("vitrin-data");
    let start = |data_dir_arg: &std::path::Path| {
        ServerProcess::start(
            Command::new(BIN)
                .current_dir(tmp.path())
                .args(["--bind", "127.0.0.1:0", "--demo", "--data-dir"])
                .arg(data_dir_arg),
        )
    };
    let blobs = |media: &std::path::Path| {
        std::fs::read_dir(media.join("sha256"))
            .map(|dirs| dirs.count())
            .unwrap_or(0)
    };

    let mut server = start(std::path::Path::new("./vitrin-data"));
    let count = demo_media_is_served(server.addr).await;
    assert!(count > 0);
    assert!(
        blobs(&data_dir.join("media")) > 0,
        "blobs are in vitrin-data/media"
    );
    assert!(
        !data_dir.join("vitrin-data").exists(),
        "no doubled data dir"
    );
    server.terminate();

    let mut server = start(&data_dir);
    assert_eq!(demo_media_is_served(server.addr).await, count);
    server.terminate();

    // The layout an older release left: the blobs under the doubled path.
    let doubled = data_dir.join("vitrin-data").join("media");
    std::fs::create_dir_all(doubled.parent().unwrap()).unwrap();
    std::fs::rename(data_dir.join("media"), &doubled).unwrap();
    let mut server = start(std::path::Path::new("vitrin-data"));
    assert_eq!(demo_media_is_served(server.addr).await, count);
    assert!(!doubled.exists(), "the misplaced media were moved");
    server.terminate();
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

/// A data dir that exists but is not the server's to write (a package's server started as
/// the wrong user, a read-only mount) stops the start with its path, before anything listens.
#[test]
fn a_data_dir_it_cannot_write_to_fails_at_start_with_the_path() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data_dir = tmp.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut command = Command::new(BIN);
    command
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .env("RUST_LOG", "info");
    // Permissions do not stop root: as root (CI), the server runs as `nobody`, as a service
    // user would.
    if unsafe { libc::geteuid() } == 0 {
        command.uid(65534).gid(65534);
    }
    let output = command.output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!("cannot write to the data dir {}", data_dir.display());
    assert!(stderr.contains(&expected), "stderr: {stderr}");
    assert!(stderr.contains("ermission denied"), "stderr: {stderr}");
    assert!(
        !stderr.contains("listening on"),
        "must not start serving: {stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&data_dir).unwrap().count(),
        0,
        "nothing left behind"
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

/// The manual page the Debian package installs is written from the same definitions as
/// `--help`; after changing a flag: `UPDATE_SNAPSHOTS=1 cargo test -p vitrin-server --test cli`.
#[test]
fn the_manual_page_matches_the_command_line() {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(vitrin_server::Cli::command())
        .render(&mut page)
        .unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/debian/vitrin-server.1");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &page).unwrap();
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == page,
        "{path} is stale: UPDATE_SNAPSHOTS=1 cargo test -p vitrin-server --test cli"
    );
}

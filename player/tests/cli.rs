//! Runs the real `vitrin-player` binary against a live and a missing server.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_vitrin-player");

fn player() -> Command {
    let mut command = Command::new(BIN);
    // A VITRIN_SERVER from the developer's shell must not leak into the tests.
    command.env_remove("VITRIN_SERVER");
    command
}

/// The single JSON line the player prints on stdout.
fn event_line(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "expected one JSON line, got: {stdout:?}");
    serde_json::from_str(lines[0]).unwrap()
}

#[test]
fn help_lists_the_stable_options() {
    let output = player().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--server",
        "--data-dir",
        "--headless",
        "--windowed",
        "VITRIN_SERVER",
        "--check",
        "--disk-budget-mb",
        "--ca-file",
        "--pin",
        "#pin=sha256//",
        "pairing_code",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn headless_and_windowed_exclude_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let output = player()
        .args([
            "--server",
            "http://127.0.0.1:1",
            "--headless",
            "--windowed",
            "--data-dir",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot be used with"), "stderr: {stderr}");
    assert!(
        stderr.contains("--headless") && stderr.contains("--windowed"),
        "stderr: {stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing should run: {output:?}");
}

#[test]
fn reports_a_reachable_server() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let config = vitrin_server::Config::new(addr, tmp.path().join("server"));
    let state = runtime
        .block_on(vitrin_server::AppState::open(config))
        .unwrap();
    let app = vitrin_server::build_app(state);
    runtime.spawn(async move { axum::serve(listener, app).await });

    let data_dir = tmp.path().join("player").join("data");
    let output = player()
        .args([
            "--server",
            &format!("http://{addr}/"),
            "--check",
            "--data-dir",
        ])
        .arg(&data_dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let event = event_line(&output);
    assert!(
        output
            .stdout
            .starts_with(br#"{"event":"server_reachable","#),
        "{output:?}"
    );
    assert_eq!(event["version"], vitrin_server::VERSION);
    assert_eq!(event["api_version"], vitrin_shared::API_VERSION);
    assert!(data_dir.is_dir(), "data dir was not created");
}

#[test]
fn reports_an_unreachable_server() {
    // Bind then drop: the port is free and (almost certainly) nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    let output = player()
        .env("VITRIN_SERVER", format!("http://127.0.0.1:{port}"))
        .arg("--check")
        .arg("--data-dir")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let event = event_line(&output);
    assert_eq!(event["event"], "server_unreachable");
    let error = event["error"].as_str().unwrap();
    assert!(
        error.contains(&port.to_string()),
        "error should name the address: {error}"
    );
}

#[test]
fn rejects_unusable_server_urls_before_doing_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("never");
    for (url, why) in [
        ("ftp://signage.example", "http:// or https://"),
        (
            "https://signage.example#pin=sha256//short",
            "sha256//<44 base64",
        ),
        (
            "http://signage.example#pin=sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "needs an https://",
        ),
    ] {
        let output = player()
            .args(["--server", url])
            .arg("--data-dir")
            .arg(&data_dir)
            .output()
            .unwrap();
        assert!(!output.status.success());
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(why),
            "{url}: {output:?}"
        );
    }
    assert!(!data_dir.exists());
}

/// `--check` over https: the system's roots (as SSL_CERT_FILE names them), `--ca-file`, or a
/// pin in the address; without any of them, the reason the server is not trusted.
#[test]
fn https_checks_trust_the_system_roots_a_ca_file_or_a_pin() {
    use vitrin_tests::certs::{Ca, LOCAL_NAMES, Validity};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = tmp.path().join("ca.pem");
    ca.write(&ca_file);
    let leaf = ca.issue(LOCAL_NAMES, Validity::Current);
    let mut config = vitrin_tests::test_config(&tmp.path().join("server"));
    config.tls = Some(leaf.install(&tmp.path().join("tls")));
    let server = runtime.block_on(async {
        let state = vitrin_server::AppState::open(config).await.unwrap();
        vitrin_tests::TestServer::start_tls(state).await.unwrap()
    });
    let url = server.url("");
    let empty_roots = tmp.path().join("no-roots.pem");
    std::fs::write(&empty_roots, "").unwrap();
    let check = |url: &str, args: &[&str], roots: &std::path::Path| {
        let output = player()
            .args(["--server", url, "--check", "--data-dir"])
            .arg(tmp.path().join("player"))
            .args(args)
            // rustls-native-certs reads the system's roots from here when it is set.
            .env("SSL_CERT_FILE", roots)
            .env_remove("SSL_CERT_DIR")
            .output()
            .unwrap();
        (output.status.code(), event_line(&output))
    };
    let (code, event) = check(&url, &[], &ca_file);
    assert_eq!(
        (code, &event["event"]),
        (Some(0), &"server_reachable".into()),
        "{event}"
    );
    let (code, event) = check(
        &url,
        &["--ca-file", ca_file.to_str().unwrap()],
        &empty_roots,
    );
    assert_eq!(
        (code, &event["event"]),
        (Some(0), &"server_reachable".into()),
        "{event}"
    );
    let pinned = format!("{url}#pin={}", leaf.pin);
    let (code, event) = check(&pinned, &[], &empty_roots);
    assert_eq!(
        (code, &event["event"]),
        (Some(0), &"server_reachable".into()),
        "{event}"
    );
    let (code, event) = check(&url, &["--pin", &leaf.pin.to_string()], &empty_roots);
    assert_eq!(
        (code, &event["event"]),
        (Some(0), &"server_reachable".into()),
        "{event}"
    );

    let (code, event) = check(&url, &[], &empty_roots);
    assert_eq!(
        (code, &event["event"]),
        (Some(1), &"server_unreachable".into()),
        "{event}"
    );
    let error = event["error"].as_str().unwrap();
    assert!(error.contains("does not trust"), "{error}");
    let (code, event) = check(&url, &["--ca-file", "/nonexistent/ca.pem"], &empty_roots);
    assert_eq!(code, Some(1));
    assert!(
        event["error"]
            .as_str()
            .unwrap()
            .contains("cannot read the CA file"),
        "{event}"
    );
}

/// `--headless` pairs, syncs and reports what it shows as JSON lines on stdout.
#[test]
fn headless_pairs_and_reports_what_it_shows() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let config = vitrin_server::Config::new(addr, tmp.path().join("server"));
    let state = runtime
        .block_on(vitrin_server::AppState::open(config))
        .unwrap();
    runtime.spawn(async move { axum::serve(listener, vitrin_server::build_app(state)).await });
    // An owner, a store and something to show.
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let post = |path: &str, body: serde_json::Value| -> serde_json::Value {
        runtime.block_on(async {
            let response = admin
                .post(format!("http://{addr}{path}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            response.json().await.unwrap()
        })
    };
    post(
        "/api/v1/setup",
        serde_json::json!({"organization": "Café", "name": "O",
        "email": "o@cafe.test", "password": "a long test password"}),
    );
    let store = post(
        "/api/v1/stores",
        serde_json::json!({"name": "S", "timezone": "Asia/Tehran"}),
    );
    let content = post(
        "/api/v1/content",
        serde_json::json!({"name": "Hi", "type": "text",
        "title": "سلام", "body": ""}),
    );
    let playlist = post(
        "/api/v1/playlists",
        serde_json::json!({"name": "P",
        "entries": [{"content": content["id"], "duration_ms": 10000}]}),
    );
    let layout = post(
        "/api/v1/layouts",
        serde_json::json!({"name": "L", "template": "fullscreen",
        "zones": [{"zone": "main", "playlist": playlist["id"]}]}),
    );

    let mut child = player()
        .args([
            "--server",
            &format!("http://{addr}"),
            "--headless",
            "--data-dir",
        ])
        .arg(tmp.path().join("player"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel::<serde_json::Value>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(serde_json::from_str(&line).expect("every line is JSON"));
        }
    });
    let next = |event: &str| -> serde_json::Value {
        loop {
            let line = lines.recv_timeout(Duration::from_secs(20)).expect(event);
            if line["event"] == event {
                return line;
            }
        }
    };
    let code = next("pairing_code")["code"].as_str().unwrap().to_owned();
    post(
        "/api/v1/screens/pair",
        serde_json::json!({"code": code,
        "screen": {"store_id": store["id"], "name": "Counter", "default_layout_id": layout["id"]}}),
    );
    assert!(next("paired")["screen_id"].as_i64().is_some());
    assert_eq!(next("manifest_applied")["version"], 1);
    let showing = next("showing");
    assert_eq!(showing["main"]["zones"]["main"], content["id"]);
    assert_eq!(showing["manifest_version"], 1);
    let _ = child.kill();
    let _ = child.wait();
}

/// The manual page the Debian package installs is written from the same definitions as
/// `--help`; after changing a flag: `UPDATE_SNAPSHOTS=1 cargo test -p vitrin-player --test cli`.
#[test]
fn the_manual_page_matches_the_command_line() {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(vitrin_player::Config::command())
        .render(&mut page)
        .unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/vitrin-player.1");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &page).unwrap();
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == page,
        "{path} is stale: UPDATE_SNAPSHOTS=1 cargo test -p vitrin-player --test cli"
    );
}

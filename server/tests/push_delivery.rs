//! Push delivery at scale and across instances: a publish reaches 200 connected screens, and a
//! publish on one server process reaches a screen connected to another (PostgreSQL NOTIFY).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{BIN, ServerProcess};
use common::{Auth, PASSWORD, SseClient, TestEnv, backends, device_token, serve};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// A store and a layout chain; returns (owner, store, content, layout).
async fn library(env: &TestEnv) -> (Auth, i64, i64, i64) {
    let owner = env.setup_owner("Franchise", "owner@franchise.test").await;
    let store = env
        .create(
            &owner,
            "/api/v1/stores",
            json!({"name": "Main", "timezone": "Asia/Tehran"}),
        )
        .await;
    let content = env.create(&owner, "/api/v1/content", text("v1")).await;
    let playlist = env
        .create(
            &owner,
            "/api/v1/playlists",
            json!({"name": "P", "entries": [{"content": content, "duration_ms": 5000}]}),
        )
        .await;
    let layout = env
        .create(
            &owner,
            "/api/v1/layouts",
            json!({"name": "L", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    (owner, store, content, layout)
}

fn text(body: &str) -> Value {
    json!({"name": "Menu", "type": "text", "title": "Menu", "body": body})
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Publishes one change to 200 screens holding a push stream each and measures, per screen,
/// the time from the publish request to its `manifest` event. The numbers are printed (run
/// with `--nocapture`); the test asserts only that every screen heard of the change.
#[tokio::test]
async fn a_publish_reaches_200_connected_screens() {
    for backend in backends() {
        let env = TestEnv::new(backend).await;
        let base = serve(&env.state).await;
        let (owner, store, content, layout) = library(&env).await;
        let mut tokens = Vec::new();
        for i in 0..200 {
            let screen = env
                .create(
                    &owner,
                    "/api/v1/screens",
                    json!({"store_id": store, "name": format!("Screen {i}"),
                           "default_layout_id": layout}),
                )
                .await;
            tokens.push(device_token(&env, screen).await);
        }
        let url = format!("{base}/api/player/v1/events");
        let mut streams = Vec::new();
        for token in &tokens {
            let mut stream = SseClient::connect(&url, token, None).await;
            let first = stream.next(WAIT).await.expect("the current version");
            assert_eq!(first.data["version"], 1);
            streams.push(stream);
        }

        let published = Instant::now();
        let receivers: Vec<_> = streams
            .into_iter()
            .map(|mut stream| {
                tokio::spawn(async move {
                    let event = stream.next(WAIT).await.expect("a manifest event");
                    (event, published.elapsed())
                })
            })
            .collect();
        let (status, _) = env
            .put(&owner, &format!("/api/v1/content/{content}"), text("v2"))
            .await;
        assert_eq!(status, 200);
        let mut latencies = Vec::new();
        for receiver in receivers {
            let (event, latency) = receiver.await.unwrap();
            assert_eq!(event.event, "manifest");
            assert_eq!(event.data["version"], 2);
            latencies.push(latency);
        }
        latencies.sort();
        println!(
            "push fan-out on {backend}: {} screens, publish -> event p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            latencies.len(),
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies.last().unwrap().as_secs_f64() * 1000.0,
        );
    }
}

/// Two `vitrin-server` processes on one PostgreSQL database: a screen holds its push stream
/// on B, the owner publishes through A, and B tells the screen. Needs PostgreSQL, which CI
/// always provides (`operations::ci_runs_the_postgres_tests` fails CI otherwise).
#[tokio::test]
async fn a_publish_on_one_instance_reaches_a_screen_on_another() {
    if !backends().contains(&"postgres") {
        eprintln!("PostgreSQL is not configured; this test needs two instances on one database");
        return;
    }
    let env = TestEnv::new("postgres").await;
    let (_, store, content, layout) = library(&env).await;
    let screen = env
        .create(
            &env.login("owner@franchise.test", PASSWORD).await,
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter", "default_layout_id": layout}),
        )
        .await;
    let token = device_token(&env, screen).await;

    let url = env.state.config.database_url.clone();
    let start = |name: &str| {
        let data_dir = env.dir.path().join(name);
        ServerProcess::start(
            Command::new(BIN)
                .args([
                    "--bind",
                    "127.0.0.1:0",
                    "--database-url",
                    &url,
                    "--data-dir",
                ])
                .arg(&data_dir),
        )
    };
    let a = start("a");
    let b = start("b");

    let mut stream = SseClient::connect(
        &format!("http://{}/api/player/v1/events", b.addr),
        &token,
        None,
    )
    .await;
    assert_eq!(stream.next(WAIT).await.unwrap().data["version"], 1);

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("http://{}/api/v1/auth/login", a.addr))
        .json(&json!({"email": "owner@franchise.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let published = Instant::now();
    let edit = client
        .put(format!("http://{}/api/v1/content/{content}", a.addr))
        .json(&text("v2"))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 200);
    let event = stream.next(WAIT).await.expect("B relays A's publish");
    assert_eq!(event.event, "manifest");
    assert_eq!(event.data["version"], 2);
    println!(
        "cross-instance: publish on A -> event on B in {:.1} ms",
        published.elapsed().as_secs_f64() * 1000.0
    );

    // And a command sent through B reaches the screen too (same path, other direction).
    let b_client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    b_client
        .post(format!("http://{}/api/v1/auth/login", b.addr))
        .json(&json!({"email": "owner@franchise.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let mut on_a = SseClient::connect(
        &format!("http://{}/api/player/v1/events", a.addr),
        &token,
        Some(&event.id),
    )
    .await;
    let sent = b_client
        .post(format!(
            "http://{}/api/v1/screens/{screen}/commands",
            b.addr
        ))
        .json(&json!({"command": "refresh"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    let command = on_a.next(WAIT).await.expect("A relays B's command");
    assert_eq!(command.data["command"], "refresh");
}

/// A publish to more screens than one `NOTIFY` payload holds is sent as several payloads in
/// one statement; every screen's stream on every instance is woken, as news (its device token
/// stays trusted).
#[tokio::test]
async fn an_announcement_to_1234_screens_reaches_every_one_through_postgres() {
    use vitrin_server::push::{Hub, Poke, announce, start_listener};
    use vitrin_shared::ids::ScreenId;

    if !backends().contains(&"postgres") {
        eprintln!("PostgreSQL is not configured; this test needs its NOTIFY");
        return;
    }
    let env = TestEnv::new("postgres").await;
    let hub = std::sync::Arc::new(Hub::default());
    let screens: Vec<ScreenId> = (1..=1234).map(ScreenId).collect();
    let mut streams: Vec<_> = screens.iter().map(|s| hub.subscribe(*s)).collect();
    start_listener(&env.state.db, &hub);
    // Once listening, the listener wakes everyone (it may have missed something).
    tokio::time::timeout(WAIT, streams[0].changed())
        .await
        .expect("the listener starts")
        .unwrap();
    let devices_before: Vec<_> = streams.iter_mut().map(|s| *s.borrow_and_update()).collect();

    let mut tx = env.state.db.begin().await.unwrap();
    announce(&mut tx, &screens, Poke::News).await.unwrap();
    tx.commit().await.unwrap();
    for (stream, before) in streams.iter_mut().zip(devices_before) {
        tokio::time::timeout(WAIT, stream.changed())
            .await
            .expect("every screen is told")
            .unwrap();
        assert_eq!(
            *stream.borrow_and_update(),
            before,
            "news, not a device poke"
        );
    }
}

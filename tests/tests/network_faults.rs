//! Faults between player and server: the network drops in the middle of a push stream, a
//! publish happens while it is down, and the player must get it once the network is back.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Output, Settings};
use vitrin_tests::load::proxy::Proxy;
use vitrin_tests::{Admin, TestServer, test_state};

/// Under the engine's 60 s poll and heartbeat: a version seen within this came by push.
const WAIT: Duration = Duration::from_secs(25);

async fn next_applied(events: &mut UnboundedReceiver<Event>, deadline: Instant) -> Option<u64> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Some(Event::ManifestApplied { version, .. })) => return Some(version),
            Ok(Some(Event::PairingCode { .. })) => panic!("the player lost its pairing"),
            Ok(Some(_)) => {}
            _ => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_during_a_network_drop_arrives_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&dir.path().join("server")).await)
        .await
        .unwrap();
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Main", "timezone": "Europe/Berlin"}),
        )
        .await;
    let text = |body: &str| json!({"name": "Menu", "type": "text", "title": "Menu", "body": body});
    let content = admin.create("/api/v1/content", text("v1")).await;
    let layout = admin.fullscreen_layout("P", &[content], 60_000).await;

    // The player reaches the server only through the proxy: the proxy is its network.
    let proxy = Proxy::start(SocketAddr::from(([127, 0, 0, 1], 0)), server.addr)
        .await
        .unwrap();
    let at = proxy.addr;
    let (output, mut events) = Output::channel();
    let settings = Settings {
        server: format!("http://{at}").parse().unwrap(),
        ca_file: None,
        data_dir: dir.path().join("player"),
        disk_budget: 1 << 30,
        lookahead: vitrin_player::engine::LOOKAHEAD,
    };
    let engine = Engine::open(settings, Clock::system(), output).unwrap();
    let task = tokio::spawn(engine.clone().run());

    let deadline = Instant::now() + WAIT;
    let code = loop {
        match tokio::time::timeout(WAIT, events.recv()).await {
            Ok(Some(Event::PairingCode { code, .. })) => break code,
            Ok(Some(_)) => {}
            _ => panic!("no pairing code"),
        }
    };
    admin.pair_screen(&code, store, "Counter", layout).await;
    assert_eq!(next_applied(&mut events, deadline).await, Some(1));
    // Let the push stream settle on the current version.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let streams_before = proxy.counters.snapshot()[4];

    // The network drops: every connection through it is cut and nothing gets through.
    proxy.stop();
    drop(proxy);
    admin
        .put(&format!("/api/v1/content/{content}"), text("v2"))
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !matches!(events.try_recv(), Ok(Event::ManifestApplied { .. })),
        "nothing can arrive while the network is down"
    );

    // Back, at the same address. The player reconnects and hears of the publish it missed.
    let back = Instant::now();
    let proxy = Proxy::start(at, server.addr).await.unwrap();
    let deadline = Instant::now() + WAIT;
    assert_eq!(
        next_applied(&mut events, deadline).await,
        Some(2),
        "the missed publish arrives after the network is back"
    );
    println!(
        "network back -> missed publish applied in {:.0} ms ({streams_before} connections before the drop, {} after)",
        back.elapsed().as_secs_f64() * 1000.0,
        proxy.counters.snapshot()[4]
    );
    // And the player is live again: the next publish arrives too.
    admin
        .put(&format!("/api/v1/content/{content}"), text("v3"))
        .await;
    let deadline = Instant::now() + WAIT;
    assert_eq!(next_applied(&mut events, deadline).await, Some(3));
    task.abort();
}

//! PostgreSQL stopped hard (`-m immediate`, as a crash would) and started again while the
//! server is under load: writers publishing, readers fetching manifests, a player on the push
//! stream. No acknowledged write may be lost, the server must recover without a restart of
//! its own, and push (LISTEN/NOTIFY) must work again afterwards.
//!
//! Its own test binary: it takes PostgreSQL away from every other test running beside it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Output, Settings};
use vitrin_tests::{Admin, TestServer, test_config};

const PG_ENV: &str = "VITRIN_TEST_POSTGRES_URL";
const WAIT: Duration = Duration::from_secs(60);

async fn admin_sql(admin_url: &str, statement: String) {
    let mut conn = sqlx::PgConnection::connect(admin_url).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(statement)).await.unwrap();
}

/// `postgres://…/<db>` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let base = url.split('?').next().unwrap();
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

/// The Debian cluster (version, name) listening on the URL's port.
fn cluster_of(url: &str) -> (String, String) {
    let port = url
        .rsplit('@')
        .next()
        .and_then(|host| host.split('/').next())
        .and_then(|hostport| hostport.rsplit_once(':'))
        .map_or("5432", |(_, port)| port)
        .to_owned();
    let listed = std::process::Command::new("pg_lsclusters")
        .arg("-h")
        .output()
        .expect("pg_lsclusters (postgresql-common) runs");
    let listed = String::from_utf8(listed.stdout).unwrap();
    listed
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[2] == port)
        .map(|f| (f[0].to_owned(), f[1].to_owned()))
        .unwrap_or_else(|| panic!("no cluster on port {port} in:\n{listed}"))
}

fn pg_ctlcluster(cluster: &(String, String), args: &[&str]) {
    let status = std::process::Command::new("pg_ctlcluster")
        .args([&cluster.0, &cluster.1])
        .args(args)
        .status()
        .expect("pg_ctlcluster runs");
    assert!(status.success(), "pg_ctlcluster {args:?}: {status}");
}

fn text(i: usize, n: u64) -> Value {
    json!({"name": format!("Slide {i}"), "type": "text", "title": format!("Slide {i}"),
           "body": format!("edition {n}")})
}

fn edition(item: &Value) -> u64 {
    item["body"].as_str().unwrap()["edition ".len()..]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_loses_nothing_and_push_recovers() {
    let Some(admin_url) = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty()) else {
        assert!(std::env::var("CI").is_err(), "{PG_ENV} must be set in CI");
        eprintln!("{PG_ENV} is not set: PostgreSQL restart test not run");
        return;
    };
    let cluster = cluster_of(&admin_url);
    let name = format!("vitrin_restart_{}", std::process::id());
    admin_sql(&admin_url, format!("DROP DATABASE IF EXISTS {name}")).await;
    admin_sql(&admin_url, format!("CREATE DATABASE {name}")).await;

    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir.path().join("server"));
    config.database_url = with_database(&admin_url, &name);
    let state = vitrin_server::AppState::open(config).await.unwrap();
    let server = TestServer::start(state).await.unwrap();
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Vanak", "timezone": "Asia/Tehran"}),
        )
        .await;
    let contents = [
        admin.create("/api/v1/content", text(0, 0)).await,
        admin.create("/api/v1/content", text(1, 0)).await,
    ];
    let layout = admin.fullscreen_layout("P", &contents, 10_000).await;

    // A real player engine, paired, on the push stream.
    let (output, mut events) = Output::channel();
    let settings = Settings {
        server: server.url("").parse().unwrap(),
        ca_file: None,
        data_dir: dir.path().join("player"),
        disk_budget: 1 << 30,
        lookahead: vitrin_player::engine::LOOKAHEAD,
    };
    let engine = Engine::open(settings, Clock::system(), output).unwrap();
    let player = tokio::spawn(engine.clone().run());
    let code = loop {
        match tokio::time::timeout(WAIT, events.recv()).await {
            Ok(Some(Event::PairingCode { code, .. })) => break code,
            Ok(Some(_)) => {}
            _ => panic!("no pairing code"),
        }
    };
    let screen = admin.pair_screen(&code, store, "Counter", layout).await;

    // Load: writers publish editions, readers fetch the screen's manifest.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (i, content) in contents.iter().copied().enumerate() {
        let (client, base, stop) = (admin.client.clone(), admin.base.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let (mut acknowledged, mut refused, mut n) = (0, 0, 0);
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let sent = client
                    .put(format!("{base}/api/v1/content/{content}"))
                    .json(&text(i, n))
                    .timeout(WAIT)
                    .send()
                    .await
                    .expect("the server answers even while its database is down");
                match sent.status().as_u16() {
                    200 => acknowledged = n,
                    500 | 503 => refused += 1,
                    other => panic!("PUT answered {other}"),
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (acknowledged, n, refused)
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (client, base, stop) = (admin.client.clone(), admin.base.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            let mut ok = 0;
            while !stop.load(Ordering::Relaxed) {
                let got = client
                    .get(format!("{base}/api/v1/screens/{screen}/manifest"))
                    .timeout(WAIT)
                    .send()
                    .await
                    .expect("the server answers");
                ok += u64::from(got.status() == 200);
            }
            ok
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The crash: PostgreSQL goes away without a checkpoint and comes back after 2 s.
    pg_ctlcluster(&cluster, &["stop", "-m", "immediate"]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg_ctlcluster(&cluster, &["start"]);

    // The server recovers by itself: writes are acknowledged again.
    let back = Instant::now();
    loop {
        let (status, _) = admin
            .send(reqwest::Method::GET, "/api/v1/stores", Value::Null)
            .await;
        if status == 200 {
            break;
        }
        assert!(
            back.elapsed() < WAIT,
            "the server did not recover: {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let mut totals = Vec::new();
    for writer in writers {
        totals.push(writer.await.unwrap());
    }
    for reader in readers {
        assert!(reader.await.unwrap() > 0);
    }
    println!("writers (acknowledged, sent, refused): {totals:?}");
    assert!(
        totals.iter().any(|(_, _, refused)| *refused > 0),
        "the outage was seen by the writers: {totals:?}"
    );

    // Nothing acknowledged was lost, and the manifest carries what is stored.
    let (_, manifest) = admin
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/screens/{screen}/manifest"),
            Value::Null,
        )
        .await;
    for (content, (acknowledged, sent, _)) in contents.iter().zip(&totals) {
        let (status, item) = admin
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/content/{content}"),
                Value::Null,
            )
            .await;
        assert_eq!(status, 200);
        let stored = edition(&item);
        assert!(
            stored >= *acknowledged && stored <= *sent,
            "content {content}: stored {stored}, acknowledged {acknowledged}, sent {sent}"
        );
        let shown = manifest["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *content)
            .unwrap();
        assert_eq!(edition(shown), stored);
    }

    // Push works again: the next publish reaches the player.
    while events.try_recv().is_ok() {}
    admin
        .put(
            &format!("/api/v1/content/{}", contents[0]),
            text(0, 1_000_000),
        )
        .await;
    let (_, manifest) = admin
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/screens/{screen}/manifest"),
            Value::Null,
        )
        .await;
    let want = manifest["version"].as_u64().unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Some(Event::ManifestApplied { version, .. })) if version >= want => break,
            Ok(Some(_)) => {}
            _ => panic!("the player never got manifest {want} after the restart"),
        }
    }
    player.abort();
    drop(server);
    admin_sql(
        &admin_url,
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
}

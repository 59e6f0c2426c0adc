//! `vitrin-load`: Vitrin's load generator and server-side benchmarks (see BENCHMARKS.md).
//!
//! ```text
//! vitrin-load push    [--players N] [--publishes K] [--tokens db|pair] [--addresses A]
//!                     [--postgres ADMIN_URL]
//! vitrin-load scale   --postgres ADMIN_URL [--players N] [--instances I] [--publishes K]
//!                     [--play-every S] [--outage-secs S]
//! vitrin-load idle    [--players M] [--secs S]
//! vitrin-load compare [--runs R] [--secs D]
//! vitrin-load reports [--plays P] [--screens S] [--runs R] [--spread shop|scattered]
//!                     [--postgres ADMIN_URL]
//! vitrin-load customers [--runs R] [--postgres ADMIN_URL]
//! vitrin-load redeem  [--codes N] [--clients C] [--runs R] [--postgres ADMIN_URL]
//! vitrin-load player-idle --aarch64 PLAYER [--runner qemu-aarch64] [--secs S]
//! ```
//!
//! Every subcommand starts its own server: the `vitrin-test-server` program next to this
//! binary (build both with `--release`), on a free port with its data in a temporary
//! directory, on SQLite (`scale`: several instances on PostgreSQL and S3 behind nginx).
//! Simulated players are `vitrin_player::client::Api` — the player's
//! real HTTP client — holding the real push stream and making the engine's conditional
//! manifest GETs and heartbeats; the engine itself (disk cache, downloads, scheduling,
//! proof of play) is not run, so thousands fit in one process.

mod scale;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use vitrin_player::ServerUrl;
use vitrin_player::client::Api;
use vitrin_shared::events::{Heartbeat, PushEvent};
use vitrin_tests::certs::{Ca, LOCAL_NAMES, Validity};
use vitrin_tests::load::{self, proxy, reference};
use vitrin_tests::{Admin, ServerProcess, free_addr, noise_png};

const WAIT: Duration = Duration::from_secs(120);

struct Args(HashMap<String, String>);

impl Args {
    fn parse(args: &[String]) -> Args {
        let mut map = HashMap::new();
        let mut it = args.iter();
        while let Some(key) = it.next() {
            let key = key.trim_start_matches("--").to_owned();
            let value = it.next().cloned().unwrap_or_default();
            map.insert(key, value);
        }
        Args(map)
    }

    fn get<T: std::str::FromStr>(&self, key: &str, default: T) -> T {
        self.0
            .get(key)
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("--{key} {v}: not understood"))
            })
            .unwrap_or(default)
    }
}

#[tokio::main]
async fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!(
            "usage: vitrin-load push|scale|idle|compare|reports|customers|redeem|player-idle [--option value]…"
        );
        std::process::exit(2);
    };
    let args = Args::parse(rest);
    // A descriptor per stream here and in the server (which inherits the limit): 100,000
    // streams need more than the usual 65,536.
    let limit = load::raise_fd_limit(400_000);
    eprintln!("open-file limit: {limit}");
    match command.as_str() {
        "push" => push(&args).await,
        "scale" => scale::scale(&args).await,
        "fleet" => scale::fleet(&args).await,
        "idle" => idle(&args).await,
        "compare" => compare(&args).await,
        "reports" => reports(&args).await,
        "customers" => customers(&args).await,
        "redeem" => redeem(&args).await,
        "player-idle" => player_idle(&args).await,
        other => {
            eprintln!("unknown subcommand {other}");
            std::process::exit(2);
        }
    }
}

/// The server program built next to this one.
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let bin = exe.with_file_name("vitrin-test-server");
    assert!(
        bin.exists(),
        "{} is missing: cargo build --release -p vitrin-tests --bins",
        bin.display()
    );
    bin
}

/// Where a run's server keeps its data and where it listens: by default SQLite and media in
/// its data directory, on a free port of 127.0.0.1.
#[derive(Default)]
struct Backing<'a> {
    /// A PostgreSQL database instead of SQLite.
    database_url: Option<&'a str>,
    /// Media in this S3 bucket instead of the data directory.
    s3: Option<&'a load::s3::S3>,
    /// Listen here instead (`0.0.0.0:port` takes connections on every loopback address).
    bind: Option<SocketAddr>,
}

impl Backing<'_> {
    /// A server process on this backing, its data directory (the SQLite file, or nothing
    /// shared) in `data_dir`.
    async fn start(&self, data_dir: &std::path::Path) -> ServerProcess {
        let mut args: Vec<String> = Vec::new();
        if let Some(url) = self.database_url {
            args.extend(["--database-url".into(), url.into()]);
        }
        if let Some(s3) = self.s3 {
            args.extend(["--media-url".into(), s3.media_url("media")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env = self.s3.map_or(Vec::new(), |s3| s3.env().to_vec());
        let bind = self.bind.unwrap_or_else(free_addr);
        ServerProcess::start_with_env(
            server_binary().to_str().unwrap(),
            data_dir,
            bind,
            &args,
            &env,
        )
        .await
    }
}

/// A running server with an owner, a store, and a text item on a layout.
struct Setup {
    _dir: tempfile::TempDir,
    data_dir: PathBuf,
    database_url: Option<String>,
    server: ServerProcess,
    admin: Admin,
    store: i64,
    content: i64,
    layout: i64,
}

async fn setup(item: Value) -> Setup {
    setup_on(item, &Backing::default()).await
}

/// `setup` on the given backing.
async fn setup_on(item: Value, backing: &Backing<'_>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let server = backing.start(&data_dir).await;
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Main", "timezone": "Europe/Berlin"}),
        )
        .await;
    let content = admin.create("/api/v1/content", item).await;
    let layout = admin.fullscreen_layout("P", &[content], 3_600_000).await;
    Setup {
        _dir: dir,
        data_dir,
        database_url: backing.database_url.map(str::to_owned),
        server,
        admin,
        store,
        content,
        layout,
    }
}

/// `setup` on a fresh PostgreSQL database `name` when `admin_url` is given, else on SQLite.
async fn setup_for(item: Value, admin_url: Option<&str>, name: &str) -> Setup {
    let database_url = match admin_url {
        Some(admin) => Some(fresh_postgres_database(admin, name).await),
        None => None,
    };
    let backing = Backing {
        database_url: database_url.as_deref(),
        ..Backing::default()
    };
    setup_on(item, &backing).await
}

impl Setup {
    /// The database the server writes to.
    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| vitrin_server::default_database_url(&self.data_dir))
    }
}

fn text(body: &str) -> Value {
    json!({"name": "Menu", "type": "text", "title": "Menu", "body": body})
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Device tokens for `n` new screens.
///
/// `db`: screens are created through the JSON API, then their tokens are set through the
/// server library on the same database (`pairing::set_new_token`, as the server's own
/// tests do) — one transaction instead of three requests per screen.
/// `pair`: each screen is paired through the real endpoints (`POST /pair`, the owner's
/// `POST /api/v1/screens/pair`, `POST /pair/status`).
async fn tokens(s: &Setup, api: &Api, n: usize, mode: &str) -> Vec<String> {
    let started = Instant::now();
    let admin = Arc::new(Admin {
        client: s.admin.client.clone(),
        base: s.admin.base.clone(),
    });
    let gate = Arc::new(Semaphore::new(4));
    let mut tasks = Vec::new();
    for i in 0..n {
        let (admin, gate, api) = (admin.clone(), gate.clone(), api.clone());
        let (store, layout, mode) = (s.store, s.layout, mode.to_owned());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let screen = json!({"store_id": store, "name": format!("Screen {i}"),
                                "default_layout_id": layout});
            if mode == "pair" {
                let started = api.pair_start().await.expect("pairing starts");
                let (status, body) = admin
                    .send(
                        reqwest::Method::POST,
                        "/api/v1/screens/pair",
                        json!({"code": started.code, "screen": screen}),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                match api.pair_status(&started.secret, 0).await.unwrap() {
                    vitrin_player::client::PairingStatus::Paired { token, .. } => (0, token),
                    other => panic!("not paired: {other:?}"),
                }
            } else {
                // SQLite answers "database is locked" (a 500) to some concurrent admin
                // writes under load; an operator would retry, so do we.
                for _ in 0..20 {
                    let (status, body) = admin
                        .send(reqwest::Method::POST, "/api/v1/screens", screen.clone())
                        .await;
                    if status == 201 {
                        return (body["id"].as_i64().unwrap(), String::new());
                    }
                    eprintln!("POST /api/v1/screens answered {status}, retrying: {body}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                panic!("cannot create a screen");
            }
        }));
    }
    let mut made = Vec::new();
    for task in tasks {
        made.push(task.await.unwrap());
    }
    let tokens = if mode == "pair" {
        made.into_iter().map(|(_, t)| t).collect()
    } else {
        let mut config = vitrin_server::Config::new(free_addr(), s.data_dir.clone());
        config.database_url = s.database_url();
        let state = vitrin_server::AppState::open(config)
            .await
            .expect("open the server's database");
        let mut tx = state.db.begin().await.unwrap();
        let mut tokens = Vec::new();
        for (screen, _) in made {
            tokens.push(
                vitrin_server::player::pairing::set_new_token(&mut tx, screen)
                    .await
                    .unwrap(),
            );
        }
        tx.commit().await.unwrap();
        tokens
    };
    println!(
        "{n} screens with device tokens ({mode}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokens
}

fn api_for(addr: SocketAddr) -> Api {
    let url: ServerUrl = format!("http://{addr}").parse().unwrap();
    Api::new(&url, &Default::default()).expect("a client without TLS settings builds")
}

/// How long `push` waits after the connect storm before it reads the server's RSS.
const SETTLE_SECS: u64 = 20;

/// What a player saw for one publish.
struct Seen {
    publish: u64,
    notified: Duration,
    fetched: Duration,
}

/// N players hold push streams; K publishes; publish → `manifest` event and fetch latency.
async fn push(args: &Args) {
    let n: usize = args.get("players", 1000);
    let k: u64 = args.get("publishes", 5);
    let mode: String = args.get("tokens", "db".to_owned());
    // One client address to one server address and port can make at most ~28,000
    // connections (the ephemeral port range); past that the server listens on 0.0.0.0 and
    // the players spread over 127.0.0.1, 127.0.0.2, … as a fleet comes from many addresses.
    let addresses: u8 = args.get("addresses", 1);
    let bind = (addresses > 1).then(|| SocketAddr::from(([0, 0, 0, 0], free_addr().port())));
    // `--postgres ADMIN_URL`: the server on a fresh PostgreSQL database instead of SQLite.
    let postgres: String = args.get("postgres", String::new());
    let database_url = match postgres.as_str() {
        "" => None,
        admin => Some(fresh_postgres_database(admin, "vitrin_bench_push").await),
    };
    let backing = Backing {
        bind,
        database_url: database_url.as_deref(),
        ..Backing::default()
    };
    let s = setup_on(text("v0"), &backing).await;
    let port = s.server.addr.port();
    let apis: Vec<Api> = (1..=addresses.max(1))
        .map(|k| api_for(SocketAddr::from(([127, 0, 0, k], port))))
        .collect();
    let tokens = tokens(&s, &apis[0], n, &mode).await;
    let rss_before = load::proc_status_bytes(s.server.pid(), "VmRSS").unwrap_or(0);

    // Connect: the push stream, its first event (the current version), then the first
    // manifest, as the engine does on start.
    let connect_started = Instant::now();
    let publish_at: Arc<Mutex<(u64, Instant)>> = Arc::new(Mutex::new((0, Instant::now())));
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Duration>();
    let connect_gate = Arc::new(Semaphore::new(256));
    // Fetching after a push: at most this many at once from this one process (a real
    // fleet has one client per screen; here they share two cores with the server).
    let fetch_gate = Arc::new(Semaphore::new(512));
    for (i, token) in tokens.iter().enumerate() {
        let api = apis[i % apis.len()].with_token(token);
        let (publish_at, seen_tx, ready_tx) =
            (publish_at.clone(), seen_tx.clone(), ready_tx.clone());
        let (connect_gate, fetch_gate) = (connect_gate.clone(), fetch_gate.clone());
        tokio::spawn(async move {
            let permit = connect_gate.acquire_owned().await.unwrap();
            let t = Instant::now();
            let mut stream = api.events(None).await.expect("push stream opens");
            let first = stream.next().await.expect("first event").expect("open");
            assert!(matches!(first.1, PushEvent::Manifest { .. }));
            let (_, mut etag) = api.manifest(None, 0).await.unwrap().expect("a manifest");
            drop(permit);
            let _ = ready_tx.send(t.elapsed());
            while let Ok(Some((_, event))) = stream.next().await {
                if !matches!(event, PushEvent::Manifest { .. }) {
                    continue;
                }
                let (publish, at) = *publish_at.lock().unwrap();
                let notified = at.elapsed();
                let _permit = fetch_gate.acquire().await.unwrap();
                let t = Instant::now();
                if let Ok(Some((_, new))) = api.manifest(Some(&etag), 0).await {
                    etag = new;
                }
                let _ = seen_tx.send(Seen {
                    publish,
                    notified,
                    fetched: t.elapsed(),
                });
            }
        });
    }
    let mut connect = Vec::new();
    while connect.len() < n {
        match tokio::time::timeout(WAIT, ready_rx.recv()).await {
            Ok(Some(d)) => {
                connect.push(d);
                if connect.len() % (n / 10).max(1000) == 0 {
                    println!(
                        "  {} connected after {:.1} s, server RSS {:.1} MiB",
                        connect.len(),
                        connect_started.elapsed().as_secs_f64(),
                        mb(load::proc_status_bytes(s.server.pid(), "VmRSS").unwrap_or(0))
                    );
                }
            }
            _ => panic!("only {} of {n} players connected", connect.len()),
        }
    }
    println!(
        "{n} players connected in {:.1} s; connect+first manifest {}",
        connect_started.elapsed().as_secs_f64(),
        load::summary(&mut connect)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after_storm = load::proc_status_bytes(s.server.pid(), "VmRSS").unwrap_or(0);
    // What the streams hold once the connect storm is over: mimalloc gives freed memory back
    // to the OS only after a delay (up to 10 s for its arenas), so 2 s after the storm the
    // RSS still counts the storm's garbage.
    tokio::time::sleep(Duration::from_secs(SETTLE_SECS)).await;
    let rss_connected = load::proc_status_bytes(s.server.pid(), "VmRSS").unwrap_or(0);
    println!(
        "server RSS: {:.1} MiB before, {:.1} MiB 2 s after the {n} push streams connected, \
         {:.1} MiB {SETTLE_SECS} s later ({:.1} KiB per stream)",
        mb(rss_before),
        mb(rss_after_storm),
        mb(rss_connected),
        (rss_connected.saturating_sub(rss_before)) as f64 / 1024.0 / n as f64
    );

    let mut all_notified = Vec::new();
    let mut all_fetched = Vec::new();
    let mut p99s = Vec::new();
    for publish in 1..=k {
        *publish_at.lock().unwrap() = (publish, Instant::now());
        s.admin
            .put(
                &format!("/api/v1/content/{}", s.content),
                text(&format!("v{publish}")),
            )
            .await;
        let put_took = publish_at.lock().unwrap().1.elapsed();
        let mut notified = Vec::new();
        let mut fetched = Vec::new();
        while notified.len() < n {
            match tokio::time::timeout(WAIT, seen_rx.recv()).await {
                Ok(Some(seen)) if seen.publish == publish => {
                    notified.push(seen.notified);
                    fetched.push(seen.fetched);
                }
                Ok(Some(_)) => {}
                _ => panic!("publish {publish}: {} of {n} heard", notified.len()),
            }
        }
        notified.sort();
        p99s.push(load::percentile(&notified, 0.99).as_secs_f64() * 1000.0);
        println!(
            "publish {publish} (PUT answered in {:.1} ms): notified {}; fetch {}",
            put_took.as_secs_f64() * 1000.0,
            load::summary(&mut notified),
            load::summary(&mut fetched)
        );
        all_notified.extend(notified);
        all_fetched.extend(fetched);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let hwm = load::proc_status_bytes(s.server.pid(), "VmHWM").unwrap_or(0);
    println!(
        "histogram of publish -> notified over {k} publishes:\n{}",
        load::histogram(&all_notified)
    );
    println!(
        "RESULT push players={n} publishes={k}: notified {}; median of per-publish p99 {:.1} ms; \
         manifest fetch {}; server RSS with streams {:.1} MiB settled, {:.1} MiB right after \
         the storm (peak {:.1} MiB)",
        load::summary(&mut all_notified),
        load::median(&p99s),
        load::summary(&mut all_fetched),
        mb(rss_connected),
        mb(rss_after_storm),
        mb(hwm)
    );
}

/// M idle players through a byte-counting proxy for S seconds: the push stream with its
/// keep-alives and heartbeats at the screen's interval (the engine polls the manifest only
/// while the stream is down). Extrapolated to a day.
async fn idle(args: &Args) {
    let m: usize = args.get("players", 20);
    let secs: u64 = args.get("secs", 300);
    let s = setup(text("idle")).await;
    let proxy = proxy::Proxy::start(free_addr(), s.server.addr)
        .await
        .unwrap();
    let (proxy_addr, counters) = (proxy.addr, proxy.counters.clone());
    let api = api_for(s.server.addr);
    let tokens = tokens(&s, &api, m, "db").await;
    // Each player its own client, as separate devices would have.
    let mut ready = Vec::new();
    let mut heartbeat_secs = 0;
    for token in tokens {
        let api = api_for(proxy_addr).with_token(&token);
        let mut stream = api.events(None).await.unwrap();
        stream.next().await.unwrap().unwrap();
        let (manifest, _) = api.manifest(None, 0).await.unwrap().unwrap();
        heartbeat_secs = manifest.screen.heartbeat_secs.max(5);
        ready.push((api, stream, manifest.version));
    }
    // Let the setup traffic settle, then count from zero.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let start = counters.snapshot();
    let started = Instant::now();
    let begun = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (api, mut stream, version) in ready {
        tasks.push(tokio::spawn(async move {
            // The engine's two idle activities while its push stream is up (it polls the
            // manifest only while the stream is down).
            let beats = async move {
                loop {
                    let beat = Heartbeat {
                        player_version: env!("CARGO_PKG_VERSION").to_owned(),
                        uptime_secs: begun.elapsed().as_secs(),
                        manifest_version: Some(version),
                        showing: Vec::new(),
                        cache_bytes: 12_345_678,
                        disk_free_bytes: 9_876_543_210,
                        last_error: None,
                        sent_at: jiff::Timestamp::now(),
                        platform: None,
                        panel: None,
                    };
                    let _ = api.heartbeat(&beat).await;
                    tokio::time::sleep(Duration::from_secs(u64::from(heartbeat_secs))).await;
                }
            };
            let events = async move { while let Ok(Some(_)) = stream.next().await {} };
            tokio::join!(beats, events);
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let end = counters.snapshot();
    let elapsed = started.elapsed().as_secs_f64();
    for task in tasks {
        task.abort();
    }
    let [up, down, up_reads, down_reads, _] = [0, 1, 2, 3, 4].map(|i| end[i] - start[i]);
    let per_day = |bytes: u64| bytes as f64 / m as f64 * 86_400.0 / elapsed;
    // On the wire each read is at least one segment with 52 bytes of IPv4+TCP headers
    // (20 + 20 + 12 for timestamps), and each is acknowledged by a 52-byte segment.
    let overhead = (up_reads + down_reads) * 52 * 2;
    println!(
        "{m} idle players for {elapsed:.0} s (heartbeat every {heartbeat_secs} s, keep-alive 15 s, no poll while pushed): \
         {up} B up, {down} B down in {up_reads}+{down_reads} reads"
    );
    println!(
        "RESULT idle: HTTP bytes per player per day {:.0} KB (up {:.0} KB, down {:.0} KB); \
         with TCP/IP headers and ACKs {:.0} KB",
        per_day(up + down) / 1000.0,
        per_day(up) / 1000.0,
        per_day(down) / 1000.0,
        per_day(up + down + overhead) / 1000.0
    );
}

/// Vitrin against nginx serving the same bytes: 304s, full manifests, a 50 MB media file.
async fn compare(args: &Args) {
    let runs: usize = args.get("runs", 3);
    let secs: u32 = args.get("secs", 5);
    let connections: u32 = args.get("connections", 64);

    // A PNG of noise, 4096 × 4096: about 50 MB that no one can compress.
    let png = noise_png(4096, 4096, 1);
    let image_size = png.len() as u64;
    let dir = tempfile::tempdir().unwrap();
    let probe = setup(text("placeholder")).await;
    let sha = probe.admin.upload("big.png", png.clone()).await;
    let s = probe;
    let item = json!({"name": "Big", "type": "image", "media": {"sha256": sha}});
    s.admin
        .put(&format!("/api/v1/content/{}", s.content), item)
        .await;
    let api = api_for(s.server.addr);
    let token = tokens(&s, &api, 1, "db").await.remove(0);
    let player = api.with_token(&token);
    let (_, vitrin_etag) = player.manifest(None, 0).await.unwrap().unwrap();
    let auth = format!("Authorization: Bearer {token}");
    let manifest_bytes = reqwest::Client::new()
        .get(s.server.url("/api/player/v1/manifest"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("manifest.json"), &manifest_bytes).unwrap();
    std::fs::write(root.join("media.png"), &png).unwrap();
    drop(png);
    // The same server over its own TLS: a second process on the same data (the same token and
    // ETag), with a certificate from a private CA; nginx serves the same certificate.
    let files = Ca::new()
        .issue(LOCAL_NAMES, Validity::Current)
        .install(&dir.path().join("tls"));
    let (cert, key) = (files.cert.to_str().unwrap(), files.key.to_str().unwrap());
    let vitrin_tls = ServerProcess::start_with(
        server_binary().to_str().unwrap(),
        &s.data_dir,
        free_addr(),
        &["--tls-cert", cert, "--tls-key", key],
    )
    .await;
    let nginx_tls_port = free_addr().port();
    let tls = reference::NginxTls {
        port: nginx_tls_port,
        cert: &files.cert,
        key: &files.key,
    };
    let nginx =
        reference::Nginx::start(dir.path(), &root, free_addr().port(), Some(tls)).expect("nginx");
    let nginx_url = |path: &str| format!("http://127.0.0.1:{}{path}", nginx.port);
    let nginx_tls_url = |path: &str| format!("https://127.0.0.1:{nginx_tls_port}{path}");
    let nginx_etag = reqwest::get(nginx_url("/manifest.json"))
        .await
        .unwrap()
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    println!(
        "same bytes: manifest {} B, media {image_size} B; vitrin etag {vitrin_etag}, nginx etag {nginx_etag}",
        manifest_bytes.len()
    );

    struct Case {
        name: &'static str,
        vitrin: (String, Vec<String>),
        nginx: (String, Vec<String>),
        connections: u32,
        bytes: bool,
    }
    let cases = [
        Case {
            name: "unchanged manifest (304)",
            vitrin: (
                s.server.url("/api/player/v1/manifest"),
                vec![auth.clone(), format!("If-None-Match: {vitrin_etag}")],
            ),
            nginx: (
                nginx_url("/manifest.json"),
                vec![format!("If-None-Match: {nginx_etag}")],
            ),
            connections,
            bytes: false,
        },
        Case {
            name: "full manifest (200)",
            vitrin: (s.server.url("/api/player/v1/manifest"), vec![auth.clone()]),
            nginx: (nginx_url("/manifest.json"), vec![]),
            connections,
            bytes: false,
        },
        Case {
            name: "50 MB media",
            vitrin: (
                s.server.url(&format!("/api/player/v1/media/{sha}")),
                vec![auth.clone()],
            ),
            nginx: (nginx_url("/media.png"), vec![]),
            connections: 4,
            bytes: true,
        },
        Case {
            name: "unchanged manifest (304) over TLS",
            vitrin: (
                vitrin_tls.url("/api/player/v1/manifest"),
                vec![auth.clone(), format!("If-None-Match: {vitrin_etag}")],
            ),
            nginx: (
                nginx_tls_url("/manifest.json"),
                vec![format!("If-None-Match: {nginx_etag}")],
            ),
            connections,
            bytes: false,
        },
        Case {
            name: "50 MB media over TLS",
            vitrin: (
                vitrin_tls.url(&format!("/api/player/v1/media/{sha}")),
                vec![auth.clone()],
            ),
            nginx: (nginx_tls_url("/media.png"), vec![]),
            connections: 4,
            bytes: true,
        },
    ];
    // Medians per case, to set TLS beside plain for each server.
    let mut medians: HashMap<&str, (f64, f64)> = HashMap::new();
    let mut lines = Vec::new();
    for case in &cases {
        let (mut v, mut x, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..runs {
            // Alternate which goes first, so neither always gets the warmer machine.
            let measure = |(url, headers): &(String, Vec<String>)| {
                let r = reference::wrk(url, headers, case.connections, secs).expect("wrk runs");
                assert_eq!(r.bad_responses, 0, "{url}: non-2xx/3xx answers");
                if case.bytes {
                    r.bytes_per_sec
                } else {
                    r.requests_per_sec
                }
            };
            let (a, b) = if run % 2 == 0 {
                let b = measure(&case.nginx);
                (measure(&case.vitrin), b)
            } else {
                let a = measure(&case.vitrin);
                (a, measure(&case.nginx))
            };
            println!("  {} run {run}: vitrin {a:.0}, nginx {b:.0}", case.name);
            v.push(a);
            x.push(b);
            ratios.push(a / b);
        }
        let unit = if case.bytes { "MiB/s" } else { "req/s" };
        let scale = if case.bytes { 1024.0 * 1024.0 } else { 1.0 };
        medians.insert(case.name, (load::median(&v), load::median(&x)));
        lines.push(format!(
            "RESULT compare {}: vitrin {:.0} {unit}, nginx {:.0} {unit}, median ratio {:.2} (runs {:?})",
            case.name,
            load::median(&v) / scale,
            load::median(&x) / scale,
            load::median(&ratios),
            ratios
                .iter()
                .map(|r| (r * 100.0).round() / 100.0)
                .collect::<Vec<_>>()
        ));
    }
    for (plain, over_tls) in [
        (
            "unchanged manifest (304)",
            "unchanged manifest (304) over TLS",
        ),
        ("50 MB media", "50 MB media over TLS"),
    ] {
        let ((vitrin, nginx), (vitrin_tls, nginx_tls)) = (medians[plain], medians[over_tls]);
        lines.push(format!(
            "RESULT compare {plain}, TLS / plain: vitrin {:.2}, nginx {:.2}",
            vitrin_tls / vitrin,
            nginx_tls / nginx
        ));
    }
    for line in lines {
        println!("{line}");
    }
}

/// Report queries over P plays (default one million) on SQLite and, with `--postgres`, on
/// PostgreSQL: each query's median time with 1 % of the plays stored (the reference) and
/// with all of them, and the ratio between the two.
///
/// `--spread shop` (default): each screen plays 15-second items back to back from 08:00 to
/// 20:00 UTC, day after day, going back as far as the plays reach (one million plays on 20
/// screens: 18 days). `--spread scattered`: plays at pseudo-random instants of the last 60
/// days, nearly each in its own quarter-hour row: the aggregates' worst case.
async fn reports(args: &Args) {
    let plays: usize = args.get("plays", 1_000_000);
    let spread: String = args.get("spread", "shop".to_owned());
    assert!(
        spread == "shop" || spread == "scattered",
        "--spread shop|scattered"
    );
    let screens: usize = args.get("screens", 20);
    let runs: usize = args.get("runs", 15);
    let postgres: String = args.get("postgres", String::new());
    let mut backends = vec![("sqlite", None)];
    if !postgres.is_empty() {
        backends.push(("postgres", Some(postgres.clone())));
    }
    let mut table = vec![format!(
        "| backend | query | median, {} plays | median, {plays} plays | ratio |",
        plays / 100
    )];
    table.push("|---|---|---|---|---|".into());
    for (backend, admin_url) in backends {
        let s = setup_for(text("Menu"), admin_url.as_deref(), "vitrin_bench_reports").await;
        let api = api_for(s.server.addr);
        let tokens = tokens(&s, &api, screens, "pair").await;
        let mut contents = vec![s.content];
        for i in 1..10 {
            let item = json!({"name": format!("Promo {i}"), "type": "text",
                              "title": "Promo", "body": format!("{i}")});
            contents.push(s.admin.create("/api/v1/content", item).await);
        }
        let queries = [
            ("plays per item", "group=content"),
            ("plays per screen and day", "group=screen&by=day"),
            ("plays per item and hour of day", "group=content&by=hour"),
            (
                "plays per store and day, CSV",
                "group=store&by=day&format=csv",
            ),
            ("plays per item, SVG chart", "group=content&format=svg"),
        ];
        let reference = plays / 100;
        let scattered = spread == "scattered";
        ingest_plays(&api, &tokens, &contents, 0..reference, plays, scattered).await;
        let small = time_reports(&s.admin, &queries, runs).await;
        ingest_plays(&api, &tokens, &contents, reference..plays, plays, scattered).await;
        let large = time_reports(&s.admin, &queries, runs).await;
        for ((name, _), (a, b)) in queries.iter().zip(small.iter().zip(&large)) {
            table.push(format!(
                "| {backend} | {name} | {:.1} ms | {:.1} ms | {:.2}× |",
                a * 1e3,
                b * 1e3,
                b / a
            ));
        }
        drop(s);
        if let Some(admin) = &admin_url {
            drop_postgres_database(admin, "vitrin_bench_reports").await;
        }
    }
    for line in table {
        println!("{line}");
    }
}

/// The customer reports (satisfaction, offers, loyalty) over a million scans' worth of
/// customer data: 1,000,000 offer codes (about 30 % redeemed) over 60 days on 20 screens of
/// 4 stores, 1,000,000 loyalty visits of 50,000 cards, 100,000 feedback rows and about a
/// million scans in `scan_quarters`, written with SQL (`load::customers`). Each report is
/// timed over the last 60 days in Asia/Tehran: median of `--runs` runs after a warm-up, with
/// 1 % of the rows (the reference), then with all of them.
async fn customers(args: &Args) {
    use load::customers::{self, Shop, Sizes};
    let runs: usize = args.get("runs", 15);
    let postgres: String = args.get("postgres", String::new());
    let mut backends = vec![("SQLite", None)];
    if !postgres.is_empty() {
        backends.push(("PostgreSQL", Some(postgres.clone())));
    }
    let mut table = vec![
        "| database | report | 1 % of the rows | all rows | ratio |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    let mut via = "API";
    for (backend, admin_url) in backends {
        let s = setup_for(text("Menu"), admin_url.as_deref(), "vitrin_bench_customers").await;
        let url = s.database_url();
        let mut stores = Vec::new();
        let mut screens = Vec::new();
        for name in ["Valiasr", "Tajrish", "Enghelab", "Sadeghieh"] {
            let store = s
                .admin
                .create(
                    "/api/v1/stores",
                    json!({"name": name, "timezone": "Asia/Tehran"}),
                )
                .await;
            for k in 0..5 {
                screens.push(
                    s.admin
                        .create(
                            "/api/v1/screens",
                            json!({"store_id": store, "name": format!("{name} {k}")}),
                        )
                        .await,
                );
            }
            stores.push(store);
        }
        let mut promos = Vec::new();
        for i in 0..5 {
            let promo = json!({"name": format!("Offer {i}"), "type": "qr_promo",
                "headline": "Scan", "leads_to": {"type": "offer", "title": "A cookie",
                "limit": 1_000_000}});
            promos.push(s.admin.create("/api/v1/content", promo).await);
        }
        let shop = Shop {
            org: customers::org_id(&url).await,
            stores,
            screens,
            promos,
            now: jiff::Timestamp::now().as_millisecond(),
        };
        let sizes = Sizes::million();
        let from = days_ago(60);
        customers::fill(&url, &shop, sizes, |i| i % 100 == 0).await;
        let (small, how) = customers::time(&s.admin.client, &s.admin.base, &from, runs).await;
        customers::fill(&url, &shop, sizes, |i| i % 100 != 0).await;
        let (large, _) = customers::time(&s.admin.client, &s.admin.base, &from, runs).await;
        via = how;
        for ((name, _, _), (a, b)) in customers::QUERIES.iter().zip(small.iter().zip(&large)) {
            table.push(format!(
                "| {backend} | {name} | {:.1} ms | **{:.1} ms** | {:.0}× |",
                a * 1e3,
                b * 1e3,
                b / a
            ));
        }
        drop(s);
        if let Some(admin) = &admin_url {
            drop_postgres_database(admin, "vitrin_bench_customers").await;
        }
    }
    println!("timed through the {via}");
    for line in table {
        println!("{line}");
    }
}

/// Redemption throughput at the counter: `--clients` cashiers at once redeem `--codes`
/// distinct one-time codes through `POST /api/v1/counter` (each once; every answer must be
/// 200), against the reference of the same number of `GET /api/v1/loyalty` (the same session
/// check and one indexed read) at the same concurrency, alternating which goes first; median
/// of `--runs` runs. Codes are written with SQL (`load::customers::issue_codes`).
async fn redeem(args: &Args) {
    use load::customers::{self, Shop};
    let n: usize = args.get("codes", 5_000);
    let clients: usize = args.get("clients", 16);
    let runs: usize = args.get("runs", 5);
    let postgres: String = args.get("postgres", String::new());
    let mut backends = vec![("SQLite", None)];
    if !postgres.is_empty() {
        backends.push(("PostgreSQL", Some(postgres.clone())));
    }
    let mut table = vec![
        format!(
            "| database | redemptions/s ({clients} cashiers) | p50 | p99 | reference reads/s | ratio (runs) |"
        ),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    for (backend, admin_url) in backends {
        let s = setup_for(text("Menu"), admin_url.as_deref(), "vitrin_bench_redeem").await;
        let url = s.database_url();
        let screen = s
            .admin
            .create(
                "/api/v1/screens",
                json!({"store_id": s.store, "name": "Counter"}),
            )
            .await;
        let promo = s
            .admin
            .create(
                "/api/v1/content",
                json!({"name": "Offer", "type": "qr_promo", "headline": "Scan",
                       "leads_to": {"type": "offer", "title": "A cookie", "limit": 1_000_000}}),
            )
            .await;
        s.admin
            .send(
                reqwest::Method::PUT,
                "/api/v1/loyalty",
                json!({"every_nth": 8, "reward": "a coffee"}),
            )
            .await;
        let shop = Shop {
            org: customers::org_id(&url).await,
            stores: vec![s.store],
            screens: vec![screen],
            promos: vec![promo],
            now: jiff::Timestamp::now().as_millisecond(),
        };
        let mut rates = Vec::new();
        let mut references = Vec::new();
        let mut latencies = Vec::new();
        for run in 0..runs {
            let codes = customers::issue_codes(&url, &shop, promo, n, run as u64).await;
            let time_redeem = || async {
                let body = |code: &String| json!({"store_id": s.store, "code": code});
                let bodies: Vec<Value> = codes.iter().map(body).collect();
                hammer(
                    &s.admin,
                    reqwest::Method::POST,
                    "/api/v1/counter",
                    bodies,
                    clients,
                )
                .await
            };
            let time_reads = || async {
                let bodies = vec![Value::Null; n];
                hammer(
                    &s.admin,
                    reqwest::Method::GET,
                    "/api/v1/loyalty",
                    bodies,
                    clients,
                )
                .await
            };
            let ((redeem_secs, mut lat), (read_secs, _)) = if run % 2 == 0 {
                let r = time_redeem().await;
                (r, time_reads().await)
            } else {
                let q = time_reads().await;
                (time_redeem().await, q)
            };
            rates.push(n as f64 / redeem_secs);
            references.push(n as f64 / read_secs);
            latencies.append(&mut lat);
        }
        latencies.sort();
        let ratios: Vec<f64> = rates.iter().zip(&references).map(|(a, b)| a / b).collect();
        table.push(format!(
            "| {backend} | **{:.0}** | {:.1} ms | {:.1} ms | {:.0} | {:.2}× ({}) |",
            load::median(&rates),
            load::percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            load::percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            load::median(&references),
            load::median(&ratios),
            ratios
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        drop(s);
        if let Some(admin) = &admin_url {
            drop_postgres_database(admin, "vitrin_bench_redeem").await;
        }
    }
    for line in table {
        println!("{line}");
    }
}

/// Sends one request per body (`Null`: none) from `clients` tasks at once, each expecting
/// 200; returns the wall time and every request's latency.
async fn hammer(
    admin: &Admin,
    method: reqwest::Method,
    path: &str,
    bodies: Vec<Value>,
    clients: usize,
) -> (f64, Vec<Duration>) {
    let queue = Arc::new(Mutex::new(bodies));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (queue, client) = (queue.clone(), admin.client.clone());
        let (method, url) = (method.clone(), format!("{}{path}", admin.base));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some(body) = queue.lock().unwrap().pop() else {
                    break;
                };
                let mut request = client.request(method.clone(), &url);
                if !body.is_null() {
                    request = request.json(&body);
                }
                let at = Instant::now();
                let response = request.send().await.expect("the server answers");
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                assert_eq!(status.as_u16(), 200, "{url}: {text}");
                latencies.push(at.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    (started.elapsed().as_secs_f64(), latencies)
}

/// Sends plays `range` (of `total`) through the real endpoint, 1,000 per batch, four
/// batches at a time, spread over the screens and ten items (see `reports` for `scattered`).
async fn ingest_plays(
    api: &Api,
    tokens: &[String],
    contents: &[i64],
    range: std::ops::Range<usize>,
    total: usize,
    scattered: bool,
) {
    use vitrin_shared::events::{ProofOfPlay, ProofOfPlayBatch};
    use vitrin_shared::ids::{ContentId, PlaylistId};
    const DAY_MS: i64 = 24 * 3600 * 1000;
    const PLAY_MS: i64 = 15_000;
    const PER_DAY: usize = 12 * 3600 / 15;
    let started = Instant::now();
    let screens = tokens.len();
    let today = jiff::Timestamp::now().as_millisecond().div_euclid(DAY_MS) * DAY_MS;
    let days = (total / screens).div_ceil(PER_DAY) as i64;
    // The start of play `i`: in the shop spread, screen `i % screens` plays its
    // `i / screens`-th item of the period.
    let start_of = move |i: usize| -> i64 {
        if scattered {
            // A real hash (splitmix64), not a multiple of `i` modulo the span: a fixed step
            // came back to the same few hundred quarter hours (1M plays made only 62k rows).
            let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let span = 60 * DAY_MS;
            today - span + (z % span as u64) as i64
        } else {
            let nth = i / screens;
            let day = (nth / PER_DAY) as i64;
            let slot = (nth % PER_DAY) as i64;
            today - days * DAY_MS + day * DAY_MS + 8 * 3600 * 1000 + slot * PLAY_MS
        }
    };
    let gate = Arc::new(Semaphore::new(4));
    let mut tasks = Vec::new();
    for (screen, token) in tokens.iter().enumerate() {
        let mine: Vec<usize> = range.clone().filter(|i| i % screens == screen).collect();
        for chunk in mine.chunks(1000) {
            let api = api.with_token(token);
            let (gate, chunk, contents) = (gate.clone(), chunk.to_vec(), contents.to_vec());
            tasks.push(tokio::spawn(async move {
                let _permit = gate.acquire().await.unwrap();
                let records: Vec<ProofOfPlay> = chunk
                    .iter()
                    .map(|&i| {
                        let at = start_of(i);
                        ProofOfPlay {
                            event_id: format!("b{i}"),
                            content: ContentId(contents[(i / screens) % contents.len()]),
                            playlist: PlaylistId(1),
                            layout: None,
                            rule: None,
                            zone: "main".into(),
                            started_at: jiff::Timestamp::from_millisecond(at).unwrap(),
                            ended_at: jiff::Timestamp::from_millisecond(at + PLAY_MS).unwrap(),
                        }
                    })
                    .collect();
                let sent = records.len();
                let reply = api
                    .plays(&ProofOfPlayBatch { records })
                    .await
                    .expect("plays stored");
                assert_eq!(reply.accepted, sent);
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    println!(
        "{} plays stored in {:.1} s",
        range.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The median seconds of each report query over `runs` runs (after one warm-up).
async fn time_reports(admin: &Admin, queries: &[(&str, &str)], runs: usize) -> Vec<f64> {
    let mut medians = Vec::new();
    for (name, query) in queries {
        let url = format!(
            "{}/api/v1/reports/plays?from=-60&tz=Asia/Tehran&{query}",
            admin.base
        );
        let url = url.replace("from=-60", &format!("from={}", days_ago(60)));
        let mut times = Vec::new();
        for run in 0..=runs {
            let started = Instant::now();
            let response = admin.client.get(&url).send().await.unwrap();
            assert_eq!(response.status(), 200, "{name}");
            let body = response.bytes().await.unwrap();
            assert!(!body.is_empty());
            if run > 0 {
                times.push(started.elapsed().as_secs_f64());
            }
        }
        medians.push(load::median(&times));
    }
    medians
}

fn days_ago(days: i64) -> String {
    let today = jiff::Zoned::now().date();
    today
        .checked_sub(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

async fn fresh_postgres_database(admin_url: &str, name: &str) -> String {
    drop_postgres_database(admin_url, name).await;
    postgres_admin(admin_url, &format!("CREATE DATABASE {name}")).await;
    let base = admin_url.split('?').next().unwrap();
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    postgres_admin(
        admin_url,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
}

async fn postgres_admin(admin_url: &str, statement: &str) {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("PostgreSQL");
    conn.execute(sqlx::AssertSqlSafe(statement.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// The headless player at rest, paired and showing: the native build (`vitrin-player` next to
/// this binary, `cargo build --release -p vitrin-player`) and the aarch64 one (`--aarch64`)
/// under qemu-user, one after the other against the same server.
async fn player_idle(args: &Args) {
    let secs: u64 = args.get("secs", 60);
    let aarch64: String = args.get("aarch64", String::new());
    let runner: String = args.get("runner", "qemu-aarch64".to_owned());
    assert!(
        !aarch64.is_empty(),
        "--aarch64 PLAYER: the aarch64 vitrin-player binary"
    );
    let native = std::env::current_exe()
        .unwrap()
        .with_file_name("vitrin-player");
    assert!(native.exists(), "{} is missing", native.display());
    let s = setup(text("idle")).await;
    let mut players = vec![("native x86_64", vec![native.display().to_string()])];
    let mut emulated: Vec<String> = runner.split_whitespace().map(str::to_owned).collect();
    emulated.push(aarch64);
    players.push(("aarch64 under qemu-user (emulated)", emulated));
    println!("headless player at rest for {secs} s, paired and showing a text slide");
    for (label, command) in players {
        let dir = tempfile::tempdir().unwrap();
        let idle = load::player_idle::measure(
            label,
            &command,
            &s.server.url(""),
            &s.admin,
            (s.store, s.layout),
            dir.path(),
            secs,
        )
        .await;
        println!(
            "{:<36} CPU {:>6.2} % of a core   RSS {:>6.1} MiB   peak {:>6.1} MiB",
            idle.label,
            idle.cpu_share * 100.0,
            mb(idle.rss),
            mb(idle.peak_rss)
        );
    }
}

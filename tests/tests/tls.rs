//! The player over https against the server's own TLS: a private CA (`--ca-file`), a
//! self-signed certificate trusted by its pin from the first contact, key rotation announced
//! over the authenticated channel, a renewal picked up without a restart, and every way a
//! certificate can be wrong refused with its reason. Certificates are made at test time.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use vitrin_player::Event;
use vitrin_player::identity::Identity;
use vitrin_server::AppState;
use vitrin_server::config::TlsFiles;
use vitrin_server::metrics::Metrics;
use vitrin_server::state::Shared;
use vitrin_shared::pin::Pin;
use vitrin_tests::certs::{Ca, LOCAL_NAMES, Leaf, Validity, new_key, pin_of};
use vitrin_tests::headless::{
    Player, WAIT, cached_blob, cut_download_half_way, media_206, until_plays_stored,
};
use vitrin_tests::{Admin, TestServer, noise_png, test_config};

/// A server serving https with `files`, announcing `next_pins` to paired screens.
async fn tls_server(dir: &Path, files: TlsFiles, next_pins: Vec<Pin>) -> TestServer {
    let mut config = test_config(dir);
    config.tls = Some(files);
    config.tls_pins = next_pins;
    let state = AppState::open(config).await.expect("the server opens");
    TestServer::start_tls(state).await.unwrap()
}

/// A store and a first layout showing an uploaded picture; returns (store, layout, sha).
async fn cafe(admin: &Admin) -> (i64, i64, String, Vec<u8>) {
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let png = noise_png(640, 480, 11);
    let sha = admin.upload("menu.png", png.clone()).await;
    let content = admin
        .create(
            "/api/v1/content",
            json!({"name": "Menu", "type": "image", "media": {"sha256": sha}}),
        )
        .await;
    let layout = admin.fullscreen_layout("Menu", &[content], 3_600_000).await;
    (store, layout, sha, png)
}

/// Claims the player's pairing code for a new screen of `store`.
async fn pair(admin: &Admin, player: &mut Player, store: i64, layout: i64) -> i64 {
    let code = player.pairing_code().await;
    let screen = admin.pair_screen(&code, store, "Counter", layout).await;
    player
        .until(|e| matches!(e, Event::Paired { .. }).then_some(()))
        .await;
    screen
}

/// Publishes a text item for the whole store now; returns its content id.
async fn publish(admin: &Admin, store: i64, body: &str) -> i64 {
    let content = admin
        .create(
            "/api/v1/content",
            json!({"name": body, "type": "text", "title": body, "body": body}),
        )
        .await;
    let layout = admin.fullscreen_layout(body, &[content], 3_600_000).await;
    admin
        .create(
            "/api/v1/rules",
            json!({"name": body, "target": {"type": "layout", "id": layout},
                   "scope": {"stores": [store]}, "when": {"window": {"type": "all_day"}},
                   "priority": content}),
        )
        .await;
    content
}

/// The first trust failure the player reports; pairing must not have started before it.
async fn untrusted_reason(player: &mut Player) -> String {
    player
        .until(|e| match e {
            Event::PairingCode { code, .. } => panic!("paired with an untrusted server ({code})"),
            Event::Untrusted { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .await
}

/// The protocol the server picks by ALPN when a client offers HTTP/2 and HTTP/1.1.
async fn negotiated_protocol(server: &TestServer, ca_pem: &str) -> Vec<u8> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    tls.get_ref().1.alpn_protocol().unwrap_or_default().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_own_tls_carries_pairing_push_media_and_proof_of_play() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = dir.path().join("ca.pem");
    ca.write(&ca_file);
    let files = ca
        .issue(LOCAL_NAMES, Validity::Current)
        .install(&dir.path().join("tls"));
    let server = tls_server(&dir.path().join("server"), files, Vec::new()).await;
    let admin = Admin::setup_trusting(&server.url(""), Some(&ca.pem())).await;

    // HSTS on every answer over TLS, and HTTP/2 for clients that offer it.
    let health = admin
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert_eq!(negotiated_protocol(&server, &ca.pem()).await, b"h2");

    let (store, layout, sha, png) = cafe(&admin).await;
    let player_dir = dir.path().join("player");
    let mut player = Player::start_trusting(&server.url(""), &player_dir, Some(&ca_file));
    let screen = pair(&admin, &mut player, store, layout).await;
    player.until_one_download().await;

    // A publish reaches the screen by push (the poll runs once a minute, far beyond WAIT).
    let deadline = Instant::now() + WAIT;
    while !player.engine.online() {
        assert!(Instant::now() < deadline, "the push stream did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let published = Instant::now();
    let promo = publish(&admin, store, "Promo").await;
    player.until_showing(promo).await;
    println!(
        "publish -> shown over TLS in {:.0} ms",
        published.elapsed().as_secs_f64() * 1000.0
    );

    // The picture's play ended when the promo took over: its proof of play arrives.
    until_plays_stored(&server.state, screen).await;
    drop(player);

    // Killed half way through a download: the next start resumes it with a Range request.
    cut_download_half_way(&player_dir, &sha, &png);
    let mut player = Player::start_trusting(&server.url(""), &player_dir, Some(&ca_file));
    player.until_one_download().await;
    assert_eq!(media_206(&server.state), 1, "the second half came by Range");
    assert_eq!(cached_blob(&player_dir, &sha), png);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_self_signed_server_rotates_its_key_without_cutting_screens_off() {
    let dir = tempfile::tempdir().unwrap();
    let tls_dir = dir.path().join("tls");
    let (first, next, stranger) = (new_key(), new_key(), new_key());
    // Made the way most people make one (openssl req -x509): a pin takes it as it is.
    let first = Leaf::openssl_style(LOCAL_NAMES, &first);
    let next = Leaf::self_signed(LOCAL_NAMES, &next, Validity::Current);
    let stranger = Leaf::self_signed(LOCAL_NAMES, &stranger, Validity::Current);
    // The server announces its next key from the start (`--tls-pin`).
    let server = tls_server(
        &dir.path().join("server"),
        first.install(&tls_dir),
        vec![next.pin],
    )
    .await;
    // The admin's browser is not what this test is about: it accepts the certificate as a
    // person who checked the fingerprint would.
    let admin_client = reqwest::Client::builder()
        .cookie_store(true)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let admin = Admin::setup_with(&server.url(""), admin_client).await;
    let (store, layout, _, _) = cafe(&admin).await;
    // The pairing page shows the keys to put in a screen's address (and to compare with the
    // one the screen shows).
    let page = admin
        .client
        .get(server.url("/pair?code=ABC"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("#pin={},{}", first.pin, next.pin)),
        "the pairing page lacks the server's pins"
    );

    // Paired from the first contact by the pin in the address; no CA anywhere.
    let address = format!("{}#pin={}", server.url(""), first.pin);
    let player_dir = dir.path().join("player");
    let mut player = Player::start(&address, &player_dir);
    pair(&admin, &mut player, store, layout).await;
    assert_eq!(player.engine.pins(), vec![first.pin]);

    // The first heartbeat tells the screen the keys to trust from now on.
    let rotated = player
        .until(|e| match e {
            Event::PinsRotated { pins } => Some(pins.clone()),
            _ => None,
        })
        .await;
    assert_eq!(rotated, vec![first.pin, next.pin]);
    let stored = Identity::load(&player_dir).expect("the screen's identity");
    assert_eq!(
        stored.pins,
        vec![first.pin, next.pin],
        "kept across restarts"
    );
    drop(player);

    // The renewal with the new key is written over the old files: served without a restart.
    next.install(&tls_dir);
    let certificates = server.state.tls.clone().unwrap();
    let deadline = Instant::now() + WAIT;
    while certificates.pin() != next.pin {
        assert!(Instant::now() < deadline, "the renewal was not picked up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut player = Player::start(&address, &player_dir);
    let after_renewal = publish(&admin, store, "After renewal").await;
    player.until_showing(after_renewal).await;
    drop(player);

    // A key nobody announced (a man in the middle, or a mistake): the screen stops talking
    // to the server, says why, keeps its pairing and plays what it has.
    stranger.install(&tls_dir);
    let deadline = Instant::now() + WAIT;
    while certificates.pin() != stranger.pin {
        assert!(
            Instant::now() < deadline,
            "the new certificate was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut player = Player::start(&address, &player_dir);
    player.until_showing(after_renewal).await;
    let reason = player
        .until(|e| match e {
            Event::Untrusted { reason, .. } => Some(reason.clone()),
            Event::ManifestApplied { .. } => panic!("synced with an unpinned key"),
            Event::PairingCode { .. } | Event::Unpaired { .. } => panic!("lost its pairing"),
            _ => None,
        })
        .await;
    assert!(reason.contains(&stranger.pin.to_string()), "{reason}");
    assert!(
        reason.contains("not the one this screen trusts"),
        "{reason}"
    );
    assert!(
        player.engine.untrusted().is_some(),
        "the status dot turns red"
    );
    assert!(!player.engine.online());
    let unpublished = publish(&admin, store, "Not for an intercepted screen").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let shown = player.engine.current().unwrap();
    assert!(
        shown.manifest.content.iter().all(|c| c.id.0 != unpublished),
        "nothing came through the unpinned connection"
    );
    assert!(Identity::load(&player_dir).is_some());
}

/// Each wrong certificate is refused before anything is exchanged, with its reason, and
/// reported again at every retry (never a silent loop).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_certificates_are_refused_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = dir.path().join("ca.pem");
    ca.write(&ca_file);
    let self_signed = Leaf::self_signed(LOCAL_NAMES, &new_key(), Validity::Current);
    let other_pin = pin_of(&new_key());
    let cases: [(&str, Leaf, Option<Pin>, &str); 6] = [
        (
            "wrong host",
            ca.issue(&["other.example"], Validity::Current),
            None,
            "is for other.example, not for 127.0.0.1",
        ),
        (
            "expired",
            ca.issue(LOCAL_NAMES, Validity::Expired),
            None,
            "expired on 2021-01-01",
        ),
        (
            "unknown CA",
            self_signed,
            None,
            "signed by an authority this screen does not trust",
        ),
        (
            "openssl self-signed",
            Leaf::openssl_style(LOCAL_NAMES, &new_key()),
            None,
            "is self-signed",
        ),
        (
            "pin mismatch",
            Leaf::self_signed(LOCAL_NAMES, &new_key(), Validity::Current),
            Some(other_pin),
            "not the one this screen trusts",
        ),
        (
            "pinned but expired",
            Leaf::self_signed(LOCAL_NAMES, &new_key(), Validity::Expired),
            None,
            "expired on 2021-01-01",
        ),
    ];
    for (case, leaf, pin, expected) in cases {
        let case_dir = dir.path().join(case.replace(' ', "-"));
        let pin = pin.unwrap_or(leaf.pin);
        let server = tls_server(&case_dir.join("server"), leaf.install(&case_dir), vec![]).await;
        let address = if case.starts_with("pin") || case.starts_with("pinned") {
            format!("{}#pin={pin}", server.url(""))
        } else {
            server.url("")
        };
        let mut player = Player::start_trusting(&address, &case_dir.join("player"), Some(&ca_file));
        let reason = untrusted_reason(&mut player).await;
        assert!(reason.contains(expected), "{case}: {reason}");
        assert_eq!(player.engine.untrusted().as_deref(), Some(reason.as_str()));
        let again = untrusted_reason(&mut player).await;
        assert_eq!(again, reason, "{case}: reported again at the retry");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_paired_over_https_never_falls_back_to_http() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = dir.path().join("ca.pem");
    ca.write(&ca_file);
    let files = ca
        .issue(LOCAL_NAMES, Validity::Current)
        .install(&dir.path().join("tls"));
    let server = tls_server(&dir.path().join("server"), files, Vec::new()).await;
    // The same server also answers plain http (as one behind a misconfigured proxy would),
    // counting its requests apart.
    let plain = TestServer::start(AppState::new(Shared {
        metrics: Arc::new(Metrics::new()),
        ..(*server.state).clone()
    }))
    .await
    .unwrap();
    let admin = Admin::setup_trusting(&server.url(""), Some(&ca.pem())).await;
    let (store, layout, _, _) = cafe(&admin).await;
    let player_dir = dir.path().join("player");
    let mut player = Player::start_trusting(&server.url(""), &player_dir, Some(&ca_file));
    pair(&admin, &mut player, store, layout).await;
    drop(player);

    // Someone changes the flag to the plain address: the screen keeps https.
    let mut player = Player::start_trusting(&plain.url(""), &player_dir, Some(&ca_file));
    let (configured, kept) = player
        .until(|e| match e {
            Event::RefusedDowngrade { configured, kept } => {
                Some((configured.clone(), kept.clone()))
            }
            _ => None,
        })
        .await;
    assert_eq!(configured, plain.url(""));
    assert_eq!(kept, server.url(""));
    let published = publish(&admin, store, "Still over https").await;
    player.until_showing(published).await;
    let over_plain_http: Vec<String> = plain
        .state
        .metrics
        .render()
        .lines()
        .filter(|l| l.contains("route=\"/api/player/v1") && !l.ends_with(" 0"))
        .map(str::to_owned)
        .collect();
    assert!(over_plain_http.is_empty(), "{over_plain_http:?}");
}

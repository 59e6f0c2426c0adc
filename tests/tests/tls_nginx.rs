//! The player through a real nginx that terminates TLS in front of the server, with the site
//! file Vitrin ships (`server/dist/nginx/vitrin.conf`): pairing, manifest, push, a resumed
//! download, proof of play, a large upload, HSTS, the http → https redirect, and the client
//! address taken from X-Forwarded-For because the proxy is trusted (`--trust-proxy`).

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use vitrin_server::AppState;
use vitrin_tests::certs::{Ca, LOCAL_NAMES, Validity};
use vitrin_tests::headless::{
    Player, WAIT, cached_blob, cut_download_half_way, media_206, until_plays_stored,
};
use vitrin_tests::{Admin, TestServer, free_addr, noise_png, test_config};

const NGINX: &str = "/usr/sbin/nginx";
const SITE: &str = include_str!("../../server/dist/nginx/vitrin.conf");

/// nginx in the foreground with its files in a temporary directory; killed on drop.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts nginx with the shipped site file, pointed at `upstream`, on `http` and `https`.
fn start_nginx(dir: &Path, upstream: SocketAddr, http: u16, https: u16, tls: &Path) -> Nginx {
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} is missing: the TLS proxy test needs Debian's nginx (apt-get install nginx-light)"
    );
    let site = SITE
        .replace("127.0.0.1:8080", &upstream.to_string())
        .replace("listen 443 ", &format!("listen 127.0.0.1:{https} "))
        .replace("listen 80;", &format!("listen 127.0.0.1:{http};"))
        .replace(
            "/etc/letsencrypt/live/signage.example.com/fullchain.pem",
            tls.join("cert.pem").to_str().unwrap(),
        )
        .replace(
            "/etc/letsencrypt/live/signage.example.com/privkey.pem",
            tls.join("key.pem").to_str().unwrap(),
        )
        .replace("signage.example.com", "localhost");
    assert!(!site.contains("letsencrypt"), "{site}");
    std::fs::write(dir.join("vitrin.conf"), site).unwrap();
    // The temporary files nginx writes live here; as root its workers run as nobody, so
    // they must be able to write them.
    for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(dir.join(temp)).unwrap();
    }
    Command::new("chmod")
        .args(["-R", "a+rwx"])
        .arg(dir)
        .status()
        .unwrap();
    let main = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{}}\nhttp {{\n  \
         access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         include {d}/vitrin.conf;\n}}\n",
        d = dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let child = Command::new(NGINX)
        .args(["-e", "stderr", "-g", "daemon off;", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", https)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_works_through_nginx_terminating_tls() {
    let dir = tempfile::tempdir().unwrap();
    // nginx's workers (nobody, when the test runs as root) reach their temp files through it.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let ca = Ca::new();
    let ca_file = dir.path().join("ca.pem");
    ca.write(&ca_file);
    let tls_dir = dir.path().join("tls");
    ca.issue(LOCAL_NAMES, Validity::Current).install(&tls_dir);
    let (http_port, https_port) = (free_addr().port(), free_addr().port());
    let public = format!("https://localhost:{https_port}");

    // The server as the site file's header says to run it: plain http on loopback, the
    // public https address, nginx trusted for X-Forwarded-For.
    let mut config = test_config(&dir.path().join("server"));
    config.public_url = Some(public.clone());
    config.trust_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    let server = TestServer::start(AppState::open(config).await.unwrap())
        .await
        .unwrap();
    let nginx_dir = dir.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    let _nginx = start_nginx(&nginx_dir, server.addr, http_port, https_port, &tls_dir);

    let admin = Admin::setup_trusting(&public, Some(&ca.pem())).await;
    let health = admin
        .client
        .get(format!("{public}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    // Plain http is only a way to https.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://localhost:{http_port}/screens"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 301);
    assert!(
        plain.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("https://localhost"),
        "{:?}",
        plain.headers()
    );

    // A large upload streams through nginx (20 MB, beyond nginx's 1 MB default).
    let big = noise_png(2600, 2600, 3);
    assert!(big.len() > 20_000_000);
    let big_sha = admin.upload("big.png", big).await;
    assert_eq!(big_sha.len(), 64);

    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let png = noise_png(640, 480, 5);
    let sha = admin.upload("menu.png", png.clone()).await;
    let picture = admin
        .create(
            "/api/v1/content",
            json!({"name": "Menu", "type": "image", "media": {"sha256": sha}}),
        )
        .await;
    let layout = admin.fullscreen_layout("Menu", &[picture], 3_600_000).await;

    let player_dir = dir.path().join("player");
    let mut player = Player::start_trusting(&public, &player_dir, Some(&ca_file));
    let code = player.pairing_code().await;
    let screen_id = admin.pair_screen(&code, store, "Counter", layout).await;
    player.until_one_download().await;

    // Push through nginx: the stream must not be buffered, or the publish waits for the
    // minute's poll (far beyond WAIT).
    let deadline = Instant::now() + WAIT;
    while !player.engine.online() {
        assert!(Instant::now() < deadline, "the push stream did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let published = Instant::now();
    let promo = admin
        .create(
            "/api/v1/content",
            json!({"name": "Promo", "type": "text", "title": "Promo", "body": "۲۰٪"}),
        )
        .await;
    let promo_layout = admin.fullscreen_layout("Promo", &[promo], 3_600_000).await;
    admin
        .create(
            "/api/v1/rules",
            json!({"name": "Now", "target": {"type": "layout", "id": promo_layout},
                   "scope": {"stores": [store]}, "when": {"window": {"type": "all_day"}}}),
        )
        .await;
    player.until_showing(promo).await;
    println!(
        "publish -> shown through nginx in {:.0} ms",
        published.elapsed().as_secs_f64() * 1000.0
    );

    // Proof of play of the picture, which the promo ended.
    until_plays_stored(&server.state, screen_id).await;
    drop(player);

    // A download cut half way resumes through nginx with a Range request.
    cut_download_half_way(&player_dir, &sha, &png);
    let mut player = Player::start_trusting(&public, &player_dir, Some(&ca_file));
    player.until_one_download().await;
    assert_eq!(media_206(&server.state), 1, "the second half came by Range");
    assert_eq!(cached_blob(&player_dir, &sha), png);
    drop(player);

    // Behind a trusted proxy the pairing limit is per client, named by X-Forwarded-For.
    let pair_as = |client: &'static str| {
        let http = admin.client.clone();
        let url = format!("{public}/api/player/v1/pair");
        async move {
            http.post(url)
                .header("x-forwarded-for", client)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let limit = vitrin_server::player::pairing::MAX_CODE_REQUESTS;
    for _ in 0..limit {
        assert_eq!(pair_as("198.51.100.1").await, 201);
    }
    assert_eq!(pair_as("198.51.100.1").await, 429, "one client is limited");
    assert_eq!(pair_as("198.51.100.2").await, 201, "another is not");
}

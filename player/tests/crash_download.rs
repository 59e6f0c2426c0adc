//! The real `vitrin-player` process killed with SIGKILL in the middle of a download, then
//! started again on the same data directory: it resumes with a Range request, never keeps or
//! shows a damaged file, and ends up showing the content. The download is slowed by a
//! throttling proxy between player and server, so "the middle" is a moment the test can hit.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vitrin_tests::{Admin, TestServer, noise_png, test_state};

const BIN: &str = env!("CARGO_BIN_EXE_vitrin-player");
const WAIT: Duration = Duration::from_secs(60);

/// Forwards connections to `target`, passing at most `bytes_per_tick` (which the test may
/// change) every 10 ms from the server to the client: 16 KiB is about 1.6 MB/s.
async fn throttling_proxy(target: SocketAddr, bytes_per_tick: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let bytes_per_tick = bytes_per_tick.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(target).await else {
                    return;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let upstream = tokio::io::copy(&mut client_read, &mut server_write);
                let downstream = async {
                    let mut buf = vec![0; 1 << 20];
                    loop {
                        let tick = bytes_per_tick.load(Ordering::Relaxed).min(buf.len());
                        let n = server_read.read(&mut buf[..tick]).await?;
                        if n == 0 {
                            return Ok::<_, std::io::Error>(());
                        }
                        client_write.write_all(&buf[..n]).await?;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                };
                let _ = tokio::join!(upstream, downstream);
            });
        }
    });
    addr
}

/// The player process and its JSON event lines.
struct PlayerProcess {
    child: Child,
    events: tokio::sync::mpsc::UnboundedReceiver<Value>,
}

impl PlayerProcess {
    fn start(server: SocketAddr, data_dir: &Path) -> PlayerProcess {
        let mut child = Command::new(BIN)
            .env_remove("VITRIN_SERVER")
            .env("RUST_LOG", "warn")
            .args([
                "--headless",
                "--server",
                &format!("http://{server}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if let Ok(event) = serde_json::from_str(&line)
                    && tx.send(event).is_err()
                {
                    return;
                }
            }
        });
        PlayerProcess { child, events }
    }

    /// Waits for the first event `pick` accepts.
    async fn until<T>(&mut self, pick: impl Fn(&Value) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => match pick(&event) {
                    Some(found) => return found,
                    None => seen.push(event),
                },
                _ => panic!("the awaited event never came; the player said: {seen:#?}"),
            }
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }
}

impl Drop for PlayerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_killed_during_a_download_resumes_and_never_uses_a_damaged_file() {
    let tmp = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&tmp.path().join("server")).await)
        .await
        .unwrap();
    let (server_addr, metrics) = (server.addr, server.state.metrics.clone());

    // An owner with one big picture on screen.
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let png = noise_png(1400, 1000, 7);
    let sha = admin.upload("menu.png", png.clone()).await;
    assert_eq!(sha, sha256(&png));
    let content = admin
        .create(
            "/api/v1/content",
            json!({"name": "Menu", "type": "image", "media": {"sha256": sha}}),
        )
        .await;
    let layout = admin.fullscreen_layout("Menu", &[content], 60_000).await;

    // The player, behind a slow link, pairs and starts downloading.
    // The player's address stays the same across the restart (its pairing belongs to it).
    let rate = Arc::new(AtomicUsize::new(16 * 1024));
    let slow = throttling_proxy(server_addr, rate.clone()).await;
    let data_dir = tmp.path().join("player");
    let mut player = PlayerProcess::start(slow, &data_dir);
    let code = player
        .until(|e| (e["event"] == "pairing_code").then(|| e["code"].as_str().unwrap().to_owned()))
        .await;
    let (status, body) = admin
        .send(
            reqwest::Method::POST,
            "/api/v1/screens/pair",
            json!({"code": code,
                   "screen": {"store_id": store, "name": "Counter", "default_layout_id": layout}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let partial = data_dir.join("cache/partial").join(format!("{sha}.part"));
    let blob = data_dir.join("cache/blobs").join(&sha[..2]).join(&sha);
    let deadline = Instant::now() + WAIT;
    while file_len(&partial) < png.len() as u64 / 4 {
        assert!(Instant::now() < deadline, "the download never got going");
        assert!(!blob.exists(), "the throttled download finished too soon");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    player.kill();
    let kept = file_len(&partial);
    assert!(
        kept > 0 && kept < png.len() as u64,
        "killed in the middle: {kept}"
    );
    assert!(
        !blob.exists(),
        "an unfinished download is never a cached file"
    );

    // Started again, at full speed: it resumes where the kill left it and shows the picture.
    rate.store(1 << 20, Ordering::Relaxed);
    let mut player = PlayerProcess::start(slow, &data_dir);
    let applied = player
        .until(|e| (e["event"] == "manifest_applied").then(|| e["downloaded"].as_u64()))
        .await;
    assert_eq!(applied, Some(1));
    assert_eq!(
        sha256(&std::fs::read(&blob).unwrap()),
        sha,
        "the cached file is whole"
    );
    assert!(!partial.exists(), "the partial file became the blob");
    let resumed = metrics
        .render()
        .lines()
        .find(|l| l.contains("route=\"/api/player/v1/media/{sha256}\",status=\"206\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .unwrap_or(0);
    assert_eq!(resumed, 1, "the rest came by one Range request");
    let content_id = content;
    player
        .until(move |e| {
            (e["event"] == "showing" && e["main"]["zones"]["main"] == content_id).then_some(())
        })
        .await;
    player.kill();
}

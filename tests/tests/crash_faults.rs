//! Crash faults: the server process killed with SIGKILL (as a crash or a power cut of the
//! process would) in the middle of an upload and in the middle of publishes, then started
//! again on the same data. Nothing acknowledged may be lost, nothing half-done may show.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vitrin_tests::{Admin, ServerProcess, free_addr, noise_png};

const SERVER: &str = env!("CARGO_BIN_EXE_vitrin-test-server");
const WAIT: Duration = Duration::from_secs(60);

fn sha256(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// The upload parts in the server's receiving folder.
fn upload_parts(data_dir: &Path) -> Vec<(PathBuf, u64)> {
    std::fs::read_dir(data_dir.join("tmp"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "part"))
        .collect()
}

/// Every file in the media store, as (relative path, sha256 of its bytes).
fn stored_files(root: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, sha256(&std::fs::read(&path).unwrap())));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

async fn media_list(admin: &Admin) -> Vec<Value> {
    let (status, body) = admin
        .send(reqwest::Method::GET, "/api/v1/media", Value::Null)
        .await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_an_upload_keeps_the_library_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let addr = free_addr();
    let server = ServerProcess::start(SERVER, &data, addr).await;
    let admin = Admin::setup(&server.url("")).await;
    let kept = noise_png(320, 240, 1);
    let kept_sha = admin.upload("kept.png", kept.clone()).await;

    // A large upload that arrives slowly: half of it is sent, then the server dies.
    let big = noise_png(1600, 1200, 2);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let body = reqwest::Body::wrap_stream(futures_util::stream::unfold(rx, |mut rx| async {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::stream(body).file_name("big.png"),
    );
    let request = admin
        .client
        .post(format!("{}/api/v1/media", admin.base))
        .multipart(form)
        .send();
    let upload = tokio::spawn(request);
    let half = big.len() / 2;
    for chunk in big[..half].chunks(64 * 1024) {
        tx.send(Ok(chunk.to_vec())).await.unwrap();
    }
    let deadline = Instant::now() + WAIT;
    while !upload_parts(&data)
        .iter()
        .any(|(_, len)| *len >= half as u64 / 2)
    {
        assert!(
            Instant::now() < deadline,
            "the upload never reached the server's disk"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(server); // SIGKILL
    drop(tx);
    let _ = upload.await; // the client sees the connection drop, or a 5xx
    assert!(
        !upload_parts(&data).is_empty(),
        "the crash left a part behind"
    );

    let server = ServerProcess::start(SERVER, &data, addr).await;
    // The half upload is gone from disk and never became a library item.
    assert_eq!(upload_parts(&data), Vec::new());
    let media = media_list(&admin).await;
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(media[0]["sha256"], kept_sha.as_str());
    // The store holds exactly the earlier blob (and its thumbnail), intact.
    let files = stored_files(&data.join("media"));
    let blobs: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.starts_with("sha256/"))
        .collect();
    assert_eq!(blobs.len(), 1, "{files:?}");
    assert!(blobs[0].0.ends_with(&kept_sha), "{files:?}");
    assert_eq!(
        blobs[0].1, kept_sha,
        "the stored bytes are the uploaded bytes"
    );
    assert!(
        files.iter().all(|(p, _)| !p.starts_with("staging/")),
        "{files:?}"
    );

    // The same file, sent again whole, is accepted.
    let big_sha = admin.upload("big.png", big.clone()).await;
    assert_eq!(big_sha, sha256(&big));
    assert_eq!(media_list(&admin).await.len(), 2);
    drop(server);
}

/// Every file under `dir`, as (path relative to `dir`, size).
fn files_and_sizes(dir: &Path) -> Vec<(String, u64)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, u64)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(meta) = entry.metadata() {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, meta.len()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The half-written files of the media store: `<key>#<n>`, which its listing does not show.
fn partial_writes(media: &Path) -> Vec<(String, u64)> {
    files_and_sizes(media)
        .into_iter()
        .filter(|(p, _)| p.contains('#'))
        .collect()
}

/// SIGKILL while a large upload is being copied into the store (after it was received and
/// checked): the half-written copy is invisible to the store's listing, yet the housekeeping
/// sweep after the restart removes it, and the data dir then holds exactly the library's bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_committing_an_upload_leaks_no_disk() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let media_dir = data.join("media");
    let addr = free_addr();
    let server = ServerProcess::start(SERVER, &data, addr).await;
    let admin = Admin::setup(&server.url("")).await;
    let kept = noise_png(320, 240, 1);
    let kept_sha = admin.upload("kept.png", kept.clone()).await;

    // A picture with 160 MiB after its end: checked at once, slow to copy into the store.
    let mut big = noise_png(320, 240, 2);
    big.resize(big.len() + (160 << 20), 0);
    let upload = tokio::spawn({
        let (client, url) = (admin.client.clone(), format!("{}/api/v1/media", admin.base));
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(big.clone()).file_name("big.png"),
        );
        async move { client.post(url).multipart(form).send().await }
    });
    let deadline = Instant::now() + WAIT;
    while !partial_writes(&media_dir)
        .iter()
        .any(|(_, len)| *len >= 8 << 20)
    {
        assert!(
            !upload.is_finished() && Instant::now() < deadline,
            "the commit was never seen under way"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    drop(server); // SIGKILL in the middle of the copy
    let _ = upload.await;
    let leftovers = partial_writes(&media_dir);
    assert!(!leftovers.is_empty(), "the crash left a half-written copy");

    // An hour later (the grace that protects a commit still running on another instance),
    // a restart's housekeeping removes it.
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3700);
    for (path, _) in &leftovers {
        std::fs::File::options()
            .write(true)
            .open(media_dir.join(path))
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }
    let server = ServerProcess::start(SERVER, &data, addr).await;
    let deadline = Instant::now() + WAIT;
    while !partial_writes(&media_dir).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the sweep left {:?}",
            partial_writes(&media_dir)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // What is left on disk is the library: the kept blob and its thumbnail, nothing else.
    let media = media_list(&admin).await;
    assert_eq!(media.len(), 1, "{media:?}");
    let stored = files_and_sizes(&media_dir);
    let thumbnails: Vec<_> = stored
        .iter()
        .filter(|(p, _)| p.starts_with("thumb/"))
        .collect();
    assert_eq!(thumbnails.len(), 1, "{stored:?}");
    let blob_bytes: u64 = stored
        .iter()
        .filter(|(p, _)| p.starts_with("sha256/"))
        .map(|(p, len)| {
            assert!(p.ends_with(&kept_sha), "{stored:?}");
            len
        })
        .sum();
    assert_eq!(blob_bytes, kept.len() as u64, "{stored:?}");
    let all_bytes: u64 = files_and_sizes(&media_dir)
        .iter()
        .map(|(_, len)| len)
        .sum::<u64>()
        + files_and_sizes(&data.join("tmp"))
            .iter()
            .map(|(_, len)| len)
            .sum::<u64>();
    assert_eq!(all_bytes, blob_bytes + thumbnails[0].1, "{stored:?}");

    // The same upload, sent again, is stored whole.
    assert_eq!(admin.upload("big.png", big.clone()).await, sha256(&big));
    drop(server);
}

/// Content `n`'s text body as the admin wrote it last.
fn body_of(n: u64) -> String {
    format!("edition {n}")
}

fn edition(body: &str) -> u64 {
    body.strip_prefix("edition ").unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_publishes_keeps_every_acknowledged_change() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let addr = free_addr();
    let server = ServerProcess::start(SERVER, &data, addr).await;
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
        )
        .await;
    const WRITERS: usize = 4;
    let mut contents = Vec::new();
    for i in 0..WRITERS {
        let item = json!({"name": format!("Slide {i}"), "type": "text",
                          "title": format!("Slide {i}"), "body": body_of(0)});
        contents.push(admin.create("/api/v1/content", item).await);
    }
    let layout = admin.fullscreen_layout("Slides", &contents, 10_000).await;
    let screen = admin
        .create(
            "/api/v1/screens",
            json!({"store_id": store, "name": "Window", "default_layout_id": layout}),
        )
        .await;

    // Writers publish new editions as fast as the server takes them; each remembers the
    // last edition the server acknowledged.
    let mut writers = Vec::new();
    for (i, content) in contents.iter().enumerate() {
        let (client, base, content) = (admin.client.clone(), admin.base.clone(), *content);
        writers.push(tokio::spawn(async move {
            let mut acknowledged = 0;
            for n in 1.. {
                let item = json!({"name": format!("Slide {i}"), "type": "text",
                                  "title": format!("Slide {i}"), "body": body_of(n)});
                let sent = client
                    .put(format!("{base}/api/v1/content/{content}"))
                    .json(&item)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acknowledged = n,
                    Ok(r) => panic!("PUT answered {}", r.status()),
                    Err(_) => return acknowledged, // the server is gone
                }
            }
            unreachable!()
        }));
    }
    let version_before = loop {
        let (status, manifest) = admin
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/screens/{screen}/manifest"),
                Value::Null,
            )
            .await;
        assert_eq!(status, 200);
        if manifest["version"].as_u64().unwrap() >= 40 {
            break manifest["version"].as_u64().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    drop(server); // SIGKILL, writes in flight
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.push(writer.await.unwrap());
    }
    assert!(acknowledged.iter().all(|n| *n > 0), "{acknowledged:?}");

    let server = ServerProcess::start(SERVER, &data, addr).await;
    let (status, manifest) = admin
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/screens/{screen}/manifest"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 200, "{manifest}");
    assert!(manifest["version"].as_u64().unwrap() >= version_before);
    let audit: Vec<Value> = admin
        .send(reqwest::Method::GET, "/api/v1/audit?limit=500", Value::Null)
        .await
        .1
        .as_array()
        .unwrap()
        .clone();
    for (content, acked) in contents.iter().zip(&acknowledged) {
        let (status, item) = admin
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/content/{content}"),
                Value::Null,
            )
            .await;
        assert_eq!(status, 200);
        // Every acknowledged edition survived; the one in flight either landed whole or not.
        let stored = edition(item["body"].as_str().unwrap());
        assert!(
            stored == *acked || stored == acked + 1,
            "content {content}: stored edition {stored}, last acknowledged {acked}"
        );
        // The screen's manifest carries exactly what is stored: the change and the
        // manifest bump were one transaction.
        let in_manifest = manifest["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *content)
            .unwrap();
        assert_eq!(in_manifest["body"], item["body"], "content {content}");
        // And the audit log has one line per edition that landed, no more, no less.
        let lines = audit
            .iter()
            .filter(|a| a["object_id"] == *content && a["action"] != "create")
            .count() as u64;
        assert_eq!(lines, stored, "audit lines of content {content}");
    }
    // The server goes on taking changes.
    let item = json!({"name": "Slide 0", "type": "text", "title": "Slide 0", "body": "after"});
    admin
        .put(&format!("/api/v1/content/{}", contents[0]), item)
        .await;
    drop(server);
}

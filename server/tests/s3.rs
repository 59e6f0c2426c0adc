//! The media library on an S3-compatible bucket: a real S3 API server (moto, installed by
//! `.ci/run`) on 127.0.0.1, uploads deduplicated, blobs served to screens with Range, and
//! garbage collection deleting from the bucket. This file holds one test on purpose: it sets
//! the process's AWS_* environment, which the S3 client reads.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestEnv, device_token, serve};
use serde_json::json;
use vitrin_server::{AppState, Config, build_app};

/// `moto_server` on a free port; killed on drop.
struct S3Server {
    child: Child,
    url: String,
}

impl S3Server {
    async fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server must be installed (pip install 'moto[server]'; .ci/run does)");
        let server = S3Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(&server.url).await.is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Keys under the bucket's prefix, as S3 lists them.
async fn keys(s3: &S3Server, bucket: &str) -> Vec<String> {
    let listing = reqwest::get(format!("{}/{bucket}?list-type=2", s3.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    listing
        .split("<Key>")
        .skip(1)
        .map(|rest| rest.split("</Key>").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn media_lives_in_an_s3_bucket() {
    let s3 = S3Server::start().await;
    let bucket = "vitrin-media";
    let created = reqwest::Client::new()
        .put(format!("{}/{bucket}", s3.url))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success());
    // SAFETY: this test binary runs this single test; nothing else reads the environment.
    unsafe {
        std::env::set_var("AWS_ENDPOINT", &s3.url);
        std::env::set_var("AWS_ALLOW_HTTP", "true");
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
        std::env::set_var("AWS_REGION", "us-east-1");
    }

    let mut env = TestEnv::new("sqlite").await;
    let mut config: Config = (*env.state.config).clone();
    config.media_url = format!("s3://{bucket}/media");
    env.state = AppState::open(config).await.unwrap();
    env.app = build_app(env.state.clone());
    let owner = env.setup_owner("Café", "owner@cafe.test").await;

    // Upload a real picture through the API: it lands in the bucket, with its thumbnail.
    let image = image::RgbImage::from_fn(640, 360, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let base = serve(&env.state).await;
    let common::Auth::Cookie(cookie) = &owner else {
        panic!()
    };
    let upload = || {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name("menu.png"),
        );
        reqwest::Client::new()
            .post(format!("{base}/api/v1/media"))
            .header("cookie", cookie)
            .multipart(form)
            .send()
    };
    let first = upload().await.unwrap();
    assert_eq!(first.status(), 201);
    let media: serde_json::Value = first.json().await.unwrap();
    let sha = media["sha256"].as_str().unwrap().to_owned();
    let blob_key = format!("media/sha256/{}/{}/{sha}", &sha[..2], &sha[2..4]);
    let stored = keys(&s3, bucket).await;
    assert!(stored.contains(&blob_key), "{stored:?}");
    assert!(
        stored.iter().any(|k| k.starts_with("media/thumb/")),
        "{stored:?}"
    );
    assert!(!stored.iter().any(|k| k.contains("staging")), "{stored:?}");
    // The same bytes again: the same item, no second object.
    assert_eq!(upload().await.unwrap().status(), 200);
    assert_eq!(keys(&s3, bucket).await.len(), stored.len());

    // A screen showing it gets it from the bucket, by Range too.
    let store = env
        .create(
            &owner,
            "/api/v1/stores",
            json!({"name": "S", "timezone": "Asia/Tehran"}),
        )
        .await;
    let content = env
        .create(
            &owner,
            "/api/v1/content",
            json!({"name": "Menu", "type": "image", "media": {"sha256": sha}}),
        )
        .await;
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
    let screen = env
        .create(
            &owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter", "default_layout_id": layout}),
        )
        .await;
    let token = device_token(&env, screen).await;
    let part = reqwest::Client::new()
        .get(format!("{base}/api/player/v1/media/{sha}"))
        .bearer_auth(&token)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), &png[100..200]);

    // Unused, past the grace period: collected from the bucket.
    for path in [
        format!("/api/v1/screens/{screen}"),
        format!("/api/v1/layouts/{layout}"),
        format!("/api/v1/playlists/{playlist}"),
        format!("/api/v1/content/{content}"),
        format!("/api/v1/media/{}", media["id"]),
    ] {
        let (status, body) = env.delete(&owner, &path).await;
        assert_eq!(status, 204, "{path}: {body}");
    }
    let removed = vitrin_server::domain::media::collect_garbage(&env.state, 0)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(keys(&s3, bucket).await.is_empty());
}

//! Media uploads through HTTP: real files (made here with the `image` crate and ffmpeg) sent as
//! `multipart/form-data`, in process and over a real socket; what is accepted and how it is
//! described, what is refused and why, deduplication, content that uses media, and the garbage
//! collection of blobs nobody uses.

mod common;

use std::io::Cursor;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use common::{Auth, PASSWORD, TestEnv, each_backend, field_codes};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use vitrin_server::db::sql;
use vitrin_server::domain::media::collect_garbage;
use vitrin_server::maintenance::BLOB_GRACE_MS;
use vitrin_server::{AppState, build_app};

// ---------------------------------------------------------------------------------------------
// Requests

const BOUNDARY: &str = "vitrin-test-boundary-5f2c9a";

/// One part of a multipart body: part name, file name, bytes.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes(),
        );
        if let Some(file_name) = file_name {
            body.extend(format!("; filename=\"{file_name}\"").bytes());
        }
        body.extend(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

/// One in-process request; the raw answer.
async fn send(
    app: &Router,
    auth: &Auth,
    method: Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::builder().method(method).uri(path);
    request = match auth {
        Auth::None => request,
        Auth::Cookie(cookie) => request.header(header::COOKIE, cookie),
        Auth::Bearer(token) => request.header(header::AUTHORIZATION, format!("Bearer {token}")),
    };
    let request = match body {
        Some((content_type, bytes)) => request
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes)),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap();
    (status, headers, bytes)
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

async fn upload_parts(app: &Router, auth: &Auth, parts: &[Part<'_>]) -> (StatusCode, Value) {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let body = Some((content_type.as_str(), multipart_body(parts)));
    let (status, _, bytes) = send(app, auth, Method::POST, "/api/v1/media", body).await;
    (status, json_of(&bytes))
}

async fn upload(app: &Router, auth: &Auth, file_name: &str, bytes: &[u8]) -> (StatusCode, Value) {
    upload_parts(app, auth, &[("file", Some(file_name), bytes)]).await
}

/// Uploads what must be new to the organization's library; returns the media item.
async fn upload_new(env: &TestEnv, auth: &Auth, file_name: &str, bytes: &[u8]) -> Value {
    let (status, media) = upload(&env.app, auth, file_name, bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{file_name}: {media}");
    assert_eq!(media["sha256"], sha256_hex(bytes));
    media
}

/// The thumbnail endpoint: status, content type and bytes.
async fn thumbnail(app: &Router, auth: &Auth, id: &Value) -> (StatusCode, String, Bytes) {
    let path = format!("/api/v1/media/{id}/thumbnail");
    let (status, headers, bytes) = send(app, auth, Method::GET, &path, None).await;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, bytes)
}

/// A JPEG thumbnail served for `id`, decoded.
async fn decoded_thumbnail(app: &Router, auth: &Auth, id: &Value) -> DynamicImage {
    let (status, content_type, bytes) = thumbnail(app, auth, id).await;
    assert_eq!(status, StatusCode::OK, "thumbnail of {id}");
    assert_eq!(content_type, "image/jpeg");
    image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).expect("the thumbnail decodes")
}

/// 422 with exactly this code for the field `file`.
fn assert_file_error(status: StatusCode, problem: &Value, code: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["type"], "validation", "{problem}");
    assert_eq!(field_codes(problem, "file"), [code], "{problem}");
}

// ---------------------------------------------------------------------------------------------
// What is on disk and in the database

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every file under `dir` (which may not exist), relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn blob_file(sha: &str) -> String {
    format!("sha256/{}/{}/{sha}", &sha[..2], &sha[2..4])
}

fn thumb_file(sha: &str) -> String {
    format!("thumb/{}/{}/{sha}.jpg", &sha[..2], &sha[2..4])
}

/// Files in the media store (`<data_dir>/media`).
fn stored_files(env: &TestEnv) -> Vec<String> {
    files_under(&env.state.config.data_dir.join("media"))
}

/// Files left in the upload staging folder (`<data_dir>/tmp`).
fn temp_files(env: &TestEnv) -> Vec<String> {
    files_under(&env.state.config.data_dir.join("tmp"))
}

async fn blob_rows(env: &TestEnv) -> i64 {
    sql("SELECT COUNT(*) FROM blobs")
        .fetch_i64(&env.state.db)
        .await
        .unwrap()
}

/// Everything an upload may change: a refused one must leave all of it as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    media: Value,
    audit: Value,
    stored: Vec<String>,
    temp: Vec<String>,
    blob_rows: i64,
}

async fn snapshot(env: &TestEnv, auth: &Auth) -> Snapshot {
    let (status, media) = env.get(auth, "/api/v1/media").await;
    assert_eq!(status, StatusCode::OK, "{media}");
    Snapshot {
        media,
        audit: env.get(auth, "/api/v1/audit").await.1,
        stored: stored_files(env),
        temp: temp_files(env),
        blob_rows: blob_rows(env).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Test files

/// Red left half, blue right half, with some noise so lossy codecs have real data.
fn two_halves(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let noise = ((x * 7919 + y * 104_729) % 61) as u8;
        if x < width / 2 {
            Rgb([200 + noise / 2, noise, noise])
        } else {
            Rgb([noise, noise, 200 + noise / 2])
        }
    }))
}

/// Pseudo-random pixels: a PNG about as large as the raw pixels (3 bytes each).
fn noise(width: u32, height: u32) -> DynamicImage {
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [r, g, b, ..] = state.to_le_bytes();
        Rgb([r, g, b])
    }))
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    encode(&two_halves(width, height), ImageFormat::Png)
}

/// A JPEG with a minimal EXIF block holding only the orientation.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec(); // big-endian TIFF, IFD at offset 8
    tiff.extend(1u16.to_be_bytes()); // one entry:
    tiff.extend(0x0112u16.to_be_bytes()); // Orientation
    tiff.extend(3u16.to_be_bytes()); // SHORT
    tiff.extend(1u32.to_be_bytes()); // count 1
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]); // value padded to 4 bytes
    tiff.extend(0u32.to_be_bytes()); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend(kind);
    chunk.extend(data);
    chunk.extend(crc32(&chunk[4..]).to_be_bytes());
    chunk
}

/// A tiny PNG whose header claims 100000×100000 pixels (30 GB once decoded).
fn png_bomb() -> Vec<u8> {
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = b"\x89PNG\r\n\x1A\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0, 0, 0, 0, 1]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// Videos made once per test run by ffmpeg; a missing ffmpeg fails the tests on purpose.
struct Videos {
    /// H.264 in MP4, 320×240, 2 s.
    mp4: Vec<u8>,
    /// The same with the index first, as web-optimised files have it.
    mp4_faststart: Vec<u8>,
    /// VP9 in WebM, 320×240, 2 s.
    webm: Vec<u8>,
    /// MPEG-4 Part 2 in MP4: a codec players here do not take.
    mpeg4_part2: Vec<u8>,
}

fn videos() -> &'static Videos {
    static VIDEOS: OnceLock<Videos> = OnceLock::new();
    VIDEOS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, codec: &str| {
            let out = dir.path().join(name);
            let args = format!(
                "-hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25 -t 2 \
                 {codec}"
            );
            let status = Command::new("ffmpeg")
                .args(args.split_whitespace())
                .arg(&out)
                .status()
                .unwrap_or_else(|e| {
                    panic!("upload tests need ffmpeg (apt-get install ffmpeg): {e}")
                });
            assert!(status.success(), "ffmpeg {args} {name} failed");
            std::fs::read(out).unwrap()
        };
        Videos {
            mp4: make("h264.mp4", "-c:v libx264 -pix_fmt yuv420p"),
            mp4_faststart: make(
                "faststart.mp4",
                "-c:v libx264 -pix_fmt yuv420p -movflags +faststart",
            ),
            webm: make("vp9.webm", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8"),
            mpeg4_part2: make("part2.mp4", "-c:v mpeg4"),
        }
    })
}

fn assert_close(ms: &Value, expected: i64) {
    let ms = ms.as_i64().unwrap_or_else(|| panic!("duration_ms: {ms}"));
    assert!(
        (ms - expected).abs() <= 150,
        "duration {ms} ms, expected about {expected}"
    );
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn every_accepted_type_is_sniffed_measured_and_previewed() {
    let videos = videos();
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let rotated = with_exif_orientation(&encode(&two_halves(100, 50), ImageFormat::Jpeg), 6);
        // File name, bytes, then the expected type, size and thumbnail size.
        let images = [
            (
                "wide.png",
                png(800, 400),
                "image/png",
                (800, 400),
                (320, 160),
            ),
            // EXIF orientation 6: stored 100×50, shown rotated.
            ("phone.jpg", rotated, "image/jpeg", (50, 100), (50, 100)),
            (
                "small.webp",
                encode(&two_halves(64, 48), ImageFormat::WebP),
                "image/webp",
                (64, 48),
                (64, 48),
            ),
            (
                "tiny.gif",
                encode(&two_halves(30, 20), ImageFormat::Gif),
                "image/gif",
                (30, 20),
                (30, 20),
            ),
        ];
        let mut ids = Vec::new();
        for (name, bytes, mime, size, thumb_size) in &images {
            let media = upload_new(&env, &owner, name, bytes).await;
            assert_eq!(media["kind"], "image", "{media}");
            assert_eq!(media["mime"], *mime, "{media}");
            assert_eq!(media["name"], *name);
            assert_eq!(media["size"], bytes.len());
            assert_eq!(
                (media["width"].as_i64(), media["height"].as_i64()),
                (Some(size.0), Some(size.1)),
                "{media}"
            );
            assert_eq!(media["duration_ms"], Value::Null);
            let (status, got) = env
                .get(&owner, &format!("/api/v1/media/{}", media["id"]))
                .await;
            assert_eq!((status, &got), (StatusCode::OK, &media));

            let thumb = decoded_thumbnail(&env.app, &owner, &media["id"]).await;
            assert_eq!((thumb.width(), thumb.height()), *thumb_size, "{name}");
            assert!(thumb.width() <= 320 && thumb.height() <= 320);
            ids.push(media["id"].clone());
        }
        // The rotated photo's thumbnail is rotated too: red (the left half) is now on top.
        let thumb = decoded_thumbnail(&env.app, &owner, &ids[1]).await.to_rgb8();
        let (top, bottom) = (thumb.get_pixel(25, 20).0, thumb.get_pixel(25, 80).0);
        assert!(top[0] > 150 && top[2] < 100, "red on top: {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "blue below: {bottom:?}");

        for (name, bytes, mime) in [
            ("clip.mp4", &videos.mp4, "video/mp4"),
            ("clip.webm", &videos.webm, "video/webm"),
        ] {
            let media = upload_new(&env, &owner, name, bytes).await;
            assert_eq!(media["kind"], "video", "{media}");
            assert_eq!(media["mime"], mime, "{media}");
            assert_eq!(media["size"], bytes.len());
            assert_eq!(
                (media["width"].as_i64(), media["height"].as_i64()),
                (Some(320), Some(240))
            );
            assert_close(&media["duration_ms"], 2000);
            // The server does not decode video: no preview.
            let (status, _, _) = thumbnail(&env.app, &owner, &media["id"]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
            ids.push(media["id"].clone());
        }

        // Newest first; each blob (and each image's thumbnail) stored once.
        let (_, list) = env.get(&owner, "/api/v1/media").await;
        let listed: Vec<Value> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].clone())
            .collect();
        ids.reverse();
        assert_eq!(listed, ids);
        assert_eq!(stored_files(&env).len(), 6 + 4, "{:?}", stored_files(&env));
        assert_eq!(temp_files(&env), Vec::<String>::new());
        let (status, _, _) = thumbnail(&env.app, &owner, &json!(999_999)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_bytes_decide_the_type_not_the_name() {
    let videos = videos();
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let menu = png(120, 90);
        let media = upload_new(&env, &owner, "menu.mp4", &menu).await;
        assert_eq!(
            (&media["kind"], &media["mime"]),
            (&json!("image"), &json!("image/png"))
        );
        assert_eq!(media["name"], "menu.mp4");

        let before = snapshot(&env, &owner).await;
        let cases: [(&str, &[u8], &str); 3] = [
            (
                "menu.jpg",
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
                "PDF document",
            ),
            ("photo.jpg", b"Just some notes, not a photo.\n", "text"),
            ("old.mp4", &videos.mpeg4_part2, "mp4v"),
        ];
        for (name, bytes, detail) in cases {
            let (status, problem) = upload(&env.app, &owner, name, bytes).await;
            assert_eq!(
                status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{name}: {problem}"
            );
            assert_eq!(problem["type"], "unsupported_media", "{problem}");
            assert_eq!(problem["status"], 415);
            let text = problem["detail"].as_str().unwrap();
            assert!(text.contains(detail), "{name}: {problem}");
            assert_eq!(snapshot(&env, &owner).await, before, "after {name}");
        }
    })
    .await;
}

#[tokio::test]
async fn damaged_empty_and_missing_files_are_422_and_change_nothing() {
    let videos = videos();
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        upload_new(&env, &owner, "kept.png", &png(40, 30)).await;
        let before = snapshot(&env, &owner).await;

        let jpeg = encode(&two_halves(300, 200), ImageFormat::Jpeg);
        // Complete (it ends with its end-of-image marker) but its Huffman table is garbage.
        let mut garbled = jpeg.clone();
        let dht = jpeg.windows(2).position(|w| w == [0xFF, 0xC4]).unwrap();
        garbled[dht + 5..dht + 21].fill(0xFF);
        let faststart = &videos.mp4_faststart;
        let cases: [(&str, &[u8], &str); 7] = [
            ("cut.jpg", &jpeg[..jpeg.len() * 6 / 10], "corrupt"),
            ("garbled.jpg", &garbled, "corrupt"),
            ("cut.mp4", &videos.mp4[..videos.mp4.len() / 2], "corrupt"),
            (
                "cut-faststart.mp4",
                &faststart[..faststart.len() * 3 / 4],
                "corrupt",
            ),
            ("cut.webm", &videos.webm[..videos.webm.len() / 2], "corrupt"),
            ("bomb.png", &png_bomb(), "too_large"),
            ("empty.jpg", b"", "empty"),
        ];
        for (name, bytes, code) in cases {
            let (status, problem) = upload(&env.app, &owner, name, bytes).await;
            assert_file_error(status, &problem, code);
            assert_eq!(snapshot(&env, &owner).await, before, "after {name}");
        }
        let (_, problem) = upload(&env.app, &owner, "bomb.png", &png_bomb()).await;
        assert!(problem.to_string().contains("100000×100000"), "{problem}");

        // No part named `file`, and no part at all.
        let (status, problem) = upload_parts(
            &env.app,
            &owner,
            &[("image", Some("a.png"), &png(8, 8)[..])],
        )
        .await;
        assert_file_error(status, &problem, "required");
        let (status, problem) = upload_parts(&env.app, &owner, &[]).await;
        assert_file_error(status, &problem, "required");
        // A body cut off in the middle of the file, as when the client goes away.
        let body = multipart_body(&[("file", Some("cut.png"), &png(64, 64)[..])]);
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let cut = Some((content_type.as_str(), body[..body.len() / 2].to_vec()));
        let (status, _, problem) = send(&env.app, &owner, Method::POST, "/api/v1/media", cut).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", json_of(&problem));
        assert_eq!(snapshot(&env, &owner).await, before);

        // Other parts are ignored; a part without a file name still counts.
        let (status, media) = upload_parts(
            &env.app,
            &owner,
            &[
                ("caption", None, &b"Our menu"[..]),
                ("file", None, &png(9, 9)[..]),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{media}");
        assert_eq!(
            (&media["name"], &media["width"]),
            (&json!("upload"), &json!(9))
        );
    })
    .await;
}

#[tokio::test]
async fn uploads_over_the_cap_are_413_and_leave_nothing_behind() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        // Noise does not compress: PNGs about as large as their pixels.
        let fits = encode(&noise(128, 128), ImageFormat::Png);
        let over = encode(&noise(160, 160), ImageFormat::Png);
        let far_over = encode(&noise(400, 400), ImageFormat::Png);
        let one_byte_over = [&fits[..], b"\0"].concat();

        // A second server on the same database and data directory, whose cap is exactly `fits`.
        let cap = fits.len() as u64;
        let mut config = (*env.state.config).clone();
        config.max_upload_bytes = cap;
        let capped = build_app(AppState::open(config).await.expect("capped state opens"));
        // The request body may exceed the cap by 64 KiB of multipart overhead, not more.
        assert!(
            (cap..cap + 64 * 1024).contains(&(over.len() as u64)),
            "{}",
            over.len()
        );
        assert!(
            far_over.len() as u64 > cap + 64 * 1024,
            "{}",
            far_over.len()
        );

        let cases: [(&str, &[Part]); 4] = [
            ("one byte over", &[("file", Some("a.png"), &one_byte_over)]),
            ("over", &[("file", Some("b.png"), &over)]),
            ("far over", &[("file", Some("c.png"), &far_over)]),
            // A big part before the file: stopped by the request body limit instead.
            (
                "big other part",
                &[("caption", None, &far_over), ("file", Some("d.png"), &fits)],
            ),
        ];
        for (case, parts) in cases {
            let (status, problem) = upload_parts(&capped, &owner, parts).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{case}: {problem}");
            assert_eq!(problem["type"], "payload_too_large", "{problem}");
            assert_eq!(temp_files(&env), Vec::<String>::new(), "after {case}");
            assert_eq!(stored_files(&env), Vec::<String>::new(), "after {case}");
            assert_eq!(env.get(&owner, "/api/v1/media").await.1, json!([]));
            assert_eq!(blob_rows(&env).await, 0);
        }

        // Exactly the cap is fine; the default server takes the big one.
        let (status, media) = upload(&capped, &owner, "fits.png", &fits).await;
        assert_eq!(status, StatusCode::CREATED, "{media}");
        upload_new(&env, &owner, "far-over.png", &far_over).await;
        assert_eq!(temp_files(&env), Vec::<String>::new());
    })
    .await;
}

#[tokio::test]
async fn uploading_needs_a_session_and_a_role_that_edits() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let viewer = env
            .add_user(&owner, "viewer@cafe.test", "viewer", &[])
            .await;
        let editor = env
            .add_user(&owner, "editor@cafe.test", "editor", &[])
            .await;
        let image = png(40, 30);
        let before = snapshot(&env, &owner).await;

        let (status, problem) = upload(&env.app, &Auth::None, "a.png", &image).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
        let (status, problem) = upload(
            &env.app,
            &Auth::Bearer("not-a-token".into()),
            "a.png",
            &image,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
        let (status, problem) = upload(&env.app, &viewer, "a.png", &image).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        assert_eq!(problem["type"], "forbidden");
        assert_eq!(snapshot(&env, &owner).await, before);

        // A viewer sees the library but cannot change it.
        let media = upload_new(&env, &editor, "a.png", &image).await;
        let path = format!("/api/v1/media/{}", media["id"]);
        assert_eq!(env.get(&viewer, &path).await.0, StatusCode::OK);
        decoded_thumbnail(&env.app, &viewer, &media["id"]).await;
        assert_eq!(env.delete(&viewer, &path).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            env.get(&Auth::None, "/api/v1/media").await.0,
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn identical_bytes_are_stored_once() {
    each_backend(|env| async move {
        let cafe = env.setup_owner("Café", "owner@cafe.test").await;
        let bakery = env.add_org("Bakery", "owner@bakery.test").await;
        let image = png(200, 100);
        let sha = sha256_hex(&image);

        let first = upload_new(&env, &cafe, "logo.png", &image).await;
        let (status, again) = upload(&env.app, &cafe, "logo-copy.png", &image).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again, first, "the existing item, name and all");
        assert_eq!(env.get(&cafe, "/api/v1/media").await.1, json!([first]));
        assert_eq!(stored_files(&env), [blob_file(&sha), thumb_file(&sha)]);
        let (_, log) = env.get(&cafe, "/api/v1/audit").await;
        let uploads: Vec<&Value> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "upload")
            .map(|e| &e["summary"])
            .collect();
        let summary = format!("upload image 'logo.png' ({} bytes)", image.len());
        assert_eq!(
            uploads,
            [&json!(summary)],
            "only the first upload changed anything"
        );

        // Another organization gets its own item over the same blob.
        let theirs = upload_new(&env, &bakery, "logo.png", &image).await;
        assert_ne!(theirs["id"], first["id"]);
        assert_eq!(stored_files(&env), [blob_file(&sha), thumb_file(&sha)]);
        assert_eq!(blob_rows(&env).await, 1);
        assert_eq!(env.get(&bakery, "/api/v1/media").await.1, json!([theirs]));
        // Neither sees the other's item.
        let path = format!("/api/v1/media/{}", first["id"]);
        assert_eq!(env.get(&bakery, &path).await.0, StatusCode::NOT_FOUND);
        let (status, _, _) = thumbnail(&env.app, &bakery, &first["id"]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(env.delete(&bakery, &path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(temp_files(&env), Vec::<String>::new());
    })
    .await;
}

#[tokio::test]
async fn concurrent_identical_uploads_make_one_item_per_organization() {
    each_backend(|env| async move {
        let cafe = env.setup_owner("Café", "owner@cafe.test").await;
        let bakery = env.add_org("Bakery", "owner@bakery.test").await;
        let image = png(400, 300);
        let sha = sha256_hex(&image);
        let uploads = (0..8).map(|i| {
            let auth = if i % 2 == 0 { &cafe } else { &bakery };
            upload(&env.app, auth, "same.png", &image)
        });
        let answers = futures_util::future::join_all(uploads).await;

        for (org, auth) in [(0, &cafe), (1, &bakery)] {
            let mine: Vec<&(StatusCode, Value)> = answers.iter().skip(org).step_by(2).collect();
            let created = mine
                .iter()
                .filter(|(s, _)| *s == StatusCode::CREATED)
                .count();
            assert_eq!(created, 1, "{mine:?}");
            assert!(mine.iter().all(|(s, _)| s.is_success()), "{mine:?}");
            assert!(
                mine.iter().all(|(_, m)| m["id"] == mine[0].1["id"]),
                "{mine:?}"
            );
            let (_, list) = env.get(auth, "/api/v1/media").await;
            assert_eq!(list, json!([mine[0].1]));
        }
        assert_eq!(stored_files(&env), [blob_file(&sha), thumb_file(&sha)]);
        assert_eq!(temp_files(&env), Vec::<String>::new());
        assert_eq!(blob_rows(&env).await, 1);
    })
    .await;
}

#[tokio::test]
async fn content_takes_its_media_facts_from_the_library() {
    let videos = videos();
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let other = env.add_org("Bakery", "owner@bakery.test").await;
        let image = png(300, 200);
        let photo = upload_new(&env, &owner, "poster.png", &image).await;
        let clip = upload_new(&env, &owner, "clip.mp4", &videos.mp4).await;
        let foreign = upload_new(&env, &other, "theirs.png", &png(33, 33)).await;

        // The client's claims about the file are replaced by what the library knows.
        let (status, item) = env
            .post(
                &owner,
                "/api/v1/content",
                json!({"name": "Poster", "type": "image", "fit": "cover",
                       "media": {"sha256": photo["sha256"], "size": 1, "mime": "image/gif",
                                 "width": 9, "height": 9, "duration_ms": 5}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let expected = json!({"sha256": photo["sha256"], "size": image.len(),
                              "mime": "image/png", "width": 300, "height": 200});
        assert_eq!(item["media"], expected);
        let poster = item["id"].as_i64().unwrap();
        let (_, stored) = env.get(&owner, &format!("/api/v1/content/{poster}")).await;
        assert_eq!(stored["media"], expected);

        let (status, item) = env
            .post(
                &owner,
                "/api/v1/content",
                json!({"name": "Clip", "type": "video", "media": {"sha256": clip["sha256"]}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let clip_item = item["id"].as_i64().unwrap();
        assert_eq!(item["media"]["mime"], "video/mp4");
        assert_eq!(item["media"]["size"], videos.mp4.len());
        assert_close(&item["media"]["duration_ms"], 2000);

        // Unknown (here or only in another organization) and the wrong kind.
        let (_, before) = env.get(&owner, "/api/v1/content").await;
        for (sha, code) in [
            (json!(sha256_hex(b"never uploaded")), "unknown_media"),
            (foreign["sha256"].clone(), "unknown_media"),
            (clip["sha256"].clone(), "wrong_media_kind"),
        ] {
            let (status, problem) = env
                .post(
                    &owner,
                    "/api/v1/content",
                    json!({"name": "Bad", "type": "image", "media": {"sha256": sha}}),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
            assert_eq!(field_codes(&problem, "media.sha256"), [code], "{problem}");
        }
        assert_eq!(env.get(&owner, "/api/v1/content").await.1, before);

        // Media in use cannot go.
        let photo_path = format!("/api/v1/media/{}", photo["id"]);
        let (status, problem) = env.delete(&owner, &photo_path).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("content {poster}")), "{problem}");
        assert_eq!(env.get(&owner, &photo_path).await.0, StatusCode::OK);

        // Once the poster shows another picture, the first one is free.
        let second = upload_new(&env, &owner, "second.png", &png(64, 48)).await;
        let (status, item) = env
            .put(
                &owner,
                &format!("/api/v1/content/{poster}"),
                json!({"name": "Poster", "type": "image", "media": {"sha256": second["sha256"]}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{item}");
        assert_eq!(
            (&item["media"]["width"], &item["media"]["height"]),
            (&json!(64), &json!(48))
        );
        let (status, body) = env.delete(&owner, &photo_path).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(env.get(&owner, &photo_path).await.0, StatusCode::NOT_FOUND);

        // Once the content using the clip is gone, the clip can go too.
        let clip_path = format!("/api/v1/media/{}", clip["id"]);
        assert_eq!(env.delete(&owner, &clip_path).await.0, StatusCode::CONFLICT);
        let (status, _) = env
            .delete(&owner, &format!("/api/v1/content/{clip_item}"))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = env.delete(&owner, &clip_path).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(env.get(&owner, &clip_path).await.0, StatusCode::NOT_FOUND);
        // The blob stays until the garbage collection.
        assert!(stored_files(&env).contains(&blob_file(photo["sha256"].as_str().unwrap())));
    })
    .await;
}

#[tokio::test]
async fn garbage_collection_takes_only_blobs_nobody_uses() {
    each_backend(|env| async move {
        let cafe = env.setup_owner("Café", "owner@cafe.test").await;
        let bakery = env.add_org("Bakery", "owner@bakery.test").await;
        let (mine, shared) = (png(40, 30), png(50, 30));
        let (mine_sha, shared_sha) = (sha256_hex(&mine), sha256_hex(&shared));
        let both = |a: &str, b: &str| {
            let mut files = vec![blob_file(a), thumb_file(a), blob_file(b), thumb_file(b)];
            files.sort();
            files
        };

        let my_item = upload_new(&env, &cafe, "mine.png", &mine).await;
        let shared_item = upload_new(&env, &cafe, "shared.png", &shared).await;
        let theirs = upload_new(&env, &bakery, "shared.png", &shared).await;
        for item in [&my_item, &shared_item] {
            let (status, body) = env
                .delete(&cafe, &format!("/api/v1/media/{}", item["id"]))
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }

        // Within the grace period nothing goes.
        assert_eq!(collect_garbage(&env.state, BLOB_GRACE_MS).await.unwrap(), 0);
        assert_eq!(stored_files(&env), both(&mine_sha, &shared_sha));
        // After it, the blob nobody uses goes with its thumbnail; the bakery's stays.
        assert_eq!(collect_garbage(&env.state, 0).await.unwrap(), 1);
        assert_eq!(
            stored_files(&env),
            [blob_file(&shared_sha), thumb_file(&shared_sha)]
        );
        assert_eq!(blob_rows(&env).await, 1);
        decoded_thumbnail(&env.app, &bakery, &theirs["id"]).await;

        // Uploading it again brings it back.
        let again = upload_new(&env, &cafe, "mine.png", &mine).await;
        assert_ne!(again["id"], my_item["id"]);
        assert_eq!(stored_files(&env), both(&mine_sha, &shared_sha));
        decoded_thumbnail(&env.app, &cafe, &again["id"]).await;
        assert_eq!(collect_garbage(&env.state, 0).await.unwrap(), 0);

        // Deleted and uploaded again before the collection: in use, kept.
        let path = format!("/api/v1/media/{}", again["id"]);
        assert_eq!(env.delete(&cafe, &path).await.0, StatusCode::NO_CONTENT);
        let again = upload_new(&env, &cafe, "mine.png", &mine).await;
        assert_eq!(collect_garbage(&env.state, 0).await.unwrap(), 0);
        decoded_thumbnail(&env.app, &cafe, &again["id"]).await;

        // The last user of the shared blob lets go of it.
        let path = format!("/api/v1/media/{}", theirs["id"]);
        assert_eq!(env.delete(&bakery, &path).await.0, StatusCode::NO_CONTENT);
        assert_eq!(collect_garbage(&env.state, 0).await.unwrap(), 1);
        assert_eq!(
            stored_files(&env),
            [blob_file(&mine_sha), thumb_file(&mine_sha)]
        );
        assert_eq!(blob_rows(&env).await, 1);
        assert_eq!(collect_garbage(&env.state, 0).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn uploads_over_a_real_socket() {
    let videos = videos();
    each_backend(|env| async move {
        env.setup_owner("Café", "owner@cafe.test").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = build_app(env.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let form = |name: &str, bytes: &[u8], claimed: &str| {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_owned())
                .mime_str(claimed)
                .unwrap();
            reqwest::multipart::Form::new()
                .text("caption", "for the counter")
                .part("file", part)
        };
        let post_media = |form: reqwest::multipart::Form| {
            client
                .post(format!("{base}/api/v1/media"))
                .multipart(form)
                .send()
        };
        let photo = encode(&two_halves(640, 480), ImageFormat::Jpeg);

        // Not signed in yet.
        let response = post_media(form("tiny.png", &png(8, 8), "image/png"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let response = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "owner@cafe.test", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);

        // The claimed type is ignored; the bytes are a JPEG.
        let response = post_media(form("photo.png", &photo, "image/png"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let media: Value = response.json().await.unwrap();
        assert_eq!(media["mime"], "image/jpeg");
        assert_eq!(
            (&media["width"], &media["height"]),
            (&json!(640), &json!(480))
        );
        assert_eq!(media["sha256"], sha256_hex(&photo));

        let response = post_media(form("again.jpg", &photo, "image/jpeg"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let again: Value = response.json().await.unwrap();
        assert_eq!(again["id"], media["id"]);

        let response = post_media(form("clip.webm", &videos.webm, "video/webm"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let clip: Value = response.json().await.unwrap();
        assert_eq!(
            (&clip["kind"], &clip["mime"]),
            (&json!("video"), &json!("video/webm"))
        );
        assert_close(&clip["duration_ms"], 2000);

        let response = post_media(form("notes.jpg", b"plain text", "image/jpeg"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE.as_str()],
            "application/problem+json"
        );

        let response = client
            .get(format!("{base}/api/v1/media/{}/thumbnail", media["id"]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE.as_str()],
            "image/jpeg"
        );
        let bytes = response.bytes().await.unwrap();
        let thumb = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));

        let list: Value = client
            .get(format!("{base}/api/v1/media"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<&Value> = list.as_array().unwrap().iter().map(|m| &m["id"]).collect();
        assert_eq!(ids, [&clip["id"], &media["id"]]);
        assert_eq!(temp_files(&env), Vec::<String>::new());
        server.abort();
    })
    .await;
}

//! The player protocol over real sockets: pairing, device tokens, the manifest (ETag, 304,
//! long-poll), media (Range), the push stream (resume, commands, emergencies), heartbeats,
//! proof of play and screenshots.

mod common;

use std::io::Cursor;
use std::time::Duration;

use common::{Auth, SseClient, TestEnv, device_token, each_backend, serve};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_NONE_MATCH, RANGE};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);

/// An owner, a store, a screen showing one text item; returns (owner, store, screen, content).
async fn shop(env: &TestEnv) -> (Auth, i64, i64, i64) {
    let owner = env.setup_owner("Café", "owner@cafe.test").await;
    let store = env
        .create(
            &owner,
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let (content, layout) = fullscreen_text(env, &owner, "Welcome", "v1").await;
    let screen = env
        .create(
            &owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter", "default_layout_id": layout}),
        )
        .await;
    (owner, store, screen, content)
}

/// A text item alone on a playlist, on a fullscreen layout: (content, layout).
async fn fullscreen_text(env: &TestEnv, owner: &Auth, name: &str, body: &str) -> (i64, i64) {
    let content = env.create(owner, "/api/v1/content", text(name, body)).await;
    let playlist = env
        .create(
            owner,
            "/api/v1/playlists",
            json!({"name": name, "entries": [{"content": content, "duration_ms": 8000}]}),
        )
        .await;
    let layout = env
        .create(
            owner,
            "/api/v1/layouts",
            json!({"name": name, "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    (content, layout)
}

fn text(name: &str, body: &str) -> Value {
    json!({"name": name, "type": "text", "title": name, "body": body})
}

async fn edit(env: &TestEnv, owner: &Auth, content: i64, body: &str) {
    let (status, value) = env
        .put(
            owner,
            &format!("/api/v1/content/{content}"),
            text("Welcome", body),
        )
        .await;
    assert_eq!(status, 200, "{value}");
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// The status of a manifest request to `base` with `token`; the future owns its arguments, so
/// it can be spawned.
fn manifest_status(base: &str, token: &str) -> impl Future<Output = StatusCode> + use<> {
    let (url, token) = (format!("{base}/api/player/v1/manifest"), token.to_owned());
    async move {
        client()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }
}

#[tokio::test]
async fn pairing_hands_out_a_device_token_once() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, _, _) = shop(&env).await;
        let started: Value = client()
            .post(format!("{base}/api/player/v1/pair"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = started["code"].as_str().unwrap().to_owned();
        let secret = started["secret"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 6);
        assert!(
            code.chars().all(|c| "ACDEFGHJKMNPQRTWXY34679".contains(c)),
            "{code}"
        );

        let poll = |wait: u64| {
            let url = format!("{base}/api/player/v1/pair/status?wait={wait}");
            let secret = secret.clone();
            async move {
                client()
                    .post(url)
                    .json(&json!({"secret": secret}))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let waiting: Value = poll(0).await.json().await.unwrap();
        assert_eq!(waiting["status"], "waiting");
        assert_eq!(waiting["code"], code);

        // A wrong code is 404 and changes nothing.
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": "AAAAAA",
                "screen": {"store_id": store, "name": "Window"}}),
            )
            .await;
        assert_eq!(status, 404);

        // A long poll is answered as soon as someone claims the code (typed loosely).
        let pending = tokio::spawn(poll(30));
        let typed = format!(" {}-{} ", &code[..3].to_lowercase(), &code[3..]);
        let (status, screen) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": typed,
                "screen": {"store_id": store, "name": "Window"}}),
            )
            .await;
        assert_eq!(status, 200, "{screen}");
        let paired: Value = pending.await.unwrap().json().await.unwrap();
        assert_eq!(paired["status"], "paired");
        assert_eq!(paired["screen_id"], screen["id"]);
        let token = paired["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("vd_"));

        // Only once: the secret is spent, the code too.
        assert_eq!(poll(0).await.status(), StatusCode::NOT_FOUND);
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": code, "screen_id": screen["id"]}),
            )
            .await;
        assert_eq!(status, 404);

        // The token is stored only as a hash, and it works.
        let (stored,): (String,) =
            vitrin_server::db::sql("SELECT device_token_hash FROM screens WHERE id = $1")
                .bind(screen["id"].as_i64().unwrap())
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        assert_eq!(stored, vitrin_server::auth::token::hash(&token));
        let manifest = client()
            .get(format!("{base}/api/player/v1/manifest"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(manifest.status(), 200);
        let (_, listed) = env
            .get(&owner, &format!("/api/v1/screens/{}", screen["id"]))
            .await;
        assert_eq!(listed["paired"], true);
    })
    .await;
}

#[tokio::test]
async fn expired_codes_and_code_guessing_are_refused() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, screen, _) = shop(&env).await;
        let started: Value = client()
            .post(format!("{base}/api/player/v1/pair"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        vitrin_server::db::sql("UPDATE pairings SET expires_at = 0")
            .execute(&env.state.db)
            .await
            .unwrap();
        let status = client()
            .post(format!("{base}/api/player/v1/pair/status"))
            .json(&json!({"secret": started["secret"]}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::GONE);
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": started["code"], "screen_id": screen}),
            )
            .await;
        assert_eq!(status, 410);

        // Guessing codes: after ten wrong ones the user waits.
        for _ in 0..vitrin_server::auth::ratelimit::MAX_FAILURES {
            let (status, _) = env
                .post(
                    &owner,
                    "/api/v1/screens/pair",
                    json!({"code": "XXXXXX",
                    "screen": {"store_id": store, "name": "Guess"}}),
                )
                .await;
            assert_eq!(status, 404);
        }
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": "XXXXXX", "screen_id": screen}),
            )
            .await;
        assert_eq!(status, 429);
        let (_, screens) = env.get(&owner, "/api/v1/screens").await;
        assert_eq!(
            screens.as_array().unwrap().len(),
            1,
            "no screen was made by guessing"
        );

        // Asking for codes is rate-limited per address.
        let mut last = StatusCode::OK;
        for _ in 0..=vitrin_server::player::pairing::MAX_CODE_REQUESTS {
            last = client()
                .post(format!("{base}/api/player/v1/pair"))
                .send()
                .await
                .unwrap()
                .status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    })
    .await;
}

#[tokio::test]
async fn device_tokens_can_be_rotated_and_revoked() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let get = |token: &str| manifest_status(&base, token);
        assert_eq!(get(&token).await, 200);
        assert_eq!(get("vd_unknown").await, 401);
        // The scheme's name is case-insensitive, as HTTP says.
        let lower = client()
            .get(format!("{base}/api/player/v1/manifest"))
            .header("authorization", format!("bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(lower.status(), 200);
        let unauthenticated = client()
            .get(format!("{base}/api/player/v1/manifest"))
            .send()
            .await
            .unwrap();
        assert_eq!(unauthenticated.status(), 401);
        let problem: Value = unauthenticated.json().await.unwrap();
        assert_eq!(problem["type"], "unauthenticated");
        // A user's session is not a device token.
        assert_eq!(get("vs_whatever").await, 401);

        let new_token = rotate(&base, &token).await;
        assert_eq!(get(&token).await, 401);
        assert_eq!(get(&new_token).await, 200);

        let (status, _) = env
            .post(
                &owner,
                &format!("/api/v1/screens/{screen}/unpair"),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        assert_eq!(get(&new_token).await, 401);
    })
    .await;
}

/// Instances cache device tokens; a revocation on one must reach the others' caches.
#[tokio::test]
async fn a_revoked_token_is_refused_by_every_instance() {
    if !common::backends().contains(&"postgres") {
        eprintln!("PostgreSQL is not configured; this test needs two instances on one database");
        return;
    }
    let env = TestEnv::new("postgres").await;
    let (owner, _, screen, _) = shop(&env).await;
    let token = device_token(&env, screen).await;
    let a = serve(&env.state).await;
    let mut config = (*env.state.config).clone();
    config.data_dir = env.dir.path().join("b");
    let b = serve(&vitrin_server::AppState::open(config).await.unwrap()).await;

    // Both instances have checked (and cached) the token.
    assert_eq!(manifest_status(&a, &token).await, 200);
    assert_eq!(manifest_status(&b, &token).await, 200);

    // The token is rotated through B: A refuses the old one.
    let token_2 = rotate(&b, &token).await;
    let deadline = std::time::Instant::now() + WAIT;
    while manifest_status(&a, &token).await != 401 {
        assert!(
            std::time::Instant::now() < deadline,
            "A still takes the rotated-out token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(manifest_status(&a, &token_2).await, 200);
    assert_eq!(manifest_status(&b, &token_2).await, 200);

    // Unpaired through A's API: B refuses the token it had cached and ends its stream.
    let mut on_b = open_stream(&b, &token_2).await;
    let (code, _) = env
        .post(
            &owner,
            &format!("/api/v1/screens/{screen}/unpair"),
            json!({}),
        )
        .await;
    assert_eq!(code, 204);
    let deadline = std::time::Instant::now() + WAIT;
    while manifest_status(&b, &token_2).await != 401 {
        assert!(
            std::time::Instant::now() < deadline,
            "B still takes an unpaired token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        on_b.until_closed(WAIT).await.is_some(),
        "B keeps the unpaired screen's stream open"
    );
}

/// Rotates the device token through the player API; returns the new one.
async fn rotate(base: &str, token: &str) -> String {
    let rotated: Value = client()
        .post(format!("{base}/api/player/v1/token"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    rotated["token"].as_str().unwrap().to_owned()
}

/// A stream opened with the device token; waits for its first event.
async fn open_stream(base: &str, token: &str) -> SseClient {
    let mut stream = SseClient::connect(&format!("{base}/api/player/v1/events"), token, None).await;
    assert_eq!(stream.next(WAIT).await.unwrap().event, "manifest");
    stream
}

/// A manifest long-poll with the token, started now: unanswered until a change (or 30 s).
async fn long_poll(base: &str, token: &str) -> tokio::task::JoinHandle<StatusCode> {
    let url = format!("{base}/api/player/v1/manifest");
    let first = client().get(&url).bearer_auth(token).send().await.unwrap();
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let token = token.to_owned();
    let waiting = tokio::spawn(async move {
        let response = client()
            .get(format!("{url}?wait=30"))
            .bearer_auth(token)
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        response.status()
    });
    // Let it reach the wait.
    tokio::time::sleep(Duration::from_millis(200)).await;
    waiting
}

/// Rotating, unpairing and pairing again end what the old token holds open: its push stream
/// closes and sends nothing more (not even an emergency made right after), and a long-poll
/// answers 401 instead of waiting for its 304.
#[tokio::test]
async fn a_revoked_token_ends_its_open_streams_and_long_polls() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, screen, _) = shop(&env).await;
        let no_commands_or_emergencies = |events: &[common::SseEvent]| {
            events
                .iter()
                .all(|e| e.event != "emergency" && e.event != "command")
        };

        // Rotation through the player API.
        let token = device_token(&env, screen).await;
        let mut stream = open_stream(&base, &token).await;
        let poll = long_poll(&base, &token).await;
        let token = rotate(&base, &token).await;
        assert!(
            stream.until_closed(WAIT).await.is_some(),
            "the stream of a rotated-out token stays open"
        );
        assert_eq!(poll.await.unwrap(), StatusCode::UNAUTHORIZED);

        // Unpairing by a user, followed at once by an emergency and a command.
        let mut stream = open_stream(&base, &token).await;
        let poll = long_poll(&base, &token).await;
        let (status, _) = env
            .post(
                &owner,
                &format!("/api/v1/screens/{screen}/unpair"),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/emergencies",
                json!({"text": "Secret evacuation text", "scope": {"stores": [store]},
                       "until": "2099-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(status, 201);
        let sent = stream
            .until_closed(WAIT)
            .await
            .expect("the stream of an unpaired screen stays open");
        assert!(no_commands_or_emergencies(&sent), "{sent:?}");
        assert_eq!(poll.await.unwrap(), StatusCode::UNAUTHORIZED);

        // Pairing the screen again with a new player ends the old player's stream.
        let old_token = device_token(&env, screen).await;
        let mut stream = open_stream(&base, &old_token).await;
        let started: Value = client()
            .post(format!("{base}/api/player/v1/pair"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/screens/pair",
                json!({"code": started["code"], "screen_id": screen}),
            )
            .await;
        assert_eq!(status, 200);
        let paired: Value = client()
            .post(format!("{base}/api/player/v1/pair/status"))
            .json(&json!({"secret": started["secret"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(paired["status"], "paired", "{paired}");
        let (status, _) = env
            .post(
                &owner,
                &format!("/api/v1/screens/{screen}/commands"),
                json!({"command": "refresh"}),
            )
            .await;
        assert_eq!(status, 201);
        let sent = stream
            .until_closed(WAIT)
            .await
            .expect("the old player's stream stays open after pairing again");
        // (It opened while the emergency above was on, so it did carry that one.)
        assert!(sent.iter().all(|e| e.event != "command"), "{sent:?}");
        // The new player's token works.
        let new_token = paired["token"].as_str().unwrap();
        open_stream(&base, new_token).await;
    })
    .await;
}

#[tokio::test]
async fn manifest_etag_304_and_long_poll() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, content) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let url = format!("{base}/api/player/v1/manifest");
        let first = client().get(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
        let manifest: Value = first.json().await.unwrap();
        assert_eq!(manifest["content"][0]["body"], "v1");
        assert_eq!(manifest["screen"]["id"], screen);

        // Unchanged: 304, no body; also after a wait with nothing happening.
        for query in ["", "?wait=1"] {
            let same = client()
                .get(format!("{url}{query}"))
                .bearer_auth(&token)
                .header(IF_NONE_MATCH, &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(same.status(), StatusCode::NOT_MODIFIED);
            assert_eq!(same.headers()[ETAG].to_str().unwrap(), etag);
            assert!(same.bytes().await.unwrap().is_empty());
        }

        // A long poll returns the new manifest as soon as it is published.
        let waiting = tokio::spawn({
            let (url, token, etag) = (url.clone(), token.clone(), etag.clone());
            async move {
                client()
                    .get(format!("{url}?wait=30"))
                    .bearer_auth(token)
                    .header(IF_NONE_MATCH, etag)
                    .send()
                    .await
                    .unwrap()
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        edit(&env, &owner, content, "v2").await;
        let changed = waiting.await.unwrap();
        assert_eq!(changed.status(), 200);
        let new_etag = changed.headers()[ETAG].to_str().unwrap().to_owned();
        assert_ne!(new_etag, etag);
        let manifest: Value = changed.json().await.unwrap();
        assert_eq!(manifest["content"][0]["body"], "v2");
        assert_eq!(manifest["version"], 2);
    })
    .await;
}

#[tokio::test]
async fn a_franchise_refetching_after_a_publish_loads_its_organization_once() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, first, content) = shop(&env).await;
        let (_, layout) = env.get(&owner, &format!("/api/v1/screens/{first}")).await;
        let mut screens = vec![first];
        for i in 1..12 {
            screens.push(
                env.create(
                    &owner,
                    "/api/v1/screens",
                    json!({"store_id": store, "name": format!("Screen {i}"),
                           "default_layout_id": layout["default_layout_id"]}),
                )
                .await,
            );
        }
        // One screen with content of its own, which the others' manifests do not contain.
        let (_, own_layout) = fullscreen_text(&env, &owner, "Own", "mine v1").await;
        let lone = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Lone", "default_layout_id": own_layout}),
            )
            .await;
        let mut tokens = Vec::new();
        for screen in screens.iter().chain([&lone]) {
            tokens.push((*screen, device_token(&env, *screen).await));
        }
        let fetch_all = |tokens: Vec<(i64, String)>| {
            let url = format!("{base}/api/player/v1/manifest");
            async move {
                let fetches = tokens.into_iter().map(|(screen, token)| {
                    let url = url.clone();
                    async move {
                        let manifest: Value = client()
                            .get(url)
                            .bearer_auth(token)
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        (screen, manifest)
                    }
                });
                futures_util::future::join_all(fetches).await
            }
        };
        let bodies = |manifests: &[(i64, Value)]| -> Vec<(i64, i64, String)> {
            manifests
                .iter()
                .map(|(screen, m)| {
                    assert_eq!(m["screen"]["id"], *screen, "each screen gets its own");
                    let body = m["content"][0]["body"].as_str().unwrap().to_owned();
                    (*screen, m["version"].as_i64().unwrap(), body)
                })
                .collect()
        };
        let loads = || env.state.snapshots.loads();
        let token_checks = || env.state.device_cache.token_checks();

        let before = fetch_all(tokens.clone()).await;
        assert!(
            bodies(&before)
                .iter()
                .all(|(s, v, b)| *v == 1 && *b == if *s == lone { "mine v1" } else { "v1" })
        );
        let after_first = loads();
        assert!(after_first >= 1);

        // A publish to the twelve: all of them fetch at once; the organization is read once,
        // and the device tokens checked before stay trusted (a publish does not touch them).
        let checked = token_checks();
        assert!(checked >= tokens.len() as u64);
        edit(&env, &owner, content, "v2").await;
        let published = fetch_all(tokens.clone()).await;
        for (screen, version, body) in bodies(&published) {
            let expected = if screen == lone {
                (1, "mine v1")
            } else {
                (2, "v2")
            };
            assert_eq!((version, body.as_str()), expected, "screen {screen}");
        }
        assert_eq!(loads(), after_first + 1, "one load for the whole franchise");
        assert_eq!(
            token_checks(),
            checked,
            "no token checked again after a publish"
        );

        // Nothing changed: served again without reading the organization.
        let again = fetch_all(tokens.clone()).await;
        assert_eq!(bodies(&again), bodies(&published));
        assert_eq!(loads(), after_first + 1);

        // A change to one screen's own settings reaches that screen, and only it.
        let (status, _) = env
            .put(
                &owner,
                &format!("/api/v1/screens/{lone}"),
                json!({"store_id": store, "name": "Lone renamed",
                       "default_layout_id": own_layout}),
            )
            .await;
        assert_eq!(status, 200);
        let renamed = fetch_all(tokens.clone()).await;
        for (screen, manifest) in &renamed {
            let name = manifest["screen"]["name"].as_str().unwrap();
            if *screen == lone {
                assert_eq!(
                    (name, manifest["version"].as_i64()),
                    ("Lone renamed", Some(2))
                );
            } else {
                assert_ne!(name, "Lone renamed");
                assert_eq!(manifest["version"], 2);
            }
        }
    })
    .await;
}

/// A PNG made here, uploaded through the API; returns its sha256.
async fn upload_png(base: &str, cookie: &Auth, color: u8) -> String {
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb([color, 40, 90]));
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let Auth::Cookie(cookie) = cookie else {
        panic!("a session")
    };
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png).file_name("promo.png"),
    );
    let response = client()
        .post(format!("{base}/api/v1/media"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let media: Value = response.json().await.unwrap();
    media["sha256"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn media_is_served_with_ranges_only_to_screens_that_use_it() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, content) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let shown = upload_png(&base, &owner, 200).await;
        let unused = upload_png(&base, &owner, 10).await;
        let (status, body) = env
            .put(
                &owner,
                &format!("/api/v1/content/{content}"),
                json!({"name": "Welcome", "type": "image", "media": {"sha256": shown}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let blob = |sha: &str| {
            client()
                .get(format!("{base}/api/player/v1/media/{sha}"))
                .bearer_auth(&token)
        };

        let whole = blob(&shown).send().await.unwrap();
        assert_eq!(whole.status(), 200);
        assert_eq!(
            whole.headers()[ETAG].to_str().unwrap(),
            format!("\"{shown}\"")
        );
        assert!(
            whole.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let bytes = whole.bytes().await.unwrap();
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
        assert_eq!(hex::encode(digest), shown, "the bytes are the blob");
        let size = bytes.len();

        let part = blob(&shown)
            .header(RANGE, "bytes=8-15")
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            part.headers()[CONTENT_RANGE].to_str().unwrap(),
            format!("bytes 8-15/{size}")
        );
        assert_eq!(part.bytes().await.unwrap(), bytes.slice(8..16));
        let tail = blob(&shown).header(RANGE, "bytes=-4").send().await.unwrap();
        assert_eq!(tail.bytes().await.unwrap(), bytes.slice(size - 4..));
        let resumed = blob(&shown)
            .header(RANGE, format!("bytes={}-", size - 10))
            .send()
            .await
            .unwrap();
        assert_eq!(resumed.status(), 206);
        assert_eq!(resumed.bytes().await.unwrap(), bytes.slice(size - 10..));
        let past = blob(&shown)
            .header(RANGE, format!("bytes={size}-"))
            .send()
            .await
            .unwrap();
        assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        let cached = blob(&shown)
            .header(IF_NONE_MATCH, format!("\"{shown}\""))
            .send()
            .await
            .unwrap();
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

        // In the library but not in this screen's manifest: does not exist for the screen.
        assert_eq!(blob(&unused).send().await.unwrap().status(), 404);
        assert_eq!(blob("not-a-hash").send().await.unwrap().status(), 404);
        // Another organization's screen cannot fetch it by hash either.
        let other = env.add_org("Other", "owner@other.test").await;
        let other_store = env
            .create(
                &other,
                "/api/v1/stores",
                json!({"name": "O", "timezone": "UTC"}),
            )
            .await;
        let other_screen = env
            .create(
                &other,
                "/api/v1/screens",
                json!({"store_id": other_store, "name": "S"}),
            )
            .await;
        let other_token = device_token(&env, other_screen).await;
        let foreign = client()
            .get(format!("{base}/api/player/v1/media/{shown}"))
            .bearer_auth(other_token)
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn push_stream_resumes_and_carries_commands_with_acks() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, content) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let url = format!("{base}/api/player/v1/events");

        let mut stream = SseClient::connect(&url, &token, None).await;
        let first = stream.next(WAIT).await.expect("the current version first");
        assert_eq!(first.event, "manifest");
        assert_eq!(first.data["version"], 1);

        // A publish arrives as a manifest event.
        edit(&env, &owner, content, "v2").await;
        let bumped = stream.next(WAIT).await.expect("a manifest event");
        assert_eq!(
            (bumped.event.as_str(), &bumped.data["version"]),
            ("manifest", &json!(2))
        );

        // A command arrives with an id; the player acknowledges it.
        let (status, sent) = env
            .post(
                &owner,
                &format!("/api/v1/screens/{screen}/commands"),
                json!({"command": "identify"}),
            )
            .await;
        assert_eq!(status, 201, "{sent}");
        let command = stream.next(WAIT).await.expect("a command event");
        assert_eq!(command.event, "command");
        assert_eq!(command.data["command"], "identify");
        assert_eq!(command.data["id"], sent["id"]);
        let resume_from = bumped.id.clone();
        drop(stream);

        // Reconnecting from before the command: the unacknowledged command comes again,
        // but not the manifest version the player already had.
        let mut again = SseClient::connect(&url, &token, Some(&resume_from)).await;
        let replay = again.next(WAIT).await.expect("the missed command");
        assert_eq!(replay.event, "command");
        assert_eq!(replay.data, command.data);
        drop(again);

        let ack = client()
            .post(format!("{base}/api/player/v1/acks"))
            .bearer_auth(&token)
            .json(&json!({"id": sent["id"], "ok": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(ack.status(), 204);
        let (_, commands) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/commands"))
            .await;
        assert_eq!(commands[0]["ok"], true);
        assert!(commands[0]["acked_at"].as_i64().is_some());

        // Acknowledged commands are not replayed; a missed publish is.
        edit(&env, &owner, content, "v3").await;
        let mut third = SseClient::connect(&url, &token, Some(&resume_from)).await;
        let next = third.next(WAIT).await.expect("the missed version");
        assert_eq!(
            (next.event.as_str(), &next.data["version"]),
            ("manifest", &json!(3))
        );
        assert!(
            third.next(Duration::from_millis(500)).await.is_none(),
            "nothing else"
        );

        // Acks for another screen's command, or unknown ones, are 404.
        let stranger = client()
            .post(format!("{base}/api/player/v1/acks"))
            .bearer_auth(&token)
            .json(&json!({"id": 999_999, "ok": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(stranger.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn heartbeats_mark_screens_online_until_1_1_intervals_pass() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let (_, before) = env.get(&owner, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(before["online"], false);
        let beat = json!({"player_version": "0.1.0", "uptime_secs": 42, "manifest_version": 1,
            "showing": [{"zone": "main", "playlist": 1, "content": 1}],
            "cache_bytes": 1000, "disk_free_bytes": 5_000_000,
            "last_error": "none", "sent_at": "2026-11-22T10:00:00Z"});
        let reply: Value = client()
            .post(format!("{base}/api/player/v1/heartbeat"))
            .bearer_auth(&token)
            .json(&beat)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reply["manifest_version"], 1);
        let (_, after) = env.get(&owner, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(after["online"], true);
        assert_eq!(after["status"]["uptime_secs"], 42);
        assert_eq!(after["status"]["showing"][0]["zone"], "main");

        // Heard from 65 s ago with a 60 s interval: still online (1.1 × 60 = 66); 67 s: not.
        for (ago, online) in [(65_000, true), (67_000, false)] {
            vitrin_server::db::sql("UPDATE screens SET last_seen_at = $1 WHERE id = $2")
                .bind(vitrin_server::db::now_ms() - ago)
                .bind(screen)
                .execute(&env.state.db)
                .await
                .unwrap();
            let (_, now) = env.get(&owner, &format!("/api/v1/screens/{screen}")).await;
            assert_eq!(now["online"], online, "{ago} ms ago");
        }

        let bad = client()
            .post(format!("{base}/api/player/v1/heartbeat"))
            .bearer_auth(&token)
            .json(&json!({"player_version": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

/// Any player request marks its screen as seen. The marks of requests made together are
/// written in one statement (`player::seen_marks`); they never move a screen's mark back, and
/// on PostgreSQL they skip a row a publish holds instead of queueing behind it.
#[tokio::test]
async fn requests_mark_their_screens_seen_without_waiting_for_a_locked_row() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, first, _) = shop(&env).await;
        let mut screens = vec![first];
        for i in 0..11 {
            let name = format!("Screen {i}");
            let body = json!({"store_id": store, "name": name});
            screens.push(env.create(&owner, "/api/v1/screens", body).await);
        }
        let mut tokens = Vec::new();
        for &screen in &screens {
            tokens.push(device_token(&env, screen).await);
        }
        let manifest = |token: &str| manifest_status(&base, token);
        let db = env.state.db.clone();
        let seen = |screen: i64| {
            let db = db.clone();
            async move {
                vitrin_server::db::sql("SELECT last_seen_at FROM screens WHERE id = $1")
                    .bind(screen)
                    .fetch_one::<(Option<i64>,)>(&db)
                    .await
                    .unwrap()
                    .0
            }
        };

        // Ten screens at once: each is marked by the time its answer arrives.
        let before = vitrin_server::db::now_ms();
        let requests: Vec<_> = tokens[..10]
            .iter()
            .map(|token| tokio::spawn(manifest(token)))
            .collect();
        for request in requests {
            assert_eq!(request.await.unwrap(), StatusCode::OK);
        }
        let after = vitrin_server::db::now_ms();
        for &screen in &screens[..10] {
            let at = seen(screen).await.expect("marked as seen");
            assert!((before..=after).contains(&at), "screen {screen}: {at}");
        }

        // A later mark (a heartbeat's, written in between) is kept.
        let later = after + 3_600_000;
        vitrin_server::db::sql("UPDATE screens SET last_seen_at = $1 WHERE id = $2")
            .bind(later)
            .bind(screens[11])
            .execute(&db)
            .await
            .unwrap();
        assert_eq!(manifest(&tokens[11]).await, StatusCode::OK);
        assert_eq!(seen(screens[11]).await, Some(later));

        // A publish holding the screen's row does not hold up its player's request (SQLite
        // has one writer and no row locks: there every write waits its turn).
        if env.backend == "postgres" {
            let mut publish = db.begin().await.unwrap();
            vitrin_server::db::sql("SELECT id FROM screens WHERE id = $1 FOR UPDATE")
                .bind(screens[10])
                .fetch_all::<(i64,)>(&mut publish)
                .await
                .unwrap();
            let answered = tokio::time::timeout(WAIT, manifest(&tokens[10])).await;
            assert_eq!(
                answered,
                Ok(StatusCode::OK),
                "answered while the row is locked"
            );
            publish.commit().await.unwrap();
            assert_eq!(seen(screens[10]).await, None, "the locked row was skipped");
        }
    })
    .await;
}

fn play(id: &str, start: &str, end: &str) -> Value {
    json!({"event_id": id, "content": 1, "playlist": 1, "zone": "main",
           "started_at": start, "ended_at": end})
}

#[tokio::test]
async fn a_retried_proof_of_play_batch_is_counted_once() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (_, _, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let send = |batch: Value| {
            let (url, token) = (format!("{base}/api/player/v1/plays"), token.clone());
            async move {
                client()
                    .post(url)
                    .bearer_auth(token)
                    .json(&batch)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let batch = json!({"records": [
            play("e1", "2026-11-22T08:00:00Z", "2026-11-22T08:00:10Z"),
            play("e2", "2026-11-22T08:00:10Z", "2026-11-22T08:00:20Z"),
            play("e3", "2026-11-22T09:10:00Z", "2026-11-22T09:10:30Z")]});
        let first: Value = send(batch.clone()).await.json().await.unwrap();
        assert_eq!(
            first,
            json!({"accepted": 3, "duplicates": 0, "refused": []})
        );
        let retried: Value = send(batch).await.json().await.unwrap();
        assert_eq!(
            retried,
            json!({"accepted": 0, "duplicates": 3, "refused": []})
        );

        let hours: Vec<(i64, i64, i64)> =
            vitrin_server::db::sql("SELECT hour, plays, play_ms FROM play_hours ORDER BY hour")
                .fetch_all(&env.state.db)
                .await
                .unwrap();
        let eight: i64 = "2026-11-22T08:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond();
        assert_eq!(hours, [(eight, 2, 20_000), (eight + 3_600_000, 1, 30_000)]);

        // A bad record is refused on its own, named with why; the good one beside it is kept.
        let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(30);
        let mixed: Value = send(json!({"records": [
            play("e4", "2026-11-22T10:00:00Z", "2026-11-22T10:00:05Z"),
            play("e5", "2026-11-22T10:00:05Z", "2026-11-22T10:00:00Z"),
            play("e6", &ahead.to_string(), &ahead.to_string()),
            play("bad id!", "2026-11-22T10:00:05Z", "2026-11-22T10:00:06Z")]}))
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(mixed["accepted"], 1);
        assert_eq!(mixed["duplicates"], 0);
        let refused: Vec<(u64, &str, &str, &str)> = mixed["refused"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["index"].as_u64().unwrap(),
                    r["event_id"].as_str().unwrap(),
                    r["field"].as_str().unwrap(),
                    r["code"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            refused,
            [
                (1, "e5", "ended_at", "before_start"),
                (2, "e6", "ended_at", "in_future"),
                (3, "bad id!", "event_id", "invalid")
            ]
        );
        let too_many: Vec<Value> = (0..=vitrin_server::player::telemetry::MAX_BATCH)
            .map(|i| {
                play(
                    &format!("m{i}"),
                    "2026-11-22T11:00:00Z",
                    "2026-11-22T11:00:01Z",
                )
            })
            .collect();
        let too_many = send(json!({ "records": too_many })).await;
        assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = too_many.json().await.unwrap();
        assert_eq!(common::field_codes(&problem, "records"), ["too_many"]);
        let malformed = send(json!({"records": "nope"})).await;
        assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (count,): (i64,) = vitrin_server::db::sql("SELECT COUNT(*) FROM plays")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(
            count, 4,
            "e1 to e4, nothing of the refused or too large batches"
        );

        // Housekeeping drops raw rows past their retention; the hourly counts stay.
        vitrin_server::db::sql("UPDATE plays SET ended_at = ended_at - $1 WHERE event_id <> 'e3'")
            .bind(vitrin_server::maintenance::PLAY_RETENTION_MS * 2)
            .execute(&env.state.db)
            .await
            .unwrap();
        let swept = vitrin_server::maintenance::sweep(&env.state).await.unwrap();
        assert_eq!(swept.plays, 3);
        let (count,): (i64,) = vitrin_server::db::sql("SELECT COUNT(*) FROM plays")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(count, 1);
        let (plays,): (i64,) =
            vitrin_server::db::sql("SELECT CAST(SUM(plays) AS BIGINT) FROM play_hours")
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        assert_eq!(plays, 4);
    })
    .await;
}

#[tokio::test]
async fn batches_of_one_screen_sent_at_once_are_all_stored() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (_, _, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        // Eight batches in flight together, each touching the same fifty hours, half of them
        // in the opposite order: row locks taken in batch order used to deadlock on PostgreSQL.
        let day: jiff::Timestamp = "2026-11-20T00:00:00Z".parse().unwrap();
        let batch = |b: usize| {
            let mut records: Vec<Value> = (0..400)
                .map(|i| {
                    let start = day + jiff::SignedDuration::from_secs((i % 50) * 3600 + i / 50);
                    let end = start + jiff::SignedDuration::from_secs(1);
                    play(&format!("b{b}-{i}"), &start.to_string(), &end.to_string())
                })
                .collect();
            if b % 2 == 1 {
                records.reverse();
            }
            json!({ "records": records })
        };
        let sends = (0..8).map(|b| {
            let (url, token, body) = (
                format!("{base}/api/player/v1/plays"),
                token.clone(),
                batch(b),
            );
            async move {
                let response = client()
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (response.status(), response.text().await.unwrap())
            }
        });
        for (status, body) in futures_util::future::join_all(sends).await {
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (plays, play_ms): (i64, i64) = vitrin_server::db::sql(
            "SELECT CAST(SUM(plays) AS BIGINT), CAST(SUM(play_ms) AS BIGINT) FROM play_quarters",
        )
        .fetch_one(&env.state.db)
        .await
        .unwrap();
        assert_eq!((plays, play_ms), (3200, 3_200_000));
        let (hours,): (i64,) =
            vitrin_server::db::sql("SELECT COUNT(*) FROM play_hours WHERE plays = 64")
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        assert_eq!(
            hours, 50,
            "eight plays per hour per batch, in each of fifty hours"
        );
    })
    .await;
}

#[tokio::test]
async fn screenshots_are_capped_and_typed_by_their_bytes() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, _, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let put = |body: Vec<u8>| {
            let (url, token) = (format!("{base}/api/player/v1/screenshot"), token.clone());
            async move {
                client()
                    .put(url)
                    .bearer_auth(token)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        let (status, _) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/screenshot"))
            .await;
        assert_eq!(status, 404, "none yet");

        let mut png = Vec::new();
        image::RgbImage::from_pixel(32, 18, image::Rgb([1, 2, 3]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(put(png.clone()).await, StatusCode::NO_CONTENT);
        assert_eq!(
            put(b"<html>not a picture</html>".to_vec()).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let mut huge = png.clone();
        huge.resize(
            vitrin_server::player::telemetry::MAX_SCREENSHOT_BYTES + 10,
            0,
        );
        assert_eq!(put(huge).await, StatusCode::PAYLOAD_TOO_LARGE);

        // The good one is kept; the refused ones did not replace it.
        let Auth::Cookie(cookie) = &owner else {
            panic!()
        };
        let shot = client()
            .get(format!("{base}/api/v1/screens/{screen}/screenshot"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(shot.headers()["content-type"], "image/png");
        assert_eq!(shot.bytes().await.unwrap(), png);
    })
    .await;
}

#[tokio::test]
async fn emergencies_reach_connected_screens_at_once_and_others_by_manifest() {
    each_backend(|env| async move {
        let base = serve(&env.state).await;
        let (owner, store, screen, _) = shop(&env).await;
        let token = device_token(&env, screen).await;
        let other_store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "Elsewhere", "timezone": "UTC"}),
            )
            .await;
        let elsewhere = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": other_store, "name": "Far"}),
            )
            .await;
        let mut stream =
            SseClient::connect(&format!("{base}/api/player/v1/events"), &token, None).await;
        assert_eq!(stream.next(WAIT).await.unwrap().event, "manifest");

        let (status, published) = env
            .post(
                &owner,
                "/api/v1/emergencies",
                json!({
                "text": "لطفاً ساختمان را ترک کنید · Please leave the building",
                "scope": {"stores": [store]}, "until": "2099-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(status, 201, "{published}");
        assert_eq!(published["screens"], json!([screen]));
        // A second one while the first is on goes above it (never a refused tie).
        let (status, second) = env
            .post(
                &owner,
                "/api/v1/emergencies",
                json!({"text": "Second", "scope": {"all": true}}),
            )
            .await;
        assert_eq!(status, 201, "{second}");
        let priority = async |id: &Value| {
            env.get(&owner, &format!("/api/v1/rules/{id}")).await.1["priority"]
                .as_i64()
                .unwrap()
        };
        assert!(priority(&second["rule_id"]).await > priority(&published["rule_id"]).await);
        let (status, _) = env
            .delete(
                &owner,
                &format!("/api/v1/emergencies/{}", second["rule_id"]),
            )
            .await;
        assert_eq!(status, 204);

        let mut seen = Vec::new();
        while let Some(event) = stream.next(WAIT).await {
            seen.push(event.event.clone());
            if event.event == "emergency" {
                assert_eq!(event.data["rule"], published["rule_id"]);
                assert!(event.data["text"].as_str().unwrap().starts_with("لطفاً"));
                break;
            }
        }
        assert!(seen.contains(&"emergency".to_owned()), "{seen:?}");

        // In the manifest too, as an emergency rule, and only for the chosen store.
        let manifest: vitrin_shared::manifest::Manifest = client()
            .get(format!("{base}/api/player/v1/manifest"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let schedule = manifest.schedule().unwrap();
        let now = schedule.resolve(
            jiff::Timestamp::now(),
            &manifest.screen.time_zone().unwrap(),
        );
        assert!(now.emergency.is_some(), "the emergency layer plays");
        // It starts when it was sent (give or take a lagging player clock's margin), so the
        // "what plays when" picture of the days before shows no emergency.
        let tz = manifest.screen.time_zone().unwrap();
        let day = jiff::SignedDuration::from_hours(24);
        let yesterday = schedule.timeline(
            jiff::Timestamp::now() - day - day,
            jiff::Timestamp::now() - jiff::SignedDuration::from_mins(10),
            &tz,
        );
        assert!(!yesterday.is_empty());
        assert!(
            yesterday.iter().all(|span| span.layers.emergency.is_none()),
            "the emergency is drawn before it was sent"
        );
        let (_, far) = env
            .get(&owner, &format!("/api/v1/screens/{elsewhere}/manifest"))
            .await;
        assert_eq!(far["rules"], json!([]));

        // Ended early: gone from the manifest.
        let (status, _) = env
            .delete(
                &owner,
                &format!("/api/v1/emergencies/{}", published["rule_id"]),
            )
            .await;
        assert_eq!(status, 204);
        let (_, manifest) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/manifest"))
            .await;
        assert_eq!(manifest["rules"], json!([]));

        // Editors may not publish emergencies.
        let editor = env
            .add_user(&owner, "editor@cafe.test", "editor", &[])
            .await;
        let (status, _) = env
            .post(
                &editor,
                "/api/v1/emergencies",
                json!({"text": "x", "scope": {"all": true}}),
            )
            .await;
        assert_eq!(status, 403);
    })
    .await;
}

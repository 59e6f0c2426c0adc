//! The library pages (media, playlists, layouts), in-process on SQLite and PostgreSQL: an
//! upload goes on screen in one step, playlists and layouts are duplicated, the lists search
//! (Persian letter variants alike), every item says where it is used, and roles get what
//! `auth` gives them. What the pages save is checked through the JSON API and the manifest.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend};
use serde_json::{Value, json};
use web_support::*;

const OWNER: &str = "owner@cafe.test";

/// The owner signed in through the pages, and the same session for API checks.
async fn owner(env: &TestEnv) -> (WebClient, Auth) {
    let client = WebClient::setup(env, OWNER).await;
    let auth = session_of(&client);
    (client, auth)
}

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

/// Uploads a picture through the library page; returns its (media id, sha256). Each upload
/// is a picture of its own width: the same bytes twice would be one library item.
async fn upload(env: &TestEnv, client: &mut WebClient, name: &str) -> (i64, String) {
    static WIDTH: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(40);
    let width = WIDTH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    client
        .post_file("/media", "file", name, &png(width, 32))
        .await
        .assert_redirect("/media");
    let (_, media) = env.get(&session_of(client), "/api/v1/media").await;
    let item = media
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no media {name}: {media}"))
        .clone();
    (
        item["id"].as_i64().unwrap(),
        item["sha256"].as_str().unwrap().to_owned(),
    )
}

async fn list(env: &TestEnv, auth: &Auth, path: &str) -> Vec<Value> {
    let (status, list) = env.get(auth, path).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn get(env: &TestEnv, auth: &Auth, path: &str) -> Value {
    let (status, value) = env.get(auth, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {value}");
    value
}

async fn empty_playlist(env: &TestEnv, auth: &Auth, name: &str) -> i64 {
    env.create(
        auth,
        "/api/v1/playlists",
        json!({"name": name, "entries": []}),
    )
    .await
}

async fn store(env: &TestEnv, auth: &Auth, name: &str) -> i64 {
    env.create(
        auth,
        "/api/v1/stores",
        json!({"name": name, "timezone": "Asia/Tehran"}),
    )
    .await
}

/// A full-screen layout playing `playlist`, and a screen of `store` showing it; returns
/// (layout, screen).
async fn on_a_screen(env: &TestEnv, auth: &Auth, store: i64, playlist: i64) -> (i64, i64) {
    let layout = env
        .create(
            auth,
            "/api/v1/layouts",
            json!({"name": format!("Lobby {store}"), "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    let screen = env
        .create(
            auth,
            "/api/v1/screens",
            json!({"store_id": store, "name": format!("Counter {store}"),
                   "default_layout_id": layout}),
        )
        .await;
    (layout, screen)
}

/// Every change writes one audit line.
async fn audit_lines(env: &TestEnv) -> i64 {
    vitrin_server::db::sql("SELECT COUNT(*) FROM audit_log")
        .fetch_i64(&env.state.db)
        .await
        .unwrap()
}

/// The page a 303 leads to.
async fn follow(client: &mut WebClient, answer: &Answer) -> Answer {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    client.get(answer.location.as_deref().unwrap()).await
}

#[tokio::test]
async fn an_upload_goes_on_screen_in_one_step() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let morning = empty_playlist(&env, &auth, "Morning").await;
        let valiasr = store(&env, &auth, "Valiasr").await;
        let (_, screen) = on_a_screen(&env, &auth, valiasr, morning).await;

        let (media, sha) = upload(&env, &mut client, "latte.png").await;
        // Right after the upload, the library offers to put it on screen…
        let library = client.get("/media").await;
        library
            .assert_contains("“latte.png” was added to the library.")
            .assert_contains("Show “latte.png” on screen")
            .assert_contains("id=\"f-playlist-new\"")
            .assert_contains(&format!("action=\"/media/{media}/add\""))
            .assert_contains(&format!("<option value=\"{morning}\">Morning</option>"))
            .assert_contains("value=\"10\"");
        // …once; each tile keeps its own form.
        client
            .get("/media")
            .await
            .assert_lacks("Show “latte.png” on screen")
            .assert_contains(&format!("id=\"f-playlist-{media}\""));

        let version = env.manifest_version(&auth, screen).await;
        let audit = audit_lines(&env).await;
        let added = client
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", &morning.to_string()),
                    ("new_name", ""),
                    ("fit", "cover"),
                    ("seconds", "7.5"),
                ],
            )
            .await;
        added.assert_redirect(&format!("/playlists/{morning}"));
        follow(&mut client, &added)
            .await
            .assert_contains("Added to the playlist “Morning”.")
            .assert_contains("latte.png");

        let playlist = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        let entries = playlist["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{playlist}");
        assert_eq!(entries[0]["duration_ms"], 7500);
        let content = entries[0]["content"].as_i64().unwrap();
        let item = get(&env, &auth, &format!("/api/v1/content/{content}")).await;
        assert_eq!(item["name"], "latte.png");
        assert_eq!(item["type"], "image");
        assert_eq!(item["fit"], "cover");
        assert_eq!(item["media"]["sha256"], sha.as_str());
        // Item and entry landed in one change (one audit line): the screen's manifest moved
        // once, and has both.
        assert_eq!(audit_lines(&env).await, audit + 1);
        assert_eq!(env.manifest_version(&auth, screen).await, version + 1);
        let manifest = get(&env, &auth, &format!("/api/v1/screens/{screen}/manifest")).await;
        let shown = manifest["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == content)
            .unwrap_or_else(|| panic!("not in the manifest: {manifest}"));
        assert_eq!(shown["fit"], "cover");

        // "New playlist named …", with the defaults as offered: the picture shown whole is an
        // item of its own, under a free name.
        let first = content;
        let added = client
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", "new"),
                    ("new_name", "Evening"),
                    ("fit", "contain"),
                    ("seconds", "10"),
                ],
            )
            .await;
        let playlists = list(&env, &auth, "/api/v1/playlists").await;
        let evening = playlists
            .iter()
            .find(|p| p["name"] == "Evening")
            .unwrap_or_else(|| panic!("no new playlist: {playlists:?}"));
        added.assert_redirect(&format!("/playlists/{}", evening["id"]));
        assert_eq!(evening["entries"][0]["duration_ms"], 10_000);
        let content = evening["entries"][0]["content"].as_i64().unwrap();
        assert_ne!(content, first);
        let item = get(&env, &auth, &format!("/api/v1/content/{content}")).await;
        assert_eq!(item["fit"], "contain");
        assert_eq!(item["name"], "latte.png (2)");
        assert_eq!(item["media"]["sha256"], sha.as_str());

        // Shown the same way again, the existing item is reused rather than repeated.
        let contents = list(&env, &auth, "/api/v1/content").await.len();
        let evening = evening["id"].as_i64().unwrap();
        client
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", &evening.to_string()),
                    ("fit", "cover"),
                    ("seconds", "5"),
                ],
            )
            .await
            .assert_redirect(&format!("/playlists/{evening}"));
        assert_eq!(list(&env, &auth, "/api/v1/content").await.len(), contents);
        let playlist = get(&env, &auth, &format!("/api/v1/playlists/{evening}")).await;
        assert_eq!(playlist["entries"][1]["content"], first, "{playlist}");
        assert_eq!(playlist["entries"][1]["duration_ms"], 5000);
    })
    .await;
}

/// A 3-second H.264 clip, made by ffmpeg as the upload tests make theirs.
fn clip() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clip.mp4");
    let status = std::process::Command::new("ffmpeg")
        .args(
            "-hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25 -t 3 \
             -c:v libx264 -pix_fmt yuv420p"
                .split_whitespace(),
        )
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("this test needs ffmpeg (apt-get install ffmpeg): {e}"));
    assert!(status.success());
    std::fs::read(out).unwrap()
}

#[tokio::test]
async fn a_video_plays_for_its_own_length_and_muted() {
    let clip = clip();
    each_backend(|env| {
        let clip = clip.clone();
        async move {
            let (mut client, auth) = owner(&env).await;
            let morning = empty_playlist(&env, &auth, "Morning").await;
            client
                .post_file("/media", "file", "clip.mp4", &clip)
                .await
                .assert_redirect("/media");
            let media = list(&env, &auth, "/api/v1/media").await[0].clone();
            let (id, length) = (
                media["id"].as_i64().unwrap(),
                media["duration_ms"].as_i64().unwrap(),
            );
            assert!((2900..=3100).contains(&length), "{media}");
            // Offered with its own length, and without a fit (pictures only).
            let seconds = if length % 1000 == 0 {
                (length / 1000).to_string()
            } else {
                format!("{:.1}", length as f64 / 1000.0)
            };
            client
                .get("/media")
                .await
                .assert_contains(&format!("id=\"f-seconds-{id}\""))
                .assert_contains(&format!("value=\"{seconds}\""))
                .assert_lacks(&format!("id=\"f-fit-{id}\""));

            client
                .post_form(
                    &format!("/media/{id}/add"),
                    &[("playlist", &morning.to_string()), ("seconds", &seconds)],
                )
                .await
                .assert_redirect(&format!("/playlists/{morning}"));
            let playlist = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
            let entry = &playlist["entries"][0];
            assert!(
                (entry["duration_ms"].as_i64().unwrap() - length).abs() < 100,
                "{playlist}"
            );
            let item = get(
                &env,
                &auth,
                &format!("/api/v1/content/{}", entry["content"]),
            )
            .await;
            assert_eq!(item["type"], "video");
            assert_eq!(item["muted"], true);
            assert_eq!(item["media"]["sha256"], media["sha256"]);
        }
    })
    .await;
}

#[tokio::test]
async fn in_persian_the_seconds_take_persian_digits() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let morning = empty_playlist(&env, &auth, "صبح").await;
        client
            .post_form("/lang", &[("lang", "fa"), ("next", "/media")])
            .await
            .assert_redirect("/media");
        let (media, _) = upload(&env, &mut client, "منو.png").await;
        client
            .get("/media")
            .await
            .assert_contains("نمایش «منو.png» روی نمایشگر")
            .assert_contains("افزودن به فهرست پخش")
            .assert_contains("value=\"۱۰\"");

        // A bad duration says so in Persian and keeps what was typed.
        let bad = client
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", &morning.to_string()),
                    ("fit", "cover"),
                    ("seconds", "ده"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains("ثانیه‌ها را عددی بزرگ‌تر از صفر بنویسید")
            .assert_contains("value=\"ده\"")
            .assert_contains(&format!("<option value=\"{morning}\" selected>"))
            .assert_contains("<option value=\"cover\" selected>");

        let added = client
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", &morning.to_string()),
                    ("fit", "contain"),
                    ("seconds", "۱۲٫۵"),
                ],
            )
            .await;
        follow(&mut client, &added)
            .await
            .assert_contains("به فهرست پخش «صبح» افزوده شد.");
        let playlist = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        assert_eq!(playlist["entries"][0]["duration_ms"], 12_500, "{playlist}");
        let content = playlist["entries"][0]["content"].as_i64().unwrap();
        let item = get(&env, &auth, &format!("/api/v1/content/{content}")).await;
        assert_eq!(item["fit"], "contain");
        assert_eq!(item["name"], "منو.png");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_a_422_with_its_message_and_saves_nothing() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let morning = empty_playlist(&env, &auth, "Morning").await;
        let (media, _) = upload(&env, &mut client, "latte.png").await;
        let other = env.add_org("Other café", "boss@other.test").await;
        let theirs = empty_playlist(&env, &other, "Theirs").await;
        let contents = list(&env, &auth, "/api/v1/content").await.len();
        let playlists = list(&env, &auth, "/api/v1/playlists").await.len();

        let path = format!("/media/{media}/add");
        let morning = morning.to_string();
        // The fields posted, the field blamed and its message.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: [Case; 6] = [
            (
                &[("playlist", ""), ("new_name", ""), ("seconds", "10")],
                "f-playlist",
                "Choose a playlist, or name a new one.",
            ),
            (
                &[("playlist", &morning), ("seconds", "ten")],
                "f-seconds",
                "Enter the seconds as a number above zero",
            ),
            (
                &[("playlist", &morning), ("seconds", "0")],
                "f-seconds",
                "Enter the seconds as a number above zero",
            ),
            (
                &[("playlist", "new"), ("new_name", "  "), ("seconds", "10")],
                "f-new_name",
                "Name the new playlist.",
            ),
            (
                &[
                    ("playlist", "new"),
                    ("new_name", "Morning"),
                    ("seconds", "10"),
                ],
                "f-new_name",
                "A playlist with this name already exists",
            ),
            (
                &[("playlist", &theirs.to_string()), ("seconds", "10")],
                "f-playlist",
                "This playlist is not in your library; choose another.",
            ),
        ];
        for (fields, field, message) in cases {
            let answer = client.post_form(&path, fields).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{fields:?}: {}",
                answer.html
            );
            answer
                .assert_contains(message)
                .assert_contains(&format!("{field}-{media}-error"))
                .assert_contains("aria-invalid=\"true\"");
            for (_, typed) in fields.iter().filter(|(name, _)| *name == "seconds") {
                answer.assert_contains(&format!("value=\"{typed}\""));
            }
        }
        // Nothing was made, here or in the other organization.
        assert_eq!(list(&env, &auth, "/api/v1/content").await.len(), contents);
        assert_eq!(
            list(&env, &auth, "/api/v1/playlists").await.len(),
            playlists
        );
        let morning = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        assert_eq!(morning["entries"].as_array().unwrap().len(), 0);
        let theirs = get(&env, &other, &format!("/api/v1/playlists/{theirs}")).await;
        assert_eq!(theirs["entries"].as_array().unwrap().len(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_viewer_sees_no_forms_and_gets_403_for_posting() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let morning = empty_playlist(&env, &auth, "Morning").await;
        let (layout, _) =
            on_a_screen(&env, &auth, store(&env, &auth, "Valiasr").await, morning).await;
        let (media, _) = upload(&env, &mut client, "latte.png").await;
        env.add_user(&auth, "viewer@cafe.test", "viewer", &[]).await;
        let mut viewer = WebClient::login(&env, "viewer@cafe.test").await;

        for path in [
            "/media".to_owned(),
            format!("/media/{media}"),
            format!("/playlists/{morning}"),
            format!("/layouts/{layout}"),
        ] {
            let page = viewer.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            page.assert_lacks("/add\"")
                .assert_lacks("Add to playlist")
                .assert_lacks("/duplicate\"");
        }
        viewer
            .get(&format!("/media/{media}"))
            .await
            .assert_contains("<h1>latte.png</h1>")
            .assert_contains("Where this is used");

        let contents = list(&env, &auth, "/api/v1/content").await.len();
        let playlists = list(&env, &auth, "/api/v1/playlists").await.len();
        let layouts = list(&env, &auth, "/api/v1/layouts").await.len();
        for (path, fields) in [
            (
                format!("/media/{media}/add"),
                vec![("playlist", morning.to_string()), ("seconds", "10".into())],
            ),
            (format!("/playlists/{morning}/duplicate"), vec![]),
            (format!("/layouts/{layout}/duplicate"), vec![]),
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = viewer.post_form(&path, &fields).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
            answer.assert_contains("Your role (viewer) does not allow this action.");
        }
        assert_eq!(list(&env, &auth, "/api/v1/content").await.len(), contents);
        assert_eq!(
            list(&env, &auth, "/api/v1/playlists").await.len(),
            playlists
        );
        assert_eq!(list(&env, &auth, "/api/v1/layouts").await.len(), layouts);
        let morning = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        assert_eq!(morning["entries"].as_array().unwrap().len(), 0);
    })
    .await;
}

/// `auth::Principal::can_edit_content` lets a store manager edit content, and `Change` keeps
/// what they change inside their stores: the pages offer the forms, and adding to a playlist
/// that plays in another store is refused whole.
#[tokio::test]
async fn a_store_manager_adds_within_their_stores() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let mine = store(&env, &auth, "Valiasr").await;
        let theirs = store(&env, &auth, "Tajrish").await;
        let local = empty_playlist(&env, &auth, "Local").await;
        let elsewhere = empty_playlist(&env, &auth, "Elsewhere").await;
        on_a_screen(&env, &auth, mine, local).await;
        on_a_screen(&env, &auth, theirs, elsewhere).await;
        let (media, _) = upload(&env, &mut client, "latte.png").await;
        let manager_auth = env
            .add_user(&auth, "manager@cafe.test", "store_manager", &[mine])
            .await;
        let mut manager = WebClient::login(&env, "manager@cafe.test").await;

        manager
            .get("/media")
            .await
            .assert_contains("Add to playlist")
            .assert_contains(&format!("action=\"/media/{media}/add\""));
        manager
            .get(&format!("/playlists/{local}"))
            .await
            .assert_contains(&format!("action=\"/playlists/{local}/duplicate\""));

        let added = manager
            .post_form(
                &format!("/media/{media}/add"),
                &[("playlist", &local.to_string()), ("seconds", "10")],
            )
            .await;
        added.assert_redirect(&format!("/playlists/{local}"));
        let playlist = get(&env, &manager_auth, &format!("/api/v1/playlists/{local}")).await;
        assert_eq!(playlist["entries"].as_array().unwrap().len(), 1);

        // The other store's screens are not theirs to change: refused, nothing made.
        let contents = list(&env, &auth, "/api/v1/content").await.len();
        let refused = manager
            .post_form(
                &format!("/media/{media}/add"),
                &[
                    ("playlist", &elsewhere.to_string()),
                    ("fit", "cover"),
                    ("seconds", "10"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        refused.assert_contains("Your role (store manager) does not allow this action.");
        assert_eq!(list(&env, &auth, "/api/v1/content").await.len(), contents);
        let playlist = get(&env, &auth, &format!("/api/v1/playlists/{elsewhere}")).await;
        assert_eq!(playlist["entries"].as_array().unwrap().len(), 0);
    })
    .await;
}

#[tokio::test]
async fn duplicates_are_equal_copies_under_a_new_name() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let mut texts = Vec::new();
        for name in ["Welcome", "Prices"] {
            texts.push(
                env.create(
                    &auth,
                    "/api/v1/content",
                    json!({"name": name, "type": "text", "title": name, "body": "…"}),
                )
                .await,
            );
        }
        let morning = env
            .create(
                &auth,
                "/api/v1/playlists",
                json!({"name": "Morning", "entries": [
                    {"content": texts[0], "duration_ms": 8000},
                    {"content": texts[1], "duration_ms": 12000,
                     "transition": {"type": "fade", "ms": 600}},
                ]}),
            )
            .await;
        let news = empty_playlist(&env, &auth, "News").await;
        let lobby = env
            .create(
                &auth,
                "/api/v1/layouts",
                json!({"name": "Lobby", "template": "main_ticker", "zones": [
                    {"zone": "main", "playlist": morning},
                    {"zone": "ticker", "playlist": news},
                ]}),
            )
            .await;

        client
            .get(&format!("/playlists/{morning}"))
            .await
            .assert_contains(&format!("action=\"/playlists/{morning}/duplicate\""));
        let answer = client
            .post_form(&format!("/playlists/{morning}/duplicate"), &[])
            .await;
        let playlists = list(&env, &auth, "/api/v1/playlists").await;
        let copy = playlists
            .iter()
            .find(|p| p["name"] == "Morning (copy)")
            .unwrap_or_else(|| panic!("no copy: {playlists:?}"));
        let copy_id = copy["id"].as_i64().unwrap();
        assert_ne!(copy_id, morning);
        answer.assert_redirect(&format!("/playlists/{copy_id}"));
        follow(&mut client, &answer)
            .await
            .assert_contains("Copy made: you are editing “Morning (copy)”.");
        let original = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        assert_eq!(copy["entries"], original["entries"]);
        assert_eq!(copy["entries"].as_array().unwrap().len(), 2);
        assert_eq!(original["name"], "Morning");
        // Names are unique, so the next copy is numbered.
        let again = client
            .post_form(&format!("/playlists/{morning}/duplicate"), &[])
            .await;
        follow(&mut client, &again)
            .await
            .assert_contains("Copy made: you are editing “Morning (copy 2)”.");

        client
            .get(&format!("/layouts/{lobby}"))
            .await
            .assert_contains(&format!("action=\"/layouts/{lobby}/duplicate\""));
        let answer = client
            .post_form(&format!("/layouts/{lobby}/duplicate"), &[])
            .await;
        let layouts = list(&env, &auth, "/api/v1/layouts").await;
        let copy = layouts
            .iter()
            .find(|l| l["name"] == "Lobby (copy)")
            .unwrap_or_else(|| panic!("no copy: {layouts:?}"));
        let copy_id = copy["id"].as_i64().unwrap();
        assert_ne!(copy_id, lobby);
        answer.assert_redirect(&format!("/layouts/{copy_id}"));
        let original = get(&env, &auth, &format!("/api/v1/layouts/{lobby}")).await;
        assert_eq!(copy["template"], original["template"]);
        assert_eq!(copy["zones"], original["zones"]);
        assert_eq!(copy["zones"].as_array().unwrap().len(), 2);

        // In Persian, the copy says so in Persian.
        client
            .post_form("/lang", &[("lang", "fa"), ("next", "/layouts")])
            .await
            .assert_redirect("/layouts");
        let answer = client
            .post_form(&format!("/layouts/{lobby}/duplicate"), &[])
            .await;
        follow(&mut client, &answer)
            .await
            .assert_contains("رونوشت ساخته شد: اکنون «Lobby (کپی)» را ویرایش می‌کنید.");
        let answer = client
            .post_form(&format!("/playlists/{morning}/duplicate"), &[])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let playlists = list(&env, &auth, "/api/v1/playlists").await;
        assert!(
            playlists.iter().any(|p| p["name"] == "Morning (کپی)"),
            "{playlists:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn lists_search_by_name_with_persian_letter_variants_alike() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        // The library stores names with Persian ی and ک; a search typed with the Arabic
        // letters (as some keyboards do) still finds them.
        for name in ["Morning", "Weekend", "کیک شکلاتی"] {
            empty_playlist(&env, &auth, name).await;
        }
        let first = list(&env, &auth, "/api/v1/playlists").await[0]["id"]
            .as_i64()
            .unwrap();
        for name in ["Lobby", "Window", "منوی ویژه"] {
            env.create(
                &auth,
                "/api/v1/layouts",
                json!({"name": name, "template": "fullscreen",
                       "zones": [{"zone": "main", "playlist": first}]}),
            )
            .await;
        }
        // Media names are kept as uploaded: here with the Arabic letters, found by Persian.
        upload(&env, &mut client, "latte.png").await;
        upload(&env, &mut client, "كيك.png").await;

        client
            .get("/playlists?q=MORN")
            .await
            .assert_contains(">Morning<")
            .assert_lacks(">Weekend<")
            .assert_contains("value=\"MORN\"");
        client
            .get(&format!("/playlists?q={}", encode("كيك")))
            .await
            .assert_contains("کیک شکلاتی")
            .assert_lacks(">Morning<")
            .assert_contains("value=\"كيك\"");
        client
            .get("/playlists?q=dinner")
            .await
            .assert_contains("No playlist matches “dinner”.");

        client
            .get("/layouts?q=win")
            .await
            .assert_contains(">Window<")
            .assert_lacks(">Lobby<");
        client
            .get(&format!("/layouts?q={}", encode("منوي")))
            .await
            .assert_contains("منوی ویژه")
            .assert_lacks(">Window<");
        client
            .get("/layouts?q=zzz")
            .await
            .assert_contains("No layout matches “zzz”.");

        client
            .get(&format!("/media?q={}", encode("کیک")))
            .await
            .assert_contains("كيك.png")
            .assert_lacks("latte.png");
        client
            .get("/media?q=LATTE&kind=image")
            .await
            .assert_contains("latte.png")
            .assert_lacks("كيك.png")
            .assert_contains("value=\"LATTE\"")
            .assert_contains("<option value=\"image\" selected>");
        client
            .get("/media?kind=video")
            .await
            .assert_contains("Nothing of this kind in the library.")
            .assert_lacks("latte.png");
        client
            .get("/media?q=dinner")
            .await
            .assert_contains("Nothing matches “dinner”.");
    })
    .await;
}

#[tokio::test]
async fn each_item_lists_what_uses_it_with_working_links() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let morning = empty_playlist(&env, &auth, "Morning").await;
        let lobby = env
            .create(
                &auth,
                "/api/v1/layouts",
                json!({"name": "Lobby", "template": "fullscreen",
                       "zones": [{"zone": "main", "playlist": morning}]}),
            )
            .await;
        let valiasr = store(&env, &auth, "Valiasr").await;
        let rule = env
            .create(
                &auth,
                "/api/v1/rules",
                json!({"name": "Breakfast", "target": {"type": "layout", "id": lobby},
                       "scope": {"stores": [valiasr]}, "priority": 5,
                       "when": {"window": {"type": "all_day"}}}),
            )
            .await;
        let (media, _) = upload(&env, &mut client, "latte.png").await;
        let (spare, _) = upload(&env, &mut client, "spare.png").await;
        client
            .post_form(
                &format!("/media/{media}/add"),
                &[("playlist", &morning.to_string()), ("seconds", "10")],
            )
            .await
            .assert_redirect(&format!("/playlists/{morning}"));
        let playlist = get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
        let content = playlist["entries"][0]["content"].as_i64().unwrap();

        // The picture: the item showing it and the playlist holding that item.
        client
            .get("/media")
            .await
            .assert_contains(&format!("href=\"/media/{media}\""));
        let page = client.get(&format!("/media/{media}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Where this is used")
            .assert_contains(&format!(
                "Item: <a href=\"/content/{content}\">latte.png</a>"
            ))
            .assert_contains(&format!(
                "Playlist: <a href=\"/playlists/{morning}\">Morning</a>"
            ));
        client
            .get(&format!("/media/{spare}"))
            .await
            .assert_contains("Not used anywhere yet: it can be deleted.");

        // The playlist: the layout playing it; the layout: the rule scheduling it.
        let page = client.get(&format!("/playlists/{morning}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Playlist: Morning")
            .assert_contains(&format!("Layout: <a href=\"/layouts/{lobby}\">Lobby</a>"));
        let page = client.get(&format!("/layouts/{lobby}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Layout: Lobby")
            .assert_contains(&format!(
                "Schedule rule: <a href=\"/schedule/rules/{rule}\">Breakfast</a>"
            ));
        let page = client.get(&format!("/schedule/rules/{rule}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Breakfast");
        let page = client.get(&format!("/content/{content}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("latte.png");

        // Deleting what is used is refused, and the page says so, still listing the users.
        let refused = client
            .post_form(&format!("/playlists/{morning}/delete"), &[])
            .await;
        refused.assert_redirect(&format!("/playlists/{morning}"));
        follow(&mut client, &refused)
            .await
            .assert_contains("Not deleted:")
            .assert_contains(&format!("href=\"/layouts/{lobby}\""));
        let refused = client
            .post_form(&format!("/media/{media}/delete"), &[])
            .await;
        follow(&mut client, &refused)
            .await
            .assert_contains("“latte.png” is still in use and was not deleted.");
        get(&env, &auth, &format!("/api/v1/playlists/{morning}")).await;
    })
    .await;
}

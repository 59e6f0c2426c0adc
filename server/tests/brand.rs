//! Brand kits on SQLite and PostgreSQL: the organization's kit reaches every screen's
//! manifest, a store overrides it and follows it again, a change bumps exactly the screens
//! that draw with it, pictures are completed from the library and refused (with their field,
//! nothing saved) when unknown, not pictures or too large, a kit's pictures cannot be deleted
//! from the library, pale colours are warned about, another tenant's store is 404, and the
//! admin page saves, keeps what was typed on an error and previews the draft kit.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend, field_codes};
use serde_json::{Value, json};
use vitrin_server::db::sql;
use web_support::*;

const OWNER: &str = "owner@brand.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

async fn manifest(env: &TestEnv, auth: &Auth, screen: i64) -> Value {
    let (status, body) = env
        .get(auth, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// A library row without a blob: enough for the checks, which read the library's facts.
async fn library_row(
    env: &TestEnv,
    org: i64,
    sha: &str,
    kind: &str,
    mime: &str,
    size: i64,
    side: i64,
) {
    sql(
        "INSERT INTO blobs (sha256, size, mime, created_at) VALUES ($1, $2, $3, 0) \
         ON CONFLICT DO NOTHING",
    )
    .bind(sha)
    .bind(size)
    .bind(mime)
    .execute(&env.state.db)
    .await
    .unwrap();
    sql(
        "INSERT INTO media (org_id, sha256, name, kind, mime, size, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0)",
    )
    .bind(org)
    .bind(sha)
    .bind(format!("{kind}-{size}"))
    .bind(kind)
    .bind(mime)
    .bind(size)
    .bind(side)
    .execute(&env.state.db)
    .await
    .unwrap();
}

async fn org_of(env: &TestEnv, email: &str) -> i64 {
    sql("SELECT org_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_i64(&env.state.db)
        .await
        .unwrap()
}

fn kit(background: &str, text: &str) -> Value {
    json!({"background": background, "surface": "#222833", "text": text,
           "muted": "#9aa3af", "accent": "#f2b134", "typeface": "sahel"})
}

#[tokio::test]
async fn kits_reach_the_screens_and_bad_pictures_change_nothing() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let org = org_of(&env, OWNER).await;
        let tajrish = env
            .create(&auth, "/api/v1/stores", json!({"name": "Tajrish", "timezone": "Asia/Tehran"}))
            .await;
        let vanak = env
            .create(&auth, "/api/v1/stores", json!({"name": "Vanak", "timezone": "Asia/Tehran"}))
            .await;
        let counter = env
            .create(&auth, "/api/v1/screens", json!({"store_id": tajrish, "name": "Counter"}))
            .await;
        let window = env
            .create(&auth, "/api/v1/screens", json!({"store_id": vanak, "name": "Window"}))
            .await;

        // Nothing set: the built-in kit, no warnings.
        let (status, body) = env.get(&auth, "/api/v1/brand").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["own"], Value::Null);
        assert_eq!(body["kit"]["background"], "#161a22");
        assert_eq!(body["contrast_warnings"], json!([]));
        assert_eq!(manifest(&env, &auth, counter).await["screen"]["brand"]["typeface"], "vazirmatn");

        // A logo uploaded to the library: the kit carries the library's facts.
        let upload = owner
            .post_file("/api/v1/media", "file", "logo.png", &png(64, 32))
            .await;
        assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.html);
        let logo: Value = serde_json::from_str(&upload.html).unwrap();
        let logo_sha = logo["sha256"].as_str().unwrap().to_owned();

        // The organization's kit reaches both stores' screens, and bumps them.
        let before = (
            env.manifest_version(&auth, counter).await,
            env.manifest_version(&auth, window).await,
        );
        let mut org_kit = kit("#fdf6e3", "#1b1b1b");
        org_kit["logo"] = json!({"sha256": logo_sha, "size": 1, "mime": "image/gif"});
        let (status, body) = env.put(&auth, "/api/v1/brand", org_kit).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["own"]["background"], "#fdf6e3");
        assert_eq!(body["kit"]["logo"]["mime"], "image/png", "completed from the library");
        assert_eq!(body["kit"]["logo"]["width"], 64);
        assert_eq!(body["kit"]["logo"]["size"], logo["size"]);
        assert!(env.manifest_version(&auth, counter).await > before.0);
        assert!(env.manifest_version(&auth, window).await > before.1);
        for screen in [counter, window] {
            let m = manifest(&env, &auth, screen).await;
            assert_eq!(m["screen"]["brand"]["background"], "#fdf6e3", "{m}");
            assert_eq!(m["screen"]["brand"]["typeface"], "sahel");
            assert_eq!(m["screen"]["brand"]["logo"]["sha256"], logo_sha.as_str());
        }
        // Setting the same kit again bumps nobody.
        let version = env.manifest_version(&auth, counter).await;
        let (status, _) = env.put(&auth, "/api/v1/brand", body["own"].clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(env.manifest_version(&auth, counter).await, version);

        // The logo is in use: the library will not delete it.
        let (status, problem) = env
            .delete(&auth, &format!("/api/v1/media/{}", logo["id"]))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");

        // Vanak has a kit of its own; its screen follows it, Tajrish's keeps the organization's.
        let counter_version = env.manifest_version(&auth, counter).await;
        let window_version = env.manifest_version(&auth, window).await;
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{vanak}/brand"), kit("#101820", "#ffffff"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["own"]["background"], "#101820");
        assert_eq!(body["kit"]["background"], "#101820");
        assert_eq!(manifest(&env, &auth, window).await["screen"]["brand"]["background"], "#101820");
        assert!(env.manifest_version(&auth, window).await > window_version);
        assert_eq!(env.manifest_version(&auth, counter).await, counter_version, "Tajrish untouched");
        let (_, tajrish_kit) = env.get(&auth, &format!("/api/v1/stores/{tajrish}/brand")).await;
        assert_eq!(tajrish_kit["own"], Value::Null);
        assert_eq!(tajrish_kit["kit"]["background"], "#fdf6e3", "follows the organization");

        // Back to the organization's (DELETE, like PUT null).
        let (status, body) = env
            .delete(&auth, &format!("/api/v1/stores/{vanak}/brand"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["own"], Value::Null);
        assert_eq!(manifest(&env, &auth, window).await["screen"]["brand"]["background"], "#fdf6e3");
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{vanak}/brand"), Value::Null)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Bad pictures: each named on its field, nothing saved, no manifest changed.
        let video = "1".repeat(64);
        let huge = "2".repeat(64);
        let wide = "3".repeat(64);
        let background = "4".repeat(64);
        library_row(&env, org, &video, "video", "video/mp4", 1000, 640).await;
        library_row(&env, org, &huge, "image", "image/png", 3 * 1024 * 1024, 512).await;
        library_row(&env, org, &wide, "image", "image/png", 1000, 5000).await;
        library_row(&env, org, &background, "image", "image/jpeg", 11 * 1024 * 1024, 3840).await;
        let saved = env.get(&auth, "/api/v1/brand").await.1;
        let version = env.manifest_version(&auth, counter).await;
        for (logo, field, code) in [
            (video.as_str(), "logo", "not_an_image"),
            (huge.as_str(), "logo", "too_large"),
            (wide.as_str(), "logo", "too_large"),
            (&"5".repeat(64), "logo.sha256", "unknown_media"),
            ("not-a-sha", "logo.sha256", "invalid"),
        ] {
            let mut bad = kit("#ffffff", "#000000");
            bad["logo"] = json!({"sha256": logo, "size": 1, "mime": ""});
            let (status, problem) = env.put(&auth, "/api/v1/brand", bad.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{logo}: {problem}");
            assert_eq!(field_codes(&problem, field), [code], "{logo}: {problem}");
            let (status, problem) = env
                .put(&auth, &format!("/api/v1/stores/{tajrish}/brand"), bad)
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
            assert_eq!(field_codes(&problem, field), [code]);
        }
        let mut bad = kit("#ffffff", "#000000");
        bad["background_image"] = json!({"sha256": background, "size": 1, "mime": ""});
        let (status, problem) = env.put(&auth, "/api/v1/brand", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "background_image"), ["too_large"], "{problem}");
        let (status, problem) = env
            .put(&auth, "/api/v1/brand", json!({"background": "red"}))
            .await;
        assert!(status.is_client_error(), "{status} {problem}");
        assert_eq!(env.get(&auth, "/api/v1/brand").await.1, saved, "nothing saved");
        assert_eq!(env.manifest_version(&auth, counter).await, version);
        let (_, tajrish_kit) = env.get(&auth, &format!("/api/v1/stores/{tajrish}/brand")).await;
        assert_eq!(tajrish_kit["own"], Value::Null);

        // A large background within its limits is fine; the old logo is free again.
        let mut with_background = kit("#101820", "#ffffff");
        library_row(&env, org, &"6".repeat(64), "image", "image/jpeg", 6 * 1024 * 1024, 7680).await;
        with_background["background_image"] = json!({"sha256": "6".repeat(64)});
        let (status, body) = env.put(&auth, "/api/v1/brand", with_background).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["kit"]["background_image"]["height"], 7680);
        let (status, problem) = env
            .delete(&auth, &format!("/api/v1/media/{}", logo["id"]))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{problem}");

        // Pale colours: warnings, and saved anyway.
        let (status, body) = env
            .put(&auth, "/api/v1/brand", json!({"background": "#ffffff", "surface": "#f4f4f4",
                                                 "text": "#eeee00", "muted": "#333333", "accent": "#222222"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let warnings = body["contrast_warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 2, "{body}");
        assert!(warnings.iter().all(|w| w["field"] == "text"), "{body}");
        assert!(warnings.iter().any(|w| w["against"] == "background"));
        assert!(warnings[0]["ratio"].as_f64().unwrap() < 3.0);
    })
    .await;
}

#[tokio::test]
async fn stores_follow_roles_and_tenants() {
    each_backend(|env| async move {
        let owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let mine = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Mine", "timezone": "UTC"}),
            )
            .await;
        let other = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Other", "timezone": "UTC"}),
            )
            .await;
        let manager = env
            .add_user(&auth, "m@brand.test", "store_manager", &[mine])
            .await;
        let editor = env.add_user(&auth, "e@brand.test", "editor", &[]).await;
        let foreign = env.add_org("Other org", "b@brand.test").await;

        let body = kit("#000000", "#ffffff");
        // A store manager: their store yes, another store invisible, the organization's no.
        let (status, _) = env
            .put(
                &manager,
                &format!("/api/v1/stores/{mine}/brand"),
                body.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = env
            .put(
                &manager,
                &format!("/api/v1/stores/{other}/brand"),
                body.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = env.put(&manager, "/api/v1/brand", body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env.get(&manager, "/api/v1/brand").await;
        assert_eq!(status, StatusCode::OK);
        // An editor reads, and writes nothing.
        let (status, _) = env
            .put(
                &editor,
                &format!("/api/v1/stores/{other}/brand"),
                body.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env
            .get(&editor, &format!("/api/v1/stores/{other}/brand"))
            .await;
        assert_eq!(status, StatusCode::OK);
        // Another organization: 404 whatever the method.
        for (status, _) in [
            env.get(&foreign, &format!("/api/v1/stores/{mine}/brand"))
                .await,
            env.put(
                &foreign,
                &format!("/api/v1/stores/{mine}/brand"),
                body.clone(),
            )
            .await,
            env.delete(&foreign, &format!("/api/v1/stores/{mine}/brand"))
                .await,
        ] {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        // Its own organization's kit is its own.
        let (status, b) = env.get(&foreign, "/api/v1/brand").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(b["own"], Value::Null);
        // Pictures of another tenant's library are unknown here.
        let sha = "7".repeat(64);
        let b_org = org_of(&env, "b@brand.test").await;
        library_row(&env, b_org, &sha, "image", "image/png", 100, 10).await;
        let mut with_logo = body.clone();
        with_logo["logo"] = json!({"sha256": sha});
        let (status, problem) = env.put(&auth, "/api/v1/brand", with_logo).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "logo.sha256"), ["unknown_media"]);
        // A store deleted with a kit of its own leaves no reference behind.
        let gone = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Gone", "timezone": "UTC"}),
            )
            .await;
        let (status, _) = env
            .put(&auth, &format!("/api/v1/stores/{gone}/brand"), body.clone())
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = env.delete(&auth, &format!("/api/v1/stores/{gone}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}

#[tokio::test]
async fn the_preview_draws_a_menu_with_the_draft_kit() {
    each_backend(|env| async move {
        let owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        // No menu yet: the sample menu, with the draft's colours over the saved kit.
        let (status, m) = env
            .get(&auth, "/api/v1/brand/preview/0?preview=brand:0&background=%23ffffff&typeface=parastoo&text=nonsense")
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
        assert_eq!(m["screen"]["brand"]["background"], "#ffffff");
        assert_eq!(m["screen"]["brand"]["typeface"], "parastoo");
        assert_eq!(m["screen"]["brand"]["text"], "#f4f1ea", "a colour that does not parse keeps the saved one");
        assert_eq!(m["content"][0]["type"], "menu_board", "{m}");
        assert_eq!(m["layouts"][0]["zones"][0]["playlist"], m["playlists"][0]["id"]);
        // The organization's first menu once it has one; an unknown picture is left out.
        let menu = env
            .create(&auth, "/api/v1/content", json!({"name": "Breakfast", "type": "menu_board",
                "menu": {"title": "صبحانه", "categories": [{"name": "Eggs", "items": [{"name": "Omelette", "price": 90000}]}]}}))
            .await;
        let (status, m) = env
            .get(&auth, &format!("/api/v1/brand/preview/0?logo={}", "8".repeat(64)))
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
        assert_eq!(m["content"][0]["id"], menu);
        assert_eq!(m["screen"]["brand"].get("logo"), None, "{m}");
        let (status, _) = env.get(&auth, &format!("/api/v1/brand/preview/{menu}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = env.get(&auth, "/api/v1/brand/preview/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Content previews draw with the organization's kit too.
        let (status, _) = env.put(&auth, "/api/v1/brand", kit("#123456", "#ffffff")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, m) = env.get(&auth, &format!("/api/v1/content/{menu}/preview")).await;
        assert_eq!(m["screen"]["brand"]["background"], "#123456", "{m}");
    })
    .await;
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn the_brand_page_saves_keeps_typed_values_and_warns() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let store = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
            )
            .await;
        let page = owner.get("/brand").await;
        page.assert_contains("Brand kit")
            .assert_contains("href=\"/brand\"")
            .assert_contains("منوی امروز · Today")
            .assert_contains("/play/?preview=brand:0&#38;background=%23161a22")
            .assert_contains("Sahel.ttf")
            .assert_contains(&format!("/stores/{store}/brand"));

        let form = |background: &str, text: &str, logo: &str| {
            vec![
                ("action".to_owned(), "save".to_owned()),
                ("background".to_owned(), background.to_owned()),
                ("background_picker".to_owned(), "#161a22".to_owned()),
                ("background_was".to_owned(), "#161a22".to_owned()),
                ("surface".to_owned(), "#222833".to_owned()),
                ("text".to_owned(), text.to_owned()),
                ("muted".to_owned(), "#9aa3af".to_owned()),
                ("accent".to_owned(), "#f2b134".to_owned()),
                ("typeface".to_owned(), "parastoo".to_owned()),
                ("logo".to_owned(), logo.to_owned()),
                ("background_image".to_owned(), String::new()),
            ]
        };
        // A bad colour and an unknown logo: each on its field, what was typed kept.
        let bad = form("#12", "#ffffff", &"9".repeat(64));
        let answer = owner.post_form("/brand", &pairs(&bad)).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.html
        );
        answer
            .assert_contains("value=\"#12\"")
            .assert_contains("Use a colour such as #f2b134.");
        let bad = form("#ffffff", "#000000", &"9".repeat(64));
        let answer = owner.post_form("/brand", &pairs(&bad)).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.html
        );
        answer
            .assert_contains("no media with this sha256 in your library")
            .assert_contains("id=\"f-typeface-parastoo\" value=\"parastoo\" checked");
        assert_eq!(env.get(&auth, "/api/v1/brand").await.1["own"], Value::Null);

        // Saved: a pale text colour is warned about on the page.
        let good = form("#ffffff", "#eeee00", "");
        owner
            .post_form("/brand", &pairs(&good))
            .await
            .assert_redirect("/brand");
        let page = owner.get("/brand").await;
        page.assert_contains("Brand kit saved.")
            .assert_contains("value=\"#ffffff\"")
            .assert_contains("Hard to read on the Background colour");
        let (_, saved) = env.get(&auth, "/api/v1/brand").await;
        assert_eq!(saved["own"]["typeface"], "parastoo");
        // Without the page's script, a colour changed in the picker only is what counts.
        let mut picked = form("#ffffff", "#000000", "");
        picked[2].1 = "#0000ff".into(); // background_picker
        picked[3].1 = "#ffffff".into(); // background_was
        owner
            .post_form("/brand", &pairs(&picked))
            .await
            .assert_redirect("/brand");
        let (_, saved) = env.get(&auth, "/api/v1/brand").await;
        assert_eq!(saved["own"]["background"], "#0000ff");

        // A store's page: its own kit, then following again.
        let mut own = form("#101010", "#ffffff", "");
        own.push(("mode".into(), "own".into()));
        let path = format!("/stores/{store}/brand");
        owner
            .post_form(&path, &pairs(&own))
            .await
            .assert_redirect(&path);
        let (_, store_kit) = env
            .get(&auth, &format!("/api/v1/stores/{store}/brand"))
            .await;
        assert_eq!(store_kit["own"]["background"], "#101010");
        owner
            .get(&path)
            .await
            .assert_contains("Brand kit of Tajrish")
            .assert_contains("value=\"own\" id=\"f-mode-own\" checked");
        let mut follow = form("#101010", "#ffffff", "");
        follow.push(("mode".into(), "follow".into()));
        owner
            .post_form(&path, &pairs(&follow))
            .await
            .assert_redirect(&path);
        let (_, store_kit) = env
            .get(&auth, &format!("/api/v1/stores/{store}/brand"))
            .await;
        assert_eq!(store_kit["own"], Value::Null);

        // In Persian.
        let mut fa = WebClient::login(&env, OWNER).await;
        fa.post_form("/lang", &[("lang", "fa")]).await;
        fa.get("/brand")
            .await
            .assert_contains("هویت بصری")
            .assert_contains("پرستو");
    })
    .await;
}

//! The browser admin's pages, in process, on SQLite and PostgreSQL: setup and login with
//! `next`, an expired session returning to the same page, forms keeping what was typed, the
//! 403 page for a role, another tenant's objects as 404, refused uploads, media in use,
//! pairing by code, and Persian pages (rtl, Persian digits, Solar Hijri dates).

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, PASSWORD, TestEnv, each_backend};
use serde_json::json;
use web_support::{WebClient, png};

/// The API credentials of a page client (same session cookie).
fn api_auth(client: &WebClient) -> Auth {
    Auth::Cookie(format!(
        "vitrin_session={}",
        client.cookie("vitrin_session").expect("signed in")
    ))
}

#[tokio::test]
async fn setup_first_then_login_returns_to_the_requested_page() {
    each_backend(|env| async move {
        let mut visitor = WebClient::new(&env);
        // An empty server sends everyone to the setup.
        visitor.get("/").await.assert_redirect("/setup");
        visitor.get("/login").await.assert_redirect("/setup");
        visitor
            .get("/setup")
            .await
            .assert_contains("<form method=\"post\" action=\"/setup\"");

        let owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let mut owner2 = owner.clone();
        owner2
            .get("/dashboard")
            .await
            .assert_contains("Welcome to Vitrin, Café Vitrin!")
            .assert_contains("Dashboard");
        // Setup happens once.
        visitor.get("/setup").await.assert_redirect("/login");

        // A page asked for without a session: to the login, and back after it.
        let mut anonymous = WebClient::new(&env);
        let answer = anonymous.get("/media?q=latte").await;
        answer.assert_redirect("/login?next=/media%3Fq%3Dlatte");
        anonymous
            .get("/login?next=/media%3Fq%3Dlatte")
            .await
            .assert_contains("name=\"next\" value=\"/media?q=latte\"");
        let wrong = anonymous
            .post_form(
                "/login",
                &[
                    ("email", "owner@cafe.ir"),
                    ("password", "not it at all"),
                    ("next", "/media?q=latte"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        wrong
            .assert_contains("Wrong e-mail or password.")
            .assert_contains("value=\"owner@cafe.ir\"")
            .assert_contains("value=\"/media?q=latte\"");
        anonymous
            .post_form(
                "/login",
                &[
                    ("email", "owner@cafe.ir"),
                    ("password", PASSWORD),
                    ("next", "/media?q=latte"),
                ],
            )
            .await
            .assert_redirect("/media?q=latte");
        assert_eq!(anonymous.get("/media?q=latte").await.status, StatusCode::OK);
        // Another site is never a place to return to.
        anonymous
            .post_form(
                "/login",
                &[
                    ("email", "owner@cafe.ir"),
                    ("password", PASSWORD),
                    ("next", "//evil.example/x"),
                ],
            )
            .await
            .assert_redirect("/");

        // Logging out ends the session.
        anonymous
            .post_form("/logout", &[])
            .await
            .assert_redirect("/login");
        anonymous
            .get("/dashboard")
            .await
            .assert_redirect("/login?next=/dashboard");
    })
    .await;
}

#[tokio::test]
async fn an_expired_session_goes_through_the_login_back_to_the_same_page() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        assert_eq!(owner.get("/screens").await.status, StatusCode::OK);
        vitrin_server::db::sql("UPDATE sessions SET expires_at = 0")
            .execute(&env.state.db)
            .await
            .unwrap();
        owner
            .get("/screens")
            .await
            .assert_redirect("/login?next=/screens");
        // A form posted after expiry returns to the page the form was on.
        owner
            .post_form_with(
                "/screens/pair",
                &[("code", "ABC123"), ("name", "Counter")],
                &[("referer", "http://vitrin.test/pair?code=ABC123")],
            )
            .await
            .assert_redirect("/login?next=/pair%3Fcode%3DABC123");
        owner
            .post_form(
                "/login",
                &[
                    ("email", "owner@cafe.ir"),
                    ("password", PASSWORD),
                    ("next", "/pair?code=ABC123"),
                ],
            )
            .await
            .assert_redirect("/pair?code=ABC123");
        owner
            .get("/pair?code=ABC123")
            .await
            .assert_contains("Pair a screen")
            .assert_contains("value=\"ABC123\"");
    })
    .await;
}

#[tokio::test]
async fn invalid_forms_show_errors_in_place_and_keep_what_was_typed() {
    each_backend(|env| async move {
        let mut visitor = WebClient::new(&env);
        let answer = visitor
            .post_form(
                "/setup",
                &[
                    ("organization", "Café Vitrin"),
                    ("name", "Ali"),
                    ("email", "ali-at-cafe"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("value=\"Café Vitrin\"")
            .assert_contains("value=\"Ali\"")
            .assert_contains("value=\"ali-at-cafe\"")
            .assert_contains("id=\"f-email-error\">enter an e-mail address like name@example.com")
            .assert_contains("id=\"f-password-error\">use at least 10 characters")
            .assert_contains("aria-invalid=\"true\"");
        // Nothing was created: setup is still open.
        visitor.get("/login").await.assert_redirect("/setup");

        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let answer = owner
            .post_form(
                "/users",
                &[
                    ("name", "Sara"),
                    ("email", "sara@cafe.ir"),
                    ("role", "store_manager"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("value=\"Sara\"")
            .assert_contains("value=\"sara@cafe.ir\"")
            .assert_contains("a store manager manages at least one store")
            .assert_contains("value=\"store_manager\" selected");

        // A wrong pairing code is marked on its field; the name stays.
        let answer = owner
            .post_form(
                "/screens/pair",
                &[
                    ("code", "ZZZZZZ"),
                    ("name", "Counter"),
                    ("new_store", "Valiasr"),
                    ("timezone", "Asia/Tehran"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("id=\"f-code-error\">No screen shows this code.")
            .assert_contains("value=\"ZZZZZZ\"")
            .assert_contains("value=\"Counter\"");
        // The store was made on the way and is now chosen, not made twice.
        let answer = owner
            .post_form(
                "/screens/pair",
                &[
                    ("code", "ZZZZZZ"),
                    ("name", "Counter"),
                    ("new_store", "Tajrish"),
                    ("timezone", "Mars/Olympus"),
                ],
            )
            .await;
        answer
            .assert_contains("value=\"Mars/Olympus\"")
            .assert_contains("is not an IANA timezone");

        // Own password: the wrong current one and a mismatch are both shown.
        let answer = owner
            .post_form(
                "/account/password",
                &[
                    ("current", "not my password"),
                    ("new", "another long password"),
                    ("confirm", "different"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("This is not your current password.")
            .assert_contains("The two new passwords differ.");
    })
    .await;
}

#[tokio::test]
async fn an_action_the_role_does_not_allow_shows_a_clear_403_page() {
    each_backend(|env| async move {
        let owner = WebClient::setup(&env, "owner@cafe.ir").await;
        env.add_user(&api_auth(&owner), "viewer@cafe.ir", "viewer", &[])
            .await;
        let mut viewer = WebClient::login(&env, "viewer@cafe.ir").await;
        let answer = viewer.get("/users").await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        answer
            .assert_contains("<h1>Not allowed</h1>")
            .assert_contains("Your role (viewer) does not allow this action.");
        let answer = viewer
            .post_file("/media", "file", "menu.png", &png(32, 16))
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        answer.assert_contains("Your role (viewer) does not allow this action.");
        // Nothing was added.
        let (_, media) = env.get(&api_auth(&owner), "/api/v1/media").await;
        assert_eq!(media.as_array().unwrap().len(), 0);
        // The pages a viewer may see still work, without the owner's menu item.
        viewer
            .get("/dashboard")
            .await
            .assert_lacks("href=\"/users\"");
    })
    .await;
}

#[tokio::test]
async fn another_organizations_objects_are_not_found() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let auth = api_auth(&owner);
        let store = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen = env
            .create(
                &auth,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Counter"}),
            )
            .await;
        owner
            .post_file("/media", "file", "menu.png", &png(32, 16))
            .await
            .assert_redirect("/media");
        let (_, media) = env.get(&auth, "/api/v1/media").await;
        let media = media[0]["id"].as_i64().unwrap();

        let other = env.add_org("Other café", "boss@other.ir").await;
        let Auth::Cookie(cookie) = other else {
            panic!()
        };
        let mut stranger = WebClient::new(&env);
        stranger.set_cookie("vitrin_session", cookie.split_once('=').unwrap().1);
        for path in [format!("/screens/{screen}"), "/screens/999999".to_owned()] {
            let answer = stranger.get(&path).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
            answer.assert_contains("<h1>Not found</h1>");
        }
        let answer = stranger
            .post_form(&format!("/media/{media}/delete"), &[])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let answer = stranger
            .post_form(&format!("/screens/{screen}/revoke"), &[])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        // Still there for its owner.
        owner.get("/media").await.assert_contains("menu.png");
        // Unknown pages are a page too; unknown API paths a problem, as every API error is.
        let answer = stranger.get("/no/such/page").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        answer.assert_contains("<h1>Not found</h1>");
        let answer = stranger.get("/api/v1/nothing").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        answer.assert_contains("\"type\":\"not_found\"");
    })
    .await;
}

#[tokio::test]
async fn refused_uploads_say_why_and_lose_nothing() {
    each_backend(|env| async move {
        // A server with a 1 MiB upload limit.
        let mut config = (*env.state.config).clone();
        config.max_upload_bytes = 1024 * 1024;
        let state = env.state.with_config(config);
        let app = vitrin_server::build_app(state);

        let owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let mut owner = owner.with_app(app);
        owner
            .post_file("/media", "file", "latte.png", &png(64, 32))
            .await
            .assert_redirect("/media");
        owner
            .get("/media")
            .await
            .assert_contains("“latte.png” was added to the library.")
            .assert_contains("latte.png");

        let too_large = vec![0x89u8; 2 * 1024 * 1024];
        let answer = owner
            .post_file("/media", "file", "huge.png", &too_large)
            .await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        answer
            .assert_contains("This file is too large: the limit is 1 MB. Nothing was uploaded.")
            .assert_contains("latte.png")
            .assert_lacks("huge.png");

        let answer = owner
            .post_file(
                "/media",
                "file",
                "notes.txt",
                b"just some text, not an image",
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        answer
            .assert_contains("This file type is not supported.")
            .assert_contains("latte.png");
        let (_, media) = env.get(&api_auth(&owner), "/api/v1/media").await;
        assert_eq!(media.as_array().unwrap().len(), 1, "{media}");
    })
    .await;
}

#[tokio::test]
async fn media_in_use_shows_where_and_cannot_be_deleted() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let auth = api_auth(&owner);
        owner
            .post_file("/media", "file", "breakfast.png", &png(64, 32))
            .await
            .assert_redirect("/media");
        owner
            .post_file("/media", "file", "spare.png", &png(32, 64))
            .await
            .assert_redirect("/media");
        let (_, media) = env.get(&auth, "/api/v1/media").await;
        let by_name = |name: &str| {
            media
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["name"] == name)
                .unwrap()
                .clone()
        };
        let used = by_name("breakfast.png");
        let spare = by_name("spare.png")["id"].as_i64().unwrap();
        let content = env
            .create(
                &auth,
                "/api/v1/content",
                json!({"name": "Breakfast", "type": "image", "media": {"sha256": used["sha256"]}}),
            )
            .await;
        for name in ["Morning", "Weekend"] {
            env.create(
                &auth,
                "/api/v1/playlists",
                json!({"name": name, "entries": [{"content": content, "duration_ms": 8000}]}),
            )
            .await;
        }
        let page = owner.get("/media").await;
        page.assert_contains("Used in 2 playlists")
            .assert_contains("Not used yet");
        // Search by name.
        owner
            .get("/media?q=SPARE")
            .await
            .assert_contains("spare.png")
            .assert_lacks("breakfast.png");
        owner
            .get("/media?q=dinner")
            .await
            .assert_contains("Nothing matches “dinner”.");

        let used_id = used["id"].as_i64().unwrap();
        owner
            .post_form(&format!("/media/{used_id}/delete"), &[])
            .await
            .assert_redirect("/media");
        owner
            .get("/media")
            .await
            .assert_contains("“breakfast.png” is still in use and was not deleted.")
            .assert_contains("breakfast.png");
        owner
            .post_form(&format!("/media/{spare}/delete"), &[])
            .await
            .assert_redirect("/media");
        owner
            .get("/media")
            .await
            .assert_contains("“spare.png” was deleted.")
            .assert_lacks("<h3>spare.png</h3>");
    })
    .await;
}

/// A player asks for a pairing code, as `vitrin-player` does.
async fn pairing_code(env: &TestEnv) -> String {
    let (status, started) = env
        .post(&Auth::None, "/api/player/v1/pair", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    started["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_screen_is_paired_by_its_code_then_set_up_and_revoked() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let auth = api_auth(&owner);
        let code = pairing_code(&env).await;
        let answer = owner
            .post_form(
                "/screens/pair",
                &[
                    ("code", &code.to_lowercase()),
                    ("name", "Counter"),
                    ("new_store", "Valiasr"),
                    ("timezone", "Asia/Tehran"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
        let location = answer.location.clone().unwrap();
        let id: i64 = location.strip_prefix("/screens/").unwrap().parse().unwrap();
        owner
            .get(&location)
            .await
            .assert_contains("“Counter” is paired.")
            .assert_contains("not paired")
            .assert_contains("value=\"Asia/Tehran\"");
        let (_, screen) = env.get(&auth, &format!("/api/v1/screens/{id}")).await;
        assert_eq!(screen["name"], "Counter");

        // The same code cannot be used twice.
        let answer = owner
            .post_form(
                "/screens/pair",
                &[
                    ("code", &code),
                    ("name", "Again"),
                    ("store_id", &screen["store_id"].to_string()),
                ],
            )
            .await;
        answer.assert_contains("This code was already used to pair a screen.");

        // Settings: name, tags, group, orientation, time zone of the store.
        let group = env
            .create(&auth, "/api/v1/groups", json!({"name": "Menu walls"}))
            .await;
        let store = screen["store_id"].to_string();
        let group_id = group.to_string();
        owner
            .post_form(
                &location,
                &[
                    ("name", "Counter left"),
                    ("store_id", &store),
                    ("timezone", "Asia/Dubai"),
                    ("tags", "drive-thru, menu"),
                    ("group", &group_id),
                    ("orientation", "portrait"),
                    ("default_layout_id", ""),
                ],
            )
            .await
            .assert_redirect(&location);
        let (_, screen) = env.get(&auth, &format!("/api/v1/screens/{id}")).await;
        assert_eq!(screen["name"], "Counter left");
        assert_eq!(screen["orientation"], "portrait");
        assert_eq!(screen["tags"], json!(["drive-thru", "menu"]));
        assert_eq!(screen["groups"], json!([group]));
        let (_, store_row) = env.get(&auth, &format!("/api/v1/stores/{store}")).await;
        assert_eq!(store_row["timezone"], "Asia/Dubai");
        // A bad value keeps everything typed.
        let answer = owner
            .post_form(
                &location,
                &[
                    ("name", ""),
                    ("store_id", &store),
                    ("timezone", "Asia/Dubai"),
                    ("tags", "kept-tag"),
                    ("orientation", "portrait"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("a name is required")
            .assert_contains("value=\"kept-tag\"");

        // Screen, store and groups are saved together: a refusal at the last step (the groups)
        // leaves the name and the store's time zone as they were, too.
        let unchanged = async || {
            let (_, screen) = env.get(&auth, &format!("/api/v1/screens/{id}")).await;
            let (_, store_row) = env.get(&auth, &format!("/api/v1/stores/{store}")).await;
            assert_eq!(screen["name"], "Counter left");
            assert_eq!(screen["groups"], json!([group]));
            assert_eq!(store_row["timezone"], "Asia/Dubai");
        };
        let renamed_into = |group: &'static str| {
            [
                ("name", "Renamed"),
                ("store_id", store.as_str()),
                ("timezone", "Asia/Tehran"),
                ("group", group),
                ("orientation", "portrait"),
            ]
        };
        let answer = owner.post_form(&location, &renamed_into("999999")).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.html
        );
        answer.assert_contains("value=\"Renamed\"");
        unchanged().await;
        // A store manager may rename the screen but not change its groups (they span
        // stores): the whole save is refused.
        env.add_user(
            &auth,
            "manager@cafe.test",
            "store_manager",
            &[screen["store_id"].as_i64().unwrap()],
        )
        .await;
        let mut manager = WebClient::login(&env, "manager@cafe.test").await;
        let answer = manager.post_form(&location, &renamed_into("")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.html);
        unchanged().await;

        // Remote commands reach the screen's event queue.
        for command in ["refresh", "screenshot", "identify"] {
            owner
                .post_form(&format!("{location}/command"), &[("command", command)])
                .await
                .assert_redirect(&location);
        }
        let (_, sent) = env
            .get(&auth, &format!("/api/v1/screens/{id}/commands"))
            .await;
        assert_eq!(sent.as_array().unwrap().len(), 3, "{sent}");

        owner
            .post_form(&format!("{location}/revoke"), &[])
            .await
            .assert_redirect(&location);
        owner
            .get(&location)
            .await
            .assert_contains("“Counter left” was unpaired.");
        let (_, screen) = env.get(&auth, &format!("/api/v1/screens/{id}")).await;
        assert_eq!(screen["paired"], false);
    })
    .await;
}

#[tokio::test]
async fn persian_pages_are_right_to_left_with_persian_digits_and_dates() {
    each_backend(|env| async move {
        let mut visitor = WebClient::new(&env);
        visitor.accept_language = Some("fa-IR,fa;q=0.9,en;q=0.5".into());
        let setup = visitor.get("/setup").await;
        setup
            .assert_contains("<html lang=\"fa\" dir=\"rtl\">")
            .assert_contains("راه‌اندازی ویترین");

        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        // English by the browser; the switcher makes Persian the account's setting.
        owner
            .get("/dashboard")
            .await
            .assert_contains("<html lang=\"en\" dir=\"ltr\">");
        owner
            .post_form("/lang", &[("lang", "fa"), ("next", "/media")])
            .await
            .assert_redirect("/media");
        owner
            .post_file("/media", "file", "منو.png", &png(64, 32))
            .await
            .assert_redirect("/media");
        let media = owner.get("/media").await;
        let year = vitrin_shared::calendar::to_jalali(jiff::Zoned::now().date()).year;
        media
            .assert_contains("<html lang=\"fa\" dir=\"rtl\">")
            .assert_contains("«منو.png» به کتابخانه افزوده شد.")
            // 64×32, the upload limit and the Solar Hijri year in Persian digits.
            .assert_contains("۶۴×۳۲")
            .assert_contains("۵۱۲ مگابایت")
            .assert_contains(&vitrin_shared::calendar::to_persian_digits(
                &year.to_string(),
            ));
        // The setting follows the account to a new browser that prefers English.
        let mut elsewhere = WebClient::login(&env, "owner@cafe.ir").await;
        elsewhere.accept_language = Some("en-US".into());
        elsewhere
            .get("/dashboard")
            .await
            .assert_contains("dir=\"rtl\"")
            .assert_contains("۰ از ۰ نمایشگر برخط");
        // Errors are Persian too.
        let answer = elsewhere.get("/screens/4242").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        answer.assert_contains("پیدا نشد");
        // Field errors in Persian.
        let answer = elsewhere
            .post_form(
                "/users",
                &[
                    ("name", "سارا"),
                    ("email", "bad"),
                    ("role", "editor"),
                    ("password", "long enough pw"),
                ],
            )
            .await;
        answer
            .assert_contains("این مقدار معتبر نیست.")
            .assert_contains("value=\"سارا\"");
    })
    .await;
}

#[tokio::test]
async fn the_dashboard_shows_screens_alerts_and_a_live_stream() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        let auth = api_auth(&owner);
        let store = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen = env
            .create(
                &auth,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Counter"}),
            )
            .await;
        // Paired, heard from long ago: offline, and an alert.
        common::device_token(&env, screen).await;
        vitrin_server::db::sql("UPDATE screens SET last_seen_at = 1000 WHERE id = $1")
            .bind(screen)
            .execute(&env.state.db)
            .await
            .unwrap();
        let page = owner.get("/dashboard").await;
        page.assert_contains("Screen “Counter” is offline")
            .assert_contains("0 of 1 screens online")
            .assert_contains("data-live-screens=\"/dashboard/live\"");
        // Heard from now: online.
        vitrin_server::db::sql("UPDATE screens SET last_seen_at = $1 WHERE id = $2")
            .bind(vitrin_server::db::now_ms())
            .bind(screen)
            .execute(&env.state.db)
            .await
            .unwrap();
        let live = owner.get("/dashboard/live?once=1").await;
        assert_eq!(live.headers["content-type"], "text/event-stream");
        assert!(live.html.contains("event: screens"), "{}", live.html);
        assert!(live.html.contains("\"status\":\"online\""), "{}", live.html);
        assert!(live.html.contains("1 of 1 screens online"), "{}", live.html);
        owner.get("/dashboard").await.assert_lacks("is offline");
    })
    .await;
}

#[tokio::test]
async fn owners_manage_users_and_roles() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, "owner@cafe.ir").await;
        owner
            .post_form(
                "/users",
                &[
                    ("name", "Reza"),
                    ("email", "reza@cafe.ir"),
                    ("role", "editor"),
                    ("password", "a long enough password"),
                ],
            )
            .await
            .assert_redirect("/users");
        let list = owner.get("/users").await;
        list.assert_contains("reza@cafe.ir can sign in now.")
            .assert_contains("editor");
        let (_, users) = env.get(&api_auth(&owner), "/api/v1/users").await;
        let reza = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "reza@cafe.ir")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        owner
            .post_form(
                &format!("/users/{reza}"),
                &[
                    ("name", "Reza"),
                    ("email", "reza@cafe.ir"),
                    ("role", "viewer"),
                    ("password", ""),
                ],
            )
            .await
            .assert_redirect("/users");
        let (_, user) = env
            .get(&api_auth(&owner), &format!("/api/v1/users/{reza}"))
            .await;
        assert_eq!(user["role"], "viewer");
        // The last owner stays.
        let me = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "owner@cafe.ir")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        owner
            .post_form(&format!("/users/{me}/delete"), &[])
            .await
            .assert_redirect("/users");
        owner
            .get("/users")
            .await
            .assert_contains("The organization needs at least one owner; this user was kept.");
        owner
            .post_form(&format!("/users/{reza}/delete"), &[])
            .await
            .assert_redirect("/users");
        owner
            .get("/users")
            .await
            .assert_contains("reza@cafe.ir was removed.");

        // Own password change ends other sessions but keeps this one.
        let mut other_tab = WebClient::login(&env, "owner@cafe.ir").await;
        owner
            .post_form(
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new", "a brand new password"),
                    ("confirm", "a brand new password"),
                ],
            )
            .await
            .assert_redirect("/account");
        owner
            .get("/account")
            .await
            .assert_contains("Password changed.");
        other_tab
            .get("/account")
            .await
            .assert_redirect("/login?next=/account");
    })
    .await;
}

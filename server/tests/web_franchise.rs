//! The franchise page, in-process on SQLite and PostgreSQL: an owner pushes a layout to chosen
//! stores and a group as one rule and exactly their screens get it; a form with nothing chosen
//! is shown again with its message and every typed value; a store manager sees, read-only, what
//! the franchise has locked for their stores, and may not push.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend};
use serde_json::{Value, json};
use web_support::*;

const OWNER: &str = "owner@franchise.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

/// Four stores with a screen each (the third's screen in a group), a playlist and a layout.
struct Chain {
    stores: Vec<i64>,
    screens: Vec<i64>,
    group: i64,
    layout: i64,
}

async fn chain(env: &TestEnv, auth: &Auth) -> Chain {
    let mut stores = Vec::new();
    let mut screens = Vec::new();
    for name in ["Tajrish", "Vanak", "Enghelab", "Karaj"] {
        let store = env
            .create(
                auth,
                "/api/v1/stores",
                json!({"name": name, "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen = env
            .create(
                auth,
                "/api/v1/screens",
                json!({"store_id": store, "name": format!("{name} counter")}),
            )
            .await;
        stores.push(store);
        screens.push(screen);
    }
    let group = env
        .create(
            auth,
            "/api/v1/groups",
            json!({"name": "Menu walls", "screens": [screens[2]]}),
        )
        .await;
    let text = env
        .create(
            auth,
            "/api/v1/content",
            json!({"name": "Welcome", "type": "text", "title": "Welcome", "body": "Hi"}),
        )
        .await;
    let playlist = env
        .create(
            auth,
            "/api/v1/playlists",
            json!({"name": "Autumn", "entries": [{"content": text, "duration_ms": 10000}]}),
        )
        .await;
    let layout = env
        .create(
            auth,
            "/api/v1/layouts",
            json!({"name": "Autumn board", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    Chain {
        stores,
        screens,
        group,
        layout,
    }
}

async fn rules(env: &TestEnv, auth: &Auth) -> Vec<Value> {
    let (status, rules) = env.get(auth, "/api/v1/rules").await;
    assert_eq!(status, StatusCode::OK);
    rules.as_array().unwrap().clone()
}

/// Whether the screen's manifest carries a rule showing `layout`, and it is that layout's.
async fn shows_layout(env: &TestEnv, auth: &Auth, screen: i64, layout: i64) -> bool {
    let (status, manifest) = env
        .get(auth, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{manifest}");
    let ruled = manifest["rules"].as_array().unwrap().iter().any(|r| {
        r["target"]["type"] == "layout" && r["target"]["id"] == layout && r["name"] == "Autumn"
    });
    let carried = manifest["layouts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == layout);
    assert_eq!(ruled, carried, "{manifest}");
    ruled
}

#[tokio::test]
async fn an_owner_pushes_a_layout_to_stores_and_a_group_and_only_their_screens_get_it() {
    each_backend(|env| async move {
        let mut client = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&client);
        let c = chain(&env, &auth).await;

        let form = client.get("/franchise").await;
        assert_eq!(form.status, StatusCode::OK);
        form.assert_contains("Layout: Autumn board")
            .assert_contains("Playlist: Autumn")
            .assert_contains("Menu walls")
            .assert_contains("Karaj")
            .assert_contains("href=\"/franchise\"")
            .assert_contains("No franchise rule yet.");

        let (s0, s1, group) = (
            c.stores[0].to_string(),
            c.stores[1].to_string(),
            c.group.to_string(),
        );
        let layout = format!("layout:{}", c.layout);
        client
            .post_form(
                "/franchise",
                &[
                    ("name", "Autumn"),
                    ("target", &layout),
                    ("store", &s0),
                    ("store", &s1),
                    ("group", &group),
                    ("window", "all_day"),
                    ("priority", "50"),
                ],
            )
            .await
            .assert_redirect("/franchise");
        let after = client.get("/franchise").await;
        after
            .assert_contains("“Autumn” reaches 3 stores and 3 screens")
            .assert_contains("Store: Tajrish")
            .assert_contains("Group: Menu walls")
            .assert_contains("3 screens");

        // One rule, naming both stores and the group.
        let saved = rules(&env, &auth).await;
        assert_eq!(saved.len(), 1, "{saved:?}");
        assert_eq!(
            saved[0]["scope"]["stores"],
            json!([c.stores[0], c.stores[1]])
        );
        assert_eq!(saved[0]["scope"]["groups"], json!([c.group]));
        assert_eq!(saved[0]["priority"], 50);

        for (i, screen) in c.screens.iter().enumerate() {
            assert_eq!(
                shows_layout(&env, &auth, *screen, c.layout).await,
                i < 3,
                "screen {i}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_push_that_ties_with_a_rule_is_refused_in_place() {
    each_backend(|env| async move {
        let mut client = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&client);
        let c = chain(&env, &auth).await;
        let (store, layout) = (c.stores[0].to_string(), format!("layout:{}", c.layout));
        let all_day = |name: &'static str, priority: &'static str| {
            [
                ("name", name),
                ("target", layout.as_str()),
                ("store", store.as_str()),
                ("window", "all_day"),
                ("priority", priority),
            ]
        };
        client
            .post_form("/franchise", &all_day("Autumn", "50"))
            .await
            .assert_redirect("/franchise");
        // The same store, all day, the same priority: neither would clearly win.
        let tie = client
            .post_form("/franchise", &all_day("Winter", "50"))
            .await;
        assert_eq!(tie.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", tie.html);
        tie.assert_contains("overlaps “Autumn”")
            .assert_contains("value=\"Winter\"")
            .assert_contains("id=\"f-priority-error\"");
        assert_eq!(rules(&env, &auth).await.len(), 1, "nothing saved");
        // Above it, it is a clear winner.
        client
            .post_form("/franchise", &all_day("Winter", "60"))
            .await
            .assert_redirect("/franchise");
        assert_eq!(rules(&env, &auth).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn nothing_chosen_is_shown_in_place_with_what_was_typed() {
    each_backend(|env| async move {
        let mut client = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&client);
        let c = chain(&env, &auth).await;
        let layout = format!("layout:{}", c.layout);
        let bad = client
            .post_form(
                "/franchise",
                &[
                    ("name", "Weekend push"),
                    ("target", &layout),
                    ("window", "daily"),
                    ("start", "۰۹:۰۰"),
                    ("end", "25:99"),
                    ("weekday", "friday"),
                    ("priority", "70"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_contains("Choose at least one store or group.")
            .assert_contains("value=\"Weekend push\"")
            .assert_contains(&format!("value=\"{layout}\" selected"))
            .assert_contains("value=\"daily\" checked")
            .assert_contains("value=\"۰۹:۰۰\"")
            .assert_contains("value=\"25:99\"")
            .assert_contains("value=\"friday\" checked")
            .assert_contains("value=\"70\"")
            .assert_contains("id=\"f-end-error\"");
        assert!(rules(&env, &auth).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_store_manager_sees_what_is_locked_read_only_and_may_not_push() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let c = chain(&env, &auth).await;
        let (s0, s1) = (c.stores[0].to_string(), c.stores[1].to_string());
        let layout = format!("layout:{}", c.layout);
        owner
            .post_form(
                "/franchise",
                &[
                    ("name", "Autumn"),
                    ("target", &layout),
                    ("store", &s0),
                    ("store", &s1),
                    ("window", "daily"),
                    ("start", "08:00"),
                    ("end", "11:00"),
                ],
            )
            .await
            .assert_redirect("/franchise");
        // A rule for another store only: it does not reach the manager's store.
        env.create(
            &auth,
            "/api/v1/rules",
            json!({"name": "Karaj only", "target": {"type": "layout", "id": c.layout},
                   "scope": {"stores": [c.stores[3]]}, "priority": 5,
                   "when": {"window": {"type": "all_day"}}}),
        )
        .await;
        env.add_user(
            &auth,
            "manager@franchise.test",
            "store_manager",
            &[c.stores[0]],
        )
        .await;
        let mut manager = WebClient::login(&env, "manager@franchise.test").await;
        let page = manager.get("/franchise").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        page.assert_contains("Locked by the franchise")
            .assert_contains("only an owner can change them")
            .assert_contains("Autumn")
            .assert_contains("08:00–11:00")
            .assert_contains("1 of your screens")
            .assert_lacks("Karaj only")
            .assert_lacks("<form method=\"post\" action=\"/franchise\"");

        // The same list in Persian: Persian digits, the same rule.
        manager.accept_language = Some("fa".into());
        manager
            .get("/franchise")
            .await
            .assert_contains("قفل‌شده از سوی فرانچایز")
            .assert_contains("۰۸:۰۰–۱۱:۰۰")
            .assert_contains("۱ نمایشگر شما");
        manager.accept_language = None;

        let refused = manager
            .post_form(
                "/franchise",
                &[("target", &layout), ("store", &s0), ("window", "all_day")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        refused.assert_contains("does not allow");
        assert_eq!(rules(&env, &auth).await.len(), 2);
    })
    .await;
}

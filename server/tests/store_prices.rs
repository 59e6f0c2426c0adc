//! Per-store prices of a franchise menu on SQLite and PostgreSQL: a store's override shows in
//! its screens' manifests only, changes their version and ETag and leaves the other store's
//! manifest as it was; bad overrides are field errors that change nothing; a renamed item's
//! override goes stale and is not applied; other stores and tenants are refused; the admin
//! page takes Persian digits.

mod common;
mod web_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Auth, TestEnv, device_token, each_backend, field_codes};
use serde_json::{Value, json};
use tower::ServiceExt;
use web_support::WebClient;

const OWNER: &str = "owner@prices.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

fn menu_json() -> Value {
    json!({
        "name": "Franchise menu",
        "type": "menu_board",
        "menu": {
            "title": "Menu",
            "categories": [
                {"name": "Coffee", "items": [
                    {"name": "Latte", "code": "L1", "price": 85000,
                     "variants": [{"name": "Small", "price": 70000}, {"name": "Large", "price": 95000}]},
                    {"name": "Tea", "price": 40000}
                ]}
            ]
        }
    })
}

/// The franchise: stores North and South with a screen each, both showing the menu.
struct World {
    client: WebClient,
    owner: Auth,
    north: i64,
    south: i64,
    north_screen: i64,
    south_screen: i64,
    menu: i64,
}

async fn world(env: &TestEnv) -> World {
    let client = WebClient::setup(env, OWNER).await;
    let owner = session_of(&client);
    let store = |name: &str| json!({"name": name, "timezone": "Asia/Tehran"});
    let north = env.create(&owner, "/api/v1/stores", store("North")).await;
    let south = env.create(&owner, "/api/v1/stores", store("South")).await;
    let menu = env.create(&owner, "/api/v1/content", menu_json()).await;
    let playlist = env
        .create(
            &owner,
            "/api/v1/playlists",
            json!({"name": "P", "entries": [{"content": menu, "duration_ms": 10000}]}),
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
    let screen = |store: i64, name: &str| json!({"store_id": store, "name": name, "default_layout_id": layout});
    let north_screen = env
        .create(&owner, "/api/v1/screens", screen(north, "N1"))
        .await;
    let south_screen = env
        .create(&owner, "/api/v1/screens", screen(south, "S1"))
        .await;
    World {
        client,
        owner,
        north,
        south,
        north_screen,
        south_screen,
        menu,
    }
}

/// The player's manifest of a screen: (ETag, body).
async fn player_manifest(env: &TestEnv, token: &str) -> (String, Value) {
    let request = Request::builder()
        .uri("/api/player/v1/manifest")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = env.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap();
    (etag, serde_json::from_slice(&bytes).unwrap())
}

fn items(manifest: &Value, menu: i64) -> Value {
    let item = manifest["content"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == menu)
        .expect("the menu is in the manifest");
    item["menu"]["categories"][0]["items"].clone()
}

fn prices_path(store: i64, menu: i64) -> String {
    format!("/api/v1/stores/{store}/prices/{menu}")
}

#[tokio::test]
async fn an_override_reaches_only_its_stores_screens() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let north_token = device_token(&env, w.north_screen).await;
        let south_token = device_token(&env, w.south_screen).await;
        let (north_etag, north_before) = player_manifest(&env, &north_token).await;
        let (south_etag, south_before) = player_manifest(&env, &south_token).await;
        let south_version = env.manifest_version(&w.owner, w.south_screen).await;
        let north_version = env.manifest_version(&w.owner, w.north_screen).await;

        let (status, answer) = env
            .put(
                &w.owner,
                &prices_path(w.north, w.menu),
                json!({"overrides": [
                    {"item": "L1", "price": 90000},
                    {"item": "L1", "variant": "Large", "price": 99000},
                    {"item": "Tea", "sold_out": true}
                ]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["overrides"].as_array().unwrap().len(), 3);
        assert!(
            answer["overrides"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["stale"] == false)
        );
        let (status, read) = env.get(&w.owner, &prices_path(w.north, w.menu)).await;
        assert_eq!((status, &read), (StatusCode::OK, &answer));

        // North's screen shows the store's prices, with a new version and ETag.
        let (etag, north_after) = player_manifest(&env, &north_token).await;
        assert_ne!(etag, north_etag);
        assert!(env.manifest_version(&w.owner, w.north_screen).await > north_version);
        let shown = items(&north_after, w.menu);
        assert_eq!(shown[0]["price"], 90000);
        assert_eq!(shown[0]["variants"][0]["price"], 70000);
        assert_eq!(shown[0]["variants"][1]["price"], 99000);
        assert_eq!(shown[1]["sold_out"], true);
        assert_eq!(shown[1]["price"], 40000);
        assert_ne!(items(&north_before, w.menu), shown);

        // South's is exactly as it was.
        let (etag, south_after) = player_manifest(&env, &south_token).await;
        assert_eq!(etag, south_etag);
        assert_eq!(
            env.manifest_version(&w.owner, w.south_screen).await,
            south_version
        );
        assert_eq!(items(&south_after, w.menu), items(&south_before, w.menu));

        // The franchise's edits still reach North under its own prices.
        let mut menu = menu_json();
        menu["menu"]["categories"][0]["items"][1]["price"] = json!(42000);
        menu["menu"]["categories"][0]["items"][0]["description"] = json!("new");
        let (status, body) = env
            .put(
                &w.owner,
                &format!("/api/v1/content/{}", w.menu),
                menu.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, north_now) = player_manifest(&env, &north_token).await;
        let shown = items(&north_now, w.menu);
        assert_eq!(
            (shown[0]["price"].clone(), shown[0]["description"].clone()),
            (json!(90000), json!("new"))
        );
        assert_eq!(shown[1]["price"], 42000);
        let (_, south_now) = player_manifest(&env, &south_token).await;
        assert_eq!(items(&south_now, w.menu)[1]["price"], 42000);
        assert_eq!(items(&south_now, w.menu)[0]["price"], 85000);

        // Renaming Tea (it has no code) makes its override stale: listed, not applied.
        menu["menu"]["categories"][0]["items"][1]["name"] = json!("Green tea");
        let (status, body) = env
            .put(&w.owner, &format!("/api/v1/content/{}", w.menu), menu)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, read) = env.get(&w.owner, &prices_path(w.north, w.menu)).await;
        let stale: Vec<&Value> = read["overrides"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["stale"] == true)
            .collect();
        assert_eq!(stale.len(), 1, "{read}");
        assert_eq!(stale[0]["item"], "Tea");
        let (_, north_now) = player_manifest(&env, &north_token).await;
        assert_eq!(items(&north_now, w.menu)[1]["sold_out"], false);

        // Clearing the overrides gives North the franchise's menu again.
        let (status, _) = env
            .put(
                &w.owner,
                &prices_path(w.north, w.menu),
                json!({"overrides": []}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, north_now) = player_manifest(&env, &north_token).await;
        let (_, south_now) = player_manifest(&env, &south_token).await;
        assert_eq!(items(&north_now, w.menu), items(&south_now, w.menu));
    })
    .await;
}

#[tokio::test]
async fn bad_overrides_are_field_errors_and_change_nothing() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let version = env.manifest_version(&w.owner, w.north_screen).await;
        let path = prices_path(w.north, w.menu);
        let (status, problem) = env
            .put(
                &w.owner,
                &path,
                json!({"overrides": [
                    {"item": "NOPE", "price": 1},
                    {"item": "L1", "variant": "Huge", "price": 1},
                    {"item": "Tea", "price": -5},
                    {"item": "L1", "variant": "Small", "sold_out": true}
                ]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "overrides.0.item"), ["unknown_item"]);
        assert_eq!(
            field_codes(&problem, "overrides.1.variant"),
            ["unknown_variant"]
        );
        assert_eq!(field_codes(&problem, "overrides.2.price"), ["negative"]);
        assert_eq!(field_codes(&problem, "overrides.3.sold_out"), ["invalid"]);
        let (_, read) = env.get(&w.owner, &path).await;
        assert_eq!(read["overrides"], json!([]));
        assert_eq!(
            env.manifest_version(&w.owner, w.north_screen).await,
            version
        );
    })
    .await;
}

#[tokio::test]
async fn other_stores_and_tenants_are_refused() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let body = json!({"overrides": [{"item": "Tea", "price": 1}]});
        let manager = env
            .add_user(&w.owner, "manager@prices.test", "store_manager", &[w.north])
            .await;
        let editor = env
            .add_user(&w.owner, "editor@prices.test", "editor", &[])
            .await;
        let viewer = env
            .add_user(&w.owner, "viewer@prices.test", "viewer", &[])
            .await;
        let other = env.add_org("Other", "owner@other.test").await;
        let other_store = env
            .create(
                &other,
                "/api/v1/stores",
                json!({"name": "Elsewhere", "timezone": "Asia/Tehran"}),
            )
            .await;
        let other_menu = env.create(&other, "/api/v1/content", menu_json()).await;
        let text = env
            .create(
                &w.owner,
                "/api/v1/content",
                json!({"name": "T", "type": "text", "title": "t", "body": "b"}),
            )
            .await;

        for (auth, store, menu, get, put) in [
            (&manager, w.north, w.menu, 200, 200),
            (&manager, w.south, w.menu, 404, 404),
            (&editor, w.north, w.menu, 200, 403),
            (&viewer, w.north, w.menu, 200, 403),
            (&other, w.north, w.menu, 404, 404),
            (&w.owner, other_store, w.menu, 404, 404),
            (&w.owner, w.north, other_menu, 404, 404),
            (&w.owner, w.north, text, 404, 404),
            (&Auth::None, w.north, w.menu, 401, 401),
        ] {
            let path = prices_path(store, menu);
            let (status, value) = env.get(auth, &path).await;
            assert_eq!(status.as_u16(), get, "GET {path} as {auth:?}: {value}");
            let (status, value) = env.put(auth, &path, body.clone()).await;
            assert_eq!(status.as_u16(), put, "PUT {path} as {auth:?}: {value}");
        }
        // Only the manager's own write landed.
        let (_, north) = env.get(&w.owner, &prices_path(w.north, w.menu)).await;
        assert_eq!(north["overrides"].as_array().unwrap().len(), 1);
        let (_, south) = env.get(&w.owner, &prices_path(w.south, w.menu)).await;
        assert_eq!(south["overrides"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn the_admin_page_takes_persian_digits() {
    each_backend(|env| async move {
        let mut w = world(&env).await;
        let page = w.client.get(&format!("/stores/{}/prices", w.north)).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains(&format!("/stores/{}/prices/{}", w.north, w.menu));
        let path = format!("/stores/{}/prices/{}", w.north, w.menu);
        let page = w.client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Latte").assert_contains("85,000");

        // Lines: 0 Latte, 1 Small, 2 Large, 3 Tea.
        let answer = w
            .client
            .post_form(
                &path,
                &[
                    ("key.0", "L1"),
                    ("variant.0", ""),
                    ("price.0", "۹۰٬۰۰۰"),
                    ("key.1", "L1"),
                    ("variant.1", "Small"),
                    ("price.1", ""),
                    ("key.2", "L1"),
                    ("variant.2", "Large"),
                    ("price.2", "٩٩٠٠٠"),
                    ("key.3", "Tea"),
                    ("variant.3", ""),
                    ("price.3", ""),
                    ("sold_out.3", "1"),
                ],
            )
            .await;
        answer.assert_redirect(&path);
        let (_, read) = env.get(&w.owner, &prices_path(w.north, w.menu)).await;
        let overrides = read["overrides"].as_array().unwrap();
        assert_eq!(overrides.len(), 3, "{read}");
        assert!(
            overrides
                .iter()
                .any(|o| o["item"] == "L1" && o["variant"] == "" && o["price"] == 90000)
        );
        assert!(
            overrides
                .iter()
                .any(|o| o["variant"] == "Large" && o["price"] == 99000)
        );
        assert!(
            overrides
                .iter()
                .any(|o| o["item"] == "Tea" && o["sold_out"] == true)
        );

        // A bad price is shown next to its box, as typed; nothing changes.
        let answer = w
            .client
            .post_form(
                &path,
                &[("key.0", "L1"), ("variant.0", ""), ("price.0", "12,34")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("12,34")
            .assert_contains("field-error");
        let (_, again) = env.get(&w.owner, &prices_path(w.north, w.menu)).await;
        assert_eq!(again, read);
    })
    .await;
}

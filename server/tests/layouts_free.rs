//! Free layouts: zones placed in fractions of the screen, saved through the API and the editor
//! page, refused field by field when they leave the screen or overlap, and carried to the
//! screens' manifests.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend, field_codes};
use serde_json::{Value, json};
use web_support::*;

async fn playlist(env: &TestEnv, owner: &Auth, name: &str) -> i64 {
    let text = env
        .create(
            owner,
            "/api/v1/content",
            json!({"name": name, "type": "text", "title": name, "body": ""}),
        )
        .await;
    env.create(
        owner,
        "/api/v1/playlists",
        json!({"name": name, "entries": [{"content": text, "duration_ms": 10000}]}),
    )
    .await
}

async fn layouts(env: &TestEnv, owner: &Auth) -> Vec<Value> {
    let (status, list) = env.get(owner, "/api/v1/layouts").await;
    assert_eq!(status, StatusCode::OK);
    list.as_array()
        .cloned()
        .or_else(|| list["items"].as_array().cloned())
        .unwrap_or_default()
}

/// A shelf-edge strip of three zones and a price overlay over the middle one.
fn shelf(a: i64, b: i64, c: i64) -> Value {
    json!({
        "name": "Shelf strip",
        "template": "free",
        "aspect": "strip",
        "regions": [
            {"name": "left", "rect": {"x": 0.0, "y": 0.0, "w": 0.3333, "h": 1.0}},
            {"name": "middle", "rect": {"x": 0.3333, "y": 0.0, "w": 0.3333, "h": 1.0}},
            {"name": "right", "rect": {"x": 0.6666, "y": 0.0, "w": 0.3334, "h": 1.0}},
            {"name": "price", "rect": {"x": 0.4, "y": 0.6, "w": 0.2, "h": 0.4}, "overlay": true}
        ],
        "zones": [
            {"zone": "left", "playlist": a},
            {"zone": "middle", "playlist": b},
            {"zone": "right", "playlist": c},
            {"zone": "price", "playlist": a}
        ]
    })
}

#[tokio::test]
async fn a_free_layout_is_saved_snapped_and_reaches_the_manifest() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (a, b, c) = (
            playlist(&env, &owner, "Coffee").await,
            playlist(&env, &owner, "Cakes").await,
            playlist(&env, &owner, "Tea").await,
        );
        let id = env.create(&owner, "/api/v1/layouts", shelf(a, b, c)).await;
        let (status, saved) = env.get(&owner, &format!("/api/v1/layouts/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["template"], "free");
        assert_eq!(saved["aspect"], "strip");
        let regions = saved["regions"].as_array().unwrap();
        assert_eq!(regions.len(), 4);
        // Stored on the ¼ % grid.
        assert_eq!(
            regions[1]["rect"],
            json!({"x": 0.3325, "y": 0.0, "w": 0.3325, "h": 1.0})
        );
        assert_eq!(regions[2]["rect"]["x"], json!(0.6675));
        assert_eq!(regions[3]["overlay"], json!(true));
        assert!(regions[0].get("overlay").is_none(), "false is left out");

        let store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Shelf 3", "default_layout_id": id}),
            )
            .await;
        let (status, manifest) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/manifest"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(manifest["layouts"][0]["regions"], saved["regions"]);
        let parsed: vitrin_shared::manifest::Manifest = serde_json::from_value(manifest).unwrap();
        let layout = &parsed.layouts[0];
        let order: Vec<_> = layout
            .areas_in_drawing_order()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(order, ["left", "middle", "right", "price"]);
        // The schedule engine plays the layout's own zones at their places.
        let schedule = parsed.schedule().expect("the manifest compiles");
        let now = jiff::Timestamp::now();
        let tz = jiff::tz::TimeZone::get("Asia/Tehran").unwrap();
        let playing = schedule.resolve(now, &tz);
        let zones = &playing.main.expect("the default layout plays").zones;
        let names: Vec<_> = zones.iter().map(|z| z.zone.as_str()).collect();
        assert_eq!(names, ["left", "middle", "right", "price"]);
        assert_eq!(zones[1].rect.x, 0.3325);

        // An old-style preset layout is untouched: no regions on the wire.
        let preset = env
            .create(
                &owner,
                "/api/v1/layouts",
                json!({"name": "Full", "template": "fullscreen",
                       "zones": [{"zone": "main", "playlist": a}]}),
            )
            .await;
        let (_, preset) = env.get(&owner, &format!("/api/v1/layouts/{preset}")).await;
        assert!(preset.get("regions").is_none(), "{preset}");
    })
    .await;
}

#[tokio::test]
async fn zones_off_the_screen_or_overlapping_are_refused_and_nothing_is_saved() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let a = playlist(&env, &owner, "Coffee").await;
        let mut outside = shelf(a, a, a);
        outside["regions"][2]["rect"]["w"] = json!(0.5);
        outside["regions"][0]["rect"]["y"] = json!(-0.1);
        let (status, problem) = env.post(&owner, "/api/v1/layouts", outside).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "regions.2.rect.w"), ["off_screen"]);
        assert_eq!(field_codes(&problem, "regions.0.rect.y"), ["off_screen"]);

        let mut overlapping = shelf(a, a, a);
        overlapping["regions"][3]["overlay"] = json!(false);
        overlapping["regions"][1]["rect"]["w"] = json!(0.4);
        let (status, problem) = env.post(&owner, "/api/v1/layouts", overlapping).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "regions.2.rect"), ["zones_overlap"]);
        assert_eq!(field_codes(&problem, "regions.3.rect"), ["zones_overlap"]);

        let mut unknown = shelf(a, a, a);
        unknown["zones"][0]["zone"] = json!("main");
        let (status, problem) = env.post(&owner, "/api/v1/layouts", unknown).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "zones.0.zone"), ["unknown_zone"]);

        assert!(layouts(&env, &owner).await.is_empty(), "nothing was saved");
    })
    .await;
}

#[tokio::test]
async fn the_editor_places_free_zones_and_shows_errors_next_to_their_fields() {
    each_backend(|env| async move {
        let mut client = WebClient::setup(&env, "owner@cafe.test").await;
        let cookie = client
            .cookie(vitrin_server::auth::SESSION_COOKIE)
            .expect("signed in")
            .to_owned();
        let owner = Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE));
        let coffee = playlist(&env, &owner, "Coffee").await.to_string();

        // From a preset to free: the preset's zones are filled in, with their playlists.
        let page = client
            .post_form(
                "/layouts/new",
                &[
                    ("name", "Menu and hero"),
                    ("was", "main_ticker"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("zone.main", &coffee),
                    ("action", "template"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        page.assert_contains("name=\"region.0.name\" type=\"text\" value=\"main\"")
            .assert_contains("name=\"region.1.y\" type=\"number\" min=\"0\" max=\"100\" step=\"0.25\" inputmode=\"decimal\" value=\"90\"")
            .assert_contains("data-layout-map")
            .assert_contains("layout-editor.js");

        // Adding a zone, without JavaScript.
        let page = client
            .post_form(
                "/layouts/new",
                &[
                    ("name", "Menu and hero"),
                    ("was", "free"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("region.0.name", "menu"),
                    ("region.0.x", "0"),
                    ("region.0.y", "0"),
                    ("region.0.w", "40"),
                    ("region.0.h", "100"),
                    ("action", "add"),
                ],
            )
            .await;
        page.assert_contains("value=\"zone1\"");

        // Overlapping and off the screen: each message next to its field, nothing saved.
        let bad = client
            .post_form(
                "/layouts/new",
                &[
                    ("name", "Menu and hero"),
                    ("was", "free"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("region.0.name", "menu"),
                    ("region.0.x", "0"),
                    ("region.0.y", "0"),
                    ("region.0.w", "40"),
                    ("region.0.h", "100"),
                    ("region.0.playlist", &coffee),
                    ("region.1.name", "hero"),
                    ("region.1.x", "30"),
                    ("region.1.y", "0"),
                    ("region.1.w", "70"),
                    ("region.1.h", "100"),
                    ("region.2.name", "badge"),
                    ("region.2.x", "90"),
                    ("region.2.y", "abc"),
                    ("region.2.w", "20"),
                    ("region.2.h", "10"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_contains("f-regions.2.rect.y-error");
        assert!(layouts(&env, &owner).await.is_empty());
        let bad = client
            .post_form(
                "/layouts/new",
                &[
                    ("name", "Menu and hero"),
                    ("was", "free"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("region.0.name", "menu"),
                    ("region.0.x", "0"),
                    ("region.0.y", "0"),
                    ("region.0.w", "40"),
                    ("region.0.h", "100"),
                    ("region.1.name", "hero"),
                    ("region.1.x", "30"),
                    ("region.1.y", "0"),
                    ("region.1.w", "70"),
                    ("region.1.h", "100"),
                    ("region.2.name", "badge"),
                    ("region.2.x", "90"),
                    ("region.2.y", "0"),
                    ("region.2.w", "20"),
                    ("region.2.h", "10"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_contains("id=\"f-regions.1.rect-error\"")
            .assert_contains("overlaps zone &#39;menu&#39;")
            .assert_contains("id=\"f-regions.2.rect.w-error\"")
            .assert_contains("past the right edge")
            .assert_contains("value=\"hero\"");
        assert!(layouts(&env, &owner).await.is_empty(), "nothing was saved");

        // Fixed, and the hero's corner marked as an overlay: saved and listed with its zones.
        let saved = client
            .post_form(
                "/layouts/new",
                &[
                    ("name", "Menu and hero"),
                    ("was", "free"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("region.0.name", "menu"),
                    ("region.0.x", "0"),
                    ("region.0.y", "0"),
                    ("region.0.w", "40"),
                    ("region.0.h", "100"),
                    ("region.0.playlist", &coffee),
                    ("region.1.name", "hero"),
                    ("region.1.x", "40"),
                    ("region.1.y", "0"),
                    ("region.1.w", "60"),
                    ("region.1.h", "100"),
                    ("region.2.name", "badge"),
                    ("region.2.x", "80"),
                    ("region.2.y", "0"),
                    ("region.2.w", "20"),
                    ("region.2.h", "12.5"),
                    ("region.2.overlay", "on"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let all = layouts(&env, &owner).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0]["template"], "free");
        assert!(all[0].get("aspect").is_none(), "landscape is a free layout's default");
        assert_eq!(all[0]["regions"][2]["rect"]["h"], json!(0.125));
        assert_eq!(all[0]["zones"], json!([{"zone": "menu", "playlist": coffee.parse::<i64>().unwrap()}]));
        let list = client.get("/layouts").await;
        list.assert_contains("Menu and hero")
            .assert_contains("3 zones")
            .assert_contains("left:40%;top:0%;width:60%;height:100%")
            .assert_contains("class=\"overlay\">badge");
        let id = all[0]["id"].as_i64().unwrap();
        let edit = client.get(&format!("/layouts/{id}")).await;
        edit.assert_contains("name=\"region.2.h\" type=\"number\" min=\"2\" max=\"100\" step=\"0.25\" inputmode=\"decimal\" value=\"12.5\"")
            .assert_contains("id=\"f-regions.2.overlay\" name=\"region.2.overlay\" type=\"checkbox\" value=\"on\" data-field=\"overlay\" checked");

        // In Persian, the messages are the catalog's.
        let mut fa = client;
        fa.accept_language = Some("fa".into());
        let bad = fa
            .post_form(
                &format!("/layouts/{id}"),
                &[
                    ("name", "Menu and hero"),
                    ("was", "free"),
                    ("template", "free"),
                    ("aspect", "landscape"),
                    ("region.0.name", "menu"),
                    ("region.0.x", "0"),
                    ("region.0.y", "0"),
                    ("region.0.w", "50"),
                    ("region.0.h", "100"),
                    ("region.1.name", "hero"),
                    ("region.1.x", "40"),
                    ("region.1.y", "0"),
                    ("region.1.w", "60"),
                    ("region.1.h", "100"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains("این بخش روی بخش دیگری افتاده است");
    })
    .await;
}

//! Operations: the OpenAPI document (snapshot), Swagger UI, metrics, health, the demo café.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Auth, TestEnv, each_backend};
use serde_json::Value;
use tower::ServiceExt;
use vitrin_shared::manifest::Manifest;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

/// The API's contract changes only on purpose: a difference fails until the snapshot is
/// refreshed with `UPDATE_SNAPSHOTS=1 cargo test -p vitrin-server --test operations`.
#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let env = TestEnv::new("sqlite").await;
    let (status, document) = env.get(&Auth::None, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let pretty = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(SNAPSHOT).expect("snapshot exists");
    assert!(
        pretty == expected,
        "the OpenAPI document changed; review and refresh with UPDATE_SNAPSHOTS=1"
    );

    // A few facts the snapshot must keep saying.
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/content",
        "/api/v1/media",
        "/api/v1/rules/{id}",
        "/api/v1/auth/login",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for schema in [
        "ContentItem",
        "ScheduleRule",
        "Manifest",
        "Problem",
        "Store",
        "Screen",
    ] {
        assert!(schemas.contains_key(schema), "{schema} has a schema");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let env = TestEnv::new("sqlite").await;
    let response = env
        .app
        .clone()
        .oneshot(Request::get("/api/docs/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&html).contains("swagger-ui"));
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let env = TestEnv::new("sqlite").await;
    for _ in 0..3 {
        env.get(&Auth::None, "/healthz").await;
    }
    env.get(&Auth::None, "/api/v1/stores/7").await;
    let text = env.state.metrics.render();
    assert!(
        text.contains(
            r#"vitrin_http_requests_total{method="GET",route="/healthz",status="200"} 3"#
        ),
        "{text}"
    );
    // Route patterns, not raw paths: ids never become label values.
    assert!(
        text.contains(r#"route="/api/v1/stores/{id}",status="401""#),
        "{text}"
    );

    // And they are served on their own router.
    let response = vitrin_server::metrics::router(env.state.metrics.clone())
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn healthz_names_the_database() {
    each_backend(|env| async move {
        let (status, health) = env.get(&Auth::None, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["database"], env.backend);
        assert_eq!(health["api_version"], vitrin_shared::API_VERSION);
        if let vitrin_server::db::Db::Sqlite(pool, _) = &env.state.db {
            let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
                .fetch_one(pool)
                .await
                .unwrap();
            assert_eq!(mode, "wal", "readers never wait for the writer");
        }
    })
    .await;
}

#[tokio::test]
async fn the_demo_cafe_plays_breakfast_lunch_and_dinner_in_tehran() {
    each_backend(|env| async move {
        assert!(vitrin_server::demo::seed(&env.state).await.unwrap());
        assert!(
            !vitrin_server::demo::seed(&env.state).await.unwrap(),
            "seeds only once"
        );
        let owner = env
            .login(
                vitrin_server::demo::OWNER_EMAIL,
                vitrin_server::demo::OWNER_PASSWORD,
            )
            .await;
        let (_, screens) = env.get(&owner, "/api/v1/screens").await;
        let screen = screens[0]["id"].as_i64().unwrap();
        let (status, manifest) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/manifest"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let manifest: Manifest = serde_json::from_value(manifest).unwrap();
        assert_eq!(manifest.screen.timezone, "Asia/Tehran");
        assert_eq!(
            manifest.media().len(),
            2,
            "the promo picture and the kebab's"
        );

        let schedule = manifest.schedule().unwrap();
        let tz = manifest.screen.time_zone().unwrap();
        let layout_at = |time: &str| {
            let at: jiff::Timestamp = format!("2026-11-22T{time}+03:30[Asia/Tehran]")
                .parse::<jiff::Zoned>()
                .unwrap()
                .timestamp();
            let main = schedule.resolve(at, &tz).main;
            let layout = main.expect("something plays").layout.expect("a layout");
            manifest
                .layouts
                .iter()
                .find(|l| l.id == layout)
                .unwrap()
                .name
                .clone()
        };
        assert_eq!(layout_at("08:00"), "Breakfast");
        assert_eq!(layout_at("13:00"), "Lunch");
        assert_eq!(layout_at("20:30"), "Dinner");

        // Persian names and Toman prices came through intact.
        let menu = manifest
            .content
            .iter()
            .find(|c| c.name.starts_with("صبحانه"))
            .unwrap();
        let json: Value = serde_json::to_value(menu).unwrap();
        assert_eq!(json["menu"]["unit"], "toman");
        assert_eq!(json["menu"]["categories"][0]["items"][0]["price"], 185000);

        // One menu in each design; lunch's kebab is the hero, with its picture.
        let theme_of = |title: &str| {
            let menu = manifest.content.iter().find(|c| c.name.starts_with(title));
            serde_json::to_value(menu.unwrap()).unwrap()["menu"].clone()
        };
        assert_eq!(theme_of("صبحانه")["theme"], "list");
        assert_eq!(theme_of("شام")["theme"], "cards");
        let lunch = theme_of("ناهار");
        assert_eq!(lunch["theme"], "hero");
        let kebab = &lunch["categories"][0]["items"][0];
        assert_eq!(kebab["featured"], true);
        assert_eq!(kebab["image"]["width"], 960);
        // The drinks have a price per size; their price is the first size's.
        let doogh = &lunch["categories"][1]["items"][0];
        assert_eq!(doogh["variants"][1]["price"], 65000);
        assert_eq!(doogh["price"], doogh["variants"][0]["price"]);
    })
    .await;
}

/// CI must not pass with PostgreSQL silently left out.
#[test]
fn ci_runs_the_postgres_tests() {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        assert!(
            common::backends().contains(&"postgres"),
            "CI=true but {} is not set",
            common::PG_ENV
        );
    }
}

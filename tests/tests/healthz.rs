//! `/healthz` and routing, in-process and over a real socket.

use std::path::Path;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use vitrin_server::{AppState, build_app};
use vitrin_tests::{TestServer, test_config};

fn app() -> axum::Router {
    // build_app touches no disk, so the data dir need not exist.
    build_app(AppState::new(test_config(Path::new(
        "/nonexistent/vitrin-data",
    ))))
}

async fn get(path: &str) -> axum::response::Response {
    app()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn healthz_reports_status_version_and_api_version() {
    let response = get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let body = to_bytes(response.into_body(), 64 * 1024).await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "status": "ok",
            "version": vitrin_server::VERSION,
            "api_version": vitrin_shared::API_VERSION,
        })
    );
}

#[tokio::test]
async fn unknown_paths_are_not_found() {
    for path in ["/", "/nope", "/healthz/extra", "/api/v1/screens"] {
        assert_eq!(get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn healthz_over_a_socket() {
    let server = TestServer::start(AppState::new(test_config(Path::new("/nonexistent"))))
        .await
        .unwrap();
    assert_ne!(server.addr.port(), 0);
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["api_version"], vitrin_shared::API_VERSION);
}

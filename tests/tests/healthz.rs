//! `/healthz` and routing, in-process and over a real socket.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use vitrin_server::build_app;
use vitrin_tests::{TestServer, test_state};

async fn get(path: &str) -> axum::response::Response {
    let dir = tempfile::tempdir().unwrap();
    build_app(test_state(dir.path()).await)
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
            "database": "sqlite",
        })
    );
}

#[tokio::test]
async fn unknown_paths_are_not_found() {
    for path in ["/nope", "/healthz/extra", "/api/v2/screens"] {
        assert_eq!(get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_root_of_an_empty_server_leads_to_the_first_run_setup() {
    let response = get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/setup");
}

#[tokio::test]
async fn healthz_over_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    assert_ne!(server.addr.port(), 0);
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["api_version"], vitrin_shared::API_VERSION);
}

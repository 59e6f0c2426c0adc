//! Every `/api` error is a problem-details body (`application/problem+json`), whichever layer
//! answers it, and the OpenAPI document says so and lists every status an operation answers.
//! (CI also fuzzes the served document with schemathesis: `.ci/schemathesis.sh`.)

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestEnv;
use serde_json::Value;
use tower::ServiceExt;

/// One raw request in process: (status, content type, Allow header, body as JSON or null).
async fn raw(env: &TestEnv, request: Request<Body>) -> (StatusCode, String, String, Value) {
    let response = env.app.clone().oneshot(request).await.unwrap();
    let text = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (status, content_type, allow) = (
        response.status(),
        text(header::CONTENT_TYPE),
        text(header::ALLOW),
    );
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, content_type, allow, body)
}

fn assert_problem(answer: &(StatusCode, String, String, Value), status: u16, kind: &str) {
    let (got, content_type, _, body) = answer;
    assert_eq!(got.as_u16(), status, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], kind, "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn every_api_error_is_a_problem_whichever_layer_answers() {
    let env = TestEnv::new("sqlite").await;
    let owner = env.setup_owner("Café", "owner@cafe.test").await;
    let cookie = match &owner {
        common::Auth::Cookie(c) => c.clone(),
        other => panic!("a session cookie, not {other:?}"),
    };
    let request = |method: Method, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, cookie.clone())
            .header("sec-fetch-site", "same-origin")
    };

    // A method the address does not take: 405, with the methods it takes.
    let answer = raw(
        &env,
        request(Method::PATCH, "/api/v1/stores")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 405, "method_not_allowed");
    assert!(
        answer.2.contains("GET") && answer.2.contains("POST"),
        "Allow: {}",
        answer.2
    );
    // An address that does not exist under /api: 404 (pages keep their HTML 404).
    let answer = raw(
        &env,
        request(Method::GET, "/api/v1/nothing-here")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 404, "not_found");
    let page = raw(
        &env,
        request(Method::GET, "/nothing-here")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.1.starts_with("text/html"), "{}", page.1);
    // An upload without a multipart boundary.
    let answer = raw(
        &env,
        request(Method::POST, "/api/v1/media")
            .header(header::CONTENT_TYPE, "multipart/form-data")
            .body(Body::from("no parts"))
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 400, "bad_request");
    // A query string that does not parse.
    let answer = raw(
        &env,
        request(Method::GET, "/api/v1/audit?limit=many")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 400, "bad_request");
    // A body that is not JSON, and JSON that is not an object of the right shape.
    let answer = raw(
        &env,
        request(Method::POST, "/api/v1/stores")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("Valiasr"))
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 415, "unsupported_media");
    let answer = raw(
        &env,
        request(Method::POST, "/api/v1/stores")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"name\": 5}"))
            .unwrap(),
    )
    .await;
    assert_problem(&answer, 422, "validation");
}

/// The served document against the facts above, operation by operation.
#[tokio::test]
async fn the_openapi_document_lists_every_error_as_a_problem() {
    let env = TestEnv::new("sqlite").await;
    let (_, doc) = env.get(&common::Auth::None, "/api/openapi.json").await;
    let public = [
        "/api/v1/setup",
        "/api/v1/auth/login",
        "/api/player/v1/pair",
        "/api/player/v1/pair/status",
        "/q/{code}",
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            for (status, response) in responses {
                // (Outside /api, a tracked link's unknown code is a page for people.)
                if path.starts_with("/api/") && (status.starts_with('4') || status.starts_with('5'))
                {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content.keys().all(|k| k == "application/problem+json"),
                        "{name} {status}: {content:?}"
                    );
                }
            }
            let security = &op["security"];
            if public.contains(&path.as_str()) {
                assert_eq!(
                    security,
                    &serde_json::json!([]),
                    "{name} needs no credentials"
                );
            } else {
                assert!(responses.contains_key("401"), "{name} documents 401");
                if path.starts_with("/api/player/v1/") {
                    assert_eq!(security, &serde_json::json!([{"device": []}]), "{name}");
                }
            }
            if op["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                for status in ["400", "415", "422"] {
                    assert!(responses.contains_key(status), "{name} documents {status}");
                }
            }
        }
    }
    // Create and replace bodies of the library need no id; what is read back has one.
    for (path, schema) in [
        ("/api/v1/content", "ContentItem"),
        ("/api/v1/playlists", "Playlist"),
        ("/api/v1/layouts", "Layout"),
        ("/api/v1/rules", "ScheduleRule"),
    ] {
        let body = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(
            body["schema"]["$ref"],
            format!("#/components/schemas/{schema}Input")
        );
        let input = doc["components"]["schemas"][format!("{schema}Input")].to_string();
        let read = doc["components"]["schemas"][schema].to_string();
        assert!(read.contains("\"id\""), "{schema}: {read}");
        assert!(
            !input.contains("\"required\":[\"id\""),
            "{schema}Input: {input}"
        );
    }
}

//! Accounts over a real socket: first-run setup, cookies, logout, CSRF, the login rate limit,
//! API tokens, and what survives a restart.

mod common;

use std::net::SocketAddr;

use common::{Auth, PASSWORD, TestEnv, each_backend};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, ORIGIN, SET_COOKIE};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// `build_app` on `127.0.0.1:<free port>`; stops when the test ends.
async fn serve(env: &TestEnv) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = vitrin_server::build_app(env.state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    format!("http://{addr}")
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn setup_login_logout_with_cookies() {
    each_backend(|env| async move {
        let base = serve(&env).await;
        let client = browser();
        let state: Value = client.get(format!("{base}/api/v1/setup")).send().await.unwrap()
            .json().await.unwrap();
        assert_eq!(state["needed"], true);

        // Setup validates, then creates the owner and signs them in.
        let response = client
            .post(format!("{base}/api/v1/setup"))
            .json(&json!({"organization": "کافه", "name": "Sara", "email": "x", "password": "short"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = response.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["email", "password"]);

        let response = client
            .post(format!("{base}/api/v1/setup"))
            .json(&json!({"organization": "کافه", "name": "Sara",
                          "email": " Sara@Cafe.Test ", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http without a public https URL");
        let me: Value = client.get(format!("{base}/api/v1/me")).send().await.unwrap()
            .json().await.unwrap();
        assert_eq!(me["email"], "sara@cafe.test");
        assert_eq!(me["role"], "owner");

        // Only once.
        let again = client
            .post(format!("{base}/api/v1/setup"))
            .json(&json!({"organization": "B", "name": "B", "email": "b@b.test", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::CONFLICT);

        // The session token is stored only as a hash.
        let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
        let stored: Vec<(String,)> = vitrin_server::db::sql("SELECT token_hash FROM sessions")
            .fetch_all(&env.state.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].0, token);
        assert_eq!(stored[0].0, vitrin_server::auth::token::hash(&token));

        // Logout ends the session server-side: the old cookie no longer works.
        let out = client.post(format!("{base}/api/v1/auth/logout")).send().await.unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        let me = client.get(format!("{base}/api/v1/me")).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        let replay = reqwest::Client::new()
            .get(format!("{base}/api/v1/me"))
            .header("cookie", format!("vitrin_session={token}"))
            .send().await.unwrap();
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);

        // And login brings it back; the e-mail is matched case-insensitively.
        let login = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "SARA@cafe.test", "password": PASSWORD}))
            .send().await.unwrap();
        assert_eq!(login.status(), StatusCode::OK);
        let me = client.get(format!("{base}/api/v1/me")).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (status, _) = env.get(&owner, "/api/v1/me").await;
        assert_eq!(status, 200);
        vitrin_server::db::sql("UPDATE sessions SET expires_at = $1")
            .bind(vitrin_server::db::now_ms() - 1)
            .execute(&env.state.db)
            .await
            .unwrap();
        let (status, _) = env.get(&owner, "/api/v1/me").await;
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    each_backend(|env| async move {
        let base = serve(&env).await;
        let client = browser();
        client
            .post(format!("{base}/api/v1/setup"))
            .json(&json!({"organization": "Café", "name": "S", "email": "s@cafe.test", "password": PASSWORD}))
            .send().await.unwrap();
        let store = json!({"name": "Valiasr", "timezone": "Asia/Tehran"});
        let mut evil = HeaderMap::new();
        evil.insert(ORIGIN, "https://evil.example".parse().unwrap());
        evil.insert("sec-fetch-site", "cross-site".parse().unwrap());
        let response = client.post(format!("{base}/api/v1/stores")).headers(evil)
            .json(&store).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["detail"], "cross-site request refused");
        let stores: Value = client.get(format!("{base}/api/v1/stores")).send().await.unwrap()
            .json().await.unwrap();
        assert_eq!(stores, json!([]), "the cross-site write changed nothing");

        // The same request from the page itself goes through.
        let response = client.post(format!("{base}/api/v1/stores"))
            .header("sec-fetch-site", "same-origin")
            .header(ORIGIN, base.clone())
            .json(&store).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    })
    .await;
}

/// A client at `address` (a loopback address of its own), keeping cookies like a browser.
fn client_at(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// Wrong passwords are limited, and nobody can lock anybody else out: not a colleague behind
/// the shop's shared address, not a fuzzer there, not a guesser elsewhere.
#[tokio::test]
async fn login_limits_stop_guessing_without_locking_anyone_else_out() {
    use vitrin_server::auth::ratelimit::{
        ACCOUNT_MAX_FAILURES, ADDRESS_MAX_FAILURES, MAX_FAILURES,
    };
    each_backend(|env| async move {
        let base = serve(&env).await;
        let owner = env.setup_owner("Café", "s@cafe.test").await;
        env.add_user(&owner, "barista@cafe.test", "editor", &[])
            .await;
        env.add_user(&owner, "cashier@cafe.test", "viewer", &[])
            .await;
        let attempt = |client: &reqwest::Client, email: &str, password: &str| {
            let request = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": password}));
            async move { request.send().await.unwrap() }
        };
        // The owner's browser at the shop has signed in before: it is known to the account.
        let owners_browser = client_at("127.0.0.1");
        let first = attempt(&owners_browser, "s@cafe.test", PASSWORD).await;
        assert_eq!(first.status(), 200);
        assert!(
            first
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("vitrin_known=")),
            "a known-browser cookie"
        );

        // Someone else behind the same address guesses the owner's password.
        let guesser = client_at("127.0.0.1");
        for _ in 0..MAX_FAILURES {
            assert_eq!(
                attempt(&guesser, "s@cafe.test", "wrong password!")
                    .await
                    .status(),
                401
            );
        }
        // Locked for them, even with the right password, and told for how long.
        let locked = attempt(&guesser, "s@cafe.test", PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = locked.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 0 && retry <= 15 * 60);
        // Not for the other accounts behind that address, nor for the owner's own browser.
        assert_eq!(
            attempt(&guesser, "barista@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );
        assert_eq!(
            attempt(&owners_browser, "s@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );

        // A fuzzer at the shop's address sprays wrong passwords over many accounts.
        // (The guesser's failures above count towards the address too, so the last few
        // attempts may already be refused.)
        let fuzzer = client_at("127.0.0.1");
        for n in 0..ADDRESS_MAX_FAILURES {
            let response = attempt(&fuzzer, &format!("nobody{n}@x.test"), "wrong password!").await;
            assert!(
                matches!(response.status().as_u16(), 401 | 429),
                "{}",
                response.status()
            );
        }
        // The address is now refused to clients it does not know...
        let stranger = client_at("127.0.0.1");
        assert_eq!(
            attempt(&stranger, "cashier@cafe.test", PASSWORD)
                .await
                .status(),
            429
        );
        // ...but the owner's known browser there still signs in.
        assert_eq!(
            attempt(&owners_browser, "s@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );

        // Guessing one account from many addresses locks it for unknown clients only.
        for n in 0..ACCOUNT_MAX_FAILURES {
            let client = client_at(&format!("127.0.1.{}", 1 + n / MAX_FAILURES));
            let response = attempt(&client, "s@cafe.test", "wrong password!").await;
            assert!(
                matches!(response.status().as_u16(), 401 | 429),
                "{}",
                response.status()
            );
        }
        let elsewhere = client_at("127.0.2.1");
        assert_eq!(
            attempt(&elsewhere, "s@cafe.test", PASSWORD).await.status(),
            429
        );
        assert_eq!(
            attempt(&owners_browser, "s@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );

        // A known browser's own wrong passwords lock that browser.
        for _ in 0..MAX_FAILURES {
            assert_eq!(
                attempt(&owners_browser, "s@cafe.test", "wrong password!")
                    .await
                    .status(),
                401
            );
        }
        assert_eq!(
            attempt(&owners_browser, "s@cafe.test", PASSWORD)
                .await
                .status(),
            429
        );

        // After the window, the right password works again for everyone.
        vitrin_server::db::sql("UPDATE login_failures SET window_start = window_start - $1")
            .bind(vitrin_server::auth::ratelimit::WINDOW_MS)
            .execute(&env.state.db)
            .await
            .unwrap();
        assert_eq!(
            attempt(&owners_browser, "s@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );
        assert_eq!(
            attempt(&guesser, "s@cafe.test", PASSWORD).await.status(),
            200
        );
        assert_eq!(
            attempt(&stranger, "cashier@cafe.test", PASSWORD)
                .await
                .status(),
            200
        );
    })
    .await;
}

#[tokio::test]
async fn api_tokens_act_as_their_user_until_revoked() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (status, created) = env
            .post(&owner, "/api/v1/tokens", json!({"name": "POS sync"}))
            .await;
        assert_eq!(status, 201);
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("vt_"));
        let token = Auth::Bearer(secret.clone());
        let (status, me) = env.get(&token, "/api/v1/me").await;
        assert_eq!(status, 200);
        assert_eq!(me["role"], "owner");
        // The scheme's name is case-insensitive, as HTTP says.
        for header in [format!("bearer {secret}"), format!("BEARER  {secret}")] {
            let request = axum::http::Request::get("/api/v1/me")
                .header("authorization", header)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = tower::ServiceExt::oneshot(env.app.clone(), request)
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        // Bearer requests are not browser requests: no CSRF headers needed to write.
        let (status, _) = env
            .post(
                &token,
                "/api/v1/stores",
                json!({"name": "From POS", "timezone": "UTC"}),
            )
            .await;
        assert_eq!(status, 201);
        // The list shows it, without the secret; last use is recorded.
        let (_, list) = env.get(&owner, "/api/v1/tokens").await;
        assert_eq!(list[0]["name"], "POS sync");
        assert!(list[0].get("secret").is_none());
        assert!(list[0]["last_used_at"].as_i64().is_some());
        let (status, _) = env
            .delete(&owner, &format!("/api/v1/tokens/{}", created["id"]))
            .await;
        assert_eq!(status, 204);
        let (status, _) = env.get(&token, "/api/v1/me").await;
        assert_eq!(status, 401);
        let (status, _) = env
            .get(&Auth::Bearer("vt_made_up".into()), "/api/v1/me")
            .await;
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test]
async fn everything_is_still_there_after_a_restart() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
            )
            .await;
        let content = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": "منو", "type": "text", "title": "صبحانه", "body": "نان و پنیر"}),
            )
            .await;
        let screen = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Counter", "tags": ["menu"]}),
            )
            .await;
        let (_, before) = env.get(&owner, &format!("/api/v1/screens/{screen}")).await;

        let env = env.restart().await;
        // The session cookie still works: sessions live in the database.
        let (status, me) = env.get(&owner, "/api/v1/me").await;
        assert_eq!(status, 200, "{me}");
        let (_, after) = env.get(&owner, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(before, after);
        let (_, item) = env.get(&owner, &format!("/api/v1/content/{content}")).await;
        assert_eq!(item["title"], "صبحانه");
        let login = env.login("owner@cafe.test", PASSWORD).await;
        let (_, log) = env.get(&login, "/api/v1/audit").await;
        assert!(log.as_array().unwrap().len() >= 4);
    })
    .await;
}

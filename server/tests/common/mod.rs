//! Test harness for the server's API tests: a fresh server state on SQLite, and on PostgreSQL
//! when `VITRIN_TEST_POSTGRES_URL` names an administrative connection (CI always sets it).
#![allow(dead_code)]

pub mod process;

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;
use vitrin_server::{AppState, Config, build_app};

pub const PG_ENV: &str = "VITRIN_TEST_POSTGRES_URL";

/// A server with its own empty database and data directory.
pub struct TestEnv {
    pub backend: &'static str,
    pub state: AppState,
    pub app: Router,
    pub dir: TempDir,
    pg_database: Option<(String, String)>,
}

/// Every backend this run can test: SQLite always, PostgreSQL when configured.
pub fn backends() -> Vec<&'static str> {
    let mut list = vec!["sqlite"];
    if std::env::var(PG_ENV).is_ok_and(|u| !u.is_empty()) {
        list.push("postgres");
    }
    list
}

/// Runs `test` once per backend, each on a fresh server.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestEnv) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("--- on {backend}");
        test(TestEnv::new(backend).await).await;
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestEnv {
    pub async fn new(backend: &'static str) -> TestEnv {
        Self::new_with(backend, |_| {}).await
    }

    /// A fresh server whose configuration `edit` changed first.
    pub async fn new_with(backend: &'static str, edit: impl FnOnce(&mut Config)) -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
        edit(&mut config);
        let mut pg_database = None;
        if backend == "postgres" {
            let admin = std::env::var(PG_ENV).expect("PostgreSQL test URL");
            let name = format!(
                "vitrin_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            admin_sql(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
            admin_sql(&admin, &format!("CREATE DATABASE {name}")).await;
            config.database_url = replace_database(&admin, &name);
            pg_database = Some((admin, name));
        }
        Self::open(backend, config, dir, pg_database).await
    }

    async fn open(
        backend: &'static str,
        config: Config,
        dir: TempDir,
        pg_database: Option<(String, String)>,
    ) -> TestEnv {
        let state = AppState::open(config).await.expect("server state opens");
        TestEnv {
            backend,
            app: build_app(state.clone()),
            state,
            dir,
            pg_database,
        }
    }

    /// The same data directory and database, opened again as a restarted server would.
    pub async fn restart(mut self) -> TestEnv {
        let pg_database = self.pg_database.take();
        let config = (*self.state.config).clone();
        self.state.db.close().await;
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        let backend = self.backend;
        drop(self);
        Self::open(backend, config, dir, pg_database).await
    }

    /// One in-process request. `auth` is a cookie (`vitrin_session=…`) or a bearer token.
    pub async fn call(
        &self,
        auth: &Auth,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        request = auth.apply(request);
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    pub async fn get(&self, auth: &Auth, path: &str) -> (StatusCode, Value) {
        self.call(auth, Method::GET, path, None).await
    }
    pub async fn post(&self, auth: &Auth, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(auth, Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, auth: &Auth, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(auth, Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, auth: &Auth, path: &str) -> (StatusCode, Value) {
        self.call(auth, Method::DELETE, path, None).await
    }

    /// Creates an object and returns its id, failing the test on anything but 201.
    pub async fn create(&self, auth: &Auth, path: &str, body: Value) -> i64 {
        let (status, value) = self.post(auth, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {value}");
        value["id"].as_i64().unwrap()
    }

    /// First-run setup: an organization and its owner, signed in.
    pub async fn setup_owner(&self, organization: &str, email: &str) -> Auth {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/setup")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"organization": organization, "name": "Owner", "email": email,
                       "password": PASSWORD})
                .to_string(),
            ))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        Auth::from_set_cookie(&response)
    }

    /// A second organization cannot come from setup (one per server); tests that need two
    /// tenants add the other one directly, as an operator's provisioning script would.
    pub async fn add_org(&self, organization: &str, email: &str) -> Auth {
        let hash = vitrin_server::auth::password::hash(PASSWORD.into())
            .await
            .unwrap();
        let mut tx = self.state.db.begin().await.unwrap();
        let org = vitrin_server::db::sql(
            "INSERT INTO orgs (name, created_at) VALUES ($1, 0) RETURNING id",
        )
        .bind(organization)
        .fetch_i64(&mut tx)
        .await
        .unwrap();
        vitrin_server::domain::account::create_user_row(
            &mut tx,
            org,
            email,
            "Owner",
            &hash,
            vitrin_server::auth::Role::Owner,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        self.login(email, PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Auth {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login {email}");
        Auth::from_set_cookie(&response)
    }

    /// Adds a user with `role` (and stores, for a store manager) and signs them in.
    pub async fn add_user(&self, owner: &Auth, email: &str, role: &str, stores: &[i64]) -> Auth {
        self.create(
            owner,
            "/api/v1/users",
            json!({"email": email, "name": email, "role": role, "stores": stores,
                   "password": PASSWORD}),
        )
        .await;
        self.login(email, PASSWORD).await
    }

    pub async fn manifest_version(&self, owner: &Auth, screen: i64) -> i64 {
        let (status, value) = self.get(owner, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(status, StatusCode::OK, "{value}");
        value["manifest_version"].as_i64().unwrap()
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_database.take() {
            // Drop is synchronous; a small runtime on a thread of its own does the cleanup.
            std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(admin_sql(
                        &admin,
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ));
            })
            .join()
            .ok();
        }
    }
}

async fn admin_sql(admin_url: &str, statement: &str) {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("PostgreSQL admin connection");
    conn.execute(sqlx::AssertSqlSafe(statement.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

pub const PASSWORD: &str = "a long test password";

/// How a test request authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Cookie(String),
    Bearer(String),
}

impl Auth {
    fn apply(&self, request: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::None => request,
            Auth::Cookie(c) => request.header(header::COOKIE, c),
            Auth::Bearer(t) => request.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
    }

    fn from_set_cookie(response: &axum::http::Response<Body>) -> Auth {
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .expect("a session cookie")
            .to_str()
            .unwrap();
        Auth::Cookie(cookie.split(';').next().unwrap().to_owned())
    }
}

/// The `errors[].code` of a problem-details body for `field`.
pub fn field_codes(problem: &Value, field: &str) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| e["field"] == field)
                .map(|e| e["code"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `build_app` on `127.0.0.1:<free port>` with client addresses; returns the base URL.
pub async fn serve(state: &AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = build_app(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    format!("http://{addr}")
}

/// One Server-Sent Event as received.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub event: String,
    pub id: String,
    pub data: Value,
}

/// A minimal `text/event-stream` reader over a reqwest response.
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    pub async fn connect(url: &str, token: &str, last_event_id: Option<&str>) -> SseClient {
        let mut request = reqwest::Client::new().get(url).bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        SseClient {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments such as keep-alives are skipped), or `None` after `timeout`
    /// or when the stream ended.
    pub async fn next(&mut self, timeout: std::time::Duration) -> Option<SseEvent> {
        match self.read(tokio::time::Instant::now() + timeout).await {
            Read::Event(event) => Some(event),
            Read::Closed | Read::TimedOut => None,
        }
    }

    /// Reads until the server ends the stream: the events it still sent before, or `None`
    /// when the stream was still open after `timeout`.
    pub async fn until_closed(&mut self, timeout: std::time::Duration) -> Option<Vec<SseEvent>> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut events = Vec::new();
        loop {
            match self.read(deadline).await {
                Read::Event(event) => events.push(event),
                Read::Closed => return Some(events),
                Read::TimedOut => return None,
            }
        }
    }

    async fn read(&mut self, deadline: tokio::time::Instant) -> Read {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = SseEvent {
                    event: String::new(),
                    id: String::new(),
                    data: Value::Null,
                };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event.event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        event.id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data = serde_json::from_str(v.trim()).unwrap();
                    }
                }
                if !event.event.is_empty() {
                    return Read::Event(event);
                }
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None) | Err(_)) => return Read::Closed,
                Err(_) => return Read::TimedOut,
            }
        }
    }
}

enum Read {
    Event(SseEvent),
    Closed,
    TimedOut,
}

/// Gives `screen` a device token directly, as pairing would; returns the token.
pub async fn device_token(env: &TestEnv, screen: i64) -> String {
    let mut tx = env.state.db.begin().await.unwrap();
    let token = vitrin_server::player::pairing::set_new_token(&mut tx, screen)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

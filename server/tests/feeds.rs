//! Live feeds end to end: real HTTP servers on 127.0.0.1 serve real-world-shaped samples
//! (tests/fixtures/feeds) and every kind of hostile answer; the server fetches them through its
//! hardened client, keeps the last good data, and puts it in the manifests of exactly the
//! screens that show it. Every test runs on SQLite and, when configured, PostgreSQL.

mod common;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use common::{Auth, TestEnv, each_backend, field_codes};
use futures_util::StreamExt;
use serde_json::{Value, json};
use vitrin_server::AppState;
use vitrin_server::config::FeedLimits;
use vitrin_server::db::now_ms;
use vitrin_server::feeds::refresh::{Outcome, Pass, refresh_due};
use vitrin_shared::ids::{FeedId, ScreenId};

// ---------------------------------------------------------------------------------------------
// A scripted origin server.

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/feeds");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the origin answers on one path.
#[derive(Clone)]
enum Reply {
    /// 200 with this type and body.
    Ok(&'static str, Vec<u8>),
    /// The same, after a pause (to make two refreshers overlap).
    Late(Duration, &'static str, Vec<u8>),
    /// An empty answer with this status.
    Status(u16),
    /// 302 to this location.
    Redirect(String),
    /// Headers at once, then the start of a feed, then a byte every 100 ms, forever.
    Drip,
    /// 200 without a length, 16 KiB chunks for as long as anyone reads.
    Endless,
}

#[derive(Clone, Default)]
struct Origin {
    replies: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    queries: Arc<Mutex<HashMap<String, String>>>,
}

struct MockServer {
    origin: Origin,
    base: String,
}

impl MockServer {
    async fn start() -> MockServer {
        let origin = Origin::default();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(origin.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockServer { origin, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn set(&self, path: &str, reply: Reply) {
        self.origin
            .replies
            .lock()
            .unwrap()
            .insert(path.to_owned(), reply);
    }

    fn serve(&self, path: &str, content_type: &'static str, fixture_name: &str) {
        self.set(path, Reply::Ok(content_type, fixture(fixture_name)));
    }

    fn hits(&self, path: &str) -> usize {
        self.origin
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn query(&self, path: &str) -> HashMap<String, String> {
        let query = self.origin.queries.lock().unwrap()[path].clone();
        url_pairs(&query)
    }
}

fn url_pairs(query: &str) -> HashMap<String, String> {
    let url = reqwest::Url::parse(&format!("http://x/?{query}")).unwrap();
    url.query_pairs().into_owned().collect()
}

async fn answer(State(origin): State<Origin>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    *origin.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    if let Some(query) = uri.query() {
        origin
            .queries
            .lock()
            .unwrap()
            .insert(path.clone(), query.to_owned());
    }
    let reply = origin.replies.lock().unwrap().get(&path).cloned();
    let typed = |content_type: &'static str, body: Body| {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    match reply {
        None => StatusCode::NOT_FOUND.into_response(),
        Some(Reply::Ok(content_type, body)) => typed(content_type, Body::from(body)),
        Some(Reply::Late(pause, content_type, body)) => {
            tokio::time::sleep(pause).await;
            typed(content_type, Body::from(body))
        }
        Some(Reply::Status(code)) => StatusCode::from_u16(code).unwrap().into_response(),
        Some(Reply::Redirect(location)) => {
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        Some(Reply::Drip) => {
            let start = futures_util::stream::once(async {
                Ok::<_, Infallible>(Bytes::from_static(
                    b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>",
                ))
            });
            let drip = futures_util::stream::unfold((), |()| async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Some((Ok::<_, Infallible>(Bytes::from_static(b"a")), ()))
            });
            typed("application/rss+xml", Body::from_stream(start.chain(drip)))
        }
        Some(Reply::Endless) => {
            let chunks = futures_util::stream::repeat_with(|| {
                Ok::<_, Infallible>(Bytes::from(vec![b' '; 16 * 1024]))
            });
            typed("application/rss+xml", Body::from_stream(chunks))
        }
    }
}

/// A raw socket server: writes `answer` to every connection (after reading the request
/// head), then keeps the connection open. An empty answer is a server that never answers.
async fn raw_server(answer: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                if !answer.is_empty() {
                    let _ = socket.write_all(answer).await;
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    format!("http://{addr}/feed.xml")
}

/// A port nothing listens on.
async fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/feed.xml")
}

// ---------------------------------------------------------------------------------------------
// Server set-up and helpers.

const MAX_BYTES: u64 = 256 * 1024;

/// The server with 127.0.0.1 allow-listed (and nothing else), small limits, and the given
/// deadline for a whole fetch.
fn allow_loopback(mut env: TestEnv, total: Duration) -> TestEnv {
    let mut config = (*env.state.config).clone();
    config.feed_allow = vec!["127.0.0.1/32".parse().unwrap()];
    config.feed_limits = FeedLimits {
        connect_timeout: Duration::from_secs(5),
        total_timeout: total,
        max_bytes: MAX_BYTES,
        max_redirects: 3,
        tick: Duration::from_secs(1),
    };
    env.state = env.state.with_config(config);
    env.app = vitrin_server::build_app(env.state.clone());
    env
}

/// Generous: the local fixtures arrive in milliseconds; only the drip tests need the deadline.
const NORMAL: Duration = Duration::from_secs(20);

fn news(name: &str, url: &str) -> Value {
    json!({"name": name, "source": {"type": "news", "url": url}})
}

async fn refresh_now(env: &TestEnv, auth: &Auth, feed: i64) -> Value {
    let (status, value) = env
        .post(auth, &format!("/api/v1/feeds/{feed}/refresh"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value
}

async fn feed(env: &TestEnv, auth: &Auth, id: i64) -> Value {
    let (status, value) = env.get(auth, &format!("/api/v1/feeds/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value
}

fn titles(snapshot: &Value) -> Vec<String> {
    snapshot["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {snapshot}"))
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

fn outcome(pass: &Pass, feed: i64) -> Option<&Outcome> {
    pass.outcomes
        .iter()
        .find(|(id, _)| *id == FeedId(feed))
        .map(|(_, o)| o)
}

/// An organization with one store and two screens: `a` and `b`.
struct Shop {
    owner: Auth,
    store: i64,
    a: i64,
    b: i64,
}

async fn shop(env: &TestEnv) -> Shop {
    let owner = env.setup_owner("Café Vitrin", "owner@cafe.test").await;
    let store = env
        .create(
            &owner,
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let a = env
        .create(
            &owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "counter"}),
        )
        .await;
    let b = env
        .create(
            &owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "window"}),
        )
        .await;
    Shop { owner, store, a, b }
}

/// Shows `content` on `screen` alone (playlist, fullscreen layout, all-day rule); returns the
/// content item's id.
async fn show_on(env: &TestEnv, owner: &Auth, screen: i64, name: &str, content: Value) -> i64 {
    let content = env.create(owner, "/api/v1/content", content).await;
    let playlist = env
        .create(
            owner,
            "/api/v1/playlists",
            json!({"name": name, "entries": [{"content": content, "duration_ms": 10000}]}),
        )
        .await;
    let layout = env
        .create(
            owner,
            "/api/v1/layouts",
            json!({"name": name, "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    env.create(
        owner,
        "/api/v1/rules",
        json!({"name": name, "target": {"type": "layout", "id": layout},
               "scope": {"screens": [screen]}, "when": {"window": {"type": "all_day"}}}),
    )
    .await;
    content
}

fn ticker(name: &str, feed: i64, max_items: u32) -> Value {
    json!({"name": name, "type": "ticker", "source": "feed", "feed": feed,
           "max_items": max_items})
}

async fn manifest(env: &TestEnv, owner: &Auth, screen: i64) -> Value {
    let (status, value) = env
        .get(owner, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value
}

// ---------------------------------------------------------------------------------------------
// Real-world-shaped samples.

#[tokio::test]
async fn rss_with_cdata_and_html_becomes_plain_deduplicated_newest_first_items() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve(
            "/rss",
            "application/rss+xml; charset=UTF-8",
            "rss2-cdata-html.xml",
        );
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let id = env
            .create(
                &owner,
                "/api/v1/feeds",
                news("Business", &origin.url("/rss")),
            )
            .await;
        let created = feed(&env, &owner, id).await;
        assert_eq!(created["kind"], "news");
        assert!(created["state"]["next_refresh_at"].as_i64().unwrap() <= now_ms());
        assert!(created.get("snapshot").is_none(), "{created}");

        let before = now_ms();
        let state = refresh_now(&env, &owner, id).await;
        let snapshot = &state["snapshot"];
        assert_eq!(snapshot["type"], "news");
        assert_eq!(snapshot["stale"], false);
        // Six items, one of them a second copy of the first story: five, newest first.
        assert_eq!(
            titles(snapshot),
            [
                "Central bank holds rates steady for third month",
                "Bazaar reopens after Nowruz – traders expect a busy spring",
                "Saffron exports up 12% on last year",
                "Metro line 10 opens two new stations",
                "Weekend weather: mild and sunny",
            ]
        );
        let items = snapshot["items"].as_array().unwrap();
        assert_eq!(items[0]["published"], "2026-03-21T07:15:00Z");
        // 08:30 in Tehran; the later copy of the same story is gone.
        assert_eq!(items[1]["published"], "2026-03-21T05:00:00Z");
        assert_eq!(
            items[1]["summary"],
            "Shops in the Grand Bazaar opened their shutters on Saturday morning. “We are \
             ready,” said one carpet seller. Read more »"
        );
        // Escaped HTML (and an entity escaped twice) in a plain description.
        assert_eq!(
            items[0]["summary"],
            "The policy rate stays at 23%, the bank said in a statement & a press call."
        );
        // Scripts are dropped, whitespace collapsed.
        assert_eq!(
            items[2]["summary"],
            "Exporters shipped more than 300 tonnes."
        );
        assert_eq!(items[4]["summary"], "Highs of 21 °C expected.");

        let s = &state["state"];
        assert!(s["last_success_at"].as_i64().unwrap() >= before);
        assert_eq!(s["last_error"], Value::Null);
        assert_eq!(s["failures"], 0);
        assert_eq!(s["refreshing"], false);
        // The next fetch is one default news interval (15 minutes) later.
        let next = s["next_refresh_at"].as_i64().unwrap();
        let success = s["last_success_at"].as_i64().unwrap();
        assert_eq!(next - success, 900_000);
    })
    .await;
}

#[tokio::test]
async fn atom_and_rss_1_0_feeds_are_read() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve("/atom", "application/atom+xml", "atom.xml");
        origin.serve("/rdf", "application/rdf+xml", "rss1-rdf.xml");
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let atom = env
            .create(&owner, "/api/v1/feeds", news("Blog", &origin.url("/atom")))
            .await;
        let state = refresh_now(&env, &owner, atom).await;
        let snapshot = &state["snapshot"];
        assert_eq!(
            titles(snapshot),
            [
                "Release 1.4: tickers & weather",
                "Why we pre-shape Persian text",
                // type="text": angle brackets are text, not tags.
                "Plain <title> with angle brackets",
            ]
        );
        let items = snapshot["items"].as_array().unwrap();
        assert_eq!(items[0]["published"], "2026-03-21T02:30:00Z");
        assert_eq!(items[0]["summary"], "Tickers now read RSS and Atom.");
        // No <published>: <updated> dates it. XHTML content becomes the summary.
        assert_eq!(items[1]["published"], "2026-03-19T10:00:00Z");
        assert_eq!(items[1]["summary"], "Bidi is hard. Here is how.");
        assert_eq!(items[2]["summary"], "Nothing special.");

        let rdf = env
            .create(
                &owner,
                "/api/v1/feeds",
                news("Science", &origin.url("/rdf")),
            )
            .await;
        let state = refresh_now(&env, &owner, rdf).await;
        let items = state["snapshot"]["items"].as_array().unwrap();
        assert_eq!(
            titles(&state["snapshot"]),
            [
                "New species of desert beetle described",
                "Comet visible over the Alborz tonight"
            ]
        );
        // dc:date.
        assert_eq!(items[1]["published"], "2026-03-20T15:30:00Z");
        assert_eq!(items[1]["summary"], "Look north-west after sunset.");
    })
    .await;
}

#[tokio::test]
async fn persian_feeds_in_utf8_and_windows_1256_are_decoded() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve("/utf8", "application/rss+xml", "persian-utf8.xml");
        // The charset only in the XML declaration.
        origin.serve("/1256", "text/xml", "persian-windows-1256.xml");
        // The charset in the header as well.
        origin.serve(
            "/1256-header",
            "application/rss+xml; charset=windows-1256",
            "persian-windows-1256.xml",
        );
        // A server that claims UTF-8 for Windows-1256 bytes: the declaration is believed.
        origin.serve(
            "/1256-lying",
            "text/xml; charset=utf-8",
            "persian-windows-1256.xml",
        );
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let utf8 = env
            .create(&owner, "/api/v1/feeds", news("اخبار", &origin.url("/utf8")))
            .await;
        let state = refresh_now(&env, &owner, utf8).await;
        assert_eq!(
            titles(&state["snapshot"]),
            [
                "افتتاح دو ایستگاه جدید متروی تهران",
                // &#8204; is a zero-width non-joiner, and it stays.
                "قیمت\u{200c}ها در بازار میوه کاهش یافت",
                "پیش\u{200c}بینی هوای آفتابی برای آخر هفته",
            ]
        );
        let items = state["snapshot"]["items"].as_array().unwrap();
        assert_eq!(
            items[0]["summary"],
            "دو ایستگاه جدید در خط ۱۰ مترو امروز به بهره\u{200c}برداری رسید."
        );
        assert_eq!(items[1]["summary"], "کاهش «قیمت» سیب و پرتقال");
        assert_eq!(items[0]["published"], "2026-03-21T05:30:00Z");

        // Windows-1256 has no Farsi Yeh: such feeds write the Arabic one (U+064A), which the
        // server stores as the Persian one (U+06CC), as it does typed text. The snapshot is
        // exactly what screens get.
        let expected = [
            "افتتاح دو ایستگاه جدید متروی تهران",
            "قیمت\u{200c}ها در بازار میوه کاهش یافت",
            "پیش\u{200c}بینی هوای آفتابی برای آخر هفته",
        ];
        for (i, path) in ["/1256", "/1256-header", "/1256-lying"].iter().enumerate() {
            let id = env
                .create(
                    &owner,
                    "/api/v1/feeds",
                    news(&format!("قديمي {i}"), &origin.url(path)),
                )
                .await;
            let state = refresh_now(&env, &owner, id).await;
            assert_eq!(state["state"]["last_error"], Value::Null, "{path}: {state}");
            assert_eq!(titles(&state["snapshot"]), expected, "{path}");
            let items = state["snapshot"]["items"].as_array().unwrap();
            assert_eq!(
                items[0]["summary"],
                "دو ایستگاه جدید در خط 10 مترو امروز به بهره\u{200c}برداری رسید.",
                "{path}"
            );
            assert!(!state.to_string().contains('ي'), "{path}: {state}");
        }
    })
    .await;
}

#[tokio::test]
async fn open_meteo_weather_has_units_labels_and_icons() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve(
            "/v1/forecast",
            "application/json; charset=utf-8",
            "open-meteo-tehran.json",
        );
        origin.serve(
            "/us/v1/forecast",
            "application/json",
            "open-meteo-fahrenheit.json",
        );
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let id = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "Tehran weather", "source": {
                    "type": "weather", "base_url": origin.url("/v1/forecast"),
                    "latitude": 35.6892, "longitude": 51.389, "place": "تهران"}}),
            )
            .await;
        let state = refresh_now(&env, &owner, id).await;
        let asked = origin.query("/v1/forecast");
        assert_eq!(asked["latitude"], "35.6892");
        assert_eq!(asked["longitude"], "51.389");
        assert_eq!(asked["forecast_days"], "5");
        assert_eq!(asked["temperature_unit"], "celsius");
        assert_eq!(asked["timezone"], "auto");
        assert!(asked["current"].contains("weather_code"));
        assert!(asked["daily"].contains("temperature_2m_max"));

        let w = &state["snapshot"];
        assert_eq!(w["type"], "weather");
        assert_eq!(w["unit"], "C");
        assert_eq!(w["wind_unit"], "km/h");
        assert_eq!(w["place"], "تهران");
        let now = &w["current"];
        assert_eq!(now["temperature"], 18.4);
        assert_eq!(now["humidity"], 27);
        assert_eq!(now["is_day"], true);
        assert_eq!(now["code"], 2);
        assert_eq!(
            now["condition"],
            json!({"icon": "partly_cloudy", "fa": "نیمه\u{200c}ابری", "en": "Partly cloudy"})
        );
        let days = w["days"].as_array().unwrap();
        // The fifth day has no numbers yet: left out.
        assert_eq!(days.len(), 4);
        assert_eq!(days[0]["date"], "2026-03-21");
        assert_eq!(days[1]["condition"]["icon"], "rain");
        assert_eq!(days[1]["condition"]["fa"], "باران ملایم");
        assert_eq!(days[1]["precipitation_chance"], 78);
        assert_eq!(days[2]["condition"]["icon"], "thunderstorm");
        assert_eq!(days[3]["min"], 6.2);

        let us = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "New York", "source": {
                    "type": "weather", "base_url": origin.url("/us/v1/forecast"),
                    "latitude": 40.71, "longitude": -74.0, "unit": "F", "wind_unit": "mph",
                    "days": 2}}),
            )
            .await;
        let state = refresh_now(&env, &owner, us).await;
        let asked = origin.query("/us/v1/forecast");
        assert_eq!(asked["temperature_unit"], "fahrenheit");
        assert_eq!(asked["wind_speed_unit"], "mph");
        let w = &state["snapshot"];
        assert_eq!(w["unit"], "F");
        assert_eq!(w["wind_unit"], "mph");
        assert_eq!(w["current"]["is_day"], false);
        assert_eq!(w["current"]["condition"]["icon"], "snow");
        assert_eq!(w["days"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn currency_rates_from_json_pointers_in_rial_with_the_change() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve("/rates", "application/json", "currency-rates.json");
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let id = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "Rates", "source": {"type": "currency", "url": origin.url("/rates"),
                    "symbols": [
                        {"symbol": "USD", "label": "دلار آمریکا", "pointer": "/data/usd/sell", "unit": "rial"},
                        {"symbol": "EUR", "pointer": "/data/eur/sell", "unit": "rial"},
                        {"symbol": "AED", "pointer": "/data/aed/sell", "unit": "rial"},
                        {"symbol": "COIN", "label": "سکه امامی", "pointer": "/gold/0/price_toman", "unit": "toman"},
                        {"symbol": "HALF", "pointer": "/gold/1/price_toman", "unit": "toman"}
                    ]}}),
            )
            .await;
        let first = refresh_now(&env, &owner, id).await;
        let rates = first["snapshot"]["rates"].as_array().unwrap().clone();
        let values: Vec<i64> = rates.iter().map(|r| r["value"].as_i64().unwrap()).collect();
        assert_eq!(
            values,
            [1_050_000, 1_148_500, 286_500, 745_000_000, 412_000_000]
        );
        assert_eq!(rates[0]["label"], "دلار آمریکا");
        assert!(rates.iter().all(|r| r.get("previous").is_none()));
        let fetched_at = first["snapshot"]["fetched_at"].clone();

        // The dollar moves.
        let moved = String::from_utf8(fixture("currency-rates.json"))
            .unwrap()
            .replace("\"1,050,000\"", "\"1,062,500\"");
        origin.set("/rates", Reply::Ok("application/json", moved.into_bytes()));
        let second = refresh_now(&env, &owner, id).await;
        let usd = &second["snapshot"]["rates"][0];
        assert_eq!(usd["value"], 1_062_500);
        assert_eq!(usd["previous"], 1_050_000);
        assert!(usd["changed_at"].is_string());
        assert!(second["snapshot"]["rates"][1].get("previous").is_none());
        let changed_fetch = second["snapshot"]["fetched_at"].clone();
        assert_ne!(changed_fetch, fetched_at);

        // The same numbers again: the change stays visible and the snapshot is unchanged.
        let third = refresh_now(&env, &owner, id).await;
        assert_eq!(third["snapshot"], second["snapshot"]);
        assert!(
            third["state"]["last_success_at"].as_i64()
                >= second["state"]["last_success_at"].as_i64()
        );
    })
    .await;
}

#[tokio::test]
async fn rates_typed_in_by_hand_reach_the_board_in_toman_or_rial() {
    each_backend(|env| async move {
        let shop = shop(&env).await;
        let owner = &shop.owner;
        let id = env
            .create(
                owner,
                "/api/v1/feeds",
                json!({"name": "Our rates", "source": {"type": "manual_currency"}}),
            )
            .await;
        let created = feed(&env, owner, id).await;
        assert_eq!(created["kind"], "currency");
        assert_eq!(created["state"]["next_refresh_at"], Value::Null);
        assert_eq!(created["stale_after_secs"], 86_400);
        let board = show_on(
            &env,
            owner,
            shop.a,
            "board",
            json!({"name": "Board", "type": "currency_board", "feed": id,
                   "symbols": ["USD"], "unit": "toman"}),
        )
        .await;
        assert!(board > 0);
        let v0 = env.manifest_version(owner, shop.a).await;

        let rates = |usd: i64| {
            json!({"unit": "toman", "rates": [
                {"symbol": "USD", "label": "دلار", "value": usd},
                {"symbol": "EUR", "value": 114_850}]})
        };
        let (status, value) = env
            .put(owner, &format!("/api/v1/feeds/{id}/rates"), rates(105_000))
            .await;
        assert_eq!(status, StatusCode::OK, "{value}");
        assert_eq!(value["snapshot"]["rates"][0]["value"], 1_050_000);
        assert_eq!(value["state"]["last_error"], Value::Null);
        assert_eq!(env.manifest_version(owner, shop.a).await, v0 + 1);
        // The board lists only USD: the screen gets only USD.
        let m = manifest(&env, owner, shop.a).await;
        assert_eq!(m["feeds"].as_array().unwrap().len(), 1);
        let shown = m["feeds"][0]["rates"].as_array().unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0]["symbol"], "USD");

        let (_, value) = env
            .put(owner, &format!("/api/v1/feeds/{id}/rates"), rates(106_200))
            .await;
        let usd = &value["snapshot"]["rates"][0];
        assert_eq!(
            (usd["value"].as_i64(), usd["previous"].as_i64()),
            (Some(1_062_000), Some(1_050_000))
        );
        assert_eq!(env.manifest_version(owner, shop.a).await, v0 + 2);
        // Only EUR moves.
        let (_, value) = env
            .put(
                owner,
                &format!("/api/v1/feeds/{id}/rates"),
                json!({"unit": "rial", "rates": [
                    {"symbol": "USD", "label": "دلار", "value": 1_062_000},
                    {"symbol": "EUR", "value": 1_200_000}]}),
            )
            .await;
        assert_eq!(value["snapshot"]["rates"][1]["previous"], 1_148_500);
        // The screen's copy holds USD alone, unchanged, but the data's time moved.
        assert_eq!(env.manifest_version(owner, shop.a).await, v0 + 3);
        let m = manifest(&env, owner, shop.a).await;
        assert_eq!(m["feeds"][0]["rates"].as_array().unwrap().len(), 1);
        assert_eq!(m["feeds"][0]["rates"][0]["previous"], 1_050_000);

        // Nothing to fetch; typed rates are checked.
        let (status, _) = env
            .post(owner, &format!("/api/v1/feeds/{id}/refresh"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, problem) = env
            .put(
                owner,
                &format!("/api/v1/feeds/{id}/rates"),
                json!({"unit": "toman", "rates": [
                    {"symbol": "USD", "value": 0}, {"symbol": "USD", "value": 5}]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "rates.0.value"), ["out_of_range"]);
        assert_eq!(field_codes(&problem, "rates.1.symbol"), ["duplicate"]);
        let viewer = env.add_user(owner, "viewer@cafe.test", "viewer", &[]).await;
        let (status, _) = env
            .put(&viewer, &format!("/api/v1/feeds/{id}/rates"), rates(1))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let _ = shop.store;
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Hostile answers.

/// Serves `reply`, refreshes, and checks the error recorded and the data kept.
async fn expect_failure(
    env: &TestEnv,
    owner: &Auth,
    id: i64,
    good: &Value,
    failures: &mut i64,
    words: &str,
) {
    let state = refresh_now(env, owner, id).await;
    *failures += 1;
    let error = state["state"]["last_error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error recorded for '{words}': {state}"));
    assert!(error.contains(words), "expected '{words}' in: {error}");
    assert_eq!(
        state["snapshot"], *good,
        "the last good data stays ({words})"
    );
    assert_eq!(state["state"]["failures"], *failures);
    assert_eq!(state["state"]["stale"], false);
}

#[tokio::test]
async fn hostile_news_answers_are_recorded_and_the_last_good_data_kept() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        let port = origin.base.rsplit(':').next().unwrap().to_owned();
        let env = allow_loopback(env, NORMAL);
        let shop = shop(&env).await;
        let owner = &shop.owner;
        origin.serve("/feed", "application/rss+xml", "rss2-cdata-html.xml");
        let id = env
            .create(owner, "/api/v1/feeds", news("News", &origin.url("/feed")))
            .await;
        show_on(&env, owner, shop.a, "ticker", ticker("Ticker", id, 10)).await;
        let good = refresh_now(&env, owner, id).await["snapshot"].clone();
        assert_eq!(titles(&good).len(), 5);
        let version = env.manifest_version(owner, shop.a).await;

        let mut failures = 0;
        let cases: Vec<(Reply, String)> = vec![
            (
                Reply::Ok(
                    "application/rss+xml",
                    b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Broken</item></channel></rss>".to_vec(),
                ),
                "the feed is not valid XML".into(),
            ),
            (
                Reply::Ok("application/rss+xml", b"<rss version=\"2.0\"><channel><title>cut".to_vec()),
                "the feed ends before its channel is complete".into(),
            ),
            (
                Reply::Ok("text/html; charset=utf-8", b"<!DOCTYPE html><html><body>Login</body></html>".to_vec()),
                "but the server sent text/html".into(),
            ),
            (
                Reply::Ok("text/xml", b"<html><body>Not a feed</body></html>".to_vec()),
                "a web page (HTML), not an RSS or Atom feed".into(),
            ),
            (
                Reply::Ok("application/json", b"{\"items\": []}".to_vec()),
                "expected an RSS or Atom feed (XML) but the server sent application/json".into(),
            ),
            (
                Reply::Ok("application/xml", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec()),
                "not an RSS or Atom feed (it starts with <svg>)".into(),
            ),
            (
                Reply::Ok("application/rss+xml", b"<rss version=\"2.0\"><channel><title>Empty</title></channel></rss>".to_vec()),
                "the feed has no items".into(),
            ),
            (Reply::Ok("application/rss+xml", Vec::new()), "empty or not XML".into()),
            (Reply::Status(404), "the server answered 404 Not Found".into()),
            (Reply::Status(500), "the server answered 500 Internal Server Error".into()),
            (Reply::Endless, "larger than the limit of 256 KiB".into()),
            (
                Reply::Redirect("http://10.0.0.7/feed".into()),
                "10.0.0.7 is 10.0.0.7, a private network address".into(),
            ),
            (
                Reply::Redirect("http://169.254.169.254/latest/meta-data/".into()),
                "a link-local address".into(),
            ),
            // Loopback, but not the allow-listed address.
            (
                Reply::Redirect(format!("http://127.0.0.2:{port}/feed")),
                "127.0.0.2, a loopback address".into(),
            ),
            (
                Reply::Redirect(format!("http://[::1]:{port}/feed")),
                "::1, a loopback address".into(),
            ),
            (
                Reply::Redirect(format!("http://[::ffff:192.168.1.1]:{port}/feed")),
                "a private network address".into(),
            ),
            (Reply::Redirect("/feed".into()), "more than 3 redirects".into()),
            // https is compiled in (rustls): a plain-HTTP server fails the handshake.
            (
                Reply::Redirect(format!("https://127.0.0.1:{port}/feed")),
                "cannot connect to 127.0.0.1".into(),
            ),
            (Reply::Redirect("ftp://example.com/feed".into()), "redirected without a valid Location".into()),
        ];
        for (reply, words) in cases {
            origin.set("/feed", reply);
            expect_failure(&env, owner, id, &good, &mut failures, &words).await;
        }
        // Nothing reached the screen.
        assert_eq!(env.manifest_version(owner, shop.a).await, version);

        // A real feed served as a web page is read all the same: the document decides.
        origin.serve("/as-html", "text/html; charset=utf-8", "rss1-rdf.xml");
        let lenient = env
            .create(owner, "/api/v1/feeds", news("Sloppy server", &origin.url("/as-html")))
            .await;
        let state = refresh_now(&env, owner, lenient).await;
        assert_eq!(state["state"]["last_error"], Value::Null, "{state}");
        assert_eq!(titles(&state["snapshot"]).len(), 2);

        // A body that says it is 10 GiB long is refused before it is read.
        let huge = raw_server(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
              Content-Length: 10737418240\r\n\r\n<rss version=\"2.0\">",
        )
        .await;
        env.put(owner, &format!("/api/v1/feeds/{id}"), news("News", &huge))
            .await;
        failures = 0;
        expect_failure(&env, owner, id, &good, &mut failures, "larger than the limit of 256 KiB")
            .await;

        // A server that is gone.
        let gone = closed_port_url().await;
        let (status, _) = env
            .put(owner, &format!("/api/v1/feeds/{id}"), news("News", &gone))
            .await;
        assert_eq!(status, StatusCode::OK);
        let state = refresh_now(&env, owner, id).await;
        let error = state["state"]["last_error"].as_str().unwrap();
        assert!(error.starts_with("cannot connect to 127.0.0.1"), "{error}");
        assert_eq!(state["snapshot"], good);
        // A new address starts a new count.
        assert_eq!(state["state"]["failures"], 1);

        // A redirect inside the allow-list is followed, and the feed recovers.
        origin.serve("/feed", "application/rss+xml", "rss2-cdata-html.xml");
        origin.set("/moved", Reply::Redirect("/feed".into()));
        env.put(owner, &format!("/api/v1/feeds/{id}"), news("News", &origin.url("/moved")))
            .await;
        let state = refresh_now(&env, owner, id).await;
        assert_eq!(state["state"]["last_error"], Value::Null, "{state}");
        assert_eq!(state["state"]["failures"], 0);
        assert_eq!(state["snapshot"]["items"], good["items"]);
        assert_eq!(env.manifest_version(owner, shop.a).await, version);
    })
    .await;
}

#[tokio::test]
async fn hostile_json_answers_are_recorded_and_the_last_good_data_kept() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        origin.serve("/forecast", "application/json", "open-meteo-tehran.json");
        origin.serve("/rates", "application/json", "currency-rates.json");
        let weather = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "Weather", "source": {"type": "weather",
                    "base_url": origin.url("/forecast"), "latitude": 35.7, "longitude": 51.4}}),
            )
            .await;
        let rates = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "Rates", "source": {"type": "currency", "url": origin.url("/rates"),
                    "symbols": [{"symbol": "USD", "pointer": "/data/usd/sell", "unit": "rial"}]}}),
            )
            .await;
        let good_weather = refresh_now(&env, &owner, weather).await["snapshot"].clone();
        let good_rates = refresh_now(&env, &owner, rates).await["snapshot"].clone();
        assert_eq!(good_weather["current"]["code"], 2);
        assert_eq!(good_rates["rates"][0]["value"], 1_050_000);

        let mut failures = 0;
        for (reply, words) in [
            (
                Reply::Ok(
                    "application/json",
                    b"{\"current\": {\"temperature_2m\": 18.".to_vec(),
                ),
                "the weather answer is not valid JSON",
            ),
            (
                Reply::Ok(
                    "application/json",
                    br#"{"error":true,"reason":"Latitude must be in range of -90 to 90"}"#.to_vec(),
                ),
                "the weather answer has no current conditions",
            ),
            (
                Reply::Ok("text/html", b"<html>Rate limit exceeded</html>".to_vec()),
                "expected JSON but the server sent text/html",
            ),
            (
                Reply::Status(429),
                "the server answered 429 Too Many Requests",
            ),
            (
                Reply::Status(503),
                "the server answered 503 Service Unavailable",
            ),
        ] {
            origin.set("/forecast", reply);
            expect_failure(&env, &owner, weather, &good_weather, &mut failures, words).await;
        }

        let mut failures = 0;
        let no_usd = br#"{"status": "ok", "data": {"eur": {"sell": 1148500}}}"#.to_vec();
        let closed = r#"{"status": "ok", "data": {"usd": {"sell": "—"}}}"#
            .as_bytes()
            .to_vec();
        for (reply, words) in [
            (
                Reply::Ok("application/json", no_usd),
                "the pointer /data/usd/sell of USD finds nothing in the answer",
            ),
            (
                Reply::Ok("application/json", closed),
                "the pointer /data/usd/sell of USD finds \"—\", not a positive number",
            ),
            (
                Reply::Ok("application/json", b"{\"data\": {\"usd\": ".to_vec()),
                "the answer is not valid JSON",
            ),
            (
                Reply::Ok("application/xml", b"<rates/>".to_vec()),
                "expected JSON but the server sent application/xml",
            ),
        ] {
            origin.set("/rates", reply);
            expect_failure(&env, &owner, rates, &good_rates, &mut failures, words).await;
        }
    })
    .await;
}

#[tokio::test]
async fn slow_drip_and_silent_servers_are_cut_off_at_the_deadline() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.set("/drip", Reply::Drip);
        let silent = raw_server(b"").await;
        let env = allow_loopback(env, Duration::from_secs(2));
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        origin.serve("/good", "application/rss+xml", "rss1-rdf.xml");
        let id = env
            .create(&owner, "/api/v1/feeds", news("Slow", &origin.url("/good")))
            .await;
        let good = refresh_now(&env, &owner, id).await["snapshot"].clone();
        assert_eq!(titles(&good).len(), 2);
        let mut failures = 0;
        for url in [origin.url("/drip"), silent.clone()] {
            env.put(&owner, &format!("/api/v1/feeds/{id}"), news("Slow", &url))
                .await;
            failures = 0;
            expect_failure(
                &env,
                &owner,
                id,
                &good,
                &mut failures,
                "no complete answer within 2 seconds",
            )
            .await;
        }
        assert_eq!(failures, 1);
    })
    .await;
}

#[tokio::test]
async fn private_addresses_need_the_allow_list() {
    each_backend(|env| async move {
        // No allow-list: the defaults.
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        assert!(env.state.config.feed_allow.is_empty());
        for (url, field) in [
            ("http://127.0.0.1:9/feed", "source.url"),
            ("http://10.1.2.3/rss", "source.url"),
            ("http://[fd00::1]/rss", "source.url"),
            ("http://[::ffff:169.254.169.254]/", "source.url"),
        ] {
            let (status, problem) = env
                .post(&owner, "/api/v1/feeds", news("Intranet", url))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
            assert_eq!(field_codes(&problem, field), ["blocked_address"], "{url}");
        }
        // A name is only resolved when fetched, and its addresses are checked then.
        let id = env
            .create(
                &owner,
                "/api/v1/feeds",
                news("Local", "http://localhost:9/feed.xml"),
            )
            .await;
        let state = refresh_now(&env, &owner, id).await;
        let error = state["state"]["last_error"].as_str().unwrap();
        assert!(
            error.starts_with("localhost is ") && error.contains("a loopback address"),
            "{error}"
        );
        assert!(error.contains("--feed-allow"), "{error}");
        assert!(state.get("snapshot").is_none());
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Manifests, the loop, staleness, back-off, leases.

#[tokio::test]
async fn a_screens_manifest_holds_the_feeds_its_content_shows_and_a_change_bumps_only_it() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        let env = allow_loopback(env, NORMAL);
        origin.serve("/news", "application/rss+xml", "rss2-cdata-html.xml");
        origin.serve("/forecast", "application/json", "open-meteo-tehran.json");
        let shop = shop(&env).await;
        let owner = &shop.owner;
        let news_feed = env
            .create(owner, "/api/v1/feeds", news("News", &origin.url("/news")))
            .await;
        let weather = env
            .create(
                owner,
                "/api/v1/feeds",
                json!({"name": "Weather", "source": {"type": "weather",
                    "base_url": origin.url("/forecast"), "latitude": 35.7, "longitude": 51.4}}),
            )
            .await;
        // Screen a shows a ticker of three items; screen b shows the weather.
        show_on(
            &env,
            owner,
            shop.a,
            "ticker",
            ticker("Ticker", news_feed, 3),
        )
        .await;
        show_on(
            &env,
            owner,
            shop.b,
            "weather",
            json!({"name": "Weather slide", "type": "weather", "feed": weather, "lang": "fa"}),
        )
        .await;
        let (a0, b0) = (
            env.manifest_version(owner, shop.a).await,
            env.manifest_version(owner, shop.b).await,
        );
        // No data yet: nothing to carry.
        assert_eq!(manifest(&env, owner, shop.a).await["feeds"], json!([]));

        // The first pass fetches both (they are due at once) and bumps each screen once.
        let t0 = now_ms();
        let pass = refresh_due(&env.state, t0).await.unwrap();
        assert_eq!(outcome(&pass, news_feed), Some(&Outcome::Changed));
        assert_eq!(outcome(&pass, weather), Some(&Outcome::Changed));
        let mut bumped = pass.bumped.clone();
        bumped.sort();
        assert_eq!(bumped, [ScreenId(shop.a), ScreenId(shop.b)]);
        assert_eq!(env.manifest_version(owner, shop.a).await, a0 + 1);
        assert_eq!(env.manifest_version(owner, shop.b).await, b0 + 1);

        let m = manifest(&env, owner, shop.a).await;
        let feeds = m["feeds"].as_array().unwrap();
        assert_eq!(feeds.len(), 1, "only the ticker's feed: {m}");
        assert_eq!(feeds[0]["feed"], news_feed);
        assert_eq!(feeds[0]["type"], "news");
        assert_eq!(feeds[0]["stale"], false);
        // Cut to the ticker's three newest.
        assert_eq!(
            titles(&feeds[0]),
            [
                "Central bank holds rates steady for third month",
                "Bazaar reopens after Nowruz – traders expect a busy spring",
                "Saffron exports up 12% on last year",
            ]
        );
        let m = manifest(&env, owner, shop.b).await;
        assert_eq!(m["feeds"].as_array().unwrap().len(), 1);
        assert_eq!(m["feeds"][0]["feed"], weather);
        assert_eq!(m["feeds"][0]["current"]["condition"]["en"], "Partly cloudy");

        // Nothing is due a second later.
        let pass = refresh_due(&env.state, t0 + 1_000).await.unwrap();
        assert!(pass.fetched().is_empty(), "{pass:?}");
        assert_eq!(origin.hits("/news"), 1);

        // Due again (15 minutes for news): the same items bump nobody.
        let t1 = t0 + 901_000;
        let pass = refresh_due(&env.state, t1).await.unwrap();
        assert_eq!(outcome(&pass, news_feed), Some(&Outcome::Unchanged));
        assert_eq!(outcome(&pass, weather), None, "weather is every 30 minutes");
        assert!(pass.bumped.is_empty());
        assert_eq!(env.manifest_version(owner, shop.a).await, a0 + 1);

        // A new story: exactly screen a moves.
        let fresh = String::from_utf8(fixture("rss2-cdata-html.xml"))
            .unwrap()
            .replacen(
                "<item>",
                "<item><title>Breaking: saffron prices hit a record</title>\
                 <guid>https://news.example.org/?p=10460</guid>\
                 <pubDate>Sat, 21 Mar 2026 12:00:00 +0330</pubDate></item><item>",
                1,
            );
        origin.set(
            "/news",
            Reply::Ok("application/rss+xml", fresh.into_bytes()),
        );
        let t2 = t1 + 901_000;
        let pass = refresh_due(&env.state, t2).await.unwrap();
        assert_eq!(outcome(&pass, news_feed), Some(&Outcome::Changed));
        assert_eq!(pass.bumped, [ScreenId(shop.a)]);
        assert_eq!(env.manifest_version(owner, shop.a).await, a0 + 2);
        assert_eq!(env.manifest_version(owner, shop.b).await, b0 + 1);
        let m = manifest(&env, owner, shop.a).await;
        assert_eq!(
            m["feeds"][0]["items"][0]["title"],
            "Breaking: saffron prices hit a record"
        );
        assert_eq!(m["feeds"][0]["items"].as_array().unwrap().len(), 3);

        // The feed is in use: it cannot be deleted.
        let (status, problem) = env
            .delete(owner, &format!("/api/v1/feeds/{news_feed}"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("content"));
    })
    .await;
}

#[tokio::test]
async fn data_past_its_age_turns_stale_and_that_reaches_the_screen() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        let env = allow_loopback(env, NORMAL);
        origin.serve("/news", "application/rss+xml", "rss1-rdf.xml");
        let shop = shop(&env).await;
        let owner = &shop.owner;
        let id = env
            .create(
                owner,
                "/api/v1/feeds",
                json!({"name": "News", "source": {"type": "news", "url": origin.url("/news")},
                       "refresh": {"every_secs": 300}, "stale_after_secs": 600}),
            )
            .await;
        show_on(&env, owner, shop.a, "ticker", ticker("Ticker", id, 5)).await;
        let t0 = now_ms();
        refresh_due(&env.state, t0).await.unwrap();
        let v1 = env.manifest_version(owner, shop.a).await;

        origin.set("/news", Reply::Status(502));
        // A failure inside the age limit changes nothing on screen.
        let pass = refresh_due(&env.state, t0 + 301_000).await.unwrap();
        assert!(matches!(outcome(&pass, id), Some(Outcome::Failed(_))));
        assert!(pass.went_stale.is_empty() && pass.bumped.is_empty());
        assert_eq!(env.manifest_version(owner, shop.a).await, v1);

        // Past the limit: stale, and the screen is told.
        let pass = refresh_due(&env.state, t0 + 601_000).await.unwrap();
        assert_eq!(pass.went_stale, [FeedId(id)]);
        assert_eq!(pass.bumped, [ScreenId(shop.a)]);
        assert_eq!(env.manifest_version(owner, shop.a).await, v1 + 1);
        let m = manifest(&env, owner, shop.a).await;
        assert_eq!(m["feeds"][0]["stale"], true);
        assert_eq!(titles(&m["feeds"][0]).len(), 2, "stale data is still shown");
        assert_eq!(feed(&env, owner, id).await["state"]["stale"], true);
        // It turns stale once.
        let pass = refresh_due(&env.state, t0 + 602_000).await.unwrap();
        assert!(pass.went_stale.is_empty());

        // The source answers again with the same items: fresh again, and the screen is told.
        origin.serve("/news", "application/rss+xml", "rss1-rdf.xml");
        let pass = refresh_due(&env.state, t0 + 3_600_000).await.unwrap();
        assert_eq!(outcome(&pass, id), Some(&Outcome::Unchanged));
        assert_eq!(pass.bumped, [ScreenId(shop.a)]);
        let m = manifest(&env, owner, shop.a).await;
        assert_eq!(m["feeds"][0]["stale"], false);
        assert_eq!(env.manifest_version(owner, shop.a).await, v1 + 2);
    })
    .await;
}

#[tokio::test]
async fn the_loop_the_server_starts_fetches_due_sources_by_itself() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.serve("/news", "application/rss+xml", "rss1-rdf.xml");
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let id = env
            .create(&owner, "/api/v1/feeds", news("News", &origin.url("/news")))
            .await;
        let running = tokio::spawn(vitrin_server::feeds::refresh::run(env.state.clone()));
        // Wait (generously) for the loop; what is checked is that it happened, not how fast.
        let mut state = Value::Null;
        for _ in 0..300 {
            state = feed(&env, &owner, id).await;
            if state["state"]["last_success_at"].is_i64() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        running.abort();
        assert!(state["state"]["last_success_at"].is_i64(), "{state}");
        assert_eq!(titles(&state["snapshot"]).len(), 2);
        assert_eq!(origin.hits("/news"), 1);
    })
    .await;
}

#[tokio::test]
async fn failures_back_off_exponentially_up_to_a_cap() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        origin.set("/down", Reply::Status(500));
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let id = env
            .create(&owner, "/api/v1/feeds", news("Down", &origin.url("/down")))
            .await;
        let mut t = now_ms();
        let mut waits = Vec::new();
        for _ in 0..9 {
            let pass = refresh_due(&env.state, t).await.unwrap();
            assert!(
                matches!(outcome(&pass, id), Some(Outcome::Failed(_))),
                "{pass:?}"
            );
            let state = feed(&env, &owner, id).await["state"].clone();
            let next = state["next_refresh_at"].as_i64().unwrap();
            waits.push((next - t) / 1000);
            // Not due a moment before.
            let early = refresh_due(&env.state, next - 1).await.unwrap();
            assert!(early.fetched().is_empty());
            t = next;
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(feed(&env, &owner, id).await["state"]["failures"], 9);
    })
    .await;
}

#[tokio::test]
async fn two_refreshers_fetch_a_source_once() {
    each_backend(|env| async move {
        let origin = MockServer::start().await;
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        // The answer takes a moment, so both refreshers are busy at the same time.
        let late = Reply::Late(
            Duration::from_millis(300),
            "application/rss+xml",
            fixture("rss1-rdf.xml"),
        );
        origin.set("/one", late.clone());
        origin.set("/two", late);
        let one = env
            .create(&owner, "/api/v1/feeds", news("One", &origin.url("/one")))
            .await;

        // Two server instances on the same database.
        let other = AppState::open((*env.state.config).clone()).await.unwrap();
        let now = now_ms();
        let (a, b) = tokio::join!(refresh_due(&env.state, now), refresh_due(&other, now));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(origin.hits("/one"), 1, "{a:?} {b:?}");
        let mut fetched = a.fetched();
        fetched.extend(b.fetched());
        assert_eq!(fetched, [FeedId(one)]);

        // Two passes racing inside one instance.
        let two = env
            .create(&owner, "/api/v1/feeds", news("Two", &origin.url("/two")))
            .await;
        let now = now_ms();
        let (a, b) = tokio::join!(refresh_due(&env.state, now), refresh_due(&env.state, now));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(origin.hits("/two"), 1, "{a:?} {b:?}");
        assert_eq!(a.fetched().len() + b.fetched().len(), 1);
        assert_eq!(feed(&env, &owner, two).await["state"]["refreshing"], false);
        other.db.close().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// The API: validation, roles, tenancy, references.

#[tokio::test]
async fn feed_settings_are_validated() {
    each_backend(|env| async {
        let env = allow_loopback(env, NORMAL);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let cases = [
            (
                news("Bad", "feeds.example.com/rss"),
                "source.url",
                "invalid",
            ),
            (
                news("Bad", "ftp://example.com/rss"),
                "source.url",
                "invalid",
            ),
            (news("", "https://example.com/rss"), "name", "required"),
            (
                json!({"name": "W", "source": {"type": "weather", "latitude": 91, "longitude": 0}}),
                "source.latitude",
                "out_of_range",
            ),
            (
                json!({"name": "W", "source": {"type": "weather", "latitude": 1, "longitude": 1,
                       "days": 30}}),
                "source.days",
                "out_of_range",
            ),
            (
                json!({"name": "C", "source": {"type": "currency", "url": "https://x.example/r",
                       "symbols": [{"symbol": "USD", "pointer": "data/usd", "unit": "rial"}]}}),
                "source.symbols.0.pointer",
                "invalid",
            ),
            (
                json!({"name": "C", "source": {"type": "currency", "url": "https://x.example/r",
                       "symbols": []}}),
                "source.symbols",
                "out_of_range",
            ),
            (
                json!({"name": "N", "source": {"type": "news", "url": "https://x.example/r"},
                       "refresh": {"cron": "*/10 * * * *"}}),
                "refresh.timezone",
                "required",
            ),
            (
                json!({"name": "N", "source": {"type": "news", "url": "https://x.example/r"},
                       "refresh": {"cron": "every ten minutes", "timezone": "Asia/Tehran"}}),
                "refresh.cron",
                "invalid",
            ),
            (
                json!({"name": "N", "source": {"type": "news", "url": "https://x.example/r"},
                       "refresh": {"every_secs": 10}}),
                "refresh.every_secs",
                "out_of_range",
            ),
            (
                json!({"name": "N", "source": {"type": "news", "url": "https://x.example/r"},
                       "stale_after_secs": 1}),
                "stale_after_secs",
                "out_of_range",
            ),
        ];
        for (body, field, code) in cases {
            let (status, problem) = env.post(&owner, "/api/v1/feeds", body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(field_codes(&problem, field), [code], "{body}: {problem}");
        }
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/feeds",
                json!({"name": "N", "source": {"type": "rss", "url": "https://x.example/r"}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // A cron line in a timezone is kept as given; https is fine.
        let (status, value) = env
            .post(
                &owner,
                "/api/v1/feeds",
                json!({"name": "Morning", "source": {"type": "news", "url": "https://x.example/r"},
                       "refresh": {"cron": "0 8 * * *", "timezone": "Asia/Tehran"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{value}");
        assert_eq!(
            value["refresh"],
            json!({"cron": "0 8 * * *", "timezone": "Asia/Tehran"})
        );
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/feeds",
                news("Morning", "https://y.example/r"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "names are unique");
        let id = value["id"].as_i64().unwrap();
        // Its kind cannot change.
        let (status, problem) = env
            .put(
                &owner,
                &format!("/api/v1/feeds/{id}"),
                json!({"name": "Morning", "source": {"type": "manual_currency"}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "source.type"), ["immutable"]);
        // Defaults by kind.
        let (_, value) = env
            .put(
                &owner,
                &format!("/api/v1/feeds/{id}"),
                news("Morning", "https://x.example/r"),
            )
            .await;
        assert_eq!(value["refresh"], json!({"every_secs": 900}));
        assert_eq!(value["stale_after_secs"], 21_600);
    })
    .await;
}

#[tokio::test]
async fn roles_tenancy_and_references_are_those_of_content() {
    each_backend(|env| async {
        let env = allow_loopback(env, NORMAL);
        let shop = shop(&env).await;
        let owner = &shop.owner;
        let editor = env.add_user(owner, "editor@cafe.test", "editor", &[]).await;
        let viewer = env.add_user(owner, "viewer@cafe.test", "viewer", &[]).await;
        let manager = env
            .add_user(owner, "manager@cafe.test", "store_manager", &[shop.store])
            .await;
        let stranger = env.add_org("Other shop", "owner@other.test").await;

        let id = env
            .create(
                &editor,
                "/api/v1/feeds",
                news("News", "https://news.example/rss"),
            )
            .await;
        env.create(
            &manager,
            "/api/v1/feeds",
            news("Branch", "https://news.example/b"),
        )
        .await;
        let (status, _) = env
            .post(
                &viewer,
                "/api/v1/feeds",
                news("No", "https://news.example/rss"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, list) = env.get(&viewer, "/api/v1/feeds").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(feed(&env, &viewer, id).await["name"], "News");
        let path = format!("/api/v1/feeds/{id}");
        let refresh = format!("{path}/refresh");
        let (status, _) = env
            .put(&viewer, &path, news("News", "https://news.example/x"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env.post(&viewer, &refresh, json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env.delete(&viewer, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Another organization sees nothing.
        let (status, list) = env.get(&stranger, "/api/v1/feeds").await;
        assert_eq!((status, list), (StatusCode::OK, json!([])));
        for (status, _) in [
            env.get(&stranger, &path).await,
            env.put(&stranger, &path, news("Mine", "https://news.example/x"))
                .await,
            env.post(&stranger, &refresh, json!({})).await,
            env.delete(&stranger, &path).await,
            env.put(
                &stranger,
                &format!("{path}/rates"),
                json!({"unit": "rial", "rates": []}),
            )
            .await,
        ] {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        // …and cannot point its content at it.
        let (status, problem) = env
            .post(&stranger, "/api/v1/content", ticker("Theirs", id, 5))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "feed"), ["unknown"]);

        // Content must point at an existing feed of the right kind.
        let (status, problem) = env
            .post(owner, "/api/v1/content", ticker("Nowhere", 999_999, 5))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "feed"), ["unknown"]);
        let (status, problem) = env
            .post(
                owner,
                "/api/v1/content",
                json!({"name": "W", "type": "weather", "feed": id}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "feed"), ["wrong_feed_kind"]);
        let (status, problem) = env
            .post(owner, "/api/v1/content", ticker("Too many", id, 500))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "max_items"), ["out_of_range"]);

        // In use: 409 naming the user; free again once the content is gone.
        let content = env
            .create(&editor, "/api/v1/content", ticker("Ticker", id, 5))
            .await;
        let (status, problem) = env.delete(&editor, &path).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("content {content}")),
            "{problem}"
        );
        let (status, _) = env
            .delete(&editor, &format!("/api/v1/content/{content}"))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = env.delete(&editor, &path).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = env.get(owner, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The audit log names the feed changes.
        let (_, audit) = env.get(owner, "/api/v1/audit").await;
        let text = audit.to_string();
        assert!(text.contains("create feed 'News'") && text.contains("delete feed 'News'"));
    })
    .await;
}

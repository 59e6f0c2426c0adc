//! Reports and QR promos end to end: proof of play through `/api/player/v1/plays`, scans
//! through `/q/{code}`, heartbeats through `/api/player/v1/heartbeat`; then the JSON, CSV and
//! SVG reports, checked number by number.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use common::{Auth, TestEnv, device_token, each_backend, field_codes};
use serde_json::{Value, json};
use tower::ServiceExt;

const TEHRAN: &str = "Asia/Tehran";

struct Shop {
    owner: Auth,
    store: i64,
    screens: [i64; 2],
    tokens: [Auth; 2],
    tea: i64,
    evil: i64,
    promo: i64,
    playlist: i64,
}

/// An owner, one store in Tehran with two screens, a playlist of a Persian-named item, an item
/// whose name is a spreadsheet formula, and a QR promo.
async fn shop(env: &TestEnv) -> Shop {
    let owner = env.setup_owner("Café", "owner@cafe.test").await;
    let store = env
        .create(
            &owner,
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": TEHRAN}),
        )
        .await;
    let text = |name: &str| json!({"name": name, "type": "text", "title": "t", "body": "b"});
    let tea = env.create(&owner, "/api/v1/content", text("چای")).await;
    let evil = env
        .create(&owner, "/api/v1/content", text("=HYPERLINK(\"x\",\"y\")"))
        .await;
    let promo = env
        .create(
            &owner,
            "/api/v1/content",
            json!({"name": "Yalda promo", "type": "qr_promo", "headline": "۲۰٪ تخفیف",
                   "url": "https://shop.example/yalda?src=screen"}),
        )
        .await;
    let playlist = env
        .create(
            &owner,
            "/api/v1/playlists",
            json!({"name": "Main", "entries": [
                {"content": tea, "duration_ms": 8000},
                {"content": evil, "duration_ms": 8000},
                {"content": promo, "duration_ms": 8000}]}),
        )
        .await;
    let layout = env
        .create(
            &owner,
            "/api/v1/layouts",
            json!({"name": "Full", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    let mut screens = [0; 2];
    for (i, name) in ["Counter", "Window"].iter().enumerate() {
        screens[i] = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": name, "default_layout_id": layout}),
            )
            .await;
    }
    let tokens = [
        Auth::Bearer(device_token(env, screens[0]).await),
        Auth::Bearer(device_token(env, screens[1]).await),
    ];
    Shop {
        owner,
        store,
        screens,
        tokens,
        tea,
        evil,
        promo,
        playlist,
    }
}

fn play(id: &str, content: i64, playlist: i64, start: &str, end: &str) -> Value {
    json!({"event_id": id, "content": content, "playlist": playlist, "zone": "main",
           "started_at": start, "ended_at": end})
}

async fn send_plays(env: &TestEnv, token: &Auth, records: Vec<Value>) {
    let n = records.len();
    let (status, reply) = env
        .post(token, "/api/player/v1/plays", json!({ "records": records }))
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["accepted"], n, "{reply}");
}

/// A raw in-process request: status, headers and body text.
async fn raw(
    env: &TestEnv,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    auth: Option<&Auth>,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(Auth::Cookie(cookie)) = auth {
        request = request.header(header::COOKIE, cookie);
    }
    let response = env
        .app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// A small RFC 4180 reader: quoted cells, doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                c => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            '"' | '\n' => panic!("bare {c:?} outside quotes"),
            c => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "ends with CRLF"
    );
    rows
}

/// The bars of an SVG chart (label and value), after checking the whole document parses.
fn parse_svg(text: &str) -> (Vec<(String, String, bool)>, String) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut bars = Vec::new();
    let mut all_text = String::new();
    let mut depth = 0;
    let mut root = None;
    let mut in_label: Option<bool> = None;
    let mut in_value = false;
    let mut label = String::new();
    loop {
        match reader.read_event().expect("well-formed SVG") {
            Event::Start(e) => {
                depth += 1;
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                root.get_or_insert(name.clone());
                let attr = |key: &str| {
                    e.attributes()
                        .map(|a| a.unwrap())
                        .find(|a| a.key.as_ref() == key.as_bytes())
                        .map(|a| String::from_utf8(a.value.to_vec()).unwrap())
                };
                for forbidden in ["href", "xlink:href", "src"] {
                    assert!(attr(forbidden).is_none(), "no external resources");
                }
                assert_ne!(name, "script");
                assert_ne!(name, "image");
                if name == "text" && attr("class").as_deref() == Some("label") {
                    let rtl = attr("direction").as_deref() == Some("rtl");
                    if rtl {
                        assert_eq!(attr("text-anchor").as_deref(), Some("start"));
                    }
                    in_label = Some(rtl);
                }
                in_value = name == "text" && attr("class").as_deref() == Some("value");
            }
            Event::Text(t) => {
                let t = t.decode().unwrap().into_owned();
                let t = quick_xml::escape::unescape(&t).unwrap().into_owned();
                all_text.push_str(&t);
                all_text.push('\n');
                if in_label.is_some() {
                    label.push_str(&t);
                } else if in_value {
                    bars.push((std::mem::take(&mut label), t, false));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8(r.to_vec()).unwrap();
                let t = quick_xml::escape::unescape(&format!("&{name};"))
                    .unwrap()
                    .into_owned();
                all_text.push_str(&t);
                if in_label.is_some() {
                    label.push_str(&t);
                }
            }
            Event::End(_) => {
                depth -= 1;
                if let Some(rtl) = in_label.take() {
                    // Remember the direction with the label until its value arrives.
                    label = format!("{}{}", if rtl { "\u{1}" } else { "" }, label);
                }
                in_value = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(root.as_deref(), Some("svg"));
    let bars = bars
        .into_iter()
        .map(|(label, value, _)| match label.strip_prefix('\u{1}') {
            Some(l) => (l.to_owned(), value, true),
            None => (label, value, false),
        })
        .collect();
    (bars, all_text)
}

#[tokio::test]
async fn plays_reports_count_exactly_in_json_csv_and_svg() {
    each_backend(|env| async move {
        let s = shop(&env).await;
        let pl = s.playlist;
        // 2026-11-20 in Tehran (+03:30): 08:15, 08:40 and 09:05 local on the counter, one
        // formula-named item at 08:20 on the window, and one play at 00:10 local on the 21st
        // (20:40 UTC on the 20th).
        send_plays(
            &env,
            &s.tokens[0],
            vec![
                play(
                    "a1",
                    s.tea,
                    pl,
                    "2026-11-20T04:45:00Z",
                    "2026-11-20T04:45:08Z",
                ),
                play(
                    "a2",
                    s.tea,
                    pl,
                    "2026-11-20T05:10:00Z",
                    "2026-11-20T05:10:08Z",
                ),
                play(
                    "a3",
                    s.tea,
                    pl,
                    "2026-11-20T05:35:00Z",
                    "2026-11-20T05:35:10Z",
                ),
                play(
                    "a4",
                    s.tea,
                    pl,
                    "2026-11-20T20:40:00Z",
                    "2026-11-20T20:40:08Z",
                ),
            ],
        )
        .await;
        send_plays(
            &env,
            &s.tokens[1],
            vec![play(
                "b1",
                s.evil,
                pl,
                "2026-11-20T04:50:00Z",
                "2026-11-20T04:50:05Z",
            )],
        )
        .await;

        // One day, per content, in total; dates in Solar Hijri with Persian digits.
        let (status, report) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=%DB%B1%DB%B4%DB%B0%DB%B5-%DB%B0%DB%B8-%DB%B2%DB%B9\
                 &until=1405-08-29",
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["from"], "2026-11-20");
        assert_eq!(report["until_jalali"], "1405/08/29");
        assert_eq!(report["timezone"], TEHRAN);
        assert_eq!(report["total_plays"], 4);
        assert_eq!(report["total_on_screen_ms"], 8000 + 8000 + 10000 + 5000);
        assert_eq!(
            report["rows"],
            json!([
                {"id": s.tea, "name": "چای", "plays": 3, "on_screen_ms": 26000},
                {"id": s.evil, "name": "=HYPERLINK(\"x\",\"y\")", "plays": 1,
                 "on_screen_ms": 5000},
            ])
        );

        // Per day: the 00:10 play belongs to the 21st in Tehran, to the 20th in UTC.
        let (_, by_day) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-21&by=day",
            )
            .await;
        let days: Vec<(String, String, i64)> = by_day["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["period"].as_str().unwrap().to_owned(),
                    r["period_jalali"].as_str().unwrap().to_owned(),
                    r["plays"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            days,
            [
                ("2026-11-20".into(), "1405/08/29".into(), 3),
                ("2026-11-20".into(), "1405/08/29".into(), 1),
                ("2026-11-21".into(), "1405/08/30".into(), 1)
            ]
        );
        let (_, utc) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-20&tz=UTC",
            )
            .await;
        assert_eq!(utc["timezone"], "UTC");
        assert_eq!(utc["total_plays"], 5);

        // Per hour of day (local), per screen, per store, per playlist.
        let (_, hours) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-20&by=hour&group=store",
            )
            .await;
        assert_eq!(
            hours["rows"],
            json!([
                {"id": s.store, "name": "Valiasr", "period": "08", "plays": 3,
                 "on_screen_ms": 21000},
                {"id": s.store, "name": "Valiasr", "period": "09", "plays": 1,
                 "on_screen_ms": 10000},
            ])
        );
        let (_, screens) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-21&group=screen",
            )
            .await;
        assert_eq!(
            screens["rows"],
            json!([
                {"id": s.screens[0], "name": "Counter", "plays": 4, "on_screen_ms": 34000},
                {"id": s.screens[1], "name": "Window", "plays": 1, "on_screen_ms": 5000},
            ])
        );
        let (_, playlists) = env
            .get(
                &s.owner,
                &format!(
                    "/api/v1/reports/plays?from=2026-11-20&until=2026-11-21&group=playlist\
                     &screen={}",
                    s.screens[1]
                ),
            )
            .await;
        assert_eq!(
            playlists["rows"],
            json!([{"id": pl, "name": "Main", "plays": 1, "on_screen_ms": 5000}])
        );

        // A viewer reads reports too.
        let viewer = env
            .add_user(&s.owner, "viewer@cafe.test", "viewer", &[])
            .await;
        let (status, seen) = env
            .get(
                &viewer,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-21",
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["total_plays"], 5);
        // A store manager sees only their stores' screens.
        let other_store = env
            .create(
                &s.owner,
                "/api/v1/stores",
                json!({"name": "Tajrish", "timezone": TEHRAN}),
            )
            .await;
        let manager = env
            .add_user(
                &s.owner,
                "manager@cafe.test",
                "store_manager",
                &[other_store],
            )
            .await;
        let (status, theirs) = env
            .get(
                &manager,
                "/api/v1/reports/plays?from=2026-11-20&until=2026-11-21",
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(theirs["total_plays"], 0);
        let (status, _) = env
            .get(
                &manager,
                &format!("/api/v1/reports/plays?store={}", s.store),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // CSV: BOM, RFC 4180, the formula neutralised.
        let (status, headers, body) = raw(
            &env,
            Method::GET,
            "/api/v1/reports/plays?from=2026-11-20&until=2026-11-20&format=csv",
            &[],
            Some(&s.owner),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("plays-2026-11-20-2026-11-20.csv")
        );
        let body = body.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
        let rows = parse_csv(body);
        assert_eq!(
            rows,
            vec![
                vec![
                    "id",
                    "content",
                    "period",
                    "period_jalali",
                    "plays",
                    "on_screen_seconds"
                ],
                vec![&s.tea.to_string(), "چای", "", "", "3", "26.000"],
                vec![
                    &s.evil.to_string(),
                    "'=HYPERLINK(\"x\",\"y\")",
                    "",
                    "",
                    "1",
                    "5.000"
                ],
            ]
        );

        // SVG: parses, one bar per row, the Persian label right to left.
        let (status, headers, body) = raw(
            &env,
            Method::GET,
            "/api/v1/reports/plays?from=2026-11-20&until=2026-11-20&format=svg",
            &[],
            Some(&s.owner),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "image/svg+xml; charset=utf-8"
        );
        let (bars, _) = parse_svg(&body);
        assert_eq!(
            bars,
            vec![
                ("چای".to_owned(), "3".to_owned(), true),
                ("=HYPERLINK(\"x\",\"y\")".to_owned(), "1".to_owned(), false),
            ]
        );

        // A range without data: a well-formed, empty report in every format.
        let empty = "/api/v1/reports/plays?from=2026-01-01&until=2026-01-31&by=day";
        let (status, report) = env.get(&s.owner, empty).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["rows"], json!([]));
        assert_eq!(report["total_plays"], 0);
        let (_, _, body) = raw(
            &env,
            Method::GET,
            &format!("{empty}&format=csv"),
            &[],
            Some(&s.owner),
        )
        .await;
        assert_eq!(parse_csv(body.trim_start_matches('\u{feff}')).len(), 1);
        let (_, _, body) = raw(
            &env,
            Method::GET,
            &format!("{empty}&format=svg"),
            &[],
            Some(&s.owner),
        )
        .await;
        let (bars, text) = parse_svg(&body);
        assert!(bars.is_empty());
        assert!(text.contains("No data"));
    })
    .await;
}

#[tokio::test]
async fn bad_report_input_is_refused_clearly() {
    each_backend(|env| async move {
        let s = shop(&env).await;
        for (query, field, code) in [
            ("from=2026-11-20&until=2026-11-19", "until", "before_start"),
            ("from=1405-09-02&until=1405-09-01", "until", "before_start"),
            (
                "from=2020-01-01&until=2026-01-01",
                "until",
                "range_too_long",
            ),
            ("from=yesterday", "from", "invalid_date"),
            ("until=2026-02-30", "until", "invalid_date"),
            ("tz=Mars/Olympus", "tz", "unknown_timezone"),
            ("format=xlsx", "format", "invalid"),
            ("group=weather", "group", "invalid"),
            ("by=minute", "by", "invalid"),
        ] {
            let (status, problem) = env
                .get(&s.owner, &format!("/api/v1/reports/plays?{query}"))
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {problem}"
            );
            assert_eq!(field_codes(&problem, field), [code], "{query}: {problem}");
        }
        // 366 days is the most (2024 is a leap year).
        let (status, _) = env
            .get(
                &s.owner,
                "/api/v1/reports/plays?from=2024-01-01&until=2024-12-31",
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = env
            .get(
                &s.owner,
                "/api/v1/reports/uptime?from=2024-01-01&until=2025-01-01",
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = env
            .get(
                &s.owner,
                "/api/v1/reports/uptime?from=2025-01-01&until=2026-01-01",
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        // Another tenant's store or screen is not found; no session is 401.
        let other = env.add_org("Other", "owner@other.test").await;
        for path in [
            format!("/api/v1/reports/plays?store={}", s.store),
            format!("/api/v1/reports/scans?screen={}", s.screens[0]),
            format!("/api/v1/reports/uptime?screen={}", s.screens[1]),
        ] {
            let (status, _) = env.get(&other, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let (status, _) = env.get(&Auth::None, "/api/v1/reports/plays").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

fn local_hour() -> String {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get(TEHRAN).unwrap());
    format!("{:02}", now.hour())
}

#[tokio::test]
async fn qr_promos_get_a_tracked_link_per_screen_and_count_human_scans() {
    each_backend(|env| async move {
        let s = shop(&env).await;
        // The manifest each screen gets carries its own tracked link.
        let mut codes = Vec::new();
        for token in &s.tokens {
            let (status, manifest) = env.get(token, "/api/player/v1/manifest").await;
            assert_eq!(status, StatusCode::OK, "{manifest}");
            let promo = manifest["content"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == s.promo)
                .expect("the promo is in the manifest")
                .clone();
            let url = promo["url"].as_str().unwrap();
            let base = format!("http://{}/q/", env.state.config.bind);
            let code = url.strip_prefix(&base).expect("a tracked link").to_owned();
            codes.push(code);
        }
        assert_ne!(codes[0], codes[1], "one code per screen");
        // The same links, for the admin's preview.
        let (status, links) = env
            .get(&s.owner, &format!("/api/v1/promos/{}/links", s.promo))
            .await;
        assert_eq!(status, StatusCode::OK, "{links}");
        let listed: Vec<(i64, String)> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["screen_id"].as_i64().unwrap(),
                    l["code"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                (s.screens[0], codes[0].clone()),
                (s.screens[1], codes[1].clone())
            ]
        );
        let (status, _) = env
            .get(&s.owner, &format!("/api/v1/promos/{}/links", s.tea))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not a promo");

        // Plays of the promo: 4 on the counter, 1 on the window, a minute ago.
        let ago = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
        let (start, end) = (
            ago.to_string(),
            (ago + jiff::SignedDuration::from_secs(8)).to_string(),
        );
        let records = (0..4)
            .map(|i| play(&format!("p{i}"), s.promo, s.playlist, &start, &end))
            .collect();
        send_plays(&env, &s.tokens[0], records).await;
        send_plays(
            &env,
            &s.tokens[1],
            vec![play("q0", s.promo, s.playlist, &start, &end)],
        )
        .await;

        let hour_before = local_hour();
        let phone = [(
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile",
        )];
        for code in [&codes[0], &codes[0], &codes[1]] {
            let (status, headers, _) =
                raw(&env, Method::GET, &format!("/q/{code}"), &phone, None).await;
            assert_eq!(status, StatusCode::FOUND);
            assert_eq!(
                headers[header::LOCATION],
                "https://shop.example/yalda?src=screen"
            );
            assert!(headers.get(header::SET_COOKIE).is_none(), "no cookies");
        }
        // Previews, prefetches and HEAD requests are redirected but not counted.
        for (method, headers) in [
            (Method::GET, vec![("user-agent", "WhatsApp/2.23.20.0 A")]),
            (
                Method::GET,
                vec![("user-agent", "TelegramBot (like TwitterBot)")],
            ),
            (
                Method::GET,
                vec![(
                    "user-agent",
                    "facebookexternalhit/1.1 (+http://www.facebook.com)",
                )],
            ),
            (
                Method::GET,
                vec![("user-agent", "Slackbot-LinkExpanding 1.0")],
            ),
            (
                Method::GET,
                vec![("user-agent", "Mozilla/5.0 (compatible; Discordbot/2.0)")],
            ),
            (Method::GET, vec![("user-agent", "LinkedInBot/1.0")]),
            (
                Method::GET,
                vec![("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")],
            ),
            (
                Method::GET,
                vec![("user-agent", "Mozilla/5.0 (compatible; bingbot/2.0)")],
            ),
            (Method::GET, vec![("sec-purpose", "prefetch")]),
            (Method::GET, vec![("purpose", "prefetch")]),
            (Method::HEAD, phone.to_vec()),
        ] {
            let (status, got, _) = raw(
                &env,
                method.clone(),
                &format!("/q/{}", codes[0]),
                &headers,
                None,
            )
            .await;
            assert_eq!(status, StatusCode::FOUND, "{method} {headers:?}");
            assert_eq!(
                got[header::LOCATION],
                "https://shop.example/yalda?src=screen"
            );
        }

        // Unknown, tampered and foreign codes: 404 with a small page.
        let other = env.add_org("Other", "owner@other.test").await;
        let other_store = env
            .create(
                &other,
                "/api/v1/stores",
                json!({"name": "X", "timezone": TEHRAN}),
            )
            .await;
        let other_screen = env
            .create(
                &other,
                "/api/v1/screens",
                json!({"store_id": other_store, "name": "X"}),
            )
            .await;
        let (status, _) = env
            .get(&other, &format!("/api/v1/promos/{}/links", s.promo))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another tenant's promo");
        let foreign = vitrin_server::domain::promo::code(
            vitrin_shared::ids::ContentId(s.promo),
            vitrin_shared::ids::ScreenId(other_screen),
        );
        let not_a_promo = vitrin_server::domain::promo::code(
            vitrin_shared::ids::ContentId(s.tea),
            vitrin_shared::ids::ScreenId(s.screens[0]),
        );
        let tampered = format!("{}x", codes[0]);
        for code in ["nope", "zz-zz-zzzz", &foreign, &not_a_promo, &tampered] {
            let (status, headers, body) =
                raw(&env, Method::GET, &format!("/q/{code}"), &phone, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{code}");
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            assert!(body.contains("Link not found"));
        }
        let hour_after = local_hour();

        // Per promo: 3 scans, 5 plays, 600 per 1,000 plays.
        let (status, report) = env.get(&s.owner, "/api/v1/reports/scans").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            report["rows"],
            json!([{"promo_id": s.promo, "promo": "Yalda promo", "scans": 3, "plays": 5,
                    "scans_per_1000_plays": 600.0}])
        );
        let (_, per_screen) = env
            .get(&s.owner, "/api/v1/reports/scans?group=screen")
            .await;
        assert_eq!(
            per_screen["rows"],
            json!([
                {"promo_id": s.promo, "promo": "Yalda promo", "screen_id": s.screens[0],
                 "screen": "Counter", "scans": 2, "plays": 4, "scans_per_1000_plays": 500.0},
                {"promo_id": s.promo, "promo": "Yalda promo", "screen_id": s.screens[1],
                 "screen": "Window", "scans": 1, "plays": 1, "scans_per_1000_plays": 1000.0},
            ])
        );
        let (_, dayparts) = env
            .get(&s.owner, "/api/v1/reports/scans?group=daypart")
            .await;
        let rows = dayparts["rows"].as_array().unwrap();
        let scans: i64 = rows.iter().map(|r| r["scans"].as_i64().unwrap()).sum();
        let plays: i64 = rows.iter().map(|r| r["plays"].as_i64().unwrap()).sum();
        assert_eq!((scans, plays), (3, 5));
        if hour_before == hour_after {
            let row = rows.iter().find(|r| r["scans"].as_i64() > Some(0)).unwrap();
            assert_eq!(row["daypart"], hour_before.as_str());
            assert_eq!(row["scans"], 3);
        }
        // Scans in CSV and SVG.
        let (_, _, body) = raw(
            &env,
            Method::GET,
            "/api/v1/reports/scans?group=screen&format=csv",
            &[],
            Some(&s.owner),
        )
        .await;
        let rows = parse_csv(body.trim_start_matches('\u{feff}'));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][5..], ["2", "4", "500"]);
        let (_, _, body) = raw(
            &env,
            Method::GET,
            "/api/v1/reports/scans?group=screen&format=svg",
            &[],
            Some(&s.owner),
        )
        .await;
        let (bars, _) = parse_svg(&body);
        assert_eq!(
            bars.iter().map(|b| b.1.as_str()).collect::<Vec<_>>(),
            ["2", "1"]
        );

        // Only counts are stored: no address, agent or cookie column exists.
        let query = if env.backend == "sqlite" {
            "SELECT name FROM pragma_table_info('scan_quarters') ORDER BY name"
        } else {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_name = 'scan_quarters' ORDER BY column_name"
        };
        let columns: Vec<(String,)> = vitrin_server::db::sql(query)
            .fetch_all(&env.state.db)
            .await
            .unwrap();
        let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
        assert_eq!(
            columns,
            ["content_id", "org_id", "quarter", "scans", "screen_id"]
        );
    })
    .await;
}

#[tokio::test]
async fn uptime_comes_from_heartbeats_and_retention_keeps_aggregates() {
    each_backend(|env| async move {
        let s = shop(&env).await;
        let beat = json!({"player_version": "0.1.0", "uptime_secs": 42, "manifest_version": 1,
            "showing": [], "cache_bytes": 0, "disk_free_bytes": 0,
            "sent_at": "2026-11-22T10:00:00Z"});
        for _ in 0..3 {
            let (status, reply) = env
                .post(&s.tokens[0], "/api/player/v1/heartbeat", beat.clone())
                .await;
            assert_eq!(status, StatusCode::OK, "{reply}");
        }
        // A 60 s interval covers one or two minutes, however often it arrives within them.
        let (status, report) = env.get(&s.owner, "/api/v1/reports/uptime").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let rows = report["rows"].as_array().unwrap();
        let minutes: i64 = rows
            .iter()
            .map(|r| r["online_minutes"].as_i64().unwrap())
            .sum();
        assert!((1..=3).contains(&minutes), "{report}");
        assert!(rows.iter().all(|r| r["screen_id"] == s.screens[0]));

        // Exact counts per local day from known minutes: 23:58 and 23:59 Tehran time on a day
        // twenty days ago, and 00:00 on the next.
        let tehran = jiff::tz::TimeZone::get(TEHRAN).unwrap();
        let day =
            jiff::Timestamp::now().to_zoned(tehran.clone()).date() - jiff::Span::new().days(20);
        let next = day.tomorrow().unwrap();
        let at = |d: jiff::civil::Date, h: i8, m: i8| {
            d.at(h, m, 0, 0)
                .to_zoned(tehran.clone())
                .unwrap()
                .timestamp()
                .as_millisecond()
        };
        for ms in [at(day, 23, 58), at(day, 23, 59), at(next, 0, 0)] {
            vitrin_server::db::sql(
                "INSERT INTO screen_minutes (org_id, screen_id, minute) \
                 SELECT org_id, id, $1 FROM screens WHERE id = $2",
            )
            .bind(ms)
            .bind(s.screens[1])
            .execute(&env.state.db)
            .await
            .unwrap();
        }
        let jalali = |d: jiff::civil::Date| {
            use vitrin_shared::calendar::{Digits, format_jalali, to_jalali};
            format_jalali(to_jalali(d), Digits::Latin)
        };
        let (_, days) = env
            .get(
                &s.owner,
                &format!("/api/v1/reports/uptime?from={day}&until={next}"),
            )
            .await;
        assert_eq!(
            days["rows"],
            json!([
                {"screen_id": s.screens[1], "screen": "Window", "date": day.to_string(),
                 "date_jalali": jalali(day), "online_minutes": 2},
                {"screen_id": s.screens[1], "screen": "Window", "date": next.to_string(),
                 "date_jalali": jalali(next), "online_minutes": 1},
            ])
        );

        // A play ten days ago: the raw row goes with a 7-day retention, the counts stay.
        let old = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(240);
        let end = old + jiff::SignedDuration::from_secs(8);
        send_plays(
            &env,
            &s.tokens[0],
            vec![play(
                "old",
                s.tea,
                s.playlist,
                &old.to_string(),
                &end.to_string(),
            )],
        )
        .await;
        let swept = vitrin_server::maintenance::sweep(&env.state).await.unwrap();
        assert_eq!(swept.plays, 0, "the default keeps 90 days");
        let mut config = (*env.state.config).clone();
        config.raw_retention_days = 7;
        let short = env.state.with_config(config);
        let swept = vitrin_server::maintenance::sweep(&short).await.unwrap();
        assert_eq!(swept.plays, 1);
        assert_eq!(swept.minutes, 3, "the minutes twenty days ago");
        let (count,): (i64,) = vitrin_server::db::sql("SELECT COUNT(*) FROM plays")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(count, 0);
        let (_, report) = env.get(&s.owner, "/api/v1/reports/plays?tz=UTC").await;
        assert_eq!(report["total_plays"], 1, "{report}");
        assert_eq!(report["rows"][0]["on_screen_ms"], 8000);
    })
    .await;
}

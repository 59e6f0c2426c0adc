//! Input hygiene (issue 15), through the API and the admin's pages: customer-facing Persian
//! text is stored with Persian letters whichever way it comes in, and input that used to be
//! stored without complaint (control characters in names, a megabyte of password, a timezone
//! in the wrong case, cron lines that can never fire) gets a 422 naming its field. Feeds are
//! covered in feeds.rs (`persian_feeds_in_utf8_and_windows_1256_are_decoded`).

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, PASSWORD, TestEnv, each_backend, field_codes};
use serde_json::{Value, json};
use web_support::WebClient;

/// Arabic Yeh, Alef Maksura and Kaf: what Arabic keyboards and old data produce.
const ARABIC: [char; 3] = ['ي', 'ى', 'ك'];

fn has_arabic_letters(value: &Value) -> bool {
    value.to_string().contains(ARABIC)
}

async fn get_ok(env: &TestEnv, auth: &Auth, path: &str) -> Value {
    let (status, value) = env.get(auth, path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {value}");
    value
}

/// A 422 whose errors name `field` with `code`.
fn assert_refused(status: StatusCode, problem: &Value, field: &str, code: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_codes(problem, field), [code], "{problem}");
}

#[tokio::test]
async fn persian_text_is_stored_with_persian_letters_whichever_way_it_comes() {
    each_backend(|env| async move {
        let owner = env.setup_owner("كافه علي", "owner@cafe.test").await;
        let store_body = json!({"name": "شعبه ولي‌عصر", "address": "تهران، خيابان ولي‌عصر",
                                "timezone": "Asia/Tehran"});
        let (status, store) = env.post(&owner, "/api/v1/stores", store_body).await;
        assert_eq!(status, StatusCode::CREATED, "{store}");
        assert_eq!(store["name"], "شعبه ولی‌عصر");
        assert_eq!(store["address"], "تهران، خیابان ولی‌عصر");
        let store = store["id"].as_i64().unwrap();

        let (status, menu) = env
            .post(
                &owner,
                "/api/v1/content",
                json!({"name": "منوي شام", "type": "menu_board", "menu": {
                    "title": "شام كافه", "categories": [{"name": "كباب", "items": [
                        {"name": "جوجه كباب", "description": "با برنج ايراني", "price": 495000},
                        {"name": "Caesar salad", "description": "Romaine, parmesan", "price": 1}]}]}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{menu}");
        // The answer is what was stored.
        let category = &menu["menu"]["categories"][0];
        assert_eq!(menu["name"], "منوی شام");
        assert_eq!(menu["menu"]["title"], "شام کافه");
        assert_eq!(category["name"], "کباب");
        assert_eq!(category["items"][0]["name"], "جوجه کباب");
        assert_eq!(category["items"][0]["description"], "با برنج ایرانی");
        // Latin text is left as it is.
        assert_eq!(category["items"][1]["name"], "Caesar salad");
        let menu = menu["id"].as_i64().unwrap();

        let text = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": "خوش آمد", "type": "text", "title": "خوش آمديد",
                       "body": "به كافه ما\nخوش آمديد"}),
            )
            .await;
        let ticker = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": "Ticker", "type": "ticker", "source": "static",
                       "lines": ["تخفيف ويژه", "Wi-Fi: vitrin"]}),
            )
            .await;
        let qr = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": "QR", "type": "qr_promo", "headline": "اسكن كنيد",
                       "url": "https://example.com/menu?q=كافه"}),
            )
            .await;
        let entries: Vec<Value> = [menu, text, ticker, qr]
            .iter()
            .map(|c| json!({"content": c, "duration_ms": 10000}))
            .collect();
        let playlist = env
            .create(
                &owner,
                "/api/v1/playlists",
                json!({"name": "پلي‌ليست", "entries": entries}),
            )
            .await;
        let layout = env
            .create(
                &owner,
                "/api/v1/layouts",
                json!({"name": "چيدمان", "template": "fullscreen",
                       "zones": [{"zone": "main", "playlist": playlist}]}),
            )
            .await;
        let screen = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": "صفحه پيشخوان", "default_layout_id": layout}),
            )
            .await;
        env.create(
            &owner,
            "/api/v1/rules",
            json!({"name": "شام هر روز", "target": {"type": "layout", "id": layout},
                   "scope": {"all": true},
                   "when": {"window": {"type": "daily", "start": "18:00", "end": "23:00"}}}),
        )
        .await;
        let (status, emergency) = env
            .post(
                &owner,
                "/api/v1/emergencies",
                json!({"text": " تخليه كنيد ", "scope": {"all": true}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{emergency}");

        // Everything a screen gets, and everything the API lists, has Persian letters only.
        let manifest = get_ok(&env, &owner, &format!("/api/v1/screens/{screen}/manifest")).await;
        assert!(!has_arabic_letters(&manifest), "{manifest}");
        let content = |id: i64| {
            manifest["content"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .unwrap_or_else(|| panic!("content {id} in {manifest}"))
                .clone()
        };
        assert_eq!(content(text)["title"], "خوش آمدید");
        assert_eq!(content(text)["body"], "به کافه ما\nخوش آمدید");
        assert_eq!(content(ticker)["lines"], json!(["تخفیف ویژه", "Wi-Fi: vitrin"]));
        assert_eq!(content(qr)["headline"], "اسکن کنید");
        assert_eq!(manifest["screen"]["name"], "صفحه پیشخوان");
        for path in [
            "/api/v1/content",
            "/api/v1/playlists",
            "/api/v1/layouts",
            "/api/v1/rules",
            "/api/v1/stores",
            "/api/v1/screens",
        ] {
            let list = get_ok(&env, &owner, path).await;
            // The QR promo's link is not text: it keeps what was typed.
            let without_links = list.to_string().replace("https://example.com/menu?q=كافه", "");
            assert!(!without_links.contains(ARABIC), "{path}: {list}");
        }
        let emergency_text = get_ok(&env, &owner, "/api/v1/content").await;
        let emergency_text = emergency_text
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with("Emergency"))
            .unwrap()["title"]
            .clone();
        assert_eq!(emergency_text, "تخلیه کنید");
        let (org,): (String,) = vitrin_server::db::sql("SELECT name FROM orgs")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(org, "کافه علی");

        // The other named things of the admin, and typed currency labels.
        let (status, group) = env
            .post(&owner, "/api/v1/groups", json!({"name": "منوهاي ديواري", "screens": [screen]}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{group}");
        assert_eq!(group["name"], "منوهای دیواری");
        let (status, user) = env
            .post(
                &owner,
                "/api/v1/users",
                json!({"email": "ali@cafe.test", "name": "علي", "role": "editor",
                       "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        assert_eq!(user["name"], "علی");
        let feed = env
            .create(
                &owner,
                "/api/v1/feeds",
                json!({"name": "نرخ ارز بازار", "source": {"type": "manual_currency"}}),
            )
            .await;
        let (status, rates) = env
            .put(
                &owner,
                &format!("/api/v1/feeds/{feed}/rates"),
                json!({"unit": "toman", "rates": [{"symbol": "USD", "label": "دلار آمريكا",
                                                   "value": 60000}]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{rates}");
        assert_eq!(rates["snapshot"]["rates"][0]["label"], "دلار آمریکا");
    })
    .await;
}

#[tokio::test]
async fn control_characters_in_names_are_refused_with_their_field() {
    each_backend(|env| async move {
        // Setup, before there is anyone.
        let (status, problem) = env
            .post(
                &Auth::None,
                "/api/v1/setup",
                json!({"organization": "Café\u{0}", "name": "\u{202e}Sara",
                       "email": "owner@cafe.test", "password": PASSWORD}),
            )
            .await;
        assert_refused(status, &problem, "organization", "control_character");
        assert_eq!(field_codes(&problem, "name"), ["control_character"]);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;

        let refused = [
            (
                "/api/v1/stores",
                json!({"name": "Valiasr\u{0}", "timezone": "Asia/Tehran"}),
                "name",
            ),
            (
                "/api/v1/stores",
                json!({"name": "Valiasr", "address": "a\u{202e}b", "timezone": "Asia/Tehran"}),
                "address",
            ),
            ("/api/v1/groups", json!({"name": "\u{2067}walls"}), "name"),
            (
                "/api/v1/users",
                json!({"email": "a@cafe.test", "name": "Ali\u{1b}[2J", "role": "editor",
                       "password": PASSWORD}),
                "name",
            ),
            ("/api/v1/tokens", json!({"name": "pos\u{0}"}), "name"),
            (
                "/api/v1/content",
                json!({"name": "Menu\u{0}", "type": "clock"}),
                "name",
            ),
            (
                "/api/v1/content",
                json!({"name": "Menu", "type": "menu_board", "menu": {"title": "t",
                       "categories": [{"name": "c", "items": [
                           {"name": "\u{202e}kebab", "price": 1}]}]}}),
                "menu.categories.0.items.0.name",
            ),
            (
                "/api/v1/content",
                json!({"name": "Ticker", "type": "ticker", "source": "static",
                       "lines": ["ok", "a\nb"]}),
                "lines.1",
            ),
            (
                "/api/v1/playlists",
                json!({"name": "a\u{202d}b", "entries": []}),
                "name",
            ),
            (
                "/api/v1/emergencies",
                json!({"text": "out\u{0}", "scope": {"all": true}}),
                "text",
            ),
            (
                "/api/v1/feeds",
                json!({"name": "rates\u{202e}", "source": {"type": "manual_currency"}}),
                "name",
            ),
        ];
        for (path, body, field) in refused {
            let (status, problem) = env.post(&owner, path, body.clone()).await;
            assert_refused(status, &problem, field, "control_character");
            assert!(
                problem.to_string().contains("U+"),
                "the message names the character: {problem}"
            );
        }
        // Nothing of it was stored.
        for path in [
            "/api/v1/stores",
            "/api/v1/groups",
            "/api/v1/content",
            "/api/v1/feeds",
        ] {
            assert_eq!(get_ok(&env, &owner, path).await, json!([]), "{path}");
        }

        // Persian's zero-width non-joiner, the direction marks and a text's line breaks are
        // text, not controls.
        env.create(
            &owner,
            "/api/v1/content",
            json!({"name": "نوشیدنی\u{200c}ها\u{200f}", "type": "text", "title": "Wi-Fi\u{200e}",
                   "body": "یک\nدو\tسه"}),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_megabyte_of_password_is_refused_before_it_is_hashed() {
    each_backend(|env| async move {
        let huge = "p".repeat(1 << 20);
        let (status, problem) = env
            .post(
                &Auth::None,
                "/api/v1/setup",
                json!({"organization": "Café", "name": "Sara", "email": "owner@cafe.test",
                       "password": huge}),
            )
            .await;
        assert_refused(status, &problem, "password", "too_long");
        let state = get_ok(&env, &Auth::None, "/api/v1/setup").await;
        assert_eq!(state["needed"], true);

        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let user = json!({"email": "ali@cafe.test", "name": "Ali", "role": "editor",
                          "password": huge});
        let (status, problem) = env.post(&owner, "/api/v1/users", user).await;
        assert_refused(status, &problem, "password", "too_long");
        // The longest allowed is taken.
        let (status, created) = env
            .post(
                &owner,
                "/api/v1/users",
                json!({"email": "ali@cafe.test", "name": "Ali", "role": "editor",
                       "password": "p".repeat(1024)}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap();
        let (status, problem) = env
            .put(
                &owner,
                &format!("/api/v1/users/{id}"),
                json!({"email": "ali@cafe.test", "name": "Ali", "role": "editor",
                       "password": "p".repeat(1025)}),
            )
            .await;
        assert_refused(status, &problem, "password", "too_long");
        env.login("ali@cafe.test", &"p".repeat(1024)).await;

        // Signing in with one is a wrong password, like any other (never hashed: see
        // auth::password's tests), not an error of the server.
        let (status, problem) = env
            .post(
                &Auth::None,
                "/api/v1/auth/login",
                json!({"email": "owner@cafe.test", "password": huge}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    })
    .await;
}

#[tokio::test]
async fn timezones_are_stored_under_their_canonical_iana_name() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (status, store) = env
            .post(
                &owner,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "asia/tehran"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{store}");
        assert_eq!(store["timezone"], "Asia/Tehran");
        let id = store["id"].as_i64().unwrap();
        let (status, store) = env
            .put(
                &owner,
                &format!("/api/v1/stores/{id}"),
                json!({"name": "Valiasr", "timezone": " AMERICA/NEW_YORK "}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{store}");
        assert_eq!(store["timezone"], "America/New_York");
        let screen = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": id, "name": "Counter"}),
            )
            .await;
        let manifest = get_ok(&env, &owner, &format!("/api/v1/screens/{screen}/manifest")).await;
        assert_eq!(manifest["screen"]["timezone"], "America/New_York");

        for unknown in ["Mars/Olympus", "Etc/Unknown", "+03:30"] {
            let (status, problem) = env
                .post(
                    &owner,
                    "/api/v1/stores",
                    json!({"name": "Tajrish", "timezone": unknown}),
                )
                .await;
            assert_refused(status, &problem, "timezone", "unknown_timezone");
        }

        // A feed's cron line is read in a timezone too.
        let (status, feed) = env
            .post(
                &owner,
                "/api/v1/feeds",
                json!({"name": "News", "source": {"type": "news", "url": "https://example.com/rss"},
                       "refresh": {"cron": "0 * * * *", "timezone": "asia/tehran"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{feed}");
        assert_eq!(feed["refresh"]["timezone"], "Asia/Tehran");
    })
    .await;
}

#[tokio::test]
async fn cron_lines_that_can_never_fire_are_refused() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let playlist = env
            .create(
                &owner,
                "/api/v1/playlists",
                json!({"name": "Empty", "entries": []}),
            )
            .await;
        for line in ["0 0 31 2 *", "0 0 30 2 *", "0 0 12 1 1 * 2020"] {
            let (status, problem) = env
                .post(
                    &owner,
                    "/api/v1/rules",
                    json!({"name": "Never", "target": {"type": "playlist", "id": playlist},
                           "when": {"window": {"type": "cron", "expr": line,
                                               "duration_secs": 600}}}),
                )
                .await;
            assert_refused(status, &problem, "when.window.expr", "never_fires");
            assert!(problem.to_string().contains("never fires"), "{problem}");
        }
        assert_eq!(get_ok(&env, &owner, "/api/v1/rules").await, json!([]));
        // Leap days come round again.
        env.create(
            &owner,
            "/api/v1/rules",
            json!({"name": "Leap", "target": {"type": "playlist", "id": playlist},
                   "when": {"window": {"type": "cron", "expr": "0 0 29 2 *",
                                       "duration_secs": 600}}}),
        )
        .await;

        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/feeds",
                json!({"name": "News", "source": {"type": "news", "url": "https://example.com/rss"},
                       "refresh": {"cron": "0 0 31 2 *", "timezone": "UTC"}}),
            )
            .await;
        assert_refused(status, &problem, "refresh.cron", "never_fires");
    })
    .await;
}

/// The rule form shows the library's verdicts next to the fields they are about.
#[tokio::test]
async fn the_rule_form_shows_each_refusal_at_its_field() {
    each_backend(|env| async move {
        let mut client = WebClient::setup(&env, "owner@cafe.test").await;
        let cookie = client
            .cookie(vitrin_server::auth::SESSION_COOKIE)
            .expect("signed in")
            .to_owned();
        let owner = Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE));
        let playlist = env
            .create(
                &owner,
                "/api/v1/playlists",
                json!({"name": "Empty", "entries": []}),
            )
            .await;
        let target = format!("playlist:{playlist}");
        let post = async |client: &mut WebClient, name: &str, cron: &str, minutes: &str| {
            client
                .post_form(
                    "/schedule/rules/new",
                    &[
                        ("name", name),
                        ("target", target.as_str()),
                        ("scope", "all"),
                        ("kind", "normal"),
                        ("priority", "1"),
                        ("window", "cron"),
                        ("cron", cron),
                        ("duration_minutes", minutes),
                    ],
                )
                .await
        };

        let never = post(&mut client, "Never", "0 0 31 2 *", "60").await;
        assert_eq!(
            never.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            never.html
        );
        never
            .assert_contains("id=\"f-cron-error\">This cron line never fires from now on")
            .assert_contains("value=\"0 0 31 2 *\"");
        client.accept_language = Some("fa".into());
        post(&mut client, "Never", "0 0 0 1 1 * 2020", "60")
            .await
            .assert_contains("id=\"f-cron-error\">این خط cron از این پس هرگز اجرا نمی‌شود");
        client.accept_language = None;

        // Found by the library, not the form: still shown at the field it is about.
        let hidden = post(&mut client, "Mornings\u{202e}", "0 7 * * *", "60").await;
        assert_eq!(
            hidden.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            hidden.html
        );
        hidden.assert_contains("id=\"f-name-error\">remove the invisible control character U+202E");
        let long = post(&mut client, "Mornings", "0 7 * * *", "20000").await;
        assert_eq!(
            long.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            long.html
        );
        long.assert_contains(
            "id=\"f-duration_minutes-error\">a cron occurrence can last at most 7 days",
        );
        assert_eq!(get_ok(&env, &owner, "/api/v1/rules").await, json!([]));
    })
    .await;
}

/// Every word of the demo café is in one script: no "پاستا آلفredo".
#[tokio::test]
async fn the_demo_writes_each_word_in_one_script() {
    each_backend(|env| async move {
        assert!(vitrin_server::demo::seed(&env.state).await.unwrap());
        let owner = env
            .login(
                vitrin_server::demo::OWNER_EMAIL,
                vitrin_server::demo::OWNER_PASSWORD,
            )
            .await;
        let content = get_ok(&env, &owner, "/api/v1/content").await;
        let mut texts = Vec::new();
        collect_strings(&content, &mut texts);
        let arabic_script = |c: char| ('\u{0600}'..='\u{06ff}').contains(&c);
        for text in &texts {
            for word in text.split(|c: char| c.is_whitespace() || c == '\u{200c}') {
                let mixed = word.chars().any(arabic_script)
                    && word.chars().any(|c| c.is_ascii_alphabetic());
                assert!(
                    !mixed,
                    "'{word}' mixes Persian and Latin letters in '{text}'"
                );
            }
        }
        assert!(texts.iter().any(|t| t == "پاستا آلفردو"), "{content}");
    })
    .await;
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

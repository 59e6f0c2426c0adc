//! Store hours on SQLite and PostgreSQL: the organization's hours and dayparts reach every
//! screen's manifest, a store overrides them and can follow them again, bad hours get field
//! errors and change nothing, holidays are offered and confirmed, screen power settings travel
//! to the player, and the dashboard shows a screen asleep by schedule without alerting.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, device_token, each_backend, field_codes};
use serde_json::{Value, json};
use web_support::*;

const OWNER: &str = "owner@hours.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

fn week(intervals: Value) -> Value {
    let days = [
        "saturday",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ];
    Value::Object(
        days.iter()
            .map(|d| (d.to_string(), intervals.clone()))
            .collect(),
    )
}

async fn manifest(env: &TestEnv, auth: &Auth, screen: i64) -> Value {
    let (status, body) = env
        .get(auth, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The owner signed in, with the store Tajrish and its screen Counter.
async fn tajrish_counter(env: &TestEnv) -> (WebClient, Auth, i64, i64) {
    let owner = WebClient::setup(env, OWNER).await;
    let auth = session_of(&owner);
    let store = env
        .create(
            &auth,
            "/api/v1/stores",
            json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
        )
        .await;
    let screen = env
        .create(
            &auth,
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter"}),
        )
        .await;
    (owner, auth, store, screen)
}

#[tokio::test]
async fn hours_reach_the_screens_and_bad_hours_change_nothing() {
    each_backend(|env| async move {
        let owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let tajrish = env
            .create(&auth, "/api/v1/stores", json!({"name": "Tajrish", "timezone": "Asia/Tehran"}))
            .await;
        let vanak = env
            .create(&auth, "/api/v1/stores", json!({"name": "Vanak", "timezone": "Asia/Tehran"}))
            .await;
        let counter = env
            .create(&auth, "/api/v1/screens", json!({"store_id": tajrish, "name": "Counter"}))
            .await;
        let window = env
            .create(&auth, "/api/v1/screens", json!({"store_id": vanak, "name": "Window"}))
            .await;

        // Nothing set: always open, the built-in dayparts, sleeping by default.
        let m = manifest(&env, &auth, counter).await;
        assert_eq!(m["screen"].get("hours"), None, "{m}");
        assert_eq!(m["screen"]["dayparts"][0]["name"], "Breakfast");
        assert_eq!(m["screen"]["power"], json!({"sleep_when_closed": true, "wake_minutes_before": 10}));

        // The franchise's hours and a holiday reach both stores' screens.
        let hours = json!({"weekly": week(json!([{"open": "08:00", "close": "23:00"}])),
                           "exceptions": [{"name": "Ashura", "dates": {"from": "2026-06-25", "until": "2026-06-25"}, "holiday": "ashura"}]});
        let dayparts = json!([{"name": "Breakfast", "start": "08:00", "end": "11:30"},
                              {"name": "Dinner", "start": "18:00", "end": "23:00"}]);
        let before = env.manifest_version(&auth, window).await;
        let (status, body) = env
            .put(&auth, "/api/v1/hours", json!({"hours": hours, "dayparts": dayparts}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["dayparts"][0]["end"], "11:30:00");
        assert!(env.manifest_version(&auth, window).await > before);
        for screen in [counter, window] {
            let m = manifest(&env, &auth, screen).await;
            assert_eq!(m["screen"]["hours"]["weekly"]["monday"][0]["open"], "08:00:00", "{m}");
            assert_eq!(m["screen"]["hours"]["exceptions"][0]["holiday"], "ashura");
            assert_eq!(m["screen"]["dayparts"][1]["name"], "Dinner");
        }

        // Vanak opens late on Fridays; its screen follows, Tajrish's does not.
        let mut own = week(json!([{"open": "08:00", "close": "23:00"}]));
        own["friday"] = json!([{"open": "16:00", "close": "01:00"}]);
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{vanak}/hours"), json!({"hours": {"weekly": own}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["own"]["dayparts"], Value::Null, "dayparts still the franchise's");
        assert_eq!(body["dayparts"][1]["name"], "Dinner");
        let m = manifest(&env, &auth, window).await;
        assert_eq!(m["screen"]["hours"]["weekly"]["friday"][0]["close"], "01:00:00");
        // Its own week keeps the franchise's confirmed holiday.
        assert_eq!(m["screen"]["hours"]["exceptions"][0]["holiday"], "ashura", "{m}");
        let mut web = WebClient::login(&env, OWNER).await;
        web.get(&format!("/stores/{vanak}/hours"))
            .await
            .assert_contains("From the organization (every store keeps them)")
            .assert_contains("Ashura");
        let m = manifest(&env, &auth, counter).await;
        assert_eq!(m["screen"]["hours"]["weekly"]["friday"][0]["close"], "23:00:00");

        // Bad input: each problem named on its field; nothing saved, no manifest changed.
        let version = env.manifest_version(&auth, counter).await;
        let saved = env.get(&auth, "/api/v1/hours").await.1;
        let mut bad = week(json!([{"open": "08:00", "close": "14:00"}, {"open": "13:00", "close": "20:00"}]));
        bad["tuesday"] = json!([{"open": "22:00", "close": "02:00"}, {"open": "23:00", "close": "23:30"}]);
        let (status, problem) = env
            .put(&auth, "/api/v1/hours", json!({
                "hours": {"weekly": bad, "exceptions": [{"name": "Trip", "dates": {"from": "2026-07-10", "until": "2026-07-01"}}]},
                "dayparts": [{"name": "Late", "start": "21:00", "end": "23:30"}]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "hours.weekly.monday.1.open"), ["overlap"]);
        assert_eq!(field_codes(&problem, "hours.weekly.tuesday.1.open"), ["inverted"]);
        assert_eq!(field_codes(&problem, "hours.exceptions.0.dates.until"), ["before_start"]);
        let (status, problem) = env
            .put(&auth, "/api/v1/hours", json!({"hours": hours, "dayparts": [{"name": "Late", "start": "21:00", "end": "23:30"}]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "dayparts.0.end"), ["after_closing"]);
        assert_eq!(env.get(&auth, "/api/v1/hours").await.1, saved);
        assert_eq!(env.manifest_version(&auth, counter).await, version);

        // Holidays of 1405 are offered; the confirmed one says so.
        let (status, offers) = env.get(&auth, "/api/v1/holidays?year=1405").await;
        assert_eq!(status, StatusCode::OK, "{offers}");
        let offer = |key: &str| {
            offers.as_array().unwrap().iter().find(|o| o["key"] == key).cloned()
                .unwrap_or_else(|| panic!("no {key} in {offers}"))
        };
        assert_eq!(offer("nowruz_1")["date"], "2026-03-21");
        assert_eq!(offer("nowruz_1")["kind"], "solar");
        assert_eq!(offer("nowruz_1")["confirmed"], false);
        assert_eq!(offer("ashura")["kind"], "lunar");
        assert_eq!(offer("ashura")["confirmed"], true);
        let (status, problem) = env.get(&auth, "/api/v1/holidays?year=99").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

        // Power settings of a screen travel in its manifest; out of range is refused.
        let (status, body) = env
            .put(&auth, &format!("/api/v1/screens/{counter}"), json!({"store_id": tajrish, "name": "Counter",
                "power": {"sleep_when_closed": false, "wake_minutes_before": 5}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let m = manifest(&env, &auth, counter).await;
        assert_eq!(m["screen"]["power"], json!({"sleep_when_closed": false, "wake_minutes_before": 5}));
        let (status, problem) = env
            .put(&auth, &format!("/api/v1/screens/{counter}"), json!({"store_id": tajrish, "name": "Counter",
                "power": {"sleep_when_closed": true, "wake_minutes_before": 500}}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "power.wake_minutes_before"), ["out_of_range"]);

        // The organization's page lists the stores, saying which have hours of their own.
        web.get("/hours")
            .await
            .assert_contains(&format!("<a href=\"/stores/{vanak}/hours\">Vanak</a> · its own hours"))
            .assert_contains(&format!("<a href=\"/stores/{tajrish}/hours\">Tajrish</a> · follows these hours"));
        // A year of daily exceptions and more is a mistake, not a shop.
        let many: Vec<Value> = (0..401)
            .map(|n| json!({"name": format!("day {n}"), "dates": {"from": "2026-01-01", "until": "2026-01-01"}}))
            .collect();
        let (status, problem) = env
            .put(&auth, "/api/v1/hours", json!({"hours": {"weekly": {}, "exceptions": many}}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "hours.exceptions"), ["too_many"]);

        // Vanak follows the franchise again.
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{vanak}/hours"), json!({"hours": null}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let m = manifest(&env, &auth, window).await;
        assert_eq!(m["screen"]["hours"]["weekly"]["friday"][0]["close"], "23:00:00");

        // Only owners set the franchise's hours; a store manager their own store's.
        let editor = env.add_user(&auth, "editor@hours.test", "editor", &[]).await;
        let (status, _) = env.put(&editor, "/api/v1/hours", json!({"hours": null})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let manager = env.add_user(&auth, "manager@hours.test", "store_manager", &[tajrish]).await;
        let (status, body) = env
            .put(&manager, &format!("/api/v1/stores/{tajrish}/hours"), json!({"hours": {"weekly": week(json!([]))}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = env
            .put(&manager, &format!("/api/v1/stores/{vanak}/hours"), json!({"hours": null}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_screen_asleep_by_schedule_is_shown_so_and_never_alerted() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        let auth = session_of(&owner);
        let closed = env
            .create(&auth, "/api/v1/stores", json!({"name": "Closed today", "timezone": "Asia/Tehran"}))
            .await;
        let open = env
            .create(&auth, "/api/v1/stores", json!({"name": "Open around the clock", "timezone": "Asia/Tehran"}))
            .await;
        // A store closed every day (an empty week), one open all day.
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{closed}/hours"), json!({"hours": {"weekly": week(json!([]))}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = env
            .put(&auth, &format!("/api/v1/stores/{open}/hours"),
                 json!({"hours": {"weekly": week(json!([{"open": "00:00", "close": "00:00"}]))}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let sleeper = env
            .create(&auth, "/api/v1/screens", json!({"store_id": closed, "name": "Sleeper"}))
            .await;
        let dark = env
            .create(&auth, "/api/v1/screens", json!({"store_id": open, "name": "Dark"}))
            .await;
        let panel_off = env
            .create(&auth, "/api/v1/screens", json!({"store_id": open, "name": "Panel off"}))
            .await;
        // All three were paired once; the first two have gone quiet.
        for screen in [sleeper, dark] {
            let token = device_token(&env, screen).await;
            let past = vitrin_server::db::now_ms() - 3_600_000;
            vitrin_server::db::sql("UPDATE screens SET last_seen_at = $1 WHERE id = $2")
                .bind(past)
                .bind(screen)
                .execute(&env.state.db)
                .await
                .unwrap();
            drop(token);
        }
        // The third is online with its panel off (woken off by a test, say) and no control.
        let token = device_token(&env, panel_off).await;
        let beat = json!({"player_version": "1.0.0", "uptime_secs": 1, "manifest_version": null,
                          "showing": [], "cache_bytes": 0, "disk_free_bytes": 0,
                          "sent_at": "2026-12-04T10:00:00Z",
                          "panel": {"on": false, "asleep_by_schedule": true, "control": "black_screen"}});
        let (status, body) = env
            .post(&Auth::Bearer(token), "/api/player/v1/heartbeat", beat)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let page = owner.get("/dashboard").await;
        let html = page.html.clone();
        let badge = |screen: i64| {
            let tile = format!("<li class=\"tile\" data-screen=\"{screen}\">");
            let row = html.split(&tile).nth(1).unwrap_or_else(|| panic!("{screen} on the dashboard"));
            row.split("class=\"badge ").nth(1).unwrap().split('"').next().unwrap().to_owned()
        };
        assert_eq!(badge(sleeper), "asleep", "offline while its store is closed");
        assert_eq!(badge(dark), "offline");
        assert_eq!(badge(panel_off), "asleep");
        page.assert_contains("Screen “Dark” is offline")
            .assert_lacks("Screen “Sleeper” is offline");
        owner
            .get(&format!("/screens/{panel_off}"))
            .await
            .assert_contains("No power control: the panel stays lit and shows black");
        // The wake command goes to the player like the others.
        let (status, body) = env
            .post(&auth, &format!("/api/v1/screens/{panel_off}/commands"), json!({"command": "wake"}))
            .await;
        assert!(status.is_success(), "{status} {body}");
    })
    .await;
}

#[tokio::test]
async fn the_hours_page_reads_hours_as_written_and_explains_mistakes() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        owner.accept_language = Some("fa".into());
        let auth = session_of(&owner);
        let page = owner.get("/hours?year=1405").await;
        page.assert_contains("ساعت کاری")
            .assert_contains("تاسوعای حسینی");
        let mut form: Vec<(String, String)> = vec![
            ("action".into(), "week".into()),
            ("mode".into(), "own".into()),
        ];
        for day in [
            "saturday",
            "sunday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
        ] {
            form.push((format!("day.{day}"), "۰۸:۰۰–۱۴:۰۰، ۱۷:۰۰–۲۳:۰۰".into()));
        }
        form.push(("day.friday".into(), "تعطیل".into()));
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        owner
            .post_form("/hours", &fields)
            .await
            .assert_redirect("/hours");
        let (_, saved) = env.get(&auth, "/api/v1/hours").await;
        assert_eq!(
            saved["hours"]["weekly"]["monday"][1]["open"], "17:00:00",
            "{saved}"
        );
        assert_eq!(saved["hours"]["weekly"]["friday"], json!([]));

        // Overlapping hours: the page again, the message on Monday's row, nothing saved.
        let mut bad = form.clone();
        bad.retain(|(k, _)| k != "day.monday");
        bad.push(("day.monday".into(), "08:00–14:00, 13:00–20:00".into()));
        let fields: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let answer = owner.post_form("/hours", &fields).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("با بازه‌ی دیگری هم‌پوشانی دارد")
            .assert_contains("13:00–20:00");
        assert_eq!(env.get(&auth, "/api/v1/hours").await.1, saved);

        // A day no calendar has (Esfand 1405 has 29 days): the message on its field.
        let answer = owner
            .post_form(
                "/hours",
                &[
                    ("action", "exception"),
                    ("name", "سفر"),
                    ("from", "۱۴۰۵-۱۲-۳۰"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("تاریخی مثل");
        assert_eq!(env.get(&auth, "/api/v1/hours").await.1, saved);

        // Confirm Tasua on the day after the computed one (the moon was sighted late).
        let offers = env.get(&auth, "/api/v1/holidays?year=1405").await.1;
        let tasua = offers
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["key"] == "tasua")
            .unwrap()
            .clone();
        let moved: jiff::civil::Date = tasua["date"].as_str().unwrap().parse().unwrap();
        let moved = moved.tomorrow().unwrap().to_string();
        owner
            .post_form(
                "/hours",
                &[
                    ("action", "holiday"),
                    ("holiday", "tasua"),
                    ("year", "1405"),
                    ("name", "تاسوعا"),
                    ("from", &moved),
                ],
            )
            .await
            .assert_redirect("/hours?year=1405");
        let (_, saved) = env.get(&auth, "/api/v1/hours").await;
        let exception = &saved["hours"]["exceptions"][0];
        assert_eq!(exception["holiday"], "tasua");
        assert_eq!(exception["dates"]["from"], moved.as_str());
        assert_eq!(exception.get("hours"), None, "closed");
        owner
            .get("/hours?year=1405")
            .await
            .assert_contains("تأیید شده");
        // Confirmed again on the computed day: it moves back, not doubled. The same key
        // months away (a lunar year repeats within a Gregorian one) is another holiday.
        let tasua_day = tasua["date"].as_str().unwrap().to_owned();
        let later: jiff::civil::Date = tasua_day.parse().unwrap();
        let later = (later + jiff::SignedDuration::from_hours(24 * 200)).to_string();
        for day in [tasua_day.as_str(), later.as_str()] {
            owner
                .post_form(
                    "/hours",
                    &[
                        ("action", "holiday"),
                        ("holiday", "tasua"),
                        ("year", "1405"),
                        ("name", "تاسوعا"),
                        ("from", day),
                    ],
                )
                .await
                .assert_redirect("/hours?year=1405");
        }
        let (_, saved) = env.get(&auth, "/api/v1/hours").await;
        let days: Vec<&str> = saved["hours"]["exceptions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["holiday"] == "tasua")
            .map(|e| e["dates"]["from"].as_str().unwrap())
            .collect();
        assert_eq!(days, [tasua_day.as_str(), later.as_str()]);
    })
    .await;
}

#[tokio::test]
async fn the_grid_paints_the_stores_dayparts_and_the_timeline_shades_closed_time() {
    each_backend(|env| async move {
        let (mut owner, auth, _, screen) = tajrish_counter(&env).await;
        let text = env
            .create(
                &auth,
                "/api/v1/content",
                json!({"name": "Hello", "type": "text", "title": "Hello", "body": "Welcome"}),
            )
            .await;
        let playlist = env
            .create(
                &auth,
                "/api/v1/playlists",
                json!({"name": "Morning", "entries": [{"content": text, "duration_ms": 5000}]}),
            )
            .await;
        let set = |breakfast: (&str, &str)| {
            json!({"hours": {"weekly": week(json!([{"open": "07:00", "close": "22:00"}]))},
                   "dayparts": [{"name": "صبحانه", "start": breakfast.0, "end": breakfast.1},
                                {"name": "Dinner", "start": "18:00", "end": "22:00"}]})
        };
        let (status, body) = env
            .put(&auth, "/api/v1/hours", set(("08:00", "11:30")))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The grid has a row per daypart, with its hours; painting Saturday's breakfast
        // writes a rule that follows the daypart by name.
        let grid = owner.get("/schedule").await;
        grid.assert_contains("name=\"cell.صبحانه.saturday\"")
            .assert_contains("08:00–11:30")
            .assert_contains("name=\"cell.dinner.saturday\"")
            .assert_lacks("cell.lunch.");
        let cell = format!("playlist:{playlist}");
        owner
            .post_form(
                "/schedule/grid",
                &[("scope", "all"), ("cell.صبحانه.saturday", &cell)],
            )
            .await
            .assert_redirect("/schedule?scope=all");
        let (_, rules) = env.get(&auth, "/api/v1/rules").await;
        assert_eq!(
            rules[0]["when"]["window"],
            json!({"type": "daypart", "daypart": "صبحانه"}),
            "{rules}"
        );

        // 2026-12-05 is a Saturday: breakfast 08:00–11:30, closed before 07:00 and after 22:00.
        let day = format!("/schedule/timeline?screen={screen}&day=2026-12-05");
        let rule = rules[0]["id"].as_i64().unwrap();
        owner
            .get(&day)
            .await
            .assert_contains(&format!(
                "data-rule=\"{rule}\" data-start=\"08:00\" data-end=\"11:30\""
            ))
            .assert_contains("class=\"closed\" data-start=\"00:00\" data-end=\"07:00\"")
            .assert_contains("class=\"closed\" data-start=\"22:00\" data-end=\"24:00\"");

        // The rule form offers the dayparts and "while open".
        let target = format!("playlist:{playlist}");
        owner
            .get("/schedule/rules/new")
            .await
            .assert_contains("<option value=\"Dinner\">Dinner (18:00–22:00)</option>");
        for (name, window, daypart) in [("Late", "daypart", "Dinner"), ("Open", "while_open", "")] {
            owner
                .post_form(
                    "/schedule/rules/new",
                    &[
                        ("name", name),
                        ("target", &target),
                        ("scope", "all"),
                        ("kind", "overlay"),
                        ("priority", "0"),
                        ("window", window),
                        ("daypart", daypart),
                    ],
                )
                .await
                .assert_redirect("/schedule");
        }
        let answer = owner
            .post_form(
                "/schedule/rules/new",
                &[
                    ("name", "Which?"),
                    ("target", &target),
                    ("scope", "all"),
                    ("kind", "overlay"),
                    ("priority", "0"),
                    ("window", "daypart"),
                    ("daypart", ""),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("choose a daypart</p>");
        let (_, rules) = env.get(&auth, "/api/v1/rules").await;
        let window_of = |name: &str| {
            rules
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == name)
                .unwrap()["when"]["window"]
                .clone()
        };
        assert_eq!(
            window_of("Late"),
            json!({"type": "daypart", "daypart": "Dinner"})
        );
        assert_eq!(window_of("Open"), json!({"type": "while_open"}));

        // Breakfast moves to 07:00–10:00: the rule moves with it, without being touched.
        let before = env.manifest_version(&auth, screen).await;
        let (status, body) = env
            .put(&auth, "/api/v1/hours", set(("07:00", "10:00")))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(env.manifest_version(&auth, screen).await > before);
        owner.get(&day).await.assert_contains(&format!(
            "data-rule=\"{rule}\" data-start=\"07:00\" data-end=\"10:00\""
        ));
    })
    .await;
}

#[tokio::test]
async fn the_screen_page_sets_its_power_and_keeps_it_when_a_form_lacks_it() {
    each_backend(|env| async move {
        let (mut owner, auth, store, screen) = tajrish_counter(&env).await;
        let page = format!("/screens/{screen}");
        owner
            .get(&page)
            .await
            .assert_contains("name=\"sleep_when_closed\" value=\"on\" checked");
        let store = store.to_string();
        let base = [
            ("name", "Counter"),
            ("store_id", store.as_str()),
            ("timezone", "Asia/Tehran"),
            ("orientation", "landscape"),
            ("default_layout_id", ""),
        ];
        // The box unchecked, five minutes typed in Persian digits.
        let mut fields = base.to_vec();
        fields.extend([("power_form", "1"), ("wake_minutes_before", "۵")]);
        owner.post_form(&page, &fields).await.assert_redirect(&page);
        let (_, saved) = env.get(&auth, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(
            saved["power"],
            json!({"sleep_when_closed": false, "wake_minutes_before": 5})
        );
        // Out of range: the message on its field, nothing saved.
        let mut fields = base.to_vec();
        fields.extend([
            ("power_form", "1"),
            ("sleep_when_closed", "on"),
            ("wake_minutes_before", "500"),
        ]);
        let answer = owner.post_form(&page, &fields).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("Between 0 and 120 minutes");
        // A form without the power fields leaves them as they are.
        owner.post_form(&page, &base).await.assert_redirect(&page);
        let (_, kept) = env.get(&auth, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(kept["power"], saved["power"]);
    })
    .await;
}

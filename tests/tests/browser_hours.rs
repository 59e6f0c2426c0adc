//! Store hours from the browser, in Persian, in a real headless Chromium: the owner types the
//! week with Persian digits, sees an overlap explained on its row, confirms a lunar holiday a
//! day later than computed, renames breakfast's hours in the dayparts table; the weekly grid
//! then paints those dayparts and the "what plays when" picture shades closed time and shows
//! the holiday closed all day.

use serde_json::json;
use vitrin_tests::browser::Browser;
use vitrin_tests::{Admin, TestServer, get_json, test_state};

/// The closed stretches the timeline picture shades, as `HH:MM-HH:MM`.
async fn closed_time(b: &Browser) -> serde_json::Value {
    b.find("svg.timeline").await;
    b.run(
        "return [...document.querySelectorAll('svg.timeline g.closed')]\
           .map(g => g.dataset.start + '-' + g.dataset.end);",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_sets_hours_and_a_holiday_in_persian_and_sees_them_on_the_grid_and_timeline() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let admin = Admin::setup(&base).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "شعبه تجریش", "timezone": "Asia/Tehran"}),
        )
        .await;
    let screen = admin
        .create(
            "/api/v1/screens",
            json!({"name": "پیشخوان", "store_id": store}),
        )
        .await;

    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;
    b.select("#lang-select", "fa").await;
    b.wait_script("return document.documentElement.lang === 'fa'")
        .await;

    // The week, typed as on a shop door; Friday closed. First with a mistake on Monday.
    b.goto(&format!("{base}/hours?year=1405")).await;
    b.wait_text("main h1", "ساعت کاری").await;
    b.click("#f-mode-own").await;
    for day in ["saturday", "sunday", "tuesday", "wednesday", "thursday"] {
        b.fill(&format!("#f-day-{day}"), "۰۸:۰۰–۱۴:۰۰، ۱۷:۰۰–۲۳:۰۰")
            .await;
    }
    b.fill("#f-day-monday", "۰۸:۰۰–۱۴:۰۰، ۱۳:۰۰–۲۳:۰۰").await;
    b.fill("#f-day-friday", "تعطیل").await;
    b.click("#week-form button.primary").await;
    b.wait_text(".field.invalid .field-error", "هم‌پوشانی").await;
    let invalid = b
        .run("return document.querySelector('.field.invalid input').id")
        .await;
    assert_eq!(
        invalid,
        json!("f-day-monday"),
        "the message is on Monday's row"
    );
    b.screenshot("hours-fa-overlap").await;
    b.fill("#f-day-monday", "۰۸:۰۰–۱۴:۰۰، ۱۷:۰۰–۲۳:۰۰").await;
    b.click("#week-form button.primary").await;
    b.wait_text(".flash", "ساعت کاری ذخیره شد").await;

    // Tasua 1405 as computed, confirmed one day later (the moon was sighted late).
    let holidays = get_json(&admin.client, &format!("{base}/api/v1/holidays?year=1405")).await;
    let tasua = holidays
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["key"] == "tasua")
        .unwrap()
        .clone();
    let computed: jiff::civil::Date = tasua["date"].as_str().unwrap().parse().unwrap();
    let sighted = computed.tomorrow().unwrap();
    let row = "tr[data-holiday='tasua']";
    b.fill(&format!("{row} input[name=from]"), &sighted.to_string())
        .await;
    b.click(&format!("{row} button")).await;
    b.wait_text(&format!("{row} .badge"), "تأیید شده").await;
    let exceptions = b.text("table.exceptions").await;
    assert!(exceptions.contains("تعطیل"), "{exceptions}");

    // Breakfast 08:00–11:30 (renamed in Persian), lunch and dinner.
    b.run(
        "const rows = document.querySelectorAll('table.dayparts tbody tr'); \
         const set = (r, n, s, e) => { const i = rows[r].querySelectorAll('input'); \
           i[0].value = n; i[1].value = s; i[2].value = e; }; \
         set(0, 'صبحانه', '۰۸:۰۰', '۱۱:۳۰'); set(1, 'ناهار', '12:00', '14:00'); \
         set(2, 'شام', '18:00', '23:00');",
    )
    .await;
    b.click("#dayparts-form button.primary").await;
    b.wait_text(".flash", "ساعت کاری ذخیره شد").await;
    b.screenshot("hours-fa").await;

    // The grid paints those dayparts.
    b.goto(&format!("{base}/schedule")).await;
    let grid = b.text("table.week-grid").await;
    assert!(
        grid.contains("صبحانه") && grid.contains("۰۸:۰۰–۱۱:۳۰") && grid.contains("شام"),
        "{grid}"
    );
    assert!(!grid.contains("Breakfast"), "{grid}");
    b.screenshot("hours-fa-grid").await;

    // "What plays when" on a Saturday: closed before 08:00, 14:00–17:00 and after 23:00.
    let saturday = "2026-12-05";
    b.goto(&format!(
        "{base}/schedule/timeline?screen={screen}&day={saturday}"
    ))
    .await;
    let closed = closed_time(&b).await;
    assert_eq!(
        closed,
        json!(["00:00-08:00", "14:00-17:00", "23:00-24:00"]),
        "closed time on {saturday}"
    );
    b.screenshot("hours-fa-timeline").await;
    // On the confirmed Tasua the store is closed all day.
    b.goto(&format!(
        "{base}/schedule/timeline?screen={screen}&day={sighted}"
    ))
    .await;
    let closed = closed_time(&b).await;
    assert_eq!(closed, json!(["00:00-24:00"]), "Tasua on {sighted}");
    b.close().await;
}

//! The main journey of the browser admin in a real Chromium, in English and in Persian:
//! first-run setup, an uploaded picture, breakfast and lunch menus, both scheduled on the weekly
//! grid, a headless player paired by its code, and that player's own manifest resolving to
//! breakfast at 08:00 and to lunch at 13:00 in the screen's time zone (with the shared engine,
//! as the player does every second). Screenshots of the key pages are saved as artifacts.

use jiff::Timestamp;
use jiff::civil::time;
use vitrin_player::Event;
use vitrin_shared::ids::PlaylistId;
use vitrin_shared::schedule::Target;
use vitrin_tests::browser::Browser;
use vitrin_tests::headless::Player;
use vitrin_tests::{TestServer, noise_png, test_state};

/// The words the journey looks for, in the language of the UI under test.
struct Ui {
    /// Screenshot name prefix and the `lang` value of the switcher.
    code: &'static str,
    dashboard: &'static str,
    uploaded: &'static str,
    breakfast: &'static str,
    lunch: &'static str,
    prices: [&'static str; 2],
    menu_saved: &'static str,
    grid_saved: &'static str,
    paired: &'static str,
}

const ENGLISH: Ui = Ui {
    code: "en",
    dashboard: "Dashboard",
    uploaded: "was added to the library",
    breakfast: "Breakfast",
    lunch: "Lunch",
    prices: ["85,000", "250000"],
    menu_saved: "saved.",
    grid_saved: "Weekly plan saved.",
    paired: "is paired",
};

const PERSIAN: Ui = Ui {
    code: "fa",
    dashboard: "پیشخوان",
    uploaded: "به کتابخانه افزوده شد",
    breakfast: "صبحانه",
    lunch: "ناهار",
    prices: ["۸۵٬۰۰۰", "۲۵۰۰۰۰"],
    menu_saved: "ذخیره شد.",
    grid_saved: "برنامهٔ هفتگی ذخیره شد.",
    paired: "جفت شد",
};

const WEEK: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

async fn journey(ui: &Ui) {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&dir.path().join("server")).await)
        .await
        .unwrap();
    let base = server.url("");
    let shot = |name: &str| format!("journey-{}-{name}", ui.code);

    // 1. First-run setup, in the chosen language.
    b.goto(&format!("{base}/setup")).await;
    b.select("#lang-select", ui.code).await;
    b.click("form.lang button[type=submit]").await;
    b.wait_script(&format!(
        "return document.documentElement.lang === '{}'",
        ui.code
    ))
    .await;
    b.fill("#f-organization", "Café Vitrin").await;
    b.fill("#f-name", "Owner").await;
    b.fill("#f-email", "owner@cafe.test").await;
    b.fill("#f-password", "a long test password").await;
    b.click("button[type=submit].primary").await;
    b.wait_text("h1", ui.dashboard).await;
    b.screenshot(&shot("1-dashboard")).await;

    // 2. A picture for the menu, uploaded through the media page.
    let picture = dir.path().join("croissant.png");
    std::fs::write(&picture, noise_png(64, 48, 7)).unwrap();
    b.goto(&format!("{base}/media")).await;
    b.find("#f-file")
        .await
        .send_keys(picture.to_str().unwrap())
        .await
        .expect("the file is chosen");
    b.run("document.querySelector('form[data-upload]').submit()")
        .await;
    b.wait_text(".flash", ui.uploaded).await;
    b.screenshot(&shot("2-media")).await;

    // 3. Breakfast and lunch menus (each gets its playlist), the first with the picture.
    for (n, (name, item, price)) in [
        (ui.breakfast, "Croissant", ui.prices[0]),
        (ui.lunch, "Kebab", ui.prices[1]),
    ]
    .into_iter()
    .enumerate()
    {
        b.goto(&format!("{base}/menus/new")).await;
        b.fill("#f-name", name).await;
        b.fill("#f-title", name).await;
        b.fill("input[name='row.0.category']", name).await;
        b.fill("input[name='row.0.name']", item).await;
        b.fill("input[name='row.0.price']", price).await;
        if n == 0 {
            // The uploaded picture: the first choice after "no picture".
            let sha = b
                .run("return document.querySelector(\"select[name='row.0.image']\").options[1].value")
                .await;
            b.select("select[name='row.0.image']", sha.as_str().unwrap())
                .await;
        }
        b.click("button[name=action][value=save]").await;
        b.wait_text(".flash", ui.menu_saved).await;
        if n == 0 {
            b.screenshot(&shot("3-menu")).await;
        }
    }

    // 4. Both on the weekly grid: breakfast mornings and lunch middays, every day. The menus'
    //    playlists are the first two of this fresh server.
    b.goto(&format!("{base}/schedule")).await;
    for day in WEEK {
        b.select(
            &format!("select[name='cell.breakfast.{day}']"),
            "playlist:1",
        )
        .await;
        b.select(&format!("select[name='cell.lunch.{day}']"), "playlist:2")
            .await;
    }
    b.click("#grid-form button[type=submit]").await;
    b.wait_text(".flash", ui.grid_saved).await;
    b.screenshot(&shot("4-schedule")).await;

    // 5. A headless player shows a code; it is typed into the pairing page with a new store.
    let mut player = Player::start(&base, &dir.path().join("player"));
    let code = player.pairing_code().await;
    b.goto(&format!("{base}/pair")).await;
    b.fill("#f-code", &code).await;
    b.fill("#f-name", "Counter").await;
    b.fill("#f-new_store", "Tajrish").await;
    b.fill("#f-timezone", "Asia/Tehran").await;
    b.click("#pair button[type=submit]").await;
    b.wait_text(".flash", ui.paired).await;
    let screen = player
        .until(|e| match e {
            Event::Paired { screen_id } => Some(*screen_id),
            _ => None,
        })
        .await;
    player
        .until(|e| matches!(e, Event::ManifestApplied { .. }).then_some(()))
        .await;

    // 6. The player's own manifest: breakfast at 08:00, lunch at 13:00, today in Tehran.
    let loaded = player.engine.current().expect("the player has a manifest");
    let names: Vec<&str> = loaded
        .manifest
        .playlists
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let playlist_of = |name: &str| {
        let p = loaded
            .manifest
            .playlists
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no playlist {name} in {names:?}"));
        Target::Playlist(PlaylistId(p.id.0))
    };
    let today = Timestamp::now().to_zoned(loaded.tz.clone()).date();
    for (hour, menu) in [(8, ui.breakfast), (13, ui.lunch)] {
        let at = today
            .to_datetime(time(hour, 0, 0, 0))
            .to_zoned(loaded.tz.clone())
            .unwrap()
            .timestamp();
        let main = loaded
            .schedule
            .resolve(at, &loaded.tz)
            .main
            .expect("something plays");
        assert_eq!(
            main.selected.target,
            playlist_of(menu),
            "at {hour:02}:00 the screen should show {menu}"
        );
    }

    // The day's picture of that screen, for the artifacts.
    b.goto(&format!(
        "{base}/schedule/timeline?screen={screen}&day={today}"
    ))
    .await;
    b.wait_text("figcaption", "").await;
    b.screenshot(&shot("5-timeline")).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_journey_in_english() {
    journey(&ENGLISH).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_journey_in_persian() {
    journey(&PERSIAN).await;
}

//! The demo café rebuilt from an empty server through the browser admin only, in a real
//! Chromium: the Persian/English breakfast, lunch and dinner menus in their designs (list, hero
//! with its picture, badges, calories and drinks by size, cards), the promo picture, a ticker
//! from a (local) news feed, a clock, a QR promo, their playlists and layouts, a headless player
//! paired by its code, and the breakfast/lunch/dinner schedule. The player then resolves and
//! downloads it, and its manifest must say what `--demo`'s says (ids, times and addresses
//! aside; the ticker compared by the lines it shows). Screenshots are saved as artifacts.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use vitrin_player::Event;
use vitrin_server::demo;
use vitrin_shared::content::{ContentKind, TickerSource};
use vitrin_shared::feed::FeedData;
use vitrin_shared::manifest::Manifest;
use vitrin_shared::schedule::Target;
use vitrin_tests::browser::Browser;
use vitrin_tests::headless::Player;
use vitrin_tests::{TestServer, get_json, signed_in, test_config, test_state};

/// The demo's ticker lines, served here as a news feed's newest items.
const NEWS: [&str; 3] = [
    "به کافه ویترین خوش آمدید",
    "Wi-Fi: vitrin-guest",
    "۲۰٪ تخفیف نوشیدنی‌ها تا پایان آذر",
];

/// A menu row as typed: category (blank continues the one above), item, description, price
/// (blank for an item priced by size), then the details.
#[derive(Clone, Copy)]
struct Row {
    category: &'static str,
    name: &'static str,
    description: &'static str,
    price: &'static str,
    sold_out: bool,
    /// A price per size of the menu's sizes.
    sizes: &'static [&'static str],
    calories: &'static str,
    badges: &'static [&'static str],
    featured: bool,
    /// Shown with the kebab picture.
    picture: bool,
}

const fn row(
    category: &'static str,
    name: &'static str,
    description: &'static str,
    price: &'static str,
) -> Row {
    Row {
        category,
        name,
        description,
        price,
        sold_out: false,
        sizes: &[],
        calories: "",
        badges: &[],
        featured: false,
        picture: false,
    }
}

/// A menu as typed: its playlist's name, title, design, sizes and rows.
struct MenuTyped {
    name: &'static str,
    title: &'static str,
    theme: &'static str,
    sizes: &'static str,
    rows: &'static [Row],
}

const MENUS: [MenuTyped; 3] = [
    MenuTyped {
        name: "Breakfast",
        title: "صبحانه · Breakfast",
        theme: "list",
        sizes: "",
        rows: &[
            row(
                "صبحانه ایرانی",
                "نان و پنیر و گردو",
                "Bread, feta & walnuts",
                "185,000",
            ),
            row("", "املت گوجه", "Tomato omelette", "۲۱۰٬۰۰۰"),
            Row {
                sold_out: true,
                ..row("", "حلیم", "Haleem with cinnamon", "240000")
            },
            row("نوشیدنی · Drinks", "چای", "Persian tea", "45000"),
            row("", "Espresso", "", "95000"),
        ],
    },
    MenuTyped {
        name: "Lunch",
        title: "ناهار · Lunch",
        theme: "hero",
        sizes: "کوچک، بزرگ",
        rows: &[
            Row {
                calories: "۸۹۰",
                badges: &["chefs_pick"],
                featured: true,
                picture: true,
                ..row(
                    "غذای اصلی · Mains",
                    "چلوکباب کوبیده",
                    "Koobideh kebab with saffron rice",
                    "520000",
                )
            },
            Row {
                calories: "640",
                ..row("", "قورمه‌سبزی", "Herb stew", "460000")
            },
            Row {
                badges: &["new"],
                ..row("", "Caesar salad", "", "380000")
            },
            Row {
                sizes: &["45000", "۶۵٬۰۰۰"],
                ..row("نوشیدنی · Drinks", "دوغ", "Doogh", "")
            },
            Row {
                sizes: &["90000", "120000"],
                ..row("", "Lemonade", "", "")
            },
        ],
    },
    MenuTyped {
        name: "Dinner",
        title: "شام · Dinner",
        theme: "cards",
        sizes: "",
        rows: &[
            Row {
                calories: "650",
                badges: &["chefs_pick"],
                ..row(
                    "شام · Dinner",
                    "جوجه‌کباب",
                    "Saffron chicken kebab",
                    "495000",
                )
            },
            Row {
                badges: &["vegetarian"],
                ..row("", "پاستا آلفردو", "Pasta Alfredo", "430000")
            },
            Row {
                calories: "450",
                badges: &["new"],
                ..row("", "کیک شکلاتی", "Chocolate cake", "210000")
            },
        ],
    },
];

const DAYPARTS: [(&str, &str, &str, &str); 3] = [
    ("Breakfast 07–11", "Breakfast", "07:00", "11:00"),
    ("Lunch 11–17", "Lunch", "11:00", "17:00"),
    ("Dinner 17–23", "Dinner", "17:00", "23:00"),
];

const PROMO: &str = "تخفیف پاییزه · Autumn promo";
const SURVEY: &str = "نظرسنجی · Survey";
const STORE: &str = "شعبه ولیعصر · Valiasr branch";
const SCREEN: &str = "پیشخوان · Counter";

/// An RSS feed of `NEWS` on 127.0.0.1, newest first.
async fn news_server() -> SocketAddr {
    let items: String = NEWS
        .iter()
        .enumerate()
        .map(|(n, title)| {
            format!(
                "<item><title>{title}</title><guid>news-{n}</guid>\
                 <pubDate>Wed, 0{} Dec 2026 10:00:00 +0330</pubDate></item>",
                3 - n
            )
        })
        .collect();
    let rss = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>Café news</title>{items}</channel></rss>"
    );
    let app = Router::new().route(
        "/news.xml",
        get(move || {
            let rss = rss.clone();
            async move { ([("content-type", "application/rss+xml")], rss) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// A reqwest client signed in to `base` through the API, to read what the pages made.
/// What a screen plays, with ids, times and addresses taken out: objects are named by their
/// names, a ticker by the lines it shows, a QR promo's tracked link by whether it is one.
fn canonical(m: &Manifest) -> Value {
    let content_name: HashMap<i64, &str> = m
        .content
        .iter()
        .map(|c| (c.id.0, c.name.as_str()))
        .collect();
    let playlist_name: HashMap<i64, &str> = m
        .playlists
        .iter()
        .map(|p| (p.id.0, p.name.as_str()))
        .collect();
    let layout_name: HashMap<i64, &str> = m
        .layouts
        .iter()
        .map(|l| (l.id.0, l.name.as_str()))
        .collect();
    let sorted = |mut items: Vec<Value>| {
        items.sort_by_key(|v| v["name"].to_string());
        Value::Array(items)
    };
    let content = m
        .content
        .iter()
        .map(|item| {
            let mut v = serde_json::to_value(item).unwrap();
            let object = v.as_object_mut().unwrap();
            object.remove("id");
            match &item.kind {
                ContentKind::Ticker { source, .. } => {
                    let lines = match source {
                        TickerSource::Static { lines } => lines.clone(),
                        TickerSource::Feed { feed, max_items } => m
                            .feeds
                            .iter()
                            .find(|f| f.feed == *feed)
                            .map(|f| match &f.data {
                                FeedData::News { items } => items
                                    .iter()
                                    .take(*max_items as usize)
                                    .map(|i| i.title.clone())
                                    .collect(),
                                _ => Vec::new(),
                            })
                            .unwrap_or_default(),
                    };
                    object.remove("feed");
                    object.remove("max_items");
                    object.insert("source".into(), json!("shown"));
                    object.insert("lines".into(), json!(lines));
                }
                ContentKind::QrPromo { url, .. } => {
                    object.insert("url".into(), json!(url.contains("/q/")));
                }
                _ => {}
            }
            v
        })
        .collect();
    let playlists = m
        .playlists
        .iter()
        .map(|p| {
            let entries: Vec<Value> = p
                .entries
                .iter()
                .map(|e| {
                    json!({"content": content_name[&e.content.0], "duration_ms": e.duration_ms,
                           "transition": e.transition,
                           "valid_from": e.valid_from.is_some(),
                           "valid_until": e.valid_until.is_some()})
                })
                .collect();
            json!({"name": p.name, "entries": entries})
        })
        .collect();
    let layouts = m
        .layouts
        .iter()
        .map(|l| {
            let zones: Vec<Value> = l
                .zones
                .iter()
                .map(|z| json!({"zone": z.zone, "playlist": playlist_name[&z.playlist.0]}))
                .collect();
            json!({"name": l.name, "template": l.template, "zones": zones})
        })
        .collect();
    let rules = m
        .rules
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            let object = v.as_object_mut().unwrap();
            object.remove("id");
            let target = match r.target {
                Target::Layout(id) => format!("layout {}", layout_name[&id.0]),
                Target::Playlist(id) => format!("playlist {}", playlist_name[&id.0]),
            };
            object.insert("target".into(), json!(target));
            let own_store = r.scope.stores == [m.screen.store];
            object.insert("scope".into(), json!({"the screen's store": own_store}));
            v
        })
        .collect();
    json!({
        "screen": {"name": m.screen.name, "timezone": m.screen.timezone,
                   "orientation": m.screen.orientation,
                   "default_layout": m.screen.default_layout.map(|l| layout_name[&l.0]),
                   "heartbeat_secs": m.screen.heartbeat_secs},
        "content": sorted(content),
        "playlists": sorted(playlists),
        "layouts": sorted(layouts),
        "rules": sorted(rules),
    })
}

/// The demo café's screen's manifest, from a server seeded with `--demo`'s code.
async fn demo_manifest(dir: &std::path::Path) -> Manifest {
    let state = test_state(dir).await;
    assert!(demo::seed(&state).await.unwrap());
    let server = TestServer::start(state).await.unwrap();
    let api = signed_in(&server.url(""), demo::OWNER_EMAIL, demo::OWNER_PASSWORD).await;
    let screens = get_json(&api, &server.url("/api/v1/screens")).await;
    let id = screens[0]["id"].as_i64().unwrap();
    serde_json::from_value(
        get_json(&api, &server.url(&format!("/api/v1/screens/{id}/manifest"))).await,
    )
    .unwrap()
}

/// Clicks the link whose text is `text`.
async fn follow(b: &Browser, text: &str) {
    let script = format!(
        "const a = [...document.querySelectorAll('main a')].find(a => a.textContent.trim() === {});\
         if (!a) return false; a.click(); return true;",
        json!(text)
    );
    assert_eq!(b.run(&script).await, json!(true), "no link {text}");
}

/// Saves the form of the current page with its primary button and waits for the flash.
async fn save(b: &Browser) {
    b.run("document.querySelector('.flash')?.remove()").await;
    b.click("main form button.primary").await;
    b.wait_script(
        "return !!document.querySelector('.flash.ok') || !!document.querySelector('.form-error')",
    )
    .await;
    let errors = b
        .run("return [...document.querySelectorAll('.form-error, .field-error')].map(e => e.textContent).join(' | ')")
        .await;
    assert_eq!(
        errors,
        json!(""),
        "the form was refused on {}",
        b.path().await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_cafe_is_rebuilt_from_the_browser_and_plays_as_the_demo_does() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let expected = demo_manifest(&dir.path().join("demo")).await;
    let news = news_server().await;

    let mut config = test_config(&dir.path().join("server"));
    // The news feed is on this machine; an operator allows that with --feed-allow.
    config.feed_allow = vec!["127.0.0.0/8".parse().unwrap()];
    let state = vitrin_server::AppState::open(config).await.unwrap();
    let server = TestServer::start(state).await.unwrap();
    tokio::spawn(vitrin_server::feeds::refresh::run(server.state.clone()));
    let base = server.url("");
    let shot = |name: &str| format!("demo-cafe-{name}");

    // 1. First-run setup.
    b.goto(&format!("{base}/setup")).await;
    b.fill("#f-organization", "کافه ویترین · Café Vitrin").await;
    b.fill("#f-name", "مدیر کافه · Café owner").await;
    b.fill("#f-email", "owner@cafe.test").await;
    b.fill("#f-password", "a long test password").await;
    b.click("button[type=submit].primary").await;
    b.wait_text("h1", "Dashboard").await;

    // 2. The counter's player shows a code; pairing it makes the Valiasr store.
    let mut player = Player::start(&base, &dir.path().join("player"));
    let code = player.pairing_code().await;
    b.goto(&format!("{base}/pair")).await;
    b.fill("#f-code", &code).await;
    b.fill("#f-name", SCREEN).await;
    b.fill("#f-new_store", STORE).await;
    b.fill("#f-timezone", "Asia/Tehran").await;
    b.click("#pair button[type=submit]").await;
    b.wait_text(".flash", "is paired").await;
    let screen_page = b.path().await;
    player
        .until(|e| matches!(e, Event::Paired { .. }).then_some(()))
        .await;

    // 3. The promo picture and the kebab's, uploaded through the media page.
    for (name, png) in [
        ("promo.png", demo::promo_png()),
        ("kebab.png", demo::kebab_png()),
    ] {
        let picture = dir.path().join(name);
        std::fs::write(&picture, png).unwrap();
        b.goto(&format!("{base}/media")).await;
        b.find("#f-file")
            .await
            .send_keys(picture.to_str().unwrap())
            .await
            .unwrap();
        b.run("document.querySelector('form[data-upload]').submit()")
            .await;
        b.wait_text(".flash", "was added to the library").await;
    }

    // 4. The news feed the ticker reads; the server fetches it.
    b.goto(&format!("{base}/feeds")).await;
    b.fill("#f-name", "Café news").await;
    b.select("#f-kind", "news").await;
    b.fill(
        "input[name='source.url']",
        &format!("http://{news}/news.xml"),
    )
    .await;
    b.click("main form button.primary").await;
    b.wait_text(".flash", "Café news").await;

    // 5. The three menus in their designs, typed row by row (prices in either digits), without
    //    playlists of their own: the demo's playlists mix them with the promo.
    for menu in &MENUS {
        b.goto(&format!("{base}/menus/new")).await;
        b.fill("#f-name", menu.title).await;
        b.fill("#f-title", menu.title).await;
        b.select("#f-theme", menu.theme).await;
        if !menu.sizes.is_empty() {
            // Naming the sizes and asking for more rows adds a price column per size.
            b.fill("#f-sizes", menu.sizes).await;
            b.click("button[name=action][value=more_rows]").await;
            b.find("input[name='row.0.size.1']").await;
        }
        for (n, row) in menu.rows.iter().enumerate() {
            let field = |name: &str| format!("input[name='row.{n}.{name}']");
            for (name, value) in [
                ("category", row.category),
                ("name", row.name),
                ("description", row.description),
                ("price", row.price),
                ("calories", row.calories),
            ] {
                if !value.is_empty() {
                    b.fill(&field(name), value).await;
                }
            }
            for (k, price) in row.sizes.iter().enumerate() {
                b.fill(&field(&format!("size.{k}")), price).await;
            }
            for badge in row.badges {
                b.click(&field(&format!("badge.{badge}"))).await;
            }
            if row.sold_out {
                b.click(&field("sold_out")).await;
            }
            if row.featured {
                b.click(&field("featured")).await;
            }
            if row.picture {
                b.select_text(&format!("select[name='row.{n}.image']"), "kebab.png")
                    .await;
            }
        }
        b.click("#f-make_playlist").await;
        b.click("button[name=action][value=save]").await;
        // This menu's own message: a "saved" left over on the form page from the step before
        // would let the next step navigate away before this save was sent.
        b.wait_text(".flash", &format!("{}” saved", menu.title))
            .await;
    }
    b.screenshot(&shot("menu")).await;

    // 6. The promo picture, the ticker, the clock and the QR promo on the content page; the
    //    ticker and the clock each get their playlist right away.
    b.goto(&format!("{base}/content/new?kind=image")).await;
    b.fill("#f-name", PROMO).await;
    b.select_text("#f-media", "promo.png").await;
    b.select("#f-fit", "cover").await;
    b.click("#f-make_playlist").await;
    save(&b).await;
    b.screenshot(&shot("promo")).await;

    // The feed has been fetched by now or shortly: the ticker's page shows its lines.
    b.goto(&format!("{base}/content/new?kind=ticker")).await;
    b.fill("#f-name", "Ticker").await;
    b.select("#f-source", "feed").await;
    b.select_text("#f-feed", "Café news").await;
    b.fill("#f-max_items", "10").await;
    b.select("#f-lang", "fa").await;
    b.fill("#f-seconds", "60").await;
    save(&b).await;
    let ticker_page = b.path().await;
    for _ in 0..60 {
        b.goto(&format!("{base}{ticker_page}")).await;
        let text = b.text(".content-preview").await;
        if text.contains(NEWS[0]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let preview = b.text(".content-preview").await;
    assert!(
        preview.contains(NEWS[0]) && preview.contains(NEWS[2]),
        "{preview}"
    );
    b.screenshot(&shot("ticker")).await;

    b.goto(&format!("{base}/content/new?kind=clock")).await;
    b.fill("#f-name", "Clock").await;
    b.select("#f-calendar", "both").await;
    b.select("#f-digits", "persian").await;
    b.fill("#f-seconds", "30").await;
    save(&b).await;
    b.screenshot(&shot("clock")).await;

    b.goto(&format!("{base}/content/new?kind=qr")).await;
    b.fill("#f-name", SURVEY).await;
    b.fill("#f-headline", "نظرتان را بگویید · Tell us what you think")
        .await;
    b.select("#f-leads_to", "feedback").await;
    b.click("#f-make_playlist").await;
    save(&b).await;
    // The promo page shows the counter's own tracked link and its QR code.
    b.wait_text("#links-h", "Tracked links").await;
    assert!(b.text("main table").await.contains(SCREEN));
    b.screenshot(&shot("qr")).await;

    // 7. The survey after the clock, half a minute each.
    b.goto(&format!("{base}/playlists")).await;
    follow(&b, "Clock").await;
    b.wait_text("h1", "Clock").await;
    b.select_text("#f-add_content", SURVEY).await;
    save(&b).await;
    b.fill("li:nth-child(2) input[name=entry_seconds]", "30")
        .await;
    save(&b).await;

    // 8. A playlist per menu: the menu, then the promo with a fade for thirty days.
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Tehran").unwrap())
        .date();
    let last = today + jiff::Span::new().days(29);
    for menu in &MENUS {
        b.goto(&format!("{base}/playlists/new")).await;
        b.fill("#f-name", menu.name).await;
        b.select_text("#f-add_content", menu.title).await;
        save(&b).await;
        b.select_text("#f-add_content", PROMO).await;
        save(&b).await;
        b.fill("li:nth-child(1) input[name=entry_seconds]", "20")
            .await;
        b.fill("li:nth-child(2) input[name=entry_seconds]", "8")
            .await;
        b.select("li:nth-child(2) select[name=entry_transition]", "fade")
            .await;
        b.fill("li:nth-child(2) input[name=entry_from]", &today.to_string())
            .await;
        b.fill("li:nth-child(2) input[name=entry_until]", &last.to_string())
            .await;
        save(&b).await;
    }

    // 9. A layout per daypart: the menu's playlist, the clock beside it, the ticker below.
    for menu in &MENUS {
        let name = menu.name;
        b.goto(&format!("{base}/layouts/new")).await;
        b.fill("#f-name", name).await;
        b.select("#f-template", "main_side_ticker").await;
        b.click("button[name=action][value=template]").await;
        // The blank form has a main zone too: wait for the template's own page (it has a side
        // zone) so the choice is not made on the page being replaced.
        b.find("select[name='zone.side']").await;
        b.select_text("select[name='zone.main']", name).await;
        b.select_text("select[name='zone.side']", "Clock").await;
        b.select_text("select[name='zone.ticker']", "Ticker").await;
        save(&b).await;
    }
    b.screenshot(&shot("layout")).await;

    // 10. The counter shows breakfast outside opening hours.
    b.goto(&format!("{base}{screen_page}")).await;
    b.select_text("#f-default_layout_id", "Breakfast").await;
    save(&b).await;

    // 11. Breakfast, lunch and dinner by time of day, for the store.
    for (rule, layout, start, end) in DAYPARTS {
        b.goto(&format!("{base}/schedule/rules/new")).await;
        b.fill("#f-name", rule).await;
        b.select_text("#f-target", &format!("Layout: {layout}"))
            .await;
        b.select_text("#f-scope", &format!("Store: {STORE}")).await;
        b.fill("#f-priority", "10").await;
        b.click("input[name=window][value=daily]").await;
        b.fill("#f-start", start).await;
        b.fill("#f-end", end).await;
        save(&b).await;
    }
    b.goto(&format!("{base}/schedule")).await;
    b.screenshot(&shot("schedule")).await;

    // 12. The player has the latest manifest, its media on disk; it plays what the demo does.
    let owner = signed_in(&base, "owner@cafe.test", "a long test password").await;
    let screen_id: i64 = screen_page.trim_start_matches("/screens/").parse().unwrap();
    let latest = get_json(
        &owner,
        &format!("{base}/api/v1/screens/{screen_id}/manifest"),
    )
    .await;
    let version = latest["version"].as_u64().unwrap();
    player
        .until(|e| match e {
            Event::ManifestApplied { version: v, .. } if *v >= version => Some(()),
            _ => None,
        })
        .await;
    let loaded = player.engine.current().expect("the player has a manifest");
    for item in &loaded.manifest.content {
        for media in item.media() {
            assert!(
                player.engine.media_path(&media.sha256).is_some(),
                "{} is not on the player's disk",
                item.name
            );
        }
    }
    let rebuilt = serde_json::to_string_pretty(&canonical(&loaded.manifest)).unwrap();
    let demo = serde_json::to_string_pretty(&canonical(&expected)).unwrap();
    assert_eq!(rebuilt, demo, "the rebuilt café differs from --demo");
    b.close().await;
}

//! Every content renderer driven headless by egui_kittest, its output found the way a screen
//! reader would: through AccessKit, by the `alt_text` of the text textures and the names of the
//! drawn icons.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use egui::{Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use vitrin_player::render::text::{Palette, TextCache};
use vitrin_player::render::{
    Env, ImageState, MediaTextures, Outcome, clock, currency, menu, pairing, qr, slide, status,
    ticker, weather,
};
use vitrin_shared::brand::BrandKit;
use vitrin_shared::content::{
    CalendarKind, DigitStyle, Lang, MediaRef, Menu, MenuCategory, MenuItem, MenuTheme, MoneyUnit,
    TickerSource,
};
use vitrin_shared::feed::{
    Condition, FeedData, FeedSnapshot, NewsItem, Rate, TemperatureUnit, Weather, WeatherDay,
    WeatherIcon, WeatherNow, WindSpeedUnit,
};
use vitrin_shared::ids::FeedId;

/// Media as the app would give it: every image still decoding until `ready` is set, then a
/// small grey texture.
#[derive(Default)]
struct FakeMedia {
    ready: bool,
    asked: Vec<String>,
    textures: Vec<egui::TextureHandle>,
}

impl MediaTextures for FakeMedia {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, _max: Vec2) -> ImageState {
        self.asked.push(media.sha256.clone());
        if !self.ready {
            return ImageState::Loading;
        }
        let image = egui::ColorImage::filled([8, 8], egui::Color32::GRAY);
        let texture = ctx.load_texture(&media.sha256, image, Default::default());
        // Kept like the app's cache keeps them, so the frame can still draw it.
        self.textures.push(texture.clone());
        ImageState::Ready(texture)
    }
}

/// What one renderer gets and what it reported.
struct Scene {
    text: TextCache,
    media: FakeMedia,
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    brand: BrandKit,
    now: jiff::Zoned,
    shown_for: f64,
    outcome: Option<Outcome>,
}

impl Scene {
    fn new() -> Scene {
        Scene {
            text: TextCache::new(),
            media: FakeMedia::default(),
            feeds: BTreeMap::new(),
            brand: BrandKit::default(),
            now: "2026-11-22T10:15:30+03:30[Asia/Tehran]".parse().unwrap(),
            shown_for: 0.0,
            outcome: None,
        }
    }

    fn with_feed(mut self, snapshot: FeedSnapshot) -> Scene {
        self.feeds.insert(snapshot.feed, snapshot);
        self
    }
}

type Draw<'a> = Rc<RefCell<dyn FnMut(&mut egui::Ui, Rect, &mut Env) -> Outcome + 'a>>;

/// A harness `size` large whose whole area is the zone `draw` paints.
fn harness<'a>(
    size: Vec2,
    scene: Scene,
    draw: impl FnMut(&mut egui::Ui, Rect, &mut Env) -> Outcome + 'a,
) -> Harness<'a, Scene> {
    let draw: Draw<'a> = Rc::new(RefCell::new(draw));
    let mut harness = Harness::builder().with_size(size).build_ui_state(
        move |ui, scene: &mut Scene| {
            let rect = ui.max_rect();
            let mut env = Env {
                now: &scene.now,
                shown_for: scene.shown_for,
                text: &mut scene.text,
                media: &mut scene.media,
                feeds: &scene.feeds,
                brand: &scene.brand,
                palette: Palette::of(&scene.brand),
                seams: &Default::default(),
                on_cleared_frame: false,
            };
            scene.outcome = Some((draw.borrow_mut())(ui, rect, &mut env));
        },
        scene,
    );
    harness.run_steps(2);
    harness
}

fn outcome(harness: &Harness<Scene>) -> Outcome {
    harness.state().outcome.clone().expect("the renderer ran")
}

fn item(name: &str, price: i64) -> MenuItem {
    MenuItem {
        name: name.into(),
        description: String::new(),
        price,
        sold_out: false,
        image: None,
        ..MenuItem::default()
    }
}

fn sha(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn cafe_menu() -> Menu {
    let mut latte = item("لاته", 135_000);
    latte.sold_out = true;
    let mut cake = item("کيک شکلاتی", 95_000); // typed with an Arabic yeh
    cake.image = Some(MediaRef {
        sha256: sha(7),
        size: 10,
        mime: "image/png".into(),
        width: Some(8),
        height: Some(8),
        duration_ms: None,
    });
    Menu {
        title: "منوی کافه".into(),
        categories: vec![
            MenuCategory {
                name: "نوشیدنی گرم".into(),
                items: vec![
                    item("قهوه", 120_000),
                    latte,
                    item("کاپوچینو Cappuccino", 140_000),
                ],
            },
            MenuCategory {
                name: "کیک".into(),
                items: vec![cake],
            },
        ],
        unit: MoneyUnit::Toman,
        columns: 0,
        theme: Default::default(),
    }
}

#[test]
fn menu_shows_persian_items_prices_in_toman_and_sold_out_marks() {
    let menu = cafe_menu();
    let harness = harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        menu::show(ui, rect, &menu, env)
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label("منوی کافه");
    harness.get_by_label("نوشیدنی گرم");
    harness.get_by_label("قهوه");
    harness.get_by_label("۱۲۰٬۰۰۰ تومان");
    harness.get_by_label("کاپوچینو Cappuccino");
    // Sold out: the mark replaces the price.
    harness.get_by_label("ناموجود");
    assert!(harness.query_by_label("۱۳۵٬۰۰۰ تومان").is_none());
    // Arabic yeh is shown as the Persian one.
    harness.get_by_label("کیک شکلاتی");

    // Persian menus read from the right: the item name is right of its price.
    let name = harness.get_by_label("قهوه").rect();
    let price = harness.get_by_label("۱۲۰٬۰۰۰ تومان").rect();
    assert!(name.center().x > price.center().x, "{name:?} vs {price:?}");

    // The list theme has no pictures; the cards show them once decoded, text first.
    let cards = Menu {
        theme: MenuTheme::Cards,
        ..cafe_menu()
    };
    let mut harness = self::harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        menu::show(ui, rect, &cards, env)
    });
    harness.get_by_label("کیک شکلاتی");
    assert!(harness.query_by_label("picture: کيک شکلاتی").is_none());
    assert!(harness.state().media.asked.contains(&sha(7)));
    harness.state_mut().media.ready = true;
    harness.run_steps(1);
    harness.get_by_label("picture: کيک شکلاتی");
}

#[test]
fn menu_fits_many_items_into_columns_inside_the_zone() {
    let items: Vec<MenuItem> = (1..=30)
        .map(|i| item(&format!("غذای شماره {i}"), i * 1000))
        .collect();
    let menu = Menu {
        title: "منو".into(),
        categories: vec![MenuCategory {
            name: "غذا".into(),
            items,
        }],
        unit: MoneyUnit::Toman,
        columns: 0,
        theme: Default::default(),
    };
    let size = Vec2::new(1920.0, 1080.0);
    let harness = harness(size, Scene::new(), |ui, rect, env| {
        menu::show(ui, rect, &menu, env)
    });
    let screen = Rect::from_min_size(egui::Pos2::ZERO, size);
    let first = harness.get_by_label("غذای شماره 1").rect();
    let last = harness.get_by_label("غذای شماره 30").rect();
    assert!(
        screen.contains_rect(first) && screen.contains_rect(last),
        "{first:?} {last:?}"
    );
    // More than one column: the last item is left of the first (RTL column order).
    assert!(last.center().x < first.left(), "{first:?} {last:?}");

    // One column, as asked: 30 rows do not fit at a readable size, so it pages, every row
    // of the page in that one column.
    let wanted = Menu {
        columns: 1,
        ..menu.clone()
    };
    let harness = self::harness(size, Scene::new(), |ui, rect, env| {
        menu::show(ui, rect, &wanted, env)
    });
    let first = harness.get_by_label("غذای شماره 1").rect();
    let second = harness.get_by_label("غذای شماره 2").rect();
    assert!(harness.query_by_label("غذای شماره 30").is_none(), "paged");
    harness.get_by_label_contains("۱/");
    assert!(screen.contains_rect(first), "{first:?}");
    assert!((second.right() - first.right()).abs() < 1.0, "one column");
    assert!(second.top() > first.top());
}

#[test]
fn empty_menu_fails_with_a_reason() {
    let menu = Menu::default();
    let harness = harness(Vec2::new(400.0, 300.0), Scene::new(), |ui, rect, env| {
        menu::show(ui, rect, &menu, env)
    });
    assert!(matches!(outcome(&harness), Outcome::Failed(reason) if reason.contains("no items")));
}

#[test]
fn text_slide_shows_title_and_body_in_the_language_direction() {
    let harness = harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        slide::show(
            ui,
            rect,
            "ساعات کاری",
            "همه روزه از ۸ صبح تا ۱۰ شب",
            Lang::Fa,
            env,
        )
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    let title = harness.get_by_label("ساعات کاری").rect();
    let body = harness.get_by_label("همه روزه از ۸ صبح تا ۱۰ شب").rect();
    assert!(
        title.center().y < body.top(),
        "title above body: {title:?} {body:?}"
    );

    let harness = self::harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        slide::show(ui, rect, "Opening hours", "Every day", Lang::En, env)
    });
    harness.get_by_label("Opening hours");
    harness.get_by_label("Every day");
}

fn news(feed: i64, titles: &[&str]) -> FeedSnapshot {
    FeedSnapshot {
        feed: FeedId(feed),
        fetched_at: "2026-11-22T06:00:00Z".parse().unwrap(),
        stale: false,
        data: FeedData::News {
            items: titles
                .iter()
                .map(|t| NewsItem {
                    title: (*t).into(),
                    published: None,
                    summary: None,
                })
                .collect(),
        },
    }
}

/// The x of the ticker's line after `seconds`.
fn ticker_x(source: &TickerSource, lang: Lang, scene: Scene, seconds: f64, label: &str) -> f32 {
    let mut scene = scene;
    scene.shown_for = seconds;
    let harness = harness(Vec2::new(1280.0, 120.0), scene, |ui, rect, env| {
        ticker::show(ui, rect, source, 240, lang, env)
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label(label).rect().left()
}

#[test]
fn ticker_moves_with_time_left_to_right_for_persian_right_to_left_for_english() {
    let persian = TickerSource::Static {
        lines: vec!["تخفیف ویژه".into(), "ساعت ۸ تا ۲۲".into()],
    };
    let line = "تخفیف ویژه   •   ساعت ۸ تا ۲۲";
    let (early, later) = (
        ticker_x(&persian, Lang::Fa, Scene::new(), 1.0, line),
        ticker_x(&persian, Lang::Fa, Scene::new(), 2.0, line),
    );
    assert!(later > early, "Persian moves right: {early} -> {later}");

    let english = TickerSource::Static {
        lines: vec!["Fresh bread".into()],
    };
    let (early, later) = (
        ticker_x(&english, Lang::En, Scene::new(), 1.0, "Fresh bread"),
        ticker_x(&english, Lang::En, Scene::new(), 2.0, "Fresh bread"),
    );
    assert!(later < early, "English moves left: {early} -> {later}");
}

#[test]
fn ticker_reads_its_feed_and_fails_without_a_snapshot() {
    let source = TickerSource::Feed {
        feed: FeedId(5),
        max_items: 1,
    };
    let scene = Scene::new().with_feed(news(5, &["خبر اول", "خبر دوم"]));
    ticker_x(&source, Lang::Fa, scene, 3.0, "خبر اول");

    let harness = harness(Vec2::new(800.0, 100.0), Scene::new(), |ui, rect, env| {
        ticker::show(ui, rect, &source, 120, Lang::Fa, env)
    });
    match outcome(&harness) {
        Outcome::Failed(reason) => assert!(reason.contains("feed 5"), "{reason}"),
        other => panic!("expected Failed, got {other:?}"),
    }
}

fn weather_feed(stale: bool) -> FeedSnapshot {
    let day = |date: &str, min: f32, max: f32, code: u8| WeatherDay {
        date: date.parse().unwrap(),
        min,
        max,
        code,
        condition: Condition::from_wmo(code),
        precipitation_chance: None,
    };
    FeedSnapshot {
        feed: FeedId(9),
        fetched_at: "2026-11-22T06:00:00Z".parse().unwrap(),
        stale,
        data: FeedData::Weather(Weather {
            unit: TemperatureUnit::Celsius,
            wind_unit: WindSpeedUnit::Kmh,
            place: Some("تهران".into()),
            current: WeatherNow {
                temperature: 12.4,
                feels_like: None,
                humidity: None,
                wind_speed: None,
                is_day: true,
                code: 61,
                condition: Condition::from_wmo(61),
            },
            days: vec![
                day("2026-11-22", 4.0, 14.0, 61),
                day("2026-11-23", -3.0, 9.0, 73),
                day("2026-11-24", 5.0, 16.0, 0),
                day("2026-11-25", 6.0, 15.0, 95),
            ],
        }),
    }
}

#[test]
fn weather_shows_today_forecast_days_and_drawn_icons() {
    let scene = Scene::new().with_feed(weather_feed(false));
    let harness = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        weather::show(ui, rect, FeedId(9), Lang::Fa, env)
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label("۱۲°");
    harness.get_by_label("باران ملایم");
    harness.get_by_label("دوشنبه"); // 2026-11-23
    harness.get_by_label("۹° / -۳°");
    for icon in ["rain", "snow", "clear", "thunderstorm"] {
        harness.get_by_label(&format!("weather icon: {icon}"));
    }
    assert!(harness.query_by_label("به\u{200c}روز نیست").is_none());
    assert_eq!(WeatherIcon::Rain, Condition::from_wmo(61).icon);
}

#[test]
fn stale_weather_is_marked_and_a_news_feed_is_refused() {
    let scene = Scene::new().with_feed(weather_feed(true));
    let harness = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        weather::show(ui, rect, FeedId(9), Lang::Fa, env)
    });
    harness.get_by_label("به\u{200c}روز نیست");

    let scene = Scene::new().with_feed(news(9, &["خبر"]));
    let harness = self::harness(Vec2::new(640.0, 360.0), scene, |ui, rect, env| {
        weather::show(ui, rect, FeedId(9), Lang::Fa, env)
    });
    assert!(matches!(outcome(&harness), Outcome::Failed(r) if r.contains("not a weather feed")));
}

#[test]
fn currency_board_shows_rates_in_toman_with_change_arrows() {
    let rate = |symbol: &str, label: &str, value: i64, previous: Option<i64>| Rate {
        symbol: symbol.into(),
        label: Some(label.into()),
        value,
        previous,
        changed_at: None,
    };
    let snapshot = FeedSnapshot {
        feed: FeedId(3),
        fetched_at: "2026-11-22T06:00:00Z".parse().unwrap(),
        stale: false,
        data: FeedData::Currency {
            rates: vec![
                rate("USD", "دلار آمریکا", 1_000_000, Some(990_000)),
                rate("EUR", "یورو", 1_100_000, Some(1_120_000)),
                rate("GOLD", "سکه", 500_000_000, None),
            ],
        },
    };
    let scene = Scene::new().with_feed(snapshot);
    let symbols = vec!["EUR".to_owned(), "USD".to_owned(), "GOLD".to_owned()];
    let harness = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        currency::show(ui, rect, FeedId(3), &symbols, MoneyUnit::Toman, env)
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label("دلار آمریکا");
    harness.get_by_label("۱۰۰٬۰۰۰"); // 1,000,000 Rial in Toman
    harness.get_by_label("up USD");
    harness.get_by_label("down EUR");
    harness.get_by_label("flat GOLD");
    harness.get_by_label("۱٬۰۰۰"); // USD rose 10,000 Rial
    // Rows in the order asked for: EUR above USD.
    let eur = harness.get_by_label("یورو").rect();
    let usd = harness.get_by_label("دلار آمریکا").rect();
    assert!(eur.top() < usd.top());

    let harness = self::harness(Vec2::new(640.0, 360.0), Scene::new(), |ui, rect, env| {
        currency::show(ui, rect, FeedId(3), &[], MoneyUnit::Rial, env)
    });
    assert!(matches!(outcome(&harness), Outcome::Failed(r) if r.contains("no snapshot")));
}

#[test]
fn clock_shows_the_solar_hijri_date_and_waits_for_the_next_minute() {
    // 2026-11-22 is 1 Azar 1405, a Sunday.
    let harness = harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        clock::show(
            ui,
            rect,
            CalendarKind::Both,
            DigitStyle::Persian,
            false,
            env,
        )
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label("۱۰:۱۵");
    harness.get_by_label("یکشنبه ۱ آذر ۱۴۰۵");
    harness.get_by_label("۲۲ نوامبر ۲۰۲۶");

    let harness = self::harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        clock::show(
            ui,
            rect,
            CalendarKind::Gregorian,
            DigitStyle::Latin,
            true,
            env,
        )
    });
    harness.get_by_label("10:15:30");
    harness.get_by_label("Sunday 22 November 2026");
    assert!(harness.query_by_label("یکشنبه ۱ آذر ۱۴۰۵").is_none());

    let now: jiff::Zoned = "2026-11-22T10:15:30.25+03:30[Asia/Tehran]".parse().unwrap();
    assert_eq!(clock::until_next_change(&now, true).as_millis(), 750);
    assert_eq!(clock::until_next_change(&now, false).as_millis(), 29_750);
}

#[test]
fn qr_promo_shows_headline_code_and_picture_when_decoded() {
    let picture = MediaRef {
        sha256: sha(1),
        size: 10,
        mime: "image/png".into(),
        width: None,
        height: None,
        duration_ms: None,
    };
    let mut scene = Scene::new();
    scene.media.ready = true;
    let harness = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        qr::show(
            ui,
            rect,
            "تخفیف با اسکن",
            "https://vitrin.example/q/abc",
            Some(&picture),
            env,
        )
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    let headline = harness.get_by_label("تخفیف با اسکن").rect();
    let code = harness
        .get_by_label("QR code: https://vitrin.example/q/abc")
        .rect();
    assert!(code.width() >= 100.0 && (code.width() - code.height()).abs() < 1.0);
    assert!(headline.center().y < code.top(), "{headline:?} {code:?}");
    assert!(harness.state().media.asked.iter().all(|s| *s == sha(1)));
}

// Whole boards on the CPU (wgpu on lavapipe) against the reviewed images in
// `tests/snapshots/`: layout, colours and the icons drawn in code. After an intended change,
// regenerate with `UPDATE_SNAPSHOTS=1` and review the new images.

#[test]
fn menu_board_matches_its_snapshot() {
    let menu = cafe_menu();
    let mut scene = Scene::new();
    scene.media.ready = true;
    let mut board = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        menu::show(ui, rect, &menu, env)
    });
    board.snapshot("menu_board");
}

#[test]
fn weather_board_matches_its_snapshot() {
    let scene = Scene::new().with_feed(weather_feed(false));
    let mut board = harness(Vec2::new(1280.0, 720.0), scene, |ui, rect, env| {
        weather::show(ui, rect, FeedId(9), Lang::Fa, env)
    });
    board.snapshot("weather_board");
}

#[test]
fn clock_matches_its_snapshot() {
    let mut clock = harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        clock::show(
            ui,
            rect,
            CalendarKind::Both,
            DigitStyle::Persian,
            false,
            env,
        )
    });
    clock.snapshot("clock_both_calendars");
}

#[test]
fn a_long_feed_scrolls_line_after_line_instead_of_being_cut_off() {
    let titles: Vec<String> = (1..=30)
        .map(|i| format!("خبر {i} درباره بازار امروز"))
        .collect();
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let source = TickerSource::Feed {
        feed: FeedId(5),
        max_items: 30,
    };
    let scene = Scene::new().with_feed(news(5, &titles));
    let harness = harness(Vec2::new(1280.0, 120.0), scene, |ui, rect, env| {
        ticker::show(ui, rect, &source, 120, Lang::Fa, env)
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    // The first line holds the first items only; the last ones come in a later line.
    let first = harness
        .get_by_label_contains("خبر 1 ")
        .accesskit_node()
        .label()
        .unwrap();
    assert!(
        !first.contains("خبر 30 ") && !first.contains('…'),
        "{first}"
    );

    // Lines follow each other: each crosses the whole strip, then the next comes.
    assert_eq!(ticker::current_line(&[100.0, 200.0], 50.0, 0.0), (0, 0.0));
    assert_eq!(
        ticker::current_line(&[100.0, 200.0], 50.0, 149.0),
        (0, 149.0)
    );
    assert_eq!(
        ticker::current_line(&[100.0, 200.0], 50.0, 160.0),
        (1, 10.0)
    );
    assert_eq!(ticker::current_line(&[100.0, 200.0], 50.0, 400.0), (0, 0.0));
}

#[test]
fn the_pairing_screen_names_the_trusted_key_or_why_the_server_is_not_trusted() {
    let pin = vitrin_shared::pin::Pin::of_public_key(b"the server's key");
    let harness = harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        pairing::show(
            ui,
            rect,
            "https://10.0.0.5:8443",
            "K7QP2M",
            &[pin],
            env.text,
        )
    });
    assert_eq!(outcome(&harness), Outcome::Shown);
    harness.get_by_label("K7QP2M");
    harness.get_by_label(&format!("server key {}…", pin.short()));

    let reason = "the server's certificate expired on 2021-01-01 00:00 UTC; renew it on the server";
    let harness = self::harness(Vec2::new(1280.0, 720.0), Scene::new(), |ui, rect, env| {
        pairing::untrusted(ui, rect, "https://10.0.0.5:8443", reason, env.text);
        status::paint(ui, rect, status::Connection::Untrusted, Default::default());
        Outcome::Shown
    });
    harness.get_by_label("به سرور اعتماد نمی‌شود؛ جفت‌سازی متوقف است");
    harness.get_by_label("The server is not trusted; pairing is stopped");
    harness.get_by_label(reason);
    harness.get_by_label("server not trusted");
    assert!(
        harness.query_by_label_contains("pairing code").is_none(),
        "no code while the server is not trusted"
    );
}

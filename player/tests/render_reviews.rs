//! Customers' reviews on a screen, driven headless by egui_kittest: found through AccessKit by
//! the `alt_text` of their text textures, the stars counted in the pixels wgpu draws on
//! lavapipe, and whole slides and the ticker photographed against the reviewed images in
//! `tests/snapshots/reviews_*.png` (regenerate after an intended change with
//! `UPDATE_SNAPSHOTS=1` and look at them).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use egui::{Color32, Rect, Vec2};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, SnapshotResults};
use image::RgbaImage;
use vitrin_player::render::reviews::{self, TURN_SECONDS};
use vitrin_player::render::text::{Direction, Palette, TextCache};
use vitrin_player::render::{Env, ImageState, MediaTextures, Outcome};
use vitrin_shared::brand::{BrandKit, Colour, Typeface};
use vitrin_shared::content::{ContentItem, ContentKind, Lang, MediaRef, Review, ReviewStyle};
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::{ContentId, FeedId};

const SLIDE: Vec2 = Vec2::new(1280.0, 720.0);
const STRIP: Vec2 = Vec2::new(1280.0, 120.0);

/// Reviews need no pictures.
struct NoMedia;

impl MediaTextures for NoMedia {
    fn image(&mut self, _ctx: &egui::Context, media: &MediaRef, _max: Vec2) -> ImageState {
        ImageState::Failed(format!("{} is not in the cache", media.sha256))
    }
}

struct Scene {
    text: TextCache,
    media: NoMedia,
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    brand: BrandKit,
    now: jiff::Zoned,
    shown_for: f64,
    outcome: Option<Outcome>,
}

impl Scene {
    fn new(brand: BrandKit, shown_for: f64) -> Scene {
        let mut text = TextCache::new();
        text.set_typeface(brand.typeface);
        Scene {
            text,
            media: NoMedia,
            feeds: BTreeMap::new(),
            brand,
            now: "2026-11-22T10:15:30+03:30[Asia/Tehran]".parse().unwrap(),
            shown_for,
            outcome: None,
        }
    }
}

type Draw = Rc<RefCell<dyn FnMut(&mut egui::Ui, Rect, &mut Env) -> Outcome>>;

/// The reviews item `kind` drawn through the renderers' dispatch (`render::render`) on a zone
/// `size` large, `shown_for` seconds after it started showing.
fn screen(size: Vec2, scene: Scene, kind: ContentKind) -> Harness<'static, Scene> {
    let item = ContentItem {
        id: ContentId(1),
        name: "reviews".into(),
        kind,
    };
    let draw: Draw = Rc::new(RefCell::new(
        move |ui: &mut egui::Ui, rect, env: &mut Env| {
            vitrin_player::render::render(ui, rect, &item, env)
        },
    ));
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

fn review(rating: u8, text: &str, by: &str, store: &str) -> Review {
    Review {
        rating,
        text: text.into(),
        by: by.into(),
        store: store.into(),
    }
}

fn kind(style: ReviewStyle, lang: Lang, reviews: Vec<Review>) -> ContentKind {
    ContentKind::Reviews {
        style,
        min_rating: 1,
        max_items: 10,
        own_store: false,
        lang,
        reviews,
    }
}

/// Three Persian reviews, newest first, as the server fills them.
fn persian() -> Vec<Review> {
    vec![
        review(
            5,
            "قهوه‌اش عالی بود و کارکنان خیلی مهربان بودند",
            "سارا",
            "شعبه ونک",
        ),
        review(4, "کیک شکلاتی تازه و خوش‌طعم", "", "شعبه تجریش"),
        review(5, "جای دنج برای کار کردن، اینترنتش هم خوب است", "رضا", ""),
    ]
}

fn english() -> Vec<Review> {
    vec![
        review(
            4,
            "Lovely cardamom tea and the friendliest staff in town",
            "Sara",
            "Vanak branch",
        ),
        review(5, "Best cheesecake I have had in years", "Reza", ""),
    ]
}

/// A warm, light brand unlike the default dark board, in Sahel.
fn warm_brand() -> BrandKit {
    BrandKit {
        background: Colour::rgb(0xfb, 0xf6, 0xee),
        surface: Colour::rgb(0xf0, 0xe4, 0xd2),
        text: Colour::rgb(0x2b, 0x1d, 0x14),
        muted: Colour::rgb(0x6e, 0x5a, 0x4b),
        accent: Colour::rgb(0xb4, 0x4a, 0x1c),
        typeface: Typeface::Sahel,
        logo: None,
        background_image: None,
    }
}

fn rect_of(harness: &Harness<Scene>, label: &str) -> Rect {
    harness.get_by_label(label).rect()
}

#[test]
fn a_persian_slide_shows_one_review_with_its_signature_and_turns_with_the_clock() {
    let slide = kind(ReviewStyle::Slide, Lang::Fa, persian());
    let first = "«قهوه‌اش عالی بود و کارکنان خیلی مهربان بودند»";
    let second = "«کیک شکلاتی تازه و خوش‌طعم»";
    let third = "«جای دنج برای کار کردن، اینترنتش هم خوب است»";

    let harness = screen(SLIDE, Scene::new(BrandKit::default(), 0.0), slide.clone());
    assert_eq!(outcome(&harness), Outcome::Shown);
    let text = rect_of(&harness, first);
    // Name and store, with the Persian comma.
    let signature = rect_of(&harness, "— سارا، شعبه ونک");
    let stars = rect_of(&harness, "۵ از ۵ ستاره");
    assert!(harness.query_by_label(second).is_none());
    assert!(harness.query_by_label(third).is_none());
    // Stars over the quotation over the signature, all inside the zone.
    assert!(stars.bottom() <= text.top(), "{stars:?} {text:?}");
    assert!(text.bottom() <= signature.top(), "{text:?} {signature:?}");
    let zone = Rect::from_min_size(egui::Pos2::ZERO, SLIDE);
    for r in [stars, text, signature] {
        assert!(zone.contains_rect(r), "{r:?}");
    }
    // Large: readable from across the room (a line is 1.5 sizes tall; at least 1/36 of the
    // zone's height in size).
    assert!(text.height() >= SLIDE.y / 36.0 * 1.5, "{text:?}");

    // Still the first just before the turn; the second once the clock has moved a turn on,
    // signed with its store alone.
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), TURN_SECONDS - 0.1),
        slide.clone(),
    );
    harness.get_by_label(first);
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), TURN_SECONDS + 0.1),
        slide.clone(),
    );
    harness.get_by_label(second);
    harness.get_by_label("— شعبه تجریش");
    harness.get_by_label("۴ از ۵ ستاره");
    assert!(harness.query_by_label(first).is_none());
    assert!(harness.query_by_label_contains("سارا").is_none());

    // The third, signed with the name alone; then round to the first.
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), 2.0 * TURN_SECONDS + 0.1),
        slide.clone(),
    );
    harness.get_by_label(third);
    harness.get_by_label("— رضا");
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), 3.0 * TURN_SECONDS + 0.1),
        slide,
    );
    harness.get_by_label(first);
}

#[test]
fn an_english_slide_reads_left_to_right() {
    let mut harness = screen(
        SLIDE,
        Scene::new(warm_brand(), 0.0),
        kind(ReviewStyle::Slide, Lang::En, english()),
    );
    assert_eq!(outcome(&harness), Outcome::Shown);
    // English quotation marks and comma.
    let text = rect_of(
        &harness,
        "\u{201c}Lovely cardamom tea and the friendliest staff in town\u{201d}",
    );
    harness.get_by_label("— Sara, Vanak branch");
    let stars = rect_of(&harness, "4 of 5 stars");
    // The quotation is centred in the zone (equal margins either side).
    let (left, right) = (text.left(), SLIDE.x - text.right());
    assert!((left - right).abs() < 2.0, "{text:?}");
    // Its four stars fill from the left: the dim one is the rightmost.
    let frame = harness.render().expect("wgpu renders on lavapipe");
    let accent = Palette::of(&warm_brand()).accent;
    assert_eq!(
        filled_stars(&frame, stars, accent),
        [true, true, true, true, false]
    );
}

/// Which of the five star cells in `row` (left to right on the screen) are drawn in `accent`:
/// a filled star covers about a third of its square cell; a dim one has no accent at all.
fn filled_stars(frame: &RgbaImage, row: Rect, accent: Color32) -> [bool; 5] {
    let side = row.height();
    let step = (row.width() - side) / 4.0;
    std::array::from_fn(|i| {
        let left = row.left() + step * i as f32;
        let (mut hits, mut all) = (0u32, 0u32);
        for y in row.top() as u32..row.bottom() as u32 {
            for x in left as u32..(left + side) as u32 {
                all += 1;
                let [r, g, b, _] = frame.get_pixel(x, y).0;
                if [r, g, b]
                    .iter()
                    .zip([accent.r(), accent.g(), accent.b()])
                    .all(|(a, b)| a.abs_diff(b) < 12)
                {
                    hits += 1;
                }
            }
        }
        let share = f64::from(hits) / f64::from(all.max(1));
        assert!(
            !(0.01..=0.2).contains(&share),
            "star {i} neither filled nor dim: {share}"
        );
        share > 0.2
    })
}

/// Which cells are not the background: every star is drawn, filled or dim.
fn drawn_stars(frame: &RgbaImage, row: Rect, background: Color32) -> [bool; 5] {
    let side = row.height();
    let step = (row.width() - side) / 4.0;
    std::array::from_fn(|i| {
        let left = row.left() + step * i as f32;
        let centre = ((left + side / 2.0) as u32, (row.top() + side * 0.55) as u32);
        let [r, g, b, _] = frame.get_pixel(centre.0, centre.1).0;
        [r, g, b]
            .iter()
            .zip([background.r(), background.g(), background.b()])
            .any(|(a, b)| a.abs_diff(b) > 6)
    })
}

#[test]
fn the_stars_show_the_rating_in_the_accent_colour_from_the_reading_start() {
    let brand = BrandKit::default();
    let palette = Palette::of(&brand);
    for rating in 1..=5u8 {
        for (lang, dir) in [(Lang::Fa, Direction::Rtl), (Lang::En, Direction::Ltr)] {
            let text = match lang {
                Lang::Fa => "خوب بود",
                Lang::En => "It was good",
            };
            let mut harness = screen(
                SLIDE,
                Scene::new(brand.clone(), 0.0),
                kind(ReviewStyle::Slide, lang, vec![review(rating, text, "", "")]),
            );
            let row = rect_of(&harness, &reviews::stars_label(rating, dir));
            let frame = harness.render().expect("wgpu renders on lavapipe");
            let filled = filled_stars(&frame, row, palette.accent);
            let mut want = [false; 5];
            for (i, cell) in want.iter_mut().enumerate() {
                // Screen order left to right: Persian fills from the right.
                let from_start = match dir {
                    Direction::Ltr => i,
                    Direction::Rtl => 4 - i,
                };
                *cell = from_start < usize::from(rating);
            }
            assert_eq!(filled, want, "{rating} stars, {lang:?}");
            assert_eq!(
                drawn_stars(&frame, row, palette.background),
                [true; 5],
                "{rating} stars, {lang:?}: the other stars are drawn dim"
            );
        }
    }
}

#[test]
fn a_long_review_stays_inside_its_place_above_the_signature() {
    let long = "قهوه‌اش عالی بود و کارکنان خیلی مهربان بودند. ".repeat(40);
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), 0.0),
        kind(
            ReviewStyle::Slide,
            Lang::Fa,
            vec![review(5, &long, "سارا", "شعبه ونک")],
        ),
    );
    assert_eq!(outcome(&harness), Outcome::Shown);
    let text = harness.get_by_label_contains("قهوه‌اش عالی بود").rect();
    let signature = rect_of(&harness, "— سارا، شعبه ونک");
    let stars = rect_of(&harness, "۵ از ۵ ستاره");
    assert!(stars.bottom() <= text.top() + 1.0, "{stars:?} {text:?}");
    assert!(
        text.bottom() <= signature.top() + 1.0,
        "{text:?} {signature:?}"
    );
}

/// Every line a ticker of `reviews` shows in its first `seconds`, a frame every 5 s.
fn ticker_lines(lang: Lang, reviews: Vec<Review>, seconds: f64) -> Vec<String> {
    let mut harness = screen(
        STRIP,
        Scene::new(BrandKit::default(), 0.0),
        kind(ReviewStyle::Ticker, lang, reviews),
    );
    assert_eq!(outcome(&harness), Outcome::Shown);
    let mut lines: Vec<String> = Vec::new();
    let mut t = 0.0;
    while t <= seconds {
        harness.state_mut().shown_for = t;
        harness.run_steps(1);
        for node in harness.query_all_by_label_contains("\u{066D}") {
            let label = node.accesskit_node().label().unwrap().to_owned();
            if !lines.contains(&label) {
                lines.push(label);
            }
        }
        t += 5.0;
    }
    lines
}

#[test]
fn a_ticker_scrolls_every_review_with_its_stars_and_name() {
    // Long enough for every line to cross the strip (at 120 px/s on a 1080-high screen, 13 on
    // this 120-high one) whether the texture size splits the reviews into lines or not.
    let lines = ticker_lines(Lang::Fa, persian(), 1200.0).join("   •   ");
    for item in [
        "٭٭٭٭٭ «قهوه‌اش عالی بود و کارکنان خیلی مهربان بودند» — سارا",
        "٭٭٭٭ «کیک شکلاتی تازه و خوش‌طعم»",
        "٭٭٭٭٭ «جای دنج برای کار کردن، اینترنتش هم خوب است» — رضا",
    ] {
        assert!(lines.contains(item), "{item} in {lines}");
    }
    let lines = ticker_lines(Lang::En, english(), 1200.0).join("   •   ");
    for item in [
        "٭٭٭٭ \u{201c}Lovely cardamom tea and the friendliest staff in town\u{201d} — Sara",
        "٭٭٭٭٭ \u{201c}Best cheesecake I have had in years\u{201d} — Reza",
    ] {
        assert!(lines.contains(item), "{item} in {lines}");
    }
}

#[test]
fn a_reviews_ticker_moves_in_the_reading_direction() {
    let x = |lang: Lang, reviews: Vec<Review>, shown_for: f64, label: &str| {
        let harness = screen(
            STRIP,
            Scene::new(BrandKit::default(), shown_for),
            kind(ReviewStyle::Ticker, lang, reviews),
        );
        harness.get_by_label_contains(label).rect().left()
    };
    // Persian enters from the left and moves right; English the mirror.
    let (early, later) = (
        x(Lang::Fa, persian(), 1.0, "قهوه‌اش"),
        x(Lang::Fa, persian(), 2.0, "قهوه‌اش"),
    );
    assert!(later > early, "{early} -> {later}");
    let (early, later) = (
        x(Lang::En, english(), 1.0, "Lovely"),
        x(Lang::En, english(), 2.0, "Lovely"),
    );
    assert!(later < early, "{early} -> {later}");
}

#[test]
fn without_reviews_to_show_the_item_fails_so_the_playlist_moves_on() {
    for style in [ReviewStyle::Slide, ReviewStyle::Ticker] {
        let harness = screen(
            SLIDE,
            Scene::new(BrandKit::default(), 0.0),
            kind(style, Lang::Fa, Vec::new()),
        );
        assert_eq!(
            outcome(&harness),
            Outcome::Failed("no approved reviews yet".into())
        );
    }
    // Only reviews below the item's least rating, or without text: none to show either.
    let harness = screen(
        SLIDE,
        Scene::new(BrandKit::default(), 0.0),
        ContentKind::Reviews {
            style: ReviewStyle::Slide,
            min_rating: 4,
            max_items: 10,
            own_store: false,
            lang: Lang::Fa,
            reviews: vec![review(3, "بد نبود", "", ""), review(5, "  ", "سارا", "")],
        },
    );
    assert_eq!(
        outcome(&harness),
        Outcome::Failed("no approved reviews yet".into())
    );
}

#[test]
fn review_snapshots() {
    let mut results = SnapshotResults::new();
    let mut fa = screen(
        SLIDE,
        Scene::new(BrandKit::default(), 0.0),
        kind(ReviewStyle::Slide, Lang::Fa, persian()),
    );
    fa.snapshot("reviews_fa_slide");
    results.extend_harness(&mut fa);

    let mut en = screen(
        SLIDE,
        Scene::new(warm_brand(), 0.0),
        kind(ReviewStyle::Slide, Lang::En, english()),
    );
    en.snapshot("reviews_en_slide");
    results.extend_harness(&mut en);

    let mut ticker = screen(
        STRIP,
        Scene::new(BrandKit::default(), 60.0),
        kind(ReviewStyle::Ticker, Lang::Fa, persian()),
    );
    ticker.snapshot("reviews_ticker");
    results.extend_harness(&mut ticker);
}

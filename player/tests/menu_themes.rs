//! Menu boards in their three themes (list, cards, hero), Persian and English, landscape and
//! portrait: what a café owner sees, photographed on the CPU (wgpu on Mesa lavapipe) against
//! the reviewed images in `tests/snapshots/menu_*.png` (regenerate after an intended change
//! with `UPDATE_SNAPSHOTS=1` and look at them), and the promises behind the looks checked
//! through AccessKit: prices next to their items, variant prices in columns, pages instead of
//! tiny text, sold-out marks, badges and calories.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::rc::Rc;

use egui::{Rect, Vec2};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, SnapshotResults};
use image::{ImageFormat, ImageReader, Rgb, RgbImage};
use vitrin_player::render::menu::{self, PAGE_SECONDS};
use vitrin_player::render::text::{Palette, TextCache};
use vitrin_player::render::{Env, ImageState, MediaTextures, Outcome, Seams, picture};
use vitrin_shared::brand::{BrandKit, Colour, Typeface};
use vitrin_shared::content::{
    Badge, MediaRef, Menu, MenuCategory, MenuItem, MenuTheme, MenuVariant, MoneyUnit,
};
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::FeedId;
use vitrin_shared::manifest::WallTile;

const LANDSCAPE: Vec2 = Vec2::new(1920.0, 1080.0);
const PORTRAIT: Vec2 = Vec2::new(1080.0, 1920.0);

/// Pictures as the app's cache holds them: PNG files (drawn here), decoded by the player's
/// own decoder; every one still decoding until `ready`.
struct FakeMedia {
    ready: bool,
    files: HashMap<String, Vec<u8>>,
    textures: HashMap<String, egui::TextureHandle>,
}

impl MediaTextures for FakeMedia {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: Vec2) -> ImageState {
        if !self.ready {
            return ImageState::Loading;
        }
        if let Some(texture) = self.textures.get(&media.sha256) {
            return ImageState::Ready(texture.clone());
        }
        let Some(png) = self.files.get(&media.sha256) else {
            return ImageState::Failed(format!("{} is not in the cache", media.sha256));
        };
        let reader = ImageReader::new(Cursor::new(png.as_slice()));
        let max = [max.x.max(1.0) as u32, max.y.max(1.0) as u32];
        match picture::decode(reader, &media.sha256, max) {
            Ok(image) => {
                let texture = ctx.load_texture(&media.sha256, image, Default::default());
                self.textures.insert(media.sha256.clone(), texture.clone());
                ImageState::Ready(texture)
            }
            Err(reason) => ImageState::Failed(reason),
        }
    }
}

/// A picture of a dish: a plate on a coloured table, in the dish's own colours.
fn dish_png(table: [u8; 3], food: [u8; 3]) -> Vec<u8> {
    let (w, h) = (160u32, 120u32);
    let image = RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - 80.0, y as f32 - 62.0);
        let r = (dx * dx + dy * dy).sqrt();
        let shade = |c: u8, by: f32| (f32::from(c) * by).min(255.0) as u8;
        if r < 30.0 {
            let light = 1.0 + (dx + dy) / -120.0;
            Rgb(food.map(|c| shade(c, light)))
        } else if r < 48.0 {
            Rgb([238, 236, 230])
        } else {
            let grain = if (x / 9 + y / 13) % 2 == 0 { 1.0 } else { 0.92 };
            Rgb(table.map(|c| shade(c, grain)))
        }
    });
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png
}

/// A round logo: the brand's initial drawn as a ring.
fn logo_png() -> Vec<u8> {
    let image = RgbImage::from_fn(96, 96, |x, y| {
        let (dx, dy) = (x as f32 - 48.0, y as f32 - 48.0);
        let r = (dx * dx + dy * dy).sqrt();
        if (30.0..40.0).contains(&r) || (dx.abs() < 5.0 && dy.abs() < 22.0) {
            Rgb([0xc8, 0x5a, 0x2a])
        } else {
            Rgb([0xfb, 0xf6, 0xee])
        }
    });
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png
}

fn media(sha: &str) -> MediaRef {
    MediaRef {
        sha256: sha.to_owned(),
        size: 10,
        mime: "image/png".into(),
        width: Some(160),
        height: Some(120),
        duration_ms: None,
    }
}

fn sha(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

struct Scene {
    text: TextCache,
    media: FakeMedia,
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    brand: BrandKit,
    now: jiff::Zoned,
    shown_for: f64,
    /// A wall's seams across the board (none on a screen of its own).
    seams: Seams,
    outcome: Option<Outcome>,
}

impl Scene {
    fn new(brand: BrandKit) -> Scene {
        let mut files = HashMap::new();
        files.insert(sha(1), dish_png([0x6b, 0x4a, 0x33], [0x8a, 0x55, 0x2e]));
        files.insert(sha(2), dish_png([0x3b, 0x5b, 0x6e], [0xe8, 0xc0, 0x6a]));
        files.insert(sha(3), dish_png([0x5e, 0x6b, 0x3b], [0xd2, 0x3c, 0x2e]));
        files.insert(sha(4), dish_png([0x70, 0x3a, 0x4a], [0xf2, 0xe6, 0xd0]));
        files.insert(sha(9), logo_png());
        let mut text = TextCache::new();
        text.set_typeface(brand.typeface);
        Scene {
            text,
            media: FakeMedia {
                ready: true,
                files,
                textures: HashMap::new(),
            },
            feeds: BTreeMap::new(),
            brand,
            now: "2026-11-22T10:15:30+03:30[Asia/Tehran]".parse().unwrap(),
            shown_for: 0.0,
            seams: Seams::default(),
            outcome: None,
        }
    }
}

type Draw<'a> = Rc<RefCell<dyn FnMut(&mut egui::Ui, Rect, &mut Env) -> Outcome + 'a>>;

fn board(size: Vec2, scene: Scene, menu: &Menu) -> Harness<'static, Scene> {
    let menu = menu.clone();
    let draw: Draw<'static> = Rc::new(RefCell::new(
        move |ui: &mut egui::Ui, rect, env: &mut Env| menu::show(ui, rect, &menu, env),
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
                seams: &scene.seams,
                on_cleared_frame: false,
            };
            scene.outcome = Some((draw.borrow_mut())(ui, rect, &mut env));
        },
        scene,
    );
    harness.run_steps(2);
    assert_eq!(harness.state().outcome, Some(Outcome::Shown));
    harness
}

fn item(name: &str, price: i64) -> MenuItem {
    MenuItem {
        name: name.into(),
        price,
        ..MenuItem::default()
    }
}

fn with(mut item: MenuItem, change: impl FnOnce(&mut MenuItem)) -> MenuItem {
    change(&mut item);
    item
}

fn variants(pairs: &[(&str, i64)]) -> Vec<MenuVariant> {
    pairs
        .iter()
        .map(|(name, price)| MenuVariant {
            name: (*name).into(),
            price: *price,
        })
        .collect()
}

/// A café's menu with everything a board shows: variants, badges, calories, a sold-out item,
/// pictures and a featured item.
fn cafe(theme: MenuTheme) -> Menu {
    Menu {
        title: "کافه ویترین".into(),
        unit: MoneyUnit::Toman,
        columns: 0,
        theme,
        categories: vec![
            MenuCategory {
                name: "صبحانه".into(),
                items: vec![
                    with(item("املت اسفناج", 210_000), |i| {
                        i.description = "با نان سنگک تازه".into();
                        i.featured = true;
                        i.image = Some(media(&sha(3)));
                        i.badges = vec![Badge::ChefsPick, Badge::Vegetarian];
                        i.calories = Some(420);
                    }),
                    with(item("نان و پنیر و گردو", 185_000), |i| {
                        i.description = "پنیر لیقوان، گردو، سبزی".into();
                        i.image = Some(media(&sha(4)));
                        i.calories = Some(380);
                    }),
                    with(item("حلیم", 240_000), |i| {
                        i.sold_out = true;
                        i.description = "با دارچین و کره".into();
                    }),
                ],
            },
            MenuCategory {
                name: "نوشیدنی گرم".into(),
                items: vec![
                    with(item("اسپرسو", 0), |i| {
                        i.variants = variants(&[("تک", 85_000), ("دبل", 110_000)]);
                        i.image = Some(media(&sha(1)));
                        i.calories = Some(5);
                    }),
                    with(item("کاپوچینو", 0), |i| {
                        i.variants = variants(&[("تک", 120_000), ("دبل", 145_000)]);
                        i.badges = vec![Badge::New];
                    }),
                    with(item("چای ماسالا", 0), |i| {
                        i.variants = variants(&[("تک", 95_000), ("دبل", 130_000)]);
                        i.badges = vec![Badge::Spicy];
                        i.description = "زنجبیل، هل، دارچین".into();
                    }),
                ],
            },
            MenuCategory {
                name: "کیک".into(),
                items: vec![
                    with(item("کیک شکلاتی", 150_000), |i| {
                        i.image = Some(media(&sha(2)));
                        i.calories = Some(450);
                    }),
                    with(item("چیزکیک", 170_000), |i| {
                        i.badges = vec![Badge::Vegan];
                    }),
                ],
            },
        ],
    }
}

fn cafe_en(theme: MenuTheme) -> Menu {
    Menu {
        title: "Café Vitrin".into(),
        unit: MoneyUnit::Toman,
        columns: 0,
        theme,
        categories: vec![
            MenuCategory {
                name: "Breakfast".into(),
                items: vec![
                    with(item("Spinach omelette", 210_000), |i| {
                        i.description = "With fresh sangak bread".into();
                        i.featured = true;
                        i.image = Some(media(&sha(3)));
                        i.badges = vec![Badge::ChefsPick, Badge::Vegetarian];
                        i.calories = Some(420);
                    }),
                    with(item("Bread, feta & walnuts", 185_000), |i| {
                        i.description = "Lighvan feta, walnuts, herbs".into();
                        i.image = Some(media(&sha(4)));
                        i.calories = Some(380);
                    }),
                    with(item("Haleem", 240_000), |i| {
                        i.sold_out = true;
                        i.description = "With cinnamon and butter".into();
                    }),
                ],
            },
            MenuCategory {
                name: "Hot drinks".into(),
                items: vec![
                    with(item("Espresso", 0), |i| {
                        i.variants = variants(&[("Single", 85_000), ("Double", 110_000)]);
                        i.image = Some(media(&sha(1)));
                        i.calories = Some(5);
                    }),
                    with(item("Cappuccino", 0), |i| {
                        i.variants = variants(&[("Single", 120_000), ("Double", 145_000)]);
                        i.badges = vec![Badge::New];
                    }),
                    with(item("Masala chai", 0), |i| {
                        i.variants = variants(&[("Single", 95_000), ("Double", 130_000)]);
                        i.badges = vec![Badge::Spicy];
                        i.description = "Ginger, cardamom, cinnamon".into();
                    }),
                ],
            },
            MenuCategory {
                name: "Cakes".into(),
                items: vec![
                    with(item("Chocolate cake", 150_000), |i| {
                        i.image = Some(media(&sha(2)));
                        i.calories = Some(450);
                    }),
                    with(item("Cheesecake", 170_000), |i| {
                        i.badges = vec![Badge::Vegan];
                    }),
                ],
            },
        ],
    }
}

/// A warm, light brand unlike the default dark board: cream, espresso and terracotta, in
/// Sahel, with a logo.
fn warm_brand() -> BrandKit {
    BrandKit {
        background: Colour::rgb(0xfb, 0xf6, 0xee),
        surface: Colour::rgb(0xf0, 0xe4, 0xd2),
        text: Colour::rgb(0x2b, 0x1d, 0x14),
        muted: Colour::rgb(0x6e, 0x5a, 0x4b),
        accent: Colour::rgb(0xb4, 0x4a, 0x1c),
        typeface: Typeface::Sahel,
        logo: Some(media(&sha(9))),
        background_image: None,
    }
}

/// A traditional sweet shop's brand: deep green and gold, in Parastoo.
fn garden_brand() -> BrandKit {
    BrandKit {
        background: Colour::rgb(0x10, 0x2a, 0x24),
        surface: Colour::rgb(0x1a, 0x3b, 0x33),
        text: Colour::rgb(0xf6, 0xef, 0xdc),
        muted: Colour::rgb(0xb9, 0xc4, 0xb4),
        accent: Colour::rgb(0xe0, 0xb8, 0x5a),
        typeface: Typeface::Parastoo,
        logo: Some(media(&sha(9))),
        background_image: None,
    }
}

// Snapshots: every theme in both languages and both orientations.

/// Photographs `menu` on a board of `size` in `brand`; the results of all of a test's
/// photographs are kept together (so one update run writes them all).
fn snapshot(results: &mut SnapshotResults, name: &str, size: Vec2, brand: BrandKit, menu: &Menu) {
    let mut harness = board(size, Scene::new(brand), menu);
    harness.snapshot(name);
    results.extend_harness(&mut harness);
}

#[test]
fn list_theme_snapshots() {
    let fa = cafe(MenuTheme::List);
    let en = cafe_en(MenuTheme::List);
    let mut results = SnapshotResults::new();
    let r = &mut results;
    snapshot(
        r,
        "menu_list_fa_landscape",
        LANDSCAPE,
        BrandKit::default(),
        &fa,
    );
    snapshot(r, "menu_list_fa_portrait", PORTRAIT, warm_brand(), &fa);
    snapshot(r, "menu_list_en_landscape", LANDSCAPE, warm_brand(), &en);
    snapshot(
        r,
        "menu_list_en_portrait",
        PORTRAIT,
        BrandKit::default(),
        &en,
    );
}

#[test]
fn cards_theme_snapshots() {
    let fa = cafe(MenuTheme::Cards);
    let en = cafe_en(MenuTheme::Cards);
    let mut results = SnapshotResults::new();
    let r = &mut results;
    snapshot(r, "menu_cards_fa_landscape", LANDSCAPE, warm_brand(), &fa);
    snapshot(
        r,
        "menu_cards_fa_portrait",
        PORTRAIT,
        BrandKit::default(),
        &fa,
    );
    snapshot(
        r,
        "menu_cards_en_landscape",
        LANDSCAPE,
        BrandKit::default(),
        &en,
    );
    snapshot(r, "menu_cards_en_portrait", PORTRAIT, warm_brand(), &en);
}

#[test]
fn hero_theme_snapshots() {
    let fa = cafe(MenuTheme::Hero);
    let en = cafe_en(MenuTheme::Hero);
    let mut results = SnapshotResults::new();
    let r = &mut results;
    snapshot(r, "menu_hero_fa_landscape", LANDSCAPE, garden_brand(), &fa);
    snapshot(r, "menu_hero_fa_portrait", PORTRAIT, warm_brand(), &fa);
    snapshot(
        r,
        "menu_hero_en_landscape",
        LANDSCAPE,
        BrandKit::default(),
        &en,
    );
    snapshot(r, "menu_hero_en_portrait", PORTRAIT, garden_brand(), &en);
}

// Behaviour.

fn rect_of(harness: &Harness<Scene>, label: &str) -> Rect {
    harness.get_by_label(label).rect()
}

fn simple_menu(title: &str, category: &str, items: Vec<MenuItem>) -> Menu {
    Menu {
        title: title.into(),
        categories: vec![MenuCategory {
            name: category.into(),
            items,
        }],
        unit: MoneyUnit::Toman,
        columns: 1,
        theme: MenuTheme::List,
    }
}

#[test]
fn on_a_wide_single_column_each_price_stays_next_to_its_item() {
    // The column is as wide as its longest row: the longest name's price follows it after a
    // short run of dots, and every other price stands in the same place, so no price is
    // further from its name than the longest name is long (on a 1920-wide board a column
    // spread over the zone would put them 1500 px apart).
    let fa = simple_menu(
        "منو",
        "نوشیدنی",
        vec![
            item("چای", 45_000),
            item("قهوه ترک", 95_000),
            item("کاپوچینو بزرگ با دارچین", 140_000),
        ],
    );
    let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &fa);
    let longest = rect_of(&harness, "کاپوچینو بزرگ با دارچین");
    for (name, price) in [
        ("چای", "۴۵٬۰۰۰ تومان"),
        ("قهوه ترک", "۹۵٬۰۰۰ تومان"),
        ("کاپوچینو بزرگ با دارچین", "۱۴۰٬۰۰۰ تومان"),
    ] {
        let (name, price) = (rect_of(&harness, name), rect_of(&harness, price));
        // Persian: the price on the left of its name, on the same line, and near it.
        assert!(price.right() < name.left(), "{name:?} {price:?}");
        assert!((price.center().y - name.center().y).abs() < name.height() / 2.0);
        let distance = name.left() - price.right();
        let bound = longest.width() - name.width() + 4.0 * name.height();
        assert!(
            distance <= bound,
            "price {distance} px from its name (> {bound})"
        );
        assert!(
            distance < 0.4 * LANDSCAPE.x,
            "price {distance} px from its name"
        );
    }
    let distance = longest.left() - rect_of(&harness, "۱۴۰٬۰۰۰ تومان").right();
    assert!(distance < 3.0 * longest.height(), "{distance}");

    let en = simple_menu(
        "Menu",
        "Drinks",
        vec![
            item("Tea", 45_000),
            item("Turkish coffee", 95_000),
            item("Large cinnamon cappuccino", 140_000),
        ],
    );
    let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &en);
    let longest = rect_of(&harness, "Large cinnamon cappuccino");
    for (name, price) in [
        ("Tea", "45,000 Toman"),
        ("Turkish coffee", "95,000 Toman"),
        ("Large cinnamon cappuccino", "140,000 Toman"),
    ] {
        let (name, price) = (rect_of(&harness, name), rect_of(&harness, price));
        assert!(price.left() > name.right(), "{name:?} {price:?}");
        let distance = price.left() - name.right();
        let bound = longest.width() - name.width() + 4.0 * name.height();
        assert!(
            distance <= bound,
            "price {distance} px from its name (> {bound})"
        );
    }
    // Prices end on one line: their end edges line up.
    let ends: Vec<f32> = ["45,000 Toman", "95,000 Toman", "140,000 Toman"]
        .iter()
        .map(|p| rect_of(&harness, p).right())
        .collect();
    assert!(ends.iter().all(|e| (e - ends[0]).abs() < 1.0), "{ends:?}");
}

#[test]
fn variant_prices_line_up_in_columns_under_their_names() {
    let drinks = simple_menu(
        "منو",
        "نوشیدنی",
        vec![
            with(item("چای", 0), |i| {
                i.variants = variants(&[("کوچک", 45_000), ("بزرگ", 60_000)]);
            }),
            with(item("لاته", 0), |i| {
                i.variants = variants(&[("کوچک", 120_000), ("بزرگ", 155_000)]);
            }),
            with(item("شکلات داغ", 0), |i| {
                i.variants = variants(&[("کوچک", 9_000), ("بزرگ", 1_160_000)]);
            }),
        ],
    );
    let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &drinks);
    // The shared variant names are named once, above their columns.
    let small = rect_of(&harness, "کوچک");
    let large = rect_of(&harness, "بزرگ");
    assert!(
        large.center().x < small.center().x,
        "large after small, leftwards"
    );
    let column =
        |labels: [&str; 3]| -> Vec<Rect> { labels.iter().map(|l| rect_of(&harness, l)).collect() };
    let smalls = column(["۴۵٬۰۰۰", "۱۲۰٬۰۰۰", "۹٬۰۰۰"]);
    let larges = column(["۶۰٬۰۰۰", "۱۵۵٬۰۰۰", "۱٬۱۶۰٬۰۰۰"]);
    for prices in [&smalls, &larges] {
        // Rows go down, and each column's prices end at the same x: their last digits (on
        // the right, digits run left to right in Persian too) line up.
        assert!(prices.windows(2).all(|p| p[0].top() < p[1].top()));
        assert!(
            prices
                .iter()
                .all(|p| (p.right() - prices[0].right()).abs() < 1.0),
            "{prices:?}"
        );
    }
    assert!(smalls[0].left() > larges[0].right(), "columns apart");
    assert!(small.left() >= larges[0].right() && large.right() <= smalls[0].left() + 1.0);
    // (Texts of different sizes have different transparent margins around their ink.)
    assert!(
        (small.right() - smalls[0].right()).abs() < 0.15 * smalls[0].height(),
        "name over its column: {small:?} {:?}",
        smalls[0]
    );
    // The unit of bare prices is named once.
    harness.get_by_label("قیمت‌ها به تومان");
    assert!(harness.query_by_label("۴۵٬۰۰۰ تومان").is_none());

    // Without a shared set, each variant shows its name with its price.
    let mixed = simple_menu(
        "Menu",
        "Drinks",
        vec![
            with(item("Tea", 0), |i| {
                i.variants = variants(&[("Small", 45_000), ("Large", 60_000)]);
            }),
            with(item("Juice", 0), |i| {
                i.variants = variants(&[("Glass", 80_000), ("Jug", 200_000)]);
            }),
        ],
    );
    let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &mixed);
    let first = rect_of(&harness, "Large 60,000");
    let second = rect_of(&harness, "Jug 200,000");
    assert!(
        (first.right() - second.right()).abs() < 1.0,
        "{first:?} {second:?}"
    );
    harness.get_by_label("Small 45,000");
    harness.get_by_label("Glass 80,000");
}

#[test]
fn a_long_category_pages_instead_of_shrinking_its_text() {
    let items: Vec<MenuItem> = (1..=60)
        .map(|i| {
            with(item(&format!("غذای شماره {i}"), i * 1000), |it| {
                it.description = "با سالاد و نوشابه".into();
            })
        })
        .collect();
    for theme in [MenuTheme::List, MenuTheme::Cards, MenuTheme::Hero] {
        let menu = Menu {
            columns: 0,
            theme,
            ..simple_menu("منو", "غذا", items.clone())
        };
        let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &menu);
        let first = harness.get_by_label("غذای شماره 1");
        assert!(
            harness.query_by_label("غذای شماره 60").is_none(),
            "{theme:?}: not all 60 on one page"
        );
        // Readable: an item's name is at least the minimum size (a line is 1.5 sizes tall).
        let minimum = LANDSCAPE.y * menu::MIN_TEXT * 1.5;
        assert!(
            first.rect().height() >= minimum - 1.0,
            "{theme:?}: {} < {minimum}",
            first.rect().height()
        );
        let indicator = harness.get_by_label_contains("۱/").accesskit_node();
        let label = indicator.label().unwrap();
        let pages: usize = label
            .split('/')
            .nth(1)
            .unwrap()
            .chars()
            .map(|c| c.to_digit(10).unwrap_or_else(|| c as u32 - '۰' as u32) as usize)
            .fold(0, |n, d| n * 10 + d);
        assert!(pages >= 2, "{theme:?}: {label}");

        // A page later the next items show; the last page shows item 60.
        let mut scene = Scene::new(BrandKit::default());
        scene.shown_for = PAGE_SECONDS * (pages - 1) as f64 + 0.5;
        let harness = board(LANDSCAPE, scene, &menu);
        harness.get_by_label("غذای شماره 60");
        // (The hero, item 1, stays; the list pages.)
        let listed_first = if theme == MenuTheme::Hero { 2 } else { 1 };
        assert!(
            harness
                .query_by_label(&format!("غذای شماره {listed_first}"))
                .is_none()
        );
        harness.get_by_label(&menu::page_label(
            pages - 1,
            pages,
            vitrin_shared::calendar::Digits::Persian,
        ));

        // And round again.
        let mut scene = Scene::new(BrandKit::default());
        scene.shown_for = PAGE_SECONDS * pages as f64 + 0.5;
        let harness = board(LANDSCAPE, scene, &menu);
        harness.get_by_label("غذای شماره 1");
    }
}

#[test]
fn sold_out_items_show_the_word_instead_of_their_price_in_every_theme() {
    for theme in [MenuTheme::List, MenuTheme::Cards, MenuTheme::Hero] {
        let harness = board(LANDSCAPE, Scene::new(BrandKit::default()), &cafe(theme));
        harness.get_by_label("حلیم");
        harness.get_by_label("ناموجود");
        assert!(
            harness.query_by_label("۲۴۰٬۰۰۰ تومان").is_none(),
            "{theme:?}"
        );
        harness.get_by_label("۲۱۰٬۰۰۰ تومان");

        let harness = board(PORTRAIT, Scene::new(BrandKit::default()), &cafe_en(theme));
        harness.get_by_label("Haleem");
        harness.get_by_label("Sold out");
        assert!(
            harness.query_by_label("240,000 Toman").is_none(),
            "{theme:?}"
        );
    }
}

#[test]
fn badges_calories_pictures_and_the_logo_appear_in_every_theme() {
    for theme in [MenuTheme::List, MenuTheme::Cards, MenuTheme::Hero] {
        let harness = board(LANDSCAPE, Scene::new(warm_brand()), &cafe(theme));
        for badge in ["پیشنهاد سرآشپز", "گیاهی", "جدید", "تند", "وگان"]
        {
            harness.get_by_label(badge);
        }
        harness.get_by_label("۴۲۰ کیلوکالری");
        harness.get_by_label("۵ کیلوکالری");
        // Only items with calories have the line.
        assert_eq!(
            harness.query_all_by_label_contains("کیلوکالری").count(),
            4,
            "{theme:?}"
        );
        harness.get_by_label("logo");

        let harness = board(PORTRAIT, Scene::new(garden_brand()), &cafe_en(theme));
        for badge in ["Chef's pick", "Vegetarian", "New", "Spicy", "Vegan"] {
            harness.get_by_label(badge);
        }
        harness.get_by_label("420 kcal");
        assert_eq!(harness.query_all_by_label_contains("kcal").count(), 4);
    }

    // Cards and the hero show the pictures; a card without one has a drawn placeholder.
    let harness = board(
        LANDSCAPE,
        Scene::new(BrandKit::default()),
        &cafe(MenuTheme::Cards),
    );
    for name in ["املت اسفناج", "نان و پنیر و گردو", "اسپرسو", "کیک شکلاتی"]
    {
        harness.get_by_label(&format!("picture: {name}"));
    }
    assert!(harness.query_by_label("picture: چیزکیک").is_none());
}

#[test]
fn the_hero_is_the_featured_item_large_on_the_start_side() {
    let harness = board(
        LANDSCAPE,
        Scene::new(BrandKit::default()),
        &cafe(MenuTheme::Hero),
    );
    let hero = rect_of(&harness, "املت اسفناج");
    let photo = rect_of(&harness, "picture: املت اسفناج");
    let other = rect_of(&harness, "کاپوچینو");
    // Persian: the hero on the right, the list on the left; the hero's name is larger.
    assert!(hero.left() > LANDSCAPE.x / 2.0 && photo.left() > LANDSCAPE.x / 2.0);
    assert!(other.right() < LANDSCAPE.x / 2.0 + 100.0);
    assert!(hero.height() > other.height() * 1.2, "{hero:?} {other:?}");
    // Its photo is large.
    assert!(photo.width() > LANDSCAPE.x * 0.3, "{photo:?}");

    let harness = board(
        LANDSCAPE,
        Scene::new(BrandKit::default()),
        &cafe_en(MenuTheme::Hero),
    );
    let hero = rect_of(&harness, "Spinach omelette");
    let other = rect_of(&harness, "Cappuccino");
    assert!(hero.right() < LANDSCAPE.x / 2.0 && other.left() > LANDSCAPE.x / 2.0 - 100.0);

    // Without a featured item, the first with a picture is the hero.
    let mut menu = cafe(MenuTheme::Hero);
    menu.categories[0].items[0].featured = false;
    menu.categories[0].items[0].image = None;
    let harness = board(PORTRAIT, Scene::new(BrandKit::default()), &menu);
    let hero = rect_of(&harness, "picture: نان و پنیر و گردو");
    assert!(
        hero.bottom() < PORTRAIT.y / 2.0,
        "on top in portrait: {hero:?}"
    );
}

#[test]
fn pictures_and_the_logo_come_after_the_text_while_they_decode() {
    let mut scene = Scene::new(warm_brand());
    scene.media.ready = false;
    let mut harness = board(LANDSCAPE, scene, &cafe(MenuTheme::Cards));
    harness.get_by_label("املت اسفناج");
    assert!(harness.query_by_label("logo").is_none());
    assert!(harness.query_by_label("picture: املت اسفناج").is_none());
    harness.state_mut().media.ready = true;
    harness.run_steps(1);
    harness.get_by_label("logo");
    harness.get_by_label("picture: املت اسفناج");
}

/// Every text of `menu` a list board shows: the title, category names and item names.
fn names(menu: &Menu) -> Vec<String> {
    let mut names = vec![menu.title.clone()];
    for category in &menu.categories {
        names.push(category.name.clone());
        names.extend(category.items.iter().map(|i| i.name.clone()));
    }
    names
}

/// `menu` on a wall of `cols` × `rows` screens drawn as one board of `size`, as each of its
/// tiles draws it.
fn wall_board(size: Vec2, cols: u8, rows: u8, menu: &Menu) -> Harness<'static, Scene> {
    let mut scene = Scene::new(BrandKit::default());
    let tile = WallTile {
        cols,
        rows,
        col: 0,
        row: 0,
    };
    scene.seams = Seams::of_wall(Rect::from_min_size(egui::Pos2::ZERO, size), Some(tile));
    assert_eq!(
        scene.seams.x.len() + scene.seams.y.len(),
        usize::from(cols + rows - 2)
    );
    board(size, scene, menu)
}

/// How many of `menu`'s names lie left and right of a vertical seam at `seam`, none across it.
fn names_beside_the_seam(harness: &Harness<Scene>, menu: &Menu, seam: f32) -> [usize; 2] {
    let mut sides = [0, 0];
    for name in names(menu) {
        let rect = rect_of(harness, &name);
        assert!(
            !(rect.left() < seam && rect.right() > seam),
            "{name} straddles the seam: {rect:?}"
        );
        sides[usize::from(rect.center().x > seam)] += 1;
    }
    sides
}

#[test]
fn on_a_wall_every_card_stays_on_one_screen() {
    let wall = Vec2::new(2.0 * LANDSCAPE.x, LANDSCAPE.y);
    let seam = LANDSCAPE.x;
    let menu = cafe(MenuTheme::Cards);
    let crosses = |rect: Rect| rect.left() < seam && rect.right() > seam;
    // Laid out as one wide screen, a shelf of cards runs through the middle of the wall.
    let plain = board(wall, Scene::new(BrandKit::default()), &menu);
    assert!(
        names(&menu).iter().any(|n| crosses(rect_of(&plain, n))),
        "without seams some card straddles the middle of the wall"
    );
    let harness = wall_board(wall, 2, 1, &menu);
    let sides = names_beside_the_seam(&harness, &menu, seam);
    assert!(sides[0] > 0 && sides[1] > 0, "{sides:?}");
}

#[test]
fn on_a_wall_every_column_and_the_title_stay_on_one_screen() {
    // A 1×2 wall of 1920×1080 screens: the board spans 3840 px with a seam in the middle,
    // where the two panels' bezels meet. Laid out as one wide screen, the centred title and
    // the middle columns straddle it.
    let wall = Vec2::new(2.0 * LANDSCAPE.x, LANDSCAPE.y);
    let seam = LANDSCAPE.x;
    let menu = cafe(MenuTheme::List);
    let crosses = |rect: Rect| rect.left() < seam && rect.right() > seam;

    let plain = board(wall, Scene::new(BrandKit::default()), &menu);
    assert!(
        crosses(rect_of(&plain, &menu.title)),
        "without seams the title stands in the middle of the wall"
    );

    let harness = wall_board(wall, 2, 1, &menu);
    let sides = names_beside_the_seam(&harness, &menu, seam);
    // The menu flows over both screens, and Persian starts on the right one.
    assert!(sides[0] > 0 && sides[1] > 0, "{sides:?}");
    assert!(rect_of(&harness, &menu.title).left() > seam);
    // Prices stay on their item's screen too.
    for price in ["۲۱۰٬۰۰۰ تومان", "۱۵۰٬۰۰۰ تومان", "۱۷۰٬۰۰۰ تومان"]
    {
        assert!(!crosses(rect_of(&harness, price)), "{price}");
    }

    // A 2×1 wall (one screen above the other): no line is cut by the horizontal seam.
    let tall = Vec2::new(LANDSCAPE.x, 2.0 * LANDSCAPE.y);
    let seam = LANDSCAPE.y;
    let harness = wall_board(tall, 1, 2, &menu);
    for name in names(&menu) {
        let rect = rect_of(&harness, &name);
        assert!(
            !(rect.top() < seam && rect.bottom() > seam),
            "{name} straddles the seam: {rect:?}"
        );
    }
}

#[test]
fn on_a_wall_the_hero_has_the_first_screen_and_the_list_the_others() {
    let menu = cafe(MenuTheme::Hero);
    let hero = "املت اسفناج";
    let others: Vec<String> = names(&menu)
        .into_iter()
        .filter(|n| n != hero && *n != menu.title)
        .collect();

    // 1×2: laid out as one wide screen, the list beside the hero runs through the seam.
    let wall = Vec2::new(2.0 * LANDSCAPE.x, LANDSCAPE.y);
    let seam = LANDSCAPE.x;
    let crosses = |rect: Rect| rect.left() < seam && rect.right() > seam;
    let plain = board(wall, Scene::new(BrandKit::default()), &menu);
    assert!(
        others.iter().any(|n| crosses(rect_of(&plain, n))),
        "without seams some line of the list straddles the middle of the wall"
    );
    // Every line of the list (a category that goes on in the next column has its name
    // repeated there).
    let lines = |harness: &Harness<'static, Scene>| -> Vec<(String, Rect)> {
        others
            .iter()
            .flat_map(|name| {
                let found: Vec<Rect> = harness.get_all_by_label(name).map(|n| n.rect()).collect();
                assert!(!found.is_empty(), "{name} is not shown");
                found.into_iter().map(|rect| (name.clone(), rect))
            })
            .collect()
    };
    let harness = wall_board(wall, 2, 1, &menu);
    // Persian reads from the right: the featured item has the right screen to itself.
    let featured = rect_of(&harness, hero);
    assert!(featured.left() > seam, "{featured:?}");
    for (name, rect) in lines(&harness) {
        assert!(
            rect.right() < seam,
            "{name} is not on the list's screen: {rect:?}"
        );
    }

    // 2×2: the featured item on the top right screen, the list over the other three, no
    // line cut by either seam.
    let wall = Vec2::new(2.0 * LANDSCAPE.x, 2.0 * LANDSCAPE.y);
    let (x, y) = (LANDSCAPE.x, LANDSCAPE.y);
    let harness = wall_board(wall, 2, 2, &menu);
    let featured = rect_of(&harness, hero);
    assert!(featured.left() > x && featured.bottom() < y, "{featured:?}");
    let mut screens = std::collections::BTreeSet::new();
    for (name, rect) in lines(&harness) {
        let cut = (rect.left() < x && rect.right() > x) || (rect.top() < y && rect.bottom() > y);
        assert!(!cut, "{name} straddles a seam: {rect:?}");
        let screen = (rect.center().y > y, rect.center().x > x);
        assert_ne!(
            screen,
            (false, true),
            "{name} is on the featured item's screen"
        );
        screens.insert(screen);
    }
    assert!(
        screens.len() >= 2,
        "the list flows over the other screens: {screens:?}"
    );
}

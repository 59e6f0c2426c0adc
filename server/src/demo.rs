//! `--demo`: a café in Tehran with breakfast, lunch and dinner menus (Persian and English,
//! prices in Toman) in the three menu designs — breakfast as a list, lunch with its kebab large
//! beside the list (hero, with its picture, badges, calories and drinks by size), dinner as
//! cards — a dated promo, a ticker, a clock and a QR promo that opens the feedback form,
//! scheduled by time of day. Everything goes through the same code paths as the API, so the
//! demo is also a smoke test of them.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};
use vitrin_shared::content::ContentItem;
use vitrin_shared::ids::{OrgId, StoreId};
use vitrin_shared::layout::Layout;
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::ScheduleRule;

use crate::auth::{Principal, Role, password};
use crate::db::{now_ms, sql};
use crate::domain::library::{self, Doc};
use crate::error::ApiResult;
use crate::media::blobs::StagedUpload;
use crate::state::AppState;

pub const OWNER_EMAIL: &str = "owner@demo.vitrin";
pub const OWNER_PASSWORD: &str = "vitrin-demo-cafe";
/// The demo café's breakfast menu (its `categories`): Persian and Latin names, Toman prices,
/// a sold-out item. The player's tests and benchmarks show the same board.
pub fn breakfast_categories() -> Value {
    json!([
        {"name": "صبحانه ایرانی", "items": [
            {"name": "نان و پنیر و گردو", "description": "Bread, feta & walnuts", "price": 185000},
            {"name": "املت گوجه", "description": "Tomato omelette", "price": 210000},
            {"name": "حلیم", "description": "Haleem with cinnamon", "price": 240000, "sold_out": true}]},
        {"name": "نوشیدنی · Drinks", "items": [
            {"name": "چای", "description": "Persian tea", "price": 45000},
            {"name": "Espresso", "price": 95000}]}])
}

/// Seeds the demo when the server has no users yet. Returns whether it did.
pub async fn seed(state: &AppState) -> ApiResult<bool> {
    let users = sql("SELECT COUNT(*) FROM users")
        .fetch_i64(&state.db)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let owner = create_owner(state).await?;
    let store = create_store(state, &owner).await?;

    let promo_image = upload_picture(state, &owner, "promo.png", promo_png()).await?;
    let kebab_image = upload_picture(state, &owner, "kebab.png", kebab_png()).await?;
    let menu = |title: &str, theme: &str, items: Value| {
        json!({"name": title, "type": "menu_board",
               "menu": {"title": title, "unit": "toman", "theme": theme, "categories": items}})
    };
    let breakfast = save::<ContentItem>(
        state,
        &owner,
        menu("صبحانه · Breakfast", "list", breakfast_categories()),
    )
    .await?;
    // A drink with a price per size: the first size's price is what a player that knows no
    // sizes shows.
    let sized = |small: i64, large: i64| json!([{"name": "کوچک", "price": small}, {"name": "بزرگ", "price": large}]);
    let lunch = save::<ContentItem>(state, &owner, menu("ناهار · Lunch", "hero", json!([
        {"name": "غذای اصلی · Mains", "items": [
            {"name": "چلوکباب کوبیده", "description": "Koobideh kebab with saffron rice",
             "price": 520000, "image": {"sha256": kebab_image}, "badges": ["chefs_pick"],
             "calories": 890, "featured": true},
            {"name": "قورمه‌سبزی", "description": "Herb stew", "price": 460000, "calories": 640},
            {"name": "Caesar salad", "price": 380000, "badges": ["new"]}]},
        {"name": "نوشیدنی · Drinks", "items": [
            {"name": "دوغ", "description": "Doogh", "price": 45000, "variants": sized(45000, 65000)},
            {"name": "Lemonade", "price": 90000, "variants": sized(90000, 120000)}]}]))).await?;
    let dinner = save::<ContentItem>(
        state,
        &owner,
        menu(
            "شام · Dinner",
            "cards",
            json!([
        {"name": "شام · Dinner", "items": [
            {"name": "جوجه‌کباب", "description": "Saffron chicken kebab", "price": 495000,
             "badges": ["chefs_pick"], "calories": 650},
            {"name": "پاستا آلفردو", "description": "Pasta Alfredo", "price": 430000,
             "badges": ["vegetarian"]},
            {"name": "کیک شکلاتی", "description": "Chocolate cake", "price": 210000,
             "badges": ["new"], "calories": 450}]}]),
        ),
    )
    .await?;
    let promo = save::<ContentItem>(
        state,
        &owner,
        json!({
        "name": "تخفیف پاییزه · Autumn promo", "type": "image",
        "media": {"sha256": promo_image}, "fit": "cover"}),
    )
    .await?;
    let ticker = save::<ContentItem>(state, &owner, json!({
        "name": "Ticker", "type": "ticker", "source": "static", "lang": "fa",
        "lines": ["به کافه ویترین خوش آمدید", "Wi-Fi: vitrin-guest", "۲۰٪ تخفیف نوشیدنی‌ها تا پایان آذر"]})).await?;
    let clock = save::<ContentItem>(
        state,
        &owner,
        json!({
        "name": "Clock", "type": "clock", "calendar": "both", "digits": "persian"}),
    )
    .await?;
    let survey = save::<ContentItem>(
        state,
        &owner,
        json!({
        "name": "نظرسنجی · Survey", "type": "qr_promo",
        "headline": "نظرتان را بگویید · Tell us what you think",
        "leads_to": {"type": "feedback"}}),
    )
    .await?;

    // The promo runs for thirty days from now, between the menus.
    let now = jiff::Timestamp::now();
    let promo_until = now + jiff::SignedDuration::from_hours(30 * 24);
    let menu_playlist = |name: &str, menu: i64| {
        json!({"name": name, "entries": [
            {"content": menu, "duration_ms": 20000},
            {"content": promo, "duration_ms": 8000, "transition": {"type": "fade", "ms": 600},
             "valid_from": now.to_string(), "valid_until": promo_until.to_string()}]})
    };
    let mut layouts = Vec::new();
    let ticker_list = save::<Playlist>(
        state,
        &owner,
        json!({"name": "Ticker",
        "entries": [{"content": ticker, "duration_ms": 60000}]}),
    )
    .await?;
    let side_list = save::<Playlist>(
        state,
        &owner,
        json!({"name": "Clock",
        "entries": [{"content": clock, "duration_ms": 30000},
                    {"content": survey, "duration_ms": 30000}]}),
    )
    .await?;
    for (name, menu) in [
        ("Breakfast", breakfast),
        ("Lunch", lunch),
        ("Dinner", dinner),
    ] {
        let playlist = save::<Playlist>(state, &owner, menu_playlist(name, menu)).await?;
        let layout = save::<Layout>(state, &owner, json!({"name": name, "template": "main_side_ticker",
            "zones": [{"zone": "main", "playlist": playlist}, {"zone": "side", "playlist": side_list},
                      {"zone": "ticker", "playlist": ticker_list}]})).await?;
        layouts.push(layout);
    }
    let dayparts = [
        ("Breakfast 07–11", "07:00", "11:00"),
        ("Lunch 11–17", "11:00", "17:00"),
        ("Dinner 17–23", "17:00", "23:00"),
    ];
    for ((name, start, end), layout) in dayparts.into_iter().zip(&layouts) {
        save::<ScheduleRule>(
            state,
            &owner,
            json!({"name": name,
            "target": {"type": "layout", "id": layout}, "scope": {"stores": [store.0]},
            "when": {"window": {"type": "daily", "start": start, "end": end}},
            "priority": 10, "kind": {"type": "normal"}}),
        )
        .await?;
    }
    // The counter screen shows breakfast outside opening hours.
    let screen = sql(
        "INSERT INTO screens (org_id, store_id, name, default_layout_id, created_at, \
                      updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(owner.org.0)
    .bind(store.0)
    .bind("پیشخوان · Counter")
    .bind(layouts[0])
    .bind(now_ms())
    .fetch_i64(&state.db)
    .await?;
    let mut tx = state.db.begin().await?;
    crate::refs::set(
        &mut tx,
        owner.org,
        "screen",
        screen,
        &[("layout", layouts[0].to_string())],
    )
    .await?;
    crate::manifest::bump_changed(&mut tx, owner.org, None).await?;
    tx.commit().await?;
    Ok(true)
}

async fn save<T: Doc>(state: &AppState, owner: &Principal, body: Value) -> ApiResult<i64> {
    let (_, doc) = library::save::<T>(state, owner, None, body).await?;
    Ok(doc.id())
}

async fn create_owner(state: &AppState) -> ApiResult<Principal> {
    let hash = password::hash(OWNER_PASSWORD.into()).await?;
    let mut tx = state.db.begin().await?;
    let org = sql("INSERT INTO orgs (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind("کافه ویترین · Café Vitrin")
        .bind(now_ms())
        .fetch_i64(&mut tx)
        .await?;
    let user = crate::domain::account::create_user_row(
        &mut tx,
        org,
        OWNER_EMAIL,
        "مدیر کافه · Café owner",
        &hash,
        Role::Owner,
    )
    .await?;
    tx.commit().await?;
    Ok(Principal {
        user_id: user,
        org: OrgId(org),
        role: Role::Owner,
        email: OWNER_EMAIL.into(),
        stores: Vec::new(),
        session_hash: None,
    })
}

async fn create_store(state: &AppState, owner: &Principal) -> ApiResult<StoreId> {
    let now = now_ms();
    let id = sql(
        "INSERT INTO stores (org_id, name, address, timezone, created_at, updated_at) \
                  VALUES ($1, $2, $3, 'Asia/Tehran', $4, $4) RETURNING id",
    )
    .bind(owner.org.0)
    .bind("شعبه ولیعصر · Valiasr branch")
    .bind("تهران، خیابان ولیعصر · Valiasr St, Tehran")
    .bind(now)
    .fetch_i64(&state.db)
    .await?;
    Ok(StoreId(id))
}

/// A 1280×720 autumn-coloured PNG banner, drawn here so the demo needs no files.
pub fn promo_png() -> Vec<u8> {
    encode_png(RgbImage::from_fn(1280, 720, |x, y| {
        let t = x as f32 / 1280.0;
        let stripe = if (x / 40 + y / 40) % 2 == 0 { 0 } else { 18 };
        Rgb([
            (200.0 + 55.0 * t) as u8,
            (90.0 + 60.0 * (1.0 - t)) as u8 + stripe,
            (30 + y / 24) as u8,
        ])
    }))
}

/// A 960×720 picture of a kebab plate (saffron rice, two skewers, a grilled tomato on a
/// wooden table), drawn here for the lunch menu's featured dish.
pub fn kebab_png() -> Vec<u8> {
    const TABLE: [u8; 3] = [122, 78, 44];
    const PLATE: [u8; 3] = [242, 238, 228];
    const RICE: [u8; 3] = [250, 236, 196];
    const SAFFRON: [u8; 3] = [236, 160, 40];
    const KEBAB: [u8; 3] = [110, 58, 30];
    const TOMATO: [u8; 3] = [206, 52, 38];
    let inside = |x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32| {
        ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
    };
    encode_png(RgbImage::from_fn(960, 720, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let colour = if inside(x, y, 700.0, 540.0, 70.0, 70.0) {
            TOMATO
        } else if (500.0..830.0).contains(&x)
            && ((280.0..335.0).contains(&y) || (375.0..430.0).contains(&y))
        {
            // Two skewers of minced meat, with the grill's marks across them.
            if (x as u32 / 30).is_multiple_of(3) {
                [84, 42, 22]
            } else {
                KEBAB
            }
        } else if inside(x, y, 330.0, 300.0, 110.0, 55.0) {
            SAFFRON
        } else if inside(x, y, 350.0, 400.0, 210.0, 160.0) {
            RICE
        } else if inside(x, y, 480.0, 380.0, 440.0, 330.0) {
            // The plate, its rim a shade darker.
            if inside(x, y, 480.0, 380.0, 400.0, 295.0) {
                PLATE
            } else {
                [226, 220, 206]
            }
        } else {
            let grain = ((y / 14.0).sin() * 10.0) as i16;
            TABLE.map(|c| (i16::from(c) + grain).clamp(0, 255) as u8)
        };
        Rgb(colour)
    }))
}

fn encode_png(image: RgbImage) -> Vec<u8> {
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("a PNG encodes into memory");
    png
}

async fn upload_picture(
    state: &AppState,
    owner: &Principal,
    name: &str,
    png: Vec<u8>,
) -> ApiResult<String> {
    let mut staged =
        StagedUpload::new(&state.config.upload_dir(), state.config.max_upload_bytes).await?;
    staged.write(&png).await?;
    let file = staged.finish().await?;
    let ingested = crate::domain::media::ingest(state, owner, name.into(), file).await?;
    Ok(ingested.media.sha256)
}

//! `--demo`: a café in Tehran with breakfast, lunch and dinner menus (Persian and English,
//! prices in Toman), a dated promo, a ticker, a clock and a QR promo that opens the feedback form,
//! scheduled by time of day. Everything goes
//! through the same code paths as the API, so the demo is also a smoke test of them.

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

    let promo_image = upload_promo_image(state, &owner).await?;
    let menu = |title: &str, items: Value| {
        json!({"name": title, "type": "menu_board",
               "menu": {"title": title, "unit": "toman", "categories": items}})
    };
    let breakfast = save::<ContentItem>(
        state,
        &owner,
        menu("صبحانه · Breakfast", breakfast_categories()),
    )
    .await?;
    let lunch = save::<ContentItem>(state, &owner, menu("ناهار · Lunch", json!([
        {"name": "غذای اصلی · Mains", "items": [
            {"name": "چلوکباب کوبیده", "description": "Koobideh kebab with saffron rice", "price": 520000},
            {"name": "قورمه‌سبزی", "description": "Herb stew", "price": 460000},
            {"name": "Caesar salad", "price": 380000}]}]))).await?;
    let dinner = save::<ContentItem>(
        state,
        &owner,
        menu(
            "شام · Dinner",
            json!([
        {"name": "شام · Dinner", "items": [
            {"name": "جوجه‌کباب", "description": "Saffron chicken kebab", "price": 495000},
            {"name": "پاستا آلفردو", "description": "Pasta Alfredo", "price": 430000},
            {"name": "کیک شکلاتی", "description": "Chocolate cake", "price": 210000}]}]),
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
    let image = RgbImage::from_fn(1280, 720, |x, y| {
        let t = x as f32 / 1280.0;
        let stripe = if (x / 40 + y / 40) % 2 == 0 { 0 } else { 18 };
        Rgb([
            (200.0 + 55.0 * t) as u8,
            (90.0 + 60.0 * (1.0 - t)) as u8 + stripe,
            (30 + y / 24) as u8,
        ])
    });
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("a PNG encodes into memory");
    png
}

async fn upload_promo_image(state: &AppState, owner: &Principal) -> ApiResult<String> {
    let png = promo_png();
    let mut staged =
        StagedUpload::new(&state.config.upload_dir(), state.config.max_upload_bytes).await?;
    staged.write(&png).await?;
    let file = staged.finish().await?;
    let ingested = crate::domain::media::ingest(state, owner, "promo.png".into(), file).await?;
    Ok(ingested.media.sha256)
}

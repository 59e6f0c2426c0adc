//! Every page of the content admin (content, media, playlists, layouts, groups and tags, API
//! tokens, the audit log), photographed in a real Chromium in English and Persian at
//! a desktop's and a phone's width (the artifacts the review looks at), each checked to fit
//! the phone's width without sideways scrolling and to be in the chosen language's direction.

use serde_json::{Value, json};
use vitrin_tests::browser::Browser;
use vitrin_tests::{Admin, TestServer, noise_png, test_state};

/// Uploads a picture through the API; returns its id and sha256.
async fn upload(admin: &Admin, name: &str) -> (i64, String) {
    let part = reqwest::multipart::Part::bytes(noise_png(320, 180, 3)).file_name(name.to_owned());
    let response = admin
        .client
        .post(format!("{}/api/v1/media", admin.base))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let media: Value = response.json().await.unwrap();
    (
        media["id"].as_i64().unwrap(),
        media["sha256"].as_str().unwrap().to_owned(),
    )
}

/// An organisation with one item of every kind, a store, a screen, a group and a token, so
/// each page has something to show. Returns the pages to photograph, by name.
async fn seed(admin: &Admin) -> Vec<(String, String)> {
    let (media, sha) = upload(admin, "promo.png").await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "شعبه ولیعصر", "timezone": "Asia/Tehran"}),
        )
        .await;
    let screen = admin
        .create(
            "/api/v1/screens",
            json!({"name": "پیشخوان", "store_id": store, "tags": ["drive-thru"]}),
        )
        .await;
    let rates = admin
        .create(
            "/api/v1/feeds",
            json!({"name": "نرخ ارز", "source": {"type": "manual_currency"}}),
        )
        .await;
    admin
        .put(
            &format!("/api/v1/feeds/{rates}/rates"),
            json!({"unit": "toman", "rates": [
                {"symbol": "USD", "label": "دلار آمریکا", "value": 58000},
                {"symbol": "EUR", "label": "یورو", "value": 63500}]}),
        )
        .await;
    let items = [
        (
            "image",
            json!({"name": "تخفیف پاییزه", "type": "image", "media": {"sha256": sha}, "fit": "cover"}),
        ),
        (
            "text",
            json!({"name": "ساعات کار", "type": "text", "title": "ساعات کار",
                        "body": "هر روز ۷ تا ۲۳\nOpen daily 7–23", "lang": "fa"}),
        ),
        (
            "ticker",
            json!({"name": "زیرنویس", "type": "ticker", "source": "static", "lang": "fa",
                          "lines": ["به کافه ویترین خوش آمدید", "Wi-Fi: vitrin-guest"]}),
        ),
        (
            "currency",
            json!({"name": "تابلوی ارز", "type": "currency_board", "feed": rates}),
        ),
        (
            "clock",
            json!({"name": "ساعت", "type": "clock", "calendar": "both"}),
        ),
        (
            "menu",
            json!({"name": "صبحانه · Breakfast", "type": "menu_board", "menu": {
                "title": "صبحانه · Breakfast", "unit": "toman", "categories": [
                    {"name": "صبحانه ایرانی", "items": [
                        {"name": "نان و پنیر و گردو", "description": "Bread, feta & walnuts",
                         "price": 185000},
                        {"name": "حلیم", "price": 240000, "sold_out": true}]},
                    {"name": "نوشیدنی · Drinks", "items": [
                        {"name": "چای", "price": 45000, "image": {"sha256": sha}}]}]}}),
        ),
        (
            "qr",
            json!({"name": "نظرسنجی", "type": "qr_promo", "headline": "نظرتان را بگویید",
                      "url": "https://example.com/survey", "image": {"sha256": sha}}),
        ),
    ];
    let mut pages = vec![
        ("content".to_owned(), "/content".to_owned()),
        (
            "content-new-ticker".to_owned(),
            "/content/new?kind=ticker".to_owned(),
        ),
    ];
    let mut first = 0;
    for (kind, body) in items {
        let id = admin.create("/api/v1/content", body).await;
        first = if first == 0 { id } else { first };
        let page = if kind == "menu" { "menus" } else { "content" };
        pages.push((format!("content-{kind}"), format!("/{page}/{id}")));
    }
    let playlist = admin
        .create(
            "/api/v1/playlists",
            json!({"name": "صبحانه", "entries": [{"content": first, "duration_ms": 8000}]}),
        )
        .await;
    let layout = admin
        .create(
            "/api/v1/layouts",
            json!({"name": "صبحانه", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    let group = admin
        .create(
            "/api/v1/groups",
            json!({"name": "منوهای بیرون‌بر", "screens": [screen]}),
        )
        .await;
    pages.extend([
        ("media".to_owned(), "/media".to_owned()),
        ("media-item".to_owned(), format!("/media/{media}")),
        ("playlist".to_owned(), format!("/playlists/{playlist}")),
        ("layout".to_owned(), format!("/layouts/{layout}")),
        ("groups".to_owned(), "/groups".to_owned()),
        ("group".to_owned(), format!("/groups/{group}")),
        ("tag".to_owned(), "/tags/edit?name=drive-thru".to_owned()),
        ("screens".to_owned(), "/screens".to_owned()),
        ("tokens".to_owned(), "/account/tokens".to_owned()),
        ("audit".to_owned(), "/audit".to_owned()),
        ("hours".to_owned(), "/hours?year=1405".to_owned()),
        ("store-hours".to_owned(), format!("/stores/{store}/hours")),
    ]);
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_content_page_fits_a_phone_and_is_photographed_in_both_languages() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let admin = Admin::setup(&base).await;
    let pages = seed(&admin).await;

    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;

    for (lang, dir) in [("en", "ltr"), ("fa", "rtl")] {
        b.select("#lang-select", lang).await;
        b.wait_script(&format!(
            "return document.documentElement.lang === '{lang}'"
        ))
        .await;
        for (width, height, size) in [(1280, 900, "desktop"), (390, 844, "phone")] {
            b.resize(width, height).await;
            for (name, path) in &pages {
                b.goto(&format!("{base}{path}")).await;
                b.find("main h1").await;
                let page_dir = b.run("return document.documentElement.dir").await;
                assert_eq!(page_dir, json!(dir), "{path} in {lang}");
                // Nothing wider than the window: on a phone the page scrolls only downwards.
                let overflow = b
                    .run(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                    )
                    .await;
                assert!(
                    overflow.as_i64().unwrap() <= 1,
                    "{path} in {lang} is {overflow}px wider than a {width}px window"
                );
                b.screenshot(&format!("pages-{lang}-{size}-{name}")).await;
                // The preview, where a page has one, photographed in view.
                let scrolled = b
                    .run(
                        "const p = document.querySelector('.content-preview'); \
                         if (p) p.scrollIntoView(); return !!p;",
                    )
                    .await;
                if scrolled == json!(true) {
                    b.screenshot(&format!("pages-{lang}-{size}-{name}-preview"))
                        .await;
                }
            }
        }
    }
    b.close().await;
}

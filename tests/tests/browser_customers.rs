//! After the scan, in a real headless Chromium on a phone-sized window, in Persian and in
//! English: a customer scans the feedback promo and sends stars and a comment, scans the offer
//! and gets a one-time code, scans the loyalty promo and joins with the code a (real, local)
//! SMS gateway received; then a cashier redeems the offer code (and is refused the second
//! time) and stamps the card on the counter page, and the customer's card shows the stamp.
//! Every page fits the phone's width; screenshots are kept as test artifacts.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use vitrin_tests::browser::Browser;
use vitrin_tests::{Admin, TestServer, get_json, test_config};

const PHONE: (u32, u32) = (390, 844);

/// A stand-in SMS gateway on 127.0.0.1 that keeps what it is sent.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<Value>>>) {
    let inbox: Arc<Mutex<Vec<Value>>> = Arc::default();
    let kept = inbox.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(message): axum::Json<Value>| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(message);
                "queued"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, inbox)
}

/// Words each language's pages are checked by.
struct Words {
    lang: &'static str,
    headline: &'static str,
    thanks: &'static str,
    offer: &'static str,
    reward: &'static str,
    no_stamps: &'static str,
    one_stamp: &'static str,
    redeemed: &'static str,
    already: &'static str,
    stamped: &'static str,
}

const FA: Words = Words {
    lang: "fa",
    headline: "نظرتان دربارهٔ کافه",
    thanks: "سپاس! نظر شما به فروشگاه رسید.",
    offer: "یک کلوچهٔ رایگان",
    reward: "یک قهوهٔ رایگان",
    no_stamps: "۰ مهر از ۵",
    one_stamp: "۱ مهر از ۵",
    redeemed: "ثبت شد",
    already: "قبلاً ثبت شده است",
    stamped: "مهر خورد",
};

const EN: Words = Words {
    lang: "en",
    headline: "Tell us about your visit",
    thanks: "Thank you! Your feedback reached the shop.",
    offer: "A free cookie",
    reward: "A free coffee",
    no_stamps: "0 of 5 stamps",
    one_stamp: "1 of 5 stamps",
    redeemed: "Redeemed",
    already: "Already redeemed",
    stamped: "Stamped.",
};

async fn fits_the_phone(b: &Browser, what: &str) {
    let overflow = b
        .run("return document.documentElement.scrollWidth - window.innerWidth;")
        .await;
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "{what}: the page is wider than the phone by {overflow} px"
    );
}

async fn walk(b: &Browser, words: &Words) {
    let (sms_url, inbox) = sms_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    config.sms_webhook = Some(sms_url);
    let state = vitrin_server::AppState::open(config).await.unwrap();
    let server = TestServer::start(state).await.unwrap();
    let base = server.url("");
    let admin = Admin::setup(&base).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
        )
        .await;
    admin
        .create(
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter screen"}),
        )
        .await;
    let promo = |name: &str, leads_to: Value| json!({"name": name, "type": "qr_promo", "headline": words.headline, "leads_to": leads_to});
    let feedback = admin
        .create(
            "/api/v1/content",
            promo("Feedback", json!({"type": "feedback"})),
        )
        .await;
    let offer = admin
        .create(
            "/api/v1/content",
            promo(
                "Offer",
                json!({"type": "offer", "title": words.offer, "limit": 100}),
            ),
        )
        .await;
    let loyalty = admin
        .create(
            "/api/v1/content",
            promo("Loyalty", json!({"type": "loyalty"})),
        )
        .await;
    admin
        .put(
            "/api/v1/loyalty",
            json!({"every_nth": 5, "reward": words.reward}),
        )
        .await;
    let scan = |promo: i64| {
        let admin = &admin;
        let base = base.clone();
        async move {
            // The link a screen's QR code encodes (its host is the public URL in production).
            let links = get_json(
                &admin.client,
                &format!("{base}/api/v1/promos/{promo}/links"),
            )
            .await;
            format!("{base}/q/{}", links[0]["code"].as_str().unwrap())
        }
    };

    // The customer, on a phone.
    b.viewport(PHONE.0, PHONE.1).await;
    // The page speaks the language of the screen's headline.
    b.goto(&scan(feedback).await).await;
    b.wait_script(&format!(
        "return document.documentElement.lang === '{}'",
        words.lang
    ))
    .await;
    fits_the_phone(b, "feedback form").await;
    b.click("label:has(#rating-4)").await;
    b.fill("#f-comment", "☕ ☕").await;
    b.click("#f-public").await;
    b.screenshot(&format!("customer-feedback-{}", words.lang))
        .await;
    b.click("main form button[type=submit]").await;
    b.wait_text("h1", words.thanks).await;
    let stored = get_json(&admin.client, &format!("{base}/api/v1/feedback")).await;
    assert_eq!(stored[0]["rating"], 4, "{stored}");
    assert_eq!(stored[0]["comment"], "☕ ☕");
    assert_eq!(stored[0]["public"], true);

    b.goto(&scan(offer).await).await;
    b.wait_text("main", words.offer).await;
    b.click("main form button[type=submit]").await;
    b.wait_script("return !!document.getElementById('offer-code')")
        .await;
    let offer_code = b.text("#offer-code").await;
    assert_eq!(offer_code.len(), 9, "{offer_code}");
    fits_the_phone(b, "offer code").await;
    b.screenshot(&format!("customer-offer-{}", words.lang))
        .await;

    b.goto(&scan(loyalty).await).await;
    b.fill("#f-phone", "0912 345 6789").await;
    b.click("main form button[type=submit]").await;
    b.wait_script("return !!document.getElementById('f-code')")
        .await;
    let sent = inbox
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a text message");
    assert_eq!(sent["to"], "+989123456789");
    let code: String = vitrin_shared::calendar::normalize_digits(sent["text"].as_str().unwrap())
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    b.fill("#f-code", &code).await;
    b.click("main form button[type=submit]").await;
    b.wait_text("main", words.no_stamps).await;
    let card_code = b.text("#card-code").await;
    fits_the_phone(b, "loyalty card").await;
    b.screenshot(&format!("customer-card-{}", words.lang)).await;

    // The cashier, on the counter page (a phone works as well as the shop's PC).
    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;
    if words.lang == "fa" {
        b.select("#lang-select", "fa").await;
        b.wait_script("return document.documentElement.lang === 'fa'")
            .await;
    }
    b.goto(&format!("{base}/counter")).await;
    fits_the_phone(b, "counter").await;
    // The camera button is offered exactly where the browser can read QR codes.
    assert_eq!(
        b.run("return ('BarcodeDetector' in window) === !document.querySelector('[data-scan-code]').hidden;")
            .await,
        true
    );
    b.fill("#f-code", &offer_code.to_lowercase()).await;
    b.click("form.counter button[type=submit]").await;
    b.wait_text("#outcome", words.redeemed).await;
    assert_eq!(
        b.run("return document.getElementById('outcome').dataset.success")
            .await,
        "true"
    );
    b.screenshot(&format!("counter-redeemed-{}", words.lang))
        .await;
    b.fill("#f-code", &offer_code).await;
    b.click("form.counter button[type=submit]").await;
    b.wait_text("#outcome", words.already).await;
    assert_eq!(
        b.run("return document.getElementById('outcome').dataset.success")
            .await,
        "false"
    );
    b.fill("#f-code", &card_code).await;
    b.click("form.counter button[type=submit]").await;
    b.wait_text("#outcome", words.stamped).await;
    b.screenshot(&format!("counter-stamped-{}", words.lang))
        .await;

    // Back on the customer's phone: the stamp is on the card.
    b.goto(&format!("{base}/c/card")).await;
    b.wait_text("main", words.one_stamp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_and_a_cashier_close_the_loop_in_persian_and_in_english() {
    for words in [&FA, &EN] {
        let Some(b) = Browser::start().await else {
            return;
        };
        walk(&b, words).await;
        b.close().await;
    }
}

//! After the scan, on SQLite and PostgreSQL: feedback through a QR promo's form reaches the
//! store's inbox (low ratings alert), approved comments become reviews in screens' manifests
//! and leave them when the customer deletes them; an offer hands out at most its limit, one
//! code per phone; fifty cashiers redeeming one code at once succeed exactly once; a customer
//! joins the loyalty card by a text message (a real local SMS webhook) and every Nth stamp is
//! the reward; customers' data can be deleted; other stores and tenants are refused.

mod common;
mod web_support;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend, field_codes};
use serde_json::{Value, json};
use vitrin_server::db::sql;
use web_support::WebClient;

const OWNER: &str = "owner@customers.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

/// A shop with two stores, a screen in each, showing `promo` and a reviews item.
struct Shop {
    owner: Auth,
    north: i64,
    south: i64,
    north_screen: i64,
    south_screen: i64,
    promo: i64,
    reviews: i64,
}

async fn shop(env: &TestEnv, leads_to: Value) -> Shop {
    let client = WebClient::setup(env, OWNER).await;
    let owner = session_of(&client);
    let store = |name: &str| json!({"name": name, "timezone": "Asia/Tehran"});
    let north = env.create(&owner, "/api/v1/stores", store("North")).await;
    let south = env.create(&owner, "/api/v1/stores", store("South")).await;
    let promo = env
        .create(
            &owner,
            "/api/v1/content",
            json!({"name": "Promo", "type": "qr_promo", "headline": "نظرتان را بگویید",
                   "leads_to": leads_to}),
        )
        .await;
    let reviews = env
        .create(
            &owner,
            "/api/v1/content",
            json!({"name": "Reviews", "type": "reviews", "style": "ticker", "own_store": true}),
        )
        .await;
    let playlist = env
        .create(
            &owner,
            "/api/v1/playlists",
            json!({"name": "P", "entries": [{"content": promo, "duration_ms": 10000},
                                             {"content": reviews, "duration_ms": 10000}]}),
        )
        .await;
    let layout = env
        .create(
            &owner,
            "/api/v1/layouts",
            json!({"name": "L", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    let screen = |store: i64, name: &str| json!({"store_id": store, "name": name, "default_layout_id": layout});
    let north_screen = env
        .create(&owner, "/api/v1/screens", screen(north, "N1"))
        .await;
    let south_screen = env
        .create(&owner, "/api/v1/screens", screen(south, "S1"))
        .await;
    Shop {
        owner,
        north,
        south,
        north_screen,
        south_screen,
        promo,
        reviews,
    }
}

/// The tracked code of the promo on a screen, as the screen's QR code encodes it.
async fn tracked_code(env: &TestEnv, shop: &Shop, screen: i64) -> String {
    let (status, links) = env
        .get(&shop.owner, &format!("/api/v1/promos/{}/links", shop.promo))
        .await;
    assert_eq!(status, StatusCode::OK, "{links}");
    links
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["screen_id"] == screen)
        .expect("a link per screen")["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn manifest(env: &TestEnv, shop: &Shop, screen: i64) -> Value {
    let (status, manifest) = env
        .get(&shop.owner, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{manifest}");
    manifest
}

fn shown_reviews(manifest: &Value, reviews: i64) -> Vec<String> {
    manifest["content"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == reviews)
        .expect("the reviews item is in the manifest")["reviews"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| r["text"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The secret the thanks page's delete form carries.
fn delete_secret(html: &str) -> String {
    let at = html
        .find("name=\"secret\" value=\"")
        .expect("a delete form")
        + 21;
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn feedback_reaches_the_inbox_and_approved_comments_become_reviews_on_screen() {
    each_backend(|env| async move {
        let shop = shop(&env, json!({"type": "feedback"})).await;
        let code = tracked_code(&env, &shop, shop.north_screen).await;
        // The scan redirects to the server's own form, in Persian like the headline.
        let mut phone = WebClient::new(&env);
        let scan = phone.get(&format!("/q/{code}")).await;
        assert_eq!(scan.status, StatusCode::FOUND);
        assert_eq!(
            scan.location.as_deref(),
            Some(format!("/c/{code}").as_str())
        );
        phone
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("بازدیدتان چطور بود؟")
            .assert_contains("dir=\"rtl\"");
        // No stars: the form comes back with the comment kept and nothing stored.
        let refused = phone
            .post_form(&format!("/c/{code}/feedback"), &[("comment", "سرد بود")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused.assert_contains("سرد بود");
        let (_, list) = env.get(&shop.owner, "/api/v1/feedback").await;
        assert_eq!(list.as_array().unwrap().len(), 0);
        // A low rating: thanks, and the dashboard alerts at once.
        let low = phone
            .post_form(
                &format!("/c/{code}/feedback"),
                &[
                    ("rating", "1"),
                    ("comment", "قهوه سرد بود"),
                    ("contact", "0912 000 0000"),
                ],
            )
            .await;
        assert_eq!(low.status, StatusCode::OK);
        low.assert_contains("مدیر فروشگاه باخبر شد");
        let mut admin = WebClient::login(&env, OWNER).await;
        admin
            .get("/dashboard")
            .await
            .assert_contains("1 new low rating(s) to read")
            .assert_contains("id=\"low-feedback\"");
        // Every admin page shows the count in the navigation; read, it goes.
        admin
            .get("/media")
            .await
            .assert_contains("id=\"low-feedback\"");
        let (_, list) = env.get(&shop.owner, "/api/v1/feedback").await;
        let (status, _) = env
            .put(
                &shop.owner,
                &format!("/api/v1/feedback/{}/status", list[0]["id"]),
                json!({"status": "read"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        admin
            .get("/media")
            .await
            .assert_lacks("id=\"low-feedback\"");
        // A good one the customer agrees to show, from the south store's screen.
        let south_code = tracked_code(&env, &shop, shop.south_screen).await;
        // One piece of feedback per phone and promo: this phone is shown what it sent.
        let again = phone
            .post_form(&format!("/c/{south_code}/feedback"), &[("rating", "5")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        again.assert_contains("نظرتان را دربارهٔ این بازدید گفته‌اید");
        phone
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("حذف آنچه فرستادم")
            .assert_lacks("name=\"rating\"");
        // A link previewer's POST is refused and stores nothing.
        let mut bot = WebClient::new(&env);
        let answer = bot
            .post_form_with(
                &format!("/c/{code}/feedback"),
                &[("rating", "1")],
                &[("user-agent", "TelegramBot (like TwitterBot)")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        let mut phone = WebClient::new(&env);
        let good = phone
            .post_form(
                &format!("/c/{south_code}/feedback"),
                &[
                    ("rating", "5"),
                    ("comment", "بهترین لاته شهر"),
                    ("public", "1"),
                    ("signed", "سارا"),
                ],
            )
            .await;
        assert_eq!(good.status, StatusCode::OK);
        let secret = delete_secret(&good.html);
        let (_, list) = env.get(&shop.owner, "/api/v1/feedback").await;
        let list = list.as_array().unwrap().clone();
        assert_eq!(list.len(), 2);
        let good_row = list.iter().find(|f| f["rating"] == 5).unwrap();
        let low_row = list.iter().find(|f| f["rating"] == 1).unwrap();
        assert_eq!(good_row["store_id"], shop.south);
        assert_eq!(low_row["store_id"], shop.north);
        assert_eq!(low_row["contact"], "0912 000 0000");
        assert_eq!(low_row["public"], false);
        // Only what its writer agreed to show can be approved.
        let (status, problem) = env
            .put(
                &shop.owner,
                &format!("/api/v1/feedback/{}/status", low_row["id"]),
                json!({"status": "approved"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "status"), ["not_public"]);
        // 500 newer pieces of feedback: the approved one is past the inbox's first page, and its
        // approval still answers with it.
        for n in 0..500 {
            sql(
                "INSERT INTO feedback (org_id, store_id, screen_id, content_id, at, rating, \
                 delete_hash) SELECT org_id, store_id, screen_id, content_id, at + $1, 3, $2 \
                 FROM feedback WHERE id = $3",
            )
            .bind(1000 + n as i64)
            .bind(format!("filler-{n}"))
            .bind(good_row["id"].as_i64().unwrap())
            .execute(&env.state.db)
            .await
            .unwrap();
        }
        // Approving bumps the south screen, whose own-store reviews now show the comment;
        // the north screen shows only its own store's reviews: none.
        let before = env.manifest_version(&shop.owner, shop.south_screen).await;
        let (status, approved) = env
            .put(
                &shop.owner,
                &format!("/api/v1/feedback/{}/status", good_row["id"]),
                json!({"status": "approved"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["status"], "approved");
        sql("DELETE FROM feedback WHERE delete_hash LIKE 'filler-%'")
            .execute(&env.state.db)
            .await
            .unwrap();
        assert_eq!(
            env.manifest_version(&shop.owner, shop.south_screen).await,
            before + 1
        );
        let south = manifest(&env, &shop, shop.south_screen).await;
        assert_eq!(shown_reviews(&south, shop.reviews), ["بهترین لاته شهر"]);
        let north = manifest(&env, &shop, shop.north_screen).await;
        assert!(shown_reviews(&north, shop.reviews).is_empty());
        // A store manager of the north store sees only its feedback.
        let manager = env
            .add_user(
                &shop.owner,
                "north@customers.test",
                "store_manager",
                &[shop.north],
            )
            .await;
        let (_, theirs) = env.get(&manager, "/api/v1/feedback").await;
        assert_eq!(theirs.as_array().unwrap().len(), 1);
        let (status, _) = env
            .get(&manager, &format!("/api/v1/feedback?store={}", shop.south))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = env
            .put(
                &manager,
                &format!("/api/v1/feedback/{}/status", good_row["id"]),
                json!({"status": "hidden"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Another tenant cannot see or change it.
        let stranger = env.add_org("Other café", "other@customers.test").await;
        let (_, none) = env.get(&stranger, "/api/v1/feedback").await;
        assert_eq!(none.as_array().unwrap().len(), 0);
        let (status, _) = env
            .put(
                &stranger,
                &format!("/api/v1/feedback/{}/status", good_row["id"]),
                json!({"status": "hidden"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The customer deletes what they sent: it leaves the inbox and the screen.
        phone
            .post_form("/c/feedback/delete", &[("secret", &secret), ("lang", "en")])
            .await
            .assert_contains("Your feedback has been deleted.");
        let south = manifest(&env, &shop, shop.south_screen).await;
        assert!(shown_reviews(&south, shop.reviews).is_empty());
        let (_, list) = env.get(&shop.owner, "/api/v1/feedback").await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        // An unknown code is the "not found" page, not somebody else's form.
        let mut tampered = code.clone();
        tampered.pop();
        tampered.push(if code.ends_with('0') { '1' } else { '0' });
        assert_eq!(
            phone.get(&format!("/c/{tampered}")).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

fn offer(limit: u32) -> Value {
    json!({"type": "offer", "title": "یک کلوچهٔ رایگان", "limit": limit, "valid_days": 3})
}

/// The code an offer page shows.
fn shown_code(html: &str) -> String {
    let at = html.find("id=\"offer-code\">").expect("a code on the page") + 16;
    html[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_offer_hands_out_one_code_per_phone_and_never_more_than_its_limit() {
    each_backend(|env| async move {
        let shop = shop(&env, offer(2)).await;
        let code = tracked_code(&env, &shop, shop.north_screen).await;
        let mut first = WebClient::new(&env);
        first
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("یک کلوچهٔ رایگان")
            .assert_contains("کد من را بده");
        let issued = first.post_form(&format!("/c/{code}/offer"), &[]).await;
        assert_eq!(issued.status, StatusCode::SEE_OTHER);
        let page = first.get(&format!("/c/{code}")).await;
        let mine = shown_code(&page.html);
        assert_eq!(mine.len(), 9, "{mine}");
        page.assert_contains("<svg");
        // Asking again on the same phone shows the same code: no second code.
        first.post_form(&format!("/c/{code}/offer"), &[]).await;
        assert_eq!(
            shown_code(&first.get(&format!("/c/{code}")).await.html),
            mine
        );
        let mut second = WebClient::new(&env);
        second.post_form(&format!("/c/{code}/offer"), &[]).await;
        let theirs = shown_code(&second.get(&format!("/c/{code}")).await.html);
        assert_ne!(theirs, mine);
        // The limit is reached: a third phone is told, and no row is added.
        let mut third = WebClient::new(&env);
        third.post_form(&format!("/c/{code}/offer"), &[]).await;
        third
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("همهٔ کدهای این پیشنهاد داده شده‌اند")
            .assert_lacks("offer-code");
        let (rows,): (i64,) = sql("SELECT COUNT(*) FROM offer_codes")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(rows, 2);
        // Only hashes are stored.
        let (found,): (i64,) = sql("SELECT COUNT(*) FROM offer_codes WHERE code_hash LIKE $1")
            .bind(format!("%{}%", mine.replace('-', "")))
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(found, 0);
        // Redeemed at the counter, the customer's page says so.
        let (status, body) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": mine.to_lowercase()}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["kind"], "offer");
        assert_eq!(body["title"], "یک کلوچهٔ رایگان");
        first
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("استفاده شد");
    })
    .await;
}

#[tokio::test]
async fn fifty_cashiers_redeem_one_code_at_once_and_exactly_one_succeeds() {
    each_backend(|env| async move {
        let shop = shop(&env, offer(10)).await;
        let code = tracked_code(&env, &shop, shop.north_screen).await;
        let mut phone = WebClient::new(&env);
        phone.post_form(&format!("/c/{code}/offer"), &[]).await;
        let offer_code = shown_code(&phone.get(&format!("/c/{code}")).await.html);
        let base = common::serve(&env.state).await;
        let Auth::Cookie(cookie) = &shop.owner else {
            unreachable!()
        };
        let client = reqwest::Client::new();
        let attempts = (0..50).map(|_| {
            let request = client
                .post(format!("{base}/api/v1/counter"))
                .header("cookie", cookie)
                .header("origin", &base)
                .json(&json!({"store_id": shop.north, "code": offer_code}))
                .send();
            async move { request.await.unwrap().status() }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((won, refused), (1, 49), "{statuses:?}");
        let (redeemed,): (i64,) =
            sql("SELECT COUNT(*) FROM offer_codes WHERE redeemed_at IS NOT NULL")
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        assert_eq!(redeemed, 1);
        // What the cashier is told the second time.
        let (status, problem) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": offer_code}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            problem["detail"].as_str().unwrap().contains("North"),
            "{problem}"
        );
        // An expired code, a code nobody has, and not a code at all.
        let mut other = WebClient::new(&env);
        other.post_form(&format!("/c/{code}/offer"), &[]).await;
        let late = shown_code(&other.get(&format!("/c/{code}")).await.html);
        sql("UPDATE offer_codes SET expires_at = 1 WHERE redeemed_at IS NULL")
            .execute(&env.state.db)
            .await
            .unwrap();
        let (status, _) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": late}),
            )
            .await;
        assert_eq!(status, StatusCode::GONE);
        let (status, problem) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": "ZZZZ-ZZZZ"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "code"), ["unknown_code"]);
        let (status, problem) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": "hello"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "code"), ["invalid"]);
        // Viewers do not redeem; another tenant's cashier does not know the code.
        let viewer = env
            .add_user(&shop.owner, "viewer@customers.test", "viewer", &[])
            .await;
        let (status, _) = env
            .post(
                &viewer,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": offer_code}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let stranger = env.add_org("Other café", "other@customers.test").await;
        let (status, _) = env
            .post(
                &stranger,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": offer_code}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// A real SMS gateway stand-in on 127.0.0.1: it keeps every message POSTed to it.
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

/// The digits of the last message's code (sent in Persian digits to a Persian page).
fn last_code(inbox: &Arc<Mutex<Vec<Value>>>) -> String {
    let messages = inbox.lock().unwrap();
    let text = messages.last().expect("a message was sent")["text"]
        .as_str()
        .unwrap()
        .to_owned();
    vitrin_shared::calendar::normalize_digits(&text)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

fn card_code(html: &str) -> String {
    let at = html.find("id=\"card-code\">").expect("a card code") + 15;
    html[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_customer_joins_by_text_message_and_every_third_stamp_is_the_reward() {
    let (url, inbox) = sms_gateway().await;
    for backend in common::backends() {
        let env = TestEnv::new_with(backend, |c| c.sms_webhook = Some(url.clone())).await;
        inbox.lock().unwrap().clear();
        let shop = shop(&env, json!({"type": "loyalty"})).await;
        let code = tracked_code(&env, &shop, shop.north_screen).await;
        let mut phone = WebClient::new(&env);
        phone
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("این فروشگاه هنوز کارت وفاداری ندارد");
        let (status, _) = env
            .put(
                &shop.owner,
                "/api/v1/loyalty",
                json!({"every_nth": 3, "reward": "یک قهوهٔ رایگان"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        phone
            .get(&format!("/c/{code}"))
            .await
            .assert_contains("هر ۳ بار مراجعه: یک قهوهٔ رایگان");
        // A number that is not a mobile is refused before any message is sent.
        let bad = phone
            .post_form(&format!("/c/{code}/phone"), &[("phone", "021 1234 5678")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(inbox.lock().unwrap().is_empty());
        let sent = phone
            .post_form(&format!("/c/{code}/phone"), &[("phone", "۰۹۱۲ ۱۲۳ ۴۵۶۷")])
            .await;
        assert_eq!(sent.status, StatusCode::OK);
        sent.assert_contains("one-time-code");
        assert_eq!(inbox.lock().unwrap()[0]["to"], "+989121234567");
        let right = last_code(&inbox);
        assert_eq!(right.len(), 6, "{right}");
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let refused = phone
            .post_form(&format!("/c/{code}/confirm"), &[("code", wrong)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let joined = phone
            .post_form(&format!("/c/{code}/confirm"), &[("code", &right)])
            .await;
        joined.assert_redirect("/c/card");
        let card = phone.get("/c/card").await;
        card.assert_contains("۰ مهر از ۳");
        let card_code = card_code(&card.html);
        // The number itself is not stored anywhere.
        let (stored,): (i64,) =
            sql("SELECT COUNT(*) FROM loyalty_cards WHERE phone_hash LIKE '%9121234567%'")
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        assert_eq!(stored, 0);
        // Stamps at the counter; a double scan is refused; the third visit is the reward.
        let stamp = || {
            env.post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": card_code}),
            )
        };
        let (status, first) = stamp().await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!(
            (first["stamps"].as_i64(), first["free"].as_bool()),
            (Some(1), Some(false))
        );
        let (status, _) = stamp().await;
        assert_eq!(status, StatusCode::CONFLICT, "a double scan");
        let earlier = || async {
            sql("UPDATE loyalty_visits SET at = at - 3600000")
                .execute(&env.state.db)
                .await
                .unwrap();
        };
        earlier().await;
        let (_, second) = stamp().await;
        assert_eq!(second["stamps"], 2);
        phone
            .get("/c/card")
            .await
            .assert_contains("مراجعهٔ بعدی شما رایگان است");
        earlier().await;
        let (_, third) = stamp().await;
        assert_eq!(
            (third["stamps"].as_i64(), third["free"].as_bool()),
            (Some(0), Some(true))
        );
        assert_eq!(third["reward"], "یک قهوهٔ رایگان");
        // Joining again with the same number on a new phone moves the card there.
        let mut new_phone = WebClient::new(&env);
        new_phone
            .post_form(&format!("/c/{code}/phone"), &[("phone", "09121234567")])
            .await;
        new_phone
            .post_form(
                &format!("/c/{code}/confirm"),
                &[("code", &last_code(&inbox))],
            )
            .await
            .assert_redirect("/c/card");
        new_phone
            .get("/c/card")
            .await
            .assert_contains("تعداد مراجعه‌ها تا کنون: ۳");
        assert_eq!(phone.get("/c/card").await.status, StatusCode::NOT_FOUND);
        // A fourth code for one number within the window is refused (texts cost money).
        let mut pest = WebClient::new(&env);
        let third_text = pest
            .post_form(&format!("/c/{code}/phone"), &[("phone", "09121234567")])
            .await;
        assert_eq!(third_text.status, StatusCode::OK);
        let limited = pest
            .post_form(
                &format!("/c/{code}/phone"),
                &[("phone", "+98 912 123 4567")],
            )
            .await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(inbox.lock().unwrap().len(), 3);
        // The customer deletes the card: its visits go with it and the code means nothing.
        new_phone
            .post_form("/c/card/delete", &[("lang", "en")])
            .await
            .assert_contains("Your card and its visits have been deleted.");
        let (left,): (i64,) = sql("SELECT COUNT(*) FROM loyalty_visits")
            .fetch_one(&env.state.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        let (status, _) = env
            .post(
                &shop.owner,
                "/api/v1/counter",
                json!({"store_id": shop.north, "code": card_code}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_admin_makes_promos_and_reviews_approves_from_the_inbox_and_sets_the_loyalty_card() {
    each_backend(|env| async move {
        let mut admin = WebClient::setup(&env, OWNER).await;
        let owner = session_of(&admin);
        let store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "North", "timezone": "Asia/Tehran"}),
            )
            .await;
        env.create(
            &owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "N1"}),
        )
        .await;
        // An offer promo from the content form, numbers in Persian digits, no link needed.
        let saved = admin
            .post_form(
                "/content/new",
                &[
                    ("kind", "qr"),
                    ("name", "Cookie offer"),
                    ("headline", "کلوچه مهمان ما"),
                    ("leads_to", "offer"),
                    ("url", "https://"),
                    ("leads_to.title", "یک کلوچهٔ رایگان"),
                    ("leads_to.limit", "۵۰"),
                    ("leads_to.valid_days", "۳"),
                    ("leads_to.starts", "۱۴۰۵/۰۹/۲۰"),
                    ("leads_to.ends", "2026-12-21"),
                    ("seconds", "10"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let (_, items) = env.get(&owner, "/api/v1/content").await;
        let promo = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "Cookie offer")
            .expect("the promo was made")
            .clone();
        assert_eq!(promo["leads_to"]["type"], "offer");
        assert_eq!(promo["leads_to"]["limit"], 50);
        assert_eq!(promo["leads_to"]["valid_days"], 3);
        assert_eq!(promo["url"], "");
        // 1405/09/20 is 2026-12-11; days are Tehran's (UTC+3:30); the last day is included.
        assert_eq!(promo["leads_to"]["starts"], "2026-12-10T20:30:00Z");
        assert_eq!(promo["leads_to"]["ends"], "2026-12-21T20:30:00Z");
        let id = promo["id"].as_i64().unwrap();
        admin
            .get(&format!("/content/{id}"))
            .await
            .assert_contains("value=\"2026-12-11\"")
            .assert_contains("value=\"2026-12-21\"");
        // An offer without its worth is refused on the field, and nothing is made.
        let refused = admin
            .post_form(
                "/content/new",
                &[
                    ("kind", "qr"),
                    ("name", "Bad offer"),
                    ("headline", "h"),
                    ("leads_to", "offer"),
                    ("leads_to.title", ""),
                    ("leads_to.limit", "0"),
                    ("leads_to.valid_days", "3"),
                    ("seconds", "10"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused.assert_contains("f-leads_to.title-error");
        refused.assert_contains("f-leads_to.limit-error");
        let refused = admin
            .post_form(
                "/content/new",
                &[
                    ("kind", "qr"),
                    ("name", "Bad offer"),
                    ("headline", "h"),
                    ("leads_to", "offer"),
                    ("leads_to.title", "t"),
                    ("leads_to.limit", "5"),
                    ("leads_to.valid_days", "3"),
                    ("leads_to.ends", "next week"),
                    ("seconds", "10"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused
            .assert_contains("f-leads_to.ends-error")
            .assert_contains("next week");
        // A reviews item from the form.
        let saved = admin
            .post_form(
                "/content/new",
                &[
                    ("kind", "reviews"),
                    ("name", "What guests say"),
                    ("style", "slide"),
                    ("min_rating", "۴"),
                    ("max_items", "۵"),
                    ("own_store", "1"),
                    ("lang", "fa"),
                    ("seconds", "20"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let (_, items) = env.get(&owner, "/api/v1/content").await;
        let reviews = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "What guests say")
            .unwrap()
            .clone();
        assert_eq!(reviews["type"], "reviews");
        assert_eq!(
            (
                reviews["min_rating"].as_i64(),
                reviews["max_items"].as_i64()
            ),
            (Some(4), Some(5))
        );
        assert_eq!(reviews["own_store"], true);
        // Feedback in the inbox: approved with its button, it says so.
        let feedback_promo = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": "F", "type": "qr_promo", "headline": "Rate us",
                       "leads_to": {"type": "feedback"}}),
            )
            .await;
        let (_, links) = env
            .get(&owner, &format!("/api/v1/promos/{feedback_promo}/links"))
            .await;
        let code = links[0]["code"].as_str().unwrap().to_owned();
        let mut phone = WebClient::new(&env);
        phone
            .post_form(
                &format!("/c/{code}/feedback"),
                &[("rating", "5"), ("comment", "Lovely tea"), ("public", "1")],
            )
            .await;
        let inbox = admin.get("/feedback").await;
        inbox
            .assert_contains("Lovely tea")
            .assert_contains("data-status=\"new\"");
        let (_, list) = env.get(&owner, "/api/v1/feedback").await;
        let id = list[0]["id"].as_i64().unwrap();
        admin
            .post_form(
                &format!("/feedback/{id}/status"),
                &[("status", "approved"), ("next", "/feedback")],
            )
            .await
            .assert_redirect("/feedback");
        admin
            .get("/feedback")
            .await
            .assert_contains("It now shows in reviews on your screens.")
            .assert_contains("data-status=\"approved\"");
        // The loyalty programme, typed in Persian digits; a bad one keeps what was typed.
        let bad = admin
            .post_form("/loyalty", &[("every_nth", "1"), ("reward", "قهوه")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains("قهوه");
        admin
            .post_form(
                "/loyalty",
                &[("every_nth", "۸"), ("reward", "یک قهوهٔ رایگان")],
            )
            .await
            .assert_redirect("/loyalty");
        let (_, program) = env.get(&owner, "/api/v1/loyalty").await;
        assert_eq!(program, json!({"every_nth": 8, "reward": "یک قهوهٔ رایگان"}));
        // Only owners set it.
        let editor = env
            .add_user(&owner, "ed@customers.test", "editor", &[])
            .await;
        let (status, _) = env
            .put(
                &editor,
                "/api/v1/loyalty",
                json!({"every_nth": 2, "reward": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

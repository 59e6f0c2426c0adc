//! The content page (`/content`): every kind other than menus made, edited, previewed,
//! duplicated and deleted from the browser, in-process on SQLite and PostgreSQL. What the
//! pages save is checked through the JSON API; bad input is shown again with its message and
//! every typed value; roles are held to what they may do.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend};
use serde_json::{Value, json};
use web_support::*;

const OWNER: &str = "owner@cafe.test";

async fn owner(env: &TestEnv) -> (WebClient, Auth) {
    let client = WebClient::setup(env, OWNER).await;
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    let auth = Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE));
    (client, auth)
}

/// Posts a new item; returns its id from the redirect to its page.
async fn create(client: &mut WebClient, fields: &[(&str, &str)]) -> i64 {
    let answer = client.post_form("/content/new", fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    let location = answer.location.clone().unwrap();
    location
        .trim_start_matches("/content/")
        .parse()
        .unwrap_or_else(|_| panic!("redirected to {location}"))
}

async fn content(env: &TestEnv, auth: &Auth, id: i64) -> Value {
    let (status, item) = env.get(auth, &format!("/api/v1/content/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{item}");
    item
}

async fn count(env: &TestEnv, auth: &Auth, path: &str) -> usize {
    env.get(auth, path).await.1.as_array().unwrap().len()
}

async fn upload_png(client: &mut WebClient, name: &str) -> String {
    let upload = client
        .post_file("/api/v1/media", "file", name, &png(64, 36))
        .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.html);
    let media: Value = serde_json::from_str(&upload.html).unwrap();
    media["sha256"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_kind_is_made_from_its_form_and_saved_as_the_api_would() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let list = client.get("/content").await;
        list.assert_contains("No content yet.")
            .assert_contains("href=\"/content/new?kind=ticker\"")
            .assert_contains("href=\"/content/new?kind=qr\"");
        client
            .get("/content/new?kind=clock")
            .await
            .assert_contains("New Clock");
        assert_eq!(
            client.get("/content/new?kind=nonsense").await.status,
            StatusCode::NOT_FOUND
        );

        let sha = upload_png(&mut client, "promo.png").await;
        let picture = create(
            &mut client,
            &[
                ("kind", "image"),
                ("name", "Promo"),
                ("media", &sha),
                ("fit", "cover"),
                ("make_playlist", "1"),
                ("seconds", "۸"),
            ],
        )
        .await;
        let item = content(&env, &auth, picture).await;
        assert_eq!(item["type"], "image");
        assert_eq!(item["fit"], "cover");
        assert_eq!(item["media"]["sha256"], sha.as_str());
        assert_eq!(
            item["media"]["width"], 64,
            "the library's facts are filled in"
        );
        // Its own playlist, with the typed (Persian-digit) duration.
        let (_, playlists) = env.get(&auth, "/api/v1/playlists").await;
        let playlist = playlists
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Promo")
            .expect("a playlist was made");
        assert_eq!(playlist["entries"][0]["content"], picture);
        assert_eq!(playlist["entries"][0]["duration_ms"], 8000);

        let text = create(
            &mut client,
            &[
                ("kind", "text"),
                ("name", "Welcome"),
                ("title", "خوش آمدید"),
                ("body", "چای تازه دم\nFresh tea"),
                ("lang", "fa"),
            ],
        )
        .await;
        let item = content(&env, &auth, text).await;
        assert_eq!(
            (item["type"].as_str(), item["lang"].as_str()),
            (Some("text"), Some("fa"))
        );
        assert_eq!(item["body"], "چای تازه دم\nFresh tea");

        let ticker = create(
            &mut client,
            &[
                ("kind", "ticker"),
                ("name", "Ticker"),
                ("source", "static"),
                ("lines", "به کافه خوش آمدید\n\nWi-Fi: guest\n"),
                ("speed", "۹۰"),
                ("lang", "fa"),
            ],
        )
        .await;
        let item = content(&env, &auth, ticker).await;
        assert_eq!(item["source"], "static");
        assert_eq!(item["lines"], json!(["به کافه خوش آمدید", "Wi-Fi: guest"]));
        assert_eq!(item["speed"], 90);

        let clock = create(
            &mut client,
            &[
                ("kind", "clock"),
                ("name", "Clock"),
                ("calendar", "solar_hijri"),
                ("digits", "latin"),
                ("show_seconds", "1"),
            ],
        )
        .await;
        let item = content(&env, &auth, clock).await;
        assert_eq!(item["calendar"], "solar_hijri");
        assert_eq!(item["digits"], "latin");
        assert_eq!(item["show_seconds"], true);

        let qr = create(
            &mut client,
            &[
                ("kind", "qr"),
                ("name", "Survey"),
                ("headline", "نظر بدهید"),
                ("url", "https://cafe.example/survey"),
                ("image", &sha),
            ],
        )
        .await;
        let item = content(&env, &auth, qr).await;
        assert_eq!(item["type"], "qr_promo");
        assert_eq!(item["url"], "https://cafe.example/survey");
        assert_eq!(item["image"]["sha256"], sha.as_str());

        // A weather slide and a news ticker take a feed of their own kind only.
        let weather_feed = env
            .create(
                &auth,
                "/api/v1/feeds",
                json!({"name": "Tehran", "source":
                {"type": "weather", "latitude": 35.7, "longitude": 51.4,
                 "base_url": "https://weather.example/forecast"}}),
            )
            .await;
        let news_feed = env
            .create(
                &auth,
                "/api/v1/feeds",
                json!({"name": "News", "source":
                {"type": "news", "url": "https://news.example/rss.xml"}}),
            )
            .await;
        let weather_id = weather_feed.to_string();
        let news_id = news_feed.to_string();
        let weather = create(
            &mut client,
            &[
                ("kind", "weather"),
                ("name", "Weather"),
                ("feed", &weather_id),
                ("lang", "en"),
            ],
        )
        .await;
        assert_eq!(content(&env, &auth, weather).await["feed"], weather_feed);
        let wrong = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "ticker"),
                    ("name", "News ticker"),
                    ("source", "feed"),
                    ("feed", &weather_id),
                    ("max_items", "5"),
                    ("speed", "120"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        wrong
            .assert_contains("f-feed-error")
            .assert_contains("news feed");
        let news = create(
            &mut client,
            &[
                ("kind", "ticker"),
                ("name", "News ticker"),
                ("source", "feed"),
                ("feed", &news_id),
                ("max_items", "5"),
                ("speed", "120"),
            ],
        )
        .await;
        let item = content(&env, &auth, news).await;
        assert_eq!(
            (item["source"].as_str(), item["max_items"].as_i64()),
            (Some("feed"), Some(5))
        );
        // The feed has never brought data: the item's page says so, and so does the list.
        client
            .get(&format!("/content/{news}"))
            .await
            .assert_contains("no data yet")
            .assert_contains("No data from the feed yet");

        // Every item is listed, and the list filters by kind and by name (Persian letter
        // variants alike).
        let list = client.get("/content").await;
        for name in [
            "Promo",
            "Welcome",
            "Ticker",
            "Clock",
            "Survey",
            "Weather",
            "News ticker",
        ] {
            list.assert_contains(&format!(">{name}</a></td>"));
        }
        client
            .get("/content?kind=ticker")
            .await
            .assert_contains(">Ticker</a></td>")
            .assert_contains(">News ticker</a></td>")
            .assert_lacks(">Clock</a></td>");
        client
            .get(&format!("/content?q={}", encode("SURV")))
            .await
            .assert_contains(">Survey</a></td>")
            .assert_lacks(">Promo</a></td>");
        client
            .get("/content?q=zzz")
            .await
            .assert_contains("Nothing matches.");
    })
    .await;
}

#[tokio::test]
async fn the_edit_page_previews_the_item_as_screens_draw_it_and_saves_changes() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let ticker = create(
            &mut client,
            &[
                ("kind", "ticker"),
                ("name", "Ticker"),
                ("source", "static"),
                ("lines", "ك ي\nWi-Fi: guest"),
                ("speed", "120"),
                ("lang", "fa"),
            ],
        )
        .await;
        let page = client.get(&format!("/content/{ticker}")).await;
        // One slide for a landscape and one for a portrait screen, right-to-left Persian, the
        // Arabic letters typed stored as Persian ones.
        page.assert_contains("data-preview=\"landscape\"")
            .assert_contains("data-preview=\"portrait\"")
            .assert_contains("dir=\"rtl\" lang=\"fa\"")
            .assert_contains("ک ی • Wi-Fi: guest")
            .assert_contains("value=\"120\"");
        // Edited: lines replaced, speed typed in Persian digits; the kind stays a ticker even
        // when the form claims another.
        client
            .post_form(
                &format!("/content/{ticker}"),
                &[
                    ("kind", "clock"),
                    ("name", "Ticker"),
                    ("source", "static"),
                    ("lines", "Only line"),
                    ("speed", "۶۰"),
                    ("lang", "en"),
                ],
            )
            .await
            .assert_redirect(&format!("/content/{ticker}"));
        let item = content(&env, &auth, ticker).await;
        assert_eq!(
            (item["type"].as_str(), item["speed"].as_i64()),
            (Some("ticker"), Some(60))
        );
        assert_eq!(item["lines"], json!(["Only line"]));
        client
            .get(&format!("/content/{ticker}"))
            .await
            .assert_contains("dir=\"ltr\" lang=\"en\"");

        let clock = create(
            &mut client,
            &[
                ("kind", "clock"),
                ("name", "Clock"),
                ("calendar", "both"),
                ("digits", "persian"),
            ],
        )
        .await;
        let page = client.get(&format!("/content/{clock}")).await;
        // Both calendars: the Solar Hijri year (14xx) and the Gregorian one, in Persian digits.
        page.assert_contains("۱۴۰").assert_contains("۲۰");

        let qr = create(
            &mut client,
            &[
                ("kind", "qr"),
                ("name", "Survey"),
                ("headline", "Scan me"),
                ("url", "https://cafe.example/survey"),
            ],
        )
        .await;
        client
            .get(&format!("/content/{qr}"))
            .await
            .assert_contains("<svg")
            .assert_contains("Scan me")
            .assert_contains("No screens yet")
            // Before any screen, the code leads to the target itself.
            .assert_contains("https://cafe.example/survey");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_explained_next_to_its_field_keeps_what_was_typed_and_saves_nothing() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let bad_speed = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "ticker"),
                    ("name", "Ticker"),
                    ("source", "static"),
                    ("lines", "سلام"),
                    ("speed", "fast"),
                ],
            )
            .await;
        assert_eq!(bad_speed.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad_speed
            .assert_contains("f-speed-error")
            .assert_contains("Enter a whole number")
            .assert_contains("value=\"fast\"")
            .assert_contains(">سلام</textarea>");
        // The library's own range check lands next to the field too.
        let too_fast = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "ticker"),
                    ("name", "Ticker"),
                    ("source", "static"),
                    ("lines", "سلام"),
                    ("speed", "5000"),
                ],
            )
            .await;
        assert_eq!(too_fast.status, StatusCode::UNPROCESSABLE_ENTITY);
        too_fast
            .assert_contains("f-speed-error")
            .assert_contains("between 1 and 2000");
        // In Persian: the QR promo's link and headline, each explained in Persian.
        client
            .post_form("/account/language", &[("lang", "fa")])
            .await;
        let bad_qr = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "qr"),
                    ("name", "QR"),
                    ("headline", ""),
                    ("url", "ftp://x"),
                ],
            )
            .await;
        assert_eq!(bad_qr.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad_qr
            .assert_contains("dir=\"rtl\"")
            .assert_contains("f-url-error")
            .assert_contains("f-headline-error")
            .assert_contains("value=\"ftp://x\"");
        let no_picture = client
            .post_form("/content/new", &[("kind", "image"), ("name", "Pic")])
            .await;
        assert_eq!(no_picture.status, StatusCode::UNPROCESSABLE_ENTITY);
        no_picture.assert_contains("f-media-error");
        // A picture where a video belongs is refused by the library, next to the field.
        let sha = upload_png(&mut client, "still.png").await;
        let not_video = client
            .post_form(
                "/content/new",
                &[("kind", "video"), ("name", "Clip"), ("media", &sha)],
            )
            .await;
        assert_eq!(not_video.status, StatusCode::UNPROCESSABLE_ENTITY);
        not_video.assert_contains("f-media-error");
        let bad_seconds = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "clock"),
                    ("name", "Clock"),
                    ("make_playlist", "1"),
                    ("seconds", "0"),
                ],
            )
            .await;
        assert_eq!(bad_seconds.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad_seconds.assert_contains("f-seconds-error");
        assert_eq!(count(&env, &auth, "/api/v1/content").await, 0);
        assert_eq!(count(&env, &auth, "/api/v1/playlists").await, 0);
        // Names are unique in a library: a second "Clock" is told so, next to its name.
        create(&mut client, &[("kind", "clock"), ("name", "Clock")]).await;
        let taken = client
            .post_form("/content/new", &[("kind", "clock"), ("name", "Clock")])
            .await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        taken
            .assert_contains("f-name-error")
            .assert_contains("همین نام را دارد");
        assert_eq!(count(&env, &auth, "/api/v1/content").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_currency_board_keeps_typed_rates_in_a_feed_of_its_own() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let bad = client
            .post_form(
                "/content/new",
                &[
                    ("kind", "currency"),
                    ("name", "Rates"),
                    ("source", "typed"),
                    ("unit", "toman"),
                    ("rates", "USD دلار آمریکا ۵۸٬۰۰۰\nEUR"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains("Line 2")
            .assert_contains("EUR</textarea>");
        assert_eq!(
            count(&env, &auth, "/api/v1/feeds").await,
            0,
            "no feed left behind"
        );

        let board = create(
            &mut client,
            &[
                ("kind", "currency"),
                ("name", "Rates"),
                ("source", "typed"),
                ("unit", "toman"),
                ("rates", "USD دلار آمریکا ۵۸٬۰۰۰\nEUR 63,500"),
            ],
        )
        .await;
        let item = content(&env, &auth, board).await;
        let (_, feed) = env
            .get(&auth, &format!("/api/v1/feeds/{}", item["feed"]))
            .await;
        assert_eq!(feed["source"]["type"], "manual_currency");
        let rates = &feed["snapshot"]["rates"];
        assert_eq!(rates[0]["symbol"], "USD");
        assert_eq!(rates[0]["label"], "دلار آمریکا");
        assert_eq!(rates[0]["value"], 580_000, "stored in Rial");
        assert_eq!(rates[1]["value"], 635_000);
        let page = client.get(&format!("/content/{board}")).await;
        page.assert_contains("دلار آمریکا")
            .assert_contains("58,000 Toman")
            .assert_contains("USD دلار آمریکا 58000\nEUR 63500</textarea>");

        // New rates go to the same feed: the board's change shows as a rise.
        client
            .post_form(
                &format!("/content/{board}"),
                &[
                    ("name", "Rates"),
                    ("source", "typed"),
                    ("unit", "toman"),
                    ("rates", "USD دلار آمریکا 59000"),
                ],
            )
            .await
            .assert_redirect(&format!("/content/{board}"));
        assert_eq!(count(&env, &auth, "/api/v1/feeds").await, 1);
        client
            .get(&format!("/content/{board}"))
            .await
            .assert_contains("59,000 Toman")
            .assert_contains("class=\"up\"")
            .assert_lacks("63,500");
    })
    .await;
}

#[tokio::test]
async fn items_are_duplicated_show_where_they_are_used_and_are_not_deleted_while_used() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let text = create(
            &mut client,
            &[
                ("kind", "text"),
                ("name", "Hours"),
                ("title", "Open 7–23"),
                ("lang", "en"),
                ("make_playlist", "1"),
                ("seconds", "10"),
            ],
        )
        .await;
        let (_, playlists) = env.get(&auth, "/api/v1/playlists").await;
        let playlist = playlists[0]["id"].as_i64().unwrap();
        let page = client.get(&format!("/content/{text}")).await;
        page.assert_contains("Where this is used")
            .assert_contains(&format!(
                "Playlist: <a href=\"/playlists/{playlist}\">Hours</a>"
            ));

        let refused = client
            .post_form(&format!("/content/{text}/delete"), &[])
            .await;
        refused.assert_redirect(&format!("/content/{text}"));
        client
            .get(&format!("/content/{text}"))
            .await
            .assert_contains("Not deleted");
        content(&env, &auth, text).await;

        let copy = client
            .post_form(&format!("/content/{text}/duplicate"), &[])
            .await;
        let location = copy.location.clone().unwrap();
        let copy_id: i64 = location.trim_start_matches("/content/").parse().unwrap();
        assert_ne!(copy_id, text);
        let item = content(&env, &auth, copy_id).await;
        assert_eq!(item["name"], "Hours (copy)");
        assert_eq!(item["title"], "Open 7–23");
        // Names are unique in a library: the next copy is numbered.
        let second = client
            .post_form(&format!("/content/{text}/duplicate"), &[])
            .await;
        let second_id: i64 = second
            .location
            .clone()
            .unwrap()
            .trim_start_matches("/content/")
            .parse()
            .unwrap();
        assert_eq!(
            content(&env, &auth, second_id).await["name"],
            "Hours (copy 2)"
        );
        client
            .get(&format!("/content/{copy_id}"))
            .await
            .assert_contains("Not used anywhere yet");
        client
            .post_form(&format!("/content/{copy_id}/delete"), &[])
            .await
            .assert_redirect("/content");
        let (status, _) = env.get(&auth, &format!("/api/v1/content/{copy_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Menus have their own editor; the content page links there, and duplicates them.
        client
            .get("/content")
            .await
            .assert_contains("href=\"/menus/new\"");
        let menu = client
            .post_form(
                "/menus/new",
                &[
                    ("name", "Lunch"),
                    ("title", "Lunch"),
                    ("unit", "toman"),
                    ("make_playlist", "1"),
                    ("action", "save"),
                    ("row.0.category", "Mains"),
                    ("row.0.name", "Kebab"),
                    ("row.0.price", "500000"),
                ],
            )
            .await;
        let menu_page = menu.location.clone().unwrap();
        let menu_id = menu_page.trim_start_matches("/menus/");
        client
            .get(&format!("/content/{menu_id}"))
            .await
            .assert_redirect(&menu_page);
        client
            .get(&menu_page)
            .await
            .assert_contains("Where this is used")
            .assert_contains(">Lunch</a>")
            .assert_contains(&format!("action=\"/content/{menu_id}/duplicate\""));
        let copy = client
            .post_form(&format!("/content/{menu_id}/duplicate"), &[])
            .await;
        let copy_page = copy.location.clone().unwrap();
        assert!(
            copy_page.starts_with("/menus/") && copy_page != menu_page,
            "{copy_page}"
        );
        let copy_id: i64 = copy_page.trim_start_matches("/menus/").parse().unwrap();
        let item = content(&env, &auth, copy_id).await;
        assert_eq!(item["name"], "Lunch (copy)");
        assert_eq!(item["menu"]["categories"][0]["items"][0]["name"], "Kebab");
    })
    .await;
}

#[tokio::test]
async fn a_qr_promo_lists_each_screens_tracked_link_with_its_scans() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let store_a = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "North", "timezone": "Asia/Tehran"}),
            )
            .await;
        let store_b = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "South", "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen_a = env
            .create(
                &auth,
                "/api/v1/screens",
                json!({"name": "Counter A", "store_id": store_a}),
            )
            .await;
        let screen_b = env
            .create(
                &auth,
                "/api/v1/screens",
                json!({"name": "Counter B", "store_id": store_b}),
            )
            .await;
        let qr = create(
            &mut client,
            &[
                ("kind", "qr"),
                ("name", "Survey"),
                ("headline", "Scan"),
                ("url", "https://cafe.example/survey"),
            ],
        )
        .await;
        let (_, links) = env.get(&auth, &format!("/api/v1/promos/{qr}/links")).await;
        let link_a = links
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["screen_id"] == screen_a)
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned();
        // Two scans of screen A's code by a phone.
        for _ in 0..2 {
            let (status, _) = env
                .call(
                    &Auth::None,
                    axum::http::Method::GET,
                    &format!("/q/{link_a}"),
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::FOUND);
        }
        let page = client.get(&format!("/content/{qr}")).await;
        page.assert_contains(&format!("<a href=\"/screens/{screen_a}\">Counter A</a>"))
            .assert_contains(&format!("<a href=\"/screens/{screen_b}\">Counter B</a>"))
            .assert_contains("data-scans=\"2\"")
            .assert_contains("data-scans=\"0\"")
            .assert_contains(&format!("/q/{link_a}"));

        // A store manager of the north store sees only its screen's link.
        env.add_user(&auth, "north@cafe.test", "store_manager", &[store_a])
            .await;
        let mut manager = WebClient::login(&env, "north@cafe.test").await;
        manager
            .get(&format!("/content/{qr}"))
            .await
            .assert_contains("Counter A")
            .assert_lacks("Counter B");
    })
    .await;
}

#[tokio::test]
async fn a_viewer_reads_content_but_cannot_write_and_other_organizations_see_nothing() {
    each_backend(|env| async move {
        let (mut client, auth) = owner(&env).await;
        let clock = create(
            &mut client,
            &[("kind", "clock"), ("name", "Clock"), ("calendar", "both")],
        )
        .await;
        env.add_user(&auth, "viewer@cafe.test", "viewer", &[]).await;
        let mut viewer = WebClient::login(&env, "viewer@cafe.test").await;
        viewer
            .get("/content")
            .await
            .assert_contains(">Clock</a></td>")
            .assert_lacks("href=\"/content/new?kind=");
        viewer
            .get(&format!("/content/{clock}"))
            .await
            .assert_contains("data-preview")
            .assert_lacks("/duplicate");
        for (path, fields) in [
            (
                "/content/new".to_owned(),
                vec![("kind", "clock"), ("name", "Mine")],
            ),
            (format!("/content/{clock}"), vec![("name", "Renamed")]),
            (format!("/content/{clock}/duplicate"), vec![]),
            (format!("/content/{clock}/delete"), vec![]),
        ] {
            let answer = viewer.post_form(&path, &fields).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
            answer.assert_contains("does not allow");
        }
        assert_eq!(count(&env, &auth, "/api/v1/content").await, 1);
        assert_eq!(content(&env, &auth, clock).await["name"], "Clock");

        // A store manager may make content, like the API allows.
        let store = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "North", "timezone": "Asia/Tehran"}),
            )
            .await;
        env.add_user(&auth, "manager@cafe.test", "store_manager", &[store])
            .await;
        let mut manager = WebClient::login(&env, "manager@cafe.test").await;
        create(
            &mut manager,
            &[("kind", "clock"), ("name", "Manager clock")],
        )
        .await;

        // Another organization's item is not found, for reading and for writing.
        let other = env.add_org("Other café", "other@cafe.test").await;
        let mut stranger = WebClient::login(&env, "other@cafe.test").await;
        assert_eq!(
            stranger.get(&format!("/content/{clock}")).await.status,
            StatusCode::NOT_FOUND
        );
        let answer = stranger
            .post_form(&format!("/content/{clock}"), &[("name", "Mine")])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(content(&env, &auth, clock).await["name"], "Clock");
        assert_eq!(count(&env, &other, "/api/v1/content").await, 0);
    })
    .await;
}

#[tokio::test]
async fn the_pages_speak_persian_with_persian_digits() {
    each_backend(|env| async move {
        let (mut client, _) = owner(&env).await;
        client
            .post_form("/account/language", &[("lang", "fa")])
            .await;
        let form = client.get("/content/new?kind=ticker").await;
        form.assert_contains("dir=\"rtl\"")
            .assert_contains("زیرنویس متحرک تازه")
            .assert_contains("value=\"۱۲۰\"");
        let id = create(
            &mut client,
            &[
                ("kind", "text"),
                ("name", "خوشامد"),
                ("title", "سلام"),
                ("lang", "fa"),
            ],
        )
        .await;
        client
            .get(&format!("/content/{id}"))
            .await
            .assert_contains("پیش‌نمایش")
            .assert_contains("نمایشگر عمودی")
            .assert_contains("<h3>سلام</h3>");
        client.get("/content").await.assert_contains("اسلاید متن");
    })
    .await;
}

//! Menu boards as CSV on SQLite and PostgreSQL: export → import gives the same menu; prices
//! typed with Persian or Arabic-Indic digits import the same; a file with bad rows lists
//! exactly those rows and changes nothing; an oversize file is refused; another tenant's menu
//! is 404; the admin page uploads a file and lists the bad rows, keeping the text.

mod common;
mod web_support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Auth, TestEnv, each_backend};
use serde_json::{Value, json};
use tower::ServiceExt;
use web_support::WebClient;

const OWNER: &str = "owner@csv.test";

fn session_of(client: &WebClient) -> Auth {
    let cookie = client
        .cookie(vitrin_server::auth::SESSION_COOKIE)
        .expect("signed in");
    Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE))
}

fn cookie_of(auth: &Auth) -> String {
    match auth {
        Auth::Cookie(c) => c.clone(),
        _ => panic!("a session cookie"),
    }
}

fn menu_json() -> Value {
    json!({
        "name": "Franchise menu",
        "type": "menu_board",
        "menu": {
            "title": "منوی ما",
            "unit": "toman",
            "columns": 2,
            "theme": "cards",
            "categories": [
                {"name": "نوشیدنی گرم", "items": [
                    {"name": "لاته", "code": "L1", "description": "با شیر, \"تازه\"\nدو خط",
                     "price": 85000,
                     "variants": [{"name": "کوچک", "price": 70000}, {"name": "بزرگ", "price": 95000}],
                     "badges": ["new", "chefs_pick"], "calories": 190, "featured": true},
                    {"name": "Espresso", "price": 45000, "sold_out": true}
                ]},
                {"name": "کیک", "items": [
                    {"name": "چیزکیک", "code": "C7", "price": 120000, "badges": ["vegetarian"]}
                ]}
            ]
        }
    })
}

/// A raw request with a body and content type; (status, headers, body bytes).
async fn raw(
    env: &TestEnv,
    auth: &Auth,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(path);
    request = match auth {
        Auth::Cookie(c) => request.header(header::COOKIE, c),
        Auth::Bearer(t) => request.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Auth::None => request,
    };
    let request = request
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = env.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, headers, bytes)
}

async fn export(env: &TestEnv, auth: &Auth, id: i64, lang: &str) -> Vec<u8> {
    let (status, headers, bytes) = raw(
        env,
        auth,
        Method::GET,
        &format!("/api/v1/content/{id}/menu.csv?lang={lang}"),
        "text/plain",
        Vec::new(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{headers:?}"
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment"),
    );
    bytes
}

async fn import(env: &TestEnv, auth: &Auth, id: i64, csv: &[u8]) -> (StatusCode, Value) {
    let (status, _, bytes) = raw(
        env,
        auth,
        Method::PUT,
        &format!("/api/v1/content/{id}/menu.csv"),
        "text/csv",
        csv.to_vec(),
    )
    .await;
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

async fn content(env: &TestEnv, auth: &Auth, id: i64) -> Value {
    let (status, value) = env.get(auth, &format!("/api/v1/content/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value
}

async fn owner_and_menu(env: &TestEnv) -> (WebClient, Auth, i64) {
    let client = WebClient::setup(env, OWNER).await;
    let auth = session_of(&client);
    let id = env.create(&auth, "/api/v1/content", menu_json()).await;
    (client, auth, id)
}

#[tokio::test]
async fn export_then_import_gives_the_same_menu() {
    each_backend(|env| async move {
        let (_, auth, id) = owner_and_menu(&env).await;
        let before = content(&env, &auth, id).await;
        for lang in ["en", "fa"] {
            let csv = export(&env, &auth, id, lang).await;
            assert!(csv.starts_with(&[0xef, 0xbb, 0xbf]), "UTF-8 with BOM");
            let text = String::from_utf8(csv.clone()).unwrap();
            let header = text.lines().next().unwrap();
            if lang == "fa" {
                assert!(
                    header.contains("قیمت") && header.contains("دسته"),
                    "{header}"
                );
            } else {
                assert!(
                    header.contains("price") && header.contains("category"),
                    "{header}"
                );
            }
            assert!(text.contains("کوچک:70000|بزرگ:95000"), "{text}");
            let (status, after) = import(&env, &auth, id, &csv).await;
            assert_eq!(status, StatusCode::OK, "{after}");
            assert_eq!(after, before, "{lang}");
            assert_eq!(content(&env, &auth, id).await, before);
        }
    })
    .await;
}

#[tokio::test]
async fn persian_and_arabic_indic_digits_import_the_same_prices() {
    each_backend(|env| async move {
        let (_, auth, id) = owner_and_menu(&env).await;
        let latin = "category,code,name,price,variants,calories\n\
                     گرم,L1,لاته,\"85,000\",کوچک:70000|بزرگ:95000,190\n\
                     ,,اسپرسو,45000,,\n";
        let persian = "دسته,کد,نام,قیمت,اندازه‌ها,کالری\n\
                       گرم,L1,لاته,۸۵٬۰۰۰,کوچک:۷۰۰۰۰|بزرگ:۹۵٬۰۰۰,۱۹۰\n\
                       ,,اسپرسو,۴۵۰۰۰,,\n";
        let arabic = "Category;Code;Name;Price;Variants;Calories\n\
                      گرم;L1;لاته;٨٥،٠٠٠;کوچک:٧٠٠٠٠|بزرگ:٩٥٬٠٠٠;١٩٠\n\
                      ;;اسپرسو;٤٥٠٠٠;;\n";
        let mut menus = Vec::new();
        for csv in [latin, persian, arabic] {
            let (status, item) = import(&env, &auth, id, csv.as_bytes()).await;
            assert_eq!(status, StatusCode::OK, "{csv}: {item}");
            menus.push(item["menu"].clone());
        }
        assert_eq!(menus[0], menus[1]);
        assert_eq!(menus[0], menus[2]);
        let items = &menus[0]["categories"][0]["items"];
        assert_eq!(items[0]["price"], 85000);
        assert_eq!(items[0]["variants"][1]["price"], 95000);
        assert_eq!(items[0]["calories"], 190);
        assert_eq!(items[1]["price"], 45000);
        // Title, unit, columns and theme stay; the picture-less file kept nothing else.
        assert_eq!(menus[0]["title"], "منوی ما");
        assert_eq!(menus[0]["theme"], "cards");
        assert_eq!(menus[0]["columns"], 2);
    })
    .await;
}

#[tokio::test]
async fn three_bad_rows_are_listed_and_nothing_changes() {
    each_backend(|env| async move {
        let (_, auth, id) = owner_and_menu(&env).await;
        let before = content(&env, &auth, id).await;
        let csv = "category,code,name,price,badges,sold_out\n\
                   Hot,A1,Latte,85000,new,no\n\
                   ,A2,Mocha,85.5,,\n\
                   ,A3,Tea,40000,sparkly,\n\
                   ,A4,Cocoa,60000,,\n\
                   ,A5,,30000,,maybe\n\
                   Cold,A6,Shake,90000,vegan,yes\n";
        let (status, problem) = import(&env, &auth, id, csv.as_bytes()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let errors = problem["errors"].as_array().unwrap();
        let rows: std::collections::BTreeSet<i64> =
            errors.iter().map(|e| e["row"].as_i64().unwrap()).collect();
        assert_eq!(rows.into_iter().collect::<Vec<_>>(), [3, 4, 6], "{problem}");
        let fields: Vec<(i64, &str)> = errors
            .iter()
            .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap()))
            .collect();
        assert!(fields.contains(&(3, "price")), "{problem}");
        assert!(fields.contains(&(4, "badges")), "{problem}");
        assert!(fields.contains(&(6, "name")), "{problem}");
        assert!(fields.contains(&(6, "sold_out")), "{problem}");
        for e in errors {
            assert!(!e["message"].as_str().unwrap().is_empty());
            assert!(!e["message_fa"].as_str().unwrap().is_empty());
        }
        assert_eq!(content(&env, &auth, id).await, before);

        // Errors the library finds (a picture not in the media library) name their row too.
        let csv = "category,name,price,image\nHot,Latte,1,\nHot,Tea,2,".to_owned()
            + &"ab".repeat(32)
            + "\n";
        let (status, problem) = import(&env, &auth, id, csv.as_bytes()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["row"], 3, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "image", "{problem}");
        assert_eq!(content(&env, &auth, id).await, before);

        // A duplicate code, an unknown column, a missing price column.
        let (status, problem) = import(
            &env,
            &auth,
            id,
            "category,code,name,price\nA,X,a,1\nA,X,b,2\n".as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["row"], 3);
        assert_eq!(problem["errors"][0]["code"], "duplicate");
        let (_, problem) = import(&env, &auth, id, "name,prise\na,1\n".as_bytes()).await;
        let codes: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["unknown_column", "missing_column"], "{problem}");
        assert_eq!(content(&env, &auth, id).await, before);
    })
    .await;
}

#[tokio::test]
async fn oversize_files_and_other_tenants_are_refused() {
    each_backend(|env| async move {
        let (_, auth, id) = owner_and_menu(&env).await;
        let before = content(&env, &auth, id).await;
        let mut big = b"category,name,price\n".to_vec();
        while big.len() <= 1024 * 1024 {
            big.extend_from_slice(b"Hot,Some long item name to fill the file,45000\n");
        }
        let (status, _) = import(&env, &auth, id, &big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // Too many rows (under the byte cap).
        let mut many = b"category,name,price\n".to_vec();
        for n in 0..1001 {
            many.extend_from_slice(format!("C,item {n},1\n").as_bytes());
        }
        let (status, problem) = import(&env, &auth, id, &many).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["code"], "too_many_rows", "{problem}");
        assert_eq!(content(&env, &auth, id).await, before);

        // Another organization: 404 both ways, nothing changed. A text item is no menu: 404.
        let other = env.add_org("Other", "owner@other.test").await;
        let csv = export(&env, &auth, id, "en").await;
        let (status, _) = import(&env, &other, id, &csv).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = raw(
            &env,
            &other,
            Method::GET,
            &format!("/api/v1/content/{id}/menu.csv"),
            "text/plain",
            Vec::new(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let text = env
            .create(
                &auth,
                "/api/v1/content",
                json!({"name": "T", "type": "text", "title": "t", "body": "b"}),
            )
            .await;
        let (status, _) = import(&env, &auth, text, &csv).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = import(&env, &Auth::None, id, &csv).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // A viewer reads but does not import.
        let viewer = env.add_user(&auth, "viewer@csv.test", "viewer", &[]).await;
        let (status, _) = import(&env, &viewer, id, &csv).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(content(&env, &auth, id).await, before);
    })
    .await;
}

#[tokio::test]
async fn the_admin_page_lists_bad_rows_and_keeps_the_text() {
    each_backend(|env| async move {
        let (mut client, auth, id) = owner_and_menu(&env).await;
        let before = content(&env, &auth, id).await;
        client
            .get(&format!("/menus/{id}"))
            .await
            .assert_contains(&format!("/menus/{id}/csv"));
        let page = client.get(&format!("/menus/{id}/csv")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains(&format!("/menus/{id}/menu.csv?lang=fa"));
        let download = client.get(&format!("/menus/{id}/menu.csv?lang=fa")).await;
        assert_eq!(download.status, StatusCode::OK);
        assert!(download.html.contains("قیمت"), "{}", download.html);

        let bad = "category,name,price\nHot,Latte,abc\nHot,Tea,-5\n";
        let answer = client
            .post_file(
                &format!("/menus/{id}/csv"),
                "file",
                "menu.csv",
                bad.as_bytes(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.html.matches("class=\"csv-error\"").count(), 2);
        answer.assert_contains("Hot,Latte,abc"); // the text, kept to fix in place
        assert_eq!(content(&env, &auth, id).await, before);

        let good = "category,name,price\nHot,Latte,۸۵٬۰۰۰\n";
        let answer = client
            .post_file(
                &format!("/menus/{id}/csv"),
                "file",
                "menu.csv",
                good.as_bytes(),
            )
            .await;
        answer.assert_redirect(&format!("/menus/{id}"));
        let after = content(&env, &auth, id).await;
        assert_eq!(after["menu"]["categories"][0]["items"][0]["price"], 85000);
        let _ = cookie_of(&auth);
    })
    .await;
}

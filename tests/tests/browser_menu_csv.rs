//! A menu imported from a spreadsheet, in a real headless Chromium, in Persian: a file with
//! two bad rows is refused with those rows listed (row number, column, message) and its text
//! kept in the box; fixed there and imported again, the menu has the Persian-digit prices.

use serde_json::json;
use vitrin_tests::browser::Browser;
use vitrin_tests::{Admin, TestServer, get_json, test_state};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_spreadsheet_lists_its_rows_and_the_fixed_one_imports() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let admin = Admin::setup(&base).await;
    let menu = admin
        .create(
            "/api/v1/content",
            json!({"name": "منوی شعبه‌ها", "type": "menu_board",
                   "menu": {"title": "منو", "categories": [{"name": "گرم",
                       "items": [{"name": "چای", "price": 30000}]}]}}),
        )
        .await;

    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;
    b.select("#lang-select", "fa").await;
    b.wait_script("return document.documentElement.lang === 'fa'")
        .await;

    // From the menu's page to its spreadsheet page.
    b.goto(&format!("{base}/menus/{menu}")).await;
    b.click(".menu-csv-link a").await;
    b.wait_script(&format!("return location.pathname === '/menus/{menu}/csv'"))
        .await;

    // A file with two bad rows (3: a price in words, 4: an unknown badge).
    let file = dir.path().join("menu.csv");
    std::fs::write(
        &file,
        "\u{feff}دسته,نام,قیمت,نشان‌ها\nگرم,لاته,۸۵٬۰۰۰,جدید\n,موکا,هشتاد,\n,چای,۳۰۰۰۰,براق\n",
    )
    .unwrap();
    b.find("#f-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .expect("the file is chosen");
    b.click("#csv-form button[type=submit]").await;
    b.wait_text(".form-error", "چیزی درون‌ریزی نشد").await;
    let rows = b
        .run(
            "return [...document.querySelectorAll('tr.csv-error')]\
               .map(tr => [...tr.cells].map(td => td.textContent.trim()));",
        )
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "۳");
    assert_eq!(rows[0][1], "قیمت");
    assert_eq!(rows[1][0], "۴");
    assert_eq!(rows[1][1], "نشان‌ها");
    let kept = b
        .run("return document.querySelector('#f-text').value")
        .await;
    assert!(kept.as_str().unwrap().contains("موکا,هشتاد"), "{kept}");
    b.screenshot("menu-csv-fa-errors").await;
    let unchanged = get_json(&admin.client, &format!("{base}/api/v1/content/{menu}")).await;
    assert_eq!(
        unchanged["menu"]["categories"][0]["items"][0]["name"],
        "چای"
    );

    // Fixed in the box and imported.
    b.fill(
        "#f-text",
        "دسته,نام,قیمت,نشان‌ها\nگرم,لاته,۸۵٬۰۰۰,جدید\n,موکا,۸۰۰۰۰,\n,چای,۳۰۰۰۰,\n",
    )
    .await;
    b.click("#csv-form button[type=submit]").await;
    b.wait_script(&format!("return location.pathname === '/menus/{menu}'"))
        .await;
    let imported = get_json(&admin.client, &format!("{base}/api/v1/content/{menu}")).await;
    let items = &imported["menu"]["categories"][0]["items"];
    assert_eq!(items[0]["price"], 85000);
    assert_eq!(items[1]["price"], 80000);
    assert_eq!(items[0]["badges"], json!(["new"]));
    b.close().await;
}

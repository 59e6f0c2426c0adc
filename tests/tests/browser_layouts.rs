//! The layout editor in a real headless Chromium: an owner starts a free layout from a preset,
//! makes it a shelf strip, adds a zone, sees the overlap refused next to the zone, drags the
//! zone on the drawing (it snaps to the other zone's edge), binds it to a playlist, saves, and
//! sees the layout listed with its zones drawn.

use serde_json::json;
use vitrin_tests::browser::Browser;
use vitrin_tests::{Admin, TestServer, get_json, test_state};

/// Drags from the middle of `css` by (dx, dy) percent of the drawing, with pointer events.
async fn drag(b: &Browser, css: &str, dx: f64, dy: f64) {
    let script = format!(
        "const box = document.querySelector({css});
         const map = box.closest('[data-layout-map]').getBoundingClientRect();
         const r = box.getBoundingClientRect();
         const x = r.left + r.width / 2, y = r.top + r.height / 2;
         const to = [x + map.width * {dx} / 100, y + map.height * {dy} / 100];
         const at = (type, [cx, cy], target) => target.dispatchEvent(new PointerEvent(type,
           {{ clientX: cx, clientY: cy, pointerId: 7, bubbles: true, isPrimary: true }}));
         at('pointerdown', [x, y], box.querySelector('b'));
         at('pointermove', [(x + to[0]) / 2, (y + to[1]) / 2], box);
         at('pointermove', to, box);
         at('pointerup', to, box);
         return true;",
        css = json!(css),
    );
    assert_eq!(b.run(&script).await, json!(true));
}

async fn value(b: &Browser, name: &str) -> String {
    b.run(&format!(
        "return document.querySelector('[name=\"{name}\"]').value;"
    ))
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_places_a_free_layouts_zones_by_number_and_by_dragging() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let admin = Admin::setup(&base).await;
    let text = admin
        .create(
            "/api/v1/content",
            json!({"name": "Price", "type": "text", "title": "۴۵٬۰۰۰", "body": ""}),
        )
        .await;
    let prices = admin
        .create(
            "/api/v1/playlists",
            json!({"name": "Prices", "entries": [{"content": text, "duration_ms": 10000}]}),
        )
        .await;

    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;
    b.goto(&format!("{base}/layouts/new")).await;
    b.fill("#f-name", "Shelf edge").await;
    // From the main + ticker preset to free: its two zones are filled in.
    b.select("#f-template", "free").await;
    b.click("button[value=template]").await;
    b.find("[name='region.1.name']").await;
    assert_eq!(value(&b, "region.0.name").await, "main");
    assert_eq!(value(&b, "region.1.y").await, "90");
    b.select("#f-aspect", "strip").await;
    let ratio = b
        .run("return getComputedStyle(document.querySelector('[data-layout-map]')).aspectRatio")
        .await;
    assert_eq!(
        ratio,
        json!("1920 / 360"),
        "the drawing takes the strip's shape"
    );

    // The main zone typed narrower: the drawing follows the number.
    b.fill("[name='region.0.w']", "50").await;
    let width = b
        .run(
            "const map = document.querySelector('[data-layout-map]').getBoundingClientRect();
             const box = document.querySelector('[data-region=\"0\"]').getBoundingClientRect();
             return Math.round(box.width / map.width * 100);",
        )
        .await;
    assert_eq!(width, json!(50));
    b.fill("[name='region.0.h']", "100").await;
    b.fill("[name='region.1.x']", "50").await;
    b.fill("[name='region.1.y']", "80").await;
    b.fill("[name='region.1.w']", "50").await;
    b.fill("[name='region.1.h']", "20").await;
    b.fill("[name='region.1.name']", "price").await;

    // A third zone lands at the top left, over "main": refused next to the zone.
    b.click("button[value=add]").await;
    b.find("[name='region.2.name']").await;
    b.click("button[value=save]").await;
    b.wait_text("[data-region-row='2'] .field-error", "overlaps zone 'main'")
        .await;
    assert_eq!(value(&b, "region.0.w").await, "50", "typed values are kept");
    let saved = get_json(&admin.client, &format!("{base}/api/v1/layouts")).await;
    assert_eq!(saved.as_array().map(Vec::len), Some(0), "nothing was saved");

    // Dragged right by 51 %: within reach of main's right edge (50 %), it snaps to it.
    drag(&b, "[data-region='2']", 51.0, 0.0).await;
    assert_eq!(value(&b, "region.2.x").await, "50");
    assert_eq!(value(&b, "region.2.y").await, "0");
    // Resized by its corner grip: its right edge moved to 99.5 % and its bottom to 79 %,
    // each within reach of an edge (the screen's, the price zone's top at 80 %).
    b.run(
        "const grip = document.querySelector('[data-region=\"2\"] .grip');
         const map = document.querySelector('[data-layout-map]').getBoundingClientRect();
         const g = grip.getBoundingClientRect();
         const x = g.left + g.width / 2, y = g.top + g.height / 2;
         const to = [x + map.width * 0.245, y + map.height * 0.54];
         const at = (type, [cx, cy]) => grip.dispatchEvent(new PointerEvent(type,
           { clientX: cx, clientY: cy, pointerId: 8, bubbles: true }));
         at('pointerdown', [x, y]);
         at('pointermove', to);
         at('pointerup', to);
         return true;",
    )
    .await;
    assert_eq!(
        value(&b, "region.2.w").await,
        "50",
        "snapped to the screen's edge"
    );
    assert_eq!(
        value(&b, "region.2.h").await,
        "80",
        "snapped to the price zone's top"
    );
    b.fill("[name='region.2.name']", "hero").await;
    b.select("[name='region.1.playlist']", &prices.to_string())
        .await;
    b.screenshot("layout-free-editor").await;
    b.click("button[value=save]").await;
    b.wait_text(".flash", "Shelf edge").await;

    let saved = get_json(&admin.client, &format!("{base}/api/v1/layouts")).await;
    let layout = &saved[0];
    assert_eq!(layout["template"], "free");
    assert_eq!(layout["aspect"], "strip");
    assert_eq!(
        layout["regions"][2],
        json!({"name": "hero", "rect": {"x": 0.5, "y": 0.0, "w": 0.5, "h": 0.8}})
    );
    assert_eq!(
        layout["zones"],
        json!([{"zone": "price", "playlist": prices}])
    );

    // Listed with its zones drawn to scale.
    b.goto(&format!("{base}/layouts")).await;
    b.wait_text("ul.layouts li", "Shelf edge").await;
    b.wait_text("ul.layouts li .meta", "3 zones").await;
    let zones = b
        .run(
            "return [...document.querySelectorAll('ul.layouts li .zone-map span')]\
               .map(s => s.textContent + ' ' + s.getAttribute('style'));",
        )
        .await;
    assert_eq!(
        zones,
        json!([
            "Main left:0%;top:0%;width:50%;height:100%",
            "price left:50%;top:80%;width:50%;height:20%",
            "hero left:50%;top:0%;width:50%;height:80%"
        ])
    );
    b.screenshot("layout-free-list").await;
    b.close().await;
}

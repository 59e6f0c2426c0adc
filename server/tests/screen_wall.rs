//! The screen page's "part of a wall" fieldset on SQLite and PostgreSQL: a place typed in
//! Persian digits (counted from 1) is stored from 0 and reaches the manifest, a place outside the
//! wall gets its message and saves nothing, a form without the fields keeps the place, and
//! empty fields make the screen one of its own again.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, each_backend};
use serde_json::json;
use web_support::*;

const OWNER: &str = "owner@wall.test";

#[tokio::test]
async fn the_screen_page_sets_the_screens_place_in_a_wall() {
    each_backend(|env| async move {
        let mut owner = WebClient::setup(&env, OWNER).await;
        let cookie = owner
            .cookie(vitrin_server::auth::SESSION_COOKIE)
            .expect("signed in");
        let auth = Auth::Cookie(format!("{}={cookie}", vitrin_server::auth::SESSION_COOKIE));
        let store = env
            .create(
                &auth,
                "/api/v1/stores",
                json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
            )
            .await;
        let screen = env
            .create(
                &auth,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Wall left"}),
            )
            .await;
        let page = format!("/screens/{screen}");
        owner
            .get(&page)
            .await
            .assert_contains("Part of a wall")
            .assert_contains("name=\"wall_cols\"");
        let store = store.to_string();
        let base = [
            ("name", "Wall left"),
            ("store_id", store.as_str()),
            ("timezone", "Asia/Tehran"),
            ("orientation", "landscape"),
            ("default_layout_id", ""),
        ];
        let with = |cols, rows, col, row| {
            let mut fields = base.to_vec();
            fields.extend([
                ("wall_form", "1"),
                ("wall_cols", cols),
                ("wall_rows", rows),
                ("wall_col", col),
                ("wall_row", row),
            ]);
            fields
        };
        owner
            .post_form(&page, &with("۳", "1", "۲", "1"))
            .await
            .assert_redirect(&page);
        let (_, saved) = env.get(&auth, &format!("/api/v1/screens/{screen}")).await;
        let wall = json!({"cols": 3, "rows": 1, "col": 1, "row": 0});
        assert_eq!(saved["wall"], wall);
        let (_, manifest) = env
            .get(&auth, &format!("/api/v1/screens/{screen}/manifest"))
            .await;
        assert_eq!(manifest["screen"]["wall"], wall);
        // Outside the wall, and a fifth column: messages on the fields, nothing saved.
        let answer = owner.post_form(&page, &with("3", "1", "4", "1")).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("Inside the wall");
        let answer = owner.post_form(&page, &with("5", "1", "1", "1")).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("A number from 1 to 4");
        // A form without the wall fields keeps the place.
        owner.post_form(&page, &base).await.assert_redirect(&page);
        let (_, kept) = env.get(&auth, &format!("/api/v1/screens/{screen}")).await;
        assert_eq!(kept["wall"], wall);
        // Empty fields: a screen of its own.
        owner
            .post_form(&page, &with("", "", "", ""))
            .await
            .assert_redirect(&page);
        let (_, alone) = env.get(&auth, &format!("/api/v1/screens/{screen}")).await;
        assert!(alone["wall"].is_null(), "{alone}");
    })
    .await;
}

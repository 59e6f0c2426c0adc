//! The content library through the JSON API: stores, screens, content, playlists, layouts and
//! rules, with validation, conflicts and the manifest a screen ends up with.

mod common;

use axum::http::StatusCode;
use common::{Auth, TestEnv, each_backend, field_codes};
use serde_json::{Value, json};

/// A store, a screen and a small schedule; returns (store, screen, content, playlist, layout).
async fn cafe(env: &TestEnv, owner: &Auth) -> (i64, i64, i64, i64, i64) {
    let store = env
        .create(
            owner,
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let text = env
        .create(
            owner,
            "/api/v1/content",
            json!({"name": "Welcome", "type": "text", "title": "خوش آمدید", "body": "به کافه"}),
        )
        .await;
    let playlist = env
        .create(
            owner,
            "/api/v1/playlists",
            json!({"name": "Morning", "entries": [{"content": text, "duration_ms": 10000}]}),
        )
        .await;
    let layout = env
        .create(
            owner,
            "/api/v1/layouts",
            json!({"name": "Full", "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    let screen = env
        .create(
            owner,
            "/api/v1/screens",
            json!({"store_id": store, "name": "Counter", "default_layout_id": layout}),
        )
        .await;
    (store, screen, text, playlist, layout)
}

#[tokio::test]
async fn a_schedule_built_through_the_api_reaches_the_manifest() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (store, screen, text, playlist, layout) = cafe(&env, &owner).await;
        let rule = env
            .create(
                &owner,
                "/api/v1/rules",
                json!({"name": "Breakfast", "target": {"type": "layout", "id": layout},
                       "scope": {"stores": [store]},
                       "when": {"window": {"type": "daily", "start": "07:00", "end": "11:00"}},
                       "priority": 5}),
            )
            .await;

        let (status, manifest) = env
            .get(&owner, &format!("/api/v1/screens/{screen}/manifest"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(manifest["screen"]["timezone"], "Asia/Tehran");
        assert_eq!(manifest["screen"]["default_layout"], layout);
        assert_eq!(manifest["rules"][0]["id"], rule);
        assert_eq!(manifest["layouts"][0]["id"], layout);
        assert_eq!(manifest["playlists"][0]["id"], playlist);
        assert_eq!(manifest["content"][0]["id"], text);
        assert_eq!(manifest["content"][0]["title"], "خوش آمدید");
        // The player compiles exactly this document: it must be a valid schedule.
        let parsed: vitrin_shared::manifest::Manifest = serde_json::from_value(manifest).unwrap();
        parsed.schedule().expect("the manifest compiles");

        // Lists and reads.
        let (_, stores) = env.get(&owner, "/api/v1/stores").await;
        assert_eq!(stores.as_array().unwrap().len(), 1);
        let (status, got) = env.get(&owner, &format!("/api/v1/rules/{rule}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got["when"]["window"]["start"], "07:00:00");
    })
    .await;
}

#[tokio::test]
async fn invalid_input_gets_precise_errors_and_changes_nothing() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (store, _screen, text, playlist, layout) = cafe(&env, &owner).await;
        let (_, before) = env.get(&owner, "/api/v1/playlists").await;

        // An invalid cron line and an unknown target: both reported, by field.
        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/rules",
                json!({"name": "Bad", "target": {"type": "layout", "id": 999},
                       "when": {"window": {"type": "cron", "expr": "61 * * * *",
                                           "duration_secs": 60}}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["type"], "validation");
        assert!(
            !field_codes(&problem, "when.window.expr").is_empty(),
            "{problem}"
        );

        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/rules",
                json!({"name": "Bad", "target": {"type": "layout", "id": 999},
                       "when": {"window": {"type": "all_day"}}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "target.id"), ["unknown"]);

        // A zone the template lacks, a negative duration, an unknown timezone.
        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/layouts",
                json!({"name": "X", "template": "fullscreen",
                       "zones": [{"zone": "side", "playlist": playlist}]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "zones.0.zone"), ["unknown_zone"]);
        let (status, problem) = env
            .put(
                &owner,
                &format!("/api/v1/playlists/{playlist}"),
                json!({"name": "Morning", "entries": [{"content": text, "duration_ms": -5}]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(!field_codes(&problem, "entries.0.duration_ms").is_empty());
        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/stores",
                json!({"name": "Y", "timezone": "Mars/Olympus"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&problem, "timezone"), ["unknown_timezone"]);

        // Malformed JSON is 400, a wrong shape 422, a duplicate name 409.
        let (status, problem) = env
            .call(&owner, axum::http::Method::POST, "/api/v1/stores", None)
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/playlists",
                json!({"name": "Z", "entries": "nope"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, problem) = env
            .post(
                &owner,
                "/api/v1/playlists",
                json!({"name": "Morning", "entries": []}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let (status, _) = env
            .post(
                &owner,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": "UTC"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Deleting what something uses is refused and names the user.
        let (status, problem) = env.delete(&owner, &format!("/api/v1/content/{text}")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("playlist {playlist}"))
        );
        let (status, _) = env
            .delete(&owner, &format!("/api/v1/layouts/{layout}"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = env.delete(&owner, &format!("/api/v1/stores/{store}")).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Nothing changed.
        let (_, after) = env.get(&owner, "/api/v1/playlists").await;
        assert_eq!(before, after);
        let (_, rules) = env.get(&owner, "/api/v1/rules").await;
        assert_eq!(rules, json!([]));
        let (_, stores) = env.get(&owner, "/api/v1/stores").await;
        assert_eq!(stores.as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn deleting_in_dependency_order_works_and_is_audited() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (store, screen, text, playlist, layout) = cafe(&env, &owner).await;
        for path in [
            format!("/api/v1/screens/{screen}"),
            format!("/api/v1/layouts/{layout}"),
            format!("/api/v1/playlists/{playlist}"),
            format!("/api/v1/content/{text}"),
            format!("/api/v1/stores/{store}"),
        ] {
            let (status, body) = env.delete(&owner, &path).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "DELETE {path}: {body}");
            let (status, _) = env.get(&owner, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} is gone");
        }
        let (status, log) = env.get(&owner, "/api/v1/audit").await;
        assert_eq!(status, StatusCode::OK);
        let summaries: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap())
            .collect();
        assert_eq!(summaries[0], "delete store 'Valiasr'");
        assert!(summaries.contains(&"create content 'Welcome'"));
        assert!(summaries.contains(&"first-run setup"));
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .all(|e| e["actor"] == "owner@cafe.test")
        );
    })
    .await;
}

#[tokio::test]
async fn every_problem_is_problem_details_json() {
    each_backend(|env| async move {
        let (status, problem) = env.get(&Auth::None, "/api/v1/stores").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(problem["type"], "unauthenticated");
        assert_eq!(problem["status"], 401);
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (status, problem) = env.get(&owner, "/api/v1/stores/abc").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(problem["type"], "not_found");
        let (status, problem): (StatusCode, Value) =
            env.get(&owner, "/api/v1/content/424242").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(problem["title"], "Not Found");
    })
    .await;
}

/// A rule that would tie with another (same layer, same priority, overlapping times, scopes
/// that meet) is refused by the API as by the pages: 422 on `priority`, naming the other rule,
/// on create and on update, and nothing is stored. Two such rules sent at once: one lands.
#[tokio::test]
async fn a_rule_that_would_tie_is_refused_on_create_update_and_at_once() {
    each_backend(|env| async move {
        let owner = env.setup_owner("Café", "owner@cafe.test").await;
        let (store, _, _, _, layout) = cafe(&env, &owner).await;
        let rule = |name: &str, priority: i64, start: &str, end: &str| {
            json!({"name": name, "target": {"type": "layout", "id": layout},
                   "scope": {"stores": [store]}, "priority": priority,
                   "when": {"window": {"type": "daily", "start": start, "end": end}}})
        };
        let count = async || {
            env.get(&owner, "/api/v1/rules")
                .await
                .1
                .as_array()
                .unwrap()
                .len()
        };
        env.create(
            &owner,
            "/api/v1/rules",
            rule("Breakfast", 5, "07:00", "11:00"),
        )
        .await;

        let (status, problem) = env
            .post(&owner, "/api/v1/rules", rule("Brunch", 5, "10:00", "13:00"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "priority"), ["tie"], "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("“Breakfast”") && message.contains("10:00"),
            "{message}"
        );
        assert_eq!(count().await, 1, "nothing stored");

        // Clear winners are fine: another priority, or times that do not overlap.
        let brunch = env
            .create(&owner, "/api/v1/rules", rule("Brunch", 6, "10:00", "13:00"))
            .await;
        env.create(&owner, "/api/v1/rules", rule("Dinner", 5, "18:00", "22:00"))
            .await;
        // Updating one into a tie is refused too, and leaves it as it was.
        let (status, problem) = env
            .put(
                &owner,
                &format!("/api/v1/rules/{brunch}"),
                rule("Brunch", 5, "10:00", "13:00"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_codes(&problem, "priority"), ["tie"]);
        let (_, stored) = env.get(&owner, &format!("/api/v1/rules/{brunch}")).await;
        assert_eq!(stored["priority"], 6);

        // Two tying rules sent at once: the check runs inside each save, in turn.
        let (a, b) = tokio::join!(
            env.post(
                &owner,
                "/api/v1/rules",
                rule("Lunch A", 7, "12:00", "15:00")
            ),
            env.post(
                &owner,
                "/api/v1/rules",
                rule("Lunch B", 7, "13:00", "16:00")
            ),
        );
        let mut statuses = [a.0.as_u16(), b.0.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "{} / {}", a.1, b.1);
        assert_eq!(count().await, 4);
    })
    .await;
}

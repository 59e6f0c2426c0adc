//! Every change bumps the manifest version of exactly the screens whose manifest it alters:
//! however the content reaches them (store, tag, group, all, default layout), no more, no fewer.

mod common;

use std::collections::BTreeMap;

use common::{Auth, TestEnv, each_backend};
use serde_json::{Value, json};
use vitrin_server::db::sql;

struct World {
    owner: Auth,
    store_a: i64,
    store_b: i64,
    /// name -> screen id
    screens: BTreeMap<&'static str, i64>,
    content: BTreeMap<&'static str, i64>,
    group: i64,
}

impl World {
    async fn versions(&self, env: &TestEnv) -> BTreeMap<&'static str, i64> {
        let mut out = BTreeMap::new();
        for (name, id) in &self.screens {
            out.insert(*name, env.manifest_version(&self.owner, *id).await);
        }
        out
    }

    /// Runs `change` and returns the names of the screens whose version grew (by exactly one).
    async fn bumped_by<F, Fut>(&self, env: &TestEnv, change: F) -> Vec<&'static str>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let before = self.versions(env).await;
        change().await;
        let after = self.versions(env).await;
        before
            .iter()
            .filter_map(|(name, v)| {
                let grown = after[name] - v;
                assert!(grown == 0 || grown == 1, "{name} grew by {grown}");
                (grown == 1).then_some(*name)
            })
            .collect()
    }
}

/// A text item, its playlist and a fullscreen layout; returns (content, layout).
async fn chain(env: &TestEnv, owner: &Auth, name: &str) -> (i64, i64) {
    let content = env.create(owner, "/api/v1/content", text(name, "v1")).await;
    let playlist = env
        .create(
            owner,
            "/api/v1/playlists",
            json!({"name": name, "entries": [{"content": content, "duration_ms": 5000}]}),
        )
        .await;
    let layout = env
        .create(
            owner,
            "/api/v1/layouts",
            json!({"name": name, "template": "fullscreen",
                   "zones": [{"zone": "main", "playlist": playlist}]}),
        )
        .await;
    (content, layout)
}

fn text(name: &str, body: &str) -> Value {
    json!({"name": name, "type": "text", "title": name, "body": body})
}

/// An all-day rule. Each gets a priority of its own: rules that tie are refused, and which
/// screens a rule reaches does not depend on its priority.
fn rule(name: &str, layout: i64, scope: Value) -> Value {
    static PRIORITY: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(1);
    let priority = PRIORITY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    json!({"name": name, "target": {"type": "layout", "id": layout}, "scope": scope,
           "priority": priority, "when": {"window": {"type": "all_day"}}})
}

async fn world(env: &TestEnv) -> World {
    let owner = env.setup_owner("Franchise", "owner@franchise.test").await;
    let store = |name: &str| json!({"name": name, "timezone": "Asia/Tehran"});
    let store_a = env.create(&owner, "/api/v1/stores", store("A")).await;
    let store_b = env.create(&owner, "/api/v1/stores", store("B")).await;
    let mut screens = BTreeMap::new();
    for (name, store, tags) in [
        ("a1", store_a, json!([])),
        ("a2", store_a, json!([])),
        ("b1", store_b, json!(["drive-thru"])),
    ] {
        let id = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": name, "tags": tags}),
            )
            .await;
        screens.insert(name, id);
    }
    let group = env
        .create(
            &owner,
            "/api/v1/groups",
            json!({"name": "G", "screens": [screens["a2"], screens["b1"]]}),
        )
        .await;
    let mut content = BTreeMap::new();
    let (by_store, layout) = chain(env, &owner, "by-store").await;
    env.create(
        &owner,
        "/api/v1/rules",
        rule("by-store", layout, json!({"stores": [store_a]})),
    )
    .await;
    let (by_tag, layout) = chain(env, &owner, "by-tag").await;
    env.create(
        &owner,
        "/api/v1/rules",
        rule("by-tag", layout, json!({"tags": ["drive-thru"]})),
    )
    .await;
    let (by_group, layout) = chain(env, &owner, "by-group").await;
    env.create(
        &owner,
        "/api/v1/rules",
        rule("by-group", layout, json!({"groups": [group]})),
    )
    .await;
    let (unused, _) = chain(env, &owner, "unused").await;
    content.insert("by-store", by_store);
    content.insert("by-tag", by_tag);
    content.insert("by-group", by_group);
    content.insert("unused", unused);
    World {
        owner,
        store_a,
        store_b,
        screens,
        content,
        group,
    }
}

async fn edit(env: &TestEnv, w: &World, name: &'static str, body: &str) {
    let (status, value) = env
        .put(
            &w.owner,
            &format!("/api/v1/content/{}", w.content[name]),
            text(name, body),
        )
        .await;
    assert_eq!(status, 200, "{value}");
}

#[tokio::test]
async fn content_edits_bump_exactly_the_screens_showing_them() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let env = &env;
        let w = &w;
        assert_eq!(
            w.bumped_by(env, || edit(env, w, "by-store", "v2")).await,
            ["a1", "a2"]
        );
        assert_eq!(
            w.bumped_by(env, || edit(env, w, "by-tag", "v2")).await,
            ["b1"]
        );
        assert_eq!(
            w.bumped_by(env, || edit(env, w, "by-group", "v2")).await,
            ["a2", "b1"]
        );
        assert!(
            w.bumped_by(env, || edit(env, w, "unused", "v2"))
                .await
                .is_empty()
        );
        // Saving the same thing again changes no manifest.
        assert!(
            w.bumped_by(env, || edit(env, w, "by-store", "v2"))
                .await
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn fleet_changes_bump_exactly_the_screens_they_touch() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let env = &env;
        let w = &w;
        let owner = &w.owner;

        // A store's timezone reaches only its screens.
        let bumped = w
            .bumped_by(env, || async {
                let (status, _) = env
                    .put(
                        owner,
                        &format!("/api/v1/stores/{}", w.store_b),
                        json!({"name": "B", "timezone": "Europe/Berlin"}),
                    )
                    .await;
                assert_eq!(status, 200);
            })
            .await;
        assert_eq!(bumped, ["b1"]);

        // Leaving a group: only the screen that left.
        let bumped = w
            .bumped_by(env, || async {
                let (status, _) = env
                    .put(
                        owner,
                        &format!("/api/v1/groups/{}", w.group),
                        json!({"name": "G", "screens": [w.screens["a2"]]}),
                    )
                    .await;
                assert_eq!(status, 200);
            })
            .await;
        assert_eq!(bumped, ["b1"]);

        // A new tag on a1 brings the tag's rule to it alone.
        let bumped = w
            .bumped_by(env, || async {
                let (status, body) = env
                    .put(
                        owner,
                        &format!("/api/v1/screens/{}", w.screens["a1"]),
                        json!({"store_id": w.store_a, "name": "a1", "tags": ["drive-thru"]}),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
            })
            .await;
        assert_eq!(bumped, ["a1"]);

        // A franchise-wide rule reaches everyone; deleting it too.
        let (_, layout) = chain(env, owner, "everywhere").await;
        let mut rule_id = 0;
        let bumped = w
            .bumped_by(env, || async {
                rule_id = env
                    .create(
                        owner,
                        "/api/v1/rules",
                        rule("all", layout, json!({"all": true})),
                    )
                    .await;
            })
            .await;
        assert_eq!(bumped, ["a1", "a2", "b1"]);
        let bumped = w
            .bumped_by(env, || async {
                let (status, _) = env.delete(owner, &format!("/api/v1/rules/{rule_id}")).await;
                assert_eq!(status, 204);
            })
            .await;
        assert_eq!(bumped, ["a1", "a2", "b1"]);

        // A default layout belongs to one screen.
        let bumped = w
            .bumped_by(env, || async {
                let (status, _) = env
                    .put(
                        owner,
                        &format!("/api/v1/screens/{}", w.screens["a2"]),
                        json!({"store_id": w.store_a, "name": "a2", "default_layout_id": layout}),
                    )
                    .await;
                assert_eq!(status, 200);
            })
            .await;
        assert_eq!(bumped, ["a2"]);

        // A new screen starts at version 1 and bumps nobody else.
        let bumped = w
            .bumped_by(env, || async {
                let id = env
                    .create(
                        owner,
                        "/api/v1/screens",
                        json!({"store_id": w.store_a, "name": "a3"}),
                    )
                    .await;
                assert_eq!(env.manifest_version(owner, id).await, 1);
            })
            .await;
        assert!(bumped.is_empty());
    })
    .await;
}

/// A franchise-wide change updates the screens' versions 1,000 rows per statement: with more
/// screens than that, every batch (the last one short) must land, each row with its own hash.
#[tokio::test]
async fn a_change_reaching_thousands_of_screens_bumps_every_one_exactly_once() {
    const SCREENS: i64 = 2_345;
    each_backend(|env| async move {
        let owner = env.setup_owner("Franchise", "owner@big.test").await;
        let store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "Every store", "timezone": "Asia/Tehran"}),
            )
            .await;
        let org = sql("SELECT org_id FROM stores WHERE id = $1")
            .bind(store)
            .fetch_i64(&env.state.db)
            .await
            .unwrap();
        // Screens added straight to the table: thousands through the API would take minutes.
        let mut tx = env.state.db.begin().await.unwrap();
        for n in 0..SCREENS {
            sql(
                "INSERT INTO screens (org_id, store_id, name, created_at, updated_at) \
                 VALUES ($1, $2, $3, 0, 0)",
            )
            .bind(org)
            .bind(store)
            .bind(format!("screen {n}"))
            .execute(&mut tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let versions = || async {
            let rows: Vec<(i64, i64, String)> =
                sql("SELECT id, manifest_version, manifest_hash FROM screens \
                 WHERE org_id = $1 ORDER BY id")
                .bind(org)
                .fetch_all(&env.state.db)
                .await
                .unwrap();
            rows
        };

        let (content, layout) = chain(&env, &owner, "everywhere").await;
        env.create(
            &owner,
            "/api/v1/rules",
            rule("everywhere", layout, json!({"stores": [store]})),
        )
        .await;
        let before = versions().await;
        assert_eq!(before.len(), SCREENS as usize);
        assert!(before.iter().all(|(_, _, hash)| !hash.is_empty()));

        let edit = |body: &'static str| {
            let env = &env;
            let owner = &owner;
            async move {
                let path = format!("/api/v1/content/{content}");
                let (status, value) = env.put(owner, &path, text("everywhere", body)).await;
                assert_eq!(status, 200, "{value}");
            }
        };
        edit("v2").await;
        let after = versions().await;
        for ((id, old, old_hash), (_, new, new_hash)) in before.iter().zip(&after) {
            assert_eq!(*new, old + 1, "screen {id}");
            assert_ne!(new_hash, old_hash, "screen {id}");
        }
        // The stored hashes are each screen's own: saving the same text again bumps nothing.
        edit("v2").await;
        assert_eq!(versions().await, after);
        // And the API reports the stored version, for a screen in the last batch too.
        let (last, version, _) = after.last().unwrap();
        assert_eq!(env.manifest_version(&owner, *last).await, *version);
    })
    .await;
}

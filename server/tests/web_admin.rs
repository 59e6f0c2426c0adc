//! The admin pages for groups and tags, API tokens and the audit log, in process, on SQLite
//! and PostgreSQL: an owner does everything end to end (checked through the API), a viewer
//! writes nothing, a store manager touches only their stores' screens, bad input is explained
//! in place with what was typed kept, and the pages render in English and Persian.

mod common;
mod web_support;

use axum::http::StatusCode;
use common::{Auth, PASSWORD, TestEnv, each_backend};
use serde_json::{Value, json};
use web_support::{WebClient, encode};

/// The API credentials of a page client (same session cookie).
fn api_auth(client: &WebClient) -> Auth {
    Auth::Cookie(format!(
        "vitrin_session={}",
        client.cookie("vitrin_session").expect("signed in")
    ))
}

/// An organization with two stores in Tehran's time zone and three screens:
/// `alpha` (store A, tag drive-thru), `bravo` (store A, no tag) and `charlie` (store B, tags
/// drive-thru and menu-wall); a rule "Breakfast" targets the tag drive-thru.
struct World {
    owner: WebClient,
    api: Auth,
    store_a: i64,
    store_b: i64,
    alpha: i64,
    bravo: i64,
    charlie: i64,
    playlist: i64,
    breakfast: i64,
}

async fn world(env: &TestEnv) -> World {
    let owner = WebClient::setup(env, "owner@cafe.ir").await;
    let api = api_auth(&owner);
    let store = |name: &str| json!({"name": name, "timezone": "Asia/Tehran"});
    let store_a = env.create(&api, "/api/v1/stores", store("Tajrish")).await;
    let store_b = env.create(&api, "/api/v1/stores", store("Vanak")).await;
    let screen = |store: i64, name: &str, tags: Value| json!({"store_id": store, "name": name, "tags": tags});
    let alpha = env
        .create(
            &api,
            "/api/v1/screens",
            screen(store_a, "Alpha-screen", json!(["drive-thru"])),
        )
        .await;
    let bravo = env
        .create(
            &api,
            "/api/v1/screens",
            screen(store_a, "Bravo-screen", json!([])),
        )
        .await;
    let charlie = env
        .create(
            &api,
            "/api/v1/screens",
            screen(
                store_b,
                "Charlie-screen",
                json!(["drive-thru", "menu-wall"]),
            ),
        )
        .await;
    let content = env
        .create(
            &api,
            "/api/v1/content",
            json!({"name": "Hello", "type": "text", "title": "Hello", "body": "text"}),
        )
        .await;
    let playlist = env
        .create(
            &api,
            "/api/v1/playlists",
            json!({"name": "Morning", "entries": [{"content": content, "duration_ms": 10000}]}),
        )
        .await;
    let breakfast = env
        .create(
            &api,
            "/api/v1/rules",
            rule("Breakfast", playlist, 10, json!({"tags": ["drive-thru"]})),
        )
        .await;
    World {
        owner,
        api,
        store_a,
        store_b,
        alpha,
        bravo,
        charlie,
        playlist,
        breakfast,
    }
}

/// An all-day rule showing `playlist`; each test rule gets its own priority (ties are refused).
fn rule(name: &str, playlist: i64, priority: i64, scope: Value) -> Value {
    json!({"name": name, "target": {"type": "playlist", "id": playlist}, "scope": scope,
           "priority": priority, "when": {"window": {"type": "all_day"}}})
}

async fn tags_of(env: &TestEnv, auth: &Auth, screen: i64) -> Value {
    let (status, value) = env.get(auth, &format!("/api/v1/screens/{screen}")).await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value["tags"].clone()
}

async fn rule_tags(env: &TestEnv, auth: &Auth, rule: i64) -> Value {
    let (status, value) = env.get(auth, &format!("/api/v1/rules/{rule}")).await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value["scope"]["tags"].clone()
}

/// The names of the rules in a screen's manifest.
async fn manifest_rules(env: &TestEnv, auth: &Auth, screen: i64) -> Vec<String> {
    let (status, value) = env
        .get(auth, &format!("/api/v1/screens/{screen}/manifest"))
        .await;
    assert_eq!(status, StatusCode::OK, "{value}");
    value["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {html}"))
        + start.len();
    let len = html[from..].find(end).expect("the end marker");
    &html[from..from + len]
}

fn assert_status(answer: &web_support::Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.html);
}

#[tokio::test]
async fn an_owner_creates_renames_fills_and_deletes_groups() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let mut owner = w.owner.clone();
        let (alpha, bravo, charlie) = (
            w.alpha.to_string(),
            w.bravo.to_string(),
            w.charlie.to_string(),
        );

        // The screens list links here; the new-group form lists every screen with its store.
        owner
            .get("/screens")
            .await
            .assert_contains("href=\"/groups\"");
        owner
            .get("/groups/new")
            .await
            .assert_contains("Alpha-screen <span class=\"meta\">(Tajrish)</span>")
            .assert_contains("Charlie-screen <span class=\"meta\">(Vanak)</span>");

        let answer = owner
            .post_form(
                "/groups",
                &[
                    ("name", "Drive lanes"),
                    ("screen", &alpha),
                    ("screen", &charlie),
                ],
            )
            .await;
        assert_status(&answer, StatusCode::SEE_OTHER);
        let location = answer.location.clone().unwrap();
        let id: i64 = location.strip_prefix("/groups/").unwrap().parse().unwrap();
        let (_, group) = env.get(&w.api, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(group["name"], "Drive lanes");
        assert_eq!(group["screens"], json!([w.alpha, w.charlie]));
        owner
            .get(&location)
            .await
            .assert_contains("Group “Drive lanes” was created.")
            .assert_contains(&format!("value=\"{alpha}\" checked"))
            .assert_lacks(&format!("value=\"{bravo}\" checked"));

        // Rename and choose other screens.
        owner
            .post_form(&location, &[("name", "Lanes"), ("screen", &bravo)])
            .await
            .assert_redirect(&location);
        let (_, group) = env.get(&w.api, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(group["name"], "Lanes");
        assert_eq!(group["screens"], json!([w.bravo]));

        // The list counts its screens and searches by name (a plain GET form).
        let list = owner.get("/groups").await;
        list.assert_contains(&format!(
            "<a href=\"/groups/{id}\">Lanes</a></td><td>1</td>"
        ))
        .assert_contains("<form method=\"get\" action=\"/groups\"");
        owner
            .get("/groups?q=LAN")
            .await
            .assert_contains(">Lanes</a>");
        owner
            .get("/groups?q=nothing-like-it")
            .await
            .assert_lacks(">Lanes</a>")
            .assert_contains("Nothing matches “nothing-like-it”.");

        // Bad input: the message in place, what was typed kept, nothing saved.
        let answer = owner
            .post_form(&location, &[("name", ""), ("screen", &charlie)])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("a name is required")
            .assert_contains(&format!("value=\"{charlie}\" checked"));
        env.create(&w.api, "/api/v1/groups", json!({"name": "Windows"}))
            .await;
        let answer = owner
            .post_form("/groups", &[("name", "Windows"), ("screen", &alpha)])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("A group with this name exists already.")
            .assert_contains("value=\"Windows\"")
            .assert_contains(&format!("value=\"{alpha}\" checked"));
        let (_, group) = env.get(&w.api, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(group["name"], "Lanes");
        assert_eq!(group["screens"], json!([w.bravo]));

        // A rule targets the group: deleting is refused, naming the rule; all is kept.
        let lunch = env
            .create(
                &w.api,
                "/api/v1/rules",
                rule("Lunch special", w.playlist, 20, json!({"groups": [id]})),
            )
            .await;
        owner
            .post_form(&format!("/groups/{id}/delete"), &[])
            .await
            .assert_redirect(&location);
        owner
            .get(&location)
            .await
            .assert_contains("The group was kept: schedule rules target it (“Lunch special”).");
        let (status, group) = env.get(&w.api, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(group["screens"], json!([w.bravo]));

        // Without the rule it goes.
        let (status, _) = env.delete(&w.api, &format!("/api/v1/rules/{lunch}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        owner
            .post_form(&format!("/groups/{id}/delete"), &[])
            .await
            .assert_redirect("/groups");
        owner
            .get("/groups")
            .await
            .assert_contains("Group “Lanes” was deleted.");
        let (status, _) = env.get(&w.api, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn an_owner_creates_renames_assigns_and_deletes_tags() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let mut owner = w.owner.clone();
        let api = &w.api;
        let (alpha, bravo, charlie) = (
            w.alpha.to_string(),
            w.bravo.to_string(),
            w.charlie.to_string(),
        );

        let list = owner.get("/groups").await;
        list.assert_contains("href=\"/tags/edit?name=drive-thru\"")
            .assert_contains("Alpha-screen, Charlie-screen")
            .assert_contains("href=\"/tags/edit?name=menu-wall\"");

        // Create: a name and its screens.
        owner
            .post_form(
                "/tags",
                &[("name", "window"), ("screen", &alpha), ("screen", &bravo)],
            )
            .await
            .assert_redirect("/tags/edit?name=window");
        assert_eq!(
            tags_of(&env, api, w.alpha).await,
            json!(["drive-thru", "window"])
        );
        assert_eq!(tags_of(&env, api, w.bravo).await, json!(["window"]));
        assert_eq!(
            tags_of(&env, api, w.charlie).await,
            json!(["drive-thru", "menu-wall"])
        );

        // Rename: on every screen and in the rule targeting it; the rule still reaches the
        // same screens, whose manifests changed.
        assert_eq!(manifest_rules(&env, api, w.alpha).await, vec!["Breakfast"]);
        let before = env.manifest_version(api, w.alpha).await;
        owner
            .get("/tags/edit?name=drive-thru")
            .await
            .assert_contains(&format!(
                "<a href=\"/schedule/rules/{}\">Breakfast</a>",
                w.breakfast
            ))
            .assert_contains("name=\"tag\" value=\"drive-thru\"");
        owner
            .post_form(
                "/tags/edit",
                &[
                    ("tag", "drive-thru"),
                    ("name", "drive"),
                    ("screen", &alpha),
                    ("screen", &charlie),
                ],
            )
            .await
            .assert_redirect("/tags/edit?name=drive");
        assert_eq!(
            tags_of(&env, api, w.alpha).await,
            json!(["drive", "window"])
        );
        assert_eq!(
            tags_of(&env, api, w.charlie).await,
            json!(["drive", "menu-wall"])
        );
        assert_eq!(rule_tags(&env, api, w.breakfast).await, json!(["drive"]));
        assert_eq!(manifest_rules(&env, api, w.alpha).await, vec!["Breakfast"]);
        assert_eq!(
            manifest_rules(&env, api, w.charlie).await,
            vec!["Breakfast"]
        );
        assert!(manifest_rules(&env, api, w.bravo).await.is_empty());
        assert!(env.manifest_version(api, w.alpha).await > before);
        owner
            .get("/tags/edit?name=drive")
            .await
            .assert_contains("Tag “drive” was saved.");

        // Assign other screens: the rule follows the tag.
        owner
            .post_form(
                "/tags/edit",
                &[("tag", "drive"), ("name", "drive"), ("screen", &bravo)],
            )
            .await
            .assert_redirect("/tags/edit?name=drive");
        assert_eq!(tags_of(&env, api, w.alpha).await, json!(["window"]));
        assert_eq!(
            tags_of(&env, api, w.bravo).await,
            json!(["drive", "window"])
        );
        assert_eq!(tags_of(&env, api, w.charlie).await, json!(["menu-wall"]));
        assert_eq!(manifest_rules(&env, api, w.bravo).await, vec!["Breakfast"]);
        assert!(manifest_rules(&env, api, w.alpha).await.is_empty());

        // Bad input: each message in place, what was typed kept, nothing changed.
        let answer = owner
            .post_form(
                "/tags/edit",
                &[("tag", "drive"), ("name", ""), ("screen", &charlie)],
            )
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("a tag needs a name")
            .assert_contains(&format!("value=\"{charlie}\" checked"));
        let answer = owner.post_form("/tags", &[("name", "lonely")]).await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("choose at least one screen")
            .assert_contains("value=\"lonely\"");
        let long = "x".repeat(51);
        let answer = owner
            .post_form("/tags", &[("name", &long), ("screen", &alpha)])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("tags have 1 to 50 characters")
            .assert_contains(&format!("value=\"{long}\""));
        let answer = owner
            .post_form(
                "/tags/edit",
                &[("tag", "drive"), ("name", "window"), ("screen", &bravo)],
            )
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer.assert_contains("screens already carry this tag");
        assert_eq!(
            tags_of(&env, api, w.bravo).await,
            json!(["drive", "window"])
        );
        assert_eq!(rule_tags(&env, api, w.breakfast).await, json!(["drive"]));

        // Deleting a tag a rule targets is refused, naming the rule; nothing changes.
        owner
            .post_form("/tags/delete", &[("name", "drive")])
            .await
            .assert_redirect("/tags/edit?name=drive");
        owner
            .get("/tags/edit?name=drive")
            .await
            .assert_contains("The tag was kept: schedule rules target it (“Breakfast”).");
        assert_eq!(
            tags_of(&env, api, w.bravo).await,
            json!(["drive", "window"])
        );

        // A tag no rule targets is taken off its screens.
        owner
            .post_form("/tags/delete", &[("name", "menu-wall")])
            .await
            .assert_redirect("/groups");
        owner
            .get("/groups")
            .await
            .assert_contains("Tag “menu-wall” was removed from its screens.")
            .assert_lacks("name=menu-wall");
        assert_eq!(tags_of(&env, api, w.charlie).await, json!([]));
        assert_eq!(
            owner.get("/tags/edit?name=menu-wall").await.status,
            StatusCode::NOT_FOUND
        );

        // Each change is in the audit log, as a tag.
        let (_, entries) = env.get(api, "/api/v1/audit?object_type=tag").await;
        let summaries: Vec<&str> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap())
            .collect();
        assert_eq!(summaries.len(), 4, "{summaries:?}");
        assert!(
            summaries[0].starts_with("delete tag 'menu-wall'"),
            "{summaries:?}"
        );
        assert!(
            summaries[2].contains("rename tag 'drive-thru' to 'drive'")
                && summaries[2].contains("'Breakfast'"),
            "{summaries:?}"
        );
        assert!(
            summaries[3].starts_with("create tag 'window'"),
            "{summaries:?}"
        );

        // The screens list searches by name, store and tag.
        let found = owner.get("/screens?q=vanak").await;
        found
            .assert_contains("Charlie-screen")
            .assert_lacks("Alpha-screen");
        let found = owner.get("/screens?q=WINDOW").await;
        found
            .assert_contains("Alpha-screen")
            .assert_contains("Bravo-screen")
            .assert_lacks("Charlie-screen");
        let found = owner.get("/screens?q=bravo").await;
        found
            .assert_contains("Bravo-screen")
            .assert_lacks("Alpha-screen");
        owner
            .get("/screens?q=zzz")
            .await
            .assert_contains("No screen matches “zzz”.")
            .assert_contains("value=\"zzz\"");
    })
    .await;
}

#[tokio::test]
async fn a_store_manager_tags_only_the_screens_of_their_stores() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let api = &w.api;
        env.add_user(api, "manager@cafe.ir", "store_manager", &[w.store_a])
            .await;
        let mut manager = WebClient::login(&env, "manager@cafe.ir").await;
        let (alpha, charlie) = (w.alpha.to_string(), w.charlie.to_string());
        let group = env
            .create(
                api,
                "/api/v1/groups",
                json!({"name": "All lanes", "screens": [w.alpha, w.charlie]}),
            )
            .await;

        // Only their stores' screens and tags are in sight; groups are read-only.
        let list = manager.get("/groups").await;
        list.assert_contains("href=\"/tags/edit?name=drive-thru\"")
            .assert_lacks("menu-wall")
            .assert_lacks("Charlie-screen")
            .assert_lacks("href=\"/groups/new\"")
            .assert_contains("href=\"/tags/new\"")
            // One of the group's two screens is theirs.
            .assert_contains(&format!(
                "<a href=\"/groups/{group}\">All lanes</a></td><td>1</td>"
            ));
        assert_eq!(
            manager.get("/tags/edit?name=menu-wall").await.status,
            StatusCode::NOT_FOUND
        );
        manager
            .get("/tags/new")
            .await
            .assert_contains("Alpha-screen")
            .assert_lacks("Charlie-screen");

        // Another store's screen: 404, nothing changed.
        let answer = manager
            .post_form("/tags", &[("name", "sneaky"), ("screen", &charlie)])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let answer = manager
            .post_form(
                "/tags/edit",
                &[
                    ("tag", "drive-thru"),
                    ("name", "drive-thru"),
                    ("screen", &alpha),
                    ("screen", &charlie),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(
            tags_of(&env, api, w.charlie).await,
            json!(["drive-thru", "menu-wall"])
        );
        assert_eq!(tags_of(&env, api, w.alpha).await, json!(["drive-thru"]));

        // Renaming a tag that a rule targets reaches every store: refused, naming the rule.
        let answer = manager
            .post_form(
                "/tags/edit",
                &[("tag", "drive-thru"), ("name", "lane"), ("screen", &alpha)],
            )
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("Schedule rules target this tag (“Breakfast”)")
            .assert_contains("value=\"lane\"");
        assert_eq!(tags_of(&env, api, w.alpha).await, json!(["drive-thru"]));
        assert_eq!(
            rule_tags(&env, api, w.breakfast).await,
            json!(["drive-thru"])
        );

        // Their own screens they tag, and untag, freely; other stores' screens keep the tag.
        manager
            .post_form("/tags", &[("name", "counter"), ("screen", &alpha)])
            .await
            .assert_redirect("/tags/edit?name=counter");
        assert_eq!(
            tags_of(&env, api, w.alpha).await,
            json!(["counter", "drive-thru"])
        );
        manager
            .post_form(
                "/tags/edit",
                &[("tag", "counter"), ("name", "front"), ("screen", &alpha)],
            )
            .await
            .assert_redirect("/tags/edit?name=front");
        assert_eq!(
            tags_of(&env, api, w.alpha).await,
            json!(["drive-thru", "front"])
        );
        let (status, _) = env
            .put(
                api,
                &format!("/api/v1/screens/{}", w.charlie),
                json!({"store_id": w.store_b, "name": "Charlie-screen",
                       "tags": ["front", "menu-wall"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        manager
            .post_form("/tags/delete", &[("name", "front")])
            .await
            .assert_redirect("/groups");
        assert_eq!(tags_of(&env, api, w.alpha).await, json!(["drive-thru"]));
        assert_eq!(
            tags_of(&env, api, w.charlie).await,
            json!(["front", "menu-wall"])
        );

        // Groups are an owner's: 403, nothing changed.
        let answer = manager
            .post_form("/groups", &[("name", "Mine"), ("screen", &alpha)])
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        answer.assert_contains("does not allow");
        let answer = manager
            .post_form(
                &format!("/groups/{group}"),
                &[("name", "Mine"), ("screen", &alpha)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        let (_, groups) = env.get(api, "/api/v1/groups").await;
        assert_eq!(groups.as_array().unwrap().len(), 1);
        assert_eq!(groups[0]["name"], "All lanes");
    })
    .await;
}

#[tokio::test]
async fn a_viewer_reads_but_changes_no_group_tag_or_log() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let api = &w.api;
        let group = env
            .create(
                api,
                "/api/v1/groups",
                json!({"name": "Lanes", "screens": [w.alpha]}),
            )
            .await;
        env.add_user(api, "viewer@cafe.ir", "viewer", &[]).await;
        let mut viewer = WebClient::login(&env, "viewer@cafe.ir").await;
        let alpha = w.alpha.to_string();

        viewer
            .get("/groups")
            .await
            .assert_contains(">Lanes</a>")
            .assert_lacks("href=\"/groups/new\"")
            .assert_lacks("href=\"/tags/new\"");
        viewer
            .get(&format!("/groups/{group}"))
            .await
            .assert_contains("Only owners change groups.")
            .assert_lacks(&format!("action=\"/groups/{group}"));
        viewer
            .get("/tags/edit?name=drive-thru")
            .await
            .assert_contains("Owners and store managers change tags.")
            .assert_lacks("action=\"/tags/delete\"");

        let (group_path, delete_path) = (
            format!("/groups/{group}"),
            format!("/groups/{group}/delete"),
        );
        let writes: [(&str, Vec<(&str, &str)>); 6] = [
            ("/groups", vec![("name", "Mine"), ("screen", &alpha)]),
            (&group_path, vec![("name", "Renamed")]),
            (&delete_path, vec![]),
            ("/tags", vec![("name", "mine"), ("screen", &alpha)]),
            (
                "/tags/edit",
                vec![("tag", "drive-thru"), ("name", "x"), ("screen", &alpha)],
            ),
            ("/tags/delete", vec![("name", "menu-wall")]),
        ];
        for (path, fields) in &writes {
            let answer = viewer.post_form(path, fields).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "POST {path}: {}",
                answer.html
            );
            answer.assert_contains("Your role (viewer) does not allow this action.");
        }
        assert_eq!(
            viewer.get("/groups/new").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(viewer.get("/tags/new").await.status, StatusCode::FORBIDDEN);
        let (_, g) = env.get(api, &format!("/api/v1/groups/{group}")).await;
        assert_eq!(g["name"], "Lanes");
        assert_eq!(g["screens"], json!([w.alpha]));
        assert_eq!(tags_of(&env, api, w.alpha).await, json!(["drive-thru"]));
        assert_eq!(
            tags_of(&env, api, w.charlie).await,
            json!(["drive-thru", "menu-wall"])
        );

        // The audit log is an owner's.
        let answer = viewer.get("/audit").await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        answer.assert_lacks("Alpha-screen");
    })
    .await;
}

/// Creates a token through the page; returns the secret shown once.
async fn create_token(client: &mut WebClient, name: &str, role: &str) -> String {
    let answer = client
        .post_form("/account/tokens", &[("name", name), ("role", role)])
        .await;
    assert_status(&answer, StatusCode::OK);
    answer.assert_contains(&format!("Token “{name}” was created."));
    let secret = between(
        &answer.html,
        "id=\"new-token\" type=\"text\" readonly dir=\"ltr\" value=\"",
        "\"",
    );
    assert!(secret.starts_with("vt_"), "{secret}");
    secret.to_owned()
}

#[tokio::test]
async fn tokens_are_shown_once_act_with_their_role_and_can_be_revoked() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let mut owner = w.owner.clone();
        let api = &w.api;
        owner
            .get("/account")
            .await
            .assert_contains("href=\"/account/tokens\"");
        owner
            .get("/account/tokens")
            .await
            .assert_contains("No tokens yet.")
            .assert_contains("<option value=\"viewer\">viewer</option>")
            .assert_contains("same as yours (owner)");

        // A viewer-scoped token reads and is refused writes.
        let pos = create_token(&mut owner, "POS", "viewer").await;
        let token = Auth::Bearer(pos.clone());
        let (status, screens) = env.get(&token, "/api/v1/screens").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(screens.as_array().unwrap().len(), 3);
        let (status, _) = env
            .post(
                &token,
                "/api/v1/stores",
                json!({"name": "Nope", "timezone": "UTC"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env.get(&token, "/api/v1/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nor can it mint a token above itself: one made with it, role left open, is a
        // viewer's too, and asking for more is refused.
        let (status, minted) = env
            .post(&token, "/api/v1/tokens", json!({"name": "Escalate"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{minted}");
        assert_eq!(minted["role"], "viewer");
        let minted_id = minted["id"].as_i64().unwrap();
        let minted = Auth::Bearer(minted["secret"].as_str().unwrap().to_owned());
        let (status, _) = env.get(&minted, "/api/v1/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env
            .delete(&token, &format!("/api/v1/tokens/{minted_id}"))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = env
            .post(
                &token,
                "/api/v1/tokens",
                json!({"name": "Owner", "role": "owner"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Without a role the token acts as its owner; a store-manager token manages stores'
        // screens but not users.
        let sync = Auth::Bearer(create_token(&mut owner, "Sync", "").await);
        let (status, _) = env
            .post(
                &sync,
                "/api/v1/stores",
                json!({"name": "Saadat", "timezone": "UTC"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let ops = Auth::Bearer(create_token(&mut owner, "Ops", "store_manager").await);
        let (status, _) = env
            .post(
                &ops,
                "/api/v1/screens",
                json!({"store_id": w.store_a, "name": "Delta-screen"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = env.get(&ops, "/api/v1/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The list shows label, role, created and last used, and never a secret again.
        let list = owner.get("/account/tokens").await;
        list.assert_contains("<td dir=\"auto\">POS</td>\n    <td>viewer</td>")
            .assert_contains("<td dir=\"auto\">Sync</td>\n    <td>same as yours (owner)</td>")
            .assert_contains("<td>store manager</td>")
            .assert_lacks(&pos)
            .assert_lacks("vt_")
            .assert_lacks("id=\"new-token\"");
        let (_, tokens) = env.get(api, "/api/v1/tokens").await;
        let by_name = |name: &str| {
            tokens
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(by_name("POS")["role"], "viewer");
        assert_eq!(by_name("Sync")["role"], Value::Null);
        assert!(by_name("POS")["last_used_at"].is_i64());

        // Bad input: messages in place, typed values kept, no token made.
        let answer = owner
            .post_form("/account/tokens", &[("name", "Sync"), ("role", "viewer")])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("You already have a token with this label.")
            .assert_contains("value=\"Sync\"")
            .assert_contains("<option value=\"viewer\" selected>");
        let answer = owner
            .post_form("/account/tokens", &[("name", ""), ("role", "editor")])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("name the integration")
            .assert_contains("<option value=\"editor\" selected>");
        let (_, tokens) = env.get(api, "/api/v1/tokens").await;
        assert_eq!(tokens.as_array().unwrap().len(), 3);

        // Revoked: the token no longer opens anything.
        let id = by_name("POS")["id"].as_i64().unwrap();
        owner
            .post_form(&format!("/account/tokens/{id}/revoke"), &[])
            .await
            .assert_redirect("/account/tokens");
        owner
            .get("/account/tokens")
            .await
            .assert_contains("Token “POS” was revoked");
        let (status, _) = env.get(&token, "/api/v1/screens").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // Another user's token is not theirs to revoke.
        let other = env.add_user(api, "second@cafe.ir", "owner", &[]).await;
        let (_, created) = env
            .post(
                &other,
                "/api/v1/tokens",
                json!({"name": "Theirs", "role": "owner"}),
            )
            .await;
        let theirs = created["id"].as_i64().unwrap();
        let answer = owner
            .post_form(&format!("/account/tokens/{theirs}/revoke"), &[])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let theirs_token = Auth::Bearer(created["secret"].as_str().unwrap().to_owned());
        assert_eq!(
            env.get(&theirs_token, "/api/v1/users").await.0,
            StatusCode::OK
        );

        // A token never acts above its user's current role: demoted, the owner-scoped token
        // of that user becomes a viewer's.
        let (_, me) = env.get(&other, "/api/v1/me").await;
        let (status, _) = env
            .put(
                api,
                &format!("/api/v1/users/{}", me["id"]),
                json!({"email": "second@cafe.ir", "name": "Second", "role": "viewer"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            env.get(&theirs_token, "/api/v1/users").await.0,
            StatusCode::FORBIDDEN
        );
        let (status, me) = env.get(&theirs_token, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["role"], "viewer");

        // The API refuses a role above the user's on the field `role`.
        let viewer = env.login("second@cafe.ir", PASSWORD).await;
        let (status, problem) = env
            .post(
                &viewer,
                "/api/v1/tokens",
                json!({"name": "Up", "role": "editor"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(common::field_codes(&problem, "role"), vec!["above_user"]);
    })
    .await;
}

#[tokio::test]
async fn a_store_manager_cannot_make_a_token_above_their_role() {
    each_backend(|env| async move {
        let w = world(&env).await;
        env.add_user(&w.api, "manager@cafe.ir", "store_manager", &[w.store_a])
            .await;
        let mut manager = WebClient::login(&env, "manager@cafe.ir").await;
        let form = manager.get("/account/tokens").await;
        form.assert_contains("<option value=\"store_manager\">")
            .assert_contains("<option value=\"viewer\">")
            .assert_lacks("<option value=\"owner\"")
            .assert_lacks("<option value=\"editor\"");
        for role in ["owner", "editor"] {
            let answer = manager
                .post_form("/account/tokens", &[("name", "Till"), ("role", role)])
                .await;
            assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
            answer
                .assert_contains("A token cannot have a role above yours (store manager).")
                .assert_contains("value=\"Till\"")
                .assert_contains(&format!("<option value=\"{role}\" selected>"));
        }
        let (_, tokens) = env.get(&api_auth(&manager), "/api/v1/tokens").await;
        assert_eq!(tokens, json!([]));
        // In Persian, with the role's Persian name.
        manager.accept_language = Some("fa".into());
        let answer = manager
            .post_form("/account/tokens", &[("name", "Till"), ("role", "owner")])
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("dir=\"rtl\"")
            .assert_contains("توکن نمی‌تواند نقشی بالاتر از نقش شما (مدیر فروشگاه) داشته باشد.");

        // Their own role works, inside their stores only.
        manager.accept_language = None;
        let secret = create_token(&mut manager, "Till", "store_manager").await;
        let token = Auth::Bearer(secret);
        let (_, screens) = env.get(&token, "/api/v1/screens").await;
        let names: Vec<&str> = screens
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Alpha-screen", "Bravo-screen"]);
        let (status, _) = env
            .get(&token, &format!("/api/v1/screens/{}", w.charlie))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// 2025-06-10 01:30 in Tehran (UTC+03:30), still 2025-06-09 in UTC: 1404/03/20.
const JUNE_10_TEHRAN_MS: i64 = 1_749_506_400_000;

#[tokio::test]
async fn the_audit_log_filters_by_user_object_and_dates_and_pages_back() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let mut owner = w.owner.clone();
        let api = &w.api;
        owner.get("/users").await.assert_contains("href=\"/audit\"");
        let second = env.add_user(api, "second@cafe.ir", "owner", &[]).await;
        let (_, me2) = env.get(&second, "/api/v1/me").await;
        let second_id = me2["id"].as_i64().unwrap();
        let group = env
            .create(
                &second,
                "/api/v1/groups",
                json!({"name": "Lanes", "screens": [w.alpha]}),
            )
            .await;
        // One entry moved to a known day, near midnight in Tehran.
        let (_, entries) = env.get(api, "/api/v1/audit?object_type=rule").await;
        let rule_entry = entries[0]["id"].as_i64().unwrap();
        vitrin_server::db::sql("UPDATE audit_log SET at = $1 WHERE id = $2")
            .bind(JUNE_10_TEHRAN_MS)
            .bind(rule_entry)
            .execute(&env.state.db)
            .await
            .unwrap();

        // The whole log, with links to the objects that have a page.
        let page = owner.get("/audit").await;
        assert_status(&page, StatusCode::OK);
        page.assert_contains(&format!(
            "Screen group <a href=\"/groups/{group}\">#{group}</a>"
        ))
        .assert_contains(&format!(
            "Screen <a href=\"/screens/{}\">#{}</a>",
            w.alpha, w.alpha
        ))
        .assert_contains(&format!(
            "Schedule rule <a href=\"/schedule/rules/{}\">#{}</a>",
            w.breakfast, w.breakfast
        ))
        .assert_contains("2025-06-10 01:30")
        .assert_contains("save group &#39;Lanes&#39;");

        // By user.
        let (_, by_second) = env
            .get(api, &format!("/api/v1/audit?user_id={second_id}"))
            .await;
        let by_second = by_second.as_array().unwrap();
        assert_eq!(by_second.len(), 1);
        assert_eq!(by_second[0]["object_type"], "group");
        let page = owner.get(&format!("/audit?user={second_id}")).await;
        page.assert_contains("save group &#39;Lanes&#39;")
            .assert_lacks("create screen")
            .assert_contains(&format!("<option value=\"{second_id}\" selected>"));

        // By object kind and id.
        let (_, screens) = env.get(api, "/api/v1/audit?object_type=screen").await;
        let screens = screens.as_array().unwrap();
        assert_eq!(screens.len(), 3);
        assert!(screens.iter().all(|e| e["object_type"] == "screen"));
        let (_, one) = env
            .get(
                api,
                &format!("/api/v1/audit?object_type=screen&object_id={}", w.bravo),
            )
            .await;
        assert_eq!(one.as_array().unwrap().len(), 1);
        assert_eq!(one[0]["summary"], "create screen 'Bravo-screen'");
        let page = owner
            .get(&format!("/audit?type=screen&id={}", w.bravo))
            .await;
        page.assert_contains("create screen &#39;Bravo-screen&#39;")
            .assert_lacks("Alpha-screen")
            .assert_lacks("save group");

        // By dates, in the organization's time zone, typed in either calendar.
        for (from, to) in [
            ("1404/03/20", "1404/03/20"),
            ("۱۴۰۴/۰۳/۲۰", "۱۴۰۴-۰۳-۲۰"),
            ("2025-06-10", "2025-06-10"),
        ] {
            let page = owner
                .get(&format!("/audit?from={}&to={}", encode(from), encode(to)))
                .await;
            assert_status(&page, StatusCode::OK);
            page.assert_contains("create rule &#39;Breakfast&#39;")
                .assert_lacks("create screen")
                .assert_contains(&format!("value=\"{from}\""));
        }
        let page = owner.get("/audit?from=2025-06-11&to=2025-06-30").await;
        page.assert_contains("No entries match.")
            .assert_lacks("Breakfast");
        // The API takes the bounds in milliseconds: `to` is exclusive.
        let (_, hit) = env
            .get(
                api,
                &format!(
                    "/api/v1/audit?from={JUNE_10_TEHRAN_MS}&to={}",
                    JUNE_10_TEHRAN_MS + 1
                ),
            )
            .await;
        assert_eq!(hit.as_array().unwrap().len(), 1);
        let (_, miss) = env
            .get(
                api,
                &format!(
                    "/api/v1/audit?from={}&to={JUNE_10_TEHRAN_MS}",
                    JUNE_10_TEHRAN_MS - 10
                ),
            )
            .await;
        assert_eq!(miss, json!([]));

        // Bad filters: each explained in place, typed values kept, no entries shown.
        let page = owner
            .get("/audit?from=1405/13/40&to=2026-12-03&id=abc")
            .await;
        assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("Not a date. Write it like 1405/09/12 or 2026-12-03.")
            .assert_contains("value=\"1405/13/40\"")
            .assert_contains("Type a whole number above zero, or leave it empty.")
            .assert_contains("value=\"abc\"")
            .assert_lacks("<table class=\"audit\">");
        let page = owner.get("/audit?from=2026-12-05&to=2026-12-03").await;
        assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("The end date is before the start date.");
        let page = owner.get("/audit?type=spaceship").await;
        assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("Choose a kind of object from the list.");
        owner.accept_language = Some("fa".into());
        let page = owner.get("/audit?from=1405/13/40").await;
        assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("dir=\"rtl\"")
            .assert_contains("این تاریخ نیست. آن را مانند ۱۴۰۵/۰۹/۱۲ یا 2026-12-03 بنویسید.")
            .assert_contains("value=\"1405/13/40\"");
        // In Persian the dates are Solar Hijri, in Persian digits.
        owner
            .get("/audit")
            .await
            .assert_contains("گزارش تغییرات")
            .assert_contains("۱۴۰۴/۰۳/۲۰ ۰۱:۳۰");
        owner.accept_language = None;

        // Paging: 50 a page, then an "older" link that keeps the filters.
        let mut tx = env.state.db.begin().await.unwrap();
        let (_, me) = env.get(api, "/api/v1/me").await;
        for i in 0..60 {
            vitrin_server::db::sql(
                "INSERT INTO audit_log (org_id, user_id, actor, action, object_type, object_id, \
                 summary, at) VALUES ($1, NULL, 'script', 'update', 'store', $2, $3, $4)",
            )
            .bind(me["organization_id"].as_i64().unwrap())
            .bind(w.store_a)
            .bind(format!("bulk entry {i:02}"))
            .bind(1_800_000_000_000_i64 + i)
            .execute(&mut tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let first = owner.get("/audit?type=store").await;
        first
            .assert_contains("bulk entry 59")
            .assert_contains("bulk entry 10")
            .assert_lacks("bulk entry 09");
        let end = first
            .html
            .find("\" rel=\"next\"")
            .expect("an older-entries link");
        let start = first.html[..end].rfind("href=\"").unwrap() + "href=\"".len();
        let older = first.html[start..end].replace("&#38;", "&");
        assert!(older.starts_with("/audit?type=store&before="), "{older}");
        let second_page = owner.get(&older).await;
        second_page
            .assert_contains("bulk entry 09")
            .assert_contains("bulk entry 00")
            .assert_lacks("bulk entry 10")
            // The stores created at the start are older still, and stores too.
            .assert_contains("create store &#39;Tajrish&#39;")
            .assert_lacks("rel=\"next\"");
    })
    .await;
}

#[tokio::test]
async fn the_pages_render_in_persian_and_english() {
    each_backend(|env| async move {
        let w = world(&env).await;
        let mut owner = w.owner.clone();
        let group = env
            .create(
                &w.api,
                "/api/v1/groups",
                json!({"name": "Lanes", "screens": [w.alpha]}),
            )
            .await;
        let group_path = format!("/groups/{group}");
        let pages = [
            ("/groups", "Groups and tags", "گروه‌ها و برچسب‌ها"),
            ("/groups/new", "New group", "گروه تازه"),
            (
                group_path.as_str(),
                "Screens in the group",
                "نمایشگرهای گروه",
            ),
            ("/tags/new", "New tag", "برچسب تازه"),
            (
                "/tags/edit?name=drive-thru",
                "Schedule rules targeting it",
                "قاعده‌های زمان‌بندی هدف‌گیرنده",
            ),
            ("/account/tokens", "API tokens", "توکن‌های API"),
            ("/audit", "Audit log", "گزارش تغییرات"),
            (
                "/screens",
                "Search by name, store or tag",
                "جست‌وجو با نام، فروشگاه یا برچسب",
            ),
        ];
        for (path, en, fa) in pages {
            owner.accept_language = None;
            let page = owner.get(path).await;
            assert_status(&page, StatusCode::OK);
            page.assert_contains("dir=\"ltr\"").assert_contains(en);
            owner.accept_language = Some("fa".into());
            let page = owner.get(path).await;
            assert_status(&page, StatusCode::OK);
            page.assert_contains("lang=\"fa\" dir=\"rtl\"")
                .assert_contains(fa)
                .assert_lacks(en);
        }
        // Form errors in Persian keep what was typed.
        let answer = owner
            .post_form(
                "/tags",
                &[("name", "   "), ("screen", &w.alpha.to_string())],
            )
            .await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("این خانه الزامی است.")
            .assert_contains(&format!("value=\"{}\" checked", w.alpha));
        let answer = owner.post_form("/groups", &[("name", "Lanes")]).await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        answer
            .assert_contains("گروهی با این نام از پیش هست.")
            .assert_contains("value=\"Lanes\"");
        // Persian digits in the counts.
        owner.get("/groups").await.assert_contains(&format!(
            "<a href=\"/groups/{group}\">Lanes</a></td><td>۱</td>"
        ));
    })
    .await;
}

//! Tenancy and roles across the whole JSON API, as one table: every endpoint × every role
//! (owner, store manager, editor, viewer, anonymous) × a target in the caller's own store, in
//! another store of the same organization, and in another organization, each with the exact
//! status the permission model prescribes. Every denied write is checked to have changed
//! nothing; every allowed one to have done what it said.
//!
//! The permission model under test:
//! - owner: everything in the organization (users, groups, stores, franchise-wide rules);
//! - store manager: only their own stores and those stores' screens (other stores and screens
//!   of the same organization answer 404 and are never listed); content, playlists, layouts
//!   and rules as long as no screen outside their stores is affected (else 403); rule scopes
//!   with `all`, `groups`, `tags` or stores/screens not theirs are 403; rules (emergencies
//!   included) that reach none of their stores are invisible like other stores (404, unlisted);
//! - editor: content, playlists, layouts and rules anywhere in the organization; reads stores,
//!   screens and groups; writing stores, screens, groups or users is 403;
//! - viewer: reads everything but users and the audit log; every write is 403;
//! - users and the audit log: owners only (403 for the others); `/me` and tokens: everyone;
//! - another organization's objects: 404 for every role and method, never listed;
//! - anonymous: 401 everywhere but `GET/POST /setup` and `POST /auth/login`.
//!
//! Screens' devices follow store visibility: pairing, unpairing and sending commands are for
//! those who manage the screen's store (owner; store manager in their stores; 403 for editor
//! and viewer), reading commands and screenshots for everyone who sees the screen. Emergency
//! messages are for owners anywhere and store managers inside their stores (403 otherwise,
//! editors and viewers included).
//!
//! A last test covers the player API's side: a device token acts for its own screen only, and
//! device tokens and user credentials never stand in for one another.

mod common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Auth, PASSWORD, TestEnv, device_token, each_backend};
use serde_json::{Value, json};
use tower::ServiceExt;
use vitrin_server::db::sql;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Owner,
    StoreManager,
    Editor,
    Viewer,
    Anonymous,
}

/// The table's columns, in order.
const ROLES: [Role; 5] = [
    Role::Owner,
    Role::StoreManager,
    Role::Editor,
    Role::Viewer,
    Role::Anonymous,
];

fn email(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner@a.test",
        Role::StoreManager => "manager@a.test",
        Role::Editor => "editor@a.test",
        Role::Viewer => "viewer@a.test",
        Role::Anonymous => "",
    }
}

const SHA_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SHA_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// Organization A (the callers' own) and organization B (a foreign tenant).
///
/// A: stores S1 and S2 with one screen each; screen 1 shows layout L1 → playlist P1 → C1,
/// screen 2 shows L2 → P2 → C2; rule R1 (scope S1, L1), rule R2 (scope S2, L2); a group with
/// both screens; one media item. Users: the owner, a store manager of S1, an editor, a viewer
/// and a second owner. B: one of each kind of object and a user besides its owner. Every
/// screen is paired and has sent a screenshot.
struct World {
    owner: Auth,
    manager: Auth,
    editor: Auth,
    viewer: Auth,
    owner2: Auth,
    owner_b: Auth,
    owner2_id: i64,
    s1: i64,
    s2: i64,
    screen1: i64,
    screen2: i64,
    group: i64,
    c1: i64,
    c2: i64,
    p1: i64,
    l1: i64,
    l2: i64,
    r1: i64,
    r2: i64,
    media: i64,
    b_store: i64,
    b_screen: i64,
    b_group: i64,
    b_user: i64,
    b_content: i64,
    b_playlist: i64,
    b_layout: i64,
    b_rule: i64,
    b_media: i64,
    /// A menu board of A shown nowhere (per-store prices), and one of B.
    menu: i64,
    b_menu: i64,
}

impl World {
    fn auth(&self, role: Role) -> Auth {
        match role {
            Role::Owner => self.owner.clone(),
            Role::StoreManager => self.manager.clone(),
            Role::Editor => self.editor.clone(),
            Role::Viewer => self.viewer.clone(),
            Role::Anonymous => Auth::None,
        }
    }
}

fn text_json(name: &str) -> Value {
    json!({"name": name, "type": "text", "title": name, "body": "text"})
}

fn menu_json(name: &str) -> Value {
    json!({"name": name, "type": "menu_board",
           "menu": {"title": name, "categories": [{"name": "Tea", "items": [{"name": "Tea", "price": 10}]}]}})
}

fn playlist_json(name: &str, content: i64) -> Value {
    json!({"name": name, "entries": [{"content": content, "duration_ms": 10000}]})
}

fn layout_json(name: &str, playlist: i64) -> Value {
    json!({"name": name, "template": "fullscreen",
           "zones": [{"zone": "main", "playlist": playlist}]})
}

/// An all-day rule. Each gets a priority of its own, so that none ties with another (a tie is
/// refused whatever the role, which is not what these cases are about).
fn rule_json(name: &str, target: Value, scope: Value) -> Value {
    static PRIORITY: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(1);
    let priority = PRIORITY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    json!({"name": name, "target": target, "scope": scope, "priority": priority,
           "when": {"window": {"type": "all_day"}}})
}

fn layout_target(layout: i64) -> Value {
    json!({"type": "layout", "id": layout})
}

async fn me_json(env: &TestEnv, auth: &Auth) -> Value {
    let (status, me) = env.get(auth, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    me
}

/// A media row without an upload: the matrix only reads media.
async fn insert_media(env: &TestEnv, org: i64, sha256: &str) -> i64 {
    let mut tx = env.state.db.begin().await.unwrap();
    sql("INSERT INTO blobs (sha256, size, mime, created_at) VALUES ($1, 10, 'image/png', 0)")
        .bind(sha256)
        .execute(&mut tx)
        .await
        .unwrap();
    let id = sql(
        "INSERT INTO media (org_id, sha256, name, kind, mime, size, width, height, created_at) \
         VALUES ($1, $2, 'pic.png', 'image', 'image/png', 10, 4, 4, 0) RETURNING id",
    )
    .bind(org)
    .bind(sha256)
    .fetch_i64(&mut tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A small PNG, as a player's screenshot.
fn png() -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// Pairs the screen (directly, as pairing would) and sends a screenshot as its player.
async fn put_screenshot(env: &TestEnv, screen: i64) {
    let token = device_token(env, screen).await;
    let request = Request::builder()
        .method(Method::PUT)
        .uri("/api/player/v1/screenshot")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(png()))
        .unwrap();
    let response = env.app.clone().oneshot(request).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "screenshot of {screen}"
    );
}

async fn build_world(env: &TestEnv) -> World {
    let owner = env.setup_owner("Org A", email(Role::Owner)).await;
    let o = &owner;
    let store = |name: &str| json!({"name": name, "timezone": "Asia/Tehran"});
    let s1 = env.create(o, "/api/v1/stores", store("Store 1")).await;
    let s2 = env.create(o, "/api/v1/stores", store("Store 2")).await;
    let c1 = env.create(o, "/api/v1/content", text_json("C1")).await;
    let c2 = env.create(o, "/api/v1/content", text_json("C2")).await;
    let p1 = env
        .create(o, "/api/v1/playlists", playlist_json("P1", c1))
        .await;
    let p2 = env
        .create(o, "/api/v1/playlists", playlist_json("P2", c2))
        .await;
    let l1 = env
        .create(o, "/api/v1/layouts", layout_json("L1", p1))
        .await;
    let l2 = env
        .create(o, "/api/v1/layouts", layout_json("L2", p2))
        .await;
    let screen = |store: i64, name: &str, layout: i64| json!({"store_id": store, "name": name, "default_layout_id": layout});
    let screen1 = env
        .create(o, "/api/v1/screens", screen(s1, "Screen 1", l1))
        .await;
    let screen2 = env
        .create(o, "/api/v1/screens", screen(s2, "Screen 2", l2))
        .await;
    let group = env
        .create(
            o,
            "/api/v1/groups",
            json!({"name": "Both", "screens": [screen1, screen2]}),
        )
        .await;
    let r1 = env
        .create(
            o,
            "/api/v1/rules",
            rule_json("R1", layout_target(l1), json!({"stores": [s1]})),
        )
        .await;
    let r2 = env
        .create(
            o,
            "/api/v1/rules",
            rule_json("R2", layout_target(l2), json!({"stores": [s2]})),
        )
        .await;
    let org_a = me_json(env, o).await["organization_id"].as_i64().unwrap();
    let media = insert_media(env, org_a, SHA_A).await;

    let manager = env
        .add_user(o, email(Role::StoreManager), "store_manager", &[s1])
        .await;
    let editor = env.add_user(o, email(Role::Editor), "editor", &[]).await;
    let viewer = env.add_user(o, email(Role::Viewer), "viewer", &[]).await;
    let owner2 = env.add_user(o, "owner2@a.test", "owner", &[]).await;
    let owner2_id = me_json(env, &owner2).await["id"].as_i64().unwrap();

    let owner_b = env.add_org("Org B", "owner@b.test").await;
    let b = &owner_b;
    let b_store = env.create(b, "/api/v1/stores", store("Store B")).await;
    let b_content = env.create(b, "/api/v1/content", text_json("CB")).await;
    let b_playlist = env
        .create(b, "/api/v1/playlists", playlist_json("PB", b_content))
        .await;
    let b_layout = env
        .create(b, "/api/v1/layouts", layout_json("LB", b_playlist))
        .await;
    let b_screen = env
        .create(b, "/api/v1/screens", screen(b_store, "Screen B", b_layout))
        .await;
    let b_group = env
        .create(
            b,
            "/api/v1/groups",
            json!({"name": "Group B", "screens": [b_screen]}),
        )
        .await;
    let b_rule = env
        .create(
            b,
            "/api/v1/rules",
            rule_json("RB", layout_target(b_layout), json!({"all": true})),
        )
        .await;
    let b_user = env
        .create(
            b,
            "/api/v1/users",
            json!({"email": "editor@b.test", "name": "Editor B", "role": "editor",
                   "password": PASSWORD}),
        )
        .await;
    let org_b = me_json(env, b).await["organization_id"].as_i64().unwrap();
    let b_media = insert_media(env, org_b, SHA_B).await;
    let menu = env.create(o, "/api/v1/content", menu_json("M1")).await;
    let b_menu = env.create(b, "/api/v1/content", menu_json("MB")).await;
    for screen in [screen1, screen2, b_screen] {
        put_screenshot(env, screen).await;
    }

    World {
        owner,
        manager,
        editor,
        viewer,
        owner2,
        owner_b,
        owner2_id,
        s1,
        s2,
        screen1,
        screen2,
        group,
        c1,
        c2,
        p1,
        l1,
        l2,
        r1,
        r2,
        media,
        b_store,
        b_screen,
        b_group,
        b_user,
        b_content,
        b_playlist,
        b_layout,
        b_rule,
        b_media,
        menu,
        b_menu,
    }
}

// ---------------------------------------------------------------------------------------------
// Targets: what a case operates on. Everything but `Fixed` is created afresh for the one case
// (by the owner of the organization it belongs to) and removed after it, so cases never
// interfere and allowed deletions always have something of their own to delete.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Org {
    A,
    B,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Store1,
    Store2,
    OrgB,
}

/// Which screens show a fresh library document (through a rule of that scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Nowhere,
    Store1,
    Store2,
    Everywhere,
    /// A document of organization B.
    OrgB,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Doc {
    Content,
    Playlist,
    Layout,
    Rule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenOf {
    /// The caller's own (the owner's, for the anonymous caller).
    Caller,
    /// The second owner's: same organization, another user.
    Owner2,
    OwnerB,
}

#[derive(Clone, Copy)]
enum Fx {
    /// A collection path: no id.
    Bare,
    /// An object of the world.
    Fixed(fn(&World) -> i64),
    /// A fresh, empty store.
    Store(Org),
    Screen(Place),
    /// A fresh group (of both screens in A, of B's screen in B).
    Group(Org),
    /// A fresh editor, `case<n>@a.test` or `case<n>@b.test`.
    User(Org),
    /// A fresh document; for `Rule` the scope, for the others a rule showing them there.
    Lib(Doc, Shown),
    Token(TokenOf),
    /// A fresh session of the caller (for logout), sent instead of the usual one.
    Session,
    /// A fresh screen with a device token, as its paired player holds.
    Paired(Place),
    /// A fresh pairing code, asked for as an unpaired player does, which takes the place of
    /// the body's `code`; with a place, also a fresh paired screen there to claim it for.
    Pairing(Option<Place>),
    /// A fresh emergency message (its rule's id), published by the owner of its organization
    /// to the screens it names (`OrgB`: one of organization B reaching none of its screens).
    Emergency(Shown),
}

/// A request body built for one case: (world, target id, case number).
type BodyFn = fn(&World, i64, u64) -> Value;

struct Row {
    method: Method,
    path: &'static str,
    target: &'static str,
    fx: Fx,
    body: Option<BodyFn>,
    /// Owner, store manager, editor, viewer, anonymous.
    expect: [u16; 5],
}

struct Prepared {
    id: i64,
    auth: Option<Auth>,
    /// A fresh pairing code for the body.
    code: Option<String>,
    /// DELETEs undoing the fixture, in creation order.
    cleanup: Vec<(Auth, String)>,
}

async fn make(
    env: &TestEnv,
    auth: &Auth,
    collection: &str,
    body: Value,
    cleanup: &mut Vec<(Auth, String)>,
) -> i64 {
    let id = env.create(auth, collection, body).await;
    cleanup.push((auth.clone(), format!("{collection}/{id}")));
    id
}

fn user_email(org: Org, n: u64) -> String {
    match org {
        Org::A => format!("case{n}@a.test"),
        Org::B => format!("case{n}@b.test"),
    }
}

async fn prepare(env: &TestEnv, w: &World, fx: Fx, role: Role, n: u64) -> Prepared {
    let owner_of = |org: Org| match org {
        Org::A => &w.owner,
        Org::B => &w.owner_b,
    };
    let mut p = Prepared {
        id: 0,
        auth: None,
        code: None,
        cleanup: Vec::new(),
    };
    let c = &mut p.cleanup;
    p.id = match fx {
        Fx::Bare => 0,
        Fx::Fixed(f) => f(w),
        Fx::Store(org) => {
            let body = json!({"name": format!("case{n} store"), "timezone": "UTC"});
            make(env, owner_of(org), "/api/v1/stores", body, c).await
        }
        Fx::Screen(place) => fresh_screen(env, w, place, n, c).await,
        Fx::Paired(place) => paired_screen(env, w, place, n, c).await,
        Fx::Pairing(place) => {
            p.code = Some(pairing_code(env).await);
            match place {
                Some(place) => paired_screen(env, w, place, n, c).await,
                None => 0,
            }
        }
        Fx::Emergency(shown) => fresh_emergency(env, w, shown, n, c).await,
        Fx::Group(org) => {
            let screens = match org {
                Org::A => vec![w.screen1, w.screen2],
                Org::B => vec![w.b_screen],
            };
            let body = json!({"name": format!("case{n} group"), "screens": screens});
            make(env, owner_of(org), "/api/v1/groups", body, c).await
        }
        Fx::User(org) => {
            let body = json!({"email": user_email(org, n), "name": "Fresh", "role": "editor",
                              "password": PASSWORD});
            make(env, owner_of(org), "/api/v1/users", body, c).await
        }
        Fx::Lib(doc, shown) => fresh_doc(env, w, doc, shown, n, c).await,
        Fx::Token(of) => {
            let auth = match of {
                TokenOf::Caller if role == Role::Anonymous => w.owner.clone(),
                TokenOf::Caller => w.auth(role),
                TokenOf::Owner2 => w.owner2.clone(),
                TokenOf::OwnerB => w.owner_b.clone(),
            };
            let body = json!({"name": format!("case{n}")});
            make(env, &auth, "/api/v1/tokens", body, c).await
        }
        Fx::Session => {
            if role != Role::Anonymous {
                p.auth = Some(env.login(email(role), PASSWORD).await);
            }
            0
        }
    };
    p
}

async fn fresh_screen(
    env: &TestEnv,
    w: &World,
    place: Place,
    n: u64,
    c: &mut Vec<(Auth, String)>,
) -> i64 {
    let (owner, store) = match place {
        Place::Store1 => (&w.owner, w.s1),
        Place::Store2 => (&w.owner, w.s2),
        Place::OrgB => (&w.owner_b, w.b_store),
    };
    let body = json!({"store_id": store, "name": format!("case{n} screen")});
    make(env, owner, "/api/v1/screens", body, c).await
}

async fn paired_screen(
    env: &TestEnv,
    w: &World,
    place: Place,
    n: u64,
    c: &mut Vec<(Auth, String)>,
) -> i64 {
    let screen = fresh_screen(env, w, place, n, c).await;
    device_token(env, screen).await;
    screen
}

/// A code from `POST /api/player/v1/pair`. In-process requests have no client address, so
/// they all count against one rate-limit key: its count is forgotten first.
async fn pairing_code(env: &TestEnv) -> String {
    sql("DELETE FROM pairing_requests")
        .execute(&env.state.db)
        .await
        .unwrap();
    let (status, started) = env
        .call(&Auth::None, Method::POST, "/api/player/v1/pair", None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    started["code"].as_str().unwrap().to_owned()
}

/// Which screens a rule of a fresh document or emergency reaches.
fn scope_of(w: &World, shown: Shown) -> Value {
    match shown {
        Shown::Store1 => json!({"stores": [w.s1]}),
        Shown::Store2 => json!({"stores": [w.s2]}),
        Shown::Everywhere => json!({"all": true}),
        Shown::Nowhere | Shown::OrgB => json!({}),
    }
}

/// Publishes an emergency; its content and playlist are queued for removal besides the
/// emergency itself, in case the case deletes only its rule.
async fn fresh_emergency(
    env: &TestEnv,
    w: &World,
    shown: Shown,
    n: u64,
    c: &mut Vec<(Auth, String)>,
) -> i64 {
    let owner = if shown == Shown::OrgB {
        &w.owner_b
    } else {
        &w.owner
    };
    let body = json!({"text": format!("case{n}"), "scope": scope_of(w, shown)});
    let (status, published) = env.post(owner, "/api/v1/emergencies", body).await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    let rule = published["rule_id"].as_i64().unwrap();
    let (_, doc) = env.get(owner, &format!("/api/v1/rules/{rule}")).await;
    let playlist = doc["target"]["id"].as_i64().unwrap();
    let (_, list) = env
        .get(owner, &format!("/api/v1/playlists/{playlist}"))
        .await;
    let content = list["entries"][0]["content"].as_i64().unwrap();
    c.push((owner.clone(), format!("/api/v1/content/{content}")));
    c.push((owner.clone(), format!("/api/v1/playlists/{playlist}")));
    c.push((owner.clone(), format!("/api/v1/emergencies/{rule}")));
    rule
}

/// A fresh document and, when it is to be shown somewhere, what it takes to show it there:
/// content → playlist → (layout) → rule of the given scope.
async fn fresh_doc(
    env: &TestEnv,
    w: &World,
    doc: Doc,
    shown: Shown,
    n: u64,
    c: &mut Vec<(Auth, String)>,
) -> i64 {
    let owner = if shown == Shown::OrgB {
        &w.owner_b
    } else {
        &w.owner
    };
    let scope = scope_of(w, shown);
    let name = format!("case{n}");
    if doc == Doc::Rule {
        let layout = if shown == Shown::OrgB {
            w.b_layout
        } else {
            w.l1
        };
        let body = rule_json(&name, layout_target(layout), scope);
        return make(env, owner, "/api/v1/rules", body, c).await;
    }
    let on_screen = matches!(shown, Shown::Store1 | Shown::Store2 | Shown::Everywhere);
    let content = make(env, owner, "/api/v1/content", text_json(&name), c).await;
    if doc == Doc::Content && !on_screen {
        return content;
    }
    let playlist = make(
        env,
        owner,
        "/api/v1/playlists",
        playlist_json(&name, content),
        c,
    )
    .await;
    let layout = if doc == Doc::Layout {
        Some(
            make(
                env,
                owner,
                "/api/v1/layouts",
                layout_json(&name, playlist),
                c,
            )
            .await,
        )
    } else {
        None
    };
    if on_screen {
        let target = match layout {
            Some(layout) => layout_target(layout),
            None => json!({"type": "playlist", "id": playlist}),
        };
        make(
            env,
            owner,
            "/api/v1/rules",
            rule_json(&name, target, scope),
            c,
        )
        .await;
    }
    match doc {
        Doc::Content => content,
        Doc::Playlist => playlist,
        _ => layout.unwrap(),
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies: all valid, so that authorization alone decides (except the few rows that
// point at another organization's objects on purpose, marked "→ org B's …").

fn setup_body(_: &World, _: i64, n: u64) -> Value {
    json!({"organization": "Intruder", "name": "X", "email": format!("case{n}@setup.test"),
           "password": PASSWORD})
}
fn login_viewer(_: &World, _: i64, _: u64) -> Value {
    json!({"email": email(Role::Viewer), "password": PASSWORD})
}
fn new_token(_: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n}")})
}
fn new_user(_: &World, _: i64, n: u64) -> Value {
    json!({"email": format!("case{n}@new.test"), "name": "New", "role": "viewer",
           "password": PASSWORD})
}
fn new_manager_of_b(w: &World, _: i64, n: u64) -> Value {
    json!({"email": format!("case{n}@new.test"), "name": "New", "role": "store_manager",
           "stores": [w.b_store], "password": PASSWORD})
}
fn edit_user_a(_: &World, _: i64, n: u64) -> Value {
    json!({"email": user_email(Org::A, n), "name": "Renamed", "role": "editor"})
}
fn edit_user_b(_: &World, _: i64, n: u64) -> Value {
    json!({"email": user_email(Org::B, n), "name": "Renamed", "role": "editor"})
}
fn new_store(_: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} store"), "timezone": "UTC"})
}
/// Stores keep their names; the address shows whether an update landed.
fn edit_store(name: &str, n: u64) -> Value {
    json!({"name": name, "address": format!("case{n}"), "timezone": "Asia/Tehran"})
}
/// A store's own price for the menu's Tea, told apart per case.
fn tea_price(_: &World, _: i64, n: u64) -> Value {
    json!({"overrides": [{"item": "Tea", "price": n}]})
}
/// Hours and dayparts as the organization's (or the store's) again.
/// A brand kit whose accent tells the cases apart.
fn a_kit(_: &World, _: i64, n: u64) -> Value {
    json!({"background": "#101820", "text": "#ffffff", "accent": format!("#ff{:04x}", n % 0x10000)})
}
/// A code nobody has, typed at the target store's counter.
fn unknown_code(_: &World, store: i64, _: u64) -> Value {
    json!({"store_id": store, "code": "ZZZZ-ZZZZ"})
}
fn a_program(_: &World, _: i64, n: u64) -> Value {
    json!({"every_nth": 2 + (n % 40) as i64, "reward": "a free coffee"})
}
fn no_hours(_: &World, _: i64, _: u64) -> Value {
    json!({"hours": null, "dayparts": null})
}
fn edit_s1(_: &World, _: i64, n: u64) -> Value {
    edit_store("Store 1", n)
}
fn edit_s2(_: &World, _: i64, n: u64) -> Value {
    edit_store("Store 2", n)
}
fn edit_sb(_: &World, _: i64, n: u64) -> Value {
    edit_store("Store B", n)
}
fn new_screen_s1(w: &World, _: i64, n: u64) -> Value {
    json!({"store_id": w.s1, "name": format!("case{n} screen")})
}
fn new_screen_s2(w: &World, _: i64, n: u64) -> Value {
    json!({"store_id": w.s2, "name": format!("case{n} screen")})
}
fn new_screen_b(w: &World, _: i64, n: u64) -> Value {
    json!({"store_id": w.b_store, "name": format!("case{n} screen")})
}
/// Screens keep their names and layouts; the heartbeat shows whether an update landed.
fn edit_screen(store: i64, name: &str, layout: i64, n: u64) -> Value {
    json!({"store_id": store, "name": name, "default_layout_id": layout,
           "heartbeat_secs": 10 + (n % 3000) as i64})
}
fn edit_screen1(w: &World, _: i64, n: u64) -> Value {
    edit_screen(w.s1, "Screen 1", w.l1, n)
}
fn edit_screen2(w: &World, _: i64, n: u64) -> Value {
    edit_screen(w.s2, "Screen 2", w.l2, n)
}
fn edit_screen_b(w: &World, _: i64, n: u64) -> Value {
    edit_screen(w.b_store, "Screen B", w.b_layout, n)
}
fn move_screen_to_s2(w: &World, _: i64, n: u64) -> Value {
    json!({"store_id": w.s2, "name": format!("case{n} moved")})
}
fn new_group(w: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} group"), "screens": [w.screen1, w.screen2]})
}
fn new_group_of_b(w: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} group"), "screens": [w.b_screen]})
}
fn edit_group(w: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} renamed"), "screens": [w.screen1]})
}
fn new_text(_: &World, _: i64, n: u64) -> Value {
    text_json(&format!("case{n} text"))
}
fn new_image_own(_: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} image"), "type": "image", "media": {"sha256": SHA_A}})
}
fn new_image_of_b(_: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} image"), "type": "image", "media": {"sha256": SHA_B}})
}
fn edit_text(_: &World, _: i64, n: u64) -> Value {
    json!({"name": format!("case{n} renamed"), "type": "text", "title": "Changed",
           "body": "changed"})
}
fn new_playlist(w: &World, _: i64, n: u64) -> Value {
    playlist_json(&format!("case{n} playlist"), w.c1)
}
fn new_playlist_of_b(w: &World, _: i64, n: u64) -> Value {
    playlist_json(&format!("case{n} playlist"), w.b_content)
}
fn edit_playlist(w: &World, _: i64, n: u64) -> Value {
    playlist_json(&format!("case{n} renamed"), w.c1)
}
fn new_layout(w: &World, _: i64, n: u64) -> Value {
    layout_json(&format!("case{n} layout"), w.p1)
}
fn new_layout_of_b(w: &World, _: i64, n: u64) -> Value {
    layout_json(&format!("case{n} layout"), w.b_playlist)
}
fn edit_layout(w: &World, _: i64, n: u64) -> Value {
    layout_json(&format!("case{n} renamed"), w.p1)
}
fn rule_scoped(w: &World, n: u64, scope: Value) -> Value {
    rule_json(&format!("case{n} rule"), layout_target(w.l1), scope)
}
fn rule_s1(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"stores": [w.s1]}))
}
fn rule_s2(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"stores": [w.s2]}))
}
fn rule_screen1(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"screens": [w.screen1]}))
}
fn rule_screen2(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"screens": [w.screen2]}))
}
fn rule_all(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"all": true}))
}
fn rule_group(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"groups": [w.group]}))
}
fn rule_tag(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"tags": ["menu-wall"]}))
}
fn rule_store_of_b(w: &World, _: i64, n: u64) -> Value {
    rule_scoped(w, n, json!({"stores": [w.b_store]}))
}
fn rule_layout_of_b(w: &World, _: i64, n: u64) -> Value {
    rule_json(
        &format!("case{n} rule"),
        layout_target(w.b_layout),
        json!({"stores": [w.s1]}),
    )
}

/// An emergency-kind rule through the plain rules API.
fn emergency_rule_s1(w: &World, _: i64, n: u64) -> Value {
    let mut rule = rule_s1(w, 0, n);
    rule["kind"] = json!({"type": "emergency"});
    rule
}
/// Pairing bodies: the case's fresh code replaces `code` (see `Fx::Pairing`).
fn pair_screen(_: &World, screen: i64, _: u64) -> Value {
    json!({"code": "", "screen_id": screen})
}
fn pair_new_screen(store: i64, n: u64) -> Value {
    json!({"code": "", "screen": {"store_id": store, "name": format!("case{n} screen")}})
}
fn pair_new_s1(w: &World, _: i64, n: u64) -> Value {
    pair_new_screen(w.s1, n)
}
fn pair_new_s2(w: &World, _: i64, n: u64) -> Value {
    pair_new_screen(w.s2, n)
}
fn pair_new_b(w: &World, _: i64, n: u64) -> Value {
    pair_new_screen(w.b_store, n)
}
/// Zeros are not in the pairing alphabet: no player was ever shown this code.
fn pair_unknown_code(w: &World, _: i64, n: u64) -> Value {
    let mut body = pair_new_screen(w.s1, n);
    body["code"] = json!("000000");
    body
}
fn identify(_: &World, _: i64, _: u64) -> Value {
    json!({"command": "identify"})
}
fn emergency(scope: Value, n: u64) -> Value {
    json!({"text": format!("case{n}"), "scope": scope, "until": "2099-01-01T00:00:00Z"})
}
fn emergency_s1(w: &World, _: i64, n: u64) -> Value {
    emergency(json!({"stores": [w.s1]}), n)
}
fn emergency_s2(w: &World, _: i64, n: u64) -> Value {
    emergency(json!({"stores": [w.s2]}), n)
}
fn emergency_all(_: &World, _: i64, n: u64) -> Value {
    emergency(json!({"all": true}), n)
}
fn emergency_group(w: &World, _: i64, n: u64) -> Value {
    emergency(json!({"groups": [w.group]}), n)
}
fn emergency_store_of_b(w: &World, _: i64, n: u64) -> Value {
    emergency(json!({"stores": [w.b_store]}), n)
}
fn emergency_image_of_b(w: &World, _: i64, n: u64) -> Value {
    let mut body = emergency(json!({"stores": [w.s1]}), n);
    body["image_sha256"] = json!(SHA_B);
    body
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;
const NO_BODY: Option<BodyFn> = None;

fn row(
    method: Method,
    path: &'static str,
    target: &'static str,
    fx: Fx,
    body: Option<BodyFn>,
    expect: [u16; 5],
) -> Row {
    Row {
        method,
        path,
        target,
        fx,
        body,
        expect,
    }
}

fn b(f: BodyFn) -> Option<BodyFn> {
    Some(f)
}

/// The expected status of every endpoint for every role. One row per endpoint and target.
#[rustfmt::skip]
fn matrix() -> Vec<Row> {
    use Fx::*;
    vec![
        //  method   path                                target                               fixture                                body                       owner  s_mgr  editor viewer anon
        // --- first run and sessions
        row(GET,     "/api/v1/setup",                    "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   200]),
        row(POST,    "/api/v1/setup",                    "server already set up",             Bare,                                  b(setup_body),            [409,   409,   409,   409,   409]),
        row(POST,    "/api/v1/auth/login",               "the viewer's credentials",          Bare,                                  b(login_viewer),          [200,   200,   200,   200,   200]),
        row(POST,    "/api/v1/auth/logout",              "a fresh session of the caller",     Session,                               NO_BODY,                  [204,   204,   204,   204,   401]),
        row(GET,     "/api/v1/me",                       "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        // --- API tokens: per user
        row(GET,     "/api/v1/tokens",                   "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(POST,    "/api/v1/tokens",                   "-",                                 Bare,                                  b(new_token),             [201,   201,   201,   201,   401]),
        row(DELETE,  "/api/v1/tokens/{id}",              "the caller's own token",            Token(TokenOf::Caller),                NO_BODY,                  [204,   204,   204,   204,   401]),
        row(DELETE,  "/api/v1/tokens/{id}",              "another user's token (same org)",   Token(TokenOf::Owner2),                NO_BODY,                  [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/tokens/{id}",              "org B owner's token",               Token(TokenOf::OwnerB),                NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- users and the audit log: owners only
        row(GET,     "/api/v1/users",                    "-",                                 Bare,                                  NO_BODY,                  [200,   403,   403,   403,   401]),
        row(GET,     "/api/v1/users/{id}",               "the second owner",                  Fixed(|w| w.owner2_id),                NO_BODY,                  [200,   403,   403,   403,   401]),
        // Another organization's objects are 404 to every role, users included: never 403.
        row(GET,     "/api/v1/users/{id}",               "org B's user",                      Fixed(|w| w.b_user),                   NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/users",                    "new viewer",                        Bare,                                  b(new_user),              [201,   403,   403,   403,   401]),
        row(POST,    "/api/v1/users",                    "manager → org B's store",           Bare,                                  b(new_manager_of_b),      [422,   403,   403,   403,   401]),
        row(PUT,     "/api/v1/users/{id}",               "fresh org A user",                  User(Org::A),                          b(edit_user_a),           [200,   403,   403,   403,   401]),
        row(PUT,     "/api/v1/users/{id}",               "fresh org B user",                  User(Org::B),                          b(edit_user_b),           [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/users/{id}",               "fresh org A user",                  User(Org::A),                          NO_BODY,                  [204,   403,   403,   403,   401]),
        row(DELETE,  "/api/v1/users/{id}",               "fresh org B user",                  User(Org::B),                          NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/audit",                    "-",                                 Bare,                                  NO_BODY,                  [200,   403,   403,   403,   401]),
        // --- stores
        row(GET,     "/api/v1/stores",                   "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}",              "S1 (the manager's)",                Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}",              "S2 (another store)",                Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}",              "org B's store",                     Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/stores",                   "-",                                 Bare,                                  b(new_store),             [201,   403,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}",              "S1",                                Fixed(|w| w.s1),                       b(edit_s1),               [200,   200,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}",              "S2",                                Fixed(|w| w.s2),                       b(edit_s2),               [200,   404,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}",              "org B's store",                     Fixed(|w| w.b_store),                  b(edit_sb),               [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/stores/{id}",              "S1 (still has a screen)",           Fixed(|w| w.s1),                       NO_BODY,                  [409,   403,   403,   403,   401]),
        row(DELETE,  "/api/v1/stores/{id}",              "fresh empty org A store",           Store(Org::A),                         NO_BODY,                  [204,   404,   403,   403,   401]),
        row(DELETE,  "/api/v1/stores/{id}",              "fresh org B store",                 Store(Org::B),                         NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- opening hours: the organization's (owners write), a store's (who manages it)
        row(GET,     "/api/v1/hours",                    "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(PUT,     "/api/v1/hours",                    "-",                                 Bare,                                  b(no_hours),              [200,   403,   403,   403,   401]),
        row(GET,     "/api/v1/holidays?year=1405",       "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/hours",        "S1 (the manager's)",                Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/hours",        "S2 (another store)",                Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/hours",        "org B's store",                     Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(PUT,     "/api/v1/stores/{id}/hours",        "S1",                                Fixed(|w| w.s1),                       b(no_hours),              [200,   200,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/hours",        "S2",                                Fixed(|w| w.s2),                       b(no_hours),              [200,   404,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/hours",        "org B's store",                     Fixed(|w| w.b_store),                  b(no_hours),              [404,   404,   404,   404,   401]),
        // --- brand kits: the organization's (owners write), a store's (who manages it)
        row(GET,     "/api/v1/brand",                    "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(PUT,     "/api/v1/brand",                    "-",                                 Bare,                                  b(a_kit),                 [200,   403,   403,   403,   401]),
        row(GET,     "/api/v1/stores/{id}/brand",        "S1 (the manager's)",                Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/brand",        "S2 (another store)",                Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/brand",        "org B's store",                     Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(PUT,     "/api/v1/stores/{id}/brand",        "S1",                                Fixed(|w| w.s1),                       b(a_kit),                 [200,   200,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/brand",        "S2",                                Fixed(|w| w.s2),                       b(a_kit),                 [200,   404,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/brand",        "org B's store",                     Fixed(|w| w.b_store),                  b(a_kit),                 [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/stores/{id}/brand",        "S1",                                Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   403,   403,   401]),
        row(DELETE,  "/api/v1/stores/{id}/brand",        "S2",                                Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   403,   403,   401]),
        row(DELETE,  "/api/v1/stores/{id}/brand",        "org B's store",                     Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        // The brand page's preview: the first menu (a sample without one), or a menu by id.
        row(GET,     "/api/v1/brand/preview/{id}",       "0: the first menu or a sample",     Fixed(|_| 0),                          NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/brand/preview/{id}",       "C1 (not a menu)",                   Fixed(|w| w.c1),                       NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/brand/preview/{id}",       "org B's content",                   Fixed(|w| w.b_content),                NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- a store's own prices of a menu: read by all who see the store, set by who manages it
        row(GET,     "/api/v1/stores/{id}/prices/{menu}", "S1, menu M1",                      Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/prices/{menu}", "S2, menu M1",                      Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/stores/{id}/prices/{menu}", "org B's store, menu M1",           Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/stores/{id}/prices/{b_menu}", "S1, org B's menu",               Fixed(|w| w.s1),                       NO_BODY,                  [404,   404,   404,   404,   401]),
        row(PUT,     "/api/v1/stores/{id}/prices/{menu}", "S1, menu M1",                      Fixed(|w| w.s1),                       b(tea_price),             [200,   200,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/prices/{menu}", "S2, menu M1",                      Fixed(|w| w.s2),                       b(tea_price),             [200,   404,   403,   403,   401]),
        row(PUT,     "/api/v1/stores/{id}/prices/{menu}", "org B's store, menu M1",           Fixed(|w| w.b_store),                  b(tea_price),             [404,   404,   404,   404,   401]),
        row(PUT,     "/api/v1/stores/{id}/prices/{b_menu}", "S1, org B's menu",               Fixed(|w| w.s1),                       b(tea_price),             [404,   404,   404,   404,   401]),
        // --- after the scan: the feedback inbox (by store visibility), the loyalty programme
        // (owners write), the counter (everyone who sees the store but viewers; a code nobody
        // has is 422 once the store and role are allowed)
        row(GET,     "/api/v1/feedback",                 "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/feedback?store={id}",      "S1 (the manager's)",                Fixed(|w| w.s1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/feedback?store={id}",      "S2 (another store)",                Fixed(|w| w.s2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/feedback?store={id}",      "org B's store",                     Fixed(|w| w.b_store),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(PUT,     "/api/v1/loyalty",                  "-",                                 Bare,                                  b(a_program),             [200,   403,   403,   403,   401]),
        row(GET,     "/api/v1/loyalty",                  "after the owner set it",            Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(POST,    "/api/v1/counter",                  "S1",                                Fixed(|w| w.s1),                       b(unknown_code),          [422,   422,   422,   403,   401]),
        row(POST,    "/api/v1/counter",                  "S2",                                Fixed(|w| w.s2),                       b(unknown_code),          [422,   404,   422,   403,   401]),
        row(POST,    "/api/v1/counter",                  "org B's store",                     Fixed(|w| w.b_store),                  b(unknown_code),          [404,   404,   404,   404,   401]),
        // --- a menu as CSV (imports are tested in menu_csv.rs: their body is no JSON)
        row(GET,     "/api/v1/content/{id}/menu.csv",    "menu M1",                           Fixed(|w| w.menu),                     NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}/menu.csv",    "org B's menu",                      Fixed(|w| w.b_menu),                   NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- screens
        row(GET,     "/api/v1/screens",                  "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}",             "screen 1 (in S1)",                  Fixed(|w| w.screen1),                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}",             "screen 2 (in S2)",                  Fixed(|w| w.screen2),                  NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}",             "org B's screen",                    Fixed(|w| w.b_screen),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/screens/{id}/manifest",    "screen 1",                          Fixed(|w| w.screen1),                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/manifest",    "screen 2",                          Fixed(|w| w.screen2),                  NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/manifest",    "org B's screen",                    Fixed(|w| w.b_screen),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/screens",                  "into S1",                           Bare,                                  b(new_screen_s1),         [201,   201,   403,   403,   401]),
        row(POST,    "/api/v1/screens",                  "into S2",                           Bare,                                  b(new_screen_s2),         [201,   422,   403,   403,   401]),
        // Editors and viewers may not create screens at all: 403 whatever the body holds.
        row(POST,    "/api/v1/screens",                  "into org B's store",                Bare,                                  b(new_screen_b),          [422,   422,   403,   403,   401]),
        row(PUT,     "/api/v1/screens/{id}",             "screen 1",                          Fixed(|w| w.screen1),                  b(edit_screen1),          [200,   200,   403,   403,   401]),
        row(PUT,     "/api/v1/screens/{id}",             "screen 2",                          Fixed(|w| w.screen2),                  b(edit_screen2),          [200,   404,   403,   403,   401]),
        row(PUT,     "/api/v1/screens/{id}",             "fresh S1 screen, moved to S2",      Screen(Place::Store1),                 b(move_screen_to_s2),     [200,   422,   403,   403,   401]),
        row(PUT,     "/api/v1/screens/{id}",             "org B's screen",                    Fixed(|w| w.b_screen),                 b(edit_screen_b),         [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/screens/{id}",             "fresh screen in S1",                Screen(Place::Store1),                 NO_BODY,                  [204,   204,   403,   403,   401]),
        row(DELETE,  "/api/v1/screens/{id}",             "fresh screen in S2",                Screen(Place::Store2),                 NO_BODY,                  [204,   404,   403,   403,   401]),
        row(DELETE,  "/api/v1/screens/{id}",             "fresh screen in org B",             Screen(Place::OrgB),                   NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- screens' devices: pairing, unpairing, commands, screenshots
        row(POST,    "/api/v1/screens/pair",             "code → fresh paired S1 screen",     Pairing(Some(Place::Store1)),          b(pair_screen),           [200,   200,   403,   403,   401]),
        row(POST,    "/api/v1/screens/pair",             "code → fresh paired S2 screen",     Pairing(Some(Place::Store2)),          b(pair_screen),           [200,   404,   403,   403,   401]),
        row(POST,    "/api/v1/screens/pair",             "code → fresh org B screen",         Pairing(Some(Place::OrgB)),            b(pair_screen),           [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/screens/pair",             "code → new screen in S1",           Pairing(None),                         b(pair_new_s1),           [200,   200,   403,   403,   401]),
        row(POST,    "/api/v1/screens/pair",             "code → new screen in S2",           Pairing(None),                         b(pair_new_s2),           [200,   422,   403,   403,   401]),
        row(POST,    "/api/v1/screens/pair",             "code → new screen, org B's store",  Pairing(None),                         b(pair_new_b),            [422,   422,   403,   403,   401]),
        // A code nobody was shown is 404 to everyone signed in, before any role check.
        row(POST,    "/api/v1/screens/pair",             "unknown code",                      Bare,                                  b(pair_unknown_code),     [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/screens/{id}/unpair",      "fresh paired S1 screen",            Paired(Place::Store1),                 NO_BODY,                  [204,   204,   403,   403,   401]),
        row(POST,    "/api/v1/screens/{id}/unpair",      "fresh paired S2 screen",            Paired(Place::Store2),                 NO_BODY,                  [204,   404,   403,   403,   401]),
        row(POST,    "/api/v1/screens/{id}/unpair",      "fresh paired org B screen",         Paired(Place::OrgB),                   NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/screens/{id}/commands",    "screen 1",                          Fixed(|w| w.screen1),                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/commands",    "screen 2",                          Fixed(|w| w.screen2),                  NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/commands",    "org B's screen",                    Fixed(|w| w.b_screen),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/screens/{id}/commands",    "fresh screen in S1",                Screen(Place::Store1),                 b(identify),              [201,   201,   403,   403,   401]),
        row(POST,    "/api/v1/screens/{id}/commands",    "fresh screen in S2",                Screen(Place::Store2),                 b(identify),              [201,   404,   403,   403,   401]),
        row(POST,    "/api/v1/screens/{id}/commands",    "fresh screen in org B",             Screen(Place::OrgB),                   b(identify),              [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/screens/{id}/screenshot",  "screen 1",                          Fixed(|w| w.screen1),                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/screenshot",  "screen 2",                          Fixed(|w| w.screen2),                  NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/screens/{id}/screenshot",  "org B's screen",                    Fixed(|w| w.b_screen),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/screens/{id}/screenshot",  "fresh S1 screen, none sent",        Screen(Place::Store1),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- groups: span stores, so only owners change them
        row(GET,     "/api/v1/groups",                   "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/groups/{id}",              "group of both screens",             Fixed(|w| w.group),                    NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/groups/{id}",              "org B's group",                     Fixed(|w| w.b_group),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/groups",                   "of both screens",                   Bare,                                  b(new_group),             [201,   403,   403,   403,   401]),
        row(POST,    "/api/v1/groups",                   "→ org B's screen",                  Bare,                                  b(new_group_of_b),        [422,   403,   403,   403,   401]),
        row(PUT,     "/api/v1/groups/{id}",              "fresh org A group",                 Group(Org::A),                         b(edit_group),            [200,   403,   403,   403,   401]),
        row(PUT,     "/api/v1/groups/{id}",              "org B's group",                     Fixed(|w| w.b_group),                  b(edit_group),            [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/groups/{id}",              "fresh org A group",                 Group(Org::A),                         NO_BODY,                  [204,   403,   403,   403,   401]),
        row(DELETE,  "/api/v1/groups/{id}",              "fresh org B group",                 Group(Org::B),                         NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- media (reads only here; uploads are multipart)
        row(GET,     "/api/v1/media",                    "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/media/{id}",               "org A's picture",                   Fixed(|w| w.media),                    NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/media/{id}",               "org B's picture",                   Fixed(|w| w.b_media),                  NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- content
        row(GET,     "/api/v1/content",                  "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}",             "C1",                                Fixed(|w| w.c1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}",             "C2 (shown in S2)",                  Fixed(|w| w.c2),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}",             "org B's content",                   Fixed(|w| w.b_content),                NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/content/{id}/preview",     "C1",                                Fixed(|w| w.c1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}/preview",     "C2 (shown in S2)",                  Fixed(|w| w.c2),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/content/{id}/preview",     "org B's content",                   Fixed(|w| w.b_content),                NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/content",                  "text",                              Bare,                                  b(new_text),              [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/content",                  "image of org A's media",            Bare,                                  b(new_image_own),         [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/content",                  "image → org B's media",             Bare,                                  b(new_image_of_b),        [422,   422,   422,   403,   401]),
        row(PUT,     "/api/v1/content/{id}",             "fresh, shown nowhere",              Lib(Doc::Content, Shown::Nowhere),     b(edit_text),             [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/content/{id}",             "fresh, shown in S1 only",           Lib(Doc::Content, Shown::Store1),      b(edit_text),             [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/content/{id}",             "fresh, shown in S2",                Lib(Doc::Content, Shown::Store2),      b(edit_text),             [200,   403,   200,   403,   401]),
        row(PUT,     "/api/v1/content/{id}",             "fresh, shown everywhere",           Lib(Doc::Content, Shown::Everywhere),  b(edit_text),             [200,   403,   200,   403,   401]),
        // Another organization's documents are 404 even to the viewer, who may write nothing.
        row(PUT,     "/api/v1/content/{id}",             "org B's content",                   Lib(Doc::Content, Shown::OrgB),        b(edit_text),             [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/content/{id}",             "fresh, unused",                     Lib(Doc::Content, Shown::Nowhere),     NO_BODY,                  [204,   204,   204,   403,   401]),
        row(DELETE,  "/api/v1/content/{id}",             "fresh org B content",               Lib(Doc::Content, Shown::OrgB),        NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- playlists
        row(GET,     "/api/v1/playlists",                "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/playlists/{id}",           "P1",                                Fixed(|w| w.p1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/playlists/{id}",           "org B's playlist",                  Fixed(|w| w.b_playlist),               NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/playlists",                "of C1",                             Bare,                                  b(new_playlist),          [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/playlists",                "→ org B's content",                 Bare,                                  b(new_playlist_of_b),     [422,   422,   422,   403,   401]),
        row(PUT,     "/api/v1/playlists/{id}",           "fresh, shown nowhere",              Lib(Doc::Playlist, Shown::Nowhere),    b(edit_playlist),         [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/playlists/{id}",           "fresh, shown in S1 only",           Lib(Doc::Playlist, Shown::Store1),     b(edit_playlist),         [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/playlists/{id}",           "fresh, shown in S2",                Lib(Doc::Playlist, Shown::Store2),     b(edit_playlist),         [200,   403,   200,   403,   401]),
        row(PUT,     "/api/v1/playlists/{id}",           "org B's playlist",                  Lib(Doc::Playlist, Shown::OrgB),       b(edit_playlist),         [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/playlists/{id}",           "fresh, unused",                     Lib(Doc::Playlist, Shown::Nowhere),    NO_BODY,                  [204,   204,   204,   403,   401]),
        row(DELETE,  "/api/v1/playlists/{id}",           "fresh org B playlist",              Lib(Doc::Playlist, Shown::OrgB),       NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- layouts
        row(GET,     "/api/v1/layouts",                  "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/layouts/{id}",             "L1",                                Fixed(|w| w.l1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/layouts/{id}",             "org B's layout",                    Fixed(|w| w.b_layout),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(GET,     "/api/v1/layouts/{id}/preview",     "L1",                                Fixed(|w| w.l1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/layouts/{id}/preview",     "org B's layout",                    Fixed(|w| w.b_layout),                 NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/layouts",                  "of P1",                             Bare,                                  b(new_layout),            [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/layouts",                  "→ org B's playlist",                Bare,                                  b(new_layout_of_b),       [422,   422,   422,   403,   401]),
        row(PUT,     "/api/v1/layouts/{id}",             "fresh, shown nowhere",              Lib(Doc::Layout, Shown::Nowhere),      b(edit_layout),           [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/layouts/{id}",             "fresh, shown in S1 only",           Lib(Doc::Layout, Shown::Store1),       b(edit_layout),           [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/layouts/{id}",             "fresh, shown in S2",                Lib(Doc::Layout, Shown::Store2),       b(edit_layout),           [200,   403,   200,   403,   401]),
        row(PUT,     "/api/v1/layouts/{id}",             "org B's layout",                    Lib(Doc::Layout, Shown::OrgB),         b(edit_layout),           [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/layouts/{id}",             "fresh, unused",                     Lib(Doc::Layout, Shown::Nowhere),      NO_BODY,                  [204,   204,   204,   403,   401]),
        row(DELETE,  "/api/v1/layouts/{id}",             "fresh org B layout",                Lib(Doc::Layout, Shown::OrgB),         NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- schedule rules
        row(GET,     "/api/v1/rules",                    "-",                                 Bare,                                  NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/rules/{id}",               "R1 (scope S1)",                     Fixed(|w| w.r1),                       NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/rules/{id}",               "R2 (scope S2)",                     Fixed(|w| w.r2),                       NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/rules/{id}",               "fresh, scope all",                  Lib(Doc::Rule, Shown::Everywhere),     NO_BODY,                  [200,   200,   200,   200,   401]),
        row(GET,     "/api/v1/rules/{id}",               "fresh emergency, scope S2",         Emergency(Shown::Store2),              NO_BODY,                  [200,   404,   200,   200,   401]),
        row(GET,     "/api/v1/rules/{id}",               "org B's rule",                      Fixed(|w| w.b_rule),                   NO_BODY,                  [404,   404,   404,   404,   401]),
        row(POST,    "/api/v1/rules",                    "scope: S1",                         Bare,                                  b(rule_s1),               [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: screen 1",                   Bare,                                  b(rule_screen1),          [201,   201,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: S2",                         Bare,                                  b(rule_s2),               [201,   403,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: screen 2",                   Bare,                                  b(rule_screen2),          [201,   403,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: all",                        Bare,                                  b(rule_all),              [201,   403,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: a group",                    Bare,                                  b(rule_group),            [201,   403,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope: a tag",                      Bare,                                  b(rule_tag),              [201,   403,   201,   403,   401]),
        row(POST,    "/api/v1/rules",                    "scope → org B's store",             Bare,                                  b(rule_store_of_b),       [422,   403,   422,   403,   401]),
        row(POST,    "/api/v1/rules",                    "target → org B's layout",           Bare,                                  b(rule_layout_of_b),      [422,   422,   422,   403,   401]),
        row(PUT,     "/api/v1/rules/{id}",               "fresh, scope S1",                   Lib(Doc::Rule, Shown::Store1),         b(rule_s1),               [200,   200,   200,   403,   401]),
        row(PUT,     "/api/v1/rules/{id}",               "fresh, scope S2",                   Lib(Doc::Rule, Shown::Store2),         b(rule_s2),               [200,   404,   200,   403,   401]),
        row(PUT,     "/api/v1/rules/{id}",               "fresh, scope all",                  Lib(Doc::Rule, Shown::Everywhere),     b(rule_all),              [200,   403,   200,   403,   401]),
        row(PUT,     "/api/v1/rules/{id}",               "org B's rule",                      Lib(Doc::Rule, Shown::OrgB),           b(rule_s1),               [404,   404,   404,   404,   401]),
        row(DELETE,  "/api/v1/rules/{id}",               "fresh, scope S1",                   Lib(Doc::Rule, Shown::Store1),         NO_BODY,                  [204,   204,   204,   403,   401]),
        row(DELETE,  "/api/v1/rules/{id}",               "fresh, scope S2",                   Lib(Doc::Rule, Shown::Store2),         NO_BODY,                  [204,   404,   204,   403,   401]),
        row(DELETE,  "/api/v1/rules/{id}",               "fresh org B rule",                  Lib(Doc::Rule, Shown::OrgB),           NO_BODY,                  [404,   404,   404,   404,   401]),
        // --- emergency messages: owners anywhere, store managers inside their stores
        row(POST,    "/api/v1/emergencies",              "scope: S1",                         Bare,                                  b(emergency_s1),          [201,   201,   403,   403,   401]),
        row(POST,    "/api/v1/emergencies",              "scope: S2",                         Bare,                                  b(emergency_s2),          [201,   403,   403,   403,   401]),
        row(POST,    "/api/v1/emergencies",              "scope: all",                        Bare,                                  b(emergency_all),         [201,   403,   403,   403,   401]),
        row(POST,    "/api/v1/emergencies",              "scope: a group",                    Bare,                                  b(emergency_group),       [201,   403,   403,   403,   401]),
        row(POST,    "/api/v1/emergencies",              "scope → org B's store",             Bare,                                  b(emergency_store_of_b),  [422,   403,   403,   403,   401]),
        row(POST,    "/api/v1/emergencies",              "image → org B's media",             Bare,                                  b(emergency_image_of_b),  [422,   422,   403,   403,   401]),
        row(DELETE,  "/api/v1/emergencies/{id}",         "fresh, scope S1",                   Emergency(Shown::Store1),              NO_BODY,                  [204,   204,   403,   403,   401]),
        row(DELETE,  "/api/v1/emergencies/{id}",         "fresh, scope S2",                   Emergency(Shown::Store2),              NO_BODY,                  [204,   404,   403,   403,   401]),
        row(DELETE,  "/api/v1/emergencies/{id}",         "fresh, scope all",                  Emergency(Shown::Everywhere),          NO_BODY,                  [204,   403,   403,   403,   401]),
        row(DELETE,  "/api/v1/emergencies/{id}",         "fresh plain rule, scope S1",        Lib(Doc::Rule, Shown::Store1),         NO_BODY,                  [404,   404,   403,   403,   401]),
        row(DELETE,  "/api/v1/emergencies/{id}",         "fresh org B emergency",             Emergency(Shown::OrgB),                NO_BODY,                  [404,   404,   404,   404,   401]),
        // An emergency is one through the plain rules API too: editors may not publish or end it.
        row(POST,    "/api/v1/rules",                    "kind emergency, scope S1",          Bare,                                  b(emergency_rule_s1),     [201,   201,   403,   403,   401]),
        row(DELETE,  "/api/v1/rules/{id}",               "fresh emergency, scope S1",         Emergency(Shown::Store1),              NO_BODY,                  [204,   204,   403,   403,   401]),
    ]
}

// ---------------------------------------------------------------------------------------------
// Running the table.

/// Everything a write could touch: both organizations as their owners see them, and the row
/// count of every table.
const LISTS: [&str; 10] = [
    "/api/v1/stores",
    "/api/v1/screens",
    "/api/v1/groups",
    "/api/v1/users",
    "/api/v1/media",
    "/api/v1/content",
    "/api/v1/playlists",
    "/api/v1/layouts",
    "/api/v1/rules",
    "/api/v1/tokens",
];
const TABLES: [&str; 22] = [
    "orgs",
    "users",
    "user_stores",
    "sessions",
    "api_tokens",
    "audit_log",
    "blobs",
    "media",
    "stores",
    "screens",
    "screen_tags",
    "screen_groups",
    "group_members",
    "content",
    "playlists",
    "layouts",
    "rules",
    "refs",
    "pairings",
    "screen_events",
    "screenshots",
    "store_prices",
];
/// What row counts and lists do not show (the lists do show whether a screen is paired).
const CLAIMED_CODES: &str = "SELECT COUNT(*) FROM pairings WHERE screen_id IS NOT NULL";

async fn org_lists(env: &TestEnv, owner: &Auth) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for list in LISTS {
        let (status, value) = env.get(owner, list).await;
        assert_eq!(status, StatusCode::OK, "{list}: {value}");
        out.push((list.to_owned(), value));
    }
    out
}

async fn fingerprint(env: &TestEnv, w: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (org, owner) in [("org A", &w.owner), ("org B", &w.owner_b)] {
        for (list, value) in org_lists(env, owner).await {
            out.push((format!("{org} {list}"), value));
        }
    }
    for table in TABLES {
        let count = sql(format!("SELECT COUNT(*) FROM {table}"))
            .fetch_i64(&env.state.db)
            .await
            .unwrap();
        out.push((format!("rows in {table}"), json!(count)));
    }
    let claimed = sql(CLAIMED_CODES).fetch_i64(&env.state.db).await.unwrap();
    out.push(("claimed pairing codes".to_owned(), json!(claimed)));
    out
}

fn differences(before: &[(String, Value)], after: &[(String, Value)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a)
        .map(|((key, b), (_, a))| format!("{key}: {b} → {a}"))
        .collect()
}

/// Runs one case; returns what went against the table.
async fn run_case(
    env: &TestEnv,
    w: &World,
    row: &Row,
    role: Role,
    column: usize,
    n: u64,
) -> Vec<String> {
    let prepared = prepare(env, w, row.fx, role, n).await;
    let path = row
        .path
        .replace("{id}", &prepared.id.to_string())
        .replace("{menu}", &w.menu.to_string())
        .replace("{b_menu}", &w.b_menu.to_string());
    let auth = prepared.auth.clone().unwrap_or_else(|| w.auth(role));
    let mut body = row.body.map(|f| f(w, prepared.id, n));
    if let (Some(body), Some(code)) = (body.as_mut(), &prepared.code) {
        body["code"] = json!(code);
    }
    let write = row.method != Method::GET;
    let before = if write {
        Some(fingerprint(env, w).await)
    } else {
        None
    };

    let (status, response) = env.call(&auth, row.method.clone(), &path, body).await;

    let case = format!("{} {} [{}] as {:?}", row.method, row.path, row.target, role);
    let mut problems = Vec::new();
    let expected = row.expect[column];
    if status.as_u16() != expected {
        problems.push(format!(
            "{case}: expected {expected}, got {status} {response}"
        ));
    }
    let mut cleanup = prepared.cleanup;
    if let Some(before) = before {
        if status.is_success() {
            problems.extend(
                check_effect(env, w, row, &path, &auth, status, &response, &mut cleanup)
                    .await
                    .into_iter()
                    .map(|p| format!("{case}: {p}")),
            );
        } else {
            let after = fingerprint(env, w).await;
            let changed = differences(&before, &after);
            if !changed.is_empty() {
                problems.push(format!(
                    "{case}: denied with {status}, yet changed {}",
                    changed.join("; ")
                ));
            }
        }
    }
    for (auth, path) in cleanup.iter().rev() {
        let (status, body) = env.delete(auth, path).await;
        assert!(
            status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND,
            "cleanup of {case}: DELETE {path}: {status} {body}"
        );
    }
    problems
}

/// An allowed write did what it says: updates read back as answered, deletions are gone,
/// creations exist (and are queued for removal).
#[allow(clippy::too_many_arguments)]
async fn check_effect(
    env: &TestEnv,
    w: &World,
    row: &Row,
    path: &str,
    auth: &Auth,
    status: StatusCode,
    response: &Value,
    cleanup: &mut Vec<(Auth, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    match (row.method.as_str(), row.path) {
        ("POST", "/api/v1/auth/login") => {}
        ("POST", "/api/v1/auth/logout") => {
            let (after, _) = env.get(auth, "/api/v1/me").await;
            if after != StatusCode::UNAUTHORIZED {
                problems.push(format!("the session still works after logout: {after}"));
            }
        }
        ("POST", "/api/v1/tokens") => {
            let secret = response["secret"].as_str().unwrap_or_default().to_owned();
            let (got, me) = env.get(&Auth::Bearer(secret), "/api/v1/me").await;
            let mine = me_json(env, auth).await;
            if got != StatusCode::OK || me["id"] != mine["id"] {
                problems.push(format!(
                    "the new token does not act as its maker: {got} {me}"
                ));
            }
            if let Some(id) = response["id"].as_i64() {
                cleanup.push((auth.clone(), format!("/api/v1/tokens/{id}")));
            }
        }
        ("DELETE", "/api/v1/tokens/{id}") => {
            let (_, tokens) = env.get(auth, "/api/v1/tokens").await;
            let id = path.rsplit('/').next().unwrap().parse::<i64>().unwrap();
            if tokens
                .as_array()
                .into_iter()
                .flatten()
                .any(|t| t["id"] == id)
            {
                problems.push("the token is still listed".to_owned());
            }
        }
        ("POST", "/api/v1/screens/pair") => {
            let Some(id) = response["id"].as_i64() else {
                problems.push(format!("{status} without a screen: {response}"));
                return problems;
            };
            let screen = format!("/api/v1/screens/{id}");
            let claimed = sql("SELECT COUNT(*) FROM pairings WHERE screen_id = $1")
                .bind(id)
                .fetch_i64(&env.state.db)
                .await
                .unwrap();
            if claimed != 1 {
                problems.push(format!("no code is claimed for screen {id}"));
            }
            // The screen's old player (if any) stops working; the new one gets its token
            // on its next poll.
            let (got, value) = env.get(&w.owner, &screen).await;
            if got != StatusCode::OK || value["paired"] != false {
                problems.push(format!("GET {screen} answers {got} {value}"));
            }
            if !cleanup.iter().any(|(_, path)| path == &screen) {
                cleanup.push((w.owner.clone(), screen));
            }
        }
        ("POST", "/api/v1/screens/{id}/unpair") => {
            let screen = path.trim_end_matches("/unpair");
            let (got, value) = env.get(&w.owner, screen).await;
            if got != StatusCode::OK || value["paired"] != false {
                problems.push(format!("still paired: GET {screen} answers {got} {value}"));
            }
        }
        ("POST", "/api/v1/screens/{id}/commands") => {
            let (_, sent) = env.get(&w.owner, path).await;
            let listed = sent.as_array().into_iter().flatten().any(|c| {
                c["id"] == response["id"]
                    && c["payload"].as_str().unwrap_or("").contains("identify")
            });
            if !listed {
                problems.push(format!(
                    "answered {response}, but GET {path} answers {sent}"
                ));
            }
        }
        ("POST", "/api/v1/emergencies") => {
            let Some(rule) = response["rule_id"].as_i64() else {
                problems.push(format!("{status} without a rule: {response}"));
                return problems;
            };
            let (got, value) = env.get(&w.owner, &format!("/api/v1/rules/{rule}")).await;
            if got != StatusCode::OK || value["kind"]["type"] != "emergency" {
                problems.push(format!("GET /api/v1/rules/{rule} answers {got} {value}"));
            }
            let reached = ids_of(&response["screens"]);
            if reached.is_empty() || !reached.iter().all(|s| [w.screen1, w.screen2].contains(s)) {
                problems.push(format!("reached {response}"));
            }
            cleanup.push((w.owner.clone(), format!("/api/v1/emergencies/{rule}")));
        }
        ("DELETE", "/api/v1/emergencies/{id}") => {
            let rule = path.replace("/emergencies/", "/rules/");
            let (got, value) = env.get(&w.owner, &rule).await;
            if got != StatusCode::NOT_FOUND {
                problems.push(format!("still there: GET {rule} answers {got} {value}"));
            }
            // Its playlist and content go with it.
            for list in ["/api/v1/playlists", "/api/v1/content"] {
                let (_, docs) = env.get(&w.owner, list).await;
                let left = docs
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|d| d["name"].as_str().unwrap_or("").starts_with("Emergency "));
                if left {
                    problems.push(format!("an emergency's documents are left in {list}"));
                }
            }
        }
        ("POST", collection) => {
            let Some(id) = response["id"].as_i64() else {
                problems.push(format!("{status} without an id: {response}"));
                return problems;
            };
            let created = format!("{collection}/{id}");
            let (got, value) = env.get(&w.owner, &created).await;
            if got != StatusCode::OK || &value != response {
                problems.push(format!("GET {created} answers {got} {value}"));
            }
            cleanup.push((w.owner.clone(), created));
        }
        ("PUT", _) => {
            let (got, value) = env.get(&w.owner, path).await;
            if got != StatusCode::OK || &value != response {
                problems.push(format!(
                    "answered {response}, but GET {path} answers {got} {value}"
                ));
            }
        }
        ("DELETE", "/api/v1/stores/{id}/brand") => {
            // The store follows the organization's kit again.
            let (got, value) = env.get(&w.owner, path).await;
            if got != StatusCode::OK || value["own"] != Value::Null || &value != response {
                problems.push(format!(
                    "answered {response}, but GET {path} answers {got} {value}"
                ));
            }
        }
        ("DELETE", _) => {
            let (got, value) = env.get(&w.owner, path).await;
            if got != StatusCode::NOT_FOUND {
                problems.push(format!("still there: GET {path} answers {got} {value}"));
            }
        }
        _ => problems.push(format!("no check for {status}")),
    }
    problems
}

fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect()
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

async fn name_of(env: &TestEnv, owner: &Auth, path: &str) -> String {
    let (status, value) = env.get(owner, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {value}");
    value["name"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_endpoint_answers_every_role_as_the_permission_model_says() {
    // Every backend runs before the verdict, so one report covers them all.
    let mut problems = Vec::new();
    for backend in common::backends() {
        eprintln!("--- on {backend}");
        let env = TestEnv::new(backend).await;
        problems.extend(
            run_matrix(&env)
                .await
                .into_iter()
                .map(|p| format!("[{backend}] {p}")),
        );
    }
    assert!(
        problems.is_empty(),
        "{} case(s) went against the permission model:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Builds the world, runs the table on it and checks what must hold afterwards; returns what
/// went against the permission model.
async fn run_matrix(env: &TestEnv) -> Vec<String> {
    let w = build_world(env).await;
    let org_b_before = org_lists(env, &w.owner_b).await;
    let rows = matrix();

    let mut problems = Vec::new();
    let mut cases = 0u64;
    for row in &rows {
        for (column, role) in ROLES.into_iter().enumerate() {
            cases += 1;
            problems.extend(run_case(env, &w, row, role, column, cases).await);
        }
    }
    eprintln!(
        "[{}] tenancy matrix: {} rows × {} roles = {cases} cases, {} problem(s)",
        env.backend,
        rows.len(),
        ROLES.len(),
        problems.len()
    );

    // Denied writes changed nothing: the world's objects keep their names, and org B,
    // whose objects were only ever targeted by denied requests, is exactly as before.
    let o = &w.owner;
    for (path, name) in [
        (format!("/api/v1/stores/{}", w.s1), "Store 1"),
        (format!("/api/v1/stores/{}", w.s2), "Store 2"),
        (format!("/api/v1/screens/{}", w.screen1), "Screen 1"),
        (format!("/api/v1/screens/{}", w.screen2), "Screen 2"),
        (format!("/api/v1/groups/{}", w.group), "Both"),
        (format!("/api/v1/content/{}", w.c1), "C1"),
        (format!("/api/v1/content/{}", w.c2), "C2"),
        (format!("/api/v1/playlists/{}", w.p1), "P1"),
        (format!("/api/v1/layouts/{}", w.l1), "L1"),
        (format!("/api/v1/layouts/{}", w.l2), "L2"),
        (format!("/api/v1/rules/{}", w.r1), "R1"),
        (format!("/api/v1/rules/{}", w.r2), "R2"),
    ] {
        assert_eq!(name_of(env, o, &path).await, name, "{path}");
    }
    let org_b_after = org_lists(env, &w.owner_b).await;
    let changed = differences(&org_b_before, &org_b_after);
    if !changed.is_empty() {
        problems.push(format!("org B changed: {}", changed.join("; ")));
    }

    // The store manager's lists hold S1 and its screen, nothing else.
    let (_, stores) = env.get(&w.manager, "/api/v1/stores").await;
    assert_eq!(ids(&stores), [w.s1], "{stores}");
    let (_, screens) = env.get(&w.manager, "/api/v1/screens").await;
    assert_eq!(ids(&screens), [w.screen1], "{screens}");
    // Of the rules, those that reach S1 (R1, and any for all screens), never R2 or S2's.
    let (_, rules) = env.get(&w.manager, "/api/v1/rules").await;
    let rule_ids = ids(&rules);
    assert!(
        rule_ids.contains(&w.r1) && !rule_ids.contains(&w.r2),
        "{rules}"
    );
    for rule in rules.as_array().unwrap() {
        let scope = &rule["scope"];
        let reaches_s1 = scope["all"] == true
            || scope["stores"]
                .as_array()
                .is_some_and(|s| s.contains(&json!(w.s1)))
            || scope["screens"]
                .as_array()
                .is_some_and(|s| s.contains(&json!(w.screen1)))
            || scope["groups"]
                .as_array()
                .is_some_and(|g| g.contains(&json!(w.group)));
        assert!(reaches_s1, "the store manager sees {rule}");
    }

    // No list shows the other organization's objects, to anyone.
    let lists_b: Vec<HashSet<i64>> = org_lists(env, &w.owner_b)
        .await
        .iter()
        .map(|(_, v)| ids(v).into_iter().collect())
        .collect();
    let lists_a: Vec<HashSet<i64>> = org_lists(env, &w.owner)
        .await
        .iter()
        .map(|(_, v)| ids(v).into_iter().collect())
        .collect();
    assert!(lists_b[0].contains(&w.b_store) && lists_a[0].contains(&w.s2));
    for (i, list) in LISTS.iter().enumerate() {
        assert!(lists_a[i].is_disjoint(&lists_b[i]), "{list} overlaps");
        for role in [Role::StoreManager, Role::Editor, Role::Viewer] {
            let (status, value) = env.get(&w.auth(role), list).await;
            if status == StatusCode::OK {
                let seen: HashSet<i64> = ids(&value).into_iter().collect();
                assert!(seen.is_disjoint(&lists_b[i]), "{list} as {role:?}: {value}");
            }
        }
    }

    problems
}

/// A store manager may edit content that only their screens show, not content that a layout
/// on another store's screen shows; the refused edit leaves content and screens untouched.
#[tokio::test]
async fn a_store_manager_edits_only_what_reaches_their_own_screens() {
    each_backend(|env| async move {
        let w = build_world(&env).await;
        let versions = async || {
            (
                env.manifest_version(&w.owner, w.screen1).await,
                env.manifest_version(&w.owner, w.screen2).await,
            )
        };
        let edit = |name: &str| {
            json!({"name": name, "type": "text", "title": "Edited by the manager", "body": "x"})
        };
        let c2_path = format!("/api/v1/content/{}", w.c2);
        let (_, c2_before) = env.get(&w.owner, &c2_path).await;
        let (v1, v2) = versions().await;

        // C2 reaches screen 2 (S2) through layout L2: refused, nothing changes.
        let (status, problem) = env.put(&w.manager, &c2_path, edit("C2")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        let (_, c2_after) = env.get(&w.owner, &c2_path).await;
        assert_eq!(c2_before, c2_after);
        assert_eq!(versions().await, (v1, v2));

        // C1 reaches only screen 1 (S1, through L1 and R1): allowed; only screen 1 changes.
        let c1_path = format!("/api/v1/content/{}", w.c1);
        let (status, body) = env.put(&w.manager, &c1_path, edit("C1")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, c1) = env.get(&w.owner, &c1_path).await;
        assert_eq!(c1["title"], "Edited by the manager");
        assert_eq!(versions().await, (v1 + 1, v2));

        // The same holds for the manager's API token.
        let (status, token) = env
            .post(&w.manager, "/api/v1/tokens", json!({"name": "pos"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        let bearer = Auth::Bearer(token["secret"].as_str().unwrap().to_owned());
        let (status, _) = env.put(&bearer, &c2_path, edit("C2")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, stores) = env.get(&bearer, "/api/v1/stores").await;
        assert_eq!(ids(&stores), [w.s1]);
        let (status, _) = env.get(&bearer, &format!("/api/v1/screens/{}", w.screen2)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(versions().await, (v1 + 1, v2));
    })
    .await;
}

/// The player API's own tenancy: a device token acts for its one screen, and device tokens
/// and user credentials (sessions, API tokens) never stand in for one another.
#[tokio::test]
async fn a_device_token_acts_only_for_its_own_screen_and_only_on_the_player_api() {
    each_backend(|env| async move {
        let w = build_world(&env).await;
        let device_a = Auth::Bearer(device_token(&env, w.screen1).await);
        let device_b = Auth::Bearer(device_token(&env, w.b_screen).await);

        // Commands sent to another screen, of org B or of org A, are not the device's to
        // acknowledge: 404, and they stay unacknowledged. Org B's own device may.
        for (owner, screen, own_device) in [
            (&w.owner_b, w.b_screen, Some(&device_b)),
            (&w.owner, w.screen2, None),
        ] {
            let commands = format!("/api/v1/screens/{screen}/commands");
            let (status, sent) = env
                .post(owner, &commands, json!({"command": "identify"}))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{sent}");
            let ack = json!({"id": sent["id"], "ok": true});
            let (status, body) = env
                .post(&device_a, "/api/player/v1/acks", ack.clone())
                .await;
            let foreign = format!("screen 1's device acks a command of screen {screen}");
            assert_eq!(status, StatusCode::NOT_FOUND, "{foreign}: {body}");
            let (_, listed) = env.get(owner, &commands).await;
            assert_eq!(listed[0]["id"], sent["id"]);
            assert_eq!(listed[0]["acked_at"], Value::Null, "{foreign}: {listed}");
            if let Some(device) = own_device {
                let (status, body) = env.post(device, "/api/player/v1/acks", ack).await;
                assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
            }
        }

        // Org B's picture, shown on org B's screen: its device may fetch it, org A's may not.
        let file = env.dir.path().join("picture-b");
        std::fs::write(&file, b"0123456789").unwrap();
        env.state.blobs.commit_file(&file, SHA_B).await.unwrap();
        let b = &w.owner_b;
        let image = json!({"name": "Picture B", "type": "image", "media": {"sha256": SHA_B}});
        let image = env.create(b, "/api/v1/content", image).await;
        let playlist = env
            .create(b, "/api/v1/playlists", playlist_json("Pictures B", image))
            .await;
        let target = json!({"type": "playlist", "id": playlist});
        let rule = rule_json("Pictures B", target, json!({"all": true}));
        env.create(b, "/api/v1/rules", rule).await;
        let media_b = format!("/api/player/v1/media/{SHA_B}");
        let (status, _) = env.get(&device_b, &media_b).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "org B's device fetches org B's picture"
        );
        let (status, body) = env.get(&device_a, &media_b).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "org A's device: {body}");
        // An admin's preview reads the library by hash too: its own organization's only.
        let preview_b = format!("/api/v1/preview/media/{SHA_B}");
        let (status, body) = env.get(b, &preview_b).await;
        assert_eq!(status, StatusCode::OK, "org B's owner previews it: {body}");
        let (status, body) = env.get(&w.owner, &preview_b).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "org A's owner: {body}");
        let (status, body) = env.get(&device_b, &preview_b).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a device is no admin: {body}"
        );

        // Neither a session nor an API token is a device token.
        let (status, token) = env
            .post(&w.owner, "/api/v1/tokens", json!({"name": "integration"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        let api_token = Auth::Bearer(token["secret"].as_str().unwrap().to_owned());
        let (status, _) = env.get(&device_a, "/api/player/v1/manifest").await;
        assert_eq!(status, StatusCode::OK, "the device's own manifest");
        let heartbeat = json!({"player_version": "1.0.0", "uptime_secs": 1,
                               "manifest_version": null, "showing": [], "cache_bytes": 0,
                               "disk_free_bytes": 0, "sent_at": "2026-01-01T00:00:00Z"});
        let player_calls = [
            (Method::GET, "/api/player/v1/manifest", None),
            (Method::GET, media_b.as_str(), None),
            (Method::GET, "/api/player/v1/events", None),
            (
                Method::POST,
                "/api/player/v1/acks",
                Some(json!({"id": 1, "ok": true})),
            ),
            (Method::POST, "/api/player/v1/heartbeat", Some(heartbeat)),
            (
                Method::POST,
                "/api/player/v1/plays",
                Some(json!({"records": []})),
            ),
            (Method::PUT, "/api/player/v1/screenshot", None),
            (Method::POST, "/api/player/v1/token", None),
        ];
        for (who, auth) in [("a session", &w.owner), ("an API token", &api_token)] {
            for (method, path, body) in &player_calls {
                let (status, answer) = env.call(auth, method.clone(), path, body.clone()).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} with {who}: {answer}"
                );
            }
        }

        // Nor is a device token a user's credential.
        let screen1 = format!("/api/v1/screens/{}", w.screen1);
        let admin_calls = [
            (Method::GET, "/api/v1/me".to_owned(), None),
            (Method::GET, "/api/v1/screens".to_owned(), None),
            (Method::GET, screen1.clone(), None),
            (Method::GET, format!("{screen1}/manifest"), None),
            (Method::GET, format!("{screen1}/screenshot"), None),
            (Method::GET, format!("{screen1}/commands"), None),
            (
                Method::POST,
                format!("{screen1}/commands"),
                Some(json!({"command": "identify"})),
            ),
            (Method::POST, format!("{screen1}/unpair"), None),
            (
                Method::POST,
                "/api/v1/emergencies".to_owned(),
                Some(emergency(json!({"stores": [w.s1]}), 0)),
            ),
        ];
        for (method, path, body) in admin_calls {
            let (status, answer) = env.call(&device_a, method.clone(), &path, body).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with a device token: {answer}"
            );
        }
        // Refused everywhere, the device token still works on its own API.
        let (status, _) = env.get(&device_a, "/api/player/v1/manifest").await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

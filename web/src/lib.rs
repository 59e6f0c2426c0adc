//! The Vitrin player in a browser, served by the server at `/play/`: the native player's
//! schedule engine (`vitrin-shared`), renderers and fonts (`vitrin-render`) compiled to
//! wasm32 and drawn by eframe on WebGL2. Any smart TV, Android box or tablet with a current
//! browser becomes a screen. The page (`web/static/index.html`) starts it, registers the
//! service worker that keeps the app offline, and does the kiosk manners that need no Rust
//! (fullscreen on the first tap, the screen wake lock, no cursor).
#![cfg(target_arch = "wasm32")]

mod app;
mod engine;
mod kiosk;
mod log;
mod net;
mod store;
mod timer;
mod video;

use std::cell::RefCell;
use std::rc::Rc;

use vitrin_shared::clock::Clock;
use wasm_bindgen::prelude::*;

use crate::engine::{Engine, Mode};

thread_local! {
    /// The running engine, for `vitrin_state` (tests and the page's own diagnostics).
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
}

pub(crate) fn window() -> web_sys::Window {
    web_sys::window().expect("the player runs in a browser window")
}

pub(crate) fn document() -> web_sys::Document {
    window().document().expect("the window has a document")
}

/// The element the canvas and the videos live in (rotated as a whole for portrait screens).
pub(crate) fn stage_element() -> web_sys::HtmlElement {
    document()
        .get_element_by_id("stage")
        .expect("index.html has #stage")
        .unchecked_into()
}

/// Sets `window[name]` to the milliseconds since the page's navigation began (the page's
/// `performance.now()`), for the tests and the benchmark to read.
pub(crate) fn set_page_time(name: &str) {
    let window = window();
    let ms = window.performance().map_or(0.0, |p| p.now());
    let _ = js_sys::Reflect::set(&window, &name.into(), &ms.into());
}

/// `set_page_time`, the first time only: when something was first on screen.
pub(crate) fn set_page_mark(name: &str) {
    if !js_sys::Reflect::has(&window(), &name.into()).unwrap_or(false) {
        set_page_time(name);
    }
}

/// What the heartbeat reports the player runs on.
pub(crate) fn platform() -> String {
    let agent = window().navigator().user_agent().unwrap_or_default();
    let mut platform = format!("browser {agent}");
    platform.truncate(
        (0..=200)
            .rev()
            .find(|&i| platform.is_char_boundary(i))
            .unwrap_or(0),
    );
    platform
}

pub(crate) fn random_id() -> [u8; 6] {
    let mut random = [0u8; 6];
    getrandom::fill(&mut random).expect("crypto.getRandomValues is available");
    random
}

/// Where the server is: the page's origin plus the path in front of `/play/` (a server
/// behind a proxy under `/vitrin/` serves the player at `/vitrin/play/`).
fn server_base() -> String {
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let base = path
        .trim_end_matches('/')
        .strip_suffix("/play")
        .unwrap_or("")
        .to_owned();
    format!("{origin}{base}")
}

/// A parameter of the page's address.
fn param(name: &str) -> Option<String> {
    let search = window().location().search().unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Shows `text` over the player (index.html's `#problem`), for what a person must fix.
pub(crate) fn show_problem(text: &str) {
    if let Some(p) = document().get_element_by_id("problem") {
        p.set_text_content(Some(text));
        let _ = p.remove_attribute("hidden");
    }
    let _ = js_sys::Reflect::set(&window(), &"vitrinProblem".into(), &text.into());
}

/// `?preview=screen:1` (or `layout:2`, `content:3`, `brand:4`) as the API path of its
/// manifest.
fn preview_path() -> Option<Result<String, String>> {
    let preview = param("preview")?;
    Some(match preview.split_once(':') {
        Some((kind, id)) if id.parse::<i64>().is_ok() => match kind {
            "screen" => Ok(format!("screens/{id}/manifest")),
            "layout" => Ok(format!("layouts/{id}/preview")),
            "content" => Ok(format!("content/{id}/preview")),
            // The brand page's draft kit travels in the page's own query (`background=…`).
            "brand" => Ok(format!(
                "brand/preview/{id}{}",
                window().location().search().unwrap_or_default()
            )),
            _ => Err(preview_error(&preview)),
        },
        _ => Err(preview_error(&preview)),
    })
}

fn preview_error(preview: &str) -> String {
    format!("preview={preview:?}: say screen:ID, layout:ID, content:ID or brand:ID")
}

/// The clock: the device's; from `?at=<RFC 3339>` for a preview of that instant; for tests
/// `?clock=<RFC 3339>&speed=<factor>` like the native player's hidden `--clock-start` and
/// `--clock-speed`.
fn clock() -> Clock {
    let get = param;
    match get("clock")
        .or_else(|| get("at"))
        .and_then(|c| c.parse().ok())
    {
        Some(start) => {
            let speed = get("speed").and_then(|s| s.parse().ok()).unwrap_or(1.0);
            Clock::scaled(start, speed)
        }
        None => Clock::system(),
    }
}

/// Starts the player on the page's `<canvas id="vitrin">`.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    log::install();
    let base = server_base();
    let preview = match preview_path() {
        Some(Ok(path)) => Some(path),
        Some(Err(e)) => {
            show_problem(&e);
            return Err(e.into());
        }
        None => None,
    };
    let cache = if preview.is_some() {
        store::PREVIEW_CACHE
    } else {
        store::MEDIA_CACHE
    };
    let media = store::MediaStore::open(&base, cache).await;
    wasm_bindgen_futures::spawn_local(async {
        if !store::ask_persistence().await {
            tracing::info!("the browser may evict the media cache under storage pressure");
        }
    });
    let canvas: web_sys::HtmlCanvasElement = document()
        .get_element_by_id("vitrin")
        .ok_or("index.html has no canvas#vitrin")?
        .unchecked_into();
    let runner = eframe::WebRunner::new();
    let api = net::Api::new(base.clone());
    runner
        .start(
            canvas,
            eframe::WebOptions::default(),
            Box::new(move |cc| {
                let ctx = cc.egui_ctx.clone();
                let repaint = Box::new(move || ctx.request_repaint());
                let engine = Engine::new(api, media, clock(), repaint, preview.is_some());
                ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
                match preview {
                    Some(path) => {
                        wasm_bindgen_futures::spawn_local(engine.clone().run_preview(path))
                    }
                    None => wasm_bindgen_futures::spawn_local(engine.clone().run()),
                }
                Ok(Box::new(app::WebApp::new(&cc.egui_ctx, engine, base)))
            }),
        )
        .await?;
    // The runner lives as long as the page.
    std::mem::forget(runner);
    Ok(())
}

/// The player's state as JSON, like the native player's event lines: `mode` (waiting,
/// pairing, playing), the pairing `code`, `showing`, `online`, `manifest_version`,
/// `storage` (bytes used and allowed), `persistent_media` (false without Cache Storage: plain
/// http to another machine), `last_error`, `pending_plays`.
#[wasm_bindgen]
pub fn vitrin_state() -> String {
    ENGINE.with(|engine| {
        let engine = engine.borrow();
        let Some(engine) = engine.as_ref() else {
            return "null".to_owned();
        };
        let plan = engine.panel_plan();
        let state = engine.state.borrow();
        let (mode, code) = match &state.mode {
            Mode::Waiting => ("waiting", None),
            Mode::Pairing { code } => ("pairing", Some(code.clone())),
            Mode::Playing => ("playing", None),
        };
        serde_json::json!({
            "mode": mode,
            "code": code,
            "showing": state.showing,
            "online": state.online,
            "manifest_version": state.loaded.as_ref().map(|l| l.manifest.version),
            "storage": state.storage,
            "persistent_media": engine.media.is_persistent(),
            "last_error": state.last_error,
            "pending_plays": store::pending_plays().len(),
            "panel": {"on": plan.on, "asleep_by_schedule": plan.asleep_by_schedule},
        })
        .to_string()
    })
}

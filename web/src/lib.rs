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

/// Sets `window[name] = value`, for the page and the tests to read.
pub(crate) fn set_page_mark(name: &str, value: f64) {
    let _ = js_sys::Reflect::set(&window(), &name.into(), &value.into());
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

/// The clock: the device's, or for tests `?clock=<RFC 3339>&speed=<factor>` like the native
/// player's hidden `--clock-start`/`--clock-speed`.
fn clock() -> Clock {
    let search = window().location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get = |name: &str| params.as_ref().and_then(|p| p.get(name));
    match get("clock").and_then(|c| c.parse().ok()) {
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
    let media = store::MediaStore::open(&base)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
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
                let engine =
                    Engine::new(api, media, clock(), Box::new(move || ctx.request_repaint()));
                ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
                wasm_bindgen_futures::spawn_local(engine.clone().run());
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
/// `storage` (bytes used and allowed), `last_error`, `pending_plays`.
#[wasm_bindgen]
pub fn vitrin_state() -> String {
    ENGINE.with(|engine| {
        let engine = engine.borrow();
        let Some(engine) = engine.as_ref() else {
            return "null".to_owned();
        };
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
            "last_error": state.last_error,
            "pending_plays": store::pending_plays().len(),
        })
        .to_string()
    })
}

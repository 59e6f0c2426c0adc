//! `/play/`: the browser player (the `web` crate built to wasm32 by the build script), served
//! from the binary. Any browser with WebGL2 that opens this address becomes a screen: it
//! pairs by code like the native player and talks the same `/api/player/v1`.
//!
//! Every file is revalidated (`no-cache` + ETag of the build), so a server upgrade reaches the
//! screens at their next load while an unchanged build costs a 304; the service worker keeps
//! the files for offline reloads.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::state::AppState;

macro_rules! bundle {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/web-player/", $name))
    };
}

struct File {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// The same, gzip-compressed at build time (empty when not worth it).
    gzip: &'static [u8],
}

const FILES: [File; 6] = [
    File {
        name: "",
        content_type: "text/html; charset=utf-8",
        bytes: include_bytes!("../../../web/static/index.html"),
        gzip: b"",
    },
    File {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: bundle!("app.js"),
        gzip: bundle!("app.js.gz"),
    },
    File {
        name: "app_bg.wasm",
        content_type: "application/wasm",
        bytes: bundle!("app_bg.wasm"),
        gzip: bundle!("app_bg.wasm.gz"),
    },
    File {
        name: "sw.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../../web/static/sw.js"),
        gzip: b"",
    },
    File {
        name: "manifest.webmanifest",
        content_type: "application/manifest+json",
        bytes: include_bytes!("../../../web/static/manifest.webmanifest"),
        gzip: b"",
    },
    File {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../../web/static/icon.svg"),
        gzip: b"",
    },
];

/// Why the bundle is missing, when the build script could not build it.
const MISSING: Option<&str> = {
    let why: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web-player/missing-or-empty.txt"));
    if why.is_empty() {
        None
    } else {
        match std::str::from_utf8(why) {
            Ok(why) => Some(why),
            Err(_) => Some("unknown"),
        }
    }
};

/// The build's identity: the ETag of every file and the service worker's cache name.
static BUILD: LazyLock<String> = LazyLock::new(|| {
    let mut hash = Sha256::new();
    for file in &FILES {
        hash.update(file.bytes);
    }
    hex::encode(&hash.finalize()[..8])
});

/// The service worker with its cache named after the build, so a new build replaces it.
static SERVICE_WORKER: LazyLock<Vec<u8>> = LazyLock::new(|| {
    String::from_utf8_lossy(FILES[3].bytes)
        .replace("__BUILD__", &BUILD)
        .into_bytes()
});

/// Size of the wasm bundle as served (gzip) and unpacked, for the docs and the benchmark.
pub fn bundle_sizes() -> (usize, usize) {
    (FILES[2].gzip.len(), FILES[2].bytes.len())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/play", get(to_slash))
        .route(
            "/play/",
            get(|headers: HeaderMap| serve(String::new(), headers)),
        )
        .route(
            "/play/{name}",
            get(|Path(name): Path<String>, headers: HeaderMap| serve(name, headers)),
        )
}

/// `/play` → `/play/` with the query kept: the service worker's scope is the directory.
async fn to_slash(uri: Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("/play/?{query}")),
        None => Redirect::permanent("/play/"),
    }
}

async fn serve(name: String, headers: HeaderMap) -> Response {
    let Some(file) = FILES.iter().find(|f| f.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(why) = MISSING {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "The browser player was not built into this server ({why}).\n\
                 Install the wasm32 target (rustup target add wasm32-unknown-unknown) and \
                 build the server again.\n"
            ),
        )
            .into_response();
    }
    let etag = format!("\"{}\"", *BUILD);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let gzip = !file.gzip.is_empty()
        && headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzip {
        file.gzip.into_response()
    } else if file.name == "sw.js" {
        SERVICE_WORKER.as_slice().into_response()
    } else {
        file.bytes.into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip && !fresh {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, etag);
    }
    response
}

//! The admin's static files, compiled into the binary: one stylesheet, one script and the
//! Persian webfont (the player's bundled Vazirmatn, OFL). Each URL carries the file's content
//! hash, so browsers may keep it for a year and a new release is fetched at once.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::state::AppState;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// The first 16 hex digits of the sha256 of `bytes`.
    hash: String,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    let files: [(&str, &str, &[u8]); 9] = [
        (
            "vitrin.css",
            "text/css; charset=utf-8",
            include_bytes!("../../static/vitrin.css"),
        ),
        (
            "vitrin.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../static/vitrin.js"),
        ),
        (
            "layout-editor.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../static/layout-editor.js"),
        ),
        (
            "Vazirmatn-Regular.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Vazirmatn-Regular.ttf"),
        ),
        (
            "Vazirmatn-Bold.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Vazirmatn-Bold.ttf"),
        ),
        (
            "Sahel.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Sahel.ttf"),
        ),
        (
            "Sahel-Bold.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Sahel-Bold.ttf"),
        ),
        (
            "Parastoo.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Parastoo.ttf"),
        ),
        (
            "Parastoo-Bold.ttf",
            "font/ttf",
            include_bytes!("../../../render/assets/fonts/Parastoo-Bold.ttf"),
        ),
    ];
    files
        .into_iter()
        .map(|(name, content_type, bytes)| Asset {
            name,
            content_type,
            bytes,
            hash: hex::encode(&Sha256::digest(bytes)[..8]),
        })
        .collect()
});

/// `/static/<hash>/<name>`; an unknown name links to a path that answers 404.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => format!("/static/{}/{}", asset.hash, asset.name),
        None => format!("/static/missing/{name}"),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{hash}/{name}", get(serve))
}

async fn serve(Path((hash, name)): Path<(String, String)>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // An old hash (a page rendered before an upgrade) still gets the file, but not for long.
    let cache = if hash == asset.hash {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", asset.hash)) {
        headers.insert(header::ETAG, etag);
    }
    response
}

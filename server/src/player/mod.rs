//! The player protocol under `/api/player/v1`: pairing, the manifest, media, the push stream
//! and telemetry. Screens authenticate with a device token (`Authorization: Bearer vd_…`)
//! whose sha256 is all the server keeps.

pub mod events;
pub mod pairing;
pub mod screen_reads;
pub mod seen_marks;
pub mod sync;
pub mod telemetry;
pub mod time;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use vitrin_shared::ids::{OrgId, ScreenId};

use crate::auth::{self, token};
use crate::db::{now_ms, sql};
use crate::error::ApiError;
use crate::state::AppState;

pub use crate::device_cache::{Device, DeviceCache};

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        authenticate(state, &hash).await
    }
}

/// The sha256 of the request's device token, as the database keeps it.
pub fn token_hash(headers: &HeaderMap) -> Option<String> {
    auth::bearer(headers).map(token::hash)
}

/// The screen whose device token has this hash, or 401. Requests that outlive a check (the
/// push stream, a long-poll) call it again after every wake-up: unpairing, pairing again and
/// rotating the token all wake the screen, on every instance, and must end what it holds open.
pub async fn authenticate(state: &AppState, hash: &str) -> Result<Device, ApiError> {
    if let Some(device) = state.device_cache.known_token(hash) {
        return Ok(device);
    }
    let device = device_of(state, hash).await?;
    // Listen for the screen's changes first, then check the token again: an unpairing
    // that committed in between is then either seen by the check or counted as a device poke.
    let changes = state.push.subscribe(device.screen);
    let device_pokes = *changes.borrow();
    if device_of(state, hash).await?.screen == device.screen {
        state
            .device_cache
            .remember_token(hash.to_owned(), device, changes, device_pokes);
    }
    Ok(device)
}

async fn device_of(state: &AppState, token_hash: &str) -> Result<Device, ApiError> {
    let row: Option<(i64, i64)> =
        sql("SELECT id, org_id FROM screens WHERE device_token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&state.db)
            .await?;
    let (screen, org) = row.ok_or(ApiError::Unauthenticated)?;
    Ok(Device {
        screen: ScreenId(screen),
        org: OrgId(org),
    })
}

/// Records that a screen was heard from (any authenticated request counts), at most once a
/// minute per screen and instance, and in batches (`seen_marks`): a database write on every
/// manifest poll would serialize the busiest endpoint behind SQLite's single writer, and the
/// burst of them after a publish queued behind the next one on PostgreSQL. Heartbeats always
/// write, and they are what the online status is computed from.
pub async fn seen(state: &AppState, device: Device) {
    const EVERY_MS: i64 = 60_000;
    let now = now_ms();
    {
        let mut last = state.device_cache.seen.lock().expect("seen lock");
        match last.get(&device.screen.0) {
            Some(at) if now - at < EVERY_MS => return,
            _ => last.insert(device.screen.0, now),
        };
    }
    state.seen_marks.mark(device.screen, now).await;
}

/// The `/api/player/v1` routes.
pub fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, screenshot) = routes!(telemetry::screenshot);
    let screenshot = screenshot.layer(DefaultBodyLimit::max(telemetry::MAX_SCREENSHOT_BYTES + 1));
    OpenApiRouter::new()
        .routes(routes!(pairing::start))
        .routes(routes!(pairing::status))
        .routes(routes!(pairing::rotate))
        .routes(routes!(sync::manifest))
        .routes(routes!(sync::media))
        .routes(routes!(events::stream))
        .routes(routes!(events::ack))
        .routes(routes!(telemetry::heartbeat))
        .routes(routes!(telemetry::plays))
        .routes(routes!(time::time))
        .routes((schemas, paths, screenshot))
}

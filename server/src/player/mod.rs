//! The player protocol under `/api/player/v1`: pairing, the manifest, media, the push stream
//! and telemetry. Screens authenticate with a device token (`Authorization: Bearer vd_…`)
//! whose sha256 is all the server keeps.

pub mod events;
pub mod pairing;
pub mod sync;
pub mod telemetry;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use vitrin_shared::ids::{OrgId, ScreenId};

use crate::auth::token;
use crate::db::{now_ms, sql};
use crate::error::ApiError;
use crate::state::AppState;

/// The screen a player request comes from.
#[derive(Debug, Clone, Copy)]
pub struct Device {
    pub screen: ScreenId,
    pub org: OrgId,
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        let row: Option<(i64, i64)> =
            sql("SELECT id, org_id FROM screens WHERE device_token_hash = $1")
                .bind(token::hash(secret.trim()))
                .fetch_optional(&state.db)
                .await?;
        let (screen, org) = row.ok_or(ApiError::Unauthenticated)?;
        Ok(Device {
            screen: ScreenId(screen),
            org: OrgId(org),
        })
    }
}

/// Records that a screen was heard from (any authenticated request counts), at most once a
/// minute per screen and instance: a database write on every manifest poll would serialize
/// the busiest endpoint behind SQLite's single writer. Heartbeats always write, and they are
/// what the online status is computed from.
pub async fn seen(state: &AppState, device: Device) -> Result<(), ApiError> {
    const EVERY_MS: i64 = 60_000;
    let now = now_ms();
    {
        let mut last = state.device_cache.seen.lock().expect("seen lock");
        match last.get(&device.screen.0) {
            Some(at) if now - at < EVERY_MS => return Ok(()),
            _ => last.insert(device.screen.0, now),
        };
    }
    sql("UPDATE screens SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(device.screen.0)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Per-instance caches of the player API: the sha256s each screen's current manifest
/// references (by manifest version, so media requests need not rebuild the manifest), and
/// when a screen was last marked seen. Caches only: the database stays the truth.
#[derive(Default)]
pub struct DeviceCache {
    screens: Mutex<HashMap<i64, (u64, MediaSet)>>,
    /// When each screen's `last_seen_at` was last written by this instance.
    seen: Mutex<HashMap<i64, i64>>,
}

type MediaSet = Arc<HashSet<String>>;

impl DeviceCache {
    fn media(&self, screen: ScreenId, version: u64) -> Option<MediaSet> {
        let map = self.screens.lock().expect("media index lock");
        map.get(&screen.0)
            .filter(|(v, _)| *v == version)
            .map(|(_, set)| set.clone())
    }

    fn set_media(&self, screen: ScreenId, version: u64, set: MediaSet) {
        let mut map = self.screens.lock().expect("media index lock");
        map.insert(screen.0, (version, set));
    }
}

/// The `/api/player/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/player/v1/pair", post(pairing::start))
        .route("/api/player/v1/pair/status", post(pairing::status))
        .route("/api/player/v1/token", post(pairing::rotate))
        .route("/api/player/v1/manifest", get(sync::manifest))
        .route("/api/player/v1/media/{sha256}", get(sync::media))
        .route("/api/player/v1/events", get(events::stream))
        .route("/api/player/v1/acks", post(events::ack))
        .route("/api/player/v1/heartbeat", post(telemetry::heartbeat))
        .route("/api/player/v1/plays", post(telemetry::plays))
        .route(
            "/api/player/v1/screenshot",
            put(telemetry::screenshot)
                .layer(DefaultBodyLimit::max(telemetry::MAX_SCREENSHOT_BYTES + 1)),
        )
}

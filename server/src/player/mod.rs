//! The player protocol under `/api/player/v1`: pairing, the manifest, media, the push stream
//! and telemetry. Screens authenticate with a device token (`Authorization: Bearer vd_…`)
//! whose sha256 is all the server keeps.

pub mod events;
pub mod pairing;
pub mod sync;
pub mod telemetry;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use tokio::sync::watch;
use vitrin_shared::ids::{OrgId, ScreenId};

use crate::auth::{self, token};
use crate::db::{now_ms, sql};
use crate::error::ApiError;
use crate::state::AppState;

/// The screen a player request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub screen: ScreenId,
    pub org: OrgId,
}

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
    // that committed in between is then either seen by the check or wakes the receiver.
    let changes = state.push.subscribe(device.screen);
    if device_of(state, hash).await?.screen == device.screen {
        state
            .device_cache
            .remember_token(hash.to_owned(), device, changes);
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

/// Per-instance caches of the player API, so that an unchanged-manifest poll (the most
/// frequent request) needs no database query at all. The database stays the truth: entries
/// are dropped when the screen is poked — every change to its manifest, its pairing or its
/// token pokes it, on every instance (PostgreSQL NOTIFY) — and token entries expire after
/// [`TOKEN_TTL`] whatever happens, bounding the damage of a lost notification.
#[derive(Default)]
pub struct DeviceCache {
    /// The sha256s each screen's current manifest references, by manifest version, so media
    /// requests need not rebuild the manifest.
    screens: Mutex<HashMap<i64, (u64, MediaSet)>>,
    /// When each screen's `last_seen_at` was last written by this instance.
    seen: Mutex<HashMap<i64, i64>>,
    /// Device token hash → its screen, as last checked against the database.
    tokens: Mutex<HashMap<String, KnownToken>>,
    /// Each screen's manifest version and hash, as last read.
    versions: Mutex<HashMap<i64, KnownVersion>>,
}

type MediaSet = Arc<HashSet<String>>;

/// How long a checked device token is trusted without asking the database again.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);

struct KnownToken {
    device: Device,
    changes: watch::Receiver<u64>,
    checked: Instant,
}

struct KnownVersion {
    changes: watch::Receiver<u64>,
    version: u64,
    hash: String,
}

/// Whether the screen was poked since the receiver was made (a dropped hub counts as yes).
fn poked(changes: &watch::Receiver<u64>) -> bool {
    changes.has_changed().unwrap_or(true)
}

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

    fn known_token(&self, hash: &str) -> Option<Device> {
        let mut map = self.tokens.lock().expect("token cache lock");
        let known = map.get(hash)?;
        if poked(&known.changes) || known.checked.elapsed() > TOKEN_TTL {
            map.remove(hash);
            return None;
        }
        Some(known.device)
    }

    fn remember_token(&self, hash: String, device: Device, changes: watch::Receiver<u64>) {
        let mut map = self.tokens.lock().expect("token cache lock");
        // Expired entries of screens that went quiet are swept now and then.
        if map.len() >= 1024 && map.len().is_power_of_two() {
            map.retain(|_, known| known.checked.elapsed() <= TOKEN_TTL);
        }
        let checked = Instant::now();
        map.insert(
            hash,
            KnownToken {
                device,
                changes,
                checked,
            },
        );
    }

    fn known_version(&self, screen: ScreenId) -> Option<(u64, String)> {
        let map = self.versions.lock().expect("version cache lock");
        map.get(&screen.0)
            .filter(|known| !poked(&known.changes))
            .map(|known| (known.version, known.hash.clone()))
    }

    fn remember_version(
        &self,
        screen: ScreenId,
        changes: watch::Receiver<u64>,
        version: u64,
        hash: String,
    ) {
        let mut map = self.versions.lock().expect("version cache lock");
        map.insert(
            screen.0,
            KnownVersion {
                changes,
                version,
                hash,
            },
        );
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

//! Pairing: an unpaired player shows a short code; a user claims it for a screen; the player's
//! next status poll receives the device token.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vitrin_shared::ids::ScreenId;

use super::Device;
use crate::auth::token;
use crate::db::{Db, DbResult, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, ClientIp};
use crate::push::Poke;
use crate::state::AppState;

/// Letters and digits that cannot be mistaken for one another on a TV across a room
/// (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTWXY34679";
pub const CODE_LENGTH: usize = 6;
/// A code is good for fifteen minutes; the player asks for a new one after that.
pub const CODE_TTL_MS: i64 = 15 * 60 * 1000;
/// Code requests per client address and window.
pub const MAX_CODE_REQUESTS: i64 = 20;
pub const REQUEST_WINDOW_MS: i64 = 10 * 60 * 1000;
/// Longest long-poll a player may ask for.
pub const MAX_WAIT_SECS: u64 = 60;

#[derive(Debug, Serialize, ToSchema)]
pub struct PairingStarted {
    /// Shown on screen, e.g. `K7M3QX`; typed by a person into the admin.
    pub code: String,
    /// Known only to this player; it polls `/api/player/v1/pair/status` with it.
    pub secret: String,
    /// Epoch milliseconds.
    pub expires_at: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairingPoll {
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PairingStatus {
    /// Not claimed yet; keep showing the code.
    Waiting { code: String, expires_at: i64 },
    /// Claimed: keep the token (it is not shown again) and start syncing.
    Paired { screen_id: i64, token: String },
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct Wait {
    /// Seconds to wait for a change before answering (at most 60).
    pub wait: Option<u64>,
}

/// Normalizes a typed code: case and separators do not matter.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LENGTH];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    // 256 is not a multiple of the alphabet size: the tiny bias does not matter for a
    // fifteen-minute code that is also rate-limited.
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Counts one request for `key`; `Some(seconds)` when over the limit.
async fn over_limit(db: &Db, key: &str) -> DbResult<Option<u64>> {
    let now = now_ms();
    sql(
        "INSERT INTO pairing_requests (key, window_start, requests) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           requests = CASE WHEN pairing_requests.window_start + $3 <= $2 THEN 1 \
                           ELSE pairing_requests.requests + 1 END, \
           window_start = CASE WHEN pairing_requests.window_start + $3 <= $2 THEN $2 \
                               ELSE pairing_requests.window_start END",
    )
    .bind(key)
    .bind(now)
    .bind(REQUEST_WINDOW_MS)
    .execute(db)
    .await?;
    let (start, requests): (i64, i64) =
        sql("SELECT window_start, requests FROM pairing_requests WHERE key = $1")
            .bind(key)
            .fetch_one(db)
            .await?;
    Ok((requests > MAX_CODE_REQUESTS)
        .then(|| ((start + REQUEST_WINDOW_MS - now).max(1000) as u64).div_ceil(1000)))
}

/// An unpaired player asks for a code to show.
#[utoipa::path(post, path = "/api/player/v1/pair", tag = "player",
    responses((status = 201, body = PairingStarted), (status = 429, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
) -> ApiResult<(axum::http::StatusCode, Json<PairingStarted>)> {
    let key = format!("pair:{}", ip.map(|ip| ip.to_string()).unwrap_or_default());
    if let Some(retry_after_secs) = over_limit(&state.db, &key).await? {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let now = now_ms();
    sql("DELETE FROM pairings WHERE expires_at <= $1")
        .bind(now)
        .execute(&state.db)
        .await?;
    let secret = token::generate("vp_");
    let expires_at = now + CODE_TTL_MS;
    // A fresh code collides with a live one about never; try again if it does.
    for _ in 0..5 {
        let code = new_code();
        let inserted = sql(
            "INSERT INTO pairings (code, secret_hash, created_at, expires_at) \
                            VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&code)
        .bind(token::hash(&secret))
        .bind(now)
        .bind(expires_at)
        .execute(&state.db)
        .await?;
        if inserted == 1 {
            return Ok((
                axum::http::StatusCode::CREATED,
                Json(PairingStarted {
                    code,
                    secret,
                    expires_at,
                }),
            ));
        }
    }
    Err(ApiError::internal("no free pairing code"))
}

#[derive(sqlx::FromRow)]
struct PairingRow {
    code: String,
    expires_at: i64,
    screen_id: Option<i64>,
}

/// The player polls until its code is claimed (`?wait=N` holds the answer until then).
#[utoipa::path(post, path = "/api/player/v1/pair/status", tag = "player",
    params(Wait), request_body = PairingPoll,
    responses((status = 200, body = PairingStatus), (status = 404, body = Problem),
        (status = 410, body = Problem, description = "the code expired: ask for a new one")))]
pub async fn status(
    State(state): State<AppState>,
    ApiQuery(wait): ApiQuery<Wait>,
    ApiJson(poll): ApiJson<PairingPoll>,
) -> ApiResult<Json<PairingStatus>> {
    let hash = token::hash(&poll.secret);
    let deadline = tokio::time::Instant::now()
        + Duration::from_secs(wait.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    loop {
        let row: PairingRow =
            sql("SELECT code, expires_at, screen_id FROM pairings WHERE secret_hash = $1")
                .bind(&hash)
                .fetch_optional(&state.db)
                .await?
                .ok_or(ApiError::NotFound)?;
        if let Some(screen) = row.screen_id {
            return Ok(Json(finish(&state, &hash, screen).await?));
        }
        if row.expires_at <= now_ms() {
            return Err(ApiError::Gone(
                "the pairing code expired; ask for a new one".into(),
            ));
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(Json(PairingStatus::Waiting {
                code: row.code,
                expires_at: row.expires_at,
            }));
        }
        // Claims are rare and people are slow: a short sleep is simpler than a channel.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Hands out the device token for a claimed pairing, exactly once.
async fn finish(state: &AppState, secret_hash: &str, screen: i64) -> ApiResult<PairingStatus> {
    let mut tx = state.db.begin().await?;
    let gone = sql("DELETE FROM pairings WHERE secret_hash = $1")
        .bind(secret_hash)
        .execute(&mut tx)
        .await?;
    if gone == 0 {
        // Another poll with the same secret got it first.
        return Err(ApiError::NotFound);
    }
    let token = set_new_token(&mut tx, screen).await?;
    tx.commit().await?;
    // Whatever the old token held open (a push stream, a long-poll) ends now.
    state.push.poke(&[ScreenId(screen)], Poke::Device);
    Ok(PairingStatus::Paired {
        screen_id: screen,
        token,
    })
}

/// Gives `screen` a new device token (the old one stops working) and returns it. Other
/// server instances drop the old token from their caches, and end the streams it opened, when
/// the commit announces it; the caller pokes the screen on its own instance after the commit.
pub async fn set_new_token(tx: &mut Tx, screen: i64) -> DbResult<String> {
    let secret = token::generate("vd_");
    sql("UPDATE screens SET device_token_hash = $1 WHERE id = $2")
        .bind(token::hash(&secret))
        .bind(screen)
        .execute(&mut *tx)
        .await?;
    crate::push::announce(tx, &[ScreenId(screen)], Poke::Device).await?;
    Ok(secret)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedToken {
    pub token: String,
}

/// Replaces the device token; the one used for this request stops working.
#[utoipa::path(post, path = "/api/player/v1/token", tag = "player",
    responses((status = 200, body = RotatedToken), (status = 401, body = Problem)))]
pub async fn rotate(
    State(state): State<AppState>,
    device: Device,
) -> ApiResult<Json<RotatedToken>> {
    let mut tx = state.db.begin().await?;
    let token = set_new_token(&mut tx, device.screen.0).await?;
    tx.commit().await?;
    state.push.poke(&[device.screen], Poke::Device);
    Ok(Json(RotatedToken { token }))
}

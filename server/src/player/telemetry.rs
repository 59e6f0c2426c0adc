//! What players report: heartbeats, proof of play, screenshots.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::events::{Heartbeat, PlaysReply, ProofOfPlay, ProofOfPlayBatch, RefusedPlay};

use super::{Device, seen};
use crate::db::{now_ms, sql};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

pub const MAX_SCREENSHOT_BYTES: usize = 8 * 1024 * 1024;
pub const MAX_BATCH: usize = 1000;
const MINUTE_MS: i64 = 60 * 1000;
const HOUR_MS: i64 = 3600 * 1000;
const QUARTER_MS: i64 = 15 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Serialize, ToSchema)]
pub struct HeartbeatReply {
    /// The version the screen should have; a different one means fetch the manifest.
    pub manifest_version: i64,
    /// The server's clock (epoch milliseconds), to notice a wrong screen clock.
    pub server_time: i64,
    /// Key pins (sha256//BASE64) a screen that pinned the server's key trusts from now on:
    /// the served certificate's and the next key's, so a key change does not cut it off.
    /// Empty when the server does not know its certificate (a proxy terminates TLS).
    #[schema(value_type = Vec<String>, example = json!(["sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="]))]
    pub tls_pins: Vec<vitrin_shared::pin::Pin>,
}

/// The screen's status report; the server shows the screen online until 1.1 × its heartbeat
/// interval passes without one.
#[utoipa::path(post, path = "/api/player/v1/heartbeat", tag = "player",
    request_body = Heartbeat,
    responses((status = 200, body = HeartbeatReply), (status = 401, body = Problem),
        (status = 422, body = Problem)))]
pub async fn heartbeat(
    State(state): State<AppState>,
    device: Device,
    ApiJson(beat): ApiJson<Heartbeat>,
) -> ApiResult<Json<HeartbeatReply>> {
    let mut errors = ValidationErrors::new();
    if beat.player_version.len() > 64 {
        errors.add("player_version", "too_long", "at most 64 characters");
    }
    if beat.platform.as_ref().is_some_and(|p| p.len() > 200) {
        errors.add("platform", "too_long", "at most 200 characters");
    }
    if beat.showing.len() > 32 {
        errors.add("showing", "too_many", "at most 32 zones");
    }
    if beat.last_error.as_ref().is_some_and(|e| e.len() > 2000) {
        errors.add("last_error", "too_long", "at most 2000 characters");
    }
    errors.into_result()?;
    let now = now_ms();
    sql("UPDATE screens SET last_seen_at = $1, status = $2 WHERE id = $3")
        .bind(now)
        .bind(serde_json::to_string(&beat).expect("heartbeats serialize"))
        .bind(device.screen.0)
        .execute(&state.db)
        .await?;
    let (version, heartbeat_secs): (i64, i64) =
        sql("SELECT manifest_version, heartbeat_secs FROM screens WHERE id = $1")
            .bind(device.screen.0)
            .fetch_one(&state.db)
            .await?;
    // The uptime report: the minutes this heartbeat's interval covers count as online.
    let first = now.div_euclid(MINUTE_MS);
    let last = (now + heartbeat_secs.clamp(1, 3600) * 1000 - 1).div_euclid(MINUTE_MS);
    let values: Vec<String> = (first..=last)
        .map(|m| format!("($1, $2, {})", m * MINUTE_MS))
        .collect();
    sql(format!(
        "INSERT INTO screen_minutes (org_id, screen_id, minute) VALUES {} \
         ON CONFLICT (screen_id, minute) DO NOTHING",
        values.join(", ")
    ))
    .bind(device.org.0)
    .bind(device.screen.0)
    .execute(&state.db)
    .await?;
    Ok(Json(HeartbeatReply {
        manifest_version: version,
        server_time: now,
        tls_pins: state.tls_pins(),
    }))
}

/// Why one record cannot be stored: (field, code, message), or `None` if it can.
fn check_record(
    record: &ProofOfPlay,
    now: i64,
) -> Option<(&'static str, &'static str, &'static str)> {
    let id_ok = (1..=64).contains(&record.event_id.len())
        && record
            .event_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b));
    let (start, end) = (
        record.started_at.as_millisecond(),
        record.ended_at.as_millisecond(),
    );
    if !id_ok {
        Some(("event_id", "invalid", "1 to 64 of A-Z a-z 0-9 - _ : ."))
    } else if record.zone.is_empty() || record.zone.len() > 64 {
        Some(("zone", "invalid", "1 to 64 characters"))
    } else if end < start {
        Some(("ended_at", "before_start", "ends before it starts"))
    } else if end - start > DAY_MS {
        Some(("ended_at", "too_long", "one record covers at most a day"))
    } else if end > now + DAY_MS {
        Some((
            "ended_at",
            "in_future",
            "more than a day ahead of the server",
        ))
    } else {
        None
    }
}

/// Proof of play, in batches of at most [`MAX_BATCH`]. Each record is checked on its own: the
/// valid ones are stored and the others are listed in `refused`, so one record from a screen
/// whose clock ran ahead does not cost the good records around it, and the player can drop
/// exactly what would be refused again. A record whose `event_id` the screen already sent is
/// counted once, so a retried upload is harmless.
#[utoipa::path(post, path = "/api/player/v1/plays", tag = "player",
    request_body = ProofOfPlayBatch,
    responses((status = 200, body = PlaysReply), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "not a batch, or too many records")))]
pub async fn plays(
    State(state): State<AppState>,
    device: Device,
    ApiJson(batch): ApiJson<ProofOfPlayBatch>,
) -> ApiResult<Json<PlaysReply>> {
    if batch.records.len() > MAX_BATCH {
        return Err(ApiError::field(
            "records",
            "too_many",
            format!("at most {MAX_BATCH} records per batch"),
        ));
    }
    let now = now_ms();
    let mut refused = Vec::new();
    let mut valid = Vec::with_capacity(batch.records.len());
    for (index, record) in batch.records.iter().enumerate() {
        match check_record(record, now) {
            None => valid.push(record),
            Some((field, code, message)) => refused.push(RefusedPlay {
                index,
                event_id: record.event_id.chars().take(64).collect(),
                field: field.to_owned(),
                code: code.to_owned(),
                message: message.to_owned(),
            }),
        }
    }
    seen(&state, device).await;
    // Every statement in one order (event id, then aggregate key): two batches of one screen
    // in flight at once (a retry overtaking its original) then lock rows in the same order
    // instead of deadlocking, which PostgreSQL answered with a 500.
    valid.sort_by(|a, b| a.event_id.cmp(&b.event_id));
    let mut tx = state.db.begin().await?;
    let mut accepted = 0;
    // (plays, milliseconds) per (content, hour) and per (content, playlist, quarter hour).
    let mut hours: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    let mut quarters: BTreeMap<(i64, i64, i64), (i64, i64)> = BTreeMap::new();
    for record in &valid {
        let (start, end) = (
            record.started_at.as_millisecond(),
            record.ended_at.as_millisecond(),
        );
        let inserted = sql(
            "INSERT INTO plays (screen_id, event_id, content_id, playlist_id, \
                            layout_id, rule_id, zone, started_at, ended_at) \
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                            ON CONFLICT (screen_id, event_id) DO NOTHING",
        )
        .bind(device.screen.0)
        .bind(&record.event_id)
        .bind(record.content.0)
        .bind(record.playlist.0)
        .bind(record.layout.map(|l| l.0))
        .bind(record.rule.map(|r| r.0))
        .bind(&record.zone)
        .bind(start)
        .bind(end)
        .execute(&mut tx)
        .await?;
        if inserted == 0 {
            continue;
        }
        accepted += 1;
        let add = |sum: &mut (i64, i64)| *sum = (sum.0 + 1, sum.1 + end - start);
        add(hours
            .entry((record.content.0, start - start.rem_euclid(HOUR_MS)))
            .or_default());
        // What reports read: per playlist too, in quarter hours that fit every local hour.
        add(quarters
            .entry((
                record.content.0,
                record.playlist.0,
                start - start.rem_euclid(QUARTER_MS),
            ))
            .or_default());
    }
    for ((content, hour), (plays, play_ms)) in hours {
        sql(
            "INSERT INTO play_hours (org_id, screen_id, content_id, hour, plays, play_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (screen_id, content_id, hour) DO UPDATE SET \
               plays = play_hours.plays + $5, play_ms = play_hours.play_ms + $6",
        )
        .bind(device.org.0)
        .bind(device.screen.0)
        .bind(content)
        .bind(hour)
        .bind(plays)
        .bind(play_ms)
        .execute(&mut tx)
        .await?;
    }
    for ((content, playlist, quarter), (plays, play_ms)) in quarters {
        sql(
            "INSERT INTO play_quarters (org_id, screen_id, content_id, playlist_id, quarter, \
               plays, play_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (screen_id, content_id, playlist_id, quarter) DO UPDATE SET \
               plays = play_quarters.plays + $6, play_ms = play_quarters.play_ms + $7",
        )
        .bind(device.org.0)
        .bind(device.screen.0)
        .bind(content)
        .bind(playlist)
        .bind(quarter)
        .bind(plays)
        .bind(play_ms)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Json(PlaysReply {
        accepted,
        duplicates: valid.len() - accepted,
        refused,
    }))
}

/// The answer to a `screenshot` command: the raw PNG or JPEG, at most 8 MiB. The type is
/// taken from the bytes.
#[utoipa::path(put, path = "/api/player/v1/screenshot", tag = "player",
    request_body(content_type = "image/png", content = Vec<u8>),
    responses((status = 204), (status = 413, body = Problem), (status = 415, body = Problem)))]
pub async fn screenshot(
    State(state): State<AppState>,
    device: Device,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<StatusCode> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "screenshots are at most {} MiB",
                MAX_SCREENSHOT_BYTES / (1024 * 1024)
            ))
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })?;
    let mime = if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if body.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return Err(ApiError::UnsupportedMedia(
            "a screenshot is a PNG or JPEG image".into(),
        ));
    };
    let size = body.len() as i64;
    state.blobs.put_screenshot(device.screen.0, body).await?;
    sql(
        "INSERT INTO screenshots (screen_id, mime, size, taken_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (screen_id) DO UPDATE SET mime = $2, size = $3, taken_at = $4",
    )
    .bind(device.screen.0)
    .bind(mime)
    .bind(size)
    .bind(now_ms())
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

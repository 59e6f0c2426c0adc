//! The push stream: Server-Sent Events telling a screen that its manifest changed, carrying
//! commands (acknowledged by the player) and emergency messages.
//!
//! Each event's id is the stream position `<manifest version>.<last screen event id>`; a
//! player reconnecting with `Last-Event-ID` gets exactly what it missed: the manifest version
//! if it moved, and the commands and emergencies after that position.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use vitrin_shared::events::{CommandAck, PushEvent};
use vitrin_shared::ids::ScreenId;

use super::{Device, seen};
use crate::db::{Db, DbResult, now_ms, sql};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Commands older than this are not delivered any more: a screen that was away for longer
/// gets the current state from its manifest instead.
pub const COMMAND_TTL_MS: i64 = 10 * 60 * 1000;
/// Comment lines keep idle connections (and proxies) from timing out.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Where a stream is: the manifest version and the last screen event it delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    version: Option<u64>,
    event: i64,
}

impl Cursor {
    fn parse(value: &str) -> Option<Cursor> {
        let (version, event) = value.trim().split_once('.')?;
        Some(Cursor {
            version: Some(version.parse().ok()?),
            event: event.parse().ok()?,
        })
    }

    fn id(&self) -> String {
        format!("{}.{}", self.version.unwrap_or(0), self.event)
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    payload: String,
}

/// Reads what the screen should be told since `cursor`, and moves the cursor past it. `None`
/// when the stream's device token no longer opens the screen (unpaired, paired again, rotated
/// or deleted): the stream must end without sending anything more.
async fn pending(
    db: &Db,
    screen: ScreenId,
    token_hash: &str,
    cursor: &mut Cursor,
) -> DbResult<Option<Vec<Event>>> {
    let now = now_ms();
    // Commands not yet acknowledged and still fresh; emergencies whose rule still exists.
    let rows: Vec<EventRow> = sql(
        "SELECT e.id, e.payload FROM screen_events e WHERE e.screen_id = $1 AND e.id > $2 \
         AND ((e.kind = 'command' AND e.acked_at IS NULL AND e.created_at > $3) \
              OR (e.kind = 'emergency' AND EXISTS (SELECT 1 FROM rules r WHERE r.id = e.rule_id))) \
         ORDER BY e.id",
    )
    .bind(screen.0)
    .bind(cursor.event)
    .bind(now - COMMAND_TTL_MS)
    .fetch_all(db)
    .await?;
    // Read after the events: if the token still holds now, every event read above was made
    // while the screen was paired with it.
    let row: Option<(i64, Option<String>)> =
        sql("SELECT manifest_version, device_token_hash FROM screens WHERE id = $1")
            .bind(screen.0)
            .fetch_optional(db)
            .await?;
    let Some((version, Some(current_hash))) = row else {
        return Ok(None);
    };
    if current_hash != token_hash {
        return Ok(None);
    }
    let mut out = Vec::new();
    let version = version as u64;
    if cursor.version != Some(version) {
        cursor.version = Some(version);
        out.push(event(&PushEvent::Manifest { version }, cursor));
    }
    for row in rows {
        cursor.event = row.id;
        if let Ok(push) = serde_json::from_str::<PushEvent>(&row.payload) {
            out.push(event(&push, cursor));
        }
    }
    Ok(Some(out))
}

/// What to send after a wake-up, as [`pending`] reads it, with the screen's row read in one
/// batch with the other streams woken at the same moment: a publish wakes thousands. Only a
/// stream with a command or emergency to deliver reads its events itself.
async fn woken(
    state: &AppState,
    screen: ScreenId,
    token_hash: &str,
    cursor: &mut Cursor,
) -> DbResult<Option<Vec<Event>>> {
    // Subscribed before the read, like the manifest request's own (`sync::current`): the
    // version read here answers the request the event is about to cause, on this instance.
    let changes = state.push.subscribe(screen);
    let Some(row) = state.screen_reads.screen(screen).await? else {
        return Ok(None);
    };
    if row.device_token_hash.as_deref() != Some(token_hash) {
        return Ok(None);
    }
    state.device_cache.remember_version(
        screen,
        changes,
        row.manifest_version as u64,
        row.manifest_hash.clone(),
    );
    if row.deliverable_event > cursor.event {
        return pending(&state.db, screen, token_hash, cursor).await;
    }
    let mut out = Vec::new();
    let version = row.manifest_version as u64;
    if cursor.version != Some(version) {
        cursor.version = Some(version);
        out.push(event(&PushEvent::Manifest { version }, cursor));
    }
    Ok(Some(out))
}

fn event(push: &PushEvent, cursor: &Cursor) -> Event {
    Event::default()
        .event(push.name())
        .id(cursor.id())
        .json_data(push)
        .expect("push events serialize")
}

/// The screen's event stream (`text/event-stream`). The first event tells the current manifest
/// version unless `Last-Event-ID` shows the player already has it.
#[utoipa::path(get, path = "/api/player/v1/events", tag = "player",
    params(("Last-Event-ID" = Option<String>, Header, description = "resume position")),
    responses((status = 200, content_type = "text/event-stream", body = PushEvent),
        (status = 401, body = Problem)))]
pub async fn stream(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
) -> ApiResult<Response> {
    seen(&state, device).await;
    let token_hash = super::token_hash(&headers).ok_or(ApiError::Unauthenticated)?;
    let cursor = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(Cursor::parse)
        .unwrap_or(Cursor {
            version: None,
            // A new connection gets commands from the last ten minutes, not older ones.
            event: 0,
        });
    let changes = state.push.subscribe(device.screen);
    let state = state.clone();
    let screen = device.screen;
    // One batch per wake-up: read the database, send what is new, wait for the next poke.
    let batches = stream::unfold(
        (changes, cursor, true),
        move |(mut changes, mut cursor, first)| {
            let state = state.clone();
            let token_hash = token_hash.clone();
            async move {
                if !first && changes.changed().await.is_err() {
                    return None;
                }
                changes.borrow_and_update();
                match woken(&state, screen, &token_hash, &mut cursor).await {
                    Ok(Some(events)) => Some((events, (changes, cursor, false))),
                    Ok(None) => {
                        tracing::info!(screen = screen.0, "push stream ends: token revoked");
                        None
                    }
                    Err(e) => {
                        tracing::warn!(screen = screen.0, "push stream ends: {e}");
                        None
                    }
                }
            }
        },
    );
    let events = batches.flat_map(|batch| stream::iter(batch.into_iter().map(Ok::<_, Infallible>)));
    Ok(sse(events))
}

fn sse(events: impl Stream<Item = Result<Event, Infallible>> + Send + 'static) -> Response {
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    // nginx would otherwise buffer the stream and delay every event.
    response
        .headers_mut()
        .insert("x-accel-buffering", "no".parse().expect("valid header"));
    response
}

/// The player's answer to a command event. Acknowledging twice changes nothing.
#[utoipa::path(post, path = "/api/player/v1/acks", tag = "player", request_body = CommandAck,
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn ack(
    State(state): State<AppState>,
    device: Device,
    ApiJson(ack): ApiJson<CommandAck>,
) -> ApiResult<StatusCode> {
    let id = ack.id.0;
    let error: Option<String> = ack.error.map(|e| e.chars().take(1000).collect());
    let found = sql(
        "SELECT COUNT(*) FROM screen_events WHERE id = $1 AND screen_id = $2 \
                     AND kind = 'command'",
    )
    .bind(id)
    .bind(device.screen.0)
    .fetch_i64(&state.db)
    .await?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    sql(
        "UPDATE screen_events SET acked_at = $1, ok = $2, error = $3 \
         WHERE id = $4 AND acked_at IS NULL",
    )
    .bind(now_ms())
    .bind(ack.ok)
    .bind(error)
    .bind(id)
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let cursor = Cursor {
            version: Some(7),
            event: 42,
        };
        assert_eq!(Cursor::parse(&cursor.id()), Some(cursor));
        assert_eq!(Cursor::parse("x.1"), None);
        assert_eq!(Cursor::parse("7"), None);
    }
}

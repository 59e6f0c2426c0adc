//! Hourly housekeeping: unused media blobs, raw proof-of-play rows past their retention (the
//! hourly aggregates stay), spent screen events, expired pairing codes and sessions.

use std::time::Duration;

use crate::db::{DbResult, now_ms, sql};
use crate::state::AppState;

/// Unreferenced media blobs are kept this long before they are deleted.
pub const BLOB_GRACE_MS: i64 = 24 * 3600 * 1000;
/// A staging copy older than this is left over from a crash (a commit takes seconds).
pub const STAGING_GRACE_MS: i64 = 3600 * 1000;
/// A day, for `Config::raw_retention_days` (raw plays and heartbeat minutes; `play_hours`
/// and `play_quarters` keep the counts for good).
pub const DAY_MS: i64 = 24 * 3600 * 1000;
/// The default raw retention, 90 days.
pub const PLAY_RETENTION_MS: i64 = 90 * DAY_MS;
/// Commands and emergency events are history after a week.
pub const EVENT_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;

/// What one pass removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub blobs: usize,
    pub staging: usize,
    pub plays: u64,
    pub minutes: u64,
    pub events: u64,
    pub pairings: u64,
    pub sessions: u64,
}

/// One pass over everything.
pub async fn sweep(state: &AppState) -> DbResult<Swept> {
    let now = now_ms();
    let db = &state.db;
    let raw_cutoff = now - i64::from(state.config.raw_retention_days) * DAY_MS;
    Ok(Swept {
        blobs: crate::domain::media::collect_garbage(state, BLOB_GRACE_MS).await?,
        staging: match state.blobs.delete_stale_staging(STAGING_GRACE_MS).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!("cannot clear stale staging copies: {e}");
                0
            }
        },
        plays: sql("DELETE FROM plays WHERE ended_at < $1")
            .bind(raw_cutoff)
            .execute(db)
            .await?,
        minutes: sql("DELETE FROM screen_minutes WHERE minute < $1")
            .bind(raw_cutoff)
            .execute(db)
            .await?,
        events: sql("DELETE FROM screen_events WHERE created_at < $1")
            .bind(now - EVENT_RETENTION_MS)
            .execute(db)
            .await?,
        pairings: sql("DELETE FROM pairings WHERE expires_at <= $1")
            .bind(now)
            .execute(db)
            .await?,
        sessions: sql("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(db)
            .await?,
    })
}

/// Runs `sweep` every hour for as long as the server runs.
pub async fn hourly(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match sweep(&state).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::warn!("housekeeping failed: {e}"),
        }
    }
}

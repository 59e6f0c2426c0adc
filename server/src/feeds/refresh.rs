//! The refresh loop: every few seconds, claim the due sources, fetch them, store what came back
//! and bump the manifests of the screens that show it.
//!
//! - Claiming is one conditional `UPDATE` (a lease with an owner token and an expiry), so two
//!   server instances, or two passes racing in one, never fetch the same source at once; a
//!   crashed fetcher's lease simply expires.
//! - Success stores the data (keeping the time it first arrived when it is the same again),
//!   clears the error, and schedules the next fetch by the source's interval or cron line.
//! - Failure keeps the last good data, records the error in words and retries with exponential
//!   back-off (30 s doubling up to an hour).
//! - Data older than the source's `stale_after_secs` is marked stale; the flag is part of the
//!   manifest, so turning stale is a manifest change too.
//! - Whatever changes what screens get runs `manifest::bump_changed` in the same transaction,
//!   announces the bumped screens (NOTIFY on PostgreSQL) and pokes their push streams.

use std::time::Duration;

use jiff::Timestamp;
use tokio::task::JoinSet;
use vitrin_shared::feed::FeedData;
use vitrin_shared::ids::{FeedId, OrgId, ScreenId};

use super::fetch::Fetcher;
use super::{Refresh, SourceError, SourceSpec, currency, parse_news, weather};
use crate::db::{DbResult, Tx, now_ms, sql};
use crate::manifest;
use crate::push::Poke;
use crate::state::AppState;

/// A row of `feeds`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedRow {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub source: String,
    pub interval_secs: Option<i64>,
    pub cron: Option<String>,
    pub timezone: Option<String>,
    pub stale_after_secs: i64,
    pub data: Option<String>,
    pub data_at: Option<i64>,
    pub stale: bool,
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub failures: i64,
    pub next_refresh_at: Option<i64>,
    pub lease_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const FEED_COLUMNS: &str = "id, org_id, name, kind, source, interval_secs, cron, timezone, \
     stale_after_secs, data, data_at, stale, last_attempt_at, last_success_at, last_error, \
     failures, next_refresh_at, lease_until, created_at, updated_at";

impl FeedRow {
    pub fn spec(&self) -> Result<SourceSpec, SourceError> {
        serde_json::from_str(&self.source).map_err(|e| {
            SourceError::Content(format!("the stored source settings are unreadable: {e}"))
        })
    }

    pub fn refresh(&self) -> Refresh {
        Refresh {
            every_secs: self.interval_secs.map(|s| s as u32),
            cron: self.cron.clone(),
            timezone: self.timezone.clone(),
        }
    }

    pub fn data(&self) -> Option<FeedData> {
        self.data
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
    }
}

/// What one source's refresh came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New data stored.
    Changed,
    /// The same data again: only the time of the last success moved.
    Unchanged,
    /// Recorded as the source's error; the last good data stays.
    Failed(String),
    /// Someone else holds the lease (or took it over): nothing done here.
    Busy,
}

/// What a pass did, for logs and tests.
#[derive(Debug, Default)]
pub struct Pass {
    pub outcomes: Vec<(FeedId, Outcome)>,
    pub went_stale: Vec<FeedId>,
    pub bumped: Vec<ScreenId>,
}

impl Pass {
    /// The sources this pass fetched (claimed), whatever came of it.
    pub fn fetched(&self) -> Vec<FeedId> {
        self.outcomes
            .iter()
            .filter(|(_, o)| *o != Outcome::Busy)
            .map(|(id, _)| *id)
            .collect()
    }
}

/// Sources fetched at the same time by one pass.
const PARALLEL: usize = 4;
/// Sources looked at per pass; the rest wait for the next tick.
const BATCH: i64 = 64;
/// First retry after a failure; it doubles with each further failure.
pub const BACKOFF_START_MS: i64 = 30_000;
/// Longest wait between retries.
pub const BACKOFF_CAP_MS: i64 = 3_600_000;
/// How long a lease outlives the fetch deadline, for writing the result.
const LEASE_MARGIN_MS: i64 = 60_000;

/// The delay before retrying after the `failures`-th failure in a row.
pub fn backoff_ms(failures: i64) -> i64 {
    let doublings = (failures.max(1) - 1).min(20) as u32;
    BACKOFF_START_MS
        .saturating_mul(1 << doublings)
        .min(BACKOFF_CAP_MS)
}

/// Runs passes every `feed_limits.tick` for as long as the server runs.
pub async fn run(state: AppState) {
    tokio::time::sleep(START_DELAY).await;
    let mut tick = tokio::time::interval(state.config.feed_limits.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match refresh_due(&state, now_ms()).await {
            Ok(pass) => {
                for (feed, outcome) in &pass.outcomes {
                    if let Outcome::Failed(error) = outcome {
                        tracing::info!(%feed, %error, "feed refresh failed");
                    }
                }
            }
            Err(e) => tracing::warn!("feed refresh pass failed: {e}"),
        }
    }
}

/// One pass at `now` (epoch ms): fetches every due source this instance can claim, then marks
/// sources stale whose data has grown too old.
pub async fn refresh_due(state: &AppState, now: i64) -> DbResult<Pass> {
    let due: Vec<(i64,)> = sql(
        "SELECT id FROM feeds WHERE next_refresh_at IS NOT NULL AND next_refresh_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_refresh_at, id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(&state.db)
    .await?;
    let mut pass = Pass::default();
    let mut queue = due.into_iter().map(|(id,)| id);
    let mut tasks = JoinSet::new();
    let spawn = |tasks: &mut JoinSet<_>, id: i64| {
        let state = state.clone();
        tasks.spawn(async move { (id, refresh_one(&state, id, now).await) });
    };
    for id in queue.by_ref().take(PARALLEL) {
        spawn(&mut tasks, id);
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((id, Ok((outcome, bumped)))) => {
                pass.outcomes.push((FeedId(id), outcome));
                pass.bumped.extend(bumped);
            }
            Ok((id, Err(e))) => tracing::warn!(feed = id, "feed refresh not recorded: {e}"),
            Err(e) => tracing::error!("feed refresh task failed: {e}"),
        }
        if let Some(id) = queue.next() {
            spawn(&mut tasks, id);
        }
    }
    pass.outcomes.sort_by_key(|(id, _)| *id);
    let (stale, bumped) = mark_stale(state, now).await?;
    pass.went_stale = stale;
    pass.bumped.extend(bumped);
    Ok(pass)
}

fn lease_token() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// Claims one due source and refreshes it. Returns what happened and the screens bumped.
pub async fn refresh_one(
    state: &AppState,
    id: i64,
    now: i64,
) -> DbResult<(Outcome, Vec<ScreenId>)> {
    let token = lease_token();
    let deadline = i64::try_from(state.config.feed_limits.total_timeout.as_millis()).unwrap_or(0);
    let claimed = sql(
        "UPDATE feeds SET lease_owner = $1, lease_until = $2, last_attempt_at = $3 \
         WHERE id = $4 AND next_refresh_at IS NOT NULL AND next_refresh_at <= $3 \
         AND (lease_until IS NULL OR lease_until < $3)",
    )
    .bind(&token)
    .bind(now + deadline + LEASE_MARGIN_MS)
    .bind(now)
    .bind(id)
    .execute(&state.db)
    .await?;
    if claimed == 0 {
        return Ok((Outcome::Busy, Vec::new()));
    }
    let row: FeedRow = sql(format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = $1"))
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    match produce(state, &row, now).await {
        Ok(data) => record_success(state, &row, &token, data, now).await,
        Err(e) => record_failure(state, &row, &token, e.to_string(), now).await,
    }
}

/// Accept headers: what each kind of source is asked for.
const NEWS_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/rdf+xml, \
     application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1";
const JSON_ACCEPT: &str = "application/json, */*;q=0.1";

/// Fetches and reads a source.
async fn produce(state: &AppState, row: &FeedRow, now: i64) -> Result<FeedData, SourceError> {
    let fetcher = Fetcher {
        limits: &state.config.feed_limits,
        allow: &state.config.feed_allow,
    };
    match row.spec()? {
        SourceSpec::News { url, max_items } => {
            let got = fetcher.get(&url, NEWS_ACCEPT).await?;
            let items =
                parse_news::parse(&got.body, got.content_type.as_deref(), max_items as usize)?;
            Ok(FeedData::News { items })
        }
        SourceSpec::Weather {
            base_url,
            latitude,
            longitude,
            place,
            unit,
            wind_unit,
            days,
        } => {
            let url = weather::request_url(&weather::Query {
                base_url: &base_url,
                latitude,
                longitude,
                unit,
                wind_unit,
                days,
            })?;
            let got = fetcher.get(url.as_str(), JSON_ACCEPT).await?;
            let weather = weather::parse(
                &got.body,
                got.content_type.as_deref(),
                unit,
                place.as_deref(),
            )?;
            Ok(FeedData::Weather(weather))
        }
        SourceSpec::Currency { url, symbols } => {
            let got = fetcher.get(&url, JSON_ACCEPT).await?;
            let rates = currency::extract(&got.body, got.content_type.as_deref(), &symbols)?;
            let old = match row.data() {
                Some(FeedData::Currency { rates }) => rates,
                _ => Vec::new(),
            };
            let now = Timestamp::from_millisecond(now).unwrap_or(Timestamp::UNIX_EPOCH);
            Ok(FeedData::Currency {
                rates: currency::merge(rates, &old, now),
            })
        }
        SourceSpec::ManualCurrency {} => Err(SourceError::Content(
            "the rates of this feed are typed in by hand; there is nothing to fetch".into(),
        )),
    }
}

/// Bumps the organization's changed manifests inside `tx` and announces them.
pub async fn bump(tx: &mut Tx, org: OrgId) -> DbResult<Vec<ScreenId>> {
    let bumped = manifest::bump_changed(tx, org, None).await?;
    crate::push::announce(tx, &bumped, Poke::News).await?;
    Ok(bumped)
}

async fn release(state: &AppState, id: i64, token: &str) -> DbResult<()> {
    sql("UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2")
        .bind(id)
        .bind(token)
        .execute(&state.db)
        .await?;
    Ok(())
}

async fn record_success(
    state: &AppState,
    row: &FeedRow,
    token: &str,
    data: FeedData,
    now: i64,
) -> DbResult<(Outcome, Vec<ScreenId>)> {
    let json = serde_json::to_string(&data).expect("feed data serializes");
    let changed = row.data.as_deref() != Some(json.as_str());
    let data_at = if changed {
        now
    } else {
        row.data_at.unwrap_or(now)
    };
    let mut tx = state.db.begin().await?;
    // Written only while the lease is ours and the settings are the ones fetched with: an
    // edit during the fetch wins, and the source is fetched again by its new settings.
    let written = sql(
        "UPDATE feeds SET data = $1, data_at = $2, last_success_at = $3, last_error = NULL, \
         failures = 0, stale = $4, next_refresh_at = $5, lease_owner = NULL, lease_until = NULL \
         WHERE id = $6 AND lease_owner = $7 AND source = $8",
    )
    .bind(json)
    .bind(data_at)
    .bind(now)
    .bind(false)
    .bind(row.refresh().next_after(now))
    .bind(row.id)
    .bind(token)
    .bind(&row.source)
    .execute(&mut tx)
    .await?;
    if written == 0 {
        drop(tx);
        release(state, row.id, token).await?;
        return Ok((Outcome::Busy, Vec::new()));
    }
    let bumped = if changed || row.stale {
        bump(&mut tx, OrgId(row.org_id)).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    state.push.poke(&bumped, Poke::News);
    let outcome = if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    };
    Ok((outcome, bumped))
}

async fn record_failure(
    state: &AppState,
    row: &FeedRow,
    token: &str,
    error: String,
    now: i64,
) -> DbResult<(Outcome, Vec<ScreenId>)> {
    let failures = row.failures + 1;
    sql(
        "UPDATE feeds SET last_error = $1, failures = $2, next_refresh_at = $3, \
         lease_owner = NULL, lease_until = NULL WHERE id = $4 AND lease_owner = $5",
    )
    .bind(&error)
    .bind(failures)
    .bind(now + backoff_ms(failures))
    .bind(row.id)
    .bind(token)
    .execute(&state.db)
    .await?;
    Ok((Outcome::Failed(error), Vec::new()))
}

/// Marks stale every source whose last success is older than its limit, bumping the screens
/// that show it. Returns the sources and the screens.
pub async fn mark_stale(state: &AppState, now: i64) -> DbResult<(Vec<FeedId>, Vec<ScreenId>)> {
    let rows: Vec<(i64, i64)> = sql(
        "SELECT id, org_id FROM feeds WHERE stale = $1 AND data IS NOT NULL \
         AND last_success_at IS NOT NULL AND last_success_at + stale_after_secs * 1000 < $2 \
         ORDER BY id",
    )
    .bind(false)
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    let mut feeds = Vec::new();
    let mut screens = Vec::new();
    for (id, org) in rows {
        let mut tx = state.db.begin().await?;
        // Only one instance flips it (and bumps for it).
        let flipped = sql("UPDATE feeds SET stale = $1 WHERE id = $2 AND stale = $3")
            .bind(true)
            .bind(id)
            .bind(false)
            .execute(&mut tx)
            .await?;
        if flipped == 0 {
            continue;
        }
        let bumped = bump(&mut tx, OrgId(org)).await?;
        tx.commit().await?;
        state.push.poke(&bumped, Poke::News);
        feeds.push(FeedId(id));
        screens.extend(bumped);
    }
    Ok((feeds, screens))
}

/// How long to wait for the refresh loop's first pass after start-up, so the server answers
/// requests before it spends time on feeds.
pub const START_DELAY: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(3), 120_000);
        assert_eq!(backoff_ms(7), 1_920_000);
        assert_eq!(backoff_ms(8), BACKOFF_CAP_MS);
        assert_eq!(backoff_ms(500), BACKOFF_CAP_MS);
    }
}

//! The feeds API under `/api/v1/feeds`: sources with their state (last success, last error in
//! words, next refresh, stale), "refresh now", and rates typed in by hand.
//!
//! Roles are those of content: owners, editors and store managers edit, viewers read, another
//! organization's feeds are 404. A feed that content still shows cannot be deleted (409).

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::content::MoneyUnit;
use vitrin_shared::feed::{FeedData, FeedSnapshot, Rate, to_rial};
use vitrin_shared::input::{accept_line, canonical_timezone};

use super::fetch::{self, Fetcher};
use super::refresh::{self, FEED_COLUMNS, FeedRow, Outcome};
use super::{Refresh, SourceSpec, currency};
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{now_ms, sql};
use crate::domain::accept_name;
use crate::domain::feeds::snapshot_of;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, Id};
use crate::refs;
use crate::state::AppState;

/// A feed source and its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    pub id: i64,
    pub name: String,
    /// `news`, `weather` or `currency`: what content may show it (a ticker, a weather slide,
    /// a currency board).
    pub kind: String,
    pub source: SourceSpec,
    pub refresh: Refresh,
    /// Data older than this is still shown, marked as stale.
    pub stale_after_secs: u32,
    pub state: FeedState,
    /// The last good data, exactly as screens get it; absent until the first success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<FeedSnapshot>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How a source is doing. Times are epoch milliseconds.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedState {
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
    /// Why the last attempt failed, in plain words; absent after a success.
    pub last_error: Option<String>,
    /// Failures in a row; each one doubles the wait before the next try (up to an hour).
    pub failures: i64,
    /// When the server fetches it next; absent for rates typed in by hand.
    pub next_refresh_at: Option<i64>,
    /// The data is older than `stale_after_secs`.
    pub stale: bool,
    /// A server is fetching it right now.
    pub refreshing: bool,
}

/// A feed as created or replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedInput {
    pub name: String,
    pub source: SourceSpec,
    /// Default: every 15 minutes for news, 30 for weather, 10 for currency.
    #[serde(default)]
    pub refresh: Refresh,
    /// 60 s to 30 days. Default: 6 hours; a day for rates typed in by hand.
    #[serde(default)]
    pub stale_after_secs: Option<u32>,
}

/// Rates typed in by hand, replacing the feed's list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesInput {
    /// The unit the values are typed in; they are stored in Rial.
    pub unit: MoneyUnit,
    pub rates: Vec<RateInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    pub symbol: String,
    #[serde(default)]
    pub label: Option<String>,
    pub value: i64,
}

const DEFAULT_STALE_SECS: u32 = 6 * 3600;
const DEFAULT_MANUAL_STALE_SECS: u32 = 24 * 3600;
const MAX_STALE_SECS: u32 = 30 * 24 * 3600;
const MAX_SYMBOLS: usize = 100;

impl Feed {
    fn from_row(row: FeedRow, now: i64) -> ApiResult<Feed> {
        let source = row.spec().map_err(ApiError::internal)?;
        let snapshot = match (&row.data, row.data_at) {
            (Some(data), Some(at)) => snapshot_of(row.id, data, at, row.stale),
            _ => None,
        };
        Ok(Feed {
            id: row.id,
            refresh: row.refresh(),
            name: row.name,
            kind: row.kind,
            source,
            stale_after_secs: row.stale_after_secs as u32,
            state: FeedState {
                last_attempt_at: row.last_attempt_at,
                last_success_at: row.last_success_at,
                last_error: row.last_error,
                failures: row.failures,
                next_refresh_at: row.next_refresh_at,
                stale: row.stale,
                refreshing: row.lease_until.is_some_and(|until| until >= now),
            },
            snapshot,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Checks a URL a source will fetch: http(s), and not an address the fetcher would refuse.
fn check_url(field: &str, url: &str, state: &AppState, errors: &mut ValidationErrors) {
    match fetch::parse_url(url) {
        Err(_) => errors.add(
            field,
            "invalid",
            "give a full http:// or https:// address, without a user name or password",
        ),
        Ok(parsed) => {
            if let Some(ip) = fetch::literal_ip(&parsed) {
                let fetcher = Fetcher {
                    limits: &state.config.feed_limits,
                    allow: &state.config.feed_allow,
                };
                if let Err(e) = fetcher.check(parsed.host_str().unwrap_or_default(), ip) {
                    errors.add(field, "blocked_address", e.to_string());
                }
            }
        }
    }
}

fn check_len(field: &str, text: &str, max: usize, errors: &mut ValidationErrors) {
    if text.chars().count() > max {
        errors.add(field, "too_long", format!("use at most {max} characters"));
    }
}

impl FeedInput {
    /// Brings the input into its stored form (texts normalised, the timezone under its
    /// canonical IANA name), then checks it.
    fn accept(&mut self, state: &AppState) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        accept_name(&mut self.name, &mut errors);
        if let Some(tz) = &mut self.refresh.timezone
            && let Some(canonical) = canonical_timezone(tz)
        {
            *tz = canonical;
        }
        match &mut self.source {
            SourceSpec::News { url, max_items } => {
                check_url("source.url", url, state, &mut errors);
                if !(1..=100).contains(max_items) {
                    errors.add("source.max_items", "out_of_range", "keep 1 to 100 items");
                }
            }
            SourceSpec::Weather {
                base_url,
                latitude,
                longitude,
                place,
                days,
                ..
            } => {
                check_url("source.base_url", base_url, state, &mut errors);
                if !(latitude.is_finite() && (-90.0..=90.0).contains(latitude)) {
                    errors.add("source.latitude", "out_of_range", "latitude is -90 to 90");
                }
                if !(longitude.is_finite() && (-180.0..=180.0).contains(longitude)) {
                    errors.add(
                        "source.longitude",
                        "out_of_range",
                        "longitude is -180 to 180",
                    );
                }
                if !(1..=16).contains(days) {
                    errors.add("source.days", "out_of_range", "forecast 1 to 16 days");
                }
                if let Some(place) = place {
                    accept_line("source.place", place, &mut errors);
                    check_len("source.place", place, 100, &mut errors);
                }
            }
            SourceSpec::Currency { url, symbols } => {
                check_url("source.url", url, state, &mut errors);
                if symbols.is_empty() || symbols.len() > MAX_SYMBOLS {
                    errors.add(
                        "source.symbols",
                        "out_of_range",
                        format!("list 1 to {MAX_SYMBOLS} symbols"),
                    );
                }
                let mut seen = HashSet::new();
                for (i, s) in symbols.iter_mut().enumerate() {
                    let field = format!("source.symbols.{i}");
                    check_symbol(&field, &s.symbol, &mut seen, &mut errors);
                    if !s.pointer.starts_with('/') {
                        errors.add(
                            format!("{field}.pointer"),
                            "invalid",
                            "a JSON pointer starts with /, e.g. /data/usd/price",
                        );
                    }
                    if let Some(label) = &mut s.label {
                        accept_line(&format!("{field}.label"), label, &mut errors);
                        check_len(&format!("{field}.label"), label, 100, &mut errors);
                    }
                }
            }
            SourceSpec::ManualCurrency {} => {}
        }
        if self.source.is_fetched() {
            self.refresh.validate(&mut errors);
        }
        if let Some(secs) = self.stale_after_secs
            && !(60..=MAX_STALE_SECS).contains(&secs)
        {
            errors.add(
                "stale_after_secs",
                "out_of_range",
                format!("60 to {MAX_STALE_SECS} seconds"),
            );
        }
        errors.into_result()
    }

    /// The refresh settings to store: the kind's default interval when none is given, and
    /// none at all for rates typed in by hand.
    fn refresh(&self) -> Refresh {
        if !self.source.is_fetched() {
            return Refresh::default();
        }
        let mut refresh = self.refresh.clone();
        if refresh.cron.is_none() {
            refresh.timezone = None;
            refresh.every_secs = Some(
                refresh
                    .every_secs
                    .unwrap_or_else(|| self.source.default_interval_secs()),
            );
        }
        refresh
    }

    fn stale_after_secs(&self) -> u32 {
        self.stale_after_secs
            .unwrap_or(if self.source.is_fetched() {
                DEFAULT_STALE_SECS
            } else {
                DEFAULT_MANUAL_STALE_SECS
            })
    }
}

fn check_symbol(
    field: &str,
    symbol: &str,
    seen: &mut HashSet<String>,
    errors: &mut ValidationErrors,
) {
    let symbol = symbol.trim();
    if symbol.is_empty() {
        errors.add(
            format!("{field}.symbol"),
            "required",
            "a symbol is required",
        );
    } else if symbol.chars().count() > 20 {
        errors.add(
            format!("{field}.symbol"),
            "too_long",
            "use at most 20 characters",
        );
    } else if !seen.insert(symbol.to_owned()) {
        errors.add(
            format!("{field}.symbol"),
            "duplicate",
            "each symbol appears once",
        );
    }
}

/// A feed of the principal's organization, or 404.
async fn load(state: &AppState, principal: &Principal, id: i64) -> ApiResult<FeedRow> {
    sql(format!(
        "SELECT {FEED_COLUMNS} FROM feeds WHERE org_id = $1 AND id = $2"
    ))
    .bind(principal.org.0)
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(ApiError::NotFound)
}

async fn answer(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Feed> {
    Feed::from_row(load(state, principal, id).await?, now_ms())
}

#[utoipa::path(get, path = "/api/v1/feeds", tag = "feeds",
    responses((status = 200, body = Vec<Feed>), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Feed>>> {
    let rows: Vec<FeedRow> = sql(format!(
        "SELECT {FEED_COLUMNS} FROM feeds WHERE org_id = $1 ORDER BY name, id"
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?;
    let now = now_ms();
    Ok(Json(
        rows.into_iter()
            .map(|row| Feed::from_row(row, now))
            .collect::<ApiResult<_>>()?,
    ))
}

#[utoipa::path(get, path = "/api/v1/feeds/{id}", tag = "feeds", params(("id" = i64, Path)),
    responses((status = 200, body = Feed), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Feed>> {
    Ok(Json(answer(&state, &principal, id).await?))
}

/// A fetched source is due at once; the refresh loop picks it up within seconds (or use
/// `POST /api/v1/feeds/{id}/refresh`).
#[utoipa::path(post, path = "/api/v1/feeds", tag = "feeds", request_body = FeedInput,
    responses((status = 201, body = Feed), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(mut input): ApiJson<FeedInput>,
) -> ApiResult<(StatusCode, Json<Feed>)> {
    principal.require(principal.can_edit_content())?;
    input.accept(&state)?;
    let now = now_ms();
    let refresh = input.refresh();
    let mut change = Change::begin(&state, &principal).await?;
    let id = sql(
        "INSERT INTO feeds (org_id, name, kind, source, interval_secs, cron, timezone, \
         stale_after_secs, next_refresh_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(principal.org.0)
    .bind(input.name.trim())
    .bind(input.source.kind())
    .bind(serde_json::to_string(&input.source).expect("serializes"))
    .bind(refresh.every_secs.map(i64::from))
    .bind(refresh.cron)
    .bind(refresh.timezone)
    .bind(i64::from(input.stale_after_secs()))
    .bind(input.source.is_fetched().then_some(now))
    .bind(now)
    .fetch_i64(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "create",
            "feed",
            id,
            format!("create feed '{}'", input.name.trim()),
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(answer(&state, &principal, id).await?),
    ))
}

/// Replaces a feed's settings. Its type of data (`kind`) cannot change, since content relies
/// on it; changed source settings are fetched at once, the last good data shown meanwhile.
#[utoipa::path(put, path = "/api/v1/feeds/{id}", tag = "feeds", params(("id" = i64, Path)),
    request_body = FeedInput,
    responses((status = 200, body = Feed), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(mut input): ApiJson<FeedInput>,
) -> ApiResult<Json<Feed>> {
    let row = load(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    input.accept(&state)?;
    if input.source.kind() != row.kind {
        return Err(ApiError::field(
            "source.type",
            "immutable",
            format!(
                "this is a {} feed and content relies on that; create a new feed instead",
                row.kind
            ),
        ));
    }
    let now = now_ms();
    let source = serde_json::to_string(&input.source).expect("serializes");
    let refresh = input.refresh();
    let stale_after = i64::from(input.stale_after_secs());
    let next_refresh_at = if !input.source.is_fetched() {
        None
    } else if source != row.source || row.next_refresh_at.is_none() {
        Some(now)
    } else if refresh != row.refresh() {
        Some(
            refresh
                .next_after(now)
                .min(row.next_refresh_at.unwrap_or(i64::MAX)),
        )
    } else {
        row.next_refresh_at
    };
    let stale = row
        .last_success_at
        .is_some_and(|at| at + stale_after * 1000 < now);
    let mut change = Change::begin(&state, &principal).await?;
    let found = sql(
        "UPDATE feeds SET name = $1, source = $2, interval_secs = $3, cron = $4, timezone = $5, \
         stale_after_secs = $6, next_refresh_at = $7, stale = $8, updated_at = $9, \
         failures = CASE WHEN source = $2 THEN failures ELSE 0 END, \
         last_error = CASE WHEN source = $2 THEN last_error ELSE NULL END \
         WHERE org_id = $10 AND id = $11",
    )
    .bind(input.name.trim())
    .bind(&source)
    .bind(refresh.every_secs.map(i64::from))
    .bind(refresh.cron)
    .bind(refresh.timezone)
    .bind(stale_after)
    .bind(next_refresh_at)
    .bind(stale)
    .bind(now)
    .bind(principal.org.0)
    .bind(id)
    .execute(change.ex())
    .await?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    change
        .commit(Audit::of(
            "update",
            "feed",
            id,
            format!("update feed '{}'", input.name.trim()),
        ))
        .await?;
    Ok(Json(answer(&state, &principal, id).await?))
}

/// Refused with 409 while content still shows the feed.
#[utoipa::path(delete, path = "/api/v1/feeds/{id}", tag = "feeds", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let row = load(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    let mut change = Change::begin(&state, &principal).await?;
    refs::ensure_unused(&mut change.tx, principal.org, "feed", &id.to_string()).await?;
    sql("DELETE FROM feeds WHERE org_id = $1 AND id = $2")
        .bind(principal.org.0)
        .bind(id)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit::of(
            "delete",
            "feed",
            id,
            format!("delete feed '{}'", row.name),
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Fetches the source now and answers with its state afterwards: `last_success_at` moved, or
/// `last_error` says why not. 202 when another server is fetching it at this moment.
#[utoipa::path(post, path = "/api/v1/feeds/{id}/refresh", tag = "feeds",
    params(("id" = i64, Path)),
    responses((status = 200, body = Feed), (status = 202, body = Feed),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn refresh_now(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<(StatusCode, Json<Feed>)> {
    let row = load(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    if !row.spec().map_err(ApiError::internal)?.is_fetched() {
        return Err(ApiError::Conflict(
            "the rates of this feed are typed in by hand; there is nothing to fetch".into(),
        ));
    }
    let now = now_ms();
    sql("UPDATE feeds SET next_refresh_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&state.db)
        .await?;
    let (outcome, _) = refresh::refresh_one(&state, id, now).await?;
    refresh::mark_stale(&state, now).await?;
    let status = if outcome == Outcome::Busy {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer(&state, &principal, id).await?)))
}

/// Replaces the rates of a `manual_currency` feed. Each rate that moved remembers its previous
/// value, so boards show the change; screens showing the feed get a new manifest.
#[utoipa::path(put, path = "/api/v1/feeds/{id}/rates", tag = "feeds",
    params(("id" = i64, Path)), request_body = RatesInput,
    responses((status = 200, body = Feed), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_rates(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(mut input): ApiJson<RatesInput>,
) -> ApiResult<Json<Feed>> {
    let row = load(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    if row.spec().map_err(ApiError::internal)?.is_fetched() {
        return Err(ApiError::Conflict(
            "this feed's rates come from its URL; only a manual_currency feed takes typed rates"
                .into(),
        ));
    }
    let mut errors = ValidationErrors::new();
    if input.rates.is_empty() || input.rates.len() > MAX_SYMBOLS {
        errors.add(
            "rates",
            "out_of_range",
            format!("give 1 to {MAX_SYMBOLS} rates"),
        );
    }
    let mut seen = HashSet::new();
    for (i, rate) in input.rates.iter_mut().enumerate() {
        let field = format!("rates.{i}");
        check_symbol(&field, &rate.symbol, &mut seen, &mut errors);
        if rate.value <= 0 || rate.value > 1_000_000_000_000_000 {
            errors.add(
                format!("{field}.value"),
                "out_of_range",
                "a rate is a positive whole number",
            );
        }
        if let Some(label) = &mut rate.label {
            accept_line(&format!("{field}.label"), label, &mut errors);
            check_len(&format!("{field}.label"), label, 100, &mut errors);
        }
    }
    errors.into_result()?;

    let now = now_ms();
    let rates: Vec<Rate> = input
        .rates
        .iter()
        .map(|r| Rate {
            symbol: r.symbol.trim().to_owned(),
            label: r.label.clone().filter(|l| !l.trim().is_empty()),
            value: to_rial(r.value, input.unit),
            previous: None,
            changed_at: None,
        })
        .collect();
    let old = match row.data() {
        Some(FeedData::Currency { rates }) => rates,
        _ => Vec::new(),
    };
    let at = jiff::Timestamp::from_millisecond(now).map_err(ApiError::internal)?;
    let data = FeedData::Currency {
        rates: currency::merge(rates, &old, at),
    };
    let json = serde_json::to_string(&data).expect("serializes");
    let data_at = if row.data.as_deref() == Some(json.as_str()) {
        row.data_at.unwrap_or(now)
    } else {
        now
    };
    let mut change = Change::begin(&state, &principal).await?;
    sql(
        "UPDATE feeds SET data = $1, data_at = $2, last_success_at = $3, last_attempt_at = $3, \
         last_error = NULL, failures = 0, stale = $4, updated_at = $3 WHERE id = $5",
    )
    .bind(json)
    .bind(data_at)
    .bind(now)
    .bind(false)
    .bind(id)
    .execute(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "update",
            "feed",
            id,
            format!("type rates of feed '{}'", row.name),
        ))
        .await?;
    Ok(Json(answer(&state, &principal, id).await?))
}

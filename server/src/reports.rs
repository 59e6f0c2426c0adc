//! Reports: proof of play, QR promo scans and screen uptime, as JSON, CSV or an SVG bar chart.
//!
//! Dates are whole local days, `from` and `until` both included, entered as ISO dates
//! (`2026-11-22`) or Solar Hijri (`1405-09-01`, Persian or Latin digits). They are read in one
//! timezone, reported back as `timezone`: the `tz` parameter if given, else the timezone of the
//! store the report is filtered to (directly or through its screen), else that of the
//! organization's first store, else UTC. Hours and days are local to that timezone.
//!
//! Reports read the aggregates (`play_quarters`, `scan_quarters`), kept for good, and
//! `screen_minutes` (raw, kept for the raw retention). Quarter hours fit every local hour, so a
//! range is cut at the timezone's offset changes and each piece is grouped by SQL.
//!
//! A promo's daypart is the local hour of day (00–23) in which it was scanned (or played):
//! schedule rules overlap and change, an hour is what a shop owner can act on.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vitrin_shared::calendar::{Digits, format_jalali, normalize_digits, to_jalali};
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::ids::StoreId;

use crate::auth::{Principal, Role};
use crate::db::sql;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::manifest::{DocRow, decode_doc};
use crate::state::AppState;

/// The longest range a report covers.
pub const MAX_DAYS: i64 = 366;
pub(crate) const DAY_MS: i64 = 86_400_000;
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// The parameters every report takes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day, included: `2026-11-01` or Solar Hijri `1405-08-10` (Persian digits too).
    /// Default: 29 days before `until`.
    pub from: Option<String>,
    /// Last day, included. Default: today. At most 366 days after `from`.
    pub until: Option<String>,
    /// IANA timezone the days and hours are in (see the module notes for the default).
    pub tz: Option<String>,
    /// Only this store's screens.
    pub store: Option<i64>,
    /// Only this screen.
    pub screen: Option<i64>,
    /// Plays: `content` (default), `playlist`, `screen` or `store`. Scans: `promo` (default),
    /// `screen` or `daypart`.
    pub group: Option<String>,
    /// Plays: `total` (default), `day` (each local date) or `hour` (hour of day 00–23).
    pub by: Option<String>,
    /// `json` (default), `csv` (UTF-8 with BOM, RFC 4180) or `svg` (a bar chart).
    pub format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
    Svg,
}

/// A resolved range: local days `[from, until]` in `tz`, as epoch ms `[start, end)`.
pub(crate) struct Range {
    pub(crate) from: Date,
    pub(crate) until: Date,
    pub(crate) tz_name: String,
    pub(crate) tz: TimeZone,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

impl Range {
    /// Pieces of `[start, end)` with one UTC offset each, with that offset in ms.
    pub(crate) fn segments(&self) -> Vec<(i64, i64, i64)> {
        let mut out = Vec::new();
        let mut at = self.start;
        while at < self.end {
            let ts = Timestamp::from_millisecond(at).expect("in range");
            let offset = i64::from(self.tz.to_offset(ts).seconds()) * 1000;
            let next = self
                .tz
                .following(ts)
                .next()
                .map(|t| t.timestamp().as_millisecond())
                .unwrap_or(i64::MAX)
                .min(self.end);
            out.push((at, next, offset));
            at = next;
        }
        out
    }
}

/// A day typed in the Gregorian (`2026-11-22`) or the Solar Hijri calendar (`1405-09-01`,
/// `/` or Persian digits too).
pub(crate) fn parse_day(field: &str, text: &str) -> ApiResult<Date> {
    let bad = || {
        ApiError::field(
            field,
            "invalid_date",
            format!("'{text}' is not a date like 2026-11-22 or 1405-09-01"),
        )
    };
    let norm = normalize_digits(text.trim()).replace('/', "-");
    let parts: Vec<&str> = norm.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d): (i32, u8, u8) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    if y < 1700 {
        vitrin_shared::calendar::from_jalali(y, m, d).map_err(|_| bad())
    } else {
        Date::new(y as i16, m as i8, d as i8).map_err(|_| bad())
    }
}

pub(crate) fn parse_format(q: &ReportQuery) -> ApiResult<Format> {
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        "svg" => Ok(Format::Svg),
        other => Err(ApiError::field(
            "format",
            "invalid",
            format!("'{other}': use json, csv or svg"),
        )),
    }
}

pub(crate) fn choice<'a>(
    field: &str,
    value: Option<&'a str>,
    allowed: &[&'a str],
) -> ApiResult<&'a str> {
    let value = value.unwrap_or(allowed[0]);
    allowed
        .iter()
        .find(|a| **a == value)
        .copied()
        .ok_or_else(|| {
            ApiError::field(
                field,
                "invalid",
                format!("'{value}': use one of {}", allowed.join(", ")),
            )
        })
}

/// Checks the store/screen filters (another tenant's or an invisible store's: 404) and resolves
/// the range. Returns the SQL condition that limits rows to visible, filtered screens (`s`).
pub(crate) async fn resolve(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<(Range, String)> {
    let mut store_tz = None;
    let mut filter = String::new();
    if let Some(store) = q.store {
        let s = crate::domain::stores::visible_store(state, principal, store).await?;
        store_tz = Some(s.timezone);
        filter.push_str(&format!(" AND s.store_id = {store}"));
    }
    if let Some(screen) = q.screen {
        let row: Option<(i64, String)> = sql(
            "SELECT s.store_id, st.timezone FROM screens s JOIN stores st ON st.id = s.store_id \
             WHERE s.id = $1 AND s.org_id = $2",
        )
        .bind(screen)
        .bind(principal.org.0)
        .fetch_optional(&state.db)
        .await?;
        let (store, tz) = row.ok_or(ApiError::NotFound)?;
        if !principal.sees_store(StoreId(store)) {
            return Err(ApiError::NotFound);
        }
        store_tz.get_or_insert(tz);
        filter.push_str(&format!(" AND t.screen_id = {screen}"));
    }
    if principal.role == Role::StoreManager {
        let ids: Vec<String> = principal.stores.iter().map(|s| s.0.to_string()).collect();
        if ids.is_empty() {
            filter.push_str(" AND 1 = 0");
        } else {
            filter.push_str(&format!(" AND s.store_id IN ({})", ids.join(", ")));
        }
    }
    let tz_name = match (&q.tz, store_tz) {
        (Some(tz), _) => tz.clone(),
        (None, Some(tz)) => tz,
        (None, None) => {
            let first: Option<(String,)> =
                sql("SELECT timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
                    .bind(principal.org.0)
                    .fetch_optional(&state.db)
                    .await?;
            first.map_or_else(|| "UTC".to_owned(), |(tz,)| tz)
        }
    };
    let tz = TimeZone::get(&tz_name).map_err(|_| {
        ApiError::field(
            "tz",
            "unknown_timezone",
            format!("'{tz_name}' is not an IANA timezone such as Asia/Tehran"),
        )
    })?;
    let until = match &q.until {
        Some(text) => parse_day("until", text)?,
        None => Timestamp::now().to_zoned(tz.clone()).date(),
    };
    let from = match &q.from {
        Some(text) => parse_day("from", text)?,
        None => until
            .checked_sub(29.days())
            .map_err(|e| ApiError::field("until", "invalid_date", e.to_string()))?,
    };
    if until < from {
        return Err(ApiError::field(
            "until",
            "before_start",
            "the range ends before it starts",
        ));
    }
    let days = i64::from((until - from).get_days()) + 1;
    if days > MAX_DAYS {
        return Err(ApiError::field(
            "until",
            "range_too_long",
            format!("a report covers at most {MAX_DAYS} days; this range has {days}"),
        ));
    }
    let start_of = |d: Date| -> ApiResult<i64> {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| ApiError::field("from", "invalid_date", e.to_string()))
    };
    let end_day = until
        .checked_add(1.day())
        .map_err(|e| ApiError::field("until", "invalid_date", e.to_string()))?;
    Ok((
        Range {
            start: start_of(from)?,
            end: start_of(end_day)?,
            from,
            until,
            tz_name,
            tz,
        },
        filter,
    ))
}

/// Sums two `values` of `table t` (joined with its screen `s`) per (`key`, `sub`) over the
/// range. `sub` may use `$4`, the segment's UTC offset in ms; `bucket` is the time column.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn aggregate(
    state: &AppState,
    principal: &Principal,
    range: &Range,
    table: &str,
    bucket: &str,
    key: &str,
    sub: &str,
    values: [&str; 2],
    filter: &str,
) -> ApiResult<BTreeMap<(i64, i64), [i64; 2]>> {
    // The screens are joined only when a store is grouped or filtered by: over a million
    // rows, the join is most of the work (the rest is served from a covering index).
    let join = if key.starts_with("s.") || filter.contains(" s.") {
        " JOIN screens s ON s.id = t.screen_id"
    } else {
        ""
    };
    let text = format!(
        "SELECT {key}, {sub}, CAST({} AS BIGINT), CAST({} AS BIGINT) FROM {table} t{join} \
         WHERE t.org_id = $1 AND t.{bucket} >= $2 AND t.{bucket} < $3{filter} GROUP BY 1, 2",
        values[0], values[1]
    );
    let mut out: BTreeMap<(i64, i64), [i64; 2]> = BTreeMap::new();
    for (a, b, offset) in range.segments() {
        let mut query = sql(text.clone()).bind(principal.org.0).bind(a).bind(b);
        if text.contains("$4") {
            query = query.bind(offset);
        }
        let rows: Vec<(i64, i64, i64, i64)> = query.fetch_all(&state.db).await?;
        for (key, sub, v0, v1) in rows {
            let entry = out.entry((key, sub)).or_insert([0; 2]);
            entry[0] += v0;
            entry[1] += v1;
        }
    }
    Ok(out)
}

/// Names of an organization's objects of one table, by id.
pub(crate) async fn names(
    state: &AppState,
    principal: &Principal,
    table: &str,
) -> ApiResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sql(format!("SELECT id, name FROM {table} WHERE org_id = $1"))
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    Ok(rows.into_iter().collect())
}

pub(crate) fn name_of(names: &HashMap<i64, String>, id: i64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
}

pub(crate) fn date_of(local_day: i64) -> Date {
    Date::constant(1970, 1, 1)
        .checked_add((local_day as i32).days())
        .unwrap_or(Date::constant(1970, 1, 1))
}

pub(crate) fn jalali(date: Date) -> String {
    format_jalali(to_jalali(date), Digits::Latin)
}

/// The range a report covered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRange {
    pub from: String,
    pub until: String,
    /// The same days in the Solar Hijri calendar.
    pub from_jalali: String,
    pub until_jalali: String,
    /// The IANA timezone days and hours are local to.
    pub timezone: String,
}

impl From<&Range> for ReportRange {
    fn from(r: &Range) -> Self {
        ReportRange {
            from: r.from.to_string(),
            until: r.until.to_string(),
            from_jalali: jalali(r.from),
            until_jalali: jalali(r.until),
            timezone: r.tz_name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlayRow {
    /// The id of the content item, playlist, screen or store.
    pub id: i64,
    pub name: String,
    /// `by=day`: the local date; `by=hour`: the hour of day, `08`; absent for `by=total`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// `by=day`: the date in the Solar Hijri calendar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_jalali: Option<String>,
    pub plays: i64,
    /// Time on screen, in milliseconds.
    pub on_screen_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaysReport {
    #[serde(flatten)]
    pub range: ReportRange,
    pub group: String,
    pub by: String,
    pub rows: Vec<PlayRow>,
    pub total_plays: i64,
    pub total_on_screen_ms: i64,
}

fn period_labels(by: &str, sub: i64) -> (Option<String>, Option<String>) {
    match by {
        "day" => {
            let date = date_of(sub);
            (Some(date.to_string()), Some(jalali(date)))
        }
        "hour" => (Some(format!("{sub:02}")), None),
        _ => (None, None),
    }
}

pub(crate) fn period_sql(by: &str, bucket: &str) -> String {
    match by {
        "day" => format!("(t.{bucket} + $4) / {DAY_MS}"),
        "hour" => format!("((t.{bucket} + $4) / {HOUR_MS}) % 24"),
        _ => "CAST(0 AS BIGINT)".to_owned(),
    }
}

/// Plays and time on screen per content item, playlist, screen or store, in total, per local
/// day or per hour of day.
pub async fn plays_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<PlaysReport>> {
    let group = choice(
        "group",
        q.group.as_deref(),
        &["content", "playlist", "screen", "store"],
    )?;
    let by = choice("by", q.by.as_deref(), &["total", "day", "hour"])?;
    let (range, filter) = resolve(state, principal, q).await?;
    let (key, table) = match group {
        "content" => ("t.content_id", "content"),
        "playlist" => ("t.playlist_id", "playlists"),
        "screen" => ("t.screen_id", "screens"),
        _ => ("s.store_id", "stores"),
    };
    let sums = aggregate(
        state,
        principal,
        &range,
        "play_quarters",
        "quarter",
        key,
        &period_sql(by, "quarter"),
        ["SUM(t.plays)", "SUM(t.play_ms)"],
        &filter,
    )
    .await?;
    let names = names(state, principal, table).await?;
    let mut rows: Vec<PlayRow> = sums
        .into_iter()
        .map(|((id, sub), [plays, ms])| {
            let (period, period_jalali) = period_labels(by, sub);
            PlayRow {
                id,
                name: name_of(&names, id),
                period,
                period_jalali,
                plays,
                on_screen_ms: ms,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.period, std::cmp::Reverse(a.plays), &a.name, a.id).cmp(&(
            &b.period,
            std::cmp::Reverse(b.plays),
            &b.name,
            b.id,
        ))
    });
    let report = PlaysReport {
        range: ReportRange::from(&range),
        group: group.to_owned(),
        by: by.to_owned(),
        total_plays: rows.iter().map(|r| r.plays).sum(),
        total_on_screen_ms: rows.iter().map(|r| r.on_screen_ms).sum(),
        rows,
    };
    let stem = format!("plays-{}-{}", report.range.from, report.range.until);
    let mut table = vec![vec![
        "id".into(),
        group.into(),
        "period".into(),
        "period_jalali".into(),
        "plays".into(),
        "on_screen_seconds".into(),
    ]];
    for r in &report.rows {
        table.push(vec![
            r.id.to_string(),
            r.name.clone(),
            r.period.clone().unwrap_or_default(),
            r.period_jalali.clone().unwrap_or_default(),
            r.plays.to_string(),
            seconds(r.on_screen_ms),
        ]);
    }
    let bars: Vec<(String, i64)> = report
        .rows
        .iter()
        .map(|r| (bar_label(&r.name, r.period.as_deref()), r.plays))
        .collect();
    Ok(Rendered {
        title: format!("Plays by {group}"),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// Plays and time on screen per content item, playlist, screen or store, in total, per local
/// day or per hour of day.
#[utoipa::path(get, path = "/api/v1/reports/plays", tag = "reports", params(ReportQuery),
    responses((status = 200, body = PlaysReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn plays(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(plays_report(&state, &principal, &q).await?.respond(format))
}

fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

pub(crate) fn bar_label(name: &str, period: Option<&str>) -> String {
    match period {
        Some(p) => format!("{name} · {p}"),
        None => name.to_owned(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanRow {
    pub promo_id: i64,
    pub promo: String,
    /// `group=screen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen: Option<String>,
    /// `group=daypart`: the local hour of day, `08` meaning 08:00–08:59.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daypart: Option<String>,
    pub scans: i64,
    pub plays: i64,
    /// Scans per 1,000 plays; absent when there were no plays.
    pub scans_per_1000_plays: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScansReport {
    #[serde(flatten)]
    pub range: ReportRange,
    pub group: String,
    pub rows: Vec<ScanRow>,
    pub total_scans: i64,
    pub total_plays: i64,
}

/// Scans of QR promos' tracked links (bots and prefetches excluded) per promo, per promo and
/// screen, or per promo and daypart (local hour of day), with the promo's plays alongside.
pub async fn scans_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<ScansReport>> {
    let group = choice("group", q.group.as_deref(), &["promo", "screen", "daypart"])?;
    let (range, filter) = resolve(state, principal, q).await?;
    let rows: Vec<DocRow> = sql("SELECT id, name, body FROM content WHERE org_id = $1")
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    let promos: BTreeMap<i64, String> = rows
        .iter()
        .filter_map(|row| decode_doc::<ContentItem>(row).ok())
        .filter(|item| matches!(item.kind, ContentKind::QrPromo { .. }))
        .map(|item| (item.id.0, item.name))
        .collect();
    let sub = |bucket: &str| match group {
        "screen" => "t.screen_id".to_owned(),
        "daypart" => period_sql("hour", bucket),
        _ => "CAST(0 AS BIGINT)".to_owned(),
    };
    let scans = aggregate(
        state,
        principal,
        &range,
        "scan_quarters",
        "quarter",
        "t.content_id",
        &sub("quarter"),
        ["SUM(t.scans)", "0"],
        &filter,
    )
    .await?;
    let plays = if promos.is_empty() {
        BTreeMap::new()
    } else {
        let ids: Vec<String> = promos.keys().map(i64::to_string).collect();
        aggregate(
            state,
            principal,
            &range,
            "play_quarters",
            "quarter",
            "t.content_id",
            &sub("quarter"),
            ["SUM(t.plays)", "0"],
            &format!("{filter} AND t.content_id IN ({})", ids.join(", ")),
        )
        .await?
    };
    let mut keys: Vec<(i64, i64)> = scans.keys().chain(plays.keys()).copied().collect();
    if group == "promo" {
        keys.extend(promos.keys().map(|id| (*id, 0)));
    }
    keys.sort_unstable();
    keys.dedup();
    let screens = if group == "screen" {
        names(state, principal, "screens").await?
    } else {
        HashMap::new()
    };
    let mut rows: Vec<ScanRow> = keys
        .into_iter()
        // A deleted promo's counts stay in the aggregates but leave the report.
        .filter(|(id, _)| promos.contains_key(id))
        .map(|(id, sub)| {
            let scans = scans.get(&(id, sub)).map_or(0, |v| v[0]);
            let plays = plays.get(&(id, sub)).map_or(0, |v| v[0]);
            ScanRow {
                promo_id: id,
                promo: promos[&id].clone(),
                screen_id: (group == "screen").then_some(sub),
                screen: (group == "screen").then(|| name_of(&screens, sub)),
                daypart: (group == "daypart").then(|| format!("{sub:02}")),
                scans,
                plays,
                scans_per_1000_plays: (plays > 0)
                    .then(|| (scans as f64 * 1000.0 / plays as f64 * 100.0).round() / 100.0),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.promo, a.promo_id, &a.screen, &a.daypart)
            .cmp(&(&b.promo, b.promo_id, &b.screen, &b.daypart))
    });
    let report = ScansReport {
        range: ReportRange::from(&range),
        group: group.to_owned(),
        total_scans: rows.iter().map(|r| r.scans).sum(),
        total_plays: rows.iter().map(|r| r.plays).sum(),
        rows,
    };
    let stem = format!("scans-{}-{}", report.range.from, report.range.until);
    let mut table = vec![
        [
            "promo_id",
            "promo",
            "screen_id",
            "screen",
            "daypart",
            "scans",
            "plays",
            "scans_per_1000_plays",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &report.rows {
        table.push(vec![
            r.promo_id.to_string(),
            r.promo.clone(),
            r.screen_id.map(|s| s.to_string()).unwrap_or_default(),
            r.screen.clone().unwrap_or_default(),
            r.daypart.clone().unwrap_or_default(),
            r.scans.to_string(),
            r.plays.to_string(),
            r.scans_per_1000_plays
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ]);
    }
    let bars: Vec<(String, i64)> = report
        .rows
        .iter()
        .map(|r| {
            let sub = r.screen.as_deref().or(r.daypart.as_deref());
            (bar_label(&r.promo, sub), r.scans)
        })
        .collect();
    Ok(Rendered {
        title: format!("Scans by {group}"),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// Scans of QR promos' tracked links (bots and prefetches excluded) per promo, per promo and
/// screen, or per promo and daypart (local hour of day), with the promo's plays alongside.
#[utoipa::path(get, path = "/api/v1/reports/scans", tag = "reports", params(ReportQuery),
    responses((status = 200, body = ScansReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn scans(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(scans_report(&state, &principal, &q).await?.respond(format))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UptimeRow {
    pub screen_id: i64,
    pub screen: String,
    /// The local date.
    pub date: String,
    pub date_jalali: String,
    /// Minutes covered by the screen's heartbeats.
    pub online_minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UptimeReport {
    #[serde(flatten)]
    pub range: ReportRange,
    pub rows: Vec<UptimeRow>,
}

/// Online minutes per screen and local day: each heartbeat marks the minutes its interval
/// covers. Kept for the raw retention (`--raw-retention-days`).
pub async fn uptime_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<UptimeReport>> {
    let (range, filter) = resolve(state, principal, q).await?;
    let minutes = aggregate(
        state,
        principal,
        &range,
        "screen_minutes",
        "minute",
        "t.screen_id",
        &period_sql("day", "minute"),
        ["COUNT(*)", "0"],
        &filter,
    )
    .await?;
    let screens = names(state, principal, "screens").await?;
    let mut rows: Vec<UptimeRow> = minutes
        .into_iter()
        .map(|((id, day), [online, _])| {
            let date = date_of(day);
            UptimeRow {
                screen_id: id,
                screen: name_of(&screens, id),
                date: date.to_string(),
                date_jalali: jalali(date),
                online_minutes: online,
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.date, &a.screen, a.screen_id).cmp(&(&b.date, &b.screen, b.screen_id)));
    let report = UptimeReport {
        range: ReportRange::from(&range),
        rows,
    };
    let stem = format!("uptime-{}-{}", report.range.from, report.range.until);
    let mut table = vec![
        [
            "screen_id",
            "screen",
            "date",
            "date_jalali",
            "online_minutes",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &report.rows {
        table.push(vec![
            r.screen_id.to_string(),
            r.screen.clone(),
            r.date.clone(),
            r.date_jalali.clone(),
            r.online_minutes.to_string(),
        ]);
    }
    let bars: Vec<(String, i64)> = report
        .rows
        .iter()
        .map(|r| (bar_label(&r.screen, Some(&r.date)), r.online_minutes))
        .collect();
    Ok(Rendered {
        title: "Online minutes per day".into(),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// Online minutes per screen and local day: each heartbeat marks the minutes its interval
/// covers. Kept for the raw retention (`--raw-retention-days`).
#[utoipa::path(get, path = "/api/v1/reports/uptime", tag = "reports", params(ReportQuery),
    responses((status = 200, body = UptimeReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn uptime(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(uptime_report(&state, &principal, &q).await?.respond(format))
}

/// One CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe; cells
/// with a comma, quote or line break are quoted (RFC 4180).
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A whole CSV document: UTF-8 with a BOM (so Excel reads Persian right), CRLF line ends.
pub fn csv(table: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in table {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_response(stem: &str, table: &[Vec<String>]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.csv\""),
            ),
        ],
        csv(table),
    )
        .into_response()
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Whether text starts (at its first strong character) right to left: Persian, Arabic, Hebrew.
fn is_rtl(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

/// At most this many bars are drawn; the chart says how many were left out.
pub const MAX_BARS: usize = 200;

/// A horizontal bar chart: labels right-aligned in a column on the left (Persian labels with
/// `direction="rtl"`), bars with their value. Self-contained: no fonts, scripts or links.
pub fn svg(title: &str, subtitle: &str, bars: &[(String, i64)]) -> String {
    const WIDTH: i64 = 900;
    const LABEL_W: i64 = 320;
    const ROW: i64 = 26;
    const TOP: i64 = 64;
    let shown = &bars[..bars.len().min(MAX_BARS)];
    let max = shown.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = TOP + ROW * shown.len().max(1) as i64 + 40;
    let bar_space = WIDTH - LABEL_W - 90;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"Vazirmatn, Tahoma, sans-serif\" \
         font-size=\"13\" role=\"img\" aria-label=\"{t}\">\n<title>{t}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"16\" y=\"26\" font-size=\"17\" font-weight=\"bold\">{t}</text>\n\
         <text x=\"16\" y=\"46\" fill=\"#555555\">{s}</text>\n",
        t = xml_escape(title),
        s = xml_escape(subtitle),
    );
    if shown.is_empty() {
        out.push_str(&format!(
            "<text class=\"empty\" x=\"16\" y=\"{}\" fill=\"#555555\">No data in this range</text>\n",
            TOP + 18
        ));
    }
    for (i, (label, value)) in shown.iter().enumerate() {
        let y = TOP + ROW * i as i64;
        let w = (value * bar_space / max).max(if *value > 0 { 1 } else { 0 });
        let text = xml_escape(label);
        // With direction="rtl", "start" is the right edge: both kinds end at the same x.
        let (dir, anchor) = if is_rtl(label) {
            (" direction=\"rtl\" unicode-bidi=\"embed\"", "start")
        } else {
            ("", "end")
        };
        out.push_str(&format!(
            "<g class=\"bar\"><text class=\"label\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"{anchor}\"{dir}>{text}</text>\
             <rect x=\"{LABEL_W}\" y=\"{y1}\" width=\"{w}\" height=\"{h}\" fill=\"#2f6fb3\"><title>{text}: {value}</title></rect>\
             <text class=\"value\" x=\"{vx}\" y=\"{ty}\">{value}</text></g>\n",
            lx = LABEL_W - 8,
            ty = y + 17,
            y1 = y + 4,
            h = ROW - 8,
            vx = LABEL_W + w + 6,
        ));
    }
    if bars.len() > shown.len() {
        out.push_str(&format!(
            "<text x=\"16\" y=\"{}\" fill=\"#555555\">{} more rows not drawn; export CSV for all</text>\n",
            height - 14,
            bars.len() - shown.len()
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// "from – until (Solar Hijri from – until), zone": the line under a chart's title.
pub(crate) fn subtitle(range: &ReportRange) -> String {
    format!(
        "{} – {} ({} – {}), {}",
        range.from, range.until, range.from_jalali, range.until_jalali, range.timezone
    )
}

/// A report with what each of its formats needs: the JSON body, the CSV table (with its file
/// name) and the chart's bars. The API answers in the format asked for; the reports page
/// inlines the chart.
pub struct Rendered<T> {
    pub report: T,
    pub(crate) stem: String,
    pub(crate) table: Vec<Vec<String>>,
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) bars: Vec<(String, i64)>,
}

impl<T: Serialize> Rendered<T> {
    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        svg(&self.title, &self.subtitle, &self.bars)
    }

    /// The table as a CSV document (what `format=csv` answers).
    pub fn csv(&self) -> String {
        csv(&self.table)
    }

    pub(crate) fn respond(self, format: Format) -> Response {
        match format {
            Format::Json => axum::Json(self.report).into_response(),
            Format::Csv => csv_response(&self.stem, &self.table),
            Format::Svg => (
                [
                    (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
                    // Opened directly, the chart can run nothing and load nothing.
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "default-src 'none'; style-src 'unsafe-inline'",
                    ),
                ],
                self.svg(),
            )
                .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_cell("چای"), "چای");
    }

    #[test]
    fn dates_in_both_calendars() {
        assert_eq!(
            parse_day("f", "2026-11-22").unwrap(),
            Date::constant(2026, 11, 22)
        );
        assert_eq!(
            parse_day("f", "1405-09-01").unwrap(),
            Date::constant(2026, 11, 22)
        );
        assert_eq!(
            parse_day("f", "۱۴۰۵-۰۹-۰۱").unwrap(),
            Date::constant(2026, 11, 22)
        );
        assert!(parse_day("f", "yesterday").is_err());
        assert!(parse_day("f", "2026-02-30").is_err());
    }
}

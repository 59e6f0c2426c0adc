//! Customer reports (issue 22): satisfaction from feedback, offers' one-time codes, and the
//! loyalty card's visits and retention. JSON, CSV or an SVG bar chart, with the parameters,
//! range, timezone and tenancy rules of the other reports (`crate::reports`).
//!
//! **Satisfaction** (`group=store` default, `daypart` or `week`): every piece of feedback left
//! in the range, whatever its status, per store (the store of the screen it was scanned on),
//! per local hour of day (`08` is 08:00–08:59) or per week (weeks start on Saturday, the
//! Iranian week; a week is named by the local date of its Saturday). Figures: `responses`,
//! `average_rating` (2 decimals), `satisfied_percent` (share of 4–5 stars) and `low` (the
//! number of 1–2 star ratings).
//!
//! **Offers** (`group=promo` default, `screen` or `daypart`): the cohort of codes ISSUED in the
//! range: `issued`, `redeemed` (of those, redeemed at any time so far) and
//! `redemption_percent`, per promo, per promo and the screen the code was issued on, or per
//! promo and the local hour of issue; with the promo's QR scans in the range alongside, so a
//! row reads scans → issued → redeemed. A deleted promo leaves the report.
//!
//! **Loyalty**: per store and local calendar month, every month that intersects the range
//! (whole months, in the report's timezone). With W = [`LAPSE_DAYS`] days, for one store and
//! a month `[start, end)`, a card is *active at instant t* when it has a visit at that store
//! before t and its last visit there before t is at or after t − W. Then:
//! - `visits`: visits in the month; `customers`: distinct cards with a visit in the month;
//! - `repeat_visit_percent`: customers with at least 2 visits in the month / customers × 100;
//! - `start` (S): cards active at `start`; `new` (N): cards whose first visit at the store is
//!   in the month; `end` (E): cards active at `end`;
//! - `retention_percent` = (E − N) / S × 100, absent when S = 0 (the customer retention rate);
//! - `lapsed`: cards whose last visit at the store before `end` lies in
//!   `[start − W, end − W)`: they went quiet during the month.
//!
//! A card is active at t exactly when it has a visit in `[t − W, t)`, so every figure is a count
//! of cards with visits in some interval. One query per month groups the visits of
//! `[start − W, end)` per store and card (visits in the month, any in `[start − W, start)`, any
//! in `[end − W, end)`) and sums those per store; "no visit before the window" is an indexed
//! `NOT EXISTS` for the cards that might be new. Each month's query reads the organization's
//! visits in the order of the covering index `loyalty_visits_report` (store, card, time), so
//! the grouping streams without a sort or table lookups (see BENCHMARKS.md,
//! `vitrin-load customers`).
//!
//! Filtering by `screen` keeps feedback and codes of that screen; loyalty visits have no
//! screen, so the loyalty report is then that screen's store.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::State;
use axum::response::Response;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;
use vitrin_shared::content::{ContentItem, ContentKind, PromoAction};

use crate::auth::Principal;
use crate::db::sql;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::manifest::{DocRow, decode_doc};
use crate::reports::{
    DAY_MS, Range, Rendered, ReportQuery, ReportRange, aggregate, bar_label, choice, date_of,
    jalali, name_of, names, parse_format, period_sql, resolve, subtitle,
};
use crate::state::AppState;

/// W: a loyalty card whose last visit at a store is more than this many days ago is lapsed
/// there.
pub const LAPSE_DAYS: i64 = 60;

/// `value` rounded to 2 decimals.
fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 * 100.0 / whole as f64))
}

/// `+` on SQLite, nothing on PostgreSQL: a unary plus keeps SQLite's planner from using a
/// column of an index it would otherwise prefer (see the uses); PostgreSQL picks the covering
/// index by itself and estimates the plain column better.
fn sqlite_plus(state: &AppState) -> &'static str {
    match state.db {
        crate::db::Db::Sqlite(..) => "+",
        _ => "",
    }
}

/// The filter of `resolve` for a table with its own `store_id` (no join with the screens).
fn own_store_filter(filter: &str) -> String {
    filter.replace(" s.store_id", " t.store_id")
}

// ---------------------------------------------------------------------------------------------
// Satisfaction

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionRow {
    /// `group=store`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// `group=daypart`: the local hour of day, `08` meaning 08:00–08:59.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daypart: Option<String>,
    /// `group=week`: the local date of the week's Saturday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week: Option<String>,
    /// `group=week`: that Saturday in the Solar Hijri calendar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_jalali: Option<String>,
    pub responses: i64,
    /// The mean rating (1–5), 2 decimals.
    pub average_rating: f64,
    /// The share of 4 and 5 star ratings, in percent, 2 decimals.
    pub satisfied_percent: f64,
    /// Ratings of 1 or 2 stars.
    pub low: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionReport {
    #[serde(flatten)]
    pub range: ReportRange,
    pub group: String,
    pub rows: Vec<SatisfactionRow>,
    pub total_responses: i64,
    /// Over every response of the report; absent without any.
    pub average_rating: Option<f64>,
    pub satisfied_percent: Option<f64>,
    pub low: i64,
}

/// Feedback per store, per local hour of day or per week (from Saturday): responses, average
/// rating, share of 4–5 stars and 1–2 star ratings. Every status counts.
pub async fn satisfaction_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<SatisfactionReport>> {
    let group = choice("group", q.group.as_deref(), &["store", "daypart", "week"])?;
    let (range, filter) = resolve(state, principal, q).await?;
    let filter = own_store_filter(&filter);
    let local_day = format!("((t.at + $4) / {DAY_MS})");
    let (key, sub) = match group {
        "daypart" => ("CAST(0 AS BIGINT)".to_owned(), period_sql("hour", "at")),
        // 1970-01-01 was a Thursday, 5 days after a Saturday.
        "week" => (
            "CAST(0 AS BIGINT)".to_owned(),
            format!("{local_day} - ({local_day} + 5) % 7"),
        ),
        _ => ("t.store_id".to_owned(), "CAST(0 AS BIGINT)".to_owned()),
    };
    let counts = aggregate(
        state,
        principal,
        &range,
        "feedback",
        "at",
        &key,
        &sub,
        ["COUNT(*)", "SUM(t.rating)"],
        &filter,
    )
    .await?;
    let shares = aggregate(
        state,
        principal,
        &range,
        "feedback",
        "at",
        &key,
        &sub,
        [
            "SUM(CASE WHEN t.rating >= 4 THEN 1 ELSE 0 END)",
            "SUM(CASE WHEN t.rating <= 2 THEN 1 ELSE 0 END)",
        ],
        &filter,
    )
    .await?;
    let stores = if group == "store" {
        names(state, principal, "stores").await?
    } else {
        HashMap::new()
    };
    let mut rows: Vec<SatisfactionRow> = counts
        .iter()
        .filter(|(_, [n, _])| *n > 0)
        .map(|(&(id, sub), &[n, sum])| {
            let [satisfied, low] = shares.get(&(id, sub)).copied().unwrap_or([0, 0]);
            let week = (group == "week").then(|| date_of(sub));
            SatisfactionRow {
                store_id: (group == "store").then_some(id),
                store: (group == "store").then(|| name_of(&stores, id)),
                daypart: (group == "daypart").then(|| format!("{sub:02}")),
                week: week.map(|d| d.to_string()),
                week_jalali: week.map(jalali),
                responses: n,
                average_rating: round2(sum as f64 / n as f64),
                satisfied_percent: percent(satisfied, n).unwrap_or(0.0),
                low,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.store, a.store_id, &a.daypart, &a.week)
            .cmp(&(&b.store, b.store_id, &b.daypart, &b.week))
    });
    let total: i64 = counts.values().map(|v| v[0]).sum();
    let sum: i64 = counts.values().map(|v| v[1]).sum();
    let satisfied: i64 = shares.values().map(|v| v[0]).sum();
    let report = SatisfactionReport {
        range: ReportRange::from(&range),
        group: group.to_owned(),
        total_responses: total,
        average_rating: (total > 0).then(|| round2(sum as f64 / total as f64)),
        satisfied_percent: percent(satisfied, total),
        low: shares.values().map(|v| v[1]).sum(),
        rows,
    };
    let stem = format!("satisfaction-{}-{}", report.range.from, report.range.until);
    let mut table = vec![
        [
            "store_id",
            "store",
            "daypart",
            "week",
            "week_jalali",
            "responses",
            "average_rating",
            "satisfied_percent",
            "low",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &report.rows {
        table.push(vec![
            r.store_id.map(|s| s.to_string()).unwrap_or_default(),
            r.store.clone().unwrap_or_default(),
            r.daypart.clone().unwrap_or_default(),
            r.week.clone().unwrap_or_default(),
            r.week_jalali.clone().unwrap_or_default(),
            r.responses.to_string(),
            format!("{:.2}", r.average_rating),
            format!("{:.2}", r.satisfied_percent),
            r.low.to_string(),
        ]);
    }
    // The chart: the average rating ×100 would read oddly; it draws the share of 4–5 stars.
    let bars = report
        .rows
        .iter()
        .map(|r| {
            let label = r
                .store
                .clone()
                .or(r.daypart.clone())
                .or(r.week.clone())
                .unwrap_or_default();
            (
                bar_label(&label, Some(&format!("★ {:.2}", r.average_rating))),
                r.satisfied_percent.round() as i64,
            )
        })
        .collect();
    Ok(Rendered {
        title: format!("Satisfied customers (4–5 stars, %) by {group}"),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// Feedback per store (`group=store`, default), per local hour of day (`daypart`, `08` =
/// 08:00–08:59) or per week (`week`: weeks start on Saturday, named by that Saturday's local
/// date): `responses`, `average_rating` (2 decimals), `satisfied_percent` (share of 4–5 stars)
/// and `low` (1–2 star ratings). All feedback counts, whatever its status.
#[utoipa::path(get, path = "/api/v1/reports/satisfaction", tag = "reports", params(ReportQuery),
    responses((status = 200, body = SatisfactionReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn satisfaction(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(satisfaction_report(&state, &principal, &q)
        .await?
        .respond(format))
}

// ---------------------------------------------------------------------------------------------
// Offers

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferRow {
    pub promo_id: i64,
    pub promo: String,
    /// `group=screen`: the screen the codes were issued on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen: Option<String>,
    /// `group=daypart`: the local hour of issue, `08` meaning 08:00–08:59.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daypart: Option<String>,
    /// Scans of the promo's QR code in the range.
    pub scans: i64,
    /// Codes issued in the range.
    pub issued: i64,
    /// Of those, redeemed so far (at any time).
    pub redeemed: i64,
    /// redeemed / issued × 100, 2 decimals; absent when none was issued.
    pub redemption_percent: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OffersReport {
    #[serde(flatten)]
    pub range: ReportRange,
    pub group: String,
    pub rows: Vec<OfferRow>,
    pub total_scans: i64,
    pub total_issued: i64,
    pub total_redeemed: i64,
}

/// Offers' one-time codes issued in the range and how many of them were redeemed, per promo,
/// promo and screen, or promo and hour of issue, with the promo's scans alongside.
pub async fn offers_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<OffersReport>> {
    let group = choice("group", q.group.as_deref(), &["promo", "screen", "daypart"])?;
    let (range, filter) = resolve(state, principal, q).await?;
    let docs: Vec<DocRow> = sql("SELECT id, name, body FROM content WHERE org_id = $1")
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    // Every existing QR promo by id, and whether it hands out codes now.
    let promos: BTreeMap<i64, (String, bool)> = docs
        .iter()
        .filter_map(|row| decode_doc::<ContentItem>(row).ok())
        .filter_map(|item| match &item.kind {
            ContentKind::QrPromo { leads_to, .. } => Some((
                item.id.0,
                (item.name.clone(), matches!(leads_to, PromoAction::Offer(_))),
            )),
            _ => None,
        })
        .collect();
    let sub = |bucket: &str| match group {
        "screen" => "t.screen_id".to_owned(),
        "daypart" => period_sql("hour", bucket),
        _ => "CAST(0 AS BIGINT)".to_owned(),
    };
    let codes = aggregate(
        state,
        principal,
        &range,
        "offer_codes",
        "issued_at",
        // `+` (SQLite): grouping by the promo must not make SQLite read `offer_codes_promo` in promo
        // order (every code of the organization, each with a table lookup: 1.4–1.7 s over a
        // million codes) instead of the range of `offer_codes_report` (covering).
        &format!("{}t.content_id", sqlite_plus(state)),
        &sub("issued_at"),
        [
            "COUNT(*)",
            "SUM(CASE WHEN t.redeemed_at IS NULL THEN 0 ELSE 1 END)",
        ],
        &own_store_filter(&filter),
    )
    .await?;
    // The promos of the report: those handing out codes, and those that did in the range.
    let offers: BTreeSet<i64> = promos
        .iter()
        .filter(|(_, (_, offer))| *offer)
        .map(|(id, _)| *id)
        .chain(codes.keys().map(|(id, _)| *id))
        .filter(|id| promos.contains_key(id))
        .collect();
    let scans = if offers.is_empty() {
        BTreeMap::new()
    } else {
        let ids: Vec<String> = offers.iter().map(i64::to_string).collect();
        aggregate(
            state,
            principal,
            &range,
            "scan_quarters",
            "quarter",
            "t.content_id",
            &sub("quarter"),
            ["SUM(t.scans)", "0"],
            &format!("{filter} AND t.content_id IN ({})", ids.join(", ")),
        )
        .await?
    };
    let mut keys: Vec<(i64, i64)> = codes.keys().chain(scans.keys()).copied().collect();
    if group == "promo" {
        keys.extend(offers.iter().map(|id| (*id, 0)));
    }
    keys.sort_unstable();
    keys.dedup();
    let screens = if group == "screen" {
        names(state, principal, "screens").await?
    } else {
        HashMap::new()
    };
    let mut rows: Vec<OfferRow> = keys
        .into_iter()
        // A deleted promo's codes stay in the table but leave the report.
        .filter(|(id, _)| offers.contains(id))
        .map(|(id, sub)| {
            let [issued, redeemed] = codes.get(&(id, sub)).copied().unwrap_or([0, 0]);
            OfferRow {
                promo_id: id,
                promo: promos[&id].0.clone(),
                screen_id: (group == "screen").then_some(sub),
                screen: (group == "screen").then(|| name_of(&screens, sub)),
                daypart: (group == "daypart").then(|| format!("{sub:02}")),
                scans: scans.get(&(id, sub)).map_or(0, |v| v[0]),
                issued,
                redeemed,
                redemption_percent: percent(redeemed, issued),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.promo, a.promo_id, &a.screen, a.screen_id, &a.daypart).cmp(&(
            &b.promo,
            b.promo_id,
            &b.screen,
            b.screen_id,
            &b.daypart,
        ))
    });
    let report = OffersReport {
        range: ReportRange::from(&range),
        group: group.to_owned(),
        total_scans: rows.iter().map(|r| r.scans).sum(),
        total_issued: rows.iter().map(|r| r.issued).sum(),
        total_redeemed: rows.iter().map(|r| r.redeemed).sum(),
        rows,
    };
    let stem = format!("offers-{}-{}", report.range.from, report.range.until);
    let mut table = vec![
        [
            "promo_id",
            "promo",
            "screen_id",
            "screen",
            "daypart",
            "scans",
            "issued",
            "redeemed",
            "redemption_percent",
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
            r.issued.to_string(),
            r.redeemed.to_string(),
            r.redemption_percent
                .map(|v| format!("{v:.2}"))
                .unwrap_or_default(),
        ]);
    }
    let bars = report
        .rows
        .iter()
        .map(|r| {
            let sub = r.screen.as_deref().or(r.daypart.as_deref());
            (bar_label(&r.promo, sub), r.redeemed)
        })
        .collect();
    Ok(Rendered {
        title: format!("Offer codes redeemed by {group}"),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// The codes ISSUED in the range (a cohort): `issued`, `redeemed` (of those, redeemed at any
/// time so far) and `redemption_percent`, per promo (`group=promo`, default), per promo and the
/// screen the code was issued on (`screen`), or per promo and local hour of issue (`daypart`),
/// with the promo's QR `scans` in the range alongside: scans → issued → redeemed.
#[utoipa::path(get, path = "/api/v1/reports/offers", tag = "reports", params(ReportQuery),
    responses((status = 200, body = OffersReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn offers(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(offers_report(&state, &principal, &q).await?.respond(format))
}

// ---------------------------------------------------------------------------------------------
// Loyalty

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyRow {
    pub store_id: i64,
    pub store: String,
    /// The local calendar month, `2026-11`.
    pub month: String,
    /// Its first and last local day in the Solar Hijri calendar.
    pub month_start_jalali: String,
    pub month_end_jalali: String,
    /// Visits (stamps) in the month.
    pub visits: i64,
    /// Distinct cards with a visit in the month.
    pub customers: i64,
    /// Customers with at least 2 visits in the month / customers × 100, 2 decimals.
    pub repeat_visit_percent: Option<f64>,
    /// S: cards active at the month's start (a visit in the `LAPSE_DAYS` before it).
    pub start: i64,
    /// N: cards whose first visit at the store is in the month.
    pub new: i64,
    /// E: cards active at the month's end.
    pub end: i64,
    /// (E − N) / S × 100, 2 decimals; absent when S = 0.
    pub retention_percent: Option<f64>,
    /// Cards whose last visit before the month's end lies in [start − W, end − W).
    pub lapsed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyReport {
    #[serde(flatten)]
    pub range: ReportRange,
    /// W, in days.
    pub lapse_days: i64,
    pub rows: Vec<LoyaltyRow>,
}

/// The local months that intersect the range: (first day, `[start, end)` in epoch ms).
fn months(range: &Range) -> ApiResult<Vec<(Date, i64, i64)>> {
    let start_of = |d: Date| -> ApiResult<i64> {
        d.to_zoned(range.tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| ApiError::field("from", "invalid_date", e.to_string()))
    };
    let mut out = Vec::new();
    let mut first = range.from.first_of_month();
    while first <= range.until {
        let next = first
            .checked_add(1.month())
            .map_err(|e| ApiError::field("until", "invalid_date", e.to_string()))?;
        out.push((first, start_of(first)?, start_of(next)?));
        first = next;
    }
    Ok(out)
}

/// Loyalty visits, customers, repeat visits, retention and lapsed cards per store and local
/// month (see the module notes for the definitions).
pub async fn loyalty_report(
    state: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Rendered<LoyaltyReport>> {
    let (range, filter) = resolve(state, principal, q).await?;
    let mut filter = own_store_filter(&filter);
    if let Some(screen) = q.screen {
        // Visits have no screen: the screen's store (visible: `resolve` checked).
        filter = filter.replace(
            &format!(" t.screen_id = {screen}"),
            &format!(" t.store_id = (SELECT store_id FROM screens WHERE id = {screen})"),
        );
    }
    let w = LAPSE_DAYS * DAY_MS;
    // $2 = start, $3 = end, $4 = start − W, $5 = end − W. Read in the order of
    // `loyalty_visits_report` (org, store, card, at): `+t.at` keeps SQLite from choosing the
    // range on `loyalty_visits_store`, which needs a sort and a table lookup per visit
    // (PostgreSQL reads the covering index by itself; `+` there spoils its row estimate).
    let plus = sqlite_plus(state);
    let text = format!(
        "SELECT x.store_id, CAST(SUM(x.v) AS BIGINT), \
         CAST(SUM(CASE WHEN x.v > 0 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN x.v > 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(x.s) AS BIGINT), \
         CAST(SUM(CASE WHEN x.v > 0 AND x.s = 0 AND NOT EXISTS (SELECT 1 FROM loyalty_visits p \
             WHERE p.org_id = $1 AND p.store_id = x.store_id AND p.card_id = x.card_id \
             AND p.at < $4) \
             THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(x.e) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
         FROM (SELECT t.store_id, t.card_id, \
             SUM(CASE WHEN t.at >= $2 THEN 1 ELSE 0 END) AS v, \
             MAX(CASE WHEN t.at < $2 THEN 1 ELSE 0 END) AS s, \
             MAX(CASE WHEN t.at >= $5 THEN 1 ELSE 0 END) AS e \
             FROM loyalty_visits t WHERE t.org_id = $1 AND {plus}t.at >= $4 AND {plus}t.at < $3{filter} \
             GROUP BY t.store_id, t.card_id) x \
         GROUP BY x.store_id"
    );
    let stores = names(state, principal, "stores").await?;
    let mut rows = Vec::new();
    for (first, start, end) in months(&range)? {
        #[allow(clippy::type_complexity)]
        let found: Vec<(i64, i64, i64, i64, i64, i64, i64, i64)> = sql(text.clone())
            .bind(principal.org.0)
            .bind(start)
            .bind(end)
            .bind(start - w)
            .bind(end - w)
            .fetch_all(&state.db)
            .await?;
        let last = first.last_of_month();
        for (store, visits, customers, repeat, s, n, e, windowed) in found {
            rows.push(LoyaltyRow {
                store_id: store,
                store: name_of(&stores, store),
                month: format!("{:04}-{:02}", first.year(), first.month()),
                month_start_jalali: jalali(first),
                month_end_jalali: jalali(last),
                visits,
                customers,
                repeat_visit_percent: percent(repeat, customers),
                start: s,
                new: n,
                end: e,
                retention_percent: (s > 0).then(|| round2((e - n) as f64 * 100.0 / s as f64)),
                // Cards with a visit in [start − W, end) but none in [end − W, end).
                lapsed: windowed - e,
            });
        }
    }
    rows.sort_by(|a, b| (&a.month, &a.store, a.store_id).cmp(&(&b.month, &b.store, b.store_id)));
    let report = LoyaltyReport {
        range: ReportRange::from(&range),
        lapse_days: LAPSE_DAYS,
        rows,
    };
    let stem = format!("loyalty-{}-{}", report.range.from, report.range.until);
    let mut table = vec![
        [
            "store_id",
            "store",
            "month",
            "month_start_jalali",
            "month_end_jalali",
            "visits",
            "customers",
            "repeat_visit_percent",
            "start",
            "new",
            "end",
            "retention_percent",
            "lapsed",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    for r in &report.rows {
        table.push(vec![
            r.store_id.to_string(),
            r.store.clone(),
            r.month.clone(),
            r.month_start_jalali.clone(),
            r.month_end_jalali.clone(),
            r.visits.to_string(),
            r.customers.to_string(),
            opt(r.repeat_visit_percent),
            r.start.to_string(),
            r.new.to_string(),
            r.end.to_string(),
            opt(r.retention_percent),
            r.lapsed.to_string(),
        ]);
    }
    let bars = report
        .rows
        .iter()
        .map(|r| (bar_label(&r.store, Some(&r.month)), r.customers))
        .collect();
    Ok(Rendered {
        title: "Loyalty customers per month".into(),
        stem,
        table,
        bars,
        subtitle: subtitle(&report.range),
        report,
    })
}

/// Loyalty card visits per store and local calendar month (every month that intersects the
/// range). With W = 60 days, a card is active at instant t when its last visit at the store
/// before t is at or after t − W. `visits`, `customers` (distinct cards),
/// `repeat_visit_percent` (customers with ≥ 2 visits in the month / customers × 100), `start`
/// (S: cards active at the month's start), `new` (N: first visit at the store in the month),
/// `end` (E: active at its end), `retention_percent` = (E − N) / S × 100 (absent when S = 0),
/// `lapsed` (last visit before the month's end in [start − W, end − W)).
#[utoipa::path(get, path = "/api/v1/reports/loyalty", tag = "reports", params(ReportQuery),
    responses((status = 200, body = LoyaltyReport, description = "JSON; `text/csv` or \
        `image/svg+xml` with `format=csv|svg`"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn loyalty(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let format = parse_format(&q)?;
    Ok(loyalty_report(&state, &principal, &q)
        .await?
        .respond(format))
}

//! QR promos: every (promo, screen) pair gets its own short tracked link, `/q/{code}`, which
//! the manifest puts in place of the promo's target URL. A scan is a redirect to the target
//! plus one count in `scan_quarters`: no address, user agent or cookie is stored or set.
//! Link-preview bots, prefetches and HEAD requests get the redirect but are not counted.
//!
//! The code is derived from the ids (content and screen in base 36, and a check), so building
//! a manifest needs no write and a code is stable for as long as the promo and screen exist.
//! The target is read at scan time: editing the promo's URL takes effect at once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use vitrin_shared::ids::{ContentId, ScreenId};

use crate::auth::Principal;
use crate::db::{now_ms, sql};
use crate::domain::promo::{self, TrackedLink, parse_code};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Id;
use crate::state::AppState;

/// Scans are counted per quarter hour, like plays.
pub const QUARTER_MS: i64 = 15 * 60 * 1000;

/// User agents of link previewers and crawlers (lower case, matched as substrings).
pub const BOT_AGENTS: &[&str] = &[
    "facebookexternalhit",
    "facebot",
    "twitterbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "telegrambot",
    "discordbot",
    "linkedinbot",
    "googlebot",
    "bingbot",
    "applebot",
    "skypeuripreview",
    "pinterest",
    "embedly",
    "vkshare",
    "redditbot",
    "yandexbot",
    "duckduckbot",
    "baiduspider",
    "bot/",
    "crawler",
    "spider",
];

/// Whether a request is a link preview, a crawler or a prefetch rather than a person scanning.
pub fn is_automated(method: &Method, headers: &HeaderMap) -> bool {
    if method == Method::HEAD {
        return true;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    for name in ["purpose", "sec-purpose", "x-purpose", "x-moz"] {
        if header(name).is_some_and(|v| v.contains("prefetch") || v.contains("preview")) {
            return true;
        }
    }
    match header("user-agent") {
        Some(agent) => BOT_AGENTS.iter().any(|bot| agent.contains(bot)),
        None => false,
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        Html(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
             <title>Link not found</title><h1>Link not found</h1>\
             <p>This promo link does not exist (any more).</p>\
             <p dir=\"rtl\" lang=\"fa\">این پیوند وجود ندارد.</p></html>",
        ),
    )
        .into_response()
}

/// `GET /q/{code}`: 302 to the promo's target (its link, or the server's own page for
/// feedback, an offer or the loyalty card), counting the scan unless it is automated.
#[utoipa::path(get, path = "/q/{code}", tag = "promos", params(("code" = String, Path)),
    security(()),
    responses((status = 302, description = "Redirect to the promo's target URL"),
        (status = 404, description = "Unknown code (an HTML page)")))]
pub async fn redirect(
    State(state): State<AppState>,
    Path(code): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some((content, screen)) = parse_code(&code) else {
        return not_found();
    };
    match resolve(&state, content, screen, !is_automated(&method, &headers)).await {
        Ok(Some(target)) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, target.as_str()),
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
            ],
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => e.into_response(),
    }
}

/// The target of a promo on a screen of the same organization, counting a scan if `count`.
async fn resolve(
    state: &AppState,
    content: ContentId,
    screen: ScreenId,
    count: bool,
) -> ApiResult<Option<String>> {
    let visit = match crate::domain::customers::visit(&state.db, content, screen).await {
        Ok(visit) => visit,
        Err(ApiError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    // Feedback, offers and the loyalty card are the server's own pages (`crate::web::customer`).
    let target = if visit.leads_to.is_link() {
        visit.url
    } else {
        format!("/c/{}", crate::domain::promo::code(content, screen))
    };
    if count {
        let now = now_ms();
        sql(
            "INSERT INTO scan_quarters (org_id, content_id, screen_id, quarter, scans) \
             VALUES ($1, $2, $3, $4, 1) ON CONFLICT (content_id, screen_id, quarter) \
             DO UPDATE SET scans = scan_quarters.scans + 1",
        )
        .bind(visit.org.0)
        .bind(content.0)
        .bind(screen.0)
        .bind(now - now.rem_euclid(QUARTER_MS))
        .execute(&state.db)
        .await?;
    }
    Ok(Some(target))
}

/// The tracked links of a QR promo, one per screen the user can see, with each one's scans
/// (for previews, print and measuring which screen works).
#[utoipa::path(get, path = "/api/v1/promos/{id}/links", tag = "promos",
    params(("id" = i64, Path, description = "A QR promo content item")),
    responses((status = 200, body = Vec<TrackedLink>), (status = 404, body = Problem)))]
pub async fn links(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Vec<TrackedLink>>> {
    Ok(Json(promo::tracked_links(&state, &principal, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_and_prefetches_are_automated() {
        let mut headers = HeaderMap::new();
        assert!(!is_automated(&Method::GET, &headers));
        assert!(is_automated(&Method::HEAD, &headers));
        headers.insert("sec-purpose", "prefetch;prerender".parse().unwrap());
        assert!(is_automated(&Method::GET, &headers));
        let mut headers = HeaderMap::new();
        headers.insert("user-agent", "WhatsApp/2.23.20.0 A".parse().unwrap());
        assert!(is_automated(&Method::GET, &headers));
    }
}

//! The dashboard: every screen online or offline (updated live), what it shows now, its last
//! screenshot, and alerts for offline screens and stale feeds. `/dashboard/live` streams the
//! screens' status as Server-Sent Events for the page's script; `?once=1` answers one event
//! and ends (the polling fallback).

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use serde::Deserialize;

use super::i18n::Entry;
use super::page::{Page, Signed, render};
use super::screens::{ScreenStatus, statuses};
use crate::auth::Principal;
use crate::db::sql;
use crate::error::ApiResult;
use crate::state::AppState;

/// How often the live stream looks for a change. Online/offline is decided from the last
/// heartbeat, so a few seconds of delay is all a person can notice.
const LIVE_EVERY: Duration = Duration::from_secs(3);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/dashboard/live", get(live))
}

/// Something that needs a person's attention.
struct Alert {
    text: String,
    link: String,
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage<'a> {
    page: &'a Page,
    screens: Vec<ScreenStatus>,
    alerts: Vec<Alert>,
    online_text: String,
}

impl DashboardPage<'_> {
    fn shot_alt(&self, screen: &ScreenStatus) -> String {
        self.page
            .tf("dashboard.screenshot_alt", &[("name", &screen.name)])
    }
}

async fn alerts(
    state: &AppState,
    principal: &Principal,
    page: &Page,
    screens: &[ScreenStatus],
) -> ApiResult<Vec<Alert>> {
    let mut alerts: Vec<Alert> = screens
        .iter()
        .filter(|s| s.status == "offline")
        .map(|s| Alert {
            text: page.tf(
                "dashboard.alert.offline",
                &[("name", &s.name), ("seen", &s.seen)],
            ),
            link: format!("/screens/{}", s.id),
        })
        .collect();
    let stale: Vec<(i64, String)> =
        sql("SELECT id, name FROM feeds WHERE org_id = $1 AND stale ORDER BY name")
            .bind(principal.org.0)
            .fetch_all(&state.db)
            .await?;
    alerts.extend(stale.into_iter().map(|(id, name)| Alert {
        text: page.tf("dashboard.alert.stale_feed", &[("name", &name)]),
        link: format!("/feeds/{id}"),
    }));
    let low = crate::domain::customers::feedback::unread_low(state, principal).await?;
    if low > 0 {
        alerts.insert(
            0,
            Alert {
                text: page.tf("feedback.alert", &[("n", &page.num(low))]),
                link: "/feedback?status=new&low=1".into(),
            },
        );
    }
    Ok(alerts)
}

async fn dashboard(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let screens = statuses(&state, &principal, &page).await?;
    let alerts = alerts(&state, &principal, &page, &screens).await?;
    let online = screens.iter().filter(|s| s.status == "online").count() as i64;
    let online_text = page.tf(
        "screens.online_count",
        &[
            ("n", &page.num(online)),
            ("total", &page.num(screens.len() as i64)),
        ],
    );
    Ok(render(&DashboardPage {
        page: &page,
        screens,
        alerts,
        online_text,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LiveQuery {
    /// Any value: answer once and end.
    once: Option<String>,
}

/// The screens' status whenever it changes (and once at the start).
async fn live(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<LiveQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let first = statuses(&state, &principal, &page).await?;
    let first = serde_json::to_string(&first).unwrap_or_default();
    if query.once.is_some() {
        let events = stream::iter([Ok::<_, Infallible>(screens_event(&first))]);
        return Ok(Sse::new(events).into_response());
    }
    Ok(Sse::new(changes(state, principal, page, first))
        .keep_alive(KeepAlive::default())
        .into_response())
}

fn screens_event(json: &str) -> Event {
    Event::default().event("screens").data(json)
}

/// Sends the first status at once, then each one that differs from the last sent.
fn changes(
    state: AppState,
    principal: Principal,
    page: Page,
    first: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (state, principal, page, None::<String>, first),
        |(state, principal, page, sent, current)| async move {
            let mut current = current;
            if sent.as_deref() == Some(current.as_str()) {
                loop {
                    tokio::time::sleep(LIVE_EVERY).await;
                    // A failing database skips a beat; the page keeps what it shows.
                    if let Ok(list) = statuses(&state, &principal, &page).await {
                        let json = serde_json::to_string(&list).unwrap_or_default();
                        if json != current {
                            current = json;
                            break;
                        }
                    }
                }
            }
            let event = screens_event(&current);
            Some((
                Ok(event),
                (state, principal, page, Some(current.clone()), current),
            ))
        },
    )
}

pub const TEXT: &[Entry] = &[
    ("dashboard.title", "Dashboard", "پیشخوان"),
    ("dashboard.alerts", "Needs attention", "نیازمند توجه"),
    (
        "dashboard.no_alerts",
        "All screens and feeds are fine.",
        "همهٔ نمایشگرها و خوراک‌ها سالم‌اند.",
    ),
    (
        "dashboard.alert.offline",
        "Screen “{name}” is offline (last seen {seen}).",
        "نمایشگر «{name}» برون‌خط است (آخرین تماس {seen}).",
    ),
    (
        "dashboard.alert.stale_feed",
        "Feed “{name}” is stale: its last update failed.",
        "خوراک «{name}» کهنه است: آخرین به‌روزرسانی آن ناموفق بود.",
    ),
    ("dashboard.screens", "Screens", "نمایشگرها"),
    (
        "dashboard.no_screens",
        "No screens yet. Pair your first screen.",
        "هنوز نمایشگری نیست. نخستین نمایشگر خود را جفت کنید.",
    ),
    ("dashboard.pair", "Pair a screen", "جفت‌کردن نمایشگر"),
    (
        "dashboard.screenshot_alt",
        "Last screenshot of {name}",
        "آخرین عکس صفحهٔ {name}",
    ),
];

//! Live feeds: add a news (RSS/Atom), weather or hand-typed currency source, see how each is
//! doing (last success, stale, last error in plain words, next refresh) and refresh one now.
//! Everything is the API's (`feeds::sources`): the fetcher's guards, leases and back-off.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::form::FormErrors;
use super::i18n::Entry;
use super::page::{Page, Signed, redirect_flash, render, render_status};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Id};
use crate::feeds::sources::{self, Feed, FeedInput};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds", get(page).post(create))
        .route("/feeds/{id}/refresh", post(refresh))
}

/// The add form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FeedForm {
    /// `news`, `weather` or `manual_currency`.
    pub kind: String,
    pub name: String,
    // Named as the API's fields, so its messages land next to them.
    #[serde(rename = "source.url")]
    pub url: String,
    #[serde(rename = "source.latitude")]
    pub latitude: String,
    #[serde(rename = "source.longitude")]
    pub longitude: String,
    #[serde(rename = "source.place")]
    pub place: String,
}

impl FeedForm {
    fn input(&self, errors: &mut FormErrors, page: &Page) -> Option<FeedInput> {
        let coordinate = |text: &str, field: &str, errors: &mut FormErrors| {
            let ascii = vitrin_shared::calendar::normalize_digits(text.trim()).replace('٫', ".");
            ascii.parse::<f64>().ok().or_else(|| {
                errors.add(field, page.t("feeds.err.coordinate"));
                None
            })
        };
        let source = match self.kind.as_str() {
            "weather" => {
                let lat = coordinate(&self.latitude, "source.latitude", errors);
                let lon = coordinate(&self.longitude, "source.longitude", errors);
                json!({"type": "weather", "latitude": lat?, "longitude": lon?,
                       "place": (!self.place.trim().is_empty()).then(|| self.place.trim())})
            }
            "manual_currency" => json!({"type": "manual_currency"}),
            _ => json!({"type": "news", "url": self.url.trim()}),
        };
        serde_json::from_value(json!({"name": self.name, "source": source})).ok()
    }
}

/// A feed as the list shows it.
pub struct FeedRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub last_success: String,
    pub next: String,
    pub stale: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "feeds/index.html")]
struct FeedsPage<'a> {
    page: &'a Page,
    feeds: Vec<FeedRow>,
    form: FeedForm,
    errors: FormErrors,
}

async fn feeds_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    form: FeedForm,
    errors: FormErrors,
) -> ApiResult<FeedsPage<'a>> {
    let never = page.t("feeds.never").to_owned();
    let when = |ms: Option<i64>| ms.map_or_else(|| never.clone(), |ms| page.datetime(ms));
    let feeds = sources::list(State(state.clone()), principal.clone())
        .await?
        .0
        .into_iter()
        .map(|f: Feed| FeedRow {
            id: f.id,
            kind: page.t(&format!("feeds.kind.{}", f.kind)).to_owned(),
            last_success: when(f.state.last_success_at),
            next: when(f.state.next_refresh_at),
            stale: f.state.stale,
            error: f.state.last_error,
            name: f.name,
        })
        .collect();
    Ok(FeedsPage {
        page,
        feeds,
        form,
        errors,
    })
}

async fn page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = FeedForm {
        kind: "news".into(),
        ..FeedForm::default()
    };
    let tpl = feeds_page(&state, &principal, &page, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<FeedForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let mut errors = FormErrors::none();
    if let Some(input) = form.input(&mut errors, &page) {
        match sources::create(State(state.clone()), principal.clone(), ApiJson(input)).await {
            Ok((_, feed)) => {
                return Ok(redirect_flash("/feeds", true, "feeds.added", &feed.0.name));
            }
            Err(e @ ApiError::Validation(_)) => errors = FormErrors::from_api(page.lang, e)?,
            Err(e) => return Err(e),
        }
    }
    let tpl = feeds_page(&state, &principal, &page, form, errors).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
}

async fn refresh(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (_, feed) = sources::refresh_now(State(state), signed.principal, Id(id)).await?;
    Ok(redirect_flash(
        "/feeds",
        true,
        "feeds.refreshed",
        &feed.0.name,
    ))
}

pub const TEXT: &[Entry] = &[
    ("nav.feeds", "Feeds", "خوراک‌ها"),
    ("feeds.title", "Live feeds", "خوراک‌های زنده"),
    ("feeds.none", "No feeds yet.", "هنوز خوراکی نیست."),
    ("feeds.kind.news", "News", "خبر"),
    ("feeds.kind.weather", "Weather", "آب‌وهوا"),
    ("feeds.kind.currency", "Currency rates", "نرخ ارز"),
    (
        "feeds.kind.manual_currency",
        "Currency rates typed by hand",
        "نرخ ارز دستی",
    ),
    ("feeds.col.name", "Name", "نام"),
    ("feeds.col.kind", "Kind", "نوع"),
    ("feeds.col.last", "Last success", "آخرین موفقیت"),
    ("feeds.col.next", "Next refresh", "به‌روزرسانی بعدی"),
    ("feeds.col.state", "State", "وضعیت"),
    ("feeds.ok", "Fresh", "تازه"),
    ("feeds.stale", "Stale", "کهنه"),
    ("feeds.never", "never", "هرگز"),
    ("feeds.refresh", "Refresh now", "همین حالا به‌روز کن"),
    ("feeds.add", "Add a feed", "افزودن خوراک"),
    ("feeds.name", "Name", "نام"),
    ("feeds.kind", "Kind", "نوع"),
    (
        "feeds.url",
        "Feed address (RSS or Atom)",
        "نشانی خوراک (RSS یا Atom)",
    ),
    (
        "feeds.latitude",
        "Latitude (weather)",
        "عرض جغرافیایی (آب‌وهوا)",
    ),
    (
        "feeds.longitude",
        "Longitude (weather)",
        "طول جغرافیایی (آب‌وهوا)",
    ),
    (
        "feeds.place",
        "Place name to show (weather)",
        "نام مکان برای نمایش (آب‌وهوا)",
    ),
    ("feeds.submit", "Add", "افزودن"),
    (
        "feeds.added",
        "Feed “{arg}” added; it is fetched in a moment.",
        "خوراک «{arg}» افزوده شد و به‌زودی دریافت می‌شود.",
    ),
    ("feeds.refreshed", "“{arg}” refreshed.", "«{arg}» به‌روز شد."),
    (
        "feeds.err.coordinate",
        "Enter a number such as 35.69.",
        "عددی مانند ۳۵٫۶۹ بنویسید.",
    ),
];

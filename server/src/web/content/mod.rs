//! Every kind of content a screen can show, other than menus (which have their own page):
//! pictures and videos from the media library, text slides, tickers (from a news feed or typed
//! lines), weather, currency boards (from a feed or typed rates), clocks and QR promos. Each is
//! created, edited, previewed for a landscape and a portrait screen, duplicated and deleted
//! here; its page says where it is used and, for feeds, how the feed is doing.
//!
//! Saving goes through the content library (`domain::library`), so validation, references and
//! manifest versions are the API's. A new item also gets a playlist of its own unless
//! unticked, which is what layouts and the schedule use.

pub(super) mod preview;
mod typed;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::feed::FeedData;
use vitrin_shared::ids::{ContentId, FeedId};
use vitrin_shared::playlist::Playlist;

use self::preview::Preview;
use self::typed::{ContentForm, KINDS, kind_code, rates_text};
use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::media::matches;
use super::page::{Page, Signed, redirect, redirect_flash, render, render_status};
use super::used::{UsedLink, used_by};
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::domain::library;
use crate::domain::media::Media;
use crate::domain::promo::{self, TrackedLink};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Id};
use crate::feeds::sources::{self, Feed, FeedInput, RatesInput};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/content", get(list))
        .route("/content/new", get(new_form).post(create))
        .route("/content/{id}", get(edit_form).post(update))
        .route("/content/{id}/delete", post(delete))
        .route("/content/{id}/duplicate", post(duplicate))
}

/// The page of an item: menus have their own editor.
fn href(item: &ContentItem) -> String {
    match item.kind {
        ContentKind::MenuBoard { .. } => format!("/menus/{}", item.id.0),
        _ => format!("/content/{}", item.id.0),
    }
}

/// How a feed is doing, where an item uses it.
pub struct FeedStatus {
    pub id: i64,
    pub name: String,
    pub stale: bool,
    pub error: Option<String>,
    /// When it last brought data, in the page's calendar; empty if never.
    pub last_success: String,
}

impl FeedStatus {
    fn of(feed: &Feed, page: &Page) -> FeedStatus {
        FeedStatus {
            id: feed.id,
            name: feed.name.clone(),
            stale: feed.state.stale,
            error: feed.state.last_error.clone(),
            last_success: feed
                .state
                .last_success_at
                .map(|ms| page.datetime(ms))
                .unwrap_or_default(),
        }
    }

    /// Whether screens show old or no data from it.
    pub fn is_bad(&self) -> bool {
        self.stale || self.error.is_some() || self.last_success.is_empty()
    }
}

/// A row of the content list.
pub struct ItemRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub feed: Option<FeedStatus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "content/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    rows: Vec<ItemRow>,
    q: String,
    kind: String,
    kinds: &'static [&'static str],
    total: usize,
}

/// A feed in the form's choice of feeds.
pub struct FeedChoice {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "content/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    /// `None` for a new item.
    id: Option<i64>,
    form: ContentForm,
    errors: FormErrors,
    /// The library's pictures and videos, for the kinds that show one.
    media: Vec<Media>,
    /// The feeds of the kind this item shows.
    feeds: Vec<FeedChoice>,
    preview: Option<Preview>,
    feed_status: Option<FeedStatus>,
    used: Vec<UsedLink>,
    links: Vec<TrackedLink>,
}

impl EditPage<'_> {
    fn kind_name(&self) -> String {
        self.page
            .t(&format!("content.kind.{}", self.form.kind))
            .to_owned()
    }

    fn media_of(&self, kind: &str) -> Vec<&Media> {
        self.media.iter().filter(|m| m.kind == kind).collect()
    }
}

async fn feeds_of(state: &AppState, principal: &Principal) -> ApiResult<Vec<Feed>> {
    Ok(sources::list(State(state.clone()), principal.clone())
        .await?
        .0)
}

async fn load(state: &AppState, principal: &Principal, id: i64) -> ApiResult<ContentItem> {
    library::get::<ContentItem>(state, principal, id).await
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<ListQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let items = library::list::<ContentItem>(&state, &principal).await?;
    let feeds = feeds_of(&state, &principal).await?;
    let total = items.len();
    let rows = items
        .iter()
        .filter(|i| query.kind.is_empty() || kind_code(&i.kind) == query.kind)
        .filter(|i| matches(&i.name, &query.q))
        .map(|i| ItemRow {
            href: href(i),
            name: i.name.clone(),
            kind: page
                .t(&format!("content.kind.{}", kind_code(&i.kind)))
                .to_owned(),
            feed: i.feed().and_then(|(id, _)| {
                feeds
                    .iter()
                    .find(|f| f.id == id.0)
                    .map(|f| FeedStatus::of(f, &page))
            }),
        })
        .collect();
    Ok(render(&ListPage {
        page: &page,
        rows,
        q: query.q,
        kind: query.kind,
        kinds: &KINDS,
        total,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    kind: String,
}

async fn new_form(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<NewQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    if query.kind == "menu" {
        return Ok(redirect("/menus/new"));
    }
    if !KINDS.contains(&query.kind.as_str()) {
        return Err(ApiError::NotFound);
    }
    let form = ContentForm::new_of(&query.kind, page.lang);
    let tpl = edit_page(&state, &principal, &page, None, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

/// The edit page around `form`; for a saved item also its preview, feed, users and links.
async fn edit_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    saved: Option<&ContentItem>,
    form: ContentForm,
    errors: FormErrors,
) -> ApiResult<EditPage<'a>> {
    let media = crate::domain::media::list(state, principal).await?;
    let feeds = feeds_of(state, principal).await?;
    let wanted = match form.kind.as_str() {
        "ticker" => "news",
        "weather" => "weather",
        _ => "currency",
    };
    let choices = feeds
        .iter()
        .filter(|f| f.kind == wanted)
        .map(|f| FeedChoice {
            id: f.id.to_string(),
            label: f.name.clone(),
        })
        .collect();
    let (mut preview, mut feed_status, mut used, mut links) = (None, None, Vec::new(), Vec::new());
    if let Some(item) = saved {
        let feed = item
            .feed()
            .and_then(|(id, _)| feeds.iter().find(|f| f.id == id.0));
        feed_status = feed.map(|f| FeedStatus::of(f, page));
        let mut qr_url = String::new();
        if let ContentKind::QrPromo { url, .. } = &item.kind {
            links = promo::tracked_links(state, principal, item.id.0).await?;
            // Each screen's code leads through its own tracked link; before there are screens
            // the preview shows where the code will lead.
            qr_url = links.first().map_or_else(|| url.clone(), |l| l.url.clone());
        }
        preview = Some(preview::preview(
            &item.kind,
            page.lang,
            &page.tz,
            &media,
            feed.and_then(|f| f.snapshot.as_ref()),
            &qr_url,
        ));
        used = used_by(
            state,
            principal,
            page.lang,
            "content",
            &item.id.0.to_string(),
        )
        .await?;
    }
    Ok(EditPage {
        page,
        id: saved.map(|i| i.id.0),
        form,
        errors,
        media,
        feeds: choices,
        preview,
        feed_status,
        used,
        links,
    })
}

/// The typed rates of a currency board whose feed takes them, as the form shows them.
fn typed_rates_of(item: &ContentItem, feeds: &[Feed]) -> String {
    let ContentKind::CurrencyBoard { feed, unit, .. } = &item.kind else {
        return String::new();
    };
    let Some(feed) = feeds.iter().find(|f| f.id == feed.0) else {
        return String::new();
    };
    if feed.source.is_fetched() {
        return String::new();
    }
    match feed.snapshot.as_ref().map(|s| &s.data) {
        Some(FeedData::Currency { rates }) => rates_text(rates, *unit),
        _ => String::new(),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let item = load(&state, &principal, id).await?;
    if matches!(item.kind, ContentKind::MenuBoard { .. }) {
        return Ok(redirect(&href(&item)));
    }
    let feeds = feeds_of(&state, &principal).await?;
    let form = ContentForm::from_item(
        &item.name,
        &item.kind,
        page.lang,
        &page.tz,
        typed_rates_of(&item, &feeds),
    );
    let tpl = edit_page(
        &state,
        &principal,
        &page,
        Some(&item),
        form,
        FormErrors::none(),
    )
    .await?;
    Ok(render(&tpl))
}

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<ContentForm>,
) -> ApiResult<Response> {
    save(state, signed, None, form).await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(mut form): Form<ContentForm>,
) -> ApiResult<Response> {
    // Another organization's id is 404 before anything; the kind of a saved item stays.
    let item = load(&state, &signed.principal, id).await?;
    if matches!(item.kind, ContentKind::MenuBoard { .. }) {
        return Err(ApiError::NotFound);
    }
    form.kind = kind_code(&item.kind).to_owned();
    form.make_playlist.clear();
    save(state, signed, Some(item), form).await
}

async fn save(
    state: AppState,
    signed: Signed,
    saved: Option<ContentItem>,
    form: ContentForm,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    match write(&state, &principal, &page, saved.as_ref(), &form).await? {
        Ok(item) => Ok(redirect_flash(
            &href(&item),
            true,
            "content.saved",
            &item.name,
        )),
        Err(errors) => {
            let tpl = edit_page(&state, &principal, &page, saved.as_ref(), form, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
        }
    }
}

/// Saves the item the form describes (a new one when `saved` is `None`), with its playlist
/// and typed rates; or the messages for the form.
async fn write(
    state: &AppState,
    principal: &Principal,
    page: &Page,
    saved: Option<&ContentItem>,
    form: &ContentForm,
) -> ApiResult<Result<ContentItem, FormErrors>> {
    let lang = page.lang;
    let entry_ms = if saved.is_none() && !form.make_playlist.is_empty() {
        match form.entry_ms(lang) {
            Ok(ms) => Some(ms),
            Err(errors) => return Ok(Err(errors)),
        }
    } else {
        None
    };
    let typed_feed = if form.is_typed_currency() {
        match typed_rates_feed(state, principal, lang, saved, form).await? {
            Ok(feed) => Some(feed),
            Err(errors) => return Ok(Err(errors)),
        }
    } else {
        None
    };
    let kind = match form.to_kind(lang, &page.tz, typed_feed) {
        Ok(kind) => kind,
        Err(errors) => return Ok(Err(errors)),
    };
    let item = ContentItem {
        id: ContentId(0),
        name: form.name.clone(),
        kind,
    };
    match store(state, principal, saved.map(|i| i.id.0), item, entry_ms).await {
        Ok(item) => Ok(Ok(item)),
        Err(e) => Ok(Err(name_taken(lang, e)?)),
    }
}

/// The form's errors for a refused save; a taken name (names are unique in a library, and a
/// new item's playlist takes its name) is said next to the name, in the user's language.
pub(super) fn name_taken(lang: Lang, error: ApiError) -> ApiResult<FormErrors> {
    match error {
        ApiError::Conflict(_) => {
            let mut errors = FormErrors::none();
            errors.add("name", lang.t("content.err.name_taken"));
            Ok(errors)
        }
        other => FormErrors::from_api(lang, other),
    }
}

/// The feed a typed currency board keeps its rates in, with the form's rates set: the board's
/// own when it has one that takes typed rates, else a new one named after the board.
async fn typed_rates_feed(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    saved: Option<&ContentItem>,
    form: &ContentForm,
) -> ApiResult<Result<FeedId, FormErrors>> {
    let (unit, rates) = match form.typed_rates(lang) {
        Ok(typed) => typed,
        Err(errors) => return Ok(Err(errors)),
    };
    if form.name.trim().is_empty() {
        // Checked before a feed is made for it, so a refused board leaves nothing behind.
        let mut errors = FormErrors::none();
        errors.add("name", lang.t("err.required"));
        return Ok(Err(errors));
    }
    let feeds = feeds_of(state, principal).await?;
    let own = saved.and_then(|item| match &item.kind {
        ContentKind::CurrencyBoard { feed, .. } => feeds
            .iter()
            .find(|f| f.id == feed.0 && !f.source.is_fetched())
            .map(|f| f.id),
        _ => None,
    });
    let (feed, made) = match own {
        Some(id) => (id, false),
        None => {
            let input: FeedInput = serde_json::from_value(json!({
                "name": form.name.trim(),
                "source": {"type": "manual_currency"},
            }))
            .map_err(ApiError::internal)?;
            let (_, created) =
                sources::create(State(state.clone()), principal.clone(), ApiJson(input)).await?;
            (created.0.id, true)
        }
    };
    let input = RatesInput { unit, rates };
    match sources::set_rates(
        State(state.clone()),
        principal.clone(),
        Id(feed),
        ApiJson(input),
    )
    .await
    {
        Ok(_) => Ok(Ok(FeedId(feed))),
        Err(e) => {
            if made {
                sources::delete(State(state.clone()), principal.clone(), Id(feed)).await?;
            }
            Ok(Err(FormErrors::from_api(lang, e)?))
        }
    }
}

/// Saves the item and, when `entry_ms` is given, a playlist of its own showing it that long,
/// in one change (the menu page saves menus with it too).
pub(super) async fn store(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    item: ContentItem,
    entry_ms: Option<i64>,
) -> ApiResult<ContentItem> {
    let body = serde_json::to_value(&item).map_err(ApiError::internal)?;
    let mut change = Change::begin(state, principal).await?;
    let (_, saved) = library::save_in::<ContentItem>(&mut change, id, body).await?;
    if let Some(ms) = entry_ms {
        let playlist = json!({
            "name": saved.name,
            "entries": [{ "content": saved.id, "duration_ms": ms }],
        });
        library::save_in::<Playlist>(&mut change, None, playlist).await?;
    }
    let action = if id.is_none() { "create" } else { "update" };
    change
        .commit(Audit::of(
            action,
            "content",
            saved.id.0,
            format!("{action} content '{}'", saved.name),
        ))
        .await?;
    Ok(saved)
}

async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let principal = signed.principal;
    let item = load(&state, &principal, id).await?;
    match library::delete::<ContentItem>(&state, &principal, id).await {
        Ok(()) => Ok(redirect_flash(
            "/content",
            true,
            "content.deleted",
            &item.name,
        )),
        // Still in a playlist: say so on the item's page (which lists where), nothing is lost.
        Err(ApiError::Conflict(message)) => Ok(redirect_flash(
            &href(&item),
            false,
            "content.in_use",
            &message,
        )),
        Err(e) => Err(e),
    }
}

async fn duplicate(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    super::duplicate::duplicate::<ContentItem>(&state, signed, id, href, "content.duplicated").await
}

pub const TEXT: &[Entry] = &[
    ("nav.content", "Content", "محتوا"),
    ("content.title", "Content", "محتوا"),
    (
        "content.intro",
        "Everything a screen can show. Put an item in a playlist to schedule it.",
        "هر چیزی که نمایشگر می‌تواند نشان دهد. برای زمان‌بندی، آن را در یک فهرست پخش بگذارید.",
    ),
    ("content.new", "New", "تازه"),
    ("content.none", "No content yet.", "هنوز محتوایی ندارید."),
    ("content.no_match", "Nothing matches.", "چیزی پیدا نشد."),
    ("content.search", "Search by name", "جستجو در نام‌ها"),
    ("content.filter_kind", "Kind", "نوع"),
    ("content.all_kinds", "All kinds", "همهٔ انواع"),
    ("content.apply", "Show", "نمایش"),
    (
        "content.shown",
        "{shown} of {total} items",
        "{shown} از {total} مورد",
    ),
    ("content.kind", "Kind", "نوع"),
    ("content.kind.image", "Picture", "تصویر"),
    ("content.kind.video", "Video", "ویدیو"),
    ("content.kind.text", "Text slide", "اسلاید متن"),
    ("content.kind.ticker", "Ticker", "زیرنویس متحرک"),
    ("content.kind.weather", "Weather", "آب‌وهوا"),
    ("content.kind.currency", "Currency board", "تابلوی نرخ ارز"),
    ("content.kind.clock", "Clock", "ساعت"),
    ("content.kind.qr", "QR promo", "تبلیغ با کد QR"),
    ("content.kind.menu", "Menu", "منو"),
    ("content.new_title", "New {kind}", "{kind} تازه"),
    ("content.edit_title", "{kind}: {name}", "{kind}: {name}"),
    ("content.name", "Name (for you)", "نام (برای خودتان)"),
    ("content.media.image", "Picture", "تصویر"),
    ("content.media.video", "Video", "ویدیو"),
    ("content.media.choose", "Choose…", "انتخاب کنید…"),
    (
        "content.media.none",
        "The media library has none yet: upload one first.",
        "کتابخانهٔ رسانه هنوز چنین فایلی ندارد؛ اول آن را بارگذاری کنید.",
    ),
    ("content.media.upload", "Upload media", "بارگذاری رسانه"),
    ("content.fit", "Fit", "اندازه"),
    (
        "content.fit.contain",
        "Whole picture (bars if needed)",
        "کل تصویر (با حاشیه در صورت نیاز)",
    ),
    (
        "content.fit.cover",
        "Fill the zone (edges may be cut)",
        "پر کردن ناحیه (لبه‌ها ممکن است بریده شوند)",
    ),
    ("content.muted", "Without sound", "بدون صدا"),
    ("content.text_title", "Title", "عنوان"),
    ("content.body", "Text", "متن"),
    ("content.lang", "Language of the text", "زبان متن"),
    (
        "content.lang.fa",
        "Persian (right to left)",
        "فارسی (راست به چپ)",
    ),
    (
        "content.lang.en",
        "English (left to right)",
        "انگلیسی (چپ به راست)",
    ),
    ("content.source", "Source", "منبع"),
    (
        "content.source.static",
        "Lines I type",
        "خطوطی که خودم می‌نویسم",
    ),
    ("content.source.feed", "A news feed", "یک خبرخوان"),
    (
        "content.source.typed",
        "Rates I type",
        "نرخ‌هایی که خودم وارد می‌کنم",
    ),
    (
        "content.source.currency_feed",
        "A rates feed",
        "یک منبع نرخ",
    ),
    ("content.feed", "Feed", "منبع"),
    (
        "content.feed.choose",
        "Choose a feed…",
        "یک منبع انتخاب کنید…",
    ),
    (
        "content.feed.none",
        "No feed of this kind yet: add one on the feeds page.",
        "هنوز منبعی از این نوع ندارید؛ در صفحهٔ منابع یکی بیفزایید.",
    ),
    ("content.feed.add", "Add a feed", "افزودن منبع"),
    (
        "content.max_items",
        "Newest items shown",
        "تعداد تازه‌ترین خبرها",
    ),
    (
        "content.lines",
        "Lines (one per line)",
        "خطوط (هر خط یک پیام)",
    ),
    (
        "content.speed",
        "Speed (pixels a second)",
        "سرعت (پیکسل در ثانیه)",
    ),
    (
        "content.symbols",
        "Show only (symbols)",
        "فقط این‌ها (نمادها)",
    ),
    (
        "content.symbols_hint",
        "E.g. USD EUR. Empty shows every rate.",
        "مثلاً USD EUR. خالی یعنی همهٔ نرخ‌ها.",
    ),
    ("content.unit", "Show prices in", "واحد نمایش"),
    ("content.unit.toman", "Toman", "تومان"),
    ("content.unit.rial", "Rial", "ریال"),
    ("content.rates", "Rates (one per line)", "نرخ‌ها (هر خط یکی)"),
    (
        "content.rates_hint",
        "Symbol, name on screen (optional), value in the unit above: USD دلار آمریکا ۵۸٬۰۰۰",
        "نماد، نام روی نمایشگر (اختیاری)، مقدار به واحد بالا: USD دلار آمریکا ۵۸٬۰۰۰",
    ),
    ("content.calendar", "Calendar", "تقویم"),
    ("content.calendar.solar_hijri", "Solar Hijri", "هجری شمسی"),
    ("content.calendar.gregorian", "Gregorian", "میلادی"),
    ("content.calendar.both", "Both", "هر دو"),
    ("content.digits", "Digits", "ارقام"),
    ("content.digits.persian", "Persian (۱۲۳)", "فارسی (۱۲۳)"),
    ("content.digits.latin", "Latin (123)", "لاتین (123)"),
    ("content.show_seconds", "Show seconds", "نمایش ثانیه"),
    ("content.headline", "Headline", "عنوان"),
    (
        "content.url",
        "Where the code leads (https://…)",
        "نشانی مقصد کد (https://…)",
    ),
    (
        "content.url_hint",
        "Each screen shows its own tracked link to it, so you see which screen brought each scan.",
        "هر نمایشگر پیوند ردیابی خودش را نشان می‌دهد تا ببینید هر اسکن از کدام نمایشگر بوده است.",
    ),
    ("content.leads_to", "A scan opens", "اسکن این را باز می‌کند"),
    ("content.leads_to.link", "A link", "یک پیوند"),
    (
        "content.leads_to.feedback",
        "A feedback form (stars and a comment)",
        "فرم نظرسنجی (ستاره و نظر)",
    ),
    (
        "content.leads_to.offer",
        "An offer with one-time codes",
        "پیشنهاد با کد یک‌بارمصرف",
    ),
    (
        "content.leads_to.loyalty",
        "The loyalty card",
        "کارت وفاداری",
    ),
    (
        "content.leads_to_hint",
        "Feedback, offers and the loyalty card are pages of this server, made for phones; codes are redeemed and cards stamped on the Counter page.",
        "نظرسنجی، پیشنهادها و کارت وفاداری صفحه‌هایی از همین سرور و مناسب تلفن همراه‌اند؛ کدها و مهرها در صفحهٔ «پیشخوان صندوق» ثبت می‌شوند.",
    ),
    (
        "content.offer_title",
        "What a code is worth (a free cookie)",
        "ارزش هر کد (یک کلوچهٔ رایگان)",
    ),
    ("content.offer_limit", "Codes in all", "تعداد کل کدها"),
    (
        "content.offer_starts",
        "First day codes are given (optional; Solar Hijri or Gregorian)",
        "نخستین روز دادن کد (اختیاری؛ خورشیدی یا میلادی)",
    ),
    (
        "content.offer_ends",
        "Last day codes are given and redeemed (optional)",
        "آخرین روز دادن و پذیرفتن کد (اختیاری)",
    ),
    (
        "content.err.date",
        "A date such as 1405/09/20 or 2026-12-10",
        "تاریخی مانند ۱۴۰۵/۰۹/۲۰ یا 2026-12-10",
    ),
    (
        "content.offer_days",
        "Days a code can be used",
        "روزهای اعتبار هر کد",
    ),
    ("content.kind.reviews", "Reviews", "نظرهای مشتریان"),
    ("content.review_style", "Shown as", "نمایش به شکل"),
    ("content.review_style.slide", "One at a time", "یکی‌یکی"),
    ("content.review_style.ticker", "A ticker", "زیرنویس متحرک"),
    (
        "content.min_rating",
        "At least this many stars",
        "دست‌کم این تعداد ستاره",
    ),
    (
        "content.own_store",
        "Only reviews of the screen's own store",
        "فقط نظرهای فروشگاه همان نمایشگر",
    ),
    (
        "content.reviews_note",
        "Shows the comments you approve on the Feedback page, newest first; it updates itself.",
        "نظرهایی را که در صفحهٔ «نظرها» تأیید می‌کنید نشان می‌دهد، تازه‌ترین اول؛ خودش به‌روز می‌شود.",
    ),
    (
        "content.qr_image",
        "Picture beside the code (optional)",
        "تصویر کنار کد (اختیاری)",
    ),
    ("content.no_image", "No picture", "بدون تصویر"),
    (
        "content.make_playlist",
        "Also make a playlist of it, to schedule it",
        "یک فهرست پخش هم برایش بساز تا بتوان زمان‌بندی‌اش کرد",
    ),
    (
        "content.seconds",
        "Seconds on screen each time",
        "مدت نمایش هر بار (ثانیه)",
    ),
    ("content.preview", "Preview", "پیش‌نمایش"),
    (
        "content.preview.landscape",
        "Landscape screen",
        "نمایشگر افقی",
    ),
    (
        "content.preview.portrait",
        "Portrait screen",
        "نمایشگر عمودی",
    ),
    (
        "content.preview.no_data",
        "No data from the feed yet: screens show nothing here until it arrives.",
        "هنوز داده‌ای از منبع نرسیده؛ تا برسد نمایشگرها اینجا چیزی نشان نمی‌دهند.",
    ),
    (
        "content.preview.video_length",
        "Video, {seconds} seconds",
        "ویدیو، {seconds} ثانیه",
    ),
    ("content.feed_state", "Feed", "منبع"),
    ("content.feed_state.ok", "up to date", "به‌روز"),
    (
        "content.feed_state.stale",
        "stale: screens show old data",
        "کهنه: نمایشگرها دادهٔ قدیمی نشان می‌دهند",
    ),
    (
        "content.feed_state.failing",
        "failing: {error}",
        "خطا: {error}",
    ),
    (
        "content.feed_state.never",
        "no data yet",
        "هنوز داده‌ای نرسیده",
    ),
    (
        "content.feed_state.last",
        "last data {when}",
        "آخرین داده {when}",
    ),
    (
        "content.links",
        "Tracked links and scans",
        "پیوندهای ردیابی و اسکن‌ها",
    ),
    (
        "content.links_none",
        "No screens yet: each screen gets its own link when it is paired.",
        "هنوز نمایشگری ندارید؛ هر نمایشگر پس از جفت شدن پیوند خودش را می‌گیرد.",
    ),
    ("content.links.screen", "Screen", "نمایشگر"),
    ("content.links.link", "Link", "پیوند"),
    ("content.links.scans", "Scans", "اسکن‌ها"),
    ("content.duplicate", "Duplicate", "ساختن رونوشت"),
    ("content.saved", "“{arg}” saved.", "«{arg}» ذخیره شد."),
    ("content.deleted", "“{arg}” deleted.", "«{arg}» حذف شد."),
    (
        "content.duplicated",
        "Copy “{arg}” made.",
        "رونوشت «{arg}» ساخته شد.",
    ),
    ("content.in_use", "Not deleted: {arg}", "حذف نشد: {arg}"),
    (
        "content.err.number",
        "Enter a whole number, e.g. 120 or ۱۲۰.",
        "یک عدد صحیح بنویسید، مثلاً ۱۲۰ یا 120.",
    ),
    (
        "content.err.seconds",
        "Enter 1 to 86400 seconds.",
        "عددی از ۱ تا ۸۶۴۰۰ ثانیه بنویسید.",
    ),
    ("content.err.feed", "Choose a feed.", "یک منبع انتخاب کنید."),
    (
        "content.err.media",
        "Choose one from the media library.",
        "یکی را از کتابخانهٔ رسانه انتخاب کنید.",
    ),
    (
        "content.err.kind",
        "Unknown kind of content.",
        "نوع محتوا نامعتبر است.",
    ),
    (
        "content.err.rate_line",
        "Line {line}: write a symbol and a value, e.g. USD 58000.",
        "خط {line}: یک نماد و یک مقدار بنویسید، مثلاً USD ۵۸۰۰۰.",
    ),
    (
        "content.err.name_taken",
        "Another item, or a playlist made for one, already has this name.",
        "مورد دیگری، یا فهرست پخشی که برایش ساخته شده، همین نام را دارد.",
    ),
    (
        "content.err.rates",
        "Type at least one rate.",
        "دست‌کم یک نرخ بنویسید.",
    ),
];

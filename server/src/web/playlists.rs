//! Playlists: content in order, each entry with its duration, transition and optional promo
//! dates (Solar Hijri in Persian), and a preview of the loop as it plays today.
//!
//! Entries are posted in page order as repeated fields (`entry_content`, `entry_seconds`, …),
//! each group starting at its `entry_content`, so the order the browser sends is the order
//! saved: drag and drop (vitrin.js) moves the items and their inputs; without JavaScript the
//! up/down buttons submit the form with `action=up:<n>` or `down:<n>`. Saving goes through
//! the content library, like the API.
//!
//! The list searches by name; an edit page shows where the playlist is used and can duplicate
//! it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::{Timestamp, ToSpan};
use vitrin_shared::calendar;
use vitrin_shared::content::ContentItem;
use vitrin_shared::ids::{ContentId, PlaylistId};
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::media::matches;
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::schedule::{parse_date, show_date};
use super::used::{UsedLink, used_by};
use crate::auth::Principal;
use crate::domain::library;
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/playlists", get(list))
        .route("/playlists/new", get(new_form).post(create))
        .route("/playlists/{id}", get(edit_form).post(update))
        .route("/playlists/{id}/delete", post(delete))
        .route("/playlists/{id}/duplicate", post(duplicate))
}

/// A new entry shows this long until changed.
const DEFAULT_SECONDS: &str = "10";

/// One entry as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryForm {
    pub content: String,
    pub seconds: String,
    /// `cut`, `fade` or `slide`.
    pub transition: String,
    pub from: String,
    pub until: String,
    pub remove: bool,
}

#[derive(Debug, Clone, Default)]
pub struct PlaylistForm {
    pub name: String,
    pub entries: Vec<EntryForm>,
}

impl PlaylistForm {
    fn from_pairs(pairs: &[(String, String)]) -> (PlaylistForm, String) {
        let mut form = PlaylistForm::default();
        let mut action = String::new();
        for (key, value) in pairs {
            let v = value.clone();
            if key == "entry_content" {
                form.entries.push(EntryForm {
                    content: v,
                    ..EntryForm::default()
                });
                continue;
            }
            match (key.as_str(), form.entries.last_mut()) {
                ("name", _) => form.name = v,
                ("action", _) => action = v,
                ("add_content", _) if !v.is_empty() => form.entries.push(EntryForm {
                    content: v,
                    seconds: DEFAULT_SECONDS.into(),
                    transition: "cut".into(),
                    ..EntryForm::default()
                }),
                ("entry_seconds", Some(e)) => e.seconds = v,
                ("entry_transition", Some(e)) => e.transition = v,
                ("entry_from", Some(e)) => e.from = v,
                ("entry_until", Some(e)) => e.until = v,
                ("entry_remove", Some(e)) => e.remove = true,
                _ => {}
            }
        }
        (form, action)
    }

    fn from_playlist(playlist: &Playlist, page: &Page) -> PlaylistForm {
        let day = |t: Option<Timestamp>, last: bool| {
            t.map(|t| {
                // `valid_until` is exclusive: the form shows the last day it plays.
                let t = if last {
                    t - jiff::SignedDuration::from_secs(1)
                } else {
                    t
                };
                show_date(t.to_zoned(page.tz.clone()).date(), page.lang)
            })
            .unwrap_or_default()
        };
        PlaylistForm {
            name: playlist.name.clone(),
            entries: playlist
                .entries
                .iter()
                .map(|e| EntryForm {
                    content: e.content.0.to_string(),
                    seconds: format_seconds(e.duration_ms),
                    transition: match e.transition {
                        Transition::Cut => "cut",
                        Transition::Fade { .. } => "fade",
                        Transition::Slide { .. } => "slide",
                        Transition::Push { .. } => "push",
                    }
                    .into(),
                    from: day(e.valid_from, false),
                    until: day(e.valid_until, true),
                    remove: false,
                })
                .collect(),
        }
    }

    /// Applies `up:<n>` / `down:<n>` and drops entries marked for removal.
    fn apply(&mut self, action: &str) {
        let swap = |n: usize, m: usize, entries: &mut Vec<EntryForm>| {
            if n < entries.len() && m < entries.len() {
                entries.swap(n, m);
            }
        };
        if let Some(n) = action
            .strip_prefix("up:")
            .and_then(|n| n.parse::<usize>().ok())
        {
            swap(n.wrapping_sub(1), n, &mut self.entries);
        } else if let Some(n) = action.strip_prefix("down:").and_then(|n| n.parse().ok()) {
            swap(n, n + 1, &mut self.entries);
        }
        self.entries.retain(|e| !e.remove);
    }

    fn to_playlist(&self, page: &Page) -> Result<Playlist, FormErrors> {
        let lang = page.lang;
        let mut errors = FormErrors::none();
        let start_of =
            |date: jiff::civil::Date| date.to_zoned(page.tz.clone()).ok().map(|z| z.timestamp());
        let mut entries = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let field = |name: &str| format!("entries.{i}.{name}");
            let duration_ms = parse_seconds(&e.seconds).unwrap_or_else(|| {
                errors.add(&field("duration_ms"), lang.t("playlists.err.seconds"));
                0
            });
            let mut date = |text: &str, name: &str, next_day: bool| -> Option<Timestamp> {
                if text.trim().is_empty() {
                    return None;
                }
                let parsed = parse_date(text)
                    .map(|d| {
                        if next_day {
                            d.checked_add(1.day()).unwrap_or(d)
                        } else {
                            d
                        }
                    })
                    .and_then(start_of);
                if parsed.is_none() {
                    errors.add(&field(name), lang.t("schedule.err.date"));
                }
                parsed
            };
            let valid_from = date(&e.from, "valid_from", false);
            let valid_until = date(&e.until, "valid_until", true);
            let transition = match e.transition.as_str() {
                "fade" => Transition::Fade { ms: 600 },
                "slide" => Transition::Slide { ms: 600 },
                "push" => Transition::Push { ms: 600 },
                _ => Transition::Cut,
            };
            entries.push(PlaylistEntry {
                content: ContentId(e.content.parse().unwrap_or(0)),
                duration_ms,
                transition,
                valid_from,
                valid_until,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Playlist {
            id: PlaylistId(0),
            name: self.name.trim().to_owned(),
            entries,
        })
    }
}

pub(super) fn format_seconds(ms: i64) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", ms as f64 / 1000.0)
    }
}

/// Seconds as typed (Persian or Latin digits, `.` or the Persian `٫` before a fraction), in
/// milliseconds; `None` when it is not a number. The range is the caller's to check.
pub(super) fn parse_seconds(text: &str) -> Option<i64> {
    let seconds = calendar::normalize_digits(text.trim()).replace('٫', ".");
    match seconds.parse::<f64>() {
        Ok(s) if s.is_finite() => Some((s * 1000.0).round() as i64),
        _ => None,
    }
}

/// What the preview lists: the loop as it plays today, with each entry's place in it.
pub struct PreviewRow {
    pub name: String,
    pub starts_at: String,
    pub seconds: String,
    pub playing: bool,
}

pub struct ContentChoice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "playlists/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    playlists: Vec<(i64, String, String)>,
    /// What was typed in the search box.
    query: String,
    /// Whether the organization has any playlist (else "none yet" rather than "no match").
    any: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Search {
    q: String,
}

#[derive(Template)]
#[template(path = "playlists/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    id: Option<i64>,
    form: PlaylistForm,
    errors: FormErrors,
    content: Vec<ContentChoice>,
    preview: Vec<PreviewRow>,
    loop_length: String,
    /// Where the playlist is used (layouts, rules), for a saved one.
    used: Vec<UsedLink>,
}

impl EditPage<'_> {
    fn content_name(&self, id: &str) -> String {
        self.content
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name.clone())
    }

    fn error(&self, n: &usize, field: &str) -> Option<&str> {
        self.errors.get(&format!("entries.{n}.{field}"))
    }
}

async fn content_choices(state: &AppState, principal: &Principal) -> ApiResult<Vec<ContentChoice>> {
    Ok(library::list::<ContentItem>(state, principal)
        .await?
        .into_iter()
        .map(|c| ContentChoice {
            id: c.id.0.to_string(),
            name: c.name,
        })
        .collect())
}

/// The loop as it plays from the start of today: entries valid now, in order, with offsets.
fn preview(
    playlist: &Playlist,
    content: &[ContentChoice],
    lang: Lang,
) -> (Vec<PreviewRow>, String) {
    let now = Timestamp::now();
    let mut offset = 0;
    let rows = playlist
        .entries
        .iter()
        .filter(|e| e.is_valid_at(now) && e.duration_ms > 0)
        .map(|e| {
            let start = offset;
            offset += e.duration_ms;
            PreviewRow {
                name: content
                    .iter()
                    .find(|c| c.id == e.content.0.to_string())
                    .map_or_else(|| format!("#{}", e.content), |c| c.name.clone()),
                starts_at: lang.digits_in(&format!("{}:{:02}", start / 60_000, start / 1000 % 60)),
                seconds: lang.digits_in(&format_seconds(e.duration_ms)),
                playing: false,
            }
        })
        .collect::<Vec<_>>();
    let length = lang.digits_in(&format!("{}:{:02}", offset / 60_000, offset / 1000 % 60));
    // Which entry a screen that started the loop at midnight UTC shows now.
    let mut rows = rows;
    if let Some(at) = playlist.entry_at(Timestamp::UNIX_EPOCH, now) {
        let valid: Vec<usize> = playlist
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_valid_at(now) && e.duration_ms > 0)
            .map(|(i, _)| i)
            .collect();
        if let Some(row) = valid.iter().position(|i| *i == at.index) {
            rows[row].playing = true;
        }
    }
    (rows, length)
}

/// The layouts and rules using a saved playlist.
async fn used_of(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    id: Option<i64>,
) -> ApiResult<Vec<UsedLink>> {
    match id {
        Some(id) => used_by(state, principal, lang, "playlist", &id.to_string()).await,
        None => Ok(Vec::new()),
    }
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let all = library::list::<Playlist>(&state, &principal).await?;
    let any = !all.is_empty();
    let playlists = all
        .into_iter()
        .filter(|p| matches(&p.name, &search.q))
        .map(|p| {
            let count = page.lang.num(p.entries.len() as i64);
            let text = page.lang.tf("playlists.count", &[("n", &count)]);
            (p.id.0, p.name, text)
        })
        .collect();
    Ok(render(&ListPage {
        page: &page,
        playlists,
        query: search.q,
        any,
    }))
}

async fn new_form(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    Ok(render(&EditPage {
        page: &page,
        id: None,
        form: PlaylistForm::default(),
        errors: FormErrors::none(),
        content: content_choices(&state, &principal).await?,
        preview: Vec::new(),
        loop_length: String::new(),
        used: Vec::new(),
    }))
}

async fn edit_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let playlist = library::get::<Playlist>(&state, &principal, id).await?;
    let content = content_choices(&state, &principal).await?;
    let (preview, loop_length) = preview(&playlist, &content, page.lang);
    Ok(render(&EditPage {
        form: PlaylistForm::from_playlist(&playlist, &page),
        used: used_of(&state, &principal, page.lang, Some(id)).await?,
        page: &page,
        id: Some(id),
        errors: FormErrors::none(),
        content,
        preview,
        loop_length,
    }))
}

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    save(state, signed, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    library::get::<Playlist>(&state, &signed.principal, id).await?;
    save(state, signed, Some(id), pairs).await
}

async fn save(
    state: AppState,
    signed: Signed,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    let (mut form, action) = PlaylistForm::from_pairs(&pairs);
    form.apply(&action);
    let outcome = match form.to_playlist(&page) {
        Err(errors) => Err(errors),
        Ok(playlist) => {
            let body = serde_json::to_value(&playlist).map_err(ApiError::internal)?;
            match library::save::<Playlist>(&state, &principal, id, body).await {
                Ok((_, saved)) => Ok(saved),
                Err(ApiError::Validation(v)) => {
                    let mut errors = FormErrors::none();
                    errors.add_validation(page.lang, &v);
                    Err(errors)
                }
                Err(e) => Err(FormErrors::from_api(page.lang, e)?),
            }
        }
    };
    match outcome {
        Ok(saved) => Ok(redirect_flash(
            &format!("/playlists/{}", saved.id.0),
            true,
            "playlists.saved",
            &saved.name,
        )),
        Err(errors) => Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &EditPage {
                page: &page,
                id,
                form,
                errors,
                content: content_choices(&state, &principal).await?,
                preview: Vec::new(),
                loop_length: String::new(),
                used: used_of(&state, &principal, page.lang, id).await?,
            },
        )),
    }
}

async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let playlist = library::get::<Playlist>(&state, &signed.principal, id).await?;
    match library::delete::<Playlist>(&state, &signed.principal, id).await {
        Ok(_) => Ok(redirect_flash(
            "/playlists",
            true,
            "playlists.deleted",
            &playlist.name,
        )),
        // Still scheduled or in a layout: said on its page; nothing is lost.
        Err(ApiError::Conflict(message)) => Ok(redirect_flash(
            &format!("/playlists/{id}"),
            false,
            "menus.in_use",
            &message,
        )),
        Err(e) => Err(e),
    }
}

/// Saves a copy named "<name> (copy)" in the user's language and opens it.
async fn duplicate(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
) -> ApiResult<Response> {
    super::duplicate::duplicate::<Playlist>(
        &state,
        signed,
        id,
        |copy| format!("/playlists/{}", copy.id.0),
        "playlists.duplicated",
    )
    .await
}

pub const TEXT: &[Entry] = &[
    ("nav.playlists", "Playlists", "فهرست‌های پخش"),
    ("playlists.title", "Playlists", "فهرست‌های پخش"),
    ("playlists.new", "New playlist", "فهرست پخش تازه"),
    (
        "playlists.none",
        "No playlists yet.",
        "هنوز فهرست پخشی نیست.",
    ),
    ("playlists.count", "{n} entries", "{n} مورد"),
    (
        "playlists.edit_title",
        "Playlist: {name}",
        "فهرست پخش: {name}",
    ),
    ("playlists.name", "Name", "نام"),
    ("playlists.entries", "In order", "به ترتیب"),
    (
        "playlists.entries_hint",
        "Drag to reorder, or use the arrows. Promo dates are optional; the last day is included.",
        "برای جابه‌جایی بکشید یا از پیکان‌ها استفاده کنید. تاریخ‌های تبلیغ اختیاری‌اند و روز آخر هم حساب می‌شود.",
    ),
    (
        "playlists.empty",
        "Nothing in this playlist yet.",
        "هنوز چیزی در این فهرست نیست.",
    ),
    ("playlists.seconds", "Seconds", "ثانیه"),
    ("playlists.transition", "Transition", "گذار"),
    ("playlists.transition.cut", "Cut", "برش"),
    ("playlists.transition.fade", "Fade", "محو"),
    ("playlists.transition.slide", "Slide", "لغزش"),
    ("playlists.transition.push", "Push", "هل‌دادن"),
    ("playlists.from", "Promo from", "تبلیغ از"),
    ("playlists.until", "Promo until", "تبلیغ تا"),
    ("playlists.remove", "Remove", "حذف"),
    ("playlists.up", "Move up", "بالا"),
    ("playlists.down", "Move down", "پایین"),
    ("playlists.add", "Add content", "افزودن محتوا"),
    ("playlists.add_none", "Choose…", "انتخاب کنید…"),
    (
        "playlists.preview",
        "Preview: the loop as it plays now",
        "پیش‌نمایش: چرخه‌ای که اکنون پخش می‌شود",
    ),
    (
        "playlists.loop",
        "One loop lasts {length}.",
        "هر دور {length} طول می‌کشد.",
    ),
    ("playlists.now", "showing now", "در حال پخش"),
    (
        "playlists.saved",
        "Playlist “{arg}” saved.",
        "فهرست پخش «{arg}» ذخیره شد.",
    ),
    (
        "playlists.deleted",
        "Playlist “{arg}” deleted.",
        "فهرست پخش «{arg}» حذف شد.",
    ),
    ("playlists.search", "Search by name", "جست‌وجو با نام"),
    ("playlists.search_submit", "Search", "جست‌وجو"),
    (
        "playlists.no_match",
        "No playlist matches “{q}”.",
        "هیچ فهرست پخشی با «{q}» پیدا نشد.",
    ),
    ("playlists.duplicate", "Duplicate", "ساخت رونوشت"),
    (
        "playlists.duplicated",
        "Copy made: you are editing “{arg}”.",
        "رونوشت ساخته شد: اکنون «{arg}» را ویرایش می‌کنید.",
    ),
    (
        "playlists.err.seconds",
        "Enter the seconds as a number, e.g. 10 or 7.5.",
        "ثانیه‌ها را به عدد بنویسید، مثلاً ۱۰ یا ۷٫۵.",
    ),
];

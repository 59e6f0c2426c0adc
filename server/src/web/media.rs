//! The media library page: upload (a plain form; the script adds drag and drop and a progress
//! bar), thumbnails, search by name and kind, where each item is used, and deletion (refused,
//! with a clear message, while something uses the item).
//!
//! A picture or video goes on screen in one step: "Add to playlist" (offered right after an
//! upload, on every tile and on the item's own page) makes the content item showing it and
//! appends it to a playlist, both in one change, so screens get one new manifest.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vitrin_shared::calendar::normalize_persian_text;
use vitrin_shared::content::{ContentItem, ContentKind, Fit, MediaRef};
use vitrin_shared::ids::{ContentId, PlaylistId};
use vitrin_shared::input::is_bidi_control;
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};
use vitrin_shared::{FieldError, ValidationErrors};

use super::form::FormErrors;
use super::i18n::{Entry, Lang, cookie};
use super::page::{Page, Signed, redirect_flash, render_status};
use super::playlists::{format_seconds, parse_seconds};
use super::schedule::Choice;
use super::used::{UsedLink, used_by};
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{DbResult, sql};
use crate::domain::library;
use crate::domain::media::{self as api, Media};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::manifest::{DocRow, decode_doc};
use crate::refs;
use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/media",
            get(library_page)
                .post(upload)
                .layer(crate::media::upload_body_limit(state)),
        )
        .route("/media/{id}", get(detail))
        .route("/media/{id}/add", post(add_to_playlist))
        .route("/media/{id}/delete", post(delete))
}

/// Remembers the item just uploaded for the library page that follows the upload's redirect,
/// which offers to put it on screen. A cookie because the redirect stays a plain `/media`.
const UPLOADED_COOKIE: &str = "vitrin_uploaded";

/// A picture shows this long unless changed; a video, its own length.
const PICTURE_SECONDS: i64 = 10;
/// A day: the longest an entry may show (the playlist's own limit).
const MAX_SECONDS: i64 = 24 * 3600;

/// Whether `name` matches what was typed in a search box: case and the Arabic/Persian variants
/// of ye and kaf do not matter, so `كيك` finds `کیک`. Shared by the library's list pages.
pub(super) fn matches(name: &str, query: &str) -> bool {
    let fold = |s: &str| normalize_persian_text(s.trim()).to_lowercase();
    fold(name).contains(&fold(query))
}

/// The first of `candidates` that no name in `taken` has, compared as the library stores
/// names (trimmed, Persian ی and ک): names are unique in an organization's library.
pub(super) fn free_name<'a>(
    taken: impl IntoIterator<Item = &'a str>,
    candidates: impl IntoIterator<Item = String>,
) -> String {
    let stored = |s: &str| normalize_persian_text(s.trim());
    let taken: HashSet<String> = taken.into_iter().map(stored).collect();
    candidates
        .into_iter()
        .find(|c| !taken.contains(&stored(c)))
        .unwrap_or_default()
}

/// One library item with what uses it.
struct Item {
    media: Media,
    /// Content items showing it directly.
    contents: i64,
    /// Playlists holding one of those content items.
    playlists: i64,
}

/// The "Add to playlist" form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct AddForm {
    /// A playlist id, `new`, or empty.
    playlist: String,
    /// The name of a new playlist.
    new_name: String,
    /// `contain` or `cover`; pictures only.
    fit: String,
    seconds: String,
}

/// One "Add to playlist" form on a page (`templates/media/add_form.html`).
struct AddBox {
    media: i64,
    name: String,
    is_image: bool,
    /// Makes the form's element ids unique on a page with one form per tile.
    key: String,
    form: AddForm,
    errors: FormErrors,
}

impl AddBox {
    /// The form as first offered: no playlist yet, the whole picture, the usual duration.
    fn fresh(media: &Media, key: String, lang: Lang) -> AddBox {
        let seconds = match media.duration_ms {
            Some(ms) if media.kind == "video" && ms > 0 => format_seconds(ms),
            _ => PICTURE_SECONDS.to_string(),
        };
        AddBox {
            media: media.id,
            name: media.name.clone(),
            is_image: media.kind == "image",
            key,
            form: AddForm {
                fit: "contain".into(),
                seconds: lang.digits_in(&seconds),
                ..AddForm::default()
            },
            errors: FormErrors::none(),
        }
    }
}

#[derive(Template)]
#[template(path = "media/library.html")]
struct LibraryPage<'a> {
    page: &'a Page,
    items: Vec<Item>,
    query: String,
    /// `image`, `video` or empty (both).
    kind: String,
    max_bytes: u64,
    errors: FormErrors,
    playlists: Vec<Choice>,
    /// The item just uploaded, offered to put on screen.
    just_uploaded: Option<AddBox>,
}

impl LibraryPage<'_> {
    fn max_mb(&self) -> String {
        self.page.num((self.max_bytes / (1024 * 1024)) as i64)
    }

    fn hint(&self) -> String {
        self.page.tf("media.file_hint", &[("mb", &self.max_mb())])
    }

    fn too_large(&self) -> String {
        self.page.tf("media.too_large", &[("mb", &self.max_mb())])
    }

    /// Why the list is empty: an empty library, or a search that found nothing.
    fn empty_text(&self) -> String {
        if !self.query.trim().is_empty() {
            self.page.tf("media.no_match", &[("q", &self.query)])
        } else if !self.kind.is_empty() {
            self.page.t("media.no_match_kind").to_owned()
        } else {
            self.page.t("media.empty").to_owned()
        }
    }

    fn usage(&self, item: &Item) -> String {
        usage_text(self.page, item)
    }

    fn kind(&self, item: &Item) -> &'static str {
        kind_name(self.page.lang, &item.media)
    }

    fn with_name(&self, key: &str, item: &Item) -> String {
        self.page.tf(key, &[("name", &item.media.name)])
    }

    fn size(&self, item: &Item) -> String {
        size_text(self.page, &item.media)
    }

    fn add_box(&self, item: &Item) -> AddBox {
        AddBox::fresh(&item.media, item.media.id.to_string(), self.page.lang)
    }
}

#[derive(Template)]
#[template(path = "media/detail.html")]
struct DetailPage<'a> {
    page: &'a Page,
    item: Item,
    add: AddBox,
    playlists: Vec<Choice>,
    used: Vec<UsedLink>,
}

impl DetailPage<'_> {
    fn usage(&self) -> String {
        usage_text(self.page, &self.item)
    }

    fn kind(&self) -> &'static str {
        kind_name(self.page.lang, &self.item.media)
    }

    fn size(&self) -> String {
        size_text(self.page, &self.item.media)
    }

    fn with_name(&self, key: &str) -> String {
        self.page.tf(key, &[("name", &self.item.media.name)])
    }
}

/// "Used in 3 playlists", or by content only, or not at all.
fn usage_text(page: &Page, item: &Item) -> String {
    if item.playlists > 0 {
        page.tf("media.used_in", &[("n", &page.num(item.playlists))])
    } else if item.contents > 0 {
        page.tf("media.used_by_content", &[("n", &page.num(item.contents))])
    } else {
        page.t("media.unused").to_owned()
    }
}

fn kind_name(lang: Lang, media: &Media) -> &'static str {
    if media.kind == "video" {
        lang.t("media.kind.video")
    } else {
        lang.t("media.kind.image")
    }
}

fn size_text(page: &Page, media: &Media) -> String {
    let dims = format!("{}×{}", media.width, media.height);
    format!(
        "{} — {}",
        page.lang.digits_in(&dims),
        page.bytes(media.size)
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Search {
    q: String,
    kind: String,
}

/// How many content items and playlists use each media blob of the organization.
async fn usage(state: &AppState, org: i64) -> ApiResult<HashMap<String, (i64, i64)>> {
    let contents: Vec<(String, i64)> = sql("SELECT to_key, COUNT(DISTINCT from_id) FROM refs \
         WHERE org_id = $1 AND to_kind = 'media' GROUP BY to_key")
    .bind(org)
    .fetch_all(&state.db)
    .await?;
    let playlists: Vec<(String, i64)> =
        sql("SELECT m.to_key, COUNT(DISTINCT p.from_id) FROM refs m \
         JOIN refs p ON p.org_id = m.org_id AND p.from_kind = 'playlist' \
           AND p.to_kind = 'content' AND p.to_key = CAST(m.from_id AS TEXT) \
         WHERE m.org_id = $1 AND m.to_kind = 'media' AND m.from_kind = 'content' \
         GROUP BY m.to_key")
        .bind(org)
        .fetch_all(&state.db)
        .await?;
    let mut usage: HashMap<String, (i64, i64)> = HashMap::new();
    for (sha, n) in contents {
        usage.entry(sha).or_default().0 = n;
    }
    for (sha, n) in playlists {
        usage.entry(sha).or_default().1 = n;
    }
    Ok(usage)
}

async fn items(state: &AppState, principal: &Principal, search: &Search) -> ApiResult<Vec<Item>> {
    let all = api::list(state, principal).await?;
    let usage = usage(state, principal.org.0).await?;
    Ok(all
        .into_iter()
        .filter(|m| search.kind.is_empty() || m.kind == search.kind)
        .filter(|m| matches(&m.name, &search.q))
        .map(|media| {
            let (contents, playlists) = usage.get(&media.sha256).copied().unwrap_or_default();
            Item {
                media,
                contents,
                playlists,
            }
        })
        .collect())
}

async fn playlist_choices(state: &AppState, principal: &Principal) -> ApiResult<Vec<Choice>> {
    Ok(library::list::<Playlist>(state, principal)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: p.id.0.to_string(),
            label: p.name,
        })
        .collect())
}

async fn show(
    state: &AppState,
    principal: &Principal,
    page: &Page,
    mut search: Search,
    status: StatusCode,
    errors: FormErrors,
    just_uploaded: Option<i64>,
) -> ApiResult<Response> {
    if !matches!(search.kind.as_str(), "image" | "video") {
        search.kind.clear();
    }
    let just_uploaded = match just_uploaded {
        Some(id) if page.can_edit() => api::get(state, principal, id)
            .await
            .ok()
            .map(|m| AddBox::fresh(&m, "new".into(), page.lang)),
        _ => None,
    };
    Ok(render_status(
        status,
        &LibraryPage {
            page,
            items: items(state, principal, &search).await?,
            query: search.q,
            kind: search.kind,
            max_bytes: state.config.max_upload_bytes,
            errors,
            playlists: playlist_choices(state, principal).await?,
            just_uploaded,
        },
    ))
}

async fn library_page(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let uploaded = cookie(&headers, UPLOADED_COOKIE).and_then(|id| id.parse().ok());
    let mut response = show(
        &state,
        &signed.principal,
        &signed.page,
        search,
        StatusCode::OK,
        FormErrors::none(),
        uploaded,
    )
    .await?;
    if uploaded.is_some() {
        // Offered once, like the flash message it comes with.
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "vitrin_uploaded=; Path=/media; HttpOnly; SameSite=Lax; Max-Age=0",
            ),
        );
    }
    Ok(response)
}

/// The upload form's post: the library's upload, then back to the library, which offers to
/// put the new item on screen. A refused file shows why above the form; the library is
/// unchanged.
async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let received = async {
        principal.require(principal.can_edit_content())?;
        let (name, file) = crate::media::receive_upload(&state.config, multipart).await?;
        api::ingest(&state, &principal, name, file).await
    };
    let error = match received.await {
        Ok(ingested) => {
            let mut response =
                redirect_flash("/media", true, "media.uploaded", &ingested.media.name);
            let remember = format!(
                "{UPLOADED_COOKIE}={}; Path=/media; HttpOnly; SameSite=Lax; Max-Age=600",
                ingested.media.id
            );
            if let Ok(value) = HeaderValue::from_str(&remember) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            return Ok(response);
        }
        Err(e) => e,
    };
    let status = error.status();
    let mut errors = FormErrors::none();
    match error {
        ApiError::PayloadTooLarge(_) => {
            let mb = (state.config.max_upload_bytes / (1024 * 1024)) as i64;
            errors.form = Some(page.tf("media.too_large", &[("mb", &page.num(mb))]));
        }
        ApiError::UnsupportedMedia(_) => errors.form = Some(page.t("media.wrong_type").into()),
        other => errors = FormErrors::from_api(page.lang, other)?,
    }
    show(
        &state,
        &principal,
        &page,
        Search::default(),
        status,
        errors,
        None,
    )
    .await
}

/// What uses a library item: the content items showing it, and the playlists holding those
/// (a picture reaches screens through both).
async fn media_used(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    sha256: &str,
) -> ApiResult<Vec<UsedLink>> {
    let mut links = used_by(state, principal, lang, "media", sha256).await?;
    let contents = refs::users_of(&state.db, principal.org, "media", sha256).await?;
    for content in contents.iter().filter(|u| u.kind == "content") {
        for link in used_by(state, principal, lang, "content", &content.id.to_string()).await? {
            if !links.iter().any(|l| l.href == link.href) {
                links.push(link);
            }
        }
    }
    Ok(links)
}

/// The item's own page, with `add` as the "Add to playlist" form.
async fn detail_page(
    state: &AppState,
    principal: &Principal,
    page: &Page,
    media: Media,
    add: Option<AddBox>,
    status: StatusCode,
) -> ApiResult<Response> {
    let (contents, playlists) = usage(state, principal.org.0)
        .await?
        .get(&media.sha256)
        .copied()
        .unwrap_or_default();
    let used = media_used(state, principal, page.lang, &media.sha256).await?;
    let add = add.unwrap_or_else(|| AddBox::fresh(&media, media.id.to_string(), page.lang));
    Ok(render_status(
        status,
        &DetailPage {
            page,
            item: Item {
                media,
                contents,
                playlists,
            },
            add,
            playlists: playlist_choices(state, principal).await?,
            used,
        },
    ))
}

async fn detail(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let media = api::get(&state, &principal, id).await?;
    detail_page(&state, &principal, &page, media, None, StatusCode::OK).await
}

/// Where the new entry goes.
enum Target {
    Existing(i64),
    New(String),
}

/// The form, read: where, how it fits, how long.
struct Addition {
    target: Target,
    fit: Fit,
    duration_ms: i64,
}

impl AddForm {
    fn read(&self, lang: Lang) -> Result<Addition, FormErrors> {
        let mut errors = FormErrors::none();
        let new_name = self.new_name.trim();
        let choice = self.playlist.trim();
        // A typed name with no playlist chosen means a new one: nobody types a name for
        // nothing.
        let target = if choice == "new" || (choice.is_empty() && !new_name.is_empty()) {
            if new_name.is_empty() {
                errors.add("new_name", lang.t("media.err.new_name"));
            }
            Some(Target::New(new_name.to_owned()))
        } else if choice.is_empty() {
            errors.add("playlist", lang.t("media.err.playlist"));
            None
        } else {
            match choice.parse() {
                Ok(id) => Some(Target::Existing(id)),
                Err(_) => {
                    errors.add("playlist", lang.t("media.err.unknown_playlist"));
                    None
                }
            }
        };
        let duration_ms = parse_seconds(&self.seconds)
            .filter(|ms| (1..=MAX_SECONDS * 1000).contains(ms))
            .unwrap_or_else(|| {
                errors.add("seconds", lang.t("media.err.seconds"));
                0
            });
        let fit = if self.fit == "cover" {
            Fit::Cover
        } else {
            Fit::Contain
        };
        match target {
            Some(target) if errors.is_empty() => Ok(Addition {
                target,
                fit,
                duration_ms,
            }),
            _ => Err(errors),
        }
    }
}

/// "Add to playlist": on success the playlist's page, with the new entry at its end.
async fn add_to_playlist(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(form): Form<AddForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let media = api::get(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    let outcome = match form.read(page.lang) {
        Ok(addition) => put_on_playlist(&state, &principal, page.lang, &media, &addition).await?,
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(playlist) => Ok(redirect_flash(
            &format!("/playlists/{}", playlist.id.0),
            true,
            "media.added",
            &playlist.name,
        )),
        Err(errors) => {
            let add = AddBox {
                errors,
                form,
                ..AddBox::fresh(&media, media.id.to_string(), page.lang)
            };
            detail_page(
                &state,
                &principal,
                &page,
                media,
                Some(add),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Appends `media` to the playlist, with the content item showing it, in one change: both
/// land or neither, and screens get one new manifest. The form's errors when the playlist is
/// not the organization's, a new one's name is taken, or the library refuses the result.
async fn put_on_playlist(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    media: &Media,
    addition: &Addition,
) -> ApiResult<Result<Playlist, FormErrors>> {
    let mut change = Change::begin(state, principal).await?;
    // Read inside the change, with the organization's writers taking turns, so an edit saved
    // meanwhile is appended to, not lost, and a name checked free stays free.
    crate::manifest::writers_take_turns(&mut change.tx, principal.org).await?;
    let mut playlist = match &addition.target {
        Target::Existing(id) => {
            let row: Option<DocRow> =
                sql("SELECT id, name, body FROM playlists WHERE org_id = $1 AND id = $2")
                    .bind(principal.org.0)
                    .bind(*id)
                    .fetch_optional(change.ex())
                    .await?;
            match row {
                Some(row) => decode_doc::<Playlist>(&row)?,
                // Another organization's playlist is one this user cannot choose.
                None => {
                    return Ok(Err(field_error(
                        lang,
                        "playlist",
                        "media.err.unknown_playlist",
                    )));
                }
            }
        }
        Target::New(name) => {
            let taken = sql("SELECT COUNT(*) FROM playlists WHERE org_id = $1 AND name = $2")
                .bind(principal.org.0)
                .bind(normalize_persian_text(name.trim()))
                .fetch_i64(change.ex())
                .await?;
            if taken > 0 {
                return Ok(Err(field_error(lang, "new_name", "media.err.name_taken")));
            }
            Playlist {
                id: PlaylistId(0),
                name: name.clone(),
                entries: Vec::new(),
            }
        }
    };
    let content = match content_for(&mut change, lang, media, addition.fit).await? {
        Ok(content) => content,
        Err(errors) => return Ok(Err(errors)),
    };
    playlist.entries.push(PlaylistEntry {
        content,
        duration_ms: addition.duration_ms,
        transition: Transition::Cut,
        valid_from: None,
        valid_until: None,
    });
    let id = (playlist.id.0 != 0).then_some(playlist.id.0);
    let body = serde_json::to_value(&playlist).map_err(ApiError::internal)?;
    let saved = match library::save_in::<Playlist>(&mut change, id, body).await {
        Ok((_, saved)) => saved,
        Err(ApiError::Validation(v)) => return Ok(Err(form_errors(lang, &v))),
        Err(ApiError::Conflict(_)) => {
            return Ok(Err(field_error(lang, "new_name", "media.err.name_taken")));
        }
        Err(e) => return Err(e),
    };
    let action = if id.is_none() { "create" } else { "update" };
    change
        .commit(Audit::of(
            action,
            "playlist",
            saved.id.0,
            format!(
                "add {} '{}' to playlist '{}'",
                media.kind, media.name, saved.name
            ),
        ))
        .await?;
    Ok(Ok(saved))
}

/// The content item showing `media` as asked. One already showing it so is used again rather
/// than repeated; else a new one is named after the file, numbered when that name is taken
/// (names are unique in a library).
async fn content_for(
    change: &mut Change<'_>,
    lang: Lang,
    media: &Media,
    fit: Fit,
) -> ApiResult<Result<ContentId, FormErrors>> {
    let media_ref = MediaRef {
        sha256: media.sha256.clone(),
        size: 0,
        mime: String::new(),
        width: None,
        height: None,
        duration_ms: None,
    };
    let kind = if media.kind == "video" {
        ContentKind::Video {
            media: media_ref,
            muted: true,
        }
    } else {
        ContentKind::Image {
            media: media_ref,
            fit,
        }
    };
    let rows: Vec<DocRow> = sql("SELECT id, name, body FROM content WHERE org_id = $1")
        .bind(change.principal.org.0)
        .fetch_all(change.ex())
        .await?;
    let items: Vec<ContentItem> = rows.iter().map(decode_doc).collect::<DbResult<_>>()?;
    if let Some(same) = items.iter().find(|c| shows_alike(&c.kind, &kind)) {
        return Ok(Ok(same.id));
    }
    // Without the invisible characters a file name may carry and a content item's name may not.
    let base: String = media
        .name
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let numbered = (2_i64..).map(|n| format!("{base} ({})", lang.num(n)));
    let name = free_name(
        items.iter().map(|c| c.name.as_str()),
        std::iter::once(base.clone()).chain(numbered),
    );
    let item = ContentItem {
        id: ContentId(0),
        name,
        kind,
    };
    let body = serde_json::to_value(&item).map_err(ApiError::internal)?;
    match library::save_in::<ContentItem>(change, None, body).await {
        Ok((_, saved)) => Ok(Ok(saved.id)),
        // Made from the library's own facts, so not about a field of the form: said above it.
        Err(ApiError::Validation(v)) => {
            let mut errors = FormErrors::none();
            errors.form = Some(v.to_string());
            Ok(Err(errors))
        }
        Err(e) => Err(e),
    }
}

/// Whether two content kinds show the same file the same way.
fn shows_alike(a: &ContentKind, b: &ContentKind) -> bool {
    match (a, b) {
        (ContentKind::Image { media: m, fit: f }, ContentKind::Image { media: n, fit: g }) => {
            m.sha256 == n.sha256 && f == g
        }
        (ContentKind::Video { media: m, muted: u }, ContentKind::Video { media: n, muted: v }) => {
            m.sha256 == n.sha256 && u == v
        }
        _ => false,
    }
}

fn field_error(lang: Lang, field: &str, key: &str) -> FormErrors {
    let mut errors = FormErrors::none();
    errors.add(field, lang.t(key));
    errors
}

/// The playlist's field errors on the form's fields: its name is the new playlist's name, an
/// entry's duration is the seconds typed.
fn form_errors(lang: Lang, v: &ValidationErrors) -> FormErrors {
    let renamed = ValidationErrors {
        errors: v
            .errors
            .iter()
            .map(|e| FieldError {
                field: if e.field == "name" {
                    "new_name".into()
                } else if e.field.ends_with(".duration_ms") {
                    "seconds".into()
                } else {
                    "playlist".into()
                },
                ..e.clone()
            })
            .collect(),
    };
    let mut errors = FormErrors::none();
    errors.add_validation(lang, &renamed);
    errors
}

async fn delete(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    let Signed { principal, page: _ } = signed;
    let media = api::get(&state, &principal, id).await?;
    match api::delete(&state, &principal, id).await {
        Ok(_) => Ok(redirect_flash("/media", true, "media.deleted", &media.name)),
        Err(ApiError::Conflict(_)) => {
            Ok(redirect_flash("/media", false, "media.in_use", &media.name))
        }
        Err(e) => Err(e),
    }
}

pub const TEXT: &[Entry] = &[
    ("media.title", "Media library", "کتابخانهٔ رسانه"),
    ("media.upload", "Upload a file", "بارگذاری پرونده"),
    ("media.file", "Image or video", "تصویر یا ویدیو"),
    (
        "media.file_hint",
        "JPEG, PNG, WebP, GIF, MP4, MOV or WebM, up to {mb} MB. You can also drop a file here.",
        "JPEG، PNG، WebP، GIF، MP4، MOV یا WebM، تا {mb} مگابایت. می‌توانید پرونده را اینجا رها کنید.",
    ),
    ("media.upload_submit", "Upload", "بارگذاری"),
    (
        "media.uploaded",
        "“{arg}” was added to the library.",
        "«{arg}» به کتابخانه افزوده شد.",
    ),
    (
        "media.too_large",
        "This file is too large: the limit is {mb} MB. Nothing was uploaded.",
        "این پرونده بیش از حد بزرگ است: سقف {mb} مگابایت است. چیزی بارگذاری نشد.",
    ),
    (
        "media.wrong_type",
        "This file type is not supported. Use JPEG, PNG, WebP, GIF, MP4, MOV or WebM.",
        "این نوع پرونده پشتیبانی نمی‌شود. از JPEG، PNG، WebP، GIF، MP4، MOV یا WebM استفاده کنید.",
    ),
    ("media.search", "Search by name", "جست‌وجو با نام"),
    ("media.search_submit", "Search", "جست‌وجو"),
    ("media.empty", "No media yet.", "هنوز رسانه‌ای نیست."),
    (
        "media.no_match",
        "Nothing matches “{q}”.",
        "چیزی با «{q}» پیدا نشد.",
    ),
    ("media.kind.image", "Image", "تصویر"),
    ("media.kind.video", "Video", "ویدیو"),
    ("media.unused", "Not used yet", "هنوز استفاده نشده"),
    (
        "media.used_in",
        "Used in {n} playlists",
        "در {n} فهرست پخش استفاده شده",
    ),
    (
        "media.used_by_content",
        "Used by {n} content items",
        "در {n} محتوا استفاده شده",
    ),
    ("media.deleted", "“{arg}” was deleted.", "«{arg}» حذف شد."),
    (
        "media.in_use",
        "“{arg}” is still in use and was not deleted. Remove it from its content and playlists first.",
        "«{arg}» هنوز در حال استفاده است و حذف نشد. ابتدا آن را از محتوا و فهرست‌های پخش بردارید.",
    ),
    ("media.delete_confirm", "Delete “{name}”", "حذف «{name}»"),
    ("media.thumb_alt", "Preview of {name}", "پیش‌نمایش {name}"),
    ("media.kind_filter", "Kind", "نوع"),
    ("media.kind_all", "Pictures and videos", "تصویر و ویدیو"),
    ("media.kind_images", "Pictures", "تصویرها"),
    ("media.kind_videos", "Videos", "ویدیوها"),
    (
        "media.no_match_kind",
        "Nothing of this kind in the library.",
        "چیزی از این نوع در کتابخانه نیست.",
    ),
    ("media.back", "Back to the library", "بازگشت به کتابخانه"),
    ("media.add", "Add to playlist", "افزودن به فهرست پخش"),
    ("media.add.playlist", "Playlist", "فهرست پخش"),
    ("media.add.choose", "Choose…", "انتخاب کنید…"),
    (
        "media.add.new",
        "New playlist named …",
        "فهرست پخش تازه با نام …",
    ),
    (
        "media.add.new_name",
        "Name of the new playlist",
        "نام فهرست پخش تازه",
    ),
    (
        "media.add.new_name_hint",
        "Only for a new playlist.",
        "فقط برای فهرست پخش تازه.",
    ),
    ("media.add.fit", "Fit", "جاگیری"),
    (
        "media.add.fit.contain",
        "Whole picture (may leave bars)",
        "کل تصویر (ممکن است حاشیه بماند)",
    ),
    (
        "media.add.fit.cover",
        "Fill the zone (may crop)",
        "پر کردن بخش (ممکن است بریده شود)",
    ),
    (
        "media.add.seconds",
        "Seconds on screen",
        "ثانیه روی نمایشگر",
    ),
    (
        "media.add.seconds_hint",
        "In Persian or Latin digits, e.g. 10 or 7.5.",
        "با رقم فارسی یا لاتین، مثلاً ۱۰ یا ۷٫۵.",
    ),
    (
        "media.next",
        "Show “{name}” on screen",
        "نمایش «{name}» روی نمایشگر",
    ),
    (
        "media.next_hint",
        "Add it to a playlist: the screens playing that playlist show it next.",
        "آن را به یک فهرست پخش بیفزایید تا نمایشگرهایی که آن فهرست را پخش می‌کنند نشانش دهند.",
    ),
    (
        "media.added",
        "Added to the playlist “{arg}”.",
        "به فهرست پخش «{arg}» افزوده شد.",
    ),
    (
        "media.err.playlist",
        "Choose a playlist, or name a new one.",
        "یک فهرست پخش انتخاب کنید یا برای فهرست تازه نامی بنویسید.",
    ),
    (
        "media.err.new_name",
        "Name the new playlist.",
        "نام فهرست پخش تازه را بنویسید.",
    ),
    (
        "media.err.unknown_playlist",
        "This playlist is not in your library; choose another.",
        "این فهرست پخش در کتابخانهٔ شما نیست؛ فهرست دیگری انتخاب کنید.",
    ),
    (
        "media.err.name_taken",
        "A playlist with this name already exists: choose it in the list, or pick another name.",
        "فهرست پخشی با این نام هست: آن را از فهرست انتخاب کنید یا نام دیگری بنویسید.",
    ),
    (
        "media.err.seconds",
        "Enter the seconds as a number above zero, e.g. 10 or 7.5 (at most a day).",
        "ثانیه‌ها را عددی بزرگ‌تر از صفر بنویسید، مثلاً ۱۰ یا ۷٫۵ (حداکثر یک روز).",
    ),
];

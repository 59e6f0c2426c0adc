//! The media library page: upload (a plain form; the script adds drag and drop and a progress
//! bar), thumbnails, search by name, where each item is used, and deletion (refused, with a
//! clear message, while something uses the item).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::form::FormErrors;
use super::i18n::Entry;
use super::page::{Page, Signed, redirect_flash, render_status};
use crate::auth::Principal;
use crate::db::sql;
use crate::domain::media::{self as api, Media};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/media",
            get(library)
                .post(upload)
                .layer(crate::media::upload_body_limit(state)),
        )
        .route("/media/{id}/delete", post(delete))
}

/// One library item with what uses it.
struct Item {
    media: Media,
    /// Content items showing it directly.
    contents: i64,
    /// Playlists holding one of those content items.
    playlists: i64,
}

#[derive(Template)]
#[template(path = "media/library.html")]
struct LibraryPage<'a> {
    page: &'a Page,
    items: Vec<Item>,
    query: String,
    max_bytes: u64,
    errors: FormErrors,
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

    fn no_match(&self) -> String {
        self.page.tf("media.no_match", &[("q", &self.query)])
    }

    /// "Used in 3 playlists", or by content only, or not at all.
    fn usage(&self, item: &Item) -> String {
        if item.playlists > 0 {
            self.page
                .tf("media.used_in", &[("n", &self.page.num(item.playlists))])
        } else if item.contents > 0 {
            self.page.tf(
                "media.used_by_content",
                &[("n", &self.page.num(item.contents))],
            )
        } else {
            self.page.t("media.unused").to_owned()
        }
    }

    fn kind(&self, item: &Item) -> &'static str {
        if item.media.kind == "video" {
            self.page.lang.t("media.kind.video")
        } else {
            self.page.lang.t("media.kind.image")
        }
    }

    fn with_name(&self, key: &str, item: &Item) -> String {
        self.page.tf(key, &[("name", &item.media.name)])
    }

    fn size(&self, item: &Item) -> String {
        let dims = format!("{}×{}", item.media.width, item.media.height);
        format!(
            "{} — {}",
            self.page.lang.digits_in(&dims),
            self.page.bytes(item.media.size)
        )
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Search {
    q: String,
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

async fn items(state: &AppState, principal: &Principal, query: &str) -> ApiResult<Vec<Item>> {
    let all = api::list(state, principal).await?;
    let usage = usage(state, principal.org.0).await?;
    let needle = query.trim().to_lowercase();
    Ok(all
        .into_iter()
        .filter(|m| needle.is_empty() || m.name.to_lowercase().contains(&needle))
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

async fn show(
    state: &AppState,
    principal: &Principal,
    page: &Page,
    query: String,
    status: StatusCode,
    errors: FormErrors,
) -> ApiResult<Response> {
    Ok(render_status(
        status,
        &LibraryPage {
            page,
            items: items(state, principal, &query).await?,
            query,
            max_bytes: state.config.max_upload_bytes,
            errors,
        },
    ))
}

async fn library(
    State(state): State<AppState>,
    signed: Signed,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    show(
        &state,
        &signed.principal,
        &signed.page,
        search.q,
        StatusCode::OK,
        FormErrors::none(),
    )
    .await
}

/// The upload form's post: the library's upload, then back to the library. A refused file shows
/// why above the form; the library is unchanged.
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
            return Ok(redirect_flash(
                "/media",
                true,
                "media.uploaded",
                &ingested.media.name,
            ));
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
    show(&state, &principal, &page, String::new(), status, errors).await
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
];

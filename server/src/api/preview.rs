//! What the admin's previews play in the browser player (`/play/?preview=layout:2`): one
//! layout or content item alone as a manifest, and the media of the organization's library,
//! for a signed-in user instead of a device. (A screen's preview plays its own manifest,
//! `GET /api/v1/screens/{id}/manifest`.)

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use vitrin_shared::ids::{ContentId, LayoutId};
use vitrin_shared::manifest::Manifest;

use crate::auth::Principal;
use crate::db::sql;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Id;
use crate::manifest::{self, Preview};
use crate::media::blobs::blob_key;
use crate::state::AppState;

/// The layout alone, as a screen with it as default and no rules shows it (in the zone of the
/// organization's first store).
#[utoipa::path(get, path = "/api/v1/layouts/{id}/preview", tag = "preview",
    params(("id" = i64, Path)),
    responses((status = 200, body = Manifest), (status = 404, body = Problem)))]
pub async fn layout_preview(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Manifest>> {
    preview(&state, &principal, Preview::Layout(LayoutId(id))).await
}

/// The content item alone, full screen (in the zone of the organization's first store).
#[utoipa::path(get, path = "/api/v1/content/{id}/preview", tag = "preview",
    params(("id" = i64, Path)),
    responses((status = 200, body = Manifest), (status = 404, body = Problem)))]
pub async fn content_preview(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Manifest>> {
    preview(&state, &principal, Preview::Content(ContentId(id))).await
}

async fn preview(
    state: &AppState,
    principal: &Principal,
    what: Preview,
) -> ApiResult<Json<Manifest>> {
    let timezone = sql("SELECT timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
        .bind(principal.org.0)
        .fetch_optional::<(String,)>(&state.db)
        .await?
        .map_or_else(|| "UTC".to_owned(), |(tz,)| tz);
    manifest::for_preview(&state.db, principal.org, what, &timezone)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// A file of the organization's media library by its sha256, for previews.
#[utoipa::path(get, path = "/api/v1/preview/media/{sha256}", tag = "preview",
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub async fn preview_media(
    State(state): State<AppState>,
    principal: Principal,
    Path(sha256): Path<String>,
) -> ApiResult<Response> {
    // Only the organization's own library: another tenant's media cannot be probed by hash.
    // The bytes only, as the player protocol sends them: the manifest names the type.
    let _: (i64,) = sql("SELECT id FROM media WHERE org_id = $1 AND sha256 = $2")
        .bind(principal.org.0)
        .bind(&sha256)
        .fetch_optional(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let key = blob_key(&sha256).map_err(|_| ApiError::NotFound)?;
    let stream = state.blobs.get_stream(&key, None).await?;
    let mut response = Body::from_stream(stream.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(response)
}

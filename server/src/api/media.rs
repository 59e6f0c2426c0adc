//! `/api/v1/media`: the JSON side of `domain::media`; uploads arrive here as multipart.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::Principal;
use crate::domain::media::{self, Media};
use crate::error::{ApiResult, Problem};
use crate::extract::Id;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/media", tag = "media",
    responses((status = 200, body = Vec<Media>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Media>>> {
    let out = media::list(&state, &principal).await?;
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    responses((status = 200, body = Media), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Media>> {
    let out = media::get(&state, &principal, id).await?;
    Ok(Json(out))
}

/// Refused (409) while content uses it. The blob itself goes later, with the garbage
/// collection, once no organization uses it.
#[utoipa::path(delete, path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    media::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A JPEG preview of an image (videos have none yet).
#[utoipa::path(get, path = "/api/v1/media/{id}/thumbnail", tag = "media",
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Response> {
    let bytes = media::thumbnail(&state, &principal, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // The key is the content hash: the bytes behind it never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Upload as `multipart/form-data` with one `file` part. The type is decided by the bytes, not
/// the name: anything but JPEG, PNG, WebP, GIF, MP4/MOV (H.264, H.265, VP9, AV1) or WebM/MKV
/// (VP8, VP9, AV1) is refused. Uploading bytes already in the library returns the existing item.
#[utoipa::path(post, path = "/api/v1/media", tag = "media",
    request_body(content_type = "multipart/form-data", content = String,
        description = "one part named `file`"),
    responses((status = 201, body = Media), (status = 200, body = Media,
        description = "the same bytes were already in the library"),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Media>)> {
    // Refused before a byte is stored for those who may not upload.
    principal.require(principal.can_edit_content())?;
    let (name, file) = crate::media::receive_upload(&state.config, multipart).await?;
    let ingested = media::ingest(&state, &principal, name, file).await?;
    let status = if ingested.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ingested.media)))
}

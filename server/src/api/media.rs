//! The media library: uploads are streamed to a temporary file while hashed and counted,
//! checked by their bytes (`media::probe`), stored once per sha256 (`media::blobs`), and
//! recorded per organization. Identical uploads share one blob.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::Id;
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{Db, DbResult, now_ms, sql};
use crate::error::{ApiError, ApiResult, Problem};
use crate::media::blobs::{BlobError, FinishedUpload, StagedUpload, thumb_key};
use crate::media::probe::{MediaKind, ProbeError, ProbeLimits, probe_file};
use crate::refs;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Media {
    pub id: i64,
    /// Lower-case hex; content items refer to media by it.
    pub sha256: String,
    /// The uploaded file's name, for people.
    pub name: String,
    /// `image` or `video`.
    pub kind: String,
    /// Sniffed from the bytes.
    pub mime: String,
    pub size: i64,
    /// As displayed (EXIF orientation applied).
    pub width: i64,
    pub height: i64,
    pub duration_ms: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, sha256, name, kind, mime, size, width, height, duration_ms, created_at";

async fn load(db: &Db, org: i64, id: i64) -> ApiResult<Media> {
    sql(format!(
        "SELECT {COLUMNS} FROM media WHERE org_id = $1 AND id = $2"
    ))
    .bind(org)
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(ApiError::NotFound)
}

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::TooLarge { cap } => ApiError::PayloadTooLarge(format!(
                "the file is larger than the upload limit of {} MiB",
                cap / (1024 * 1024)
            )),
            BlobError::NotFound(_) => ApiError::NotFound,
            BlobError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                tracing::error!(cause = %e, "upload refused: the disk is full");
                ApiError::InsufficientStorage
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<ProbeError> for ApiError {
    fn from(e: ProbeError) -> Self {
        match e {
            ProbeError::Unsupported { .. } | ProbeError::UnsupportedCodec(_) => {
                ApiError::UnsupportedMedia(e.to_string())
            }
            ProbeError::Io(_) => ApiError::internal(e),
            ProbeError::Corrupt(_) | ProbeError::TooLarge(_) => {
                ApiError::field("file", e.code(), e.to_string())
            }
        }
    }
}

#[utoipa::path(get, path = "/api/v1/media", tag = "media",
    responses((status = 200, body = Vec<Media>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Media>>> {
    Ok(Json(
        sql(format!(
            "SELECT {COLUMNS} FROM media WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    responses((status = 200, body = Media), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Media>> {
    Ok(Json(load(&state.db, principal.org.0, id).await?))
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
    let media = load(&state.db, principal.org.0, id).await?;
    let bytes = state.blobs.get(&thumb_key(&media.sha256)?).await?;
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
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<Media>)> {
    principal.require(principal.can_edit_content())?;
    let tmp = state.config.upload_dir();
    let mut upload = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(|n| n.chars().take(200).collect::<String>())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "upload".into());
        let mut staged = StagedUpload::new(&tmp, state.config.max_upload_bytes).await?;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            staged.write(&chunk).await?;
        }
        upload = Some((name, staged.finish().await?));
        break;
    }
    let (name, file) = upload.ok_or_else(|| {
        ApiError::field("file", "required", "send the file in a part named 'file'")
    })?;
    ingest(&state, &principal, name, file).await
}

/// Checks a finished upload, stores its blob and records it in the principal's library.
pub async fn ingest(
    state: &AppState,
    principal: &Principal,
    name: String,
    file: FinishedUpload,
) -> ApiResult<(StatusCode, Json<Media>)> {
    if file.size == 0 {
        return Err(ApiError::field("file", "empty", "the file is empty"));
    }
    let path = file.path.to_path_buf();
    let probed = tokio::task::spawn_blocking(move || probe_file(&path, &ProbeLimits::default()))
        .await
        .map_err(ApiError::internal)??;
    let org = principal.org.0;
    let now = now_ms();
    // The blob row comes first, marked as orphaned *now*: garbage collection leaves it alone
    // for the grace period, so it cannot delete the file between here and the media row.
    sql(
        "INSERT INTO blobs (sha256, size, mime, created_at, orphaned_at) \
         VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (sha256) DO UPDATE SET orphaned_at = \
           CASE WHEN blobs.orphaned_at IS NULL THEN NULL ELSE $4 END",
    )
    .bind(&file.sha256_hex)
    .bind(file.size as i64)
    .bind(probed.mime)
    .bind(now)
    .execute(&state.db)
    .await?;
    state
        .blobs
        .commit_file(&file.path, &file.sha256_hex)
        .await?;
    if let Some(thumb) = &probed.thumbnail {
        state
            .blobs
            .put_thumbnail(&file.sha256_hex, thumb.clone())
            .await?;
    }

    let mut change = Change::begin(state, principal).await?;
    sql("UPDATE blobs SET orphaned_at = NULL WHERE sha256 = $1")
        .bind(&file.sha256_hex)
        .execute(change.ex())
        .await?;
    let existing: Option<(i64,)> = sql("SELECT id FROM media WHERE org_id = $1 AND sha256 = $2")
        .bind(org)
        .bind(&file.sha256_hex)
        .fetch_optional(change.ex())
        .await?;
    if let Some((id,)) = existing {
        change.tx.commit().await?;
        return Ok((StatusCode::OK, Json(load(&state.db, org, id).await?)));
    }
    let kind = match probed.kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
    };
    let id = sql(
        "INSERT INTO media (org_id, sha256, name, kind, mime, size, width, height, \
                  duration_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                  RETURNING id",
    )
    .bind(org)
    .bind(&file.sha256_hex)
    .bind(&name)
    .bind(kind)
    .bind(probed.mime)
    .bind(file.size as i64)
    .bind(i64::from(probed.width))
    .bind(i64::from(probed.height))
    .bind(probed.duration_ms.map(|d| d as i64))
    .bind(now)
    .fetch_i64(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "upload",
            "media",
            id,
            format!("upload {kind} '{name}' ({} bytes)", file.size),
        ))
        .await?;
    Ok((StatusCode::CREATED, Json(load(&state.db, org, id).await?)))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(e.body_text())
    } else {
        ApiError::BadRequest(e.body_text())
    }
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
    let media = load(&state.db, principal.org.0, id).await?;
    principal.require(principal.can_edit_content())?;
    let mut change = Change::begin(&state, &principal).await?;
    refs::ensure_unused(&mut change.tx, principal.org, "media", &media.sha256).await?;
    sql("DELETE FROM media WHERE id = $1")
        .bind(id)
        .execute(change.ex())
        .await?;
    sql("UPDATE blobs SET orphaned_at = $1 WHERE sha256 = $2 \
         AND NOT EXISTS (SELECT 1 FROM media WHERE sha256 = $2)")
    .bind(now_ms())
    .bind(&media.sha256)
    .execute(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "delete",
            "media",
            id,
            format!("delete media '{}'", media.name),
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes blobs no organization has used for `grace_ms`, and returns how many went.
/// The grace period protects an upload that is between storing its blob and its row.
pub async fn collect_garbage(state: &AppState, grace_ms: i64) -> DbResult<usize> {
    let cutoff = now_ms() - grace_ms;
    let orphans: Vec<(String,)> = sql(
        "SELECT sha256 FROM blobs WHERE orphaned_at IS NOT NULL AND orphaned_at <= $1 \
         AND NOT EXISTS (SELECT 1 FROM media m WHERE m.sha256 = blobs.sha256)",
    )
    .bind(cutoff)
    .fetch_all(&state.db)
    .await?;
    let mut removed = 0;
    for (sha,) in orphans {
        // Row first: if the store delete fails, the file is only left over, never missing.
        let gone = sql("DELETE FROM blobs WHERE sha256 = $1 AND orphaned_at <= $2 \
                        AND NOT EXISTS (SELECT 1 FROM media m WHERE m.sha256 = $1)")
        .bind(&sha)
        .bind(cutoff)
        .execute(&state.db)
        .await?;
        if gone == 1 {
            if let Err(e) = state.blobs.delete_blob(&sha).await {
                tracing::warn!(sha256 = %sha, "cannot delete blob: {e}");
            }
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_full_disk_is_a_507_not_a_500() {
        // /dev/full answers every write with the kernel's real ENOSPC.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
            .write_all(b"a picture")
            .unwrap_err();
        let error = ApiError::from(BlobError::Io(full));
        assert_eq!(error.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(error.problem().kind, "insufficient_storage");
        let other = ApiError::from(BlobError::Io(std::io::Error::other("broken pipe")));
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

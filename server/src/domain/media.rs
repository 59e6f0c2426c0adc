//! The media library: uploads are streamed to a temporary file while hashed and counted,
//! checked by their bytes (`media::probe`), stored once per sha256 (`media::blobs`), and
//! recorded per organization. Identical uploads share one blob.

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{Db, DbResult, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::media::blobs::{BlobError, FinishedUpload, thumb_key};
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

pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<Media>> {
    Ok(sql(format!(
        "SELECT {COLUMNS} FROM media WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?)
}

pub async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Media> {
    load(&state.db, principal.org.0, id).await
}

/// The JPEG preview of an image (videos have none yet).
pub async fn thumbnail(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Bytes> {
    let media = load(&state.db, principal.org.0, id).await?;
    Ok(state.blobs.get(&thumb_key(&media.sha256)?).await?)
}

/// What an upload became: the library item, and whether it is new (the same bytes may have
/// been in the library already).
pub struct Ingested {
    pub media: Media,
    pub created: bool,
}

/// Checks a finished upload, stores its blob and records it in the principal's library.
pub async fn ingest(
    state: &AppState,
    principal: &Principal,
    name: String,
    file: FinishedUpload,
) -> ApiResult<Ingested> {
    principal.require(principal.can_edit_content())?;
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
        return Ok(Ingested {
            media: load(&state.db, org, id).await?,
            created: false,
        });
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
    Ok(Ingested {
        media: load(&state.db, org, id).await?,
        created: true,
    })
}

/// Refused (409) while content uses it. The blob itself goes later, with the garbage
/// collection, once no organization uses it.
pub async fn delete(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let media = load(&state.db, principal.org.0, id).await?;
    principal.require(principal.can_edit_content())?;
    let mut change = Change::begin(state, principal).await?;
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
    Ok(())
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

    use axum::http::StatusCode;

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

//! Uploaded media: [`probe`] checks what a file really is (by its bytes, never its name) and
//! [`blobs`] stores it content-addressed in an object store.

pub mod blobs;
pub mod probe;

pub use blobs::{
    BlobError, BlobStore, BlobStream, Committed, FinishedUpload, StagedUpload, TempPath, blob_key,
    thumb_key,
};
pub use probe::{MediaKind, ProbeError, ProbeLimits, Probed, probe_file};

use std::path::{Path, PathBuf};

/// Moves media that releases up to 0.1.0 stored under a doubled path (a relative data dir
/// joined twice: `vitrin-data/vitrin-data/media`) to where the media now live, so an upgraded
/// server finds every blob it has rows for. Only when the media live in their default place,
/// and only when no file is there yet: nothing is ever overwritten. Returns the folder it
/// moved.
pub fn adopt_misplaced(config: &crate::Config) -> std::io::Result<Option<PathBuf>> {
    let Some(old) = &config.misplaced_media else {
        return Ok(None);
    };
    let new = config.data_dir.join("media");
    let default_url = format!("file://{}", new.display());
    if config.media_url != default_url || !old.join("sha256").is_dir() || holds_files(&new)? {
        return Ok(None);
    }
    if new.exists() {
        // Folders a start of this release made before anything was stored: nothing is lost.
        std::fs::remove_dir_all(&new)?;
    }
    std::fs::rename(old, &new)?;
    Ok(Some(old.clone()))
}

fn holds_files(dir: &Path) -> std::io::Result<bool> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if !entry.file_type()?.is_dir() || holds_files(&entry.path())? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Receives the `file` part of a `multipart/form-data` upload into a temporary file, hashed
/// and counted against the upload cap as it streams in; returns the file's name (for people)
/// and the finished upload. Used by the JSON API and the media page alike.
pub async fn receive_upload(
    config: &crate::Config,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> crate::error::ApiResult<(String, FinishedUpload)> {
    use crate::error::ApiError;
    // Not multipart at all, or without a boundary: said as a problem like every other error.
    let mut multipart = multipart.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(e.body_text())
        } else {
            ApiError::BadRequest(e.body_text())
        }
    }
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(|n| n.chars().take(200).collect::<String>())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "upload".into());
        let mut staged = StagedUpload::new(&config.upload_dir(), config.max_upload_bytes).await?;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            staged.write(&chunk).await?;
        }
        return Ok((name, staged.finish().await?));
    }
    Err(ApiError::field(
        "file",
        "required",
        "send the file in a part named 'file'",
    ))
}

/// The request body limit of upload routes (the API's and the admin pages').
pub fn upload_body_limit(state: &crate::AppState) -> axum::extract::DefaultBodyLimit {
    // Uploads may be large; the cap is enforced while streaming, this only lifts axum's default.
    axum::extract::DefaultBodyLimit::max(
        usize::try_from(state.config.max_upload_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(64 * 1024),
    )
}

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

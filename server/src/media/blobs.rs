//! Content-addressed media storage over `object_store` (local disk now, S3-compatible later).
//!
//! A blob lives at `sha256/ab/cd/<hex>`, its thumbnail at `thumb/ab/cd/<hex>.jpg`. Blobs never
//! change once written, so identical uploads share one object and can be cached forever.
//! An upload first streams to a local temporary file while being hashed and counted
//! ([`StagedUpload`]); once probed, it is copied to a `staging/<random>` key and committed with
//! create-if-absent, which is atomic even with several server instances sharing one store.

use std::io;
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use tokio::fs::File;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing::warn;

/// Upload part size: above S3's 5 MiB minimum, small enough to keep in memory.
const PART_SIZE: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the upload is larger than the limit of {cap} bytes")]
    TooLarge { cap: u64 },
    #[error("not a lowercase SHA-256 hex digest: {0:?}")]
    BadHash(String),
    #[error("not found in the media store: {0}")]
    NotFound(String),
    #[error("media store URL {0:?} is not supported: use a path, file://… or s3://bucket")]
    UnsupportedUrl(String),
    #[error("media store: {0}")]
    Store(#[source] object_store::Error),
    #[error("media store I/O: {0}")]
    Io(#[from] io::Error),
}

impl From<object_store::Error> for BlobError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { path, .. } => BlobError::NotFound(path),
            e => BlobError::Store(e),
        }
    }
}

/// Whether [`BlobStore::commit_file`] stored new content or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    Created,
    AlreadyPresent,
}

/// A byte stream of a stored object, for serving without loading it into memory.
pub struct BlobStream {
    /// Size of the whole object.
    pub size: u64,
    /// The bytes `body` yields.
    pub range: Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, BlobError>>,
}

/// Key of the blob with this digest: `sha256/ab/cd/<hex>`.
pub fn blob_key(sha256_hex: &str) -> Result<Key, BlobError> {
    let h = checked_hex(sha256_hex)?;
    Ok(Key::from(format!("sha256/{}/{}/{h}", &h[..2], &h[2..4])))
}

/// Key of the thumbnail of the blob with this digest: `thumb/ab/cd/<hex>.jpg`.
pub fn thumb_key(sha256_hex: &str) -> Result<Key, BlobError> {
    let h = checked_hex(sha256_hex)?;
    Ok(Key::from(format!("thumb/{}/{}/{h}.jpg", &h[..2], &h[2..4])))
}

/// Reads a local file (or `range` of it) in 256 KiB chunks.
async fn local_stream(path: &Path, range: Option<Range<u64>>) -> Result<BlobStream, BlobError> {
    const CHUNK: u64 = 256 * 1024;
    let mut file = match File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(BlobError::NotFound(path.display().to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let size = file.metadata().await?.len();
    let range = range.unwrap_or(0..size);
    let range = range.start.min(size)..range.end.min(size);
    if range.start > 0 {
        use tokio::io::AsyncSeekExt;
        file.seek(io::SeekFrom::Start(range.start)).await?;
    }
    let body = futures_util::stream::try_unfold(
        (file, range.end - range.start),
        |(mut file, left)| async move {
            if left == 0 {
                return Ok(None);
            }
            let mut buf = vec![0u8; CHUNK.min(left) as usize];
            let n = file.read(&mut buf).await?;
            if n == 0 {
                return Err(BlobError::Io(io::ErrorKind::UnexpectedEof.into()));
            }
            buf.truncate(n);
            Ok(Some((Bytes::from(buf), (file, left - n as u64))))
        },
    );
    Ok(BlobStream {
        size,
        range,
        body: body.boxed(),
    })
}

/// Key of a screen's latest screenshot: `screenshots/<screen id>`.
pub fn screenshot_key(screen: i64) -> Key {
    Key::from(format!("screenshots/{screen}"))
}

/// Digests often come from URLs: only the one canonical spelling may become a key.
fn checked_hex(h: &str) -> Result<&str, BlobError> {
    if h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(h)
    } else {
        Err(BlobError::BadHash(h.chars().take(80).collect()))
    }
}

fn random_hex() -> Result<String, BlobError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(hex::encode(bytes))
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// Local disks stage uploads and link them into place create-if-absent. S3 needs neither:
    /// an object appears whole when its upload completes, and two instances racing to store
    /// the same sha256 write the same bytes.
    staged: bool,
    /// The folder of a local store: reads go straight to the file in large chunks (the
    /// generic reader takes 8 KiB per blocking call, a sixth of nginx's throughput).
    local_root: Option<PathBuf>,
}

impl BlobStore {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        BlobStore {
            store,
            staged: true,
            local_root: None,
        }
    }

    /// A store in a local directory, created if missing.
    pub fn local(root: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root)?;
        let fs = LocalFileSystem::new_with_prefix(root)?;
        Ok(BlobStore {
            local_root: Some(root.canonicalize()?),
            ..BlobStore::new(Arc::new(fs))
        })
    }

    /// `file:///srv/media`, `/srv/media` or a path relative to `data_dir`; empty means
    /// `<data_dir>/media`. `s3://bucket[/prefix]` is an S3-compatible bucket configured by the
    /// usual environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    /// `AWS_ENDPOINT` for MinIO and friends, `AWS_ALLOW_HTTP=true` for a plain-http endpoint).
    pub fn from_url(url: &str, data_dir: &Path) -> Result<Self, BlobError> {
        let path = match url.split_once("://") {
            Some(("s3", rest)) => {
                // The S3 client speaks TLS through rustls; ring is its crypto (installed once,
                // a second call changes nothing).
                let _ = rustls::crypto::ring::default_provider().install_default();
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()?;
                let store: Arc<dyn ObjectStore> = match prefix.trim_matches('/') {
                    "" => Arc::new(s3),
                    prefix => Arc::new(object_store::prefix::PrefixStore::new(s3, prefix)),
                };
                return Ok(BlobStore {
                    store,
                    staged: false,
                    local_root: None,
                });
            }
            Some(("file", path)) => data_dir.join(path),
            Some(_) => return Err(BlobError::UnsupportedUrl(url.to_owned())),
            None if url.is_empty() => data_dir.join("media"),
            None => data_dir.join(url),
        };
        BlobStore::local(&path)
    }

    /// Stores the file at `local_path` (whose SHA-256 is `sha256_hex`) under its digest. The
    /// file is streamed in parts, never read into memory whole.
    pub async fn commit_file(
        &self,
        local_path: &Path,
        sha256_hex: &str,
    ) -> Result<Committed, BlobError> {
        let key = blob_key(sha256_hex)?;
        // Re-uploads of the same video are common; skip copying it again.
        if self.head_key(&key).await?.is_some() {
            return Ok(Committed::AlreadyPresent);
        }
        if !self.staged {
            self.upload(local_path, &key).await?;
            return Ok(Committed::Created);
        }
        let staging = Key::from(format!("staging/{}", random_hex()?));
        let result = match self.upload(local_path, &staging).await {
            // Create-if-absent settles races between instances committing the same content.
            Ok(()) => match self.store.copy_if_not_exists(&staging, &key).await {
                Ok(()) => Ok(Committed::Created),
                Err(object_store::Error::AlreadyExists { .. }) => Ok(Committed::AlreadyPresent),
                Err(e) => Err(e.into()),
            },
            Err(e) => Err(e),
        };
        match self.store.delete(&staging).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => warn!(key = %staging, "cannot delete staged upload: {e}"),
        }
        result
    }

    async fn upload(&self, local_path: &Path, key: &Key) -> Result<(), BlobError> {
        let mut file = File::open(local_path).await?;
        let mut part = read_part(&mut file).await?;
        if part.len() < PART_SIZE {
            // Small files (images) take one request.
            self.store.put(key, PutPayload::from(part)).await?;
            return Ok(());
        }
        let mut upload = self.store.put_multipart(key).await?;
        let result = async {
            while !part.is_empty() {
                upload.put_part(PutPayload::from(part)).await?;
                part = read_part(&mut file).await?;
            }
            upload.complete().await?;
            Ok::<(), BlobError>(())
        }
        .await;
        if result.is_err() {
            // Otherwise S3 keeps (and bills) the parts.
            let _ = upload.abort().await;
        }
        result
    }

    pub async fn put_thumbnail(
        &self,
        sha256_hex: &str,
        jpeg: impl Into<Bytes>,
    ) -> Result<(), BlobError> {
        let key = thumb_key(sha256_hex)?;
        self.store.put(&key, PutPayload::from(jpeg.into())).await?;
        Ok(())
    }

    /// Stores a screen's latest screenshot, replacing the previous one.
    pub async fn put_screenshot(&self, screen: i64, image: Bytes) -> Result<(), BlobError> {
        self.store
            .put(&screenshot_key(screen), PutPayload::from(image))
            .await?;
        Ok(())
    }

    /// The whole object; use [`BlobStore::get_stream`] for anything big.
    pub async fn get(&self, key: &Key) -> Result<Bytes, BlobError> {
        Ok(self.store.get(key).await?.bytes().await?)
    }

    pub async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes, BlobError> {
        Ok(self.store.get_range(key, range).await?)
    }

    /// Streams the object, or `range` of it (for HTTP Range requests).
    pub async fn get_stream(
        &self,
        key: &Key,
        range: Option<Range<u64>>,
    ) -> Result<BlobStream, BlobError> {
        if let Some(root) = &self.local_root {
            return local_stream(&root.join(key.as_ref()), range).await;
        }
        let options = object_store::GetOptions::new().with_range(range);
        let result = self.store.get_opts(key, options).await?;
        Ok(BlobStream {
            size: result.meta.size,
            range: result.range.clone(),
            body: result.into_stream().map_err(BlobError::from).boxed(),
        })
    }

    /// Size of the blob, if stored.
    pub async fn head(&self, sha256_hex: &str) -> Result<Option<u64>, BlobError> {
        self.head_key(&blob_key(sha256_hex)?).await
    }

    pub async fn exists(&self, sha256_hex: &str) -> Result<bool, BlobError> {
        Ok(self.head(sha256_hex).await?.is_some())
    }

    async fn head_key(&self, key: &Key) -> Result<Option<u64>, BlobError> {
        match self.store.head(key).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes what a crash left behind in the store once it is older than `older_than_ms`
    /// (younger files may belong to a commit still running on another instance): staging
    /// copies (a process killed between staging a blob and linking it into place) and, on a
    /// local disk, half-written files (a process killed while writing any key: the store
    /// writes `<key>#<n>` and renames it when done, and its listing hides those). Returns how
    /// many files went.
    pub async fn delete_stale_staging(&self, older_than_ms: i64) -> Result<usize, BlobError> {
        if !self.staged {
            // S3 shows an object only once complete; the parts of a multipart upload that a
            // crash abandoned are removed by the bucket's lifecycle rule (see the README).
            return Ok(0);
        }
        let cutoff = crate::db::now_ms() - older_than_ms;
        let partials = match self.local_root.clone() {
            Some(root) => {
                let cutoff =
                    std::time::UNIX_EPOCH + std::time::Duration::from_millis(cutoff.max(0) as u64);
                tokio::task::spawn_blocking(move || remove_partial_writes(&root, cutoff))
                    .await
                    .map_err(|e| BlobError::Io(io::Error::other(e)))??
            }
            None => 0,
        };
        let stale: Vec<Key> = self
            .store
            .list(Some(&Key::from("staging")))
            .try_filter(|meta| std::future::ready(meta.last_modified.timestamp_millis() < cutoff))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?;
        for key in &stale {
            match self.store.delete(key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(stale.len() + partials)
    }

    /// Deletes the blob and its thumbnail; either may already be gone.
    pub async fn delete_blob(&self, sha256_hex: &str) -> Result<(), BlobError> {
        for key in [blob_key(sha256_hex)?, thumb_key(sha256_hex)?] {
            match self.store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

/// Up to [`PART_SIZE`] bytes; fewer only at the end of the file.
async fn read_part(file: &mut File) -> io::Result<Vec<u8>> {
    let mut part = Vec::with_capacity(PART_SIZE);
    file.take(PART_SIZE as u64).read_to_end(&mut part).await?;
    Ok(part)
}

/// A path whose file is deleted when this value is dropped (the upload path's own small
/// stand-in for `tempfile::TempPath`).
#[derive(Debug)]
pub struct TempPath(PathBuf);

impl Deref for TempPath {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        // Already gone is fine; anything else only leaks a temp file, never fails a request.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An upload being received: written to a temporary file while it is hashed and counted, so a
/// client cannot fill the disk beyond `cap`. Dropping it (e.g. on error) deletes the file.
#[derive(Debug)]
pub struct StagedUpload {
    // Declared first so the handle is closed before the path's drop deletes the file.
    file: File,
    path: TempPath,
    hasher: Sha256,
    size: u64,
    cap: u64,
}

/// A completely received upload; the file is deleted when `path` is dropped.
#[derive(Debug)]
pub struct FinishedUpload {
    pub path: TempPath,
    pub sha256_hex: String,
    pub size: u64,
}

/// Removes the files of uploads that a crash interrupted: a killed process never runs
/// `TempPath`'s drop. Each instance has its own `dir`, so at start nothing in it is live.
pub fn remove_interrupted_uploads(dir: &Path) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("upload-") && name.ends_with(".part") {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes the half-written files (`<key>#<n>`, see `delete_stale_staging`) under `root` that
/// were last written before `cutoff`. Our keys are hex digests and never contain `#`.
fn remove_partial_writes(root: &Path, cutoff: std::time::SystemTime) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            removed += remove_partial_writes(&path, cutoff)?;
        } else if kind.is_file()
            && entry.file_name().to_string_lossy().contains('#')
            && entry.metadata()?.modified()? < cutoff
        {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

impl StagedUpload {
    /// Starts a new temporary file in `dir` (created if missing) accepting at most `cap` bytes.
    pub async fn new(dir: &Path, cap: u64) -> Result<Self, BlobError> {
        tokio::fs::create_dir_all(dir).await?;
        let path = TempPath(dir.join(format!("upload-{}.part", random_hex()?)));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&*path)
            .await?;
        Ok(StagedUpload {
            path,
            file,
            hasher: Sha256::new(),
            size: 0,
            cap,
        })
    }

    /// Appends `chunk`; refuses, without writing it, a chunk that would pass the cap.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        let size = self.size + chunk.len() as u64;
        if size > self.cap {
            return Err(BlobError::TooLarge { cap: self.cap });
        }
        self.file.write_all(chunk).await?;
        self.hasher.update(chunk);
        self.size = size;
        Ok(())
    }

    /// Bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub async fn finish(self) -> Result<FinishedUpload, BlobError> {
        let StagedUpload {
            path,
            mut file,
            hasher,
            size,
            ..
        } = self;
        // tokio completes a write in the background; flush waits for it before others read.
        file.flush().await?;
        Ok(FinishedUpload {
            path,
            sha256_hex: hex::encode(hasher.finalize()),
            size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hex(data: &[u8]) -> String {
        hex::encode(Sha256::digest(data))
    }

    /// Every file under `dir`, relative, sorted.
    fn files_under(dir: &Path) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    out.push(path.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    #[tokio::test]
    async fn crash_leftovers_are_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        // Upload parts: all of them go at start, other files stay.
        let incoming = tmp.path().join("tmp");
        std::fs::create_dir_all(&incoming).unwrap();
        std::fs::write(incoming.join("upload-ab12.part"), b"half").unwrap();
        std::fs::write(incoming.join("notes.txt"), b"keep").unwrap();
        assert_eq!(remove_interrupted_uploads(&incoming).unwrap(), 1);
        assert_eq!(files_under(&incoming), ["notes.txt"]);
        assert_eq!(
            remove_interrupted_uploads(&tmp.path().join("none")).unwrap(),
            0
        );

        // Staging copies: only those older than the grace period go; blobs are never touched.
        let store = BlobStore::local(&tmp.path().join("media")).unwrap();
        let blob = tmp.path().join("blob");
        std::fs::write(&blob, b"content").unwrap();
        store
            .commit_file(&blob, &sha256_hex(b"content"))
            .await
            .unwrap();
        store
            .store
            .put(
                &Key::from("staging/deadbeef"),
                PutPayload::from_static(b"half"),
            )
            .await
            .unwrap();
        // Half-written files the store's listing hides, in staging and beside a blob.
        let media = tmp.path().join("media");
        std::fs::write(media.join("staging/cafe#1"), vec![7u8; 4096]).unwrap();
        let blob_dir = media
            .join(&files_under(&media)[0])
            .parent()
            .unwrap()
            .to_owned();
        std::fs::write(blob_dir.join("feed#2"), b"half").unwrap();
        assert_eq!(store.delete_stale_staging(3_600_000).await.unwrap(), 0);
        assert_eq!(store.delete_stale_staging(-60_000).await.unwrap(), 3);
        let left = files_under(&tmp.path().join("media"));
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].starts_with("sha256/"), "{left:?}");
    }

    #[tokio::test]
    async fn commit_dedups_and_uses_the_key_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        let store = BlobStore::local(&root).unwrap();
        let local = tmp.path().join("upload");
        std::fs::write(&local, b"hello media").unwrap();
        let hex = sha256_hex(b"hello media");

        assert!(!store.exists(&hex).await.unwrap());
        let first = store.commit_file(&local, &hex).await.unwrap();
        let second = store.commit_file(&local, &hex).await.unwrap();
        assert_eq!(
            (first, second),
            (Committed::Created, Committed::AlreadyPresent)
        );

        let key = format!("sha256/{}/{}/{hex}", &hex[..2], &hex[2..4]);
        assert_eq!(blob_key(&hex).unwrap().as_ref(), key);
        // Only the blob is left: the staging copy is gone.
        assert_eq!(files_under(&root), [key.as_str()]);
        assert_eq!(std::fs::read(root.join(&key)).unwrap(), b"hello media");
        assert_eq!(store.head(&hex).await.unwrap(), Some(11));
        let key = blob_key(&hex).unwrap();
        assert_eq!(&store.get(&key).await.unwrap()[..], b"hello media");
        assert_eq!(&store.get_range(&key, 6..11).await.unwrap()[..], b"media");
    }

    #[tokio::test]
    async fn concurrent_commits_of_the_same_content_create_it_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        let store = BlobStore::local(&root).unwrap();
        let local = tmp.path().join("upload");
        std::fs::write(&local, b"same bytes").unwrap();
        let hex = sha256_hex(b"same bytes");
        let (a, b) = tokio::join!(
            store.commit_file(&local, &hex),
            store.commit_file(&local, &hex)
        );
        let mut outcomes = [a.unwrap(), b.unwrap()];
        outcomes.sort_by_key(|c| *c == Committed::AlreadyPresent);
        assert_eq!(outcomes, [Committed::Created, Committed::AlreadyPresent]);
        assert_eq!(files_under(&root).len(), 1, "{:?}", files_under(&root));
    }

    #[tokio::test]
    async fn large_files_go_up_in_parts_and_stream_back() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        let store = BlobStore::local(&root).unwrap();
        // Two and a bit parts.
        let data: Vec<u8> = (0..2 * PART_SIZE + 12345)
            .map(|i| (i % 251) as u8)
            .collect();
        let local = tmp.path().join("video");
        std::fs::write(&local, &data).unwrap();
        let hex = sha256_hex(&data);
        assert_eq!(
            store.commit_file(&local, &hex).await.unwrap(),
            Committed::Created
        );
        assert_eq!(store.head(&hex).await.unwrap(), Some(data.len() as u64));
        assert_eq!(files_under(&root).len(), 1, "{:?}", files_under(&root));

        let key = blob_key(&hex).unwrap();
        let whole = store.get_stream(&key, None).await.unwrap();
        assert_eq!(
            (whole.size, whole.range.clone()),
            (data.len() as u64, 0..data.len() as u64)
        );
        let streamed: Vec<Bytes> = whole.body.try_collect().await.unwrap();
        assert_eq!(streamed.concat(), data);

        let range = PART_SIZE as u64 - 10..PART_SIZE as u64 + 10;
        let part = store.get_stream(&key, Some(range.clone())).await.unwrap();
        assert_eq!(part.range, range);
        let streamed: Vec<Bytes> = part.body.try_collect().await.unwrap();
        assert_eq!(streamed.concat(), &data[PART_SIZE - 10..PART_SIZE + 10]);
    }

    #[tokio::test]
    async fn thumbnails_and_deletion() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        let store = BlobStore::local(&root).unwrap();
        let local = tmp.path().join("upload");
        std::fs::write(&local, b"picture").unwrap();
        let hex = sha256_hex(b"picture");
        store.commit_file(&local, &hex).await.unwrap();
        store.put_thumbnail(&hex, b"jpeg".to_vec()).await.unwrap();
        let thumb = format!("thumb/{}/{}/{hex}.jpg", &hex[..2], &hex[2..4]);
        assert_eq!(thumb_key(&hex).unwrap().as_ref(), thumb);
        assert_eq!(
            &store.get(&thumb_key(&hex).unwrap()).await.unwrap()[..],
            b"jpeg"
        );

        store.delete_blob(&hex).await.unwrap();
        assert!(!store.exists(&hex).await.unwrap());
        assert!(files_under(&root).is_empty(), "{:?}", files_under(&root));
        // Deleting what is already gone is fine; reading it is NotFound.
        store.delete_blob(&hex).await.unwrap();
        let err = store.get(&blob_key(&hex).unwrap()).await.unwrap_err();
        assert!(matches!(err, BlobError::NotFound(_)), "{err}");
    }

    #[tokio::test]
    async fn malformed_digests_never_become_keys() {
        let store = BlobStore::local(tempfile::tempdir().unwrap().path()).unwrap();
        let good = sha256_hex(b"x");
        for bad in [
            "",
            "../../etc/passwd",
            &good[..63],
            &good.to_uppercase(),
            &format!("{}/..", &good[..61]),
        ] {
            assert!(matches!(blob_key(bad), Err(BlobError::BadHash(_))), "{bad}");
            assert!(
                matches!(thumb_key(bad), Err(BlobError::BadHash(_))),
                "{bad}"
            );
            assert!(store.exists(bad).await.is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn staged_upload_hashes_counts_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("incoming");
        let mut staged = StagedUpload::new(&dir, 100).await.unwrap();
        staged.write(b"hello ").await.unwrap();
        staged.write(b"world").await.unwrap();
        assert_eq!(staged.size(), 11);
        let finished = staged.finish().await.unwrap();
        assert_eq!(finished.size, 11);
        assert_eq!(finished.sha256_hex, sha256_hex(b"hello world"));
        assert_eq!(std::fs::read(&finished.path).unwrap(), b"hello world");

        let path = finished.path.to_path_buf();
        drop(finished);
        assert!(!path.exists());
        assert!(files_under(&dir).is_empty());
    }

    #[tokio::test]
    async fn staged_upload_stops_at_the_cap_and_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("incoming");
        let mut staged = StagedUpload::new(&dir, 10).await.unwrap();
        staged.write(b"123456").await.unwrap();
        staged.write(b"7890").await.unwrap(); // exactly the cap is allowed
        let err = staged.write(b"!").await.unwrap_err();
        assert!(matches!(err, BlobError::TooLarge { cap: 10 }), "{err}");
        // Nothing beyond the cap reached the disk (the last write may still be in flight).
        let [file] = &files_under(&dir)[..] else {
            panic!("{:?}", files_under(&dir))
        };
        let on_disk = std::fs::read(dir.join(file)).unwrap();
        assert!(b"1234567890".starts_with(&on_disk), "{on_disk:?}");
        drop(staged);
        assert!(files_under(&dir).is_empty(), "{:?}", files_under(&dir));
    }

    #[tokio::test]
    async fn upload_probe_commit_end_to_end() {
        use crate::media::probe::{MediaKind, ProbeLimits, probe_file};
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::local(&tmp.path().join("store")).unwrap();
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(40, 30)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        let png = png.into_inner();

        let mut staged = StagedUpload::new(&tmp.path().join("incoming"), 1 << 20)
            .await
            .unwrap();
        for chunk in png.chunks(100) {
            staged.write(chunk).await.unwrap();
        }
        let file = staged.finish().await.unwrap();
        let path = file.path.to_path_buf();
        let probed =
            tokio::task::spawn_blocking(move || probe_file(&path, &ProbeLimits::default()))
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            (probed.kind, probed.width, probed.height),
            (MediaKind::Image, 40, 30)
        );
        store
            .commit_file(&file.path, &file.sha256_hex)
            .await
            .unwrap();
        store
            .put_thumbnail(&file.sha256_hex, probed.thumbnail.unwrap())
            .await
            .unwrap();
        assert_eq!(
            store.head(&file.sha256_hex).await.unwrap(),
            Some(png.len() as u64)
        );
    }

    #[test]
    fn store_urls() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path();
        let err = BlobStore::from_url("ftp://host/media", data).unwrap_err();
        assert!(matches!(err, BlobError::UnsupportedUrl(_)));
        assert!(err.to_string().contains("s3://bucket"), "{err}");

        BlobStore::from_url("", data).unwrap();
        assert!(data.join("media").is_dir());
        BlobStore::from_url("blobs", data).unwrap();
        assert!(data.join("blobs").is_dir());
        let absolute = data.join("elsewhere");
        BlobStore::from_url(&format!("file://{}", absolute.display()), data).unwrap();
        assert!(absolute.is_dir());
    }

    /// axum handlers need Send futures.
    #[allow(dead_code)]
    fn futures_are_send(store: BlobStore, staged: StagedUpload) {
        fn send<T: Send>(_: T) {}
        send(store.commit_file(Path::new("x"), "y"));
        send(store.get_stream(&Key::from("x"), None));
        send(staged.finish());
    }
}

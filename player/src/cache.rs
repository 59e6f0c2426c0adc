//! The content-addressed media cache on disk.
//!
//! Blobs are named by the lower-case hex sha256 of their bytes. Layout under the cache root:
//!
//! ```text
//! root/blobs/ab/ab12…ef     complete, verified blobs (sharded by the first two hex digits)
//! root/partial/ab12…ef.part downloads in flight, kept across restarts so they resume
//! ```
//!
//! The only way into `blobs/` is [`BlobCache::commit`], which hashes the partial file, fsyncs
//! it and renames it into place, so a path handed out by [`BlobCache::path`] or `commit` always
//! names bytes that matched their sha256 when they were committed. [`BlobCache::open`] re-hashes
//! every blob, so a file damaged while the player was off is dropped before anything shows it.
//!
//! All methods do blocking file I/O. The cheap ones (`contains`, `path`, `usage`,
//! `partial_len`, [`PartialFile::write_all`], which only writes to the page cache) are fine to
//! call from an async task. [`BlobCache::open`] and [`BlobCache::commit`] hash whole files and
//! fsync: run them with `tokio::task::spawn_blocking` (the cache is `Send + Sync`, share it in
//! an `Arc`; [`PartialFile`] is `Send + 'static`, so it can move into a blocking task too).

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// What can go wrong in the cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Not 64 lower-case hex digits; never used to build a path.
    #[error("not a sha256 (64 lower-case hex digits): {0:?}")]
    InvalidSha(String),
    /// The downloaded bytes are not the blob; the partial file was deleted.
    #[error("corrupt download: expected sha256 {expected}, got {actual}")]
    Corrupt { expected: String, actual: String },
    /// The partial file is shorter than the blob; it was kept so the download can resume at
    /// byte `have`.
    #[error("incomplete download: have {have} of {want} bytes")]
    Incomplete { have: u64, want: u64 },
    /// The blobs the engine must keep plus the incoming one do not fit the budget.
    #[error("cache budget exceeded: need {need} bytes, budget is {budget}")]
    OverBudget { need: u64, budget: u64 },
    /// A [`PartialFile`] for this blob is open (one writer per blob, and no commit under it).
    #[error("a download of {0} is in progress")]
    InUse(String),
    /// Any file-system error, with its `io::ErrorKind` intact (a full disk is
    /// `ErrorKind::StorageFull`; see [`CacheError::is_disk_full`]).
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl CacheError {
    /// Whether this is the disk (or the user's quota) running full.
    pub fn is_disk_full(&self) -> bool {
        match self {
            CacheError::Io(e) => is_disk_full(e),
            _ => false,
        }
    }
}

/// Whether an I/O error means "no space left" (ENOSPC or EDQUOT).
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// What the self-check at [`BlobCache::open`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelfCheck {
    /// Blobs whose bytes match their name; they are in the cache.
    pub verified: usize,
    /// Blobs whose bytes did not match their name (or could not be read); deleted.
    pub removed_corrupt: usize,
    /// Files and directories that have no business in the cache (bad names, blobs in the
    /// wrong shard, leftover `*.tmp`, symlinks); deleted.
    pub removed_strays: usize,
    /// Partial downloads kept for resuming (their bytes are checked at commit).
    pub partials: usize,
}

/// A complete blob known to the cache.
#[derive(Debug, Clone, Copy)]
struct Entry {
    size: u64,
    /// Logical last-use time (see [`State::next_use`]).
    last_use: SystemTime,
    /// The file's mtime as last set on disk; refreshed at most hourly by `touch`.
    disk_mtime: SystemTime,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<String, Entry>,
    usage: u64,
    /// The latest use time handed out; use times are strictly increasing.
    clock: Option<SystemTime>,
}

impl State {
    /// The wall clock, but strictly after every earlier use (same-nanosecond touches and a
    /// clock that steps back still order correctly).
    fn next_use(&mut self) -> SystemTime {
        let now = SystemTime::now();
        let t = match self.clock {
            Some(last) if now <= last => last + Duration::from_nanos(1),
            _ => now,
        };
        self.clock = Some(t);
        t
    }

    fn insert(&mut self, sha: String, size: u64, last_use: SystemTime, disk_mtime: SystemTime) {
        if let Some(old) = self.entries.insert(
            sha,
            Entry {
                size,
                last_use,
                disk_mtime,
            },
        ) {
            self.usage -= old.size;
        }
        self.usage += size;
        if self.clock.is_none_or(|c| c < last_use) {
            self.clock = Some(last_use);
        }
    }

    fn remove(&mut self, sha: &str) -> Option<Entry> {
        let entry = self.entries.remove(sha)?;
        self.usage -= entry.size;
        Some(entry)
    }
}

/// How often a blob's last use is written back to its mtime (so LRU order survives a restart
/// without a metadata write per play).
const MTIME_REFRESH: Duration = Duration::from_secs(3600);

/// Read buffer for hashing.
const HASH_BUF: usize = 256 * 1024;

/// The media cache. Cheap to share: wrap it in an `Arc`; every method takes `&self`.
#[derive(Debug)]
pub struct BlobCache {
    blobs_dir: PathBuf,
    partial_dir: PathBuf,
    root: PathBuf,
    budget: u64,
    state: Mutex<State>,
    /// Who works on each blob's partial file right now.
    slots: Arc<Slots>,
}

/// A blob's partial file has at most one user at a time: a [`PartialFile`] writing it, or a
/// commit hashing and moving it (a writer appending while a commit hashes could slip unverified
/// bytes into `blobs/`).
#[derive(Debug, Default)]
struct Slots {
    held: Mutex<HashMap<String, Slot>>,
    released: Condvar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Writer,
    Commit,
}

/// A held slot, released (and waiting commits woken) on drop.
#[derive(Debug)]
struct SlotGuard {
    sha: String,
    slots: Arc<Slots>,
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        lock(&self.slots.held).remove(&self.sha);
        self.slots.released.notify_all();
    }
}

impl BlobCache {
    /// Opens (creating if needed) the cache at `root` and self-checks it: every blob is
    /// re-hashed (streamed) and dropped if its bytes do not match its name, stray files and
    /// leftover `*.tmp` files are deleted, partial downloads are kept. Blocking and slow on a
    /// big cache: call it from `spawn_blocking`.
    ///
    /// LRU times start from the blobs' mtimes. The cache may start above `budget_bytes` (a
    /// lowered budget); [`BlobCache::make_room`] brings it back down.
    pub fn open(root: &Path, budget_bytes: u64) -> Result<(BlobCache, SelfCheck), CacheError> {
        let blobs_dir = root.join("blobs");
        let partial_dir = root.join("partial");
        fs::create_dir_all(&blobs_dir)?;
        fs::create_dir_all(&partial_dir)?;
        let mut check = SelfCheck::default();
        let mut state = State::default();

        for shard in fs::read_dir(&blobs_dir)? {
            let shard = shard?;
            let name = shard.file_name();
            let shard_name = name.to_str().filter(|n| is_shard(n));
            match (shard_name, shard.file_type()?.is_dir()) {
                (Some(shard_name), true) => {
                    check_shard(&shard.path(), shard_name, &mut state, &mut check)?
                }
                _ => remove_stray(&shard.path(), &mut check)?,
            }
        }

        for part in fs::read_dir(&partial_dir)? {
            let part = part?;
            let name = part.file_name();
            let valid = name
                .to_str()
                .and_then(|n| n.strip_suffix(".part"))
                .is_some_and(is_sha)
                && part.file_type()?.is_file();
            if valid {
                check.partials += 1;
            } else {
                remove_stray(&part.path(), &mut check)?;
            }
        }

        let cache = BlobCache {
            blobs_dir,
            partial_dir,
            root: root.to_path_buf(),
            budget: budget_bytes,
            state: Mutex::new(state),
            slots: Arc::default(),
        };
        Ok((cache, check))
    }

    /// The disk budget for complete blobs, in bytes.
    pub fn budget(&self) -> u64 {
        self.budget
    }

    /// Whether a verified blob is in the cache.
    pub fn contains(&self, sha: &str) -> bool {
        is_sha(sha) && self.lock().entries.contains_key(sha)
    }

    /// The path of a verified blob, recording a use for LRU. `None` if the blob is not cached
    /// (or its file vanished behind the cache's back, which also forgets it).
    pub fn path(&self, sha: &str) -> Option<PathBuf> {
        if !is_sha(sha) {
            return None;
        }
        let path = self.blob_path(sha);
        let mut state = self.lock();
        state.entries.get(sha)?;
        if !path.is_file() {
            state.remove(sha);
            return None;
        }
        let write_back = touch_locked(&mut state, sha);
        drop(state);
        if let Some(time) = write_back {
            set_mtime(&path, time);
        }
        Some(path)
    }

    /// Records a use of a blob for LRU (a no-op for an unknown blob).
    pub fn touch(&self, sha: &str) {
        if !is_sha(sha) {
            return;
        }
        let write_back = touch_locked(&mut self.lock(), sha);
        if let Some(time) = write_back {
            set_mtime(&self.blob_path(sha), time);
        }
    }

    /// Bytes of complete blobs in the cache (partial downloads not included).
    pub fn usage(&self) -> u64 {
        self.lock().usage
    }

    /// Bytes already downloaded for `sha` (0 if none): the offset to resume the download at.
    pub fn partial_len(&self, sha: &str) -> u64 {
        if !is_sha(sha) {
            return 0;
        }
        fs::metadata(self.partial_path(sha)).map_or(0, |m| m.len())
    }

    /// The partial downloads on disk with their lengths, e.g. to discard the ones no manifest
    /// wants any more.
    pub fn list_partials(&self) -> Vec<(String, u64)> {
        let Ok(dir) = fs::read_dir(&self.partial_dir) else {
            return Vec::new();
        };
        dir.filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name();
            let sha = name.to_str()?.strip_suffix(".part").filter(|s| is_sha(s))?;
            Some((sha.to_string(), entry.metadata().ok()?.len()))
        })
        .collect()
    }

    /// Opens the partial file of `sha` for appending (created if missing); write the bytes
    /// from offset [`BlobCache::partial_len`] on. One writer per blob: `open_partial` while
    /// another [`PartialFile`] of the blob is alive, or a commit of it runs, is
    /// [`CacheError::InUse`].
    pub fn open_partial(&self, sha: &str) -> Result<PartialFile, CacheError> {
        check_sha(sha)?;
        let guard = self.claim(sha, Slot::Writer)?;
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.partial_path(sha))?;
        let len = file.metadata()?.len();
        Ok(PartialFile {
            file,
            len,
            _slot: guard,
        })
    }

    /// Deletes the partial download of `sha`, if any (e.g. the blob is no longer wanted, or
    /// the server's copy changed). [`CacheError::InUse`] while its [`PartialFile`] is alive
    /// or a commit of it runs: stop the download first.
    pub fn discard_partial(&self, sha: &str) -> Result<(), CacheError> {
        check_sha(sha)?;
        let _slot = self.claim(sha, Slot::Writer)?;
        remove_if_exists(&self.partial_path(sha))?;
        Ok(())
    }

    /// Verifies the partial download of `sha` and moves it into the cache.
    ///
    /// `expected_size` (from the manifest) tells a truncated download from a corrupt one:
    /// a file shorter than that is [`CacheError::Incomplete`] and is kept, so the download
    /// resumes. Otherwise the sha256 decides: a mismatch deletes the partial file and is
    /// [`CacheError::Corrupt`]; a match fsyncs the file, renames it atomically to
    /// `blobs/ab/<sha>`, fsyncs the directory and returns that path.
    ///
    /// A blob that is already cached (e.g. a concurrent commit of it won: commits of one blob
    /// run one after the other) returns its path and deletes the redundant partial. A missing
    /// partial file is `Incomplete { have: 0, .. }` (or `Io(NotFound)` without a size).
    ///
    /// Hashes the whole file: call from `spawn_blocking`, and drop the [`PartialFile`] first
    /// (committing while it is alive is [`CacheError::InUse`]).
    pub fn commit(&self, sha: &str, expected_size: Option<u64>) -> Result<PathBuf, CacheError> {
        check_sha(sha)?;
        let _slot = self.claim(sha, Slot::Commit)?;
        let part = self.partial_path(sha);
        if let Some(path) = self.present(sha) {
            remove_if_exists(&part)?;
            return Ok(path);
        }
        let mut file = match File::open(&part) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(match expected_size {
                    Some(want) => CacheError::Incomplete { have: 0, want },
                    None => CacheError::Io(e),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let have = file.metadata()?.len();
        if let Some(want) = expected_size
            && have < want
        {
            return Err(CacheError::Incomplete { have, want });
        }
        let (actual, size) = hash_file(&mut file)?;
        if actual != sha {
            remove_if_exists(&part)?;
            return Err(CacheError::Corrupt {
                expected: sha.to_string(),
                actual,
            });
        }
        file.sync_all()?;
        drop(file);

        let dest = self.blob_path(sha);
        // The state lock covers the rename too: `path()` never sees the file before the entry.
        let mut state = self.lock();
        let shard = dest.parent().expect("blob paths have a shard directory");
        if !shard.is_dir() {
            fs::create_dir_all(shard)?;
            sync_dir(&self.blobs_dir)?;
        }
        fs::rename(&part, &dest)?;
        sync_dir(shard)?;
        sync_dir(&self.partial_dir)?;
        let mtime = fs::metadata(&dest)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| SystemTime::now());
        let now = state.next_use();
        state.insert(sha.to_string(), size, now, mtime);
        Ok(dest)
    }

    /// Evicts least-recently-used blobs that are not in `keep` until `usage + incoming` fits
    /// the budget, and returns the evicted shas (oldest first). Nothing in `keep` is ever
    /// evicted (the engine passes every blob of the current and the next manifest).
    ///
    /// If the blobs outside `keep` are not enough, they are all evicted and the answer is
    /// [`CacheError::OverBudget`], with `need` the bytes the cache would hold with `incoming`
    /// (`usage() + incoming` after the evictions).
    pub fn make_room(
        &self,
        incoming: u64,
        keep: &HashSet<String>,
    ) -> Result<Vec<String>, CacheError> {
        let mut state = self.lock();
        if state.usage.saturating_add(incoming) <= self.budget {
            return Ok(Vec::new());
        }
        let mut candidates: Vec<(SystemTime, String)> = state
            .entries
            .iter()
            .filter(|(sha, _)| !keep.contains(*sha))
            .map(|(sha, entry)| (entry.last_use, sha.clone()))
            .collect();
        candidates.sort();
        let mut evicted = Vec::new();
        for (_, sha) in candidates {
            if state.usage.saturating_add(incoming) <= self.budget {
                break;
            }
            remove_if_exists(&self.blob_path(&sha))?;
            state.remove(&sha);
            evicted.push(sha);
        }
        let need = state.usage.saturating_add(incoming);
        if need > self.budget {
            return Err(CacheError::OverBudget {
                need,
                budget: self.budget,
            });
        }
        Ok(evicted)
    }

    /// Free space on the cache's file system for an unprivileged user, in bytes; `None` if it
    /// cannot be read.
    pub fn free_disk(&self) -> Option<u64> {
        free_disk(&self.root)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Takes the blob's slot. A writer never waits ([`CacheError::InUse`] if the slot is
    /// held); a commit waits for another commit of the same blob, and finds the blob cached
    /// after it.
    fn claim(&self, sha: &str, slot: Slot) -> Result<SlotGuard, CacheError> {
        let mut held = lock(&self.slots.held);
        loop {
            match held.get(sha) {
                None => break,
                Some(Slot::Commit) if slot == Slot::Commit => {
                    held = self
                        .slots
                        .released
                        .wait(held)
                        .unwrap_or_else(|e| e.into_inner());
                }
                Some(_) => return Err(CacheError::InUse(sha.to_string())),
            }
        }
        held.insert(sha.to_string(), slot);
        Ok(SlotGuard {
            sha: sha.to_string(),
            slots: Arc::clone(&self.slots),
        })
    }

    fn present(&self, sha: &str) -> Option<PathBuf> {
        self.lock()
            .entries
            .contains_key(sha)
            .then(|| self.blob_path(sha))
    }

    fn blob_path(&self, sha: &str) -> PathBuf {
        self.blobs_dir.join(&sha[..2]).join(sha)
    }

    fn partial_path(&self, sha: &str) -> PathBuf {
        self.partial_dir.join(format!("{sha}.part"))
    }
}

/// A panic under a lock leaves the state consistent (every update is one step): ignore poison.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records a use; returns the time to write back as mtime when the one on disk is stale.
fn touch_locked(state: &mut State, sha: &str) -> Option<SystemTime> {
    if !state.entries.contains_key(sha) {
        return None;
    }
    let now = state.next_use();
    let entry = state.entries.get_mut(sha)?;
    entry.last_use = now;
    let stale = now
        .duration_since(entry.disk_mtime)
        .is_ok_and(|age| age >= MTIME_REFRESH);
    if stale {
        entry.disk_mtime = now;
        Some(now)
    } else {
        None
    }
}

/// Best effort: LRU order across restarts is a nicety, not a correctness matter.
fn set_mtime(path: &Path, time: SystemTime) {
    if let Ok(file) = File::open(path) {
        let _ = file.set_modified(time);
    }
}

/// A partial download, opened for appending by [`BlobCache::open_partial`].
///
/// Writes are plain `std::fs` writes into the page cache (no fsync; the durable sync happens
/// at [`BlobCache::commit`]). Also implements [`std::io::Write`].
#[derive(Debug)]
pub struct PartialFile {
    file: File,
    len: u64,
    _slot: SlotGuard,
}

impl PartialFile {
    /// Appends `buf`. A full disk is `CacheError::Io` with `ErrorKind::StorageFull`; the
    /// bytes written before the error stay (they are a valid prefix, the download resumes
    /// after them).
    pub fn write_all(&mut self, buf: &[u8]) -> Result<(), CacheError> {
        match self.file.write_all(buf) {
            Ok(()) => {
                self.len += buf.len() as u64;
                Ok(())
            }
            Err(e) => {
                if let Ok(meta) = self.file.metadata() {
                    self.len = meta.len();
                }
                Err(e.into())
            }
        }
    }

    /// Bytes in the partial file so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes the bytes written so far durable (optional; e.g. every few MiB of a long
    /// download, so a power cut resumes from there rather than from garbage).
    pub fn sync(&mut self) -> Result<(), CacheError> {
        self.file.sync_data()?;
        Ok(())
    }
}

impl Write for PartialFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// 64 lower-case hex digits.
pub fn is_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_sha(sha: &str) -> Result<(), CacheError> {
    if is_sha(sha) {
        Ok(())
    } else {
        Err(CacheError::InvalidSha(sha.to_string()))
    }
}

fn is_shard(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Self-checks one `blobs/ab` directory.
fn check_shard(
    dir: &Path,
    shard: &str,
    state: &mut State,
    check: &mut SelfCheck,
) -> Result<(), CacheError> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let sha = name
            .to_str()
            .filter(|n| is_sha(n) && n.starts_with(shard))
            .map(str::to_string);
        let (Some(sha), true) = (sha, entry.file_type()?.is_file()) else {
            remove_stray(&path, check)?;
            continue;
        };
        let verified = File::open(&path).and_then(|mut file| {
            let (actual, size) = hash_file(&mut file)?;
            let mtime = file.metadata()?.modified()?;
            Ok((actual == sha).then_some((size, mtime)))
        });
        match verified {
            Ok(Some((size, mtime))) => {
                check.verified += 1;
                state.insert(sha, size, mtime, mtime);
            }
            // Wrong bytes, or unreadable (a bad sector): either way not trustworthy.
            Ok(None) | Err(_) => {
                remove_if_exists(&path)?;
                check.removed_corrupt += 1;
            }
        }
    }
    Ok(())
}

fn remove_stray(path: &Path, check: &mut SelfCheck) -> Result<(), CacheError> {
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() {
        fs::remove_dir_all(path)?;
    } else {
        remove_if_exists(path)?;
    }
    check.removed_strays += 1;
    Ok(())
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Streams a file through sha256; returns the lower-case hex digest and the bytes read.
fn hash_file(file: &mut File) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0; HASH_BUF];
    let mut size = 0;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Makes a directory's entries (a rename, a new file) durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn free_disk(path: &Path) -> Option<u64> {
    use std::ffi::CString;
    use std::mem::MaybeUninit;
    use std::os::unix::ffi::OsStrExt;

    let path = CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = MaybeUninit::<libc::statvfs>::zeroed();
    // SAFETY: `path` is a valid NUL-terminated string and `stat` points to writable memory of
    // the right type; statvfs only writes into it.
    let rc = unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stat` (which was zeroed to begin with anyway).
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::useless_conversion)] // the field types differ between targets
    let (avail, frsize) = (u64::from(stat.f_bavail), u64::from(stat.f_frsize));
    Some(avail.saturating_mul(frsize))
}

#[cfg(not(unix))]
fn free_disk(_path: &Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha_of(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn open(dir: &Path, budget: u64) -> BlobCache {
        BlobCache::open(dir, budget).unwrap().0
    }

    /// Downloads `bytes` into the partial file and commits them.
    fn add(cache: &BlobCache, bytes: &[u8]) -> String {
        let sha = sha_of(bytes);
        let mut part = cache.open_partial(&sha).unwrap();
        part.write_all(bytes).unwrap();
        drop(part);
        cache.commit(&sha, Some(bytes.len() as u64)).unwrap();
        sha
    }

    fn keep(shas: &[&String]) -> HashSet<String> {
        shas.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn commits_good_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let bytes = b"hello, signage".repeat(1000);
        let sha = sha_of(&bytes);
        assert!(!cache.contains(&sha));
        assert_eq!(cache.path(&sha), None);

        let mut part = cache.open_partial(&sha).unwrap();
        part.write_all(&bytes).unwrap();
        assert_eq!(part.len(), bytes.len() as u64);
        assert_eq!(cache.partial_len(&sha), bytes.len() as u64);
        drop(part);

        let path = cache.commit(&sha, Some(bytes.len() as u64)).unwrap();
        assert_eq!(path, dir.path().join("blobs").join(&sha[..2]).join(&sha));
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert!(cache.contains(&sha));
        assert_eq!(cache.path(&sha), Some(path));
        assert_eq!(cache.usage(), bytes.len() as u64);
        assert_eq!(cache.partial_len(&sha), 0, "the partial file moved");
        assert!(cache.list_partials().is_empty());

        // Without a size, the hash alone decides.
        let other = add(&cache, b"");
        assert_eq!(other, sha_of(b""));
        assert!(cache.contains(&other));
    }

    #[test]
    fn rejects_corrupt_bytes_and_deletes_the_partial() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let good = b"the real poster".to_vec();
        let sha = sha_of(&good);
        let mut bad = good.clone();
        bad[3] ^= 0x01;

        let mut part = cache.open_partial(&sha).unwrap();
        part.write_all(&bad).unwrap();
        drop(part);
        match cache.commit(&sha, Some(good.len() as u64)) {
            Err(CacheError::Corrupt { expected, actual }) => {
                assert_eq!(expected, sha);
                assert_eq!(actual, sha_of(&bad));
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert_eq!(cache.partial_len(&sha), 0);
        assert!(!cache.contains(&sha));
        assert_eq!(cache.path(&sha), None);
        assert_eq!(cache.usage(), 0);
        assert!(!dir.path().join("blobs").join(&sha[..2]).join(&sha).exists());

        // Longer than the manifest says and wrong: corrupt too.
        let mut part = cache.open_partial(&sha).unwrap();
        part.write_all(&good).unwrap();
        part.write_all(b"trailing junk").unwrap();
        drop(part);
        assert!(matches!(
            cache.commit(&sha, Some(good.len() as u64)),
            Err(CacheError::Corrupt { .. })
        ));
        assert_eq!(cache.partial_len(&sha), 0);
    }

    #[test]
    fn truncated_download_is_incomplete_and_kept_then_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let sha = sha_of(&bytes);

        let mut part = cache.open_partial(&sha).unwrap();
        part.write_all(&bytes[..40_000]).unwrap();
        drop(part);
        match cache.commit(&sha, Some(bytes.len() as u64)) {
            Err(CacheError::Incomplete { have, want }) => {
                assert_eq!((have, want), (40_000, 100_000));
            }
            other => panic!("expected Incomplete, got {other:?}"),
        }
        assert_eq!(cache.partial_len(&sha), 40_000, "kept for resuming");
        assert!(!cache.contains(&sha));

        // A restart in between: the partial file survives the self-check.
        drop(cache);
        let (cache, check) = BlobCache::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(check.partials, 1);
        let offset = cache.partial_len(&sha);
        assert_eq!(offset, 40_000);
        assert_eq!(cache.list_partials(), vec![(sha.clone(), 40_000)]);

        // Resume: append the rest, as a Range request from `offset` would deliver it.
        let mut part = cache.open_partial(&sha).unwrap();
        assert_eq!(part.len(), 40_000);
        part.write_all(&bytes[offset as usize..70_000]).unwrap();
        // Through the io::Write impl as well.
        io::copy(&mut &bytes[70_000..], &mut part).unwrap();
        assert_eq!(part.len(), 100_000);
        part.sync().unwrap();
        drop(part);
        let path = cache.commit(&sha, Some(bytes.len() as u64)).unwrap();
        assert_eq!(fs::read(path).unwrap(), bytes);

        // A missing partial with a known size is simply "nothing downloaded yet".
        let absent = sha_of(b"never downloaded");
        assert!(matches!(
            cache.commit(&absent, Some(5)),
            Err(CacheError::Incomplete { have: 0, want: 5 })
        ));
    }

    #[test]
    fn one_writer_per_blob_and_no_commit_under_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let sha = sha_of(b"x");
        let mut part = cache.open_partial(&sha).unwrap();
        assert!(matches!(
            cache.open_partial(&sha),
            Err(CacheError::InUse(_))
        ));
        part.write_all(b"x").unwrap();
        assert!(matches!(
            cache.commit(&sha, None),
            Err(CacheError::InUse(_))
        ));
        assert!(matches!(
            cache.discard_partial(&sha),
            Err(CacheError::InUse(_))
        ));
        drop(part);
        cache.commit(&sha, None).unwrap();

        // discard_partial removes an abandoned download.
        let other = sha_of(b"abandoned");
        cache
            .open_partial(&other)
            .unwrap()
            .write_all(b"aban")
            .unwrap();
        assert_eq!(cache.partial_len(&other), 4);
        cache.discard_partial(&other).unwrap();
        assert_eq!(cache.partial_len(&other), 0);
        cache.discard_partial(&other).unwrap();
    }

    #[test]
    fn rejects_names_that_are_not_shas() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        for bad in [
            "../../etc/passwd",
            "",
            "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
            "abc",
        ] {
            assert!(!cache.contains(bad));
            assert_eq!(cache.path(bad), None);
            assert_eq!(cache.partial_len(bad), 0);
            assert!(matches!(
                cache.open_partial(bad),
                Err(CacheError::InvalidSha(_))
            ));
            assert!(matches!(
                cache.commit(bad, None),
                Err(CacheError::InvalidSha(_))
            ));
            assert!(cache.discard_partial(bad).is_err());
        }
    }

    #[test]
    fn self_check_drops_corrupt_blobs_and_strays_and_keeps_partials() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let cache = open(root, 1 << 20);
        let good = add(&cache, b"good blob");
        let flipped = add(&cache, b"this one will rot");
        let partial = sha_of(b"half of something");
        cache
            .open_partial(&partial)
            .unwrap()
            .write_all(b"half")
            .unwrap();
        drop(cache);

        // A flipped bit in a stored blob.
        let flipped_path = root.join("blobs").join(&flipped[..2]).join(&flipped);
        let mut bytes = fs::read(&flipped_path).unwrap();
        bytes[0] ^= 0x80;
        fs::write(&flipped_path, bytes).unwrap();
        // Strays: a bad name in a shard, a valid blob in the wrong shard, a non-shard dir,
        // a file at the top of blobs/, leftover temp files, a junk file in partial/.
        let shard = root.join("blobs").join(&good[..2]);
        fs::write(shard.join("notes.txt"), b"?").unwrap();
        let wrong_shard = if &good[..2] == "00" { "01" } else { "00" };
        fs::create_dir_all(root.join("blobs").join(wrong_shard)).unwrap();
        fs::copy(
            shard.join(&good),
            root.join("blobs").join(wrong_shard).join(&good),
        )
        .unwrap();
        fs::create_dir_all(root.join("blobs").join("zz").join("deeper")).unwrap();
        fs::write(root.join("blobs").join("stray"), b"?").unwrap();
        fs::write(shard.join(format!("{good}.tmp")), b"?").unwrap();
        fs::write(root.join("partial").join("x.tmp"), b"?").unwrap();
        fs::write(root.join("partial").join("junk"), b"?").unwrap();

        let (cache, check) = BlobCache::open(root, 1 << 20).unwrap();
        assert_eq!(
            check,
            SelfCheck {
                verified: 1,
                removed_corrupt: 1,
                removed_strays: 7,
                partials: 1,
            }
        );
        assert!(cache.contains(&good));
        assert!(!cache.contains(&flipped));
        assert!(!flipped_path.exists());
        assert_eq!(cache.usage(), b"good blob".len() as u64);
        assert_eq!(cache.partial_len(&partial), 4);
        assert!(!root.join("blobs").join("zz").exists());
        assert!(!root.join("blobs").join(wrong_shard).join(&good).exists());
        assert_eq!(fs::read_dir(&shard).unwrap().count(), 1);
        assert_eq!(fs::read_dir(root.join("partial")).unwrap().count(), 1);

        // A second open finds everything clean.
        drop(cache);
        let (_, check) = BlobCache::open(root, 1 << 20).unwrap();
        assert_eq!(
            check,
            SelfCheck {
                verified: 1,
                partials: 1,
                ..SelfCheck::default()
            }
        );
    }

    #[test]
    fn path_forgets_a_blob_deleted_behind_its_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let sha = add(&cache, b"vanishing");
        fs::remove_file(cache.path(&sha).unwrap()).unwrap();
        assert_eq!(cache.path(&sha), None);
        assert!(!cache.contains(&sha));
        assert_eq!(cache.usage(), 0);
    }

    #[test]
    fn evicts_least_recently_used_first_respecting_touch() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 300);
        let a = add(&cache, &[b'a'; 100]);
        let b = add(&cache, &[b'b'; 100]);
        let c = add(&cache, &[b'c'; 100]);
        assert_eq!(cache.usage(), 300);
        assert_eq!(
            cache.make_room(0, &HashSet::new()).unwrap(),
            Vec::<String>::new()
        );

        // a is the oldest, but used again now; b becomes the LRU one, then c.
        cache.touch(&a);
        assert_eq!(
            cache.make_room(100, &HashSet::new()).unwrap(),
            vec![b.clone()]
        );
        assert!(!cache.contains(&b));
        assert_eq!(cache.usage(), 200);
        let d = add(&cache, &[b'd'; 100]);

        // path() counts as a use too: after using c the order is a, d, c.
        cache.path(&c).unwrap();
        assert_eq!(
            cache.make_room(200, &HashSet::new()).unwrap(),
            vec![a.clone(), d.clone()]
        );
        assert_eq!(cache.usage(), 100);
        assert!(cache.contains(&c));
        assert!(!dir.path().join("blobs").join(&a[..2]).join(&a).exists());
    }

    #[test]
    fn never_evicts_the_keep_set_and_reports_over_budget() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 250);
        let a = add(&cache, &[1; 100]);
        let b = add(&cache, &[2; 100]);
        let c = add(&cache, &[3; 50]);

        // The LRU blob `a` is kept; `b` goes instead.
        assert_eq!(
            cache.make_room(100, &keep(&[&a, &c])).unwrap(),
            vec![b.clone()]
        );
        assert_eq!(cache.usage(), 150);
        assert!(cache.contains(&a) && cache.contains(&c));

        // 150 kept + 200 incoming cannot fit 250: what can go goes, the keep-set stays.
        let d = add(&cache, &[4; 10]);
        match cache.make_room(200, &keep(&[&a, &c])) {
            Err(CacheError::OverBudget { need, budget }) => {
                assert_eq!((need, budget), (350, 250));
            }
            other => panic!("expected OverBudget, got {other:?}"),
        }
        assert!(!cache.contains(&d));
        assert!(cache.contains(&a) && cache.contains(&c));
        assert_eq!(cache.usage(), 150);

        // Bigger than the whole budget, nothing to keep: everything goes and it still fails.
        assert!(matches!(
            cache.make_room(1000, &HashSet::new()),
            Err(CacheError::OverBudget {
                need: 1000,
                budget: 250
            })
        ));
        assert_eq!(cache.usage(), 0);
    }

    #[test]
    fn usage_and_lru_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1000);
        let a = add(&cache, &[1; 100]);
        let b = add(&cache, &[2; 200]);
        // Make `a` clearly older on disk than `b` (mtime seeds the LRU order at open).
        let old = SystemTime::now() - Duration::from_secs(86_400);
        set_mtime(&cache.path(&a).unwrap(), old);
        drop(cache);

        let (cache, check) = BlobCache::open(dir.path(), 250).unwrap();
        assert_eq!(check.verified, 2);
        assert_eq!(cache.usage(), 300, "may start above a lowered budget");
        assert_eq!(cache.make_room(0, &HashSet::new()).unwrap(), vec![a]);
        assert_eq!(cache.usage(), 200);
        assert!(cache.contains(&b));
    }

    #[test]
    fn touch_writes_a_stale_mtime_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1000);
        let a = add(&cache, &[1; 10]);
        let path = cache.path(&a).unwrap();
        let old = SystemTime::now() - Duration::from_secs(2 * 3600);
        set_mtime(&path, old);
        drop(cache);
        let cache = open(dir.path(), 1000);
        cache.touch(&a);
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        assert!(mtime > old + Duration::from_secs(3600));
    }

    #[test]
    fn concurrent_commits_of_one_blob_are_safe() {
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let sha = sha_of(&bytes);
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let cache = open(dir.path(), 1 << 20);
            let mut part = cache.open_partial(&sha).unwrap();
            part.write_all(&bytes).unwrap();
            drop(part);
            let results: Vec<_> = std::thread::scope(|s| {
                let threads: Vec<_> = (0..4)
                    .map(|_| s.spawn(|| cache.commit(&sha, Some(bytes.len() as u64))))
                    .collect();
                threads.into_iter().map(|t| t.join().unwrap()).collect()
            });
            let expected = dir.path().join("blobs").join(&sha[..2]).join(&sha);
            for result in results {
                assert_eq!(result.unwrap(), expected);
            }
            assert_eq!(cache.usage(), bytes.len() as u64, "counted once");
            assert_eq!(fs::read(&expected).unwrap(), bytes);
            assert_eq!(cache.partial_len(&sha), 0);
            // A later download of the same blob is redundant: commit keeps the cached one.
            cache
                .open_partial(&sha)
                .unwrap()
                .write_all(b"junk")
                .unwrap();
            assert_eq!(cache.commit(&sha, Some(4)).unwrap(), expected);
            assert_eq!(cache.partial_len(&sha), 0);
            assert_eq!(fs::read(&expected).unwrap(), bytes);
        }
    }

    #[test]
    fn a_full_disk_is_an_io_error_with_its_kind() {
        let dev_full = Path::new("/dev/full");
        if !dev_full.exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        let sha = sha_of(b"too big for the disk");
        // Point the partial file at a device that answers every write with ENOSPC.
        std::os::unix::fs::symlink(
            dev_full,
            dir.path().join("partial").join(format!("{sha}.part")),
        )
        .unwrap();
        let mut part = cache.open_partial(&sha).unwrap();
        let err = part.write_all(b"too big for the disk").unwrap_err();
        assert!(err.is_disk_full(), "{err:?}");
        match err {
            CacheError::Io(e) => assert_eq!(e.kind(), io::ErrorKind::StorageFull),
            other => panic!("expected Io, got {other:?}"),
        }
    }

    #[test]
    fn reports_free_disk() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path(), 1 << 20);
        assert!(cache.free_disk().is_some());
    }
}

//! The proof-of-play journal: every play is appended to disk before anything else happens with
//! it, and uploaded in batches whenever the server can be reached, possibly days later.
//!
//! # On disk
//!
//! ```text
//! dir/plays-<generation>.jsonl  one ProofOfPlay JSON object per line, oldest first
//! dir/cursor.json               {"generation":g,"confirmed":n,"dropped":d,"summarised":s}
//! ```
//!
//! The first `confirmed` lines of the current generation's file were accepted by the server.
//! Appends are `write` + `fdatasync`; a crash can only leave a torn last line, which
//! [`Journal::open`] cuts off. The cursor is replaced atomically (temp file, fsync, rename,
//! directory fsync). Rewrites (compaction, summarising, dropping) write a whole new generation
//! the same way and then point the cursor at it, so a crash at any moment leaves either the old
//! or the new generation, each with its own consistent cursor; leftovers are deleted at open.
//!
//! # Exactly once
//!
//! The engine calls [`Journal::pending`], uploads the batch, and calls [`Journal::confirm`]
//! once the server accepted it. A crash between the upload and the confirm makes the same
//! records (same event ids) pending again, and the server ignores event ids it has stored.
//!
//! # Bounded size
//!
//! The file never exceeds `max_bytes`. When an append would cross it, the journal is rewritten
//! down to 7/8 of the bound: first the confirmed prefix goes, then the oldest pending records
//! are summarised, and if that is not enough the oldest are dropped (counted by
//! [`Journal::dropped`]). Summarising merges the records of one (content, playlist, layout,
//! rule, zone) that started in the same UTC hour into one record from the first start to that
//! start plus their total duration, with the event id `sum-` + 32 hex digits of the sha256 of
//! the merged ids (so summarising the same records again gives the same id). **The server counts
//! a summary as one play** (with the full play time), so play counts lose precision, but only
//! for plays that waited past the bound; play time is kept. A summary never spans more than the
//! day the server accepts per record.
//!
//! Records that may already be on the server are never summarised (a summary has a new event id
//! and would count them twice): those handed out by `pending` since the last confirm, and after
//! [`Journal::open`] the oldest [`Journal::set_upload_window`] records, because a crash may have
//! come between their upload and its confirm. They can still be dropped.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vitrin_shared::events::ProofOfPlay;
use vitrin_shared::ids::{ContentId, LayoutId, PlaylistId, RuleId};

/// The smallest bound [`Journal::open`] accepts; smaller values are raised to it.
pub const MIN_MAX_BYTES: u64 = 4096;

/// The default for [`Journal::set_upload_window`]: the server's largest batch.
pub const DEFAULT_UPLOAD_WINDOW: usize = 1000;

/// Confirmed bytes that trigger a compaction (or half the bound, if that is smaller).
const COMPACT_BYTES: u64 = 1 << 20;

/// The longest record the server accepts, and so the longest summary.
const MAX_SPAN: SignedDuration = SignedDuration::from_hours(24);

const CURSOR: &str = "cursor.json";

/// What can go wrong in the journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// One record would take more than a quarter of the bound (a broken zone name or id).
    #[error("a proof-of-play record of {len} bytes does not fit a journal bounded at {max_bytes}")]
    RecordTooLarge { len: u64, max_bytes: u64 },
    /// Any file-system error, with its `io::ErrorKind` intact (a full disk is
    /// `ErrorKind::StorageFull`).
    #[error(transparent)]
    Io(#[from] io::Error),
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Cursor {
    generation: u64,
    confirmed: u64,
    #[serde(default)]
    dropped: u64,
    #[serde(default)]
    summarised: u64,
}

/// A record and the length of its line in the file (newline included).
#[derive(Debug, Clone)]
struct Line {
    play: ProofOfPlay,
    len: u64,
}

impl Line {
    fn new(play: ProofOfPlay) -> Line {
        let len = encode(&play).len() as u64;
        Line { play, len }
    }
}

/// The proof-of-play journal. Not `Sync`: keep it behind the engine's mutex.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    max_bytes: u64,
    generation: u64,
    /// The current generation's file, opened for appending.
    file: File,
    file_bytes: u64,
    /// Lines at the head of the file the server accepted (no longer in memory).
    confirmed: usize,
    confirmed_bytes: u64,
    pending: VecDeque<Line>,
    dropped: u64,
    summarised: u64,
    /// How many of the oldest pending records `pending()` handed out since the last confirm.
    handed_out: Cell<usize>,
    /// How many of those were dropped since the last `pending()`: `confirm` skips them.
    dropped_in_flight: Cell<usize>,
    /// The oldest pending records that an upload before the last open may have delivered.
    upload_window: usize,
}

impl Journal {
    /// Opens (creating if needed) the journal in `dir`, bounded at `max_bytes` (at least
    /// [`MIN_MAX_BYTES`]). A torn last line is cut off; unreadable lines elsewhere (which
    /// append + fsync should never produce) are dropped and counted in [`Journal::dropped`].
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Journal, JournalError> {
        let max_bytes = max_bytes.max(MIN_MAX_BYTES);
        fs::create_dir_all(dir)?;
        let generations = list_generations(dir)?;
        let cursor = fs::read(dir.join(CURSOR))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
            .filter(|c| generations.is_empty() || generations.contains(&c.generation));
        let cursor = match cursor {
            Some(cursor) => cursor,
            None => {
                // Never written (a new journal) or damaged: start from the newest file and
                // treat everything in it as pending; re-sent records are duplicates the server
                // skips. Written now, so a rewrite interrupted later is recognised as one.
                let cursor = Cursor {
                    generation: generations.iter().copied().max().unwrap_or(0),
                    ..Cursor::default()
                };
                write_cursor(dir, &cursor)?;
                cursor
            }
        };
        remove_leftovers(dir, cursor.generation)?;

        let path = generation_path(dir, cursor.generation);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if complete < bytes.len() {
            // A torn append: the record was never acknowledged to the caller.
            file.set_len(complete as u64)?;
            file.sync_data()?;
        }

        let mut confirmed = 0;
        let mut confirmed_bytes = 0;
        let mut pending = VecDeque::new();
        let mut unreadable = 0;
        for line in bytes[..complete].split_inclusive(|&b| b == b'\n') {
            if (confirmed as u64) < cursor.confirmed {
                confirmed += 1;
                confirmed_bytes += line.len() as u64;
                continue;
            }
            // Lengths as this build writes them (what a rewrite produces), whatever wrote the
            // file; `file_bytes` stays the real size.
            match serde_json::from_slice::<ProofOfPlay>(line) {
                Ok(play) => pending.push_back(Line::new(play)),
                Err(_) => unreadable += 1,
            }
        }

        let mut journal = Journal {
            dir: dir.to_path_buf(),
            max_bytes,
            generation: cursor.generation,
            file,
            file_bytes: complete as u64,
            confirmed,
            confirmed_bytes,
            pending,
            dropped: cursor.dropped + unreadable,
            summarised: cursor.summarised,
            handed_out: Cell::new(0),
            dropped_in_flight: Cell::new(0),
            upload_window: DEFAULT_UPLOAD_WINDOW,
        };
        if unreadable > 0 || journal.file_bytes > max_bytes {
            journal.make_room(0)?;
        }
        Ok(journal)
    }

    /// How many of the oldest pending records an upload before this open may have delivered
    /// without confirming (the engine's largest `pending(max)`): they are never summarised.
    /// Defaults to [`DEFAULT_UPLOAD_WINDOW`]; keep it well below the records `max_bytes` holds.
    pub fn set_upload_window(&mut self, records: usize) {
        self.upload_window = records;
    }

    /// Appends a play and makes it durable before returning. May first rewrite the journal to
    /// stay under its bound (see the module docs). A full disk is `JournalError::Io` with
    /// `ErrorKind::StorageFull`; the journal is unchanged then.
    pub fn record(&mut self, play: &ProofOfPlay) -> Result<(), JournalError> {
        let line = encode(play);
        let len = line.len() as u64;
        if len > self.max_bytes / 4 {
            return Err(JournalError::RecordTooLarge {
                len,
                max_bytes: self.max_bytes,
            });
        }
        if self.file_bytes + len > self.max_bytes {
            self.make_room(len)?;
        }
        if let Err(e) = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
        {
            // Part of the line may be in the file: cut it, so the next append starts cleanly.
            let _ = self.file.set_len(self.file_bytes);
            return Err(e.into());
        }
        self.file_bytes += len;
        self.pending.push_back(Line {
            play: play.clone(),
            len,
        });
        Ok(())
    }

    /// Up to `max` of the oldest records not yet confirmed, oldest first. After a crash
    /// between an upload and its [`Journal::confirm`], the same records (same event ids) come
    /// again.
    ///
    /// [`Journal::confirm`] refers to the latest call: upload one batch at a time.
    pub fn pending(&self, max: usize) -> Vec<ProofOfPlay> {
        let n = max.min(self.pending.len());
        self.handed_out.set(self.handed_out.get().max(n));
        self.dropped_in_flight.set(0);
        self.pending
            .iter()
            .take(n)
            .map(|l| l.play.clone())
            .collect()
    }

    /// The server accepted the first `n` records of the latest [`Journal::pending`] batch.
    /// Durable before returning; compacts the file when the confirmed part grows large (or
    /// nothing is left pending). Records of that batch the bound dropped meanwhile are
    /// accounted for, so `n` is always the batch's own count.
    pub fn confirm(&mut self, n: usize) -> Result<(), JournalError> {
        let gone = n.min(self.dropped_in_flight.get());
        let n = (n - gone).min(self.pending.len());
        if n > 0 {
            let bytes: u64 = self.pending.iter().take(n).map(|l| l.len).sum();
            let confirmed_bytes = self.confirmed_bytes + bytes;
            let compact_at = COMPACT_BYTES.min(self.max_bytes / 2);
            if n == self.pending.len() || confirmed_bytes >= compact_at {
                let rest = self.pending.iter().skip(n);
                let (generation, file, file_bytes) =
                    self.rewrite(rest, self.dropped, self.summarised)?;
                self.install(generation, file, file_bytes);
            } else {
                let cursor = Cursor {
                    generation: self.generation,
                    confirmed: (self.confirmed + n) as u64,
                    dropped: self.dropped,
                    summarised: self.summarised,
                };
                write_cursor(&self.dir, &cursor)?;
                self.confirmed += n;
                self.confirmed_bytes = confirmed_bytes;
            }
            self.pending.drain(..n);
        }
        self.dropped_in_flight
            .set(self.dropped_in_flight.get() - gone);
        self.handed_out.set(self.handed_out.get().saturating_sub(n));
        self.upload_window = self.upload_window.saturating_sub(n);
        Ok(())
    }

    /// Records not yet confirmed.
    pub fn len_pending(&self) -> usize {
        self.pending.len()
    }

    /// Records dropped to respect the bound (or unreadable after a crash), ever.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Records merged into summaries to respect the bound, ever.
    pub fn summarised(&self) -> u64 {
        self.summarised
    }

    /// The journal file's size in bytes (at most the bound).
    pub fn file_bytes(&self) -> u64 {
        self.file_bytes
    }

    /// Rewrites the journal without its confirmed prefix, summarising and then dropping the
    /// oldest pending records until it plus `incoming` bytes fits 7/8 of the bound.
    fn make_room(&mut self, incoming: u64) -> Result<(), JournalError> {
        let target = (self.max_bytes - self.max_bytes / 8).saturating_sub(incoming);
        let mut lines: Vec<Line> = self.pending.iter().cloned().collect();
        let mut bytes: u64 = lines.iter().map(|l| l.len).sum();
        let mut summarised = 0;
        if bytes > target {
            let protected = self.handed_out.get().max(self.upload_window);
            (lines, summarised) = summarise(lines, protected, target);
            bytes = lines.iter().map(|l| l.len).sum();
        }
        let mut dropped = 0;
        while bytes > target && dropped < lines.len() {
            bytes -= lines[dropped].len;
            dropped += 1;
        }

        let (generation, file, file_bytes) = self.rewrite(
            lines[dropped..].iter(),
            self.dropped + dropped as u64,
            self.summarised + summarised,
        )?;
        self.install(generation, file, file_bytes);
        self.pending = lines.drain(dropped..).collect();
        self.dropped += dropped as u64;
        self.summarised += summarised;
        let handed_out = self.handed_out.get();
        let gone = dropped.min(handed_out);
        self.handed_out.set(handed_out - gone);
        self.dropped_in_flight
            .set(self.dropped_in_flight.get() + gone);
        self.upload_window = self.upload_window.saturating_sub(dropped);
        Ok(())
    }

    /// Writes `lines` as the next generation and points the cursor at it (nothing confirmed).
    /// Leaves `self` untouched; [`Journal::install`] switches over.
    fn rewrite<'a>(
        &self,
        lines: impl Iterator<Item = &'a Line>,
        dropped: u64,
        summarised: u64,
    ) -> io::Result<(u64, File, u64)> {
        let generation = self.generation + 1;
        let path = generation_path(&self.dir, generation);
        let tmp = path.with_extension("jsonl.tmp");
        let written = (|| {
            let mut out = BufWriter::new(File::create(&tmp)?);
            let mut bytes = 0;
            for line in lines {
                let encoded = encode(&line.play);
                out.write_all(&encoded)?;
                bytes += encoded.len() as u64;
            }
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(bytes)
        })();
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        fs::rename(&tmp, &path)?;
        sync_dir(&self.dir)?;
        let file = OpenOptions::new().read(true).append(true).open(&path)?;
        let cursor = Cursor {
            generation,
            confirmed: 0,
            dropped,
            summarised,
        };
        // The switch: before it the old generation is the journal, after it the new one.
        write_cursor(&self.dir, &cursor)?;
        // The old generation is garbage now; open() removes it if this fails.
        let _ = fs::remove_file(generation_path(&self.dir, self.generation));
        Ok((generation, file, bytes))
    }

    fn install(&mut self, generation: u64, file: File, file_bytes: u64) {
        self.generation = generation;
        self.file = file;
        self.file_bytes = file_bytes;
        self.confirmed = 0;
        self.confirmed_bytes = 0;
    }
}

/// What plays must share to be summarised together (besides the hour).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    content: ContentId,
    playlist: PlaylistId,
    layout: Option<LayoutId>,
    rule: Option<RuleId>,
    zone: String,
    hour: i64,
}

impl Key {
    fn of(play: &ProofOfPlay) -> Key {
        Key {
            content: play.content,
            playlist: play.playlist,
            layout: play.layout,
            rule: play.rule,
            zone: play.zone.clone(),
            hour: play.started_at.as_second().div_euclid(3600),
        }
    }
}

/// Plays merged into one summary.
struct Group {
    first: ProofOfPlay,
    ids: Vec<String>,
    start: Timestamp,
    total: SignedDuration,
    /// Line length of the group's output record.
    len: u64,
}

impl Group {
    fn new(line: &Line) -> Group {
        Group {
            first: line.play.clone(),
            ids: vec![line.play.event_id.clone()],
            start: line.play.started_at,
            total: duration(&line.play),
            len: line.len,
        }
    }

    fn add(&mut self, play: &ProofOfPlay) {
        self.ids.push(play.event_id.clone());
        self.start = self.start.min(play.started_at);
        self.total += duration(play);
        // The id's length does not depend on its digits: measure with a placeholder.
        self.len = encode(&self.record(|| format!("sum-{:032}", 0))).len() as u64;
    }

    /// The group's record; a lone play stays exactly as it was (same event id).
    fn output(self) -> ProofOfPlay {
        if self.ids.len() == 1 {
            return self.first.clone();
        }
        let ids = &self.ids;
        self.record(|| summary_id(ids))
    }

    fn record(&self, id: impl FnOnce() -> String) -> ProofOfPlay {
        ProofOfPlay {
            event_id: id(),
            started_at: self.start,
            ended_at: self.start.saturating_add(self.total).unwrap_or(self.start),
            ..self.first.clone()
        }
    }
}

/// `sum-` and the first 32 hex digits of the sha256 of the merged ids, one per line.
fn summary_id(ids: &[String]) -> String {
    let mut hasher = Sha256::new();
    for id in ids {
        hasher.update(id.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hex::encode(hasher.finalize());
    format!("sum-{}", &digest[..32])
}

fn duration(play: &ProofOfPlay) -> SignedDuration {
    play.ended_at
        .duration_since(play.started_at)
        .max(SignedDuration::ZERO)
}

/// Summarises the oldest records after the first `protected`, one at a time, until the whole
/// list fits `target` bytes or none are left. Returns the new list and how many records went
/// into summaries.
fn summarise(lines: Vec<Line>, protected: usize, target: u64) -> (Vec<Line>, u64) {
    let protected = protected.min(lines.len());
    let head_bytes: u64 = lines[..protected].iter().map(|l| l.len).sum();
    let mut rest_bytes: u64 = lines[protected..].iter().map(|l| l.len).sum();
    let mut groups: Vec<Group> = Vec::new();
    let mut open: HashMap<Key, usize> = HashMap::new();
    let mut groups_bytes = 0;
    let mut consumed = 0;
    for line in &lines[protected..] {
        if head_bytes + groups_bytes + rest_bytes <= target {
            break;
        }
        rest_bytes -= line.len;
        consumed += 1;
        let key = Key::of(&line.play);
        match open.get(&key) {
            Some(&g) if groups[g].total + duration(&line.play) <= MAX_SPAN => {
                groups_bytes -= groups[g].len;
                groups[g].add(&line.play);
                groups_bytes += groups[g].len;
            }
            _ => {
                open.insert(key, groups.len());
                groups.push(Group::new(line));
                groups_bytes += line.len;
            }
        }
    }
    let merged: u64 = groups
        .iter()
        .filter(|g| g.ids.len() > 1)
        .map(|g| g.ids.len() as u64)
        .sum();
    if merged == 0 {
        return (lines, 0);
    }
    let mut lines = lines.into_iter();
    let mut out: Vec<Line> = lines.by_ref().take(protected).collect();
    out.extend(groups.into_iter().map(|g| Line::new(g.output())));
    out.extend(lines.skip(consumed));
    (out, merged)
}

/// One JSON line, newline included.
fn encode(play: &ProofOfPlay) -> Vec<u8> {
    let mut line = serde_json::to_vec(play).expect("a ProofOfPlay always serialises");
    line.push(b'\n');
    line
}

fn generation_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("plays-{generation}.jsonl"))
}

fn parse_generation(name: &str) -> Option<u64> {
    name.strip_prefix("plays-")?
        .strip_suffix(".jsonl")?
        .parse()
        .ok()
}

fn list_generations(dir: &Path) -> io::Result<Vec<u64>> {
    let mut generations = Vec::new();
    for entry in fs::read_dir(dir)? {
        if let Some(generation) = entry?.file_name().to_str().and_then(parse_generation) {
            generations.push(generation);
        }
    }
    Ok(generations)
}

/// Deletes other generations and temp files of interrupted rewrites (only the journal's own
/// names: the directory may hold other things).
fn remove_leftovers(dir: &Path, keep: u64) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name.starts_with("plays-") || name.starts_with(CURSOR);
        let stale = name.ends_with(".tmp") || parse_generation(name).is_some_and(|g| g != keep);
        if ours && stale {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Replaces the cursor atomically. An error means the old cursor is still in place; once the
/// rename is done the new one is what every reader sees, so the directory fsync after it is
/// best effort (failing it must not leave memory and disk disagreeing).
fn write_cursor(dir: &Path, cursor: &Cursor) -> io::Result<()> {
    let path = dir.join(CURSOR);
    let tmp = dir.join(format!("{CURSOR}.tmp"));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(&serde_json::to_vec(cursor)?)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    let _ = sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-11-14T22:00:00Z, the start of an hour.
    const T0: i64 = 1_699_999_200;

    fn play(id: &str, content: i64, start: i64, secs: i64) -> ProofOfPlay {
        ProofOfPlay {
            event_id: id.to_string(),
            content: ContentId(content),
            playlist: PlaylistId(7),
            layout: Some(LayoutId(3)),
            rule: None,
            zone: "main".to_string(),
            started_at: Timestamp::from_second(start).unwrap(),
            ended_at: Timestamp::from_second(start + secs).unwrap(),
        }
    }

    /// `n` plays of content 1, ten seconds each, back to back from `T0`.
    fn plays(prefix: &str, n: usize) -> Vec<ProofOfPlay> {
        (0..n)
            .map(|i| play(&format!("{prefix}{i}"), 1, T0 + 10 * i as i64, 10))
            .collect()
    }

    fn ids(plays: &[ProofOfPlay]) -> Vec<String> {
        plays.iter().map(|p| p.event_id.clone()).collect()
    }

    fn total_secs(plays: &[ProofOfPlay]) -> i64 {
        plays
            .iter()
            .map(|p| p.ended_at.as_second() - p.started_at.as_second())
            .sum()
    }

    fn file_len(j: &Journal) -> u64 {
        fs::metadata(generation_path(&j.dir, j.generation))
            .unwrap()
            .len()
    }

    #[test]
    fn survives_reopen_with_records_and_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(j.len_pending(), 0);
        assert!(j.pending(10).is_empty());
        let all = plays("p", 5);
        for p in &all {
            j.record(p).unwrap();
        }
        assert_eq!(j.len_pending(), 5);
        assert_eq!(j.pending(2), all[..2]);
        j.confirm(2).unwrap();
        assert_eq!(j.len_pending(), 3);
        drop(j);

        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(j.len_pending(), 3);
        assert_eq!(j.pending(10), all[2..]);
        assert_eq!(file_len(&j), j.file_bytes());
        j.record(&play("p5", 1, T0 + 50, 10)).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p2", "p3", "p4", "p5"]);
        assert_eq!((j.dropped(), j.summarised()), (0, 0));
    }

    #[test]
    fn cuts_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        let all = plays("p", 3);
        for p in &all {
            j.record(p).unwrap();
        }
        let path = generation_path(dir.path(), j.generation);
        let good_len = j.file_bytes();
        drop(j);

        // Power lost halfway through an append.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"event_id":"p3","content":1,"play"#)
            .unwrap();
        drop(file);
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(j.pending(10), all);
        assert_eq!(fs::metadata(&path).unwrap().len(), good_len);
        assert_eq!(j.dropped(), 0, "a torn append was never recorded");

        // Appending afterwards gives a clean file.
        j.record(&play("p3", 1, T0 + 30, 10)).unwrap();
        drop(j);
        // And a tail of zeros (blocks allocated, data never written) is torn as well.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&[0; 300]).unwrap();
        drop(file);
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p0", "p1", "p2", "p3"]);
    }

    #[test]
    fn drops_and_counts_an_unreadable_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        for p in plays("p", 4) {
            j.record(&p).unwrap();
        }
        j.pending(1);
        j.confirm(1).unwrap();
        let path = generation_path(dir.path(), j.generation);
        drop(j);
        // Damage the third line (p2) in place.
        let text = fs::read_to_string(&path).unwrap();
        let damaged: Vec<String> = text
            .lines()
            .map(|l| {
                if l.contains("\"p2\"") {
                    "#".repeat(l.len())
                } else {
                    l.to_string()
                }
            })
            .collect();
        fs::write(&path, damaged.join("\n") + "\n").unwrap();

        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p1", "p3"]);
        assert_eq!(j.dropped(), 1);
        drop(j);
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p1", "p3"]);
        assert_eq!(j.dropped(), 1);
    }

    #[test]
    fn confirm_and_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let all = plays("p", 30);
        // 30 lines fit; compaction (at half the bound) comes after 20 confirmed lines.
        let line = encode(&all[0]).len() as u64;
        let max = 40 * line;
        let mut j = Journal::open(dir.path(), max).unwrap();
        for p in &all {
            j.record(p).unwrap();
        }
        let full = j.file_bytes();
        let generation = j.generation;

        // A small confirmed prefix only moves the cursor.
        assert_eq!(j.pending(3).len(), 3);
        j.confirm(3).unwrap();
        assert_eq!((j.generation, j.file_bytes()), (generation, full));
        assert_eq!(j.confirmed, 3);
        drop(j);
        let mut j = Journal::open(dir.path(), max).unwrap();
        assert_eq!(ids(&j.pending(1)), ["p3"]);
        assert_eq!((j.generation, j.file_bytes()), (generation, full));

        // Past half the bound the file is rewritten without the confirmed prefix.
        let batch = j.pending(20);
        j.confirm(batch.len()).unwrap();
        assert_eq!(j.generation, generation + 1);
        assert_eq!(j.confirmed, 0);
        assert_eq!(j.pending(100), all[23..]);
        assert_eq!(j.file_bytes(), file_len(&j));
        assert!(j.file_bytes() < full / 3);
        assert!(!generation_path(dir.path(), generation).exists());

        // Confirming everything (more than is pending is clamped) leaves an empty file.
        j.pending(100);
        j.confirm(100).unwrap();
        assert_eq!((j.len_pending(), j.file_bytes(), file_len(&j)), (0, 0, 0));
        drop(j);
        let mut j = Journal::open(dir.path(), max).unwrap();
        assert_eq!(j.len_pending(), 0);
        j.record(&all[0]).unwrap();
        assert_eq!(j.len_pending(), 1);
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "one generation and the cursor: {names:?}");
    }

    #[test]
    fn a_crash_between_upload_and_confirm_resends_the_same_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        for p in plays("p", 6) {
            j.record(&p).unwrap();
        }
        let sent = j.pending(4);
        // The server stored `sent`, then the player died before confirm().
        drop(j);
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        let again = j.pending(4);
        assert_eq!(again, sent);
        j.confirm(4).unwrap();
        // And once confirmed, never again, also across a restart.
        drop(j);
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p4", "p5"]);
    }

    #[test]
    fn ignores_leftovers_of_an_interrupted_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        for p in plays("p", 3) {
            j.record(&p).unwrap();
        }
        let generation = j.generation;
        drop(j);
        // A rewrite that died before switching the cursor over.
        fs::write(generation_path(dir.path(), generation + 1), b"{\"half\":").unwrap();
        fs::write(dir.path().join("plays-9.jsonl.tmp"), b"x").unwrap();
        fs::write(dir.path().join("cursor.json.tmp"), b"x").unwrap();
        fs::write(dir.path().join("unrelated.txt"), b"not ours").unwrap();

        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p0", "p1", "p2"]);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "cursor.json".to_string(),
                format!("plays-{generation}.jsonl"),
                "unrelated.txt".to_string()
            ]
        );

        // A lost or damaged cursor falls back to the newest generation, everything pending
        // (re-sending confirmed records is harmless, the server knows their ids).
        let mut j = j;
        j.pending(1);
        j.confirm(1).unwrap();
        drop(j);
        fs::remove_file(dir.path().join("cursor.json")).unwrap();
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p0", "p1", "p2"]);
        drop(j);
        fs::write(
            dir.path().join("cursor.json"),
            br#"{"generation":99,"confirmed":1}"#,
        )
        .unwrap();
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p0", "p1", "p2"]);
        drop(j);
        fs::write(dir.path().join("cursor.json"), b"\0\0\0").unwrap();
        let j = Journal::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(ids(&j.pending(10)), ["p0", "p1", "p2"]);
    }

    #[test]
    fn summarising_keeps_total_duration_and_is_deterministic() {
        // 100 ten-second plays of content 1 and 100 of content 2, interleaved, over two
        // hours (T0 .. T0+2h), in two zones' worth of keys.
        let mut all = Vec::new();
        for i in 0..200 {
            let start = T0 + 36 * i as i64;
            all.push(play(
                &format!("e{i}"),
                1 + (i % 2) as i64,
                start,
                10 + (i % 3) as i64,
            ));
        }
        let run = |dir: &Path| {
            let mut j = Journal::open(dir, 16_384).unwrap();
            j.set_upload_window(0);
            for p in &all {
                j.record(p).unwrap();
                assert!(file_len(&j) <= 16_384);
            }
            j
        };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let ja = run(a.path());
        let jb = run(b.path());
        let pa = ja.pending(usize::MAX);
        assert_eq!(pa, jb.pending(usize::MAX), "same input, same summaries");
        assert!(ja.summarised() > 0);
        assert_eq!(ja.dropped(), 0);
        assert!(pa.len() < all.len());
        assert_eq!(total_secs(&pa), total_secs(&all), "play time is kept");

        for p in &pa {
            if let Some(hash) = p.event_id.strip_prefix("sum-") {
                assert_eq!(hash.len(), 32);
                assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }
        // Every summary's duration is the sum of the plays of its (content, hour) that are not
        // in the journal any more, and its start is the first of them (a summary may have
        // been summarised again with later plays of its hour).
        for p in pa.iter().filter(|p| p.event_id.starts_with("sum-")) {
            let hour = p.started_at.as_second().div_euclid(3600);
            let members: Vec<&ProofOfPlay> = all
                .iter()
                .filter(|o| {
                    o.content == p.content && o.started_at.as_second().div_euclid(3600) == hour
                })
                .filter(|o| !pa.iter().any(|k| k.event_id == o.event_id))
                .collect();
            assert_eq!(p.started_at, members[0].started_at);
            let secs: i64 = members
                .iter()
                .map(|o| o.ended_at.as_second() - o.started_at.as_second())
                .sum();
            assert_eq!(p.ended_at.as_second() - p.started_at.as_second(), secs);
        }

        // It survives a restart unchanged.
        let path = a.path().to_path_buf();
        drop(ja);
        assert_eq!(
            Journal::open(&path, 16_384).unwrap().pending(usize::MAX),
            pa
        );
    }

    #[test]
    fn summary_ids_are_stable_and_valid_for_the_server() {
        let ab = vec!["a".to_string(), "b".to_string()];
        let id = summary_id(&ab);
        assert_eq!(id, summary_id(&ab));
        assert_ne!(id, summary_id(&["b".to_string(), "a".to_string()]));
        assert_eq!(id.len(), 36);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b))
        );

        // A lone play in its hour keeps its own id; different hours never merge.
        let lines: Vec<Line> = vec![
            Line::new(play("x", 1, T0, 10)),
            Line::new(play("y", 1, T0 + 3590, 20)),
            Line::new(play("z", 1, T0 + 3600, 10)),
            Line::new(play("w", 1, T0 + 3610, 10)),
        ];
        let (out, merged) = summarise(lines, 0, 0);
        assert_eq!(merged, 4);
        let out: Vec<ProofOfPlay> = out.into_iter().map(|l| l.play).collect();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].event_id, summary_id(&["x".into(), "y".into()]));
        assert_eq!(out[0].started_at.as_second(), T0);
        assert_eq!(out[0].ended_at.as_second(), T0 + 30);
        assert_eq!(out[1].event_id, summary_id(&["z".into(), "w".into()]));

        let lone = vec![
            Line::new(play("solo", 1, T0, 10)),
            Line::new(play("o", 2, T0, 5)),
        ];
        let (out, merged) = summarise(lone, 0, 0);
        assert_eq!(merged, 0);
        assert_eq!(
            ids(&out.into_iter().map(|l| l.play).collect::<Vec<_>>()),
            ["solo", "o"]
        );
    }

    #[test]
    fn a_summary_never_spans_more_than_a_day() {
        // 30 plays of one hour each, all "starting" in the same hour (a clock gone wrong).
        let lines: Vec<Line> = (0..30)
            .map(|i| Line::new(play(&format!("h{i}"), 1, T0 + i, 3600)))
            .collect();
        let (out, _) = summarise(lines, 0, 0);
        assert_eq!(out.len(), 2);
        let spans: Vec<i64> = out
            .iter()
            .map(|l| l.play.ended_at.as_second() - l.play.started_at.as_second())
            .collect();
        assert_eq!(spans, [24 * 3600, 6 * 3600]);
    }

    #[test]
    fn the_bound_is_respected_by_dropping_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 4096).unwrap();
        j.set_upload_window(0);
        // Every play a different content: nothing to summarise.
        let all: Vec<ProofOfPlay> = (0..100)
            .map(|i| play(&format!("d{i}"), i, T0 + 10 * i, 10))
            .collect();
        for p in &all {
            j.record(p).unwrap();
            assert!(j.file_bytes() <= 4096);
            assert_eq!(file_len(&j), j.file_bytes());
        }
        let kept = j.pending(usize::MAX);
        assert_eq!(j.summarised(), 0);
        assert_eq!(j.dropped() as usize + kept.len(), all.len());
        assert!(j.dropped() > 0);
        assert_eq!(
            kept,
            all[all.len() - kept.len()..],
            "the newest survive, in order"
        );

        drop(j);
        let j = Journal::open(dir.path(), 4096).unwrap();
        assert_eq!(j.pending(usize::MAX), kept);
        assert_eq!(
            j.dropped() as usize + kept.len(),
            all.len(),
            "counted durably"
        );

        // A lowered bound is applied at open.
        drop(j);
        let j = Journal::open(dir.path(), 0).unwrap();
        assert!(j.file_bytes() <= MIN_MAX_BYTES);
        drop(j);
        let mut j = Journal::open(dir.path(), 1 << 20).unwrap();
        let mut huge = play("big", 1, T0, 1);
        huge.zone = "z".repeat(1 << 19);
        assert!(matches!(
            j.record(&huge),
            Err(JournalError::RecordTooLarge { .. })
        ));
    }

    #[test]
    fn never_summarises_what_may_be_on_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 8192).unwrap();
        j.set_upload_window(0);
        let all = plays("p", 100);
        // Fill close to the bound, then hand out a batch that is "being uploaded".
        let mut n = 0;
        while j.file_bytes() < 7000 {
            j.record(&all[n]).unwrap();
            n += 1;
        }
        let sent = j.pending(5);
        for p in &all[n..] {
            j.record(p).unwrap();
        }
        assert!(j.summarised() > 0);
        assert_eq!(j.pending(5), sent, "the batch in flight is untouched");
        j.confirm(5).unwrap();
        assert!(j.pending(1)[0].event_id.starts_with("sum-"));
        let total = total_secs(&j.pending(usize::MAX)) + total_secs(&sent);
        assert_eq!(total, total_secs(&all));

        // After a restart, the oldest `upload_window` records are protected the same way.
        drop(j);
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 8192).unwrap();
        let mut n = 0;
        while j.file_bytes() < 7000 {
            j.record(&all[n]).unwrap();
            n += 1;
        }
        drop(j);
        let mut j = Journal::open(dir.path(), 8192).unwrap();
        j.set_upload_window(4);
        for p in &all[n..] {
            j.record(p).unwrap();
        }
        assert!(j.summarised() > 0);
        assert_eq!(ids(&j.pending(5))[..4], ["p0", "p1", "p2", "p3"]);
        assert!(j.pending(5)[4].event_id.starts_with("sum-"));
    }

    #[test]
    fn confirm_skips_records_of_the_batch_dropped_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), 4096).unwrap();
        j.set_upload_window(0);
        let all: Vec<ProofOfPlay> = (0..200)
            .map(|i| play(&format!("d{i}"), i, T0 + 10 * i, 10))
            .collect();
        let mut n = 0;
        while j.file_bytes() < 3500 {
            j.record(&all[n]).unwrap();
            n += 1;
        }
        let sent = j.pending(6);
        // While the batch is in flight, the bound drops the oldest records: part of it.
        let before = j.dropped();
        while j.dropped() == before {
            j.record(&all[n]).unwrap();
            n += 1;
        }
        let lost = (j.dropped() - before) as usize;
        assert!((1..6).contains(&lost), "{lost}");
        j.confirm(6).unwrap();
        // Exactly the rest of the batch was confirmed: next is the record after it.
        let after_batch = all.iter().position(|p| p == &sent[5]).unwrap() + 1;
        assert_eq!(j.pending(1), [all[after_batch].clone()]);
    }
}

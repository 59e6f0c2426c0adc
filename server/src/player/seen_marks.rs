//! The `last_seen_at` marks player requests leave on their screen's row, written in batches.
//!
//! A publish makes every screen it touches ask for its new manifest at once, and each of those
//! requests marks its screen as seen (at most once a minute per screen and instance,
//! [`super::seen`]). As single-row `UPDATE`s, 20,000 of them queued on the rows the next
//! publish had locked and took the pools' connections: that publish reached its screens
//! seconds late (`vitrin-load scale`, PostgreSQL's slow-statement log, BENCHMARKS.md). Here
//! the marks made together share one statement, one statement at a time.
//!
//! A request waits until its mark is written, so what it did is in the database when it is
//! answered. A mark never makes a request fail: on PostgreSQL rows another transaction holds
//! (a publish rewriting the manifests) are skipped rather than waited for, and a failed write
//! is logged. The online status does not depend on these marks alone: every heartbeat writes
//! the row's `last_seen_at` itself.

use std::collections::BTreeMap;

use tokio::sync::{mpsc, oneshot};
use tracing::warn;
use vitrin_shared::ids::ScreenId;

use crate::db::{Db, sql};

/// Screens per statement: their ids and times are inlined in it.
const MAX_BATCH: usize = 1000;

/// A screen, when it was seen (ms since the epoch), and who waits for the write.
type Mark = (ScreenId, i64, oneshot::Sender<()>);

pub struct SeenMarks {
    marks: mpsc::UnboundedSender<Mark>,
}

impl SeenMarks {
    /// Starts the writer on `db`; it stops when this is dropped.
    pub fn start(db: Db) -> SeenMarks {
        let (marks, incoming) = mpsc::unbounded_channel();
        tokio::spawn(serve(db, incoming));
        SeenMarks { marks }
    }

    /// Writes that `screen` was seen `at`, unless its row already says later; returns once the
    /// statement carrying it has finished.
    pub async fn mark(&self, screen: ScreenId, at: i64) {
        let (done, written) = oneshot::channel();
        if self.marks.send((screen, at, done)).is_ok() {
            let _ = written.await;
        }
    }
}

async fn serve(db: Db, mut incoming: mpsc::UnboundedReceiver<Mark>) {
    // One statement at a time: marks arriving meanwhile make the next one bigger.
    while let Some(first) = incoming.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(mark) => batch.push(mark),
                Err(_) => break,
            }
        }
        write(&db, batch).await;
    }
}

async fn write(db: &Db, batch: Vec<Mark>) {
    // Ascending ids, one row each (its latest time): the rows are locked in the order the
    // manifest updates lock them.
    let mut latest: BTreeMap<i64, i64> = BTreeMap::new();
    for (screen, at, _) in &batch {
        let entry = latest.entry(screen.0).or_insert(*at);
        *entry = (*entry).max(*at);
    }
    // Integers only: inlined, they need no bind list of variable length.
    let rows: Vec<String> = latest
        .iter()
        .map(|(id, at)| format!("({id}, {at})"))
        .collect();
    let ids: Vec<String> = latest.keys().map(i64::to_string).collect();
    // SQLite has one writer and no row locks; PostgreSQL skips the rows a publish holds
    // instead of queueing behind it (and a later heartbeat writes them anyway).
    let unlocked = match db {
        Db::Sqlite(..) => String::new(),
        Db::Postgres(_) => format!(
            " AND screens.id IN (SELECT id FROM screens WHERE id IN ({}) \
             ORDER BY id FOR UPDATE SKIP LOCKED)",
            ids.join(", ")
        ),
    };
    // VALUES names its columns column1, column2 in both engines.
    let written = sql(format!(
        "UPDATE screens SET last_seen_at = v.column2 FROM (VALUES {}) AS v \
         WHERE screens.id = v.column1 \
         AND (screens.last_seen_at IS NULL OR screens.last_seen_at < v.column2){unlocked}",
        rows.join(", ")
    ))
    .execute(db)
    .await;
    if let Err(e) = written {
        warn!(screens = latest.len(), "cannot mark screens as seen: {e}");
    }
    for (_, _, done) in batch {
        let _ = done.send(());
    }
}

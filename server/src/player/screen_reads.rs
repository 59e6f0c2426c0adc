//! Batched reads for the push streams woken together, and the manifest requests that follow.
//!
//! A publish wakes the stream of every screen it touches at the same moment, and each stream
//! then reads its screen's row: 20,000 streams over three instances on PostgreSQL made 40,000
//! queries, queued on the connection pools, and the last screen heard of the publish 8–13 s
//! after it (`vitrin-load scale`, BENCHMARKS.md). Then every screen asks for its new manifest,
//! which needs the row's version and hash. Here the requests made together share one query
//! per few hundred screens. Each request is answered by a query that starts after the
//! request was made, so a stream never sees a state older than the wake-up that asked.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc, oneshot};
use vitrin_shared::ids::ScreenId;

use super::events::COMMAND_TTL_MS;
use crate::db::{Db, DbError, DbResult, now_ms, sql};

/// Screens per query: their ids are inlined in the statement.
const MAX_BATCH: usize = 500;
/// Queries in flight at once; requests arriving meanwhile wait and make the next batch bigger.
const IN_FLIGHT: usize = 4;

/// What a push stream needs to know about its screen after a wake-up.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScreenState {
    id: i64,
    pub manifest_version: i64,
    pub manifest_hash: String,
    pub device_token_hash: Option<String>,
    /// The newest screen event a stream may still have to deliver (a command not yet
    /// acknowledged and still fresh, an emergency whose rule exists); 0 when none.
    pub deliverable_event: i64,
}

type Request = (ScreenId, oneshot::Sender<DbResult<Option<ScreenState>>>);

pub struct ScreenReads {
    requests: mpsc::UnboundedSender<Request>,
}

impl ScreenReads {
    /// Starts the reader on `db`; it stops when this is dropped.
    pub fn start(db: Db) -> ScreenReads {
        let (requests, incoming) = mpsc::unbounded_channel();
        tokio::spawn(serve(db, incoming));
        ScreenReads { requests }
    }

    /// The screen's current state; `None` when it no longer exists.
    pub async fn screen(&self, screen: ScreenId) -> DbResult<Option<ScreenState>> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send((screen, reply))
            .map_err(|_| DbError::Other(sqlx::Error::PoolClosed))?;
        answer
            .await
            .map_err(|_| DbError::Other(sqlx::Error::PoolClosed))?
    }
}

async fn serve(db: Db, mut incoming: mpsc::UnboundedReceiver<Request>) {
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = incoming.recv().await {
        let Ok(permit) = gate.clone().acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let db = db.clone();
        tokio::spawn(async move {
            answer(&db, batch).await;
            drop(permit);
        });
    }
}

async fn answer(db: &Db, batch: Vec<Request>) {
    // Ids are integers: inlined, they need no bind list of variable length.
    let ids: Vec<String> = batch.iter().map(|(s, _)| s.0.to_string()).collect();
    let rows: DbResult<Vec<ScreenState>> = sql(format!(
        "SELECT s.id, s.manifest_version, s.manifest_hash, s.device_token_hash, \
         COALESCE((SELECT MAX(e.id) FROM screen_events e WHERE e.screen_id = s.id \
           AND ((e.kind = 'command' AND e.acked_at IS NULL AND e.created_at > $1) \
             OR (e.kind = 'emergency' AND EXISTS (SELECT 1 FROM rules r WHERE r.id = e.rule_id)))), \
           0) AS deliverable_event \
         FROM screens s WHERE s.id IN ({})",
        ids.join(", ")
    ))
    .bind(now_ms() - COMMAND_TTL_MS)
    .fetch_all(db)
    .await;
    match rows {
        Ok(rows) => {
            // Two streams of one screen (a reconnect overlapping the old stream) both get it.
            let by_id: HashMap<i64, ScreenState> = rows.into_iter().map(|r| (r.id, r)).collect();
            for (screen, reply) in batch {
                let _ = reply.send(Ok(by_id.get(&screen.0).cloned()));
            }
        }
        Err(e) => {
            // Every stream of the batch ends (and its player reconnects), as it would have
            // after its own failed read.
            let message = e.to_string();
            for (_, reply) in batch {
                let _ = reply.send(Err(DbError::Other(sqlx::Error::Protocol(message.clone()))));
            }
        }
    }
}

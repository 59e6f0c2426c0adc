//! Wakes the push streams of screens when something for them changed.
//!
//! One `tokio::sync::watch` per connected screen: a burst of changes coalesces into one wake-up
//! and a slow stream never lags behind; the stream then reads the current state from the
//! database, which is the only source of truth. On PostgreSQL the screen ids also travel by
//! `NOTIFY` (sent inside the writing transaction, so only committed changes are announced) to
//! every server instance, whose listener wakes its own streams.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::watch;
use vitrin_shared::ids::ScreenId;

use crate::db::{Db, DbResult, Tx, sql};

const CHANNEL: &str = "vitrin_screens";

#[derive(Default)]
pub struct Hub {
    screens: Mutex<HashMap<i64, watch::Sender<u64>>>,
}

impl Hub {
    /// A receiver that changes whenever `screen` is poked.
    pub fn subscribe(&self, screen: ScreenId) -> watch::Receiver<u64> {
        let mut screens = self.screens.lock().expect("hub lock");
        screens
            .entry(screen.0)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Wakes the streams of these screens on this instance.
    pub fn poke(&self, screens: &[ScreenId]) {
        let mut map = self.screens.lock().expect("hub lock");
        for screen in screens {
            if let Some(tx) = map.get(&screen.0) {
                if tx.receiver_count() == 0 {
                    map.remove(&screen.0);
                } else {
                    tx.send_modify(|n| *n = n.wrapping_add(1));
                }
            }
        }
    }

    /// Wakes every stream: after a lost listener connection, notifications may be missing.
    pub fn poke_all(&self) {
        let map = self.screens.lock().expect("hub lock");
        for tx in map.values() {
            tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// How many screens have a stream on this instance.
    pub fn connected(&self) -> usize {
        let map = self.screens.lock().expect("hub lock");
        map.values().filter(|tx| tx.receiver_count() > 0).count()
    }
}

/// Announces, inside `tx`, that these screens changed. PostgreSQL delivers the notification
/// to every instance when (and only if) the transaction commits; the caller pokes its own hub
/// after the commit too, so SQLite, which has a single instance, needs nothing here.
pub async fn announce(tx: &mut Tx, screens: &[ScreenId]) -> DbResult<()> {
    if let Tx::Postgres(_) = tx {
        // A NOTIFY payload holds under 8000 bytes; 500 ids fit easily.
        for chunk in screens.chunks(500) {
            let ids: Vec<String> = chunk.iter().map(|s| s.0.to_string()).collect();
            sql("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(ids.join(","))
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// On PostgreSQL, listens for other instances' announcements for as long as `hub` lives.
pub fn start_listener(db: &Db, hub: &Arc<Hub>) {
    if let Db::Postgres(pool) = db {
        tokio::spawn(listen(pool.clone(), Arc::downgrade(hub)));
    }
}

async fn listen(pool: PgPool, hub: Weak<Hub>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("cannot listen for screen changes: {e}; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                if hub.strong_count() == 0 {
                    return;
                }
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!("LISTEN failed: {e}");
            continue;
        }
        // Anything announced while we were not listening would be lost: check everything.
        match hub.upgrade() {
            Some(hub) => hub.poke_all(),
            None => return,
        }
        loop {
            let next = listener.try_recv().await;
            let Some(hub) = hub.upgrade() else { return };
            match next {
                Ok(Some(notification)) => {
                    let screens: Vec<ScreenId> = notification
                        .payload()
                        .split(',')
                        .filter_map(|id| id.parse().ok().map(ScreenId))
                        .collect();
                    hub.poke(&screens);
                }
                // The connection dropped; the next try_recv reconnects. Recheck everyone.
                Ok(None) => hub.poke_all(),
                // The server is shutting down.
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => {
                    tracing::warn!("screen change listener failed: {e}");
                    break;
                }
            }
        }
    }
}

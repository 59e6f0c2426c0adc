//! Wakes the push streams of screens when something for them changed.
//!
//! One `tokio::sync::watch` per connected screen: a burst of changes coalesces into one wake-up
//! and a slow stream never lags behind; the stream then reads the current state from the
//! database, which is the only source of truth. On PostgreSQL the screen ids also travel by
//! `NOTIFY` (sent inside the writing transaction, so only committed changes are announced) to
//! every server instance, whose listener wakes its own streams.
//!
//! A poke says why ([`Poke`]): most are news for the screen (a new manifest, a command), which
//! leave its device token as it was; a change to the token or the screen's existence is a
//! [`Poke::Device`], and only that makes the instances check the token again. A publish to
//! 20,000 screens then costs no token check per screen on any instance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::watch;
use vitrin_shared::ids::ScreenId;

use crate::db::{Db, DbResult, Tx, sql};

const CHANNEL: &str = "vitrin_screens";
/// Marks a notification's screens as [`Poke::Device`].
const DEVICE_PREFIX: &str = "device:";

/// Why a screen is poked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poke {
    /// Its manifest changed, or it has a command or an emergency to deliver.
    News,
    /// Its device token changed or the screen is gone: every instance checks the token again,
    /// and what the old token holds open ends.
    Device,
}

/// How many device pokes a screen had. Every poke, of either kind, notifies the receivers.
pub type DevicePokes = u64;

fn add(device_pokes: &mut DevicePokes, poke: Poke) {
    if poke == Poke::Device {
        *device_pokes = device_pokes.wrapping_add(1);
    }
}

#[derive(Default)]
pub struct Hub {
    screens: Mutex<HashMap<i64, watch::Sender<DevicePokes>>>,
}

impl Hub {
    /// A receiver that changes whenever `screen` is poked.
    pub fn subscribe(&self, screen: ScreenId) -> watch::Receiver<DevicePokes> {
        let mut screens = self.screens.lock().expect("hub lock");
        screens
            .entry(screen.0)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Wakes the streams of these screens on this instance.
    pub fn poke(&self, screens: &[ScreenId], poke: Poke) {
        let mut map = self.screens.lock().expect("hub lock");
        for screen in screens {
            if let Some(tx) = map.get(&screen.0) {
                if tx.receiver_count() == 0 {
                    map.remove(&screen.0);
                } else {
                    tx.send_modify(|pokes| add(pokes, poke));
                }
            }
        }
    }

    /// Wakes every stream, as a device change: after a lost listener connection,
    /// notifications (of any kind) may be missing.
    pub fn poke_all(&self) {
        let map = self.screens.lock().expect("hub lock");
        for tx in map.values() {
            tx.send_modify(|pokes| add(pokes, Poke::Device));
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
pub async fn announce(tx: &mut Tx, screens: &[ScreenId], poke: Poke) -> DbResult<()> {
    if let Tx::Postgres(_) = tx {
        let prefix = match poke {
            Poke::News => "",
            Poke::Device => DEVICE_PREFIX,
        };
        // A NOTIFY payload holds under 8000 bytes; 500 ids fit easily. All the payloads go
        // in one statement (';' between them), not one round trip per 500 screens.
        let payloads: Vec<String> = screens
            .chunks(500)
            .map(|chunk| {
                let ids: Vec<String> = chunk.iter().map(|s| s.0.to_string()).collect();
                format!("{prefix}{}", ids.join(","))
            })
            .collect();
        if !payloads.is_empty() {
            sql("SELECT pg_notify($1, payload) FROM unnest(string_to_array($2, ';')) AS payload")
                .bind(CHANNEL)
                .bind(payloads.join(";"))
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// The screens and the kind of poke a notification's payload names.
fn parse_payload(payload: &str) -> (Vec<ScreenId>, Poke) {
    let (ids, poke) = match payload.strip_prefix(DEVICE_PREFIX) {
        Some(ids) => (ids, Poke::Device),
        None => (payload, Poke::News),
    };
    let screens = ids
        .split(',')
        .filter_map(|id| id.parse().ok().map(ScreenId))
        .collect();
    (screens, poke)
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
                    let (screens, poke) = parse_payload(notification.payload());
                    hub.poke(&screens, poke);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_poke_is_told_from_news() {
        let hub = Hub::default();
        let screen = ScreenId(7);
        let mut changes = hub.subscribe(screen);
        hub.poke(&[screen], Poke::News);
        assert!(changes.has_changed().unwrap(), "news notifies");
        assert_eq!(*changes.borrow_and_update(), 0);
        hub.poke(&[screen], Poke::Device);
        assert!(changes.has_changed().unwrap());
        assert_eq!(*changes.borrow_and_update(), 1);
        hub.poke_all();
        assert_eq!(*changes.borrow_and_update(), 2);
    }

    #[test]
    fn payloads_carry_the_kind_of_poke() {
        assert_eq!(
            parse_payload("1,22,333"),
            (vec![ScreenId(1), ScreenId(22), ScreenId(333)], Poke::News)
        );
        assert_eq!(
            parse_payload("device:4,5"),
            (vec![ScreenId(4), ScreenId(5)], Poke::Device)
        );
    }
}

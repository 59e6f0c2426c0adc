//! What one server instance remembers about the screens it talks to, so that an
//! unchanged-manifest poll (the most frequent request) needs no database query at all. A leaf
//! module: the application state holds it, the player protocol (`crate::player`) fills it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use vitrin_shared::ids::{OrgId, ScreenId};

use crate::push::DevicePokes;

/// The screen a player request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub screen: ScreenId,
    pub org: OrgId,
}

/// Per-instance caches of the player API, so that an unchanged-manifest poll (the most
/// frequent request) needs no database query at all. The database stays the truth: entries
/// are dropped when the screen is poked — every change to its manifest pokes it, on every
/// instance (PostgreSQL NOTIFY); a token is forgotten only on a device poke (its token changed
/// or the screen is gone), so a publish leaves the tokens known — and token entries expire
/// after [`TOKEN_TTL`] whatever happens, bounding the damage of a lost notification.
#[derive(Default)]
pub struct DeviceCache {
    /// The sha256s each screen's current manifest references, by manifest version, so media
    /// requests need not rebuild the manifest.
    screens: Mutex<HashMap<i64, (u64, MediaSet)>>,
    /// When each screen's `last_seen_at` was last written by this instance.
    pub(crate) seen: Mutex<HashMap<i64, i64>>,
    /// Device token hash → its screen, as last checked against the database.
    tokens: Mutex<HashMap<String, KnownToken>>,
    /// Each screen's manifest version and hash, as last read.
    versions: Mutex<HashMap<i64, KnownVersion>>,
    /// Device tokens checked against the database (cache misses), for tests and benchmarks.
    token_checks: AtomicU64,
}

type MediaSet = Arc<HashSet<String>>;

/// How long a checked device token is trusted without asking the database again.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);

struct KnownToken {
    device: Device,
    changes: watch::Receiver<DevicePokes>,
    /// The screen's device pokes when the token was checked.
    device_pokes: DevicePokes,
    checked: Instant,
}

struct KnownVersion {
    changes: watch::Receiver<DevicePokes>,
    version: u64,
    hash: String,
}

/// Whether the screen was poked since the receiver was made (a dropped hub counts as yes).
fn poked(changes: &watch::Receiver<DevicePokes>) -> bool {
    changes.has_changed().unwrap_or(true)
}

/// Whether the screen had a device poke since `device_pokes` were counted (a dropped hub
/// counts as yes).
fn device_poked(changes: &watch::Receiver<DevicePokes>, device_pokes: DevicePokes) -> bool {
    changes.has_changed().is_err() || *changes.borrow() != device_pokes
}

impl DeviceCache {
    pub(crate) fn media(&self, screen: ScreenId, version: u64) -> Option<MediaSet> {
        let map = self.screens.lock().expect("media index lock");
        map.get(&screen.0)
            .filter(|(v, _)| *v == version)
            .map(|(_, set)| set.clone())
    }

    pub(crate) fn set_media(&self, screen: ScreenId, version: u64, set: MediaSet) {
        let mut map = self.screens.lock().expect("media index lock");
        map.insert(screen.0, (version, set));
    }

    pub(crate) fn known_token(&self, hash: &str) -> Option<Device> {
        let mut map = self.tokens.lock().expect("token cache lock");
        let Some(known) = map.get(hash) else {
            self.token_checks.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        if device_poked(&known.changes, known.device_pokes) || known.checked.elapsed() > TOKEN_TTL {
            map.remove(hash);
            self.token_checks.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        Some(known.device)
    }

    /// How many device tokens this instance had to check against the database.
    pub fn token_checks(&self) -> u64 {
        self.token_checks.load(Ordering::Relaxed)
    }

    /// Remembers that `hash` opens `device`, as checked after `changes` was subscribed with
    /// `device_pokes` device pokes counted.
    pub(crate) fn remember_token(
        &self,
        hash: String,
        device: Device,
        changes: watch::Receiver<DevicePokes>,
        device_pokes: DevicePokes,
    ) {
        let mut map = self.tokens.lock().expect("token cache lock");
        // Expired entries of screens that went quiet are swept now and then.
        if map.len() >= 1024 && map.len().is_power_of_two() {
            map.retain(|_, known| known.checked.elapsed() <= TOKEN_TTL);
        }
        let checked = Instant::now();
        map.insert(
            hash,
            KnownToken {
                device,
                changes,
                device_pokes,
                checked,
            },
        );
    }

    pub(crate) fn known_version(&self, screen: ScreenId) -> Option<(u64, String)> {
        let map = self.versions.lock().expect("version cache lock");
        map.get(&screen.0)
            .filter(|known| !poked(&known.changes))
            .map(|known| (known.version, known.hash.clone()))
    }

    pub(crate) fn remember_version(
        &self,
        screen: ScreenId,
        changes: watch::Receiver<DevicePokes>,
        version: u64,
        hash: String,
    ) {
        let mut map = self.versions.lock().expect("version cache lock");
        map.insert(
            screen.0,
            KnownVersion {
                changes,
                version,
                hash,
            },
        );
    }
}

//! What every request handler shares: configuration, the database, the media store, metrics.

use std::ops::Deref;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::device_cache::DeviceCache;
use crate::manifest::SnapshotCache;
use crate::media::blobs::BlobStore;
use crate::metrics::Metrics;
use crate::player::screen_reads::ScreenReads;
use crate::player::seen_marks::SeenMarks;
use crate::push::Hub;
use crate::tls::Certificates;

/// Cheap to clone: one reference count. axum clones the state for every extractor of every
/// request; a profile of the 304 path showed cloning and dropping seven separate handles
/// (their reference counts bouncing between cores) at about 4 % of the server's time.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The handles behind an [`AppState`], reached through `Deref` (`state.db`, `state.config`).
#[derive(Clone)]
pub struct Shared {
    pub config: Arc<Config>,
    pub db: Db,
    pub blobs: BlobStore,
    pub metrics: Arc<Metrics>,
    pub push: Arc<Hub>,
    /// The screen rows push streams read when woken, batched across streams.
    pub screen_reads: Arc<ScreenReads>,
    /// The `last_seen_at` marks of player requests, batched across requests.
    pub seen_marks: Arc<SeenMarks>,
    pub device_cache: Arc<DeviceCache>,
    pub snapshots: Arc<SnapshotCache>,
    /// The certificate the server serves https with, when it does (`--tls-cert`).
    pub tls: Option<Arc<Certificates>>,
}

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// The same database, store and caches under another configuration (e.g. other limits).
    pub fn with_config(&self, config: Config) -> AppState {
        AppState::new(Shared {
            config: Arc::new(config),
            ..(*self.0).clone()
        })
    }
}

impl Shared {
    /// The key pins paired screens are told to trust: the served certificate's and the
    /// announced ones (`--tls-pin`), so a screen learns a new key before it is used.
    pub fn tls_pins(&self) -> Vec<vitrin_shared::pin::Pin> {
        let mut pins: Vec<_> = self.tls.iter().map(|tls| tls.pin()).collect();
        pins.extend(self.config.tls_pins.iter().copied());
        pins.dedup();
        pins
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

//! What every request handler shares: configuration, the database, the media store, metrics.

use std::ops::Deref;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::device_cache::DeviceCache;
use crate::manifest::SnapshotCache;
use crate::media::blobs::BlobStore;
use crate::metrics::Metrics;
use crate::push::Hub;

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
    pub device_cache: Arc<DeviceCache>,
    pub snapshots: Arc<SnapshotCache>,
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

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

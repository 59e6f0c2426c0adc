//! What every request handler shares: configuration, the database, the media store, metrics.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::manifest::SnapshotCache;
use crate::media::blobs::BlobStore;
use crate::metrics::Metrics;
use crate::player::DeviceCache;
use crate::push::Hub;

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub blobs: BlobStore,
    pub metrics: Arc<Metrics>,
    pub push: Arc<Hub>,
    pub device_cache: Arc<DeviceCache>,
    pub snapshots: Arc<SnapshotCache>,
}

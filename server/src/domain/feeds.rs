//! Feed snapshots: the last data the server fetched for each feed source, as they reach the
//! screens inside their manifests (the fetching itself is `crate::feeds`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use vitrin_shared::feed::{FeedData, FeedSnapshot};
use vitrin_shared::ids::{FeedId, OrgId};

use crate::db::{DbResult, Tx, sql};

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    id: i64,
    data: String,
    data_at: i64,
    stale: bool,
}

/// The snapshots of every feed of `org` that has data, for manifests.
pub async fn snapshots(tx: &mut Tx, org: OrgId) -> DbResult<BTreeMap<FeedId, FeedSnapshot>> {
    let rows: Vec<SnapshotRow> = sql("SELECT id, data, data_at, stale FROM feeds \
         WHERE org_id = $1 AND data IS NOT NULL AND data_at IS NOT NULL ORDER BY id")
    .bind(org.0)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let snapshot = snapshot_of(row.id, &row.data, row.data_at, row.stale);
            if snapshot.is_none() {
                tracing::warn!(feed = row.id, "stored feed data does not decode; left out");
            }
            snapshot.map(|s| (s.feed, s))
        })
        .collect())
}

/// A snapshot from its stored parts.
pub fn snapshot_of(id: i64, data: &str, data_at: i64, stale: bool) -> Option<FeedSnapshot> {
    let data: FeedData = serde_json::from_str(data).ok()?;
    Some(FeedSnapshot {
        feed: FeedId(id),
        fetched_at: Timestamp::from_millisecond(data_at).ok()?,
        stale,
        data,
    })
}

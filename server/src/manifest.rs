//! Builds a screen's manifest from the organization's rows, and bumps manifest versions.
//!
//! A screen's manifest version changes exactly when the manifest's content changes: after every
//! write, the manifests of the organization's screens are rebuilt from one snapshot and hashed;
//! a screen whose hash differs from the stored one gets `version + 1`. So a content edit bumps
//! precisely the screens that show that content, however it reaches them (rule, default
//! layout, group, tag), and an edit that changes nothing visible bumps nobody.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use vitrin_shared::brand::BrandKit;
use vitrin_shared::content::{ContentItem, ContentKind, TickerSource};
use vitrin_shared::feed::{FeedData, FeedSnapshot};
use vitrin_shared::ids::{
    ContentId, FeedId, GroupId, LayoutId, OrgId, PlaylistId, ScreenId, StoreId,
};
use vitrin_shared::layout::{Layout, Template, ZoneBinding};
use vitrin_shared::manifest::{Manifest, Orientation, ScreenSettings};
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};
use vitrin_shared::schedule::hours::{Daypart, PowerSchedule, StoreHours};
use vitrin_shared::schedule::{ScheduleRule, Scope, Target};

use crate::db::{Db, DbError, DbResult, Tx, sql};
use crate::domain::customers::feedback::ApprovedReview;
use crate::domain::store_prices::PriceOverride;
use crate::domain::{brand, store_time};

#[derive(sqlx::FromRow)]
struct ScreenRow {
    id: i64,
    store_id: i64,
    name: String,
    orientation: String,
    default_layout_id: Option<i64>,
    heartbeat_secs: i64,
    manifest_version: i64,
    manifest_hash: String,
    sleep_when_closed: bool,
    wake_minutes_before: i64,
    /// JSON: the screen's place in a wall (`WallTile`).
    wall: Option<String>,
}

/// What a store gives each of its screens' settings, read and parsed once per store: a
/// franchise's 20,000 screens share a few hundred stores.
#[derive(sqlx::FromRow)]
struct StoreRow {
    id: i64,
    timezone: String,
    /// JSON: the store's own hours, and the organization's.
    store_hours: Option<String>,
    org_hours: Option<String>,
    /// JSON: the store's dayparts, else the organization's.
    dayparts: Option<String>,
    /// JSON: the store's brand kit, else the organization's.
    brand: Option<String>,
}

struct StoreSettings {
    timezone: String,
    hours: Option<StoreHours>,
    dayparts: Vec<Daypart>,
    brand: BrandKit,
}

impl From<StoreRow> for StoreSettings {
    fn from(row: StoreRow) -> Self {
        StoreSettings {
            timezone: row.timezone,
            hours: store_time::in_force_json(row.store_hours.as_deref(), row.org_hours.as_deref()),
            dayparts: store_time::parse_dayparts(row.dayparts.as_deref()),
            brand: brand::in_force_json(row.brand.as_deref()),
        }
    }
}

/// A named JSON document row (content, playlist, layout, rule).
#[derive(sqlx::FromRow)]
pub struct DocRow {
    pub id: i64,
    pub name: String,
    pub body: String,
}

/// Turns a stored document into its wire type: the body plus `id` and `name`.
pub fn decode_doc<T: DeserializeOwned>(row: &DocRow) -> DbResult<T> {
    let mut value: serde_json::Value = serde_json::from_str(&row.body)
        .map_err(|e| DbError::Other(sqlx::Error::Decode(Box::new(e))))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("id".into(), row.id.into());
        object.insert("name".into(), row.name.clone().into());
    }
    serde_json::from_value(value).map_err(|e| DbError::Other(sqlx::Error::Decode(Box::new(e))))
}

/// Everything of one organization that can appear in a manifest.
pub struct OrgSnapshot {
    screens: Vec<ScreenRow>,
    /// The stores of `screens`, by id.
    stores: HashMap<i64, StoreSettings>,
    groups: HashMap<i64, Vec<GroupId>>,
    tags: HashMap<i64, Vec<String>>,
    layouts: BTreeMap<LayoutId, Layout>,
    playlists: BTreeMap<PlaylistId, Playlist>,
    content: BTreeMap<ContentId, ContentItem>,
    rules: Vec<ScheduleRule>,
    /// The last good data of every feed that has some.
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    /// Each store's own prices of menus (`domain::store_prices`), by store and menu.
    prices: HashMap<i64, BTreeMap<ContentId, Vec<PriceOverride>>>,
    /// Approved reviews, newest first, for reviews content (`domain::customers::feedback`).
    reviews: Vec<ApprovedReview>,
    /// Some reviews content shows only the screen's own store's reviews.
    reviews_per_store: bool,
}

const SCREEN_COLUMNS: &str = "s.id, s.store_id, s.name, s.orientation, s.default_layout_id, \
     s.heartbeat_secs, s.manifest_version, s.manifest_hash, \
     s.sleep_when_closed, s.wake_minutes_before, s.wall";

impl OrgSnapshot {
    pub async fn load(ex: &mut Tx, org: OrgId) -> DbResult<OrgSnapshot> {
        Self::load_screens(ex, org, None).await
    }

    /// Like [`load`](Self::load), with only the screens in `only` (all when `None`).
    async fn load_screens(
        ex: &mut Tx,
        org: OrgId,
        only: Option<&[ScreenId]>,
    ) -> DbResult<OrgSnapshot> {
        // Ids are integers: inlined, they need no bind list of variable length.
        let among = |column: &str| match only {
            None => String::new(),
            Some(ids) => {
                let ids: Vec<String> = ids.iter().map(|id| id.0.to_string()).collect();
                format!(" AND {column} IN ({})", ids.join(", "))
            }
        };
        let screens: Vec<ScreenRow> = sql(format!(
            "SELECT {SCREEN_COLUMNS} FROM screens s WHERE s.org_id = $1{} ORDER BY s.id",
            among("s.id")
        ))
        .bind(org.0)
        .fetch_all(&mut *ex)
        .await?;
        let stores: Vec<StoreRow> = sql(
            "SELECT st.id, st.timezone, st.hours AS store_hours, o.hours AS org_hours, \
             COALESCE(st.dayparts, o.dayparts) AS dayparts, \
             COALESCE(st.brand, o.brand) AS brand \
             FROM stores st JOIN orgs o ON o.id = st.org_id WHERE st.org_id = $1",
        )
        .bind(org.0)
        .fetch_all(&mut *ex)
        .await?;
        let stores: HashMap<i64, StoreSettings> =
            stores.into_iter().map(|row| (row.id, row.into())).collect();
        // A screen always has its store (a foreign key); the join this replaces said so too.
        let screens = screens
            .into_iter()
            .filter(|screen| stores.contains_key(&screen.store_id))
            .collect();
        let mut groups: HashMap<i64, Vec<GroupId>> = HashMap::new();
        let rows: Vec<(i64, i64)> = sql(format!(
            "SELECT m.screen_id, m.group_id FROM group_members m \
             JOIN screen_groups g ON g.id = m.group_id WHERE g.org_id = $1{}",
            among("m.screen_id")
        ))
        .bind(org.0)
        .fetch_all(&mut *ex)
        .await?;
        for (screen, group) in rows {
            groups.entry(screen).or_default().push(GroupId(group));
        }
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        let rows: Vec<(i64, String)> = sql(format!(
            "SELECT t.screen_id, t.tag FROM screen_tags t \
             JOIN screens s ON s.id = t.screen_id WHERE s.org_id = $1{}",
            among("t.screen_id")
        ))
        .bind(org.0)
        .fetch_all(&mut *ex)
        .await?;
        for (screen, tag) in rows {
            tags.entry(screen).or_default().push(tag);
        }
        let content: BTreeMap<ContentId, ContentItem> =
            load_docs(ex, "content", org, |c: &ContentItem| c.id).await?;
        let reviews_per_store = content.values().any(|c| {
            matches!(
                c.kind,
                ContentKind::Reviews {
                    own_store: true,
                    ..
                }
            )
        });
        Ok(OrgSnapshot {
            screens,
            stores,
            groups,
            tags,
            layouts: load_docs(ex, "layouts", org, |l: &Layout| l.id).await?,
            playlists: load_docs(ex, "playlists", org, |p: &Playlist| p.id).await?,
            content,
            reviews_per_store,
            rules: load_docs(ex, "rules", org, |r: &ScheduleRule| r.id)
                .await?
                .into_values()
                .collect(),
            feeds: crate::domain::feeds::snapshots(ex, org).await?,
            prices: load_prices(ex, org).await?,
            reviews: crate::domain::customers::feedback::approved(ex, org).await?,
        })
    }

    /// The row of `screen`, if it belongs to this organization (rows are ordered by id).
    fn screen(&self, screen: ScreenId) -> Option<&ScreenRow> {
        let at = self
            .screens
            .binary_search_by_key(&screen.0, |row| row.id)
            .ok()?;
        Some(&self.screens[at])
    }

    /// The indices of the rules whose scope includes `screen`.
    fn rules_for(&self, screen: &ScreenRow) -> Vec<usize> {
        let groups = self
            .groups
            .get(&screen.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let tags = self.tags.get(&screen.id).map(Vec::as_slice).unwrap_or(&[]);
        let (id, store) = (ScreenId(screen.id), StoreId(screen.store_id));
        (0..self.rules.len())
            .filter(|&i| self.rules[i].scope.applies_to(id, store, groups, tags))
            .collect()
    }

    /// Everything a manifest holds besides the screen's own settings. Screens with the same
    /// rules and default layout get the same body, unless their stores price menus their own
    /// way or show their own reviews: `store` is then the screen's store ([`Self::store_key`]).
    fn body(&self, rules: &[usize], default_layout: Option<LayoutId>, store: Option<i64>) -> Body {
        let rules: Vec<ScheduleRule> = rules.iter().map(|&i| self.rules[i].clone()).collect();
        let mut layout_ids: BTreeSet<LayoutId> = default_layout.into_iter().collect();
        let mut playlist_ids = BTreeSet::new();
        for rule in &rules {
            match rule.target {
                Target::Layout(id) => layout_ids.insert(id),
                Target::Playlist(id) => playlist_ids.insert(id),
            };
        }
        let layouts: Vec<Layout> = layout_ids
            .iter()
            .filter_map(|id| self.layouts.get(id).cloned())
            .collect();
        playlist_ids.extend(
            layouts
                .iter()
                .flat_map(|l| l.zones.iter().map(|z| z.playlist)),
        );
        let playlists: Vec<Playlist> = playlist_ids
            .iter()
            .filter_map(|id| self.playlists.get(id).cloned())
            .collect();
        let content_ids: BTreeSet<ContentId> = playlists
            .iter()
            .flat_map(|p| p.entries.iter().map(|e| e.content))
            .collect();
        let mut content: Vec<ContentItem> = content_ids
            .iter()
            .filter_map(|id| self.content.get(id).cloned())
            .collect();
        if let Some(prices) = store.and_then(|s| self.prices.get(&s)) {
            for item in &mut content {
                if let (ContentKind::MenuBoard { menu }, Some(overrides)) =
                    (&mut item.kind, prices.get(&item.id))
                {
                    crate::domain::store_prices::apply(menu, overrides);
                }
            }
        }
        crate::domain::customers::feedback::fill_reviews(&mut content, &self.reviews, store);
        let feeds = self.feeds_for(&content);
        Body {
            layouts,
            playlists,
            content,
            rules,
            feeds,
        }
    }

    /// The snapshots of exactly the feeds `content` shows, each cut to what its users need:
    /// news to the most items a ticker takes, currency to the symbols the boards list (all,
    /// when a board lists none). A feed without data yet is left out.
    fn feeds_for(&self, content: &[ContentItem]) -> Vec<FeedSnapshot> {
        /// How much of one feed the content uses; `None` is all of it.
        #[derive(Default)]
        struct Use {
            items: Option<usize>,
            symbols: Option<BTreeSet<String>>,
            all_symbols: bool,
        }
        let mut uses: BTreeMap<FeedId, Use> = BTreeMap::new();
        for item in content {
            match &item.kind {
                ContentKind::Ticker {
                    source: TickerSource::Feed { feed, max_items },
                    ..
                } => {
                    let used = uses.entry(*feed).or_default();
                    used.items = Some(used.items.unwrap_or(0).max(*max_items as usize));
                }
                ContentKind::Weather { feed, .. } => {
                    uses.entry(*feed).or_default();
                }
                ContentKind::CurrencyBoard { feed, symbols, .. } => {
                    let used = uses.entry(*feed).or_default();
                    if symbols.is_empty() {
                        used.all_symbols = true;
                    } else {
                        used.symbols
                            .get_or_insert_with(BTreeSet::new)
                            .extend(symbols.iter().cloned());
                    }
                }
                _ => {}
            }
        }
        uses.into_iter()
            .filter_map(|(feed, used)| {
                let mut snapshot = self.feeds.get(&feed)?.clone();
                match &mut snapshot.data {
                    FeedData::News { items } => {
                        if let Some(max) = used.items {
                            items.truncate(max);
                        }
                    }
                    FeedData::Currency { rates } => {
                        if let (Some(symbols), false) = (&used.symbols, used.all_symbols) {
                            rates.retain(|r| symbols.contains(&r.symbol));
                        }
                    }
                    FeedData::Weather(_) => {}
                }
                Some(snapshot)
            })
            .collect()
    }

    fn settings(&self, screen: &ScreenRow) -> ScreenSettings {
        let store = &self.stores[&screen.store_id];
        ScreenSettings {
            id: ScreenId(screen.id),
            name: screen.name.clone(),
            store: StoreId(screen.store_id),
            timezone: store.timezone.clone(),
            orientation: parse_orientation(&screen.orientation),
            default_layout: screen.default_layout_id.map(LayoutId),
            heartbeat_secs: screen.heartbeat_secs as u32,
            hours: store.hours.clone(),
            dayparts: store.dayparts.clone(),
            power: PowerSchedule {
                sleep_when_closed: screen.sleep_when_closed,
                wake_minutes_before: screen.wake_minutes_before.clamp(0, 120) as u16,
            },
            brand: store.brand.clone(),
            wall: screen
                .wall
                .as_deref()
                .and_then(|w| serde_json::from_str(w).ok()),
        }
    }

    /// The screen's store when its body depends on it: the store has menu prices of its own,
    /// or some reviews content shows only the screen's own store's reviews.
    fn store_key(&self, screen: &ScreenRow) -> Option<i64> {
        (self.reviews_per_store || self.prices.contains_key(&screen.store_id))
            .then_some(screen.store_id)
    }

    /// The manifest of one screen of this organization.
    /// QR promos get the screen's tracked link under `base` (`crate::promo`): the link is a
    /// function of the promo and screen ids, so the manifest hash already covers it.
    fn build(&self, screen: &ScreenRow, server_time: Timestamp, base: &str) -> Manifest {
        let mut body = self.body(
            &self.rules_for(screen),
            screen.default_layout_id.map(LayoutId),
            self.store_key(screen),
        );
        crate::domain::promo::track(&mut body.content, base, ScreenId(screen.id));
        Manifest {
            api_version: vitrin_shared::API_VERSION,
            version: screen.manifest_version as u64,
            server_time,
            screen: self.settings(screen),
            layouts: body.layouts,
            playlists: body.playlists,
            content: body.content,
            rules: body.rules,
            feeds: body.feeds,
        }
    }

    /// sha256 of everything in each screen's manifest except its version and clock. Bodies
    /// are hashed once per distinct (rules, default layout): a franchise's screens mostly
    /// share them, so a write costs one serialization per variant, not per screen.
    fn hashes(&self) -> Vec<String> {
        type BodyKey = (Vec<usize>, Option<i64>, Option<i64>);
        let mut bodies: HashMap<BodyKey, [u8; 32]> = HashMap::new();
        self.screens
            .iter()
            .map(|screen| {
                let key = (
                    self.rules_for(screen),
                    screen.default_layout_id,
                    self.store_key(screen),
                );
                let body = *bodies
                    .entry(key)
                    .or_insert_with_key(|(rules, layout, store)| {
                        let body = self.body(rules, layout.map(LayoutId), *store);
                        Sha256::digest(serde_json::to_vec(&body).expect("bodies serialize")).into()
                    });
                let settings = serde_json::to_vec(&self.settings(screen)).expect("serializes");
                let mut hasher = Sha256::new();
                hasher.update(vitrin_shared::API_VERSION.to_be_bytes());
                hasher.update(&settings);
                hasher.update(body);
                hex::encode(hasher.finalize())
            })
            .collect()
    }
}

/// The part of a manifest that screens can share.
#[derive(serde::Serialize)]
struct Body {
    layouts: Vec<Layout>,
    playlists: Vec<Playlist>,
    content: Vec<ContentItem>,
    rules: Vec<ScheduleRule>,
    feeds: Vec<FeedSnapshot>,
}

pub fn parse_orientation(s: &str) -> Orientation {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or_default()
}

/// Every store's own menu prices in `org`, by store and menu.
async fn load_prices(
    ex: &mut Tx,
    org: OrgId,
) -> DbResult<HashMap<i64, BTreeMap<ContentId, Vec<PriceOverride>>>> {
    let rows: Vec<(i64, i64, String, String, Option<i64>, bool)> = sql(
        "SELECT p.store_id, p.content_id, p.item_key, p.variant, p.price, p.sold_out \
         FROM store_prices p JOIN stores st ON st.id = p.store_id WHERE st.org_id = $1 \
         ORDER BY p.store_id, p.content_id, p.item_key, p.variant",
    )
    .bind(org.0)
    .fetch_all(&mut *ex)
    .await?;
    let mut prices: HashMap<i64, BTreeMap<ContentId, Vec<PriceOverride>>> = HashMap::new();
    for (store, content, item, variant, price, sold_out) in rows {
        prices
            .entry(store)
            .or_default()
            .entry(ContentId(content))
            .or_default()
            .push(PriceOverride {
                item,
                variant,
                price,
                sold_out,
            });
    }
    Ok(prices)
}

async fn load_docs<T: DeserializeOwned, K: Ord>(
    ex: &mut Tx,
    table: &str,
    org: OrgId,
    key: impl Fn(&T) -> K,
) -> DbResult<BTreeMap<K, T>> {
    let rows: Vec<DocRow> = sql(format!(
        "SELECT id, name, body FROM {table} WHERE org_id = $1 ORDER BY id"
    ))
    .bind(org.0)
    .fetch_all(&mut *ex)
    .await?;
    rows.iter()
        .map(|row| decode_doc(row).map(|doc: T| (key(&doc), doc)))
        .collect()
}

/// Makes concurrent write transactions of one organization take turns from here until they
/// end. SQLite already allows one writer at a time; PostgreSQL takes a transaction-scoped
/// advisory lock (taking it again in the same transaction is free).
pub async fn writers_take_turns(tx: &mut Tx, org: OrgId) -> DbResult<()> {
    if let Tx::Postgres(_) = tx {
        sql("SELECT pg_advisory_xact_lock($1)")
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Rebuilds the manifests of `org`'s screens inside `tx` and bumps those that changed. A
/// write that can only alter some screens' manifests (their own row, tags or groups) names
/// them in `only`, so adding the 10,000th screen does not rebuild the other 9,999.
pub async fn bump_changed(
    tx: &mut Tx,
    org: OrgId,
    only: Option<&[ScreenId]>,
) -> DbResult<Vec<ScreenId>> {
    // Each compares against the hash the previous writer stored.
    writers_take_turns(tx, org).await?;
    let snapshot = OrgSnapshot::load_screens(tx, org, only).await?;
    let mut changed = Vec::new();
    let mut bumped = Vec::new();
    for (screen, hash) in snapshot.screens.iter().zip(snapshot.hashes()) {
        if hash != screen.manifest_hash {
            // A brand-new screen has an empty hash: it starts at version 1, not 2.
            let step = i64::from(!screen.manifest_hash.is_empty());
            changed.push((screen.id, step, hash));
            if step == 1 {
                bumped.push(ScreenId(screen.id));
            }
        }
    }
    // A publish touching every screen of a franchise changes thousands of rows: a statement
    // per row kept the row locks (and the push streams waiting on them) for seconds on
    // PostgreSQL (20,000 screens, `vitrin-load scale`).
    for chunk in changed.chunks(UPDATE_ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        // VALUES names its columns column1, column2, … in both engines.
        let mut update = sql(format!(
            "UPDATE screens SET manifest_version = manifest_version + v.column2, \
             manifest_hash = v.column3 FROM (VALUES {}) AS v WHERE screens.id = v.column1",
            rows.join(", ")
        ));
        for (id, step, hash) in chunk {
            update = update.bind(*id).bind(*step).bind(hash.clone());
        }
        update.execute(&mut *tx).await?;
    }
    Ok(bumped)
}

/// Screens per batched manifest update: three arguments each, well under either engine's
/// limit on the arguments of one statement.
const UPDATE_ROWS: usize = 1000;

/// The manifest a screen gets now, or `None` when the screen is not in `org`. `base` is where
/// tracked QR links point (`crate::domain::promo::public_base`).
pub async fn for_screen(
    db: &Db,
    org: OrgId,
    screen: ScreenId,
    base: &str,
) -> DbResult<Option<Manifest>> {
    // One read transaction: the snapshot is consistent even while someone publishes.
    let mut tx = db.begin_read().await?;
    let snapshot = OrgSnapshot::load(&mut tx, org).await?;
    tx.commit().await?;
    Ok(snapshot
        .screen(screen)
        .map(|row| snapshot.build(row, Timestamp::now(), base)))
}

/// The screens of `org` that a rule with `scope` reaches.
pub async fn screens_in_scope(tx: &mut Tx, org: OrgId, scope: &Scope) -> DbResult<Vec<ScreenId>> {
    let snapshot = OrgSnapshot::load(tx, org).await?;
    Ok(snapshot
        .screens
        .iter()
        .filter(|screen| {
            let groups = snapshot
                .groups
                .get(&screen.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let tags = snapshot
                .tags
                .get(&screen.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            scope.applies_to(ScreenId(screen.id), StoreId(screen.store_id), groups, tags)
        })
        .map(|screen| ScreenId(screen.id))
        .collect())
}

/// The distinct stores of some screens.
pub async fn stores_of(tx: &mut Tx, screens: &[ScreenId]) -> DbResult<Vec<StoreId>> {
    let mut stores = BTreeSet::new();
    for screen in screens {
        let (store,): (i64,) = sql("SELECT store_id FROM screens WHERE id = $1")
            .bind(screen.0)
            .fetch_one(&mut *tx)
            .await?;
        stores.insert(StoreId(store));
    }
    Ok(stores.into_iter().collect())
}

/// Organization snapshots kept by this instance for serving manifests. After a publish every
/// screen of a franchise fetches its manifest at about the same moment; loading the whole
/// organization once per screen made that quadratic (1,000 screens: 1,000 loads of 1,000
/// screens). A cached snapshot is used for a screen only while its row carries the screen's
/// current (version, hash): the hash covers everything a manifest holds but its version and
/// clock, so what is served is exactly what a fresh load would build, and nothing needs
/// invalidating.
#[derive(Default)]
pub struct SnapshotCache {
    orgs: Mutex<HashMap<i64, Arc<OrgSnapshot>>>,
    /// One load at a time per organization: the screens that missed wait for it and then hit.
    loading: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    loads: std::sync::atomic::AtomicU64,
}

impl SnapshotCache {
    /// The manifest of `screen` in `org` and its hash, for a screen whose current manifest is
    /// `known` = (version, hash); `None` when the screen is not in `org`. `base` is where
    /// tracked QR links point.
    pub async fn manifest(
        &self,
        db: &Db,
        org: OrgId,
        screen: ScreenId,
        known: (u64, &str),
        base: &str,
    ) -> DbResult<Option<(Manifest, String)>> {
        if let Some(found) = self.cached(org, screen, known, base) {
            return Ok(Some(found));
        }
        let gate = self
            .loading
            .lock()
            .expect("snapshot gate lock")
            .entry(org.0)
            .or_default()
            .clone();
        let _turn = gate.lock().await;
        if let Some(found) = self.cached(org, screen, known, base) {
            return Ok(Some(found)); // loaded by the screen that went first
        }
        let mut tx = db.begin_read().await?;
        let snapshot = Arc::new(OrgSnapshot::load(&mut tx, org).await?);
        tx.commit().await?;
        self.loads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.orgs
            .lock()
            .expect("snapshot cache lock")
            .insert(org.0, snapshot.clone());
        // Fresh from the database: served whatever `known` said (that may be the stale one).
        Ok(snapshot.screen(screen).map(|row| {
            (
                snapshot.build(row, Timestamp::now(), base),
                row.manifest_hash.clone(),
            )
        }))
    }

    /// How many organization snapshots this cache has loaded from the database.
    pub fn loads(&self) -> u64 {
        self.loads.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn cached(
        &self,
        org: OrgId,
        screen: ScreenId,
        (version, hash): (u64, &str),
        base: &str,
    ) -> Option<(Manifest, String)> {
        let snapshot = self
            .orgs
            .lock()
            .expect("snapshot cache lock")
            .get(&org.0)?
            .clone();
        let row = snapshot.screen(screen)?;
        (row.manifest_version as u64 == version && row.manifest_hash == hash)
            .then(|| (snapshot.build(row, Timestamp::now(), base), hash.to_owned()))
    }
}

/// What the admin previews alone in the browser player (`/play/?preview=…`; a screen's
/// preview plays its own manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    /// One layout alone, as a screen with it as default and no rules shows it.
    Layout(LayoutId),
    /// One content item alone, full screen.
    Content(ContentId),
}

/// The manifest that shows `what` in `timezone`; `None` when it is not in `org`.
pub async fn for_preview(
    db: &Db,
    org: OrgId,
    what: Preview,
    timezone: &str,
) -> DbResult<Option<Manifest>> {
    let mut tx = db.begin_read().await?;
    let snapshot = OrgSnapshot::load(&mut tx, org).await?;
    // Previews draw with the organization's brand kit, as its screens mostly do.
    let (org_brand,): (Option<String>,) = sql("SELECT brand FROM orgs WHERE id = $1")
        .bind(org.0)
        .fetch_one(&mut tx)
        .await?;
    tx.commit().await?;
    let now = Timestamp::now();
    let settings = |name: &str, default_layout: LayoutId| ScreenSettings {
        id: ScreenId(0),
        name: name.to_owned(),
        store: StoreId(0),
        timezone: timezone.to_owned(),
        orientation: Orientation::Landscape,
        default_layout: Some(default_layout),
        heartbeat_secs: 60,
        // Shown whatever the time: a preview of one thing, not of a store's day.
        hours: None,
        dayparts: Vec::new(),
        power: PowerSchedule::default(),
        brand: brand::in_force_json(org_brand.as_deref()),
        wall: None,
    };
    let manifest = |settings: ScreenSettings, body: Body| Manifest {
        api_version: vitrin_shared::API_VERSION,
        version: 1,
        server_time: now,
        screen: settings,
        layouts: body.layouts,
        playlists: body.playlists,
        content: body.content,
        rules: body.rules,
        feeds: body.feeds,
    };
    Ok(match what {
        Preview::Layout(id) => snapshot.layouts.get(&id).map(|layout| {
            manifest(
                settings(&layout.name, id),
                snapshot.body(&[], Some(id), None),
            )
        }),
        Preview::Content(id) => snapshot.content.get(&id).map(|item| {
            let (layout, body) = snapshot.alone(item.clone());
            manifest(settings(&item.name, layout), body)
        }),
    })
}

impl OrgSnapshot {
    /// `item` alone, full screen: a layout and playlist of its own (id 0: no stored one has
    /// it). Returns the layout's id and the body.
    fn alone(&self, item: ContentItem) -> (LayoutId, Body) {
        let (layout, playlist) = (LayoutId(0), PlaylistId(0));
        let content = vec![item];
        let item = &content[0];
        let body = Body {
            // Built from its wire form, whatever optional parts a layout grows.
            layouts: vec![
                serde_json::from_value(serde_json::json!({
                    "id": layout,
                    "name": item.name,
                    "template": Template::Fullscreen,
                    "zones": [ZoneBinding { zone: "main".into(), playlist }],
                }))
                .expect("a fullscreen layout"),
            ],
            playlists: vec![Playlist {
                id: playlist,
                name: item.name.clone(),
                entries: vec![PlaylistEntry {
                    content: item.id,
                    duration_ms: 24 * 3600 * 1000,
                    transition: Transition::Cut,
                    valid_from: None,
                    valid_until: None,
                }],
            }],
            feeds: self.feeds_for(&content),
            content,
            rules: Vec::new(),
        };
        (layout, body)
    }
}

/// The menu board the brand page previews when the organization has none (id 0).
fn sample_menu() -> ContentItem {
    serde_json::from_value(serde_json::json!({
        "id": 0,
        "name": "منوی امروز · Today's menu",
        "type": "menu_board",
        "menu": {
            "title": "منوی امروز",
            "unit": "toman",
            "categories": [
                {"name": "نوشیدنی گرم", "items": [
                    {"name": "اسپرسو", "description": "دو شات، دانه‌ی عربیکا", "price": 65000},
                    {"name": "کاپوچینو", "description": "شیر بخارپز و فوم", "price": 85000},
                    {"name": "چای زعفرانی", "price": 45000}
                ]},
                {"name": "کیک و شیرینی", "items": [
                    {"name": "چیزکیک", "description": "با سس توت‌فرنگی", "price": 120000},
                    {"name": "کیک شکلاتی", "price": 110000},
                    {"name": "Croissant", "price": 70000, "sold_out": true}
                ]}
            ]
        }
    }))
    .expect("the sample menu is a menu board")
}

/// What the admin's brand page previews: a menu board (`menu`; else the organization's first
/// one; else a sample) alone, full screen, drawn with `kit`. `None` when `menu` is not a menu
/// board of `org`.
pub async fn for_brand_preview(
    db: &Db,
    org: OrgId,
    menu: Option<ContentId>,
    kit: vitrin_shared::brand::BrandKit,
    timezone: &str,
) -> DbResult<Option<Manifest>> {
    let mut tx = db.begin_read().await?;
    let snapshot = OrgSnapshot::load(&mut tx, org).await?;
    tx.commit().await?;
    let is_menu = |item: &&ContentItem| matches!(item.kind, ContentKind::MenuBoard { .. });
    let item = match menu {
        Some(id) => match snapshot.content.get(&id).filter(is_menu) {
            Some(item) => item.clone(),
            None => return Ok(None),
        },
        None => snapshot
            .content
            .values()
            .find(is_menu)
            .cloned()
            .unwrap_or_else(sample_menu),
    };
    let name = item.name.clone();
    let (layout, body) = snapshot.alone(item);
    Ok(Some(Manifest {
        api_version: vitrin_shared::API_VERSION,
        version: 1,
        server_time: Timestamp::now(),
        screen: ScreenSettings {
            id: ScreenId(0),
            name,
            store: StoreId(0),
            timezone: timezone.to_owned(),
            orientation: Orientation::Landscape,
            default_layout: Some(layout),
            heartbeat_secs: 60,
            hours: None,
            dayparts: Vec::new(),
            power: PowerSchedule::default(),
            brand: kit,
            wall: None,
        },
        layouts: body.layouts,
        playlists: body.playlists,
        content: body.content,
        rules: body.rules,
        feeds: body.feeds,
    }))
}

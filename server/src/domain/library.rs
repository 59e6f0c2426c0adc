//! The content library: content items, playlists, layouts and schedule rules. All four are
//! named JSON documents of the organization whose wire type lives in `shared`; one generic
//! implementation stores them, checks their references and keeps the `refs` table current.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use jiff::tz::TimeZone;
use serde::Serialize;
use serde::de::DeserializeOwned;
use vitrin_shared::content::{ContentItem, ContentKind, MediaRef};
use vitrin_shared::ids::{
    ContentId, GroupId, LayoutId, OrgId, PlaylistId, RuleId, ScreenId, StoreId,
};
use vitrin_shared::layout::Layout;
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::{RuleKind, ScheduleRule, Scope, StoreTime, Target, ties};
use vitrin_shared::{Accept, ValidationErrors};

use crate::auth::{Principal, Role};
use crate::changes::{Audit, Change};
use crate::db::{DbResult, Ex, Tx, now_ms, sql};
use crate::domain::store_time;
use crate::error::{ApiError, ApiResult, RuleTie};
use crate::manifest::{DocRow, decode_doc};
use crate::refs::{self, Ref};
use crate::state::AppState;

/// A library document type.
pub trait Doc: Serialize + DeserializeOwned + Accept + Send + Sync + 'static {
    /// Table name, also the `refs` kind and the audit object type.
    const TABLE: &'static str;
    const KIND: &'static str;

    fn id(&self) -> i64;
    fn set_id(&mut self, id: i64);
    fn name(&self) -> &str;

    /// Whether `principal` may create, change or delete this particular document (beyond the
    /// general right to edit content).
    fn may_edit(&self, _principal: &Principal) -> bool {
        true
    }

    /// The screens a document is for, when it is for some screens only (schedule rules):
    /// a store manager sees it only when it reaches one of their stores.
    fn scope(&self) -> Option<&Scope> {
        None
    }

    /// Checks that everything the document points at exists in `org` (and may be used by
    /// `principal`), completes what the server knows better than the client, and returns the
    /// references to record.
    fn resolve(
        &mut self,
        tx: &mut Tx,
        org: OrgId,
        principal: &Principal,
    ) -> impl Future<Output = ApiResult<Vec<Ref>>> + Send;
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
}

/// Parses a request body as `T`; `id` is the server's to choose, so any given one is ignored.
fn parse<T: Doc>(mut body: serde_json::Value, id: i64) -> ApiResult<T> {
    let object = body
        .as_object_mut()
        .ok_or_else(|| ApiError::field("body", "invalid", "expected a JSON object"))?;
    object.insert("id".into(), id.into());
    serde_json::from_value(body).map_err(|e| ApiError::field("body", "invalid", e.to_string()))
}

/// What is stored: the wire form without `id` and `name`, which have columns of their own.
pub(crate) fn body_of<T: Doc>(doc: &T) -> String {
    let mut value = serde_json::to_value(doc).expect("documents serialize");
    if let Some(object) = value.as_object_mut() {
        object.remove("id");
        object.remove("name");
    }
    value.to_string()
}

pub async fn list<T: Doc>(state: &AppState, principal: &Principal) -> ApiResult<Vec<T>> {
    let rows: Vec<DocRow> = sql(format!(
        "SELECT id, name, body FROM {} WHERE org_id = $1 ORDER BY name, id",
        T::TABLE
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?;
    let docs: Vec<T> = rows.iter().map(decode_doc).collect::<DbResult<_>>()?;
    if docs.iter().all(|doc| doc.scope().is_none()) {
        return Ok(docs);
    }
    match OwnStores::of(&state.db, principal).await? {
        Some(own) => Ok(docs.into_iter().filter(|doc| own.see(doc)).collect()),
        None => Ok(docs),
    }
}

pub async fn get<T: Doc>(state: &AppState, principal: &Principal, id: i64) -> ApiResult<T> {
    let doc: T = load(&state.db, principal.org, id).await?;
    ensure_visible(&state.db, principal, &doc).await?;
    Ok(doc)
}

/// A store manager's stores and the screens in them, to tell which rules reach them: the
/// others are invisible (404), as other stores are.
struct OwnStores {
    stores: Vec<StoreId>,
    /// Each screen's store, groups and tags.
    screens: HashMap<ScreenId, (StoreId, Vec<GroupId>, Vec<String>)>,
}

impl OwnStores {
    /// `None` for the roles that see the whole organization.
    async fn of<'a>(ex: impl Into<Ex<'a>>, principal: &Principal) -> DbResult<Option<OwnStores>> {
        if principal.role != Role::StoreManager {
            return Ok(None);
        }
        // One row per screen, and one per group and per tag of each screen.
        let rows: Vec<(i64, i64, String, String)> =
            sql("SELECT s.id, s.store_id, 'screen', '' FROM screens s \
               JOIN user_stores u ON u.store_id = s.store_id WHERE u.user_id = $1 \
             UNION ALL SELECT s.id, s.store_id, 'group', CAST(m.group_id AS TEXT) FROM screens s \
               JOIN user_stores u ON u.store_id = s.store_id \
               JOIN group_members m ON m.screen_id = s.id WHERE u.user_id = $1 \
             UNION ALL SELECT s.id, s.store_id, 'tag', t.tag FROM screens s \
               JOIN user_stores u ON u.store_id = s.store_id \
               JOIN screen_tags t ON t.screen_id = s.id WHERE u.user_id = $1")
            .bind(principal.user_id)
            .fetch_all(ex)
            .await?;
        let mut screens: HashMap<ScreenId, (StoreId, Vec<GroupId>, Vec<String>)> = HashMap::new();
        for (screen, store, kind, value) in rows {
            let entry = screens
                .entry(ScreenId(screen))
                .or_insert_with(|| (StoreId(store), Vec::new(), Vec::new()));
            match kind.as_str() {
                "group" => entry.1.extend(value.parse().ok().map(GroupId)),
                "tag" => entry.2.push(value),
                _ => {}
            }
        }
        Ok(Some(OwnStores {
            stores: principal.stores.clone(),
            screens,
        }))
    }

    fn see<T: Doc>(&self, doc: &T) -> bool {
        let Some(scope) = doc.scope() else {
            return true;
        };
        scope.all
            || scope.stores.iter().any(|s| self.stores.contains(s))
            || self
                .screens
                .iter()
                .any(|(id, (store, groups, tags))| scope.applies_to(*id, *store, groups, tags))
    }
}

/// 404 for a document `principal` may not see (see [`OwnStores`]).
async fn ensure_visible<'a, T: Doc>(
    ex: impl Into<Ex<'a>>,
    principal: &Principal,
    doc: &T,
) -> ApiResult<()> {
    if doc.scope().is_none() {
        return Ok(());
    }
    match OwnStores::of(ex, principal).await? {
        Some(own) if !own.see(doc) => Err(ApiError::NotFound),
        _ => Ok(()),
    }
}

/// A document of `org`, or 404.
async fn load<'a, T: Doc>(ex: impl Into<Ex<'a>>, org: OrgId, id: i64) -> ApiResult<T> {
    let row: DocRow = sql(format!(
        "SELECT id, name, body FROM {} WHERE org_id = $1 AND id = $2",
        T::TABLE
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(ex)
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(decode_doc(&row)?)
}

/// Creates (`id == None`) or replaces a document, in a change of its own.
pub async fn save<T: Doc>(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    body: serde_json::Value,
) -> ApiResult<(Saved, T)> {
    let mut change = Change::begin(state, principal).await?;
    let (status, doc) = save_in::<T>(&mut change, id, body).await?;
    let action = if status == Saved::Created {
        "create"
    } else {
        "update"
    };
    change
        .commit(Audit::of(
            action,
            T::KIND,
            doc.id(),
            format!("{action} {} '{}'", T::KIND, doc.name()),
        ))
        .await?;
    Ok((status, doc))
}

/// Creates or replaces a document inside `change`, which the caller commits (so several
/// documents can land together, or not at all).
pub async fn save_in<T: Doc>(
    change: &mut Change<'_>,
    id: Option<i64>,
    body: serde_json::Value,
) -> ApiResult<(Saved, T)> {
    let principal = change.principal;
    let org = principal.org;
    if let Some(id) = id {
        // Another organization's document (or another store's rule) is 404 before it is 403.
        let existing: T = load(change.ex(), org, id).await?;
        ensure_visible(change.ex(), principal, &existing).await?;
        principal.require(existing.may_edit(principal))?;
    }
    principal.require(principal.can_edit_content())?;
    let mut doc: T = parse(body, id.unwrap_or(0))?;
    // The one place library input is normalised and checked, whichever way it came.
    doc.accept(jiff::Timestamp::now())?;
    principal.require(doc.may_edit(principal))?;
    let now = now_ms();
    let status = match id {
        None => {
            let new_id = sql(format!(
                "INSERT INTO {} (org_id, name, body, created_at, updated_at) \
                 VALUES ($1, $2, '{{}}', $3, $3) RETURNING id",
                T::TABLE
            ))
            .bind(org.0)
            .bind(doc.name())
            .bind(now)
            .fetch_i64(change.ex())
            .await?;
            doc.set_id(new_id);
            Saved::Created
        }
        Some(id) => {
            sql(format!(
                "UPDATE {} SET name = $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
                T::TABLE
            ))
            .bind(doc.name())
            .bind(now)
            .bind(org.0)
            .bind(id)
            .execute(change.ex())
            .await?;
            Saved::Updated
        }
    };
    let references = doc.resolve(&mut change.tx, org, principal).await?;
    sql(format!("UPDATE {} SET body = $1 WHERE id = $2", T::TABLE))
        .bind(body_of(&doc))
        .bind(doc.id())
        .execute(change.ex())
        .await?;
    refs::set(&mut change.tx, org, T::KIND, doc.id(), &references).await?;
    Ok((status, doc))
}

/// Deletes a document in a change of its own; 409 while something uses it.
pub async fn delete<T: Doc>(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let mut change = Change::begin(state, principal).await?;
    let doc: T = delete_in(&mut change, id).await?;
    change
        .commit(Audit::of(
            "delete",
            T::KIND,
            id,
            format!("delete {} '{}'", T::KIND, doc.name()),
        ))
        .await?;
    Ok(())
}

/// Deletes a document inside `change`; returns what it was.
pub async fn delete_in<T: Doc>(change: &mut Change<'_>, id: i64) -> ApiResult<T> {
    let principal = change.principal;
    let org = principal.org;
    let doc: T = load(change.ex(), org, id).await?;
    ensure_visible(change.ex(), principal, &doc).await?;
    principal.require(principal.can_edit_content() && doc.may_edit(principal))?;
    refs::ensure_unused(&mut change.tx, org, T::KIND, &id.to_string()).await?;
    sql(format!("DELETE FROM {} WHERE id = $1", T::TABLE))
        .bind(id)
        .execute(change.ex())
        .await?;
    refs::clear(&mut change.tx, T::KIND, id).await?;
    Ok(doc)
}

/// Ids of one table that exist in `org`.
async fn ids_in(tx: &mut Tx, table: &str, org: OrgId) -> DbResult<HashSet<i64>> {
    let rows: Vec<(i64,)> = sql(format!("SELECT id FROM {table} WHERE org_id = $1"))
        .bind(org.0)
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[derive(sqlx::FromRow)]
struct MediaRow {
    kind: String,
    mime: String,
    size: i64,
    width: i64,
    height: i64,
    duration_ms: Option<i64>,
}

/// Every media reference of a content item, with the field path it sits at and the kind of
/// media it must be (`None`: a picture or a video would do).
fn media_of(kind: &mut ContentKind) -> Vec<(String, &'static str, &mut MediaRef)> {
    match kind {
        ContentKind::Image { media, .. } => vec![("media".into(), "image", media)],
        ContentKind::Video { media, .. } => vec![("media".into(), "video", media)],
        ContentKind::MenuBoard { menu } => menu
            .categories
            .iter_mut()
            .enumerate()
            .flat_map(|(c, category)| {
                category
                    .items
                    .iter_mut()
                    .enumerate()
                    .filter_map(move |(i, item)| {
                        item.image
                            .as_mut()
                            .map(|m| (format!("menu.categories.{c}.items.{i}.image"), "image", m))
                    })
            })
            .collect(),
        ContentKind::QrPromo { image, .. } => image
            .iter_mut()
            .map(|m| ("image".into(), "image", m))
            .collect(),
        _ => Vec::new(),
    }
}

/// `id`, `set_id` and `name` of a wire type with `id: $Id` and `name: String` fields.
macro_rules! doc_identity {
    ($id:ident) => {
        fn id(&self) -> i64 {
            self.id.0
        }
        fn set_id(&mut self, id: i64) {
            self.id = $id(id);
        }
        fn name(&self) -> &str {
            &self.name
        }
    };
}

impl Doc for ContentItem {
    const TABLE: &'static str = "content";
    const KIND: &'static str = "content";

    doc_identity!(ContentId);

    async fn resolve(
        &mut self,
        tx: &mut Tx,
        org: OrgId,
        _principal: &Principal,
    ) -> ApiResult<Vec<Ref>> {
        let mut errors = ValidationErrors::new();
        let mut references = Vec::new();
        for (field, want, media) in media_of(&mut self.kind) {
            let row: Option<MediaRow> = sql(
                "SELECT kind, mime, size, width, height, duration_ms FROM media \
                 WHERE org_id = $1 AND sha256 = $2",
            )
            .bind(org.0)
            .bind(&media.sha256)
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                None => errors.add(
                    format!("{field}.sha256"),
                    "unknown_media",
                    "no media with this sha256 in your library; upload it first",
                ),
                Some(row) if row.kind != want => errors.add(
                    format!("{field}.sha256"),
                    "wrong_media_kind",
                    format!("this field needs an {want}, the media is a {}", row.kind),
                ),
                Some(row) => {
                    // The library's facts, not the client's claims, travel to the players.
                    media.mime = row.mime;
                    media.size = row.size as u64;
                    media.width = Some(row.width as u32);
                    media.height = Some(row.height as u32);
                    media.duration_ms = row.duration_ms.map(|d| d as u64);
                    references.push(("media", media.sha256.clone()));
                }
            }
        }
        if let Some((feed, want)) = self.feed() {
            let kind: Option<(String,)> =
                sql("SELECT kind FROM feeds WHERE org_id = $1 AND id = $2")
                    .bind(org.0)
                    .bind(feed.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            match kind {
                None => errors.add("feed", "unknown", "no such feed"),
                Some((kind,)) if kind != want => errors.add(
                    "feed",
                    "wrong_feed_kind",
                    format!("this content shows a {want} feed, the feed is a {kind} feed"),
                ),
                Some(_) => references.push(("feed", feed.0.to_string())),
            }
        }
        errors.into_result()?;
        Ok(references)
    }
}

impl Doc for Playlist {
    const TABLE: &'static str = "playlists";
    const KIND: &'static str = "playlist";

    doc_identity!(PlaylistId);

    async fn resolve(
        &mut self,
        tx: &mut Tx,
        org: OrgId,
        _principal: &Principal,
    ) -> ApiResult<Vec<Ref>> {
        let known = ids_in(tx, "content", org).await?;
        let mut errors = ValidationErrors::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if !known.contains(&entry.content.0) {
                errors.add(
                    format!("entries.{i}.content"),
                    "unknown",
                    "no such content item",
                );
            }
        }
        errors.into_result()?;
        Ok(self
            .entries
            .iter()
            .map(|e| ("content", e.content.0.to_string()))
            .collect())
    }
}

impl Doc for Layout {
    const TABLE: &'static str = "layouts";
    const KIND: &'static str = "layout";

    doc_identity!(LayoutId);

    async fn resolve(
        &mut self,
        tx: &mut Tx,
        org: OrgId,
        _principal: &Principal,
    ) -> ApiResult<Vec<Ref>> {
        let known = ids_in(tx, "playlists", org).await?;
        let mut errors = ValidationErrors::new();
        for (i, zone) in self.zones.iter().enumerate() {
            if !known.contains(&zone.playlist.0) {
                errors.add(format!("zones.{i}.playlist"), "unknown", "no such playlist");
            }
        }
        errors.into_result()?;
        Ok(self
            .zones
            .iter()
            .map(|z| ("playlist", z.playlist.0.to_string()))
            .collect())
    }
}

impl Doc for ScheduleRule {
    const TABLE: &'static str = "rules";
    const KIND: &'static str = "rule";

    /// Emergency messages are for owners and store managers, whichever way they are made.
    fn may_edit(&self, principal: &Principal) -> bool {
        !matches!(self.kind, RuleKind::Emergency)
            || matches!(principal.role, Role::Owner | Role::StoreManager)
    }

    fn scope(&self) -> Option<&Scope> {
        Some(&self.scope)
    }

    doc_identity!(RuleId);

    async fn resolve(
        &mut self,
        tx: &mut Tx,
        org: OrgId,
        principal: &Principal,
    ) -> ApiResult<Vec<Ref>> {
        if principal.role == Role::StoreManager {
            let scope = &self.scope;
            let own_screens = screens_of_stores(tx, &principal.stores).await?;
            let inside = !scope.all
                && scope.groups.is_empty()
                && scope.tags.is_empty()
                && scope.stores.iter().all(|s| principal.stores.contains(s))
                && scope.screens.iter().all(|s| own_screens.contains(&s.0));
            principal.require(inside)?;
        }
        let mut errors = ValidationErrors::new();
        let mut references = Vec::new();
        let (table, kind, id) = match self.target {
            Target::Layout(id) => ("layouts", "layout", id.0),
            Target::Playlist(id) => ("playlists", "playlist", id.0),
        };
        if ids_in(tx, table, org).await?.contains(&id) {
            references.push((kind, id.to_string()));
        } else {
            errors.add("target.id", "unknown", format!("no such {kind}"));
        }
        let scope_parts: [(&str, &str, Vec<i64>); 3] = [
            (
                "stores",
                "store",
                self.scope.stores.iter().map(|s| s.0).collect(),
            ),
            (
                "screen_groups",
                "group",
                self.scope.groups.iter().map(|g| g.0).collect(),
            ),
            (
                "screens",
                "screen",
                self.scope.screens.iter().map(|s| s.0).collect(),
            ),
        ];
        for (table, kind, ids) in scope_parts {
            let known = ids_in(tx, table, org).await?;
            for (i, id) in ids.iter().enumerate() {
                if known.contains(id) {
                    references.push((kind, id.to_string()));
                } else {
                    let field = if kind == "group" { "groups" } else { table };
                    errors.add(
                        format!("scope.{field}.{i}"),
                        "unknown",
                        format!("no such {kind}"),
                    );
                }
            }
        }
        errors.into_result()?;
        refuse_ties(tx, org, self).await?;
        Ok(references)
    }
}

/// The organization's schedule rules but `except`, read inside `tx`.
pub async fn rules_in(tx: &mut Tx, org: OrgId, except: RuleId) -> DbResult<Vec<ScheduleRule>> {
    let rows: Vec<DocRow> = sql("SELECT id, name, body FROM rules WHERE org_id = $1 AND id <> $2")
        .bind(org.0)
        .bind(except.0)
        .fetch_all(&mut *tx)
        .await?;
    rows.iter().map(decode_doc).collect()
}

/// How far ahead a rule is checked for ties with the others.
const TIE_HORIZON_DAYS: i64 = 14;

/// Refuses a rule that would tie with another of the organization in the next two weeks, in
/// the time zone of any of its stores (a 422 on `priority`). Inside the saving transaction,
/// with the organization's writers taking turns, so two saves at once cannot both slip
/// through; and here, in the one save path, so the API, the schedule page, the franchise page
/// and emergencies are all held to it alike.
async fn refuse_ties(tx: &mut Tx, org: OrgId, rule: &ScheduleRule) -> ApiResult<()> {
    if ties::competes(&rule.kind).is_none() {
        return Ok(());
    }
    crate::manifest::writers_take_turns(tx, org).await?;
    let others = rules_in(tx, org, rule.id).await?;
    // Every distinct store context: its zone, hours and dayparts ("while open" and daypart
    // rules occur where a store says).
    // (zone, the store's hours, the organization's, the dayparts in force), as JSON.
    type Context = (String, Option<String>, Option<String>, Option<String>);
    let contexts: Vec<Context> = sql(
        "SELECT DISTINCT st.timezone, st.hours, o.hours, COALESCE(st.dayparts, o.dayparts) \
         FROM stores st JOIN orgs o ON o.id = st.org_id WHERE st.org_id = $1",
    )
    .bind(org.0)
    .fetch_all(&mut *tx)
    .await?;
    let mut contexts: Vec<(TimeZone, StoreTime)> = contexts
        .iter()
        .filter_map(|(name, own, org, dayparts)| {
            let hours = store_time::in_force_json(own.as_deref(), org.as_deref());
            let dayparts = store_time::parse_dayparts(dayparts.as_deref());
            Some((
                TimeZone::get(name).ok()?,
                StoreTime::new(hours.as_ref(), &dayparts),
            ))
        })
        .collect();
    if contexts.is_empty() {
        let dayparts = vitrin_shared::schedule::hours::default_dayparts();
        contexts.push((TimeZone::UTC, StoreTime::new(None, &dayparts)));
    }
    for (tz, store) in contexts {
        // From the start of today, so a tie is told in whole occurrences.
        let start = jiff::Timestamp::now()
            .to_zoned(tz.clone())
            .start_of_day()
            .map_or_else(|_| jiff::Timestamp::now(), |day| day.timestamp());
        let end = start + jiff::SignedDuration::from_hours(24 * TIE_HORIZON_DAYS);
        if let Some(tie) = ties::first_tie(rule, &others, start, end, &tz, &store) {
            return Err(ApiError::Tie(Box::new(RuleTie { tie, tz })));
        }
    }
    Ok(())
}

async fn screens_of_stores(
    tx: &mut Tx,
    stores: &[vitrin_shared::ids::StoreId],
) -> DbResult<HashSet<i64>> {
    let mut screens = HashSet::new();
    for store in stores {
        let rows: Vec<(i64,)> = sql("SELECT id FROM screens WHERE store_id = $1")
            .bind(store.0)
            .fetch_all(&mut *tx)
            .await?;
        screens.extend(rows.into_iter().map(|(id,)| id));
    }
    Ok(screens)
}

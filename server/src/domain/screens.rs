//! Screens: a TV or kiosk in a store, with its orientation, default layout, tags and groups.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::events::Heartbeat;
use vitrin_shared::ids::{ScreenId, StoreId};
use vitrin_shared::manifest::{Manifest, Orientation, WallTile};
use vitrin_shared::schedule::hours::PowerSchedule;
use vitrin_shared::validate::Validate;

use super::accept_name;
use crate::auth::{Principal, Role};
use crate::changes::{Audit, Change};
use crate::db::{Db, DbResult, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::manifest::{self, parse_orientation};
use crate::refs;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Screen {
    pub id: i64,
    pub store_id: i64,
    pub name: String,
    pub orientation: Orientation,
    pub default_layout_id: Option<i64>,
    pub heartbeat_secs: i64,
    /// What the panel does outside its store's opening hours.
    pub power: PowerSchedule,
    /// The screen's place in a wall of screens that play one layout across them.
    pub wall: Option<WallTile>,
    pub tags: Vec<String>,
    pub groups: Vec<i64>,
    /// Grows by one whenever what the screen should show changes.
    pub manifest_version: i64,
    /// A player holds a device token for this screen.
    pub paired: bool,
    /// Heard from within 1.1 × its heartbeat interval.
    pub online: bool,
    /// Epoch milliseconds of the last request from its player.
    pub last_seen_at: Option<i64>,
    /// The last heartbeat: player version, what it shows, cache and disk, last error.
    pub status: Option<Heartbeat>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScreenInput {
    pub store_id: i64,
    pub name: String,
    #[serde(default)]
    pub orientation: Orientation,
    /// What the screen shows when no rule applies.
    #[serde(default)]
    pub default_layout_id: Option<i64>,
    #[serde(default = "default_heartbeat")]
    pub heartbeat_secs: i64,
    /// What the panel does outside its store's opening hours (by default: sleeps, and wakes
    /// ten minutes before opening).
    #[serde(default)]
    pub power: PowerSchedule,
    /// The screen is one tile of a wall (1 to 4 screens each way; column and row from 0 at the
    /// top left): it draws its part of the layout spread over the whole wall. Absent: a
    /// screen of its own.
    #[serde(default)]
    pub wall: Option<WallTile>,
    /// Free labels ("drive-thru", "menu-wall") that rules can target across stores.
    #[serde(default)]
    pub tags: Vec<String>,
}

fn default_heartbeat() -> i64 {
    60
}

#[derive(sqlx::FromRow)]
pub(crate) struct ScreenRow {
    pub id: i64,
    pub store_id: i64,
    pub name: String,
    orientation: String,
    default_layout_id: Option<i64>,
    heartbeat_secs: i64,
    sleep_when_closed: bool,
    wake_minutes_before: i64,
    wall: Option<String>,
    manifest_version: i64,
    paired: bool,
    last_seen_at: Option<i64>,
    status: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, store_id, name, orientation, default_layout_id, heartbeat_secs, \
                       sleep_when_closed, wake_minutes_before, wall, manifest_version, (device_token_hash IS NOT NULL) AS paired, \
                       last_seen_at, status, created_at, updated_at";

/// Online means heard from within 1.1 × the expected heartbeat interval.
pub fn is_online(last_seen_at: Option<i64>, heartbeat_secs: i64, now: i64) -> bool {
    last_seen_at.is_some_and(|seen| now - seen <= heartbeat_secs * 1100)
}

impl ScreenInput {
    async fn validate(&mut self, ex: &mut Tx, principal: &Principal) -> ApiResult<()> {
        let mut errors = ValidationErrors::new();
        accept_name(&mut self.name, &mut errors);
        if !(10..=3600).contains(&self.heartbeat_secs) {
            errors.add(
                "heartbeat_secs",
                "out_of_range",
                "between 10 and 3600 seconds",
            );
        }
        let mut tags: Vec<String> = self.tags.iter().map(|t| t.trim().to_owned()).collect();
        tags.sort();
        tags.dedup();
        for (i, tag) in tags.iter().enumerate() {
            if tag.is_empty() || tag.chars().count() > 50 {
                errors.add(
                    format!("tags.{i}"),
                    "invalid",
                    "tags have 1 to 50 characters",
                );
            }
            // Tags are matched as typed (rules name them), so only refused, never rewritten.
            vitrin_shared::input::check_line(&format!("tags.{i}"), tag, &mut errors);
        }
        self.tags = tags;
        if let Err(e) = self.power.validate() {
            errors.nest("power", e);
        }
        if let Some(wall) = &self.wall {
            wall.check("wall", &mut errors);
        }
        let store = sql("SELECT COUNT(*) FROM stores WHERE org_id = $1 AND id = $2")
            .bind(principal.org.0)
            .bind(self.store_id)
            .fetch_i64(&mut *ex)
            .await?;
        if store == 0 || !principal.sees_store(StoreId(self.store_id)) {
            errors.add("store_id", "unknown", "no such store");
        }
        if let Some(layout) = self.default_layout_id {
            let found = sql("SELECT COUNT(*) FROM layouts WHERE org_id = $1 AND id = $2")
                .bind(principal.org.0)
                .bind(layout)
                .fetch_i64(&mut *ex)
                .await?;
            if found == 0 {
                errors.add("default_layout_id", "unknown", "no such layout");
            }
        }
        errors.into_result()?;
        principal.require(principal.can_manage_store(StoreId(self.store_id)))
    }
}

/// A screen row with its tags and groups.
async fn with_details(db: &Db, row: ScreenRow) -> DbResult<Screen> {
    let tags: Vec<(String,)> = sql("SELECT tag FROM screen_tags WHERE screen_id = $1 ORDER BY tag")
        .bind(row.id)
        .fetch_all(db)
        .await?;
    let groups: Vec<(i64,)> =
        sql("SELECT group_id FROM group_members WHERE screen_id = $1 ORDER BY group_id")
            .bind(row.id)
            .fetch_all(db)
            .await?;
    Ok(Screen {
        id: row.id,
        store_id: row.store_id,
        name: row.name,
        orientation: parse_orientation(&row.orientation),
        default_layout_id: row.default_layout_id,
        heartbeat_secs: row.heartbeat_secs,
        power: PowerSchedule {
            sleep_when_closed: row.sleep_when_closed,
            wake_minutes_before: row.wake_minutes_before.clamp(0, 120) as u16,
        },
        wall: parse_wall(row.wall.as_deref()),
        tags: tags.into_iter().map(|(t,)| t).collect(),
        groups: groups.into_iter().map(|(g,)| g).collect(),
        manifest_version: row.manifest_version,
        paired: row.paired,
        online: is_online(row.last_seen_at, row.heartbeat_secs, now_ms()),
        last_seen_at: row.last_seen_at,
        status: row.status.and_then(|s| serde_json::from_str(&s).ok()),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A screen of the principal's organization in a store the principal sees, or 404.
pub(crate) async fn visible_row(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<ScreenRow> {
    let row: ScreenRow = sql(format!(
        "SELECT {COLUMNS} FROM screens WHERE org_id = $1 AND id = $2"
    ))
    .bind(principal.org.0)
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(ApiError::NotFound)?;
    if !principal.sees_store(StoreId(row.store_id)) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

async fn set_tags(tx: &mut Tx, screen: i64, tags: &[String]) -> DbResult<()> {
    sql("DELETE FROM screen_tags WHERE screen_id = $1")
        .bind(screen)
        .execute(&mut *tx)
        .await?;
    for tag in tags {
        sql("INSERT INTO screen_tags (screen_id, tag) VALUES ($1, $2)")
            .bind(screen)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

fn layout_refs(input: &ScreenInput) -> Vec<refs::Ref> {
    input
        .default_layout_id
        .map(|l| ("layout", l.to_string()))
        .into_iter()
        .collect()
}

pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<Screen>> {
    let rows: Vec<ScreenRow> = sql(format!(
        "SELECT {COLUMNS} FROM screens WHERE org_id = $1 ORDER BY name, id"
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?;
    let mut screens = Vec::new();
    for row in rows {
        if principal.sees_store(StoreId(row.store_id)) {
            screens.push(with_details(&state.db, row).await?);
        }
    }
    Ok(screens)
}

pub async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Screen> {
    let row = visible_row(state, principal, id).await?;
    Ok(with_details(&state.db, row).await?)
}

/// What the screen is sent: its rules, layouts, playlists and content.
pub async fn manifest(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Manifest> {
    visible_row(state, principal, id).await?;
    manifest::for_screen(
        &state.db,
        principal.org,
        ScreenId(id),
        &crate::domain::promo::public_base(&state.config),
    )
    .await?
    .ok_or(ApiError::NotFound)
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    mut input: ScreenInput,
) -> ApiResult<Screen> {
    let mut change = Change::begin(state, principal).await?;
    let id = insert(&mut change, &mut input).await?;
    change
        .commit(Audit::of(
            "create",
            "screen",
            id,
            format!("create screen '{}'", input.name.trim()),
        ))
        .await?;
    let row = visible_row(state, principal, id).await?;
    Ok(with_details(&state.db, row).await?)
}

/// Moving a screen to another store needs the right to manage both stores.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    mut input: ScreenInput,
) -> ApiResult<Screen> {
    let before = visible_row(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(before.store_id)))?;
    let mut change = Change::begin(state, principal).await?;
    update_in(&mut change, id, &mut input).await?;
    change
        .commit(Audit::of(
            "update",
            "screen",
            id,
            format!("update screen '{}'", input.name.trim()),
        ))
        .await?;
    let row = visible_row(state, principal, id).await?;
    Ok(with_details(&state.db, row).await?)
}

/// Validates and writes a screen's own settings inside `change`.
async fn update_in(change: &mut Change<'_>, id: i64, input: &mut ScreenInput) -> ApiResult<()> {
    let principal = change.principal;
    input.validate(&mut change.tx, principal).await?;
    sql(
        "UPDATE screens SET store_id = $1, name = $2, orientation = $3, default_layout_id = $4, \
         heartbeat_secs = $5, updated_at = $6, sleep_when_closed = $8, \
         wake_minutes_before = $9, wall = $10 WHERE id = $7",
    )
    .bind(input.store_id)
    .bind(input.name.trim())
    .bind(orientation_name(input.orientation))
    .bind(input.default_layout_id)
    .bind(input.heartbeat_secs)
    .bind(now_ms())
    .bind(id)
    .bind(input.power.sleep_when_closed)
    .bind(i64::from(input.power.wake_minutes_before))
    .bind(wall_json(input.wall))
    .execute(change.ex())
    .await?;
    write_links(change, id, input).await?;
    Ok(())
}

/// Writes what hangs off a screen's row, its tags and the layout it refers to; none of it
/// changes another screen's manifest.
async fn write_links(change: &mut Change<'_>, id: i64, input: &ScreenInput) -> ApiResult<()> {
    change.only = Some(vec![ScreenId(id)]);
    set_tags(&mut change.tx, id, &input.tags).await?;
    let org = change.principal.org;
    refs::set(&mut change.tx, org, "screen", id, &layout_refs(input)).await?;
    Ok(())
}

/// Everything a screen's settings page sets at once.
pub struct ScreenSettings {
    pub screen: ScreenInput,
    /// The time zone of the screen's store (all the store's screens follow it).
    pub timezone: String,
    /// The groups the screen belongs to.
    pub groups: Vec<i64>,
}

/// Saves a screen's settings in one change: the screen itself, its store's time zone and its
/// groups. Each part has its own checks; the first refusal leaves everything as it was.
pub async fn save_settings(
    state: &AppState,
    principal: &Principal,
    id: i64,
    mut settings: ScreenSettings,
) -> ApiResult<()> {
    let before = visible_row(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(before.store_id)))?;
    let mut change = Change::begin(state, principal).await?;
    update_in(&mut change, id, &mut settings.screen).await?;
    let store = settings.screen.store_id;
    let moved_clocks =
        super::stores::set_timezone_in(&mut change, store, &settings.timezone).await?;
    super::groups::set_groups_of_screen(&mut change, id, &settings.groups).await?;
    if moved_clocks {
        // Every screen of the store follows its time zone.
        change.only = None;
    }
    change
        .commit(Audit::of(
            "update",
            "screen",
            id,
            format!("update screen '{}'", settings.screen.name.trim()),
        ))
        .await?;
    Ok(())
}

/// Refused (409) while a rule names the screen.
pub async fn delete(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let row = visible_row(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(row.store_id)))?;
    let mut change = Change::begin(state, principal).await?;
    refs::ensure_unused(&mut change.tx, principal.org, "screen", &id.to_string()).await?;
    refs::clear(&mut change.tx, "screen", id).await?;
    sql("DELETE FROM screens WHERE id = $1")
        .bind(id)
        .execute(change.ex())
        .await?;
    // Its push stream ends and every instance forgets its device token.
    change.devices.push(ScreenId(id));
    change
        .commit(Audit::of(
            "delete",
            "screen",
            id,
            format!("delete screen '{}'", row.name),
        ))
        .await?;
    Ok(())
}

/// Validates and inserts a new screen inside `change`; returns its id.
pub async fn insert(change: &mut Change<'_>, input: &mut ScreenInput) -> ApiResult<i64> {
    let principal = change.principal;
    // Only owners and store managers add screens; others learn nothing about the body.
    principal.require(matches!(principal.role, Role::Owner | Role::StoreManager))?;
    input.validate(&mut change.tx, principal).await?;
    let now = now_ms();
    let id = sql(
        "INSERT INTO screens (org_id, store_id, name, orientation, default_layout_id, \
                  heartbeat_secs, created_at, updated_at, sleep_when_closed, \
                  wake_minutes_before, wall) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
    )
    .bind(principal.org.0)
    .bind(input.store_id)
    .bind(input.name.trim())
    .bind(orientation_name(input.orientation))
    .bind(input.default_layout_id)
    .bind(input.heartbeat_secs)
    .bind(now)
    .bind(input.power.sleep_when_closed)
    .bind(i64::from(input.power.wake_minutes_before))
    .bind(wall_json(input.wall))
    .fetch_i64(change.ex())
    .await?;
    write_links(change, id, input).await?;
    Ok(id)
}

fn orientation_name(o: Orientation) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "landscape".into())
}

/// A wall position as stored (JSON), `None` for a screen of its own.
fn wall_json(wall: Option<WallTile>) -> Option<String> {
    wall.map(|w| serde_json::to_string(&w).expect("wall positions serialize"))
}

/// A stored wall position; one that no longer reads is no wall.
pub(crate) fn parse_wall(stored: Option<&str>) -> Option<WallTile> {
    stored.and_then(|w| serde_json::from_str(w).ok())
}

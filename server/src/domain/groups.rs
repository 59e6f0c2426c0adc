//! Screen groups: named sets of screens that may span stores ("all drive-thru menus").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;

use super::accept_name;
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{Db, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::refs;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub screens: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupInput {
    pub name: String,
    #[serde(default)]
    pub screens: Vec<i64>,
}

async fn load(db: &Db, org: i64, id: i64) -> ApiResult<Group> {
    let (id, name): (i64, String) =
        sql("SELECT id, name FROM screen_groups WHERE org_id = $1 AND id = $2")
            .bind(org)
            .bind(id)
            .fetch_optional(db)
            .await?
            .ok_or(ApiError::NotFound)?;
    let screens: Vec<(i64,)> =
        sql("SELECT screen_id FROM group_members WHERE group_id = $1 ORDER BY screen_id")
            .bind(id)
            .fetch_all(db)
            .await?;
    Ok(Group {
        id,
        name,
        screens: screens.into_iter().map(|(s,)| s).collect(),
    })
}

async fn set_members(tx: &mut Tx, org: i64, group: i64, screens: &[i64]) -> ApiResult<()> {
    let mut errors = ValidationErrors::new();
    sql("DELETE FROM group_members WHERE group_id = $1")
        .bind(group)
        .execute(&mut *tx)
        .await?;
    for (i, screen) in screens.iter().enumerate() {
        let known = sql("SELECT COUNT(*) FROM screens WHERE org_id = $1 AND id = $2")
            .bind(org)
            .bind(*screen)
            .fetch_i64(&mut *tx)
            .await?;
        if known == 0 {
            errors.add(format!("screens.{i}"), "unknown", "no such screen");
            continue;
        }
        sql("INSERT INTO group_members (group_id, screen_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group)
            .bind(*screen)
            .execute(&mut *tx)
            .await?;
    }
    Ok(errors.into_result()?)
}

pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<Group>> {
    let ids: Vec<(i64,)> = sql("SELECT id FROM screen_groups WHERE org_id = $1 ORDER BY name")
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    let mut groups = Vec::new();
    for (id,) in ids {
        groups.push(load(&state.db, principal.org.0, id).await?);
    }
    Ok(groups)
}

pub async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Group> {
    load(&state.db, principal.org.0, id).await
}

/// Groups span stores, so only owners change them.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: GroupInput,
) -> ApiResult<Group> {
    save(state, principal, None, input).await
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    input: GroupInput,
) -> ApiResult<Group> {
    save(state, principal, Some(id), input).await
}

async fn save(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    mut input: GroupInput,
) -> ApiResult<Group> {
    let org = principal.org.0;
    if let Some(id) = id {
        load(&state.db, org, id).await?;
    }
    principal.require(principal.is_owner())?;
    let mut errors = ValidationErrors::new();
    accept_name(&mut input.name, &mut errors);
    errors.into_result()?;
    let mut change = Change::begin(state, principal).await?;
    let now = now_ms();
    let id = match id {
        None => {
            sql(
                "INSERT INTO screen_groups (org_id, name, created_at, updated_at) \
                 VALUES ($1, $2, $3, $3) RETURNING id",
            )
            .bind(org)
            .bind(input.name.trim())
            .bind(now)
            .fetch_i64(change.ex())
            .await?
        }
        Some(id) => {
            sql("UPDATE screen_groups SET name = $1, updated_at = $2 WHERE id = $3")
                .bind(input.name.trim())
                .bind(now)
                .bind(id)
                .execute(change.ex())
                .await?;
            id
        }
    };
    set_members(&mut change.tx, org, id, &input.screens).await?;
    change
        .commit(Audit::of(
            "save",
            "group",
            id,
            format!("save group '{}'", input.name.trim()),
        ))
        .await?;
    load(&state.db, org, id).await
}

/// Refused (409) while a rule targets the group.
pub async fn delete(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let group = load(&state.db, principal.org.0, id).await?;
    principal.require(principal.is_owner())?;
    let mut change = Change::begin(state, principal).await?;
    refs::ensure_unused(&mut change.tx, principal.org, "group", &id.to_string()).await?;
    sql("DELETE FROM screen_groups WHERE id = $1")
        .bind(id)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit::of(
            "delete",
            "group",
            id,
            format!("delete group '{}'", group.name),
        ))
        .await?;
    Ok(())
}

/// Makes `screen` a member of exactly the groups `wanted`, inside `change`. Groups span
/// stores, so only owners change memberships; asking for the memberships it already has is
/// allowed to everyone who may edit the screen.
pub async fn set_groups_of_screen(
    change: &mut Change<'_>,
    screen: i64,
    wanted: &[i64],
) -> ApiResult<()> {
    let principal = change.principal;
    let org = principal.org.0;
    let groups: Vec<(i64,)> = sql("SELECT id FROM screen_groups WHERE org_id = $1")
        .bind(org)
        .fetch_all(change.ex())
        .await?;
    let groups: Vec<i64> = groups.into_iter().map(|(g,)| g).collect();
    let mut errors = ValidationErrors::new();
    for (i, group) in wanted.iter().enumerate() {
        if !groups.contains(group) {
            errors.add(format!("groups.{i}"), "unknown", "no such group");
        }
    }
    errors.into_result()?;
    let current: Vec<(i64,)> = sql(
        "SELECT m.group_id FROM group_members m JOIN screen_groups g ON g.id = m.group_id \
         WHERE g.org_id = $1 AND m.screen_id = $2",
    )
    .bind(org)
    .bind(screen)
    .fetch_all(change.ex())
    .await?;
    let current: Vec<i64> = current.into_iter().map(|(g,)| g).collect();
    // Membership changes only this screen's manifest (`change.only` stays as it is).
    for group in &groups {
        let (is, want) = (current.contains(group), wanted.contains(group));
        if is == want {
            continue;
        }
        principal.require(principal.is_owner())?;
        let statement = if want {
            "INSERT INTO group_members (group_id, screen_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM group_members WHERE group_id = $1 AND screen_id = $2"
        };
        sql(statement)
            .bind(*group)
            .bind(screen)
            .execute(change.ex())
            .await?;
    }
    Ok(())
}

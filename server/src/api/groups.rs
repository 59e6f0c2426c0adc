//! Screen groups: named sets of screens that may span stores ("all drive-thru menus").

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;

use super::extract::{ApiJson, Id};
use super::stores::accept_name;
use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{Db, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult, Problem};
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

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    responses((status = 200, body = Vec<Group>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Group>>> {
    let ids: Vec<(i64,)> = sql("SELECT id FROM screen_groups WHERE org_id = $1 ORDER BY name")
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    let mut groups = Vec::new();
    for (id,) in ids {
        groups.push(load(&state.db, principal.org.0, id).await?);
    }
    Ok(Json(groups))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    responses((status = 200, body = Group), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Group>> {
    Ok(Json(load(&state.db, principal.org.0, id).await?))
}

/// Groups span stores, so only owners change them.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = GroupInput,
    responses((status = 201, body = Group), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<GroupInput>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    save(state, principal, None, input)
        .await
        .map(|g| (StatusCode::CREATED, g))
}

#[utoipa::path(put, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    request_body = GroupInput,
    responses((status = 200, body = Group), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(input): ApiJson<GroupInput>,
) -> ApiResult<Json<Group>> {
    save(state, principal, Some(id), input).await
}

async fn save(
    state: AppState,
    principal: Principal,
    id: Option<i64>,
    mut input: GroupInput,
) -> ApiResult<Json<Group>> {
    let org = principal.org.0;
    if let Some(id) = id {
        load(&state.db, org, id).await?;
    }
    principal.require(principal.is_owner())?;
    let mut errors = ValidationErrors::new();
    accept_name(&mut input.name, &mut errors);
    errors.into_result()?;
    let mut change = Change::begin(&state, &principal).await?;
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
    Ok(Json(load(&state.db, org, id).await?))
}

/// Refused (409) while a rule targets the group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let group = load(&state.db, principal.org.0, id).await?;
    principal.require(principal.is_owner())?;
    let mut change = Change::begin(&state, &principal).await?;
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
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/groups`: the JSON side of `domain::groups`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Principal;
use crate::domain::groups::{self, Group, GroupInput};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Id};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    responses((status = 200, body = Vec<Group>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Group>>> {
    let out = groups::list(&state, &principal).await?;
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    responses((status = 200, body = Group), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Group>> {
    let out = groups::get(&state, &principal, id).await?;
    Ok(Json(out))
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
    let out = groups::create(&state, &principal, input).await?;
    Ok((StatusCode::CREATED, Json(out)))
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
    let out = groups::update(&state, &principal, id, input).await?;
    Ok(Json(out))
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
    groups::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

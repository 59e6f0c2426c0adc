//! `/api/v1/users`: the JSON side of `domain::users` (owners only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Principal;
use crate::domain::users::{self, AuditEntry, AuditQuery, User, UserInput};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<User>), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<User>>> {
    let out = users::list(&state, &principal).await?;
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<User>> {
    let out = users::get(&state, &principal, id).await?;
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let out = users::create(&state, &principal, input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    request_body = UserInput,
    responses((status = 200, body = User), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<Json<User>> {
    let out = users::update(&state, &principal, id, input).await?;
    Ok(Json(out))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    users::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who changed what, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "users", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = Problem)))]
pub async fn audit_log(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(users::audit_log(&state, &principal, &query).await?))
}

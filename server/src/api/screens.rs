//! `/api/v1/screens`: the JSON side of `domain::screens`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Principal;
use crate::extract::{ApiJson, Id};
use vitrin_shared::manifest::Manifest;

use crate::domain::screens::{self, Screen, ScreenInput};
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/screens", tag = "screens",
    responses((status = 200, body = Vec<Screen>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Screen>>> {
    let out = screens::list(&state, &principal).await?;
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/screens/{id}", tag = "screens", params(("id" = i64, Path)),
    responses((status = 200, body = Screen), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Screen>> {
    let out = screens::get(&state, &principal, id).await?;
    Ok(Json(out))
}

/// What the screen is sent: its rules, layouts, playlists and content.
#[utoipa::path(get, path = "/api/v1/screens/{id}/manifest", tag = "screens",
    params(("id" = i64, Path)),
    responses((status = 200, body = Manifest), (status = 404, body = Problem)))]
pub async fn manifest(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Manifest>> {
    let out = screens::manifest(&state, &principal, id).await?;
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/v1/screens", tag = "screens", request_body = ScreenInput,
    responses((status = 201, body = Screen), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<ScreenInput>,
) -> ApiResult<(StatusCode, Json<Screen>)> {
    let out = screens::create(&state, &principal, input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Moving a screen to another store needs the right to manage both stores.
#[utoipa::path(put, path = "/api/v1/screens/{id}", tag = "screens", params(("id" = i64, Path)),
    request_body = ScreenInput,
    responses((status = 200, body = Screen), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(input): ApiJson<ScreenInput>,
) -> ApiResult<Json<Screen>> {
    let out = screens::update(&state, &principal, id, input).await?;
    Ok(Json(out))
}

/// Refused (409) while a rule names the screen.
#[utoipa::path(delete, path = "/api/v1/screens/{id}", tag = "screens", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    screens::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/stores`: the JSON side of `domain::stores`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Principal;
use crate::domain::stores::{self, Store, StoreInput};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Id};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/stores", tag = "stores",
    responses((status = 200, body = Vec<Store>)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<Store>>> {
    Ok(Json(stores::list(&state, &principal).await?))
}

#[utoipa::path(get, path = "/api/v1/stores/{id}", tag = "stores", params(("id" = i64, Path)),
    responses((status = 200, body = Store), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Store>> {
    Ok(Json(stores::visible_store(&state, &principal, id).await?))
}

#[utoipa::path(post, path = "/api/v1/stores", tag = "stores", request_body = StoreInput,
    responses((status = 201, body = Store), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<StoreInput>,
) -> ApiResult<(StatusCode, Json<Store>)> {
    let store = stores::create(&state, &principal, input).await?;
    Ok((StatusCode::CREATED, Json(store)))
}

#[utoipa::path(put, path = "/api/v1/stores/{id}", tag = "stores", params(("id" = i64, Path)),
    request_body = StoreInput,
    responses((status = 200, body = Store), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(input): ApiJson<StoreInput>,
) -> ApiResult<Json<Store>> {
    Ok(Json(stores::update(&state, &principal, id, input).await?))
}

/// Refused (409) while the store still has screens or a rule names it.
#[utoipa::path(delete, path = "/api/v1/stores/{id}", tag = "stores", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    stores::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

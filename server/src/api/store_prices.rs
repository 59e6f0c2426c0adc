//! `/api/v1/stores/{id}/prices/{content_id}`: a store's own prices of a franchise menu
//! (`domain::store_prices`).

use axum::Json;
use axum::extract::{Path, State};

use crate::auth::Principal;
use crate::domain::store_prices::{self, StorePrices, StorePricesInput};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Both ids of the path; anything but numbers is 404, like other ids.
fn ids(
    path: Result<Path<(i64, i64)>, axum::extract::rejection::PathRejection>,
) -> ApiResult<(i64, i64)> {
    path.map(|Path(ids)| ids).map_err(|_| ApiError::NotFound)
}

/// A store's overrides of a menu's prices (stale ones marked), with the menu's items and
/// their franchise prices.
#[utoipa::path(get, path = "/api/v1/stores/{id}/prices/{content_id}", tag = "stores",
    params(("id" = i64, Path), ("content_id" = i64, Path, description = "a menu board")),
    responses((status = 200, body = StorePrices), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    path: Result<Path<(i64, i64)>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Json<StorePrices>> {
    let (store, content) = ids(path)?;
    Ok(Json(
        store_prices::get(&state, &principal, store, content).await?,
    ))
}

/// Replaces a store's overrides of a menu (owners; store managers for their stores). Items
/// are named by code, else name; `variant` empty for the item itself; `price` null keeps the
/// franchise's. Only the store's screens get a new manifest.
#[utoipa::path(put, path = "/api/v1/stores/{id}/prices/{content_id}", tag = "stores",
    params(("id" = i64, Path), ("content_id" = i64, Path, description = "a menu board")),
    request_body = StorePricesInput,
    responses((status = 200, body = StorePrices), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put(
    State(state): State<AppState>,
    principal: Principal,
    path: Result<Path<(i64, i64)>, axum::extract::rejection::PathRejection>,
    ApiJson(input): ApiJson<StorePricesInput>,
) -> ApiResult<Json<StorePrices>> {
    let (store, content) = ids(path)?;
    Ok(Json(
        store_prices::put(&state, &principal, store, content, input).await?,
    ))
}

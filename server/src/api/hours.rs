//! `/api/v1/hours`, `/api/v1/stores/{id}/hours` and `/api/v1/holidays`: the JSON side of
//! `domain::store_time`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::domain::store_time::{self, EffectiveTime, HolidayOffer, TimeSettings};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

/// The organization's opening hours and dayparts, which every store follows unless it has
/// its own.
#[utoipa::path(get, path = "/api/v1/hours", tag = "hours",
    responses((status = 200, body = EffectiveTime)))]
pub async fn get_org(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<EffectiveTime>> {
    Ok(Json(store_time::for_org(&state, &principal).await?))
}

/// Sets the organization's opening hours and dayparts (owners).
#[utoipa::path(put, path = "/api/v1/hours", tag = "hours", request_body = TimeSettings,
    responses((status = 200, body = EffectiveTime), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_org(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(settings): ApiJson<TimeSettings>,
) -> ApiResult<Json<EffectiveTime>> {
    Ok(Json(
        store_time::set_org(&state, &principal, settings).await?,
    ))
}

/// A store's opening hours and dayparts: its own, and those in force.
#[utoipa::path(get, path = "/api/v1/stores/{id}/hours", tag = "hours",
    params(("id" = i64, Path)),
    responses((status = 200, body = EffectiveTime), (status = 404, body = Problem)))]
pub async fn get_store(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<EffectiveTime>> {
    Ok(Json(store_time::for_store(&state, &principal, id).await?))
}

/// Sets a store's own opening hours and dayparts; `null` follows the organization's.
#[utoipa::path(put, path = "/api/v1/stores/{id}/hours", tag = "hours",
    params(("id" = i64, Path)), request_body = TimeSettings,
    responses((status = 200, body = EffectiveTime), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_store(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(settings): ApiJson<TimeSettings>,
) -> ApiResult<Json<EffectiveTime>> {
    Ok(Json(
        store_time::set_store(&state, &principal, id, settings).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidaysQuery {
    /// A Solar Hijri year (1300–1500), e.g. 1405.
    pub year: i32,
}

/// Iran's official holidays of a Solar Hijri year: the solar ones exact, the lunar ones
/// computed (the official dates follow moon sighting: confirm each by adding it to the
/// hours' exceptions with its `holiday` key).
#[utoipa::path(get, path = "/api/v1/holidays", tag = "hours", params(HolidaysQuery),
    responses((status = 200, body = Vec<HolidayOffer>), (status = 422, body = Problem)))]
pub async fn holidays(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<HolidaysQuery>,
) -> ApiResult<Json<Vec<HolidayOffer>>> {
    Ok(Json(
        store_time::holidays(&state, &principal, query.year).await?,
    ))
}

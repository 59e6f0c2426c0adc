//! The counter, the feedback inbox and the loyalty programme over JSON
//! (`domain::customers`): what a point-of-sale system or a script needs.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::domain::customers::counter::{self, Redeemed};
use crate::domain::customers::feedback::{self, Feedback, FeedbackFilter};
use crate::domain::customers::loyalty::{self, Program};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

/// A code typed or scanned at a store's counter.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CounterInput {
    pub store_id: i64,
    /// An offer's code (`K7M2-9QXD`) or a loyalty card's; case, dashes and Persian digits
    /// do not matter.
    pub code: String,
}

/// Redeems an offer's one-time code, or stamps a loyalty card. A code is redeemed once: of
/// any number of simultaneous attempts exactly one succeeds, the others get 409 with when and
/// where.
#[utoipa::path(post, path = "/api/v1/counter", tag = "customers", request_body = CounterInput,
    responses((status = 200, body = Redeemed),
        (status = 404, body = Problem, description = "the store is not yours"),
        (status = 409, body = Problem, description = "already redeemed, or the card was just stamped"),
        (status = 410, body = Problem, description = "the code has expired"),
        (status = 422, body = Problem, description = "not a code, or no code or card has it"),
        (status = 429, body = Problem)))]
pub async fn redeem(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<CounterInput>,
) -> ApiResult<Json<Redeemed>> {
    let outcome = counter::redeem(&state, &principal, input.store_id, &input.code).await?;
    Ok(Json(outcome.map_err(ApiError::from)?))
}

/// Customers' feedback in the stores you see, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/feedback", tag = "customers", params(FeedbackFilter),
    responses((status = 200, body = Vec<Feedback>), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(filter): ApiQuery<FeedbackFilter>,
) -> ApiResult<Json<Vec<Feedback>>> {
    Ok(Json(feedback::list(&state, &principal, &filter).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusInput {
    /// `new`, `read`, `approved` (shown in reviews content; only comments their writer agreed
    /// to show) or `hidden`.
    pub status: String,
}

/// Marks feedback read, approves it as a review on screens, or hides it. Screens showing
/// reviews get a new manifest at once.
#[utoipa::path(put, path = "/api/v1/feedback/{id}/status", tag = "customers",
    params(("id" = i64, Path)), request_body = StatusInput,
    responses((status = 200, body = Feedback), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_status(
    State(state): State<AppState>,
    principal: Principal,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    ApiJson(input): ApiJson<StatusInput>,
) -> ApiResult<Json<Feedback>> {
    let Path(id) = id.map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        feedback::set_status(&state, &principal, id, &input.status).await?,
    ))
}

/// The organization's loyalty programme; 404 before one is set.
#[utoipa::path(get, path = "/api/v1/loyalty", tag = "customers",
    responses((status = 200, body = Program), (status = 404, body = Problem)))]
pub async fn get_program(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Program>> {
    loyalty::program(&state.db, principal.org)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Sets the loyalty programme (owners): every `every_nth` visit is `reward`.
#[utoipa::path(put, path = "/api/v1/loyalty", tag = "customers", request_body = Program,
    responses((status = 200, body = Program), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_program(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<Program>,
) -> ApiResult<Json<Program>> {
    Ok(Json(loyalty::set_program(&state, &principal, input).await?))
}

//! `/api/v1/screens/…` device actions and `/api/v1/emergencies`: the JSON side of `domain::devices`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::Principal;
use crate::domain::devices::{
    self, CommandRequest, Emergency, EmergencyRequest, PairRequest, Screen, SentCommand,
};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Id};
use crate::state::AppState;

/// Claims a pairing code for a screen. The player receives its device token on its next poll.
/// Wrong codes count like wrong passwords: ten in 15 minutes lock the user out for the rest.
#[utoipa::path(post, path = "/api/v1/screens/pair", tag = "screens", request_body = PairRequest,
    responses((status = 200, body = Screen), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such code"),
        (status = 409, body = Problem, description = "the code was already claimed"),
        (status = 410, body = Problem, description = "the code expired"),
        (status = 429, body = Problem)))]
pub async fn pair(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<PairRequest>,
) -> ApiResult<Json<Screen>> {
    let out = devices::pair(&state, &principal, request).await?;
    Ok(Json(out))
}

/// Revokes the screen's device token: its player is locked out until paired again.
#[utoipa::path(post, path = "/api/v1/screens/{id}/unpair", tag = "screens",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unpair(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    devices::unpair(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a command over the screen's push stream; the player acknowledges it.
#[utoipa::path(post, path = "/api/v1/screens/{id}/commands", tag = "screens",
    params(("id" = i64, Path)), request_body = CommandRequest,
    responses((status = 201, body = SentCommand), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn send_command(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(request): ApiJson<CommandRequest>,
) -> ApiResult<(StatusCode, Json<SentCommand>)> {
    let out = devices::send_command(&state, &principal, id, request).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The screen's recent commands and whether they were acknowledged.
#[utoipa::path(get, path = "/api/v1/screens/{id}/commands", tag = "screens",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SentCommand>), (status = 404, body = Problem)))]
pub async fn commands(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Vec<SentCommand>>> {
    let out = devices::commands(&state, &principal, id).await?;
    Ok(Json(out))
}

/// Publishes an emergency message: pushed at once to connected screens, and in the manifest
/// (as an emergency rule) for the others. Owners anywhere; store managers in their stores.
#[utoipa::path(post, path = "/api/v1/emergencies", tag = "screens", request_body = EmergencyRequest,
    responses((status = 201, body = Emergency), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn publish_emergency(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<EmergencyRequest>,
) -> ApiResult<(StatusCode, Json<Emergency>)> {
    let out = devices::publish_emergency(&state, &principal, request).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Ends an emergency message early (its rule, playlist and content go).
#[utoipa::path(delete, path = "/api/v1/emergencies/{id}", tag = "screens",
    params(("id" = i64, Path, description = "the emergency's rule id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn end_emergency(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    devices::end_emergency(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The last screenshot the player sent (ask for one with the `screenshot` command).
#[utoipa::path(get, path = "/api/v1/screens/{id}/screenshot", tag = "screens",
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub async fn screenshot(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Response> {
    let (mime, bytes) = devices::screenshot(&state, &principal, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

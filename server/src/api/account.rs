//! `/api/v1/setup`, `/api/v1/auth`, `/api/v1/me` and `/api/v1/tokens`: the JSON side of
//! `domain::account`. Sessions travel in cookies set here.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::{Principal, known_browser, session};
use crate::domain::account::{
    self, ApiToken, CreatedToken, LoginRequest, Me, NewToken, SetupRequest, SetupState, SignIn,
};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ClientIp, Id};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/setup", tag = "account",
    responses((status = 200, body = SetupState)))]
pub async fn setup_state(State(state): State<AppState>) -> ApiResult<Json<SetupState>> {
    Ok(Json(SetupState {
        needed: account::setup_needed(&state).await?,
    }))
}

/// Creates the organization and its owner, then signs the owner in. Only on an empty server.
#[utoipa::path(post, path = "/api/v1/setup", tag = "account", request_body = SetupRequest,
    responses((status = 201, body = Me), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn setup(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SetupRequest>,
) -> ApiResult<Response> {
    let user_id = account::setup(&state, req).await?;
    let sign_in = SignIn {
        user_id,
        new_known_browser: None,
    };
    signed_in(&state, &sign_in, StatusCode::CREATED).await
}

/// Starts a session and answers with the user and the cookies.
async fn signed_in(state: &AppState, sign_in: &SignIn, status: StatusCode) -> ApiResult<Response> {
    let cookies = session::start(
        &state.db,
        sign_in.user_id,
        sign_in.new_known_browser.as_deref(),
        state.config.https(),
    )
    .await?;
    let me = account::me_of(state, sign_in.user_id).await?;
    let mut response = (status, Json(me)).into_response();
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Signs in with e-mail and password. Wrong passwords are limited without letting anyone lock
/// anyone else out: five in 15 minutes lock the browser they came from, if it signed in to
/// the account before (its `vitrin_known` cookie), else the account from that address; an
/// address or an account guessed at on a larger scale is limited for unknown clients only.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "account", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let known = known_browser::from_request(&headers);
    let sign_in = account::login(&state, ip, known.as_deref(), req).await?;
    signed_in(&state, &sign_in, StatusCode::OK).await
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "account",
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(state): State<AppState>, principal: Principal) -> ApiResult<Response> {
    if let Some(hash) = &principal.session_hash {
        session::delete(&state.db, hash).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie())],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(principal: Principal) -> Json<Me> {
    Json(Me::from(&principal))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = Vec<ApiToken>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<ApiToken>>> {
    let out = account::list_tokens(&state, &principal).await?;
    Ok(Json(out))
}

/// A token acts as the user who made it, with their role or a lower one (`role`).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 409, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let out = account::create_token(&state, &principal, req).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_token(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    account::delete_token(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

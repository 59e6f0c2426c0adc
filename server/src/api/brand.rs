//! `/api/v1/brand`, `/api/v1/stores/{id}/brand` and `/api/v1/brand/preview/{menu}`: the JSON
//! side of `domain::brand`.

use axum::Json;
use axum::extract::State;
use vitrin_shared::brand::BrandKit;
use vitrin_shared::ids::ContentId;
use vitrin_shared::manifest::Manifest;

use crate::auth::Principal;
use crate::db::sql;
use crate::domain::brand::{self, BrandSettings, Draft};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

/// The organization's brand kit, which every store follows unless it has its own, with
/// warnings about colours that are hard to read.
#[utoipa::path(get, path = "/api/v1/brand", tag = "brand",
    responses((status = 200, body = BrandSettings)))]
pub async fn get_org(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<BrandSettings>> {
    Ok(Json(brand::for_org(&state, &principal).await?))
}

/// Sets the organization's brand kit (owners); `null` is the built-in kit. Pictures are
/// sha256s of the library's pictures (a logo at most 2 MiB and 4096 pixels a side, a
/// background at most 10 MiB and 8192 pixels).
#[utoipa::path(put, path = "/api/v1/brand", tag = "brand", request_body = Option<BrandKit>,
    responses((status = 200, body = BrandSettings), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_org(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(kit): ApiJson<Option<BrandKit>>,
) -> ApiResult<Json<BrandSettings>> {
    Ok(Json(brand::set_org(&state, &principal, kit).await?))
}

/// A store's brand kit: its own (`own`, `null` when it follows the organization's) and the
/// one in force.
#[utoipa::path(get, path = "/api/v1/stores/{id}/brand", tag = "brand",
    params(("id" = i64, Path)),
    responses((status = 200, body = BrandSettings), (status = 404, body = Problem)))]
pub async fn get_store(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<BrandSettings>> {
    Ok(Json(brand::for_store(&state, &principal, id).await?))
}

/// Sets a store's own brand kit; `null` follows the organization's (owners, and store
/// managers for their stores).
#[utoipa::path(put, path = "/api/v1/stores/{id}/brand", tag = "brand",
    params(("id" = i64, Path)), request_body = Option<BrandKit>,
    responses((status = 200, body = BrandSettings), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_store(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiJson(kit): ApiJson<Option<BrandKit>>,
) -> ApiResult<Json<BrandSettings>> {
    Ok(Json(brand::set_store(&state, &principal, id, kit).await?))
}

/// The store follows the organization's brand kit again (like `PUT` with `null`).
#[utoipa::path(delete, path = "/api/v1/stores/{id}/brand", tag = "brand",
    params(("id" = i64, Path)),
    responses((status = 200, body = BrandSettings), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn delete_store(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<BrandSettings>> {
    Ok(Json(brand::set_store(&state, &principal, id, None).await?))
}

/// What the admin's brand page previews in the browser player
/// (`/play/?preview=brand:{menu}&background=%23…`): a menu board drawn with a draft kit, on
/// top of the organization's saved kit. `menu` is a menu board of the library, or 0 for the
/// organization's first one (a built-in sample menu when it has none).
#[utoipa::path(get, path = "/api/v1/brand/preview/{menu}", tag = "preview",
    params(("menu" = i64, Path), Draft),
    responses((status = 200, body = Manifest), (status = 404, body = Problem)))]
pub async fn preview(
    State(state): State<AppState>,
    principal: Principal,
    Id(menu): Id,
    ApiQuery(draft): ApiQuery<Draft>,
) -> ApiResult<Json<Manifest>> {
    let saved = brand::for_org(&state, &principal).await?.kit;
    let kit = brand::draft_kit(&state, &principal, saved, &draft).await?;
    let timezone = sql("SELECT timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
        .bind(principal.org.0)
        .fetch_optional::<(String,)>(&state.db)
        .await?
        .map_or_else(|| "UTC".to_owned(), |(tz,)| tz);
    let menu = (menu != 0).then_some(ContentId(menu));
    crate::manifest::for_brand_preview(&state.db, principal.org, menu, kit, &timezone)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

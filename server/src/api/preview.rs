//! `/api/v1/preview`: what the admin's previews play in the browser player
//! (`/play/?preview=screen:1&at=…`): the manifest of a screen, a layout or a content item, and
//! the media of the organization's library, for a signed-in user instead of a device.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::{ContentId, LayoutId, ScreenId};
use vitrin_shared::manifest::Manifest;

use crate::auth::Principal;
use crate::db::sql;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::manifest::{self, Preview};
use crate::media::blobs::blob_key;
use crate::state::AppState;

/// Exactly one of `screen`, `layout` and `content`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    pub screen: Option<i64>,
    pub layout: Option<i64>,
    pub content: Option<i64>,
    /// IANA timezone a layout or content item is previewed in (a screen uses its store's);
    /// default: the organization's first store's, else UTC.
    pub tz: Option<String>,
}

/// The manifest a preview plays: a screen's own, or one layout or content item alone.
#[utoipa::path(get, path = "/api/v1/preview", tag = "preview", params(PreviewQuery),
    responses((status = 200, body = Manifest), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn preview_manifest(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PreviewQuery>,
) -> ApiResult<Json<Manifest>> {
    let what = match (query.screen, query.layout, query.content) {
        (Some(id), None, None) => {
            // A screen outside the user's stores is not there for them.
            crate::domain::screens::get(&state, &principal, id).await?;
            Preview::Screen(ScreenId(id))
        }
        (None, Some(id), None) => Preview::Layout(LayoutId(id)),
        (None, None, Some(id)) => Preview::Content(ContentId(id)),
        _ => {
            let mut errors = ValidationErrors::new();
            errors.add(
                "screen",
                "one_of",
                "give exactly one of screen, layout and content",
            );
            return Err(errors.into());
        }
    };
    let timezone = match query.tz {
        Some(tz) => tz,
        None => sql("SELECT timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
            .bind(principal.org.0)
            .fetch_optional::<(String,)>(&state.db)
            .await?
            .map_or_else(|| "UTC".to_owned(), |(tz,)| tz),
    };
    if jiff::tz::TimeZone::get(&timezone).is_err() {
        let mut errors = ValidationErrors::new();
        errors.add(
            "tz",
            "unknown_timezone",
            format!("'{timezone}' is not an IANA timezone such as Asia/Tehran"),
        );
        return Err(errors.into());
    }
    let base = crate::domain::promo::public_base(&state.config);
    manifest::for_preview(&state.db, principal.org, what, &timezone, &base)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// A file of the organization's media library by its sha256, for previews.
#[utoipa::path(get, path = "/api/v1/preview/media/{sha256}", tag = "preview",
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub async fn preview_media(
    State(state): State<AppState>,
    principal: Principal,
    Path(sha256): Path<String>,
) -> ApiResult<Response> {
    // Only the organization's own library: another tenant's media cannot be probed by hash.
    let (mime,): (String,) = sql("SELECT mime FROM media WHERE org_id = $1 AND sha256 = $2")
        .bind(principal.org.0)
        .bind(&sha256)
        .fetch_optional(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let key = blob_key(&sha256).map_err(|_| ApiError::NotFound)?;
    let stream = state.blobs.get_stream(&key, None).await?;
    let mut response = Body::from_stream(stream.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(response)
}

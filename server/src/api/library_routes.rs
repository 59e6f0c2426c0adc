//! HTTP handlers of the content library, one set per document type, each documented for
//! OpenAPI (utoipa cannot document a generic handler, so a macro writes the thin wrappers).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use vitrin_shared::content::ContentItem;
use vitrin_shared::layout::Layout;
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::ScheduleRule;

use crate::auth::Principal;
use crate::domain::library::{self, Saved};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Id};
use crate::state::AppState;

/// 201 for a new document, 200 for a replaced one.
fn status_of(saved: Saved) -> StatusCode {
    match saved {
        Saved::Created => StatusCode::CREATED,
        Saved::Updated => StatusCode::OK,
    }
}

macro_rules! library_routes {
    ($module:ident, $ty:ty, $list:literal, $item:literal, $tag:literal) => {
        pub mod $module {
            use super::*;

            #[utoipa::path(get, path = $list, tag = $tag,
                        responses((status = 200, body = Vec<$ty>), (status = 401, body = Problem)))]
            pub async fn list(
                State(state): State<AppState>,
                principal: Principal,
            ) -> ApiResult<Json<Vec<$ty>>> {
                Ok(Json(library::list::<$ty>(&state, &principal).await?))
            }

            #[utoipa::path(get, path = $item, tag = $tag,
                        params(("id" = i64, Path)),
                        responses((status = 200, body = $ty), (status = 404, body = Problem)))]
            pub async fn get(
                State(state): State<AppState>,
                principal: Principal,
                Id(id): Id,
            ) -> ApiResult<Json<$ty>> {
                Ok(Json(library::get::<$ty>(&state, &principal, id).await?))
            }

            /// `id` in the body is ignored: the server assigns it.
            #[utoipa::path(post, path = $list, tag = $tag,
                        request_body = $ty,
                        responses((status = 201, body = $ty), (status = 409, body = Problem),
                            (status = 422, body = Problem), (status = 403, body = Problem)))]
            pub async fn create(
                State(state): State<AppState>,
                principal: Principal,
                ApiJson(body): ApiJson<serde_json::Value>,
            ) -> ApiResult<impl IntoResponse> {
                let (saved, doc) = library::save::<$ty>(&state, &principal, None, body).await?;
                Ok((status_of(saved), Json(doc)))
            }

            #[utoipa::path(put, path = $item, tag = $tag,
                        params(("id" = i64, Path)), request_body = $ty,
                        responses((status = 200, body = $ty), (status = 404, body = Problem),
                            (status = 409, body = Problem), (status = 422, body = Problem)))]
            pub async fn update(
                State(state): State<AppState>,
                principal: Principal,
                Id(id): Id,
                ApiJson(body): ApiJson<serde_json::Value>,
            ) -> ApiResult<impl IntoResponse> {
                let (saved, doc) =
                    library::save::<$ty>(&state, &principal, Some(id), body).await?;
                Ok((status_of(saved), Json(doc)))
            }

            /// Refused with 409 while something still uses it.
            #[utoipa::path(delete, path = $item, tag = $tag,
                        params(("id" = i64, Path)),
                        responses((status = 204), (status = 404, body = Problem),
                            (status = 409, body = Problem)))]
            pub async fn delete(
                State(state): State<AppState>,
                principal: Principal,
                Id(id): Id,
            ) -> ApiResult<StatusCode> {
                library::delete::<$ty>(&state, &principal, id).await?;
                Ok(StatusCode::NO_CONTENT)
            }
        }
    };
}

library_routes!(
    content,
    ContentItem,
    "/api/v1/content",
    "/api/v1/content/{id}",
    "content"
);
library_routes!(
    playlists,
    Playlist,
    "/api/v1/playlists",
    "/api/v1/playlists/{id}",
    "playlists"
);
library_routes!(
    layouts,
    Layout,
    "/api/v1/layouts",
    "/api/v1/layouts/{id}",
    "layouts"
);
library_routes!(
    rules,
    ScheduleRule,
    "/api/v1/rules",
    "/api/v1/rules/{id}",
    "rules"
);

//! The JSON API under `/api/v1`, documented by OpenAPI at `/api/openapi.json` (Swagger UI at
//! `/api/docs`). Errors are problem details (`crate::error`).

pub mod account;
pub mod brand;
pub mod customers;
pub mod devices;
pub mod document;
pub mod groups;
pub mod hours;
pub mod library_routes;
pub mod media;
pub mod menu_csv;
pub mod preview;
pub mod screens;
pub mod store_prices;
pub mod stores;
pub mod users;

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::feeds::sources as feeds;
use crate::state::AppState;
use document::Truthful;
use library_routes::{content, layouts, playlists, rules};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vitrin API",
        description = "Digital signage: stores, screens, media, content, playlists, layouts and \
                       schedules, and live feeds (news, weather, currency rates), and reports (proof of play, QR promo scans, uptime). Authenticate with the session cookie from /api/v1/auth/login \
                       or with `Authorization: Bearer <API token>`."
    ),
    modifiers(&SecuritySchemes),
    security(("session" = []), ("token" = []))
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // The player's device token, handed out once at pairing.
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("a player's device token (`vd_…`), from pairing"))
                    .build(),
            ),
        );
    }
}

/// The `/api/v1` and player routes, the tracked-link redirect, the OpenAPI document and
/// Swagger UI. Each route is registered once, with its OpenAPI entry (`routes!` reads the
/// handler's `#[utoipa::path]`), so the document cannot list a route the server lacks or
/// miss one it has.
pub fn routes(state: &AppState) -> Router<AppState> {
    let (schemas, paths, media_list) = routes!(media::list, media::upload);
    let media_list = media_list.layer(crate::media::upload_body_limit(state));
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(account::setup_state, account::setup))
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(account::me))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::delete_token))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update, users::delete))
        .routes(routes!(users::audit_log))
        .routes(routes!(stores::list, stores::create))
        .routes(routes!(stores::get, stores::update, stores::delete))
        .routes(routes!(hours::get_org, hours::put_org))
        .routes(routes!(hours::get_store, hours::put_store))
        .routes(routes!(hours::holidays))
        .routes(routes!(brand::get_org, brand::put_org))
        .routes(routes!(
            brand::get_store,
            brand::put_store,
            brand::delete_store
        ))
        .routes(routes!(brand::preview))
        .routes(routes!(store_prices::get, store_prices::put))
        .routes(routes!(screens::list, screens::create))
        .routes(routes!(screens::get, screens::update, screens::delete))
        .routes(routes!(screens::manifest))
        .routes(routes!(devices::pair))
        .routes(routes!(devices::unpair))
        .routes(routes!(devices::commands, devices::send_command))
        .routes(routes!(devices::screenshot))
        .routes(routes!(devices::publish_emergency))
        .routes(routes!(devices::end_emergency))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::get, groups::update, groups::delete))
        .routes((schemas, paths, media_list))
        .routes(routes!(media::get, media::delete))
        .routes(routes!(media::thumbnail))
        .routes(routes!(content::list, content::create))
        .routes(routes!(content::get, content::update, content::delete))
        .routes(routes!(menu_csv::export, menu_csv::import))
        .routes(routes!(playlists::list, playlists::create))
        .routes(routes!(
            playlists::get,
            playlists::update,
            playlists::delete
        ))
        .routes(routes!(layouts::list, layouts::create))
        .routes(routes!(layouts::get, layouts::update, layouts::delete))
        .routes(routes!(rules::list, rules::create))
        .routes(routes!(rules::get, rules::update, rules::delete))
        .routes(routes!(feeds::list, feeds::create))
        .routes(routes!(feeds::get, feeds::update, feeds::delete))
        .routes(routes!(feeds::refresh_now))
        .routes(routes!(feeds::set_rates))
        .routes(routes!(crate::reports::plays))
        .routes(routes!(crate::reports::scans))
        .routes(routes!(crate::reports::uptime))
        .routes(routes!(crate::customer_reports::satisfaction))
        .routes(routes!(crate::customer_reports::offers))
        .routes(routes!(crate::customer_reports::loyalty))
        .routes(routes!(crate::promo::links))
        .routes(routes!(customers::redeem))
        .routes(routes!(customers::list))
        .routes(routes!(customers::set_status))
        .routes(routes!(customers::get_program, customers::put_program))
        .routes(routes!(crate::promo::redirect))
        .routes(routes!(preview::layout_preview))
        .routes(routes!(preview::content_preview))
        .routes(routes!(preview::preview_media))
        .merge(crate::player::routes())
        .split_for_parts();
    // What the annotations leave out, now that every operation is in the document.
    Truthful.modify(&mut openapi);
    router
        // axum answers a wrong method with an empty body; here it is a problem like any other.
        .method_not_allowed_fallback(|| async { crate::error::ApiError::MethodNotAllowed })
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
}

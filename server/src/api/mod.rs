//! The JSON API under `/api/v1`, documented by OpenAPI at `/api/openapi.json` (Swagger UI at
//! `/api/docs`). Errors are problem details (`crate::error`).

pub mod account;
pub mod devices;
pub mod document;
pub mod groups;
pub mod library_routes;
pub mod media;
pub mod screens;
pub mod stores;
pub mod users;

use axum::Router;
use axum::routing::{get, post, put};
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

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
    paths(
        account::setup_state, account::setup, account::login, account::logout, account::me,
        account::list_tokens, account::create_token, account::delete_token,
        users::list, users::get, users::create, users::update, users::delete, users::audit_log,
        stores::list, stores::get, stores::create, stores::update, stores::delete,
        screens::list, screens::get, screens::manifest, screens::create, screens::update,
        screens::delete, devices::pair, devices::unpair, devices::send_command, devices::commands,
        devices::screenshot, devices::publish_emergency, devices::end_emergency,
        crate::player::pairing::start, crate::player::pairing::status,
        crate::player::pairing::rotate, crate::player::sync::manifest, crate::player::sync::media,
        crate::player::events::stream, crate::player::events::ack,
        crate::player::telemetry::heartbeat, crate::player::telemetry::plays,
        crate::player::telemetry::screenshot,
        groups::list, groups::get, groups::create, groups::update, groups::delete,
        media::list, media::get, media::upload, media::delete, media::thumbnail,
        content::list, content::get, content::create, content::update, content::delete,
        playlists::list, playlists::get, playlists::create, playlists::update, playlists::delete,
        layouts::list, layouts::get, layouts::create, layouts::update, layouts::delete,
        rules::list, rules::get, rules::create, rules::update, rules::delete,
        feeds::list, feeds::get, feeds::create, feeds::update, feeds::delete,
        feeds::refresh_now, feeds::set_rates,
        crate::reports::plays, crate::reports::scans, crate::reports::uptime,
        crate::promo::redirect, crate::promo::links,
    ),
    modifiers(&SecuritySchemes, &Truthful),
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

/// The `/api/v1` routes, the OpenAPI document and Swagger UI.
pub fn routes(state: &AppState) -> Router<AppState> {
    let upload_limit = crate::media::upload_body_limit(state);
    Router::new()
        .route(
            "/api/v1/setup",
            get(account::setup_state).post(account::setup),
        )
        .route("/api/v1/auth/login", post(account::login))
        .route("/api/v1/auth/logout", post(account::logout))
        .route("/api/v1/me", get(account::me))
        .route(
            "/api/v1/tokens",
            get(account::list_tokens).post(account::create_token),
        )
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(account::delete_token),
        )
        .route("/api/v1/users", get(users::list).post(users::create))
        .route(
            "/api/v1/users/{id}",
            get(users::get).put(users::update).delete(users::delete),
        )
        .route("/api/v1/audit", get(users::audit_log))
        .route("/api/v1/stores", get(stores::list).post(stores::create))
        .route(
            "/api/v1/stores/{id}",
            get(stores::get).put(stores::update).delete(stores::delete),
        )
        .route("/api/v1/screens", get(screens::list).post(screens::create))
        .route(
            "/api/v1/screens/{id}",
            get(screens::get)
                .put(screens::update)
                .delete(screens::delete),
        )
        .route("/api/v1/screens/{id}/manifest", get(screens::manifest))
        .route("/api/v1/screens/pair", post(devices::pair))
        .route("/api/v1/screens/{id}/unpair", post(devices::unpair))
        .route(
            "/api/v1/screens/{id}/commands",
            get(devices::commands).post(devices::send_command),
        )
        .route("/api/v1/screens/{id}/screenshot", get(devices::screenshot))
        .route("/api/v1/emergencies", post(devices::publish_emergency))
        .route(
            "/api/v1/emergencies/{id}",
            axum::routing::delete(devices::end_emergency),
        )
        .route("/api/v1/groups", get(groups::list).post(groups::create))
        .route(
            "/api/v1/groups/{id}",
            get(groups::get).put(groups::update).delete(groups::delete),
        )
        .route(
            "/api/v1/media",
            get(media::list).post(media::upload).layer(upload_limit),
        )
        .route("/api/v1/media/{id}", get(media::get).delete(media::delete))
        .route("/api/v1/media/{id}/thumbnail", get(media::thumbnail))
        .route("/api/v1/content", get(content::list).post(content::create))
        .route(
            "/api/v1/content/{id}",
            get(content::get)
                .put(content::update)
                .delete(content::delete),
        )
        .route(
            "/api/v1/playlists",
            get(playlists::list).post(playlists::create),
        )
        .route(
            "/api/v1/playlists/{id}",
            get(playlists::get)
                .put(playlists::update)
                .delete(playlists::delete),
        )
        .route("/api/v1/layouts", get(layouts::list).post(layouts::create))
        .route(
            "/api/v1/layouts/{id}",
            get(layouts::get)
                .put(layouts::update)
                .delete(layouts::delete),
        )
        .route("/api/v1/rules", get(rules::list).post(rules::create))
        .route(
            "/api/v1/rules/{id}",
            put(rules::update).get(rules::get).delete(rules::delete),
        )
        .route("/api/v1/feeds", get(feeds::list).post(feeds::create))
        .route(
            "/api/v1/feeds/{id}",
            get(feeds::get).put(feeds::update).delete(feeds::delete),
        )
        .route("/api/v1/feeds/{id}/refresh", post(feeds::refresh_now))
        .route("/api/v1/feeds/{id}/rates", put(feeds::set_rates))
        .route("/api/v1/reports/plays", get(crate::reports::plays))
        .route("/api/v1/reports/scans", get(crate::reports::scans))
        .route("/api/v1/reports/uptime", get(crate::reports::uptime))
        .route("/api/v1/promos/{id}/links", get(crate::promo::links))
        .merge(crate::player::routes())
        // axum answers a wrong method with an empty body; here it is a problem like any other.
        .method_not_allowed_fallback(|| async { crate::error::ApiError::MethodNotAllowed })
        .merge(
            utoipa_swagger_ui::SwaggerUi::new("/api/docs")
                .url("/api/openapi.json", ApiDoc::openapi()),
        )
}

//! The browser admin: server-rendered pages (askama templates compiled into the binary) with
//! plain HTML forms that work without JavaScript, and one small script (`static/vitrin.js`)
//! for progressive enhancement. Handlers call the same domain code as `/api/v1`, with the same
//! tenant scoping and role checks. See `README.md` beside this file for how to add a page.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod brand;
pub mod content;
pub mod cron_text;
pub mod customer;
pub mod customers;
pub mod dashboard;
pub mod duplicate;
pub mod emergency;
pub mod feeds;
pub mod form;
pub mod franchise;
pub mod groups;
pub mod hours;
pub mod i18n;
pub mod layouts;
pub mod media;
pub mod menu_csv;
pub mod menus;
pub mod page;
pub mod play;
pub mod playlists;
pub mod reports;
pub mod schedule;
pub mod screens;
pub mod store_prices;
pub mod timeline;
pub mod tokens;
pub mod used;
pub mod users;

use axum::Router;

use crate::state::AppState;

/// Every page route, wrapped in the layer that answers errors with pages in the user's
/// language and a missing session with a redirect to the login page.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(users::routes())
        .merge(dashboard::routes())
        .merge(media::routes(state))
        .merge(screens::routes())
        .merge(menus::routes())
        .merge(menu_csv::routes())
        .merge(store_prices::routes())
        .merge(playlists::routes())
        .merge(layouts::routes())
        .merge(schedule::routes())
        .merge(emergency::routes())
        .merge(franchise::routes())
        .merge(feeds::routes())
        .merge(reports::routes())
        .merge(content::routes())
        .merge(groups::routes())
        .merge(hours::routes())
        .merge(brand::routes())
        .merge(tokens::routes())
        .merge(audit::routes())
        .merge(customers::routes())
        .merge(customer::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page::html_errors,
        ))
        .merge(assets::routes())
        .merge(play::routes())
}

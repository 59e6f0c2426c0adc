//! (being written)

use axum::Router;

use super::i18n::Entry;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub const TEXT: &[Entry] = &[];

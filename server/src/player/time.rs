//! The server's clock, for players to set theirs by (NTP-style: a player asks a few times and
//! keeps the answer with the shortest round trip; see `vitrin_shared::clock`).
//!
//! Not authenticated: the time is no secret (every HTTP answer's `Date` says it to the second),
//! the answer touches neither the database nor any state, and a screen still being paired, or
//! one whose token is being checked, can already set its clock. Nothing is cached on the way.

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use vitrin_shared::clock::TimeReply;

/// The server's clock, in microseconds since the Unix epoch, read as late as possible.
#[utoipa::path(get, path = "/api/player/v1/time", tag = "player",
    responses((status = 200, body = TimeReply)))]
pub async fn time() -> impl IntoResponse {
    let reply = TimeReply {
        server_time_us: jiff::Timestamp::now().as_microsecond(),
    };
    ([(header::CACHE_CONTROL, "no-store")], Json(reply))
}

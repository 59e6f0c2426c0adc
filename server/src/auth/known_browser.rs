//! Known browsers: a browser (or any client that keeps cookies) that signed in to an account
//! gets a long-lived random cookie for it; the server keeps only its hash, tied to the
//! account. The login rate limits count such a browser apart (`ratelimit::login_limits`), so
//! nobody else's wrong passwords can lock it out.

use axum::http::{HeaderMap, HeaderValue};

use super::{session, token};
use crate::db::{Db, DbResult, now_ms, sql};

pub const COOKIE: &str = "vitrin_known";
/// A browser stays known for a year after its last successful sign-in.
pub const TTL_MS: i64 = 365 * 24 * 3600 * 1000;

/// The hash of the known-browser cookie `secret`, if it was given for `user_id`'s account.
pub async fn recognise(db: &Db, secret: &str, user_id: i64) -> DbResult<Option<String>> {
    let hash = token::hash(secret);
    let known = sql(
        "SELECT COUNT(*) FROM known_browsers WHERE token_hash = $1 AND user_id = $2 \
         AND created_at > $3",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(now_ms() - TTL_MS)
    .fetch_i64(db)
    .await?;
    Ok((known > 0).then_some(hash))
}

/// The request's known-browser cookie, if any.
pub fn from_request(headers: &HeaderMap) -> Option<String> {
    session::cookie(headers, COOKIE)
}

/// Remembers a browser for `user_id` after a successful sign-in; returns the cookie's secret.
pub async fn remember(db: &Db, user_id: i64) -> DbResult<String> {
    let secret = token::generate("vk_");
    let now = now_ms();
    sql("INSERT INTO known_browsers (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(token::hash(&secret))
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await?;
    sql("DELETE FROM known_browsers WHERE created_at <= $1")
        .bind(now - TTL_MS)
        .execute(db)
        .await?;
    Ok(secret)
}

/// `Set-Cookie` for a known browser. `Secure` when the server is reached over https.
pub fn set_cookie(secret: &str, secure: bool) -> HeaderValue {
    let max_age = TTL_MS / 1000;
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("token characters are valid in a header")
}

//! Browser sessions: a random token in an HttpOnly, SameSite cookie; its hash in the database.

use axum::http::{HeaderMap, HeaderValue, header};

use super::{SESSION_COOKIE, token};
use crate::db::{Db, DbResult, now_ms, sql};

/// Sessions last two weeks; logging in again starts a new one.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

/// Creates a session for `user_id` and returns the cookie token (shown to the client only).
pub async fn create(db: &Db, user_id: i64) -> DbResult<String> {
    let secret = token::generate("vs_");
    let now = now_ms();
    sql("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token::hash(&secret))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(db)
        .await?;
    // Expired sessions are of no use to anyone; tidy them while we are here.
    sql("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(secret)
}

pub async fn delete(db: &Db, token_hash: &str) -> DbResult<()> {
    sql("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Starts a session for a user who just signed in: the `Set-Cookie` lines for the browser
/// (the session, and the known-browser cookie when it was not known yet).
pub async fn start(
    db: &Db,
    user_id: i64,
    new_known_browser: Option<&str>,
    secure: bool,
) -> DbResult<Vec<HeaderValue>> {
    let secret = create(db, user_id).await?;
    let mut cookies = vec![set_cookie(&secret, secure)];
    cookies.extend(new_known_browser.map(|known| super::known_browser::set_cookie(known, secure)));
    Ok(cookies)
}

/// `Set-Cookie` for a new session. `Secure` when the server is reached over https.
pub fn set_cookie(secret: &str, secure: bool) -> HeaderValue {
    let max_age = SESSION_TTL_MS / 1000;
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("token characters are valid in a header")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("vitrin_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token from the request's `Cookie` headers, if any.
pub fn cookie_value(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie called `name` in the request's `Cookie` headers, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

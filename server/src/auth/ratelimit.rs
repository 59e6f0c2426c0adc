//! Login rate limit: after `MAX_FAILURES` wrong passwords for one e-mail (or from one client
//! address) within `WINDOW_MS`, further attempts are refused with 429 until the window ends.
//! Kept in the database so every server instance enforces the same limit.

use crate::db::{Db, DbResult, now_ms, sql};

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

#[derive(sqlx::FromRow)]
struct Failures {
    window_start: i64,
    failures: i64,
}

/// Seconds until `key` may try again, or `None` when it may try now.
pub async fn blocked_for(db: &Db, key: &str) -> DbResult<Option<u64>> {
    let now = now_ms();
    let row: Option<Failures> =
        sql("SELECT window_start, failures FROM login_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|r| {
        let ends = r.window_start + WINDOW_MS;
        (r.failures >= MAX_FAILURES && ends > now).then(|| ((ends - now) as u64).div_ceil(1000))
    }))
}

/// Counts one failure for `key`, starting a new window when the old one has ended.
pub async fn record_failure(db: &Db, key: &str) -> DbResult<()> {
    let now = now_ms();
    sql(
        "INSERT INTO login_failures (key, window_start, failures) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN login_failures.window_start + $3 <= $2 THEN 1 \
                           ELSE login_failures.failures + 1 END, \
           window_start = CASE WHEN login_failures.window_start + $3 <= $2 THEN $2 \
                               ELSE login_failures.window_start END",
    )
    .bind(key)
    .bind(now)
    .bind(WINDOW_MS)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> DbResult<()> {
    sql("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

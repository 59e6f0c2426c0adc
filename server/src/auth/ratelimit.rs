//! Failure counters for rate limits (wrong passwords, wrong pairing codes): after `max`
//! failures for one key within `WINDOW_MS`, further attempts are refused with 429 until the
//! window ends. Kept in the database so every server instance enforces the same limit.
//!
//! Logins are limited so that nobody can lock anybody else out ([`login_limits`]).

use crate::db::{Db, DbResult, now_ms, sql};

/// Failures a key may have in a window: wrong passwords of one known device or of one
/// (account, address) pair; wrong pairing codes of one user.
pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Wrong passwords from one address that has no device cookie, across all accounts:
/// guessing many accounts from one place.
pub const ADDRESS_MAX_FAILURES: i64 = 50;
/// Wrong passwords for one account from clients without its device cookie, across all
/// addresses: guessing one account from many places.
pub const ACCOUNT_MAX_FAILURES: i64 = 20;

/// One counter and how many failures it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: i64,
}

/// The counters a login attempt for `email` is held to.
///
/// - A browser that signed in to this account before (it shows the account's device cookie,
///   `known_device`) counts for itself alone: its own five wrong passwords lock it, and no
///   one else's failures ever do. Whoever fuzzes or guesses from the shop's shared address
///   cannot lock the owner's browser out.
/// - Any other client counts per (account, address): a colleague mistyping five times locks
///   that pair only, not the other accounts behind the same address. Guessing at scale is
///   still stopped by the per-address and per-account limits above, which, again, never
///   apply to a known device.
pub fn login_limits(
    email: &str,
    address: Option<std::net::IpAddr>,
    known_device: Option<&str>,
) -> Vec<Limit> {
    let limit = |key: String, max| Limit { key, max };
    if let Some(device) = known_device {
        return vec![limit(format!("device:{device}"), MAX_FAILURES)];
    }
    let at = address.map_or_else(|| "-".to_owned(), |a| a.to_string());
    let mut limits = vec![
        limit(format!("login:{email}|{at}"), MAX_FAILURES),
        limit(format!("account:{email}"), ACCOUNT_MAX_FAILURES),
    ];
    if let Some(address) = address {
        limits.push(limit(format!("address:{address}"), ADDRESS_MAX_FAILURES));
    }
    limits
}

#[derive(sqlx::FromRow)]
struct Failures {
    window_start: i64,
    failures: i64,
}

/// Seconds until `key` may try again after `max` failures, or `None` when it may try now.
pub async fn blocked_for(db: &Db, key: &str, max: i64) -> DbResult<Option<u64>> {
    let now = now_ms();
    let row: Option<Failures> =
        sql("SELECT window_start, failures FROM login_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|r| {
        let ends = r.window_start + WINDOW_MS;
        (r.failures >= max && ends > now).then(|| ((ends - now) as u64).div_ceil(1000))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_device_counts_for_itself_alone() {
        let address = Some("192.0.2.7".parse().unwrap());
        let known = login_limits("s@cafe.test", address, Some("abc"));
        assert_eq!(
            known,
            [Limit {
                key: "device:abc".into(),
                max: MAX_FAILURES
            }]
        );
        let keys: Vec<String> = login_limits("s@cafe.test", address, None)
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(
            keys,
            [
                "login:s@cafe.test|192.0.2.7",
                "account:s@cafe.test",
                "address:192.0.2.7"
            ]
        );
    }
}

//! Tracked links of QR promos: each promo on each screen gets its own short code, so a scan
//! tells which screen (and so which store and daypart) brought the customer. Pure: the
//! manifest builder rewrites promos with them, the `/q/{code}` handler (`crate::promo`)
//! counts the scans, and `tracked_links` lists them with their counts.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::ids::{ContentId, ScreenId, StoreId};

use crate::auth::Principal;
use crate::config::Config;
use crate::db::sql;
use crate::domain::library;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The base that tracked links start with: the public URL, else the address the server binds.
pub fn public_base(config: &Config) -> String {
    match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", config.bind),
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

fn check(content: i64, screen: i64) -> String {
    let digest = Sha256::digest(format!("vitrin-qr:{content}:{screen}"));
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{:0>4}", base36(u64::from(n % 36u32.pow(4))))
}

/// The code of a promo shown on a screen, e.g. `1a-3-k2x9`.
pub fn code(content: ContentId, screen: ScreenId) -> String {
    let (c, s) = (content.0.max(0), screen.0.max(0));
    format!("{}-{}-{}", base36(c as u64), base36(s as u64), check(c, s))
}

/// The (promo, screen) of a well-formed code; `None` for anything else.
pub fn parse_code(code: &str) -> Option<(ContentId, ScreenId)> {
    if code.len() > 40 {
        return None;
    }
    let mut parts = code.split('-');
    let (c, s, k) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || c.is_empty() || s.is_empty() {
        return None;
    }
    let lower = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    if !lower(c) || !lower(s) {
        return None;
    }
    let c = i64::from_str_radix(c, 36).ok()?;
    let s = i64::from_str_radix(s, 36).ok()?;
    (check(c, s) == k).then_some((ContentId(c), ScreenId(s)))
}

/// The tracked link of a promo on a screen.
pub fn tracked_url(base: &str, content: ContentId, screen: ScreenId) -> String {
    format!("{base}/q/{}", code(content, screen))
}

/// Rewrites the QR promos of a screen's manifest content to their tracked links.
pub fn track(content: &mut [ContentItem], base: &str, screen: ScreenId) {
    for item in content {
        if let ContentKind::QrPromo { url, .. } = &mut item.kind {
            *url = tracked_url(base, item.id, screen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_tampering() {
        for (c, s) in [(1, 1), (42, 7), (123_456, 999_999)] {
            let code = code(ContentId(c), ScreenId(s));
            assert_eq!(
                parse_code(&code),
                Some((ContentId(c), ScreenId(s))),
                "{code}"
            );
        }
        let good = code(ContentId(5), ScreenId(6));
        let bad = good.replacen("5-", "4-", 1);
        assert_eq!(parse_code(&bad), None);
        assert_eq!(parse_code("nope"), None);
        assert_eq!(parse_code("A-1-0000"), None);
    }
}

/// A promo's tracked link on one screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedLink {
    pub screen_id: i64,
    pub screen: String,
    pub store_id: i64,
    pub code: String,
    /// What the screen's QR code encodes.
    pub url: String,
    /// Scans of this link so far (bots and prefetches excluded).
    pub scans: i64,
}

/// The tracked links of the QR promo `id`, one per screen `principal` can see.
pub async fn tracked_links(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<Vec<TrackedLink>> {
    let item = library::get::<ContentItem>(state, principal, id).await?;
    if !matches!(item.kind, ContentKind::QrPromo { .. }) {
        return Err(ApiError::NotFound);
    }
    let screens: Vec<(i64, String, i64)> =
        sql("SELECT id, name, store_id FROM screens WHERE org_id = $1 ORDER BY id")
            .bind(principal.org.0)
            .fetch_all(&state.db)
            .await?;
    let scans: HashMap<i64, i64> = sql(
        "SELECT screen_id, CAST(SUM(scans) AS BIGINT) FROM scan_quarters \
         WHERE org_id = $1 AND content_id = $2 GROUP BY screen_id",
    )
    .bind(principal.org.0)
    .bind(id)
    .fetch_all::<(i64, i64)>(&state.db)
    .await?
    .into_iter()
    .collect();
    let base = public_base(&state.config);
    Ok(screens
        .into_iter()
        .filter(|(_, _, store)| principal.sees_store(StoreId(*store)))
        .map(|(screen, name, store_id)| TrackedLink {
            screen_id: screen,
            screen: name,
            store_id,
            code: code(item.id, ScreenId(screen)),
            url: tracked_url(&base, item.id, ScreenId(screen)),
            scans: scans.get(&screen).copied().unwrap_or(0),
        })
        .collect())
}

//! After the scan: what a customer does on the pages a QR promo leads to (feedback, an offer's
//! one-time code, the loyalty card) and what the shop does with it (the counter, the feedback
//! inbox, reviews on screen, reports in `crate::customer_reports`).
//!
//! Customers are anonymous visitors: nothing here needs an account, and nothing names a person
//! unless they give it for a stated purpose. Every public write is rate limited per address
//! (and, where there is one, per browser), like logins are (`auth::ratelimit`).

pub mod codes;
pub mod counter;
pub mod feedback;
pub mod loyalty;
pub mod offers;
pub mod sms;

use vitrin_shared::calendar::normalize_digits;
use vitrin_shared::content::{ContentItem, ContentKind, PromoAction};
use vitrin_shared::ids::{ContentId, OrgId, ScreenId};

use crate::auth::ratelimit;
use crate::db::{Db, Tx, sql};
use crate::error::{ApiError, ApiResult};
use crate::manifest::{DocRow, decode_doc};
use crate::push::Poke;
use crate::state::AppState;

/// A promo as scanned on one screen: what the customer's page is about.
#[derive(Debug, Clone)]
pub struct PromoVisit {
    pub org: OrgId,
    pub org_name: String,
    pub store: i64,
    pub store_name: String,
    pub timezone: String,
    pub screen: ScreenId,
    pub content: ContentId,
    pub headline: String,
    /// The promo's own link (what a scan opens when `leads_to` is a link).
    pub url: String,
    pub leads_to: PromoAction,
}

/// The promo and screen a tracked code names, if both exist in one organization.
pub async fn visit(db: &Db, content: ContentId, screen: ScreenId) -> ApiResult<PromoVisit> {
    let row: Option<(i64, String, String, i64, String, String, String)> = sql(
        "SELECT c.org_id, c.name, c.body, st.id, st.name, st.timezone, o.name FROM content c \
         JOIN screens s ON s.org_id = c.org_id JOIN stores st ON st.id = s.store_id \
         JOIN orgs o ON o.id = c.org_id WHERE c.id = $1 AND s.id = $2",
    )
    .bind(content.0)
    .bind(screen.0)
    .fetch_optional(db)
    .await?;
    let (org, name, body, store, store_name, timezone, org_name) = row.ok_or(ApiError::NotFound)?;
    let item: ContentItem = decode_doc(&DocRow {
        id: content.0,
        name,
        body,
    })?;
    let ContentKind::QrPromo {
        headline,
        url,
        leads_to,
        ..
    } = item.kind
    else {
        return Err(ApiError::NotFound);
    };
    Ok(PromoVisit {
        org: OrgId(org),
        org_name,
        store,
        store_name,
        timezone,
        screen,
        content,
        headline,
        url,
        leads_to,
    })
}

/// Counts one attempt for each key and refuses (429) once a key has had `max` in the window
/// (`ratelimit::WINDOW_MS`). Keys name what is limited: `feedback:addr:…`, `offer:dev:…`.
pub async fn hit(db: &Db, keys: &[(String, i64)]) -> ApiResult<()> {
    for (key, max) in keys {
        if let Some(secs) = ratelimit::blocked_for(db, key, *max).await? {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: secs,
            });
        }
    }
    for (key, _) in keys {
        ratelimit::record_failure(db, key).await?;
    }
    Ok(())
}

/// A phone number in E.164 (`+989121234567`) from how people type it in Iran (`0912…`,
/// `912…`, `0098…`, `+98 912 …`, in Persian or Latin digits) or abroad (`+44…`).
pub fn normalize_phone(typed: &str) -> Option<String> {
    let text = normalize_digits(typed);
    let plus = text.trim_start().starts_with('+');
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '+' | '\u{200c}'))
        .collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("98{rest}")
    } else if digits.len() == 10 && digits.starts_with('9') {
        format!("98{digits}")
    } else {
        digits
    };
    let ok = match international.strip_prefix("98") {
        // Iranian mobiles: 98 9xx xxx xxxx.
        Some(rest) => rest.len() == 10 && rest.starts_with('9'),
        None => (8..=15).contains(&international.len()),
    };
    ok.then(|| format!("+{international}"))
}

/// Rebuilds the manifests of `org`'s screens after a customer's own change (deleting an
/// approved review), which has no principal to go through a `Change`.
pub async fn rebuild(state: &AppState, mut tx: Tx, org: OrgId) -> ApiResult<()> {
    let bumped = crate::manifest::bump_changed(&mut tx, org, None).await?;
    crate::push::announce(&mut tx, &bumped, Poke::News).await?;
    tx.commit().await?;
    state.push.poke(&bumped, Poke::News);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_read_as_people_type_them() {
        for typed in [
            "09121234567",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "+98 912 123 4567",
            "00989121234567",
            "9121234567",
            "0912-123-4567",
        ] {
            assert_eq!(
                normalize_phone(typed).as_deref(),
                Some("+989121234567"),
                "{typed}"
            );
        }
        assert_eq!(
            normalize_phone("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        for bad in ["0912123", "02112345678", "hello", "+98 21 1234 5678", ""] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
    }
}

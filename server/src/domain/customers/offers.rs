//! One-time codes of offers: handed out on the promo's page (one per browser, never more than
//! the offer's limit, even with many customers scanning at once) and redeemed once at a counter
//! (`super::counter`). Only a code's hash is stored; the customer's page shows the code.

use std::net::IpAddr;

use jiff::Timestamp;
use vitrin_shared::content::{Offer, PromoAction};

use super::{PromoVisit, codes, hit};
use crate::db::{Db, now_ms, sql};
use crate::error::{ApiError, ApiResult};

/// Codes one address may be handed in the rate-limit window (a family, a shared Wi-Fi).
pub const PER_ADDRESS: i64 = 20;
const DAY_MS: i64 = 86_400_000;

/// A code as the customer's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub code: String,
    pub expires_at: i64,
    pub redeemed_at: Option<i64>,
}

/// Why no code was handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The offer starts at this instant (ms).
    NotYet(i64),
    Ended,
    /// Every code of the limit has been handed out.
    AllGone,
}

/// The offer a promo leads to.
pub fn offer_of(visit: &PromoVisit) -> ApiResult<&Offer> {
    match &visit.leads_to {
        PromoAction::Offer(offer) => Ok(offer),
        _ => Err(ApiError::NotFound),
    }
}

fn ms(at: Option<Timestamp>) -> Option<i64> {
    at.map(|t| t.as_millisecond())
}

/// Whether the offer hands out codes at `now`.
pub fn availability(offer: &Offer, now: i64) -> Result<(), Unavailable> {
    if let Some(starts) = ms(offer.starts).filter(|s| *s > now) {
        return Err(Unavailable::NotYet(starts));
    }
    if ms(offer.ends).is_some_and(|e| e <= now) {
        return Err(Unavailable::Ended);
    }
    Ok(())
}

/// A code this browser was given before (its cookie holds it), if it belongs to this promo.
pub async fn earlier(db: &Db, visit: &PromoVisit, code: &str) -> ApiResult<Option<Issued>> {
    let Some(hash) = codes::hash(code) else {
        return Ok(None);
    };
    let row: Option<(i64, Option<i64>)> = sql("SELECT expires_at, redeemed_at FROM offer_codes \
         WHERE code_hash = $1 AND org_id = $2 AND content_id = $3")
    .bind(hash)
    .bind(visit.org.0)
    .bind(visit.content.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(expires_at, redeemed_at)| Issued {
        code: code.to_owned(),
        expires_at,
        redeemed_at,
    }))
}

/// Hands out a new code of `visit`'s offer, or says why not.
pub async fn issue(
    db: &Db,
    visit: &PromoVisit,
    address: Option<IpAddr>,
) -> ApiResult<Result<Issued, Unavailable>> {
    let offer = offer_of(visit)?;
    let now = now_ms();
    if let Err(why) = availability(offer, now) {
        return Ok(Err(why));
    }
    if let Some(address) = address {
        hit(db, &[(format!("offer:addr:{address}"), PER_ADDRESS)]).await?;
    }
    let mut expires_at = now + i64::from(offer.valid_days) * DAY_MS;
    if let Some(ends) = ms(offer.ends) {
        expires_at = expires_at.min(ends);
    }
    let code = codes::random(codes::OFFER_LEN);
    let mut tx = db.begin().await?;
    sql("INSERT INTO offer_counts (content_id, issued) VALUES ($1, 0) ON CONFLICT DO NOTHING")
        .bind(visit.content.0)
        .execute(&mut tx)
        .await?;
    // One statement takes a place under the limit: concurrent scans cannot both take the last.
    let taken: Option<(i64,)> = sql(
        "UPDATE offer_counts SET issued = issued + 1 WHERE content_id = $1 AND issued < $2 \
         RETURNING issued",
    )
    .bind(visit.content.0)
    .bind(i64::from(offer.limit))
    .fetch_optional(&mut tx)
    .await?;
    if taken.is_none() {
        return Ok(Err(Unavailable::AllGone));
    }
    sql(
        "INSERT INTO offer_codes (org_id, content_id, screen_id, store_id, code_hash, issued_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(visit.org.0)
    .bind(visit.content.0)
    .bind(visit.screen.0)
    .bind(visit.store)
    .bind(codes::hash(&code).expect("a generated code is well-formed"))
    .bind(now)
    .bind(expires_at)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(Issued {
        code,
        expires_at,
        redeemed_at: None,
    }))
}

/// How many codes of the promo have been handed out.
pub async fn issued_count(db: &Db, content: i64) -> ApiResult<i64> {
    let row: Option<(i64,)> = sql("SELECT issued FROM offer_counts WHERE content_id = $1")
        .bind(content)
        .fetch_optional(db)
        .await?;
    Ok(row.map_or(0, |(n,)| n))
}

//! The counter: a cashier types or scans what the customer's phone shows, an offer's code
//! (redeemed once) or a loyalty card's code (a stamp; every Nth visit is the reward).
//!
//! Redeeming is one conditional UPDATE (`… WHERE redeemed_at IS NULL`): of any number of
//! cashiers redeeming the same code at once, exactly one changes the row and the others are
//! told when and where it was redeemed.

use serde::Serialize;
use utoipa::ToSchema;
use vitrin_shared::content::{ContentItem, ContentKind, PromoAction};

use super::codes;
use crate::auth::{Principal, Role, ratelimit};
use crate::db::{now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::manifest::{DocRow, decode_doc};
use crate::state::AppState;

/// Unknown codes one user may type in the rate-limit window: guessing is hopeless anyway
/// (40 random bits), this keeps it from being tried.
pub const MAX_UNKNOWN: i64 = 30;
/// A second stamp for the same card at the same store within this time is refused: a
/// double scan, not a second visit.
pub const STAMP_GAP_MS: i64 = 10 * 60 * 1000;

/// What the counter did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Redeemed {
    /// An offer's code, redeemed now.
    Offer {
        promo_id: i64,
        /// What the code is worth.
        title: String,
        issued_at: i64,
    },
    /// A loyalty card, stamped now.
    Stamp {
        /// Stamps on the card after this one (0 after the reward).
        stamps: i64,
        every_nth: i64,
        /// This visit is the reward.
        free: bool,
        reward: String,
    },
}

/// Why the counter refused a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No offer code or card of this organization has it.
    Unknown,
    /// Redeemed before, at this instant (ms) in this store.
    AlreadyRedeemed { at: i64, store: String },
    /// The code expired at this instant (ms).
    Expired { at: i64 },
    /// This card was stamped here moments ago, at this instant (ms).
    JustStamped { at: i64 },
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> ApiError {
        match refused {
            Refused::Unknown => ApiError::field(
                "code",
                "unknown_code",
                "no offer code or loyalty card has this code",
            ),
            Refused::AlreadyRedeemed { at, store } => ApiError::Conflict(format!(
                "this code was redeemed at {} in {store}",
                jiff::Timestamp::from_millisecond(at)
                    .map_or_else(|_| at.to_string(), |t| t.to_string())
            )),
            Refused::Expired { at } => ApiError::Gone(format!(
                "this code expired at {}",
                jiff::Timestamp::from_millisecond(at)
                    .map_or_else(|_| at.to_string(), |t| t.to_string())
            )),
            Refused::JustStamped { .. } => {
                ApiError::Conflict("this card was stamped here a few minutes ago".into())
            }
        }
    }
}

/// Redeems or stamps `typed` at `store` for `principal` (owners, editors and the store's
/// managers; viewers may not).
pub async fn redeem(
    state: &AppState,
    principal: &Principal,
    store: i64,
    typed: &str,
) -> ApiResult<Result<Redeemed, Refused>> {
    // Another tenant's or an invisible store is 404 for everyone, viewers included.
    crate::domain::stores::visible_store(state, principal, store).await?;
    principal.require(principal.role != Role::Viewer)?;
    let Some(hash) = codes::hash(typed) else {
        return Err(ApiError::field(
            "code",
            "invalid",
            "a code has 8 or 10 letters and digits, e.g. K7M2-9QXD",
        ));
    };
    let guesses = format!("counter:user:{}", principal.user_id);
    if let Some(secs) = ratelimit::blocked_for(&state.db, &guesses, MAX_UNKNOWN).await? {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: secs,
        });
    }
    let outcome = match redeem_offer(state, principal, store, &hash).await? {
        Some(outcome) => outcome,
        None => match stamp(state, principal, store, &hash).await? {
            Some(outcome) => outcome,
            None => Err(Refused::Unknown),
        },
    };
    if outcome == Err(Refused::Unknown) {
        ratelimit::record_failure(&state.db, &guesses).await?;
    }
    Ok(outcome)
}

/// `None` when no offer code has this hash.
async fn redeem_offer(
    state: &AppState,
    principal: &Principal,
    store: i64,
    hash: &str,
) -> ApiResult<Option<Result<Redeemed, Refused>>> {
    let now = now_ms();
    let won: Option<(i64, i64)> = sql(
        "UPDATE offer_codes SET redeemed_at = $1, redeemed_by = $2, redeemed_store = $3 \
         WHERE code_hash = $4 AND org_id = $5 AND redeemed_at IS NULL AND expires_at > $1 \
         RETURNING content_id, issued_at",
    )
    .bind(now)
    .bind(principal.user_id)
    .bind(store)
    .bind(hash)
    .bind(principal.org.0)
    .fetch_optional(&state.db)
    .await?;
    if let Some((promo_id, issued_at)) = won {
        return Ok(Some(Ok(Redeemed::Offer {
            promo_id,
            title: offer_title(state, principal, promo_id).await?,
            issued_at,
        })));
    }
    let row: Option<(Option<i64>, i64, Option<String>)> = sql(
        "SELECT c.redeemed_at, c.expires_at, st.name FROM offer_codes c \
         LEFT JOIN stores st ON st.id = c.redeemed_store \
         WHERE c.code_hash = $1 AND c.org_id = $2",
    )
    .bind(hash)
    .bind(principal.org.0)
    .fetch_optional(&state.db)
    .await?;
    Ok(
        row.map(|(redeemed_at, expires_at, store)| match redeemed_at {
            Some(at) => Err(Refused::AlreadyRedeemed {
                at,
                store: store.unwrap_or_default(),
            }),
            None => Err(Refused::Expired { at: expires_at }),
        }),
    )
}

async fn offer_title(state: &AppState, principal: &Principal, promo: i64) -> ApiResult<String> {
    let row: Option<(String, String)> =
        sql("SELECT name, body FROM content WHERE id = $1 AND org_id = $2")
            .bind(promo)
            .bind(principal.org.0)
            .fetch_optional(&state.db)
            .await?;
    let Some((name, body)) = row else {
        return Ok(String::new());
    };
    let item: ContentItem = decode_doc(&DocRow {
        id: promo,
        name: name.clone(),
        body,
    })?;
    Ok(match item.kind {
        ContentKind::QrPromo {
            leads_to: PromoAction::Offer(offer),
            ..
        } => offer.title,
        _ => name,
    })
}

/// `None` when no card of the organization has this code.
async fn stamp(
    state: &AppState,
    principal: &Principal,
    store: i64,
    hash: &str,
) -> ApiResult<Option<Result<Redeemed, Refused>>> {
    let Some(program) = super::loyalty::program(&state.db, principal.org).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let card: Option<(i64,)> =
        sql("SELECT id FROM loyalty_cards WHERE code_hash = $1 AND org_id = $2")
            .bind(hash)
            .bind(principal.org.0)
            .fetch_optional(&mut tx)
            .await?;
    let Some((card,)) = card else {
        return Ok(None);
    };
    let last: Option<(i64,)> = sql(
        "SELECT MAX(at) FROM loyalty_visits WHERE card_id = $1 AND store_id = $2 \
         HAVING MAX(at) IS NOT NULL",
    )
    .bind(card)
    .bind(store)
    .fetch_optional(&mut tx)
    .await?;
    if let Some((at,)) = last.filter(|(at,)| now - at < STAMP_GAP_MS) {
        return Ok(Some(Err(Refused::JustStamped { at })));
    }
    let (stamps,): (i64,) = sql(
        "UPDATE loyalty_cards SET stamps = CASE WHEN stamps + 1 >= $1 THEN 0 ELSE stamps + 1 END \
         WHERE id = $2 RETURNING CAST(stamps AS BIGINT)",
    )
    .bind(program.every_nth)
    .bind(card)
    .fetch_one(&mut tx)
    .await?;
    let free = stamps == 0;
    sql(
        "INSERT INTO loyalty_visits (org_id, card_id, store_id, at, free) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(principal.org.0)
    .bind(card)
    .bind(store)
    .bind(now)
    .bind(free)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(Some(Ok(Redeemed::Stamp {
        stamps,
        every_nth: program.every_nth,
        free,
        reward: program.reward,
    })))
}

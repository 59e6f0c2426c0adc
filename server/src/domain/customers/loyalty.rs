//! Loyalty stamps: "a stamp per visit, every Nth is free". A customer joins on the page the
//! counter's QR promo leads to, by confirming their phone number with a one-time code sent by
//! text message (`super::sms`); their browser then holds the card's secret token, and the card
//! page shows the code the counter scans for a stamp (`super::counter`). Joining again from a
//! new phone with the same number moves the card there (the old phone's link stops working).
//!
//! Only a salted hash of the phone number is kept: the shop cannot list its customers' numbers,
//! and a card is found only by its holder's token or the code the holder shows.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::calendar::to_persian_digits;
use vitrin_shared::ids::OrgId;
use vitrin_shared::input::accept_line;

use super::{codes, hit, normalize_phone, sms};
use crate::auth::{Principal, token};
use crate::changes::{Audit, Change};
use crate::db::{Db, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long a text-message code can be used.
pub const CHALLENGE_MS: i64 = 10 * 60 * 1000;
/// Wrong codes a challenge takes before it is void.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes requested from one address, and for one number, in the rate-limit window.
pub const TEXTS_PER_ADDRESS: i64 = 5;
pub const TEXTS_PER_PHONE: i64 = 3;

/// The organization's programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Program {
    /// Every this-many-th visit is the reward (2–50).
    pub every_nth: i64,
    /// What the reward is ("a free coffee").
    pub reward: String,
}

pub async fn program(db: &Db, org: OrgId) -> ApiResult<Option<Program>> {
    let row: Option<(i64, String)> =
        sql("SELECT CAST(every_nth AS BIGINT), reward FROM loyalty_programs WHERE org_id = $1")
            .bind(org.0)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(every_nth, reward)| Program { every_nth, reward }))
}

/// Sets the programme (owners only). Cards keep their stamps.
pub async fn set_program(
    state: &AppState,
    principal: &Principal,
    mut input: Program,
) -> ApiResult<Program> {
    principal.require(principal.is_owner())?;
    let mut errors = ValidationErrors::default();
    if !(2..=50).contains(&input.every_nth) {
        errors.add("every_nth", "out_of_range", "every 2nd to every 50th visit");
    }
    accept_line("reward", &mut input.reward, &mut errors);
    if input.reward.is_empty() {
        errors.add(
            "reward",
            "required",
            "say what the reward is (a free coffee)",
        );
    } else if input.reward.chars().count() > 120 {
        errors.add("reward", "too_long", "at most 120 characters");
    }
    errors.into_result()?;
    let mut change = Change::begin(state, principal).await?;
    sql(
        "INSERT INTO loyalty_programs (org_id, every_nth, reward, phone_salt, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET \
         every_nth = excluded.every_nth, reward = excluded.reward, updated_at = excluded.updated_at",
    )
    .bind(principal.org.0)
    .bind(input.every_nth)
    .bind(&input.reward)
    .bind(token::generate("vs_"))
    .bind(now_ms())
    .execute(change.ex())
    .await?;
    change
        .commit(Audit {
            action: "update",
            object_type: "loyalty",
            object_id: None,
            summary: format!("every {} visits: {}", input.every_nth, input.reward),
        })
        .await?;
    Ok(input)
}

async fn phone_hash(db: &Db, org: OrgId, phone: &str) -> ApiResult<String> {
    let row: Option<(String,)> = sql("SELECT phone_salt FROM loyalty_programs WHERE org_id = $1")
        .bind(org.0)
        .fetch_optional(db)
        .await?;
    let (salt,) = row.ok_or(ApiError::NotFound)?;
    Ok(token::hash(&format!("{salt}:{phone}")))
}

/// Sends a one-time code to the typed phone number. Returns the secret that ties the
/// confirmation to this browser.
pub async fn start(
    state: &AppState,
    org: OrgId,
    org_name: &str,
    typed_phone: &str,
    fa: bool,
    address: Option<IpAddr>,
) -> ApiResult<String> {
    let phone = normalize_phone(typed_phone).ok_or_else(|| {
        ApiError::field(
            "phone",
            "invalid",
            "a mobile number such as 0912 123 4567 or +98 912 123 4567",
        )
    })?;
    let phone_hash = phone_hash(&state.db, org, &phone).await?;
    let mut limits = vec![(format!("sms:phone:{phone_hash}"), TEXTS_PER_PHONE)];
    if let Some(address) = address {
        limits.push((format!("sms:addr:{address}"), TEXTS_PER_ADDRESS));
    }
    hit(&state.db, &limits).await?;
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let code = format!("{:06}", u32::from_be_bytes(bytes) % 1_000_000);
    let secret = token::generate("vp_");
    sql(
        "INSERT INTO phone_challenges (org_id, phone_hash, code_hash, token_hash, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(&phone_hash)
    .bind(token::hash(&code))
    .bind(token::hash(&secret))
    .bind(now_ms() + CHALLENGE_MS)
    .execute(&state.db)
    .await?;
    let text = if fa {
        format!(
            "کد تأیید کارت وفاداری {org_name}: {}",
            to_persian_digits(&code)
        )
    } else {
        format!("Your {org_name} loyalty card code: {code}")
    };
    sms::send(&state.config, &phone, &text).await.map_err(|e| {
        tracing::warn!("a loyalty code could not be sent: {e}");
        ApiError::field(
            "phone",
            "not_sent",
            "the text message could not be sent; try again in a minute",
        )
    })?;
    Ok(secret)
}

/// Checks the code typed back. On success the card (new, or the number's existing one, now
/// moved to this browser) gets a new secret token, returned for the browser to keep.
pub async fn confirm(db: &Db, org: OrgId, challenge: &str, typed_code: &str) -> ApiResult<String> {
    let row: Option<(i64, String, String, i64, i64)> = sql(
        "SELECT id, phone_hash, code_hash, expires_at, CAST(attempts AS BIGINT) \
         FROM phone_challenges WHERE token_hash = $1 AND org_id = $2",
    )
    .bind(token::hash(challenge))
    .bind(org.0)
    .fetch_optional(db)
    .await?;
    let (id, phone_hash, code_hash, expires_at, attempts) =
        row.ok_or_else(|| ApiError::Gone("ask for a new code".into()))?;
    if expires_at <= now_ms() || attempts >= MAX_ATTEMPTS {
        sql("DELETE FROM phone_challenges WHERE id = $1")
            .bind(id)
            .execute(db)
            .await?;
        return Err(ApiError::Gone(
            "this code has expired; ask for a new one".into(),
        ));
    }
    let typed: String = vitrin_shared::calendar::normalize_digits(typed_code)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if token::hash(&typed) != code_hash {
        sql("UPDATE phone_challenges SET attempts = attempts + 1 WHERE id = $1")
            .bind(id)
            .execute(db)
            .await?;
        return Err(ApiError::field(
            "code",
            "wrong",
            "that is not the code we sent; check the message",
        ));
    }
    let card_token = token::generate("vc_");
    let card_code = codes::card_code(&card_token);
    let mut tx = db.begin().await?;
    sql("DELETE FROM phone_challenges WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    sql(
        "INSERT INTO loyalty_cards (org_id, phone_hash, token_hash, code_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, phone_hash) DO UPDATE SET \
         token_hash = excluded.token_hash, code_hash = excluded.code_hash",
    )
    .bind(org.0)
    .bind(&phone_hash)
    .bind(token::hash(&card_token))
    .bind(codes::hash(&card_code).expect("a derived code is well-formed"))
    .bind(now_ms())
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(card_token)
}

/// A card as its holder sees it.
#[derive(Debug, Clone)]
pub struct Card {
    pub org: OrgId,
    pub org_name: String,
    /// What the counter scans.
    pub code: String,
    pub stamps: i64,
    pub visits: i64,
    pub rewards: i64,
    pub program: Program,
}

/// The card whose secret token this browser holds.
pub async fn card(db: &Db, card_token: &str) -> ApiResult<Option<Card>> {
    let row: Option<(i64, i64, String, i64, i64, String)> =
        sql("SELECT c.id, c.org_id, o.name, CAST(c.stamps AS BIGINT), \
         CAST(p.every_nth AS BIGINT), p.reward FROM loyalty_cards c \
         JOIN orgs o ON o.id = c.org_id JOIN loyalty_programs p ON p.org_id = c.org_id \
         WHERE c.token_hash = $1")
        .bind(token::hash(card_token))
        .fetch_optional(db)
        .await?;
    let Some((id, org, org_name, stamps, every_nth, reward)) = row else {
        return Ok(None);
    };
    let (visits, rewards): (i64, i64) = sql(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN free THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM loyalty_visits WHERE card_id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(Some(Card {
        org: OrgId(org),
        org_name,
        code: codes::card_code(card_token),
        stamps,
        visits,
        rewards,
        program: Program { every_nth, reward },
    }))
}

/// Deletes the card whose token this is, with all its visits. `false` when there is none.
pub async fn delete(db: &Db, card_token: &str) -> ApiResult<bool> {
    let mut tx = db.begin().await?;
    let row: Option<(i64,)> = sql("SELECT id FROM loyalty_cards WHERE token_hash = $1")
        .bind(token::hash(card_token))
        .fetch_optional(&mut tx)
        .await?;
    let Some((id,)) = row else {
        return Ok(false);
    };
    sql("DELETE FROM loyalty_visits WHERE card_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM loyalty_cards WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

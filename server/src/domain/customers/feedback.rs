//! Feedback through a QR promo's form (1–5 stars, an optional comment, an optional signature
//! for a review, optional contact), the store's inbox with its low-rating alert, and approved
//! comments as reviews on screen.
//!
//! Approving or hiding goes through a `Change`, so the screens whose reviews content shows the
//! comment get a new manifest at once. The customer is given a link that deletes what they
//! sent (only its hash is stored).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::content::{ContentItem, ContentKind, Review};
use vitrin_shared::ids::StoreId;
use vitrin_shared::input::{accept_line, check_block, normalize_block};

use super::{PromoVisit, hit};
use crate::auth::{Principal, Role, token};
use crate::changes::{Audit, Change};
use crate::db::{Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Ratings at or below this alert the store in the admin.
pub const LOW_RATING: i64 = 2;
/// Longest comment, in characters.
pub const MAX_COMMENT: usize = 1000;
/// Feedback one address may send in the rate-limit window.
pub const PER_ADDRESS: i64 = 10;
/// Approved reviews loaded for reviews content, newest first.
const REVIEWS_LOADED: i64 = 500;

/// What the customer typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    pub rating: i64,
    pub comment: String,
    pub signed: String,
    pub contact: String,
    /// Ticked: the comment may be shown on the shop's screens once approved.
    pub public: String,
    pub lang: String,
}

/// Stores feedback about the store of `visit`'s screen. Returns its id and the secret that
/// deletes it.
pub async fn submit(
    state: &AppState,
    visit: &PromoVisit,
    mut input: FeedbackInput,
    address: Option<IpAddr>,
) -> ApiResult<(i64, String)> {
    let mut errors = ValidationErrors::default();
    if !(1..=5).contains(&input.rating) {
        errors.add("rating", "required", "choose from one to five stars");
    }
    normalize_block(&mut input.comment);
    input.comment = input.comment.trim().to_owned();
    check_block("comment", &input.comment, &mut errors);
    if input.comment.chars().count() > MAX_COMMENT {
        errors.add(
            "comment",
            "too_long",
            format!("at most {MAX_COMMENT} characters"),
        );
    }
    for (field, text, max) in [
        ("signed", &mut input.signed, 60),
        ("contact", &mut input.contact, 120),
    ] {
        accept_line(field, text, &mut errors);
        if text.chars().count() > max {
            errors.add(field, "too_long", format!("at most {max} characters"));
        }
    }
    errors.into_result()?;
    if let Some(address) = address {
        hit(
            &state.db,
            &[(format!("feedback:addr:{address}"), PER_ADDRESS)],
        )
        .await?;
    }
    let secret = token::generate("vf_");
    let lang = if input.lang == "en" { "en" } else { "fa" };
    let (id,): (i64,) = sql(
        "INSERT INTO feedback (org_id, store_id, screen_id, content_id, at, rating, comment, \
         signed, contact, public, lang, delete_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12) RETURNING id",
    )
    .bind(visit.org.0)
    .bind(visit.store)
    .bind(visit.screen.0)
    .bind(visit.content.0)
    .bind(now_ms())
    .bind(input.rating)
    .bind(&input.comment)
    .bind(&input.signed)
    .bind(&input.contact)
    .bind(!input.public.is_empty() && !input.comment.is_empty())
    .bind(lang)
    .bind(token::hash(&secret))
    .fetch_one(&state.db)
    .await?;
    Ok((id, secret))
}

/// Whether the feedback `secret` was given for is still there.
pub async fn exists(db: &crate::db::Db, secret: &str) -> ApiResult<bool> {
    let row: Option<(i64,)> = sql("SELECT id FROM feedback WHERE delete_hash = $1")
        .bind(token::hash(secret))
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Deletes the feedback `secret` was given for. `false` when there is none (deleted already).
pub async fn delete_by_secret(state: &AppState, secret: &str) -> ApiResult<bool> {
    let mut tx = state.db.begin().await?;
    let row: Option<(i64, String)> =
        sql("DELETE FROM feedback WHERE delete_hash = $1 RETURNING org_id, status")
            .bind(token::hash(secret))
            .fetch_optional(&mut tx)
            .await?;
    match row {
        Some((org, status)) if status == "approved" => {
            super::rebuild(state, tx, vitrin_shared::ids::OrgId(org)).await?;
            Ok(true)
        }
        Some(_) => {
            tx.commit().await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// One piece of feedback as the inbox shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Feedback {
    pub id: i64,
    pub store_id: i64,
    pub store: String,
    pub screen_id: i64,
    pub promo_id: i64,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub rating: i64,
    pub comment: String,
    pub signed: String,
    /// Given by the customer to be contacted about this feedback.
    pub contact: String,
    /// The customer agreed to the comment being shown on screens.
    pub public: bool,
    pub lang: String,
    /// `new`, `read`, `approved` (shown in reviews content) or `hidden`.
    pub status: String,
}

/// Which feedback the inbox lists.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFilter {
    /// Only this store.
    pub store: Option<i64>,
    /// Only this status.
    pub status: Option<String>,
    /// Only ratings at or below this (2: the low ones).
    pub max_rating: Option<i64>,
}

pub const STATUSES: [&str; 4] = ["new", "read", "approved", "hidden"];

/// The SQL condition limiting `f` (feedback) rows to the stores `principal` sees.
fn visible(principal: &Principal) -> String {
    if principal.role == Role::StoreManager {
        let ids: Vec<String> = principal.stores.iter().map(|s| s.0.to_string()).collect();
        if ids.is_empty() {
            " AND 1 = 0".to_owned()
        } else {
            format!(" AND f.store_id IN ({})", ids.join(", "))
        }
    } else {
        String::new()
    }
}

/// The newest 500 pieces of feedback `principal` may see, filtered.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &FeedbackFilter,
) -> ApiResult<Vec<Feedback>> {
    read(state, principal, filter, None).await
}

/// `list`, or only the piece `id` when given.
async fn read(
    state: &AppState,
    principal: &Principal,
    filter: &FeedbackFilter,
    id: Option<i64>,
) -> ApiResult<Vec<Feedback>> {
    let mut condition = visible(principal);
    if let Some(id) = id {
        condition.push_str(&format!(" AND f.id = {id}"));
    }
    if let Some(store) = filter.store {
        // Another tenant's or an invisible store: 404, like every other filter by store.
        crate::domain::stores::visible_store(state, principal, store).await?;
        condition.push_str(&format!(" AND f.store_id = {store}"));
    }
    if let Some(status) = &filter.status {
        let status = STATUSES
            .iter()
            .find(|s| *s == status)
            .ok_or_else(|| ApiError::field("status", "invalid", "new, read, approved or hidden"))?;
        condition.push_str(&format!(" AND f.status = '{status}'"));
    }
    if let Some(max) = filter.max_rating {
        condition.push_str(&format!(" AND f.rating <= {}", max.clamp(0, 5)));
    }
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        i64,
        String,
        i64,
        i64,
        i64,
        i64,
        String,
        String,
        String,
        bool,
        String,
        String,
    )> = sql(format!(
        "SELECT f.id, f.store_id, st.name, f.screen_id, f.content_id, f.at, \
             CAST(f.rating AS BIGINT), f.comment, f.signed, f.contact, f.public, f.lang, \
             f.status \
             FROM feedback f JOIN stores st ON st.id = f.store_id \
             WHERE f.org_id = $1{condition} ORDER BY f.at DESC, f.id DESC LIMIT 500"
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                store_id,
                store,
                screen_id,
                promo_id,
                at,
                rating,
                comment,
                signed,
                contact,
                public,
                lang,
                status,
            )| {
                Feedback {
                    id,
                    store_id,
                    store,
                    screen_id,
                    promo_id,
                    at,
                    rating,
                    comment,
                    signed,
                    contact,
                    public,
                    lang,
                    status,
                }
            },
        )
        .collect())
}

/// Low ratings nobody has looked at yet, in the stores `principal` sees: the admin's alert.
pub async fn unread_low(state: &AppState, principal: &Principal) -> ApiResult<i64> {
    let (n,): (i64,) = sql(format!(
        "SELECT COUNT(*) FROM feedback f WHERE f.org_id = $1 AND f.status = 'new' \
         AND f.rating <= {LOW_RATING}{}",
        visible(principal)
    ))
    .bind(principal.org.0)
    .fetch_one(&state.db)
    .await?;
    Ok(n)
}

/// Marks feedback read, approved (a review on screen; it needs a comment) or hidden. Owners,
/// editors and the store's managers may; viewers may not.
pub async fn set_status(
    state: &AppState,
    principal: &Principal,
    id: i64,
    status: &str,
) -> ApiResult<Feedback> {
    principal.require(principal.role != Role::Viewer)?;
    let status = *STATUSES
        .iter()
        .find(|s| **s == status)
        .ok_or_else(|| ApiError::field("status", "invalid", "new, read, approved or hidden"))?;
    let mut change = Change::begin(state, principal).await?;
    let row: Option<(i64, bool, i64)> = sql(
        "SELECT store_id, public, CAST(rating AS BIGINT) FROM feedback \
         WHERE id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(principal.org.0)
    .fetch_optional(change.ex())
    .await?;
    let (store, public, rating) = row.ok_or(ApiError::NotFound)?;
    if !principal.sees_store(StoreId(store)) {
        return Err(ApiError::NotFound);
    }
    if status == "approved" && !public {
        return Err(ApiError::field(
            "status",
            "not_public",
            "only a comment its writer agreed to show can be a review on screen",
        ));
    }
    sql("UPDATE feedback SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit::of(
            "update",
            "feedback",
            id,
            format!("{status} ({rating} stars)"),
        ))
        .await?;
    read(state, principal, &FeedbackFilter::default(), Some(id))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// An approved review with its store, as manifests are built from.
#[derive(Debug, Clone)]
pub struct ApprovedReview {
    pub store_id: i64,
    pub review: Review,
}

/// The organization's approved reviews, newest first.
pub async fn approved(
    ex: &mut Tx,
    org: vitrin_shared::ids::OrgId,
) -> crate::db::DbResult<Vec<ApprovedReview>> {
    let rows: Vec<(i64, String, i64, String, String)> = sql(format!(
        "SELECT f.store_id, st.name, CAST(f.rating AS BIGINT), f.comment, f.signed \
         FROM feedback f JOIN stores st ON st.id = f.store_id \
         WHERE f.org_id = $1 AND f.status = 'approved' AND f.public ORDER BY f.at DESC, f.id DESC \
         LIMIT {REVIEWS_LOADED}"
    ))
    .bind(org.0)
    .fetch_all(&mut *ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(store_id, store, rating, text, by)| ApprovedReview {
            store_id,
            review: Review {
                rating: rating.clamp(1, 5) as u8,
                text,
                by,
                store,
            },
        })
        .collect())
}

/// Puts into each reviews item the approved reviews it shows: at least its stars, of the
/// screen's store (`store`) when it asks for its own store's only, the newest first.
pub fn fill_reviews(content: &mut [ContentItem], reviews: &[ApprovedReview], store: Option<i64>) {
    for item in content {
        if let ContentKind::Reviews {
            min_rating,
            max_items,
            own_store,
            reviews: shown,
            ..
        } = &mut item.kind
        {
            *shown = reviews
                .iter()
                .filter(|r| r.review.rating >= *min_rating)
                .filter(|r| !*own_store || Some(r.store_id) == store)
                .take(*max_items as usize)
                .map(|r| r.review.clone())
                .collect();
        }
    }
}

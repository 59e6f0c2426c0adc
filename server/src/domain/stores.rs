//! Stores: a branch of the organization, with its address and IANA timezone.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::StoreId;
use vitrin_shared::input::{canonical_timezone, check_block, normalize_line};

use super::accept_name;

use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::refs;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Store {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// IANA name, e.g. `Asia/Tehran`; the store's screens follow it.
    pub timezone: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StoreInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub timezone: String,
}

impl StoreInput {
    /// Brings the input into its stored form (texts normalised, the timezone under its
    /// canonical IANA name), then checks it.
    fn accept(&mut self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        accept_name(&mut self.name, &mut errors);
        // A postal address may take several lines.
        normalize_line(&mut self.address);
        check_block("address", &self.address, &mut errors);
        if let Some(name) = accept_timezone(&self.timezone, &mut errors) {
            self.timezone = name;
        }
        errors.into_result()
    }
}

/// The canonical IANA name of a time zone typed in any case (`asia/tehran` is
/// `Asia/Tehran`), or an error on the `timezone` field.
fn accept_timezone(typed: &str, errors: &mut ValidationErrors) -> Option<String> {
    let name = canonical_timezone(typed);
    if name.is_none() {
        errors.add(
            "timezone",
            "unknown_timezone",
            format!("'{typed}' is not an IANA timezone such as Asia/Tehran"),
        );
    }
    name
}

const COLUMNS: &str = "id, name, address, timezone, created_at, updated_at";

/// A store of the principal's organization that the principal may see, or 404.
pub async fn visible_store(state: &AppState, principal: &Principal, id: i64) -> ApiResult<Store> {
    let store: Store = sql(format!(
        "SELECT {COLUMNS} FROM stores WHERE org_id = $1 AND id = $2"
    ))
    .bind(principal.org.0)
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(ApiError::NotFound)?;
    if !principal.sees_store(StoreId(store.id)) {
        return Err(ApiError::NotFound);
    }
    Ok(store)
}

/// The stores the principal sees.
pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<Store>> {
    let stores: Vec<Store> = sql(format!(
        "SELECT {COLUMNS} FROM stores WHERE org_id = $1 ORDER BY name"
    ))
    .bind(principal.org.0)
    .fetch_all(&state.db)
    .await?;
    Ok(stores
        .into_iter()
        .filter(|s| principal.sees_store(StoreId(s.id)))
        .collect())
}

/// A new store (owners only).
pub async fn create(
    state: &AppState,
    principal: &Principal,
    mut input: StoreInput,
) -> ApiResult<Store> {
    principal.require(principal.is_owner())?;
    input.accept()?;
    let mut change = Change::begin(state, principal).await?;
    let now = now_ms();
    let store: Store = sql(format!(
        "INSERT INTO stores (org_id, name, address, timezone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {COLUMNS}"
    ))
    .bind(principal.org.0)
    .bind(&input.name)
    .bind(&input.address)
    .bind(&input.timezone)
    .bind(now)
    .fetch_one(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "create",
            "store",
            store.id,
            format!("create store '{}'", store.name),
        ))
        .await?;
    Ok(store)
}

/// Changes a store's details (owners; store managers their own stores).
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    mut input: StoreInput,
) -> ApiResult<Store> {
    visible_store(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(id)))?;
    input.accept()?;
    let mut change = Change::begin(state, principal).await?;
    let store: Store = sql(format!(
        "UPDATE stores SET name = $1, address = $2, timezone = $3, updated_at = $4 \
         WHERE org_id = $5 AND id = $6 RETURNING {COLUMNS}"
    ))
    .bind(&input.name)
    .bind(&input.address)
    .bind(&input.timezone)
    .bind(now_ms())
    .bind(principal.org.0)
    .bind(id)
    .fetch_one(change.ex())
    .await?;
    change
        .commit(Audit::of(
            "update",
            "store",
            id,
            format!("update store '{}'", store.name),
        ))
        .await?;
    Ok(store)
}

/// Refused (409) while the store still has screens or a rule names it.
pub async fn delete(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let store = visible_store(state, principal, id).await?;
    principal.require(principal.is_owner())?;
    let mut change = Change::begin(state, principal).await?;
    let screens = sql("SELECT COUNT(*) FROM screens WHERE store_id = $1")
        .bind(id)
        .fetch_i64(change.ex())
        .await?;
    if screens > 0 {
        return Err(ApiError::Conflict(format!(
            "the store still has {screens} screen(s); move or delete them first"
        )));
    }
    refs::ensure_unused(&mut change.tx, principal.org, "store", &id.to_string()).await?;
    // Its brand kit's pictures are no longer used by it.
    refs::clear(&mut change.tx, "store_brand", id).await?;
    sql("DELETE FROM stores WHERE id = $1")
        .bind(id)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit::of(
            "delete",
            "store",
            id,
            format!("delete store '{}'", store.name),
        ))
        .await?;
    Ok(())
}

/// Sets the time zone of `store` inside `change` (those who manage the store); returns whether
/// it changed.
pub async fn set_timezone_in(
    change: &mut Change<'_>,
    store: i64,
    timezone: &str,
) -> ApiResult<bool> {
    let principal = change.principal;
    let current: Option<(String,)> =
        sql("SELECT timezone FROM stores WHERE org_id = $1 AND id = $2")
            .bind(principal.org.0)
            .bind(store)
            .fetch_optional(change.ex())
            .await?;
    let (current,) = current
        .filter(|_| principal.sees_store(StoreId(store)))
        .ok_or(ApiError::NotFound)?;
    let mut errors = ValidationErrors::new();
    let Some(timezone) = accept_timezone(timezone, &mut errors) else {
        return Err(errors.into());
    };
    if timezone == current {
        return Ok(false);
    }
    principal.require(principal.can_manage_store(StoreId(store)))?;
    sql("UPDATE stores SET timezone = $1, updated_at = $2 WHERE id = $3")
        .bind(&timezone)
        .bind(now_ms())
        .bind(store)
        .execute(change.ex())
        .await?;
    Ok(true)
}

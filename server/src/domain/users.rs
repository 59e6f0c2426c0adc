//! Users of the organization and their roles. Owners only.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vitrin_shared::ValidationErrors;

use super::account::{check_credentials, create_user_row, normalize_email};
use crate::auth::{Principal, Role, password};
use crate::changes::{Audit, record_audit};
use crate::db::{Arg, Db, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The stores a store manager manages.
    pub stores: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub stores: Vec<i64>,
    /// Required for a new user; leave out to keep the current one.
    #[serde(default)]
    pub password: Option<String>,
}

async fn load(db: &Db, org: i64, id: i64) -> ApiResult<User> {
    let (id, email, name, role): (i64, String, String, String) =
        sql("SELECT id, email, name, role FROM users WHERE org_id = $1 AND id = $2")
            .bind(org)
            .bind(id)
            .fetch_optional(db)
            .await?
            .ok_or(ApiError::NotFound)?;
    let stores: Vec<(i64,)> =
        sql("SELECT store_id FROM user_stores WHERE user_id = $1 ORDER BY store_id")
            .bind(id)
            .fetch_all(db)
            .await?;
    Ok(User {
        id,
        email,
        name,
        role: Role::parse(&role).ok_or_else(|| ApiError::internal("unknown role"))?,
        stores: stores.into_iter().map(|(s,)| s).collect(),
    })
}

async fn set_stores(tx: &mut Tx, org: i64, user: i64, input: &UserInput) -> ApiResult<()> {
    sql("DELETE FROM user_stores WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let mut errors = ValidationErrors::new();
    if input.role == Role::StoreManager && input.stores.is_empty() {
        errors.add(
            "stores",
            "required",
            "a store manager manages at least one store",
        );
    }
    if input.role != Role::StoreManager && !input.stores.is_empty() {
        errors.add("stores", "not_allowed", "only store managers have stores");
    }
    for (i, store) in input.stores.iter().enumerate() {
        let known = sql("SELECT COUNT(*) FROM stores WHERE org_id = $1 AND id = $2")
            .bind(org)
            .bind(*store)
            .fetch_i64(&mut *tx)
            .await?;
        if known == 0 {
            errors.add(format!("stores.{i}"), "unknown", "no such store");
            continue;
        }
        sql("INSERT INTO user_stores (user_id, store_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user)
            .bind(*store)
            .execute(&mut *tx)
            .await?;
    }
    Ok(errors.into_result()?)
}

/// An organization never loses its last owner.
async fn ensure_other_owner(tx: &mut Tx, org: i64, user: i64) -> ApiResult<()> {
    let others =
        sql("SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'owner' AND id <> $2")
            .bind(org)
            .bind(user)
            .fetch_i64(&mut *tx)
            .await?;
    if others == 0 {
        return Err(ApiError::Conflict(
            "the organization needs at least one owner".into(),
        ));
    }
    Ok(())
}

pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<User>> {
    principal.require(principal.is_owner())?;
    let ids: Vec<(i64,)> = sql("SELECT id FROM users WHERE org_id = $1 ORDER BY email")
        .bind(principal.org.0)
        .fetch_all(&state.db)
        .await?;
    let mut users = Vec::new();
    for (id,) in ids {
        users.push(load(&state.db, principal.org.0, id).await?);
    }
    Ok(users)
}

pub async fn get(state: &AppState, principal: &Principal, id: i64) -> ApiResult<User> {
    // Another organization's user is 404 before it is 403.
    let user = load(&state.db, principal.org.0, id).await?;
    principal.require(principal.is_owner())?;
    Ok(user)
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    mut input: UserInput,
) -> ApiResult<User> {
    principal.require(principal.is_owner())?;
    let email = normalize_email(&input.email);
    let mut errors = ValidationErrors::new();
    super::accept_name(&mut input.name, &mut errors);
    match &input.password {
        Some(p) => check_credentials(&email, Some(p), &mut errors),
        None => {
            check_credentials(&email, None, &mut errors);
            errors.add("password", "required", "a new user needs a password");
        }
    }
    errors.into_result()?;
    let hash = password::hash(input.password.clone().unwrap_or_default()).await?;
    let org = principal.org.0;
    let mut tx = state.db.begin().await?;
    let id = create_user_row(&mut tx, org, &email, input.name.trim(), &hash, input.role).await?;
    set_stores(&mut tx, org, id, &input).await?;
    record_audit(
        &mut tx,
        principal,
        Audit::of(
            "create",
            "user",
            id,
            format!("create user {email} as {}", input.role.as_str()),
        ),
    )
    .await?;
    tx.commit().await?;
    load(&state.db, org, id).await
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    mut input: UserInput,
) -> ApiResult<User> {
    let org = principal.org.0;
    let before = load(&state.db, org, id).await?;
    principal.require(principal.is_owner())?;
    let email = normalize_email(&input.email);
    let mut errors = ValidationErrors::new();
    super::accept_name(&mut input.name, &mut errors);
    check_credentials(&email, input.password.as_deref(), &mut errors);
    errors.into_result()?;
    let hash = match input.password.clone() {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let mut tx = state.db.begin().await?;
    if before.role == Role::Owner && input.role != Role::Owner {
        ensure_other_owner(&mut tx, org, id).await?;
    }
    sql("UPDATE users SET email = $1, name = $2, role = $3, \
         password_hash = COALESCE($4, password_hash), updated_at = $5 WHERE id = $6")
    .bind(&email)
    .bind(input.name.trim())
    .bind(input.role.as_str())
    .bind(hash.clone())
    .bind(now_ms())
    .bind(id)
    .execute(&mut tx)
    .await
    .map_err(|e| match e {
        crate::db::DbError::Conflict => ApiError::field(
            "email",
            "taken",
            "an account with this e-mail already exists",
        ),
        other => other.into(),
    })?;
    set_stores(&mut tx, org, id, &input).await?;
    if hash.is_some() || input.role != before.role {
        // A new password or role ends the user's other sessions.
        sql("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
    }
    record_audit(
        &mut tx,
        principal,
        Audit::of(
            "update",
            "user",
            id,
            format!("update user {email} ({})", input.role.as_str()),
        ),
    )
    .await?;
    tx.commit().await?;
    load(&state.db, org, id).await
}

pub async fn delete(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let org = principal.org.0;
    let user = load(&state.db, org, id).await?;
    principal.require(principal.is_owner())?;
    let mut tx = state.db.begin().await?;
    if user.role == Role::Owner {
        ensure_other_owner(&mut tx, org, id).await?;
    }
    sql("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    record_audit(
        &mut tx,
        principal,
        Audit::of("delete", "user", id, format!("delete user {}", user.email)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub summary: String,
    /// Epoch milliseconds.
    pub at: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries older than this id (for paging backwards).
    pub before: Option<i64>,
    /// At most this many entries (1–500, default 100).
    pub limit: Option<i64>,
    /// Only entries by this user.
    pub user_id: Option<i64>,
    /// Only entries about this kind of object (`screen`, `rule`, `group`, `tag`, `user`, …).
    pub object_type: Option<String>,
    /// Only entries about the object with this id.
    pub object_id: Option<i64>,
    /// Only entries at or after this moment (epoch milliseconds).
    pub from: Option<i64>,
    /// Only entries before this moment (epoch milliseconds).
    pub to: Option<i64>,
}

/// Who changed what, newest first (owners only).
pub async fn audit_log(
    state: &AppState,
    principal: &Principal,
    query: &AuditQuery,
) -> ApiResult<Vec<AuditEntry>> {
    principal.require(principal.is_owner())?;
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    // Only the filters given become conditions, each with its own placeholder; the text is
    // built from constants, every value is bound.
    let mut text = String::from(
        "SELECT id, user_id, actor, action, object_type, object_id, summary, at \
         FROM audit_log WHERE org_id = $1 AND id < $2",
    );
    let mut args: Vec<Arg> = vec![
        principal.org.0.into(),
        query.before.unwrap_or(i64::MAX).into(),
    ];
    let filters: [(&str, Option<Arg>); 5] = [
        ("user_id =", query.user_id.map(Arg::from)),
        ("object_type =", query.object_type.clone().map(Arg::from)),
        ("object_id =", query.object_id.map(Arg::from)),
        ("at >=", query.from.map(Arg::from)),
        ("at <", query.to.map(Arg::from)),
    ];
    for (condition, arg) in filters {
        if let Some(arg) = arg {
            args.push(arg);
            text.push_str(&format!(" AND {condition} ${}", args.len()));
        }
    }
    args.push(limit.into());
    text.push_str(&format!(" ORDER BY id DESC LIMIT ${}", args.len()));
    let mut statement = sql(text);
    for arg in args {
        statement = statement.bind(arg);
    }
    Ok(statement.fetch_all(&state.db).await?)
}

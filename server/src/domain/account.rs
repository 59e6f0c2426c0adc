//! First-run setup, login/logout, the current user, and API tokens.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::StoreId;
use vitrin_shared::input::accept_line;

use crate::auth::{Principal, Role, known_browser, password, ratelimit, token};
use crate::changes::{Audit, record_audit};
use crate::db::{now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetupRequest {
    /// The organization: a franchise or a single shop.
    pub organization: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SetupState {
    /// True until the first owner exists.
    pub needed: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub role: Role,
    #[schema(value_type = Vec<i64>)]
    pub stores: Vec<StoreId>,
}

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Self {
        Me {
            id: p.user_id,
            organization_id: p.org.0,
            email: p.email.clone(),
            role: p.role,
            stores: p.stores.clone(),
        }
    }
}

/// Lower-cased and trimmed, so `Ali@Cafe.ir ` and `ali@cafe.ir` are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Field errors for an e-mail address and a new password.
pub fn check_credentials(email: &str, password: Option<&str>, errors: &mut ValidationErrors) {
    let at = email.find('@');
    if !at.is_some_and(|i| i > 0 && i + 1 < email.len()) || email.chars().any(char::is_whitespace) {
        errors.add(
            "email",
            "invalid",
            "enter an e-mail address like name@example.com",
        );
    }
    if let Some(password) = password {
        if password.chars().count() < password::MIN_LENGTH {
            errors.add(
                "password",
                "too_short",
                format!("use at least {} characters", password::MIN_LENGTH),
            );
        } else if password::too_long(password) {
            errors.add(
                "password",
                "too_long",
                format!(
                    "use at most {} bytes (about {} Persian or {} Latin letters)",
                    password::MAX_BYTES,
                    password::MAX_BYTES / 2,
                    password::MAX_BYTES
                ),
            );
        }
    }
}

/// Whether the server still waits for its first owner.
pub async fn setup_needed(state: &AppState) -> ApiResult<bool> {
    let users = sql("SELECT COUNT(*) FROM users")
        .fetch_i64(&state.db)
        .await?;
    Ok(users == 0)
}

/// Creates the organization and its owner; returns the owner's user id. Only on an empty
/// server.
pub async fn setup(state: &AppState, mut req: SetupRequest) -> ApiResult<i64> {
    let email = normalize_email(&req.email);
    let mut errors = ValidationErrors::new();
    accept_line("organization", &mut req.organization, &mut errors);
    if req.organization.is_empty() {
        errors.add("organization", "required", "name your shop or franchise");
    }
    accept_line("name", &mut req.name, &mut errors);
    if req.name.is_empty() {
        errors.add("name", "required", "a name is required");
    }
    check_credentials(&email, Some(&req.password), &mut errors);
    errors.into_result()?;
    let hash = password::hash(req.password).await?;

    let mut tx = state.db.begin().await?;
    // Inside the transaction: two setups racing cannot both create an owner.
    let users = sql("SELECT COUNT(*) FROM users").fetch_i64(&mut tx).await?;
    if users > 0 {
        return Err(ApiError::Conflict("this server is already set up".into()));
    }
    let now = now_ms();
    let org = sql("INSERT INTO orgs (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(req.organization.trim())
        .bind(now)
        .fetch_i64(&mut tx)
        .await?;
    let user = create_user_row(&mut tx, org, &email, req.name.trim(), &hash, Role::Owner).await?;
    sql("INSERT INTO audit_log (org_id, user_id, actor, action, object_type, object_id, summary, at) \
         VALUES ($1, $2, $3, 'create', 'organization', $1, 'first-run setup', $4)")
    .bind(org)
    .bind(user)
    .bind(&email)
    .bind(now)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn create_user_row(
    tx: &mut crate::db::Tx,
    org: i64,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
) -> ApiResult<i64> {
    let now = now_ms();
    sql(
        "INSERT INTO users (org_id, email, name, password_hash, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(org)
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_i64(tx)
    .await
    .map_err(|e| match e {
        crate::db::DbError::Conflict => ApiError::field(
            "email",
            "taken",
            "an account with this e-mail already exists",
        ),
        other => other.into(),
    })
}

/// The signed-in user as the API describes them.
pub async fn me_of(state: &AppState, user_id: i64) -> ApiResult<Me> {
    let (id, org_id, role, email): (i64, i64, String, String) =
        sql("SELECT id, org_id, role, email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&state.db)
            .await?;
    let stores: Vec<(i64,)> = sql("SELECT store_id FROM user_stores WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&state.db)
        .await?;
    Ok(Me {
        id,
        organization_id: org_id,
        email,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        stores: stores.into_iter().map(|(s,)| StoreId(s)).collect(),
    })
}

/// A successful sign-in: whose, and the secret of a known-browser cookie to hand to a
/// browser that was not known to the account yet.
pub struct SignIn {
    pub user_id: i64,
    pub new_known_browser: Option<String>,
}

/// Signs in with e-mail and password. Wrong passwords are limited without letting anyone lock
/// anyone else out: five in 15 minutes lock the browser they came from, if it signed in to
/// the account before (its `vitrin_known` cookie), else the account from that address; an
/// address or an account guessed at on a larger scale is limited for unknown clients only.
pub async fn login(
    state: &AppState,
    address: Option<std::net::IpAddr>,
    known_cookie: Option<&str>,
    req: LoginRequest,
) -> ApiResult<SignIn> {
    let email = normalize_email(&req.email);
    let user: Option<(i64, String)> = sql("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&state.db)
        .await?;
    let known = match (&user, known_cookie) {
        (Some((id, _)), Some(cookie)) => known_browser::recognise(&state.db, cookie, *id).await?,
        _ => None,
    };
    let limits = ratelimit::login_limits(&email, address, known.as_deref());
    for limit in &limits {
        if let Some(retry_after_secs) =
            ratelimit::blocked_for(&state.db, &limit.key, limit.max).await?
        {
            return Err(ApiError::TooManyRequests { retry_after_secs });
        }
    }
    let ok = match user.clone() {
        Some((_, hash)) => password::verify(req.password, hash).await?,
        None => {
            password::verify_dummy(req.password).await;
            false
        }
    };
    if !ok {
        for limit in &limits {
            ratelimit::record_failure(&state.db, &limit.key).await?;
        }
        tracing::info!("failed login");
        return Err(ApiError::Unauthenticated);
    }
    // The right password clears this client's own counter, not the wider ones.
    ratelimit::clear(&state.db, &limits[0].key).await?;
    let (user_id, _) = user.expect("verified users exist");
    let new_known_browser = match known {
        Some(_) => None,
        None => Some(known_browser::remember(&state.db, user_id).await?),
    };
    Ok(SignIn {
        user_id,
        new_known_browser,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
    /// The role the token acts with, at most its user's (an owner's token may be an owner,
    /// a store manager, an editor or a viewer; a store manager's a store manager or a
    /// viewer). Leave out to act with the user's role, whatever it is at the time.
    #[serde(default)]
    pub role: Option<Role>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The role the token acts with at most; `null`: its user's role. A token never acts
    /// above its user's current role.
    pub role: Option<Role>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// Shown once; only its hash is kept. Send it as `Authorization: Bearer <token>`.
    pub secret: String,
}

/// A stored token; its role as written in the database.
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    role: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
}

pub async fn list_tokens(state: &AppState, principal: &Principal) -> ApiResult<Vec<ApiToken>> {
    let rows: Vec<TokenRow> = sql(
        "SELECT id, name, role, created_at, last_used_at FROM api_tokens WHERE user_id = $1 \
         ORDER BY id",
    )
    .bind(principal.user_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiToken {
            id: row.id,
            name: row.name,
            // Unreadable roles act as a viewer's (see `auth`), so they are shown as one.
            role: row.role.map(|r| Role::parse(&r).unwrap_or(Role::Viewer)),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
        .collect())
}

/// A token acts as the user who made it, with their role or a lower one (`req.role`).
pub async fn create_token(
    state: &AppState,
    principal: &Principal,
    req: NewToken,
) -> ApiResult<CreatedToken> {
    let mut name = req.name;
    let mut errors = ValidationErrors::new();
    accept_line("name", &mut name, &mut errors);
    if name.is_empty() {
        errors.add("name", "required", "name the integration");
    }
    if let Some(role) = req.role
        && !principal.role.covers(role)
    {
        errors.add(
            "role",
            "above_user",
            format!(
                "a token cannot act with a role above yours ({})",
                principal.role.as_str()
            ),
        );
    }
    errors.into_result()?;
    // A token made with a token is held to that token's role: left open ("its user's role"),
    // a viewer's token would mint one acting as its owner.
    let role = match (req.role, &principal.session_hash) {
        (None, None) => Some(principal.role),
        (role, _) => role,
    };
    let name = name.as_str();
    let secret = token::generate("vt_");
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = sql(
        "INSERT INTO api_tokens (org_id, user_id, name, role, token_hash, created_at) \
                  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(principal.org.0)
    .bind(principal.user_id)
    .bind(name)
    .bind(role.map(|r| r.as_str().to_owned()))
    .bind(token::hash(&secret))
    .bind(now)
    .fetch_i64(&mut tx)
    .await?;
    let role_text = role.map_or("its user's role", Role::as_str);
    record_audit(
        &mut tx,
        principal,
        Audit::of(
            "create",
            "api_token",
            id,
            format!("create API token '{name}' ({role_text})"),
        ),
    )
    .await?;
    tx.commit().await?;
    let token = ApiToken {
        id,
        name: name.to_owned(),
        role,
        created_at: now,
        last_used_at: None,
    };
    Ok(CreatedToken { token, secret })
}

pub async fn delete_token(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let gone = sql("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(principal.user_id)
        .execute(&mut tx)
        .await?;
    if gone == 0 {
        return Err(ApiError::NotFound);
    }
    record_audit(
        &mut tx,
        principal,
        Audit::of("delete", "api_token", id, "revoke API token"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! Who is asking: sessions (browser), API tokens (integrations), passwords, roles.

pub mod known_browser;
pub mod password;
pub mod ratelimit;
pub mod session;
pub mod token;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};
use vitrin_shared::ids::{OrgId, StoreId};

use crate::db::{now_ms, sql};
use crate::error::ApiError;
use crate::state::AppState;

/// What a user may do inside their organization (see `Principal`'s methods for the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything in the organization, users and franchise-wide pushes included.
    Owner,
    /// Only their own stores and the screens in them.
    StoreManager,
    /// Content and schedules everywhere in the organization, but no users, stores or screens.
    Editor,
    /// Reads everything in the organization, changes nothing.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::StoreManager => "store_manager",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Owner, Role::StoreManager, Role::Editor, Role::Viewer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// Whether this role may do at least what `other` may: an owner covers every role, every
    /// role covers a viewer and itself. A store manager and an editor cover different ground
    /// (screens of some stores; content everywhere), so neither covers the other.
    pub fn covers(self, other: Role) -> bool {
        self == other || self == Role::Owner || other == Role::Viewer
    }

    /// The role that may do only what both may (an API token's role held to its user's).
    pub fn lower(self, other: Role) -> Role {
        if self.covers(other) {
            other
        } else if other.covers(self) {
            self
        } else {
            Role::Viewer
        }
    }
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub org: OrgId,
    pub role: Role,
    pub email: String,
    /// The stores of a store manager; empty for other roles.
    pub stores: Vec<StoreId>,
    /// The hash of the session token when the request came with the session cookie.
    pub session_hash: Option<String>,
}

impl Principal {
    pub fn require(&self, allowed: bool) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden("your role does not allow this"))
        }
    }

    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }

    /// Content, media, playlists, layouts and schedule rules. A store manager's changes are
    /// further limited to what reaches only their own screens (checked when the change lands).
    pub fn can_edit_content(&self) -> bool {
        matches!(self.role, Role::Owner | Role::Editor | Role::StoreManager)
    }

    /// Whether the store (and its screens) is visible at all. Invisible stores answer 404.
    pub fn sees_store(&self, store: StoreId) -> bool {
        self.role != Role::StoreManager || self.stores.contains(&store)
    }

    /// Editing a store's details and its screens.
    pub fn can_manage_store(&self, store: StoreId) -> bool {
        match self.role {
            Role::Owner => true,
            Role::StoreManager => self.stores.contains(&store),
            Role::Editor | Role::Viewer => false,
        }
    }

    /// The name written to the audit log.
    pub fn actor(&self) -> String {
        self.email.clone()
    }
}

pub const SESSION_COOKIE: &str = "vitrin_session";

#[derive(sqlx::FromRow)]
struct PrincipalRow {
    id: i64,
    org_id: i64,
    role: String,
    email: String,
    /// An API token's own role (NULL: its user's; always NULL for a session).
    token_role: Option<String>,
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        let now = now_ms();
        let (row, session_hash) = if let Some(bearer) = bearer(&parts.headers) {
            let hash = token::hash(bearer);
            let row: Option<PrincipalRow> = sql(
                "SELECT u.id, u.org_id, u.role, u.email, t.role AS token_role \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
            )
            .bind(&hash)
            .fetch_optional(&state.db)
            .await?;
            if row.is_some() {
                sql("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(&hash)
                    .execute(&state.db)
                    .await?;
            }
            (row, None)
        } else if let Some(cookie) = session::cookie_value(&parts.headers) {
            let hash = token::hash(&cookie);
            let row: Option<PrincipalRow> = sql(
                "SELECT u.id, u.org_id, u.role, u.email, CAST(NULL AS TEXT) AS token_role \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(&hash)
            .bind(now)
            .fetch_optional(&state.db)
            .await?;
            (row, Some(hash))
        } else {
            (None, None)
        };
        let row = row.ok_or(ApiError::Unauthenticated)?;
        let user_role = Role::parse(&row.role)
            .ok_or_else(|| ApiError::internal(format!("unknown role {}", row.role)))?;
        // A token acts with the lower of its own role and its user's current one, so demoting
        // the user demotes their tokens too; an unreadable token role reads as a viewer's.
        let role = match &row.token_role {
            Some(r) => user_role.lower(Role::parse(r).unwrap_or(Role::Viewer)),
            None => user_role,
        };
        let stores = if role == Role::StoreManager && user_role == Role::Owner {
            // An owner's store-manager token manages the stores its owner does: all of them.
            let rows: Vec<(i64,)> = sql("SELECT id FROM stores WHERE org_id = $1")
                .bind(row.org_id)
                .fetch_all(&state.db)
                .await?;
            rows.into_iter().map(|(id,)| StoreId(id)).collect()
        } else if role == Role::StoreManager {
            let rows: Vec<(i64,)> = sql("SELECT store_id FROM user_stores WHERE user_id = $1")
                .bind(row.id)
                .fetch_all(&state.db)
                .await?;
            rows.into_iter().map(|(id,)| StoreId(id)).collect()
        } else {
            Vec::new()
        };
        let principal = Principal {
            user_id: row.id,
            org: OrgId(row.org_id),
            role,
            email: row.email,
            stores,
            session_hash,
        };
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

/// The token of an `Authorization: Bearer <token>` header. The scheme name is matched without
/// regard to case, as HTTP defines it (RFC 9110 §11.1): `bearer vt_…` is the same credential.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

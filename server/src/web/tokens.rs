//! API tokens at `/account/tokens`: the signed-in user's tokens (label, role, created, last
//! used), a new one with a label and a role at most the user's own, whose secret is shown on
//! the answer to the creating post only (never stored, never shown again), and revoking.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::form::FormErrors;
use super::i18n::Entry;
use super::page::{Page, Signed, redirect_flash, render_status, role_key};
use crate::auth::Role;
use crate::domain::account::{self, ApiToken, NewToken};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", get(list).post(create))
        .route("/account/tokens/{id}/revoke", post(revoke))
}

const ROLES: [Role; 4] = [Role::Owner, Role::StoreManager, Role::Editor, Role::Viewer];

/// The new-token form, as typed. An empty role acts with the user's role.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "tokens/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    tokens: Vec<ApiToken>,
    form: TokenForm,
    errors: FormErrors,
    /// The secret of the token just created: on this one answer only.
    created: Option<(String, String)>,
    /// The user's own role (the highest a token may have).
    own_role: Role,
}

impl ListPage<'_> {
    /// The roles a token of this user may have, with their names, and the one chosen when
    /// it was refused (so the form shows what was sent).
    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        ROLES
            .iter()
            .filter(|r| self.own_role.covers(**r) || r.as_str() == self.form.role)
            .map(|r| (r.as_str(), self.page.lang.t(role_key(*r))))
            .collect()
    }

    fn role_text(&self, role: &Option<Role>) -> String {
        match role {
            Some(r) => self.page.role_name(r).to_owned(),
            None => self.same_role_text(),
        }
    }

    fn same_role_text(&self) -> String {
        self.page.tf(
            "tokens.role_same",
            &[("role", self.page.role_name(&self.own_role))],
        )
    }

    fn last_used(&self, at: &Option<i64>) -> String {
        at.map_or_else(
            || self.page.t("tokens.never").to_owned(),
            |ms| self.page.datetime(ms),
        )
    }
}

async fn show(
    state: &AppState,
    signed: &Signed,
    form: TokenForm,
    errors: FormErrors,
    created: Option<(String, String)>,
) -> ApiResult<Response> {
    let tokens = account::list_tokens(state, &signed.principal).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ListPage {
            page: &signed.page,
            tokens,
            form,
            errors,
            created,
            own_role: signed.principal.role,
        },
    ))
}

async fn list(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    show(
        &state,
        &signed,
        TokenForm::default(),
        FormErrors::none(),
        None,
    )
    .await
}

/// Creates the token and answers with the page itself (not a redirect), so the secret
/// travels once, in this response, and is kept nowhere on the way.
async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<TokenForm>,
) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let role = match form.role.as_str() {
        "" => Ok(None),
        text => Role::parse(text)
            .map(Some)
            .ok_or_else(|| ApiError::field("role", "invalid", "choose a role from the list")),
    };
    let result = match role {
        Ok(role) => {
            let request = NewToken {
                name: form.name.clone(),
                role,
            };
            account::create_token(&state, &signed.principal, request).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let shown = (created.token.name, created.secret);
            show(
                &state,
                &signed,
                TokenForm::default(),
                FormErrors::none(),
                Some(shown),
            )
            .await
        }
        Err(e) => {
            let errors = match e {
                // The label is unique per user.
                ApiError::Conflict(_) => {
                    let mut errors = FormErrors::none();
                    errors.add("name", lang.t("tokens.name_taken"));
                    errors
                }
                ApiError::Validation(mut v) => {
                    let mut errors = FormErrors::none();
                    // A role above the user's is explained with the user's role named.
                    if v.errors.iter().any(|e| e.code == "above_user") {
                        let own = lang.t(role_key(signed.principal.role));
                        errors.add("role", lang.tf("tokens.role_above", &[("role", own)]));
                        v.errors.retain(|e| e.code != "above_user");
                    }
                    errors.add_validation(lang, &v);
                    errors
                }
                other => FormErrors::from_api(lang, other)?,
            };
            show(&state, &signed, form, errors, None).await
        }
    }
}

async fn revoke(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    let tokens = account::list_tokens(&state, &signed.principal).await?;
    let token = tokens
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound)?;
    account::delete_token(&state, &signed.principal, id).await?;
    Ok(redirect_flash(
        "/account/tokens",
        true,
        "tokens.revoked",
        &token.name,
    ))
}

pub const TEXT: &[Entry] = &[
    ("tokens.title", "API tokens", "توکن‌های API"),
    (
        "tokens.intro",
        "A token lets a program (a POS, a script) use the API as you, with your role or a lower one. Send it as “Authorization: Bearer <token>”.",
        "توکن به یک برنامه (صندوق فروش، اسکریپت) اجازه می‌دهد با نام شما و با نقش شما یا نقشی پایین‌تر از API استفاده کند. آن را به صورت «Authorization: Bearer <token>» بفرستید.",
    ),
    (
        "tokens.link",
        "API tokens for integrations",
        "توکن‌های API برای یکپارچه‌سازی",
    ),
    ("tokens.name", "Label", "برچسب"),
    ("tokens.role", "Role", "نقش"),
    ("tokens.created_at", "Created", "ساخته‌شده"),
    ("tokens.last_used", "Last used", "آخرین استفاده"),
    ("tokens.never", "never", "هرگز"),
    ("tokens.none", "No tokens yet.", "هنوز توکنی نیست."),
    ("tokens.revoke", "Revoke", "باطل کردن"),
    ("tokens.add", "New token", "توکن تازه"),
    ("tokens.add_submit", "Create token", "ساختن توکن"),
    (
        "tokens.role_same",
        "same as yours ({role})",
        "همان نقش شما ({role})",
    ),
    (
        "tokens.created",
        "Token “{name}” was created. Copy it now: it is shown only this once.",
        "توکن «{name}» ساخته شد. همین حالا آن را رونوشت کنید: تنها همین یک بار نشان داده می‌شود.",
    ),
    ("tokens.secret", "The token", "توکن"),
    (
        "tokens.revoked",
        "Token “{arg}” was revoked; programs using it are locked out.",
        "توکن «{arg}» باطل شد؛ برنامه‌هایی که از آن استفاده می‌کنند دیگر دسترسی ندارند.",
    ),
    (
        "tokens.name_taken",
        "You already have a token with this label.",
        "شما از پیش توکنی با این برچسب دارید.",
    ),
    (
        "tokens.role_above",
        "A token cannot have a role above yours ({role}). Choose one from the list.",
        "توکن نمی‌تواند نقشی بالاتر از نقش شما ({role}) داشته باشد. یکی از فهرست برگزینید.",
    ),
];

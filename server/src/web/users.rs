//! User management for owners: the organization's users and roles, adding, editing (role,
//! stores of a store manager, a new password) and removing. Other roles get the 403 page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};

use super::form::{FormErrors, Pairs};
use super::i18n::Entry;
use super::page::{Page, Signed, redirect_flash, render_status, role_key};
use crate::auth::Role;
use crate::domain::stores::{self, Store};
use crate::domain::users::{self as api, User, UserInput};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(edit).post(update))
        .route("/users/{id}/delete", post(delete))
}

const ROLES: [Role; 4] = [Role::Owner, Role::StoreManager, Role::Editor, Role::Viewer];

/// The user form, as typed.
#[derive(Debug, Default)]
struct UserForm {
    name: String,
    email: String,
    role: String,
    /// Checked store ids (a repeated field).
    stores: Vec<String>,
    password: String,
}

impl UserForm {
    fn from_pairs(p: Pairs) -> UserForm {
        UserForm {
            name: p.one("name"),
            email: p.one("email"),
            role: p.one("role"),
            stores: p.all("store"),
            password: p.one("password"),
        }
    }

    fn of(user: &User) -> UserForm {
        UserForm {
            name: user.name.clone(),
            email: user.email.clone(),
            role: user.role.as_str().to_owned(),
            stores: user.stores.iter().map(i64::to_string).collect(),
            password: String::new(),
        }
    }

    fn input(&self, new_user: bool) -> Result<UserInput, ApiError> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| ApiError::field("role", "invalid", "choose a role"))?;
        Ok(UserInput {
            email: self.email.clone(),
            name: self.name.clone(),
            role,
            stores: self.stores.iter().filter_map(|s| s.parse().ok()).collect(),
            password: if self.password.is_empty() && !new_user {
                None
            } else {
                Some(self.password.clone())
            },
        })
    }
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    users: Vec<User>,
    stores: Vec<Store>,
    form: UserForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "users/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    user: User,
    stores: Vec<Store>,
    form: UserForm,
    errors: FormErrors,
}

/// Helpers both user templates share.
trait RoleChoices {
    fn page(&self) -> &Page;
    fn form(&self) -> &UserForm;

    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        ROLES
            .iter()
            .map(|r| (r.as_str(), self.page().lang.t(role_key(*r))))
            .collect()
    }

    fn store_checked(&self, id: &i64) -> bool {
        self.form().stores.iter().any(|s| s == &id.to_string())
    }
}

impl RoleChoices for ListPage<'_> {
    fn page(&self) -> &Page {
        self.page
    }
    fn form(&self) -> &UserForm {
        &self.form
    }
}

impl RoleChoices for EditPage<'_> {
    fn page(&self) -> &Page {
        self.page
    }
    fn form(&self) -> &UserForm {
        &self.form
    }
}

async fn show_list(
    state: &AppState,
    signed: &Signed,
    form: UserForm,
    errors: FormErrors,
) -> ApiResult<Response> {
    let users = api::list(state, &signed.principal).await?;
    let stores = stores::list(state, &signed.principal).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ListPage {
            page: &signed.page,
            users,
            stores,
            form,
            errors,
        },
    ))
}

async fn list(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let form = UserForm {
        role: Role::Editor.as_str().to_owned(),
        ..UserForm::default()
    };
    show_list(&state, &signed, form, FormErrors::none()).await
}

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = UserForm::from_pairs(Pairs(pairs));
    let lang = signed.page.lang;
    let result = match form.input(true) {
        Ok(input) => api::create(&state, &signed.principal, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(user) => Ok(redirect_flash("/users", true, "users.created", &user.email)),
        Err(e) => {
            let errors = FormErrors::from_api(lang, e)?;
            let form = UserForm {
                password: String::new(),
                ..form
            };
            show_list(&state, &signed, form, errors).await
        }
    }
}

async fn show_edit(
    state: &AppState,
    signed: &Signed,
    id: i64,
    form: Option<UserForm>,
    errors: FormErrors,
) -> ApiResult<Response> {
    let user = api::get(state, &signed.principal, id).await?;
    let stores = stores::list(state, &signed.principal).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &EditPage {
            page: &signed.page,
            form: form.unwrap_or_else(|| UserForm::of(&user)),
            user,
            stores,
            errors,
        },
    ))
}

async fn edit(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    show_edit(&state, &signed, id, None, FormErrors::none()).await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = UserForm::from_pairs(Pairs(pairs));
    let lang = signed.page.lang;
    let result = match form.input(false) {
        Ok(input) => api::update(&state, &signed.principal, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(user) => Ok(redirect_flash("/users", true, "users.saved", &user.email)),
        Err(e) => {
            let errors = FormErrors::from_api(lang, e)?;
            let form = UserForm {
                password: String::new(),
                ..form
            };
            show_edit(&state, &signed, id, Some(form), errors).await
        }
    }
}

async fn delete(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    let user = api::get(&state, &signed.principal, id).await?;
    match api::delete(&state, &signed.principal, id).await {
        Ok(_) => Ok(redirect_flash("/users", true, "users.deleted", &user.email)),
        Err(ApiError::Conflict(_)) => Ok(redirect_flash("/users", false, "users.last_owner", "")),
        Err(e) => Err(e),
    }
}

pub const TEXT: &[Entry] = &[
    ("users.title", "Users", "کاربران"),
    ("users.name", "Name", "نام"),
    ("users.role", "Role", "نقش"),
    (
        "users.stores",
        "Stores (for a store manager)",
        "فروشگاه‌ها (برای مدیر فروشگاه)",
    ),
    ("users.add", "Add a user", "افزودن کاربر"),
    ("users.add_submit", "Add user", "افزودن"),
    (
        "users.password",
        "Password (at least 10 characters)",
        "گذرواژه (دست‌کم ۱۰ نویسه)",
    ),
    (
        "users.new_password",
        "New password (leave empty to keep)",
        "گذرواژهٔ تازه (برای نگه‌داشتن خالی بگذارید)",
    ),
    (
        "users.created",
        "{arg} can sign in now.",
        "{arg} اکنون می‌تواند وارد شود.",
    ),
    ("users.saved", "{arg} was saved.", "{arg} ذخیره شد."),
    ("users.deleted", "{arg} was removed.", "{arg} حذف شد."),
    (
        "users.last_owner",
        "The organization needs at least one owner; this user was kept.",
        "سازمان دست‌کم یک مالک لازم دارد؛ این کاربر نگه داشته شد.",
    ),
    ("users.edit", "Edit", "ویرایش"),
    ("users.no_stores", "No stores yet.", "هنوز فروشگاهی نیست."),
];

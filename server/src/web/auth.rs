//! Signing in and out: first-run setup, login (returning to the page that asked for it),
//! logout, the language switcher, and the user's own account (password, language).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vitrin_shared::ValidationErrors;

use super::form::FormErrors;
use super::i18n::{Entry, LANG_COOKIE, Lang};
use super::page::{Page, Signed, redirect, redirect_flash, render, render_status, safe_next};
use crate::auth::{known_browser, password, session};
use crate::changes::{Audit, record_audit};
use crate::db::{now_ms, sql};
use crate::domain::account::{self, LoginRequest, SetupRequest};
use crate::error::{ApiError, ApiResult};
use crate::extract::ClientIp;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/setup", get(setup_form).post(setup_submit))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang", post(switch_language))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/language", post(set_language))
}

/// Whether the server still waits for its first owner.
async fn setup_needed(state: &AppState) -> ApiResult<bool> {
    Ok(sql("SELECT COUNT(*) FROM users")
        .fetch_i64(&state.db)
        .await?
        == 0)
}

/// `/`: setup on an empty server, else the dashboard (which asks for a login if needed).
async fn home(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(if setup_needed(&state).await? {
        redirect("/setup")
    } else {
        redirect("/dashboard")
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SetupForm {
    organization: String,
    name: String,
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage<'a> {
    page: &'a Page,
    form: SetupForm,
    errors: FormErrors,
}

async fn setup_form(State(state): State<AppState>, page: Page) -> ApiResult<Response> {
    if !setup_needed(&state).await? {
        return Ok(redirect("/login"));
    }
    Ok(render(&SetupPage {
        page: &page,
        form: SetupForm::default(),
        errors: FormErrors::none(),
    }))
}

async fn setup_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<SetupForm>,
) -> ApiResult<Response> {
    let request = SetupRequest {
        organization: form.organization.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
    };
    match account::setup(&state, request).await {
        Ok(user_id) => {
            let cookies = session::start(&state.db, user_id, None, state.config.https()).await?;
            Ok(with_cookies(
                redirect_flash("/dashboard", true, "setup.done", &form.organization),
                cookies,
            ))
        }
        Err(e) => {
            let errors = FormErrors::from_api(page.lang, e)?;
            // The password is never sent back into the page; everything else is kept.
            let form = SetupForm {
                password: String::new(),
                ..form
            };
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    page: &page,
                    form,
                    errors,
                },
            ))
        }
    }
}

/// Sets these cookies with a page's redirect.
fn with_cookies(mut to: Response, cookies: Vec<HeaderValue>) -> Response {
    for cookie in cookies {
        to.headers_mut().append(header::SET_COOKIE, cookie);
    }
    to
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: String,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage<'a> {
    page: &'a Page,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn login_form(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<NextQuery>,
) -> ApiResult<Response> {
    if setup_needed(&state).await? {
        return Ok(redirect("/setup"));
    }
    Ok(render(&LoginPage {
        page: &page,
        email: String::new(),
        next: safe_next(Some(&query.next)),
        errors: FormErrors::none(),
    }))
}

async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    page: Page,
    Form(form): Form<LoginForm>,
) -> ApiResult<Response> {
    let next = safe_next(Some(&form.next));
    let request = LoginRequest {
        email: form.email.clone(),
        password: form.password,
    };
    let known = known_browser::from_request(&headers);
    let errors = match account::login(&state, ip, known.as_deref(), request).await {
        Ok(sign_in) => {
            let cookies = session::start(
                &state.db,
                sign_in.user_id,
                sign_in.new_known_browser.as_deref(),
                state.config.https(),
            )
            .await?;
            return Ok(with_cookies(redirect(&next), cookies));
        }
        Err(ApiError::Unauthenticated) => {
            let mut errors = FormErrors::none();
            errors.form = Some(page.t("login.failed").to_owned());
            errors
        }
        Err(e) => FormErrors::from_api(page.lang, e)?,
    };
    Ok(render_status(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            page: &page,
            email: form.email,
            next,
            errors,
        },
    ))
}

async fn logout(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    if let Some(hash) = &signed.principal.session_hash {
        session::delete(&state.db, hash).await?;
    }
    Ok(with_cookies(
        redirect_flash("/login", true, "logout.done", ""),
        vec![session::clear_cookie()],
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LanguageForm {
    lang: String,
    next: String,
}

/// The switcher in every page's header: remembered in a cookie, and as the user's setting when
/// signed in.
async fn switch_language(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<LanguageForm>,
) -> ApiResult<Response> {
    let lang = Lang::parse(&form.lang).unwrap_or(page.lang);
    if let Some(user) = &page.user {
        sql("UPDATE users SET language = $1 WHERE id = $2")
            .bind(lang.code())
            .bind(user.id)
            .execute(&state.db)
            .await?;
    }
    let mut response = redirect(&safe_next(Some(&form.next)));
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage<'a> {
    page: &'a Page,
    /// `en`, `fa`, or empty for "the browser's language".
    language: String,
    errors: FormErrors,
}

async fn user_language(state: &AppState, user: i64) -> ApiResult<String> {
    let (language,): (Option<String>,) = sql("SELECT language FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(&state.db)
        .await?;
    Ok(language.unwrap_or_default())
}

async fn account_page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    Ok(render(&AccountPage {
        language: user_language(&state, signed.principal.user_id).await?,
        page: &signed.page,
        errors: FormErrors::none(),
    }))
}

/// Changes the signed-in user's own password; their other sessions end.
async fn change_password(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<PasswordForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let (stored,): (String,) = sql("SELECT password_hash FROM users WHERE id = $1")
        .bind(principal.user_id)
        .fetch_one(&state.db)
        .await?;
    let mut errors = FormErrors::none();
    if !password::verify(form.current, stored).await? {
        errors.add("current", page.t("account.wrong_password"));
    }
    let mut checks = ValidationErrors::new();
    account::check_credentials(&principal.email, Some(&form.new), &mut checks);
    let mut field_errors = ValidationErrors::new();
    for e in checks.errors {
        field_errors.add("new", &e.code, e.message);
    }
    errors.add_validation(page.lang, &field_errors);
    if form.new != form.confirm {
        errors.add("confirm", page.t("account.mismatch"));
    }
    if !errors.is_empty() {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage {
                language: user_language(&state, principal.user_id).await?,
                page: &page,
                errors,
            },
        ));
    }
    let hash = password::hash(form.new).await?;
    let mut tx = state.db.begin().await?;
    sql("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now_ms())
        .bind(principal.user_id)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(principal.user_id)
        .bind(principal.session_hash.clone().unwrap_or_default())
        .execute(&mut tx)
        .await?;
    record_audit(
        &mut tx,
        &principal,
        Audit::of("update", "user", principal.user_id, "change own password"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_flash(
        "/account",
        true,
        "account.password_changed",
        "",
    ))
}

/// The account's language setting; empty follows the browser.
async fn set_language(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<LanguageForm>,
) -> ApiResult<Response> {
    let lang = Lang::parse(&form.lang).map(|l| l.code().to_owned());
    sql("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang)
        .bind(signed.principal.user_id)
        .execute(&state.db)
        .await?;
    Ok(redirect_flash(
        "/account",
        true,
        "account.language_saved",
        "",
    ))
}

pub const TEXT: &[Entry] = &[
    ("setup.title", "Set up Vitrin", "راه‌اندازی ویترین"),
    (
        "setup.intro",
        "Create your organization and its first owner account.",
        "سازمان خود و نخستین حساب مالک را بسازید.",
    ),
    (
        "setup.organization",
        "Shop or franchise name",
        "نام فروشگاه یا زنجیره",
    ),
    ("setup.name", "Your name", "نام شما"),
    ("setup.submit", "Create and sign in", "ساختن و ورود"),
    (
        "setup.done",
        "Welcome to Vitrin, {arg}!",
        "به ویترین خوش آمدید، {arg}!",
    ),
    ("field.email", "E-mail", "ایمیل"),
    ("field.password", "Password", "گذرواژه"),
    ("login.title", "Sign in", "ورود"),
    ("login.submit", "Sign in", "ورود"),
    (
        "login.failed",
        "Wrong e-mail or password.",
        "ایمیل یا گذرواژه نادرست است.",
    ),
    (
        "logout.done",
        "You are signed out.",
        "از حساب خود خارج شدید.",
    ),
    ("account.title", "My account", "حساب من"),
    ("account.password", "Change password", "تغییر گذرواژه"),
    ("account.current", "Current password", "گذرواژهٔ فعلی"),
    (
        "account.new",
        "New password (at least 10 characters)",
        "گذرواژهٔ تازه (دست‌کم ۱۰ نویسه)",
    ),
    (
        "account.confirm",
        "New password again",
        "تکرار گذرواژهٔ تازه",
    ),
    (
        "account.wrong_password",
        "This is not your current password.",
        "این گذرواژهٔ فعلی شما نیست.",
    ),
    (
        "account.mismatch",
        "The two new passwords differ.",
        "دو گذرواژهٔ تازه یکسان نیستند.",
    ),
    (
        "account.password_changed",
        "Password changed. Your other sessions were signed out.",
        "گذرواژه تغییر کرد. نشست‌های دیگر شما بسته شدند.",
    ),
    ("account.language", "Language of the admin", "زبان پنل"),
    ("account.language_browser", "As my browser", "مانند مرورگر"),
    (
        "account.language_saved",
        "Language saved.",
        "زبان ذخیره شد.",
    ),
];

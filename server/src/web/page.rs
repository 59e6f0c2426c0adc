//! What every page shares: the `Page` context its templates get (language, signed-in user,
//! flash message), the `Signed` extractor for pages that need a session, rendering, redirects
//! with flash messages, and the layer that turns API errors into pages in the user's language.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::tz::TimeZone;

use super::i18n::{Lang, cookie};
use crate::auth::{Principal, Role};
use crate::db::sql;
use crate::error::ApiError;
use crate::state::AppState;

/// A one-time message shown on the page after a redirect ("Saved.").
const FLASH_COOKIE: &str = "vitrin_flash";

/// The signed-in user as the page frame shows them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organization: String,
}

#[derive(Debug, Clone)]
pub struct Flash {
    pub success: bool,
    pub text: String,
}

/// The context every page template gets as `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub flash: Option<Flash>,
    /// This request's path and query: where the language switcher and a login return to.
    pub here: String,
    /// Dates are shown in the organization's first store's time zone (UTC before there is one).
    pub tz: TimeZone,
    /// Low ratings nobody has read in the user's stores: the navigation shows the count on
    /// every page, so a manager sees one at their next click.
    pub low_feedback: i64,
}

impl Page {
    /// A page for a visitor who is not signed in.
    pub fn anonymous(lang: Lang, here: &str) -> Page {
        Page {
            lang,
            user: None,
            flash: None,
            here: here.to_owned(),
            tz: TimeZone::UTC,
            low_feedback: 0,
        }
    }

    /// Builds the context from a request's headers and, when signed in, its principal.
    async fn load(
        state: &AppState,
        headers: &HeaderMap,
        uri: &Uri,
        principal: Option<&Principal>,
    ) -> Result<Page, ApiError> {
        let here = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let mut page = Page::anonymous(Lang::resolve(None, headers), &here);
        if let Some(p) = principal {
            let (name, language, organization): (String, Option<String>, String) = sql(
                "SELECT u.name, u.language, o.name FROM users u JOIN orgs o ON o.id = u.org_id \
                 WHERE u.id = $1",
            )
            .bind(p.user_id)
            .fetch_one(&state.db)
            .await?;
            let tz: Option<(String,)> =
                sql("SELECT timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
                    .bind(p.org.0)
                    .fetch_optional(&state.db)
                    .await?;
            page.lang = Lang::resolve(language.as_deref(), headers);
            page.tz = tz
                .and_then(|(tz,)| TimeZone::get(&tz).ok())
                .unwrap_or(TimeZone::UTC);
            page.low_feedback = crate::domain::customers::feedback::unread_low(state, p).await?;
            page.user = Some(CurrentUser {
                id: p.user_id,
                name,
                email: p.email.clone(),
                role: p.role,
                organization,
            });
        }
        page.flash = cookie(headers, FLASH_COOKIE).and_then(|c| decode_flash(page.lang, &c));
        Ok(page)
    }

    /// The text for `key` in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    // Numbers are taken by value or by reference: askama passes fields either way.

    pub fn num(&self, n: impl Borrow<i64>) -> String {
        self.lang.num(*n.borrow())
    }

    pub fn date(&self, epoch_ms: impl Borrow<i64>) -> String {
        self.lang.date(*epoch_ms.borrow(), &self.tz)
    }

    pub fn datetime(&self, epoch_ms: impl Borrow<i64>) -> String {
        self.lang.datetime(*epoch_ms.borrow(), &self.tz)
    }

    pub fn bytes(&self, n: impl Borrow<i64>) -> String {
        self.lang.bytes(*n.borrow())
    }

    /// The URL of a static file (content-hashed, cached for good).
    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }

    /// A role's name in the page's language.
    pub fn role_name(&self, role: &Role) -> &'static str {
        self.lang.t(role_key(*role))
    }

    pub fn is_owner(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Owner)
    }

    /// Whether the user may change content (media, menus, playlists, schedules).
    pub fn can_edit(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| matches!(u.role, Role::Owner | Role::Editor | Role::StoreManager))
    }

    /// `current` when `prefix` starts this page's path, for `aria-current` in the navigation.
    pub fn current(&self, prefix: &str) -> &'static str {
        let path = self.here.split('?').next().unwrap_or_default();
        if path == prefix || path.starts_with(&format!("{prefix}/")) {
            "page"
        } else {
            "false"
        }
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Owner => "role.owner",
        Role::StoreManager => "role.store_manager",
        Role::Editor => "role.editor",
        Role::Viewer => "role.viewer",
    }
}

/// Any page: the signed-in user when the session is valid, else an anonymous visitor.
impl FromRequestParts<AppState> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, ApiError> {
        let principal = match Principal::from_request_parts(parts, state).await {
            Ok(p) => Some(p),
            Err(ApiError::Unauthenticated) => None,
            Err(e) => return Err(e),
        };
        Page::load(state, &parts.headers, &parts.uri, principal.as_ref()).await
    }
}

/// A page that needs a signed-in user. Without a valid session the request is answered with a
/// redirect to `/login?next=<this page>` (by `html_errors`).
pub struct Signed {
    pub principal: Principal,
    pub page: Page,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let page = Page::load(state, &parts.headers, &parts.uri, Some(&principal)).await?;
        Ok(Signed { principal, page })
    }
}

/// Renders a template as an HTML page with status 200.
pub fn render(template: &impl Template) -> Response {
    render_status(StatusCode::OK, template)
}

/// Renders a template with `status` (e.g. 422 for a form shown again with its errors).
pub fn render_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::internal(format!("template: {e}")).into_response(),
    }
}

/// `303 See Other` to `to`: the answer to a form post (POST/redirect/GET).
pub fn redirect(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// A redirect that shows the text `key` (with `{arg}` filled in) once on the next page.
pub fn redirect_flash(to: &str, success: bool, key: &str, arg: &str) -> Response {
    let mut response = redirect(to);
    let value = format!(
        "{FLASH_COOKIE}={}~{key}~{}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120",
        if success { "s" } else { "e" },
        URL_SAFE_NO_PAD.encode(arg)
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn decode_flash(lang: Lang, value: &str) -> Option<Flash> {
    let mut parts = value.splitn(3, '~');
    let success = parts.next()? == "s";
    let key = parts.next()?;
    let arg = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    let arg = String::from_utf8(arg).ok()?;
    Some(Flash {
        success,
        text: lang.tf(key, &[("arg", &arg)]),
    })
}

/// Where to go after signing in: only a path on this site, never another origin.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Percent-encodes a query parameter value.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The error page's template.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: &'a Page,
    title: String,
    message: String,
}

/// The layer around every page route:
/// - a missing or expired session (401) becomes a redirect to the login page, which returns to
///   this page (for a form post: to the page the form was on);
/// - other API errors (problem details) become an error page in the user's language;
/// - a flash message is cleared once a page has shown it; pages are never cached.
pub async fn html_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let headers = request.headers().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));

    if status == StatusCode::UNAUTHORIZED && is_problem {
        let back = if method == Method::GET || method == Method::HEAD {
            uri.path_and_query().map(|pq| pq.as_str().to_owned())
        } else {
            same_site_referer(&headers)
        };
        return redirect(&format!(
            "/login?next={}",
            url_encode(&safe_next(back.as_deref()))
        ));
    }
    if status.is_client_error() || status.is_server_error() {
        if is_problem {
            return error_page(&state, &headers, &uri, status, response).await;
        }
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html {
        let h = response.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::OK && cookie(&headers, FLASH_COOKIE).is_some() {
            h.append(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "vitrin_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
                ),
            );
        }
    }
    response
}

/// The path of the `Referer` when it is on this site (the page a form was posted from).
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let referer: Uri = headers.get(header::REFERER)?.to_str().ok()?.parse().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    if referer.authority().map(|a| a.as_str()) != Some(host) {
        return None;
    }
    referer.path_and_query().map(|pq| pq.as_str().to_owned())
}

async fn error_page(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    status: StatusCode,
    response: Response,
) -> Response {
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let detail = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_owned))
        .unwrap_or_default();
    // The user's own language when the session is good; the browser's otherwise.
    let mut parts = Request::builder()
        .uri(uri.clone())
        .body(())
        .expect("a URI from a request is valid")
        .into_parts()
        .0;
    parts.headers = headers.clone();
    let principal = Principal::from_request_parts(&mut parts, state).await.ok();
    let page = match Page::load(state, headers, uri, principal.as_ref()).await {
        Ok(page) => page,
        Err(_) => Page::anonymous(Lang::resolve(None, headers), "/"),
    };
    let lang = page.lang;
    let (title, message) = match status {
        StatusCode::FORBIDDEN => {
            let role = principal.as_ref().map_or("", |p| lang.t(role_key(p.role)));
            (
                lang.t("error.forbidden.title").to_owned(),
                lang.tf("error.forbidden.body", &[("role", role)]),
            )
        }
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => (
            lang.t("error.not_found.title").to_owned(),
            lang.t("error.not_found.body").to_owned(),
        ),
        s if s.is_server_error() => (
            lang.t("error.title").to_owned(),
            lang.t("error.internal.body").to_owned(),
        ),
        _ => (lang.t("error.title").to_owned(), detail),
    };
    let mut response = render_status(
        status,
        &ErrorPage {
            page: &page,
            title,
            message,
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The answer for a path no route knows: a page for people, an empty 404 under `/api`.
pub async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let (parts, _) = request.into_parts();
    let problem = ApiError::NotFound.into_response();
    error_page(
        &state,
        &parts.headers,
        &parts.uri,
        StatusCode::NOT_FOUND,
        problem,
    )
    .await
}

//! `/api/v1/content/{id}/menu.csv`: a menu board as a spreadsheet (`domain::menu_csv` has the
//! format).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Principal;
use crate::domain::menu_csv::{self, HeaderLang, RowError};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiQuery, Id};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The header row's language: `en` (default) or `fa`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// A refused import: every bad cell, by spreadsheet row (the header is row 1).
#[derive(Debug, Serialize, ToSchema)]
pub struct CsvProblem {
    /// `validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Vec<RowError>,
}

/// `attachment` with the name as typed (RFC 6266/5987) and an ASCII fallback.
pub fn attachment(name: &str, fallback: &str) -> String {
    let mut encoded = String::new();
    for b in format!("{name}.csv").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}.csv\"; filename*=UTF-8''{encoded}")
}

/// The CSV file as a download.
pub fn csv_download(name: &str, id: i64, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&attachment(name, &format!("menu-{id}"))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A menu's items as CSV (UTF-8 with BOM): category, code, name, description, price,
/// variants (`name:price|name:price`), badges, calories, sold_out, featured, image.
#[utoipa::path(get, path = "/api/v1/content/{id}/menu.csv", tag = "content",
    params(("id" = i64, Path), ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String,
        description = "the menu's items, one row each, after a header row"),
        (status = 404, body = Problem, description = "no such menu (or not a menu board)")))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let lang = HeaderLang::parse(query.lang.as_deref().unwrap_or("en"));
    let (name, bytes) = menu_csv::export(&state, &principal, id, lang).await?;
    Ok(csv_download(&name, id, bytes))
}

/// Replaces a menu's categories and items with a CSV file's (title, unit and theme are kept).
/// All or nothing: a file with a bad cell changes nothing and every bad cell is listed.
/// Headers in English or Persian; numbers in Persian, Arabic-Indic or Latin digits; at most
/// 1 MB and 1000 items.
#[utoipa::path(put, path = "/api/v1/content/{id}/menu.csv", tag = "content",
    params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = vitrin_shared::content::ContentItem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem, description = "the file is over 1 MB"),
        (status = 422, body = CsvProblem, content_type = "application/problem+json",
            description = "bad rows, each cell's problem listed")))]
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    body: Bytes,
) -> ApiResult<Response> {
    match menu_csv::import(&state, &principal, id, &body).await? {
        Ok(item) => Ok(Json(item).into_response()),
        Err(errors) => Ok(rejected(errors)),
    }
}

fn rejected(errors: Vec<RowError>) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let rows = {
        let mut rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    let mut response = (
        status,
        Json(CsvProblem {
            kind: "validation".into(),
            title: "Unprocessable Entity".into(),
            status: status.as_u16(),
            detail: format!("{rows} row(s) of the file are wrong; nothing was imported"),
            errors,
        }),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

//! One error type for every handler, answered as RFC 9457 problem details.
//!
//! 4xx carry a precise, stable `code` and, for validation, one entry per field. 5xx are logged
//! with their cause and answered opaquely: internals never reach a client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vitrin_shared::ValidationErrors;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// The body parsed but some fields are wrong.
    #[error("validation failed")]
    Validation(ValidationErrors),
    /// A schedule rule that would tie with another (a 422 on `priority`, code `tie`); kept
    /// whole so that pages can say it in the reader's language and calendar.
    #[error("{0}")]
    Tie(Box<RuleTie>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Also the answer for another tenant's objects: their existence is not admitted.
    #[error("not found")]
    NotFound,
    /// The address exists but does not take this method (the `Allow` header lists those it
    /// takes).
    #[error("this address does not take this method; the Allow header lists those it takes")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    /// It existed but is no more (an expired pairing code).
    #[error("{0}")]
    Gone(String),
    /// A byte range outside the file.
    #[error("{0}")]
    RangeNotSatisfiable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// The server's own disk (or media store) is full: nothing the client can fix by changing
    /// the request, but worth a precise answer rather than a bare 500.
    #[error("the server has no room left to store this; ask its administrator to free space")]
    InsufficientStorage,
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Where a rule being saved would tie with another, and the time zone the times are in.
#[derive(Debug)]
pub struct RuleTie {
    pub tie: vitrin_shared::schedule::Tie,
    pub tz: jiff::tz::TimeZone,
}

impl std::fmt::Display for RuleTie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (from, until) = (
            self.tie.from.to_zoned(self.tz.clone()),
            self.tie.until.to_zoned(self.tz.clone()),
        );
        let until = if until.date() == from.date() {
            until.strftime("%H:%M").to_string()
        } else {
            until.strftime("%Y-%m-%d %H:%M").to_string()
        };
        write!(
            f,
            "it would tie with “{}” at priority {} from {} to {until} ({}): the winner would \
             be chosen by chance; give one of them another priority or other times",
            self.tie.other_name,
            self.tie.priority,
            from.strftime("%Y-%m-%d %H:%M"),
            self.tz.iana_name().unwrap_or("UTC"),
        )
    }
}

/// `application/problem+json` body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable identifier of the kind of problem, e.g. `validation`, `conflict`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field-level messages, present for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// Dotted path into the request body, e.g. `zones.0.zone`.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::Tie(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::RangeNotSatisfiable(_) => StatusCode::RANGE_NOT_SATISFIABLE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Validation(_) | ApiError::Tie(_) => "validation",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::Gone(_) => "gone",
            ApiError::RangeNotSatisfiable(_) => "range_not_satisfiable",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMedia(_) => "unsupported_media",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::InsufficientStorage => "insufficient_storage",
            ApiError::Internal(_) => "internal",
        }
    }

    /// A single-field validation error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        let mut errors = ValidationErrors::new();
        errors.add(field, code, message.into());
        ApiError::Validation(errors)
    }

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (detail, errors) = match self {
            ApiError::Validation(errors) => (
                "some fields are invalid".to_owned(),
                errors
                    .errors
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        code: e.code.clone(),
                        message: e.message.clone(),
                    })
                    .collect(),
            ),
            ApiError::Tie(tie) => (
                "some fields are invalid".to_owned(),
                vec![ProblemField {
                    field: "priority".into(),
                    code: "tie".into(),
                    message: tie.to_string(),
                }],
            ),
            ApiError::Internal(_) => (
                "the server could not complete the request".to_owned(),
                vec![],
            ),
            other => (other.to_string(), vec![]),
        };
        Problem {
            kind: self.kind().to_owned(),
            title: status.canonical_reason().unwrap_or("error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.problem())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict => {
                ApiError::Conflict("an object with this name already exists".into())
            }
            DbError::ForeignKey => {
                ApiError::Conflict("the object refers to, or is used by, another object".into())
            }
            DbError::Other(sqlx::Error::RowNotFound) => ApiError::NotFound,
            other => ApiError::internal(other),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Validation(errors)
    }
}

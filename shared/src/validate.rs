//! Field-level validation errors, shared by the server (which answers them as 4xx problem
//! details) and the admin pages (which show each message next to its field).

use serde::{Deserialize, Serialize};

/// One problem with one field. `field` is a dotted path into the JSON document
/// (`when.window.expr`, `entries.2.duration_ms`), `code` a stable machine-readable word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Every problem found in one object, not just the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{}", self.summary())]
pub struct ValidationErrors {
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        });
    }

    /// Adds the errors of a nested object under `prefix` (`entries.2` + `duration_ms`).
    pub fn nest(&mut self, prefix: &str, inner: ValidationErrors) {
        for e in inner.errors {
            self.errors.push(FieldError {
                field: format!("{prefix}.{}", e.field),
                ..e
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was found, so validators can end with `errors.into_result()`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The codes found for one field, for tests and for highlighting a form field.
    pub fn codes_for(&self, field: &str) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.code.as_str())
            .collect()
    }

    fn summary(&self) -> String {
        self.errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Something that can check itself before it is stored or used.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationErrors>;
}

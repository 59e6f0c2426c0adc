//! The form pattern: the server validates (the same domain code as the API), and on an error
//! the page is rendered again with each message next to its field and every typed value kept.

use vitrin_shared::ValidationErrors;

use super::i18n::Lang;
use crate::error::ApiError;

/// The messages of one failed form submission, already in the page's language.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    fields: Vec<(String, String)>,
    /// A message about the whole form ("wrong e-mail or password"), shown above it.
    pub form: Option<String>,
}

impl FormErrors {
    pub fn none() -> FormErrors {
        FormErrors::default()
    }

    /// Sorts an error from the domain code: validation problems become field messages;
    /// conflicts, expired things, refused files and rate limits a message above the form.
    /// Everything else (403, 404, 5xx) is given back for the error page.
    pub fn from_api(lang: Lang, error: ApiError) -> Result<FormErrors, ApiError> {
        let mut errors = FormErrors::none();
        match error {
            ApiError::Validation(v) => errors.add_validation(lang, &v),
            ApiError::Tie(tie) => errors.add("priority", super::schedule::tie_message(lang, &tie)),
            ApiError::TooManyRequests { .. } => {
                errors.form = Some(lang.t("err.rate_limited").to_owned())
            }
            ApiError::Conflict(m)
            | ApiError::Gone(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::UnsupportedMedia(m)
            | ApiError::BadRequest(m) => errors.form = Some(m),
            other => return Err(other),
        }
        Ok(errors)
    }

    /// Adds the API's field errors: English keeps the API's precise message; Persian shows the
    /// catalog's text for the error code (`err.<code>`), or the API's message when it has none.
    pub fn add_validation(&mut self, lang: Lang, errors: &ValidationErrors) {
        for e in &errors.errors {
            let key = format!("err.{}", e.code);
            let text = match lang {
                Lang::En => e.message.clone(),
                Lang::Fa => match lang.t(&key) {
                    t if t == key => e.message.clone(),
                    t => t.to_owned(),
                },
            };
            self.fields.push((e.field.clone(), text));
        }
    }

    /// A message for `field`.
    pub fn add(&mut self, field: &str, text: impl Into<String>) {
        self.fields.push((field.to_owned(), text.into()));
    }

    /// The first message for `field` or one of its parts (`tags` matches `tags.2`).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| {
                f == field
                    || f.strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            .map(|(_, text)| text.as_str())
    }

    /// The first message for exactly `field` (not its parts).
    pub fn get_exact(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, text)| text.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }

    /// Whether any field has a message (the form shows a summary above it).
    pub fn has_field_errors(&self) -> bool {
        !self.fields.is_empty()
    }
}

/// A submitted form as name/value pairs, for forms with repeated fields (checkboxes), which
/// `axum::Form` into a struct cannot read. Extract with `Form<Vec<(String, String)>>`.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, or empty.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

//! Emergency messages: one button sends a text to every store or to chosen ones, with an end
//! time; the running ones are listed with a button that ends them. Publishing is the API's
//! (`domain::devices::publish_emergency`): pushed at once, in the manifest for offline screens,
//! owners anywhere and store managers only in their stores.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::{SignedDuration, Timestamp};
use vitrin_shared::calendar;
use vitrin_shared::ids::StoreId;
use vitrin_shared::schedule::{RuleKind, ScheduleRule, Scope};

use super::form::FormErrors;
use super::i18n::Entry;
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::schedule::Choice;
use crate::auth::{Principal, Role};
use crate::domain::devices::{self, EmergencyRequest};
use crate::domain::library;
use crate::error::ApiResult;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/emergency", get(page).post(publish))
        .route("/emergency/{id}/end", post(end))
}

/// How long a message may stay, in minutes; 0 is "until ended by hand".
const DURATIONS: [i64; 6] = [15, 30, 60, 120, 240, 0];

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct EmergencyForm {
    pub text: String,
    /// `all`, or empty when stores are chosen.
    pub everywhere: bool,
    pub stores: Vec<String>,
    pub minutes: String,
}

impl EmergencyForm {
    fn from_pairs(pairs: &[(String, String)]) -> EmergencyForm {
        let mut form = EmergencyForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "text" => form.text = value.clone(),
                "where" => form.everywhere = value == "all",
                "store" => form.stores.push(value.clone()),
                "minutes" => form.minutes = value.clone(),
                _ => {}
            }
        }
        form
    }

    fn has_store(&self, id: &str) -> bool {
        self.stores.iter().any(|s| s == id)
    }
}

pub struct Running {
    pub id: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "emergency/index.html")]
struct EmergencyPage<'a> {
    page: &'a Page,
    form: EmergencyForm,
    errors: FormErrors,
    stores: Vec<Choice>,
    may_send_everywhere: bool,
    durations: Vec<Choice>,
    running: Vec<Running>,
}

async fn emergency_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    form: EmergencyForm,
    errors: FormErrors,
) -> ApiResult<EmergencyPage<'a>> {
    let lang = page.lang;
    let stores = crate::domain::stores::list(state, principal)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let running = library::list::<ScheduleRule>(state, principal)
        .await?
        .into_iter()
        .filter(|r| r.kind == RuleKind::Emergency)
        .filter(|r| r.when.active_until.is_none_or(|u| u > Timestamp::now()))
        .map(|r| Running {
            id: r.id.0,
            text: match r.when.active_until {
                Some(until) => lang.tf(
                    "emergency.until",
                    &[
                        ("name", &r.name),
                        ("until", &lang.datetime(until.as_millisecond(), &page.tz)),
                    ],
                ),
                None => r.name,
            },
        })
        .collect();
    Ok(EmergencyPage {
        page,
        form,
        errors,
        stores,
        may_send_everywhere: principal.role == Role::Owner,
        durations: DURATIONS
            .iter()
            .map(|m| Choice {
                value: m.to_string(),
                label: if *m == 0 {
                    lang.t("emergency.until_ended").to_owned()
                } else {
                    lang.tf("emergency.minutes", &[("n", &lang.num(*m))])
                },
            })
            .collect(),
        running,
    })
}

async fn page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = EmergencyForm {
        everywhere: principal.role == Role::Owner,
        minutes: "30".into(),
        ..EmergencyForm::default()
    };
    let tpl = emergency_page(&state, &principal, &page, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

async fn publish(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = EmergencyForm::from_pairs(&pairs);
    let mut errors = FormErrors::none();
    let stores: Vec<StoreId> = form
        .stores
        .iter()
        .filter_map(|s| s.parse().ok().map(StoreId))
        .collect();
    if !form.everywhere && stores.is_empty() {
        errors.add("where", page.t("emergency.err.where"));
    }
    let minutes = calendar::parse_number(&form.minutes).unwrap_or(0);
    if errors.is_empty() {
        let request = EmergencyRequest {
            text: form.text.clone(),
            image_sha256: None,
            scope: Scope {
                all: form.everywhere,
                stores: if form.everywhere { Vec::new() } else { stores },
                ..Scope::default()
            },
            until: (minutes > 0).then(|| Timestamp::now() + SignedDuration::from_mins(minutes)),
        };
        match devices::publish_emergency(&state, &principal, request).await {
            Ok(reached) => {
                let count = page.lang.num(reached.screens.len() as i64);
                return Ok(redirect_flash("/emergency", true, "emergency.sent", &count));
            }
            Err(e) => errors = FormErrors::from_api(page.lang, e)?,
        }
    }
    let tpl = emergency_page(&state, &principal, &page, form, errors).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
}

async fn end(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, .. } = signed;
    devices::end_emergency(&state, &principal, id).await?;
    Ok(redirect_flash("/emergency", true, "emergency.ended", ""))
}

pub const TEXT: &[Entry] = &[
    ("nav.emergency", "Emergency", "اضطراری"),
    ("emergency.title", "Emergency message", "پیام اضطراری"),
    (
        "emergency.intro",
        "Shown at once on the chosen screens, above everything else, until it ends.",
        "بی‌درنگ روی نمایشگرهای انتخاب‌شده و بالاتر از همه چیز نمایش داده می‌شود تا وقتی تمام شود.",
    ),
    ("emergency.text", "Message", "پیام"),
    ("emergency.where", "Where", "کجا"),
    ("emergency.everywhere", "All stores", "همهٔ فروشگاه‌ها"),
    (
        "emergency.chosen",
        "Only these stores:",
        "فقط این فروشگاه‌ها:",
    ),
    ("emergency.duration", "Ends after", "پایان پس از"),
    ("emergency.minutes", "{n} minutes", "{n} دقیقه"),
    (
        "emergency.until_ended",
        "Until I end it",
        "تا وقتی خودم پایانش دهم",
    ),
    (
        "emergency.send",
        "Send to screens now",
        "همین حالا به نمایشگرها بفرست",
    ),
    (
        "emergency.sent",
        "Sent; {arg} screens reached now.",
        "فرستاده شد؛ اکنون به {arg} نمایشگر رسید.",
    ),
    ("emergency.running", "Showing now", "در حال نمایش"),
    (
        "emergency.none",
        "No emergency message is showing.",
        "هیچ پیام اضطراری‌ای در حال نمایش نیست.",
    ),
    (
        "emergency.until",
        "{name}, until {until}",
        "{name}، تا {until}",
    ),
    ("emergency.end", "End now", "همین حالا پایان بده"),
    (
        "emergency.ended",
        "The message was ended.",
        "پیام پایان یافت.",
    ),
    (
        "emergency.err.where",
        "Choose all stores or at least one store.",
        "همهٔ فروشگاه‌ها یا دست‌کم یک فروشگاه را انتخاب کنید.",
    ),
];

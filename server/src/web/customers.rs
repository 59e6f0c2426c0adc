//! The shop's side of the customer pages: the feedback inbox (`/feedback`: low ratings first to
//! read, approve comments as reviews on screen, hide), the loyalty programme (`/loyalty`), and
//! the counter (`/counter`: type or scan a customer's offer code or loyalty card).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use crate::domain::customers::counter::{self, Redeemed, Refused};
use crate::domain::customers::feedback::{self, Feedback, FeedbackFilter};
use crate::domain::customers::{loyalty, sms};
use crate::domain::stores;
use crate::error::ApiResult;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(inbox))
        .route("/feedback/{id}/status", post(set_status))
        .route("/loyalty", get(program_page).post(program_save))
        .route("/counter", get(counter_page).post(counter_post))
}

#[derive(Template)]
#[template(path = "customers/feedback.html")]
struct InboxPage<'a> {
    page: &'a Page,
    items: Vec<Feedback>,
    stores: Vec<(i64, String)>,
    filter_store: Option<i64>,
    filter_status: String,
    low_only: bool,
    unread_low: i64,
}

impl InboxPage<'_> {
    fn is_store(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        self.filter_store == Some(*id.borrow())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InboxQuery {
    store: Option<String>,
    status: Option<String>,
    low: Option<String>,
}

async fn inbox(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let filter = FeedbackFilter {
        store: q.store.as_deref().and_then(|s| s.parse().ok()),
        status: q.status.clone().filter(|s| !s.is_empty()),
        max_rating: q.low.as_ref().map(|_| feedback::LOW_RATING),
    };
    let items = feedback::list(&state, &principal, &filter).await?;
    let stores = stores::list(&state, &principal)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(render(&InboxPage {
        unread_low: feedback::unread_low(&state, &principal).await?,
        page: &page,
        items,
        stores,
        filter_store: filter.store,
        filter_status: filter.status.unwrap_or_default(),
        low_only: filter.max_rating.is_some(),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusForm {
    status: String,
    /// Where to return (the inbox with its filters).
    next: String,
}

async fn set_status(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let next = super::page::safe_next(Some(&form.next));
    let next = if next == "/" {
        "/feedback".to_owned()
    } else {
        next
    };
    match feedback::set_status(&state, &principal, id, &form.status).await {
        Ok(_) => Ok(redirect_flash(
            &next,
            true,
            &format!("feedback.done.{}", form.status),
            "",
        )),
        Err(e) => {
            let errors = FormErrors::from_api(page.lang, e)?;
            let text = errors
                .get("status")
                .map(str::to_owned)
                .or(errors.form)
                .unwrap_or_default();
            Ok(redirect_flash(&next, false, "feedback.failed", &text))
        }
    }
}

#[derive(Template)]
#[template(path = "customers/loyalty.html")]
struct ProgramPage<'a> {
    page: &'a Page,
    every_nth: String,
    reward: String,
    sms: String,
    has_program: bool,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProgramForm {
    every_nth: String,
    reward: String,
}

async fn program_page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let program = loyalty::program(&state.db, principal.org).await?;
    Ok(render(&ProgramPage {
        every_nth: program
            .as_ref()
            .map_or_else(|| page.lang.num(8), |p| page.lang.num(p.every_nth)),
        reward: program
            .as_ref()
            .map(|p| p.reward.clone())
            .unwrap_or_default(),
        has_program: program.is_some(),
        sms: sms::describe(&state.config),
        page: &page,
        errors: FormErrors::none(),
    }))
}

async fn program_save(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<ProgramForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let every_nth = vitrin_shared::calendar::parse_number(&form.every_nth).unwrap_or(0);
    let input = loyalty::Program {
        every_nth,
        reward: form.reward.clone(),
    };
    match loyalty::set_program(&state, &principal, input).await {
        Ok(_) => Ok(redirect_flash("/loyalty", true, "loyalty.saved", "")),
        Err(e) => {
            let status = e.status();
            let errors = FormErrors::from_api(page.lang, e)?;
            Ok(render_status(
                status,
                &ProgramPage {
                    every_nth: form.every_nth,
                    reward: form.reward,
                    has_program: false,
                    sms: sms::describe(&state.config),
                    page: &page,
                    errors,
                },
            ))
        }
    }
}

/// What the counter page says after a code.
pub struct Outcome {
    pub success: bool,
    pub headline: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "customers/counter.html")]
struct CounterPage<'a> {
    page: &'a Page,
    stores: Vec<(i64, String)>,
    store: Option<i64>,
    outcome: Option<Outcome>,
    errors: FormErrors,
}

impl CounterPage<'_> {
    fn is_store(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        self.store == Some(*id.borrow())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CounterForm {
    store: String,
    code: String,
}

async fn counter_page(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<CounterForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let stores: Vec<(i64, String)> = stores::list(&state, &principal)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let store = q.store.parse().ok().or(stores.first().map(|s| s.0));
    Ok(render(&CounterPage {
        page: &page,
        stores,
        store,
        outcome: None,
        errors: FormErrors::none(),
    }))
}

fn outcome_text(lang: Lang, page: &Page, result: &Result<Redeemed, Refused>) -> Outcome {
    match result {
        Ok(Redeemed::Offer { title, .. }) => Outcome {
            success: true,
            headline: lang.t("counter.redeemed").to_owned(),
            detail: title.clone(),
        },
        Ok(Redeemed::Stamp {
            stamps,
            every_nth,
            free,
            reward,
        }) => Outcome {
            success: true,
            headline: if *free {
                lang.tf("counter.free", &[("reward", reward)])
            } else {
                lang.t("counter.stamped").to_owned()
            },
            detail: lang.tf(
                "counter.stamps",
                &[("n", &lang.num(*stamps)), ("total", &lang.num(*every_nth))],
            ),
        },
        Err(Refused::Unknown) => Outcome {
            success: false,
            headline: lang.t("counter.unknown").to_owned(),
            detail: String::new(),
        },
        Err(Refused::AlreadyRedeemed { at, store }) => Outcome {
            success: false,
            headline: lang.t("counter.already").to_owned(),
            detail: lang.tf(
                "counter.already_detail",
                &[("at", &page.datetime(*at)), ("store", store)],
            ),
        },
        Err(Refused::Expired { at }) => Outcome {
            success: false,
            headline: lang.t("counter.expired").to_owned(),
            detail: lang.tf("counter.expired_detail", &[("at", &page.datetime(*at))]),
        },
        Err(Refused::JustStamped { at }) => Outcome {
            success: false,
            headline: lang.t("counter.just_stamped").to_owned(),
            detail: lang.tf(
                "counter.just_stamped_detail",
                &[("at", &page.datetime(*at))],
            ),
        },
    }
}

async fn counter_post(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<CounterForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let stores: Vec<(i64, String)> = stores::list(&state, &principal)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let store = form.store.parse().ok().or(stores.first().map(|s| s.0));
    let result = counter::redeem(&state, &principal, store.unwrap_or(0), &form.code).await;
    let (status, outcome, errors) = match result {
        Ok(result) => {
            let outcome = outcome_text(page.lang, &page, &result);
            let status = match &result {
                Ok(_) => StatusCode::OK,
                Err(Refused::Unknown) => StatusCode::NOT_FOUND,
                Err(Refused::Expired { .. }) => StatusCode::GONE,
                Err(_) => StatusCode::CONFLICT,
            };
            (status, Some(outcome), FormErrors::none())
        }
        Err(e) => {
            let status = e.status();
            (status, None, FormErrors::from_api(page.lang, e)?)
        }
    };
    Ok(render_status(
        status,
        &CounterPage {
            page: &page,
            stores,
            store,
            outcome,
            errors,
        },
    ))
}

pub const TEXT: &[Entry] = &[
    ("nav.feedback", "Feedback", "نظرها"),
    ("nav.counter", "Counter", "پیشخوان صندوق"),
    ("nav.loyalty", "Loyalty", "وفاداری"),
    ("feedback.title", "Customer feedback", "نظرهای مشتریان"),
    (
        "feedback.alert",
        "{n} new low rating(s) to read",
        "{n} امتیاز پایین تازه برای خواندن",
    ),
    (
        "feedback.none",
        "No feedback yet. A QR promo that leads to a feedback form brings it here.",
        "هنوز نظری نیست. تبلیغ QR که به فرم نظرسنجی می‌رسد نظرها را این‌جا می‌آورد.",
    ),
    ("feedback.store", "Store", "فروشگاه"),
    ("feedback.all_stores", "All stores", "همهٔ فروشگاه‌ها"),
    ("feedback.status", "Status", "وضعیت"),
    ("feedback.any_status", "Any", "همه"),
    (
        "feedback.low_only",
        "Only low ratings (1–2 stars)",
        "فقط امتیازهای پایین (۱ تا ۲ ستاره)",
    ),
    ("feedback.filter", "Show", "نمایش"),
    ("feedback.rating", "{n} of 5", "{n} از ۵"),
    ("feedback.contact", "Contact", "تماس"),
    (
        "feedback.public",
        "may be shown on screens",
        "نمایش روی نمایشگرها مجاز",
    ),
    ("feedback.status.new", "New", "تازه"),
    ("feedback.status.read", "Read", "خوانده‌شده"),
    ("feedback.status.approved", "On screens", "روی نمایشگرها"),
    ("feedback.status.hidden", "Hidden", "پنهان"),
    ("feedback.mark_read", "Mark read", "خوانده شد"),
    ("feedback.approve", "Show on screens", "نمایش روی نمایشگرها"),
    ("feedback.hide", "Hide", "پنهان کن"),
    ("feedback.done.read", "Marked read.", "خوانده‌شده علامت خورد."),
    (
        "feedback.done.approved",
        "It now shows in reviews on your screens.",
        "اکنون در نظرهای روی نمایشگرها دیده می‌شود.",
    ),
    ("feedback.done.hidden", "Hidden.", "پنهان شد."),
    ("feedback.done.new", "Marked new.", "تازه علامت خورد."),
    ("feedback.failed", "Not changed: {arg}", "تغییر نکرد: {arg}"),
    ("loyalty.title", "Loyalty card", "کارت وفاداری"),
    (
        "loyalty.intro",
        "Customers join by scanning a QR promo that leads to the loyalty card and confirming their phone by a text message; the counter stamps a card by its code. Every Nth visit is the reward.",
        "مشتریان با اسکن تبلیغ QR که به کارت وفاداری می‌رسد و تأیید شماره با پیامک عضو می‌شوند؛ صندوق کارت را با کدش مهر می‌زند. هر چندمین مراجعه پاداش است.",
    ),
    (
        "loyalty.every_nth",
        "Every how many visits is the reward",
        "پاداش هر چند مراجعه",
    ),
    (
        "loyalty.reward",
        "The reward (a free coffee)",
        "پاداش (یک قهوهٔ رایگان)",
    ),
    (
        "loyalty.sms",
        "Text messages go to: {target}",
        "پیامک‌ها فرستاده می‌شوند به: {target}",
    ),
    (
        "loyalty.saved",
        "The loyalty card is saved.",
        "کارت وفاداری ذخیره شد.",
    ),
    (
        "loyalty.none",
        "No programme yet: save one to start.",
        "هنوز برنامه‌ای نیست؛ برای شروع ذخیره کنید.",
    ),
    ("counter.title", "Counter", "پیشخوان صندوق"),
    (
        "counter.intro",
        "Type or scan the code on the customer's phone (a USB scanner types it for you): an offer's code is redeemed once; a loyalty card gets a stamp.",
        "کد روی تلفن مشتری را بنویسید یا اسکن کنید (اسکنر USB آن را برایتان تایپ می‌کند): کد پیشنهاد یک بار ثبت می‌شود؛ کارت وفاداری یک مهر می‌گیرد.",
    ),
    ("counter.store", "Store", "فروشگاه"),
    ("counter.code", "Code", "کد"),
    ("counter.redeem", "Redeem", "ثبت"),
    ("counter.scan", "Scan with the camera", "اسکن با دوربین"),
    (
        "counter.redeemed",
        "Redeemed: give the customer the offer.",
        "ثبت شد: پیشنهاد را به مشتری بدهید.",
    ),
    ("counter.stamped", "Stamped.", "مهر خورد."),
    (
        "counter.free",
        "This visit is the reward: {reward}",
        "این مراجعه پاداش است: {reward}",
    ),
    (
        "counter.stamps",
        "{n} of {total} stamps now",
        "اکنون {n} مهر از {total}",
    ),
    (
        "counter.unknown",
        "No offer code or loyalty card has this code. Check it with the customer.",
        "هیچ کد پیشنهاد یا کارت وفاداری این کد را ندارد. با مشتری بررسی کنید.",
    ),
    (
        "counter.already",
        "Already redeemed: do not give it again.",
        "قبلاً ثبت شده است؛ دوباره ندهید.",
    ),
    (
        "counter.already_detail",
        "Redeemed on {at} in {store}.",
        "در {at} در {store} ثبت شد.",
    ),
    (
        "counter.expired",
        "This code has expired.",
        "اعتبار این کد تمام شده است.",
    ),
    (
        "counter.expired_detail",
        "It was valid until {at}.",
        "تا {at} معتبر بود.",
    ),
    (
        "counter.just_stamped",
        "This card was stamped here a few minutes ago.",
        "این کارت چند دقیقه پیش همین‌جا مهر خورده است.",
    ),
    (
        "counter.just_stamped_detail",
        "Last stamp: {at}.",
        "آخرین مهر: {at}.",
    ),
];

//! The customer's pages, where a QR promo's scan lands (`/q/{code}` redirects here): the
//! feedback form, an offer's one-time code, the loyalty card. Made for a phone: one column, big
//! targets, the shop's brand colours, Persian or English (the customer can switch; the default
//! follows the browser, else the promo's headline). No account, no tracking cookie: the only
//! cookies are the customer's own offer code and loyalty card, which they can delete.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vitrin_shared::brand::BrandKit;
use vitrin_shared::content::PromoAction;

use super::content::preview::qr_svg;
use super::form::FormErrors;
use super::i18n::{Entry, LANG_COOKIE, Lang, cookie};
use super::page::{redirect, render_status};
use crate::db::{now_ms, sql};
use crate::domain::customers::feedback::{self, FeedbackInput};
use crate::domain::customers::offers::{self, Issued, Unavailable};
use crate::domain::customers::{self, PromoVisit, loyalty};
use crate::domain::promo::parse_code;
use crate::error::{ApiError, ApiResult};
use crate::extract::ClientIp;
use crate::state::AppState;

/// The browser's loyalty card (its secret token).
const CARD_COOKIE: &str = "vitrin_card";
/// The phone number being confirmed (the challenge's secret).
const PHONE_COOKIE: &str = "vitrin_phone";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c/card", get(card_page))
        .route("/c/card/delete", post(card_delete))
        .route("/c/feedback/delete", post(feedback_delete))
        .route("/c/{code}", get(promo_page))
        .route("/c/{code}/feedback", post(feedback_post))
        .route("/c/{code}/offer", post(offer_post))
        .route("/c/{code}/phone", post(phone_post))
        .route("/c/{code}/confirm", post(confirm_post))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LangQuery {
    lang: Option<String>,
}

/// What every customer page shows around its content.
pub struct Shop {
    pub lang: Lang,
    pub title: String,
    pub org: String,
    pub store: String,
    /// This page's path, for the language links.
    pub here: String,
    pub kit: BrandKit,
    pub timezone: String,
}

impl Shop {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }

    pub fn num(&self, n: impl Borrow<i64>) -> String {
        self.lang.num(*n.borrow())
    }

    /// Customers read times in the shop's zone; Iran's when the page has no shop.
    pub fn datetime(&self, ms: impl Borrow<i64>) -> String {
        let tz = jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        self.lang.datetime(*ms.borrow(), &tz)
    }
}

fn has_persian(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06ff}').contains(&c))
}

/// The page's language: asked for (`?lang=`), chosen before, the browser's if Persian, else
/// the language of what the screen said.
fn language(query: &LangQuery, headers: &HeaderMap, hint: &str) -> Lang {
    query
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .or_else(|| {
            let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            accept
                .to_ascii_lowercase()
                .contains("fa")
                .then_some(Lang::Fa)
        })
        .unwrap_or(if has_persian(hint) {
            Lang::Fa
        } else {
            Lang::En
        })
}

async fn brand_of(state: &AppState, store: i64) -> BrandKit {
    let row: Option<(Option<String>,)> = sql(
        "SELECT COALESCE(st.brand, o.brand) FROM stores st JOIN orgs o ON o.id = st.org_id \
         WHERE st.id = $1",
    )
    .bind(store)
    .fetch_optional(&state.db)
    .await
    .ok()
    .flatten();
    row.and_then(|(json,)| json)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

async fn shop(state: &AppState, visit: &PromoVisit, lang: Lang, here: &str) -> Shop {
    Shop {
        lang,
        title: visit.headline.clone(),
        org: visit.org_name.clone(),
        store: visit.store_name.clone(),
        here: here.to_owned(),
        kit: brand_of(state, visit.store).await,
        timezone: visit.timezone.clone(),
    }
}

/// The promo and screen of a tracked code, or the "link not found" page.
async fn visit_of(state: &AppState, code: &str) -> ApiResult<PromoVisit> {
    let (content, screen) = parse_code(code).ok_or(ApiError::NotFound)?;
    customers::visit(&state.db, content, screen).await
}

/// Remembers an explicit language choice, like the admin's switcher does.
fn with_lang_cookie(mut response: Response, query: &LangQuery) -> Response {
    if let Some(lang) = query.lang.as_deref().and_then(Lang::parse) {
        let value = format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn set_cookie(response: &mut Response, name: &str, value: &str, max_age_secs: i64) {
    let value = format!("{name}={value}; Path=/c; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}");
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The messages of a refused form, with the status the page is answered with.
fn form_errors(e: ApiError, lang: Lang) -> ApiResult<(StatusCode, FormErrors)> {
    let status = e.status();
    Ok((status, FormErrors::from_api(lang, e)?))
}

fn offer_cookie(visit: &PromoVisit) -> String {
    format!("vitrin_offer_{}", visit.content.0)
}

#[derive(Template)]
#[template(path = "customer/feedback.html")]
struct FeedbackPage<'a> {
    shop: &'a Shop,
    code: &'a str,
    form: FeedbackInput,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "customer/thanks.html")]
struct ThanksPage<'a> {
    shop: &'a Shop,
    secret: String,
    low: bool,
    /// This browser had sent feedback on this promo already.
    again: bool,
}

fn feedback_cookie(visit: &PromoVisit) -> String {
    format!("vitrin_feedback_{}", visit.content.0)
}

/// The secret of the feedback this browser sent on this promo, if it is still there: one
/// piece of feedback per phone and promo (delete it to send another).
async fn sent_before(
    state: &AppState,
    visit: &PromoVisit,
    headers: &HeaderMap,
) -> ApiResult<Option<String>> {
    match cookie(headers, &feedback_cookie(visit)) {
        Some(secret) if feedback::exists(&state.db, &secret).await? => Ok(Some(secret)),
        _ => Ok(None),
    }
}

/// Link previewers and crawlers may read the pages but never send anything.
fn refuse_bots(headers: &HeaderMap) -> ApiResult<()> {
    if crate::promo::is_automated(&axum::http::Method::POST, headers) {
        Err(ApiError::Forbidden(
            "automated clients cannot send this form",
        ))
    } else {
        Ok(())
    }
}

#[derive(Template)]
#[template(path = "customer/offer.html")]
struct OfferPage<'a> {
    shop: &'a Shop,
    code: &'a str,
    title: String,
    issued: Option<Issued>,
    qr: String,
    /// Why no code can be had (a text), if so.
    unavailable: Option<String>,
    expired: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "customer/join.html")]
struct JoinPage<'a> {
    shop: &'a Shop,
    code: &'a str,
    program: Option<loyalty::Program>,
    /// Waiting for the code sent to the phone.
    confirming: bool,
    phone: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "customer/card.html")]
struct CardPage<'a> {
    shop: &'a Shop,
    card: loyalty::Card,
    qr: String,
    /// One entry per stamp place: whether it is stamped.
    places: Vec<bool>,
}

#[derive(Template)]
#[template(path = "customer/message.html")]
struct MessagePage<'a> {
    shop: &'a Shop,
    text: String,
}

async fn promo_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let visit = visit_of(&state, &code).await?;
    let lang = language(&query, &headers, &visit.headline);
    let shop = shop(&state, &visit, lang, &format!("/c/{code}")).await;
    let response = match &visit.leads_to {
        PromoAction::Link => return Err(ApiError::NotFound),
        PromoAction::Feedback => match sent_before(&state, &visit, &headers).await? {
            Some(secret) => render_status(
                StatusCode::OK,
                &ThanksPage {
                    shop: &shop,
                    secret,
                    low: false,
                    again: true,
                },
            ),
            None => render_status(
                StatusCode::OK,
                &FeedbackPage {
                    shop: &shop,
                    code: &code,
                    form: FeedbackInput::default(),
                    errors: FormErrors::none(),
                },
            ),
        },
        PromoAction::Offer(_) => offer_view(&state, &visit, &shop, &code, &headers, None).await?,
        PromoAction::Loyalty => {
            if let Some(token) = cookie(&headers, CARD_COOKIE)
                && loyalty::card(&state.db, &token)
                    .await?
                    .is_some_and(|card| card.org == visit.org)
            {
                return Ok(redirect("/c/card"));
            }
            render_status(
                StatusCode::OK,
                &JoinPage {
                    shop: &shop,
                    code: &code,
                    program: loyalty::program(&state.db, visit.org).await?,
                    confirming: false,
                    phone: String::new(),
                    errors: FormErrors::none(),
                },
            )
        }
    };
    Ok(with_lang_cookie(response, &query))
}

async fn feedback_post(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientIp(address): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FeedbackInput>,
) -> ApiResult<Response> {
    let visit = visit_of(&state, &code).await?;
    if !matches!(visit.leads_to, PromoAction::Feedback) {
        return Err(ApiError::NotFound);
    }
    refuse_bots(&headers)?;
    let lang = language(&LangQuery::default(), &headers, &visit.headline);
    let shop = shop(&state, &visit, lang, &format!("/c/{code}")).await;
    if let Some(secret) = sent_before(&state, &visit, &headers).await? {
        return Ok(render_status(
            StatusCode::CONFLICT,
            &ThanksPage {
                shop: &shop,
                secret,
                low: false,
                again: true,
            },
        ));
    }
    let mut input = form.clone();
    input.lang = lang.code().to_owned();
    match feedback::submit(&state, &visit, input, address).await {
        Ok((_, secret)) => {
            let mut response = render_status(
                StatusCode::OK,
                &ThanksPage {
                    shop: &shop,
                    secret: secret.clone(),
                    low: form.rating <= feedback::LOW_RATING,
                    again: false,
                },
            );
            set_cookie(
                &mut response,
                &feedback_cookie(&visit),
                &secret,
                30 * 86_400,
            );
            Ok(response)
        }
        Err(e) => {
            let (status, errors) = form_errors(e, lang)?;
            Ok(render_status(
                status,
                &FeedbackPage {
                    shop: &shop,
                    code: &code,
                    form,
                    errors,
                },
            ))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SecretForm {
    secret: String,
    lang: String,
}

/// A neutral page for what no longer belongs to a shop (a deleted card or feedback).
fn plain_shop(lang: Lang) -> Shop {
    Shop {
        lang,
        title: lang.t("customer.deleted_title").to_owned(),
        org: String::new(),
        store: String::new(),
        here: "/c/card".into(),
        kit: BrandKit::default(),
        timezone: "Asia/Tehran".into(),
    }
}

async fn feedback_delete(
    State(state): State<AppState>,
    Form(form): Form<SecretForm>,
) -> ApiResult<Response> {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let deleted = feedback::delete_by_secret(&state, &form.secret).await?;
    let shop = plain_shop(lang);
    let text = lang
        .t(if deleted {
            "customer.feedback_deleted"
        } else {
            "customer.nothing_to_delete"
        })
        .to_owned();
    Ok(render_status(
        StatusCode::OK,
        &MessagePage { shop: &shop, text },
    ))
}

async fn offer_view(
    state: &AppState,
    visit: &PromoVisit,
    shop: &Shop,
    code: &str,
    headers: &HeaderMap,
    errors: Option<FormErrors>,
) -> ApiResult<Response> {
    let offer = offers::offer_of(visit)?;
    let mut issued = None;
    if let Some(mine) = cookie(headers, &offer_cookie(visit)) {
        issued = offers::earlier(&state.db, visit, &mine).await?;
    }
    let now = now_ms();
    let unavailable = match (&issued, offers::availability(offer, now)) {
        (Some(_), _) => None,
        (None, Err(why)) => Some(why),
        (None, Ok(())) => (offers::issued_count(&state.db, visit.content.0).await?
            >= i64::from(offer.limit))
        .then_some(Unavailable::AllGone),
    };
    let unavailable = unavailable.map(|why| match why {
        Unavailable::NotYet(at) => shop.tf("customer.offer_not_yet", &[("at", &shop.datetime(at))]),
        Unavailable::Ended => shop.t("customer.offer_ended").to_owned(),
        Unavailable::AllGone => shop.t("customer.offer_all_gone").to_owned(),
    });
    let qr = issued.as_ref().map(|i| qr_svg(&i.code)).unwrap_or_default();
    let expired = issued.as_ref().is_some_and(|i| i.expires_at <= now);
    Ok(render_status(
        if errors.is_some() {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::OK
        },
        &OfferPage {
            shop,
            code,
            title: offer.title.clone(),
            issued,
            qr,
            unavailable,
            expired,
            errors: errors.unwrap_or_else(FormErrors::none),
        },
    ))
}

async fn offer_post(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientIp(address): ClientIp,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let visit = visit_of(&state, &code).await?;
    offers::offer_of(&visit)?;
    refuse_bots(&headers)?;
    let lang = language(&LangQuery::default(), &headers, &visit.headline);
    // A browser that has a code of this offer keeps it: one code per phone.
    if let Some(mine) = cookie(&headers, &offer_cookie(&visit))
        && offers::earlier(&state.db, &visit, &mine).await?.is_some()
    {
        return Ok(redirect(&format!("/c/{code}")));
    }
    match offers::issue(&state.db, &visit, address).await {
        Ok(Ok(issued)) => {
            let mut response = redirect(&format!("/c/{code}"));
            let max_age = (issued.expires_at - now_ms()).max(0) / 1000 + 86_400;
            set_cookie(&mut response, &offer_cookie(&visit), &issued.code, max_age);
            Ok(response)
        }
        // The page says why (it checks again).
        Ok(Err(_)) => Ok(redirect(&format!("/c/{code}"))),
        Err(e) => {
            let shop = shop(&state, &visit, lang, &format!("/c/{code}")).await;
            let (_, errors) = form_errors(e, lang)?;
            offer_view(&state, &visit, &shop, &code, &headers, Some(errors)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PhoneForm {
    phone: String,
    code: String,
}

async fn phone_post(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientIp(address): ClientIp,
    headers: HeaderMap,
    Form(form): Form<PhoneForm>,
) -> ApiResult<Response> {
    let visit = visit_of(&state, &code).await?;
    if !matches!(visit.leads_to, PromoAction::Loyalty) {
        return Err(ApiError::NotFound);
    }
    refuse_bots(&headers)?;
    let lang = language(&LangQuery::default(), &headers, &visit.headline);
    let shop = shop(&state, &visit, lang, &format!("/c/{code}")).await;
    let program = loyalty::program(&state.db, visit.org).await?;
    let sent = loyalty::start(
        &state,
        visit.org,
        &visit.org_name,
        &form.phone,
        lang == Lang::Fa,
        address,
    )
    .await;
    let (status, confirming, errors, secret) = match sent {
        Ok(secret) => (StatusCode::OK, true, FormErrors::none(), Some(secret)),
        Err(e) => {
            let (status, errors) = form_errors(e, lang)?;
            (status, false, errors, None)
        }
    };
    let mut response = render_status(
        status,
        &JoinPage {
            shop: &shop,
            code: &code,
            program,
            confirming,
            phone: form.phone,
            errors,
        },
    );
    if let Some(secret) = secret {
        set_cookie(
            &mut response,
            PHONE_COOKIE,
            &secret,
            loyalty::CHALLENGE_MS / 1000,
        );
    }
    Ok(response)
}

async fn confirm_post(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PhoneForm>,
) -> ApiResult<Response> {
    let visit = visit_of(&state, &code).await?;
    let lang = language(&LangQuery::default(), &headers, &visit.headline);
    let challenge = cookie(&headers, PHONE_COOKIE).unwrap_or_default();
    match loyalty::confirm(&state.db, visit.org, &challenge, &form.code).await {
        Ok(card_token) => {
            // The card page has no headline to take its language from: it keeps this one.
            let mut response = with_lang_cookie(
                redirect("/c/card"),
                &LangQuery {
                    lang: Some(lang.code().to_owned()),
                },
            );
            set_cookie(&mut response, CARD_COOKIE, &card_token, 2 * 365 * 86_400);
            set_cookie(&mut response, PHONE_COOKIE, "", 0);
            Ok(response)
        }
        Err(e) => {
            let shop = shop(&state, &visit, lang, &format!("/c/{code}")).await;
            let gone = matches!(e, ApiError::Gone(_));
            let (status, mut errors) = form_errors(e, lang)?;
            if gone {
                errors.add("phone", lang.t("customer.code_expired"));
            }
            Ok(render_status(
                status,
                &JoinPage {
                    shop: &shop,
                    code: &code,
                    program: loyalty::program(&state.db, visit.org).await?,
                    confirming: !gone,
                    phone: form.phone,
                    errors,
                },
            ))
        }
    }
}

async fn card_page(
    State(state): State<AppState>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let card = match cookie(&headers, CARD_COOKIE) {
        Some(token) => loyalty::card(&state.db, &token).await?,
        None => None,
    };
    let lang = language(&query, &headers, "");
    let Some(card) = card else {
        let shop = plain_shop(lang);
        let text = lang.t("customer.no_card").to_owned();
        return Ok(with_lang_cookie(
            render_status(StatusCode::NOT_FOUND, &MessagePage { shop: &shop, text }),
            &query,
        ));
    };
    let store: Option<(i64, String)> =
        sql("SELECT id, timezone FROM stores WHERE org_id = $1 ORDER BY id LIMIT 1")
            .bind(card.org.0)
            .fetch_optional(&state.db)
            .await?;
    let shop = Shop {
        lang,
        title: lang.t("customer.card_title").to_owned(),
        org: card.org_name.clone(),
        store: String::new(),
        here: "/c/card".into(),
        kit: match store {
            Some((store, _)) => brand_of(&state, store).await,
            None => BrandKit::default(),
        },
        timezone: store.map_or_else(|| "Asia/Tehran".to_owned(), |(_, tz)| tz),
    };
    let places = (1..=card.program.every_nth)
        .map(|n| n <= card.stamps)
        .collect();
    let qr = qr_svg(&card.code);
    Ok(with_lang_cookie(
        render_status(
            StatusCode::OK,
            &CardPage {
                shop: &shop,
                card,
                qr,
                places,
            },
        ),
        &query,
    ))
}

async fn card_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SecretForm>,
) -> ApiResult<Response> {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let deleted = match cookie(&headers, CARD_COOKIE) {
        Some(token) => loyalty::delete(&state.db, &token).await?,
        None => false,
    };
    let shop = plain_shop(lang);
    let text = lang
        .t(if deleted {
            "customer.card_deleted"
        } else {
            "customer.nothing_to_delete"
        })
        .to_owned();
    let mut response = render_status(StatusCode::OK, &MessagePage { shop: &shop, text });
    set_cookie(&mut response, CARD_COOKIE, "", 0);
    Ok(response)
}

pub const TEXT: &[Entry] = &[
    (
        "customer.sent_before",
        "You have already told us about this visit. Thank you! To send something else, delete what you sent first.",
        "نظرتان را دربارهٔ این بازدید گفته‌اید؛ سپاس! برای فرستادن نظری دیگر، اول آنچه فرستادید را حذف کنید.",
    ),
    (
        "err.not_sent",
        "The text message could not be sent; try again in a minute.",
        "پیامک فرستاده نشد؛ یک دقیقهٔ دیگر دوباره امتحان کنید.",
    ),
    (
        "err.wrong",
        "That is not the code we sent; check the message.",
        "این کدی نیست که فرستادیم؛ پیامک را دوباره ببینید.",
    ),
    (
        "err.unknown_code",
        "No offer code or loyalty card has this code.",
        "هیچ کد پیشنهاد یا کارت وفاداری با این کد نیست.",
    ),
    (
        "err.not_public",
        "Its writer did not agree to show it on screens.",
        "نویسنده‌اش نمایش آن روی نمایشگرها را نپذیرفته است.",
    ),
    ("customer.lang_fa", "فارسی", "فارسی"),
    ("customer.lang_en", "English", "English"),
    (
        "customer.privacy",
        "We keep only what you type here, for the purpose it says.",
        "فقط آنچه این‌جا می‌نویسید نگه داشته می‌شود، برای همان کاری که گفته شده.",
    ),
    (
        "customer.rate",
        "How was your visit?",
        "بازدیدتان چطور بود؟",
    ),
    ("customer.stars", "{n} of 5 stars", "{n} از ۵ ستاره"),
    (
        "customer.comment",
        "Tell us more (optional)",
        "بیشتر بگویید (اختیاری)",
    ),
    (
        "customer.public",
        "You may show my comment on the shop's screens",
        "نظرم را می‌توانید روی نمایشگرهای فروشگاه نشان دهید",
    ),
    (
        "customer.signed",
        "Sign it with (optional, shown with your comment)",
        "امضا (اختیاری، کنار نظرتان نشان داده می‌شود)",
    ),
    (
        "customer.contact",
        "Phone or email, only if you want a reply (optional)",
        "تلفن یا ایمیل، فقط اگر پاسخ می‌خواهید (اختیاری)",
    ),
    ("customer.send", "Send", "ارسال"),
    (
        "customer.thanks",
        "Thank you! Your feedback reached the shop.",
        "سپاس! نظر شما به فروشگاه رسید.",
    ),
    (
        "customer.thanks_low",
        "We are sorry it was not better. The shop's manager has been told.",
        "متأسفیم که بهتر نبود. مدیر فروشگاه باخبر شد.",
    ),
    (
        "customer.delete_feedback",
        "Delete what I sent",
        "حذف آنچه فرستادم",
    ),
    (
        "customer.feedback_deleted",
        "Your feedback has been deleted.",
        "نظر شما حذف شد.",
    ),
    (
        "customer.nothing_to_delete",
        "There is nothing to delete (any more).",
        "چیزی برای حذف نیست.",
    ),
    ("customer.deleted_title", "Deleted", "حذف شد"),
    ("customer.get_code", "Get my code", "کد من را بده"),
    ("customer.your_code", "Your code", "کد شما"),
    (
        "customer.show_code",
        "Show this at the counter. It works once.",
        "این را در صندوق نشان دهید. فقط یک بار کار می‌کند.",
    ),
    ("customer.valid_until", "Valid until {at}", "معتبر تا {at}"),
    (
        "customer.redeemed",
        "Used on {at}. Enjoy!",
        "در {at} استفاده شد. نوش جان!",
    ),
    (
        "customer.expired",
        "This code has expired.",
        "اعتبار این کد تمام شده است.",
    ),
    (
        "customer.offer_not_yet",
        "This offer starts on {at}.",
        "این پیشنهاد از {at} شروع می‌شود.",
    ),
    (
        "customer.offer_ended",
        "This offer has ended.",
        "این پیشنهاد تمام شده است.",
    ),
    (
        "customer.offer_all_gone",
        "All codes of this offer have been given out.",
        "همهٔ کدهای این پیشنهاد داده شده‌اند.",
    ),
    (
        "customer.join",
        "Join our loyalty card",
        "عضویت در کارت وفاداری",
    ),
    (
        "customer.program",
        "Every {n}th visit: {reward}",
        "هر {n} بار مراجعه: {reward}",
    ),
    (
        "customer.no_program",
        "This shop has no loyalty card yet.",
        "این فروشگاه هنوز کارت وفاداری ندارد.",
    ),
    (
        "customer.phone",
        "Your mobile number",
        "شمارهٔ تلفن همراه شما",
    ),
    (
        "customer.phone_why",
        "We send a code to confirm it and keep only a scrambled form of it, to find your card again. Nothing else, no advertising. You can delete your card at any time.",
        "برای تأیید، کدی پیامک می‌کنیم و فقط شکل درهم‌شدهٔ شماره را نگه می‌داریم تا کارتتان را دوباره پیدا کنیم؛ نه چیز دیگری، نه تبلیغ. هر وقت بخواهید می‌توانید کارت را حذف کنید.",
    ),
    ("customer.send_code", "Text me a code", "کد را پیامک کن"),
    (
        "customer.code_sent",
        "We sent a code to {phone}. Type it here:",
        "کدی به {phone} فرستادیم. آن را این‌جا بنویسید:",
    ),
    ("customer.code", "The code from the message", "کد پیامک"),
    ("customer.confirm", "Confirm", "تأیید"),
    (
        "customer.code_expired",
        "That code has expired: ask for a new one.",
        "اعتبار آن کد تمام شده است؛ کد تازه بخواهید.",
    ),
    ("customer.card_title", "Loyalty card", "کارت وفاداری"),
    (
        "customer.stamps",
        "{n} of {total} stamps",
        "{n} مهر از {total}",
    ),
    (
        "customer.next_free",
        "Your next visit is free: {reward}",
        "مراجعهٔ بعدی شما رایگان است: {reward}",
    ),
    (
        "customer.show_card",
        "Show this at the counter for a stamp.",
        "برای گرفتن مهر، این را در صندوق نشان دهید.",
    ),
    (
        "customer.visits",
        "Visits so far: {n}",
        "تعداد مراجعه‌ها تا کنون: {n}",
    ),
    (
        "customer.delete_card",
        "Delete my card and its data",
        "حذف کارت و اطلاعات آن",
    ),
    (
        "customer.card_deleted",
        "Your card and its visits have been deleted.",
        "کارت شما و مراجعه‌هایش حذف شد.",
    ),
    (
        "customer.no_card",
        "This browser holds no loyalty card. Scan the card's QR code at the counter to join or to bring your card here.",
        "این مرورگر کارت وفاداری ندارد. برای عضویت یا آوردن کارتتان به این‌جا، کد QR کارت را در صندوق اسکن کنید.",
    ),
];

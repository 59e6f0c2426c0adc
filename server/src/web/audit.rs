//! The audit log at `/audit` (owners only): who changed what and when, newest first, filtered
//! by user, kind of object (and its id) and dates typed in the Solar Hijri or the Gregorian
//! calendar, read in the organization's time zone; pages back through older entries.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vitrin_shared::calendar::parse_number;

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, render_status, url_encode};
use super::schedule::parse_date;
use crate::domain::users::{self, AuditEntry, AuditQuery, User};
use crate::error::ApiResult;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(index))
}

/// Entries per page.
const PAGE_SIZE: i64 = 50;

/// The kinds of object the log records, as the filter offers them.
const OBJECT_TYPES: [&str; 14] = [
    "content",
    "playlist",
    "layout",
    "rule",
    "emergency",
    "screen",
    "group",
    "tag",
    "store",
    "media",
    "feed",
    "user",
    "api_token",
    "organization",
];

/// The actions the log records; others are shown as written.
const ACTIONS: [&str; 11] = [
    "create", "update", "save", "delete", "rename", "upload", "pair", "unpair", "command",
    "publish", "end",
];

/// The filters, as typed (a GET form, so a filtered page can be bookmarked).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Filters {
    user: String,
    #[serde(rename = "type")]
    kind: String,
    id: String,
    from: String,
    to: String,
    /// Paging: entries older than this id.
    before: String,
}

impl Filters {
    /// The query the filters ask for, or each bad field's message in `lang`.
    fn query(&self, lang: Lang, tz: &TimeZone) -> Result<AuditQuery, FormErrors> {
        let mut errors = FormErrors::none();
        let mut query = AuditQuery {
            limit: Some(PAGE_SIZE + 1),
            before: parse_number(&self.before).ok(),
            ..AuditQuery::default()
        };
        if !self.user.trim().is_empty() {
            match parse_number(&self.user) {
                Ok(id) => query.user_id = Some(id),
                Err(_) => errors.add("user", lang.t("audit.bad_user")),
            }
        }
        match self.kind.trim() {
            "" => {}
            kind if OBJECT_TYPES.contains(&kind) => query.object_type = Some(kind.to_owned()),
            _ => errors.add("type", lang.t("audit.bad_type")),
        }
        if !self.id.trim().is_empty() {
            match parse_number(&self.id) {
                Ok(id) if id > 0 => query.object_id = Some(id),
                _ => errors.add("id", lang.t("audit.bad_id")),
            }
        }
        let from = day(&self.from, "from", lang, &mut errors);
        let to = day(&self.to, "to", lang, &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.add("to", lang.t("audit.to_before_from"));
        }
        // Whole days in the organization's time zone: from the start of `from` to the end
        // of `to`.
        query.from = from.and_then(|d| start_of(d, tz));
        query.to = to
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| start_of(d, tz));
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// This page's filters in a query string, for the "older" link.
    fn query_string(&self, before: i64) -> String {
        let pairs = [
            ("user", &self.user),
            ("type", &self.kind),
            ("id", &self.id),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut text: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v.trim())))
            .collect();
        text.push(format!("before={before}"));
        text.join("&")
    }
}

/// A typed date (either calendar, any digits), or its field's message.
fn day(text: &str, field: &str, lang: Lang, errors: &mut FormErrors) -> Option<Date> {
    if text.trim().is_empty() {
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        errors.add(field, lang.t("audit.bad_date"));
    }
    date
}

/// The first moment of `date` in `tz`, in epoch milliseconds.
fn start_of(date: Date, tz: &TimeZone) -> Option<i64> {
    let day = date.to_zoned(tz.clone()).ok()?.start_of_day().ok()?;
    Some(day.timestamp().as_millisecond())
}

/// The page of an object that has one.
fn object_href(kind: &str, id: i64) -> Option<String> {
    let base = match kind {
        "content" => "/content",
        "playlist" => "/playlists",
        "layout" => "/layouts",
        "rule" => "/schedule/rules",
        "screen" => "/screens",
        "user" => "/users",
        "group" => "/groups",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct AuditPage<'a> {
    page: &'a Page,
    filters: Filters,
    errors: FormErrors,
    users: Vec<User>,
    entries: Vec<AuditEntry>,
    /// The "older entries" link, when there are more.
    older: Option<String>,
}

impl AuditPage<'_> {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        OBJECT_TYPES
            .iter()
            .map(|k| (*k, self.kind_text(k)))
            .collect()
    }

    fn kind_text(&self, kind: &str) -> String {
        if OBJECT_TYPES.contains(&kind) {
            self.page.t(&format!("audit.type.{kind}")).to_owned()
        } else {
            kind.to_owned()
        }
    }

    fn action_text(&self, action: &str) -> String {
        if ACTIONS.contains(&action) {
            self.page.t(&format!("audit.action.{action}")).to_owned()
        } else {
            action.to_owned()
        }
    }

    fn href(&self, entry: &AuditEntry) -> Option<String> {
        entry
            .object_id
            .and_then(|id| object_href(&entry.object_type, id))
    }

    fn object_id_text(&self, entry: &AuditEntry) -> String {
        // An id, not a quantity: no thousands separators.
        entry
            .object_id
            .map(|id| self.page.lang.digits_in(&id.to_string()))
            .unwrap_or_default()
    }

    fn user_selected(&self, id: &i64) -> bool {
        self.filters.user.trim() == id.to_string()
    }
}

async fn index(
    State(state): State<AppState>,
    signed: Signed,
    Query(filters): Query<Filters>,
) -> ApiResult<Response> {
    let Signed { principal, page } = &signed;
    // Owners only (the domain refuses the others), before anything is read.
    let users = users::list(&state, principal).await?;
    let (entries, errors) = match filters.query(page.lang, &page.tz) {
        Ok(query) => (
            users::audit_log(&state, principal, &query).await?,
            FormErrors::none(),
        ),
        // A filter that cannot be read shows its message and no entries at all, rather
        // than entries it did not ask for.
        Err(errors) => (Vec::new(), errors),
    };
    let mut entries = entries;
    let older = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries
            .last()
            .map(|e| format!("/audit?{}", filters.query_string(e.id)))
    } else {
        None
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // Entries keep the e-mail they were made with; a user's current name reads better.
    let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    for entry in &mut entries {
        if let Some(name) = entry.user_id.and_then(|id| names.get(&id)) {
            entry.actor = format!("{name} <{}>", entry.actor);
        }
    }
    Ok(render_status(
        status,
        &AuditPage {
            page,
            filters,
            errors,
            users,
            entries,
            older,
        },
    ))
}

pub const TEXT: &[Entry] = &[
    ("audit.title", "Audit log", "گزارش تغییرات"),
    (
        "audit.intro",
        "Who changed what, newest first. Dates are in the organization's time zone.",
        "چه کسی چه چیزی را تغییر داد، تازه‌ترین در بالا. تاریخ‌ها به وقت سازمان است.",
    ),
    (
        "audit.link",
        "Audit log: who changed what",
        "گزارش تغییرات: چه کسی چه چیزی را تغییر داد",
    ),
    ("audit.filters", "Filter", "پالایش"),
    ("audit.user", "User", "کاربر"),
    ("audit.any_user", "Anyone", "همه"),
    ("audit.type", "Kind of object", "نوع مورد"),
    ("audit.any_type", "Any kind", "هر نوع"),
    (
        "audit.object_id",
        "Object number (optional)",
        "شمارهٔ مورد (اختیاری)",
    ),
    ("audit.from", "From date", "از تاریخ"),
    ("audit.to", "To date", "تا تاریخ"),
    (
        "audit.date_hint",
        "Solar Hijri (1405/09/12) or Gregorian (2026-12-03).",
        "خورشیدی (۱۴۰۵/۰۹/۱۲) یا میلادی (2026-12-03).",
    ),
    ("audit.apply", "Show", "نمایش"),
    ("audit.clear", "Clear filters", "پاک کردن پالایه‌ها"),
    ("audit.when", "When", "زمان"),
    ("audit.who", "Who", "چه کسی"),
    ("audit.action", "Action", "کار"),
    ("audit.object", "Object", "مورد"),
    ("audit.summary", "Details", "جزئیات"),
    ("audit.none", "No entries match.", "هیچ موردی پیدا نشد."),
    ("audit.older", "Older entries", "موارد قدیمی‌تر"),
    (
        "audit.bad_user",
        "Choose a user from the list.",
        "یک کاربر از فهرست برگزینید.",
    ),
    (
        "audit.bad_type",
        "Choose a kind of object from the list.",
        "یک نوع از فهرست برگزینید.",
    ),
    (
        "audit.bad_id",
        "Type a whole number above zero, or leave it empty.",
        "یک عدد درست بزرگ‌تر از صفر بنویسید، یا خالی بگذارید.",
    ),
    (
        "audit.bad_date",
        "Not a date. Write it like 1405/09/12 or 2026-12-03.",
        "این تاریخ نیست. آن را مانند ۱۴۰۵/۰۹/۱۲ یا 2026-12-03 بنویسید.",
    ),
    (
        "audit.to_before_from",
        "The end date is before the start date.",
        "تاریخ پایان پیش از تاریخ آغاز است.",
    ),
    ("audit.type.content", "Content", "محتوا"),
    ("audit.type.playlist", "Playlist", "فهرست پخش"),
    ("audit.type.layout", "Layout", "چیدمان"),
    ("audit.type.rule", "Schedule rule", "قاعدهٔ زمان‌بندی"),
    ("audit.type.emergency", "Emergency message", "پیام اضطراری"),
    ("audit.type.screen", "Screen", "نمایشگر"),
    ("audit.type.group", "Screen group", "گروه نمایشگر"),
    ("audit.type.tag", "Tag", "برچسب"),
    ("audit.type.store", "Store", "فروشگاه"),
    ("audit.type.media", "Media", "رسانه"),
    ("audit.type.feed", "Feed", "خوراک"),
    ("audit.type.user", "User", "کاربر"),
    ("audit.type.api_token", "API token", "توکن API"),
    ("audit.type.organization", "Organization", "سازمان"),
    ("audit.action.create", "created", "ساخت"),
    ("audit.action.update", "changed", "تغییر داد"),
    ("audit.action.save", "saved", "ذخیره کرد"),
    ("audit.action.delete", "deleted", "حذف کرد"),
    ("audit.action.rename", "renamed", "نام را تغییر داد"),
    ("audit.action.upload", "uploaded", "بارگذاری کرد"),
    ("audit.action.pair", "paired", "جفت کرد"),
    ("audit.action.unpair", "unpaired", "جفت را لغو کرد"),
    ("audit.action.command", "sent a command", "فرمان فرستاد"),
    ("audit.action.publish", "published", "منتشر کرد"),
    ("audit.action.end", "ended", "پایان داد"),
];

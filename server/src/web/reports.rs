//! Reports: proof of play, QR-promo scans, uptime, and the customer reports (satisfaction,
//! offer codes, loyalty), with filters, the chart and a CSV download. The numbers, the chart
//! (SVG) and the CSV are the API's (`crate::reports`, `crate::customer_reports`); this page
//! only collects the filters, shows the chart inline and links the same query as CSV.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::form::FormErrors;
use super::i18n::Entry;
use super::page::{Page, Signed, render_status, url_encode};
use super::schedule::Choice;
use crate::error::{ApiError, ApiResult};
use crate::reports::ReportQuery;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports", get(page))
}

/// The filters as typed (all optional: the API has defaults).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    /// `plays`, `scans`, `uptime`, `satisfaction`, `offers` or `loyalty`.
    pub report: String,
    pub from: String,
    pub until: String,
    pub group: String,
    pub by: String,
    pub store: String,
}

impl ReportForm {
    fn query(&self, format: &str) -> ReportQuery {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        ReportQuery {
            from: text(&self.from),
            until: text(&self.until),
            tz: None,
            store: self.store.parse().ok(),
            screen: None,
            group: text(&self.group),
            by: text(&self.by),
            format: Some(format.to_owned()),
        }
    }

    /// The API URL of the same report in `format`.
    fn url(&self, format: &str) -> String {
        let mut url = format!("/api/v1/reports/{}?format={format}", self.kind());
        for (name, value) in [
            ("from", &self.from),
            ("until", &self.until),
            ("group", &self.group),
            ("by", &self.by),
            ("store", &self.store),
        ] {
            if !value.trim().is_empty() {
                url.push_str(&format!("&{name}={}", url_encode(value.trim())));
            }
        }
        url
    }

    fn kind(&self) -> &str {
        match self.report.as_str() {
            "scans" => "scans",
            "uptime" => "uptime",
            "satisfaction" => "satisfaction",
            "offers" => "offers",
            "loyalty" => "loyalty",
            _ => "plays",
        }
    }
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct ReportsPage<'a> {
    page: &'a Page,
    form: ReportForm,
    errors: FormErrors,
    stores: Vec<Choice>,
    groups: Vec<Choice>,
    /// The chart, inline; empty when the filters are wrong.
    chart: String,
    csv_url: String,
}

async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(form): Query<ReportForm>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let lang = page.lang;
    let query = form.query("svg");
    let chart = match form.kind() {
        "scans" => crate::reports::scans_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
        "uptime" => crate::reports::uptime_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
        "satisfaction" => crate::customer_reports::satisfaction_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
        "offers" => crate::customer_reports::offers_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
        "loyalty" => crate::customer_reports::loyalty_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
        _ => crate::reports::plays_report(&state, &principal, &query)
            .await
            .map(|r| r.svg()),
    };
    let (chart, errors) = match chart {
        // Inline in the page: without the XML declaration.
        Ok(svg) => {
            let start = svg.find("<svg").unwrap_or(0);
            (svg[start..].to_owned(), FormErrors::none())
        }
        Err(e @ ApiError::Validation(_)) => (String::new(), FormErrors::from_api(lang, e)?),
        Err(e) => return Err(e),
    };
    let stores = crate::domain::stores::list(&state, &principal)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let groups = match form.kind() {
        "scans" => &["promo", "screen", "daypart"][..],
        "uptime" | "loyalty" => &[][..],
        "satisfaction" => &["store", "daypart", "week"][..],
        "offers" => &["promo", "screen", "daypart"][..],
        _ => &["content", "playlist", "screen", "store"][..],
    }
    .iter()
    .map(|g| Choice {
        value: (*g).to_owned(),
        label: lang.t(&format!("reports.group.{g}")).to_owned(),
    })
    .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ReportsPage {
            page: &page,
            csv_url: form.url("csv"),
            form,
            errors,
            stores,
            groups,
            chart,
        },
    ))
}

impl ReportsPage<'_> {
    /// The text of `<prefix>.<choice>`.
    fn label(&self, prefix: &str, choice: &str) -> String {
        self.page.t(&format!("{prefix}.{choice}")).to_owned()
    }
}

pub const TEXT: &[Entry] = &[
    ("nav.reports", "Reports", "گزارش‌ها"),
    ("reports.title", "Reports", "گزارش‌ها"),
    ("reports.report", "Report", "گزارش"),
    ("reports.kind.plays", "Proof of play", "گواهی پخش"),
    ("reports.kind.scans", "QR scans", "اسکن‌های QR"),
    ("reports.kind.uptime", "Uptime", "زمان روشن بودن"),
    (
        "reports.kind.satisfaction",
        "Customer satisfaction",
        "رضایت مشتریان",
    ),
    ("reports.kind.offers", "Offer codes", "کدهای پیشنهاد ویژه"),
    (
        "reports.kind.loyalty",
        "Loyalty and retention",
        "وفاداری و ماندگاری مشتریان",
    ),
    (
        "reports.from",
        "From (e.g. 2026-11-01 or 1405/08/10)",
        "از (مثلاً ۱۴۰۵/۰۸/۱۰ یا 2026-11-01)",
    ),
    ("reports.until", "Until", "تا"),
    ("reports.group", "Per", "به تفکیک"),
    ("reports.group.content", "Content", "محتوا"),
    ("reports.group.playlist", "Playlist", "فهرست پخش"),
    ("reports.group.screen", "Screen", "نمایشگر"),
    ("reports.group.store", "Store", "فروشگاه"),
    ("reports.group.promo", "Promo", "تبلیغ"),
    ("reports.group.daypart", "Part of day", "بخش روز"),
    (
        "reports.group.week",
        "Week (from Saturday)",
        "هفته (از شنبه)",
    ),
    ("reports.by", "Split by", "تقسیم بر"),
    ("reports.by.total", "Whole range", "کل بازه"),
    ("reports.by.day", "Day", "روز"),
    ("reports.by.hour", "Hour of day", "ساعت روز"),
    ("reports.store", "Store", "فروشگاه"),
    ("reports.all_stores", "All stores", "همهٔ فروشگاه‌ها"),
    ("reports.show", "Show", "نمایش"),
    ("reports.csv", "Download CSV", "دریافت CSV"),
];

//! A menu as a spreadsheet (`/menus/{id}/csv`): download it (headers in English or Persian),
//! fill it in Excel or Google Sheets, upload it back. A file with mistakes changes nothing: the
//! page lists every bad cell by spreadsheet row and shows the file's text in a box to fix it
//! right there, so nothing typed is lost. The format is `domain::menu_csv`'s.

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use vitrin_shared::content::{ContentItem, ContentKind};

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use crate::domain::library;
use crate::domain::menu_csv::{self, HeaderLang, MAX_BYTES, MAX_ROWS, RowError};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/menus/{id}/csv", get(page).post(upload))
        .route("/menus/{id}/menu.csv", get(download))
}

/// One problem as the page shows it.
pub struct ShownError {
    pub row: String,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "menus/csv.html")]
struct CsvPage<'a> {
    page: &'a Page,
    id: i64,
    name: String,
    items: i64,
    errors: FormErrors,
    rows: Vec<ShownError>,
    /// The text of the file last sent, to fix in place.
    text: String,
    max_kb: i64,
    max_rows: i64,
}

async fn load_menu(
    state: &AppState,
    principal: &crate::auth::Principal,
    id: i64,
) -> ApiResult<(String, i64)> {
    let item = library::get::<ContentItem>(state, principal, id).await?;
    match &item.kind {
        ContentKind::MenuBoard { menu } => Ok((
            item.name.clone(),
            menu.categories.iter().map(|c| c.items.len() as i64).sum(),
        )),
        _ => Err(ApiError::NotFound),
    }
}

fn column_name(lang: Lang, field: &str) -> String {
    let column = menu_csv::Column::ALL.into_iter().find(|c| c.en() == field);
    match (column, lang) {
        (Some(c), Lang::Fa) => c.fa().to_owned(),
        (Some(c), Lang::En) => c.en().to_owned(),
        (None, _) if field == "file" => lang.t("menu_csv.whole_file").to_owned(),
        (None, _) => field.to_owned(),
    }
}

fn shown(lang: Lang, errors: &[RowError]) -> Vec<ShownError> {
    errors
        .iter()
        .map(|e| ShownError {
            row: if e.row == 0 {
                "–".to_owned()
            } else {
                lang.num(e.row as i64)
            },
            column: column_name(lang, &e.field),
            message: match lang {
                Lang::En => e.message.clone(),
                Lang::Fa => e.message_fa.clone(),
            },
        })
        .collect()
}

async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let (name, items) = load_menu(&state, &principal, id).await?;
    Ok(render(&CsvPage {
        page: &page,
        id,
        name,
        items,
        errors: FormErrors::none(),
        rows: Vec::new(),
        text: String::new(),
        max_kb: (MAX_BYTES / 1024) as i64,
        max_rows: MAX_ROWS as i64,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    lang: Option<String>,
}

async fn download(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Query(query): Query<DownloadQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let lang = HeaderLang::parse(query.lang.as_deref().unwrap_or(page.lang.code()));
    let (name, bytes) = menu_csv::export(&state, &principal, id, lang).await?;
    Ok(crate::api::menu_csv::csv_download(&name, id, bytes))
}

/// The posted file (field `file`) or, when no file was chosen, the text box (field `text`).
async fn received(multipart: Result<Multipart, MultipartRejection>) -> ApiResult<Vec<u8>> {
    let mut multipart =
        multipart.map_err(|e| ApiError::BadRequest(format!("not a form upload: {e}")))?;
    let (mut file, mut text) = (Vec::new(), Vec::new());
    let failed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(e.body_text())
        } else {
            ApiError::BadRequest(e.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(failed)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                return Err(ApiError::PayloadTooLarge(format!(
                    "a menu file is at most {} KB",
                    MAX_BYTES / 1024
                )));
            }
        }
        match name.as_str() {
            "file" => file = bytes,
            "text" => text = bytes,
            _ => {}
        }
    }
    Ok(if file.is_empty() { text } else { file })
}

async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let (name, items) = load_menu(&state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    let mut errors = FormErrors::none();
    let mut rows = Vec::new();
    let mut text = String::new();
    match received(multipart).await {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
            errors.form = Some(page.t("menu_csv.nothing").to_owned());
        }
        Ok(bytes) => {
            text = menu_csv::decode(&bytes);
            match menu_csv::import(&state, &principal, id, &bytes).await {
                Ok(Ok(item)) => {
                    return Ok(redirect_flash(
                        &format!("/menus/{id}"),
                        true,
                        "menu_csv.imported",
                        &item.name,
                    ));
                }
                Ok(Err(problems)) => {
                    errors.form = Some(page.t("menu_csv.not_imported").to_owned());
                    rows = shown(page.lang, &problems);
                }
                Err(ApiError::PayloadTooLarge(_)) => {
                    text.clear();
                    errors.form = Some(page.tf(
                        "menu_csv.too_large",
                        &[("kb", &page.num((MAX_BYTES / 1024) as i64))],
                    ));
                }
                Err(e) => errors = FormErrors::from_api(page.lang, e)?,
            }
        }
        Err(ApiError::PayloadTooLarge(_)) => {
            errors.form = Some(page.tf(
                "menu_csv.too_large",
                &[("kb", &page.num((MAX_BYTES / 1024) as i64))],
            ));
        }
        Err(e) => errors = FormErrors::from_api(page.lang, e)?,
    }
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &CsvPage {
            page: &page,
            id,
            name,
            items,
            errors,
            rows,
            text: text.trim_start_matches('\u{feff}').to_owned(),
            max_kb: (MAX_BYTES / 1024) as i64,
            max_rows: MAX_ROWS as i64,
        },
    ))
}

pub const TEXT: &[Entry] = &[
    (
        "menu_csv.title",
        "Menu “{name}” as a spreadsheet",
        "منوی «{name}» به صورت صفحه‌گسترده",
    ),
    ("menu_csv.link", "Spreadsheet (CSV)", "صفحه‌گسترده (CSV)"),
    ("menu_csv.back", "Back to the menu", "بازگشت به منو"),
    (
        "menu_csv.intro",
        "Download the menu, change it in Excel or Google Sheets, save it as CSV and upload it here. The upload replaces the menu's {items} items; its title, unit and design stay.",
        "منو را بارگیری کنید، در اکسل یا گوگل‌شیت تغییر دهید، با قالب CSV ذخیره کنید و اینجا بارگذاری کنید. بارگذاری جای {items} قلم منو را می‌گیرد؛ عنوان، واحد و طرح منو می‌ماند.",
    ),
    ("menu_csv.download", "Download", "بارگیری"),
    (
        "menu_csv.download_en",
        "CSV, English column names",
        "CSV با نام ستون‌های انگلیسی",
    ),
    (
        "menu_csv.download_fa",
        "CSV, Persian column names",
        "CSV با نام ستون‌های فارسی",
    ),
    ("menu_csv.upload", "Upload", "بارگذاری"),
    ("menu_csv.file", "CSV file", "پروندهٔ CSV"),
    (
        "menu_csv.or_text",
        "…or paste the rows here (the header row first)",
        "…یا ردیف‌ها را اینجا بچسبانید (اول سطر نام ستون‌ها)",
    ),
    ("menu_csv.submit", "Import", "درون‌ریزی"),
    (
        "menu_csv.limits",
        "At most {kb} KB and {rows} items. Nothing changes unless every row is right.",
        "حداکثر {kb} کیلوبایت و {rows} قلم. تا همهٔ ردیف‌ها درست نباشند چیزی تغییر نمی‌کند.",
    ),
    ("menu_csv.format", "The columns", "ستون‌ها"),
    (
        "menu_csv.format_hint",
        "category (blank: as the row above) · code · name · description · price · variants as name:price|name:price, e.g. small:45000|large:60000 · badges: new, chefs_pick, spicy, vegetarian, vegan · calories · sold_out and featured: yes or no · image (optional; without it pictures stay). Column names in English or Persian, numbers in any digits, with or without thousands separators.",
        "دسته (خالی: مثل ردیف بالا) · کد · نام · توضیح · قیمت · اندازه‌ها به شکل نام:قیمت|نام:قیمت، مثلاً کوچک:45000|بزرگ:60000 · نشان‌ها: جدید، سرآشپز، تند، گیاهی، وگان · کالری · تمام‌شده و ویژه: بله یا خیر · تصویر (اختیاری؛ بدون آن تصویرها می‌مانند). نام ستون‌ها فارسی یا انگلیسی، عددها با هر رقمی، با جداکنندهٔ هزارگان یا بی آن.",
    ),
    (
        "menu_csv.not_imported",
        "Nothing was imported: fix the rows below (in your spreadsheet, or in the box) and import again.",
        "چیزی درون‌ریزی نشد: ردیف‌های زیر را درست کنید (در صفحه‌گسترده یا در کادر) و دوباره درون‌ریزی کنید.",
    ),
    (
        "menu_csv.errors",
        "Rows to fix",
        "ردیف‌هایی که باید درست شوند",
    ),
    ("menu_csv.row", "Row", "ردیف"),
    ("menu_csv.column", "Column", "ستون"),
    ("menu_csv.problem", "Problem", "اشکال"),
    ("menu_csv.whole_file", "(the file)", "(کل پرونده)"),
    (
        "menu_csv.nothing",
        "Choose a file or paste its rows first.",
        "اول پرونده‌ای انتخاب کنید یا ردیف‌هایش را بچسبانید.",
    ),
    (
        "menu_csv.too_large",
        "The file is too large: at most {kb} KB.",
        "پرونده بیش از اندازه بزرگ است: حداکثر {kb} کیلوبایت.",
    ),
    (
        "menu_csv.imported",
        "Menu “{arg}” imported from the spreadsheet.",
        "منوی «{arg}» از صفحه‌گسترده درون‌ریزی شد.",
    ),
];

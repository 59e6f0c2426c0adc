//! Menu boards: categories of items with prices (typed in Persian or Latin digits), pictures
//! from the media library and sold-out marks, with a preview as the board will read.
//!
//! The form is one table of rows (category, item, description, price, sold out, picture, and
//! on a second line code, calories, badges, featured), posted as indexed fields
//! `row.<n>.<field>`, so it works without JavaScript; blank rows are ignored and a few are
//! always offered for new items. Sizes (variants) are columns, as on a printed menu: the menu
//! names them once ("small, large") and each row has a price per size, so an item has the
//! sizes whose price is filled in. Saving goes through the content
//! library (`domain::library`), so validation, references and manifest versions are the API's.
//! A new menu also gets a playlist of its own (unless unticked), which is what the schedule
//! shows.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use vitrin_shared::calendar::{self, parse_number};
use vitrin_shared::content::{
    Badge, ContentItem, ContentKind, MAX_VARIANTS, MediaRef, Menu, MenuCategory, MenuItem,
    MenuTheme, MenuVariant, MoneyUnit,
};
use vitrin_shared::ids::ContentId;
use vitrin_shared::{FieldError, ValidationErrors};

use super::content::preview::Preview;
use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::used::{UsedLink, used_by};
use crate::auth::Principal;
use crate::domain::library;
use crate::domain::media::Media;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/menus", get(list))
        .route("/menus/new", get(new_form).post(create))
        .route("/menus/{id}", get(edit_form).post(update))
        .route("/menus/{id}/delete", post(delete))
}

/// How long a menu shows in the playlist made for it; a one-entry playlist simply stays.
const MENU_ENTRY_MS: i64 = 60_000;
/// Blank rows offered below the items, for new ones.
const BLANK_ROWS: usize = 3;
/// Size columns the form offers at most (an item has at most `MAX_VARIANTS` of them).
const MAX_SIZES: usize = 8;

/// One row of the menu table as typed.
#[derive(Debug, Clone, Default)]
pub struct RowForm {
    pub category: String,
    pub name: String,
    pub description: String,
    pub price: String,
    pub sold_out: bool,
    /// sha256 of a picture from the library, or empty.
    pub image: String,
    pub code: String,
    /// The price of each of the menu's sizes, as typed; blank: the item has no such size.
    pub sizes: Vec<String>,
    pub calories: String,
    /// Badge keys ticked (`new`, `chefs_pick`...).
    pub badges: Vec<String>,
    pub featured: bool,
}

impl RowForm {
    fn is_blank(&self) -> bool {
        [
            &self.category,
            &self.name,
            &self.description,
            &self.price,
            &self.code,
            &self.calories,
        ]
        .into_iter()
        .chain(&self.sizes)
        .all(|s| s.trim().is_empty())
            && self.image.is_empty()
    }

    /// The price typed for the `k`th size.
    pub fn size_price(&self, k: usize) -> &str {
        self.sizes.get(k).map_or("", String::as_str)
    }

    pub fn has_badge(&self, key: &str) -> bool {
        self.badges.iter().any(|b| b == key)
    }
}

/// The menu form as typed: kept whole when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct MenuForm {
    pub name: String,
    pub title: String,
    /// `toman` or `rial`.
    pub unit: String,
    /// `list`, `cards` or `hero`.
    pub theme: String,
    /// The sizes' names, comma-separated ("small, large").
    pub sizes: String,
    pub make_playlist: bool,
    pub rows: Vec<RowForm>,
}

impl MenuForm {
    /// Reads the posted pairs; rows come as `row.<n>.<field>` in any order.
    fn from_pairs(pairs: &[(String, String)]) -> MenuForm {
        let mut form = MenuForm::default();
        let mut rows: BTreeMap<usize, RowForm> = BTreeMap::new();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value.clone(),
                "title" => form.title = value.clone(),
                "unit" => form.unit = value.clone(),
                "theme" => form.theme = value.clone(),
                "sizes" => form.sizes = value.clone(),
                "make_playlist" => form.make_playlist = true,
                _ => {
                    let Some((index, field)) = key
                        .strip_prefix("row.")
                        .and_then(|rest| rest.split_once('.'))
                        .and_then(|(n, f)| Some((n.parse::<usize>().ok()?, f)))
                    else {
                        continue;
                    };
                    let row = rows.entry(index).or_default();
                    match field {
                        "category" => row.category = value.clone(),
                        "name" => row.name = value.clone(),
                        "description" => row.description = value.clone(),
                        "price" => row.price = value.clone(),
                        "sold_out" => row.sold_out = true,
                        "image" => row.image = value.clone(),
                        "code" => row.code = value.clone(),
                        "calories" => row.calories = value.clone(),
                        "featured" => row.featured = true,
                        _ => {
                            if let Some(badge) = field.strip_prefix("badge.") {
                                row.badges.push(badge.to_owned());
                            } else if let Some(k) = field
                                .strip_prefix("size.")
                                .and_then(|k| k.parse::<usize>().ok())
                                .filter(|k| *k < MAX_SIZES)
                            {
                                if row.sizes.len() <= k {
                                    row.sizes.resize(k + 1, String::new());
                                }
                                row.sizes[k] = value.clone();
                            }
                        }
                    }
                }
            }
        }
        form.rows = rows.into_values().collect();
        form
    }

    fn from_item(item: &ContentItem, lang: Lang) -> MenuForm {
        let ContentKind::MenuBoard { menu } = &item.kind else {
            return MenuForm::default();
        };
        // Every size any item has, in the order they first appear.
        let mut sizes: Vec<&str> = Vec::new();
        for variant in menu
            .categories
            .iter()
            .flat_map(|c| &c.items)
            .flat_map(|i| &i.variants)
        {
            if !sizes.contains(&variant.name.as_str()) {
                sizes.push(&variant.name);
            }
        }
        MenuForm {
            name: item.name.clone(),
            title: menu.title.clone(),
            unit: unit_code(menu.unit).to_owned(),
            theme: theme_code(menu.theme).to_owned(),
            sizes: sizes.join(match lang {
                Lang::Fa => "، ",
                Lang::En => ", ",
            }),
            make_playlist: false,
            rows: menu
                .categories
                .iter()
                .flat_map(|c| {
                    c.items.iter().map(|i| RowForm {
                        category: c.name.clone(),
                        name: i.name.clone(),
                        description: i.description.clone(),
                        // An item with sizes is priced by them.
                        price: if i.variants.is_empty() {
                            lang.num(i.price)
                        } else {
                            String::new()
                        },
                        sold_out: i.sold_out,
                        image: i
                            .image
                            .as_ref()
                            .map(|m| m.sha256.clone())
                            .unwrap_or_default(),
                        code: i.code.clone(),
                        sizes: sizes
                            .iter()
                            .map(|size| {
                                i.variants
                                    .iter()
                                    .find(|v| v.name == *size)
                                    .map(|v| lang.num(v.price))
                                    .unwrap_or_default()
                            })
                            .collect(),
                        calories: i
                            .calories
                            .map(|c| lang.num(i64::from(c)))
                            .unwrap_or_default(),
                        badges: i.badges.iter().map(|b| badge_code(*b).to_owned()).collect(),
                        featured: i.featured,
                    })
                })
                .collect(),
        }
    }

    /// The sizes' names as typed: split at commas (Latin or Persian), blanks dropped.
    pub fn size_names(&self) -> Vec<String> {
        self.sizes
            .split([',', '،'])
            .map(|s| calendar::normalize_persian_text(s.trim()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The rows shown: the typed ones and a few blank ones.
    fn with_blank_rows(mut self, blank: usize) -> MenuForm {
        self.rows.retain(|r| !r.is_blank());
        self.rows
            .extend(std::iter::repeat_n(RowForm::default(), blank));
        self
    }

    /// The menu, and for each (category, item) the form row it came from; or the errors of
    /// what the library would not be asked about (unreadable prices, rows without a category).
    fn to_menu(&self, lang: Lang) -> Result<(Menu, Vec<Vec<usize>>), FormErrors> {
        let mut errors = FormErrors::none();
        let mut categories: Vec<MenuCategory> = Vec::new();
        let mut rows_of: Vec<Vec<usize>> = Vec::new();
        let mut current: Option<usize> = None;
        let sizes = self.size_names();
        if sizes.len() > MAX_SIZES {
            errors.add(
                "sizes",
                lang.tf("menus.err.sizes", &[("max", &lang.num(MAX_SIZES as i64))]),
            );
        }
        for (s, size) in sizes.iter().enumerate() {
            if sizes[..s].contains(size) {
                errors.add("sizes", lang.t("menus.err.size_twice"));
            }
        }
        for (n, row) in self.rows.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            // Normalised here already (the library would too) so that rows typing the category
            // with Arabic or Persian letters group under one heading.
            let category = calendar::normalize_persian_text(row.category.trim());
            // A row without a category continues the one above it, as in a printed menu.
            let c = if category.is_empty() {
                match current {
                    Some(c) => c,
                    None => {
                        errors.add(&format!("row.{n}.category"), lang.t("menus.err.category"));
                        continue;
                    }
                }
            } else {
                match categories.iter().position(|c| c.name == category) {
                    Some(c) => c,
                    None => {
                        categories.push(MenuCategory {
                            name: category,
                            items: Vec::new(),
                        });
                        rows_of.push(Vec::new());
                        categories.len() - 1
                    }
                }
            };
            current = Some(c);
            let number = |field: String, text: &str, errors: &mut FormErrors| {
                parse_number(text).unwrap_or_else(|_| {
                    errors.add(&field, lang.t("menus.err.price"));
                    0
                })
            };
            let variants: Vec<MenuVariant> = sizes
                .iter()
                .zip(&row.sizes)
                .enumerate()
                .filter(|(_, (_, price))| !price.trim().is_empty())
                .map(|(k, (size, price))| MenuVariant {
                    name: size.clone(),
                    price: number(format!("row.{n}.size.{k}"), price, &mut errors),
                })
                .collect();
            let price = if !row.price.trim().is_empty() {
                number(format!("row.{n}.price"), &row.price, &mut errors)
            } else if let Some(first) = variants.first() {
                // Players that know no sizes show the first size's price.
                first.price
            } else {
                errors.add(&format!("row.{n}.price"), lang.t("err.required"));
                0
            };
            let calories = if row.calories.trim().is_empty() {
                None
            } else {
                let value = number(format!("row.{n}.calories"), &row.calories, &mut errors);
                u32::try_from(value).ok()
            };
            if variants.len() > MAX_VARIANTS {
                errors.add(
                    &format!("row.{n}.price"),
                    lang.tf(
                        "menus.err.variants",
                        &[("max", &lang.num(MAX_VARIANTS as i64))],
                    ),
                );
            }
            categories[c].items.push(MenuItem {
                name: row.name.trim().to_owned(),
                description: row.description.trim().to_owned(),
                price,
                sold_out: row.sold_out,
                image: (!row.image.is_empty()).then(|| MediaRef {
                    sha256: row.image.clone(),
                    size: 0,
                    mime: String::new(),
                    width: None,
                    height: None,
                    duration_ms: None,
                }),
                code: row.code.trim().to_owned(),
                variants,
                badges: Badge::ALL
                    .into_iter()
                    .filter(|b| row.badges.iter().any(|key| key == badge_code(*b)))
                    .collect(),
                calories,
                featured: row.featured,
            });
            rows_of[c].push(n);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let menu = Menu {
            title: self.title.trim().to_owned(),
            categories,
            unit: if self.unit == "rial" {
                MoneyUnit::Rial
            } else {
                MoneyUnit::Toman
            },
            columns: 0,
            theme: match self.theme.as_str() {
                "cards" => MenuTheme::Cards,
                "hero" => MenuTheme::Hero,
                _ => MenuTheme::List,
            },
        };
        Ok((menu, rows_of))
    }
}

fn theme_code(theme: MenuTheme) -> &'static str {
    match theme {
        MenuTheme::List => "list",
        MenuTheme::Cards => "cards",
        MenuTheme::Hero => "hero",
    }
}

/// A badge's form key, also its key in the API (`chefs_pick`).
pub fn badge_code(badge: Badge) -> &'static str {
    match badge {
        Badge::New => "new",
        Badge::ChefsPick => "chefs_pick",
        Badge::Spicy => "spicy",
        Badge::Vegetarian => "vegetarian",
        Badge::Vegan => "vegan",
    }
}

fn unit_code(unit: MoneyUnit) -> &'static str {
    match unit {
        MoneyUnit::Toman => "toman",
        MoneyUnit::Rial => "rial",
    }
}

/// The library's field names (`menu.categories.1.items.0.price`) as the form's
/// (`row.4.price`), so each message stands next to the input it is about.
fn to_form_fields(errors: ValidationErrors, rows_of: &[Vec<usize>]) -> ValidationErrors {
    let rename = |field: &str| -> String {
        let parts: Vec<&str> = field.split('.').collect();
        let index = |s: &str| s.parse::<usize>().ok();
        match parts[..] {
            ["menu", "categories", c, "items", i, ref rest @ ..] => {
                match index(c)
                    .zip(index(i))
                    .and_then(|(c, i)| rows_of.get(c)?.get(i))
                {
                    Some(row) if rest.is_empty() => format!("row.{row}.name"),
                    Some(row) => format!("row.{row}.{}", rest[0]),
                    None => field.to_owned(),
                }
            }
            ["menu", "categories", c, "name"] => {
                match index(c).and_then(|c| rows_of.get(c)?.first()) {
                    Some(row) => format!("row.{row}.category"),
                    None => field.to_owned(),
                }
            }
            ["menu", "categories"] => "rows".to_owned(),
            _ => field.to_owned(),
        }
    };
    ValidationErrors {
        errors: errors
            .errors
            .into_iter()
            .map(|e| FieldError {
                field: rename(&e.field),
                ..e
            })
            .collect(),
    }
}

pub struct MenuSummary {
    pub id: i64,
    pub name: String,
    /// "2 categories, 9 items, 1 sold out" in the page's language.
    pub counts: String,
}

#[derive(Template)]
#[template(path = "menus/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    menus: Vec<MenuSummary>,
}

#[derive(Template)]
#[template(path = "menus/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    /// `None` for a new menu.
    id: Option<i64>,
    form: MenuForm,
    errors: FormErrors,
    images: Vec<Media>,
    /// The board as screens draw it (saved menus only).
    preview: Option<Preview>,
    used: Vec<UsedLink>,
}

impl EditPage<'_> {
    /// The badges a row can tick, by key.
    fn badges(&self) -> Vec<&'static str> {
        Badge::ALL.into_iter().map(badge_code).collect()
    }

    /// The size columns: the sizes named in the menu's field (typing a new name and pressing
    /// "more rows" adds its column).
    fn sizes(&self) -> Vec<String> {
        self.form.size_names()
    }
}

async fn menus_of(state: &AppState, principal: &Principal) -> ApiResult<Vec<ContentItem>> {
    let items = library::list::<ContentItem>(state, principal).await?;
    Ok(items
        .into_iter()
        .filter(|i| matches!(i.kind, ContentKind::MenuBoard { .. }))
        .collect())
}

async fn images_of(state: &AppState, principal: &Principal) -> ApiResult<Vec<Media>> {
    let media = crate::domain::media::list(state, principal).await?;
    Ok(media.into_iter().filter(|m| m.kind == "image").collect())
}

async fn load_menu(state: &AppState, principal: &Principal, id: i64) -> ApiResult<ContentItem> {
    let item = library::get::<ContentItem>(state, principal, id).await?;
    if matches!(item.kind, ContentKind::MenuBoard { .. }) {
        Ok(item)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn list(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let menus = menus_of(&state, &principal)
        .await?
        .into_iter()
        .map(|item| {
            let ContentKind::MenuBoard { menu } = &item.kind else {
                unreachable!("filtered to menus")
            };
            let items = menu.categories.iter().flat_map(|c| &c.items);
            let count = |n: usize| page.lang.num(n as i64);
            MenuSummary {
                id: item.id.0,
                name: item.name.clone(),
                counts: page.lang.tf(
                    "menus.counts",
                    &[
                        ("categories", &count(menu.categories.len())),
                        ("items", &count(items.clone().count())),
                        ("sold_out", &count(items.filter(|i| i.sold_out).count())),
                    ],
                ),
            }
        })
        .collect();
    Ok(render(&ListPage { page: &page, menus }))
}

async fn new_form(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = MenuForm {
        unit: "toman".into(),
        theme: "list".into(),
        make_playlist: true,
        ..MenuForm::default()
    }
    .with_blank_rows(BLANK_ROWS + 2);
    Ok(render(&EditPage {
        page: &page,
        id: None,
        form,
        errors: FormErrors::none(),
        images: images_of(&state, &principal).await?,
        preview: None,
        used: Vec::new(),
    }))
}

async fn edit_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let item = load_menu(&state, &principal, id).await?;
    let images = images_of(&state, &principal).await?;
    let preview = Some(super::content::preview::preview(
        &item.kind, page.lang, &page.tz, &images, None, "",
    ));
    Ok(render(&EditPage {
        page: &page,
        id: Some(id),
        form: MenuForm::from_item(&item, page.lang).with_blank_rows(BLANK_ROWS),
        errors: FormErrors::none(),
        images,
        preview,
        used: used_by(&state, &principal, page.lang, "content", &id.to_string()).await?,
    }))
}

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    save(state, signed, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    // Another organization's id, or a content item that is no menu, is 404 before anything.
    load_menu(&state, &signed.principal, id).await?;
    save(state, signed, Some(id), pairs).await
}

async fn save(
    state: AppState,
    signed: Signed,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    let form = MenuForm::from_pairs(&pairs);
    let wants_rows = pairs.iter().any(|(k, v)| k == "action" && v == "more_rows");
    let outcome = if wants_rows {
        // "More rows" only shows the form again, longer; nothing is saved.
        Err(FormErrors::none())
    } else {
        match form.to_menu(page.lang) {
            Err(errors) => Err(errors),
            Ok((menu, rows_of)) => match store(&state, &principal, id, &form, menu).await {
                Ok(item) => Ok(item),
                Err(ApiError::Validation(v)) => {
                    let mut errors = FormErrors::none();
                    errors.add_validation(page.lang, &to_form_fields(v, &rows_of));
                    Err(errors)
                }
                Err(e) => Err(super::content::name_taken(page.lang, e)?),
            },
        }
    };
    match outcome {
        Ok(item) => Ok(redirect_flash(
            &format!("/menus/{}", item.id.0),
            true,
            "menus.saved",
            &item.name,
        )),
        Err(errors) => {
            let status = if wants_rows {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let blank = if wants_rows {
                BLANK_ROWS + 5
            } else {
                BLANK_ROWS
            };
            Ok(render_status(
                status,
                &EditPage {
                    page: &page,
                    id,
                    form: form.with_blank_rows(blank),
                    errors,
                    images: images_of(&state, &principal).await?,
                    preview: None,
                    used: match id {
                        Some(id) => {
                            used_by(&state, &principal, page.lang, "content", &id.to_string())
                                .await?
                        }
                        None => Vec::new(),
                    },
                },
            ))
        }
    }
}

/// Saves the menu (and, for a new one, its playlist) in one change.
async fn store(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    form: &MenuForm,
    menu: Menu,
) -> ApiResult<ContentItem> {
    let item = ContentItem {
        id: ContentId(0),
        name: form.name.trim().to_owned(),
        kind: ContentKind::MenuBoard { menu },
    };
    let entry_ms = (id.is_none() && form.make_playlist).then_some(MENU_ENTRY_MS);
    super::content::store(state, principal, id, item, entry_ms).await
}

async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let principal = signed.principal;
    let item = load_menu(&state, &principal, id).await?;
    match library::delete::<ContentItem>(&state, &principal, id).await {
        Ok(_) => Ok(redirect_flash("/menus", true, "menus.deleted", &item.name)),
        // Still in a playlist: say so on the menu's page, nothing is lost.
        Err(ApiError::Conflict(message)) => Ok(redirect_flash(
            &format!("/menus/{id}"),
            false,
            "menus.in_use",
            &message,
        )),
        Err(e) => Err(e),
    }
}

pub const TEXT: &[Entry] = &[
    ("nav.menus", "Menus", "منوها"),
    ("menus.title", "Menus", "منوها"),
    ("menus.new", "New menu", "منوی تازه"),
    ("menus.none", "No menus yet.", "هنوز منویی ندارید."),
    ("menus.edit_title", "Menu: {name}", "منو: {name}"),
    ("menus.name", "Name (for you)", "نام (برای خودتان)"),
    (
        "menus.board_title",
        "Title on the screen",
        "عنوان روی نمایشگر",
    ),
    ("menus.unit", "Prices in", "واحد قیمت"),
    ("menus.unit.toman", "Toman", "تومان"),
    ("menus.unit.rial", "Rial", "ریال"),
    ("menus.items", "Items", "اقلام"),
    (
        "menus.items_hint",
        "One row per item. A row without a category continues the category above it. Blank rows are ignored.",
        "هر ردیف یک قلم. ردیفی که دسته ندارد جزو دستهٔ ردیف بالایی است. ردیف‌های خالی نادیده گرفته می‌شوند.",
    ),
    ("menus.category", "Category", "دسته"),
    ("menus.item", "Item", "قلم"),
    ("menus.description", "Description", "توضیح"),
    ("menus.price", "Price", "قیمت"),
    ("menus.sold_out", "Sold out", "تمام شد"),
    ("menus.image", "Picture", "تصویر"),
    ("menus.no_image", "No picture", "بدون تصویر"),
    ("menus.more_rows", "More rows", "ردیف‌های بیشتر"),
    ("menus.theme", "Design", "طرح"),
    (
        "menus.theme.list",
        "List: names, dotted leaders, prices",
        "فهرست: نام، نقطه‌چین، قیمت",
    ),
    (
        "menus.theme.cards",
        "Cards: a photo card per item",
        "کارت: کارتی با عکس برای هر قلم",
    ),
    (
        "menus.theme.hero",
        "Hero: the featured item large beside the list",
        "ویژه: قلم ویژه بزرگ کنار فهرست",
    ),
    ("menus.sizes", "Sizes", "اندازه‌ها"),
    (
        "menus.sizes_hint",
        "Optional, comma-separated (e.g. small, large): each row then has a price per size; an item has the sizes you price.",
        "اختیاری، با ویرگول جدا (مثلاً کوچک، بزرگ): هر ردیف برای هر اندازه قیمتی دارد؛ هر قلم اندازه‌هایی را دارد که قیمتشان را بنویسید.",
    ),
    ("menus.details", "Details", "جزئیات"),
    ("menus.code", "Code", "کد"),
    ("menus.calories", "Calories (kcal)", "کالری (کیلوکالری)"),
    ("menus.featured", "Featured", "ویژه"),
    ("menus.badges", "Badges", "نشان‌ها"),
    ("menus.badge.new", "New", "جدید"),
    ("menus.badge.chefs_pick", "Chef's pick", "پیشنهاد سرآشپز"),
    ("menus.badge.spicy", "Spicy", "تند"),
    ("menus.badge.vegetarian", "Vegetarian", "گیاهی"),
    ("menus.badge.vegan", "Vegan", "وگان"),
    (
        "menus.err.sizes",
        "At most {max} sizes.",
        "حداکثر {max} اندازه.",
    ),
    (
        "menus.err.size_twice",
        "Each size once.",
        "هر اندازه یک بار.",
    ),
    (
        "menus.err.variants",
        "An item has at most {max} sizes.",
        "هر قلم حداکثر {max} اندازه دارد.",
    ),
    (
        "menus.make_playlist",
        "Also make a playlist of it, to schedule it",
        "یک فهرست پخش هم برایش بساز تا بتوان زمان‌بندی‌اش کرد",
    ),
    ("menus.preview", "Preview", "پیش‌نمایش"),
    (
        "menus.counts",
        "{categories} categories, {items} items, {sold_out} sold out",
        "{categories} دسته، {items} قلم، {sold_out} تمام‌شده",
    ),
    (
        "menus.saved",
        "Menu “{arg}” saved.",
        "منوی «{arg}» ذخیره شد.",
    ),
    (
        "menus.deleted",
        "Menu “{arg}” deleted.",
        "منوی «{arg}» حذف شد.",
    ),
    ("menus.in_use", "Not deleted: {arg}", "حذف نشد: {arg}"),
    (
        "menus.err.price",
        "Enter a whole number, e.g. 85,000 or ۸۵٬۰۰۰.",
        "یک عدد صحیح بنویسید، مثلاً ۸۵٬۰۰۰ یا 85,000.",
    ),
    (
        "menus.err.category",
        "The first item needs a category.",
        "اولین قلم باید دسته داشته باشد.",
    ),
];

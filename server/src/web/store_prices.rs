//! A store's own menu prices (`/stores/{id}/prices`, `/stores/{id}/prices/{content_id}`): the
//! franchise's menu item by item with its price, and a box for the store's price (Persian,
//! Arabic-Indic or Latin digits, separators welcome; blank keeps the franchise's) and a local
//! sold-out mark. Overrides whose item has left the menu are listed as stale: they are not
//! applied, and saving the page drops them. The rules are `domain::store_prices`'.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::ids::StoreId;

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use crate::domain::menu_csv::parse_amount;
use crate::domain::store_prices::{self, PriceOverride, StorePrices, StorePricesInput};
use crate::domain::{library, stores};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stores/{id}/prices", get(index))
        .route("/stores/{id}/prices/{content_id}", get(edit).post(save))
}

/// One line of the table: an item, or one variant of it.
pub struct Line {
    pub n: usize,
    pub category: String,
    /// Whether this line starts a new category (the heading row is shown above it).
    pub new_category: bool,
    pub name: String,
    pub key: String,
    /// Empty for the item itself.
    pub variant: String,
    pub franchise_price: String,
    pub franchise_sold_out: bool,
    /// As typed, or the stored override.
    pub price: String,
    pub sold_out: bool,
}

pub struct Stale {
    pub item: String,
    pub variant: String,
    pub price: String,
    pub sold_out: bool,
}

#[derive(Template)]
#[template(path = "stores/prices.html")]
struct EditPage<'a> {
    page: &'a Page,
    store: i64,
    store_name: String,
    content: i64,
    menu_name: String,
    lines: Vec<Line>,
    stale: Vec<Stale>,
    can_manage: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "stores/prices_index.html")]
struct IndexPage<'a> {
    page: &'a Page,
    store: i64,
    store_name: String,
    /// (id, name, whether the store has prices of its own for it)
    menus: Vec<(i64, String, bool)>,
}

async fn index(
    State(state): State<AppState>,
    signed: Signed,
    Path(store): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let store_name = stores::visible_store(&state, &principal, store).await?.name;
    let own = store_prices::menus_with_overrides(&state, &principal, store).await?;
    let menus = library::list::<ContentItem>(&state, &principal)
        .await?
        .into_iter()
        .filter(|i| matches!(i.kind, ContentKind::MenuBoard { .. }))
        .map(|i| (i.id.0, i.name, own.contains(&i.id.0)))
        .collect();
    Ok(render(&IndexPage {
        page: &page,
        store,
        store_name,
        menus,
    }))
}

/// The table's lines from the menu and the store's overrides.
fn lines(lang: Lang, prices: &StorePrices) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut last_category: Option<&str> = None;
    let find = |key: &str, variant: &str| {
        prices
            .overrides
            .iter()
            .find(|o| !o.stale && o.over.item == key && o.over.variant == variant)
    };
    for item in &prices.items {
        let new_category = last_category != Some(item.category.as_str());
        last_category = Some(&item.category);
        let own = find(&item.key, "");
        lines.push(Line {
            n: lines.len(),
            category: item.category.clone(),
            new_category,
            name: item.name.clone(),
            key: item.key.clone(),
            variant: String::new(),
            franchise_price: lang.num(item.price),
            franchise_sold_out: item.sold_out,
            price: own
                .and_then(|o| o.over.price)
                .map(|p| lang.num(p))
                .unwrap_or_default(),
            sold_out: own.is_some_and(|o| o.over.sold_out),
        });
        for variant in &item.variants {
            let own = find(&item.key, &variant.name);
            lines.push(Line {
                n: lines.len(),
                category: item.category.clone(),
                new_category: false,
                name: variant.name.clone(),
                key: item.key.clone(),
                variant: variant.name.clone(),
                franchise_price: lang.num(variant.price),
                franchise_sold_out: false,
                price: own
                    .and_then(|o| o.over.price)
                    .map(|p| lang.num(p))
                    .unwrap_or_default(),
                sold_out: false,
            });
        }
    }
    lines
}

fn stale(lang: Lang, prices: &StorePrices) -> Vec<Stale> {
    prices
        .overrides
        .iter()
        .filter(|o| o.stale)
        .map(|o| Stale {
            item: o.over.item.clone(),
            variant: o.over.variant.clone(),
            price: o.over.price.map(|p| lang.num(p)).unwrap_or_default(),
            sold_out: o.over.sold_out,
        })
        .collect()
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path((store, content)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let store_name = stores::visible_store(&state, &principal, store).await?.name;
    let prices = store_prices::get(&state, &principal, store, content).await?;
    let menu_name = library::get::<ContentItem>(&state, &principal, content)
        .await?
        .name;
    Ok(render(&EditPage {
        page: &page,
        store,
        store_name,
        content,
        menu_name,
        lines: lines(page.lang, &prices),
        stale: stale(page.lang, &prices),
        can_manage: principal.can_manage_store(StoreId(store)),
        errors: FormErrors::none(),
    }))
}

async fn save(
    State(state): State<AppState>,
    signed: Signed,
    Path((store, content)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let store_name = stores::visible_store(&state, &principal, store).await?.name;
    let current = store_prices::get(&state, &principal, store, content).await?;
    let menu_name = library::get::<ContentItem>(&state, &principal, content)
        .await?
        .name;
    principal.require(principal.can_manage_store(StoreId(store)))?;
    // The lines as posted: `key.<n>`, `variant.<n>`, `price.<n>`, `sold_out.<n>`.
    let mut posted: std::collections::BTreeMap<usize, (String, String, String, bool)> =
        Default::default();
    for (name, value) in &pairs {
        let Some((field, n)) = name
            .split_once('.')
            .and_then(|(f, n)| Some((f, n.parse::<usize>().ok()?)))
        else {
            continue;
        };
        let line = posted.entry(n).or_default();
        match field {
            "key" => line.0 = value.clone(),
            "variant" => line.1 = value.clone(),
            "price" => line.2 = value.clone(),
            "sold_out" => line.3 = true,
            _ => {}
        }
    }
    let mut errors = FormErrors::none();
    let mut overrides = Vec::new();
    // The line each override came from, to put the domain's messages next to its box.
    let mut line_of = Vec::new();
    for (&n, (key, variant, price, sold_out)) in &posted {
        let price = if price.trim().is_empty() {
            None
        } else {
            match parse_amount(price) {
                Some(p) if p < 0 => {
                    errors.add(&format!("price.{n}"), page.t("store_prices.err.negative"));
                    None
                }
                Some(p) => Some(p),
                None => {
                    errors.add(&format!("price.{n}"), page.t("menus.err.price"));
                    None
                }
            }
        };
        if price.is_none() && !sold_out {
            continue;
        }
        overrides.push(PriceOverride {
            item: key.clone(),
            variant: variant.clone(),
            price,
            sold_out: *sold_out,
        });
        line_of.push(n);
    }
    if errors.is_empty() {
        match store_prices::put(
            &state,
            &principal,
            store,
            content,
            StorePricesInput { overrides },
        )
        .await
        {
            Ok(_) => {
                return Ok(redirect_flash(
                    &format!("/stores/{store}/prices/{content}"),
                    true,
                    "store_prices.saved",
                    &menu_name,
                ));
            }
            Err(ApiError::Validation(v)) => {
                for e in &v.errors {
                    let mut parts = e.field.split('.');
                    let (_, m, field) = (parts.next(), parts.next(), parts.next());
                    let n = m
                        .and_then(|m| m.parse::<usize>().ok())
                        .and_then(|m| line_of.get(m));
                    let message = match e.code.as_str() {
                        "negative" => page.t("store_prices.err.negative").to_owned(),
                        "unknown_item" | "unknown_variant" => {
                            page.t("store_prices.err.gone").to_owned()
                        }
                        _ => e.message.clone(),
                    };
                    match (n, field) {
                        (Some(n), Some("sold_out")) => {
                            errors.add(&format!("sold_out.{n}"), message)
                        }
                        (Some(n), _) => errors.add(&format!("price.{n}"), message),
                        (None, _) => errors.form = Some(message),
                    }
                }
            }
            Err(e) => errors = FormErrors::from_api(page.lang, e)?,
        }
    }
    // Shown again as typed.
    let mut shown = lines(page.lang, &current);
    for line in &mut shown {
        let typed = posted
            .iter()
            .find(|(_, (k, v, _, _))| *k == line.key && *v == line.variant);
        if let Some((&n, (_, _, price, sold_out))) = typed {
            line.price = price.clone();
            line.sold_out = *sold_out;
            line.n = n;
        }
    }
    Ok(render_status(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        &EditPage {
            page: &page,
            store,
            store_name,
            content,
            menu_name,
            lines: shown,
            stale: stale(page.lang, &current),
            can_manage: true,
            errors,
        },
    ))
}

pub const TEXT: &[Entry] = &[
    (
        "store_prices.index_title",
        "Menu prices of {store}",
        "قیمت‌های منو در {store}",
    ),
    (
        "store_prices.index_intro",
        "A store can set its own prices for the franchise's menus and mark items sold out, without copying a menu. Choose a menu:",
        "هر شعبه می‌تواند قیمت‌های خودش را برای منوهای مجموعه بگذارد و اقلامی را تمام‌شده بزند، بی آنکه منو را کپی کند. یک منو انتخاب کنید:",
    ),
    ("store_prices.no_menus", "No menus yet.", "هنوز منویی نیست."),
    (
        "store_prices.has_own",
        "has prices of its own",
        "قیمت‌های خودش را دارد",
    ),
    (
        "store_prices.title",
        "“{menu}” in {store}",
        "«{menu}» در {store}",
    ),
    (
        "store_prices.intro",
        "Leave a box blank to keep the franchise's price. Digits in Persian or Latin, with or without separators. Only this store's screens show these prices.",
        "برای قیمت مجموعه کادر را خالی بگذارید. رقم فارسی یا لاتین، با جداکننده یا بی آن. فقط نمایشگرهای همین شعبه این قیمت‌ها را نشان می‌دهند.",
    ),
    ("store_prices.item", "Item", "قلم"),
    ("store_prices.franchise", "Franchise price", "قیمت مجموعه"),
    ("store_prices.own", "This store's price", "قیمت این شعبه"),
    ("store_prices.sold_out", "Sold out here", "اینجا تمام شد"),
    (
        "store_prices.sold_out_everywhere",
        "sold out everywhere",
        "همه‌جا تمام شده",
    ),
    ("store_prices.variant", "size", "اندازه"),
    (
        "store_prices.stale",
        "No longer in the menu",
        "دیگر در منو نیست",
    ),
    (
        "store_prices.stale_hint",
        "These prices name items (or sizes) the menu no longer has, so no screen shows them. Saving this page drops them.",
        "این قیمت‌ها به اقلام (یا اندازه‌هایی) اشاره دارند که دیگر در منو نیستند، پس هیچ نمایشگری نشانشان نمی‌دهد. با ذخیرهٔ این صفحه حذف می‌شوند.",
    ),
    (
        "store_prices.saved",
        "Prices of “{arg}” saved for this store.",
        "قیمت‌های «{arg}» برای این شعبه ذخیره شد.",
    ),
    (
        "store_prices.err.negative",
        "A price cannot be negative.",
        "قیمت نمی‌تواند منفی باشد.",
    ),
    (
        "store_prices.err.gone",
        "This item is no longer in the menu; reload the page.",
        "این قلم دیگر در منو نیست؛ صفحه را دوباره بارگیری کنید.",
    ),
    (
        "store_prices.back",
        "All menus of this store",
        "همهٔ منوهای این شعبه",
    ),
];

//! Per-store prices of a franchise menu: a store sets its own price for some items (or some
//! variants of them) and marks items sold out locally, without copying the menu. The
//! overrides are applied where each screen's manifest is built (`crate::manifest`), so only
//! that store's screens show them, and they follow every later edit of the menu.
//!
//! An override finds its item by the item's code, or its name when it has none
//! ([`crate::domain::menu_csv::item_key`]). One whose item (or variant) is gone from the menu
//! is *stale*: kept and shown as such, never applied.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::content::{ContentItem, ContentKind, Menu, MenuVariant};
use vitrin_shared::ids::{ScreenId, StoreId};
use vitrin_shared::input::normalize_line;

use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{now_ms, sql};
use crate::domain::library;
use crate::domain::menu_csv::item_key;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One override: a price, a local sold-out mark, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceOverride {
    /// The item's code, or its name when it has no code.
    pub item: String,
    /// A variant's name; empty: the item itself (its price and sold-out mark).
    #[serde(default)]
    pub variant: String,
    /// The store's price, in the menu's unit; `null`: the franchise's.
    #[serde(default)]
    pub price: Option<i64>,
    /// Sold out in this store (items only, not variants).
    #[serde(default)]
    pub sold_out: bool,
}

/// A stored override and whether it still finds its item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StoredOverride {
    #[serde(flatten)]
    pub over: PriceOverride,
    /// Its item (or variant) is no longer in the menu: it is not applied.
    pub stale: bool,
}

/// An item of the franchise's menu, as a store prices it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FranchiseItem {
    /// What an override names it by (its code, else its name).
    pub key: String,
    pub category: String,
    pub name: String,
    /// The franchise's price.
    pub price: i64,
    pub sold_out: bool,
    pub variants: Vec<MenuVariant>,
}

/// A store's prices for one menu.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StorePrices {
    pub store: i64,
    pub content: i64,
    /// The menu's items with the franchise's prices.
    pub items: Vec<FranchiseItem>,
    /// The store's overrides, stale ones included.
    pub overrides: Vec<StoredOverride>,
}

/// The body of a PUT: the store's overrides for the menu, replacing those it had.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StorePricesInput {
    pub overrides: Vec<PriceOverride>,
}

/// Applies a store's overrides to a menu. Stale ones match nothing.
pub fn apply(menu: &mut Menu, overrides: &[PriceOverride]) {
    for item in menu.categories.iter_mut().flat_map(|c| &mut c.items) {
        let key = item_key(item).to_owned();
        for over in overrides.iter().filter(|o| o.item == key) {
            if over.variant.is_empty() {
                if let Some(price) = over.price {
                    item.price = price;
                }
                item.sold_out |= over.sold_out;
            } else if let Some(variant) = item.variants.iter_mut().find(|v| v.name == over.variant)
                && let Some(price) = over.price
            {
                variant.price = price;
            }
        }
    }
}

/// Whether an override finds its item (and variant) in the menu.
fn finds(menu: &Menu, over: &PriceOverride) -> bool {
    menu.categories.iter().flat_map(|c| &c.items).any(|i| {
        item_key(i) == over.item
            && (over.variant.is_empty() || i.variants.iter().any(|v| v.name == over.variant))
    })
}

async fn load_menu(state: &AppState, principal: &Principal, id: i64) -> ApiResult<(String, Menu)> {
    let item = library::get::<ContentItem>(state, principal, id).await?;
    match item.kind {
        ContentKind::MenuBoard { menu } => Ok((item.name, menu)),
        _ => Err(ApiError::NotFound),
    }
}

type Row = (String, String, Option<i64>, bool);

async fn stored(state: &AppState, store: i64, content: i64) -> ApiResult<Vec<PriceOverride>> {
    let rows: Vec<Row> = sql(
        "SELECT item_key, variant, price, sold_out FROM store_prices \
         WHERE store_id = $1 AND content_id = $2 ORDER BY item_key, variant",
    )
    .bind(store)
    .bind(content)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, variant, price, sold_out)| PriceOverride {
            item,
            variant,
            price,
            sold_out,
        })
        .collect())
}

fn answer(store: i64, content: i64, menu: &Menu, overrides: Vec<PriceOverride>) -> StorePrices {
    StorePrices {
        store,
        content,
        items: menu
            .categories
            .iter()
            .flat_map(|c| {
                c.items.iter().map(|i| FranchiseItem {
                    key: item_key(i).to_owned(),
                    category: c.name.clone(),
                    name: i.name.clone(),
                    price: i.price,
                    sold_out: i.sold_out,
                    variants: i.variants.clone(),
                })
            })
            .collect(),
        overrides: overrides
            .into_iter()
            .map(|over| StoredOverride {
                stale: !finds(menu, &over),
                over,
            })
            .collect(),
    }
}

/// A store's overrides for a menu, with the menu's items (everyone who sees the store).
pub async fn get(
    state: &AppState,
    principal: &Principal,
    store: i64,
    content: i64,
) -> ApiResult<StorePrices> {
    crate::domain::stores::visible_store(state, principal, store).await?;
    let (_, menu) = load_menu(state, principal, content).await?;
    let overrides = stored(state, store, content).await?;
    Ok(answer(store, content, &menu, overrides))
}

/// Checks and tidies overrides against the menu: names normalised, empty ones dropped.
fn check(
    menu: &Menu,
    overrides: Vec<PriceOverride>,
) -> Result<Vec<PriceOverride>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut kept = Vec::new();
    let mut seen = HashSet::new();
    for (n, mut over) in overrides.into_iter().enumerate() {
        let field = format!("overrides.{n}");
        normalize_line(&mut over.item);
        normalize_line(&mut over.variant);
        if over.price.is_none() && !over.sold_out {
            continue; // nothing to override
        }
        let item = menu
            .categories
            .iter()
            .flat_map(|c| &c.items)
            .find(|i| item_key(i) == over.item);
        match item {
            None => errors.add(
                format!("{field}.item"),
                "unknown_item",
                format!(
                    "the menu has no item with the code (or name) '{}'",
                    over.item
                ),
            ),
            Some(item)
                if !over.variant.is_empty()
                    && !item.variants.iter().any(|v| v.name == over.variant) =>
            {
                errors.add(
                    format!("{field}.variant"),
                    "unknown_variant",
                    format!("'{}' has no variant '{}'", over.item, over.variant),
                )
            }
            Some(_) => {}
        }
        if over.price.is_some_and(|p| p < 0) {
            errors.add(
                format!("{field}.price"),
                "negative",
                "a price cannot be negative",
            );
        }
        if over.sold_out && !over.variant.is_empty() {
            errors.add(
                format!("{field}.sold_out"),
                "invalid",
                "an item is sold out as a whole, not one variant of it",
            );
        }
        if !seen.insert((over.item.clone(), over.variant.clone())) {
            errors.add(
                format!("{field}.item"),
                "duplicate",
                "this item (and variant) is overridden twice",
            );
        }
        kept.push(over);
    }
    errors.into_result().map(|()| kept)
}

/// Replaces a store's overrides for a menu (owners, and store managers for their stores).
/// The store's screens get a new manifest; no other screen does.
pub async fn put(
    state: &AppState,
    principal: &Principal,
    store: i64,
    content: i64,
    input: StorePricesInput,
) -> ApiResult<StorePrices> {
    let store_name = crate::domain::stores::visible_store(state, principal, store)
        .await?
        .name;
    let (menu_name, menu) = load_menu(state, principal, content).await?;
    principal.require(principal.can_manage_store(StoreId(store)))?;
    let overrides = check(&menu, input.overrides)?;
    let mut change = Change::begin(state, principal).await?;
    let screens: Vec<(i64,)> = sql("SELECT id FROM screens WHERE store_id = $1")
        .bind(store)
        .fetch_all(change.ex())
        .await?;
    change.only = Some(screens.into_iter().map(|(id,)| ScreenId(id)).collect());
    sql("DELETE FROM store_prices WHERE store_id = $1 AND content_id = $2")
        .bind(store)
        .bind(content)
        .execute(change.ex())
        .await?;
    let now = now_ms();
    for over in &overrides {
        sql(
            "INSERT INTO store_prices (store_id, content_id, item_key, variant, price, sold_out, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(store)
        .bind(content)
        .bind(&over.item)
        .bind(&over.variant)
        .bind(over.price)
        .bind(over.sold_out)
        .bind(now)
        .execute(change.ex())
        .await?;
    }
    change
        .commit(Audit::of(
            "update",
            "store",
            store,
            format!(
                "set {} price(s) of menu '{menu_name}' in store '{store_name}'",
                overrides.len()
            ),
        ))
        .await?;
    let overrides = stored(state, store, content).await?;
    Ok(answer(store, content, &menu, overrides))
}

/// The stores that override some price of a menu, for the menu's page.
pub async fn menus_with_overrides(
    state: &AppState,
    principal: &Principal,
    store: i64,
) -> ApiResult<Vec<i64>> {
    crate::domain::stores::visible_store(state, principal, store).await?;
    let rows: Vec<(i64,)> =
        sql("SELECT DISTINCT content_id FROM store_prices WHERE store_id = $1 ORDER BY content_id")
            .bind(store)
            .fetch_all(&state.db)
            .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrin_shared::content::{MenuCategory, MenuItem};

    fn menu() -> Menu {
        Menu {
            categories: vec![MenuCategory {
                name: "Coffee".into(),
                items: vec![
                    MenuItem {
                        name: "Latte".into(),
                        code: "L1".into(),
                        price: 100,
                        variants: vec![MenuVariant {
                            name: "Large".into(),
                            price: 150,
                        }],
                        ..MenuItem::default()
                    },
                    MenuItem {
                        name: "Tea".into(),
                        price: 50,
                        ..MenuItem::default()
                    },
                ],
            }],
            ..Menu::default()
        }
    }

    fn over(item: &str, variant: &str, price: Option<i64>, sold_out: bool) -> PriceOverride {
        PriceOverride {
            item: item.into(),
            variant: variant.into(),
            price,
            sold_out,
        }
    }

    #[test]
    fn overrides_apply_by_code_or_name_and_stale_ones_do_not() {
        let mut m = menu();
        apply(
            &mut m,
            &[
                over("L1", "Large", Some(160), false),
                over("Tea", "", Some(55), true),
                over("Latte", "", Some(1), false), // Latte has a code: stale
            ],
        );
        let items = &m.categories[0].items;
        assert_eq!((items[0].price, items[0].variants[0].price), (100, 160));
        assert_eq!((items[1].price, items[1].sold_out), (55, true));
        assert!(!finds(&menu(), &over("Latte", "", Some(1), false)));
    }

    #[test]
    fn checks_name_the_field() {
        let e = check(
            &menu(),
            vec![
                over("X", "", Some(1), false),
                over("L1", "Small", Some(1), false),
                over("Tea", "", Some(-1), false),
                over("Tea", "", None, false),
            ],
        )
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "overrides.0.item",
                "overrides.1.variant",
                "overrides.2.price"
            ]
        );
    }
}

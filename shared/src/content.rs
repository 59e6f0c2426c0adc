//! Content items: what a zone can show. Media bytes travel separately, addressed by sha256.

use crate::ids::{ContentId, FeedId};
use crate::input::{Accept, check_block, check_line, normalize_block, normalize_line};
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A blob in the media store, referenced by its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaRef {
    /// Lower-case hex sha256 of the bytes; also the blob's name in every cache.
    pub sha256: String,
    /// Length in bytes. Optional in requests: the server fills it in from its media library.
    #[serde(default)]
    pub size: u64,
    /// The type sniffed from the bytes by the server, not the uploader's claim. Optional in
    /// requests: the server fills it in from its media library.
    #[serde(default)]
    pub mime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

impl MediaRef {
    pub fn is_valid_sha256(hex: &str) -> bool {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }
}

/// How a picture fills its zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Whole picture visible, letterboxed.
    #[default]
    Contain,
    /// Zone filled, picture cropped.
    Cover,
}

/// Which calendar a clock or date shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    #[default]
    SolarHijri,
    Gregorian,
    Both,
}

/// Which digits numbers are shown with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DigitStyle {
    #[default]
    Persian,
    Latin,
}

/// The language text is written in, which also sets its direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Fa,
    En,
}

/// The currency unit prices and rates are shown in. 1 Toman = 10 Rial.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    #[default]
    Toman,
    Rial,
}

/// A menu board: categories of items with prices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Menu {
    pub title: String,
    pub categories: Vec<MenuCategory>,
    #[serde(default)]
    pub unit: MoneyUnit,
    /// 0 lets the player choose columns to fit the zone.
    #[serde(default)]
    pub columns: u8,
    /// How the board is designed; its colours and typeface come from the brand kit.
    #[serde(default)]
    pub theme: MenuTheme,
}

/// The designed looks of a menu board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MenuTheme {
    /// Rows of name, leader dots and price, in columns.
    #[default]
    List,
    /// A card per item with its photo above its name and price.
    Cards,
    /// The featured item large with its photo beside the list of the rest.
    Hero,
}

/// Marks shown beside an item's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    New,
    ChefsPick,
    Spicy,
    Vegetarian,
    Vegan,
}

impl Badge {
    pub const ALL: [Badge; 5] = [
        Badge::New,
        Badge::ChefsPick,
        Badge::Spicy,
        Badge::Vegetarian,
        Badge::Vegan,
    ];
}

/// One size or kind of an item with its own price (small/large, single/double).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuVariant {
    pub name: String,
    /// In `Menu::unit`, like `MenuItem::price`.
    pub price: i64,
}

/// Most variants an item may have (a board row has room for about this many prices).
pub const MAX_VARIANTS: usize = 4;
/// Above this an item's calories are surely a typing mistake.
pub const MAX_CALORIES: u32 = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuCategory {
    pub name: String,
    pub items: Vec<MenuItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuItem {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// In `Menu::unit`; whole units (prices in Iran have no fractions).
    pub price: i64,
    #[serde(default)]
    pub sold_out: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaRef>,
    /// The item's code (a SKU), stable across renames: per-store prices and CSV rows find the
    /// item by it. Empty: found by name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// Sizes or kinds with their own prices; when there are any they are shown instead of
    /// `price`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<MenuVariant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub badges: Vec<Badge>,
    /// Kilocalories, shown on a line of their own when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calories: Option<u32>,
    /// The item the hero theme shows large (the first featured one).
    #[serde(default)]
    pub featured: bool,
}

/// Where a ticker's lines come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum TickerSource {
    /// The newest items of a news feed; the server puts the snapshot in the manifest.
    Feed { feed: FeedId, max_items: u32 },
    /// Lines typed by the owner.
    Static { lines: Vec<String> },
}

/// The kinds of content, each with exactly the data its renderer needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentKind {
    Image {
        media: MediaRef,
        #[serde(default)]
        fit: Fit,
    },
    Video {
        media: MediaRef,
        #[serde(default = "default_true")]
        #[cfg_attr(feature = "openapi", schema(default = true))]
        muted: bool,
    },
    MenuBoard {
        menu: Menu,
    },
    Text {
        title: String,
        body: String,
        #[serde(default)]
        lang: Lang,
    },
    Ticker {
        #[serde(flatten)]
        source: TickerSource,
        /// Scroll speed in pixels per second at 1080p.
        #[serde(default = "default_ticker_speed")]
        #[cfg_attr(feature = "openapi", schema(default = 120))]
        speed: u32,
        #[serde(default)]
        lang: Lang,
    },
    Weather {
        feed: FeedId,
        #[serde(default)]
        lang: Lang,
    },
    CurrencyBoard {
        feed: FeedId,
        /// Symbols to show, in order; empty shows all.
        #[serde(default)]
        symbols: Vec<String>,
        #[serde(default)]
        unit: MoneyUnit,
    },
    Clock {
        #[serde(default)]
        calendar: CalendarKind,
        #[serde(default)]
        digits: DigitStyle,
        #[serde(default)]
        show_seconds: bool,
    },
    QrPromo {
        headline: String,
        /// Where the code leads when `leads_to` is a link. The server replaces it with a tracked
        /// short link per screen either way.
        #[serde(default)]
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<MediaRef>,
        /// What a scan opens: the link, or a page of the server's own (feedback, an offer's
        /// one-time code, the loyalty card).
        #[serde(default, skip_serializing_if = "PromoAction::is_link")]
        leads_to: PromoAction,
    },
    /// Customers' approved reviews, one at a time as a slide or scrolling as a ticker. The
    /// server fills `reviews` in each screen's manifest and rebuilds it when one is approved.
    Reviews {
        #[serde(default)]
        style: ReviewStyle,
        /// Only reviews with at least this many stars (1–5).
        #[serde(default = "default_min_rating")]
        #[cfg_attr(feature = "openapi", schema(default = 4))]
        min_rating: u8,
        /// The newest this many approved reviews.
        #[serde(default = "default_review_items")]
        #[cfg_attr(feature = "openapi", schema(default = 10))]
        max_items: u32,
        /// Only reviews of the screen's own store (else of every store of the organization).
        #[serde(default)]
        own_store: bool,
        #[serde(default)]
        lang: Lang,
        /// Filled by the server in manifests; anything stored here is ignored.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reviews: Vec<Review>,
    },
}

/// What scanning a QR promo opens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PromoAction {
    /// The promo's `url`.
    #[default]
    Link,
    /// A short form: 1–5 stars, an optional comment and optional contact.
    Feedback,
    /// A one-time code for the counter.
    Offer(Offer),
    /// The loyalty card: join by phone, then a stamp per visit at the counter.
    Loyalty,
}

impl PromoAction {
    pub fn is_link(&self) -> bool {
        matches!(self, PromoAction::Link)
    }
}

/// An offer that hands out one-time codes, each redeemed once at a counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    /// What the code is worth, as the customer and the cashier read it ("a free cookie").
    pub title: String,
    /// Codes handed out in all; then the page says the offer is gone.
    pub limit: u32,
    /// Days a code can be redeemed after it is handed out.
    #[serde(default = "default_offer_days")]
    #[cfg_attr(feature = "openapi", schema(default = 7))]
    pub valid_days: u32,
    /// No codes before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts: Option<Timestamp>,
    /// No codes handed out or redeemed after this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends: Option<Timestamp>,
}

/// Most codes one offer hands out.
pub const MAX_OFFER_CODES: u32 = 1_000_000;
/// Longest a code stays redeemable.
pub const MAX_OFFER_DAYS: u32 = 366;

/// How reviews are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStyle {
    /// One review at a time, large, turning every few seconds.
    #[default]
    Slide,
    /// All of them in one scrolling line.
    Ticker,
}

/// One approved review as a screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// 1–5 stars.
    pub rating: u8,
    pub text: String,
    /// The name the customer chose to sign with; may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    /// The store it was written about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub store: String,
}

/// Most reviews a reviews item shows.
pub const MAX_REVIEW_ITEMS: u32 = 50;

fn default_min_rating() -> u8 {
    4
}

fn default_review_items() -> u32 {
    10
}

fn default_offer_days() -> u32 {
    7
}

fn default_true() -> bool {
    true
}

fn default_ticker_speed() -> u32 {
    120
}

/// A content item as it travels to the player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentItem {
    pub id: ContentId,
    pub name: String,
    #[serde(flatten)]
    pub kind: ContentKind,
}

impl ContentItem {
    /// The media blobs this item needs on the player's disk before it can be shown.
    pub fn media(&self) -> Vec<&MediaRef> {
        match &self.kind {
            ContentKind::Image { media, .. } | ContentKind::Video { media, .. } => vec![media],
            ContentKind::MenuBoard { menu } => menu
                .categories
                .iter()
                .flat_map(|c| c.items.iter())
                .filter_map(|i| i.image.as_ref())
                .collect(),
            ContentKind::QrPromo { image, .. } => image.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The feed this item shows, and the kind of feed it must be (`news`, `weather`,
    /// `currency`, as `FeedData::kind` names them).
    pub fn feed(&self) -> Option<(FeedId, &'static str)> {
        match &self.kind {
            ContentKind::Ticker {
                source: TickerSource::Feed { feed, .. },
                ..
            } => Some((*feed, "news")),
            ContentKind::Weather { feed, .. } => Some((*feed, "weather")),
            ContentKind::CurrencyBoard { feed, .. } => Some((*feed, "currency")),
            _ => None,
        }
    }
}

/// Most items a ticker may take from a news feed.
pub const MAX_TICKER_ITEMS: u32 = 100;

const MAX_TEXT: usize = 10_000;

impl Validate for ContentItem {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        let check_media = |field: &str, media: &MediaRef, errors: &mut ValidationErrors| {
            if !MediaRef::is_valid_sha256(&media.sha256) {
                errors.add(
                    format!("{field}.sha256"),
                    "invalid",
                    "must be 64 lower-case hex digits",
                );
            }
        };
        match &self.kind {
            ContentKind::Image { media, .. } | ContentKind::Video { media, .. } => {
                check_media("media", media, &mut errors);
            }
            ContentKind::MenuBoard { menu } => {
                if menu.categories.is_empty() {
                    errors.add(
                        "menu.categories",
                        "required",
                        "a menu needs at least one category",
                    );
                }
                for (c, category) in menu.categories.iter().enumerate() {
                    if category.name.trim().is_empty() {
                        errors.add(
                            format!("menu.categories.{c}.name"),
                            "required",
                            "a category needs a name",
                        );
                    }
                    for (i, item) in category.items.iter().enumerate() {
                        let field = format!("menu.categories.{c}.items.{i}");
                        if item.name.trim().is_empty() {
                            errors.add(format!("{field}.name"), "required", "an item needs a name");
                        }
                        if item.price < 0 {
                            errors.add(
                                format!("{field}.price"),
                                "negative",
                                "a price cannot be negative",
                            );
                        }
                        if let Some(image) = &item.image {
                            check_media(&format!("{field}.image"), image, &mut errors);
                        }
                        if item.variants.len() > MAX_VARIANTS {
                            errors.add(
                                format!("{field}.variants"),
                                "too_many",
                                format!("an item has at most {MAX_VARIANTS} variants"),
                            );
                        }
                        for (v, variant) in item.variants.iter().enumerate() {
                            if variant.name.trim().is_empty() {
                                errors.add(
                                    format!("{field}.variants.{v}.name"),
                                    "required",
                                    "a variant needs a name (small, large...)",
                                );
                            }
                            if variant.price < 0 {
                                errors.add(
                                    format!("{field}.variants.{v}.price"),
                                    "negative",
                                    "a price cannot be negative",
                                );
                            }
                        }
                        if item.calories.is_some_and(|c| c > MAX_CALORIES) {
                            errors.add(
                                format!("{field}.calories"),
                                "out_of_range",
                                format!("at most {MAX_CALORIES} kcal"),
                            );
                        }
                        if item
                            .badges
                            .iter()
                            .enumerate()
                            .any(|(b, badge)| item.badges[..b].contains(badge))
                        {
                            errors.add(
                                format!("{field}.badges"),
                                "duplicate",
                                "each badge at most once",
                            );
                        }
                    }
                }
            }
            ContentKind::Text { title, body, .. } => {
                if title.trim().is_empty() && body.trim().is_empty() {
                    errors.add("body", "required", "a text slide needs a title or a body");
                }
                if body.len() > MAX_TEXT {
                    errors.add("body", "too_long", format!("at most {MAX_TEXT} bytes"));
                }
            }
            ContentKind::Ticker { source, speed, .. } => {
                match source {
                    TickerSource::Static { lines } if lines.iter().all(|l| l.trim().is_empty()) => {
                        errors.add("lines", "required", "a ticker needs at least one line");
                    }
                    TickerSource::Feed { max_items, .. }
                        if *max_items == 0 || *max_items > MAX_TICKER_ITEMS =>
                    {
                        errors.add(
                            "max_items",
                            "out_of_range",
                            format!("a ticker shows 1 to {MAX_TICKER_ITEMS} items of a feed"),
                        );
                    }
                    _ => {}
                }
                if *speed == 0 || *speed > 2000 {
                    errors.add(
                        "speed",
                        "out_of_range",
                        "speed must be between 1 and 2000 pixels per second",
                    );
                }
            }
            ContentKind::QrPromo {
                headline,
                url,
                image,
                leads_to,
            } => {
                if headline.trim().is_empty() {
                    errors.add("headline", "required", "a QR promo needs a headline");
                }
                if leads_to.is_link()
                    && !(url.starts_with("https://") || url.starts_with("http://"))
                {
                    errors.add(
                        "url",
                        "invalid",
                        "the link must start with https:// or http://",
                    );
                }
                if let Some(image) = image {
                    check_media("image", image, &mut errors);
                }
                if let PromoAction::Offer(offer) = leads_to {
                    if offer.title.trim().is_empty() {
                        errors.add(
                            "leads_to.title",
                            "required",
                            "say what the code is worth (a free cookie, 20% off)",
                        );
                    }
                    if offer.limit == 0 || offer.limit > MAX_OFFER_CODES {
                        errors.add(
                            "leads_to.limit",
                            "out_of_range",
                            format!("an offer hands out 1 to {MAX_OFFER_CODES} codes"),
                        );
                    }
                    if offer.valid_days == 0 || offer.valid_days > MAX_OFFER_DAYS {
                        errors.add(
                            "leads_to.valid_days",
                            "out_of_range",
                            format!("a code is valid for 1 to {MAX_OFFER_DAYS} days"),
                        );
                    }
                    if let (Some(starts), Some(ends)) = (offer.starts, offer.ends)
                        && ends <= starts
                    {
                        errors.add(
                            "leads_to.ends",
                            "before_start",
                            "the offer ends before it starts",
                        );
                    }
                }
            }
            ContentKind::Reviews {
                min_rating,
                max_items,
                ..
            } => {
                if !(1..=5).contains(min_rating) {
                    errors.add("min_rating", "out_of_range", "from 1 to 5 stars");
                }
                if *max_items == 0 || *max_items > MAX_REVIEW_ITEMS {
                    errors.add(
                        "max_items",
                        "out_of_range",
                        format!("a reviews item shows 1 to {MAX_REVIEW_ITEMS} reviews"),
                    );
                }
            }
            ContentKind::Weather { .. }
            | ContentKind::CurrencyBoard { .. }
            | ContentKind::Clock { .. } => {}
        }
        errors.into_result()
    }
}

impl ContentItem {
    /// Every customer-facing text of the item with its field path, and whether it may span
    /// lines. Currency symbols are identifiers matched against the feed's and are not text;
    /// the QR promo's URL is not either.
    fn texts_mut(&mut self) -> Vec<(String, bool, &mut String)> {
        let mut texts = vec![("name".to_owned(), false, &mut self.name)];
        match &mut self.kind {
            ContentKind::MenuBoard { menu } => {
                texts.push(("menu.title".into(), false, &mut menu.title));
                for (c, category) in menu.categories.iter_mut().enumerate() {
                    let field = format!("menu.categories.{c}");
                    texts.push((format!("{field}.name"), false, &mut category.name));
                    for (i, item) in category.items.iter_mut().enumerate() {
                        let field = format!("{field}.items.{i}");
                        texts.push((format!("{field}.name"), false, &mut item.name));
                        texts.push((format!("{field}.description"), true, &mut item.description));
                        texts.push((format!("{field}.code"), false, &mut item.code));
                        for (v, variant) in item.variants.iter_mut().enumerate() {
                            texts.push((
                                format!("{field}.variants.{v}.name"),
                                false,
                                &mut variant.name,
                            ));
                        }
                    }
                }
            }
            ContentKind::Text { title, body, .. } => {
                texts.push(("title".into(), false, title));
                texts.push(("body".into(), true, body));
            }
            ContentKind::Ticker {
                source: TickerSource::Static { lines },
                ..
            } => {
                for (i, line) in lines.iter_mut().enumerate() {
                    texts.push((format!("lines.{i}"), false, line));
                }
            }
            ContentKind::QrPromo {
                headline, leads_to, ..
            } => {
                texts.push(("headline".into(), false, headline));
                if let PromoAction::Offer(offer) = leads_to {
                    texts.push(("leads_to.title".into(), false, &mut offer.title));
                }
            }
            ContentKind::Image { .. }
            | ContentKind::Video { .. }
            | ContentKind::Ticker { .. }
            | ContentKind::Weather { .. }
            | ContentKind::CurrencyBoard { .. }
            | ContentKind::Clock { .. }
            | ContentKind::Reviews { .. } => {}
        }
        texts
    }
}

impl Accept for ContentItem {
    fn normalize(&mut self) {
        for (_, multiline, text) in self.texts_mut() {
            if multiline {
                normalize_block(text);
            } else {
                normalize_line(text);
            }
        }
    }

    fn check_new(&self, _now: Timestamp, errors: &mut ValidationErrors) {
        // `texts_mut` is the one list of texts; a copy lends it the `&mut` it needs.
        let mut copy = self.clone();
        for (field, multiline, text) in copy.texts_mut() {
            if multiline {
                check_block(&field, text, errors);
            } else {
                check_line(&field, text, errors);
            }
        }
    }
}

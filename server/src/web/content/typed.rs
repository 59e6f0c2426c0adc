//! The content form as typed: one flat set of text fields for every kind, so a form shown again
//! with errors keeps exactly what was typed, and numbers may be typed in Persian or Latin digits.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vitrin_shared::calendar::parse_number;
use vitrin_shared::content::{
    CalendarKind, ContentKind, DigitStyle, Fit, Lang as TextLang, MediaRef, MoneyUnit, Offer,
    PromoAction, ReviewStyle, TickerSource,
};
use vitrin_shared::feed::Rate;
use vitrin_shared::ids::FeedId;

use super::super::form::FormErrors;
use super::super::i18n::Lang;
use super::super::schedule::{parse_date, show_date};
use crate::feeds::sources::RateInput;

/// The kinds this page makes, as the form and the URL name them (`/content/new?kind=ticker`).
/// Menus have a page of their own.
pub const KINDS: [&str; 9] = [
    "image", "video", "text", "ticker", "weather", "currency", "clock", "qr", "reviews",
];

/// The form code of a content kind (`menu` for menu boards).
pub fn kind_code(kind: &ContentKind) -> &'static str {
    match kind {
        ContentKind::Image { .. } => "image",
        ContentKind::Video { .. } => "video",
        ContentKind::MenuBoard { .. } => "menu",
        ContentKind::Text { .. } => "text",
        ContentKind::Ticker { .. } => "ticker",
        ContentKind::Weather { .. } => "weather",
        ContentKind::CurrencyBoard { .. } => "currency",
        ContentKind::Clock { .. } => "clock",
        ContentKind::QrPromo { .. } => "qr",
        ContentKind::Reviews { .. } => "reviews",
    }
}

/// Every field of every kind, as typed. Field names are the API's where there is one, so the
/// library's messages (`headline`, `url`, `lines`, `speed`, `media.sha256` …) land next to
/// them. Checkboxes post `1` when ticked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContentForm {
    pub kind: String,
    pub name: String,
    /// sha256 of a picture or video from the library.
    pub media: String,
    /// `contain` or `cover`.
    pub fit: String,
    pub muted: String,
    pub title: String,
    pub body: String,
    /// The language the text is in (`fa` or `en`): it sets the direction on screen.
    pub lang: String,
    /// Ticker: `feed` or `static`; currency board: `feed` or `typed`.
    pub source: String,
    pub feed: String,
    pub max_items: String,
    /// Ticker lines, one per line.
    pub lines: String,
    pub speed: String,
    /// Currency symbols to show, separated by spaces or commas; empty shows all.
    pub symbols: String,
    /// `toman` or `rial`.
    pub unit: String,
    /// Typed rates, one per line: `USD دلار آمریکا ۵۸٬۰۰۰` (symbol, optional label, value).
    pub rates: String,
    /// `solar_hijri`, `gregorian` or `both`.
    pub calendar: String,
    /// `persian` or `latin`.
    pub digits: String,
    pub show_seconds: String,
    pub headline: String,
    pub url: String,
    /// sha256 of the QR promo's optional picture.
    pub image: String,
    /// What a scan opens: `link`, `feedback`, `offer` or `loyalty`.
    pub leads_to: String,
    /// The offer: what a code is worth, how many codes, for how many days each.
    #[serde(rename = "leads_to.title")]
    pub offer_title: String,
    #[serde(rename = "leads_to.limit")]
    pub offer_limit: String,
    #[serde(rename = "leads_to.valid_days")]
    pub offer_days: String,
    /// The offer's first and last day, as typed (Solar Hijri or Gregorian), in the
    /// organization's time zone; empty for none.
    #[serde(rename = "leads_to.starts")]
    pub offer_starts: String,
    #[serde(rename = "leads_to.ends")]
    pub offer_ends: String,
    /// Reviews: `slide` or `ticker`, the fewest stars shown, only the screen's own store.
    pub style: String,
    pub min_rating: String,
    pub own_store: String,
    /// New items only: also make a playlist of the item, to schedule it.
    pub make_playlist: String,
    /// How long the item shows in that playlist.
    pub seconds: String,
}

fn media_ref(sha256: &str) -> MediaRef {
    // Only the hash is ours to give; the library fills in size, type and dimensions.
    MediaRef {
        sha256: sha256.to_owned(),
        size: 0,
        mime: String::new(),
        width: None,
        height: None,
        duration_ms: None,
    }
}

fn ticked(value: &str) -> bool {
    !value.is_empty()
}

fn unit_of(code: &str) -> MoneyUnit {
    if code == "rial" {
        MoneyUnit::Rial
    } else {
        MoneyUnit::Toman
    }
}

pub fn unit_code(unit: MoneyUnit) -> &'static str {
    match unit {
        MoneyUnit::Toman => "toman",
        MoneyUnit::Rial => "rial",
    }
}

fn lang_code(lang: TextLang) -> &'static str {
    match lang {
        TextLang::Fa => "fa",
        TextLang::En => "en",
    }
}

impl ContentForm {
    /// A blank form for a new item of `kind`, with the defaults a shop would pick.
    pub fn new_of(kind: &str, lang: Lang) -> ContentForm {
        ContentForm {
            kind: kind.to_owned(),
            fit: "contain".into(),
            muted: "1".into(),
            lang: lang.code().to_owned(),
            source: if kind == "currency" {
                "typed"
            } else {
                "static"
            }
            .into(),
            max_items: lang.num(10),
            speed: lang.num(120),
            unit: "toman".into(),
            calendar: "both".into(),
            digits: "persian".into(),
            make_playlist: "1".into(),
            seconds: lang.num(if kind == "image" || kind == "video" {
                10
            } else {
                30
            }),
            url: "https://".into(),
            leads_to: "link".into(),
            offer_limit: lang.num(100),
            offer_days: lang.num(7),
            style: "slide".into(),
            min_rating: lang.num(4),
            ..ContentForm::default()
        }
    }

    /// The form showing a saved item; `rates` is the typed rates' text when its currency feed
    /// takes typed rates.
    pub fn from_item(
        name: &str,
        kind: &ContentKind,
        lang: Lang,
        tz: &TimeZone,
        rates: String,
    ) -> ContentForm {
        let mut form = ContentForm {
            kind: kind_code(kind).to_owned(),
            name: name.to_owned(),
            ..ContentForm::new_of(kind_code(kind), lang)
        };
        form.make_playlist.clear();
        match kind {
            ContentKind::Image { media, fit } => {
                form.media = media.sha256.clone();
                form.fit = if *fit == Fit::Cover {
                    "cover"
                } else {
                    "contain"
                }
                .into();
            }
            ContentKind::Video { media, muted } => {
                form.media = media.sha256.clone();
                form.muted = if *muted { "1" } else { "" }.into();
            }
            ContentKind::Text { title, body, lang } => {
                form.title = title.clone();
                form.body = body.clone();
                form.lang = lang_code(*lang).into();
            }
            ContentKind::Ticker {
                source,
                speed,
                lang: text_lang,
            } => {
                form.speed = lang.num(i64::from(*speed));
                form.lang = lang_code(*text_lang).into();
                match source {
                    TickerSource::Feed { feed, max_items } => {
                        form.source = "feed".into();
                        form.feed = feed.0.to_string();
                        form.max_items = lang.num(i64::from(*max_items));
                    }
                    TickerSource::Static { lines } => {
                        form.source = "static".into();
                        form.lines = lines.join("\n");
                    }
                }
            }
            ContentKind::Weather {
                feed,
                lang: text_lang,
            } => {
                form.feed = feed.0.to_string();
                form.lang = lang_code(*text_lang).into();
            }
            ContentKind::CurrencyBoard {
                feed,
                symbols,
                unit,
            } => {
                form.feed = feed.0.to_string();
                form.symbols = symbols.join(" ");
                form.unit = unit_code(*unit).into();
                form.source = if rates.is_empty() { "feed" } else { "typed" }.into();
                form.rates = rates;
            }
            ContentKind::Clock {
                calendar,
                digits,
                show_seconds,
            } => {
                form.calendar = match calendar {
                    CalendarKind::SolarHijri => "solar_hijri",
                    CalendarKind::Gregorian => "gregorian",
                    CalendarKind::Both => "both",
                }
                .into();
                form.digits = match digits {
                    DigitStyle::Persian => "persian",
                    DigitStyle::Latin => "latin",
                }
                .into();
                form.show_seconds = if *show_seconds { "1" } else { "" }.into();
            }
            ContentKind::QrPromo {
                headline,
                url,
                image,
                leads_to,
            } => {
                form.headline = headline.clone();
                form.url = url.clone();
                form.image = image.as_ref().map(|m| m.sha256.clone()).unwrap_or_default();
                form.leads_to = match leads_to {
                    PromoAction::Link => "link",
                    PromoAction::Feedback => "feedback",
                    PromoAction::Offer(offer) => {
                        form.offer_title = offer.title.clone();
                        form.offer_limit = lang.num(i64::from(offer.limit));
                        form.offer_days = lang.num(i64::from(offer.valid_days));
                        // `ends` is exclusive: the form shows the last day.
                        let day = |t: Timestamp| show_date(t.to_zoned(tz.clone()).date(), lang);
                        form.offer_starts = offer.starts.map(day).unwrap_or_default();
                        form.offer_ends = offer
                            .ends
                            .map(|t| day(t - jiff::SignedDuration::from_secs(1)))
                            .unwrap_or_default();
                        "offer"
                    }
                    PromoAction::Loyalty => "loyalty",
                }
                .into();
            }
            ContentKind::Reviews {
                style,
                min_rating,
                max_items,
                own_store,
                lang: text_lang,
                ..
            } => {
                form.style = match style {
                    ReviewStyle::Slide => "slide",
                    ReviewStyle::Ticker => "ticker",
                }
                .into();
                form.min_rating = lang.num(i64::from(*min_rating));
                form.max_items = lang.num(i64::from(*max_items));
                form.own_store = if *own_store { "1" } else { "" }.into();
                form.lang = lang_code(*text_lang).into();
            }
            ContentKind::MenuBoard { .. } => {}
        }
        form
    }

    fn text_lang(&self) -> TextLang {
        if self.lang == "en" {
            TextLang::En
        } else {
            TextLang::Fa
        }
    }

    /// A whole number typed in either digits, or a message on `field`.
    fn number(&self, field: &str, text: &str, lang: Lang, errors: &mut FormErrors) -> u32 {
        match parse_number(text).ok().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => {
                errors.add(field, lang.t("content.err.number"));
                0
            }
        }
    }

    /// The start of a typed day in `tz` (of the day after it when `past_it`: the end of the
    /// day), `None` when empty, or a message on `field`.
    fn day(
        &self,
        field: &str,
        text: &str,
        tz: &TimeZone,
        past_it: bool,
        lang: Lang,
        errors: &mut FormErrors,
    ) -> Option<Timestamp> {
        if text.trim().is_empty() {
            return None;
        }
        let date = parse_date(text).and_then(|d| if past_it { d.tomorrow().ok() } else { Some(d) });
        match date.and_then(|d| d.to_zoned(tz.clone()).ok()) {
            Some(start) => Some(start.timestamp()),
            None => {
                errors.add(field, lang.t("content.err.date"));
                None
            }
        }
    }

    /// The feed chosen in the form, or a message.
    fn feed_id(&self, lang: Lang, errors: &mut FormErrors) -> FeedId {
        match self.feed.parse::<i64>() {
            Ok(id) => FeedId(id),
            Err(_) => {
                errors.add("feed", lang.t("content.err.feed"));
                FeedId(0)
            }
        }
    }

    /// The content the form describes, or the messages of what could not be read. A typed
    /// currency board gets `typed_feed` (the feed its rates are kept in) as its feed.
    pub fn to_kind(
        &self,
        lang: Lang,
        tz: &TimeZone,
        typed_feed: Option<FeedId>,
    ) -> Result<ContentKind, FormErrors> {
        let mut errors = FormErrors::none();
        let kind = match self.kind.as_str() {
            "image" | "video" if self.media.is_empty() => {
                errors.add("media", lang.t("content.err.media"));
                None
            }
            "image" => Some(ContentKind::Image {
                media: media_ref(&self.media),
                fit: if self.fit == "cover" {
                    Fit::Cover
                } else {
                    Fit::Contain
                },
            }),
            "video" => Some(ContentKind::Video {
                media: media_ref(&self.media),
                muted: ticked(&self.muted),
            }),
            "text" => Some(ContentKind::Text {
                title: self.title.clone(),
                body: self.body.clone(),
                lang: self.text_lang(),
            }),
            "ticker" => {
                let speed = self.number("speed", &self.speed, lang, &mut errors);
                let source = if self.source == "feed" {
                    TickerSource::Feed {
                        feed: self.feed_id(lang, &mut errors),
                        max_items: self.number("max_items", &self.max_items, lang, &mut errors),
                    }
                } else {
                    TickerSource::Static {
                        lines: self
                            .lines
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    }
                };
                Some(ContentKind::Ticker {
                    source,
                    speed,
                    lang: self.text_lang(),
                })
            }
            "weather" => Some(ContentKind::Weather {
                feed: self.feed_id(lang, &mut errors),
                lang: self.text_lang(),
            }),
            "currency" => {
                let feed = match typed_feed {
                    Some(feed) => feed,
                    None => self.feed_id(lang, &mut errors),
                };
                Some(ContentKind::CurrencyBoard {
                    feed,
                    symbols: self
                        .symbols
                        .split([' ', ',', '،'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    unit: unit_of(&self.unit),
                })
            }
            "clock" => Some(ContentKind::Clock {
                calendar: match self.calendar.as_str() {
                    "gregorian" => CalendarKind::Gregorian,
                    "solar_hijri" => CalendarKind::SolarHijri,
                    _ => CalendarKind::Both,
                },
                digits: if self.digits == "latin" {
                    DigitStyle::Latin
                } else {
                    DigitStyle::Persian
                },
                show_seconds: ticked(&self.show_seconds),
            }),
            "qr" => {
                let leads_to = match self.leads_to.as_str() {
                    "feedback" => PromoAction::Feedback,
                    "loyalty" => PromoAction::Loyalty,
                    "offer" => PromoAction::Offer(Offer {
                        title: self.offer_title.clone(),
                        limit: self.number("leads_to.limit", &self.offer_limit, lang, &mut errors),
                        valid_days: self.number(
                            "leads_to.valid_days",
                            &self.offer_days,
                            lang,
                            &mut errors,
                        ),
                        starts: self.day(
                            "leads_to.starts",
                            &self.offer_starts,
                            tz,
                            false,
                            lang,
                            &mut errors,
                        ),
                        ends: self.day(
                            "leads_to.ends",
                            &self.offer_ends,
                            tz,
                            true,
                            lang,
                            &mut errors,
                        ),
                    }),
                    _ => PromoAction::Link,
                };
                Some(ContentKind::QrPromo {
                    headline: self.headline.clone(),
                    // The server's own page needs no link; the "https://" a new form starts
                    // with is not one.
                    url: if leads_to.is_link() {
                        self.url.trim().to_owned()
                    } else {
                        String::new()
                    },
                    image: (!self.image.is_empty()).then(|| media_ref(&self.image)),
                    leads_to,
                })
            }
            "reviews" => {
                let min_rating = self.number("min_rating", &self.min_rating, lang, &mut errors);
                Some(ContentKind::Reviews {
                    style: if self.style == "ticker" {
                        ReviewStyle::Ticker
                    } else {
                        ReviewStyle::Slide
                    },
                    min_rating: u8::try_from(min_rating).unwrap_or(0),
                    max_items: self.number("max_items", &self.max_items, lang, &mut errors),
                    own_store: ticked(&self.own_store),
                    lang: self.text_lang(),
                    reviews: Vec::new(),
                })
            }
            _ => {
                errors.form = Some(lang.t("content.err.kind").to_owned());
                None
            }
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(kind),
            _ => Err(errors),
        }
    }

    /// Whether this is a currency board whose rates are typed here.
    pub fn is_typed_currency(&self) -> bool {
        self.kind == "currency" && self.source == "typed"
    }

    /// The typed rates (in the board's unit), or a message on `rates` naming the line.
    pub fn typed_rates(&self, lang: Lang) -> Result<(MoneyUnit, Vec<RateInput>), FormErrors> {
        let mut errors = FormErrors::none();
        let mut rates = Vec::new();
        for (n, line) in self.rates.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.is_empty() {
                continue;
            }
            let value = words.last().and_then(|w| parse_number(w).ok());
            match (words.len(), value) {
                (2.., Some(value)) => rates.push(RateInput {
                    symbol: words[0].to_owned(),
                    label: (words.len() > 2).then(|| words[1..words.len() - 1].join(" ")),
                    value,
                }),
                _ => errors.add(
                    "rates",
                    lang.tf(
                        "content.err.rate_line",
                        &[("line", &lang.num(n as i64 + 1))],
                    ),
                ),
            }
        }
        if rates.is_empty() && errors.is_empty() {
            errors.add("rates", lang.t("content.err.rates"));
        }
        if errors.is_empty() {
            Ok((unit_of(&self.unit), rates))
        } else {
            Err(errors)
        }
    }

    /// How long the item shows in the playlist made for it, in milliseconds.
    pub fn entry_ms(&self, lang: Lang) -> Result<i64, FormErrors> {
        match parse_number(&self.seconds) {
            Ok(s) if (1..=86_400).contains(&s) => Ok(s * 1000),
            _ => {
                let mut errors = FormErrors::none();
                errors.add("seconds", lang.t("content.err.seconds"));
                Err(errors)
            }
        }
    }
}

/// Typed rates as the form shows them again: one line each, values in `unit`.
pub fn rates_text(rates: &[Rate], unit: MoneyUnit) -> String {
    rates
        .iter()
        .map(|r| match &r.label {
            Some(label) => format!("{} {label} {}", r.symbol, r.value_in(unit)),
            None => format!("{} {}", r.symbol, r.value_in(unit)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

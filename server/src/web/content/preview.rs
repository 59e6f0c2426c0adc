//! A preview of a content item as a screen draws it, for a landscape and a portrait screen.
//! Until the browser player exists (its own issue) the server describes the slide in HTML and
//! the browser lays it out: Persian text is shaped and joined by the browser's text engine,
//! the same way the admin's other Persian text is.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use qrcode::{Color, QrCode};
use vitrin_shared::calendar::{self, Digits};
use vitrin_shared::content::{
    CalendarKind, ContentKind, DigitStyle, Fit, Lang as TextLang, Menu, MoneyUnit, TickerSource,
};
use vitrin_shared::feed::{FeedData, FeedSnapshot, TemperatureUnit};

use super::super::i18n::Lang;
use crate::domain::media::Media;

/// One currency row as the board shows it.
pub struct RateRow {
    pub name: String,
    pub value: String,
    /// `up`, `down` or empty.
    pub trend: &'static str,
}

/// A menu item as the board shows it.
pub struct PreviewItem {
    pub name: String,
    pub description: String,
    pub price: String,
    pub sold_out: bool,
    /// The thumbnail's URL, when the item has a picture.
    pub thumbnail: Option<String>,
}

pub struct PreviewCategory {
    pub name: String,
    pub items: Vec<PreviewItem>,
}

/// What the preview template draws; `kind` picks the fields it reads.
#[derive(Default)]
pub struct Preview {
    /// The item's form code (`image`, `ticker`, …).
    pub kind: &'static str,
    /// The direction of the item's own text (a Persian ticker is right-to-left even on an
    /// English admin page).
    pub dir: &'static str,
    /// A picture's (or video's first frame's) URL.
    pub picture: Option<String>,
    /// `contain` or `cover`, as CSS `object-fit`.
    pub fit: &'static str,
    pub title: String,
    /// Text paragraphs, ticker lines, clock lines or weather days.
    pub lines: Vec<String>,
    pub rates: Vec<RateRow>,
    /// An inline SVG of the QR code.
    pub qr_svg: String,
    /// A menu board's categories and items.
    pub menu: Vec<PreviewCategory>,
    /// Said below the slide: a video's length, "no data yet", the link a QR code leads to.
    pub note: Option<String>,
}

fn text_dir(lang: TextLang) -> &'static str {
    match lang {
        TextLang::Fa => "rtl",
        TextLang::En => "ltr",
    }
}

fn unit_name(lang: Lang, unit: MoneyUnit) -> &'static str {
    match unit {
        MoneyUnit::Toman => lang.t("content.unit.toman"),
        MoneyUnit::Rial => lang.t("content.unit.rial"),
    }
}

fn menu_board(menu: &Menu, lang: Lang, media: &[Media]) -> Vec<PreviewCategory> {
    let unit = unit_name(lang, menu.unit);
    menu.categories
        .iter()
        .map(|c| PreviewCategory {
            name: c.name.clone(),
            items: c
                .items
                .iter()
                .map(|i| PreviewItem {
                    name: i.name.clone(),
                    description: i.description.clone(),
                    price: format!("{} {unit}", lang.num(i.price)),
                    sold_out: i.sold_out,
                    thumbnail: i.image.as_ref().and_then(|m| thumbnail(media, &m.sha256)),
                })
                .collect(),
        })
        .collect()
}

fn thumbnail(media: &[Media], sha256: &str) -> Option<String> {
    media
        .iter()
        .find(|m| m.sha256 == sha256)
        .map(|m| format!("/api/v1/media/{}/thumbnail", m.id))
}

/// The preview of `kind`. `feed` is the snapshot of the feed it shows, if any; `qr_url` what a
/// QR code encodes (a screen's tracked link, or the target before there are screens).
pub fn preview(
    kind: &ContentKind,
    lang: Lang,
    tz: &TimeZone,
    media: &[Media],
    feed: Option<&FeedSnapshot>,
    qr_url: &str,
) -> Preview {
    let mut p = Preview {
        kind: super::typed::kind_code(kind),
        dir: lang.dir(),
        fit: "contain",
        ..Preview::default()
    };
    let no_data = || Some(lang.t("content.preview.no_data").to_owned());
    match kind {
        ContentKind::Image { media: m, fit } => {
            p.picture = thumbnail(media, &m.sha256);
            p.fit = if *fit == Fit::Cover {
                "cover"
            } else {
                "contain"
            };
        }
        ContentKind::Video { media: m, .. } => {
            // Videos have no still yet (see `domain::media::thumbnail`): the slide says what
            // plays and for how long.
            let file = media.iter().find(|x| x.sha256 == m.sha256);
            p.title = file.map(|x| x.name.clone()).unwrap_or_default();
            let seconds = file.and_then(|x| x.duration_ms).unwrap_or(0) / 1000;
            p.note = Some(lang.tf(
                "content.preview.video_length",
                &[("seconds", &lang.num(seconds))],
            ));
        }
        ContentKind::Text {
            title,
            body,
            lang: l,
        } => {
            p.dir = text_dir(*l);
            p.title = title.clone();
            p.lines = body.lines().map(str::to_owned).collect();
        }
        ContentKind::Ticker {
            source, lang: l, ..
        } => {
            p.dir = text_dir(*l);
            p.lines = match (source, feed.map(|f| &f.data)) {
                (TickerSource::Static { lines }, _) => lines.clone(),
                (TickerSource::Feed { max_items, .. }, Some(FeedData::News { items })) => items
                    .iter()
                    .take(*max_items as usize)
                    .map(|i| i.title.clone())
                    .collect(),
                _ => Vec::new(),
            };
            if p.lines.is_empty() {
                p.note = no_data();
            }
        }
        ContentKind::Weather { lang: l, .. } => {
            p.dir = text_dir(*l);
            let digits = if *l == TextLang::Fa {
                Digits::Persian
            } else {
                Digits::Latin
            };
            match feed.map(|f| &f.data) {
                Some(FeedData::Weather(w)) => {
                    let degrees = |t: f32| {
                        let unit = match w.unit {
                            TemperatureUnit::Celsius => "°C",
                            TemperatureUnit::Fahrenheit => "°F",
                        };
                        digits.apply(&format!("{}{unit}", t.round() as i64))
                    };
                    let condition = |c: &vitrin_shared::feed::Condition| match l {
                        TextLang::Fa => c.fa.clone(),
                        TextLang::En => c.en.clone(),
                    };
                    p.title = format!(
                        "{} {} · {}",
                        w.place.clone().unwrap_or_default(),
                        degrees(w.current.temperature),
                        condition(&w.current.condition)
                    )
                    .trim()
                    .to_owned();
                    p.lines = w
                        .days
                        .iter()
                        .take(4)
                        .map(|d| {
                            let date = match l {
                                TextLang::Fa => {
                                    calendar::persian_weekday_name(d.date.weekday()).to_owned()
                                }
                                TextLang::En => d.date.strftime("%a").to_string(),
                            };
                            format!(
                                "{date}: {} / {} · {}",
                                degrees(d.max),
                                degrees(d.min),
                                condition(&d.condition)
                            )
                        })
                        .collect();
                }
                _ => p.note = no_data(),
            }
        }
        ContentKind::CurrencyBoard { symbols, unit, .. } => match feed.map(|f| &f.data) {
            Some(FeedData::Currency { rates }) => {
                let unit_name = unit_name(lang, *unit);
                p.rates = rates
                    .iter()
                    .filter(|r| symbols.is_empty() || symbols.contains(&r.symbol))
                    .map(|r| RateRow {
                        name: r.label.clone().unwrap_or_else(|| r.symbol.clone()),
                        value: format!("{} {unit_name}", lang.num(r.value_in(*unit))),
                        trend: match r.change() {
                            Some(c) if c > 0 => "up",
                            Some(c) if c < 0 => "down",
                            _ => "",
                        },
                    })
                    .collect();
                if p.rates.is_empty() {
                    p.note = no_data();
                }
            }
            _ => p.note = no_data(),
        },
        ContentKind::Clock {
            calendar: cal,
            digits,
            show_seconds,
        } => {
            let digits = match digits {
                DigitStyle::Persian => Digits::Persian,
                DigitStyle::Latin => Digits::Latin,
            };
            let now = Timestamp::now().to_zoned(tz.clone());
            let time = if *show_seconds {
                now.strftime("%H:%M:%S").to_string()
            } else {
                now.strftime("%H:%M").to_string()
            };
            p.title = digits.apply(&time);
            let jalali = calendar::format_jalali_long(calendar::to_jalali(now.date()), digits);
            let gregorian = digits.apply(&now.strftime("%-d %B %Y").to_string());
            p.lines = match cal {
                CalendarKind::SolarHijri => vec![jalali],
                CalendarKind::Gregorian => vec![gregorian],
                CalendarKind::Both => vec![jalali, gregorian],
            };
            p.dir = if digits == Digits::Persian {
                "rtl"
            } else {
                "ltr"
            };
        }
        ContentKind::QrPromo {
            headline, image, ..
        } => {
            p.title = headline.clone();
            p.qr_svg = qr_svg(qr_url);
            p.picture = image.as_ref().and_then(|m| thumbnail(media, &m.sha256));
            p.note = Some(qr_url.to_owned());
        }
        ContentKind::MenuBoard { menu } => {
            p.title = menu.title.clone();
            p.menu = menu_board(menu, lang, media);
        }
        ContentKind::Reviews {
            lang: text_lang, ..
        } => {
            // Reviews are filled in per screen; the preview names what it shows.
            p.title = lang.t("content.kind.reviews").to_owned();
            p.note = Some(lang.t("content.reviews_note").to_owned());
            p.dir = if *text_lang == TextLang::En {
                "ltr"
            } else {
                "rtl"
            };
        }
    }
    p
}

/// The QR code of `text` as an SVG, one path of dark modules with the standard quiet zone.
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..width {
        for x in 0..width {
            if colors[y * width + x] == Color::Dark {
                path.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let size = width + 8;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"{size}\" height=\"{size}\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_reads_back_as_its_text() {
        let text = "https://cafe.example/q/1-2-abcd";
        let svg = qr_svg(text);
        let code = QrCode::new(text.as_bytes()).unwrap();
        let size = code.width() + 8;
        assert!(
            svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")),
            "{svg}"
        );
        // Every dark module is one square of the path, and nothing else is.
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        assert_eq!(svg.matches("h1v1h-1z").count(), dark);
    }

    #[test]
    fn a_clock_shows_both_calendars_in_persian_digits() {
        let kind = ContentKind::Clock {
            calendar: CalendarKind::Both,
            digits: DigitStyle::Persian,
            show_seconds: false,
        };
        let tz = TimeZone::get("Asia/Tehran").unwrap();
        let p = preview(&kind, Lang::En, &tz, &[], None, "");
        assert_eq!(p.lines.len(), 2);
        assert!(
            p.title
                .chars()
                .all(|c| c == ':' || ('۰'..='۹').contains(&c)),
            "{}",
            p.title
        );
        assert_eq!(p.dir, "rtl");
    }
}

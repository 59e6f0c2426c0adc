//! News feeds into ticker items: RSS 2.0 and RSS 1.0/RDF (the `rss` crate reads both) and
//! Atom (`atom_syndication`). Text becomes plain (HTML stripped, entities decoded), items are
//! deduplicated by id, link and title, sorted newest first and the newest N kept.

use std::collections::HashSet;

use atom_syndication::TextType;
use jiff::Timestamp;
use vitrin_shared::calendar::normalize_persian_text;
use vitrin_shared::feed::NewsItem;

use super::{Expect, expect_type, text};

/// Longest title kept, in characters; tickers are one line.
const MAX_TITLE: usize = 300;
/// Longest summary kept, in characters.
const MAX_SUMMARY: usize = 400;

/// One item as read, before deduplication.
struct Raw {
    /// guid / id / link: what identifies the item in its feed.
    key: Option<String>,
    item: NewsItem,
}

/// Reads a fetched news document. Errors are sentences for the person who set the source up.
///
/// The `Content-Type` must allow XML (`expect_type`), with one exception seen in the wild: a
/// feed served as `text/html` is read when the document really is RSS or Atom; a web page is not.
pub fn parse(
    body: &[u8],
    content_type: Option<&str>,
    max_items: usize,
) -> Result<Vec<NewsItem>, String> {
    let typed = expect_type(content_type, Expect::Xml);
    let document = text::decode(body, content_type, true);
    let root = root_element(&document);
    if let Err(wrong_type) = typed {
        let html = content_type.is_some_and(|t| text::media_type(t) == "text/html");
        if !(html && root.is_some_and(is_feed_root)) {
            return Err(wrong_type);
        }
    }
    let raw = match root {
        None => return Err("the answer is empty or not XML".into()),
        Some(root) if is_atom_root(root) => read_atom(&document)?,
        Some(root) if is_feed_root(root) => read_rss(&document)?,
        Some(root) if root.eq_ignore_ascii_case("html") => {
            return Err("the answer is a web page (HTML), not an RSS or Atom feed".into());
        }
        Some(root) => {
            return Err(format!(
                "the answer is XML but not an RSS or Atom feed (it starts with <{root}>)"
            ));
        }
    };
    let items = finish(raw, max_items);
    if items.is_empty() {
        return Err("the feed has no items with a title".into());
    }
    Ok(items)
}

/// `<rss>` (RSS 0.9x/2.0), `<rdf:RDF>` (RSS 1.0) or `<feed>` (Atom).
fn is_feed_root(root: &str) -> bool {
    root == "rss" || root == "rdf:RDF" || root.ends_with(":RDF") || is_atom_root(root)
}

fn is_atom_root(root: &str) -> bool {
    root == "feed" || root.ends_with(":feed")
}

/// The name of the first element, after the declaration, comments and a doctype.
fn root_element(document: &str) -> Option<&str> {
    let mut rest = document.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return Some(&after[..end]).filter(|name| !name.is_empty());
        } else {
            return None;
        }
    }
}

fn invalid(e: impl std::fmt::Display) -> String {
    format!("the feed is not valid XML: {e}")
}

fn read_rss(document: &str) -> Result<Vec<Raw>, String> {
    let channel = rss::Channel::read_from(document.as_bytes()).map_err(|e| match e {
        rss::Error::Eof => "the feed ends before its channel is complete".to_owned(),
        other => invalid(other),
    })?;
    Ok(channel
        .items()
        .iter()
        .map(|item| {
            let published = item.pub_date().and_then(parse_date).or_else(|| {
                item.dublin_core_ext()
                    .and_then(|dc| dc.dates().iter().find_map(|d| parse_date(d)))
            });
            let summary = item.description().or(item.content());
            Raw {
                key: item
                    .guid()
                    .map(|g| g.value().to_owned())
                    .or_else(|| item.link().map(str::to_owned)),
                item: news_item(
                    item.title().map(text::plain_text),
                    summary.map(text::plain_text),
                    published,
                ),
            }
        })
        .collect())
}

fn read_atom(document: &str) -> Result<Vec<Raw>, String> {
    let feed = atom_syndication::Feed::read_from(document.as_bytes()).map_err(|e| match e {
        atom_syndication::Error::Eof => "the feed ends before it is complete".to_owned(),
        atom_syndication::Error::WrongDatetime(value) => {
            format!("the feed has a date that cannot be read: {value}")
        }
        other => invalid(other),
    })?;
    Ok(feed
        .entries()
        .iter()
        .map(|entry| {
            let when = entry.published().unwrap_or(entry.updated());
            let published = Timestamp::from_millisecond(when.timestamp_millis()).ok();
            let summary = entry.summary().map(atom_text).or_else(|| {
                entry
                    .content()
                    .and_then(|c| c.value())
                    .map(text::plain_text)
            });
            let key = Some(entry.id().to_owned())
                .filter(|id| !id.is_empty())
                .or_else(|| entry.links().first().map(|l| l.href().to_owned()));
            Raw {
                key,
                item: news_item(Some(atom_text(entry.title())), summary, published),
            }
        })
        .collect())
}

/// An Atom text construct as plain text: only `html` and `xhtml` carry markup.
fn atom_text(t: &atom_syndication::Text) -> String {
    match t.r#type {
        TextType::Text => text::collapse_whitespace(&t.value),
        TextType::Html | TextType::Xhtml => text::plain_text(&t.value),
    }
}

/// One item from its decoded plain texts: the one place feed text is normalised (Arabic ي/ك
/// as Persian ی/ک, as typed text is), before duplicates are compared and items stored.
fn news_item(
    title: Option<String>,
    summary: Option<String>,
    published: Option<Timestamp>,
) -> NewsItem {
    let persian = |text: String| normalize_persian_text(&text);
    let summary = summary.map(persian).filter(|s| !s.is_empty());
    let title = match title.map(persian).filter(|t| !t.is_empty()) {
        Some(title) => title,
        // An untitled item (allowed in RSS) is shown by the start of its text.
        None => summary
            .as_deref()
            .map(|s| text::shorten(s, 120))
            .unwrap_or_default(),
    };
    let summary = summary
        .filter(|s| *s != title)
        .map(|s| text::shorten(&s, MAX_SUMMARY));
    NewsItem {
        title: text::shorten(&title, MAX_TITLE),
        published,
        summary,
    }
}

/// Newest first (undated items after dated ones, in feed order), without duplicates (same id
/// or link, or the same title written differently), at most `max`.
fn finish(mut raw: Vec<Raw>, max: usize) -> Vec<NewsItem> {
    raw.sort_by_key(|r| std::cmp::Reverse(r.item.published));
    let mut keys = HashSet::new();
    let mut titles = HashSet::new();
    raw.into_iter()
        .filter(|r| !r.item.title.is_empty())
        .filter(|r| {
            let title = r.item.title.to_lowercase();
            let new_key = r.key.as_ref().is_none_or(|k| keys.insert(k.clone()));
            titles.insert(title) && new_key
        })
        .map(|r| r.item)
        .take(max)
        .collect()
}

/// A date as feeds write it: RFC 2822 (RSS `pubDate`, often with a wrong weekday or an
/// obsolete zone name) or RFC 3339 / ISO 8601 (`dc:date`, Atom). Unreadable dates are `None`.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(text) {
        return Some(zoned.timestamp());
    }
    // A weekday that does not match the date is common: drop it and try again.
    let without_weekday = text.split_once(',').map_or(text, |(_, rest)| rest.trim());
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(without_weekday) {
        return Some(zoned.timestamp());
    }
    // A date and time without an offset: taken as UTC.
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn dates_in_the_forms_feeds_use() {
        let at = Some(ts("2026-03-21T05:00:00Z"));
        assert_eq!(parse_date("Sat, 21 Mar 2026 08:30:00 +0330"), at);
        assert_eq!(parse_date("Sat, 21 Mar 2026 05:00:00 GMT"), at);
        assert_eq!(parse_date("21 Mar 2026 05:00:00 +0000"), at);
        // Wrong weekday.
        assert_eq!(parse_date("Mon, 21 Mar 2026 05:00:00 GMT"), at);
        assert_eq!(parse_date("2026-03-21T08:30:00+03:30"), at);
        assert_eq!(parse_date(" 2026-03-21T05:00:00Z "), at);
        assert_eq!(parse_date("2026-03-21T05:00:00"), at);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn the_root_element_is_found_after_the_prolog() {
        assert_eq!(
            root_element(
                "\u{feff}<?xml version=\"1.0\"?>\n<!-- x --><!DOCTYPE rss><rss version=\"2.0\">"
            ),
            Some("rss")
        );
        assert_eq!(root_element("<rdf:RDF xmlns:rdf=\"x\">"), Some("rdf:RDF"));
        assert_eq!(root_element("<feed/>"), Some("feed"));
        assert_eq!(root_element("hello"), None);
        assert_eq!(root_element(""), None);
    }

    fn raw(key: Option<&str>, title: &str, published: Option<&str>) -> Raw {
        Raw {
            key: key.map(str::to_owned),
            item: NewsItem {
                title: title.into(),
                published: published.map(ts),
                summary: None,
            },
        }
    }

    #[test]
    fn items_are_deduplicated_sorted_and_trimmed() {
        let items = finish(
            vec![
                raw(Some("a"), "Old", Some("2026-03-20T10:00:00Z")),
                raw(None, "Undated", None),
                raw(Some("b"), "Newest", Some("2026-03-21T10:00:00Z")),
                raw(
                    Some("b"),
                    "Newest (updated copy)",
                    Some("2026-03-21T09:00:00Z"),
                ),
                raw(Some("c"), "newest", Some("2026-03-19T10:00:00Z")),
                raw(Some("d"), "Middle", Some("2026-03-20T12:00:00Z")),
                raw(Some("e"), "", Some("2026-03-22T12:00:00Z")),
            ],
            10,
        );
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Newest", "Middle", "Old", "Undated"]);
        let two = finish(
            vec![
                raw(None, "x", None),
                raw(None, "y", None),
                raw(None, "z", None),
            ],
            2,
        );
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].title, "x");
    }

    #[test]
    fn items_are_written_with_persian_letters() {
        let item = news_item(Some("قيمت كالا".into()), Some("ارزان شد، يك".into()), None);
        assert_eq!(item.title, "قیمت کالا");
        assert_eq!(item.summary.as_deref(), Some("ارزان شد، یک"));
        // The same headline written either way is one item.
        let items = finish(
            vec![
                Raw {
                    key: Some("a".into()),
                    item: news_item(Some("خبر يك".into()), None, None),
                },
                Raw {
                    key: Some("b".into()),
                    item: news_item(Some("خبر یک".into()), None, None),
                },
            ],
            10,
        );
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn an_untitled_item_is_named_by_its_text() {
        let item = news_item(None, Some("A long description of the day".into()), None);
        assert_eq!(item.title, "A long description of the day");
        assert_eq!(item.summary, None);
    }
}

//! Text from feeds: bytes in whatever charset the source speaks to UTF-8, and HTML to the plain
//! one-line text a ticker shows.
//!
//! Charsets are read the way RFC 7303 asks for XML: a byte-order mark first, then the charset
//! of the `Content-Type` header, then the XML declaration, then UTF-8. Persian sites still serve
//! Windows-1256 and sometimes claim UTF-8 for it, so bytes that are not UTF-8 after all are read
//! as the encoding the XML declaration names, or else as Windows-1256.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1256};

/// The `charset` parameter of a `Content-Type` value (`text/xml; charset="windows-1256"`).
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The media type of a `Content-Type` value, lower-case and without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start of `bytes`.
fn xml_declared_label(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(512)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let rest = &decl[decl.find("encoding")? + "encoding".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

/// Which encoding `bytes` are in, and how many leading bytes (a byte-order mark) to skip.
fn detect(bytes: &[u8], content_type: Option<&str>, xml: bool) -> (&'static Encoding, usize) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return (encoding, bom);
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| {
            xml.then(|| xml_declared_label(bytes))
                .flatten()
                .and_then(|label| Encoding::for_label(label.as_bytes()))
        });
    (declared.unwrap_or(UTF_8), 0)
}

/// A fetched document as text. `xml`: also honour the XML declaration, and rewrite it so that
/// an XML parser reading the (now UTF-8) text does not decode it a second time.
pub fn decode(bytes: &[u8], content_type: Option<&str>, xml: bool) -> String {
    let (encoding, skip) = detect(bytes, content_type, xml);
    let body = &bytes[skip..];
    let (mut text, _, had_errors) = encoding.decode(body);
    if had_errors && encoding == UTF_8 {
        // "UTF-8" that is not: the XML declaration's word, or the Persian legacy charset.
        let fallback = xml
            .then(|| xml_declared_label(body))
            .flatten()
            .and_then(|label| Encoding::for_label(label.as_bytes()))
            .filter(|e| *e != UTF_8)
            .unwrap_or(WINDOWS_1256);
        text = fallback.decode_without_bom_handling(body).0;
    }
    let text = text.into_owned();
    if xml {
        rewrite_xml_declaration(text)
    } else {
        text
    }
}

/// Replaces a leading XML declaration with one that names UTF-8, which the text now is.
fn rewrite_xml_declaration(text: String) -> String {
    let trimmed = text.trim_start();
    if trimmed.starts_with("<?xml")
        && let Some(end) = trimmed.find("?>")
    {
        let offset = text.len() - trimmed.len();
        let mut out = String::with_capacity(text.len());
        out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        out.push_str(&text[offset + end + 2..]);
        return out;
    }
    text
}

/// Elements after which a line (or cell) ends: they become a space, so words do not run together.
const BREAKING: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "hr",
    "dd",
    "dt",
    "pre",
    "figure",
    "figcaption",
    "img",
];

/// Elements whose content is never text to show.
const HIDDEN: &[&str] = &[
    "script", "style", "head", "title", "noscript", "iframe", "object",
];

/// HTML (or plain text) as one line of plain text: tags removed, entities decoded (the full
/// HTML5 table), whitespace collapsed. Persian zero-width non-joiners stay.
pub fn plain_text(html: &str) -> String {
    let mut text = html_escape::decode_html_entities(&strip_tags(html)).into_owned();
    // Descriptions escaped twice (`&lt;p&gt;`) still hold tags after one round.
    if has_tags(&text) {
        text = html_escape::decode_html_entities(&strip_tags(&text)).into_owned();
    }
    collapse_whitespace(&text)
}

/// Whitespace runs (spaces, tabs, line breaks, no-break spaces) become one space; control
/// characters and stray byte-order marks go; the ends are trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else if c.is_control() || c == '\u{feff}' {
            continue;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// At most `max` characters, cut at a word boundary when there is one, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', '،', '.', ';', ':']))
}

fn is_tag_start(next: Option<char>) -> bool {
    matches!(next, Some(c) if c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
}

fn has_tags(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' && is_tag_start(chars.peek().copied()) {
            return chars.any(|c| c == '>');
        }
    }
    false
}

/// Removes tags, comments and hidden elements (`<script>`, `<style>`); a `<` that starts no
/// tag ("a < b") stays as text.
fn strip_tags(html: &str) -> Cow<'_, str> {
    if !html.contains('<') {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if !is_tag_start(after.chars().next()) {
            out.push('<');
            rest = after;
            continue;
        }
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = tag_end(after) else {
            // An unclosed tag at the end: drop it.
            rest = "";
            break;
        };
        let tag = &after[..end];
        rest = &after[end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BREAKING.contains(&name.as_str()) {
            out.push(' ');
        }
        if !tag.starts_with('/') && !tag.ends_with('/') && HIDDEN.contains(&name.as_str()) {
            let close = format!("</{name}");
            rest = find_ignore_case(rest, &close)
                .and_then(|at| rest[at..].find('>').map(|gt| &rest[at + gt + 1..]))
                .unwrap_or("");
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let lower = haystack.to_ascii_lowercase();
    lower.find(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_one_line_of_text() {
        assert_eq!(
            plain_text("<p>Tehran&nbsp;stocks <b>rise</b></p><p>Second&#160;para&hellip;</p>"),
            "Tehran stocks rise Second para…"
        );
        assert_eq!(
            plain_text(
                "line one<br/>line\n\n\ttwo &amp; &quot;three&quot; &#x2014; &#8220;x&#8221;"
            ),
            "line one line two & \"three\" — “x”"
        );
        assert_eq!(
            plain_text("<script>alert('<p>')</script><style>p{}</style>Kept <!-- hidden -->text"),
            "Kept text"
        );
        // A "<" that is no tag is text.
        assert_eq!(plain_text("3 < 5 and 7 > 2"), "3 < 5 and 7 > 2");
        assert_eq!(plain_text("a <img src=\"x>y.png\" alt='>'> b"), "a b");
        // Escaped twice: the second round removes the tags.
        assert_eq!(
            plain_text("&lt;p&gt;Hello &amp;amp; bye&lt;/p&gt;"),
            "Hello & bye"
        );
    }

    #[test]
    fn persian_text_keeps_its_zero_width_non_joiners() {
        assert_eq!(
            plain_text("<p>می&zwnj;خواهم   &laquo;خبر&raquo;</p>"),
            "می\u{200c}خواهم «خبر»"
        );
        assert_eq!(plain_text("&#1740;&#1705;"), "یک");
    }

    #[test]
    fn whitespace_and_control_characters_are_normalised() {
        assert_eq!(
            collapse_whitespace("\u{feff}  a\u{a0}\u{a0}b\r\n\u{2003}c\u{0}d  "),
            "a b cd"
        );
    }

    #[test]
    fn shortening_cuts_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("abcdefghijklmnop", 6), "abcde…");
    }

    #[test]
    fn charsets_come_from_bom_header_declaration_in_that_order() {
        let (persian, _, _) = WINDOWS_1256.encode("سلام");
        let mut doc = br#"<?xml version="1.0" encoding="windows-1256"?><t>"#.to_vec();
        doc.extend_from_slice(&persian);
        doc.extend_from_slice(b"</t>");
        // The declaration alone.
        let text = decode(&doc, Some("application/rss+xml"), true);
        assert_eq!(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>سلام</t>");
        // The header wins over the declaration.
        let mut plain = b"<t>".to_vec();
        plain.extend_from_slice(&persian);
        plain.extend_from_slice(b"</t>");
        assert_eq!(
            decode(&plain, Some("text/xml; charset=\"Windows-1256\""), true),
            "<t>سلام</t>"
        );
        // Claimed UTF-8, but it is not: the declaration is believed.
        assert!(decode(&doc, Some("text/xml; charset=utf-8"), true).contains("سلام"));
        // Nothing declared and not UTF-8: the Persian legacy charset.
        assert_eq!(decode(&plain, None, true), "<t>سلام</t>");
        // A UTF-8 byte-order mark beats a wrong header.
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("<t>سلام</t>".as_bytes());
        assert_eq!(
            decode(&bom, Some("text/xml; charset=windows-1256"), true),
            "<t>سلام</t>"
        );
        // Plain UTF-8.
        assert_eq!(
            decode("{\"a\":\"ب\"}".as_bytes(), None, false),
            "{\"a\":\"ب\"}"
        );
    }

    #[test]
    fn content_type_parts() {
        assert_eq!(
            charset_param("text/xml; Charset='windows-1256'"),
            Some("windows-1256")
        );
        assert_eq!(charset_param("text/xml"), None);
        assert_eq!(
            media_type(" Application/RSS+XML ; charset=utf-8"),
            "application/rss+xml"
        );
    }
}

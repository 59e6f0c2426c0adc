//! Tracked links of QR promos: each promo on each screen gets its own short code, so a scan
//! tells which screen (and so which store and daypart) brought the customer. Pure: the
//! manifest builder rewrites promos with them, the `/q/{code}` handler (`crate::promo`)
//! counts the scans.

use sha2::{Digest, Sha256};
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::ids::{ContentId, ScreenId};

use crate::config::Config;

/// The base that tracked links start with: the public URL, else the address the server binds.
pub fn public_base(config: &Config) -> String {
    match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", config.bind),
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

fn check(content: i64, screen: i64) -> String {
    let digest = Sha256::digest(format!("vitrin-qr:{content}:{screen}"));
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{:0>4}", base36(u64::from(n % 36u32.pow(4))))
}

/// The code of a promo shown on a screen, e.g. `1a-3-k2x9`.
pub fn code(content: ContentId, screen: ScreenId) -> String {
    let (c, s) = (content.0.max(0), screen.0.max(0));
    format!("{}-{}-{}", base36(c as u64), base36(s as u64), check(c, s))
}

/// The (promo, screen) of a well-formed code; `None` for anything else.
pub fn parse_code(code: &str) -> Option<(ContentId, ScreenId)> {
    if code.len() > 40 {
        return None;
    }
    let mut parts = code.split('-');
    let (c, s, k) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || c.is_empty() || s.is_empty() {
        return None;
    }
    let lower = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    if !lower(c) || !lower(s) {
        return None;
    }
    let c = i64::from_str_radix(c, 36).ok()?;
    let s = i64::from_str_radix(s, 36).ok()?;
    (check(c, s) == k).then_some((ContentId(c), ScreenId(s)))
}

/// The tracked link of a promo on a screen.
pub fn tracked_url(base: &str, content: ContentId, screen: ScreenId) -> String {
    format!("{base}/q/{}", code(content, screen))
}

/// Rewrites the QR promos of a screen's manifest content to their tracked links.
pub fn track(content: &mut [ContentItem], base: &str, screen: ScreenId) {
    for item in content {
        if let ContentKind::QrPromo { url, .. } = &mut item.kind {
            *url = tracked_url(base, item.id, screen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_tampering() {
        for (c, s) in [(1, 1), (42, 7), (123_456, 999_999)] {
            let code = code(ContentId(c), ScreenId(s));
            assert_eq!(
                parse_code(&code),
                Some((ContentId(c), ScreenId(s))),
                "{code}"
            );
        }
        let good = code(ContentId(5), ScreenId(6));
        let bad = good.replacen("5-", "4-", 1);
        assert_eq!(parse_code(&bad), None);
        assert_eq!(parse_code("nope"), None);
        assert_eq!(parse_code("A-1-0000"), None);
    }
}

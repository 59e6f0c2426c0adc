//! The codes customers carry to the counter: offer codes (8 characters) and loyalty card codes
//! (10), in Crockford's base32 so that a cashier can type them from a phone screen without
//! confusing 0/O or 1/I/L. Only a hash is stored; what a cashier types is normalised first
//! (case, dashes, spaces, look-alike letters, Persian and Arabic-Indic digits), so every
//! spelling of a code finds the same row.

use sha2::{Digest, Sha256};
use vitrin_shared::calendar::normalize_digits;

use crate::auth::token;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of an offer code: 40 random bits.
pub const OFFER_LEN: usize = 8;
/// Characters of a loyalty card's code: 50 random bits (it lives as long as the card).
pub const CARD_LEN: usize = 10;

/// `len` random characters, shown in groups of four: `K7M2-9QXD`.
pub fn random(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let raw: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    grouped(&raw)
}

/// The card code the counter scans, derived from the card's secret token so that only the
/// token's hash needs storing; a new token (the card moved to a new phone) makes a new code.
pub fn card_code(card_token: &str) -> String {
    let digest = Sha256::digest(format!("vitrin-card-code:{card_token}"));
    let raw: String = digest
        .iter()
        .take(CARD_LEN)
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    grouped(&raw)
}

fn grouped(raw: &str) -> String {
    raw.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a typed code, or `None` when it cannot be one.
pub fn normalize(typed: &str) -> Option<String> {
    let digits = normalize_digits(typed);
    let mut out = String::new();
    for c in digits.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '\u{200c}' | '_' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    matches!(out.len(), OFFER_LEN | CARD_LEN).then_some(out)
}

/// What the database keeps of a code.
pub fn hash(typed: &str) -> Option<String> {
    normalize(typed).map(|code| token::hash(&format!("vitrin-code:{code}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_code_finds_the_same_hash() {
        let code = random(OFFER_LEN);
        assert_eq!(code.len(), OFFER_LEN + 1);
        let lower = code.to_lowercase().replace('-', " ");
        assert_eq!(hash(&code), hash(&lower));
        assert_eq!(hash("K7M2-9QXD"), hash("k7m29qxd"));
        // Look-alikes and Persian digits.
        assert_eq!(hash("10ab-cdef"), hash("lOAB-CDEF"));
        assert_eq!(hash("۱۲۳۴-۵۶۷۸"), hash("1234-5678"));
        assert_eq!(hash("K7M2-9QX"), None, "too short");
        assert_eq!(hash("K7M2-9QX!"), None);
        assert_ne!(random(OFFER_LEN), random(OFFER_LEN));
        let card = card_code("vc_secret");
        assert_eq!(card.len(), CARD_LEN + 2);
        assert_eq!(card, card_code("vc_secret"));
        assert!(hash(&card).is_some());
    }
}

//! Input hygiene: what people type and integrations send, brought into the one form it is
//! stored in, and refused (with a field error) when it holds what must never be stored.
//!
//! Applied once, where input enters: library documents by [`Accept::accept`] (the server's
//! one save path, which the API, the admin's forms, the emergency button and the demo all go
//! through), the server's other inputs (stores, screens, users, feeds) in their handlers, and
//! feed items right after decoding. Never to documents read back from storage: what an older
//! version stored must keep loading, so these checks are not part of [`Validate`], which the
//! player's engine also runs on every rule it receives.
//!
//! Customer-facing text is every text a screen or an admin page shows as written: names,
//! titles, bodies, menu titles, categories, items and descriptions, ticker lines, QR headlines,
//! emergency messages, places and labels. URLs, e-mail addresses, passwords, identifiers
//! (currency symbols, tags, cron lines) are left exactly as given.

use crate::calendar::normalize_persian_text;
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A document as it arrives, before it is stored.
pub trait Accept: Validate {
    /// Brings every customer-facing text into its stored form ([`normalize_line`],
    /// [`normalize_block`]). Running it twice changes nothing more.
    fn normalize(&mut self);

    /// What new input must also pass, beyond [`Validate::validate`]: no control characters in
    /// text ([`check_line`], [`check_block`]), no cron line that will never fire again. `now`
    /// is the moment of the request.
    fn check_new(&self, now: Timestamp, errors: &mut ValidationErrors);

    /// Normalises, then reports every problem `validate` and `check_new` find. The one call an
    /// entry path makes, so no path can store text in another form.
    fn accept(&mut self, now: Timestamp) -> Result<(), ValidationErrors> {
        self.normalize();
        let mut errors = self.validate().err().unwrap_or_default();
        self.check_new(now, &mut errors);
        errors.into_result()
    }
}

/// One line of text (a name, a title, a ticker line): trimmed, Arabic ي/ى/ك as Persian ی/ک.
pub fn normalize_line(text: &mut String) {
    let normalized = normalize_persian_text(text.trim());
    if *text != normalized {
        *text = normalized;
    }
}

/// Text that may span lines (a slide's body, a description): Persian letters as for a line;
/// line breaks and indentation are the writer's, so nothing is trimmed.
pub fn normalize_block(text: &mut String) {
    if text.contains(['ي', 'ى', 'ك']) {
        *text = normalize_persian_text(text);
    }
}

/// A line of text of a form that is not a library document (a store's address, a user's
/// name): normalised in place, then checked, in the one call its handler makes.
pub fn accept_line(field: &str, text: &mut String, errors: &mut ValidationErrors) {
    normalize_line(text);
    check_line(field, text, errors);
}

/// Refuses control characters in one line of text: C0 and C1 controls (NUL, line breaks,
/// escape sequences…) and the directional formatting characters ([`is_bidi_control`]).
pub fn check_line(field: &str, text: &str, errors: &mut ValidationErrors) {
    check(field, text, |_| false, errors);
}

/// As [`check_line`], but line breaks and tabs are part of a multi-line text.
pub fn check_block(field: &str, text: &str, errors: &mut ValidationErrors) {
    check(field, text, |c| matches!(c, '\n' | '\r' | '\t'), errors);
}

fn check(field: &str, text: &str, allowed: fn(char) -> bool, errors: &mut ValidationErrors) {
    let refused = text
        .chars()
        .find(|&c| (c.is_control() || is_bidi_control(c)) && !allowed(c));
    if let Some(c) = refused {
        errors.add(
            field,
            "control_character",
            format!(
                "remove the invisible control character U+{:04X}{}",
                u32::from(c),
                if is_bidi_control(c) {
                    " (it changes the direction of the text after it)"
                } else {
                    ""
                }
            ),
        );
    }
}

/// The bidi embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
/// They are invisible and stateful: one left open reverses or reorders everything shown after
/// it (a name that reads differently from what it is, the "Trojan Source" trick), in lists,
/// logs and on screens. Nobody types them on purpose.
///
/// Kept, because Persian needs them and they cannot leak past their neighbours: the
/// zero-width non-joiner (U+200C, which every Persian keyboard types: «می‌خواهم»), the
/// zero-width joiner (U+200D), and the marks LRM, RLM and ALM (U+200E, U+200F, U+061C),
/// which only settle the direction of the characters next to them and are the standard way
/// to keep a number or a Latin word in place inside Persian text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The canonical IANA name of a timezone given in any ASCII case (`asia/tehran` is
/// `Asia/Tehran`, `utc` is `UTC`), so that one zone is stored under one name. `None` for
/// names the tz database does not know, and for `Etc/Unknown`, which is a placeholder, not a
/// place.
pub fn canonical_timezone(name: &str) -> Option<String> {
    let tz = TimeZone::get(name.trim()).ok()?;
    if tz.is_unknown() {
        return None;
    }
    tz.iana_name().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> String {
        let mut s = s.to_owned();
        normalize_line(&mut s);
        s
    }

    fn codes(check: fn(&str, &str, &mut ValidationErrors), text: &str) -> Vec<String> {
        let mut errors = ValidationErrors::new();
        check("name", text, &mut errors);
        errors.errors.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn lines_are_trimmed_and_written_with_persian_letters() {
        assert_eq!(line("  كافه علي "), "کافه علی");
        assert_eq!(line("موسى"), "موسی");
        // Latin text, digits and the zero-width non-joiner are left alone.
        assert_eq!(line("Café 1 می\u{200c}خواهم"), "Café 1 می\u{200c}خواهم");
        let mut block = "  يك\n  دو ".to_owned();
        normalize_block(&mut block);
        assert_eq!(block, "  یک\n  دو ");
    }

    #[test]
    fn control_and_bidi_characters_are_refused() {
        for bad in [
            "a\u{0}b",
            "a\nb",
            "a\u{1b}[2J",
            "a\u{85}b",
            "a\u{202e}b",
            "a\u{2067}b",
            "\u{202a}",
        ] {
            assert_eq!(codes(check_line, bad), ["control_character"], "{bad:?}");
        }
        for good in [
            "کافه",
            "می\u{200c}خواهم",
            "emoji \u{200d}",
            "قیمت ۱۰ USD\u{200f}",
            "\u{200e}\u{061c}",
        ] {
            assert!(codes(check_line, good).is_empty(), "{good:?}");
        }
        // A body keeps its line breaks and tabs, but not the rest.
        assert!(codes(check_block, "یک\r\nدو\tسه").is_empty());
        assert_eq!(codes(check_block, "a\u{0}"), ["control_character"]);
        assert_eq!(codes(check_block, "a\u{2066}b"), ["control_character"]);
    }

    #[test]
    fn the_message_names_the_character() {
        let mut errors = ValidationErrors::new();
        check_line("name", "x\u{202e}y", &mut errors);
        assert!(
            errors.errors[0].message.contains("U+202E"),
            "{}",
            errors.errors[0].message
        );
    }

    #[test]
    fn timezones_are_stored_under_their_canonical_name() {
        assert_eq!(
            canonical_timezone("asia/tehran").as_deref(),
            Some("Asia/Tehran")
        );
        assert_eq!(
            canonical_timezone("ASIA/TEHRAN ").as_deref(),
            Some("Asia/Tehran")
        );
        assert_eq!(
            canonical_timezone("Asia/Tehran").as_deref(),
            Some("Asia/Tehran")
        );
        assert_eq!(
            canonical_timezone("america/new_york").as_deref(),
            Some("America/New_York")
        );
        assert_eq!(canonical_timezone("utc").as_deref(), Some("UTC"));
        for unknown in [
            "Mars/Olympus",
            "",
            "Etc/Unknown",
            "+03:30",
            "Asia/Tehran\u{0}",
        ] {
            assert_eq!(canonical_timezone(unknown), None, "{unknown:?}");
        }
    }
}

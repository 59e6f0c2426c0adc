//! Currency rates: read from any JSON document with one JSON pointer (RFC 6901) per symbol, or
//! typed in by the owner. Values are stored in Rial whatever unit the source reports in, and
//! each rate remembers the value it had before its last change.

use jiff::Timestamp;
use serde_json::Value;
use vitrin_shared::content::MoneyUnit;
use vitrin_shared::feed::Rate;

use super::{CurrencySymbol, Expect, expect_type, text};

/// Reads the rates the symbols point at. One pointer that finds nothing, or finds no
/// positive number, fails the whole answer: a board is never half updated.
pub fn extract(
    body: &[u8],
    content_type: Option<&str>,
    symbols: &[CurrencySymbol],
) -> Result<Vec<Rate>, String> {
    expect_type(content_type, Expect::Json)?;
    let document = text::decode(body, content_type, false);
    let json: Value = serde_json::from_str(&document)
        .map_err(|e| format!("the answer is not valid JSON: {e}"))?;
    symbols
        .iter()
        .map(|s| {
            let found = json.pointer(&s.pointer).ok_or_else(|| {
                format!(
                    "the pointer {} of {} finds nothing in the answer",
                    s.pointer, s.symbol
                )
            })?;
            let amount = amount(found).ok_or_else(|| {
                format!(
                    "the pointer {} of {} finds {}, not a positive number",
                    s.pointer,
                    s.symbol,
                    describe(found)
                )
            })?;
            Ok(Rate {
                symbol: s.symbol.clone(),
                label: s.label.clone(),
                value: rial(amount, s.unit),
                previous: None,
                changed_at: None,
            })
        })
        .collect()
}

/// An amount in `unit` as whole Rial.
pub fn rial(amount: f64, unit: MoneyUnit) -> i64 {
    match unit {
        MoneyUnit::Rial => amount.round() as i64,
        MoneyUnit::Toman => (amount * 10.0).round() as i64,
    }
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// A positive number, from a JSON number or a numeric string as Iranian sites write them:
/// Persian or Arabic-Indic digits, thousands separators (`,` `٬` `'` spaces), `٫` or `.` for
/// decimals.
pub fn amount(value: &Value) -> Option<f64> {
    let number = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => parse_number(s)?,
        _ => return None,
    };
    (number.is_finite() && number > 0.0 && number < 1e17).then_some(number)
}

fn parse_number(text: &str) -> Option<f64> {
    let mut plain = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '0'..='9' | '.' | '-' | '+' => plain.push(c),
            '۰'..='۹' => plain.push(char::from(b'0' + (c as u32 - '۰' as u32) as u8)),
            '٠'..='٩' => plain.push(char::from(b'0' + (c as u32 - '٠' as u32) as u8)),
            '٫' => plain.push('.'),
            ',' | '٬' | '\'' | '_' | '\u{a0}' | '\u{202f}' | ' ' => {}
            _ => return None,
        }
    }
    plain.parse().ok()
}

/// New rates, each carrying its value from before its last change: a rate that moved gets
/// `previous` = the old value and `changed_at` = `now`; one that did not keeps what it had.
pub fn merge(new: Vec<Rate>, old: &[Rate], now: Timestamp) -> Vec<Rate> {
    new.into_iter()
        .map(|mut rate| {
            if let Some(before) = old.iter().find(|o| o.symbol == rate.symbol) {
                if before.value == rate.value {
                    rate.previous = before.previous;
                    rate.changed_at = before.changed_at;
                } else {
                    rate.previous = Some(before.value);
                    rate.changed_at = Some(now);
                }
            }
            rate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn symbol(symbol: &str, pointer: &str, unit: MoneyUnit) -> CurrencySymbol {
        CurrencySymbol {
            symbol: symbol.into(),
            label: None,
            pointer: pointer.into(),
            unit,
        }
    }

    #[test]
    fn numbers_as_iranian_sites_write_them() {
        assert_eq!(amount(&json!(1_050_000)), Some(1_050_000.0));
        assert_eq!(amount(&json!("1,050,000")), Some(1_050_000.0));
        assert_eq!(amount(&json!("۱۰۵٬۰۰۰")), Some(105_000.0));
        assert_eq!(amount(&json!("١٢٣٫٥")), Some(123.5));
        assert_eq!(amount(&json!(" 98 500 ")), Some(98_500.0));
        assert_eq!(amount(&json!("n/a")), None);
        assert_eq!(amount(&json!("")), None);
        assert_eq!(amount(&json!(0)), None);
        assert_eq!(amount(&json!(-5)), None);
        assert_eq!(amount(&json!(null)), None);
        assert_eq!(amount(&json!({"price": 1})), None);
    }

    #[test]
    fn rates_are_stored_in_rial() {
        let body = json!({"data": {"usd": {"price": "۱۰۵,۰۰۰"}, "eur": 1_150_000}}).to_string();
        let rates = extract(
            body.as_bytes(),
            Some("application/json"),
            &[
                symbol("USD", "/data/usd/price", MoneyUnit::Toman),
                symbol("EUR", "/data/eur", MoneyUnit::Rial),
            ],
        )
        .unwrap();
        assert_eq!(rates[0].value, 1_050_000);
        assert_eq!(rates[1].value, 1_150_000);
    }

    #[test]
    fn a_pointer_that_finds_nothing_fails_the_answer() {
        let body = br#"{"data": {"usd": 1, "gold": "closed"}}"#;
        let err = extract(body, None, &[symbol("EUR", "/data/eur", MoneyUnit::Rial)]).unwrap_err();
        assert_eq!(
            err,
            "the pointer /data/eur of EUR finds nothing in the answer"
        );
        let err =
            extract(body, None, &[symbol("GOLD", "/data/gold", MoneyUnit::Rial)]).unwrap_err();
        assert_eq!(
            err,
            "the pointer /data/gold of GOLD finds \"closed\", not a positive number"
        );
        let err = extract(b"{\"data\": [1, 2", None, &[]).unwrap_err();
        assert!(err.starts_with("the answer is not valid JSON"), "{err}");
    }

    #[test]
    fn previous_is_the_value_before_the_last_change() {
        let t1: Timestamp = "2026-03-21T08:00:00Z".parse().unwrap();
        let t2: Timestamp = "2026-03-21T09:00:00Z".parse().unwrap();
        let rate = |v| Rate {
            symbol: "USD".into(),
            label: None,
            value: v,
            previous: None,
            changed_at: None,
        };
        let first = merge(vec![rate(100)], &[], t1);
        assert_eq!(first[0].previous, None);
        let moved = merge(vec![rate(120)], &first, t1);
        assert_eq!(
            (moved[0].previous, moved[0].changed_at),
            (Some(100), Some(t1))
        );
        // The same value again keeps the change it showed.
        let same = merge(vec![rate(120)], &moved, t2);
        assert_eq!(
            (same[0].previous, same[0].changed_at),
            (Some(100), Some(t1))
        );
        assert_eq!(same[0].change(), Some(20));
    }
}

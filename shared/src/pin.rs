//! Certificate pins: the SHA-256 of a certificate's public key (its DER SubjectPublicKeyInfo),
//! written `sha256//<base64>` as curl's `--pinnedpubkey` and HPKP write it, so the same string
//! works in both. A pin names a key, not a certificate: a renewal that keeps the key keeps the
//! pin, and a new key is announced to paired screens before it is used.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};

const PREFIX: &str = "sha256//";

/// The SHA-256 of a public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin([u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a pin looks like sha256//<44 base64 characters>, not {0:?}")]
    Syntax(String),
    #[error("the certificate does not parse: {0}")]
    Certificate(String),
}

impl Pin {
    /// The pin of a DER-encoded SubjectPublicKeyInfo.
    pub fn of_public_key(spki_der: &[u8]) -> Pin {
        Pin(Sha256::digest(spki_der).into())
    }

    /// A short form for people comparing two screens: the first 12 base64 characters.
    pub fn short(&self) -> String {
        let full = self.to_string();
        full[..PREFIX.len() + 12].to_string()
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", STANDARD.encode(self.0))
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Pin {
    type Err = PinError;

    /// Standard or URL-safe base64 (a pin inside a URL), with or without padding.
    fn from_str(text: &str) -> Result<Pin, PinError> {
        let text = text.trim();
        let encoded = text
            .strip_prefix(PREFIX)
            .ok_or_else(|| PinError::Syntax(text.to_string()))?;
        let url_safe = encoded
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_");
        let bytes = URL_SAFE_NO_PAD
            .decode(url_safe)
            .map_err(|_| PinError::Syntax(text.to_string()))?;
        let hash: [u8; 32] = bytes
            .try_into()
            .map_err(|_| PinError::Syntax(text.to_string()))?;
        Ok(Pin(hash))
    }
}

impl serde::Serialize for Pin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Pin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Pin, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Pins separated by commas or semicolons (curl joins them with `;`).
pub fn parse_list(text: &str) -> Result<Vec<Pin>, PinError> {
    text.split([',', ';'])
        .filter(|part| !part.trim().is_empty())
        .map(str::parse)
        .collect()
}

/// What a trust decision needs from a DER certificate that rustls does not tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFacts {
    pub pin: Pin,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

impl CertificateFacts {
    pub fn of(cert_der: &[u8]) -> Result<CertificateFacts, PinError> {
        let bad = |e: x509_cert::der::Error| PinError::Certificate(e.to_string());
        let cert = x509_cert::Certificate::from_der(cert_der).map_err(bad)?;
        let tbs = &cert.tbs_certificate;
        let spki = tbs.subject_public_key_info.to_der().map_err(bad)?;
        let instant = |time: x509_cert::time::Time| {
            let since_epoch = time.to_unix_duration();
            Timestamp::from_second(since_epoch.as_secs() as i64)
                .map_err(|e| PinError::Certificate(e.to_string()))
        };
        Ok(CertificateFacts {
            pin: Pin::of_public_key(&spki),
            not_before: instant(tbs.validity.not_before)?,
            not_after: instant(tbs.validity.not_after)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_read_back_what_they_write_in_either_base64() {
        let pin = Pin::of_public_key(b"a public key");
        let text = pin.to_string();
        assert!(
            text.starts_with("sha256//") && text.len() == 8 + 44,
            "{text}"
        );
        assert_eq!(text.parse::<Pin>().unwrap(), pin);
        let url_safe = text.replace('+', "-").replace('/', "_");
        let url_safe = format!("sha256//{}", url_safe[8..].trim_end_matches('='));
        assert_eq!(url_safe.parse::<Pin>().unwrap(), pin);
        assert_eq!(
            parse_list(&format!("{text};{text}, ")).unwrap(),
            vec![pin, pin]
        );
        assert_eq!(pin.short().len(), 8 + 12);
    }

    #[test]
    fn malformed_pins_are_refused_with_the_expected_form() {
        for bad in [
            "",
            "sha1//abc",
            "sha256//",
            "sha256//not base64!",
            "sha256//AAAA",
        ] {
            let error = bad.parse::<Pin>().unwrap_err().to_string();
            assert!(error.contains("sha256//<44 base64"), "{bad}: {error}");
        }
        assert!(matches!(
            CertificateFacts::of(b"not a certificate"),
            Err(PinError::Certificate(_))
        ));
    }
}

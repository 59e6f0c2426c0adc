//! Random secrets (session and API tokens) and how they are stored: only their sha256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 random bytes from the OS, URL-safe base64, with a prefix that tells what it is
/// (`vs_` session, `vt_` API token) so a leaked token is easy to recognise and revoke.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps: a fast hash is enough for 256-bit random secrets.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = generate("vt_");
        let b = generate("vt_");
        assert_ne!(a, b);
        assert!(a.starts_with("vt_") && a.len() == 3 + 43);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
    }
}

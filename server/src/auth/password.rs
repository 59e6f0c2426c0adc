//! Argon2id password hashes, computed on the blocking pool: a hash takes tens of milliseconds
//! of CPU, which would otherwise stall every request sharing the async worker.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ApiError;

pub const MIN_LENGTH: usize = 10;

/// The longest password taken, in bytes (a passphrase of 100 words fits). Longer ones are
/// refused (422) where a password is set, and are simply wrong where one is checked: no
/// request may make the server hash a megabyte, and no stored password can be that long.
pub const MAX_BYTES: usize = 1024;

/// Whether a password is longer than any the server sets or checks.
pub fn too_long(password: &str) -> bool {
    password.len() > MAX_BYTES
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    // Callers check first and answer in their own words; this keeps the promise for all.
    if too_long(&password) {
        return Err(ApiError::field(
            "password",
            "too_long",
            format!("use at most {MAX_BYTES} bytes"),
        ));
    }
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes(), &new_salt())
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

fn new_salt() -> SaltString {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt")
}

/// Whether `password` is the one `stored` was made from. An over-long password is wrong at
/// once, without argon2: none was ever set (`hash` refuses them), and an unknown e-mail
/// answers as fast (`verify_dummy` comes here too), so the shortcut reveals nothing.
pub async fn verify(password: String, stored: String) -> Result<bool, ApiError> {
    if too_long(&password) {
        return Ok(false);
    }
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(ApiError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(ApiError::internal)?
}

/// A hash of nothing anyone knows: verifying against it when the e-mail is unknown makes a
/// failed login take as long as a wrong password, so timing does not reveal who has an account.
pub async fn verify_dummy(password: String) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY
        .get_or_init(|| {
            Argon2::default()
                .hash_password(b"not a password anyone has", &new_salt())
                .expect("argon2 hashes")
                .to_string()
        })
        .clone();
    let _ = verify(password, stored).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_only_the_same_password() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".into(), stored.clone())
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse battery".into(), stored).await.unwrap());
    }

    #[tokio::test]
    async fn over_long_passwords_are_never_hashed_or_checked() {
        let at_limit = "p".repeat(MAX_BYTES);
        let stored = hash(at_limit.clone()).await.unwrap();
        assert!(verify(at_limit, stored).await.unwrap());

        let long = "p".repeat(MAX_BYTES + 1);
        let refused = hash(long.clone()).await.unwrap_err();
        assert!(matches!(refused, ApiError::Validation(_)), "{refused:?}");
        // Even against a hash made of exactly it (by argon2 itself, as no path here would),
        // the answer is "wrong": argon2 is not consulted.
        let stored = Argon2::default()
            .hash_password(long.as_bytes(), &new_salt())
            .unwrap()
            .to_string();
        assert!(!verify(long, stored).await.unwrap());
    }
}

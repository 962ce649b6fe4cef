//! Passwords (argon2id) and random tokens (stored only as SHA-256 hashes).

use crate::StoreError;
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use sha2::{Digest, Sha256};

/// A valid hash of a password nobody knows, to spend equal time on unknown users.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wJ0rLJTrfKsZyqRSKM4SaAfmv2hBxGa7lVlNfnR4SCo";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("wachtwoord kon niet worden versleuteld: {e}")))
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The shortest password accepted (NIST SP 800-63B asks at least 8; for accounts that
/// open criminal records we ask 12) and the longest (so hashing stays bounded).
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;

/// Checks a new password after NIST SP 800-63B: long enough, not too long, and not easy
/// to guess (common passwords, words, names, keyboard patterns, or the user's own name),
/// judged by zxcvbn; no rules about character classes.
pub fn check_password(password: &str, about_user: &[&str]) -> Result<(), StoreError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(StoreError::Invalid(format!(
            "Kies een wachtwoord van minstens {MIN_PASSWORD} tekens."
        )));
    }
    if length > MAX_PASSWORD {
        return Err(StoreError::Invalid(format!(
            "Een wachtwoord heeft hoogstens {MAX_PASSWORD} tekens."
        )));
    }
    let mut inputs: Vec<&str> = about_user.to_vec();
    inputs.extend(["nazorg", "westland", "gemeente", "wachtwoord", "detentie"]);
    let score: u8 = zxcvbn::zxcvbn(password, &inputs).score().into();
    if score < 3 {
        return Err(StoreError::Invalid(
            "Dit wachtwoord is te makkelijk te raden: het lijkt op een veelgebruikt wachtwoord, een woord, een naam of een patroon. Kies bijvoorbeeld een zin van een paar woorden die niet bij elkaar horen."
                .into(),
        ));
    }
    Ok(())
}

/// A fresh 256-bit random token, hex encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not recoverable; an all-zero token would be worse.
    if getrandom::fill(&mut bytes).is_err() {
        std::process::abort();
    }
    hex::encode(bytes)
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("Correct horse battery staple", &hash));
        assert!(!verify_password("x", DUMMY_HASH));
    }

    #[test]
    fn guessable_passwords_are_refused_and_long_odd_phrases_accepted() {
        for weak in [
            "welkom123",
            "wachtwoord123!",
            "Password1234",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "cora de vries 1",
        ] {
            assert!(
                check_password(weak, &["cora", "Cora de Vries"]).is_err(),
                "{weak}"
            );
        }
        assert!(
            check_password("kort", &[])
                .unwrap_err()
                .to_string()
                .contains("minstens 12")
        );
        assert!(check_password(&"x".repeat(129), &[]).is_err());
        for strong in [
            "paars-fietsrek-onweer-42",
            "lange-test-wachtwoord-123",
            "de koe zingt in de magnetron",
        ] {
            assert!(check_password(strong, &["cora"]).is_ok(), "{strong}");
        }
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}

//! Passwords (argon2id), random tokens (stored only as SHA-256 hashes), second-factor
//! codes (TOTP), the application key that seals second-factor secrets (AES-256-GCM), and
//! residents' pseudonyms (HMAC-SHA256).

use crate::error::invalid;
use crate::{Error, StoreError};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use nazorg_domain::ids::ResidentId;
use sha2::{Digest, Sha256};

/// A valid hash of a password nobody knows, to spend equal time on unknown users.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wJ0rLJTrfKsZyqRSKM4SaAfmv2hBxGa7lVlNfnR4SCo";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| invalid(format!("wachtwoord kon niet worden versleuteld: {e}")))
}

/// Checks a password against a stored PHC string.
/// At most this many password hashes are computed at once: each takes a core for tens of
/// milliseconds, and the server has to go on answering everything else meanwhile.
const PARALLEL_HASHES: usize = 2;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARALLEL_HASHES);

/// [`verify_password`] on a blocking thread, at most [`PARALLEL_HASHES`] at a time, so
/// that a burst of logins does not hold up the async workers (and every other request).
pub(crate) async fn verify_password_off_workers(password: &str, hash: &str) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

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
pub fn check_password(password: &str, about_user: &[&str]) -> Result<(), Error> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(invalid(format!(
            "Kies een wachtwoord van minstens {MIN_PASSWORD} tekens."
        )));
    }
    if length > MAX_PASSWORD {
        return Err(invalid(format!(
            "Een wachtwoord heeft hoogstens {MAX_PASSWORD} tekens."
        )));
    }
    let mut inputs: Vec<&str> = about_user.to_vec();
    inputs.extend(["nazorg", "westland", "gemeente", "wachtwoord", "detentie"]);
    let score: u8 = zxcvbn::zxcvbn(password, &inputs).score().into();
    if score < 3 {
        return Err(invalid(
            "Dit wachtwoord is te makkelijk te raden: het lijkt op een veelgebruikt wachtwoord, een woord, een naam of een patroon. Kies bijvoorbeeld een zin van een paar woorden die niet bij elkaar horen.",
        ));
    }
    Ok(())
}

/// A new TOTP secret: 160 random bits, base32 as authenticator apps expect.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    if getrandom::fill(&mut bytes).is_err() {
        std::process::abort();
    }
    match totp_rs::Secret::Raw(bytes.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(text) => text,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// Checks a six-digit code against a base32 TOTP secret (SHA-1, 30 s steps, one step of
/// clock drift either way: what every authenticator app does).
pub fn totp_matches(secret: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(bytes) = totp_rs::Secret::Encoded(secret.to_string()).to_bytes() else {
        return false;
    };
    match totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes) {
        Ok(totp) => totp.check_current(&code).unwrap_or(false),
        Err(_) => false,
    }
}

/// The otpauth:// address an authenticator app reads (as text or a QR code).
pub fn totp_uri(secret: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/Nazorg:{}?secret={secret}&issuer=Nazorg&algorithm=SHA1&digits=6&period=30",
        enc(account)
    )
}

/// A fresh 256-bit random token, hex encoded.
pub fn new_token() -> String {
    random_hex::<32>()
}

/// `N` random bytes, hex encoded.
pub(crate) fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    // The OS random source failing is not recoverable; an all-zero token would be worse.
    if getrandom::fill(&mut bytes).is_err() {
        std::process::abort();
    }
    hex::encode(bytes)
}

/// HMAC-SHA256 of `text` under `key`, hex encoded.
pub(crate) fn hmac_hex(key: &[u8], text: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        // HMAC takes keys of any length; this cannot happen.
        std::process::abort();
    };
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A resident's stable pseudonym: HMAC-SHA256 of municipality and resident number under
/// the municipality's secret key, so it cannot be recomputed from a BSN or a number
/// without the key. 16 hex characters (64 bits) after "P-".
pub(crate) fn pseudonym(key: &[u8], municipality: &str, resident_id: ResidentId) -> String {
    let digest = hmac_hex(key, &format!("{municipality}:{resident_id}"));
    format!("P-{}", &digest[..16])
}

/// How a secret sealed with the application key starts in the database.
pub const SEALED: &str = "enc1:";

/// Reads the application key: 64 hexadecimal characters (32 bytes).
pub fn parse_secret_key(text: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(text.trim())
        .map_err(|_| "de sleutel bestaat uit 64 hexadecimale tekens".to_string())?;
    bytes
        .try_into()
        .map_err(|_| "de sleutel bestaat uit 64 hexadecimale tekens (32 bytes)".to_string())
}

/// The application key; its `Debug` shows nothing of it.
#[derive(Clone)]
pub(crate) struct SecretKey([u8; 32]);

impl SecretKey {
    pub(crate) fn new(key: [u8; 32]) -> SecretKey {
        SecretKey(key)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Seals a secret with the application key (AES-256-GCM, a fresh nonce each time).
pub(crate) fn seal(key: &[u8; 32], plain: &str) -> String {
    use aes_gcm::aead::{Aead, KeyInit};
    let cipher = aes_gcm::Aes256Gcm::new(key.into());
    let mut nonce = [0u8; 12];
    if getrandom::fill(&mut nonce).is_err() {
        std::process::abort();
    }
    match cipher.encrypt((&nonce).into(), plain.as_bytes()) {
        Ok(sealed) => format!("{SEALED}{}:{}", hex::encode(nonce), hex::encode(sealed)),
        // Encrypting a short secret in memory cannot fail; never store it unsealed then.
        Err(_) => std::process::abort(),
    }
}

/// Opens a stored secret: sealed ones with the key, older unsealed ones as they are.
pub(crate) fn open(key: Option<&[u8; 32]>, stored: &str) -> Result<String, Error> {
    use aes_gcm::aead::{Aead, KeyInit};
    let Some(rest) = stored.strip_prefix(SEALED) else {
        return Ok(stored.to_string());
    };
    // What cannot be opened is a fault of the stored data, not of the user.
    let key = key.ok_or_else(|| {
        Error::Store(StoreError::Corrupt(
            "een versleuteld geheim, maar de sleutel (NAZORG_SECRET_KEY) ontbreekt".into(),
        ))
    })?;
    let corrupt = || {
        Error::Store(StoreError::Corrupt(
            "een versleuteld geheim dat niet te openen is".into(),
        ))
    };
    let (nonce, sealed) = rest.split_once(':').ok_or_else(corrupt)?;
    let nonce: [u8; 12] = hex::decode(nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or_else(corrupt)?;
    let sealed = hex::decode(sealed).map_err(|_| corrupt())?;
    let cipher = aes_gcm::Aes256Gcm::new(key.into());
    let plain = cipher
        .decrypt((&nonce).into(), sealed.as_slice())
        .map_err(|_| corrupt())?;
    String::from_utf8(plain).map_err(|_| corrupt())
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let key = [7u8; 32];
        let sealed = seal(&key, "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(SEALED) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            seal(&key, "JBSWY3DPEHPK3PXP"),
            "a fresh nonce each time"
        );
        assert_eq!(open(Some(&key), &sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(open(Some(&[8u8; 32]), &sealed).is_err());
        assert!(open(None, &sealed).is_err());
        assert_eq!(open(None, "PLAINOLD").unwrap(), "PLAINOLD");
        assert!(parse_secret_key(&"ab".repeat(32)).is_ok());
        assert!(parse_secret_key("abc").is_err());
        assert_eq!(format!("{:?}", SecretKey::new(key)), "SecretKey(…)");
    }

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
    fn totp_codes_match_their_secret_only() {
        let secret = new_totp_secret();
        assert_eq!(secret.len(), 32);
        let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
        let code = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
            .unwrap()
            .generate_current()
            .unwrap();
        assert!(totp_matches(&secret, &code));
        assert!(!totp_matches(&new_totp_secret(), &code));
        assert!(!totp_matches(&secret, "12345"));
        assert!(
            totp_uri(&secret, "cora de vries")
                .starts_with("otpauth://totp/Nazorg:cora%20de%20vries?secret=")
        );
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

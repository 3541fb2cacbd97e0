//! Refresh tokens: 256 random bits the client keeps; the server stores only their SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Marks refresh tokens so they are never mistaken for access tokens (JWTs).
const PREFIX: &str = "qhr_";

/// A new random refresh token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token: lowercase hex SHA-256.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the text has the shape of a refresh token (cheap check before any database work).
pub fn looks_valid(token: &str) -> bool {
    token.len() == PREFIX.len() + 43 && token.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_deterministically() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(looks_valid(&a));
        assert_eq!(hash(&a), hash(&a));
        assert_eq!(hash(&a).len(), 64);
        assert!(!looks_valid("eyJhbGciOiJIUzI1NiJ9.e30.x"));
    }
}

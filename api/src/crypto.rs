//! Protection of sensitive personal data at rest.
//!
//! Identity numbers, certificate numbers and phone numbers are stored
//! encrypted with AES-256-GCM. Because the ciphertext is randomised, equality
//! look-ups and unique constraints go through a separate *blind index*: a
//! keyed HMAC of the normalised value. Both keys are derived from one 32-byte
//! master key (`QIHANG_DATA_KEY`) so operators manage a single secret, while
//! HKDF with distinct labels keeps the two uses cryptographically separate.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

/// Length of the master key and of each derived key, in bytes.
const KEY_LEN: usize = 32;
/// AES-GCM nonce length (96 bits, the size GCM is designed for).
const NONCE_LEN: usize = 12;
/// AES-GCM authentication tag length.
const TAG_LEN: usize = 16;
/// Prefix of stored values, so the format can change without guessing.
const VERSION_PREFIX: &str = "v1:";
/// HKDF info label for the encryption key.
const ENCRYPTION_INFO: &[u8] = b"qihang field encryption v1";
/// HKDF info label for the blind-index key.
const BLIND_INDEX_INFO: &[u8] = b"qihang blind index v1";

/// HMAC-SHA256, the blind-index function.
type HmacSha256 = Hmac<Sha256>;

/// Errors from setting up the cipher or encrypting / decrypting a value.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key is not exactly 32 bytes.
    #[error("the data key must be 32 bytes")]
    KeyLength,
    /// Encryption failed: AES-GCM refuses plaintexts of about 64 GiB or more,
    /// or the operating system's random number generator failed.
    #[error("the value could not be encrypted")]
    Encrypt,
    /// The stored value is not in the `v1:` format, was tampered with, was
    /// encrypted under another key or with other associated data.
    #[error("encrypted value is malformed or was encrypted under another key")]
    Decrypt,
}

/// Keys for personal data, derived from the one 32-byte master key
/// (`QIHANG_DATA_KEY`).
#[derive(Clone)]
pub struct FieldCipher {
    /// AES-256-GCM with the key derived under "qihang field encryption v1".
    aead: Aes256Gcm,
    /// HMAC-SHA256 already keyed under "qihang blind index v1"; cloned per
    /// use so the key schedule is computed once.
    index_mac: HmacSha256,
}

impl FieldCipher {
    /// Derives the encryption and blind-index keys from the master key, which
    /// must be exactly 32 bytes (e.g. 32 random bytes, not a passphrase: HKDF
    /// does not stretch weak secrets).
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyLength`] when `master_key` is not 32 bytes.
    pub fn new(master_key: &[u8]) -> Result<Self, CryptoError> {
        if master_key.len() != KEY_LEN {
            return Err(CryptoError::KeyLength);
        }
        // No salt: the master key is already uniformly random, which is the
        // case HKDF's extract step needs no salt for.
        let hkdf = Hkdf::<Sha256>::new(None, master_key);
        let mut encryption_key = [0u8; KEY_LEN];
        let mut index_key = [0u8; KEY_LEN];
        // Expanding 32 bytes from SHA-256 never exceeds HKDF's output limit;
        // mapping the impossible error keeps this function panic-free.
        hkdf.expand(ENCRYPTION_INFO, &mut encryption_key)
            .map_err(|_| CryptoError::KeyLength)?;
        hkdf.expand(BLIND_INDEX_INFO, &mut index_key)
            .map_err(|_| CryptoError::KeyLength)?;

        let aead = Aes256Gcm::new(&encryption_key.into());
        let index_mac =
            <HmacSha256 as Mac>::new_from_slice(&index_key).map_err(|_| CryptoError::KeyLength)?;
        // Don't leave copies of derived keys on the stack longer than needed.
        encryption_key.fill(0);
        index_key.fill(0);
        Ok(Self { aead, index_mac })
    }

    /// Encrypts with a fresh random 96-bit nonce; output is "v1:" + base64
    /// (standard, no padding) of nonce||ciphertext||tag.
    ///
    /// `associated_data` is authenticated but not stored: pass what the value
    /// belongs to — its column and its row's id — so a ciphertext copied into
    /// another column or another row fails to decrypt there. The same bytes
    /// must be given to [`FieldCipher::decrypt`].
    ///
    /// # Errors
    ///
    /// [`CryptoError::Encrypt`], only for absurdly large plaintexts or if the
    /// system random number generator fails.
    pub fn encrypt(&self, plaintext: &str, associated_data: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        // `try_fill_bytes` rather than `fill_bytes`, which panics on failure.
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|_| CryptoError::Encrypt)?;
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: associated_data,
        };
        let sealed = self
            .aead
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CryptoError::Encrypt)?;

        let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&sealed);
        Ok(format!("{VERSION_PREFIX}{}", STANDARD_NO_PAD.encode(raw)))
    }

    /// Decrypts a value produced by [`FieldCipher::encrypt`] with the same
    /// master key and the same `associated_data`.
    ///
    /// # Errors
    ///
    /// Any failure — wrong prefix, bad base64, truncation, tampering, another
    /// key, other associated data, non-UTF-8 plaintext — is
    /// [`CryptoError::Decrypt`], so callers learn nothing about which check
    /// failed.
    pub fn decrypt(&self, stored: &str, associated_data: &[u8]) -> Result<String, CryptoError> {
        let encoded = stored
            .strip_prefix(VERSION_PREFIX)
            .ok_or(CryptoError::Decrypt)?;
        let raw = STANDARD_NO_PAD
            .decode(encoded)
            .map_err(|_| CryptoError::Decrypt)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, sealed) = raw
            .split_first_chunk::<NONCE_LEN>()
            .ok_or(CryptoError::Decrypt)?;
        let payload = Payload {
            msg: sealed,
            aad: associated_data,
        };
        let plaintext = self
            .aead
            .decrypt(&Nonce::from(*nonce), payload)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plaintext).map_err(|_| CryptoError::Decrypt)
    }

    /// Deterministic HMAC-SHA256 of the normalised value, lowercase hex (64
    /// chars): for unique indexes and look-ups without storing the value.
    ///
    /// Normalisation trims surrounding whitespace and upper-cases ASCII
    /// letters, so `" 11010519491231002x"` and `"11010519491231002X"` index
    /// the same. Different kinds of value share one key, so index them in
    /// separate columns (or prefix the value) if they must not collide.
    #[must_use]
    pub fn blind_index(&self, value: &str) -> String {
        let normalised = value.trim().to_ascii_uppercase();
        let mut mac = self.index_mac.clone();
        mac.update(normalised.as_bytes());
        to_lower_hex(&mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for FieldCipher {
    /// Prints only the type name: key material must never reach logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldCipher").finish_non_exhaustive()
    }
}

/// Lowercase hexadecimal encoding (avoids a dependency for 64 characters).
fn to_lower_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|&b| [b >> 4, b & 0x0f])
        // A nibble is always a valid base-16 digit, so nothing is dropped.
        .filter_map(|nibble| char::from_digit(u32::from(nibble), 16))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AD: &[u8] = b"trainee.id_number";

    fn cipher(byte: u8) -> FieldCipher {
        FieldCipher::new(&[byte; KEY_LEN]).unwrap()
    }

    #[test]
    fn round_trip() {
        let c = cipher(7);
        for plaintext in ["220302199003071236", "", "张三", "13812345678"] {
            let stored = c.encrypt(plaintext, AD).unwrap();
            assert!(stored.starts_with("v1:"), "{stored}");
            assert!(!stored.contains('='), "no padding: {stored}");
            assert_eq!(c.decrypt(&stored, AD).unwrap(), plaintext);
        }
    }

    #[test]
    fn stored_layout_is_nonce_ciphertext_tag() {
        let stored = cipher(7).encrypt("abc", AD).unwrap();
        let raw = STANDARD_NO_PAD.decode(&stored[3..]).unwrap();
        assert_eq!(raw.len(), NONCE_LEN + 3 + TAG_LEN);
    }

    #[test]
    fn fresh_nonce_each_time() {
        let c = cipher(7);
        let a = c.encrypt("220302199003071236", AD).unwrap();
        let b = c.encrypt("220302199003071236", AD).unwrap();
        assert_ne!(a, b);
        assert_ne!(a[3..19], b[3..19], "nonce prefix must differ");
    }

    #[test]
    fn another_key_fails() {
        let stored = cipher(7).encrypt("secret", AD).unwrap();
        assert!(matches!(
            cipher(8).decrypt(&stored, AD),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn tampering_fails() {
        let c = cipher(7);
        let stored = c.encrypt("220302199003071236", AD).unwrap();
        let raw = STANDARD_NO_PAD.decode(&stored[3..]).unwrap();
        // Flip one bit in the nonce, the ciphertext and the tag in turn.
        for index in [0, NONCE_LEN, raw.len() - 1] {
            let mut tampered = raw.clone();
            tampered[index] ^= 0x01;
            let tampered = format!("v1:{}", STANDARD_NO_PAD.encode(&tampered));
            assert!(
                matches!(c.decrypt(&tampered, AD), Err(CryptoError::Decrypt)),
                "byte {index}"
            );
        }
        let truncated = format!("v1:{}", STANDARD_NO_PAD.encode(&raw[..raw.len() - 1]));
        assert!(matches!(
            c.decrypt(&truncated, AD),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn malformed_values_fail() {
        let c = cipher(7);
        let stored = c.encrypt("x", AD).unwrap();
        let cases = [
            String::new(),
            "v1:".to_owned(),
            stored.replacen("v1:", "v2:", 1),
            stored[3..].to_owned(),
            "v1:not base64!".to_owned(),
            format!("{stored}="),
            format!(
                "v1:{}",
                STANDARD_NO_PAD.encode([0u8; NONCE_LEN + TAG_LEN - 1])
            ),
        ];
        for case in cases {
            assert!(
                matches!(c.decrypt(&case, AD), Err(CryptoError::Decrypt)),
                "{case:?}"
            );
        }
    }

    #[test]
    fn wrong_associated_data_fails() {
        let c = cipher(7);
        let stored = c
            .encrypt("220302199003071236", b"trainee.id_number")
            .unwrap();
        assert!(matches!(
            c.decrypt(&stored, b"trainee.certificate_number"),
            Err(CryptoError::Decrypt)
        ));
        assert!(matches!(c.decrypt(&stored, b""), Err(CryptoError::Decrypt)));
    }

    #[test]
    fn blind_index_is_deterministic_normalised_and_keyed() {
        let c = cipher(7);
        let index = c.blind_index("11010519491231002X");
        assert_eq!(index.len(), 64);
        assert!(
            index.chars().all(|ch| matches!(ch, '0'..='9' | 'a'..='f')),
            "{index}"
        );
        assert_eq!(c.blind_index("11010519491231002X"), index);
        assert_eq!(
            cipher(7).blind_index("11010519491231002X"),
            index,
            "same master key, same index"
        );
        assert_eq!(c.blind_index(" 11010519491231002x\n"), index, "normalised");
        assert_ne!(c.blind_index("110105194912310029"), index);
        assert_ne!(
            cipher(8).blind_index("11010519491231002X"),
            index,
            "key-dependent"
        );
    }

    #[test]
    fn blind_index_key_is_separate_from_the_master_key() {
        // A plain HMAC under the master key must not equal the index: the
        // derived key, not the master key, is used.
        let master = [7u8; KEY_LEN];
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&master).unwrap();
        mac.update(b"13812345678");
        let direct = to_lower_hex(&mac.finalize().into_bytes());
        assert_ne!(cipher(7).blind_index("13812345678"), direct);
    }

    #[test]
    fn rejects_wrong_key_lengths() {
        for len in [0, 16, 31, 33, 64] {
            assert!(
                matches!(
                    FieldCipher::new(&vec![1u8; len]),
                    Err(CryptoError::KeyLength)
                ),
                "{len}"
            );
        }
        assert!(FieldCipher::new(&[1u8; 32]).is_ok());
    }

    #[test]
    fn debug_hides_keys() {
        let master = [0xabu8; KEY_LEN];
        let debug = format!("{:?}", FieldCipher::new(&master).unwrap());
        assert_eq!(debug, "FieldCipher { .. }");
        let alternate = format!("{:#?}", FieldCipher::new(&master).unwrap());
        assert!(
            !alternate.contains("171") && !alternate.to_lowercase().contains("ab"),
            "{alternate}"
        );
    }
}

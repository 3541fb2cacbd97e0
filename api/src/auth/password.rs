//! Password hashing with argon2id (OWASP parameters), on the blocking pool so a login never
//! stalls other requests, and at most one hash per core at a time: each takes 19 MiB, so a
//! login flood queues instead of exhausting memory.

use std::sync::{LazyLock, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use tokio::sync::Semaphore;

use crate::error::AppError;

/// Shortest and longest accepted password, in characters.
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;
/// What to tell a user whose new password breaks the rules.
pub const RULES: &str = "密码长度须在 12 到 128 个字符之间";

/// Whether a new password follows the rules.
pub fn acceptable(password: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&password.chars().count())
}

/// Hashes running at once, process-wide: one per core.
static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
});

/// OWASP's recommended argon2id setting: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(argon_error)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    // The permit moves into the blocking task: it is held while the hash runs even when
    // the request is dropped meanwhile.
    let permit = PERMITS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        hasher()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(argon_error)
    })
    .await
    .map_err(AppError::internal)?
}

/// Checks a password against a stored PHC string. With no stored hash (unknown login) it
/// checks against a fixed dummy hash, so both cases take the same time and give `false`.
pub async fn verify(stored_hash: Option<String>, password: String) -> Result<bool, AppError> {
    // The permit moves into the blocking task: it is held while the hash runs even when
    // the request is dropped meanwhile.
    let permit = PERMITS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let known = stored_hash.is_some();
        let phc = match stored_hash {
            Some(h) => h,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&phc).map_err(argon_error)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(AppError::internal)?
}

fn dummy_hash() -> Result<&'static str, AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let salt = SaltString::generate(&mut OsRng);
    let h = hasher()?
        .hash_password(b"qihang-dummy-password", &salt)
        .map_err(argon_error)?
        .to_string();
    Ok(DUMMY.get_or_init(|| h))
}

/// argon2's errors do not implement `std::error::Error`.
fn argon_error(err: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("argon2: {err}"))
}

//! Where uploaded files live: a small trait so an S3-compatible store can replace the local
//! directory later. Keys are content hashes with a size and an extension, so a stored file
//! never changes and may be cached forever.

use std::io;
use std::path::PathBuf;

use futures_util::future::BoxFuture;

/// A store of immutable files by key.
pub trait MediaStore: Send + Sync {
    /// Stores `bytes` under `key`; storing the same key again is harmless.
    fn put(&self, key: String, bytes: Vec<u8>) -> BoxFuture<'_, io::Result<()>>;
    /// The bytes under `key`, or None.
    fn get(&self, key: String) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>>;
}

/// Whether `key` is one this server makes: lowercase hex, an optional `-<width>`, and a
/// known extension. Anything else (a path, `..`) is refused before touching the disk.
pub fn valid_key(key: &str) -> bool {
    let Some((stem, ext)) = key.rsplit_once('.') else {
        return false;
    };
    let (hash, width) = stem.split_once('-').unwrap_or((stem, "0"));
    hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && !width.is_empty()
        && width.len() <= 5
        && width.bytes().all(|b| b.is_ascii_digit())
        && content_type_of(ext).is_some()
}

/// The MIME type of a stored file's extension.
pub fn content_type_of(ext: &str) -> Option<&'static str> {
    match ext {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// Files in a local directory (`QIHANG_MEDIA_DIR`), two levels of hash prefix deep so no
/// directory grows huge.
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: PathBuf) -> Self {
        LocalDir { root }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad media key"));
        }
        Ok(self.root.join(&key[0..2]).join(&key[2..4]).join(key))
    }
}

impl MediaStore for LocalDir {
    fn put(&self, key: String, bytes: Vec<u8>) -> BoxFuture<'_, io::Result<()>> {
        Box::pin(async move {
            let path = self.path(&key)?;
            if tokio::fs::try_exists(&path).await? {
                return Ok(());
            }
            if let Some(dir) = path.parent() {
                tokio::fs::create_dir_all(dir).await?;
            }
            // Written beside and renamed into place, so a reader never sees half a file.
            let partial = path.with_extension(format!("part-{}", uuid::Uuid::new_v4().simple()));
            tokio::fs::write(&partial, &bytes).await?;
            tokio::fs::rename(&partial, &path).await
        })
    }

    fn get(&self, key: String) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let path = match self.path(&key) {
                Ok(path) => path,
                Err(_) => return Ok(None),
            };
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_keys_are_valid() {
        let hash = "a".repeat(64);
        assert!(valid_key(&format!("{hash}.jpg")));
        assert!(valid_key(&format!("{hash}-240.webp")));
        assert!(!valid_key(&format!("{hash}.gif")));
        assert!(!valid_key("../../etc/passwd"));
        assert!(!valid_key(&format!("{}.png", "A".repeat(64))));
        assert!(!valid_key(&format!("{hash}-.png")));
    }
}

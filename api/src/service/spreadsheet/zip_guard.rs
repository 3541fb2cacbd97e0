//! The ZIP-bomb guard for XLSX uploads: the archive's central directory is read with the
//! `zip` crate and judged before calamine inflates anything. The zip reader stops every
//! entry at the uncompressed size its directory declares, so judging the declared sizes is
//! enough.

use std::io::Cursor;

use super::read_xlsx::XLSX_UNREADABLE;
use super::{Limits, ReadError};

/// More entries than any workbook of people's data has (a plain one has about a dozen).
const MAX_ENTRIES: usize = 1_000;
/// Entries smaller than this are never refused for their ratio: small XML parts compress
/// very well and are harmless.
const RATIO_CHECKED_ABOVE: u64 = 1024 * 1024;
/// Highest accepted uncompressed-to-compressed ratio of a large entry. Sheet XML compresses
/// 5–50×; deflate bombs approach its limit of about 1,000×.
const MAX_RATIO: u64 = 250;

const TOO_BIG: &str = "Excel 文件解压后内容过大，请删除无关的工作表、图片或空白格式后重试";

/// Refuses a ZIP whose directory declares too many entries, more uncompressed bytes in
/// total than 16 × `max_bytes` (at least 64 MiB), or a large entry compressed suspiciously
/// well. A file whose directory cannot be read is unreadable.
pub(super) fn check(content: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let archive = zip::ZipArchive::new(Cursor::new(content))
        .map_err(|_| ReadError::Unreadable(XLSX_UNREADABLE.to_owned()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ReadError::Unreadable(format!(
            "Excel 文件包含的部件过多（超过 {MAX_ENTRIES} 个），无法读取"
        )));
    }
    let allowed = u64::try_from(limits.max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_mul(16)
        .max(64 * 1024 * 1024);
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|_| ReadError::Unreadable(XLSX_UNREADABLE.to_owned()))?;
        let size = entry.size();
        if size > RATIO_CHECKED_ABOVE && size / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(ReadError::Unreadable(TOO_BIG.to_owned()));
        }
        total = total.saturating_add(size);
    }
    if total > allowed {
        return Err(ReadError::Unreadable(TOO_BIG.to_owned()));
    }
    Ok(())
}

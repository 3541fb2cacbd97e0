//! Spreadsheets in and out: reading uploaded CSV and XLSX files into rows keyed by the
//! caller's columns, and writing sheets of typed cells as XLSX or CSV.
//!
//! Reading ([`read`]) finds the header row, maps header cells to an [`InputColumn`] type the
//! caller defines, enforces [`Limits`] and refuses ZIP bombs before anything is inflated.
//! Writing ([`Sheet`], [`xlsx`], [`csv`]) stores numbers as numbers and never lets a text cell
//! become a formula (CSV/formula injection): text starting with `=`, `+`, `-`, `@`, tab or CR
//! is a quote-prefixed text cell in XLSX and starts with `'` in CSV.
//!
//! The module knows nothing of trainees; the trainee import keeps its columns and checks.

mod cell;
mod read;
mod read_csv;
mod read_xlsx;
mod write;
mod zip_guard;

#[cfg(test)]
mod read_tests;
#[cfg(test)]
mod write_tests;

pub use cell::Cell;
pub use read::{InputColumn, Row, read};
pub use write::{Sheet, SheetColumn, WriteError, csv, xlsx};

/// The kinds of file that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma- (or tab-/semicolon-) separated text in UTF-8.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl FileFormat {
    /// From the file name's extension (`.csv`/`.xlsx`, case-insensitive), falling back to
    /// content sniffing (XLSX is a ZIP: starts with `PK\x03\x04`; text without control
    /// characters is taken as CSV).
    ///
    /// ZIP content always wins over a `.csv` name, since users rename XLSX files and a ZIP
    /// is never a usable CSV.
    pub fn detect(file_name: Option<&str>, content: &[u8]) -> Option<FileFormat> {
        const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
        if content.starts_with(ZIP_MAGIC) {
            return Some(FileFormat::Xlsx);
        }
        let extension = file_name
            .map(str::trim)
            .and_then(|name| name.rsplit_once('.'))
            .map(|(_, extension)| extension.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => return Some(FileFormat::Csv),
            Some("xlsx") => return Some(FileFormat::Xlsx),
            _ => {}
        }
        looks_like_text(content).then_some(FileFormat::Csv)
    }
}

/// Whether the start of `content` looks like text: non-empty and free of control characters
/// other than tab/CR/LF (binary formats such as XLS, PDF or images fail this quickly).
/// Non-UTF-8 text passes, so that a GBK CSV reaches the reader and gets the "save as UTF-8"
/// message.
fn looks_like_text(content: &[u8]) -> bool {
    let head = content.get(..4096).unwrap_or(content);
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\r' | b'\n'))
}

/// Size and row limits applied to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes (checked before parsing).
    pub max_bytes: usize,
    /// Most data rows (non-empty rows after the header) accepted.
    pub max_rows: usize,
}

impl Default for Limits {
    /// 10 MiB and 5,000 rows.
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            max_rows: 5_000,
        }
    }
}

/// Why a file could not be turned into rows. Every message is Chinese and safe to show to
/// the person who uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file is larger than [`Limits::max_bytes`].
    #[error("文件超过 {} 上限", human_size(*.max_bytes))]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        max_bytes: usize,
    },
    /// The file has more data rows than [`Limits::max_rows`].
    #[error("数据超过 {max_rows} 行上限，请拆分后分批导入")]
    TooManyRows {
        /// The limit that was exceeded.
        max_rows: usize,
    },
    /// Neither CSV nor XLSX.
    #[error("无法识别的文件格式，请上传 .xlsx 或 .csv 文件")]
    UnknownFormat,
    /// The file could not be parsed; the message says why in user terms.
    #[error("{0}")]
    Unreadable(String),
    /// The workbook has no worksheet.
    #[error("Excel 文件中没有工作表")]
    NoSheet,
    /// The file has no non-empty row at all.
    #[error("文件是空的，没有找到表头行")]
    MissingHeader,
    /// Required columns (their labels, in the column type's order) are absent from the
    /// header row.
    #[error("缺少必填列：{}", .0.join("、"))]
    MissingColumns(Vec<&'static str>),
}

/// `10 MB`, `1.5 MB`, `512 KB` or `100 字节`, for size-limit messages.
pub fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    let scaled = |unit: usize| {
        if bytes.is_multiple_of(unit) {
            (bytes / unit).to_string()
        } else {
            // Precision loss is irrelevant for a one-decimal display.
            #[allow(clippy::cast_precision_loss)]
            let value = bytes as f64 / unit as f64;
            format!("{value:.1}")
        }
    };
    if bytes >= MIB {
        format!("{} MB", scaled(MIB))
    } else if bytes >= KIB {
        format!("{} KB", scaled(KIB))
    } else {
        format!("{bytes} 字节")
    }
}

//! Reading trainee import files (CSV or XLSX) into raw rows, and building the
//! downloadable template.
//!
//! This module only reads the file, maps header cells to canonical columns and
//! enforces size/row limits; field contents are validated elsewhere.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Workbook, Worksheet};

/// The columns an import file may carry, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 姓名.
    Name,
    /// 身份证号.
    IdNumber,
    /// 残疾证号.
    DisabilityCertificateNumber,
    /// 手机号.
    Phone,
    /// 城乡.
    Residence,
    /// 文化程度.
    Education,
    /// 就业状况.
    EmploymentStatus,
    /// 意向方向.
    Interests,
}

impl Column {
    /// Every column, in template order.
    pub const ALL: [Column; 8] = [
        Column::Name,
        Column::IdNumber,
        Column::DisabilityCertificateNumber,
        Column::Phone,
        Column::Residence,
        Column::Education,
        Column::EmploymentStatus,
        Column::Interests,
    ];

    /// The columns a file must have for the import to start, in template order.
    pub const REQUIRED: [Column; 4] = [
        Column::Name,
        Column::IdNumber,
        Column::DisabilityCertificateNumber,
        Column::Residence,
    ];

    /// The Chinese header used in the template.
    pub fn chinese(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::IdNumber => "身份证号",
            Column::DisabilityCertificateNumber => "残疾证号",
            Column::Phone => "手机号",
            Column::Residence => "城乡",
            Column::Education => "文化程度",
            Column::EmploymentStatus => "就业状况",
            Column::Interests => "意向方向",
        }
    }

    /// The English header (the GraphQL field name).
    pub fn english(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::IdNumber => "idNumber",
            Column::DisabilityCertificateNumber => "disabilityCertificateNumber",
            Column::Phone => "phone",
            Column::Residence => "residence",
            Column::Education => "education",
            Column::EmploymentStatus => "employmentStatus",
            Column::Interests => "interests",
        }
    }

    /// Whether a file without this column is rejected.
    pub fn is_required(self) -> bool {
        Column::REQUIRED.contains(&self)
    }

    /// Recognises a header cell in Chinese or English.
    ///
    /// Surrounding spaces and a BOM are ignored, English is matched
    /// case-insensitively (spaces, `_` and `-` ignored, so `id_number` and
    /// `ID Number` work), and the markers managers add to their own sheets
    /// (`姓名*`, `身份证号（必填）`) are dropped. Common synonyms such as
    /// `身份证号码` and `残疾人证号` are accepted.
    pub fn from_header(cell: &str) -> Option<Column> {
        let header = normalise_header(cell);
        if header.is_empty() {
            return None;
        }
        let chinese = match header {
            "姓名" => Some(Column::Name),
            "身份证号" | "身份证号码" | "身份证" => Some(Column::IdNumber),
            "残疾证号" | "残疾人证号" | "残疾证号码" | "残疾人证号码" => {
                Some(Column::DisabilityCertificateNumber)
            }
            "手机号" | "手机号码" | "手机" => Some(Column::Phone),
            "城乡" => Some(Column::Residence),
            "文化程度" | "学历" => Some(Column::Education),
            "就业状况" => Some(Column::EmploymentStatus),
            "意向方向" => Some(Column::Interests),
            _ => None,
        };
        if chinese.is_some() {
            return chinese;
        }
        let folded: String = header
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        Column::ALL
            .into_iter()
            .find(|column| column.english().eq_ignore_ascii_case(&folded))
    }
}

/// Strips what surrounds a header's name: whitespace, BOM, zero-width spaces,
/// `*` required markers and one trailing bracketed note.
fn normalise_header(cell: &str) -> &str {
    let is_noise = |c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '*' | '＊');
    let mut header = cell.trim_matches(is_noise);
    if header.ends_with([')', '）'])
        && let Some(open) = header.rfind(['(', '（'])
    {
        header = header.get(..open).unwrap_or(header).trim_matches(is_noise);
    }
    header
}

/// Trims a cell value; invisible BOM and zero-width characters pasted from
/// other systems count as whitespace here.
fn trim_cell(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// One data row: its 1-based row number in the file as a spreadsheet user sees
/// it (header is row 1, first data row is 2) and its cells by column (trimmed;
/// empty cells absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The row number a user sees in Excel (1-based, header included).
    pub row: u32,
    /// Non-empty, trimmed cells of recognised columns.
    pub cells: HashMap<Column, String>,
}

impl RawRow {
    /// The trimmed value of `column`, or `None` when the cell is empty or the
    /// file has no such column.
    pub fn get(&self, column: Column) -> Option<&str> {
        self.cells.get(&column).map(String::as_str)
    }
}

/// The kinds of file the import accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma- (or tab-/semicolon-) separated text in UTF-8.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl FileFormat {
    /// From the file name's extension (`.csv`/`.xlsx`, case-insensitive),
    /// falling back to content sniffing (XLSX is a ZIP: starts with
    /// `PK\x03\x04`; text without control characters is taken as CSV).
    ///
    /// ZIP content always wins over a `.csv` name, since users rename XLSX
    /// files and a ZIP is never a usable CSV.
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

/// Whether the start of `content` looks like text: non-empty and free of
/// control characters other than tab/CR/LF (binary formats such as XLS, PDF
/// or images fail this quickly). Non-UTF-8 text passes, so that a GBK CSV
/// reaches the reader and gets the "save as UTF-8" message.
fn looks_like_text(content: &[u8]) -> bool {
    let head = content.get(..4096).unwrap_or(content);
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\r' | b'\n'))
}

/// Size and row limits applied to one import file.
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

/// Why an import file could not be turned into rows. Every message is Chinese
/// and safe to show to the manager who uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
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
    /// Required columns are absent from the header row (template order).
    #[error("缺少必填列：{}", join_chinese(.0))]
    MissingColumns(Vec<Column>),
}

/// `10 MB`, `1.5 MB`, `512 KB` or `100 字节`, for the size-limit message.
fn human_size(bytes: usize) -> String {
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

fn join_chinese(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|column| column.chinese())
        .collect::<Vec<_>>()
        .join("、")
}

const NOT_UTF8: &str = "文件不是 UTF-8 编码，请另存为 UTF-8 CSV 或 XLSX";
const XLSX_UNREADABLE: &str = "无法读取 Excel 文件，文件可能已损坏或不是 .xlsx 格式";

/// How many non-empty rows may precede the header (a title such as
/// "2024 年学员名单" above the header is common in managers' own sheets).
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads an uploaded file into raw rows keyed by column.
///
/// The header is the first non-empty row that names at least one known column
/// (looked for within the first few non-empty rows, so a title row above it is
/// tolerated). Rows with no content in any recognised column are skipped and do
/// not count towards [`Limits::max_rows`]; unknown columns are ignored and a
/// repeated column keeps its leftmost occurrence.
pub fn read_rows(
    content: &[u8],
    format: FileFormat,
    limits: &Limits,
) -> Result<Vec<RawRow>, ImportFileError> {
    if content.len() > limits.max_bytes {
        return Err(ImportFileError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    match format {
        FileFormat::Csv => read_csv(content, limits),
        FileFormat::Xlsx => read_xlsx(content, limits),
    }
}

/// Turns a stream of rows (each a list of `(column index, trimmed non-empty
/// value)`) into [`RawRow`]s, finding the header on the way.
struct RowCollector<'a> {
    limits: &'a Limits,
    header: Option<HashMap<usize, Column>>,
    non_empty_before_header: usize,
    rows: Vec<RawRow>,
}

impl<'a> RowCollector<'a> {
    fn new(limits: &'a Limits) -> Self {
        RowCollector {
            limits,
            header: None,
            non_empty_before_header: 0,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: u32, mut cells: Vec<(usize, String)>) -> Result<(), ImportFileError> {
        if cells.is_empty() {
            return Ok(());
        }
        let Some(header) = &self.header else {
            return self.try_header(cells);
        };
        let mut values = HashMap::new();
        for (index, value) in cells.drain(..) {
            if let Some(&column) = header.get(&index) {
                values.entry(column).or_insert(value);
            }
        }
        if values.is_empty() {
            return Ok(());
        }
        if self.rows.len() >= self.limits.max_rows {
            return Err(ImportFileError::TooManyRows {
                max_rows: self.limits.max_rows,
            });
        }
        self.rows.push(RawRow { row, cells: values });
        Ok(())
    }

    fn try_header(&mut self, mut cells: Vec<(usize, String)>) -> Result<(), ImportFileError> {
        self.non_empty_before_header += 1;
        // Leftmost occurrence of a column wins.
        cells.sort_by_key(|(index, _)| *index);
        let mut header = HashMap::new();
        for (index, value) in &cells {
            if let Some(column) = Column::from_header(value)
                && !header.values().any(|seen| *seen == column)
            {
                header.insert(*index, column);
            }
        }
        if header.is_empty() {
            if self.non_empty_before_header >= HEADER_SEARCH_ROWS {
                return Err(ImportFileError::MissingColumns(Column::REQUIRED.to_vec()));
            }
            return Ok(());
        }
        let missing: Vec<Column> = Column::REQUIRED
            .into_iter()
            .filter(|required| !header.values().any(|column| column == required))
            .collect();
        if !missing.is_empty() {
            return Err(ImportFileError::MissingColumns(missing));
        }
        self.header = Some(header);
        Ok(())
    }

    fn finish(self) -> Result<Vec<RawRow>, ImportFileError> {
        match self.header {
            Some(_) => Ok(self.rows),
            None if self.non_empty_before_header == 0 => Err(ImportFileError::MissingHeader),
            None => Err(ImportFileError::MissingColumns(Column::REQUIRED.to_vec())),
        }
    }
}

fn read_csv(content: &[u8], limits: &Limits) -> Result<Vec<RawRow>, ImportFileError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    // Checked up front so a GBK file (Excel's default "CSV" on Chinese
    // Windows) gets a clear message instead of mojibake headers.
    let text = std::str::from_utf8(content)
        .map_err(|_| ImportFileError::Unreadable(NOT_UTF8.to_owned()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut collector = RowCollector::new(limits);
    let mut record = csv::StringRecord::new();
    // The csv reader silently drops blank lines and lets quoted cells span
    // lines, so the row number a spreadsheet shows is rebuilt from the line
    // breaks found between one record's content and the next.
    let bytes = text.as_bytes();
    let mut previous_row: u64 = 0;
    let mut gap_start: usize = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                return Err(ImportFileError::Unreadable(format!(
                    "CSV 文件第 {line} 行附近格式有误，无法解析"
                )));
            }
        }
        let gap = bytes.get(gap_start..).unwrap_or_default();
        let content_start = gap_start + gap.iter().take_while(|&&b| is_line_break(b)).count();
        let breaks = count_line_breaks(bytes.get(gap_start..content_start).unwrap_or_default());
        let row_number = if previous_row == 0 {
            1 + breaks
        } else {
            previous_row + breaks
        };
        previous_row = row_number;
        // The reader stops somewhere inside the record's terminator; back up
        // to the end of the content so the next gap sees the whole terminator.
        let after = usize::try_from(reader.position().byte()).unwrap_or(bytes.len());
        let consumed = bytes.get(content_start..after).unwrap_or_default();
        gap_start = after
            - consumed
                .iter()
                .rev()
                .take_while(|&&b| is_line_break(b))
                .count();
        let cells = record
            .iter()
            .enumerate()
            .filter_map(|(index, field)| {
                let value = trim_cell(field);
                (!value.is_empty()).then(|| (index, value.to_owned()))
            })
            .collect();
        collector.push(u32::try_from(row_number).unwrap_or(u32::MAX), cells)?;
    }
    collector.finish()
}

fn is_line_break(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n')
}

/// Line breaks as a spreadsheet counts them: CRLF, LF or a lone CR.
fn count_line_breaks(run: &[u8]) -> u64 {
    let mut breaks = 0;
    let mut bytes = run.iter().peekable();
    while let Some(&byte) = bytes.next() {
        if byte == b'\n' || (byte == b'\r' && bytes.peek() != Some(&&b'\n')) {
            breaks += 1;
        }
    }
    breaks
}

/// Picks the separator from the first non-empty line: comma unless the line
/// has none and uses tabs or semicolons (Excel's "text" export and European
/// locales).
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let count = |needle: char| first_line.matches(needle).count();
    if count(',') > 0 {
        return b',';
    }
    let (tabs, semicolons) = (count('\t'), count(';'));
    if tabs == 0 && semicolons == 0 {
        b','
    } else if tabs >= semicolons {
        b'\t'
    } else {
        b';'
    }
}

fn read_xlsx(content: &[u8], limits: &Limits) -> Result<Vec<RawRow>, ImportFileError> {
    guard_zip_expansion(content, limits)?;
    let mut workbook = Xlsx::new(Cursor::new(content)).map_err(xlsx_error)?;
    let sheet_name = first_worksheet(&workbook).ok_or(ImportFileError::NoSheet)?;
    // Streaming the cells (instead of loading the whole range) lets the row
    // limit stop a huge sheet early.
    let mut cells_reader = workbook
        .worksheet_cells_reader(&sheet_name)
        .map_err(xlsx_error)?;
    let mut collector = RowCollector::new(limits);
    let mut current_row: Option<u32> = None;
    let mut cells: Vec<(usize, String)> = Vec::new();
    while let Some(cell) = cells_reader.next_cell().map_err(xlsx_error)? {
        let (row, column) = cell.get_position();
        if current_row != Some(row) {
            if let Some(previous) = current_row {
                collector.push(previous.saturating_add(1), std::mem::take(&mut cells))?;
            }
            current_row = Some(row);
        }
        if let Some(text) = render_cell(cell.get_value()) {
            let value = trim_cell(&text);
            if !value.is_empty() {
                cells.push((column as usize, value.to_owned()));
            }
        }
    }
    if let Some(previous) = current_row {
        collector.push(previous.saturating_add(1), cells)?;
    }
    collector.finish()
}

/// The first visible worksheet (chart sheets skipped); a workbook whose
/// worksheets are all hidden falls back to the first one.
fn first_worksheet<RS>(workbook: &Xlsx<RS>) -> Option<String>
where
    RS: std::io::Read + std::io::Seek,
{
    let sheets = workbook.sheets_metadata();
    let worksheets = || {
        sheets
            .iter()
            .filter(|sheet| sheet.typ == SheetType::WorkSheet)
    };
    worksheets()
        .find(|sheet| sheet.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|sheet| sheet.name.clone())
}

fn xlsx_error(error: XlsxError) -> ImportFileError {
    match error {
        XlsxError::Password => {
            ImportFileError::Unreadable("Excel 文件设置了密码，请取消密码保护后重新上传".to_owned())
        }
        _ => ImportFileError::Unreadable(XLSX_UNREADABLE.to_owned()),
    }
}

/// A cell as the user sees it, before trimming; `None` for an empty cell.
fn render_cell(value: &DataRef<'_>) -> Option<String> {
    match value {
        DataRef::Empty => None,
        DataRef::String(text) => Some(text.clone()),
        DataRef::SharedString(text) => Some((*text).to_owned()),
        DataRef::Int(number) => Some(number.to_string()),
        DataRef::Float(number) => Some(render_float(*number)),
        DataRef::Bool(flag) => Some(if *flag { "TRUE" } else { "FALSE" }.to_owned()),
        DataRef::DateTime(datetime) if datetime.is_datetime() => {
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            Some(format!("{year:04}-{month:02}-{day:02}"))
        }
        DataRef::DateTime(duration) => Some(render_float(duration.as_f64())),
        DataRef::DateTimeIso(text) => Some(text.split('T').next().unwrap_or(text).to_owned()),
        DataRef::DurationIso(text) => Some(text.clone()),
        // Kept visible (e.g. "#N/A") so the validator reports a bad value
        // rather than a missing one.
        DataRef::Error(error) => Some(error.to_string()),
    }
}

/// Integral numbers without ".0" or exponent. Up to 2^53 the value is exact
/// and printed through i64; beyond that (an 18-digit identity number typed as
/// a number) the digits are already lost, and Rust's shortest float display
/// gives what Excel shows, e.g. `220302199003071000`.
fn render_float(value: f64) -> String {
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT_LIMIT {
        // In range and integral, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let integer = value as i64;
        integer.to_string()
    } else {
        format!("{value}")
    }
}

/// Rejects ZIP bombs before calamine inflates anything: the uncompressed sizes
/// declared in the central directory (which the zip reader enforces while
/// inflating) may add up to at most 16 × `max_bytes`, and never less than
/// 64 MiB. Real workbooks compress text 5–10×, images not at all.
fn guard_zip_expansion(content: &[u8], limits: &Limits) -> Result<(), ImportFileError> {
    let allowed = u64::try_from(limits.max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_mul(16)
        .max(64 * 1024 * 1024);
    match declared_unzipped_size(content) {
        Some(total) if total > allowed => Err(ImportFileError::Unreadable(
            "Excel 文件解压后内容过大，请删除无关的工作表、图片或空白格式后重试".to_owned(),
        )),
        // An unparsable directory is left to calamine, which then fails.
        _ => Ok(()),
    }
}

/// Sum of the uncompressed sizes in a ZIP's central directory (ZIP64 aware),
/// or `None` when the directory cannot be located.
fn declared_unzipped_size(content: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
    const ZIP64_EOCD: &[u8] = b"PK\x06\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    const SENTINEL: u32 = 0xFFFF_FFFF;

    let last_start = content.len().checked_sub(22)?;
    let first_start = last_start.saturating_sub(65_535);
    let eocd = (first_start..=last_start)
        .rev()
        .find(|&at| content.get(at..at + 4) == Some(EOCD))?;
    let mut directory_size = u64::from(le_u32(content, eocd + 12)?);
    let mut directory_end = eocd;
    if directory_size == u64::from(SENTINEL) || le_u16(content, eocd + 10)? == 0xFFFF {
        let locator = eocd.checked_sub(20)?;
        if !content.get(locator..)?.starts_with(ZIP64_LOCATOR) {
            return None;
        }
        let record = usize::try_from(le_u64(content, locator + 8)?).ok()?;
        if !content.get(record..)?.starts_with(ZIP64_EOCD) {
            return None;
        }
        directory_size = le_u64(content, record + 40)?;
        directory_end = record;
    }
    let mut at = directory_end.checked_sub(usize::try_from(directory_size).ok()?)?;
    let mut total: u64 = 0;
    while at < directory_end && content.get(at..)?.starts_with(ENTRY) {
        let declared = le_u32(content, at + 24)?;
        let name_len = usize::from(le_u16(content, at + 28)?);
        let extra_len = usize::from(le_u16(content, at + 30)?);
        let comment_len = usize::from(le_u16(content, at + 32)?);
        let extra_start = at + 46 + name_len;
        let size = if declared == SENTINEL {
            // Without a readable ZIP64 field, count the sentinel itself (4 GiB):
            // the entry is not trusted.
            content
                .get(extra_start..extra_start + extra_len)
                .and_then(zip64_uncompressed_size)
                .unwrap_or(u64::from(SENTINEL))
        } else {
            u64::from(declared)
        };
        total = total.saturating_add(size);
        at = extra_start + extra_len + comment_len;
    }
    Some(total)
}

/// The uncompressed size from a ZIP64 extended-information extra field (it
/// comes first when the 32-bit field holds the sentinel).
fn zip64_uncompressed_size(extra: &[u8]) -> Option<u64> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = le_u16(extra, at)?;
        let len = usize::from(le_u16(extra, at + 2)?);
        if id == 0x0001 {
            return le_u64(extra, at + 4);
        }
        at += 4 + len;
    }
    None
}

fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

const RESIDENCE_VALUES: [&str; 2] = ["城镇", "农村"];
const EDUCATION_VALUES: [&str; 8] = [
    "无",
    "小学",
    "初中",
    "高中",
    "中专",
    "大专",
    "本科",
    "研究生",
];
const EMPLOYMENT_VALUES: [&str; 4] = ["未就业", "就业", "自主创业", "在校学生"];
const INTEREST_VALUES: [&str; 10] = [
    "直播带货",
    "短视频",
    "网店运营",
    "有声配音",
    "客服",
    "数据标注",
    "手工艺",
    "供应链",
    "数字素养",
    "创业",
];

/// The template managers download: sheet "学员" with the bold Chinese headers
/// (identity, certificate and phone columns formatted as text so Excel keeps
/// every digit; drop-down lists on the closed-choice columns), and sheet "说明"
/// explaining each column and its allowed values. It has no example row.
pub fn template_xlsx() -> Result<Vec<u8>, ImportFileError> {
    build_template()
        .map_err(|_| ImportFileError::Unreadable("导入模板生成失败，请稍后重试".to_owned()))
}

fn build_template() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let limits = Limits::default();
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name("学员")?;
    for (index, column) in Column::ALL.into_iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, column.chinese(), &bold)?;
        sheet.set_column_width(col, template_width(column))?;
        if matches!(
            column,
            Column::IdNumber | Column::DisabilityCertificateNumber | Column::Phone
        ) {
            sheet.set_column_format(col, &text)?;
        }
        let choices: &[&str] = match column {
            Column::Residence => &RESIDENCE_VALUES,
            Column::Education => &EDUCATION_VALUES,
            Column::EmploymentStatus => &EMPLOYMENT_VALUES,
            _ => &[],
        };
        if !choices.is_empty() {
            add_choice_list(sheet, col, column, choices, limits.max_rows)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;

    let notes = workbook.add_worksheet();
    notes.set_name("说明")?;
    write_notes(notes, &bold, &limits)?;

    workbook.save_to_buffer()
}

fn template_width(column: Column) -> f64 {
    match column {
        Column::IdNumber => 22.0,
        Column::DisabilityCertificateNumber => 26.0,
        Column::Phone => 15.0,
        Column::Interests => 30.0,
        Column::Education | Column::EmploymentStatus => 12.0,
        Column::Name | Column::Residence => 10.0,
    }
}

fn add_choice_list(
    sheet: &mut Worksheet,
    col: u16,
    column: Column,
    choices: &[&str],
    max_rows: usize,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let validation = DataValidation::new()
        .allow_list_strings(choices)?
        .ignore_blank(true)
        .set_error_title(format!("{}填写有误", column.chinese()))?
        .set_error_message(format!("请从下拉列表中选择：{}", choices.join("、")))?;
    let last_row = u32::try_from(max_rows)
        .unwrap_or(u32::MAX)
        .clamp(1, 1_048_575);
    sheet.add_data_validation(1, col, last_row, col, &validation)?;
    Ok(())
}

fn write_notes(
    notes: &mut Worksheet,
    bold: &Format,
    limits: &Limits,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let headings = ["列名", "英文列名", "是否必填", "填写说明", "可填写的值"];
    for (col, heading) in (0u16..).zip(headings) {
        notes.write_string_with_format(0, col, heading, bold)?;
    }
    for (col, width) in (0u16..).zip([12.0, 28.0, 10.0, 48.0, 48.0]) {
        notes.set_column_width(col, width)?;
    }
    for (row, column) in (1u32..).zip(Column::ALL) {
        let (explanation, allowed) = column_notes(column);
        let required = if column.is_required() {
            "必填"
        } else {
            "选填"
        };
        let cells = [
            column.chinese(),
            column.english(),
            required,
            explanation,
            allowed.as_str(),
        ];
        for (col, value) in (0u16..).zip(cells) {
            notes.write_string_with_format(row, col, value, &wrap)?;
        }
    }
    let general = [
        "填写须知".to_owned(),
        "1. 在“学员”工作表中填写，第一行为表头，请勿修改或删除列名；每位学员一行，从第二行开始。".to_owned(),
        "2. 身份证号、残疾证号、手机号列已设为文本格式，请直接输入或粘贴为文本，避免被 Excel 转成科学计数法而丢失数字。".to_owned(),
        format!(
            "3. 一次最多导入 {} 行，文件不超过 {}；人数较多时请拆分为多个文件。",
            limits.max_rows,
            human_size(limits.max_bytes)
        ),
        "4. 也可上传 UTF-8 编码的 CSV 文件，表头可使用上表中的中文或英文列名。".to_owned(),
    ];
    let plain = Format::new();
    let first_row = u32::try_from(Column::ALL.len()).unwrap_or(0) + 2;
    for (row, line) in (first_row..).zip(general) {
        let format = if row == first_row { bold } else { &plain };
        notes.write_string_with_format(row, 0, line, format)?;
    }
    Ok(())
}

/// The explanation and allowed values shown in the "说明" sheet.
fn column_notes(column: Column) -> (&'static str, String) {
    let list = |values: &[&str]| values.join("、");
    match column {
        Column::Name => ("学员姓名，与身份证一致", String::new()),
        Column::IdNumber => ("18 位居民身份证号码，末位可能是 X", String::new()),
        Column::DisabilityCertificateNumber => ("残疾人证上的证号", String::new()),
        Column::Phone => ("11 位手机号码", String::new()),
        Column::Residence => ("户籍所在地属于城镇还是农村", list(&RESIDENCE_VALUES)),
        Column::Education => ("最高学历", list(&EDUCATION_VALUES)),
        Column::EmploymentStatus => ("目前的就业情况", list(&EMPLOYMENT_VALUES)),
        Column::Interests => (
            "希望学习的方向，可填多个，用顿号“、”或逗号“,”分隔",
            list(&INTEREST_VALUES),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Vec<RawRow>, ImportFileError> {
        read_rows(text.as_bytes(), FileFormat::Csv, &Limits::default())
    }

    #[test]
    fn csv_with_chinese_headers() {
        let rows = csv(
            "姓名,身份证号,残疾证号,手机号,城乡,文化程度,就业状况,意向方向,备注\n\
             张三 , 11010519491231002X ,11010519491231002X42,13800138000,城镇,高中,未就业,\"直播带货、短视频\",随便\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.row, 2);
        assert_eq!(row.get(Column::Name), Some("张三"));
        assert_eq!(row.get(Column::IdNumber), Some("11010519491231002X"));
        assert_eq!(row.get(Column::Interests), Some("直播带货、短视频"));
        assert_eq!(row.get(Column::Education), Some("高中"));
        assert_eq!(row.cells.len(), 8, "unknown 备注 column is ignored");
    }

    #[test]
    fn csv_with_english_headers_and_bom() {
        let text = "\u{feff}Name,IDNUMBER,disabilityCertificateNumber,residence,phone\n李四,110105194912310021,A1,农村\n";
        let rows = csv(text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get(Column::Name), Some("李四"));
        assert_eq!(rows[0].get(Column::Residence), Some("农村"));
        assert_eq!(
            rows[0].get(Column::Phone),
            None,
            "short record: flexible lengths"
        );
    }

    #[test]
    fn header_recognition() {
        assert_eq!(Column::from_header(" 身份证号码 "), Some(Column::IdNumber));
        assert_eq!(
            Column::from_header("残疾人证号"),
            Some(Column::DisabilityCertificateNumber)
        );
        assert_eq!(Column::from_header("\u{feff}姓名"), Some(Column::Name));
        assert_eq!(Column::from_header("姓名*"), Some(Column::Name));
        assert_eq!(Column::from_header("城乡（必填）"), Some(Column::Residence));
        assert_eq!(
            Column::from_header("EmploymentStatus"),
            Some(Column::EmploymentStatus)
        );
        assert_eq!(Column::from_header("id_number"), Some(Column::IdNumber));
        assert_eq!(Column::from_header("备注"), None);
        assert_eq!(Column::from_header("  "), None);
        for column in Column::ALL {
            assert_eq!(Column::from_header(column.chinese()), Some(column));
            assert_eq!(Column::from_header(column.english()), Some(column));
        }
    }

    #[test]
    fn missing_required_columns() {
        let error = csv("姓名,手机号,城乡\n张三,13800138000,城镇\n").unwrap_err();
        assert_eq!(
            error,
            ImportFileError::MissingColumns(vec![
                Column::IdNumber,
                Column::DisabilityCertificateNumber
            ])
        );
        assert_eq!(error.to_string(), "缺少必填列：身份证号、残疾证号");
        assert_eq!(
            csv("a,b\n1,2\n").unwrap_err(),
            ImportFileError::MissingColumns(Column::REQUIRED.to_vec())
        );
        assert_eq!(csv("").unwrap_err(), ImportFileError::MissingHeader);
        assert_eq!(csv(" , \n\n").unwrap_err(), ImportFileError::MissingHeader);
    }

    #[test]
    fn blank_rows_skipped_with_row_numbers() {
        let text = "\n姓名,身份证号,残疾证号,城乡\r\n\
                    张三,1,2,城镇\r\n\
                    \r\n\
                    , , ,\r\n\
                    \"李\n四\",3,4,农村\r\n\
                    王五,5,6,城镇\r\n";
        let rows = csv(text).unwrap();
        let numbers: Vec<u32> = rows.iter().map(|row| row.row).collect();
        assert_eq!(numbers, vec![3, 6, 7]);
        assert_eq!(rows[1].get(Column::Name), Some("李\n四"));

        // LF-only and old-Mac CR-only files, a CRLF inside quotes, and
        // trailing blank lines.
        let text =
            "姓名,身份证号,残疾证号,城乡\n\n甲,1,2,城镇\n\"乙\r\n\",3,4,农村\n丙,5,6,城镇\n\n\n";
        let numbers: Vec<u32> = csv(text).unwrap().iter().map(|row| row.row).collect();
        assert_eq!(numbers, vec![3, 4, 5]);
        let text = "姓名,身份证号,残疾证号,城乡\r\r甲,1,2,城镇\r乙,3,4,农村";
        let numbers: Vec<u32> = csv(text).unwrap().iter().map(|row| row.row).collect();
        assert_eq!(numbers, vec![3, 4]);
    }

    #[test]
    fn title_row_above_header_is_skipped() {
        let rows = csv("2024 年学员名单\n姓名,身份证号,残疾证号,城乡\n张三,1,2,城镇\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 3);
    }

    #[test]
    fn rows_with_only_unknown_columns_are_skipped() {
        let rows =
            csv("序号,姓名,身份证号,残疾证号,城乡\n1,张三,1,2,城镇\n2,,,,\n3,,,,\n").unwrap();
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn duplicate_header_first_wins() {
        let rows = csv("姓名,身份证号,残疾证号,城乡,姓名\n张三,1,2,城镇,李四\n").unwrap();
        assert_eq!(rows[0].get(Column::Name), Some("张三"));
    }

    #[test]
    fn semicolon_and_tab_separated() {
        for separator in [";", "\t"] {
            let text = ["姓名", "身份证号", "残疾证号", "城乡"].join(separator)
                + "\n"
                + &["张三", "1", "2", "城镇"].join(separator);
            let rows = csv(&text).unwrap();
            assert_eq!(rows[0].get(Column::Residence), Some("城镇"));
        }
    }

    #[test]
    fn non_utf8_csv_is_rejected() {
        // "姓名" in GBK.
        let content = b"\xD0\xD5\xC3\xFB,a\n";
        let error = read_rows(content, FileFormat::Csv, &Limits::default()).unwrap_err();
        assert_eq!(error, ImportFileError::Unreadable(NOT_UTF8.to_owned()));
    }

    #[test]
    fn too_many_rows() {
        let limits = Limits {
            max_rows: 2,
            ..Limits::default()
        };
        let ok = "姓名,身份证号,残疾证号,城乡\n甲,1,2,城镇\n\n乙,1,2,城镇\n";
        assert_eq!(
            read_rows(ok.as_bytes(), FileFormat::Csv, &limits)
                .unwrap()
                .len(),
            2
        );
        let over = format!("{ok}丙,1,2,城镇\n");
        let error = read_rows(over.as_bytes(), FileFormat::Csv, &limits).unwrap_err();
        assert_eq!(error, ImportFileError::TooManyRows { max_rows: 2 });
        assert_eq!(error.to_string(), "数据超过 2 行上限，请拆分后分批导入");
    }

    #[test]
    fn too_large() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let error = read_rows(&[b'a'; 11], FileFormat::Csv, &limits).unwrap_err();
        assert_eq!(error, ImportFileError::TooLarge { max_bytes: 10 });
        let error = read_rows(&[b'a'; 11], FileFormat::Xlsx, &limits).unwrap_err();
        assert_eq!(error, ImportFileError::TooLarge { max_bytes: 10 });
        assert_eq!(
            ImportFileError::TooLarge {
                max_bytes: Limits::default().max_bytes
            }
            .to_string(),
            "文件超过 10 MB 上限"
        );
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(512 * 1024), "512 KB");
    }

    #[test]
    fn xlsx_round_trip() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let headers = [
            "序号",
            "姓名",
            "身份证号",
            "残疾证号",
            "手机号",
            "城乡",
            "意向方向",
        ];
        for (col, header) in (0u16..).zip(headers) {
            sheet.write_string(0, col, header).unwrap();
        }
        sheet.write_number(1, 0, 1).unwrap();
        sheet.write_string(1, 1, " 张三 ").unwrap();
        sheet.write_number(1, 2, 110_105_194_912_310_021.0).unwrap();
        sheet.write_string(1, 3, "11010519491231002142").unwrap();
        sheet.write_number(1, 4, 13_800_138_000.0).unwrap();
        sheet.write_string(1, 5, "城镇").unwrap();
        sheet.write_boolean(1, 6, true).unwrap();
        // Row 3 left blank; row 4 only has the 序号.
        sheet.write_number(3, 0, 3).unwrap();
        sheet.write_string(4, 1, "李四").unwrap();
        sheet.write_number(4, 4, 1.5).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 9).unwrap();
        let date_format = Format::new().set_num_format("yyyy/mm/dd");
        sheet
            .write_datetime_with_format(4, 6, &date, &date_format)
            .unwrap();
        let content = workbook.save_to_buffer().unwrap();

        assert_eq!(FileFormat::detect(None, &content), Some(FileFormat::Xlsx));
        let rows = read_rows(&content, FileFormat::Xlsx, &Limits::default()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].get(Column::Name), Some("张三"));
        // Precision beyond 2^53 is lost; the value renders as Excel shows it.
        assert_eq!(rows[0].get(Column::IdNumber), Some("110105194912310020"));
        assert_eq!(
            rows[0].get(Column::DisabilityCertificateNumber),
            Some("11010519491231002142")
        );
        assert_eq!(rows[0].get(Column::Phone), Some("13800138000"));
        assert_eq!(rows[0].get(Column::Interests), Some("TRUE"));
        assert_eq!(rows[1].row, 5);
        assert_eq!(rows[1].get(Column::Phone), Some("1.5"));
        assert_eq!(rows[1].get(Column::Interests), Some("2024-03-09"));
    }

    #[test]
    fn xlsx_garbage_is_unreadable() {
        let error =
            read_rows(b"PK\x03\x04garbage", FileFormat::Xlsx, &Limits::default()).unwrap_err();
        assert_eq!(
            error,
            ImportFileError::Unreadable(XLSX_UNREADABLE.to_owned())
        );
    }

    #[test]
    fn template_reads_back_with_no_rows() {
        let content = template_xlsx().unwrap();
        assert_eq!(
            read_rows(&content, FileFormat::Xlsx, &Limits::default()).unwrap(),
            Vec::new()
        );
        let mut workbook = Xlsx::new(Cursor::new(content.as_slice())).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["学员", "说明"]);
        let range = workbook.worksheet_range("学员").unwrap();
        let headers: Vec<Option<Column>> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|cell| Column::from_header(&cell.to_string()))
            .collect();
        assert_eq!(headers, Column::ALL.map(Some).to_vec());
        let notes = workbook.worksheet_range("说明").unwrap();
        let text: String = notes.cells().map(|(_, _, cell)| cell.to_string()).collect();
        for value in ["城镇、农村", "研究生", "在校学生", "数字素养", "顿号"] {
            assert!(text.contains(value), "说明 lacks {value}");
        }
    }

    #[test]
    fn zip_bomb_guard_counts_declared_sizes() {
        let content = template_xlsx().unwrap();
        let declared = declared_unzipped_size(&content).unwrap();
        assert!(declared > content.len() as u64);
        assert_eq!(declared_unzipped_size(b"not a zip"), None);

        // Claim a 2 GiB entry in the central directory: rejected before
        // anything is inflated.
        let mut bomb = content.clone();
        let eocd = (0..=bomb.len() - 22)
            .rev()
            .find(|&at| bomb[at..].starts_with(b"PK\x05\x06"))
            .unwrap();
        let directory = le_u32(&bomb, eocd + 16).unwrap() as usize;
        assert!(bomb[directory..].starts_with(b"PK\x01\x02"));
        bomb[directory + 24..directory + 28].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let error = read_rows(&bomb, FileFormat::Xlsx, &Limits::default()).unwrap_err();
        assert!(
            matches!(&error, ImportFileError::Unreadable(message) if message.contains("解压后")),
            "{error:?}"
        );
    }

    #[test]
    fn detect_format() {
        assert_eq!(
            FileFormat::detect(Some("学员.CSV"), b"a,b"),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::detect(Some("学员.xlsx"), b""),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::detect(Some("a.Xlsx "), b"x"),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::detect(Some("renamed.csv"), b"PK\x03\x04rest"),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::detect(None, b"PK\x03\x04rest"),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::detect(Some("upload"), "姓名,城乡\n".as_bytes()),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::detect(None, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            None
        );
        assert_eq!(
            FileFormat::detect(Some("old.xls"), b"\xD0\xCF\x11\xE0\0"),
            None
        );
        assert_eq!(FileFormat::detect(None, b""), None);
    }
}

//! XLSX reading with calamine: the first visible worksheet, streamed cell by cell, each cell
//! rendered as the user sees it.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};

use super::read::{InputColumn, RowCollector, trim_cell};
use super::{Limits, ReadError, zip_guard};

pub(super) const XLSX_UNREADABLE: &str = "无法读取 Excel 文件，文件可能已损坏或不是 .xlsx 格式";

/// Feeds every row of the first visible worksheet to `collector`, after the ZIP-bomb guard.
pub(super) fn read<C: InputColumn>(
    content: &[u8],
    limits: &Limits,
    collector: &mut RowCollector<'_, C>,
) -> Result<(), ReadError> {
    zip_guard::check(content, limits)?;
    let mut workbook = Xlsx::new(Cursor::new(content)).map_err(xlsx_error)?;
    let sheet_name = first_worksheet(&workbook).ok_or(ReadError::NoSheet)?;
    // Streaming the cells (instead of loading the whole range) lets the row limit stop a huge
    // sheet early.
    let mut cells_reader = workbook
        .worksheet_cells_reader(&sheet_name)
        .map_err(xlsx_error)?;
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
    Ok(())
}

/// The first visible worksheet (chart sheets skipped); a workbook whose worksheets are all
/// hidden falls back to the first one.
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

fn xlsx_error(error: XlsxError) -> ReadError {
    match error {
        XlsxError::Password => {
            ReadError::Unreadable("Excel 文件设置了密码，请取消密码保护后重新上传".to_owned())
        }
        _ => ReadError::Unreadable(XLSX_UNREADABLE.to_owned()),
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
        // Kept visible (e.g. "#N/A") so a validator reports a bad value rather than a
        // missing one.
        DataRef::Error(error) => Some(error.to_string()),
    }
}

/// Integral numbers without ".0" or exponent. Up to 2^53 the value is exact and printed
/// through i64; beyond that (an 18-digit identity number typed as a number) the digits are
/// already lost, and Rust's shortest float display gives what Excel shows, e.g.
/// `220302199003071000`.
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

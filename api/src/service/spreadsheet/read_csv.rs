//! CSV reading: UTF-8 (with or without BOM), comma, tab or semicolon separated, row numbers
//! as a spreadsheet shows them.

use super::ReadError;
use super::read::{InputColumn, RowCollector, trim_cell};

pub(super) const NOT_UTF8: &str = "文件不是 UTF-8 编码，请另存为 UTF-8 CSV 或 XLSX";

/// Feeds every record of a CSV file to `collector`.
pub(super) fn read<C: InputColumn>(
    content: &[u8],
    collector: &mut RowCollector<'_, C>,
) -> Result<(), ReadError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    // Checked up front so a GBK file (Excel's default "CSV" on Chinese Windows) gets a clear
    // message instead of mojibake headers.
    let text =
        std::str::from_utf8(content).map_err(|_| ReadError::Unreadable(NOT_UTF8.to_owned()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // The csv reader silently drops blank lines and lets quoted cells span lines, so the row
    // number a spreadsheet shows is rebuilt from the line breaks found between one record's
    // content and the next.
    let bytes = text.as_bytes();
    let mut previous_row: u64 = 0;
    let mut gap_start: usize = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                return Err(ReadError::Unreadable(format!(
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
        // The reader stops somewhere inside the record's terminator; back up to the end of
        // the content so the next gap sees the whole terminator.
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
    Ok(())
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

/// Picks the separator from the first non-empty line: comma unless the line has none and
/// uses tabs or semicolons (Excel's "text" export and European locales).
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

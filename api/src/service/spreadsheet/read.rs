//! Reading a file into rows keyed by the caller's columns: the header search, the column
//! mapping and the row limit. The CSV and XLSX parsers feed [`RowCollector`].

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;

use super::{FileFormat, Limits, ReadError, read_csv, read_xlsx};

/// The columns a file may carry, defined by the reader's caller (usually an enum).
pub trait InputColumn: Copy + Eq + Hash + Debug + 'static {
    /// Every column, in the order messages list them.
    const ALL: &'static [Self];

    /// The header names that mean this column. The first is its label in messages; the
    /// rest are synonyms and English names. English names match case-insensitively with
    /// spaces, `_` and `-` ignored (`id_number` and `ID Number` both mean `idNumber`).
    fn names(self) -> &'static [&'static str];

    /// Whether a file without this column is refused.
    fn is_required(self) -> bool;

    /// The label of this column in messages.
    fn label(self) -> &'static str {
        self.names().first().copied().unwrap_or_default()
    }

    /// Recognises a header cell. Surrounding spaces, a BOM, zero-width spaces, `*` required
    /// markers and one trailing bracketed note (`身份证号（必填）`) are ignored.
    fn from_header(cell: &str) -> Option<Self> {
        let header = normalise_header(cell);
        if header.is_empty() {
            return None;
        }
        let folded = fold(header);
        Self::ALL.iter().copied().find(|column| {
            column
                .names()
                .iter()
                .any(|name| *name == header || fold(name).eq_ignore_ascii_case(&folded))
        })
    }
}

/// English header names compare without spaces, `_` and `-`.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect()
}

/// Strips what surrounds a header's name: whitespace, BOM, zero-width spaces, `*` required
/// markers and one trailing bracketed note.
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

/// Trims a cell value; invisible BOM and zero-width characters pasted from other systems
/// count as whitespace here.
pub(super) fn trim_cell(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// One data row: its row number as a spreadsheet user sees it (the header is row 1 in a
/// plain file, the first data row 2) and its non-empty, trimmed cells by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<C: InputColumn> {
    /// The row number a user sees in Excel (1-based, header and blank rows included).
    pub row: u32,
    /// Non-empty, trimmed cells of recognised columns.
    pub cells: HashMap<C, String>,
}

impl<C: InputColumn> Row<C> {
    /// The trimmed value of `column`, or `None` when the cell is empty or the file has no
    /// such column.
    pub fn get(&self, column: C) -> Option<&str> {
        self.cells.get(&column).map(String::as_str)
    }
}

/// Reads a file into rows keyed by `C`.
///
/// The header is the first non-empty row that names at least one known column (looked for
/// within the first few non-empty rows, so a title row above it is tolerated). Rows with
/// no content in any recognised column are skipped and do not count towards
/// [`Limits::max_rows`]; unknown columns are ignored and a repeated column keeps its
/// leftmost occurrence. An XLSX file is read from its first visible worksheet.
pub fn read<C: InputColumn>(
    content: &[u8],
    format: FileFormat,
    limits: &Limits,
) -> Result<Vec<Row<C>>, ReadError> {
    if content.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let mut collector = RowCollector::new(limits);
    match format {
        FileFormat::Csv => read_csv::read(content, &mut collector)?,
        FileFormat::Xlsx => read_xlsx::read(content, limits, &mut collector)?,
    }
    collector.finish()
}

/// How many non-empty rows may precede the header (a title such as "2024 年学员名单"
/// above the header is common in people's own sheets).
const HEADER_SEARCH_ROWS: usize = 10;

/// Turns a stream of rows (each a list of `(column index, trimmed non-empty value)`) into
/// [`Row`]s, finding the header on the way.
pub(super) struct RowCollector<'a, C: InputColumn> {
    limits: &'a Limits,
    header: Option<HashMap<usize, C>>,
    non_empty_before_header: usize,
    rows: Vec<Row<C>>,
}

impl<'a, C: InputColumn> RowCollector<'a, C> {
    fn new(limits: &'a Limits) -> Self {
        RowCollector {
            limits,
            header: None,
            non_empty_before_header: 0,
            rows: Vec::new(),
        }
    }

    /// Takes the next row of the file, with its row number as a spreadsheet shows it.
    pub(super) fn push(
        &mut self,
        row: u32,
        mut cells: Vec<(usize, String)>,
    ) -> Result<(), ReadError> {
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
            return Err(ReadError::TooManyRows {
                max_rows: self.limits.max_rows,
            });
        }
        self.rows.push(Row { row, cells: values });
        Ok(())
    }

    fn try_header(&mut self, mut cells: Vec<(usize, String)>) -> Result<(), ReadError> {
        self.non_empty_before_header += 1;
        // Leftmost occurrence of a column wins.
        cells.sort_by_key(|(index, _)| *index);
        let mut header = HashMap::new();
        for (index, value) in &cells {
            if let Some(column) = C::from_header(value)
                && !header.values().any(|seen| *seen == column)
            {
                header.insert(*index, column);
            }
        }
        if header.is_empty() {
            if self.non_empty_before_header >= HEADER_SEARCH_ROWS {
                return Err(missing::<C>(|_| false));
            }
            return Ok(());
        }
        if C::ALL
            .iter()
            .any(|c| c.is_required() && !header.values().any(|seen| seen == c))
        {
            return Err(missing(|c| header.values().any(|seen| seen == c)));
        }
        self.header = Some(header);
        Ok(())
    }

    fn finish(self) -> Result<Vec<Row<C>>, ReadError> {
        match self.header {
            Some(_) => Ok(self.rows),
            None if self.non_empty_before_header == 0 => Err(ReadError::MissingHeader),
            None => Err(missing::<C>(|_| false)),
        }
    }
}

/// The required columns a header lacks, given which columns it has.
fn missing<C: InputColumn>(present: impl Fn(&C) -> bool) -> ReadError {
    ReadError::MissingColumns(
        C::ALL
            .iter()
            .filter(|c| c.is_required() && !present(c))
            .map(|c| c.label())
            .collect(),
    )
}

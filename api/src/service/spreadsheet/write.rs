//! Writing sheets of typed cells as XLSX (rust_xlsxwriter) or CSV, with the header row
//! bold and frozen, numbers stored as numbers, and text never turned into a formula.

use std::collections::HashMap;

use rust_xlsxwriter::{
    Chart, ChartType, DataValidation, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::cell::Cell;

/// Why a sheet could not be written (a programming error such as a bad sheet name, or an
/// I/O failure); nothing user-supplied is in the message.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The XLSX writer refused the workbook.
    #[error("XLSX: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV writer failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Whether text would be taken as a formula (or a DDE command) by a spreadsheet: it starts
/// with `=`, `+`, `-`, `@`, tab or CR (OWASP's list), or a full-width `＝＋－＠`, which
/// Chinese Excel also accepts as formula starters.
fn is_formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'])
}

/// A column of a sheet: its header and how its cells look in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetColumn {
    header: String,
    width: Option<f64>,
    as_text: bool,
    wrap: bool,
    choices: Vec<String>,
}

impl SheetColumn {
    /// A column with this header; its width follows its longest value.
    pub fn new(header: impl Into<String>) -> Self {
        SheetColumn {
            header: header.into(),
            width: None,
            as_text: false,
            wrap: false,
            choices: Vec::new(),
        }
    }

    /// A fixed width, in Excel's character units.
    pub fn width(mut self, width: f64) -> Self {
        self.width = Some(width);
        self
    }

    /// Formats the whole column as text, so what people type there (long numbers such as
    /// identity numbers) keeps every digit.
    pub fn as_text(mut self) -> Self {
        self.as_text = true;
        self
    }

    /// Wraps long text inside the cell.
    pub fn wrap(mut self) -> Self {
        self.wrap = true;
        self
    }

    /// Offers these values in a drop-down list (XLSX) on the data rows and the sheet's
    /// input rows, and refuses others typed there.
    pub fn choices<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.choices = values.into_iter().map(Into::into).collect();
        self
    }
}

/// A sheet: a header row of columns, rows of typed cells and notes below them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    name: String,
    columns: Vec<SheetColumn>,
    rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
    input_rows: u32,
    chart: Option<BarChart>,
}

/// A native bar chart of a sheet's rows: the first column names the bars, each series
/// column gives one bar per row (XLSX only).
#[derive(Debug, Clone, PartialEq)]
struct BarChart {
    title: String,
    series: Vec<u16>,
}

impl Sheet {
    /// An empty sheet named `name` (the XLSX tab; at most 31 characters, no `[]:*?/\`).
    pub fn new(name: impl Into<String>, columns: Vec<SheetColumn>) -> Self {
        Sheet {
            name: name.into(),
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
            input_rows: 0,
            chart: None,
        }
    }

    /// Appends a row; its cells go to the columns in order.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Appends a line of text below the table, after one blank row (XLSX only: a CSV file
    /// carries the data alone).
    pub fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }

    /// Adds a native bar chart titled `title` beside the table: the first column names the
    /// categories, and each of `series` (column indexes) is one series of bars, named by its
    /// header. XLSX only.
    pub fn bar_chart(mut self, title: impl Into<String>, series: &[u16]) -> Self {
        self.chart = Some(BarChart {
            title: title.into(),
            series: series.to_vec(),
        });
        self
    }

    /// For templates: how many rows beneath the header the drop-down lists cover even when
    /// the sheet has fewer rows.
    pub fn input_rows(mut self, rows: u32) -> Self {
        self.input_rows = rows;
        self
    }
}

/// The sheets as an XLSX workbook, in order.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    for sheet in sheets {
        write_sheet(workbook.add_worksheet(), sheet)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// How each column's cells are formatted.
struct ColumnFormats {
    text: Format,
    quoted: Format,
    number: Format,
    date: Format,
    datetime: Format,
    decimals: HashMap<u32, Format>,
}

impl ColumnFormats {
    fn of(column: &SheetColumn) -> Self {
        let base = if column.wrap {
            Format::new().set_text_wrap().set_align(FormatAlign::Top)
        } else {
            Format::new()
        };
        let text = if column.as_text {
            base.clone().set_num_format("@")
        } else {
            base.clone()
        };
        ColumnFormats {
            quoted: text.clone().set_quote_prefix(),
            text,
            date: base.clone().set_num_format("yyyy-mm-dd"),
            datetime: base.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            number: base,
            decimals: HashMap::new(),
        }
    }

    fn decimal(&mut self, scale: u32) -> &Format {
        let number = &self.number;
        self.decimals.entry(scale).or_insert_with(|| {
            let pattern = match scale {
                0 => "0".to_owned(),
                _ => format!("0.{}", "0".repeat(scale as usize)),
            };
            number.clone().set_num_format(pattern)
        })
    }
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet) -> Result<(), WriteError> {
    worksheet.set_name(&sheet.name)?;
    let bold = Format::new().set_bold();
    let mut formats: Vec<ColumnFormats> = sheet.columns.iter().map(ColumnFormats::of).collect();
    for (col, column) in (0u16..).zip(&sheet.columns) {
        write_text(
            worksheet,
            0,
            col,
            &column.header,
            &bold,
            &bold.clone().set_quote_prefix(),
        )?;
        if column.as_text {
            worksheet.set_column_format(col, &Format::new().set_num_format("@"))?;
        }
    }
    for (row, cells) in (1u32..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            let Some(format) = formats.get_mut(usize::from(col)) else {
                break;
            };
            write_cell(worksheet, row, col, cell, format)?;
        }
    }
    let data_rows = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
    let covered = data_rows.max(sheet.input_rows).clamp(1, 1_048_575);
    for (col, column) in (0u16..).zip(&sheet.columns) {
        if !column.choices.is_empty() {
            let validation = DataValidation::new()
                .allow_list_strings(&column.choices)?
                .ignore_blank(true)
                .set_error_title(format!("{}填写有误", column.header))?
                .set_error_message(format!("请从下拉列表中选择：{}", column.choices.join("、")))?;
            worksheet.add_data_validation(1, col, covered, col, &validation)?;
        }
        let width = column
            .width
            .unwrap_or_else(|| natural_width(sheet, usize::from(col)));
        worksheet.set_column_width(col, width)?;
    }
    let plain = Format::new();
    for (row, line) in (data_rows.saturating_add(2)..).zip(&sheet.notes) {
        write_text(
            worksheet,
            row,
            0,
            line,
            &plain,
            &plain.clone().set_quote_prefix(),
        )?;
    }
    if let Some(chart) = &sheet.chart {
        insert_bar_chart(worksheet, sheet, chart, data_rows)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The chart beside the table, referring to the sheet's own cells so it follows edits.
fn insert_bar_chart(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    chart: &BarChart,
    data_rows: u32,
) -> Result<(), XlsxError> {
    if data_rows == 0 {
        return Ok(());
    }
    let mut native = Chart::new(ChartType::Column);
    native.title().set_name(&chart.title);
    let name = sheet.name.as_str();
    for &col in &chart.series {
        native
            .add_series()
            .set_name((name, 0, col))
            .set_categories((name, 1, 0, data_rows, 0))
            .set_values((name, 1, col, data_rows, col));
    }
    let beside = u16::try_from(sheet.columns.len())
        .unwrap_or(u16::MAX)
        .saturating_add(1);
    worksheet.insert_chart(1, beside, &native)?;
    Ok(())
}

/// Text as a string cell; formula-like text also gets Excel's quote prefix, so editing the
/// cell later keeps it text.
fn write_text(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
    quoted: &Format,
) -> Result<(), XlsxError> {
    let format = if is_formula_like(text) {
        quoted
    } else {
        format
    };
    worksheet.write_string_with_format(row, col, text, format)?;
    Ok(())
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &mut ColumnFormats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => write_text(worksheet, row, col, text, &formats.text, &formats.quoted)?,
        // Integers beyond 2^53 lose digits as Excel numbers; write them as text instead.
        #[allow(clippy::cast_precision_loss)]
        Cell::Integer(number) if number.unsigned_abs() <= 1 << 53 => {
            worksheet.write_number_with_format(row, col, *number as f64, &formats.number)?;
        }
        Cell::Integer(number) => {
            worksheet.write_string_with_format(row, col, number.to_string(), &formats.text)?;
        }
        Cell::Number(number) => {
            worksheet.write_number_with_format(row, col, *number, &formats.number)?;
        }
        Cell::Decimal(number) => {
            use rust_decimal::prelude::ToPrimitive;
            let value = number.to_f64().unwrap_or_default();
            let format = formats.decimal(number.scale());
            worksheet.write_number_with_format(row, col, value, format)?;
        }
        Cell::Date(date) => {
            worksheet.write_datetime_with_format(row, col, date, &formats.date)?;
        }
        Cell::DateTime(at) => {
            worksheet.write_datetime_with_format(row, col, at, &formats.datetime)?;
        }
        Cell::Bool(flag) => {
            worksheet.write_boolean_with_format(row, col, *flag, &formats.number)?;
        }
    }
    Ok(())
}

/// A column wide enough for its header and longest cell (CJK characters count twice), at
/// least 8 and at most 60 characters.
fn natural_width(sheet: &Sheet, col: usize) -> f64 {
    let display =
        |text: &str| -> usize { text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
    let header = sheet.columns.get(col).map_or(0, |c| display(&c.header));
    let longest = sheet
        .rows
        .iter()
        .filter_map(|row| row.get(col))
        .map(|cell| display(&csv_text(cell)))
        .max()
        .unwrap_or(0);
    let chars = u32::try_from(header.max(longest))
        .unwrap_or(u32::MAX)
        .clamp(6, 58);
    f64::from(chars + 2)
}

/// The sheet as UTF-8 CSV with a BOM (so Excel on Chinese Windows reads it as UTF-8): the
/// header row, then the rows. Formula-like text starts with `'`.
pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, WriteError> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(sheet.columns.iter().map(|c| guard(&c.header)))?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(csv_text))?;
    }
    writer
        .into_inner()
        .map_err(|err| WriteError::Csv(err.into_error().into()))
}

/// Text with a leading `'` when a spreadsheet would take it for a formula (OWASP).
fn guard(text: &str) -> String {
    if is_formula_like(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => guard(text),
        Cell::Integer(number) => number.to_string(),
        Cell::Number(number) => number.to_string(),
        Cell::Decimal(number) => number.to_string(),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        Cell::DateTime(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
        Cell::Bool(flag) => if *flag { "TRUE" } else { "FALSE" }.to_owned(),
    }
}

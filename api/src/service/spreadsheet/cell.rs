//! The typed cells of a written sheet.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// One cell's value. Numbers, dates and booleans are stored as such in XLSX; text is always
/// text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text, guarded against formula injection.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Number(f64),
    /// An exact decimal (money), shown with its own number of decimals.
    Decimal(Decimal),
    /// A calendar date, shown `yyyy-mm-dd`.
    Date(NaiveDate),
    /// A date and time (in whatever zone the column says), shown `yyyy-mm-dd hh:mm:ss`.
    DateTime(NaiveDateTime),
    /// A truth value.
    Bool(bool),
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<i64> for Cell {
    fn from(number: i64) -> Self {
        Cell::Integer(number)
    }
}

impl From<i32> for Cell {
    fn from(number: i32) -> Self {
        Cell::Integer(i64::from(number))
    }
}

impl From<u32> for Cell {
    fn from(number: u32) -> Self {
        Cell::Integer(i64::from(number))
    }
}

impl From<f64> for Cell {
    fn from(number: f64) -> Self {
        Cell::Number(number)
    }
}

impl From<Decimal> for Cell {
    fn from(number: Decimal) -> Self {
        Cell::Decimal(number)
    }
}

impl From<NaiveDate> for Cell {
    fn from(date: NaiveDate) -> Self {
        Cell::Date(date)
    }
}

impl From<NaiveDateTime> for Cell {
    fn from(datetime: NaiveDateTime) -> Self {
        Cell::DateTime(datetime)
    }
}

impl From<bool> for Cell {
    fn from(flag: bool) -> Self {
        Cell::Bool(flag)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

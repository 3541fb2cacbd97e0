//! Cursors: a row's position in a sorted list, versioned and opaque to clients.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::Value;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The value of a sort key, as a cursor carries it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    /// The row's sort key is NULL (nulls sort after every value).
    Null,
    Text(String),
    Int(i64),
    Time(chrono::DateTime<chrono::Utc>),
    Date(chrono::NaiveDate),
    Uuid(Uuid),
}

impl Key {
    /// The key of a column value; None for a type keys do not support (sort keys are text,
    /// integers, times, dates or UUIDs).
    pub(super) fn of(value: Value) -> Option<Key> {
        Some(match value {
            Value::String(v) => v.map_or(Key::Null, Key::Text),
            Value::TinyInt(v) => v.map_or(Key::Null, |n| Key::Int(n.into())),
            Value::SmallInt(v) => v.map_or(Key::Null, |n| Key::Int(n.into())),
            Value::Int(v) => v.map_or(Key::Null, |n| Key::Int(n.into())),
            Value::BigInt(v) => v.map_or(Key::Null, Key::Int),
            Value::ChronoDateTimeUtc(v) => v.map_or(Key::Null, Key::Time),
            Value::ChronoDate(v) => v.map_or(Key::Null, Key::Date),
            Value::Uuid(v) => v.map_or(Key::Null, Key::Uuid),
            _ => return None,
        })
    }

    pub(super) fn value(&self) -> Value {
        match self {
            Key::Null => Value::String(None),
            Key::Text(s) => s.clone().into(),
            Key::Int(n) => (*n).into(),
            Key::Time(t) => (*t).into(),
            Key::Date(d) => (*d).into(),
            Key::Uuid(u) => (*u).into(),
        }
    }
}

/// A position in a sorted list: the sort it belongs to, the row's sort key and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    /// Name of the sort, e.g. "name"; "id" for the default order by id.
    #[serde(rename = "s")]
    pub sort: String,
    /// The sort key; None when sorting by id alone.
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    #[serde(rename = "i")]
    pub id: Uuid,
}

/// Version 1 cursors held only a UUID (the order by id); they stay valid.
const CURSOR_V1: &str = "k1:";
/// Version 2 cursors hold a JSON [`Cursor`].
const CURSOR_V2: &str = "c2:";
/// The name of the default sort, by id (creation order for UUIDv7 keys).
pub const BY_ID: &str = "id";

impl Cursor {
    /// The opaque string a client sees.
    pub fn encode(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_V2}{json}"))
    }

    /// Reads a cursor made by [`Cursor::encode`] (or a version 1 cursor).
    pub fn decode(text: &str) -> Result<Cursor, AppError> {
        let invalid = || AppError::BadUserInput("无效的游标（cursor）".to_owned());
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        if let Some(id) = text.strip_prefix(CURSOR_V1) {
            let id = Uuid::try_parse(id).map_err(|_| invalid())?;
            return Ok(Cursor::from(id));
        }
        let json = text.strip_prefix(CURSOR_V2).ok_or_else(invalid)?;
        serde_json::from_str(json).map_err(|_| invalid())
    }
}

/// A cursor in the default order by id.
impl From<Uuid> for Cursor {
    fn from(id: Uuid) -> Self {
        Cursor {
            sort: BY_ID.to_owned(),
            key: None,
            id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_version_1_cursors_still_read() {
        let cursor = Cursor {
            sort: "name".to_owned(),
            key: Some(Key::Text("王小明".to_owned())),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        let id = Uuid::now_v7();
        let v1 = URL_SAFE_NO_PAD.encode(format!("k1:{id}"));
        assert_eq!(Cursor::decode(&v1).unwrap(), Cursor::from(id));
        assert!(Cursor::decode("not a cursor").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("c2:{}")).is_err());
    }
}

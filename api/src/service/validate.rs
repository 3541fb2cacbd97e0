//! Small checks shared by the domains' input validation.

use super::{Problems, UserErrorCode};
use crate::error::AppError;

/// Longest search term: names are far shorter, and SQLite refuses LIKE patterns over
/// 50,000 bytes (an internal error otherwise).
pub const MAX_SEARCH_CHARS: usize = 100;

/// Trims `value` and checks it has between `min` and `max` characters (not bytes: names are
/// Chinese). Records a problem and returns None when it does not.
pub fn text(
    problems: &mut Problems,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Option<String> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 && min > 0 {
        problems.add(field, UserErrorCode::Required, "不能为空");
        None
    } else if len < min || len > max {
        problems.add(
            field,
            UserErrorCode::Invalid,
            format!("长度须在 {min} 到 {max} 个字符之间"),
        );
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// An optional free-text field: blank becomes None.
pub fn optional_text(
    problems: &mut Problems,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Some(None),
        Some(v) => text(problems, field, v, 1, max).map(Some),
    }
}

/// A telephone number as people write it: digits with optional `+`, `-`, spaces and
/// parentheses, 7 to 20 characters.
pub fn contact_phone(problems: &mut Problems, field: &str, value: &str) -> Option<String> {
    let trimmed = value.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if allowed && (7..=20).contains(&trimmed.len()) && digits >= 7 {
        Some(trimmed.to_owned())
    } else {
        problems.add(field, UserErrorCode::Invalid, "电话号码格式不正确");
        None
    }
}

/// Refuses a search term longer than [`MAX_SEARCH_CHARS`] (`BAD_USER_INPUT`).
pub fn search_term(search: Option<&str>) -> Result<(), AppError> {
    match search {
        Some(term) if term.trim().chars().count() > MAX_SEARCH_CHARS => Err(
            AppError::BadUserInput(format!("搜索词最多 {MAX_SEARCH_CHARS} 个字符")),
        ),
        _ => Ok(()),
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

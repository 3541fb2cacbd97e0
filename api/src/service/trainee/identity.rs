//! Validation of the identity documents a trainee registers with: the
//! resident identity number (GB 11643), the second-generation disability
//! certificate number and a mainland mobile phone number.
//!
//! Everything here is pure: the caller passes "today" so results do not
//! depend on the clock and tests stay deterministic.
//!
//! Over 400 lines only because of its table-driven tests; the code is under 300.

use chrono::NaiveDate;

/// Length of a resident identity number in characters.
const ID_LEN: usize = 18;
/// Length of a second-generation disability certificate number.
const CERTIFICATE_LEN: usize = 20;
/// Length of a mainland mobile number.
const PHONE_LEN: usize = 11;
/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const CHECK_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder of the weighted sum modulo 11.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Gender as encoded in the identity number's sequence digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// Odd sequence digit.
    Male,
    /// Even sequence digit.
    Female,
}

/// A valid GB 11643 resident identity number and what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityNumber {
    /// The 18-character number, trimmed, with a trailing `x` upper-cased.
    pub number: String,
    /// The six-digit administrative region code (characters 1–6).
    pub region_code: String,
    /// The date of birth encoded in characters 7–14.
    pub birth_date: NaiveDate,
    /// The sex encoded in the 17th character.
    pub sex: Sex,
}

/// Why a resident identity number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Not exactly 18 characters after trimming.
    Length,
    /// Not 17 digits followed by a digit or `X`.
    Format,
    /// The birth date is not a real calendar date or is before 1900-01-01.
    BirthDate,
    /// The birth date is after today.
    FutureBirthDate,
    /// The check character does not match the first 17 digits.
    CheckCharacter,
}

impl IdNumberError {
    /// A short Chinese sentence explaining the problem to the user.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self {
            Self::Length => "身份证号应为18位",
            Self::Format => "身份证号格式不正确，应为17位数字加1位数字或X",
            Self::BirthDate => "身份证号中的出生日期无效",
            Self::FutureBirthDate => "身份证号中的出生日期不能晚于今天",
            Self::CheckCharacter => "身份证号校验位不正确",
        }
    }
}

/// Parses and validates a resident identity number.
///
/// Surrounding whitespace is ignored and a lower-case `x` check character is
/// accepted and normalised to `X`. `today` bounds the birth date so that
/// callers (and tests) control the clock. Errors are reported in the order
/// length, format, birth date, check character.
///
/// # Errors
///
/// The first [`IdNumberError`] the input violates.
pub fn parse_id_number(input: &str, today: NaiveDate) -> Result<IdentityNumber, IdNumberError> {
    let trimmed = input.trim();
    if trimmed.chars().count() != ID_LEN {
        return Err(IdNumberError::Length);
    }
    // A fixed-size array of ASCII bytes: the constant indexes below are
    // checked at compile time and byte positions equal character positions.
    let bytes = normalise_id(trimmed).ok_or(IdNumberError::Format)?;

    let birth_date = parse_birth_date(&bytes[6..14]).ok_or(IdNumberError::BirthDate)?;
    if birth_date > today {
        return Err(IdNumberError::FutureBirthDate);
    }

    let [first17 @ .., check] = &bytes;
    if check_character(first17) != Some(*check) {
        return Err(IdNumberError::CheckCharacter);
    }

    let sex = if digit(bytes[16]) % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(IdentityNumber {
        number: ascii_string(&bytes),
        region_code: ascii_string(&bytes[..6]),
        birth_date,
        sex,
    })
}

/// Second-generation disability certificate: the 18-char identity number +
/// category digit 1–7 + level digit 1–4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The 20-character certificate number, trimmed, with `x` upper-cased.
    pub number: String,
    /// Disability category, 1–7 (视力, 听力, 言语, 肢体, 智力, 精神, 多重).
    pub category: u8,
    /// Disability level, 1 (most severe) to 4.
    pub level: u8,
}

/// Why a disability certificate number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateError {
    /// Not exactly 20 characters after trimming.
    Length,
    /// A character is not a digit (or `X` in the 18th position).
    Format,
    /// The first 18 characters differ from the trainee's identity number.
    IdMismatch,
    /// The category digit is not 1–7.
    Category,
    /// The level digit is not 1–4.
    Level,
}

impl CertificateError {
    /// A short Chinese sentence explaining the problem to the user.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self {
            Self::Length => "残疾人证号应为20位",
            Self::Format => "残疾人证号格式不正确",
            Self::IdMismatch => "残疾人证号前18位与身份证号不一致",
            Self::Category => "残疾人证号中的残疾类别应为1至7",
            Self::Level => "残疾人证号中的残疾等级应为1至4",
        }
    }
}

/// Parses a disability certificate number and checks it belongs to `id`.
///
/// Surrounding whitespace is ignored; an `x` in the 18th position is
/// normalised to `X` before comparing with the identity number. Errors are
/// reported in the order length, format, identity mismatch, category, level.
///
/// # Errors
///
/// The first [`CertificateError`] the input violates.
pub fn parse_certificate(
    input: &str,
    id: &IdentityNumber,
) -> Result<Certificate, CertificateError> {
    let trimmed = input.trim();
    if trimmed.chars().count() != CERTIFICATE_LEN {
        return Err(CertificateError::Length);
    }
    // Splitting by characters rather than bytes: non-ASCII input must end up
    // as a format error, not a slicing panic.
    let (id_part, suffix) = trimmed
        .char_indices()
        .nth(ID_LEN)
        .and_then(|(at, _)| trimmed.split_at_checked(at))
        .ok_or(CertificateError::Length)?;
    let id_part = ascii_string(&normalise_id(id_part).ok_or(CertificateError::Format)?);
    let &[category, level] = suffix.as_bytes() else {
        return Err(CertificateError::Format);
    };
    if !category.is_ascii_digit() || !level.is_ascii_digit() {
        return Err(CertificateError::Format);
    }

    if id_part != id.number {
        return Err(CertificateError::IdMismatch);
    }
    let category = digit(category);
    if !(1..=7).contains(&category) {
        return Err(CertificateError::Category);
    }
    let level = digit(level);
    if !(1..=4).contains(&level) {
        return Err(CertificateError::Level);
    }

    Ok(Certificate {
        number: format!("{id_part}{suffix}"),
        category,
        level,
    })
}

/// Why a mobile phone number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneError;

impl PhoneError {
    /// A short Chinese sentence explaining the problem to the user.
    #[must_use]
    pub fn message(&self) -> &'static str {
        "手机号码应为以13至19开头的11位数字"
    }
}

/// Mainland mobile number: 11 digits starting 1[3-9]; surrounding whitespace
/// trimmed; returns the normalized number.
///
/// # Errors
///
/// [`PhoneError`] when the trimmed input is not such a number.
pub fn parse_mobile_phone(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    // Any non-ASCII character fails `is_ascii_digit`, so counting bytes here
    // cannot accept a wrong number of characters.
    let Ok(bytes) = <&[u8; PHONE_LEN]>::try_from(trimmed.as_bytes()) else {
        return Err(PhoneError);
    };
    let valid = bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if valid {
        Ok(trimmed.to_owned())
    } else {
        Err(PhoneError)
    }
}

/// Returns the 18 bytes with `x` upper-cased if they are 17 ASCII digits
/// followed by a digit or `X`/`x`; `None` otherwise.
fn normalise_id(candidate: &str) -> Option<[u8; ID_LEN]> {
    let mut bytes: [u8; ID_LEN] = candidate.as_bytes().try_into().ok()?;
    let [first17 @ .., check] = &mut bytes;
    if !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match *check {
        b'0'..=b'9' | b'X' => {}
        b'x' => *check = b'X',
        _ => return None,
    }
    Some(bytes)
}

/// Builds a `String` from bytes already known to be ASCII.
fn ascii_string(bytes: &[u8]) -> String {
    bytes.iter().copied().map(char::from).collect()
}

/// Parses `YYYYMMDD` (already known to be ASCII digits) into a real date on
/// or after 1900-01-01.
fn parse_birth_date(digits: &[u8]) -> Option<NaiveDate> {
    let number = |range: &[u8]| {
        range
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(digit(b)))
    };
    let year = i32::try_from(number(digits.get(0..4)?)).ok()?;
    let month = number(digits.get(4..6)?);
    let day = number(digits.get(6..8)?);
    // `from_ymd_opt` rejects impossible dates such as 31 February and
    // 29 February outside leap years.
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    // The standard only covers people born from 1900 on.
    (year >= 1900).then_some(date)
}

/// ISO 7064 MOD 11-2 check character for the first 17 digits.
fn check_character(first17: &[u8]) -> Option<u8> {
    let sum: u32 = first17
        .iter()
        .zip(CHECK_WEIGHTS)
        .map(|(&b, w)| u32::from(digit(b)) * w)
        .sum();
    let index = usize::try_from(sum % 11).ok()?;
    CHECK_CHARS.get(index).copied()
}

/// Value of an ASCII digit; callers check `is_ascii_digit` first.
fn digit(b: u8) -> u8 {
    b.wrapping_sub(b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 1)
    }

    /// Appends the check character, computed independently of the code under
    /// test so a shared mistake cannot make both agree.
    fn with_check(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .chars()
            .zip(weights)
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        let check = "10X98765432".chars().nth((sum % 11) as usize).unwrap();
        format!("{first17}{check}")
    }

    /// Replaces the check character with a different valid-looking one.
    fn with_wrong_check(first17: &str) -> String {
        let good = with_check(first17);
        let wrong = if good.ends_with('0') { '1' } else { '0' };
        format!("{first17}{wrong}")
    }

    #[test]
    fn helper_agrees_with_published_examples() {
        // Hand-computed / well-known numbers anchor the test helper itself.
        assert_eq!(with_check("22030219900307123"), "220302199003071236");
        assert_eq!(with_check("11010519491231002"), "11010519491231002X");
        assert_eq!(with_check("22030219900307121"), "22030219900307121X");
    }

    /// Expected number, birth date and sex, or the error.
    type IdExpectation = Result<(&'static str, NaiveDate, Sex), IdNumberError>;
    /// Expected number, category and level, or the error.
    type CertificateExpectation = Result<(&'static str, u8, u8), CertificateError>;

    #[test]
    fn identity_numbers() {
        let cases: Vec<(&str, String, IdExpectation)> = vec![
            (
                "valid, odd sequence digit is male",
                "220302199003071236".into(),
                Ok(("220302199003071236", date(1990, 3, 7), Sex::Male)),
            ),
            (
                "valid, even sequence digit is female",
                "220302199003071244".into(),
                Ok(("220302199003071244", date(1990, 3, 7), Sex::Female)),
            ),
            (
                "upper-case X check character",
                "11010519491231002X".into(),
                Ok(("11010519491231002X", date(1949, 12, 31), Sex::Female)),
            ),
            (
                "lower-case x accepted and normalised",
                "22030219900307121x".into(),
                Ok(("22030219900307121X", date(1990, 3, 7), Sex::Male)),
            ),
            (
                "surrounding whitespace trimmed",
                " \t220302199003071236\n".into(),
                Ok(("220302199003071236", date(1990, 3, 7), Sex::Male)),
            ),
            (
                "29 Feb in a leap year",
                with_check("11010520000229001"),
                Ok(("110105200002290013", date(2000, 2, 29), Sex::Male)),
            ),
            (
                "born today",
                with_check("11010520250601002"),
                Ok(("110105202506010029", date(2025, 6, 1), Sex::Female)),
            ),
            (
                "earliest allowed birth date",
                with_check("11010519000101003"),
                Ok(("110105190001010036", date(1900, 1, 1), Sex::Male)),
            ),
            (
                "wrong check character",
                with_wrong_check("22030219900307123"),
                Err(IdNumberError::CheckCharacter),
            ),
            (
                "X where a digit is due",
                "22030219900307123X".into(),
                Err(IdNumberError::CheckCharacter),
            ),
            (
                "31 February",
                with_check("22030219900231123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "29 Feb in a non-leap year",
                with_check("22030220230229123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "29 Feb 1900 (century, not leap)",
                with_check("22030219000229123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "month 13",
                with_check("22030219901307123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "day 00",
                with_check("22030219900300123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "before 1900",
                with_check("22030218991231123"),
                Err(IdNumberError::BirthDate),
            ),
            (
                "future birth date",
                with_check("22030220250602123"),
                Err(IdNumberError::FutureBirthDate),
            ),
            (
                "letter among the digits",
                "2203021990A3071236".into(),
                Err(IdNumberError::Format),
            ),
            (
                "invalid check letter",
                "22030219900307123Y".into(),
                Err(IdNumberError::Format),
            ),
            (
                "inner space",
                "220302 99003071236".into(),
                Err(IdNumberError::Format),
            ),
            (
                "full-width digit",
                "２20302199003071236".into(),
                Err(IdNumberError::Format),
            ),
            (
                "17 characters",
                "22030219900307123".into(),
                Err(IdNumberError::Length),
            ),
            (
                "19 characters",
                "2203021990030712361".into(),
                Err(IdNumberError::Length),
            ),
            ("empty", "   ".into(), Err(IdNumberError::Length)),
            (
                "15-digit first-generation number",
                "220302900307123".into(),
                Err(IdNumberError::Length),
            ),
        ];
        for (name, input, expected) in cases {
            let got = parse_id_number(&input, today());
            match expected {
                Ok((number, birth_date, sex)) => {
                    let id = got.unwrap_or_else(|e| panic!("{name}: unexpected {e:?}"));
                    assert_eq!(id.number, number, "{name}");
                    assert_eq!(id.region_code, &number[..6], "{name}");
                    assert_eq!(id.birth_date, birth_date, "{name}");
                    assert_eq!(id.sex, sex, "{name}");
                }
                Err(error) => assert_eq!(got, Err(error), "{name}"),
            }
        }
    }

    #[test]
    fn certificates() {
        let id = parse_id_number("22030219900307121X", today()).unwrap();
        let cases: Vec<(&str, &str, CertificateExpectation)> = vec![
            (
                "valid",
                "22030219900307121X11",
                Ok(("22030219900307121X11", 1, 1)),
            ),
            (
                "highest category and level",
                "22030219900307121X74",
                Ok(("22030219900307121X74", 7, 4)),
            ),
            (
                "lower-case x normalised",
                " 22030219900307121x43 ",
                Ok(("22030219900307121X43", 4, 3)),
            ),
            (
                "category 8",
                "22030219900307121X81",
                Err(CertificateError::Category),
            ),
            (
                "category 0",
                "22030219900307121X01",
                Err(CertificateError::Category),
            ),
            (
                "level 0",
                "22030219900307121X40",
                Err(CertificateError::Level),
            ),
            (
                "level 5",
                "22030219900307121X45",
                Err(CertificateError::Level),
            ),
            (
                "someone else's number",
                "22030219900307122811",
                Err(CertificateError::IdMismatch),
            ),
            (
                "non-digit category",
                "22030219900307121XA1",
                Err(CertificateError::Format),
            ),
            (
                "non-digit level",
                "22030219900307121X1B",
                Err(CertificateError::Format),
            ),
            (
                "letter in id part",
                "2203021990030712AX11",
                Err(CertificateError::Format),
            ),
            (
                "full-width level",
                "22030219900307121X1１",
                Err(CertificateError::Format),
            ),
            (
                "identity number only",
                "22030219900307121X",
                Err(CertificateError::Length),
            ),
            (
                "21 characters",
                "22030219900307121X111",
                Err(CertificateError::Length),
            ),
        ];
        for (name, input, expected) in cases {
            let got = parse_certificate(input, &id);
            let expected = expected.map(|(number, category, level)| Certificate {
                number: number.to_owned(),
                category,
                level,
            });
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn mobile_phones() {
        let cases: [(&str, Result<&str, PhoneError>); 10] = [
            ("13812345678", Ok("13812345678")),
            (" 19912345678\t", Ok("19912345678")),
            ("16612345678", Ok("16612345678")),
            ("12812345678", Err(PhoneError)),
            ("10812345678", Err(PhoneError)),
            ("23812345678", Err(PhoneError)),
            ("1381234567", Err(PhoneError)),
            ("138123456789", Err(PhoneError)),
            ("138-1234-5678", Err(PhoneError)),
            ("１3812345678", Err(PhoneError)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_mobile_phone(input),
                expected.map(str::to_owned),
                "{input:?}"
            );
        }
    }

    #[test]
    fn every_error_has_a_chinese_message() {
        let messages = [
            IdNumberError::Length.message(),
            IdNumberError::Format.message(),
            IdNumberError::BirthDate.message(),
            IdNumberError::FutureBirthDate.message(),
            IdNumberError::CheckCharacter.message(),
            CertificateError::Length.message(),
            CertificateError::Format.message(),
            CertificateError::IdMismatch.message(),
            CertificateError::Category.message(),
            CertificateError::Level.message(),
            PhoneError.message(),
        ];
        for message in messages {
            assert!(!message.is_ascii(), "{message}");
        }
    }
}

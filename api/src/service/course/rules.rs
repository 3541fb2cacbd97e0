//! The course domain's rules that need no database: the status life, which courses fit which
//! disability, certificate numbers and how a certificate holder's name is shown.

use entity::{AccessibilityFeature, CourseStatus, DeliveryMode, DisabilityCategory};
use rand::Rng;

/// Whether a course may move from `from` to `to`. Only one step forward at a time:
/// DRAFT → OPEN → CLOSED → ARCHIVED. Staying where it is is not a move.
pub fn may_move(from: CourseStatus, to: CourseStatus) -> bool {
    use CourseStatus::*;
    from == to
        || matches!(
            (from, to),
            (Draft, Open) | (Open, Closed) | (Closed, Archived)
        )
}

/// What makes a course fit a disability category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Any course fits (the manager decides for multiple disabilities).
    pub any: bool,
    /// The course fits when it has one of these features …
    pub features: &'static [AccessibilityFeature],
    /// … or, when true, when it is delivered online.
    pub online: bool,
}

/// The fit table: which courses suit a trainee of `category`.
pub fn fit(category: DisabilityCategory) -> Fit {
    use AccessibilityFeature::*;
    let needs = |features, online| Fit {
        any: false,
        features,
        online,
    };
    match category {
        DisabilityCategory::Visual => needs(&[AudioDescription, ScreenReaderFriendly], false),
        DisabilityCategory::Hearing => needs(&[Captions, SignLanguage], false),
        DisabilityCategory::Speech => needs(&[Captions], true),
        DisabilityCategory::Physical => needs(&[WheelchairAccessible], true),
        DisabilityCategory::Intellectual => needs(&[EasyRead], false),
        DisabilityCategory::Mental | DisabilityCategory::Multiple => Fit {
            any: true,
            features: &[],
            online: false,
        },
    }
}

/// Whether a course with `features`, delivered as `delivery`, fits `category`.
pub fn fits(
    category: DisabilityCategory,
    features: &[AccessibilityFeature],
    delivery: DeliveryMode,
) -> bool {
    let fit = fit(category);
    fit.any
        || (fit.online && delivery == DeliveryMode::Online)
        || fit.features.iter().any(|f| features.contains(f))
}

/// Characters of a certificate number's random part: no 0/O, 1/I/L or U/V look-alikes.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";

/// A new certificate number: `QH-<year>-XXXX-XXXX` with eight random characters from a
/// look-alike-free alphabet (29⁸ ≈ 5·10¹¹ per year), so that numbers cannot be enumerated to
/// list the (disabled) holders.
pub fn certificate_number(year: i32) -> String {
    let mut rng = rand::rngs::OsRng;
    let mut part = || -> String {
        (0..4)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect()
    };
    format!("QH-{year}-{}-{}", part(), part())
}

/// The form of a typed certificate number that is looked up: trimmed and upper-case.
pub fn normalise_certificate_number(typed: &str) -> String {
    typed.trim().to_uppercase()
}

/// A holder's name as a certificate check shows it: the first and last character, the rest
/// hidden (`王小明` → `王*明`, `李四` → `李*`).
pub fn masked_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn status_moves_one_step_forward_only() {
        use CourseStatus::*;
        let allowed = [(Draft, Open), (Open, Closed), (Closed, Archived)];
        for from in CourseStatus::iter() {
            for to in CourseStatus::iter() {
                let expected = from == to || allowed.contains(&(from, to));
                assert_eq!(may_move(from, to), expected, "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn the_fit_table() {
        use AccessibilityFeature::*;
        use DeliveryMode::*;
        use DisabilityCategory::*;
        assert!(fits(Visual, &[AudioDescription], Offline));
        assert!(fits(Visual, &[ScreenReaderFriendly], Offline));
        assert!(!fits(Visual, &[Captions, SignLanguage], Online));
        assert!(fits(Hearing, &[Captions], Offline));
        assert!(fits(Hearing, &[SignLanguage], Offline));
        assert!(!fits(Hearing, &[AudioDescription], Online));
        assert!(fits(Speech, &[Captions], Offline));
        assert!(fits(Speech, &[], Online));
        assert!(!fits(Speech, &[SignLanguage], Hybrid));
        assert!(fits(Physical, &[], Online));
        assert!(fits(Physical, &[WheelchairAccessible], Offline));
        assert!(!fits(Physical, &[EasyRead], Hybrid));
        assert!(fits(Intellectual, &[EasyRead], Offline));
        assert!(!fits(Intellectual, &[Captions], Online));
        assert!(fits(Mental, &[], Offline));
        assert!(fits(Multiple, &[], Offline));
    }

    #[test]
    fn certificate_numbers_have_a_random_part_without_look_alikes() {
        let numbers: std::collections::HashSet<String> =
            (0..1000).map(|_| certificate_number(2026)).collect();
        assert_eq!(numbers.len(), 1000);
        for number in &numbers {
            assert_eq!(number.len(), "QH-2026-XXXX-XXXX".len());
            assert!(number.starts_with("QH-2026-"));
            assert!(
                number[8..]
                    .chars()
                    .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
            );
            assert!(!number[8..].contains(['0', 'O', '1', 'I', 'L']));
        }
        assert_eq!(
            normalise_certificate_number(" qh-2026-7k3f-9q2m "),
            "QH-2026-7K3F-9Q2M"
        );
    }

    #[test]
    fn holder_names_keep_first_and_last_character() {
        assert_eq!(masked_name("王小明"), "王*明");
        assert_eq!(masked_name("李四"), "李*");
        assert_eq!(masked_name("欧阳小明"), "欧**明");
        assert_eq!(masked_name("王"), "*");
    }
}

//! Lists of training categories stored in one text column (a base's focus areas, a
//! trainee's interests): their stored names joined by commas, in the enum's order.

use entity::TrainingCategory;
use sea_orm::{ActiveEnum, Iterable};

/// The categories in a stored list; unknown names are ignored.
pub fn decode(stored: &str) -> Vec<TrainingCategory> {
    let names: Vec<&str> = stored.split(',').filter(|s| !s.is_empty()).collect();
    TrainingCategory::iter()
        .filter(|c| names.contains(&c.to_value().as_str()))
        .collect()
}

/// The stored form of a list; duplicates collapse and the order is the enum's.
pub fn encode(categories: &[TrainingCategory]) -> String {
    TrainingCategory::iter()
        .filter(|c| categories.contains(c))
        .map(|c| c.to_value())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_enum_order_without_duplicates() {
        let stored = encode(&[
            TrainingCategory::ShortVideo,
            TrainingCategory::LivestreamCommerce,
            TrainingCategory::ShortVideo,
        ]);
        assert_eq!(stored, "LIVESTREAM_COMMERCE,SHORT_VIDEO");
        assert_eq!(
            decode(&stored),
            [
                TrainingCategory::LivestreamCommerce,
                TrainingCategory::ShortVideo
            ]
        );
        assert!(decode("").is_empty());
        assert_eq!(
            decode("NOT_A_CATEGORY,VOICE_WORK"),
            [TrainingCategory::VoiceWork]
        );
    }
}

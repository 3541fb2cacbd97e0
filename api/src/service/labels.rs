//! The Chinese labels of the stored enums: the one table per enum that import parsing, the
//! import template and spreadsheet exports share.
//!
//! Each value has its label (what the template offers and exports write) and the other words
//! managers' own sheets use for it. Reading also accepts the API's enum name in any case
//! (`RURAL`, `rural`), so a CSV made from GraphQL data reads back.

use entity::{
    DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Indicator, Residence,
    TraineeStatus, TrainingCategory,
};
use sea_orm::ActiveEnum;

/// An enum with Chinese labels.
pub trait Labelled: Copy + PartialEq + ActiveEnum<Value = String> + 'static {
    /// Every value in the enum's order with its label first, then accepted synonyms.
    const LABELS: &'static [(Self, &'static [&'static str])];

    /// The Chinese label of a value.
    fn label(self) -> &'static str {
        Self::LABELS
            .iter()
            .find(|(value, _)| *value == self)
            .and_then(|(_, words)| words.first().copied())
            .unwrap_or_default()
    }

    /// The value a cell names: a label, a synonym or the API's enum name (any case).
    fn from_label(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::LABELS.iter().map(|(value, _)| *value).find(|value| {
            value.to_value().eq_ignore_ascii_case(text)
                || Self::LABELS
                    .iter()
                    .any(|(v, words)| v == value && words.contains(&text))
        })
    }

    /// The labels of every value, in the enum's order (for drop-down lists and help text).
    fn labels() -> Vec<&'static str> {
        Self::LABELS
            .iter()
            .map(|(value, _)| value.label())
            .collect()
    }
}

impl Labelled for Residence {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (Residence::Urban, &["城镇", "城市"]),
        (Residence::Rural, &["农村", "乡村"]),
    ];
}

impl Labelled for EducationLevel {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (EducationLevel::None, &["无", "文盲"]),
        (EducationLevel::Primary, &["小学"]),
        (EducationLevel::JuniorSecondary, &["初中"]),
        (EducationLevel::SeniorSecondary, &["高中"]),
        (EducationLevel::Vocational, &["中专", "职高", "技校"]),
        (EducationLevel::College, &["大专"]),
        (EducationLevel::Bachelor, &["本科", "大学"]),
        (EducationLevel::Postgraduate, &["研究生", "硕士", "博士"]),
    ];
}

impl Labelled for EmploymentStatus {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (EmploymentStatus::Unemployed, &["未就业", "失业"]),
        (EmploymentStatus::Employed, &["就业", "已就业"]),
        (
            EmploymentStatus::SelfEmployed,
            &["自主创业", "创业", "个体"],
        ),
        (EmploymentStatus::Student, &["在校学生", "学生", "在校"]),
    ];
}

impl Labelled for TrainingCategory {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (TrainingCategory::LivestreamCommerce, &["直播带货", "直播"]),
        (TrainingCategory::ShortVideo, &["短视频"]),
        (TrainingCategory::OnlineStore, &["网店运营", "网店", "电商"]),
        (
            TrainingCategory::VoiceWork,
            &["有声配音", "配音", "声音创业"],
        ),
        (
            TrainingCategory::CustomerService,
            &["客服", "话务", "在线客服"],
        ),
        (TrainingCategory::DataLabeling, &["数据标注"]),
        (TrainingCategory::Handicraft, &["手工艺", "手工"]),
        (TrainingCategory::SupplyChain, &["供应链"]),
        (TrainingCategory::DigitalLiteracy, &["数字素养"]),
        (TrainingCategory::Entrepreneurship, &["创业"]),
    ];
}

impl Labelled for DisabilityCategory {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (DisabilityCategory::Visual, &["视力残疾", "视力"]),
        (DisabilityCategory::Hearing, &["听力残疾", "听力"]),
        (DisabilityCategory::Speech, &["言语残疾", "言语"]),
        (DisabilityCategory::Physical, &["肢体残疾", "肢体"]),
        (DisabilityCategory::Intellectual, &["智力残疾", "智力"]),
        (DisabilityCategory::Mental, &["精神残疾", "精神"]),
        (DisabilityCategory::Multiple, &["多重残疾", "多重"]),
    ];
}

impl Labelled for Indicator {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (Indicator::ActiveBases, &["运营基地数"]),
        (Indicator::TrainingPersonTimes, &["培训人次"]),
        (Indicator::Stars, &["网创红人数"]),
        (Indicator::NewEmployment, &["新增就业人数"]),
        (Indicator::SupportedEntrepreneurs, &["扶持创业人数"]),
        (Indicator::PublishedProducts, &["上架产品数"]),
    ];
}

impl Labelled for Gender {
    const LABELS: &'static [(Self, &'static [&'static str])] =
        &[(Gender::Male, &["男"]), (Gender::Female, &["女"])];
}

impl Labelled for TraineeStatus {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (TraineeStatus::Active, &["在训"]),
        (TraineeStatus::Graduated, &["结业"]),
        (TraineeStatus::Withdrawn, &["退出"]),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    /// Every value has a label, in the enum's order, and no word names two values.
    fn complete<E: Labelled + Iterable + std::fmt::Debug>() {
        let listed: Vec<E> = E::LABELS.iter().map(|(value, _)| *value).collect();
        assert_eq!(listed, E::iter().collect::<Vec<_>>());
        for (value, words) in E::LABELS {
            assert!(!words.is_empty(), "{value:?} has no label");
            for word in *words {
                assert_eq!(E::from_label(word), Some(*value), "{word}");
            }
            assert_eq!(
                E::from_label(&value.to_value().to_lowercase()),
                Some(*value)
            );
        }
    }

    #[test]
    fn every_enum_is_labelled_completely() {
        complete::<Residence>();
        complete::<EducationLevel>();
        complete::<EmploymentStatus>();
        complete::<TrainingCategory>();
        complete::<DisabilityCategory>();
        complete::<Gender>();
        complete::<TraineeStatus>();
        complete::<entity::Indicator>();
    }

    #[test]
    fn labels_read_and_write() {
        assert_eq!(Residence::Rural.label(), "农村");
        assert_eq!(Residence::from_label(" 城市 "), Some(Residence::Urban));
        assert_eq!(Residence::from_label("urban"), Some(Residence::Urban));
        assert_eq!(Residence::from_label("海边"), None);
        assert_eq!(
            EducationLevel::from_label("JUNIOR_SECONDARY"),
            Some(EducationLevel::JuniorSecondary)
        );
        assert_eq!(
            EmploymentStatus::labels(),
            ["未就业", "就业", "自主创业", "在校学生"]
        );
        assert_eq!(
            TrainingCategory::from_label("创业"),
            Some(TrainingCategory::Entrepreneurship)
        );
        assert_eq!(
            EmploymentStatus::from_label("创业"),
            Some(EmploymentStatus::SelfEmployed)
        );
    }
}

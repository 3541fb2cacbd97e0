//! Enumerations stored as short strings, so the database stays readable and portable.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Level of an administrative division in GB/T 2260.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RegionLevel {
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    #[sea_orm(string_value = "CITY")]
    City,
    #[sea_orm(string_value = "COUNTY")]
    County,
}

/// What an account may do; see the permission table in API.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "BASE_MANAGER")]
    BaseManager,
    #[sea_orm(string_value = "INSTRUCTOR")]
    Instructor,
    #[sea_orm(string_value = "TRAINEE")]
    Trainee,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
}

/// Life cycle of an incubation base.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum BaseStatus {
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// Kinds of online work a base trains for and a course teaches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TrainingCategory {
    #[sea_orm(string_value = "LIVESTREAM_COMMERCE")]
    LivestreamCommerce,
    #[sea_orm(string_value = "SHORT_VIDEO")]
    ShortVideo,
    #[sea_orm(string_value = "ONLINE_STORE")]
    OnlineStore,
    #[sea_orm(string_value = "VOICE_WORK")]
    VoiceWork,
    #[sea_orm(string_value = "CUSTOMER_SERVICE")]
    CustomerService,
    #[sea_orm(string_value = "DATA_LABELING")]
    DataLabeling,
    #[sea_orm(string_value = "HANDICRAFT")]
    Handicraft,
    #[sea_orm(string_value = "SUPPLY_CHAIN")]
    SupplyChain,
    #[sea_orm(string_value = "DIGITAL_LITERACY")]
    DigitalLiteracy,
    #[sea_orm(string_value = "ENTREPRENEURSHIP")]
    Entrepreneurship,
}

/// Gender, as encoded in the identity number.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Gender {
    #[sea_orm(string_value = "MALE")]
    Male,
    #[sea_orm(string_value = "FEMALE")]
    Female,
}

/// Disability category: the 19th character of the certificate number (1–7).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DisabilityCategory {
    #[sea_orm(string_value = "VISUAL")]
    Visual,
    #[sea_orm(string_value = "HEARING")]
    Hearing,
    #[sea_orm(string_value = "SPEECH")]
    Speech,
    #[sea_orm(string_value = "PHYSICAL")]
    Physical,
    #[sea_orm(string_value = "INTELLECTUAL")]
    Intellectual,
    #[sea_orm(string_value = "MENTAL")]
    Mental,
    #[sea_orm(string_value = "MULTIPLE")]
    Multiple,
}

/// Urban or rural residence (rural disabled people are a priority group).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Residence {
    #[sea_orm(string_value = "URBAN")]
    Urban,
    #[sea_orm(string_value = "RURAL")]
    Rural,
}

/// Highest education completed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum EducationLevel {
    #[sea_orm(string_value = "NONE")]
    None,
    #[sea_orm(string_value = "PRIMARY")]
    Primary,
    #[sea_orm(string_value = "JUNIOR_SECONDARY")]
    JuniorSecondary,
    #[sea_orm(string_value = "SENIOR_SECONDARY")]
    SeniorSecondary,
    #[sea_orm(string_value = "VOCATIONAL")]
    Vocational,
    #[sea_orm(string_value = "COLLEGE")]
    College,
    #[sea_orm(string_value = "BACHELOR")]
    Bachelor,
    #[sea_orm(string_value = "POSTGRADUATE")]
    Postgraduate,
}

/// Employment status at registration or last update.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EmploymentStatus {
    #[sea_orm(string_value = "UNEMPLOYED")]
    Unemployed,
    #[sea_orm(string_value = "EMPLOYED")]
    Employed,
    #[sea_orm(string_value = "SELF_EMPLOYED")]
    SelfEmployed,
    #[sea_orm(string_value = "STUDENT")]
    Student,
}

/// Where a trainee is in the programme.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TraineeStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "GRADUATED")]
    Graduated,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// The "four ones" (四个一) employment services.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ServiceKind {
    #[sea_orm(string_value = "INFO_VERIFICATION")]
    InfoVerification,
    #[sea_orm(string_value = "CAPABILITY_ASSESSMENT")]
    CapabilityAssessment,
    #[sea_orm(string_value = "NEED_REGISTRATION")]
    NeedRegistration,
    #[sea_orm(string_value = "EMPLOYMENT_SERVICE")]
    EmploymentService,
}

/// How a consent to process sensitive data was collected.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ConsentSource {
    /// Given in the registration form.
    #[sea_orm(string_value = "REGISTRATION")]
    Registration,
    /// Attested by the importing manager for a row of an imported file (paper forms).
    #[sea_orm(string_value = "IMPORT")]
    Import,
}

/// How a course is delivered.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum DeliveryMode {
    #[sea_orm(string_value = "ONLINE")]
    Online,
    #[sea_orm(string_value = "OFFLINE")]
    Offline,
    #[sea_orm(string_value = "HYBRID")]
    Hybrid,
}

/// What a course offers so that people with a given disability can take part.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum AccessibilityFeature {
    #[sea_orm(string_value = "SIGN_LANGUAGE")]
    SignLanguage,
    #[sea_orm(string_value = "CAPTIONS")]
    Captions,
    #[sea_orm(string_value = "AUDIO_DESCRIPTION")]
    AudioDescription,
    #[sea_orm(string_value = "SCREEN_READER_FRIENDLY")]
    ScreenReaderFriendly,
    #[sea_orm(string_value = "EASY_READ")]
    EasyRead,
    #[sea_orm(string_value = "WHEELCHAIR_ACCESSIBLE")]
    WheelchairAccessible,
}

/// Life of a course: DRAFT → OPEN (enrolment) → CLOSED (no new enrolments) → ARCHIVED.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CourseStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// Where a trainee stands in a course.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EnrollmentStatus {
    #[sea_orm(string_value = "ENROLLED")]
    Enrolled,
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    #[sea_orm(string_value = "DROPPED")]
    Dropped,
}

/// Kinds of support granted to a trainee (扶持).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SupportKind {
    #[sea_orm(string_value = "EQUIPMENT")]
    Equipment,
    #[sea_orm(string_value = "STARTUP_SUBSIDY")]
    StartupSubsidy,
    #[sea_orm(string_value = "TRAINING_SUBSIDY")]
    TrainingSubsidy,
    #[sea_orm(string_value = "VENUE")]
    Venue,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Kinds of employment or entrepreneurship outcome (就业创业成果).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OutcomeKind {
    #[sea_orm(string_value = "EMPLOYED")]
    Employed,
    #[sea_orm(string_value = "SELF_EMPLOYED")]
    SelfEmployed,
    #[sea_orm(string_value = "BUSINESS_REGISTERED")]
    BusinessRegistered,
    #[sea_orm(string_value = "ONLINE_SHOP_OPENED")]
    OnlineShopOpened,
    #[sea_orm(string_value = "FLEXIBLE")]
    Flexible,
}

/// The yearly indicators a federation plans and reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Indicator {
    #[sea_orm(string_value = "ACTIVE_BASES")]
    ActiveBases,
    #[sea_orm(string_value = "TRAINING_PERSON_TIMES")]
    TrainingPersonTimes,
    #[sea_orm(string_value = "STARS")]
    Stars,
    #[sea_orm(string_value = "NEW_EMPLOYMENT")]
    NewEmployment,
    #[sea_orm(string_value = "SUPPORTED_ENTREPRENEURS")]
    SupportedEntrepreneurs,
    #[sea_orm(string_value = "PUBLISHED_PRODUCTS")]
    PublishedProducts,
}

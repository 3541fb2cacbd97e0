//! The exported schema file and the contract.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{ServiceDocument, TypeKind, TypeSystemDefinition};
use qihang::config::Config;

fn sdl() -> String {
    let config = Config::try_parse_from(["qihang"]).unwrap();
    qihang::graphql::build_schema(&config, None).sdl()
}

/// Field (or enum value, or input field) name → type, per type name.
fn members(doc: &ServiceDocument) -> HashMap<String, HashMap<String, String>> {
    let mut types = HashMap::new();
    for definition in &doc.definitions {
        if let TypeSystemDefinition::Type(t) = definition {
            let t = &t.node;
            let fields: HashMap<String, String> = match &t.kind {
                TypeKind::Object(o) => o
                    .fields
                    .iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node.to_string()))
                    .collect(),
                TypeKind::InputObject(i) => i
                    .fields
                    .iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node.to_string()))
                    .collect(),
                TypeKind::Enum(e) => e
                    .values
                    .iter()
                    .map(|v| (v.node.value.node.to_string(), String::new()))
                    .collect(),
                _ => HashMap::new(),
            };
            types.insert(t.name.node.to_string(), fields);
        }
    }
    types
}

#[test]
fn schema_file_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == sdl(),
        "schema.graphql is stale: run `cargo run -q -- schema > schema.graphql`"
    );
}

/// Every contract type the API has must carry all the contract's members with the same
/// types; the types of the parts built so far must exist.
#[test]
fn schema_keeps_the_contract() {
    let contract_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/spec/contract.graphql"
    );
    let contract =
        std::fs::read_to_string(contract_path).expect("contract.graphql beside the project");
    let contract = members(&parse_schema(contract).unwrap());
    let ours = members(&parse_schema(sdl()).unwrap());

    // Fields whose types arrive with later work: courses, the catalog, stars, support.
    let pending: [&str; 0] = [];
    let built = [
        "User",
        "PageInfo",
        "UserError",
        "UserErrorCode",
        "Region",
        "RegionLevel",
        "Role",
        "AuthPayload",
        "LoginInput",
        "RefreshInput",
        "CreateUserInput",
        "UserPayload",
        "IncubationBase",
        "IncubationBaseEdge",
        "IncubationBaseConnection",
        "BaseFilter",
        "CreateBaseInput",
        "UpdateBaseInput",
        "BasePayload",
        "BaseStatus",
        "TrainingCategory",
        "Date",
        "DateTime",
        "Decimal",
        "Upload",
        "DisabilityCategory",
        "Gender",
        "Residence",
        "EducationLevel",
        "EmploymentStatus",
        "TraineeStatus",
        "Trainee",
        "TraineeEdge",
        "TraineeConnection",
        "TraineeFilter",
        "RegisterTraineeInput",
        "UpdateTraineeInput",
        "TraineePayload",
        "TransferTraineeInput",
        "RevealIdentityInput",
        "RevealIdentityPayload",
        "ImportTraineesInput",
        "ImportRowResult",
        "ImportTraineesPayload",
        "ServiceKind",
        "ServiceRecord",
        "RecordServiceInput",
        "ServiceRecordPayload",
        "DeliveryMode",
        "AccessibilityFeature",
        "CourseStatus",
        "Course",
        "CourseEdge",
        "CourseConnection",
        "CourseFilter",
        "CourseSession",
        "CreateCourseInput",
        "UpdateCourseInput",
        "CoursePayload",
        "AddSessionInput",
        "SessionPayload",
        "EnrollmentStatus",
        "Enrollment",
        "EnrollmentEdge",
        "EnrollmentConnection",
        "EnrollInput",
        "RecordAttendanceInput",
        "CompleteEnrollmentInput",
        "DropEnrollmentInput",
        "EnrollmentPayload",
        "AttendancePayload",
        "ProductCategory",
        "ProductStatus",
        "ProducerProfile",
        "ProductImage",
        "Product",
        "ProductEdge",
        "ProductConnection",
        "ProductSortField",
        "ProductOrder",
        "ProductFilter",
        "CreateProductInput",
        "UpdateProductInput",
        "ProductPayload",
        "UploadProductImageInput",
        "PartnerKind",
        "Partner",
        "CreatePartnerInput",
        "PartnerPayload",
        "ApiKey",
        "CreateApiKeyInput",
        "CreateApiKeyPayload",
        "InquiryStatus",
        "Inquiry",
        "InquiryEdge",
        "InquiryConnection",
        "CreateInquiryInput",
        "RespondInquiryInput",
        "InquiryPayload",
        "StarStage",
        "Platform",
        "PlatformAccount",
        "StageChange",
        "StarProfile",
        "StarEdge",
        "StarConnection",
        "StarFilter",
        "Livestream",
        "LivestreamEdge",
        "LivestreamConnection",
        "NominateStarInput",
        "AdvanceStageInput",
        "AddPlatformAccountInput",
        "UpdateFollowersInput",
        "RecordLivestreamInput",
        "StarPayload",
        "PlatformAccountPayload",
        "LivestreamPayload",
        "Competition",
        "Award",
        "RecordAwardInput",
        "AwardPayload",
        "SupportKind",
        "SupportRecord",
        "GrantSupportInput",
        "SupportPayload",
        "OutcomeKind",
        "Outcome",
        "RecordOutcomeInput",
        "OutcomePayload",
        "Indicator",
        "SetTargetInput",
        "Target",
        "TargetPayload",
        "IndicatorProgress",
        "CategoryCount",
        "RegionReport",
    ];
    for name in built {
        assert!(ours.contains_key(name), "type {name} missing");
    }
    for (name, fields) in &contract {
        let Some(our_fields) = ours.get(name) else {
            continue;
        };
        for (field, ty) in fields {
            match our_fields.get(field) {
                Some(our_ty) => assert_eq!(
                    our_ty, ty,
                    "{name}.{field} has type {our_ty}, contract says {ty}"
                ),
                None if name == "Query" || name == "Mutation" || name == "Subscription" => {}
                None if pending.contains(&format!("{name}.{field}").as_str()) => {}
                None if built.contains(&name.as_str()) => panic!("{name}.{field} missing"),
                None => {}
            }
        }
    }
    for operation in [
        "me",
        "region",
        "regions",
        "base",
        "bases",
        "trainee",
        "trainees",
        "course",
        "courses",
        "recommendedCourses",
        "product",
        "products",
        "partners",
        "inquiries",
        "star",
        "stars",
        "regionReport",
    ] {
        assert!(
            ours["Query"].contains_key(operation),
            "Query.{operation} missing"
        );
    }
    for operation in [
        "login",
        "refreshToken",
        "logout",
        "createUser",
        "createBase",
        "updateBase",
        "createCourse",
        "updateCourse",
        "addCourseSession",
        "enroll",
        "recordAttendance",
        "completeEnrollment",
        "dropEnrollment",
        "createProduct",
        "updateProduct",
        "publishProduct",
        "archiveProduct",
        "uploadProductImage",
        "createPartner",
        "createApiKey",
        "revokeApiKey",
        "createInquiry",
        "respondToInquiry",
        "nominateStar",
        "advanceStarStage",
        "addPlatformAccount",
        "updateFollowers",
        "recordLivestream",
        "recordAward",
        "grantSupport",
        "recordOutcome",
        "setTarget",
    ] {
        assert!(
            ours["Mutation"].contains_key(operation),
            "Mutation.{operation} missing"
        );
    }
    for (operation, ty) in [
        ("livestreamRecorded", "Livestream!"),
        ("inquiryUpdated", "Inquiry!"),
    ] {
        assert_eq!(
            ours["Subscription"].get(operation).map(String::as_str),
            Some(ty),
            "Subscription.{operation}"
        );
    }
}

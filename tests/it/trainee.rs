//! Trainees: registration rules, personal data protection, scope, updates, transfers,
//! employment services, the list and its statement count.

use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};

use crate::support::{TestApp, error_code, id_number};

const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id name gender birthDate idNumberMasked disabilityCertificateMasked disabilityCategory disabilityLevel phone region { code } residence employmentStatus status interests base { id } version } userErrors { field code message } } }";
const GET: &str = "query($id: ID!) { trainee(id: $id) { id name phone version } }";
const LIST: &str = "query($f: TraineeFilter, $first: Int, $after: String) { trainees(first: $first, after: $after, filter: $f) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }";
const UPDATE: &str = "mutation($i: UpdateTraineeInput!) { updateTrainee(input: $i) { trainee { name phone interests version } userErrors { field code message } } }";
const TRANSFER: &str = "mutation($i: TransferTraineeInput!) { transferTrainee(input: $i) { trainee { base { id } services { kind } version } userErrors { field code message } } }";
const REVEAL: &str = "mutation($i: RevealIdentityInput!) { revealTraineeIdentity(input: $i) { idNumber disabilityCertificateNumber userErrors { field code message } } }";
const SERVICE: &str = "mutation($i: RecordServiceInput!) { recordService(input: $i) { service { kind date notes recordedBy { login } } userErrors { field code message } } }";

/// A city with two bases run by two managers, and an ADMIN over the city.
struct Network {
    app: TestApp,
    admin: String,
    base_a: String,
    base_b: String,
    manager_a: String,
    manager_b: String,
}

async fn network() -> Network {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base_a = app.base_in(&admin, "铁西基地", "220302").await;
    let base_b = app.base_in(&admin, "铁东基地", "220303").await;
    let manager_a = app.manager_of(&admin, "manager-a", &[&base_a]).await;
    let manager_b = app.manager_of(&admin, "manager-b", &[&base_b]).await;
    Network {
        app,
        admin,
        base_a,
        base_b,
        manager_a,
        manager_b,
    }
}

fn person(base: &str, name: &str, id: &str, cert_suffix: &str) -> Value {
    json!({
        "baseId": base, "name": name, "idNumber": id, "disabilityCertificateNumber": format!("{id}{cert_suffix}"),
        "residence": "RURAL", "phone": "13912345678", "interests": ["SHORT_VIDEO"], "consentToSensitiveData": true
    })
}

async fn register(app: &TestApp, token: &str, input: Value) -> Value {
    app.data(REGISTER, json!({ "i": input }), Some(token)).await["registerTrainee"].clone()
}

async fn registered(app: &TestApp, token: &str, input: Value) -> String {
    let payload = register(app, token, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["trainee"]["id"].as_str().unwrap().to_owned()
}

/// A signed-in PARTNER account (a real one: tokens of unknown accounts are refused).
async fn partner_token(n: &Network) -> String {
    let data = n
        .app
        .data(
            "mutation { createPartner(input: { name: \"吉品优选\", kind: ECOMMERCE_PLATFORM }) { partner { id } } }",
            json!({}),
            Some(&n.admin),
        )
        .await;
    let partner = data["createPartner"]["partner"]["id"].clone();
    n.app
        .user_with(
            &n.admin,
            json!({ "login": "partner-staff", "password": "partner-password-123", "displayName": "吉品", "role": "PARTNER", "partnerId": partner }),
        )
        .await
        .0
}

#[tokio::test]
async fn registration_takes_gender_birth_date_and_disability_from_the_numbers() {
    let n = network().await;
    let id = id_number("220302", "19900307", 123);

    let payload = register(
        &n.app,
        &n.manager_a,
        person(&n.base_a, " 王小明 ", &id, "42"),
    )
    .await;

    let t = &payload["trainee"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(t["name"], "王小明");
    assert_eq!(t["gender"], "MALE");
    assert_eq!(t["birthDate"], "1990-03-07");
    assert_eq!(t["disabilityCategory"], "PHYSICAL");
    assert_eq!(t["disabilityLevel"], 2);
    assert_eq!(t["idNumberMasked"], "220302************");
    assert_eq!(t["disabilityCertificateMasked"], "220302************42");
    assert_eq!(
        t["region"]["code"], "220302",
        "defaults to the base's region"
    );
    assert_eq!(t["employmentStatus"], "UNEMPLOYED");
    assert_eq!(t["status"], "ACTIVE");
    assert_eq!(t["interests"], json!(["SHORT_VIDEO"]));
    assert_eq!(t["version"], 1);
}

#[tokio::test]
async fn identity_and_certificate_numbers_are_checked() {
    let n = network().await;
    let good = id_number("220302", "19851120", 246);
    let wrong_check = {
        let mut s = good.clone();
        let last = s.pop().unwrap();
        s.push(if last == '0' { '1' } else { '0' });
        s
    };
    let feb_31 = id_number("220302", "19900231", 111);
    let future = id_number("220302", "20991231", 111);
    let with_x = (0..1000)
        .map(|seq| id_number("220303", "19700101", seq))
        .find(|n| n.ends_with('X'))
        .unwrap();
    let other = id_number("220302", "19800101", 135);

    type Case<'a> = (&'a str, Value, Option<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        ("valid", person(&n.base_a, "甲", &good, "11"), None),
        (
            "wrong check character",
            person(&n.base_a, "乙", &wrong_check, "11"),
            Some(("idNumber", "INVALID")),
        ),
        (
            "31 February",
            person(&n.base_a, "丙", &feb_31, "11"),
            Some(("idNumber", "INVALID")),
        ),
        (
            "future birth date",
            person(&n.base_a, "丁", &future, "11"),
            Some(("idNumber", "INVALID")),
        ),
        (
            "17 characters",
            person(&n.base_a, "戊", &good[..17], "11"),
            Some(("idNumber", "INVALID")),
        ),
        (
            "category 8",
            person(&n.base_a, "己", &other, "81"),
            Some(("disabilityCertificateNumber", "INVALID")),
        ),
        (
            "level 0",
            person(&n.base_a, "庚", &other, "10"),
            Some(("disabilityCertificateNumber", "INVALID")),
        ),
        (
            "level 5",
            person(&n.base_a, "庚", &other, "15"),
            Some(("disabilityCertificateNumber", "INVALID")),
        ),
        (
            "certificate of someone else",
            json!({ "baseId": n.base_a, "name": "辛", "idNumber": other, "disabilityCertificateNumber": format!("{good}11"), "residence": "URBAN", "consentToSensitiveData": true }),
            Some(("disabilityCertificateNumber", "INVALID")),
        ),
        (
            "bad phone",
            json!({ "baseId": n.base_a, "name": "壬", "idNumber": other, "disabilityCertificateNumber": format!("{other}11"), "residence": "URBAN", "phone": "12345678901", "consentToSensitiveData": true }),
            Some(("phone", "INVALID")),
        ),
        (
            "empty name",
            person(&n.base_a, "  ", &other, "11"),
            Some(("name", "REQUIRED")),
        ),
        (
            "name too long",
            person(&n.base_a, &"名".repeat(51), &other, "11"),
            Some(("name", "INVALID")),
        ),
    ];
    for (case, input, expected) in cases {
        let payload = register(&n.app, &n.manager_a, input).await;
        match expected {
            None => assert_eq!(payload["userErrors"], json!([]), "{case}"),
            Some((field, code)) => {
                let errors = payload["userErrors"].as_array().unwrap();
                assert!(
                    errors
                        .iter()
                        .any(|e| e["field"] == json!(["input", field]) && e["code"] == code),
                    "{case}: expected {code} on {field}, got {errors:?}"
                );
                assert_eq!(payload["trainee"], json!(null), "{case}");
            }
        }
    }

    let lower_x = with_x.to_lowercase();
    let payload = register(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "癸", &lower_x, "21"),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "lower-case x accepted");
    assert_eq!(
        payload["trainee"]["idNumberMasked"],
        format!("{}************", &with_x[..6])
    );
    assert_eq!(payload["trainee"]["disabilityCategory"], "HEARING");
}

#[tokio::test]
async fn without_consent_nothing_is_stored() {
    let n = network().await;
    let mut input = person(
        &n.base_a,
        "王五",
        &id_number("220302", "19920505", 321),
        "31",
    );
    input["consentToSensitiveData"] = json!(false);

    let payload = register(&n.app, &n.manager_a, input).await;

    assert_eq!(payload["userErrors"][0]["code"], "CONSENT_REQUIRED");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "consentToSensitiveData"])
    );
    assert!(
        entity::trainee::Entity::find()
            .all(&n.app.app.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        entity::consent::Entity::find()
            .all(&n.app.app.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_person_is_registered_once_in_the_whole_network_and_the_answer_says_not_where() {
    let n = network().await;
    let root = n.app.root_token().await;
    let shenyang_base = n.app.base_in(&root, "沈阳基地", "210102").await;
    let id = id_number("220302", "19880808", 555);
    registered(&n.app, &n.manager_a, person(&n.base_a, "赵六", &id, "51")).await;

    let again = register(
        &n.app,
        &root,
        person(&shenyang_base, "赵六", &id.to_lowercase(), "51"),
    )
    .await;

    assert_eq!(again["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(
        again["userErrors"][0]["field"],
        json!(["input", "idNumber"])
    );
    let message = again["userErrors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("铁西") && !message.contains("base"),
        "{message}"
    );
}

#[tokio::test]
async fn a_registration_records_its_consent() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "钱七",
            &id_number("220302", "19930303", 777),
            "61",
        ),
    )
    .await;

    let consents = entity::consent::Entity::find()
        .all(&n.app.app.state.db)
        .await
        .unwrap();

    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].trainee_id.to_string(), id);
    assert_eq!(
        consents[0].text_version,
        qihang::service::trainee::CONSENT_TEXT_VERSION
    );
    assert_eq!(consents[0].source, entity::ConsentSource::Registration);
    assert!(!consents[0].purpose.is_empty());
}

#[tokio::test]
async fn managers_of_different_bases_cannot_touch_each_others_trainees() {
    let n = network().await;
    let theirs = registered(
        &n.app,
        &n.manager_b,
        person(
            &n.base_b,
            "孙八",
            &id_number("220303", "19870707", 888),
            "41",
        ),
    )
    .await;
    let mine = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "周九",
            &id_number("220302", "19860606", 999),
            "41",
        ),
    )
    .await;

    assert_eq!(
        n.app
            .data(GET, json!({ "id": theirs }), Some(&n.manager_a))
            .await["trainee"],
        json!(null)
    );
    let list = n.app.data(LIST, json!({}), Some(&n.manager_a)).await;
    assert_eq!(
        list["trainees"]["edges"],
        json!([{ "node": { "name": "周九" } }])
    );
    assert_eq!(list["trainees"]["totalCount"], 1);
    let filtered = n
        .app
        .data(
            LIST,
            json!({ "f": { "baseId": n.base_b } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        filtered["trainees"]["totalCount"], 0,
        "filtering by their base shows nothing"
    );

    let update = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": theirs, "version": 1, "name": "x" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        update["updateTrainee"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let transfer = n
        .app
        .data(
            TRANSFER,
            json!({ "i": { "traineeId": theirs, "toBaseId": n.base_a } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        transfer["transferTrainee"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let push = n
        .app
        .data(
            TRANSFER,
            json!({ "i": { "traineeId": mine, "toBaseId": n.base_b } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        push["transferTrainee"]["userErrors"][0]["field"],
        json!(["input", "toBaseId"])
    );
    let reveal = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": theirs, "reason": "核对身份" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        reveal["revealTraineeIdentity"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(reveal["revealTraineeIdentity"]["idNumber"], json!(null));
    let service = n.app.data(SERVICE, json!({ "i": { "traineeId": theirs, "kind": "INFO_VERIFICATION", "date": "2026-01-05" } }), Some(&n.manager_a)).await;
    assert_eq!(
        service["recordService"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let register_there = register(
        &n.app,
        &n.manager_a,
        person(
            &n.base_b,
            "吴十",
            &id_number("220303", "19850505", 101),
            "41",
        ),
    )
    .await;
    assert_eq!(
        register_there["userErrors"][0]["field"],
        json!(["input", "baseId"])
    );

    let unchanged = n
        .app
        .data(GET, json!({ "id": theirs }), Some(&n.manager_b))
        .await;
    assert_eq!(unchanged["trainee"]["name"], "孙八");
    assert_eq!(unchanged["trainee"]["version"], 1);
}

#[tokio::test]
async fn anonymous_callers_and_partners_see_no_trainee() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "郑一",
            &id_number("220302", "19840404", 202),
            "41",
        ),
    )
    .await;
    let partner = partner_token(&n).await;

    for (who, token) in [("anonymous", None), ("partner", Some(partner.as_str()))] {
        assert_eq!(
            n.app.data(GET, json!({ "id": id }), token).await["trainee"],
            json!(null),
            "{who}"
        );
        assert_eq!(
            n.app.data(LIST, json!({}), token).await["trainees"]["totalCount"],
            0,
            "{who}"
        );
        let nested = n.app.data(r#"query($id: ID!) { base(id: $id) { trainees { totalCount edges { node { name } } } } }"#, json!({ "id": n.base_a }), token).await;
        assert_eq!(
            nested["base"]["trainees"],
            json!({ "totalCount": 0, "edges": [] }),
            "{who}"
        );
    }
    let by_partner = n
        .app
        .gql(
            REGISTER,
            json!({ "i": person(&n.base_a, "x", &id_number("220302", "19840404", 204), "41") }),
            Some(&partner),
        )
        .await;
    assert_eq!(error_code(&by_partner), "FORBIDDEN");
    let reveal = n
        .app
        .gql(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "想看" } }),
            Some(&partner),
        )
        .await;
    assert_eq!(error_code(&reveal), "FORBIDDEN");
    let anonymous = n
        .app
        .gql(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "想看" } }),
            None,
        )
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn admins_see_the_trainees_of_bases_in_their_region_only() {
    let n = network().await;
    let changchun = n.app.admin_of("220100").await;
    let jilin = n.app.admin_of("220000").await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "冯二",
            &id_number("220302", "19830303", 303),
            "41",
        ),
    )
    .await;

    assert_eq!(
        n.app.data(GET, json!({ "id": id }), Some(&n.admin)).await["trainee"]["name"],
        "冯二"
    );
    assert_eq!(
        n.app.data(GET, json!({ "id": id }), Some(&jilin)).await["trainee"]["name"],
        "冯二",
        "province sees its cities"
    );
    assert_eq!(
        n.app.data(GET, json!({ "id": id }), Some(&changchun)).await["trainee"],
        json!(null)
    );
    assert_eq!(
        n.app.data(LIST, json!({}), Some(&changchun)).await["trainees"]["totalCount"],
        0
    );
}

#[tokio::test]
async fn a_reveal_returns_the_numbers_and_leaves_one_audit_record() {
    let n = network().await;
    let number = id_number("220302", "19820202", 404);
    let id = registered(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "陈三", &number, "52"),
    )
    .await;

    let missing_reason = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": " " } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        missing_reason["revealTraineeIdentity"]["userErrors"][0]["code"],
        "REQUIRED"
    );
    let revealed = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "办理残疾人就业补贴" } }),
            Some(&n.manager_a),
        )
        .await;

    assert_eq!(revealed["revealTraineeIdentity"]["idNumber"], number);
    assert_eq!(
        revealed["revealTraineeIdentity"]["disabilityCertificateNumber"],
        format!("{number}52")
    );
    let audit = entity::identity_reveal::Entity::find()
        .all(&n.app.app.state.db)
        .await
        .unwrap();
    assert_eq!(
        audit.len(),
        1,
        "one record for one reveal, none for the refused one"
    );
    assert_eq!(audit[0].trainee_id.to_string(), id);
    assert_eq!(audit[0].reason, "办理残疾人就业补贴");

    let log = n
        .app
        .data("{ identityReveals { totalCount edges { node { reason trainee { name } revealedBy { login } revealedAt } } } }", json!({}), Some(&n.admin))
        .await;
    assert_eq!(log["identityReveals"]["totalCount"], 1);
    assert_eq!(
        log["identityReveals"]["edges"][0]["node"]["revealedBy"]["login"],
        "manager-a"
    );
    assert_eq!(
        log["identityReveals"]["edges"][0]["node"]["trainee"]["name"],
        "陈三"
    );
    let by_manager = n
        .app
        .gql(
            "{ identityReveals { totalCount } }",
            json!({}),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        error_code(&by_manager),
        "FORBIDDEN",
        "only ADMINs read the audit log"
    );
    let other_city = n.app.admin_of("220100").await;
    let elsewhere = n
        .app
        .data(
            "{ identityReveals { totalCount } }",
            json!({}),
            Some(&other_city),
        )
        .await;
    assert_eq!(elsewhere["identityReveals"]["totalCount"], 0);
}

#[tokio::test]
async fn the_database_never_holds_a_full_number() {
    let n = network().await;
    let number = id_number("220302", "19810101", 505);
    let id = registered(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "褚四", &number, "71"),
    )
    .await;
    let other = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "褚五",
            &id_number("220302", "19810102", 507),
            "71",
        ),
    )
    .await;
    let changed = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": other, "version": 1, "phone": "13700002222" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(changed["updateTrainee"]["trainee"]["phone"], "13700002222");
    n.app.import_reveal_for_raw_check(&n.manager_a).await;

    let db = &n.app.app.state.db;
    let backend = db.get_database_backend();
    for table in ["trainee", "consent", "identity_reveal"] {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT * FROM {table}"),
            ))
            .await
            .unwrap();
        for row in rows {
            for column in row.column_names() {
                let text: Option<String> = row.try_get("", &column).ok();
                if let Some(text) = text {
                    assert!(
                        !text.contains(&number[6..14]) || !text.contains(&number[14..]),
                        "{table}.{column} holds the number: {text}"
                    );
                    assert!(!text.contains(&number), "{table}.{column} holds the number");
                    for phone in ["13912345678", "13700002222", "1391234", "12345678"] {
                        assert!(
                            !text.contains(phone),
                            "{table}.{column} holds a phone: {text}"
                        );
                    }
                }
            }
        }
    }
    for id in [id, other] {
        let stored = entity::trainee::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.id_number_enc.starts_with("v1:"));
        assert!(stored.phone_enc.as_deref().unwrap().starts_with("v1:"));
        assert_ne!(stored.id_number_enc, stored.certificate_enc);
        assert_eq!(stored.crypto_version, 2, "bound to the row");
    }
}

#[tokio::test]
async fn updates_are_versioned_and_a_trainee_may_change_only_contact_and_interests() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "卫五",
            &id_number("220302", "19800808", 606),
            "41",
        ),
    )
    .await;

    let first = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 1, "name": "卫武", "phone": "" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        first["updateTrainee"]["trainee"],
        json!({ "name": "卫武", "phone": null, "interests": ["SHORT_VIDEO"], "version": 2 })
    );
    let stale = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 1, "name": "卫舞" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        stale["updateTrainee"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let bad_phone = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 2, "phone": "110" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        bad_phone["updateTrainee"]["userErrors"][0]["field"],
        json!(["input", "phone"])
    );

    let (own, _) = n
        .app
        .user_with(&n.admin, json!({ "login": "weiwu", "password": "trainee-password-123", "displayName": "卫武", "role": "TRAINEE", "traineeId": id }))
        .await;
    let me = n
        .app
        .data("{ me { role trainee { name } } }", json!({}), Some(&own))
        .await;
    assert_eq!(
        me["me"],
        json!({ "role": "TRAINEE", "trainee": { "name": "卫武" } })
    );
    let self_update = n
        .app
        .data(UPDATE, json!({ "i": { "id": id, "version": 2, "phone": "13800001111", "interests": ["VOICE_WORK", "CUSTOMER_SERVICE"] } }), Some(&own))
        .await;
    assert_eq!(
        self_update["updateTrainee"]["trainee"]["interests"],
        json!(["VOICE_WORK", "CUSTOMER_SERVICE"])
    );
    let rename = n
        .app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "version": 3, "name": "别人" } }),
            Some(&own),
        )
        .await;
    assert_eq!(error_code(&rename), "FORBIDDEN");
    let own_list = n.app.data(LIST, json!({}), Some(&own)).await;
    assert_eq!(
        own_list["trainees"]["totalCount"], 1,
        "a trainee sees itself only"
    );
    let own_reveal = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "本人查看" } }),
            Some(&own),
        )
        .await;
    assert!(own_reveal["revealTraineeIdentity"]["idNumber"].is_string());
}

#[tokio::test]
async fn a_transfer_moves_the_person_with_their_records() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "蒋六",
            &id_number("220302", "19790909", 707),
            "41",
        ),
    )
    .await;
    let recorded = n
        .app
        .data(SERVICE, json!({ "i": { "traineeId": id, "kind": "CAPABILITY_ASSESSMENT", "date": "2026-03-01", "notes": "适合有声配音" } }), Some(&n.manager_a))
        .await;
    assert_eq!(
        recorded["recordService"]["service"]["recordedBy"]["login"],
        "manager-a"
    );
    let future = n
        .app
        .data(
            SERVICE,
            json!({ "i": { "traineeId": id, "kind": "EMPLOYMENT_SERVICE", "date": "2999-01-01" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        future["recordService"]["userErrors"][0]["field"],
        json!(["input", "date"])
    );

    let moved = n
        .app
        .data(
            TRANSFER,
            json!({ "i": { "traineeId": id, "toBaseId": n.base_b } }),
            Some(&n.admin),
        )
        .await;

    let t = &moved["transferTrainee"]["trainee"];
    assert_eq!(t["base"]["id"], n.base_b.as_str());
    assert_eq!(t["services"], json!([{ "kind": "CAPABILITY_ASSESSMENT" }]));
    assert_eq!(t["version"], 2);
    assert_eq!(
        n.app
            .data(GET, json!({ "id": id }), Some(&n.manager_a))
            .await["trainee"],
        json!(null),
        "gone from the old base"
    );
    assert_eq!(
        n.app
            .data(GET, json!({ "id": id }), Some(&n.manager_b))
            .await["trainee"]["name"],
        "蒋六"
    );
    let same = n
        .app
        .data(
            TRANSFER,
            json!({ "i": { "traineeId": id, "toBaseId": n.base_b } }),
            Some(&n.admin),
        )
        .await;
    assert_eq!(same["transferTrainee"]["userErrors"][0]["code"], "INVALID");

    let both = n
        .app
        .manager_of(&n.admin, "manager-ab", &[&n.base_a, &n.base_b])
        .await;
    let back = n
        .app
        .data(
            TRANSFER,
            json!({ "i": { "traineeId": id, "toBaseId": n.base_a } }),
            Some(&both),
        )
        .await;
    assert_eq!(
        back["transferTrainee"]["userErrors"],
        json!([]),
        "a manager of both bases may move"
    );
}

#[tokio::test]
async fn the_list_filters_and_pages() {
    let n = network().await;
    let people = [
        ("王一", "220302", "19900101", 1, "11", "RURAL"),
        ("王二", "220302", "19900102", 2, "21", "URBAN"),
        ("李三", "220303", "19900103", 3, "41", "RURAL"),
        ("李四", "220302", "19900104", 4, "41", "URBAN"),
    ];
    for (name, region, birth, seq, cert, residence) in people {
        let mut input = person(&n.base_a, name, &id_number(region, birth, seq), cert);
        input["residence"] = json!(residence);
        input["regionCode"] = json!(region);
        registered(&n.app, &n.manager_a, input).await;
    }
    let names = |data: &Value| -> Vec<String> {
        data["trainees"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let search = n
        .app
        .data(LIST, json!({ "f": { "search": "王" } }), Some(&n.manager_a))
        .await;
    assert_eq!(names(&search), ["王一", "王二"]);
    let category = n
        .app
        .data(
            LIST,
            json!({ "f": { "disabilityCategories": ["PHYSICAL", "VISUAL"] } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(names(&category), ["王一", "李三", "李四"]);
    let rural = n
        .app
        .data(
            LIST,
            json!({ "f": { "residence": "RURAL" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(names(&rural), ["王一", "李三"]);
    let living = n
        .app
        .data(
            LIST,
            json!({ "f": { "regionCode": "220303" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(names(&living), ["李三"]);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    let registered_today = n
        .app
        .data(
            LIST,
            json!({ "f": { "registeredFrom": today, "registeredTo": today } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(names(&registered_today).len(), 4);
    let before = n
        .app
        .data(
            LIST,
            json!({ "f": { "registeredTo": "2020-01-01" } }),
            Some(&n.manager_a),
        )
        .await;
    assert!(names(&before).is_empty());
    let active = n
        .app
        .data(
            LIST,
            json!({ "f": { "status": ["WITHDRAWN"] } }),
            Some(&n.manager_a),
        )
        .await;
    assert!(names(&active).is_empty());

    let page1 = n
        .app
        .data(LIST, json!({ "first": 3 }), Some(&n.manager_a))
        .await;
    assert_eq!(names(&page1), ["王一", "王二", "李三"]);
    let page2 = n
        .app
        .data(
            LIST,
            json!({ "first": 3, "after": page1["trainees"]["pageInfo"]["endCursor"] }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(names(&page2), ["李四"]);
    assert_eq!(page2["trainees"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn a_page_of_trainees_with_relations_costs_a_constant_number_of_statements() {
    let n = network().await;
    for seq in 0..60 {
        let base = if seq % 2 == 0 { &n.base_a } else { &n.base_b };
        let mut input = person(
            base,
            &format!("学员{seq}"),
            &id_number(
                if seq % 3 == 0 { "220302" } else { "220303" },
                "19950505",
                seq,
            ),
            "41",
        );
        input["regionCode"] = json!(if seq % 3 == 0 { "220302" } else { "220303" });
        let id = registered(&n.app, &n.admin, input).await;
        n.app.data(SERVICE, json!({ "i": { "traineeId": id, "kind": "NEED_REGISTRATION", "date": "2026-02-02" } }), Some(&n.admin)).await;
    }
    let query = "query($first: Int) { trainees(first: $first) { edges { node { base { name } region { name } services { kind } } } } }";
    let measured = n.app.counting(&[&n.admin]).await;

    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = measured.statements();
        let data = measured
            .data(query, json!({ "first": first }), Some(&n.admin))
            .await;
        counts.push(measured.statements() - before);
        assert_eq!(
            data["trainees"]["edges"].as_array().unwrap().len(),
            first as usize
        );
        assert_eq!(
            data["trainees"]["edges"][0]["node"]["services"],
            json!([{ "kind": "NEED_REGISTRATION" }])
        );
    }

    // The page, its bases, its services; regions come from memory.
    assert!(counts.iter().all(|c| *c == 3), "statements: {counts:?}");
    assert_eq!(counts[0], counts[1], "independent of page size");
}

#[tokio::test]
async fn nested_trainee_pages_of_many_bases_are_one_statement() {
    let n = network().await;
    for seq in 0..9 {
        let base = if seq < 6 { &n.base_a } else { &n.base_b };
        registered(
            &n.app,
            &n.admin,
            person(
                base,
                &format!("人{seq}"),
                &id_number("220302", "19960606", seq),
                "41",
            ),
        )
        .await;
    }
    let query = "{ bases { edges { node { name trainees(first: 2) { totalCount edges { node { name } } pageInfo { hasNextPage } } } } } }";

    let measured = n.app.counting(&[&n.admin]).await;

    let before = measured.statements();
    let data = measured.data(query, json!({}), Some(&n.admin)).await;
    let statements = measured.statements() - before;

    let a = &data["bases"]["edges"][0]["node"]["trainees"];
    assert_eq!(
        a["edges"],
        json!([{ "node": { "name": "人0" } }, { "node": { "name": "人1" } }])
    );
    assert_eq!(a["totalCount"], 6);
    assert_eq!(a["pageInfo"]["hasNextPage"], true);
    let b = &data["bases"]["edges"][1]["node"]["trainees"];
    assert_eq!(b["totalCount"], 3);
    // bases, one windowed page for both bases, one grouped count.
    assert_eq!(statements, 3);
}

impl TestApp {
    /// A reveal and a service note, so the raw-table check covers every table that
    /// references a trainee.
    async fn import_reveal_for_raw_check(&self, manager: &str) {
        let list = self
            .data(
                "{ trainees { edges { node { id } } } }",
                json!({}),
                Some(manager),
            )
            .await;
        let id = list["trainees"]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let revealed = self
            .data(
                REVEAL,
                json!({ "i": { "traineeId": id, "reason": "核对" } }),
                Some(manager),
            )
            .await;
        assert!(revealed["revealTraineeIdentity"]["idNumber"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_all_succeed() {
    let n = network().await;
    let app = std::sync::Arc::new(n.app);
    let mut tasks = Vec::new();
    for seq in 0..24 {
        let (app, token, base) = (app.clone(), n.manager_a.clone(), n.base_a.clone());
        tasks.push(tokio::spawn(async move {
            let input = person(
                &base,
                &format!("并发{seq}"),
                &id_number("220302", "19970707", seq),
                "41",
            );
            app.gql(REGISTER, json!({ "i": input }), Some(&token)).await
        }));
    }

    for task in tasks {
        let body = task.await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            body["data"]["registerTrainee"]["userErrors"],
            json!([]),
            "{body}"
        );
    }
    assert_eq!(
        entity::trainee::Entity::find()
            .all(&app.app.state.db)
            .await
            .unwrap()
            .len(),
        24
    );
}

#[tokio::test]
async fn the_reveal_log_is_append_only_in_the_database() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "审计",
            &id_number("220302", "19800202", 808),
            "41",
        ),
    )
    .await;
    let revealed = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "核对" } }),
            Some(&n.manager_a),
        )
        .await;
    assert!(revealed["revealTraineeIdentity"]["idNumber"].is_string());
    let db = &n.app.app.state.db;

    let update = db
        .execute_unprepared("UPDATE identity_reveal SET reason = 'nothing to see'")
        .await;
    let delete = db.execute_unprepared("DELETE FROM identity_reveal").await;

    assert!(update.is_err() && delete.is_err(), "{update:?} {delete:?}");
    let audit = entity::identity_reveal::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].reason, "核对");
}

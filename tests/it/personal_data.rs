//! Personal data: what the API shows must not add up to what it hides. Masks show only what
//! other fields show, phones are encrypted and shown only to those who may contact the person,
//! every ciphertext is bound to its row, rows from before are upgraded at start-up, and a
//! registration at a base one does not govern says nothing about the person.

use std::collections::HashMap;

use migration::{Migrator, MigratorTrait};
use qihang::config::Config;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, id_number};

const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id idNumberMasked disabilityCertificateMasked } userErrors { field code message } } }";
const REVEAL: &str = "mutation($i: RevealIdentityInput!) { revealTraineeIdentity(input: $i) { idNumber disabilityCertificateNumber userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdateTraineeInput!) { updateTrainee(input: $i) { trainee { phone version } userErrors { field code message } } }";
const PHONE: &str = "query($id: ID!) { trainee(id: $id) { name phone } }";
const PHONE_NUMBER: &str = "13912345678";
/// The migration that introduced masks without the sequence digits, encrypted phones and
/// row-bound ciphertexts.
const MIGRATION: &str = "m20261123_000002_personal_data";

/// A city with two bases, each with a manager, and an ADMIN over the city.
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
        "residence": "RURAL", "phone": PHONE_NUMBER, "interests": ["SHORT_VIDEO"], "consentToSensitiveData": true
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

async fn stored(app: &TestApp, id: &str) -> entity::trainee::Model {
    entity::trainee::Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap())
        .one(&app.app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// A field of an object type, as introspection describes it.
struct Field {
    name: String,
    /// Whether it has an argument without which it cannot be selected.
    needs_argument: bool,
    /// Whether it is paged with `first` (selected with a small page to stay under the
    /// complexity limit).
    paged: bool,
    /// The named type inside any list and non-null wrappers.
    of_type: String,
}

/// The schema's types with their fields (empty for scalars and enums).
struct Types(HashMap<String, Vec<Field>>);

impl Types {
    async fn of(app: &TestApp) -> Types {
        let data = app
            .data(
                "{ __schema { types { name kind fields { name args { name defaultValue type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
                json!({}),
                None,
            )
            .await;
        let mut types = HashMap::new();
        for t in data["__schema"]["types"].as_array().unwrap() {
            let name = t["name"].as_str().unwrap().to_owned();
            let fields = t["fields"].as_array().cloned().unwrap_or_default();
            let fields = fields
                .iter()
                .map(|f| {
                    let args = f["args"].as_array().unwrap();
                    let mut ty = &f["type"];
                    while ty["name"].is_null() {
                        ty = &ty["ofType"];
                    }
                    Field {
                        name: f["name"].as_str().unwrap().to_owned(),
                        needs_argument: args.iter().any(|a| {
                            a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null()
                        }),
                        paged: args.iter().any(|a| a["name"] == "first"),
                        of_type: ty["name"].as_str().unwrap().to_owned(),
                    }
                })
                .collect();
            types.insert(name, fields);
        }
        Types(types)
    }

    /// Every field of `type_name` that needs no argument, objects followed `depth` levels deep.
    fn selection(&self, type_name: &str, depth: u32) -> Option<String> {
        let fields = self.0.get(type_name)?;
        let mut parts = Vec::new();
        for field in fields.iter().filter(|f| !f.needs_argument) {
            let name = &field.name;
            let arguments = if field.paged { "(first: 2)" } else { "" };
            match self.0.get(&field.of_type) {
                Some(sub) if !sub.is_empty() => {
                    if depth > 0
                        && let Some(selection) = self.selection(&field.of_type, depth - 1)
                    {
                        parts.push(format!("{name}{arguments} {{ {selection} }}"));
                    }
                }
                _ => parts.push(format!("{name}{arguments}")),
            }
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The response with everything random or time-dependent (ids, cursors, timestamps) replaced,
/// so that searching it for digits cannot hit them by chance.
fn redacted(value: &Value) -> String {
    fn walk(key: &str, value: &Value) -> Value {
        match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), walk(k, v))).collect(),
            Value::Array(items) => items.iter().map(|v| walk(key, v)).collect(),
            Value::String(s)
                if key.ends_with("ursor")
                    || uuid::Uuid::parse_str(s).is_ok()
                    || chrono::DateTime::parse_from_rfc3339(s).is_ok() =>
            {
                json!("<redacted>")
            }
            other => other.clone(),
        }
    }
    walk("", value).to_string()
}

/// Fails when `body` contains any part of the number that only a reveal may show.
fn assert_hides(what: &str, body: &Value, number: &str, certificate: &str) {
    let text = redacted(body);
    let tails = [
        number.to_owned(),
        certificate.to_owned(),
        number[14..].to_owned(),      // sequence digits and check character
        number[14..17].to_owned(),    // the sequence digits
        number[15..].to_owned(),      // the old mask's last three
        certificate[16..].to_owned(), // the old certificate mask's tail
        format!("{}{}", &number[17..], &certificate[18..]), // check, category, level
    ];
    for tail in tails {
        assert!(!text.contains(&tail), "{what} shows {tail:?}: {text}");
    }
}

#[tokio::test]
async fn masks_and_every_field_together_never_show_the_sequence_digits_or_the_check_character() {
    let n = network().await;
    let number = id_number("220302", "19900307", 864);
    let certificate = format!("{number}23");
    let payload = register(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "韩梅", &number, "23"),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(payload["trainee"]["idNumberMasked"], "220302************");
    assert_eq!(
        payload["trainee"]["disabilityCertificateMasked"],
        "220302************23"
    );
    let id = payload["trainee"]["id"].as_str().unwrap().to_owned();
    let (own, _) = n
        .app
        .user_with(&n.admin, json!({ "login": "hanmei", "password": "trainee-password-123", "displayName": "韩梅", "role": "TRAINEE", "traineeId": id }))
        .await;
    let revealed = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "办理补贴" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(revealed["revealTraineeIdentity"]["idNumber"], number);
    let types = Types::of(&n.app).await;
    // Every field four levels deep exceeds the production complexity limit by design.
    let wide = n
        .app
        .reopened(&["--max-query-complexity", "100000000"])
        .await;
    let trainee = types.selection("Trainee", 4).unwrap();
    for field in [
        "idNumberMasked",
        "disabilityCertificateMasked",
        "phone",
        "birthDate",
        "gender",
    ] {
        assert!(trainee.contains(field), "{field} selected: {trainee}");
    }

    let one = wide
        .data(
            &format!("query($id: ID!) {{ trainee(id: $id) {{ {trainee} }} }}"),
            json!({ "id": id }),
            Some(&n.manager_a),
        )
        .await;
    let list = wide
        .data(
            &format!(
                "{{ trainees {{ {} }} }}",
                types.selection("TraineeConnection", 5).unwrap()
            ),
            json!({}),
            Some(&n.admin),
        )
        .await;
    let log = wide
        .data(
            &format!(
                "{{ identityReveals {{ {} }} }}",
                types.selection("IdentityRevealEntryConnection", 5).unwrap()
            ),
            json!({}),
            Some(&n.admin),
        )
        .await;
    let me = wide
        .data(
            &format!("{{ me {{ {} }} }}", types.selection("User", 5).unwrap()),
            json!({}),
            Some(&own),
        )
        .await;
    assert_eq!(one["trainee"]["birthDate"], "1990-03-07");
    assert_eq!(one["trainee"]["phone"], PHONE_NUMBER);
    assert_eq!(list["trainees"]["edges"][0]["node"]["name"], "韩梅");
    assert_eq!(
        log["identityReveals"]["edges"][0]["node"]["trainee"]["idNumberMasked"],
        "220302************"
    );
    assert_eq!(me["me"]["trainee"]["name"], "韩梅");
    for (what, body) in [
        ("trainee", &one),
        ("trainees", &list),
        ("identityReveals", &log),
        ("me", &me),
    ] {
        assert_hides(what, body, &number, &certificate);
    }

    let again = n
        .app
        .gql(
            REGISTER,
            json!({ "i": person(&n.base_a, "韩梅", &number, "23") }),
            Some(&n.manager_a),
        )
        .await;
    let elsewhere = n
        .app
        .gql(
            REGISTER,
            json!({ "i": person(&n.base_b, "韩梅", &number, "23") }),
            Some(&n.manager_a),
        )
        .await;
    let mut borrowed = person(
        &n.base_a,
        "韩雪",
        &id_number("220302", "19900307", 866),
        "23",
    );
    borrowed["disabilityCertificateNumber"] = json!(certificate);
    let other_certificate = n
        .app
        .gql(REGISTER, json!({ "i": borrowed }), Some(&n.manager_a))
        .await;
    let stale = n
        .app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "version": 9, "phone": "1" } }),
            Some(&n.manager_a),
        )
        .await;
    let no_reason = n
        .app
        .gql(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        again["data"]["registerTrainee"]["userErrors"][0]["code"],
        "DUPLICATE"
    );
    for (what, body) in [
        ("duplicate", &again),
        ("other base", &elsewhere),
        ("someone else's certificate", &other_certificate),
        ("stale update", &stale),
        ("reveal without reason", &no_reason),
    ] {
        assert!(
            body["data"].to_string().contains("userErrors"),
            "{what}: {body}"
        );
        assert_hides(what, body, &number, &certificate);
    }
}

#[tokio::test]
async fn registering_at_a_base_one_does_not_govern_says_only_not_found() {
    let n = network().await;
    let number = id_number("220303", "19880808", 557);
    registered(
        &n.app,
        &n.manager_b,
        person(&n.base_b, "李雷", &number, "41"),
    )
    .await;
    let only_not_found =
        json!([{ "field": ["input", "baseId"], "code": "NOT_FOUND", "message": "基地不存在" }]);

    let existing = register(
        &n.app,
        &n.manager_a,
        person(&n.base_b, "李雷", &number, "41"),
    )
    .await;
    let unknown = register(
        &n.app,
        &n.manager_a,
        person(
            &n.base_b,
            "李明",
            &id_number("220303", "19880808", 559),
            "41",
        ),
    )
    .await;
    let invalid_number = register(
        &n.app,
        &n.manager_a,
        person(&n.base_b, "李明", "22030319880808559", "41"),
    )
    .await;
    let no_such_base = register(
        &n.app,
        &n.manager_a,
        person(&uuid::Uuid::now_v7().to_string(), "李雷", &number, "41"),
    )
    .await;

    for (what, payload) in [
        ("registered person", &existing),
        ("unknown person", &unknown),
        ("invalid number", &invalid_number),
        ("no such base", &no_such_base),
    ] {
        assert_eq!(payload["userErrors"], only_not_found, "{what}");
        assert_eq!(payload["trainee"], json!(null), "{what}");
    }
    let at_own_base = register(
        &n.app,
        &n.manager_b,
        person(&n.base_b, "李雷", &number, "41"),
    )
    .await;
    assert_eq!(
        at_own_base["userErrors"][0]["code"], "DUPLICATE",
        "where the caller governs, a duplicate is still reported"
    );
}

#[tokio::test]
async fn the_phone_is_encrypted_and_shown_only_to_those_who_may_contact_the_trainee() {
    let n = network().await;
    let id = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "林涛",
            &id_number("220302", "19910911", 733),
            "41",
        ),
    )
    .await;
    let (own, _) = n
        .app
        .user_with(&n.admin, json!({ "login": "lintao", "password": "trainee-password-123", "displayName": "林涛", "role": "TRAINEE", "traineeId": id }))
        .await;
    let other_city = n.app.admin_of("220100").await;
    let raw = stored(&n.app, &id).await;
    assert!(
        raw.phone_enc.as_deref().unwrap().starts_with("v1:"),
        "{raw:?}"
    );
    assert_eq!(raw.crypto_version, 2);

    for (who, token) in [
        ("admin of the city", &n.admin),
        ("manager of the base", &n.manager_a),
        ("the trainee", &own),
    ] {
        let data = n.app.data(PHONE, json!({ "id": id }), Some(token)).await;
        assert_eq!(data["trainee"]["phone"], PHONE_NUMBER, "{who}");
    }
    for (who, token) in [
        ("manager of another base", Some(n.manager_b.as_str())),
        ("admin of another city", Some(other_city.as_str())),
        ("anonymous", None),
    ] {
        let data = n.app.data(PHONE, json!({ "id": id }), token).await;
        assert_eq!(data["trainee"], json!(null), "{who}");
    }

    let changed = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 1, "phone": "13800001111" } }),
            Some(&own),
        )
        .await;
    assert_eq!(
        changed["updateTrainee"]["trainee"],
        json!({ "phone": "13800001111", "version": 2 })
    );
    let raw = stored(&n.app, &id).await;
    let sealed = raw.phone_enc.unwrap();
    assert!(
        sealed.starts_with("v1:") && !sealed.contains("13800001111"),
        "{sealed}"
    );
    let removed = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 2, "phone": "" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(removed["updateTrainee"]["trainee"]["phone"], json!(null));
    assert_eq!(stored(&n.app, &id).await.phone_enc, None);

    let again = n
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": 3, "phone": PHONE_NUMBER } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(again["updateTrainee"]["trainee"]["phone"], PHONE_NUMBER);
    let moved = n
        .app
        .data(
            "mutation($i: TransferTraineeInput!) { transferTrainee(input: $i) { trainee { phone } userErrors { code } } }",
            json!({ "i": { "traineeId": id, "toBaseId": n.base_b } }),
            Some(&n.admin),
        )
        .await;
    assert_eq!(
        moved["transferTrainee"]["trainee"]["phone"], PHONE_NUMBER,
        "the ciphertext is bound to the person's row, not to the base"
    );
    let new_base = n
        .app
        .data(PHONE, json!({ "id": id }), Some(&n.manager_b))
        .await;
    assert_eq!(new_base["trainee"]["phone"], PHONE_NUMBER);
    let old_base = n
        .app
        .data(PHONE, json!({ "id": id }), Some(&n.manager_a))
        .await;
    assert_eq!(old_base["trainee"], json!(null));
    let revealed = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "转入核对" } }),
            Some(&n.manager_b),
        )
        .await;
    assert!(revealed["revealTraineeIdentity"]["idNumber"].is_string());
}

#[tokio::test]
async fn a_ciphertext_copied_to_another_row_or_column_does_not_decrypt() {
    let n = network().await;
    let first_number = id_number("220302", "19850101", 135);
    let first = registered(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "甲一", &first_number, "41"),
    )
    .await;
    let second = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "乙二",
            &id_number("220302", "19850202", 246),
            "41",
        ),
    )
    .await;
    let third = registered(
        &n.app,
        &n.manager_a,
        person(
            &n.base_a,
            "丙三",
            &id_number("220302", "19850303", 357),
            "41",
        ),
    )
    .await;
    let db = &n.app.app.state.db;
    let source = stored(&n.app, &first).await;
    let target = stored(&n.app, &second).await;
    entity::trainee::Entity::update_many()
        .col_expr(
            entity::trainee::Column::IdNumberEnc,
            Expr::value(source.id_number_enc.clone()),
        )
        .col_expr(
            entity::trainee::Column::PhoneEnc,
            Expr::value(source.phone_enc.clone()),
        )
        .filter(entity::trainee::Column::Id.eq(target.id))
        .exec(db)
        .await
        .unwrap();
    let own_row = stored(&n.app, &third).await;
    entity::trainee::Entity::update_many()
        .col_expr(
            entity::trainee::Column::CertificateEnc,
            Expr::value(own_row.id_number_enc.clone()),
        )
        .filter(entity::trainee::Column::Id.eq(own_row.id))
        .exec(db)
        .await
        .unwrap();

    for victim in [&second, &third] {
        let reveal = n
            .app
            .gql(
                REVEAL,
                json!({ "i": { "traineeId": victim, "reason": "核对身份" } }),
                Some(&n.manager_a),
            )
            .await;
        assert_eq!(
            reveal["errors"][0]["extensions"]["code"], "INTERNAL",
            "{reveal}"
        );
        assert_eq!(reveal["errors"][0]["message"], "internal error");
        assert_eq!(reveal["data"], json!(null), "{reveal}");
        assert!(!reveal.to_string().contains(&first_number[6..]), "{reveal}");
    }
    let phone = n
        .app
        .gql(PHONE, json!({ "id": second }), Some(&n.manager_a))
        .await;
    assert_eq!(
        phone["data"]["trainee"]["name"], "乙二",
        "the rest of the trainee still reads"
    );
    assert_eq!(phone["data"]["trainee"]["phone"], json!(null));
    assert_eq!(phone["errors"][0]["extensions"]["code"], "INTERNAL");
    assert_eq!(phone["errors"][0]["path"], json!(["trainee", "phone"]));

    let audit = entity::identity_reveal::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert!(
        audit.is_empty(),
        "no audit record claims a reveal: {audit:?}"
    );
    let intact = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": first, "reason": "核对身份" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(intact["revealTraineeIdentity"]["idNumber"], first_number);
}

impl TestApp {
    /// Builds a second server on the same database with extra flags; the build's error.
    async fn try_reopen(&self, extra: &[&str]) -> Result<qihang::App, String> {
        let mut args = self.args.clone();
        args.extend(extra.iter().map(|s| s.to_string()));
        qihang::build(Config::try_parse_from(&args).unwrap())
            .await
            .map_err(|e| format!("{e:#}"))
    }
}

/// Sets columns of the trainee row `id` by name (some are not in today's entity).
async fn set_columns(db: &impl ConnectionTrait, id: &str, values: Vec<(&str, sea_orm::Value)>) {
    use sea_orm::sea_query::ExprTrait as _;
    let mut update = Query::update();
    update.table(Alias::new("trainee"));
    for (column, value) in values {
        update.value(Alias::new(column), value);
    }
    update.and_where(Expr::col(Alias::new("id")).eq(uuid::Uuid::parse_str(id).unwrap()));
    db.execute(&update).await.unwrap();
}

/// Reads text columns of the trainee row `id` by name.
async fn text_columns(db: &impl ConnectionTrait, id: &str, columns: &[&str]) -> Vec<String> {
    use sea_orm::sea_query::ExprTrait as _;
    let mut select = Query::select();
    select.from(Alias::new("trainee"));
    for column in columns {
        select.expr(Expr::col(Alias::new(*column)).cast_as(Alias::new("text")));
    }
    select.and_where(Expr::col(Alias::new("id")).eq(uuid::Uuid::parse_str(id).unwrap()));
    let row = db.query_one(&select).await.unwrap().unwrap();
    (0..columns.len())
        .map(|i| row.try_get_by_index::<String>(i).unwrap())
        .collect()
}

#[tokio::test]
async fn rows_from_before_are_upgraded_by_the_migration_and_at_start_up() {
    let n = network().await;
    let number = id_number("220302", "19870415", 419);
    let certificate = format!("{number}32");
    let id = registered(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "旧行", &number, "32"),
    )
    .await;
    let db = &n.app.app.state.db;
    let cipher = &n.app.app.state.cipher;
    let migrations = Migrator::migrations();
    let position = migrations
        .iter()
        .position(|m| m.name() == MIGRATION)
        .unwrap();

    // Given the database as it was before the migration, holding a row written the old way:
    // old masks, ciphertexts bound to their column only, a plain phone.
    Migrator::down(db, Some((migrations.len() - position) as u32))
        .await
        .unwrap();
    set_columns(
        db,
        &id,
        vec![
            (
                "id_number_enc",
                cipher
                    .encrypt(&number, b"trainee.id_number")
                    .unwrap()
                    .into(),
            ),
            (
                "certificate_enc",
                cipher
                    .encrypt(&certificate, b"trainee.certificate")
                    .unwrap()
                    .into(),
            ),
            ("phone", PHONE_NUMBER.into()),
            (
                "id_number_masked",
                format!("220302********{}", &number[14..]).into(),
            ),
            (
                "certificate_masked",
                format!("220302**********{}", &certificate[16..]).into(),
            ),
        ],
    )
    .await;

    // When the migrations run: masks are rewritten, the phone is still plain (no key).
    Migrator::up(db, None).await.unwrap();
    let columns = [
        "id_number_masked",
        "certificate_masked",
        "phone_enc",
        "crypto_version",
    ];
    assert_eq!(
        text_columns(db, &id, &columns).await,
        [
            "220302************",
            "220302************32",
            PHONE_NUMBER,
            "1"
        ]
    );

    // A server with another key refuses to start and leaves the row alone.
    let wrong_key = "ab".repeat(32);
    let refused = n.app.try_reopen(&["--data-key", &wrong_key]).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.contains("QIHANG_DATA_KEY")),
        "{:?}",
        refused.err()
    );
    assert_eq!(
        text_columns(db, &id, &columns).await[2..],
        [PHONE_NUMBER, "1"]
    );

    // Then a server with the right key upgrades the row at start-up.
    let upgraded = n.app.reopened(&[]).await;
    let after = text_columns(
        db,
        &id,
        &[
            "id_number_enc",
            "certificate_enc",
            "phone_enc",
            "crypto_version",
        ],
    )
    .await;
    assert_eq!(after[3], "2");
    assert!(
        after[2].starts_with("v1:") && !after[2].contains(PHONE_NUMBER),
        "{after:?}"
    );
    let phone = upgraded
        .data(PHONE, json!({ "id": id }), Some(&n.manager_a))
        .await;
    assert_eq!(phone["trainee"]["phone"], PHONE_NUMBER);
    let revealed = upgraded
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "升级后核对" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        revealed["revealTraineeIdentity"],
        json!({ "idNumber": number, "disabilityCertificateNumber": certificate, "userErrors": [] })
    );

    // And starting again changes nothing.
    let again = n.app.reopened(&[]).await;
    assert_eq!(
        text_columns(
            &again.app.state.db,
            &id,
            &[
                "id_number_enc",
                "certificate_enc",
                "phone_enc",
                "crypto_version"
            ]
        )
        .await,
        after
    );
}

#[tokio::test]
async fn an_update_of_a_row_not_yet_upgraded_upgrades_it() {
    let n = network().await;
    let number = id_number("220302", "19920202", 622);
    let id = registered(
        &n.app,
        &n.manager_a,
        person(&n.base_a, "滞后", &number, "41"),
    )
    .await;
    let db = &n.app.app.state.db;
    let cipher = &n.app.app.state.cipher;
    // A row an older server wrote while this one was already running.
    set_columns(
        db,
        &id,
        vec![
            (
                "id_number_enc",
                cipher
                    .encrypt(&number, b"trainee.id_number")
                    .unwrap()
                    .into(),
            ),
            (
                "certificate_enc",
                cipher
                    .encrypt(&format!("{number}41"), b"trainee.certificate")
                    .unwrap()
                    .into(),
            ),
            ("phone_enc", PHONE_NUMBER.into()),
            ("crypto_version", 1.into()),
        ],
    )
    .await;
    let unreadable = n
        .app
        .gql(PHONE, json!({ "id": id }), Some(&n.manager_a))
        .await;
    assert_eq!(
        unreadable["errors"][0]["extensions"]["code"], "INTERNAL",
        "a version-1 row is not read as if it were bound to its row"
    );

    let renamed = n
        .app
        .data(
            "mutation($i: UpdateTraineeInput!) { updateTrainee(input: $i) { trainee { name phone } userErrors { code } } }",
            json!({ "i": { "id": id, "version": 1, "name": "不再滞后" } }),
            Some(&n.manager_a),
        )
        .await;

    assert_eq!(
        renamed["updateTrainee"]["trainee"],
        json!({ "name": "不再滞后", "phone": PHONE_NUMBER })
    );
    let raw = stored(&n.app, &id).await;
    assert_eq!(raw.crypto_version, 2);
    assert_ne!(raw.phone_enc.as_deref(), Some(PHONE_NUMBER));
    let revealed = n
        .app
        .data(
            REVEAL,
            json!({ "i": { "traineeId": id, "reason": "核对身份" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(revealed["revealTraineeIdentity"]["idNumber"], number);
}

const PERSONAL: &str =
    "fragment Personal on Trainee { birthDate idNumberMasked disabilityCertificateMasked phone }";

/// A list reads the columns of the personal fields only when one of its nodes asks for one
/// (through a fragment too), and shows the same values as a whole-row read. A selection the
/// list did not look at reads them through the trainee loader.
#[tokio::test]
async fn lists_read_the_personal_columns_only_for_fields_that_show_them() {
    let n = network().await;
    let id = id_number("220302", "19900517", 7);
    let trainee = registered(&n.app, &n.manager_a, person(&n.base_a, "王芳", &id, "41")).await;
    let whole = n
        .app
        .data(
            &format!("query($id: ID!) {{ trainee(id: $id) {{ ...Personal }} }} {PERSONAL}"),
            json!({ "id": trainee }),
            Some(&n.manager_a),
        )
        .await["trainee"]
        .clone();
    assert_eq!(whole["birthDate"], "1990-05-17");
    assert_eq!(whole["phone"], PHONE_NUMBER);
    let expected = {
        let mut expected = whole.clone();
        expected["name"] = json!("王芳");
        expected
    };
    let measured = n.app.counting(&[&n.manager_a]).await;
    let run = |query: String| {
        let measured = &measured;
        let (base, token) = (&n.base_a, &n.manager_a);
        async move {
            let before = measured.statements();
            let data = measured
                .data(&query, json!({ "b": base }), Some(token))
                .await;
            (data, measured.statements() - before)
        }
    };

    let (public, statements) =
        run("query($b: ID!) { base(id: $b) { trainees(first: 5) { nodes { name } } } }".to_owned())
            .await;
    assert_eq!(
        public["base"]["trainees"]["nodes"],
        json!([{ "name": "王芳" }])
    );
    assert_eq!(statements, 2, "the base, then its page of trainees");

    let nested = format!(
        "query($b: ID!) {{ base(id: $b) {{ trainees(first: 5) {{ nodes {{ name ...Personal }} }} }} }} {PERSONAL}"
    );
    let (personal, statements) = run(nested).await;
    assert_eq!(personal["base"]["trainees"]["nodes"], json!([expected]));
    assert_eq!(statements, 2, "the page read the personal columns itself");

    let listed = format!(
        "query($b: ID!) {{ trainees(first: 5, filter: {{ baseId: $b }}) {{ edges {{ node {{ name ... on Trainee {{ ...Personal }} }} }} }} }} {PERSONAL}"
    );
    let (personal, statements) = run(listed).await;
    assert_eq!(personal["trainees"]["edges"], json!([{ "node": expected }]));
    assert_eq!(statements, 1, "the page read the personal columns itself");

    // Two selections of one connection merge into one field; its page is read for the first,
    // which shows nothing personal, and the second's fields read the rest by id.
    let merged = format!(
        "query($b: ID!) {{ base(id: $b) {{ trainees(first: 5) {{ nodes {{ name }} }} trainees(first: 5) {{ nodes {{ ...Personal }} }} }} }} {PERSONAL}"
    );
    let (personal, statements) = run(merged).await;
    assert_eq!(personal["base"]["trainees"]["nodes"], json!([expected]));
    assert_eq!(statements, 3, "the base, its page, then the trainee by id");
}

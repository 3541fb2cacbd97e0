//! The rules around a trainee import: the base's scope before anything else (no oracle on
//! identity numbers), the consent attestation, the per-account rate limit and the import
//! record listed by `traineeImports`.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{TestApp, error_code, id_number};
use crate::trainee_import::{IMPORT, fixture, fixture_with, trainee_count};

const IMPORTS: &str = "query($first: Int, $last: Int, $filter: TraineeImportFilter) { traineeImports(first: $first, last: $last, filter: $filter) { totalCount edges { node { id base { id } importedBy { login } importedAt dryRun fileName fileSha256 fileSize rows created duplicates failed refusal } } pageInfo { hasNextPage hasPreviousPage } } }";
const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }";

/// A CSV of the given people (name, identity number), all with valid certificates.
fn roster_csv(people: &[(&str, &str)]) -> String {
    let mut text = "姓名,身份证号,残疾证号,城乡\n".to_owned();
    for (name, id) in people {
        text.push_str(&format!("{name},{id},{id}41,城镇\n"));
    }
    text
}

fn input(base: &str, dry_run: bool, consent: bool) -> Value {
    json!({ "baseId": base, "file": null, "dryRun": dry_run, "consentToSensitiveData": consent })
}

async fn register(app: &TestApp, token: &str, base: &str, name: &str, id: &str) {
    let input = json!({ "baseId": base, "name": name, "idNumber": id,
        "disabilityCertificateNumber": format!("{id}41"), "residence": "URBAN",
        "consentToSensitiveData": true });
    let data = app.data(REGISTER, json!({ "i": input }), Some(token)).await;
    assert_eq!(data["registerTrainee"]["userErrors"], json!([]), "{data}");
}

async fn imports(app: &TestApp, token: &str, variables: Value) -> Value {
    app.data(IMPORTS, variables, Some(token)).await["traineeImports"].clone()
}

#[tokio::test]
async fn an_import_into_a_base_you_do_not_govern_checks_nothing_else() {
    let f = fixture().await;
    let other_admin = f.app.admin_of("220100").await;
    let other_base = f.app.base_in(&other_admin, "长春基地", "220104").await;
    let known = id_number("220104", "19850505", 21);
    register(&f.app, &other_admin, &other_base, "王五", &known).await;
    let file = roster_csv(&[("王五", &known)]);
    let not_found =
        json!([{ "field": ["input", "baseId"], "code": "NOT_FOUND", "message": "基地不存在" }]);

    let attempts: [(&str, Value, &[u8]); 5] = [
        ("dry run", input(&other_base, true, true), file.as_bytes()),
        ("real run", input(&other_base, false, true), file.as_bytes()),
        (
            "no consent",
            input(&other_base, true, false),
            file.as_bytes(),
        ),
        (
            "unreadable file",
            input(&other_base, true, true),
            b"%PDF-1.4\x00\x01",
        ),
        (
            "unknown base",
            input("01900000-0000-7000-8000-000000000000", true, true),
            file.as_bytes(),
        ),
    ];
    for (what, input, content) in attempts {
        let body = f
            .app
            .upload(&f.manager, IMPORT, input, "名单.csv", content)
            .await;
        let payload = &body["data"]["importTrainees"];
        assert_eq!(payload["userErrors"], not_found, "{what}: {body}");
        assert_eq!(payload["rows"], json!([]), "{what}: no row was checked");
        assert!(payload["importId"].is_null(), "{what}: nothing recorded");
    }
    let root = f.app.root_token().await;
    assert_eq!(imports(&f.app, &root, json!({})).await["totalCount"], 0);
    assert_eq!(trainee_count(&f.app).await, 1);

    // The same file at the manager's own base does answer DUPLICATE: that is the answer an
    // import elsewhere must never give.
    let own = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            input(&f.base, true, true),
            "名单.csv",
            file.as_bytes(),
        )
        .await;
    assert_eq!(
        own["data"]["importTrainees"]["rows"][0]["userErrors"][0]["code"],
        "DUPLICATE"
    );
}

#[tokio::test]
async fn without_consent_the_file_is_not_read_and_nothing_is_recorded() {
    let f = fixture().await;
    let id = id_number("220302", "19900101", 11);
    for content in [
        roster_csv(&[("张三", &id)]).into_bytes(),
        b"PK\x03\x04garbage".to_vec(),
    ] {
        let body = f
            .app
            .upload(
                &f.manager,
                IMPORT,
                input(&f.base, false, false),
                "名单.xlsx",
                &content,
            )
            .await;
        let payload = &body["data"]["importTrainees"];
        let errors = payload["userErrors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(errors[0]["code"], "CONSENT_REQUIRED");
        assert_eq!(
            errors[0]["field"],
            json!(["input", "consentToSensitiveData"])
        );
        assert_eq!(payload["rows"], json!([]));
        assert!(payload["importId"].is_null());
    }
    assert_eq!(trainee_count(&f.app).await, 0);
    assert_eq!(
        imports(&f.app, &f.manager, json!({})).await["totalCount"],
        0
    );

    let body = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            input(&f.base, false, true),
            "名单.csv",
            roster_csv(&[("张三", &id)]).as_bytes(),
        )
        .await;
    assert_eq!(body["data"]["importTrainees"]["created"], 1);
    let consents = {
        use sea_orm::EntityTrait;
        entity::consent::Entity::find()
            .all(&f.app.app.state.db)
            .await
            .unwrap()
    };
    let manager_id = f
        .app
        .data("{ me { id } }", json!({}), Some(&f.manager))
        .await["me"]["id"]
        .clone();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].source, entity::ConsentSource::Import);
    assert_eq!(
        consents[0].recorded_by.to_string(),
        manager_id.as_str().unwrap()
    );
    assert_eq!(
        consents[0].trainee_id.to_string(),
        body["data"]["importTrainees"]["rows"][0]["traineeId"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn imports_are_rate_limited_per_account() {
    let f = fixture_with(&["--imports-per-hour", "2"]).await;
    let colleague = f.app.manager_of(&f.admin, "colleague", &[&f.base]).await;
    let other_base = f.app.base_in(&f.admin, "双辽基地", "220382").await;
    let file = roster_csv(&[("张三", &id_number("220302", "19900101", 11))]);
    let run = |token: String, input: Value| {
        let (app, file) = (&f.app, file.clone());
        async move {
            app.upload(&token, IMPORT, input, "名单.csv", file.as_bytes())
                .await
        }
    };

    // Refusals before the file is read do not use the allowance.
    for refused in [input(&other_base, true, true), input(&f.base, true, false)] {
        let body = run(f.manager.clone(), refused).await;
        assert!(
            body["data"]["importTrainees"]["importId"].is_null(),
            "{body}"
        );
    }
    for _ in 0..2 {
        let body = run(f.manager.clone(), input(&f.base, true, true)).await;
        assert!(
            body["data"]["importTrainees"]["importId"].is_string(),
            "{body}"
        );
    }
    let limited = run(f.manager.clone(), input(&f.base, false, true)).await;
    assert_eq!(error_code(&limited), "RATE_LIMITED", "{limited}");
    let retry_after = limited["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((1..=1801).contains(&retry_after), "{retry_after}");
    assert_eq!(trainee_count(&f.app).await, 0);

    let body = run(colleague.clone(), input(&f.base, false, true)).await;
    assert_eq!(
        body["data"]["importTrainees"]["created"], 1,
        "each account has its own allowance: {body}"
    );
    assert_eq!(imports(&f.app, &f.admin, json!({})).await["totalCount"], 3);
}

#[tokio::test]
async fn every_import_leaves_a_record_for_those_who_govern_its_base() {
    let f = fixture().await;
    let (a, b) = (
        id_number("220302", "19900101", 11),
        id_number("220302", "19900102", 12),
    );
    let good = roster_csv(&[
        ("甲", &a),
        ("乙", &b),
        ("甲又", &a),
        ("丙", "220302199001019999"),
    ]);
    let bad = "姓名,手机号\n张三,13900000000\n";
    let mut ids = Vec::new();
    for (name, dry_run, content) in [
        ("名单.csv", true, good.as_bytes()),
        ("名单.csv", false, good.as_bytes()),
        ("bad.csv", false, bad.as_bytes()),
    ] {
        let body = f
            .app
            .upload(
                &f.manager,
                IMPORT,
                input(&f.base, dry_run, true),
                name,
                content,
            )
            .await;
        ids.push(body["data"]["importTrainees"]["importId"].clone());
    }
    assert!(ids[..2].iter().all(Value::is_string));
    assert!(
        ids[2].is_null(),
        "a file refused whole has userErrors instead"
    );
    let sha = |content: &[u8]| -> String {
        Sha256::digest(content)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };

    let root = f.app.root_token().await;
    let listed = imports(&f.app, &root, json!({ "first": 10 })).await;
    assert_eq!(listed["totalCount"], 3);
    let nodes: Vec<&Value> = listed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    let listed_ids: Vec<Value> = nodes.iter().map(|n| n["id"].clone()).collect();
    assert_eq!(
        listed_ids[..2],
        ids[..2],
        "oldest first, ids as the mutation returned them"
    );
    for (node, dry_run) in nodes[..2].iter().zip([true, false]) {
        assert_eq!(node["dryRun"], dry_run);
        assert_eq!(node["base"]["id"], f.base.as_str());
        assert_eq!(node["importedBy"]["login"], "importer");
        assert_eq!(node["fileName"], "名单.csv");
        assert_eq!(node["fileSha256"], sha(good.as_bytes()));
        assert_eq!(node["fileSize"], good.len());
        assert_eq!(node["rows"], 4);
        assert_eq!(node["created"], 2);
        assert_eq!(node["duplicates"], 1);
        assert_eq!(node["failed"], 2);
        assert!(node["refusal"].is_null());
        assert!(node["importedAt"].as_str().unwrap().ends_with('Z'));
    }
    let refused = nodes[2];
    assert_eq!(refused["fileSha256"], sha(bad.as_bytes()));
    assert_eq!(refused["rows"], 0);
    assert_eq!(refused["created"], 0);
    assert_eq!(refused["refusal"], "缺少必填列：身份证号、残疾证号、城乡");

    let newest = imports(&f.app, &root, json!({ "last": 1 })).await;
    assert_eq!(newest["edges"][0]["node"]["id"], listed_ids[2]);
    assert_eq!(newest["pageInfo"]["hasPreviousPage"], true);

    // Another base in the region, with its own manager and import.
    let second = f.app.base_in(&f.admin, "双辽基地", "220382").await;
    let second_manager = f.app.manager_of(&f.admin, "shuangliao", &[&second]).await;
    let c = id_number("220382", "19900103", 13);
    f.app
        .upload(
            &second_manager,
            IMPORT,
            input(&second, true, true),
            "双辽.csv",
            roster_csv(&[("丁", &c)]).as_bytes(),
        )
        .await;

    let count = |token: String, filter: Value| {
        let app = &f.app;
        async move {
            imports(app, &token, json!({ "filter": filter })).await["totalCount"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(
        count(f.admin.clone(), json!(null)).await,
        4,
        "ADMIN: its region"
    );
    assert_eq!(count(f.admin.clone(), json!({ "baseId": second })).await, 1);
    assert_eq!(
        count(f.manager.clone(), json!(null)).await,
        3,
        "manager: own base"
    );
    assert_eq!(
        count(f.manager.clone(), json!({ "baseId": second })).await,
        0
    );
    assert_eq!(count(second_manager.clone(), json!(null)).await, 1);
    let elsewhere = f.app.admin_of("220100").await;
    assert_eq!(
        count(elsewhere, json!(null)).await,
        0,
        "another city sees none"
    );
    let (_, malformed) = f
        .app
        .post(
            json!({ "query": "query($f: TraineeImportFilter) { traineeImports(filter: $f) { totalCount } }", "variables": { "f": { "baseId": "not-an-id" } } }),
            Some(&root),
        )
        .await;
    assert_eq!(
        malformed["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    let instructor = f
        .app
        .user_with(&root, json!({ "login": "teacher", "password": "teacher-password-123", "displayName": "老师", "role": "INSTRUCTOR", "baseIds": [f.base] }))
        .await
        .0;
    let body = f.app.gql(IMPORTS, json!({}), Some(&instructor)).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

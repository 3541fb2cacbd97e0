//! Malformed ids are handled one way everywhere: `INVALID` on their path in a mutation's
//! `userErrors`, `BAD_USER_INPUT` in a query argument; never mistaken for an unknown object
//! nor silently dropped.

use serde_json::{Value, json};

use crate::support::{TestApp, error_code, id_number};

const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code message } } }";

/// The `(path, code)` of each user error of a payload.
fn problems(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let path: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (path.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn invalid(paths: &[&str]) -> Vec<(String, String)> {
    paths
        .iter()
        .map(|p| (p.to_string(), "INVALID".to_owned()))
        .collect()
}

#[tokio::test]
async fn malformed_ids_in_mutation_inputs_are_invalid_on_their_path() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "铁西基地", "220302").await;
    let manager = app.manager_of(&admin, "manager", &[&base]).await;
    let trainee = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } } }",
            json!({ "i": { "baseId": base, "name": "王一", "idNumber": id_number("220302", "19900101", 1), "disabilityCertificateNumber": format!("{}41", id_number("220302", "19900101", 1)), "residence": "RURAL", "consentToSensitiveData": true } }),
            Some(&manager),
        )
        .await["registerTrainee"]["trainee"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A partner id on a manager used to be dropped without a word, and the account created.
    let user = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "someone", "password": "someone-password-123", "displayName": "某人", "role": "BASE_MANAGER", "baseIds": [base, "nope"], "partnerId": "garbage", "traineeId": "0" } }),
            Some(&admin),
        )
        .await;
    let update_base = app
        .data(
            "mutation($i: UpdateBaseInput!) { updateBase(input: $i) { base { id } userErrors { field code message } } }",
            json!({ "i": { "id": format!("{base}x"), "version": 1, "name": "新名" } }),
            Some(&admin),
        )
        .await;
    let transfer = app
        .data(
            "mutation($i: TransferTraineeInput!) { transferTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
            json!({ "i": { "traineeId": "1", "toBaseId": "2" } }),
            Some(&manager),
        )
        .await;
    let service = app
        .data(
            "mutation($i: RecordServiceInput!) { recordService(input: $i) { service { id } userErrors { field code message } } }",
            json!({ "i": { "traineeId": trainee.replace('-', ""), "kind": "NEED_REGISTRATION", "date": "2026-01-05" } }),
            Some(&manager),
        )
        .await;
    let register = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
            json!({ "i": { "baseId": "base-1", "name": "王二", "idNumber": id_number("220302", "19900101", 2), "disabilityCertificateNumber": format!("{}41", id_number("220302", "19900101", 2)), "residence": "RURAL", "consentToSensitiveData": true } }),
            Some(&manager),
        )
        .await;

    assert_eq!(
        problems(&user["createUser"]),
        invalid(&["input.baseIds.1", "input.partnerId", "input.traineeId"])
    );
    assert_eq!(user["createUser"]["user"], Value::Null);
    assert_eq!(problems(&update_base["updateBase"]), invalid(&["input.id"]));
    assert_eq!(
        problems(&transfer["transferTrainee"]),
        invalid(&["input.traineeId", "input.toBaseId"])
    );
    assert_eq!(
        problems(&service["recordService"]),
        invalid(&["input.traineeId"])
    );
    assert_eq!(
        problems(&register["registerTrainee"]),
        invalid(&["input.baseId"])
    );
    let logins = app
        .data("{ trainees { totalCount } }", json!({}), Some(&admin))
        .await;
    assert_eq!(
        logins["trainees"]["totalCount"], 1,
        "nothing was registered"
    );

    // A well-formed id of nothing is still NOT_FOUND.
    let unknown = app
        .data(
            "mutation($i: UpdateBaseInput!) { updateBase(input: $i) { userErrors { field code } } }",
            json!({ "i": { "id": uuid::Uuid::now_v7(), "version": 1 } }),
            Some(&admin),
        )
        .await;
    assert_eq!(
        problems(&unknown["updateBase"]),
        [("input.id".to_owned(), "NOT_FOUND".to_owned())]
    );
}

#[tokio::test]
async fn malformed_ids_in_query_arguments_are_bad_user_input() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    app.base_in(&admin, "铁西基地", "220302").await;

    for query in [
        r#"{ trainee(id: "x") { id } }"#,
        r#"{ base(id: "x") { id } }"#,
        r#"{ trainees(filter: { baseId: "x" }) { totalCount } }"#,
        r#"{ bases { edges { node { trainees(filter: { baseId: "x" }) { totalCount } } } } }"#,
        r#"{ identityReveals(traineeId: "x") { totalCount } }"#,
    ] {
        let body = app.gql(query, json!({}), Some(&admin)).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("ID"), "{query}: {message}");
    }

    // Well-formed ids of nothing: null and empty, not errors.
    let nothing = uuid::Uuid::now_v7();
    let data = app
        .data(
            "query($id: ID!) { trainee(id: $id) { id } base(id: $id) { id } trainees(filter: { baseId: $id }) { totalCount } }",
            json!({ "id": nothing }),
            Some(&admin),
        )
        .await;
    assert_eq!(
        data,
        json!({ "trainee": null, "base": null, "trainees": { "totalCount": 0 } })
    );
}

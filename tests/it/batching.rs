//! When loaders fetch: as soon as the request can add no more keys, with siblings still
//! sharing one statement; root fields that fetch one object by id go through the same
//! loaders; regions cost no statement at all.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{TestApp, id_number};

const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }";
const SERVICE: &str = "mutation($i: RecordServiceInput!) { recordService(input: $i) { userErrors { field code message } } }";

/// `count` trainees at a new base in 220302 (each with one service record); returns the
/// base's id and the trainees' ids.
async fn trainees(app: &TestApp, token: &str, count: u32) -> (String, Vec<String>) {
    let base = app.base_in(token, "铁西基地", "220302").await;
    let mut ids = Vec::new();
    for seq in 0..count {
        let id = id_number("220302", "19900101", seq);
        let input = json!({ "baseId": base, "name": format!("学员{seq}"), "idNumber": id,
            "disabilityCertificateNumber": format!("{id}41"), "residence": "RURAL",
            "consentToSensitiveData": true });
        let data = app.data(REGISTER, json!({ "i": input }), Some(token)).await;
        assert_eq!(data["registerTrainee"]["userErrors"], json!([]), "{data}");
        let trainee = data["registerTrainee"]["trainee"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let service =
            json!({ "traineeId": trainee, "kind": "NEED_REGISTRATION", "date": "2026-02-02" });
        let data = app
            .data(SERVICE, json!({ "i": service }), Some(token))
            .await;
        assert_eq!(data["recordService"]["userErrors"], json!([]), "{data}");
        ids.push(trainee);
    }
    (base, ids)
}

#[tokio::test]
async fn aliased_root_fields_by_id_share_one_statement_per_loader() {
    // 12 + 4 + 3 + 3 root fields, above the default limit of 20.
    let app = TestApp::with_args(&["--max-root-fields", "30"]).await;
    let root = app.root_token().await;
    let (base, ids) = trainees(&app, &root, 12).await;
    let other = app.base_in(&root, "铁东基地", "220303").await;
    let mut fields: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!(r#"t{i}: trainee(id: "{id}") {{ name }}"#))
        .collect();
    for (i, id) in [&base, &other, &base, "00000000-0000-0000-0000-000000000000"]
        .iter()
        .enumerate()
    {
        fields.push(format!(r#"b{i}: base(id: "{id}") {{ name }}"#));
    }
    for i in 0..3 {
        fields.push(format!("m{i}: me {{ login }}"));
        fields.push(format!(r#"r{i}: region(code: "22030{i}") {{ name }}"#));
    }
    let query = format!("{{ {} }}", fields.join(" "));

    let before = app.statements();
    let data = app.data(&query, json!({}), Some(&root)).await;
    let statements = app.statements() - before;

    assert_eq!(data["t0"]["name"], "学员0");
    assert_eq!(data["t11"]["name"], "学员11");
    assert_eq!(data["b1"]["name"], "铁东基地");
    assert_eq!(data["b3"], json!(null));
    assert_eq!(data["m2"]["login"], "root");
    assert_eq!(data["r2"]["name"], "铁西区");
    // One for the 12 trainees, one for the bases, one for `me`; regions come from memory.
    assert_eq!(statements, 3, "ran {statements} statements");
}

#[tokio::test]
async fn a_root_field_by_id_keeps_the_callers_scope() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let (_, ids) = trainees(&app, &root, 2).await;
    let outsider = app.admin_of("210000").await;
    let query = format!(
        r#"{{ a: trainee(id: "{}") {{ name }} b: trainee(id: "{}") {{ name }} }}"#,
        ids[0], ids[1]
    );

    let seen = app.data(&query, json!({}), Some(&root)).await;
    let hidden = app.data(&query, json!({}), Some(&outsider)).await;
    let anonymous = app.data(&query, json!({}), None).await;

    assert_eq!(
        seen,
        json!({ "a": { "name": "学员0" }, "b": { "name": "学员1" } })
    );
    assert_eq!(hidden, json!({ "a": null, "b": null }));
    assert_eq!(anonymous, json!({ "a": null, "b": null }));
}

#[tokio::test]
async fn loaders_fetch_without_waiting_for_the_delay() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let (_, ids) = trainees(&app, &root, 1).await;
    // A 5 s delay: if a loader waited for it, this two-level query would take 10 s.
    let measured = app.reopened(&["--dataloader-delay-us", "5000000"]).await;
    // As a running server would have it: the caller's account state already cached.
    measured.data("{ me { id } }", json!({}), Some(&root)).await;
    let query = "query($id: ID!) { trainee(id: $id) { name services { kind } } }";

    let started = Instant::now();
    let before = measured.statements();
    let data = measured
        .data(query, json!({ "id": ids[0] }), Some(&root))
        .await;
    let statements = measured.statements() - before;

    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        data["trainee"]["services"],
        json!([{ "kind": "NEED_REGISTRATION" }])
    );
    assert_eq!(statements, 2, "the trainee, then its services");
}

#[tokio::test]
async fn a_trainee_by_id_is_read_with_its_base_in_one_statement() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let (_, ids) = trainees(&app, &root, 3).await;
    let other = app.base_in(&root, "铁东基地", "220303").await;
    let outsider = app.admin_of("210000").await;
    let measured = app.reopened(&[]).await;
    measured.data("{ me { id } }", json!({}), Some(&root)).await;
    measured
        .data("{ me { id } }", json!({}), Some(&outsider))
        .await;
    let query = format!(
        r#"{{ a: trainee(id: "{}") {{ name base {{ id name region {{ name }} }} }}
              b: trainee(id: "{}") {{ ... on Trainee {{ base {{ id }} }} }}
              c: trainee(id: "{}") {{ name }}
              other: base(id: "{other}") {{ name }} }}"#,
        ids[0], ids[1], ids[2]
    );

    let before = measured.statements();
    let data = measured.data(&query, json!({}), Some(&root)).await;
    let statements = measured.statements() - before;
    let hidden = measured.data(&query, json!({}), Some(&outsider)).await;

    assert_eq!(data["a"]["name"], "学员0");
    assert_eq!(data["a"]["base"]["region"]["name"], "铁西区");
    assert_eq!(data["b"]["base"]["id"], data["a"]["base"]["id"].clone());
    assert_eq!(data["c"]["name"], "学员2");
    assert_eq!(data["other"]["name"], "铁东基地");
    // a and b joined to their base, c alone, the other base by the base loader; the base
    // loader reads nothing for the bases the join brought.
    assert_eq!(statements, 3, "ran {statements} statements");
    // Out of scope, the join finds nothing: no trainee, and so no base.
    assert_eq!(hidden["a"], json!(null));
    assert_eq!(hidden["b"], json!(null));
    assert_eq!(hidden["other"]["name"], "铁东基地");
}

#[tokio::test]
async fn siblings_of_a_long_list_share_one_statement_without_any_delay() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    trainees(&app, &root, 40).await;
    // More than 32 siblings: async-graphql's list resolution yields part-way, and a loader
    // that fetched at the first pause would split the batch.
    let measured = app.reopened(&["--dataloader-delay-us", "0"]).await;
    measured.data("{ me { id } }", json!({}), Some(&root)).await;
    let query = "{ trainees(first: 40) { nodes { name region { name } base { name region { name } } services { kind } } } }";

    let before = measured.statements();
    let data = measured.data(query, json!({}), Some(&root)).await;
    let statements = measured.statements() - before;

    let nodes = data["trainees"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 40);
    assert!(nodes.iter().all(
        |n| n["services"] == json!([{ "kind": "NEED_REGISTRATION" }])
            && n["base"]["region"]["name"] == "铁西区"
    ));
    // The page, the bases of all 40, the services of all 40.
    assert_eq!(statements, 3, "ran {statements} statements");
}

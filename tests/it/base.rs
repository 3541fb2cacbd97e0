//! Incubation bases: the public directory, creation and versioned updates within a region.

use serde_json::{Value, json};

use crate::support::{BATCHING_DELAY, TestApp, error_code};

const CREATE: &str = "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id name status version region { code } focusAreas establishedOn } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdateBaseInput!) { updateBase(input: $i) { base { id name status capacity version contactPhone } userErrors { field code message } } }";
const LIST: &str = "query($first: Int, $after: String, $last: Int, $before: String, $filter: BaseFilter) { bases(first: $first, after: $after, last: $last, before: $before, filter: $filter) { edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

fn names(data: &Value) -> Vec<String> {
    data["bases"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_admin_creates_bases_in_its_region_only() {
    let app = TestApp::new().await;
    let siping = app.admin_of("220300").await;

    let data = app
        .data(
            CREATE,
            json!({ "i": { "name": " 四平市残疾人网络创业孵化基地 ", "regionCode": "220302", "establishedOn": "2022-05-01", "focusAreas": ["SHORT_VIDEO", "LIVESTREAM_COMMERCE"] } }),
            Some(&siping),
        )
        .await;
    let base = &data["createBase"]["base"];
    assert_eq!(base["name"], "四平市残疾人网络创业孵化基地", "trimmed");
    assert_eq!(base["status"], "ACTIVE");
    assert_eq!(base["version"], 1);
    assert_eq!(base["region"]["code"], "220302");
    assert_eq!(base["establishedOn"], "2022-05-01");
    assert_eq!(
        base["focusAreas"],
        json!(["LIVESTREAM_COMMERCE", "SHORT_VIDEO"])
    );

    let outside = app
        .gql(
            CREATE,
            json!({ "i": { "name": "沈阳基地", "regionCode": "210102" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(error_code(&outside), "FORBIDDEN");
    let anonymous = app
        .gql(
            CREATE,
            json!({ "i": { "name": "x", "regionCode": "220302" } }),
            None,
        )
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn create_base_validates_its_input() {
    let app = TestApp::new().await;
    let root = app.root_token().await;

    let data = app
        .data(
            CREATE,
            json!({ "i": { "name": "", "regionCode": "123456", "capacity": -1, "contactPhone": "call me", "establishedOn": "2999-01-01" } }),
            Some(&root),
        )
        .await;

    let errors: Vec<(String, String)> = data["createBase"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"][1].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("name", "REQUIRED"),
        ("regionCode", "NOT_FOUND"),
        ("capacity", "INVALID"),
        ("contactPhone", "INVALID"),
        ("establishedOn", "INVALID"),
    ] {
        assert!(
            errors.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {errors:?}"
        );
    }
    assert_eq!(data["createBase"]["base"], json!(null));
}

#[tokio::test]
async fn updates_are_guarded_by_version_and_scope() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let siping = app.admin_of("220300").await;
    let base = app.base_in(&siping, "四平基地", "220302").await;
    let shenyang = app.base_in(&root, "沈阳基地", "210102").await;

    let first = app
        .data(UPDATE, json!({ "i": { "id": base, "version": 1, "status": "SUSPENDED", "capacity": 40, "contactPhone": "0434-1234567" } }), Some(&siping))
        .await;
    assert_eq!(first["updateBase"]["userErrors"], json!([]));
    assert_eq!(first["updateBase"]["base"]["version"], 2);
    assert_eq!(first["updateBase"]["base"]["status"], "SUSPENDED");
    assert_eq!(
        first["updateBase"]["base"]["name"], "四平基地",
        "untouched fields stay"
    );

    let stale = app
        .data(
            UPDATE,
            json!({ "i": { "id": base, "version": 1, "name": "改名" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(
        stale["updateBase"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let unchanged = app
        .data(
            r#"query($id: ID!) { base(id: $id) { name version } }"#,
            json!({ "id": base }),
            None,
        )
        .await;
    assert_eq!(
        unchanged["base"],
        json!({ "name": "四平基地", "version": 2 })
    );

    let foreign = app
        .data(
            UPDATE,
            json!({ "i": { "id": shenyang, "version": 1, "name": "x" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(
        foreign["updateBase"]["userErrors"][0]["code"], "NOT_FOUND",
        "out of scope looks absent"
    );

    let invalid = app
        .data(
            UPDATE,
            json!({ "i": { "id": base, "version": 2, "name": "" , "capacity": -5 } }),
            Some(&siping),
        )
        .await;
    assert_eq!(
        invalid["updateBase"]["userErrors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let still = app
        .data(
            r#"query($id: ID!) { base(id: $id) { version } }"#,
            json!({ "id": base }),
            None,
        )
        .await;
    assert_eq!(
        still["base"]["version"], 2,
        "a refused update changes nothing"
    );
}

#[tokio::test]
async fn the_directory_filters_by_region_subtree_status_and_chinese_name() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    app.base_in(&root, "四平市铁西区孵化基地", "220302").await;
    app.base_in(&root, "四平市铁东区孵化基地", "220303").await;
    app.base_in(&root, "长春市朝阳区孵化基地", "220104").await;
    app.base_in(&root, "沈阳市和平区孵化基地", "210102").await;

    let siping = app
        .data(LIST, json!({ "filter": { "regionCode": "220300" } }), None)
        .await;
    assert_eq!(
        names(&siping),
        ["四平市铁西区孵化基地", "四平市铁东区孵化基地"]
    );
    let jilin = app
        .data(LIST, json!({ "filter": { "regionCode": "220000" } }), None)
        .await;
    assert_eq!(names(&jilin).len(), 3);
    let search = app
        .data(LIST, json!({ "filter": { "search": "铁东" } }), None)
        .await;
    assert_eq!(names(&search), ["四平市铁东区孵化基地"]);
    let literal = app
        .data(LIST, json!({ "filter": { "search": "%" } }), None)
        .await;
    assert!(names(&literal).is_empty(), "% is matched literally");
    let planned = app
        .data(LIST, json!({ "filter": { "status": ["PLANNED"] } }), None)
        .await;
    assert!(names(&planned).is_empty());
}

#[tokio::test]
async fn keyset_pages_walk_forward_and_back() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    for i in 1..=5 {
        app.base_in(&root, &format!("基地{i}"), "220302").await;
    }

    let page1 = app.data(LIST, json!({ "first": 2 }), None).await;
    assert_eq!(names(&page1), ["基地1", "基地2"]);
    assert_eq!(page1["bases"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(page1["bases"]["pageInfo"]["hasPreviousPage"], false);
    let page2 = app
        .data(
            LIST,
            json!({ "first": 2, "after": page1["bases"]["pageInfo"]["endCursor"] }),
            None,
        )
        .await;
    assert_eq!(names(&page2), ["基地3", "基地4"]);
    let page3 = app
        .data(
            LIST,
            json!({ "first": 2, "after": page2["bases"]["pageInfo"]["endCursor"] }),
            None,
        )
        .await;
    assert_eq!(names(&page3), ["基地5"]);
    assert_eq!(page3["bases"]["pageInfo"]["hasNextPage"], false);

    let back = app
        .data(
            LIST,
            json!({ "last": 2, "before": page3["bases"]["pageInfo"]["startCursor"] }),
            None,
        )
        .await;
    assert_eq!(names(&back), ["基地3", "基地4"]);
    assert_eq!(back["bases"]["pageInfo"]["hasPreviousPage"], true);
    let tail = app.data(LIST, json!({ "last": 2 }), None).await;
    assert_eq!(names(&tail), ["基地4", "基地5"]);
}

#[tokio::test]
async fn total_count_costs_a_statement_only_when_selected() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    for i in 1..=3 {
        app.base_in(&root, &format!("基地{i}"), "220302").await;
    }

    let before = app.statements();
    app.data("{ bases { edges { node { id } } } }", json!({}), None)
        .await;
    let without = app.statements() - before;
    let before = app.statements();
    let data = app
        .data(
            "{ bases(first: 1) { totalCount edges { node { id } } } }",
            json!({}),
            None,
        )
        .await;
    let with = app.statements() - before;

    assert_eq!(data["bases"]["totalCount"], 3);
    assert_eq!(without, 1);
    assert_eq!(with, 2);
}

#[tokio::test]
async fn nested_relations_are_batched() {
    let app = TestApp::with_args(&BATCHING_DELAY).await;
    let root = app.root_token().await;
    let mut bases = Vec::new();
    for i in 1..=8 {
        bases.push(
            app.base_in(
                &root,
                &format!("基地{i}"),
                if i % 2 == 0 { "220302" } else { "220104" },
            )
            .await,
        );
    }
    for (i, base) in bases.iter().enumerate() {
        app.manager_of(&root, &format!("manager{i}"), &[base.as_str()])
            .await;
    }
    let query = "{ bases(first: 50) { edges { node { name region { name parent { name } } managers { login bases { name region { code } } } } } } }";

    let before = app.statements();
    let data = app.data(query, json!({}), Some(&root)).await;
    let statements = app.statements() - before;

    assert_eq!(data["bases"]["edges"].as_array().unwrap().len(), 8);
    assert_eq!(
        data["bases"]["edges"][0]["node"]["managers"][0]["login"],
        "manager0"
    );
    // bases, managers, their bases; regions come from memory.
    assert_eq!(statements, 3, "ran {statements} statements");
}

#[tokio::test]
async fn managers_are_shown_to_the_region_and_the_base_only() {
    let app = TestApp::new().await;
    let siping = app.admin_of("220300").await;
    let changchun = app.admin_of("220100").await;
    let base = app.base_in(&siping, "四平基地", "220302").await;
    let manager = app.manager_of(&siping, "siping-manager", &[&base]).await;
    let query = r#"query($id: ID!) { base(id: $id) { managers { login } } }"#;

    for (who, token, expected) in [
        (
            "region admin",
            Some(siping.as_str()),
            json!([{ "login": "siping-manager" }]),
        ),
        (
            "own manager",
            Some(manager.as_str()),
            json!([{ "login": "siping-manager" }]),
        ),
        ("other region", Some(changchun.as_str()), json!([])),
        ("anonymous", None, json!([])),
    ] {
        let data = app.data(query, json!({ "id": base }), token).await;
        assert_eq!(data["base"]["managers"], expected, "{who}");
    }
}

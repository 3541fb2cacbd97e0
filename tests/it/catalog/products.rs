//! Products: who creates them, exact prices, tags, the producer profile, publishing rules,
//! versioned updates, archiving, who sees drafts, the partner's reach (walked over the whole
//! schema) and the statement count of a catalog page. Longer than ~400 lines for the
//! schema walk's selection builder beside the tests.

use serde_json::{Value, json};

use super::{CREATE_PRODUCT, PUBLISH, UPLOAD, World, key_data, png, register_trainee, with_key};
use crate::support::{BATCHING_DELAY, error_code};

const UPDATE: &str = "mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { title price stock tags version updatedAt } userErrors { field code message } } }";
const ARCHIVE: &str = "mutation($id: ID!) { archiveProduct(id: $id) { product { status version } userErrors { field code message } } }";
const GET: &str = "query($id: ID!) { product(id: $id) { id title status } }";
const LIST: &str = "{ products(first: 100) { totalCount edges { node { title status } } } }";

fn product_input(trainee: &str) -> Value {
    json!({ "producerTraineeId": trainee, "title": "长白山黑木耳 500g", "description": "秋耳，肉厚", "category": "AGRICULTURAL",
            "price": "12.5", "unit": "袋", "stock": 30, "tags": [" 木耳 ", "木耳", "东北  特产", ""] })
}

#[tokio::test]
async fn staff_and_trainees_create_products_with_exact_prices_and_tidy_tags() {
    let w = World::new().await;
    let data = w
        .app
        .data(
            CREATE_PRODUCT,
            json!({ "i": product_input(&w.trainee) }),
            Some(&w.manager),
        )
        .await;
    let payload = &data["createProduct"];
    assert_eq!(payload["userErrors"], json!([]), "{data}");
    let product = &payload["product"];
    assert_eq!(product["status"], "DRAFT");
    assert_eq!(product["price"], "12.50");
    assert_eq!(product["currency"], "CNY");
    assert_eq!(product["minOrderQuantity"], 1);
    assert_eq!(product["tags"], json!(["木耳", "东北 特产"]));
    assert_eq!(
        product["origin"]["code"], "220302",
        "defaults to the base's region"
    );
    assert_eq!(product["producer"]["displayName"], "王**");
    assert_eq!(product["base"]["id"], w.base.as_str());

    // The ADMIN over the region may too, with another origin; a cent is exact.
    let mut input = product_input(&w.trainee);
    input["price"] = json!("0.10");
    input["originRegionCode"] = json!("220303");
    let data = w
        .app
        .data(CREATE_PRODUCT, json!({ "i": input }), Some(&w.admin))
        .await;
    assert_eq!(data["createProduct"]["product"]["price"], "0.10");
    assert_eq!(data["createProduct"]["product"]["origin"]["code"], "220303");
    // The same producer keeps one profile.
    assert_eq!(
        data["createProduct"]["product"]["producer"]["id"],
        product["producer"]["id"]
    );
}

#[tokio::test]
async fn product_input_is_checked() {
    let w = World::new().await;
    let mut input = product_input(&w.trainee);
    input["price"] = json!("1.234");
    input["stock"] = json!(-1);
    input["minOrderQuantity"] = json!(0);
    input["unit"] = json!(" ");
    input["tags"] = json!((0..21).map(|i| format!("标签{i}")).collect::<Vec<_>>());
    input["originRegionCode"] = json!("999999");
    let data = w
        .app
        .data(CREATE_PRODUCT, json!({ "i": input }), Some(&w.manager))
        .await;
    let mut fields: Vec<String> = data["createProduct"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"][1].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "minOrderQuantity",
            "originRegionCode",
            "price",
            "stock",
            "tags",
            "unit"
        ],
        "{data}"
    );
    let body = w
        .app
        .gql(CREATE_PRODUCT, json!({ "i": { "producerTraineeId": w.trainee, "title": "x", "category": "FOOD", "price": 1.5, "unit": "件", "stock": 1 } }), Some(&w.manager))
        .await;
    assert_eq!(
        error_code(&body),
        "BAD_USER_INPUT",
        "a float price is refused: {body}"
    );
    let data = w.app.data(CREATE_PRODUCT, json!({ "i": { "producerTraineeId": "not-an-id", "title": "x", "category": "FOOD", "price": "1", "unit": "件", "stock": 1 } }), Some(&w.manager)).await;
    assert_eq!(
        data["createProduct"]["userErrors"][0]["field"],
        json!(["input", "producerTraineeId"])
    );
}

#[tokio::test]
async fn only_those_who_manage_a_producer_create_its_products() {
    let w = World::new().await;
    let other_base = w.app.base_in(&w.admin, "铁东基地", "220303").await;
    let other_manager = w
        .app
        .manager_of(&w.admin, "other-manager", &[&other_base])
        .await;
    let data = w
        .app
        .data(
            CREATE_PRODUCT,
            json!({ "i": product_input(&w.trainee) }),
            Some(&other_manager),
        )
        .await;
    assert_eq!(data["createProduct"]["userErrors"][0]["code"], "NOT_FOUND");

    // A trainee for itself only.
    let (trainee_token, _) = w
        .app
        .user_with(&w.admin, json!({ "login": "xiaoming", "password": "trainee-password-123", "displayName": "王小明", "role": "TRAINEE", "traineeId": w.trainee }))
        .await;
    let data = w
        .app
        .data(
            CREATE_PRODUCT,
            json!({ "i": product_input(&w.trainee) }),
            Some(&trainee_token),
        )
        .await;
    assert_eq!(data["createProduct"]["userErrors"], json!([]), "{data}");
    let someone = register_trainee(&w.app, &w.manager, &w.base, "李四", 2).await;
    let data = w
        .app
        .data(
            CREATE_PRODUCT,
            json!({ "i": product_input(&someone) }),
            Some(&trainee_token),
        )
        .await;
    assert_eq!(data["createProduct"]["userErrors"][0]["code"], "NOT_FOUND");

    let body = w
        .app
        .gql(
            CREATE_PRODUCT,
            json!({ "i": product_input(&w.trainee) }),
            None,
        )
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn publishing_names_what_is_missing() {
    let w = World::new().await;
    let id = w.draft("黑木耳", "0").await;
    let data = w
        .app
        .data(PUBLISH, json!({ "id": id }), Some(&w.manager))
        .await;
    let errors = &data["publishProduct"]["userErrors"];
    assert_eq!(errors[0]["code"], "INVALID_STATE");
    let fields: Vec<Value> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!(["price"]), json!(["images"])], "{data}");

    let version = w
        .app
        .data(GET_VERSION, json!({ "id": id }), Some(&w.manager))
        .await["product"]["version"]
        .clone();
    w.app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": version, "price": "25.80" } }),
            Some(&w.manager),
        )
        .await;
    let upload = w
        .app
        .upload(
            &w.manager,
            UPLOAD,
            json!({ "productId": id, "file": null }),
            "a.png",
            &png(64, 64),
        )
        .await;
    assert_eq!(
        upload["data"]["uploadProductImage"]["userErrors"],
        json!([]),
        "{upload}"
    );
    let data = w
        .app
        .data(PUBLISH, json!({ "id": id }), Some(&w.manager))
        .await;
    assert_eq!(
        data["publishProduct"]["userErrors"][0]["field"],
        json!(["images", "0", "altText"]),
        "alt text is required: {data}"
    );
    let image = upload["data"]["uploadProductImage"]["product"]["images"][0]["id"].clone();
    let data = w
        .app
        .data(
            "mutation($i: UpdateProductImageInput!) { updateProductImage(input: $i) { product { images { altText } } userErrors { code } } }",
            json!({ "i": { "id": image, "altText": "一袋黑木耳" } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        data["updateProductImage"]["product"]["images"][0]["altText"],
        "一袋黑木耳"
    );
    let data = w
        .app
        .data(PUBLISH, json!({ "id": id }), Some(&w.manager))
        .await;
    assert_eq!(
        data["publishProduct"]["product"]["status"], "PUBLISHED",
        "{data}"
    );
    assert!(data["publishProduct"]["product"]["publishedAt"].is_string());
    let again = w
        .app
        .data(PUBLISH, json!({ "id": id }), Some(&w.manager))
        .await;
    assert_eq!(
        again["publishProduct"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
}

const GET_VERSION: &str = "query($id: ID!) { product(id: $id) { version } }";

#[tokio::test]
async fn updates_are_versioned_and_archiving_withdraws_a_product() {
    let w = World::new().await;
    let id = w.published("黑木耳", "20.00").await;
    let version = w
        .app
        .data(GET_VERSION, json!({ "id": id }), Some(&w.manager))
        .await["product"]["version"]
        .as_i64()
        .unwrap();
    let data = w
        .app
        .data(UPDATE, json!({ "i": { "id": id, "version": version, "title": "长白山黑木耳", "stock": 0, "tags": ["新品"] } }), Some(&w.manager))
        .await;
    let product = &data["updateProduct"]["product"];
    assert_eq!(product["title"], "长白山黑木耳");
    assert_eq!(product["stock"], 0);
    assert_eq!(product["tags"], json!(["新品"]));
    assert_eq!(product["version"], version + 1);
    let stale = w
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": version, "title": "旧" } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        stale["updateProduct"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let zero = w
        .app
        .data(
            UPDATE,
            json!({ "i": { "id": id, "version": version + 1, "price": "0" } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        zero["updateProduct"]["userErrors"][0]["field"],
        json!(["input", "price"])
    );

    let (_, key) = w.partner_with_key("吉品优选").await;
    assert_eq!(
        key_data(&w.app, &key, GET, json!({ "id": id })).await["product"]["status"],
        "PUBLISHED"
    );
    let data = w
        .app
        .data(ARCHIVE, json!({ "id": id }), Some(&w.manager))
        .await;
    assert_eq!(data["archiveProduct"]["product"]["status"], "ARCHIVED");
    assert_eq!(
        key_data(&w.app, &key, GET, json!({ "id": id })).await["product"],
        json!(null)
    );
    assert_eq!(
        w.app.data(GET, json!({ "id": id }), Some(&w.manager)).await["product"]["status"],
        "ARCHIVED"
    );
    let again = w
        .app
        .data(ARCHIVE, json!({ "id": id }), Some(&w.manager))
        .await;
    assert_eq!(
        again["archiveProduct"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
}

#[tokio::test]
async fn partners_and_anonymous_callers_see_published_products_only() {
    let w = World::new().await;
    let draft = w.draft("草稿产品", "9.90").await;
    let published = w.published("长白山黑木耳 500g", "39.90").await;
    let (_, key) = w.partner_with_key("吉品优选").await;

    let titles = |data: &Value| -> Vec<String> {
        data["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let partner = key_data(&w.app, &key, LIST, json!({})).await;
    assert_eq!(titles(&partner), ["长白山黑木耳 500g"]);
    assert_eq!(partner["products"]["totalCount"], 1);
    let anonymous = w.app.data(LIST, json!({}), None).await;
    assert_eq!(titles(&anonymous), ["长白山黑木耳 500g"]);
    let drafts = key_data(
        &w.app,
        &key,
        "{ products(filter: { status: [DRAFT] }) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(drafts["products"]["totalCount"], 0);
    assert_eq!(
        key_data(&w.app, &key, GET, json!({ "id": draft })).await["product"],
        json!(null)
    );
    assert_eq!(
        w.app.data(GET, json!({ "id": draft }), None).await["product"],
        json!(null)
    );
    assert_eq!(
        key_data(&w.app, &key, GET, json!({ "id": published })).await["product"]["title"],
        "长白山黑木耳 500g"
    );

    // Staff see their scope's drafts; another base's manager only the published one.
    let staff = w.app.data(LIST, json!({}), Some(&w.manager)).await;
    assert_eq!(staff["products"]["totalCount"], 2);
    let other_base = w.app.base_in(&w.admin, "铁东基地", "220303").await;
    let other = w
        .app
        .manager_of(&w.admin, "other-manager", &[&other_base])
        .await;
    assert_eq!(
        titles(&w.app.data(LIST, json!({}), Some(&other)).await),
        ["长白山黑木耳 500g"]
    );
    let trainee = w.app.data("query($id: ID!) { trainee(id: $id) { products { totalCount edges { node { title } } } } }", json!({ "id": w.trainee }), Some(&w.manager)).await;
    assert_eq!(trainee["trainee"]["products"]["totalCount"], 2);
    let (status, _, body) = with_key(
        &w.app,
        &key,
        "mutation($id: ID!) { archiveProduct(id: $id) { product { id } } }",
        json!({ "id": published }),
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert_eq!(error_code(&body), "FORBIDDEN");
}

/// Every field reachable from `Product` (through the whole schema, two levels into each
/// type) selected as a PARTNER: the response holds no trainee and none of its data.
#[tokio::test]
async fn nothing_reachable_from_a_product_shows_a_trainee_to_a_partner() {
    let w = World::new().await;
    w.published("长白山黑木耳 500g", "39.90").await;
    let (_, key) = w.partner_with_key("吉品优选").await;
    let schema = w
        .app
        .data(
            "{ __schema { types { name kind fields { name args { name type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
            json!({}),
            None,
        )
        .await;
    let types: std::collections::HashMap<String, Value> = schema["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect();
    let selection = select_all(&types, "Product", &mut vec![], 0);
    let query = format!("{{ products(first: 5) {{ edges {{ node {selection} }} }} }}");
    let data = key_data(&w.app, &key, &query, json!({})).await;
    let text = data.to_string();
    assert!(
        text.contains("长白山黑木耳"),
        "the walk reached the product: {text}"
    );
    assert!(text.contains("\"__typename\":\"IncubationBase\""), "{text}");
    for leak in ["\"Trainee\"", "王小明", "13912345678", "\"User\""] {
        assert!(
            !text.contains(leak),
            "{leak} reachable from a product: {text}"
        );
    }
}

/// A selection of every field of `type_name` whose arguments are all optional, `depth`
/// levels deep; a type already on the path is not entered again.
fn select_all(
    types: &std::collections::HashMap<String, Value>,
    type_name: &str,
    path: &mut Vec<String>,
    depth: usize,
) -> String {
    let mut parts = vec!["__typename".to_owned()];
    path.push(type_name.to_owned());
    for field in types[type_name]["fields"].as_array().unwrap() {
        let required_args = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["type"]["kind"] == "NON_NULL");
        if required_args {
            continue;
        }
        let mut ty = &field["type"];
        while ty["kind"] == "NON_NULL" || ty["kind"] == "LIST" {
            ty = &ty["ofType"];
        }
        let name = field["name"].as_str().unwrap();
        let inner = ty["name"].as_str().unwrap();
        let has_first = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "first");
        let args = if has_first { "(first: 2)" } else { "" };
        match ty["kind"].as_str().unwrap() {
            "OBJECT" if depth < 5 && !path.contains(&inner.to_owned()) => {
                let inner_selection = select_all(types, inner, path, depth + 1);
                parts.push(format!("{name}{args} {inner_selection}"));
            }
            "OBJECT" => {}
            _ => parts.push(format!("{name}{args}")),
        }
    }
    path.pop();
    format!("{{ {} }}", parts.join(" "))
}

#[tokio::test]
async fn a_catalog_page_costs_a_constant_number_of_statements() {
    let w = World::new().await;
    let other = register_trainee(&w.app, &w.manager, &w.base, "李四", 2).await;
    for i in 0..50 {
        let trainee = if i % 2 == 0 { &w.trainee } else { &other };
        let data = w
            .app
            .data(CREATE_PRODUCT, json!({ "i": { "producerTraineeId": trainee, "title": format!("产品{i}"), "category": "FOOD", "price": "5", "unit": "件", "stock": 1, "originRegionCode": "220303" } }), Some(&w.manager))
            .await;
        let id = data["createProduct"]["product"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let upload = w
            .app
            .upload(
                &w.manager,
                UPLOAD,
                json!({ "productId": id, "file": null, "altText": "图" }),
                "p.png",
                &png(32, 32),
            )
            .await;
        assert_eq!(
            upload["data"]["uploadProductImage"]["userErrors"],
            json!([])
        );
        w.app
            .data(PUBLISH, json!({ "id": id }), Some(&w.manager))
            .await;
    }
    let query = "query($first: Int) { products(first: $first) { edges { node { images { url } producer { displayName region { name } } base { name } origin { name } } } } }";
    let measured = w.app.reopened(&BATCHING_DELAY).await;
    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = measured.statements();
        let data = measured.data(query, json!({ "first": first }), None).await;
        counts.push(measured.statements() - before);
        let edges = data["products"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        assert_eq!(edges[0]["node"]["producer"]["region"]["name"], "铁西区");
        assert!(
            edges[0]["node"]["images"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("/media/")
        );
    }
    // products; then images, profiles and bases (regions are served from memory).
    assert_eq!(counts, [4, 4], "independent of page size");
}

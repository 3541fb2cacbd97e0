//! Sourcing inquiries: partners ask about published products, the base or the producer
//! answers once, and each side reads only its own.

use serde_json::json;

use super::{World, create_partner, key_data, with_key};
use crate::support::error_code;

const CREATE: &str = "mutation($i: CreateInquiryInput!) { createInquiry(input: $i) { inquiry { id status quantity message partner { name } product { title } } userErrors { field code message } } }";
const RESPOND: &str = "mutation($i: RespondInquiryInput!) { respondToInquiry(input: $i) { inquiry { status response respondedAt } userErrors { field code message } } }";
const LIST: &str = "query($status: [InquiryStatus!]) { inquiries(status: $status) { totalCount edges { node { id partner { name } product { title } status } } } }";

#[tokio::test]
async fn partners_inquire_about_published_products_and_the_base_answers_once() {
    let w = World::new().await;
    let product = w.published("长白山黑木耳 500g", "39.90").await;
    let draft = w.draft("草稿", "1").await;
    let (_, key) = w.partner_with_key("吉品优选").await;

    let data = key_data(
        &w.app,
        &key,
        CREATE,
        json!({ "i": { "productId": draft, "quantity": 5 } }),
    )
    .await;
    assert_eq!(
        data["createInquiry"]["userErrors"][0]["code"], "NOT_FOUND",
        "drafts cannot be asked about"
    );
    let data = key_data(
        &w.app,
        &key,
        CREATE,
        json!({ "i": { "productId": product, "quantity": 0 } }),
    )
    .await;
    assert_eq!(
        data["createInquiry"]["userErrors"][0]["field"],
        json!(["input", "quantity"])
    );
    let data = key_data(
        &w.app,
        &key,
        CREATE,
        json!({ "i": { "productId": product, "quantity": 200, "message": "能否每月供货？" } }),
    )
    .await;
    let inquiry = &data["createInquiry"]["inquiry"];
    assert_eq!(inquiry["status"], "OPEN", "{data}");
    assert_eq!(inquiry["partner"]["name"], "吉品优选");
    assert_eq!(inquiry["product"]["title"], "长白山黑木耳 500g");
    let id = inquiry["id"].as_str().unwrap().to_owned();

    // Staff cannot inquire; a partner cannot answer.
    let body = w
        .app
        .gql(
            CREATE,
            json!({ "i": { "productId": product, "quantity": 1 } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let (_, _, body) = with_key(
        &w.app,
        &key,
        RESPOND,
        json!({ "i": { "inquiryId": id, "accept": true } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // The ADMIN reads but does not answer for the base; another base's manager cannot see it.
    let body = w
        .app
        .gql(
            RESPOND,
            json!({ "i": { "inquiryId": id, "accept": true } }),
            Some(&w.admin),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let other_base = w.app.base_in(&w.admin, "铁东基地", "220303").await;
    let other = w
        .app
        .manager_of(&w.admin, "other-manager", &[&other_base])
        .await;
    let data = w
        .app
        .data(
            RESPOND,
            json!({ "i": { "inquiryId": id, "accept": true } }),
            Some(&other),
        )
        .await;
    assert_eq!(
        data["respondToInquiry"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    let data = w
        .app
        .data(
            RESPOND,
            json!({ "i": { "inquiryId": id, "accept": true, "response": "可以，每月 300 袋" } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        data["respondToInquiry"]["inquiry"]["status"], "ACCEPTED",
        "{data}"
    );
    assert!(data["respondToInquiry"]["inquiry"]["respondedAt"].is_string());
    let again = w
        .app
        .data(
            RESPOND,
            json!({ "i": { "inquiryId": id, "accept": false } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        again["respondToInquiry"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );

    let mine = key_data(&w.app, &key, LIST, json!({})).await;
    assert_eq!(mine["inquiries"]["totalCount"], 1);
    assert_eq!(mine["inquiries"]["edges"][0]["node"]["status"], "ACCEPTED");
    let (_, other_key) = w.partner_with_key("东北特产网").await;
    assert_eq!(
        key_data(&w.app, &other_key, LIST, json!({})).await["inquiries"]["totalCount"],
        0
    );
    assert_eq!(
        w.app.data(LIST, json!({}), Some(&w.manager)).await["inquiries"]["totalCount"],
        1
    );
    assert_eq!(
        w.app.data(LIST, json!({}), Some(&w.admin)).await["inquiries"]["totalCount"],
        1
    );
    assert_eq!(
        w.app.data(LIST, json!({}), Some(&other)).await["inquiries"]["totalCount"],
        0
    );
    assert_eq!(
        w.app
            .data(LIST, json!({ "status": ["OPEN"] }), Some(&w.admin))
            .await["inquiries"]["totalCount"],
        0
    );
    let far = w.app.admin_of("220100").await;
    assert_eq!(
        w.app.data(LIST, json!({}), Some(&far)).await["inquiries"]["totalCount"],
        0
    );
    let body = w.app.gql(LIST, json!({}), None).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_producer_answers_inquiries_about_its_own_products() {
    let w = World::new().await;
    let product = w.published("手工宫灯", "168.00").await;
    let partner = create_partner(&w.app, &w.admin, "吉品优选").await;
    let (partner_token, _) = w
        .app
        .user_with(&w.admin, json!({ "login": "jipin", "password": "partner-password-123", "displayName": "吉品", "role": "PARTNER", "partnerId": partner }))
        .await;
    let data = w
        .app
        .data(
            CREATE,
            json!({ "i": { "productId": product, "quantity": 2 } }),
            Some(&partner_token),
        )
        .await;
    let id = data["createInquiry"]["inquiry"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (trainee_token, _) = w
        .app
        .user_with(&w.admin, json!({ "login": "xiaoming", "password": "trainee-password-123", "displayName": "王小明", "role": "TRAINEE", "traineeId": w.trainee }))
        .await;
    assert_eq!(
        w.app.data(LIST, json!({}), Some(&trainee_token)).await["inquiries"]["totalCount"],
        1
    );
    let data = w
        .app
        .data(
            RESPOND,
            json!({ "i": { "inquiryId": id, "accept": false, "response": "这个月做不出来" } }),
            Some(&trainee_token),
        )
        .await;
    assert_eq!(
        data["respondToInquiry"]["inquiry"]["status"], "DECLINED",
        "{data}"
    );
}

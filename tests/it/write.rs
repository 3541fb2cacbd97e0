//! Mutations write through one helper: a failed mutation changes nothing, and a unique
//! violation anywhere is `DUPLICATE`, never `INTERNAL`.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::support::TestApp;

const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code message } } }";

#[tokio::test]
async fn a_base_named_twice_in_create_user_is_duplicate_and_nothing_is_created() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "铁西基地", "220302").await;
    let db = &app.app.state.db;
    let users_before = entity::user::Entity::find().count(db).await.unwrap();

    let body = app
        .gql(
            CREATE_USER,
            json!({ "i": { "login": "twice", "password": "manager-password-123", "displayName": "两次", "role": "BASE_MANAGER", "baseIds": [base, base] } }),
            Some(&admin),
        )
        .await;

    assert!(body.get("errors").is_none(), "not INTERNAL: {body}");
    let payload = &body["data"]["createUser"];
    assert_eq!(payload["user"], json!(null));
    assert_eq!(
        payload["userErrors"],
        json!([{ "field": ["input", "baseIds"], "code": "DUPLICATE", "message": "基地重复" }])
    );
    assert_eq!(
        entity::user::Entity::find().count(db).await.unwrap(),
        users_before,
        "the account row written before the failing link was rolled back"
    );
    // The same input without the repetition works.
    let ok = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "twice", "password": "manager-password-123", "displayName": "两次", "role": "BASE_MANAGER", "baseIds": [base] } }),
            Some(&admin),
        )
        .await;
    assert_eq!(ok["createUser"]["userErrors"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accounts_with_one_login_give_one_account_and_duplicates() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let root = app.root_token().await;
    let mut tasks = Vec::new();
    for n in 0..6 {
        let (app, root) = (app.clone(), root.clone());
        tasks.push(tokio::spawn(async move {
            app.gql(
                CREATE_USER,
                json!({ "i": { "login": "same-login", "password": "admin-password-123", "displayName": format!("管理员{n}"), "role": "ADMIN", "regionCode": "220300" } }),
                Some(&root),
            )
            .await
        }));
    }

    let mut created = 0;
    for task in tasks {
        let body = task.await.unwrap();
        assert!(body.get("errors").is_none(), "not INTERNAL: {body}");
        let errors = &body["data"]["createUser"]["userErrors"];
        if errors == &json!([]) {
            created += 1;
        } else {
            assert_eq!(errors[0]["code"], "DUPLICATE", "{body}");
            assert_eq!(errors[0]["field"], json!(["input", "login"]), "{body}");
        }
    }
    assert_eq!(created, 1);
}

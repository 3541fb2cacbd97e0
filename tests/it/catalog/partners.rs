//! Partners and API keys: who manages them, keys shown once and by prefix, `X-Api-Key`
//! acting as the PARTNER, refusal of unknown and revoked keys, `lastUsedAt` and the per-key
//! rate limit; partner accounts.

use axum::http::StatusCode;
use serde_json::json;

use super::{CREATE_KEY, CREATE_PARTNER, World, create_key, create_partner, key_data, with_key};
use crate::support::error_code;

const PARTNERS: &str =
    "{ partners { id name kind contactName apiKeys { id name prefix lastUsedAt revokedAt } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeApiKey(id: $id) }";

#[tokio::test]
async fn an_admin_records_partners_and_keys_whose_secret_is_shown_once() {
    let w = World::new().await;
    let partner = create_partner(&w.app, &w.admin, "吉品优选").await;
    let data = w
        .app
        .data(
            CREATE_KEY,
            json!({ "i": { "partnerId": partner, "name": "ERP 同步" } }),
            Some(&w.admin),
        )
        .await;
    let payload = &data["createApiKey"];
    let secret = payload["secret"].as_str().unwrap();
    let prefix = payload["apiKey"]["prefix"].as_str().unwrap();
    assert!(secret.starts_with(prefix) && secret.len() > prefix.len() + 20);

    let listed = w.app.data(PARTNERS, json!({}), Some(&w.admin)).await;
    assert_eq!(listed["partners"][0]["name"], "吉品优选");
    assert_eq!(listed["partners"][0]["kind"], "ECOMMERCE_PLATFORM");
    let keys = &listed["partners"][0]["apiKeys"];
    assert_eq!(keys[0]["prefix"], prefix);
    assert_eq!(keys[0]["lastUsedAt"], json!(null));
    assert!(
        !listed.to_string().contains(secret),
        "the secret is never shown again"
    );
}

#[tokio::test]
async fn only_admins_manage_partners_and_only_in_their_region() {
    let w = World::new().await;
    let partner = create_partner(&w.app, &w.admin, "吉品优选").await;
    for (query, variables) in [
        (
            CREATE_PARTNER,
            json!({ "i": { "name": "某店", "kind": "RETAILER" } }),
        ),
        (
            CREATE_KEY,
            json!({ "i": { "partnerId": partner, "name": "k" } }),
        ),
        (PARTNERS, json!({})),
    ] {
        let body = w.app.gql(query, variables.clone(), Some(&w.manager)).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
        let body = w.app.gql(query, variables, None).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    }

    // Another city's ADMIN neither sees the partner nor can make keys for it.
    let other = w.app.admin_of("220100").await;
    let listed = w.app.data(PARTNERS, json!({}), Some(&other)).await;
    assert_eq!(listed["partners"], json!([]));
    let data = w
        .app
        .data(
            CREATE_KEY,
            json!({ "i": { "partnerId": partner, "name": "k" } }),
            Some(&other),
        )
        .await;
    assert_eq!(
        data["createApiKey"]["userErrors"][0]["code"], "NOT_FOUND",
        "{data}"
    );
    // The province's ADMIN manages the city's partners.
    let province = w.app.admin_of("220000").await;
    let listed = w.app.data(PARTNERS, json!({}), Some(&province)).await;
    assert_eq!(listed["partners"][0]["id"], partner.as_str());
}

#[tokio::test]
async fn a_key_acts_as_its_partner_and_may_not_call_staff_mutations() {
    let w = World::new().await;
    let (_, secret) = w.partner_with_key("吉品优选").await;
    let forbidden = [
        (
            CREATE_PARTNER,
            json!({ "i": { "name": "某店", "kind": "RETAILER" } }),
        ),
        (
            "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } } }",
            json!({ "i": { "name": "基地", "regionCode": "220302" } }),
        ),
        (
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }",
            json!({ "i": { "producerTraineeId": w.trainee, "title": "t", "category": "FOOD", "price": "1", "unit": "件", "stock": 1 } }),
        ),
        (
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } } }",
            json!({ "i": { "baseId": w.base, "name": "某", "idNumber": "x", "disabilityCertificateNumber": "y", "residence": "URBAN", "consentToSensitiveData": true } }),
        ),
        (PARTNERS, json!({})),
    ];
    for (query, variables) in forbidden {
        let (status, _, body) = with_key(&w.app, &secret, query, variables).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(error_code(&body), "FORBIDDEN", "{query}: {body}");
    }
    let trainee = key_data(
        &w.app,
        &secret,
        "query($id: ID!) { trainee(id: $id) { name } trainees { totalCount } }",
        json!({ "id": w.trainee }),
    )
    .await;
    assert_eq!(trainee["trainee"], json!(null));
    assert_eq!(trainee["trainees"]["totalCount"], 0);
}

#[tokio::test]
async fn unknown_revoked_and_doubled_credentials_are_refused() {
    let w = World::new().await;
    let partner = create_partner(&w.app, &w.admin, "吉品优选").await;
    let (key_id, secret) = create_key(&w.app, &w.admin, &partner).await;
    let query = "{ regions { code } }";
    key_data(&w.app, &secret, query, json!({})).await;

    let unknown = format!("{}{}", &secret[..secret.len() - 4], "AAAA");
    for bad in [unknown.as_str(), "not-a-key", ""] {
        let (status, _, body) = with_key(&w.app, bad, query, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }

    // A key together with a bearer token: which caller is meant is unclear.
    let request = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .header("x-api-key", &secret)
        .header("authorization", format!("Bearer {}", w.admin))
        .body(axum::body::Body::from(
            json!({ "query": query }).to_string(),
        ))
        .unwrap();
    assert_eq!(w.app.send(request).await.0, StatusCode::UNAUTHORIZED);

    // Only the partner's managers may revoke; then the key stops working at once.
    let body = w
        .app
        .gql(REVOKE, json!({ "id": key_id }), Some(&w.manager))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let other = w.app.admin_of("220100").await;
    let body = w
        .app
        .gql(REVOKE, json!({ "id": key_id }), Some(&other))
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let data = w
        .app
        .data(REVOKE, json!({ "id": key_id }), Some(&w.admin))
        .await;
    assert_eq!(data["revokeApiKey"], true);
    let data = w
        .app
        .data(REVOKE, json!({ "id": key_id }), Some(&w.admin))
        .await;
    assert_eq!(data["revokeApiKey"], false, "already revoked");

    let (status, _, body) = with_key(&w.app, &secret, query, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let listed = w.app.data(PARTNERS, json!({}), Some(&w.admin)).await;
    assert!(listed["partners"][0]["apiKeys"][0]["revokedAt"].is_string());
}

#[tokio::test]
async fn last_used_is_noted_at_most_once_a_minute() {
    let w = World::new().await;
    let (_, secret) = w.partner_with_key("吉品优选").await;
    key_data(&w.app, &secret, "{ regions { code } }", json!({})).await;
    let first = w.app.data(PARTNERS, json!({}), Some(&w.admin)).await["partners"][0]["apiKeys"][0]
        ["lastUsedAt"]
        .clone();
    assert!(first.is_string(), "{first}");

    let before = w.app.statements();
    key_data(&w.app, &secret, "{ regions { code } }", json!({})).await;
    let statements = w.app.statements() - before;
    let second = w.app.data(PARTNERS, json!({}), Some(&w.admin)).await["partners"][0]["apiKeys"][0]
        ["lastUsedAt"]
        .clone();
    assert_eq!(first, second);
    // The key lookup only (regions are served from memory); no write.
    assert_eq!(statements, 1);
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit_with_a_retry_hint() {
    let w = World::with_args(&["--api-key-per-minute", "3"]).await;
    let (_, limited) = w.partner_with_key("吉品优选").await;
    let (_, other) = w.partner_with_key("东北特产网").await;
    let query = "{ regions { code } }";
    for _ in 0..3 {
        key_data(&w.app, &limited, query, json!({})).await;
    }
    let (status, headers, body) = with_key(&w.app, &limited, query, json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_code(&body), "RATE_LIMITED");
    let retry = body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(headers["retry-after"], retry.to_string().as_str());
    key_data(&w.app, &other, query, json!({})).await;
}

#[tokio::test]
async fn partner_accounts_belong_to_a_partner_in_the_admins_region() {
    let w = World::new().await;
    let partner = create_partner(&w.app, &w.admin, "吉品优选").await;
    let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id partner { id name } } userErrors { field code message } } }";
    let base = json!({ "login": "jipin", "password": "partner-password-123", "displayName": "吉品", "role": "PARTNER" });

    let mut missing = base.clone();
    missing["login"] = json!("jipin-missing");
    let data = w
        .app
        .data(create, json!({ "i": missing }), Some(&w.admin))
        .await;
    assert_eq!(data["createUser"]["userErrors"][0]["code"], "REQUIRED");

    let other = w.app.admin_of("220100").await;
    let mut elsewhere = base.clone();
    elsewhere["partnerId"] = json!(partner);
    let data = w
        .app
        .data(create, json!({ "i": elsewhere }), Some(&other))
        .await;
    assert_eq!(data["createUser"]["userErrors"][0]["code"], "NOT_FOUND");

    let mut good = base.clone();
    good["partnerId"] = json!(partner);
    let data = w
        .app
        .data(create, json!({ "i": good }), Some(&w.admin))
        .await;
    assert_eq!(data["createUser"]["userErrors"], json!([]), "{data}");
    assert_eq!(data["createUser"]["user"]["partner"]["name"], "吉品优选");

    let (token, _) = w.app.login("jipin", "partner-password-123").await;
    let me = w
        .app
        .data(
            "{ me { role partner { id name apiKeys { id } } } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(me["me"]["role"], "PARTNER");
    assert_eq!(me["me"]["partner"]["id"], partner.as_str());
    let body = w.app.gql(PARTNERS, json!({}), Some(&token)).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

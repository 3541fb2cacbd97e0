//! Platform accounts of stars: unique handles, every follower count kept, the history and
//! the total.

use serde_json::{Value, json};

use crate::star::{network, star_of, trainee};

const ADD: &str = "mutation($i: AddPlatformAccountInput!) { addPlatformAccount(input: $i) { account { id platform handle followers } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdateFollowersInput!) { updateFollowers(input: $i) { account { followers followersAt } userErrors { field code message } } }";
const STAR: &str = "query($id: ID!, $n: Int) { star(id: $id) { totalFollowers accounts { handle followers followerHistory(first: $n) { followers recordedAt } } } }";

async fn add(app: &crate::support::TestApp, token: &str, input: Value) -> Value {
    app.data(ADD, json!({ "i": input }), Some(token)).await["addPlatformAccount"].clone()
}

async fn update(app: &crate::support::TestApp, token: &str, input: Value) -> Value {
    app.data(UPDATE, json!({ "i": input }), Some(token)).await["updateFollowers"].clone()
}

#[tokio::test]
async fn a_handle_names_one_account_per_platform() {
    let n = network().await;
    let t1 = trainee(&n.app, &n.manager_a, &n.base_a, "孙丽", 21).await;
    let t2 = trainee(&n.app, &n.manager_b, &n.base_b, "周杰", 22).await;
    let s1 = star_of(&n.app, &n.manager_a, &t1).await;
    let s2 = star_of(&n.app, &n.manager_b, &t2).await;

    let first = add(
        &n.app,
        &n.manager_a,
        json!({ "starId": s1, "platform": "DOUYIN", "handle": " 吉兴小孙 ", "followers": 1200 }),
    )
    .await;
    let taken = add(
        &n.app,
        &n.manager_b,
        json!({ "starId": s2, "platform": "DOUYIN", "handle": "吉兴小孙", "followers": 5 }),
    )
    .await;
    let other_platform = add(
        &n.app,
        &n.manager_b,
        json!({ "starId": s2, "platform": "KUAISHOU", "handle": "吉兴小孙", "followers": 5 }),
    )
    .await;
    let negative = add(
        &n.app,
        &n.manager_a,
        json!({ "starId": s1, "platform": "BILIBILI", "handle": "x", "followers": -1 }),
    )
    .await;
    let blank = add(
        &n.app,
        &n.manager_a,
        json!({ "starId": s1, "platform": "BILIBILI", "handle": "  ", "followers": 1 }),
    )
    .await;
    let foreign = add(
        &n.app,
        &n.manager_b,
        json!({ "starId": s1, "platform": "BILIBILI", "handle": "y", "followers": 1 }),
    )
    .await;

    assert_eq!(first["userErrors"], json!([]));
    assert_eq!(
        first["account"],
        json!({ "id": first["account"]["id"], "platform": "DOUYIN", "handle": "吉兴小孙", "followers": 1200 })
    );
    assert_eq!(taken["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(taken["userErrors"][0]["field"], json!(["input", "handle"]));
    assert_eq!(other_platform["userErrors"], json!([]));
    assert_eq!(
        negative["userErrors"][0]["field"],
        json!(["input", "followers"])
    );
    assert_eq!(negative["userErrors"][0]["code"], "INVALID");
    assert_eq!(blank["userErrors"][0]["code"], "REQUIRED");
    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(
        foreign["userErrors"][0]["field"],
        json!(["input", "starId"])
    );
}

#[tokio::test]
async fn every_follower_count_is_kept_and_the_total_sums_the_latest() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "吴倩", 23).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let douyin = add(
        &n.app,
        &n.manager_a,
        json!({ "starId": star, "platform": "DOUYIN", "handle": "wuqian", "followers": 100 }),
    )
    .await;
    let douyin = douyin["account"]["id"].as_str().unwrap().to_owned();
    let ximalaya = add(&n.app, &n.manager_a, json!({ "starId": star, "platform": "XIMALAYA", "handle": "wuqian-voice", "followers": 40 })).await;
    let ximalaya = ximalaya["account"]["id"].as_str().unwrap().to_owned();

    update(
        &n.app,
        &n.manager_a,
        json!({ "accountId": douyin, "followers": 250 }),
    )
    .await;
    let latest = update(
        &n.app,
        &n.admin,
        json!({ "accountId": douyin, "followers": 180 }),
    )
    .await;
    // A count read off the platform last year fills in the history only.
    let backfilled = update(
        &n.app,
        &n.manager_a,
        json!({ "accountId": douyin, "followers": 50, "asOf": "2025-01-01T00:00:00Z" }),
    )
    .await;
    update(
        &n.app,
        &n.manager_a,
        json!({ "accountId": ximalaya, "followers": 75 }),
    )
    .await;

    assert_eq!(latest["account"]["followers"], 180);
    assert_eq!(backfilled["userErrors"], json!([]));
    assert_eq!(backfilled["account"]["followers"], 180);
    let data = n
        .app
        .data(STAR, json!({ "id": star, "n": 10 }), Some(&n.manager_a))
        .await;
    let star_data = &data["star"];
    assert_eq!(star_data["totalFollowers"], 180 + 75);
    let counts = |account: &Value| -> Vec<i64> {
        account["followerHistory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["followers"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(star_data["accounts"][0]["followers"], 180);
    assert_eq!(counts(&star_data["accounts"][0]), [180, 250, 100, 50]);
    assert_eq!(counts(&star_data["accounts"][1]), [75, 40]);
    assert_eq!(
        star_data["accounts"][0]["followerHistory"][3]["recordedAt"],
        "2025-01-01T00:00:00Z"
    );

    let two = n
        .app
        .data(STAR, json!({ "id": star, "n": 2 }), Some(&n.manager_a))
        .await;
    assert_eq!(counts(&two["star"]["accounts"][0]), [180, 250]);
    let too_many = n
        .app
        .gql(STAR, json!({ "id": star, "n": 101 }), Some(&n.manager_a))
        .await;
    assert_eq!(crate::support::error_code(&too_many), "BAD_USER_INPUT");
}

#[tokio::test]
async fn follower_counts_are_checked_and_scoped() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "郑好", 24).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let account = add(
        &n.app,
        &n.manager_a,
        json!({ "starId": star, "platform": "XIAOHONGSHU", "handle": "zhenghao", "followers": 10 }),
    )
    .await;
    let account = account["account"]["id"].as_str().unwrap().to_owned();

    let negative = update(
        &n.app,
        &n.manager_a,
        json!({ "accountId": account, "followers": -5 }),
    )
    .await;
    let future = update(
        &n.app,
        &n.manager_a,
        json!({ "accountId": account, "followers": 5, "asOf": "2999-01-01T00:00:00Z" }),
    )
    .await;
    let foreign = update(
        &n.app,
        &n.manager_b,
        json!({ "accountId": account, "followers": 5 }),
    )
    .await;

    assert_eq!(
        negative["userErrors"][0]["field"],
        json!(["input", "followers"])
    );
    assert_eq!(future["userErrors"][0]["field"], json!(["input", "asOf"]));
    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");
    let data = n
        .app
        .data(STAR, json!({ "id": star, "n": 10 }), Some(&n.manager_a))
        .await;
    assert_eq!(
        data["star"]["accounts"][0]["followerHistory"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "refused counts are not kept"
    );
}

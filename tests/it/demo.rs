//! `qihang demo load`: a database without bases or trainees gets the demo network, every printed login signs
//! in with its role, the report shows the plans' targets, and a second load is refused.

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn demo_load_fills_an_empty_database_and_every_login_works() {
    let app = TestApp::new().await;
    let started = std::time::Instant::now();
    let summary = qihang::demo::load(&app.app, qihang::demo::TRAINEES_PER_BASE)
        .await
        .unwrap();
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
    assert_eq!(summary.bases, 9);
    assert!(summary.trainees >= 300, "{summary:?}");
    assert!(summary.completions > 0 && summary.supports > 0 && summary.outcomes > 0);
    // Every base sells four goods and has a star; every other star went live twice.
    assert_eq!(summary.products, 36, "{summary:?}");
    assert_eq!(summary.stars, 9);
    assert_eq!(summary.livestreams, 10);
    assert_eq!(summary.inquiries, 8);

    let mut roles: Vec<&str> = summary.logins.iter().map(|l| l.role).collect();
    roles.dedup();
    for role in ["ADMIN", "BASE_MANAGER", "INSTRUCTOR", "TRAINEE", "PARTNER"] {
        assert!(roles.contains(&role), "no {role} login");
    }
    for login in &summary.logins {
        let (token, _) = app.login(&login.login, qihang::demo::PASSWORD).await;
        let me = app
            .data("{ me { login role } }", json!({}), Some(&token))
            .await;
        assert_eq!(me["me"]["login"], login.login.as_str());
        assert_eq!(me["me"]["role"], login.role);
    }

    // Jilin's report shows the plan's targets against the demo's activity.
    let jilin = summary
        .logins
        .iter()
        .find(|l| l.login == "demo-jilin")
        .unwrap();
    let (token, _) = app.login(&jilin.login, qihang::demo::PASSWORD).await;
    let year = crate::report::this_year();
    let report = app
        .data(
            "query($y: Int!) { regionReport(regionCode: \"220000\", year: $y) { indicators { indicator target actual } traineesByCategory { trainees } } }",
            json!({ "y": year }),
            Some(&token),
        )
        .await;
    let indicators = report["regionReport"]["indicators"].as_array().unwrap();
    let of = |name: &str| {
        indicators
            .iter()
            .find(|p| p["indicator"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        of("ACTIVE_BASES"),
        json!({ "indicator": "ACTIVE_BASES", "target": 70, "actual": 7 })
    );
    assert_eq!(of("STARS")["target"], 200);
    assert_eq!(of("TRAINING_PERSON_TIMES")["target"], 50000);
    assert!(of("TRAINING_PERSON_TIMES")["actual"].as_i64().unwrap() > 0);
    assert!(of("NEW_EMPLOYMENT")["actual"].as_i64().unwrap() > 0);
    assert!(of("SUPPORTED_ENTREPRENEURS")["actual"].as_i64().unwrap() > 0);
    for category in report["regionReport"]["traineesByCategory"]
        .as_array()
        .unwrap()
    {
        assert!(category["trainees"].as_i64().unwrap() > 0, "{report}");
    }

    // The public catalog, the partner's inquiries and the stars are there to show.
    let catalog = app
        .data(
            "{ products(first: 5, filter: { search: \"木耳\" }) { totalCount nodes { title price } } }",
            json!({}),
            None,
        )
        .await;
    assert!(
        catalog["products"]["totalCount"].as_i64().unwrap() > 0,
        "{catalog}"
    );
    let (partner, _) = app.login("demo-partner", qihang::demo::PASSWORD).await;
    let inquiries = app
        .data(
            "{ inquiries(first: 20) { totalCount } }",
            json!({}),
            Some(&partner),
        )
        .await;
    assert_eq!(inquiries["inquiries"]["totalCount"], 8, "{inquiries}");
    assert!(of("STARS")["actual"].as_i64().unwrap() > 0, "{report}");

    let again = qihang::demo::load(&app.app, 1).await;
    assert!(again.is_err(), "a second load must be refused");
}

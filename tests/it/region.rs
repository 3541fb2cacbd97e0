//! Regions: the shipped GB/T 2260 data and the region queries (served from memory).

use std::collections::HashMap;

use entity::{RegionLevel, region};
use qihang::auth::RegionScope;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn provinces_are_the_31_mainland_divisions() {
    let app = TestApp::new().await;

    let data = app
        .data(
            "{ regions { code name level parent { code } } }",
            json!({}),
            None,
        )
        .await;

    let provinces = data["regions"].as_array().unwrap();
    assert_eq!(provinces.len(), 31);
    assert!(
        provinces
            .iter()
            .all(|p| p["level"] == "PROVINCE" && p["parent"].is_null())
    );
    assert!(provinces.contains(
        &json!({ "code": "220000", "name": "吉林省", "level": "PROVINCE", "parent": null })
    ));
    assert!(
        provinces.iter().any(|p| p["code"] == "650000"),
        "Xinjiang present"
    );
}

#[tokio::test]
async fn siping_has_its_parent_and_counties() {
    let app = TestApp::new().await;

    let data = app
        .data(
            r#"{ region(code: "220300") { code name level parent { code name } children { code name level } } }"#,
            json!({}),
            None,
        )
        .await;

    let siping = &data["region"];
    assert_eq!(siping["name"], "四平市");
    assert_eq!(siping["level"], "CITY");
    assert_eq!(
        siping["parent"],
        json!({ "code": "220000", "name": "吉林省" })
    );
    let children = siping["children"].as_array().unwrap();
    for (code, name) in [
        ("220302", "铁西区"),
        ("220303", "铁东区"),
        ("220323", "伊通满族自治县"),
    ] {
        assert!(
            children.contains(&json!({ "code": code, "name": name, "level": "COUNTY" })),
            "missing {code} {name}"
        );
    }
}

#[tokio::test]
async fn unknown_region_is_null_and_children_of_a_county_are_empty() {
    let app = TestApp::new().await;

    let data = app
        .data(
            r#"{ missing: region(code: "999999") { code } county: region(code: "220302") { children { code } } list: regions(parentCode: "220302") { code } }"#,
            json!({}),
            None,
        )
        .await;

    assert_eq!(data["missing"], json!(null));
    assert_eq!(data["county"]["children"], json!([]));
    assert_eq!(data["list"], json!([]));
}

#[tokio::test]
async fn region_data_is_complete_and_nests_by_code_prefix() {
    let app = TestApp::new().await;

    let all = region::Entity::find().all(&app.app.state.db).await.unwrap();
    let by_code: HashMap<&str, &region::Model> = all.iter().map(|r| (r.code.as_str(), r)).collect();

    assert!(
        all.len() > 3_200,
        "about 3,300 divisions, got {}",
        all.len()
    );
    for r in &all {
        assert_eq!(r.code.len(), 6);
        match &r.parent_code {
            None => assert_eq!(r.level, RegionLevel::Province, "{}", r.code),
            Some(parent) => {
                let parent = by_code[parent.as_str()];
                // Scope checks rely on every region sharing its parent's code prefix.
                assert!(
                    RegionScope::of(Some(&parent.code)).contains(&r.code),
                    "{} under {}",
                    r.code,
                    parent.code
                );
                let expected = match parent.level {
                    RegionLevel::Province => RegionLevel::City,
                    _ => RegionLevel::County,
                };
                assert_eq!(r.level, expected, "{}", r.code);
            }
        }
    }
}

#[tokio::test]
async fn nested_regions_are_served_from_memory() {
    let app = TestApp::new().await;
    let query = "{ regions { code children { code parent { code } children { code } } } }";
    app.data(query, json!({}), None).await;

    let before = app.statements();
    let data = app.data(query, json!({}), None).await;
    let statements = app.statements() - before;

    let counties: usize = data["regions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["children"].as_array().unwrap())
        .map(|c| c["children"].as_array().unwrap().len())
        .sum();
    assert!(counties > 2_900, "all counties returned, got {counties}");
    // Regions are fixed data, read once at start-up: ~3,300 rows without a statement.
    assert_eq!(statements, 0);
}

#[tokio::test]
async fn migrations_roll_back_and_apply_again() {
    use migration::cli::{MigrateCommand, run};
    let app = TestApp::new().await;
    let db = &app.app.state.db;
    let all = <migration::Migrator as migration::MigratorTrait>::migrations().len();

    run(db, MigrateCommand::Down { steps: all as u32 })
        .await
        .unwrap();
    let status = run(db, MigrateCommand::Status).await.unwrap();
    assert_eq!(
        status.lines().filter(|l| l.starts_with("Pending")).count(),
        all,
        "{status}"
    );
    assert!(
        region::Entity::find().all(db).await.is_err(),
        "tables are gone"
    );

    run(db, MigrateCommand::Up { steps: None }).await.unwrap();
    let status = run(db, MigrateCommand::Status).await.unwrap();
    assert_eq!(
        status.lines().filter(|l| l.starts_with("Applied")).count(),
        all,
        "{status}"
    );
    assert!(region::Entity::find().all(db).await.unwrap().len() > 3_200);
}

#[tokio::test]
async fn fresh_rebuilds_an_empty_schema() {
    use migration::cli::{MigrateCommand, run};
    let app = TestApp::new().await;
    let db = &app.app.state.db;

    run(db, MigrateCommand::Fresh).await.unwrap();

    assert!(
        entity::user::Entity::find()
            .all(db)
            .await
            .unwrap()
            .is_empty(),
        "data is gone"
    );
    assert!(
        region::Entity::find().all(db).await.unwrap().len() > 3_200,
        "regions reloaded"
    );
}

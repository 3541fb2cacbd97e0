//! Courses: creation and scope, the status life, sessions, the fit table and
//! recommendations. Enrolment, attendance, completion and certificates are in
//! `course_enrollment.rs` and `course_access.rs`; they share the fixtures here. Long because
//! each test tells one end-to-end story.

use serde_json::{Value, json};

use crate::support::{TestApp, error_code, id_number};

pub const CREATE: &str = "mutation($i: CreateCourseInput!) { createCourse(input: $i) { course { id title status version seatsTaken capacity accessibility deliveryMode base { id } instructor { login } } userErrors { field code message } } }";
pub const UPDATE: &str = "mutation($i: UpdateCourseInput!) { updateCourse(input: $i) { course { id status version capacity accessibility } userErrors { field code message } } }";
pub const ADD_SESSION: &str = "mutation($i: AddSessionInput!) { addCourseSession(input: $i) { session { id startsAt endsAt topic course { id } } userErrors { field code message } } }";
const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }";

/// A city ADMIN, two bases with a manager each, and an instructor at base A.
pub struct Net {
    pub app: TestApp,
    pub admin: String,
    pub base_a: String,
    pub base_b: String,
    pub manager_a: String,
    pub manager_b: String,
    pub instructor: String,
    pub instructor_id: String,
    /// Distinguishes the identity numbers of registered trainees.
    pub next_sequence: std::cell::Cell<u32>,
}

pub async fn net_with(args: &[&str]) -> Net {
    let app = TestApp::with_args(args).await;
    let admin = app.admin_of("220300").await;
    let base_a = app.base_in(&admin, "铁西基地", "220302").await;
    let base_b = app.base_in(&admin, "铁东基地", "220303").await;
    let manager_a = app.manager_of(&admin, "manager-a", &[&base_a]).await;
    let manager_b = app.manager_of(&admin, "manager-b", &[&base_b]).await;
    let (instructor, instructor_id) = app
        .user_with(
            &admin,
            json!({ "login": "teacher", "password": "teacher-password-123", "displayName": "张老师", "role": "INSTRUCTOR", "baseIds": [base_a] }),
        )
        .await;
    Net {
        app,
        admin,
        base_a,
        base_b,
        manager_a,
        manager_b,
        instructor,
        instructor_id,
        next_sequence: std::cell::Cell::new(100),
    }
}

pub async fn net() -> Net {
    net_with(&[]).await
}

/// The certificate digit of each disability category.
pub fn category_digit(category: &str) -> u32 {
    [
        "VISUAL",
        "HEARING",
        "SPEECH",
        "PHYSICAL",
        "INTELLECTUAL",
        "MENTAL",
        "MULTIPLE",
    ]
    .iter()
    .position(|c| *c == category)
    .unwrap() as u32
        + 1
}

impl Net {
    /// Registers a trainee of `category` at `base` as `token`; returns its id.
    pub async fn trainee(
        &self,
        token: &str,
        base: &str,
        name: &str,
        category: &str,
        interests: &[&str],
    ) -> String {
        let sequence = self.next_sequence.get();
        self.next_sequence.set(sequence + 1);
        let id = id_number("220302", "19900101", sequence);
        let input = json!({
            "baseId": base, "name": name, "idNumber": id,
            "disabilityCertificateNumber": format!("{id}{}2", category_digit(category)),
            "residence": "RURAL", "phone": "13912345678", "interests": interests,
            "consentToSensitiveData": true
        });
        let data = self
            .app
            .data(REGISTER, json!({ "i": input }), Some(token))
            .await;
        assert_eq!(data["registerTrainee"]["userErrors"], json!([]), "{data}");
        data["registerTrainee"]["trainee"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a course as `token` and returns the payload.
    pub async fn create(&self, token: &str, input: Value) -> Value {
        self.app
            .data(CREATE, json!({ "i": input }), Some(token))
            .await["createCourse"]
            .clone()
    }

    /// Creates a course as `token` and opens it; returns its id.
    pub async fn open_course(&self, token: &str, input: Value) -> String {
        let payload = self.create(token, input).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        let id = payload["course"]["id"].as_str().unwrap().to_owned();
        let opened = self
            .update(token, json!({ "id": id, "version": 1, "status": "OPEN" }))
            .await;
        assert_eq!(opened["userErrors"], json!([]), "{opened}");
        id
    }

    pub async fn update(&self, token: &str, input: Value) -> Value {
        self.app
            .data(UPDATE, json!({ "i": input }), Some(token))
            .await["updateCourse"]
            .clone()
    }
}

/// A course input at `base` with the given delivery and features.
pub fn course(base: &str, title: &str, delivery: &str, features: &[&str]) -> Value {
    json!({ "baseId": base, "title": title, "category": "SHORT_VIDEO", "deliveryMode": delivery, "accessibility": features, "hours": 24 })
}

fn codes(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

fn titles(list: &Value) -> Vec<String> {
    let mut titles: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c.get("node").unwrap_or(c)["title"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn staff_create_courses_in_their_scope_only() {
    let n = net().await;
    let created = n
        .create(
            &n.manager_a,
            json!({ "baseId": n.base_a, "title": " 短视频入门 ", "category": "SHORT_VIDEO", "deliveryMode": "HYBRID",
                    "accessibility": ["CAPTIONS", "SIGN_LANGUAGE", "CAPTIONS"], "instructorId": n.instructor_id, "hours": 32, "capacity": 30 }),
        )
        .await;
    assert_eq!(created["userErrors"], json!([]));
    let c = &created["course"];
    assert_eq!(c["title"], "短视频入门");
    assert_eq!(c["status"], "DRAFT");
    assert_eq!(c["seatsTaken"], 0);
    assert_eq!(c["accessibility"], json!(["SIGN_LANGUAGE", "CAPTIONS"]));
    assert_eq!(c["base"]["id"], n.base_a.as_str());
    assert_eq!(c["instructor"]["login"], "teacher");

    // Another base's manager: the base is out of scope, like a missing one.
    let other = n
        .create(&n.manager_b, course(&n.base_a, "越权", "ONLINE", &[]))
        .await;
    assert_eq!(
        codes(&other),
        [(json!(["input", "baseId"]), "NOT_FOUND".to_owned())]
    );
    // The instructor works at base A only, so it cannot teach at base B.
    let mut at_b = course(&n.base_b, "铁东课程", "ONLINE", &[]);
    at_b["instructorId"] = json!(n.instructor_id);
    let at_b = n.create(&n.manager_b, at_b).await;
    assert_eq!(
        codes(&at_b),
        [(json!(["input", "instructorId"]), "NOT_FOUND".to_owned())]
    );
    // A manager must name a base; only an ADMIN runs network-wide courses.
    let no_base = json!({ "title": "全网课程", "category": "DIGITAL_LITERACY", "deliveryMode": "ONLINE", "hours": 8 });
    let refused = n.create(&n.manager_a, no_base.clone()).await;
    assert_eq!(
        codes(&refused),
        [(json!(["input", "baseId"]), "REQUIRED".to_owned())]
    );
    let network = n.create(&n.admin, no_base).await;
    assert_eq!(network["userErrors"], json!([]));
    assert_eq!(network["course"]["base"], json!(null));
    // Instructors do not create courses.
    let body = n
        .app
        .gql(
            CREATE,
            json!({ "i": course(&n.base_a, "讲师开课", "ONLINE", &[]) }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // Field checks, all reported at once.
    let bad = n
        .create(
            &n.manager_a,
            json!({ "baseId": n.base_a, "title": "", "category": "SHORT_VIDEO", "deliveryMode": "ONLINE", "hours": 0, "capacity": 0,
                    "startsOn": "2026-12-10", "endsOn": "2026-12-01" }),
        )
        .await;
    let mut bad = codes(&bad);
    bad.sort_by_key(|(f, _)| f.to_string());
    assert_eq!(
        bad,
        [
            (json!(["input", "capacity"]), "INVALID".to_owned()),
            (json!(["input", "endsOn"]), "INVALID".to_owned()),
            (json!(["input", "hours"]), "INVALID".to_owned()),
            (json!(["input", "title"]), "REQUIRED".to_owned()),
        ]
    );
}

#[tokio::test]
async fn status_moves_one_step_at_a_time_and_updates_are_versioned() {
    let n = net().await;
    let id = n
        .create(&n.manager_a, course(&n.base_a, "网店运营", "ONLINE", &[]))
        .await["course"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let skip = n
        .update(
            &n.manager_a,
            json!({ "id": id, "version": 1, "status": "CLOSED" }),
        )
        .await;
    assert_eq!(
        codes(&skip),
        [(json!(["input", "status"]), "INVALID_STATE".to_owned())]
    );
    let mut version = 1;
    for status in ["OPEN", "CLOSED", "ARCHIVED"] {
        let moved = n
            .update(
                &n.manager_a,
                json!({ "id": id, "version": version, "status": status }),
            )
            .await;
        assert_eq!(moved["userErrors"], json!([]), "{status}");
        assert_eq!(moved["course"]["status"], status);
        version += 1;
    }
    let back = n
        .update(
            &n.manager_a,
            json!({ "id": id, "version": version, "status": "OPEN" }),
        )
        .await;
    assert_eq!(
        codes(&back),
        [(json!(["input", "status"]), "INVALID_STATE".to_owned())]
    );
    let stale = n
        .update(
            &n.manager_a,
            json!({ "id": id, "version": 1, "title": "旧版本" }),
        )
        .await;
    assert_eq!(
        codes(&stale),
        [(json!(["input", "version"]), "STALE_VERSION".to_owned())]
    );
    let features = n
        .update(
            &n.manager_a,
            json!({ "id": id, "version": version, "accessibility": ["EASY_READ"] }),
        )
        .await;
    assert_eq!(features["course"]["accessibility"], json!(["EASY_READ"]));
    // Out of scope looks like absent.
    let foreign = n
        .update(
            &n.manager_b,
            json!({ "id": id, "version": version + 1, "title": "越权" }),
        )
        .await;
    assert_eq!(
        codes(&foreign),
        [(json!(["input", "id"]), "NOT_FOUND".to_owned())]
    );
}

#[tokio::test]
async fn sessions_end_after_they_start_within_the_course_dates() {
    let n = net().await;
    let mut input = course(&n.base_a, "直播带货实战", "OFFLINE", &[]);
    input["startsOn"] = json!("2026-12-01");
    input["endsOn"] = json!("2026-12-31");
    input["instructorId"] = json!(n.instructor_id);
    let id = n.create(&n.manager_a, input).await["course"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = |starts: &str, ends: &str| json!({ "i": { "courseId": id, "startsAt": starts, "endsAt": ends, "topic": "选品" } });
    // The instructor schedules its own course's sessions; China time decides the day.
    let ok = n
        .app
        .data(
            ADD_SESSION,
            session("2026-11-30T16:00:00Z", "2026-11-30T18:00:00Z"),
            Some(&n.instructor),
        )
        .await["addCourseSession"]
        .clone();
    assert_eq!(ok["userErrors"], json!([]), "{ok}");
    assert_eq!(ok["session"]["startsAt"], "2026-11-30T16:00:00Z");
    assert_eq!(ok["session"]["course"]["id"], id.as_str());
    for (case, starts, ends, field) in [
        (
            "ends before it starts",
            "2026-12-05T10:00:00Z",
            "2026-12-05T09:00:00Z",
            "endsAt",
        ),
        (
            "before the course",
            "2026-11-30T15:00:00Z",
            "2026-11-30T17:00:00Z",
            "startsAt",
        ),
        (
            "after the course",
            "2026-12-31T10:00:00Z",
            "2026-12-31T16:30:00Z",
            "endsAt",
        ),
    ] {
        let refused = n
            .app
            .data(ADD_SESSION, session(starts, ends), Some(&n.manager_a))
            .await["addCourseSession"]
            .clone();
        assert_eq!(
            codes(&refused),
            [(json!(["input", field]), "INVALID".to_owned())],
            "{case}"
        );
    }
    // Another base's manager cannot schedule it.
    let foreign = n
        .app
        .data(
            ADD_SESSION,
            session("2026-12-02T01:00:00Z", "2026-12-02T03:00:00Z"),
            Some(&n.manager_b),
        )
        .await["addCourseSession"]
        .clone();
    assert_eq!(
        codes(&foreign),
        [(json!(["input", "courseId"]), "NOT_FOUND".to_owned())]
    );
    let sessions = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { sessions { topic startsAt } } }",
            json!({ "id": id }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        sessions["course"]["sessions"],
        json!([{ "topic": "选品", "startsAt": "2026-11-30T16:00:00Z" }])
    );
}

#[tokio::test]
async fn drafts_are_seen_by_their_managers_and_open_courses_by_everyone() {
    let n = net().await;
    let draft = n
        .create(&n.manager_a, course(&n.base_a, "草稿课程", "ONLINE", &[]))
        .await["course"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    n.open_course(&n.manager_a, course(&n.base_a, "开放课程", "ONLINE", &[]))
        .await;
    let mut own = course(&n.base_a, "讲师课程", "ONLINE", &[]);
    own["instructorId"] = json!(n.instructor_id);
    n.create(&n.manager_a, own).await;
    let list = "{ courses { totalCount edges { node { title } } } }";
    for (who, token, expected) in [
        (
            "manager",
            Some(n.manager_a.as_str()),
            vec!["开放课程", "草稿课程", "讲师课程"],
        ),
        (
            "city admin",
            Some(n.admin.as_str()),
            vec!["开放课程", "草稿课程", "讲师课程"],
        ),
        ("other base", Some(n.manager_b.as_str()), vec!["开放课程"]),
        (
            "instructor",
            Some(n.instructor.as_str()),
            vec!["开放课程", "讲师课程"],
        ),
        ("anonymous", None, vec!["开放课程"]),
    ] {
        let data = n.app.data(list, json!({}), token).await;
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(titles(&data["courses"]["edges"]), expected, "{who}");
        assert_eq!(data["courses"]["totalCount"], expected.len(), "{who}");
    }
    let hidden = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { id } }",
            json!({ "id": draft }),
            Some(&n.manager_b),
        )
        .await;
    assert_eq!(hidden["course"], json!(null));
    // Anonymous callers see an open course but no account behind it.
    let mut taught = course(&n.base_a, "讲师公开课", "ONLINE", &[]);
    taught["instructorId"] = json!(n.instructor_id);
    let taught = n.open_course(&n.manager_a, taught).await;
    let instructor = "query($id: ID!) { course(id: $id) { title instructor { displayName } } }";
    for (who, token, expected) in [
        ("anonymous", None, json!(null)),
        (
            "another base's manager",
            Some(n.manager_b.as_str()),
            json!({ "displayName": "张老师" }),
        ),
    ] {
        let data = n.app.data(instructor, json!({ "id": taught }), token).await;
        assert_eq!(data["course"]["instructor"], expected, "{who}");
    }
    let malformed = n
        .app
        .gql("{ course(id: \"not-an-id\") { id } }", json!({}), None)
        .await;
    assert_eq!(error_code(&malformed), "BAD_USER_INPUT");
    // A base lists its courses the caller may see.
    let base = n
        .app
        .data(
            "query($id: ID!) { base(id: $id) { courses(first: 10) { totalCount edges { node { title } } } } }",
            json!({ "id": n.base_a }),
            None,
        )
        .await;
    assert_eq!(
        titles(&base["base"]["courses"]["edges"]),
        ["开放课程", "讲师公开课"]
    );
    assert_eq!(base["base"]["courses"]["totalCount"], 2);
}

/// The courses of the fit table's cases: (title, delivery, features).
const FIT_COURSES: [(&str, &str, &[&str]); 8] = [
    ("口述影像", "OFFLINE", &["AUDIO_DESCRIPTION"]),
    ("读屏友好", "OFFLINE", &["SCREEN_READER_FRIENDLY"]),
    ("字幕", "OFFLINE", &["CAPTIONS"]),
    ("手语", "OFFLINE", &["SIGN_LANGUAGE"]),
    ("线上", "ONLINE", &[]),
    ("无障碍场地", "HYBRID", &["WHEELCHAIR_ACCESSIBLE"]),
    ("易读", "OFFLINE", &["EASY_READ"]),
    ("无辅助", "HYBRID", &[]),
];

#[tokio::test]
async fn accessible_for_follows_the_fit_table_case_by_case() {
    let n = net().await;
    for (title, delivery, features) in FIT_COURSES {
        n.open_course(&n.manager_a, course(&n.base_a, title, delivery, features))
            .await;
    }
    let all: Vec<&str> = FIT_COURSES.iter().map(|c| c.0).collect();
    for (category, expected) in [
        ("VISUAL", vec!["口述影像", "读屏友好"]),
        ("HEARING", vec!["字幕", "手语"]),
        ("SPEECH", vec!["字幕", "线上"]),
        ("PHYSICAL", vec!["线上", "无障碍场地"]),
        ("INTELLECTUAL", vec!["易读"]),
        ("MENTAL", all.clone()),
        ("MULTIPLE", all.clone()),
    ] {
        let data = n
            .app
            .data(
                "query($c: DisabilityCategory) { courses(first: 50, filter: { accessibleFor: $c }) { edges { node { title } } } }",
                json!({ "c": category }),
                None,
            )
            .await;
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(titles(&data["courses"]["edges"]), expected, "{category}");
    }
}

#[tokio::test]
async fn recommendations_fit_the_trainee_and_rank_its_interests_first() {
    let n = net().await;
    let deaf = n
        .trainee(
            &n.manager_a,
            &n.base_a,
            "聋人学员",
            "HEARING",
            &["LIVESTREAM_COMMERCE"],
        )
        .await;
    let other = n
        .trainee(&n.manager_a, &n.base_a, "同学", "HEARING", &[])
        .await;
    let with = |title: &str, category: &str, features: &[&str], starts: &str| {
        json!({ "baseId": n.base_a, "title": title, "category": category, "deliveryMode": "OFFLINE",
                "accessibility": features, "hours": 10, "capacity": 1, "startsOn": starts })
    };
    // Captioned, not in its interests, starts first.
    n.open_course(
        &n.manager_a,
        with("字幕短视频", "SHORT_VIDEO", &["CAPTIONS"], "2026-12-01"),
    )
    .await;
    // Sign language, in its interests, starts later: ranked first all the same.
    n.open_course(
        &n.manager_a,
        with(
            "手语直播带货",
            "LIVESTREAM_COMMERCE",
            &["SIGN_LANGUAGE"],
            "2027-01-01",
        ),
    )
    .await;
    // Does not fit a deaf trainee.
    n.open_course(
        &n.manager_a,
        with(
            "口述影像直播",
            "LIVESTREAM_COMMERCE",
            &["AUDIO_DESCRIPTION"],
            "2026-11-30",
        ),
    )
    .await;
    // Full: its one seat goes to another trainee.
    let full = n
        .open_course(
            &n.manager_a,
            with("已满", "LIVESTREAM_COMMERCE", &["CAPTIONS"], "2026-11-30"),
        )
        .await;
    let enrolled = n
        .app
        .data(
            crate::course_enrollment::ENROLL,
            json!({ "i": { "courseId": full, "traineeId": other } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(enrolled["enroll"]["userErrors"], json!([]));
    // Closed.
    let closed = n
        .open_course(
            &n.manager_a,
            with("已结束", "LIVESTREAM_COMMERCE", &["CAPTIONS"], "2026-11-30"),
        )
        .await;
    n.update(
        &n.manager_a,
        json!({ "id": closed, "version": 2, "status": "CLOSED" }),
    )
    .await;
    // Already taken by the trainee.
    let taken = n
        .open_course(
            &n.manager_a,
            with(
                "已报名",
                "LIVESTREAM_COMMERCE",
                &["SIGN_LANGUAGE"],
                "2026-11-30",
            ),
        )
        .await;
    let enrolled = n
        .app
        .data(
            crate::course_enrollment::ENROLL,
            json!({ "i": { "courseId": taken, "traineeId": deaf } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(enrolled["enroll"]["userErrors"], json!([]));
    // Another base's course.
    let mut elsewhere = with(
        "铁东字幕课",
        "LIVESTREAM_COMMERCE",
        &["CAPTIONS"],
        "2026-11-30",
    );
    elsewhere["baseId"] = json!(n.base_b);
    n.open_course(&n.manager_b, elsewhere).await;

    let query = "query($t: ID!) { recommendedCourses(traineeId: $t) { title accessibility } }";
    let data = n
        .app
        .data(query, json!({ "t": deaf }), Some(&n.manager_a))
        .await;
    let ranked: Vec<&str> = data["recommendedCourses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, ["手语直播带货", "字幕短视频"]);
    for course in data["recommendedCourses"].as_array().unwrap() {
        let features = course["accessibility"].as_array().unwrap();
        assert!(
            features
                .iter()
                .any(|f| f == "CAPTIONS" || f == "SIGN_LANGUAGE")
        );
    }
    // Another base cannot ask about this trainee.
    let foreign = n
        .app
        .data(query, json!({ "t": deaf }), Some(&n.manager_b))
        .await;
    assert_eq!(foreign["recommendedCourses"], json!([]));
}

//! The demo network's fixed data, from the source documents (DOMAIN.md, ../shared/seeds):
//! Siping's bases (伊通, 铁东, 铁西 …) under Jilin province, a base in Panjin and one in Gansu,
//! and the targets the plans set.

/// A demo base: where it is, its name, the login of its manager and its courses' themes.
pub struct DemoBase {
    pub region_code: &'static str,
    pub name: &'static str,
    pub manager: &'static str,
    pub focus: [&'static str; 2],
}

/// Goods the bases' producers sell: title, category, price in yuan, unit and tags (the
/// farm produce, food and handicrafts of Jilin the source documents name).
pub const GOODS: [(&str, &str, &str, &str, [&str; 2]); 8] = [
    (
        "蛟河黑木耳 250g",
        "AGRICULTURAL",
        "42.80",
        "袋",
        ["木耳", "山珍"],
    ),
    (
        "伊通手工剪纸 生肖套装",
        "HANDICRAFT",
        "68.00",
        "套",
        ["剪纸", "非遗"],
    ),
    (
        "梨树小米 5斤装",
        "AGRICULTURAL",
        "39.90",
        "袋",
        ["小米", "杂粮"],
    ),
    (
        "四平手工宫灯 一对",
        "HANDICRAFT",
        "158.00",
        "对",
        ["宫灯", "年货"],
    ),
    (
        "双辽葵花籽 原味 500g",
        "FOOD",
        "25.50",
        "袋",
        ["瓜子", "零食"],
    ),
    (
        "满族刺绣香包",
        "INTANGIBLE_HERITAGE",
        "45.00",
        "个",
        ["刺绣", "非遗"],
    ),
    (
        "公主岭鲜食玉米 10穗",
        "AGRICULTURAL",
        "36.00",
        "箱",
        ["玉米", "产地直发"],
    ),
    (
        "有声书配音 定制服务",
        "SERVICE",
        "200.00",
        "次",
        ["配音", "有声书"],
    ),
];

/// The bases, Siping's six first (the city plan asks for at least six).
pub const BASES: [DemoBase; 9] = [
    DemoBase {
        region_code: "220323",
        name: "伊通满族自治县残疾人网络创业孵化基地",
        manager: "demo-yitong",
        focus: ["LIVESTREAM_COMMERCE", "HANDICRAFT"],
    },
    DemoBase {
        region_code: "220303",
        name: "四平市铁东区残疾人网络创业孵化基地",
        manager: "demo-tiedong",
        focus: ["SHORT_VIDEO", "ONLINE_STORE"],
    },
    DemoBase {
        region_code: "220302",
        name: "四平市铁西区残疾人网络创业孵化基地",
        manager: "demo-tiexi",
        focus: ["VOICE_WORK", "CUSTOMER_SERVICE"],
    },
    DemoBase {
        region_code: "220322",
        name: "梨树县残疾人电商直播孵化基地",
        manager: "demo-lishu",
        focus: ["LIVESTREAM_COMMERCE", "SUPPLY_CHAIN"],
    },
    DemoBase {
        region_code: "220382",
        name: "双辽市残疾人网络创业孵化基地",
        manager: "demo-shuangliao",
        focus: ["DATA_LABELING", "DIGITAL_LITERACY"],
    },
    DemoBase {
        region_code: "220302",
        name: "四平市残疾学生自媒体创业实训基地",
        manager: "demo-sptx",
        focus: ["SHORT_VIDEO", "ENTREPRENEURSHIP"],
    },
    DemoBase {
        region_code: "220102",
        name: "长春市南关区残疾人网络创业孵化基地",
        manager: "demo-nanguan",
        focus: ["ONLINE_STORE", "VOICE_WORK"],
    },
    DemoBase {
        region_code: "211102",
        name: "盘锦市双台子区残疾人网络创业孵化基地",
        manager: "demo-panjin",
        focus: ["CUSTOMER_SERVICE", "ENTREPRENEURSHIP"],
    },
    DemoBase {
        region_code: "620102",
        name: "兰州市城关区残疾人网络创业孵化基地",
        manager: "demo-lanzhou",
        focus: ["HANDICRAFT", "DATA_LABELING"],
    },
];

/// Course titles per training category (the contract's `TrainingCategory`).
pub const COURSES: [(&str, &str); 10] = [
    ("LIVESTREAM_COMMERCE", "直播带货实战：木耳与人参"),
    ("SHORT_VIDEO", "短视频拍摄与剪辑"),
    ("ONLINE_STORE", "网店运营与居家电子商务"),
    ("VOICE_WORK", "有声读物配音（声音创业）"),
    ("CUSTOMER_SERVICE", "在线客服与话务"),
    ("DATA_LABELING", "数据标注入门"),
    ("HANDICRAFT", "宫灯与绒线编织手工艺"),
    ("SUPPLY_CHAIN", "农产品供应链与物流"),
    ("DIGITAL_LITERACY", "智能手机与数字技能"),
    ("ENTREPRENEURSHIP", "创业基础与经营主体注册"),
];

/// Accessibility features offered, cycled over the courses.
pub const ACCESSIBILITY: [&[&str]; 5] = [
    &["SIGN_LANGUAGE", "CAPTIONS"],
    &["SCREEN_READER_FRIENDLY", "AUDIO_DESCRIPTION"],
    &["EASY_READ"],
    &["WHEELCHAIR_ACCESSIBLE", "CAPTIONS"],
    &["SIGN_LANGUAGE", "SCREEN_READER_FRIENDLY", "EASY_READ"],
];

/// Disability categories with their certificate digit, cycled over the trainees.
pub const CATEGORIES: [(&str, u32); 7] = [
    ("VISUAL", 1),
    ("HEARING", 2),
    ("SPEECH", 3),
    ("PHYSICAL", 4),
    ("INTELLECTUAL", 5),
    ("MENTAL", 6),
    ("MULTIPLE", 7),
];

pub const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];

pub const GIVEN_NAMES: [&str; 24] = [
    "秀英", "桂兰", "建华", "志强", "海燕", "玉梅", "春生", "丽娟", "晓东", "国庆", "红梅", "立新",
    "雪莲", "长江", "文静", "宏伟", "淑芬", "振华", "佳怡", "子涵", "德明", "凤霞", "金山", "小龙",
];

/// Targets from the plans: (region, indicator, value). Jilin's three-year plan (001) and
/// Siping's reply (000).
pub const TARGETS: [(&str, &str, i32); 7] = [
    ("220000", "ACTIVE_BASES", 70),
    ("220000", "STARS", 200),
    ("220000", "TRAINING_PERSON_TIMES", 50_000),
    ("220000", "NEW_EMPLOYMENT", 30_000),
    ("220000", "SUPPORTED_ENTREPRENEURS", 2_000),
    ("220300", "ACTIVE_BASES", 6),
    ("220300", "STARS", 15),
];

/// A valid 18-character identity number (GB 11643): region, birth date, sequence and the
/// ISO 7064 MOD 11-2 check character. Synthetic: no real person's number is used.
pub fn id_number(region: &str, birth: &str, sequence: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{region}{birth}{:03}", sequence % 1000);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

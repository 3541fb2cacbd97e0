// Seeds a realistic network into a running Qihang server, through its GraphQL API only:
// bases in Jilin's counties, trainees registered one by one (with consent and checksum-valid
// synthetic identity numbers), employment service records for every trainee, OPEN courses
// at every base with enrolled trainees, and a published catalog of the trainees' products
// (each with an uploaded image, as publishing requires).
//
// usage: node seed.mjs <graphql url> <out.json>
// env:   BENCH_BASES (19), BENCH_TRAINEES_PER_BASE (100), BENCH_SERVICES_PER_TRAINEE (2),
//        BENCH_COURSES_PER_BASE (6), BENCH_ENROLMENTS_PER_COURSE (9),
//        BENCH_PRODUCTS_PER_PRODUCER (3; every second trainee is a producer),
//        BENCH_LOGIN / BENCH_PASSWORD (the first ADMIN the server was started with)
//
// To seed a new domain (courses, enrolments, products), add a step to STEPS below: each step
// gets the seeding context (`ctx`: the API client, the token, what earlier steps created) and
// records what it created on `ctx`, so the queries in queries.mjs can name it.

import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: node seed.mjs <graphql url> <out.json>");
  process.exit(2);
}
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const BASES = env("BENCH_BASES", 19);
const PER_BASE = env("BENCH_TRAINEES_PER_BASE", 100);
const SERVICES = env("BENCH_SERVICES_PER_TRAINEE", 2);
const COURSES = env("BENCH_COURSES_PER_BASE", 6);
const ENROLMENTS = Math.min(env("BENCH_ENROLMENTS_PER_COURSE", 9), PER_BASE);
const PRODUCTS = env("BENCH_PRODUCTS_PER_PRODUCER", 3);
// What the searched product page looks for: a word in about one title in eight.
const SEARCH = "木耳";
const PARALLEL = 8;

// County-level regions of Jilin province (GB/T 2260), one base per county.
const COUNTIES = [
  "220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122", "220182",
  "220183", "220184", "220202", "220203", "220204", "220211", "220221", "220281", "220282",
  "220283", "220284", "220302", "220303", "220322", "220323", "220382", "220402", "220403",
];
const KINDS = ["INFO_VERIFICATION", "CAPABILITY_ASSESSMENT", "NEED_REGISTRATION", "EMPLOYMENT_SERVICE"];
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂";

async function gql(token, query, variables) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`${query.slice(0, 60)}… → HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** Runs `work(item)` for every item, `PARALLEL` at a time, keeping the order of results. */
async function inParallel(items, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

/** An 18-character identity number with a valid GB 11643 check character. */
function idNumber(region, person) {
  const birth = new Date(Date.UTC(1965, 0, 1) + person * 86_400_000 * 7);
  const ymd = birth.toISOString().slice(0, 10).replaceAll("-", "");
  const body = `${region}${ymd}${String(person % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

/** A `width`×`height` RGB PNG in two colours: a stand-in product photo. */
function png(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) {
      const light = (x + y) % 64 < 32 ? 1 : 0.8; // a diagonal stripe, so it is not one colour
      rows.set([r * light, g * light, b * light].map(Math.round), row + 1 + x * 3);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A GraphQL multipart request (one file at `variables.i.file`). */
async function upload(token, query, variables, file, name, type) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables }));
  form.append("map", JSON.stringify({ 0: ["variables.i.file"] }));
  form.append("0", new Blob([file], { type }), name);
  const response = await fetch(url, {
    method: "POST",
    // A preflight header: Qihang refuses multipart requests without one (CSRF).
    headers: { authorization: `Bearer ${token}`, "graphql-preflight": "1" },
    body: form,
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`${query.slice(0, 60)}… → HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data;
}

// Courses a base runs, each with the accessibility it offers (the API does not match them
// against the trainees' disabilities, so enrolment takes the base's trainees in turn).
const COURSE_KINDS = [
  { title: "直播带货入门", category: "LIVESTREAM_COMMERCE", deliveryMode: "OFFLINE", accessibility: ["SIGN_LANGUAGE", "CAPTIONS", "WHEELCHAIR_ACCESSIBLE"], hours: 32 },
  { title: "短视频拍摄与剪辑", category: "SHORT_VIDEO", deliveryMode: "HYBRID", accessibility: ["CAPTIONS", "WHEELCHAIR_ACCESSIBLE"], hours: 40 },
  { title: "网店开设与运营", category: "ONLINE_STORE", deliveryMode: "ONLINE", accessibility: ["SCREEN_READER_FRIENDLY", "CAPTIONS"], hours: 24 },
  { title: "有声书配音", category: "VOICE_WORK", deliveryMode: "ONLINE", accessibility: ["AUDIO_DESCRIPTION", "SCREEN_READER_FRIENDLY"], hours: 48 },
  { title: "电商客服话术与售后", category: "CUSTOMER_SERVICE", deliveryMode: "ONLINE", accessibility: ["SCREEN_READER_FRIENDLY", "CAPTIONS"], hours: 16 },
  { title: "手工编织与宫灯制作", category: "HANDICRAFT", deliveryMode: "OFFLINE", accessibility: ["EASY_READ", "WHEELCHAIR_ACCESSIBLE"], hours: 60 },
  { title: "农产品直播选品", category: "LIVESTREAM_COMMERCE", deliveryMode: "HYBRID", accessibility: ["SIGN_LANGUAGE", "CAPTIONS"], hours: 20 },
  { title: "数据标注基础", category: "DATA_LABELING", deliveryMode: "ONLINE", accessibility: ["SCREEN_READER_FRIENDLY", "EASY_READ"], hours: 24 },
];

// Goods of Jilin's disabled producers: farm produce, food, handicrafts. Two of the sixteen
// carry the search term (木耳), so it matches about one product in eight.
const GOODS = [
  { name: "黑木耳", places: ["长白山", "汪清", "蛟河"], sizes: ["250g", "500g", "1kg 礼盒"], category: "AGRICULTURAL", unit: "袋", yuan: 39, colour: [40, 30, 30] },
  { name: "人参", places: ["抚松", "集安", "长白山"], sizes: ["5年参 礼盒", "鲜参 250g", "林下参 单支"], category: "AGRICULTURAL", unit: "盒", yuan: 168, colour: [200, 170, 110] },
  { name: "大米", places: ["舒兰", "梅河口", "前郭"], sizes: ["5kg", "10kg", "2.5kg 真空装"], category: "AGRICULTURAL", unit: "袋", yuan: 69, colour: [240, 235, 220] },
  { name: "椴树蜂蜜", places: ["长白山", "敦化", "靖宇"], sizes: ["500g", "1kg", "250g 两瓶装"], category: "FOOD", unit: "瓶", yuan: 58, colour: [230, 170, 40] },
  { name: "榛蘑", places: ["长白山", "桦甸", "安图"], sizes: ["250g", "500g"], category: "AGRICULTURAL", unit: "袋", yuan: 45, colour: [160, 110, 60] },
  { name: "红松子", places: ["长白山", "白河", "临江"], sizes: ["500g", "1kg"], category: "FOOD", unit: "袋", yuan: 88, colour: [120, 80, 50] },
  { name: "小米", places: ["乾安", "农安", "洮南"], sizes: ["2.5kg", "5kg"], category: "AGRICULTURAL", unit: "袋", yuan: 36, colour: [240, 200, 80] },
  { name: "木耳脆片", places: ["汪清", "蛟河"], sizes: ["60g×6袋", "原味 150g"], category: "FOOD", unit: "盒", yuan: 29, colour: [60, 45, 40] },
  { name: "鲜食黏玉米", places: ["九台", "公主岭", "榆树"], sizes: ["10穗", "20穗 真空装"], category: "AGRICULTURAL", unit: "箱", yuan: 49, colour: [250, 220, 90] },
  { name: "人参蜜片", places: ["抚松", "集安"], sizes: ["100g", "200g 礼盒"], category: "FOOD", unit: "盒", yuan: 78, colour: [220, 180, 100] },
  { name: "蓝莓果干", places: ["长白山", "靖宇"], sizes: ["200g", "500g"], category: "FOOD", unit: "袋", yuan: 42, colour: [60, 60, 140] },
  { name: "手工宫灯", places: ["长春", "吉林"], sizes: ["一对", "小号 单只"], category: "HANDICRAFT", unit: "对", yuan: 260, colour: [200, 30, 30] },
  { name: "绒线编织收纳篮", places: ["四平", "辽源"], sizes: ["大号", "三件套"], category: "HANDICRAFT", unit: "件", yuan: 68, colour: [180, 140, 200] },
  { name: "满族剪纸", places: ["伊通", "吉林"], sizes: ["装框 40cm", "十二生肖 套装"], category: "INTANGIBLE_HERITAGE", unit: "幅", yuan: 120, colour: [220, 20, 40] },
  { name: "桦树皮画", places: ["白山", "延吉"], sizes: ["30×40cm", "小幅 装框"], category: "INTANGIBLE_HERITAGE", unit: "幅", yuan: 198, colour: [230, 220, 200] },
  { name: "手绣鞋垫", places: ["白城", "松原"], sizes: ["两双装", "棉麻 一双"], category: "TEXTILE", unit: "双", yuan: 25, colour: [90, 160, 90] },
];
const IMAGES = GOODS.map((g) => png(320, 320, g.colour));

function userErrorsOf(payload) {
  if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
  return payload;
}

const STEPS = [
  async function bases(ctx) {
    ctx.bases = await inParallel([...Array(BASES).keys()], async (b) => {
      const region = COUNTIES[b % COUNTIES.length];
      const data = await gql(
        ctx.token,
        `mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } userErrors { field code message } } }`,
        { i: { name: `残疾人网络创业孵化基地${b + 1}`, regionCode: region, focusAreas: ["LIVESTREAM_COMMERCE", "SHORT_VIDEO"] } },
      );
      return { id: userErrorsOf(data.createBase).base.id, region };
    });
  },

  async function trainees(ctx) {
    const people = ctx.bases.flatMap((base, b) =>
      Array.from({ length: PER_BASE }, (_, t) => ({ base, person: b * PER_BASE + t })),
    );
    ctx.trainees = await inParallel(people, async ({ base, person }) => {
      const id = idNumber(base.region, person);
      const data = await gql(
        ctx.token,
        `mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }`,
        {
          i: {
            baseId: base.id,
            name: SURNAMES[person % SURNAMES.length] + GIVEN[(person * 7) % GIVEN.length] + (person % 3 ? GIVEN[person % GIVEN.length] : ""),
            idNumber: id,
            disabilityCertificateNumber: `${id}${1 + (person % 7)}${1 + (person % 4)}`,
            phone: `139${String(person).padStart(8, "0")}`,
            residence: person % 3 ? "RURAL" : "URBAN",
            interests: ["LIVESTREAM_COMMERCE"],
            consentToSensitiveData: true,
          },
        },
      );
      return userErrorsOf(data.registerTrainee).trainee.id;
    });
  },

  async function services(ctx) {
    const records = ctx.trainees.flatMap((trainee, t) =>
      Array.from({ length: SERVICES }, (_, s) => ({ trainee, kind: KINDS[(t + s) % KINDS.length], day: 1 + ((t + s * 9) % 28) })),
    );
    await inParallel(records, async ({ trainee, kind, day }) => {
      const data = await gql(
        ctx.token,
        `mutation($i: RecordServiceInput!) { recordService(input: $i) { userErrors { field code message } } }`,
        { i: { traineeId: trainee, kind, date: `2026-03-${String(day).padStart(2, "0")}` } },
      );
      userErrorsOf(data.recordService);
    });
    ctx.services = records.length;
  },

  // COURSES_PER_BASE courses at every base, created (DRAFT) and then opened for enrolment.
  async function courses(ctx) {
    const wanted = ctx.bases.flatMap((base, b) => Array.from({ length: COURSES }, (_, c) => ({ base, b, c })));
    ctx.courses = await inParallel(wanted, async ({ base, b, c }) => {
      const kind = COURSE_KINDS[(b + c) % COURSE_KINDS.length];
      const month = 3 + (c % 8);
      const created = await gql(
        ctx.token,
        `mutation($i: CreateCourseInput!) { createCourse(input: $i) { course { id version } userErrors { field code message } } }`,
        {
          i: {
            baseId: base.id,
            title: `${kind.title}（2026年第${Math.floor(c / COURSE_KINDS.length) + 1}期）`,
            description: `面向残疾人学员的${kind.title}课程，配备无障碍支持，结业颁发证书。`,
            category: kind.category,
            deliveryMode: kind.deliveryMode,
            accessibility: kind.accessibility,
            hours: kind.hours,
            capacity: 30,
            startsOn: `2026-${String(month).padStart(2, "0")}-01`,
            endsOn: `2026-${String(month + 1).padStart(2, "0")}-15`,
          },
        },
      );
      const course = userErrorsOf(created.createCourse).course;
      const opened = await gql(
        ctx.token,
        `mutation($i: UpdateCourseInput!) { updateCourse(input: $i) { course { id } userErrors { field code message } } }`,
        { i: { id: course.id, version: course.version, status: "OPEN" } },
      );
      userErrorsOf(opened.updateCourse);
      return { id: course.id, b, c };
    });
  },

  // ENROLMENTS_PER_COURSE trainees of the course's base in every course, the base's trainees
  // taken in turn (at the default size, 54 of a base's 100 trainees take one course each).
  async function enrolments(ctx) {
    const wanted = ctx.courses.flatMap(({ id, b, c }) =>
      Array.from({ length: ENROLMENTS }, (_, k) => ({
        course: id,
        trainee: ctx.trainees[b * PER_BASE + ((c * ENROLMENTS + k) % PER_BASE)],
      })),
    );
    await inParallel(wanted, async ({ course, trainee }) => {
      const data = await gql(
        ctx.token,
        `mutation($i: EnrollInput!) { enroll(input: $i) { enrollment { id } userErrors { field code message } } }`,
        { i: { courseId: course, traineeId: trainee } },
      );
      userErrorsOf(data.enroll);
    });
    ctx.enrolments = wanted.length;
  },

  // PRODUCTS_PER_PRODUCER products of every second trainee, each created (DRAFT), given an
  // image with alt text and published, so all of them are in the public catalog. One
  // producer's products are made one after the other: its first product creates its
  // producer profile, which concurrent first products would race for (DUPLICATE).
  async function products(ctx) {
    const producers = ctx.trainees.filter((_, t) => t % 2 === 0);
    const perProducer = await inParallel(producers, async (trainee, p) => {
      const made = [];
      for (let k = 0; k < PRODUCTS; k++) made.push(await product(ctx, trainee, p * PRODUCTS + k));
      return made;
    });
    const texts = perProducer.flat();
    ctx.products = texts.length;
    ctx.searchMatches = texts.filter((text) => text.includes(SEARCH)).length;
  },
];

/** Creates, illustrates and publishes product number `n` of `trainee`; returns its search text. */
async function product(ctx, trainee, n) {
  const good = GOODS[n % GOODS.length];
  const turn = Math.floor(n / GOODS.length);
  const place = good.places[turn % good.places.length];
  const size = good.sizes[Math.floor(turn / good.places.length) % good.sizes.length];
  const title = `${place}${good.name} ${size}`;
  const description = `产自${place}，由助残基地学员亲手挑选包装，直播间同款，下单后48小时内发货。`;
  const tags = [place, good.category === "AGRICULTURAL" ? "吉林农产品" : "助残好物"];
  const created = await gql(
    ctx.token,
    `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { field code message } } }`,
    {
      i: {
        producerTraineeId: trainee,
        title,
        description,
        category: good.category,
        price: `${good.yuan + (n % 7) * 3}.${String((n * 37) % 100).padStart(2, "0")}`,
        unit: good.unit,
        stock: 20 + (n % 180),
        tags,
      },
    },
  );
  const product = userErrorsOf(created.createProduct).product;
  const uploaded = await upload(
    ctx.token,
    `mutation($i: UploadProductImageInput!) { uploadProductImage(input: $i) { product { id } userErrors { field code message } } }`,
    { i: { productId: product.id, file: null, altText: `${title}的实物照片` } },
    IMAGES[n % GOODS.length],
    "product.png",
    "image/png",
  );
  userErrorsOf(uploaded.uploadProductImage);
  const published = await gql(
    ctx.token,
    `mutation($id: ID!) { publishProduct(id: $id) { product { id } userErrors { field code message } } }`,
    { id: product.id },
  );
  userErrorsOf(published.publishProduct);
  return [title, description, ...tags].join(" ").toLowerCase();
}

const started = Date.now();
const login = await gql(
  null,
  `mutation($l: String!, $p: String!) { login(input: { login: $l, password: $p }) { accessToken userErrors { message } } }`,
  { l: process.env.BENCH_LOGIN ?? "bench", p: process.env.BENCH_PASSWORD ?? "bench-password-123" },
);
const ctx = { token: login.login.accessToken };
if (!ctx.token) throw new Error(`login failed: ${JSON.stringify(login)}`);
for (const step of STEPS) {
  const t = Date.now();
  await step(ctx);
  console.error(`seeded ${step.name} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
writeFileSync(
  out,
  JSON.stringify({
    token: ctx.token,
    bases: ctx.bases.length,
    trainees: ctx.trainees.length,
    services: ctx.services,
    courses: ctx.courses.length,
    enrolments: ctx.enrolments,
    products: ctx.products,
    // The searched product page's term, and how many published products it matches.
    search: SEARCH,
    searchMatches: ctx.searchMatches,
    // The trainee the single-object query reads: one in the middle of the table.
    traineeId: ctx.trainees[Math.floor(ctx.trainees.length / 2)],
    seconds: (Date.now() - started) / 1000,
  }),
);

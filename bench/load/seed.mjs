// Seeds a realistic network into a running Qihang server, through its GraphQL API only:
// bases in Jilin's counties, trainees registered one by one (with consent and checksum-valid
// synthetic identity numbers), and employment service records for every trainee.
//
// usage: node seed.mjs <graphql url> <out.json>
// env:   BENCH_BASES (19), BENCH_TRAINEES_PER_BASE (100), BENCH_SERVICES_PER_TRAINEE (2),
//        BENCH_LOGIN / BENCH_PASSWORD (the first ADMIN the server was started with)
//
// To seed a new domain (courses, enrolments, products), add a step to STEPS below: each step
// gets the seeding context (`ctx`: the API client, the token, what earlier steps created) and
// records what it created on `ctx`, so the queries in queries.mjs can name it.

import { writeFileSync } from "node:fs";

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: node seed.mjs <graphql url> <out.json>");
  process.exit(2);
}
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const BASES = env("BENCH_BASES", 19);
const PER_BASE = env("BENCH_TRAINEES_PER_BASE", 100);
const SERVICES = env("BENCH_SERVICES_PER_TRAINEE", 2);
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
];

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
    // The trainee the single-object query reads: one in the middle of the table.
    traineeId: ctx.trainees[Math.floor(ctx.trainees.length / 2)],
    seconds: (Date.now() - started) / 1000,
  }),
);

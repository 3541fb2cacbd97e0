// The fixed query set of the load benchmark, written once per server: Qihang's own schema and
// the schemas PostGraphile v5 (amber preset) and v4 generate from the same tables.
//
//   node queries.mjs bodies <seed.json> <dir>            writes <dir>/<query>.<server>.json
//   node queries.mjs check <server> <url> <body> [token] sends one body, checks the answer and
//                                                       prints what it holds ("19 bases, …")
//
// To measure a new query, add an entry to QUERIES: its request per server and a `shape`
// function that counts what the answer holds, so every server is seen to answer alike.
// `digest` adds a short hash of the values in answer order, where the servers return the
// same values: equal digests mean the same rows in the same order, not just as many.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

export const SERVERS = ["qihang", "postgraphile5", "postgraphile4"];

const digest = (values) => createHash("sha256").update(values.join("\u0000")).digest("hex").slice(0, 8);

// The searched product page, in the same order on every server: Qihang's default order of
// the catalog (newest publication first, ties by id) and its status filter, spelt out.
const PG_PRODUCT_FIELDS = `totalCount nodes { title priceFen unit regionByOriginRegionCode { name } producerProfileByProducerId { displayName } productImagesByProductId { nodes { contentHash contentType renditions altText } } }`;

const QUERIES = [
  {
    name: "nested",
    label: "`bases(first: 20) { name region { name } trainees(first: 5) { name gender residence services { kind date } } }`",
    qihang: () => ({
      query: `{ bases(first: 20) { nodes { name region { name } trainees(first: 5) { nodes { name gender residence services { kind date } } } } } }`,
    }),
    postgraphile5: () => ({
      query: `{ allBases(first: 20) { nodes { name regionByRegionCode { name } traineesByBaseId(first: 5) { nodes { name gender residence serviceRecordsByTraineeId { nodes { kind date } } } } } } }`,
    }),
    postgraphile4: () => ({
      query: `{ allBases(first: 20) { nodes { name regionByRegionCode { name } traineesByBaseId(first: 5) { nodes { name gender residence serviceRecordsByTraineeId { nodes { kind date } } } } } } }`,
    }),
    shape(data) {
      const bases = Object.values(data)[0].nodes;
      const trainees = bases.flatMap((b) => Object.values(b).find((v) => v?.nodes)?.nodes ?? []);
      const services = trainees.flatMap((t) => {
        const s = t.services ?? t.serviceRecordsByTraineeId?.nodes ?? [];
        return s;
      });
      const named = bases.every((b) => (b.region ?? b.regionByRegionCode)?.name);
      return `${bases.length} bases${named ? " with regions" : ""}, ${trainees.length} trainees, ${services.length} services`;
    },
  },
  {
    name: "single",
    label: "`trainee(id) { name gender residence base { name } }`",
    qihang: (seed) => ({
      query: `query($id: ID!) { trainee(id: $id) { name gender residence base { name } } }`,
      variables: { id: seed.traineeId },
    }),
    postgraphile5: (seed) => ({
      query: `query($id: UUID!) { traineeByRowId(rowId: $id) { name gender residence baseByBaseId { name } } }`,
      variables: { id: seed.traineeId },
    }),
    postgraphile4: (seed) => ({
      query: `query($id: UUID!) { traineeById(id: $id) { name gender residence baseByBaseId { name } } }`,
      variables: { id: seed.traineeId },
    }),
    shape(data) {
      const t = Object.values(data)[0];
      const base = t?.base ?? t?.baseByBaseId;
      return t && base?.name ? `1 trainee (${t.gender}) at ${base.name}` : "nothing";
    },
  },
  {
    name: "courses",
    label: "`bases(first: 20) { name courses(first: 5) { title enrollments(first: 5) { trainee { name } } } }`",
    qihang: () => ({
      query: `{ bases(first: 20) { nodes { name courses(first: 5) { nodes { title enrollments(first: 5) { nodes { trainee { name } } } } } } } }`,
    }),
    // Qihang lists a base's courses and a course's enrolments oldest first (by their UUIDv7
    // ids); the peers are told the same order.
    postgraphile5: () => ({
      query: `{ allBases(first: 20) { nodes { name coursesByBaseId(first: 5, orderBy: ROW_ID_ASC) { nodes { title enrollmentsByCourseId(first: 5, orderBy: ROW_ID_ASC) { nodes { traineeByTraineeId { name } } } } } } } }`,
    }),
    postgraphile4: () => ({
      query: `{ allBases(first: 20) { nodes { name coursesByBaseId(first: 5, orderBy: ID_ASC) { nodes { title enrollmentsByCourseId(first: 5, orderBy: ID_ASC) { nodes { traineeByTraineeId { name } } } } } } } }`,
    }),
    shape(data) {
      const bases = Object.values(data)[0].nodes;
      const values = [];
      let courses = 0, enrolments = 0, named = 0;
      for (const base of bases) {
        values.push(base.name);
        for (const course of (base.courses ?? base.coursesByBaseId).nodes) {
          courses++;
          values.push(course.title);
          for (const e of (course.enrollments ?? course.enrollmentsByCourseId).nodes) {
            enrolments++;
            const trainee = e.trainee ?? e.traineeByTraineeId;
            if (trainee?.name) named++;
            values.push(trainee?.name);
          }
        }
      }
      return `${bases.length} bases, ${courses} courses, ${enrolments} enrolments, ${named} trainees named; digest ${digest(values)}`;
    },
  },
  {
    name: "products",
    label: "`products(first: 20, filter: { search, status: [PUBLISHED] }) { totalCount title price unit origin { name } producer { displayName } images { url altText } }`",
    qihang: (seed) => ({
      query: `query($search: String!) { products(first: 20, filter: { search: $search, status: [PUBLISHED] }) { totalCount nodes { title price unit origin { name } producer { displayName } images { url(size: THUMBNAIL) altText } } } }`,
      variables: { search: seed.search },
    }),
    // Qihang's search is a case-insensitive part of the title, description or a tag, i.e. of
    // the column `search_text` (those, lower-cased); the connection-filter plugin's `includes`
    // on that column with the lower-cased term is the same condition.
    postgraphile5: (seed) => ({
      query: `query($search: String!) { allProducts(first: 20, filter: { searchText: { includes: $search }, status: { equalTo: "PUBLISHED" } }, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC]) { ${PG_PRODUCT_FIELDS} } }`,
      variables: { search: seed.search.trim().toLowerCase() },
    }),
    postgraphile4: (seed) => ({
      query: `query($search: String!) { allProducts(first: 20, filter: { searchText: { includes: $search }, status: { equalTo: "PUBLISHED" } }, orderBy: [PUBLISHED_AT_DESC, ID_DESC]) { ${PG_PRODUCT_FIELDS} } }`,
      variables: { search: seed.search.trim().toLowerCase() },
    }),
    shape(data) {
      const page = Object.values(data)[0];
      const values = [];
      let complete = 0;
      for (const p of page.nodes) {
        // Qihang: price "42.12" in yuan, image URL /media/<hash>-240.png; the peers: priceFen
        // "4212", the image's content hash.
        const fen = p.price !== undefined ? p.price.replace(".", "") : p.priceFen;
        const origin = (p.origin ?? p.regionByOriginRegionCode)?.name;
        const producer = (p.producer ?? p.producerProfileByProducerId)?.displayName;
        const images = p.images ?? p.productImagesByProductId.nodes;
        const hashes = images.map((i) => i.contentHash ?? i.url.match(/\/media\/([0-9a-f]+)/)?.[1]);
        if (origin && producer && images.length) complete++;
        values.push(p.title, fen, p.unit, origin, producer, ...hashes, ...images.map((i) => i.altText));
      }
      return `${page.nodes.length} of ${page.totalCount} products, ${complete} with origin, producer and image; digest ${digest(values)}`;
    },
  },
];

const [command, ...args] = process.argv.slice(2);
if (command === "bodies") {
  const [seedFile, dir] = args;
  const seed = JSON.parse(readFileSync(seedFile, "utf8"));
  mkdirSync(dir, { recursive: true });
  for (const q of QUERIES) {
    for (const server of SERVERS) {
      writeFileSync(`${dir}/${q.name}.${server}.json`, JSON.stringify(q[server](seed)));
    }
  }
  writeFileSync(`${dir}/queries.tsv`, QUERIES.map((q) => `${q.name}\t${q.label}\n`).join(""));
} else if (command === "check") {
  const [server, url, bodyFile, token] = args;
  const name = bodyFile.split("/").pop().split(".")[0];
  const query = QUERIES.find((q) => q.name === name);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: readFileSync(bodyFile, "utf8"),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors || !body.data) {
    console.error(`${server} ${name}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 2000)}`);
    process.exit(1);
  }
  console.log(query.shape(body.data));
} else {
  console.error("usage: node queries.mjs bodies <seed.json> <dir> | check <server> <url> <body> [token]");
  process.exit(2);
}

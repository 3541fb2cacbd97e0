// The fixed query set of the load benchmark, written once per server: Qihang's own schema and
// the schemas PostGraphile v5 (amber preset) and v4 generate from the same tables.
//
//   node queries.mjs bodies <seed.json> <dir>            writes <dir>/<query>.<server>.json
//   node queries.mjs check <server> <url> <body> [token] sends one body, checks the answer and
//                                                       prints what it holds ("19 bases, …")
//
// To measure a new query, add an entry to QUERIES: its request per server and a `shape`
// function that counts what the answer holds, so every server is seen to answer alike.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

export const SERVERS = ["qihang", "postgraphile5", "postgraphile4"];

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

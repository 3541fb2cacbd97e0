// Turns one run's measurements (bench/load/results) into a Markdown section and, unless told
// not to, puts it into bench/README.md right after the `<!-- load-runs -->` marker (newest
// run first). usage: node report.mjs <results dir> <README.md> <1|0>

import { cpus, totalmem } from "node:os";
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const [dir, readme, update] = process.argv.slice(2);
const MARKER = "<!-- load-runs -->";
const NAMES = {
  qihang: "Qihang",
  postgraphile5: "PostGraphile v5",
  postgraphile4: "PostGraphile v4",
  floor: "SQL floor (pgbench)",
};

const measured = readFileSync(`${dir}/runs.tsv`, "utf8").trim().split("\n").filter(Boolean).map((line) => {
  const [server, query, conns, rps, p50, p99, cpu, errors] = line.split("\t");
  return { server, query, conns: Number(conns), rps: Number(rps), p50: Number(p50), p99: Number(p99), cpu, errors: Number(errors) };
});
// With several rounds (BENCH_ROUNDS) a cell has a line per round: it reports the median of
// each number and the errors of all rounds.
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Number(value.toFixed(2));
};
const cells = new Map();
for (const r of measured) {
  const key = `${r.server}\t${r.query}\t${r.conns}`;
  cells.set(key, [...(cells.get(key) ?? []), r]);
}
const rounds = Math.max(...[...cells.values()].map((c) => c.length));
const rows = [...cells.values()].map((runs) => ({
  ...runs[0],
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpu: runs[0].cpu === "-" ? "-" : median(runs.map((r) => Number(r.cpu))).toFixed(2),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
}));
const rss = Object.fromEntries(
  readFileSync(`${dir}/rss.tsv`, "utf8").trim().split("\n").filter(Boolean).map((l) => {
    const [server, kb] = l.split("\t");
    return [server, Number(kb) / 1024];
  }),
);
const labels = Object.fromEntries(
  readFileSync(`${dir}/bodies/queries.tsv`, "utf8").trim().split("\n").map((l) => l.split("\t")),
);
const seed = JSON.parse(readFileSync(`${dir}/seed.json`, "utf8"));
const servers = Object.keys(NAMES).filter((s) => rows.some((r) => r.server === s));
const find = (server, query, conns) => rows.find((r) => r.server === server && r.query === query && r.conns === conns);

const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
};
const pgVersion = sh(`psql "${process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432"}/postgres" -Atc "show server_version"`);
const load = sh("cut -d' ' -f1-3 /proc/loadavg");
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, PostgreSQL ${pgVersion}, load average before the report ${load}`;

const cell = (r) => {
  if (!r) return "–";
  const cpu = r.cpu === "-" ? "" : `, ${r.cpu} ms CPU`;
  const errors = r.errors ? `, **${r.errors} errors**` : "";
  return `${r.rps.toLocaleString("en")} rps, p50 ${r.p50} / p99 ${r.p99} ms${cpu}${errors}`;
};

const queries = [...new Set(rows.map((r) => r.query))];
const connections = [...new Set(rows.map((r) => r.conns))].sort((a, b) => b - a);
let table = `| query | connections | ${servers.map((s) => NAMES[s]).join(" | ")} |\n`;
table += `| --- | --- | ${servers.map(() => "---").join(" | ")} |\n`;
for (const q of queries) {
  for (const c of connections) {
    if (!rows.some((r) => r.query === q && r.conns === c)) continue;
    table += `| ${q === "nested" ? "nested" : q} | ${c} | ${servers.map((s) => cell(find(s, q, c))).join(" | ")} |\n`;
  }
}
table += `| peak RSS | | ${servers.map((s) => (rss[s] ? `${rss[s].toFixed(0)} MB` : "–")).join(" | ")} |\n`;

// The targets of issue 8, where this run has the numbers for them.
const checks = [];
const check = (text, ok, detail) => checks.push(`- ${ok ? "✅" : "❌"} ${text}: ${detail}`);
const q16 = find("qihang", "nested", 16), p16 = find("postgraphile5", "nested", 16), f16 = find("floor", "nested", 16);
if (q16 && p16) {
  check("nested, 16 connections: at least 2× PostGraphile v5's rps", q16.rps >= 2 * p16.rps, `${(q16.rps / p16.rps).toFixed(2)}×`);
  check("nested, 16 connections: p99 at most half of PostGraphile v5's", q16.p99 <= p16.p99 / 2, `${q16.p99} vs ${p16.p99} ms`);
}
if (q16 && f16) check("nested, 16 connections: at least 60 % of the SQL floor", q16.rps >= 0.6 * f16.rps, `${((100 * q16.rps) / f16.rps).toFixed(0)} %`);
const q1 = find("qihang", "nested", 1), p1 = find("postgraphile5", "nested", 1);
if (q1 && p1) check("nested, 1 connection: p50 at most PostGraphile v5's", q1.p50 <= p1.p50, `${q1.p50} vs ${p1.p50} ms`);
// The course and catalog queries have the nested query's targets (no SQL floor is captured
// for them).
for (const q of ["courses", "products"]) {
  const qh16 = find("qihang", q, 16), pg16 = find("postgraphile5", q, 16);
  if (qh16 && pg16) {
    check(`${q}, 16 connections: at least 2× PostGraphile v5's rps`, qh16.rps >= 2 * pg16.rps, `${(qh16.rps / pg16.rps).toFixed(2)}×`);
    check(`${q}, 16 connections: p99 at most half of PostGraphile v5's`, qh16.p99 <= pg16.p99 / 2, `${qh16.p99} vs ${pg16.p99} ms`);
  }
  const qh1 = find("qihang", q, 1), pg1 = find("postgraphile5", q, 1);
  if (qh1 && pg1) check(`${q}, 1 connection: p50 at most PostGraphile v5's`, qh1.p50 <= pg1.p50, `${qh1.p50} vs ${pg1.p50} ms`);
}
const s1 = find("qihang", "single", 1), v4 = find("postgraphile4", "single", 1);
if (s1 && v4) check("single trainee, 1 connection: at least PostGraphile v4's rps", s1.rps >= v4.rps, `${s1.rps} vs ${v4.rps} rps`);
if (rss.qihang) check("peak RSS under 100 MB", rss.qihang < 100, `${rss.qihang.toFixed(0)} MB`);

const shapes = queries
  .filter((q) => q !== "floor")
  .map((q) => {
    const answers = servers.filter((s) => s !== "floor").map((s) => {
      const f = `${dir}/shape.${s}.${q}`;
      return existsSync(f) ? readFileSync(f, "utf8").trim() : "?";
    });
    const same = answers.every((a) => a === answers[0]);
    return `${labels[q] ?? q}: ${same ? `every server answered ${answers[0]}` : `**answers differ**: ${answers.join(" / ")}`}`;
  });

// Seeds from before courses and the catalog have only the first three counts.
const network = [
  `${seed.bases} bases`,
  `${seed.trainees} trainees`,
  `${seed.services} service records`,
  seed.courses !== undefined && `${seed.courses} courses with ${seed.enrolments} enrolments`,
  seed.products !== undefined && `${seed.products} published products (the search 「${seed.search}」 matches ${seed.searchMatches})`,
].filter(Boolean).join(", ");
const now = new Date().toISOString().slice(0, 16).replace("T", " ");
const note = process.env.BENCH_NOTE ? `${process.env.BENCH_NOTE}\n\n` : "";
const section = `### Run of ${now} UTC

${note}Machine: ${machine}. Network: ${network} (seeded through the API in ${seed.seconds.toFixed(0)} s). Each cell: ${rounds > 1 ? `the median of ${rounds} rounds, each ` : ""}wrk for ${process.env.BENCH_DURATION ?? 10} s after a ${process.env.BENCH_WARMUP ?? 3} s warm-up; CPU is the server process's user + system time per request; the floor runs the statements Qihang issued for one nested query (\`results/floor.sql\`) as one pgbench transaction.

${table}
${shapes.map((s) => `- ${s}`).join("\n")}

${checks.join("\n")}
`;

writeFileSync(`${dir}/report.md`, section);
process.stdout.write(`\n${section}`);
if (update === "1") {
  const text = readFileSync(readme, "utf8");
  if (!text.includes(MARKER)) throw new Error(`${readme} has no ${MARKER} marker`);
  writeFileSync(readme, text.replace(MARKER, `${MARKER}\n\n${section}`));
  console.error(`\nbench/README.md updated`);
}

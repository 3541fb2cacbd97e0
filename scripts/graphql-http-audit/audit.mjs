// Runs every server audit of graphql-http (the GraphQL over HTTP conformance suite) against
// a running server and fails on any error or warning. Starts nothing itself.
//
// usage: node audit.mjs http://127.0.0.1:8080/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8080/graphql');
  process.exit(2);
}
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    const response = result.response
      ? ` (HTTP ${result.response.status}, ${result.response.headers.get('content-type')})`
      : '';
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}${response}`);
  }
}
console.log(
  `graphql-http audit of ${url}: ${counts.ok} ok, ${counts.notice} notices, ${counts.warn} warnings, ${counts.error} errors`,
);
if (counts.warn > 0 || counts.error > 0) process.exit(1);

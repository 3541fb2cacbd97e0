// Opens GraphiQL at the given URL in headless Chromium (the system's, no download), waits
// for it to render, opens the documentation explorer and its `Query` type, and checks that
// the Query fields are listed, then runs a query from the editor. Every request the page makes must stay on the server: a
// request elsewhere (a CDN) fails the check. Writes a screenshot.
//
// usage: node check.mjs URL SCREENSHOT.png
import { chromium } from 'playwright-core';

const [url, screenshot = 'graphiql.png'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node check.mjs http://127.0.0.1:8080/ [screenshot.png]');
  process.exit(2);
}
const origin = new URL(url).origin;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const expected = ['me', 'region', 'regions', 'base', 'bases', 'trainee', 'trainees'];

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let failed = false;
const fail = (message) => {
  console.error(`FAIL: ${message}`);
  failed = true;
};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const foreign = [];
  page.on('request', (request) => {
    const target = new URL(request.url());
    if (!['data:', 'blob:'].includes(target.protocol) && target.origin !== origin
        && target.origin !== origin.replace(/^http/, 'ws')) {
      foreign.push(request.url());
    }
  });
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));

  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  await page.waitForSelector('.graphiql-container', { timeout: 30000 });
  console.log('GraphiQL rendered');

  await page.click('button[aria-label="Show Documentation Explorer"]', { timeout: 15000 });
  await page.waitForSelector('.graphiql-doc-explorer', { timeout: 15000 });
  // The root types are listed once the schema has been fetched by introspection.
  await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name:text-is("Query")', {
    timeout: 30000,
  });
  await page.waitForSelector('.graphiql-doc-explorer-title:text-is("Query")', { timeout: 15000 });
  const fields = await page.$$eval('.graphiql-doc-explorer-field-name', (nodes) =>
    nodes.map((node) => node.textContent.trim()),
  );
  console.log(`Query fields listed: ${fields.join(', ')}`);
  for (const name of expected) {
    if (!fields.includes(name)) fail(`the docs explorer does not list Query.${name}`);
  }

  // Run a query from the editor: the fetcher reaches /graphql and the answer is shown.
  await page.evaluate(() => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror
      .setValue('{ regions { code name } }');
  });
  await page.click('button.graphiql-execute-button');
  await page.waitForFunction(
    () => document.querySelector('.graphiql-response')?.textContent.includes('"regions"'),
    null,
    { timeout: 30000 },
  );
  const answer = await page.$eval('.graphiql-response', (node) => node.textContent);
  console.log(`query answered: ${answer.includes('吉林省') ? 'regions include 吉林省' : answer.slice(0, 200)}`);
  if (!answer.includes('吉林省')) fail('the query result does not show the regions');
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  if (foreign.length) fail(`requests left the server: ${foreign.join(', ')}`);
  if (errors.length) fail(`errors on the page: ${errors.join('; ')}`);
} catch (error) {
  fail(String(error));
} finally {
  await browser.close();
}
if (failed) process.exit(1);
console.log('GraphiQL check passed');

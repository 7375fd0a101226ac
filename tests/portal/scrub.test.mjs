// (a) A 100,000-row lead list with bad rows scrubbed through the portal in
// chromium: sign in, preview, progress, counts, the three files and the
// certificate, checked against `dnc scrub` and `dnc report --json` on the
// same list with the same --now and purpose.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, test} from 'node:test';
import {World, csvRecords, download, pickFile, sha256, signIn} from './lib/world.mjs';

const NOW = '2026-02-06T15:00:00Z';
let world;

before(async () => {
  world = new World({registryNumbers: 200000, leads: 100000}).setUp();
  await world.startServer();
});

after(async () => {
  if (world) await world.close();
});

test('a 100,000-row list scrubbed in the page equals dnc scrub, file for file', async () => {
  const leads = world.path('leads.csv');
  const cliOut = world.path('cli.scrubbed.csv');
  world.cli(['scrub', 'leads.csv', '-o', cliOut, '--now', NOW, '--purpose', 'commercial', '--job',
    'cli-job']);
  const cliBytes = fs.readFileSync(cliOut);
  const cliReport = JSON.parse(world.cli(['report', 'cli-job', '--json']).toString());

  const page = await world.browserPage();
  await signIn(page, world.url, world.key);
  assert.match(await page.textContent('#who-tenant'), /acme/);
  await pickFile(page, leads);
  const described = await page.textContent('#preview-format');
  assert.match(described, /CSV text, UTF-8, comma-separated, with a header row/);
  assert.match(described, /column 4 \("phone", found by header name\)/);
  assert.ok(await page.locator('#preview-table tbody tr').count() > 0);

  await page.click('#scrub-more summary');
  await page.fill('#scrub-now', NOW);
  await page.selectOption('#scrub-purpose', 'commercial');
  await page.fill('#scrub-job', 'portal-job');

  // The second chunk waits until the page has shown the first one's
  // progress, so the progress is seen whatever the machine's speed.
  let progressSeen = '';
  await page.route('**/v1/lists/chunk?*', async (route) => {
    const offset = Number(new URL(route.request().url()).searchParams.get('offset'));
    if (offset > 0 && !progressSeen) {
      await page.waitForFunction(() => Number(document.getElementById('progress').dataset.rows) > 0);
      progressSeen = await page.textContent('#progress-text');
      assert.ok(await page.isVisible('#scrub-cancel'));
      assert.ok(Number(await page.getAttribute('#progress-bar', 'value')) > 0);
    }
    await route.continue();
  });
  await page.click('#scrub-start');
  await page.waitForSelector('#results:not([hidden])', {timeout: 300000});
  await page.unroute('**/v1/lists/chunk?*');
  assert.match(progressSeen, /^[\d,]+ rows scrubbed \(\d+% of the file sent\), [\d,]+ rows\/s/);

  // The counts shown are the CLI's certificate's counts.
  const shown = {};
  for (const row of await page.locator('#results-table tbody tr').all()) {
    const cells = await row.locator('td').allTextContents();
    shown[cells[0]] = Number(cells[2].replace(/,/g, ''));
  }
  const cliCounts = {};
  for (const c of cliReport.counts) cliCounts[c.disposition] = Number(c.count);
  assert.deepEqual(shown, cliCounts);
  assert.ok(shown.MALFORMED > 0 && shown.INVALID > 0 && shown.BLOCKED > 0 && shown.CALLABLE > 0,
      'the sample list has bad rows, listed and callable numbers');
  assert.equal(await page.locator('#results-chart .bar').count(), Object.keys(shown).length);

  // The cleaned file: the CLI's bytes.
  const cleaned = await download(page, 'a[data-file="leads.scrubbed.csv"]');
  assert.equal(cleaned.bytes.length, cliBytes.length);
  assert.equal(sha256(cleaned.bytes), sha256(cliBytes));

  // Callable / removed: the CLI's output filtered by dnc_callable.
  const records = csvRecords(cliBytes.toString('utf8'));
  const column = records[0].fields.indexOf('dnc_callable');
  assert.ok(column > 0);
  const header = records[0].raw;
  const want = (yes) => header + records.slice(1)
      .filter((r) => (r.fields[column] === 'yes') === yes).map((r) => r.raw).join('');
  const callable = await download(page, 'a[data-file="leads.callable.csv"]');
  const removed = await download(page, 'a[data-file="leads.removed.csv"]');
  assert.equal(callable.bytes.toString('utf8'), want(true));
  assert.equal(removed.bytes.toString('utf8'), want(false));

  // The certificate: what dnc report --json prints for the page's job, and
  // the same counts, hashes and files as the CLI's job.
  await page.waitForSelector('a[data-file="portal-job.certificate.json"]');
  const certJson = await download(page, 'a[data-file="portal-job.certificate.json"]');
  assert.equal(certJson.bytes.toString(), world.cli(['report', 'portal-job', '--json']).toString());
  const cert = JSON.parse(certJson.bytes.toString());
  assert.equal(cert.job_id, 'portal-job');
  assert.deepEqual(cert.counts, cliReport.counts);
  assert.equal(cert.numbers, cliReport.numbers);
  assert.equal(cert.numbers_sha256, cliReport.numbers_sha256);
  assert.equal(cert.answers_sha256, cliReport.answers_sha256);
  assert.equal(cert.purpose, 'COMMERCIAL');
  for (const field of ['input_name', 'input_sha256', 'input_rows', 'output_sha256',
    'output_rows']) {
    assert.equal(cert.files[field], cliReport.files[field], field);
  }
  assert.equal(cert.files.input_sha256, sha256(fs.readFileSync(leads)));
  assert.equal(cert.files.output_sha256, sha256(cleaned.bytes));

  const certHtml = await download(page, 'a[data-file="portal-job.certificate.html"]');
  const html = certHtml.bytes.toString();
  assert.match(html, /<h1>Scrub certificate<\/h1>/);
  assert.match(html, /@media print/);
  for (const value of [cert.numbers_sha256, cert.answers_sha256, cert.files.output_sha256,
    cert.files.input_sha256, 'portal-job', 'acme']) {
    assert.ok(html.includes(value), `the HTML certificate shows ${value}`);
  }
  assert.deepEqual(page.errors, []);
});

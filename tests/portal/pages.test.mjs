// The record pages through the browser, checked against the server's own
// answers: opt-outs (add, check, remove, import a file), consents (add,
// list, revoke), past jobs with their certificates, and the public server
// status page; every page readable with no script error under the CSP.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, test} from 'node:test';
import {World, download, signIn, today} from './lib/world.mjs';

let world;
let page;

before(async () => {
  world = new World({registryNumbers: 20000, leads: 500}).setUp();
  await world.startServer();
  page = await world.browserPage({width: 390, height: 844});
  await signIn(page, world.url, world.key);
});

after(async () => {
  if (world) await world.close();
});

async function go(name) {
  await page.click(`#nav a[data-page="${name}"]`);
  await page.waitForSelector(`#page-${name}:not([hidden])`);
}

async function statusOf(id) {
  await page.waitForFunction((i) => /\S/.test(document.getElementById(i).textContent) &&
      !/^Sending|^Reading|^Importing/.test(document.getElementById(i).textContent), id);
  return page.textContent('#' + id);
}

test('opt-outs: add, check, remove and import, as the server records them', async () => {
  await go('optouts');
  await page.fill('#optouts-numbers', '212-234-5610\n(415) 555-2671, not a number');
  await page.fill('#optouts-note', 'asked on the phone');
  await page.click('#optouts-form button[data-action="add"]');
  const added = await statusOf('optouts-status');
  assert.match(added, /^Added: 2 added, 1 rejected\. Your list now holds 2 numbers\. Rejected/);
  const check = JSON.parse((await world.api('/v1/optouts/check', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({numbers: ['2122345610']})})).text);
  assert.equal(check.results[0].state, 'ALREADY_LISTED');

  await page.fill('#optouts-numbers', '2122345610');
  await page.click('#optouts-form button[data-action="remove"]');
  assert.match(await statusOf('optouts-status'), /^Removed: 1 removed\. Your list now holds 1 numbers/);
  await page.click('#optouts-form button[data-action="check"]');
  assert.match(await statusOf('optouts-status'), /^Checked: 1 not on the list\./);

  const file = world.path('optouts.csv');
  fs.writeFileSync(file, 'name,Telefon\nAnn,202-234-5601\nBob,"(202) 234-5602"\nCy,12\n');
  await page.setInputFiles('#optouts-file', file);
  await page.click('#optouts-import-form button[type=submit]');
  await page.waitForFunction(() =>
    !/^Checked/.test(document.getElementById('optouts-status').textContent));
  assert.match(await statusOf('optouts-status'),
      /^Imported optouts\.csv \(column "Telefon"\): 2 added, 1 rejected\. Your list now holds 3 numbers/);
});

test('consents: add, list and revoke', async () => {
  await go('consents');
  assert.equal(await page.inputValue('#consent-date'), today());
  await page.fill('#consent-number', '202-234-5688');
  await page.selectOption('#consent-type', 'written');
  await page.fill('#consent-note', 'signed form 17');
  await page.click('#consents-add-form button[type=submit]');
  assert.match(await statusOf('consents-status'),
      /^Recorded a written consent for 202-234-5688 dated \d{4}-\d\d-\d\d\. You hold 1 consent records\./);
  await page.fill('#consents-numbers', '2022345688\n2022345699');
  await page.click('#consents-list-form button[data-action="list"]');
  assert.match(await statusOf('consents-status'), /^Found 1 consent records for 2 numbers\./);
  assert.deepEqual(await page.locator('#consents-table tbody tr td').allTextContents(),
      ['12022345688', 'written', today(), 'signed form 17', 'valid']);
  await page.click('#consents-list-form button[data-action="revoke"]');
  assert.match(await statusOf('consents-status'), /^Revoked 1 consent records/);
  assert.equal((await page.locator('#consents-table tbody tr td').allTextContents())[4], today());
});

test('past jobs list the CLI\'s job, with its certificate', async () => {
  world.cli(['scrub', world.path('leads.csv'), '-o', world.path('out.csv'), '--job', 'jobs-page']);
  await go('jobs');
  await page.waitForSelector('#jobs-table tbody tr');
  const first = await page.locator('#jobs-table tbody tr').first().locator('td').allTextContents();
  assert.equal(first[0], 'jobs-page');
  assert.equal(first[5], 'recorded');
  const json = await download(page, '#jobs-table tbody tr:first-child button:text("JSON")');
  assert.equal(json.name, 'jobs-page.certificate.json');
  assert.equal(json.bytes.toString(), world.cli(['report', 'jobs-page', '--json']).toString());
  const html = await download(page, '#jobs-table tbody tr:first-child button:text("HTML")');
  assert.match(html.bytes.toString(), /Scrub certificate/);
});

test('the server status page needs no key and colours each source by days left', async () => {
  const visitor = await world.browserPage();
  await visitor.goto(world.url + '/#/status');
  await visitor.waitForSelector('#status-table tbody tr');
  const cells = await visitor.locator('#status-table tbody tr').first().locator('td').allTextContents();
  assert.equal(cells[0], 'us-ftc');
  assert.equal(cells[3], today());
  assert.match(cells[6], /^\d+ days$/);
  assert.equal(await visitor.locator('#status-table .days.ok').count(), 1);
  assert.match(await visitor.textContent('#status-summary'), /1 registry copies served/);
  assert.ok(await visitor.isHidden('#nav'));
  assert.deepEqual(visitor.errors, []);
  assert.deepEqual(page.errors, []);
});

test('a list dropped on the scrub page is previewed like a picked one', async () => {
  await go('scrub');
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['name,cell\nAnn,202-234-5601\nBob,(303) 234-5602\n'],
        'dropped.csv', {type: 'text/csv'}));
    return transfer;
  });
  await page.dispatchEvent('#drop', 'dragover', {dataTransfer});
  assert.ok(await page.locator('#drop.over').count() === 1);
  await page.dispatchEvent('#drop', 'drop', {dataTransfer});
  await page.waitForFunction(() => !document.getElementById('scrub-start').disabled);
  assert.match(await page.textContent('#preview-format'),
      /^dropped\.csv \(\d+ bytes\): CSV text, UTF-8, comma-separated, with a header row\. Phone numbers are in column 2 \("cell"/);
  assert.equal(await page.locator('#preview-table td.phone').count(), 2);
  assert.deepEqual(page.errors, []);
});

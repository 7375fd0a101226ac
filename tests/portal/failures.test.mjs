// (b) What the page says when things go wrong, and that it then offers
// nothing for download: a wrong API key, the server killed and restarted in
// the middle of an upload, and an upload cancelled by the user.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {World, pickFile, signIn} from './lib/world.mjs';

let world;

before(async () => {
  world = new World({registryNumbers: 20000, leads: 60000}).setUp();
  await world.startServer();
});

after(async () => {
  if (world) await world.close();
});

// No download link anywhere, and the results page has nothing to show.
async function assertNothingOffered(page) {
  assert.equal(await page.locator('a.download').count(), 0);
  await page.click('#nav a[data-page="results"]');
  await page.waitForSelector('#page-results:not([hidden])');
  assert.ok(await page.isVisible('#results-empty'));
  assert.equal(await page.locator('a.download').count(), 0);
}

// Starts a scrub of the sample list whose second chunk is held until
// `whenHeld` has run; resolves to the upload id.
async function scrubHoldingSecondChunk(page, jobId, whenHeld) {
  await pickFile(page, world.path('leads.csv'));
  await page.fill('#scrub-job', jobId);
  let held = false;
  let uploadId = '';
  await page.route('**/v1/lists/chunk?*', async (route) => {
    const query = new URL(route.request().url()).searchParams;
    uploadId = query.get('upload_id');
    if (Number(query.get('offset')) > 0 && !held) {
      held = true;
      await whenHeld(route);
      return;
    }
    await route.continue().catch(() => {});
  });
  await page.click('#scrub-start');
  await page.waitForSelector('#alert:not([hidden])', {timeout: 120000});
  await page.unroute('**/v1/lists/chunk?*');
  assert.ok(held, 'the upload reached its second chunk');
  return uploadId;
}

test('a wrong API key is refused with a clear message and is not kept', async () => {
  const page = await world.browserPage();
  await page.goto(world.url + '/');
  await page.fill('#signin-key', 'dnc_not-a-real-key');
  await page.click('#signin-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('signin-error').textContent !== '');
  assert.match(await page.textContent('#signin-error'),
      /This API key was not accepted: the server does not know it, or it was revoked\. Check/);
  assert.ok(await page.isHidden('#nav'));
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  // A page that needs the key sends the browser back to sign in.
  await page.goto(world.url + '/#/jobs');
  await page.waitForSelector('#page-signin:not([hidden])');
  // An empty key says what to do.
  await page.fill('#signin-key', '');
  await page.click('#signin-form button[type=submit]');
  assert.match(await page.textContent('#signin-error'), /Enter your API key first/);
  // The right key then works, and is kept in this tab's session only.
  await signIn(page, world.url, world.key);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('dnc.apiKey')), world.key);
  assert.ok(!page.url().includes(world.key));
  assert.deepEqual(page.errors.filter((e) => !/401/.test(e)), []);
});

test('the server killed and restarted mid-upload: a clear message, nothing offered', async () => {
  const page = await world.browserPage();
  await signIn(page, world.url, world.key);
  await scrubHoldingSecondChunk(page, 'restart-job', async (route) => {
    // The server dies with the upload in progress; the held chunk then
    // meets no server, and the page retries until the server is back.
    await world.stopServer('SIGKILL');
    await route.continue().catch(() => {});
    await page.waitForFunction(() =>
      /connection to the server was lost/.test(document.getElementById('progress-text').textContent));
    await world.startServer({samePorts: true});
  });
  const message = await page.textContent('#alert');
  assert.equal(message, 'The server restarted and this upload was lost. Nothing was saved as ' +
      'complete and no file is offered for download: start the scrub again.');
  assert.ok(await page.isHidden('#progress'));
  await assertNothingOffered(page);
  // The restarted server has no files for the job: it has no certificate of
  // a completed list.
  const report = await world.api('/v1/jobs/report?job_id=restart-job');
  if (report.status === 200) {
    const files = JSON.parse(report.text).files;
    assert.ok(!files || !files.output_sha256, report.text);
  }
});

test('a cancelled upload: a clear message, nothing offered, nothing recorded', async () => {
  const page = await world.browserPage();
  await signIn(page, world.url, world.key);
  const uploadId = await scrubHoldingSecondChunk(page, 'cancel-job', async (route) => {
    await page.click('#scrub-cancel');
    await route.abort().catch(() => {});
  });
  assert.match(await page.textContent('#alert'),
      /^The scrub was cancelled\. The server stopped it and recorded no files for this job; the rows scrubbed so far are not offered for download\./);
  await assertNothingOffered(page);
  // The upload is over on the server, and the job has no files.
  let state;
  for (let i = 0; i < 100; ++i) {
    state = await world.api(`/v1/lists/state?upload_id=${uploadId}`);
    if (state.status === 404) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state.status, 404, state.text);
  const report = await world.api('/v1/jobs/report?job_id=cancel-job');
  if (report.status === 200) {
    const files = JSON.parse(report.text).files;
    assert.ok(!files || !files.output_sha256, report.text);
  }
  // The page works on: the same list scrubbed again completes.
  await page.click('#nav a[data-page="scrub"]');
  await pickFile(page, world.path('leads.csv'));
  await page.fill('#scrub-job', 'after-cancel');
  await page.click('#scrub-start');
  await page.waitForSelector('#results:not([hidden])', {timeout: 120000});
  assert.equal(await page.locator('#results-downloads a.download').count() >= 3, true);
});

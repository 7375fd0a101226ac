// Screenshots of every portal page at desktop (1280x800) and phone (390x844)
// widths, taken from a real dnc-server with a sample registry, tenant and
// list, into docs/screenshots/ (README.md and docs/portal.md show them).
//   DNC_BIN_DIR=build/bin node tests/portal/screenshots.mjs [OUT_DIR]
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {World, pickFile, signIn} from './lib/world.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'docs/screenshots'));
const SIZES = {desktop: {width: 1280, height: 800}, phone: {width: 390, height: 844}};

const world = new World({registryNumbers: 50000, leads: 20000}).setUp();
try {
  await world.startServer();
  fs.mkdirSync(OUT, {recursive: true});
  world.cli(['scrub', world.path('leads.csv'), '-o', world.path('earlier.csv'), '--job',
    'march-leads']);
  for (const [size, viewport] of Object.entries(SIZES)) {
    const page = await world.browserPage(viewport);
    const shot = (name) => page.screenshot({path: path.join(OUT, `${name}-${size}.png`),
      fullPage: false});
    await page.goto(world.url + '/');
    await page.waitForSelector('#page-signin:not([hidden])');
    await shot('signin');
    await signIn(page, world.url, world.key);
    await pickFile(page, world.path('leads.csv'));
    await page.selectOption('#scrub-purpose', 'commercial');
    await page.fill('#scrub-job', `april-leads-${size}`);
    await shot('scrub');
    // The progress, caught while the second chunk is held.
    let release;
    const released = new Promise((r) => { release = r; });
    let chunks = 0;
    await page.route('**/v1/lists/chunk?*', async (route) => {
      if (++chunks === 2) await released;
      await route.continue();
    });
    await page.click('#scrub-start');
    await page.waitForFunction(() => /rows\/s/.test(document.getElementById('progress-text').textContent));
    await shot('progress');
    release();
    await page.waitForSelector('#results:not([hidden])');
    await page.waitForSelector('a[data-file$=".certificate.json"]');
    await page.unroute('**/v1/lists/chunk?*');
    await shot('results');
    await page.click('#nav a[data-page="optouts"]');
    await page.fill('#optouts-numbers', '212-234-5610\n202-234-5601\n555-12');
    await page.click('#optouts-form button[data-action="add"]');
    await page.waitForSelector('#optouts-table tbody tr');
    await shot('optouts');
    await page.click('#nav a[data-page="consents"]');
    await page.fill('#consent-number', '202-234-5688');
    await page.fill('#consent-note', 'signed form 17');
    await page.click('#consents-add-form button[type=submit]');
    await page.waitForSelector('#consents-table tbody tr');
    await shot('consents');
    await page.click('#nav a[data-page="jobs"]');
    await page.waitForSelector('#jobs-table tbody tr');
    await shot('jobs');
    await page.click('#nav a[data-page="status"]');
    await page.waitForSelector('#status-table tbody tr');
    await shot('status');
    if (page.errors.length) throw new Error(`script errors: ${page.errors.join('; ')}`);
    await page.context().close();
  }
  console.log(`screenshots written to ${OUT}`);
} finally {
  await world.close();
}

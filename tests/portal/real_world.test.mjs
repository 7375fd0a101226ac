// (c) The real-world file table (tests/leadlist/real_world_files.py: the same
// rows as semicolon CSV with a BOM, UTF-16, Windows-1252, Excel's quirks, a
// workbook, ...) scrubbed through the page: each file gives the same
// dispositions per row as clean.csv, except the rows a spreadsheet damaged
// (expected MALFORMED, and counted).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {World, download, pickFile, signIn} from './lib/world.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GENERATOR = path.join(ROOT, 'tests/leadlist/real_world_files.py');
const NOW = '2026-02-06T15:00:00Z';

let world;
let page;
let manifest;
let outDir;

before(async () => {
  // The table's own registry when it has one, so clean.csv's dispositions
  // are the manifest's expected ones.
  let registryZip;
  if (fs.existsSync(GENERATOR)) {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dnc-real-world-'));
    const made = spawnSync(process.env.DNC_PYTHON || '/usr/bin/python3', [GENERATOR, outDir], {encoding: 'utf8'});
    assert.equal(made.status, 0, made.stderr + made.stdout);
    manifest = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
    if (manifest.registry) registryZip = path.join(outDir, manifest.registry);
  }
  world = new World({registryNumbers: 20000, leads: 10, registryZip}).setUp();
  await world.startServer();
  page = await world.browserPage();
  await signIn(page, world.url, world.key);
});

after(async () => {
  if (world) await world.close();
  if (outDir) fs.rmSync(outDir, {recursive: true, force: true});
});

// The dnc_disposition of each data row of a cleaned file.
function dispositions(bytes) {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0];
  const at = header.indexOf('dnc_disposition');
  assert.ok(at > 0, `no dnc_disposition column in ${header}`);
  const delimiter = header[at - 1];
  const column = header.split(delimiter).indexOf('dnc_disposition');
  // The dnc_* columns come last and hold no delimiter: count from the end.
  const fromEnd = header.split(delimiter).length - column;
  return lines.slice(1).map((line) => {
    const cells = line.split(delimiter);
    return cells[cells.length - fromEnd];
  });
}

// What the page says of a format (portal/web/scrub.js describeFormat).
function describe(format) {
  if (format.kind === 'xlsx') return `Excel workbook, sheet "${format.sheet || '1'}"`;
  const encodings = {'utf-8': 'UTF-8', 'utf-8 (BOM)': 'UTF-8 with a byte order mark',
    'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE', 'windows-1252': 'Windows-1252'};
  const delimiters = {',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe'};
  return `CSV text, ${encodings[format.encoding]}, ${delimiters[format.delimiter]}-separated`;
}

// Scrubs `file` in the page; the cleaned file's bytes, or the page's message
// when the server could not read it.
async function scrubInPage(file) {
  await page.goto(world.url + '/#/scrub');
  await page.waitForSelector('#page-scrub:not([hidden])');
  await pickFile(page, file);
  if (await page.isDisabled('#scrub-start')) {
    return {error: await page.textContent('#preview-format')};
  }
  await page.evaluate(() => { document.getElementById('scrub-more').open = true; });
  await page.fill('#scrub-now', NOW);
  await page.click('#scrub-start');
  await page.waitForFunction(() =>
    !document.getElementById('results').hidden || !document.getElementById('alert').hidden,
  null, {timeout: 120000});
  if (await page.isVisible('#alert') && !(await page.isVisible('#results'))) {
    return {error: await page.textContent('#alert')};
  }
  const link = page.locator('#results-downloads a.download').first();
  const name = await link.getAttribute('data-file');
  const cleaned = await download(page, `a[data-file="${name}"]`);
  return {bytes: cleaned.bytes, summary: await page.textContent('#results-summary')};
}

test('every real-world file gives clean.csv\'s dispositions, row by row', async (t) => {
  if (!manifest) {
    t.skip(`${path.relative(ROOT, GENERATOR)} is not in the tree yet: nothing to compare`);
    return;
  }
  const clean = await scrubInPage(path.join(outDir, manifest.clean));
  assert.ok(clean.bytes, `clean.csv must scrub: ${clean.error}`);
  const want = dispositions(clean.bytes);
  assert.ok(want.length > 0);
  if (manifest.expected) assert.deepEqual(want, manifest.expected);
  for (const entry of manifest.files) {
    await t.test(`${entry.file} (${entry.what})`, async (st) => {
      const got = await scrubInPage(path.join(outDir, entry.file));
      if (!got.bytes) {
        // A reader not in the tree yet (the server cannot read this kind of
        // file): said clearly, not counted as a pass.
        st.skip(`the server could not read ${entry.file} yet: ${got.error}`);
        return;
      }
      if (entry.expect_format) {
        // A workbook's sheet is named by the file, not by the manifest.
        const said = entry.expect_format.kind === 'xlsx' && !entry.expect_format.sheet ?
          'Read as Excel workbook, sheet "' : `Read as ${describe(entry.expect_format)}.`;
        assert.ok(got.summary.includes(said),
            `${got.summary} should say it was read as ${describe(entry.expect_format)}`);
      }
      const have = dispositions(got.bytes);
      assert.equal(have.length, want.length, 'rows');
      const damaged = Number(entry.expect_damaged || 0);
      const listed = new Set((entry.damaged_rows || []).map(Number));
      let malformed = 0;
      for (let i = 0; i < want.length; ++i) {
        if (have[i] !== want[i]) {
          assert.equal(have[i], 'MALFORMED', `row ${i + 1}: ${have[i]} where clean.csv has ` +
              `${want[i]}, and only a damaged number may differ`);
          if (listed.size) assert.ok(listed.has(i + 1) || listed.has(i), `row ${i + 1}`);
          ++malformed;
        }
      }
      assert.ok(malformed <= damaged, `${malformed} rows differ, ${damaged} damaged expected`);
      if (damaged > 0) {
        assert.match(got.summary, new RegExp(`${damaged} phone numbers were damaged`));
      }
    });
  }
});

// ctest's entry for one browser test file: skips (exit 77) with what to run
// when chromium or playwright-core is missing, else runs the file with
// node's test runner and exits as it does.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromium = process.env.DNC_CHROMIUM || '/usr/bin/chromium';
const missing = [];
if (!fs.existsSync(chromium)) missing.push(`chromium (${chromium})`);
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
  missing.push('playwright-core (tests/portal/node_modules)');
}
if (missing.length) {
  console.log(`SKIPPED: ${missing.join(' and ')} missing: run tests/portal/setup.sh`);
  process.exit(77);
}
const file = path.join(here, process.argv[2]);
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file],
    {stdio: 'inherit', cwd: here});
process.exit(result.status === null ? 1 : result.status);

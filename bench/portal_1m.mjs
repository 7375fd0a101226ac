// A 1,000,000-row lead list scrubbed through the web portal in headless
// chromium (issue 16): elapsed time and rows/s from the click on "Scrub the
// list" to the results page, and the browser's memory meanwhile: the page's
// JS heap (CDP Performance.getMetrics) and the RSS of the renderer and
// browser processes (/proc/PID/status, pids from CDP
// SystemInfo.getProcessInfo), sampled every 500 ms; `dnc scrub` on the same
// list for comparison. Needs tests/portal/setup.sh (chromium,
// playwright-core) and the binaries:
//   DNC_BIN_DIR=build/bin node bench/portal_1m.mjs [--rows N] [--registry N]
import fs from 'node:fs';
import {performance} from 'node:perf_hooks';
import {World, download, pickFile, sha256, signIn} from '../tests/portal/lib/world.mjs';

const args = process.argv.slice(2);
function flag(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
const ROWS = flag('--rows', 1000000);
const REGISTRY = flag('--registry', 1000000);

function rssMiB(pid) {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return line ? Number(line[1]) / 1024 : 0;
  } catch (e) {
    return 0;
  }
}

const mib = (bytes) => bytes / (1 << 20);
const world = new World({registryNumbers: REGISTRY, leads: ROWS});
try {
  console.log(`writing a ${REGISTRY}-number registry and a ${ROWS}-row list...`);
  world.setUp();
  await world.startServer();
  const list = world.path('leads.csv');
  const size = fs.statSync(list).size;

  let t = performance.now();
  world.cli(['scrub', list, '-o', world.path('cli.csv'), '--job', 'bench-cli']);
  const cliSeconds = (performance.now() - t) / 1000;

  const page = await world.browserPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const browserCdp = await world.browser.newBrowserCDPSession();
  await signIn(page, world.url, world.key);
  await pickFile(page, list);
  await page.fill('#scrub-job', 'bench-portal');

  const peak = {heapUsed: 0, heapTotal: 0, renderer: 0, browser: 0, gpu: 0, server: 0};
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const {metrics} = await cdp.send('Performance.getMetrics');
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      peak.heapUsed = Math.max(peak.heapUsed, mib(m.JSHeapUsedSize || 0));
      peak.heapTotal = Math.max(peak.heapTotal, mib(m.JSHeapTotalSize || 0));
      const {processInfo} = await browserCdp.send('SystemInfo.getProcessInfo');
      for (const p of processInfo) {
        const key = p.type === 'renderer' ? 'renderer' : p.type === 'browser' ? 'browser' :
          p.type === 'GPU' || p.type === 'gpu' ? 'gpu' : null;
        if (key) peak[key] = Math.max(peak[key], rssMiB(p.id));
      }
      peak.server = Math.max(peak.server, rssMiB(world.server.pid));
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  // CPU seconds of each process over the scrub: where the time goes.
  const cpu = async () => {
    const {processInfo} = await browserCdp.send('SystemInfo.getProcessInfo');
    const of = (type) => processInfo.filter((p) => p.type === type)
        .reduce((a, p) => a + p.cpuTime, 0);
    const stat = fs.readFileSync(`/proc/${world.server.pid}/stat`, 'utf8').split(') ')[1]
        .split(' ');
    return {renderer: of('renderer'), browser: of('browser'),
      server: (Number(stat[11]) + Number(stat[12])) / 100};
  };
  const cpuBefore = await cpu();
  t = performance.now();
  await page.click('#scrub-start');
  await page.waitForSelector('#results:not([hidden])', {timeout: 3600000});
  const seconds = (performance.now() - t) / 1000;
  const cpuAfter = await cpu();
  sampling = false;
  await sampler;
  const rows = Number((await page.textContent('#results-summary')).match(/([\d,]+) rows/)[1]
      .replace(/,/g, ''));
  console.log(`scrubbed ${rows} rows in ${seconds.toFixed(1)} s; fetching the cleaned file`);
  const cleaned = await download(page, 'a[data-file$=".scrubbed.csv"]');
  const cleanedBytes = cleaned.bytes.length;
  const same = sha256(cleaned.bytes) === sha256(fs.readFileSync(world.path('cli.csv')));
  const out = {
    rows, input_mib: +mib(size).toFixed(1), seconds: +seconds.toFixed(1),
    rows_per_second: Math.round(rows / seconds),
    cli_seconds: +cliSeconds.toFixed(1), cli_rows_per_second: Math.round(rows / cliSeconds),
    cpu_seconds_renderer: +(cpuAfter.renderer - cpuBefore.renderer).toFixed(1),
    cpu_seconds_browser: +(cpuAfter.browser - cpuBefore.browser).toFixed(1),
    cpu_seconds_server: +(cpuAfter.server - cpuBefore.server).toFixed(1),
    peak_js_heap_used_mib: +peak.heapUsed.toFixed(1),
    peak_js_heap_total_mib: +peak.heapTotal.toFixed(1),
    peak_renderer_rss_mib: Math.round(peak.renderer),
    peak_browser_rss_mib: Math.round(peak.browser),
    peak_server_rss_mib: Math.round(peak.server),
    cleaned_mib: +mib(cleanedBytes).toFixed(1), cleaned_sha256_equals_cli: same,
    chromium: world.browser.version(), cpus: (await import('node:os')).cpus().length,
  };
  console.log(JSON.stringify(out, null, 1));
} finally {
  await world.close();
}

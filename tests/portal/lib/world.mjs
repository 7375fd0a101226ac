// A real world for the browser tests: a temp dir with a registry published by
// dnc-load (from dnc-sample's FTC flat zip), a tenant made by dnc-tenant, a
// dnc-server on free ports (gRPC and HTTP, reported through port files), the
// dnc CLI as that tenant, and Debian's chromium driven by playwright-core.
// Everything started here is stopped by close().
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

export const BIN = process.env.DNC_BIN_DIR || path.resolve('build/bin');
export const CHROMIUM = process.env.DNC_CHROMIUM || '/usr/bin/chromium';

export function bin(name) {
  return path.join(BIN, name);
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

// Runs a binary to completion; throws with its output when it fails.
export function run(name, args, options = {}) {
  const result = spawnSync(bin(name), args, {encoding: 'buffer', maxBuffer: 1 << 30,
    ...options});
  if (result.error) throw new Error(`cannot run ${bin(name)} (set DNC_BIN_DIR): ${result.error}`);
  if (result.status !== 0) {
    throw new Error(`${name} ${args.join(' ')} exited ${result.status}: ` +
        `${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

async function waitForFile(file, child, what) {
  for (let i = 0; i < 600; ++i) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up: ${child.log()}`);
    try {
      const text = fs.readFileSync(file, 'utf8').trim();
      if (text) return Number(text);
    } catch (e) {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not write ${file} in 60 s: ${child.log()}`);
}

export class World {
  constructor(options = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dnc-portal-'));
    this.options = {registryNumbers: 20000, leads: 0, ...options};
    this.server = null;
    this.browser = null;
  }

  path(name) {
    return path.join(this.dir, name);
  }

  // The registry (today's as-of) and the tenant "acme" entitled to us-ftc.
  // options.registryZip: an FTC flat zip to load instead of dnc-sample's.
  setUp() {
    run('dnc-sample', ['--out_dir', this.dir, '--registry_numbers',
      String(this.options.registryNumbers), '--leads', String(this.options.leads || 10)]);
    run('dnc-load', ['--data', this.path('data'), '--source', 'us-ftc', '--as_of', today(),
      this.options.registryZip || this.path('ftc-flat-sample.zip')]);
    this.key = run('dnc-tenant', ['--tenants', this.path('tenants'), 'create', 'acme',
      '--entitle', 'us-ftc:all', '--purpose', 'commercial']).toString().trim();
    return this;
  }

  // Starts dnc-server on free ports; `samePorts` restarts it on the ports it
  // had (the page's URL stays valid).
  async startServer({samePorts = false, extra = []} = {}) {
    for (const f of ['grpc.port', 'http.port']) fs.rmSync(this.path(f), {force: true});
    const grpc = samePorts ? this.grpcPort : 0;
    const http = samePorts ? this.httpPort : 0;
    const log = fs.openSync(this.path('server.log'), 'a');
    const child = spawn(bin('dnc-server'), ['--data', this.path('data'), '--tenants',
      this.path('tenants'), '--listen', `127.0.0.1:${grpc}`, '--port_file', this.path('grpc.port'),
      '--http_listen', `127.0.0.1:${http}`, '--http_port_file', this.path('http.port'),
      '--reload_interval_seconds', '0', ...extra], {stdio: ['ignore', log, log]});
    fs.closeSync(log);
    child.log = () => fs.readFileSync(this.path('server.log'), 'utf8').slice(-4000);
    this.server = child;
    this.grpcPort = await waitForFile(this.path('grpc.port'), child, 'dnc-server');
    this.httpPort = await waitForFile(this.path('http.port'), child, 'dnc-server');
    this.url = `http://127.0.0.1:${this.httpPort}`;
    return this.url;
  }

  async stopServer(signal = 'SIGTERM') {
    const child = this.server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    this.server = null;
  }

  // The dnc CLI against the server's gRPC port, as acme, in the temp dir
  // (so a file named there is recorded by its bare name, as the page sends it).
  cli(args) {
    return run('dnc', ['--server', `127.0.0.1:${this.grpcPort}`, '--progress', 'off', ...args],
        {env: {...process.env, DNC_API_KEY: this.key}, cwd: this.dir});
  }

  async api(pathAndQuery, options = {}) {
    const response = await fetch(this.url + pathAndQuery, {
      ...options, headers: {'x-api-key': this.key, ...(options.headers || {})}});
    return {status: response.status, text: await response.text()};
  }

  async browserPage(viewport = {width: 1280, height: 800}) {
    if (!this.browser) {
      this.browser = await chromium.launch({executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-dev-shm-usage']});
    }
    const context = await this.browser.newContext({viewport, acceptDownloads: true});
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') page.errors.push(m.text());
    });
    return page;
  }

  async close() {
    if (this.browser) await this.browser.close().catch(() => {});
    await this.stopServer().catch(() => {});
    if (!process.env.DNC_KEEP_TEST_DIR) fs.rmSync(this.dir, {recursive: true, force: true});
  }
}

// Signs in on the portal with `key` and waits for the scrub page.
export async function signIn(page, url, key) {
  await page.goto(url + '/');
  await page.fill('#signin-key', key);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#page-scrub:not([hidden])');
}

// Picks `file` on the scrub page and waits for the preview.
export async function pickFile(page, file) {
  await page.setInputFiles('#scrub-file', file);
  await page.waitForFunction(() => {
    const start = document.getElementById('scrub-start');
    const text = document.getElementById('preview-format').textContent;
    return !start.disabled || /could not|failed|not found/.test(text);
  });
}

// Clicks a download link and returns its bytes.
export async function download(page, selector) {
  const [item] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await item.path();
  return {name: item.suggestedFilename(), bytes: fs.readFileSync(file)};
}

// RFC 4180 records of `bytes` (a UTF-8 Buffer) as {raw, fields}: raw is the
// record's exact text with its line ending, so records can be filtered and
// joined back to the bytes a writer would produce.
export function csvRecords(text) {
  const records = [];
  let start = 0;
  let fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') ++i;
      fields.push(field);
      records.push({raw: text.slice(start, i + 1), fields});
      start = i + 1;
      fields = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (start < text.length) {
    fields.push(field);
    records.push({raw: text.slice(start), fields});
  }
  return records;
}

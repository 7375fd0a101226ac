// The scrub page: pick or drop a lead list, see how the server reads it
// (POST /v1/lists/preview), then stream it (POST /v1/lists, then the file's
// bytes in order with File.slice to /v1/lists/chunk) and collect the three
// files the answers carry. The files are Blobs built from the per-chunk
// strings, so the page never holds the whole list in one string. Only an
// upload the server reports "done" reaches the results page: a failed,
// cancelled or interrupted one offers nothing for download.
import {ApiError, call, sleep} from './api.js';
import {$, clear, duration, el, fillTable, fmt, hideAlert, showAlert} from './ui.js';
import * as results from './results.js';

const PREVIEW_BYTES = 256 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;
// A chunk whose answer never came (the connection dropped) is sent again
// after these waits; then the server's answer (404 after a restart) decides.
const RECONNECT_WAITS_MS = [250, 500, 1000, 2000, 3000, 4000, 4000, 5000];

let file = null;        // The File picked.
let previewed = null;   // The preview's answer for it.
let upload = null;      // The upload in progress.

export function init() {
  const input = $('scrub-file');
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) pick(input.files[0]);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const dropped = event.dataTransfer && event.dataTransfer.files;
    if (dropped && dropped.length) {
      if (dropped.length > 1) {
        showAlert(`${dropped.length} files were dropped; one list is scrubbed at a time: ` +
            `using ${dropped[0].name}.`, 'notice');
      }
      pick(dropped[0]);
    }
  });
  for (const id of ['scrub-header', 'scrub-delimiter', 'scrub-encoding']) {
    $(id).addEventListener('change', () => file && preview());
  }
  $('scrub-sheet').addEventListener('change', () => file && preview());
  $('scrub-column').addEventListener('change', markColumn);
  $('scrub-form').addEventListener('submit', (event) => {
    event.preventDefault();
    start();
  });
  $('scrub-cancel').addEventListener('click', cancel);
}

export function show() {}

// Signing out forgets the file and stops an upload.
export function forget() {
  if (upload) cancel();
  file = null;
  previewed = null;
  $('scrub-form').reset();
  $('preview').hidden = true;
}

function pick(picked) {
  hideAlert();
  file = picked;
  previewed = null;
  preview();
}

function isWorkbook(name, head) {
  return /\.xls[xm]$/i.test(name) ||
      (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4);
}

function readOptions() {
  return {
    header: $('scrub-header').value,
    delimiter: $('scrub-delimiter').value,
    encoding: $('scrub-encoding').value,
    sheet: $('scrub-sheet').value.trim(),
  };
}

const ENCODING_TEXT = {
  'utf-8': 'UTF-8', 'utf-8 (BOM)': 'UTF-8 with a byte order mark', 'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE', 'windows-1252': 'Windows-1252',
};
const DELIMITER_TEXT = {',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe'};

export function describeFormat(format) {
  if (!format) return '';
  if (format.kind === 'xlsx') {
    return `Excel workbook, sheet "${format.sheet || '1'}"`;
  }
  const encoding = ENCODING_TEXT[format.encoding] || format.encoding;
  const delimiter = DELIMITER_TEXT[format.delimiter] || `"${format.delimiter}"`;
  return `CSV text, ${encoding}, ${delimiter}-separated`;
}

async function preview() {
  const current = file;
  $('preview').hidden = false;
  $('scrub-start').disabled = true;
  $('preview-format').textContent = `Reading the start of ${current.name}...`;
  clear($('preview-table'));
  clear($('scrub-column'));
  const head = new Uint8Array(await current.slice(0, 4).arrayBuffer());
  const whole = isWorkbook(current.name, head);
  const body = await current.slice(0, whole ? current.size : PREVIEW_BYTES).arrayBuffer();
  let answer;
  try {
    answer = await call('/v1/lists/preview', {
      params: {name: current.name, ...readOptions()}, body});
  } catch (e) {
    if (current !== file) return;
    previewed = null;
    if (e instanceof ApiError && e.status === 413) {
      $('preview-format').textContent = `${current.name} is too large to preview here ` +
          `(${e.message}). It can still be scrubbed: the server finds the phone column itself.`;
      fillColumns(null);
      $('scrub-start').disabled = false;
      return;
    }
    $('preview-format').textContent = previewError(e, current.name);
    fillColumns(null);
    $('scrub-start').disabled = !(e instanceof ApiError && e.status === 400);
    return;
  }
  if (current !== file) return;  // Another file was picked meanwhile.
  previewed = answer;
  const rows = current.size.toLocaleString('en-US');
  let text = `${current.name} (${rows} bytes): ${describeFormat(answer.format)}, ` +
      (answer.had_header ? 'with a header row.' : 'without a header row.');
  if (answer.column) {
    text += ` Phone numbers are in column ${answer.column.index + 1} ` +
        `("${answer.column.name}", found by ${answer.column.how}).`;
  } else {
    text += ` The phone column was not found: ${answer.column_error || 'no column looks like ' +
        'phone numbers'}. Choose it below.`;
  }
  $('preview-format').textContent = text;
  fillColumns(answer);
  fillSample(answer);
  $('scrub-start').disabled = !answer.column;
}

function previewError(e, name) {
  if (e instanceof ApiError && e.status === 400) {
    return `The server could not read ${name}: ${e.message}. Choose the separator, encoding ` +
        'or sheet under "More options", or fix the file, and try again.';
  }
  if (e instanceof ApiError && e.status === 401) {
    return 'Your API key is no longer accepted (it was revoked?): sign out and sign in again.';
  }
  return `The preview of ${name} failed (${e.message || e}). Check the connection and pick ` +
      'the file again.';
}

function columnNames(answer) {
  const width = Math.max(answer.header ? answer.header.length : 0,
      ...(answer.sample || []).map((r) => r.length));
  const names = [];
  for (let i = 0; i < width; ++i) {
    const name = answer.had_header && answer.header && answer.header[i] ? answer.header[i] : '';
    names.push(name ? `${i + 1}: ${name}` : `column ${i + 1}`);
  }
  return names;
}

function fillColumns(answer) {
  const select = clear($('scrub-column'));
  if (!answer) {
    select.append(el('option', {value: '', text: 'Found by the server'}));
    return;
  }
  if (answer.column) {
    select.append(el('option', {value: '',
      text: `As found: ${answer.column.name} (column ${answer.column.index + 1})`}));
  } else {
    select.append(el('option', {value: '', text: 'Choose the phone column'}));
  }
  columnNames(answer).forEach((name, i) => {
    select.append(el('option', {value: String(i + 1), text: name}));
  });
}

function chosenColumn() {
  const value = $('scrub-column').value;
  if (value) return Number(value) - 1;
  return previewed && previewed.column ? previewed.column.index : -1;
}

function fillSample(answer) {
  const names = columnNames(answer);
  const rows = (answer.sample || []).map((row) => names.map((_, i) => row[i] || ''));
  fillTable($('preview-table'), names, rows,
      `The first ${rows.length} rows as read (the phone column is highlighted)`);
  markColumn();
}

function markColumn() {
  const index = chosenColumn();
  for (const row of $('preview-table').querySelectorAll('tr')) {
    [...row.children].forEach((cell, i) => cell.classList.toggle('phone', i === index));
  }
  if (previewed) $('scrub-start').disabled = index < 0;
}

// Appends strings to a Blob in batches: the parts are strings until a batch
// is folded into the Blob, so the JS heap holds at most one batch.
class BlobSink {
  constructor() {
    this.blob = new Blob([], {type: 'text/csv'});
    this.parts = [];
    this.pending = 0;
  }
  append(text) {
    if (!text) return;
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= 4 * 1024 * 1024) this.flush();
  }
  flush() {
    if (this.parts.length === 0) return;
    this.blob = new Blob([this.blob, ...this.parts], {type: 'text/csv'});
    this.parts = [];
    this.pending = 0;
  }
  finish() {
    this.flush();
    return this.blob;
  }
}

class Cancelled extends Error {}

function startOptions() {
  const options = readOptions();
  const body = {name: file.name};
  const column = $('scrub-column').value;
  if (column) body.column = column;
  if (options.header && options.header !== 'auto') body.header = options.header;
  for (const field of ['delimiter', 'encoding', 'sheet']) {
    if (options[field]) body[field] = options[field];
  }
  const purpose = $('scrub-purpose').value;
  if (purpose) body.purpose = purpose;
  const job = $('scrub-job').value.trim();
  if (job) body.job_id = job;
  const now = $('scrub-now').value.trim();
  if (now) body.now = now;
  return body;
}

function validate() {
  const job = $('scrub-job').value.trim();
  if (job && !/^[A-Za-z0-9._-]{1,64}$/.test(job)) {
    return {field: 'scrub-job', message: `The job name "${job.slice(0, 64)}" cannot be used: ` +
        'use 1 to 64 letters, digits, dots, dashes or underscores (e.g. march-leads-2).'};
  }
  if (previewed && chosenColumn() < 0) {
    return {field: 'scrub-column', message: 'Choose the column that holds the phone numbers ' +
        'first: the server could not tell which one it is.'};
  }
  return null;
}

async function start() {
  if (!file || upload) return;
  hideAlert();
  const problem = validate();
  if (problem) {
    showAlert(problem.message);
    $(problem.field).focus();
    return;
  }
  results.forget();
  const started = performance.now();
  const me = {id: '', cancelled: false, controller: new AbortController(), lostConnection: false};
  upload = me;
  setBusy(true);
  progress(0, 0, 0, started);
  let begun;
  try {
    begun = await call('/v1/lists', {json: startOptions()});
  } catch (e) {
    upload = null;
    setBusy(false);
    fail(e, me);
    return;
  }
  me.id = begun.upload_id;
  const sinks = {cleaned: new BlobSink(), callable: new BlobSink(), removed: new BlobSink()};
  const chunkBytes = begun.chunk_bytes > 0 ? begun.chunk_bytes : DEFAULT_CHUNK;
  const size = file.size;
  let offset = 0;
  let answer = null;
  try {
    for (;;) {
      const end = Math.min(offset + chunkBytes, size);
      const final = end >= size;
      const body = end > offset ? await file.slice(offset, end).arrayBuffer() : new ArrayBuffer(0);
      answer = await sendChunk(me, offset, body, final);
      for (const name of Object.keys(sinks)) sinks[name].append(answer[name]);
      offset = end;
      progress(answer.bytes_received, size, answer.rows_done, started);
      if (answer.state === 'done') break;
      if (final && answer.state !== 'scrubbing') {
        throw new Error(`the server answered state "${answer.state}" after the last chunk`);
      }
    }
  } catch (e) {
    upload = null;
    setBusy(false);
    if (!(e instanceof ApiError && e.status === 404) && me.id) {
      // Best effort: a failed or cancelled upload must not hold one of the
      // tenant's slots (cancelling twice is harmless).
      call('/v1/lists/cancel', {params: {upload_id: me.id}, method: 'POST'}).catch(() => {});
    }
    fail(e, me);
    return;
  }
  upload = null;
  setBusy(false);
  const seconds = (performance.now() - started) / 1000;
  results.setResult({
    fileName: file.name,
    outputName: begun.output_name || answer.summary.output_name,
    jobId: answer.summary.job_id || begun.job_id,
    counts: answer.counts || {},
    summary: answer.summary,
    format: answer.format,
    column: answer.column,
    seconds,
    cleaned: sinks.cleaned.finish(),
    callable: sinks.callable.finish(),
    removed: sinks.removed.finish(),
  });
  location.hash = '#/results';
}

async function sendChunk(me, offset, body, final) {
  let reconnects = 0;
  for (;;) {
    if (me.cancelled) throw new Cancelled();
    try {
      return await call('/v1/lists/chunk', {
        params: {upload_id: me.id, offset, final: final ? '1' : ''},
        body, signal: me.controller.signal});
    } catch (e) {
      if (me.cancelled || (e && e.name === 'AbortError')) throw new Cancelled();
      if (e instanceof ApiError && e.status === 429) {
        // Nothing of the chunk was taken: send it again when told.
        say(`The server is busy (${e.message}); sending this part again in ` +
            `${e.retryAfter || 1} s.`);
        await sleep(Math.min(e.retryAfter || 1, 30) * 1000);
        continue;
      }
      if (e instanceof ApiError && e.status === 0 && reconnects < RECONNECT_WAITS_MS.length) {
        me.lostConnection = true;
        say('The connection to the server was lost; trying again...');
        await sleep(RECONNECT_WAITS_MS[reconnects++]);
        continue;
      }
      throw e;
    }
  }
}

function say(text) {
  $('progress-text').textContent = text;
}

const NOTHING_SAVED = 'Nothing was saved as complete and no file is offered for download';

function fail(e, me) {
  $('progress').hidden = true;
  if (e instanceof Cancelled) {
    showAlert('The scrub was cancelled. The server stopped it and recorded no files for this ' +
        `job; the rows scrubbed so far are not offered for download. Pick the file again to ` +
        'scrub the whole list.', 'notice');
    return;
  }
  let message;
  const status = e instanceof ApiError ? e.status : -1;
  if (status === 404 && me.lostConnection) {
    message = `The server restarted and this upload was lost. ${NOTHING_SAVED}: start the ` +
        'scrub again.';
  } else if (status === 404) {
    message = 'The server no longer knows this upload: it restarted, or the upload expired ' +
        `after being idle. ${NOTHING_SAVED}: start the scrub again.`;
  } else if (status === 409 && me.lostConnection) {
    message = 'The connection broke while the server was answering a part of the file, so ' +
        `some results never arrived. ${NOTHING_SAVED}: start the scrub again.`;
  } else if (status === 0) {
    message = 'The server could not be reached during the upload (for about 20 seconds). ' +
        `${NOTHING_SAVED}. Check that the server is running, then start the scrub again.`;
  } else if (status === 400) {
    message = `The server could not scrub ${file ? file.name : 'the file'}: ${e.message}. ` +
        `${NOTHING_SAVED}. Fix the file, or choose the separator, encoding or column under ` +
        '"More options", and start again.';
  } else if (status === 401) {
    message = 'The server no longer accepts your API key (it was revoked?). ' +
        `${NOTHING_SAVED}. Sign out and sign in with a current key.`;
  } else if (status === 413) {
    message = `The file is too large for this server (${e.message}). ${NOTHING_SAVED}. ` +
        'Split the list into smaller files and scrub each.';
  } else if (status === 429) {
    message = `The server refused the upload for now (${e.message}). ${NOTHING_SAVED}. ` +
        'Wait for your other uploads to finish, then start again.';
  } else if (e instanceof ApiError) {
    message = `The scrub failed (${e.status}: ${e.message}). ${NOTHING_SAVED}: start the ` +
        'scrub again; if it keeps failing, tell your administrator.';
  } else {
    message = `The scrub failed in the browser (${e && e.message ? e.message : e}). ` +
        `${NOTHING_SAVED}: reload the page and start again.`;
  }
  showAlert(message);
}

function setBusy(busy) {
  $('progress').hidden = !busy;
  $('progress-name').textContent = file ? file.name : '';
  $('scrub-start').disabled = busy;
  $('scrub-file').disabled = busy;
  $('scrub-cancel').disabled = !busy;
  if (busy) $('scrub-cancel').focus();
}

let lastAnnounced = 0;

function progress(bytes, size, rows, started) {
  const seconds = (performance.now() - started) / 1000;
  const fraction = size > 0 ? Math.min(bytes / size, 1) : 0;
  const bar = $('progress-bar');
  bar.value = Math.round(fraction * 100);
  bar.setAttribute('aria-valuetext', `${Math.round(fraction * 100)} percent`);
  const rate = seconds > 0 ? rows / seconds : 0;
  const left = fraction > 0 && fraction < 1 ? seconds * (1 - fraction) / fraction : NaN;
  let text = `${fmt(rows)} rows scrubbed (${Math.round(fraction * 100)}% of the file sent)`;
  if (rows > 0) text += `, ${fmt(Math.round(rate))} rows/s`;
  if (isFinite(left)) text += `, about ${duration(left)} left`;
  text += '.';
  say(text);
  // Screen readers hear the progress every 5 s, not every chunk.
  if (performance.now() - lastAnnounced > 5000 || fraction >= 1) {
    lastAnnounced = performance.now();
    $('progress-live').textContent = text;
  }
  $('progress').dataset.rows = String(rows);
}

async function cancel() {
  const me = upload;
  if (!me) return;
  me.cancelled = true;
  $('scrub-cancel').disabled = true;
  say('Cancelling...');
  me.controller.abort();
  if (me.id) {
    try {
      await call('/v1/lists/cancel', {params: {upload_id: me.id}, method: 'POST'});
    } catch (e) {
      // Already over (404) or done (409): nothing more to stop.
    }
  }
}

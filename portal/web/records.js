// The tenant's records: the internal do-not-call list (POST /v1/optouts/add,
// check, remove, and a file imported through the same add) and consents
// (POST /v1/consents/add, list, revoke). Numbers go in batches no larger
// than the server takes (GET /v1/server: max_batch_entries).
import {call, explain} from './api.js';
import {$, el, fillTable, fmt, parseNumbers, say} from './ui.js';

const BATCH = 1000;
let batchSize = 0;

async function batchLimit() {
  if (!batchSize) {
    try {
      const server = await call('/v1/server', {noKey: true});
      batchSize = Math.max(1, Math.min(BATCH, Number(server.max_batch_entries) || BATCH));
    } catch (e) {
      batchSize = 100;  // Small enough for any server.
    }
  }
  return batchSize;
}

const STATE_TEXT = {
  ADDED: 'added', ALREADY_LISTED: 'already on the list', REMOVED: 'removed',
  NOT_LISTED: 'not on the list', REJECTED: 'rejected',
};

export function init() {
  $('optouts-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const action = (event.submitter && event.submitter.dataset.action) || 'check';
    optOuts(action);
  });
  $('optouts-import-form').addEventListener('submit', (event) => {
    event.preventDefault();
    importFile();
  });
  $('consents-add-form').addEventListener('submit', (event) => {
    event.preventDefault();
    addConsent();
  });
  $('consents-list-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const action = (event.submitter && event.submitter.dataset.action) || 'list';
    consents(action);
  });
}

export function showOptOuts() {}

export function showConsents() {
  const date = $('consent-date');
  if (!date.value) date.value = new Date().toISOString().slice(0, 10);
}

function tally(results) {
  const counts = {};
  for (const r of results) counts[r.state] = (counts[r.state] || 0) + 1;
  return Object.entries(counts).map(([state, n]) => `${fmt(n)} ${STATE_TEXT[state] || state}`)
      .join(', ');
}

function setBusy(form, busy) {
  for (const button of $(form).querySelectorAll('button')) button.disabled = busy;
}

async function optOuts(action) {
  const numbers = parseNumbers($('optouts-numbers').value);
  if (numbers.length === 0) {
    say('optouts-status', 'Type or paste at least one number first (one a line).', 'error');
    $('optouts-numbers').focus();
    return;
  }
  const body = {numbers};
  if (action === 'add' && $('optouts-note').value.trim()) body.note = $('optouts-note').value.trim();
  setBusy('optouts-form', true);
  say('optouts-status', `Sending ${fmt(numbers.length)} numbers...`);
  try {
    const results = [];
    let listSize = 0;
    const limit = await batchLimit();
    for (let i = 0; i < numbers.length; i += limit) {
      const answer = await call(`/v1/optouts/${action}`,
          {json: {...body, numbers: numbers.slice(i, i + limit)}});
      results.push(...answer.results);
      listSize = answer.list_size;
    }
    showOptOutResults(results);
    const verb = {add: 'Added', check: 'Checked', remove: 'Removed'}[action];
    let message = `${verb}: ${tally(results)}. Your list now holds ${fmt(listSize)} numbers.`;
    if (results.some((r) => r.state === 'REJECTED')) {
      message += ' Rejected numbers could not be read: see the table, correct them and send ' +
          'them again.';
    }
    say('optouts-status', message, 'ok');
  } catch (e) {
    say('optouts-status', explain(e, {add: 'Adding', check: 'Checking',
      remove: 'Removing'}[action] + ' the numbers') + ' Nothing after the error was sent.',
    'error');
  } finally {
    setBusy('optouts-form', false);
  }
}

function showOptOutResults(results) {
  const shown = results.slice(0, 500);
  fillTable($('optouts-table'), ['Number', 'State', 'E.164', 'Added', 'Detail'],
      shown.map((r) => [r.number, STATE_TEXT[r.state] || r.state, r.e164 ? String(r.e164) : '',
        r.added_date || '', r.detail || '']),
      results.length > shown.length ?
          `The first ${shown.length} of ${fmt(results.length)} numbers` : 'Numbers sent');
}

// A file of numbers: the server's preview finds its format and phone column
// as for a scrub; the page reads the column and adds the numbers in batches.
async function importFile() {
  const input = $('optouts-file');
  const file = input.files && input.files[0];
  if (!file) {
    say('optouts-status', 'Choose a file to import first.', 'error');
    input.focus();
    return;
  }
  if (/\.xls[xm]$/i.test(file.name)) {
    say('optouts-status', `${file.name} is a workbook: save the sheet as CSV (or scrub it on the ` +
        '"Scrub a list" page) and import the CSV.', 'error');
    return;
  }
  setBusy('optouts-import-form', true);
  try {
    say('optouts-status', `Reading ${file.name}...`);
    const head = await file.slice(0, 256 * 1024).arrayBuffer();
    const preview = await call('/v1/lists/preview', {params: {name: file.name}, body: head});
    if (!preview.column) {
      say('optouts-status', `No phone column was found in ${file.name}: ` +
          `${preview.column_error || 'no column looks like phone numbers'}. Put the numbers ` +
          'in a column named "phone" (or one a line) and import again.', 'error');
      return;
    }
    const text = decode(await file.arrayBuffer(), preview.format);
    const rows = parseDelimited(text, preview.format.delimiter || ',');
    if (preview.had_header) rows.shift();
    const numbers = rows.map((r) => (r[preview.column.index] || '').trim()).filter((n) => n);
    const limit = await batchLimit();
    const all = [];
    let listSize = 0;
    for (let i = 0; i < numbers.length; i += limit) {
      const answer = await call('/v1/optouts/add', {json: {numbers: numbers.slice(i, i + limit),
        note: `imported from ${file.name}`.slice(0, 200)}});
      all.push(...answer.results);
      listSize = answer.list_size;
      say('optouts-status', `Importing ${file.name}: ${fmt(all.length)} of ` +
          `${fmt(numbers.length)} numbers sent...`);
    }
    const rejected = all.filter((r) => r.state === 'REJECTED');
    showOptOutResults(rejected.length ? rejected : all);
    say('optouts-status', `Imported ${file.name} (column "${preview.column.name}"): ` +
        `${tally(all)}. Your list now holds ${fmt(listSize)} numbers.` +
        (rejected.length ? ' The table shows the rejected numbers: correct them and add them ' +
            'again.' : ''), 'ok');
  } catch (e) {
    say('optouts-status', explain(e, `Importing ${file.name}`) + ' Numbers sent before the ' +
        'error stay on the list; importing the file again is safe (they answer "already on ' +
        'the list").', 'error');
  } finally {
    setBusy('optouts-import-form', false);
  }
}

function decode(buffer, format) {
  const names = {'utf-8': 'utf-8', 'utf-8 (BOM)': 'utf-8', 'utf-16le': 'utf-16le',
    'utf-16be': 'utf-16be', 'windows-1252': 'windows-1252'};
  return new TextDecoder(names[format && format.encoding] || 'utf-8').decode(buffer);
}

// RFC 4180 records with `delimiter` (quotes may hold delimiters and line
// breaks).
function parseDelimited(text, delimiter) {
  const rows = [];
  let row = [];
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
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function addConsent() {
  const number = $('consent-number').value.trim();
  if (!number) {
    say('consents-status', 'Type the number the consent is for first.', 'error');
    $('consent-number').focus();
    return;
  }
  const record = {number, type: $('consent-type').value, date: $('consent-date').value};
  if ($('consent-note').value.trim()) record.note = $('consent-note').value.trim();
  setBusy('consents-add-form', true);
  say('consents-status', 'Sending the consent...');
  try {
    const answer = await call('/v1/consents/add', {json: {records: [record]}});
    showConsentRecords(answer);
    if (answer.rejected && answer.rejected.length) {
      say('consents-status', `The consent was not recorded: ${answer.rejected.join('; ')}. ` +
          'Correct the number or date and add it again.', 'error');
    } else {
      say('consents-status', `Recorded a ${record.type} consent for ${number} dated ` +
          `${record.date || 'today'}. You hold ${fmt(answer.total_records)} consent records.`,
      'ok');
      $('consent-number').value = '';
      $('consent-note').value = '';
    }
  } catch (e) {
    say('consents-status', explain(e, 'Recording the consent') + ' Nothing was recorded.',
        'error');
  } finally {
    setBusy('consents-add-form', false);
  }
}

async function consents(action) {
  const numbers = parseNumbers($('consents-numbers').value);
  if (numbers.length === 0) {
    say('consents-status', 'Type or paste at least one number first (one a line).', 'error');
    $('consents-numbers').focus();
    return;
  }
  setBusy('consents-list-form', true);
  say('consents-status', `Sending ${fmt(numbers.length)} numbers...`);
  try {
    const limit = await batchLimit();
    const merged = {records: [], rejected: [], total_records: 0};
    for (let i = 0; i < numbers.length; i += limit) {
      const answer = await call(`/v1/consents/${action}`,
          {json: {numbers: numbers.slice(i, i + limit)}});
      merged.records.push(...answer.records);
      merged.rejected.push(...(answer.rejected || []));
      merged.total_records = answer.total_records;
    }
    showConsentRecords(merged);
    let message = action === 'revoke' ?
        `Revoked ${fmt(merged.records.length)} consent records as of today.` :
        `Found ${fmt(merged.records.length)} consent records for ${fmt(numbers.length)} numbers.`;
    if (merged.rejected.length) message += ` Not read: ${merged.rejected.join('; ')}.`;
    if (merged.records.length === 0) {
      message += action === 'revoke' ? ' Those numbers had no consent to revoke.' :
          ' Those numbers have no consent on record.';
    }
    say('consents-status', message, merged.rejected.length ? 'error' : 'ok');
  } catch (e) {
    say('consents-status', explain(e, action === 'revoke' ? 'Revoking consents' :
        'Looking up consents'), 'error');
  } finally {
    setBusy('consents-list-form', false);
  }
}

function showConsentRecords(answer) {
  fillTable($('consents-table'), ['E.164', 'Kind', 'Date', 'Note', 'Revoked'],
      (answer.records || []).map((r) => [String(r.e164), r.type, r.date, r.note || '',
        r.revoked_date || el('span', {class: 'help', text: 'valid'})]),
      'Consent records');
}

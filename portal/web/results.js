// The results page: the last completed scrub of this tab, counts by
// disposition (a CSS bar chart and the same figures as a table), the three
// files and the certificate. Only a scrub the server reported "done" is ever
// set here (scrub.js), so nothing partial can be downloaded.
import {call, explain} from './api.js';
import {$, DISPOSITIONS, DISPOSITION_TEXT, clear, downloadLink, duration, el, fillTable, fmt,
  isCallable, revokeLinks} from './ui.js';
import {certificateHtml} from './cert.js';
import {describeFormat} from './scrub.js';

let result = null;

export function setResult(r) {
  forget();
  result = r;
  result.report = null;
}

export function forget() {
  result = null;
  revokeLinks();
  clear($('results-downloads'));
  $('results').hidden = true;
  $('results-empty').hidden = false;
}

// "leads.scrubbed.csv" -> "leads.callable.csv".
function sibling(outputName, part) {
  const base = outputName.replace(/\.scrubbed\.csv$/i, '').replace(/\.csv$/i, '');
  return `${base}.${part}.csv`;
}

export function countRows(counts) {
  const total = Object.values(counts).reduce((a, b) => a + Number(b), 0);
  const names = [...DISPOSITIONS, ...Object.keys(counts).filter((d) => !DISPOSITIONS.includes(d))];
  return {total, rows: names.filter((d) => Number(counts[d] || 0) > 0)
      .map((d) => ({disposition: d, count: Number(counts[d]),
        share: total ? Number(counts[d]) / total : 0}))};
}

// The chart (decorative: the table below carries the same figures).
export function drawCounts(chart, table, counts) {
  const {total, rows} = countRows(counts);
  clear(chart);
  chart.setAttribute('aria-hidden', 'true');
  chart.removeAttribute('role');
  for (const r of rows) {
    const bar = el('span', {class: `bar d-${r.disposition.toLowerCase()}`});
    bar.style.width = `${Math.max(r.share * 100, 0.5).toFixed(2)}%`;
    chart.append(el('div', {class: 'chart-row'},
        el('span', {class: 'chart-label', text: r.disposition}),
        el('span', {class: 'chart-track'}, bar),
        el('span', {class: 'chart-value', text: `${fmt(r.count)} (${(r.share * 100).toFixed(1)}%)`})));
  }
  fillTable(table, ['Disposition', 'What it means', 'Rows', 'Share', 'May be called'],
      rows.map((r) => [r.disposition, DISPOSITION_TEXT[r.disposition] || 'unknown: not callable',
        fmt(r.count), `${(r.share * 100).toFixed(1)}%`, isCallable(r.disposition) ? 'yes' : 'no']),
      `Rows by disposition (${fmt(total)} in all)`);
  for (const cell of table.querySelectorAll('tbody td:nth-child(3), tbody td:nth-child(4)')) {
    cell.className = 'n';
  }
}

export async function fetchReport(jobId) {
  const text = await call('/v1/jobs/report', {params: {job_id: jobId}, text: true});
  return {text, report: JSON.parse(text)};
}

export function certificateLinks(jobId, report, text) {
  return [
    el('li', {}, downloadLink(new Blob([certificateHtml(report)], {type: 'text/html'}),
        `${jobId}.certificate.html`, 'Certificate (HTML)',
        'open it and print, or "Save as PDF"')),
    el('li', {}, downloadLink(new Blob([text], {type: 'application/json'}),
        `${jobId}.certificate.json`, 'Certificate (JSON)',
        'exactly what dnc report --json prints')),
  ];
}

export async function show() {
  if (!result) {
    $('results').hidden = true;
    $('results-empty').hidden = false;
    return;
  }
  $('results-empty').hidden = true;
  $('results').hidden = false;
  const s = result.summary || {};
  const rows = Number(s.rows || 0);
  const rate = result.seconds > 0 ? Math.round(rows / result.seconds) : 0;
  let text = `${result.fileName}: ${fmt(rows)} rows scrubbed in ${duration(result.seconds)}` +
      (rate ? ` (${fmt(rate)} rows/s)` : '') +
      `: ${fmt(s.callable)} may be called, ${fmt(s.not_callable)} may not. Job ${result.jobId}.`;
  if (result.format) text += ` Read as ${describeFormat(result.format)}.`;
  if (result.column) text += ` Phone column: ${result.column.name}.`;
  if (Number(s.damaged_numbers) > 0) {
    text += ` ${fmt(s.damaged_numbers)} phone numbers were damaged by a spreadsheet ` +
        '(scientific notation like 2.02546E+09) and are marked MALFORMED: export that column ' +
        'as text and scrub those rows again.';
  }
  $('results-summary').textContent = text;
  drawCounts($('results-chart'), $('results-table'), result.counts);
  $('results-text').textContent = s.text || '';
  revokeLinks();  // The previous visit's object URLs.
  const list = clear($('results-downloads'));
  list.append(
      el('li', {}, downloadLink(result.cleaned, result.outputName, 'Cleaned list',
          'every row, with the dnc_* columns')),
      el('li', {}, downloadLink(result.callable, sibling(result.outputName, 'callable'),
          'Callable rows only')),
      el('li', {}, downloadLink(result.removed, sibling(result.outputName, 'removed'),
          'Removed rows only', 'the rows that may not be called')));
  const pending = el('li', {id: 'results-cert', text: 'Fetching the certificate...'});
  list.append(pending);
  if (s.files_recorded === false) {
    pending.textContent = `No certificate: the job's files were not recorded ` +
        `(${s.files_error || 'a list without data rows is no job'}).`;
    return;
  }
  const mine = result;
  try {
    if (!mine.report) mine.report = await fetchReport(mine.jobId);
  } catch (e) {
    pending.textContent = explain(e, 'Fetching the certificate') +
        ' The list files above are complete; the certificate is also on the Past jobs page.';
    return;
  }
  if (mine !== result) return;
  pending.remove();
  list.append(...certificateLinks(mine.jobId, mine.report.report, mine.report.text));
}

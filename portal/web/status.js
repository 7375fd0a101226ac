// The operator's status page (GET /v1/server: public, no key, no tenant
// data): each registry copy served with its generation, as-of date, age,
// deadline and count, coloured by the days left before its numbers answer
// STALE.
import {call, explain} from './api.js';
import {$, el, fillTable, fmt, say} from './ui.js';

function daysBetween(from, to) {
  const a = Date.parse(from + 'T00:00:00Z');
  const b = Date.parse(to + 'T00:00:00Z');
  if (isNaN(a) || isNaN(b)) return NaN;
  return Math.round((b - a) / 86400000);
}

export function freshness(source, today) {
  const left = daysBetween(today, source.deadline);
  if (source.stale || !(left > 7)) return {left, cls: 'late'};
  return {left, cls: left > 14 ? 'ok' : 'soon'};
}

export async function show() {
  say('status-summary', 'Loading the server status...');
  let server;
  try {
    server = await call('/v1/server', {noKey: true});
  } catch (e) {
    say('status-summary', explain(e, 'Loading the server status'), 'error');
    return;
  }
  const sources = server.sources || [];
  const late = sources.filter((s) => freshness(s, server.today).cls === 'late');
  let text = `Server ${server.server_version}, today ${server.today} (UTC). ` +
      `${fmt(sources.length)} registry copies served; ` +
      `batches up to ${fmt(server.max_batch_entries)} numbers; ` +
      `${server.auth_required ? 'API keys required' : 'no API keys (--auth=none)'}; ` +
      `${server.tls ? 'TLS on' : 'no TLS'}.`;
  if (sources.length === 0) {
    text += ' No registry is loaded: every number answers STALE. Load one with dnc-load.';
  } else if (late.length) {
    text += ` ${late.map((s) => s.source).join(', ')} ${late.length === 1 ? 'is' : 'are'} ` +
        'stale or within 7 days of the deadline: load a fresh copy with dnc-load.';
  }
  say('status-summary', text, late.length || sources.length === 0 ? 'error' : '');
  fillTable($('status-table'), ['Source', 'Jurisdiction', 'Generation', 'As of', 'Age',
    'Deadline', 'Days left', 'Numbers'],
  sources.map((s) => {
    const f = freshness(s, server.today);
    const leftText = s.stale ? 'stale' : isNaN(f.left) ? '?' : `${f.left} days`;
    return [s.source, s.jurisdiction, s.generation, s.as_of,
      `${s.age_days} of ${s.max_age_days} days`, s.deadline,
      el('span', {class: `days ${f.cls}`, text: leftText}), fmt(s.number_count)];
  }), 'Registry copies served');
  for (const cell of $('status-table').querySelectorAll('tbody td:nth-child(8)')) {
    cell.className = 'n';
  }
}

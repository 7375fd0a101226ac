// The scrub certificate as a standalone HTML document, built from the JSON
// GET /v1/jobs/report answers (exactly what `dnc report JOB --json` prints).
// The document carries its own stylesheet, with a print part, so the
// browser's "Save as PDF" gives a clean page; it is downloaded as a file
// (opened outside the portal), so its <style> is not subject to the
// portal's CSP. Every value is escaped.

function esc(value) {
  return String(value === undefined || value === null ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function num(value) {
  return new Intl.NumberFormat('en-US').format(Number(value) || 0);
}

const PURPOSES = {
  PURPOSE_UNSPECIFIED: 'the tenant\'s default', COMMERCIAL: 'commercial', CHARITY: 'charity',
  POLITICAL: 'political', SURVEY: 'survey',
};

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e2e2e2;
  vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em;
  word-break: break-all; }
.lead { color: #444; }
.verify { background: #f4f6f8; padding: .75rem 1rem; border-radius: 4px; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, .verify { break-inside: avoid; }
  .verify { background: none; border: 1px solid #999; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 18mm; }
}`;

function row(label, value, cls) {
  return `<tr><th scope="row">${esc(label)}</th><td${cls ? ` class="${cls}"` : ''}>` +
      `${value}</td></tr>`;
}

export function certificateHtml(report) {
  const counts = (report.counts || []).map((c) =>
    `<tr><td>${esc(c.disposition)}</td><td class="n">${num(c.count)}</td></tr>`).join('');
  const snapshots = (report.snapshots || []).map((s) =>
    `<tr><td>${esc(s.source)}</td><td>${esc(s.jurisdiction)}</td><td>${esc(s.generation)}</td>` +
    `<td>${esc(s.as_of)}</td></tr>`).join('');
  const entitlements = (report.entitlements || []).map((e) =>
    `<tr><td>${esc(e.source)}</td><td>${e.all_area_codes ? 'every area code' :
      esc((e.area_codes || []).join(', '))}</td></tr>`).join('');
  const files = report.files || null;
  const filesPart = files && (files.input_name || files.output_name) ? `
<h2>Files</h2>
<table>
${row('Input file', esc(files.input_name))}
${row('Input SHA-256', esc(files.input_sha256), 'hash')}
${row('Input rows', num(files.input_rows))}
${row('Output file', esc(files.output_name))}
${row('Output SHA-256', esc(files.output_sha256), 'hash')}
${row('Output rows', num(files.output_rows))}
</table>` : `
<h2>Files</h2>
<p>No files were recorded for this job (it was scrubbed without a file, or the client did not
record them).</p>`;
  const job = esc(report.job_id);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scrub certificate ${job}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Scrub certificate</h1>
<p class="lead">Job <code>${job}</code> of tenant <strong>${esc(report.tenant)}</strong>, scrubbed
against the do-not-call registry copies listed below.</p>
<h2>Job</h2>
<table>
${row('Job', `<code>${job}</code>`)}
${row('Tenant', esc(report.tenant))}
${row('Purpose of the calls', esc(PURPOSES[report.purpose] || report.purpose))}
${row('First request (UTC)', esc(report.first_request_at))}
${row('Last request (UTC)', esc(report.last_request_at))}
${row('Audited requests', num(report.requests), 'n')}
${row('Numbers checked', num(report.numbers), 'n')}
${row('Server version', esc(report.server_version))}
</table>
<h2>Results by disposition</h2>
<table>
<thead><tr><th scope="col">Disposition</th><th scope="col">Numbers</th></tr></thead>
<tbody>${counts}</tbody>
</table>
<h2>Registry copies used</h2>
<table>
<thead><tr><th scope="col">Source</th><th scope="col">Jurisdiction</th>
<th scope="col">Generation</th><th scope="col">As of</th></tr></thead>
<tbody>${snapshots}</tbody>
</table>
<h2>Entitlements at the job's first request</h2>
<table>
<thead><tr><th scope="col">Source</th><th scope="col">Area codes</th></tr></thead>
<tbody>${entitlements}</tbody>
</table>
${filesPart}
<h2>Audit hashes</h2>
<table>
${row('Numbers in (SHA-256)', esc(report.numbers_sha256), 'hash')}
${row('Answers out (SHA-256)', esc(report.answers_sha256), 'hash')}
</table>
<div class="verify">
<p><strong>To verify:</strong> <code>sha256sum</code> of the cleaned file must print the output
SHA-256 above, and of the list you uploaded the input SHA-256. The server's audit records give
the same numbers and answers hashes: <code>dnc report ${job} --json</code> prints this
certificate's data as JSON.</p>
</div>
</body>
</html>
`;
}

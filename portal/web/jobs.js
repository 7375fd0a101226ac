// Past jobs (GET /v1/jobs, newest first), each with its certificate
// (GET /v1/jobs/report) as print-ready HTML or as the JSON `dnc report
// --json` prints.
import {call, explain} from './api.js';
import {$, el, fillTable, fmt, saveBlob, say} from './ui.js';
import {certificateHtml} from './cert.js';
import {fetchReport} from './results.js';

export async function show() {
  say('jobs-status', 'Loading your jobs...');
  let answer;
  try {
    answer = await call('/v1/jobs', {params: {limit: 50}});
  } catch (e) {
    say('jobs-status', explain(e, 'Loading your jobs'), 'error');
    return;
  }
  const jobs = answer.jobs || [];
  if (jobs.length === 0) {
    say('jobs-status', 'No jobs yet: a scrub with a job name (every list scrubbed here has one) ' +
        'appears here once it has run.');
  } else {
    say('jobs-status', `Your ${fmt(jobs.length)} most recent jobs, newest first.`);
  }
  fillTable($('jobs-table'), ['Job', 'First request (UTC)', 'Last request (UTC)', 'Requests',
    'Numbers', 'Files', 'Certificate'],
  jobs.map((job) => [job.job_id, job.first_request_at, job.last_request_at, fmt(job.requests),
    fmt(job.numbers), job.has_files ? 'recorded' : 'none',
    el('span', {class: 'buttons'},
        el('button', {type: 'button', class: 'small', 'aria-label': `Certificate of ${job.job_id} as HTML`,
          onclick: () => download(job.job_id, 'html')}, 'HTML'),
        el('button', {type: 'button', class: 'small', 'aria-label': `Certificate of ${job.job_id} as JSON`,
          onclick: () => download(job.job_id, 'json')}, 'JSON'))]),
  'Past jobs');
}

async function download(jobId, kind) {
  try {
    const {text, report} = await fetchReport(jobId);
    if (kind === 'json') {
      saveBlob(new Blob([text], {type: 'application/json'}), `${jobId}.certificate.json`);
    } else {
      saveBlob(new Blob([certificateHtml(report)], {type: 'text/html'}),
          `${jobId}.certificate.html`);
    }
    say('jobs-status', `The certificate of ${jobId} was saved as ${jobId}.certificate.${kind}.`,
        'ok');
  } catch (e) {
    say('jobs-status', explain(e, `Fetching the certificate of ${jobId}`), 'error');
  }
}

// Small DOM helpers shared by the pages. Everything is built with
// createElement/textContent (never innerHTML with data), so text from files
// and from the server cannot become markup; no inline styles (the CSP).

export function $(id) {
  return document.getElementById(id);
}

// el('td', {class: 'n'}, 'text', child, ...)
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const numberFormat = new Intl.NumberFormat('en-US');
export function fmt(n) {
  return numberFormat.format(Number(n) || 0);
}

// "1 h 02 min", "3 min 05 s", "12 s".
export function duration(seconds) {
  if (!isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 1) return 'under a second';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor(s % 3600 / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

// The page-wide alert (role=alert): an error or a notice the user must see.
export function showAlert(message, kind = 'error') {
  const box = $('alert');
  box.className = 'alert ' + kind;
  box.textContent = message;
  box.hidden = false;
}

export function hideAlert() {
  const box = $('alert');
  box.hidden = true;
  box.textContent = '';
}

// A status line inside a page (aria-live=polite in the markup).
export function say(id, message, kind = '') {
  const node = $(id);
  node.className = kind ? 'status ' + kind : 'status';
  node.textContent = message;
}

// A table from a header row and rows of cells (strings or nodes).
export function fillTable(table, header, rows, caption) {
  clear(table);
  if (caption) table.append(el('caption', {text: caption}));
  const head = el('tr', {}, header.map((h) => el('th', {scope: 'col', text: h})));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  for (const row of rows) {
    // data-label: a phone's stacked layout (style.css, table.stack) names
    // each cell by its column.
    body.append(el('tr', {}, row.map((cell, i) => cell instanceof Node ?
      el('td', {'data-label': header[i]}, cell) :
      el('td', {'data-label': header[i], text: cell === undefined ? '' : String(cell)}))));
  }
  table.append(body);
}

// Numbers typed or pasted: one a line, or separated by commas/semicolons.
export function parseNumbers(text) {
  return text.split(/[\r\n,;]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

// A download link for a Blob; the object URL is revoked by revokeLinks.
const objectUrls = new Set();
export function downloadLink(blob, filename, label, description) {
  const url = URL.createObjectURL(blob);
  objectUrls.add(url);
  return el('a', {href: url, download: filename, class: 'download',
    'data-file': filename}, label, description ? el('span', {class: 'help', text: ' ' + description}) : null);
}

export function revokeLinks() {
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls.clear();
}

// Saves a Blob at once (a certificate fetched on demand).
export function saveBlob(blob, filename) {
  const link = downloadLink(blob, filename, filename);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

export function focusHeading(section) {
  const heading = section.querySelector('h1');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

export const DISPOSITIONS = ['CALLABLE', 'EXEMPT', 'BLOCKED', 'INTERNAL', 'NOT_SUBSCRIBED',
  'STALE', 'INVALID', 'MALFORMED'];

export const DISPOSITION_TEXT = {
  CALLABLE: 'on no list: may be called',
  EXEMPT: 'listed, but excused (purpose, business relationship or consent): may be called',
  BLOCKED: 'on a do-not-call registry',
  INTERNAL: 'on your own do-not-call list',
  NOT_SUBSCRIBED: 'your subscription does not cover its area code',
  STALE: 'no fresh registry copy covers it: not known',
  INVALID: 'reads as a number, but no such number exists',
  MALFORMED: 'cannot be read as a phone number',
};

export function isCallable(disposition) {
  return disposition === 'CALLABLE' || disposition === 'EXEMPT';
}

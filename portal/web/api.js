// The portal's only door to the server: the public JSON API (docs/http-api.md,
// docs/http-lists.md, docs/http-tenant-data.md), same origin, with the API key
// in the x-api-key header. The key lives in sessionStorage only: never in a
// URL, never in localStorage, never logged; closing the tab forgets it.

const KEY_ITEM = 'dnc.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM) || '';
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(KEY_ITEM, key);
  } else {
    sessionStorage.removeItem(KEY_ITEM);
  }
}

// A failed call: `status` is the HTTP status (0 when the server could not be
// reached), `code` the API's error code, `message` the server's own words,
// `retryAfter` seconds when the server said when to come back.
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || '';
    this.retryAfter = retryAfter || 0;
  }
}

function query(params) {
  if (!params) return '';
  const parts = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(value));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

// Calls `path`. `options`: method, params (query), json (a body sent as
// JSON), body (raw bytes: an ArrayBuffer or Blob), signal (AbortSignal),
// noKey (public route), key (a key to try instead of the stored one), text
// (answer as text, not parsed).
export async function call(path, options = {}) {
  const headers = {};
  const key = options.key !== undefined ? options.key : apiKey();
  if (!options.noKey && key) headers['x-api-key'] = key;
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/octet-stream';
    body = options.body;
  }
  const method = options.method || (body === undefined ? 'GET' : 'POST');
  let response;
  try {
    response = await fetch(path + query(options.params), {
      method,
      headers,
      body,
      signal: options.signal,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'UNREACHABLE',
        'the server could not be reached (it may be restarting, or the network is down)');
  }
  const text = await response.text();
  if (!response.ok) {
    let code = '';
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text);
      if (parsed && parsed.error) {
        code = parsed.error.code || '';
        message = parsed.error.message || message;
      }
    } catch (ignored) {
      // Not the JSON error shape (a proxy's page): keep the text.
    }
    const retry = Number(response.headers.get('Retry-After')) || 0;
    throw new ApiError(response.status, code, message || response.statusText, retry);
  }
  if (options.text) return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(response.status, 'BAD_ANSWER',
        'the server answered something that is not JSON: ' + text.slice(0, 80));
  }
}

// A sentence for the user: what went wrong and what to do next.
export function explain(error, doing) {
  if (!(error instanceof ApiError)) {
    return `${doing} failed: ${error && error.message ? error.message : error}. ` +
        'Reload the page and try again.';
  }
  switch (error.status) {
    case 0:
      return `${doing} failed: the server could not be reached (it may be restarting, or ` +
          'the network is down). Check the connection and try again.';
    case 401:
      return `${doing} failed: the server did not accept your API key (it is unknown or ` +
          'was revoked). Sign out, then sign in with a current key.';
    case 403:
      return `${doing} was refused: ${error.message}. Ask your administrator if you need it.`;
    case 413:
      return `${doing} failed: too much at once (${error.message}). Send fewer numbers or a ` +
          'smaller file.';
    case 429:
      return `${doing} was refused for now: the server is busy or your limit is reached ` +
          `(${error.message}). Wait ${error.retryAfter || 'a few'} seconds and try again.`;
    case 503:
      return `${doing} failed: the server is unavailable (${error.message}). Try again in ` +
          'a minute.';
    default:
      if (error.status >= 500) {
        return `${doing} failed on the server (${error.status}: ${error.message}). Try ` +
            'again; if it keeps failing, tell your administrator.';
      }
      return `${doing} failed: ${error.message}.`;
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

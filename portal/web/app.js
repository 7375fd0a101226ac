// The portal's entry: sign-in, the hash routes (#/scrub, #/results,
// #/optouts, #/consents, #/jobs, #/status) and the header. Each page lives in
// its own module and is built only on the public JSON API.
import {ApiError, apiKey, call, explain, setApiKey} from './api.js';
import {$, focusHeading, hideAlert, showAlert} from './ui.js';
import * as scrub from './scrub.js';
import * as results from './results.js';
import * as records from './records.js';
import * as jobs from './jobs.js';
import * as status from './status.js';

const PAGES = {
  signin: {public: true},
  scrub: {show: scrub.show},
  results: {show: results.show},
  optouts: {show: records.showOptOuts},
  consents: {show: records.showConsents},
  jobs: {show: jobs.show},
  status: {public: true, show: status.show},
};

let whoami = null;    // GET /v1/whoami's answer for the key in use.
let wanted = 'scrub'; // The page asked for before signing in.

export function tenantInfo() {
  return whoami;
}

function pageOf(hash) {
  const name = (hash || '').replace(/^#\/?/, '').split(/[/?]/)[0];
  return PAGES[name] ? name : '';
}

async function route() {
  let name = pageOf(location.hash) || (apiKey() ? 'scrub' : 'signin');
  if (!PAGES[name].public && !whoami) {
    wanted = name;
    if (apiKey() && await signIn(apiKey(), false)) {
      name = wanted;
    } else {
      name = 'signin';
    }
  }
  for (const page of Object.keys(PAGES)) {
    $('page-' + page).hidden = page !== name;
  }
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.page === name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const section = $('page-' + name);
  document.title = section.querySelector('h1').textContent + ' - DNC registry portal';
  if (PAGES[name].show) PAGES[name].show();
  focusHeading(section);
}

function showSignedIn() {
  const signedIn = whoami !== null;
  $('nav').hidden = !signedIn;
  $('who').hidden = !signedIn;
  $('who-tenant').textContent = signedIn ? `Signed in as ${whoami.tenant || '(no tenant)'}` : '';
}

// Checks `key` with GET /v1/whoami; keeps it only if the server accepts it.
async function signIn(key, interactive) {
  const error = $('signin-error');
  error.textContent = '';
  try {
    // The key is tried before it is stored: a wrong key is never kept.
    whoami = await call('/v1/whoami', {key});
    setApiKey(key);
    showSignedIn();
    hideAlert();
    return true;
  } catch (e) {
    whoami = null;
    showSignedIn();
    let message;
    if (e instanceof ApiError && e.status === 401) {
      setApiKey('');
      message = 'This API key was not accepted: the server does not know it, or it was ' +
          'revoked. Check that you pasted the whole key, or ask your administrator for a ' +
          'new one.';
    } else {
      message = explain(e, 'Signing in');
    }
    error.textContent = message;
    if (!interactive) showAlert(message);
    return false;
  }
}

function signOut() {
  setApiKey('');
  whoami = null;
  scrub.forget();
  results.forget();
  showSignedIn();
  hideAlert();
  location.hash = '#/signin';
  showAlert('You are signed out: the API key was removed from this tab. Sign in again to ' +
      'continue.', 'notice');
}

function init() {
  $('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('signin-key').value.trim();
    if (!key) {
      $('signin-error').textContent = 'Enter your API key first: the field is empty.';
      $('signin-key').focus();
      return;
    }
    const button = event.submitter || $('signin-form').querySelector('button');
    button.disabled = true;
    const ok = await signIn(key, true);
    button.disabled = false;
    if (ok) {
      $('signin-key').value = '';
      const next = wanted && wanted !== 'signin' ? wanted : 'scrub';
      if (pageOf(location.hash) === next) {
        route();
      } else {
        location.hash = '#/' + next;
      }
    } else {
      $('signin-key').focus();
    }
  });
  $('sign-out').addEventListener('click', signOut);
  scrub.init();
  records.init();
  window.addEventListener('hashchange', route);
  route();
}

init();

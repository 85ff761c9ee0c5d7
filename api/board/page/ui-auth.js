/* global document, fetch, FormData, Headers, sessionStorage -- browser globals; the repository's ESLint config knows Node only. */
/**
 * The API token: asked once, kept in this tab's sessionStorage (gone when the tab closes), sent
 * as a bearer token. A 401 asks again; concurrent 401s share one prompt.
 */

const STORAGE_KEY = 'show-control.api-token';
let asking;

function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function askForToken(message) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token-dialog');
    const form = document.getElementById('token-form');
    const note = document.getElementById('token-message');
    note.textContent = message;
    note.hidden = !message;
    form.reset();
    const submitted = (event) => {
      event.preventDefault();
      const token = new FormData(form).get('token').trim();
      sessionStorage.setItem(STORAGE_KEY, token);
      form.removeEventListener('submit', submitted);
      dialog.removeEventListener('cancel', stay);
      dialog.close();
      asking = undefined;
      resolve(token);
    };
    // Without a token nothing works: Escape does not close the dialog.
    const stay = (event) => event.preventDefault();
    form.addEventListener('submit', submitted);
    dialog.addEventListener('cancel', stay);
    dialog.showModal();
  });
  return asking;
}

/** fetch() with the token; on 401 asks for a token and tries again. */
export async function apiFetch(url, init = {}) {
  let refused = false;
  for (;;) {
    const token = storedToken();
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(url, { ...init, headers });
    if (response.status !== 401) return response;
    await askForToken(token || refused ? 'That token was not accepted.' : '');
    refused = true;
  }
}

// Calls to the router's own HTTP API from the page. A failed call throws an ApiError that carries
// the API's JSON error ({"error": code, "message": sentence}) as it came.

const TOKEN_KEY = 'pxkv.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The API's message, then its code and status: what the page shows. */
  describe() {
    return this.code ? `${this.message} (${this.code}, ${this.status})` : this.message;
  }
}

/** The bearer token typed in the header, kept for this browser tab only. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Sends a request and returns the answer's text; throws ApiError unless the status is 2xx. */
export async function call(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, null, `the router did not answer (${e.message})`);
  }
  const text = await response.text();
  if (!response.ok) {
    let code = null;
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      const error = JSON.parse(text);
      if (error && typeof error.message === 'string') {
        message = error.message;
        code = error.error;
      }
    } catch {
      // not the API's JSON error (a proxy's page, say): the status line says what there is
    }
    throw new ApiError(response.status, code, message);
  }
  return text;
}

/** GET of a JSON answer, parsed (for the admin calls, whose numbers are small). */
export async function getJson(path) {
  return JSON.parse(await call('GET', path));
}

/** The path of one key: /kv/ and the key percent-encoded (a '/' in it too). */
export function keyPath(key) {
  return `/kv/${encodeURIComponent(key)}`;
}

// The HTTP API of arrsd (--http): POST /api/v1/{Service}/{Method} with the request message
// in protobuf's JSON mapping; the answer is the response message in the same mapping
// (int64 as strings, enums by name, defaults printed). Errors: a non-2xx status with
// {"code": "PERMISSION_DENIED", "message": "...", "httpStatus": 403}.
//
// The bearer token lives in sessionStorage only (gone when the tab closes) and is sent as
// an Authorization header; no cookie is ever set.

const TOKEN_KEY = 'arrs-console.token';

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable: nothing kept
  }
}

// gRPC code names by HTTP status, for error bodies that carry no code.
const CODE_BY_STATUS = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class ApiError extends Error {
  constructor(status, code, message, method) {
    super(message);
    this.name = 'ApiError';
    this.status = status;   // HTTP status (0: no answer)
    this.code = code;       // gRPC code name, e.g. PERMISSION_DENIED
    this.method = method;   // e.g. QueryService/GetBalance
  }

  get unauthenticated() {
    return this.status === 401 || this.code === 'UNAUTHENTICATED';
  }

  get forbidden() {
    return this.status === 403 || this.code === 'PERMISSION_DENIED';
  }
}

export async function call(service, method, body) {
  const name = `${service}/${method}`;
  const token = getToken();
  if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'You are not signed in', name);
  let response;
  try {
    response = await fetch(`/api/v1/${service}/${method}`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Accept': 'application/json',
      },
      body: JSON.stringify(body || {}),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', `The ledger server could not be reached (${e.message})`, name);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = (data && typeof data.code === 'string' && data.code) ||
      CODE_BY_STATUS[response.status] || `HTTP_${response.status}`;
    const message = (data && typeof data.message === 'string' && data.message) ||
      (text && !data ? text.slice(0, 300) : response.statusText) || `HTTP status ${response.status}`;
    throw new ApiError(response.status, code, message, name);
  }
  if (data === null || typeof data !== 'object') {
    throw new ApiError(response.status, 'INTERNAL', 'The server answered with something other than JSON', name);
  }
  return data;
}

export const query = (method, body) => call('QueryService', method, body);
export const command = (method, body) => call('CommandService', method, body);

// A fresh idempotency key for a command: "console:" + a random UUID. crypto.randomUUID
// exists only in secure contexts (https, localhost); elsewhere one is made from
// crypto.getRandomValues.
export function requestId() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') {
    return `console:${crypto.randomUUID()}`;
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `console:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Runs `tasks` (functions returning promises) at most `limit` at a time; the results in
// order, each {ok: true, value} or {ok: false, error}.
export async function pool(tasks, limit = 4) {
  const results = new Array(tasks.length);
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const i = next;
      next += 1;
      try {
        results[i] = { ok: true, value: await tasks[i]() };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

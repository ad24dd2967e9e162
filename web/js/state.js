// Shared state: the signed-in principal, hash-route helpers, the request fields of the
// time-travel query parameters (as_of, known_at) and small caches of what every page
// needs (the log's head position, a PCN's summary and event positions).
import { query } from './api.js';
import { parseDate, parseTimeToMicros } from './format.js';

export const session = {
  principal: null, // {name, role, allScope, scope: [...]} from QueryService/WhoAmI
};

export function role() {
  return session.principal ? session.principal.role : '';
}

export function canDecide() {
  return role() === 'admin' || role() === 'commissioner';
}

// ------------------------------------------------------------------------------- routes

// "#/pcn/U10001/year/2024?as_of=2024-12-31" -> {path, segments, query}
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, qs] = raw.split('?', 2);
  const clean = path && path.startsWith('/') ? path : `/${path || ''}`;
  return {
    path: clean,
    segments: clean.split('/').filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    }),
    query: new URLSearchParams(qs || ''),
  };
}

// hrefOf('/pcn/U10001/caps', {as_of: '2024-06-30', known_at: ''}) -> "#/pcn/U10001/caps?as_of=2024-06-30"
export function hrefOf(path, params) {
  const qs = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? params.entries() : Object.entries(params || {});
  for (const [k, v] of entries) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function seg(value) {
  return encodeURIComponent(value);
}

// The time-travel parameters to carry over to links between views.
export function timeParams(q, { asOf = true } = {}) {
  const out = {};
  if (asOf && q.get('as_of')) out.as_of = q.get('as_of');
  if (q.get('known_at')) out.known_at = q.get('known_at');
  return out;
}

export class InputError extends Error {
  constructor(message, fieldId) {
    super(message);
    this.name = 'InputError';
    this.fieldId = fieldId;
  }
}

// KnownAt of the request: {position} for a log position, {recordedAtMicros} for a UTC
// time ("2025-01-31T09:00:00Z"); undefined for now.
export function knownAtOf(q) {
  const value = (q.get('known_at') || '').trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    if (value === '0') throw new InputError('Known at must be a log position from 1, or a time', 'tt-known-at');
    return { position: value };
  }
  const micros = parseTimeToMicros(value);
  if (!micros) {
    throw new InputError(`Known at "${value}" is neither a log position nor a time like 2025-01-31T09:00:00Z`, 'tt-known-at');
  }
  return { recordedAtMicros: micros };
}

export function asOfOf(q) {
  const value = (q.get('as_of') || '').trim();
  if (!value) return undefined;
  const d = parseDate(value);
  if (!d) throw new InputError(`As of "${value}" is not a date like 2024-12-31`, 'tt-as-of');
  return d;
}

// ------------------------------------------------------------------------------- caches

const TTL_MS = 10000;
let listCache = null; // {at, promise}
const pcnCache = new Map(); // code -> {at, promise}

// ListPcns as known now: {computedAtPosition (the head), pcns}.
export function listPcns() {
  if (!listCache || Date.now() - listCache.at > TTL_MS) {
    const entry = { at: Date.now(), promise: query('ListPcns', {}) };
    entry.promise.catch(() => {
      if (listCache === entry) listCache = null;
    });
    listCache = entry;
  }
  return listCache.promise;
}

export async function headPosition() {
  const list = await listPcns();
  return Number(list.computedAtPosition || 0);
}

// What the time-travel controls of a PCN's pages need: its summary (null when the
// principal may not list it) and the positions of its events, from its audit trail at
// the head.
export function pcnInfo(code) {
  const cached = pcnCache.get(code);
  if (cached && Date.now() - cached.at <= TTL_MS) return cached.promise;
  const promise = (async () => {
    const [list, trail] = await Promise.all([listPcns(), query('GetAuditTrail', { pcnCode: code })]);
    const summary = (list.pcns || []).find((p) => p.pcnCode === code) || null;
    const positions = (trail.entries || []).map((e) => Number(e.event.position)).sort((a, b) => a - b);
    return {
      summary,
      positions,
      head: Math.max(Number(list.computedAtPosition || 0), Number(trail.computedAtPosition || 0)),
    };
  })();
  const entry = { at: Date.now(), promise };
  promise.catch(() => {
    if (pcnCache.get(code) === entry) pcnCache.delete(code);
  });
  pcnCache.set(code, entry);
  return promise;
}

// After a command: what was cached is stale.
export function invalidate() {
  listCache = null;
  pcnCache.clear();
}

// The frame of every page about one PCN: breadcrumbs, heading, the PCN's sub-navigation,
// time travel, then the page's own content, or an error summary (403: "You may not see
// this PCN").
import { h } from './dom.js';
import { ApiError, query } from './api.js';
import {
  asOfOf, hrefOf, InputError, knownAtOf, pcnInfo, seg, timeParams,
} from './state.js';
import { breadcrumbs, errorSummary, heading, linkList, para, link } from './ui.js';
import { timeTravel } from './timetravel.js';
import { financialYearOf, todayUtc, parseDate } from './format.js';

export const PCN_CODE = /^[A-Z0-9]{3,10}$/;

export function defaultYear(q) {
  const asOf = parseDate(q.get('as_of') || '');
  return financialYearOf(asOf || todayUtc());
}

export function pcnTabs(code, q, year) {
  const t = timeParams(q);
  const tq = timeParams(q, { asOf: false });
  const y = year || Number(q.get('year')) || defaultYear(q);
  const base = `/pcn/${seg(code)}`;
  return [
    ['overview', 'Overview', hrefOf(base, tq)],
    ['year', 'Financial year', hrefOf(`${base}/year/${y}`, t)],
    ['claims', 'Claims', hrefOf(`${base}/claims`, { year: y, ...t })],
    ['caps', 'Caps', hrefOf(`${base}/caps`, t)],
    ['workforce', 'Workforce', hrefOf(`${base}/workforce`, t)],
    ['audit', 'Audit trail', hrefOf(`${base}/audit`, tq)],
  ];
}

// The PCN's audit trail filtered by `params` (staff, claim, pos), known at what the query
// `q` asks (the audit trail takes no as-of date).
export function auditHref(code, q, params) {
  return hrefOf(`/pcn/${seg(code)}/audit`, { ...timeParams(q, { asOf: false }), ...params });
}

export function pcnCaption(code, info) {
  const s = info && info.summary;
  return s ? `${s.name} (${code}), ICB ${s.icbCode}` : `PCN ${code}`;
}

export function forbiddenPcn(ctx, code, error) {
  const p = ctx.principal;
  ctx.show(
    breadcrumbs([['PCNs', '#/pcns']]),
    heading('You may not see this PCN', { caption: `PCN ${code}` }),
    errorSummary(error, { forbiddenTitle: `You may not see PCN ${code}` }),
    para(`You are signed in as ${p.name} (${p.role}${p.allScope ? ', every scope' : `, scope ${(p.scope || []).join(', ')}`}). `,
      'That sign-in does not cover this PCN. Ask your ICB or the ledger\u2019s administrator if you need to see it.'),
    para(link('#/pcns', 'See the PCNs you may see')),
  );
  ctx.markStatus('forbidden');
}

// opts:
//   code, tab, title    the PCN, which tab is current, the page's h1
//   year                the financial year the tabs link to (optional)
//   asOf                {hint, todayWhenBlank} when the view takes an as-of date, null
//                       when not; todayWhenBlank: the query requires one (caps,
//                       workforce), so a blank date asks for today (UTC)
//   load(req)           fetches the page's data; req has knownAt and asOf (when set)
//   body(data, info)    the page's content
//   computedAt(data)    the position the answer was computed at
export async function pcnPage(ctx, opts) {
  const { code, tab, title, asOf = null } = opts;
  const route = ctx.route;
  if (!PCN_CODE.test(code)) {
    ctx.show(heading('Page not found'), errorSummary([{ text: `"${code}" is not a PCN code (3 to 10 capital letters or digits)` }]));
    return;
  }
  const crumbs = breadcrumbs([['PCNs', '#/pcns'], [`PCN ${code}`, hrefOf(`/pcn/${seg(code)}`, timeParams(route.query, { asOf: false }))]]);
  let req = {};
  let inputError = null;
  try {
    const knownAt = knownAtOf(route.query);
    const asOfDate = asOf ? asOfOf(route.query) : undefined;
    if (knownAt) req.knownAt = knownAt;
    if (asOfDate) req.asOf = asOfDate;
    else if (asOf && asOf.todayWhenBlank) req.asOf = todayUtc();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    inputError = e;
    req = {};
  }
  const [infoResult, dataResult] = await Promise.allSettled([
    pcnInfo(code),
    inputError ? Promise.reject(inputError) : opts.load(req),
  ]);
  if (!ctx.isCurrent()) return;
  const info = infoResult.status === 'fulfilled' ? infoResult.value : null;
  const failure = dataResult.status === 'rejected' ? dataResult.reason
    : (infoResult.status === 'rejected' ? infoResult.reason : null);
  if (failure instanceof ApiError && failure.unauthenticated) throw failure;
  if (failure instanceof ApiError && failure.forbidden) {
    forbiddenPcn(ctx, code, failure);
    return;
  }
  const data = dataResult.status === 'fulfilled' ? dataResult.value : null;
  const head = info ? info.head : 0;
  const computedAt = data && opts.computedAt ? Number(opts.computedAt(data) || 0) : 0;
  const nodes = [
    crumbs,
    heading(title, { caption: pcnCaption(code, info) }),
    linkList(`PCN ${code}`, pcnTabs(code, route.query, opts.year), tab),
    timeTravel({
      route, head: head || computedAt, min: info && info.positions.length ? info.positions[0] : 1,
      positions: info ? info.positions : [], computedAt, asOf,
    }),
  ];
  if (dataResult.status === 'rejected') {
    const e = dataResult.reason;
    if (e instanceof InputError) {
      nodes.push(errorSummary([{ text: e.message, focus: e.fieldId }]));
    } else if (e instanceof ApiError && e.code === 'NOT_FOUND') {
      nodes.push(errorSummary(e, { title: `PCN ${code} was not found` }));
    } else {
      nodes.push(errorSummary(e));
    }
    ctx.show(...nodes);
    ctx.markStatus('error');
    return;
  }
  nodes.push(h('div', { class: 'arrs-page-body' }, opts.body(data, info)));
  ctx.show(...nodes);
  ctx.markStatus('ready');
}

// A PCN page showing one query's answer about the PCN as of a date, today (UTC) when the
// date is blank (caps, workforce): opts are pcnPage's code, tab, title and body, and
// `method`, the query.
export function pcnAsOfPage(ctx, { method, ...opts }) {
  return pcnPage(ctx, {
    ...opts,
    asOf: { hint: 'Blank: today (UTC).', todayWhenBlank: true },
    load: (req) => query(method, { pcnCode: opts.code, ...req }),
    computedAt: (answer) => answer.computedAtPosition,
  });
}

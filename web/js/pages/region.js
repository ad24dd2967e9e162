// Region summary (GetRegionSummary): workforce and spend per ICB, and nationally. Admins
// and auditors see every ICB and England; a commissioner sees each ICB of their scope
// (the request names it: national figures are not theirs to see).
import { ApiError, pool, query } from '../api.js';
import {
  asOfOf, headPosition, InputError, knownAtOf, listPcns, role,
} from '../state.js';
import {
  dateText, money, todayUtc, wte,
} from '../format.js';
import {
  errorSummary, heading, hint, inset, link, para, table,
} from '../ui.js';
import { timeTravel } from '../timetravel.js';

async function icbsOf(principal) {
  if (!principal.allScope) return (principal.scope || []).slice().sort();
  const list = await listPcns();
  return [...new Set((list.pcns || []).map((p) => p.icbCode))].sort();
}

export async function regionPage(ctx) {
  const p = ctx.principal;
  if (role() === 'pcn') {
    ctx.show(heading('Region summary'), inset('Region figures are for commissioners, auditors and admins. ', link('#/pcns', 'Go to your PCN')));
    ctx.markStatus('forbidden');
    return;
  }
  const national = role() === 'admin' || role() === 'auditor';
  const req = {};
  let inputError = null;
  try {
    const knownAt = knownAtOf(ctx.route.query);
    const asOf = asOfOf(ctx.route.query);
    if (knownAt) req.knownAt = knownAt;
    req.asOf = asOf || todayUtc(); // required by the query
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    inputError = e;
  }
  const head = await headPosition();
  let answers = [];
  let failure = inputError;
  if (!inputError) {
    const icbs = national ? [''] : await icbsOf(p);
    const results = await pool(icbs.map((icb) => () => query('GetRegionSummary', { icbCode: icb, ...req })), 4);
    const bad = results.find((r) => !r.ok);
    if (bad) failure = bad.error;
    answers = results.filter((r) => r.ok).map((r) => r.value);
  }
  if (!ctx.isCurrent()) return;
  if (failure instanceof ApiError && failure.unauthenticated) throw failure;
  const first = answers[0];
  const computedAt = first ? Number(first.computedAtPosition) : 0;
  const lines = answers.flatMap((a) => a.icbs || []);
  const nodes = [
    heading('Region summary'),
    para(national ? 'Every ICB, and England.' : `The ICBs of your scope: ${(p.scope || []).join(', ') || 'all'}.`),
    timeTravel({ route: ctx.route, head: Math.max(head, computedAt), computedAt, asOf: { hint: 'Blank: today (UTC). Approved counts the financial year of this date, up to it.' } }),
  ];
  if (failure) {
    nodes.push(failure instanceof InputError ? errorSummary([{ text: failure.message, focus: failure.fieldId }]) : errorSummary(failure, { forbiddenTitle: 'You may not see these region figures' }));
  }
  if (first) {
    const row = (l, name) => [
      { value: name, header: true }, String(l.pcnCount || 0), String(l.headcount || 0), wte(l.wteBp),
      money(l.approvedPence), money(l.sumPence), money(l.paidPence), money(l.arrearsDuePence), money(l.overpaymentToRecoverPence),
    ];
    nodes.push(
      para(`As of ${dateText(first.asOf)}, as known at log position ${first.computedAtPosition}.`),
      table({
        caption: 'Workforce and spend by ICB',
        id: 'region-table',
        columns: [{ title: 'ICB' }, { title: 'PCNs', numeric: true }, { title: 'Headcount', numeric: true }, { title: 'WTE', numeric: true },
          { title: 'Approved in year', numeric: true }, { title: 'Sum', numeric: true }, { title: 'Paid', numeric: true },
          { title: 'Arrears due', numeric: true }, { title: 'To recover', numeric: true }],
        rows: lines.map((l) => row(l, l.icbCode)),
        footer: national && first.national ? [row(first.national, 'England')] : null,
        empty: 'No ICB has a PCN known at this position.',
      }),
      hint('Approved and paid: claims of the financial year of the as-of date, up to it. Arrears due and to recover: paid claims priced again from what is known now.'),
    );
  }
  ctx.show(...nodes);
  ctx.markStatus(failure ? 'error' : 'ready');
}

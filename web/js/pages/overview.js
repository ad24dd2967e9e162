// A PCN at a glance: its summary and every financial year's balance (GetBalance per year,
// as known at known_at), each linking to the year.
import { h } from '../dom.js';
import { ApiError, pool, query } from '../api.js';
import { hrefOf, seg, timeParams } from '../state.js';
import { pcnPage } from '../pcnframe.js';
import {
  financialYear, financialYearOf, money, todayUtc,
} from '../format.js';
import { link, summaryList, table, hint } from '../ui.js';

export const FIRST_YEAR = 2019; // the scheme began in 2019/20

export function yearsToNow() {
  const last = financialYearOf(todayUtc());
  const years = [];
  for (let y = FIRST_YEAR; y <= last; y += 1) years.push(y);
  return years;
}

export async function overviewPage(ctx, code) {
  const years = yearsToNow();
  await pcnPage(ctx, {
    code,
    tab: 'overview',
    title: 'Overview',
    asOf: null,
    load: async (req) => {
      const results = await pool(years.map((year) => () => query('GetBalance', {
        pcnCode: code, financialYear: year, ...(req.knownAt ? { knownAt: req.knownAt } : {}),
      })), 4);
      const fatal = results.find((r) => !r.ok && r.error instanceof ApiError &&
        (r.error.forbidden || r.error.unauthenticated || r.error.code === 'NOT_FOUND'));
      if (fatal) throw fatal.error;
      if (results.every((r) => !r.ok)) throw results[0].error;
      return results.map((r, i) => ({ year: years[i], ...r }));
    },
    computedAt: (rows) => (rows.find((r) => r.ok) || {}).value?.computedAtPosition,
    body: (rows, info) => {
      const t = timeParams(ctx.route.query, { asOf: false });
      const s = info && info.summary;
      return [
        s ? summaryList([
          ['PCN code', s.pcnCode],
          ['Name', s.name],
          ['ICB', s.icbCode],
          ['Staff recorded', String(s.staffCount)],
          ['Claims', String(s.claimCount)],
          ['Events in its stream', String(s.streamVersion)],
        ]) : null,
        table({
          caption: 'Financial years',
          id: 'years-table',
          columns: [{ title: 'Year' }, { title: 'Sum', numeric: true }, { title: 'Claimed', numeric: true },
            { title: 'Approved', numeric: true }, { title: 'Paid', numeric: true }, { title: 'Remaining', numeric: true }],
          rows: rows.slice().reverse().map((r) => (r.ok ? [
            { value: link(hrefOf(`/pcn/${seg(code)}/year/${r.year}`, t), financialYear(r.year)), header: true },
            money(r.value.sumPence), money(r.value.claimedPence), money(r.value.approvedPence),
            money(r.value.paidPence), money(r.value.remainingPence),
          ] : [
            { value: financialYear(r.year), header: true },
            { value: h('span', { class: 'arrs-secondary' }, `${r.error.code || 'ERROR'}: ${r.error.message}`), numeric: false },
            '', '', '', '',
          ])),
        }),
        hint('Each year as of its 31 March. Remaining = sum \u2212 approved.'),
      ];
    },
  });
}

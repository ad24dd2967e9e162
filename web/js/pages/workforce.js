// Workforce against the 31 March 2019 baseline (GetWorkforce), by role, and the staff in
// post.
import { h } from '../dom.js';
import { auditHref, pcnAsOfPage } from '../pcnframe.js';
import {
  dateText, enumWords, money, roleName, signedWte, wte,
} from '../format.js';
import { hint, link, para, table, tableSection } from '../ui.js';

export async function workforcePage(ctx, code) {
  const q = ctx.route.query;
  await pcnAsOfPage(ctx, {
    code,
    tab: 'workforce',
    title: 'Workforce against the 2019 baseline',
    method: 'GetWorkforce',
    body: (w) => {
      const roles = w.roles || [];
      const staff = w.staff || [];
      const audit = (id) => auditHref(code, q, { staff: id });
      const totals = roles.reduce((t, l) => ({
        headcount: t.headcount + Number(l.headcount || 0),
        wte: t.wte + Number(l.wteBp || 0),
        baselineHeadcount: t.baselineHeadcount + Number(l.baselineHeadcount || 0),
        baselineWte: t.baselineWte + Number(l.baselineWteBp || 0),
        additional: t.additional + Number(l.additionalWteBp || 0),
      }), { headcount: 0, wte: 0, baselineHeadcount: 0, baselineWte: 0, additional: 0 });
      return [
        para(`As of ${dateText(w.asOf)}.`),
        table({
          caption: 'By role',
          id: 'workforce-table',
          columns: [{ title: 'Role' }, { title: 'Headcount', numeric: true }, { title: 'WTE', numeric: true },
            { title: 'Baseline headcount', numeric: true }, { title: 'Baseline WTE', numeric: true },
            { title: 'Additional WTE', numeric: true }, { title: 'Member practices', numeric: true },
            { title: 'Lead practice', numeric: true }, { title: 'Third party', numeric: true }],
          rows: roles.map((l) => [
            { value: roleName(l.role), header: true },
            String(l.headcount || 0), wte(l.wteBp), String(l.baselineHeadcount || 0), wte(l.baselineWteBp),
            h('span', { class: Number(l.additionalWteBp) < 0 ? 'arrs-negative' : '' }, signedWte(l.additionalWteBp)),
            String(l.headcountMemberPractices || 0), String(l.headcountLeadPractice || 0), String(l.headcountThirdParty || 0),
          ]),
          footer: roles.length ? [[{ value: 'Total', header: true }, String(totals.headcount), wte(totals.wte),
            String(totals.baselineHeadcount), wte(totals.baselineWte), signedWte(totals.additional), '', '', '']] : null,
          empty: 'No one in post and no baseline recorded.',
        }),
        hint('Additional WTE = WTE \u2212 baseline WTE; below zero, the PCN is under its 2019 baseline for the role.'),
        tableSection('Staff in post', {
          caption: `${staff.length} in post`,
          id: 'staff-table',
          columns: [{ title: 'Staff' }, { title: 'Role' }, { title: 'WTE', numeric: true }, { title: 'Employed by' },
            { title: 'Started' }, { title: 'Annual cost', numeric: true }],
          rows: staff.map((s) => [
            { value: link(audit(s.staffId), s.staffId, { 'aria-label': `${s.staffId}: audit trail` }), header: true },
            roleName(s.role), wte(s.wteBp),
            `${enumWords(s.employmentModel)}${s.employerName ? ` (${s.employerName})` : ''}`,
            dateText(s.startDate), money(s.annualCostPence),
          ]),
          empty: 'No one is in post.',
        }),
      ];
    },
  });
}

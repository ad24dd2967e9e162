// WTE caps (GetCapUsage): for each capped group of roles, the WTE counting against the
// cap, the cap for the PCN's list size, and the headroom. WTE is in basis points
// (10000 = 1.0 WTE).
import { h } from '../dom.js';
import { auditHref, pcnAsOfPage } from '../pcnframe.js';
import { dateText, roleName, signedWte, wte } from '../format.js';
import { hint, link, para, table, tag } from '../ui.js';

export async function capsPage(ctx, code) {
  const q = ctx.route.query;
  await pcnAsOfPage(ctx, {
    code,
    tab: 'caps',
    title: 'Caps on whole-time equivalents',
    method: 'GetCapUsage',
    body: (u) => {
      const caps = u.caps || [];
      const staffLink = (id) => link(auditHref(code, q, { staff: id }), id);
      return [
        para(`As of ${dateText(u.asOf)}, registered list size ${Number(u.registeredListSize || 0).toLocaleString('en-GB')} patients.`),
        table({
          caption: 'WTE used against each cap',
          id: 'caps-table',
          columns: [{ title: 'Roles' }, { title: 'Cap (WTE)', numeric: true }, { title: 'Used (WTE)', numeric: true },
            { title: 'Headroom (WTE)', numeric: true }, { title: 'Use' }, { title: 'Staff counting, in rank order' }],
          rows: caps.map((c) => {
            const headroom = Number(c.capWteBp || 0) - Number(c.usedWteBp || 0);
            const roles = (c.roles || []).map(roleName).join(' + ');
            return [
              {
                value: h('span', null, roles, h('br'), h('span', { class: 'arrs-secondary arrs-small' }, `rule version ${c.ruleVersion || 'none'}`),
                  c.unverified ? [h('br'), tag('unverified: not enforced', 'nhsuk-tag--grey')] : null),
                header: true,
              },
              wte(c.capWteBp), wte(c.usedWteBp),
              h('span', { class: headroom < 0 ? 'arrs-negative' : '' }, signedWte(headroom), headroom < 0 ? [' ', tag('over cap', 'nhsuk-tag--red')] : null),
              h('meter', {
                class: 'arrs-meter', min: '0', max: String(Math.max(Number(c.capWteBp || 0), 1)),
                value: String(Number(c.usedWteBp || 0)), optimum: '0',
                low: String(Math.max(Number(c.capWteBp || 0), 1) * 0.75),
                high: String(Math.max(Number(c.capWteBp || 0), 1) - 1),
                'aria-label': `${roles}: ${wte(c.usedWteBp)} of ${wte(c.capWteBp)} WTE used`,
              }, `${wte(c.usedWteBp)} of ${wte(c.capWteBp)} WTE`),
              (c.staffIds || []).length ? h('span', { class: 'arrs-staff-list' }, (c.staffIds || []).map((id, i) => [i ? ', ' : '', h('span', { class: 'arrs-nowrap' }, staffLink(id))])) : 'none',
            ];
          }),
          empty: `No cap applies to PCN ${code} on ${dateText(u.asOf)}.`,
        }),
        hint('Headroom = cap \u2212 used. A cap whose figure is unverified is shown but not enforced by the calculator.'),
      ];
    },
  });
}

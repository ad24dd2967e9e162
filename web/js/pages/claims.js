// A year's claims (GetBalance.claims) and one claim explained (ExplainClaim): the lines
// as assessed, with the pricing's arithmetic, the commissioner's reductions and the
// restatement, and the same text `arrsctl explain` prints.
import { h } from '../dom.js';
import { ApiError, query } from '../api.js';
import { hrefOf, seg, timeParams } from '../state.js';
import { auditHref, pcnPage, defaultYear } from '../pcnframe.js';
import {
  big, count, dateText, enumWords, financialYear, money, monthName,
} from '../format.js';
import {
  heading, hint, inset, link, linkList, para, preformatted, table, tableSection, tag, details,
} from '../ui.js';
import { FIRST_YEAR, yearsToNow } from './overview.js';

export function claimHref(code, claimId, q) {
  return hrefOf(`/pcn/${seg(code)}/claim/${seg(claimId)}`, timeParams(q, { asOf: false }));
}

export async function claimsPage(ctx, code) {
  const q = ctx.route.query;
  const year = Number(q.get('year')) || defaultYear(q);
  await pcnPage(ctx, {
    code,
    tab: 'claims',
    year,
    title: `Claims, ${financialYear(year)}`,
    asOf: { hint: `Blank: the end of the year, 31 March ${year + 1}. Claims of later months are not shown.` },
    load: (req) => query('GetBalance', { pcnCode: code, financialYear: year, ...req }),
    computedAt: (b) => b.computedAtPosition,
    body: (b) => {
      const t = timeParams(q);
      const years = yearsToNow();
      if (year >= FIRST_YEAR && !years.includes(year)) years.push(year);
      const claims = b.claims || [];
      return [
        linkList('Financial years', years.map((y) => [String(y), financialYear(y), hrefOf(`/pcn/${seg(code)}/claims`, { ...t, year: y })]), String(year)),
        para(`As of ${dateText(b.asOf)}: status and paid amounts are as they stood that day.`),
        table({
          caption: `${count(claims.length, 'claim', 'claims')} of ${financialYear(year)}`,
          id: 'claims-table',
          columns: [{ title: 'Claim', nowrap: true }, { title: 'Month', nowrap: true }, { title: 'Status' }, { title: 'Claimed', numeric: true },
            { title: 'Approved', numeric: true }, { title: 'Paid', numeric: true }, { title: 'Restated', numeric: true },
            { title: 'Arrears due', numeric: true }, { title: 'To recover', numeric: true }],
          rows: claims.map((c) => ({
            cells: [
              {
                // ExplainClaim refuses a claim not yet assessed (FAILED_PRECONDITION).
                value: c.status === 'submitted' ? c.claimId
                  : link(claimHref(code, c.claimId, q), c.claimId, { 'aria-label': `Claim ${c.claimId}: explanation` }),
                header: true,
              },
              monthName(c.month), tag(c.status), money(c.claimedPence), money(c.approvedPence), money(c.paidPence),
              money(c.restatedPence), money(c.arrearsDuePence), money(c.overpaymentToRecoverPence),
            ],
          })),
          empty: `No claim of ${financialYear(year)} is known as of ${dateText(b.asOf)}.`,
        }),
        hint('Restated: a paid claim\u2019s lines priced again from the facts and rule versions known now (docs/RESTATEMENT.md).'),
      ];
    },
  });
}

// The text `arrsctl explain PCN CLAIM` prints for this explanation (cli/cmd_query.cc,
// RunExplain), byte for byte apart from the terminal's escaping of control characters.
export function cliExplainText(code, claimId, e) {
  const out = [];
  out.push(`Claim ${claimId} of PCN ${code} (as known at log position ${e.computedAtPosition})`);
  for (const l of e.lines || []) {
    out.push('');
    out.push(`Line ${l.lineNo}  staff ${l.staffId}  rule version ${(l.ruleVersions || []).join(', ')}`);
    out.push(`  claimed       ${money(l.claimedPence)}`);
    out.push(`  maximum       ${money(l.maximumPence)}`);
    out.push(`  reimbursable  ${money(l.reimbursablePence)}`);
    out.push(`  approved      ${money(l.approvedPence)}`);
    out.push(`  outcome       ${String(l.outcome || '').toLowerCase()}`);
    out.push('  how:');
    for (const line of String(l.explanation || '').split('\n')) out.push(`    ${line}`);
  }
  for (const r of e.reductions || []) {
    out.push('');
    out.push(`Line ${r.lineNo} reduced by the commissioner to ${money(r.approvedPence)}`);
  }
  for (const l of e.restated || []) {
    out.push('');
    out.push(`Line ${l.lineNo} restated: ${String(l.restatedOutcome || '').toLowerCase()} ${money(l.restatedPence)} ` +
      `(decided ${String(l.decidedOutcome || '').toLowerCase()} ${money(l.approvedPence)})`);
    out.push(`  paid ${money(l.paidPence)}, arrears paid ${money(l.arrearsPaidPence)}, recovered ${money(l.recoveredPence)}, difference ${money(l.differencePence)}`);
    for (const cause of l.causes || []) out.push(`  because of position ${cause.position}: ${cause.what}`);
  }
  return `${out.join('\n')}\n`;
}

export function explanationBody(code, claimId, e, q) {
  const audit = (params) => auditHref(code, q, params);
  const reductions = new Map((e.reductions || []).map((r) => [r.lineNo, r]));
  const lines = e.lines || [];
  return [
    lines.length ? null : inset('This claim has not been assessed as known at this position: no line is priced yet.'),
    table({
      caption: 'Lines as assessed',
      id: 'lines-table',
      columns: [{ title: 'Line', numeric: true }, { title: 'Staff', nowrap: true }, { title: 'Claimed', numeric: true },
        { title: 'Maximum', numeric: true }, { title: 'Reimbursable', numeric: true }, { title: 'Approved', numeric: true },
        { title: 'Outcome' }],
      rows: lines.map((l) => [
        { value: String(l.lineNo), header: true, numeric: true },
        link(audit({ staff: l.staffId }), l.staffId, { 'aria-label': `${l.staffId}: audit trail` }),
        money(l.claimedPence), money(l.maximumPence), money(l.reimbursablePence),
        reductions.has(l.lineNo)
          ? h('span', null, h('s', null, money(l.approvedPence)), ' ', money(reductions.get(l.lineNo).approvedPence), h('span', { class: 'nhsuk-u-visually-hidden' }, ' after a reduction'))
          : money(l.approvedPence),
        enumWords(l.outcome),
      ]),
      empty: '',
    }),
    e.assessedPosition && String(e.assessedPosition) !== '0'
      ? para('The assessment in force was recorded at ', link(audit({ claim: claimId, pos: e.assessedPosition }), `log position ${e.assessedPosition}`), '.')
      : null,
    lines.length ? heading('How each line was priced', { level: 2 }) : null,
    lines.map((l) => details(`Line ${l.lineNo}, ${l.staffId}: ${enumWords(l.outcome)}, approved ${money(l.approvedPence)} (rule version ${(l.ruleVersions || []).join(', ') || 'none'})`,
      preformatted(l.explanation || '', `How line ${l.lineNo} was priced`))),
    (e.reductions || []).length ? [
      heading('Reductions by the commissioner', { level: 2 }),
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, (e.reductions || []).map((r) => h('li', null, `Line ${r.lineNo} reduced to ${money(r.approvedPence)}`))),
    ] : null,
    (e.restated || []).length ? [
      tableSection('Priced again from what is known now', {
        caption: 'Restatement by line',
        id: 'restated-table',
        columns: [{ title: 'Line', numeric: true }, { title: 'Decided' }, { title: 'Approved', numeric: true },
          { title: 'Paid', numeric: true }, { title: 'Restated' }, { title: 'Restated amount', numeric: true },
          { title: 'Difference', numeric: true }, { title: 'Because of' }],
        rows: e.restated.map((l) => [
          { value: String(l.lineNo), header: true, numeric: true },
          enumWords(l.decidedOutcome), money(l.approvedPence), money(l.paidPence), enumWords(l.restatedOutcome),
          money(l.restatedPence),
          h('span', { class: big(l.differencePence) < 0n ? 'arrs-negative' : '' }, money(l.differencePence)),
          (l.causes || []).length ? h('ul', { class: 'nhsuk-list arrs-compact' }, l.causes.map((c) => h('li', null,
            link(audit({ pos: c.position }), `position ${c.position}`), `: ${c.what}`))) : '',
        ]),
      }),
    ] : null,
    heading('As the command line prints it', { level: 2 }),
    para('The same explanation as ', h('code', null, `arrsctl explain ${code} ${claimId}${q.get('known_at') ? ` --known-at ${q.get('known_at')}` : ''}`), ':'),
    preformatted(cliExplainText(code, claimId, e), 'Command line output', { id: 'cli-explain', className: 'arrs-cli' }),
    para(link(audit({ claim: claimId }), `Audit trail of claim ${claimId}`)),
  ];
}

export async function claimPage(ctx, code, claimId) {
  const q = ctx.route.query;
  await pcnPage(ctx, {
    code,
    tab: 'claims',
    year: yearOfClaimId(claimId),
    title: `Claim ${claimId}`,
    asOf: null,
    load: async (req) => {
      try {
        return await query('ExplainClaim', { pcnCode: code, claimId, lineNo: 0, ...req });
      } catch (e) {
        // Submitted but not assessed (as known then): nothing priced to explain yet.
        if (e instanceof ApiError && e.code === 'FAILED_PRECONDITION') return { notAssessed: e };
        throw e;
      }
    },
    computedAt: (e) => e.computedAtPosition,
    body: (e) => (e.notAssessed
      ? [inset(`${e.notAssessed.message}: the lines are priced when the claim is assessed.`),
        para(link(auditHref(code, q, { claim: claimId }), `Audit trail of claim ${claimId}`))]
      : explanationBody(code, claimId, e, q)),
  });
}

// "2024-05" -> 2024; "2025-02" -> 2024 (claim ids are usually the claimed month).
function yearOfClaimId(id) {
  const m = /^(\d{4})-(\d{2})/.exec(id);
  if (!m) return undefined;
  const y = Number(m[1]);
  return Number(m[2]) >= 4 ? y : y - 1;
}

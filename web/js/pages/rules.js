// The rule book by financial year (GetRules), with the maxima of every role and period
// and where each comes from (GetRulesCoverage), as known at known_at.
import { h } from '../dom.js';
import { ApiError, query } from '../api.js';
import {
  headPosition, hrefOf, InputError, knownAtOf, timeParams,
} from '../state.js';
import {
  big, dateText, financialYear, money, percentBp, roleName, wte,
} from '../format.js';
import {
  details, errorSummary, heading, hint, inset, linkList, summaryList, tableSection,
} from '../ui.js';
import { timeTravel } from '../timetravel.js';

const CONFIDENCE = {
  FIGURE_PUBLISHED: 'P',
  FIGURE_PERIOD_INFERRED: 'P*',
  FIGURE_BAND_INFERRED: 'B',
  FIGURE_CONFIDENCE_UNSPECIFIED: '-',
};

// 2663100 thousandths of a penny -> "£26.631" (as `arrsctl rules show`).
function ratePerPatient(millipence) {
  const rate = big(millipence);
  return `£${rate / 100000n}.${String((rate % 100000n) / 100n).padStart(3, '0')}`;
}

export async function rulesPage(ctx) {
  const q = ctx.route.query;
  let knownAt;
  let inputError = null;
  try {
    knownAt = knownAtOf(q);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    inputError = e;
  }
  const head = await headPosition();
  const base = knownAt ? { knownAt } : {};
  let coverage = null;
  let rules = null;
  let failure = inputError;
  let year = Number(q.get('year')) || 0;
  if (!failure) {
    try {
      coverage = await query('GetRulesCoverage', { financialYear: 0, ...base });
      const years = (coverage.years || []).map((y) => y.financialYear);
      if (!year) year = years.length ? Math.max(...years) : 0;
      if (year) rules = await query('GetRules', { financialYear: year, ...base });
    } catch (e) {
      if (e instanceof ApiError && e.unauthenticated) throw e;
      failure = e;
    }
  }
  if (!ctx.isCurrent()) return;
  const tq = timeParams(q, { asOf: false });
  const nodes = [
    heading(year ? `Rule book, ${financialYear(year)}` : 'Rule book'),
    timeTravel({ route: ctx.route, head: Math.max(head, Number(coverage ? coverage.computedAtPosition : 0)), computedAt: coverage ? Number(coverage.computedAtPosition) : 0, asOf: null }),
  ];
  if (coverage) {
    nodes.push(linkList('Financial years', (coverage.years || []).map((y) => [String(y.financialYear), financialYear(y.financialYear), hrefOf('/rules', { ...tq, year: y.financialYear })]), String(year)));
  }
  if (failure) {
    nodes.push(failure instanceof InputError ? errorSummary([{ text: failure.message, focus: failure.fieldId }])
      : errorSummary(failure, { title: year ? `No rules for ${financialYear(year)} as known at this position` : 'There is a problem' }));
    ctx.show(...nodes);
    ctx.markStatus('error');
    return;
  }
  if (!rules) {
    nodes.push(inset('No rule version is in force as known at this position.'));
    ctx.show(...nodes);
    ctx.markStatus('ready');
    return;
  }
  const r = rules.rules || {};
  const yc = (coverage.years || []).find((y) => y.financialYear === year);
  const e = r.entitlement || {};
  nodes.push(
    summaryList([
      ['Version', r.version || '', { field: 'version' }],
      ['Published', `${dateText(r.published) || 'not recorded'}; in the ledger from log position ${rules.publishedAtPosition}`],
      ['Summary', r.summary || ''],
      ['PCN sum', big(e.ratePerPatientMillipence) > 0n
        ? `${ratePerPatient(e.ratePerPatientMillipence)} per weighted patient${e.rateUnverified ? ' (unverified)' : ''}, population as at ${dateText(e.populationDate)}`
        : 'No rate per patient: the commissioner gives each PCN\u2019s sum'],
      ['National funding', big(e.nationalPotPence) > 0n ? `${money(e.nationalPotPence)}${e.nationalPotUnverified ? ' (unverified)' : ''}` : 'not known'],
      ['Baseline roles', (r.baselineRoles || []).map(roleName).join(', ') || 'none'],
      yc ? ['Maxima known', `${yc.priced} of ${yc.eligible} eligible role-periods are priced`] : null,
    ]),
    tableSection('Roles', {
      caption: 'Eligible roles and how much is reimbursed',
      id: 'roles-table',
      columns: [{ title: 'Role' }, { title: 'Eligible from', nowrap: true }, { title: 'to', nowrap: true }, { title: 'Band' }, { title: 'Reimbursed', numeric: true }, { title: 'Note' }],
      rows: (r.roles || []).map((role) => [
        { value: roleName(role.role), header: true }, dateText(role.eligibleFrom), dateText(role.eligibleTo),
        role.bandRow && role.bandRow !== role.band ? `${role.band} (row ${role.bandRow})` : role.band || '', percentBp(role.reimbursedBp),
        [role.unverified ? 'unverified. ' : '', role.maximumAfterPercentage ? 'maximum caps the reimbursement. ' : '', role.note || ''].join('').trim(),
      ]),
    }),
    tableSection('Maximum reimbursable amounts', {
      caption: 'Annual maximum per WTE, by role and period',
      id: 'maxima-table',
      columns: [{ title: 'Role' }, { title: 'From', nowrap: true }, { title: 'To', nowrap: true }, { title: 'Annual maximum', numeric: true },
        { title: 'From where' }, { title: 'Confidence' }, { title: 'Outer London', numeric: true }, { title: 'Inner London', numeric: true }],
      rows: (yc ? yc.rows || [] : []).map((c) => {
        const known = big(c.annualMaxPence) > 0n;
        return [
          { value: roleName(c.role), header: true }, dateText(c.from), dateText(c.to),
          known ? money(c.annualMaxPence) : 'unknown', known ? c.whereFrom || '' : '',
          known ? CONFIDENCE[c.confidence] || '-' : '',
          big(c.outerLondonPence) > 0n ? money(c.outerLondonPence) : '', big(c.innerLondonPence) > 0n ? money(c.innerLondonPence) : '',
        ];
      }),
      empty: 'No role is eligible in this rule version.',
    }),
    yc && (yc.rows || []).some((c) => c.source) ? details('Sources of the figures',
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, (yc.rows || []).filter((c) => c.source).map((c) => h('li', null,
        h('strong', null, `${roleName(c.role)}, ${dateText(c.from)} to ${dateText(c.to)}: `), h('span', { class: 'arrs-source' }, c.source))))) : null,
    hint('Confidence: P published; P* published with the period inferred; B band-inferred (published for another role on the same band row); - not recorded.'),
    tableSection('Caps on whole-time equivalents', {
      caption: 'Caps by list size',
      id: 'cap-rules-table',
      columns: [{ title: 'Roles' }, { title: 'From', nowrap: true }, { title: 'To', nowrap: true }, { title: 'Below threshold (WTE)', numeric: true },
        { title: 'At or above (WTE)', numeric: true }, { title: 'Threshold (patients)', numeric: true }, { title: 'Enforced' }],
      rows: (r.caps || []).map((c) => [
        { value: (c.roles || []).map(roleName).join(' + '), header: true }, dateText(c.effectiveFrom), dateText(c.effectiveTo),
        wte(c.capWteBpBelow), wte(c.capWteBpAtOrAbove), Number(c.listSizeThreshold || 0).toLocaleString('en-GB'),
        c.unverified ? 'no (unverified)' : 'yes',
      ]),
      empty: 'No cap in this rule version.',
    }),
    (r.training || []).length ? [
      tableSection('Training time', {
        caption: 'Reimbursed training time',
        id: 'training-table',
        columns: [{ title: 'Role' }, { title: 'From', nowrap: true }, { title: 'To', nowrap: true }, { title: 'Reimbursed', numeric: true }, { title: 'Description' }],
        rows: r.training.map((t) => [{ value: roleName(t.role), header: true }, dateText(t.effectiveFrom), dateText(t.effectiveTo),
          percentBp(t.reimbursedBp), `${t.description || ''}${t.unverified ? ' (unverified)' : ''}`]),
      }),
    ] : null,
  );
  ctx.show(...nodes);
  ctx.markStatus('ready');
}

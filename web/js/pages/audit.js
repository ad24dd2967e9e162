// The audit trail (GetAuditTrail) of a PCN, or of one member of staff or one claim: who
// recorded what, when, why, from when it holds; corrections and superseded assessments
// linked both ways (AuditEntry.corrected_by / Event.corrects, superseded_by / supersedes).
import { h } from '../dom.js';
import { query } from '../api.js';
import { hrefOf, seg, timeParams } from '../state.js';
import { pcnPage } from '../pcnframe.js';
import {
  big, dateText, enumWords, financialYear, microsText, money, percentBp, wte,
} from '../format.js';
import {
  button, field, hint, link, para, table, textInput,
} from '../ui.js';

const camelToSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// The event's kind as `arrsctl audit` names it (cli/describe.cc EventKind).
export function eventKind(event) {
  const payload = event.payload || {};
  const keys = Object.keys(payload);
  if (!keys.length) return event.redacted ? 'redacted' : 'none';
  if (keys[0] === 'eventReversed') return 'reversal';
  return camelToSnake(keys[0]);
}

const pounds = money;
const roleText = (r) => enumWords(r);

// What the event says, as `arrsctl audit` describes it (cli/describe.cc DescribePayload).
export function describePayload(event) {
  const p = event.payload || {};
  if (p.pcnRegistered) {
    const r = p.pcnRegistered;
    return `${r.pcnCode} "${r.name}" ICB ${r.icbCode}, ${(r.memberPractices || []).length} practices`;
  }
  if (p.listSizeRecorded) {
    const l = p.listSizeRecorded;
    const milli = big(l.weightedPopulationMilli);
    return `list size ${l.registeredListSize}, weighted ${milli / 1000n}.${String(milli % 1000n).padStart(3, '0')}`;
  }
  if (p.baselineRecorded) {
    return ['baseline', ...(p.baselineRecorded.roles || []).map((r) => `${roleText(r.role)}=${r.headcount}/${wte(r.wteBp)}WTE`)].join(' ');
  }
  if (p.entitlementSet) {
    const e = p.entitlementSet;
    return `${financialYear(e.financialYear)} sum ${pounds(e.sumPence)}${e.derived ? ` (derived, ${e.ruleVersion})` : ' (given)'}`;
  }
  if (p.staffHired) {
    const s = p.staffHired;
    return `${s.staffId} ${roleText(s.role)} ${wte(s.wteBp)} WTE, pay ${pounds(s.annualSalaryPence)} + on-costs ${pounds(s.annualOnCostsPence)}`;
  }
  if (p.staffStarted) return `${p.staffStarted.staffId} started`;
  if (p.fteChanged) return `${p.fteChanged.staffId} WTE -> ${wte(p.fteChanged.wteBp)}`;
  if (p.payChanged) {
    return `${p.payChanged.staffId} pay -> ${pounds(p.payChanged.annualSalaryPence)} + on-costs ${pounds(p.payChanged.annualOnCostsPence)}`;
  }
  if (p.leaveRecorded) {
    const l = p.leaveRecorded;
    return `${l.staffId} ${String(l.kind || '').toLowerCase()} leave to ${dateText(l.endDate)}, paid ${percentBp(l.paidShareBp)}`;
  }
  if (p.staffLeft) return `${p.staffLeft.staffId} left${p.staffLeft.leavingReason ? ` (${p.staffLeft.leavingReason})` : ''}`;
  if (p.claimSubmitted) {
    const c = p.claimSubmitted;
    const total = (c.lines || []).reduce((t, l) => t + big(l.actualCostPence), 0n);
    return `claim ${c.claimId} (month ${dateText(c.month).slice(0, 7)}): ${(c.lines || []).length} lines, ${pounds(total)}`;
  }
  if (p.claimAssessed) return `claim ${p.claimAssessed.claimId} assessed: approved ${pounds(p.claimAssessed.totalApprovedPence)}`;
  if (p.claimLineReduced) {
    const r = p.claimLineReduced;
    return `claim ${r.claimId} line ${r.lineNo} reduced to ${pounds(r.approvedPence)}`;
  }
  if (p.arrearsPaid) return `claim ${p.arrearsPaid.claimId} arrears paid ${pounds(p.arrearsPaid.amountPence)}`;
  if (p.overpaymentRecovered) {
    const o = p.overpaymentRecovered;
    return `claim ${o.claimId} overpayment recovered ${pounds(o.amountPence)}${o.method === 'OFFSET' ? ` by offset against claim ${o.offsetClaimId}` : ' (repaid)'}`;
  }
  if (p.claimPaid) {
    const c = p.claimPaid;
    return `claim ${c.claimId} paid ${pounds(c.amountPence)}${c.paymentReference ? ` ref ${c.paymentReference}` : ''}`;
  }
  if (p.ruleVersionPublished) return `rules ${(p.ruleVersionPublished.rules || {}).version || ''}`;
  if (p.eventReversed) return `reverses position ${event.corrects}`;
  if (p.londonZoneRecorded) {
    const z = p.londonZoneRecorded;
    return `London zone ${z.zone}${z.source ? ` (${z.source})` : ''}`;
  }
  return event.redacted ? '(payload redacted)' : '';
}

// The staff id or claim id an event is about (for the filter links).
function subjectOf(event) {
  const p = event.payload || {};
  const inner = p[Object.keys(p)[0]] || {};
  return { staffId: inner.staffId || '', claimId: inner.claimId || '' };
}

export async function auditPage(ctx, code) {
  const q = ctx.route.query;
  const staff = (q.get('staff') || '').trim();
  const claim = (q.get('claim') || '').trim();
  const scope = [staff ? `staff ${staff}` : '', claim ? `claim ${claim}` : ''].filter(Boolean).join(', ');
  await pcnPage(ctx, {
    code,
    tab: 'audit',
    title: scope ? `Audit trail of ${scope}` : 'Audit trail',
    asOf: null,
    load: (req) => query('GetAuditTrail', {
      pcnCode: code, staffId: staff, claimId: claim, ...(req.knownAt ? { knownAt: req.knownAt } : {}),
    }),
    computedAt: (t) => t.computedAtPosition,
    body: (trail) => {
      const entries = trail.entries || [];
      const shown = new Set(entries.map((e) => String(e.event.position)));
      const tq = timeParams(q, { asOf: false });
      const base = `/pcn/${seg(code)}/audit`;
      const filtered = { ...tq, staff, claim };
      const toPosition = (pos) => (shown.has(String(pos))
        ? hrefOf(base, { ...filtered, pos })
        : hrefOf(base, { ...tq, pos }));
      const posLink = (label, pos) => link(toPosition(pos), `${label} ${pos}`, { dataset: { target: String(pos) } });

      const staffInput = textInput('audit-staff', { width: 10, value: staff, autocomplete: 'off', spellcheck: 'false' });
      const claimInput = textInput('audit-claim', { width: 10, value: claim, autocomplete: 'off', spellcheck: 'false' });
      const filter = h('form', { class: 'arrs-filter', novalidate: true, 'aria-label': 'Filter the audit trail' },
        h('div', { class: 'arrs-filter__fields' },
          field({ id: 'audit-staff', label: 'Staff id', hintText: 'e.g. CP-01', input: staffInput }),
          field({ id: 'audit-claim', label: 'Claim id', hintText: 'e.g. 2024-05', input: claimInput })),
        h('div', { class: 'arrs-filter__actions' },
          button('Filter', { secondary: true, small: true, id: 'audit-filter' }),
          scope ? link(hrefOf(base, tq), 'Show every event') : null));
      filter.addEventListener('submit', (event) => {
        event.preventDefault();
        ctx.go(hrefOf(base, { ...tq, staff: staffInput.value.trim(), claim: claimInput.value.trim() }));
      });

      return [
        filter,
        para(`${entries.length} events${scope ? ` about ${scope}` : ''}, as known at log position ${trail.computedAtPosition}.`),
        table({
          caption: 'Events, oldest first',
          id: 'audit-table',
          columns: [{ title: 'Position', numeric: true }, { title: 'Event' }, { title: 'Corrections' }, { title: 'In force' }],
          rows: entries.map((entry) => {
            const ev = entry.event;
            const links = [];
            if (big(ev.corrects) !== 0n) links.push(posLink('corrects', ev.corrects));
            for (const p of entry.correctedBy || []) links.push(posLink('corrected by', p));
            if (big(entry.supersedes) !== 0n) links.push(posLink('supersedes', entry.supersedes));
            if (big(entry.supersededBy) !== 0n) links.push(posLink('superseded by', entry.supersededBy));
            const subject = subjectOf(ev);
            const filters = [];
            if (subject.staffId && subject.staffId !== staff) {
              filters.push(link(hrefOf(base, { ...tq, staff: subject.staffId }), `only ${subject.staffId}`, { class: 'nhsuk-link arrs-filter-link' }));
            }
            if (subject.claimId && subject.claimId !== claim) {
              filters.push(link(hrefOf(base, { ...tq, claim: subject.claimId }), `only claim ${subject.claimId}`, { class: 'nhsuk-link arrs-filter-link' }));
            }
            const inForce = entry.cancelled
              ? (big(entry.supersededBy) !== 0n ? 'no (superseded)' : 'no (corrected)')
              : 'yes';
            return {
              id: `pos-${ev.position}`,
              className: entry.cancelled ? 'arrs-cancelled' : '',
              cells: [
                { value: String(ev.position), header: true, numeric: true },
                h('div', { class: 'arrs-event' },
                  h('span', { class: 'arrs-event__kind', dataset: { kind: eventKind(ev) } }, eventKind(ev)),
                  h('span', { class: 'arrs-event__what' }, describePayload(ev)),
                  ev.reason ? h('span', { class: 'arrs-event__reason' }, h('span', { class: 'arrs-event__label' }, 'Reason: '), ev.reason) : null,
                  h('span', { class: 'arrs-event__meta' },
                    h('span', { class: 'arrs-nowrap' }, 'effective ', dateText(ev.effectiveDate) || '\u2014'), ' \u00b7 ',
                    h('span', { class: 'arrs-nowrap' }, 'recorded ', microsText(ev.recordedAtMicros).replace('T', ' ').replace('Z', ' UTC')), ' \u00b7 ',
                    h('span', { class: 'arrs-nowrap' }, 'by ', ev.actor || 'unknown')),
                  filters.length ? h('span', { class: 'arrs-event__filters' }, filters.map((f, i) => [i ? ' \u00b7 ' : '', f])) : null),
                links.length ? h('ul', { class: 'nhsuk-list arrs-compact' }, links.map((l) => h('li', null, l))) : '',
                { value: inForce, field: 'inForce' },
              ],
            };
          }),
          empty: `No event${scope ? ` about ${scope}` : ''} is known at this position.`,
        }),
        hint('A fact is never edited: a later event reverses or replaces it, and both are kept. Struck-through rows are no longer in force.'),
      ];
    },
  });
}

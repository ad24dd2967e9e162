// Commissioners' and admins' worklist: claims of the PCNs in scope not yet paid
// (submitted, or assessed and unpaid), and a review page per claim to assess it, reduce
// a line (with a reason) and pay it. Each command carries a fresh request id
// ("console:" + a random UUID) and the PCN's stream version it was decided on, so a
// concurrent change is refused (ABORTED) instead of being overwritten.
//
// The API has no "claims by status" query: the list is made from GetBalance of every PCN
// in scope and every financial year since 2019/20.
import { h } from '../dom.js';
import {
  ApiError, command, pool, query, requestId,
} from '../api.js';
import {
  canDecide, hrefOf, invalidate, listPcns, seg,
} from '../state.js';
import {
  big, compareDates, count, dateText, enumWords, financialYear, financialYearOf, money, monthName,
  parseDate, parsePounds, todayUtc,
} from '../format.js';
import {
  breadcrumbs, button, errorSummary, field, heading, hint, inset, link, notification, para,
  select, summaryList, table, tag, textInput,
} from '../ui.js';
import { PCN_CODE, forbiddenPcn } from '../pcnframe.js';
import { yearsToNow } from './overview.js';

const OPEN = new Set(['submitted', 'assessed']);
let flash = null; // a success banner for the next render of a review page

// As of today or the year's end, whichever is later: every payment recorded so far counts.
function asOfFor(year) {
  const end = { year: year + 1, month: 3, day: 31 };
  const today = todayUtc();
  return compareDates(today, end) > 0 ? today : end;
}

function notAllowed(ctx, title) {
  ctx.show(heading(title),
    inset(`Only commissioners and admins assess and pay claims. You are signed in as ${ctx.principal.name} (${ctx.principal.role}).`),
    para(link('#/pcns', 'Go to the PCN list')));
  ctx.markStatus('forbidden');
}

export function reviewHref(pcnCode, claimId, year) {
  return hrefOf(`/worklist/${seg(pcnCode)}/${seg(claimId)}`, { year });
}

export async function worklistPage(ctx) {
  if (!canDecide()) {
    notAllowed(ctx, 'Worklist');
    return;
  }
  ctx.show(heading('Worklist'), h('p', { class: 'nhsuk-body arrs-loading', role: 'status' }, 'Gathering the claims not yet paid\u2026'));
  invalidate();
  const list = await listPcns();
  const pcns = (list.pcns || []).slice().sort((a, b) => a.pcnCode.localeCompare(b.pcnCode));
  const years = yearsToNow();
  const jobs = [];
  for (const p of pcns) {
    for (const year of years) {
      jobs.push({ pcn: p, year });
    }
  }
  const results = await pool(jobs.map((j) => () => query('GetBalance', {
    pcnCode: j.pcn.pcnCode, financialYear: j.year, asOf: asOfFor(j.year),
  })), 4);
  if (!ctx.isCurrent()) return;
  const auth = results.find((r) => !r.ok && r.error instanceof ApiError && r.error.unauthenticated);
  if (auth) throw auth.error;
  const open = [];
  const failures = [];
  results.forEach((r, i) => {
    if (!r.ok) {
      failures.push({ job: jobs[i], error: r.error });
      return;
    }
    for (const c of r.value.claims || []) {
      if (OPEN.has(c.status)) open.push({ pcn: jobs[i].pcn, year: jobs[i].year, claim: c });
    }
  });
  open.sort((a, b) => (a.pcn.pcnCode.localeCompare(b.pcn.pcnCode)) || compareDates(a.claim.month, b.claim.month));

  ctx.show(
    heading('Worklist'),
    para(`Claims not yet paid, of the ${pcns.length} PCNs you may decide for, ${financialYear(years[0])} to ${financialYear(years[years.length - 1])}, as the ledger stands now (log position ${list.computedAtPosition}).`),
    failures.length ? errorSummary(failures[0].error, {
      title: `${failures.length} of ${jobs.length} balances could not be read (first: ${failures[0].job.pcn.pcnCode} ${financialYear(failures[0].job.year)})`,
    }) : null,
    table({
      caption: `${count(open.length, 'claim', 'claims')} to assess or pay`,
      id: 'worklist-table',
      columns: [{ title: 'PCN' }, { title: 'Claim' }, { title: 'Month' }, { title: 'Status' },
        { title: 'Claimed', numeric: true }, { title: 'Approved', numeric: true }, { title: 'Action' }],
      rows: open.map(({ pcn, year, claim }) => ({
        className: 'arrs-work-row',
        cells: [
          { value: h('span', null, pcn.pcnCode, h('br'), h('span', { class: 'arrs-secondary' }, pcn.name)), header: true },
          claim.claimId, monthName(claim.month), tag(claim.status), money(claim.claimedPence),
          claim.status === 'submitted' ? '\u2014' : money(claim.approvedPence),
          link(reviewHref(pcn.pcnCode, claim.claimId, year), claim.status === 'submitted' ? 'Assess' : 'Review and pay', {
            'aria-label': `${claim.status === 'submitted' ? 'Assess' : 'Review and pay'} claim ${claim.claimId} of ${pcn.pcnCode}`,
            dataset: { pcn: pcn.pcnCode, claim: claim.claimId },
            class: 'nhsuk-link arrs-review-link',
          }),
        ],
      })),
      empty: 'Nothing to do: every claim of your PCNs is paid.',
    }),
  );
  ctx.markStatus('ready');
}

// ------------------------------------------------------------------------------ review

function yearOf(q, claimId) {
  const y = Number(q.get('year'));
  if (y >= 2019) return y;
  const m = /^(\d{4})-(\d{2})/.exec(claimId);
  return m ? financialYearOf({ year: Number(m[1]), month: Number(m[2]), day: 1 }) : 0;
}

export async function reviewPage(ctx, pcnCode, claimId) {
  if (!canDecide()) {
    notAllowed(ctx, `Claim ${claimId}`);
    return;
  }
  if (!PCN_CODE.test(pcnCode)) {
    ctx.show(heading('Page not found'), errorSummary([{ text: `"${pcnCode}" is not a PCN code` }]));
    return;
  }
  const q = ctx.route.query;
  const year = yearOf(q, claimId);
  const banner = flash;
  flash = null;
  invalidate();
  const crumbs = breadcrumbs([['Worklist', '#/worklist']]);
  const title = `Claim ${claimId} of ${pcnCode}`;
  if (!year) {
    ctx.show(crumbs, heading(title), errorSummary([{ text: 'Open this claim from the worklist (its financial year is not known).' }]));
    return;
  }
  const [balanceR, trailR, listR] = await Promise.allSettled([
    query('GetBalance', { pcnCode, financialYear: year, asOf: asOfFor(year) }),
    query('GetAuditTrail', { pcnCode, claimId }),
    listPcns(),
  ]);
  if (!ctx.isCurrent()) return;
  // ExplainClaim answers FAILED_PRECONDITION for a claim not yet assessed: only ask once
  // the balance says it was.
  const summary = balanceR.status === 'fulfilled'
    ? (balanceR.value.claims || []).find((c) => c.claimId === claimId) : null;
  let explainR = { status: 'fulfilled', value: { lines: [], reductions: [] } };
  if (summary && summary.status !== 'submitted') {
    [explainR] = await Promise.allSettled([query('ExplainClaim', { pcnCode, claimId, lineNo: 0 })]);
    if (!ctx.isCurrent()) return;
  }
  const failed = [balanceR, trailR, explainR, listR].find((r) => r.status === 'rejected');
  if (failed) {
    const e = failed.reason;
    if (e instanceof ApiError && e.unauthenticated) throw e;
    if (e instanceof ApiError && e.forbidden) {
      forbiddenPcn(ctx, pcnCode, e);
      return;
    }
    ctx.show(crumbs, heading(title), errorSummary(e));
    ctx.markStatus('error');
    return;
  }
  const balance = balanceR.value;
  const explanation = explainR.value;
  // The lines as submitted: the claim_submitted event in force.
  const submittedEntry = (trailR.value.entries || []).filter((e) => e.event.payload && e.event.payload.claimSubmitted && !e.cancelled).pop();
  const submittedLines = submittedEntry ? submittedEntry.event.payload.claimSubmitted.lines || [] : [];
  const pcn = (listR.value.pcns || []).find((p) => p.pcnCode === pcnCode) || null;
  const claim = (balance.claims || []).find((c) => c.claimId === claimId);
  if (!claim) {
    ctx.show(crumbs, heading(title), errorSummary([{ text: `PCN ${pcnCode} has no claim ${claimId} in ${financialYear(year)}.` }], { title: 'Claim not found' }));
    ctx.markStatus('error');
    return;
  }
  const expectedVersion = pcn ? String(pcn.streamVersion) : undefined;
  const approvedNow = new Map();
  for (const l of explanation.lines || []) approvedNow.set(l.lineNo, big(l.approvedPence));
  for (const r of explanation.reductions || []) approvedNow.set(r.lineNo, big(r.approvedPence));
  const toPay = big(claim.approvedPence) - big(claim.paidPence);
  const status = claim.status;
  const auditHref = hrefOf(`/pcn/${seg(pcnCode)}/audit`, { claim: claimId });

  const problems = h('div', { id: 'review-problems' });
  const header = (extra = {}) => ({
    requestId: requestId(),
    ...(expectedVersion ? { expectedVersion } : {}),
    ...extra,
  });

  // Runs a command; on success re-renders with a banner, on failure shows the error.
  const run = async (buttonEl, method, body, describe) => {
    buttonEl.disabled = true;
    problems.replaceChildren();
    try {
      const result = await command(method, body);
      invalidate();
      flash = describe(result);
      ctx.reload();
    } catch (e) {
      if (e instanceof ApiError && e.unauthenticated) {
        ctx.signOut('Your token was not accepted. Sign in again.');
        return;
      }
      buttonEl.disabled = false;
      let title = `${method} was refused`;
      if (e instanceof ApiError && e.code === 'ABORTED') {
        title = 'The PCN changed since this page was loaded: reload it and check again';
      }
      problems.replaceChildren(errorSummary(e, { title, forbiddenTitle: `You may not decide for PCN ${pcnCode}` }));
      problems.querySelector('.nhsuk-error-summary').focus();
    }
  };
  const positions = (r) => (r.firstPosition === r.lastPosition ? `log position ${r.lastPosition}` : `log positions ${r.firstPosition} to ${r.lastPosition}`);
  const dedup = (r) => (r.deduplicated ? ' (already recorded: nothing new written)' : '');

  const sections = [];
  const editable = OPEN.has(status);

  // Assess.
  if (editable) {
    const b = button(status === 'submitted' ? 'Assess claim' : 'Assess again', { id: 'assess', secondary: status !== 'submitted' });
    const form = h('form', { novalidate: true, id: 'assess-form' },
      status === 'submitted'
        ? para('The calculator prices each line from the rules and facts known now and records the assessment.')
        : para('A new assessment supersedes the one in force, priced from the rules and facts known now. Reductions made to the one in force do not carry over.'),
      b);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(b, 'AssessClaim', { header: header(), pcnCode, claimId },
        (r) => [`Claim ${claimId} assessed: approved ${money(r.assessment ? r.assessment.totalApprovedPence : 0)}`, `Recorded at ${positions(r)}${dedup(r)}.`]);
    });
    sections.push(heading(status === 'submitted' ? 'Assess' : 'Assess again', { level: 2 }), form);
  }

  // Reduce a line.
  const reducible = (explanation.lines || []).filter((l) => (approvedNow.get(l.lineNo) || 0n) > 0n);
  if (status === 'assessed' && reducible.length) {
    const lineSelect = select('reduce-line', reducible.map((l) => [String(l.lineNo),
      `Line ${l.lineNo}, ${l.staffId}: approved ${money(approvedNow.get(l.lineNo))}`]), String(reducible[0].lineNo));
    const amount = textInput('reduce-amount', { width: 10, inputmode: 'decimal', autocomplete: 'off' });
    const reason = h('textarea', { class: 'nhsuk-textarea', id: 'reduce-reason', name: 'reduce-reason', rows: '3' });
    const b = button('Reduce line', { id: 'reduce', secondary: true });
    const form = h('form', { novalidate: true, id: 'reduce-form' },
      field({ id: 'reduce-line', label: 'Line', input: lineSelect }),
      field({ id: 'reduce-amount', label: 'New approved amount, in pounds (£)', hintText: 'Lower than the amount approved now, e.g. 1234.50', input: amount }),
      field({ id: 'reduce-reason', label: 'Reason', hintText: 'Recorded with the reduction and shown in the audit trail.', input: reason }),
      b);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const lineNo = Number(lineSelect.value);
      const pence = parsePounds(amount.value);
      const errors = [];
      if (pence === null || pence < 0n) errors.push({ text: 'Enter the new approved amount in pounds, like 1234.50', focus: 'reduce-amount' });
      else if (pence >= (approvedNow.get(lineNo) || 0n)) errors.push({ text: `The new amount must be lower than ${money(approvedNow.get(lineNo) || 0n)}`, focus: 'reduce-amount' });
      if (!reason.value.trim()) errors.push({ text: 'Enter the reason for the reduction', focus: 'reduce-reason' });
      if (errors.length) {
        problems.replaceChildren(errorSummary(errors));
        problems.querySelector('.nhsuk-error-summary').focus();
        return;
      }
      run(b, 'ReduceClaimLine', {
        header: header({ reason: reason.value.trim() }), pcnCode, claimId, lineNo, approvedPence: pence.toString(),
      }, (r) => [`Line ${lineNo} of claim ${claimId} reduced to ${money(pence)}`, `Recorded at ${positions(r)}${dedup(r)}.`]);
    });
    sections.push(heading('Reduce a line', { level: 2 }), form);
  }

  // Pay.
  if (status === 'assessed') {
    if (toPay > 0n) {
      const today = todayUtc();
      const paidOn = textInput('pay-date', { type: 'date', width: 10, value: dateText(today) });
      const reference = textInput('pay-reference', {
        width: 20, value: `${pcn ? pcn.icbCode : 'ICB'}-${pcnCode}-${claimId}`, autocomplete: 'off', maxlength: '200',
      });
      const b = button(`Pay ${money(toPay)}`, { id: 'pay' });
      const form = h('form', { novalidate: true, id: 'pay-form' },
        summaryList([['Amount', money(toPay), { field: 'toPay' }]], { noBorder: true }),
        field({ id: 'pay-date', label: 'Paid on', input: paidOn }),
        field({ id: 'pay-reference', label: 'Payment reference (optional)', input: reference }),
        b);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const d = parseDate(paidOn.value);
        if (!d) {
          problems.replaceChildren(errorSummary([{ text: 'Enter the payment date, like 2025-06-20', focus: 'pay-date' }]));
          problems.querySelector('.nhsuk-error-summary').focus();
          return;
        }
        run(b, 'PayClaim', {
          header: header(), pcnCode, claimId, paidOn: d, amountPence: toPay.toString(), paymentReference: reference.value.trim(),
        }, (r) => [`Claim ${claimId} paid: ${money(toPay)} on ${dateText(d)}`, `Recorded at ${positions(r)}${dedup(r)}.`]);
      });
      sections.push(heading('Pay', { level: 2 }), hint('The amount is the approved total not yet paid; the ledger refuses any other.'), form);
    } else {
      sections.push(heading('Pay', { level: 2 }), inset('Nothing is approved for this claim, so there is nothing to pay.'));
    }
  }

  const lines = explanation.lines || [];
  ctx.show(
    crumbs,
    heading(title, { caption: pcn ? `${pcn.name}, ICB ${pcn.icbCode}` : `PCN ${pcnCode}` }),
    banner ? notification(banner[0], banner[1], ' ', link(auditHref, `Audit trail of claim ${claimId}`)) : null,
    problems,
    summaryList([
      ['Month', monthName(claim.month)],
      ['Status', tag(status), { field: 'status' }],
      ['Claimed', money(claim.claimedPence), { field: 'claimedPence' }],
      ['Approved', money(claim.approvedPence), { field: 'approvedPence' }],
      ['Paid', money(claim.paidPence), { field: 'paidPence' }],
    ]),
    lines.length ? table({
      caption: 'Lines as assessed',
      captionSize: 's',
      id: 'review-lines',
      columns: [{ title: 'Line', numeric: true }, { title: 'Staff' }, { title: 'Claimed', numeric: true },
        { title: 'Approved', numeric: true }, { title: 'Outcome' }],
      rows: lines.map((l) => [{ value: String(l.lineNo), header: true, numeric: true }, l.staffId, money(l.claimedPence),
        money(approvedNow.get(l.lineNo) || 0n), enumWords(l.outcome)]),
    }) : [
      inset('Not assessed yet: the lines are priced when the claim is assessed.'),
      table({
        caption: 'Lines as submitted',
        captionSize: 's',
        id: 'submitted-lines',
        columns: [{ title: 'Line', numeric: true }, { title: 'Staff', nowrap: true }, { title: 'Actual cost for the month', numeric: true }],
        rows: submittedLines.map((l) => [{ value: String(l.lineNo), header: true, numeric: true }, l.staffId, money(l.actualCostPence)]),
        empty: 'The submitted lines are not in the audit trail.',
      }),
    ],
    para(lines.length ? [link(hrefOf(`/pcn/${seg(pcnCode)}/claim/${seg(claimId)}`), 'How each line was priced'), ' \u00b7 '] : null, link(auditHref, 'Audit trail of this claim')),
    editable ? sections : inset(`This claim is ${status}: nothing to decide.`),
    para(link('#/worklist', 'Back to the worklist')),
  );
  ctx.markStatus('ready');
  if (banner) {
    const b = document.querySelector('.nhsuk-notification-banner');
    if (b) b.focus();
  }
}

// Commissioners' and admins' worklist: claims of the PCNs in scope not yet paid
// (submitted, or assessed and unpaid), and a review page per claim to assess it, reduce
// a line (with a reason) and pay it. Each command carries a fresh request id
// ("console:" + a random UUID) and the PCN's stream version it was decided on (ListPcns),
// so a concurrent change is refused (ABORTED) instead of being overwritten.
//
// The list comes from QueryService/ListClaims (claims across the PCNs of an ICB, or of
// every ICB, by status): one call for admins (every ICB: icbCode ""), one per ICB of a
// commissioner's scope. Each answer holds at most MAX_CLAIMS claims and says when more
// matched (truncated); the page then says how many it shows.
import { h } from '../dom.js';
import {
  ApiError, command, pool, query, requestId,
} from '../api.js';
import {
  canDecide, hrefOf, invalidate, listPcns, role, seg,
} from '../state.js';
import {
  big, compareDates, count, dateText, enumWords, financialYear, financialYearOf, money, monthName,
  parseDate, parsePounds, todayUtc,
} from '../format.js';
import {
  breadcrumbs, button, errorSummary, field, heading, hint, inset, link, notification, para,
  select, summaryList, table, tag, textInput, warningCallout,
} from '../ui.js';
import { PCN_CODE, forbiddenPcn } from '../pcnframe.js';

const OPEN = new Set(['submitted', 'assessed']);
const MAX_CLAIMS = 1000; // per ListClaims answer (the server's default; it allows 10000)
let flash = null; // a success banner for the next render of a review page

// Statuses as of the end of the current financial year (or of `year`, if later), not
// today: a payment recorded with a later date is recorded all the same, and the claim
// has nothing left to do. The worklist and the review page use the same day, so they
// agree on a claim's status.
function asOfFor(year = 0) {
  const y = Math.max(financialYearOf(todayUtc()), year);
  return { year: y + 1, month: 3, day: 31 };
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

// The ICB codes to ask ListClaims about: "" (every ICB, one call) for admins and
// auditors, who may list nationally; a commissioner's own ICBs otherwise (the national
// list is not theirs), those of the PCNs it may see when its scope is every ICB.
async function worklistIcbs(principal) {
  if (role() === 'admin' || role() === 'auditor') return [''];
  if (!principal.allScope) return (principal.scope || []).slice().sort();
  const list = await listPcns();
  return [...new Set((list.pcns || []).map((p) => p.icbCode))].sort();
}

const icbWords = (icbs) => (icbs.length === 1 ? `ICB ${icbs[0]}` : `ICBs ${icbs.join(', ')}`);

export async function worklistPage(ctx) {
  if (!canDecide()) {
    notAllowed(ctx, 'Worklist');
    return;
  }
  ctx.show(heading('Worklist'), h('p', { class: 'nhsuk-body arrs-loading', role: 'status' }, 'Gathering the claims not yet paid\u2026'));
  const icbs = await worklistIcbs(ctx.principal);
  const national = icbs.length === 1 && icbs[0] === '';
  const asOf = asOfFor();
  const results = await pool(icbs.map((icbCode) => () => query('ListClaims', {
    icbCode, statuses: [...OPEN], financialYear: 0, asOf, maxClaims: MAX_CLAIMS,
  })), 4);
  if (!ctx.isCurrent()) return;
  const auth = results.find((r) => !r.ok && r.error instanceof ApiError && r.error.unauthenticated);
  if (auth) throw auth.error;

  const open = [];
  const failures = [];
  const truncated = []; // {icb, last: the last PCN code listed}
  const positions = [];
  results.forEach((r, i) => {
    if (!r.ok) {
      failures.push({ icb: icbs[i], error: r.error });
      return;
    }
    const claims = (r.value.claims || []).filter((c) => c.claim && OPEN.has(c.claim.status));
    open.push(...claims);
    positions.push(Number(r.value.computedAtPosition || 0));
    if (r.value.truncated) {
      truncated.push({ icb: icbs[i], last: claims.length ? claims[claims.length - 1].pcnCode : '' });
    }
  });
  // As ListClaims orders each answer: by PCN code, then month, then claim id.
  open.sort((a, b) => a.pcnCode.localeCompare(b.pcnCode) || compareDates(a.claim.month, b.claim.month) ||
    a.claim.claimId.localeCompare(b.claim.claimId));
  const manyIcbs = national || icbs.length > 1;
  const pcnCount = new Set(open.map((c) => c.pcnCode)).size;
  const lo = Math.min(...positions);
  const hi = Math.max(...positions);
  const where = national ? 'every ICB' : (icbs.length ? icbWords(icbs) : 'no ICB (your scope is empty)');
  const shown = count(open.length, 'claim', 'claims');

  ctx.show(
    heading('Worklist'),
    para(`Claims submitted, or assessed and not yet paid, of the PCNs of ${where}, every financial year`,
      positions.length ? `, as the ledger stands now (log ${lo === hi ? `position ${hi}` : `positions ${lo} to ${hi}`}).` : '.'),
    failures.length ? errorSummary(failures[0].error, {
      title: national ? 'The claims could not be listed'
        : `${failures.length} of ${icbs.length} ICBs' claims could not be listed (first: ICB ${failures[0].icb})`,
      forbiddenTitle: national ? 'You may not list the claims of every ICB' : `You may not list the claims of ICB ${failures[0].icb}`,
    }) : null,
    truncated.length ? warningCallout(`Only the first ${shown} ${open.length === 1 ? 'is' : 'are'} shown`, { id: 'worklist-truncated' },
      h('p', { class: 'nhsuk-body', dataset: { shown: open.length } },
        `More claims are open than one list holds (${MAX_CLAIMS.toLocaleString('en-GB')} ${national ? '' : 'per ICB '}at most). `,
        truncated.map((t) => `${t.icb ? `The list of ICB ${t.icb}` : 'The list'} ends at PCN ${t.last || '(none)'}: its later claims, and those of the PCNs after it by code, are not shown. `),
        'Deal with these, then reload the worklist.')) : null,
    table({
      caption: truncated.length ? `${shown} to assess or pay shown (more not shown)`
        : `${shown} to assess or pay${pcnCount > 1 ? `, of ${pcnCount} PCNs` : ''}`,
      id: 'worklist-table',
      columns: [{ title: 'PCN' }, { title: 'Claim' }, { title: 'Month' }, { title: 'Status' },
        { title: 'Claimed', numeric: true }, { title: 'Approved', numeric: true }, { title: 'Action' }],
      rows: open.map(({
        pcnCode, pcnName, icbCode, claim,
      }) => ({
        className: 'arrs-work-row',
        cells: [
          {
            value: h('span', null, pcnCode, h('br'),
              h('span', { class: 'arrs-secondary' }, pcnName, manyIcbs && icbCode ? `, ICB ${icbCode}` : null)),
            header: true,
          },
          claim.claimId, monthName(claim.month), tag(claim.status), money(claim.claimedPence),
          claim.status === 'submitted' ? '\u2014' : money(claim.approvedPence),
          link(reviewHref(pcnCode, claim.claimId, financialYearOf(claim.month)), claim.status === 'submitted' ? 'Assess' : 'Review and pay', {
            'aria-label': `${claim.status === 'submitted' ? 'Assess' : 'Review and pay'} claim ${claim.claimId} of ${pcnCode}`,
            dataset: { pcn: pcnCode, claim: claim.claimId },
            class: 'nhsuk-link arrs-review-link',
          }),
        ],
      })),
      empty: failures.length ? 'No claims could be listed.' : 'Nothing to do: every claim of your PCNs is paid.',
    }),
    hint(`Statuses as of ${dateText(asOf)}, the end of this financial year, so a payment recorded with a date after today counts as paid.`),
  );
  ctx.markStatus(failures.length === results.length && results.length ? 'error' : 'ready');
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

// The time-travel controls shown on every PCN page (and the region and rules pages):
// an "as of" valid date and a "known at" point in the log's history, either a log
// position (number input and slider, with steps to the PCN's previous and next event) or
// a UTC time. The choice is kept in the hash's query string (as_of, known_at), so a URL
// reproduces the view; changing it re-renders the page.
import { h } from './dom.js';
import { hrefOf } from './state.js';
import { button, errorSummary } from './ui.js';
import { parseDate, parseTimeToMicros } from './format.js';

// opts:
//   route         the current route {path, query}
//   head          the log's head position (the slider's maximum)
//   min           the slider's minimum (the PCN's first event; 1 elsewhere)
//   positions     sorted positions of the PCN's events, for earlier/later steps ([] for none)
//   computedAt    the position the page's answer was computed at (0 when unknown)
//   asOf          null when the view takes no as_of, else {hint}
export function timeTravel({ route, head, min = 1, positions = [], computedAt = 0, asOf }) {
  const q = route.query;
  const knownAt = (q.get('known_at') || '').trim();
  const isPosition = /^\d+$/.test(knownAt);
  const isTime = knownAt && !isPosition;
  const current = isPosition ? Number(knownAt) : (computedAt || head);
  const lo = Math.max(1, Math.min(min || 1, head || 1));
  const hi = Math.max(lo, head || 1);

  const problems = h('div');
  const ids = {
    asOf: 'tt-as-of', position: 'tt-known-at', range: 'tt-known-at-range', time: 'tt-known-at-time',
  };

  const go = (params) => {
    const next = Object.fromEntries(q.entries());
    Object.assign(next, params);
    delete next.pos;
    const href = hrefOf(route.path, next);
    if (href !== window.location.hash) window.location.hash = href;
  };

  const asOfInput = asOf ? h('input', {
    class: 'nhsuk-input nhsuk-input--width-10', type: 'date', id: ids.asOf, name: 'as_of',
    value: q.get('as_of') || '', 'aria-describedby': `${ids.asOf}-hint`,
  }) : null;
  const positionInput = h('input', {
    class: 'nhsuk-input nhsuk-input--width-5', type: 'number', id: ids.position, name: 'known_at',
    inputmode: 'numeric', min: String(lo), max: String(hi), step: '1',
    value: isPosition ? knownAt : '', placeholder: String(hi), 'aria-describedby': `${ids.position}-hint`,
  });
  const rangeInput = h('input', {
    class: 'arrs-range', type: 'range', id: ids.range, min: String(lo), max: String(hi), step: '1',
    value: String(Math.min(hi, Math.max(lo, current || hi))),
    'aria-valuetext': `log position ${current || hi}`,
  });
  const timeInput = h('input', {
    class: 'nhsuk-input nhsuk-input--width-20', type: 'datetime-local', step: '1', id: ids.time,
    value: isTime ? knownAt.replace(/Z$/, '') : '', 'aria-describedby': `${ids.time}-hint`,
  });

  rangeInput.addEventListener('input', () => {
    positionInput.value = rangeInput.value;
    rangeInput.setAttribute('aria-valuetext', `log position ${rangeInput.value}`);
    timeInput.value = '';
  });
  // On release (pointer) or each key press: show the ledger as known then.
  rangeInput.addEventListener('change', () => {
    const value = Number(rangeInput.value);
    go({ known_at: value >= hi && !isPosition ? '' : String(value) });
  });
  positionInput.addEventListener('input', () => {
    timeInput.value = '';
  });
  timeInput.addEventListener('input', () => {
    positionInput.value = '';
  });

  const earlier = positions.filter((p) => p < current).pop();
  const later = positions.find((p) => p > current);
  const stepButtons = positions.length ? h('div', { class: 'arrs-tt__steps' },
    button('Earlier event', {
      type: 'button', secondary: true, small: true, id: 'tt-earlier', disabled: earlier === undefined,
      'aria-describedby': 'tt-steps-hint',
      on: { click: () => go({ known_at: String(earlier) }) },
    }),
    button('Later event', {
      type: 'button', secondary: true, small: true, id: 'tt-later', disabled: later === undefined,
      'aria-describedby': 'tt-steps-hint',
      on: { click: () => go({ known_at: String(later) }) },
    }),
    h('p', { class: 'nhsuk-body-s arrs-secondary', id: 'tt-steps-hint' },
      'Step to the position of this PCN\u2019s previous or next recorded event.')) : null;

  const form = h('form', { class: 'arrs-tt', novalidate: true, 'aria-label': 'Time travel' },
    problems,
    h('fieldset', { class: 'nhsuk-fieldset' },
      h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Time travel'),
      h('div', { class: 'arrs-tt__grid' },
        asOf ? h('div', { class: 'nhsuk-form-group arrs-tt__field' },
          h('label', { class: 'nhsuk-label', for: ids.asOf }, 'As of (valid date)'),
          h('div', { class: 'nhsuk-hint', id: `${ids.asOf}-hint` }, asOf.hint),
          asOfInput) : null,
        h('div', { class: 'nhsuk-form-group arrs-tt__field' },
          h('label', { class: 'nhsuk-label', for: ids.position }, 'Known at log position'),
          h('div', { class: 'nhsuk-hint', id: `${ids.position}-hint` },
            `${lo} to ${hi}. Blank: now (position ${hi}).`),
          positionInput,
          h('label', { class: 'nhsuk-u-visually-hidden', for: ids.range }, 'Known at log position (slider)'),
          rangeInput),
        h('div', { class: 'nhsuk-form-group arrs-tt__field' },
          h('label', { class: 'nhsuk-label', for: ids.time }, 'Or known at a time (UTC)'),
          h('div', { class: 'nhsuk-hint', id: `${ids.time}-hint` }, 'The last event recorded at or before it.'),
          timeInput)),
      stepButtons,
      h('div', { class: 'arrs-tt__actions' },
        button('Show', { small: true, id: 'tt-apply' }),
        h('a', { class: 'nhsuk-link arrs-tt__now', href: hrefOf(route.path, withoutTime(q)), id: 'tt-now' },
          asOf ? 'Now, with no as-of date' : 'Now'))),
    h('p', { class: 'nhsuk-body-s arrs-computed', id: 'computed-at', dataset: { position: computedAt || '' } },
      computedAt ? `Computed at log position ${computedAt}` : 'Not computed',
      head ? ` (latest: ${head})` : '',
      computedAt && head && computedAt < head ? ' \u2014 you are looking at the past' : ''));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const errors = [];
    const params = {};
    if (asOfInput) {
      const v = asOfInput.value.trim();
      if (v && !parseDate(v)) errors.push({ text: 'Enter the as-of date as a real date, like 2024-12-31', focus: ids.asOf });
      params.as_of = v;
    }
    const t = timeInput.value.trim();
    const p = positionInput.value.trim();
    if (t) {
      if (!parseTimeToMicros(t)) errors.push({ text: 'Enter the known-at time like 2025-01-31T09:00:00', focus: ids.time });
      params.known_at = t.length === 16 ? `${t}:00Z` : `${t}Z`;
    } else if (p) {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n < 1 || n > hi) {
        errors.push({ text: `Enter a log position from 1 to ${hi}`, focus: ids.position });
      }
      params.known_at = p;
    } else {
      params.known_at = '';
    }
    if (errors.length) {
      problems.replaceChildren(errorSummary(errors));
      problems.querySelector('.nhsuk-error-summary').focus();
      return;
    }
    go(params);
  });
  return form;
}

function withoutTime(q) {
  const next = Object.fromEntries(q.entries());
  delete next.as_of;
  delete next.known_at;
  delete next.pos;
  return next;
}

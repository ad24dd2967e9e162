// NHS.UK design system components as DOM builders (markup as in nhsuk-frontend's
// templates), used by every page.
import { h, uid } from './dom.js';
import { ApiError } from './api.js';

export function link(href, text, attrs = {}) {
  return h('a', { class: 'nhsuk-link', href, ...attrs }, text);
}

export function heading(text, { caption, level = 1, size } = {}) {
  const cls = size ? `nhsuk-heading-${size}` : (level === 1 ? 'nhsuk-heading-l' : 'nhsuk-heading-m');
  const tag = `h${level}`;
  if (level === 1) {
    // Focus target after navigation (see app.js).
    return h(tag, { class: cls, tabindex: '-1', id: 'page-heading' },
      caption ? h('span', { class: 'nhsuk-caption-l' }, caption, h('span', { class: 'nhsuk-u-visually-hidden' }, ' - ')) : null,
      text);
  }
  return h(tag, { class: cls }, text);
}

export function para(...children) {
  return h('p', { class: 'nhsuk-body' }, ...children);
}

export function hint(...children) {
  return h('p', { class: 'nhsuk-body-s arrs-secondary' }, ...children);
}

export function breadcrumbs(items) {
  // items: [[text, href], ...]; the last has a back link for small screens.
  const list = h('ol', { class: 'nhsuk-breadcrumb__list' },
    items.map(([text, href]) => h('li', { class: 'nhsuk-breadcrumb__list-item' },
      h('a', { class: 'nhsuk-breadcrumb__link', href }, text))));
  const last = items[items.length - 1];
  return h('nav', { class: 'nhsuk-breadcrumb', 'aria-label': 'Breadcrumb' }, list,
    last ? h('a', { class: 'nhsuk-back-link', href: last[1] },
      h('span', { class: 'nhsuk-u-visually-hidden' }, 'Back to '), last[0]) : null);
}

// An nhsuk error summary for an API error (or a list of validation problems). 403 gets a
// plain-words title; the gRPC code name and the server's message are always shown.
export function errorSummary(error, { title, forbiddenTitle } = {}) {
  let heading = title || 'There is a problem';
  const items = [];
  if (error instanceof ApiError) {
    if (error.forbidden) heading = forbiddenTitle || 'You may not see this';
    items.push(h('li', null,
      h('strong', { class: 'arrs-error-code', dataset: { code: error.code } }, error.code),
      error.status ? ` (HTTP ${error.status})` : ' (no answer)',
      ': ', h('span', { class: 'arrs-error-message' }, error.message)));
  } else if (Array.isArray(error)) {
    // Validation problems: {text, focus}; `focus` names the field the link moves to.
    for (const problem of error) {
      items.push(h('li', null, problem.focus
        ? h('a', { href: `#${problem.focus}`, dataset: { focus: problem.focus } }, problem.text)
        : problem.text));
    }
  } else {
    items.push(h('li', null, h('strong', { class: 'arrs-error-code', dataset: { code: 'CLIENT' } }, 'CLIENT'), ': ',
      h('span', { class: 'arrs-error-message' }, String(error && error.message ? error.message : error))));
  }
  const box = h('div', { class: 'nhsuk-error-summary', tabindex: '-1', dataset: { errorSummary: '' } },
    h('div', { role: 'alert' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, heading),
      h('div', { class: 'nhsuk-error-summary__body' },
        h('ul', { class: 'nhsuk-list nhsuk-error-summary__list' }, items))));
  // Links in the summary focus the field they name (following "#id" would change the
  // route).
  box.addEventListener('click', (event) => {
    const a = event.target.closest('a[data-focus]');
    if (!a) return;
    event.preventDefault();
    const field = document.getElementById(a.dataset.focus);
    if (field) field.focus();
  });
  return box;
}

export function notification(title, ...body) {
  const id = uid('banner-title');
  return h('div', { class: 'nhsuk-notification-banner nhsuk-notification-banner--success', role: 'alert', 'aria-labelledby': id, tabindex: '-1' },
    h('div', { class: 'nhsuk-notification-banner__header' },
      h('h2', { class: 'nhsuk-notification-banner__title', id }, 'Success')),
    h('div', { class: 'nhsuk-notification-banner__content' },
      h('p', { class: 'nhsuk-notification-banner__heading' }, title),
      body.length ? h('p', { class: 'nhsuk-body' }, ...body) : null));
}

export function inset(...children) {
  return h('div', { class: 'nhsuk-inset-text' },
    h('span', { class: 'nhsuk-u-visually-hidden' }, 'Information: '), ...children);
}

// A warning callout (nhsuk-frontend 10: the card's warning variant).
export function warningCallout(title, { id, level = 2 } = {}, ...body) {
  return h('div', { class: 'nhsuk-card nhsuk-card--warning', id },
    h('div', { class: 'nhsuk-card__content' },
      h(`h${level}`, { class: 'nhsuk-card__heading' },
        h('span', { role: 'text' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Important: '), title)),
      body.map((b) => (typeof b === 'string' ? h('p', { class: 'nhsuk-body' }, b) : b))));
}

const TAG_COLOURS = {
  submitted: 'nhsuk-tag--blue',
  assessed: 'nhsuk-tag--orange',
  paid: 'nhsuk-tag--green',
  overpaid: 'nhsuk-tag--red',
};

export function tag(text, colour) {
  return h('strong', { class: ['nhsuk-tag', colour || TAG_COLOURS[text] || 'nhsuk-tag--grey'] }, text);
}

// rows: [[label, value, {field}], ...]; value may be a node. `field` becomes
// data-field on the value (used by the browser test to read figures).
export function summaryList(rows, { noBorder = false } = {}) {
  return h('dl', { class: ['nhsuk-summary-list', noBorder ? 'nhsuk-summary-list--no-border' : ''] },
    rows.filter(Boolean).map(([label, value, opts = {}]) => h('div', { class: 'nhsuk-summary-list__row' },
      h('dt', { class: 'nhsuk-summary-list__key' }, label),
      h('dd', { class: 'nhsuk-summary-list__value', dataset: { field: opts.field } }, value))));
}

// A table. columns: [{title, numeric, nowrap}], rows: arrays of cells (string or node, or
// {value, header, numeric, nowrap, field}); caption required (tables are described for screen
// readers). Wrapped in a focusable scrolling region so wide tables work at 375 px.
export function table({ caption, captionSize = 'm', columns, rows, footer, id, className, empty }) {
  if (!rows.length && empty) return para(empty);
  const captionId = uid('caption');
  const cell = (c, i, tagName = 'td') => {
    const spec = (c && typeof c === 'object' && !(c instanceof Node)) ? c : { value: c };
    const numeric = spec.numeric ?? columns[i]?.numeric;
    const nowrap = spec.nowrap ?? columns[i]?.nowrap;
    if (spec.header || tagName === 'th') {
      return h('th', { class: ['nhsuk-table__header', numeric ? 'nhsuk-table__header--numeric' : '', nowrap ? 'arrs-nowrap' : ''], scope: 'row', dataset: { field: spec.field } }, spec.value);
    }
    return h('td', { class: ['nhsuk-table__cell', numeric ? 'nhsuk-table__cell--numeric' : '', nowrap ? 'arrs-nowrap' : '', spec.className || ''], dataset: { field: spec.field } }, spec.value);
  };
  const t = h('table', { class: ['nhsuk-table', className || ''], id },
    h('caption', { class: `nhsuk-table__caption nhsuk-table__caption--${captionSize}`, id: captionId }, caption),
    h('thead', { class: 'nhsuk-table__head' },
      h('tr', { class: 'nhsuk-table__row' }, columns.map((c) => h('th', {
        class: ['nhsuk-table__header', c.numeric ? 'nhsuk-table__header--numeric' : ''], scope: 'col',
      }, c.title)))),
    h('tbody', { class: 'nhsuk-table__body' }, rows.map((r) => {
      const tr = h('tr', { class: 'nhsuk-table__row' }, r.cells ? r.cells.map((c, i) => cell(c, i)) : r.map((c, i) => cell(c, i)));
      if (r.id) {
        tr.id = r.id;
        tr.setAttribute('tabindex', '-1');
      }
      if (r.className) tr.className += ` ${r.className}`;
      return tr;
    })),
    footer ? h('tfoot', { class: 'nhsuk-table__foot' }, footer.map((r) => h('tr', { class: 'nhsuk-table__row' }, r.map((c, i) => cell(c, i))))) : null);
  return h('div', { class: 'arrs-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' }, t);
}

// A section of a page: a level-2 heading `title`, then a table (as table() takes it) with a
// small caption.
export function tableSection(title, spec) {
  return [heading(title, { level: 2 }), table({ captionSize: 's', ...spec })];
}

// Form field helpers. Each input has a visible label (or a visually hidden one when the
// context already names it) and an optional hint wired with aria-describedby.
export function field({ id, label, hintText, input, hiddenLabel = false, error }) {
  const hintId = hintText ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  if (describedBy) input.setAttribute('aria-describedby', describedBy);
  if (!input.id) input.id = id;
  if (error) input.classList.add(input.tagName === 'SELECT' ? 'nhsuk-select--error' : 'nhsuk-input--error');
  return h('div', { class: ['nhsuk-form-group', error ? 'nhsuk-form-group--error' : ''] },
    h('label', { class: ['nhsuk-label', hiddenLabel ? 'nhsuk-u-visually-hidden' : ''], for: id }, label),
    hintText ? h('div', { class: 'nhsuk-hint', id: hintId }, hintText) : null,
    error ? h('span', { class: 'nhsuk-error-message', id: errorId }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), error) : null,
    input);
}

export function textInput(id, { value = '', width, type = 'text', ...attrs } = {}) {
  return h('input', { class: ['nhsuk-input', width ? `nhsuk-input--width-${width}` : ''], id, name: id, type, value, ...attrs });
}

export function select(id, options, selected) {
  return h('select', { class: 'nhsuk-select', id, name: id },
    options.map(([value, text]) => h('option', { value, selected: String(value) === String(selected) }, text)));
}

export function button(text, { secondary = false, small = false, type = 'submit', ...attrs } = {}) {
  return h('button', {
    class: ['nhsuk-button', secondary ? 'nhsuk-button--secondary' : '', small ? 'nhsuk-button--small' : ''],
    type, 'data-module': 'nhsuk-button', ...attrs,
  }, text);
}

export function details(summary, ...content) {
  return h('details', { class: 'nhsuk-details' },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, summary)),
    h('div', { class: 'nhsuk-details__text' }, ...content));
}

// Preformatted text (explanations, command-line output) that keeps its lines and scrolls
// sideways when wider than the page: focusable, so a keyboard can scroll it, and a named
// region, so what takes focus is announced (aria-label alone is not allowed on <pre>).
export function preformatted(text, label, { id, className } = {}) {
  return h('pre', {
    class: ['arrs-pre', className || ''], id, tabindex: '0', role: 'region', 'aria-label': label,
  }, text);
}

export function loading(text = 'Loading') {
  return h('p', { class: 'nhsuk-body arrs-loading', role: 'status' }, `${text}…`);
}

// A list of links laid out inline (sub-navigation of a PCN, year pickers).
export function linkList(label, items, current) {
  return h('nav', { class: 'arrs-subnav', 'aria-label': label },
    h('ul', { class: 'arrs-subnav__list' }, items.map(([key, text, href]) => h('li', { class: ['arrs-subnav__item', key === current ? 'arrs-subnav__item--current' : ''] },
      key === current
        ? h('a', { class: 'arrs-subnav__link', href, 'aria-current': 'page' }, h('strong', null, text))
        : h('a', { class: 'arrs-subnav__link', href }, text)))));
}

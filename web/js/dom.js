// Building DOM nodes without innerHTML: every value from the API becomes a text node, so
// nothing the ledger stores (names, reasons, explanations) is ever parsed as markup. No
// inline style and no inline handlers (the Content-Security-Policy forbids both).

// h('a', {class: 'nhsuk-link', href: '#/pcns'}, 'PCNs', ...)
// attrs: class (string or array), text, on: {event: fn}, dataset: {k: v}, boolean
// attributes as true/false, anything else via setAttribute. null/undefined/false children
// are skipped, arrays are flattened, strings and numbers become text.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
      } else if (key === 'style') {
        throw new Error('inline styles are not allowed (CSP): use a class in console.css');
      } else if (key === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
        el.value = String(value);
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
  return parent;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Replaces the children of `el` with `children`.
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

// A short unique id for label/aria wiring within one render.
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

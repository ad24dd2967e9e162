// ARRS ledger console: a single page app on hash routes, in plain ES modules.
//
//   #/signin                          sign in with a bearer token
//   #/pcns                            PCNs the principal may see (ListPcns)
//   #/pcn/U10001                      a PCN's years at a glance (GetBalance per year)
//   #/pcn/U10001/year/2024            a financial year (GetBalance) with a chart
//   #/pcn/U10001/claims?year=2024     the year's claims (GetBalance.claims)
//   #/pcn/U10001/claim/2024-05        one claim explained (ExplainClaim)
//   #/pcn/U10001/caps                 WTE caps (GetCapUsage)
//   #/pcn/U10001/workforce            workforce against the 2019 baseline (GetWorkforce)
//   #/pcn/U10001/audit?staff=CP-01    the audit trail (GetAuditTrail)
//   #/worklist                        claims to assess and pay (ListClaims; commissioners, admins)
//   #/worklist/U10001/2025-06         review one: assess, reduce a line, pay
//   #/region                          region summary (GetRegionSummary)
//   #/rules?year=2024                 the rule book (GetRules, GetRulesCoverage)
//
// Every view about the ledger takes ?as_of=YYYY-MM-DD and ?known_at=<position or UTC
// time> where the query does, so a URL reproduces what was seen.
import { h, replace } from './dom.js';
import { ApiError, clearToken, getToken, query } from './api.js';
import { invalidate, parseHash, session } from './state.js';
import { errorSummary, heading, link, para } from './ui.js';
import { signinPage } from './pages/signin.js';
import { pcnsPage } from './pages/pcns.js';
import { overviewPage } from './pages/overview.js';
import { yearPage } from './pages/year.js';
import { claimsPage, claimPage } from './pages/claims.js';
import { capsPage } from './pages/caps.js';
import { workforcePage } from './pages/workforce.js';
import { auditPage } from './pages/audit.js';
import { worklistPage, reviewPage } from './pages/worklist.js';
import { regionPage } from './pages/region.js';
import { rulesPage } from './pages/rules.js';

const ROUTES = [
  [['pcns'], pcnsPage],
  [['pcn', '*'], overviewPage],
  [['pcn', '*', 'year', '*'], yearPage],
  [['pcn', '*', 'claims'], claimsPage],
  [['pcn', '*', 'claim', '*'], claimPage],
  [['pcn', '*', 'caps'], capsPage],
  [['pcn', '*', 'workforce'], workforcePage],
  [['pcn', '*', 'audit'], auditPage],
  [['worklist'], worklistPage],
  [['worklist', '*', '*'], reviewPage],
  [['region'], regionPage],
  [['rules'], rulesPage],
];

function match(segments) {
  for (const [pattern, page] of ROUTES) {
    if (pattern.length !== segments.length) continue;
    const params = [];
    let ok = true;
    for (let i = 0; i < pattern.length; i += 1) {
      if (pattern[i] === '*') params.push(segments[i]);
      else if (pattern[i] !== segments[i]) ok = false;
    }
    if (ok) return { page, params };
  }
  return null;
}

const main = () => document.getElementById('maincontent');
let generation = 0;
let lastPath = null;

// ------------------------------------------------------------------------------- header

function renderAccount() {
  const account = document.getElementById('account');
  const nav = document.getElementById('primary-nav');
  const p = session.principal;
  if (!p) {
    replace(account);
    account.hidden = true;
    replace(nav);
    nav.hidden = true;
    return;
  }
  const scope = p.allScope ? 'all' : (p.scope || []).join(', ') || 'none';
  replace(account,
    h('ul', { class: 'nhsuk-header__account-list' },
      h('li', { class: 'nhsuk-header__account-item', id: 'whoami', dataset: { name: p.name, role: p.role } },
        h('span', { class: 'arrs-whoami' },
          h('span', { class: 'nhsuk-u-visually-hidden' }, 'Signed in as '),
          h('strong', { class: 'arrs-whoami__name' }, p.name),
          ` (${p.role}, scope ${scope})`)),
      h('li', { class: 'nhsuk-header__account-item' },
        h('a', { class: 'nhsuk-header__account-link', href: '#/signout', id: 'signout' }, 'Sign out'))));
  account.hidden = false;
  const items = [['pcns', 'PCNs', '#/pcns']];
  if (p.role === 'admin' || p.role === 'commissioner') items.push(['worklist', 'Worklist', '#/worklist']);
  if (p.role !== 'pcn') items.push(['region', 'Region', '#/region']);
  items.push(['rules', 'Rule book', '#/rules']);
  replace(nav,
    h('div', { class: 'nhsuk-header__navigation-container nhsuk-width-container' },
      h('ul', { class: 'nhsuk-header__navigation-list' },
        items.map(([key, text, href]) => h('li', { class: 'nhsuk-header__navigation-item', dataset: { key } },
          h('a', { class: 'nhsuk-header__navigation-link', href }, text))))));
  nav.hidden = false;
}

function markCurrentNav(segments) {
  const first = segments[0] === 'pcn' ? 'pcns' : segments[0];
  for (const li of document.querySelectorAll('#primary-nav .nhsuk-header__navigation-item')) {
    const a = li.querySelector('a');
    const current = li.dataset.key === first;
    li.classList.toggle('nhsuk-header__navigation-item--current', current);
    if (current) {
      a.setAttribute('aria-current', 'page');
      if (!a.querySelector('strong')) {
        const text = a.textContent;
        replace(a, h('strong', { class: 'nhsuk-header__navigation-item-current-fallback' }, text));
      }
    } else {
      a.removeAttribute('aria-current');
      if (a.querySelector('strong')) replace(a, a.textContent);
    }
  }
}

// ------------------------------------------------------------------------------- session

async function loadPrincipal() {
  invalidate(); // nothing cached for another principal is shown to this one
  session.principal = await query('WhoAmI', {});
  renderAccount();
}

export function signOut(message) {
  clearToken();
  session.principal = null;
  invalidate();
  renderAccount();
  const target = message ? `#/signin?notice=${encodeURIComponent(message)}` : '#/signin';
  if (window.location.hash === target) route();
  else window.location.hash = target;
}

// ------------------------------------------------------------------------------- router

async function route() {
  generation += 1;
  const mine = generation;
  const r = parseHash(window.location.hash);
  const el = main();
  const activeId = document.activeElement && document.activeElement.id;
  const samePath = r.path === lastPath;
  lastPath = r.path;

  if (r.segments[0] === 'signout') {
    signOut('You have signed out.');
    return;
  }
  const ctx = {
    route: r,
    principal: session.principal,
    isCurrent: () => mine === generation,
    show: (...nodes) => {
      if (mine !== generation) return;
      replace(el, ...nodes);
    },
    markStatus: (status) => {
      if (mine === generation) el.dataset.status = status;
    },
    go: (hash) => {
      window.location.hash = hash;
    },
    reload: () => route(),
    signOut,
  };
  // data-route and data-status say which route is on screen and whether it has finished
  // loading (ready, error, forbidden, not-found): for tests and for styling.
  el.dataset.route = window.location.hash;
  el.dataset.status = 'loading';
  el.setAttribute('aria-busy', 'true');

  try {
    if (r.segments.length === 0) {
      window.location.replace(getToken() ? '#/pcns' : '#/signin');
      return;
    }
    if (r.segments[0] === 'signin') {
      markCurrentNav([]);
      await signinPage(ctx, { loadPrincipal });
    } else {
      if (!getToken()) {
        const next = window.location.hash;
        window.location.replace(`#/signin?next=${encodeURIComponent(next)}`);
        return;
      }
      if (!session.principal) await loadPrincipal();
      if (mine !== generation) return;
      ctx.principal = session.principal;
      markCurrentNav(r.segments);
      const found = match(r.segments);
      if (!found) {
        ctx.show(heading('Page not found'), para('There is no page at this address. ', link('#/pcns', 'Go to the PCN list')));
        ctx.markStatus('not-found');
      } else {
        await found.page(ctx, ...found.params);
      }
    }
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.unauthenticated) {
      const next = r.segments[0] === 'signin' ? '' : window.location.hash;
      clearToken();
      session.principal = null;
      invalidate();
      renderAccount();
      window.location.replace(`#/signin?expired=1${next ? `&next=${encodeURIComponent(next)}` : ''}`);
      return;
    }
    ctx.show(heading('Something went wrong'), errorSummary(e));
    ctx.markStatus('error');
    // Programming errors belong in the console for whoever debugs; API errors are shown.
    if (!(e instanceof ApiError)) console.warn(e);
  } finally {
    if (mine === generation) {
      el.removeAttribute('aria-busy');
      if (el.dataset.status === 'loading') el.dataset.status = 'ready';
      const title = el.querySelector('h1');
      document.title = `${title ? title.textContent.trim() : 'ARRS ledger'} \u2013 ARRS ledger console`;
      // Keyboard and screen-reader users: a new page puts focus on its heading; the same
      // page re-rendered (time travel) keeps focus on the control that changed it.
      const again = samePath && activeId ? document.getElementById(activeId) : null;
      if (again && !again.disabled) {
        again.focus();
      } else if (!samePath) {
        const summary = el.querySelector('[data-error-summary]');
        const target = summary || el.querySelector('#page-heading');
        if (target) target.focus({ preventScroll: false });
      }
      const pos = r.query.get('pos');
      if (pos) {
        const row = document.getElementById(`pos-${pos}`);
        if (row) {
          row.scrollIntoView({ block: 'center' });
          row.focus({ preventScroll: true });
        }
      }
    }
  }
}

function boot() {
  // The skip link's target is an element id, not a route.
  document.querySelector('.nhsuk-skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const target = main();
    target.focus();
  });
  window.addEventListener('hashchange', route);
  route();
}

boot();

// Sign in: paste a bearer token. It is kept in this tab's sessionStorage only, then
// QueryService/WhoAmI says who it belongs to.
import { h } from '../dom.js';
import { ApiError, clearToken, getToken, setToken } from '../api.js';
import { session } from '../state.js';
import {
  button, errorSummary, field, heading, inset, para,
} from '../ui.js';

function safeNext(next) {
  // Only a route of this app: "#/..." (never another origin).
  return next && /^#\/[^\s]*$/.test(next) && !next.startsWith('#/signin') ? next : '#/pcns';
}

export async function signinPage(ctx, { loadPrincipal }) {
  const q = ctx.route.query;
  const next = safeNext(q.get('next'));
  const problems = h('div');
  const notices = [];
  if (q.get('expired')) {
    notices.push(errorSummary([{ text: 'Your token was not accepted or has expired. Sign in again.' }], { title: 'Sign in again' }));
  }
  if (q.get('notice')) notices.push(inset(q.get('notice')));
  if (getToken() && session.principal) {
    notices.push(inset(`You are signed in as ${session.principal.name}. Signing in again replaces that token.`));
  }

  const input = h('input', {
    class: 'nhsuk-input nhsuk-input--width-30', type: 'password', id: 'token', name: 'token',
    autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', required: true,
  });
  const form = h('form', { novalidate: true, id: 'signin-form' },
    field({
      id: 'token', label: 'Bearer token', input,
      hintText: 'The token your ledger administrator gave you. It is kept in this browser tab only, and forgotten when you close it or sign out.',
    }),
    button('Sign in', { id: 'signin' }));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      problems.replaceChildren(errorSummary([{ text: 'Enter your bearer token', focus: 'token' }]));
      problems.querySelector('.nhsuk-error-summary').focus();
      return;
    }
    setToken(token);
    session.principal = null;
    try {
      await loadPrincipal();
    } catch (e) {
      clearToken();
      session.principal = null;
      const title = e instanceof ApiError && e.unauthenticated ? 'That token was not accepted' : 'You could not be signed in';
      problems.replaceChildren(errorSummary(e, { title }));
      problems.querySelector('.nhsuk-error-summary').focus();
      return;
    }
    input.value = '';
    window.location.hash = next;
  });

  ctx.show(
    heading('Sign in to the ARRS ledger'),
    problems,
    ...notices,
    para('Commissioners, PCN managers and auditors each see the PCNs their token covers.'),
    form,
  );
  ctx.markStatus('ready');
}

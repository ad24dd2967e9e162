// The PCNs the principal may see (QueryService/ListPcns filters them on the server), with
// a search box over code, name and ICB.
import { h } from '../dom.js';
import { listPcns, seg } from '../state.js';
import {
  field, heading, hint, link, para, table, textInput,
} from '../ui.js';
import { count } from '../format.js';

export async function pcnsPage(ctx) {
  const list = await listPcns();
  if (!ctx.isCurrent()) return;
  const pcns = (list.pcns || []).slice().sort((a, b) => a.pcnCode.localeCompare(b.pcnCode));
  const initial = ctx.route.query.get('q') || '';
  const search = textInput('pcn-search', { width: 20, value: initial, autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { class: 'nhsuk-body-s', role: 'status', id: 'pcn-count' });
  const holder = h('div');

  const render = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = pcns.filter((p) => !needle ||
      p.pcnCode.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle) ||
      p.icbCode.toLowerCase().includes(needle));
    status.textContent = needle ? `${count(shown.length, 'PCN', 'PCNs')} of ${pcns.length} match \u201c${search.value.trim()}\u201d`
      : count(pcns.length, 'PCN', 'PCNs');
    holder.replaceChildren(table({
      caption: 'PCNs',
      captionSize: 's',
      id: 'pcn-table',
      columns: [{ title: 'Code' }, { title: 'Name' }, { title: 'ICB' }, { title: 'Staff', numeric: true },
        { title: 'Claims', numeric: true }, { title: 'Events', numeric: true }],
      rows: shown.map((p) => ({
        className: 'arrs-pcn-row',
        cells: [
          { value: link(`#/pcn/${seg(p.pcnCode)}`, p.pcnCode), field: 'pcnCode' },
          p.name, p.icbCode, String(p.staffCount || 0), String(p.claimCount || 0), String(p.streamVersion || 0)],
      })),
      empty: needle ? 'No PCN matches your search.' : 'You may not see any PCN.',
    }));
  };
  search.addEventListener('input', render);
  render();

  ctx.show(
    heading('PCNs'),
    para(`Primary care networks you may see, as the ledger stands now (log position ${list.computedAtPosition}).`),
    h('form', { novalidate: true, role: 'search', 'aria-label': 'PCNs', on: { submit: (e) => e.preventDefault() } },
      field({ id: 'pcn-search', label: 'Search by code, name or ICB', input: search })),
    status,
    holder,
    hint('Events: the version of the PCN\u2019s own stream in the log (how many facts it has).'),
  );
  ctx.markStatus('ready');
}

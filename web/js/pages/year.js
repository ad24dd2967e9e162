// A PCN's financial year (GetBalance): the sum and what was claimed, approved and paid,
// what remains, the forecast and what is at risk, the restatement of paid claims; a chart
// of the cumulative month-by-month figures against the sum, and the same figures as a
// table.
import { h } from '../dom.js';
import { query } from '../api.js';
import { hrefOf, seg, timeParams } from '../state.js';
import { pcnPage } from '../pcnframe.js';
import {
  big, dateText, financialYear, money, monthName, poundsForChart,
} from '../format.js';
import {
  heading, hint, inset, link, linkList, summaryList, table,
} from '../ui.js';
import { FIRST_YEAR, yearsToNow } from './overview.js';

let chart = null; // the chart.js instance on screen (destroyed before the next render)

function destroyChart() {
  if (chart) {
    chart.destroy();
    chart = null;
  }
}

// Months of the financial year (April to March) with cumulative claimed, approved and
// paid, by claim month, counting claims of months up to as_of (Balance.claims holds
// those); later months are null (not yet known on as_of).
export function monthlySeries(balance, year) {
  const months = [];
  for (let i = 0; i < 12; i += 1) {
    const m = ((3 + i) % 12) + 1;
    months.push({ year: m >= 4 ? year : year + 1, month: m, day: 1 });
  }
  const asOf = balance.asOf && balance.asOf.year ? balance.asOf : { year: year + 1, month: 3, day: 31 };
  const claims = balance.claims || [];
  let claimed = 0n;
  let approved = 0n;
  let paid = 0n;
  return months.map((m) => {
    const key = m.year * 100 + m.month;
    const known = key <= asOf.year * 100 + asOf.month;
    let inMonth = 0n;
    for (const c of claims) {
      if (!c.month) continue;
      if (c.month.year * 100 + c.month.month === key) {
        claimed += big(c.claimedPence);
        approved += big(c.approvedPence);
        paid += big(c.paidPence);
        inMonth += big(c.claimedPence);
      }
    }
    return {
      month: m, known, claimedInMonth: inMonth, claimed, approved, paid, sum: big(balance.sumPence),
    };
  });
}

function renderChart(canvas, series) {
  destroyChart();
  const Chart = window.Chart;
  if (!Chart) return false;
  Chart.defaults.font.family = 'Arial, "Liberation Sans", Helvetica, sans-serif';
  Chart.defaults.font.size = 14;
  Chart.defaults.color = '#212b32';
  const labels = series.map((s) => monthName(s.month, true));
  const values = (key) => series.map((s) => (s.known || key === 'sum' ? poundsForChart(s[key]) : null));
  const pence = { sum: series.map((s) => s.sum), claimed: series.map((s) => s.claimed), approved: series.map((s) => s.approved), paid: series.map((s) => s.paid) };
  const dataset = (label, key, colour, extra = {}) => ({
    label, data: values(key), borderColor: colour, backgroundColor: colour, borderWidth: 3,
    pointRadius: 3, tension: 0, spanGaps: false, penceKey: key, ...extra,
  });
  chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        dataset('Reimbursement sum', 'sum', '#d5281b', { borderDash: [8, 6], pointRadius: 0 }),
        dataset('Claimed (cumulative)', 'claimed', '#005eb8'),
        dataset('Approved (cumulative)', 'approved', '#ed8b00', { borderDash: [2, 3] }),
        dataset('Paid (cumulative)', 'paid', '#007f3b'),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: {
          beginAtZero: true,
          ticks: { callback: (v) => `£${new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 }).format(v)}` },
        },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${money(pence[item.dataset.penceKey][item.dataIndex])}`,
          },
        },
      },
    },
  });
  return true;
}

function yearPicker(code, year, q) {
  const t = timeParams(q);
  const years = yearsToNow();
  if (!years.includes(year)) years.push(year);
  return linkList('Financial years', years.sort((a, b) => a - b).map((y) => [String(y), financialYear(y), hrefOf(`/pcn/${seg(code)}/year/${y}`, t)]), String(year));
}

export async function yearPage(ctx, code, yearText) {
  destroyChart();
  const year = Number(yearText);
  if (!/^\d{4}$/.test(yearText) || year < FIRST_YEAR) {
    ctx.show(heading('Page not found'), inset(`"${yearText}" is not a financial year: use the first calendar year, e.g. 2024 for 2024/25.`));
    return;
  }
  await pcnPage(ctx, {
    code,
    tab: 'year',
    year,
    title: `Financial year ${financialYear(year)}`,
    asOf: { hint: `Blank: the end of the year, 31 March ${year + 1}.` },
    load: (req) => query('GetBalance', { pcnCode: code, financialYear: year, ...req }),
    computedAt: (b) => b.computedAtPosition,
    body: (b) => {
      const series = monthlySeries(b, year);
      const canvas = h('canvas', {
        id: 'balance-chart', role: 'img',
        'aria-label': `Cumulative claimed, approved and paid by month against the reimbursement sum of ${money(b.sumPence)}. The same figures are in the table below the chart.`,
      });
      const chartBox = h('div', { class: 'arrs-chart' }, canvas);
      const restatement = ['restatedPence', 'arrearsPaidPence', 'recoveredPence', 'arrearsDuePence', 'overpaymentToRecoverPence', 'netDuePence']
        .some((k) => big(b[k]) !== 0n);
      const m = (key) => h('span', { class: big(b[key]) < 0n ? 'arrs-negative' : '' }, money(b[key]));
      const t = timeParams(ctx.route.query);
      const nodes = [
        yearPicker(code, year, ctx.route.query),
        h('p', { class: 'nhsuk-body', id: 'balance-as-of', dataset: { asOf: dateText(b.asOf) } },
          `As of ${dateText(b.asOf) || 'the end of the year'}, as known at log position ${b.computedAtPosition}.`),
        heading('The year\u2019s figures', { level: 2 }),
        summaryList([
          ['Reimbursement sum', m('sumPence'), { field: 'sumPence' }],
          ['Claimed', m('claimedPence'), { field: 'claimedPence' }],
          ['Approved', m('approvedPence'), { field: 'approvedPence' }],
          ['Paid', m('paidPence'), { field: 'paidPence' }],
          ['Remaining (sum \u2212 approved)', m('remainingPence'), { field: 'remainingPence' }],
          ['Forecast to year end', m('forecastToYearEndPence'), { field: 'forecastToYearEndPence' }],
          ['At risk (remaining \u2212 forecast, unclaimed)', m('atRiskPence'), { field: 'atRiskPence' }],
          ['Full-year effect next year', m('fullYearEffectNextYearPence'), { field: 'fullYearEffectNextYearPence' }],
        ]),
        heading('Restatement of paid claims', { level: 2 }),
        restatement ? summaryList([
          ['Restated (paid claims priced again)', m('restatedPence'), { field: 'restatedPence' }],
          ['Arrears paid', m('arrearsPaidPence'), { field: 'arrearsPaidPence' }],
          ['Overpayments recovered', m('recoveredPence'), { field: 'recoveredPence' }],
          ['Arrears due to the PCN', m('arrearsDuePence'), { field: 'arrearsDuePence' }],
          ['Overpayments to recover', m('overpaymentToRecoverPence'), { field: 'overpaymentToRecoverPence' }],
          ['Net due to the PCN', m('netDuePence'), { field: 'netDuePence' }],
        ]) : hint('No claim paid by this date is restated: nothing owed either way.'),
        heading('Month by month', { level: 2 }),
        chartBox,
        table({
          caption: `Claimed, approved and paid to date by claim month, against the sum of ${money(b.sumPence)}`,
          captionSize: 's',
          id: 'month-table',
          columns: [{ title: 'Month' }, { title: 'Claimed in month', numeric: true }, { title: 'Claimed to date', numeric: true },
            { title: 'Approved to date', numeric: true }, { title: 'Paid to date', numeric: true }],
          rows: series.map((s) => [
            { value: monthName(s.month, true), header: true },
            s.known ? money(s.claimedInMonth) : '\u2014',
            s.known ? money(s.claimed) : '\u2014',
            s.known ? money(s.approved) : '\u2014',
            s.known ? money(s.paid) : '\u2014',
          ]),
        }),
        h('p', { class: 'nhsuk-body' },
          link(hrefOf(`/pcn/${seg(code)}/claims`, { year, ...t }), `See the ${(b.claims || []).length} claims of ${financialYear(year)}, line by line`)),
      ];
      // The canvas must be in the document before chart.js measures it.
      queueMicrotask(() => {
        if (!canvas.isConnected) return;
        if (!renderChart(canvas, series)) {
          chartBox.replaceChildren(hint('The chart could not be drawn (chart.js did not load); the table below has the same figures.'));
        }
      });
      return nodes;
    },
  });
}

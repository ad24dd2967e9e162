#!/usr/bin/python3
"""Browser test of the web console (web/) against a real arrsd --http.

Starts arrsd on 127.0.0.1 with a fresh data folder and --http on port 0, loads the demo
with arrsctl, then drives headless Chromium through the console:

  * signs in as each role (admin, auditor, commissioner, PCN) and sees who it is;
  * a PCN's year page shows the API's figures for the same as_of and known_at;
  * moving "known at" back before the last events shows the earlier figures;
  * a PCN's token cannot see another PCN (the page says so; the API answers 403);
  * the worklist lists the open claims with one ListClaims call per ICB of a
    commissioner's scope (one national call for an admin), and says when the list is
    truncated;
  * a commissioner assesses and pays a claim from the worklist, and the audit trail then
    shows both events;
  * the pages work at 375 px wide without sideways scrolling of the page;
  * axe-core (web/node_modules/axe-core, a devDependency pinned by web/package-lock.json)
    finds no WCAG 2.0/2.1 level A or AA violation on any page, in its states (error
    summaries, banners, details opened), at desktop width and at 375 px;
  * the browser console has no errors (CSP violations, failed loads, exceptions) beyond
    the 403 answers a test provokes on purpose;

and saves a PNG of each page in SCREENSHOT_DIR.

Environment: ARRSD, ARRSCTL (binaries), WEB_ROOT (web/, after `npm ci` there), RULES_DIR,
TOKENS (config/demo-tokens.txt), SCREENSHOT_DIR (created if missing; default: a temporary
folder). Exits 77 (skipped) when Chromium, chromedriver or Selenium is missing; fails when web/
has no node_modules, or no axe-core in it (run scripts/web-deps.sh). Run with Debian's python3
(python3-selenium):
  /usr/bin/python3 tests/web/console_test.py
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SKIP = 77


def _skip(why):
    print(f'SKIP: {why}', file=sys.stderr)
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.common.exceptions import (StaleElementReferenceException, TimeoutException,
                                            WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    if __name__ == '__main__':
        _skip('python3-selenium is not installed')
    raise

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser') or '/usr/bin/chromium'
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'

TOKENS = {
    'admin': ('demo-admin-token', 'alice'),
    'auditor': ('demo-auditor-token', 'audrey'),
    'commissioner': ('demo-icb-qwe-token', 'qwe-reviewer'),
    'pcn': ('demo-pcn-u10001-token', 'riverside-pcn'),
}

# The claim the commissioner assesses and pays: a month the demo does not claim (it claims
# May, August, November and February), for staff of U10001 in post then.
WORK_PCN = 'U10001'
WORK_CLAIM = '2025-06'
WORK_YEAR = 2025
OTHER_CLAIM = '2025-07'  # left open (submitted): the worklist has two claims of ICB QWE
A11Y_CLAIM = '2025-09'  # submitted by the accessibility test, so that its worklist is cut short

BALANCE_FIELDS = [
    'sumPence', 'claimedPence', 'approvedPence', 'paidPence', 'remainingPence',
    'forecastToYearEndPence', 'atRiskPence', 'fullYearEffectNextYearPence',
]
RESTATEMENT_FIELDS = [
    'restatedPence', 'arrearsPaidPence', 'recoveredPence', 'arrearsDuePence',
    'overpaymentToRecoverPence', 'netDuePence',
]

# axe-core (a devDependency of web/, pinned by web/package-lock.json) checks each page
# against the WCAG 2.0 and 2.1 A and AA rules it can test automatically.
AXE_SCRIPT = os.path.join('node_modules', 'axe-core', 'axe.min.js')
AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']


def money(pence):
    """Pence (an int64 as a JSON string) as the console shows it: £1,234.56, -£12.00."""
    value = int(pence)
    sign = '-' if value < 0 else ''
    value = abs(value)
    return f'{sign}£{value // 100:,}.{value % 100:02d}'


class Server:
    """arrsd with --http on a fresh data folder, and the demo loaded."""

    def __init__(self, env):
        self.env = env
        self.dir = tempfile.mkdtemp(prefix='arrs-console-test-')
        self.log = open(os.path.join(self.dir, 'arrsd.log'), 'w')
        port_file = os.path.join(self.dir, 'port')
        http_port_file = os.path.join(self.dir, 'http_port')
        self.proc = subprocess.Popen([
            env['ARRSD'], '--data', os.path.join(self.dir, 'data'),
            '--listen', '127.0.0.1:0', '--port-file', port_file,
            '--http', '127.0.0.1:0', '--http-port-file', http_port_file,
            '--web-root', env['WEB_ROOT'], '--rules-dir', env['RULES_DIR'],
            '--tokens', env['TOKENS'], '--log-level', 'warn',
        ], stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'arrsd exited with {self.proc.returncode}: {self.log_text()}')
            if _read_int(port_file) and _read_int(http_port_file):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f'arrsd did not write its port files in 60 s: {self.log_text()}')
        self.grpc = f'127.0.0.1:{_read_int(port_file)}'
        self.base = f'http://127.0.0.1:{_read_int(http_port_file)}'
        demo = subprocess.run(
            [env['ARRSCTL'], 'demo'], capture_output=True, text=True, timeout=180,
            env={**os.environ, 'ARRS_SERVER': self.grpc, 'ARRS_TOKEN': 'demo-admin-token'})
        if demo.returncode != 0:
            raise RuntimeError(f'arrsctl demo failed ({demo.returncode}): {demo.stderr}{demo.stdout}')

    def log_text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()[-3000:]

    def api(self, method, body, token, service='QueryService'):
        """POST /api/v1/{service}/{method}; returns (status, parsed JSON body)."""
        request = urllib.request.Request(
            f'{self.base}/api/v1/{service}/{method}', data=json.dumps(body).encode(),
            headers={'Authorization': f'Bearer {token}', 'Content-Type': 'application/json'},
            method='POST')
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b'{}')
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, {'raw': text.decode(errors='replace')}

    def ok(self, method, body, token, service='QueryService'):
        status, answer = self.api(method, body, token, service)
        if status != 200:
            raise AssertionError(f'{service}/{method} {body}: HTTP {status} {answer}')
        return answer

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _read_int(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return int(text) if text else 0
    except (OSError, ValueError):
        return 0


def start_browser(user_data_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', '--no-default-browser-check',
                '--disable-extensions', '--lang=en-GB', '--window-size=1280,1000',
                f'--user-data-dir={user_data_dir}']:
        options.add_argument(arg)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


SERVER = None
DRIVER = None
ENV = {}
SHOTS = None
USER_DATA = None


def submit_work_claim(request_id, claim_id, month, lines):
    """Submits claim `claim_id` of WORK_PCN for `month` of 2025 as the PCN itself; `lines`:
    (staff id, actual cost in pence), numbered from 1."""
    SERVER.ok('SubmitClaim', {
        'header': {'requestId': request_id},
        'pcnCode': WORK_PCN, 'claimId': claim_id,
        'month': {'year': 2025, 'month': month, 'day': 1},
        'lines': [{'lineNo': n, 'staffId': staff, 'actualCostPence': str(cost)}
                  for n, (staff, cost) in enumerate(lines, 1)],
    }, TOKENS['pcn'][0], service='CommandService')


def setUpModule():  # noqa: N802 (unittest's name)
    global SERVER, DRIVER, SHOTS, USER_DATA
    SHOTS = ENV['SCREENSHOT_DIR']
    os.makedirs(SHOTS, exist_ok=True)
    SERVER = Server(ENV)
    # The claim for the worklist, submitted by the PCN itself.
    submit_work_claim('console-test:submit', WORK_CLAIM, 6, [('CP-01', 450000), ('SPLW-01', 250000)])
    # A second open claim of ICB QWE, so that a worklist of one claim is cut short.
    submit_work_claim('console-test:submit-other', OTHER_CLAIM, 7, [('CP-01', 450000)])
    USER_DATA = tempfile.mkdtemp(prefix='arrs-console-chromium-')
    try:
        DRIVER = start_browser(USER_DATA)
    except WebDriverException as e:
        SERVER.stop()
        raise RuntimeError(f'Chromium did not start: {e}') from e


def tearDownModule():  # noqa: N802
    if DRIVER is not None:
        DRIVER.quit()
    if SERVER is not None:
        SERVER.stop()
    if USER_DATA:
        shutil.rmtree(USER_DATA, ignore_errors=True)


class ConsoleTest(unittest.TestCase):
    """Each test signs in as the role it needs; tests run in name order."""

    # ------------------------------------------------------------------------- helpers

    @property
    def d(self):
        return DRIVER

    def setUp(self):
        self.d.get_log('browser')  # start each test with an empty console
        self.allowed_errors = []   # substrings of console errors this test provokes

    def tearDown(self):
        self.assert_console_clean()

    def assert_console_clean(self):
        errors = [e['message'] for e in self.d.get_log('browser') if e['level'] == 'SEVERE']
        unexpected = [m for m in errors if not any(a in m for a in self.allowed_errors)]
        self.assertEqual(unexpected, [], 'browser console errors')

    def navigate(self, hash_route):
        """Goes to #route (a full load when the console is not open yet)."""
        if not self.d.current_url.startswith(SERVER.base):
            self.d.get(f'{SERVER.base}/{hash_route}')
        else:
            self.d.execute_script('window.location.hash = arguments[0]', hash_route)

    def go(self, hash_route, timeout=30):
        """Shows #route and waits until it has loaded; returns its status."""
        self.navigate(hash_route)
        return self.wait_route(hash_route, timeout)

    def wait_route(self, prefix, timeout=30):
        """Waits until the route shown starts with `prefix` and has finished loading."""
        def done(d):
            main = d.find_element(By.ID, 'maincontent')
            route = main.get_attribute('data-route') or ''
            status = main.get_attribute('data-status')
            return status if route.startswith(prefix) and status not in (None, '', 'loading') else False
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(done)
        except TimeoutException:
            main = self.d.find_element(By.ID, 'maincontent')
            self.fail(f'{prefix} did not finish loading: route {main.get_attribute("data-route")} '
                      f'status {main.get_attribute("data-status")}: {main.text[:500]}')

    def shot(self, name, mobile=False):
        """A full-page PNG of what is on screen."""
        height = self.d.execute_script(
            'return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)')
        width = 375 if mobile else 1280
        if mobile:
            self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                'width': width, 'height': min(int(height) + 50, 12000), 'deviceScaleFactor': 1, 'mobile': True})
        else:
            self.d.set_window_size(width, min(int(height) + 150, 12000))
        time.sleep(0.2)
        self.d.save_screenshot(os.path.join(SHOTS, f'{name}.png'))
        if mobile:
            self.d.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
        self.d.set_window_size(1280, 1000)

    def wait_banner(self, text, timeout=30):
        """Waits for a success banner holding `text` (the page re-renders under it)."""
        def found(d):
            for banner in d.find_elements(By.CSS_SELECTOR, '.nhsuk-notification-banner'):
                if text in banner.text:
                    return d.find_element(By.ID, 'maincontent').get_attribute('data-status') == 'ready'
            summary = d.find_elements(By.CSS_SELECTOR, '#review-problems .nhsuk-error-summary')
            if summary:
                raise AssertionError(f'refused: {summary[0].text}')
            return False
        WebDriverWait(self.d, timeout, poll_frequency=0.05,
                      ignored_exceptions=(StaleElementReferenceException,)).until(found)

    def sign_in(self, role):
        token, name = TOKENS[role]
        self.navigate('#/signout')
        self.wait_route('#/signin')
        field = self.d.find_element(By.ID, 'token')
        field.clear()
        field.send_keys(token)
        self.d.find_element(By.ID, 'signin').click()
        self.wait_route('#/pcns')
        who = self.d.find_element(By.ID, 'whoami')
        self.assertEqual(who.get_attribute('data-name'), name)
        self.assertEqual(who.get_attribute('data-role'), role)
        return token

    def record_api_calls(self, rewrite_list_claims=None):
        """From now on, records the page's API calls (method and request body) until the
        next full page load; `rewrite_list_claims` is merged into ListClaims' request
        bodies (e.g. {'maxClaims': 1})."""
        self.d.execute_script("""
            const rewrite = arguments[0];
            if (!window.arrsTestFetch) window.arrsTestFetch = window.fetch;
            const original = window.arrsTestFetch;
            window.arrsTestCalls = [];
            window.fetch = function (url, init) {
              const m = /\\/api\\/v1\\/(.+)$/.exec(String(url));
              if (m && init && typeof init.body === 'string') {
                let body = JSON.parse(init.body);
                if (rewrite && m[1] === 'QueryService/ListClaims') {
                  body = Object.assign(body, rewrite);
                  init = Object.assign({}, init, { body: JSON.stringify(body) });
                }
                window.arrsTestCalls.push({ method: m[1], body });
              }
              return original.call(this, url, init);
            };
        """, rewrite_list_claims)

    def api_calls(self):
        return self.d.execute_script('return window.arrsTestCalls || []')

    def stop_recording_api_calls(self):
        self.d.execute_script('if (window.arrsTestFetch) window.fetch = window.arrsTestFetch;')

    def worklist_rows(self):
        return [(a.get_attribute('data-pcn'), a.get_attribute('data-claim'))
                for a in self.d.find_elements(By.CSS_SELECTOR, '#worklist-table a.arrs-review-link')]

    def worklist_api_calls(self):
        """Opens the worklist afresh (from the PCN list) and returns the API calls it made."""
        self.go('#/pcns')
        self.record_api_calls()
        try:
            self.assertEqual(self.go('#/worklist', timeout=60), 'ready')
            return self.api_calls()
        finally:
            self.stop_recording_api_calls()

    def assert_worklist_shows(self, listed):
        """The worklist's rows are the claims of ListClaims' answer `listed`, in its order."""
        self.assertEqual(self.worklist_rows(), [(c['pcnCode'], c['claim']['claimId']) for c in listed['claims']])

    def figures(self):
        """{data-field: text} of the page's figures."""
        return {e.get_attribute('data-field'): e.text.strip()
                for e in self.d.find_elements(By.CSS_SELECTOR, '#maincontent [data-field]')}

    def axe_source(self):
        """The text of axe-core's axe.min.js in WEB_ROOT's node_modules; fails (does not
        skip) when it is missing, as every other package web/ needs."""
        path = os.path.join(ENV['WEB_ROOT'], AXE_SCRIPT)
        if not os.path.isfile(path):
            self.fail(f'{path} is missing: run scripts/web-deps.sh (axe-core is pinned in '
                      'web/package-lock.json)')
        with open(path, encoding='utf-8') as f:
            return f.read()

    def axe(self, source):
        """Runs axe-core on the whole document as it is now, with the WCAG 2.x A and AA
        rules; returns its violations as lines to read (empty when there are none).
        axe.min.js is run by WebDriver, to which the page's CSP does not apply."""
        if not self.d.execute_script('return !!(window.axe && window.axe.run)'):
            self.d.execute_script(source)
        answer = self.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            window.axe.run(document, {
              runOnly: { type: 'tag', values: arguments[0] },
              resultTypes: ['violations'],
            }).then((r) => done({ violations: r.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
              targets: v.nodes.slice(0, 3).map((n) => n.target.map(String).join(' >> ')),
              summary: v.nodes.length ? v.nodes[0].failureSummary : '',
            })) }), (e) => done({ error: String((e && e.stack) || e) }));
        """, AXE_TAGS)
        if answer.get('error'):
            self.fail(f'axe.run failed: {answer["error"]}')
        lines = []
        for v in answer['violations']:
            more = f' and {v["count"] - len(v["targets"])} more' if v['count'] > len(v['targets']) else ''
            detail = ' '.join((v['summary'] or '').split())[:300]
            lines.append(f'  {v["id"]} ({v["impact"]}, {v["count"]} element{"s" if v["count"] != 1 else ""}): '
                         f'{v["help"]}\n    at {"; ".join(v["targets"])}{more}\n    {detail}')
        return lines

    def computed_at(self):
        return int(self.d.find_element(By.ID, 'computed-at').get_attribute('data-position') or 0)

    def assert_year_matches_api(self, token, pcn, year, as_of=None, known_at=None):
        body = {'pcnCode': pcn, 'financialYear': year}
        query = []
        if as_of:
            y, m, dd = (int(x) for x in as_of.split('-'))
            body['asOf'] = {'year': y, 'month': m, 'day': dd}
            query.append(f'as_of={as_of}')
        if known_at:
            body['knownAt'] = {'position': str(known_at)}
            query.append(f'known_at={known_at}')
        route = f'#/pcn/{pcn}/year/{year}' + (f'?{"&".join(query)}' if query else '')
        self.assertEqual(self.go(route), 'ready')
        api = SERVER.ok('GetBalance', body, token)
        shown = self.figures()
        for field in BALANCE_FIELDS:
            self.assertEqual(shown.get(field), money(api[field]), f'{field} at {route}')
        if any(int(api[f]) for f in RESTATEMENT_FIELDS):
            for field in RESTATEMENT_FIELDS:
                self.assertEqual(shown.get(field), money(api[field]), f'{field} at {route}')
        self.assertEqual(self.computed_at(), int(api['computedAtPosition']))
        # The month-by-month table ends with the year's claimed total.
        last = self.d.find_elements(By.CSS_SELECTOR, '#month-table tbody tr')[-1]
        claimed_to_date = last.find_elements(By.CSS_SELECTOR, 'td')[1].text
        if api['claims'] and (not as_of or as_of >= f'{year + 1}-03-01'):
            self.assertEqual(claimed_to_date, money(api['claimedPence']))
        return api

    # --------------------------------------------------------------------------- tests

    def test_01_sign_in_as_each_role(self):
        self.d.get(f'{SERVER.base}/')
        self.wait_route('#/signin')
        self.shot('01-sign-in')
        for role in ['admin', 'auditor', 'commissioner', 'pcn']:
            token = self.sign_in(role)
            who = SERVER.ok('WhoAmI', {}, token)
            header = self.d.find_element(By.ID, 'whoami').text
            self.assertIn(who['name'], header)
            self.assertIn(who['role'], header)
            for code in who['scope']:
                self.assertIn(code, header)
            # The PCN list is what ListPcns gives this principal.
            api = SERVER.ok('ListPcns', {}, token)
            rows = self.d.find_elements(By.CSS_SELECTOR, '#pcn-table [data-field="pcnCode"]')
            self.assertEqual(sorted(r.text for r in rows), sorted(p['pcnCode'] for p in api['pcns']))
            nav = [a.text for a in self.d.find_elements(By.CSS_SELECTOR, '#primary-nav a')]
            self.assertEqual('Worklist' in nav, role in ('admin', 'commissioner'))
            self.shot(f'02-pcns-{role}')
            # The token is in sessionStorage only, and signing out forgets it.
            self.assertEqual(self.d.execute_script('return document.cookie'), '')
            self.assertEqual(self.d.execute_script('return localStorage.length'), 0)
            self.d.find_element(By.ID, 'signout').click()
            self.wait_route('#/signin')
            self.assertEqual(self.d.execute_script('return sessionStorage.length'), 0)
            self.assertEqual(self.d.find_elements(By.ID, 'whoami'), [])
        # A wrong token is refused with the API's code.
        self.d.find_element(By.ID, 'token').send_keys('not-a-token')
        self.allowed_errors.append('status of 401')
        self.d.find_element(By.ID, 'signin').click()
        summary = WebDriverWait(self.d, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, '.nhsuk-error-summary'))
        self.assertIn('UNAUTHENTICATED', summary.text)
        # The search box filters the list.
        self.sign_in('admin')
        self.d.find_element(By.ID, 'pcn-search').send_keys('qkk')
        rows = self.d.find_elements(By.CSS_SELECTOR, '#pcn-table [data-field="pcnCode"]')
        self.assertEqual(sorted(r.text for r in rows), ['U20003', 'U20004'])

    def test_02_year_page_equals_api(self):
        token = self.sign_in('auditor')
        head = int(SERVER.ok('ListPcns', {}, token)['computedAtPosition'])
        self.assert_year_matches_api(token, 'U20003', 2024)
        self.shot('03-year-U20003-2024')
        self.assert_year_matches_api(token, 'U20003', 2024, as_of='2024-12-31')
        self.assert_year_matches_api(token, 'U10002', 2023, as_of='2023-11-30', known_at=head - 100)
        self.assert_year_matches_api(token, 'U10001', 2024, known_at=head)
        # The chart drew (chart.js loaded, same origin) and the table is its alternative.
        self.go('#/pcn/U10001/year/2024')
        self.assertTrue(self.d.execute_script(
            "const c = document.getElementById('balance-chart'); return !!(window.Chart && c && Chart.getChart(c));"))
        self.assertEqual(len(self.d.find_elements(By.CSS_SELECTOR, '#month-table tbody tr')), 12)

    def test_03_known_at_back_shows_earlier_figures(self):
        token = self.sign_in('auditor')
        # Harbour (U20003): an overpayment recovered at the end of the demo.
        live = self.assert_year_matches_api(token, 'U20003', 2024)
        self.assertGreater(int(live['recoveredPence']), 0)
        trail = SERVER.ok('GetAuditTrail', {'pcnCode': 'U20003'}, token)
        recoveries = [int(e['event']['position']) for e in trail['entries']
                      if 'overpaymentRecovered' in e['event']['payload']]
        self.assertTrue(recoveries)
        before = recoveries[0] - 1
        # Type the position and press Show: the page reloads at that point of history.
        field = self.d.find_element(By.ID, 'tt-known-at')
        field.clear()
        field.send_keys(str(before))
        self.d.find_element(By.ID, 'tt-apply').click()
        self.wait_route(f'#/pcn/U20003/year/2024?known_at={before}')
        self.assertEqual(self.computed_at(), before)
        earlier = SERVER.ok('GetBalance', {'pcnCode': 'U20003', 'financialYear': 2024,
                                           'knownAt': {'position': str(before)}}, token)
        shown = self.figures()
        self.assertEqual(shown['recoveredPence'], money(earlier['recoveredPence']))
        self.assertNotEqual(shown['recoveredPence'], money(live['recoveredPence']))
        for field_name in BALANCE_FIELDS:
            self.assertEqual(shown[field_name], money(earlier[field_name]), field_name)
        self.shot('04-year-U20003-2024-known-at-earlier')
        # "Earlier event" steps to the PCN's previous event; the slider follows.
        positions = sorted(int(e['event']['position']) for e in trail['entries'])
        previous = max(p for p in positions if p < before)
        self.d.find_element(By.ID, 'tt-earlier').click()
        self.wait_route(f'#/pcn/U20003/year/2024?known_at={previous}')
        self.assertEqual(self.computed_at(), previous)
        self.assertEqual(self.d.find_element(By.ID, 'tt-known-at-range').get_attribute('value'), str(previous))
        # The URL reproduces the view.
        url = self.d.current_url
        self.d.get('about:blank')
        self.d.get(url)
        self.wait_route(f'#/pcn/U20003/year/2024?known_at={previous}')
        self.assertEqual(self.computed_at(), previous)
        # Back to now.
        self.d.find_element(By.ID, 'tt-now').click()
        self.wait_route('#/pcn/U20003/year/2024')
        self.assertEqual(self.figures()['recoveredPence'], money(live['recoveredPence']))

    def test_04_pcn_cannot_see_another_pcn(self):
        token = self.sign_in('pcn')
        self.allowed_errors.append('status of 403')
        self.assertEqual(self.go('#/pcn/U10002/year/2024'), 'forbidden')
        main = self.d.find_element(By.ID, 'maincontent')
        self.assertIn('You may not see this PCN', main.find_element(By.TAG_NAME, 'h1').text)
        self.assertIn('PERMISSION_DENIED', main.text)
        self.shot('05-pcn-forbidden')
        self.shot('05-pcn-forbidden-375px', mobile=True)
        status, answer = SERVER.api('GetBalance', {'pcnCode': 'U10002', 'financialYear': 2024}, token)
        self.assertEqual(status, 403)
        self.assertEqual(answer.get('code'), 'PERMISSION_DENIED')
        # Its own PCN is fine; the list holds only it.
        self.assertEqual(self.go('#/pcn/U10001/year/2024'), 'ready')
        self.assertEqual(self.go('#/pcns'), 'ready')
        rows = self.d.find_elements(By.CSS_SELECTOR, '#pcn-table [data-field="pcnCode"]')
        self.assertEqual([r.text for r in rows], ['U10001'])

    def test_05_commissioner_assesses_and_pays_from_the_worklist(self):
        token = self.sign_in('commissioner')
        # A list cut short says so, and how many it shows: ListClaims asked for one claim.
        list_body = {'icbCode': 'QWE', 'statuses': ['submitted', 'assessed'], 'maxClaims': 1}
        self.assertTrue(SERVER.ok('ListClaims', list_body, token)['truncated'])
        self.record_api_calls({'maxClaims': 1})
        try:
            self.assertEqual(self.go('#/worklist', timeout=60), 'ready')
            warning = self.d.find_element(By.ID, 'worklist-truncated')
            self.assertIn('Only the first 1 claim is shown', warning.text)
            self.assertEqual(warning.find_element(By.CSS_SELECTOR, '[data-shown]').get_attribute('data-shown'), '1')
            self.assertEqual(len(self.worklist_rows()), 1)
            self.shot('06-worklist-truncated')
        finally:
            self.stop_recording_api_calls()
        # The whole list: one ListClaims call for the commissioner's one ICB (QWE), none per
        # PCN or year; its rows are ListClaims' answer, with nothing said about truncation.
        calls = self.worklist_api_calls()
        self.assertEqual([c['method'] for c in calls], ['QueryService/ListClaims'], calls)
        body = calls[0]['body']
        self.assertEqual((body['icbCode'], sorted(body['statuses']), body['financialYear']),
                         ('QWE', ['assessed', 'submitted'], 0))
        listed = SERVER.ok('ListClaims', body, token)
        self.assertFalse(listed['truncated'])
        self.assert_worklist_shows(listed)
        self.assertIn((WORK_PCN, WORK_CLAIM), self.worklist_rows())
        self.assertEqual(self.d.find_elements(By.ID, 'worklist-truncated'), [])
        link = self.d.find_element(
            By.CSS_SELECTOR, f'a.arrs-review-link[data-pcn="{WORK_PCN}"][data-claim="{WORK_CLAIM}"]')
        self.shot('06-worklist')
        link.click()
        self.wait_route(f'#/worklist/{WORK_PCN}/{WORK_CLAIM}')
        self.assertEqual(self.figures()['status'], 'submitted')
        self.shot('07-review-submitted')
        # Assess.
        self.d.find_element(By.ID, 'assess').click()
        self.wait_banner(f'Claim {WORK_CLAIM} assessed')
        self.assertEqual(self.figures()['status'], 'assessed')
        claim = self._claim(token)
        self.assertEqual(claim['status'], 'assessed')
        self.assertGreater(int(claim['approvedPence']), 0, 'the claim should have something approved to pay')
        self.assertEqual(self.figures()['toPay'], money(claim['approvedPence']))
        self.shot('08-review-assessed')
        # Reduce line 2 by £500, with a reason.
        approved_before = int(claim['approvedPence'])
        explained = SERVER.ok('ExplainClaim', {'pcnCode': WORK_PCN, 'claimId': WORK_CLAIM}, token)
        line2 = next(l for l in explained['lines'] if l['lineNo'] == 2)
        new_line2 = int(line2['approvedPence']) - 50000
        self.assertGreater(new_line2, 0)
        Select(self.d.find_element(By.ID, 'reduce-line')).select_by_value('2')
        self.d.find_element(By.ID, 'reduce-amount').send_keys(f'{new_line2 // 100}.{new_line2 % 100:02d}')
        self.d.find_element(By.ID, 'reduce').click()  # no reason yet: refused in the page
        summary = WebDriverWait(self.d, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, '#review-problems .nhsuk-error-summary'))
        self.assertIn('Enter the reason', summary.text)
        self.d.find_element(By.ID, 'reduce-reason').send_keys('Console test: two days of unpaid leave')
        self.d.find_element(By.ID, 'reduce').click()
        self.wait_banner(f'Line 2 of claim {WORK_CLAIM} reduced to {money(new_line2)}')
        claim = self._claim(token)
        self.assertEqual(int(claim['approvedPence']), approved_before - 50000)
        self.assertEqual(self.figures()['toPay'], money(claim['approvedPence']))
        # Pay.
        self.d.find_element(By.ID, 'pay').click()
        self.wait_banner(f'Claim {WORK_CLAIM} paid')
        self.assertEqual(self.figures()['status'], 'paid')
        claim = self._claim(token)
        self.assertEqual(claim['status'], 'paid')
        self.assertEqual(claim['paidPence'], claim['approvedPence'])
        self.shot('09-review-paid')
        # It left the worklist.
        self.go('#/worklist', timeout=60)
        self.assertEqual(self.d.find_elements(
            By.CSS_SELECTOR, f'a.arrs-review-link[data-pcn="{WORK_PCN}"][data-claim="{WORK_CLAIM}"]'), [])
        # The audit trail of the claim shows the assessment and the payment, by this
        # commissioner, as the API does.
        self.go(f'#/pcn/{WORK_PCN}/audit?claim={WORK_CLAIM}')
        kinds = [e.get_attribute('data-kind') for e in self.d.find_elements(By.CSS_SELECTOR, '#audit-table .arrs-event__kind')]
        self.assertEqual(kinds, ['claim_submitted', 'claim_assessed', 'claim_line_reduced', 'claim_paid'])
        text = self.d.find_element(By.ID, 'audit-table').text
        self.assertIn('commissioner:qwe-reviewer', text)
        self.assertIn(f'claim {WORK_CLAIM} paid {money(claim["paidPence"])}', text)
        self.assertIn('Console test: two days of unpaid leave', text)
        api = SERVER.ok('GetAuditTrail', {'pcnCode': WORK_PCN, 'claimId': WORK_CLAIM}, token)
        rows = [r.get_attribute('id') for r in self.d.find_elements(By.CSS_SELECTOR, '#audit-table tbody tr')]
        self.assertEqual(rows, [f'pos-{e["event"]["position"]}' for e in api['entries']])
        self.assertTrue(all(e['event']['requestId'].startswith('console:') for e in api['entries'][1:]))
        self.shot('10-audit-claim')

    def _claim(self, token):
        # As of today (UTC, as the console's default payment date) or the year's end.
        today = datetime.datetime.now(datetime.timezone.utc).date()
        as_of = max(today, datetime.date(WORK_YEAR + 1, 3, 31))
        balance = SERVER.ok('GetBalance', {'pcnCode': WORK_PCN, 'financialYear': WORK_YEAR, 'asOf': {
            'year': as_of.year, 'month': as_of.month, 'day': as_of.day}}, token)
        return next(c for c in balance['claims'] if c['claimId'] == WORK_CLAIM)

    def test_06_audit_trail_links_corrections_both_ways(self):
        token = self.sign_in('auditor')
        # Riverside's CP-01: a pay rise replaced by the admin.
        self.go('#/pcn/U10001/audit?staff=CP-01')
        trail = SERVER.ok('GetAuditTrail', {'pcnCode': 'U10001', 'staffId': 'CP-01'}, token)
        corrected = next(e for e in trail['entries'] if e['correctedBy'])
        original, fix = corrected['event']['position'], corrected['correctedBy'][0]
        row = self.d.find_element(By.ID, f'pos-{original}')
        self.assertIn('arrs-cancelled', row.get_attribute('class'))
        row.find_element(By.CSS_SELECTOR, f'a[data-target="{fix}"]').click()
        self.wait_route('#/pcn/U10001/audit')
        fix_row = self.d.find_element(By.ID, f'pos-{fix}')
        self.assertEqual(self.d.switch_to.active_element, fix_row)
        fix_row.find_element(By.CSS_SELECTOR, f'a[data-target="{original}"]')  # and back
        self.shot('11-audit-staff-CP-01')

    def test_07_every_page_renders(self):
        self.sign_in('admin')
        pages = [
            ('12-pcn-overview', '#/pcn/U10002'),
            ('13-claims', '#/pcn/U10002/claims?year=2023'),
            ('14-claim-explained', '#/pcn/U10002/claim/2023-11'),
            ('15-claim-restated', '#/pcn/U20003/claim/2024-11'),
            ('16-caps', '#/pcn/U10001/caps?as_of=2021-02-28'),
            ('17-workforce', '#/pcn/U20004/workforce?as_of=2025-03-31'),
            ('18-audit', '#/pcn/U20004/audit'),
            ('19-region', '#/region?as_of=2025-03-31'),
            ('20-rules', '#/rules?year=2024'),
        ]
        for name, route in pages:
            self.assertEqual(self.go(route), 'ready', route)
            self.assertEqual(len(self.d.find_elements(By.TAG_NAME, 'h1')), 1, route)
            self.shot(name)
        # The worklist of an admin: one national ListClaims call (every ICB).
        calls = self.worklist_api_calls()
        self.assertEqual([(c['method'], c['body']['icbCode']) for c in calls], [('QueryService/ListClaims', '')])
        self.assert_worklist_shows(SERVER.ok('ListClaims', calls[0]['body'], TOKENS['admin'][0]))
        self.shot('25-worklist-national')
        # The explanation carries the same text as `arrsctl explain`.
        self.go('#/pcn/U10002/claim/2023-11')
        cli = subprocess.run([ENV['ARRSCTL'], 'explain', 'U10002', '2023-11'], capture_output=True, text=True,
                             timeout=60, env={**os.environ, 'ARRS_SERVER': SERVER.grpc, 'ARRS_TOKEN': 'demo-admin-token'})
        self.assertEqual(cli.returncode, 0, cli.stderr)
        shown = self.d.execute_script("return document.getElementById('cli-explain').textContent")
        self.assertEqual(shown.rstrip('\n'), cli.stdout.rstrip('\n'))
        # Region figures are the API's.
        self.go('#/region?as_of=2025-03-31')
        region = SERVER.ok('GetRegionSummary', {'asOf': {'year': 2025, 'month': 3, 'day': 31}}, TOKENS['admin'][0])
        table = self.d.find_element(By.ID, 'region-table').text
        self.assertIn(money(region['national']['approvedPence']), table)

    def test_08_narrow_screen(self):
        self.sign_in('commissioner')
        for name, route in [('21-pcns-375px', '#/pcns'), ('22-year-375px', '#/pcn/U10001/year/2024'),
                            ('23-audit-375px', '#/pcn/U10001/audit'), ('24-worklist-375px', '#/worklist')]:
            self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                'width': 375, 'height': 812, 'deviceScaleFactor': 1, 'mobile': True})
            try:
                self.assertEqual(self.go(route, timeout=60), 'ready')
                time.sleep(0.2)
                # Wide tables scroll inside their own region; the page itself does not.
                width = self.d.execute_script('return document.documentElement.scrollWidth')
                self.assertLessEqual(width, 375, f'{route} is {width} px wide at 375 px')
            finally:
                self.d.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
            self.shot(name, mobile=True)


    def test_09_accessibility(self):
        """axe-core finds no WCAG 2.0/2.1 A or AA violation on any page, in the states a
        person meets (signed out, a refused token, forms with their error summaries, a
        success banner, a refused PCN), at desktop width and at 375 px."""
        source = self.axe_source()
        self.d.set_script_timeout(60)
        found = []

        def check(name, mobile=False):
            # What a person can open is checked open (explanations, sources of figures).
            self.d.execute_script("document.querySelectorAll('details').forEach((e) => { e.open = true; })")
            lines = self.axe(source)
            if lines:
                found.append(f'{name}{" at 375 px" if mobile else ""} '
                             f'({self.d.execute_script("return window.location.hash")}):\n' + '\n'.join(lines))

        def page(name, route, mobile=False, status='ready'):
            if mobile:
                self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                    'width': 375, 'height': 812, 'deviceScaleFactor': 1, 'mobile': True})
            try:
                self.assertEqual(self.go(route, timeout=60), status, route)
                check(name, mobile)
            finally:
                if mobile:
                    self.d.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})

        # Signed out: the sign-in page, then with a token refused.
        self.navigate('#/signout')
        self.wait_route('#/signin')
        check('sign-in')
        self.d.find_element(By.ID, 'token').send_keys('not-a-token')
        self.allowed_errors.append('status of 401')
        self.d.find_element(By.ID, 'signin').click()
        WebDriverWait(self.d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.nhsuk-error-summary'))
        check('sign-in, token refused')

        # Every page, as an admin (the PCN list is where signing in lands).
        self.sign_in('admin')
        check('PCN list')
        for name, route in [
            ('PCN overview', '#/pcn/U10002'),
            ('year', '#/pcn/U20003/year/2024'),
            ('claims', '#/pcn/U10002/claims?year=2023'),
            ('claim explanation', '#/pcn/U10002/claim/2023-11'),
            ('claim explanation, restated', '#/pcn/U20003/claim/2024-11'),
            ('caps', '#/pcn/U10001/caps?as_of=2021-02-28'),
            ('workforce', '#/pcn/U20004/workforce?as_of=2025-03-31'),
            ('audit trail', '#/pcn/U10001/audit?staff=CP-01'),
            ('worklist', '#/worklist'),
            ('region', '#/region?as_of=2025-03-31'),
            ('rule book', '#/rules?year=2024'),
        ]:
            page(name, route)
        # A worklist cut short, with its warning: two open claims (test_05 paid one), one shown.
        submit_work_claim('console-test:submit-a11y', A11Y_CLAIM, 9, [('CP-01', 450000)])
        self.go('#/pcns')
        self.record_api_calls({'maxClaims': 1})
        try:
            page('worklist, cut short', '#/worklist')
            self.d.find_element(By.ID, 'worklist-truncated')
        finally:
            self.stop_recording_api_calls()
        # The time-travel form's error summary.
        self.go('#/pcn/U10001/caps')
        field = self.d.find_element(By.ID, 'tt-known-at')
        field.clear()
        field.send_keys('999999999')
        self.d.find_element(By.ID, 'tt-apply').click()
        WebDriverWait(self.d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.arrs-tt .nhsuk-error-summary'))
        check('caps, time travel refused')

        # A commissioner's review of a claim: submitted, then assessed (with its banner,
        # and the reduce and pay forms), then a reduction refused in the page.
        self.sign_in('commissioner')
        review = f'#/worklist/{WORK_PCN}/{OTHER_CLAIM}?year={WORK_YEAR}'
        page('review, submitted', review)
        self.d.find_element(By.ID, 'assess').click()
        self.wait_banner(f'Claim {OTHER_CLAIM} assessed')
        check('review, assessed')
        self.d.find_element(By.ID, 'reduce').click()
        WebDriverWait(self.d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '#review-problems .nhsuk-error-summary'))
        check('review, reduction refused')

        # At 375 px (the header and tables laid out for a phone).
        for name, route in [('PCN list', '#/pcns'), ('year', '#/pcn/U10001/year/2024'),
                            ('claim explanation', f'#/pcn/{WORK_PCN}/claim/{OTHER_CLAIM}'),
                            ('audit trail', '#/pcn/U10001/audit'), ('worklist', '#/worklist'),
                            ('review', review)]:
            page(name, route, mobile=True)

        # A PCN refused another PCN, and the region page it may not use.
        self.sign_in('pcn')
        self.allowed_errors.append('status of 403')
        page('another PCN refused', '#/pcn/U10002/year/2024', status='forbidden')
        page('region, not for a PCN', '#/region', status='forbidden')

        if found:
            self.fail(f'axe-core {self.d.execute_script("return axe.version")} found WCAG A/AA violations '
                      f'on {len(found)} page{"s" if len(found) != 1 else ""}:\n' + '\n'.join(found))


def main():
    missing = [name for name in ('ARRSD', 'ARRSCTL', 'WEB_ROOT', 'RULES_DIR', 'TOKENS') if not os.environ.get(name)]
    if missing:
        print(f'console_test: set {", ".join(missing)}', file=sys.stderr)
        return 2
    ENV.update({k: os.environ[k] for k in ('ARRSD', 'ARRSCTL', 'WEB_ROOT', 'RULES_DIR', 'TOKENS')})
    ENV['SCREENSHOT_DIR'] = os.environ.get('SCREENSHOT_DIR') or tempfile.mkdtemp(prefix='arrs-console-shots-')
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            _skip(f'{tool} is not installed (apt-get install chromium chromium-driver)')
    web = ENV['WEB_ROOT']
    for needed in ('node_modules/nhsuk-frontend', 'node_modules/chart.js', 'css/nhsuk.css'):
        if not os.path.exists(os.path.join(web, needed)):
            # Not a skip: scripts/test.sh installs them (scripts/web-deps.sh), so a missing
            # package means the console cannot be served as shipped.
            print(f'console_test: {web}/{needed} is missing: run scripts/web-deps.sh',
                  file=sys.stderr)
            return 1
    print(f'console_test: screenshots in {ENV["SCREENSHOT_DIR"]}', file=sys.stderr)
    result = unittest.main(argv=[sys.argv[0], '-v'], exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())

// Drives the Hassette dashboard in headless Chromium (the system's /usr/bin/chromium via playwright-core).
// Run by org.hassette.e2e.DashboardBrowserE2ETest; prints "PASS <step>" per step and exits non-zero on the first failure.
// Environment: HASSETTE_URL (http://127.0.0.1:PORT), HASSETTE_USER, HASSETTE_PASSWORD, SIM_URL, SIM_TOKEN,
// ENTITY (entity whose state the test changes in the simulator), APP (optional: app id to stop and start),
// SCREENSHOT (optional: PNG path), CHROMIUM (optional: browser executable).
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`missing environment variable ${name}`);
  return v;
};
const base = env('HASSETTE_URL');
const entity = env('ENTITY');
const app = process.env.APP;
const timeout = 30_000;

const browser = await chromium.launch({ executablePath: env('CHROMIUM', '/usr/bin/chromium'), headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'] });
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 },
    httpCredentials: { username: env('HASSETTE_USER'), password: env('HASSETTE_PASSWORD') } });
  page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const response = await page.goto(base + '/hassette/dashboard/');
  if (response.status() !== 200) throw new Error(`dashboard answered ${response.status()}`);
  await page.waitForSelector('#readiness[data-ready="true"]', { timeout: 90_000 });
  console.log('PASS page loads and shows the platform ready');
  await page.waitForSelector('#live[data-state="live"]', { timeout });
  console.log('PASS live event stream connected');
  await page.waitForSelector('#services tr[data-service="database"]', { timeout });
  console.log('PASS services listed');

  // A live change: the simulator writes a new state; the row must change without a reload.
  await page.fill('#entity-search', entity);
  const row = `#entities tr[data-entity="${entity}"]`;
  await page.waitForSelector(row, { timeout });
  await page.evaluate(() => { window.__sameDocument = true; });
  const value = 'live-' + Date.now();
  const sim = await fetch(`${env('SIM_URL')}/sim/states/${entity}`, { method: 'POST',
    headers: { Authorization: 'Bearer ' + env('SIM_TOKEN'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ state: value }) });
  if (!sim.ok) throw new Error(`simulator refused the state change: ${sim.status} ${await sim.text()}`);
  await page.waitForFunction(([sel, v]) => document.querySelector(sel + ' .state')?.textContent === v, [row, value], { timeout });
  if (!(await page.evaluate(() => window.__sameDocument === true))) throw new Error('the page reloaded instead of updating live');
  console.log(`PASS live state change shown: ${entity} = ${value}`);

  if (app) {
    const appRow = `#apps tr[data-app="${app}"]`;
    const status = (s) => page.waitForFunction(([sel, want]) => document.querySelector(sel + ' .status')?.textContent === want,
      [appRow, s], { timeout });
    await status('running');
    await page.click(`${appRow} button[data-action="stop"]`);
    await status('stopped');
    console.log(`PASS app ${app} stopped from the dashboard`);
    await page.click(`${appRow} button[data-action="start"]`);
    await status('running');
    console.log(`PASS app ${app} started from the dashboard`);
  }
  await page.fill('#entity-search', '');
  await page.waitForFunction(() => document.querySelectorAll('#entities tbody tr').length > 1, null, { timeout });
  if (errors.length) throw new Error('JavaScript errors on the page: ' + errors.join('; '));
  if (process.env.SCREENSHOT) {
    await page.waitForSelector('#toast', { state: 'hidden', timeout: 10_000 });
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-phone.png'), fullPage: false });
    console.log('PASS screenshots written');
  }
  console.log('DASHBOARD OK');
} catch (e) {
  console.error('FAIL ' + e.message);
  if (page && process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}

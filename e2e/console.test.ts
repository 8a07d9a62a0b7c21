// A person in a real browser: log in, a simulated customer adds a staff member, the customer shows
// up in the console's list with their timeline.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestPond, waitFor, type TestPond } from '../apps/server/test/helpers';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env.CI) throw new Error('Chromium is required in CI (apt-get install -y chromium)');
if (!CHROMIUM) console.warn('browser tests skipped: install Chromium (apt-get install -y chromium)');

describe.skipIf(!CHROMIUM)('console in a browser', () => {
  let pond: TestPond;
  let browser: Browser;
  beforeAll(async () => {
    pond = await startTestPond();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => { await browser?.close(); await pond?.close(); });

  it('logs in, and a customer who adds a staff member appears with their timeline', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${pond.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(pond.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('overview-chart').waitFor({ timeout: 20_000 });

    const sim = pond.app.sim!.control;
    const nickname = `浏览器客户${Date.now() % 100000}`;
    const user = await sim.createWechatUser({ nickname });
    const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid LIMIT 1`, [pond.corpId]);
    await sim.addStaff(user.id, { corpId: pond.corpId, userid: rows[0].userid, state: 'e2e' });
    await waitFor(async () => (await pond.api('GET', `/api/customers?q=${encodeURIComponent(nickname)}`)).body.total === 1, { message: 'customer synced from callback' });

    await page.goto(`${pond.baseUrl}/customers`);
    await page.getByTestId('customers-search').fill(nickname);
    await page.getByTestId('customers-search').press('Enter');
    const row = page.getByTestId('customer-row').filter({ hasText: nickname });
    await row.first().waitFor();
    await row.first().click();
    const items = page.getByTestId('timeline-item');
    await items.first().waitFor();
    expect(await items.count()).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/customer-detail.png', fullPage: true }).catch(() => undefined);
  });
});

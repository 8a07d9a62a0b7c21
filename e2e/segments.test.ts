// In a browser: build a segment, see its live count, and open a customer from it.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestPond, type TestPond } from '../apps/server/test/helpers';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('segments in a browser', () => {
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

  it('builds a segment, sees the count, and opens a customer from it', async () => {
    const { rows: [w] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers WHERE corp_id = $1 AND active_follow_count > 0 AND gender = 2`, [pond.corpId]);
    expect(w.n).toBeGreaterThan(0);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${pond.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(pond.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('overview-chart').waitFor();
    await page.goto(`${pond.baseUrl}/segments`);
    await page.getByTestId('segment-condition-type').click();
    await page.locator('.ant-select-item-option', { hasText: '性别' }).click();
    await page.getByTestId('segment-add-condition').click();
    await page.getByLabel('女').check();
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toContain(String(w.n));
    const first = page.getByTestId('segment-sample-row').first();
    await first.click();
    await page.waitForURL(/\/customers\/wm/);
    await page.getByTestId('timeline-item').first().waitFor();
  });
});

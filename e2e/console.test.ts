// A person in a real browser: log in, a simulated customer adds a staff member, the customer shows
// up in the console's list with their timeline; list filters live in the URL, an empty result says
// so and clears; English strings are fetched only when English is chosen.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('console in a browser', () => {
  const ctx = browserPond();

  it('logs in, and a customer who adds a staff member appears with their timeline', async () => {
    const { pond, browser } = ctx;
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);

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

  it('keeps a list\'s filters in the URL, offers to clear them when nothing matches, and loads English only when chosen', async () => {
    const { pond, browser } = ctx;
    const page = await browser.newPage({ locale: 'zh-CN' });
    // Translation chunks are named after their language (modules/*/i18n/zh-CN.ts → assets/zh-CN-<hash>.js).
    const chunks: string[] = [];
    page.on('request', (r) => {
      const m = r.url().match(/\/assets\/(zh-CN|en-US)-[\w-]+\.js$/);
      if (m) chunks.push(m[1]);
    });
    await signIn(page, pond);
    expect(chunks).toContain('zh-CN');

    await page.goto(`${pond.baseUrl}/customers`);
    const search = page.getByTestId('customers-search');
    await search.fill('没有这位客户');
    await page.getByTestId('list-no-match').waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('没有这位客户');
    await page.reload();
    await page.getByTestId('list-no-match').waitFor();
    expect(await search.inputValue()).toBe('没有这位客户');
    await page.getByTestId('list-no-match').getByRole('button').click();
    await page.getByTestId('list-no-match').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    expect(await search.inputValue()).toBe('');

    expect(chunks).not.toContain('en-US');
    await page.getByTestId('language-switch').getByText('English').click();
    await expect.poll(() => page.locator('h4').first().innerText()).toBe('Customers');
    expect(chunks).toContain('en-US');
    await page.close();
  });
});

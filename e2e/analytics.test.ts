// In a browser: the Measure pages. The funnel opens with the five stages of the demo corp's last 30 days; changing the
// channel filter narrows every card to that channel (the API's figures for it), and the breakdown switches to staff.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, browserPond, pickUntil, signIn } from './browser';

describe.skipIf(!CHROMIUM)('Measure pages in a browser', () => {
  const ctx = browserPond({ demoOrders: true });

  it('opens the funnel and changes a filter', async () => {
    const { pond, browser } = ctx;
    // A code add for some demo customers under a channel of their own, then the rollups.
    const { rows: codes } = await pond.app.pool.query(
      `INSERT INTO live_codes (corp_id, key, kind, name, channel, state) VALUES ($1, 'e2e-measure', 'staff', '门店海报', '门店海报', 'e2e-measure') RETURNING id, channel`, [pond.corpId]);
    await pond.app.pool.query(
      `INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, added_at)
       SELECT c.corp_id, c.external_userid, c.staff_ids[1], $2, $3, c.first_added_at FROM customers c
       WHERE c.corp_id = $1 AND c.first_added_at IS NOT NULL AND c.staff_ids <> '{}' ORDER BY c.external_userid LIMIT 5`, [pond.corpId, codes[0].id, codes[0].channel]);
    const refresh = await pond.api('POST', '/api/analytics/refresh');
    expect(refresh.status).toBe(200);
    // The pass says how long each step took (the operator's view of a slow night).
    expect(refresh.body.steps).toMatchObject({ dirty: expect.any(Number), facts: expect.any(Number), funnel: expect.any(Number), order: expect.any(Number) });
    const from = new Date(Date.now() - 365 * 86400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const all = (await pond.api('GET', `/api/analytics/funnel?from=${from}`)).body;
    const one = (await pond.api('GET', `/api/analytics/funnel?from=${from}&channel=${encodeURIComponent(codes[0].channel)}`)).body;
    expect(all.totals.added).toBeGreaterThan(one.totals.added);
    expect(one.totals.added).toBeGreaterThan(0);

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/analytics/funnel?from=${from}`);
    const activate = page.getByTestId('stage-activate');
    await expect.poll(() => activate.innerText(), { timeout: 15_000 }).toContain(`/ ${all.totals.added}`);
    expect(await page.getByText('五段乘积').count()).toBe(1);
    await page.screenshot({ path: 'test-results/analytics-funnel.png', fullPage: true });

    // The channel filter: every card narrows to that channel.
    await page.getByTestId('analytics-channel').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option').filter({ hasText: codes[0].channel }).first().click();
    await expect.poll(() => page.url()).toContain(`channel=${encodeURIComponent(codes[0].channel)}`);
    await expect.poll(() => activate.innerText(), { timeout: 15_000 }).toContain(`/ ${one.totals.added}`);
    // The breakdown by staff.
    await page.getByTestId('funnel-by').getByText('员工').click();
    await expect.poll(() => page.getByTestId('funnel-table').locator('th').first().innerText()).toContain('员工');
    await page.screenshot({ path: 'test-results/analytics-funnel-channel.png', fullPage: true });

    // Cohorts and commerce open with their figures.
    await page.goto(`${pond.baseUrl}/analytics/commerce?from=${from}`);
    const co = (await pond.api('GET', `/api/analytics/commerce?from=${from}`)).body;
    await expect.poll(() => page.getByTestId('commerce-orders').innerText(), { timeout: 15_000 }).toContain(String(co.orders));
    await page.screenshot({ path: 'test-results/analytics-commerce.png', fullPage: true });
    await page.goto(`${pond.baseUrl}/analytics/cohorts?from=${from}`);
    await page.getByTestId('cohort-table').waitFor();
    await page.screenshot({ path: 'test-results/analytics-cohorts.png', fullPage: true });
    await page.close();
  });

  it('changes a stage definition in the console: the server\'s message under the field, then the funnel rebuilt with it', async () => {
    const { pond, browser } = ctx;
    // Three demo customers drew a lottery an hour after their first add: activated under the default definitions.
    const drew = await pond.app.pool.query(
      `INSERT INTO customer_events (corp_id, external_userid, type, occurred_at)
       SELECT corp_id, external_userid, 'lottery.drew', first_added_at + interval '1 hour' FROM customers
       WHERE corp_id = $1 AND first_added_at IS NOT NULL ORDER BY external_userid LIMIT 3`, [pond.corpId]);
    expect(drew.rowCount).toBe(3);
    expect((await pond.api('POST', '/api/analytics/refresh')).status).toBe(200);
    const from = new Date(Date.now() - 365 * 86400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const funnel = async () => (await pond.api('GET', `/api/analytics/funnel?from=${from}`)).body;
    const before = await funnel();
    const activated = (f: { stages: { stage: string; numerator: number }[] }) => f.stages.find((x) => x.stage === 'activate')!.numerator;
    expect(activated(before)).toBeGreaterThanOrEqual(3);
    // What the server says about a 0-day window (the form shows the same words under the field).
    const bad = await pond.api('PUT', '/api/analytics/settings', { activateDays: 0 });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'activateDays']);

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/analytics/funnel?from=${from}`);
    const card = page.getByTestId('stage-activate');
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(`${activated(before)} / ${before.totals.added}`);
    await page.getByTestId('stage-definitions-open').click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '阶段定义' });
    await dialog.getByTestId('stage-activateDays').fill('0');
    await page.getByTestId('stage-definitions-save').click();
    await expect.poll(() => dialog.locator('.ant-form-item-explain-error').allInnerTexts(), { timeout: 15_000 }).toContain(bad.body.error.message);
    expect((await funnel()).settings.activateDays).toBe(before.settings.activateDays);
    await page.screenshot({ path: 'test-results/analytics-definitions-error.png', fullPage: true });

    // Activate = checked in within 1 day: every other type removed (the lottery draws no longer count), one chosen.
    await dialog.getByTestId('stage-activateDays').fill('1');
    const types = dialog.getByTestId('stage-activate-types');
    while (await types.locator('.ant-select-selection-item-remove').count()) await types.locator('.ant-select-selection-item-remove').first().click();
    // A pick made while the dropdown still animates in can be lost on a loaded machine: pick until it shows.
    await pickUntil(() => types.click(), page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '签到' }).first(),
      async () => (await types.innerText()).includes('签到'));
    await page.keyboard.press('Escape');
    await page.getByTestId('stage-definitions-save').click();
    await expect.poll(() => dialog.count(), { timeout: 30_000 }).toBe(0);
    // The worker rebuilds the rollups with the new definitions; the page shows the new figures without a reload.
    await expect.poll(async () => (await funnel()).rebuilding, { timeout: 60_000 }).toBe(false);
    const after = await funnel();
    expect(after.settings).toMatchObject({ activateDays: 1, activateTypes: ['checkin.done'] });
    expect(activated(after)).not.toBe(activated(before));
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toContain(`${activated(after)} / ${after.totals.added}`);
    await page.screenshot({ path: 'test-results/analytics-definitions.png', fullPage: true });
    await page.close();
    // A full rollup pass by the worker, then the page's next poll.
  }, 240_000);
});

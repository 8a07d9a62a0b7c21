// What a new user sees on first start, in a browser whose own time zone is neither the corp's nor UTC:
// the timeline reads as sentences with names, times are in the corp's zone (and follow it when it changes,
// on the phone too), the orders card has an order history, the setup checklist does not call a pending row
// passed, and the audit log names actions, filters by them and records no reads.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, segmentOfRfmBucket, signIn } from './browser';

/** "YYYY-MM-DD HH:mm" of an instant in a zone, the console's one format. */
function inZone(at: string | Date, tz: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe.skipIf(!CHROMIUM)('first start in a browser', () => {
  const ctx = browserPond({ demoOrders: true });

  it('shows the timeline as sentences and every time in the corp zone, which settings change (console and phone)', async () => {
    const { pond, browser } = ctx;
    const { rows: [c] } = await pond.app.pool.query(
      `SELECT c.external_userid, c.order_count, w.id AS wechat_user_id FROM customers c
         JOIN wecom_sim.customers sc ON sc.corp_id = c.corp_id AND sc.external_userid = c.external_userid
         JOIN wecom_sim.wechat_users w ON w.id = sc.wechat_user_id
        WHERE c.corp_id = $1 AND c.order_count >= 2 ORDER BY c.external_userid LIMIT 1`, [pond.corpId]);
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/customers/${c.external_userid}`);

    // The orders card has the history.
    await expect.poll(() => page.getByTestId('orders-count').innerText(), { timeout: 15_000 }).toContain(String(c.order_count));
    expect(await page.getByTestId('rfm-bucket').getAttribute('data-bucket')).toBeTruthy();

    // Sentences, not key: value dumps.
    const added = page.locator('[data-testid=timeline-item][data-event-type="customer.added"]').first();
    await added.waitFor();
    const addedText = await added.innerText();
    expect(addedText).toMatch(/添加了员工 \S+/);
    expect(addedText).toContain('来自同步');
    const paid = page.locator('[data-testid=timeline-item][data-event-type="order.paid"]').first();
    expect(await paid.innerText()).toMatch(/支付 ¥[\d,]+\.\d\d：.+ × \d/);
    for (const text of await page.getByTestId('timeline-item').allInnerTexts()) {
      expect(text).not.toMatch(/\b(codeId|visitId|channel|source|state|orderId|items|amount)\s*:/);
    }

    // Times: the corp's zone (Asia/Shanghai), not the browser's (Paris) and not UTC.
    const { body: timeline } = await pond.api('GET', `/api/customers/${c.external_userid}/timeline?limit=1`);
    const first = timeline.items[0];
    const shown = () => page.getByTestId('timeline-time').first().innerText();
    expect(await shown()).toBe(inZone(first.occurredAt, 'Asia/Shanghai'));

    // The admin moves the corp to New York in Settings: the console and the phone follow.
    await page.goto(`${pond.baseUrl}/settings`);
    await page.getByTestId('corp-timezone').click();
    await page.keyboard.type('America/New_York');
    await page.locator('.ant-select-item-option', { hasText: 'America/New_York' }).click();
    await page.getByTestId('corp-save').click();
    await waitFor(async () => (await pond.api('GET', '/api/me')).body.corp.timezone === 'America/New_York', { message: 'zone saved' });
    await page.goto(`${pond.baseUrl}/customers/${c.external_userid}`);
    await expect.poll(shown, { timeout: 15_000 }).toBe(inZone(first.occurredAt, 'America/New_York'));

    const phone = await context.newPage();
    await context.addCookies([{ name: 'sim_wechat_user', value: c.wechat_user_id, url: pond.baseUrl }]);
    await phone.goto(`${pond.baseUrl}/sim/phone`);
    const [latest] = await pond.app.sim!.control.listOrders(c.wechat_user_id);
    expect(await phone.locator('#pay').innerText()).toContain(`${latest.orderId} · ${inZone(latest.paidAt, 'America/New_York')}`);
    await context.close();
  });

  it('calls the checklist passed only when every row passed', async () => {
    const { pond, browser } = ctx;
    // No callback has arrived yet: the events row is pending.
    await pond.app.pool.query('UPDATE corps SET last_callback_at = NULL WHERE id = $1', [pond.corpId]);
    await pond.app.pool.query(`DELETE FROM callback_inbox WHERE corp_id = $1 AND status IN ('failed', 'pending')`, [pond.corpId]);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/settings`);
    const summary = page.getByTestId('checklist-summary');
    await summary.waitFor();
    const statuses = await Promise.all((await page.getByTestId('checklist-item').all()).map((item) => item.getAttribute('data-status')));
    expect(statuses).toContain('pending');
    expect(await summary.getAttribute('data-status')).not.toBe('ok');
    expect(await summary.innerText()).not.toContain('全部检查通过');
    expect(await summary.innerText()).toMatch(/\d+ 项待完成/);
    await page.close();
  });

  it('audits writes under readable names, filters by them, and records nothing for opening list pages', async () => {
    const { pond, browser } = ctx;
    const count = async () => Number((await pond.app.pool.query('SELECT count(*) FROM audit_log WHERE corp_id = $1', [pond.corpId])).rows[0].count);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    const before = await count();
    // Segment pages preview their rule by POST as they open.
    // (A loaded CI machine can take long to build the page: the wait is generous, the condition exact.)
    const preview = page.waitForResponse((r) => r.url().endsWith('/api/segments/preview'), { timeout: 90_000 });
    await segmentOfRfmBucket(page, pond, '一般发展');
    await preview;
    await page.goto(`${pond.baseUrl}/group-segments`);
    await page.waitForLoadState('networkidle');

    const store = await pond.api('POST', '/api/stores', { name: '审计门店', code: 'AUD1' });
    expect(store.status).toBe(200);
    await waitFor(async () => (await count()) === before + 1, { message: 'one audit row: the store, not the previews' });

    await page.goto(`${pond.baseUrl}/admin/audit`);
    await page.getByTestId('audit-action-filter').click();
    await page.keyboard.type('新建门店');
    await page.locator('.ant-select-item-option', { hasText: '新建门店' }).click();
    await expect.poll(() => page.getByTestId('audit-action').allInnerTexts(), { timeout: 15_000 }).toEqual(['新建门店\nstore.create']);
    expect(await page.getByTestId('audit-target').innerText()).toBe('门店 · 审计门店');
    await page.close();
    // Its own waits allow 90 s for the first page on a loaded machine: the test as a whole gets the time other
    // multi-page browser tests have.
  }, 180_000);
});

// In a browser: a customer pays on the simulated phone and the order shows on their page in the console
// (orders card with the RFM bucket, the timeline); an operator changes the RFM thresholds in Settings and
// builds a segment of an RFM bucket; the shop refunds part of the order and the page shows it.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, segmentOfRfmBucket, signIn } from './browser';

describe.skipIf(!CHROMIUM)('orders in a browser', () => {
  const ctx = browserPond();

  it('a payment on the phone shows on the customer page, and RFM settings and segments use it', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '下单客户' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff.userid });
    await waitFor(async () => (await pond.api('GET', `/api/customers/${externalUserid}`)).status === 200, { message: 'customer in Pond' });

    // The customer pays on their phone; the simulator's shop posts the order to Pond.
    const phone = await browser.newPage({ locale: 'zh-CN' });
    await phone.context().addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    await phone.goto(`${pond.baseUrl}/sim/phone`);
    await phone.locator('input[name=item]').fill('手冲咖啡');
    await phone.locator('input[name=amount]').fill('238.5');
    await phone.getByRole('button', { name: '支付' }).click();
    await phone.getByText('webhook HTTP 200').waitFor();

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/customers/${externalUserid}`);
    await expect.poll(() => page.getByTestId('orders-count').innerText(), { timeout: 15_000 }).toContain('1');
    expect(await page.getByTestId('orders-total').innerText()).toContain('238.50');
    // One order of ¥238.50 today, default thresholds (30 days, 2 orders, ¥200): R high, F low, M high.
    expect(await page.getByTestId('rfm-bucket').getAttribute('data-bucket')).toBe('important_develop');
    expect(await page.getByTestId('rfm-bucket').innerText()).toBe('重要发展');
    await page.getByTestId('order-row').first().waitFor();
    const paid = page.locator('[data-testid=timeline-item][data-event-type="order.paid"]');
    await expect.poll(() => paid.innerText()).toContain('手冲咖啡 × 1');

    // Settings: the admin sees the webhook URL; the thresholds change the bucket.
    await page.goto(`${pond.baseUrl}/settings`);
    expect(await page.getByTestId('order-webhook-url').innerText()).toContain(`/webhooks/orders/${pond.corpId}/`);
    await page.getByTestId('rfm-order-total').fill('300');
    await page.getByTestId('rfm-save').click();
    await waitFor(async () => (await pond.api('GET', '/api/settings/orders')).body.rfm.orderTotal === 300, { message: 'threshold saved' });
    await page.goto(`${pond.baseUrl}/customers/${externalUserid}`);
    await expect.poll(() => page.getByTestId('rfm-bucket').getAttribute('data-bucket'), { timeout: 15_000 }).toBe('general_develop');

    // A segment of the bucket counts them.
    await segmentOfRfmBucket(page, pond, '一般发展');
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toBe('1');

    // The shop refunds ¥100 of it on the phone: the total spent drops, the order and the timeline say so.
    await phone.goto(`${pond.baseUrl}/sim/phone`);
    await phone.locator('form[action$="/phone/refund"] input[name=amount]').fill('100');
    await phone.getByRole('button', { name: '退款' }).click();
    await phone.getByText('已退款 ¥100.00').waitFor();
    await page.goto(`${pond.baseUrl}/customers/${externalUserid}`);
    await expect.poll(() => page.getByTestId('orders-total').innerText(), { timeout: 15_000 }).toContain('138.50');
    expect(await page.getByTestId('order-row').first().innerText()).toContain('已退 ¥100.00');
    const refunded = page.locator('[data-testid=timeline-item][data-event-type="order.refunded"]');
    await expect.poll(() => refunded.innerText()).toContain('部分退款 ¥100.00（订单金额 ¥238.50）');
    await page.close();
    await phone.close();
  });
});

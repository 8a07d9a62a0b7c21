// In a browser: an operator composes a moment with an image uploaded from the composer, visible to one staff member;
// it goes out, the staff member posts it in the simulated WeCom, a customer likes it, and the results page shows
// the post, the reach and the like with the customer's name.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, browserPond, pickUntil, signIn } from './browser';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe.skipIf(!CHROMIUM)('moments in a browser', () => {
  const ctx = browserPond();

  it('composes a moment with an image, and follows it to a customer\'s like', async () => {
    const { pond, browser } = ctx;
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/moments`);
    await page.getByTestId('moment-create').click();
    await page.getByTestId('moment-text').fill('周末新品试饮，欢迎到店 ☕');
    await page.getByText('图片（最多 9 张）').click();
    await page.getByTestId('moment-upload-image').locator('..').locator('input[type=file]').setInputFiles({ name: 'latte.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.getByTestId('moment-images').innerText(), { timeout: 15_000 }).toContain('latte.png');
    // Only 张伟 posts it.
    const senders = page.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: /^发表员工$/ }) }).locator('.ant-select');
    await pickUntil(async () => { await senders.click(); await page.keyboard.press('Control+A'); await page.keyboard.type('张伟'); },
      page.locator('.ant-select-item-option', { hasText: '张伟' }).filter({ visible: true }).first(), async () => (await senders.innerText()).includes('张伟'));
    await page.keyboard.press('Escape');
    await page.getByTestId('moment-preview').click();
    await expect.poll(() => page.getByTestId('moment-estimate').innerText(), { timeout: 15_000 }).toContain('1 位员工发表');
    await page.getByTestId('moment-submit').click();

    await page.waitForURL(/\/moments\/\d+$/, { timeout: 20_000 });
    await expect.poll(() => page.getByTestId('moment-status').innerText(), { timeout: 15_000 }).toBe('已发出');
    await expect.poll(() => page.getByTestId('moment-sender').count()).toBe(1);
    expect(await page.getByTestId('moment-sender').first().innerText()).toContain('未发表');

    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const { rows: [m] } = await pond.app.pool.query<{ wecom_moment_id: string; attachments: unknown[] }>('SELECT wecom_moment_id, attachments FROM moments WHERE id = $1', [id]);
    expect(m.attachments).toHaveLength(1);
    const control = pond.app.sim!.control;
    await control.publishMoment('zhangwei', m.wecom_moment_id, { corpId: pond.corpId });
    const { rows: [c] } = await pond.app.pool.query<{ external_userid: string; wechat_user_id: string; name: string }>(
      `SELECT a.external_userid, sc.wechat_user_id, coalesce(nullif(f.remark, ''), cu.name) AS name FROM wecom_sim.moment_audience a
         JOIN wecom_sim.customers sc ON sc.corp_id = a.corp_id AND sc.external_userid = a.external_userid
         JOIN customers cu ON cu.corp_id = a.corp_id AND cu.external_userid = a.external_userid
         JOIN follows f ON f.corp_id = a.corp_id AND f.external_userid = a.external_userid AND f.userid = a.userid
        WHERE a.corp_id = $1 AND a.moment_id = $2 ORDER BY a.external_userid LIMIT 1`, [pond.corpId, m.wecom_moment_id]);
    await control.likeMoment(c.wechat_user_id, m.wecom_moment_id, 'zhangwei', { corpId: pond.corpId });

    await page.getByTestId('moment-refresh').click();
    await expect.poll(() => page.getByTestId('moment-likes').innerText(), { timeout: 15_000 }).toContain('1');
    expect(await page.getByTestId('moment-sender').first().innerText()).toContain('已发表');
    const reach = (await pond.app.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM follows WHERE corp_id = $1 AND userid = 'zhangwei' AND status = 'active'`, [pond.corpId])).rows[0].n;
    await expect.poll(() => page.getByTestId('moment-reach').innerText()).toContain(String(reach));
    await page.getByRole('tab', { name: '点赞与评论' }).click();
    await expect.poll(() => page.getByTestId('moment-interaction').first().innerText(), { timeout: 15_000 }).toContain(c.name);
    expect(await page.getByTestId('moment-interaction').first().innerText()).toContain('点赞');
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

    // The list shows it, with the post counted.
    await page.goto(`${pond.baseUrl}/moments`);
    await expect.poll(() => page.getByTestId('moment-row').first().innerText(), { timeout: 15_000 }).toContain('1 / 1');
  });
});

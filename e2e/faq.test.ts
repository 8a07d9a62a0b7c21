// Keyword answers in the console: an operator adds an FAQ with its other phrasings, a customer's question no FAQ
// answered shows under 未命中问题 and becomes an FAQ in one click, and the moderation page shows a violation.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTransaction } from '../apps/server/src/platform/db';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('keyword answers and moderation in the console', () => {
  const ctx = browserPond();

  it('adds an FAQ, turns an unmatched question into one, and shows a violation', async () => {
    const { pond, browser } = ctx;
    const { rows: [g] } = await pond.app.pool.query(`SELECT g.chat_id, m.member_id FROM groups g JOIN group_members m ON m.corp_id = g.corp_id AND m.chat_id = g.chat_id AND m.type = 2
                                                       WHERE g.corp_id = $1 AND g.owner_userid IS NOT NULL ORDER BY g.chat_id LIMIT 1`, [pond.corpId]);
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/faq`);
    await page.getByTestId('faq-create').click();
    await page.getByTestId('faq-question').fill('物流信息');
    await page.getByTestId('faq-synonyms').fill('快递到哪了\n发货了吗');
    await page.getByTestId('faq-answer').fill('订单发货后可在「我的订单」查看物流');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-table').first().innerText()).toContain('快递到哪了');

    const at = new Date();
    const base = { id: 1, corpId: pond.corpId, seq: 1, action: 'send' as const, type: 'text' as const, sender: g.member_id as string, senderKind: 'customer' as const, chatId: g.chat_id as string, peer: null, sentAt: at, payload: {} };
    await withTransaction(pond.app.pool, async (db) => {
      await pond.app.faq.listener().onMessages(db, pond.corpId, [{ ...base, msgid: randomUUID(), text: '你们周末营业吗？' }]);
      await pond.app.moderation.listener().onMessages(db, pond.corpId, [{ ...base, msgid: randomUUID(), text: '加我微信 13800138000 领红包' }]);
    });
    await page.getByRole('tab', { name: '未命中问题' }).click();
    const make = page.locator('[data-testid^="make-faq-"]').first();
    await make.click();
    await expect.poll(() => page.getByTestId('faq-question').inputValue()).toBe('你们周末营业吗？');
    await page.getByTestId('faq-answer').fill('周末 10:00–22:00 营业');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByRole('tab', { name: '问答库' }).click();
    await expect.poll(() => page.locator('.ant-table').first().innerText()).toContain('你们周末营业吗？');
    await page.screenshot({ path: 'test-results/faq-console.png' });

    await page.goto(`${pond.baseUrl}/moderation`);
    await expect.poll(() => page.locator('.ant-table').first().innerText()).toContain('13800138000');
    await page.screenshot({ path: 'test-results/moderation-console.png' });
    const faqs = (await pond.api('GET', '/api/faqs')).body.items.map((f: { question: string }) => f.question);
    expect(faqs).toEqual(expect.arrayContaining(['物流信息', '你们周末营业吗？']));
  }, 180_000);
});

// Invitations in a browser (ADR 0018): a corp admin adds a user and gets an invitation link; the person opens it and
// sets their password — or, with an existing account, enters its password — and lands in the console in that corp.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashPassword } from '../apps/server/src/platform/auth';
import { CHROMIUM, browserPond, signIn } from './browser';

const CORP_B = 'wwe2eaccountsb01';

describe.skipIf(!CHROMIUM)('accounts in a browser', () => {
  const ctx = browserPond();
  const me = (page: Page) => page.evaluate(async () => (await fetch('/api/me')).json()) as Promise<{ corps: { id: string }[]; corp: { id: string } }>;

  async function setupCorpB() {
    const { pond } = ctx;
    if (!(await pond.app.corps.get(CORP_B))) {
      await pond.app.corps.upsert({ id: CORP_B, name: '乙公司 Corp B', agentId: '1', secret: 'corp-b-secret-01', callbackToken: 'b1', callbackAesKey: 'B'.repeat(43), apiBase: `${pond.baseUrl}/sim` });
    }
    return (await pond.app.auth.createToken({ corpId: CORP_B, name: 'b', role: 'admin' })).token;
  }

  /** Opens an invitation link and answers it with a password (twice, as the page asks). */
  async function acceptLink(page: Page, url: string, password: string) {
    await page.goto(url);
    await page.getByLabel('密码 Password').fill(password);
    await page.getByLabel('再次输入 Again').fill(password);
    await page.getByRole('button', { name: /接受邀请/ }).click();
  }

  it("the signed-in admin accepts corp B's invitation with its link, and a new colleague sets their password with theirs", async () => {
    const { pond, browser } = ctx;
    const bToken = await setupCorpB();
    const invited = await pond.api('POST', '/api/users', { username: 'admin', displayName: '甲的管理员', role: 'operator' }, { token: bToken });
    expect(invited.status).toBe(200);

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    expect((await me(page)).corps.map((c) => c.id)).not.toContain(CORP_B);
    await acceptLink(page, invited.body.inviteUrl, pond.adminPassword);
    await page.getByTestId('overview-chart').waitFor({ timeout: 20_000 });
    expect((await me(page)).corps.map((c) => c.id)).toContain(CORP_B);
    expect((await me(page)).corp.id).toBe(CORP_B);
    await page.evaluate(async (corpId) => { await fetch('/api/me/corp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ corpId }) }); }, pond.corpId);

    // Corp A's users page: adding someone shows their invitation link, and them as invited until they accept.
    await page.goto(`${pond.baseUrl}/admin/users`);
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户名').fill('new_colleague');
    await dialog.getByLabel('显示名称').fill('新同事');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    const link = (await page.getByTestId('invite-url').innerText()).trim();
    expect(link).toMatch(new RegExp(`^${pond.baseUrl}/invite/`));
    await page.screenshot({ path: 'test-results/users-invite-link.png', fullPage: true }).catch(() => undefined);
    await page.getByRole('dialog').getByRole('button', { name: /确\s*定|OK/ }).click();
    const row = page.locator('tr').filter({ hasText: 'new_colleague' });
    await row.getByText('已邀请').waitFor();

    const other = await browser.newContext({ locale: 'zh-CN' });
    const colleague = await other.newPage();
    await acceptLink(colleague, link, 'colleague-pass-1');
    await colleague.getByTestId('overview-chart').waitFor({ timeout: 20_000 });
    expect((await me(colleague)).corp.id).toBe(pond.corpId);
    await other.close();
    await page.reload();
    await page.locator('tr').filter({ hasText: 'new_colleague' }).getByText('已加入').waitFor();
  });

  it('a user whose only corp is an invitation gets in with the link and their own password; a wrong one is refused', async () => {
    const { pond, browser } = ctx;
    const bToken = await setupCorpB();
    await pond.app.pool.query(`INSERT INTO users (username, password_hash, display_name) VALUES ('drifter', $1, 'Drifter')`, [await hashPassword('drifter-pass-1')]);
    const invited = await pond.api('POST', '/api/users', { username: 'drifter', displayName: 'D', role: 'operator' }, { token: bToken });
    expect(invited.status).toBe(200);

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await acceptLink(page, invited.body.inviteUrl, 'not-drifters-pass');
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: 'test-results/invite-refused.png', fullPage: true }).catch(() => undefined);
    await page.getByRole('link', { name: /返回重试/ }).click();
    await acceptLink(page, invited.body.inviteUrl, 'drifter-pass-1');
    await page.waitForURL((u) => !u.pathname.startsWith('/invite') && !u.pathname.startsWith('/api'), { timeout: 20_000 });
    expect((await me(page)).corp.id).toBe(CORP_B);
    await context.close();
  });
});

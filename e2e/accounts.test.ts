// Invitations in a browser: a corp admin adds a user (an invitation), the invited person accepts it from the
// console's banner — or from the sign-in page when no corp is theirs yet — and a new account's first sign-in
// accepts the invitation that created it.
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
    if (await pond.app.corps.get(CORP_B)) return (await pond.app.auth.createToken({ corpId: CORP_B, name: 'b', role: 'admin' })).token;
    await pond.app.corps.upsert({ id: CORP_B, name: '乙公司 Corp B', agentId: '1', secret: 'corp-b-secret-01', callbackToken: 'b1', callbackAesKey: 'B'.repeat(43), apiBase: 'http://127.0.0.1:1' });
    return (await pond.app.auth.createToken({ corpId: CORP_B, name: 'b', role: 'admin' })).token;
  }

  async function signInAs(page: Page, username: string, password: string) {
    const { pond } = ctx;
    await page.goto(`${pond.baseUrl}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  it('the signed-in admin accepts corp B\'s invitation from the banner, and a new user joins at first sign-in', async () => {
    const { pond, browser } = ctx;
    const bToken = await setupCorpB();
    const invited = await pond.api('POST', '/api/users', { username: 'admin', password: 'ignored-pass-1', displayName: '甲的管理员', role: 'operator' }, { token: bToken });
    expect(invited.status).toBe(200);

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    const banner = page.getByTestId('invitation').filter({ hasText: '乙公司 Corp B' });
    await banner.waitFor();
    expect((await me(page)).corps.map((c) => c.id)).not.toContain(CORP_B);
    await banner.getByRole('button', { name: /接\s*受/ }).click();
    await banner.waitFor({ state: 'detached' });
    expect((await me(page)).corps.map((c) => c.id)).toContain(CORP_B);

    // Corp A's users page: adding someone shows them as invited until they sign in.
    await page.goto(`${pond.baseUrl}/admin/users`);
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户名').fill('new_colleague');
    await dialog.getByLabel('显示名称').fill('新同事');
    await dialog.getByLabel('密码').fill('colleague-pass-1');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    const row = page.locator('tr').filter({ hasText: 'new_colleague' });
    await row.getByText('已邀请').waitFor();
    await page.screenshot({ path: 'test-results/users-invited.png', fullPage: true }).catch(() => undefined);

    const other = await browser.newContext({ locale: 'zh-CN' });
    const colleague = await other.newPage();
    await signInAs(colleague, 'new_colleague', 'colleague-pass-1');
    await colleague.getByTestId('overview-chart').waitFor({ timeout: 20_000 });
    expect((await me(colleague)).corp.id).toBe(pond.corpId);
    await other.close();
    await page.reload();
    await page.locator('tr').filter({ hasText: 'new_colleague' }).getByText('已加入').waitFor();
  });

  it('a user whose only corp is an invitation accepts it on the sign-in page', async () => {
    const { pond, browser } = ctx;
    const bToken = await setupCorpB();
    await pond.app.pool.query(`INSERT INTO users (username, password_hash, display_name) VALUES ('drifter', $1, 'Drifter')`, [await hashPassword('drifter-pass-1')]);
    expect((await pond.api('POST', '/api/users', { username: 'drifter', password: 'not-used-1', displayName: 'D', role: 'operator' }, { token: bToken })).status).toBe(200);

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await signInAs(page, 'drifter', 'drifter-pass-1');
    const banner = page.getByTestId('invitation').filter({ hasText: '乙公司 Corp B' });
    await banner.waitFor();
    await page.screenshot({ path: 'test-results/login-invitation.png', fullPage: true }).catch(() => undefined);
    await banner.getByRole('button', { name: /接\s*受/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
    expect((await me(page)).corp.id).toBe(CORP_B);
    await context.close();
  });
});

// The console's modal forms (components/form-modal.tsx) in a real browser: OK checks the fields first and
// says what is missing under the field, a saved form closes with its toast, a field the server refuses
// shows its message under that field and the modal stays open, and a one-field form submits on Enter.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, pickOption, signIn } from './browser';

const OK = /确\s*定|OK/;

describe.skipIf(!CHROMIUM)('modal forms in a browser', () => {
  const ctx = browserPond();

  async function open(path: string): Promise<Page> {
    const page = await ctx.browser.newPage({ locale: 'zh-CN' });
    await signIn(page, ctx.pond);
    await page.goto(`${ctx.pond.baseUrl}${path}`);
    return page;
  }

  /** Checks a tag in the open modal's tag tree (its last select), as segments.test.ts does. */
  async function pickTag(page: Page, name: string) {
    await page.locator('.ant-modal .ant-select').last().click();
    await page.keyboard.type(name);
    const node = page.locator('.ant-select-tree-treenode', { hasText: name }).last();
    await waitFor(async () => {
      if (await node.locator('.ant-select-tree-checkbox-checked').count()) return true;
      await node.locator('.ant-select-tree-checkbox').click({ timeout: 2000 }).catch(() => undefined);
      return false;
    }, { message: 'tag checked in the tree' });
    await page.locator('.ant-modal-title').click(); // close the tree's dropdown
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
  }

  const closed = (dialog: Locator) => dialog.waitFor({ state: 'hidden' });

  it('stores, API tokens and scripts: required fields are asked for, a save closes the modal', async () => {
    const page = await open('/stores');
    await page.getByTestId('store-create').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: OK }).click();
    await dialog.getByText('请填写门店名称').waitFor();
    await page.getByTestId('store-name').fill('表单门店');
    await dialog.getByRole('button', { name: OK }).click();
    await closed(dialog);
    await page.getByText('已创建').first().waitFor();
    await page.getByTestId('store-row').filter({ hasText: '表单门店' }).waitFor();

    await page.goto(`${ctx.pond.baseUrl}/admin/tokens`);
    await page.getByRole('button', { name: '新建令牌' }).click();
    await dialog.getByLabel('名称').fill('表单令牌');
    await dialog.getByRole('button', { name: OK }).click();
    expect((await page.getByTestId('token-value').innerText()).trim().length).toBeGreaterThan(20);

    await page.goto(`${ctx.pond.baseUrl}/scripts`);
    await page.getByTestId('script-folder-create').click();
    await dialog.getByLabel('文件夹名称').fill('表单文件夹');
    await dialog.getByRole('button', { name: OK }).click();
    await closed(dialog);
    await waitFor(async () => (await ctx.pond.app.pool.query(`SELECT 1 FROM script_folders WHERE corp_id = $1 AND name = '表单文件夹'`, [ctx.pond.corpId])).rowCount === 1, { message: 'folder saved' });
    await page.getByTestId('script-create').click();
    await page.getByTestId('script-submit').click();
    await dialog.getByText('请填写标题').waitFor();
    await dialog.getByLabel('标题').fill('表单话术');
    await dialog.getByLabel('内容').fill('你好 {nickname}');
    await page.getByTestId('script-submit').click();
    await closed(dialog);
    await page.getByText('表单话术').first().waitFor();
  });

  it('tags and auto-tag rules: Enter submits a name, a name the server refuses stays under the field', async () => {
    const page = await open('/tags');
    const dialog = page.getByRole('dialog');
    await page.getByRole('button', { name: '新建标签组' }).first().click();
    await dialog.getByLabel('标签组名称').fill('表单标签组');
    await dialog.getByLabel('标签', { exact: true }).fill('表单甲');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: OK }).click();
    await closed(dialog);
    await page.getByText('已同步至企业微信').first().waitFor();
    const card = page.locator('.ant-card', { hasText: '表单标签组' });
    await card.getByText('表单甲').waitFor();

    await card.getByRole('button', { name: '添加标签' }).click();
    await dialog.getByLabel('标签名称').fill('表单乙');
    await dialog.getByLabel('标签名称').press('Enter');
    await closed(dialog);
    await card.getByText('表单乙').waitFor();

    await card.getByRole('button', { name: '添加标签' }).click();
    await dialog.getByLabel('标签名称').fill('表单乙');
    await dialog.getByRole('button', { name: OK }).click();
    await dialog.locator('.ant-form-item-explain-error', { hasText: '表单乙' }).waitFor();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: /取\s*消|Cancel/ }).click();
    await closed(dialog);

    await page.goto(`${ctx.pond.baseUrl}/auto-tag-rules`);
    await page.getByTestId('rule-create').click();
    await page.getByTestId('rule-submit').click();
    await dialog.getByText('请填写规则名称').waitFor();
    await dialog.getByLabel('规则名称').fill('表单规则');
    const channels = dialog.getByLabel('渠道', { exact: true });
    await pickOption(page, dialog.getByLabel('触发方式'), '渠道添加', () => channels.isVisible());
    await channels.fill('form-e2e');
    await page.keyboard.press('Enter');
    await pickTag(page, '表单乙');
    await page.getByTestId('rule-submit').click();
    await closed(dialog);
    await page.getByText('表单规则').first().waitFor();
  });

  it('a follow relation\'s fields: saved to WeCom with its toast; nothing changed closes at once', async () => {
    const { pond } = ctx;
    const sim = pond.app.sim!.control;
    const user = await sim.createWechatUser({ nickname: '表单客户' });
    const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid LIMIT 1`, [pond.corpId]);
    await sim.addStaff(user.id, { corpId: pond.corpId, userid: rows[0].userid, state: 'e2e' });
    const customer = await waitFor(async () => (await pond.api('GET', `/api/customers?q=${encodeURIComponent('表单客户')}`)).body.items?.[0], { message: 'customer synced' });

    const page = await open(`/customers/${encodeURIComponent(customer.externalUserid)}`);
    const dialog = page.getByRole('dialog');
    await page.getByTestId('follow-edit').first().click();
    await page.getByTestId('follow-edit-save').click();
    await closed(dialog);

    await page.getByTestId('follow-edit').first().click();
    await page.getByTestId('follow-edit-remark').fill('表单备注');
    await page.getByTestId('follow-edit-save').click();
    await closed(dialog);
    await page.getByText('已保存并同步到企业微信').first().waitFor();
    await waitFor(async () => {
      const { rows: [f] } = await pond.app.pool.query(`SELECT remark FROM follows WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, customer.externalUserid]);
      return f?.remark === '表单备注';
    }, { message: 'remark saved' });
  });
});

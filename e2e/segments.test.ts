// In a browser: build a segment, see its live count, and open a customer from it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor, type TestPond } from '../apps/server/test/helpers';
import { CHROMIUM, addSegmentCondition, browserPond, signIn } from './browser';

/** Signs in, opens the segment builder and builds "gender is female". */
async function openFemaleSegment(page: Page, pond: TestPond) {
  await signIn(page, pond);
  await page.goto(`${pond.baseUrl}/segments`);
  await addSegmentCondition(page, '性别');
  await page.getByLabel('女').check();
}

describe.skipIf(!CHROMIUM)('segments in a browser', () => {
  const ctx = browserPond();

  it('builds a segment, sees the count, and opens a customer from it', async () => {
    const { pond, browser } = ctx;
    const { rows: [w] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers WHERE corp_id = $1 AND active_follow_count > 0 AND gender = 2`, [pond.corpId]);
    expect(w.n).toBeGreaterThan(0);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await openFemaleSegment(page, pond);
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toContain(String(w.n));
    const first = page.getByTestId('segment-sample-row').first();
    await first.click();
    await page.waitForURL(/\/customers\/wm/);
    await page.getByTestId('timeline-item').first().waitFor();
  });

  it('saves a segment and tags all its members in the background', async () => {
    const { pond, browser } = ctx;
    const tag = (await pond.api('POST', '/api/tag-groups', { name: '分层活动', tags: [{ name: '女神节' }] })).body.tags[0];
    const { rows: [w] } = await pond.app.pool.query(
      `SELECT count(*)::int AS n FROM follows f JOIN customers c USING (corp_id, external_userid) WHERE f.corp_id = $1 AND f.status = 'active' AND c.gender = 2`, [pond.corpId]);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await openFemaleSegment(page, pond);
    await page.getByTestId('segment-name').fill('女性客户（批量）');
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-member-row').first().waitFor();
    await page.getByTestId('segment-bulk-tag').click();
    await page.locator('.ant-modal .ant-select').last().click();
    await page.keyboard.type('女神节');
    // The search filters the tree; the list re-renders while it settles, so a click can land on a node
    // that is being replaced: click until the tag shows as checked.
    const node = page.locator('.ant-select-tree-treenode', { hasText: '女神节' }).last();
    await waitFor(async () => {
      if (await node.locator('.ant-select-tree-checkbox-checked').count()) return true;
      await node.locator('.ant-select-tree-checkbox').click({ timeout: 2000 }).catch(() => undefined);
      return false;
    }, { message: 'tag checked in the tree' });
    await page.locator('.ant-modal .ant-select-selection-item', { hasText: '女神节' }).waitFor();
    await page.locator('.ant-modal-title').click(); // close the tree's dropdown
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
    await page.getByTestId('bulk-tag-submit').click();
    await page.locator('.ant-drawer-open').first().waitFor();
    const job = await waitFor(async () => {
      const { rows: [j] } = await pond.app.pool.query(`SELECT * FROM bulk_tag_jobs WHERE corp_id = $1 AND $2 = ANY(tag_ids)`, [pond.corpId, tag.id]);
      return j?.status === 'done' ? j : null;
    }, { timeoutMs: 30_000, message: 'bulk job done' });
    expect(job.total).toBe(w.n);
    expect(job.source.filter.segmentId).toBeGreaterThan(0);
  });
});

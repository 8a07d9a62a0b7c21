// In a browser: an operator opens the poster designer, drags the QR down over the hint text, sees the checker
// flag the covered QR (outlined on the canvas and listed), drags it back, sees the check pass, previews the
// server's drawing and publishes; the staff cards tab offers each card and a store's zip.
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, browserPond, signIn } from './browser';

/** Drags an element of the designer's canvas by (dx, dy) screen pixels, grabbing it at (fx, fy) of its box. */
async function drag(page: Page, testId: string, dx: number, dy: number, fx = 0.5, fy = 0.5) {
  const box = (await page.getByTestId(testId).boundingBox())!;
  const x = box.x + box.width * fx, y = box.y + box.height * fy;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 5 });
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

describe.skipIf(!CHROMIUM)('poster designer in a browser', () => {
  const ctx = browserPond();

  it('moves the QR over text, sees the checker flag it, fixes it and publishes', async () => {
    const { pond, browser } = ctx;
    mkdirSync('test-results', { recursive: true });
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1500, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/posters`);
    await page.getByTestId('poster-create').click();
    await page.waitForURL(`${pond.baseUrl}/posters/new`);
    await page.getByTestId('poster-name').fill('门店邀请海报');
    // The starter design passes.
    await page.getByTestId('poster-clean').waitFor({ timeout: 30_000 });

    // The QR (600 px of 1920) dragged down 520 canvas px: the hint, drawn above it, now covers it.
    const scale = (await page.getByTestId('poster-canvas-area').boundingBox())!.height / 1920;
    await drag(page, 'el-qr', 0, 520 * scale);
    const covered = page.locator('[data-testid=poster-issue][data-rule=qr-covered]');
    await covered.waitFor({ timeout: 30_000 });
    expect(await covered.innerText()).toContain('二维码被其他元素遮挡');
    await expect.poll(() => page.getByTestId('el-qr').getAttribute('data-flag')).toBe('error');
    expect(await page.getByTestId('el-hint').getAttribute('data-flag')).toBe('error');
    await page.screenshot({ path: 'test-results/posters-designer-flagged.png' });

    // Publishing now is refused with the list.
    await page.getByTestId('poster-publish').click();
    await page.waitForURL(/\/posters\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    await page.locator('.ant-message', { hasText: '有必须修改的问题' }).waitFor({ timeout: 30_000 });
    expect((await pond.api('GET', `/api/poster-templates/${id}`)).body.status).toBe('draft');

    // Dragged back (grabbed near its top: the hint lies over its middle): clean again, previewed by the server, published.
    await drag(page, 'el-qr', 0, -520 * scale, 0.5, 0.1);
    await page.getByTestId('poster-clean').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=poster-issue]').count()).toBe(0);
    await page.getByTestId('poster-refresh').click();
    await page.getByTestId('poster-preview').waitFor({ timeout: 30_000 });
    await page.getByTestId('poster-publish').click();
    await expect.poll(async () => (await pond.api('GET', `/api/poster-templates/${id}`)).body.status, { timeout: 30_000 }).toBe('published');
    const saved = (await pond.api('GET', `/api/poster-templates/${id}`)).body;
    expect(saved.name).toBe('门店邀请海报');
    expect(saved.design.elements.find((e: any) => e.id === 'qr').y).toBeLessThan(800);
    expect(saved.design.elements.find((e: any) => e.id === 'hint').y).toBe(1500);
    await page.screenshot({ path: 'test-results/posters-designer-published.png' });

    // Staff cards: every card to download, a store's zip.
    await page.goto(`${pond.baseUrl}/posters?tab=cards`);
    const { rows: [s] } = await pond.app.pool.query(`SELECT userid, store_id FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 AND store_id IS NOT NULL ORDER BY userid LIMIT 1`, [pond.corpId]);
    const badge = page.getByTestId(`card-badge-${s.userid}`);
    await badge.waitFor();
    expect(await badge.getAttribute('href')).toBe(`/api/posters/staff-cards/${s.userid}/card.png?size=badge`);
    await page.getByTestId('cards-store').click();
    await page.locator('.ant-select-item-option').first().click();
    expect(await page.getByTestId('cards-zip').getAttribute('href')).toMatch(/^\/api\/posters\/stores\/\d+\/staff-cards\.zip\?size=badge$/);
    await page.screenshot({ path: 'test-results/posters-staff-cards.png' });
    await page.close();
  }, 180_000);
});

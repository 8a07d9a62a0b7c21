// Archived files in the console: a customer sends a picture, a price list and a voice note into a group; the chat
// archive downloads them, and the group page shows the picture as a thumbnail (loaded with the session cookie, no
// token in its URL) that opens a preview, the price list downloads under its own name, the voice note says browsers
// cannot play AMR and offers a download, and files not downloaded say why instead of a broken image.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

/** A 360×240 picture: a gradient with a band across it. */
function picture(): Buffer {
  const width = 360;
  const height = 240;
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const band = y > 100 && y < 140;
      img.data.set(band ? [255, 255, 255, 255] : [40 + Math.round((x / width) * 200), 110, 220 - Math.round((y / height) * 160), 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(img);
}

/**
 * Chinese glyphs for the screenshots on machines without a CJK font: the poster renderer's Noto Sans SC, served to
 * this page at a path of Pond's origin (the console's CSP allows fonts from 'self') and put after antd's fonts.
 */
async function withChineseFont(page: Page): Promise<void> {
  const dir = dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  await page.route('**/__e2e-font.ttf', (route) => route.fulfill({ path: join(dir, '400Regular/NotoSansSC_400Regular.ttf'), contentType: 'font/ttf' }));
  await page.addStyleTag({ content: `@font-face { font-family: 'E2E Noto Sans SC'; src: url(/__e2e-font.ttf); }
    body, body * { font-family: -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'E2E Noto Sans SC', sans-serif !important; }` });
  await page.evaluate(async () => {
    const fonts = (globalThis as unknown as { document: { fonts: { load(font: string, text: string): Promise<unknown>; ready: Promise<unknown> } } }).document.fonts;
    await fonts.load("14px 'E2E Noto Sans SC'", '图片');
    await fonts.ready;
  });
}

/** An <img> in the page (the tests are typed without the DOM's types). */
type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };

describe.skipIf(!CHROMIUM)('archived files in the console', () => {
  const ctx = browserPond();

  it('shows an archived image as a thumbnail with a preview, downloads a file by its name, and says what is not there', async () => {
    const { pond, browser } = ctx;
    const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];
    // A customer (who agreed to archiving: a friend of a member) in a group Pond knows.
    const [g] = await q<{ chat_id: string; wechat_user_id: string }>(
      `SELECT g.chat_id, m.wechat_user_id
         FROM wecom_sim.group_members m JOIN wecom_sim.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
         JOIN groups pg ON pg.corp_id = g.corp_id AND pg.chat_id = g.chat_id
        WHERE m.corp_id = $1 AND m.type = 2 AND m.left_at IS NULL AND m.wechat_user_id IS NOT NULL AND g.dismissed_at IS NULL
          AND EXISTS (SELECT 1 FROM wecom_sim.follows f WHERE f.corp_id = m.corp_id AND f.external_userid = m.member_id AND f.status = 'active')
        ORDER BY g.chat_id, m.member_id LIMIT 1`, [pond.corpId]);
    expect(g).toBeTruthy();

    const png = picture();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% 2026 春季价目表\n%%EOF\n');
    const amr = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(320, 0x3c)]);
    const client = await pond.app.corps.client(pond.corpId);
    const send = async (type: 'image' | 'file' | 'voice', filename: string, contentType: string, data: Buffer, extra: Record<string, unknown> = {}) => {
      const mediaId = (await client.mediaUpload(type, { filename, contentType, data })).media_id;
      return (await pond.app.sim!.control.sayInGroup(g.wechat_user_id, g.chat_id, { msgtype: type, [type]: { media_id: mediaId, filename, ...extra } })).msgid;
    };
    const sent = {
      image: await send('image', 'shop.png', 'image/png', png),
      file: await send('file', '2026 春季价目表.pdf', 'application/pdf', pdf),
      voice: await send('voice', 'voice.amr', 'audio/amr', amr, { play_length: 7 }),
      failed: await send('image', 'lost.png', 'image/png', png),
      pending: await send('image', 'later.png', 'image/png', png),
    };
    const msgids = Object.values(sent);
    await waitFor(async () => !(await pond.app.archive.ingest.pullAll(pond.corpId)).busy, { message: 'archive pull' });
    await pond.app.archive.ingest.media.fetchDue(pond.corpId);
    await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM archive_media WHERE corp_id = $1 AND msgid = ANY($2) AND status = 'stored'`, [pond.corpId, msgids]))[0].n === msgids.length,
      { message: 'files downloaded', timeoutMs: 30_000 });
    // One whose download gave up, one still waiting (due tomorrow: nothing fetches it meanwhile).
    await q(`UPDATE archive_media SET status = 'failed', bytes = NULL, last_error = 'sidecar down' WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, sent.failed]);
    await q(`UPDATE archive_media SET status = 'pending', bytes = NULL, next_at = now() + interval '1 day' WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, sent.pending]);
    const ids = Object.fromEntries(await Promise.all(Object.entries(sent).map(async ([k, msgid]) =>
      [k, (await q<{ id: number }>('SELECT id FROM archived_messages WHERE corp_id = $1 AND msgid = $2', [pond.corpId, msgid]))[0].id]))) as Record<keyof typeof sent, number>;

    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
    const mediaRequests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/media')) mediaRequests.push(r.url()); });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/groups/${encodeURIComponent(g.chat_id)}`);
    const card = page.getByTestId('group-messages');
    const item = (k: keyof typeof sent) => card.locator(`[data-testid="archive-media"][data-message-id="${ids[k]}"]`);
    await item('image').waitFor({ timeout: 20_000 });
    await item('image').scrollIntoViewIfNeeded();

    // The picture: an <img> that really loaded (natural size of the PNG), from the media route, bounded in the list.
    const img = item('image').getByTestId('archive-image').locator('img');
    await expect.poll(() => img.evaluate((el) => ((el as unknown as Img).complete ? (el as unknown as Img).naturalWidth : 0)), { timeout: 20_000 }).toBe(360);
    expect(await img.evaluate((el) => (el as unknown as Img).naturalHeight)).toBe(240);
    expect(await img.getAttribute('src')).toBe(`/api/archive/messages/${ids.image}/media`);
    const box = (await img.boundingBox())!;
    expect(box.width).toBeGreaterThan(0);
    expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(240);
    expect(await img.getAttribute('alt')).toContain('图片');
    expect(await item('image').getByTestId('archive-media-caption').innerText()).toMatch(/图片 · \d/);

    // The file: its name and size in words, and a download that keeps the name and the bytes.
    const fileCaption = await item('file').getByTestId('archive-media-caption').innerText();
    expect(fileCaption).toContain('文件 · 2026 春季价目表.pdf · ');
    const [download] = await Promise.all([page.waitForEvent('download'), item('file').getByTestId('archive-media-download').click()]);
    expect(download.suggestedFilename()).toBe('2026 春季价目表.pdf');
    expect(Buffer.compare(await readFile(await download.path()), pdf)).toBe(0);

    // The voice note: its length in words; AMR cannot play in a browser, so the list says so and offers the download.
    expect(await item('voice').getByTestId('archive-media-caption').innerText()).toContain('语音 · 7 秒');
    expect(await item('voice').getByTestId('archive-media-state').innerText()).toContain('AMR');
    expect(await item('voice').getByTestId('archive-media-download').count()).toBe(1);
    expect(await item('voice').locator('audio').count()).toBe(0);

    // Not downloaded: the state and why, no image and no download.
    for (const [k, status, text] of [['failed', 'failed', '下载失败'], ['pending', 'pending', '尚未下载']] as const) {
      const state = item(k).getByTestId('archive-media-state');
      expect(await state.getAttribute('data-status')).toBe(status);
      expect(await state.innerText()).toContain(text);
      expect(await item(k).locator('img').count()).toBe(0);
      expect(await item(k).getByTestId('archive-media-download').count()).toBe(0);
    }
    // No credentials in any media URL.
    expect(mediaRequests.length).toBeGreaterThan(0);
    expect(mediaRequests.every((u) => !/token|session|auth/i.test(new URL(u).search))).toBe(true);
    await withChineseFont(page);
    await card.screenshot({ path: 'test-results/archive-media-list.png' });

    // The thumbnail opens the full preview.
    await item('image').getByTestId('archive-image').locator('.ant-image').click();
    const preview = page.locator('.ant-image-preview img').filter({ visible: true });
    await expect.poll(() => preview.evaluate((el) => ((el as unknown as Img).complete ? (el as unknown as Img).naturalWidth : 0)), { timeout: 10_000 }).toBe(360);
    await page.screenshot({ path: 'test-results/archive-media-preview.png' });
    await page.keyboard.press('Escape');
  }, 180_000);
});

// Shared by the browser tests: Debian's Chromium (required in CI, skipped with a warning elsewhere), one
// Pond and one browser per test file, and signing in to the console as the printed admin.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPond, type TestPond } from '../apps/server/test/helpers';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env.CI) throw new Error('Chromium is required in CI (apt-get install -y chromium)');
if (!CHROMIUM) console.warn('browser tests skipped: install Chromium (apt-get install -y chromium)');

/** Starts a Pond and a headless Chromium for the enclosing describe block; read them inside tests. */
export function browserPond(opts: Parameters<typeof startTestPond>[0] = {}): { readonly pond: TestPond; readonly browser: Browser } {
  const ctx = {} as { pond: TestPond; browser: Browser };
  beforeAll(async () => {
    ctx.pond = await startTestPond(opts);
    ctx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => { await ctx.browser?.close(); await ctx.pond?.close(); });
  return ctx;
}

/** Signs in to the console as admin and waits for the overview. */
export async function signIn(page: Page, pond: TestPond): Promise<void> {
  await page.goto(`${pond.baseUrl}/login`);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(pond.adminPassword);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('overview-chart').waitFor({ timeout: 20_000 });
}

/** On the segments page: a rule of one RFM bucket (its zh-CN label), which the page previews at once. */
export async function segmentOfRfmBucket(page: Page, pond: TestPond, bucketLabel: string): Promise<void> {
  await page.goto(`${pond.baseUrl}/segments`);
  await page.getByTestId('segment-condition-type').click();
  await page.locator('.ant-select-item-option', { hasText: 'RFM 分层' }).click();
  await page.getByTestId('segment-add-condition').click();
  await page.getByTestId('segment-rfm-buckets').click();
  await page.locator('.ant-select-item-option', { hasText: bucketLabel }).click();
}

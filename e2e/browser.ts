// Shared by the browser tests: Debian's Chromium (required in CI, skipped with a warning elsewhere), one
// Pond and one browser per test file, and signing in to the console as the printed admin.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startTestPond, type TestPond } from '../apps/server/test/helpers';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env.CI) throw new Error('Chromium is required in CI (apt-get install -y chromium)');
if (!CHROMIUM) console.warn('browser tests skipped: install Chromium (apt-get install -y chromium)');

/** Starts a Pond and a headless Chromium for the enclosing describe block; read them inside tests. */
export function browserPond(opts: Parameters<typeof startTestPond>[0] = {}): { readonly pond: TestPond; readonly browser: Browser } {
  const ctx = {} as { pond: TestPond; browser: Browser };
  beforeAll(async () => {
    ctx.pond = await startTestPond(opts);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Pages ask for reduced motion (Playwright's own emulation decides it, whatever Chromium's flags say): the console
    // then opens dropdowns and modals without animation, so no click lands mid-animation on a loaded machine.
    const newContext = browser.newContext.bind(browser);
    const newPage = browser.newPage.bind(browser);
    browser.newContext = (o = {}) => newContext({ reducedMotion: 'reduce', ...o });
    browser.newPage = (o = {}) => newPage({ reducedMotion: 'reduce', ...o });
    ctx.browser = browser;
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

/**
 * Picks an option of an antd Select by its label and waits until `took` says the pick took: on a loaded machine a
 * click during the dropdown's animation can be lost (or land on the option that was there before), so the dropdown
 * is opened again, up to three times.
 */
export async function pickOption(page: Page, open: Locator, label: string, took: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await open.click();
    await page.locator('.ant-select-item-option', { hasText: label }).filter({ visible: true }).first().click();
    try {
      await expect.poll(took, { timeout: 3_000 }).toBeTruthy();
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Like pickOption, for a Select inside a modal (where Escape would close the modal) or one that must be opened a
 * special way (typing to search): `open` opens it, `option` is the option to click; repeated until `took` is true.
 */
export async function pickUntil(open: () => Promise<unknown>, option: Locator, took: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  await expect.poll(async () => {
    if (await took()) return true;
    await open();
    await option.click({ timeout: 2_000 }).catch(() => undefined);
    return took();
  }, { timeout }).toBe(true);
}

/** In a segment builder: picks a condition type by its zh-CN label and adds it. */
export async function addSegmentCondition(page: Page, label: string): Promise<void> {
  const select = page.getByTestId('segment-condition-type');
  await pickOption(page, select, label, async () => (await select.innerText()).includes(label));
  await page.getByTestId('segment-add-condition').click();
}

/** On the segments page: a rule of one RFM bucket (its zh-CN label), which the page previews at once. */
export async function segmentOfRfmBucket(page: Page, pond: TestPond, bucketLabel: string): Promise<void> {
  await page.goto(`${pond.baseUrl}/segments`);
  await addSegmentCondition(page, 'RFM 分层');
  await page.getByTestId('segment-rfm-buckets').click();
  await page.locator('.ant-select-item-option', { hasText: bucketLabel }).click();
}

// The HTML of a campaign's customer page (inside WeChat): a shell with the boot data as a JSON block (no inline
// script: CSP) and the apps/h5 customer entry; each kind's page is a lazy chunk of it.
import type { CampaignKind } from '@pond/contracts/activate';
import type { BundleFiles } from '../sidebar';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const NOTICE_CSS = `body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#1f2329}
.notice{padding:40px 20px;text-align:center}.en{color:#8f959e;font-size:13px}`;

export interface CustomerBoot {
  page: 'campaign';
  kind: CampaignKind;
  corpId: string;
  campaignId: number;
  timezone: string;
}

/** A fission path's landing page and form (modules/fission) in the same bundle. */
export interface FissionBoot {
  page: 'fission';
  corpId: string;
  pathId: number;
  timezone: string;
}

function shell(title: string, body: string, head: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<title>${esc(title)}</title>${head}</head><body>${body}</body></html>`;
}

export function customerNotice(title: string, zh: string, en: string): string {
  return shell(title, `<div class="notice"><p><b>${esc(zh)}</b></p><p class="en">${esc(en)}</p></div>`, `<style>${NOTICE_CSS}</style>`);
}

export function customerPage(title: string, boot: CustomerBoot | FissionBoot, files: BundleFiles): string {
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  const head = files.css.map((href) => `<link rel="stylesheet" href="${esc(href)}">`).join('') + `<script type="module" src="${esc(files.js)}"></script>`;
  return shell(title, `<div id="app"><div class="notice">加载中… Loading…</div></div><script type="application/json" id="pond-boot">${json}</script>`, head);
}

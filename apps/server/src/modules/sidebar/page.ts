// The HTML of the staff pages that open inside WeCom (the chat sidebar, the task page): a shell with the
// boot data as a JSON block (no inline script: CSP), the client's JS bridge where the corp's WeCom web side
// is not WeCom itself (the simulator), and the apps/h5 bundle. Sign-in problems are plain notices.
import type { BundleFiles } from './bundle';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const NOTICE_CSS = `body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#1f2329}
.notice{padding:24px 16px;text-align:center}.en{color:#8f959e;font-size:12px}`;

export type StaffPageKind = 'sidebar' | 'tasks';
export const PAGE_TITLES: Record<StaffPageKind, string> = { sidebar: '鱼塘侧边栏 Pond sidebar', tasks: '鱼塘任务 Pond tasks' };

function shell(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>${head}</head><body>${body}</body></html>`;
}

/** A polite full-page message (sign-in problems, unknown corp, bundle not built). */
export function staffNotice(kind: StaffPageKind, zh: string, en: string): string {
  return shell(PAGE_TITLES[kind], `<div class="notice"><p><b>${esc(zh)}</b></p><p class="en">${esc(en)}</p></div>`, `<style>${NOTICE_CSS}</style>`);
}

export interface StaffBoot {
  page: StaffPageKind;
  corpId: string;
  agentId: string;
  jsApiList: string[];
  timezone: string;
  me: { userid: string; name: string };
  taskId: number | null;
}

/** The page: `bridge` are scripts that must run before the bundle (the simulated client's WeixinJSBridge). */
export function staffPage(boot: StaffBoot, files: BundleFiles, bridge: string[]): string {
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  const head = files.css.map((href) => `<link rel="stylesheet" href="${esc(href)}">`).join('')
    + bridge.map((src) => `<script src="${esc(src)}"></script>`).join('')
    + `<script type="module" src="${esc(files.js)}"></script>`;
  return shell(PAGE_TITLES[boot.page], `<div id="app"><div class="notice">正在连接企业微信… Connecting to WeCom…</div></div>
<script type="application/json" id="pond-boot">${json}</script>`, head);
}

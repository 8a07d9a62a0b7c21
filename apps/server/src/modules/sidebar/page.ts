// The sidebar's HTML: a shell with inline CSS, the JS-SDK scripts and sidebar.client.js. It runs in the
// WeCom client's narrow side panel, so it is small and has no framework. No inline script (CSP): the
// boot data is a JSON block the client script reads.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#1f2329}
.en{color:#8f959e;font-size:12px}.muted{color:#8f959e}.err{color:#d83931}.ok{color:#2ea121}
header{display:flex;gap:10px;align-items:center;padding:12px;background:#fff;border-bottom:1px solid #eef0f2}
header img{width:44px;height:44px;border-radius:6px;object-fit:cover;background:#e8eaed}header .grow{flex:1;min-width:0}
header b{font-size:16px}section{background:#fff;margin-top:8px;padding:10px 12px}h3{margin:0 0 6px;font-size:13px;color:#646a73;font-weight:600}
.chips{display:flex;flex-wrap:wrap;gap:6px}.chip{background:#e1eaff;color:#245bdb;border-radius:4px;padding:1px 8px;font-size:12px;display:inline-flex;gap:4px;align-items:center}
.chip button{border:0;background:none;color:#245bdb;cursor:pointer;padding:0;font-size:12px}.chip.off{background:#f0f1f2;color:#646a73}
button.link{border:0;background:none;color:#245bdb;cursor:pointer;padding:0;font-size:13px}
.tabs{display:flex;border-bottom:1px solid #eef0f2;background:#fff;margin-top:8px}.tabs button{flex:1;border:0;background:none;padding:9px 0;cursor:pointer;font-size:14px;color:#646a73}
.tabs button.on{color:#245bdb;border-bottom:2px solid #245bdb}
ul{list-style:none;margin:0;padding:0}li.script{padding:8px 0;border-bottom:1px solid #f0f1f2;cursor:pointer}li.script:hover{background:#f7f8fa}
li.script .t{font-weight:600}li.script .c{color:#646a73;font-size:13px;white-space:pre-wrap;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
li.ev{padding:6px 0;border-bottom:1px solid #f0f1f2;font-size:13px}input[type=search],select{width:100%;padding:6px 8px;border:1px solid #dee0e3;border-radius:4px;font-size:14px;margin-bottom:8px}
.kv{display:grid;grid-template-columns:88px 1fr;gap:2px 8px;font-size:13px}.kv dt{color:#8f959e}.kv dd{margin:0;word-break:break-all}
#toast{position:fixed;left:12px;right:12px;bottom:12px;padding:8px 12px;border-radius:6px;background:#1f2329;color:#fff;font-size:13px;display:none}
.picker{border:1px solid #eef0f2;border-radius:6px;padding:8px;margin-top:8px}.picker .g{margin-bottom:6px}.picker label{margin-right:10px;font-size:13px;white-space:nowrap}
.actions{margin-top:8px;display:flex;gap:8px}.actions button{padding:4px 12px;border-radius:4px;border:1px solid #dee0e3;background:#fff;cursor:pointer}
.actions button.primary{background:#245bdb;border-color:#245bdb;color:#fff}.notice{padding:24px 16px;text-align:center}
`;

function shell(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style>${head}</head><body>${body}</body></html>`;
}

/** A polite full-page message (sign-in problems, unknown corp). */
export function sidebarNotice(zh: string, en: string): string {
  return shell('鱼塘侧边栏 Pond sidebar', `<div class="notice"><p><b>${esc(zh)}</b></p><p class="en">${esc(en)}</p></div>`);
}

export function sidebarPage(opts: { corpId: string; timezone: string; jssdk: string[]; me: { userid: string; name: string } }): string {
  const boot = JSON.stringify({ corpId: opts.corpId, timezone: opts.timezone, me: opts.me }).replace(/</g, '\\u003c');
  const sdk = opts.jssdk.map((u) => `<script src="${esc(u)}"></script>`).join('');
  return shell('鱼塘侧边栏 Pond sidebar',
    `<div id="app"><div class="notice muted" id="status">正在连接企业微信… <span class="en">Connecting to WeCom…</span></div></div><div id="toast"></div>
<script type="application/json" id="pond-boot">${boot}</script>${sdk}<script src="/sidebar/assets/sidebar.js"></script>`);
}

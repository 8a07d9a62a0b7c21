// Tiny server-side HTML helpers for the phone view and QR pages (no framework, no client JS
// beyond what a form needs). Chinese first, English hints in grey.
import { formatDateTime } from '../time';
import { prop } from '../validate';

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `中文 <small>English</small>` */
export function t(zh: string, en: string): string {
  return `${esc(zh)} <small class="en">${esc(en)}</small>`;
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
.phone{max-width:420px;margin:0 auto;min-height:100vh;background:#f7f7f7}
header{background:#2e2e2e;color:#fff;padding:12px 14px;display:flex;align-items:center;gap:10px;position:sticky;top:0;z-index:2}
header a{color:#9fd;text-decoration:none}header .grow{flex:1}
.en{color:#888;font-size:11px;font-weight:normal}header .en{color:#bbb}
section{background:#fff;margin:10px 0;padding:12px 14px}h2{font-size:15px;margin:0 0 8px}
.row{display:flex;align-items:center;gap:10px;padding:8px 0;border-bottom:1px solid #f0f0f0}.row:last-child{border-bottom:0}
.avatar{width:40px;height:40px;border-radius:6px;flex:none;object-fit:cover;background:#ddd}.big{width:56px;height:56px}
.grow{flex:1;min-width:0}.muted{color:#888;font-size:12px}.ellipsis{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
input,select,textarea{font:inherit;padding:7px 8px;border:1px solid #ccc;border-radius:6px;width:100%;background:#fff}
button,.btn{font:inherit;padding:7px 12px;border:0;border-radius:6px;background:#07c160;color:#fff;cursor:pointer;white-space:nowrap;text-decoration:none;display:inline-block}
button.secondary,.btn.secondary{background:#f2f2f2;color:#111}button.danger{background:#fa5151}
button .en,.btn .en{color:rgba(255,255,255,.85)}button.secondary .en{color:#666}
form.inline{display:flex;gap:6px;align-items:center;margin:0}form.stack>*{margin-bottom:8px}
.flash{background:#e7f8ef;border-left:4px solid #07c160;padding:10px 14px;margin:10px 0}.flash.err{background:#fdecec;border-color:#fa5151}
.bubble{background:#f2f2f2;border-radius:8px;padding:8px 10px;margin:4px 0;word-break:break-word}
.qr{display:block;margin:12px auto;width:240px;height:240px}.center{text-align:center}
.tag{display:inline-block;background:#eef6ff;color:#1677ff;border-radius:4px;padding:0 6px;font-size:12px;margin-right:4px}
details summary{cursor:pointer;color:#576b95;margin:6px 0}
`;

/** A phone-sized page; `wide` drops the width limit (the simulated WeCom desktop client). */
export function page(title: string, body: string, opts: { header?: string; wide?: boolean } = {}): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><div class="phone${opts.wide ? ' wide' : ''}">${opts.header ?? `<header><span class="grow">${esc(title)}</span></header>`}${body}</div></body></html>`;
}

export function flash(msg: string | undefined, err: string | undefined): string {
  if (err) return `<div class="flash err">${esc(err)}</div>`;
  if (msg) return `<div class="flash">${esc(msg)}</div>`;
  return '';
}

/** Renders one received message payload (text, image, link, mini-program, file, video). */
export function renderPayload(p: unknown): string {
  const msgtype = prop(p, 'msgtype');
  /** `p[kind]?.[field]` */
  const part = (kind: string, field: string) => prop(prop(p, kind), field);
  switch (msgtype) {
    case 'text':
      return `<div class="bubble">${esc(part('text', 'content')).replace(/\n/g, '<br>')}</div>`;
    case 'image': {
      const picUrl = part('image', 'pic_url');
      return `<div class="bubble">🖼 ${picUrl ? `<img src="${esc(picUrl)}" style="max-width:100%">` : `图片 <small class="en">image ${esc(part('image', 'media_id'))}</small>`}</div>`;
    }
    case 'link':
      return `<div class="bubble">🔗 <a href="${esc(part('link', 'url'))}">${esc(part('link', 'title') || part('link', 'url'))}</a><div class="muted">${esc(part('link', 'desc'))}</div></div>`;
    case 'miniprogram':
      return `<div class="bubble">🧩 小程序 <small class="en">mini-program</small> ${esc(part('miniprogram', 'title'))} <span class="muted">${esc(part('miniprogram', 'page'))}</span></div>`;
    case 'file':
    case 'video':
      return `<div class="bubble">📎 ${esc(msgtype)} ${esc(part(msgtype, 'media_id'))}</div>`;
    default:
      return `<div class="bubble muted">${esc(JSON.stringify(p))}</div>`;
  }
}

/** A time as the corp's people read it: "YYYY-MM-DD HH:mm" in the corp's zone (see ../time.ts). */
export function time(ms: number, tz: string): string {
  return formatDateTime(ms, tz);
}

export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

// The customer's page behind every printed code: /l/<key>. It opens inside WeChat on a phone, so it
// is server-rendered HTML with inline CSS (a few KB, no script except the store locator). The scan
// is recorded before the page is answered.
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http';
import type { Simulator } from '@pond/wecom-sim';
import type { LiveCodeService, ScanOutcome } from './service';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { identify, isAutomated, type Visitor } from './identity';
import { isOpen } from './routing';
import { publicRoute } from '../../platform/access';
import { allowLandingInline } from '../../platform/security-headers';

/** The landing page's request: the code's key, and the OAuth, store-picker and location parameters. */
type LandingRequest = FastifyRequest<{ Params: { key: string }; Querystring: Record<string, string | undefined> }>;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const CSS = `
body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f3f6f8;color:#1f2d3d;text-align:center}
main{max-width:420px;margin:0 auto;padding:28px 20px}.card{background:#fff;border-radius:16px;padding:24px 20px;box-shadow:0 2px 12px rgba(0,0,0,.06)}
.av{width:64px;height:64px;border-radius:50%;object-fit:cover;background:#e6edf2}h1{font-size:20px;margin:10px 0 4px}
.qr{width:240px;height:240px;margin:16px auto 8px;display:block}.hint{color:#6b7b8c;font-size:14px}.en{color:#98a6b5;font-size:12px}
ul{list-style:none;padding:0;margin:0;text-align:left}li a{display:flex;justify-content:space-between;padding:14px 4px;border-bottom:1px solid #eef2f5;color:inherit;text-decoration:none}
.near{color:#07c160;font-size:12px}.closed{color:#aab4be}select{font-size:16px;padding:6px;margin:8px 0}
`;
/** The store picker: submit on a city change; ask for the location once (data-locate) to jump to the nearest open store. */
const STORE_SCRIPT = `var s=document.querySelector('select[name=city]');if(s)s.addEventListener('change',function(){s.form.submit()});`
  + `if(document.body.getAttribute('data-locate')==='1'&&navigator.geolocation){navigator.geolocation.getCurrentPosition(function(p){var u=new URL(location.href);u.searchParams.set('lat',p.coords.latitude.toFixed(5));u.searchParams.set('lng',p.coords.longitude.toFixed(5));u.searchParams.set('auto','1');location.replace(u)},function(){},{timeout:8000})}`;
// Customer pages run no inline code but these (CSP hashes).
allowLandingInline('style', CSS);
allowLandingInline('script', STORE_SCRIPT);

function page(title: string, body: string, opts: { script?: boolean; locate?: boolean } = {}): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body${opts.locate ? ' data-locate="1"' : ''}><main>${body}</main>${opts.script ? `<script>${STORE_SCRIPT}</script>` : ''}</body></html>`;
}

const notice = (title: string, zh: string, en: string) =>
  page(title, `<div class="card"><h1>${esc(zh)}</h1><p class="en">${esc(en)}</p></div>`);

/** A link URL as the demo's phone opens it: the simulator's link page learns who the simulated customer is. */
export function demoLink(url: string, demoAs: string | undefined): string {
  if (!demoAs) return url;
  const u = new URL(url);
  u.searchParams.set('as', demoAs);
  return u.toString();
}

/** Haversine distance in km. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

export function landingRoutes(app: App, deps: { codes: LiveCodeService; corps: CorpService; sim?: Simulator; secureCookies: boolean; publicUrl: () => string; log: Logger }) {
  const { codes } = deps;

  function render(o: ScanOutcome, demoAs: string | undefined): string {
    switch (o.status) {
      case 'not_found':
        return notice('二维码无效', '这个二维码不存在或已失效', 'This code does not exist.');
      case 'archived':
        return notice(o.code.name, '活动已结束，感谢关注', 'This code has been retired. Thank you!');
      case 'blocked':
        return notice(o.code.name, '暂时无法加入该群，请联系客服', 'You cannot join this group right now. Please contact customer service.');
      case 'no_staff':
        return notice(o.code.name, '顾问暂时不在线，请稍后再扫码', 'No one is available right now — please scan again later.');
      case 'staff':
      case 'group': {
        const qr = o.status === 'staff' ? o.staff.qrUrl : o.qrUrl;
        const who = o.status === 'staff' && o.staff.userid
          ? `${o.staff.avatar ? `<img class="av" src="${esc(o.staff.avatar)}" alt="">` : ''}<h1>${esc(o.staff.name)}</h1><div class="hint">您的专属顾问 · Your advisor</div>`
          : `<h1>${esc(o.code.name)}</h1>`;
        // In demo the QR opens the simulator's add/join page for the current simulated customer.
        const href = demoAs ? `${qr}${qr.includes('?') ? '&' : '?'}as=${encodeURIComponent(demoAs)}` : null;
        const img = `<img class="qr" src="${esc(qr)}" alt="QR">`;
        return page(o.code.name, `<div class="card">${who}${href ? `<a href="${esc(href)}">${img}</a>` : img}
          <div class="hint">长按识别二维码${o.status === 'group' ? '加入群聊' : '添加好友'}</div><div class="en">Long-press the QR code to ${o.status === 'group' ? 'join the group' : 'add'}</div></div>`);
      }
      case 'store':
      case 'link':
        return '';
    }
  }

  // The customer's page, not an API: described here, left out of /docs.
  app.get('/l/:key', {
    config: publicRoute('the customer landing page of a live code'),
    schema: {
      hide: true, produces: ['text/html'], summary: 'The landing page of a live code (the URL its QR encodes)',
      description: 'HTML: the assigned staff member\'s (or group\'s) QR to long-press, or a notice (no staff available, outside hours, '
        + 'open in WeChat). 302 to WeChat OAuth to identify the scanner, to the nearest store\'s code (store routing), or to the code\'s '
        + 'acquisition link with the visit\'s customer_channel (link mode); 404 page for no such code, 410 for an archived one.',
    },
  }, async (req: LandingRequest, reply) => {
    const key = req.params.key;
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    if (!/^[A-Za-z0-9]{4,32}$/.test(key)) return reply.status(404).send(render({ status: 'not_found' }, undefined));
    const code = await codes.cache.get(key);
    // Crawlers and link previews see the code, not a staff member: no assignment, nothing counted or locked.
    if (isAutomated(req)) {
      if (!code) return reply.status(404).send(render({ status: 'not_found' }, undefined));
      if (code.status === 'archived') return reply.status(410).send(render({ status: 'archived', code }, undefined));
      return reply.send(notice(code.name, '请用微信扫码或在微信中打开', 'Scan with WeChat, or open this page in WeChat.'));
    }
    const who = await identify(req, reply, code ? await deps.corps.get(code.corpId) : null, {
      publicUrl: deps.publicUrl(), secureCookies: deps.secureCookies, log: deps.log,
      simIdentity: deps.sim ? async (id) => (await deps.sim!.control.getWechatUser(id))?.unionid ?? null : undefined,
    });
    if ('redirect' in who) return reply.redirect(who.redirect, 302);
    const visitor = who.visitor;
    if (code?.kind === 'store' && code.status === 'active') {
      const answer = await storePage(req, code.id, code.corpId, visitor);
      return 'redirect' in answer ? reply.redirect(answer.redirect, 302) : reply.status(200).send(answer.html);
    }
    const outcome = await codes.scan(key, visitor, { ip: req.ip });
    // Link mode: on to the acquisition link with this visit's customer_channel (in demo, as the phone's customer).
    if (outcome.status === 'link') return reply.redirect(demoLink(outcome.url, deps.sim ? req.cookies.sim_wechat_user : undefined), 302);
    const status = outcome.status === 'not_found' ? 404 : outcome.status === 'archived' ? 410 : outcome.status === 'blocked' ? 403 : 200;
    return reply.status(status).send(render(outcome, deps.sim ? req.cookies.sim_wechat_user : undefined));
  });

  /** Store routing: nearest open store by the customer's location, or a city/store pick. */
  async function storePage(req: LandingRequest, codeId: number, corpId: string, visitor: Visitor): Promise<{ redirect: string } | { html: string }> {
    const q = req.query;
    const code = await codes.get(corpId, codeId);
    const now = new Date();
    const stores = (await codes.storeTargets(corpId)).flatMap(({ targets, ...s }) => {
      if (!targets?.length) return [];
      const open = targets.find((t) => isOpen(t.schedule, now));
      return [{ ...s, target: (open ?? targets[0]).key, open: !!open }];
    });
    await codes.recordStoreVisit({ corpId, codeId, visitorKey: visitor.key, visitorKind: visitor.kind, unionid: visitor.unionid, ip: req.ip });
    const lat = Number(q.lat), lng = Number(q.lng);
    const located = Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && q.lat !== undefined;
    if (q.store) {
      const s = stores.find((x) => String(x.id) === q.store);
      if (s) return { redirect: `/l/${s.target}` };
    }
    const withDist = stores.map((s) => ({ ...s, km: located && s.lat != null && s.lng != null ? distanceKm({ lat, lng }, { lat: s.lat, lng: s.lng }) : null }));
    if (located) withDist.sort((a, b) => (a.km ?? 1e9) - (b.km ?? 1e9));
    const nearestOpen = located ? withDist.find((s) => s.open && s.km != null) : undefined;
    if (nearestOpen && q.auto === '1') return { redirect: `/l/${nearestOpen.target}` };
    const cities = [...new Set(withDist.map((s) => s.city).filter((c): c is string => !!c))];
    const city = q.city && cities.includes(q.city) ? q.city : null;
    const list = withDist.filter((s) => !city || s.city === city).map((s) => `<li><a href="/l/${esc(req.params.key)}?store=${s.id}">
      <span>${esc(s.name)}${s === nearestOpen ? ' <span class="near">最近 · nearest</span>' : ''}<br><span class="hint">${esc(s.address ?? '')}</span></span>
      <span class="${s.open ? '' : 'closed'}">${s.km != null ? `${s.km < 1 ? `${Math.round(s.km * 1000)} m` : `${s.km.toFixed(1)} km`}` : ''}${s.open ? '' : '<br>休息中 closed'}</span></a></li>`).join('');
    const picker = cities.length > 1 ? `<form><select name="city"><option value="">全部城市 · All cities</option>${cities.map((c) => `<option${c === city ? ' selected' : ''}>${esc(c)}</option>`).join('')}</select></form>` : '';
    return {
      html: page(code.name, `<div class="card"><h1>${esc(code.name)}</h1><div class="hint">选择离您最近的门店 · Choose the store nearest you</div>${picker}
      ${stores.length ? `<ul>${list}</ul>` : '<p class="hint">暂无可用门店 · No store available</p>'}</div>`, { script: true, locate: !located }),
    };
  }
}

// The simulated WeCom client for pages built on the official JS-SDK (@wecom/jssdk, WECOM.md §14):
//   /jssdk/bridge.js   what the real client injects into every page it opens: window.WeixinJSBridge
//                      (invoke / on) and its user agent (wxwork/…, which the SDK reads to register with
//                      agentConfig). Load it before the page's own scripts. It relays each call to the
//                      frame around the page by postMessage, in the protocol of the old wx shim
//                      (wecom-client.ts), so the chat frame serves both: preVerifyJSAPI → config,
//                      agentConfig → agentConfig, anything else → invoke. Outside the client's frames it
//                      does nothing, and the page sees a plain browser.
//   /wecom/app         an app page opened inside the client (from an app message or the workbench; the
//                      JS-SDK's entry `normal`): the page in a webview frame that relays like the chat frame,
//                      and follows openEnterpriseChat into the chat it opens.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import { ControlError } from '../errors';
import { checkPage } from '../jssdk';
import { esc, flash, page, t } from './html';
import { memberCookie } from './wecom-oauth';

type Query = Record<string, string | undefined>;

/** The WeCom version the bridge claims (≥ 3.0.24: the SDK registers with agentConfig alone). */
export const BRIDGE_WECOM_VERSION = '4.1.36';

const BRIDGE = `/* WeCom simulator: the client's JS bridge (window.WeixinJSBridge), relayed to the simulated client frame. */
(function () {
  if (window.WeixinJSBridge) return;
  if (!window.parent || window.parent === window) return;
  var ua = navigator.userAgent + ' wxwork/${BRIDGE_WECOM_VERSION} MicroMessenger/7.0.1';
  try { Object.defineProperty(navigator, 'userAgent', { get: function () { return ua; }, configurable: true }); } catch (e) {}
  var pageId = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var seq = 0, pending = {}, listeners = {};
  function plain(o) { try { return JSON.parse(JSON.stringify(o || {})); } catch (e) { return {}; } }
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (e.source !== window.parent || !d || d.wecomSim !== 'response' || !pending[d.id]) return;
    var done = pending[d.id];
    delete pending[d.id];
    done(d.result || {});
  });
  function typeOf(name) { return name === 'preVerifyJSAPI' ? 'config' : name === 'agentConfig' ? 'agentConfig' : 'invoke'; }
  window.WeixinJSBridge = {
    __wecomSim: true,
    invoke: function (name, params, cb) {
      var id = pageId + ':' + (++seq);
      pending[id] = function (res) { if (typeof cb === 'function') cb(res); };
      window.parent.postMessage({ wecomSim: 'request', id: id, page: pageId, type: typeOf(name), api: name, args: plain(params), url: location.href.split('#')[0] }, '*');
    },
    // Client events (menu shares, beacons…): the simulator fires none.
    on: function (name, fn) { listeners[name] = fn; },
    call: function () {},
    log: function () {}
  };
  var ev;
  try { ev = new Event('WeixinJSBridgeReady'); } catch (e) { ev = document.createEvent('Event'); ev.initEvent('WeixinJSBridgeReady', true, true); }
  document.dispatchEvent(ev);
})();
`;

const APP_CSS = `
.phone.wide{max-width:none;min-height:100vh;display:flex;flex-direction:column;background:#f5f5f5}
.webview{flex:1;display:flex;justify-content:center;min-height:0;height:calc(100vh - 52px)}
.webview .screen{width:420px;max-width:100%;display:flex;flex-direction:column;background:#fff;border-left:1px solid #ddd;border-right:1px solid #ddd}
.webview iframe{flex:1;border:0;width:100%}
#jslog{max-height:140px;overflow-y:auto;font:11px/1.4 ui-monospace,monospace;background:#fafafa;border-top:1px solid #eee;padding:4px 8px;margin:0;white-space:pre-wrap}
`;

const isHttpUrl = (u: string) => {
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
};

export function registerWecomApp(app: FastifyInstance, ctx: SimContext, base: (req: FastifyRequest) => string): void {
  app.get('/jssdk/bridge.js', async (_req, reply) => reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(BRIDGE));

  app.get('/wecom/app', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    const b = base(req);
    const q = req.query;
    reply.type('text/html');
    let frame: Awaited<ReturnType<typeof checkPage>>;
    try {
      frame = await checkPage(ctx, { corpId: q.corp, userid: q.userid, entry: 'normal' });
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      return reply.code(err.status).send(page('企业微信 (模拟)', `${flash(undefined, err.message)}<section><a href="${esc(b)}/wecom">${t('返回', 'back')}</a></section>`));
    }
    const home = `${esc(b)}/wecom?corp=${encodeURIComponent(frame.corpId)}&userid=${encodeURIComponent(frame.userid)}`;
    const url = (q.url ?? '').trim();
    const header = `<header><a href="${home}">←</a><span class="grow"><b>${t('应用', 'app page')}</b> <small class="en">${esc(url)}</small></span>
      <span><small class="en">${esc(frame.userid)} · ${esc(frame.corpId)}</small></span></header>`;
    if (!isHttpUrl(url)) {
      const form = `${url ? flash(undefined, `不是有效的链接 (not an http(s) URL): ${url}`) : ''}<section><h2>${t('打开应用页面', 'Open an app page')}</h2>
        <form class="inline" method="get" action="${esc(b)}/wecom/app"><input type="hidden" name="corp" value="${esc(frame.corpId)}"><input type="hidden" name="userid" value="${esc(frame.userid)}">
        <input name="url" placeholder="https://pond.example.com/tasks/${esc(frame.corpId)}" required><button>${t('打开', 'open')}</button></form>
        <div class="muted">${t('应用消息里的链接在这里打开（JS-SDK 的 entry 为 normal）。', 'Links in app messages open here (the JS-SDK entry is normal).')}</div></section>`;
      return reply.code(url ? 400 : 200).send(page('企业微信 (模拟)', form, { header }));
    }
    const simPath = new URL(b).pathname.replace(/\/+$/, '');
    const script = `<script>
(function () {
  var SIM = ${JSON.stringify(simPath)};
  var FRAME = ${JSON.stringify({ corpId: frame.corpId, userid: frame.userid, entry: 'normal' }).replace(/</g, '\\u003c')};
  var grants = {};
  function post(path, body) {
    return fetch(SIM + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status)); return j; });
    });
  }
  function log(api, args, result) {
    var el = document.getElementById('jslog');
    el.textContent += api + ' ' + JSON.stringify(args || {}).slice(0, 200) + '\\n  → ' + JSON.stringify(result) + '\\n';
    el.scrollTop = el.scrollHeight;
  }
  window.addEventListener('message', function (e) {
    var view = document.getElementById('webview');
    var d = e.data;
    if (e.source !== view.contentWindow || !d || d.wecomSim !== 'request') return;
    var source = e.source, p, open = null;
    if (d.type === 'config') p = post('/jssdk/config', { frame: FRAME, url: d.url, config: d.args });
    else if (d.type === 'agentConfig') p = post('/jssdk/agent-config', { frame: FRAME, url: d.url, config: d.args }).then(function (r) {
      if (r.grant) grants[d.page] = r.grant;
      delete r.grant;
      return r;
    });
    else p = post('/jssdk/invoke', { frame: FRAME, grant: grants[d.page] || null, api: d.api, args: d.args }).then(function (r) {
      if (r.open) { open = r.open; delete r.open; }
      return r;
    });
    p.catch(function (err) { var m = d.api + ':fail ' + err.message; return { errMsg: m, err_msg: m }; }).then(function (result) {
      log(d.api, d.args, result);
      source.postMessage({ wecomSim: 'response', id: d.id, result: result }, '*');
      // openEnterpriseChat: the client switches to that chat.
      if (open) setTimeout(function () { location.href = open; }, 300);
    });
  });
})();
</script>`;
    reply.header('set-cookie', memberCookie(frame.corpId, frame.userid));
    return reply.send(
      page(
        '应用 · 企业微信 (模拟)',
        `<style>${APP_CSS}</style><div class="webview"><div class="screen"><iframe id="webview" src="${esc(url)}"></iframe><pre id="jslog"></pre></div></div>${script}`,
        { header, wide: true },
      ),
    );
  });
}

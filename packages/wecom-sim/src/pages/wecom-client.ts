// The simulated WeCom client (企业微信, desktop-like) for the chat toolbar sidebar (WECOM.md §14):
//   /wecom                 pick a corp and member, then a customer or group to open
//   /wecom/chat            the chat window: transcript + text box on the left, the corp's sidebar_url
//                          in an iframe on the right; sets the sim_wecom_member cookie for OAuth
//   /jssdk/jwxwork.js      the JS-SDK shim the sidebar page loads (window.wx), talking to the frame
//                          by postMessage
//   /jssdk/config, /jssdk/agent-config, /jssdk/invoke
//                          the decisions (jssdk.ts), POSTed by the frame's script, which only relays
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import { editPersonalTagsInClient } from '../customers';
import { ControlError } from '../errors';
import { checkFrame, invoke, verifyAgentConfig, verifyConfig, type FrameEntry } from '../jssdk';
import { listChatTranscript, staffSendsGroupMessage, staffSendsMessage, type TranscriptLine } from '../messages';
import { listStaff } from '../org';
import { esc, flash, page, renderPayload, t, time } from './html';
import { memberCookie } from './wecom-oauth';
import { staffWorkSections } from './wecom-tasks';
import type { Int8, SimCorpRow, SimFollowRow, SimGroupRow, SimStaffRow, SimTagRow, SimWechatUserRow } from '../rows';
import { DEFAULT_TIMEZONE } from '../time';
import { isRecord, type Body } from '../validate';

type Query = Record<string, string | undefined>;

/** The JS-SDK as the sidebar page sees it; every call is relayed to the chat frame (window.parent). */
const SHIM = `/* WeCom simulator: jWeixin shim (window.wx). Every call goes to the simulated WeCom chat frame. */
(function () {
  if (window.wx && window.wx.__wecomSim) return;
  var inClient = window.parent && window.parent !== window;
  var NOT_IN = ':fail not in WeCom client (模拟器: open it from the WeCom chat frame)';
  var pageId = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var seq = 0, pending = {}, readyFns = [], errorFns = [], state = null, lastError = null;
  function pageUrl() { return location.href.split('#')[0]; }
  function plain(o) { try { return JSON.parse(JSON.stringify(o || {})); } catch (e) { return {}; } }
  function request(type, api, args, done) {
    if (!inClient) { var m = api + NOT_IN; setTimeout(function () { done({ errMsg: m, err_msg: m }); }, 0); return; }
    var id = pageId + ':' + (++seq);
    pending[id] = done;
    window.parent.postMessage({ wecomSim: 'request', id: id, page: pageId, type: type, api: api, args: plain(args), url: pageUrl() }, '*');
  }
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (e.source !== window.parent || !d || d.wecomSim !== 'response' || !pending[d.id]) return;
    var done = pending[d.id];
    delete pending[d.id];
    done(d.result || {});
  });
  function isOk(res, api) { return (res.errMsg || res.err_msg) === api + ':ok'; }
  function settle(opts, api) {
    return function (res) {
      if (isOk(res, api)) { if (opts.success) opts.success(res); } else if (opts.fail) opts.fail(res);
      if (opts.complete) opts.complete(res);
    };
  }
  var wx = {
    __wecomSim: true,
    config: function (cfg) {
      request('config', 'config', cfg, function (res) {
        if (isOk(res, 'config')) { state = 'ready'; readyFns.splice(0).forEach(function (f) { f(); }); }
        else { state = 'error'; lastError = res; errorFns.forEach(function (f) { f(res); }); }
      });
    },
    ready: function (fn) { if (state === 'ready') setTimeout(fn, 0); else readyFns.push(fn); },
    error: function (fn) { errorFns.push(fn); if (state === 'error') setTimeout(function () { fn(lastError); }, 0); },
    agentConfig: function (cfg) { cfg = cfg || {}; request('agentConfig', 'agentConfig', cfg, settle(cfg, 'agentConfig')); },
    invoke: function (api, args, cb) {
      if (typeof args === 'function') { cb = args; args = {}; }
      request('invoke', api, args, function (res) { if (cb) cb(res); });
    },
    checkJsApi: function (opts) { opts = opts || {}; request('invoke', 'checkJsApi', { jsApiList: opts.jsApiList }, settle(opts, 'checkJsApi')); }
  };
  window.wx = window.jWeixin = wx;
})();
`;

const FRAME_CSS = `
.phone.wide{max-width:none;min-height:100vh;display:flex;flex-direction:column;background:#f5f5f5}
.client{flex:1;display:flex;min-height:0;height:calc(100vh - 52px)}
.chat{flex:1;display:flex;flex-direction:column;min-width:0;border-right:1px solid #ddd;background:#f5f5f5}
.transcript{flex:1;overflow-y:auto;padding:12px 18px}
.line{display:flex;flex-direction:column;align-items:flex-start;margin:8px 0}.line.me{align-items:flex-end}
.line .bubble{max-width:70%;background:#fff}.line.me .bubble{background:#c9e7ff}
.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #ddd;background:#fff}
.side{width:380px;flex:none;display:flex;flex-direction:column;background:#fff}
.side iframe{flex:1;border:0;width:100%}
.side .bar{padding:6px 10px;border-bottom:1px solid #eee;font-size:12px;color:#666;display:flex;justify-content:space-between}
#jslog{max-height:140px;overflow-y:auto;font:11px/1.4 ui-monospace,monospace;background:#fafafa;border-top:1px solid #eee;padding:4px 8px;margin:0;white-space:pre-wrap}
.note{padding:24px;color:#666}
`;

export function registerWecomClient(app: FastifyInstance, ctx: SimContext, base: (req: FastifyRequest) => string): void {
  // ---- the JS-SDK shim and the decisions behind it ----------------------------------------------

  app.get('/jssdk/jwxwork.js', async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(SHIM),
  );

  /** JSON in, JSON out; a bad frame (unknown corp, member, customer or group) is a 4xx {error:{message}}. */
  const json = (fn: (body: Body, req: FastifyRequest) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return reply.send(await fn(isRecord(req.body) ? req.body : {}, req));
    } catch (err) {
      if (err instanceof ControlError) return reply.code(err.status).send({ error: { message: err.message } });
      throw err;
    }
  };
  app.post('/jssdk/config', json((body) => verifyConfig(ctx, body)));
  app.post('/jssdk/agent-config', json((body) => verifyAgentConfig(ctx, body)));
  app.post('/jssdk/invoke', json((body, req) => invoke(ctx, body, base(req))));

  // ---- the chat frame ----------------------------------------------------------------------

  const frameOf = (q: Query) => ({
    corpId: q.corp,
    userid: q.userid,
    entry: (q.entry as FrameEntry | undefined) ?? (q.chat ? 'group_chat_tools' : 'single_chat_tools'),
    externalUserid: q.external ?? null,
    chatId: q.chat ?? null,
  });
  const frameUrl = (b: string, f: { corpId: string; userid: string; entry: string; externalUserid?: string | null; chatId?: string | null }) => {
    const p = new URLSearchParams({ corp: f.corpId, userid: f.userid });
    if (f.chatId) p.set('chat', f.chatId);
    if (f.externalUserid) p.set('external', f.externalUserid);
    if (f.entry === 'contact_profile') p.set('entry', 'contact_profile');
    return `${b}/wecom/chat?${p.toString()}`;
  };

  app.get('/wecom/chat', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    const b = base(req);
    let frame: Awaited<ReturnType<typeof checkFrame>>;
    try {
      frame = await checkFrame(ctx, frameOf(req.query));
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      return reply
        .code(err.status)
        .type('text/html')
        .send(page('企业微信 (模拟)', `${flash(undefined, err.message)}<section><a href="${esc(b)}/wecom">${t('返回', 'back')}</a></section>`));
    }
    const me = await ctx.db.one<Pick<SimStaffRow, 'name'>>(`SELECT name FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [frame.corpId, frame.userid]);
    const title = await chatTitle(ctx, frame);
    const entryLabel = { single_chat_tools: '单聊工具栏 1:1 chat toolbar', group_chat_tools: '群聊工具栏 group chat toolbar', contact_profile: '客户详情 contact profile' }[frame.entry];
    // The script calls the simulator by path, so it works whichever host name the page was opened with.
    const simPath = new URL(b).pathname.replace(/\/+$/, '');
    const transcriptUrl = `${simPath}/wecom/chat/transcript?${frameUrl('', frame).split('?')[1]}`;
    const left =
      frame.entry === 'contact_profile'
        ? `<div class="transcript">${await profileCard(ctx, frame, b)}</div>`
        : `<div class="transcript" id="transcript">${renderTranscript(await transcriptOf(ctx, frame), frame.userid, await zoneOf(ctx, frame.corpId))}</div>
           <form class="composer" id="composer" method="post" action="${esc(b)}/wecom/chat/send">
             ${hidden(frame)}<input name="text" placeholder="发消息 (以 ${esc(me?.name)} 的身份) / message as ${esc(frame.userid)}" required autocomplete="off">
             <button>${t('发送', 'send')}</button></form>`;
    const right = frame.sidebarUrl
      ? `<div class="bar"><span>${t('聊天工具栏', 'sidebar')}</span><a href="${esc(frame.sidebarUrl)}" target="_blank">${esc(frame.sidebarUrl)}</a></div>
         <iframe id="sidebar" src="${esc(frame.sidebarUrl)}"></iframe><pre id="jslog"></pre>`
      : `<div class="note">${t('该企业还没有配置聊天工具栏页面。', 'No chat toolbar page is configured for this corp.')}<br><br>
         ${t('在', 'Set one in')} <a href="${esc(b)}/wecom?corp=${encodeURIComponent(frame.corpId)}&userid=${encodeURIComponent(frame.userid)}">${t('企业微信 (模拟)', 'the WeCom client page')}</a>
         ${t('设置，或调用 control.upsertCorp({ sidebarUrl })。', 'or with control.upsertCorp({ sidebarUrl }).')}</div>`;
    const header = `<header><a href="${esc(b)}/wecom?corp=${encodeURIComponent(frame.corpId)}&userid=${encodeURIComponent(frame.userid)}">←</a>
      <span class="grow"><b>${esc(title)}</b> <small class="en">${esc(entryLabel)}</small></span>
      <span>${esc(me?.name)} <small class="en">${esc(frame.userid)} · ${esc(frame.corpId)}</small></span></header>`;
    const script = `<script>
(function () {
  var SIM = ${JSON.stringify(simPath)};
  var FRAME = ${JSON.stringify({ corpId: frame.corpId, userid: frame.userid, entry: frame.entry, externalUserid: frame.externalUserid, chatId: frame.chatId }).replace(/</g, '\\u003c')};
  var TRANSCRIPT = ${JSON.stringify(transcriptUrl)};
  var grants = {};
  function post(path, body) {
    return fetch(SIM + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status)); return j; });
    });
  }
  function refresh() {
    var box = document.getElementById('transcript');
    if (!box) return;
    fetch(TRANSCRIPT).then(function (r) { return r.text(); }).then(function (html) {
      var atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
      box.innerHTML = html;
      if (atEnd) box.scrollTop = box.scrollHeight;
    });
  }
  function log(api, args, result) {
    var el = document.getElementById('jslog');
    if (!el) return;
    el.textContent += api + ' ' + JSON.stringify(args || {}).slice(0, 200) + '\\n  → ' + JSON.stringify(result) + '\\n';
    el.scrollTop = el.scrollHeight;
  }
  window.addEventListener('message', function (e) {
    var side = document.getElementById('sidebar');
    var d = e.data;
    if (!side || e.source !== side.contentWindow || !d || d.wecomSim !== 'request') return;
    var source = e.source, p;
    if (d.type === 'config') p = post('/jssdk/config', { frame: FRAME, url: d.url, config: d.args });
    else if (d.type === 'agentConfig') p = post('/jssdk/agent-config', { frame: FRAME, url: d.url, config: d.args }).then(function (r) {
      if (r.grant) grants[d.page] = r.grant;
      delete r.grant;
      return r;
    });
    else p = post('/jssdk/invoke', { frame: FRAME, grant: grants[d.page] || null, api: d.api, args: d.args }).then(function (r) {
      if (r.err_msg === 'sendChatMessage:ok') refresh();
      // openEnterpriseChat: the client switches to the chat it opened (jssdk.ts names it; the page never sees it).
      if (r.open) { var to = r.open; delete r.open; setTimeout(function () { location.href = to; }, 300); }
      return r;
    });
    p.catch(function (err) { var m = d.api + ':fail ' + err.message; return { errMsg: m, err_msg: m }; }).then(function (result) {
      log(d.api, d.args, result);
      source.postMessage({ wecomSim: 'response', id: d.id, result: result }, '*');
    });
  });
  var form = document.getElementById('composer');
  if (form) form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: data.toString() })
      .then(function (r) { return r.json(); })
      .then(function (j) { if (j.error) alert(j.error.message); else { form.text.value = ''; refresh(); } });
  });
  var box = document.getElementById('transcript');
  if (box) box.scrollTop = box.scrollHeight;
  setInterval(refresh, 5000);
})();
</script>`;
    reply.header('set-cookie', memberCookie(frame.corpId, frame.userid));
    return reply
      .type('text/html')
      .send(
        page(`${title} · 企业微信 (模拟)`, `<style>${FRAME_CSS}</style><div class="client"><div class="chat">${left}</div><div class="side">${right}</div></div>${script}`, {
          header,
          wide: true,
        }),
      );
  });

  app.get('/wecom/chat/transcript', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    try {
      const frame = await checkFrame(ctx, frameOf(req.query));
      return reply.type('text/html').send(renderTranscript(await transcriptOf(ctx, frame), frame.userid, await zoneOf(ctx, frame.corpId)));
    } catch (err) {
      if (err instanceof ControlError) return reply.code(err.status).type('text/html').send(flash(undefined, err.message));
      throw err;
    }
  });

  /** The text box: the member writes in the chat (JSON answer for the frame's script, else back to the frame). */
  app.post('/wecom/chat/send', async (req, reply) => {
    const form = (req.body ?? {}) as Query;
    const wantsJson = String(req.headers.accept ?? '').includes('application/json');
    try {
      const frame = await checkFrame(ctx, frameOf(form));
      if (frame.entry === 'contact_profile') throw new ControlError('not in a chat (contact profile)');
      if (frame.entry === 'group_chat_tools') await staffSendsGroupMessage(ctx, frame.corpId, frame.userid, frame.chatId!, form.text ?? '');
      else await staffSendsMessage(ctx, frame.corpId, frame.userid, frame.externalUserid!, form.text ?? '');
      return wantsJson ? reply.send({ ok: true }) : reply.redirect(frameUrl(base(req), frame), 303);
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      return wantsJson ? reply.code(err.status).send({ error: { message: err.message } }) : reply.code(err.status).type('text/html').send(page('企业微信 (模拟)', flash(undefined, err.message)));
    }
  });

  /** The contact profile: the member adds or removes one of their personal tags (个人标签) → edit_external_contact. */
  app.post('/wecom/chat/personal-tags', async (req, reply) => {
    const form = (req.body ?? {}) as Query & { add?: string; remove?: string };
    try {
      const frame = await checkFrame(ctx, frameOf(form));
      if (!frame.externalUserid) throw new ControlError('not on a customer');
      const add = (form.add ?? '').trim();
      const remove = (form.remove ?? '').trim();
      await editPersonalTagsInClient(ctx, frame.corpId, frame.userid, frame.externalUserid, { add: add ? [add] : [], remove: remove ? [remove] : [] });
      return reply.redirect(frameUrl(base(req), frame), 303);
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      return reply.code(err.status).type('text/html').send(page('企业微信 (模拟)', flash(undefined, err.message)));
    }
  });

  // ---- the way in: corp → member → customers and groups ------------------------------------

  app.get('/wecom', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
    const b = base(req);
    const q = req.query;
    reply.type('text/html');
    const header = `<header><span class="grow">企业微信 (模拟) <small class="en">WeCom client</small></span><a href="${esc(b)}/phone">${t('模拟手机', 'phone')}</a></header>`;
    const corps = await ctx.db.q<Pick<SimCorpRow, 'corp_id' | 'name' | 'sidebar_url'>>(`SELECT corp_id, name, sidebar_url FROM {s}.corps ORDER BY created_at, corp_id`);
    const corp = corps.find((c) => c.corp_id === q.corp) ?? (corps.length === 1 ? corps[0] : undefined);
    const corpPicker = `<section><h2>${t('企业', 'Corp')}</h2>${
      corps.map((c) => `<div class="row"><a class="grow" href="${esc(b)}/wecom?corp=${encodeURIComponent(c.corp_id)}">${c === corp ? '✔ ' : ''}<b>${esc(c.name)}</b> <span class="muted">${esc(c.corp_id)}</span></a></div>`).join('') ||
      `<div class="muted">${t('还没有企业', 'No corp yet')}</div>`
    }</section>`;
    if (!corp) return reply.send(page('企业微信 (模拟)', `${flash(q.msg, q.err)}${corpPicker}`, { header }));
    const corpId: string = corp.corp_id;
    const sidebarForm = `<section><h2>${t('聊天工具栏页面', 'Chat toolbar page (sidebar_url)')}</h2>
      <form class="inline" method="post" action="${esc(b)}/wecom/sidebar-url"><input type="hidden" name="corp" value="${esc(corpId)}">
      ${q.userid ? `<input type="hidden" name="userid" value="${esc(q.userid)}">` : ''}
      <input name="url" value="${esc(corp.sidebar_url)}" placeholder="https://pond.example.com/sidebar/${esc(corpId)}"><button class="secondary">${t('保存', 'save')}</button></form>
      <div class="muted">${t('管理后台「客户联系 → 聊天工具栏」中配置的页面。', 'The page configured in the admin console for the chat toolbar.')}</div></section>`;
    const staff = await listStaff(ctx.db, corpId);
    const member = staff.find((s) => s.userid === q.userid);
    if (!member) {
      const rows = staff
        .map(
          (s) => `<div class="row"><img class="avatar" src="${esc(s.avatar)}"><div class="grow"><a href="${esc(b)}/wecom?corp=${encodeURIComponent(corpId)}&userid=${encodeURIComponent(s.userid)}"><b>${esc(s.name)}</b></a>
            <div class="muted">${esc(s.userid)} · ${esc(s.position)}</div></div></div>`,
        )
        .join('');
      return reply.send(
        page('企业微信 (模拟)', `${flash(q.msg, q.err)}${corps.length > 1 ? corpPicker : ''}<section><h2>${t('以哪位成员登录', 'Log in as')}</h2>${rows || `<div class="muted">${t('没有成员', 'No members')}</div>`}</section>${sidebarForm}`, { header }),
      );
    }
    const customers = await ctx.db.q<Pick<SimFollowRow, 'external_userid' | 'remark' | 'status'> & Pick<SimWechatUserRow, 'nickname' | 'avatar'>>(
      `SELECT f.external_userid, f.remark, f.status, w.nickname, w.avatar FROM {s}.follows f
         JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
         JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
        WHERE f.corp_id = $1 AND f.userid = $2 AND f.status IN ('active', 'half')
        ORDER BY f.createtime_sec DESC LIMIT 200`,
      [corpId, member.userid],
    );
    const groups = await ctx.db.q<Pick<SimGroupRow, 'chat_id' | 'name' | 'owner'> & { members: Int8 }>(
      `SELECT g.chat_id, g.name, g.owner,
              (SELECT count(*) FROM {s}.group_members x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.left_at IS NULL) AS members
         FROM {s}.group_members m JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
        WHERE m.corp_id = $1 AND m.member_id = $2 AND m.type = 1 AND m.left_at IS NULL AND g.dismissed_at IS NULL
        ORDER BY g.create_time_sec DESC LIMIT 200`,
      [corpId, member.userid],
    );
    const open = (f: { entry: FrameEntry; externalUserid?: string; chatId?: string }) => esc(frameUrl(b, { corpId, userid: member.userid, ...f }));
    const customerRows = customers
      .map(
        (c) => `<div class="row"><img class="avatar" src="${esc(c.avatar)}"><div class="grow"><b>${esc(c.remark || c.nickname)}</b>${c.remark ? ` <span class="muted">${esc(c.nickname)}</span>` : ''}
          <div class="muted ellipsis">${esc(c.external_userid)}${c.status === 'half' ? ' · 待通过 (pending)' : ''}</div></div>
          <a class="btn" href="${open({ entry: 'single_chat_tools', externalUserid: c.external_userid })}">${t('聊天', 'chat')}</a>
          <a class="btn secondary" href="${open({ entry: 'contact_profile', externalUserid: c.external_userid })}">${t('资料', 'profile')}</a></div>`,
      )
      .join('');
    const groupRows = groups
      .map(
        (g) => `<div class="row"><div class="grow"><b>${esc(g.name)}</b><div class="muted">${esc(g.members)} 人${g.owner === member.userid ? ' · 群主 owner' : ''}</div></div>
          <a class="btn" href="${open({ entry: 'group_chat_tools', chatId: g.chat_id })}">${t('群聊', 'group chat')}</a></div>`,
      )
      .join('');
    return reply.send(
      page(
        '企业微信 (模拟)',
        `${flash(q.msg, q.err)}
        <section><div class="row"><img class="avatar" src="${esc(member.avatar)}"><div class="grow"><b>${esc(member.name)}</b><div class="muted">${esc(member.userid)} · ${esc(corp.name)}</div></div>
          <a href="${esc(b)}/wecom?corp=${encodeURIComponent(corpId)}">${t('切换', 'switch')}</a></div></section>
        ${await staffWorkSections(ctx, corpId, member.userid, b)}
        <section><h2>${t('客户', 'Customers')}</h2>${customerRows || `<div class="muted">${t('还没有客户', 'No customers yet')}</div>`}</section>
        <section><h2>${t('客户群', 'Customer groups')}</h2>${groupRows || `<div class="muted">${t('不在任何客户群', 'Not in any group')}</div>`}</section>
        ${sidebarForm}`,
        { header },
      ),
    );
  });

  app.post('/wecom/sidebar-url', async (req, reply) => {
    const form = (req.body ?? {}) as Query;
    const back = (k: 'msg' | 'err', m: string) =>
      reply.redirect(`${base(req)}/wecom?corp=${encodeURIComponent(form.corp ?? '')}${form.userid ? `&userid=${encodeURIComponent(form.userid)}` : ''}&${k}=${encodeURIComponent(m)}`, 303);
    const url = (form.url ?? '').trim() || null;
    if (url) {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(url).protocol);
      } catch {}
      if (!ok) return back('err', `不是有效的链接 (not an http(s) URL): ${url}`);
    }
    const r = await ctx.db.q(`UPDATE {s}.corps SET sidebar_url = $2 WHERE corp_id = $1 RETURNING 1`, [form.corp ?? '', url]);
    if (r.length === 0) return back('err', `unknown corp ${form.corp ?? ''}`);
    return back('msg', url ? `已保存 (saved): ${url}` : '已清除 (cleared)');
  });
}

const hidden = (f: { corpId: string; userid: string; entry: string; externalUserid?: string | null; chatId?: string | null }) =>
  [
    ['corp', f.corpId],
    ['userid', f.userid],
    ['entry', f.entry],
    ['external', f.externalUserid],
    ['chat', f.chatId],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`)
    .join('');

function transcriptOf(ctx: SimContext, f: { corpId: string; userid: string; entry: string; externalUserid?: string | null; chatId?: string | null }) {
  return f.entry === 'group_chat_tools'
    ? listChatTranscript(ctx.db, f.corpId, { chatId: f.chatId! })
    : listChatTranscript(ctx.db, f.corpId, { userid: f.userid, externalUserid: f.externalUserid! });
}

/** The corp's time zone: the client shows its members' chats in it. */
async function zoneOf(ctx: SimContext, corpId: string): Promise<string> {
  return (await ctx.db.one<Pick<SimCorpRow, 'timezone'>>(`SELECT timezone FROM {s}.corps WHERE corp_id = $1`, [corpId]))?.timezone ?? DEFAULT_TIMEZONE;
}

function renderTranscript(lines: TranscriptLine[], me: string, tz: string): string {
  if (lines.length === 0) return `<div class="muted center">${t('还没有消息', 'No messages yet')}</div>`;
  const label: Record<string, string> = { welcome: '欢迎语 welcome', group_welcome: '入群欢迎 group welcome', mass: '群发 broadcast', transfer: '转接 transfer' };
  return lines
    .map((l) => {
      const mine = l.direction === 'to_customer' && l.userid === me;
      // A customer's line: from_customer in a 1:1 chat, in_group (with their external userid) in a group.
      const fromCustomer = l.direction === 'from_customer' || (l.direction === 'in_group' && !!l.externalUserid);
      const who = fromCustomer ? (l.customerName ?? '客户') : (l.staffName ?? l.userid ?? '');
      return `<div class="line${mine ? ' me' : ''}"><div class="muted">${esc(who)} · ${time(l.createdAt, tz)}${label[l.kind] ? ` · ${esc(label[l.kind])}` : ''}</div>${renderPayload(l.payload)}</div>`;
    })
    .join('');
}

async function chatTitle(ctx: SimContext, f: { corpId: string; entry: string; externalUserid?: string | null; chatId?: string | null; userid: string }): Promise<string> {
  if (f.chatId) return (await ctx.db.one<Pick<SimGroupRow, 'name'>>(`SELECT name FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2`, [f.corpId, f.chatId]))?.name ?? f.chatId;
  const c = await ctx.db.one<Pick<SimFollowRow, 'remark'> & Pick<SimWechatUserRow, 'nickname'>>(
    `SELECT f.remark, w.nickname FROM {s}.follows f JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
       JOIN {s}.wechat_users w ON w.id = c.wechat_user_id WHERE f.corp_id = $1 AND f.userid = $2 AND f.external_userid = $3`,
    [f.corpId, f.userid, f.externalUserid],
  );
  return c?.remark || c?.nickname || f.externalUserid || '';
}

async function profileCard(ctx: SimContext, f: { corpId: string; userid: string; entry: string; externalUserid?: string | null }, b: string): Promise<string> {
  const c = await ctx.db.one<
    Pick<SimFollowRow, 'remark' | 'description' | 'tag_ids' | 'personal_tags' | 'createtime_sec'> & Pick<SimWechatUserRow, 'nickname' | 'avatar'>
  >(
    `SELECT f.remark, f.description, f.tag_ids, f.personal_tags, f.createtime_sec, w.nickname, w.avatar FROM {s}.follows f
       JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
       JOIN {s}.wechat_users w ON w.id = c.wechat_user_id WHERE f.corp_id = $1 AND f.userid = $2 AND f.external_userid = $3`,
    [f.corpId, f.userid, f.externalUserid],
  );
  if (!c) return '';
  const tags = c.tag_ids?.length
    ? await ctx.db.q<Pick<SimTagRow, 'name'>>(`SELECT name FROM {s}.tags WHERE corp_id = $1 AND id = ANY($2::text[]) AND NOT deleted`, [f.corpId, c.tag_ids])
    : [];
  return `<section><div class="row"><img class="avatar big" src="${esc(c.avatar)}"><div class="grow"><b>${esc(c.remark || c.nickname)}</b> <span class="muted">@微信 ${esc(c.nickname)}</span>
    <div class="muted">${esc(f.externalUserid)}</div></div></div>
    <div class="muted">${t('添加时间', 'added')} ${time(Number(c.createtime_sec) * 1000, await zoneOf(ctx, f.corpId))}</div>
    ${c.description ? `<p>${esc(c.description)}</p>` : ''}<div>${tags.map((x) => `<span class="tag">${esc(x.name)}</span>`).join('')}</div>
    ${personalTagsForm(c.personal_tags ?? [], f, b)}</section>`;
}

/** The member's own tags on this customer: only this member sees them; the API can read but not write them. */
function personalTagsForm(names: string[], f: { corpId: string; userid: string; entry: string; externalUserid?: string | null }, b: string): string {
  const action = `${esc(b)}/wecom/chat/personal-tags`;
  const chips = names
    .map(
      (n) => `<form class="inline" style="display:inline-flex" method="post" action="${action}">${hidden(f)}<input type="hidden" name="remove" value="${esc(n)}">
        <span class="tag" style="background:#f0f0f0;color:#555">${esc(n)} <button title="移除 remove" style="border:0;background:none;padding:0;cursor:pointer">×</button></span></form>`,
    )
    .join('');
  return `<div style="margin-top:8px"><div class="muted">${t('个人标签 (仅自己可见)', 'personal tags (only you see them)')}</div>
    <div>${chips || `<span class="muted">—</span>`}</div>
    <form class="inline" method="post" action="${action}">${hidden(f)}<input name="add" placeholder="添加个人标签 / add a personal tag" maxlength="30" required autocomplete="off">
      <button>${t('添加', 'add')}</button></form></div>`;
}


// The chat toolbar sidebar from the WeCom client's side: tickets remembered, wx.config /
// wx.agentConfig signatures checked against the right ticket, member OAuth (authorize → code →
// auth/getuserinfo), wx.invoke permissions and contexts, sendChatMessage reaching phones, and the
// chat frame / shim / entry pages.
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCorp } from './corps';
import { startHarness, type Answer, type Harness } from './test-helpers';

/** What /jssdk/* answers: wx.config / wx.agentConfig results, wx.invoke results, or a 4xx { error }. */
interface JssdkAnswer {
  errMsg?: string;
  grant?: string;
  err_msg?: string;
  checkResult?: Record<string, boolean>;
  error?: { message: string };
}

let h: Harness;
const SIDEBAR = 'http://pond.test/sidebar/wwtestcorp';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sign = (ticket: string, url: string, nonceStr = 'n0nce', timestamp = 1_773_108_000) => ({
  nonceStr,
  timestamp,
  signature: sha1(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`),
});

let agentTicket = '';
let corpTicket = '';
let me = { wechatUserId: '', externalUserid: '' };
const single = () => ({ corpId: h.corp.corpId, userid: 'linxiao', entry: 'single_chat_tools', externalUserid: me.externalUserid });

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${h.simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as JssdkAnswer };
};
const agentConfig = async (frame: object, url: string, cfg: Record<string, unknown> = {}) =>
  (
    await post('/jssdk/agent-config', {
      frame,
      url,
      config: { corpid: h.corp.corpId, agentid: h.corp.agentId, ...sign(agentTicket, url.split('#')[0]), jsApiList: ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'sendChatMessage'], ...cfg },
    })
  ).json;
const invoke = async (frame: object, grant: string | null | undefined, api: string, args: unknown = {}) => (await post('/jssdk/invoke', { frame, grant, api, args })).json;

beforeAll(async () => {
  h = await startHarness();
  await h.sim.control.seedDemo({ corpId: h.corp.corpId, customers: 10, groups: 2 });
  const u = await h.sim.control.createWechatUser({ nickname: '侧边栏客户' });
  const added = await h.sim.control.addStaff(u.id, { corpId: h.corp.corpId, userid: 'linxiao' });
  me = { wechatUserId: u.id, externalUserid: added.externalUserid };
});

afterAll(async () => {
  await h?.close();
});

describe('JS-SDK tickets and signatures', () => {
  it('remembers every ticket it issues, for 7200 s', async () => {
    const a = await h.api('get_jsapi_ticket');
    const b = await h.api('ticket/get', { query: { type: 'agent_config' } });
    expect(a).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(b).toMatchObject({ errcode: 0, expires_in: 7200 });
    corpTicket = a.ticket;
    agentTicket = b.ticket;
    const tickets = await h.sim.control.listJsapiTickets(h.corp.corpId);
    expect(tickets).toEqual([
      { ticket: corpTicket, kind: 'jsapi', expiresAt: h.clock.now + 7200_000 },
      { ticket: agentTicket, kind: 'agent_config', expiresAt: h.clock.now + 7200_000 },
    ]);
    expect((await h.api('ticket/get', { query: { type: 'jsapi' } })).errcode).toBe(40058);
  });

  it('agentConfig accepts the app ticket signature and rejects the corp ticket, other URLs, agentids and corpids', async () => {
    const url = `${SIDEBAR}?x=1`;
    const ok = await agentConfig(single(), url);
    expect(ok).toEqual({ errMsg: 'agentConfig:ok', grant: expect.any(String) });
    // The page's #fragment is not part of the signed URL: the shim drops it, and so does the server.
    expect((await agentConfig(single(), `${url}#/customer`)).errMsg).toBe('agentConfig:ok');
    const signedWithFragment = await agentConfig(single(), `${url}#/customer`, sign(agentTicket, `${url}#/customer`));
    expect(signedWithFragment.errMsg).toBe('agentConfig:fail invalid signature');
    expect((await agentConfig(single(), url, sign(corpTicket, url))).errMsg).toBe('agentConfig:fail invalid signature');
    expect((await agentConfig(single(), `${SIDEBAR}?x=2`, sign(agentTicket, url))).errMsg).toBe('agentConfig:fail invalid signature');
    expect((await agentConfig(single(), url, { agentid: 1000099 })).errMsg).toBe('agentConfig:fail invalid agentid');
    expect((await agentConfig(single(), url, { corpid: 'wwother' })).errMsg).toBe('agentConfig:fail invalid corpid');
    expect((await agentConfig(single(), url, { signature: undefined })).errMsg).toBe('agentConfig:fail invalid signature');
  });

  it('wx.config wants the corp ticket and appId = corpid', async () => {
    const url = SIDEBAR;
    const config = (cfg: object) => post('/jssdk/config', { frame: single(), url, config: { appId: h.corp.corpId, jsApiList: [], ...cfg } });
    expect((await config(sign(corpTicket, url))).json).toEqual({ errMsg: 'config:ok' });
    expect((await config(sign(agentTicket, url))).json).toEqual({ errMsg: 'config:fail invalid signature' });
    expect((await config({ ...sign(corpTicket, url), appId: 'x' })).json.errMsg).toContain('config:fail');
  });

  it('rejects a frame that is not a real chat of the member', async () => {
    const r = await post('/jssdk/agent-config', { frame: { ...single(), userid: 'wangli' }, url: SIDEBAR, config: {} });
    expect(r.status).toBe(404);
    expect(r.json.error?.message).toContain('does not follow');
    expect((await post('/jssdk/invoke', { frame: { ...single(), entry: 'nowhere' }, api: 'getContext' })).status).toBe(400);
  });

  it('expired tickets no longer sign', async () => {
    h.clock.now += 7201_000;
    try {
      expect((await agentConfig(single(), SIDEBAR)).errMsg).toBe('agentConfig:fail invalid signature');
    } finally {
      h.clock.now -= 7201_000;
    }
  });
});

describe('wx.invoke in the chat frame', () => {
  it('answers no permission before agentConfig and for APIs outside its jsApiList', async () => {
    expect(await invoke(single(), null, 'getContext')).toEqual({ err_msg: 'getContext:no permission' });
    expect(await invoke(single(), 'made-up', 'getContext')).toEqual({ err_msg: 'getContext:no permission' });
    const { grant } = await agentConfig(single(), SIDEBAR, { jsApiList: ['getContext'] });
    expect(await invoke(single(), grant, 'getContext')).toEqual({ err_msg: 'getContext:ok', entry: 'single_chat_tools' });
    expect(await invoke(single(), grant, 'sendChatMessage', { msgtype: 'text', text: { content: 'x' } })).toEqual({ err_msg: 'sendChatMessage:no permission' });
    // A grant belongs to the member who opened the page.
    const other = { corpId: h.corp.corpId, userid: 'zhangwei', entry: 'single_chat_tools', externalUserid: (await h.sim.control.listFollows(h.corp.corpId, { userid: 'zhangwei' }))[0].externalUserid };
    expect(await invoke(other, grant, 'getContext')).toEqual({ err_msg: 'getContext:no permission' });
    expect((await invoke(single(), null, 'checkJsApi', { jsApiList: ['getContext', 'shareToExternalMoments'] })).checkResult).toEqual({ getContext: true, shareToExternalMoments: false });
  });

  it('gives the external contact in a 1:1 chat and on the profile, the chat id in a group chat', async () => {
    const { grant } = await agentConfig(single(), SIDEBAR);
    expect(await invoke(single(), grant, 'getCurExternalContact')).toEqual({ err_msg: 'getCurExternalContact:ok', userId: me.externalUserid });
    expect(await invoke(single(), grant, 'getCurExternalChat')).toEqual({ err_msg: 'getCurExternalChat:fail without context of external contact' });

    const profile = { ...single(), entry: 'contact_profile' };
    const g2 = (await agentConfig(profile, SIDEBAR)).grant;
    expect(await invoke(profile, g2, 'getContext')).toEqual({ err_msg: 'getContext:ok', entry: 'contact_profile' });
    expect(await invoke(profile, g2, 'getCurExternalContact')).toEqual({ err_msg: 'getCurExternalContact:ok', userId: me.externalUserid });
    expect((await invoke(profile, g2, 'sendChatMessage', { msgtype: 'text', text: { content: 'hi' } })).err_msg).toMatch(/^sendChatMessage:fail /);

    const [g] = await h.sim.control.listGroups(h.corp.corpId);
    const group = { corpId: h.corp.corpId, userid: g.owner, entry: 'group_chat_tools', chatId: g.chatId };
    const g3 = (await agentConfig(group, SIDEBAR)).grant;
    expect(await invoke(group, g3, 'getContext')).toEqual({ err_msg: 'getContext:ok', entry: 'group_chat_tools' });
    expect(await invoke(group, g3, 'getCurExternalChat')).toEqual({ err_msg: 'getCurExternalChat:ok', chatId: g.chatId });
    expect(await invoke(group, g3, 'getCurExternalContact')).toEqual({ err_msg: 'getCurExternalContact:fail without context of external contact' });
  });

  it('sendChatMessage lands in the customer’s inbox and the transcript; bad payloads fail', async () => {
    const { grant } = await agentConfig(single(), SIDEBAR);
    const send = (args: unknown) => invoke(single(), grant, 'sendChatMessage', args);
    expect(await send({ msgtype: 'text', text: { content: '您好，这是您的专属优惠' } })).toEqual({ err_msg: 'sendChatMessage:ok' });
    expect(await send({ msgtype: 'news', enterChat: true, news: { link: 'https://shop.test/a', title: '春季新品', desc: '限时 8 折', imgUrl: 'https://shop.test/a.png' } })).toEqual({
      err_msg: 'sendChatMessage:ok',
    });
    expect(await send({ msgtype: 'miniprogram', miniprogram: { appid: 'wx123', title: '商城', imgUrl: 'https://shop.test/m.png', page: '/pages/index.html?x=1' } })).toEqual({
      err_msg: 'sendChatMessage:ok',
    });

    // Media ids must come from WeCom's media upload.
    const fd = new FormData();
    fd.append('media', new Blob([Buffer.from('89504e470d0a1a0a', 'hex')], { type: 'image/png' }), 'a.png');
    const up = (await (await fetch(`${h.simUrl}/cgi-bin/media/upload?access_token=${await h.token()}&type=image`, { method: 'POST', body: fd })).json()) as Answer<'media/upload'>;
    expect(up.errcode).toBe(0);
    expect(await send({ msgtype: 'image', image: { mediaid: up.media_id } })).toEqual({ err_msg: 'sendChatMessage:ok' });

    for (const [args, why] of [
      [{ msgtype: 'miniprogram', miniprogram: { appid: 'wx123', title: '商城', imgUrl: 'https://shop.test/m.png', page: '/pages/index' } }, 'must end in .html'],
      [{ msgtype: 'voice', voice: { mediaid: 'x' } }, 'invalid msgtype voice'],
      [{ text: { content: 'no type' } }, 'invalid msgtype'],
      [{ msgtype: 'text', text: {} }, 'missing text.content'],
      [{ msgtype: 'news', news: { title: 'no link' } }, 'missing news.link'],
      [{ msgtype: 'image', image: { mediaid: 'from-an-official-account' } }, 'invalid mediaid'],
    ] as const) {
      const r = await send(args);
      expect(r.err_msg).toMatch(/^sendChatMessage:fail /);
      expect(r.err_msg).toContain(why);
    }

    const inbox = await h.sim.control.listInbox(me.wechatUserId);
    expect(inbox.slice(0, 4).map((m) => [m.kind, m.from.userid, m.payload])).toEqual([
      ['chat', 'linxiao', { msgtype: 'image', image: { media_id: up.media_id, pic_url: `${h.simUrl}/media/${up.media_id}` } }],
      ['chat', 'linxiao', { msgtype: 'miniprogram', miniprogram: { appid: 'wx123', title: '商城', page: '/pages/index.html?x=1', pic_url: 'https://shop.test/m.png' } }],
      ['chat', 'linxiao', { msgtype: 'link', link: { url: 'https://shop.test/a', title: '春季新品', desc: '限时 8 折', picurl: 'https://shop.test/a.png' } }],
      ['chat', 'linxiao', { msgtype: 'text', text: { content: '您好，这是您的专属优惠' } }],
    ]);
    const transcript = await (await fetch(`${h.simUrl}/wecom/chat/transcript?corp=${h.corp.corpId}&userid=linxiao&external=${me.externalUserid}`)).text();
    expect(transcript).toContain('您好，这是您的专属优惠');
    expect(transcript).toContain('春季新品');
  });

  it('sendChatMessage in a group reaches every customer member’s phone', async () => {
    const [g] = await h.sim.control.listGroups(h.corp.corpId);
    const group = { corpId: h.corp.corpId, userid: g.owner, entry: 'group_chat_tools', chatId: g.chatId };
    const { grant } = await agentConfig(group, SIDEBAR);
    expect(await invoke(group, grant, 'sendChatMessage', { msgtype: 'text', text: { content: '群公告：周末活动' } })).toEqual({ err_msg: 'sendChatMessage:ok' });
    const customers = (await h.sim.control.getGroup(g.chatId))!.members.filter((m) => m.type === 2);
    expect(customers.length).toBeGreaterThan(0);
    for (const c of customers) {
      const [latest] = await h.sim.control.listInbox(c.wechatUserId!);
      expect(latest).toMatchObject({ kind: 'group_chat', from: { userid: g.owner, chatId: g.chatId, groupName: g.name }, payload: { msgtype: 'text', text: { content: '群公告：周末活动' } } });
    }
    // The group's transcript shows it once.
    const transcript = await (await fetch(`${h.simUrl}/wecom/chat/transcript?corp=${h.corp.corpId}&userid=${g.owner}&chat=${g.chatId}`)).text();
    expect(transcript.split('群公告：周末活动').length - 1).toBe(1);
  });
});

describe('member OAuth (企业微信网页授权)', () => {
  const authorize = (q: Record<string, string>, cookie = '') =>
    fetch(`${h.simUrl}/connect/oauth2/authorize?${new URLSearchParams({ appid: h.corp.corpId, redirect_uri: 'http://pond.test/sidebar/cb?x=1', response_type: 'code', scope: 'snsapi_base', state: 'st8', agentid: String(h.corp.agentId), ...q })}`, {
      redirect: 'manual',
      headers: { cookie },
    });
  const codeOf = (res: Response) => {
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe('http://pond.test/sidebar/cb');
    expect(loc.searchParams.get('x')).toBe('1');
    expect(loc.searchParams.get('state')).toBe('st8');
    return loc.searchParams.get('code')!;
  };

  it('redirects with a code for ?as=, which getuserinfo exchanges once', async () => {
    const code = codeOf(await authorize({ as: 'linxiao' }));
    expect(await h.api('auth/getuserinfo', { query: { code } })).toMatchObject({ errcode: 0, userid: 'linxiao' });
    const again = await h.api('auth/getuserinfo', { query: { code } });
    expect(again.errcode).toBe(40029);
    expect(again.errmsg).toContain('invalid code');
    expect((await h.api('auth/getuserinfo', { query: { code: 'nope' } })).errcode).toBe(40029);
    expect((await h.api('auth/getuserinfo', {})).errcode).toBe(41008);
    expect((await h.api('auth/getuserinfo', { token: 'bad', query: { code: 'x' } })).errcode).toBe(40014);
  });

  it('knows the member from the chat frame’s cookie; snsapi_privateinfo adds a user_ticket', async () => {
    const frame = await fetch(`${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=linxiao&external=${me.externalUserid}`);
    const cookie = frame.headers.get('set-cookie')!.split(';')[0];
    expect(cookie).toBe(`sim_wecom_member=${encodeURIComponent(`${h.corp.corpId}:linxiao`)}`);
    const code = codeOf(await authorize({ scope: 'snsapi_privateinfo' }, cookie));
    expect(await h.api('auth/getuserinfo', { query: { code } })).toMatchObject({ errcode: 0, userid: 'linxiao', user_ticket: expect.any(String), expires_in: 1800 });
  });

  it('shows a picker when it does not know the member, and 400 for a bad request', async () => {
    const picker = await authorize({});
    expect(picker.status).toBe(200);
    const html = await picker.text();
    expect(html).toContain('林晓');
    expect(html).toContain('as=linxiao');
    expect((await authorize({ appid: 'wwnope' })).status).toBe(400);
    expect((await authorize({ redirect_uri: 'not a url' })).status).toBe(400);
    expect((await authorize({ response_type: 'token' })).status).toBe(400);
    expect((await authorize({ agentid: '42' })).status).toBe(400);
  });

  it('codes expire after 5 minutes, belong to one corp, and fail once the member resigned', async () => {
    const late = await h.sim.control.memberOauthCode(h.corp.corpId, 'linxiao');
    h.clock.now += 5 * 60_000 + 1;
    try {
      expect((await h.api('auth/getuserinfo', { query: { code: late } })).errcode).toBe(40029);
    } finally {
      h.clock.now -= 5 * 60_000 + 1;
    }

    const other = await h.sim.control.upsertCorp({ corpId: 'wwothercorp', secret: 'other-secret' });
    await h.sim.control.upsertStaff(other.corpId, { userid: 'linxiao', name: '林晓', department: [1] });
    const otherCode = codeOf(await authorize({ appid: other.corpId, agentid: String(other.agentId), as: 'linxiao' }));
    expect((await h.api('auth/getuserinfo', { query: { code: otherCode } })).errcode).toBe(40029);
    const { access_token } = await h.api('gettoken', { token: null, query: { corpid: other.corpId, corpsecret: 'other-secret' } });
    expect(await h.api('auth/getuserinfo', { token: access_token, query: { code: otherCode } })).toMatchObject({ errcode: 0, userid: 'linxiao' });

    const code = await h.sim.control.memberOauthCode(other.corpId, 'linxiao');
    await h.sim.control.resignStaff('linxiao', { corpId: other.corpId });
    expect((await h.api('auth/getuserinfo', { token: access_token, query: { code } })).errcode).toBe(60111);
  });
});

describe('the simulated WeCom client pages', () => {
  it('serves the JS-SDK shim', async () => {
    const res = await fetch(`${h.simUrl}/jssdk/jwxwork.js`);
    expect(res.headers.get('content-type')).toContain('application/javascript');
    const js = await res.text();
    expect(js).toContain('window.wx');
    expect(js).toContain('not in WeCom client');
  });

  it('shows the chat with the sidebar beside it, or a note when none is configured', async () => {
    const url = `${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=linxiao&external=${me.externalUserid}`;
    expect(await (await fetch(url)).text()).toContain('没有配置聊天工具栏');
    const corp = await h.sim.control.setSidebarUrl(h.corp.corpId, SIDEBAR);
    expect(corp.sidebarUrl).toBe(SIDEBAR);
    const html = await (await fetch(url)).text();
    expect(html).toContain(`<iframe id="sidebar" src="${SIDEBAR}"`);
    expect(html).toContain('您好，这是您的专属优惠');
    expect((await fetch(`${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=wangli&external=${me.externalUserid}`)).status).toBe(404);
  });

  it('the text box sends as the member', async () => {
    const res = await fetch(`${h.simUrl}/wecom/chat/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ corp: h.corp.corpId, userid: 'linxiao', external: me.externalUserid, text: '在吗？' }).toString(),
    });
    expect(await res.json()).toEqual({ ok: true });
    const [latest] = await h.sim.control.listInbox(me.wechatUserId);
    expect(latest.payload).toEqual({ msgtype: 'text', text: { content: '在吗？' } });
  });

  it('/wecom lists the member’s customers and groups with links into the chat frame', async () => {
    const html = await (await fetch(`${h.simUrl}/wecom?corp=${h.corp.corpId}&userid=linxiao`)).text();
    expect(html).toContain('侧边栏客户');
    expect(html).toContain(`/wecom/chat?corp=${h.corp.corpId}&amp;userid=linxiao&amp;external=${me.externalUserid}`);
    expect(html).toContain('entry=contact_profile');
    expect(await (await fetch(`${h.simUrl}/phone`)).text()).toContain('/wecom');
  });

  it('sidebarUrl is settable through the HTTP control API', async () => {
    const res = await fetch(`${h.simUrl}/control/corps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: h.corp.corpId, sidebarUrl: 'http://pond.test/sidebar/x' }),
    });
    expect(((await res.json()) as SimCorp).sidebarUrl).toBe('http://pond.test/sidebar/x');
    const bad = await fetch(`${h.simUrl}/control/corps/${h.corp.corpId}/sidebar-url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'javascript:alert(1)' }),
    });
    expect(bad.status).toBe(400);
  });
});

/** A postMessage event as the shim and the frame's script see it. */
type Listener = (e: { source: unknown; data: unknown }) => void;

/** The wx object the shim puts on the page's window. */
interface Wx {
  invoke(api: string, args: object, callback: (r: Record<string, unknown>) => void): void;
  agentConfig(config: Record<string, unknown>): void;
}

/** The sidebar page's window, as much of it as the shim uses. */
interface PageWindow {
  parent?: unknown;
  addEventListener(type: string, fn: Listener): void;
  postMessage?(data: unknown): void;
  wx?: Wx;
}

describe('the shim and the frame’s script, relaying (no browser: both run in node:vm)', () => {
  /** The sidebar page's window (the shim runs there) inside the chat frame's window (its script runs there). */
  async function openFrame(pageHref: string) {
    const frameHtml = await (await fetch(`${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=linxiao&external=${me.externalUserid}`)).text();
    const frameScript = /<script>([\s\S]*?)<\/script>/.exec(frameHtml)![1];
    const shim = await (await fetch(`${h.simUrl}/jssdk/jwxwork.js`)).text();
    const frameListeners: Listener[] = [];
    const pageListeners: Listener[] = [];
    const parent = { postMessage: (data: unknown) => setTimeout(() => frameListeners.forEach((fn) => fn({ source: page, data: structuredClone(data) }))) };
    const page: PageWindow = {
      parent,
      addEventListener: (_t: string, fn: Listener) => pageListeners.push(fn),
      postMessage: (data: unknown) => setTimeout(() => pageListeners.forEach((fn) => fn({ source: parent, data: structuredClone(data) }))),
    };
    const location = { href: pageHref };
    vm.runInNewContext(shim, { window: page, location, setTimeout, JSON, Math, Date });
    const frameWindow = { addEventListener: (_t: string, fn: Listener) => frameListeners.push(fn) };
    const document = { getElementById: (id: string) => (id === 'sidebar' ? { contentWindow: page } : null) };
    // The frame's script calls the simulator by path, as a browser resolves it against the page.
    const pageFetch = (u: string, init?: RequestInit) => fetch(new URL(u, h.simUrl), init);
    vm.runInNewContext(frameScript, { window: frameWindow, document, fetch: pageFetch, setInterval: () => 0, URLSearchParams, FormData, JSON, alert: () => {} });
    const wx = page.wx!;
    const call = (api: string, args: object = {}) => new Promise<Record<string, unknown>>((resolve) => wx.invoke(api, args, resolve));
    return { wx, call };
  }

  it('agentConfig, getCurExternalContact and sendChatMessage go page → frame → simulator and back', async () => {
    await h.sim.control.setSidebarUrl(h.corp.corpId, SIDEBAR);
    const { wx, call } = await openFrame(`${SIDEBAR}?x=1#/customer`);
    expect(await call('getContext')).toEqual({ err_msg: 'getContext:no permission' });
    const res = await new Promise<unknown>((resolve) =>
      wx.agentConfig({
        corpid: h.corp.corpId,
        agentid: h.corp.agentId,
        ...sign(agentTicket, `${SIDEBAR}?x=1`),
        jsApiList: ['getContext', 'getCurExternalContact', 'sendChatMessage'],
        success: (r: unknown) => resolve(['success', r]),
        fail: (r: unknown) => resolve(['fail', r]),
      }),
    );
    expect(res).toEqual(['success', { errMsg: 'agentConfig:ok' }]);
    expect(await call('getContext')).toEqual({ err_msg: 'getContext:ok', entry: 'single_chat_tools' });
    expect(await call('getCurExternalContact')).toEqual({ err_msg: 'getCurExternalContact:ok', userId: me.externalUserid });
    expect(await call('sendChatMessage', { msgtype: 'text', text: { content: '经由侧边栏' } })).toEqual({ err_msg: 'sendChatMessage:ok' });
    expect((await h.sim.control.listInbox(me.wechatUserId))[0].payload).toEqual({ msgtype: 'text', text: { content: '经由侧边栏' } });

    // A reloaded page (new shim instance) must call agentConfig again.
    const again = await openFrame(`${SIDEBAR}?x=1`);
    expect(await again.call('getContext')).toEqual({ err_msg: 'getContext:no permission' });
    const failed = await new Promise<unknown>((resolve) => again.wx.agentConfig({ corpid: h.corp.corpId, agentid: h.corp.agentId, ...sign(corpTicket, `${SIDEBAR}?x=1`), jsApiList: [], fail: resolve }));
    expect(failed).toEqual({ errMsg: 'agentConfig:fail invalid signature' });
  });

  it('outside the chat frame every call fails', async () => {
    const shim = await (await fetch(`${h.simUrl}/jssdk/jwxwork.js`)).text();
    const page: PageWindow = { addEventListener: () => {} };
    page.parent = page;
    vm.runInNewContext(shim, { window: page, location: { href: SIDEBAR }, setTimeout, JSON, Math, Date });
    const r = await new Promise<Record<string, unknown>>((resolve) => page.wx!.invoke('getContext', {}, resolve));
    expect(r.err_msg).toBe('getContext:fail not in WeCom client (模拟器: open it from the WeCom chat frame)');
    const a = await new Promise<Record<string, unknown>>((resolve) => page.wx!.agentConfig({ fail: resolve }));
    expect(a.errMsg).toBe('agentConfig:fail not in WeCom client (模拟器: open it from the WeCom chat frame)');
  });
});

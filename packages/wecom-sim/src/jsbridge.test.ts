// The simulated client for pages on the official JS-SDK (@wecom/jssdk): the WeixinJSBridge it injects
// (bridge.js), config arriving as preVerifyJSAPI's verify* fields, app pages (entry `normal`) in the
// webview (/wecom/app), and openEnterpriseChat opening an existing chat of the member. The browser side
// runs for real in e2e/sidebar.test.ts.
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-helpers';

let h: Harness;
const PAGE = 'http://pond.test/tasks/wwtestcorp?task=3';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sign = (ticket: string, url: string, nonceStr = 'n0nce', timestamp = 1_773_108_000) => ({
  nonceStr,
  timestamp,
  signature: sha1(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`),
});
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${h.simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

let agentTicket = '';
let corpTicket = '';
let customer = { wechatUserId: '', externalUserid: '' };
const app = () => ({ corpId: h.corp.corpId, userid: 'linxiao', entry: 'normal' });

async function grantFor(frame: object, url = PAGE) {
  const s = sign(agentTicket, url);
  const r = await post('/jssdk/agent-config', {
    frame,
    url,
    // As @wecom/jssdk sends it: agentid and timestamp as strings.
    config: { corpid: h.corp.corpId, agentid: String(h.corp.agentId), timestamp: String(s.timestamp), nonceStr: s.nonceStr, signature: s.signature, jsApiList: ['getContext', 'getCurExternalContact', 'sendChatMessage', 'openEnterpriseChat'] },
  });
  expect(r.json.errMsg).toBe('agentConfig:ok');
  return r.json.grant as string;
}
const invoke = async (frame: object, grant: string, api: string, args: unknown = {}) => (await post('/jssdk/invoke', { frame, grant, api, args })).json;

beforeAll(async () => {
  h = await startHarness();
  await h.sim.control.seedDemo({ corpId: h.corp.corpId, customers: 5, groups: 2 });
  const u = await h.sim.control.createWechatUser({ nickname: '任务客户' });
  const added = await h.sim.control.addStaff(u.id, { corpId: h.corp.corpId, userid: 'linxiao' });
  customer = { wechatUserId: u.id, externalUserid: added.externalUserid };
  corpTicket = (await h.api('get_jsapi_ticket')).ticket;
  agentTicket = (await h.api('ticket/get', { query: { type: 'agent_config' } })).ticket;
});

afterAll(async () => {
  await h?.close();
});

describe('the JS bridge @wecom/jssdk talks to', () => {
  it('config arrives as preVerifyJSAPI with verify* fields, checked against the corp ticket', async () => {
    const verify = (s: { nonceStr: string; timestamp: number; signature: string }, appId = h.corp.corpId) =>
      post('/jssdk/config', {
        frame: app(),
        url: PAGE,
        config: { appId, verifyJsApiList: ['getContext'], verifyAppId: appId, verifySignType: 'sha1', verifyTimestamp: String(s.timestamp), verifyNonceStr: s.nonceStr, verifySignature: s.signature },
      });
    expect((await verify(sign(corpTicket, PAGE))).json).toEqual({ errMsg: 'config:ok' });
    expect((await verify(sign(agentTicket, PAGE))).json).toEqual({ errMsg: 'config:fail invalid signature' });
    expect((await verify(sign(corpTicket, PAGE), 'wwother')).json.errMsg).toContain('config:fail');
  });

  it('an app page (entry normal) has no chat: no customer, no sendChatMessage', async () => {
    const grant = await grantFor(app());
    expect(await invoke(app(), grant, 'getContext')).toEqual({ err_msg: 'getContext:ok', entry: 'normal' });
    expect((await invoke(app(), grant, 'getCurExternalContact')).err_msg).toBe('getCurExternalContact:fail without context of external contact');
    expect((await invoke(app(), grant, 'sendChatMessage', { msgtype: 'text', text: { content: 'x' } })).err_msg).toBe('sendChatMessage:fail not in a chat (entry normal)');
    // Still only an active member of the corp.
    expect((await post('/jssdk/invoke', { frame: { ...app(), userid: 'nobody' }, grant, api: 'getContext' })).status).toBe(404);
  });

  it('openEnterpriseChat opens the 1:1 chat with a customer the member follows, or a group they are in', async () => {
    const grant = await grantFor(app());
    // The SDK joins lists with ';'.
    const one = await invoke(app(), grant, 'openEnterpriseChat', { chatId: '', chatname: '', groupName: '', useridlist: '', userIds: '', openIds: '', externalUserIds: customer.externalUserid });
    expect(one).toEqual({ err_msg: 'openEnterpriseChat:ok', open: `${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=linxiao&external=${customer.externalUserid}` });
    const [g] = await h.sim.control.listGroups(h.corp.corpId);
    const owner = { ...app(), userid: g.owner };
    expect(await invoke(owner, await grantFor(owner), 'openEnterpriseChat', { chatId: g.chatId })).toEqual({
      err_msg: 'openEnterpriseChat:ok',
      chatId: g.chatId,
      open: `${h.simUrl}/wecom/chat?corp=${h.corp.corpId}&userid=${g.owner}&chat=${g.chatId}`,
    });
    if (g.owner !== 'linxiao') expect((await invoke(app(), grant, 'openEnterpriseChat', { chatId: g.chatId })).err_msg).toMatch(/^openEnterpriseChat:fail .*not in group/);
    const stranger = (await h.sim.control.listFollows(h.corp.corpId, { userid: 'zhangwei' })).find((f) => f.externalUserid !== customer.externalUserid)!;
    expect((await invoke(app(), grant, 'openEnterpriseChat', { externalUserIds: stranger.externalUserid })).err_msg).toMatch(/^openEnterpriseChat:fail .*does not follow/);
    expect((await invoke(app(), grant, 'openEnterpriseChat', { externalUserIds: `${customer.externalUserid};${stranger.externalUserid}` })).err_msg).toMatch(/^openEnterpriseChat:fail .*existing chat only/);
    expect((await invoke(app(), grant, 'openEnterpriseChat', { userIds: 'zhangwei' })).err_msg).toMatch(/^openEnterpriseChat:fail/);
    // Not in the grant's jsApiList: no permission, as for any API.
    const narrow = await post('/jssdk/agent-config', {
      frame: app(),
      url: PAGE,
      config: { corpid: h.corp.corpId, agentid: h.corp.agentId, ...sign(agentTicket, PAGE), jsApiList: ['getContext'] },
    });
    expect(await invoke(app(), narrow.json.grant as string, 'openEnterpriseChat', { chatId: g.chatId })).toEqual({ err_msg: 'openEnterpriseChat:no permission' });
  });

  it('bridge.js defines WeixinJSBridge and the wxwork user agent only inside a client frame, and relays by postMessage', async () => {
    const res = await fetch(`${h.simUrl}/jssdk/bridge.js`);
    expect(res.headers.get('content-type')).toContain('application/javascript');
    const js = await res.text();
    const run = (framed: boolean) => {
      const sent: unknown[] = [];
      const events: string[] = [];
      const parent = { postMessage: (d: unknown) => sent.push(d) };
      const window: Record<string, unknown> = { addEventListener: () => {} };
      window.parent = framed ? parent : window;
      const navigator = { userAgent: 'Mozilla/5.0 Chrome/140' };
      class Event {
        constructor(readonly type: string) {}
      }
      const document = { dispatchEvent: (e: Event) => events.push(e.type) };
      vm.runInNewContext(js, { window, navigator, document, Event, location: { href: `${PAGE}#x` }, JSON, Math, Date, Object });
      return { window, navigator, sent, events };
    };
    const plain = run(false);
    expect(plain.window.WeixinJSBridge).toBeUndefined();
    expect(plain.navigator.userAgent).not.toContain('wxwork');
    const framed = run(true);
    expect(framed.navigator.userAgent).toMatch(/wxwork\/4\.\d+\.\d+/);
    expect(framed.events).toEqual(['WeixinJSBridgeReady']);
    const bridge = framed.window.WeixinJSBridge as { invoke: (n: string, p: object, cb: () => void) => void };
    bridge.invoke('preVerifyJSAPI', { verifySignature: 's' }, () => {});
    bridge.invoke('agentConfig', { corpid: 'c' }, () => {});
    bridge.invoke('getContext', {}, () => {});
    expect(framed.sent.map((d) => [(d as any).type, (d as any).api, (d as any).url])).toEqual([
      ['config', 'preVerifyJSAPI', PAGE],
      ['agentConfig', 'agentConfig', PAGE],
      ['invoke', 'getContext', PAGE],
    ]);
  });

  it('/wecom/app frames an app page for an active member, or asks for the URL', async () => {
    const url = `${h.simUrl}/wecom/app?corp=${h.corp.corpId}&userid=linxiao&url=${encodeURIComponent(PAGE)}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('sim_wecom_member=');
    const html = await res.text();
    expect(html).toContain(`<iframe id="webview" src="${PAGE.replace(/&/g, '&amp;')}"`);
    expect(html).toContain('"entry":"normal"');
    expect((await fetch(`${h.simUrl}/wecom/app?corp=${h.corp.corpId}&userid=linxiao`)).status).toBe(200);
    expect((await fetch(`${h.simUrl}/wecom/app?corp=${h.corp.corpId}&userid=linxiao&url=javascript:alert(1)`)).status).toBe(400);
    expect((await fetch(`${h.simUrl}/wecom/app?corp=${h.corp.corpId}&userid=nobody&url=${encodeURIComponent(PAGE)}`)).status).toBe(404);
  });
});

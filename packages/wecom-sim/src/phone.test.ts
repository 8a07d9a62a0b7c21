// The phone view as a person uses it: pick an identity (cookie), scan a Pond-like landing page
// that shows a contact-way QR, add staff, join a group, pay an order (webhook), read the inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf } from './pages/html';
import type { CallbackRecord } from './callbacks';
import type { WechatUser } from './customers';
import { startHarness, waitFor, type Harness } from './test-helpers';

let h: Harness;
let qrCode = '';
/** What the shop webhook received. */
const orders: unknown[] = [];

beforeAll(async () => {
  h = await startHarness({}, (app) => {
    // Stands in for Pond's landing page /l/<code>: it knows the customer from the sim cookie.
    app.get('/l/:code', async (req, reply) => {
      const who = cookieOf(req.headers.cookie, 'sim_wechat_user');
      return reply.type('text/html').send(`<html><body><p>hi ${who}</p><img src="${qrCode}"></body></html>`);
    });
    app.post('/shop/webhook', async (req) => {
      orders.push(req.body);
      return { ok: true };
    });
  });
  await h.sim.control.seedDemo({ corpId: h.corp.corpId, customers: 20, groups: 2, orderWebhookUrl: `${h.baseUrl}/shop/webhook` });
});

afterAll(async () => {
  await h?.close();
});

const form = (data: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '' },
  body: new URLSearchParams(data).toString(),
  redirect: 'manual' as const,
});

describe('phone view', () => {
  let cookie = '';
  const post = async (path: string, data: Record<string, string>) => {
    const init = form(data);
    init.headers.cookie = cookie;
    const res = await fetch(`${h.simUrl}${path}`, init);
    expect(res.status).toBe(303);
    return decodeURIComponent(res.headers.get('location') ?? '');
  };

  it('asks who you are, then remembers the simulated customer in a cookie', async () => {
    const first = await (await fetch(`${h.simUrl}/phone`)).text();
    expect(first).toContain('选择身份');
    const res = await fetch(`${h.simUrl}/phone/identity`, form({ nickname: '手机用户', gender: '2' }));
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sim_wechat_user=wxid_[a-z0-9]+; Path=\//);
    cookie = setCookie.split(';')[0];
    const home = await (await fetch(`${h.simUrl}/phone`, { headers: { cookie } })).text();
    expect(home).toContain('手机用户');
    expect(home).toContain('林晓');
  });

  it('scans a landing page: follows the contact-way QR on it and adds the staff member', async () => {
    const way = await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['wuting'], state: 'lc_abc' } });
    qrCode = way.qr_code!;
    const msg = await post('/phone/scan', { url: `${h.baseUrl}/l/abc`, mode: 'scan' });
    expect(msg).toContain('已添加 wuting');
    const me = decodeURIComponent(cookie.split('=')[1]);
    const ext = await h.sim.control.externalUseridOf(me);
    const ev = await waitFor(() => h.receiver.events.find((e) => e.ExternalUserID === ext), 3000, 'add via landing page');
    expect(ev).toMatchObject({ ChangeType: 'add_external_contact', UserID: 'wuting', State: 'lc_abc' });

    // Pond sends the welcome message; it shows in the phone's inbox.
    expect((await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: ev.WelcomeCode, text: { content: '欢迎光临徐汇店！' } } })).errcode).toBe(0);
    const home = await (await fetch(`${h.simUrl}/phone`, { headers: { cookie } })).text();
    expect(home).toContain('欢迎光临徐汇店！');
    expect(home).toContain('吴婷');
  });

  it('"open" sends the browser to the page; sim QR pages get ?as=', async () => {
    const res = await fetch(`${h.simUrl}/phone/scan`, { ...form({ url: qrCode, mode: 'open' }), headers: { ...form({}).headers, cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain(`as=${decodeURIComponent(cookie.split('=')[1])}`);
  });

  it('adds staff, chats, joins and leaves a group, deletes a contact', async () => {
    expect(await post('/phone/add-staff', { staff: `${h.corp.corpId}|linxiao` })).toContain('已添加 linxiao');
    expect(await post('/phone/send-message', { corpId: h.corp.corpId, userid: 'linxiao', text: '你好' })).toContain('已发送');
    const [g] = await h.sim.control.listGroups(h.corp.corpId);
    expect(await post('/phone/join-group', { chatId: g.chatId })).toContain('已加入群聊');
    expect(await post('/phone/leave-group', { chatId: g.chatId })).toContain('已退出');
    expect(await post('/phone/delete-staff', { corpId: h.corp.corpId, userid: 'linxiao' })).toContain('已删除');
    expect(await post('/phone/delete-staff', { corpId: h.corp.corpId, userid: 'nobody' })).toMatch(/err=.*does not follow/);
    await h.sim.control.waitForCallbacks();
    const kinds = h.receiver.events.filter((e) => e.UserID === 'linxiao' || e.ChatId === g.chatId).map((e) => e.ChangeType + (e.UpdateDetail ? `:${e.UpdateDetail}` : ''));
    expect(kinds).toEqual(['add_external_contact', 'update:add_member', 'update:del_member', 'del_follow_user']);
  });

  it('pays an order and posts it to the shop webhook', async () => {
    expect(await post('/phone/pay', { item: '拿铁', amount: '28.5' })).toContain('¥28.50');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      event: 'order.paid',
      order: { corpId: h.corp.corpId, amount: 28.5, currency: 'CNY', items: [{ name: '拿铁', price: 28.5, quantity: 1 }], externalUserid: expect.stringMatching(/^wm/) },
    });
  });
});

describe('control API over HTTP', () => {
  it('drives the same actions with JSON', async () => {
    /** The control API's JSON answer, typed as the test expects it (SimControl's result, or { error }). */
    const call = async <T = unknown>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${h.simUrl}/control${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as T };
    };
    const user = await call<WechatUser>('POST', '/wechat-users', { nickname: '接口客户' });
    expect(user.status).toBe(200);
    const add = await call('POST', '/add-staff', { wechatUserId: user.json.id, userid: 'zhangwei', state: 'api' });
    expect(add.json).toMatchObject({ status: 'added', userid: 'zhangwei', welcomeCode: expect.any(String) });
    expect((await call('POST', '/add-staff', { wechatUserId: user.json.id, userid: 'ghost' })).status).toBe(404);
    expect((await call<{ error: { message: string } }>('POST', '/add-staff', { userid: 'zhangwei' })).json.error.message).toContain('wechatUserId');
    const state = await call('GET', `/corps/${h.corp.corpId}/state`);
    expect(state.json).toMatchObject({ staff: 10, groups: 2 });
    await call('POST', '/wait-callbacks', {});
    const cbs = await call<CallbackRecord[]>('GET', `/corps/${h.corp.corpId}/callbacks?changeType=add_external_contact&limit=1`);
    expect(cbs.json[0]).toMatchObject({ status: 'delivered', fields: { UserID: 'zhangwei', State: 'api' } });
    const advanced = await call<{ now: number }>('POST', '/advance-time', { ms: 1000 });
    expect(advanced.json.now).toBe(h.clock.now + 1000);
  });
});

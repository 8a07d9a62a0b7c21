// Encrypted callbacks as WeCom sends them (decrypted here with @pond/wecom's openEvent), their
// retries, URL verification, and the welcome code's 20 s / single-use rules.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './test-helpers';

let h: Harness;

beforeAll(async () => {
  // The timeout is long enough that a loaded CI machine answering an ordinary delivery late does not cause a
  // retry (a duplicate event); the retry test hangs the receiver on purpose.
  h = await startHarness({ callbackTimeoutMs: 1500, callbackRetryDelaysMs: [20, 20, 20] });
  await h.sim.control.upsertDepartments(h.corp.corpId, [{ id: 1, name: '测试企业', parentid: 0 }]);
  await h.sim.control.upsertStaff(h.corp.corpId, [
    { userid: 'alice', name: '王小美' },
    { userid: 'bob', name: '李大壮' },
  ]);
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.receiver.mode = 'ok';
});

describe('contact callbacks', () => {
  it('add_external_contact arrives encrypted and decrypts with State and WelcomeCode', async () => {
    const user = await h.sim.control.createWechatUser({ nickname: '小鱼儿', gender: 2 });
    const r = await h.sim.control.addStaff(user.id, { userid: 'alice', state: 'ch_store_01' });
    expect(r).toMatchObject({ status: 'added', userid: 'alice', welcomeCode: expect.any(String) });
    expect(r.externalUserid).toMatch(/^wm[A-Za-z0-9_-]{30}$/);
    const ev = await waitFor(() => h.receiver.events.find((e) => e.ExternalUserID === r.externalUserid), 3000, 'add_external_contact');
    expect(ev).toMatchObject({
      ToUserName: h.corp.corpId,
      FromUserName: 'sys',
      MsgType: 'event',
      Event: 'change_external_contact',
      ChangeType: 'add_external_contact',
      UserID: 'alice',
      ExternalUserID: r.externalUserid,
      State: 'ch_store_01',
      WelcomeCode: r.welcomeCode!,
    });
    expect(Number(ev.CreateTime)).toBe(Math.floor(h.clock.now / 1000));

    // The same person always has the same external_userid in this corp.
    expect(await h.sim.control.externalUseridOf(user.id)).toBe(r.externalUserid);
    const again = await h.sim.control.addStaff(user.id, { userid: 'alice' });
    expect(again.status).toBe('already_added');

    const contact = await h.api('externalcontact/get', { query: { external_userid: r.externalUserid } });
    expect(contact.external_contact).toMatchObject({ name: '小鱼儿', gender: 2, type: 1, unionid: user.unionid });
    expect(contact.follow_user[0]).toMatchObject({ userid: 'alice', state: 'ch_store_01', add_way: 2, oper_userid: r.externalUserid });
  });

  it('skip_verify=false sends add_half_external_contact first, then add_external_contact without a second code once the first was used', async () => {
    const user = await h.sim.control.createWechatUser();
    const r = await h.sim.control.addStaff(user.id, { userid: 'bob', state: 'half', skipVerify: false });
    expect(r.status).toBe('pending');
    const half = await waitFor(() => h.receiver.events.find((e) => e.ExternalUserID === r.externalUserid), 3000, 'half add');
    expect(half).toMatchObject({ ChangeType: 'add_half_external_contact', State: 'half', WelcomeCode: r.welcomeCode! });
    expect((await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: r.welcomeCode, text: { content: '你好' } } })).errcode).toBe(0);
    const accepted = await h.sim.control.acceptContact('bob', r.externalUserid);
    expect(accepted.welcomeCode).toBeNull();
    const full = await waitFor(() => h.receiver.events.find((e) => e.ExternalUserID === r.externalUserid && e.ChangeType === 'add_external_contact'), 3000, 'full add');
    expect(full.WelcomeCode).toBeUndefined();
    expect(full.State).toBe('half');
  });

  it('deletes on either side: del_follow_user, then a re-add arrives with an empty State', async () => {
    const user = await h.sim.control.createWechatUser();
    const r = await h.sim.control.addStaff(user.id, { userid: 'alice', state: 'first' });
    await h.sim.control.customerDeletesStaff(user.id, 'alice');
    const readd = await h.sim.control.addStaff(user.id, { userid: 'alice', state: 'second' });
    await h.sim.control.staffDeletesCustomer('alice', r.externalUserid);
    await h.sim.control.waitForCallbacks();
    const mine = h.receiver.events.filter((e) => e.ExternalUserID === r.externalUserid);
    expect(mine.map((e) => [e.ChangeType, e.State ?? ''])).toEqual([
      ['add_external_contact', 'first'],
      ['del_follow_user', ''],
      ['add_external_contact', ''],
      ['del_external_contact', ''],
    ]);
    expect(readd.state).toBe('first');
    expect((await h.api('externalcontact/get', { query: { external_userid: r.externalUserid } })).errcode).toBe(84061);
  });
});

describe('delivery', () => {
  it('retries when Pond does not answer within the timeout, and when it answers 500', async () => {
    const before = h.receiver.deliveries;
    h.receiver.mode = (n) => (n === before + 1 ? 'hang' : n === before + 2 ? 'fail' : 'ok');
    const user = await h.sim.control.createWechatUser();
    const r = await h.sim.control.addStaff(user.id, { userid: 'bob' });
    await h.sim.control.waitForCallbacks();
    const [cb] = await h.sim.control.listCallbacks(h.corp.corpId, { limit: 1 });
    expect(cb).toMatchObject({ status: 'delivered', attempts: 3, changeType: 'add_external_contact' });
    expect(h.receiver.deliveries - before).toBe(3);
    const got = h.receiver.events.filter((e) => e.ExternalUserID === r.externalUserid);
    expect(got).toHaveLength(1);
    expect(Number(got[0]._attempt)).toBe(before + 3);
  });

  it('gives up after 3 retries', async () => {
    h.receiver.mode = 'fail';
    const before = h.receiver.deliveries;
    const user = await h.sim.control.createWechatUser();
    await h.sim.control.addStaff(user.id, { userid: 'bob' });
    await h.sim.control.waitForCallbacks();
    const [cb] = await h.sim.control.listCallbacks(h.corp.corpId, { limit: 1 });
    expect(cb).toMatchObject({ status: 'failed', attempts: 4, lastError: 'HTTP 500' });
    expect(h.receiver.deliveries - before).toBe(4);
  });

  it('verifies the callback URL the way WeCom does', async () => {
    const ok = await h.sim.control.verifyCallbackUrl(h.corp.corpId);
    expect(ok).toMatchObject({ ok: true, status: 200 });
    expect(ok.received).toBe(ok.expected);
    h.receiver.echo = (plain) => `"${plain}"\n`;
    const bad = await h.sim.control.verifyCallbackUrl(h.corp.corpId);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/exactly/);
    h.receiver.echo = undefined;
  });
});

describe('welcome code', () => {
  it('is single use: the second send_welcome_msg gets 41051', async () => {
    const user = await h.sim.control.createWechatUser({ nickname: '阿花' });
    const r = await h.sim.control.addStaff(user.id, { userid: 'alice' });
    const body = {
      welcome_code: r.welcomeCode,
      text: { content: '欢迎！' },
      attachments: [{ msgtype: 'link', link: { title: '新人券', url: 'https://example.com/coupon' } }],
    };
    expect((await h.api('externalcontact/send_welcome_msg', { body })).errcode).toBe(0);
    expect((await h.api('externalcontact/send_welcome_msg', { body })).errcode).toBe(41051);
    const inbox = await h.sim.control.listInbox(user.id);
    expect(inbox.map((m) => m.payload.msgtype).reverse()).toEqual(['text', 'link']);
    expect(inbox[0]).toMatchObject({ kind: 'welcome', from: { userid: 'alice', name: '王小美' } });
  });

  it('expires after 20 s', async () => {
    const user = await h.sim.control.createWechatUser();
    const a = await h.sim.control.addStaff(user.id, { userid: 'alice' });
    const b = await h.sim.control.addStaff(user.id, { userid: 'bob' });
    h.clock.now += 19_999;
    expect((await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: a.welcomeCode, text: { content: 'hi' } } })).errcode).toBe(0);
    h.clock.now += 1;
    expect((await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: b.welcomeCode, text: { content: 'hi' } } })).errcode).toBe(41051);
  });

  it('is void once the chat has started, and checks the message shape', async () => {
    const user = await h.sim.control.createWechatUser();
    const r = await h.sim.control.addStaff(user.id, { userid: 'alice' });
    const tooMany = Array.from({ length: 10 }, () => ({ msgtype: 'link', link: { title: 't', url: 'https://e.com' } }));
    const bad = await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: r.welcomeCode, attachments: tooMany } });
    expect(bad.errcode).toBe(40058);
    expect(bad.errmsg).toContain('attachments');
    await h.sim.control.sendMessage(user.id, 'alice', '在吗？');
    expect((await h.api('externalcontact/send_welcome_msg', { body: { welcome_code: r.welcomeCode, text: { content: 'hi' } } })).errcode).toBe(41051);
  });
});

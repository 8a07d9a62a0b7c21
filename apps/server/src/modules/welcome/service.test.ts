// WelcomeService on a real database with a fake WeCom client: template rules, the choice code >
// staff > default, and the send on an add (once per inbox id, failures recorded, placeholders).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WecomError, type SendWelcomeMsgRequest } from '@pond/wecom';
import { createTestDatabase, waitFor } from '../../../test/helpers';
import { createPool, migrateDb } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { createLogger } from '../../platform/log';
import { corpScope } from '../../platform/auth';
import { NO_CODE_ERROR, NO_TEMPLATE_ERROR, WelcomeService, type SendForAddArgs } from './service';
import { INTERRUPTED_UNKNOWN } from './repo';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const log = createLogger('silent', false);

beforeAll(async () => {
  db = await createTestDatabase('pond_welcome');
  pool = createPool(db.url, 10);
  await migrateDb(pool);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** A fake WeCom client recording calls; `send` decides what send_welcome_msg does. */
function fakeWecom(opts: { send?: (req: SendWelcomeMsgRequest) => Promise<unknown>; names?: Record<string, string> } = {}) {
  const sent: SendWelcomeMsgRequest[] = [];
  const lookups: string[] = [];
  const client = {
    async sendWelcomeMsg(req: SendWelcomeMsgRequest) {
      sent.push(req);
      return opts.send ? opts.send(req) : { errcode: 0, errmsg: 'ok' };
    },
    async getExternalContact(ext: string) {
      lookups.push(ext);
      return { external_contact: { external_userid: ext, name: opts.names?.[ext] ?? '' }, follow_user: [] };
    },
  };
  return { sent, lookups, corps: { client: async () => client } };
}

let seq = 0;
/** A fresh corp with staff alice (store 静安店) and bob, and one known customer. */
async function newCorp() {
  const corpId = `ww${randomBytes(6).toString('hex')}`;
  await pool.query(
    `INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ($1, 'Test', '1000002', 's', 't', 'k', 'http://127.0.0.1:1', 'w')`,
    [corpId]);
  const { rows } = await pool.query(`INSERT INTO stores (corp_id, name) VALUES ($1, '静安店') RETURNING id`, [corpId]);
  await pool.query(
    `INSERT INTO staff (corp_id, userid, name, store_id) VALUES ($1, 'alice', '王小丽', $2), ($1, 'bob', '李大卫', NULL)`, [corpId, rows[0].id]);
  await pool.query(`INSERT INTO customers (corp_id, external_userid, name) VALUES ($1, 'wm_known', '老顾客')`, [corpId]);
  return corpId;
}

function addArgs(corpId: string, over: Partial<SendForAddArgs> = {}): SendForAddArgs {
  return {
    corpId, inboxId: 100_000 + ++seq, externalUserid: 'wm_known', userid: 'alice', welcomeCode: `WC${seq}`,
    codeId: null, codeWelcomeId: null, channel: null, storeName: null, receivedAt: new Date(), ...over,
  };
}

const LEASE_A = '00000000-0000-4000-8000-00000000000a';
const LEASE_B = '00000000-0000-4000-8000-00000000000b';

/** The add's inbox row, claimed under `lease` (another lease's claim of it is over). */
async function holdInbox(corpId: string, inboxId: number, lease: string) {
  await pool.query(
    `INSERT INTO callback_inbox (id, corp_id, event_key, event, change_type, priority, xml, lease, locked_by, locked_until)
     VALUES ($1::bigint, $2, 'k' || $1::text, 'change_external_contact', 'add_external_contact', 0, '<xml/>', $3, 'test', now() + interval '5 seconds')
     ON CONFLICT (id) DO UPDATE SET lease = EXCLUDED.lease, locked_until = EXCLUDED.locked_until`, [inboxId, corpId, lease]);
}

/**
 * A WeCom whose welcome codes are single use, as WeCom's are: the first call with a code delivers it, any later one
 * gets 41051. Hooks run around a delivery (n: the call's number) to lose the request or its answer.
 */
function singleUseWecom() {
  const w = {
    calls: 0,
    used: new Set<string>(),
    delivered: [] as SendWelcomeMsgRequest[],
    beforeDeliver: undefined as ((n: number) => void) | undefined,
    afterDeliver: undefined as ((n: number) => void) | undefined,
    onDeliver: undefined as (() => Promise<void>) | undefined,
    corps: {
      client: async () => ({
        async sendWelcomeMsg(req: SendWelcomeMsgRequest) {
          const n = ++w.calls;
          w.beforeDeliver?.(n);
          if (w.used.has(req.welcome_code)) {
            throw new WecomError({ api: 'externalcontact/send_welcome_msg', errcode: 41051, errmsg: 'externaluser has started chatting or welcome code is invalid' });
          }
          w.used.add(req.welcome_code);
          w.delivered.push(req);
          await w.onDeliver?.();
          w.afterDeliver?.(n);
          return { errcode: 0, errmsg: 'ok' };
        },
        async getExternalContact(ext: string) { return { external_contact: { external_userid: ext, name: '' }, follow_user: [] }; },
      }),
    },
  };
  return w;
}

async function sendRow(corpId: string, inboxId: number) {
  const { rows } = await pool.query('SELECT * FROM welcome_sends WHERE corp_id=$1 AND inbox_id=$2', [corpId, inboxId]);
  return rows[0];
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('template rules', () => {
  it('keeps one active default: a new default archives the previous one', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const first = await svc.create(corpId, { name: '默认一', scope: 'default', text: '你好' });
    const second = await svc.create(corpId, { name: '默认二', scope: 'default', text: '您好' });
    expect((await svc.get(corpId, first.id)).status).toBe('archived');
    expect((await svc.list(corpId, { status: 'active' })).map((t) => t.id)).toEqual([second.id]);
    // Turning a code template into the default replaces the default too.
    const code = await svc.create(corpId, { name: '活码', scope: 'code', text: 'hi' });
    await svc.update(corpId, code.id, { scope: 'default' });
    expect((await svc.get(corpId, second.id)).status).toBe('archived');
  });

  it('concurrent defaults still leave exactly one active', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    await Promise.all(Array.from({ length: 5 }, (_, i) => svc.create(corpId, { name: `默认${i}`, scope: 'default', text: 'x' })));
    expect(await svc.list(corpId, { status: 'active', scope: 'default' })).toHaveLength(1);
  });

  it('staff templates need known staff, each in one active staff template only', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const unknown = await rejection(svc.create(corpId, { name: 'x', scope: 'staff', userids: ['alice', 'ghost'], text: 'x' }));
    expect(unknown.extra.field).toBe('userids');
    expect(unknown.message).toMatch(/not staff of this corp: ghost/);

    const a = await svc.create(corpId, { name: '店员A', scope: 'staff', userids: ['alice'], text: 'x' });
    const clash = await rejection(svc.create(corpId, { name: '店员B', scope: 'staff', userids: ['bob', 'alice'], text: 'x' }));
    expect(clash.extra.field).toBe('userids');
    expect(clash.message).toBe(`userids: alice is already in active staff template ${a.id} "店员A"; a staff member may be in only one — remove them there or archive it first`);

    // Editing the same template keeps its own members; after archiving, alice is free again.
    expect((await svc.update(corpId, a.id, { userids: ['alice', 'bob'] })).userids).toEqual(['alice', 'bob']);
    await svc.archive(corpId, a.id);
    expect((await svc.create(corpId, { name: '店员B', scope: 'staff', userids: ['alice'], text: 'x' })).status).toBe('active');
    expect((await rejection(svc.update(corpId, a.id, { name: 'again' }))).code).toBe('conflict');
  });

  it('a code template in use by a live code keeps its scope', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const t = await svc.create(corpId, { name: '活码欢迎', scope: 'code', text: 'x' });
    const { rows } = await pool.query(
      `INSERT INTO live_codes (corp_id, key, kind, name, state, welcome_id) VALUES ($1, $2, 'staff', '门店海报', $2, $3) RETURNING id`,
      [corpId, `k${randomBytes(4).toString('hex')}`, t.id]);
    const err = await rejection(svc.update(corpId, t.id, { scope: 'default' }));
    expect(err.extra.field).toBe('scope');
    expect(err.message).toContain(`live code(s) ${rows[0].id} "门店海报"`);
    expect((await svc.update(corpId, t.id, { text: '新文案' })).text).toBe('新文案');
  });

  it('update merges the patch and re-validates the whole template', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const t = await svc.create(corpId, { name: '券', scope: 'code', text: '', attachments: [{ msgtype: 'coupon', coupon: { title: '新人券', url: 'https://s.example.com/c' } }] });
    expect(t.attachments).toEqual([{ msgtype: 'link', link: { title: '新人券', url: 'https://s.example.com/c' } }]);
    expect((await rejection(svc.update(corpId, t.id, { attachments: [] }))).extra.field).toBe('text');
    expect((await svc.update(corpId, t.id, { name: '  新人券欢迎 ' })).name).toBe('新人券欢迎');
    expect((await rejection(svc.get(corpId, 999_999))).code).toBe('not_found');
  });
});

describe('choose: code > staff > default', () => {
  it('picks by priority and skips archived templates', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const def = await svc.create(corpId, { name: '默认', scope: 'default', text: 'd' });
    const staff = await svc.create(corpId, { name: '王小丽专属', scope: 'staff', userids: ['alice'], text: 's' });
    const code = await svc.create(corpId, { name: '海报码', scope: 'code', text: 'c' });
    const pick = async (userid: string, codeWelcomeId: number | null) => (await svc.choose(corpId, { userid, codeWelcomeId }))?.id ?? null;

    expect(await pick('alice', code.id)).toBe(code.id);
    expect(await pick('bob', code.id)).toBe(code.id);
    expect(await pick('alice', null)).toBe(staff.id);
    expect(await pick('bob', null)).toBe(def.id);
    await svc.archive(corpId, code.id);
    expect(await pick('alice', code.id)).toBe(staff.id);
    expect(await pick('bob', code.id)).toBe(def.id);
    await svc.archive(corpId, def.id);
    expect(await pick('bob', null)).toBeNull();
    // Another corp's template id is never used.
    const other = await newCorp();
    expect(await svc.choose(other, { userid: 'alice', codeWelcomeId: staff.id })).toBeNull();
  });

  it('sendForAdd records which template was used', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom();
    const svc = new WelcomeService(pool, fake.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: 'default' });
    await svc.create(corpId, { name: 'A', scope: 'staff', userids: ['alice'], text: 'staff' });
    const code = await svc.create(corpId, { name: '码', scope: 'code', text: 'code' });
    await svc.sendForAdd(addArgs(corpId, { userid: 'alice', codeWelcomeId: code.id, codeId: 7 }));
    await svc.sendForAdd(addArgs(corpId, { userid: 'alice' }));
    await svc.sendForAdd(addArgs(corpId, { userid: 'bob' }));
    expect(fake.sent.map((r) => r.text?.content)).toEqual(['code', 'staff', 'default']);
  });
});

describe('sendForAdd', () => {
  it('sends once per inbox id, even when the event is handled again while the call is in flight', async () => {
    const corpId = await newCorp();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const fake = fakeWecom({ send: () => gate.then(() => ({ errcode: 0 })) });
    const svc = new WelcomeService(pool, fake.corps, log);
    const t = await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const args = addArgs(corpId);

    const first = svc.sendForAdd(args);
    while (fake.sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await svc.sendForAdd(args)).toMatchObject({ status: 'skipped', templateId: t.id, error: 'in progress' });
    release();
    expect(await first).toMatchObject({ status: 'sent', templateId: t.id });
    // A retry after the fact returns the recorded outcome without calling WeCom.
    expect(await svc.sendForAdd(args)).toMatchObject({ status: 'sent', templateId: t.id });
    expect(fake.sent).toHaveLength(1);
    expect(await sendRow(corpId, args.inboxId)).toMatchObject({ status: 'sent', template_id: t.id, error: null });
  });

  it('records 41051 as failed, does not throw, and never retries it', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom({
      send: async () => { throw new WecomError({ api: 'externalcontact/send_welcome_msg', errcode: 41051, errmsg: 'externaluser has started chatting or welcome code is invalid' }); },
    });
    const svc = new WelcomeService(pool, fake.corps, log);
    const t = await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const args = addArgs(corpId);
    const out = await svc.sendForAdd(args);
    expect(out).toMatchObject({ status: 'failed', templateId: t.id, errcode: 41051, error: 'externaluser has started chatting or welcome code is invalid' });
    expect(out.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await sendRow(corpId, args.inboxId)).toMatchObject({ status: 'failed', errcode: 41051, template_id: t.id });
    expect(await svc.sendForAdd(args)).toMatchObject({ status: 'failed', errcode: 41051 });
    expect(fake.sent).toHaveLength(1);
  });

  it('records other failures (WeCom errors, arguments the client rejects) the same way', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom({ send: async () => { throw new WecomError({ api: 'x', errcode: 40007, errmsg: 'invalid media_id' }); } });
    const svc = new WelcomeService(pool, fake.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    expect(await svc.sendForAdd(addArgs(corpId))).toMatchObject({ status: 'failed', errcode: 40007, error: 'invalid media_id' });
    const broken = new WelcomeService(pool, { client: async () => { throw new Error('corp ww? not found'); } }, log);
    expect(await broken.sendForAdd(addArgs(corpId))).toMatchObject({ status: 'failed', error: 'corp ww? not found' });
  });

  it('fills placeholders from the customer, staff, channel and store', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom({ names: { wm_new: '新朋友' } });
    const svc = new WelcomeService(pool, fake.corps, log);
    await svc.create(corpId, {
      name: '默认', scope: 'default', text: '{nickname}您好，我是{staff}，感谢通过{channel}添加，{store}欢迎您{gift}',
      attachments: [{ msgtype: 'coupon', coupon: { title: '新人券', url: 'https://s.example.com/c' } }],
    });
    // Known customer: the name comes from the customers table, no WeCom lookup.
    await svc.sendForAdd(addArgs(corpId, { channel: '门店海报' }));
    expect(fake.sent[0]).toMatchObject({
      text: { content: '老顾客您好，我是王小丽，感谢通过门店海报添加，静安店欢迎您{gift}' },
      attachments: [{ msgtype: 'link', link: { title: '新人券', url: 'https://s.example.com/c' } }],
    });
    expect(fake.lookups).toEqual([]);
    // Unknown customer: one externalcontact/get; the caller's store name wins over the staff's store.
    await svc.sendForAdd(addArgs(corpId, { externalUserid: 'wm_new', userid: 'bob', channel: '抖音', storeName: '徐汇店' }));
    expect(fake.sent[1].text!.content).toBe('新朋友您好，我是李大卫，感谢通过抖音添加，徐汇店欢迎您{gift}');
    expect(fake.lookups).toEqual(['wm_new']);
    expect(fake.sent[1].welcome_code).toMatch(/^WC/);
  });

  it('skips without a welcome code or without a template, recording why', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom();
    const svc = new WelcomeService(pool, fake.corps, log);
    const noTemplate = addArgs(corpId);
    expect(await svc.sendForAdd(noTemplate)).toMatchObject({ status: 'skipped', templateId: null, error: NO_TEMPLATE_ERROR });
    expect(await sendRow(corpId, noTemplate.inboxId)).toMatchObject({ status: 'skipped', error: NO_TEMPLATE_ERROR });
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const noCode = addArgs(corpId, { welcomeCode: undefined });
    expect(await svc.sendForAdd(noCode)).toMatchObject({ status: 'skipped', error: NO_CODE_ERROR });
    expect(await sendRow(corpId, noCode.inboxId)).toMatchObject({ status: 'skipped', error: NO_CODE_ERROR, template_id: null });
    expect(fake.sent).toEqual([]);
  });

  it('does not spend a call on a code that has certainly expired', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom();
    const svc = new WelcomeService(pool, fake.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const out = await svc.sendForAdd(addArgs(corpId, { receivedAt: new Date(Date.now() - 45_000) }));
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/welcome code expired: the add was received 45 s ago/);
    expect(out.latencyMs).toBeGreaterThanOrEqual(45_000);
    expect(fake.sent).toEqual([]);
  });

  it('settles an attempt whose worker died after WeCom delivered it: sent (reconciled) by the next claimant, delivered once', async () => {
    const corpId = await newCorp();
    const wecom = singleUseWecom();
    // The first worker's call is delivered, and then its worker never hears back (killed, or paused past its lease).
    let answerFirst!: () => void;
    wecom.onDeliver = () => new Promise<void>((r) => { answerFirst = r; });
    const svc = new WelcomeService(pool, wecom.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const args = addArgs(corpId);
    await holdInbox(corpId, args.inboxId, LEASE_A);
    const first = svc.sendForAdd({ ...args, lease: LEASE_A });
    await waitFor(() => wecom.delivered.length === 1);
    wecom.onDeliver = undefined;
    // Its lease ran out; another worker claimed the event.
    await holdInbox(corpId, args.inboxId, LEASE_B);
    expect(await svc.sendForAdd({ ...args, lease: LEASE_B })).toMatchObject({ status: 'sent', reconciled: true });
    expect(wecom.calls).toBe(2);
    expect(wecom.delivered).toHaveLength(1);
    // The first worker comes back: its outcome is no longer its to record.
    answerFirst();
    expect((await first).status).toBe('sent');
    expect(await sendRow(corpId, args.inboxId)).toMatchObject({ status: 'sent', reconciled: true, errcode: null, lease: LEASE_B, welcome_code: args.welcomeCode });
    const listed = await svc.listSends(corpScope(corpId), { status: 'sent', page: 1, pageSize: 20 });
    expect(listed.items.find((i) => i.inboxId === args.inboxId)).toMatchObject({ status: 'sent', reconciled: true });
  });

  it('sends the welcome of an attempt whose worker died before its call reached WeCom, once', async () => {
    const corpId = await newCorp();
    const wecom = singleUseWecom();
    const svc = new WelcomeService(pool, wecom.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const args = addArgs(corpId, { receivedAt: new Date(Date.now() - 6_000) });
    // A claimant recorded its attempt 5 s ago and died before calling; its lease ran out and another worker claimed the event.
    await pool.query(
      `INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, template_id, status, error, received_at, attempted_at, welcome_code, lease)
       VALUES ($1, $2, 'wm_known', 'alice', (SELECT id FROM welcome_templates WHERE corp_id = $1), 'skipped', 'in progress', $3,
               now() - interval '5 seconds', $4, $5)`, [corpId, args.inboxId, args.receivedAt, args.welcomeCode, LEASE_A]);
    await holdInbox(corpId, args.inboxId, LEASE_B);
    expect(await svc.sendForAdd({ ...args, lease: LEASE_B })).toMatchObject({ status: 'sent' });
    expect(await sendRow(corpId, args.inboxId)).toMatchObject({ status: 'sent', reconciled: false, lease: LEASE_B });
    expect(wecom.delivered).toHaveLength(1);
  });

  it('records an interrupted attempt the code outlived as unknown, never failed, without calling WeCom', async () => {
    const corpId = await newCorp();
    const wecom = singleUseWecom();
    const svc = new WelcomeService(pool, wecom.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const stale = addArgs(corpId, { receivedAt: new Date(Date.now() - 45_000) });
    const abandoned = addArgs(corpId, { receivedAt: new Date(Date.now() - 45_000) });
    await pool.query(
      `INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, template_id, status, error, received_at, sent_at, attempted_at, lease)
       SELECT $1, x, 'wm_known', 'alice', (SELECT id FROM welcome_templates WHERE corp_id = $1), 'skipped', 'in progress',
              now() - interval '45 seconds', now() - interval '44 seconds', now() - interval '44 seconds', $4
       FROM unnest(ARRAY[$2, $3]::bigint[]) x`, [corpId, stale.inboxId, abandoned.inboxId, LEASE_A]);
    await holdInbox(corpId, stale.inboxId, LEASE_B);
    expect(await svc.sendForAdd({ ...stale, lease: LEASE_B })).toMatchObject({ status: 'unknown', error: INTERRUPTED_UNKNOWN });
    expect(await sendRow(corpId, stale.inboxId)).toMatchObject({ status: 'unknown' });
    expect(wecom.calls).toBe(0);
    // One nobody settled (every worker gone) shows as unknown too.
    const listed = await svc.listSends(corpScope(corpId), { status: 'unknown', page: 1, pageSize: 20 });
    expect(listed.items.map((i) => i.inboxId).sort()).toEqual([stale.inboxId, abandoned.inboxId].sort());
    expect((await svc.listSends(corpScope(corpId), { status: 'failed', page: 1, pageSize: 20 })).total).toBe(0);
  });

  it('leaves an attempt to the claimant that still holds the event, and records nothing without the event\'s lease', async () => {
    const corpId = await newCorp();
    const wecom = singleUseWecom();
    const svc = new WelcomeService(pool, wecom.corps, log);
    await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const args = addArgs(corpId);
    await holdInbox(corpId, args.inboxId, LEASE_A);
    // A worker that lost the event's lease (paused past it) records no attempt and calls nobody.
    expect(await svc.sendForAdd({ ...args, lease: LEASE_B })).toMatchObject({ status: 'skipped', error: 'in progress' });
    expect(await sendRow(corpId, args.inboxId)).toBeUndefined();
    // The holder's attempt in flight is not taken over by it either.
    let answer!: () => void;
    wecom.onDeliver = () => new Promise<void>((r) => { answer = r; });
    const holder = svc.sendForAdd({ ...args, lease: LEASE_A });
    await waitFor(() => wecom.delivered.length === 1);
    expect(await svc.sendForAdd({ ...args, lease: LEASE_B })).toMatchObject({ status: 'skipped', error: 'in progress' });
    answer();
    expect(await holder).toMatchObject({ status: 'sent' });
    expect(wecom.calls).toBe(1);
    expect(await sendRow(corpId, args.inboxId)).toMatchObject({ status: 'sent', reconciled: false, lease: LEASE_A });
  });

  it('settles a call lost in transit by asking again while the code is valid', async () => {
    const corpId = await newCorp();
    const svc0 = async (wecom: ReturnType<typeof singleUseWecom>) => {
      const svc = new WelcomeService(pool, wecom.corps, log);
      if (!(await svc.list(corpId)).length) await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
      return svc;
    };
    const lost = () => new WecomError({ api: 'externalcontact/send_welcome_msg', errcode: -1, errmsg: 'request failed: ECONNRESET', kind: 'network' });
    // Delivered, but the answer was lost: the second call gets 41051 — it was delivered.
    const answerLost = singleUseWecom();
    answerLost.afterDeliver = (n) => { if (n === 1) throw lost(); };
    const a = addArgs(corpId);
    expect(await (await svc0(answerLost)).sendForAdd(a)).toMatchObject({ status: 'sent', reconciled: true });
    expect(answerLost.delivered).toHaveLength(1);
    // Lost on the way: the second call delivers it.
    const requestLost = singleUseWecom();
    requestLost.beforeDeliver = (n) => { if (n === 1) throw lost(); };
    const b = addArgs(corpId);
    expect(await (await svc0(requestLost)).sendForAdd(b)).toMatchObject({ status: 'sent' });
    expect((await sendRow(corpId, b.inboxId)).reconciled).toBe(false);
    expect(requestLost.delivered).toHaveLength(1);
    // Lost both times: nobody can tell.
    const down = singleUseWecom();
    down.beforeDeliver = () => { throw lost(); };
    const c = addArgs(corpId);
    expect(await (await svc0(down)).sendForAdd(c)).toMatchObject({ status: 'unknown', errcode: -1 });
    expect(down.calls).toBe(2);
  });

  it('measures latency from receipt and lists sends with names', async () => {
    const corpId = await newCorp();
    const fake = fakeWecom();
    const svc = new WelcomeService(pool, fake.corps, log);
    const t = await svc.create(corpId, { name: '默认', scope: 'default', text: '欢迎' });
    const out = await svc.sendForAdd(addArgs(corpId, { receivedAt: new Date(Date.now() - 1500), codeId: 42 }));
    expect(out.latencyMs).toBeGreaterThanOrEqual(1500);
    expect(out.latencyMs).toBeLessThan(10_000);
    await svc.sendForAdd(addArgs(corpId, { welcomeCode: undefined, userid: 'bob' }));

    const all = await svc.listSends(corpScope(corpId), { page: 1, pageSize: 20 });
    expect(all.total).toBe(2);
    const sent = await svc.listSends(corpScope(corpId), { status: 'sent', codeId: 42, page: 1, pageSize: 20 });
    expect(sent.items).toEqual([expect.objectContaining({
      status: 'sent', customerName: '老顾客', staffName: '王小丽', templateId: t.id, templateName: '默认', codeId: 42, latencyMs: out.latencyMs,
    })]);
    expect((await svc.listSends(corpScope(corpId), { status: 'skipped', page: 1, pageSize: 20 })).items[0]).toMatchObject({ userid: 'bob', staffName: '李大卫' });
  });
});

describe('preview', () => {
  it('renders sample values, or the staff member of a staff template', async () => {
    const corpId = await newCorp();
    const svc = new WelcomeService(pool, fakeWecom().corps, log);
    const draft = await svc.preview(corpId, { text: '{nickname}你好，我是{staff}（{channel}·{store}）' });
    expect(draft).toMatchObject({ text: '小鱼你好，我是店员（门店·本店）', attachments: [], truncated: false });
    expect(draft.bytes).toBe(Buffer.byteLength(draft.text));
    const t = await svc.create(corpId, { name: 'A', scope: 'staff', userids: ['alice'], text: '我是{staff}，{store}' });
    expect((await svc.preview(corpId, { id: t.id })).text).toBe('我是王小丽，静安店');
    expect((await svc.preview(corpId, { id: t.id }, { staff: '阿丽', store: '总店' })).text).toBe('我是阿丽，总店');
    // 4000 bytes as saved; a long nickname pushes it over, and the send would cut it at 4000.
    const long = await svc.preview(corpId, { text: '{nickname}' + '鱼'.repeat(1330) }, { nickname: '很长的昵称很长的昵称' });
    expect(long).toMatchObject({ bytes: 3999, truncated: true });
    expect((await rejection(svc.preview(corpId, { text: '' }))).extra.field).toBe('text');
  });
});
